/*
 * db.c: the worker's one PostgreSQL connection.
 *
 * Statements live in per-module tables (struct db_stmt) and are prepared
 * lazily, once per connection: each remembers the connection generation it
 * was prepared on, and a reconnect bumps the generation.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "metrics.h"

#define DB_MAX_PARAMS 24

static PGconn *conn;
static char *conninfo_saved;
static unsigned gen = 1;
static bool in_tx;
static const char *tx_where;
static char last_state[6];
/* the message of a rule the database stated for the user (SQLSTATE class ZC) */
static char rule_msg[256];

static const char *oneline(const char *, char *, size_t);
static enum perr guarded(struct db_stmt *, PGresult **, int, const char *const *);

/*
 * The guard (db_guard()): one statement the request's next round trip sends
 * ahead of its own calls, in the same pipeline, so that when it fails they do
 * not run (pipeline mode skips everything after a failure up to the sync). A
 * session this worker kept is checked so: a GET's first trip is one, not two.
 */
#define GUARD_PARAMS 20
static struct {
	struct db_stmt *st;		/* NULL: none pending */
	int n;
	const char *params[GUARD_PARAMS];
	char text[2048];		/* the parameters' copies, one after the other */
	void (*done)(const PGresult *, void *);
	void *arg;
	bool failed;
} guard;


const char *
db_sqlstate(void)
{
	return last_state;
}

bool
db_take_message(char *buf, size_t bufsz)
{
	bool had = rule_msg[0] != '\0';

	if (buf != NULL && bufsz > 0)
		snprintf(buf, bufsz, "%s", rule_msg);
	rule_msg[0] = '\0';
	return had;
}

/* Keeps the primary message of a ZC error, cut at a character boundary. */
static void
keep_rule_message(const PGresult *r)
{
	const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	size_t n;

	snprintf(rule_msg, sizeof(rule_msg), "%s", m ? m : "");
	n = strlen(rule_msg);
	if (m != NULL && strlen(m) > n) {
		while (n > 0 && ((unsigned char)rule_msg[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)rule_msg[n - 1] & 0x80))
			n--;	/* the lead byte of the cut character */
		rule_msg[n] = '\0';
	}
}

bool
db_in_tx(void)
{
	return in_tx;
}

enum perr
db_connect(const char *conninfo)
{
	if (conninfo != NULL) {
		free(conninfo_saved);
		if ((conninfo_saved = strdup(conninfo)) == NULL)
			return PERR_INTERNAL;
	}
	if (conn != NULL)
		PQfinish(conn);
	conn = PQconnectdb(conninfo_saved);
	gen++;
	in_tx = false;
	if (conninfo == NULL)
		metrics_db_reconnect(PQstatus(conn) == CONNECTION_OK);
	if (PQstatus(conn) != CONNECTION_OK) {
		char b[256];

		log_err("msg=\"database connection failed\" detail=\"%s\"",
		    oneline(PQerrorMessage(conn), b, sizeof(b)));
		return PERR_UNAVAILABLE;
	}
	return PERR_OK;
}

void
db_close(void)
{
	if (conn != NULL)
		PQfinish(conn);
	conn = NULL;
	free(conninfo_saved);
	conninfo_saved = NULL;
}

/* First line of a libpq message, for one-line logs. */
static const char *
oneline(const char *m, char *buf, size_t bufsz)
{
	size_t n = strcspn(m, "\n");

	if (n >= bufsz)
		n = bufsz - 1;
	memcpy(buf, m, n);
	buf[n] = '\0';
	return buf;
}

static void
remember_state(const PGresult *r)
{
	const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	snprintf(last_state, sizeof(last_state), "%s", s ? s : "");
}

/* Whether the last statement failed for the service, not the request: the
 * server out of room or memory (class 53), shut down, crashed or still
 * recovering (57P01-57P03), the connection lost (class 08 but 08P01, a
 * protocol violation: ours): a 503, to try again later. A cancelled query
 * (57014, the statement timeout) stays a 500. */
static bool
state_unavailable(void)
{
	return strncmp(last_state, "53", 2) == 0 || strcmp(last_state, "57P01") == 0 ||
	    strcmp(last_state, "57P02") == 0 || strcmp(last_state, "57P03") == 0 ||
	    (strncmp(last_state, "08", 2) == 0 && strcmp(last_state, "08P01") != 0);
}

/* Prepares st on the current connection if not done yet. */
static bool
prepare(struct db_stmt *st)
{
	PGresult *r;
	bool ok;

	if (st->gen == gen)
		return true;
	r = PQprepare(conn, st->name, st->sql, 0, NULL);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		remember_state(r);
		char b[256];

		log_err("msg=\"prepare failed\" stmt=%s detail=\"%s\"", st->name,
		    oneline(PQresultErrorMessage(r), b, sizeof(b)));
	} else
		st->gen = gen;
	PQclear(r);
	return ok;
}

/* The error of a failed statement's result r (the connection alive), and
 * its log line: class 22 (a value that does not convert: a date, base64…)
 * comes from input that slipped past validation, a 400, not a 500; class ZC
 * is a rule of the portal the database checks (e.g. the holiday calendar does
 * not cover a year), worded in Chinese for the user: a 409 gate carrying that
 * message; a unique violation, a serialization failure or a deadlock a 409, and
 * so a row referred to that another request deleted meanwhile (or a row still
 * referred to that another request added meanwhile: a foreign key's 23503);
 * the database out of room, going away or gone (state_unavailable()) a 503. */
static enum perr
failed(const struct db_stmt *st, const PGresult *r)
{
	const char *name = st->name ? st->name : "(unnamed)";
	char b[256];

	remember_state(r);
	if (strncmp(last_state, "22", 2) == 0) {
		log_warn("msg=\"data exception\" stmt=%s sqlstate=%s detail=\"%s\"", name, last_state,
		    oneline(PQresultErrorMessage(r), b, sizeof(b)));
		return PERR_INVALID_FIELD;
	}
	if (strncmp(last_state, "ZC", 2) == 0) {
		keep_rule_message(r);
		log_warn("msg=\"rule refused\" stmt=%s sqlstate=%s", name, last_state);
		return PERR_GATE;
	}
	if (strcmp(last_state, "23505") == 0 || strcmp(last_state, "40001") == 0 ||
	    strcmp(last_state, "40P01") == 0)
		return PERR_CONFLICT;
	if (strcmp(last_state, "23503") == 0) {
		log_warn("msg=\"referred row changed\" stmt=%s sqlstate=%s", name, last_state);
		return PERR_CONFLICT;
	}
	if (state_unavailable()) {
		log_err("msg=\"database unavailable\" stmt=%s sqlstate=%s detail=\"%s\"", name,
		    last_state, oneline(PQresultErrorMessage(r), b, sizeof(b)));
		return PERR_UNAVAILABLE;
	}
	log_err("msg=\"statement failed\" stmt=%s sqlstate=%s detail=\"%s\"", name, last_state,
	    oneline(PQresultErrorMessage(r), b, sizeof(b)));
	return PERR_INTERNAL;
}

enum perr
db_execv(struct db_stmt *st, PGresult **res, int n, const char *const *params)
{
	PGresult *r;
	ExecStatusType s;
	enum perr e;
	int attempt;

	if (res != NULL)
		*res = NULL;
	if (guard.failed)
		return PERR_UNAUTHORIZED;
	if (guard.st != NULL)
		return guarded(st, res, n, params);
	last_state[0] = '\0';
	rule_msg[0] = '\0';
	for (attempt = 0; attempt < 2; attempt++) {
		/* A lost connection is re-made once, never inside a transaction
		 * (its earlier statements are gone with the old connection). */
		if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
			if (in_tx || db_connect(NULL) != PERR_OK)
				return PERR_UNAVAILABLE;
		}
		if (st->name != NULL && !prepare(st)) {
			if (PQstatus(conn) != CONNECTION_OK && !in_tx)
				continue;
			return PQstatus(conn) == CONNECTION_OK && !state_unavailable() ?
			    PERR_INTERNAL : PERR_UNAVAILABLE;
		}
		r = st->name != NULL ? PQexecPrepared(conn, st->name, n, params, NULL, NULL, 0) :
		    PQexecParams(conn, st->sql, n, NULL, params, NULL, NULL, 0);
		s = PQresultStatus(r);
		if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
			if (res != NULL)
				*res = r;
			else
				PQclear(r);
			return PERR_OK;
		}
		if (PQstatus(conn) != CONNECTION_OK) {
			remember_state(r);
			PQclear(r);
			log_warn("msg=\"database connection lost\" stmt=%s",
			    st->name ? st->name : "(unnamed)");
			if (in_tx)
				return PERR_UNAVAILABLE;
			continue;	/* reconnect and try once more */
		}
		e = failed(st, r);
		PQclear(r);
		return e;
	}
	return PERR_UNAVAILABLE;
}

enum perr
db_exec(struct db_stmt *st, PGresult **res, int n, ...)
{
	const char *params[DB_MAX_PARAMS];
	va_list ap;
	int i;

	if (n < 0 || n > DB_MAX_PARAMS)
		return PERR_INTERNAL;
	va_start(ap, n);
	for (i = 0; i < n; i++)
		params[i] = va_arg(ap, const char *);
	va_end(ap);
	return db_execv(st, res, n, params);
}

/* The text of n struct dbv arguments into params, numbers formatted in nums. */
static void
dbv_params(int n, va_list ap, const char **params, char nums[][24])
{
	int i;

	for (i = 0; i < n; i++) {
		struct dbv v = va_arg(ap, struct dbv);

		if (v.t == 'i') {
			snprintf(nums[i], sizeof(nums[i]), "%lld", v.i);
			params[i] = nums[i];
		} else
			params[i] = v.s;
	}
}

enum perr
db_run(struct db_stmt *st, PGresult **res, int n, ...)
{
	const char *params[DB_MAX_PARAMS];
	char nums[DB_MAX_PARAMS][24];
	va_list ap;

	if (n < 0 || n > DB_MAX_PARAMS)
		return PERR_INTERNAL;
	va_start(ap, n);
	dbv_params(n, ap, params, nums);
	va_end(ap);
	return db_execv(st, res, n, params);
}

/*
 * Statements in one round trip, libpq's pipeline mode: sent together, one
 * sync after the last, the results read in order. A move is two such trips
 * instead of four (BEGIN with its first statement, its last with COMMIT), and
 * the rows it locks are held for less time (the next move of the same day
 * waits on its tally row for this one's COMMIT, not for this worker to be
 * scheduled again to send it); a page's reads are one trip instead of one a
 * statement. A statement not yet prepared on this connection is prepared in
 * the same trip. When one fails, those after it are not run (a transaction
 * the pipeline opened stays open, aborted, for the caller to roll back; a
 * failed COMMIT ends it), and every result is let go.
 */
enum call_kind { CALL_BEGIN, CALL_PREPARE, CALL_STMT, CALL_COMMIT };
struct call {
	enum call_kind kind;
	struct db_stmt *st;
	int n;
	const char *const *params;
	PGresult **res;		/* CALL_STMT: where its result goes (NULL: let go) */
};

/* A connection to send on, made anew if it was lost outside a transaction
 * (before the calls are listed: a new connection has nothing prepared). */
static bool
ready(void)
{
	return (conn != NULL && PQstatus(conn) == CONNECTION_OK) ||
	    (!in_tx && db_connect(NULL) == PERR_OK);
}

/* Appends st to c, after its PREPARE when neither this connection nor an
 * earlier call of c has it (c has room for both: the callers' arrays). */
static void
call_add(struct call *c, int *k, struct db_stmt *st, int n, const char *const *params,
    PGresult **res)
{
	bool prepared = st->name == NULL || st->gen == gen;
	int i;

	for (i = 0; i < *k && !prepared; i++)
		prepared = c[i].kind == CALL_PREPARE && c[i].st == st;
	if (!prepared)
		c[(*k)++] = (struct call){ CALL_PREPARE, st, 0, NULL, NULL };
	c[(*k)++] = (struct call){ CALL_STMT, st, n, params, res };
}

static int
call_send(const struct call *c)
{
	switch (c->kind) {
	case CALL_BEGIN:
		return PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
	case CALL_COMMIT:
		return PQsendQueryParams(conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
	case CALL_PREPARE:
		return PQsendPrepare(conn, c->st->name, c->st->sql, 0, NULL);
	case CALL_STMT:
		return c->st->name != NULL ?
		    PQsendQueryPrepared(conn, c->st->name, c->n, c->params, NULL, NULL, 0) :
		    PQsendQueryParams(conn, c->st->sql, c->n, NULL, c->params, NULL, NULL, 0);
	}
	return 0;
}

static void
calls_clear(const struct call *c, int k)
{
	int i;

	for (i = 0; i < k; i++)
		if (c[i].kind == CALL_STMT && c[i].res != NULL) {
			PQclear(*c[i].res);
			*c[i].res = NULL;
		}
}

void
db_guard(struct db_stmt *st, int n, const char *const *params,
    void (*done)(const PGresult *, void *), void *arg)
{
	size_t used = 0, len;
	int i;

	memset(&guard, 0, sizeof(guard));
	if (n < 0 || n > GUARD_PARAMS) {
		guard.failed = true;	/* fail closed: the caller looks it up anew */
		return;
	}
	for (i = 0; i < n; i++) {
		if (params[i] == NULL || (len = strlen(params[i])) >= sizeof(guard.text) - used) {
			guard.failed = true;
			return;
		}
		memcpy(guard.text + used, params[i], len + 1);
		guard.params[i] = guard.text + used;
		used += len + 1;
	}
	guard.st = st;
	guard.n = n;
	guard.done = done;
	guard.arg = arg;
}

void
db_guard_clear(void)
{
	memset(&guard, 0, sizeof(guard));
}

static enum perr
pipelined(const struct call *cs, int ks)
{
	struct call c[2 + 2 * DB_BATCH_MAX];
	PGresult *r;
	enum perr e = PERR_OK;
	const char *name = "(pipeline)";
	int i, k = 0, g = -1, g0 = -1, sent;

	/* the guard first (its PREPARE too, if this connection lacks it): calls
	 * g0 to g */
	if (guard.st != NULL) {
		g0 = k;
		call_add(c, &k, guard.st, guard.n, guard.params, NULL);
		g = k - 1;
	}
	if (ks < 0 || k + ks > (int)(sizeof(c) / sizeof(c[0])))
		return PERR_INTERNAL;
	if (ks > 0)
		memcpy(c + k, cs, (size_t)ks * sizeof(*cs));
	k += ks;
	for (i = 0; i < k; i++)
		if (c[i].kind == CALL_STMT && c[i].res != NULL)
			*c[i].res = NULL;
	last_state[0] = '\0';
	rule_msg[0] = '\0';
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		return PERR_UNAVAILABLE;
	if (PQenterPipelineMode(conn) != 1)
		return PERR_INTERNAL;
	for (i = 0, sent = 1; i < k && sent; i++)
		sent = call_send(&c[i]);
	sent = sent && PQpipelineSync(conn);
	/* the results in order, each followed by NULL, then the sync */
	for (i = 0; sent && i < k; i++) {
		ExecStatusType s;

		if ((r = PQgetResult(conn)) == NULL)
			break;
		s = PQresultStatus(r);
		if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
			if (c[i].kind == CALL_BEGIN)
				in_tx = true;
			else if (c[i].kind == CALL_PREPARE)
				c[i].st->gen = gen;
			else if (c[i].kind == CALL_COMMIT)
				in_tx = false;
			else if (i == g) {
				guard.st = NULL;
				if (guard.done != NULL)
					guard.done(r, guard.arg);
			} else if (c[i].res != NULL) {
				*c[i].res = r;
				r = NULL;
			}
		} else if (s != PGRES_PIPELINE_ABORTED && e == PERR_OK) {
			if (c[i].st != NULL && c[i].st->name != NULL)
				name = c[i].st->name;
			if (PQstatus(conn) != CONNECTION_OK) {
				remember_state(r);
				e = PERR_UNAVAILABLE;
			} else if (i >= g0 && i <= g) {
				/* what it guards is no longer so (or could not be
				 * checked): nothing more this request */
				remember_state(r);
				guard.st = NULL;
				guard.failed = true;
				e = PERR_UNAUTHORIZED;
				if (strcmp(last_state, "23514") != 0)
					(void)failed(c[i].st, r);	/* not its own refusal: logged */
			} else if (c[i].kind == CALL_COMMIT) {
				remember_state(r);
				in_tx = false;		/* a COMMIT that fails rolls back */
				log_err("msg=\"commit failed\" open_at=%s", tx_where ? tx_where : "?");
				e = state_unavailable() ? PERR_UNAVAILABLE : PERR_INTERNAL;
				if (strcmp(last_state, "40001") == 0)
					e = PERR_CONFLICT;
			} else if (c[i].kind == CALL_BEGIN) {
				remember_state(r);
				e = state_unavailable() ? PERR_UNAVAILABLE : PERR_INTERNAL;
			} else
				e = failed(c[i].st, r);
		}
		PQclear(r);
		while ((r = PQgetResult(conn)) != NULL)
			PQclear(r);
	}
	if (!sent || i < k || (r = PQgetResult(conn)) == NULL ||
	    PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
		/* the connection broke mid-way: what ran is unknown, it is gone */
		if (sent && i == k)
			PQclear(r);
		calls_clear(c, k);
		log_warn("msg=\"database connection lost\" stmt=%s", name);
		db_connect(NULL);
		return PERR_UNAVAILABLE;
	}
	PQclear(r);
	if (PQexitPipelineMode(conn) != 1) {
		char b[256];

		log_err("msg=\"pipeline not left\" detail=\"%s\"",
		    oneline(PQerrorMessage(conn), b, sizeof(b)));
		calls_clear(c, k);
		in_tx = false;
		db_connect(NULL);
		return PERR_UNAVAILABLE;
	}
	if (e != PERR_OK)
		calls_clear(c, k);
	return e;
}

enum perr
db_guard_flush(void)
{
	enum perr e;

	if (guard.failed)
		return PERR_UNAUTHORIZED;
	if (guard.st == NULL)
		return PERR_OK;
	if (!ready())
		return PERR_UNAVAILABLE;
	e = pipelined(NULL, 0);
	/* the connection may have died since the last request: once more, anew */
	if (e == PERR_UNAVAILABLE && !in_tx && ready())
		e = pipelined(NULL, 0);
	return e;
}

/* db_execv() of the request's first statement, with the guard ahead of it. */
static enum perr
guarded(struct db_stmt *st, PGresult **res, int n, const char *const *params)
{
	struct call c[2];
	enum perr e;
	int k = 0;

	if (!ready())
		return PERR_UNAVAILABLE;
	call_add(c, &k, st, n, params, res);
	e = pipelined(c, k);
	if (e == PERR_UNAVAILABLE && !in_tx && ready()) {
		k = 0;
		call_add(c, &k, st, n, params, res);
		e = pipelined(c, k);
	}
	return e;
}

/* The index of b's next entry, for st; -1 (and b refused) when it is full. */
static int
batch_next(struct db_batch *b, struct db_stmt *st, PGresult **res, int n)
{
	if (b->n < 0 || b->n >= DB_BATCH_MAX || n < 0 || n > DB_BATCH_PARAMS) {
		b->n = -1;	/* db_batch_run() refuses it */
		return -1;
	}
	b->c[b->n].st = st;
	b->c[b->n].res = res;
	b->c[b->n].n = n;
	if (res != NULL)
		*res = NULL;
	return b->n++;
}

void
db_batch_add(struct db_batch *b, struct db_stmt *st, PGresult **res, int n, ...)
{
	va_list ap;
	int i = batch_next(b, st, res, n);

	if (i < 0)
		return;
	va_start(ap, n);
	dbv_params(n, ap, b->c[i].params, b->c[i].nums);
	va_end(ap);
}

void
db_batch_addv(struct db_batch *b, struct db_stmt *st, PGresult **res, int n,
    const char *const *params)
{
	int i = batch_next(b, st, res, n);

	if (i >= 0)
		memcpy(b->c[i].params, params, (size_t)n * sizeof(*params));
}

/* The batch's calls, each prepared if not yet on this connection (c holds
 * a batch's DB_BATCH_MAX statements and as many PREPAREs). */
static int
batch_calls(const struct db_batch *b, struct call *c)
{
	int i, k = 0;

	for (i = 0; i < b->n; i++)
		call_add(c, &k, b->c[i].st, b->c[i].n, b->c[i].params, b->c[i].res);
	return k;
}

enum perr
db_batch_run(struct db_batch *b)
{
	struct call c[2 * DB_BATCH_MAX];
	enum perr e;
	int k;

	if (b->n <= 0 || b->n > DB_BATCH_MAX) {
		log_err("msg=\"statement batch refused\" n=%d", b->n);
		return PERR_INTERNAL;
	}
	if (guard.failed)
		return PERR_UNAUTHORIZED;
	if (!ready())
		return PERR_UNAVAILABLE;
	k = batch_calls(b, c);
	e = pipelined(c, k);
	/* the connection may have died since the last request: once more, anew */
	if (e == PERR_UNAVAILABLE && !in_tx && ready())
		e = pipelined(c, batch_calls(b, c));
	return e;
}

/* BEGIN or COMMIT around st, in one trip. */
static enum perr
wrapped(bool begin, struct db_stmt *st, PGresult **res, int n, const char *const *params,
    bool commit)
{
	struct call c[4];
	int k = 0;

	if (guard.failed)
		return PERR_UNAUTHORIZED;
	if (!ready())
		return PERR_UNAVAILABLE;
	if (begin)
		c[k++] = (struct call){ CALL_BEGIN, NULL, 0, NULL, NULL };
	call_add(c, &k, st, n, params, res);
	if (commit)
		c[k++] = (struct call){ CALL_COMMIT, NULL, 0, NULL, NULL };
	return pipelined(c, k);
}

enum perr
db_begin_run_at(const char *where, struct db_stmt *st, PGresult **res, int n, ...)
{
	const char *params[DB_MAX_PARAMS];
	char nums[DB_MAX_PARAMS][24];
	va_list ap;
	enum perr e;

	if (n < 0 || n > DB_MAX_PARAMS || st->name == NULL)
		return PERR_INTERNAL;
	if (in_tx) {
		log_err("msg=\"nested transaction refused\" where=%s open_at=%s",
		    where, tx_where ? tx_where : "?");
		return PERR_INTERNAL;
	}
	va_start(ap, n);
	dbv_params(n, ap, params, nums);
	va_end(ap);
	tx_where = where;
	e = wrapped(true, st, res, n, params, false);
	/* the connection may have died since the last request: once more, anew */
	if (e == PERR_UNAVAILABLE && !in_tx)
		e = wrapped(true, st, res, n, params, false);
	if (!in_tx)
		tx_where = NULL;
	return e;
}

enum perr
db_run_commit(struct db_stmt *st, PGresult **res, int n, ...)
{
	const char *params[DB_MAX_PARAMS];
	char nums[DB_MAX_PARAMS][24];
	va_list ap;
	enum perr e;

	if (n < 0 || n > DB_MAX_PARAMS || st->name == NULL || !in_tx)
		return PERR_INTERNAL;
	va_start(ap, n);
	dbv_params(n, ap, params, nums);
	va_end(ap);
	e = wrapped(false, st, res, n, params, true);
	if (!in_tx)
		tx_where = NULL;
	return e;
}

static enum perr
simple(const char *sql)
{
	PGresult *r;
	enum perr e = PERR_OK;

	if (conn == NULL)
		return PERR_UNAVAILABLE;
	r = PQexec(conn, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		remember_state(r);
		e = PQstatus(conn) == CONNECTION_OK && !state_unavailable() ? PERR_INTERNAL :
		    PERR_UNAVAILABLE;
		if (strcmp(last_state, "40001") == 0)
			e = PERR_CONFLICT;
	}
	PQclear(r);
	return e;
}

enum perr
db_begin_at(const char *where)
{
	enum perr e;

	if (in_tx) {
		log_err("msg=\"nested transaction refused\" where=%s open_at=%s",
		    where, tx_where ? tx_where : "?");
		return PERR_INTERNAL;
	}
	if ((e = db_guard_flush()) != PERR_OK)
		return e;
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		if (db_connect(NULL) != PERR_OK)
			return PERR_UNAVAILABLE;
	}
	if ((e = simple("BEGIN")) != PERR_OK) {
		/* The connection may have died since the last request. */
		if (PQstatus(conn) != CONNECTION_OK && db_connect(NULL) == PERR_OK)
			e = simple("BEGIN");
		if (e != PERR_OK)
			return e;
	}
	in_tx = true;
	tx_where = where;
	return PERR_OK;
}

enum perr
db_commit(void)
{
	enum perr e;

	if (!in_tx)
		return PERR_INTERNAL;
	e = simple("COMMIT");
	if (e != PERR_OK)
		log_err("msg=\"commit failed\" open_at=%s", tx_where);
	in_tx = false;
	tx_where = NULL;
	return e;
}

void
db_rollback(void)
{
	if (!in_tx)
		return;
	if (simple("ROLLBACK") != PERR_OK)
		log_warn("msg=\"rollback failed\" open_at=%s", tx_where);
	in_tx = false;
	tx_where = NULL;
}

const char *
db_str(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return PQgetvalue(r, row, col);
}

long long
db_int(const PGresult *r, int row, int col)
{
	const char *v;
	unsigned long long u = 0, lim;
	bool neg;

	if (PQgetisnull(r, row, col))
		return 0;
	/* the database's text of an integer: strtoll's answer for it, with
	 * none of its locale and base work (7 % of a worklist page's
	 * instructions); digits after a point are dropped, a value beyond
	 * the range is held at its end */
	v = PQgetvalue(r, row, col);
	neg = *v == '-';
	v += neg || *v == '+';
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; *v >= '0' && *v <= '9'; v++) {
		unsigned d = (unsigned)(*v - '0');

		if (u > (lim - d) / 10) {
			u = lim;
			break;
		}
		u = u * 10 + d;
	}
	if (neg)
		return u == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)u;
	return (long long)u;
}

bool
db_bool(const PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}
