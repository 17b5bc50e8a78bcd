/* page-register.c: applicant self-registration with 身份证号, name, mobile, password. */
#include <stdio.h>
#include <string.h>

#include "applicant.h"

enum { REG_INSERT, REG_IP_LOCK, REG_PURGE, REG_COUNT, REG_ATTEMPT, REG__MAX };

static struct db_stmt st[REG__MAX] = {
	[REG_INSERT] = { "register_insert",
	    "INSERT INTO app_user (role, username, name, idcard, mobile, password_hash)"
	    " VALUES ('applicant', $1, $2, $1, $3, $4) RETURNING id", 0 },
	/* one address's attempts are counted one at a time */
	[REG_IP_LOCK] = { "register_ip_lock",
	    "SELECT pg_advisory_xact_lock(hashtext('register ' || $1))", 0 },
	[REG_PURGE] = { "register_purge",
	    "DELETE FROM register_attempt WHERE at < now() - interval '1 hour'", 0 },
	[REG_COUNT] = { "register_count",
	    "SELECT count(*) FROM register_attempt WHERE ip = $1"
	    " AND at >= now() - interval '1 hour'", 0 },
	[REG_ATTEMPT] = { "register_attempt",
	    "INSERT INTO register_attempt (ip) VALUES ($1)", 0 },
};

const struct field register_fields[] = {
	{ "idcard", "身份证号", F_STR, true, 18, 18, valid_idcard,
	  "身份证号不正确，请检查出生日期和最后一位校验码（X 请大写）" },
	{ "name", "姓名", F_STR, true, 2, 30, valid_person_name,
	  "姓名只能包含汉字、字母和间隔号“·”，2 至 30 个字" },
	{ "mobile", "手机号码", F_STR, true, 11, 11, valid_mobile,
	  "手机号码应为 11 位中国大陆手机号" },
	{ "password", "密码", F_STR, true, 8, 128, valid_password,
	  "密码须为 8 至 128 位，并至少包含大写字母、小写字母、数字、符号中的三种" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/*
 * Counts this attempt against the caller's address (committed on its own,
 * so that refused attempts count too) and answers 429 once the address has
 * tried conf.register_per_ip_hour times in the last hour. Checked before the
 * password is hashed, so a flood costs no hashing either.
 */
static enum perr
register_allowed(struct req *r)
{
	PGresult *res = NULL;
	long long n;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_exec(&st[REG_IP_LOCK], NULL, 1, r->ip)) != PERR_OK ||
	    (e = db_exec(&st[REG_PURGE], NULL, 0)) != PERR_OK ||
	    (e = db_exec(&st[REG_COUNT], &res, 1, r->ip)) != PERR_OK)
		goto fail;
	n = db_int(res, 0, 0);
	PQclear(res);
	res = NULL;
	if (n >= conf.register_per_ip_hour) {
		db_rollback();
		log_warn("msg=\"registration limit reached\" ip=%s attempts=%lld", r->ip, n);
		return req_fail(r, PERR_TOO_MANY, NULL,
		    "本网络地址一小时内注册尝试已达 %d 次，请一小时后再试",
		    conf.register_per_ip_hour);
	}
	if ((e = db_exec(&st[REG_ATTEMPT], NULL, 1, r->ip)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

enum perr
h_register(struct req *r)
{
	const char *idcard = r->f[0].s, *name = r->f[1].s, *mobile = r->f[2].s;
	char hash[256];
	PGresult *res = NULL;
	struct actor who = req_actor(r);
	enum perr e;

	if ((e = register_allowed(r)) != PERR_OK)
		return e;
	if ((e = auth_hash(r->f[3].s, hash, sizeof(hash))) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	e = db_exec(&st[REG_INSERT], &res, 4, idcard, name, mobile, hash);
	if (e == PERR_CONFLICT) {
		db_rollback();
		return req_fail(r, PERR_CONFLICT, "idcard", "该身份证号已注册，请直接登录");
	}
	if (e == PERR_OK) {
		who.user_id = db_int(res, 0, 0);
		e = audit(&who, "register", "user", who.user_id, NULL);
	}
	if (e != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		PQclear(res);
		db_rollback();
		return e;
	}
	PQclear(res);
	r->status = 201;
	return PERR_OK;
}
