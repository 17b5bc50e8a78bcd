/* The configuration file: keys of a program of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "portal.h"

/* Loads text as a configuration file. */
static int
load(const char *text)
{
	char path[] = "/tmp/zcps-conf-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	rc = conf_load(path);
	unlink(path);
	return rc;
}

static char program_value[64];

static int
program_key(const char *k, const char *v)
{
	if (strcmp(k, "paysim_secret") != 0)
		return 1;
	if (strlen(v) < 4)
		return -1;
	snprintf(program_value, sizeof(program_value), "%s", v);
	return 0;
}

static void
t_program_keys(void **state)
{
	(void)state;
	/* a portal role does not know the simulator's key */
	assert_int_equal(load("paysim_secret = abcd\n"), -1);
	conf_program_keys(program_key);
	assert_int_equal(load("paysim_secret = abcd\ndb_name = zcps\n"), 0);
	assert_string_equal(program_value, "abcd");
	assert_int_equal(load("paysim_secret = abc\n"), -1);
	assert_int_equal(load("no_such_key = 1\n"), -1);
	conf_program_keys(NULL);
	assert_int_equal(load("paysim_secret = abcd\n"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_program_keys),
	};

	log_init("test_conf");
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
