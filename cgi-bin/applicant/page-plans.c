/* page-plans.c: 评审工作计划, their windows, fees and procedures. */
#include <stdio.h>

#include "applicant.h"

enum { PL_LIST, PL_ONE, PL_STEPS, PL__MAX };

#define PLAN_COLS \
	"p.id, p.year, p.name, p.series, p.level, to_char(p.opens_on, 'YYYY-MM-DD')," \
	" to_char(p.closes_on, 'YYYY-MM-DD'), current_date BETWEEN p.opens_on AND p.closes_on," \
	" p.fee_recommend, p.fee_review, p.title_name, p.requirements"

static struct db_stmt st[PL__MAX] = {
	[PL_LIST] = { "plan_list",
	    "SELECT " PLAN_COLS " FROM plan p WHERE p.name NOT LIKE 'test plan %'"
	    " ORDER BY p.closes_on DESC, p.id", 0 },
	[PL_ONE] = { "plan_one", "SELECT " PLAN_COLS " FROM plan p WHERE p.id = $1", 0 },
	/* the procedures a plan of this level can follow, step by step */
	[PL_STEPS] = { "plan_steps",
	    "SELECT pl.name, pl.scope, string_agg(s.name, ' → ' ORDER BY s.seq)"
	    " FROM pipeline pl JOIN pipeline_step s ON s.pipeline_id = pl.id"
	    " WHERE pl.level = $1 GROUP BY pl.id ORDER BY pl.id", 0 },
};

static cJSON *
plan_json(const PGresult *res, int i, bool detail)
{
	cJSON *p = cJSON_CreateObject(), *fee;
	const char *level = db_str(res, i, 4);

	cJSON_AddNumberToObject(p, "id", (double)db_int(res, i, 0));
	cJSON_AddNumberToObject(p, "year", (double)db_int(res, i, 1));
	cJSON_AddStringToObject(p, "name", db_str(res, i, 2));
	cJSON_AddStringToObject(p, "series", db_str(res, i, 3));
	cJSON_AddStringToObject(p, "level", level);
	cJSON_AddStringToObject(p, "level_name", level[0] == 'm' ? "中级" : "初级");
	cJSON_AddStringToObject(p, "title_name", db_str(res, i, 10));
	cJSON_AddStringToObject(p, "opens_on", db_str(res, i, 5));
	cJSON_AddStringToObject(p, "closes_on", db_str(res, i, 6));
	cJSON_AddBoolToObject(p, "open", db_bool(res, i, 7));
	fee = cJSON_AddObjectToObject(p, "fee");
	cJSON_AddNumberToObject(fee, "recommend", (double)db_int(res, i, 8));
	cJSON_AddNumberToObject(fee, "review", (double)db_int(res, i, 9));
	cJSON_AddNumberToObject(fee, "total", (double)(db_int(res, i, 8) + db_int(res, i, 9)));
	if (detail)
		cJSON_AddStringToObject(p, "requirements", db_str(res, i, 11));
	return p;
}

enum perr
h_plans(struct req *r)
{
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_exec(&st[PL_LIST], &res, 0)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++)
		cJSON_AddItemToArray(items, plan_json(res, i, false));
	PQclear(res);
	return PERR_OK;
}

enum perr
h_plan(struct req *r)
{
	char id[24];
	PGresult *res, *steps;
	cJSON *p, *proc;
	int i;
	enum perr e;

	snprintf(id, sizeof(id), "%lld", r->id);
	if ((e = db_exec(&st[PL_ONE], &res, 1, id)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "评审工作计划不存在");
	}
	p = plan_json(res, 0, true);
	cJSON_AddItemToObject(req_out(r), "plan", p);
	e = db_exec(&st[PL_STEPS], &steps, 1, db_str(res, 0, 4));
	PQclear(res);
	if (e != PERR_OK)
		return e;
	proc = cJSON_AddArrayToObject(p, "procedures");
	for (i = 0; i < PQntuples(steps); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "name", db_str(steps, i, 0));
		cJSON_AddStringToObject(it, "scope", db_str(steps, i, 1));
		cJSON_AddStringToObject(it, "steps", db_str(steps, i, 2));
		cJSON_AddItemToArray(proc, it);
	}
	PQclear(steps);
	return PERR_OK;
}
