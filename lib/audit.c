/* audit.c: one audit row per state change, and the notification outbox
 * (the default SMS sender: rows the portal also shows as messages). */
#include <stdarg.h>
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
	/* a reason's own closing 。！？ ends the sentence the template closes with 。 (never 。。),
	 * as sql/012's notice_render() */
	[NOTIFY_INSERT] = { "notify_insert",
	    "INSERT INTO notification (user_id, mobile, body)"
	    " SELECT id, mobile, regexp_replace($2, '([。！？])。', '\\1', 'g')"
	    " FROM app_user WHERE id = $1", 0 },
};

enum perr
audit(const struct actor *who, const char *action, const char *target_type,
    long long target_id, const cJSON *detail)
{
	char *d = detail ? cJSON_PrintUnformatted(detail) : NULL;
	enum perr e;

	e = db_run(&st[AUDIT_INSERT], NULL, 8, DB_I(who->user_id), DB_S(who->role ? who->role : ""),
	    DB_I(who->org_id), DB_S(who->ip ? who->ip : ""), DB_S(action), DB_S(target_type),
	    DB_I(target_id), DB_S(d));
	cJSON_free(d);
	return e;
}

enum perr
notify_user(long long user_id, const char *text)
{
	return db_run(&st[NOTIFY_INSERT], NULL, 2, DB_I(user_id), DB_S(text));
}

enum perr
notify_userf(long long user_id, const char *fmt, ...)
{
	va_list ap;
	char *text;
	enum perr e;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return PERR_INTERNAL;
	e = notify_user(user_id, text);
	free(text);
	return e;
}
