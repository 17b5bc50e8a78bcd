/*
 * page-people.c: 人员: the people who chose this unit as their current unit
 * (or, for a 人才交流中心, whose 人事档案 it keeps). The unit confirms each or
 * refuses with a reason; a refused person's archive items and applications
 * are not sent to it, and they must choose again.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"

enum { PP_LIST, PP_LOCK, PP_DECIDE, PP__MAX };

/* whether the person's current choice (unit, or centre for the 人事档案) is still this one */
#define PP_CURRENT \
	"coalesce(" PROFILE_ORG " = b.org_id, false)"

static struct db_stmt st[PP__MAX] = {
	[PP_LIST] = { "unit_people",
	    "SELECT b.user_id, u.name, u.idcard, coalesce(u.mobile, ''), b.status,"
	    " coalesce(b.reason, ''),"
	    " to_char(b.requested_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " coalesce(to_char(b.decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),"
	    " coalesce(p.education, ''), coalesce(p.title, ''), coalesce(p.specialty, ''),"
	    " coalesce(p.custody, ''), " PP_CURRENT ","
	    /* the employer a 人才交流中心's person names (the centre is not it) */
	    " coalesce((SELECT o.name FROM org o WHERE o.id = p.unit_org_id), '')"
	    " FROM person_binding b JOIN app_user u ON u.id = b.user_id"
	    " LEFT JOIN applicant_profile p ON p.user_id = b.user_id"
	    " WHERE b.org_id = $1 AND ($2 = 'all' OR b.status = $2)"
	    /* a request the person withdrew by choosing another unit is no one's to decide */
	    " AND (b.status <> 'pending' OR " PP_CURRENT ")"
	    " ORDER BY b.status = 'pending' DESC, b.requested_at DESC, b.user_id LIMIT 500", 0 },
	[PP_LOCK] = { "unit_people_lock",
	    "SELECT b.status, u.name, " PP_CURRENT " FROM person_binding b"
	    " JOIN app_user u ON u.id = b.user_id LEFT JOIN applicant_profile p ON p.user_id = b.user_id"
	    " WHERE b.user_id = $1 AND b.org_id = $2 FOR UPDATE OF b", 0 },
	[PP_DECIDE] = { "unit_people_decide",
	    "UPDATE person_binding SET status = $3, reason = NULLIF($4, ''), decided_by = $5,"
	    " decided_at = now() WHERE user_id = $1 AND org_id = $2", 0 },
};

static bool
valid_status(const char *s)
{
	return strcmp(s, "pending") == 0 || strcmp(s, "confirmed") == 0 ||
	    strcmp(s, "refused") == 0 || strcmp(s, "all") == 0;
}

enum { PQ_STATUS };

const struct field people_query[] = {
	[PQ_STATUS] = { "status", "状态", F_STR, false, 1, 10, valid_status, "状态不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_unit_people(struct req *r)
{
	const char *status = r->f[PQ_STATUS].present ? r->f[PQ_STATUS].s : "pending";
	char masked[32], mmasked[32];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[PP_LIST], &res, 2, DB_I(r->s.org_id), DB_S(status))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();
		/* one who chose another unit is no longer this one's concern: their
		 * name and decision stay on its record, not what they write now */
		bool current = db_bool(res, i, 12);

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "name", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "idcard", mask_id(db_str(res, i, 2), masked, sizeof(masked)));
		cJSON_AddStringToObject(it, "mobile", current ?
		    mask_mobile(db_str(res, i, 3), mmasked, sizeof(mmasked)) : "");
		cJSON_AddStringToObject(it, "status", db_str(res, i, 4));
		cJSON_AddStringToObject(it, "reason", db_str(res, i, 5));
		cJSON_AddStringToObject(it, "requested_at", db_str(res, i, 6));
		cJSON_AddStringToObject(it, "decided_at", db_str(res, i, 7));
		cJSON_AddStringToObject(it, "education", current ? db_str(res, i, 8) : "");
		cJSON_AddStringToObject(it, "title", current ? db_str(res, i, 9) : "");
		cJSON_AddStringToObject(it, "specialty", current ? db_str(res, i, 10) : "");
		cJSON_AddStringToObject(it, "custody", current ? db_str(res, i, 11) : "");
		cJSON_AddStringToObject(it, "employer", current ? db_str(res, i, 13) : "");
		cJSON_AddBoolToObject(it, "current", current);
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

enum { PD_REASON };

const struct field people_refuse_fields[] = {
	[PD_REASON] = { "reason", "理由", F_LINES, true, 1, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
decide(struct req *r, bool confirm)
{
	const char *reason = confirm ? "" : r->f[PD_REASON].s;
	PGresult *res = NULL;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[PP_LOCK], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "该人员未选择本单位");
		goto fail;
	}
	if (!db_bool(res, 0, 2)) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该人员已改选其他单位，无需再确认或拒绝");
		goto fail;
	}
	if (strcmp(db_str(res, 0, 0), confirm ? "confirmed" : "refused") == 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, confirm ? "已确认该人员" : "已拒绝该人员");
		goto fail;
	}
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[PP_DECIDE], NULL, 5, DB_I(r->id), DB_I(r->s.org_id),
	    DB_S(confirm ? "confirmed" : "refused"), DB_S(reason), DB_I(r->s.user_id))) != PERR_OK ||
	    (e = req_audit_reason(r, confirm ? "person_confirm" : "person_refuse", "user", r->id,
	    confirm ? NULL : reason)) != PERR_OK)
		goto fail;
	/* a 人才交流中心 keeps the person's 人事档案: it is not their employer */
	if (strcmp(r->s.org_kind, "talent_centre") == 0)
		e = confirm ? notify_userf(r->id, "【职称申报】%s已确认代理您的人事档案，"
		    "可在平台提交业绩档案和职称申报。", r->s.org_name) :
		    notify_userf(r->id, "【职称申报】%s未确认代理您的人事档案，理由：%s。"
		    "请登录平台在“个人基本信息”中重新选择“人事档案存放”和人才交流中心。", r->s.org_name, reason);
	else if (confirm)
		e = notify_userf(r->id, "【职称申报】%s已确认您为本单位人员，"
		    "可在平台提交业绩档案和职称申报。", r->s.org_name);
	else
		e = notify_userf(r->id, "【职称申报】%s未确认您为本单位人员，理由：%s。"
		    "请登录平台在“个人基本信息”中重新选择现工作单位。", r->s.org_name, reason);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

enum perr
h_unit_person_confirm(struct req *r)
{
	return decide(r, true);
}

enum perr
h_unit_person_refuse(struct req *r)
{
	return decide(r, false);
}
