/*
 * auth.c: passwords (libxcrypt yescrypt), login with throttling, sessions
 * stored in PostgreSQL, and the handlers every program shares
 * (health, login, logout, me, password).
 *
 * The cookie holds 128 random bits; the database keeps only their SHA-256,
 * so a copy of the session table cannot be replayed.
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
	AUTH_PURGE,
	AUTH_SESSION_NEW,
	AUTH_SESSION_GET,
	AUTH_SESSION_END,
	AUTH_HASH_GET,
	AUTH_PW_SET,
	AUTH_OTHERS_END,
	AUTH__MAX
};

#define LOCAL_TIME(x) "to_char(" x " AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"

static struct db_stmt st[AUTH__MAX] = {
	[AUTH_PING] = { "auth_ping", "SELECT 1", 0 },
	[AUTH_USER_LOCK] = { "auth_user_lock",
	    "SELECT id, password_hash, coalesce(locked_until > now(), false), "
	    LOCAL_TIME("locked_until")
	    " FROM app_user WHERE username = $1 AND role = $2 FOR UPDATE", 0 },
	[AUTH_FAIL] = { "auth_fail",
	    "UPDATE app_user SET "
	    " locked_until = CASE WHEN failed_logins + 1 >= $2::int"
	    "   THEN now() + make_interval(mins => $3::int) ELSE locked_until END,"
	    " failed_logins = CASE WHEN failed_logins + 1 >= $2::int THEN 0"
	    "   ELSE failed_logins + 1 END "
	    "WHERE id = $1 RETURNING coalesce(locked_until > now(), false), "
	    LOCAL_TIME("locked_until") ", failed_logins", 0 },
	[AUTH_OK] = { "auth_ok",
	    "UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $1", 0 },
	[AUTH_PURGE] = { "auth_purge",
	    "DELETE FROM session WHERE user_id = $1 AND (ended_at IS NOT NULL"
	    " OR last_seen < now() - make_interval(mins => $2::int)"
	    " OR created_at < now() - make_interval(hours => $3::int))", 0 },
	[AUTH_SESSION_NEW] = { "auth_session_new",
	    "INSERT INTO session (token_hash, user_id, role, csrf, ip)"
	    " VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4, $5)", 0 },
	/* last_seen is written at most once a minute, so that most requests
	 * are read-only and cost no WAL flush; idle expiry is exact to a minute. */
	[AUTH_SESSION_GET] = { "auth_session_get",
	    "WITH s AS ("
	    " SELECT s.id, s.user_id, s.csrf, s.last_seen FROM session s"
	    " WHERE s.token_hash = sha256(convert_to($1, 'UTF8')) AND s.role = $2"
	    " AND s.ended_at IS NULL"
	    " AND s.last_seen > now() - make_interval(mins => $3::int)"
	    " AND s.created_at > now() - make_interval(hours => $4::int)), "
	    "touch AS (UPDATE session SET last_seen = now() FROM s"
	    " WHERE session.id = s.id AND s.last_seen < now() - interval '1 minute') "
	    "SELECT u.id, coalesce(u.org_id, 0), u.role, u.name, u.username,"
	    " coalesce(u.mobile, ''), s.csrf, coalesce(o.name, ''), coalesce(o.kind, ''),"
	    " coalesce(CASE WHEN r.level = 'city' THEN k.city_name ELSE k.name END, ''),"
	    " coalesce(r.name, '') "
	    "FROM s JOIN app_user u ON u.id = s.user_id AND u.role = $2"
	    " LEFT JOIN org o ON o.id = u.org_id"
	    " LEFT JOIN org_kind k ON k.code = o.kind"
	    " LEFT JOIN region r ON r.id = o.region_id", 0 },
	[AUTH_SESSION_END] = { "auth_session_end",
	    "UPDATE session SET ended_at = now()"
	    " WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND ended_at IS NULL", 0 },
	[AUTH_HASH_GET] = { "auth_hash_get",
	    "SELECT password_hash FROM app_user WHERE id = $1 FOR UPDATE", 0 },
	[AUTH_PW_SET] = { "auth_pw_set",
	    "UPDATE app_user SET password_hash = $2, password_changed_at = now()"
	    " WHERE id = $1", 0 },
	[AUTH_OTHERS_END] = { "auth_others_end",
	    "UPDATE session SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL"
	    " AND token_hash <> sha256(convert_to($2, 'UTF8'))", 0 },
};

bool
ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

enum perr
auth_hash(const char *pw, char *out, size_t outsz)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	enum perr e = PERR_INTERNAL;

	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
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

/* 128 random bits as 32 lower-case hex digits. */
static enum perr
random_token(char out[33])
{
	unsigned char b[16];
	size_t i;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return PERR_INTERNAL;
	for (i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return PERR_OK;
}

static bool
is_token(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[n] == '\0' || s[n] == ';' || s[n] == ' ';
}

/* The "sid" cookie of this request, copied into tok; false when absent. */
static bool
cookie_token(const struct req *r, char tok[33])
{
	const char *c = req_param(r, "HTTP_COOKIE"), *p;

	if (c == NULL || strlen(c) > 8192)
		return false;
	for (p = c; (p = strstr(p, "sid=")) != NULL; p += 4) {
		if (p != c && p[-1] != ' ' && p[-1] != ';')
			continue;
		if (strlen(p + 4) < 32 || !is_token(p + 4, 32))
			return false;
		memcpy(tok, p + 4, 32);
		tok[32] = '\0';
		return true;
	}
	return false;
}

static void
copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Looks up a live session by token for this program's role and fills r->s. */
static enum perr
session_load(struct req *r, const char *tok)
{
	PGresult *res;
	char idle[16], abs_h[16];
	enum perr e;

	snprintf(idle, sizeof(idle), "%d", conf.session_idle_min);
	snprintf(abs_h, sizeof(abs_h), "%d", conf.session_abs_hours);
	e = db_exec(&st[AUTH_SESSION_GET], &res, 4, tok, portal_role(), idle, abs_h);
	if (e != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_UNAUTHORIZED, NULL, "登录已过期，请重新登录");
	}
	r->s.user_id = db_int(res, 0, 0);
	r->s.org_id = db_int(res, 0, 1);
	copy(r->s.role, sizeof(r->s.role), db_str(res, 0, 2));
	copy(r->s.name, sizeof(r->s.name), db_str(res, 0, 3));
	copy(r->s.username, sizeof(r->s.username), db_str(res, 0, 4));
	copy(r->s.mobile, sizeof(r->s.mobile), db_str(res, 0, 5));
	copy(r->s.csrf, sizeof(r->s.csrf), db_str(res, 0, 6));
	copy(r->s.org_name, sizeof(r->s.org_name), db_str(res, 0, 7));
	copy(r->s.org_kind, sizeof(r->s.org_kind), db_str(res, 0, 8));
	copy(r->s.org_kind_name, sizeof(r->s.org_kind_name), db_str(res, 0, 9));
	copy(r->s.org_region, sizeof(r->s.org_region), db_str(res, 0, 10));
	r->has_session = true;
	PQclear(res);
	return PERR_OK;
}

enum perr
auth_session(struct req *r)
{
	char tok[33];

	if (!cookie_token(r, tok))
		return req_fail(r, PERR_UNAUTHORIZED, NULL, "请先登录");
	return session_load(r, tok);
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
	cJSON *out = req_out(r), *u, *o;
	char masked[64];

	u = cJSON_AddObjectToObject(out, "user");
	cJSON_AddNumberToObject(u, "id", (double)r->s.user_id);
	cJSON_AddStringToObject(u, "username", strcmp(r->s.role, "applicant") == 0 ?
	    mask_id(r->s.username, masked, sizeof(masked)) : r->s.username);
	cJSON_AddStringToObject(u, "name", r->s.name);
	cJSON_AddStringToObject(u, "role", r->s.role);
	cJSON_AddStringToObject(u, "mobile", mask_mobile(r->s.mobile, masked, sizeof(masked)));
	if (r->s.org_id != 0) {
		o = cJSON_AddObjectToObject(out, "org");
		cJSON_AddNumberToObject(o, "id", (double)r->s.org_id);
		cJSON_AddStringToObject(o, "name", r->s.org_name);
		cJSON_AddStringToObject(o, "kind", r->s.org_kind);
		cJSON_AddStringToObject(o, "kind_name", r->s.org_kind_name);
		cJSON_AddStringToObject(o, "region", r->s.org_region);
	} else
		cJSON_AddNullToObject(out, "org");
	cJSON_AddStringToObject(out, "csrf", r->s.csrf);
}

const struct field login_fields[] = {
	{ "username", "用户名", F_STR, true, 1, 64, NULL, NULL },
	{ "password", "密码", F_STR, true, 1, 128, NULL, NULL },
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
	return req_fail(r, PERR_UNAUTHORIZED, "password",
	    "用户名或密码错误（连续输错 %d 次，账号将被锁定 %d 分钟）",
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

enum perr
h_login(struct req *r)
{
	const char *pw = r->f[1].s, *username;
	char namebuf[24];
	PGresult *res = NULL;
	char tok[33], csrf[33], idbuf[24], maxf[16], lockm[16], purge_i[16], purge_h[16];
	char masked[64];
	long long uid;
	cJSON *d;
	enum perr e;

	username = login_name(r->f[0].s, namebuf, sizeof(namebuf));
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_exec(&st[AUTH_USER_LOCK], &res, 2, username, portal_role())) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback();
		dummy_verify(pw);
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "username", mask_id(username, masked, sizeof(masked)));
		(void)audit(r, 0, "login_unknown_user", "user", 0, d);
		cJSON_Delete(d);
		return login_refused(r);
	}
	uid = db_int(res, 0, 0);
	snprintf(idbuf, sizeof(idbuf), "%lld", uid);
	if (db_bool(res, 0, 2)) {
		char until[32];

		copy(until, sizeof(until), db_str(res, 0, 3));
		PQclear(res);
		db_rollback();
		return req_fail(r, PERR_LOCKED, NULL,
		    "密码连续输错 %d 次，账号已锁定，请于 %s 后再试",
		    conf.login_max_failures, until);
	}
	if (!auth_verify(pw, db_str(res, 0, 1))) {
		PQclear(res);
		snprintf(maxf, sizeof(maxf), "%d", conf.login_max_failures);
		snprintf(lockm, sizeof(lockm), "%d", conf.login_lock_min);
		if ((e = db_exec(&st[AUTH_FAIL], &res, 3, idbuf, maxf, lockm)) != PERR_OK)
			goto fail;
		if (db_bool(res, 0, 0)) {
			char until[32];

			copy(until, sizeof(until), db_str(res, 0, 1));
			PQclear(res);
			if ((e = audit(r, uid, "login_locked", "user", uid, NULL)) != PERR_OK ||
			    (e = db_commit()) != PERR_OK)
				goto fail;
			return req_fail(r, PERR_LOCKED, NULL,
			    "密码连续输错 %d 次，账号已锁定 %d 分钟，请于 %s 后再试",
			    conf.login_max_failures, conf.login_lock_min, until);
		} else {
			PQclear(res);
			if ((e = audit(r, uid, "login_failed", "user", uid, NULL)) != PERR_OK ||
			    (e = db_commit()) != PERR_OK)
				goto fail;
			return login_refused(r);
		}
	}
	PQclear(res);
	res = NULL;
	snprintf(purge_i, sizeof(purge_i), "%d", conf.session_idle_min);
	snprintf(purge_h, sizeof(purge_h), "%d", conf.session_abs_hours);
	if ((e = random_token(tok)) != PERR_OK || (e = random_token(csrf)) != PERR_OK)
		goto fail;
	if ((e = db_exec(&st[AUTH_OK], NULL, 1, idbuf)) != PERR_OK ||
	    (e = db_exec(&st[AUTH_PURGE], NULL, 3, idbuf, purge_i, purge_h)) != PERR_OK ||
	    (e = db_exec(&st[AUTH_SESSION_NEW], NULL, 5, tok, idbuf, portal_role(),
	    csrf, r->ip)) != PERR_OK ||
	    (e = session_load(r, tok)) != PERR_OK ||
	    (e = audit(r, uid, "login", "user", uid, NULL)) != PERR_OK ||
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

	if (!cookie_token(r, tok))
		return PERR_UNAUTHORIZED;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_exec(&st[AUTH_SESSION_END], NULL, 1, tok)) != PERR_OK ||
	    (e = audit(r, 0, "logout", "user", r->s.user_id, NULL)) != PERR_OK ||
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
	enum perr e = db_exec(&st[AUTH_PING], NULL, 0);

	if (e != PERR_OK)
		return req_fail(r, PERR_UNAVAILABLE, NULL, "数据库暂时无法访问");
	return PERR_OK;
}

const struct field password_fields[] = {
	{ "old", "原密码", F_STR, true, 1, 128, NULL, NULL },
	{ "new", "新密码", F_STR, true, 8, 128, valid_password,
	  "新密码须为 8 至 128 位，并至少包含大写字母、小写字母、数字、符号中的三种" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_password(struct req *r)
{
	const char *old = r->f[0].s, *nw = r->f[1].s;
	char hash[256], idbuf[24], tok[33];
	PGresult *res = NULL;
	enum perr e;

	if (strcmp(old, nw) == 0)
		return req_fail(r, PERR_INVALID_FIELD, "new", "新密码不能与原密码相同");
	if (!cookie_token(r, tok))
		return PERR_UNAUTHORIZED;
	snprintf(idbuf, sizeof(idbuf), "%lld", r->s.user_id);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_exec(&st[AUTH_HASH_GET], &res, 1, idbuf)) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1 || !auth_verify(old, db_str(res, 0, 0))) {
		PQclear(res);
		db_rollback();
		return req_fail(r, PERR_INVALID_FIELD, "old", "原密码不正确");
	}
	PQclear(res);
	res = NULL;
	if ((e = auth_hash(nw, hash, sizeof(hash))) != PERR_OK ||
	    (e = db_exec(&st[AUTH_PW_SET], NULL, 2, idbuf, hash)) != PERR_OK ||
	    (e = db_exec(&st[AUTH_OTHERS_END], NULL, 2, idbuf, tok)) != PERR_OK ||
	    (e = audit(r, 0, "password_change", "user", r->s.user_id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}
