/*
 * metrics.h: the program's counters (metrics.c), for the request loop
 * (http.c), the database connection (db.c) and the chain (chain.c). Internal
 * to lib/: the programs never count anything themselves.
 */
#ifndef METRICS_H
#define METRICS_H

#include "portal.h"

/* Route indexes beside those of the program's table. */
#define METRICS_UNMATCHED (-1)	/* no route: 404, 405, a path of another program */
#define METRICS_SELF (-2)	/* GET /metrics itself */

/* Finds this worker's slot: the pool's shared segment when the pool handed
 * one over (ZCPS_METRICS_* in the environment, tools/pool.c), else memory of
 * its own. Call once, before the first request. */
void metrics_init(const char *program, const struct route *routes, size_t nroutes);
/* The worker took a request (true) or finished it (false). */
void metrics_busy(bool busy);
/* One answered request: route index (or METRICS_UNMATCHED/SELF), method, the
 * HTTP status sent, the error (PERR_OK for none) and how long it took. */
void metrics_request(int route, enum method m, int status, enum perr e, double seconds);
/* A reconnect to the database (not the first connection), and whether it worked. */
void metrics_db_reconnect(bool ok);
/* A move of the chain that was tried: committed (done) or refused. */
void metrics_chain_move(enum chain_action a, bool done);
/* The Prometheus text of the whole program (every worker's slot), in *out
 * (malloc'd, *outlen bytes; the caller frees or hands it to req_raw). */
enum perr metrics_text(char **out, size_t *outlen);
/* Whether REMOTE_ADDR is a loopback address (127.0.0.0/8, ::1). */
bool metrics_loopback(const char *ip);

#endif
