/* admin: the FastCGI program of the platform operator (平台管理): unit
 * registrations, departments and their accounts, plans, the calendar, the
 * audit log, the platform's statistics. It has no route to an application's
 * content or the chain. */
#include "admin.h"
#include "stats.h"

static const struct route routes[] = {
	COMMON_ROUTES,
	/* page-registrations.c */
	{ M_GET, "/registrations", 0, registrations_query, h_admin_registrations },
	{ M_GET, "/registrations/:id/authorization", 0, NULL, h_admin_registration_scan },
	{ M_POST, "/registrations/:id/approve", 0, registration_approve_fields,
	    h_admin_registration_approve },
	{ M_POST, "/registrations/:id/reject", 0, registration_reject_fields,
	    h_admin_registration_reject },
	{ M_PUT, "/registrations/:id", 0, registration_amend_fields, h_admin_registration_amend },
	/* page-departments.c */
	{ M_GET, "/departments", 0, departments_query, h_admin_departments },
	{ M_POST, "/departments", 0, department_fields, h_admin_department_add },
	{ M_PUT, "/departments/:id", 0, department_phone_fields, h_admin_department_phone },
	{ M_GET, "/departments/:id/accounts", 0, NULL, h_admin_department_accounts },
	{ M_POST, "/departments/:id/accounts", 0, department_account_fields,
	    h_admin_department_account_add },
	{ M_POST, "/accounts/:id/disable", 0, NULL, h_admin_account_disable },
	{ M_POST, "/accounts/:id/enable", 0, NULL, h_admin_account_enable },
	{ M_POST, "/accounts/:id/reset", 0, NULL, h_admin_account_reset },
	{ M_POST, "/accounts/:id/unlock", 0, NULL, h_admin_account_unlock },
	{ M_GET, "/accounts", 0, accounts_query, h_admin_accounts },
	{ M_POST, "/accounts/:id/admin", 0, NULL, h_admin_account_admin },
	{ M_GET, "/accounts/:id/messages", 0, NULL, h_admin_account_messages },
	{ M_POST, "/registrations/:id/accounts", 0, unit_admin_fields, h_admin_unit_admin_add },
	/* page-plans.c */
	{ M_GET, "/plans", 0, NULL, h_admin_plans },
	{ M_GET, "/plans/:id", 0, NULL, h_admin_plan },
	{ M_POST, "/plans", 0, plan_fields, h_admin_plan_add },
	{ M_PUT, "/plans/:id", 0, plan_fields, h_admin_plan_edit },
	{ M_DELETE, "/plans/:id", 0, NULL, h_admin_plan_delete },
	/* page-calendar.c */
	{ M_GET, "/calendar", 0, NULL, h_admin_calendar },
	{ M_GET, "/calendar/:id", 0, NULL, h_admin_calendar_year },
	{ M_PUT, "/calendar/:id", 0, calendar_year_fields, h_admin_calendar_put },
	{ M_POST, "/calendar/:id/import", 0, calendar_import_fields, h_admin_calendar_import },
	/* lib/support.c: 技术支持联系方式 (every program reads it) */
	{ M_PUT, "/support", 0, support_fields, h_support_put },
	/* page-audit.c */
	{ M_GET, "/audit", 0, audit_query, h_admin_audit },
	{ M_GET, "/audit.xlsx", 0, audit_query, h_admin_audit_xlsx },
	{ M_GET, "/audit/orgs", 0, audit_orgs_query, h_admin_audit_orgs },
	{ M_GET, "/audit/labels", 0, NULL, h_admin_audit_labels },
	/* lib/stats.c: 统计分析 over the whole platform (counts, no application's content) */
	{ M_GET, "/stats", 0, stats_query, stats_get },
	{ M_GET, "/stats.xlsx", 0, stats_query, stats_xlsx },
};

int
main(int argc, char **argv)
{
	return portal_main("admin", routes, NITEMS(routes), argc, argv);
}
