/* page-applications.c: the applicant's own applications, and submitting one. */
#include <stdio.h>

#include "applicant.h"

enum { APP_LIST, APP__MAX };

static struct db_stmt st[APP__MAX] = {
	[APP_LIST] = { "applicant_list",
	    "SELECT a.id, p.name, pl.name, a.step_seq, s.name, a.state,"
	    " coalesce(o.name, ''),"
	    " to_char(a.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') "
	    "FROM application a JOIN plan p ON p.id = a.plan_id"
	    " JOIN pipeline pl ON pl.id = a.pipeline_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
	    " LEFT JOIN org o ON o.id = a.current_org_id "
	    "WHERE a.applicant_id = $1 ORDER BY a.id DESC", 0 },
};

enum perr
h_applications(struct req *r)
{
	char uid[24];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[APP_LIST], &res, 1, uid)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "plan", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "pipeline", db_str(res, i, 2));
		cJSON_AddNumberToObject(it, "step", (double)db_int(res, i, 3));
		cJSON_AddStringToObject(it, "step_name", db_str(res, i, 4));
		cJSON_AddStringToObject(it, "state", db_str(res, i, 5));
		cJSON_AddStringToObject(it, "holder", db_str(res, i, 6));
		cJSON_AddStringToObject(it, "updated_at", db_str(res, i, 7));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

enum perr
h_submit(struct req *r)
{
	struct chain_actor who = { r->s.user_id, 0, r->ip, r->s.role };
	struct chain_result res;
	enum perr e;

	e = chain_move(&who, r->id, 1, CHAIN_SUBMIT, NULL, &res, r->msg, sizeof(r->msg));
	if (e != PERR_OK)
		return e;
	cJSON_AddStringToObject(req_out(r), "state", res.state);
	cJSON_AddNumberToObject(req_out(r), "step", res.step);
	return PERR_OK;
}
