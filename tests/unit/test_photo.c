/* The 证件照 check at its edges, on JPEGs made here with libjpeg. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jpeglib.h>

#include "portal.h"

static const unsigned char WHITE[3] = { 255, 255, 255 };
static const unsigned char GREY[3] = { 128, 128, 128 };
static const unsigned char SKIN[3] = { 190, 140, 120 };

struct jopt {
	int w, h;
	const unsigned char *border;	/* a frame a fifth of each side thick */
	const unsigned char *fill;	/* NULL: noise, which compresses badly */
	size_t pad_to;			/* exact file size, 0: as it comes */
	J_COLOR_SPACE cs;		/* JCS_RGB, JCS_GRAYSCALE or JCS_CMYK */
	bool progressive;
	int band;			/* the last band rows painted grey across */
};

/* Inserts COM segments of exactly extra bytes (>= 4) right after SOI. */
static unsigned char *
pad(unsigned char *jpg, size_t len, size_t extra)
{
	unsigned char *o = malloc(len + extra), *q;
	size_t left = extra, seg;

	assert_non_null(o);
	assert_true(extra >= 4);
	memcpy(o, jpg, 2);
	q = o + 2;
	while (left > 0) {
		seg = left > 65537 ? 65537 : left;	/* 4 header bytes + 65533 */
		if (left - seg > 0 && left - seg < 4)
			seg = left - 4;			/* leave room for one more */
		q[0] = 0xFF;
		q[1] = 0xFE;
		q[2] = (unsigned char)((seg - 2) >> 8);
		q[3] = (unsigned char)((seg - 2) & 0xFF);
		memset(q + 4, 'x', seg - 4);
		q += seg;
		left -= seg;
	}
	memcpy(q, jpg + 2, len - 2);
	free(jpg);
	return o;
}

/* Returns a malloc'd JPEG; *len its size. */
static unsigned char *
make_jpeg_opt(const struct jopt *o, size_t *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL, *row;
	unsigned long n = 0;
	int x, y, k, nc, tw = o->w / 5, th = o->h / 5;
	uint32_t seed = 12345;

	nc = o->cs == JCS_GRAYSCALE ? 1 : o->cs == JCS_CMYK ? 4 : 3;
	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &n);
	c.image_width = (JDIMENSION)o->w;
	c.image_height = (JDIMENSION)o->h;
	c.input_components = nc;
	c.in_color_space = o->cs;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 90, TRUE);
	if (o->progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	row = malloc((size_t)o->w * (size_t)nc);
	assert_non_null(row);
	for (y = 0; y < o->h; y++) {
		for (x = 0; x < o->w; x++) {
			bool edge = x < tw || x >= o->w - tw || y < th || y >= o->h - th;
			const unsigned char *px = y >= o->h - o->band ? GREY :
			    edge ? o->border : o->fill;
			unsigned char rgb[3];

			for (k = 0; k < 3; k++) {
				seed = seed * 1103515245u + 12345u;
				rgb[k] = px != NULL ? px[k] : (unsigned char)(seed >> 16);
			}
			if (nc == 1)
				row[x] = rgb[0];
			else
				for (k = 0; k < nc; k++)
					row[x * nc + k] = k < 3 ? rgb[k] : 0;
		}
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	*len = n;
	if (o->pad_to > 0) {
		assert_true(o->pad_to >= n + 4);
		out = pad(out, n, o->pad_to - n);
		*len = o->pad_to;
	}
	return out;
}

static unsigned char *
make_jpeg(int w, int h, const unsigned char *border, const unsigned char *fill,
    size_t pad_to, size_t *len)
{
	struct jopt o = { w, h, border, fill, pad_to, JCS_RGB, false, 0 };

	return make_jpeg_opt(&o, len);
}

/* Runs the check; returns its result, with the message in msg. */
static enum perr
check(const unsigned char *b, size_t len, struct photo_info *pi, char *msg, size_t msgsz)
{
	return photo_check((const char *)b, len, pi, msg, msgsz);
}

#define assert_msg_has(msg, s) do {					\
	if (strstr((msg), (s)) == NULL)					\
		fail_msg("message \"%s\" lacks \"%s\"", (msg), (s));	\
} while (0)

static void
t_ok(void **state)
{
	struct photo_info pi;
	char msg[256];
	size_t len;
	unsigned char *b = make_jpeg(300, 400, WHITE, SKIN, 40000, &len);

	(void)state;
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_string_equal(msg, "");
	assert_int_equal(pi.width, 300);
	assert_int_equal(pi.height, 400);
	assert_true(pi.border_white);
	/* out and msg are optional */
	assert_int_equal(check(b, len, NULL, NULL, 0), PERR_OK);
	free(b);
}

static void
t_size(void **state)
{
	struct photo_info pi;
	char msg[256];
	size_t len;
	unsigned char *b;

	(void)state;
	b = make_jpeg(300, 400, WHITE, SKIN, 30720, &len);
	assert_int_equal(len, 30720);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件须大于 30KB（当前 30.0KB）");
	free(b);

	b = make_jpeg(300, 400, WHITE, SKIN, 30721, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	free(b);

	b = make_jpeg(300, 400, WHITE, SKIN, 20000, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件须大于 30KB（当前 19.5KB）");
	free(b);

	b = make_jpeg(300, 400, WHITE, SKIN, 1048575, &len);	/* 17 COM segments */
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	free(b);

	b = make_jpeg(300, 400, WHITE, SKIN, 1048576, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件须小于 1MB（当前 1.00MB）");
	free(b);

	b = make_jpeg(300, 400, WHITE, SKIN, 1600000, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件须小于 1MB（当前 1.52MB）");
	free(b);
}

static void
t_dimensions(void **state)
{
	static const struct { int w, h; enum perr e; } c[] = {
		{ 215, 300, PERR_INVALID_FIELD },	/* 0.717: only the size is wrong */
		{ 216, 300, PERR_INVALID_FIELD },
		{ 215, 301, PERR_INVALID_FIELD },
		{ 216, 301, PERR_OK },
		{ 100, 140, PERR_INVALID_FIELD },
	};
	struct photo_info pi;
	char msg[256], want[128];
	size_t i, len;
	unsigned char *b;

	(void)state;
	for (i = 0; i < NITEMS(c); i++) {
		b = make_jpeg(c[i].w, c[i].h, WHITE, SKIN, 40000, &len);
		assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), c[i].e);
		assert_int_equal(pi.width, c[i].w);
		assert_int_equal(pi.height, c[i].h);
		if (c[i].e != PERR_OK) {
			snprintf(want, sizeof(want),
			    "照片尺寸须大于 215×300 像素（宽×高），当前 %d×%d", c[i].w, c[i].h);
			assert_string_equal(msg, want);
		}
		free(b);
	}
}

static void
t_ratio(void **state)
{
	static const struct { int w; enum perr e; const char *msg; } c[] = {
		{ 649, PERR_INVALID_FIELD, "照片宽高比须在 0.65 至 0.8 之间，当前 0.649" },
		{ 650, PERR_OK, "" },
		{ 800, PERR_OK, "" },
		{ 801, PERR_INVALID_FIELD, "照片宽高比须在 0.65 至 0.8 之间，当前 0.801" },
	};
	struct photo_info pi;
	char msg[256];
	size_t i, len;
	unsigned char *b;

	(void)state;
	for (i = 0; i < NITEMS(c); i++) {
		b = make_jpeg(c[i].w, 1000, WHITE, SKIN, 60000, &len);
		assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), c[i].e);
		assert_string_equal(msg, c[i].msg);
		free(b);
	}
	/* shown rounded away from the range: never "0.650" or "0.800" */
	b = make_jpeg(1949, 3000, WHITE, SKIN, 200000, &len);	/* 0.64966 */
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片宽高比须在 0.65 至 0.8 之间，当前 0.649");
	free(b);
	b = make_jpeg(2401, 3000, WHITE, SKIN, 200000, &len);	/* 0.80033 */
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片宽高比须在 0.65 至 0.8 之间，当前 0.801");
	free(b);
}

static void
t_format(void **state)
{
	static const unsigned char png_sig[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
	    0, 0, 0, 13, 'I', 'H', 'D', 'R' };
	char msg[256];
	unsigned char *b = calloc(1, 40000);

	(void)state;
	assert_non_null(b);
	memcpy(b, png_sig, sizeof(png_sig));
	assert_int_equal(check(b, 40000, NULL, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片须为 JPG/JPEG 格式（按文件内容判断）");
	/* a short buffer gets whole characters only */
	assert_int_equal(check(b, 40000, NULL, msg, 10), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片须");
	assert_int_equal(check(b, 40000, NULL, msg, 11), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片须");
	assert_int_equal(check(b, 40000, NULL, msg, 12), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片须");
	assert_int_equal(check(b, 40000, NULL, msg, 13), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片须为");
	/* too short to tell, and nothing at all */
	assert_int_equal(photo_check("\xFF\xD8", 2, NULL, msg, sizeof(msg)),
	    PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片须为 JPG/JPEG 格式（按文件内容判断）");
	assert_int_equal(photo_check(NULL, 0, NULL, msg, sizeof(msg)), PERR_INVALID_FIELD);
	/* the magic alone is not a JPEG */
	memcpy(b, "\xFF\xD8\xFF", 3);
	assert_int_equal(check(b, 40000, NULL, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件不完整或已损坏，请重新导出后上传");
	free(b);
}

static void
t_damaged(void **state)
{
	struct photo_info pi;
	char msg[256];
	size_t len;
	unsigned char *b = make_jpeg(400, 540, NULL, NULL, 0, &len);

	(void)state;
	assert_true(len > 100000);	/* noise: the scan data is most of the file */
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	/* the first 60% */
	assert_int_equal(check(b, len * 6 / 10, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件不完整或已损坏，请重新导出后上传");
	/* all of it but the EOI */
	assert_int_equal(check(b, len - 2, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件不完整或已损坏，请重新导出后上传");
	/* a marker in the middle of the scan */
	b[len / 2] = 0xFF;
	b[len / 2 + 1] = 0xD9;
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件不完整或已损坏，请重新导出后上传");
	free(b);
}

static void
t_colour(void **state)
{
	struct jopt gray = { 300, 400, WHITE, GREY, 40000, JCS_GRAYSCALE, false, 0 };
	struct jopt cmyk = { 300, 400, WHITE, SKIN, 40000, JCS_CMYK, false, 0 };
	struct photo_info pi;
	char msg[256];
	size_t len;
	unsigned char *b;

	(void)state;
	b = make_jpeg_opt(&gray, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_true(pi.border_white);
	free(b);
	b = make_jpeg_opt(&cmyk, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_msg_has(msg, "CMYK");
	free(b);
}

static void
t_border(void **state)
{
	struct photo_info pi;
	char msg[256];
	size_t len;
	unsigned char *b;

	(void)state;
	b = make_jpeg(300, 400, GREY, SKIN, 40000, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_false(pi.border_white);
	free(b);
	b = make_jpeg(300, 400, WHITE, GREY, 40000, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_true(pi.border_white);
	free(b);
	/* noise is not a white background either */
	b = make_jpeg(300, 400, NULL, NULL, 0, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_false(pi.border_white);
	free(b);
}

/* Near-white means at least 90% of the border pixels (the outer 3% of each
 * side; 13968 of a 300×400 image) at least (200, 200, 200): a grey band
 * across the bottom (shoulders, a dark table edge) of 3 rows leaves 93.6%
 * white, of 9 rows 80.7%. */
static void
t_border_share(void **state)
{
	struct jopt thin = { 300, 400, WHITE, SKIN, 40000, JCS_RGB, false, 3 };
	struct jopt thick = { 300, 400, WHITE, SKIN, 40000, JCS_RGB, false, 9 };
	struct photo_info pi;
	char msg[256];
	size_t len;
	unsigned char *b;

	(void)state;
	b = make_jpeg_opt(&thin, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_true(pi.border_white);
	free(b);
	b = make_jpeg_opt(&thick, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_false(pi.border_white);
	free(b);
}

/* Progressive JPEGs are fine, but libjpeg keeps all their coefficients:
 * beyond about 20 megapixels they are refused, not decoded. */
static void
t_progressive(void **state)
{
	struct jopt small = { 300, 400, WHITE, SKIN, 40000, JCS_RGB, true, 0 };
	struct jopt big = { 5000, 6500, WHITE, SKIN, 0, JCS_RGB, true, 0 };
	struct photo_info pi;
	char msg[256];
	size_t len;
	unsigned char *b;

	(void)state;
	b = make_jpeg_opt(&small, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_true(pi.border_white);
	free(b);
	b = make_jpeg_opt(&big, &len);
	assert_in_range(len, 30721, 1048575);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片像素过多，无法处理，请缩小尺寸后重新导出上传");
	free(b);
	big.progressive = false;	/* baseline: decoded a row at a time */
	b = make_jpeg_opt(&big, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_true(pi.border_white);
	free(b);
}

/* Patches the dimensions in the SOF0 of a small JPEG: refused unread. */
static void
t_huge(void **state)
{
	char msg[256];
	size_t len, i;
	unsigned char *b = make_jpeg(300, 400, WHITE, SKIN, 40000, &len);

	(void)state;
	for (i = 2; i + 9 < len; i++)
		if (b[i] == 0xFF && b[i + 1] == 0xC0)
			break;
	assert_true(i + 9 < len);
	b[i + 5] = 8001 >> 8;		/* height */
	b[i + 6] = 8001 & 0xFF;
	b[i + 7] = 6000 >> 8;		/* width */
	b[i + 8] = 6000 & 0xFF;
	assert_int_equal(check(b, len, NULL, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片尺寸过大（当前 6000×8001），宽和高均不得超过 8000 像素");
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_ok),
		cmocka_unit_test(t_size),
		cmocka_unit_test(t_dimensions),
		cmocka_unit_test(t_ratio),
		cmocka_unit_test(t_format),
		cmocka_unit_test(t_damaged),
		cmocka_unit_test(t_colour),
		cmocka_unit_test(t_border),
		cmocka_unit_test(t_border_share),
		cmocka_unit_test(t_progressive),
		cmocka_unit_test(t_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
