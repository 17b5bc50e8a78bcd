/*
 * page-departments.c: the departments of the chains and their accounts
 * (统一分配的账号): for each county and the city, its 建设主管部门, 初评委,
 * 中评委办公室, 初级评委会 and 人力社保局; the operator creates them, gives each
 * clerk an account (a random first password, shown once), resets and
 * disables accounts. An account belongs to one organisation and its role is
 * that organisation's program. Units' clerks are the units' own business.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"

enum { DP_LIST, DP_REGION, DP_INSERT, DP_ORG, DP_REGIONS, DP_PHONE, DP__MAX };

static struct db_stmt st[DP__MAX] = {
	[DP_LIST] = { "admin_departments",
	    "SELECT o.id, o.kind, CASE WHEN r.level = 'city' THEN k.city_name ELSE k.name END,"
	    " o.name, r.id, r.name, r.level, o.portal,"
	    " (SELECT count(*) FROM app_user u WHERE u.org_id = o.id AND u.disabled_at IS NULL),"
	    " o.phone FROM org o JOIN region r ON r.id = o.region_id JOIN org_kind k ON k.code = o.kind"
	    " WHERE o.kind NOT IN ('unit', 'talent_centre', 'platform')"
	    " AND ($1::int IS NULL OR o.region_id = $1::int) ORDER BY r.code, k.code", 0 },
	[DP_REGION] = { "admin_department_region",
	    "SELECT r.level, r.name, k.name, k.city_name FROM region r, org_kind k"
	    " WHERE r.id = $1 AND k.code = $2", 0 },
	[DP_INSERT] = { "admin_department_insert",
	    "INSERT INTO org (kind, name, region_id, portal, status, phone)"
	    " VALUES ($1, $2, $3, $4, 'approved', NULLIF($5, '')) RETURNING id", 0 },
	[DP_ORG] = { "admin_department_org",
	    "SELECT 1 FROM org WHERE id = $1 AND kind NOT IN ('unit', 'talent_centre', 'platform')", 0 },
	/* where a department can be: the city and its counties (GET reference has the counties only) */
	[DP_REGIONS] = { "admin_department_regions",
	    "SELECT id, name, level FROM region ORDER BY level = 'county', code", 0 },
	[DP_PHONE] = { "admin_department_phone",
	    "UPDATE org SET phone = NULLIF($2, '') WHERE id = $1"
	    " AND kind NOT IN ('unit', 'talent_centre', 'platform') RETURNING id", 0 },
};

static bool
valid_dept_kind(const char *s)
{
	return strcmp(s, "construction") == 0 || strcmp(s, "committee_junior") == 0 ||
	    strcmp(s, "committee_mid") == 0 || strcmp(s, "hrb") == 0;
}

enum { DQ_REGION };

const struct field departments_query[] = {
	[DQ_REGION] = { "region", "地区", F_INT, false, 1, 1LL << 30, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_admin_departments(struct req *r)
{
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[DP_REGIONS], &res, 0)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "regions");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "level", db_str(res, i, 2));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	if ((e = db_run(&st[DP_LIST], &res, 1, r->f[DQ_REGION].present ?
	    DB_I(r->f[DQ_REGION].i) : DB_S(NULL))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "kind", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "kind_name", db_str(res, i, 2));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 3));
		cJSON_AddNumberToObject(it, "region_id", (double)db_int(res, i, 4));
		cJSON_AddStringToObject(it, "region", db_str(res, i, 5));
		cJSON_AddStringToObject(it, "level", db_str(res, i, 6));
		cJSON_AddStringToObject(it, "portal", db_str(res, i, 7));
		cJSON_AddNumberToObject(it, "accounts", (double)db_int(res, i, 8));
		json_add_str_null(it, "phone", db_str(res, i, 9));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

enum { DN_KIND, DN_REGION, DN_NAME, DN_PHONE };

/* 咨询电话: where applicants sent to the department call (sql/080); "" is none */
#define DEPT_PHONE { "phone", "咨询电话", F_STR, false, 0, 40, valid_phone_text, \
	"咨询电话应为电话号码，如 0579-82468888，多个号码用“、”分隔" }

const struct field department_fields[] = {
	[DN_KIND] = { "kind", "部门类别", F_STR, true, 1, 30, valid_dept_kind,
	    "部门类别只能是建设主管部门、初评委、中评委办公室、初级评委会或人力社保局" },
	[DN_REGION] = { "region_id", "地区", F_INT, true, 1, 1LL << 30, NULL, NULL },
	[DN_NAME] = { "name", "部门全称", F_STR, true, 2, 100, NULL, NULL },
	[DN_PHONE] = DEPT_PHONE,
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* Creates a department: its program follows its kind (人力社保局 work in the
 * hrb portal, the others in the county or city portal by their level). */
enum perr
h_admin_department_add(struct req *r)
{
	const char *kind = r->f[DN_KIND].s, *portal;
	PGresult *res = NULL;
	cJSON *detail;
	long long id;
	enum perr e;

	if ((e = db_run(&st[DP_REGION], &res, 2, DB_I(r->f[DN_REGION].i), DB_S(kind))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_INVALID_FIELD, "region_id", "地区不存在");
	}
	portal = strcmp(kind, "hrb") == 0 ? "hrb" :
	    strcmp(db_str(res, 0, 0), "city") == 0 ? "city" : "county";
	if (strcmp(kind, "committee_mid") == 0 && strcmp(db_str(res, 0, 0), "city") != 0) {
		PQclear(res);
		return req_fail(r, PERR_INVALID_FIELD, "kind", "中评委办公室设在市级");
	}
	PQclear(res);
	res = NULL;
	if ((e = db_begin()) != PERR_OK)
		return e;
	e = db_run(&st[DP_INSERT], &res, 5, DB_S(kind), DB_S(r->f[DN_NAME].s), DB_I(r->f[DN_REGION].i),
	    DB_S(portal), DB_S(r->f[DN_PHONE].present ? r->f[DN_PHONE].s : ""));
	if (e == PERR_CONFLICT) {
		db_rollback();
		return req_fail(r, PERR_CONFLICT, "kind", "该地区已有此类部门");
	}
	if (e != PERR_OK)
		goto fail;
	id = db_int(res, 0, 0);
	detail = cJSON_CreateObject();
	json_add_str_null(detail, "phone", r->f[DN_PHONE].present && *r->f[DN_PHONE].s != '\0' ?
	    r->f[DN_PHONE].s : NULL);
	e = req_audit(r, "department_add", "org", id, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	r->status = 201;
	cJSON_AddNumberToObject(req_out(r), "id", (double)id);
	cJSON_AddStringToObject(req_out(r), "portal", portal);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

const struct field department_phone_fields[] = {
	DEPT_PHONE,
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* PUT departments/:id: its 咨询电话 ("" or absent: none), audited with what it says now */
enum perr
h_admin_department_phone(struct req *r)
{
	const char *phone = r->f[0].present ? r->f[0].s : "";
	PGresult *res = NULL;
	cJSON *detail;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[DP_PHONE], &res, 2, DB_I(r->id), DB_S(phone))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback();
		return req_fail(r, PERR_NOT_FOUND, NULL, "部门不存在");
	}
	PQclear(res);
	detail = cJSON_CreateObject();
	json_add_str_null(detail, "phone", *phone != '\0' ? phone : NULL);
	e = req_audit(r, "department_phone", "org", r->id, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	json_add_str_null(req_out(r), "phone", *phone != '\0' ? phone : NULL);
	return PERR_OK;
fail:
	db_rollback();
	return e;
}

static enum perr
department(struct req *r)
{
	PGresult *res;
	enum perr e;
	int n;

	if ((e = db_run(&st[DP_ORG], &res, 1, DB_I(r->id))) != PERR_OK)
		return e;
	n = PQntuples(res);
	PQclear(res);
	return n == 1 ? PERR_OK : req_fail(r, PERR_NOT_FOUND, NULL, "部门不存在");
}

enum perr
h_admin_department_accounts(struct req *r)
{
	enum perr e;

	if ((e = department(r)) != PERR_OK)
		return e;
	return account_list(r, r->id, req_out(r));
}

enum { DA_USERNAME, DA_NAME, DA_MOBILE, DA_PASSWORD };

const struct field department_account_fields[] = {
	[DA_USERNAME] = { "username", "登录用户名", F_STR, true, 3, 32, valid_login_name,
	    "用户名为 3 至 32 位小写字母、数字或下划线，以字母开头" },
	[DA_NAME] = { "name", "姓名", F_STR, true, 2, 30, NULL, NULL },
	[DA_MOBILE] = { "mobile", "手机号码", F_STR, false, 0, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	/* an initial password the operator hands over; none: a random one, shown once */
	[DA_PASSWORD] = { "password", "初始密码", F_STR, false, 8, 128, valid_password,
	    "密码须为 8 至 128 位，并至少包含大写字母、小写字母、数字、符号中的三种" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_admin_department_account_add(struct req *r)
{
	char pw[24];
	long long id;
	enum perr e;

	if ((e = department(r)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = account_create(r, r->id, r->f[DA_USERNAME].s, r->f[DA_NAME].s,
	    r->f[DA_MOBILE].present ? r->f[DA_MOBILE].s : "",
	    r->f[DA_PASSWORD].present ? r->f[DA_PASSWORD].s : NULL, false, true, pw, sizeof(pw),
	    &id)) != PERR_OK || (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	r->status = 201;
	cJSON_AddNumberToObject(req_out(r), "id", (double)id);
	if (!r->f[DA_PASSWORD].present)
		cJSON_AddStringToObject(req_out(r), "password", pw);
	explicit_bzero(pw, sizeof(pw));
	return PERR_OK;
}

/* Accounts of any unit or department (never the platform's own). */
enum perr
h_admin_account_disable(struct req *r)
{
	return account_disable(r, 0, r->id, true);
}

enum perr
h_admin_account_enable(struct req *r)
{
	return account_disable(r, 0, r->id, false);
}

enum perr
h_admin_account_unlock(struct req *r)
{
	return account_unlock(r, 0, r->id);
}

enum perr
h_admin_account_reset(struct req *r)
{
	char pw[24];
	enum perr e;

	if ((e = account_reset(r, 0, r->id, pw, sizeof(pw))) != PERR_OK)
		return e;
	cJSON_AddStringToObject(req_out(r), "password", pw);
	explicit_bzero(pw, sizeof(pw));
	return PERR_OK;
}
