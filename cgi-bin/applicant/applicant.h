/* Handlers and shared pieces of the applicant program. */
#ifndef APPLICANT_H
#define APPLICANT_H

#include <stdarg.h>

#include "application.h"

extern const struct field register_fields[];
extern const struct field profile_fields[];
extern const struct field archive_fields[];
extern const struct field app_create_fields[];
extern const struct field app_info_fields[];
extern const struct field app_recommenders_fields[];
extern const struct field app_archive_fields[];
extern const struct field app_files_fields[];
extern const struct field sign_open_fields[];
extern const struct field sign_fields[];
extern const struct field paycallback_fields[];
extern const struct field photo_fields[];
extern const struct field units_query[];

enum perr h_register(struct req *);
enum perr h_profile_get(struct req *);
enum perr h_profile_put(struct req *);
enum perr h_units(struct req *);
enum perr h_archive_list(struct req *);
enum perr h_archive_add(struct req *);
enum perr h_archive_edit(struct req *);
enum perr h_archive_delete(struct req *);
enum perr h_plans(struct req *);
enum perr h_plan(struct req *);
enum perr h_applications(struct req *);
enum perr h_app_create(struct req *);
enum perr app_drafts_follow(struct req *);	/* (in a transaction) */
enum perr app_check(const struct application *, cJSON **check);
enum perr h_app_get(struct req *);
enum perr h_app_info(struct req *);
enum perr h_app_recommenders(struct req *);
enum perr h_app_archive(struct req *);
enum perr h_app_files(struct req *);
enum perr h_app_photo(struct req *);
enum perr h_submit(struct req *);
enum perr h_timeline(struct req *);
enum perr h_sign_link(struct req *);
enum perr h_sign_open(struct req *);
enum perr h_sign_post(struct req *);
enum perr h_form(struct req *);
enum perr h_payment(struct req *);
enum perr h_pay(struct req *);
enum perr h_paycallback(struct req *);
enum perr h_messages(struct req *);
enum perr h_message_read(struct req *);
enum perr h_messages_read_all(struct req *);

/* page-applications.c: where an application of uid to a plan of level (pipes: its
 * chains, comma-separated, "" for all of its level) goes by the profile as it is now
 * (*unit, *pipeline); PERR_INVALID_FIELD with why (and *field: "profile" or
 * "plan_id") when it cannot. 马上申报's rules, and the plan page's word before it. */
enum perr app_route(long long uid, const char *level, const char *pipes, long long *unit,
    const char **pipeline, char *why, size_t whysz, const char **field);

/* page-archive.c: upload ids of a JSON array as "{1,2}", and ownership of them */
enum perr id_array(struct req *, const cJSON *, const char *field, char *buf, size_t bufsz,
    int *n);
enum perr own_uploads(struct req *, const char *arr, int n, const char *field);

/* page-sign.c: the 承诺书 every applicant signs */
extern const char commitment_title[];
extern const char commitment_text[];

/* wizard.c: the application as the wizard shows it (the model is lib/application.c) */
void app_reply(struct req *, const struct application *);
/* 409 unless the loaded application may still be edited. */
enum perr app_editable(struct req *, const struct application *);
/* Inside a transaction: locks the applicant's application row and answers 409
 * unless it may still be edited. Every content write takes this lock first, so
 * it cannot slip in beside a submission (chain_move() locks the same row). */
enum perr app_lock_editable(struct req *, long long id);
/* Inside the save's transaction, the application loaded after its lock: 409 (field
 * "rev") when the save names the digest its edit was typed over (rev, optional) and
 * key's part of the draft ("info", "recommenders", "archive", "files-<kind>") is
 * no longer that: another window or device saved it meanwhile. app_reply() hands
 * out each part's digest in application.revs. */
enum perr app_rev_check(struct req *, const struct application *, const char *key,
    const struct fval *rev);
bool valid_rev(const char *);	/* 16 lower-case hex digits */
/* Whether org may be named as 受理单位 of the application. */
enum perr app_accept_ok(const struct application *, long long org, bool *ok);

#endif
