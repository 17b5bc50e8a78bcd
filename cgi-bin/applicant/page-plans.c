/* page-plans.c: 评审工作计划 as applicants see them (published ones; lib/plan.c). */
#include "applicant.h"

enum perr
h_plans(struct req *r)
{
	return plan_list(false, req_out(r));
}

enum perr
h_plan(struct req *r)
{
	enum perr e = plan_get(r->id, false, req_out(r));

	if (e == PERR_NOT_FOUND)
		return req_fail(r, e, NULL, "评审工作计划不存在");
	return e;
}
