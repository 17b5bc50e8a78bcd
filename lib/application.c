/*
 * application.c: an application as its viewer may see it. One loader for
 * every program: the applicant sees their own, an organisation what reached
 * its desk (desk rows are written by chain_move()), and nobody else: the
 * refusal is in the SQL, and it answers as for an id that does not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"

enum { AP_LOAD, AP_FILES, AP_ARCH, AP_REC, AP_FILE, AP__MAX };

/* The viewer: $2 the applicant's user id or 0, $3 the organisation or 0. */
/* the applicant's own, or one that came to the viewer's desk: a probe of the
 * desk's primary key (as an EXISTS beside the OR, PostgreSQL may hash every
 * application on the organisation's desk first: 20 000 of a big unit's) */
#define VISIBLE \
	" (a.applicant_id = $2 OR (SELECT true FROM desk d" \
	"  WHERE d.org_id = $3 AND d.application_id = a.id))"

#define DATE(x) "to_char(" x ", 'YYYY-MM-DD')"
#define TIME(x) "to_char(" x " AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
/* The day the facts are counted to: the submission's for an application under
 * review or decided, today's for one its applicant may still change and
 * submit: the day rule_check()'s 满 4 年 is counted to when it is submitted. */
#define AS_OF "(CASE WHEN a.state IN ('draft', 'returned') OR a.submitted_at IS NULL" \
	" THEN current_date ELSE (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date END)"
#define YEARS(from) "extract(year FROM age(" AS_OF ", " from "))::int"
/* The employer: as the profile says while the applicant may still change and
 * submit it, as it was when submitted after that (sql/054). */
#define EMPLOYER "(CASE WHEN a.state IN ('draft', 'returned') OR a.employer_org_id IS NULL" \
	" THEN pr.unit_org_id ELSE a.employer_org_id END)"

static struct db_stmt st[AP__MAX] = {
	[AP_LOAD] = { "app_load",
	    "SELECT a.id, a.applicant_id, a.plan_id, a.pipeline_id, a.unit_org_id,"
	    " coalesce(a.current_org_id, 0), coalesce(a.accept_org_id, 0), coalesce(a.photo_id, 0),"
	    " coalesce(a.signature_id, 0), a.step_seq, a.wizard_step,"
	    /* what was paid keeps its amount (-1: nothing paid); until then what
	     * the fee step's department set, kept by the programs (ref_fee()) */
	    " coalesce(pay.amount, -1),"
	    " a.snapshot_no,"	/* the submissions so far (sql/021) */
	    " a.version, coalesce((a.self_score * 10)::int, -1),"	/* tenths */
	    " coalesce(" YEARS("pr.title_date") ", -1), coalesce(" YEARS("pr.graduation_date") ", -1),"
	    " coalesce(" YEARS("pr.work_start_date") ", -1),"
	    " a.state IN ('draft', 'returned'), a.signed_at IS NOT NULL,"
	    " EXISTS (SELECT 1 FROM chain_history WHERE application_id = a.id AND action = 'pass'"
	    "  AND from_step = 2),"
	    /* 取得并被聘任…满 4 年: from the later of the title and the appointment, both
	     * given (greatest() would pass over a missing date) */
	    " coalesce(greatest(pr.title_date, pr.appointed_date) <= " AS_OF " - interval '4 years'"
	    "  AND pr.title_date IS NOT NULL AND pr.appointed_date IS NOT NULL, false),"
	    /* the step's, the pipeline's, the region's and the organisations'
	     * names are the programs' (lib/refnames.c, as of ref_version,
	     * the last column): here their ids, or 0 */
	    " a.state, (SELECT name FROM state_label WHERE code = a.state),"
	    " p.name, p.level, coalesce(a.region_id, 0),"
	    " a.photo_warning, " TIME("a.signed_at") ", a.statement, a.category, a.method,"
	    " a.specialty, a.held_title, " TIME("a.paid_at") ","
	    " (SELECT text FROM chain_history WHERE application_id = a.id AND action = 'return'"
	    "  ORDER BY no DESC LIMIT 1),"
	    " CASE WHEN current_date > p.closes_on THEN " DATE("p.closes_on") " END,"
	    " " DATE(AS_OF) ", " TIME("a.submitted_at") ","
	    /* the person */
	    " u.name, u.idcard, u.mobile, pr.ethnicity, pr.education, pr.degree, pr.school,"
	    " pr.major, " DATE("pr.graduation_date") ", " DATE("pr.work_start_date") ", pr.title,"
	    " " DATE("pr.title_date") ", " DATE("pr.appointed_date") ", pr.specialty, pr.staffing,"
	    " pr.custody,"
	    " coalesce(" EMPLOYER ", 0), coalesce(pr.centre_org_id, 0),"
	    " coalesce((SELECT ownership FROM org WHERE id = " EMPLOYER "), ''),"
	    " coalesce(pr.out_of_province_ss, false), profile_row_complete(" PROFILE_ROW "),"
	    /* the paid orders' numbers, for the reviewers' reconciliation (a pending one never) */
	    " pay.order_no,"
	    /* while it waits to be paid: the last day the department holding it set (sql/077),
	     * and whether it is past */
	    " " DATE("fd.pay_by") ", coalesce(fd.pay_by < " SQL_TODAY ", false),"
	    /* who keeps the person's file now, by the profile as it is, while the application
	     * is under review (what was submitted names the unit that vouches for it) */
	    " CASE WHEN a.state = 'in_review' THEN (SELECT CASE WHEN cp.custody = 'talent_centre'"
	    "  THEN cp.centre_org_id ELSE cp.unit_org_id END FROM applicant_profile cp"
	    "  WHERE cp.user_id = a.applicant_id) END,"
	    /* the holder's 咨询电话 (sql/080), where the applicant is sent to it */
	    " (SELECT phone FROM org WHERE id = a.current_org_id),"
	    " coalesce(pay.surplus, 0), coalesce(pay.refunded, 0),"
	    " (SELECT n FROM ref_version) "
	    "FROM application a JOIN plan p ON p.id = a.plan_id"
	    " JOIN app_user u ON u.id = a.applicant_id"
	    PROFILE_JOIN
	    /* (what counts towards the fee: beyond it, the surplus, sql/087) */
	    " LEFT JOIN LATERAL (SELECT (sum(y.amount_fen) - sum(y.surplus_fen)) / 100 AS amount,"
	    "  sum(y.surplus_fen) FILTER (WHERE y.refunded_at IS NULL) AS surplus,"
	    "  sum(y.surplus_fen) FILTER (WHERE y.refunded_at IS NOT NULL) AS refunded,"
	    "  string_agg(y.order_no, '、' ORDER BY y.paid_at) AS order_no FROM payment y"
	    "  WHERE y.application_id = a.id AND y.status = 'paid') pay ON true"
	    /* while it waits to be paid: the last day the department holding it set (sql/077) */
	    " LEFT JOIN fee_deadline fd ON a.paid_at IS NULL AND a.state = 'in_review'"
	    "  AND fd.plan_id = a.plan_id AND fd.org_id = a.current_org_id "
	    "WHERE a.id = $1 AND" VISIBLE, 0 },
	[AP_FILES] = { "app_files",
	    "SELECT f.kind, u.id, u.filename, u.ctype, u.size FROM application_file f"
	    " JOIN upload u ON u.id = f.upload_id WHERE f.application_id = $1"
	    " ORDER BY f.kind, u.id", 0 },
	[AP_ARCH] = { "app_archive",
	    "SELECT " ARCHIVE_ITEM_COLS ", coalesce(aa.contribution_id, 0),"
	    " coalesce(cu.filename, '') FROM application_archive aa"
	    " JOIN archive_item i ON i.id = aa.item_id LEFT JOIN upload cu ON cu.id = aa.contribution_id"
	    " WHERE aa.application_id = $1 ORDER BY aa.item_id", 0 },
	[AP_REC] = { "app_recommenders",
	    "SELECT c.seq, coalesce(c.name, ''), coalesce(c.title, ''), coalesce(c.specialty, ''),"
	    " coalesce(c.employer, ''), coalesce(c.cert_id, 0), coalesce(u.filename, '')"
	    " FROM recommender c LEFT JOIN upload u ON u.id = c.cert_id"
	    " WHERE c.application_id = $1 ORDER BY c.seq", 0 },
	/* a file of the application, for a viewer who may see the application */
	[AP_FILE] = { "app_file",
	    "SELECT u.filename, u.ctype, u.data FROM application a JOIN upload u ON u.id = $4"
	    " WHERE a.id = $1 AND" VISIBLE " AND (a.photo_id = u.id OR a.signature_id = u.id"
	    "  OR EXISTS (SELECT 1 FROM application_file f"
	    "   WHERE f.application_id = a.id AND f.upload_id = u.id)"
	    "  OR EXISTS (SELECT 1 FROM recommender c"
	    "   WHERE c.application_id = a.id AND c.cert_id = u.id)"
	    "  OR EXISTS (SELECT 1 FROM application_archive aa"
	    "   JOIN archive_item i ON i.id = aa.item_id WHERE aa.application_id = a.id"
	    "   AND (aa.contribution_id = u.id OR u.id = ANY (i.attachments))))", 0 },
};

/* Columns of AP_LOAD, in order. */
enum {
	C_ID, C_APPLICANT, C_PLAN_ID, C_PIPELINE_ID, C_UNIT_ORG, C_CURRENT_ORG, C_ACCEPT, C_PHOTO,
	C_SIGNATURE, C_STEP, C_WIZARD, C_PAID, C_SUBMISSIONS, C_VERSION, C_SCORE,
	C_TITLE_YEARS, C_GRAD_YEARS, C_WORK_YEARS,
	C_EDITABLE, C_SIGNED, C_PASSED_UNIT, C_TITLE_4Y,
	C_STATE, C_STATE_NAME, C_PLAN, C_LEVEL, C_REGION_ID, C_PHOTO_WARN,
	C_SIGNED_AT, C_STATEMENT, C_CATEGORY, C_METHOD, C_SPECIALTY, C_HELD, C_PAID_AT,
	C_RETURN_REASON, C_CLOSED_ON, C_AS_OF, C_SUBMITTED_AT,
	P_NAME, P_IDCARD, P_MOBILE, P_ETHNICITY, P_EDUCATION, P_DEGREE, P_SCHOOL, P_MAJOR,
	P_GRADUATION, P_WORK_START, P_TITLE, P_TITLE_DATE, P_APPOINTED, P_SPECIALTY, P_STAFFING, P_CUSTODY,
	P_EMPLOYER_ID, P_CENTRE_ID, P_OWNERSHIP, P_OOP, P_COMPLETE, C_ORDER_NO, C_PAY_BY, C_PAY_LATE,
	C_KEEPER_NOW, C_HOLDER_PHONE, C_SURPLUS, C_REFUNDED, C_REF_VERSION, C__N
};

static const struct {
	const char *code, *name, *label;	/* label: what the plan's form calls it */
} methods[] = {
	{ "normal", "正常申报", "正常申报" },
	{ "self", "“自评与推荐”申报", "自评分申报" },
	{ "transfer", "“转（兼）评”申报", "转（兼）评" },
	{ "abc", "直接（ABC类）申报", "破格申报" },
	{ "qualification", "职（执）业资格申报", "正常申报" },
	{ "skill", "技能人才申报", "技能人才申报" },
};

static const struct {
	const char *code, *name;
} categories[] = {
	{ "planning", "规划与设计类" },
	{ "construction", "施工与监理类" },
	{ "management", "技术管理类" },
}, staffings[] = {
	{ "regular", "在编" },
	{ "non_staff", "非在编" },
	{ "leave_startup", "离岗创业" },
	{ "none", "非事业单位人员" },
};

const char *
app_method_name(const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < NITEMS(methods); i++)
		if (strcmp(methods[i].code, code) == 0)
			return methods[i].name;
	return "";
}

const char *
app_method_label(const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < NITEMS(methods); i++)
		if (strcmp(methods[i].code, code) == 0)
			return methods[i].label;
	return "";
}

const char *
app_category_name(const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < NITEMS(categories); i++)
		if (strcmp(categories[i].code, code) == 0)
			return categories[i].name;
	return "";
}

/* A 自评分 in tenths as it is written: 117, 117.5. */
const char *
app_score_text(int tenths, char *buf, size_t n)
{
	if (tenths % 10 == 0)
		snprintf(buf, n, "%d", tenths / 10);
	else
		snprintf(buf, n, "%d.%d", tenths / 10, tenths % 10);
	return buf;
}

const char *
app_staffing_name(const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < NITEMS(staffings); i++)
		if (strcmp(staffings[i].code, code) == 0)
			return staffings[i].name;
	return "";
}

bool
valid_method(const char *s)
{
	return app_method_name(s)[0] != '\0';
}

bool
valid_category(const char *s)
{
	return app_category_name(s)[0] != '\0';
}

const struct file_kind file_kinds[] = {
	{ "m_education", 5, "学历、学位证书", "毕业证书和学位证书扫描件" },
	{ "m_title", 5, "现有职称证书", "已取得的专业技术资格证书及聘任材料" },
	{ "m_cont_edu", 5, "继续教育证明", "任现职以来的继续教育学时证明" },
	{ "m_appraisal", 5, "年度考核证明", "任现职以来的年度考核结果" },
	{ "summary", 6, "总结", "任现职期间撰写的工程项目技术总结、经验交流材料、专业技术报告、年度专业技术总结等" },
	{ "abc_form", 6, "直接ABC类申报审批表", "《直接ABC类申报审批表》及符合ABC对应条件的佐证材料" },
	{ "experience", 6, "专业技术工作经历表", "参照样例填写" },
	{ "unit_note", 6, "单位说明", "事业单位非在编、离岗创业人员需提供" },
	{ "self_form", 6, "自评表与推荐表", "《建设工程专业技术职务任职资格自评表与推荐表》1份" },
	{ "ss_proof", 6, "省外社保缴纳佐证材料", "有省外社保缴纳记录的人员提供" },
	{ "transfer_cert", 6, "已取得的中级职称资格证书", "转（兼）评申报须上传" },
	{ "reg_cert", 6, "职（执）业资格注册证书", "一级、二级建造师等注册职（执）业资格证书" },
	{ "appointment", 6, "聘书", "职（执）业资格申报须上传聘书" },
	{ "skill_cert", 6, "技能人才佐证材料", "按浙人社发〔2022〕77号申报的职业技能等级证书等" },
	{ "other", 6, "其他材料", "其他需特别说明的材料" },
	{ NULL, 0, NULL, NULL },
};

const struct file_kind *
file_kind(const char *code)
{
	const struct file_kind *k;

	for (k = file_kinds; k->code != NULL; k++)
		if (strcmp(k->code, code) == 0)
			return k;
	return NULL;
}

/* --- loading ------------------------------------------------------------- */

void
app_free(struct application *a)
{
	PQclear(a->res);
	PQclear(a->files);
	PQclear(a->arch);
	PQclear(a->rec);
	memset(a, 0, sizeof(*a));
}

/* a kept name, NULL for one not known (as the subquery it replaced gave) */
static const char *
kept(const char *name)
{
	return name[0] != '\0' ? name : NULL;
}

static void
fill(struct application *a, const PGresult *r)
{
#define I(c) db_int(r, 0, (c))
#define B(c) db_bool(r, 0, (c))
#define S(c) db_str(r, 0, (c))
	a->id = I(C_ID);
	a->applicant_id = I(C_APPLICANT);
	a->plan_id = I(C_PLAN_ID);
	a->pipeline_id = I(C_PIPELINE_ID);
	a->unit_org_id = I(C_UNIT_ORG);
	a->current_org_id = I(C_CURRENT_ORG);
	a->accept_org_id = I(C_ACCEPT);
	a->photo_id = I(C_PHOTO);
	a->signature_id = I(C_SIGNATURE);
	a->step = (int)I(C_STEP);
	a->wizard_step = (int)I(C_WIZARD);
	a->submissions = (int)I(C_SUBMISSIONS);
	a->version = (int)I(C_VERSION);
	a->self_score = (int)I(C_SCORE);
	a->title_years = (int)I(C_TITLE_YEARS);
	a->graduation_years = (int)I(C_GRAD_YEARS);
	a->work_years = (int)I(C_WORK_YEARS);
	a->editable = B(C_EDITABLE);
	a->signed_in = B(C_SIGNED);
	a->passed_unit = B(C_PASSED_UNIT);
	a->title_4y = B(C_TITLE_4Y);
	a->state = S(C_STATE);
	a->state_name = S(C_STATE_NAME);
	a->step_name = kept(ref_step(a->pipeline_id, a->step, NULL));
	a->holder = ref_org(a->current_org_id);
	a->plan = S(C_PLAN);
	a->level = S(C_LEVEL);
	a->pipeline = kept(ref_pipeline(a->pipeline_id));
	a->region_id = I(C_REGION_ID);
	a->region = a->region_id != 0 ? kept(ref_region(a->region_id)) : NULL;
	a->photo_warning = S(C_PHOTO_WARN);
	a->signed_at = S(C_SIGNED_AT);
	a->statement = S(C_STATEMENT);
	a->category = S(C_CATEGORY);
	a->method = S(C_METHOD);
	a->specialty = S(C_SPECIALTY);
	a->held_title = S(C_HELD);
	a->paid_at = S(C_PAID_AT);
	a->unit_name = a->unit_org_id != 0 ? kept(ref_org(a->unit_org_id)) : NULL;
	a->accept_name = ref_org(a->accept_org_id);
	a->return_reason = S(C_RETURN_REASON);
	a->closed_on = S(C_CLOSED_ON);
	a->facts_as_of = S(C_AS_OF);
	a->submitted_at = S(C_SUBMITTED_AT);
	a->order_no = S(C_ORDER_NO);
	a->pay_by = S(C_PAY_BY);
	a->pay_late = B(C_PAY_LATE);
	a->keeper_now_id = I(C_KEEPER_NOW);
	a->holder_phone = S(C_HOLDER_PHONE);
	a->person = (struct person){
		.name = S(P_NAME), .idcard = S(P_IDCARD), .mobile = S(P_MOBILE),
		.ethnicity = S(P_ETHNICITY), .education = S(P_EDUCATION), .degree = S(P_DEGREE),
		.school = S(P_SCHOOL), .major = S(P_MAJOR), .graduation_date = S(P_GRADUATION),
		.work_start_date = S(P_WORK_START), .title = S(P_TITLE),
		.title_date = S(P_TITLE_DATE), .appointed_date = S(P_APPOINTED),
		.specialty = S(P_SPECIALTY),
		.staffing = S(P_STAFFING), .custody = S(P_CUSTODY), .employer = ref_org(I(P_EMPLOYER_ID)),
		.centre = ref_org(I(P_CENTRE_ID)), .ownership = S(P_OWNERSHIP),
		.keeper_id = S(P_CUSTODY) != NULL && strcmp(S(P_CUSTODY), "talent_centre") == 0 ?
		    I(P_CENTRE_ID) : I(P_EMPLOYER_ID),
		.out_of_province_ss = B(P_OOP), .profile_complete = B(P_COMPLETE),
	};
#undef I
#undef B
#undef S
}

void
app_load_add(struct db_batch *b, const struct actor *viewer, long long id, struct application *a)
{
	long long uid = viewer->org_id == 0 ? viewer->user_id : 0;

	memset(a, 0, sizeof(*a));
	/* the three lists read whether or not the viewer may see the application;
	 * app_load_done() lets them go unseen when not */
	db_batch_add(b, &st[AP_LOAD], &a->res, 3, DB_I(id), DB_I(uid), DB_I(viewer->org_id));
	db_batch_add(b, &st[AP_FILES], &a->files, 1, DB_I(id));
	db_batch_add(b, &st[AP_ARCH], &a->arch, 1, DB_I(id));
	db_batch_add(b, &st[AP_REC], &a->rec, 1, DB_I(id));
}

enum perr
app_load_done(struct application *a, char *msg, size_t msgsz)
{
	const PGresult *r = a->res;
	long long org[5];
	const char *items = NULL;
	enum perr e;
	int paid, total = 0;

	if (PQntuples(r) != 1 || PQnfields(r) != C__N) {
		app_free(a);
		snprintf(msg, msgsz, "申报不存在");
		return PERR_NOT_FOUND;
	}
	/* the names as of the version read with the row */
	org[0] = db_int(r, 0, C_CURRENT_ORG);
	org[1] = db_int(r, 0, C_UNIT_ORG);
	org[2] = db_int(r, 0, C_ACCEPT);
	org[3] = db_int(r, 0, P_EMPLOYER_ID);
	org[4] = db_int(r, 0, P_CENTRE_ID);
	if ((e = ref_sync(db_int(r, 0, C_REF_VERSION))) != PERR_OK ||
	    (e = ref_orgs_of(org, NITEMS(org))) != PERR_OK) {
		app_free(a);
		return e;
	}
	fill(a, a->res);
	/* the fee: what was paid, or the items as the fee step's department
	 * set them (shown while unpaid) */
	paid = (int)db_int(r, 0, C_PAID);
	a->fee_step = ref_fee_step(a->pipeline_id);
	if ((paid < 0 || a->paid_at == NULL) &&
	    (e = ref_fee(a->plan_id, a->pipeline_id, a->region_id, a->unit_org_id, &total,
	    &items)) != PERR_OK) {
		app_free(a);
		return e;
	}
	a->fee = a->paid_at != NULL && paid >= 0 ? paid : total;
	a->fee_met = a->paid_at != NULL || (paid > 0 && paid >= total);
	a->paid_part = !a->fee_met && paid > 0 ? paid : 0;
	a->fee_items = a->paid_at == NULL ? items : NULL;
	a->surplus_fen = db_int(r, 0, C_SURPLUS);
	a->refunded_fen = db_int(r, 0, C_REFUNDED);
	return PERR_OK;
}

enum perr
app_load(const struct actor *viewer, long long id, struct application *a, char *msg,
    size_t msgsz)
{
	struct db_batch b = { 0 };
	enum perr e;

	app_load_add(&b, viewer, id, a);
	if ((e = db_batch_run(&b)) != PERR_OK)
		return e;
	return app_load_done(a, msg, msgsz);
}

enum perr
app_open(struct req *r, long long id, struct application *a)
{
	struct actor who = req_actor(r);

	return app_load(&who, id, a, r->msg, sizeof(r->msg));
}

enum perr
app_file(const struct actor *viewer, long long id, long long upload_id, char **data,
    size_t *len, char *ctype, size_t ctypesz, char *name, size_t namesz)
{
	long long uid = viewer->org_id == 0 ? viewer->user_id : 0;
	unsigned char *bytes;
	PGresult *res;
	enum perr e;

	*data = NULL;
	if ((e = db_run(&st[AP_FILE], &res, 4, DB_I(id), DB_I(uid), DB_I(viewer->org_id),
	    DB_I(upload_id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return PERR_NOT_FOUND;
	}
	bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 2), len);
	if (bytes == NULL || (*data = malloc(*len ? *len : 1)) == NULL) {
		PQfreemem(bytes);
		PQclear(res);
		return PERR_INTERNAL;
	}
	memcpy(*data, bytes, *len);
	PQfreemem(bytes);
	snprintf(name, namesz, "%s", db_str(res, 0, 0));
	snprintf(ctype, ctypesz, "%s", db_str(res, 0, 1));
	PQclear(res);
	return PERR_OK;
}
