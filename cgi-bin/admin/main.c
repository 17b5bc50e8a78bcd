/* admin: the FastCGI program of this role's portal; its routes, nothing else. */
#include "portal.h"

static const struct route routes[] = {
	COMMON_ROUTES,
};

int
main(int argc, char **argv)
{
	return portal_main("admin", routes, NITEMS(routes), argc, argv);
}
