/*
 * page-review.c: 职称申报资格审查: the unit's (or talent centre's) reviewer workspace
 * (lib/review.c): worklist, detail page, decisions. This program's desk
 * uses the checklist of the "unit" audience.
 */
#include "review.h"
#include "unit.h"

static const struct desk_conf desk = { .audience = "unit" };

enum perr
h_worklist(struct req *r)
{
	return review_worklist(r, &desk);
}

enum perr
h_worklist_xlsx(struct req *r)
{
	return review_export(r, &desk);
}

enum perr
h_application(struct req *r)
{
	return review_detail(r, &desk);
}

enum perr
h_move(struct req *r)
{
	return review_move(r, &desk);
}

enum perr
h_batch(struct req *r)
{
	return review_batch(r, &desk);
}
