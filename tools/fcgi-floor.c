/*
 * fcgi-floor: the bare FastCGI + PostgreSQL programs `make bench` measures the
 * portal against (scripts/bench.sh), behind the same nginx, in the same run.
 * No pipeline, no declared fields, no cJSON, no metrics, no logs: libfcgi,
 * libpq and snprintf, each statement prepared once. What a request costs here
 * is the least a program answering the same question with the same SQL can
 * cost on this machine; the bench's ratio is the portal's rate over this one.
 *
 *   fcgi-floor 'host=… dbname=zcps user=portal_unit'
 *
 * One program, four modes chosen by the path:
 *   /bench/hello   no database: the FastCGI round trip through nginx
 *   /bench/select  the session of the cookie and its user, one primary-key-ish
 *                  select: what GET /api/<role>/me needs
 *   /bench/list    the session, then one worklist page of the session's
 *                  organisation (waiting, by arrival; ?after=<key>~<id> as the
 *                  portal hands it out) in the portal's SQL, and the tabs' counts
 *   /bench/move    POST ?id=<application>&step=<n>: the session, then one
 *                  chain_write() (sql/012) that passes the application, in one
 *                  statement (its own transaction); no gate is looked at
 * A mode that fails answers 500 (no session: 401; a move refused: 409).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

int main(int, char **);

static PGconn *db;

enum { Q_SESSION, Q_PAGE, Q_COUNTS, Q_MOVE, Q__MAX };

static const struct {
	const char *name, *sql;
} q[Q__MAX] = {
	[Q_SESSION] = { "f_session",
	    "SELECT u.id, u.username, u.name, u.role, coalesce(u.mobile, ''), s.csrf,"
	    " coalesce(u.org_id, 0)"
	    " FROM session s CROSS JOIN LATERAL (SELECT id, username, name, role, mobile,"
	    "  org_id FROM app_user WHERE id = s.user_id OFFSET 0) u"
	    " WHERE s.token_hash = $1::bytea AND s.ended_at IS NULL"
	    " AND s.last_seen > now() - interval '30 minutes'" },
	/* the portal's worklist page (lib/review.c, waiting, by arrival): the
	 * desk's index range of the organisation and its rows' applications (the
	 * reference tables' and the units' names are the programs'). The
	 * LIMIT is a parameter there too: with LIMIT 21 written in, at a million
	 * applications (17 rows an organisation on average) the generic plan
	 * became hash joins and a sort, 5 s a page for the unit of 180 000 */
	[Q_PAGE] = { "f_page",
	    "SELECT a.id, d.applicant_name, d.applicant_idcard, a.unit_org_id, a.plan_id,"
	    " a.pipeline_id,"
	    " coalesce(a.category, ''), coalesce(a.method, ''), a.step_seq,"
	    " a.current_org_id = d.org_id AND a.state = 'in_review', a.state,"
	    " to_char(d.arrived_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),"
	    " (SELECT n FROM workday_ordinal WHERE day = current_date),"
	    " a.paid_at IS NOT NULL,"
	    " a.snapshot_no, a.snapshot_changed,"
	    " coalesce(d.action, ''), '', a.region_id, (SELECT n FROM ref_version),"
	    " to_char(d.arrived_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
	    " FROM desk d JOIN application a ON a.id = d.application_id"
	    " WHERE d.org_id = $1 AND d.decided_at IS NULL"
	    " AND (d.arrived_at, d.application_id) > ($2::timestamptz, $3::bigint)"
	    " ORDER BY d.arrived_at, d.application_id LIMIT $4::int" },
	[Q_COUNTS] = { "f_counts",
	    "SELECT coalesce(sum(waiting), 0), coalesce(sum(decided), 0)"
	    " FROM desk_tally WHERE org_id = $1" },
	[Q_MOVE] = { "f_move",
	    "SELECT to_step, to_state FROM chain_write($1, 'pass', $2::int, $3, $4, '同意',"
	    " NULL, 'unit', '127.0.0.1')" },
};

static int
connect_db(const char *conninfo)
{
	int i;

	db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "fcgi-floor: %s", PQerrorMessage(db));
		return -1;
	}
	for (i = 0; i < Q__MAX; i++) {
		PGresult *r = PQprepare(db, q[i].name, q[i].sql, 0, NULL);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

		if (!ok)
			fprintf(stderr, "fcgi-floor: %s: %s", q[i].name, PQresultErrorMessage(r));
		PQclear(r);
		if (!ok)
			return -1;
	}
	return 0;
}

static PGresult *
run(int i, int n, const char *const *v)
{
	PGresult *r = PQexecPrepared(db, q[i].name, n, v, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return NULL;
	}
	return r;
}

/* A JSON string of s (quotes included) at the end of buf[*o..n). */
static void
jstr(char *buf, size_t n, size_t *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	if (*o + 2 >= n)
		return;
	buf[(*o)++] = '"';
	for (; *s != '\0' && *o + 8 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf[(*o)++] = '\\';
			buf[(*o)++] = (char)c;
		} else if (c < 0x20) {
			memcpy(buf + *o, "\\u00", 4);
			buf[*o + 4] = hex[c >> 4];
			buf[*o + 5] = hex[c & 15];
			*o += 6;
		} else
			buf[(*o)++] = (char)c;
	}
	buf[(*o)++] = '"';
	buf[*o] = '\0';
}

static void
add(char *buf, size_t n, size_t *o, const char *fmt, const char *a)
{
	int k = snprintf(buf + *o, n - *o, fmt, a);

	if (k > 0 && (size_t)k < n - *o)
		*o += (size_t)k;
}

/* The reply with the headers the portal sends on every answer (lib/http.c):
 * a program answering the same must send them, and nginx reads them all. */
static void
reply(FCGX_Request *r, int status, const char *body)
{
	char head[512];
	int n = snprintf(head, sizeof(head), "Status: %d\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
	    "Content-Length: %zu\r\n\r\n", status, strlen(body));

	FCGX_PutStr(head, n, r->out);
	FCGX_PutS(body, r->out);
}

/* The cookie's sid (32 hex digits) into tok, or 0. */
static int
cookie_sid(const char *c, char tok[33])
{
	const char *p = c ? strstr(c, "sid=") : NULL;

	if (p == NULL || strspn(p + 4, "0123456789abcdef") < 32)
		return 0;
	memcpy(tok, p + 4, 32);
	tok[32] = '\0';
	return 1;
}

/* The value of key in a query string, %-decoded into out, or 0. */
static int
query(const char *qs, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key), o = 0;
	const char *p = qs;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			for (p += kl + 1; *p != '\0' && *p != '&' && o + 1 < n; p++) {
				if (*p == '%' && p[1] != '\0' && p[2] != '\0') {
					char h[3] = { p[1], p[2], 0 };

					out[o++] = (char)strtol(h, NULL, 16);
					p += 2;
				} else
					out[o++] = *p == '+' ? ' ' : *p;
			}
			out[o] = '\0';
			return 1;
		}
		p = strchr(p, '&');
		if (p != NULL)
			p++;
	}
	return 0;
}

static void
m_select(FCGX_Request *r, PGresult *s)
{
	char buf[2048];
	size_t o = 0;

	add(buf, sizeof(buf), &o, "{\"user\":{\"id\":%s,\"username\":", PQgetvalue(s, 0, 0));
	jstr(buf, sizeof(buf), &o, PQgetvalue(s, 0, 1));
	add(buf, sizeof(buf), &o, "%s", ",\"name\":");
	jstr(buf, sizeof(buf), &o, PQgetvalue(s, 0, 2));
	add(buf, sizeof(buf), &o, "%s", ",\"role\":");
	jstr(buf, sizeof(buf), &o, PQgetvalue(s, 0, 3));
	add(buf, sizeof(buf), &o, "%s", ",\"mobile\":");
	jstr(buf, sizeof(buf), &o, PQgetvalue(s, 0, 4));
	add(buf, sizeof(buf), &o, "%s", "},\"org\":null,\"csrf\":");
	jstr(buf, sizeof(buf), &o, PQgetvalue(s, 0, 5));
	add(buf, sizeof(buf), &o, "%s", "}");
	reply(r, 200, buf);
}

static void
m_list(FCGX_Request *r, PGresult *s)
{
	/* the unit, plan, pipeline, region and today's working-day ordinal as the
	 * statement gives them (the portal looks up their names: lib/refnames.c) */
	static const char *const key[] = { "id", "applicant", "idcard", "unit", "plan",
	    "pipeline", "category", "method", "step", "mine", "state", "arrived_on",
	    "today", "paid", "submissions", "changed", "decision", "decided_at", "region" };
	const char *qs = FCGX_GetParam("QUERY_STRING", r->envp), *org = PQgetvalue(s, 0, 6);
	char after[128] = "", k[100] = "-infinity", id[24] = "0", buf[16384];
	const char *v[4] = { org, k, id, "21" };
	PGresult *p, *c;
	size_t o = 0;
	int i, j, n;

	if (query(qs, "after", after, sizeof(after)) && strrchr(after, '~') != NULL) {
		char *t = strrchr(after, '~');

		*t = '\0';
		snprintf(k, sizeof(k), "%s", after);
		snprintf(id, sizeof(id), "%s", t + 1);
	}
	if ((p = run(Q_PAGE, 4, v)) == NULL || (c = run(Q_COUNTS, 1, v)) == NULL) {
		PQclear(p);
		reply(r, 500, "{\"error\":\"page\"}");
		return;
	}
	n = PQntuples(p) > 20 ? 20 : PQntuples(p);
	add(buf, sizeof(buf), &o, "%s", "{\"items\":[");
	for (i = 0; i < n; i++) {
		add(buf, sizeof(buf), &o, "%s", i ? ",{" : "{");
		for (j = 0; j < 19; j++) {
			const char *x = PQgetvalue(p, i, j);

			add(buf, sizeof(buf), &o, j ? ",\"%s\":" : "\"%s\":", key[j]);
			if (j == 0 || j == 3 || j == 4 || j == 5 || j == 8 || j == 12 || j == 14 || j == 18)
				add(buf, sizeof(buf), &o, "%s", PQgetisnull(p, i, j) ? "null" : x);
			else if (j == 9 || j == 13 || j == 15)
				add(buf, sizeof(buf), &o, "%s", x[0] == 't' ? "true" : "false");
			else if (j == 2) {
				char m[40];

				snprintf(m, sizeof(m), "%.4s**********%s", x,
				    strlen(x) > 4 ? x + strlen(x) - 4 : "");
				jstr(buf, sizeof(buf), &o, m);
			} else
				jstr(buf, sizeof(buf), &o, x);
		}
		add(buf, sizeof(buf), &o, "%s", "}");
	}
	add(buf, sizeof(buf), &o, "%s", "],\"next\":");
	if (PQntuples(p) > 20) {
		char cur[160];

		snprintf(cur, sizeof(cur), "%s~%s", PQgetvalue(p, 19, 20), PQgetvalue(p, 19, 0));
		jstr(buf, sizeof(buf), &o, cur);
	} else
		add(buf, sizeof(buf), &o, "%s", "null");
	add(buf, sizeof(buf), &o, ",\"counts\":{\"waiting\":%s", PQgetvalue(c, 0, 0));
	add(buf, sizeof(buf), &o, ",\"decided\":%s}}", PQgetvalue(c, 0, 1));
	PQclear(p);
	PQclear(c);
	reply(r, 200, buf);
}

static void
m_move(FCGX_Request *r, PGresult *s)
{
	const char *qs = FCGX_GetParam("QUERY_STRING", r->envp);
	char app[24], step[8], body[128];
	const char *v[4] = { app, step, PQgetvalue(s, 0, 0), PQgetvalue(s, 0, 6) };
	PGresult *m;

	if (!query(qs, "id", app, sizeof(app)) || !query(qs, "step", step, sizeof(step))) {
		reply(r, 400, "{\"error\":\"id, step\"}");
		return;
	}
	if ((m = run(Q_MOVE, 4, v)) == NULL) {
		reply(r, 409, "{\"error\":\"conflict\"}");
		return;
	}
	snprintf(body, sizeof(body), "{\"ok\":true,\"state\":\"%s\",\"step\":%s}",
	    PQgetvalue(m, 0, 1), PQgetvalue(m, 0, 0));
	PQclear(m);
	reply(r, 200, body);
}

static void
handle(FCGX_Request *r)
{
	const char *uri = FCGX_GetParam("DOCUMENT_URI", r->envp);
	static const char hex[] = "0123456789abcdef";
	static EVP_MD *md;
	static EVP_MD_CTX *ctx;
	unsigned char d[SHA256_DIGEST_LENGTH];
	char tok[33], h[2 + 2 * SHA256_DIGEST_LENGTH + 1] = "\\x";
	const char *v[1] = { h };
	PGresult *s;
	size_t i;

	if (uri == NULL || strncmp(uri, "/bench/", 7) != 0) {
		reply(r, 404, "{\"error\":\"not_found\"}");
		return;
	}
	uri += 7;
	if (strcmp(uri, "hello") == 0) {
		reply(r, 200, "{\"ok\":true}");
		return;
	}
	if (!cookie_sid(FCGX_GetParam("HTTP_COOKIE", r->envp), tok)) {
		reply(r, 401, "{\"error\":\"unauthorized\"}");
		return;
	}
	/* its SHA-256 as bytea's text, as the portal hands it (lib/session.c:
	 * the algorithm fetched once, one digest context) */
	if (md == NULL)
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (ctx == NULL)
		ctx = EVP_MD_CTX_new();
	if (md == NULL || ctx == NULL || !EVP_DigestInit_ex2(ctx, md, NULL) ||
	    !EVP_DigestUpdate(ctx, tok, strlen(tok)) || !EVP_DigestFinal_ex(ctx, d, NULL))
		SHA256((const unsigned char *)tok, strlen(tok), d);
	for (i = 0; i < sizeof(d); i++) {
		h[2 + 2 * i] = hex[d[i] >> 4];
		h[3 + 2 * i] = hex[d[i] & 15];
	}
	h[2 + 2 * sizeof(d)] = '\0';
	if ((s = run(Q_SESSION, 1, v)) == NULL || PQntuples(s) != 1) {
		PQclear(s);
		reply(r, s == NULL ? 500 : 401, "{\"error\":\"session\"}");
		return;
	}
	if (strcmp(uri, "select") == 0)
		m_select(r, s);
	else if (strcmp(uri, "list") == 0)
		m_list(r, s);
	else if (strcmp(uri, "move") == 0)
		m_move(r, s);
	else
		reply(r, 404, "{\"error\":\"not_found\"}");
	PQclear(s);
}

int
main(int argc, char **argv)
{
	FCGX_Request r;

	if (argc != 2) {
		fprintf(stderr, "usage: %s conninfo\n", argv[0]);
		return 2;
	}
	if (connect_db(argv[1]) != 0)
		return 1;
	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		handle(&r);
		/* as the portal's programs (lib/http.c, finish()): a request without
		 * a body is closed at once, not after libfcgi's wait for nginx to
		 * close its end first */
		if (FCGX_GetChar(r.in) == EOF && FCGX_GetError(r.in) == 0)
			(void)FCGX_Detach(&r);
		FCGX_Finish_r(&r);
	}
	PQfinish(db);
	return 0;
}
