/* conf.c: "key = value" configuration; unknown keys are refused so typos surface. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"

struct conf conf = {
	.db_socket_dir = "/var/run/postgresql",
	.db_name = "zcps",
	.db_user = "",
	.max_json_bytes = 64 * 1024,
	/* a file of 10 MiB and its multipart envelope (the file's own limit is its field's) */
	.max_upload_bytes = 10 * 1024 * 1024 + 100 * 1024,
	.session_idle_min = 30,
	.session_abs_hours = 12,
	.login_max_failures = 5,
	.login_lock_min = 30,
	.payment_provider = "none",
	.register_per_ip_hour = 20,
	.codes_per_ip_hour = 30,
	.login_failures_per_ip_hour = 300,
	.uploads_per_day = 300,
	.upload_mb_per_day = 1024,
	.password_cost = 5,
};

static int (*program_key)(const char *, const char *);

void
conf_program_keys(int (*set)(const char *, const char *))
{
	program_key = set;
}

bool
conf_payment_simulated(void)
{
	return strcmp(conf.payment_provider, "simulator") == 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
set_num(const char *v, long long lo, long long hi, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || end == v || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int
set_str(const char *v, char *dst, size_t dstsz)
{
	/* values end up inside quoted libpq conninfo strings */
	if (strlen(v) >= dstsz || strpbrk(v, "'\\") != NULL)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* Where the browser is sent to pay: an https URL or a path of this site,
 * without characters that would need escaping. The signed order goes in the
 * query, or in the fragment when the URL ends with "#" (a gateway page that
 * reads it there, like the demo's simulator: a fragment reaches no server's
 * log); a "#" anywhere else is refused. */
static int
set_gateway_url(const char *v)
{
	size_t i;

	if (strncmp(v, "https://", 8) != 0 && (v[0] != '/' || v[1] == '/'))
		return -1;
	for (i = 0; v[i] != '\0'; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '#' && v[i + 1] == '\0')
			break;
		if (c <= ' ' || c > '~' || strchr("\"'<>\\`#{}|^", c) != NULL)
			return -1;
	}
	return set_str(v, conf.payment_gateway_url, sizeof(conf.payment_gateway_url));
}

/* scheme://host[:port], nothing after it but an optional "/" (dropped); "" unsets it */
static int
set_public_url(const char *v)
{
	size_t n = strlen(v), i, from;

	if (n == 0) {
		conf.public_url[0] = '\0';
		return 0;
	}
	from = strncmp(v, "https://", 8) == 0 ? 8 : strncmp(v, "http://", 7) == 0 ? 7 : 0;
	if (v[n - 1] == '/')
		n--;
	if (from == 0 || n <= from || n >= sizeof(conf.public_url))
		return -1;
	for (i = from; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && strchr(".-:[]", v[i]) == NULL)
			return -1;
	memcpy(conf.public_url, v, n);
	conf.public_url[n] = '\0';
	return 0;
}

static int
conf_set(const char *k, const char *v)
{
	long long n;
	int rc = -1;

	if (program_key != NULL && (rc = program_key(k, v)) != 1)
		return rc;
	rc = -1;
	if (strcmp(k, "db_socket_dir") == 0)
		return set_str(v, conf.db_socket_dir, sizeof(conf.db_socket_dir));
	if (strcmp(k, "db_name") == 0)
		return set_str(v, conf.db_name, sizeof(conf.db_name));
	if (strcmp(k, "db_user") == 0)
		return set_str(v, conf.db_user, sizeof(conf.db_user));
	if (strcmp(k, "payment_provider") == 0)
		return strcmp(v, "none") != 0 && strcmp(v, "external") != 0 &&
		    strcmp(v, "simulator") != 0 ? -1 :
		    set_str(v, conf.payment_provider, sizeof(conf.payment_provider));
	if (strcmp(k, "payment_gateway_url") == 0)
		return set_gateway_url(v);
	if (strcmp(k, "public_url") == 0)
		return set_public_url(v);
	if (strcmp(k, "payment_callback_secret") == 0)
		return strlen(v) < 32 ? -1 : set_str(v, conf.payment_callback_secret,
		    sizeof(conf.payment_callback_secret));
	if (strcmp(k, "payment_secret") == 0) {
		log_err("msg=\"payment_secret is replaced by payment_provider, payment_gateway_url"
		    " and payment_callback_secret (see conf/portal.conf.in)\"");
		return -1;
	}
	if (strcmp(k, "max_json_bytes") == 0 &&
	    (rc = set_num(v, 1024, 16 << 20, &n)) == 0)
		conf.max_json_bytes = (size_t)n;
	else if (strcmp(k, "max_upload_bytes") == 0 &&
	    (rc = set_num(v, 1024, 64 << 20, &n)) == 0)
		conf.max_upload_bytes = (size_t)n;
	else if (strcmp(k, "session_idle_min") == 0 &&
	    (rc = set_num(v, 1, 24 * 60, &n)) == 0)
		conf.session_idle_min = (int)n;
	else if (strcmp(k, "session_abs_hours") == 0 &&
	    (rc = set_num(v, 1, 24 * 7, &n)) == 0)
		conf.session_abs_hours = (int)n;
	else if (strcmp(k, "login_max_failures") == 0 &&
	    (rc = set_num(v, 1, 100, &n)) == 0)
		conf.login_max_failures = (int)n;
	else if (strcmp(k, "login_lock_min") == 0 &&
	    (rc = set_num(v, 1, 24 * 60, &n)) == 0)
		conf.login_lock_min = (int)n;
	else if (strcmp(k, "register_per_ip_hour") == 0 &&
	    (rc = set_num(v, 1, 1000000, &n)) == 0)
		conf.register_per_ip_hour = (int)n;
	else if (strcmp(k, "codes_per_ip_hour") == 0 &&
	    (rc = set_num(v, 1, 1000000, &n)) == 0)
		conf.codes_per_ip_hour = (int)n;
	else if (strcmp(k, "login_failures_per_ip_hour") == 0 &&
	    (rc = set_num(v, 1, 1000000, &n)) == 0)
		conf.login_failures_per_ip_hour = (int)n;
	else if (strcmp(k, "uploads_per_day") == 0 && (rc = set_num(v, 1, 1000000, &n)) == 0)
		conf.uploads_per_day = (int)n;
	else if (strcmp(k, "upload_mb_per_day") == 0 && (rc = set_num(v, 1, 1000000, &n)) == 0)
		conf.upload_mb_per_day = (int)n;
	else if (strcmp(k, "password_cost") == 0 && (rc = set_num(v, 1, 11, &n)) == 0)
		conf.password_cost = (int)n;
	return rc;
}

int
conf_load(const char *path)
{
	FILE *f;
	char line[1024];
	int lineno = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		log_err("msg=\"cannot open config\" path=%s errno=%d", path, errno);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq;

		lineno++;
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			log_err("msg=\"config line without =\" line=%d", lineno);
			rc = -1;
			continue;
		}
		*eq = '\0';
		if (conf_set(trim(s), trim(eq + 1)) != 0) {
			log_err("msg=\"bad config setting\" line=%d key=%s",
			    lineno, trim(s));
			rc = -1;
		}
	}
	fclose(f);
	if (rc == 0 && strcmp(conf.payment_provider, "none") != 0 &&
	    (conf.payment_gateway_url[0] == '\0' || conf.payment_callback_secret[0] == '\0')) {
		log_err("msg=\"payment_provider %s needs payment_gateway_url and"
		    " payment_callback_secret\"", conf.payment_provider);
		rc = -1;
	}
	if (rc == 0 && strcmp(conf.payment_provider, "external") == 0 && conf.public_url[0] == '\0')
		log_warn("msg=\"public_url is not set: the links handed out (certificates' QR codes,"
		    " the signing link) take the Host header of each request\"");
	return rc;
}
