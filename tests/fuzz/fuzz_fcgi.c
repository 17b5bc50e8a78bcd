/*
 * libFuzzer harness: the FastCGI record path. Each input describes one
 * connection from a web server: the parameters a request carries and its
 * body, and how they are cut into records. The harness frames them as
 * FastCGI records (BEGIN_REQUEST, PARAMS, STDIN; split at fuzzer-chosen
 * sizes, padded or not, with a management record, an ABORT, a body cut short,
 * a second request pipelined behind the first) and sends them to
 * portal_main(), which takes them through libfcgi and the whole request
 * pipeline of lib/http.c: parameters, URI, query string, method, route,
 * session cookie, CSRF and Origin, Content-Length against the bytes that
 * came, JSON and multipart bodies, declared fields, the reply. Its route table
 * is its own; the public routes need no database, routes that need one answer
 * 503, as a program whose PostgreSQL is away does.
 *
 * Input: byte 0 the framing flags (F_* below), bytes 1 and 2 the sizes the
 * PARAMS and STDIN streams are cut at, then the parameters as lines
 * NAME=VALUE up to an empty line, then the body.
 *
 * The records are well formed (nginx only sends such): libfcgi trusts the
 * lengths of name-value pairs (a 4-byte length goes to malloc as it is, and an
 * assertion fails when that fails; a pair cut short leaks), so raw bytes would
 * mostly find libfcgi's limits rather than the portal's.
 *
 * Per input: a listening socket becomes fd 0 (the FastCGI convention), a
 * client thread writes the records, reads the answer to its end, then shuts
 * the listening socket down, which makes the next accept fail and
 * portal_main() return.
 */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "portal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field thing_fields[] = {
	{ "name", "姓名", F_STR, true, 2, 30, valid_person_name, "姓名不正确" },
	{ "n", "数量", F_INT, false, 0, 100, NULL, NULL },
	{ "ok", "同意", F_BOOL, false, 0, 0, NULL, NULL },
	{ "list", "列表", F_ARRAY, false, 0, 5, NULL, NULL },
	{ "text", "说明", F_TEXT, false, 0, 200, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static const struct field query_fields[] = {
	{ "q", "搜索", F_STR, false, 0, 30, NULL, NULL },
	{ "size", "条数", F_INT, false, 1, 100, NULL, NULL },
	{ "flag", "标志", F_BOOL, false, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static const struct field file_fields[] = {
	{ "file", "文件", F_FILE, true, 1, 1 << 20, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* What the pipeline handed over, as JSON: ids, token, validated fields, parts. */
static enum perr
h_echo(struct req *r)
{
	cJSON *o = req_out(r);
	size_t i;

	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddNumberToObject(o, "id2", (double)r->id2);
	cJSON_AddStringToObject(o, "tok", r->tok);
	for (i = 0; i < FIELDS_MAX; i++)
		if (r->f[i].present && r->f[i].s != NULL)
			cJSON_AddStringToObject(o, "s", r->f[i].s);
	for (i = 0; i < r->nparts; i++)
		cJSON_AddStringToObject(o, "part", r->parts[i].filename);
	r->status = 201;
	return PERR_OK;
}

/* A download: bytes with a file name taken from the query. */
static enum perr
h_download(struct req *r)
{
	const char *name = req_query(r, "q");
	char *d = strdup("%PDF-1.4 %%EOF");

	if (d == NULL)
		return PERR_INTERNAL;
	req_raw(r, d, strlen(d), "application/pdf", name != NULL ? name : "下载.pdf");
	return PERR_OK;
}

static const struct route routes[] = {
	COMMON_ROUTES,
	{ M_POST, "/things/:id/parts/:id", R_PUBLIC | R_NO_CSRF, thing_fields, h_echo },
	{ M_PUT, "/things/:id", R_PUBLIC | R_NO_CSRF, thing_fields, h_echo },
	{ M_DELETE, "/things/:id", R_PUBLIC | R_NO_CSRF, NULL, h_echo },
	{ M_GET, "/things", R_PUBLIC, query_fields, h_echo },
	{ M_POST, "/files/:tok", R_PUBLIC | R_NO_CSRF | R_MULTIPART, file_fields, h_echo },
	{ M_GET, "/download/:tok", R_PUBLIC, query_fields, h_download },
	{ M_POST, "/private", 0, thing_fields, h_echo },
};

static char conf_path[80];
static char conf_dir[] = "/tmp/fuzz-fcgi-XXXXXX";

/* the configuration's directory goes with the run (every run left one in /tmp) */
static void
conf_remove(void)
{
	unlink(conf_path);
	rmdir(conf_dir);
}
static int echo;

/* One client thread for the whole run (a thread per input would make every
 * input look like a leak to libFuzzer, which then scans the heap each time). */
static struct {
	struct sockaddr_un sa;
	socklen_t salen;
	uint8_t *out;		/* the records to send */
	size_t outlen, outcap;
	sem_t go, done;
} c;

static void
client_once(void)
{
	char buf[4096];
	size_t off = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&c.sa, c.salen) == 0) {
		while (off < c.outlen) {
			ssize_t k = send(fd, c.out + off, c.outlen - off, MSG_NOSIGNAL);

			if (k <= 0)
				break;
			off += (size_t)k;
		}
		shutdown(fd, SHUT_WR);
		for (ssize_t k; (k = read(fd, buf, sizeof(buf))) > 0;)
			if (echo)	/* FUZZ_FCGI_ECHO=1: the answers' records on stdout */
				(void)!write(1, buf, (size_t)k);
	}
	if (fd >= 0)
		close(fd);
	/* the answer is complete: the next accept fails and portal_main() returns */
	shutdown(0, SHUT_RDWR);
}

static void *
client(void *arg)
{
	(void)arg;
	for (;;) {
		while (sem_wait(&c.go) != 0)
			;
		client_once();
		sem_post(&c.done);
	}
	return NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = conf_dir;
	pthread_t t;
	FILE *f;

	(void)argc;
	(void)argv;
	if (mkdtemp(conf_dir) == NULL)
		abort();
	snprintf(conf_path, sizeof(conf_path), "%s/portal.conf", dir);
	atexit(conf_remove);
	if ((f = fopen(conf_path, "w")) == NULL)
		abort();
	/* no database answers there: routes that need one answer 503 */
	fprintf(f, "db_socket_dir = %s/no-database\ndb_name = none\npayment_provider = none\n", dir);
	fclose(f);
	/* the portal's log lines go nowhere; libFuzzer and the sanitizers keep fd 2 */
	if ((stderr = fopen("/dev/null", "w")) == NULL)
		abort();
	signal(SIGPIPE, SIG_IGN);
	echo = getenv("FUZZ_FCGI_ECHO") != NULL;
	c.sa.sun_family = AF_UNIX;
	/* an abstract name: nothing left behind in the file system */
	snprintf(c.sa.sun_path + 1, sizeof(c.sa.sun_path) - 1, "fuzz-fcgi-%d", (int)getpid());
	c.salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(c.sa.sun_path + 1));
	if (sem_init(&c.go, 0, 0) != 0 || sem_init(&c.done, 0, 0) != 0 ||
	    pthread_create(&t, NULL, client, NULL) != 0)
		abort();
	return 0;
}

enum {
	F_KEEP = 1,		/* FCGI_KEEP_CONN */
	F_SPLIT_PARAMS = 2,	/* PARAMS in records of byte 1 % 64 + 1 bytes */
	F_SPLIT_STDIN = 4,	/* STDIN in records of byte 2 % 64 + 1 bytes */
	F_PAD = 8,		/* records padded to a multiple of 8 */
	F_MGMT = 16,		/* an FCGI_GET_VALUES record first */
	F_ABORT = 32,		/* an FCGI_ABORT_REQUEST after the parameters */
	F_CUT = 64,		/* no empty STDIN record: the body ends with the connection */
	F_TWICE = 128,		/* the request again on the same connection */
};

static void
put(const void *p, size_t n)
{
	if (n == 0)
		return;		/* memcpy from NULL, even of nothing, is undefined */
	if (c.outlen + n > c.outcap) {
		c.outcap = (c.outlen + n) * 2;
		if ((c.out = realloc(c.out, c.outcap)) == NULL)
			abort();
	}
	memcpy(c.out + c.outlen, p, n);
	c.outlen += n;
}

static void
record(int type, const uint8_t *p, size_t n, bool pad)
{
	static const uint8_t zeros[8];
	uint8_t h[8] = { 1, (uint8_t)type, 0, 1, (uint8_t)(n >> 8), (uint8_t)n, 0, 0 };

	if (type == 9)
		h[3] = 0;	/* management records have request id 0 */
	h[6] = pad ? (uint8_t)((8 - n % 8) % 8) : 0;
	put(h, sizeof(h));
	put(p, n);
	put(zeros, h[6]);
}

/* A stream (PARAMS or STDIN) in records of at most step bytes, then its end
 * (an empty record) unless cut. */
static void
stream(int type, const uint8_t *p, size_t n, size_t step, bool pad, bool cut)
{
	size_t off = 0;

	while (off < n) {
		size_t k = n - off < step ? n - off : step;

		record(type, p + off, k, pad);
		off += k;
	}
	if (!cut)
		record(type, NULL, 0, pad);
}

static void
pair_len(uint8_t **q, size_t n)
{
	if (n < 128)
		*(*q)++ = (uint8_t)n;
	else {
		*(*q)++ = (uint8_t)(0x80 | n >> 24);
		*(*q)++ = (uint8_t)(n >> 16);
		*(*q)++ = (uint8_t)(n >> 8);
		*(*q)++ = (uint8_t)n;
	}
}

/* The input as records in c.out; false when it has no parameters at all. */
static bool
frame(const uint8_t *d, size_t n)
{
	static const uint8_t begin[2][8] = { { 0, 1, 0 }, { 0, 1, 1 } };
	static const uint8_t mgmt[] = { 14, 0, 'F', 'C', 'G', 'I', '_', 'M', 'A', 'X', '_', 'C', 'O',
	    'N', 'N', 'S', 15, 0, 'F', 'C', 'G', 'I', '_', 'M', 'P', 'X', 'S', '_', 'C', 'O', 'N',
	    'N', 'S' };
	uint8_t flags, *params, *q;
	size_t i = 3, body, pstep, sstep;
	int round;

	if (n < 3)
		return false;
	flags = d[0];
	pstep = flags & F_SPLIT_PARAMS ? (size_t)d[1] % 64 + 1 : 65535;
	sstep = flags & F_SPLIT_STDIN ? (size_t)d[2] % 64 + 1 : 65535;
	if ((params = malloc(2 * n + 16)) == NULL)
		abort();
	q = params;
	/* NAME=VALUE lines up to an empty line */
	while (i < n && d[i] != '\n') {
		const uint8_t *line = d + i, *eq, *nl = memchr(d + i, '\n', n - i);
		size_t len = (nl ? (size_t)(nl - line) : n - i);

		if ((eq = memchr(line, '=', len)) != NULL) {
			pair_len(&q, (size_t)(eq - line));
			pair_len(&q, len - (size_t)(eq - line) - 1);
			memcpy(q, line, (size_t)(eq - line));
			q += eq - line;
			memcpy(q, eq + 1, len - (size_t)(eq - line) - 1);
			q += len - (size_t)(eq - line) - 1;
		}
		i += len + (nl != NULL);
	}
	body = i < n ? i + 1 : n;
	c.outlen = 0;
	if (flags & F_MGMT) {
		uint8_t h[8] = { 1, 9, 0, 0, 0, sizeof(mgmt), 0, 0 };

		put(h, sizeof(h));
		put(mgmt, sizeof(mgmt));
	}
	for (round = 0; round < (flags & F_TWICE ? 2 : 1); round++) {
		record(1, begin[flags & F_KEEP ? 1 : 0], 8, false);
		stream(4, params, (size_t)(q - params), pstep, flags & F_PAD, false);
		if (flags & F_ABORT)
			record(2, NULL, 0, false);
		stream(5, d + body, n - body, sstep, flags & F_PAD, flags & F_CUT);
	}
	free(params);
	return q != params;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char prog[] = "fuzz_fcgi", opt_c[] = "-c";
	char *argv[] = { prog, opt_c, conf_path, NULL };
	int l;

	if (!frame(data, size))
		return -1;	/* not kept in the corpus */
	if ((l = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(l, (struct sockaddr *)&c.sa, c.salen) != 0 || listen(l, 1) != 0)
		abort();
	if (l != 0) {		/* fd 0 is free after the previous input: usually l is 0 */
		if (dup2(l, 0) != 0)
			abort();
		close(l);
	}
	sem_post(&c.go);
	optind = 0;
	(void)portal_main("fuzz", routes, NITEMS(routes), 3, argv);
	while (sem_wait(&c.done) != 0)
		;
	close(0);
	return 0;
}
