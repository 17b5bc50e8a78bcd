/*
 * pool: keeps N copies of a FastCGI program on the listening socket it is
 * handed as standard input (fd 0: spawn-fcgi and systemd's socket units both
 * do so), and replaces every copy that dies, always.
 *
 *   pool -n workers [-l log-file] -- /path/to/program [args…]
 *
 * Why not multiwatch, which did this before: it stops replacing a copy that
 * keeps dying within ten seconds of its start after three retries. libfcgi
 * (Debian 2.4.2-2+deb12u1) aborts on some malformed records (docs/security.md),
 * so sixteen of them at four a second took a program down until someone
 * restarted it. Here there is no give-up; there is a back-off instead, so that
 * a program that cannot start at all (a bad configuration) costs a fork a
 * second per copy rather than a busy loop: a copy that dies within
 * YOUNG_MS of its start is replaced at once the first time, then after
 * 100 ms, 200 ms … up to MAX_BACKOFF_MS; one that lived longer is replaced at
 * once and its count starts again.
 *
 * SIGTERM, SIGINT, SIGQUIT, SIGHUP: the copies get SIGUSR1 (libfcgi's
 * graceful stop: the request in hand is finished, then FCGX_Accept_r
 * returns), a second such signal is passed on as SIGTERM, and whatever still
 * runs GRACE_MS after the first gets SIGKILL. The pool exits when the last
 * copy has. A copy whose pool is gone gets SIGTERM (PR_SET_PDEATHSIG).
 *
 * Metrics: the pool makes one shared memory segment (memfd) of a slot of
 * METRICS_SLOT_BYTES per copy and hands it to each copy on an inherited
 * descriptor, named in its environment (ZCPS_METRICS_FD, ZCPS_METRICS_SLOT,
 * ZCPS_METRICS_SLOTS, ZCPS_METRICS_SLOT_BYTES). A copy counts in its slot, a
 * replacement goes on in the slot of the copy it replaces, and a scrape adds
 * up all slots (lib/metrics.c). The pool itself never reads it.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 256
#define YOUNG_MS 10000
#define FIRST_BACKOFF_MS 100
#define MAX_BACKOFF_MS 1000
#define GRACE_MS 3000
#define METRICS_SLOT_BYTES (128 * 1024)

struct slot {
	pid_t pid;		/* 0: not running */
	long long started;	/* ms, monotonic */
	long long due;		/* when to start it again; -1: not waiting */
	int young_deaths;	/* in a row, each within YOUNG_MS of its start */
};

static struct slot slots[MAX_WORKERS];
static int nslots;
static char **prog;
static int metrics_fd = -1;

int main(int, char **);

/* milliseconds on the monotonic clock */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One key=value line on stderr, in the form of lib/log.c. */
static void
say(const char *level, const char *fmt, ...)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	va_list ap;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "ts=%s level=%s prog=pool pid=%d ", ts, level, (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The environment that names the metrics segment and slot i (in the child). */
static void
metrics_env(int i)
{
	char v[24];

	snprintf(v, sizeof(v), "%d", metrics_fd);
	setenv("ZCPS_METRICS_FD", v, 1);
	snprintf(v, sizeof(v), "%d", i);
	setenv("ZCPS_METRICS_SLOT", v, 1);
	snprintf(v, sizeof(v), "%d", nslots);
	setenv("ZCPS_METRICS_SLOTS", v, 1);
	snprintf(v, sizeof(v), "%d", METRICS_SLOT_BYTES);
	setenv("ZCPS_METRICS_SLOT_BYTES", v, 1);
}

/* The shared segment of the copies' counters; without it each counts alone. */
static void
metrics_segment(void)
{
	metrics_fd = memfd_create("zcps-metrics", 0);
	if (metrics_fd >= 0 && ftruncate(metrics_fd, (off_t)nslots * METRICS_SLOT_BYTES) == 0)
		return;
	say("warn", "msg=\"no shared metrics segment\" error=\"%s\"", strerror(errno));
	if (metrics_fd >= 0)
		close(metrics_fd);
	metrics_fd = -1;
}

/* Starts the copy of slot i; false when fork failed (it is tried again later). */
static bool
start(int i)
{
	sigset_t none;
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid < 0) {
		say("error", "msg=\"fork failed\" slot=%d error=\"%s\"", i, strerror(errno));
		return false;
	}
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
			_exit(1);
		if (metrics_fd >= 0)
			metrics_env(i);
		execv(prog[0], prog);
		say("error", "msg=\"exec failed\" program=%s error=\"%s\"", prog[0], strerror(errno));
		_exit(127);
	}
	slots[i].pid = pid;
	slots[i].started = now_ms();
	slots[i].due = -1;
	return true;
}

/* The pause before a copy that died is started again (see the top). */
static long long
backoff(struct slot *s, long long lived)
{
	long long d = FIRST_BACKOFF_MS;
	int k;

	if (lived >= YOUNG_MS) {
		s->young_deaths = 0;
		return 0;
	}
	if (++s->young_deaths == 1)
		return 0;
	for (k = 2; k < s->young_deaths && d < MAX_BACKOFF_MS; k++)
		d *= 2;
	return d < MAX_BACKOFF_MS ? d : MAX_BACKOFF_MS;
}

/* Collects every copy that has ended and schedules its replacement. */
static void
reap(bool stopping)
{
	long long t, lived, wait;
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < nslots && slots[i].pid != pid; i++)
			;
		if (i == nslots)
			continue;
		t = now_ms();
		lived = t - slots[i].started;
		wait = stopping ? -1 : backoff(&slots[i], lived);
		slots[i].pid = 0;
		slots[i].due = stopping ? -1 : t + wait;
		say(stopping ? "info" : "warn", "msg=\"worker ended\" slot=%d worker=%d %s=%d "
		    "lived_ms=%lld restart_ms=%lld", i, (int)pid,
		    WIFSIGNALED(status) ? "signal" : "status",
		    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), lived, wait);
	}
}

static int
running(void)
{
	int i, n = 0;

	for (i = 0; i < nslots; i++)
		n += slots[i].pid != 0;
	return n;
}

static void
signal_all(int sig)
{
	int i;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid != 0)
			kill(slots[i].pid, sig);
}

/* Starts the copies whose time has come; returns ms until the next one is
 * due (-1: none waits). A failed fork is tried again a second later. */
static long long
start_due(void)
{
	long long t = now_ms(), next = -1;
	int i;

	for (i = 0; i < nslots; i++) {
		if (slots[i].pid != 0 || slots[i].due < 0)
			continue;
		if (slots[i].due <= t && !start(i))
			slots[i].due = t + 1000;
		if (slots[i].pid == 0 && (next < 0 || slots[i].due - t < next))
			next = slots[i].due > t ? slots[i].due - t : 0;
	}
	return next;
}

/* The signals the pool waits for (blocked, taken with sigtimedwait). */
static void
watched(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGHUP);
}

static int
usage(void)
{
	fprintf(stderr, "usage: pool -n workers [-l log-file] -- program [args…]\n"
	    "Keeps that many copies of program on the listening socket on fd 0.\n");
	return 2;
}

static int
supervise(void)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts;
	long long next, stop_at = -1;
	int sig, i;

	watched(&set);
	for (;;) {
		next = stop_at < 0 ? start_due() : stop_at - now_ms();
		if (next < 0 && stop_at < 0)
			sig = sigwaitinfo(&set, &si);
		else {
			next = next < 0 ? 0 : next;
			ts.tv_sec = next / 1000;
			ts.tv_nsec = (next % 1000) * 1000000;
			sig = sigtimedwait(&set, &si, &ts);
		}
		if (sig == SIGCHLD)
			reap(stop_at >= 0);
		else if (sig > 0 && stop_at < 0) {
			say("info", "msg=\"stopping\" signal=%d workers=%d", sig, running());
			stop_at = now_ms() + GRACE_MS;
			for (i = 0; i < nslots; i++)
				slots[i].due = -1;
			signal_all(SIGUSR1);
		} else if (sig > 0)
			signal_all(SIGTERM);
		else if (stop_at >= 0 && now_ms() >= stop_at) {
			say("warn", "msg=\"workers did not stop in time, killing them\"");
			signal_all(SIGKILL);
			stop_at = now_ms() + GRACE_MS;
		}
		if (stop_at >= 0 && running() == 0)
			return 0;
	}
}

int
main(int argc, char **argv)
{
	sigset_t set;
	const char *logfile = NULL;
	char *end;
	int c, i;

	while ((c = getopt(argc, argv, "+n:l:")) != -1) {
		if (c == 'n') {
			errno = 0;
			nslots = (int)strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || nslots < 1 || nslots > MAX_WORKERS)
				return usage();
		} else if (c == 'l')
			logfile = optarg;
		else
			return usage();
	}
	if (nslots == 0 || optind >= argc || argv[optind][0] != '/')
		return usage();
	prog = argv + optind;
	/* spawn-fcgi hands over /dev/null as stderr: log where we are told */
	if (logfile != NULL && freopen(logfile, "a", stderr) == NULL)
		return 1;
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* reaping is ours, whatever disposition we inherited */
	signal(SIGCHLD, SIG_DFL);
	watched(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	metrics_segment();
	for (i = 0; i < nslots; i++)
		if (!start(i))
			slots[i].due = now_ms() + 1000;
	say("info", "msg=\"pool started\" program=%s workers=%d", prog[0], nslots);
	return supervise();
}
