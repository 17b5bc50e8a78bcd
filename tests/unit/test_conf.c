/* The configuration's payment keys at their edges: the production template as shipped
 * does not start, a provider needs its gateway URL and key, the URL cannot be a script;
 * the password hashes' cost. */
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

#define KEY32 "0123456789abcdef0123456789abcdef"

/* Loads text as a configuration file, from the defaults' payment settings. */
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
	snprintf(conf.payment_provider, sizeof(conf.payment_provider), "none");
	conf.payment_gateway_url[0] = '\0';
	conf.payment_callback_secret[0] = '\0';
	rc = conf_load(path);
	unlink(path);
	return rc;
}

static void
t_template(void **state)
{
	(void)state;
	/* conf/portal.conf.in before its values are filled in */
	assert_int_equal(load("payment_provider = external\n"
	    "payment_gateway_url = @PAYMENT_GATEWAY_URL@\n"
	    "payment_callback_secret = @PAYMENT_CALLBACK_SECRET@\n"), -1);
	assert_int_equal(load("payment_provider = external\n"
	    "payment_gateway_url = https://pay.example.cn/gateway\n"
	    "payment_callback_secret = " KEY32 "\n"), 0);
	assert_string_equal(conf.payment_provider, "external");
	assert_string_equal(conf.payment_gateway_url, "https://pay.example.cn/gateway");
	assert_string_equal(conf.payment_callback_secret, KEY32);
	assert_false(conf_payment_simulated());
	/* no payment at all is the default */
	assert_int_equal(load("db_name = zcps\n"), 0);
	assert_string_equal(conf.payment_provider, "none");
}

static void
t_provider(void **state)
{
	(void)state;
	assert_int_equal(load("payment_provider = simulator\npayment_gateway_url = /paysim/\n"
	    "payment_callback_secret = " KEY32 "\n"), 0);
	assert_true(conf_payment_simulated());
	assert_int_equal(load("payment_provider = sim\npayment_gateway_url = /paysim/\n"
	    "payment_callback_secret = " KEY32 "\n"), -1);
	/* a provider without its URL or its key does not start */
	assert_int_equal(load("payment_provider = external\npayment_callback_secret = " KEY32 "\n"), -1);
	assert_int_equal(load("payment_provider = external\npayment_gateway_url = /pay\n"), -1);
	/* the key: 32 characters at least */
	assert_int_equal(load("payment_provider = external\npayment_gateway_url = /pay\n"
	    "payment_callback_secret = 0123456789abcdef0123456789abcde\n"), -1);
	/* the key of before is refused by name, not taken for the new one */
	assert_int_equal(load("payment_secret = " KEY32 "\n"), -1);
	assert_string_equal(conf.payment_callback_secret, "");
}

static void
t_gateway_url(void **state)
{
	static const char *bad[] = {
		"javascript:alert(1)", "//evil.example/pay", "http://pay.example.cn/", "pay",
		"https://pay.example.cn/gw#x", "https://pay.example.cn/g w", "/pay\"x", "/pay<x",
		"/pay'x", "/支付", "/paysim/##", "/pay#/#", "#",
	};
	static const char *good[] = { "/paysim/", "https://pay.example.cn/gw?merchant=1", "/",
		"/paysim/#", "https://pay.example.cn/gw?merchant=1#" };
	char text[256];
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(bad); i++) {
		snprintf(text, sizeof(text), "payment_gateway_url = %s\n", bad[i]);
		assert_int_equal(load(text), -1);
	}
	for (i = 0; i < NITEMS(good); i++) {
		snprintf(text, sizeof(text), "payment_gateway_url = %s\n", good[i]);
		assert_int_equal(load(text), 0);
		assert_string_equal(conf.payment_gateway_url, good[i]);
	}
}

static void
t_public_url(void **state)
{
	static const char *bad[] = { "@PUBLIC_URL@", "zcps.example.cn", "ftp://zcps.example.cn",
		"https://", "https://zcps.example.cn/applicant", "https://a b", "https://x\"y",
		"https://zcps.example.cn?x=1", "https://zcps.example.cn#x", "javascript:alert(1)" };
	char text[256];
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(bad); i++) {
		snprintf(text, sizeof(text), "public_url = %s\n", bad[i]);
		assert_int_equal(load(text), -1);
	}
	assert_int_equal(load("public_url = https://zcps.example.cn/\n"), 0);
	assert_string_equal(conf.public_url, "https://zcps.example.cn");
	assert_int_equal(load("public_url = http://127.0.0.1:8080\n"), 0);
	assert_string_equal(conf.public_url, "http://127.0.0.1:8080");
	/* empty (the demo's): each request's own address */
	assert_int_equal(load("public_url =\n"), 0);
	assert_string_equal(conf.public_url, "");
}

/* yescrypt's cost: libxcrypt's 5 unless set, 1..11, and a hash made at it says so
 * ($y$j9T$ is cost 5, $y$j75$ cost 1); a hash of another cost still verifies */
static void
t_password_cost(void **state)
{
	char h5[256], h1[256];

	(void)state;
	assert_int_equal(conf.password_cost, 5);
	assert_int_equal(auth_hash("Demo@2023", h5, sizeof(h5)), PERR_OK);
	assert_memory_equal(h5, "$y$j9T$", 7);
	assert_int_equal(load("password_cost = 0\n"), -1);
	assert_int_equal(load("password_cost = 12\n"), -1);
	assert_int_equal(load("password_cost = x\n"), -1);
	assert_int_equal(load("password_cost = 1\n"), 0);
	assert_int_equal(conf.password_cost, 1);
	assert_int_equal(auth_hash("Demo@2023", h1, sizeof(h1)), PERR_OK);
	assert_memory_equal(h1, "$y$j75$", 7);
	assert_true(auth_verify("Demo@2023", h5));
	assert_true(auth_verify("Demo@2023", h1));
	assert_false(auth_verify("Demo@2024", h1));
	conf.password_cost = 5;
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
		cmocka_unit_test(t_template),
		cmocka_unit_test(t_provider),
		cmocka_unit_test(t_gateway_url),
		cmocka_unit_test(t_public_url),
		cmocka_unit_test(t_password_cost),
		cmocka_unit_test(t_program_keys),
	};

	log_init("test_conf");
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
