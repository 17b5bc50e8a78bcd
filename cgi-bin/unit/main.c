/* unit: the FastCGI program of employers (and talent centres); its routes, nothing else. */
#include "review.h"
#include "unit.h"

static const struct route routes[] = {
	COMMON_ROUTES,
	/* page-register.c: registration with the 授权委托书 (open before approval) */
	{ M_POST, "/register", R_PUBLIC | R_NO_CSRF | R_MULTIPART, unit_register_fields,
	    h_unit_register },
	{ M_GET, "/regions", R_PUBLIC, NULL, h_unit_regions },
	{ M_GET, "/registration", R_UNAPPROVED, NULL, h_unit_registration },
	{ M_POST, "/registration", R_UNAPPROVED | R_MULTIPART, unit_reregister_fields,
	    h_unit_reregister },
	/* page-people.c, page-operators.c */
	{ M_GET, "/people", 0, people_query, h_unit_people },
	{ M_POST, "/people/:id/confirm", 0, NULL, h_unit_person_confirm },
	{ M_POST, "/people/:id/refuse", 0, people_refuse_fields, h_unit_person_refuse },
	{ M_GET, "/operators", 0, NULL, h_unit_operators },
	{ M_POST, "/operators", 0, operator_fields, h_unit_operator_add },
	{ M_POST, "/operators/:id/disable", 0, NULL, h_unit_operator_disable },
	{ M_POST, "/operators/:id/enable", 0, NULL, h_unit_operator_enable },
	{ M_POST, "/operators/:id/reset", 0, NULL, h_unit_operator_reset },
	/* page-review.c: 职称申报资格审查 */
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
	/* page-archive.c; lib/publicity.c */
	{ M_GET, "/archive", 0, archive_query, h_unit_archive },
	{ M_POST, "/archive/:id/review", 0, archive_review_fields, h_unit_archive_review },
	PUBLICITY_ROUTES,
};

int
main(int argc, char **argv)
{
	return portal_main("unit", routes, NITEMS(routes), argc, argv);
}
