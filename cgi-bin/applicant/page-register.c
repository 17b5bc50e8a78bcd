/* page-register.c: applicant self-registration with 身份证号, name, mobile, password. */
#include <stdio.h>
#include <string.h>

#include "applicant.h"

enum { REG_INSERT, REG__MAX };

static struct db_stmt st[REG__MAX] = {
	[REG_INSERT] = { "register_insert",
	    "INSERT INTO app_user (role, username, name, idcard, mobile, password_hash)"
	    " VALUES ('applicant', $1, $2, $1, $3, $4) RETURNING id", 0 },
};

/* A 身份证号 as typed: its last character x is X (the login reads it so too,
 * lib/auth.c), into out (19 bytes). */
static void
idcard_upper(const char *s, char out[19])
{
	snprintf(out, 19, "%s", s);
	if (strlen(out) == 18 && out[17] == 'x')
		out[17] = 'X';
}

static bool
valid_idcard_typed(const char *s)
{
	char id[19];

	if (s == NULL || strlen(s) != 18)
		return false;
	idcard_upper(s, id);
	return valid_idcard(id);
}

const struct field register_fields[] = {
	{ "idcard", "身份证号", F_STR, true, 18, 18, valid_idcard_typed,
	  "身份证号不正确，请检查出生日期和最后一位校验码" },
	{ "name", "姓名", F_STR, true, 2, 30, valid_person_name,
	  "姓名只能包含汉字、字母和间隔号“·”，2 至 30 个字" },
	{ "mobile", "手机号码", F_STR, true, 11, 11, valid_mobile,
	  "手机号码应为 11 位中国大陆手机号" },
	{ "password", "密码", F_STR, true, 8, 128, valid_password,
	  "密码须为 8 至 128 位，并至少包含大写字母、小写字母、数字、符号中的三种" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_register(struct req *r)
{
	const char *name = r->f[1].s, *mobile = r->f[2].s;
	char idcard[19], hash[256];
	PGresult *res = NULL;
	struct actor who = req_actor(r);
	enum perr e;

	idcard_upper(r->f[0].s, idcard);
	/* "已注册" tells whether a 身份证号 is taken: not in bulk, and before any hashing */
	if ((e = limit_attempt(r, "register", "注册", conf.register_per_ip_hour)) != PERR_OK)
		return e;
	if ((e = auth_hash(r->f[3].s, hash, sizeof(hash))) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	e = db_exec(&st[REG_INSERT], &res, 4, idcard, name, mobile, hash);
	if (e == PERR_CONFLICT) {
		db_rollback();
		/* and the way out for one whose number somebody else registered */
		return req_fail(r, PERR_CONFLICT, "idcard", "该身份证号已注册，请直接登录（忘记密码的，"
		    "可在登录页找回）；如非本人注册，请携本人身份证件联系平台管理员核实处理");
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
