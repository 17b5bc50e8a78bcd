/*
 * check.c: an application as its applicant sees it, the attachment rules of
 * each 申报方式, and the pre-submission check (every unmet rule, with the
 * wizard step that fixes it). The browser shows what this computes; it never
 * decides a rule itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant.h"

enum { AP_LOAD, AP_FILES, AP_ARCH, AP_REC, AP__MAX };

static struct db_stmt st[AP__MAX] = {
	[AP_LOAD] = { "app_load",
	    "SELECT a.id, a.state, a.step_seq, s.name, coalesce(h.name, ''), a.wizard_step,"
	    " p.id, p.name, p.level, pl.name, a.photo_id, a.photo_warning,"
	    " a.signed_at IS NOT NULL,"
	    " to_char(a.signed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " a.statement, a.category, a.method, a.specialty, a.accept_org_id, a.held_title,"
	    " a.self_score, to_char(a.paid_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " pr.education, pr.title, coalesce(pr.title_date <= current_date - interval '4 years', false),"
	    " pr.specialty, pr.staffing, coalesce(pr.out_of_province_ss, false),"
	    " coalesce(emp.ownership, ''), uo.name,"
	    " (SELECT text FROM chain_history WHERE application_id = a.id AND action = 'return'"
	    "  ORDER BY no DESC LIMIT 1),"
	    " p.fee_recommend + p.fee_review, a.unit_org_id,"
	    " EXISTS (SELECT 1 FROM chain_history WHERE application_id = a.id AND action = 'pass'"
	    "  AND from_step = 2),"
	    " to_char(pr.title_date, 'YYYY-MM-DD'), profile_complete(a.applicant_id),"
	    " coalesce((SELECT s4.seq FROM pipeline_step s4 WHERE s4.pipeline_id = a.pipeline_id"
	    "  AND s4.gate = 'fee'), 0),"
	    " coalesce(ao.name, ''),"
	    " CASE WHEN current_date > p.closes_on THEN to_char(p.closes_on, 'YYYY-MM-DD') END "
	    "FROM application a JOIN plan p ON p.id = a.plan_id"
	    " JOIN pipeline pl ON pl.id = a.pipeline_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
	    " LEFT JOIN org h ON h.id = a.current_org_id"
	    " JOIN org uo ON uo.id = a.unit_org_id"
	    " LEFT JOIN org ao ON ao.id = a.accept_org_id"
	    " LEFT JOIN applicant_profile pr ON pr.user_id = a.applicant_id"
	    " LEFT JOIN org emp ON emp.id = pr.unit_org_id "
	    "WHERE a.id = $1 AND a.applicant_id = $2", 0 },
	[AP_FILES] = { "app_files",
	    "SELECT f.kind, u.id, u.filename, u.ctype, u.size FROM application_file f"
	    " JOIN upload u ON u.id = f.upload_id WHERE f.application_id = $1"
	    " ORDER BY f.kind, u.id", 0 },
	[AP_ARCH] = { "app_archive",
	    "SELECT aa.item_id, coalesce(aa.contribution_id, 0), i.title, i.kind, i.status,"
	    " i.collective, coalesce(u.filename, '') FROM application_archive aa"
	    " JOIN archive_item i ON i.id = aa.item_id LEFT JOIN upload u ON u.id = aa.contribution_id"
	    " WHERE aa.application_id = $1 ORDER BY aa.item_id", 0 },
	[AP_REC] = { "app_recommenders",
	    "SELECT c.seq, coalesce(c.name, ''), coalesce(c.title, ''), coalesce(c.specialty, ''),"
	    " coalesce(c.employer, ''), coalesce(c.cert_id, 0), coalesce(u.filename, '')"
	    " FROM recommender c LEFT JOIN upload u ON u.id = c.cert_id"
	    " WHERE c.application_id = $1 ORDER BY c.seq", 0 },
};

/* Columns of AP_LOAD. */
enum {
	C_ID, C_STATE, C_STEP, C_STEP_NAME, C_HOLDER, C_WIZARD, C_PLAN_ID, C_PLAN, C_LEVEL,
	C_PIPELINE, C_PHOTO, C_PHOTO_WARN, C_SIGNED, C_SIGNED_AT, C_STATEMENT, C_CATEGORY,
	C_METHOD, C_SPECIALTY, C_ACCEPT, C_HELD, C_SCORE, C_PAID_AT, C_EDU, C_TITLE, C_TITLE_4Y,
	C_PR_SPECIALTY, C_STAFFING, C_OOP, C_OWNERSHIP, C_UNIT_NAME, C_RETURN_REASON, C_FEE,
	C_UNIT_ORG, C_PASSED_UNIT, C_TITLE_DATE, C_PROFILE_OK, C_FEE_STEP, C_ACCEPT_NAME,
	C_CLOSED_ON
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
};

bool
valid_method(const char *s)
{
	size_t i;

	for (i = 0; i < NITEMS(methods); i++)
		if (strcmp(methods[i].code, s) == 0)
			return true;
	return false;
}

bool
valid_category(const char *s)
{
	size_t i;

	for (i = 0; i < NITEMS(categories); i++)
		if (strcmp(categories[i].code, s) == 0)
			return true;
	return false;
}

static bool
is(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* --- attachment rules --------------------------------------------------- */

enum vis { HIDDEN, OPTIONAL, REQUIRED };

static enum vis
rule(const struct app *a, const char *kind)
{
	const char *m = a->v[C_METHOD], *staffing = a->v[C_STAFFING], *title = a->v[C_TITLE];

	if (is(kind, "summary") || is(kind, "experience") || is(kind, "m_education"))
		return REQUIRED;
	if (is(kind, "other") || is(kind, "m_cont_edu") || is(kind, "m_appraisal"))
		return OPTIONAL;
	if (is(kind, "m_title"))
		return title != NULL && !is(title, "无") ? REQUIRED : OPTIONAL;
	if (is(kind, "abc_form"))
		return is(m, "abc") ? REQUIRED : HIDDEN;
	if (is(kind, "self_form"))
		return is(m, "self") ? REQUIRED : HIDDEN;
	if (is(kind, "transfer_cert"))
		return is(m, "transfer") ? REQUIRED : HIDDEN;
	if (is(kind, "reg_cert") || is(kind, "appointment"))
		return is(m, "qualification") ? REQUIRED : HIDDEN;
	if (is(kind, "skill_cert"))
		return is(m, "skill") ? REQUIRED : HIDDEN;
	if (is(kind, "unit_note"))
		return is(staffing, "non_staff") || is(staffing, "leave_startup") ? REQUIRED : HIDDEN;
	if (is(kind, "ss_proof"))
		return a->v[C_OOP] != NULL && a->v[C_OOP][0] == 't' ? REQUIRED : HIDDEN;
	return HIDDEN;
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

bool
file_kind_visible(const struct app *a, const char *kind)
{
	return rule(a, kind) != HIDDEN;
}

/* --- loading ------------------------------------------------------------- */

void
app_free(struct app *a)
{
	PQclear(a->res);
	PQclear(a->files);
	PQclear(a->arch);
	PQclear(a->rec);
	memset(a, 0, sizeof(*a));
}

enum perr
app_load(struct req *r, long long id, struct app *a)
{
	char app[24], uid[24];
	enum perr e;
	int i;

	memset(a, 0, sizeof(*a));
	snprintf(app, sizeof(app), "%lld", id);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[AP_LOAD], &a->res, 2, app, uid)) != PERR_OK)
		return e;
	if (PQntuples(a->res) != 1) {
		app_free(a);
		return req_fail(r, PERR_NOT_FOUND, NULL, "申报不存在");
	}
	for (i = 0; i < PQnfields(a->res) && i < APP_COLS; i++)
		a->v[i] = db_str(a->res, 0, i);
	a->id = id;
	a->editable = is(a->v[C_STATE], "draft") || is(a->v[C_STATE], "returned");
	if ((e = db_exec(&st[AP_FILES], &a->files, 1, app)) != PERR_OK ||
	    (e = db_exec(&st[AP_ARCH], &a->arch, 1, app)) != PERR_OK ||
	    (e = db_exec(&st[AP_REC], &a->rec, 1, app)) != PERR_OK) {
		app_free(a);
		return e;
	}
	return PERR_OK;
}

enum perr
app_editable(struct req *r, const struct app *a)
{
	if (a->editable)
		return PERR_OK;
	return req_fail(r, PERR_CONFLICT, NULL, "申报已提交，正在“%s”环节办理，不能修改",
	    a->v[C_STEP_NAME]);
}

static int
count_files(const struct app *a, const char *kind)
{
	int i, n = 0;

	for (i = 0; i < PQntuples(a->files); i++)
		n += strcmp(db_str(a->files, i, 0), kind) == 0;
	return n;
}

/* --- the check ----------------------------------------------------------- */

static void
unmet(cJSON *list, int step, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
unmet(cJSON *list, int step, const char *field, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	cJSON *it = cJSON_CreateObject();

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddNumberToObject(it, "step", step);
	cJSON_AddStringToObject(it, "field", field);
	cJSON_AddStringToObject(it, "message", msg);
	cJSON_AddItemToArray(list, it);
}

cJSON *
app_check(const struct app *a)
{
	static const char *const higher[] = { "大学专科", "大学本科", "硕士研究生", "博士研究生" };
	cJSON *list = cJSON_CreateArray();
	const char *m = a->v[C_METHOD], *stmt = a->v[C_STATEMENT];
	const struct file_kind *k;
	int i, nrec = 0;
	size_t j;

	/* A first submission only inside the plan's window; a returned one may come back later. */
	if (is(a->v[C_STATE], "draft") && a->v[C_CLOSED_ON] != NULL)
		unmet(list, 7, "plan", "《%s》的申报已于 %s 截止，不能再提交", a->v[C_PLAN],
		    a->v[C_CLOSED_ON]);
	/* 0: the profile the application rests on */
	if (a->v[C_PROFILE_OK] == NULL || a->v[C_PROFILE_OK][0] != 't')
		unmet(list, 0, "profile", "请先完善“个人基本信息”（学历、职称、现从事专业、编制情况等）");
	if (a->v[C_PHOTO] == NULL)
		unmet(list, 1, "photo", "请上传符合要求的证件照");
	if (a->v[C_SIGNED][0] != 't')
		unmet(list, 2, "signature", "请扫码在线签署《专业技术资格申报材料真实性保证书》");
	if (stmt == NULL || utf8_blank(stmt))
		unmet(list, 3, "statement", "请填写本人述职（专业工作业绩情况，限 1000 字以内）");
	else if (utf8_graphemes(stmt) > 1000)
		unmet(list, 3, "statement", "本人述职不能超过 1000 字（当前 %zu 字）", utf8_graphemes(stmt));
	if (a->v[C_CATEGORY] == NULL)
		unmet(list, 3, "category", "请选择申报类型");
	if (a->v[C_SPECIALTY] == NULL)
		unmet(list, 3, "specialty", "请填写申报专业");
	if (a->v[C_ACCEPT] == NULL)
		unmet(list, 3, "accept_org_id", "请选择受理单位（评审委员会）");
	if (m == NULL)
		unmet(list, 3, "method", "请选择申报方式");
	else if (is(m, "normal") && is(a->v[C_LEVEL], "mid")) {
		bool edu = false;

		for (j = 0; j < NITEMS(higher); j++)
			edu |= is(a->v[C_EDU], higher[j]);
		if (!edu)
			unmet(list, 3, "method", "正常申报须具备规定学历（大学专科及以上），"
			    "您的学历为“%s”，可改按“自评与推荐”申报",
			    a->v[C_EDU] ? a->v[C_EDU] : "未填写");
		if (!is(a->v[C_TITLE], "助理工程师") || a->v[C_TITLE_4Y][0] != 't')
			unmet(list, 3, "method", "正常申报须取得并被聘任助理工程师满 4 年"
			    "（个人基本信息中：%s，取得时间 %s）",
			    a->v[C_TITLE] ? a->v[C_TITLE] : "未填写职称",
			    a->v[C_TITLE_DATE] ? a->v[C_TITLE_DATE] : "未填写");
	} else if (is(m, "self")) {
		if (a->v[C_SCORE] == NULL || atoi(a->v[C_SCORE]) < 117)
			unmet(list, 3, "self_score", "自评分须达到 117 分以上（当前 %s）",
			    a->v[C_SCORE] ? a->v[C_SCORE] : "未填写");
		if (a->v[C_SPECIALTY] && a->v[C_PR_SPECIALTY] &&
		    !is(a->v[C_SPECIALTY], a->v[C_PR_SPECIALTY]))
			unmet(list, 3, "specialty", "自评表中的“申报专业”（%s）应与“现从事专业”（%s）一致",
			    a->v[C_SPECIALTY], a->v[C_PR_SPECIALTY]);
		for (i = 0; i < PQntuples(a->rec); i++) {
			const char *name = db_str(a->rec, i, 1);

			if (name[0] == '\0')
				continue;
			nrec++;
			if (!is(db_str(a->rec, i, 2), "高级工程师") &&
			    !is(db_str(a->rec, i, 2), "正高级工程师"))
				unmet(list, 3, "recommenders", "推荐人%s须为在职高级工程师", name);
			if (db_str(a->rec, i, 3)[0] == '\0' || db_str(a->rec, i, 4)[0] == '\0')
				unmet(list, 3, "recommenders", "请填写推荐人%s的专业和工作单位", name);
			if (db_int(a->rec, i, 5) == 0)
				unmet(list, 3, "recommenders", "请上传推荐人%s的高级工程师职称证书", name);
		}
		if (nrec < 2)
			unmet(list, 3, "recommenders",
			    "“自评与推荐”申报须由 2 名本专业或相近专业在职高级工程师推荐（已填 %d 名）",
			    nrec);
	} else if (is(m, "transfer")) {
		if (a->v[C_HELD] == NULL || a->v[C_HELD][0] == '\0')
			unmet(list, 3, "held_title", "请在“专业技术职务任职资格及取得时间”中写明已取得的中级职称");
	} else if (is(m, "abc")) {
		if (!is(a->v[C_OWNERSHIP], "private"))
			unmet(list, 3, "method", "直接（ABC类）申报仅面向建设类非公企业，"
			    "事业单位和国有企业人员不能选择");
	}

	/* 4: performance archive */
	if (PQntuples(a->arch) == 0)
		unmet(list, 4, "archive", "请从业绩档案中至少选择一项已通过单位审核的业绩");
	for (i = 0; i < PQntuples(a->arch); i++) {
		if (is(db_str(a->arch, i, 4), "superseded"))
			unmet(list, 4, "archive", "业绩《%s》已有通过审核的新版本，请重新选择",
			    db_str(a->arch, i, 2));
		else if (!is(db_str(a->arch, i, 4), "approved"))
			unmet(list, 4, "archive", "业绩《%s》尚未通过单位审核，不能用于申报",
			    db_str(a->arch, i, 2));
		if (db_bool(a->arch, i, 5) && db_int(a->arch, i, 1) == 0)
			unmet(list, 4, "archive", "集体项目《%s》须上传本人系主要贡献者的依据",
			    db_str(a->arch, i, 2));
	}

	/* 5, 6: evidence and attachments */
	for (k = file_kinds; k->code != NULL; k++)
		if (rule(a, k->code) == REQUIRED && count_files(a, k->code) == 0)
			unmet(list, k->step, k->code, "请上传：%s", k->label);
	return list;
}

/* --- JSON ---------------------------------------------------------------- */

static bool accept_row(const struct app *, const PGresult *, int);

static void
add_opt(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static const char *
state_name(const char *s)
{
	return is(s, "draft") ? "草稿" : is(s, "in_review") ? "审核中" :
	    is(s, "returned") ? "已退回，待修改" : is(s, "rejected") ? "未通过" :
	    is(s, "completed") ? "已办结" : s;
}

/* The content of an application, the part a snapshot records. */
cJSON *
app_content_json(const struct app *a)
{
	cJSON *o = cJSON_CreateObject(), *recs, *arch, *files;
	const struct file_kind *k;
	size_t j;
	int i;

	add_opt(o, "statement", a->v[C_STATEMENT]);
	add_opt(o, "category", a->v[C_CATEGORY]);
	for (j = 0; j < NITEMS(categories); j++)
		if (is(a->v[C_CATEGORY], categories[j].code))
			cJSON_AddStringToObject(o, "category_name", categories[j].name);
	add_opt(o, "method", a->v[C_METHOD]);
	for (j = 0; j < NITEMS(methods); j++)
		if (is(a->v[C_METHOD], methods[j].code)) {
			cJSON_AddStringToObject(o, "method_name", methods[j].name);
			cJSON_AddStringToObject(o, "method_label", methods[j].label);
		}
	add_opt(o, "specialty", a->v[C_SPECIALTY]);
	if (a->v[C_ACCEPT])
		cJSON_AddNumberToObject(o, "accept_org_id", (double)atoll(a->v[C_ACCEPT]));
	else
		cJSON_AddNullToObject(o, "accept_org_id");
	cJSON_AddStringToObject(o, "accept_org", a->v[C_ACCEPT_NAME]);
	add_opt(o, "held_title", a->v[C_HELD]);
	if (a->v[C_SCORE])
		cJSON_AddNumberToObject(o, "self_score", atoi(a->v[C_SCORE]));
	else
		cJSON_AddNullToObject(o, "self_score");
	if (a->v[C_PHOTO])
		cJSON_AddNumberToObject(o, "photo_id", (double)atoll(a->v[C_PHOTO]));
	else
		cJSON_AddNullToObject(o, "photo_id");
	recs = cJSON_AddArrayToObject(o, "recommenders");
	for (i = 0; i < PQntuples(a->rec); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "name", db_str(a->rec, i, 1));
		cJSON_AddStringToObject(it, "title", db_str(a->rec, i, 2));
		cJSON_AddStringToObject(it, "specialty", db_str(a->rec, i, 3));
		cJSON_AddStringToObject(it, "employer", db_str(a->rec, i, 4));
		cJSON_AddNumberToObject(it, "cert", (double)db_int(a->rec, i, 5));
		cJSON_AddStringToObject(it, "cert_name", db_str(a->rec, i, 6));
		cJSON_AddItemToArray(recs, it);
	}
	arch = cJSON_AddArrayToObject(o, "archive");
	for (i = 0; i < PQntuples(a->arch); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "item_id", (double)db_int(a->arch, i, 0));
		cJSON_AddNumberToObject(it, "contribution", (double)db_int(a->arch, i, 1));
		cJSON_AddStringToObject(it, "contribution_name", db_str(a->arch, i, 6));
		cJSON_AddStringToObject(it, "title", db_str(a->arch, i, 2));
		cJSON_AddStringToObject(it, "status", db_str(a->arch, i, 4));
		cJSON_AddBoolToObject(it, "collective", db_bool(a->arch, i, 5));
		cJSON_AddItemToArray(arch, it);
	}
	files = cJSON_AddObjectToObject(o, "files");
	for (k = file_kinds; k->code != NULL; k++) {
		cJSON *arr = cJSON_AddArrayToObject(files, k->code);

		for (i = 0; i < PQntuples(a->files); i++) {
			cJSON *f;

			if (strcmp(db_str(a->files, i, 0), k->code) != 0)
				continue;
			f = cJSON_CreateObject();
			cJSON_AddNumberToObject(f, "id", (double)db_int(a->files, i, 1));
			cJSON_AddStringToObject(f, "name", db_str(a->files, i, 2));
			cJSON_AddStringToObject(f, "type", db_str(a->files, i, 3));
			cJSON_AddNumberToObject(f, "size", (double)db_int(a->files, i, 4));
			cJSON_AddItemToArray(arr, f);
		}
	}
	return o;
}

void
app_reply(struct req *r, const struct app *a)
{
	cJSON *o = app_content_json(a), *fee, *rules, *opts, *orgs;
	const struct file_kind *k;
	PGresult *own = NULL;
	int i, fee_step = atoi(a->v[C_FEE_STEP]);

	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "plan_id", (double)atoll(a->v[C_PLAN_ID]));
	cJSON_AddStringToObject(o, "plan", a->v[C_PLAN]);
	cJSON_AddStringToObject(o, "level", a->v[C_LEVEL]);
	cJSON_AddStringToObject(o, "pipeline", a->v[C_PIPELINE]);
	cJSON_AddStringToObject(o, "state", a->v[C_STATE]);
	cJSON_AddStringToObject(o, "state_name", state_name(a->v[C_STATE]));
	cJSON_AddNumberToObject(o, "step", atoi(a->v[C_STEP]));
	cJSON_AddStringToObject(o, "step_name", a->v[C_STEP_NAME]);
	cJSON_AddStringToObject(o, "holder", a->v[C_HOLDER]);
	cJSON_AddStringToObject(o, "unit", a->v[C_UNIT_NAME]);
	cJSON_AddNumberToObject(o, "wizard_step", atoi(a->v[C_WIZARD]));
	cJSON_AddBoolToObject(o, "editable", a->editable);
	add_opt(o, "return_reason", is(a->v[C_STATE], "returned") ? a->v[C_RETURN_REASON] : NULL);
	add_opt(o, "photo_warning", a->v[C_PHOTO_WARN]);
	cJSON_AddBoolToObject(o, "signed", a->v[C_SIGNED][0] == 't');
	add_opt(o, "signed_at", a->v[C_SIGNED_AT]);
	cJSON_AddBoolToObject(o, "printable", a->v[C_PASSED_UNIT][0] == 't');
	fee = cJSON_AddObjectToObject(o, "fee");
	cJSON_AddNumberToObject(fee, "amount", atoi(a->v[C_FEE]));
	add_opt(fee, "paid_at", a->v[C_PAID_AT]);
	/* the fee is due once the unit has reported it upward to the fee step */
	cJSON_AddBoolToObject(fee, "due", fee_step > 0 && atoi(a->v[C_STEP]) >= fee_step &&
	    is(a->v[C_STATE], "in_review") && a->v[C_PAID_AT] == NULL && atoi(a->v[C_FEE]) > 0);
	cJSON_AddItemToObject(req_out(r), "application", o);

	rules = cJSON_AddArrayToObject(req_out(r), "file_rules");
	for (k = file_kinds; k->code != NULL; k++) {
		cJSON *it = cJSON_CreateObject();
		enum vis v = rule(a, k->code);

		cJSON_AddStringToObject(it, "kind", k->code);
		cJSON_AddNumberToObject(it, "step", k->step);
		cJSON_AddStringToObject(it, "label", k->label);
		cJSON_AddStringToObject(it, "hint", k->hint);
		cJSON_AddBoolToObject(it, "required", v == REQUIRED);
		cJSON_AddBoolToObject(it, "visible", v != HIDDEN);
		cJSON_AddItemToArray(rules, it);
	}
	opts = cJSON_AddObjectToObject(req_out(r), "options");
	{
		cJSON *c = cJSON_AddObjectToObject(opts, "commitment");

		cJSON_AddStringToObject(c, "title", commitment_title);
		cJSON_AddStringToObject(c, "text", commitment_text);
	}
	orgs = cJSON_AddArrayToObject(opts, "accept_orgs");
	if (chain_owners(a->id, &own) == PERR_OK) {
		for (i = 0; i < PQntuples(own); i++) {
			cJSON *it;

			if (!accept_row(a, own, i))
				continue;
			it = cJSON_CreateObject();
			cJSON_AddNumberToObject(it, "id", (double)db_int(own, i, 2));
			cJSON_AddStringToObject(it, "name", db_str(own, i, 3));
			cJSON_AddStringToObject(it, "step", db_str(own, i, 1));
			cJSON_AddItemToArray(orgs, it);
		}
		PQclear(own);
	}
	cJSON_AddItemToObject(req_out(r), "check", app_check(a));
}

/* Whether row i of chain_owners() is a department the applicant may name as
 * 受理单位/评审委员会: an owner after the unit, listed once. */
static bool
accept_row(const struct app *a, const PGresult *own, int i)
{
	long long org = db_int(own, i, 2);
	int k;

	if (org == 0 || org == atoll(a->v[C_UNIT_ORG]))
		return false;
	for (k = 0; k < i; k++)
		if (db_int(own, k, 2) == org)
			return false;
	return true;
}

bool
app_accept_ok(const struct app *a, long long org)
{
	PGresult *own;
	bool ok = false;
	int i;

	if (chain_owners(a->id, &own) != PERR_OK)
		return false;
	for (i = 0; i < PQntuples(own) && !ok; i++)
		ok = accept_row(a, own, i) && db_int(own, i, 2) == org;
	PQclear(own);
	return ok;
}
