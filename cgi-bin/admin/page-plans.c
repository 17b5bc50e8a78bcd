/*
 * page-plans.c: the operator writes and publishes 评审工作计划: year, series,
 * level, the chains it runs, the window, the fee items, scope and
 * requirements. Until someone applies, a plan is corrected freely; after
 * that, its chains and level are fixed, and a change to its rules, fee or
 * window is an amendment with a reason, shown to everyone with the plan
 * (orders already made keep their amount). Closing or extending the window
 * is such a change too. Its files (附件: the forms and samples the notice sends
 * applicants to) are uploaded first, then named in the form; once people
 * applied, changing them is an amendment as well.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "application.h"

enum {
	PN_INSERT, PN_LOAD, PN_UPDATE, PN_AMEND, PN_PIPES_OK, PN_PUBLISH, PN_FILES_OK, PN_FILES_DEL,
	PN_FILES_ADD, PN_DRAFT, PN_DELETE, PN__MAX
};

/* 推荐评审费标准 (管理部门网上审核操作办法 §二(一)1), in 元 */
#define FEE_MID_RECOMMEND	80
#define FEE_MID_REVIEW		180
#define FEE_JUNIOR		100

static struct db_stmt st[PN__MAX] = {
	[PN_INSERT] = { "admin_plan_insert",
	    "INSERT INTO plan (year, name, series, level, title_name, pipelines, opens_on, closes_on,"
	    " fee_recommend, fee_review, scope, requirements, status, created_by)"
	    " VALUES ($1, $2, $3, $4, $5, string_to_array($6, ','), $7::date, $8::date, $9, $10, $11,"
	    " $12, $13, $14) RETURNING id", 0 },
	/* the plan as stored, as text for amendments, and whether anyone applied */
	[PN_LOAD] = { "admin_plan_load",
	    "SELECT year::text, name, series, level, title_name, array_to_string(pipelines, ','),"
	    " to_char(opens_on, 'YYYY-MM-DD'), to_char(closes_on, 'YYYY-MM-DD'), fee_recommend::text,"
	    " fee_review::text, scope, requirements, status,"
	    " EXISTS (SELECT 1 FROM application a WHERE a.plan_id = plan.id),"
	    " (SELECT coalesce(string_agg(f.upload_id || ':' || coalesce(f.kind, '') || ':' || f.title,"
	    "  '|' ORDER BY f.seq), '') FROM plan_file f WHERE f.plan_id = plan.id),"
	    " (SELECT coalesce(string_agg(f.title, '、' ORDER BY f.seq), '')"
	    "  FROM plan_file f WHERE f.plan_id = plan.id),"
	    " (SELECT '{' || coalesce(string_agg(f.upload_id::text, ',' ORDER BY f.seq), '') || '}'"
	    "  FROM plan_file f WHERE f.plan_id = plan.id),"
	    " to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
	    " FROM plan WHERE id = $1::bigint FOR UPDATE", 0 },
	[PN_UPDATE] = { "admin_plan_update",
	    "UPDATE plan SET year = $2, name = $3, series = $4, level = $5, title_name = $6,"
	    " pipelines = string_to_array($7, ','), opens_on = $8::date, closes_on = $9::date,"
	    " fee_recommend = $10, fee_review = $11, scope = $12, requirements = $13,"
	    " updated_at = now() WHERE id = $1", 0 },
	[PN_AMEND] = { "admin_plan_amend",
	    "INSERT INTO plan_amendment (plan_id, field, old_value, new_value, reason, created_by)"
	    " VALUES ($1, $2, $3, $4, $5, $6)", 0 },
	/* every chain named exists, and is of the plan's level */
	[PN_PIPES_OK] = { "admin_plan_pipes_ok",
	    "SELECT count(*) = cardinality(string_to_array($1, ','))"
	    " AND bool_and(level = $2) FROM pipeline WHERE code = ANY (string_to_array($1, ','))", 0 },
	[PN_PUBLISH] = { "admin_plan_publish",
	    "UPDATE plan SET status = 'published', updated_at = now() WHERE id = $1 AND status = 'draft'"
	    " RETURNING id", 0 },
	/* the files named are uploads of this operator's, or already the plan's */
	[PN_FILES_OK] = { "admin_plan_files_ok",
	    "SELECT count(*) FROM upload u WHERE u.id = ANY ($1::bigint[]) AND (u.owner_id = $2"
	    " OR EXISTS (SELECT 1 FROM plan_file f WHERE f.upload_id = u.id AND f.plan_id = $3))", 0 },
	[PN_FILES_DEL] = { "admin_plan_files_del", "DELETE FROM plan_file WHERE plan_id = $1", 0 },
	[PN_FILES_ADD] = { "admin_plan_files_add",
	    "INSERT INTO plan_file (plan_id, upload_id, seq, title, kind)"
	    " SELECT $1, (v->>'upload_id')::bigint, n, v->>'title', nullif(v->>'kind', '')"
	    " FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(v, n)", 0 },
	[PN_DRAFT] = { "admin_plan_draft",
	    "SELECT status, name FROM plan WHERE id = $1::bigint FOR UPDATE", 0 },
	/* (a department's 收费设定 of it is a foreign key: the delete is refused, 409) */
	[PN_DELETE] = { "admin_plan_delete", "DELETE FROM plan WHERE id = $1 AND status = 'draft'", 0 },
};

static bool
valid_level(const char *s)
{
	return strcmp(s, "junior") == 0 || strcmp(s, "mid") == 0;
}

enum {
	PF_YEAR, PF_NAME, PF_SERIES, PF_LEVEL, PF_TITLE, PF_PIPELINES, PF_OPENS, PF_CLOSES,
	PF_FEE_REC, PF_FEE_REV, PF_SCOPE, PF_REQ, PF_PUBLISH, PF_REASON, PF_FILES, PF_SEEN
};

#define PLAN_FILES_MAX 10

const struct field plan_fields[] = {
	[PF_YEAR] = { "year", "年度", F_INT, true, 2000, 2100, NULL, NULL },
	[PF_NAME] = { "name", "计划名称", F_STR, true, 4, 100, NULL, NULL },
	[PF_SERIES] = { "series", "系列", F_STR, true, 2, 30, NULL, NULL },
	[PF_LEVEL] = { "level", "级别", F_STR, true, 1, 10, valid_level, "级别只能是初级或中级" },
	[PF_TITLE] = { "title_name", "评审职称", F_STR, true, 2, 30, NULL, NULL },
	[PF_PIPELINES] = { "pipelines", "评审程序", F_ARRAY, true, 1, 4, NULL, NULL },
	[PF_OPENS] = { "opens_on", "申报开始日期", F_STR, true, 10, 10, valid_calendar_date,
	    "申报开始日期应为有效的日期（如 2023-05-08）" },
	[PF_CLOSES] = { "closes_on", "申报截止日期", F_STR, true, 10, 10, valid_calendar_date,
	    "申报截止日期应为有效的日期（如 2023-05-08）" },
	[PF_FEE_REC] = { "fee_recommend", "推荐费（元）", F_INT, true, 0, 10000, NULL, NULL },
	[PF_FEE_REV] = { "fee_review", "评审费（元）", F_INT, true, 0, 10000, NULL, NULL },
	[PF_SCOPE] = { "scope", "适用范围", F_LINES, false, 0, 2000, NULL, NULL },
	[PF_REQ] = { "requirements", "申报要求", F_LINES, false, 0, 5000, NULL, NULL },
	[PF_PUBLISH] = { "publish", "发布", F_BOOL, false, 0, 0, NULL, NULL },
	[PF_REASON] = { "reason", "变更理由", F_LINES, false, 0, 500, NULL, NULL },
	[PF_FILES] = { "files", "附件", F_ARRAY, false, 0, PLAN_FILES_MAX, NULL, NULL },
	/* the plan's updated_at as the form read it (plan_get): a save over a change made
	 * meanwhile by another operator is refused, not a silent loss of theirs */
	[PF_SEEN] = { "updated_at", "读取时间", F_STR, false, 0, 40, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* The form's values as text, in PN_LOAD's column order (0-11); the files, when
 * the form names them, as JSON for PN_FILES_ADD, and as PN_LOAD's columns 14
 * (what identifies them), 15 (their titles) and 16 (their ids, for PN_FILES_OK). */
struct plan_form {
	char year[8], pipes[200], fee_rec[16], fee_rev[16];
	const char *v[12];
	bool files;
	char *files_json;
	char ids[PLAN_FILES_MAX * 21 + 3];
	char key[PLAN_FILES_MAX * 300], titles[PLAN_FILES_MAX * 260];
};

static void
form_free(struct plan_form *pf)
{
	cJSON_free(pf->files_json);
	pf->files_json = NULL;
}

/* The files of the form: [{upload_id, title, kind}], each an upload once, a
 * title of 2-60 characters, kind empty or an application file's. */
static enum perr
read_files(struct req *r, struct plan_form *pf)
{
	const cJSON *it;
	cJSON *out;
	long long seen[PLAN_FILES_MAX];
	size_t ko = 0, to = 0, io = 0;
	int n = 0, i;

	if (!r->f[PF_FILES].present)
		return PERR_OK;
	pf->files = true;
	out = cJSON_CreateArray();
	io += (size_t)snprintf(pf->ids, sizeof(pf->ids), "{");
	cJSON_ArrayForEach(it, r->f[PF_FILES].a) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "upload_id");
		const cJSON *title = cJSON_GetObjectItemCaseSensitive(it, "title");
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(it, "kind");
		const char *k = cJSON_IsString(kind) ? kind->valuestring : "";
		char t[256];
		size_t chars;
		cJSON *o;

		if (!cJSON_IsObject(it) || !cJSON_IsNumber(id) || id->valuedouble < 1 ||
		    id->valuedouble > (double)(1LL << 50) ||
		    id->valuedouble != (double)(long long)id->valuedouble) {
			cJSON_Delete(out);
			return req_fail(r, PERR_INVALID_FIELD, "files", "附件不正确，请重新上传");
		}
		if (!cJSON_IsString(title) || strlen(title->valuestring) >= sizeof(t) ||
		    !valid_text(title->valuestring, 200)) {
			cJSON_Delete(out);
			return req_fail(r, PERR_INVALID_FIELD, "files", "附件名称应为 2 至 60 个字");
		}
		snprintf(t, sizeof(t), "%s", title->valuestring);
		utf8_trim(t);
		chars = utf8_chars(t);
		if (chars < 2 || chars > 60 || strpbrk(t, "\n\r\t|") != NULL) {
			cJSON_Delete(out);
			return req_fail(r, PERR_INVALID_FIELD, "files",
			    "附件名称应为 2 至 60 个字（不含换行和“|”），当前“%s”", t);
		}
		if (!(kind == NULL || cJSON_IsNull(kind) || cJSON_IsString(kind)) ||
		    (k[0] != '\0' && file_kind(k) == NULL)) {
			cJSON_Delete(out);
			return req_fail(r, PERR_INVALID_FIELD, "files", "附件“%s”对应的申报材料不正确", t);
		}
		for (i = 0; i < n; i++)
			if (seen[i] == (long long)id->valuedouble) {
				cJSON_Delete(out);
				return req_fail(r, PERR_INVALID_FIELD, "files", "同一文件只能作为一个附件");
			}
		seen[n++] = (long long)id->valuedouble;
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "upload_id", id->valuedouble);
		cJSON_AddStringToObject(o, "title", t);
		cJSON_AddStringToObject(o, "kind", k);
		cJSON_AddItemToArray(out, o);
		io += (size_t)snprintf(pf->ids + io, sizeof(pf->ids) - io, "%s%lld", n > 1 ? "," : "",
		    seen[n - 1]);
		ko += (size_t)snprintf(pf->key + ko, sizeof(pf->key) - ko, "%s%lld:%s:%s", n > 1 ? "|" : "",
		    seen[n - 1], k, t);
		to += (size_t)snprintf(pf->titles + to, sizeof(pf->titles) - to, "%s%s", n > 1 ? "、" : "",
		    t);
	}
	snprintf(pf->ids + io, sizeof(pf->ids) - io, "}");
	pf->files_json = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	return pf->files_json != NULL ? PERR_OK : PERR_INTERNAL;
}

/* The form's files become the plan's: each one this operator's upload or the
 * plan's already. */
static enum perr
write_files(struct req *r, long long plan, const struct plan_form *pf)
{
	PGresult *res;
	long long n;
	int want = 0;
	const char *p;
	enum perr e;

	for (p = pf->ids; *p != '\0'; p++)
		want += *p == ',';
	if (strcmp(pf->ids, "{}") != 0)
		want++;
	if ((e = db_run(&st[PN_FILES_OK], &res, 3, DB_S(pf->ids), DB_I(r->s.user_id), DB_I(plan))) !=
	    PERR_OK)
		return e;
	n = db_int(res, 0, 0);
	PQclear(res);
	if (n != want)
		return req_fail(r, PERR_INVALID_FIELD, "files", "附件不存在或不是本人上传的文件，请重新上传");
	if ((e = db_run(&st[PN_FILES_DEL], NULL, 1, DB_I(plan))) != PERR_OK)
		return e;
	return db_run(&st[PN_FILES_ADD], NULL, 2, DB_I(plan), DB_S(pf->files_json));
}

static enum perr
read_form(struct req *r, struct plan_form *pf)
{
	const struct fval *f = r->f;
	const cJSON *it;
	PGresult *res;
	size_t o = 0;
	bool ok;
	enum perr e;

	memset(pf, 0, sizeof(*pf));
	cJSON_ArrayForEach(it, f[PF_PIPELINES].a) {
		if (!cJSON_IsString(it) || strlen(it->valuestring) > 30 ||
		    strspn(it->valuestring, "abcdefghijklmnopqrstuvwxyz_") != strlen(it->valuestring) ||
		    o + strlen(it->valuestring) + 2 > sizeof(pf->pipes))
			return req_fail(r, PERR_INVALID_FIELD, "pipelines", "评审程序不正确");
		o += (size_t)snprintf(pf->pipes + o, sizeof(pf->pipes) - o, "%s%s", o ? "," : "",
		    it->valuestring);
	}
	if ((e = db_run(&st[PN_PIPES_OK], &res, 2, DB_S(pf->pipes), DB_S(f[PF_LEVEL].s))) != PERR_OK)
		return e;
	ok = db_bool(res, 0, 0);
	PQclear(res);
	if (!ok)
		return req_fail(r, PERR_INVALID_FIELD, "pipelines", "评审程序须为本级别（%s）的程序",
		    f[PF_LEVEL].s[0] == 'm' ? "中级" : "初级");
	if (strcmp(f[PF_CLOSES].s, f[PF_OPENS].s) < 0)
		return req_fail(r, PERR_INVALID_FIELD, "closes_on", "申报截止日期不能早于开始日期");
	/* the fee standard (浙价费〔2002〕229号, as the notice keeps it): 中级 推荐费 80
	 * + 评审费 180, 初级 100 in all; a plan may charge it or less, never more */
	if (f[PF_LEVEL].s[0] == 'm' && f[PF_FEE_REC].i > FEE_MID_RECOMMEND)
		return req_fail(r, PERR_INVALID_FIELD, "fee_recommend",
		    "中级推荐费不能超过收费标准 %d 元（浙价费〔2002〕229号）", FEE_MID_RECOMMEND);
	if (f[PF_LEVEL].s[0] == 'm' && f[PF_FEE_REV].i > FEE_MID_REVIEW)
		return req_fail(r, PERR_INVALID_FIELD, "fee_review",
		    "中级评审费不能超过收费标准 %d 元（浙价费〔2002〕229号）", FEE_MID_REVIEW);
	if (f[PF_LEVEL].s[0] == 'j' && f[PF_FEE_REC].i + f[PF_FEE_REV].i > FEE_JUNIOR)
		return req_fail(r, PERR_INVALID_FIELD, "fee_review",
		    "初级推荐评审费合计不能超过收费标准 %d 元（浙价费〔2002〕229号）", FEE_JUNIOR);
	snprintf(pf->year, sizeof(pf->year), "%lld", f[PF_YEAR].i);
	snprintf(pf->fee_rec, sizeof(pf->fee_rec), "%lld", f[PF_FEE_REC].i);
	snprintf(pf->fee_rev, sizeof(pf->fee_rev), "%lld", f[PF_FEE_REV].i);
	pf->v[0] = pf->year;
	pf->v[1] = f[PF_NAME].s;
	pf->v[2] = f[PF_SERIES].s;
	pf->v[3] = f[PF_LEVEL].s;
	pf->v[4] = f[PF_TITLE].s;
	pf->v[5] = pf->pipes;
	pf->v[6] = f[PF_OPENS].s;
	pf->v[7] = f[PF_CLOSES].s;
	pf->v[8] = pf->fee_rec;
	pf->v[9] = pf->fee_rev;
	pf->v[10] = f[PF_SCOPE].present ? f[PF_SCOPE].s : "";
	pf->v[11] = f[PF_REQ].present ? f[PF_REQ].s : "";
	return PERR_OK;
}

enum perr
h_admin_plans(struct req *r)
{
	return plan_list(true, req_out(r));
}

enum perr
h_admin_plan(struct req *r)
{
	enum perr e = plan_get(r->id, true, req_out(r));

	if (e == PERR_NOT_FOUND)
		return req_fail(r, e, NULL, "评审工作计划不存在");
	return e;
}

enum perr
h_admin_plan_add(struct req *r)
{
	const struct fval *f = r->f;
	struct plan_form pf;
	PGresult *res = NULL;
	long long id;
	enum perr e;

	if ((e = read_form(r, &pf)) != PERR_OK || (e = read_files(r, &pf)) != PERR_OK) {
		form_free(&pf);
		return e;
	}
	if ((e = db_begin()) != PERR_OK) {
		form_free(&pf);
		return e;
	}
	e = db_run(&st[PN_INSERT], &res, 14, DB_I(f[PF_YEAR].i), DB_S(pf.v[1]), DB_S(pf.v[2]),
	    DB_S(pf.v[3]), DB_S(pf.v[4]), DB_S(pf.v[5]), DB_S(pf.v[6]), DB_S(pf.v[7]),
	    DB_I(f[PF_FEE_REC].i), DB_I(f[PF_FEE_REV].i), DB_S(pf.v[10]), DB_S(pf.v[11]),
	    DB_S(f[PF_PUBLISH].present && f[PF_PUBLISH].b ? "published" : "draft"), DB_I(r->s.user_id));
	if (e == PERR_CONFLICT) {
		db_rollback();
		form_free(&pf);
		return req_fail(r, PERR_CONFLICT, "name", "已有同名的评审工作计划");
	}
	if (e != PERR_OK)
		goto fail;
	id = db_int(res, 0, 0);
	if (pf.files && (e = write_files(r, id, &pf)) != PERR_OK)
		goto fail;
	if ((e = req_audit(r, "plan_add", "plan", id, NULL)) != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	form_free(&pf);
	r->status = 201;
	return plan_get(id, true, req_out(r));
fail:
	PQclear(res);
	form_free(&pf);
	db_rollback();
	return e;
}

/*
 * The form's files, other than the plan's (res: PN_LOAD's row), become the
 * plan's; once people applied, with a reason and an amendment naming them by
 * their titles, and saying what changed under the same titles.
 */
static enum perr
change_files(struct req *r, const PGresult *res, const struct plan_form *pf, bool applied,
    const char *reason)
{
	char was[sizeof(pf->titles)], now[sizeof(pf->titles) + 64];
	const char *same = "";
	enum perr e;

	if (applied && reason[0] == '\0')
		return req_fail(r, PERR_INVALID_FIELD, "reason",
		    "已有人员按本计划申报，变更须填写理由（将作为更正公告向申报人员公开）");
	if (strcmp(db_str(res, 0, 15), pf->titles) == 0)
		same = strcmp(db_str(res, 0, 16), pf->ids) != 0 ? "（文件已更换）" :
		    "（对应的申报材料已调整）";
	snprintf(was, sizeof(was), "%s", db_str(res, 0, 15)[0] ? db_str(res, 0, 15) : "无");
	snprintf(now, sizeof(now), "%s%s", pf->titles[0] ? pf->titles : "无", same);
	if (applied && (e = db_run(&st[PN_AMEND], NULL, 6, DB_I(r->id), DB_S("附件"), DB_S(was),
	    DB_S(now), DB_S(reason), DB_I(r->s.user_id))) != PERR_OK)
		return e;
	return write_files(r, r->id, pf);
}

/* Labels of the fields an amendment names. */
static const char *const plan_labels[12] = {
	"年度", "计划名称", "系列", "级别", "评审职称", "评审程序", "申报开始日期", "申报截止日期",
	"推荐费（元）", "评审费（元）", "适用范围", "申报要求",
};

enum perr
h_admin_plan_edit(struct req *r)
{
	const struct fval *f = r->f;
	const char *reason = f[PF_REASON].present ? f[PF_REASON].s : "";
	struct plan_form pf;
	PGresult *res = NULL;
	bool applied, files_changed = false;
	int i, changes = 0, changed[12];
	cJSON *detail;
	enum perr e;

	if ((e = read_form(r, &pf)) != PERR_OK || (e = read_files(r, &pf)) != PERR_OK) {
		form_free(&pf);
		return e;
	}
	if ((e = db_begin()) != PERR_OK) {
		form_free(&pf);
		return e;
	}
	if ((e = db_run(&st[PN_LOAD], &res, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "评审工作计划不存在");
		goto fail;
	}
	applied = db_bool(res, 0, 13);
	if (f[PF_SEEN].present && f[PF_SEEN].s[0] != '\0' && strcmp(f[PF_SEEN].s, db_str(res, 0, 17)) != 0) {
		e = req_fail(r, PERR_CONFLICT, "updated_at",
		    "该评审工作计划已被他人修改，请刷新页面查看后再修改（本次修改未保存）");
		goto fail;
	}
	/* what applicants were shown stays shown: a published plan is corrected
	 * by amendments, not taken back */
	if (f[PF_PUBLISH].present && !f[PF_PUBLISH].b && strcmp(db_str(res, 0, 12), "published") == 0) {
		e = req_fail(r, PERR_CONFLICT, "publish",
		    "已发布的评审工作计划不能撤回为草稿；如需更正，请修改后填写变更理由");
		goto fail;
	}
	/* (the level is a required field: never NULL here) */
	if (applied && (strcmp(db_str(res, 0, 3), pf.v[3] ? pf.v[3] : "") != 0 ||
	    strcmp(db_str(res, 0, 5), pf.v[5]) != 0)) {
		e = req_fail(r, PERR_CONFLICT, "pipelines",
		    "已有人员按本计划申报，级别和评审程序不能再变更");
		goto fail;
	}
	/* once people applied, each change is an amendment with its reason */
	for (i = 0; i < 12; i++) {
		if (strcmp(db_str(res, 0, i), pf.v[i]) == 0)
			continue;
		changed[changes++] = i;
		if (!applied)
			continue;
		if (reason[0] == '\0') {
			e = req_fail(r, PERR_INVALID_FIELD, "reason",
			    "已有人员按本计划申报，变更须填写理由（将作为更正公告向申报人员公开）");
			goto fail;
		}
		if ((e = db_run(&st[PN_AMEND], NULL, 6, DB_I(r->id), DB_S(plan_labels[i]),
		    DB_S(db_str(res, 0, i)), DB_S(pf.v[i]), DB_S(reason), DB_I(r->s.user_id))) != PERR_OK)
			goto fail;
	}
	if (pf.files && strcmp(db_str(res, 0, 14), pf.key) != 0) {
		files_changed = true;
		if ((e = change_files(r, res, &pf, applied, reason)) != PERR_OK)
			goto fail;
	}
	PQclear(res);
	res = NULL;
	if (changes > 0 || files_changed) {
		e = db_run(&st[PN_UPDATE], NULL, 13, DB_I(r->id), DB_I(f[PF_YEAR].i), DB_S(pf.v[1]),
		    DB_S(pf.v[2]), DB_S(pf.v[3]), DB_S(pf.v[4]), DB_S(pf.v[5]), DB_S(pf.v[6]),
		    DB_S(pf.v[7]), DB_I(f[PF_FEE_REC].i), DB_I(f[PF_FEE_REV].i), DB_S(pf.v[10]),
		    DB_S(pf.v[11]));
		if (e == PERR_CONFLICT) {
			db_rollback();
			form_free(&pf);
			return req_fail(r, PERR_CONFLICT, "name", "已有同名的评审工作计划");
		}
		if (e != PERR_OK)
			goto fail;
		/* the audit row names what changed, and why once people applied */
		detail = cJSON_CreateObject();
		{
			cJSON *names = cJSON_AddArrayToObject(detail, "fields");

			for (i = 0; i < changes; i++)
				cJSON_AddItemToArray(names, cJSON_CreateString(plan_labels[changed[i]]));
			if (files_changed)
				cJSON_AddItemToArray(names, cJSON_CreateString("附件"));
		}
		if (applied)
			cJSON_AddStringToObject(detail, "reason", reason);
		e = req_audit(r, applied ? "plan_amend" : "plan_edit", "plan", r->id, detail);
		cJSON_Delete(detail);
		if (e != PERR_OK)
			goto fail;
	}
	if (f[PF_PUBLISH].present && f[PF_PUBLISH].b) {
		if ((e = db_run(&st[PN_PUBLISH], &res, 1, DB_I(r->id))) != PERR_OK)
			goto fail;
		if (PQntuples(res) == 1 && (e = req_audit(r, "plan_publish", "plan", r->id, NULL)) != PERR_OK)
			goto fail;
		PQclear(res);
		res = NULL;
	}
	if ((e = db_commit()) != PERR_OK)
		goto fail;
	form_free(&pf);
	return plan_get(r->id, true, req_out(r));
fail:
	PQclear(res);
	form_free(&pf);
	db_rollback();
	return e;
}

/* DELETE /plans/:id: a draft made by mistake goes (the operator walk: it stayed in the
 * list for good); a published plan is corrected by amendments, never taken back. Its
 * files' links go with it; the uploads stay, as every upload does. */
enum perr
h_admin_plan_delete(struct req *r)
{
	PGresult *res = NULL;
	cJSON *detail;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[PN_DRAFT], &res, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "评审工作计划不存在");
		goto fail;
	}
	if (strcmp(db_str(res, 0, 0), "draft") != 0) {
		e = req_fail(r, PERR_CONFLICT, NULL,
		    "已发布的评审工作计划不能删除；如需更正，请修改后填写变更理由");
		goto fail;
	}
	detail = cJSON_CreateObject();
	cJSON_AddStringToObject(detail, "name", db_str(res, 0, 1));
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[PN_FILES_DEL], NULL, 1, DB_I(r->id))) == PERR_OK &&
	    (e = db_run(&st[PN_DELETE], NULL, 1, DB_I(r->id))) == PERR_CONFLICT)
		e = req_fail(r, PERR_CONFLICT, NULL, "该草稿已有部门设定了收费，不能删除");
	if (e == PERR_OK)
		e = req_audit(r, "plan_delete", "plan", r->id, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	cJSON_AddBoolToObject(req_out(r), "deleted", true);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}
