/* photo.c: the 证件照 rule of the notice, checked on the uploaded bytes.
 *
 * The photo is decoded completely (a file that only looks like a JPEG at the
 * start is not enough), one scanline at a time so that memory stays small
 * whatever the dimensions, and libjpeg's "corrupt data" warnings count as
 * errors: libjpeg would otherwise pad a truncated file with grey and call it
 * a success. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>		/* before jpeglib.h, which uses FILE */
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "portal.h"

#define PHOTO_MIN_BYTES		(30 * 1024)	/* the file must be larger */
#define PHOTO_MAX_BYTES		(1024 * 1024)	/* the file must be smaller */
#define PHOTO_MIN_W		215		/* width must be larger */
#define PHOTO_MIN_H		300		/* height must be larger */
#define PHOTO_MAX_SIDE		8000		/* refused before decoding */
/* libjpeg's working memory (progressive images keep all coefficients);
 * beyond this it asks for a backing store, which we do not have, and fails. */
#define PHOTO_MAX_MEM		(64L * 1024 * 1024)
#define PHOTO_WHITE		200		/* R, G and B at least this */

#define MSG_DAMAGED	"照片文件不完整或已损坏，请重新导出后上传"

struct photo_err {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
};

/* Everything decode() touches lives here, in the caller's frame: nothing
 * local to the function holding the setjmp() changes before a longjmp(). */
struct photo_dec {
	struct jpeg_decompress_struct cinfo;
	struct photo_err err;
	int w, h;
	uint64_t border, white;	/* border pixels, and those near-white */
	const char *why;	/* Chinese message, or NULL for "damaged" */
	char whybuf[160];
};

static void
photo_error_exit(j_common_ptr c)
{
	struct photo_err *e = (struct photo_err *)c->err;

	longjmp(e->jb, 1);
}

/* Warnings (msg_level -1) are fatal; trace messages are ignored. */
static void
photo_emit_message(j_common_ptr c, int msg_level)
{
	struct photo_err *e = (struct photo_err *)c->err;

	if (msg_level < 0) {
		e->pub.num_warnings++;
		longjmp(e->jb, 1);
	}
}

/* libjpeg would print to stderr; the caller reports in Chinese instead. */
static void
photo_output_message(j_common_ptr c)
{
	(void)c;
}

static void
photo_msg(char *out, size_t msgsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* snprintf() into the caller's buffer (which may be NULL), never leaving
 * half a UTF-8 character at the end when the message is cut short. */
static void
photo_msg(char *out, size_t msgsz, const char *fmt, ...)
{
	unsigned char *msg = (unsigned char *)out, lead;
	va_list ap;
	size_t i, need;
	int n;

	if (out == NULL || msgsz == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out, msgsz, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= msgsz) {
		for (i = msgsz - 1; i > 0 && (msg[i - 1] & 0xC0) == 0x80; i--)
			continue;
		if (i > 0 && (msg[i - 1] & 0x80)) {	/* i - 1: a lead byte */
			lead = msg[i - 1];
			need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
			if (i - 1 + need > msgsz - 1)
				msg[i - 1] = '\0';
		}
	}
}

/*
 * Decodes the whole image, counting border pixels as it goes. Returns 0 on
 * success, -1 when refused (d->why says why, NULL meaning damaged). The
 * decompressor is destroyed on every path.
 */
static int
photo_decode(struct photo_dec *d, const unsigned char *data, size_t len)
{
	struct jpeg_decompress_struct *ci = &d->cinfo;
	JSAMPARRAY row;
	JDIMENSION x, bw, bh;

	ci->err = jpeg_std_error(&d->err.pub);
	d->err.pub.error_exit = photo_error_exit;
	d->err.pub.emit_message = photo_emit_message;
	d->err.pub.output_message = photo_output_message;
	if (setjmp(d->err.jb)) {
		if (d->why == NULL && (d->err.pub.msg_code == JERR_NO_BACKING_STORE ||
		    d->err.pub.msg_code == JERR_OUT_OF_MEMORY))
			d->why = "照片像素过多，无法处理，请缩小尺寸后重新导出上传";
		jpeg_destroy_decompress(ci);
		return -1;
	}
	jpeg_create_decompress(ci);
	ci->mem->max_memory_to_use = PHOTO_MAX_MEM;
	jpeg_mem_src(ci, data, (unsigned long)len);
	jpeg_read_header(ci, TRUE);

	switch (ci->jpeg_color_space) {
	case JCS_GRAYSCALE:
	case JCS_YCbCr:
	case JCS_RGB:
		break;
	case JCS_CMYK:
	case JCS_YCCK:
		d->why = "照片须为 RGB 彩色或灰度图像，不支持 CMYK 印刷色彩模式，"
		    "请另存为 RGB 模式的 JPG 后上传";
		goto refuse;
	default:
		d->why = "照片的色彩模式无法识别，请另存为 RGB 模式的 JPG 后上传";
		goto refuse;
	}
	d->w = (int)ci->image_width;
	d->h = (int)ci->image_height;
	if (ci->image_width > PHOTO_MAX_SIDE || ci->image_height > PHOTO_MAX_SIDE) {
		snprintf(d->whybuf, sizeof(d->whybuf),
		    "照片尺寸过大（当前 %u×%u），宽和高均不得超过 %d 像素",
		    (unsigned)ci->image_width, (unsigned)ci->image_height,
		    PHOTO_MAX_SIDE);
		d->why = d->whybuf;
		goto refuse;
	}

	ci->out_color_space = JCS_RGB;
	jpeg_start_decompress(ci);
	/* freed with the decompressor, also after a longjmp() */
	row = (*ci->mem->alloc_sarray)((j_common_ptr)ci, JPOOL_IMAGE,
	    ci->output_width * (JDIMENSION)ci->output_components, 1);
	bw = ci->output_width * 3 / 100;
	bh = ci->output_height * 3 / 100;
	if (bw < 2)
		bw = 2;
	if (bh < 2)
		bh = 2;
	while (ci->output_scanline < ci->output_height) {
		JDIMENSION y = ci->output_scanline;
		int edge_row = y < bh || y + bh >= ci->output_height;

		if (jpeg_read_scanlines(ci, row, 1) != 1)
			ERREXIT(ci, JERR_BAD_BUFFER_MODE);	/* no progress: give up */
		for (x = 0; x < ci->output_width; x++) {
			const JSAMPLE *p;

			if (!edge_row && x == bw && x + bw < ci->output_width)
				x = ci->output_width - bw;	/* skip the inside */
			p = row[0] + 3 * x;
			d->border++;
			if (p[0] >= PHOTO_WHITE && p[1] >= PHOTO_WHITE &&
			    p[2] >= PHOTO_WHITE)
				d->white++;
		}
	}
	jpeg_finish_decompress(ci);
	jpeg_destroy_decompress(ci);
	return 0;
refuse:
	jpeg_destroy_decompress(ci);
	return -1;
}

/*
 * Checks an uploaded ID photo against the notice, rule by rule in a fixed
 * order. Returns PERR_OK, or PERR_INVALID_FIELD with a Chinese message in
 * msg. out (may be NULL) gets the dimensions once known. Allocates nothing
 * that outlives the call.
 */
enum perr
photo_check(const char *data, size_t len, struct photo_info *out,
    char *msg, size_t msgsz)
{
	const unsigned char *p = (const unsigned char *)data;
	struct photo_dec d;
	unsigned long long n;
	enum perr e = PERR_INVALID_FIELD;

	memset(&d, 0, sizeof(d));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';

	if (data == NULL || len < 3 || p[0] != 0xFF || p[1] != 0xD8 ||
	    p[2] != 0xFF) {
		photo_msg(msg, msgsz, "照片须为 JPG/JPEG 格式（按文件内容判断）");
		goto out;
	}
	/* sizes shown rounded down, so a refused file never looks acceptable */
	if (len <= PHOTO_MIN_BYTES) {
		n = (unsigned long long)len * 10 / 1024;
		photo_msg(msg, msgsz, "照片文件须大于 30KB（当前 %llu.%lluKB）",
		    n / 10, n % 10);
		goto out;
	}
	if (len >= PHOTO_MAX_BYTES) {
		n = (unsigned long long)(len / 1024) * 100 / 1024;
		photo_msg(msg, msgsz, "照片文件须小于 1MB（当前 %llu.%02lluMB）",
		    n / 100, n % 100);
		goto out;
	}

	if (photo_decode(&d, p, len) != 0) {
		if (out != NULL) {
			out->width = d.w;
			out->height = d.h;
		}
		photo_msg(msg, msgsz, "%s", d.why != NULL ? d.why : MSG_DAMAGED);
		goto out;
	}
	if (out != NULL) {
		out->width = d.w;
		out->height = d.h;
		out->border_white = d.border > 0 && d.white * 10 >= d.border * 9;
	}
	if (d.w <= PHOTO_MIN_W || d.h <= PHOTO_MIN_H) {
		photo_msg(msg, msgsz, "照片尺寸须大于 %d×%d 像素（宽×高），当前 %d×%d",
		    PHOTO_MIN_W, PHOTO_MIN_H, d.w, d.h);
		goto out;
	}
	/* 0.65 <= w/h <= 0.8, in integers; the ratio shown is rounded away
	 * from the allowed range, so it never reads 0.650 or 0.800 */
	if (100LL * d.w < 65LL * d.h || 10LL * d.w > 8LL * d.h) {
		n = (unsigned long long)d.w * 1000;
		if (10LL * d.w > 8LL * d.h)
			n += (unsigned long long)d.h - 1;
		n /= (unsigned long long)d.h;
		photo_msg(msg, msgsz, "照片宽高比须在 0.65 至 0.8 之间，当前 %llu.%03llu",
		    n / 1000, n % 1000);
		goto out;
	}
	e = PERR_OK;
out:
	return e;
}
