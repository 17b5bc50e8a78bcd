/* page-archive.c: 业绩档案审核: the unit (or talent centre) approves or
 * rejects the archive items of its people. Approving the item of a person
 * the unit has not confirmed yet confirms them too (人员): a unit vouches
 * for the 业绩 of its own people only, and says so on the record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "unit.h"

enum { UA_LIST, UA_LOAD, UA_BINDING, UA_DECIDE, UA_SUPERSEDE, UA_CONFIRM, UA__MAX };

static struct db_stmt st[UA__MAX] = {
	[UA_LIST] = { "unit_archive_list",
	    "SELECT " ARCHIVE_ITEM_COLS ", o.name, o.idcard, coalesce((SELECT b.status"
	    "  FROM person_binding b WHERE b.user_id = i.owner_id AND b.org_id = i.reviewer_org_id),"
	    "  'pending') FROM archive_item i"
	    " JOIN app_user o ON o.id = i.owner_id"
	    " WHERE i.reviewer_org_id = $1 AND i.status <> 'superseded'"
	    " AND ($2 = 'all' OR i.status = $2)"
	    /* a person the unit refused is not its to review: their pending
	     * items wait for the unit they choose next (page-profile.c) */
	    " AND (i.status <> 'pending' OR NOT EXISTS (SELECT 1 FROM person_binding b"
	    "  WHERE b.user_id = i.owner_id AND b.org_id = i.reviewer_org_id"
	    "  AND b.status = 'refused'))"
	    " ORDER BY i.status = 'pending' DESC, i.updated_at, i.id LIMIT 500", 0 },
	[UA_LOAD] = { "unit_archive_load",
	    "SELECT i.status, i.owner_id, i.title, i.previous_id, k.name FROM archive_item i"
	    " JOIN archive_kind k ON k.code = i.kind"
	    " WHERE i.id = $1 AND i.reviewer_org_id = $2 FOR UPDATE OF i", 0 },
	/* the person's standing with the unit, locked as 人员's decision locks it: a
	 * refusal meanwhile is seen, not approved past */
	[UA_BINDING] = { "unit_archive_binding",
	    "SELECT status FROM person_binding WHERE user_id = $1 AND org_id = $2 FOR UPDATE", 0 },
	[UA_DECIDE] = { "unit_archive_decide",
	    "UPDATE archive_item SET status = $2, reason = NULLIF($3, ''), reviewed_by = $4,"
	    " reviewed_at = now(), updated_at = now() WHERE id = $1", 0 },
	[UA_SUPERSEDE] = { "unit_archive_supersede",
	    "UPDATE archive_item SET status = 'superseded', updated_at = now()"
	    " WHERE id = $1 AND status = 'approved'", 0 },
	/* the person, not confirmed yet, confirmed by the approval */
	[UA_CONFIRM] = { "unit_archive_confirm",
	    "UPDATE person_binding SET status = 'confirmed', reason = NULL, decided_by = $3,"
	    " decided_at = now() WHERE user_id = $1 AND org_id = $2 AND status = 'pending'", 0 },
};

static bool
valid_status(const char *s)
{
	return strcmp(s, "pending") == 0 || strcmp(s, "approved") == 0 ||
	    strcmp(s, "rejected") == 0 || strcmp(s, "all") == 0;
}

enum { AQ_STATUS };

const struct field archive_query[] = {
	[AQ_STATUS] = { "status", "审核状态", F_STR, false, 1, 10, valid_status, "审核状态不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_unit_archive(struct req *r)
{
	const char *status = r->f[AQ_STATUS].present ? r->f[AQ_STATUS].s : "pending";
	char org[24], masked[32];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	snprintf(org, sizeof(org), "%lld", r->s.org_id);
	if ((e = db_exec(&st[UA_LIST], &res, 2, org, status)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = archive_item_json(res, i);

		cJSON_AddStringToObject(it, "owner", db_str(res, i, ARCHIVE_ITEM_NCOLS));
		cJSON_AddStringToObject(it, "owner_idcard",
		    mask_id(db_str(res, i, ARCHIVE_ITEM_NCOLS + 1), masked, sizeof(masked)));
		cJSON_AddBoolToObject(it, "owner_confirmed",
		    strcmp(db_str(res, i, ARCHIVE_ITEM_NCOLS + 2), "confirmed") == 0);
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

const struct field archive_review_fields[] = {
	{ "action", "审核结果", F_STR, true, 1, 10, NULL, NULL },
	{ "reason", "理由", F_LINES, false, 0, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_unit_archive_review(struct req *r)
{
	const char *action = r->f[0].s, *reason = r->f[1].present ? r->f[1].s : "";
	char id[24], org[24], uid[24], prev[24], title[1024];
	bool approve = strcmp(action, "approve") == 0, confirmed = false;
	long long owner;
	PGresult *res = NULL;
	enum perr e;

	if (!approve && strcmp(action, "reject") != 0)
		return req_fail(r, PERR_INVALID_FIELD, "action", "审核结果只能是通过或不通过");
	if (!approve && reason[0] == '\0')
		return req_fail(r, PERR_INVALID_FIELD, "reason", "请填写不通过的理由");
	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(org, sizeof(org), "%lld", r->s.org_id);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_exec(&st[UA_LOAD], &res, 2, id, org)) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "业绩不存在或不属于本单位人员");
		goto fail;
	}
	if (strcmp(db_str(res, 0, 0), "pending") != 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该业绩已审核或已被申报人修改，请刷新后重试");
		goto fail;
	}
	owner = db_int(res, 0, 1);
	/* by its kind too: a 年度考核's title is its year, and “《2022》” said nothing */
	snprintf(title, sizeof(title), "（%s）《%s》", db_str(res, 0, 4), db_str(res, 0, 2));
	snprintf(prev, sizeof(prev), "%s", db_str(res, 0, 3) ? db_str(res, 0, 3) : "");
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[UA_BINDING], &res, 2, DB_I(owner), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) == 1 && strcmp(db_str(res, 0, 0), "refused") == 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, "本单位已拒绝确认该人员，其业绩档案不再由本单位审核");
		goto fail;
	}
	confirmed = approve && PQntuples(res) == 1 && strcmp(db_str(res, 0, 0), "pending") == 0;
	PQclear(res);
	res = NULL;
	if (confirmed && ((e = db_run(&st[UA_CONFIRM], NULL, 3, DB_I(owner), DB_I(r->s.org_id),
	    DB_I(r->s.user_id))) != PERR_OK ||
	    (e = req_audit(r, "person_confirm", "user", owner, NULL)) != PERR_OK))
		goto fail;
	if ((e = db_exec(&st[UA_DECIDE], NULL, 4, id, approve ? "approved" : "rejected",
	    approve ? "" : reason, uid)) != PERR_OK)
		goto fail;
	if (approve && prev[0] != '\0' &&
	    (e = db_exec(&st[UA_SUPERSEDE], NULL, 1, prev)) != PERR_OK)
		goto fail;
	if ((e = req_audit(r, approve ? "archive_approve" : "archive_reject", "archive_item",
	    r->id, NULL)) != PERR_OK)
		goto fail;
	if (confirmed)
		e = notify_userf(owner, "【职称申报】%s已确认%s；您的业绩档案%s"
		    "已通过单位审核，可在申报时提取。", r->s.org_name,
		    strcmp(r->s.org_kind, "talent_centre") == 0 ? "代理您的人事档案" : "您为本单位人员",
		    title);
	else if (approve)
		e = notify_userf(owner, "【职称申报】您的业绩档案%s已通过单位审核，可在申报时提取。",
		    title);
	else
		e = notify_userf(owner, "【职称申报】您的业绩档案%s未通过单位审核，理由：%s。"
		    "请修改后重新提交。", title, reason);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	cJSON_AddBoolToObject(req_out(r), "person_confirmed", confirmed);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}
