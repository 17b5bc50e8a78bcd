/* libFuzzer harness: the ID-photo check (libjpeg-turbo decoding of untrusted
 * bytes, and our reading of the EXIF orientation). Inputs that start like a
 * JPEG get a comment segment inserted after SOI, so that they pass the 30 KB
 * size rule and reach the decoder unchanged; an accepted photo with an
 * orientation is turned upright as page-photo.c would. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"

#define PAD 31000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *data, size_t size)
{
	struct photo_info info;
	char msg[256], *up;
	size_t uplen;

	if (photo_check(data, size, &info, msg, sizeof(msg)) == PERR_OK &&
	    info.orientation != 1 &&
	    photo_upright(data, size, &up, &uplen, msg, sizeof(msg)) == PERR_OK)
		free(up);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf;

	check((const char *)data, size);
	if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || size > 900000)
		return 0;
	if ((buf = malloc(size + PAD + 4)) == NULL)
		return 0;
	buf[0] = 0xFF;
	buf[1] = 0xD8;
	buf[2] = 0xFF;
	buf[3] = 0xFE;				/* COM */
	buf[4] = (unsigned char)((PAD + 2) >> 8);
	buf[5] = (unsigned char)((PAD + 2) & 0xFF);
	memset(buf + 6, ' ', PAD);
	memcpy(buf + 6 + PAD, data + 2, size - 2);
	check((const char *)buf, size + PAD + 4);
	free(buf);
	return 0;
}
