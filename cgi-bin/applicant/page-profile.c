/* page-profile.c: 个人基本信息, and the picker of approved units and talent centres. */
#include <stdio.h>
#include <string.h>

#include "applicant.h"

enum { PR_GET, PR_SAVE, PR_ORG_OK, PR_UNITS, PR_BIND, PR_ARCHIVE_FOLLOW, PR_BINDINGS, PR_DATES, PR__MAX };

static struct db_stmt st[PR__MAX] = {
	[PR_GET] = { "profile_get",
	    "SELECT u.idcard, u.mobile, p.ethnicity, p.education, p.degree, p.school, p.major,"
	    " to_char(p.graduation_date, 'YYYY-MM-DD'), to_char(p.work_start_date, 'YYYY-MM-DD'),"
	    " p.title, to_char(p.title_date, 'YYYY-MM-DD'), p.specialty, p.custody,"
	    " p.unit_org_id, uo.name, p.centre_org_id, co.name, p.staffing,"
	    " coalesce(p.out_of_province_ss, false), uo.ownership,"
	    " to_char(p.appointed_date, 'YYYY-MM-DD') "
	    "FROM app_user u LEFT JOIN applicant_profile p ON p.user_id = u.id"
	    " LEFT JOIN org uo ON uo.id = p.unit_org_id LEFT JOIN org co ON co.id = p.centre_org_id "
	    "WHERE u.id = $1", 0 },
	/* absent fields ($n NULL) keep their value; "" clears a text */
	[PR_SAVE] = { "profile_save",
	    "INSERT INTO applicant_profile AS p (user_id) VALUES ($1) "
	    "ON CONFLICT (user_id) DO UPDATE SET updated_at = now() "
	    "RETURNING user_id", 0 },
	[PR_ORG_OK] = { "profile_org_ok",
	    "SELECT 1 FROM org WHERE id = $1 AND kind = $2 AND status = 'approved'", 0 },
	[PR_UNITS] = { "profile_units",
	    "SELECT o.id, o.name, o.kind, r.name, coalesce(o.ownership, '') FROM org o"
	    " JOIN region r ON r.id = o.region_id"
	    " WHERE o.kind = $1 AND o.status = 'approved' AND strpos(o.name, $2) > 0"
	    " ORDER BY o.name LIMIT 20", 0 },
	/* the organisation chosen asks to confirm the person: a new request, or
	 * again after a refusal; a confirmation stands */
	[PR_BIND] = { "profile_bind",
	    "INSERT INTO person_binding (user_id, org_id) SELECT $1, x.org FROM"
	    " (SELECT " PROFILE_ORG " AS org FROM applicant_profile p WHERE p.user_id = $1) x"
	    " WHERE x.org IS NOT NULL"
	    " ON CONFLICT (user_id, org_id) DO UPDATE SET status = 'pending', reason = NULL,"
	    " requested_at = now(), decided_by = NULL, decided_at = NULL"
	    " WHERE person_binding.status = 'refused'", 0 },
	/* the pending archive items go to the organisation chosen now (the
	 * reviewed ones stay as reviewed) */
	[PR_ARCHIVE_FOLLOW] = { "profile_archive_follow",
	    "UPDATE archive_item i SET reviewer_org_id = x.org, updated_at = now() FROM"
	    " (SELECT " PROFILE_ORG " AS org FROM applicant_profile p WHERE p.user_id = $1) x"
	    " WHERE i.owner_id = $1 AND i.status = 'pending' AND x.org IS NOT NULL"
	    " AND i.reviewer_org_id <> x.org", 0 },
	[PR_BINDINGS] = { "profile_bindings",
	    "SELECT b.org_id, o.name, b.status, coalesce(b.reason, ''),"
	    " coalesce(to_char(b.decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), '')"
	    " FROM person_binding b JOIN org o ON o.id = b.org_id JOIN applicant_profile p"
	    "  ON p.user_id = b.user_id AND b.org_id = " PROFILE_ORG " WHERE b.user_id = $1", 0 },
	/* checked on the stored values, whichever request brought each date */
	[PR_DATES] = { "profile_dates",
	    "SELECT coalesce(title_date < work_start_date, false),"
	    " coalesce(work_start_date < graduation_date - interval '10 years', false),"
	    /* the birth date the 身份证号 carries (valid_idcard() checked it) */
	    " coalesce(graduation_date <= to_date(substr(u.idcard, 7, 8), 'YYYYMMDD'), false),"
	    " coalesce(work_start_date <= to_date(substr(u.idcard, 7, 8), 'YYYYMMDD'), false),"
	    " to_char(to_date(substr(u.idcard, 7, 8), 'YYYYMMDD'), 'YYYY-MM-DD')"
	    " FROM applicant_profile p JOIN app_user u ON u.id = p.user_id WHERE p.user_id = $1", 0 },
};

/* Each profile column is updated by its own statement so that the SQL text
 * never depends on input; absent fields are simply not run. */
#define COL(name, cast) { "profile_set_" name, \
	"UPDATE applicant_profile SET " name " = NULLIF($2, '')" cast \
	", updated_at = now() WHERE user_id = $1", 0 }

static struct db_stmt set_col[] = {
	COL("ethnicity", ""), COL("education", ""), COL("degree", ""), COL("school", ""),
	COL("major", ""), COL("graduation_date", "::date"), COL("work_start_date", "::date"),
	COL("title", ""), COL("title_date", "::date"), COL("appointed_date", "::date"),
	COL("specialty", ""),
	COL("custody", ""), COL("unit_org_id", "::bigint"), COL("centre_org_id", "::bigint"),
	COL("staffing", ""), COL("out_of_province_ss", "::bool"),
};

static bool
one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static bool
v_education(const char *s)
{
	static const char *const set[] = { "博士研究生", "硕士研究生", "大学本科", "大学专科",
	    "中专", "高中及以下", NULL };
	return one_of(s, set);
}

static bool
v_degree(const char *s)
{
	static const char *const set[] = { "博士", "硕士", "学士", "无", NULL };
	return one_of(s, set);
}

static bool
v_title(const char *s)
{
	static const char *const set[] = { "无", "技术员", "助理工程师", "工程师", TITLE_OTHER_MID,
	    NULL };
	return one_of(s, set);
}

static bool
v_custody(const char *s)
{
	static const char *const set[] = { "unit", "talent_centre", NULL };
	return one_of(s, set);
}

static bool
v_staffing(const char *s)
{
	static const char *const set[] = { "regular", "non_staff", "leave_startup", "none", NULL };
	return one_of(s, set);
}

enum {
	F_ETHNICITY, F_EDUCATION, F_DEGREE, F_SCHOOL, F_MAJOR, F_GRAD, F_WORK, F_TITLE,
	F_TITLE_DATE, F_APPOINTED, F_SPECIALTY, F_CUSTODY, F_UNIT, F_CENTRE, F_STAFFING, F_OOP, F_MOBILE
};

const struct field profile_fields[] = {
	[F_ETHNICITY] = { "ethnicity", "民族", F_STR, false, 1, 10, NULL, NULL },
	[F_EDUCATION] = { "education", "学历", F_STR, false, 1, 10, v_education, "请选择学历" },
	[F_DEGREE] = { "degree", "学位", F_STR, false, 1, 4, v_degree, "请选择学位" },
	[F_SCHOOL] = { "school", "毕业院校", F_STR, false, 2, 60, NULL, NULL },
	[F_MAJOR] = { "major", "所学专业", F_STR, false, 2, 40, NULL, NULL },
	[F_GRAD] = { "graduation_date", "毕业时间", F_STR, false, 10, 10, valid_past_date,
	    "毕业时间应为不晚于今天的日期（如 2023-05-08）" },
	[F_WORK] = { "work_start_date", "参加工作时间", F_STR, false, 10, 10, valid_past_date,
	    "参加工作时间应为不晚于今天的日期（如 2023-05-08）" },
	[F_TITLE] = { "title", "现有职称", F_STR, false, 1, 10, v_title, "请选择现有职称" },
	[F_TITLE_DATE] = { "title_date", "职称取得时间", F_STR, false, 10, 10, valid_past_date,
	    "职称取得时间应为不晚于今天的日期（如 2023-05-08）" },
	/* 取得并被聘任 (正常申报): the appointment to the title's post */
	[F_APPOINTED] = { "appointed_date", "聘任时间", F_STR, false, 10, 10, valid_past_date,
	    "聘任时间应为不晚于今天的日期（如 2023-05-08）" },
	[F_SPECIALTY] = { "specialty", "现从事专业", F_STR, false, 2, 40, NULL, NULL },
	[F_CUSTODY] = { "custody", "人事档案存放", F_STR, false, 1, 20, v_custody,
	    "请选择人事档案存放单位类型" },
	[F_UNIT] = { "unit_id", "现工作单位", F_INT, false, 0, 1LL << 50, NULL, NULL },
	[F_CENTRE] = { "centre_id", "人才交流中心", F_INT, false, 0, 1LL << 50, NULL, NULL },
	[F_STAFFING] = { "staffing", "编制情况", F_STR, false, 1, 20, v_staffing,
	    "请选择编制情况" },
	[F_OOP] = { "out_of_province_ss", "省外社保缴纳记录", F_BOOL, false, 0, 0, NULL, NULL },
	[F_MOBILE] = { "mobile", "手机号码", F_STR, false, 11, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static const char *
labels(const char *const *map, const char *code)
{
	for (; code != NULL && map[0] != NULL; map += 2)
		if (strcmp(map[0], code) == 0)
			return map[1];
	return "";
}

/* Fills the reply with the profile; returns PERR_OK. */
/* Whether the chosen unit (or centre) has confirmed the person: "binding". */
static enum perr
binding_json(struct req *r, cJSON *p)
{
	static const char *const names[] = { "pending", "待单位确认", "confirmed", "单位已确认",
	    "refused", "单位未确认", NULL, NULL };
	PGresult *res;
	cJSON *b;
	enum perr e;

	if ((e = db_run(&st[PR_BINDINGS], &res, 1, DB_I(r->s.user_id))) != PERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		cJSON_AddNullToObject(p, "binding");
	} else {
		b = cJSON_AddObjectToObject(p, "binding");
		cJSON_AddNumberToObject(b, "org_id", (double)db_int(res, 0, 0));
		cJSON_AddStringToObject(b, "org", db_str(res, 0, 1));
		cJSON_AddStringToObject(b, "status", db_str(res, 0, 2));
		cJSON_AddStringToObject(b, "status_name", labels(names, db_str(res, 0, 2)));
		cJSON_AddStringToObject(b, "reason", db_str(res, 0, 3));
		cJSON_AddStringToObject(b, "decided_at", db_str(res, 0, 4));
	}
	PQclear(res);
	return PERR_OK;
}

static enum perr
profile_reply(struct req *r)
{
	static const char *const staffing[] = { "regular", "在编", "non_staff", "非在编",
	    "leave_startup", "离岗创业", "none", "非事业单位人员", NULL, NULL };
	char uid[24], birth[11], masked[32];
	const char *idc, *missing[12];
	PGresult *res;
	cJSON *p, *d, *m;
	size_t nmiss = 0, i;
	enum perr e;

	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[PR_GET], &res, 1, uid)) != PERR_OK)
		return e;
	idc = db_str(res, 0, 0);
	p = cJSON_AddObjectToObject(req_out(r), "profile");
	cJSON_AddStringToObject(p, "idcard", mask_id(idc, masked, sizeof(masked)));
	json_add_str_null(p, "mobile", db_str(res, 0, 1));
	json_add_str_null(p, "ethnicity", db_str(res, 0, 2));
	json_add_str_null(p, "education", db_str(res, 0, 3));
	json_add_str_null(p, "degree", db_str(res, 0, 4));
	json_add_str_null(p, "school", db_str(res, 0, 5));
	json_add_str_null(p, "major", db_str(res, 0, 6));
	json_add_str_null(p, "graduation_date", db_str(res, 0, 7));
	json_add_str_null(p, "work_start_date", db_str(res, 0, 8));
	json_add_str_null(p, "title", db_str(res, 0, 9));
	json_add_str_null(p, "title_date", db_str(res, 0, 10));
	json_add_str_null(p, "appointed_date", db_str(res, 0, 20));
	json_add_str_null(p, "specialty", db_str(res, 0, 11));
	json_add_str_null(p, "custody", db_str(res, 0, 12));
	if (db_str(res, 0, 13))
		cJSON_AddNumberToObject(p, "unit_id", (double)db_int(res, 0, 13));
	else
		cJSON_AddNullToObject(p, "unit_id");
	json_add_str_null(p, "unit_name", db_str(res, 0, 14));
	if (db_str(res, 0, 15))
		cJSON_AddNumberToObject(p, "centre_id", (double)db_int(res, 0, 15));
	else
		cJSON_AddNullToObject(p, "centre_id");
	json_add_str_null(p, "centre_name", db_str(res, 0, 16));
	json_add_str_null(p, "staffing", db_str(res, 0, 17));
	json_add_str_null(p, "staffing_name", labels(staffing, db_str(res, 0, 17)));
	cJSON_AddBoolToObject(p, "out_of_province_ss", db_bool(res, 0, 18));
	json_add_str_null(p, "unit_ownership", db_str(res, 0, 19));
	if ((e = binding_json(r, p)) != PERR_OK) {
		PQclear(res);
		return e;
	}

	/* derived from the 身份证号: birth date and gender (17th digit odd: male) */
	d = cJSON_AddObjectToObject(req_out(r), "derived");
	snprintf(birth, sizeof(birth), "%.4s-%.2s-%.2s", idc + 6, idc + 10, idc + 12);
	cJSON_AddStringToObject(d, "birth_date", birth);
	cJSON_AddStringToObject(d, "gender", ((idc[16] - '0') % 2) ? "男" : "女");

	{
		static const struct { int col; const char *label; } need[] = {
			{ 2, "民族" }, { 3, "学历" }, { 4, "学位" }, { 5, "毕业院校" },
			{ 6, "所学专业" }, { 7, "毕业时间" }, { 8, "参加工作时间" },
			{ 9, "现有职称" }, { 11, "现从事专业" }, { 12, "人事档案存放" },
			{ 13, "现工作单位" }, { 17, "编制情况" },
		};

		for (i = 0; i < NITEMS(need); i++)
			if (db_str(res, 0, need[i].col) == NULL)
				missing[nmiss++] = need[i].label;
	}
	if (db_str(res, 0, 12) && strcmp(db_str(res, 0, 12), "talent_centre") == 0 &&
	    db_str(res, 0, 15) == NULL && nmiss < NITEMS(missing))
		missing[nmiss++] = "人才交流中心";
	cJSON_AddBoolToObject(req_out(r), "complete", nmiss == 0);
	m = cJSON_AddArrayToObject(req_out(r), "missing");
	for (i = 0; i < nmiss; i++)
		cJSON_AddItemToArray(m, cJSON_CreateString(missing[i]));
	PQclear(res);
	return PERR_OK;
}

enum perr
h_profile_get(struct req *r)
{
	return profile_reply(r);
}

static enum perr
check_org(struct req *r, const struct fval *v, const char *kind, const char *field,
    const char *msg)
{
	char id[24];
	PGresult *res;
	enum perr e;
	bool ok;

	if (!v->present || v->i == 0)
		return PERR_OK;
	snprintf(id, sizeof(id), "%lld", v->i);
	if ((e = db_exec(&st[PR_ORG_OK], &res, 2, id, kind)) != PERR_OK)
		return e;
	ok = PQntuples(res) == 1;
	PQclear(res);
	return ok ? PERR_OK : req_fail(r, PERR_INVALID_FIELD, field, "%s", msg);
}

enum perr
h_profile_put(struct req *r)
{
	char uid[24], val[32];
	const struct fval *f = r->f;
	size_t i;
	enum perr e;

	if ((e = check_org(r, &f[F_UNIT], "unit", "unit_id",
	    "只能选择已在平台注册并通过审核的用人单位")) != PERR_OK ||
	    (e = check_org(r, &f[F_CENTRE], "talent_centre", "centre_id",
	    "只能选择已通过审核的人才交流中心")) != PERR_OK)
		return e;
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_exec(&st[PR_SAVE], NULL, 1, uid)) != PERR_OK)
		goto fail;
	for (i = 0; i < NITEMS(set_col); i++) {
		const char *v;

		if (!f[i].present)
			continue;
		if (profile_fields[i].type == F_INT) {
			snprintf(val, sizeof(val), "%lld", f[i].i);
			v = f[i].i ? val : "";
		} else if (profile_fields[i].type == F_BOOL)
			v = f[i].b ? "true" : "false";
		else
			v = f[i].s;
		if ((e = db_exec(&set_col[i], NULL, 2, uid, v)) != PERR_OK)
			goto fail;
	}
	/* a new number is proved by a code sent to it (POST /mobile/code, /mobile) */
	if (f[F_MOBILE].present && f[F_MOBILE].s[0] && strcmp(f[F_MOBILE].s, r->s.mobile) != 0) {
		e = req_fail(r, PERR_INVALID_FIELD, "mobile",
		    "更换手机号码须先向新号码发送验证码，验证后生效");
		goto fail;
	}
	if ((e = db_run(&st[PR_BIND], NULL, 1, DB_I(r->s.user_id))) != PERR_OK ||
	    (e = db_run(&st[PR_ARCHIVE_FOLLOW], NULL, 1, DB_I(r->s.user_id))) != PERR_OK)
		goto fail;
	{
		PGresult *res;

		if ((e = db_exec(&st[PR_DATES], &res, 1, uid)) != PERR_OK)
			goto fail;
		if (db_bool(res, 0, 2) || db_bool(res, 0, 3))
			e = req_fail(r, PERR_INVALID_FIELD, db_bool(res, 0, 2) ? "graduation_date" :
			    "work_start_date", "%s须晚于出生日期（%s）", db_bool(res, 0, 2) ?
			    "毕业时间" : "参加工作时间", db_str(res, 0, 4));
		else if (db_bool(res, 0, 0))
			e = req_fail(r, PERR_INVALID_FIELD, f[F_TITLE_DATE].present ?
			    "title_date" : "work_start_date", "职称取得时间不能早于参加工作时间");
		PQclear(res);
		if (e != PERR_OK)
			goto fail;
	}
	/* a draft goes where the unit chosen now would send it */
	if ((e = app_drafts_follow(r)) != PERR_OK ||
	    (e = req_audit(r, "profile_save", "user", r->s.user_id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return profile_reply(r);
fail:
	db_rollback();
	return e;
}

static bool
valid_unit_kind(const char *s)
{
	return strcmp(s, "unit") == 0 || strcmp(s, "talent_centre") == 0;
}

enum { UQ_Q, UQ_KIND };

const struct field units_query[] = {
	[UQ_Q] = { "q", "搜索内容", F_STR, false, 0, 50, NULL, NULL },
	[UQ_KIND] = { "kind", "单位类型", F_STR, false, 1, 20, valid_unit_kind, "单位类型不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_units(struct req *r)
{
	const char *q = r->f[UQ_Q].present ? r->f[UQ_Q].s : "";
	const char *kind = r->f[UQ_KIND].present ? r->f[UQ_KIND].s : "unit";
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_exec(&st[PR_UNITS], &res, 2, kind, q)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "kind", db_str(res, i, 2));
		cJSON_AddStringToObject(it, "region", db_str(res, i, 3));
		cJSON_AddStringToObject(it, "ownership", db_str(res, i, 4));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}
