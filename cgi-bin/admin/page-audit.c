/*
 * page-audit.c: the audit log, for the operator to read and export, never to
 * change (it is append-only by grant and by trigger, for everyone). Filters:
 * actor, organisation, action, target, date range; pages run newest first.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"

#define AUDIT_PAGE 50
#define AUDIT_EXPORT 20000

enum { AU_LIST, AU__MAX };

static struct db_stmt st[AU__MAX] = {
	/* planned at each call: which filters are given decides the plan */
	[AU_LIST] = { NULL,
	    "SELECT l.id, to_char(l.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),"
	    " coalesce(l.actor_user_id, 0), coalesce(u.username, ''), coalesce(u.name, ''),"
	    " coalesce(l.actor_role, ''), coalesce(l.actor_org_id, 0), coalesce(o.name, ''),"
	    " coalesce(l.ip, ''), l.action, coalesce(l.target_type, ''), coalesce(l.target_id, 0),"
	    " coalesce(l.detail::text, '')"
	    " FROM audit_log l LEFT JOIN app_user u ON u.id = l.actor_user_id"
	    " LEFT JOIN org o ON o.id = l.actor_org_id"
	    " WHERE ($1::text IS NULL OR u.username = $1)"
	    " AND ($2::bigint IS NULL OR l.actor_org_id = $2)"
	    " AND ($3::text IS NULL OR l.action = $3)"
	    " AND ($4::text IS NULL OR l.target_type = $4)"
	    " AND ($5::bigint IS NULL OR l.target_id = $5)"
	    " AND ($6::date IS NULL OR l.at >= $6::date::timestamp AT TIME ZONE 'Asia/Shanghai')"
	    " AND ($7::date IS NULL OR l.at < ($7::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')"
	    " AND ($8::bigint IS NULL OR l.id < $8)"
	    " ORDER BY l.id DESC LIMIT $9", 0 },
};

static bool
valid_date(const char *s)
{
	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' && strspn(s, "0123456789-") == 10;
}

static bool
valid_word(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyz_") == strlen(s);
}

enum { AQ_ACTOR, AQ_ORG, AQ_ACTION, AQ_TYPE, AQ_TARGET, AQ_FROM, AQ_TO, AQ_BEFORE };

const struct field audit_query[] = {
	[AQ_ACTOR] = { "actor", "操作人用户名", F_STR, false, 1, 64, NULL, NULL },
	[AQ_ORG] = { "org", "单位或部门", F_INT, false, 1, 1LL << 50, NULL, NULL },
	[AQ_ACTION] = { "action", "操作", F_STR, false, 1, 40, valid_word, "操作名称不正确" },
	[AQ_TYPE] = { "target_type", "对象类型", F_STR, false, 1, 40, valid_word, "对象类型不正确" },
	[AQ_TARGET] = { "target_id", "对象编号", F_INT, false, 1, 1LL << 50, NULL, NULL },
	[AQ_FROM] = { "from", "开始日期", F_STR, false, 10, 10, valid_date, "日期格式应为 YYYY-MM-DD" },
	[AQ_TO] = { "to", "结束日期", F_STR, false, 10, 10, valid_date, "日期格式应为 YYYY-MM-DD" },
	[AQ_BEFORE] = { "before", "翻页位置", F_INT, false, 1, 1LL << 60, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
query(struct req *r, int limit, PGresult **res)
{
	const struct fval *f = r->f;

#define OPT_S(k) (f[k].present ? DB_S(f[k].s) : DB_S(NULL))
#define OPT_I(k) (f[k].present ? DB_I(f[k].i) : DB_S(NULL))
	return db_run(&st[AU_LIST], res, 9, OPT_S(AQ_ACTOR), OPT_I(AQ_ORG), OPT_S(AQ_ACTION),
	    OPT_S(AQ_TYPE), OPT_I(AQ_TARGET), OPT_S(AQ_FROM), OPT_S(AQ_TO), OPT_I(AQ_BEFORE),
	    DB_I(limit));
#undef OPT_S
#undef OPT_I
}

enum perr
h_admin_audit(struct req *r)
{
	PGresult *res;
	cJSON *items;
	int i, n;
	enum perr e;

	if ((e = query(r, AUDIT_PAGE + 1, &res)) != PERR_OK)
		return e;
	n = PQntuples(res) > AUDIT_PAGE ? AUDIT_PAGE : PQntuples(res);
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < n; i++) {
		cJSON *it = cJSON_CreateObject(), *d;

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "at", db_str(res, i, 1));
		cJSON_AddNumberToObject(it, "user_id", (double)db_int(res, i, 2));
		cJSON_AddStringToObject(it, "username", db_str(res, i, 3));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 4));
		cJSON_AddStringToObject(it, "role", db_str(res, i, 5));
		cJSON_AddNumberToObject(it, "org_id", (double)db_int(res, i, 6));
		cJSON_AddStringToObject(it, "org", db_str(res, i, 7));
		cJSON_AddStringToObject(it, "ip", db_str(res, i, 8));
		cJSON_AddStringToObject(it, "action", db_str(res, i, 9));
		cJSON_AddStringToObject(it, "target_type", db_str(res, i, 10));
		cJSON_AddNumberToObject(it, "target_id", (double)db_int(res, i, 11));
		d = db_str(res, i, 12)[0] ? cJSON_Parse(db_str(res, i, 12)) : NULL;
		cJSON_AddItemToObject(it, "detail", d ? d : cJSON_CreateNull());
		cJSON_AddItemToArray(items, it);
	}
	if (PQntuples(res) > AUDIT_PAGE)
		cJSON_AddNumberToObject(req_out(r), "next", (double)db_int(res, n - 1, 0));
	else
		cJSON_AddNullToObject(req_out(r), "next");
	PQclear(res);
	return PERR_OK;
}

enum perr
h_admin_audit_xlsx(struct req *r)
{
	static const char *const head[] = { "编号", "时间", "操作人", "姓名", "角色", "单位或部门",
	    "IP 地址", "操作", "对象类型", "对象编号", "详情" };
	static const int widths[] = { 10, 20, 20, 12, 10, 36, 16, 22, 14, 10, 50 };
	PGresult *res;
	cJSON *rows;
	int i, c;
	enum perr e;

	if ((e = query(r, AUDIT_EXPORT, &res)) != PERR_OK)
		return e;
	rows = cJSON_CreateArray();
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *row = cJSON_CreateArray();

		cJSON_AddItemToArray(row, cJSON_CreateNumber((double)db_int(res, i, 0)));
		for (c = 1; c <= 12; c++) {
			if (c == 2 || c == 6)
				continue;	/* internal ids */
			if (c == 11)
				cJSON_AddItemToArray(row, cJSON_CreateNumber((double)db_int(res, i, c)));
			else
				cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, c)));
		}
		cJSON_AddItemToArray(rows, row);
	}
	PQclear(res);
	e = xlsx_reply(r, "审计日志.xlsx", "审计日志", "职称申报评审平台 审计日志", head, widths,
	    (int)NITEMS(head), rows);
	cJSON_Delete(rows);
	return e;
}
