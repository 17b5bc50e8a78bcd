/* photo.c: the 证件照 rule of the notice, checked on the uploaded bytes.
 *
 * The photo is decoded completely (a file that only looks like a JPEG at the
 * start is not enough), one scanline at a time so that memory stays small
 * whatever the dimensions, and libjpeg's "corrupt data" warnings count as
 * errors: libjpeg would otherwise pad a truncated file with grey and call it
 * a success.
 *
 * A photo is judged as it is displayed: a phone stores a portrait as a
 * landscape image with an EXIF orientation, which every viewer applies. So
 * the pixel rules and the background are checked on the turned image, and
 * photo_upright() stores it turned (the reviewer's 评审表 shows what was
 * judged). libjpeg does not read EXIF; the one tag needed is read here, from
 * inside the APP1 segment libjpeg hands over, and fuzzed with the rest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>		/* before jpeglib.h, which uses FILE */
#include <stdlib.h>
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
/* A photo with an EXIF orientation is turned in memory, 3 bytes a pixel. */
#define PHOTO_MAX_UPRIGHT	(24L * 1000 * 1000)
#define PHOTO_UPRIGHT_QUALITY	92
/* ...and lower, a step at a time, while what it gives is not below 1M (a photo
 * saved at a low quality, turned, grows: a probe's 726 KB became 1.38 MB), or
 * higher while it is not above 30K: what is kept keeps to the notice's sizes
 * (one still not above 30K at 100, an upload above it that turned smaller, is
 * kept so: the upload met the rule, and nothing more can be made of it) */
#define PHOTO_UPRIGHT_STEP	8
#define PHOTO_UPRIGHT_QMIN	30

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
	int w, h;		/* as stored */
	int orient;		/* EXIF orientation, 1-8 */
	JDIMENSION dw, dh;	/* as displayed */
	JDIMENSION bw, bh;	/* the background probe's side and top bands */
	uint64_t probe, white;	/* probed pixels, and those near-white */
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

/* Into the caller's buffer (which may be NULL), after what it says already
 * with a "；" between (every rule a photo breaks in one message: a phone's
 * walk fixed one to meet the next), never leaving half a UTF-8 character at
 * the end when the message is cut short. fresh: what it said is let go. */
static void
photo_vmsg(char *out, size_t msgsz, bool fresh, const char *fmt, va_list ap)
{
	size_t n;

	if (out == NULL || msgsz == 0)
		return;
	if (fresh)
		out[0] = '\0';
	n = strlen(out);
	if (n > 0 && n + 3 < msgsz) {
		memcpy(out + n, "；", 3);
		n += 3;
		out[n] = '\0';
	}
	if (n + 1 >= msgsz)
		return;
	vsnprintf(out + n, msgsz - n, fmt, ap);
	utf8_cut(out);
}

static void photo_msg(char *out, size_t msgsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void photo_add(char *out, size_t msgsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* the message alone */
static void
photo_msg(char *out, size_t msgsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	photo_vmsg(out, msgsz, true, fmt, ap);
	va_end(ap);
}

/* one more rule broken */
static void
photo_add(char *out, size_t msgsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	photo_vmsg(out, msgsz, false, fmt, ap);
	va_end(ap);
}

static unsigned
rd16(const unsigned char *p, bool le)
{
	return le ? (unsigned)p[0] | (unsigned)p[1] << 8 : (unsigned)p[0] << 8 | p[1];
}

static uint32_t
rd32(const unsigned char *p, bool le)
{
	return le ? (uint32_t)rd16(p, le) | (uint32_t)rd16(p + 2, le) << 16 :
	    (uint32_t)rd16(p, le) << 16 | rd16(p + 2, le);
}

/*
 * The Orientation tag (0x0112, one SHORT) of IFD0 in the payload of an APP1
 * segment ("Exif\0\0" and a TIFF header), or 1 when there is none or it
 * makes no sense. Reads only inside the len bytes at p.
 */
static int
exif_orientation(const unsigned char *p, size_t len)
{
	const unsigned char *t, *e;
	size_t tlen, ifd, n, i;
	unsigned v;
	bool le;

	if (len < 6 + 8 || memcmp(p, "Exif\0\0", 6) != 0)
		return 1;
	t = p + 6;
	tlen = len - 6;
	if (t[0] == 'I' && t[1] == 'I')
		le = true;
	else if (t[0] == 'M' && t[1] == 'M')
		le = false;
	else
		return 1;
	if (rd16(t + 2, le) != 42 || (ifd = rd32(t + 4, le)) < 8 || ifd > tlen - 2)
		return 1;
	n = rd16(t + ifd, le);
	for (i = 0; i < n && ifd + 2 + 12 * (i + 1) <= tlen; i++) {
		e = t + ifd + 2 + 12 * i;
		if (rd16(e, le) != 0x0112)
			continue;
		if (rd16(e + 2, le) != 3 || rd32(e + 4, le) != 1)
			return 1;
		v = rd16(e + 8, le);
		return v >= 1 && v <= 8 ? (int)v : 1;
	}
	return 1;
}

/* The orientation of the first EXIF segment libjpeg saved, 1 without one. */
static int
marker_orientation(j_decompress_ptr ci)
{
	jpeg_saved_marker_ptr m;

	for (m = ci->marker_list; m != NULL; m = m->next)
		if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
		    memcmp(m->data, "Exif\0\0", 6) == 0)
			return exif_orientation(m->data, m->data_length);
	return 1;
}

/* Where the stored pixel (x, y) of a w×h image is shown, EXIF orientation o
 * applied (2: mirrored, 3: turned 180°, 6: turned 90° clockwise, 8: 90°
 * counter-clockwise, 5 and 7: transposed). */
static void
to_display(int o, JDIMENSION w, JDIMENSION h, JDIMENSION x, JDIMENSION y,
    JDIMENSION *dx, JDIMENSION *dy)
{
	switch (o) {
	case 2: *dx = w - 1 - x; *dy = y; break;
	case 3: *dx = w - 1 - x; *dy = h - 1 - y; break;
	case 4: *dx = x; *dy = h - 1 - y; break;
	case 5: *dx = y; *dy = x; break;
	case 6: *dx = h - 1 - y; *dy = x; break;
	case 7: *dx = h - 1 - y; *dy = w - 1 - x; break;
	case 8: *dx = y; *dy = w - 1 - x; break;
	default: *dx = x; *dy = y; break;
	}
}

/*
 * The pixels (displayed coordinates) that judge the background: a band
 * along the top and the outer bands of the sides' upper half. In an ID photo
 * that is background only; the shoulders fill the bottom and reach the lower
 * sides, so the bottom says nothing about the background.
 */
static bool
in_probe(const struct photo_dec *d, JDIMENSION dx, JDIMENSION dy)
{
	return dy < d->bh || (dy < d->dh / 2 && (dx < d->bw || dx + d->bw >= d->dw));
}

/*
 * Decodes the whole image, counting the background probe's pixels as it goes. Returns 0 on
 * success, -1 when refused (d->why says why, NULL meaning damaged). The
 * decompressor is destroyed on every path.
 */
static int
photo_decode(struct photo_dec *d, const unsigned char *data, size_t len)
{
	struct jpeg_decompress_struct *ci = &d->cinfo;
	JSAMPARRAY row;
	JDIMENSION x;

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
	jpeg_save_markers(ci, JPEG_APP0 + 1, 0xFFFF);
	jpeg_read_header(ci, TRUE);
	d->orient = marker_orientation(ci);

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
	d->dw = d->orient >= 5 ? ci->image_height : ci->image_width;
	d->dh = d->orient >= 5 ? ci->image_width : ci->image_height;
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
	d->bw = d->dw * 3 / 100 < 2 ? 2 : d->dw * 3 / 100;
	d->bh = d->dh * 3 / 100 < 2 ? 2 : d->dh * 3 / 100;
	while (ci->output_scanline < ci->output_height) {
		JDIMENSION y = ci->output_scanline, dx, dy;

		if (jpeg_read_scanlines(ci, row, 1) != 1)
			ERREXIT(ci, JERR_BAD_BUFFER_MODE);	/* no progress: give up */
		/* not turned sideways: a row below the probe has nothing to count */
		to_display(d->orient, ci->output_width, ci->output_height, 0, y, &dx, &dy);
		if (d->orient < 5 && !in_probe(d, 0, dy))
			continue;
		for (x = 0; x < ci->output_width; x++) {
			const JSAMPLE *p = row[0] + 3 * x;

			to_display(d->orient, ci->output_width, ci->output_height, x, y,
			    &dx, &dy);
			if (!in_probe(d, dx, dy))
				continue;
			d->probe++;
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
 * msg naming every rule it breaks (a file too small is still measured; one
 * of 1MB or more, not JPEG or not readable says that alone). out (may be NULL) gets the dimensions once known. Allocates nothing
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
	bool bad = false;

	memset(&d, 0, sizeof(d));
	d.orient = 1;
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
		bad = true;
	}
	if (len >= PHOTO_MAX_BYTES) {
		n = (unsigned long long)(len / 1024) * 100 / 1024;
		photo_msg(msg, msgsz, "照片文件须小于 1MB（当前 %llu.%02lluMB）",
		    n / 100, n % 100);
		goto out;
	}

	if (photo_decode(&d, p, len) != 0) {
		if (out != NULL) {
			out->width = (int)d.dw;
			out->height = (int)d.dh;
			out->orientation = d.orient;
		}
		photo_add(msg, msgsz, "%s", d.why != NULL ? d.why : MSG_DAMAGED);
		goto out;
	}
	/* from here on the photo as it is displayed */
	d.w = (int)d.dw;
	d.h = (int)d.dh;
	if (out != NULL) {
		out->width = d.w;
		out->height = d.h;
		out->orientation = d.orient;
		out->border_white = d.probe > 0 && d.white * 10 >= d.probe * 9;
	}
	if (d.w <= PHOTO_MIN_W || d.h <= PHOTO_MIN_H) {
		photo_add(msg, msgsz, "照片尺寸须大于 %d×%d 像素（宽×高），当前 %d×%d",
		    PHOTO_MIN_W, PHOTO_MIN_H, d.w, d.h);
		bad = true;
	}
	/* 0.65 <= w/h <= 0.8, in integers; the ratio shown is rounded away
	 * from the allowed range, so it never reads 0.650 or 0.800 */
	if (100LL * d.w < 65LL * d.h || 10LL * d.w > 8LL * d.h) {
		n = (unsigned long long)d.w * 1000;
		if (10LL * d.w > 8LL * d.h)
			n += (unsigned long long)d.h - 1;
		n /= (unsigned long long)d.h;
		photo_add(msg, msgsz, "照片宽高比须在 0.65 至 0.8 之间，当前 %llu.%03llu",
		    n / 1000, n % 1000);
		bad = true;
	}
	if (!bad)
		e = PERR_OK;
out:
	return e;
}

/* photo_upright()'s state, in the caller's frame for the same reason as photo_dec's. */
struct photo_up {
	struct jpeg_decompress_struct din;
	struct jpeg_compress_struct cout;
	struct photo_err err;
	bool din_made, cout_made, writing;
	unsigned char *pix;		/* the displayed image, rows of 3×width bytes */
	JOCTET *icc;
	unsigned icc_len;
	unsigned char *out;
	unsigned long out_len;
	int q, step;			/* the quality tried, the way it goes (upright_run()) */
	const char *why;
	char whybuf[160];
};

/* Encodes the displayed image u->pix (w×h, turned from orientation o) at
 * quality q into u->out, what it held before freed. Within upright_run()'s
 * setjmp. */
static void
upright_encode(struct photo_up *u, JDIMENSION w, JDIMENSION h, int o, int q)
{
	struct jpeg_decompress_struct *di = &u->din;
	struct jpeg_compress_struct *co = &u->cout;
	JSAMPROW line;

	free(u->out);
	u->out = NULL;
	u->out_len = 0;
	jpeg_mem_dest(co, &u->out, &u->out_len);
	u->writing = true;
	co->image_width = w;
	co->image_height = h;
	co->input_components = 3;
	co->in_color_space = JCS_RGB;
	jpeg_set_defaults(co);
	jpeg_set_quality(co, q, TRUE);
	co->density_unit = di->density_unit;
	co->X_density = o >= 5 ? di->Y_density : di->X_density;
	co->Y_density = o >= 5 ? di->X_density : di->Y_density;
	jpeg_start_compress(co, TRUE);
	if (u->icc != NULL)
		jpeg_write_icc_profile(co, u->icc, u->icc_len);
	while (co->next_scanline < h) {
		line = u->pix + (size_t)co->next_scanline * w * 3;
		jpeg_write_scanlines(co, &line, 1);
	}
	jpeg_finish_compress(co);
	u->writing = false;
}

/* Decodes into the displayed orientation and encodes that, within the
 * notice's file sizes where a quality gives them. 0 or -1. */
static int
upright_run(struct photo_up *u, const unsigned char *data, size_t len)
{
	struct jpeg_decompress_struct *di = &u->din;
	struct jpeg_compress_struct *co = &u->cout;
	JSAMPARRAY row;
	JDIMENSION x, y, dx, dy, w, h;
	int o;

	di->err = jpeg_std_error(&u->err.pub);
	co->err = &u->err.pub;
	u->err.pub.error_exit = photo_error_exit;
	u->err.pub.emit_message = photo_emit_message;
	u->err.pub.output_message = photo_output_message;
	if (setjmp(u->err.jb)) {
		if (u->din_made)
			jpeg_destroy_decompress(di);
		if (u->cout_made)
			jpeg_destroy_compress(co);
		/* libjpeg may have moved the output buffer and not said where */
		if (u->writing)
			u->out = NULL;
		return -1;
	}
	jpeg_create_decompress(di);
	u->din_made = true;
	di->mem->max_memory_to_use = PHOTO_MAX_MEM;
	jpeg_mem_src(di, data, (unsigned long)len);
	jpeg_save_markers(di, JPEG_APP0 + 1, 0xFFFF);
	jpeg_save_markers(di, JPEG_APP0 + 2, 0xFFFF);	/* ICC profile, kept */
	jpeg_read_header(di, TRUE);
	o = marker_orientation(di);
	w = o >= 5 ? di->image_height : di->image_width;
	h = o >= 5 ? di->image_width : di->image_height;
	if ((uint64_t)w * h > PHOTO_MAX_UPRIGHT || di->image_width > PHOTO_MAX_SIDE ||
	    di->image_height > PHOTO_MAX_SIDE) {
		snprintf(u->whybuf, sizeof(u->whybuf), "照片像素过多（%u×%u），无法按拍摄方向转正，"
		    "请缩小尺寸后重新导出上传", (unsigned)w, (unsigned)h);
		u->why = u->whybuf;
		ERREXIT(di, JERR_OUT_OF_MEMORY);
	}
	if ((u->pix = malloc((size_t)w * h * 3)) == NULL)
		ERREXIT(di, JERR_OUT_OF_MEMORY);
	if (!jpeg_read_icc_profile(di, &u->icc, &u->icc_len))
		u->icc = NULL;
	di->out_color_space = JCS_RGB;
	jpeg_start_decompress(di);
	row = (*di->mem->alloc_sarray)((j_common_ptr)di, JPOOL_IMAGE,
	    di->output_width * 3, 1);
	while (di->output_scanline < di->output_height) {
		y = di->output_scanline;
		if (jpeg_read_scanlines(di, row, 1) != 1)
			ERREXIT(di, JERR_BAD_BUFFER_MODE);
		for (x = 0; x < di->output_width; x++) {
			to_display(o, di->output_width, di->output_height, x, y, &dx, &dy);
			memcpy(u->pix + ((size_t)dy * w + dx) * 3, row[0] + 3 * x, 3);
		}
	}
	jpeg_finish_decompress(di);
	jpeg_create_compress(co);
	u->cout_made = true;
	u->q = PHOTO_UPRIGHT_QUALITY;
	for (;;) {
		upright_encode(u, w, h, o, u->q);
		/* the way it first had to go, and no further than that way allows */
		if (u->step == 0)
			u->step = u->out_len >= PHOTO_MAX_BYTES ? -PHOTO_UPRIGHT_STEP :
			    u->out_len <= PHOTO_MIN_BYTES ? 2 : 0;
		if (u->step < 0 && u->out_len >= PHOTO_MAX_BYTES && u->q > PHOTO_UPRIGHT_QMIN)
			u->q = u->q + u->step < PHOTO_UPRIGHT_QMIN ? PHOTO_UPRIGHT_QMIN :
			    u->q + u->step;
		else if (u->step > 0 && u->out_len <= PHOTO_MIN_BYTES && u->q < 100)
			u->q = u->q + u->step > 100 ? 100 : u->q + u->step;
		else
			break;
	}
	if (u->out_len >= PHOTO_MAX_BYTES) {
		u->why = "照片按拍摄方向转正后超过 1M，请缩小尺寸后重新导出上传";
		ERREXIT(di, JERR_OUT_OF_MEMORY);
	}
	jpeg_destroy_compress(co);
	u->cout_made = false;
	jpeg_destroy_decompress(di);
	u->din_made = false;
	return 0;
}

/*
 * The photo turned as its EXIF orientation says, re-encoded (JPEG quality
 * 92, lower or higher where that keeps it within the notice's sizes; the
 * ICC profile kept, no EXIF: nothing is left to turn it twice, and no camera
 * or place data goes along). For photos photo_check() accepted.
 * Returns PERR_OK with *out (malloc'd, caller frees) and *outlen, or
 * PERR_INVALID_FIELD with a Chinese message.
 */
enum perr
photo_upright(const char *data, size_t len, char **out, size_t *outlen, char *msg,
    size_t msgsz)
{
	struct photo_up u;
	enum perr e = PERR_INVALID_FIELD;

	memset(&u, 0, sizeof(u));
	*out = NULL;
	*outlen = 0;
	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';
	if (upright_run(&u, (const unsigned char *)data, len) == 0) {
		*out = (char *)u.out;
		*outlen = u.out_len;
		u.out = NULL;
		e = PERR_OK;
	} else
		photo_msg(msg, msgsz, "%s", u.why != NULL ? u.why : MSG_DAMAGED);
	free(u.out);
	free(u.pix);
	free(u.icc);
	return e;
}
