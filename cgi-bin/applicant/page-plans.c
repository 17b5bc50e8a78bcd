/* page-plans.c: 评审工作计划 as applicants see them (published ones; lib/plan.c). */
#include <stdio.h>
#include <string.h>

#include "applicant.h"

static enum perr plan_fit(struct req *, cJSON *);

/* GET /plans: each with whether 马上申报 can go (the list had it enabled on a plan not for
 * the applicant's unit: the walk of the day's changes) */
enum perr
h_plans(struct req *r)
{
	cJSON *p;
	enum perr e;

	if ((e = plan_list(false, req_out(r))) != PERR_OK)
		return e;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(req_out(r), "items"))
		if ((e = plan_fit(r, p)) != PERR_OK)
			return e;
	return PERR_OK;
}

/* Whether the applicant may apply to plan p as things are (app_route(), 马上申报's
 * rules): "apply": {ok, why, field}. A plan not for their unit said on its page, not
 * only once 马上申报 is clicked (the chains' walk: a 参公 unit's applicant completed a
 * profile and an archive item first). */
static enum perr
plan_fit(struct req *r, cJSON *p)
{
	const cJSON *x, *pipes = cJSON_GetObjectItemCaseSensitive(p, "pipelines");
	const char *level = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "level"));
	const char *pipeline, *field = NULL;
	char csv[256] = "", why[512] = "";
	long long unit;
	size_t n = 0;
	cJSON *o;
	enum perr e;

	cJSON_ArrayForEach(x, pipes)
		if (cJSON_IsString(x) && n + strlen(x->valuestring) + 2 < sizeof(csv))
			n += (size_t)snprintf(csv + n, sizeof(csv) - n, "%s%s", n ? "," : "",
			    x->valuestring);
	e = app_route(r->s.user_id, level != NULL ? level : "", csv, &unit, &pipeline, why,
	    sizeof(why), &field);
	if (e != PERR_OK && e != PERR_INVALID_FIELD)
		return e;
	o = cJSON_AddObjectToObject(p, "apply");
	cJSON_AddBoolToObject(o, "ok", e == PERR_OK);
	json_add_str_null(o, "why", e == PERR_OK ? NULL : why);
	json_add_str_null(o, "field", e == PERR_OK ? NULL : field);
	return PERR_OK;
}

enum perr
h_plan(struct req *r)
{
	enum perr e = plan_get(r->id, false, req_out(r));

	if (e == PERR_NOT_FOUND)
		return req_fail(r, e, NULL, "评审工作计划不存在");
	if (e != PERR_OK)
		return e;
	return plan_fit(r, cJSON_GetObjectItemCaseSensitive(req_out(r), "plan"));
}
