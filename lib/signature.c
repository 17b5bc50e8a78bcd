/* signature.c: the 承诺书's handwritten signature, checked on its bytes.
 *
 * The phone's page refuses an empty pad, but the server has only the PNG a
 * request carries: it is decoded completely with libpng (a file that only
 * starts like a PNG is not one) and must hold some ink, strokes darker than
 * the paper. The notice asks for a signature 字迹清晰; a blank, white or
 * transparent image is none. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <png.h>

#include "portal.h"

#define SIGN_MAX_SIDE	2000	/* the page sends at most 800 px wide */
#define SIGN_MIN_INK	50	/* pixels of ink: a stroke, not a speck */

/* Decodes standard base64 (padded, no line breaks) into a malloc'd buffer. */
static unsigned char *
unbase64(const char *b64, size_t *len)
{
	size_t n = strlen(b64), pad = 0;
	unsigned char *out;
	int k;

	if (n == 0 || n % 4 != 0 || n > (size_t)1 << 24)
		return NULL;
	if ((out = malloc(n / 4 * 3 + 1)) == NULL)
		return NULL;
	if ((k = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n)) < 0) {
		free(out);
		return NULL;
	}
	pad = (b64[n - 1] == '=') + (b64[n - 2] == '=');
	*len = (size_t)k - pad;
	return out;
}

enum perr
signature_check(const char *b64, char *msg, size_t msgsz)
{
	png_image img;
	unsigned char *png, *px = NULL;
	size_t len, i, ink = 0;
	enum perr e = PERR_INVALID_FIELD;

	snprintf(msg, msgsz, "签名图片不正确，请重新签署");
	if ((png = unbase64(b64, &len)) == NULL)
		return PERR_INVALID_FIELD;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, png, len))
		goto out;
	if (img.width == 0 || img.height == 0 || img.width > SIGN_MAX_SIDE ||
	    img.height > SIGN_MAX_SIDE) {
		png_image_free(&img);
		snprintf(msg, msgsz, "签名图片尺寸不正确（宽、高均不超过 %d 像素），请重新签署",
		    SIGN_MAX_SIDE);
		goto out;
	}
	/* grey and alpha, whatever the file's own format */
	img.format = PNG_FORMAT_GA;
	if ((px = malloc(PNG_IMAGE_SIZE(img))) == NULL) {
		png_image_free(&img);
		e = PERR_INTERNAL;
		goto out;
	}
	if (!png_image_finish_read(&img, NULL, px, 0, NULL))
		goto out;
	/* ink: mostly opaque and dark (the pen is #111, the paper white or clear) */
	for (i = 0; i < (size_t)img.width * img.height; i++)
		if (px[2 * i + 1] >= 128 && px[2 * i] < 160)
			ink++;
	if (ink < SIGN_MIN_INK) {
		snprintf(msg, msgsz, "签名为空白或字迹过少，请在签名区清晰地手写签名后再提交");
		goto out;
	}
	msg[0] = '\0';
	e = PERR_OK;
out:
	free(px);
	free(png);
	return e;
}
