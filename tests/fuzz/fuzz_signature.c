/* libFuzzer harness: the 承诺书's signature check (libpng decoding of untrusted
 * bytes, our base64 and our ink count). The input is the PNG; it reaches
 * signature_check() in base64 as the phone's data URL carries it, and the raw
 * input is also tried as base64 text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "portal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[256], *b64, *text;

	if (size > 65536)
		return 0;
	if ((b64 = malloc(4 * ((size + 2) / 3) + 1)) == NULL)
		return 0;
	EVP_EncodeBlock((unsigned char *)b64, data, (int)size);
	(void)signature_check(b64, msg, sizeof(msg));
	free(b64);
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)signature_check(text, msg, sizeof(msg));
	free(text);
	return 0;
}
