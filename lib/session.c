/*
 * session.c: sessions stored in PostgreSQL, below the request pipeline
 * (http.c looks a session up before any handler runs; the login and logout
 * handlers in auth.c, above the pipeline, start and end them).
 *
 * The cookie holds 128 random bits; the database keeps only their SHA-256,
 * so a copy of the session table cannot be replayed. The hash is the
 * program's (OpenSSL), handed to the statements as a bytea: PostgreSQL's
 * sha256() set up a digest context of its own at every request (~10 µs of
 * the session's lookup, pgbench). OpenSSL 3's one-shot SHA256() looks the
 * algorithm up in its providers at every call (EVP_MD_fetch: 4.6 % of a
 * detail page's program time, the hash 7.5 %), so a worker fetches it once
 * and keeps one digest context.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "portal.h"

enum { SS_NEW, SS_GET, SS_GET_PERSON, SS_CHECK, SS_CHECK_PERSON, SS_TOUCH, SS_END, SS_PURGE,
	SS_OTHERS_END, SS__MAX };

/* What a request is allowed by: the session, its person and their
 * organisation (org: five columns of its name, kind, kind's name, region and
 * status). */
#define SS_WHO(org) \
	"s.id, u.id, coalesce(u.org_id, 0), u.role, u.name, u.username," \
	" coalesce(u.mobile, ''), s.csrf, " org ", u.is_org_admin," \
	" u.kind = 'committee_member', u.must_change_password"
#define SS_ORG \
	"coalesce(o.name, ''), coalesce(o.kind, '')," \
	" coalesce(CASE WHEN r.level = 'city' THEN k.city_name ELSE k.name END, '')," \
	" coalesce(r.name, ''), coalesce(o.status, '')"
#define SS_ORG_JOINS \
	" LEFT JOIN org o ON o.id = u.org_id" \
	" LEFT JOIN org_kind k ON k.code = o.kind" \
	" LEFT JOIN region r ON r.id = o.region_id"
#define SS_NO_ORG "'', '', '', '', ''"
/* How long ago the session was last seen and began, in seconds. */
#define SS_AGES \
	"extract(epoch FROM now() - s.last_seen)::int, extract(epoch FROM now() - s.created_at)::int"
/* The user is read in a LATERAL subquery the planner may not fold into a
 * join (OFFSET 0): for the one session row found by its hash, by the user's
 * primary key, whatever the statistics say. As a plain join, with the
 * session table analysed while it held five rows, its generic plan had become
 * a merge join walking every user in id order: 50 ms a request at 100 000
 * applicants. */
#define SS_FROM(joins) \
	" FROM session s CROSS JOIN LATERAL (SELECT id, org_id, role, name, username, mobile," \
	"  is_org_admin, kind, must_change_password FROM app_user WHERE id = s.user_id" \
	"  AND role = $2 AND disabled_at IS NULL OFFSET 0) u" joins \
	" WHERE s.token_hash = $1::bytea AND s.role = $2" \
	" AND s.ended_at IS NULL" \
	" AND s.last_seen > now() - make_interval(mins => $3::int)" \
	" AND s.created_at > now() - make_interval(hours => $4::int)"
/* The lookup: a read-only select, planned once, that every request not
 * served from a kept session runs. The ages let the caller touch last_seen
 * at most once a minute (most requests then cost no write and no WAL flush;
 * idle expiry is exact to a minute) and count what is left itself. */
#define SS_GET_SQL(org, joins) "SELECT " SS_WHO(org) ", " SS_AGES SS_FROM(joins)
/* The check of a kept session, one row always: its first value is of the
 * domain session_same (sql/035), which refuses false, so that it fails, and
 * the statements after it in the round trip with it, when the session ended,
 * expired, or what the lookup read is no longer so ($5 to $17: the kept
 * person, organisation and flags, compared one by one; a digest of them cost
 * the backend more than the comparisons, ~15 us, pgbench). */
#define SS_CHECK_SQL(org, joins) \
	"SELECT coalesce(bool_and((u.id, coalesce(u.org_id, 0), u.name, u.username," \
	" coalesce(u.mobile, ''), " org ", u.is_org_admin, u.kind = 'committee_member'," \
	" u.must_change_password) = ($5::bigint, $6::bigint, $7::text, $8::text, $9::text," \
	" $10::text, $11::text, $12::text, $13::text, $14::text, $15::bool, $16::bool," \
	" $17::bool)), false)::session_same, max(s.id)," \
	" max(extract(epoch FROM now() - s.last_seen)::int)," \
	" max(extract(epoch FROM now() - s.created_at)::int)" SS_FROM(joins)

static struct db_stmt st[SS__MAX] = {
	[SS_NEW] = { "session_new",
	    "INSERT INTO session (token_hash, user_id, role, csrf, ip)"
	    " VALUES ($1::bytea, $2, $3, $4, $5)", 0 },
	[SS_GET] = { "session_get", SS_GET_SQL(SS_ORG, SS_ORG_JOINS), 0 },
	/* the same for an applicant, who belongs to no organisation (app_user's
	 * check): the applicant program's every request, without the joins that
	 * find nothing (they cost it a third of its database time) */
	[SS_GET_PERSON] = { "session_get_person", SS_GET_SQL(SS_NO_ORG, ""), 0 },
	[SS_CHECK] = { "session_check", SS_CHECK_SQL(SS_ORG, SS_ORG_JOINS), 0 },
	[SS_CHECK_PERSON] = { "session_check_person", SS_CHECK_SQL(SS_NO_ORG, ""), 0 },
	[SS_TOUCH] = { "session_touch",
	    "UPDATE session SET last_seen = now()"
	    " WHERE id = $1 AND last_seen < now() - interval '1 minute'", 0 },
	[SS_END] = { "session_end",
	    "UPDATE session SET ended_at = now()"
	    " WHERE token_hash = $1::bytea AND ended_at IS NULL", 0 },
	[SS_PURGE] = { "session_purge",
	    "DELETE FROM session WHERE user_id = $1 AND (ended_at IS NOT NULL"
	    " OR last_seen < now() - make_interval(mins => $2::int)"
	    " OR created_at < now() - make_interval(hours => $3::int))", 0 },
	[SS_OTHERS_END] = { "session_others_end",
	    "UPDATE session SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL"
	    " AND token_hash <> $2::bytea", 0 },
};

/* n bytes as 2n lower-case hex digits and a NUL */
static void
to_hex(char *out, const unsigned char *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

enum { HASH_TEXT = 2 + 2 * SHA256_DIGEST_LENGTH + 1 };

/* SHA-256 of n bytes at p into d, with the algorithm fetched once; OpenSSL's
 * one-shot SHA256() when that cannot be had */
static void
sha256(const void *p, size_t n, unsigned char d[SHA256_DIGEST_LENGTH])
{
	static EVP_MD *md;
	static EVP_MD_CTX *ctx;

	if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA256", NULL)) != NULL &&
	    (ctx = EVP_MD_CTX_new()) == NULL) {
		EVP_MD_free(md);
		md = NULL;
	}
	if (md == NULL || !EVP_DigestInit_ex2(ctx, md, NULL) || !EVP_DigestUpdate(ctx, p, n) ||
	    !EVP_DigestFinal_ex(ctx, d, NULL))
		SHA256(p, n, d);
}

/* A token's SHA-256 into d, and as bytea's text into out: "\\x" and 64 hex
 * digits; returns out. */
static const char *
token_hash(const char *tok, unsigned char d[SHA256_DIGEST_LENGTH], char out[HASH_TEXT])
{
	sha256(tok, strlen(tok), d);
	out[0] = '\\';
	out[1] = 'x';
	to_hex(out + 2, d, SHA256_DIGEST_LENGTH);
	return out;
}

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

	if (nbytes > sizeof(b) || getrandom(b, nbytes, 0) != (ssize_t)nbytes)
		return PERR_INTERNAL;
	to_hex(out, b, nbytes);
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

/* src (NULL: "") into dst; false when it was cut to fit. */
static bool
copy(char *dst, size_t n, const char *src)
{
	return (size_t)snprintf(dst, n, "%s", src ? src : "") < n;
}

/* Seconds left: until the absolute end, and until the idle timeout from
 * last_seen, never beyond the absolute end. */
static void
ages(struct session *s, long long seen, long long age)
{
	s->abs_left = (long long)conf.session_abs_hours * 3600 - age;
	s->idle_left = (long long)conf.session_idle_min * 60 - seen;
	if (s->idle_left > s->abs_left)
		s->idle_left = s->abs_left;
}

/*
 * The sessions this worker has looked up, by their token's hash (never the
 * token), one a slot: a GET of one of them does not wait for a lookup of its
 * own. Its handler's first round trip carries session_check ahead of its
 * statements (db_guard(), pipeline mode): the session is the database's
 * still, live and unchanged, or nothing of the request runs and http.c
 * serves it again after a lookup. What is kept is therefore never trusted
 * alone; it saves a round trip, not a check.
 */
#define KEPT 64
static struct kept {
	unsigned char hash[SHA256_DIGEST_LENGTH];
	char role[16];
	struct session s;
} kept[KEPT];

static struct kept *
kept_slot(const unsigned char *hash)
{
	return &kept[hash[0] % KEPT];
}

/* The id of the kept session whose check found its last_seen over a minute
 * old: session_settle() touches it. */
static char touch_due[24];

/* A kept session's check went through: its seconds left are the database's. */
static void
checked(const PGresult *res, void *arg)
{
	struct session *s = arg;
	long long seen = db_int(res, 0, 2);

	/* this request is activity: session_settle() moves last_seen to now */
	if (seen >= 60) {
		copy(touch_due, sizeof(touch_due), db_str(res, 0, 1));
		seen = 0;
	}
	ages(s, seen, db_int(res, 0, 3));
}

/* The kept session k's check as the guard of the request's first round trip. */
static void
check_kept(const struct kept *k, const char *hash, bool person, struct session *s)
{
	char n[4][24];
	const char *p[17] = { hash, k->role, n[0], n[1], n[2], n[3], k->s.name, k->s.username,
	    k->s.mobile, k->s.org_name, k->s.org_kind, k->s.org_kind_name, k->s.org_region,
	    k->s.org_status, k->s.org_admin ? "t" : "f", k->s.member ? "t" : "f",
	    k->s.must_change_password ? "t" : "f" };

	snprintf(n[0], sizeof(n[0]), "%d", conf.session_idle_min);
	snprintf(n[1], sizeof(n[1]), "%d", conf.session_abs_hours);
	snprintf(n[2], sizeof(n[2]), "%lld", k->s.user_id);
	snprintf(n[3], sizeof(n[3]), "%lld", k->s.org_id);
	*s = k->s;
	db_guard(&st[person ? SS_CHECK_PERSON : SS_CHECK], NITEMS(p), p, checked, s);
}

enum perr
session_lookup(const char *tok, const char *role, struct session *s, bool kept_ok)
{
	bool person = strcmp(role, "applicant") == 0, whole = true;
	unsigned char d[SHA256_DIGEST_LENGTH];
	struct kept *k;
	PGresult *res;
	long long seen;
	enum perr e;
	char h[HASH_TEXT];

	token_hash(tok, d, h);
	k = kept_slot(d);
	touch_due[0] = '\0';
	if (kept_ok && memcmp(k->hash, d, sizeof(d)) == 0 && strcmp(k->role, role) == 0) {
		check_kept(k, h, person, s);
		return PERR_OK;
	}
	memset(k, 0, sizeof(*k));
	e = db_run(&st[person ? SS_GET_PERSON : SS_GET], &res, 4, DB_S(h), DB_S(role),
	    DB_I(conf.session_idle_min), DB_I(conf.session_abs_hours));
	if (e != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return PERR_UNAUTHORIZED;
	}
	memset(s, 0, sizeof(*s));
	s->user_id = db_int(res, 0, 1);
	s->org_id = db_int(res, 0, 2);
	whole &= copy(s->role, sizeof(s->role), db_str(res, 0, 3));
	whole &= copy(s->name, sizeof(s->name), db_str(res, 0, 4));
	whole &= copy(s->username, sizeof(s->username), db_str(res, 0, 5));
	whole &= copy(s->mobile, sizeof(s->mobile), db_str(res, 0, 6));
	whole &= copy(s->csrf, sizeof(s->csrf), db_str(res, 0, 7));
	whole &= copy(s->org_name, sizeof(s->org_name), db_str(res, 0, 8));
	whole &= copy(s->org_kind, sizeof(s->org_kind), db_str(res, 0, 9));
	whole &= copy(s->org_kind_name, sizeof(s->org_kind_name), db_str(res, 0, 10));
	whole &= copy(s->org_region, sizeof(s->org_region), db_str(res, 0, 11));
	whole &= copy(s->org_status, sizeof(s->org_status), db_str(res, 0, 12));
	s->org_admin = db_bool(res, 0, 13);
	s->member = db_bool(res, 0, 14);
	s->must_change_password = db_bool(res, 0, 15);
	seen = db_int(res, 0, 16);
	/* this request is activity: a last_seen over a minute old moves to now */
	if (seen >= 60) {
		if ((e = db_run(&st[SS_TOUCH], NULL, 1, DB_S(db_str(res, 0, 0)))) != PERR_OK) {
			PQclear(res);
			return e;
		}
		seen = 0;
	}
	ages(s, seen, db_int(res, 0, 17));
	PQclear(res);
	/* kept only whole: a value cut to fit would never compare equal */
	if (whole) {
		memcpy(k->hash, d, sizeof(d));
		copy(k->role, sizeof(k->role), role);
		k->s = *s;
	}
	return PERR_OK;
}

enum perr
session_settle(void)
{
	enum perr e = db_guard_flush();
	char id[24];

	copy(id, sizeof(id), touch_due);
	touch_due[0] = '\0';
	if (e != PERR_OK || id[0] == '\0')
		return e;
	return db_run(&st[SS_TOUCH], NULL, 1, DB_S(id));
}

enum perr
session_start(long long user_id, const char *role, const char *ip, char tok[33])
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	char csrf[33], h[HASH_TEXT];
	enum perr e;

	if ((e = random_hex(tok, 16)) != PERR_OK || (e = random_hex(csrf, 16)) != PERR_OK)
		return e;
	/* a person's ended and expired sessions go when they log in again */
	if ((e = db_run(&st[SS_PURGE], NULL, 3, DB_I(user_id), DB_I(conf.session_idle_min),
	    DB_I(conf.session_abs_hours))) != PERR_OK)
		return e;
	return db_run(&st[SS_NEW], NULL, 5, DB_S(token_hash(tok, d, h)), DB_I(user_id), DB_S(role),
	    DB_S(csrf), DB_S(ip));
}

enum perr
session_end(const char *tok)
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	char h[HASH_TEXT];

	token_hash(tok, d, h);
	if (memcmp(kept_slot(d)->hash, d, sizeof(d)) == 0)
		memset(kept_slot(d), 0, sizeof(struct kept));
	return db_run(&st[SS_END], NULL, 1, DB_S(h));
}

enum perr
session_end_others(long long user_id, const char *keep_tok)
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	char h[HASH_TEXT];

	return db_run(&st[SS_OTHERS_END], NULL, 2, DB_I(user_id),
	    DB_S(token_hash(keep_tok, d, h)));
}
