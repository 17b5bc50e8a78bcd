/*
 * xhtml.c: the printable documents' common part: an XHTML document built
 * with libxml2's tree API, so that every text is escaped by construction,
 * and its serialisation (xhtml.h). It knows nothing of requests or of
 * applications: http.c's error page, the 评审表 (doc.c), the results
 * document and the certificate are all made with it.
 */
#include <stdlib.h>
#include <string.h>

#include "xhtml.h"

xmlNodePtr
xhtml_text(xmlNodePtr parent, const char *tag, const char *content)
{
	return xmlNewTextChild(parent, NULL, BAD_CAST tag, BAD_CAST(content ? content : ""));
}

xmlNodePtr
xhtml_class(xmlNodePtr parent, const char *tag, const char *cls, const char *content)
{
	xmlNodePtr n = xhtml_text(parent, tag, content);

	if (cls != NULL)
		xmlNewProp(n, BAD_CAST "class", BAD_CAST cls);
	return n;
}

xmlDocPtr
xhtml_new(const char *title, const char *css, xmlNodePtr *body)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr html = xmlNewNode(NULL, BAD_CAST "html"), head, n;

	xmlDocSetRootElement(doc, html);
	xmlSetNs(html, xmlNewNs(html, BAD_CAST "http://www.w3.org/1999/xhtml", NULL));
	xmlNewProp(html, BAD_CAST "lang", BAD_CAST "zh-CN");
	head = xmlNewChild(html, NULL, BAD_CAST "head", NULL);
	n = xmlNewChild(head, NULL, BAD_CAST "meta", NULL);
	xmlNewProp(n, BAD_CAST "charset", BAD_CAST "utf-8");
	n = xmlNewChild(head, NULL, BAD_CAST "meta", NULL);
	xmlNewProp(n, BAD_CAST "name", BAD_CAST "viewport");
	xmlNewProp(n, BAD_CAST "content", BAD_CAST "width=device-width, initial-scale=1");
	xhtml_text(head, "title", title);
	/* no icon to fetch: a browser would ask the server for /favicon.ico, a 404 */
	n = xmlNewChild(head, NULL, BAD_CAST "link", NULL);
	xmlNewProp(n, BAD_CAST "rel", BAD_CAST "icon");
	xmlNewProp(n, BAD_CAST "href", BAD_CAST "data:,");
	xhtml_text(head, "style", css);
	*body = xmlNewChild(html, NULL, BAD_CAST "body", NULL);
	return doc;
}

enum perr
xhtml_dump(xmlDocPtr doc, char **out_doc, size_t *out_len)
{
	xmlChar *out = NULL;
	int size = 0;
	enum perr e = PERR_INTERNAL;

	*out_doc = NULL;
	*out_len = 0;
	xmlDocDumpFormatMemoryEnc(doc, &out, &size, "UTF-8", 1);
	if (out != NULL && size > 0 && (*out_doc = malloc((size_t)size)) != NULL) {
		memcpy(*out_doc, out, (size_t)size);
		*out_len = (size_t)size;
		e = PERR_OK;
	}
	xmlFree(out);
	xmlFreeDoc(doc);
	return e;
}

xmlNodePtr
xhtml_row(xmlNodePtr table, const char *cell, const char *const *cols, size_t n)
{
	/* a row of headings is the table's head, printed again atop each page it runs on to */
	xmlNodePtr tr = xmlNewChild(strcmp(cell, "th") == 0 ? xmlNewChild(table, NULL,
	    BAD_CAST "thead", NULL) : table, NULL, BAD_CAST "tr", NULL);
	size_t i;

	for (i = 0; i < n; i++)
		xhtml_text(tr, cell, cols[i]);
	return tr;
}
