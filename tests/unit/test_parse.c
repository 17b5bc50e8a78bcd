/* Parsers of untrusted bytes: urlencoded, multipart, JSON bodies and declared fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "portal.h"

static void
t_urlencoded(void **state)
{
	struct kv *kv;
	size_t n;
	char big[2000];
	size_t i;

	(void)state;
	assert_int_equal(form_urlencoded("a=1&b=%E4%B8%AD&c", 17, 100, &kv, &n), PERR_OK);
	assert_int_equal(n, 3);
	assert_string_equal(kv[1].val, "中");
	assert_string_equal(kv[2].key, "c");
	assert_string_equal(kv[2].val, "");
	kv_free(kv, n);
	assert_int_equal(form_urlencoded("a+b=c+d", 7, 100, &kv, &n), PERR_OK);
	assert_string_equal(kv[0].key, "a b");
	assert_string_equal(kv[0].val, "c d");
	kv_free(kv, n);
	assert_int_equal(form_urlencoded("a=1&a=2", 7, 100, &kv, &n), PERR_DUP_FIELD);
	assert_int_equal(form_urlencoded("a=%zz", 5, 100, &kv, &n), PERR_BAD_REQUEST);
	assert_int_equal(form_urlencoded("a=%4", 4, 100, &kv, &n), PERR_BAD_REQUEST);
	assert_int_equal(form_urlencoded("a=%", 3, 100, &kv, &n), PERR_BAD_REQUEST);
	assert_int_equal(form_urlencoded("a=%00", 5, 100, &kv, &n), PERR_BAD_REQUEST);
	assert_int_equal(form_urlencoded("a=%ff", 5, 100, &kv, &n), PERR_BAD_REQUEST);
	assert_int_equal(form_urlencoded("=x", 2, 100, &kv, &n), PERR_BAD_REQUEST);
	assert_int_equal(form_urlencoded("a=1", 3, 2, &kv, &n), PERR_TOO_LARGE);
	assert_int_equal(form_urlencoded("&&a=1&&", 7, 100, &kv, &n), PERR_OK);
	assert_int_equal(n, 1);
	kv_free(kv, n);
	/* 64 pairs are fine, 65 are not */
	for (i = 0, big[0] = '\0'; i < 65; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%sk%zu=v",
		    i ? "&" : "", i);
	assert_int_equal(form_urlencoded(big, strlen(big), sizeof(big), &kv, &n),
	    PERR_BAD_REQUEST);
	*strrchr(big, '&') = '\0';
	assert_int_equal(form_urlencoded(big, strlen(big), sizeof(big), &kv, &n), PERR_OK);
	assert_int_equal(n, 64);
	kv_free(kv, n);
}

static void
t_boundary(void **state)
{
	char b[80], longb[200];

	(void)state;
	assert_int_equal(form_boundary("multipart/form-data; boundary=abc", b, sizeof(b)), PERR_OK);
	assert_string_equal(b, "abc");
	assert_int_equal(form_boundary("multipart/form-data; charset=x; boundary=\"a b\"",
	    b, sizeof(b)), PERR_OK);
	assert_string_equal(b, "a b");
	assert_int_equal(form_boundary("multipart/form-data", b, sizeof(b)), PERR_BAD_REQUEST);
	assert_int_equal(form_boundary("text/plain; boundary=abc", b, sizeof(b)), PERR_MEDIA_TYPE);
	assert_int_equal(form_boundary(NULL, b, sizeof(b)), PERR_MEDIA_TYPE);
	snprintf(longb, sizeof(longb), "multipart/form-data; boundary=%071d", 0);
	assert_int_equal(form_boundary(longb, b, sizeof(b)), PERR_BAD_REQUEST);
	snprintf(longb, sizeof(longb), "multipart/form-data; boundary=%070d", 0);
	assert_int_equal(form_boundary(longb, b, sizeof(b)), PERR_OK);
}

#define MP_OK \
	"--XyZ\r\n" \
	"Content-Disposition: form-data; name=\"title\"\r\n\r\n" \
	"总结\r\n" \
	"--XyZ\r\n" \
	"Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\docs\\\\a.pdf\"\r\n" \
	"Content-Type: application/pdf\r\n\r\n" \
	"%PDF-1.4 --XyZ inside\r\n%%EOF\r\n" \
	"--XyZ--\r\n"

static enum perr
mp(const char *body, struct part *parts, size_t max, size_t *n)
{
	return form_multipart(body, strlen(body), "XyZ", parts, max, n);
}

static void
t_multipart(void **state)
{
	struct part p[4];
	size_t n;

	(void)state;
	assert_int_equal(mp(MP_OK, p, 4, &n), PERR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].name, "title");
	assert_int_equal(p[0].len, strlen("总结"));
	assert_string_equal(p[1].filename, "a.pdf");	/* path dropped */
	assert_string_equal(p[1].ctype, "application/pdf");
	assert_int_equal(p[1].len, strlen("%PDF-1.4 --XyZ inside\r\n%%EOF"));
	/* too many parts */
	assert_int_equal(mp(MP_OK, p, 1, &n), PERR_BAD_REQUEST);
	/* truncated: no closing delimiter */
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc",
	    p, 4, &n), PERR_BAD_REQUEST);
	/* no header/body separator */
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nabc\r\n--XyZ--",
	    p, 4, &n), PERR_BAD_REQUEST);
	/* no Content-Disposition */
	assert_int_equal(mp("--XyZ\r\nContent-Type: text/plain\r\n\r\nabc\r\n--XyZ--",
	    p, 4, &n), PERR_BAD_REQUEST);
	/* unterminated quoted name */
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nabc\r\n--XyZ--",
	    p, 4, &n), PERR_BAD_REQUEST);
	/* duplicate names: parts[n] is the one named again */
	n = 0;
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n0\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--XyZ--",
	    p, 4, &n), PERR_DUP_FIELD);
	assert_int_equal(n, 2);
	assert_string_equal(p[n].name, "a");
	/* wrong boundary, empty body, no parts */
	assert_int_equal(mp("--Other\r\n\r\n--Other--", p, 4, &n), PERR_BAD_REQUEST);
	assert_int_equal(mp("", p, 4, &n), PERR_BAD_REQUEST);
	assert_int_equal(mp("--XyZ--", p, 4, &n), PERR_BAD_REQUEST);
	/* garbage after the delimiter line */
	assert_int_equal(mp("--XyZjunk\r\n", p, 4, &n), PERR_BAD_REQUEST);
	/* an unterminated file name, control characters, invalid UTF-8, dot names */
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../etc/x.pdf\r\n\r\n"
	    "x\r\n--XyZ--", p, 4, &n), PERR_BAD_REQUEST);
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\x1b[31m.pdf\"\r\n\r\n"
	    "x\r\n--XyZ--", p, 4, &n), PERR_BAD_REQUEST);
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\xff.pdf\"\r\n\r\n"
	    "x\r\n--XyZ--", p, 4, &n), PERR_BAD_REQUEST);
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a/..\"\r\n\r\n"
	    "x\r\n--XyZ--", p, 4, &n), PERR_BAD_REQUEST);
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../etc/证书.pdf\"\r\n\r\n"
	    "x\r\n--XyZ--", p, 4, &n), PERR_OK);
	assert_string_equal(p[0].filename, "证书.pdf");
	/* a filename that is only a path */
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a/\"\r\n\r\n"
	    "x\r\n--XyZ--", p, 4, &n), PERR_BAD_REQUEST);
	/* a NUL in a name is refused, not taken as its end ("a\0.pdf" was stored as "a") */
	{
		static const char nul[] = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
		    "filename=\"a\0.pdf\"\r\n\r\nx\r\n--XyZ--";

		assert_int_equal(form_multipart(nul, sizeof(nul) - 1, "XyZ", p, 4, &n), PERR_BAD_REQUEST);
	}
	/* the browser's %22 is the name's quote, its %0A or %0D a space */
	assert_int_equal(mp("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"获奖 %22证书%22%0Aa.pdf\"\r\n\r\nx\r\n--XyZ--", p, 4, &n), PERR_OK);
	assert_string_equal(p[0].filename, "获奖 \"证书\" a.pdf");
	/* a name of more than 200 characters keeps its beginning and its extension */
	{
		char body[2048], want[1024];
		size_t o = 0, w = 0;

		o += (size_t)snprintf(body, sizeof(body), "--XyZ\r\nContent-Disposition: form-data; "
		    "name=\"f\"; filename=\"");
		for (int i = 0; i < 250; i++) {
			memcpy(body + o, "证", 3);
			o += 3;
			if (i < 196) {
				memcpy(want + w, "证", 3);
				w += 3;
			}
		}
		snprintf(body + o, sizeof(body) - o, ".pdf\"\r\n\r\nx\r\n--XyZ--");
		snprintf(want + w, sizeof(want) - w, ".pdf");
		assert_int_equal(mp(body, p, 4, &n), PERR_OK);
		assert_string_equal(p[0].filename, want);
		assert_int_equal(utf8_chars(p[0].filename), 200);
	}
}

static void
t_sniff(void **state)
{
	(void)state;
	assert_string_equal(upload_sniff("%PDF-1.4\n...\n%%EOF\n", 19), "application/pdf");
	assert_null(upload_sniff("%PDF-1.4\n... truncated", 22));
	assert_string_equal(upload_sniff("\xFF\xD8\xFF\xE0....\xFF\xD9", 10), "image/jpeg");
	assert_null(upload_sniff("\xFF\xD8\xFF\xE0....", 8));
	assert_null(upload_sniff("\x89PNG\r\n\x1a\n....", 12));
	assert_null(upload_sniff("", 0));
}

static void
t_download_name(void **state)
{
	static const struct { const char *stored, *ctype, *want; } c[] = {
		{ "poly.html", "image/jpeg", "poly.jpg" },
		{ "poly.svg", "image/jpeg", "poly.jpg" },
		{ "poly.html", "application/pdf", "poly.pdf" },
		{ "证书.PDF", "application/pdf", "证书.pdf" },
		{ "照片.jpeg", "image/jpeg", "照片.jpg" },
		{ "no-extension", "application/pdf", "no-extension.pdf" },
		{ "a.b.c.exe", "application/pdf", "a.b.c.pdf" },
		{ "C:\\Users\\x\\scan.png", "image/jpeg", "scan.jpg" },
		{ "../../etc/passwd", "application/pdf", "passwd.pdf" },
		{ ".htaccess", "application/pdf", ".htaccess.pdf" },
		{ "", "application/pdf", "附件.pdf" },
		{ "dir/", "image/jpeg", "附件.jpg" },
		{ "报告.pdf", "text/html", "报告" },	/* no type we know: no extension */
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(c); i++) {
		upload_filename(c[i].stored, c[i].ctype, out, sizeof(out));
		assert_string_equal(out, c[i].want);
	}
	/* cut to the buffer before a whole character, the extension kept */
	upload_filename("述职报告.html", "application/pdf", out, 11);	/* 10 bytes: 述 + .pdf = 7 */
	assert_string_equal(out, "述职.pdf");
	upload_filename("述职报告.html", "application/pdf", out, 10);
	assert_string_equal(out, "述.pdf");
	upload_filename("x.html", "application/pdf", out, 3);
	assert_string_equal(out, "");
}

static void
t_json(void **state)
{
	cJSON *j;

	(void)state;
	assert_int_equal(json_parse_object("{}", 2, &j), PERR_OK);
	cJSON_Delete(j);
	assert_int_equal(json_parse_object(" {\"a\":1} \n", 10, &j), PERR_OK);
	cJSON_Delete(j);
	assert_int_equal(json_parse_object("[]", 2, &j), PERR_INVALID_JSON);
	assert_int_equal(json_parse_object("{", 1, &j), PERR_INVALID_JSON);
	assert_int_equal(json_parse_object("{\"a\":1} x", 9, &j), PERR_INVALID_JSON);
	assert_int_equal(json_parse_object("{\"a\":\"\\u0000\"}", 14, &j), PERR_INVALID_JSON);
	assert_int_equal(json_parse_object("{\"a\":\"\xff\"}", 8, &j), PERR_INVALID_JSON);
	assert_int_equal(json_parse_object("{\"a\":1}\0", 8, &j), PERR_INVALID_JSON);
	assert_int_equal(json_parse_object("", 0, &j), PERR_INVALID_JSON);
}

static const struct field fields[] = {
	{ "name", "姓名", F_STR, true, 2, 5, NULL, NULL },
	{ "age", "年龄", F_INT, false, 18, 70, NULL, NULL },
	{ "ok", "同意", F_BOOL, false, 0, 0, NULL, NULL },
	{ "mobile", "手机号码", F_STR, false, 11, 11, valid_mobile, "手机号码格式不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
check(const char *text, struct fval *v, const char **bad, char *msg)
{
	cJSON *j;
	enum perr e;

	if ((e = json_parse_object(text, strlen(text), &j)) != PERR_OK)
		return e;
	static char badcopy[64];

	e = field_check(j, fields, v, bad, msg, 256);
	/* bad points into the JSON tree, which a request keeps until it ends */
	snprintf(badcopy, sizeof(badcopy), "%s", *bad ? *bad : "");
	*bad = badcopy;
	cJSON_Delete(j);
	return e;
}

static void
t_fields(void **state)
{
	struct fval v[FIELDS_MAX];
	const char *bad;
	char msg[256];

	(void)state;
	assert_int_equal(check("{\"name\":\"张三\",\"age\":18,\"ok\":true}", v, &bad, msg), PERR_OK);
	assert_true(v[1].present);
	assert_int_equal(v[1].i, 18);
	assert_true(v[2].b);
	assert_false(v[3].present);
	assert_int_equal(check("{\"name\":\"张三张三张\"}", v, &bad, msg), PERR_OK);	/* 5 chars */
	assert_int_equal(check("{\"name\":\"张三张三张三\"}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_string_equal(bad, "name");
	assert_int_equal(check("{\"name\":\"张\"}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_string_equal(msg, "请填写姓名");
	assert_int_equal(check("{\"name\":null}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{\"name\":\"张三\",\"age\":17}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{\"name\":\"张三\",\"age\":71}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{\"name\":\"张三\",\"age\":20.5}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{\"name\":\"张三\",\"age\":\"20\"}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{\"name\":\"张三\",\"ok\":1}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{\"name\":12}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{\"name\":\"张三\",\"mobile\":\"123\"}", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(check("{\"name\":\"张三\",\"mobile\":\"12345678901\"}", v, &bad, msg),
	    PERR_INVALID_FIELD);
	assert_string_equal(msg, "手机号码格式不正确");
	{
		/* an empty optional text is present as "" (drafts clear a field with it) */
		static const char body[] = "{\"name\":\"张三\",\"mobile\":\"\"}";
		cJSON *j;

		assert_int_equal(json_parse_object(body, strlen(body), &j), PERR_OK);
		assert_int_equal(field_check(j, fields, v, &bad, msg, sizeof(msg)), PERR_OK);
		assert_true(v[3].present);
		assert_string_equal(v[3].s, "");
		cJSON_Delete(j);
	}
	assert_int_equal(check("{\"name\":\"张三\",\"role\":\"admin\"}", v, &bad, msg),
	    PERR_UNKNOWN_FIELD);
	assert_string_equal(bad, "role");
	assert_int_equal(check("{\"name\":\"张三\",\"name\":\"李四\"}", v, &bad, msg), PERR_DUP_FIELD);
	assert_int_equal(check("{\"name\":\"张\\u0007三\"}", v, &bad, msg), PERR_INVALID_FIELD);
}

/* A query string checked against the same kind of table as a JSON body; the
 * values point into the pairs, which live until the next call (as a request's do). */
static enum perr
qcheck(const char *qs, struct fval *v, const char **bad, char *msg)
{
	static struct kv *kv;
	static size_t n;
	enum perr e;

	kv_free(kv, n);
	kv = NULL;
	n = 0;
	if ((e = form_urlencoded(qs, strlen(qs), 2048, &kv, &n)) == PERR_OK)
		e = field_check_kv(kv, n, fields, v, bad, msg, 256);
	return e;
}

static void
t_query_fields(void **state)
{
	struct fval v[FIELDS_MAX];
	const char *bad;
	char msg[256];

	(void)state;
	assert_int_equal(qcheck("name=%E5%BC%A0%E4%B8%89&age=18&ok=1", v, &bad, msg), PERR_OK);
	assert_string_equal(v[0].s, "张三");
	assert_int_equal(v[1].i, 18);
	assert_true(v[2].b);
	assert_int_equal(qcheck("name=ab&ok=false", v, &bad, msg), PERR_OK);
	assert_true(v[2].present);
	assert_false(v[2].b);
	/* a cleared filter is absent; an integer is plain decimal, in range */
	assert_int_equal(qcheck("name=ab&age=", v, &bad, msg), PERR_OK);
	assert_false(v[1].present);
	assert_int_equal(qcheck("name=ab&age=70", v, &bad, msg), PERR_OK);
	assert_int_equal(qcheck("name=ab&age=71", v, &bad, msg), PERR_INVALID_FIELD);
	assert_string_equal(bad, "age");
	assert_int_equal(qcheck("name=ab&age=%2B20", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(qcheck("name=ab&age=20.0", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(qcheck("name=ab&age=1e1", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(qcheck("name=ab&age=0000000000000000020", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(qcheck("name=ab&ok=yes", v, &bad, msg), PERR_INVALID_FIELD);
	assert_int_equal(qcheck("name=ab&sort=x", v, &bad, msg), PERR_UNKNOWN_FIELD);
	assert_string_equal(bad, "sort");
	assert_int_equal(qcheck("age=20", v, &bad, msg), PERR_INVALID_FIELD);
	assert_string_equal(msg, "请填写姓名");
	(void)qcheck("", v, &bad, msg);	/* frees the last pairs */
}

/* A line is what is seen of it, whichever way it came: what cannot be seen is
 * dropped (a unit named with a zero-width space inside passed for the real one),
 * but a variation selector (a rare character's glyph); a form's part trimmed
 * as a JSON string is. Longer texts keep theirs. */
static void
t_fields_unseen(void **state)
{
	static const struct field tf[] = {
		{ "name", "单位名称", F_STR, true, 1, 20, NULL, NULL },
		{ "note", "说明", F_LINES, false, 0, 20, NULL, NULL },
		{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
	};
	const char *in = "{\"name\":\"\\u3000金华宏达\\u200b建设\\u2060\\ufeff\\u00ad \","
	    "\"note\":\"甲\\u200b乙\"}";
	const char *vs = "{\"name\":\"\\u845b\\udb40\\udd00\"}";	/* 葛 U+E0100 */
	static const char *const drawn_alike[] = {
		"{\"name\":\"宏达\\ufe00\"}",
		"{\"name\":\"宏\\ufe0f达\"}",
		"{\"name\":\"\\udb40\\udd00宏达\"}",	/* U+E0100 first */
		"{\"name\":\"宏达\\u3000\\udb40\\udd00\"}",	/* after a space */
		"{\"name\":\"宏\\u180b达\"}",
	};
	const char *lone = "{\"name\":\"\\ufe0f\"}";
	size_t i;
	struct fval v[FIELDS_MAX];
	struct part p[1];
	char part[64];
	const char *bad;
	char msg[256];
	cJSON *j;

	(void)state;
	assert_int_equal(json_parse_object(in, strlen(in), &j), PERR_OK);
	if (field_check(j, tf, v, &bad, msg, sizeof(msg)) != PERR_OK)
		fail_msg("refused: %s", msg);
	assert_string_equal(v[0].s, "金华宏达建设");
	assert_string_equal(v[1].s, "甲\xe2\x80\x8b乙");
	cJSON_Delete(j);
	assert_int_equal(json_parse_object(vs, strlen(vs), &j), PERR_OK);
	assert_int_equal(field_check(j, tf, v, &bad, msg, sizeof(msg)), PERR_OK);
	assert_string_equal(v[0].s, "\xe8\x91\x9b\xf3\xa0\x84\x80");
	cJSON_Delete(j);
	/* but not one after anything else, nor any other selector: 达 U+FE00 reads 达 */
	for (i = 0; i < NITEMS(drawn_alike); i++) {
		assert_int_equal(json_parse_object(drawn_alike[i], strlen(drawn_alike[i]), &j), PERR_OK);
		assert_int_equal(field_check(j, tf, v, &bad, msg, sizeof(msg)), PERR_OK);
		assert_string_equal(v[0].s, "宏达");
		cJSON_Delete(j);
	}
	assert_int_equal(json_parse_object(lone, strlen(lone), &j), PERR_OK);
	assert_int_equal(field_check(j, tf, v, &bad, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(bad, "name");
	cJSON_Delete(j);
	memset(p, 0, sizeof(p));
	snprintf(p[0].name, sizeof(p[0].name), "name");
	snprintf(part, sizeof(part), "金华宏达建设 \xe2\x80\x8b");
	p[0].data = part;
	p[0].len = strlen(part);
	assert_int_equal(field_check_parts(p, 1, tf, v, &bad, msg, sizeof(msg)), PERR_OK);
	assert_string_equal(v[0].s, "金华宏达建设");
}

static void
t_part_fields(void **state)
{
	static const struct field up[] = {
		{ "file", "文件", F_FILE, true, 1, 10, NULL, NULL },
		{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
	};
	struct part p[2];
	struct fval v[FIELDS_MAX];
	const char *bad;
	char msg[256];

	(void)state;
	memset(p, 0, sizeof(p));
	snprintf(p[0].name, sizeof(p[0].name), "file");
	snprintf(p[0].filename, sizeof(p[0].filename), "a.pdf");
	p[0].data = "0123456789";
	p[0].len = 10;
	assert_int_equal(field_check_parts(p, 1, up, v, &bad, msg, sizeof(msg)), PERR_OK);
	assert_true(v[0].present);
	assert_ptr_equal(v[0].part, &p[0]);
	p[0].len = 11;
	assert_int_equal(field_check_parts(p, 1, up, v, &bad, msg, sizeof(msg)), PERR_TOO_LARGE);
	p[0].len = 0;	/* no file chosen */
	assert_int_equal(field_check_parts(p, 1, up, v, &bad, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "请选择文件");
	p[0].len = 3;
	p[1] = p[0];
	assert_int_equal(field_check_parts(p, 2, up, v, &bad, msg, sizeof(msg)), PERR_DUP_FIELD);
	snprintf(p[1].name, sizeof(p[1].name), "note");
	assert_int_equal(field_check_parts(p, 2, up, v, &bad, msg, sizeof(msg)), PERR_UNKNOWN_FIELD);
	assert_string_equal(bad, "note");
}

/* F_TEXT counts as a reader sees it: 3 characters here are 3 flags (6 code
 * points) or 3 letters with combining marks; the line breaks between
 * paragraphs are none (utf8_words). */
static void
t_fields_text(void **state)
{
	static const struct field tf[] = {
		{ "statement", "本人述职", F_TEXT, false, 0, 3, NULL, NULL },
		{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
	};
	static const char *const ok[] = {
		"{\"statement\":\"\U0001F1E8\U0001F1F3\U0001F1E8\U0001F1F3\U0001F1E8\U0001F1F3\"}",
		"{\"statement\":\"e\u0301e\u0301e\u0301\"}",
		"{\"statement\":\"a\\r\\nb\"}",
		"{\"statement\":\"a\\n\\rb\\n\\nc\"}",
		"{\"statement\":\"\"}",
	};
	static const char *const bad4[] = {
		"{\"statement\":\"\U0001F1E8\U0001F1F3\U0001F1E8\U0001F1F3\U0001F1E8\U0001F1F3\U0001F1FA\U0001F1F8\"}",
		"{\"statement\":\"a\\n\\rbcd\"}",
	};
	struct fval v[FIELDS_MAX];
	const char *bad;
	char msg[256];
	cJSON *j;
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(ok); i++) {
		assert_int_equal(json_parse_object(ok[i], strlen(ok[i]), &j), PERR_OK);
		if (field_check(j, tf, v, &bad, msg, sizeof(msg)) != PERR_OK)
			fail_msg("case %zu refused: %s", i, msg);
		assert_true(v[0].present);
		cJSON_Delete(j);
	}
	for (i = 0; i < NITEMS(bad4); i++) {
		assert_int_equal(json_parse_object(bad4[i], strlen(bad4[i]), &j), PERR_OK);
		assert_int_equal(field_check(j, tf, v, &bad, msg, sizeof(msg)), PERR_INVALID_FIELD);
		assert_string_equal(bad, "statement");
		assert_string_equal(msg, "本人述职不能超过 3 字（当前 4 字）");
		cJSON_Delete(j);
	}
}

/* F_STR is one line: a line break or a tab inside is refused, at its ends
 * trimmed; F_LINES keeps the lines between, counted in code points. */
static void
t_fields_lines(void **state)
{
	static const struct field tf[] = {
		{ "title", "名称", F_STR, false, 0, 10, NULL, NULL },
		{ "reason", "理由", F_LINES, false, 0, 6, NULL, NULL },
		{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
	};
	static const char *const one_line_bad[] = {
		"{\"title\":\"建筑\\n工程\"}",
		"{\"title\":\"建筑\\r工程\"}",
		"{\"title\":\"建筑\\t工程\"}",
		"{\"title\":\"建筑\\u2028工程\"}",	/* line and paragraph separators */
		"{\"title\":\"建筑\\u2029工程\"}",
	};
	struct fval v[FIELDS_MAX];
	const char *bad;
	char msg[256];
	const char *ok = "{\"title\":\"\\n 建筑工程\\r\\n\",\"reason\":\"a\\nb\\r\\nc\"}";
	const char *over = "{\"reason\":\"abc\\ndef\"}";
	cJSON *j;
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(one_line_bad); i++) {
		assert_int_equal(json_parse_object(one_line_bad[i], strlen(one_line_bad[i]), &j),
		    PERR_OK);
		assert_int_equal(field_check(j, tf, v, &bad, msg, sizeof(msg)), PERR_INVALID_FIELD);
		assert_string_equal(bad, "title");
		assert_string_equal(msg, "名称只能填写一行，不能含换行或制表符");
		cJSON_Delete(j);
	}
	assert_int_equal(json_parse_object(ok, strlen(ok), &j), PERR_OK);
	if (field_check(j, tf, v, &bad, msg, sizeof(msg)) != PERR_OK)
		fail_msg("refused: %s", msg);
	assert_string_equal(v[0].s, "建筑工程");
	assert_string_equal(v[1].s, "a\nb\r\nc");
	cJSON_Delete(j);
	assert_int_equal(json_parse_object(over, strlen(over), &j), PERR_OK);
	assert_int_equal(field_check(j, tf, v, &bad, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "理由不能超过 6 个字符（当前 7 个）");
	cJSON_Delete(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_urlencoded),
		cmocka_unit_test(t_boundary),
		cmocka_unit_test(t_multipart),
		cmocka_unit_test(t_sniff),
		cmocka_unit_test(t_download_name),
		cmocka_unit_test(t_json),
		cmocka_unit_test(t_fields),
		cmocka_unit_test(t_query_fields),
		cmocka_unit_test(t_part_fields),
		cmocka_unit_test(t_fields_text),
		cmocka_unit_test(t_fields_lines),
		cmocka_unit_test(t_fields_unseen),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
