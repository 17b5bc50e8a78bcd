/* city: the FastCGI program of this role's portal; its routes, nothing else. */
#include "portal.h"

static const struct route routes[] = {
	COMMON_ROUTES,
	REVIEW_ROUTES,
};

int
main(int argc, char **argv)
{
	return portal_main("city", routes, NITEMS(routes), argc, argv);
}
