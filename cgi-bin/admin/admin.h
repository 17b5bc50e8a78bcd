/* Handlers of the admin program (the platform operator). */
#ifndef ADMIN_H
#define ADMIN_H

#include "portal.h"

/* page-registrations.c: 单位注册审核 */
extern const struct field registrations_query[];
extern const struct field registration_approve_fields[];
extern const struct field registration_reject_fields[];
enum perr h_admin_registrations(struct req *);
enum perr h_admin_registration_scan(struct req *);
enum perr h_admin_registration_approve(struct req *);
enum perr h_admin_registration_reject(struct req *);
extern const struct field registration_amend_fields[];
enum perr h_admin_registration_amend(struct req *);

/* page-departments.c: departments and their accounts */
extern const struct field departments_query[];
extern const struct field department_fields[];
extern const struct field department_account_fields[];
extern const struct field department_phone_fields[];
enum perr h_admin_departments(struct req *);
enum perr h_admin_department_add(struct req *);
enum perr h_admin_department_phone(struct req *);
enum perr h_admin_department_accounts(struct req *);
enum perr h_admin_department_account_add(struct req *);
enum perr h_admin_account_disable(struct req *);
enum perr h_admin_account_enable(struct req *);
enum perr h_admin_account_reset(struct req *);
enum perr h_admin_account_unlock(struct req *);

/* page-accounts.c: 账号查询 (any account but the platform's) */
extern const struct field accounts_query[];
enum perr h_admin_accounts(struct req *);
enum perr h_admin_account_admin(struct req *);
extern const struct field unit_admin_fields[];
enum perr h_admin_unit_admin_add(struct req *);
enum perr h_admin_account_messages(struct req *);

/* page-plans.c: 评审工作计划 */
extern const struct field plan_fields[];
enum perr h_admin_plans(struct req *);
enum perr h_admin_plan(struct req *);
enum perr h_admin_plan_add(struct req *);
enum perr h_admin_plan_edit(struct req *);
enum perr h_admin_plan_delete(struct req *);

/* page-calendar.c: the holiday calendar */
extern const struct field calendar_year_fields[];
extern const struct field calendar_import_fields[];
enum perr h_admin_calendar(struct req *);
enum perr h_admin_calendar_year(struct req *);
enum perr h_admin_calendar_put(struct req *);
enum perr h_admin_calendar_import(struct req *);

/* page-audit.c: the audit log */
extern const struct field audit_query[];
enum perr h_admin_audit(struct req *);
enum perr h_admin_audit_xlsx(struct req *);
enum perr h_admin_audit_labels(struct req *);
extern const struct field audit_orgs_query[];
enum perr h_admin_audit_orgs(struct req *);

#endif
