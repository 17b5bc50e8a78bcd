/* unit: the FastCGI program of employers (and talent centres); its routes, nothing else. */
#include "portal.h"
#include "unit.h"

static const struct route routes[] = {
	COMMON_ROUTES,
	REVIEW_ROUTES,
	{ M_GET, "/archive", 0, archive_query, h_unit_archive },
	{ M_POST, "/archive/:id/review", 0, archive_review_fields, h_unit_archive_review },
	{ M_GET, "/publicity", 0, NULL, h_unit_publicity },
	{ M_POST, "/applications/:id/publicity", 0, publicise_fields, h_unit_publicise },
};

int
main(int argc, char **argv)
{
	return portal_main("unit", routes, NITEMS(routes), argc, argv);
}
