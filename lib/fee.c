/*
 * fee.c: 收费设定 (管理部门网上审核操作办法 §二(一)1). The department that
 * owns a chain's fee step sets, per plan, the fee items of its region; the
 * applicants it takes pay their sum (app_fee() in sql/012). Without items of
 * its own the plan's defaults apply: 中级 260 元 (推荐费 80 + 评审费 180),
 * 初级 100 元. The plan's amounts are the standard (浙价费〔2002〕229号): a
 * department may charge its items or less, never another item or more. A
 * change never touches what was paid; an order still waiting for payment is
 * made again at the new amount when the applicant pays (applicant/page-pay.c).
 * Beside the items, the 规定时间 of the notice (二、7): the last day the fee may
 * be paid (sql/077), named in the message that asks for the fee.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "review.h"

enum { FE_PLANS, FE_PLAN, FE_CLEAR, FE_ADD, FE_PAYMENTS, FE_DUE, FE_TELL, FE_BY, FE_BY_SET,
    FE_BY_CLEAR, FE_BY_TELL, FE_REFUNDS, FE_REFUND, FE_REFUND_OF, FE__MAX };

/* the plans whose fee step an organisation of this kind and level owns ($1
 * org): a county's steps are the city's for the city's own (市本级) units */
#define FEE_PLANS \
	"FROM plan p, org o JOIN region rg ON rg.id = o.region_id" \
	" WHERE o.id = $1 AND p.status = 'published' AND EXISTS (" \
	" SELECT 1 FROM pipeline pl JOIN step_gate g ON g.pipeline_id = pl.id AND g.gate = 'fee'" \
	" JOIN pipeline_step s ON s.pipeline_id = g.pipeline_id AND s.seq = g.seq" \
	" WHERE pl.level = p.level AND s.actor_kind = o.kind" \
	" AND (s.actor_level = rg.level OR s.actor_level = 'county')" \
	" AND (cardinality(p.pipelines) = 0 OR pl.code = ANY (p.pipelines)))"

static struct db_stmt st[FE__MAX] = {
	[FE_PLANS] = { "fee_plans",
	    "SELECT p.id, p.name, p.level, p.year, to_char(p.closes_on, 'YYYY-MM-DD'),"
	    " p.fee_recommend, p.fee_review,"
	    " (SELECT json_agg(json_build_object('name', f.name, 'amount', f.amount) ORDER BY f.seq)"
	    "  FROM fee_item f WHERE f.plan_id = p.id AND f.org_id = o.id)::text,"
	    " (SELECT to_char(max(f.updated_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
	    "  FROM fee_item f WHERE f.plan_id = p.id AND f.org_id = o.id),"
	    " (SELECT to_char(d.pay_by, 'YYYY-MM-DD') FROM fee_deadline d"
	    "  WHERE d.plan_id = p.id AND d.org_id = o.id) "
	    FEE_PLANS " ORDER BY p.year DESC, p.opens_on DESC, p.id DESC", 0 },
	[FE_PLAN] = { "fee_plan",
	    "SELECT p.id, p.fee_recommend, p.fee_review " FEE_PLANS " AND p.id = $2::bigint", 0 },
	[FE_CLEAR] = { "fee_clear",
	    "DELETE FROM fee_item WHERE plan_id = $1 AND org_id = $2", 0 },
	[FE_ADD] = { "fee_add",
	    "INSERT INTO fee_item (plan_id, org_id, seq, name, amount, updated_by)"
	    " VALUES ($1, $2, $3, $4, $5, $6)", 0 },
	/* the orders of the plan's applications paid to this organisation ($1
	 * org, $2 plan: the fee step's holder when each was paid, sql/062), in
	 * the order they were paid */
	[FE_PAYMENTS] = { "fee_payments",
	    "SELECT a.id, u.name, u.idcard, " EMPLOYER_NAME ", y.order_no, y.amount_fen,"
	    " to_char(y.paid_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), y.surplus_fen,"
	    " to_char(y.refunded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"
	    " FROM payment y JOIN application a ON a.id = y.application_id"
	    " JOIN app_user u ON u.id = a.applicant_id JOIN org uo ON uo.id = a.unit_org_id" EMPLOYER_JOIN
	    " WHERE a.plan_id = $2 AND y.status = 'paid' AND y.payee_org_id = $1"
	    " ORDER BY y.paid_at, y.order_no LIMIT 20000", 0 },
	/* what applicants paid this organisation beyond the fee (sql/087): those to
	 * refund first, then those refunded, the latest first */
	[FE_REFUNDS] = { "fee_refunds",
	    "SELECT y.order_no, a.id, u.name, p.name, y.surplus_fen,"
	    " to_char(y.paid_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " to_char(y.refunded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " coalesce(ru.name, '')"
	    " FROM payment y JOIN application a ON a.id = y.application_id"
	    " JOIN app_user u ON u.id = a.applicant_id JOIN plan p ON p.id = a.plan_id"
	    " LEFT JOIN app_user ru ON ru.id = y.refunded_by"
	    " WHERE y.payee_org_id = $1 AND y.status = 'paid' AND y.surplus_fen > 0"
	    " ORDER BY y.refunded_at IS NOT NULL, y.refunded_at DESC, y.paid_at LIMIT 500", 0 },
	/* $1 the order, $2 this organisation, $3 the clerk: once */
	[FE_REFUND] = { "fee_refund",
	    "UPDATE payment y SET refunded_at = now(), refunded_by = $3"
	    " FROM application a WHERE y.order_no = $1 AND y.payee_org_id = $2 AND y.status = 'paid'"
	    " AND y.surplus_fen > 0 AND y.refunded_at IS NULL AND a.id = y.application_id"
	    " RETURNING a.id, a.applicant_id, y.surplus_fen", 0 },
	[FE_REFUND_OF] = { "fee_refund_of",
	    "SELECT refunded_at IS NOT NULL FROM payment WHERE order_no = $1 AND payee_org_id = $2"
	    " AND status = 'paid' AND surplus_fen > 0", 0 },
	/* the plan's applications waiting at this organisation's fee step with
	 * nothing paid (told the amount by SMS when they arrived), and what
	 * they owe now */
	[FE_DUE] = { "fee_due",
	    "SELECT a.id, app_fee(a.id) FROM application a WHERE a.plan_id = $1"
	    " AND a.current_org_id = $2 AND a.state = 'in_review' AND a.paid_at IS NULL"
	    " AND EXISTS (SELECT 1 FROM step_gate g WHERE g.pipeline_id = a.pipeline_id"
	    "  AND g.seq = a.step_seq AND g.gate = 'fee')"
	    " AND NOT EXISTS (SELECT 1 FROM payment y WHERE y.application_id = a.id"
	    "  AND y.status = 'paid')", 0 },
	/* of those ($1 ids, $2 what each owed), the ones whose fee changed are
	 * told the new one ($3 the department) */
	[FE_TELL] = { "fee_tell",
	    "INSERT INTO notification (user_id, mobile, body)"
	    " SELECT a.applicant_id, u.mobile, '【职称申报】' || $3 || '调整了《' || p.name"
	    "  || '》的推荐评审费，您应缴纳 ' || f.total || ' 元（' || f.items"
	    "  || '），请登录平台缴纳。此前短信所列金额不再适用。'"
	    " FROM unnest($1::bigint[], $2::int[]) AS d(id, owed)"
	    " JOIN application a ON a.id = d.id JOIN app_user u ON u.id = a.applicant_id"
	    " JOIN plan p ON p.id = a.plan_id"
	    " CROSS JOIN LATERAL (SELECT coalesce(sum(x.amount), 0) AS total,"
	    "  string_agg(x.name || ' ' || x.amount || ' 元', '、') AS items"
	    "  FROM app_fee_items(a.id) x) f"
	    " WHERE f.total <> d.owed AND f.total > 0 AND a.paid_at IS NULL"
	    " AND NOT EXISTS (SELECT 1 FROM payment y WHERE y.application_id = a.id"
	    "  AND y.status = 'paid')", 0 },
	/* the day set now ($1 plan, $2 org), and whether $3 is before today */
	[FE_BY] = { "fee_by",
	    "SELECT coalesce((SELECT to_char(pay_by, 'YYYY-MM-DD') FROM fee_deadline"
	    "  WHERE plan_id = $1 AND org_id = $2), ''), $3::date < " SQL_TODAY, 0 },
	[FE_BY_SET] = { "fee_by_set",
	    "INSERT INTO fee_deadline (plan_id, org_id, pay_by, updated_by) VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (plan_id, org_id) DO UPDATE SET pay_by = EXCLUDED.pay_by,"
	    " updated_by = EXCLUDED.updated_by, updated_at = now()", 0 },
	[FE_BY_CLEAR] = { "fee_by_clear",
	    "DELETE FROM fee_deadline WHERE plan_id = $1 AND org_id = $2", 0 },
	/* each of the plan's ($1) applications waiting at this organisation's ($2) fee step
	 * with something left to pay (补缴 too) told the day ($3 the department) */
	[FE_BY_TELL] = { "fee_by_tell",
	    "INSERT INTO notification (user_id, mobile, body)"
	    " SELECT a.applicant_id, u.mobile, '【职称申报】' || $3 || '将《' || p.name"
	    "  || '》推荐评审费的缴费截止日期定为 ' || " DATE_ZH("d.pay_by")
	    "  || '，请于该日（含当日）前登录平台缴纳 ' || (app_fee(a.id) - g.got) || ' 元，逾期无法在线缴费。'"
	    " FROM application a JOIN app_user u ON u.id = a.applicant_id JOIN plan p ON p.id = a.plan_id"
	    " JOIN fee_deadline d ON d.plan_id = a.plan_id AND d.org_id = a.current_org_id"
	    " CROSS JOIN LATERAL (SELECT coalesce(sum(y.amount_fen), 0) / 100 AS got FROM payment y"
	    "  WHERE y.application_id = a.id AND y.status = 'paid') g"
	    " WHERE a.plan_id = $1 AND a.current_org_id = $2 AND a.state = 'in_review'"
	    " AND a.paid_at IS NULL AND EXISTS (SELECT 1 FROM step_gate sg"
	    "  WHERE sg.pipeline_id = a.pipeline_id AND sg.seq = a.step_seq AND sg.gate = 'fee')"
	    " AND app_fee(a.id) > g.got", 0 },
};

/* The plan's defaults, as items. */
static cJSON *
defaults(long long recommend, long long review)
{
	cJSON *items = cJSON_CreateArray(), *it;

	if (recommend > 0) {
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "name", "推荐费");
		cJSON_AddNumberToObject(it, "amount", (double)recommend);
		cJSON_AddItemToArray(items, it);
	}
	if (review > 0) {
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "name", "评审费");
		cJSON_AddNumberToObject(it, "amount", (double)review);
		cJSON_AddItemToArray(items, it);
	}
	return items;
}

/* {refunds: [{order, application_id, applicant, plan, amount (元), paid_at,
 * refunded_at, refunded_by}]} */
static enum perr
refunds_json(struct req *r)
{
	PGresult *res;
	cJSON *arr;
	int i;
	enum perr e;

	if ((e = db_run(&st[FE_REFUNDS], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "refunds");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "order", db_str(res, i, 0));
		cJSON_AddNumberToObject(it, "application_id", (double)db_int(res, i, 1));
		cJSON_AddStringToObject(it, "applicant", db_str(res, i, 2));
		cJSON_AddStringToObject(it, "plan", db_str(res, i, 3));
		cJSON_AddNumberToObject(it, "amount", (double)db_int(res, i, 4) / 100.0);
		cJSON_AddStringToObject(it, "paid_at", db_str(res, i, 5));
		json_add_str_null(it, "refunded_at", db_str(res, i, 6));
		cJSON_AddStringToObject(it, "refunded_by", db_str(res, i, 7));
		cJSON_AddItemToArray(arr, it);
	}
	PQclear(res);
	return PERR_OK;
}

static bool
valid_order(const char *s)
{
	return strlen(s) == 24 && strspn(s, "0123456789abcdef") == 24;
}

const struct field fee_refund_fields[] = {
	{ "order", "订单号", F_STR, true, 24, 24, valid_order, "订单号的格式不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

const char *
fen_yuan(long long fen, char *buf, size_t bufsz)
{
	if (fen % 100 == 0)
		snprintf(buf, bufsz, "%lld", fen / 100);
	else
		snprintf(buf, bufsz, "%s%lld.%02lld", fen < 0 ? "-" : "", llabs(fen / 100),
		    llabs(fen % 100));
	return buf;
}

/* POST /fees/refunds {order}: 登记已退还, the surplus of one of this organisation's
 * orders refunded outside the portal; the applicant is told. */
enum perr
h_fee_refund(struct req *r)
{
	const char *order = r->f[0].s;
	PGresult *res = NULL;
	cJSON *detail;
	char yuan[32];
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[FE_REFUND], &res, 3, DB_S(order), DB_I(r->s.org_id),
	    DB_I(r->s.user_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		PQclear(res);
		res = NULL;
		db_rollback();
		if ((e = db_run(&st[FE_REFUND_OF], &res, 2, DB_S(order), DB_I(r->s.org_id))) != PERR_OK)
			return e;
		e = PQntuples(res) == 1 ?
		    req_fail(r, PERR_CONFLICT, NULL, "该订单的多缴费用已登记退还") :
		    req_fail(r, PERR_NOT_FOUND, NULL, "本部门没有该订单的多缴费用");
		PQclear(res);
		return e;
	}
	fen_yuan(db_int(res, 0, 2), yuan, sizeof(yuan));
	detail = cJSON_CreateObject();
	cJSON_AddStringToObject(detail, "order", order);
	cJSON_AddStringToObject(detail, "surplus", yuan);
	e = req_audit(r, "pay_refund", "application", db_int(res, 0, 0), detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = notify_userf(db_int(res, 0, 1), "【职称申报】您多缴的推荐评审费 %s 元"
	    "（订单号 %s）已由%s退还，请注意查收。", yuan, order, r->s.org_name)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return h_fees(r);
fail:
	PQclear(res);
	db_rollback();
	return e;
}

enum perr
h_fees(struct req *r)
{
	PGresult *res;
	cJSON *plans;
	int i;
	enum perr e;

	if ((e = db_run(&st[FE_PLANS], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	plans = cJSON_AddArrayToObject(req_out(r), "plans");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject(), *own = NULL, *items, *x;
		double total = 0;

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "level", db_str(res, i, 2));
		cJSON_AddNumberToObject(it, "year", (double)db_int(res, i, 3));
		cJSON_AddStringToObject(it, "closes_on", db_str(res, i, 4));
		cJSON_AddItemToObject(it, "defaults", defaults(db_int(res, i, 5), db_int(res, i, 6)));
		if (db_str(res, i, 7) != NULL)
			own = cJSON_Parse(db_str(res, i, 7));
		cJSON_AddBoolToObject(it, "own", own != NULL);
		items = own != NULL ? own : defaults(db_int(res, i, 5), db_int(res, i, 6));
		cJSON_ArrayForEach(x, items)
			total += cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(x, "amount"));
		cJSON_AddItemToObject(it, "items", items);
		cJSON_AddNumberToObject(it, "total", total);
		if (db_str(res, i, 8) != NULL)
			cJSON_AddStringToObject(it, "updated_at", db_str(res, i, 8));
		else
			cJSON_AddNullToObject(it, "updated_at");
		json_add_str_null(it, "pay_by", db_str(res, i, 9));
		cJSON_AddItemToArray(plans, it);
	}
	PQclear(res);
	return refunds_json(r);
}

enum { FS_ITEMS, FS_PAY_BY };

static bool
v_day(const char *s)
{
	return s[0] == '\0' || valid_calendar_date(s);
}

const struct field fee_set_fields[] = {
	/* none: the plan's defaults again */
	[FS_ITEMS] = { "items", "收费项目", F_ARRAY, true, 0, 10, NULL, NULL },
	/* absent: as it is; "": none */
	[FS_PAY_BY] = { "pay_by", "缴费截止日期", F_STR, false, 0, 10, v_day,
	    "缴费截止日期应为有效日期（如 2023-09-30）" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static const struct field fee_item_fields[] = {
	{ "name", "收费项目名称", F_STR, true, 1, 20, NULL, NULL },
	{ "amount", "金额（元）", F_INT, true, 1, 100000, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* Whether items keep to the plan's standard (推荐费 up to recommend, 评审费 up
 * to review, nothing else); r's 400 when they do not. */
static enum perr
within_standard(struct req *r, const cJSON *items, long long recommend, long long review)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, items) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
		long long amount = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it,
		    "amount"));
		long long cap = strcmp(name, "推荐费") == 0 ? recommend :
		    strcmp(name, "评审费") == 0 ? review : 0;

		if (cap <= 0)
			return req_fail(r, PERR_INVALID_FIELD, "items",
			    "收费项目只能是本计划收费标准中的%s%s%s（浙价费〔2002〕229号），不能设“%s”",
			    recommend > 0 ? "推荐费" : "", recommend > 0 && review > 0 ? "、" : "",
			    review > 0 ? "评审费" : "", name);
		if (amount > cap)
			return req_fail(r, PERR_INVALID_FIELD, "items",
			    "%s不能超过收费标准 %lld 元（浙价费〔2002〕229号）", name, cap);
	}
	return PERR_OK;
}

/* The ids and the amounts owed of FE_DUE's rows as two PostgreSQL arrays,
 * "{1,2}" and "{260,260}" (malloc'd); -1 when memory runs out. */
static int
due_arrays(const PGresult *res, char **ids, char **owed)
{
	size_t n1, n2;
	FILE *a = open_memstream(ids, &n1), *b = open_memstream(owed, &n2);
	int i;

	if (a == NULL || b == NULL) {
		if (a != NULL)
			fclose(a);
		if (b != NULL)
			fclose(b);
		return -1;
	}
	fputc('{', a);
	fputc('{', b);
	for (i = 0; i < PQntuples(res); i++) {
		fprintf(a, "%s%s", i ? "," : "", db_str(res, i, 0));
		fprintf(b, "%s%s", i ? "," : "", db_str(res, i, 1));
	}
	fputc('}', a);
	fputc('}', b);
	i = fclose(a);
	return fclose(b) == 0 && i == 0 ? 0 : -1;
}

/* Who waits at this organisation's fee step for the plan with nothing paid,
 * told an amount on arrival: FE_DUE's ids and amounts as the arrays FE_TELL
 * takes (malloc'd). Inside the transaction, before the items change. */
static enum perr
owed_now(struct req *r, char **ids, char **owed)
{
	PGresult *res;
	enum perr e;

	if ((e = db_run(&st[FE_DUE], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (due_arrays(res, ids, owed) != 0)
		e = PERR_INTERNAL;
	PQclear(res);
	return e;
}

/* Tells those of owed_now() whose fee the change moved the new one (the
 * clerks' walk: 260 元 by SMS, then another amount on the portal and not a
 * word); *told how many. */
static enum perr
tell_changed(struct req *r, const char *ids, const char *owed, long long *told)
{
	PGresult *res;
	enum perr e;

	if ((e = db_run(&st[FE_TELL], &res, 3, DB_S(ids), DB_S(owed), DB_S(r->s.org_name))) != PERR_OK)
		return e;
	*told = atoll(PQcmdTuples(res));
	PQclear(res);
	return PERR_OK;
}

/* The items as sent: each of fee_item_fields, its name not blank and not
 * another's (the applicant's fee lists each by its name). */
static enum perr
items_check(struct req *r)
{
	struct fval v[FIELDS_MAX];
	const cJSON *it, *o;
	const char *bad;
	char msg[256];

	cJSON_ArrayForEach(it, r->f[FS_ITEMS].a) {
		if (!cJSON_IsObject(it) ||
		    field_check(it, fee_item_fields, v, &bad, msg, sizeof(msg)) != PERR_OK)
			return req_fail(r, PERR_INVALID_FIELD, "items",
			    "%s", cJSON_IsObject(it) ? msg : "收费项目的格式不正确");
		if (utf8_blank(v[0].s))
			return req_fail(r, PERR_INVALID_FIELD, "items", "请填写收费项目名称");
		for (o = r->f[FS_ITEMS].a->child; o != it; o = o->next)
			if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "name")),
			    v[0].s) == 0)
				return req_fail(r, PERR_INVALID_FIELD, "items",
				    "收费项目名称不能重复：%s", v[0].s);
	}
	return PERR_OK;
}

/* The day of FS_PAY_BY, when it is given and not the one set: none (""), or
 * one not before today. *changed whether it changed; r's 400 for a past day. */
static enum perr
pay_by_set(struct req *r, bool *changed)
{
	const char *by = r->f[FS_PAY_BY].present ? r->f[FS_PAY_BY].s : NULL;
	PGresult *res;
	enum perr e;
	bool past;

	*changed = false;
	if (by == NULL)
		return PERR_OK;
	if ((e = db_run(&st[FE_BY], &res, 3, DB_I(r->id), DB_I(r->s.org_id),
	    DB_S(by[0] ? by : NULL))) != PERR_OK)
		return e;
	*changed = strcmp(db_str(res, 0, 0), by) != 0;
	past = db_bool(res, 0, 1);
	PQclear(res);
	if (!*changed)
		return PERR_OK;
	if (by[0] == '\0')
		return db_run(&st[FE_BY_CLEAR], NULL, 2, DB_I(r->id), DB_I(r->s.org_id));
	if (past)
		return req_fail(r, PERR_INVALID_FIELD, "pay_by", "缴费截止日期不能早于今天");
	return db_run(&st[FE_BY_SET], NULL, 4, DB_I(r->id), DB_I(r->s.org_id), DB_S(by),
	    DB_I(r->s.user_id));
}

/* PUT /plans/:id/fees {items: [{name, amount}], pay_by}: the items replace the
 * organisation's for the plan; an empty list restores the plan's defaults; those
 * waiting to pay whose fee changed are told the new one, and the day when it
 * is set or moved. */
enum perr
h_fee_set(struct req *r)
{
	const cJSON *it;
	char *ids = NULL, *owed = NULL;
	cJSON *detail;
	long long told = 0;
	int seq = 0;
	bool by_changed;
	enum perr e;

	if ((e = items_check(r)) != PERR_OK || (e = db_begin()) != PERR_OK)
		return e;
	{
		PGresult *res;

		if ((e = db_run(&st[FE_PLAN], &res, 2, DB_I(r->s.org_id), DB_I(r->id))) != PERR_OK)
			goto fail;
		seq = PQntuples(res);
		if (seq != 1) {
			PQclear(res);
			e = req_fail(r, PERR_NOT_FOUND, NULL, "该评审计划不由本部门收费");
			goto fail;
		}
		e = within_standard(r, r->f[FS_ITEMS].a, db_int(res, 0, 1), db_int(res, 0, 2));
		PQclear(res);
		if (e != PERR_OK)
			goto fail;
	}
	if ((e = owed_now(r, &ids, &owed)) != PERR_OK ||
	    (e = db_run(&st[FE_CLEAR], NULL, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	seq = 0;
	cJSON_ArrayForEach(it, r->f[FS_ITEMS].a) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *amount = cJSON_GetObjectItemCaseSensitive(it, "amount");

		if ((e = db_run(&st[FE_ADD], NULL, 6, DB_I(r->id), DB_I(r->s.org_id), DB_I(++seq),
		    DB_S(cJSON_GetStringValue(name)), DB_I((long long)cJSON_GetNumberValue(amount)),
		    DB_I(r->s.user_id))) != PERR_OK)
			goto fail;
	}
	if ((e = tell_changed(r, ids, owed, &told)) != PERR_OK ||
	    (e = pay_by_set(r, &by_changed)) != PERR_OK)
		goto fail;
	if (by_changed && r->f[FS_PAY_BY].s[0] != '\0') {
		PGresult *res;

		if ((e = db_run(&st[FE_BY_TELL], &res, 3, DB_I(r->id), DB_I(r->s.org_id),
		    DB_S(r->s.org_name))) != PERR_OK)
			goto fail;
		/* the same people as the fee's change told, if it changed: counted once */
		if (atoll(PQcmdTuples(res)) > told)
			told = atoll(PQcmdTuples(res));
		PQclear(res);
	}
	detail = cJSON_CreateObject();
	cJSON_AddItemReferenceToObject(detail, "items", (cJSON *)r->f[FS_ITEMS].a);
	if (by_changed)
		cJSON_AddStringToObject(detail, "pay_by", r->f[FS_PAY_BY].s);
	json_add_int(detail, "told", told);
	e = req_audit(r, "fee_set", "plan", r->id, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	free(ids);
	free(owed);
	if ((e = h_fees(r)) == PERR_OK)
		json_add_int(req_out(r), "told", told);
	return e;
fail:
	free(ids);
	free(owed);
	db_rollback();
	return e;
}

/* GET /applications/:id/fee: the fee of an application its viewer may open,
 * as the detail page has it (the worklist's 已缴费 / 未缴费 shows it). */
enum perr
h_app_fee(struct req *r)
{
	struct application a;
	enum perr e;

	if ((e = app_open(r, r->id, &a)) != PERR_OK)
		return e;
	cJSON_AddItemToObject(req_out(r), "fee", app_fee_json(&a));
	app_free(&a);
	return PERR_OK;
}

/* GET /plans/:id/payments.xlsx: 收费明细, the fees paid for the plan to this
 * department (the applications whose fee step it holds), to reconcile with
 * the payment provider's statement. */
enum perr
h_fee_payments_xlsx(struct req *r)
{
	static const char *const head[] = { "序号", "申报编号", "姓名", "身份证号", "工作单位",
	    "订单号", "金额（元）", "缴费时间", "多缴（元）", "退还" };
	static const int widths[] = { 6, 10, 10, 20, 30, 28, 12, 18, 12, 18 };
	char masked[32], title[600], refund[120] = "", when[40];
	long long fen = 0, surplus = 0, owed = 0;
	PGresult *res;
	cJSON *rows;
	int i;
	enum perr e;

	if ((e = db_run(&st[FE_PLAN], &res, 2, DB_I(r->s.org_id), DB_I(r->id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "该评审计划不由本部门收费");
	}
	PQclear(res);
	if ((e = db_run(&st[FE_PAYMENTS], &res, 2, DB_I(r->s.org_id), DB_I(r->id))) != PERR_OK)
		return e;
	rows = cJSON_CreateArray();
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *row = cJSON_CreateArray();

		fen += db_int(res, i, 5);
		cJSON_AddItemToArray(row, cJSON_CreateNumber(i + 1));
		cJSON_AddItemToArray(row, cJSON_CreateNumber((double)db_int(res, i, 0)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 1)));
		cJSON_AddItemToArray(row, cJSON_CreateString(
		    mask_id(db_str(res, i, 2), masked, sizeof(masked))));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 3)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 4)));
		cJSON_AddItemToArray(row, cJSON_CreateNumber((double)db_int(res, i, 5) / 100.0));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 6)));
		/* taken beyond the fee (an order completed after it was paid): to
		 * refund, or refunded on a day */
		surplus += db_int(res, i, 7);
		if (db_int(res, i, 7) > 0 && db_str(res, i, 8) == NULL)
			owed += db_int(res, i, 7);
		snprintf(when, sizeof(when), db_int(res, i, 7) == 0 ? "" : db_str(res, i, 8) != NULL ?
		    "已退还 %s" : "待退还", db_str(res, i, 8));
		cJSON_AddItemToArray(row, db_int(res, i, 7) > 0 ?
		    cJSON_CreateNumber((double)db_int(res, i, 7) / 100.0) : cJSON_CreateString(""));
		cJSON_AddItemToArray(row, cJSON_CreateString(when));
		cJSON_AddItemToArray(rows, row);
	}
	if (surplus > 0)
		snprintf(refund, sizeof(refund), "，其中多缴 %lld.%02lld 元，待退还 %lld.%02lld 元",
		    surplus / 100, surplus % 100, owed / 100, owed % 100);
	snprintf(title, sizeof(title), "%s 推荐评审费收费明细（共 %d 笔，合计 %lld.%02lld 元%s）",
	    r->s.org_name, PQntuples(res), fen / 100, fen % 100, refund);
	PQclear(res);
	e = xlsx_reply(r, "收费明细.xlsx", "收费明细", title, head, widths, (int)NITEMS(head), rows);
	cJSON_Delete(rows);
	return e;
}
