/* form.c: parsers of untrusted request bytes: urlencoded pairs and multipart/form-data.
 * Both refuse anything malformed rather than guess. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "portal.h"

#define FORM_MAX_PAIRS 64
#define PART_HEAD_MAX 4096

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into a fresh NUL-terminated string; NULL when malformed,
 * containing NUL, or not UTF-8. Caller frees. */
static char *
url_decode(const char *s, size_t n, size_t *outlen)
{
	char *out;
	size_t i, j = 0;

	/* (a body is a few MB at most: n + 1 never wraps) */
	if (n >= SIZE_MAX / 2 || (out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			out[j++] = ' ';
		else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				goto bad;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto bad;
			out[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			out[j++] = s[i];
	}
	out[j] = '\0';
	if (!valid_utf8(out, j))
		goto bad;
	*outlen = j;
	return out;
bad:
	free(out);
	return NULL;
}

void
kv_free(struct kv *kv, size_t n)
{
	size_t i;

	if (kv == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}

enum perr
form_urlencoded(const char *s, size_t len, size_t max, struct kv **out, size_t *n)
{
	struct kv *kv;
	size_t cnt = 0, i, start = 0;
	enum perr e = PERR_BAD_REQUEST;

	*out = NULL;
	*n = 0;
	if (len > max)
		return PERR_TOO_LARGE;
	if ((kv = calloc(FORM_MAX_PAIRS, sizeof(*kv))) == NULL)
		return PERR_INTERNAL;
	for (i = 0; i <= len; i++) {
		const char *pair, *eq;
		size_t plen, klen, dummy;

		if (i < len && s[i] != '&')
			continue;
		pair = s + start;
		plen = i - start;
		start = i + 1;
		if (plen == 0)
			continue;
		if (cnt == FORM_MAX_PAIRS)
			goto fail;
		eq = memchr(pair, '=', plen);
		klen = eq ? (size_t)(eq - pair) : plen;
		if (klen == 0)
			goto fail;
		if ((kv[cnt].key = url_decode(pair, klen, &dummy)) == NULL)
			goto fail;
		kv[cnt].val = eq ? url_decode(eq + 1, plen - klen - 1, &kv[cnt].vlen)
		    : strdup("");
		if (kv[cnt].val == NULL) {
			free(kv[cnt].key);
			kv[cnt].key = NULL;
			goto fail;
		}
		cnt++;
		for (size_t k = 0; k + 1 < cnt; k++)
			if (strcmp(kv[k].key, kv[cnt - 1].key) == 0) {
				e = PERR_DUP_FIELD;
				goto fail;
			}
	}
	*out = kv;
	*n = cnt;
	return PERR_OK;
fail:
	kv_free(kv, cnt);
	return e;
}

enum perr
form_boundary(const char *ctype, char *buf, size_t bufsz)
{
	const char *p, *v;
	size_t n;

	if (ctype == NULL || strncasecmp(ctype, "multipart/form-data", 19) != 0)
		return PERR_MEDIA_TYPE;
	for (p = ctype + 19; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		v = p + 9;
		if (*v == '"') {
			const char *q = strchr(v + 1, '"');

			if (q == NULL)
				return PERR_BAD_REQUEST;
			v++;
			n = (size_t)(q - v);
		} else
			n = strcspn(v, "; \t");
		if (n == 0 || n > 70 || n >= bufsz)
			return PERR_BAD_REQUEST;
		memcpy(buf, v, n);
		buf[n] = '\0';
		return PERR_OK;
	}
	return PERR_BAD_REQUEST;
}

/* A file name as the browser wrote it: the HTML standard has it write a
 * quote as %22 and a line break as %0A or %0D. The quote is the name's; a
 * line break in a name is a space. */
static void
browser_unescape(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		if (r[0] == '%' && r[1] == '2' && r[2] == '2') {
			*w++ = '"';
			r += 3;
		} else if (r[0] == '%' && r[1] == '0' && r[2] != '\0' && strchr("AaDd", r[2]) != NULL) {
			*w++ = ' ';
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

/* A file name of more than max characters keeps its beginning and its
 * extension (up to 10 characters): what the person would recognise. */
static void
shorten_name(char *s, size_t max)
{
	size_t n = utf8_chars(s), ext_n = 0, keep, i = 0, c = 0;
	char *dot = strrchr(s, '.');

	if (n <= max)
		return;
	if (dot != NULL && dot != s && (ext_n = utf8_chars(dot)) > 10)
		ext_n = 0;
	keep = max - ext_n;
	while (c < keep) {	/* the byte where character keep begins */
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		c++;
	}
	if (ext_n > 0)
		memmove(s + i, dot, strlen(dot) + 1);
	else
		s[i] = '\0';
}

/* Copies the value of parameter `key` (quoted or not) of a header value into
 * buf. Returns 1 when found, 0 when absent, -1 when malformed or too long.
 * Quoted values take no backslash escapes: browsers send none (they
 * percent-encode quotes in file names), and Windows paths keep their
 * separators so that the base name can be cut out. */
static int
header_param(const char *h, size_t hlen, const char *key, char *buf, size_t bufsz)
{
	size_t klen = strlen(key), i = 0;

	buf[0] = '\0';
	while (i < hlen) {
		/* move to the start of the next parameter */
		while (i < hlen && h[i] != ';')
			i++;
		if (i >= hlen)
			break;
		i++;
		while (i < hlen && (h[i] == ' ' || h[i] == '\t'))
			i++;
		if (hlen - i > klen && strncasecmp(h + i, key, klen) == 0 &&
		    h[i + klen] == '=') {
			size_t j = i + klen + 1, o = 0;
			bool quoted = j < hlen && h[j] == '"';

			for (j += quoted; j < hlen; j++) {
				if (quoted ? h[j] == '"' : (h[j] == ';' || h[j] == ' '))
					break;
				if (h[j] == '\0' || o + 1 >= bufsz)
					goto bad;
				buf[o++] = h[j];
			}
			if (quoted && j >= hlen)
				goto bad;	/* unterminated quote */
			buf[o] = '\0';
			return 1;
		}
	}
	return 0;
bad:
	buf[0] = '\0';
	return -1;
}

/* Parses the header block of one part (without the blank line). */
static enum perr
part_headers(const char *h, size_t len, struct part *p)
{
	bool disp = false;
	size_t i = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->ctype, sizeof(p->ctype), "text/plain");
	while (i < len) {
		const char *line = h + i, *eol, *colon;
		size_t llen;

		eol = memmem(line, len - i, "\r\n", 2);
		llen = eol ? (size_t)(eol - line) : len - i;
		i += llen + (eol ? 2 : 0);
		if ((colon = memchr(line, ':', llen)) == NULL)
			return PERR_BAD_REQUEST;
		if ((size_t)(colon - line) == 19 &&
		    strncasecmp(line, "Content-Disposition", 19) == 0) {
			const char *v = colon + 1;
			size_t vlen = llen - (size_t)(v - line);

			while (vlen > 0 && *v == ' ') {
				v++;
				vlen--;
			}
			if (vlen < 9 || strncasecmp(v, "form-data", 9) != 0)
				return PERR_BAD_REQUEST;
			if (header_param(v, vlen, "name", p->name, sizeof(p->name)) != 1 ||
			    p->name[0] == '\0')
				return PERR_BAD_REQUEST;
			switch (header_param(v, vlen, "filename", p->filename,
			    sizeof(p->filename))) {
			case -1:
				return PERR_BAD_REQUEST;
			case 1: {
				char *base = strrchr(p->filename, '/');
				char *bs = strrchr(p->filename, '\\');

				if (bs != NULL && (base == NULL || bs > base))
					base = bs;

				if (base != NULL)
					memmove(p->filename, base + 1, strlen(base + 1) + 1);
				/* the marks that reorder or hide what is shown of a name:
				 * "a<RLO>fdp.exe" reads "aexe.pdf" */
				utf8_drop_bidi(p->filename, true);
				browser_unescape(p->filename);
				if (valid_utf8(p->filename, strlen(p->filename)))
					shorten_name(p->filename, 200);
				if (p->filename[0] == '\0' ||
				    !valid_text(p->filename, 200) ||
				    strpbrk(p->filename, "\r\n\t") != NULL ||
				    strcmp(p->filename, ".") == 0 ||
				    strcmp(p->filename, "..") == 0)
					return PERR_BAD_REQUEST;
				break;
			}
			default:
				break;
			}
			if (!valid_utf8(p->name, strlen(p->name)))
				return PERR_BAD_REQUEST;
			disp = true;
		} else if ((size_t)(colon - line) == 12 &&
		    strncasecmp(line, "Content-Type", 12) == 0) {
			const char *v = colon + 1;
			size_t vlen = llen - (size_t)(v - line);

			while (vlen > 0 && *v == ' ') {
				v++;
				vlen--;
			}
			if (vlen == 0 || vlen >= sizeof(p->ctype))
				return PERR_BAD_REQUEST;
			memcpy(p->ctype, v, vlen);
			p->ctype[vlen] = '\0';
		}
	}
	return disp ? PERR_OK : PERR_BAD_REQUEST;
}

enum perr
form_multipart(const char *body, size_t len, const char *boundary,
    struct part *parts, size_t maxparts, size_t *n)
{
	char delim[80];
	size_t dlen, pos, cnt = 0;
	const char *p;
	enum perr e;

	*n = 0;
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	if (dlen >= sizeof(delim) || boundary[0] == '\0')
		return PERR_BAD_REQUEST;
	/* The body starts with the first delimiter (without the leading CRLF). */
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
		return PERR_BAD_REQUEST;
	pos = dlen - 2;
	for (;;) {
		const char *hend;
		size_t hlen;

		if (len - pos >= 2 && memcmp(body + pos, "--", 2) == 0)
			break;	/* closing delimiter */
		if (len - pos < 2 || memcmp(body + pos, "\r\n", 2) != 0)
			return PERR_BAD_REQUEST;
		pos += 2;
		if (cnt == maxparts)
			return PERR_BAD_REQUEST;
		hend = memmem(body + pos, len - pos, "\r\n\r\n", 4);
		if (hend == NULL)
			return PERR_BAD_REQUEST;
		hlen = (size_t)(hend - (body + pos));
		if (hlen > PART_HEAD_MAX)
			return PERR_BAD_REQUEST;
		if ((e = part_headers(body + pos, hlen, &parts[cnt])) != PERR_OK)
			return e;
		pos += hlen + 4;
		p = memmem(body + pos, len - pos, delim, dlen);
		if (p == NULL)
			return PERR_BAD_REQUEST;	/* truncated */
		parts[cnt].data = body + pos;
		parts[cnt].len = (size_t)(p - (body + pos));
		for (size_t k = 0; k < cnt; k++)
			if (strcmp(parts[k].name, parts[cnt].name) == 0) {
				*n = cnt;	/* parts[cnt] is the name given twice */
				return PERR_DUP_FIELD;
			}
		cnt++;
		pos = (size_t)(p - body) + dlen;
	}
	if (cnt == 0)
		return PERR_BAD_REQUEST;
	*n = cnt;
	return PERR_OK;
}
