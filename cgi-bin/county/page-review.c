/*
 * page-review.c: 职称评审资格审查: the county 建设主管部门's and 初评委's reviewer workspace
 * (lib/review.c): worklist, detail page, decisions. This program's desk
 * uses the checklist of the "department" audience.
 */
#include "review.h"
#include "county.h"

static const struct desk_conf desk = { .audience = "department" };

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
