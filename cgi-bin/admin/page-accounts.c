/*
 * page-accounts.c: 账号查询, the operator's way to any account of the
 * platform but its own: an applicant whose 身份证号 somebody else
 * registered, a unit whose administrator left, a clerk locked out. The
 * operator finds the account by its 身份证号 or username, a name or a mobile
 * number, and resets its password (one-time, handed over in person after the
 * identity is checked), disables or enables it (page-departments.c's
 * handlers, lib/accounts.c), or makes a unit's clerk its administrator.
 * 身份证号 and mobile numbers are shown masked; every action is audited.
 */
#include <string.h>

#include "admin.h"

enum { AK_ADMIN_LOAD, AK_ADMIN_SET, AK__MAX };

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
};

enum { AK_Q };

const struct field accounts_query[] = {
	[AK_Q] = { "q", "查询内容", F_STR, true, 1, 40, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* GET accounts?q=: the accounts whose 身份证号 or username, name or mobile is q
 * (lib/accounts.c) */
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
