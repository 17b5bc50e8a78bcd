/*
 * page-audit.c: the audit log, for the operator to read and export, never to
 * change (it is append-only by grant and by trigger, for everyone). Filters:
 * actor, organisation (picked by name: GET audit/orgs), action, target, date range;
 * pages run newest first. A row's detail is shown as labelled text, the
 * labels kept here once for the page and the export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

#define AUDIT_PAGE 50
#define AUDIT_EXPORT 20000
#define ORGS_MAX 20

enum { AU_LIST, AU_ORGS, AU_LABELS, AU__MAX };

/* A detail's number under key as an SQL number of type, or NULL: only digits
 * are cast (a stray value must not fail the page). */
#define DETAIL_ID(key, type) \
	"CASE WHEN l.detail->>'" key "' ~ '^[0-9]{1,9}$' THEN (l.detail->>'" key "')::" type " END"
/* the name of a step of the application the row is about */
#define STEP_NAME(key) \
	" coalesce((SELECT s.name FROM application a JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id" \
	"  AND s.seq = " DETAIL_ID(key, "int") " WHERE l.target_type = 'application'" \
	"  AND a.id = l.target_id), '')"

static struct db_stmt st[AU__MAX] = {
	/* planned at each call: which filters are given decides the plan */
	[AU_LIST] = { NULL,
	    "SELECT l.id, to_char(l.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),"
	    " coalesce(l.actor_user_id, 0), coalesce(u.username, ''), coalesce(u.name, ''),"
	    " coalesce(l.actor_role, ''), coalesce(l.actor_org_id, 0), coalesce(o.name, ''),"
	    " coalesce(l.ip, ''), l.action, coalesce(l.target_type, ''), coalesce(l.target_id, 0),"
	    " coalesce(l.detail::text, ''),"
	    /* the names of what the detail names by id or code */
	    " coalesce((SELECT d.name FROM org d WHERE d.id = " DETAIL_ID("to_org", "bigint") "), ''),"
	    STEP_NAME("from_step") "," STEP_NAME("to_step") ","
	    " coalesce((SELECT name FROM state_label WHERE code = l.detail->>'from_state'), ''),"
	    " coalesce((SELECT name FROM state_label WHERE code = l.detail->>'to_state'), ''),"
	    /* the names of its own codes (sql/025), or the codes */
	    " coalesce((SELECT name FROM audit_label WHERE kind = 'action' AND code = l.action), l.action),"
	    " coalesce((SELECT name FROM audit_label WHERE kind = 'type' AND code = l.target_type),"
	    "  l.target_type, ''),"
	    " coalesce((SELECT name FROM audit_label WHERE kind = 'role' AND code = l.actor_role),"
	    "  l.actor_role, ''),"
	    " coalesce(u.role, ''),"
	    /* whom or what the row is about, by name (the operator walk: 账号 96, 评审工作计划 5);
	     * an applicant's account by name alone (their username is their 身份证号) */
	    " coalesce(CASE l.target_type"
	    "  WHEN 'user' THEN (SELECT t.name || CASE WHEN t.role = 'applicant' THEN ''"
	    "   ELSE '（' || t.username || '）' END FROM app_user t WHERE t.id = l.target_id)"
	    "  WHEN 'org' THEN (SELECT t.name FROM org t WHERE t.id = l.target_id)"
	    /* (a draft deleted: the name its row kept) */
	    "  WHEN 'plan' THEN coalesce((SELECT t.name FROM plan t WHERE t.id = l.target_id),"
	    "   l.detail->>'name')"
	    "  WHEN 'application' THEN (SELECT t.name FROM application a JOIN app_user t"
	    "   ON t.id = a.applicant_id WHERE a.id = l.target_id) END, '')"
	    " FROM audit_log l LEFT JOIN app_user u ON u.id = l.actor_user_id"
	    " LEFT JOIN org o ON o.id = l.actor_org_id"
	    " WHERE ($1::text IS NULL OR u.username = $1)"
	    /* an organisation's: what its people did, and what was done to it or to
	     * their accounts (a clerk's failed logins and lock have no actor; the
	     * operator's reset of a clerk is the platform's) */
	    " AND ($2::bigint IS NULL OR l.actor_org_id = $2 OR (l.target_type = 'org' AND l.target_id = $2)"
	    "  OR (l.target_type = 'user' AND l.target_id IN (SELECT id FROM app_user WHERE org_id = $2)))"
	    " AND ($3::text IS NULL OR l.action = $3)"
	    " AND ($4::text IS NULL OR l.target_type = $4)"
	    " AND ($5::bigint IS NULL OR l.target_id = $5)"
	    " AND ($6::date IS NULL OR l.at >= $6::date::timestamp AT TIME ZONE 'Asia/Shanghai')"
	    " AND ($7::date IS NULL OR l.at < ($7::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')"
	    " AND ($8::bigint IS NULL OR l.id < $8)"
	    " AND ($10::bigint IS NULL OR l.actor_user_id = $10)"
	    " ORDER BY l.id DESC LIMIT $9", 0 },
	/* organisations by a part of their name, for the filter: the platform's,
	 * departments, units and centres, whatever their status */
	[AU_ORGS] = { "admin_audit_orgs",
	    "SELECT o.id, o.name, coalesce(CASE WHEN r.level = 'city' THEN k.city_name ELSE k.name END,"
	    " o.kind), coalesce(r.name, ''), o.status FROM org o"
	    " LEFT JOIN org_kind k ON k.code = o.kind LEFT JOIN region r ON r.id = o.region_id"
	    " WHERE $1::text IS NULL OR strpos(o.name, $1) > 0"
	    " ORDER BY strpos(o.name, coalesce($1, '')), length(o.name), o.id LIMIT $2", 0 },
	[AU_LABELS] = { "admin_audit_labels",
	    "SELECT kind, code, name FROM audit_label WHERE kind IN ('action', 'type')"
	    " ORDER BY kind, ord", 0 },
};

/* The columns of AU_LIST after the row's own: the detail and its names. */
enum {
	AC_ROLE = 5, AC_ACTION = 9, AC_TYPE = 10, AC_DETAIL = 12, AC_TO_ORG, AC_FROM_STEP, AC_TO_STEP,
	AC_FROM_STATE, AC_TO_STATE, AC_ACTION_NAME, AC_TYPE_NAME, AC_ROLE_NAME, AC_USER_ROLE,
	AC_TARGET_NAME
};

static bool
valid_word(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyz_") == strlen(s);
}

enum { AQ_ACTOR, AQ_ORG, AQ_ACTION, AQ_TYPE, AQ_TARGET, AQ_FROM, AQ_TO, AQ_BEFORE, AQ_ACTOR_ID };

const struct field audit_query[] = {
	[AQ_ACTOR] = { "actor", "操作人用户名", F_STR, false, 1, 64, NULL, NULL },
	[AQ_ORG] = { "org", "单位或部门", F_INT, false, 1, 1LL << 50, NULL, NULL },
	[AQ_ACTION] = { "action", "操作", F_STR, false, 1, 40, valid_word, "操作名称不正确" },
	[AQ_TYPE] = { "target_type", "对象类型", F_STR, false, 1, 40, valid_word, "对象类型不正确" },
	[AQ_TARGET] = { "target_id", "对象编号", F_INT, false, 1, 1LL << 50, NULL, NULL },
	[AQ_FROM] = { "from", "开始日期", F_STR, false, 10, 10, valid_calendar_date,
	    "开始日期应为有效的日期，如 2023-05-08" },
	[AQ_TO] = { "to", "结束日期", F_STR, false, 10, 10, valid_calendar_date,
	    "结束日期应为有效的日期，如 2023-05-08" },
	[AQ_BEFORE] = { "before", "翻页位置", F_INT, false, 1, 1LL << 60, NULL, NULL },
	/* an applicant by id: their username (身份证号) is shown masked */
	[AQ_ACTOR_ID] = { "actor_id", "操作人", F_INT, false, 1, 1LL << 50, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
query(struct req *r, int limit, PGresult **res)
{
	const struct fval *f = r->f;

#define OPT_S(k) (f[k].present ? DB_S(f[k].s) : DB_S(NULL))
#define OPT_I(k) (f[k].present ? DB_I(f[k].i) : DB_S(NULL))
	return db_run(&st[AU_LIST], res, 10, OPT_S(AQ_ACTOR), OPT_I(AQ_ORG), OPT_S(AQ_ACTION),
	    OPT_S(AQ_TYPE), OPT_I(AQ_TARGET), OPT_S(AQ_FROM), OPT_S(AQ_TO), OPT_I(AQ_BEFORE),
	    DB_I(limit), OPT_I(AQ_ACTOR_ID));
#undef OPT_S
#undef OPT_I
}

/* The labels of a detail's keys as lib/chain.c, fee.c, ballot.c, results.c,
 * certificate.c, support.c, the operator's pages and chain_write() (sql/017)
 * write them, an action's own first. A key not here is shown under its own
 * name (platform.test.mjs reads every action's rows for one). */
static const struct {
	const char *action, *key, *label;
} labels[] = {
	{ NULL, "from_state", "原状态" },
	{ NULL, "to_state", "新状态" },
	{ NULL, "from_step", "原环节" },
	{ NULL, "to_step", "转至环节" },
	{ NULL, "to_org", "转至单位" },
	{ NULL, "from_unit", "原单位" },
	{ NULL, "starts_on", "公示开始日期" },
	{ NULL, "ends_on", "公示截止日期" },
	{ NULL, "items", "收费项目" },
	{ NULL, "meeting", "评审会议编号" },
	{ "document_issue", "number", "文号" },
	{ "certificate_revoke", "number", "证书编号" },
	{ NULL, "number", "编号" },
	{ NULL, "listed", "列入人数" },
	{ NULL, "reason", "理由" },
	{ NULL, "objection", "异议编号" },
	{ NULL, "raised_on", "收到异议日期" },
	{ NULL, "content", "异议内容" },
	{ NULL, "resolution", "处理意见" },
	{ NULL, "session", "面试场次编号" },
	{ "interview_result", "result", "面试结果" },
	{ NULL, "note", "说明" },
	{ "calendar_year", "days", "录入天数" },
	{ "calendar_year", "added", "新增" },
	{ "calendar_year", "removed", "删除" },
	{ "calendar_year", "changed", "改动" },
	{ "calendar_year", "moved", "截止日期随之改变的公示（项）" },
	{ NULL, "fields", "变更内容" },
	{ NULL, "order", "订单号" },
	{ NULL, "amount", "金额（元）" },
	{ NULL, "voided", "作废的订单号" },
	{ NULL, "fee", "应缴费用（元）" },
	{ NULL, "paid_total", "已缴合计（元）" },
	{ NULL, "surplus", "多缴（元）" },
	{ NULL, "pay_by", "缴费截止日期" },
	{ "fee_set", "told", "已短信告知人数" },
	{ "support_contact", "name", "技术支持单位或联系人" },
	{ "plan_delete", "name", "计划名称" },
	{ "support_contact", "phone", "联系电话" },
	{ "support_contact", "email", "电子邮箱" },
	{ "support_contact", "hours", "服务时间" },
	{ NULL, "phone", "咨询电话" },
	{ NULL, "before", "更正前" },
	{ NULL, "after", "更正后" },
};

static const char *
label_of(const char *action, const char *key)
{
	size_t i;

	for (i = 0; i < NITEMS(labels); i++)
		if (strcmp(labels[i].key, key) == 0 &&
		    (labels[i].action == NULL || strcmp(labels[i].action, action) == 0))
			return labels[i].label;
	return key;
}

/* The name AU_LIST found for what key names (row i), or "". */
static const char *
name_of(const PGresult *res, int i, const char *key)
{
	static const struct {
		const char *key;
		int col;
	} cols[] = { { "to_org", AC_TO_ORG }, { "from_step", AC_FROM_STEP },
	    { "to_step", AC_TO_STEP }, { "from_state", AC_FROM_STATE }, { "to_state", AC_TO_STATE } };
	size_t k;

	for (k = 0; k < NITEMS(cols); k++)
		if (strcmp(cols[k].key, key) == 0)
			return db_str(res, i, cols[k].col);
	return "";
}

/* 收费项目 [{name, amount}] as "推荐费 80 元、评审费 180 元"; false when v is not that. */
static bool
fee_items_text(const cJSON *v, char *buf, size_t n)
{
	const cJSON *it;
	size_t o = 0;

	buf[0] = '\0';
	if (!cJSON_IsArray(v))
		return false;
	cJSON_ArrayForEach(it, v) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *amount = cJSON_GetObjectItemCaseSensitive(it, "amount");

		if (!cJSON_IsString(name) || !cJSON_IsNumber(amount))
			return false;
		if (o < n)
			o += (size_t)snprintf(buf + o, n - o, "%s%s %lld 元", o ? "、" : "",
			    name->valuestring, (long long)amount->valuedouble);
	}
	if (o == 0)
		snprintf(buf, n, "无");
	return true;
}

/* A list of words (变更内容's fields, the days a calendar save changed) as
 * "申报截止日期、评审费", "无" for none; false when v is not that. */
static bool
strings_text(const cJSON *v, char *buf, size_t n)
{
	const cJSON *it;
	size_t o = 0;

	buf[0] = '\0';
	if (!cJSON_IsArray(v))
		return false;
	cJSON_ArrayForEach(it, v)
		if (!cJSON_IsString(it))
			return false;
	cJSON_ArrayForEach(it, v)
		if (o < n)
			o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? "、" : "", it->valuestring);
	if (o == 0)
		snprintf(buf, n, "无");
	return true;
}

/* The text of a detail's value v under key, with the names the row found. */
static void
value_text(const PGresult *res, int i, const char *key, const cJSON *v, char *buf, size_t n)
{
	const char *name = name_of(res, i, key);
	char *printed;

	if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble) {
		long long x = (long long)v->valuedouble;

		if (strcmp(key, "from_step") == 0 || strcmp(key, "to_step") == 0)
			snprintf(buf, n, "第 %lld 步%s%s", x, name[0] ? " " : "", name);
		else if (name[0])
			snprintf(buf, n, "%s（编号 %lld）", name, x);
		else
			snprintf(buf, n, "%lld", x);
	} else if (cJSON_IsString(v))
		snprintf(buf, n, "%s", name[0] ? name : v->valuestring);
	else if (cJSON_IsBool(v))
		snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "是" : "否");
	else if (cJSON_IsNull(v))
		snprintf(buf, n, "—");
	else if ((strcmp(key, "items") != 0 || !fee_items_text(v, buf, n)) &&
	    !strings_text(v, buf, n)) {
		printed = cJSON_PrintUnformatted(v);
		snprintf(buf, n, "%s", printed ? printed : "");
		cJSON_free(printed);
	}
}

static void
add_item(cJSON *out, const PGresult *res, int i, const cJSON *v, const char *label)
{
	cJSON *it = cJSON_CreateObject();
	char text[4096];	/* a reason of 500 字 and more */

	value_text(res, i, v->string, v, text, sizeof(text));
	utf8_cut(text);
	cJSON_AddStringToObject(it, "key", v->string);
	cJSON_AddStringToObject(it, "label", label);
	cJSON_AddStringToObject(it, "text", text);
	cJSON_AddItemToArray(out, it);
}

/* The actor's username, an applicant's (their 身份证号, whatever role the row
 * was written under) masked as everywhere else: the operator reads who did
 * what, not people's ID numbers. */
static const char *
username(const PGresult *res, int i, char *buf, size_t n)
{
	return strcmp(db_str(res, i, AC_USER_ROLE), "applicant") == 0 ?
	    mask_id(db_str(res, i, 3), buf, n) : db_str(res, i, 3);
}

/* Row i's detail d (parsed; NULL for none) as [{key, label, text}]: the keys
 * of labels[] in its order (jsonb keeps none of its own), then any other.
 * Caller frees. */
static cJSON *
detail_items(const PGresult *res, int i, const cJSON *d)
{
	const char *action = db_str(res, i, AC_ACTION);
	cJSON *out = cJSON_CreateArray();
	const cJSON *v, *obj = cJSON_IsObject(d) ? d : NULL;
	size_t k;

	for (k = 0; obj != NULL && k < NITEMS(labels); k++)
		if (label_of(action, labels[k].key) == labels[k].label &&
		    (v = cJSON_GetObjectItemCaseSensitive(obj, labels[k].key)) != NULL)
			add_item(out, res, i, v, labels[k].label);
	cJSON_ArrayForEach(v, obj)
		if (label_of(action, v->string) == v->string)
			add_item(out, res, i, v, v->string);
	return out;
}

enum perr
h_admin_audit(struct req *r)
{
	PGresult *res;
	char masked[64];
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
		cJSON_AddStringToObject(it, "username", username(res, i, masked, sizeof(masked)));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 4));
		cJSON_AddStringToObject(it, "role", db_str(res, i, AC_ROLE));
		cJSON_AddStringToObject(it, "role_name", db_str(res, i, AC_ROLE_NAME));
		cJSON_AddNumberToObject(it, "org_id", (double)db_int(res, i, 6));
		cJSON_AddStringToObject(it, "org", db_str(res, i, 7));
		cJSON_AddStringToObject(it, "ip", db_str(res, i, 8));
		cJSON_AddStringToObject(it, "action", db_str(res, i, AC_ACTION));
		cJSON_AddStringToObject(it, "action_name", db_str(res, i, AC_ACTION_NAME));
		cJSON_AddStringToObject(it, "target_type", db_str(res, i, AC_TYPE));
		cJSON_AddStringToObject(it, "target_type_name", db_str(res, i, AC_TYPE_NAME));
		cJSON_AddNumberToObject(it, "target_id", (double)db_int(res, i, 11));
		cJSON_AddStringToObject(it, "target_name", db_str(res, i, AC_TARGET_NAME));
		d = db_str(res, i, AC_DETAIL)[0] ? cJSON_Parse(db_str(res, i, AC_DETAIL)) : NULL;
		cJSON_AddItemToObject(it, "details", detail_items(res, i, d));
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

/* Row i's detail as one line, "label：text；label：text", whole: a cJSON string. */
static cJSON *
detail_line(const PGresult *res, int i)
{
	cJSON *d = db_str(res, i, AC_DETAIL)[0] ? cJSON_Parse(db_str(res, i, AC_DETAIL)) : NULL;
	cJSON *items = detail_items(res, i, d), *line;
	const cJSON *it;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	cJSON_ArrayForEach(it, items)
		if (m != NULL) {
			const char *label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "label"));
			const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "text"));

			fprintf(m, "%s%s：%s", it != items->child ? "；" : "", label ? label : "",
			    text ? text : "");
		}
	if (m != NULL)
		fclose(m);
	line = cJSON_CreateString(buf != NULL ? buf : "");
	free(buf);
	cJSON_Delete(items);
	cJSON_Delete(d);
	return line;
}

enum perr
h_admin_audit_xlsx(struct req *r)
{
	static const char *const head[] = { "编号", "时间", "操作人", "姓名", "角色", "单位或部门",
	    "IP 地址", "操作", "对象类型", "对象编号", "对象名称", "详情" };
	static const int widths[] = { 10, 20, 20, 12, 10, 36, 16, 22, 14, 10, 30, 50 };
	PGresult *res;
	cJSON *rows;
	char masked[64];
	int i, c;
	enum perr e;

	if ((e = query(r, AUDIT_EXPORT, &res)) != PERR_OK)
		return e;
	rows = cJSON_CreateArray();
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *row = cJSON_CreateArray();

		cJSON_AddItemToArray(row, cJSON_CreateNumber((double)db_int(res, i, 0)));
		for (c = 1; c < AC_DETAIL; c++) {
			/* the codes by their names */
			int col = c == AC_ROLE ? AC_ROLE_NAME : c == AC_ACTION ? AC_ACTION_NAME :
			    c == AC_TYPE ? AC_TYPE_NAME : c;

			if (c == 2 || c == 6)
				continue;	/* internal ids */
			if (c == 11)
				cJSON_AddItemToArray(row, cJSON_CreateNumber((double)db_int(res, i, c)));
			else if (c == 3)
				cJSON_AddItemToArray(row, cJSON_CreateString(username(res, i, masked,
				    sizeof(masked))));
			else
				cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, col)));
		}
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, AC_TARGET_NAME)));
		cJSON_AddItemToArray(row, detail_line(res, i));
		cJSON_AddItemToArray(rows, row);
	}
	PQclear(res);
	e = xlsx_reply(r, "审计日志.xlsx", "审计日志", "职称申报评审平台 审计日志", head, widths,
	    (int)NITEMS(head), rows);
	cJSON_Delete(rows);
	return e;
}

enum { OQ_Q };

const struct field audit_orgs_query[] = {
	[OQ_Q] = { "q", "单位或部门名称", F_STR, false, 1, 50, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* GET audit/orgs?q=: the organisations whose name has q (all without it), at
 * most ORGS_MAX, for the filter's searchable select. */
enum perr
h_admin_audit_orgs(struct req *r)
{
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[AU_ORGS], &res, 2, r->f[OQ_Q].present ? DB_S(r->f[OQ_Q].s) : DB_S(NULL),
	    DB_I(ORGS_MAX))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		json_add_int(it, "id", db_int(res, i, 0));
		json_add_str(it, "name", db_str(res, i, 1));
		json_add_str(it, "kind_name", db_str(res, i, 2));
		json_add_str(it, "region", db_str(res, i, 3));
		json_add_str(it, "status", db_str(res, i, 4));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

/* The names of the actions and object types, for the page's filters:
 * {actions: [{value, label}], types: [...]}, in their order. */
enum perr
h_admin_audit_labels(struct req *r)
{
	PGresult *res;
	cJSON *actions, *types;
	int i;
	enum perr e;

	if ((e = db_run(&st[AU_LABELS], &res, 0)) != PERR_OK)
		return e;
	actions = cJSON_AddArrayToObject(req_out(r), "actions");
	types = cJSON_AddArrayToObject(req_out(r), "types");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "value", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "label", db_str(res, i, 2));
		cJSON_AddItemToArray(strcmp(db_str(res, i, 0), "action") == 0 ? actions : types, it);
	}
	PQclear(res);
	return PERR_OK;
}
