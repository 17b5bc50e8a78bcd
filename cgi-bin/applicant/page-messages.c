/* page-messages.c: 消息: the notifications sent to this person (the SMS texts). */
#include <stdio.h>
#include <stdlib.h>

#include "applicant.h"

enum { MS_LIST, MS_READ, MS_READ_ALL, MS__MAX };

static struct db_stmt st[MS__MAX] = {
	[MS_LIST] = { "messages_list",
	    "SELECT id, body, to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " read_at IS NOT NULL FROM notification WHERE user_id = $1 AND inbox"
	    " ORDER BY created_at DESC, id DESC LIMIT 200", 0 },
	/* reading again keeps the first time; another person's message is not found */
	[MS_READ] = { "messages_read",
	    "UPDATE notification SET read_at = coalesce(read_at, now())"
	    " WHERE id = $1 AND user_id = $2 AND inbox RETURNING id", 0 },
	/* 全部标为已读: what is unread of the person's */
	[MS_READ_ALL] = { "messages_read_all",
	    "WITH r AS (UPDATE notification SET read_at = now()"
	    " WHERE user_id = $1 AND inbox AND read_at IS NULL RETURNING 1) SELECT count(*) FROM r", 0 },
};

enum perr
h_messages(struct req *r)
{
	char uid[24];
	PGresult *res;
	cJSON *items;
	int i, unread = 0;
	enum perr e;

	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[MS_LIST], &res, 1, uid)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "body", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "at", db_str(res, i, 2));
		cJSON_AddBoolToObject(it, "read", db_bool(res, i, 3));
		unread += !db_bool(res, i, 3);
		cJSON_AddItemToArray(items, it);
	}
	cJSON_AddNumberToObject(req_out(r), "unread", unread);
	PQclear(res);
	return PERR_OK;
}

enum perr
h_message_read(struct req *r)
{
	char id[24], uid[24];
	PGresult *res;
	bool found;
	enum perr e;

	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[MS_READ], &res, 2, id, uid)) != PERR_OK)
		return e;
	found = PQntuples(res) == 1;
	PQclear(res);
	return found ? PERR_OK : req_fail(r, PERR_NOT_FOUND, NULL, "消息不存在");
}

/* POST messages/read-all: every unread message read ({"read": how many}); a
 * phone's walk found a page of a dozen to tap one by one */
enum perr
h_messages_read_all(struct req *r)
{
	char uid[24];
	PGresult *res;
	enum perr e;

	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[MS_READ_ALL], &res, 1, uid)) != PERR_OK)
		return e;
	json_add_int(req_out(r), "read", db_int(res, 0, 0));
	PQclear(res);
	return PERR_OK;
}
