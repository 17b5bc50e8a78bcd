/* lib/metrics.c at its edges: the latency buckets' bounds (a bucket holds what is <= its le),
 * statuses and routes beyond the tables, loopback addresses, and the pool's shared segment:
 * a worker of another slot (a child process) is added into the scrape, and a replacement in a
 * slot goes on from its counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "portal.h"
#include "metrics.h"

static const struct route routes[] = {
	{ M_GET, "/health", R_PUBLIC, NULL, NULL },
	{ M_POST, "/applications/:id/move", 0, NULL, NULL },
};

/* The scrape's text (malloc'd, the caller frees). */
static char *
scrape(void)
{
	char *text;
	size_t len;

	assert_int_equal(metrics_text(&text, &len), PERR_OK);
	assert_int_equal(strlen(text), len);
	return text;
}

/* The value of the sample whose line starts with prefix ("name{labels}"), or -1. */
static double
sample(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = strlen(prefix);

	while ((p = strstr(p, prefix)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

#define H "zcps_http_request_duration_seconds_bucket{program=\"unit\",method=\"GET\",route=\"/health\","

static void
t_alone(void **state)
{
	char *t;

	(void)state;
	unsetenv("ZCPS_METRICS_FD");
	metrics_init("unit", routes, NITEMS(routes));
	metrics_request(0, M_GET, 200, PERR_OK, 0.005);		/* exactly on a bound: in it */
	metrics_request(0, M_GET, 200, PERR_OK, 0.0050001);	/* just over: the next */
	metrics_request(0, M_GET, 503, PERR_UNAVAILABLE, 10.5);	/* over the last: +Inf only */
	metrics_request(1, M_POST, 418, PERR_OK, 0.2);		/* a status not in the table */
	metrics_request(METRICS_UNMATCHED, M_DELETE, 405, PERR_METHOD, 0);
	metrics_request(METRICS_UNMATCHED, (enum method)0, 404, PERR_NOT_FOUND, 0);
	metrics_db_reconnect(true);
	metrics_db_reconnect(false);
	metrics_chain_move(CHAIN_PASS, true);
	metrics_chain_move(CHAIN_RETURN, false);
	metrics_chain_move(CHAIN__MAX, true);			/* not an action: ignored */
	t = scrape();
	assert_true(sample(t, H "le=\"0.005\"}") == 1);
	assert_true(sample(t, H "le=\"0.01\"}") == 2);
	assert_true(sample(t, H "le=\"10\"}") == 2);
	assert_true(sample(t, H "le=\"+Inf\"}") == 3);
	assert_true(sample(t, "zcps_http_request_duration_seconds_count{program=\"unit\",method=\"GET\","
	    "route=\"/health\"}") == 3);
	assert_true(sample(t, "zcps_http_request_duration_seconds_sum{program=\"unit\",method=\"GET\","
	    "route=\"/health\"}") >= 10.509);
	assert_true(sample(t, "zcps_http_requests_total{program=\"unit\",method=\"GET\",route=\"/health\","
	    "status=\"503\"}") == 1);
	assert_true(sample(t, "zcps_http_errors_total{program=\"unit\",method=\"GET\",route=\"/health\","
	    "code=\"unavailable\",status=\"503\"}") == 1);
	assert_true(sample(t, "zcps_http_requests_total{program=\"unit\",method=\"POST\","
	    "route=\"/applications/:id/move\",status=\"other\"}") == 1);
	assert_true(sample(t, "zcps_http_errors_total{program=\"unit\",method=\"DELETE\",route=\"unmatched\","
	    "code=\"method_not_allowed\",status=\"405\"}") == 1);
	assert_true(sample(t, "zcps_http_errors_total{program=\"unit\",method=\"OTHER\",route=\"unmatched\","
	    "code=\"not_found\",status=\"404\"}") == 1);
	assert_true(sample(t, "zcps_db_reconnects_total{program=\"unit\",result=\"ok\"}") == 1);
	assert_true(sample(t, "zcps_db_reconnects_total{program=\"unit\",result=\"failed\"}") == 1);
	assert_true(sample(t, "zcps_chain_moves_total{program=\"unit\",action=\"pass\",outcome=\"done\"}") == 1);
	assert_true(sample(t, "zcps_chain_moves_total{program=\"unit\",action=\"return\",outcome=\"refused\"}") == 1);
	assert_true(sample(t, "zcps_chain_moves_total{program=\"unit\",action=\"pass\",outcome=\"refused\"}") == 0);
	assert_true(sample(t, "zcps_workers{program=\"unit\",state=\"configured\"}") == 1);
	assert_true(sample(t, "zcps_workers{program=\"unit\",state=\"alive\"}") == 1);
	/* the worker answering is busy, but not counted as such */
	assert_true(sample(t, "zcps_workers{program=\"unit\",state=\"busy\"}") == 0);
	/* nothing was counted for a route without requests */
	assert_null(strstr(t, "route=\"/metrics\""));
	free(t);
}

/* The environment the pool gives the worker of slot i. */
static void
pool_env(int fd, int i)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", fd);
	setenv("ZCPS_METRICS_FD", v, 1);
	snprintf(v, sizeof(v), "%d", i);
	setenv("ZCPS_METRICS_SLOT", v, 1);
	setenv("ZCPS_METRICS_SLOTS", "2", 1);
	setenv("ZCPS_METRICS_SLOT_BYTES", "131072", 1);
}

/* A worker of slot i in a child process: counts n requests of /health and exits. */
static void
child_worker(int fd, int i, int n)
{
	pid_t pid = fork();
	int status, k;

	assert_true(pid >= 0);
	if (pid == 0) {
		pool_env(dup(fd), i);
		metrics_init("unit", routes, NITEMS(routes));
		for (k = 0; k < n; k++)
			metrics_request(0, M_GET, 200, PERR_OK, 0.001);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
t_shared(void **state)
{
	const char *ok = "zcps_http_requests_total{program=\"unit\",method=\"GET\",route=\"/health\",status=\"200\"}";
	int fd = memfd_create("test-metrics", 0);
	char *t;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 * 131072), 0);
	child_worker(fd, 1, 5);
	/* this process as the worker of slot 0, answering the scrape */
	pool_env(dup(fd), 0);
	metrics_init("unit", routes, NITEMS(routes));
	metrics_request(0, M_GET, 200, PERR_OK, 0.001);
	t = scrape();
	assert_true(sample(t, ok) == 6);
	/* the child has ended: one alive, two started */
	assert_true(sample(t, "zcps_workers{program=\"unit\",state=\"configured\"}") == 2);
	assert_true(sample(t, "zcps_workers{program=\"unit\",state=\"alive\"}") == 1);
	assert_true(sample(t, "zcps_worker_starts_total{program=\"unit\"}") == 2);
	free(t);
	/* its replacement in slot 1 goes on from its counts */
	child_worker(fd, 1, 2);
	t = scrape();
	assert_true(sample(t, ok) == 8);
	assert_true(sample(t, "zcps_worker_starts_total{program=\"unit\"}") == 3);
	free(t);
	close(fd);
}

static void
t_shared_bad(void **state)
{
	int fd = memfd_create("test-metrics", 0);
	char *t;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 131072), 0);	/* one slot, though two are named */
	pool_env(dup(fd), 1);
	metrics_init("unit", routes, NITEMS(routes));	/* counts alone rather than past the end */
	t = scrape();
	assert_true(sample(t, "zcps_workers{program=\"unit\",state=\"configured\"}") == 1);
	free(t);
	close(fd);
	unsetenv("ZCPS_METRICS_FD");
}

static void
t_loopback(void **state)
{
	(void)state;
	assert_true(metrics_loopback("127.0.0.1"));
	assert_true(metrics_loopback("127.255.0.9"));
	assert_true(metrics_loopback("::1"));
	assert_true(metrics_loopback("::ffff:127.0.0.1"));
	assert_false(metrics_loopback(NULL));
	assert_false(metrics_loopback(""));
	assert_false(metrics_loopback("127"));
	assert_false(metrics_loopback("1270.0.0.1"));
	assert_false(metrics_loopback("198.51.100.7"));
	assert_false(metrics_loopback("::2"));
	assert_false(metrics_loopback("::1x"));
	assert_false(metrics_loopback("::ffff:10.0.0.1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_alone),
		cmocka_unit_test(t_shared),
		cmocka_unit_test(t_shared_bad),
		cmocka_unit_test(t_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
