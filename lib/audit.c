/* audit.c: one audit row per state change, and the notification outbox
 * (the default SMS sender: rows the portal also shows as messages). */
#include <stdio.h>
#include <stdlib.h>

#include "portal.h"

enum { AUDIT_INSERT, NOTIFY_INSERT, AUDIT__MAX };

static struct db_stmt st[AUDIT__MAX] = {
	[AUDIT_INSERT] = { "audit_insert",
	    "INSERT INTO audit_log (actor_user_id, actor_role, actor_org_id, ip,"
	    " action, target_type, target_id, detail)"
	    " VALUES (NULLIF($1, '0')::bigint, NULLIF($2, ''), NULLIF($3, '0')::bigint,"
	    " $4, $5, $6, NULLIF($7, '0')::bigint, $8::jsonb)", 0 },
	[NOTIFY_INSERT] = { "notify_insert",
	    "INSERT INTO notification (user_id, mobile, body)"
	    " SELECT id, mobile, $2 FROM app_user WHERE id = $1", 0 },
};

enum perr
audit(const struct req *r, long long user_id, const char *action,
    const char *target_type, long long target_id, const cJSON *detail)
{
	char uid[24], org[24], tid[24];
	char *d = detail ? cJSON_PrintUnformatted(detail) : NULL;
	enum perr e;

	snprintf(uid, sizeof(uid), "%lld", r->has_session ? r->s.user_id : user_id);
	snprintf(org, sizeof(org), "%lld", r->has_session ? r->s.org_id : 0);
	snprintf(tid, sizeof(tid), "%lld", target_id);
	e = db_exec(&st[AUDIT_INSERT], NULL, 8, uid,
	    r->has_session && r->s.role[0] ? r->s.role : portal_role(), org,
	    r->ip ? r->ip : "", action, target_type, tid, d);
	free(d);
	return e;
}

enum perr
notify_user(long long user_id, const char *text)
{
	char uid[24];

	snprintf(uid, sizeof(uid), "%lld", user_id);
	return db_exec(&st[NOTIFY_INSERT], NULL, 2, uid, text);
}
