/*
 * http.c: the FastCGI loop and the request pipeline every program runs:
 * parse (with limits) -> method allowlist -> route lookup -> session ->
 * CSRF -> body and declared fields -> handler -> one reply with the
 * security headers. Everything allocated for a request is freed before the
 * next accept; only the database connection survives.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "portal.h"
#include "metrics.h"
#include "xhtml.h"

#define PATH_MAX_BYTES 512
#define QUERY_MAX_BYTES 2048

static const char *prog_role = "";
static char api_prefix[32];		/* "/api/<role>", set once */
static size_t api_plen;
static bool standalone;

void
portal_standalone(int (*conf_key)(const char *, const char *))
{
	standalone = true;
	conf_program_keys(conf_key);
}

const char *
portal_role(void)
{
	return prog_role;
}

const char *
portal_here(void)
{
	return strcmp(prog_role, "unit") == 0 ? "本单位" : "本部门";
}

/* The parameters the pipeline reads on every request, in r->env: one pass
 * over the environment instead of a scan of it for each (a 401 asked for
 * seven, four of them absent). Grouped by first letter for env_index(). */
enum { E_CONTENT_TYPE, E_CONTENT_LENGTH, E_DOCUMENT_URI, E_HTTPS, E_HTTP_COOKIE,
    E_HTTP_X_CSRF_TOKEN, E_QUERY_STRING, E_REQUEST_URI, E_REQUEST_METHOD,
    E_REMOTE_ADDR, E_N };
static const struct { const char *name; size_t len; } env_names[E_N] = {
#define ENV_NAME(s) { s, sizeof(s) - 1 }
	ENV_NAME("CONTENT_TYPE"), ENV_NAME("CONTENT_LENGTH"), ENV_NAME("DOCUMENT_URI"),
	ENV_NAME("HTTPS"), ENV_NAME("HTTP_COOKIE"), ENV_NAME("HTTP_X_CSRF_TOKEN"),
	ENV_NAME("QUERY_STRING"), ENV_NAME("REQUEST_URI"), ENV_NAME("REQUEST_METHOD"),
	ENV_NAME("REMOTE_ADDR"),
#undef ENV_NAME
};

static void
env_index(struct req *r, char **envp)
{
	const char *e;
	int k, lo, hi;

	_Static_assert(E_N <= sizeof(r->env) / sizeof(r->env[0]), "struct req's env[]");
	for (; envp != NULL && (e = *envp) != NULL; envp++) {
		switch (e[0]) {
		case 'C': lo = E_CONTENT_TYPE; hi = E_DOCUMENT_URI; break;
		case 'D': lo = E_DOCUMENT_URI; hi = E_HTTPS; break;
		case 'H': lo = E_HTTPS; hi = E_QUERY_STRING; break;
		case 'Q': lo = E_QUERY_STRING; hi = E_REQUEST_URI; break;
		case 'R': lo = E_REQUEST_URI; hi = E_N; break;
		default: continue;
		}
		for (k = lo; k < hi; k++)
			if (strncmp(e, env_names[k].name, env_names[k].len) == 0 &&
			    e[env_names[k].len] == '=') {
				/* the first, as FCGX_GetParam would */
				if (r->env[k] == NULL)
					r->env[k] = e + env_names[k].len + 1;
				break;
			}
	}
}

const char *
req_param(const struct req *r, const char *name)
{
	FCGX_Request *fr = r->fcgx;

	return FCGX_GetParam(name, fr->envp);
}

const char *
req_query(const struct req *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, key) == 0)
			return r->query[i].val;
	return NULL;
}

enum perr
req_fail(struct req *r, enum perr e, const char *field, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	r->bad_field = field;
	/* most messages are plain text: no need to format them */
	if (strchr(fmt, '%') == NULL) {
		n = strlen(fmt);
		if (n >= sizeof(r->msg))
			n = sizeof(r->msg) - 1;
		memcpy(r->msg, fmt, n);
		r->msg[n] = '\0';
		utf8_cut(r->msg);
		return e;
	}
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	utf8_cut(r->msg);
	return e;
}

cJSON *
req_out(struct req *r)
{
	if (r->out == NULL)
		r->out = cJSON_CreateObject();
	return r->out;
}

enum perr
req_base_url(const struct req *r, char *buf, size_t bufsz)
{
	const char *host = req_param(r, "HTTP_HOST"), *port = req_param(r, "SERVER_PORT");
	int n;

	if (conf.public_url[0] != '\0') {
		n = snprintf(buf, bufsz, "%s", conf.public_url);
		return n > 0 && (size_t)n < bufsz ? PERR_OK : PERR_BAD_REQUEST;
	}
	/* nginx passes the host without its port, Apache with it */
	if (host == NULL || host[0] == '\0' || strpbrk(host, "/\\\"'<>?#@ ") != NULL)
		return PERR_BAD_REQUEST;
	if (strchr(host, ':') == NULL && port != NULL && strcmp(port, r->https ? "443" : "80") != 0)
		n = snprintf(buf, bufsz, "%s://%s:%s", r->https ? "https" : "http", host, port);
	else
		n = snprintf(buf, bufsz, "%s://%s", r->https ? "https" : "http", host);
	return n > 0 && (size_t)n < bufsz ? PERR_OK : PERR_BAD_REQUEST;
}

struct actor
req_actor(const struct req *r)
{
	struct actor a = { 0, 0, r->ip ? r->ip : "", prog_role };

	if (r->has_session) {
		a.user_id = r->s.user_id;
		a.org_id = r->s.org_id;
		a.role = r->s.role;
	}
	return a;
}

enum perr
req_audit(const struct req *r, const char *action, const char *target_type,
    long long target_id, const cJSON *detail)
{
	struct actor a = req_actor(r);

	return audit(&a, action, target_type, target_id, detail);
}

enum perr
req_audit_reason(const struct req *r, const char *action, const char *target_type,
    long long target_id, const char *reason)
{
	cJSON *detail = NULL;
	enum perr e;

	if (reason != NULL && reason[0] != '\0') {
		detail = cJSON_CreateObject();
		cJSON_AddStringToObject(detail, "reason", reason);
	}
	e = req_audit(r, action, target_type, target_id, detail);
	cJSON_Delete(detail);
	return e;
}

/* Appends n bytes (or the decimal digits of v) to a header being built in
 * b[bsz] at *o; false, and nothing written, when they do not fit. */
static bool
head_put(char *b, size_t bsz, size_t *o, const char *s, size_t n)
{
	if (n > bsz - *o)
		return false;
	memcpy(b + *o, s, n);
	*o += n;
	return true;
}

static bool
head_num(char *b, size_t bsz, size_t *o, long long v)
{
	char d[24];

	return head_put(b, bsz, o, d, int_text(d, v));
}

/* The JSON reply, its header put together without printf (with the two
 * other formats of a 401, printf was 7 % of the program's own instructions). */
static void
reply(struct req *r, int status, const cJSON *body)
{
	static const char fixed[] =
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n";
	FCGX_Request *fr = r->fcgx;
	size_t tlen = 0, o = 0;
	char *text = body ? json_print(body, &tlen) : NULL;
	const char *t = text ? text :
	    "{\"error\":{\"code\":\"internal\",\"message\":\"系统内部错误，请稍后重试\"}}";
	char head[1024];
	bool ok;

	if (text == NULL)
		tlen = strlen(t);
	ok = head_put(head, sizeof(head), &o, "Status: ", 8) &&
	    head_num(head, sizeof(head), &o, text ? status : 500) &&
	    head_put(head, sizeof(head), &o, "\r\n", 2) &&
	    head_put(head, sizeof(head), &o, fixed, sizeof(fixed) - 1);
	/* who asked, for the access log's u= (nginx, Apache): the account that read or did
	 * what the path names (docs/security.md); the client is that account itself */
	if (ok && r->s.user_id > 0)
		ok = head_put(head, sizeof(head), &o, "X-Zcps-User: ", 13) &&
		    head_num(head, sizeof(head), &o, r->s.user_id) &&
		    head_put(head, sizeof(head), &o, "\r\n", 2);
	if (ok && r->set_cookie != NULL)
		ok = head_put(head, sizeof(head), &o, "Set-Cookie: ", 12) &&
		    head_put(head, sizeof(head), &o, r->set_cookie, strlen(r->set_cookie)) &&
		    head_put(head, sizeof(head), &o, "\r\n", 2);
	ok = ok && head_put(head, sizeof(head), &o, "Content-Length: ", 16) &&
	    head_num(head, sizeof(head), &o, (long long)tlen) &&
	    head_put(head, sizeof(head), &o, "\r\n\r\n", 4);
	if (ok) {
		FCGX_PutStr(head, (int)o, fr->out);
		FCGX_PutStr(t, (int)tlen, fr->out);
	} else
		log_err("msg=\"reply header too long\"");
	free(text);
}

/* n bytes of s into out at o, RFC 5987's attr-char as they are and the others
 * percent-encoded (the caller leaves room for 3 * n); returns the new o */
static size_t
pct_put(char *out, size_t o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	return o;
}

void
req_raw(struct req *r, char *data, size_t len, const char *type, const char *filename)
{
	const char *ext;
	size_t o = 0, i;
	int n;

	free(r->raw);
	r->raw = data;
	r->raw_len = len;
	snprintf(r->raw_type, sizeof(r->raw_type), "%s", type);
	r->raw_disposition[0] = '\0';
	if (filename == NULL) {
		snprintf(r->raw_disposition, sizeof(r->raw_disposition), "inline");
		return;
	}
	/* RFC 6266/5987: an ASCII fallback with the name's extension (when it
	 * is a plain one) and the UTF-8 name percent-encoded */
	ext = strrchr(filename, '.');
	if (ext == NULL || strlen(ext) > 8 || strspn(ext + 1,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(ext + 1))
		ext = "";
	n = snprintf(r->raw_disposition, sizeof(r->raw_disposition),
	    "attachment; filename=\"download%s\"; filename*=UTF-8''", ext);
	o = n > 0 ? (size_t)n : 0;
	/* whole characters of the name while they fit beside its extension, then the
	 * extension: never a name cut inside a character, nor one without its type */
	{
		const char *dot = strrchr(filename, '.');
		size_t stem, room;

		if (dot != NULL && 3 * strlen(dot) > sizeof(r->raw_disposition) / 4)
			dot = NULL;	/* no extension, a name with a dot in it */
		stem = dot != NULL ? (size_t)(dot - filename) : strlen(filename);
		room = sizeof(r->raw_disposition) - 1 - (dot != NULL ? 3 * strlen(dot) : 0);

		for (i = 0; i < stem; ) {
			size_t k = 1;

			while (i + k < stem && ((unsigned char)filename[i + k] & 0xC0) == 0x80)
				k++;
			if (o + 3 * k > room)
				break;
			o = pct_put(r->raw_disposition, o, filename + i, k);
			i += k;
		}
		if (dot != NULL)
			o = pct_put(r->raw_disposition, o, dot, strlen(dot));
	}
	r->raw_disposition[o] = '\0';
}

/* Bytes with the same security headers; documents may style themselves
 * and show their own images, nothing else. */
static void
reply_raw(struct req *r)
{
	FCGX_Request *fr = r->fcgx;
	char head[3584], who[48] = "";
	int n;

	if (r->s.user_id > 0)	/* as reply()'s */
		snprintf(who, sizeof(who), "X-Zcps-User: %lld\r\n", r->s.user_id);
	n = snprintf(head, sizeof(head),
	    "Status: %d\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Disposition: %s\r\n"
	    "Cache-Control: private, no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: SAMEORIGIN\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
	    "img-src 'self' data:; frame-ancestors 'self'\r\n"
	    "%s"
	    "Content-Length: %zu\r\n\r\n",
	    r->status ? r->status : 200, r->raw_type, r->raw_disposition, who, r->raw_len);
	if (n > 0 && (size_t)n < sizeof(head)) {
		FCGX_PutStr(head, n, fr->out);
		FCGX_PutStr(r->raw, (int)r->raw_len, fr->out);
	}
}

/* An error reply; what the handler had put in the reply (e.g. the list of
 * unmet rules) goes along beside "error", but not when the service failed
 * (5xx): what was written before a failed commit is not so (the resilience
 * probe: an upload refused 503 on a full disk answered the id of a file that
 * was never stored). */
static void
reply_error(struct req *r, enum perr e)
{
	cJSON *root, *err;

	if (r->out != NULL && err_status(e) >= 500) {
		cJSON_Delete(r->out);
		r->out = NULL;
	}
	root = r->out ? r->out : cJSON_CreateObject();
	err = cJSON_AddObjectToObject(root, "error");
	r->out = NULL;

	cJSON_AddStringToObject(err, "code", err_code(e));
	cJSON_AddStringToObject(err, "message", r->msg[0] ? r->msg : err_message(e));
	if (r->bad_field != NULL && valid_utf8(r->bad_field, strlen(r->bad_field)))
		cJSON_AddStringToObject(err, "field", r->bad_field);
	reply(r, err_status(e), root);
	cJSON_Delete(root);
}

/* A printable page (…xhtml) the browser opened, in a tab of its own: its
 * refusal as a page in words, with the way to the portal, not as JSON. */
static bool
navigated_page(const struct req *r)
{
	const char *mode = req_param(r, "HTTP_SEC_FETCH_MODE");
	size_t n = r->path ? strlen(r->path) : 0;

	return r->method == M_GET && n > 6 && strcmp(r->path + n - 6, ".xhtml") == 0 &&
	    mode != NULL && strcmp(mode, "navigate") == 0;
}

static void
reply_error_page(struct req *r, enum perr e)
{
	static const char css[] =
	    "body { font-family: " XHTML_SANS ";"
	    " max-width: 36em; margin: 15vh auto; padding: 0 1em; color: #303133; }"
	    "h1 { font-size: 20px; } p { line-height: 1.8; } a { color: #409eff; }";
	int status = err_status(e);
	xmlDocPtr x;
	xmlNodePtr body, a;
	char href[64];

	x = xhtml_new("无法打开此页面", css, &body);
	xhtml_text(body, "h1", "无法打开此页面");
	xhtml_text(body, "p", r->msg[0] ? r->msg : err_message(e));
	snprintf(href, sizeof(href), "/%s/", prog_role);
	a = xhtml_text(xhtml_text(body, "p", NULL), "a", status == 401 ?
	    "登录后请从平台中重新打开此页面" : "返回平台");
	xmlNewProp(a, BAD_CAST "href", BAD_CAST href);
	if (xhtml_reply(r, x) != PERR_OK) {
		reply_error(r, e);
		return;
	}
	r->status = status;
	reply_raw(r);
}

enum perr
xhtml_reply(struct req *r, xmlDocPtr doc)
{
	char *out;
	size_t len;
	enum perr e;

	if ((e = xhtml_dump(doc, &out, &len)) != PERR_OK)
		return e;
	req_raw(r, out, len, "application/xhtml+xml; charset=utf-8", NULL);
	return PERR_OK;
}

/* Matches path against pattern; ":id" takes a positive integer (the first
 * into ids[0], a second into ids[1]), ":tok" 16-64 lower-case hex digits,
 * a final "*" whatever is left (the handler judges it). */
static bool
route_match(const char *pattern, const char *path, long long ids[2], char tok[65])
{
	int nid = 0;

	while (*pattern != '\0') {
		if (strcmp(pattern, "*") == 0)
			return true;
		if (strncmp(pattern, ":tok", 4) == 0) {
			size_t n = 0;

			while (n < 65 && ((path[n] >= '0' && path[n] <= '9') ||
			    (path[n] >= 'a' && path[n] <= 'f')))
				n++;
			if (n < 16 || n > 64)
				return false;
			memcpy(tok, path, n);
			tok[n] = '\0';
			path += n;
			pattern += 4;
			continue;
		}
		if (strncmp(pattern, ":id", 3) == 0) {
			long long v = 0;
			int digits = 0;

			while (*path >= '0' && *path <= '9' && digits < 18) {
				v = v * 10 + (*path++ - '0');
				digits++;
			}
			if (digits == 0 || v == 0 || (*path >= '0' && *path <= '9') || nid == 2)
				return false;
			ids[nid++] = v;
			pattern += 3;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	return *path == '\0';
}

static enum method
parse_method(const char *m)
{
	if (m == NULL)
		return 0;
	if (strcmp(m, "GET") == 0)
		return M_GET;
	if (strcmp(m, "POST") == 0)
		return M_POST;
	if (strcmp(m, "PUT") == 0)
		return M_PUT;
	if (strcmp(m, "DELETE") == 0)
		return M_DELETE;
	return 0;
}

static bool
ctype_is(const char *ctype, const char *want)
{
	size_t n = strlen(want);

	if (ctype == NULL || strncasecmp(ctype, want, n) != 0)
		return false;
	return ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ';
}

/* Requests that change state before there is a session (login, register)
 * cannot carry a CSRF token; a cross-site page cannot send them either,
 * because they must be application/json (which needs a CORS preflight that
 * we never grant) and the browser's Origin / Sec-Fetch-Site must agree. */
static bool
same_origin(const struct req *r)
{
	const char *origin = req_param(r, "HTTP_ORIGIN");
	const char *site = req_param(r, "HTTP_SEC_FETCH_SITE");
	const char *host = req_param(r, "HTTP_HOST");
	const char *port = req_param(r, "SERVER_PORT");
	const char *scheme = r->https ? "https" : "http";
	const char *close;
	bool has_port, default_port;
	char want[300];

	if (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return false;
	if (origin == NULL)
		return true;
	if (host == NULL || *host == '\0')
		return false;
	/* nginx (Debian) passes $host without the port, Apache the raw Host
	 * header with it; an [IPv6] literal has colons of its own. */
	close = host[0] == '[' ? strchr(host, ']') : host;
	has_port = close != NULL && strchr(close, ':') != NULL;
	default_port = port == NULL ||
	    (strcmp(port, r->https ? "443" : "80") == 0);
	if (has_port || default_port)
		snprintf(want, sizeof(want), "%s://%s", scheme, host);
	else
		snprintf(want, sizeof(want), "%s://%s:%s", scheme, host, port);
	return strcmp(origin, want) == 0;
}

static enum perr
read_body(struct req *r, size_t limit)
{
	FCGX_Request *fr = r->fcgx;
	const char *cl = r->env[E_CONTENT_LENGTH];
	char *end;
	unsigned long long n;
	size_t got = 0;

	if (cl == NULL || *cl == '\0')
		return PERR_OK;
	errno = 0;
	n = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || cl[0] == '-')
		return req_fail(r, PERR_BAD_REQUEST, NULL, "请求长度不正确");
	if (n > limit)
		return req_fail(r, PERR_TOO_LARGE, NULL,
		    "提交的内容过大（上限 %zu KB）", limit / 1024);
	if (n == 0)
		return PERR_OK;
	if ((r->body = malloc(n + 1)) == NULL)
		return PERR_INTERNAL;
	while (got < n) {
		int k = FCGX_GetStr(r->body + got, (int)(n - got), fr->in);

		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got != n)
		return req_fail(r, PERR_BAD_REQUEST, NULL, "请求内容不完整");
	r->body[n] = '\0';
	r->body_len = n;
	return PERR_OK;
}

static const struct field no_fields[] = { { .name = NULL } };

/* The query string, a multipart body or a JSON body, each checked against
 * the route's declared fields into r->f. */
static enum perr
declared(struct req *r, const struct route *rt)
{
	const struct field *fields = rt->fields ? rt->fields : no_fields;
	const char *cl = r->env[E_CONTENT_LENGTH];
	bool has_body = cl != NULL && *cl != '\0' && strcmp(cl, "0") != 0;
	char boundary[80];
	const char *bad = NULL;
	enum perr e;

	/* a page of the site's own takes no parameters, and a link to it that picked some up on
	 * its way (a messenger's ?from=…, a campaign's) is still that page, not a JSON error */
	if (r->method == M_GET && (rt->flags & R_ROOT) && rt->fields == NULL) {
		memset(r->f, 0, sizeof(r->f));
		return PERR_OK;
	}
	if (r->method == M_GET) {
		e = field_check_kv(r->query, r->nquery, fields, r->f, &bad, r->msg, sizeof(r->msg));
		goto done;
	}
	if (r->nquery > 0)
		return req_fail(r, PERR_BAD_REQUEST, NULL, "该请求不接受查询参数");
	if (rt->flags & R_MULTIPART) {
		if (!ctype_is(r->ctype, "multipart/form-data"))
			return req_fail(r, PERR_MEDIA_TYPE, NULL,
			    "请以 multipart/form-data 方式上传文件");
		if ((e = form_boundary(r->ctype, boundary, sizeof(boundary))) != PERR_OK)
			return req_fail(r, e, NULL, "上传请求缺少或带有错误的 boundary");
		if ((e = read_body(r, conf.max_upload_bytes)) != PERR_OK)
			return e;
		if (r->body != NULL && (e = form_multipart(r->body, r->body_len, boundary, r->parts,
		    PARTS_MAX, &r->nparts)) != PERR_OK) {
			/* a declared part given twice is named as the form names it */
			int i = e == PERR_DUP_FIELD ? field_index(fields, r->parts[r->nparts].name) : -1;

			if (i >= 0)
				return req_fail(r, e, fields[i].name, "%s只能提交一份", fields[i].label);
			return req_fail(r, e, "file", "上传内容格式不正确或不完整，请重新上传");
		}
		/* a text part ends where its delimiter's CR is: end it there, so
		 * that it reads as a string (the parts are split already) */
		for (size_t k = 0; k < r->nparts; k++)
			if (r->parts[k].filename[0] == '\0')
				((char *)r->parts[k].data)[r->parts[k].len] = '\0';
		e = field_check_parts(r->parts, r->nparts, fields, r->f, &bad, r->msg,
		    sizeof(r->msg));
		goto done;
	}
	if (rt->fields == NULL && !has_body) {
		memset(r->f, 0, sizeof(r->f));
		return PERR_OK;
	}
	if (!ctype_is(r->ctype, "application/json"))
		return req_fail(r, PERR_MEDIA_TYPE, NULL, "请求内容类型应为 application/json");
	if ((e = read_body(r, conf.max_json_bytes)) != PERR_OK)
		return e;
	if (r->body == NULL)
		return req_fail(r, PERR_INVALID_JSON, NULL, "请求内容为空");
	if ((e = json_parse_object(r->body, r->body_len, &r->json)) != PERR_OK)
		return e;
	e = field_check(r->json, fields, r->f, &bad, r->msg, sizeof(r->msg));
done:
	if (e != PERR_OK)
		r->bad_field = bad;
	return e;
}

/* rix: the index of the route taken, for the metrics (METRICS_UNMATCHED: none) */
/* GET /metrics: the counters of every worker, as Prometheus text. */
static enum perr
metrics_reply(struct req *r)
{
	char *text;
	size_t len;
	enum perr e = metrics_text(&text, &len);

	if (e == PERR_OK)
		req_raw(r, text, len, "text/plain; version=0.0.4; charset=utf-8", NULL);
	return e;
}

/* kept_ok: a GET's session may be one this worker kept, checked by the
 * database in the handler's first round trip (session_settle() after). */
static enum perr
pipeline(struct req *r, const struct route *routes, size_t nroutes, int *rix, bool kept_ok)
{
	const char *uri = r->env[E_DOCUMENT_URI], *qs;
	const struct route *rt = NULL;
	size_t i;
	bool path_known = false, root;
	enum perr e;

	r->ip = r->env[E_REMOTE_ADDR];
	if (r->ip == NULL)
		r->ip = "";
	r->https = r->env[E_HTTPS] != NULL && r->env[E_HTTPS][0] != '\0';
	r->ctype = r->env[E_CONTENT_TYPE];

	/* parse, with limits; Apache gives no DOCUMENT_URI, only REQUEST_URI */
	if (uri == NULL && (uri = r->env[E_REQUEST_URI]) != NULL) {
		r->uri = strndup(uri, strcspn(uri, "?"));
		uri = r->uri;
	}
	if (uri == NULL || strlen(uri) > PATH_MAX_BYTES)
		return PERR_NOT_FOUND;
	/* below /api/<role>/, or a page of the site's own (R_ROOT) */
	root = strncmp(uri, api_prefix, api_plen) != 0;
	r->path = root ? uri : uri + api_plen;
	if ((qs = r->env[E_QUERY_STRING]) != NULL && *qs != '\0') {
		e = form_urlencoded(qs, strlen(qs), QUERY_MAX_BYTES, &r->query, &r->nquery);
		if (e == PERR_TOO_LARGE)
			return req_fail(r, PERR_BAD_REQUEST, NULL, "查询参数过长");
		if (e != PERR_OK)
			return req_fail(r, e == PERR_DUP_FIELD ? e : PERR_BAD_REQUEST,
			    NULL, "查询参数格式不正确");
	}

	/* method allowlist and route lookup */
	if ((r->method = parse_method(r->env[E_REQUEST_METHOD])) == 0)
		return PERR_METHOD;
	/* the operators' counters (lib/metrics.c): the web server serves them to
	 * localhost only, and so does the program, should a server not */
	if (strcmp(r->path, "/metrics") == 0) {
		if (!metrics_loopback(r->ip))
			return PERR_NOT_FOUND;
		*rix = METRICS_SELF;
		return r->method == M_GET ? metrics_reply(r) : PERR_METHOD;
	}
	for (i = 0; i < nroutes; i++) {
		long long ids[2] = { 0, 0 };
		char tok[65] = "";

		if (((routes[i].flags & R_ROOT) != 0) != root ||
		    !route_match(routes[i].pattern, r->path, ids, tok))
			continue;
		path_known = true;
		if (routes[i].method == r->method) {
			rt = &routes[i];
			*rix = (int)i;
			r->id = ids[0];
			r->id2 = ids[1];
			memcpy(r->tok, tok, sizeof(tok));
			break;
		}
	}
	if (rt == NULL)
		return path_known ? PERR_METHOD : PERR_NOT_FOUND;

	/* session and role */
	if (!(rt->flags & R_PUBLIC)) {
		char tok[33];

		if (!session_cookie(r->env[E_HTTP_COOKIE], tok))
			return req_fail(r, PERR_UNAUTHORIZED, NULL, "请先登录");
		kept_ok = kept_ok && r->method == M_GET && !(rt->flags & R_SESSION);
		if ((e = session_lookup(tok, prog_role, &r->s, kept_ok)) == PERR_UNAUTHORIZED)
			return req_fail(r, e, NULL, "登录已过期，请重新登录");
		if (e != PERR_OK)
			return e;
		r->has_session = true;
		/* a password someone else chose opens the account, not the work */
		if (r->s.must_change_password && !(rt->flags & R_ONE_TIME))
			return PERR_PASSWORD_CHANGE;
		/* a unit that registered itself works only once the platform approved it */
		if (r->s.org_id != 0 && strcmp(r->s.org_status, "approved") != 0 &&
		    !(rt->flags & R_UNAPPROVED))
			return req_fail(r, PERR_FORBIDDEN, NULL, strcmp(r->s.org_status, "rejected") == 0 ?
			    "单位注册未通过平台审核，请按审核意见修改后重新提交" :
			    "单位注册正在等待平台审核，审核通过后即可办理业务");
		/* a committee member's login votes; it never reaches the desk */
		if (r->s.member && !(rt->flags & R_MEMBER))
			return req_fail(r, PERR_FORBIDDEN, NULL, "评委账号只能查看本人的评审会议并参加表决");
	}

	/* CSRF on every state-changing request */
	if (r->method != M_GET) {
		if (rt->flags & R_NO_CSRF) {
			if (!same_origin(r)) {
				log_warn("msg=\"cross-origin request refused\" path=%s origin=\"%.100s\""
				    " host=\"%.100s\" site=\"%.20s\"", r->path,
				    req_param(r, "HTTP_ORIGIN") ? req_param(r, "HTTP_ORIGIN") : "",
				    req_param(r, "HTTP_HOST") ? req_param(r, "HTTP_HOST") : "",
				    req_param(r, "HTTP_SEC_FETCH_SITE") ?
				    req_param(r, "HTTP_SEC_FETCH_SITE") : "");
				return PERR_CSRF;
			}
		} else {
			const char *tok = r->env[E_HTTP_X_CSRF_TOKEN];

			if (!r->has_session || tok == NULL || !ct_equal(tok, r->s.csrf))
				return PERR_CSRF;
		}
	}

	/* body, query string and declared fields */
	if ((e = declared(r, rt)) != PERR_OK)
		return e;

	e = rt->handler(r);
	if (db_in_tx()) {
		log_err("msg=\"handler left a transaction open\" path=%s", r->path);
		db_rollback();
		if (e == PERR_OK)
			e = PERR_INTERNAL;
	}
	return e;
}

/* r ready for a request (or for the same request again). */
static void
req_init(struct req *r, FCGX_Request *fr)
{
	memset(r, 0, offsetof(struct req, f));
	r->msg[0] = '\0';
	r->fcgx = fr;
	env_index(r, fr->envp);
	json_arena_begin();
	db_guard_clear();
	(void)db_take_message(NULL, 0);
}

/* What req_init() and the request took, let go. */
static void
req_release(struct req *r)
{
	cJSON_Delete(r->json);
	cJSON_Delete(r->out);
	json_arena_end();
	ref_release();
	free(r->body);
	free(r->raw);
	free(r->uri);
	free(r->set_cookie);
	kv_free(r->query, r->nquery);
}

/* One request, answered; *rix, *m, *status, *err say what it was for the metrics. */
static void
handle(FCGX_Request *fr, const struct route *routes, size_t nroutes, int *rix,
    enum method *m, int *status, enum perr *err)
{
	struct req r;
	enum perr e, s;

	req_init(&r, fr);
	*rix = METRICS_UNMATCHED;
	e = pipeline(&r, routes, nroutes, rix, true);
	/* a session this worker kept: the database's verdict on it */
	if ((s = session_settle()) == PERR_UNAUTHORIZED) {
		/* it ended or changed since, and nothing of the request ran in the
		 * database: the request again, its session looked up */
		log_info("msg=\"kept session changed\" path=%s", r.path ? r.path : "?");
		req_release(&r);
		req_init(&r, fr);
		e = pipeline(&r, routes, nroutes, rix, false);
		s = session_settle();
	}
	if (s != PERR_OK)
		e = s;
	*m = r.method;
	*err = e;
	*status = e != PERR_OK ? err_status(e) : r.raw != NULL ? 200 : r.status ? r.status : 200;
	/* a rule the database refused with speaks for itself, unless the
	 * handler said something more specific */
	if (e != PERR_OK && r.msg[0] == '\0')
		(void)db_take_message(r.msg, sizeof(r.msg));
	if (e != PERR_OK) {
		if (err_status(e) >= 500)
			log_err("msg=\"request failed\" path=%s code=%s",
			    r.path ? r.path : "?", err_code(e));
		if (navigated_page(&r))
			reply_error_page(&r, e);
		else
			reply_error(&r, e);
	} else if (r.raw != NULL)
		reply_raw(&r);
	else if (r.out != NULL)
		reply(&r, r.status ? r.status : 200, r.out);
	else {
		cJSON *ok = cJSON_CreateObject();

		cJSON_AddBoolToObject(ok, "ok", 1);
		reply(&r, r.status ? r.status : 200, ok);
		cJSON_Delete(ok);
	}
	req_release(&r);
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s -c config-file [-l log-file] | -R\n"
	    "A FastCGI responder: it serves the listening socket on fd 0.\n"
	    "-R prints the route table as JSON and exits.\n", prog);
}

/* -R: the route table as JSON on stdout (method, pattern, flags, declared
 * fields), for the test suites that derive their requests from it
 * (tests/integration/routes.mjs) rather than from a list of their own; and
 * last the path pipeline() answers before the table, GET /metrics, marked
 * "loopback" (no session: served to this machine's own address only). */
static int
dump_routes(const char *role, const struct route *routes, size_t nroutes)
{
	static const char *const methods[] = { [M_GET] = "GET", [M_POST] = "POST",
	    [M_PUT] = "PUT", [M_DELETE] = "DELETE" };
	static const char *const types[] = { [F_STR] = "str", [F_INT] = "int",
	    [F_BOOL] = "bool", [F_ARRAY] = "array", [F_FILE] = "file", [F_TEXT] = "text",
	    [F_DEC1] = "dec1", [F_LINES] = "lines" };
	cJSON *root = cJSON_CreateObject(), *list, *rt, *fl;
	const struct field *f;
	char *text;
	size_t i;

	cJSON_AddStringToObject(root, "program", role);
	list = cJSON_AddArrayToObject(root, "routes");
	for (i = 0; i < nroutes; i++) {
		rt = cJSON_CreateObject();
		cJSON_AddItemToArray(list, rt);
		cJSON_AddStringToObject(rt, "method", methods[routes[i].method]);
		cJSON_AddStringToObject(rt, "pattern", routes[i].pattern);
		cJSON_AddBoolToObject(rt, "public", routes[i].flags & R_PUBLIC);
		cJSON_AddBoolToObject(rt, "no_csrf", routes[i].flags & R_NO_CSRF);
		cJSON_AddBoolToObject(rt, "multipart", routes[i].flags & R_MULTIPART);
		cJSON_AddBoolToObject(rt, "unapproved", routes[i].flags & R_UNAPPROVED);
		cJSON_AddBoolToObject(rt, "root", routes[i].flags & R_ROOT);
		cJSON_AddBoolToObject(rt, "member", routes[i].flags & R_MEMBER);
		cJSON_AddBoolToObject(rt, "one_time", routes[i].flags & R_ONE_TIME);
		fl = routes[i].fields ? cJSON_AddArrayToObject(rt, "fields") :
		    cJSON_AddNullToObject(rt, "fields");
		for (f = routes[i].fields; f != NULL && f->name != NULL; f++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddItemToArray(fl, o);
			cJSON_AddStringToObject(o, "name", f->name);
			cJSON_AddStringToObject(o, "type", types[f->type]);
			cJSON_AddBoolToObject(o, "required", f->required);
			cJSON_AddNumberToObject(o, "min", (double)f->min);
			cJSON_AddNumberToObject(o, "max", (double)f->max);
			cJSON_AddBoolToObject(o, "checked", f->check != NULL);
		}
	}
	rt = cJSON_CreateObject();
	cJSON_AddItemToArray(list, rt);
	cJSON_AddStringToObject(rt, "method", "GET");
	cJSON_AddStringToObject(rt, "pattern", "/metrics");
	cJSON_AddBoolToObject(rt, "public", 1);
	cJSON_AddBoolToObject(rt, "loopback", 1);
	cJSON_AddNullToObject(rt, "fields");
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (text == NULL)
		return 1;
	puts(text);
	cJSON_free(text);
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * Ends a request whose reply is written. libfcgi's close shuts the sending
 * side, then waits until nginx has read the reply and closed its end (reading
 * whatever it still sends), so that a TCP reset cannot make nginx drop a reply
 * it has not read yet: meanwhile the worker can take no other request, and it
 * is woken once more only to see the end. A reset comes only from data left
 * unread when a socket closes: a request read to its end (a GET's empty body
 * at once; a body up to 64 KB that a refusal left unread) is closed at once
 * (FCGX_Detach: no shutdown, no wait), and libfcgi's wait is kept for the rest.
 */
static void
finish(FCGX_Request *fr)
{
	char rest[4096];
	size_t got = 0;
	int k;

	while (got < 64 * 1024 && (k = FCGX_GetStr(rest, sizeof(rest), fr->in)) > 0)
		got += (size_t)k;
	if (FCGX_HasSeenEOF(fr->in) == EOF && FCGX_GetError(fr->in) == 0)
		(void)FCGX_Detach(fr);
	FCGX_Finish_r(fr);
}

int
portal_main(const char *role, const struct route *routes, size_t nroutes,
    int argc, char **argv)
{
	FCGX_Request fr;
	const char *cfg = NULL, *logfile = NULL;
	char conninfo[1024];
	int c;

	prog_role = role;
	api_plen = (size_t)snprintf(api_prefix, sizeof(api_prefix), "/api/%s", role);
	if (api_plen >= sizeof(api_prefix))
		return 2;
	log_init(role);
	while ((c = getopt(argc, argv, "c:l:R")) != -1) {
		if (c == 'R')
			return dump_routes(role, routes, nroutes);
		if (c == 'c')
			cfg = optarg;
		else if (c == 'l')
			logfile = optarg;
		else {
			usage(argv[0]);
			return 2;
		}
	}
	if (cfg == NULL) {
		usage(argv[0]);
		return 2;
	}
	/* spawn-fcgi hands us /dev/null as stderr: log where we are told. */
	if (logfile != NULL && freopen(logfile, "a", stderr) == NULL)
		return 1;
	if (logfile != NULL)
		setvbuf(stderr, NULL, _IOLBF, 0);
	if (conf_load(cfg) != 0)
		return 1;
	snprintf(conninfo, sizeof(conninfo),
	    "host='%s' dbname='%s' user='%s%s' application_name='%s' connect_timeout=5",
	    conf.db_socket_dir, conf.db_name,
	    conf.db_user[0] ? "" : "portal_", conf.db_user[0] ? conf.db_user : role,
	    role);
	/* A database that is down now is not fatal: requests reconnect. */
	if (!standalone)
		(void)db_connect(conninfo);
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		log_err("msg=\"FastCGI init failed\"");
		return 1;
	}
	metrics_init(role, routes, nroutes);
	log_info("msg=\"worker ready\"");
	while (FCGX_Accept_r(&fr) >= 0) {
		struct timespec t0, t1;
		enum method m;
		enum perr e;
		int rix, status;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		metrics_busy(true);
		handle(&fr, routes, nroutes, &rix, &m, &status, &e);
		/* counted before the reply's last bytes leave: whoever has the
		 * whole reply finds the request in the next scrape */
		clock_gettime(CLOCK_MONOTONIC, &t1);
		metrics_request(rix, m, status, e, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		finish(&fr);
		metrics_busy(false);
	}
	db_close();
	return 0;
}
