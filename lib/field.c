/* field.c: JSON bodies and the declared-field tables every handler uses. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portal.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define ARENA_UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ARENA_POISON(p, n)	((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n)	((void)(p), (void)(n))
#endif

/* The request's arena: chunks, the newest first; the oldest (ARENA_KEEP
 * bytes) stays from one request to the next, the others go back at the end. */
struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

enum { ARENA_KEEP = 64 * 1024 };

static struct chunk *arena;
static bool arena_on;

static bool
in_arena(const void *p)
{
	const struct chunk *c;
	uintptr_t x = (uintptr_t)p;

	for (c = arena; c != NULL; c = c->next)
		if (x >= (uintptr_t)c->data && x < (uintptr_t)c->data + c->size)
			return true;
	return false;
}

static void *
arena_malloc(size_t n)
{
	struct chunk *c = arena;
	void *p;

	if (!arena_on)
		return malloc(n);
	if (n > SIZE_MAX / 4)
		return NULL;
	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > ARENA_KEEP ? n : ARENA_KEEP;

		/* a chunk at least twice the last: a page of 10 000 rows is a
		 * dozen chunks, not thousands */
		if (c != NULL && size < 2 * c->size)
			size = 2 * c->size;
		if ((c = malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = arena;
		ARENA_POISON(c->data, size);
		arena = c;
	}
	p = c->data + c->used;
	c->used += n;
	ARENA_UNPOISON(p, n);
	return p;
}

static void
arena_free(void *p)
{
	if (p != NULL && !in_arena(p))
		free(p);
}

void
json_arena_begin(void)
{
	static bool hooked;

	if (!hooked) {
		cJSON_Hooks h = { .malloc_fn = arena_malloc, .free_fn = arena_free };

		cJSON_InitHooks(&h);
		hooked = true;
	}
	arena_on = true;
}

void
json_arena_end(void)
{
	arena_on = false;
	while (arena != NULL && arena->next != NULL) {
		struct chunk *c = arena;

		arena = c->next;
		free(c);
	}
	if (arena != NULL && arena->size > ARENA_KEEP) {
		free(arena);
		arena = NULL;
	}
	if (arena != NULL) {
		arena->used = 0;
		ARENA_POISON(arena->data, arena->size);
	}
}

enum perr
json_parse_object(const char *body, size_t len, cJSON **out)
{
	cJSON *j;
	const char *end = NULL;
	size_t i;

	*out = NULL;
	if (!valid_utf8(body, len) || memchr(body, '\0', len) != NULL)
		return PERR_INVALID_JSON;
	/* A \u0000 escape would silently cut a string short inside cJSON. */
	for (i = 0; i + 6 <= len; i++)
		if (body[i] == '\\' && body[i + 1] == 'u' &&
		    strncmp(body + i + 2, "0000", 4) == 0)
			return PERR_INVALID_JSON;
	j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (j == NULL)
		return PERR_INVALID_JSON;
	/* nothing but white space may follow the value */
	for (; end != NULL && end < body + len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n') {
			cJSON_Delete(j);
			return PERR_INVALID_JSON;
		}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return PERR_INVALID_JSON;
	}
	*out = j;
	return PERR_OK;
}

/* --- printing -------------------------------------------------------- */

struct jbuf {
	char *p;
	size_t n, cap;
	bool bad;
};

/* Room for n more bytes at b->p + b->n, or NULL (and b->bad). */
static char *
jb_grow(struct jbuf *b, size_t n)
{
	char *q;
	size_t cap;

	if (b->bad)
		return NULL;
	for (cap = b->cap ? b->cap : 4096; n > cap - b->n; cap *= 2)
		if (cap > SIZE_MAX / 4) {
			b->bad = true;
			return NULL;
		}
	if ((q = realloc(b->p, cap)) == NULL) {
		b->bad = true;
		return NULL;
	}
	b->p = q;
	b->cap = cap;
	return b->p + b->n;
}

static inline char *
jb_room(struct jbuf *b, size_t n)
{
	return !b->bad && n <= b->cap - b->n ? b->p + b->n : jb_grow(b, n);
}

static void
jb_put(struct jbuf *b, const char *s, size_t n)
{
	char *q = jb_room(b, n);

	if (q != NULL) {
		memcpy(q, s, n);
		b->n += n;
	}
}

static inline void
jb_char(struct jbuf *b, char c)
{
	if (b->n < b->cap && !b->bad)
		b->p[b->n++] = c;
	else
		jb_put(b, &c, 1);
}

/* None of the eight bytes at p is below 0x20, '"' or '\\' (the test for a
 * zero byte, x - 1 & ~x & 0x80 in each, on x, x ^ '"' and x ^ '\\'). */
static inline bool
plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t x, dq, bs;

	memcpy(&x, p, 8);
	dq = x ^ (ones * '"');
	bs = x ^ (ones * '\\');
	return ((((x - ones * 0x20) & ~x) | ((dq - ones) & ~dq) | ((bs - ones) & ~bs)) &
	    high) == 0;
}

/* a string as cJSON writes it: " \\ and the control characters escaped,
 * everything else (UTF-8 included) as it is; room for the worst case is
 * made first, then the bytes go one by one without a check */
static void
jb_string(struct jbuf *b, const char *s, char tail)
{
	/* 0: as it is; else the letter after the backslash ('u': \u00XX) */
	static const char esc[256] = {
		['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
		[1] = 'u', [2] = 'u', [3] = 'u', [4] = 'u', [5] = 'u', [6] = 'u', [7] = 'u',
		[11] = 'u', [14] = 'u', [15] = 'u', [16] = 'u', [17] = 'u', [18] = 'u',
		[19] = 'u', [20] = 'u', [21] = 'u', [22] = 'u', [23] = 'u', [24] = 'u',
		[25] = 'u', [26] = 'u', [27] = 'u', [28] = 'u', [29] = 'u', [30] = 'u',
		[31] = 'u', ['"'] = '"', ['\\'] = '\\',
	};
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : ""), *end;
	size_t len = strlen((const char *)p), k;
	bool first = true;
	char *q0, *q;
	unsigned char c;

	/* room for six times a piece of 4 096 bytes (and the quotes and
	 * the tail), never for six times a long text */
	do {
		k = len < 4096 ? len : 4096;
		if ((q0 = q = jb_room(b, 6 * k + 3)) == NULL)
			return;
		if (first)
			*q++ = '"';
		first = false;
		end = p + k;
		len -= k;
		while (p < end) {
			/* eight bytes at a time while none of them is to be escaped */
			if (end - p >= 8 && plain8(p)) {
				memcpy(q, p, 8);
				q += 8;
				p += 8;
				continue;
			}
			c = *p++;
			if (esc[c] == 0) {
				*q++ = (char)c;
				continue;
			}
			*q++ = '\\';
			*q++ = esc[c];
			if (esc[c] == 'u') {
				*q++ = '0';
				*q++ = '0';
				*q++ = hex[c >> 4];
				*q++ = hex[c & 15];
			}
		}
		if (len == 0) {
			*q++ = '"';
			if (tail != '\0')
				*q++ = tail;
		}
		b->n += (size_t)(q - q0);
	} while (len > 0);
}

static void
jb_value(struct jbuf *b, const cJSON *it)
{
	const cJSON *c;
	char num[64];

	switch (it->type & 0xFF) {
	case cJSON_NULL: jb_put(b, "null", 4); return;
	case cJSON_False: jb_put(b, "false", 5); return;
	case cJSON_True: jb_put(b, "true", 4); return;
	case cJSON_Number:
		/* a whole number (not -0) below 10^15: the digits cJSON's "%1.15g"
		 * gives, without printf and the sscanf that checks it (7 % of a
		 * detail page's program time); else cJSON's own formatting */
		if (it->valuedouble > -1e15 && it->valuedouble < 1e15 &&
		    it->valuedouble == (double)(long long)it->valuedouble &&
		    (it->valuedouble != 0 || !signbit(it->valuedouble))) {
			jb_put(b, num, int_text(num, (long long)it->valuedouble));
			return;
		}
		if (!cJSON_PrintPreallocated((cJSON *)it, num, sizeof(num), 0))
			b->bad = true;
		else
			jb_put(b, num, strlen(num));
		return;
	case cJSON_Raw:
		if (it->valuestring == NULL)
			b->bad = true;
		else
			jb_put(b, it->valuestring, strlen(it->valuestring));
		return;
	case cJSON_String: jb_string(b, it->valuestring, '\0'); return;
	case cJSON_Array:
	case cJSON_Object:
		jb_char(b, (it->type & 0xFF) == cJSON_Array ? '[' : '{');
		for (c = it->child; c != NULL && !b->bad; c = c->next) {
			if (c != it->child)
				jb_char(b, ',');
			if ((it->type & 0xFF) == cJSON_Object)
				jb_string(b, c->string, ':');
			jb_value(b, c);
		}
		jb_char(b, (it->type & 0xFF) == cJSON_Array ? ']' : '}');
		return;
	default:
		b->bad = true;
	}
}

char *
json_print(const cJSON *item, size_t *len)
{
	struct jbuf b = { 0 };

	if (item == NULL)
		return NULL;
	jb_value(&b, item);
	jb_char(&b, '\0');
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	if (len != NULL)
		*len = b.n - 1;
	return b.p;
}

size_t
int_text(char *buf, long long v)
{
	/* the magnitude as unsigned: -LLONG_MIN does not fit a long long */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	char d[20];
	size_t i = sizeof(d), n = 0;

	do
		d[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		buf[n++] = '-';
	memcpy(buf + n, d + i, sizeof(d) - i);
	n += sizeof(d) - i;
	buf[n] = '\0';
	return n;
}

cJSON *
json_add_int(cJSON *o, const char *key, long long v)
{
	char buf[24];
	cJSON *it;

	(void)int_text(buf, v);
	if ((it = cJSON_CreateRaw(buf)) != NULL && !cJSON_AddItemToObjectCS(o, key, it)) {
		cJSON_Delete(it);
		it = NULL;
	}
	return it;
}

void
json_add_str_null(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *
json_add_str(cJSON *o, const char *key, const char *v)
{
	cJSON *it = cJSON_CreateString(v);

	if (it != NULL && !cJSON_AddItemToObjectCS(o, key, it)) {
		cJSON_Delete(it);
		it = NULL;
	}
	return it;
}

int
field_index(const struct field *fields, const char *name)
{
	int i;

	for (i = 0; fields[i].name != NULL; i++)
		if (strcmp(fields[i].name, name) == 0)
			return i;
	return -1;
}

/*
 * A text value as it is kept, in place, whichever way it came (JSON, a query,
 * a form's part): a line of text (a name, a specialty, a school) is what is
 * seen of it: " 建筑工程施工　" is 建筑工程施工, spaces alone are nothing given,
 * and what cannot be seen inside it is dropped (a probe's unit name with a
 * zero-width space passed the operator's 同名 check: multipart parts were not
 * even trimmed); a longer text keeps its first line's indent unless it is all
 * blank, and loses what ends it unseen (a paste's last line break); direction
 * controls pasted with any text are dropped, not refused; a password is as
 * typed.
 */
static void
tidy_text(const struct field *f, char *v)
{
	if (strstr(f->label, "密码") != NULL || !valid_utf8(v, strlen(v)))
		return;
	if (f->type == F_STR)
		utf8_drop_unseen(v);
	if (f->type != F_TEXT || utf8_blank(v))
		utf8_trim(v);
	else
		utf8_trim_end(v);
	if (f->check == valid_person_name)
		name_tidy(v);
	utf8_drop_bidi(v, false);
}

/* Checks a text value against an F_STR, F_LINES or F_TEXT field: characters,
 * lines, length, validator. */
static enum perr
check_text(const struct field *f, const char *v, struct fval *out, char *msg, size_t msgsz)
{
	size_t n;

	if (!valid_text(v, SIZE_MAX)) {
		snprintf(msg, msgsz, "%s含有不允许的字符", f->label);
		return PERR_INVALID_FIELD;
	}
	if (f->type == F_STR && (strpbrk(v, "\n\r\t") != NULL ||
	    strstr(v, "\xe2\x80\xa8") != NULL || strstr(v, "\xe2\x80\xa9") != NULL)) {
		snprintf(msg, msgsz, "%s只能填写一行，不能含换行或制表符", f->label);
		return PERR_INVALID_FIELD;
	}
	n = f->type == F_TEXT ? utf8_words(v) : utf8_chars(v);
	if (n == 0 && !f->required) {
		/* an empty optional text is given as "" (drafts clear with it) */
		out->s = v;
		out->present = true;
		return PERR_OK;
	}
	/* spaces alone (a full-width one, line breaks) fill in nothing */
	if (n > 0 && f->required && f->min > 0 && utf8_blank(v)) {
		snprintf(msg, msgsz, "请填写%s", f->label);
		return PERR_INVALID_FIELD;
	}
	if ((long long)n < f->min || (long long)n > f->max) {
		/* prose is counted in 字, as its page and the notice (限 1000 字以内) say */
		bool zi = f->type == F_TEXT;

		if (n == 0)
			snprintf(msg, msgsz, "请填写%s", f->label);
		else if (f->min == f->max)
			snprintf(msg, msgsz, "%s应为 %lld 个字符", f->label, f->max);
		else if (f->min <= 1 && (long long)n > f->max)
			snprintf(msg, msgsz, "%s不能超过 %lld %s（当前 %zu %s）", f->label, f->max,
			    zi ? "字" : "个字符", n, zi ? "字" : "个");
		else
			snprintf(msg, msgsz, "%s长度应为 %lld 至 %lld %s（当前 %zu %s）",
			    f->label, f->min, f->max, zi ? "字" : "个字符", n, zi ? "字" : "个");
		return PERR_INVALID_FIELD;
	}
	if (f->check == valid_past_date && !valid_calendar_date(v)) {
		snprintf(msg, msgsz, date_shaped(v) ? "%s不是有效的日期（该日不存在）" :
		    "%s不是有效的日期，请按 2023-05-08 的格式填写", f->label);
		return PERR_INVALID_FIELD;
	}
	if (f->check != NULL && !f->check(v)) {
		snprintf(msg, msgsz, "%s", f->check_msg ? f->check_msg : "填写的内容不符合要求");
		return PERR_INVALID_FIELD;
	}
	out->s = v;
	out->present = true;
	return PERR_OK;
}

static enum perr
check_int(const struct field *f, double d, bool ok, struct fval *out, char *msg, size_t msgsz)
{
	if (!ok || !isfinite(d) || d != floor(d) || d < (double)f->min || d > (double)f->max) {
		snprintf(msg, msgsz, "%s应为 %lld 至 %lld 之间的整数", f->label, f->min, f->max);
		return PERR_INVALID_FIELD;
	}
	out->i = (long long)d;
	out->present = true;
	return PERR_OK;
}

/* A number with at most one decimal within [min, max], into out->i in tenths. */
static enum perr
check_dec1(const struct field *f, double d, bool ok, struct fval *out, char *msg, size_t msgsz)
{
	char one[64];

	/* at most one decimal: the number is the one its one-decimal text reads
	 * back as (116.99999999999999 is not 117.0, 116.9 is 116.9) */
	if (ok && isfinite(d))
		snprintf(one, sizeof(one), "%.1f", d);
	if (!ok || !isfinite(d) || d < (double)f->min || d > (double)f->max ||
	    strtod(one, NULL) != d) {
		snprintf(msg, msgsz, "%s应为 %lld 至 %lld 之间的数，最多一位小数", f->label, f->min,
		    f->max);
		return PERR_INVALID_FIELD;
	}
	out->i = llround(d * 10);
	out->present = true;
	return PERR_OK;
}

/* The names of a request must be known and given once. */
static enum perr
check_name(const struct field *fields, const char *name, bool dup, int *idx, const char **bad,
    char *msg, size_t msgsz)
{
	*bad = name;
	if (dup) {
		snprintf(msg, msgsz, "请求中的字段 %s 重复，请刷新页面后重试", name);
		return PERR_DUP_FIELD;
	}
	if ((*idx = field_index(fields, name)) < 0 || *idx >= FIELDS_MAX) {
		/* never cut a name mid-character: long ones are not echoed; a page cached from
		 * before an upgrade is what sends one to a person */
		if (strlen(name) <= 60)
			snprintf(msg, msgsz, "页面可能已更新（不支持的字段 %s），请刷新页面后重试", name);
		else
			snprintf(msg, msgsz, "页面可能已更新（请求包含不支持的字段），请刷新页面后重试");
		return PERR_UNKNOWN_FIELD;
	}
	*bad = fields[*idx].name;
	return PERR_OK;
}

static enum perr
check_required(const struct field *fields, const struct fval *vals, const char **bad,
    char *msg, size_t msgsz)
{
	int i;

	for (i = 0; fields[i].name != NULL; i++)
		if (fields[i].required && !vals[i].present) {
			*bad = fields[i].name;
			snprintf(msg, msgsz, fields[i].type == F_FILE ? "请选择%s" : "请填写%s",
			    fields[i].label);
			return PERR_INVALID_FIELD;
		}
	*bad = NULL;
	return PERR_OK;
}

enum perr
field_check(const cJSON *obj, const struct field *fields, struct fval *vals,
    const char **bad, char *msg, size_t msgsz)
{
	const cJSON *it, *prev;
	bool dup;
	int i;
	enum perr e;

	memset(vals, 0, sizeof(*vals) * FIELDS_MAX);
	*bad = NULL;
	cJSON_ArrayForEach(it, obj) {
		const struct field *f;

		if (it->string == NULL || !valid_utf8(it->string, strlen(it->string)))
			return PERR_INVALID_JSON;
		for (dup = false, prev = obj->child; prev != it && !dup; prev = prev->next)
			dup = strcmp(prev->string, it->string) == 0;
		if ((e = check_name(fields, it->string, dup, &i, bad, msg, msgsz)) != PERR_OK)
			return e;
		f = &fields[i];
		if (cJSON_IsNull(it))
			continue;	/* same as absent */
		switch (f->type) {
		case F_STR:
		case F_LINES:
		case F_TEXT:
			if (!cJSON_IsString(it) || it->valuestring == NULL) {
				snprintf(msg, msgsz, "%s应为文本", f->label);
				return PERR_INVALID_FIELD;
			}
			tidy_text(f, it->valuestring);
			if ((e = check_text(f, it->valuestring, &vals[i], msg, msgsz)) != PERR_OK)
				return e;
			break;
		case F_INT:
			if ((e = check_int(f, it->valuedouble, cJSON_IsNumber(it), &vals[i], msg,
			    msgsz)) != PERR_OK)
				return e;
			break;
		case F_DEC1:
			if ((e = check_dec1(f, it->valuedouble, cJSON_IsNumber(it), &vals[i], msg,
			    msgsz)) != PERR_OK)
				return e;
			break;
		case F_ARRAY:
			if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < f->min ||
			    cJSON_GetArraySize(it) > f->max) {
				snprintf(msg, msgsz, "%s应为 %lld 至 %lld 项的列表",
				    f->label, f->min, f->max);
				return PERR_INVALID_FIELD;
			}
			vals[i].a = it;
			vals[i].present = true;
			break;
		case F_BOOL:
			if (!cJSON_IsBool(it)) {
				snprintf(msg, msgsz, "%s应为是或否", f->label);
				return PERR_INVALID_FIELD;
			}
			vals[i].b = cJSON_IsTrue(it);
			vals[i].present = true;
			break;
		case F_FILE:
			snprintf(msg, msgsz, "%s应以文件上传", f->label);
			return PERR_INVALID_FIELD;
		}
	}
	return check_required(fields, vals, bad, msg, msgsz);
}

/* A plain decimal integer of at most 18 digits, with an optional minus. */
static bool
parse_int(const char *v, double *d)
{
	const char *p = v + (v[0] == '-');
	size_t n = strspn(p, "0123456789");

	if (n == 0 || n > 18 || p[n] != '\0')
		return false;
	*d = (double)strtoll(v, NULL, 10);
	return true;
}

enum perr
field_check_kv(const struct kv *kv, size_t n, const struct field *fields, struct fval *vals,
    const char **bad, char *msg, size_t msgsz)
{
	size_t k, j;
	bool dup;
	int i;
	enum perr e;

	memset(vals, 0, sizeof(*vals) * FIELDS_MAX);
	*bad = NULL;
	for (k = 0; k < n; k++) {
		const struct field *f;
		const char *v = kv[k].val;
		double d = 0;

		for (dup = false, j = 0; j < k && !dup; j++)
			dup = strcmp(kv[j].key, kv[k].key) == 0;
		if ((e = check_name(fields, kv[k].key, dup, &i, bad, msg, msgsz)) != PERR_OK)
			return e;
		f = &fields[i];
		if (v[0] == '\0' && f->type != F_STR && f->type != F_LINES && f->type != F_TEXT)
			continue;	/* a cleared filter */
		switch (f->type) {
		case F_STR:
		case F_LINES:
		case F_TEXT:
			/* a search as a JSON line is: what is seen of it (" 张三" is 张三) */
			tidy_text(f, kv[k].val);
			e = check_text(f, v, &vals[i], msg, msgsz);
			break;
		case F_INT: {
			/* parsed before d is read: the order in which a call's
			 * arguments are evaluated is unspecified (clang reads d first) */
			bool ok = parse_int(v, &d);

			e = check_int(f, d, ok, &vals[i], msg, msgsz);
			break;
		}
		case F_BOOL:
			if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
				vals[i].b = true;
			else if (strcmp(v, "0") != 0 && strcmp(v, "false") != 0) {
				snprintf(msg, msgsz, "%s应为是或否", f->label);
				return PERR_INVALID_FIELD;
			}
			vals[i].present = true;
			e = PERR_OK;
			break;
		default:
			snprintf(msg, msgsz, "%s不能在查询参数中给出", f->label);
			return PERR_INVALID_FIELD;
		}
		if (e != PERR_OK)
			return e;
	}
	return check_required(fields, vals, bad, msg, msgsz);
}

enum perr
field_check_parts(const struct part *parts, size_t n, const struct field *fields,
    struct fval *vals, const char **bad, char *msg, size_t msgsz)
{
	size_t k, j;
	bool dup;
	int i;
	enum perr e;

	memset(vals, 0, sizeof(*vals) * FIELDS_MAX);
	*bad = NULL;
	for (k = 0; k < n; k++) {
		const struct field *f;

		for (dup = false, j = 0; j < k && !dup; j++)
			dup = strcmp(parts[j].name, parts[k].name) == 0;
		if ((e = check_name(fields, parts[k].name, dup, &i, bad, msg, msgsz)) != PERR_OK)
			return e;
		f = &fields[i];
		vals[i].part = &parts[k];
		if (f->type == F_FILE) {
			if (parts[k].filename[0] == '\0' || parts[k].len == 0)
				continue;	/* no file chosen: absent */
			if ((long long)parts[k].len > f->max) {
				if (f->max % (1024 * 1024) == 0)
					/* rounded up: 10 MB and a byte is not "10.00MB" */
					snprintf(msg, msgsz, "%s不能超过 %lldMB（当前 %.2fMB）", f->label,
					    f->max / (1024 * 1024), ceil((double)parts[k].len * 100 /
					    (1024 * 1024)) / 100);
				else
					snprintf(msg, msgsz, "%s不能超过 %lldKB", f->label, f->max / 1024);
				return PERR_TOO_LARGE;
			}
			vals[i].present = true;
			continue;
		}
		/* a text part beside the file(s): a NUL-terminated string (http.c),
		 * checked like a JSON string or a query value */
		if (parts[k].filename[0] != '\0' || memchr(parts[k].data, '\0', parts[k].len) != NULL ||
		    !valid_utf8(parts[k].data, parts[k].len)) {
			snprintf(msg, msgsz, "%s格式不正确", f->label);
			return PERR_INVALID_FIELD;
		}
		if (f->type == F_STR || f->type == F_LINES || f->type == F_TEXT)
			tidy_text(f, (char *)parts[k].data);	/* the body's copy, NUL-ended above */
		if (f->type == F_STR || f->type == F_LINES || f->type == F_TEXT)
			e = check_text(f, parts[k].data, &vals[i], msg, msgsz);
		else if (f->type == F_INT) {
			double d = 0;
			bool ok = parse_int(parts[k].data, &d);

			e = check_int(f, d, ok, &vals[i], msg, msgsz);
		} else {
			snprintf(msg, msgsz, "%s格式不正确", f->label);
			return PERR_INVALID_FIELD;
		}
		if (e != PERR_OK)
			return e;
	}
	return check_required(fields, vals, bad, msg, msgsz);
}
