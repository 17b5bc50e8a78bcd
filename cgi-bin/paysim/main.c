/*
 * paysim: the simulated payment gateway of the demo (`make run`), so that a
 * fee can be "paid" by clicking. It is not a role of the portal and not part
 * of a production installation: scripts/stack.sh starts it, and nginx routes
 * /paysim/ and /api/paysim/ to it, only when the portal's configuration says
 * payment_provider = simulator. It has a key of its own (paysim_secret in its
 * own configuration file) and no database: it accepts only orders the portal
 * signed with that key, and signs the result with it.
 */
#include "portal.h"
#include "paysim.h"

static const struct route routes[] = {
	{ M_GET, "/health", R_PUBLIC, NULL, h_sim_health },
	{ M_POST, "/open", R_PUBLIC | R_NO_CSRF, sim_order_fields, h_sim_open },
	{ M_POST, "/pay", R_PUBLIC | R_NO_CSRF, sim_pay_fields, h_sim_pay },
};

int
main(int argc, char **argv)
{
	portal_standalone(sim_conf_key);
	return portal_main("paysim", routes, NITEMS(routes), argc, argv);
}
