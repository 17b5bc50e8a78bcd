/*
 * limit.c: attempts counted per address and hour, for what answers tell
 * something about others (registration says "已注册") or costs something
 * (an SMS code): at most so many an hour from one address, then 429.
 */
#include <stdio.h>

#include "portal.h"

enum { LM_LOCK, LM_PURGE, LM_COUNT, LM_ADD, LM__MAX };

static struct db_stmt st[LM__MAX] = {
	/* one address's attempts are counted one at a time */
	[LM_LOCK] = { "limit_lock",
	    "SELECT pg_advisory_xact_lock(hashtext($2 || ' ' || $1))", 0 },
	[LM_PURGE] = { "limit_purge",
	    "DELETE FROM register_attempt WHERE at < now() - interval '1 hour'", 0 },
	[LM_COUNT] = { "limit_count",
	    "SELECT count(*) FROM register_attempt WHERE ip = $1 AND what = $2"
	    " AND at >= now() - interval '1 hour'", 0 },
	[LM_ADD] = { "limit_add",
	    "INSERT INTO register_attempt (ip, what) VALUES ($1, $2)", 0 },
};

enum perr
limit_attempt(struct req *r, const char *what, const char *label, int max)
{
	PGresult *res = NULL;
	long long n;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[LM_LOCK], NULL, 2, DB_S(r->ip), DB_S(what))) != PERR_OK ||
	    (e = db_run(&st[LM_PURGE], NULL, 0)) != PERR_OK ||
	    (e = db_run(&st[LM_COUNT], &res, 2, DB_S(r->ip), DB_S(what))) != PERR_OK)
		goto fail;
	n = db_int(res, 0, 0);
	PQclear(res);
	res = NULL;
	if (n >= max) {
		db_rollback();
		log_warn("msg=\"attempt limit reached\" what=%s ip=%s attempts=%lld", what, r->ip, n);
		return req_fail(r, PERR_TOO_MANY, NULL, "本网络地址一小时内%s尝试已达 %d 次，请一小时后再试",
		    label, max);
	}
	if ((e = db_run(&st[LM_ADD], NULL, 2, DB_S(r->ip), DB_S(what))) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

enum perr
limit_reached(struct req *r, const char *what, int max, bool *reached)
{
	PGresult *res;
	enum perr e;

	*reached = false;
	if ((e = db_run(&st[LM_COUNT], &res, 2, DB_S(r->ip), DB_S(what))) != PERR_OK)
		return e;
	*reached = db_int(res, 0, 0) >= max;
	PQclear(res);
	if (*reached)
		log_warn("msg=\"attempt limit reached\" what=%s ip=%s", what, r->ip);
	return PERR_OK;
}
