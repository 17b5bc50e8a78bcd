/*
 * page-plans.c: the operator writes and publishes 评审工作计划: year, series,
 * level, the chains it runs, the window, the fee items, scope and
 * requirements. Until someone applies, a plan is corrected freely; after
 * that, its chains and level are fixed, and a change to its rules, fee or
 * window is an amendment with a reason, shown to everyone with the plan
 * (orders already made keep their amount). Closing or extending the window
 * is such a change too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

enum { PN_INSERT, PN_LOAD, PN_UPDATE, PN_AMEND, PN_PIPES_OK, PN_PUBLISH, PN__MAX };

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
	    " EXISTS (SELECT 1 FROM application a WHERE a.plan_id = plan.id)"
	    " FROM plan WHERE id = $1 FOR UPDATE", 0 },
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
};

static bool
valid_level(const char *s)
{
	return strcmp(s, "junior") == 0 || strcmp(s, "mid") == 0;
}

enum {
	PF_YEAR, PF_NAME, PF_SERIES, PF_LEVEL, PF_TITLE, PF_PIPELINES, PF_OPENS, PF_CLOSES,
	PF_FEE_REC, PF_FEE_REV, PF_SCOPE, PF_REQ, PF_PUBLISH, PF_REASON
};

const struct field plan_fields[] = {
	[PF_YEAR] = { "year", "年度", F_INT, true, 2000, 2100, NULL, NULL },
	[PF_NAME] = { "name", "计划名称", F_STR, true, 4, 100, NULL, NULL },
	[PF_SERIES] = { "series", "系列", F_STR, true, 2, 30, NULL, NULL },
	[PF_LEVEL] = { "level", "级别", F_STR, true, 1, 10, valid_level, "级别只能是初级或中级" },
	[PF_TITLE] = { "title_name", "评审职称", F_STR, true, 2, 30, NULL, NULL },
	[PF_PIPELINES] = { "pipelines", "评审程序", F_ARRAY, true, 1, 4, NULL, NULL },
	[PF_OPENS] = { "opens_on", "申报开始日期", F_STR, true, 10, 10, valid_calendar_date,
	    "申报开始日期应为有效的日期（YYYY-MM-DD）" },
	[PF_CLOSES] = { "closes_on", "申报截止日期", F_STR, true, 10, 10, valid_calendar_date,
	    "申报截止日期应为有效的日期（YYYY-MM-DD）" },
	[PF_FEE_REC] = { "fee_recommend", "推荐费（元）", F_INT, true, 0, 10000, NULL, NULL },
	[PF_FEE_REV] = { "fee_review", "评审费（元）", F_INT, true, 0, 10000, NULL, NULL },
	[PF_SCOPE] = { "scope", "适用范围", F_STR, false, 0, 2000, NULL, NULL },
	[PF_REQ] = { "requirements", "申报要求", F_STR, false, 0, 5000, NULL, NULL },
	[PF_PUBLISH] = { "publish", "发布", F_BOOL, false, 0, 0, NULL, NULL },
	[PF_REASON] = { "reason", "变更理由", F_STR, false, 0, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* The form's values as text, in PN_LOAD's column order (0-11). */
struct plan_form {
	char year[8], pipes[200], fee_rec[16], fee_rev[16];
	const char *v[12];
};

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

	if ((e = read_form(r, &pf)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	e = db_run(&st[PN_INSERT], &res, 14, DB_I(f[PF_YEAR].i), DB_S(pf.v[1]), DB_S(pf.v[2]),
	    DB_S(pf.v[3]), DB_S(pf.v[4]), DB_S(pf.v[5]), DB_S(pf.v[6]), DB_S(pf.v[7]),
	    DB_I(f[PF_FEE_REC].i), DB_I(f[PF_FEE_REV].i), DB_S(pf.v[10]), DB_S(pf.v[11]),
	    DB_S(f[PF_PUBLISH].present && f[PF_PUBLISH].b ? "published" : "draft"), DB_I(r->s.user_id));
	if (e == PERR_CONFLICT) {
		db_rollback();
		return req_fail(r, PERR_CONFLICT, "name", "已有同名的评审工作计划");
	}
	if (e != PERR_OK)
		goto fail;
	id = db_int(res, 0, 0);
	if ((e = req_audit(r, "plan_add", "plan", id, NULL)) != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	r->status = 201;
	return plan_get(id, true, req_out(r));
fail:
	PQclear(res);
	db_rollback();
	return e;
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
	bool applied;
	int i, changes = 0, changed[12];
	cJSON *detail;
	enum perr e;

	if ((e = read_form(r, &pf)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[PN_LOAD], &res, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "评审工作计划不存在");
		goto fail;
	}
	applied = db_bool(res, 0, 13);
	/* what applicants were shown stays shown: a published plan is corrected
	 * by amendments, not taken back */
	if (f[PF_PUBLISH].present && !f[PF_PUBLISH].b && strcmp(db_str(res, 0, 12), "published") == 0) {
		e = req_fail(r, PERR_CONFLICT, "publish",
		    "已发布的评审工作计划不能撤回为草稿；如需更正，请修改后填写变更理由");
		goto fail;
	}
	if (applied && (strcmp(db_str(res, 0, 3), pf.v[3]) != 0 || strcmp(db_str(res, 0, 5), pf.v[5]) != 0)) {
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
	PQclear(res);
	res = NULL;
	if (changes > 0) {
		e = db_run(&st[PN_UPDATE], NULL, 13, DB_I(r->id), DB_I(f[PF_YEAR].i), DB_S(pf.v[1]),
		    DB_S(pf.v[2]), DB_S(pf.v[3]), DB_S(pf.v[4]), DB_S(pf.v[5]), DB_S(pf.v[6]),
		    DB_S(pf.v[7]), DB_I(f[PF_FEE_REC].i), DB_I(f[PF_FEE_REV].i), DB_S(pf.v[10]),
		    DB_S(pf.v[11]));
		if (e == PERR_CONFLICT) {
			db_rollback();
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
	return plan_get(r->id, true, req_out(r));
fail:
	PQclear(res);
	db_rollback();
	return e;
}
