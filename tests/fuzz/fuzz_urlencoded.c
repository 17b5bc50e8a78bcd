/* libFuzzer harness: application/x-www-form-urlencoded (query strings) through
 * the declared-field checks of a query: the worklist's (strings with
 * validators, integers, a boolean) and a file's (?download). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "review.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A regression check built by clang, as these harnesses are (the unit tests
 * are built by gcc): field_check_kv() once passed an integer to its check
 * before parsing it into the same variable, an order of evaluation C leaves
 * open; gcc happened to parse first, clang read 0 and refused ?size=20.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char qs[] = "size=20&plan=7&q=%E5%BC%A0";
	struct fval vals[FIELDS_MAX];
	const char *bad;
	char msg[256];
	struct kv *kv;
	size_t n;
	int i;

	(void)argc;
	(void)argv;
	if (form_urlencoded(qs, sizeof(qs) - 1, 4096, &kv, &n) != PERR_OK ||
	    field_check_kv(kv, n, review_worklist_query, vals, &bad, msg, sizeof(msg)) != PERR_OK) {
		fprintf(stderr, "fuzz_urlencoded: %s refused: %s\n", qs, msg);
		abort();
	}
	for (i = 0; review_worklist_query[i].name != NULL; i++)
		if ((strcmp(review_worklist_query[i].name, "size") == 0 && vals[i].i != 20) ||
		    (strcmp(review_worklist_query[i].name, "plan") == 0 && vals[i].i != 7)) {
			fprintf(stderr, "fuzz_urlencoded: %s read as %s=%lld\n", qs,
			    review_worklist_query[i].name, vals[i].i);
			abort();
		}
	kv_free(kv, n);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fval vals[FIELDS_MAX];
	const char *bad;
	char msg[256];
	struct kv *kv;
	size_t n;

	if (form_urlencoded((const char *)data, size, 4096, &kv, &n) != PERR_OK)
		return 0;
	(void)field_check_kv(kv, n, review_worklist_query, vals, &bad, msg, sizeof(msg));
	(void)field_check_kv(kv, n, upload_get_fields, vals, &bad, msg, sizeof(msg));
	kv_free(kv, n);
	return 0;
}
