/* The request's JSON arena (lib/field.c): what cJSON allocates between
 * json_arena_begin() and json_arena_end() comes from it and goes at the end;
 * what was allocated outside it is freed for real, inside or out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "portal.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

/* n rows of a worklist-like object: several chunks' worth for n = 5000 */
static cJSON *
rows(int n)
{
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	int i;

	for (i = 0; i < n; i++) {
		cJSON *it = cJSON_CreateObject();

		json_add_int(it, "id", i);
		json_add_str(it, "applicant", "张三");
		json_add_str(it, "unit", "婺城区住房和城乡建设局");
		cJSON_AddItemToArray(items, it);
	}
	return o;
}

static void
t_request(void **state)
{
	cJSON *before, *o;
	char *text, want[128];
	size_t len;

	(void)state;
	before = cJSON_CreateString("from before the request");	/* the C library's */
	json_arena_begin();
	o = rows(5000);
	text = cJSON_PrintUnformatted(o);
	assert_non_null(text);
	len = strlen(text);
	assert_true(len > 5000 * 60);
	assert_memory_equal(text, "{\"items\":[{\"id\":0,\"applicant\":\"张三\"", 36);
	snprintf(want, sizeof(want), "{\"id\":4999,\"applicant\":\"张三\",\"unit\":\"%s\"}]}",
	    "婺城区住房和城乡建设局");
	assert_string_equal(text + len - strlen(want), want);
	cJSON_free(text);
	cJSON_Delete(o);
	/* freed for real inside the request: a free() of arena memory, or
	 * none of this, is what AddressSanitizer reports */
	cJSON_Delete(before);
	json_arena_end();

	/* the next request starts from the block kept, and prints the same */
	json_arena_begin();
	o = rows(2);
	text = cJSON_PrintUnformatted(o);
	assert_string_equal(text, "{\"items\":[{\"id\":0,\"applicant\":\"张三\",\"unit\":"
	    "\"婺城区住房和城乡建设局\"},{\"id\":1,\"applicant\":\"张三\",\"unit\":"
	    "\"婺城区住房和城乡建设局\"}]}");
	cJSON_free(text);
	cJSON_Delete(o);
	json_arena_end();

	/* outside a request, the C library's again */
	o = rows(3);
	text = cJSON_PrintUnformatted(o);
	assert_non_null(text);
	cJSON_free(text);
	cJSON_Delete(o);
}

/* What a request left behind cannot be read in the next without
 * AddressSanitizer saying so: the arena is poisoned at the end. */
static void
t_poisoned(void **state)
{
	cJSON *o;
	const char *s;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	json_arena_begin();
	o = cJSON_CreateString("gone at the end of the request");
	s = o->valuestring;
	assert_false(__asan_address_is_poisoned(o));
	assert_false(__asan_address_is_poisoned(s));
	json_arena_end();
	assert_true(__asan_address_is_poisoned(o));
	assert_true(__asan_address_is_poisoned(s));
#else
	(void)o;
	(void)s;
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_request),
		cmocka_unit_test(t_poisoned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
