/*
 * xhtml.h: the printable documents' common part: an XHTML document
 * built with libxml2's tree API, so that every text is escaped by
 * construction, and its serialisation (xhtml.c). The 评审表 (doc.c), the results
 * document (results.c), the certificate and its verification page
 * (certificate.c) are made with it.
 */
#ifndef XHTML_H
#define XHTML_H

#include <libxml/tree.h>

#include "portal.h"

/* The fonts of a printed document and of a page: a name's rare 汉字 (Extension
 * B and beyond: 𠮷, 𡈼) is a box in SimSun, so fonts that have them follow, for
 * the browser to take each character from the first that has it. */
#define XHTML_CJK_RARE "'SimSun-ExtB', 'SimSun-ExtG', 'MingLiU-ExtB', 'Noto Serif CJK SC'," \
	" 'Source Han Serif SC', 'HanaMinB'"
#define XHTML_SERIF "'SimSun', 'Songti SC', 'WenQuanYi Micro Hei', " XHTML_CJK_RARE ", serif"
#define XHTML_SANS "'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', " XHTML_CJK_RARE \
	", sans-serif"

/* A new XHTML document in Chinese with its title and style sheet; *body is
 * its body. Free it with xmlFreeDoc, or hand it to xhtml_dump. */
xmlDocPtr xhtml_new(const char *title, const char *css, xmlNodePtr *body);
/* A child element holding text (NULL: none); cls, when not NULL, its class. */
xmlNodePtr xhtml_text(xmlNodePtr parent, const char *tag, const char *content);
xmlNodePtr xhtml_class(xmlNodePtr parent, const char *tag, const char *cls, const char *content);
/* A row (<tr>) of n cells of the element cell ("th" or "td") holding cols; a
 * row of "th" in a <thead> of its own (repeated on each printed page). */
xmlNodePtr xhtml_row(xmlNodePtr table, const char *cell, const char *const *cols, size_t n);
/* Serialises doc (UTF-8, indented) into *out (malloc'd, caller frees) and
 * *len, and frees doc whatever happens. */
enum perr xhtml_dump(xmlDocPtr doc, char **out, size_t *len);

/* Replies with doc (freed) as an XHTML page shown inline (http.c). */
enum perr xhtml_reply(struct req *, xmlDocPtr doc);

#endif
