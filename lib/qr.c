/* qr.c: QR codes as SVG, for links a phone should open (the 承诺书 signing
 * link). The SVG carries only geometry, and goes through libxml2's writer
 * all the same so that nothing in it is ever assembled by hand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>
#include <qrencode.h>

#include "portal.h"

#define QR_QUIET	4	/* modules of white around the symbol */
#define QR_PX		5	/* default rendering size of one module */
/* longest run in the path: "M185 185h177v1h-177z" is 20 bytes */
#define QR_RUN_MAX	32

/*
 * Builds the path data of the dark modules, one rectangle per horizontal
 * run, offset by the quiet zone. Returns a malloc'd string (caller frees)
 * or NULL when out of memory.
 */
static char *
qr_path(const QRcode *q)
{
	size_t runs = 0, off = 0, cap;
	int x, y, x0, w = q->width;
	const unsigned char *m = q->data;
	char *d;

	for (y = 0; y < w; y++)
		for (x = 0; x < w; x++)
			if ((m[y * w + x] & 1) && (x == 0 || !(m[y * w + x - 1] & 1)))
				runs++;
	cap = runs * QR_RUN_MAX + 1;
	if ((d = malloc(cap)) == NULL)
		return NULL;
	d[0] = '\0';
	for (y = 0; y < w; y++)
		for (x = 0; x < w; ) {
			if (!(m[y * w + x] & 1)) {
				x++;
				continue;
			}
			for (x0 = x; x < w && (m[y * w + x] & 1); x++)
				continue;
			off += (size_t)snprintf(d + off, cap - off, "M%d %dh%dv1h-%dz",
			    x0 + QR_QUIET, y + QR_QUIET, x - x0, x - x0);
		}
	return d;
}

/*
 * Encodes text (UTF-8, as bytes) as a QR code, error correction M, and
 * writes it as an SVG document. On success *svg is a malloc'd string the
 * caller frees. Returns PERR_INVALID_FIELD when the text is empty or too
 * long for any QR version, PERR_INTERNAL when out of memory.
 */
enum perr
qr_svg(const char *text, char **svg)
{
	QRcode *q = NULL;
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr wr = NULL;
	char *d = NULL, vb[64], px[16], side[16];
	enum perr e = PERR_INTERNAL;
	int n;

	*svg = NULL;
	if (text == NULL || text[0] == '\0')
		return PERR_INVALID_FIELD;
	errno = 0;
	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL) {
		if (errno == EINVAL || errno == ERANGE)
			e = PERR_INVALID_FIELD;
		goto out;
	}
	if ((d = qr_path(q)) == NULL)
		goto out;
	n = q->width + 2 * QR_QUIET;
	snprintf(vb, sizeof(vb), "0 0 %d %d", n, n);
	snprintf(side, sizeof(side), "%d", n);
	snprintf(px, sizeof(px), "%d", n * QR_PX);

	if ((buf = xmlBufferCreate()) == NULL ||
	    (wr = xmlNewTextWriterMemory(buf, 0)) == NULL)
		goto out;
	if (xmlTextWriterStartDocument(wr, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(wr, BAD_CAST "svg") < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "xmlns",
	    BAD_CAST "http://www.w3.org/2000/svg") < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "viewBox", BAD_CAST vb) < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "width", BAD_CAST px) < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "height", BAD_CAST px) < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "role", BAD_CAST "img") < 0 ||
	    xmlTextWriterWriteElement(wr, BAD_CAST "title", BAD_CAST "二维码") < 0 ||
	    xmlTextWriterStartElement(wr, BAD_CAST "rect") < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "width", BAD_CAST side) < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "height", BAD_CAST side) < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "fill", BAD_CAST "#fff") < 0 ||
	    xmlTextWriterEndElement(wr) < 0 ||
	    xmlTextWriterStartElement(wr, BAD_CAST "path") < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "fill", BAD_CAST "#000") < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "shape-rendering",
	    BAD_CAST "crispEdges") < 0 ||
	    xmlTextWriterWriteAttribute(wr, BAD_CAST "d", BAD_CAST d) < 0 ||
	    xmlTextWriterEndElement(wr) < 0 ||
	    xmlTextWriterEndDocument(wr) < 0)	/* closes <svg> too */
		goto out;
	/* flushes into buf */
	xmlFreeTextWriter(wr);
	wr = NULL;
	if ((*svg = strdup((const char *)xmlBufferContent(buf))) == NULL)
		goto out;
	e = PERR_OK;
out:
	if (wr != NULL)
		xmlFreeTextWriter(wr);
	xmlBufferFree(buf);
	free(d);
	QRcode_free(q);
	return e;
}
