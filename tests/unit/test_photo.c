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
	int top;			/* the first top rows painted grey across */
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
			const unsigned char *px = y >= o->h - o->band || y < o->top ? GREY :
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
	struct jopt o = { w, h, border, fill, pad_to, JCS_RGB, false, 0, 0 };

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

	/* every rule it breaks, in one message (a phone's walk met them one upload at a time) */
	b = make_jpeg(200, 200, WHITE, SKIN, 20000, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片文件须大于 30KB（当前 19.5KB）；照片尺寸须大于 215×300 像素（宽×高），"
	    "当前 200×200；照片宽高比须在 0.65 至 0.8 之间，当前 1.000");
	free(b);
	/* cut short in a small buffer, never in the middle of a character */
	b = make_jpeg(200, 200, WHITE, SKIN, 20000, &len);
	assert_int_equal(check(b, len, &pi, msg, 60), PERR_INVALID_FIELD);
	assert_true(strlen(msg) < 60);
	assert_true(valid_utf8(msg, strlen(msg)));
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
	struct jopt gray = { 300, 400, WHITE, GREY, 40000, JCS_GRAYSCALE, false, 0, 0 };
	struct jopt cmyk = { 300, 400, WHITE, SKIN, 40000, JCS_CMYK, false, 0, 0 };
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

/* The background is judged on a band along the top (3% of the height) and
 * the outer 3% of the sides' upper half: 6984 pixels of a 300×400 image, of
 * which at least 90% must be at least (200, 200, 200). Grey across the top:
 * 1 row leaves 95.7% white, 4 rows 82.8%. Grey across the bottom (shoulders,
 * a dark table edge), however thick, is not background and counts for nothing. */
static void
t_border_share(void **state)
{
	struct jopt thin = { 300, 400, WHITE, SKIN, 40000, JCS_RGB, false, 0, 1 };
	struct jopt thick = { 300, 400, WHITE, SKIN, 40000, JCS_RGB, false, 0, 4 };
	struct jopt bottom = { 300, 400, WHITE, SKIN, 40000, JCS_RGB, false, 160, 0 };
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
	b = make_jpeg_opt(&bottom, &len);	/* the lower 40% grey from side to side */
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_true(pi.border_white);
	free(b);
}

/* ------------------------------------------------------------ portraits */

/* An RGB image drawn in memory, rows of 3×w bytes. */
struct canvas {
	int w, h;
	unsigned char *px;
	uint32_t seed;
};

static void
canvas_init(struct canvas *c, int w, int h)
{
	c->w = w;
	c->h = h;
	c->px = malloc((size_t)w * (size_t)h * 3);
	c->seed = 4242;
	assert_non_null(c->px);
}

/* A colour with a little sensor noise (±n). */
static void
put(struct canvas *c, int x, int y, const unsigned char rgb[3], int n)
{
	unsigned char *p = c->px + ((size_t)y * (size_t)c->w + (size_t)x) * 3;
	int k, v;

	for (k = 0; k < 3; k++) {
		c->seed = c->seed * 1103515245u + 12345u;
		v = rgb[k] + (n > 0 ? (int)((c->seed >> 16) % (unsigned)(2 * n + 1)) - n : 0);
		p[k] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
}

/* Fills the ellipse centred on (cx, cy) with radii rx, ry (fractions of w, h). */
static void
ellipse(struct canvas *c, double cx, double cy, double rx, double ry,
    const unsigned char rgb[3], int n)
{
	int x, y;

	for (y = 0; y < c->h; y++)
		for (x = 0; x < c->w; x++) {
			double u = (x + 0.5 - cx * c->w) / (rx * c->w);
			double v = (y + 0.5 - cy * c->h) / (ry * c->h);

			if (u * u + v * v <= 1.0)
				put(c, x, y, rgb, n);
		}
}

static void
rect(struct canvas *c, double x0, double y0, double x1, double y1,
    const unsigned char rgb[3], int n)
{
	int x, y;

	for (y = (int)(y0 * c->h); y < (int)(y1 * c->h) && y < c->h; y++)
		for (x = (int)(x0 * c->w); x < (int)(x1 * c->w) && x < c->w; x++)
			put(c, x, y, rgb, n);
}

/*
 * A head-and-shoulders ID photo as a camera makes it: the background with
 * a slight fall-off towards the bottom and noise; dark hair, face, ears and
 * neck; a dark suit whose shoulders fill the bottom edge from side to side
 * and reach the sides in the lowest seventh, a white collar.
 */
static void
portrait(struct canvas *c, int w, int h, const unsigned char bg[3])
{
	static const unsigned char hair[3] = { 28, 22, 20 };
	static const unsigned char skin[3] = { 224, 180, 150 };
	static const unsigned char suit[3] = { 38, 44, 62 };
	static const unsigned char shirt[3] = { 244, 244, 246 };
	int x, y, k;

	canvas_init(c, w, h);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			unsigned char shade[3];

			for (k = 0; k < 3; k++)
				shade[k] = (unsigned char)(bg[k] - (bg[k] > 12 ? 10 * y / h : 0));
			put(c, x, y, shade, 3);
		}
	ellipse(c, 0.5, 1.08, 0.62, 0.36, suit, 6);		/* shoulders */
	rect(c, 0.44, 0.70, 0.56, 0.80, shirt, 3);		/* collar */
	rect(c, 0.41, 0.55, 0.59, 0.71, skin, 5);		/* neck */
	ellipse(c, 0.5, 0.33, 0.21, 0.14, hair, 6);
	ellipse(c, 0.31, 0.44, 0.03, 0.04, skin, 5);		/* ears */
	ellipse(c, 0.69, 0.44, 0.03, 0.04, skin, 5);
	ellipse(c, 0.5, 0.44, 0.19, 0.16, skin, 5);		/* face */
	ellipse(c, 0.43, 0.41, 0.025, 0.012, hair, 2);		/* eyes */
	ellipse(c, 0.57, 0.41, 0.025, 0.012, hair, 2);
}

/*
 * Stores the upright canvas as EXIF orientation o (1-8) says a camera
 * would: the stored pixel (x, y) is the one the viewer sees at the place
 * EXIF defines (5-8 store it sideways, width and height swapped), then
 * JPEG, with an APP1 Exif segment (byte order by le) right after SOI when
 * o > 0 (0: none at all), padded to at least 40000 bytes; JPEG quality q.
 */
static unsigned char *
store_q(const struct canvas *c, int o, bool le, int q, size_t *len)
{
	struct jpeg_compress_struct jc;
	struct jpeg_error_mgr jerr;
	unsigned char *out = NULL, *row, *res;
	unsigned long n = 0;
	int sw = o >= 5 ? c->h : c->w, sh = o >= 5 ? c->w : c->h, x, y, dx, dy;
	/* TIFF header, IFD0 with one entry (Orientation, SHORT, 1), no next IFD */
	unsigned char app1[4 + 6 + 8 + 2 + 12 + 4];
	unsigned char *t = app1 + 10;

	jc.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&jc);
	jpeg_mem_dest(&jc, &out, &n);
	jc.image_width = (JDIMENSION)sw;
	jc.image_height = (JDIMENSION)sh;
	jc.input_components = 3;
	jc.in_color_space = JCS_RGB;
	jpeg_set_defaults(&jc);
	jpeg_set_quality(&jc, q, TRUE);
	jpeg_start_compress(&jc, TRUE);
	row = malloc((size_t)sw * 3);
	assert_non_null(row);
	for (y = 0; y < sh; y++) {
		for (x = 0; x < sw; x++) {
			switch (o) {
			case 2: dx = c->w - 1 - x; dy = y; break;
			case 3: dx = c->w - 1 - x; dy = c->h - 1 - y; break;
			case 4: dx = x; dy = c->h - 1 - y; break;
			case 5: dx = y; dy = x; break;		/* row 0 = left, column 0 = top */
			case 6: dx = c->w - 1 - y; dy = x; break;	/* row 0 = right, column 0 = top */
			case 7: dx = c->w - 1 - y; dy = c->h - 1 - x; break;
			case 8: dx = y; dy = c->h - 1 - x; break;	/* row 0 = left, column 0 = bottom */
			default: dx = x; dy = y; break;
			}
			memcpy(row + 3 * x, c->px + ((size_t)dy * (size_t)c->w + (size_t)dx) * 3, 3);
		}
		jpeg_write_scanlines(&jc, &row, 1);
	}
	jpeg_finish_compress(&jc);
	jpeg_destroy_compress(&jc);
	free(row);
	if (n < 40000 - sizeof(app1)) {
		out = pad(out, n, 40000 - sizeof(app1) - n);
		n = 40000 - sizeof(app1);
	}
	if (o == 0) {
		*len = n;
		return out;
	}
	memcpy(app1, "\xFF\xE1", 2);
	app1[2] = 0;
	app1[3] = (unsigned char)(sizeof(app1) - 2);
	memcpy(app1 + 4, "Exif\0\0", 6);
	memcpy(t, le ? "II\x2A\0\x08\0\0\0" : "MM\0\x2A\0\0\0\x08", 8);
	memcpy(t + 8, le ? "\x01\0" "\x12\x01" "\x03\0" "\x01\0\0\0" :
	    "\0\x01" "\x01\x12" "\0\x03" "\0\0\0\x01", 10);
	t[18] = le ? (unsigned char)o : 0;
	t[19] = le ? 0 : (unsigned char)o;
	memset(t + 20, 0, 6);
	res = malloc(n + sizeof(app1));
	assert_non_null(res);
	memcpy(res, out, 2);
	memcpy(res + 2, app1, sizeof(app1));
	memcpy(res + 2 + sizeof(app1), out + 2, n - 2);
	free(out);
	*len = n + sizeof(app1);
	return res;
}

static unsigned char *
store(const struct canvas *c, int o, bool le, size_t *len)
{
	return store_q(c, o, le, 90, len);
}

static const unsigned char BLUE_BG[3] = { 67, 142, 219 };	/* 蓝底 */
static const unsigned char RED_BG[3] = { 205, 30, 36 };		/* 红底 */
static const unsigned char WHITE_BG[3] = { 250, 250, 250 };
static const unsigned char OFFWHITE_BG[3] = { 232, 234, 236 };	/* a white wall, badly lit */

/* Real ID photos on white: the shoulders reach the bottom edge and the lower
 * sides, and the background is still judged white. Blue and red ones warn. */
static void
t_portraits(void **state)
{
	static const struct { int w, h; } sizes[] = {
		{ 295, 413 },	/* 一寸 */
		{ 390, 567 },	/* 小二寸 */
		{ 300, 400 },
		{ 480, 640 },
	};
	static const struct { const unsigned char *bg; bool white; } bgs[] = {
		{ WHITE_BG, true }, { OFFWHITE_BG, true }, { BLUE_BG, false }, { RED_BG, false },
	};
	struct photo_info pi;
	struct canvas c;
	char msg[256];
	size_t i, k, len;
	unsigned char *b;

	(void)state;
	for (i = 0; i < NITEMS(sizes); i++)
		for (k = 0; k < NITEMS(bgs); k++) {
			portrait(&c, sizes[i].w, sizes[i].h, bgs[k].bg);
			b = store(&c, 0, false, &len);
			assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
			assert_int_equal(pi.width, sizes[i].w);
			assert_int_equal(pi.orientation, 1);
			if (pi.border_white != bgs[k].white)
				fail_msg("%d×%d on (%d, %d, %d): border_white %d", sizes[i].w,
				    sizes[i].h, bgs[k].bg[0], bgs[k].bg[1], bgs[k].bg[2],
				    pi.border_white);
			free(b);
			free(c.px);
		}
}

/* ------------------------------------------------------------ EXIF orientation */

/* Decodes a JPEG into RGB (malloc'd); *w, *h its size. */
static unsigned char *
decode(const unsigned char *b, size_t len, int *w, int *h)
{
	struct jpeg_decompress_struct d;
	struct jpeg_error_mgr jerr;
	unsigned char *px, *row;

	d.err = jpeg_std_error(&jerr);
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, b, (unsigned long)len);
	assert_int_equal(jpeg_read_header(&d, TRUE), JPEG_HEADER_OK);
	d.out_color_space = JCS_RGB;
	jpeg_start_decompress(&d);
	*w = (int)d.output_width;
	*h = (int)d.output_height;
	px = malloc((size_t)*w * (size_t)*h * 3);
	assert_non_null(px);
	while (d.output_scanline < d.output_height) {
		row = px + (size_t)d.output_scanline * (size_t)*w * 3;
		jpeg_read_scanlines(&d, &row, 1);
	}
	jpeg_finish_decompress(&d);
	jpeg_destroy_decompress(&d);
	return px;
}

/* Mean absolute difference of two same-sized RGB images, per channel. */
static double
diff(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;
	double sum = 0;

	for (i = 0; i < n; i++)
		sum += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
	return sum / (double)n;
}

static bool
has_exif(const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i + 6 <= len; i++)
		if (memcmp(b + i, "Exif\0\0", 6) == 0)
			return true;
	return false;
}

/* A portrait stored in each of the eight EXIF orientations (both byte
 * orders) is judged as displayed: 300×400, background white although the
 * stored image is sideways or upside down with its shoulders along a side
 * or the top. photo_upright() gives the upright image without EXIF. */
static void
t_orientation(void **state)
{
	struct photo_info pi;
	struct canvas c;
	char msg[256], *up;
	size_t len, uplen;
	unsigned char *b, *px;
	int o, le, w, h;

	(void)state;
	portrait(&c, 300, 400, WHITE_BG);
	for (o = 1; o <= 8; o++)
		for (le = 0; le <= 1; le++) {
			b = store(&c, o, le, &len);
			assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
			assert_int_equal(pi.orientation, o);
			assert_int_equal(pi.width, 300);
			assert_int_equal(pi.height, 400);
			if (!pi.border_white)
				fail_msg("orientation %d: background judged not white", o);
			assert_int_equal(photo_upright((const char *)b, len, &up, &uplen, msg,
			    sizeof(msg)), PERR_OK);
			assert_false(has_exif((unsigned char *)up, uplen));
			px = decode((unsigned char *)up, uplen, &w, &h);
			assert_int_equal(w, 300);
			assert_int_equal(h, 400);
			if (diff(px, c.px, (size_t)w * (size_t)h * 3) > 6.0)
				fail_msg("orientation %d: the stored photo is not the upright one (%.1f)",
				    o, diff(px, c.px, (size_t)w * (size_t)h * 3));
			free(px);
			free(up);
			free(b);
		}
	free(c.px);
}

/* A 440×330 image turned to portrait by its EXIF is a 330×440 photo; a
 * 330×440 one turned to landscape is refused with the displayed ratio. */
static void
t_orientation_rules(void **state)
{
	struct photo_info pi;
	struct canvas land, port;
	char msg[256];
	size_t len;
	unsigned char *b;

	(void)state;
	/* a landscape canvas stored as orientation 1 is refused... */
	portrait(&port, 330, 440, WHITE_BG);
	canvas_init(&land, 440, 330);
	{
		int x, y;

		for (y = 0; y < 330; y++)	/* the portrait, turned on its side */
			for (x = 0; x < 440; x++)
				memcpy(land.px + ((size_t)y * 440 + (size_t)x) * 3,
				    port.px + ((size_t)(439 - x) * 330 + (size_t)y) * 3, 3);
	}
	b = store(&land, 0, false, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片宽高比须在 0.65 至 0.8 之间，当前 1.334");
	free(b);
	/* ...and the same bytes with orientation 6 ("turn 90° clockwise") are a
	 * 330×440 portrait: exactly what a phone writes */
	b = store(&port, 6, false, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_int_equal(pi.width, 330);
	assert_int_equal(pi.height, 440);
	free(b);
	/* a landscape canvas stored sideways: 330×440 bytes, shown 440×330 */
	b = store(&land, 8, true, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片宽高比须在 0.65 至 0.8 之间，当前 1.334");
	assert_int_equal(pi.width, 440);
	assert_int_equal(pi.height, 330);
	free(b);
	/* the size rule reads the displayed size too: 301×216 shown as 216×301 */
	free(land.px);
	free(port.px);
	portrait(&port, 216, 301, WHITE_BG);
	b = store(&port, 6, true, &len);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	free(b);
	free(port.px);
}

/* A photo saved at a low quality and turned grows when it is encoded again:
 * what is kept is still below 1M (a probe's 726 KB was kept as 1.38 MB),
 * and one that cannot be is refused, said why. */
static void
t_orientation_size(void **state)
{
	struct photo_info pi;
	struct canvas c;
	char msg[256];
	size_t len, uplen;
	unsigned char *b;
	char *up;
	int x, y, k;

	(void)state;
	canvas_init(&c, 1040, 1360);	/* noise: the worst to compress */
	for (y = 0; y < c.h; y++)
		for (x = 0; x < c.w; x++)
			for (k = 0; k < 3; k++) {
				c.seed = c.seed * 1103515245u + 12345u;
				c.px[((size_t)y * (size_t)c.w + (size_t)x) * 3 + (size_t)k] =
				    (unsigned char)(c.seed >> 16);
			}
	b = store_q(&c, 6, false, 55, &len);
	assert_true(len > 30 * 1024 && len < 1024 * 1024);
	assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_OK);
	assert_int_equal(photo_upright((const char *)b, len, &up, &uplen, msg, sizeof(msg)),
	    PERR_OK);
	if (uplen >= 1024 * 1024 || uplen <= 30 * 1024)
		fail_msg("kept %zu bytes from %zu", uplen, len);
	assert_int_equal(check((const unsigned char *)up, uplen, &pi, msg, sizeof(msg)), PERR_OK);
	assert_int_equal(pi.width, 1040);
	assert_int_equal(pi.height, 1360);
	free(up);
	free(b);
	free(c.px);
	/* five million pixels of noise are beyond 1M at the lowest quality tried: refused */
	canvas_init(&c, 2000, 2600);
	for (y = 0; y < c.h; y++)
		for (x = 0; x < c.w; x++)
			for (k = 0; k < 3; k++) {
				c.seed = c.seed * 1103515245u + 12345u;
				c.px[((size_t)y * (size_t)c.w + (size_t)x) * 3 + (size_t)k] =
				    (unsigned char)(c.seed >> 16);
			}
	b = store_q(&c, 6, false, 30, &len);
	assert_int_equal(photo_upright((const char *)b, len, &up, &uplen, msg, sizeof(msg)),
	    PERR_INVALID_FIELD);
	assert_string_equal(msg, "照片按拍摄方向转正后超过 1M，请缩小尺寸后重新导出上传");
	assert_null(up);
	free(b);
	free(c.px);
}

/* Broken or odd EXIF is no orientation at all (1), never a crash or a
 * read outside the segment. */
static void
t_orientation_bad_exif(void **state)
{
	static const struct { size_t at; unsigned char v; } pokes[] = {
		{ 10 + 0, 'X' },	/* byte order */
		{ 10 + 3, 0x2B },	/* not 42 */
		{ 10 + 7, 0xF0 },	/* IFD0 beyond the segment (big-endian offset) */
		{ 10 + 9, 0x00 },	/* no entries */
		{ 10 + 13, 0x04 },	/* type LONG, not SHORT */
		{ 10 + 17, 0x02 },	/* count 2 */
		{ 10 + 19, 0x09 },	/* orientation 9 */
		{ 10 + 19, 0x00 },	/* orientation 0 */
		{ 4, 'e' },		/* not "Exif" */
	};
	struct photo_info pi;
	struct canvas c;
	char msg[256];
	size_t i, len;
	unsigned char *b;

	(void)state;
	portrait(&c, 300, 400, WHITE_BG);
	for (i = 0; i < NITEMS(pokes); i++) {
		b = store(&c, 6, false, &len);	/* big-endian: the stored image is 400×300 */
		b[2 + pokes[i].at] = pokes[i].v;
		assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
		assert_int_equal(pi.orientation, 1);
		assert_int_equal(pi.width, 400);
		free(b);
	}
	/* segments cut short (and the rest of the bytes taken out): "Exif" and
	 * half a TIFF header; the header, the count and half the entry */
	for (i = 14; i <= 24; i += 10) {
		b = store(&c, 6, false, &len);
		b[5] = (unsigned char)i;
		memmove(b + 4 + i, b + 4 + 34, len - (4 + 34));
		len -= 34 - i;
		assert_int_equal(check(b, len, &pi, msg, sizeof(msg)), PERR_INVALID_FIELD);
		assert_int_equal(pi.orientation, 1);
		assert_int_equal(pi.width, 400);
		free(b);
	}
	free(c.px);
}

/* Progressive JPEGs are fine, but libjpeg keeps all their coefficients:
 * beyond about 20 megapixels they are refused, not decoded. */
static void
t_progressive(void **state)
{
	struct jopt small = { 300, 400, WHITE, SKIN, 40000, JCS_RGB, true, 0, 0 };
	struct jopt big = { 5000, 6500, WHITE, SKIN, 0, JCS_RGB, true, 0, 0 };
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
		cmocka_unit_test(t_portraits),
		cmocka_unit_test(t_orientation),
		cmocka_unit_test(t_orientation_rules),
		cmocka_unit_test(t_orientation_size),
		cmocka_unit_test(t_orientation_bad_exif),
		cmocka_unit_test(t_progressive),
		cmocka_unit_test(t_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
