/* valid.c: named domain validators. Each returns true when the value is acceptable. */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "portal.h"

/* Decodes one UTF-8 sequence at s (n bytes available). Returns its length,
 * or 0 when it is not well-formed (overlongs, surrogates, > U+10FFFF). */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (s[0] == 0xE0 && s[1] < 0xA0)
			return 0;	/* overlong */
		if (s[0] == 0xED && s[1] >= 0xA0)
			return 0;	/* surrogate */
		*cp = ((unsigned)(s[0] & 0x0F) << 12) |
		    ((unsigned)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (s[0] == 0xF0 && s[1] < 0x90)
			return 0;	/* overlong */
		if (s[0] == 0xF4 && s[1] >= 0x90)
			return 0;	/* > U+10FFFF */
		*cp = ((unsigned)(s[0] & 0x07) << 18) |
		    ((unsigned)(s[1] & 0x3F) << 12) |
		    ((unsigned)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	return 0;
}

bool
valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	unsigned cp;

	while (i < len) {
		if ((k = utf8_decode(p + i, len - i, &cp)) == 0)
			return false;
		i += k;
	}
	return true;
}

size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/*
 * Characters as a reader sees them: extended grapheme clusters (UAX #29),
 * found by ICU's character break iterator, the same rules Chromium's
 * Intl.Segmenter uses for the page's counter. A letter with its combining
 * marks, an emoji sequence joined by ZWJ or with a skin tone or variation
 * selector, a flag (two regional indicators) and CR LF each count once.
 * The iterator is opened once per process (it loads its rules) and reused;
 * nothing is allocated per call but ICU's UText. If ICU fails, code points
 * are counted, which is never fewer.
 */
size_t
utf8_graphemes(const char *s)
{
	static UBreakIterator *bi;
	UErrorCode err = U_ZERO_ERROR;
	UText *ut;
	size_t n = 0;

	if (*s == '\0')
		return 0;
	if (bi == NULL && (bi = ubrk_open(UBRK_CHARACTER, "", NULL, 0, &err)) == NULL) {
		log_err("msg=\"ICU break iterator unavailable\" err=%s", u_errorName(err));
		return utf8_chars(s);
	}
	ut = utext_openUTF8(NULL, s, -1, &err);
	ubrk_setUText(bi, ut, &err);
	if (U_FAILURE(err)) {
		log_err("msg=\"ICU could not take the text\" err=%s", u_errorName(err));
		utext_close(ut);
		return utf8_chars(s);
	}
	(void)ubrk_first(bi);
	while (ubrk_next(bi) != UBRK_DONE)
		n++;
	utext_close(ut);
	return n;
}

/*
 * 字 as the notice's limits count them (本人述职 限 1000 字) and the page counts
 * them: utf8_graphemes() but for the line breaks between paragraphs (LF, CR,
 * CR LF), which nobody counts as a 字 (nor does a word processor's 字数).
 */
size_t
utf8_words(const char *s)
{
	size_t n = utf8_graphemes(s);

	for (; *s != '\0'; s++) {
		if (*s == '\r' && s[1] == '\n')
			s++;
		if ((*s == '\n' || *s == '\r') && n > 0)
			n--;
	}
	return n;
}

/* An ideographic variation selector (U+E0100-U+E01EF): after a Han character, the glyph of
 * a rare character of a name. */
#define IVS(c) ((c) >= 0xE0100 && (c) <= 0xE01EF)

/* A code point utf8_blank() counts as nothing seen (an ideographic variation selector is
 * seen, as part of the character before it). */
static bool
unseen(UChar32 c)
{
	return u_isUWhiteSpace(c) ||
	    (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) && !IVS(c));
}

/*
 * true when nothing would be seen: only white space (U+3000 and U+00A0
 * included) and invisible code points (zero-width space, joiners, BOM…).
 */
bool
utf8_blank(const char *s)
{
	int32_t i = 0, len = (int32_t)strlen(s);
	UChar32 c;

	while (i < len) {
		U8_NEXT(s, i, len, c);
		if (c < 0)
			return false;
		if (!unseen(c))
			return false;
	}
	return true;
}

/*
 * Takes what utf8_blank() counts as nothing seen off both ends of s (valid
 * UTF-8), in place: " 建筑工程施工　" is 建筑工程施工, and spaces alone are "".
 */
void
utf8_trim(char *s)
{
	int32_t i = 0, start = 0, end = 0, len = (int32_t)strlen(s);
	bool lead = true;
	UChar32 c;

	while (i < len) {
		U8_NEXT(s, i, len, c);
		if (c >= 0 && unseen(c)) {
			if (lead)
				start = i;
			continue;
		}
		lead = false;
		end = i;
	}
	if (lead)
		start = end = 0;
	memmove(s, s + start, (size_t)(end - start));
	s[end - start] = '\0';
}

void
utf8_cut(char *s)
{
	size_t n = strlen(s), i = n, need;

	/* back over continuation bytes to the last lead byte */
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80 && n - i < 3)
		i--;
	if (i == 0 || !((unsigned char)s[i - 1] & 0x80))
		return;		/* ASCII, or nothing but continuation bytes: not ours to judge */
	need = (unsigned char)s[i - 1] >= 0xF0 ? 4 : (unsigned char)s[i - 1] >= 0xE0 ? 3 : 2;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

/* Takes white space and the invisible marks that stand alone (zero-width space, word
 * joiner, BOM) off the end of s (valid UTF-8), in place: a paragraph's indent stays, a
 * paste's last line break goes, and so does nothing that belongs to the last character
 * (an emoji's variation selector or joiner, a combining mark). */
void
utf8_trim_end(char *s)
{
	int32_t i = 0, end = 0, len = (int32_t)strlen(s);
	UChar32 c;

	while (i < len) {
		U8_NEXT(s, i, len, c);
		if (c < 0 || !(u_isUWhiteSpace(c) || c == 0x200B || c == 0x2060 || c == 0xFEFF))
			end = i;
	}
	s[end] = '\0';
}

static bool
is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Today as YYYYMMDD in UTC+8, the portal's day (China has one time zone). */
static void
today8(char out[9])
{
	time_t now = time(NULL) + 8 * 3600;
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 9, "%Y%m%d", &tm);
}

/* A real calendar date YYYYMMDD (8 digits) from 1900-01-01. */
static bool
real_date8(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	d = (s[6] - '0') * 10 + (s[7] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return false;
	if (d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* A real calendar date YYYYMMDD (8 digits) from 1900-01-01 to today. */
static bool
valid_date8(const char *s)
{
	char today[9];

	if (!real_date8(s))
		return false;
	/* not after today: digits compare as dates */
	today8(today);
	return strncmp(s, today, 8) <= 0;
}

bool
valid_idcard(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	int i, sum = 0;

	if (s == NULL || strlen(s) != 18 || !is_digits(s, 17))
		return false;
	if (s[0] < '1' || s[0] > '8')
		return false;	/* no administrative division starts with 0 or 9 */
	if (!valid_date8(s + 6))
		return false;
	for (i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return s[17] == check[sum % 11];
}

/* 单位性质: 国有企业, 非公企业, 事业单位, 机关, 其他 (sql/011). */
bool
valid_ownership(const char *s)
{
	return strcmp(s, "state") == 0 || strcmp(s, "private") == 0 ||
	    strcmp(s, "institution") == 0 || strcmp(s, "agency") == 0 || strcmp(s, "other") == 0;
}

/* A 事业单位's 隶属关系: 市住建局局属, 市本级直属, 参照公务员管理. */
bool
valid_unit_affiliation(const char *s)
{
	return strcmp(s, "bureau") == 0 || strcmp(s, "city_direct") == 0 ||
	    strcmp(s, "civil_service") == 0;
}

bool
affiliation_of_city(const char *s)
{
	return s != NULL && (strcmp(s, "bureau") == 0 || strcmp(s, "city_direct") == 0);
}

bool
valid_uscc(const char *s)
{
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13,
	    8, 24, 10, 30, 28 };
	int i, sum = 0, c;
	const char *p;

	if (s == NULL || strlen(s) != 18)
		return false;
	for (i = 0; i < 18; i++)
		if (s[i] == '\0' || strchr(cs, s[i]) == NULL)
			return false;
	/* its parts: the registering department (1 机构编制, 5 民政, 9 市场监管,
	 * Y 其他, and the others GB 32100 names), the kind of organisation it
	 * registers (9: 1 企业, 2 个体工商户, 3 农民专业合作社; Y: 1; the others
	 * 1, 2, 3 or 9), and the registering office's division code (six digits,
	 * none starting with 0 or 9) */
	if (strchr("123456789ANY", s[0]) == NULL ||
	    strchr(s[0] == '9' ? "123" : s[0] == 'Y' ? "1" : "1239", s[1]) == NULL ||
	    !is_digits(s + 2, 6) || s[2] < '1' || s[2] > '8')
		return false;
	for (i = 0; i < 17; i++) {
		p = strchr(cs, s[i]);
		sum += (int)(p - cs) * w[i];
	}
	c = 31 - sum % 31;
	if (c == 31)
		c = 0;
	return s[17] == cs[c];
}

bool
valid_mobile(const char *s)
{
	return s != NULL && strlen(s) == 11 && s[0] == '1' && s[1] >= '3' &&
	    s[1] <= '9' && is_digits(s, 11);
}

/* Telephone numbers as a help desk writes them: digits with - ( ) （ ） and
 * spaces, several joined by 、 or ，, an extension after 转; 5 digits at least
 * (12345), no letters. */
bool
valid_phone_text(const char *s)
{
	static const char *const seps[] = { "（", "）", "、", "，", "转" };
	size_t digits = 0, i, k;

	if (s == NULL)
		return false;
	for (i = 0; s[i] != '\0';) {
		if (s[i] >= '0' && s[i] <= '9') {
			digits++;
			i++;
			continue;
		}
		if (strchr("-() ,/", s[i]) != NULL) {
			i++;
			continue;
		}
		for (k = 0; k < sizeof(seps) / sizeof(seps[0]); k++)
			if (strncmp(s + i, seps[k], strlen(seps[k])) == 0)
				break;
		if (k == sizeof(seps) / sizeof(seps[0]))
			return false;
		i += strlen(seps[k]);
	}
	return digits >= 5;
}

/* An e-mail address of the plain kind: name@host.domain, ASCII letters,
 * digits and . _ % + - before the @, labels of letters, digits and - after. */
bool
valid_email(const char *s)
{
	const char *at, *p;
	bool dot = false;

	if (s == NULL || (at = strchr(s, '@')) == NULL || at == s || at - s > 64 ||
	    strchr(at + 1, '@') != NULL)
		return false;
	for (p = s; p < at; p++)
		if (!isalnum((unsigned char)*p) && strchr("._%+-", *p) == NULL)
			return false;
	for (p = at + 1; *p != '\0'; p++) {
		if (*p == '.') {
			/* no empty label: not first, not last, never two together */
			if (p == at + 1 || p[1] == '\0' || p[1] == '.')
				return false;
			dot = true;
		} else if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
	}
	return dot;
}

/* The 间隔号 of a name is U+00B7: what input methods and fonts put in its
 * place (•, ‧, ・, ･, ∙, ⋅, the Greek ano teleia) is it, so that a name is
 * stored, and found, one way. Two spaces are one. In place. */
void
name_tidy(char *s)
{
	static const char *const dots[] = { "\u2022", "\u2027", "\u30FB", "\uFF65", "\u2219",
	    "\u22C5", "\u0387" };
	char *r = s, *w = s;
	size_t i;

	while (*r != '\0') {
		for (i = 0; i < sizeof(dots) / sizeof(dots[0]); i++)
			if (strncmp(r, dots[i], strlen(dots[i])) == 0)
				break;
		if (i < sizeof(dots) / sizeof(dots[0])) {
			*w++ = '\xC2';
			*w++ = '\xB7';
			r += strlen(dots[i]);
		} else if (*r == ' ' && w > s && w[-1] == ' ')
			r++;
		else
			*w++ = *r++;
	}
	*w = '\0';
}

/* 汉字 of every block a name may hold: the URO, Extension A, Extensions B-F
 * and I (U+20000-U+2EE5F, 赵孟𫖯's 𫖯 is in C, 王𬱖's 𬱖 in E), G and H; and 〇. */
static bool
han(unsigned cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	    (cp >= 0x20000 && cp <= 0x2EE5F) || (cp >= 0x30000 && cp <= 0x323AF) || cp == 0x3007;
}

bool
valid_person_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, k, n = 0;
	unsigned cp;

	if (s == NULL)
		return false;
	len = strlen(s);
	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ')
		return false;
	while (i < len) {
		if ((k = utf8_decode(p + i, len - i, &cp)) == 0)
			return false;
		i += k;
		n++;
		if (han(cp) || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		    cp == 0xB7 || cp == ' ')
			continue;
		return false;
	}
	return n >= 2 && n <= 30;
}

bool
valid_password(const char *s)
{
	size_t n, i;
	int upper = 0, lower = 0, digit = 0, sym = 0;

	if (s == NULL || !valid_utf8(s, strlen(s)))
		return false;
	n = utf8_chars(s);
	if (n < 8 || n > 128)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7F)
			return false;
		if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (c >= '0' && c <= '9')
			digit = 1;
		else
			sym = 1;
	}
	return upper + lower + digit + sym >= 3;
}

void
utf8_drop_bidi(char *s, bool marks)
{
	unsigned char *r = (unsigned char *)s, *w = r;

	while (*r != '\0') {
		if (r[0] == 0xE2 && r[1] == 0x80 && ((marks && (r[2] == 0x8E || r[2] == 0x8F)) ||
		    (r[2] >= 0xAA && r[2] <= 0xAE))) {
			r += 3;
			continue;
		}
		if (r[0] == 0xE2 && r[1] == 0x81 && r[2] >= 0xA6 && r[2] <= 0xA9) {
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

void
utf8_drop_unseen(char *s)
{
	int32_t i = 0, w = 0, len = (int32_t)strlen(s);
	UChar32 kept = -1;	/* the last code point kept */

	while (i < len) {
		int32_t at = i;
		UChar32 c;

		U8_NEXT(s, i, len, c);
		/* a variation selector but one after a Han character (a review drew 达 and
		 * 达 U+FE00 the same) */
		if (c >= 0 && ((!u_isUWhiteSpace(c) && unseen(c)) ||
		    (IVS(c) && (kept < 0 || !u_hasBinaryProperty(kept, UCHAR_IDEOGRAPHIC)))))
			continue;
		kept = c;
		memmove(s + w, s + at, (size_t)(i - at));
		w += i - at;
	}
	s[w] = '\0';
}

/* A character no text of ours may hold: a control but line breaks and tabs; a
 * noncharacter (U+FFFE, U+FFFF and their like in every plane, U+FDD0-U+FDEF),
 * which XML 1.0 forbids, so that one of them in an opinion would break every
 * 评审表 and sheet printed after it; the controls that embed, override or
 * isolate a direction (U+202A-U+202E, U+2066-U+2069), with which a title
 * could make a 12333 message read otherwise than it was written. */
static bool
refused_char(unsigned cp)
{
	return (cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') || (cp >= 0x7F && cp < 0xA0) ||
	    (cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool
valid_text(const char *s, size_t maxchars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i, k, n = 0;
	unsigned cp;

	if (s == NULL)
		return false;
	len = strlen(s);
	for (i = 0; i < len; i += k, n++)
		if ((k = utf8_decode(p + i, len - i, &cp)) == 0 || refused_char(cp))
			return false;
	return n <= maxchars;
}

/* "YYYY-MM-DD" as "YYYYMMDD" into d8; false when it is not of that shape. */
static bool
date8_of(const char *s, char d8[9])
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !is_digits(s, 4) || !is_digits(s + 5, 2) || !is_digits(s + 8, 2))
		return false;
	memcpy(d8, s, 4);
	memcpy(d8 + 4, s + 5, 2);
	memcpy(d8 + 6, s + 8, 2);
	d8[8] = '\0';
	return true;
}

bool
valid_past_date(const char *s)
{
	char d8[9];

	return date8_of(s, d8) && valid_date8(d8);
}

bool
date_shaped(const char *s)
{
	char d8[9];

	return date8_of(s, d8);
}

bool
valid_calendar_date(const char *s)
{
	char d8[9];

	return date8_of(s, d8) && real_date8(d8);
}

/* 文号: the 机关代字 (1-12 汉字 or Latin letters, digits after the first), the year
 * in 〔〕 (1949 on), the
 * number (1-9999, no leading zero) and 号: 金建评〔2023〕12号. (Whether the year is
 * the document's is the caller's: lib/results.c.) */
bool
valid_doc_number(const char *s)
{
	static const char open[] = "〔", close[] = "〕", hao[] = "号";
	const unsigned char *q;
	const char *o, *p;
	size_t n, i, k;
	unsigned cp;

	if (s == NULL || !valid_text(s, 40) || (o = strstr(s, open)) == NULL || o == s)
		return false;
	for (q = (const unsigned char *)s, n = 0; q < (const unsigned char *)o; q += k, n++)
		if ((k = utf8_decode(q, (size_t)((const unsigned char *)o - q), &cp)) == 0 ||
		    !((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
		    (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		    (n > 0 && cp >= '0' && cp <= '9')) || n >= 12)
			return false;
	p = o + strlen(open);
	if (!is_digits(p, 4) || strncmp(p + 4, close, strlen(close)) != 0 ||
	    strncmp(p, "1949", 4) < 0)
		return false;
	p += 4 + strlen(close);
	for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
		;
	if (n == 0 || n > 4 || p[0] == '0')
		return false;
	for (i = 0; hao[i] != '\0'; i++)
		if (p[n + i] != hao[i])
			return false;
	return p[n + i] == '\0';
}

bool
valid_login_name(const char *s)
{
	size_t n = strlen(s);

	return n >= 3 && n <= 32 && s[0] >= 'a' && s[0] <= 'z' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

bool
valid_minute(const char *s)
{
	static const char shape[] = "dddd-dd-dd dd:dd";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	/* 00:00-23:59: PostgreSQL would read 24:00 as the next day's midnight */
	return (s[11] - '0') * 10 + (s[12] - '0') <= 23 && s[14] <= '5';
}
