/* QR codes as SVG: well-formed whatever the text, and errors not crashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <qrencode.h>

#include "portal.h"

/* The first child element of n called name, or NULL. */
static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0)
			return n;
	return NULL;
}

static bool
has_attr(xmlNodePtr n, const char *name, const char *want)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	bool ok = v != NULL && (want == NULL || strcmp((const char *)v, want) == 0);

	xmlFree(v);
	return ok;
}

/* Parses svg and checks its shape; returns the side of the viewBox. */
static int
check_svg(const char *svg)
{
	xmlDocPtr doc = xmlReadMemory(svg, (int)strlen(svg), "qr.svg", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr root, path, rect, n;
	xmlChar *vb;
	int x = -1, y = -1, w = 0, h = 0, npath = 0;

	assert_non_null(doc);
	root = xmlDocGetRootElement(doc);
	assert_non_null(root);
	assert_string_equal((const char *)root->name, "svg");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href, "http://www.w3.org/2000/svg");
	vb = xmlGetProp(root, BAD_CAST "viewBox");
	assert_non_null(vb);
	assert_int_equal(sscanf((const char *)vb, "%d %d %d %d", &x, &y, &w, &h), 4);
	xmlFree(vb);
	assert_int_equal(x, 0);
	assert_int_equal(y, 0);
	assert_int_equal(w, h);
	/* version 1 is 21 modules, 40 is 177; plus 4 of quiet zone each side */
	assert_in_range(w, 21 + 8, 177 + 8);
	assert_int_equal((w - 8 - 17) % 4, 0);

	rect = child(root, "rect");
	assert_non_null(rect);
	assert_true(has_attr(rect, "fill", "#fff"));
	path = child(root, "path");
	assert_non_null(path);
	assert_true(has_attr(path, "fill", "#000"));
	assert_true(has_attr(path, "shape-rendering", "crispEdges"));
	assert_true(has_attr(path, "d", NULL));
	for (n = root->children; n != NULL; n = n->next)	/* one path only */
		npath += n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, BAD_CAST "path") == 0;
	assert_int_equal(npath, 1);
	xmlFreeDoc(doc);
	return w;
}

/* Redraws the path of svg on a grid and compares it, module by module,
 * with what libqrencode gives for text. */
static void
check_modules(const char *svg, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	const char *p = strstr(svg, " d=\"");
	unsigned char *grid;
	int n, x, y, run, run2, used, side;

	assert_non_null(q);
	assert_non_null(p);
	side = q->width + 8;
	grid = calloc((size_t)side * (size_t)side, 1);
	assert_non_null(grid);
	for (p += 4; *p != '"'; p += used) {
		used = 0;
		assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &run2, &used), 4);
		assert_true(used > 0);
		assert_int_equal(run, run2);
		assert_true(x >= 4 && y >= 4 && run > 0 && x + run <= side - 4 && y < side - 4);
		for (n = 0; n < run; n++) {
			assert_int_equal(grid[y * side + x + n], 0);	/* no overlaps */
			grid[y * side + x + n] = 1;
		}
	}
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++) {
			bool dark = x >= 4 && y >= 4 && x < side - 4 && y < side - 4 &&
			    (q->data[(y - 4) * q->width + (x - 4)] & 1);

			assert_int_equal(grid[y * side + x], dark);
		}
	free(grid);
	QRcode_free(q);
}

static void
t_url(void **state)
{
	static const char url[] = "https://portal.example.cn/applicant/#/sign/"
	    "0123456789abcdef0123456789abcdef";
	char *svg = NULL;
	int side;

	(void)state;
	assert_int_equal(qr_svg(url, &svg), PERR_OK);
	assert_non_null(svg);
	side = check_svg(svg);
	check_modules(svg, url);
	/* the finder pattern at the top left starts inside the quiet zone */
	assert_non_null(strstr(svg, "d=\"M4 4h7v1h-7z"));
	assert_true(side < 60);
	free(svg);
}

static void
t_special(void **state)
{
	static const char *const texts[] = {
		"<&\">",
		"a<b && c>\"d\" 'e' ]]> <!-- x --> <script>alert(1)</script>",
		"证件照 二维码 \xF0\x9F\x98\x80",
		"x",
	};
	char *svg;
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(texts); i++) {
		svg = NULL;
		assert_int_equal(qr_svg(texts[i], &svg), PERR_OK);
		check_svg(svg);
		check_modules(svg, texts[i]);
		assert_null(strstr(svg, "<script"));
		free(svg);
	}
}

static void
t_limits(void **state)
{
	char *big = malloc(8001), *svg = (char *)1;
	int side;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 8000);
	big[8000] = '\0';
	assert_int_equal(qr_svg(big, &svg), PERR_INVALID_FIELD);
	assert_null(svg);

	/* 2331 bytes is version 40-M's capacity in byte mode; 'a' is byte mode */
	big[2331] = '\0';
	assert_int_equal(qr_svg(big, &svg), PERR_OK);
	side = check_svg(svg);
	assert_int_equal(side, 177 + 8);
	check_modules(svg, big);
	free(svg);
	big[2331] = 'a';
	big[2332] = '\0';
	svg = (char *)1;
	assert_int_equal(qr_svg(big, &svg), PERR_INVALID_FIELD);
	assert_null(svg);
	free(big);

	svg = (char *)1;
	assert_int_equal(qr_svg("", &svg), PERR_INVALID_FIELD);
	assert_null(svg);
	assert_int_equal(qr_svg(NULL, &svg), PERR_INVALID_FIELD);
	assert_null(svg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_url),
		cmocka_unit_test(t_special),
		cmocka_unit_test(t_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
