/* The hand-written printers of the hot path (lib/field.c, lib/db.c): each
 * says what the C library or cJSON would have said, byte for byte; and
 * fen_yuan() (lib/fee.c), the 元 of every fee text. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "portal.h"

/* json_print() against cJSON_PrintUnformatted() */
static void
same(const cJSON *it)
{
	char *want = cJSON_PrintUnformatted(it), *got;
	size_t len = 0;

	assert_non_null(want);
	got = json_print(it, &len);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	free(got);
	cJSON_free(want);
}

static void
t_json_print(void **state)
{
	static const double nums[] = { 0, -0.0, 1, -1, 0.5, 1e300, -2.5e-7, 123456789012345.0,
	    3.141592653589793, 1e21, 100, 999999999999999.0, -999999999999999.0, 1e15, -1e15,
	    1e15 + 2, 2147483647.0, 2147483648.0, -2147483648.0, -2147483649.0, 4294967296.0,
	    1e14 + 0.5, -7.0, 65536.0, 1e-300, 9007199254740993.0 };
	cJSON *o = cJSON_CreateObject(), *a, *x;
	char s[300];
	unsigned seed = 7;
	size_t i, k;

	(void)state;
	same(o);					/* {} */
	a = cJSON_AddArrayToObject(o, "empty");
	same(o);					/* {"empty":[]} */
	cJSON_AddItemToArray(a, cJSON_CreateNull());
	cJSON_AddItemToArray(a, cJSON_CreateTrue());
	cJSON_AddItemToArray(a, cJSON_CreateFalse());
	cJSON_AddItemToArray(a, cJSON_CreateObject());
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(nums[i]));
	json_add_int(o, "min", LLONG_MIN);
	json_add_int(o, "max", LLONG_MAX);
	json_add_str(o, "中文 \"引号\" \\ 键", "婺城区\t\n\r\b\f\x01\x1f\x7f 末尾");
	json_add_str(o, "", "");
	cJSON_AddItemToObject(o, "null string", cJSON_CreateString(NULL));
	x = cJSON_AddObjectToObject(o, "nested");
	cJSON_AddItemToObject(x, "deeper", cJSON_CreateArray());
	same(o);
	/* every byte value in strings of every length up to 300, past the
	 * first buffer's 4 096 bytes in all */
	for (k = 0; k < 300; k++) {
		for (i = 0; i < k; i++) {
			seed = seed * 1103515245 + 12345;
			s[i] = (char)(1 + (seed >> 16) % 255);
		}
		s[k] = '\0';
		cJSON_AddItemToArray(a, cJSON_CreateString(s));
	}
	same(o);
	/* and one long text, escapes across the 4 096-byte pieces it is written in */
	{
		char *big = malloc(10001);

		assert_non_null(big);
		for (i = 0; i < 10000; i++)
			big[i] = i % 4096 >= 4090 ? '\n' : i % 7 == 0 ? '"' : (char)('a' + i % 26);
		big[10000] = '\0';
		cJSON_AddItemToArray(a, cJSON_CreateString(big));
		free(big);
	}
	same(o);
	cJSON_Delete(o);
	/* a raw item without its text fails, as in cJSON */
	o = cJSON_CreateObject();
	x = cJSON_CreateRaw("1");
	cJSON_AddItemToObject(o, "r", x);
	cJSON_free(x->valuestring);
	x->valuestring = NULL;
	assert_null(cJSON_PrintUnformatted(o));
	assert_null(json_print(o, NULL));
	cJSON_Delete(o);
	assert_null(json_print(NULL, NULL));
}

static void
t_int_text(void **state)
{
	static const long long v[] = { 0, 1, -1, 9, 10, -10, 99, 100, 1234567890123LL,
	    -987654321, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1 };
	char want[32], got[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(want, sizeof(want), "%lld", v[i]);
		assert_int_equal(int_text(got, v[i]), strlen(want));
		assert_string_equal(got, want);
	}
}

/* db_int() against strtoll() on the texts a database gives, and some it does not */
static void
t_db_int(void **state)
{
	static const char *const v[] = { "0", "42", "-42", "+7", "9223372036854775807",
	    "-9223372036854775808", "9223372036854775808", "99999999999999999999",
	    "-9223372036854775809", "-99999999999999999999", "12.75", "-0.5", "", "t", "007" };
	PGresAttDesc att = { .name = (char *)"v", .typid = 20, .typlen = 8, .atttypmod = -1 };
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	size_t i;

	(void)state;
	assert_non_null(r);
	assert_true(PQsetResultAttrs(r, 1, &att));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(PQsetvalue(r, (int)i, 0, (char *)v[i], (int)strlen(v[i])));
	assert_true(PQsetvalue(r, (int)i, 0, NULL, -1));	/* NULL */
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(db_int(r, (int)i, 0) == strtoll(v[i], NULL, 10));
	assert_true(db_int(r, (int)i, 0) == 0);
	PQclear(r);
}

static void
t_fen_yuan(void **state)
{
	static const struct { long long fen; const char *yuan; } v[] = {
		{ 26000, "260" }, { 0, "0" }, { 50, "0.50" }, { 8005, "80.05" }, { -50, "-0.50" },
		{ -26000, "-260" }, { -12345, "-123.45" }, { 1, "0.01" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_string_equal(fen_yuan(v[i].fen, buf, sizeof(buf)), v[i].yuan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_json_print),
		cmocka_unit_test(t_int_text),
		cmocka_unit_test(t_db_int),
		cmocka_unit_test(t_fen_yuan),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
