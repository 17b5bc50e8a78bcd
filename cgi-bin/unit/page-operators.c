/*
 * page-operators.c: 经办人: the unit's administrator (its first clerk) adds
 * accounts for its staff, disables and enables them, and gives a forgotten
 * password a new one (shown once). lib/accounts.c does the work.
 */
#include <string.h>

#include "unit.h"

static enum perr
admin_only(struct req *r)
{
	if (!r->s.org_admin)
		return req_fail(r, PERR_FORBIDDEN, NULL, "只有单位管理员可以管理经办人账号");
	return PERR_OK;
}

enum perr
h_unit_operators(struct req *r)
{
	enum perr e;

	if ((e = admin_only(r)) != PERR_OK)
		return e;
	return account_list(r, r->s.org_id, req_out(r));
}

enum { OP_USERNAME, OP_NAME, OP_MOBILE };

const struct field operator_fields[] = {
	[OP_USERNAME] = { "username", "登录用户名", F_STR, true, 3, 32, valid_login_name,
	    "用户名为 3 至 32 位小写字母、数字或下划线，以字母开头" },
	[OP_NAME] = { "name", "姓名", F_STR, true, 2, 30, valid_person_name,
	    "姓名只能包含汉字、字母和间隔号“·”，2 至 30 个字" },
	[OP_MOBILE] = { "mobile", "手机号码", F_STR, true, 11, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_unit_operator_add(struct req *r)
{
	char pw[24];
	long long id;
	enum perr e;

	if ((e = admin_only(r)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = account_create(r, r->s.org_id, r->f[OP_USERNAME].s, r->f[OP_NAME].s,
	    r->f[OP_MOBILE].s, NULL, false, true, pw, sizeof(pw), &id)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	r->status = 201;
	cJSON_AddNumberToObject(req_out(r), "id", (double)id);
	/* shown once: the clerk changes it after the first login */
	cJSON_AddStringToObject(req_out(r), "password", pw);
	explicit_bzero(pw, sizeof(pw));
	return PERR_OK;
}

enum perr
h_unit_operator_disable(struct req *r)
{
	enum perr e;

	if ((e = admin_only(r)) != PERR_OK)
		return e;
	return account_disable(r, r->s.org_id, r->id, true);
}

enum perr
h_unit_operator_enable(struct req *r)
{
	enum perr e;

	if ((e = admin_only(r)) != PERR_OK)
		return e;
	return account_disable(r, r->s.org_id, r->id, false);
}

enum perr
h_unit_operator_reset(struct req *r)
{
	char pw[24];
	enum perr e;

	if ((e = admin_only(r)) != PERR_OK)
		return e;
	if ((e = account_reset(r, r->s.org_id, r->id, pw, sizeof(pw))) != PERR_OK)
		return e;
	cJSON_AddStringToObject(req_out(r), "password", pw);
	explicit_bzero(pw, sizeof(pw));
	return PERR_OK;
}
