/* archive.c: a performance-archive item as JSON, for the applicant who owns
 * it and the unit that reviews it. */
#include <string.h>

#include "portal.h"

static const char *
status_name(const char *s)
{
	return strcmp(s, "approved") == 0 ? "已通过" : strcmp(s, "rejected") == 0 ? "未通过" :
	    strcmp(s, "superseded") == 0 ? "已被新版本替代" : "待审核";
}

/* One archive item as JSON, from a row that starts with ARCHIVE_ITEM_COLS. */
cJSON *
archive_item_json(const PGresult *res, int i)
{
	static const char *const text[] = { "title", "date", "role", "org", "number", "level",
	    "description" };
	cJSON *it = cJSON_CreateObject(), *att;
	const char *v;
	size_t k;

	cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
	cJSON_AddStringToObject(it, "kind", db_str(res, i, 1));
	cJSON_AddStringToObject(it, "kind_name", db_str(res, i, 2));
	for (k = 0; k < NITEMS(text); k++)
		cJSON_AddStringToObject(it, text[k], (v = db_str(res, i, 3 + (int)k)) ? v : "");
	cJSON_AddBoolToObject(it, "collective", db_bool(res, i, 10));
	cJSON_AddStringToObject(it, "status", db_str(res, i, 11));
	cJSON_AddStringToObject(it, "status_name", status_name(db_str(res, i, 11)));
	cJSON_AddStringToObject(it, "reason", (v = db_str(res, i, 12)) ? v : "");
	if (db_str(res, i, 13))
		cJSON_AddNumberToObject(it, "previous_id", (double)db_int(res, i, 13));
	else
		cJSON_AddNullToObject(it, "previous_id");
	cJSON_AddStringToObject(it, "updated_at", db_str(res, i, 14));
	att = cJSON_Parse(db_str(res, i, 15));
	cJSON_AddItemToObject(it, "attachments", att ? att : cJSON_CreateArray());
	return it;
}

