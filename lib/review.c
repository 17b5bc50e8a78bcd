/* review.c: what every reviewing department shares: its worklist and the
 * move endpoint, which hands the decision to chain_move(). */
#include <stdio.h>

#include "portal.h"

enum { RV_WORKLIST, RV__MAX };

static struct db_stmt st[RV__MAX] = {
	[RV_WORKLIST] = { "review_worklist",
	    "SELECT a.id, u.name, p.name, pl.name, a.step_seq, s.name, a.state,"
	    " to_char(a.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " s.actions, a.paid_at IS NOT NULL "
	    "FROM application a JOIN app_user u ON u.id = a.applicant_id"
	    " JOIN plan p ON p.id = a.plan_id JOIN pipeline pl ON pl.id = a.pipeline_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq "
	    "WHERE a.current_org_id = $1 AND a.state = 'in_review' "
	    "ORDER BY a.updated_at, a.id LIMIT 1000", 0 },
};

enum perr
h_worklist(struct req *r)
{
	char org[24];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	snprintf(org, sizeof(org), "%lld", r->s.org_id);
	if ((e = db_exec(&st[RV_WORKLIST], &res, 1, org)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "applicant", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "plan", db_str(res, i, 2));
		cJSON_AddStringToObject(it, "pipeline", db_str(res, i, 3));
		cJSON_AddNumberToObject(it, "step", (double)db_int(res, i, 4));
		cJSON_AddStringToObject(it, "step_name", db_str(res, i, 5));
		cJSON_AddStringToObject(it, "state", db_str(res, i, 6));
		cJSON_AddStringToObject(it, "updated_at", db_str(res, i, 7));
		cJSON_AddStringToObject(it, "actions", db_str(res, i, 8));
		cJSON_AddBoolToObject(it, "paid", db_bool(res, i, 9));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

const struct field move_fields[] = {
	{ "action", "操作", F_STR, true, 1, 16, NULL, NULL },
	{ "step", "环节", F_INT, true, 1, 100, NULL, NULL },
	{ "text", "意见或理由", F_STR, false, 0, 1000, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_move(struct req *r)
{
	struct actor who = req_actor(r);
	struct chain_result res;
	enum chain_action act = chain_action_parse(r->f[0].s);
	enum perr e;

	if (act == CHAIN__MAX || act == CHAIN_SUBMIT)
		return req_fail(r, PERR_INVALID_FIELD, "action",
		    "操作只能是通过、退回或不通过");
	e = chain_move(&who, r->id, (int)r->f[1].i, act, r->f[2].s, &res,
	    r->msg, sizeof(r->msg));
	if (e == PERR_INVALID_FIELD)
		r->bad_field = "text";
	if (e != PERR_OK)
		return e;
	cJSON_AddBoolToObject(req_out(r), "ok", 1);
	cJSON_AddStringToObject(req_out(r), "state", res.state);
	cJSON_AddNumberToObject(req_out(r), "step", res.step);
	return PERR_OK;
}
