/* page-applications.c: 马上申报, the wizard's drafts, submitting, and the
 * timeline of an application. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant.h"

enum {
	APP_LIST, APP_PLAN, APP_WHERE, APP_INSERT, APP_EXISTING, APP_SET_INFO, APP_REC_DEL,
	APP_REC_INS, APP_ARCH_DEL, APP_ARCH_ITEM, APP_ARCH_INS, APP_FILES_DEL, APP_FILES_INS,
	APP_SNAP_LAST, APP_SNAP_INS, APP_HISTORY, APP_SNAPS, APP_DRAFTS, APP_DRAFT_ROUTE, APP_EMPLOYER,
	APP_PROFILE_LOCK,
	APP__MAX
};

static struct db_stmt st[APP__MAX] = {
	[APP_LIST] = { "applicant_list",
	    "SELECT a.id, p.name, pl.name, a.step_seq, s.name, a.state,"
	    " coalesce(o.name, ''),"
	    " to_char(a.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    /* what 首页 reminds of: the plan's last day, the fee once it is due
	     * (as the detail's fee.due: reported to the fee step, unpaid), why it
	     * came back */
	    " to_char(p.closes_on, 'YYYY-MM-DD'), current_date <= p.closes_on,"
	    " CASE WHEN a.state = 'in_review' AND a.paid_at IS NULL AND EXISTS (SELECT 1"
	    "  FROM step_gate g WHERE g.pipeline_id = a.pipeline_id AND g.gate = 'fee'"
	    "  AND g.seq <= a.step_seq) THEN app_fee(a.id) ELSE 0 END,"
	    " CASE WHEN a.state IN ('returned', 'rejected') THEN (SELECT text FROM chain_history"
	    "  WHERE application_id = a.id AND action = CASE a.state WHEN 'returned' THEN 'return'"
	    "  ELSE 'reject' END ORDER BY no DESC LIMIT 1) END,"
	    /* a 不通过 or a certificate is said on 首页 for 30 days from the last move (not
	     * a.updated_at, which a late payment's notice moves too) */
	    " coalesce((SELECT max(h.at) FROM chain_history h WHERE h.application_id = a.id),"
	    "  a.updated_at) > now() - interval '30 days',"
	    " (SELECT c.number FROM certificate c WHERE c.application_id = a.id"
	    "  AND c.revoked_at IS NULL AND c.created_at > now() - interval '30 days'),"
	    /* the last day to pay the department holding it set (sql/077), once past */
	    " (SELECT to_char(d.pay_by, 'YYYY-MM-DD') FROM fee_deadline d WHERE a.paid_at IS NULL"
	    "  AND d.plan_id = a.plan_id AND d.org_id = a.current_org_id AND d.pay_by < " SQL_TODAY "),"
	    /* the holder's 咨询电话 (sql/080) */
	    " o.phone "
	    "FROM application a JOIN plan p ON p.id = a.plan_id"
	    " JOIN pipeline pl ON pl.id = a.pipeline_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
	    " LEFT JOIN org o ON o.id = a.current_org_id "
	    "WHERE a.applicant_id = $1 ORDER BY a.id DESC", 0 },
	[APP_PLAN] = { "app_plan",
	    "SELECT level, current_date BETWEEN opens_on AND closes_on,"
	    " to_char(opens_on, 'YYYY-MM-DD'), to_char(closes_on, 'YYYY-MM-DD'), name,"
	    " array_to_string(pipelines, ',')"
	    " FROM plan WHERE id = $1 AND status = 'published'", 0 },
	/* where an application of this person goes: the unit or talent centre
	 * that keeps the file, its region, and the employer's affiliation */
	[APP_WHERE] = { "app_where",
	    "SELECT u.id, coalesce(emp.affiliation, ''), profile_row_complete(p),"
	    " coalesce(b.status = 'refused', false), coalesce(b.reason, ''), coalesce(u.name, ''),"
	    " coalesce(emp.ownership, '')"
	    " FROM applicant_profile p"
	    " LEFT JOIN org u ON u.status = 'approved' AND u.id ="
	    "  " PROFILE_ORG
	    " LEFT JOIN org emp ON emp.id = p.unit_org_id AND emp.status = 'approved'"
	    " LEFT JOIN person_binding b ON b.user_id = p.user_id AND b.org_id = u.id"
	    " WHERE p.user_id = $1", 0 },
	[APP_INSERT] = { "app_insert",
	    "INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id)"
	    " SELECT $1, $2, pl.id, o.id, o.region_id FROM pipeline pl, org o"
	    " WHERE pl.code = $3 AND o.id = $4 RETURNING id", 0 },
	[APP_EXISTING] = { "app_existing",
	    "SELECT id FROM application WHERE applicant_id = $1 AND plan_id = $2"
	    " AND state <> 'rejected'", 0 },
	/* absent ($n NULL) keeps a value, "" clears it */
	[APP_SET_INFO] = { "app_set_info",
	    "UPDATE application SET"
	    " statement = CASE WHEN $2::text IS NULL THEN statement ELSE NULLIF($2::text, '') END,"
	    " category = CASE WHEN $3::text IS NULL THEN category ELSE NULLIF($3, '') END,"
	    " method = CASE WHEN $4::text IS NULL THEN method ELSE NULLIF($4, '') END,"
	    " specialty = CASE WHEN $5::text IS NULL THEN specialty ELSE NULLIF($5, '') END,"
	    " accept_org_id = CASE WHEN $6::text IS NULL THEN accept_org_id ELSE NULLIF($6, '0')::bigint END,"
	    " held_title = CASE WHEN $7::text IS NULL THEN held_title ELSE NULLIF($7, '') END,"
	    " self_score = CASE WHEN $8::text IS NULL THEN self_score ELSE $8::int / 10.0 END,"
	    " wizard_step = coalesce($9::int, wizard_step), updated_at = now()"
	    " WHERE id = $1", 0 },
	[APP_REC_DEL] = { "app_rec_del", "DELETE FROM recommender WHERE application_id = $1", 0 },
	[APP_REC_INS] = { "app_rec_ins",
	    "INSERT INTO recommender (application_id, seq, name, title, specialty, employer, cert_id)"
	    " VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), NULLIF($5, ''), NULLIF($6, ''),"
	    " NULLIF($7, '0')::bigint)", 0 },
	[APP_ARCH_DEL] = { "app_arch_del",
	    "DELETE FROM application_archive WHERE application_id = $1", 0 },
	[APP_ARCH_ITEM] = { "app_arch_item",
	    "SELECT status, title FROM archive_item WHERE id = $1 AND owner_id = $2", 0 },
	[APP_ARCH_INS] = { "app_arch_ins",
	    "INSERT INTO application_archive (application_id, item_id, contribution_id)"
	    " VALUES ($1, $2, NULLIF($3, '0')::bigint)", 0 },
	[APP_FILES_DEL] = { "app_files_del",
	    "DELETE FROM application_file WHERE application_id = $1 AND kind = $2", 0 },
	[APP_FILES_INS] = { "app_files_ins",
	    "INSERT INTO application_file (application_id, kind, upload_id)"
	    " SELECT $1, $2, unnest($3::bigint[])", 0 },
	[APP_SNAP_LAST] = { "app_snap_last",
	    "SELECT no, data::text FROM application_snapshot WHERE application_id = $1"
	    " ORDER BY no DESC LIMIT 1", 0 },
	/* the employer it is submitted from (sql/054): the lists and documents name it */
	/* the employer and the whole profile as submitted (sql/054, sql/064) */
	[APP_EMPLOYER] = { "app_employer",
	    "SELECT app_employer_set($1, $2), app_profile_set($1, $2)", 0 },
	/* the profile, until the submission's end: what is checked is what is recorded
	 * (a profile saved at that moment waits, or loses a deadlock as a 409) */
	[APP_PROFILE_LOCK] = { "app_profile_lock",
	    "SELECT 1 FROM applicant_profile WHERE user_id = $1 FOR SHARE", 0 },
	[APP_SNAP_INS] = { "app_snap_ins",
	    "INSERT INTO application_snapshot (application_id, no, data, changes)"
	    " VALUES ($1, $2, $3::jsonb, $4::jsonb)", 0 },
	[APP_HISTORY] = { "app_history",
	    "SELECT h.no, h.action, s.name, coalesce(o.name, u.name), coalesce(h.text, ''),"
	    " to_char(h.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), h.from_step"
	    " FROM chain_history h JOIN application a ON a.id = h.application_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = h.from_step"
	    " JOIN app_user u ON u.id = h.actor_user_id LEFT JOIN org o ON o.id = h.actor_org_id"
	    " WHERE h.application_id = $1 AND a.applicant_id = $2 ORDER BY h.no", 0 },
	/* the applicant's drafts and returned applications, with what routing them
	 * asks (their plan's level and chains) */
	[APP_DRAFTS] = { "app_drafts",
	    "SELECT a.id, p.level, array_to_string(p.pipelines, ','), o.name, p.name FROM application a"
	    " JOIN plan p ON p.id = a.plan_id JOIN org o ON o.id = a.unit_org_id"
	    " WHERE a.applicant_id = $1"
	    " AND a.state IN ('draft', 'returned') ORDER BY a.id", 0 },
	[APP_DRAFT_ROUTE] = { "app_draft_route",
	    "SELECT app_draft_route($1, $2, $3, $4)", 0 },
	[APP_SNAPS] = { "app_snaps",
	    "SELECT no, changes::text, to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
	    " FROM application_snapshot WHERE application_id = $1 ORDER BY no", 0 },
};

static void
num(char *buf, size_t n, long long v)
{
	snprintf(buf, n, "%lld", v);
}

enum perr
h_applications(struct req *r)
{
	char uid[24];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	num(uid, sizeof(uid), r->s.user_id);
	if ((e = db_exec(&st[APP_LIST], &res, 1, uid)) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();
		const char *state = db_str(res, i, 5);

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "plan", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "pipeline", db_str(res, i, 2));
		cJSON_AddNumberToObject(it, "step", (double)db_int(res, i, 3));
		cJSON_AddStringToObject(it, "step_name", db_str(res, i, 4));
		cJSON_AddStringToObject(it, "state", state);
		cJSON_AddBoolToObject(it, "editable", strcmp(state, "draft") == 0 ||
		    strcmp(state, "returned") == 0);
		cJSON_AddStringToObject(it, "holder", db_str(res, i, 6));
		json_add_str_null(it, "holder_phone", db_str(res, i, 15));
		cJSON_AddStringToObject(it, "updated_at", db_str(res, i, 7));
		cJSON_AddStringToObject(it, "closes_on", db_str(res, i, 8));
		cJSON_AddBoolToObject(it, "plan_open", db_bool(res, i, 9));
		json_add_int(it, "fee_due", db_int(res, i, 10));
		/* why it came back, or why it ended (as the progress page's history says) */
		json_add_str_null(it, "return_reason", strcmp(state, "returned") == 0 ? db_str(res, i, 11) : NULL);
		json_add_str_null(it, "reject_reason", strcmp(state, "rejected") == 0 ? db_str(res, i, 11) : NULL);
		cJSON_AddBoolToObject(it, "decided_recently", db_bool(res, i, 12));
		json_add_str_null(it, "certificate_issued", db_str(res, i, 13));
		/* a fee due whose last day is past: no payment starts (page-pay.c) */
		json_add_str_null(it, "fee_closed_on", db_int(res, i, 10) > 0 ? db_str(res, i, 14) : NULL);
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

const struct field app_create_fields[] = {
	{ "plan_id", "评审工作计划", F_INT, true, 1, 2147483647, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* The chain of the notice for this plan level and employer. */
static const char *
pipeline_for(const char *level, const char *affiliation)
{
	if (strcmp(level, "mid") == 0)
		return strcmp(affiliation, "bureau") == 0 ? "mid_assess" : "mid_review";
	if (strcmp(affiliation, "bureau") == 0)
		return "junior_assess";
	if (strcmp(affiliation, "city_direct") == 0)
		return "junior_review";
	return NULL;
}

/*
 * Where an application of user uid to a plan of level (its chains, pipes:
 * comma-separated, empty for all of its level) goes, by the profile as it is
 * now: the unit or talent centre that keeps the file (*unit) and the chain
 * (*pipeline). PERR_INVALID_FIELD with why and its field when it cannot go:
 * no approved unit, an incomplete profile, a refused binding, a 机关 or a
 * 参公 unit, a plan not for this unit. The same rules for 马上申报 and for a
 * draft whose applicant changed units (app_drafts_follow()).
 */
enum perr
app_route(long long uid, const char *level, const char *pipes, long long *unit,
    const char **pipeline, char *why, size_t whysz, const char **field)
{
	PGresult *w;
	char want[40], all[210];
	enum perr e;

	*field = "profile";
	if ((e = db_run(&st[APP_WHERE], &w, 1, DB_I(uid))) != PERR_OK)
		return e;
	e = PERR_INVALID_FIELD;
	if (PQntuples(w) != 1 || db_str(w, 0, 0) == NULL)
		snprintf(why, whysz, "请先在“个人基本信息”中选择已通过平台审核的现工作单位"
		    "（人事档案由人才交流中心代理的，选择该中心）");
	else if (!db_bool(w, 0, 2))
		snprintf(why, whysz, "请先完善“个人基本信息”（学历、职称、现从事专业、编制情况等）后再申报");
	else if (db_bool(w, 0, 3))
		snprintf(why, whysz, "%s未确认您的人员信息（理由：%s），请在“个人基本信息”中重新选择后再申报",
		    db_str(w, 0, 5), db_str(w, 0, 4));
	/* the notice's chains are for 企事业单位 (不含参照公务员管理的事业单位) */
	else if (strcmp(db_str(w, 0, 6), "agency") == 0)
		snprintf(why, whysz, "职称评审面向企事业单位专业技术人员，机关工作人员不在申报范围内");
	else if (strcmp(db_str(w, 0, 1), "civil_service") == 0)
		snprintf(why, whysz, "职称评审不含参照公务员管理的事业单位，您所在单位的人员不在申报范围内");
	else if ((*pipeline = pipeline_for(level, db_str(w, 0, 1))) == NULL) {
		*field = "plan_id";
		snprintf(why, whysz, "初级评审（初定）仅面向金华市本级直属事业单位和市住建局局属事业单位人员");
	} else {
		/* the plan says which of the notice's chains it runs (none listed: all of its level) */
		snprintf(want, sizeof(want), ",%s,", *pipeline);
		snprintf(all, sizeof(all), ",%s,", pipes);
		if (pipes[0] != '\0' && strstr(all, want) == NULL) {
			*field = "plan_id";
			snprintf(why, whysz, "该评审工作计划不适用于您所在单位（按规定应走的评审程序本计划未开放）");
		} else {
			*unit = db_int(w, 0, 0);
			e = PERR_OK;
		}
	}
	PQclear(w);
	return e;
}

/* The applicant's drafts and returned applications go where 马上申报 would
 * send them now (sql/052): called as the profile is saved, and as one is opened
 * (the wizard, where it is submitted: the unit's county or 隶属关系 may have been
 * corrected since), inside a transaction. One the new unit cannot take (a plan
 * not for it, a 机关) stays where it is; its check says so (rules.c) and it
 * cannot be submitted. One that moves is audited (application_reroute): a
 * returned application leaves the departments that returned it. */
enum perr
app_drafts_follow(struct req *r)
{
	long long uid = r->s.user_id, unit;
	PGresult *d, *moved;
	cJSON *rerouted = NULL;
	const char *pipeline, *field;
	char why[300];
	int i;
	enum perr e;

	if ((e = db_run(&st[APP_DRAFTS], &d, 1, DB_I(uid))) != PERR_OK)
		return e;
	for (i = 0; i < PQntuples(d) && e == PERR_OK; i++) {
		e = app_route(uid, db_str(d, i, 1), db_str(d, i, 2), &unit, &pipeline, why, sizeof(why),
		    &field);
		if (e == PERR_INVALID_FIELD) {
			e = PERR_OK;
			continue;
		}
		if (e != PERR_OK || (e = db_run(&st[APP_DRAFT_ROUTE], &moved, 4, DB_I(db_int(d, i, 0)),
		    DB_I(uid), DB_I(unit), DB_S(pipeline))) != PERR_OK)
			break;
		if (db_bool(moved, 0, 0)) {
			cJSON *detail = cJSON_CreateObject(), *it;

			cJSON_AddStringToObject(detail, "from_unit", db_str(d, i, 3));
			cJSON_AddNumberToObject(detail, "to_org", (double)unit);
			e = req_audit(r, "application_reroute", "application", db_int(d, i, 0), detail);
			cJSON_Delete(detail);
			/* and the applicant is told which (its 受理单位 may have to be chosen again) */
			if (rerouted == NULL)
				rerouted = cJSON_AddArrayToObject(req_out(r), "rerouted");
			if ((it = cJSON_CreateObject()) != NULL) {
				cJSON_AddNumberToObject(it, "id", (double)db_int(d, i, 0));
				cJSON_AddStringToObject(it, "plan", db_str(d, i, 4));
				cJSON_AddItemToArray(rerouted, it);
			}
		}
		PQclear(moved);
	}
	PQclear(d);
	return e;
}

enum perr
h_app_create(struct req *r)
{
	char uid[24], plan[24], unit[24], level[8], pipes[200], why[300];
	PGresult *res = NULL;
	const char *pipeline, *field;
	struct application a;
	long long id, unit_id;
	enum perr e;

	num(uid, sizeof(uid), r->s.user_id);
	num(plan, sizeof(plan), r->f[0].i);
	if ((e = db_exec(&st[APP_PLAN], &res, 1, plan)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, "plan_id", "评审工作计划不存在");
	}
	if (!db_bool(res, 0, 1)) {
		e = req_fail(r, PERR_CONFLICT, "plan_id",
		    "《%s》的申报时间为 %s 至 %s，当前不在申报期内", db_str(res, 0, 4),
		    db_str(res, 0, 2), db_str(res, 0, 3));
		PQclear(res);
		return e;
	}
	snprintf(level, sizeof(level), "%s", db_str(res, 0, 0));
	snprintf(pipes, sizeof(pipes), "%s", db_str(res, 0, 5));
	PQclear(res);
	res = NULL;
	if ((e = app_route(r->s.user_id, level, pipes, &unit_id, &pipeline, why, sizeof(why),
	    &field)) != PERR_OK)
		return e == PERR_INVALID_FIELD ? req_fail(r, e, field, "%s", why) : e;
	num(unit, sizeof(unit), unit_id);
	if ((e = db_begin()) != PERR_OK)
		return e;
	e = db_exec(&st[APP_INSERT], &res, 4, uid, plan, pipeline, unit);
	if (e == PERR_CONFLICT) {
		db_rollback();
		if (db_exec(&st[APP_EXISTING], &res, 2, uid, plan) == PERR_OK &&
		    PQntuples(res) == 1) {
			cJSON_AddNumberToObject(req_out(r), "existing_id", (double)db_int(res, 0, 0));
			e = req_fail(r, PERR_CONFLICT, "plan_id",
			    "您已有该计划的申报（申报编号 %s），请在“我的申报”中继续", db_str(res, 0, 0));
		}
		PQclear(res);
		return e;
	}
	if (e != PERR_OK)
		goto fail;
	id = db_int(res, 0, 0);
	PQclear(res);
	res = NULL;
	if ((e = req_audit(r, "application_create", "application", id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	if ((e = app_open(r, id, &a)) != PERR_OK)
		return e;
	app_reply(r, &a);
	app_free(&a);
	r->status = 201;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

enum perr
h_app_get(struct req *r)
{
	struct application a;
	enum perr e;

	/* where it goes now: the unit's details may have been corrected */
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = app_drafts_follow(r)) != PERR_OK || (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	if ((e = app_open(r, r->id, &a)) != PERR_OK)
		return e;
	app_reply(r, &a);
	app_free(&a);
	return PERR_OK;
}

/* In one transaction: locks the application, checks it may be edited, loads
 * it, runs fn and writes an audit row; then answers with the application.
 * The lock is what keeps an autosave out of a submission happening at once. */
static enum perr
edit(struct req *r, const char *what, enum perr (*fn)(struct req *, struct application *, const char *))
{
	char id[24];
	struct application a;
	enum perr e;

	memset(&a, 0, sizeof(a));
	num(id, sizeof(id), r->id);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = app_lock_editable(r, r->id)) != PERR_OK ||
	    (e = app_open(r, r->id, &a)) != PERR_OK ||
	    (e = fn(r, &a, id)) != PERR_OK ||
	    (e = req_audit(r, what, "application", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		goto out;
	}
	app_free(&a);
	if ((e = app_open(r, r->id, &a)) != PERR_OK)
		return e;
	app_reply(r, &a);
out:
	app_free(&a);
	return e;
}

enum { I_STATEMENT, I_CATEGORY, I_METHOD, I_SPECIALTY, I_ACCEPT, I_HELD, I_SCORE, I_WIZARD, I_REV };

const struct field app_info_fields[] = {
	/* 限 1000 字: characters as the page counts them */
	[I_STATEMENT] = { "statement", "本人述职", F_TEXT, false, 0, 1000, NULL, NULL },
	[I_CATEGORY] = { "category", "申报类型", F_STR, false, 0, 20, valid_category,
	    "申报类型只能是规划与设计类、施工与监理类或技术管理类" },
	[I_METHOD] = { "method", "申报方式", F_STR, false, 0, 20, valid_method,
	    "请从六种申报方式中选择" },
	[I_SPECIALTY] = { "specialty", "申报专业", F_STR, false, 0, 40, NULL, NULL },
	[I_ACCEPT] = { "accept_org_id", "受理单位", F_INT, false, 0, 1LL << 40, NULL, NULL },
	[I_HELD] = { "held_title", "专业技术职务任职资格及取得时间", F_STR, false, 0, 100, NULL, NULL },
	[I_SCORE] = { "self_score", "自评分", F_DEC1, false, 0, 200, NULL, NULL },
	[I_WIZARD] = { "wizard_step", "当前步骤", F_INT, false, 1, 7, NULL, NULL },
	/* the digest of what the edit was typed over (application.revs.info): app_rev_check() */
	[I_REV] = { "rev", "版本", F_STR, false, 16, 16, valid_rev, "版本标识不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
do_info(struct req *r, struct application *a, const char *id)
{
	const struct fval *f = r->f;
	char accept[24], score[24], wiz[24];
	enum perr e;

	if ((e = app_rev_check(r, a, "info", &f[I_REV])) != PERR_OK)
		return e;
	if (f[I_ACCEPT].present && f[I_ACCEPT].i != 0) {
		bool ok;

		if ((e = app_accept_ok(a, f[I_ACCEPT].i, &ok)) != PERR_OK)
			return e;
		if (!ok)
			return req_fail(r, PERR_INVALID_FIELD, "accept_org_id",
			    "请从本计划评审流程的受理单位（评审委员会）中选择");
	}
	num(accept, sizeof(accept), f[I_ACCEPT].i);
	num(score, sizeof(score), f[I_SCORE].i);
	num(wiz, sizeof(wiz), f[I_WIZARD].i);
	return db_exec(&st[APP_SET_INFO], NULL, 9, id,
	    f[I_STATEMENT].present ? f[I_STATEMENT].s : NULL,
	    f[I_CATEGORY].present ? f[I_CATEGORY].s : NULL,
	    f[I_METHOD].present ? f[I_METHOD].s : NULL,
	    f[I_SPECIALTY].present ? f[I_SPECIALTY].s : NULL,
	    f[I_ACCEPT].present ? accept : NULL,
	    f[I_HELD].present ? f[I_HELD].s : NULL,
	    f[I_SCORE].present ? score : NULL,
	    f[I_WIZARD].present ? wiz : NULL);
}

enum perr
h_app_info(struct req *r)
{
	return edit(r, "application_draft", do_info);
}

const struct field app_recommenders_fields[] = {
	{ "recommenders", "推荐人", F_ARRAY, true, 0, 2, NULL, NULL },
	{ "rev", "版本", F_STR, false, 16, 16, valid_rev, "版本标识不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static const struct field recommender_fields[] = {
	{ "name", "推荐人姓名", F_STR, false, 2, 30, valid_person_name,
	  "推荐人姓名只能包含汉字、字母和间隔号" },
	{ "title", "推荐人职称", F_STR, false, 1, 20, NULL, NULL },
	{ "specialty", "推荐人专业", F_STR, false, 1, 40, NULL, NULL },
	{ "employer", "推荐人工作单位", F_STR, false, 1, 100, NULL, NULL },
	{ "cert", "推荐人职称证书", F_INT, false, 0, 1LL << 50, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
do_recommenders(struct req *r, struct application *a, const char *id)
{
	const cJSON *it;
	int seq = 0;
	enum perr e;

	if ((e = app_rev_check(r, a, "recommenders", &r->f[1])) != PERR_OK ||
	    (e = db_exec(&st[APP_REC_DEL], NULL, 1, id)) != PERR_OK)
		return e;
	cJSON_ArrayForEach(it, r->f[0].a) {
		struct fval v[FIELDS_MAX];
		const char *bad;
		char seqs[24], cert[24], arr[40];

		seq++;
		if (!cJSON_IsObject(it))
			return req_fail(r, PERR_INVALID_FIELD, "recommenders", "推荐人信息格式不正确");
		if ((e = field_check(it, recommender_fields, v, &bad, r->msg, sizeof(r->msg))) !=
		    PERR_OK) {
			r->bad_field = "recommenders";
			return e;
		}
		num(cert, sizeof(cert), v[4].present ? v[4].i : 0);
		if (v[4].present && v[4].i != 0) {
			snprintf(arr, sizeof(arr), "{%lld}", v[4].i);
			if ((e = own_uploads(r, arr, 1, "recommenders")) != PERR_OK)
				return e;
		}
		num(seqs, sizeof(seqs), seq);
		if ((e = db_exec(&st[APP_REC_INS], NULL, 7, id, seqs,
		    v[0].present ? v[0].s : "", v[1].present ? v[1].s : "",
		    v[2].present ? v[2].s : "", v[3].present ? v[3].s : "", cert)) != PERR_OK)
			return e;
	}
	return PERR_OK;
}

enum perr
h_app_recommenders(struct req *r)
{
	return edit(r, "application_recommenders", do_recommenders);
}

const struct field app_archive_fields[] = {
	{ "items", "业绩", F_ARRAY, true, 0, 30, NULL, NULL },
	{ "rev", "版本", F_STR, false, 16, 16, valid_rev, "版本标识不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static const struct field pick_fields[] = {
	{ "item_id", "业绩", F_INT, true, 1, 1LL << 50, NULL, NULL },
	{ "contribution", "主要贡献者依据", F_INT, false, 0, 1LL << 50, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
do_archive(struct req *r, struct application *a, const char *id)
{
	const cJSON *it;
	char uid[24];
	enum perr e;

	num(uid, sizeof(uid), r->s.user_id);
	if ((e = app_rev_check(r, a, "archive", &r->f[1])) != PERR_OK ||
	    (e = db_exec(&st[APP_ARCH_DEL], NULL, 1, id)) != PERR_OK)
		return e;
	cJSON_ArrayForEach(it, r->f[0].a) {
		struct fval v[FIELDS_MAX];
		const char *bad;
		char item[24], contrib[24], arr[40];
		PGresult *res;

		if (!cJSON_IsObject(it) ||
		    (e = field_check(it, pick_fields, v, &bad, r->msg, sizeof(r->msg))) != PERR_OK) {
			r->bad_field = "items";
			return cJSON_IsObject(it) ? e :
			    req_fail(r, PERR_INVALID_FIELD, "items", "业绩选择格式不正确");
		}
		num(item, sizeof(item), v[0].i);
		num(contrib, sizeof(contrib), v[1].present ? v[1].i : 0);
		if ((e = db_exec(&st[APP_ARCH_ITEM], &res, 2, item, uid)) != PERR_OK)
			return e;
		if (PQntuples(res) != 1 || strcmp(db_str(res, 0, 0), "approved") != 0) {
			/* an old version of an item revised and approved since is not
			 * "not yet approved" (the boundary test): its new version is */
			e = PQntuples(res) != 1 ?
			    req_fail(r, PERR_INVALID_FIELD, "items", "业绩不存在") :
			    strcmp(db_str(res, 0, 0), "superseded") == 0 ?
			    req_fail(r, PERR_INVALID_FIELD, "items",
			    "业绩《%s》已有通过审核的新版本，请选择新版本", db_str(res, 0, 1)) :
			    req_fail(r, PERR_INVALID_FIELD, "items", "业绩《%s》%s通过单位审核，不能用于申报",
			    db_str(res, 0, 1), strcmp(db_str(res, 0, 0), "rejected") == 0 ? "未" : "尚未");
			PQclear(res);
			return e;
		}
		PQclear(res);
		if (v[1].present && v[1].i != 0) {
			snprintf(arr, sizeof(arr), "{%lld}", v[1].i);
			if ((e = own_uploads(r, arr, 1, "items")) != PERR_OK)
				return e;
		}
		if ((e = db_exec(&st[APP_ARCH_INS], NULL, 3, id, item, contrib)) != PERR_OK)
			return e == PERR_CONFLICT ?
			    req_fail(r, PERR_INVALID_FIELD, "items", "同一业绩只能选择一次") : e;
	}
	return PERR_OK;
}

enum perr
h_app_archive(struct req *r)
{
	return edit(r, "application_archive", do_archive);
}

const struct field app_files_fields[] = {
	{ "kind", "附件类型", F_STR, true, 1, 20, NULL, NULL },
	{ "uploads", "附件", F_ARRAY, true, 0, 10, NULL, NULL },
	{ "rev", "版本", F_STR, false, 16, 16, valid_rev, "版本标识不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
do_files(struct req *r, struct application *a, const char *id)
{
	const struct file_kind *k = file_kind(r->f[0].s);
	char arr[256], key[40];
	int n;
	enum perr e;

	if (k == NULL)
		return req_fail(r, PERR_INVALID_FIELD, "kind", "附件类型不正确");
	snprintf(key, sizeof(key), "files-%s", k->code);
	if ((e = app_rev_check(r, a, key, &r->f[2])) != PERR_OK)
		return e;
	if (rule_file(a, k->code) == FILE_HIDDEN)
		return req_fail(r, PERR_INVALID_FIELD, "kind", "当前申报方式无需上传“%s”",
		    k->label);
	if ((e = id_array(r, r->f[1].a, "uploads", arr, sizeof(arr), &n)) != PERR_OK ||
	    (e = own_uploads(r, arr, n, "uploads")) != PERR_OK)
		return e;
	if ((e = db_exec(&st[APP_FILES_DEL], NULL, 2, id, k->code)) != PERR_OK)
		return e;
	if (n > 0 && (e = db_exec(&st[APP_FILES_INS], NULL, 3, id, k->code, arr)) != PERR_OK)
		return e == PERR_CONFLICT ?
		    req_fail(r, PERR_INVALID_FIELD, "uploads", "同一文件只能上传一次") : e;
	return PERR_OK;
}

enum perr
h_app_files(struct req *r)
{
	return edit(r, "application_files", do_files);
}

/* Inside the submission's transaction, with the row locked: the
 * pre-submission check on the content as it is now, and a snapshot of that
 * content with the parts changed since the previous submission (for the
 * reviewers), the employer and the profile it was submitted with. Nothing can
 * be written between the check and the move. */
static enum perr
snapshot(long long app_id, void *arg)
{
	struct req *r = arg;
	char id[24], no[24];
	PGresult *res;
	struct application a;
	cJSON *content, *check, *prev = NULL, *changes, *it;
	char *data, *ch;
	int last = 0;
	enum perr e;

	if ((e = db_run(&st[APP_PROFILE_LOCK], NULL, 1, DB_I(r->s.user_id))) != PERR_OK ||
	    (e = app_open(r, app_id, &a)) != PERR_OK)
		return e;
	if ((e = app_check(&a, &check)) != PERR_OK) {
		app_free(&a);
		return e;
	}
	if (cJSON_GetArraySize(check) > 0) {
		e = req_fail(r, PERR_INVALID_FIELD, "check", "尚有 %d 项未满足申报要求，请按提示完善后再提交",
		    cJSON_GetArraySize(check));
		cJSON_AddItemToObject(req_out(r), "check", check);
		app_free(&a);
		return e;
	}
	cJSON_Delete(check);
	content = app_content_json(&a);
	app_free(&a);
	if ((e = db_run(&st[APP_EMPLOYER], NULL, 2, DB_I(app_id), DB_I(r->s.user_id))) != PERR_OK) {
		cJSON_Delete(content);
		return e;
	}
	num(id, sizeof(id), app_id);
	if ((e = db_exec(&st[APP_SNAP_LAST], &res, 1, id)) != PERR_OK) {
		cJSON_Delete(content);
		return e;
	}
	if (PQntuples(res) == 1) {
		last = (int)db_int(res, 0, 0);
		prev = cJSON_Parse(db_str(res, 0, 1));
	}
	PQclear(res);
	changes = cJSON_CreateArray();
	if (prev != NULL)
		cJSON_ArrayForEach(it, content) {
			cJSON *old = cJSON_GetObjectItemCaseSensitive(prev, it->string);

			if (old == NULL || !cJSON_Compare(old, it, 1))
				cJSON_AddItemToArray(changes, cJSON_CreateString(it->string));
		}
	cJSON_Delete(prev);
	num(no, sizeof(no), last + 1);
	data = cJSON_PrintUnformatted(content);
	ch = cJSON_PrintUnformatted(changes);
	e = db_exec(&st[APP_SNAP_INS], NULL, 4, id, no, data, ch);
	cJSON_free(data);
	cJSON_free(ch);
	cJSON_Delete(changes);
	cJSON_Delete(content);
	return e;
}

enum perr
h_submit(struct req *r)
{
	struct actor who = req_actor(r);
	struct chain_extra x = { .hook = snapshot, .hook_arg = r };
	struct chain_result res;
	enum perr e;

	e = chain_move_ex(&who, r->id, 1, CHAIN_SUBMIT, NULL, &x, &res, r->msg, sizeof(r->msg));
	if (e != PERR_OK)
		return e;
	cJSON_AddStringToObject(req_out(r), "state", res.state);
	cJSON_AddNumberToObject(req_out(r), "step", res.step);
	return PERR_OK;
}

enum perr
h_timeline(struct req *r)
{
	static const char *const acts[] = { "submit", "提交申报", "pass", "通过",
	    "return", "退回修改", "reject", "不通过", NULL, NULL };
	char id[24], uid[24];
	PGresult *hist = NULL, *snaps = NULL;
	struct chain_owner own[CHAIN_STEPS_MAX];
	struct application a;
	cJSON *steps, *history, *subs;
	int i, cur, n;
	const char *state;
	enum perr e;

	if ((e = app_open(r, r->id, &a)) != PERR_OK)
		return e;
	num(id, sizeof(id), r->id);
	num(uid, sizeof(uid), r->s.user_id);
	if ((e = chain_owners(a.pipeline_id, a.region_id, a.unit_org_id, own, CHAIN_STEPS_MAX,
	    &n)) != PERR_OK ||
	    (e = db_exec(&st[APP_HISTORY], &hist, 2, id, uid)) != PERR_OK ||
	    (e = db_exec(&st[APP_SNAPS], &snaps, 1, id)) != PERR_OK)
		goto out;
	state = a.state;
	cur = a.step;
	cJSON_AddStringToObject(req_out(r), "state", state);
	steps = cJSON_AddArrayToObject(req_out(r), "steps");
	for (i = 0; i < n; i++) {
		cJSON *it = cJSON_CreateObject();
		int seq = own[i].seq;
		const char *status;

		if (strcmp(state, "completed") == 0 || seq < cur)
			status = "done";
		else if (seq > cur)
			status = "todo";
		else
			status = strcmp(state, "rejected") == 0 ? "rejected" : "current";
		cJSON_AddNumberToObject(it, "seq", seq);
		cJSON_AddStringToObject(it, "name", own[i].step);
		cJSON_AddStringToObject(it, "holder", seq == 1 ? r->s.name : own[i].org_name);
		cJSON_AddStringToObject(it, "status", status);
		cJSON_AddItemToArray(steps, it);
	}
	history = cJSON_AddArrayToObject(req_out(r), "history");
	for (i = 0; i < PQntuples(hist); i++) {
		cJSON *it = cJSON_CreateObject();
		const char *act = db_str(hist, i, 1), *name = act;
		struct history_read h;
		int k;

		for (k = 0; acts[k] != NULL; k += 2)
			if (strcmp(acts[k], act) == 0)
				name = acts[k + 1];
		gates_history_read(a.pipeline_id, a.id, (int)db_int(hist, i, 6), act, name,
		    db_str(hist, i, 4), &h);
		cJSON_AddNumberToObject(it, "no", (double)db_int(hist, i, 0));
		cJSON_AddStringToObject(it, "action", h.action);
		cJSON_AddStringToObject(it, "action_name", h.name);
		cJSON_AddStringToObject(it, "step_name", db_str(hist, i, 2));
		cJSON_AddStringToObject(it, "org", db_str(hist, i, 3));
		cJSON_AddStringToObject(it, "text", h.text);
		cJSON_AddStringToObject(it, "at", db_str(hist, i, 5));
		cJSON_AddItemToArray(history, it);
	}
	subs = cJSON_AddArrayToObject(req_out(r), "submissions");
	for (i = 0; i < PQntuples(snaps); i++) {
		cJSON *it = cJSON_CreateObject(), *ch = cJSON_Parse(db_str(snaps, i, 1));

		cJSON_AddNumberToObject(it, "no", (double)db_int(snaps, i, 0));
		cJSON_AddItemToObject(it, "changes", ch ? ch : cJSON_CreateArray());
		cJSON_AddStringToObject(it, "at", db_str(snaps, i, 2));
		cJSON_AddItemToArray(subs, it);
	}
	app_reply(r, &a);
out:
	PQclear(hist);
	PQclear(snaps);
	app_free(&a);
	return e;
}
