/*
 * page-register.c: a unit (or a 人才交流中心) registers itself with its
 * 授权委托书 (notice 一.1: "如首次登录，需先提交授权委托书佐证材料，系统审核通过后，
 * 单位经办人员会收到 12333 短信提示"). Its first clerk is its administrator. Until
 * the platform approves it, the account sees only its registration: status,
 * the operator's reason, and resubmitting after a rejection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

enum { RG_ORG, RG_UPLOAD, RG_AUTH, RG_GET, RG_RESUBMIT, RG_REGIONS, RG__MAX };

static struct db_stmt st[RG__MAX] = {
	/* a 统一社会信用代码 registered already inserts nothing (no row: 409),
	 * rather than fail with an error in the database's log */
	[RG_ORG] = { "unit_register_org",
	    "INSERT INTO org (kind, name, region_id, portal, uscc, ownership, affiliation, supervisor,"
	    " status, submitted_at) VALUES ($1, $2, $3, 'unit', $4, $5, NULLIF($6, ''), $7,"
	    " 'pending', now()) ON CONFLICT (uscc) DO NOTHING RETURNING id", 0 },
	[RG_UPLOAD] = { "unit_register_upload",
	    "INSERT INTO upload (owner_id, filename, ctype, size, sha256, data)"
	    " VALUES ($1, $2, $3, $4, sha256($5::bytea), $5::bytea) RETURNING id", 0 },
	[RG_AUTH] = { "unit_register_auth",
	    "UPDATE org SET authorization_id = $2 WHERE id = $1", 0 },
	[RG_GET] = { "unit_registration",
	    "SELECT o.name, coalesce(o.uscc, ''), coalesce(o.ownership, ''), o.kind,"
	    " coalesce(o.affiliation, ''), o.region_id, r.name, coalesce(o.supervisor, ''), o.status,"
	    " coalesce(o.reject_reason, ''),"
	    " coalesce(to_char(o.submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),"
	    " coalesce(to_char(o.reviewed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),"
	    " coalesce(o.authorization_id, 0), coalesce(u.filename, ''), coalesce(u.ctype, '')"
	    " FROM org o JOIN region r ON r.id = o.region_id"
	    " LEFT JOIN upload u ON u.id = o.authorization_id WHERE o.id = $1", 0 },
	/* what it said before, for the audit (the operator reads what was corrected) */
	[RG_RESUBMIT] = { "unit_register_again",
	    "UPDATE org o SET name = $2, ownership = $3, affiliation = NULLIF($4, ''), region_id = $5,"
	    " supervisor = $6, authorization_id = $7, uscc = $8, status = 'pending', submitted_at = now(),"
	    " reject_reason = NULL, reviewed_by = NULL, reviewed_at = NULL"
	    " FROM (SELECT id, name, coalesce(uscc, '') AS uscc, coalesce(ownership, '') AS ownership,"
	    "  coalesce(affiliation, '') AS affiliation,"
	    "  (SELECT name FROM region WHERE id = region_id) AS region,"
	    "  coalesce(supervisor, '') AS supervisor FROM org WHERE id = $1 FOR UPDATE) was"
	    " WHERE o.id = was.id AND o.status = 'rejected'"
	    " RETURNING was.name, was.uscc, was.ownership, was.affiliation, was.region, was.supervisor,"
	    " (SELECT name FROM region WHERE id = $5)", 0 },
	[RG_REGIONS] = { "unit_register_regions",
	    "SELECT id, name FROM region WHERE level = 'county' ORDER BY code", 0 },
};

static bool
valid_org_kind(const char *s)
{
	return strcmp(s, "unit") == 0 || strcmp(s, "talent_centre") == 0;
}

/* The organisation's fields and its scan first: the re-registration form is
 * that prefix of the table (a field table has no gaps). */
enum {
	RF_NAME, RF_USCC, RF_KIND, RF_OWNERSHIP, RF_AFFILIATION, RF_REGION, RF_SUPERVISOR,
	RF_FILE, RF_CONTACT, RF_MOBILE, RF_USERNAME, RF_PASSWORD
};

#define ORG_FIELDS \
	[RF_NAME] = { "name", "单位名称", F_STR, true, 2, 100, NULL, NULL }, \
	[RF_USCC] = { "uscc", "统一社会信用代码", F_STR, true, 18, 18, valid_uscc, \
	    "统一社会信用代码不正确，请核对 18 位代码及最后一位校验码" }, \
	[RF_KIND] = { "kind", "单位类型", F_STR, true, 1, 20, valid_org_kind, \
	    "单位类型只能是用人单位或人才交流中心" }, \
	[RF_OWNERSHIP] = { "ownership", "单位性质", F_STR, true, 1, 20, valid_ownership, \
	    "单位性质只能是国有企业、非公企业、事业单位、机关或其他" }, \
	[RF_AFFILIATION] = { "affiliation", "隶属关系", F_STR, false, 0, 20, valid_unit_affiliation, \
	    "隶属关系只能是市住建局局属事业单位、市本级直属事业单位或参照公务员管理的事业单位" }, \
	[RF_REGION] = { "region_id", "所在地区", F_INT, true, 1, 1LL << 30, NULL, NULL }, \
	[RF_SUPERVISOR] = { "supervisor", "主管部门", F_STR, true, 2, 100, NULL, NULL }

const struct field unit_register_fields[] = {
	ORG_FIELDS,
	[RF_FILE] = { "authorization", "授权委托书", F_FILE, true, 1, 10 * 1024 * 1024, NULL, NULL },
	[RF_CONTACT] = { "contact_name", "经办人姓名", F_STR, true, 2, 30, valid_person_name,
	    "姓名只能包含汉字、字母和间隔号“·”，2 至 30 个字" },
	[RF_MOBILE] = { "contact_mobile", "经办人手机号码", F_STR, true, 11, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	[RF_USERNAME] = { "username", "登录用户名", F_STR, true, 3, 32, valid_login_name,
	    "用户名为 3 至 32 位小写字母、数字或下划线，以字母开头" },
	[RF_PASSWORD] = { "password", "密码", F_STR, true, 8, 128, valid_password,
	    "密码须为 8 至 128 位，并至少包含大写字母、小写字母、数字、符号中的三种" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* The same form again after a rejection, by the unit's administrator. */
const struct field unit_reregister_fields[] = {
	ORG_FIELDS,
	[RF_FILE] = { "authorization", "授权委托书", F_FILE, true, 1, 10 * 1024 * 1024, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* Checks what the form can't: the county, the 隶属关系, the code against
 * other organisations' (self: the unit resubmitting, 0 for a new one, whose
 * code the insert judges), the scan's content. */
static enum perr
check_form(struct req *r, long long self, const char **ctype)
{
	const struct part *file = r->f[RF_FILE].part;
	enum perr e;

	if ((e = org_form_check(r, r->f[RF_REGION].i, r->f[RF_OWNERSHIP].s,
	    r->f[RF_AFFILIATION].present ? r->f[RF_AFFILIATION].s : NULL,
	    self != 0 ? r->f[RF_USCC].s : NULL, self)) != PERR_OK)
		return e;
	if ((*ctype = upload_sniff(file->data, file->len)) == NULL)
		return req_fail(r, PERR_INVALID_FIELD, "authorization",
		    "授权委托书须为完整的 PDF 或 JPEG 扫描件（以文件内容为准）");
	return PERR_OK;
}

/* Stores the scan for user; its id into *id. */
static enum perr
store_scan(struct req *r, long long user, const char *ctype, long long *id)
{
	const struct part *file = r->f[RF_FILE].part;
	static const char hx[] = "0123456789abcdef";
	PGresult *res;
	char *hex;
	size_t i;
	enum perr e;

	if ((hex = malloc(file->len * 2 + 3)) == NULL)
		return PERR_INTERNAL;
	hex[0] = '\\';
	hex[1] = 'x';
	for (i = 0; i < file->len; i++) {
		hex[2 + 2 * i] = hx[(unsigned char)file->data[i] >> 4];
		hex[3 + 2 * i] = hx[(unsigned char)file->data[i] & 15];
	}
	hex[2 + 2 * file->len] = '\0';
	e = db_run(&st[RG_UPLOAD], &res, 5, DB_I(user), DB_S(file->filename), DB_S(ctype),
	    DB_I((long long)file->len), DB_S(hex));
	free(hex);
	if (e != PERR_OK)
		return e;
	*id = db_int(res, 0, 0);
	PQclear(res);
	return PERR_OK;
}

static const char *
opt(const struct fval *v)
{
	return v->present ? v->s : "";
}

enum perr
h_unit_register(struct req *r)
{
	const struct fval *f = r->f;
	const char *ctype;
	char pw[24];
	long long org, user, scan;
	struct actor who;
	PGresult *res = NULL;
	enum perr e;

	if ((e = limit_attempt(r, "unit_register", "单位注册", conf.register_per_ip_hour)) != PERR_OK ||
	    (e = check_form(r, 0, &ctype)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	e = db_run(&st[RG_ORG], &res, 7, DB_S(f[RF_KIND].s), DB_S(f[RF_NAME].s),
	    DB_I(f[RF_REGION].i), DB_S(f[RF_USCC].s), DB_S(f[RF_OWNERSHIP].s),
	    DB_S(opt(&f[RF_AFFILIATION])), DB_S(f[RF_SUPERVISOR].s));
	if (e == PERR_OK && PQntuples(res) != 1)
		e = PERR_CONFLICT;
	if (e == PERR_CONFLICT) {
		/* a second clerk of the unit, most often: where their account comes from */
		e = req_fail(r, PERR_CONFLICT, "uscc", "该统一社会信用代码已注册。本单位的其他经办人，"
		    "请由本单位管理员（注册时的经办人）在“经办人账号”中开设账号；忘记密码的，可在登录页找回");
		goto fail;
	}
	if (e != PERR_OK)
		goto fail;
	org = db_int(res, 0, 0);
	PQclear(res);
	res = NULL;
	if ((e = account_create(r, org, f[RF_USERNAME].s, f[RF_CONTACT].s, f[RF_MOBILE].s,
	    f[RF_PASSWORD].s, true, false, pw, sizeof(pw), &user)) != PERR_OK ||
	    (e = store_scan(r, user, ctype, &scan)) != PERR_OK ||
	    (e = db_run(&st[RG_AUTH], NULL, 2, DB_I(org), DB_I(scan))) != PERR_OK)
		goto fail;
	/* by the one who registers (no session yet: the log's 操作人 was empty) */
	who = req_actor(r);
	who.user_id = user;
	who.org_id = org;
	who.role = "unit";
	if ((e = audit(&who, "unit_register", "org", org, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	r->status = 201;
	cJSON_AddNumberToObject(req_out(r), "org_id", (double)org);
	cJSON_AddStringToObject(req_out(r), "status", "pending");
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

/* The counties a unit can register in, for the registration form: it is
 * public, and a unit not yet approved cannot read GET reference either. */
enum perr
h_unit_regions(struct req *r)
{
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[RG_REGIONS], &res, 0)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 1));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

enum perr
h_unit_registration(struct req *r)
{
	PGresult *res;
	cJSON *o, *a;
	char url[64];
	enum perr e;

	if ((e = db_run(&st[RG_GET], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "单位不存在");
	}
	o = cJSON_AddObjectToObject(req_out(r), "registration");
	cJSON_AddStringToObject(o, "name", db_str(res, 0, 0));
	cJSON_AddStringToObject(o, "uscc", db_str(res, 0, 1));
	cJSON_AddStringToObject(o, "ownership", db_str(res, 0, 2));
	cJSON_AddStringToObject(o, "kind", db_str(res, 0, 3));
	cJSON_AddStringToObject(o, "affiliation", db_str(res, 0, 4));
	cJSON_AddNumberToObject(o, "region_id", (double)db_int(res, 0, 5));
	cJSON_AddStringToObject(o, "region", db_str(res, 0, 6));
	cJSON_AddStringToObject(o, "supervisor", db_str(res, 0, 7));
	cJSON_AddStringToObject(o, "status", db_str(res, 0, 8));
	cJSON_AddStringToObject(o, "reject_reason", db_str(res, 0, 9));
	cJSON_AddStringToObject(o, "submitted_at", db_str(res, 0, 10));
	cJSON_AddStringToObject(o, "reviewed_at", db_str(res, 0, 11));
	if (db_int(res, 0, 12) != 0) {
		a = cJSON_AddObjectToObject(o, "authorization");
		cJSON_AddNumberToObject(a, "id", (double)db_int(res, 0, 12));
		cJSON_AddStringToObject(a, "name", db_str(res, 0, 13));
		cJSON_AddStringToObject(a, "type", db_str(res, 0, 14));
		snprintf(url, sizeof(url), "/api/unit/uploads/%lld", db_int(res, 0, 12));
		cJSON_AddStringToObject(a, "url", url);
	} else
		cJSON_AddNullToObject(o, "authorization");
	PQclear(res);
	return PERR_OK;
}

enum perr
h_unit_reregister(struct req *r)
{
	const struct fval *f = r->f;
	const char *ctype, *was[OF_N], *now[OF_N];
	long long scan;
	PGresult *res = NULL;
	cJSON *detail;
	int i;
	enum perr e;

	if (!r->s.org_admin)
		return req_fail(r, PERR_FORBIDDEN, NULL, "只有单位管理员可以重新提交注册信息");
	if ((e = check_form(r, r->s.org_id, &ctype)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = store_scan(r, r->s.user_id, ctype, &scan)) != PERR_OK ||
	    (e = db_run(&st[RG_RESUBMIT], &res, 8, DB_I(r->s.org_id), DB_S(f[RF_NAME].s),
	    DB_S(f[RF_OWNERSHIP].s), DB_S(opt(&f[RF_AFFILIATION])), DB_I(f[RF_REGION].i),
	    DB_S(f[RF_SUPERVISOR].s), DB_I(scan), DB_S(f[RF_USCC].s))) != PERR_OK) {
		if (e == PERR_CONFLICT)
			e = req_fail(r, PERR_CONFLICT, "uscc", "该统一社会信用代码已被其他单位注册");
		goto fail;
	}
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_CONFLICT, NULL, "只有未通过审核的注册可以修改后重新提交");
		goto fail;
	}
	/* what was corrected since the refusal, as the operator reads it */
	for (i = 0; i < OF_N; i++)
		was[i] = db_str(res, 0, i);
	now[OF_NAME] = f[RF_NAME].s;
	now[OF_USCC] = f[RF_USCC].s;
	now[OF_OWNERSHIP] = f[RF_OWNERSHIP].s;
	now[OF_AFFILIATION] = opt(&f[RF_AFFILIATION]);
	now[OF_REGION] = db_str(res, 0, OF_N);
	now[OF_SUPERVISOR] = f[RF_SUPERVISOR].s;
	detail = cJSON_CreateObject();
	(void)org_form_diff(was, now, detail, NULL);
	e = req_audit(r, "unit_reregister", "org", r->s.org_id, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return h_unit_registration(r);
fail:
	PQclear(res);
	db_rollback();
	return e;
}
