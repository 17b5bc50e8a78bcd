/*
 * application.h: the application model every program shares: one loader
 * that takes the viewer and refuses in its SQL whoever may not see the
 * application (application.c), the rules of the notice (rules.c), the JSON
 * built in one place per viewer (appjson.c), and the printable 评审表
 * (doc.c); each of these uses only those before it.
 */
#ifndef APPLICATION_H
#define APPLICATION_H

#include "portal.h"

/* 现有职称 in the profile: the engineering series' titles, and one for a 中级
 * of another series (a 经济师's, say), which is what 转（兼）评 rests on. */
#define TITLE_OTHER_MID "其他系列中级职称"

/* Who is looking: the applicant (org_id 0) sees their own applications; an
 * organisation sees those that reached its desk (its unit or talent centre
 * once submitted, a department once the chain arrived at a step it owns). */
struct person {
	const char *name, *idcard, *mobile, *ethnicity, *education, *degree, *school, *major;
	const char *graduation_date, *work_start_date, *title, *title_date, *specialty;
	const char *appointed_date;	/* 聘任时间, NULL when not given */
	const char *staffing, *custody, *employer, *centre, *ownership;
	long long keeper_id;	/* who keeps the file now: the centre or the employer, 0 none */
	bool out_of_province_ss, profile_complete;
};

/* An application as loaded. Strings point into the results and live until
 * app_free(); NULL is SQL NULL. */
struct application {
	long long id, applicant_id, plan_id, pipeline_id, unit_org_id, current_org_id;
	long long accept_org_id, photo_id, signature_id;	/* 0 when none */
	long long region_id;
	int step, wizard_step, fee, fee_step, submissions, version;
	int paid_part;			/* 元 paid towards a fee not paid in full (it was raised) */
	long long surplus_fen;		/* paid beyond the fee, to refund (sql/087) */
	long long refunded_fen;		/* paid beyond the fee and refunded */
	bool fee_met;			/* paid: so marked, or the paid orders reach the fee */
	int self_score;			/* in tenths (1175: 117.5); -1 when not given */
	int title_years, graduation_years, work_years;	/* at facts_as_of; -1 unknown */
	bool editable, signed_in, passed_unit, title_4y;
	const char *state, *state_name, *step_name, *holder, *plan, *level, *pipeline, *region;
	const char *photo_warning, *signed_at, *statement, *category, *method, *specialty;
	const char *held_title, *paid_at, *unit_name, *accept_name, *return_reason;
	const char *closed_on;		/* the plan's last day when it is over, else NULL */
	const char *facts_as_of, *submitted_at;	/* the day the facts count to (AS_OF) */
	const char *fee_items;		/* [{name, amount}] as JSON text while unpaid, else NULL */
	const char *pay_by;		/* while unpaid: the department's last day to pay, or NULL */
	bool pay_late;			/* and it is past */
	const char *order_no;		/* the orders paid towards the fee, else NULL */
	long long keeper_now_id;	/* under review: who keeps the file by the profile now, else 0 */
	const char *holder_phone;	/* the holder's 咨询电话 (sql/080), or NULL */
	struct person person;
	PGresult *res, *files, *arch, *rec;
};

/* Loads application id as the viewer may see it. PERR_NOT_FOUND (with msg)
 * for anyone not entitled: the same answer as for an id that does not exist. */
PORTAL_API enum perr app_load(const struct actor *viewer, long long id, struct application *a,
    char *msg, size_t msgsz);
PORTAL_API void app_free(struct application *);
/* app_load() as two halves around a db_batch_run() that also carries a
 * page's other reads (one round trip): app_load_add() puts the application's
 * statements into b, app_load_done() then answers as app_load() would (and
 * frees a when it is not found; after a failed run, call neither again). */
PORTAL_API void app_load_add(struct db_batch *b, const struct actor *viewer, long long id,
    struct application *a);
PORTAL_API enum perr app_load_done(struct application *a, char *msg, size_t msgsz);
/* app_load() for the request's actor; a refusal's message goes into r. */
PORTAL_API enum perr app_open(struct req *, long long id, struct application *a);

/* appjson.c: {amount (元), items: [{name, amount}] while unpaid, paid_at, order_no (once paid),
 * paid_part (元 paid towards a fee raised since, when there is some), required (its chain
 * charges a fee), step (the fee step, 0 none), due} */
PORTAL_API cJSON *app_fee_json(const struct application *);

/* Labels of the codes an application holds ("" when unknown). */
PORTAL_API const char *app_method_name(const char *code);
PORTAL_API const char *app_method_label(const char *code);	/* the plan form's word */
PORTAL_API const char *app_category_name(const char *code);
PORTAL_API const char *app_staffing_name(const char *code);
PORTAL_API const char *app_score_text(int tenths, char *buf, size_t n);
PORTAL_API bool valid_method(const char *);
PORTAL_API bool valid_category(const char *);

/* The kinds of attachment, in the order of the wizard. */
struct file_kind {
	const char *code;
	int step;			/* the wizard step that uploads it */
	const char *label, *hint;
};
PORTAL_API extern const struct file_kind file_kinds[];
PORTAL_API const struct file_kind *file_kind(const char *code);

/* rules.c: which attachments a 申报方式 requires, hides or allows, and the
 * pre-submission check: every unmet rule with the wizard step that fixes it. */
enum file_rule { FILE_HIDDEN, FILE_OPTIONAL, FILE_REQUIRED };
PORTAL_API enum file_rule rule_file(const struct application *, const char *kind);
/* A JSON array of {step, field, message}; empty when the application may be
 * submitted. Caller frees. */
PORTAL_API cJSON *rule_check(const struct application *);

/* appjson.c: the content of an application, the part each submission's
 * snapshot records and reviewers compare. Caller frees. */
PORTAL_API cJSON *app_content_json(const struct application *);
/* The whole application for its detail page, as the viewer may see it: the
 * person (身份证号 and mobile in full: the detail page is for those entitled
 * to the file), the content, the facts computed for reviewers, the check.
 * Never password state, sessions or payment orders. Caller frees. */
PORTAL_API cJSON *app_detail_json(const struct application *, const struct actor *viewer);
/* What the detail and the applicant's own reply both open with: id, plan, chain,
 * state, step, holder and unit, into o. */
PORTAL_API void app_head_json(cJSON *o, const struct application *a);
/* The URL of a file of the application in the viewer's program. */
PORTAL_API void app_file_url(const struct application *, long long upload_id, char *buf,
    size_t bufsz);

/* The file upload_id of application id, when it belongs to the application
 * (photo, signature, attachment, recommender's certificate, archive item
 * attachment or contribution evidence) and the viewer may see the
 * application: into *data (malloc'd, caller frees), its type and name. */
PORTAL_API enum perr app_file(const struct actor *viewer, long long id, long long upload_id,
    char **data, size_t *len, char *ctype, size_t ctypesz, char *name, size_t namesz);

/* doc.c: the printable 评审表 as an XHTML document (libxml2 tree, escaped by
 * construction), the same for every viewer entitled to it. *out is
 * malloc'd (caller frees). */
PORTAL_API enum perr doc_review_form(const struct application *, char **out, size_t *len);

#endif
