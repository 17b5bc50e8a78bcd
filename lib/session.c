/*
 * session.c: sessions stored in PostgreSQL, below the request pipeline
 * (http.c looks a session up before any handler runs; the login and logout
 * handlers in auth.c, above the pipeline, start and end them).
 *
 * The cookie holds 128 random bits; the database keeps only their SHA-256,
 * so a copy of the session table cannot be replayed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "portal.h"

enum { SS_NEW, SS_GET, SS_END, SS_PURGE, SS_OTHERS_END, SS__MAX };

static struct db_stmt st[SS__MAX] = {
	[SS_NEW] = { "session_new",
	    "INSERT INTO session (token_hash, user_id, role, csrf, ip)"
	    " VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4, $5)", 0 },
	/* last_seen is written at most once a minute, so that most requests
	 * are read-only and cost no WAL flush; idle expiry is exact to a minute. */
	[SS_GET] = { "session_get",
	    "WITH s AS ("
	    " SELECT s.id, s.user_id, s.csrf, s.last_seen, s.created_at FROM session s"
	    " WHERE s.token_hash = sha256(convert_to($1, 'UTF8')) AND s.role = $2"
	    " AND s.ended_at IS NULL"
	    " AND s.last_seen > now() - make_interval(mins => $3::int)"
	    " AND s.created_at > now() - make_interval(hours => $4::int)), "
	    "touch AS (UPDATE session SET last_seen = now() FROM s"
	    " WHERE session.id = s.id AND s.last_seen < now() - interval '1 minute') "
	    "SELECT u.id, coalesce(u.org_id, 0), u.role, u.name, u.username,"
	    " coalesce(u.mobile, ''), s.csrf, coalesce(o.name, ''), coalesce(o.kind, ''),"
	    " coalesce(CASE WHEN r.level = 'city' THEN k.city_name ELSE k.name END, ''),"
	    " coalesce(r.name, ''), coalesce(o.status, ''), u.is_org_admin,"
	    /* seconds this session has left: idle from the last_seen the touch
	     * leaves behind, and in any case until its absolute end */
	    " least(extract(epoch FROM CASE WHEN s.last_seen < now() - interval '1 minute'"
	    "   THEN now() ELSE s.last_seen END + make_interval(mins => $3::int) - now()),"
	    "  extract(epoch FROM s.created_at + make_interval(hours => $4::int) - now()))::int,"
	    " extract(epoch FROM s.created_at + make_interval(hours => $4::int) - now())::int,"
	    " u.kind = 'committee_member' "
	    "FROM s JOIN app_user u ON u.id = s.user_id AND u.role = $2 AND u.disabled_at IS NULL"
	    " LEFT JOIN org o ON o.id = u.org_id"
	    " LEFT JOIN org_kind k ON k.code = o.kind"
	    " LEFT JOIN region r ON r.id = o.region_id", 0 },
	[SS_END] = { "session_end",
	    "UPDATE session SET ended_at = now()"
	    " WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND ended_at IS NULL", 0 },
	[SS_PURGE] = { "session_purge",
	    "DELETE FROM session WHERE user_id = $1 AND (ended_at IS NOT NULL"
	    " OR last_seen < now() - make_interval(mins => $2::int)"
	    " OR created_at < now() - make_interval(hours => $3::int))", 0 },
	[SS_OTHERS_END] = { "session_others_end",
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
random_hex(char *out, size_t nbytes)
{
	unsigned char b[64];
	size_t i;

	if (nbytes > sizeof(b) || getrandom(b, nbytes, 0) != (ssize_t)nbytes)
		return PERR_INTERNAL;
	for (i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	explicit_bzero(b, sizeof(b));
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

bool
session_cookie(const char *c, char tok[33])
{
	const char *p;

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

enum perr
session_lookup(const char *tok, const char *role, struct session *s)
{
	PGresult *res;
	enum perr e;

	e = db_run(&st[SS_GET], &res, 4, DB_S(tok), DB_S(role), DB_I(conf.session_idle_min),
	    DB_I(conf.session_abs_hours));
	if (e != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return PERR_UNAUTHORIZED;
	}
	memset(s, 0, sizeof(*s));
	s->user_id = db_int(res, 0, 0);
	s->org_id = db_int(res, 0, 1);
	copy(s->role, sizeof(s->role), db_str(res, 0, 2));
	copy(s->name, sizeof(s->name), db_str(res, 0, 3));
	copy(s->username, sizeof(s->username), db_str(res, 0, 4));
	copy(s->mobile, sizeof(s->mobile), db_str(res, 0, 5));
	copy(s->csrf, sizeof(s->csrf), db_str(res, 0, 6));
	copy(s->org_name, sizeof(s->org_name), db_str(res, 0, 7));
	copy(s->org_kind, sizeof(s->org_kind), db_str(res, 0, 8));
	copy(s->org_kind_name, sizeof(s->org_kind_name), db_str(res, 0, 9));
	copy(s->org_region, sizeof(s->org_region), db_str(res, 0, 10));
	copy(s->org_status, sizeof(s->org_status), db_str(res, 0, 11));
	s->org_admin = db_bool(res, 0, 12);
	s->idle_left = db_int(res, 0, 13);
	s->abs_left = db_int(res, 0, 14);
	s->member = db_bool(res, 0, 15);
	PQclear(res);
	return PERR_OK;
}

enum perr
session_start(long long user_id, const char *role, const char *ip, char tok[33])
{
	char csrf[33];
	enum perr e;

	if ((e = random_hex(tok, 16)) != PERR_OK || (e = random_hex(csrf, 16)) != PERR_OK)
		return e;
	/* a person's ended and expired sessions go when they log in again */
	if ((e = db_run(&st[SS_PURGE], NULL, 3, DB_I(user_id), DB_I(conf.session_idle_min),
	    DB_I(conf.session_abs_hours))) != PERR_OK)
		return e;
	return db_run(&st[SS_NEW], NULL, 5, DB_S(tok), DB_I(user_id), DB_S(role), DB_S(csrf),
	    DB_S(ip));
}

enum perr
session_end(const char *tok)
{
	return db_run(&st[SS_END], NULL, 1, DB_S(tok));
}

enum perr
session_end_others(long long user_id, const char *keep_tok)
{
	return db_run(&st[SS_OTHERS_END], NULL, 2, DB_I(user_id), DB_S(keep_tok));
}
