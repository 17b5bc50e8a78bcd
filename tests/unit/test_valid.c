/* Validators at their edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "portal.h"

/* n copies of s */
static char *
rep(const char *s, size_t n)
{
	size_t l = strlen(s), i;
	char *o = malloc(l * n + 1);

	for (i = 0; i < n; i++)
		memcpy(o + i * l, s, l);
	o[l * n] = '\0';
	return o;
}

static void
t_idcard(void **state)
{
	(void)state;
	assert_true(valid_idcard("11010519491231002X"));	/* GB 11643 example */
	assert_false(valid_idcard("440524188001010014"));	/* valid digits, born before 1900 */
	assert_true(valid_idcard("330702199001010015"));
	assert_true(valid_idcard("110105200002290013"));	/* 2000-02-29 exists */
	assert_false(valid_idcard("110105190002290017"));	/* 1900-02-29 does not */
	assert_false(valid_idcard("11010519900230001X"));	/* 30 February */
	assert_false(valid_idcard("11010519491231002x"));	/* lower-case x */
	assert_false(valid_idcard("110105194912310021"));	/* wrong check digit */
	assert_false(valid_idcard("11010519491231002"));	/* 17 characters */
	assert_false(valid_idcard("11010519491231002X0"));	/* 19 characters */
	assert_false(valid_idcard("01010519491231002X"));	/* no such region */
	assert_false(valid_idcard("330702209901010015"));	/* born in the future */
	assert_false(valid_idcard(""));
	assert_false(valid_idcard(NULL));
}

/* A valid 身份证号 of 330702 born on ymd (YYYYMMDD). */
static void
idcard_born(const char *ymd, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0;

	snprintf(out, 19, "330702%s001", ymd);
	for (i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* Born today is possible, born tomorrow is not: the day counts, not only
 * the year (UTC+8, the portal's day). */
static void
t_idcard_today(void **state)
{
	char ymd[9], id[19];
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;

	(void)state;
	gmtime_r(&t, &tm);
	strftime(ymd, sizeof(ymd), "%Y%m%d", &tm);
	idcard_born(ymd, id);
	assert_true(valid_idcard(id));
	t += 24 * 3600;
	gmtime_r(&t, &tm);
	strftime(ymd, sizeof(ymd), "%Y%m%d", &tm);
	idcard_born(ymd, id);
	assert_false(valid_idcard(id));
	/* the last day of this year, unless that is today */
	t = time(NULL) + 8 * 3600;
	gmtime_r(&t, &tm);
	if (!(tm.tm_mon == 11 && tm.tm_mday == 31)) {
		snprintf(ymd, sizeof(ymd), "%04d1231", tm.tm_year + 1900);
		idcard_born(ymd, id);
		assert_false(valid_idcard(id));
	}
	/* and the same for the other dates: not after today */
	t += 24 * 3600;
	gmtime_r(&t, &tm);
	strftime(ymd, sizeof(ymd), "%Y-%m-%d", &tm);
	assert_false(valid_past_date(ymd));
}

/* 文号: the notice's shape, and each way of getting it wrong */
static void
t_calendar_date(void **state)
{
	(void)state;
	assert_true(valid_calendar_date("2031-01-01"));
	assert_true(valid_calendar_date("2031-12-31"));
	assert_true(valid_calendar_date("2000-02-29"));	/* divisible by 400 */
	assert_true(valid_calendar_date("2028-02-29"));
	assert_true(valid_calendar_date("2099-06-30"));	/* the future too */
	assert_true(valid_calendar_date("1900-01-01"));
	assert_false(valid_calendar_date("1899-12-31"));
	assert_false(valid_calendar_date("2100-02-29"));	/* divisible by 100 only */
	assert_false(valid_calendar_date("2031-02-29"));
	assert_false(valid_calendar_date("2031-02-30"));
	assert_false(valid_calendar_date("2031-04-31"));
	assert_false(valid_calendar_date("2031-13-01"));
	assert_false(valid_calendar_date("2031-00-10"));
	assert_false(valid_calendar_date("2031-01-00"));
	assert_false(valid_calendar_date("2031-01-32"));
	assert_false(valid_calendar_date("2031-1-01"));
	assert_false(valid_calendar_date("2031-01-011"));
	assert_false(valid_calendar_date("2031/01/01"));
	assert_false(valid_calendar_date("2031-0a-01"));
	assert_false(valid_calendar_date(""));
	assert_false(valid_calendar_date(NULL));
	/* the shape alone: a day the calendar lacks is still one written right */
	assert_true(date_shaped("2031-02-30"));
	assert_true(date_shaped("2031-13-01"));
	assert_false(date_shaped("2031/01/01"));
	assert_false(date_shaped("2031-1-01"));
	assert_false(date_shaped(NULL));
}

static void
t_doc_number(void **state)
{
	(void)state;
	assert_true(valid_doc_number("金建评〔2023〕12号"));
	assert_true(valid_doc_number("金人社〔2024〕1号"));
	assert_true(valid_doc_number("浙建〔2023〕9999号"));
	assert_true(valid_doc_number("一二三四五六七八九十一二〔2023〕1号"));	/* 12 characters */
	assert_false(valid_doc_number("一二三四五六七八九十一二三〔2023〕1号"));	/* 13 */
	assert_false(valid_doc_number("金建评〔2023〕10000号"));
	assert_false(valid_doc_number("金建评〔2023〕012号"));
	assert_false(valid_doc_number("金建评〔2023〕0号"));
	assert_false(valid_doc_number("金建评〔2023〕12"));
	assert_false(valid_doc_number("金建评〔2023〕12号 "));
	assert_false(valid_doc_number("金建评[2023]12号"));
	assert_false(valid_doc_number("金建评（2023）12号"));
	assert_false(valid_doc_number("〔2023〕12号"));
	assert_false(valid_doc_number("金建评〔23〕12号"));
	assert_false(valid_doc_number("金建评〔20２3〕12号"));
	assert_false(valid_doc_number("金 建评〔2023〕12号"));
	assert_false(valid_doc_number("金建评〔2023〕〔2023〕12号"));
	/* the 机关代字: 汉字 and letters, digits after the first; the year from 1949 */
	assert_true(valid_doc_number("JHJS〔2023〕1号"));
	assert_true(valid_doc_number("金测12〔1949〕1号"));
	assert_false(valid_doc_number("<b>〔2026〕2号"));
	assert_false(valid_doc_number("1金〔2023〕1号"));
	assert_false(valid_doc_number("金·建〔2023〕1号"));
	assert_false(valid_doc_number("金建评〔1948〕1号"));
	assert_false(valid_doc_number("金建评〔1899〕1号"));
	assert_false(valid_doc_number(""));
	assert_false(valid_doc_number(NULL));
	assert_false(valid_doc_number("金建评\xe3\x80〔2023〕12号"));	/* not UTF-8 */
}

/* 单位性质 and a 事业单位's 隶属关系: the codes of sql/011, nothing else */
static void
t_org_codes(void **state)
{
	(void)state;
	assert_true(valid_ownership("state"));
	assert_true(valid_ownership("other"));
	assert_false(valid_ownership("State"));
	assert_false(valid_ownership(""));
	assert_false(valid_ownership("privatex"));
	assert_true(valid_unit_affiliation("bureau"));
	assert_true(valid_unit_affiliation("civil_service"));
	assert_false(valid_unit_affiliation("none"));
	assert_false(valid_unit_affiliation(""));
}

static void
t_uscc(void **state)
{
	(void)state;
	assert_true(valid_uscc("91350100M000100Y43"));
	assert_true(valid_uscc("91110000600037341L"));
	assert_true(valid_uscc("91330702MA2E1H3K00"));
	assert_false(valid_uscc("91350100M000100Y44"));	/* check character */
	assert_false(valid_uscc("91350100M000100Y4"));	/* 17 */
	assert_false(valid_uscc("91350100M000100Y433"));	/* 19 */
	assert_false(valid_uscc("91350100M000100I43"));	/* I is not in the set */
	assert_false(valid_uscc("91350100m000100Y43"));	/* lower case */
	/* right check characters, impossible codes */
	assert_false(valid_uscc("000000000000000000"));
	assert_false(valid_uscc("00330702MA2812345G"));	/* no department 0 */
	assert_false(valid_uscc("99330702MA2812345B"));	/* 市场监管 registers no kind 9 */
	assert_false(valid_uscc("91000000MA2812345J"));	/* no division 000000 */
	assert_true(valid_uscc("12330700002609388C"));	/* 机构编制, 事业单位 */
	assert_false(valid_uscc(NULL));
}

/* GB 32100: every single wrong character is caught (the weights are not 0
 * modulo the prime 31), letters are upper case, and I O Z S V never occur. */
static void
t_uscc_edges(void **state)
{
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	const char *good = "91330702MA2E1H3K00";
	char s[19];
	size_t i, k;

	(void)state;
	for (i = 0; i < 18; i++)
		for (k = 0; k < sizeof(set) - 1; k++) {
			memcpy(s, good, 19);
			if (s[i] == set[k])
				continue;
			s[i] = set[k];
			if (valid_uscc(s))
				fail_msg("%s accepted (position %zu changed)", s, i);
		}
	for (i = 0; i < 18; i++) {
		const char *never = "IOZSV";

		for (k = 0; never[k] != '\0'; k++) {
			memcpy(s, good, 19);
			s[i] = never[k];
			assert_false(valid_uscc(s));
		}
		memcpy(s, good, 19);
		if (s[i] >= 'A' && s[i] <= 'Z') {
			s[i] = (char)(s[i] - 'A' + 'a');
			assert_false(valid_uscc(s));
		}
	}
	assert_true(valid_uscc("12330700470116000Y"));	/* the check character may be a letter */
	assert_false(valid_uscc("12330700470116000y"));
}

static void
t_mobile(void **state)
{
	(void)state;
	assert_true(valid_mobile("13800000000"));
	assert_true(valid_mobile("19912345678"));
	assert_false(valid_mobile("12800000000"));
	assert_false(valid_mobile("23800000000"));	/* mainland mobiles start with 1 */
	assert_false(valid_mobile("1380000000"));
	assert_false(valid_mobile("138000000000"));
	assert_false(valid_mobile("1380000000a"));
	assert_false(valid_mobile("+8613800000000"));
	assert_false(valid_mobile(NULL));
}

/* a help desk's numbers (技术支持联系方式) and an e-mail address */
static void
t_phone_email(void **state)
{
	(void)state;
	assert_true(valid_phone_text("0579-82468888"));
	assert_true(valid_phone_text("12345"));
	assert_true(valid_phone_text("0579-82468888、12345"));
	assert_true(valid_phone_text("（0579）82468888 转 8001"));
	assert_true(valid_phone_text("0579-82468888, 13957901234"));
	assert_false(valid_phone_text("1234"));			/* five digits at least */
	assert_false(valid_phone_text("请拨打客服电话"));
	assert_false(valid_phone_text("0579-8246888a"));
	assert_false(valid_phone_text("\xe8\xbd"));		/* a cut 转 */
	assert_false(valid_phone_text(""));
	assert_false(valid_phone_text(NULL));
	assert_true(valid_email("zcps@example.gov.cn"));
	assert_true(valid_email("zcps.support+1@mail-1.example.cn"));
	assert_false(valid_email("zcps@"));
	assert_false(valid_email("@example.cn"));
	assert_false(valid_email("zcps@example"));		/* no dot after the @ */
	assert_false(valid_email("a b@example.cn"));
	assert_false(valid_email("x@a..cn"));
	assert_false(valid_email("x@.a.cn"));
	assert_false(valid_email("x@a.cn."));
	assert_false(valid_email("x@y@a.cn"));
	assert_false(valid_email("张@a.cn"));
	assert_false(valid_email(NULL));
}

static void
t_name(void **state)
{
	char *s;

	(void)state;
	assert_true(valid_person_name("张三"));
	assert_true(valid_person_name("阿卜杜拉·买买提"));
	assert_true(valid_person_name("John Smith"));
	assert_false(valid_person_name("张"));
	assert_false(valid_person_name("张3"));
	assert_false(valid_person_name(" 张三"));
	assert_false(valid_person_name("张<b>"));
	s = rep("张", 30);
	assert_true(valid_person_name(s));
	free(s);
	s = rep("张", 31);
	assert_false(valid_person_name(s));
	free(s);
	/* 汉字 beyond Extension B are 汉字 (赵孟𫖯: C, 王𬱖: E, 𰀀: G), and 〇 */
	assert_true(valid_person_name("赵孟\U0002B5AF"));
	assert_true(valid_person_name("王\U0002CC56"));
	assert_true(valid_person_name("\U00030000\u3007"));
	assert_false(valid_person_name("王\U000323B0"));	/* past Extension H */
	assert_false(valid_person_name("王\uE000"));		/* a private use character */
}

static void
t_name_tidy(void **state)
{
	static const struct { const char *in, *out; } c[] = {
		{ "阿卜杜•热合曼", "阿卜杜·热合曼" },	/* U+2022 */
		{ "阿卜杜・热合曼", "阿卜杜·热合曼" },	/* U+30FB */
		{ "阿卜杜‧热合曼", "阿卜杜·热合曼" },	/* U+2027 */
		{ "阿卜杜･热合曼", "阿卜杜·热合曼" },	/* U+FF65 */
		{ "阿卜杜·热合曼", "阿卜杜·热合曼" },
		{ "张  三", "张 三" },
		{ "John   Smith", "John Smith" },
		{ "", "" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", c[i].in);
		name_tidy(buf);
		assert_string_equal(buf, c[i].out);
		assert_true(c[i].out[0] == '\0' || valid_person_name(buf));
	}
}

static void
t_password(void **state)
{
	char *s;

	(void)state;
	assert_true(valid_password("Abcdefg1"));	/* 8, three classes */
	assert_false(valid_password("Abcdef1"));	/* 7 */
	assert_false(valid_password("abcdefgh1"));	/* two classes */
	assert_true(valid_password("abcdefg1!"));	/* lower, digit, symbol */
	assert_true(valid_password("ABCDEFG1!"));
	assert_false(valid_password("Abcdefg1\n"));	/* control character */
	s = rep("Aa1!", 32);				/* 128 */
	assert_true(valid_password(s));
	free(s);
	s = malloc(130);
	memcpy(s, "Aa1!", 4);
	memset(s + 4, 'a', 125);
	s[129] = '\0';					/* 129 */
	assert_false(valid_password(s));
	free(s);
}

static void
t_text_chars(void **state)
{
	char *s;

	(void)state;
	s = rep("述", 1000);
	assert_int_equal(utf8_chars(s), 1000);
	assert_true(valid_text(s, 1000));
	free(s);
	s = rep("述", 1001);
	assert_false(valid_text(s, 1000));
	free(s);
	assert_true(valid_text("第一行\n第二行\t", 10));
	assert_false(valid_text("bell\a", 10));
	/* XML 1.0 has no place for a noncharacter: one in an opinion broke every 评审表 */
	assert_false(valid_text("同意\xEF\xBF\xBF" "推荐", 10));	/* U+FFFF */
	assert_false(valid_text("同意\xEF\xBF\xBE", 10));	/* U+FFFE */
	assert_false(valid_text("\xEF\xB7\x90", 10));		/* U+FDD0 */
	assert_false(valid_text("\xF0\x9F\xBF\xBF", 10));	/* U+1FFFF */
	assert_false(valid_text("a\xC2\x85" "b", 10));		/* U+0085, a C1 control */
	/* nor a control that turns a text's direction (a title in a 12333 message) */
	assert_false(valid_text("证书\xE2\x80\xAE" "fdp.exe", 20));	/* U+202E */
	assert_false(valid_text("\xE2\x81\xA6x", 20));		/* U+2066 */
	/* what is near them is text */
	assert_true(valid_text("\xEF\xBF\xBD\xEF\xBF\xBC \xEF\xB7\x8F\xEF\xB7\xB0 \xF0\xA0\xAE\xB7 \xE2\x80\x8F", 20));
}

/* Characters as a reader sees them (extended grapheme clusters). */
static void
t_graphemes(void **state)
{
	static const struct { const char *s; size_t n; } c[] = {
		{ "", 0 },
		{ "述职", 2 },
		{ "e\u0301", 1 },				/* é as e + combining acute */
		{ "a\u0323\u0302b", 2 },			/* two marks on one letter */
		{ "\U0001F468\u200D\U0001F469\u200D\U0001F467", 1 },	/* family: ZWJ sequence */
		{ "\U0001F1E8\U0001F1F3", 1 },		/* flag CN: two regional indicators */
		{ "\U0001F1E8\U0001F1F3\U0001F1FA\U0001F1F8", 2 },	/* two flags */
		{ "\U0001F44D\U0001F3FD", 1 },		/* thumbs up, skin tone */
		{ "\u2764\uFE0F", 1 },			/* heart with emoji variation selector */
		{ "\u8FB6\U000E0100", 1 },			/* ideograph with a variation selector */
		{ "a\r\nb", 3 },				/* CR LF is one line break */
		{ "a\n\rb", 4 },				/* LF CR is two */
		{ "\u1100\u1161\u11A8", 1 },		/* Hangul syllable from jamo */
		{ "\U00020BB7", 1 },				/* 𠮷: one code point outside the BMP */
	};
	char *s, *t;
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(c); i++)
		if (utf8_graphemes(c[i].s) != c[i].n)
			fail_msg("case %zu: %zu characters, want %zu", i, utf8_graphemes(c[i].s), c[i].n);
	/* the same text, long: 1000 flags are 2000 code points and 1000 characters */
	s = rep("\U0001F1E8\U0001F1F3", 1000);
	assert_int_equal(utf8_chars(s), 2000);
	assert_int_equal(utf8_graphemes(s), 1000);
	free(s);
	s = rep("e\u0301", 1001);
	assert_int_equal(utf8_graphemes(s), 1001);
	free(s);
	t = rep("\u8FF0\r\n", 500);	/* 述 CR LF */
	assert_int_equal(utf8_graphemes(t), 1000);
	/* 字 as the limits count them: the line breaks between paragraphs are none */
	assert_int_equal(utf8_words(t), 500);
	free(t);
	assert_int_equal(utf8_words("a\r\nb\nc\rd\n\re"), 5);
	assert_int_equal(utf8_words("\n\n"), 0);
	assert_int_equal(utf8_words("\u3000\u3000\u8FF0\n"), 3);	/* an indent is typed, it counts */
	assert_int_equal(utf8_words(""), 0);
}

static void
t_blank(void **state)
{
	(void)state;
	assert_true(utf8_blank(""));
	assert_true(utf8_blank(" \t\r\n "));
	assert_true(utf8_blank("\u3000\u3000"));		/* ideographic space, as typed with a Chinese IME */
	assert_true(utf8_blank("\u00A0\u2003\u202F"));	/* no-break, em, narrow no-break */
	assert_true(utf8_blank("\u200B\u200D\uFEFF"));	/* zero width space, joiner, BOM */
	assert_false(utf8_blank("述"));
	assert_false(utf8_blank(" \u3000x\u3000 "));
	assert_false(utf8_blank("\u3002"));			/* 。 is something */
}

/* utf8_trim(): what utf8_blank() sees as nothing, off both ends only */
static void
t_trim(void **state)
{
	static const struct { const char *in, *out; } c[] = {
		{ " 建筑工程施工\u3000", "建筑工程施工" },
		{ "\u200B\u00A0a b\t\r\n", "a b" },
		{ "建筑 工程", "建筑 工程" },
		{ "   ", "" },
		{ "\u3000\uFEFF", "" },
		{ "", "" },
		{ "x", "x" },
		{ "\u3002 ", "\u3002" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", c[i].in);
		utf8_trim(buf);
		assert_string_equal(buf, c[i].out);
	}
	/* utf8_trim_end(): a paragraph's indent stays, a paste's last line break goes */
	snprintf(buf, sizeof(buf), "%s", "\u3000\u3000\u8FF0\u3002\r\n \u200B");
	utf8_trim_end(buf);
	assert_string_equal(buf, "\u3000\u3000\u8FF0\u3002");
	snprintf(buf, sizeof(buf), "%s", " \n");
	utf8_trim_end(buf);
	assert_string_equal(buf, "");
	snprintf(buf, sizeof(buf), "%s", "\u2764\uFE0F\n");	/* the heart keeps its VS16 */
	utf8_trim_end(buf);
	assert_string_equal(buf, "\u2764\uFE0F");
}

static void
t_utf8(void **state)
{
	(void)state;
	assert_true(valid_utf8("中文😀", strlen("中文😀")));
	assert_false(valid_utf8("\xC0\x80", 2));		/* overlong NUL */
	assert_false(valid_utf8("\xED\xA0\x80", 3));	/* surrogate */
	assert_false(valid_utf8("\xF4\x90\x80\x80", 4));	/* above U+10FFFF */
	assert_false(valid_utf8("\xE4\xB8", 2));		/* truncated */
	assert_false(valid_utf8("\xFF", 1));
	assert_true(valid_utf8("", 0));
}

/* utf8_cut(): what snprintf() left of a character at the end goes, nothing else */
static void
t_utf8_cut(void **state)
{
	char b[16];
	size_t i;

	(void)state;
	for (i = 1; i <= 10; i++) {	/* 中文😀 cut after every byte */
		snprintf(b, i + 1, "%s", "\u4E2D\u6587\U0001F600");
		utf8_cut(b);
		assert_true(valid_utf8(b, strlen(b)));
		assert_int_equal(strlen(b), i < 3 ? 0 : i < 6 ? 3 : i < 10 ? 6 : 10);
	}
	snprintf(b, sizeof(b), "%s", "ab");
	utf8_cut(b);
	assert_string_equal(b, "ab");
	b[0] = '\0';
	utf8_cut(b);
	assert_string_equal(b, "");
}

static void
t_mask(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(mask_id("330702199001010015", b, sizeof(b)), "3307**********0015");
	assert_string_equal(mask_mobile("13957900021", b, sizeof(b)), "139****0021");
	assert_string_equal(mask_mobile("123", b, sizeof(b)), "***");
}

static void
t_login_name_minute(void **state)
{
	(void)state;
	assert_true(valid_login_name("abc"));
	assert_false(valid_login_name("ab"));
	assert_true(valid_login_name("a2345678901234567890123456789012"));	/* 32 */
	assert_false(valid_login_name("a23456789012345678901234567890123"));	/* 33 */
	assert_true(valid_login_name("jh_zpw_m1"));
	assert_false(valid_login_name("1abc"));
	assert_false(valid_login_name("_abc"));
	assert_false(valid_login_name("Abc"));
	assert_false(valid_login_name("ab-c"));
	assert_false(valid_login_name("ab c"));
	assert_true(valid_minute("2024-05-06 09:30"));
	assert_false(valid_minute("2024-05-06 09:3"));
	assert_false(valid_minute("2024-05-06 09:300"));
	assert_false(valid_minute("2024-05-06T09:30"));
	assert_false(valid_minute("2024/05/06 09:30"));
	assert_false(valid_minute("2024-05-06 0a:30"));
	assert_true(valid_minute("2024-05-06 00:00"));
	assert_true(valid_minute("2024-05-06 23:59"));
	assert_false(valid_minute("2024-05-06 24:00"));
	assert_false(valid_minute("2024-05-06 12:60"));
	assert_false(valid_minute(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_idcard),
		cmocka_unit_test(t_phone_email),
		cmocka_unit_test(t_idcard_today),
		cmocka_unit_test(t_calendar_date),
		cmocka_unit_test(t_org_codes),
		cmocka_unit_test(t_uscc),
		cmocka_unit_test(t_uscc_edges),
		cmocka_unit_test(t_mobile),
		cmocka_unit_test(t_name),
		cmocka_unit_test(t_password),
		cmocka_unit_test(t_name_tidy),
		cmocka_unit_test(t_text_chars),
		cmocka_unit_test(t_graphemes),
		cmocka_unit_test(t_blank),
		cmocka_unit_test(t_trim),
		cmocka_unit_test(t_utf8),
		cmocka_unit_test(t_utf8_cut),
		cmocka_unit_test(t_mask),
		cmocka_unit_test(t_doc_number),
		cmocka_unit_test(t_login_name_minute),
	};

	return cmocka_run_group_tests_name("valid", tests, NULL, NULL);
}
