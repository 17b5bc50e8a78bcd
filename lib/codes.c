/*
 * codes.c: codes sent by SMS: 忘记密码 (a code to the mobile on file, then a
 * new password; every session ends) and a new mobile number (a code to the new
 * number). 6 digits, valid 10 minutes, 5 tries; kept only as a hash, which the
 * programs cannot read (sms_code_matches() answers whether a code is right),
 * and its text goes to an outbox of its own (code_sms) that only the SMS
 * sender reads, gone once the code expired (sql/063). Asking is limited
 * per address (lib/limit.c) and per account (5 an hour, one a minute), and so
 * are failed resets per address; the answers are the same whether or not an
 * account exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"

#define CODE_MINUTES 10
#define CODE_TRIES 5
#define CODES_PER_HOUR 5
/* to 忘记密码, whose answers are one for every account: a typing error and a
 * code gone both said, the first as the likelier */
#define CODE_NOT_RIGHT "验证码不正确或已过期：请核对后重新输入，或重新获取"

enum { CD_USER, CD_RECENT, CD_NEW, CD_NOTIFY, CD_LAST, CD_TRY, CD_USE, CD_PASSWORD, CD_END,
	CD_MOBILE, CD__MAX };

static struct db_stmt st[CD__MAX] = {
	[CD_USER] = { "code_user",
	    "SELECT id, coalesce(mobile, '') FROM app_user WHERE username = $1 AND role = $2"
	    " AND disabled_at IS NULL", 0 },
	/* codes of this purpose asked in the last hour, and whether one in the last minute */
	[CD_RECENT] = { "code_recent",
	    "SELECT count(*), coalesce(bool_or(created_at > now() - interval '1 minute'), false)"
	    " FROM sms_code WHERE user_id = $1 AND purpose = $2"
	    " AND created_at > now() - interval '1 hour'", 0 },
	[CD_NEW] = { "code_new",
	    "INSERT INTO sms_code (user_id, purpose, mobile, code_hash, ip, expires_at)"
	    " VALUES ($1::bigint, $2, $3, sha256(convert_to($1::bigint::text || ':' || $4, 'UTF8')), $5,"
	    " now() + make_interval(mins => $6::int))", 0 },
	[CD_NOTIFY] = { "code_notify",
	    "INSERT INTO code_sms (user_id, mobile, body, expires_at)"
	    " VALUES ($1, $2, $3, now() + make_interval(mins => $4::int))", 0 },
	/* the last code of this purpose (and mobile), still open */
	[CD_LAST] = { "code_last",
	    "SELECT id, tries, sms_code_matches(id, $1::bigint, $3), mobile"
	    " FROM sms_code WHERE user_id = $1::bigint AND purpose = $2 AND used_at IS NULL"
	    " AND expires_at > now() AND ($4 = '' OR mobile = $4)"
	    " ORDER BY id DESC LIMIT 1 FOR UPDATE", 0 },
	[CD_TRY] = { "code_try",
	    "UPDATE sms_code SET tries = tries + 1 WHERE id = $1", 0 },
	[CD_USE] = { "code_use",
	    "UPDATE sms_code SET used_at = now() WHERE id = $1", 0 },
	/* a password of one's own: a one-time one (sql/018) is gone */
	[CD_PASSWORD] = { "code_password",
	    "UPDATE app_user SET password_hash = $2, password_changed_at = now(), failed_logins = 0,"
	    " locked_until = NULL, known_failed_logins = 0, known_locked_until = NULL,"
	    " must_change_password = false WHERE id = $1", 0 },
	[CD_END] = { "code_sessions_end",
	    "UPDATE session SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL", 0 },
	[CD_MOBILE] = { "code_mobile",
	    "UPDATE app_user SET mobile = $2 WHERE id = $1", 0 },
};

/* Six random digits. */
static enum perr
six_digits(char out[7])
{
	char hex[17];
	unsigned long long v;
	enum perr e;

	if ((e = random_hex(hex, 8)) != PERR_OK)
		return e;
	v = strtoull(hex, NULL, 16) % 1000000ULL;
	snprintf(out, 7, "%06llu", v);
	explicit_bzero(hex, sizeof(hex));
	return PERR_OK;
}

/* Makes and sends a code for user to mobile (inside a transaction); quietly
 * does nothing beyond the per-account limits. */
static enum perr
send_code(struct req *r, long long user, const char *purpose, const char *mobile,
    const char *what)
{
	char code[7], text[300];
	PGresult *res;
	enum perr e;

	if ((e = db_run(&st[CD_RECENT], &res, 2, DB_I(user), DB_S(purpose))) != PERR_OK)
		return e;
	if (db_int(res, 0, 0) >= CODES_PER_HOUR || db_bool(res, 0, 1)) {
		PQclear(res);
		log_warn("msg=\"code not sent: too soon or too many\" user=%lld", user);
		return PERR_OK;
	}
	PQclear(res);
	if ((e = six_digits(code)) != PERR_OK)
		return e;
	snprintf(text, sizeof(text), "【职称申报】您正在%s，验证码 %s，%d 分钟内有效。"
	    "如非本人操作，请忽略本短信。", what, code, CODE_MINUTES);
	e = db_run(&st[CD_NEW], NULL, 6, DB_I(user), DB_S(purpose), DB_S(mobile), DB_S(code),
	    DB_S(r->ip), DB_I(CODE_MINUTES));
	if (e == PERR_OK)
		e = db_run(&st[CD_NOTIFY], NULL, 4, DB_I(user), DB_S(mobile), DB_S(text),
		    DB_I(CODE_MINUTES));
	explicit_bzero(code, sizeof(code));
	explicit_bzero(text, sizeof(text));
	return e;
}

/* Checks code against the user's open code of purpose (for mobile, when
 * not ""); counts a wrong try. PERR_INVALID_FIELD (field "code") when wrong. */
static enum perr
check_code(struct req *r, long long user, const char *purpose, const char *code,
    const char *mobile)
{
	PGresult *res;
	long long id, tries;
	enum perr e;

	if ((e = db_run(&st[CD_LAST], &res, 4, DB_I(user), DB_S(purpose), DB_S(code),
	    DB_S(mobile))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_INVALID_FIELD, "code", CODE_NOT_RIGHT);
	}
	id = db_int(res, 0, 0);
	tries = db_int(res, 0, 1);
	/* to 忘记密码's nobody, a code tried too often is one more that is not
	 * right: "过多" would say that the account exists and was sent one */
	if (tries >= CODE_TRIES) {
		PQclear(res);
		return req_fail(r, PERR_INVALID_FIELD, "code", r->s.user_id == 0 ?
		    CODE_NOT_RIGHT : "验证码错误次数过多，请重新获取");
	}
	if (!db_bool(res, 0, 2)) {
		PQclear(res);
		/* the wrong try counts even though the request fails: it commits
		 * (the caller's rollback then has nothing left to undo) */
		if ((e = db_run(&st[CD_TRY], NULL, 1, DB_I(id))) != PERR_OK || (e = db_commit()) != PERR_OK)
			return e;
		/* signed in (a new mobile number), the code sent is still good: said as a
		 * typing error, with the tries left. Not to 忘记密码's nobody: an account
		 * that does not exist is answered 不正确或已过期, and so is every other one */
		if (r->s.user_id == 0)
			return req_fail(r, PERR_INVALID_FIELD, "code", CODE_NOT_RIGHT);
		return tries + 1 >= CODE_TRIES ?
		    req_fail(r, PERR_INVALID_FIELD, "code", "验证码错误次数过多，请重新获取") :
		    req_fail(r, PERR_INVALID_FIELD, "code", "验证码不正确，请核对短信中的 6 位验证码"
		    "（还可输入 %lld 次）", CODE_TRIES - tries - 1);
	}
	PQclear(res);
	return db_run(&st[CD_USE], NULL, 1, DB_I(id));
}

static bool
valid_code(const char *s)
{
	return strlen(s) == 6 && strspn(s, "0123456789") == 6;
}

/* The account a username names in this program (an applicant's final x is X). */
static enum perr
user_of(const char *username, long long *id, char *mobile, size_t mobilesz)
{
	char name[64 * 4 + 1];	/* the field's 64 字, at most 4 bytes each */
	PGresult *res;
	size_t n = strlen(username);
	enum perr e;

	snprintf(name, sizeof(name), "%s", username);
	if (strcmp(portal_role(), "applicant") == 0 && n == 18 && name[17] == 'x')
		name[17] = 'X';
	*id = 0;
	mobile[0] = '\0';
	if ((e = db_run(&st[CD_USER], &res, 2, DB_S(name), DB_S(portal_role()))) != PERR_OK)
		return e;
	if (PQntuples(res) == 1) {
		*id = db_int(res, 0, 0);
		snprintf(mobile, mobilesz, "%s", db_str(res, 0, 1));
	}
	PQclear(res);
	return PERR_OK;
}

enum { PF_USERNAME };

const struct field password_forgot_fields[] = {
	[PF_USERNAME] = { "username", "用户名", F_STR, true, 1, 64, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_password_forgot(struct req *r)
{
	char mobile[32];
	long long user;
	struct actor who = req_actor(r);
	enum perr e;

	if ((e = limit_attempt(r, "code", "获取验证码", conf.codes_per_ip_hour)) != PERR_OK ||
	    (e = user_of(r->f[PF_USERNAME].s, &user, mobile, sizeof(mobile))) != PERR_OK)
		return e;
	if (user != 0 && valid_mobile(mobile)) {
		if ((e = db_begin()) != PERR_OK)
			return e;
		who.user_id = user;
		if ((e = send_code(r, user, "password", mobile, "重置密码")) != PERR_OK ||
		    (e = audit(&who, "password_code", "user", user, NULL)) != PERR_OK ||
		    (e = db_commit()) != PERR_OK) {
			db_rollback();
			return e;
		}
	}
	/* the same answer for every username */
	cJSON_AddStringToObject(req_out(r), "message",
	    "如该账号存在并登记了手机号码，验证码已发送至该手机，10 分钟内有效");
	return PERR_OK;
}

enum { PR_USERNAME, PR_CODE, PR_PASSWORD };

const struct field password_reset_fields[] = {
	[PR_USERNAME] = { "username", "用户名", F_STR, true, 1, 64, NULL, NULL },
	[PR_CODE] = { "code", "验证码", F_STR, true, 6, 6, valid_code, "验证码为 6 位数字" },
	[PR_PASSWORD] = { "password", "新密码", F_STR, true, 8, 128, valid_password,
	    "新密码须为 8 至 128 位，并至少包含大写字母、小写字母、数字、符号中的三种" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* A reset that failed (no such account, a wrong or spent code) counts against
 * the address: with the same answer for every account, guessing which 身份证号
 * exist here costs as much as asking 注册. Past the limit, 429. */
static enum perr
reset_missed(struct req *r, enum perr e)
{
	enum perr lim;

	db_rollback();
	if (e != PERR_INVALID_FIELD)
		return e;
	lim = limit_attempt(r, "reset", "重置密码", conf.codes_per_ip_hour);
	return lim == PERR_OK ? e : lim;
}

/*
 * The new password is hashed only once the code is right: a wrong code costs
 * an account that exists no more than one that does not (the hash took 20 ms,
 * a difference anyone could time), and a stream of them does not tie up the
 * workers.
 */
enum perr
h_password_reset(struct req *r)
{
	char mobile[32], hash[256];
	long long user;
	struct actor who = req_actor(r);
	bool limited;
	enum perr e;

	if ((e = limit_reached(r, "reset", conf.codes_per_ip_hour, &limited)) != PERR_OK)
		return e;
	if (limited)
		return req_fail(r, PERR_TOO_MANY, NULL, "本网络地址一小时内重置密码尝试已达 %d 次，"
		    "请一小时后再试", conf.codes_per_ip_hour);
	if ((e = user_of(r->f[PR_USERNAME].s, &user, mobile, sizeof(mobile))) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	/* an account that does not exist has no code: looked for all the same */
	if ((e = check_code(r, user, "password", r->f[PR_CODE].s, "")) != PERR_OK)
		return reset_missed(r, e);
	if ((e = auth_hash(r->f[PR_PASSWORD].s, hash, sizeof(hash))) != PERR_OK) {
		db_rollback();
		return e;
	}
	who.user_id = user;
	if ((e = db_run(&st[CD_PASSWORD], NULL, 2, DB_I(user), DB_S(hash))) != PERR_OK ||
	    (e = db_run(&st[CD_END], NULL, 1, DB_I(user))) != PERR_OK ||
	    (e = audit(&who, "password_reset", "user", user, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		explicit_bzero(hash, sizeof(hash));
		db_rollback();
		return e;
	}
	explicit_bzero(hash, sizeof(hash));
	return PERR_OK;
}

enum { MC_MOBILE };

const struct field mobile_code_fields[] = {
	[MC_MOBILE] = { "mobile", "新手机号码", F_STR, true, 11, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_mobile_code(struct req *r)
{
	enum perr e;

	if (strcmp(r->f[MC_MOBILE].s, r->s.mobile) == 0)
		return req_fail(r, PERR_INVALID_FIELD, "mobile", "新手机号码与原号码相同");
	if ((e = limit_attempt(r, "code", "获取验证码", conf.codes_per_ip_hour)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = send_code(r, r->s.user_id, "mobile", r->f[MC_MOBILE].s, "更换手机号码")) != PERR_OK ||
	    (e = req_audit(r, "mobile_code", "user", r->s.user_id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	cJSON_AddStringToObject(req_out(r), "message", "验证码已发送至新手机号码，10 分钟内有效");
	return PERR_OK;
}

enum { MB_MOBILE, MB_CODE };

const struct field mobile_fields[] = {
	[MB_MOBILE] = { "mobile", "新手机号码", F_STR, true, 11, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	[MB_CODE] = { "code", "验证码", F_STR, true, 6, 6, valid_code, "验证码为 6 位数字" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_mobile(struct req *r)
{
	char masked[32];
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = check_code(r, r->s.user_id, "mobile", r->f[MB_CODE].s, r->f[MB_MOBILE].s)) !=
	    PERR_OK ||
	    (e = db_run(&st[CD_MOBILE], NULL, 2, DB_I(r->s.user_id), DB_S(r->f[MB_MOBILE].s))) !=
	    PERR_OK ||
	    (e = req_audit(r, "mobile_change", "user", r->s.user_id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	cJSON_AddStringToObject(req_out(r), "mobile",
	    mask_mobile(r->f[MB_MOBILE].s, masked, sizeof(masked)));
	return PERR_OK;
}
