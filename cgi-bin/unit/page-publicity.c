/* page-publicity.c: 资格公示与报送: the applications at the unit's publicity
 * step, their 公示 (registered through chain_publicise()), and whether the
 * 5 working days are over so that the unit may report them upward. */
#include <stdio.h>

#include "portal.h"
#include "unit.h"

enum { UP_LIST, UP__MAX };

static struct db_stmt st[UP__MAX] = {
	[UP_LIST] = { "unit_publicity_list",
	    "SELECT a.id, u.name, u.idcard, p.name, a.step_seq, s.name,"
	    " to_char(step_arrival(a.id) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),"
	    " coalesce(to_char(pb.starts_on, 'YYYY-MM-DD'), ''),"
	    " coalesce(to_char(nth_working_day(pb.starts_on, $2::int), 'YYYY-MM-DD'), ''),"
	    " coalesce(working_days(pb.starts_on, current_date), 0) "
	    "FROM application a JOIN app_user u ON u.id = a.applicant_id"
	    " JOIN plan p ON p.id = a.plan_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
	    " LEFT JOIN publicity pb ON pb.application_id = a.id"
	    "  AND pb.created_at >= coalesce(step_arrival(a.id), '-infinity') "
	    "WHERE a.current_org_id = $1 AND a.state = 'in_review' AND s.gate = 'publicity'"
	    " ORDER BY pb.starts_on NULLS FIRST, a.updated_at, a.id LIMIT 1000", 0 },
};

enum perr
h_unit_publicity(struct req *r)
{
	char org[24], days[8], masked[32];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	snprintf(org, sizeof(org), "%lld", r->s.org_id);
	snprintf(days, sizeof(days), "%d", PUBLICITY_DAYS);
	if ((e = db_exec(&st[UP_LIST], &res, 2, org, days)) != PERR_OK)
		return e;
	cJSON_AddNumberToObject(req_out(r), "days", PUBLICITY_DAYS);
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();
		long long done = db_int(res, i, 9);

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "applicant", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "idcard",
		    mask_id(db_str(res, i, 2), masked, sizeof(masked)));
		cJSON_AddStringToObject(it, "plan", db_str(res, i, 3));
		cJSON_AddNumberToObject(it, "step", (double)db_int(res, i, 4));
		cJSON_AddStringToObject(it, "step_name", db_str(res, i, 5));
		cJSON_AddStringToObject(it, "arrived_on", db_str(res, i, 6));
		if (db_str(res, i, 7)[0] == '\0') {
			cJSON_AddNullToObject(it, "publicity");
		} else {
			cJSON *pb = cJSON_AddObjectToObject(it, "publicity");

			cJSON_AddStringToObject(pb, "starts_on", db_str(res, i, 7));
			cJSON_AddStringToObject(pb, "ends_on", db_str(res, i, 8));
			cJSON_AddNumberToObject(pb, "days_done", (double)(done > PUBLICITY_DAYS ? PUBLICITY_DAYS : done));
			cJSON_AddBoolToObject(pb, "over", done >= PUBLICITY_DAYS);
		}
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

const struct field publicise_fields[] = {
	{ "starts_on", "公示开始日期", F_STR, true, 10, 10, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_unit_publicise(struct req *r)
{
	struct actor who = req_actor(r);
	char ends[11] = "";
	enum perr e;

	e = chain_publicise(&who, r->id, r->f[0].s, ends, r->msg, sizeof(r->msg));
	if (e == PERR_INVALID_FIELD)
		r->bad_field = "starts_on";
	if (e != PERR_OK)
		return e;
	cJSON_AddStringToObject(req_out(r), "starts_on", r->f[0].s);
	cJSON_AddStringToObject(req_out(r), "ends_on", ends);
	return PERR_OK;
}
