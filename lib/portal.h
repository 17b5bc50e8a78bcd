/*
 * portal.h: what the role programs may use from lib/.
 *
 * Conventions: functions that can fail return enum perr (PERR_OK == 0).
 * Strings handed out by the library live until the end of the request
 * (they are freed by req_free) unless a comment says otherwise.
 */
#ifndef PORTAL_H
#define PORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#define PORTAL_API __attribute__((visibility("default")))
#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
/* A macro's value as a string literal: STRINGIFY(PUBLICITY_DAYS) is "5". */
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
/* The organisation that confirms a person and reviews their archive items
 * (applicant_profile p): the talent centre keeping their 人事档案, else their unit. */
#define PROFILE_ORG "CASE WHEN p.custody = 'talent_centre' THEN p.centre_org_id ELSE p.unit_org_id END"
/* The applicant's profile as application a has it (sql/064): as it was submitted once
 * the application is under review or decided, as it is now while the applicant may
 * still change and submit it. PROFILE_JOIN joins its columns as pr; PROFILE_ROW is
 * the whole row (an applicant_profile). */
#define PROFILE_ROW "(CASE WHEN fp.application_id IS NULL THEN lp ELSE fp.profile END)"
#define PROFILE_JOIN " LEFT JOIN applicant_profile lp ON lp.user_id = a.applicant_id" \
	" LEFT JOIN application_profile fp ON fp.application_id = a.id" \
	"  AND a.state NOT IN ('draft', 'returned')" \
	" LEFT JOIN LATERAL (SELECT " PROFILE_ROW ".*) pr ON true"

/* A date in words (2023年9月8日), and today's date where the portal is (Beijing time). */
#define DATE_ZH(x) "to_char(" x ", 'YYYY\"年\"FMMM\"月\"FMDD\"日\"')"
#define SQL_TODAY "(now() AT TIME ZONE 'Asia/Shanghai')::date"

/* An agenda row (meeting_agenda ag) that stands: to be voted on, or voted on. A ballot
 * closed without a single vote on an application (none of those present voted: the
 * experts could not sign in) decided nothing: the application waits for another meeting,
 * and nothing is carried out for it (it had been rejected, by nobody). */
#define AGENDA_STANDS(ag) "coalesce(" ag ".agree + " ag ".disagree + " ag ".abstain, 1) > 0"

/* ---------- errors (err.c) ---------- */

enum perr {
	PERR_OK = 0,
	PERR_BAD_REQUEST,	/* 400 bad_request */
	PERR_INVALID_JSON,	/* 400 invalid_json */
	PERR_INVALID_FIELD,	/* 400 invalid_field */
	PERR_UNKNOWN_FIELD,	/* 400 unknown_field */
	PERR_DUP_FIELD,		/* 400 duplicate_field */
	PERR_UNAUTHORIZED,	/* 401 */
	PERR_FORBIDDEN,		/* 403 */
	PERR_CSRF,		/* 403 csrf */
	PERR_PASSWORD_CHANGE,	/* 403 password_change_required: a one-time password */
	PERR_NOT_FOUND,		/* 404 */
	PERR_METHOD,		/* 405 */
	PERR_CONFLICT,		/* 409 conflict */
	PERR_GATE,		/* 409 gate: a chain rule is not met yet */
	PERR_TOO_LARGE,		/* 413 */
	PERR_MEDIA_TYPE,	/* 415 */
	PERR_LOCKED,		/* 423 */
	PERR_TOO_MANY,		/* 429 too_many_requests */
	PERR_INTERNAL,		/* 500 */
	PERR_UNAVAILABLE,	/* 503 */
	PERR__MAX
};

/* HTTP status, stable code and default Chinese message of an error. */
PORTAL_API int err_status(enum perr);
PORTAL_API const char *err_code(enum perr);
PORTAL_API const char *err_message(enum perr);

/* ---------- logging (log.c): key=value lines on stderr ---------- */

PORTAL_API void log_init(const char *prog);
PORTAL_API void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
PORTAL_API void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
PORTAL_API void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes a masked copy of an ID/phone number into buf: first 4 and last 4 kept. */
PORTAL_API const char *mask_id(const char *s, char *buf, size_t bufsz);
PORTAL_API const char *mask_mobile(const char *s, char *buf, size_t bufsz);

/* ---------- configuration (conf.c) ---------- */

struct conf {
	char db_socket_dir[512];
	char db_name[64];
	char db_user[64];		/* empty: "portal_<role>" */
	size_t max_json_bytes;		/* JSON bodies; larger -> 413 */
	size_t max_upload_bytes;	/* multipart bodies; larger -> 413 */
	int session_idle_min;
	int session_abs_hours;
	int login_max_failures;
	int login_lock_min;
	/* Who takes the fees: "none" (no online payment), "external" (a real
	 * gateway) or "simulator" (the demo gateway cgi-bin/paysim, which only
	 * scripts/stack.sh's demo configuration starts). */
	char payment_provider[16];
	char payment_gateway_url[256];	/* where the payer is sent, with the signed order */
	char payment_callback_secret[129]; /* HMAC key the provider's callbacks are checked with */
	int register_per_ip_hour;	/* registration attempts from one address per hour */
	int codes_per_ip_hour;		/* SMS codes asked for from one address per hour */
	int login_failures_per_ip_hour;	/* failed logins from one address per hour */
	int uploads_per_day;		/* files one account may upload in 24 hours */
	int upload_mb_per_day;		/* and their size in MiB */
	/* yescrypt's cost for new password hashes (libxcrypt's 1..11; 5, its own
	 * default, in production: ~60 ms a hash). A hash keeps its own cost, so
	 * logins check every hash as it was made. */
	int password_cost;
	/* the address people reach the portal at (scheme://host[:port]), for the
	 * links it hands out (certificates' QR codes, the signing link); "": the
	 * request's own Host, for a machine reached by many names (tests, demo) */
	char public_url[256];
};

PORTAL_API extern struct conf conf;
/* Reads "key = value" lines; unknown keys are an error, and so is a payment
 * provider without its gateway URL and key. Returns 0 or -1 (logged). */
PORTAL_API int conf_load(const char *path);
/* A program that is not a portal role (the payment simulator) reads keys of
 * its own: set returns 0 when it took the key, 1 when the key is not one of
 * its own, -1 when the value is bad. Call before conf_load. */
PORTAL_API void conf_program_keys(int (*set)(const char *key, const char *value));
/* Whether the payment provider is the demo's simulated gateway. */
PORTAL_API bool conf_payment_simulated(void);

/* ---------- validators (valid.c): true when the value is acceptable ---------- */

PORTAL_API bool valid_utf8(const char *s, size_t len);
/* Number of characters (code points) in valid UTF-8. */
PORTAL_API size_t utf8_chars(const char *s);
/* Number of characters as a reader sees them (extended grapheme clusters,
 * ICU) in valid UTF-8: "é" written e + U+0301, "👨‍👩‍👧", "🇨🇳" and CR LF count once. */
PORTAL_API size_t utf8_graphemes(const char *s);
/* 字 as a limit counts them (F_TEXT): utf8_graphemes() without the line breaks. */
PORTAL_API size_t utf8_words(const char *s);
/* true when valid UTF-8 s shows nothing: empty, white space, invisible marks. */
PORTAL_API bool utf8_blank(const char *s);
PORTAL_API void utf8_trim(char *s);
/* Drops, in place, the controls that embed, override or isolate a direction (U+202A-U+202E,
 * U+2066-U+2069), and with marks the marks that hint one (U+200E, U+200F): pasted text
 * carries them unseen (Windows wraps a copied phone number in U+202A…U+202C), and shown
 * again they can reorder what is read ("a<RLO>fdp.exe" reads "aexe.pdf"). */
PORTAL_API void utf8_drop_bidi(char *s, bool marks);
PORTAL_API void utf8_trim_end(char *s);	/* the same off the end only */
/* Drops, in place, every code point that is not seen (Unicode's default ignorable: zero-width
 * spaces and joiners, U+2060, the BOM, soft hyphens, the direction controls, the variation
 * selectors) but an ideographic variation selector after a Han character (the glyph of a rare
 * character of a name): a line of text is what is seen of it
 * (a probe registered 金华宏达建设<U+200B>工程有限公司 beside the real one, and nothing told
 * them apart). */
PORTAL_API void utf8_drop_unseen(char *s);
/* Drops the part of a character snprintf() left at the end of s when it cut s short. */
PORTAL_API void utf8_cut(char *s);
/* GB 11643: 18 chars, a birth date from 1900 to today (UTC+8), the check digit (X upper case) */
PORTAL_API bool valid_idcard(const char *s);
PORTAL_API bool valid_uscc(const char *s);	/* GB 32100: 18 chars, check character */
PORTAL_API bool valid_ownership(const char *s);	/* 单位性质: state private institution agency other */
PORTAL_API bool valid_unit_affiliation(const char *s); /* bureau city_direct civil_service */
/* 局属 and 市本级直属 事业单位 are 市本级's (notice: 金华市本级（含金华双龙风景旅游区）
 * 直属事业单位): affiliation_of_city() tells such an affiliation, REGION_OF_CITY is
 * the SQL test of a region row r that is 市本级 (sql/002), AFFILIATION_CITY_MSG
 * the refusal of another. */
PORTAL_API bool affiliation_of_city(const char *affiliation);
#define REGION_OF_CITY "(r.code LIKE '%-sbj')"
#define AFFILIATION_CITY_MSG \
	"市住建局局属事业单位和市本级直属事业单位的所在地区应为“市本级”（含金华双龙风景旅游区）"
PORTAL_API bool valid_mobile(const char *s);	/* mainland: 1[3-9] + 9 digits */
PORTAL_API bool valid_phone_text(const char *s);	/* 0579-82468888、12345 (a help desk's) */
PORTAL_API bool valid_email(const char *s);	/* name@host.domain, ASCII */
PORTAL_API bool valid_person_name(const char *s); /* 2-30 chars: CJK, letters, middle dot, space */
/* A name's 间隔号 as U+00B7 whatever dot was typed, two spaces as one (in place);
 * field.c does it to every name before valid_person_name() reads it. */
PORTAL_API void name_tidy(char *s);
/* Password policy: 8-128 characters, at least three of upper/lower/digit/symbol. */
PORTAL_API bool valid_password(const char *s);
/* Plain text: valid UTF-8, no control characters but \n \t, at most maxchars characters. */
PORTAL_API bool valid_text(const char *s, size_t maxchars);
/* A real calendar date "YYYY-MM-DD" between 1900-01-01 and today. */
PORTAL_API bool valid_past_date(const char *s);
/* A real calendar date "YYYY-MM-DD" from 1900-01-01 on (2031-02-30 is none). */
PORTAL_API bool valid_calendar_date(const char *s);
/* "YYYY-MM-DD" in shape, whether or not the calendar has that day */
PORTAL_API bool date_shaped(const char *s);
/* 文号 of a document: 1-12 characters, the year in 〔〕, a number, 号: 金建评〔2023〕12号. */
PORTAL_API bool valid_doc_number(const char *s);
/* A login name: 3-32 lower-case letters, digits or _, beginning with a letter. */
PORTAL_API bool valid_login_name(const char *s);
/* A time of day to the minute, "YYYY-MM-DD HH:MM", 00:00-23:59 (the database
 * checks that it is a real one). */
PORTAL_API bool valid_minute(const char *s);

/* ---------- request parsing (form.c) ---------- */

struct kv {
	char *key;
	char *val;
	size_t vlen;
};

/* Parses application/x-www-form-urlencoded (also query strings) of at most
 * max bytes. On success *out (free with kv_free) holds *n pairs, decoded,
 * each valid UTF-8 without NUL. Duplicate keys and malformed escapes fail. */
PORTAL_API enum perr form_urlencoded(const char *s, size_t len, size_t max,
    struct kv **out, size_t *n);
PORTAL_API void kv_free(struct kv *, size_t n);

struct part {
	char name[64];
	char filename[1024];	/* empty when not a file; at most 200 characters */
	char ctype[128];
	const char *data;	/* points into the body */
	size_t len;
};

/* Finds the boundary parameter of a multipart/form-data Content-Type.
 * Writes it into buf. */
PORTAL_API enum perr form_boundary(const char *ctype, char *buf, size_t bufsz);
/* Splits a multipart body into at most maxparts parts. The parts point into
 * body, which must outlive them. PERR_DUP_FIELD: parts[*n] is a part whose
 * name an earlier one has. */
PORTAL_API enum perr form_multipart(const char *body, size_t len,
    const char *boundary, struct part *parts, size_t maxparts, size_t *n);

/* ---------- declared fields (field.c) ---------- */

/* F_FILE: a multipart part with a file name and some bytes (R_MULTIPART routes).
 * F_TEXT: a string whose length is counted as a reader sees it (utf8_words: graphemes,
 * not the line breaks), for prose with a limit the user counts on the page, its end
 * trimmed of what is unseen; F_STR counts code points.
 * F_STR is one line (a name, a title, a date): a line break or a tab inside it is
 * refused, as the page's one-line input could not have typed it. F_LINES is the
 * same text where lines may break (an opinion, a reason), counted as F_STR counts.
 * F_DEC1: a number with at most one decimal (a score: 117.5), kept in tenths. */
enum ftype { F_STR, F_INT, F_BOOL, F_ARRAY, F_FILE, F_TEXT, F_DEC1, F_LINES };

struct field {
	const char *name;
	const char *label;		/* Chinese, for messages */
	enum ftype type;
	bool required;
	long long min, max;		/* characters for F_STR, F_LINES, F_TEXT; range for F_INT, F_DEC1 (whole
					 * units); items for F_ARRAY */
	bool (*check)(const char *);	/* extra validator for F_STR, F_LINES, F_TEXT, or NULL */
	const char *check_msg;		/* message when check fails */
};

struct fval {
	bool present;			/* given and not null; an empty optional text is present as "" */
	const char *s;			/* F_STR, F_LINES, F_TEXT: points into the parsed JSON */
	long long i;			/* F_INT; F_DEC1 in tenths */
	bool b;
	const cJSON *a;			/* F_ARRAY: the array, its items still to be checked */
	const struct part *part;	/* F_FILE (and F_STR of a multipart body): the part */
};

#define FIELDS_MAX 32

/* The index of the field of that name in a field table, or -1. */
PORTAL_API int field_index(const struct field *fields, const char *name);
/* Validates a JSON object against a NULL-terminated field table (name ==
 * NULL ends it). On error writes the field name and a Chinese message.
 * A line of text (F_STR, not a password) is trimmed in place (utf8_trim()),
 * as is an F_TEXT of nothing but spaces: the object's strings, not its
 * shape, change. */
PORTAL_API enum perr field_check(const cJSON *obj, const struct field *fields,
    struct fval *vals, const char **bad_field, char *msg, size_t msgsz);
/* The same for a query string's pairs (or a multipart body's parts): values
 * arrive as text; F_INT is a plain decimal integer, F_BOOL "1"/"0"/"true"/"false";
 * an empty value is absent, except for F_STR. Unknown and duplicate names fail. */
PORTAL_API enum perr field_check_kv(const struct kv *kv, size_t n, const struct field *fields,
    struct fval *vals, const char **bad_field, char *msg, size_t msgsz);
PORTAL_API enum perr field_check_parts(const struct part *parts, size_t n,
    const struct field *fields, struct fval *vals, const char **bad_field, char *msg,
    size_t msgsz);
/* Parses a JSON text: valid UTF-8, no NUL escapes, an object at the top. */
PORTAL_API enum perr json_parse_object(const char *body, size_t len, cJSON **out);
/* Adds the integer v to o under key, as cJSON_AddNumberToObject would print
 * it, without the C library's floating-point formatting (cJSON 1.7.15 prints
 * every number with "%1.15g" and reads it back to check: a worklist page of
 * twenty rows spent a fifth of its worker's time there). The item is raw
 * text: for replies, not for cJSON_GetNumberValue. key is not copied: a
 * string literal (one allocation less a field). Returns the item or NULL. */
PORTAL_API cJSON *json_add_int(cJSON *o, const char *key, long long v);
/* v in decimal, as "%lld" prints it, into buf (at least 21 bytes) with a
 * NUL; returns the length. (snprintf was 600 instructions a number: 8 % of a
 * worklist page's.) */
PORTAL_API size_t int_text(char *buf, long long v);
/* cJSON_PrintUnformatted's text, byte for byte, in about half its
 * instructions (cJSON's printing was ~200 000 of a worklist page's 662 000);
 * malloc'd, for free(), its length in *len (when not NULL). NULL where
 * cJSON fails too. */
PORTAL_API char *json_print(const cJSON *item, size_t *len);
/* v as a string, or null where v is NULL. */
PORTAL_API void json_add_str_null(cJSON *o, const char *key, const char *v);
/* cJSON_AddStringToObject with key not copied: a string literal. */
PORTAL_API cJSON *json_add_str(cJSON *o, const char *key, const char *v);
/* Between json_arena_begin() and json_arena_end() (one request), cJSON's
 * allocations come from one block a worker keeps, freed all at once at the
 * end: a worklist page is some 1 300 of them, a fifth of the worker's time in
 * malloc and free. Nothing cJSON allocated in the request may outlive it; what
 * cJSON_Print returns is released with cJSON_free, never free(). */
PORTAL_API void json_arena_begin(void);
PORTAL_API void json_arena_end(void);

/* ---------- database (db.c) ---------- */

struct db_stmt {
	/* NULL: not prepared, planned at each call with the actual values (for
	 * a statement whose best plan depends on which of its filters are given) */
	const char *name;
	const char *sql;
	unsigned gen;		/* connection generation it was prepared on */
};

/* Connects (or reconnects); returns PERR_OK or PERR_UNAVAILABLE. */
PORTAL_API enum perr db_connect(const char *conninfo);
PORTAL_API void db_close(void);
/* Runs a prepared statement with n text parameters (NULL = SQL NULL).
 * On success *res (may be NULL to discard) holds the result; PQclear it.
 * Reconnects once and retries when the connection was lost outside a
 * transaction. Unique violations give PERR_CONFLICT. */
PORTAL_API enum perr db_exec(struct db_stmt *st, PGresult **res, int n, ...);
PORTAL_API enum perr db_execv(struct db_stmt *st, PGresult **res, int n,
    const char *const *params);

/* A bound parameter of db_run(): text (NULL is SQL NULL) or an integer,
 * which db_run() formats itself: ids are never printed into buffers by callers. */
struct dbv {
	char t;			/* 's' text, 'i' integer */
	const char *s;
	long long i;
};
#define DB_S(x) ((struct dbv){ .t = 's', .s = (x) })
#define DB_I(x) ((struct dbv){ .t = 'i', .i = (x) })
/* db_exec() with n struct dbv parameters (DB_S, DB_I). */
PORTAL_API enum perr db_run(struct db_stmt *st, PGresult **res, int n, ...);
/* Transactions; nesting is refused. where is kept to log failures. */
PORTAL_API enum perr db_begin_at(const char *where);
#define db_begin() db_begin_at(__func__)
/* BEGIN, then db_run() of st, in one round trip (pipeline mode): on success
 * the transaction is open as after db_begin(); when st fails it is open too
 * (roll it back); when BEGIN fails it is not. */
PORTAL_API enum perr db_begin_run_at(const char *where, struct db_stmt *st, PGresult **res,
    int n, ...);
#define db_begin_run(...) db_begin_run_at(__func__, __VA_ARGS__)
/* db_run() of st, then COMMIT, in one round trip: PERR_OK when both went
 * through; when st fails the transaction is still open (roll it back); when
 * the COMMIT fails it is over (rolled back). */
PORTAL_API enum perr db_run_commit(struct db_stmt *st, PGresult **res, int n, ...);
/* Reads that do not depend on each other, in one round trip (pipeline mode):
 * db_batch_add() each (DB_S, DB_I parameters; *res is set by db_batch_run()),
 * then db_batch_run(). On success every *res holds its result (PQclear each);
 * on failure none does, and the error is the first failed statement's.
 * Outside a transaction the batch is one implicit transaction. */
#define DB_BATCH_MAX 12
#define DB_BATCH_PARAMS 17
struct db_batch {
	int n;			/* -1: an add did not fit, the run refuses */
	struct {
		struct db_stmt *st;
		PGresult **res;
		int n;
		const char *params[DB_BATCH_PARAMS];
		char nums[DB_BATCH_PARAMS][24];
	} c[DB_BATCH_MAX];
};
PORTAL_API void db_batch_add(struct db_batch *b, struct db_stmt *st, PGresult **res, int n, ...);
/* db_batch_add() with n text parameters (NULL is SQL NULL), as db_execv(). */
PORTAL_API void db_batch_addv(struct db_batch *b, struct db_stmt *st, PGresult **res, int n,
    const char *const *params);
PORTAL_API enum perr db_batch_run(struct db_batch *b);
/* The guard: a statement the request's next round trip carries first (n <= 20
 * text parameters, copied), whose failure stops the statements after it;
 * done(result, arg) reads its result. Once it failed, every database call of
 * the request answers PERR_UNAUTHORIZED, and db_guard_flush() too; it runs it
 * alone when no call carried it. db_guard_clear() forgets it (each request). */
PORTAL_API void db_guard(struct db_stmt *st, int n, const char *const *params,
    void (*done)(const PGresult *, void *), void *arg);
PORTAL_API enum perr db_guard_flush(void);
PORTAL_API void db_guard_clear(void);
PORTAL_API enum perr db_commit(void);
PORTAL_API void db_rollback(void);
PORTAL_API bool db_in_tx(void);
/* SQLSTATE of the last failed statement, or "" */
PORTAL_API const char *db_sqlstate(void);
/* A statement refused with SQLSTATE class ZC (a rule the database states,
 * in Chinese, for the user) gives PERR_GATE; this copies its message into
 * buf (may be NULL) and forgets it. Returns whether there was one. */
PORTAL_API bool db_take_message(char *buf, size_t bufsz);
/* Value helpers over a result row. */
PORTAL_API const char *db_str(const PGresult *, int row, int col); /* NULL for SQL NULL */
PORTAL_API long long db_int(const PGresult *, int row, int col);
PORTAL_API bool db_bool(const PGresult *, int row, int col);

/* ---------- the reference tables' names, kept (refnames.c) ---------- */

/* Given ref_version.n (sql/026) as a statement read it with its rows, reads
 * the names again if they have moved since they were read. */
PORTAL_API enum perr ref_sync(long long version);
/* Names by id ("" for an id not known); a step's name and its actions (a
 * JSON array, "[]" when not known); the working-day ordinal of a day
 * ("YYYY-MM-DD"; false for a day the calendar does not cover). */
PORTAL_API const char *ref_plan(long long id);
PORTAL_API const char *ref_pipeline(long long id);
PORTAL_API const char *ref_region(long long id);
PORTAL_API const char *ref_step(long long pipeline, long long seq, const char **actions);
PORTAL_API bool ref_workday(const char *day, long long *n);
/* A step's gates in the order they are asked in, as a PostgreSQL array
 * ("{}" for none or a step not known), and whether a unit holds it. */
PORTAL_API const char *ref_step_gates(long long pipeline, long long seq, bool *unit);
/* The checklist of an audience (unit, department): a JSON array of {code,
 * name, hint} in order ("[]" when not known). */
PORTAL_API const char *ref_checklist(const char *audience);
/* The names of the organisations whose ids are column col of a page's rows,
 * read for those not kept (after ref_sync); ref_org: one of them ("" when not
 * known). */
PORTAL_API enum perr ref_orgs(const PGresult *page, int col);
/* the same for count ids (0: none) */
PORTAL_API enum perr ref_orgs_of(const long long *id, size_t count);
PORTAL_API const char *ref_org(long long id);
/* Each step's holder in a pipeline and region as step_owners_of() has them
 * (-1: the application's unit; 0: none), in step order, kept per pipeline
 * and region until ref_version moves (after ref_sync). The arrays are good
 * until the next ref_owners() or ref_sync(): copy them. */
PORTAL_API enum perr ref_owners(long long pipeline, long long region, const int **seq,
    const long long **org, size_t *n);
/* A pipeline's first fee step (0: it charges none), and the fee's items for
 * an application of the plan, pipeline, region (0: none) and unit as
 * app_fee_items_of() (sql/033) gives them: their sum in 元 and a JSON array
 * of {name, amount} (NULL for none), kept until ref_version moves (after
 * ref_sync); items stays good until the request ends. */
PORTAL_API int ref_fee_step(long long pipeline);
PORTAL_API enum perr ref_fee(long long plan, long long pipeline, long long region,
    long long unit, int *total, const char **items);
/* fen in 元 as the pages and messages write it: "260", "0.50" (fee.c) */
PORTAL_API const char *fen_yuan(long long fen, char *buf, size_t bufsz);
/* Lets go what the request's drops kept (the names it was handed stay good
 * until then): lib/http.c, once a reply is out. */
PORTAL_API void ref_release(void);

/* ---------- requests and replies (http.c) ---------- */

enum method { M_GET = 1, M_POST = 2, M_PUT = 4, M_DELETE = 8 };

struct session {
	long long user_id;
	long long org_id;		/* 0 for applicants */
	char role[16];
	char name[128];
	char username[64];
	char mobile[32];
	char csrf[40];
	char org_name[256];
	char org_kind[32];
	char org_kind_name[64];
	char org_region[64];
	char org_status[16];		/* pending / approved / rejected (units register first) */
	bool org_admin;			/* the unit's administrator (its first clerk) */
	bool member;			/* a committee member's login (account kind committee_member) */
	/* the password was chosen by someone else (sql/018): until the person
	 * sets their own, only R_ONE_TIME routes answer */
	bool must_change_password;
	/* seconds left at lookup: until the idle timeout if nothing else comes
	 * (never beyond the absolute end), and until the absolute end */
	long long idle_left;
	long long abs_left;
};

#define PARTS_MAX 24

struct req {
	void *fcgx;			/* FCGX_Request * */
	const char *env[12];		/* the parameters every request reads, found in one pass (http.c) */
	enum method method;
	const char *path;		/* below /api/<role> */
	char *uri;			/* owned copy when the server gave no DOCUMENT_URI */
	const char *ip;
	bool https;
	char *body;
	size_t body_len;
	const char *ctype;
	cJSON *json;			/* parsed JSON body, when the route has fields */
	struct kv *query;
	size_t nquery;
	size_t nparts;
	long long id;			/* the first :id of the route, if any */
	long long id2;			/* the second :id, if any */
	char tok[65];			/* the :tok of the route (16-64 hex digits), if any */
	bool has_session;
	struct session s;
	/* reply */
	int status;
	cJSON *out;			/* reply body */
	char *set_cookie;
	/* a reply that is not JSON (a file, a document): owned, freed after the request */
	char *raw;
	size_t raw_len;
	char raw_type[128];
	const char *bad_field;
	/* Not cleared for each request (12 KB of a 401's 23 us went to that):
	 * declared() fills f before a handler runs, parts below nparts, req_init()
	 * empties msg. */
	struct fval f[FIELDS_MAX];	/* validated fields, indexed as declared */
	struct part parts[PARTS_MAX];	/* a multipart body, split (they point into body) */
	/* written whole by req_raw(): a file name of 200 characters, percent-encoded */
	char raw_disposition[2600];
	/* Chinese message for an error reply: room for a 500-字 reason quoted in it;
	 * never ends in part of a character (req_fail) */
	char msg[2560];
};

/* Replies with bytes instead of JSON; takes ownership of data (malloc'd).
 * filename (UTF-8) makes it a download; NULL shows it inline. The status is
 * r->status, 200 when not set. */
PORTAL_API void req_raw(struct req *, char *data, size_t len, const char *type,
    const char *filename);
/* Query-string value, or NULL. */
PORTAL_API const char *req_query(const struct req *, const char *key);
/* A CGI parameter (FastCGI environment), or NULL. */
PORTAL_API const char *req_param(const struct req *, const char *name);
/* The site's address ("https://host[:port]"), for links a phone opens (QR
 * codes): conf.public_url, or else as the browser reached it (its Host);
 * PERR_BAD_REQUEST without a usable Host. */
PORTAL_API enum perr req_base_url(const struct req *, char *buf, size_t bufsz);
/* Sets an error with a specific Chinese message; returns e for "return req_fail(...)". */
PORTAL_API enum perr req_fail(struct req *, enum perr e, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The reply object (created on first use). */
PORTAL_API cJSON *req_out(struct req *);

/* Who does something: a person, the organisation they act for (0 for an
 * applicant), their role and where from. Audit rows, chain moves and the
 * scoping of what a reviewer may see all take one. */
struct actor {
	long long user_id;
	long long org_id;
	const char *ip;
	const char *role;
};

/* The request's actor: the session's person, or nobody (user 0) of this
 * program's role when there is no session yet. Points into r. */
PORTAL_API struct actor req_actor(const struct req *);
/* audit() for the request's actor. */
PORTAL_API enum perr req_audit(const struct req *, const char *action,
    const char *target_type, long long target_id, const cJSON *detail);
/* req_audit() with the reason given (a refusal's, an amendment's) as its detail, or none. */
PORTAL_API enum perr req_audit_reason(const struct req *, const char *action,
    const char *target_type, long long target_id, const char *reason);
/* An organisation's registration as the form cannot check it (orgform.c): the
 * county (400 region_id), the 隶属关系 (a 事业单位's, 市本级's for 局属 and
 * 市本级直属: 400 affiliation) and, unless uscc is NULL, a code another
 * organisation than self has (409 uscc); the refusal's message into r. */
PORTAL_API enum perr org_form_check(struct req *r, long long region, const char *ownership,
    const char *affiliation, const char *uscc, long long self);
/* A registration's fields as org_form_diff() compares them, in this order. */
enum { OF_NAME, OF_USCC, OF_OWNERSHIP, OF_AFFILIATION, OF_REGION, OF_SUPERVISOR, OF_N };
/* What differs between a registration as it was and as it is now (each OF_N
 * strings; the county by its name, the codes as stored): into detail, when
 * anything does, "fields" (单位名称、统一社会信用代码), "before" and "after"
 * (单位名称：…；单位性质：非公企业), as the audit log says them, and each
 * label into the array labels unless it is NULL. Returns how many differ. */
PORTAL_API int org_form_diff(const char *const old[OF_N], const char *const now[OF_N],
    cJSON *detail, cJSON *labels);

/* ---------- routes and the program main (app.c) ---------- */

enum route_flags {
	R_PUBLIC = 1,		/* no session needed */
	R_NO_CSRF = 2,		/* pre-session state changes: login, register */
	R_MULTIPART = 4,	/* body is multipart/form-data, not JSON */
	R_UNAPPROVED = 8,	/* open to a unit whose registration is not approved yet */
	R_ROOT = 16,		/* a page of the site at the pattern itself, not below
				 * /api/<role> (the web server routes it to this program) */
	R_MEMBER = 32,		/* open to a committee member's login (refused every other route) */
	R_ONE_TIME = 64,	/* open to a session whose password is a one-time one (someone
				 * else chose it): who am I, change it, log out; every other
				 * route answers 403 password_change_required */
	R_SESSION = 128,	/* answers from the session alone (who am I): looked up, never
				 * a kept session's check, which would be a round trip of its
				 * own as well: nothing saved */
};

struct route {
	enum method method;
	const char *pattern;		/* "/applications/:id/move"; :id a positive integer (at
					 * most two: r->id, r->id2), :tok 16-64 hex digits; a
					 * final * matches the rest of the path */
	unsigned flags;
	/* the declared JSON body (POST, PUT), query string (GET) or multipart
	 * parts (R_MULTIPART); NULL declares none: anything sent is refused */
	const struct field *fields;
	enum perr (*handler)(struct req *);
};

/* Runs the FastCGI loop on fd 0 until SIGTERM. argv: prog -c conf-file. */
PORTAL_API int portal_main(const char *role, const struct route *routes,
    size_t nroutes, int argc, char **argv);
/* For a program that is not a role of the portal (the payment simulator):
 * it reads its own configuration keys (see conf_program_keys) and never
 * connects to the database. Call before portal_main. */
PORTAL_API void portal_standalone(int (*conf_key)(const char *key, const char *value));
PORTAL_API const char *portal_role(void);
/* How a clerk's texts name their own organisation: 本单位 at a unit, 本部门 at a department. */
PORTAL_API const char *portal_here(void);

/* ---------- sessions (session.c), below the pipeline ---------- */

/* Constant-time string comparison. */
PORTAL_API bool ct_equal(const char *a, const char *b);
/* nbytes (<= 64) random bytes as lower-case hex into out (2 * nbytes + 1). */
PORTAL_API enum perr random_hex(char *out, size_t nbytes);
/* The "sid" token of a Cookie header into tok; false when absent or malformed. */
PORTAL_API bool session_cookie(const char *cookie_header, char tok[33]);
/* A live session of role with this token into *s; PERR_UNAUTHORIZED when none.
 * kept_ok: a session this worker looked up before may come from its memory,
 * checked by the database at the head of the request's first round trip
 * (db_guard()); session_settle() says how that check went. */
PORTAL_API enum perr session_lookup(const char *tok, const char *role, struct session *s,
    bool kept_ok);
/* After the handler: the check of a kept session done (on its own if no
 * statement carried it) and last_seen touched if due. PERR_OK; PERR_UNAUTHORIZED
 * when the session ended or changed since it was kept (nothing of the request
 * ran in the database: serve it again, looked up anew); or the database's error. */
PORTAL_API enum perr session_settle(void);
/* Starts a session (a new token into tok); inside the login's transaction. */
PORTAL_API enum perr session_start(long long user_id, const char *role, const char *ip,
    char tok[33]);
PORTAL_API enum perr session_end(const char *tok);
/* Ends every session of the user but the one with keep_tok. */
PORTAL_API enum perr session_end_others(long long user_id, const char *keep_tok);

/* ---------- authentication (auth.c), above the pipeline ---------- */

/* Writes a yescrypt hash ("$y$...") of pw into out (>= 128 bytes). */
PORTAL_API enum perr auth_hash(const char *pw, char *out, size_t outsz);
PORTAL_API bool auth_verify(const char *pw, const char *hash);
/* Fills the reply with {"user","org","csrf","session"} of the session. */
PORTAL_API void auth_me_json(struct req *);

/* Handlers every program has. */
PORTAL_API enum perr h_health(struct req *);
/* 技术支持联系方式 (support.c): GET in every program without a session, PUT the operator's */
PORTAL_API enum perr h_support(struct req *);
PORTAL_API enum perr h_support_put(struct req *);
PORTAL_API extern const struct field support_fields[];
PORTAL_API enum perr h_login(struct req *);
PORTAL_API enum perr h_logout(struct req *);
PORTAL_API enum perr h_me(struct req *);
PORTAL_API enum perr h_password(struct req *);
/* 忘记密码: a 6-digit code sent by SMS (the outbox) to the mobile on file, then
 * a new password with it; every session ends. Same answers whether or not
 * the account exists. */
PORTAL_API enum perr h_password_forgot(struct req *);
PORTAL_API enum perr h_password_reset(struct req *);
PORTAL_API extern const struct field password_forgot_fields[];
PORTAL_API extern const struct field password_reset_fields[];
/* A code to a new mobile number, then the number changed with it. */
PORTAL_API enum perr h_mobile_code(struct req *);
PORTAL_API enum perr h_mobile(struct req *);
PORTAL_API extern const struct field mobile_code_fields[];
PORTAL_API extern const struct field mobile_fields[];
/* reference.c: the labels every portal shows, kept once (states, actions,
 * chains and their steps, 申报类型/方式, attachment kinds, checklists). */
PORTAL_API enum perr h_reference(struct req *);
PORTAL_API extern const struct field login_fields[];
PORTAL_API extern const struct field password_fields[];

#define COMMON_ROUTES \
	{ M_GET, "/health", R_PUBLIC, NULL, h_health }, \
	{ M_GET, "/support", R_PUBLIC, NULL, h_support }, \
	{ M_POST, "/login", R_PUBLIC | R_NO_CSRF, login_fields, h_login }, \
	{ M_POST, "/logout", R_UNAPPROVED | R_MEMBER | R_ONE_TIME, NULL, h_logout }, \
	{ M_GET, "/me", R_UNAPPROVED | R_MEMBER | R_ONE_TIME | R_SESSION, NULL, h_me }, \
	{ M_GET, "/reference", R_MEMBER, NULL, h_reference }, \
	{ M_POST, "/password", R_UNAPPROVED | R_MEMBER | R_ONE_TIME, password_fields, h_password }, \
	{ M_POST, "/password/forgot", R_PUBLIC | R_NO_CSRF, password_forgot_fields, \
	    h_password_forgot }, \
	{ M_POST, "/password/reset", R_PUBLIC | R_NO_CSRF, password_reset_fields, \
	    h_password_reset }, \
	{ M_POST, "/mobile/code", R_UNAPPROVED | R_MEMBER, mobile_code_fields, h_mobile_code }, \
	{ M_POST, "/mobile", R_UNAPPROVED | R_MEMBER, mobile_fields, h_mobile }, \
	{ M_POST, "/uploads", R_MULTIPART, upload_fields, h_upload }, \
	{ M_GET, "/uploads/:id", R_UNAPPROVED, upload_get_fields, h_upload_get }

/* ---------- attempts per address (limit.c) ---------- */

/* Counts an attempt at `what` (e.g. "register") from the request's address,
 * committed on its own so that refused attempts count too, and answers
 * PERR_TOO_MANY (429, message naming `label`) once `max` were made in the
 * last hour. Call it before any costly work. */
PORTAL_API enum perr limit_attempt(struct req *, const char *what, const char *label, int max);
/* Whether `max` attempts at `what` came from the request's address in the
 * last hour, counting nothing: for what counts only its failures (an unknown
 * verification code), asked before the lookup, limit_attempt() after a miss. */
PORTAL_API enum perr limit_reached(struct req *, const char *what, int max, bool *reached);

/* ---------- accounts (accounts.c): clerks of units and departments ---------- */

/* A new account of organisation org (its role is the organisation's
 * program); password NULL makes a random one, written into pw_out (>= 17).
 * one_time: the password is not the person's own choice (someone else made
 * or typed it): their sessions answer only R_ONE_TIME routes until they
 * change it (sql/018). Inside a transaction. *id gets the new user's id. 409
 * for a taken username. */
PORTAL_API enum perr account_create(struct req *, long long org, const char *username,
    const char *name, const char *mobile, const char *password, bool org_admin,
    bool one_time, char *pw_out, size_t pw_outsz, long long *id);
/* account_create() for a committee member's login (kind committee_member) of
 * committee org, in the committee's portal; created by the database
 * (sql/013_committee.sql), never as an administrator; its password, the
 * office's choice, is one-time. */
PORTAL_API enum perr account_create_member(struct req *, long long org, const char *username,
    const char *name, const char *mobile, const char *password, char *pw_out, size_t pw_outsz,
    long long *id);
/* Disables or enables account id of organisation org (0: any organisation
 * but the platform's); a disabled account's sessions end. */
PORTAL_API enum perr account_disable(struct req *, long long org, long long id, bool disable);
/* A new random password for account id of org (0: any), shown once and
 * good for one login (one-time, as account_create's); its sessions end. */
PORTAL_API enum perr account_reset(struct req *, long long org, long long id, char *pw_out,
    size_t pw_outsz);
/* Lifts the lock five wrong passwords put on account id of org (0: any): the
 * same password works again at once (the operator, having checked who
 * calls; a reset is for a forgotten one). 409 when it is not locked. */
PORTAL_API enum perr account_unlock(struct req *, long long org, long long id);
/* Accounts of an organisation as JSON {items:[…]}, no secrets. */
PORTAL_API enum perr account_list(struct req *, long long org, cJSON *out);
/* The operator's 账号查询: the accounts (the platform's aside) whose 身份证号 or username,
 * name or mobile is q, or whose organisation's name holds q, as account_list()'s with their role, organisation and lock,
 * at most 50 ({items:[…], more}). */
PORTAL_API enum perr account_search(const char *q, cJSON *out);

/* ---------- spreadsheets (xlsx.c) ---------- */

/* Replies with a sheet as an .xlsx download (libxlsxwriter): a title row, a
 * bold header, then rows, a JSON array of arrays of strings or numbers;
 * widths in characters. Numbers under a header ending in （元） show as money
 * (260.00), under one ending in 率 or 比例 as percentages (0.667: 66.7%). */
PORTAL_API enum perr xlsx_reply(struct req *, const char *filename, const char *sheet,
    const char *title, const char *const *head, const int *widths, int ncols,
    const cJSON *rows);
/* One sheet of a workbook of several (xlsx_reply_sheets): its name (at most
 * 31 characters, none of []:*?/\), its title row, header and rows as above. */
struct xlsx_sheet {
	const char *name, *title;
	const char *const *head;
	const int *widths;
	int ncols;
	const cJSON *rows;
};
PORTAL_API enum perr xlsx_reply_sheets(struct req *, const char *filename,
    const struct xlsx_sheet *sheets, int nsheets);

/* ---------- 评审工作计划 (plan.c) ---------- */

/* {items:[plan…]} into out; drafts too when asked (the operator). */
PORTAL_API enum perr plan_list(bool drafts, cJSON *out);
/* {plan:{…, procedures, amendment_list}} into out; PERR_NOT_FOUND when there
 * is none (or it is a draft and drafts is false). */
PORTAL_API enum perr plan_get(long long id, bool drafts, cJSON *out);

/* ---------- audit and notifications (audit.c) ---------- */

/* Writes one audit row: who did action to target. detail may be NULL. */
PORTAL_API enum perr audit(const struct actor *, const char *action,
    const char *target_type, long long target_id, const cJSON *detail);
/* Queues an SMS-style notification for a user (the outbox is the default sender). */
PORTAL_API enum perr notify_user(long long user_id, const char *text);
/* The same, its text formatted (never cut: a reason of 500 字 is 1 500 bytes); NULL
 * arguments are not allowed. PERR_INTERNAL when memory runs out. */
PORTAL_API enum perr notify_userf(long long user_id, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---------- uploads (upload.c) ---------- */

/* Content sniffing: returns "application/pdf", "image/jpeg" or NULL. */
PORTAL_API const char *upload_sniff(const char *data, size_t len);
/* The name a download is offered under: the uploader's name without its
 * directory and extension, plus the extension of the sniffed type (".pdf",
 * ".jpg"), so that "poly.html" holding a JPEG is saved as "poly.jpg".
 * Cut to outsz at a character boundary; "附件" when nothing is left. */
PORTAL_API void upload_filename(const char *stored, const char *ctype, char *out,
    size_t outsz);
PORTAL_API enum perr h_upload(struct req *);
/* PERR_OK while user may store len bytes more today (conf uploads_per_day,
 * upload_mb_per_day), else 429 on "file" in words. Every handler that stores
 * an upload asks it first. */
PORTAL_API enum perr upload_quota(struct req *, long long user, size_t len);
PORTAL_API extern const struct field upload_fields[];
PORTAL_API extern const struct field upload_get_fields[];
/* GET uploads/:id: one's own upload, or one in an application the caller's
 * organisation holds or has handled. */
PORTAL_API enum perr h_upload_get(struct req *);

/* ---------- the review chain (chain.c) ---------- */

enum chain_action { CHAIN_SUBMIT, CHAIN_PASS, CHAIN_RETURN, CHAIN_REJECT, CHAIN__MAX };

struct chain_result {
	char state[16];
	int step;
};

/* Parses "pass"/"return"/"reject"/"submit". Returns CHAIN__MAX when unknown. */
PORTAL_API enum chain_action chain_action_parse(const char *);
PORTAL_API const char *chain_closed_msg(const char *state, const char *step_name,
    const char *what, char *buf, size_t n);
PORTAL_API const char *chain_action_name(enum chain_action);
/* What a reviewer is told of an application that left the step they acted
 * from (a colleague, or another tab, got there first): where it is now. */
PORTAL_API const char *chain_moved_msg(const char *state, const char *step_name, char *buf,
    size_t n);
/* ... and of one still at the step, which has no such action. */
PORTAL_API const char *chain_disallowed_msg(const char *step_name, enum chain_action act,
    char *buf, size_t n);
/*
 * Performs one move on an application in one transaction: locks the row,
 * checks that the application is still at expected_step, that the actor
 * owns that step and may take this action there, that a required opinion or
 * reason is given and that the step's gates hold (gate.c); then advances,
 * and the database writes history, audit and notification rows. On failure msg holds a Chinese
 * explanation. Returns PERR_NOT_FOUND, PERR_FORBIDDEN, PERR_CONFLICT,
 * PERR_INVALID_FIELD, PERR_GATE or a database error.
 */
PORTAL_API enum perr chain_move(const struct actor *, long long app_id,
    int expected_step, enum chain_action, const char *text,
    struct chain_result *out, char *msg, size_t msgsz);

/* What a move may carry besides the decision. */
struct chain_extra {
	/* the reviewer's checklist (an object of item code: true/false) as JSON
	 * text, kept with the move; NULL for none */
	const char *checks;
	/* run inside the move's transaction, once the row is locked and the move
	 * allowed, before anything is written (e.g. check and snapshot the content
	 * being submitted). A hook's error rolls the move back; its message is the
	 * hook's own. */
	enum perr (*hook)(long long app_id, void *arg);
	void *hook_arg;
	/* a 不通过 that publishes the committee's result (lib/ballot.c): not held
	 * for it by the gates 'carried' and 'ballot' (gates_hold()) */
	bool published;
};

/* chain_move() with a checklist and/or a hook. */
PORTAL_API enum perr chain_move_ex(const struct actor *, long long app_id,
    int expected_step, enum chain_action, const char *text, const struct chain_extra *,
    struct chain_result *out, char *msg, size_t msgsz);

/* Who holds each step of an application's pipeline (in its region, of its
 * unit), resolved as chain_move() would: the rule is step_owners_of()'s,
 * kept by the programs (ref_owners(); after ref_sync), the names the
 * programs' too. org 0 and org_name "" for a step nobody holds. */
struct chain_owner {
	int seq;
	const char *step;
	long long org;
	const char *org_name;
};
#define CHAIN_STEPS_MAX 32
PORTAL_API enum perr chain_owners(long long pipeline, long long region, long long unit,
    struct chain_owner *out, int max, int *n);
/* 公示 lasts at least this many working days (the notice, §二.4). */
#define PUBLICITY_DAYS 5

/* The organisation holding an application at a step with a publicity gate
 * (the unit's 公示, the HR bureau's 资格复审公示, the results publicity)
 * registers or corrects its 公示; ends_on (11 bytes) gets its last day. */
PORTAL_API enum perr chain_publicise(const struct actor *, long long app_id,
    const char *starts_on, char *ends_on, char *msg, size_t msgsz);

/* ---------- gates (gate.c) ---------- */

/* One gate of a step, checked: its name (step_gate.gate), whether it holds
 * and, in words, what it waits for; while it does not, what the clerk does
 * next (todo: "去登记公示", "等待申报人缴费") and the portal page where
 * (page: "/publicity", or NULL when it is someone else's to do). */
struct gate_state {
	char name[24];
	bool met;
	bool note;		/* met, but the clerk should read it (a result not carried) */
	char text[256];
	char todo[64];
	const char *page;
	/* the words of a result it reads (a 评定's opinion or reason: sql/086), or "" */
	char reason[4004];
};
#define GATES_MAX 4

/* The gates of the application's current step, in order, each checked
 * (at most max; *n of them). */
PORTAL_API enum perr gates_eval(long long app_id, struct gate_state *, int max, int *n);
/* The same for the gates in list (at step, a unit's when unit), a PostgreSQL
 * array of their names in order (ref_step_gates()). */
PORTAL_API enum perr gates_eval_names(long long app_id, int step, bool unit, const char *list,
    struct gate_state *, int max, int *n);
/* PERR_OK when every gate in list holds at the application's step (a unit's
 * when unit), else PERR_GATE with msg the first unmet gate's text. list is
 * the step's gates in order as chain_open() (sql/017) gives them: "{a,b}". */
PORTAL_API enum perr gates_check(long long app_id, int step, bool unit, const char *list,
    char *msg, size_t msgsz);
/* PERR_OK when a 退回 or 不通过 (what: its words, 退回 / 作不通过处理) may be done at the step of
 * the gates in list, else PERR_GATE with msg why: the committee's ballot on
 * it is open or carried, or it passed its interview. */
PORTAL_API enum perr gates_hold(long long app_id, int step, const char *list, const char *what,
    char *msg, size_t msgsz);
/* Whether a later step publishes the result of the vote at step (the gate 'carried', with no
 * vote between: sql/084), from the programs' copy of the gates. */
PORTAL_API bool gates_vote_deferred(long long pipeline, int step);
/* Whether the PostgreSQL array of gate names list ("{a,b}") holds name. */
PORTAL_API bool gates_has(const char *list, const char *name);
/* A history row (action with its name, text, at step of application app of chain pipeline) as
 * this portal's reader reads it:
 * - a 评定 (a pass where the step 评定s, sql/086), once its 初定 result is published, by its
 *   result (评定通过 / 评定不通过, the latter read as a reject) and the clerk's words;
 * - a result reported on (a pass at a step whose gate is assessment or ballot), in the
 *   applicant's and the unit's portals, without the department's words, which may name a
 *   result not yet published: 已报送，结果以公布的为准。
 * - any other by its name (通过, 退回修改…), but for a pass that decided nothing one may
 *   know yet: 已表决 (a vote whose result a later step publishes), 已评定 (a 评定, published
 *   later) or 已报送 (a result reported on), not 通过, which a voted-down applicant read for
 *   the whole 公示 (a review of sql/084). */
struct history_read {
	const char *action, *name, *text;
	char buf[4004];
};
PORTAL_API void gates_history_read(long long pipeline, long long app, int step,
    const char *action, const char *name, const char *text, struct history_read *);
/* [{kind, met, text, todo, page}] */
PORTAL_API cJSON *gates_json(const struct gate_state *, int n);
/* The verdict a 通过 would meet now, from the same checks: {met, kind,
 * message, todo, page}; when a gate is not met, kind, message (the words
 * chain_move() refuses with), todo and page are the first such gate's; when
 * all are, message joins what they found ("" without gates). */
PORTAL_API cJSON *gates_verdict_json(const struct gate_state *, int n);

/* ---------- performance archive (archive.c) ---------- */

/* The columns archive_item_json() reads, from archive_item i. */
#define ARCHIVE_ITEM_COLS \
	"i.id, i.kind, (SELECT name FROM archive_kind WHERE code = i.kind), i.title," \
	" to_char(i.happened_on, 'YYYY-MM-DD'), i.role, i.org, i.number," \
	" i.level, i.description, i.collective, i.status, i.reason, i.previous_id," \
	" to_char(i.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')," \
	" (SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.filename," \
	"  'type', u.ctype, 'size', u.size) ORDER BY u.id), '[]') FROM upload u" \
	"  WHERE u.id = ANY (i.attachments))::text"
#define ARCHIVE_ITEM_NCOLS 16
PORTAL_API cJSON *archive_item_json(const PGresult *, int row);

/* ---------- ID photo (photo.c), signature (signature.c), QR codes (qr.c) ---------- */

struct photo_info {
	int width, height;	/* as displayed: the EXIF orientation applied */
	int orientation;	/* EXIF orientation 1-8; 1 (or none): stored upright */
	bool border_white;	/* false: warn that the background may not be white */
};
/* Checks an uploaded ID photo: JPEG by content, file size > 30 KB (30*1024 bytes) and
 * < 1 MB (1024*1024 bytes), decoded completely with libjpeg-turbo (a truncated or corrupt
 * JPEG is refused: treat libjpeg warnings such as premature end of data as errors), width > 215 and
 * height > 300 pixels, 0.65 <= width/height <= 0.8 (compare in integers: 100*w >= 65*h and
 * 10*w <= 8*h), the pixel rules and the white background judged on the photo as displayed
 * (EXIF orientation applied; the background from the top band and the upper sides).
 * Returns PERR_OK or PERR_INVALID_FIELD with a Chinese message in msg. */
PORTAL_API enum perr photo_check(const char *data, size_t len, struct photo_info *out,
    char *msg, size_t msgsz);
/* The photo re-encoded upright, for one whose orientation is not 1: *out is malloc'd
 * (caller frees), *outlen its size. PERR_OK or PERR_INVALID_FIELD with msg. */
PORTAL_API enum perr photo_upright(const char *data, size_t len, char **out, size_t *outlen,
    char *msg, size_t msgsz);

/* Checks the 承诺书's signature, a PNG in standard base64: decoded completely with
 * libpng, at most 2000 pixels a side, and some ink on it (at least 50 pixels mostly
 * opaque and dark). PERR_OK, or PERR_INVALID_FIELD with a Chinese message in msg. */
PORTAL_API enum perr signature_check(const char *b64, char *msg, size_t msgsz);

/* Encodes text as a QR code (libqrencode, error correction M) and writes it as a standalone SVG
 * document built with libxml2's xmlTextWriter (escaping by construction), 4-module quiet zone,
 * black modules drawn as one <path> (shape-rendering crispEdges), white background.
 * Returns a malloc'd NUL-terminated string in *svg (caller frees) or an error. */
PORTAL_API enum perr qr_svg(const char *text, char **svg);

#endif
