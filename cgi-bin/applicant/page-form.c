/*
 * page-form.c: the applicant prints the 评审表 (lib/doc.c) once the unit has
 * passed the application.
 */
#include <stdlib.h>

#include "applicant.h"

enum perr
h_form(struct req *r)
{
	struct application a;
	char *doc;
	size_t len;
	enum perr e;

	if ((e = app_open(r, r->id, &a)) != PERR_OK)
		return e;
	if (!a.passed_unit) {
		app_free(&a);
		return req_fail(r, PERR_CONFLICT, NULL, "用人单位审核通过后方可导出评审表");
	}
	e = doc_review_form(&a, &doc, &len);
	app_free(&a);
	if (e != PERR_OK)
		return e;
	req_raw(r, doc, len, "application/xhtml+xml; charset=utf-8", NULL);
	return PERR_OK;
}
