/*
 * metrics.c: what an operator watches, in the Prometheus text format
 * (docs/operations.md): requests and errors per route and status, a latency
 * histogram per route, workers alive and busy, database reconnects, chain
 * moves per action.
 *
 * A program is several worker processes (tools/pool.c); a scrape reaches one
 * of them. So that it sees the whole program, the pool makes one shared
 * memory segment (memfd) with a slot per worker and hands it over in the
 * environment (ZCPS_METRICS_FD, _SLOT, _SLOTS, _SLOT_BYTES). Each worker
 * writes only its own slot; the worker that answers GET /metrics adds up
 * every slot. A worker that dies leaves its counts in its slot and its
 * replacement goes on from them, so the counters only grow for as long as the
 * pool lives (a restarted pool starts from zero: a counter reset, which
 * Prometheus's rate() takes in its stride). A worker started without a pool
 * counts in memory of its own.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

#define MAGIC 0x7a637073u		/* "zcps" */
#define ROUTES_MAX 120			/* of a program's table; more share the last */
#define NMETHOD 5			/* GET POST PUT DELETE other */
#define RX_UNMATCHED ROUTES_MAX		/* + method index */
#define RX_SELF (ROUTES_MAX + NMETHOD)
#define NROUTE (RX_SELF + 1)

static const int statuses[] = {
	200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422,
	423, 429, 500, 502, 503, 504,
};
#define NSTATUS (NITEMS(statuses) + 1)	/* the last: any other */

/* upper bounds of the latency buckets, seconds; the last bucket is +Inf */
static const double bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKET (NITEMS(bounds) + 1)

static const char *const methods[NMETHOD] = { "GET", "POST", "PUT", "DELETE", "OTHER" };

struct rstat {
	uint64_t status[NSTATUS];
	uint64_t error[PERR__MAX];
	uint64_t bucket[NBUCKET];	/* not cumulative here; the text is */
	uint64_t sum_us;
	uint64_t count;
};

struct slot {
	uint32_t magic;
	uint32_t pad;
	uint64_t layout;		/* slots of another build of the program are not added */
	int32_t pid;
	int32_t busy;
	uint64_t starts;
	uint64_t db_reconnects[2];	/* worked, failed */
	uint64_t chain[CHAIN__MAX][2];	/* done, refused */
	struct rstat route[NROUTE];
};

static struct slot *slots;		/* nslots of them, slot_bytes apart */
static size_t nslots = 1, slot_bytes = sizeof(struct slot), myslot;
static struct slot *me;
static bool mapped;			/* slots is the pool's segment, not our own memory */
static const char *prog = "";
static const struct route *table;
static size_t ntable;

static struct slot *
slot_at(size_t i)
{
	return (struct slot *)((char *)slots + i * slot_bytes);
}

static void
add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static uint64_t
get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* FNV-1a over the program, its routes and the slot's size. */
static uint64_t
layout_hash(void)
{
	uint64_t h = 1469598103934665603ull;
	size_t i, k;
	char buf[32];

#define MIX(s, n) for (k = 0; k < (n); k++) h = (h ^ (unsigned char)(s)[k]) * 1099511628211ull
	MIX(prog, strlen(prog));
	for (i = 0; i < ntable; i++) {
		snprintf(buf, sizeof(buf), "|%d ", (int)table[i].method);
		MIX(buf, strlen(buf));
		MIX(table[i].pattern, strlen(table[i].pattern));
	}
	snprintf(buf, sizeof(buf), "|%zu", sizeof(struct slot));
	MIX(buf, strlen(buf));
#undef MIX
	return h;
}

static long
env_long(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	return errno != 0 || *end != '\0' || n < 0 ? -1 : n;
}

/* The pool's segment, or NULL (then the worker counts alone). */
static struct slot *
shared_segment(void)
{
	long fd = env_long("ZCPS_METRICS_FD"), i = env_long("ZCPS_METRICS_SLOT");
	long n = env_long("ZCPS_METRICS_SLOTS"), bytes = env_long("ZCPS_METRICS_SLOT_BYTES");
	struct stat sb;
	void *p;

	if (fd < 0)
		return NULL;
	if (i < 0 || n < 1 || i >= n || bytes < (long)sizeof(struct slot) || bytes % 64 != 0 ||
	    fstat((int)fd, &sb) != 0 || sb.st_size < (off_t)n * bytes) {
		log_warn("msg=\"metrics segment unusable, counting this worker alone\""
		    " slot=%ld slots=%ld slot_bytes=%ld need=%zu", i, n, bytes, sizeof(struct slot));
		if (fd > 2)
			close((int)fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)n * (size_t)bytes, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	close((int)fd);
	if (p == MAP_FAILED) {
		log_warn("msg=\"metrics segment not mapped\" error=\"%s\"", strerror(errno));
		return NULL;
	}
	nslots = (size_t)n;
	slot_bytes = (size_t)bytes;
	myslot = (size_t)i;
	return p;
}

void
metrics_init(const char *program, const struct route *routes, size_t nroutes)
{
	uint64_t layout;

	prog = program;
	table = routes;
	ntable = nroutes;
	layout = layout_hash();
	/* once per process; again only in the unit tests */
	if (slots != NULL && mapped)
		munmap(slots, nslots * slot_bytes);
	else
		free(slots);
	me = NULL;
	mapped = (slots = shared_segment()) != NULL;
	if (!mapped) {
		nslots = 1;
		slot_bytes = sizeof(struct slot);
		myslot = 0;
		if ((slots = calloc(1, sizeof(struct slot))) == NULL)
			return;
	}
	me = slot_at(myslot);
	/* a slot of another build (the program was replaced under a running
	 * pool) starts again from zero */
	if (me->magic != MAGIC || me->layout != layout) {
		memset(me, 0, sizeof(*me));
		me->layout = layout;
		me->magic = MAGIC;
	}
	__atomic_store_n(&me->busy, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&me->pid, (int32_t)getpid(), __ATOMIC_RELAXED);
	add(&me->starts, 1);
}

void
metrics_busy(bool busy)
{
	if (me != NULL)
		__atomic_store_n(&me->busy, busy ? 1 : 0, __ATOMIC_RELAXED);
}

static size_t
method_ix(enum method m)
{
	switch (m) {
	case M_GET: return 0;
	case M_POST: return 1;
	case M_PUT: return 2;
	case M_DELETE: return 3;
	}
	return 4;
}

void
metrics_request(int route, enum method m, int status, enum perr e, double seconds)
{
	struct rstat *s;
	size_t i, rx;
	uint64_t us;

	if (me == NULL)
		return;
	if (route == METRICS_SELF)
		rx = RX_SELF;
	else if (route < 0)
		rx = RX_UNMATCHED + method_ix(m);
	else
		rx = (size_t)route < ROUTES_MAX ? (size_t)route : ROUTES_MAX - 1;
	s = &me->route[rx];
	for (i = 0; i < NITEMS(statuses) && statuses[i] != status; i++)
		;
	add(&s->status[i], 1);
	if (e != PERR_OK && e < PERR__MAX)
		add(&s->error[e], 1);
	for (i = 0; i < NITEMS(bounds) && seconds > bounds[i]; i++)
		;
	add(&s->bucket[i], 1);
	us = seconds > 0 ? (uint64_t)(seconds * 1e6 + 0.5) : 0;
	add(&s->sum_us, us);
	add(&s->count, 1);
}

void
metrics_db_reconnect(bool ok)
{
	if (me != NULL)
		add(&me->db_reconnects[ok ? 0 : 1], 1);
}

void
metrics_chain_move(enum chain_action a, bool done)
{
	if (me != NULL && a < CHAIN__MAX)
		add(&me->chain[a][done ? 0 : 1], 1);
}

bool
metrics_loopback(const char *ip)
{
	return ip != NULL && (strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	    strncmp(ip, "::ffff:127.", 11) == 0);
}

/* ---------- the text ---------- */

/* Every slot of this build added up into sum; counts the workers alive and
 * busy (the one answering is not busy for this purpose). */
static void
sum_slots(struct slot *sum, int *alive, int *busy)
{
	const uint64_t *src;
	uint64_t *dst = (uint64_t *)&sum->starts;
	size_t i, k, n = (sizeof(struct slot) - offsetof(struct slot, starts)) / sizeof(uint64_t);

	*alive = *busy = 0;
	for (i = 0; i < nslots; i++) {
		const struct slot *s = slot_at(i);
		int32_t pid = __atomic_load_n(&s->pid, __ATOMIC_RELAXED);

		if (s->magic != MAGIC || s->layout != me->layout)
			continue;
		src = (const uint64_t *)&s->starts;
		for (k = 0; k < n; k++)
			dst[k] += get(&src[k]);
		if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)) {
			(*alive)++;
			if (s != me && __atomic_load_n(&s->busy, __ATOMIC_RELAXED))
				(*busy)++;
		}
	}
}

static void
head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The labels every series of a route has: program, method, route. */
static void
route_labels(FILE *f, size_t rx)
{
	const char *m, *pattern;

	if (rx < ntable && rx < ROUTES_MAX) {
		m = methods[method_ix(table[rx].method)];
		pattern = rx == ROUTES_MAX - 1 && ntable > ROUTES_MAX ? "other" : table[rx].pattern;
	} else if (rx == RX_SELF) {
		m = "GET";
		pattern = "/metrics";
	} else {
		m = methods[rx - RX_UNMATCHED];
		pattern = "unmatched";
	}
	/* the patterns are constants of our own: no character needs escaping */
	fprintf(f, "program=\"%s\",method=\"%s\",route=\"%s\"", prog, m, pattern);
}

static void
print_requests(FILE *f, const struct slot *s)
{
	size_t rx, i;

	head(f, "zcps_http_requests_total", "counter",
	    "Requests answered, by route (the program's route pattern) and HTTP status.");
	for (rx = 0; rx < NROUTE; rx++)
		for (i = 0; i < NSTATUS; i++) {
			if (s->route[rx].status[i] == 0)
				continue;
			fprintf(f, "zcps_http_requests_total{");
			route_labels(f, rx);
			if (i < NITEMS(statuses))
				fprintf(f, ",status=\"%d\"} %llu\n", statuses[i],
				    (unsigned long long)s->route[rx].status[i]);
			else
				fprintf(f, ",status=\"other\"} %llu\n",
				    (unsigned long long)s->route[rx].status[i]);
		}
	head(f, "zcps_http_errors_total", "counter",
	    "Requests answered with an error, by route and the error's code (lib/err.c).");
	for (rx = 0; rx < NROUTE; rx++)
		for (i = 1; i < PERR__MAX; i++) {
			if (s->route[rx].error[i] == 0)
				continue;
			fprintf(f, "zcps_http_errors_total{");
			route_labels(f, rx);
			fprintf(f, ",code=\"%s\",status=\"%d\"} %llu\n", err_code((enum perr)i),
			    err_status((enum perr)i), (unsigned long long)s->route[rx].error[i]);
		}
}

static void
print_latency(FILE *f, const struct slot *s)
{
	size_t rx, i;
	uint64_t cum;

	head(f, "zcps_http_request_duration_seconds", "histogram",
	    "Time from taking a request to having written its reply, by route.");
	for (rx = 0; rx < NROUTE; rx++) {
		const struct rstat *r = &s->route[rx];

		if (r->count == 0)
			continue;
		for (i = 0, cum = 0; i < NBUCKET; i++) {
			cum += r->bucket[i];
			fprintf(f, "zcps_http_request_duration_seconds_bucket{");
			route_labels(f, rx);
			if (i < NITEMS(bounds))
				fprintf(f, ",le=\"%g\"} %llu\n", bounds[i], (unsigned long long)cum);
			else
				fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
		}
		fprintf(f, "zcps_http_request_duration_seconds_sum{");
		route_labels(f, rx);
		fprintf(f, "} %.6f\n", (double)r->sum_us / 1e6);
		fprintf(f, "zcps_http_request_duration_seconds_count{");
		route_labels(f, rx);
		fprintf(f, "} %llu\n", (unsigned long long)r->count);
	}
}

static void
print_process(FILE *f, const struct slot *s, int alive, int busy)
{
	int a;

	head(f, "zcps_workers", "gauge", "Worker processes of the program: slots of its pool, "
	    "those alive, and those busy with a request other than this scrape.");
	fprintf(f, "zcps_workers{program=\"%s\",state=\"configured\"} %zu\n", prog, nslots);
	fprintf(f, "zcps_workers{program=\"%s\",state=\"alive\"} %d\n", prog, alive);
	fprintf(f, "zcps_workers{program=\"%s\",state=\"busy\"} %d\n", prog, busy);
	head(f, "zcps_worker_starts_total", "counter",
	    "Worker processes started by the pool (the first ones and every replacement).");
	fprintf(f, "zcps_worker_starts_total{program=\"%s\"} %llu\n", prog,
	    (unsigned long long)s->starts);
	head(f, "zcps_db_reconnects_total", "counter",
	    "Connections to PostgreSQL made again after one was lost, by result.");
	fprintf(f, "zcps_db_reconnects_total{program=\"%s\",result=\"ok\"} %llu\n", prog,
	    (unsigned long long)s->db_reconnects[0]);
	fprintf(f, "zcps_db_reconnects_total{program=\"%s\",result=\"failed\"} %llu\n", prog,
	    (unsigned long long)s->db_reconnects[1]);
	head(f, "zcps_chain_moves_total", "counter",
	    "Moves of applications along their chain (lib/chain.c), by action and outcome.");
	for (a = 0; a < CHAIN__MAX; a++) {
		fprintf(f, "zcps_chain_moves_total{program=\"%s\",action=\"%s\",outcome=\"done\"} %llu\n",
		    prog, chain_action_name((enum chain_action)a), (unsigned long long)s->chain[a][0]);
		fprintf(f, "zcps_chain_moves_total{program=\"%s\",action=\"%s\",outcome=\"refused\"} %llu\n",
		    prog, chain_action_name((enum chain_action)a), (unsigned long long)s->chain[a][1]);
	}
}

enum perr
metrics_text(char **out, size_t *outlen)
{
	struct slot *sum;
	char *text = NULL;
	size_t len = 0;
	int alive, busy;
	FILE *f;

	if (me == NULL)
		return PERR_UNAVAILABLE;
	if ((sum = calloc(1, sizeof(*sum))) == NULL)
		return PERR_INTERNAL;
	sum_slots(sum, &alive, &busy);
	if ((f = open_memstream(&text, &len)) == NULL) {
		free(sum);
		return PERR_INTERNAL;
	}
	print_requests(f, sum);
	print_latency(f, sum);
	print_process(f, sum, alive, busy);
	free(sum);
	if (fclose(f) != 0) {
		free(text);
		return PERR_INTERNAL;
	}
	*out = text;
	*outlen = len;
	return PERR_OK;
}
