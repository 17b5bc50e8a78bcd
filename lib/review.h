/*
 * review.h: the reviewer's workspace the unit and every department use
 * (review.c): worklist (待审查 / 已审查 / 全部) with filters, counts and keyset
 * pages, its .xlsx export, the detail page with facts, checklist, what
 * changed and the chain so far, single and batch decisions through
 * chain_move(), and opinion templates. Each program's page-review.c declares
 * its routes with these handlers and its own desk settings.
 */
#ifndef REVIEW_H
#define REVIEW_H

#include "application.h"

/* What differs between the programs' desks. */
struct desk_conf {
	const char *audience;	/* checklist_item.audience: "unit" or "department" */
};

/* GET /worklist and /worklist.xlsx: the query both take. */
PORTAL_API extern const struct field review_worklist_query[];
PORTAL_API enum perr review_worklist(struct req *, const struct desk_conf *);
PORTAL_API enum perr review_export(struct req *, const struct desk_conf *);

/* GET /applications/:id, its files (/applications/:id/files/:id) and the 评审表. */
PORTAL_API enum perr review_detail(struct req *, const struct desk_conf *);
PORTAL_API enum perr review_file(struct req *);
/* The applicant's read-only view of their own application: the detail and
 * the chain so far, as a reviewer sees it. */
PORTAL_API enum perr review_view(struct req *);
PORTAL_API enum perr review_form(struct req *);

/* POST /applications/:id/move and /applications/batch. */
PORTAL_API extern const struct field review_move_fields[];
PORTAL_API extern const struct field review_batch_fields[];
PORTAL_API enum perr review_move(struct req *, const struct desk_conf *);
PORTAL_API enum perr review_batch(struct req *, const struct desk_conf *);

/* GET /opinions, POST /opinions, DELETE /opinions/:id: the organisation's templates. */
PORTAL_API extern const struct field review_opinion_fields[];
PORTAL_API enum perr review_opinions(struct req *);
PORTAL_API enum perr review_opinion_add(struct req *);
PORTAL_API enum perr review_opinion_delete(struct req *);

#endif
