/*
 * auth.c: passwords (libxcrypt yescrypt), login with throttling, and the
 * handlers every program shares (health, login, logout, me, password). It
 * sits above the request pipeline; sessions themselves are in session.c.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "portal.h"

enum {
	AUTH_PING,
	AUTH_USER_LOCK,
	AUTH_FAIL,
	AUTH_OK,
	AUTH_HASH_GET,
	AUTH_PW_SET,
	AUTH__MAX
};

#define LOCAL_TIME(x) "to_char(" x " AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
/* whether account id signed in from address ip in the last 30 days (sql/074) */
#define KNOWN(id, ip) \
	"EXISTS (SELECT 1 FROM login_address la WHERE la.user_id = " id " AND la.ip = " ip \
	" AND la.last_ok_at > now() - interval '30 days')"
/* what a locked account's owner can do meanwhile: a reset clears the lock (lib/codes.c) */
#define LOCKED_WAY_OUT "；也可点击“忘记密码”，用登记的手机号码接收验证码重置密码后登录"
/* the lock that holds for an address known or not */
#define LOCK_OF(known) "(CASE WHEN " known " THEN known_locked_until ELSE locked_until END)"

static struct db_stmt st[AUTH__MAX] = {
	[AUTH_PING] = { "auth_ping", "SELECT 1", 0 },
	/* the lock of the address's kind (sql/074): one the account was signed in
	 * from in the last 30 days, or any other */
	[AUTH_USER_LOCK] = { "auth_user_lock",
	    "SELECT u.id, u.password_hash, coalesce(" LOCK_OF("k.known") " > now(), false), "
	    LOCAL_TIME(LOCK_OF("k.known")) ", k.known"
	    " FROM app_user u CROSS JOIN LATERAL (SELECT " KNOWN("u.id", "$3") " AS known) k"
	    " WHERE u.username = $1 AND u.role = $2 AND u.disabled_at IS NULL FOR UPDATE OF u", 0 },
	/* one more wrong password from $4: counted, and the account locked at $2, for
	 * the addresses of its kind */
	[AUTH_FAIL] = { "auth_fail",
	    "WITH k AS (SELECT " KNOWN("$1::bigint", "$4") " AS known) "
	    "UPDATE app_user SET "
	    " locked_until = CASE WHEN NOT k.known AND failed_logins + 1 >= $2::int"
	    "   THEN now() + make_interval(mins => $3::int) ELSE locked_until END,"
	    " failed_logins = CASE WHEN k.known THEN failed_logins"
	    "   WHEN failed_logins + 1 >= $2::int THEN 0 ELSE failed_logins + 1 END,"
	    " known_locked_until = CASE WHEN k.known AND known_failed_logins + 1 >= $2::int"
	    "   THEN now() + make_interval(mins => $3::int) ELSE known_locked_until END,"
	    " known_failed_logins = CASE WHEN NOT k.known THEN known_failed_logins"
	    "   WHEN known_failed_logins + 1 >= $2::int THEN 0 ELSE known_failed_logins + 1 END"
	    " FROM k WHERE id = $1 RETURNING coalesce(" LOCK_OF("k.known") " > now(), false), "
	    LOCAL_TIME(LOCK_OF("k.known")), 0 },
	/* the password went through from $2 (known, $3): its kind's count is
	 * cleared; from elsewhere, both (the owner proved it: a stranger's lock
	 * is not lifted by the owner signing in at the desk); and $2 is known */
	[AUTH_OK] = { "auth_ok",
	    "WITH gone AS (DELETE FROM login_address WHERE user_id = $1"
	    "  AND ip <> $2 AND last_ok_at <= now() - interval '30 days'),"
	    " here AS (INSERT INTO login_address (user_id, ip) VALUES ($1, $2)"
	    "  ON CONFLICT (user_id, ip) DO UPDATE SET last_ok_at = now())"
	    " UPDATE app_user SET known_failed_logins = 0, known_locked_until = NULL,"
	    " failed_logins = CASE WHEN $3::bool THEN failed_logins ELSE 0 END,"
	    " locked_until = CASE WHEN $3::bool THEN locked_until END WHERE id = $1", 0 },
	[AUTH_HASH_GET] = { "auth_hash_get",
	    "SELECT password_hash FROM app_user WHERE id = $1 FOR UPDATE", 0 },
	[AUTH_PW_SET] = { "auth_pw_set",
	    "UPDATE app_user SET password_hash = $2, password_changed_at = now(),"
	    " must_change_password = false WHERE id = $1", 0 },
};

enum perr
auth_hash(const char *pw, char *out, size_t outsz)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	enum perr e = PERR_INTERNAL;

	if (crypt_gensalt_rn("$y$", (unsigned long)conf.password_cost, NULL, 0, salt, sizeof(salt)) == NULL)
		return PERR_INTERNAL;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return PERR_INTERNAL;
	h = crypt_r(pw, salt, cd);
	if (h != NULL && h[0] == '$' && strlen(h) < outsz) {
		memcpy(out, h, strlen(h) + 1);
		e = PERR_OK;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return e;
}

bool
auth_verify(const char *pw, const char *hash)
{
	struct crypt_data *cd;
	const char *h;
	bool ok = false;

	if (hash == NULL || strncmp(hash, "$y$", 3) != 0)
		return false;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return false;
	h = crypt_r(pw, hash, cd);
	ok = h != NULL && h[0] == '$' && ct_equal(h, hash);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

static void
copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void
set_cookie(struct req *r, const char *tok)
{
	char buf[256];

	if (tok != NULL)
		snprintf(buf, sizeof(buf),
		    "sid=%s; Path=/api/%s/; HttpOnly; SameSite=Strict%s",
		    tok, portal_role(), r->https ? "; Secure" : "");
	else
		snprintf(buf, sizeof(buf),
		    "sid=; Path=/api/%s/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		    portal_role(), r->https ? "; Secure" : "");
	free(r->set_cookie);
	r->set_cookie = strdup(buf);
}

void
auth_me_json(struct req *r)
{
	cJSON *out = req_out(r), *u, *o, *ss;
	char masked[64];

	u = cJSON_AddObjectToObject(out, "user");
	json_add_int(u, "id", r->s.user_id);
	cJSON_AddStringToObject(u, "username", strcmp(r->s.role, "applicant") == 0 ?
	    mask_id(r->s.username, masked, sizeof(masked)) : r->s.username);
	cJSON_AddStringToObject(u, "name", r->s.name);
	cJSON_AddStringToObject(u, "role", r->s.role);
	cJSON_AddStringToObject(u, "kind", r->s.member ? "committee_member" : "regular");
	cJSON_AddStringToObject(u, "mobile", mask_mobile(r->s.mobile, masked, sizeof(masked)));
	/* the portal opens 账号设置's password form and nothing else until it is false */
	cJSON_AddBoolToObject(u, "must_change_password", r->s.must_change_password);
	if (r->s.org_id != 0) {
		o = cJSON_AddObjectToObject(out, "org");
		json_add_int(o, "id", r->s.org_id);
		cJSON_AddStringToObject(o, "name", r->s.org_name);
		cJSON_AddStringToObject(o, "kind", r->s.org_kind);
		cJSON_AddStringToObject(o, "kind_name", r->s.org_kind_name);
		cJSON_AddStringToObject(o, "region", r->s.org_region);
		cJSON_AddStringToObject(o, "status", r->s.org_status);
		cJSON_AddBoolToObject(o, "admin", r->s.org_admin);
	} else
		cJSON_AddNullToObject(out, "org");
	cJSON_AddStringToObject(out, "csrf", r->s.csrf);
	/* the page warns before the idle timeout and counts from here: seconds
	 * left rather than a time of day, so the browser's clock does not matter */
	ss = cJSON_AddObjectToObject(out, "session");
	json_add_int(ss, "idle_min", conf.session_idle_min);
	json_add_int(ss, "abs_hours", conf.session_abs_hours);
	json_add_int(ss, "idle_left", r->s.idle_left > 0 ? r->s.idle_left : 0);
	json_add_int(ss, "abs_left", r->s.abs_left > 0 ? r->s.abs_left : 0);
}

enum { L_USERNAME, L_PASSWORD };

const struct field login_fields[] = {
	[L_USERNAME] = { "username", "用户名", F_STR, true, 1, 64, NULL, NULL },
	[L_PASSWORD] = { "password", "密码", F_STR, true, 1, 128, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* Burns the time of one hash check so unknown names answer as slowly as known ones. */
static void
dummy_verify(const char *pw)
{
	static char dummy[128];

	if (dummy[0] == '\0' && auth_hash("dummy-password-Aa1", dummy, sizeof(dummy)) != PERR_OK)
		return;
	(void)auth_verify(pw, dummy);
}

/*
 * The one answer to a wrong password, whether or not the account exists:
 * telling "再输错 N 次" only to existing accounts would let anyone find out
 * which 身份证号 are registered. The rule is stated to everyone instead; the
 * lock itself (423) is announced when it happens.
 */
static enum perr
login_refused(struct req *r)
{
	/* an applicant signs in with the 身份证号 the form asks for */
	return req_fail(r, PERR_UNAUTHORIZED, "password",
	    "%s或密码错误（连续输错 %d 次，账号将被锁定 %d 分钟）",
	    strcmp(portal_role(), "applicant") == 0 ? "身份证号" : "用户名",
	    conf.login_max_failures, conf.login_lock_min);
}

/*
 * Applicants log in with their 身份证号, whose last character X is often
 * typed in lower case; the number is stored with X (valid_idcard wants it),
 * so "…x" names the same account. Other roles' usernames are left alone.
 * Writes the name to look up into buf.
 */
static const char *
login_name(const char *username, char *buf, size_t bufsz)
{
	size_t n = strlen(username);

	if (strcmp(portal_role(), "applicant") != 0 || n != 18 || n >= bufsz ||
	    username[17] != 'x')
		return username;
	memcpy(buf, username, n + 1);
	buf[17] = 'X';
	return buf;
}

/* A failed login counts against the address it came from: one address may not
 * try a password on every account, nor learn from what locks which 身份证号 are
 * registered. The failure past the limit is answered 429. */
static enum perr
login_failed(struct req *r)
{
	return limit_attempt(r, "login", "失败的登录", conf.login_failures_per_ip_hour);
}

enum perr
h_login(struct req *r)
{
	const char *pw = r->f[L_PASSWORD].s, *username;
	PGresult *res = NULL;
	char tok[33], until[32], namebuf[24];
	struct actor who = req_actor(r);
	bool limited, known;
	enum perr e;

	username = login_name(r->f[L_USERNAME].s, namebuf, sizeof(namebuf));
	if ((e = limit_reached(r, "login", conf.login_failures_per_ip_hour, &limited)) != PERR_OK)
		return e;
	if (limited)
		return req_fail(r, PERR_TOO_MANY, NULL, "本网络地址一小时内失败的登录尝试已达 %d 次，"
		    "请一小时后再试", conf.login_failures_per_ip_hour);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[AUTH_USER_LOCK], &res, 3, DB_S(username), DB_S(portal_role()),
	    DB_S(r->ip))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback();
		dummy_verify(pw);
		/* nothing typed is kept: a name that is no account is as often
		 * a password typed into the wrong field; that a login failed, and
		 * from where, is what the audit needs */
		(void)audit(&who, "login_unknown_user", "user", 0, NULL);
		if ((e = login_failed(r)) != PERR_OK)
			return e;
		return login_refused(r);
	}
	who.user_id = db_int(res, 0, 0);
	known = db_bool(res, 0, 4);
	if (db_bool(res, 0, 2)) {
		copy(until, sizeof(until), db_str(res, 0, 3));
		PQclear(res);
		db_rollback();
		if ((e = login_failed(r)) != PERR_OK)
			return e;
		return req_fail(r, PERR_LOCKED, NULL,
		    "密码连续输错 %d 次，账号已锁定 %d 分钟，请于 %s 后再试" LOCKED_WAY_OUT,
		    conf.login_max_failures, conf.login_lock_min, until);
	}
	if (!auth_verify(pw, db_str(res, 0, 1))) {
		bool locked;

		PQclear(res);
		res = NULL;
		if ((e = db_run(&st[AUTH_FAIL], &res, 4, DB_I(who.user_id),
		    DB_I(conf.login_max_failures), DB_I(conf.login_lock_min), DB_S(r->ip))) != PERR_OK)
			goto fail;
		locked = db_bool(res, 0, 0);
		copy(until, sizeof(until), db_str(res, 0, 1));
		PQclear(res);
		res = NULL;
		if ((e = audit(&who, locked ? "login_locked" : "login_failed", "user",
		    who.user_id, NULL)) != PERR_OK || (e = db_commit()) != PERR_OK)
			goto fail;
		if ((e = login_failed(r)) != PERR_OK)
			return e;
		if (locked)
			return req_fail(r, PERR_LOCKED, NULL,
			    "密码连续输错 %d 次，账号已锁定 %d 分钟，请于 %s 后再试" LOCKED_WAY_OUT,
			    conf.login_max_failures, conf.login_lock_min, until);
		return login_refused(r);
	}
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[AUTH_OK], NULL, 3, DB_I(who.user_id), DB_S(r->ip),
	    DB_S(known ? "true" : "false"))) != PERR_OK ||
	    (e = session_start(who.user_id, portal_role(), r->ip, tok)) != PERR_OK ||
	    (e = session_lookup(tok, portal_role(), &r->s, false)) != PERR_OK)
		goto fail;
	r->has_session = true;
	who = req_actor(r);
	if ((e = audit(&who, "login", "user", who.user_id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	set_cookie(r, tok);
	explicit_bzero(tok, sizeof(tok));
	auth_me_json(r);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e == PERR_UNAUTHORIZED ? PERR_INTERNAL : e;
}

enum perr
h_logout(struct req *r)
{
	char tok[33];
	enum perr e;

	if (!session_cookie(req_param(r, "HTTP_COOKIE"), tok))
		return PERR_UNAUTHORIZED;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = session_end(tok)) != PERR_OK ||
	    (e = req_audit(r, "logout", "user", r->s.user_id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	set_cookie(r, NULL);
	return PERR_OK;
}

enum perr
h_me(struct req *r)
{
	auth_me_json(r);
	return PERR_OK;
}

enum perr
h_health(struct req *r)
{
	enum perr e = db_run(&st[AUTH_PING], NULL, 0);

	if (e != PERR_OK)
		return req_fail(r, PERR_UNAVAILABLE, NULL, "数据库暂时无法访问");
	return PERR_OK;
}

enum { PW_OLD, PW_NEW };

const struct field password_fields[] = {
	[PW_OLD] = { "old", "原密码", F_STR, true, 1, 128, NULL, NULL },
	[PW_NEW] = { "new", "新密码", F_STR, true, 8, 128, valid_password,
	  "新密码须为 8 至 128 位，并至少包含大写字母、小写字母、数字、符号中的三种" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/*
 * A wrong 原密码 counts as a failed login of the account: whoever holds a
 * session someone left open may not try passwords on it to keep the account
 * (the security probe: 31 tries, no lock). At login_max_failures the account
 * locks as a login's would, and every session of it ends, this one too.
 * Called inside the transaction; ends it.
 */
static enum perr
old_password_wrong(struct req *r, const char *tok)
{
	struct actor who = req_actor(r);
	PGresult *res;
	char until[32];
	bool locked;
	enum perr e;

	if ((e = db_run(&st[AUTH_FAIL], &res, 4, DB_I(r->s.user_id), DB_I(conf.login_max_failures),
	    DB_I(conf.login_lock_min), DB_S(r->ip))) != PERR_OK)
		goto fail;
	locked = db_bool(res, 0, 0);
	copy(until, sizeof(until), db_str(res, 0, 1));
	PQclear(res);
	if (locked && ((e = session_end_others(r->s.user_id, tok)) != PERR_OK ||
	    (e = session_end(tok)) != PERR_OK ||
	    (e = audit(&who, "login_locked", "user", r->s.user_id, NULL)) != PERR_OK))
		goto fail;
	if ((e = db_commit()) != PERR_OK)
		goto fail;
	if (locked)
		return req_fail(r, PERR_LOCKED, NULL, "原密码连续输错 %d 次，账号已锁定 %d 分钟，"
		    "请于 %s 后重新登录", conf.login_max_failures, conf.login_lock_min, until);
	return req_fail(r, PERR_INVALID_FIELD, "old", "原密码不正确");
fail:
	db_rollback();
	return e;
}

enum perr
h_password(struct req *r)
{
	const char *old = r->f[PW_OLD].s, *nw = r->f[PW_NEW].s;
	char hash[256], tok[33];
	PGresult *res = NULL;
	enum perr e;

	if (strcmp(old, nw) == 0)
		return req_fail(r, PERR_INVALID_FIELD, "new", "新密码不能与原密码相同");
	if (!session_cookie(req_param(r, "HTTP_COOKIE"), tok))
		return PERR_UNAUTHORIZED;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[AUTH_HASH_GET], &res, 1, DB_I(r->s.user_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1 || !auth_verify(old, db_str(res, 0, 0))) {
		PQclear(res);
		res = NULL;
		return old_password_wrong(r, tok);
	}
	PQclear(res);
	res = NULL;
	if ((e = auth_hash(nw, hash, sizeof(hash))) != PERR_OK ||
	    (e = db_run(&st[AUTH_PW_SET], NULL, 2, DB_I(r->s.user_id), DB_S(hash))) != PERR_OK ||
	    (e = session_end_others(r->s.user_id, tok)) != PERR_OK ||
	    (e = req_audit(r, "password_change", "user", r->s.user_id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}
