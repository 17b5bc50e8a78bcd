/* county: the FastCGI program of the 县（市、区）主管部门: 建设主管部门 and 建设初评委; its routes, nothing else. */
#include "review.h"
#include "stats.h"
#include "committee.h"
#include "county.h"

static const struct route routes[] = {
	COMMON_ROUTES,
	/* page-review.c: the reviewer's workspace */
	{ M_GET, "/worklist", 0, review_worklist_query, h_worklist },
	{ M_GET, "/worklist.xlsx", 0, review_worklist_query, h_worklist_xlsx },
	{ M_GET, "/applications/:id", 0, NULL, h_application },
	{ M_GET, "/applications/:id/files/:id", 0, upload_get_fields, review_file },
	{ M_GET, "/applications/:id/form.xhtml", 0, NULL, review_form },
	{ M_POST, "/applications/:id/move", 0, review_move_fields, h_move },
	{ M_POST, "/applications/batch", 0, review_batch_fields, h_batch },
	PASS_CHECK_ROUTES,
	{ M_GET, "/opinions", 0, NULL, review_opinions },
	{ M_POST, "/opinions", 0, review_opinion_fields, review_opinion_add },
	{ M_DELETE, "/opinions/:id", 0, NULL, review_opinion_delete },
	/* lib/fee.c: 收费设定 */
	FEE_ROUTES,
	/* lib/interview.c: 评前面试 */
	INTERVIEW_ROUTES,
	/* lib/stats.c: 统计分析 */
	{ M_GET, "/stats", 0, stats_query, stats_get },
	{ M_GET, "/stats.xlsx", 0, stats_query, stats_xlsx },
	/* lib/committee.c, ballot.c, minutes.c: 评审会议 and the members' ballot */
	COMMITTEE_ROUTES,
};

int
main(int argc, char **argv)
{
	return portal_main("county", routes, NITEMS(routes), argc, argv);
}
