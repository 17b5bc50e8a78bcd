/* Handlers and shared pieces of the applicant program. */
#ifndef APPLICANT_H
#define APPLICANT_H

#include <stdarg.h>

#include "portal.h"

extern const struct field register_fields[];
extern const struct field profile_fields[];
extern const struct field archive_fields[];
extern const struct field app_create_fields[];
extern const struct field app_info_fields[];
extern const struct field app_recommenders_fields[];
extern const struct field app_archive_fields[];
extern const struct field app_files_fields[];
extern const struct field sign_fields[];
extern const struct field paycallback_fields[];

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
enum perr h_app_get(struct req *);
enum perr h_app_info(struct req *);
enum perr h_app_recommenders(struct req *);
enum perr h_app_archive(struct req *);
enum perr h_app_files(struct req *);
enum perr h_app_photo(struct req *);
enum perr h_submit(struct req *);
enum perr h_timeline(struct req *);
enum perr h_sign_link(struct req *);
enum perr h_sign_get(struct req *);
enum perr h_sign_post(struct req *);
enum perr h_form(struct req *);
enum perr h_payment(struct req *);
enum perr h_pay(struct req *);
enum perr h_paycallback(struct req *);
enum perr h_messages(struct req *);
enum perr h_message_read(struct req *);

/* page-archive.c: upload ids of a JSON array as "{1,2}", and ownership of them */
enum perr id_array(struct req *, const cJSON *, const char *field, char *buf, size_t bufsz,
    int *n);
enum perr own_uploads(struct req *, const char *arr, int n, const char *field);

/* page-sign.c: the 承诺书 every applicant signs */
extern const char commitment_title[];
extern const char commitment_text[];

/* check.c: an application as its applicant sees it */
#define APP_COLS 40
struct app {
	long long id;
	bool editable;
	const char *v[APP_COLS];	/* the columns of the main row, NULL for SQL NULL */
	PGresult *res, *files, *arch, *rec;
};

struct file_kind {
	const char *code;
	int step;			/* the wizard step that uploads it */
	const char *label, *hint;
};
extern const struct file_kind file_kinds[];

enum perr app_load(struct req *, long long id, struct app *);
void app_free(struct app *);
enum perr app_editable(struct req *, const struct app *);
const struct file_kind *file_kind(const char *code);
bool file_kind_visible(const struct app *, const char *kind);
cJSON *app_check(const struct app *);
cJSON *app_content_json(const struct app *);
void app_reply(struct req *, const struct app *);
bool app_accept_ok(const struct app *, long long org);
bool valid_method(const char *);
bool valid_category(const char *);

#endif
