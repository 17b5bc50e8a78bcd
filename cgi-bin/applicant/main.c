/* applicant: the FastCGI program of the applicants' portal. */
#include "portal.h"
#include "applicant.h"

static const struct route routes[] = {
	COMMON_ROUTES,
	{ M_POST, "/register", R_PUBLIC | R_NO_CSRF, register_fields, h_register },
	{ M_GET, "/applications", 0, NULL, h_applications },
	{ M_POST, "/applications/:id/submit", 0, NULL, h_submit },
};

int
main(int argc, char **argv)
{
	return portal_main("applicant", routes, NITEMS(routes), argc, argv);
}
