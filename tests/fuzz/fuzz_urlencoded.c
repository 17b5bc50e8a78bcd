/* libFuzzer harness: application/x-www-form-urlencoded (query strings) through
 * the declared-field checks of a query: the worklist's (strings with
 * validators, integers, a boolean) and a file's (?download). */
#include <stdint.h>
#include <stdlib.h>

#include "portal.h"
#include "review.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
