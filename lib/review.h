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
/* One row of a batch's "results": {"id","ok"} and, when refused, "code" and
 * "message" (msg, or the error's own); added to results, returned for more. */
PORTAL_API cJSON *review_result(cJSON *results, long long id, enum perr e, const char *msg);

/* An application a's 工作单位 as the departments' lists and documents name
 * it: the applicant's employer when it was submitted (sql/054; a 人才交流中心
 * that handles the application keeps the 人事档案, it does not employ), else
 * the unit handling it (uo). EMPLOYER_JOIN goes after the join of uo. */
#define EMPLOYER_JOIN " LEFT JOIN org eo ON eo.id = a.employer_org_id"
#define EMPLOYER_NAME "coalesce(eo.name, uo.name)"

/* POST /applications/gates {items: [{id, step}]}: what a 通过 of each row
 * would meet now, before the clerk presses it (results as review_result()'s,
 * each with "gate", gates_verdict_json() or null); GET /applications/:id/fee:
 * its fee as the detail page has it (app_fee_json(), fee.c). Every
 * reviewer's program takes both. */
PORTAL_API extern const struct field review_gates_fields[];
PORTAL_API enum perr review_gates(struct req *);
PORTAL_API enum perr h_app_fee(struct req *);
#define PASS_CHECK_ROUTES \
	{ M_POST, "/applications/gates", 0, review_gates_fields, review_gates }, \
	{ M_GET, "/applications/:id/fee", 0, NULL, h_app_fee }

/* GET /opinions, POST /opinions, DELETE /opinions/:id: the organisation's templates. */
PORTAL_API extern const struct field review_opinion_fields[];
PORTAL_API enum perr review_opinions(struct req *);
PORTAL_API enum perr review_opinion_add(struct req *);
PORTAL_API enum perr review_opinion_delete(struct req *);

/* publicity.c: 公示 at a step with a publicity gate (the unit's, the HR
 * bureau's 资格复审公示, the results publicity); PUBLICITY_ROUTES in a route
 * table gives a program all of it. */
PORTAL_API extern const struct field publicise_fields[];
PORTAL_API extern const struct field objection_fields[];
PORTAL_API extern const struct field objection_resolve_fields[];
PORTAL_API enum perr h_publicity(struct req *);
PORTAL_API enum perr h_publicise(struct req *);
PORTAL_API enum perr h_publicity_xlsx(struct req *);
PORTAL_API enum perr h_objections(struct req *);
PORTAL_API enum perr h_objection_add(struct req *);
PORTAL_API enum perr h_objection_resolve(struct req *);
/* fee.c: 收费设定 of the department owning a chain's fee step. */
PORTAL_API extern const struct field fee_set_fields[];
PORTAL_API enum perr h_fees(struct req *);
PORTAL_API enum perr h_fee_set(struct req *);
PORTAL_API enum perr h_fee_payments_xlsx(struct req *);
PORTAL_API extern const struct field fee_refund_fields[];
PORTAL_API enum perr h_fee_refund(struct req *);
#define FEE_ROUTES \
	{ M_GET, "/fees", 0, NULL, h_fees }, \
	{ M_POST, "/fees/refunds", 0, fee_refund_fields, h_fee_refund }, \
	{ M_PUT, "/plans/:id/fees", 0, fee_set_fields, h_fee_set }, \
	{ M_GET, "/plans/:id/payments.xlsx", 0, NULL, h_fee_payments_xlsx }

/* interview.c: 评前面试 / 业务能力复审, and the interviews of 面试范围. */
PORTAL_API extern const struct field interview_fields[];
PORTAL_API extern const struct field interview_assign_fields[];
PORTAL_API extern const struct field interview_result_fields[];
PORTAL_API enum perr h_interviews(struct req *);
PORTAL_API enum perr h_interview_xlsx(struct req *);
PORTAL_API enum perr h_interview(struct req *);
PORTAL_API enum perr h_interview_create(struct req *);
PORTAL_API enum perr h_interview_update(struct req *);
PORTAL_API enum perr h_interview_assign(struct req *);
PORTAL_API enum perr h_interview_unassign(struct req *);
PORTAL_API enum perr h_interview_delete(struct req *);
PORTAL_API enum perr h_interview_results(struct req *);
#define INTERVIEW_ROUTES \
	{ M_GET, "/interviews", 0, NULL, h_interviews }, \
	{ M_POST, "/interviews", 0, interview_fields, h_interview_create }, \
	{ M_GET, "/interviews/:id", 0, NULL, h_interview }, \
	{ M_GET, "/interviews/:id/list.xlsx", 0, NULL, h_interview_xlsx }, \
	{ M_PUT, "/interviews/:id", 0, interview_fields, h_interview_update }, \
	{ M_DELETE, "/interviews/:id", 0, NULL, h_interview_delete }, \
	{ M_POST, "/interviews/:id/assign", 0, interview_assign_fields, h_interview_assign }, \
	{ M_DELETE, "/interviews/:id/assignments/:id", 0, NULL, h_interview_unassign }, \
	{ M_POST, "/interviews/:id/results", 0, interview_result_fields, h_interview_results }

/* results.c, certificate.c: 制发文件、网络打印证书: results documents, the
 * certificates they produce and their revocation (DOCUMENT_ROUTES, in the
 * programs of the departments owning that step); the holder's certificate
 * and the public verification page (the applicant program). */
PORTAL_API extern const struct field document_fields[];
PORTAL_API extern const struct field certificates_query[];
PORTAL_API extern const struct field certificate_revoke_fields[];
PORTAL_API enum perr h_documents(struct req *);
PORTAL_API enum perr h_document(struct req *);
PORTAL_API enum perr h_document_issue(struct req *);
PORTAL_API enum perr h_document_finish(struct req *);
PORTAL_API enum perr h_document_print(struct req *);
PORTAL_API enum perr h_document_xlsx(struct req *);
PORTAL_API enum perr h_certificates(struct req *);
PORTAL_API enum perr h_certificate_revoke(struct req *);
PORTAL_API enum perr h_my_certificate(struct req *);
PORTAL_API enum perr h_my_certificate_print(struct req *);
PORTAL_API enum perr h_verify(struct req *);
#define DOCUMENT_ROUTES \
	{ M_GET, "/documents", 0, NULL, h_documents }, \
	{ M_POST, "/documents", 0, document_fields, h_document_issue }, \
	{ M_GET, "/documents/:id", 0, NULL, h_document }, \
	{ M_POST, "/documents/:id/finish", 0, NULL, h_document_finish }, \
	{ M_GET, "/documents/:id/document.xhtml", 0, NULL, h_document_print }, \
	{ M_GET, "/documents/:id/document.xlsx", 0, NULL, h_document_xlsx }, \
	{ M_GET, "/certificates", 0, certificates_query, h_certificates }, \
	{ M_POST, "/certificates/:id/revoke", 0, certificate_revoke_fields, h_certificate_revoke }
#define CERTIFICATE_ROUTES \
	{ M_GET, "/applications/:id/certificate", 0, NULL, h_my_certificate }, \
	{ M_GET, "/applications/:id/certificate.xhtml", 0, NULL, h_my_certificate_print }, \
	{ M_GET, "/verify/*", R_PUBLIC | R_ROOT, NULL, h_verify }

#define PUBLICITY_ROUTES \
	{ M_GET, "/publicity", 0, NULL, h_publicity }, \
	{ M_POST, "/applications/:id/publicity", 0, publicise_fields, h_publicise }, \
	{ M_GET, "/publicity.xlsx", 0, NULL, h_publicity_xlsx }, \
	{ M_GET, "/applications/:id/objections", 0, NULL, h_objections }, \
	{ M_POST, "/applications/:id/objections", 0, objection_fields, h_objection_add }, \
	{ M_POST, "/objections/:id/resolve", 0, objection_resolve_fields, h_objection_resolve }

#endif
