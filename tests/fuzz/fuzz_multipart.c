/* libFuzzer harness: multipart/form-data. The first line is the Content-Type
 * header's value, the rest the body: the boundary, the parts, the declared
 * parts of an upload, and for each part the content sniffing and the name a
 * download would be offered under. */
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
	struct part parts[PARTS_MAX];
	struct fval vals[FIELDS_MAX];
	char boundary[80], msg[256], name[256], *ct;
	const char *bad;
	size_t hl, n, i;

	if (nl == NULL)
		return 0;
	hl = (size_t)(nl - s);
	if ((ct = malloc(hl + 1)) == NULL)
		return 0;
	memcpy(ct, s, hl);
	ct[hl] = '\0';
	if (form_boundary(ct, boundary, sizeof(boundary)) == PERR_OK &&
	    form_multipart(nl + 1, size - hl - 1, boundary, parts, PARTS_MAX, &n) == PERR_OK) {
		(void)field_check_parts(parts, n, upload_fields, vals, &bad, msg, sizeof(msg));
		for (i = 0; i < n; i++) {
			const char *type = upload_sniff(parts[i].data, parts[i].len);

			upload_filename(parts[i].filename, type ? type : "application/pdf", name,
			    sizeof(name));
		}
	}
	free(ct);
	return 0;
}
