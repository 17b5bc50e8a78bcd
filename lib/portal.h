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
	int register_per_ip_hour;	/* registration attempts from one address per hour */
	char payment_secret[129];	/* HMAC key shared with the payment gateway */
};

PORTAL_API extern struct conf conf;
/* Reads "key = value" lines; unknown keys are an error. Returns 0 or -1 (logged). */
PORTAL_API int conf_load(const char *path);

/* ---------- validators (valid.c): true when the value is acceptable ---------- */

PORTAL_API bool valid_utf8(const char *s, size_t len);
/* Number of characters (code points) in valid UTF-8. */
PORTAL_API size_t utf8_chars(const char *s);
/* Number of characters as a reader sees them (extended grapheme clusters,
 * ICU) in valid UTF-8: "é" written e + U+0301, "👨‍👩‍👧", "🇨🇳" and CR LF count once. */
PORTAL_API size_t utf8_graphemes(const char *s);
/* true when valid UTF-8 s shows nothing: empty, white space, invisible marks. */
PORTAL_API bool utf8_blank(const char *s);
/* GB 11643: 18 chars, a birth date from 1900 to today (UTC+8), the check digit (X upper case) */
PORTAL_API bool valid_idcard(const char *s);
PORTAL_API bool valid_uscc(const char *s);	/* GB 32100: 18 chars, check character */
PORTAL_API bool valid_mobile(const char *s);	/* mainland: 1[3-9] + 9 digits */
PORTAL_API bool valid_person_name(const char *s); /* 2-30 chars: CJK, letters, middle dot, space */
/* Password policy: 8-128 characters, at least three of upper/lower/digit/symbol. */
PORTAL_API bool valid_password(const char *s);
/* Plain text: valid UTF-8, no control characters but \n \t, at most maxchars characters. */
PORTAL_API bool valid_text(const char *s, size_t maxchars);
/* A real calendar date "YYYY-MM-DD" between 1900-01-01 and today. */
PORTAL_API bool valid_past_date(const char *s);

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
	char filename[256];	/* empty when not a file */
	char ctype[128];
	const char *data;	/* points into the body */
	size_t len;
};

/* Finds the boundary parameter of a multipart/form-data Content-Type.
 * Writes it into buf. */
PORTAL_API enum perr form_boundary(const char *ctype, char *buf, size_t bufsz);
/* Splits a multipart body into at most maxparts parts. The parts point into
 * body, which must outlive them. */
PORTAL_API enum perr form_multipart(const char *body, size_t len,
    const char *boundary, struct part *parts, size_t maxparts, size_t *n);

/* ---------- declared fields (field.c) ---------- */

/* F_TEXT: a string whose length is counted as a reader sees it (utf8_graphemes),
 * for prose with a limit the user counts on the page; F_STR counts code points. */
enum ftype { F_STR, F_INT, F_BOOL, F_ARRAY, F_TEXT };

struct field {
	const char *name;
	const char *label;		/* Chinese, for messages */
	enum ftype type;
	bool required;
	long long min, max;		/* characters for F_STR, F_TEXT; range for F_INT; items for F_ARRAY */
	bool (*check)(const char *);	/* extra validator for F_STR, F_TEXT, or NULL */
	const char *check_msg;		/* message when check fails */
};

struct fval {
	bool present;			/* given and not null; an empty optional text is present as "" */
	const char *s;			/* F_STR, F_TEXT: points into the parsed JSON */
	long long i;
	bool b;
	const cJSON *a;			/* F_ARRAY: the array, its items still to be checked */
};

#define FIELDS_MAX 32

/* Validates a JSON object against a NULL-terminated field table (name ==
 * NULL ends it). On error writes the field name and a Chinese message. */
PORTAL_API enum perr field_check(const cJSON *obj, const struct field *fields,
    struct fval *vals, const char **bad_field, char *msg, size_t msgsz);
/* Parses a JSON text: valid UTF-8, no NUL escapes, an object at the top. */
PORTAL_API enum perr json_parse_object(const char *body, size_t len, cJSON **out);

/* ---------- database (db.c) ---------- */

struct db_stmt {
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
/* Transactions; nesting is refused. where is kept to log failures. */
PORTAL_API enum perr db_begin_at(const char *where);
#define db_begin() db_begin_at(__func__)
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
};

struct req {
	void *fcgx;			/* FCGX_Request * */
	enum method method;
	const char *path;		/* below /api/<role> */
	char *uri;			/* owned copy when the server gave no DOCUMENT_URI */
	const char *ip;
	bool https;
	char *body;
	size_t body_len;
	const char *ctype;
	cJSON *json;			/* parsed JSON body, when the route has fields */
	struct fval f[FIELDS_MAX];	/* validated fields, indexed as declared */
	struct kv *query;
	size_t nquery;
	long long id;			/* the :id of the route, if any */
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
	char raw_type[64];
	char raw_disposition[400];
	const char *bad_field;
	char msg[256];			/* Chinese message for an error reply */
};

/* Replies with bytes instead of JSON; takes ownership of data (malloc'd).
 * filename (UTF-8) makes it a download; NULL shows it inline. */
PORTAL_API void req_raw(struct req *, char *data, size_t len, const char *type,
    const char *filename);
/* Query-string value, or NULL. */
PORTAL_API const char *req_query(const struct req *, const char *key);
/* A CGI parameter (FastCGI environment), or NULL. */
PORTAL_API const char *req_param(const struct req *, const char *name);
/* Sets an error with a specific Chinese message; returns e for "return req_fail(...)". */
PORTAL_API enum perr req_fail(struct req *, enum perr e, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The reply object (created on first use). */
PORTAL_API cJSON *req_out(struct req *);

/* ---------- routes and the program main (app.c) ---------- */

enum route_flags {
	R_PUBLIC = 1,		/* no session needed */
	R_NO_CSRF = 2,		/* pre-session state changes: login, register */
	R_MULTIPART = 4,	/* body is multipart/form-data, not JSON */
};

struct route {
	enum method method;
	const char *pattern;		/* "/applications/:id/move"; :id a positive integer, :tok hex */
	unsigned flags;
	const struct field *fields;	/* declared JSON body, or NULL for none */
	enum perr (*handler)(struct req *);
};

/* Runs the FastCGI loop on fd 0 until SIGTERM. argv: prog -c conf-file. */
PORTAL_API int portal_main(const char *role, const struct route *routes,
    size_t nroutes, int argc, char **argv);
PORTAL_API const char *portal_role(void);

/* ---------- authentication (auth.c) ---------- */

/* Writes a yescrypt hash ("$y$...") of pw into out (>= 128 bytes). */
PORTAL_API enum perr auth_hash(const char *pw, char *out, size_t outsz);
PORTAL_API bool auth_verify(const char *pw, const char *hash);
/* Looks up the session cookie for this program's role. */
PORTAL_API enum perr auth_session(struct req *);
/* Constant-time string comparison. */
PORTAL_API bool ct_equal(const char *a, const char *b);
/* Fills the reply with {"user","org","csrf"} of the session. */
PORTAL_API void auth_me_json(struct req *);

/* Handlers every program has. */
PORTAL_API enum perr h_health(struct req *);
PORTAL_API enum perr h_login(struct req *);
PORTAL_API enum perr h_logout(struct req *);
PORTAL_API enum perr h_me(struct req *);
PORTAL_API enum perr h_password(struct req *);
PORTAL_API extern const struct field login_fields[];
PORTAL_API extern const struct field password_fields[];

#define COMMON_ROUTES \
	{ M_GET, "/health", R_PUBLIC, NULL, h_health }, \
	{ M_POST, "/login", R_PUBLIC | R_NO_CSRF, login_fields, h_login }, \
	{ M_POST, "/logout", 0, NULL, h_logout }, \
	{ M_GET, "/me", 0, NULL, h_me }, \
	{ M_POST, "/password", 0, password_fields, h_password }, \
	{ M_POST, "/uploads", R_MULTIPART, NULL, h_upload }, \
	{ M_GET, "/uploads/:id", 0, NULL, h_upload_get }

/* ---------- audit and notifications (audit.c) ---------- */

/* Writes one audit row for the request's actor (or user_id when there is
 * no session yet, 0 for none). detail may be NULL. */
PORTAL_API enum perr audit(const struct req *, long long user_id,
    const char *action, const char *target_type, long long target_id,
    const cJSON *detail);
/* Queues an SMS-style notification for a user (the outbox is the default sender). */
PORTAL_API enum perr notify_user(long long user_id, const char *text);

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
/* GET uploads/:id: one's own upload, or one in an application the caller's
 * organisation holds or has handled. */
PORTAL_API enum perr h_upload_get(struct req *);

/* ---------- the review chain (chain.c) ---------- */

enum chain_action { CHAIN_SUBMIT, CHAIN_PASS, CHAIN_RETURN, CHAIN_REJECT, CHAIN__MAX };

struct chain_actor {
	long long user_id;
	long long org_id;	/* 0 for the applicant */
	const char *ip;
	const char *role;
};

struct chain_result {
	char state[16];
	int step;
};

/* Parses "pass"/"return"/"reject"/"submit". Returns CHAIN__MAX when unknown. */
PORTAL_API enum chain_action chain_action_parse(const char *);
PORTAL_API const char *chain_action_name(enum chain_action);
/*
 * Performs one move on an application in one transaction: locks the row,
 * checks that the application is still at expected_step, that the actor
 * owns that step and may take this action there, that a required opinion or
 * reason is given and that the step's gate holds; then advances, and writes
 * history, audit and notification rows. On failure msg holds a Chinese
 * explanation. Returns PERR_NOT_FOUND, PERR_FORBIDDEN, PERR_CONFLICT,
 * PERR_INVALID_FIELD, PERR_GATE or a database error.
 */
PORTAL_API enum perr chain_move(const struct chain_actor *, long long app_id,
    int expected_step, enum chain_action, const char *text,
    struct chain_result *out, char *msg, size_t msgsz);

/* chain_move() that also runs hook(app_id, arg) inside its transaction,
 * after the move was written and before it commits (e.g. a snapshot). */
PORTAL_API enum perr chain_move_ex(const struct chain_actor *, long long app_id,
    int expected_step, enum chain_action, const char *text,
    enum perr (*hook)(long long, void *), void *hook_arg,
    struct chain_result *out, char *msg, size_t msgsz);

/* Who owns each step of an application's pipeline (seq, step name, org id
 * or 0, org name), resolved as chain_move() would. PQclear the result. */
PORTAL_API enum perr chain_owners(long long app_id, PGresult **res);
/* 公示 lasts at least this many working days (the notice, §二.4). */
#define PUBLICITY_DAYS 5

/* The unit registers (or corrects) the 公示 of an application at its
 * publicity step; ends_on (11 bytes) gets the publicity's last day. */
PORTAL_API enum perr chain_publicise(const struct chain_actor *, long long app_id,
    const char *starts_on, char *ends_on, char *msg, size_t msgsz);

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

/* Department handlers (unit, county, city, hrb). */
PORTAL_API enum perr h_worklist(struct req *);
PORTAL_API enum perr h_move(struct req *);
PORTAL_API extern const struct field move_fields[];

#define REVIEW_ROUTES \
	{ M_GET, "/worklist", 0, NULL, h_worklist }, \
	{ M_POST, "/applications/:id/move", 0, move_fields, h_move }

/* ---------- ID photo (photo.c) and QR codes (qr.c) ---------- */

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

/* Encodes text as a QR code (libqrencode, error correction M) and writes it as a standalone SVG
 * document built with libxml2's xmlTextWriter (escaping by construction), 4-module quiet zone,
 * black modules drawn as one <path> (shape-rendering crispEdges), white background.
 * Returns a malloc'd NUL-terminated string in *svg (caller frees) or an error. */
PORTAL_API enum perr qr_svg(const char *text, char **svg);

#endif
