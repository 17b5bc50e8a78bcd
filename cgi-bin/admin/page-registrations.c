/*
 * page-registrations.c: 单位注册审核: the units (and talent centres) that
 * registered themselves, with their 授权委托书, the check of their 统一社会信用
 * 代码, and any other organisation of the same name; the operator approves
 * (and may set the 隶属关系 that chooses a 初定/初级 chain) or rejects with a
 * reason. The unit's clerks are told in the style of 12333.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

enum {
	RG_LIST, RG_LOAD, RG_DECIDE, RG_CLERKS, RG_SCAN, RG_OLD, RG_NAME_TAKEN, RG_NAME_LOCK, RG_AMEND,
	RG__MAX
};

static struct db_stmt st[RG__MAX] = {
	[RG_LIST] = { "admin_registrations",
	    "SELECT o.id, o.name, coalesce(o.uscc, ''), o.kind, coalesce(o.ownership, ''),"
	    " coalesce(o.affiliation, ''), r.name, coalesce(o.supervisor, ''), o.status,"
	    " coalesce(o.reject_reason, ''),"
	    " coalesce(to_char(o.submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),"
	    " coalesce(o.authorization_id, 0), coalesce(up.filename, ''), coalesce(up.ctype, ''),"
	    " coalesce(c.name, ''), coalesce(c.mobile, ''), coalesce(c.username, ''),"
	    " (SELECT coalesce(json_agg(json_build_object('id', d.id, 'name', d.name, 'status', d.status)"
	    "  ORDER BY d.id), '[]')::text FROM org d WHERE d.name = o.name AND d.id <> o.id),"
	    " o.region_id,"
	    /* waiting again after a refusal: the refusal, and what the unit corrected since */
	    " CASE WHEN o.status = 'pending' THEN (SELECT json_build_object('rejected_at',"
	    "  to_char(j.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    "  'reason', j.detail->>'reason', 'fields', s.detail->>'fields',"
	    "  'before', s.detail->>'before', 'after', s.detail->>'after',"
	    /* a resubmission before sql/082's release kept no record of what it changed */
	    "  'recorded', s.detail IS NOT NULL)::text"
	    "  FROM audit_log j LEFT JOIN LATERAL (SELECT detail FROM audit_log s"
	    "   WHERE s.target_type = 'org' AND s.target_id = o.id AND s.action = 'unit_reregister'"
	    "   AND s.id > j.id ORDER BY s.id DESC LIMIT 1) s ON true"
	    "  WHERE j.target_type = 'org' AND j.target_id = o.id AND j.action = 'registration_reject'"
	    "  ORDER BY j.id DESC LIMIT 1) END,"
	    /* its administrator has left (disabled): the operator opens the successor's account */
	    " coalesce(c.disabled_at IS NOT NULL, false)"
	    " FROM org o JOIN region r ON r.id = o.region_id"
	    " LEFT JOIN upload up ON up.id = o.authorization_id"
	    " LEFT JOIN app_user c ON c.org_id = o.id AND c.is_org_admin"
	    " WHERE o.kind IN ('unit', 'talent_centre') AND o.submitted_at IS NOT NULL"
	    " AND ($1 = 'all' OR o.status = $1)"
	    " ORDER BY o.status = 'pending' DESC, o.submitted_at, o.id LIMIT 500", 0 },
	[RG_LOAD] = { "admin_registration_load",
	    "SELECT o.status, o.name, coalesce(o.ownership, ''), " REGION_OF_CITY ", coalesce(o.affiliation, '')"
	    " FROM org o JOIN region r ON r.id = o.region_id WHERE o.id = $1"
	    " AND o.kind IN ('unit', 'talent_centre') AND o.submitted_at IS NOT NULL FOR UPDATE OF o", 0 },
	[RG_DECIDE] = { "admin_registration_decide",
	    "UPDATE org SET status = $2, reject_reason = NULLIF($3, ''), reviewed_by = $4,"
	    " reviewed_at = now(), affiliation = CASE WHEN $5 = '' THEN affiliation"
	    "  WHEN $5 = 'none' THEN NULL ELSE $5 END WHERE id = $1", 0 },
	[RG_CLERKS] = { "admin_registration_clerks",
	    "SELECT id FROM app_user WHERE org_id = $1 AND disabled_at IS NULL", 0 },
	[RG_SCAN] = { "admin_registration_scan",
	    "SELECT u.filename, u.ctype, u.data FROM org o JOIN upload u ON u.id = o.authorization_id"
	    " WHERE o.id = $1", 0 },
	/* what a correction changes, as it is now (its columns in the order of amend_fields) */
	/* (and the names of its county and of the one given: the audit's words) */
	[RG_OLD] = { "admin_registration_old",
	    "SELECT o.status, o.name, coalesce(o.uscc, ''), coalesce(o.ownership, ''),"
	    " coalesce(o.affiliation, ''), o.region_id::text, coalesce(o.supervisor, ''),"
	    " (SELECT name FROM region WHERE id = o.region_id),"
	    " coalesce((SELECT name FROM region WHERE id = $2), '')"
	    " FROM org o WHERE o.id = $1 AND o.kind IN ('unit', 'talent_centre')"
	    " AND o.submitted_at IS NOT NULL FOR UPDATE", 0 },
	/* another organisation in use under that name (where it is) */
	[RG_NAME_TAKEN] = { "admin_registration_name_taken",
	    "SELECT coalesce(r.name, '') FROM org o LEFT JOIN region r ON r.id = o.region_id"
	    " WHERE o.name = $1 AND o.id <> $2 AND o.status = 'approved' LIMIT 1", 0 },
	/* two operators approving two registrations of one name at once: one after the other */
	[RG_NAME_LOCK] = { "admin_registration_name_lock",
	    "SELECT pg_advisory_xact_lock(hashtext('zcps org name ' || $1))", 0 },
	[RG_AMEND] = { "admin_registration_amend",
	    "UPDATE org SET name = $2, uscc = $3, ownership = $4, affiliation = NULLIF($5, ''),"
	    " region_id = $6, supervisor = $7 WHERE id = $1", 0 },
};

static bool
valid_status(const char *s)
{
	return strcmp(s, "pending") == 0 || strcmp(s, "approved") == 0 ||
	    strcmp(s, "rejected") == 0 || strcmp(s, "all") == 0;
}

enum { RQ_STATUS };

const struct field registrations_query[] = {
	[RQ_STATUS] = { "status", "审核状态", F_STR, false, 1, 10, valid_status, "审核状态不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_admin_registrations(struct req *r)
{
	const char *status = r->f[RQ_STATUS].present ? r->f[RQ_STATUS].s : "pending";
	char url[80], masked[32];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[RG_LIST], &res, 1, DB_S(status))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject(), *c, *dups, *prev;
		const char *uscc = db_str(res, i, 2);

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "uscc", uscc);
		/* checked again here: the operator sees the rule's verdict, not only the form's */
		cJSON_AddBoolToObject(it, "uscc_valid", valid_uscc(uscc));
		cJSON_AddStringToObject(it, "kind", db_str(res, i, 3));
		cJSON_AddStringToObject(it, "ownership", db_str(res, i, 4));
		cJSON_AddStringToObject(it, "affiliation", db_str(res, i, 5));
		cJSON_AddStringToObject(it, "region", db_str(res, i, 6));
		cJSON_AddNumberToObject(it, "region_id", (double)db_int(res, i, 18));
		cJSON_AddStringToObject(it, "supervisor", db_str(res, i, 7));
		cJSON_AddStringToObject(it, "status", db_str(res, i, 8));
		cJSON_AddStringToObject(it, "reject_reason", db_str(res, i, 9));
		cJSON_AddStringToObject(it, "submitted_at", db_str(res, i, 10));
		if (db_int(res, i, 11) != 0) {
			cJSON *a = cJSON_AddObjectToObject(it, "authorization");

			cJSON_AddStringToObject(a, "name", db_str(res, i, 12));
			cJSON_AddStringToObject(a, "type", db_str(res, i, 13));
			snprintf(url, sizeof(url), "/api/admin/registrations/%lld/authorization",
			    db_int(res, i, 0));
			cJSON_AddStringToObject(a, "url", url);
		} else
			cJSON_AddNullToObject(it, "authorization");
		c = cJSON_AddObjectToObject(it, "contact");
		cJSON_AddStringToObject(c, "name", db_str(res, i, 14));
		cJSON_AddStringToObject(c, "mobile", mask_mobile(db_str(res, i, 15), masked, sizeof(masked)));
		cJSON_AddStringToObject(c, "username", db_str(res, i, 16));
		cJSON_AddBoolToObject(c, "disabled", db_bool(res, i, 20));
		dups = cJSON_Parse(db_str(res, i, 17));
		cJSON_AddItemToObject(it, "same_name", dups ? dups : cJSON_CreateArray());
		prev = PQgetisnull(res, i, 19) ? NULL : cJSON_Parse(db_str(res, i, 19));
		cJSON_AddItemToObject(it, "previous", prev ? prev : cJSON_CreateNull());
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

enum perr
h_admin_registration_scan(struct req *r)
{
	PGresult *res;
	unsigned char *bytes;
	size_t n;
	char *copy;
	enum perr e;

	if ((e = db_run(&st[RG_SCAN], &res, 1, DB_I(r->id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "授权委托书不存在");
	}
	bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 2), &n);
	if (bytes == NULL || (copy = malloc(n ? n : 1)) == NULL) {
		PQfreemem(bytes);
		PQclear(res);
		return PERR_INTERNAL;
	}
	memcpy(copy, bytes, n);
	PQfreemem(bytes);
	req_raw(r, copy, n, db_str(res, 0, 1), NULL);
	PQclear(res);
	return PERR_OK;
}

static bool
valid_affiliation(const char *s)
{
	return strcmp(s, "bureau") == 0 || strcmp(s, "city_direct") == 0 ||
	    strcmp(s, "civil_service") == 0 || strcmp(s, "none") == 0;
}

enum { RA_AFFILIATION };

const struct field registration_approve_fields[] = {
	[RA_AFFILIATION] = { "affiliation", "隶属关系", F_STR, false, 1, 20, valid_affiliation,
	    "隶属关系只能是市住建局局属事业单位、市本级直属事业单位、参照公务员管理的事业单位或其他事业单位" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum { RJ_REASON };

const struct field registration_reject_fields[] = {
	[RJ_REASON] = { "reason", "不通过的理由", F_LINES, true, 1, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
decide(struct req *r, bool approve)
{
	const char *reason = approve ? "" : r->f[RJ_REASON].s;
	const char *aff = approve && r->f[RA_AFFILIATION].present ? r->f[RA_AFFILIATION].s : "";
	const char *name;
	PGresult *res = NULL, *clerks = NULL;
	int i;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[RG_LOAD], &res, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "注册申请不存在");
		goto fail;
	}
	if (strcmp(db_str(res, 0, 0), "pending") != 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该注册申请已审核，请刷新后重试");
		goto fail;
	}
	if (aff[0] != '\0' && strcmp(aff, "none") != 0 && strcmp(db_str(res, 0, 2), "institution") != 0) {
		e = req_fail(r, PERR_INVALID_FIELD, "affiliation", "隶属关系只适用于事业单位");
		goto fail;
	}
	/* the one chosen now, else the one registered */
	if (affiliation_of_city(aff[0] != '\0' ? aff : db_str(res, 0, 4)) && !db_bool(res, 0, 3)) {
		e = req_fail(r, PERR_INVALID_FIELD, "affiliation", AFFILIATION_CITY_MSG);
		goto fail;
	}
	name = db_str(res, 0, 1);
	/* two units of one name cannot both be chosen by their people (the amendment refuses it
	 * too); approving only warned of it */
	if (approve) {
		PGresult *taken;

		if ((e = db_run(&st[RG_NAME_LOCK], NULL, 1, DB_S(name))) != PERR_OK ||
		    (e = db_run(&st[RG_NAME_TAKEN], &taken, 2, DB_S(name), DB_I(r->id))) != PERR_OK)
			goto fail;
		if (PQntuples(taken) > 0) {
			e = req_fail(r, PERR_CONFLICT, NULL, "平台上已有通过审核的同名单位（%s）：同一单位不能注册两次。"
			    "如确为两个不同单位，请先在“更正单位信息”中更正已通过审核的那家单位的名称（如加注所在地）；"
			    "如为重复注册，请作不通过处理，"
			    "并告知其联系本单位的管理员", db_str(taken, 0, 0));
			PQclear(taken);
			goto fail;
		}
		PQclear(taken);
	}
	if ((e = db_run(&st[RG_DECIDE], NULL, 5, DB_I(r->id), DB_S(approve ? "approved" : "rejected"),
	    DB_S(reason), DB_I(r->s.user_id), DB_S(aff))) != PERR_OK ||
	    (e = db_run(&st[RG_CLERKS], &clerks, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	for (i = 0; i < PQntuples(clerks) && e == PERR_OK; i++)
		e = approve ? notify_userf(db_int(clerks, i, 0), "【职称申报】%s的单位注册已通过平台审核，"
		    "请登录平台办理人员确认、业绩档案审核和职称申报审查。", name) :
		    notify_userf(db_int(clerks, i, 0), "【职称申报】%s的单位注册未通过平台审核，理由：%s。"
		    "请登录平台修改后重新提交。", name, reason);
	if (e != PERR_OK)
		goto fail;
	if ((e = req_audit_reason(r, approve ? "registration_approve" : "registration_reject", "org",
	    r->id, approve ? NULL : reason)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(clerks);
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(clerks);
	PQclear(res);
	db_rollback();
	return e;
}

enum perr
h_admin_registration_approve(struct req *r)
{
	return decide(r, true);
}

enum perr
h_admin_registration_reject(struct req *r)
{
	return decide(r, false);
}

/*
 * 更正单位信息: the operator corrects an approved unit's registration (a new
 * name, 统一社会信用代码, 单位性质, 隶属关系, county or 主管部门, on the
 * unit's proof), with a reason, told to its clerks. Its applications keep
 * the chain they were made in (their county and chain are the
 * application's); what it applies to next follows the new details.
 */
enum { AM_NAME, AM_USCC, AM_OWNERSHIP, AM_AFFILIATION, AM_REGION, AM_SUPERVISOR, AM_REASON };

const struct field registration_amend_fields[] = {
	[AM_NAME] = { "name", "单位名称", F_STR, true, 2, 100, NULL, NULL },
	[AM_USCC] = { "uscc", "统一社会信用代码", F_STR, true, 18, 18, valid_uscc,
	    "统一社会信用代码不正确，请核对 18 位代码及最后一位校验码" },
	[AM_OWNERSHIP] = { "ownership", "单位性质", F_STR, true, 1, 20, valid_ownership,
	    "单位性质只能是国有企业、非公企业、事业单位、机关或其他" },
	[AM_AFFILIATION] = { "affiliation", "隶属关系", F_STR, false, 0, 20, valid_affiliation,
	    "隶属关系只能是市住建局局属事业单位、市本级直属事业单位、参照公务员管理的事业单位或其他事业单位" },
	[AM_REGION] = { "region_id", "所在地区", F_INT, true, 1, 1LL << 30, NULL, NULL },
	[AM_SUPERVISOR] = { "supervisor", "主管部门", F_STR, true, 2, 100, NULL, NULL },
	[AM_REASON] = { "reason", "更正理由", F_LINES, true, 1, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_admin_registration_amend(struct req *r)
{
	const struct fval *f = r->f;
	/* none (as on approval), empty or absent: no 隶属关系 */
	const char *aff = f[AM_AFFILIATION].present && strcmp(f[AM_AFFILIATION].s, "none") != 0 ?
	    f[AM_AFFILIATION].s : "";
	const char *was[OF_N], *now[OF_N];
	PGresult *old = NULL, *res = NULL;
	cJSON *detail = NULL;
	int i;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[RG_OLD], &old, 2, DB_I(r->id), DB_I(f[AM_REGION].i))) != PERR_OK)
		goto fail;
	if (PQntuples(old) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "单位不存在");
		goto fail;
	}
	if (strcmp(db_str(old, 0, 0), "approved") != 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, strcmp(db_str(old, 0, 0), "pending") == 0 ?
		    "该单位的注册尚待审核，请先审核" :
		    "该单位的注册未通过审核，请由单位修改后重新提交");
		goto fail;
	}
	if ((e = org_form_check(r, f[AM_REGION].i, f[AM_OWNERSHIP].s, aff, f[AM_USCC].s, r->id)) !=
	    PERR_OK)
		goto fail;
	/* a rename onto a name in use would give applicants two of it to choose from */
	if (strcmp(db_str(old, 0, 1), f[AM_NAME].s) != 0) {
		if ((e = db_run(&st[RG_NAME_LOCK], NULL, 1, DB_S(f[AM_NAME].s))) != PERR_OK ||
		    (e = db_run(&st[RG_NAME_TAKEN], &res, 2, DB_S(f[AM_NAME].s), DB_I(r->id))) !=
		    PERR_OK)
			goto fail;
		if (PQntuples(res) > 0) {
			e = req_fail(r, PERR_CONFLICT, "name", "平台中已有名为“%s”的单位或部门（%s），"
			    "请核对单位名称", f[AM_NAME].s, db_str(res, 0, 0));
			goto fail;
		}
		PQclear(res);
		res = NULL;
	}
	/* what differs, by its label (the county by its name): nothing, and nothing is written */
	for (i = 0; i < OF_N; i++)
		was[i] = db_str(old, 0, i == OF_REGION ? 7 : i + 1);
	now[OF_NAME] = f[AM_NAME].s;
	now[OF_USCC] = f[AM_USCC].s;
	now[OF_OWNERSHIP] = f[AM_OWNERSHIP].s;
	now[OF_AFFILIATION] = aff;
	now[OF_REGION] = db_str(old, 0, 8);
	now[OF_SUPERVISOR] = f[AM_SUPERVISOR].s;
	detail = cJSON_CreateObject();
	if (org_form_diff(was, now, detail, cJSON_AddArrayToObject(req_out(r), "changed")) == 0) {
		cJSON_Delete(detail);
		PQclear(old);
		return db_commit();
	}
	cJSON_AddStringToObject(detail, "reason", f[AM_REASON].s);
	if ((e = db_run(&st[RG_AMEND], NULL, 7, DB_I(r->id), DB_S(f[AM_NAME].s), DB_S(f[AM_USCC].s),
	    DB_S(f[AM_OWNERSHIP].s), DB_S(aff), DB_I(f[AM_REGION].i), DB_S(f[AM_SUPERVISOR].s))) !=
	    PERR_OK || (e = db_run(&st[RG_CLERKS], &res, 1, DB_I(r->id))) != PERR_OK) {
		cJSON_Delete(detail);
		goto fail;
	}
	for (i = 0; i < PQntuples(res) && e == PERR_OK; i++)
		e = notify_userf(db_int(res, i, 0), "【职称申报】平台已更正%s的单位信息（%s），理由：%s。"
		    "此前的申报按原办理渠道继续办理。", f[AM_NAME].s,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(detail, "fields")),
		    f[AM_REASON].s);
	if (e == PERR_OK)
		e = req_audit(r, "registration_amend", "org", r->id, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(old);
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(old);
	PQclear(res);
	db_rollback();
	return e;
}
