/* libFuzzer harness: urlencoded, multipart (boundary from the first line) and upload sniffing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	struct kv *kv;
	struct part parts[8];
	char boundary[80];
	size_t n;

	if (form_urlencoded(s, size, 4096, &kv, &n) == PERR_OK)
		kv_free(kv, n);
	(void)upload_sniff(s, size);
	if (nl != NULL) {
		/* first line: a Content-Type header value; the rest: the body */
		size_t hl = (size_t)(nl - s);
		char *ct = malloc(hl + 1);

		memcpy(ct, s, hl);
		ct[hl] = '\0';
		if (form_boundary(ct, boundary, sizeof(boundary)) == PERR_OK)
			(void)form_multipart(nl + 1, size - hl - 1, boundary, parts, 8, &n);
		free(ct);
	}
	return 0;
}
