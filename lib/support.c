/*
 * support.c: 技术支持联系方式. The notice (四、2) sends anyone with a question
 * about the system to its 技术支持联系人; the operator enters who that is
 * (PUT support, the admin program), and every program answers GET support
 * without a session, for the home page, the 操作手册 and the login pages.
 */
#include <stdio.h>

#include "portal.h"

enum { SP_GET, SP_PUT, SP__MAX };

static struct db_stmt st[SP__MAX] = {
	[SP_GET] = { "support_get",
	    "SELECT name, phone, email, hours,"
	    " to_char(updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
	    " FROM support_contact", 0 },
	[SP_PUT] = { "support_put",
	    "INSERT INTO support_contact (name, phone, email, hours, updated_by)"
	    " VALUES ($1, $2, nullif($3, ''), nullif($4, ''), $5)"
	    " ON CONFLICT (only_row) DO UPDATE SET name = excluded.name, phone = excluded.phone,"
	    " email = excluded.email, hours = excluded.hours, updated_at = now(),"
	    " updated_by = excluded.updated_by", 0 },
};

/* GET support: {"contact": {name, phone, email, hours, updated_at}}, or
 * {"contact": null} until the operator has entered it */
enum perr
h_support(struct req *r)
{
	PGresult *res;
	cJSON *c;
	enum perr e;

	if ((e = db_run(&st[SP_GET], &res, 0)) != PERR_OK)
		return e;
	if (PQntuples(res) == 0)
		cJSON_AddNullToObject(req_out(r), "contact");
	else {
		c = cJSON_AddObjectToObject(req_out(r), "contact");
		json_add_str(c, "name", db_str(res, 0, 0));
		json_add_str(c, "phone", db_str(res, 0, 1));
		json_add_str_null(c, "email", db_str(res, 0, 2));
		json_add_str_null(c, "hours", db_str(res, 0, 3));
		json_add_str(c, "updated_at", db_str(res, 0, 4));
	}
	PQclear(res);
	return PERR_OK;
}

enum { SF_NAME, SF_PHONE, SF_EMAIL, SF_HOURS };

const struct field support_fields[] = {
	[SF_NAME] = { "name", "技术支持单位或联系人", F_STR, true, 2, 40, NULL, NULL },
	[SF_PHONE] = { "phone", "联系电话", F_STR, true, 3, 40, valid_phone_text,
	  "联系电话应为电话号码，如 0579-82468888，多个号码用“、”分隔" },
	[SF_EMAIL] = { "email", "电子邮箱", F_STR, false, 0, 80, valid_email,
	  "电子邮箱格式不正确，如 zcps@example.gov.cn" },
	[SF_HOURS] = { "hours", "服务时间", F_STR, false, 0, 60, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* PUT support (the operator): the contact as entered, audited with what it
 * says now; answers as GET support */
enum perr
h_support_put(struct req *r)
{
	/* an optional one left empty is none */
	const char *email = r->f[SF_EMAIL].present ? r->f[SF_EMAIL].s : "";
	const char *hours = r->f[SF_HOURS].present ? r->f[SF_HOURS].s : "";
	cJSON *detail;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	detail = cJSON_CreateObject();
	json_add_str(detail, "name", r->f[SF_NAME].s);
	json_add_str(detail, "phone", r->f[SF_PHONE].s);
	json_add_str_null(detail, "email", *email != '\0' ? email : NULL);
	json_add_str_null(detail, "hours", *hours != '\0' ? hours : NULL);
	if ((e = db_run(&st[SP_PUT], NULL, 5, DB_S(r->f[SF_NAME].s), DB_S(r->f[SF_PHONE].s),
	    DB_S(email), DB_S(hours), DB_I(r->s.user_id))) != PERR_OK ||
	    (e = req_audit(r, "support_contact", "support_contact", 1, detail)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		cJSON_Delete(detail);
		db_rollback();
		return e;
	}
	cJSON_Delete(detail);
	return h_support(r);
}
