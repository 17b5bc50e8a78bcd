/*
 * plan.c: 评审工作计划 as every portal shows them: the window, the fee, the
 * chains the plan runs with their steps, its scope and requirements, and the
 * amendments made after people applied (shown to everyone), and its files
 * (附件: the forms and samples the notice sends applicants to). Applicants see
 * published plans only; the operator sees drafts too.
 */
#include <stdio.h>

#include "portal.h"
#include "application.h"

enum { PL_LIST, PL_ONE, PL_STEPS, PL_AMEND, PL_FILES, PL__MAX };

#define PLAN_COLS \
	"p.id, p.year, p.name, p.series, p.level, to_char(p.opens_on, 'YYYY-MM-DD')," \
	" to_char(p.closes_on, 'YYYY-MM-DD'), current_date BETWEEN p.opens_on AND p.closes_on," \
	" p.fee_recommend, p.fee_review, p.title_name, p.requirements, p.scope, p.status," \
	" array_to_json(p.pipelines)::text," \
	" (SELECT count(*) FROM application a WHERE a.plan_id = p.id)," \
	" (SELECT count(*) FROM plan_amendment m WHERE m.plan_id = p.id)," \
	" to_char(p.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"

static struct db_stmt st[PL__MAX] = {
	/* $1: true for drafts too */
	[PL_LIST] = { "plan_list",
	    "SELECT " PLAN_COLS " FROM plan p WHERE $1::bool OR p.status = 'published'"
	    " ORDER BY p.closes_on DESC, p.id", 0 },
	[PL_ONE] = { "plan_one",
	    "SELECT " PLAN_COLS " FROM plan p WHERE p.id = $1::bigint"
	    " AND ($2::bool OR p.status = 'published')", 0 },
	/* the procedures the plan runs, step by step */
	[PL_STEPS] = { "plan_steps",
	    "SELECT pl.code, pl.name, pl.scope, string_agg(s.name, ' → ' ORDER BY s.seq)"
	    " FROM plan p JOIN pipeline pl ON pl.code = ANY (p.pipelines)"
	    "  OR (cardinality(p.pipelines) = 0 AND pl.level = p.level)"
	    " JOIN pipeline_step s ON s.pipeline_id = pl.id"
	    " WHERE p.id = $1 GROUP BY pl.id ORDER BY pl.id", 0 },
	[PL_AMEND] = { "plan_amendments",
	    "SELECT m.id, m.field, m.old_value, m.new_value, m.reason,"
	    " to_char(m.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
	    " FROM plan_amendment m WHERE m.plan_id = $1 ORDER BY m.id", 0 },
	[PL_FILES] = { "plan_files",
	    "SELECT f.upload_id, f.title, coalesce(f.kind, ''), u.filename, u.ctype, u.size"
	    " FROM plan_file f JOIN upload u ON u.id = f.upload_id WHERE f.plan_id = $1"
	    " ORDER BY f.seq", 0 },
};

static cJSON *
plan_json(const PGresult *res, int i, bool detail)
{
	cJSON *p = cJSON_CreateObject(), *fee, *pipes;
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
	cJSON_AddStringToObject(p, "status", db_str(res, i, 13));
	fee = cJSON_AddObjectToObject(p, "fee");
	cJSON_AddNumberToObject(fee, "recommend", (double)db_int(res, i, 8));
	cJSON_AddNumberToObject(fee, "review", (double)db_int(res, i, 9));
	cJSON_AddNumberToObject(fee, "total", (double)(db_int(res, i, 8) + db_int(res, i, 9)));
	pipes = cJSON_Parse(db_str(res, i, 14));
	cJSON_AddItemToObject(p, "pipelines", pipes ? pipes : cJSON_CreateArray());
	cJSON_AddNumberToObject(p, "applications", (double)db_int(res, i, 15));
	cJSON_AddNumberToObject(p, "amendments", (double)db_int(res, i, 16));
	/* what the operator's form read: its save is refused if the plan changed since */
	cJSON_AddStringToObject(p, "updated_at", db_str(res, i, 17));
	if (detail) {
		cJSON_AddStringToObject(p, "requirements", db_str(res, i, 11));
		cJSON_AddStringToObject(p, "scope", db_str(res, i, 12));
	}
	return p;
}

enum perr
plan_list(bool drafts, cJSON *out)
{
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[PL_LIST], &res, 1, DB_S(drafts ? "true" : "false"))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(out, "items");
	for (i = 0; i < PQntuples(res); i++)
		cJSON_AddItemToArray(items, plan_json(res, i, false));
	PQclear(res);
	return PERR_OK;
}

enum perr
plan_get(long long id, bool drafts, cJSON *out)
{
	PGresult *res, *more;
	cJSON *p, *list;
	int i;
	enum perr e;

	if ((e = db_run(&st[PL_ONE], &res, 2, DB_I(id), DB_S(drafts ? "true" : "false"))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return PERR_NOT_FOUND;
	}
	p = plan_json(res, 0, true);
	PQclear(res);
	cJSON_AddItemToObject(out, "plan", p);
	if ((e = db_run(&st[PL_STEPS], &more, 1, DB_I(id))) != PERR_OK)
		return e;
	list = cJSON_AddArrayToObject(p, "procedures");
	for (i = 0; i < PQntuples(more); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "code", db_str(more, i, 0));
		cJSON_AddStringToObject(it, "name", db_str(more, i, 1));
		cJSON_AddStringToObject(it, "scope", db_str(more, i, 2));
		cJSON_AddStringToObject(it, "steps", db_str(more, i, 3));
		cJSON_AddItemToArray(list, it);
	}
	PQclear(more);
	if ((e = db_run(&st[PL_AMEND], &more, 1, DB_I(id))) != PERR_OK)
		return e;
	list = cJSON_AddArrayToObject(p, "amendment_list");
	for (i = 0; i < PQntuples(more); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(more, i, 0));
		cJSON_AddStringToObject(it, "field", db_str(more, i, 1));
		cJSON_AddStringToObject(it, "old", db_str(more, i, 2));
		cJSON_AddStringToObject(it, "new", db_str(more, i, 3));
		cJSON_AddStringToObject(it, "reason", db_str(more, i, 4));
		cJSON_AddStringToObject(it, "at", db_str(more, i, 5));
		cJSON_AddItemToArray(list, it);
	}
	PQclear(more);
	if ((e = db_run(&st[PL_FILES], &more, 1, DB_I(id))) != PERR_OK)
		return e;
	list = cJSON_AddArrayToObject(p, "files");
	for (i = 0; i < PQntuples(more); i++) {
		cJSON *it = cJSON_CreateObject();
		const struct file_kind *k = file_kind(db_str(more, i, 2));
		char name[1024];	/* a file name of 200 characters */

		upload_filename(db_str(more, i, 3), db_str(more, i, 4), name, sizeof(name));
		cJSON_AddNumberToObject(it, "id", (double)db_int(more, i, 0));
		cJSON_AddStringToObject(it, "title", db_str(more, i, 1));
		if (k != NULL) {
			cJSON_AddStringToObject(it, "kind", k->code);
			cJSON_AddStringToObject(it, "kind_name", k->label);
		} else {
			cJSON_AddNullToObject(it, "kind");
			cJSON_AddNullToObject(it, "kind_name");
		}
		cJSON_AddStringToObject(it, "name", name);
		cJSON_AddStringToObject(it, "type", db_str(more, i, 4));
		cJSON_AddNumberToObject(it, "size", (double)db_int(more, i, 5));
		cJSON_AddItemToArray(list, it);
	}
	PQclear(more);
	return PERR_OK;
}
