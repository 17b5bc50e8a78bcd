/*
 * page-accounts.c: 账号查询, the operator's way to any account of the
 * platform but its own: an applicant whose 身份证号 somebody else
 * registered, a unit whose administrator left, a clerk locked out. The
 * operator finds the account by its 身份证号 or username, a name or a mobile
 * number, or by a part of its unit's or department's name, and resets its password (one-time, handed over in person after the
 * identity is checked), disables or enables it (page-departments.c's
 * handlers, lib/accounts.c), or makes a unit's clerk its administrator; a
 * unit left without one (its only clerk gone, disabled) gets a new account
 * for the successor, in their own name, as its administrator.
 * 身份证号 and mobile numbers are shown masked; every action is audited.
 */
#include <string.h>

#include "admin.h"

enum { AK_ADMIN_LOAD, AK_ADMIN_SET, AK_UNIT_LOAD, AK_UNIT_ADMIN, AK_WHO, AK_MESSAGES, AK__MAX };

static struct db_stmt st[AK__MAX] = {
	/* the unit's row locked too: two operators naming two clerks at once are one after
	 * the other, and the second's update sees the first's administrator */
	[AK_ADMIN_LOAD] = { "admin_accounts_admin_load",
	    "SELECT u.org_id, o.kind, u.is_org_admin, u.disabled_at IS NOT NULL"
	    " FROM app_user u JOIN org o ON o.id = u.org_id WHERE u.id = $1 FOR UPDATE OF o, u", 0 },
	/* one administrator a unit: the one named, the others its clerks */
	[AK_ADMIN_SET] = { "admin_accounts_admin_set",
	    "UPDATE app_user SET is_org_admin = (id = $1) WHERE org_id = $2"
	    " AND (is_org_admin OR id = $1)", 0 },
	/* an approved unit or 人才交流中心, locked (as AK_ADMIN_LOAD locks it) */
	[AK_UNIT_LOAD] = { "admin_accounts_unit_load",
	    "SELECT o.status FROM org o"
	    " WHERE o.id = $1 AND o.kind IN ('unit', 'talent_centre') FOR UPDATE OF o", 0 },
	/* then, in a statement of its own (after the lock: what another's transaction
	 * holding it did), its administrator still at work, if any; in the lock's
	 * statement two successors named at once both found none (a probe) */
	[AK_UNIT_ADMIN] = { "admin_accounts_unit_admin",
	    "SELECT u.name FROM app_user u WHERE u.org_id = $1 AND u.is_org_admin"
	    " AND u.disabled_at IS NULL LIMIT 1", 0 },
	/* an account, never the platform's (lib/accounts.c's rule) */
	[AK_WHO] = { "admin_accounts_who",
	    "SELECT 1 FROM app_user u LEFT JOIN org o ON o.id = u.org_id"
	    " WHERE u.id = $1 AND coalesce(o.kind, '') <> 'platform'", 0 },
	/* its messages, newest first */
	[AK_MESSAGES] = { "admin_accounts_messages",
	    "SELECT to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " coalesce(mobile, ''), body, channel, status,"
	    " coalesce(to_char(sent_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),"
	    " read_at IS NOT NULL, inbox"
	    " FROM notification WHERE user_id = $1 ORDER BY id DESC LIMIT 101", 0 },
};

enum { AK_Q };

const struct field accounts_query[] = {
	[AK_Q] = { "q", "查询内容", F_STR, true, 1, 40, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* GET accounts?q=: the accounts whose 身份证号 or username, name or mobile is q,
 * or whose organisation's name holds q (lib/accounts.c) */
enum perr
h_admin_accounts(struct req *r)
{
	return account_search(r->f[AK_Q].s, req_out(r));
}

/* POST accounts/:id/admin: a clerk of a unit (or 人才交流中心) becomes its
 * administrator, who keeps its clerks' accounts; the one before stays a clerk
 * (the unit whose first clerk left could not hand over) */
enum perr
h_admin_account_admin(struct req *r)
{
	PGresult *res = NULL;
	long long org;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[AK_ADMIN_LOAD], &res, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1 || (strcmp(db_str(res, 0, 1), "unit") != 0 &&
	    strcmp(db_str(res, 0, 1), "talent_centre") != 0)) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "该账号不是用人单位或人才交流中心的经办人账号");
		goto fail;
	}
	if (db_bool(res, 0, 2)) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该账号已是单位管理员");
		goto fail;
	}
	if (db_bool(res, 0, 3)) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该账号已停用，请先启用");
		goto fail;
	}
	org = db_int(res, 0, 0);
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[AK_ADMIN_SET], NULL, 2, DB_I(r->id), DB_I(org))) != PERR_OK ||
	    (e = req_audit(r, "account_admin", "user", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

/*
 * POST registrations/:id/accounts: the successor of a unit's administrator who
 * left with no other clerk to hand over to (the operator's probe: the only
 * way on was to give the departed person's account, and name, to the new
 * one). Only while the unit has no administrator at work: one who is at work
 * opens its clerks' accounts. The new account is the administrator; its
 * password random and one-time, shown once.
 */
enum { UA_USERNAME, UA_NAME, UA_MOBILE };

const struct field unit_admin_fields[] = {
	[UA_USERNAME] = { "username", "登录用户名", F_STR, true, 3, 32, valid_login_name,
	    "用户名为 3 至 32 位小写字母、数字或下划线，以字母开头" },
	[UA_NAME] = { "name", "姓名", F_STR, true, 2, 30, valid_person_name,
	    "请填写经办人的真实姓名" },
	[UA_MOBILE] = { "mobile", "手机号码", F_STR, true, 11, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_admin_unit_admin_add(struct req *r)
{
	char pw[24];
	PGresult *res = NULL;
	long long id;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[AK_UNIT_LOAD], &res, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "单位不存在");
		goto fail;
	}
	if (strcmp(db_str(res, 0, 0), "approved") != 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该单位的注册尚未通过审核，注册人即为单位管理员");
		goto fail;
	}
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[AK_UNIT_ADMIN], &res, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) == 1) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该单位的管理员%s仍在使用账号：新经办人的账号由其在"
		    "“经办人账号”中开设；如其已离职，请先在账号查询中停用其账号", db_str(res, 0, 0));
		goto fail;
	}
	PQclear(res);
	res = NULL;
	if ((e = account_create(r, r->id, r->f[UA_USERNAME].s, r->f[UA_NAME].s, r->f[UA_MOBILE].s,
	    NULL, false, true, pw, sizeof(pw), &id)) != PERR_OK ||
	    (e = db_run(&st[AK_ADMIN_SET], NULL, 2, DB_I(id), DB_I(r->id))) != PERR_OK ||
	    (e = req_audit(r, "account_admin", "user", id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	r->status = 201;
	json_add_int(req_out(r), "id", id);
	cJSON_AddStringToObject(req_out(r), "password", pw);
	explicit_bzero(pw, sizeof(pw));
	return PERR_OK;
fail:
	explicit_bzero(pw, sizeof(pw));
	PQclear(res);
	db_rollback();
	return e;
}

/*
 * GET accounts/:id/messages: what the portal sent an account (12333 SMS and
 * the portal's messages), the newest 100, for the one who says they never
 * got it: when, to which number (masked), what, and whether it went out.
 */
enum perr
h_admin_account_messages(struct req *r)
{
	char masked[32];
	PGresult *res;
	cJSON *items, *it;
	int i, n;
	enum perr e;

	if ((e = db_run(&st[AK_WHO], &res, 1, DB_I(r->id))) != PERR_OK)
		return e;
	n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return req_fail(r, PERR_NOT_FOUND, NULL, "账号不存在");
	if ((e = db_run(&st[AK_MESSAGES], &res, 1, DB_I(r->id))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	n = PQntuples(res) > 100 ? 100 : PQntuples(res);
	for (i = 0; i < n; i++) {
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "at", db_str(res, i, 0));
		cJSON_AddStringToObject(it, "mobile", mask_mobile(db_str(res, i, 1), masked,
		    sizeof(masked)));
		cJSON_AddStringToObject(it, "body", db_str(res, i, 2));
		cJSON_AddStringToObject(it, "channel", db_str(res, i, 3));
		cJSON_AddStringToObject(it, "status", db_str(res, i, 4));
		cJSON_AddStringToObject(it, "sent_at", db_str(res, i, 5));
		cJSON_AddBoolToObject(it, "read", db_bool(res, i, 6));
		cJSON_AddBoolToObject(it, "inbox", db_bool(res, i, 7));
		cJSON_AddItemToArray(items, it);
	}
	cJSON_AddBoolToObject(req_out(r), "more", PQntuples(res) > 100);
	PQclear(res);
	return PERR_OK;
}
