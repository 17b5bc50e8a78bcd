/*
 * accounts.c: the clerks' accounts of units and departments: a unit's
 * administrator keeps its own clerks, the platform operator the departments'
 * (统一分配的账号). An account belongs to one organisation, and its role is
 * that organisation's program. Passwords made here are random and shown once.
 */
#include <stdio.h>
#include <string.h>

#include "portal.h"

enum {
	AC_ORG, AC_INSERT, AC_INSERT_MEMBER, AC_ONE_TIME, AC_FIND, AC_DISABLE, AC_PASSWORD, AC_END,
	AC_UNLOCK, AC_LIST, AC_SEARCH, AC__MAX
};

static struct db_stmt st[AC__MAX] = {
	[AC_ORG] = { "account_org",
	    "SELECT portal, kind, status FROM org WHERE id = $1", 0 },
	/* a taken username inserts nothing (no row: 409), rather than fail
	 * with an error in the database's log */
	[AC_INSERT] = { "account_insert",
	    "INSERT INTO app_user (role, username, name, mobile, org_id, password_hash, is_org_admin,"
	    " must_change_password) VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7::bool, $8::bool)"
	    " ON CONFLICT (username) DO NOTHING RETURNING id", 0 },
	/* the programs may not insert a member's login: the database checks the committee */
	[AC_INSERT_MEMBER] = { "account_insert_member",
	    "SELECT committee_account_insert($1, $2, $3, $4, $5)", 0 },
	[AC_ONE_TIME] = { "account_one_time",
	    "UPDATE app_user SET must_change_password = true WHERE id = $1", 0 },
	/* an account of org $2 (0: any account, an applicant's too, never the platform's) */
	[AC_FIND] = { "account_find",
	    "SELECT u.id, u.is_org_admin FROM app_user u LEFT JOIN org o ON o.id = u.org_id"
	    " WHERE u.id = $1 AND ($2 = 0 OR u.org_id = $2) AND coalesce(o.kind, '') <> 'platform'", 0 },
	[AC_DISABLE] = { "account_disable",
	    "UPDATE app_user SET disabled_at = CASE WHEN $2::bool THEN coalesce(disabled_at, now()) END"
	    " WHERE id = $1", 0 },
	/* a password made here is someone else's choice: one-time (sql/018). An applicant's
	 * (the operator's 账号查询: a 身份证号 somebody else registered) loses its mobile too,
	 * or whoever holds that phone takes the account back by 忘记密码; its owner binds
	 * their own in 账号设置 after the first login */
	[AC_PASSWORD] = { "account_password",
	    "UPDATE app_user SET password_hash = $2, password_changed_at = now(), failed_logins = 0,"
	    " locked_until = NULL, known_failed_logins = 0, known_locked_until = NULL,"
	    " must_change_password = true,"
	    " mobile = CASE WHEN role = 'applicant' THEN NULL ELSE mobile END WHERE id = $1", 0 },
	/* both locks (sql/074: the one of known addresses and the one of all others), when
	 * one of them holds */
	[AC_UNLOCK] = { "account_unlock",
	    "UPDATE app_user SET failed_logins = 0, locked_until = NULL, known_failed_logins = 0,"
	    " known_locked_until = NULL WHERE id = $1"
	    " AND greatest(locked_until, known_locked_until) > now() RETURNING id", 0 },
	[AC_END] = { "account_sessions_end",
	    "UPDATE session SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL", 0 },
	/* (the first eight columns of the two lists are account_row()'s) */
	[AC_LIST] = { "account_list",
	    "SELECT id, username, name, coalesce(mobile, ''), is_org_admin, disabled_at IS NOT NULL,"
	    " to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), kind, role"
	    " FROM app_user WHERE org_id = $1 ORDER BY id", 0 },
	/* the platform's own accounts are the operators' business, not the search's */
	[AC_SEARCH] = { "account_search",
	    "SELECT u.id, u.username, u.name, coalesce(u.mobile, ''), u.is_org_admin,"
	    " u.disabled_at IS NOT NULL,"
	    " to_char(u.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), u.kind, u.role,"
	    " coalesce(o.name, ''), coalesce(o.kind, ''), coalesce(greatest(u.locked_until, u.known_locked_until) > now(), false)"
	    " FROM app_user u LEFT JOIN org o ON o.id = u.org_id"
	    " WHERE coalesce(o.kind, '') <> 'platform' AND u.id IN ("
	    "  SELECT id FROM app_user"
	    "  WHERE username = $1 OR username = upper($1) OR name = $1 OR mobile = $1"
	    /* or the accounts of an organisation whose name holds q (two characters at least:
	     * one is half the units of a county) */
	    "  UNION SELECT m.id FROM org mo JOIN app_user m ON m.org_id = mo.id"
	    "  WHERE char_length($1) >= 2 AND strpos(mo.name, $1) > 0)"
	    " ORDER BY u.role, o.name, u.is_org_admin DESC, u.id LIMIT 51", 0 },
};

/* 16 characters from an alphabet without look-alikes, meeting the password
 * policy (upper, lower, digits). */
static enum perr
random_password(char *out, size_t outsz)
{
	static const char up[] = "ABCDEFGHJKLMNPQRSTUVWXYZ", lo[] = "abcdefghijkmnpqrstuvwxyz",
	    dg[] = "23456789";
	const char *set[] = { up, lo, dg };
	const size_t len[] = { sizeof(up) - 1, sizeof(lo) - 1, sizeof(dg) - 1 };
	char hex[33];
	size_t i;

	if (outsz < 17 || random_hex(hex, 16) != PERR_OK)
		return PERR_INTERNAL;
	for (i = 0; i < 16; i++) {
		unsigned v = (unsigned)((hex[2 * i] >= 'a' ? hex[2 * i] - 'a' + 10 : hex[2 * i] - '0') * 16 +
		    (hex[2 * i + 1] >= 'a' ? hex[2 * i + 1] - 'a' + 10 : hex[2 * i + 1] - '0'));
		size_t k = i < 3 ? i : v % 3;	/* one of each kind at least */

		out[i] = set[k][v % len[k]];
	}
	out[16] = '\0';
	explicit_bzero(hex, sizeof(hex));
	return PERR_OK;
}

/* A new account of org; member: a committee member's login (AC_INSERT_MEMBER);
 * one_time: its password was chosen by someone else (sql/018). */
static enum perr
create(struct req *r, long long org, bool member, const char *username, const char *name,
    const char *mobile, const char *password, bool org_admin, bool one_time, char *pw_out,
    size_t pw_outsz, long long *id)
{
	char hash[256], role[16];
	PGresult *res = NULL;
	enum perr e;

	if ((e = db_run(&st[AC_ORG], &res, 1, DB_I(org))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "单位或部门不存在");
	}
	snprintf(role, sizeof(role), "%s", db_str(res, 0, 0));
	PQclear(res);
	if (password == NULL) {
		if ((e = random_password(pw_out, pw_outsz)) != PERR_OK)
			return e;
		password = pw_out;
	}
	if ((e = auth_hash(password, hash, sizeof(hash))) != PERR_OK)
		return e;
	if (member)
		e = db_run(&st[AC_INSERT_MEMBER], &res, 5, DB_I(org), DB_S(username), DB_S(name),
		    DB_S(mobile ? mobile : ""), DB_S(hash));
	else
		e = db_run(&st[AC_INSERT], &res, 8, DB_S(role), DB_S(username), DB_S(name),
		    DB_S(mobile ? mobile : ""), DB_I(org), DB_S(hash),
		    DB_S(org_admin ? "true" : "false"), DB_S(one_time ? "true" : "false"));
	explicit_bzero(hash, sizeof(hash));
	if (e == PERR_OK && PQntuples(res) != 1) {
		PQclear(res);
		e = PERR_CONFLICT;
	}
	if (e == PERR_CONFLICT)
		return req_fail(r, PERR_CONFLICT, "username", "该用户名已被使用，请换一个");
	if (e != PERR_OK)
		return e;
	*id = db_int(res, 0, 0);
	PQclear(res);
	/* the database makes a member's login (sql/013); the flag is set after */
	if (member && one_time && (e = db_run(&st[AC_ONE_TIME], NULL, 1, DB_I(*id))) != PERR_OK)
		return e;
	return req_audit(r, "account_create", "user", *id, NULL);
}

enum perr
account_create(struct req *r, long long org, const char *username, const char *name,
    const char *mobile, const char *password, bool org_admin, bool one_time, char *pw_out,
    size_t pw_outsz, long long *id)
{
	return create(r, org, false, username, name, mobile, password, org_admin, one_time, pw_out,
	    pw_outsz, id);
}

enum perr
account_create_member(struct req *r, long long org, const char *username, const char *name,
    const char *mobile, const char *password, char *pw_out, size_t pw_outsz, long long *id)
{
	/* the office chooses it, never the member */
	return create(r, org, true, username, name, mobile, password, false, true, pw_out, pw_outsz,
	    id);
}

/* Account id of org (0: any but the platform's); whether it is an administrator. */
static enum perr
find(struct req *r, long long org, long long id, bool *admin)
{
	PGresult *res;
	enum perr e;

	*admin = false;
	if ((e = db_run(&st[AC_FIND], &res, 2, DB_I(id), DB_I(org))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "账号不存在");
	}
	*admin = db_bool(res, 0, 1);
	PQclear(res);
	return PERR_OK;
}

enum perr
account_disable(struct req *r, long long org, long long id, bool disable)
{
	bool admin;
	enum perr e;

	if (id == r->s.user_id)
		return req_fail(r, PERR_CONFLICT, NULL, "不能停用自己的账号");
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = find(r, org, id, &admin)) != PERR_OK)
		goto fail;
	if (admin && org != 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, "单位管理员账号不能由本单位停用，请联系平台管理员");
		goto fail;
	}
	if ((e = db_run(&st[AC_DISABLE], NULL, 2, DB_I(id), DB_S(disable ? "true" : "false"))) !=
	    PERR_OK ||
	    (disable && (e = db_run(&st[AC_END], NULL, 1, DB_I(id))) != PERR_OK) ||
	    (e = req_audit(r, disable ? "account_disable" : "account_enable", "user", id, NULL)) !=
	    PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	db_rollback();
	return e;
}

enum perr
account_reset(struct req *r, long long org, long long id, char *pw_out, size_t pw_outsz)
{
	char hash[256];
	bool admin;
	enum perr e;

	if ((e = random_password(pw_out, pw_outsz)) != PERR_OK ||
	    (e = auth_hash(pw_out, hash, sizeof(hash))) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = find(r, org, id, &admin)) != PERR_OK ||
	    (e = db_run(&st[AC_PASSWORD], NULL, 2, DB_I(id), DB_S(hash))) != PERR_OK ||
	    (e = db_run(&st[AC_END], NULL, 1, DB_I(id))) != PERR_OK ||
	    (e = req_audit(r, "account_reset", "user", id, NULL)) != PERR_OK ||
	    /* the person hears of it: a reset they did not ask for is someone
	     * else about to sign in as them (a committee office, its expert); whom
	     * to turn to is not who reset it. An applicant's mobile the operator's
	     * reset has just taken off (it may be the squatter's): the message
	     * waits in the portal, no SMS */
	    (e = notify_userf(id, "【职称申报】您的账号密码已由%s重置，原密码已失效。"
	    "如非您本人申请，请立即联系平台技术支持（联系方式见平台首页）。", r->s.org_name)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	explicit_bzero(hash, sizeof(hash));
	return PERR_OK;
}

enum perr
account_unlock(struct req *r, long long org, long long id)
{
	PGresult *res = NULL;
	bool admin;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = find(r, org, id, &admin)) != PERR_OK ||
	    (e = db_run(&st[AC_UNLOCK], &res, 1, DB_I(id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该账号未被锁定，无需解锁");
		goto fail;
	}
	if ((e = req_audit(r, "account_unlock", "user", id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

/* Row i of AC_LIST or AC_SEARCH as an account: no secret, the mobile masked, and an
 * applicant's username (their 身份证号) masked too. */
static cJSON *
account_row(const PGresult *res, int i)
{
	cJSON *it = cJSON_CreateObject();
	char masked[32];

	cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
	cJSON_AddStringToObject(it, "username", strcmp(db_str(res, i, 8), "applicant") == 0 ?
	    mask_id(db_str(res, i, 1), masked, sizeof(masked)) : db_str(res, i, 1));
	cJSON_AddStringToObject(it, "name", db_str(res, i, 2));
	cJSON_AddStringToObject(it, "mobile", mask_mobile(db_str(res, i, 3), masked, sizeof(masked)));
	cJSON_AddBoolToObject(it, "admin", db_bool(res, i, 4));
	cJSON_AddBoolToObject(it, "disabled", db_bool(res, i, 5));
	cJSON_AddStringToObject(it, "created_at", db_str(res, i, 6));
	/* regular, or committee_member: a committee's expert (lib/committee.c) */
	cJSON_AddStringToObject(it, "kind", db_str(res, i, 7));
	cJSON_AddStringToObject(it, "role", db_str(res, i, 8));
	return it;
}

enum perr
account_list(struct req *r, long long org, cJSON *out)
{
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	(void)r;
	if ((e = db_run(&st[AC_LIST], &res, 1, DB_I(org))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(out, "items");
	for (i = 0; i < PQntuples(res); i++)
		cJSON_AddItemToArray(items, account_row(res, i));
	PQclear(res);
	return PERR_OK;
}

enum perr
account_search(const char *q, cJSON *out)
{
	PGresult *res;
	cJSON *items;
	char name[4 * 40 + 1];	/* AK_Q's 40 characters */
	int i, n;
	enum perr e;

	/* a name as names are stored (阿卜杜•热合曼 is 阿卜杜·热合曼); what else the box
	 * takes (身份证号, username, mobile) has no dot to tidy */
	snprintf(name, sizeof(name), "%s", q);
	name_tidy(name);
	if ((e = db_run(&st[AC_SEARCH], &res, 1, DB_S(name))) != PERR_OK)
		return e;
	n = PQntuples(res) > 50 ? 50 : PQntuples(res);
	items = cJSON_AddArrayToObject(out, "items");
	for (i = 0; i < n; i++) {
		cJSON *it = account_row(res, i);

		cJSON_AddStringToObject(it, "org", db_str(res, i, 9));
		cJSON_AddStringToObject(it, "org_kind", db_str(res, i, 10));
		cJSON_AddBoolToObject(it, "locked", db_bool(res, i, 11));
		cJSON_AddItemToArray(items, it);
	}
	cJSON_AddBoolToObject(out, "more", PQntuples(res) > 50);
	PQclear(res);
	return PERR_OK;
}
