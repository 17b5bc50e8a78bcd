/* page-archive.c: 我的业绩档案. Items go to the applicant's unit (or talent
 * centre) for approval; an approved item is frozen and editing it makes a new
 * version that replaces it once approved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant.h"

enum { AR_LIST, AR_ONE, AR_REVIEWER, AR_INSERT, AR_UPDATE, AR_PENDING_VERSION, AR_OWN_UPLOADS,
	AR_MINE, AR_DELETE, AR_USED, AR__MAX };

static struct db_stmt st[AR__MAX] = {
	[AR_LIST] = { "archive_list",
	    "SELECT " ARCHIVE_ITEM_COLS " FROM archive_item i WHERE i.owner_id = $1"
	    " AND i.status <> 'superseded' ORDER BY i.kind, i.happened_on DESC NULLS LAST, i.id", 0 },
	[AR_ONE] = { "archive_one",
	    "SELECT " ARCHIVE_ITEM_COLS " FROM archive_item i WHERE i.id = $1 AND i.owner_id = $2", 0 },
	[AR_REVIEWER] = { "archive_reviewer",
	    "SELECT x.org, b.status = 'refused', coalesce(b.reason, ''), coalesce(o.name, '') FROM"
	    " (SELECT " PROFILE_ORG " AS org FROM applicant_profile p WHERE p.user_id = $1) x"
	    " LEFT JOIN person_binding b ON b.user_id = $1 AND b.org_id = x.org"
	    " LEFT JOIN org o ON o.id = x.org", 0 },
	[AR_INSERT] = { "archive_insert",
	    "INSERT INTO archive_item (owner_id, kind, title, happened_on, role, org, number,"
	    " level, description, collective, attachments, reviewer_org_id, previous_id)"
	    " VALUES ($1, $2, $3, NULLIF($4, '')::date, NULLIF($5, ''), NULLIF($6, ''),"
	    " NULLIF($7, ''), NULLIF($8, ''), NULLIF($9, ''), $10::bool, $11::bigint[], $12,"
	    " NULLIF($13, '0')::bigint) RETURNING id", 0 },
	[AR_UPDATE] = { "archive_update",
	    "UPDATE archive_item SET kind = $3, title = $4, happened_on = NULLIF($5, '')::date,"
	    " role = NULLIF($6, ''), org = NULLIF($7, ''), number = NULLIF($8, ''),"
	    " level = NULLIF($9, ''), description = NULLIF($10, ''), collective = $11::bool,"
	    " attachments = $12::bigint[], reviewer_org_id = $13, status = 'pending',"
	    " reason = NULL, reviewed_by = NULL, reviewed_at = NULL, updated_at = now()"
	    " WHERE id = $1 AND owner_id = $2 AND status IN ('pending', 'rejected')", 0 },
	[AR_PENDING_VERSION] = { "archive_pending_version",
	    "SELECT id FROM archive_item WHERE previous_id = $1 AND owner_id = $2"
	    " AND status IN ('pending', 'rejected')", 0 },
	/* how many of the given uploads belong to the person */
	[AR_OWN_UPLOADS] = { "archive_own_uploads",
	    "SELECT count(*) FROM upload WHERE id = ANY ($1::bigint[]) AND owner_id = $2", 0 },
	/* the caller's own item, locked: anything else is not found, whatever its state */
	[AR_MINE] = { "archive_mine",
	    "SELECT status FROM archive_item WHERE id = $1 AND owner_id = $2 FOR UPDATE", 0 },
	[AR_DELETE] = { "archive_delete",
	    "DELETE FROM archive_item WHERE id = $1 AND owner_id = $2"
	    " AND status IN ('pending', 'rejected')", 0 },
	[AR_USED] = { "archive_used",
	    "SELECT 1 FROM application_archive WHERE item_id = $1", 0 },
};

static bool
v_kind(const char *s)
{
	static const char *const kinds[] = { "project", "paper", "award", "patent", "standard",
	    "report", "education", "appraisal" };
	size_t i;

	for (i = 0; i < NITEMS(kinds); i++)
		if (strcmp(kinds[i], s) == 0)
			return true;
	return false;
}

enum { A_KIND, A_TITLE, A_DATE, A_ROLE, A_ORG, A_NUMBER, A_LEVEL, A_DESC, A_COLL, A_ATT };

const struct field archive_fields[] = {
	[A_KIND] = { "kind", "业绩类型", F_STR, true, 1, 16, v_kind, "请选择业绩类型" },
	[A_TITLE] = { "title", "名称", F_STR, true, 2, 100, NULL, NULL },
	[A_DATE] = { "date", "时间", F_STR, false, 10, 10, valid_past_date,
	    "时间应为不晚于今天的日期（如 2023-05-08）" },
	[A_ROLE] = { "role", "本人角色", F_STR, false, 1, 30, NULL, NULL },
	[A_ORG] = { "org", "单位或刊物", F_STR, false, 1, 100, NULL, NULL },
	[A_NUMBER] = { "number", "编号或学时", F_STR, false, 1, 50, NULL, NULL },
	[A_LEVEL] = { "level", "级别或结果", F_STR, false, 1, 30, NULL, NULL },
	[A_DESC] = { "description", "说明", F_LINES, false, 1, 2000, NULL, NULL },
	[A_COLL] = { "collective", "集体项目", F_BOOL, false, 0, 0, NULL, NULL },
	[A_ATT] = { "attachments", "附件", F_ARRAY, false, 0, 10, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_archive_list(struct req *r)
{
	char uid[24];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[AR_LIST], &res, 1, uid)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++)
		cJSON_AddItemToArray(items, archive_item_json(res, i));
	PQclear(res);
	return PERR_OK;
}

/* Writes the upload ids of a JSON array as a PostgreSQL array literal
 * ("{1,2}") into buf, refusing anything but positive integers, and an id
 * given twice (own_uploads() counts them: it would read as another's file). */
enum perr
id_array(struct req *r, const cJSON *a, const char *field, char *buf, size_t bufsz, int *n)
{
	const cJSON *it, *before;
	size_t o = 1;

	buf[0] = '{';
	*n = 0;
	cJSON_ArrayForEach(it, a) {
		int k;

		if (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > 1e15 ||
		    it->valuedouble != (double)(long long)it->valuedouble)
			return req_fail(r, PERR_INVALID_FIELD, field, "附件编号不正确");
		for (before = a->child; before != it; before = before->next)
			if (before->valuedouble == it->valuedouble)
				return req_fail(r, PERR_INVALID_FIELD, field, "同一文件不能重复添加");
		k = snprintf(buf + o, bufsz - o, "%s%lld", *n ? "," : "",
		    (long long)it->valuedouble);
		if (k < 0 || (size_t)k >= bufsz - o - 1)
			return req_fail(r, PERR_INVALID_FIELD, field, "附件过多");
		o += (size_t)k;
		(*n)++;
	}
	buf[o++] = '}';
	buf[o] = '\0';
	return PERR_OK;
}

/* true when all n uploads in the array literal belong to the caller */
enum perr
own_uploads(struct req *r, const char *arr, int n, const char *field)
{
	char uid[24];
	PGresult *res;
	enum perr e;
	bool ok;

	if (n == 0)
		return PERR_OK;
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[AR_OWN_UPLOADS], &res, 2, arr, uid)) != PERR_OK)
		return e;
	ok = db_int(res, 0, 0) == n;
	PQclear(res);
	return ok ? PERR_OK : req_fail(r, PERR_INVALID_FIELD, field,
	    "只能使用本人上传的文件，请重新上传");
}

static const char *
fstr(const struct fval *v)
{
	return v->present ? v->s : "";
}

/* Shared by create and edit: validates, then updates update_id, or inserts a
 * new item (a new version of previous_id when an approved item is revised). */
static enum perr
archive_save(struct req *r, long long update_id, long long previous_id)
{
	char uid[24], arr[256], reviewer[24], prev[24], id[24];
	const struct fval *f = r->f;
	PGresult *res = NULL;
	long long new_id = update_id;
	int n = 0;
	enum perr e;

	if (f[A_ATT].present && (e = id_array(r, f[A_ATT].a, "attachments", arr, sizeof(arr),
	    &n)) != PERR_OK)
		return e;
	if (!f[A_ATT].present)
		snprintf(arr, sizeof(arr), "{}");
	if ((e = own_uploads(r, arr, n, "attachments")) != PERR_OK)
		return e;
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[AR_REVIEWER], &res, 1, uid)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1 || db_str(res, 0, 0) == NULL) {
		PQclear(res);
		return req_fail(r, PERR_INVALID_FIELD, "kind",
		    "请先在“个人基本信息”中选择现工作单位（或人才交流中心），业绩档案由其审核");
	}
	/* nothing goes to an organisation that refused the person */
	if (db_bool(res, 0, 1)) {
		e = req_fail(r, PERR_INVALID_FIELD, "kind", "%s未确认您的人员信息（理由：%s），"
		    "请在“个人基本信息”中重新选择现工作单位（或人才交流中心）",
		    db_str(res, 0, 3), db_str(res, 0, 2));
		PQclear(res);
		return e;
	}
	snprintf(reviewer, sizeof(reviewer), "%s", db_str(res, 0, 0));
	PQclear(res);
	res = NULL;
	snprintf(prev, sizeof(prev), "%lld", previous_id);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if (update_id > 0) {
		snprintf(id, sizeof(id), "%lld", update_id);
		e = db_exec(&st[AR_UPDATE], &res, 13, id, uid, f[A_KIND].s, f[A_TITLE].s,
		    fstr(&f[A_DATE]), fstr(&f[A_ROLE]), fstr(&f[A_ORG]), fstr(&f[A_NUMBER]),
		    fstr(&f[A_LEVEL]), fstr(&f[A_DESC]), f[A_COLL].b ? "true" : "false", arr,
		    reviewer);
		if (e == PERR_OK && atoi(PQcmdTuples(res)) != 1)
			e = req_fail(r, PERR_CONFLICT, NULL, "该业绩已审核，请刷新后重试");
	} else {
		e = db_exec(&st[AR_INSERT], &res, 13, uid, f[A_KIND].s, f[A_TITLE].s,
		    fstr(&f[A_DATE]), fstr(&f[A_ROLE]), fstr(&f[A_ORG]), fstr(&f[A_NUMBER]),
		    fstr(&f[A_LEVEL]), fstr(&f[A_DESC]), f[A_COLL].b ? "true" : "false", arr,
		    reviewer, prev);
		if (e == PERR_OK)
			new_id = db_int(res, 0, 0);
		/* another edit made the revision of this item first (sql/061) */
		else if (e == PERR_CONFLICT && prev[0] != '0')
			e = req_fail(r, PERR_CONFLICT, NULL, "该业绩的修改已在另一处保存，请刷新后修改");
	}
	PQclear(res);
	res = NULL;
	if (e != PERR_OK ||
	    (e = req_audit(r, update_id > 0 ? "archive_edit" : "archive_add", "archive_item",
	    new_id, NULL)) != PERR_OK || (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	snprintf(id, sizeof(id), "%lld", new_id);
	if ((e = db_exec(&st[AR_ONE], &res, 2, id, uid)) != PERR_OK)
		return e;
	cJSON_AddItemToObject(req_out(r), "item", archive_item_json(res, 0));
	PQclear(res);
	if (update_id <= 0)
		r->status = 201;
	return PERR_OK;
}

enum perr
h_archive_add(struct req *r)
{
	return archive_save(r, 0, 0);
}

enum perr
h_archive_edit(struct req *r)
{
	char id[24], uid[24];
	PGresult *res;
	long long pending;
	enum perr e;

	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[AR_ONE], &res, 2, id, uid)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "业绩不存在");
	}
	if (strcmp(db_str(res, 0, 11), "approved") != 0) {
		bool superseded = strcmp(db_str(res, 0, 11), "superseded") == 0;

		PQclear(res);
		if (superseded)
			return req_fail(r, PERR_CONFLICT, NULL, "这是旧版本，请修改最新版本");
		return archive_save(r, r->id, 0);
	}
	PQclear(res);
	/* approved: frozen; revise a pending new version, or start one */
	if ((e = db_exec(&st[AR_PENDING_VERSION], &res, 2, id, uid)) != PERR_OK)
		return e;
	pending = PQntuples(res) == 1 ? db_int(res, 0, 0) : 0;
	PQclear(res);
	return pending ? archive_save(r, pending, 0) : archive_save(r, 0, r->id);
}

enum perr
h_archive_delete(struct req *r)
{
	char id[24], uid[24];
	PGresult *res;
	enum perr e;

	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_begin()) != PERR_OK)
		return e;
	/* ownership before any state: another's item answers as a missing one */
	if ((e = db_exec(&st[AR_MINE], &res, 2, id, uid)) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback();
		return req_fail(r, PERR_NOT_FOUND, NULL, "业绩不存在");
	}
	PQclear(res);
	if ((e = db_exec(&st[AR_USED], &res, 1, id)) != PERR_OK)
		goto fail;
	if (PQntuples(res) > 0) {
		PQclear(res);
		db_rollback();
		return req_fail(r, PERR_CONFLICT, NULL, "该业绩已用于申报，不能删除");
	}
	PQclear(res);
	if ((e = db_exec(&st[AR_DELETE], &res, 2, id, uid)) != PERR_OK)
		goto fail;
	if (atoi(PQcmdTuples(res)) != 1) {
		PQclear(res);
		db_rollback();
		return req_fail(r, PERR_CONFLICT, NULL, "只能删除待审核或未通过的业绩");
	}
	PQclear(res);
	if ((e = req_audit(r, "archive_delete", "archive_item", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	db_rollback();
	return e;
}
