/*
 * stats.c: the statistics dashboard of the departments and the operator.
 *
 * Every figure is one of two SQL statements. The first counts the
 * applications in scope (those on the department's desk, which is where
 * chain_move() records every application that reached it; for the operator
 * every submitted one): once by all six columns, then that small result
 * four ways at once (GROUPING SETS): by current step and state, by county,
 * by 申报类型, by 申报方式. The second reads the department's decisions as
 * the database counts them (stay_tally, sql/016: per step, action and pair
 * of arrival and decision days; the decisions written since the last look
 * are counted first, sql/022):
 * 通过 / 退回修改 / 不通过 per step, and the working days from arrival to
 * decision, counted on the holiday calendar (workday_ordinal) when asked, so
 * the median and 90th percentile come from a distribution of a few hundred
 * (days, count) rows rather than from sorting every decision. A decision
 * whose days the calendar does not cover (a year not entered) is counted
 * apart, never guessed.
 *
 * The operator's figures take every organisation's decisions, from the
 * same counts kept without the organisation (stay_tally_all, sql/027).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"
#include "stats.h"

/* ---------------------------------------------------------------- SQL */

/* the plan filter on column c, parameter p (NULL: every plan) */
#define PLAN(c, p) " AND (" p "::int IS NULL OR " c " = " p "::int)"

/*
 * The applications in scope counted four ways; kind 0 is the total, 1 by
 * step and state, 2 by county, 3 by 申报类型, 4 by 申报方式. Columns: kind,
 * pipeline code and name, step and its name, state and its label, region id
 * and name, category, method, count.
 */
#define APPS_SQL(from_where) \
	"SELECT x.kind, coalesce(p.code, ''), coalesce(p.name, ''), coalesce(x.step_seq, 0)," \
	" coalesce(s.name, ''), coalesce(x.state, ''), coalesce(l.name, ''), coalesce(x.region_id, 0)," \
	" coalesce(g.name, ''), coalesce(x.category, ''), coalesce(x.method, ''), x.n" \
	" FROM (SELECT CASE WHEN GROUPING(c.pipeline_id) = 0 THEN 1" \
	"  WHEN GROUPING(c.region_id) = 0 THEN 2 WHEN GROUPING(c.category) = 0 THEN 3" \
	"  WHEN GROUPING(c.method) = 0 THEN 4 ELSE 0 END AS kind," \
	"  c.pipeline_id, c.step_seq, c.state, c.region_id, c.category, c.method, sum(c.n) AS n" \
	"  FROM (SELECT a.pipeline_id, a.step_seq, a.state, a.region_id, a.category, a.method," \
	"   count(*) AS n" from_where " GROUP BY 1, 2, 3, 4, 5, 6) c" \
	"  GROUP BY GROUPING SETS ((c.pipeline_id, c.step_seq, c.state), (c.region_id)," \
	"  (c.category), (c.method), ())) x" \
	" LEFT JOIN pipeline p ON p.id = x.pipeline_id" \
	" LEFT JOIN pipeline_step s ON s.pipeline_id = x.pipeline_id AND s.seq = x.step_seq" \
	" LEFT JOIN state_label l ON l.code = x.state" \
	" LEFT JOIN region g ON g.id = x.region_id" \
	" ORDER BY x.kind, p.id, x.step_seq, x.state, g.code, x.n DESC, x.category, x.method"

/*
 * Decisions and their working days per step. c: the decisions by arrival
 * and decision day; d: their working days (NULL where the calendar has no
 * ordinal); k: the known days' distribution with running counts; q: the
 * median and 90th percentile as percentile_cont() gives them (linear
 * between the two ranks around (n - 1) * f), and the mean; t: the counts
 * per action. Columns: pipeline code and name, step and its name, pass,
 * return, reject, decisions whose days are counted, those the calendar does
 * not cover, median, 90th percentile, mean (the last three NULL when none
 * is counted).
 */
#define STEPS_SQL(table, where) \
	"WITH c AS (SELECT pipeline_id, step, action, arrived_on, decided_on, sum(n) AS n" \
	"  FROM " table " WHERE " where " GROUP BY 1, 2, 3, 4, 5)," \
	" d AS (SELECT c.pipeline_id, c.step, c.action, w2.n - w1.n AS days, sum(c.n) AS n FROM c" \
	"  LEFT JOIN workday_ordinal w1 ON w1.day = c.arrived_on" \
	"  LEFT JOIN workday_ordinal w2 ON w2.day = c.decided_on GROUP BY 1, 2, 3, 4)," \
	" k AS (SELECT pipeline_id, step, days, sum(n) AS n," \
	"  sum(sum(n)) OVER (PARTITION BY pipeline_id, step ORDER BY days) AS cum," \
	"  sum(sum(n)) OVER (PARTITION BY pipeline_id, step) AS total" \
	"  FROM d WHERE days IS NOT NULL GROUP BY 1, 2, 3)," \
	" q AS (SELECT pipeline_id, step, max(total) AS total, sum(days * n) / max(total) AS mean," \
	"  0.5 * (max(total) - 1) AS mp, 0.9 * (max(total) - 1) AS pp," \
	"  min(days) FILTER (WHERE cum > floor(0.5 * (total - 1))) AS m0," \
	"  min(days) FILTER (WHERE cum > ceil(0.5 * (total - 1))) AS m1," \
	"  min(days) FILTER (WHERE cum > floor(0.9 * (total - 1))) AS p0," \
	"  min(days) FILTER (WHERE cum > ceil(0.9 * (total - 1))) AS p1" \
	"  FROM k GROUP BY 1, 2)," \
	" t AS (SELECT pipeline_id, step, sum(n) FILTER (WHERE action = 'pass') AS pass," \
	"  sum(n) FILTER (WHERE action = 'return') AS ret," \
	"  sum(n) FILTER (WHERE action = 'reject') AS rej," \
	"  sum(n) FILTER (WHERE days IS NULL) AS uncounted FROM d GROUP BY 1, 2)" \
	" SELECT p.code, p.name, t.step, s.name, coalesce(t.pass, 0), coalesce(t.ret, 0)," \
	" coalesce(t.rej, 0), coalesce(q.total, 0), coalesce(t.uncounted, 0)," \
	" round(q.m0 + (q.mp - floor(q.mp)) * (q.m1 - q.m0), 1)," \
	" round(q.p0 + (q.pp - floor(q.pp)) * (q.p1 - q.p0), 1), round(q.mean, 1)" \
	" FROM t LEFT JOIN q ON q.pipeline_id = t.pipeline_id AND q.step = t.step" \
	" JOIN pipeline p ON p.id = t.pipeline_id" \
	" JOIN pipeline_step s ON s.pipeline_id = t.pipeline_id AND s.seq = t.step" \
	" ORDER BY p.id, t.step"

enum { ST_PLAN, ST_APPS_ORG, ST_APPS_ALL, ST_FOLD, ST_STEPS_ORG, ST_STEPS_ALL, ST__MAX };

static struct db_stmt st[ST__MAX] = {
	[ST_PLAN] = { "stats_plan", "SELECT name FROM plan WHERE id = $1", 0 },
	/* a department: what reached its desk ($1 org, $2 plan) */
	[ST_APPS_ORG] = { "stats_apps_org", APPS_SQL(
	    " FROM desk d JOIN application a ON a.id = d.application_id WHERE d.org_id = $1"
	    PLAN("a.plan_id", "$2")), 0 },
	/* the operator: every application submitted at least once ($1 plan) */
	[ST_APPS_ALL] = { "stats_apps_all", APPS_SQL(
	    " FROM application a WHERE a.state <> 'draft'" PLAN("a.plan_id", "$1")), 0 },
	/* the decisions noted since the last fold, counted (sql/022) */
	[ST_FOLD] = { "stats_fold", "SELECT stay_fold()", 0 },
	[ST_STEPS_ORG] = { "stats_steps_org",
	    STEPS_SQL("stay_tally", "org_id = $1" PLAN("plan_id", "$2")), 0 },
	/* the same counts without the organisation (sql/027) */
	[ST_STEPS_ALL] = { "stats_steps_all",
	    STEPS_SQL("stay_tally_all", "true" PLAN("plan_id", "$1")), 0 },
};

/* ---------------------------------------------------------------- figures */

enum { SQ_PLAN };

const struct field stats_query[] = {
	[SQ_PLAN] = { "plan", "评审计划", F_INT, false, 1, 2147483647, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* x in percent of total, one decimal; null when there is nothing to divide. */
static cJSON *
rate(long long x, long long total)
{
	if (total <= 0)
		return cJSON_CreateNull();
	return cJSON_CreateNumber((double)((x * 1000 + total / 2) / total) / 10.0);
}

/* A numeric column as a number, SQL NULL as null. */
static cJSON *
num(const PGresult *res, int i, int c)
{
	const char *s = db_str(res, i, c);

	return s == NULL ? cJSON_CreateNull() : cJSON_CreateNumber(strtod(s, NULL));
}

/* The applications in scope: total and the four tables. */
static void
apps_json(const PGresult *res, cJSON *out)
{
	cJSON *by_step = cJSON_AddArrayToObject(out, "by_step");
	cJSON *by_region = cJSON_AddArrayToObject(out, "by_region");
	cJSON *by_category = cJSON_AddArrayToObject(out, "by_category");
	cJSON *by_method = cJSON_AddArrayToObject(out, "by_method");
	long long total = 0;
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		long long kind = db_int(res, i, 0), n = db_int(res, i, 11);
		const char *code;
		cJSON *it;

		if (kind == 0) {
			total = n;
			continue;
		}
		it = cJSON_CreateObject();
		switch (kind) {
		case 1:
			cJSON_AddStringToObject(it, "pipeline", db_str(res, i, 1));
			cJSON_AddStringToObject(it, "pipeline_name", db_str(res, i, 2));
			cJSON_AddNumberToObject(it, "step", (double)db_int(res, i, 3));
			cJSON_AddStringToObject(it, "step_name", db_str(res, i, 4));
			cJSON_AddStringToObject(it, "state", db_str(res, i, 5));
			cJSON_AddStringToObject(it, "state_name", db_str(res, i, 6));
			cJSON_AddItemToArray(by_step, it);
			break;
		case 2:
			cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 7));
			cJSON_AddStringToObject(it, "name", db_str(res, i, 8));
			cJSON_AddItemToArray(by_region, it);
			break;
		case 3:
			code = db_str(res, i, 9);
			cJSON_AddStringToObject(it, "code", code);
			cJSON_AddStringToObject(it, "name", code[0] ? app_category_name(code) : "未填写");
			cJSON_AddItemToArray(by_category, it);
			break;
		default:
			code = db_str(res, i, 10);
			cJSON_AddStringToObject(it, "code", code);
			cJSON_AddStringToObject(it, "name", code[0] ? app_method_name(code) : "未填写");
			cJSON_AddItemToArray(by_method, it);
			break;
		}
		cJSON_AddNumberToObject(it, "count", (double)n);
	}
	cJSON_AddNumberToObject(out, "total", (double)total);
}

/* The decisions per step and in all, their rates, the working days per step. */
static void
steps_json(const PGresult *res, cJSON *out)
{
	static const char *const actions[] = { "pass", "return", "reject" };
	cJSON *steps = cJSON_AddArrayToObject(out, "steps"), *sum;
	long long all[3] = { 0, 0, 0 }, total;
	int i, a;

	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();
		long long n[3], dec;

		cJSON_AddStringToObject(it, "pipeline", db_str(res, i, 0));
		cJSON_AddStringToObject(it, "pipeline_name", db_str(res, i, 1));
		cJSON_AddNumberToObject(it, "step", (double)db_int(res, i, 2));
		cJSON_AddStringToObject(it, "step_name", db_str(res, i, 3));
		for (a = 0, dec = 0; a < 3; a++) {
			n[a] = db_int(res, i, 4 + a);
			dec += n[a];
			all[a] += n[a];
			cJSON_AddNumberToObject(it, actions[a], (double)n[a]);
		}
		cJSON_AddNumberToObject(it, "decisions", (double)dec);
		cJSON_AddItemToObject(it, "pass_rate", rate(n[0], dec));
		cJSON_AddItemToObject(it, "return_rate", rate(n[1], dec));
		cJSON_AddItemToObject(it, "reject_rate", rate(n[2], dec));
		cJSON_AddNumberToObject(it, "days_counted", (double)db_int(res, i, 7));
		cJSON_AddNumberToObject(it, "days_uncounted", (double)db_int(res, i, 8));
		cJSON_AddItemToObject(it, "days_median", num(res, i, 9));
		cJSON_AddItemToObject(it, "days_p90", num(res, i, 10));
		cJSON_AddItemToObject(it, "days_mean", num(res, i, 11));
		cJSON_AddItemToArray(steps, it);
	}
	total = all[0] + all[1] + all[2];
	sum = cJSON_AddObjectToObject(out, "decisions");
	for (a = 0; a < 3; a++)
		cJSON_AddNumberToObject(sum, actions[a], (double)all[a]);
	cJSON_AddNumberToObject(sum, "total", (double)total);
	cJSON_AddItemToObject(sum, "pass_rate", rate(all[0], total));
	cJSON_AddItemToObject(sum, "return_rate", rate(all[1], total));
	cJSON_AddItemToObject(sum, "reject_rate", rate(all[2], total));
}

/*
 * Every figure of the request's scope into out. The operator sees the whole
 * platform; a department what reached its desk. PERR_NOT_FOUND for a plan
 * that does not exist.
 */
static enum perr
collect(struct req *r, cJSON *out)
{
	const struct fval *plan = &r->f[SQ_PLAN];
	const bool everything = strcmp(r->s.role, "admin") == 0;
	const struct dbv p = plan->present ? DB_I(plan->i) : DB_S(NULL);
	PGresult *res = NULL;
	cJSON *scope;
	enum perr e;

	if (!everything && r->s.org_id <= 0)
		return PERR_FORBIDDEN;
	if (plan->present) {
		if ((e = db_run(&st[ST_PLAN], &res, 1, p)) != PERR_OK)
			return e;
		if (PQntuples(res) == 0) {
			PQclear(res);
			return req_fail(r, PERR_NOT_FOUND, "plan", "评审计划不存在");
		}
	}
	scope = cJSON_AddObjectToObject(out, "scope");
	cJSON_AddStringToObject(scope, "org", everything ? "全平台" : r->s.org_name);
	if (plan->present) {
		cJSON *o = cJSON_AddObjectToObject(scope, "plan");

		cJSON_AddNumberToObject(o, "id", (double)plan->i);
		cJSON_AddStringToObject(o, "name", db_str(res, 0, 0));
		PQclear(res);
	} else
		cJSON_AddNullToObject(scope, "plan");
	e = everything ? db_run(&st[ST_APPS_ALL], &res, 1, p) :
	    db_run(&st[ST_APPS_ORG], &res, 2, DB_I(r->s.org_id), p);
	if (e != PERR_OK)
		return e;
	apps_json(res, out);
	PQclear(res);
	if ((e = db_run(&st[ST_FOLD], &res, 0)) != PERR_OK)
		return e;
	PQclear(res);
	e = everything ? db_run(&st[ST_STEPS_ALL], &res, 1, p) :
	    db_run(&st[ST_STEPS_ORG], &res, 2, DB_I(r->s.org_id), p);
	if (e != PERR_OK)
		return e;
	steps_json(res, out);
	PQclear(res);
	return PERR_OK;
}

enum perr
stats_get(struct req *r)
{
	return collect(r, req_out(r));
}

/* ---------------------------------------------------------------- export */

static const char *
str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));

	return s != NULL ? s : "";
}

/* A number of the figures as a cell; a missing one (null) as an empty cell. */
static cJSON *
cell(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? cJSON_CreateNumber(v->valuedouble) : cJSON_CreateString("");
}

/* A rate (66.7) as the sheet's fraction (0.667, shown 66.7% under a header
 * in 率 or 比例: xlsx.c), or an empty cell. */
static cJSON *
pct(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? cJSON_CreateNumber(v->valuedouble / 100) : cJSON_CreateString("");
}

/* Appends a row of cells (NULL ends them); the row is the rows' from then on. */
static void
row_add(cJSON *rows, ...)
{
	cJSON *row = cJSON_CreateArray(), *c;
	va_list ap;

	va_start(ap, rows);
	while ((c = va_arg(ap, cJSON *)) != NULL)
		cJSON_AddItemToArray(row, c);
	va_end(ap);
	cJSON_AddItemToArray(rows, row);
}

#define S(x) cJSON_CreateString(x)

/* The 概况 sheet: scope, total, decisions and rates. */
static void
summary_rows(const cJSON *fig, cJSON *rows)
{
	const cJSON *scope = cJSON_GetObjectItemCaseSensitive(fig, "scope");
	const cJSON *plan = cJSON_GetObjectItemCaseSensitive(scope, "plan");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(fig, "decisions");

	row_add(rows, S("统计范围"), S(str(scope, "org")), S(""), NULL);
	row_add(rows, S("评审计划"), S(cJSON_IsObject(plan) ? str(plan, "name") : "全部"), S(""), NULL);
	row_add(rows, S("申报数"), cell(fig, "total"), S(""), NULL);
	row_add(rows, S("审查决定"), cell(d, "total"), S(""), NULL);
	row_add(rows, S("通过"), cell(d, "pass"), pct(d, "pass_rate"), NULL);
	row_add(rows, S("退回修改"), cell(d, "return"), pct(d, "return_rate"), NULL);
	row_add(rows, S("不通过"), cell(d, "reject"), pct(d, "reject_rate"), NULL);
}

/* The rows of one of the four count tables. */
static void
count_rows(const cJSON *fig, const char *key, cJSON *rows)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(fig, key)) {
		if (strcmp(key, "by_step") == 0)
			row_add(rows, S(str(it, "pipeline_name")), cell(it, "step"),
			    S(str(it, "step_name")), S(str(it, "state_name")), cell(it, "count"), NULL);
		else
			row_add(rows, S(str(it, "name")), cell(it, "count"), NULL);
	}
}

/* The 审查决定 and 办理时长 sheets. */
static void
step_rows(const cJSON *fig, cJSON *decisions, cJSON *days)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(fig, "steps")) {
		row_add(decisions, S(str(it, "pipeline_name")), cell(it, "step"), S(str(it, "step_name")),
		    cell(it, "pass"), cell(it, "return"), cell(it, "reject"), cell(it, "decisions"),
		    pct(it, "pass_rate"), pct(it, "return_rate"), pct(it, "reject_rate"), NULL);
		row_add(days, S(str(it, "pipeline_name")), cell(it, "step"), S(str(it, "step_name")),
		    cell(it, "days_counted"), cell(it, "days_median"), cell(it, "days_p90"),
		    cell(it, "days_mean"), cell(it, "days_uncounted"), NULL);
	}
}

#undef S

enum perr
stats_xlsx(struct req *r)
{
	static const char *const h_sum[] = { "项目", "数量", "比例" };
	static const int w_sum[] = { 14, 40, 10 };
	static const char *const h_step[] = { "评审程序", "环节序号", "当前环节", "状态", "申报数" };
	static const int w_step[] = { 14, 10, 40, 14, 10 };
	static const char *const h_region[] = { "县（市、区）", "申报数" };
	static const char *const h_cat[] = { "申报类型", "申报数" };
	static const char *const h_method[] = { "申报方式", "申报数" };
	static const int w_two[] = { 24, 10 };
	static const char *const h_dec[] = { "评审程序", "环节序号", "环节", "通过", "退回修改",
	    "不通过", "合计", "通过率", "退回率", "不通过率" };
	static const int w_dec[] = { 14, 10, 40, 8, 10, 8, 8, 10, 10, 10 };
	static const char *const h_days[] = { "评审程序", "环节序号", "环节", "已计件数",
	    "中位数（工作日）", "90%分位（工作日）", "平均（工作日）", "日历未覆盖件数" };
	static const int w_days[] = { 14, 10, 40, 10, 16, 18, 14, 16 };
	cJSON *fig = cJSON_CreateObject(), *rows[7];
	char title[7][400];
	struct xlsx_sheet sheets[7];
	const cJSON *scope, *plan;
	const char *who;
	int i;
	enum perr e;

	if ((e = collect(r, fig)) != PERR_OK) {
		cJSON_Delete(fig);
		return e;
	}
	for (i = 0; i < 7; i++)
		rows[i] = cJSON_CreateArray();
	summary_rows(fig, rows[0]);
	count_rows(fig, "by_step", rows[1]);
	count_rows(fig, "by_region", rows[2]);
	count_rows(fig, "by_category", rows[3]);
	count_rows(fig, "by_method", rows[4]);
	step_rows(fig, rows[5], rows[6]);
	scope = cJSON_GetObjectItemCaseSensitive(fig, "scope");
	plan = cJSON_GetObjectItemCaseSensitive(scope, "plan");
	who = str(scope, "org");
	{
		static const char *const what[] = { "统计概况", "申报按当前环节", "申报按县（市、区）",
		    "申报按申报类型", "申报按申报方式", "审查决定", "各环节办理时长（工作日）" };

		for (i = 0; i < 7; i++)
			snprintf(title[i], sizeof(title[i]), "%s %s%s%s", who, what[i],
			    cJSON_IsObject(plan) ? " · " : "", cJSON_IsObject(plan) ? str(plan, "name") : "");
	}
	sheets[0] = (struct xlsx_sheet){ "概况", title[0], h_sum, w_sum, 3, rows[0] };
	sheets[1] = (struct xlsx_sheet){ "按环节", title[1], h_step, w_step, 5, rows[1] };
	sheets[2] = (struct xlsx_sheet){ "按地区", title[2], h_region, w_two, 2, rows[2] };
	sheets[3] = (struct xlsx_sheet){ "按申报类型", title[3], h_cat, w_two, 2, rows[3] };
	sheets[4] = (struct xlsx_sheet){ "按申报方式", title[4], h_method, w_two, 2, rows[4] };
	sheets[5] = (struct xlsx_sheet){ "审查决定", title[5], h_dec, w_dec, 10, rows[5] };
	sheets[6] = (struct xlsx_sheet){ "办理时长", title[6], h_days, w_days, 8, rows[6] };
	e = xlsx_reply_sheets(r, "统计分析.xlsx", sheets, 7);
	for (i = 0; i < 7; i++)
		cJSON_Delete(rows[i]);
	cJSON_Delete(fig);
	return e;
}
