/* publicity.c: 公示 at any step with a publicity gate: the unit's 资格公示与
 * 报送, the city HR bureau's 资格复审并公示 and the 公布评审结果 of the
 * committees and bureaus. The applications the organisation holds at such a
 * step, their 公示 (registered through chain_publicise()), the 公示表 to
 * export, the objections (异议) raised during the window, and whether the 5
 * working days are over and no objection is open, so that the step may pass. */
#include <stdio.h>
#include <string.h>

#include "review.h"

enum { UP_LIST, UP_LOCK, UP_OBJ_APP, UP_OBJ_LIST, UP_OBJ_ADD, UP_OBJ_LOAD, UP_OBJ_RESOLVE, UP__MAX };

/* The organisation's applications at a publicity step ($1 org, $2 days). */
#define AT_PUBLICITY_STEP \
	"EXISTS (SELECT 1 FROM step_gate g WHERE g.pipeline_id = a.pipeline_id" \
	" AND g.seq = a.step_seq AND g.gate = 'publicity')"
#define PUBLICITY_ROWS \
	"SELECT a.id, u.name, u.idcard, p.name, a.step_seq, s.name," \
	" to_char(step_arrival(a.id) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')," \
	" coalesce(to_char(pb.starts_on, 'YYYY-MM-DD'), '')," \
	/* from the calendar's ordinals: unknown (empty, 0) past what it covers, \
	 * never an error that would take the whole list with it (sql/055) */ \
	" coalesce(to_char(workday_nth(pb.starts_on, $2::int), 'YYYY-MM-DD'), '')," \
	" coalesce(publicity_done(pb.starts_on, $2::int), 0)," \
	" (SELECT count(*) FROM objection o WHERE o.application_id = a.id" \
	"  AND o.step_seq = a.step_seq AND o.resolved_at IS NULL)," \
	" (SELECT count(*) FROM objection o WHERE o.application_id = a.id" \
	"  AND o.step_seq = a.step_seq)," \
	" coalesce(a.specialty, ''), coalesce(a.category, ''), coalesce(a.method, ''), p.title_name," \
	/* 主要业绩: the works, not the 继续教育学时 and 年度考核 the application carries too */ \
	" coalesce((SELECT string_agg(i.title, '；' ORDER BY i.happened_on, i.id)" \
	"  FROM application_archive aa JOIN archive_item i ON i.id = aa.item_id" \
	"  WHERE aa.application_id = a.id AND i.kind NOT IN ('education', 'appraisal')), ''), " \
	EMPLOYER_NAME ", " \
	/* 基本情况 (notice 一.4): 学历, 现有职称 and when, 参加工作时间 */ \
	" coalesce(pr.education, ''), coalesce(pr.title, ''), coalesce(to_char(pr.title_date, 'YYYY-MM-DD'), '')," \
	" coalesce(to_char(pr.work_start_date, 'YYYY-MM-DD'), '')," \
	/* the chain's holders, for the one the pass reports to (the programs' \
	 * names, as of the version read with them) */ \
	" a.pipeline_id, coalesce(a.region_id, 0), a.unit_org_id, (SELECT n FROM ref_version)," \
	/* whether the step waits for more than its 公示 (an interview it called) */ \
	" EXISTS (SELECT 1 FROM step_gate g WHERE g.pipeline_id = a.pipeline_id" \
	"  AND g.seq = a.step_seq AND g.gate <> 'publicity') " \
	"FROM application a JOIN app_user u ON u.id = a.applicant_id" \
	PROFILE_JOIN \
	" JOIN plan p ON p.id = a.plan_id JOIN org uo ON uo.id = a.unit_org_id" EMPLOYER_JOIN \
	" JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq" \
	" LEFT JOIN publicity pb ON pb.application_id = a.id AND pb.step_seq = a.step_seq" \
	"  AND pb.created_at >= coalesce(step_arrival(a.id), '-infinity') " \
	"WHERE a.current_org_id = $1 AND a.state = 'in_review' AND " AT_PUBLICITY_STEP \
	/* a result the committee did not vote through is not published (sql/084) */ \
	" AND NOT result_withheld(a.id)"

static struct db_stmt st[UP__MAX] = {
	[UP_LIST] = { "publicity_list",
	    PUBLICITY_ROWS " ORDER BY pb.starts_on NULLS FIRST, a.updated_at, a.id LIMIT 1000", 0 },
	/* the application's row, as a move takes it: an objection and the pass
	 * it would hold back are one after the other, never both at once */
	[UP_LOCK] = { "objection_lock", "SELECT chain_lock($1)", 0 },
	/* an application the organisation holds at a publicity step */
	[UP_OBJ_APP] = { "objection_app",
	    "SELECT a.current_org_id = $2 AND a.state = 'in_review' AND " AT_PUBLICITY_STEP
	    " FROM application a"
	    " WHERE a.id = $1 AND EXISTS (SELECT 1 FROM desk d WHERE d.org_id = $2"
	    "  AND d.application_id = a.id)", 0 },
	/* the objections the organisation recorded (another's are its own business) */
	[UP_OBJ_LIST] = { "objection_list",
	    "SELECT o.id, to_char(o.raised_on, 'YYYY-MM-DD'), o.content, coalesce(o.resolution, ''),"
	    " coalesce(to_char(o.resolved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),"
	    " to_char(o.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), cu.name,"
	    " coalesce(ru.name, '')"
	    " FROM objection o JOIN app_user cu ON cu.id = o.created_by"
	    " LEFT JOIN app_user ru ON ru.id = o.resolved_by"
	    " WHERE o.application_id = $1 AND cu.org_id = $2 ORDER BY o.id", 0 },
	[UP_OBJ_ADD] = { "objection_add",
	    "INSERT INTO objection (application_id, step_seq, raised_on, content, created_by)"
	    " SELECT $1, (SELECT step_seq FROM application WHERE id = $1), $2::date, $3, $4"
	    " WHERE $2::date <= current_date"
	    " AND $2::date >= (step_arrival($1) AT TIME ZONE 'Asia/Shanghai')::date RETURNING id", 0 },
	[UP_OBJ_LOAD] = { "objection_load",
	    "SELECT o.application_id, o.resolved_at IS NOT NULL FROM objection o"
	    " JOIN app_user cu ON cu.id = o.created_by"
	    " WHERE o.id = $1 AND cu.org_id = $2 FOR UPDATE OF o", 0 },
	[UP_OBJ_RESOLVE] = { "objection_resolve",
	    "UPDATE objection SET resolution = $2, resolved_by = $3, resolved_at = now() WHERE id = $1", 0 },
};

enum {
	PB_ID, PB_NAME, PB_IDCARD, PB_PLAN, PB_STEP, PB_STEP_NAME, PB_ARRIVED, PB_STARTS, PB_ENDS,
	PB_DONE, PB_OPEN, PB_OBJECTIONS, PB_SPECIALTY, PB_CATEGORY, PB_METHOD, PB_TITLE,
	PB_ACHIEVEMENTS, PB_UNIT, PB_EDUCATION, PB_HELD, PB_HELD_DATE, PB_WORK_START, PB_PIPELINE,
	PB_REGION, PB_UNIT_ORG, PB_VERSION, PB_MORE_GATES
};

/* The step a pass of row i goes to and its holder ("next"; null at the last). */
static enum perr
next_json(const PGresult *res, int i, cJSON *it)
{
	struct chain_owner own[CHAIN_STEPS_MAX];
	int n, k;
	enum perr e;

	if ((e = chain_owners(db_int(res, i, PB_PIPELINE), db_int(res, i, PB_REGION),
	    db_int(res, i, PB_UNIT_ORG), own, CHAIN_STEPS_MAX, &n)) != PERR_OK)
		return e;
	for (k = 0; k < n && own[k].seq != db_int(res, i, PB_STEP) + 1; k++)
		;
	if (k == n) {
		cJSON_AddNullToObject(it, "next");
	} else {
		cJSON *nx = cJSON_AddObjectToObject(it, "next");

		cJSON_AddStringToObject(nx, "step_name", own[k].step);
		cJSON_AddStringToObject(nx, "holder", own[k].org_name);
	}
	return PERR_OK;
}

/*
 * "held": what else the step waits for once the publicity is over and no
 * objection is open and the step has other gates (ready), in the words a 通过 would be refused with (the
 * 市人力社保局's 资格复审并公示 waits for the results of an interview it
 * called), or null. The clerks' walk: the batch promised two, one passed, and
 * the other's row said nothing.
 */
static enum perr
held_json(cJSON *it, long long app, bool ready)
{
	struct gate_state g[GATES_MAX];
	int n, k;
	enum perr e;

	if (!ready) {
		cJSON_AddNullToObject(it, "held");
		return PERR_OK;
	}
	if ((e = gates_eval(app, g, GATES_MAX, &n)) != PERR_OK)
		return e;
	for (k = 0; k < n && (g[k].met || strcmp(g[k].name, "publicity") == 0); k++)
		;
	json_add_str_null(it, "held", k < n ? g[k].text : NULL);
	return PERR_OK;
}

enum perr
h_publicity(struct req *r)
{
	char masked[32];
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[UP_LIST], &res, 2, DB_I(r->s.org_id), DB_I(PUBLICITY_DAYS))) != PERR_OK)
		return e;
	/* the names as of the rows' version; the units' (a pass's holder at a
	 * unit's step) in one read, not one a row */
	if (PQntuples(res) > 0 && ((e = ref_sync(db_int(res, 0, PB_VERSION))) != PERR_OK ||
	    (e = ref_orgs(res, PB_UNIT_ORG)) != PERR_OK)) {
		PQclear(res);
		return e;
	}
	cJSON_AddNumberToObject(req_out(r), "days", PUBLICITY_DAYS);
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();
		long long done = db_int(res, i, PB_DONE);

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, PB_ID));
		cJSON_AddStringToObject(it, "applicant", db_str(res, i, PB_NAME));
		cJSON_AddStringToObject(it, "idcard",
		    mask_id(db_str(res, i, PB_IDCARD), masked, sizeof(masked)));
		cJSON_AddStringToObject(it, "plan", db_str(res, i, PB_PLAN));
		cJSON_AddNumberToObject(it, "step", (double)db_int(res, i, PB_STEP));
		cJSON_AddStringToObject(it, "step_name", db_str(res, i, PB_STEP_NAME));
		cJSON_AddStringToObject(it, "arrived_on", db_str(res, i, PB_ARRIVED));
		cJSON_AddNumberToObject(it, "objections_open", (double)db_int(res, i, PB_OPEN));
		cJSON_AddNumberToObject(it, "objections", (double)db_int(res, i, PB_OBJECTIONS));
		if (db_str(res, i, PB_STARTS)[0] == '\0') {
			cJSON_AddNullToObject(it, "publicity");
		} else {
			cJSON *pb = cJSON_AddObjectToObject(it, "publicity");

			cJSON_AddStringToObject(pb, "starts_on", db_str(res, i, PB_STARTS));
			cJSON_AddStringToObject(pb, "ends_on", db_str(res, i, PB_ENDS));
			cJSON_AddNumberToObject(pb, "days_done",
			    (double)(done > PUBLICITY_DAYS ? PUBLICITY_DAYS : done));
			cJSON_AddBoolToObject(pb, "over", done >= PUBLICITY_DAYS);
		}
		cJSON_AddItemToArray(items, it);
		if ((e = next_json(res, i, it)) != PERR_OK ||
		    (e = held_json(it, db_int(res, i, PB_ID), done >= PUBLICITY_DAYS &&
		    db_int(res, i, PB_OPEN) == 0 && db_bool(res, i, PB_MORE_GATES))) != PERR_OK)
			break;
	}
	PQclear(res);
	return e;
}

/* What the public reads a step's 公示 as (公示事项, the 公示表's title): the
 * steps are named for what the department does (公布评审结果), which read as
 * “公布评审结果”公示表 (the clerks' walk). */
static const char *
publicity_subject(const char *step)
{
	static const struct { const char *step, *subject; } as[] = {
		{ "单位公示并推荐上报", "职称申报资格公示" },
		{ "市人力社保部门资格复审并公示", "职称评审资格复审公示" },
		{ "公布评审结果", "职称评审结果公示" },
		{ "公布初定结果", "职称初定结果公示" },
	};
	size_t k;

	for (k = 0; k < NITEMS(as); k++)
		if (strcmp(step, as[k].step) == 0)
			return as[k].subject;
	return step;
}

/* 公示表: what is publicised (notice 一.4: 申报人员的基本情况和业绩材料), and of
 * which step: a unit's 资格公示, a department's 资格复审 or result, named in
 * the title when every row is of one step, else row by row. */
enum perr
h_publicity_xlsx(struct req *r)
{
	static const char *const head[] = { "序号", "姓名", "身份证号", "工作单位", "学历",
	    "现有职称（取得时间）", "参加工作时间", "申报专业", "申报类型", "申报方式", "申报职称",
	    "主要业绩", "公示事项", "公示时间" };
	static const int widths[] = { 5, 8, 20, 24, 8, 20, 12, 14, 14, 16, 10, 44, 18, 24 };
	bool unit = strcmp(req_actor(r).role, "unit") == 0;
	const char *step = NULL;
	char masked[32], when[40], held[80], title[600];
	PGresult *res;
	cJSON *rows;
	int i;
	enum perr e;

	if ((e = db_run(&st[UP_LIST], &res, 2, DB_I(r->s.org_id), DB_I(PUBLICITY_DAYS))) != PERR_OK)
		return e;
	rows = cJSON_CreateArray();
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *row = cJSON_CreateArray();

		if (db_str(res, i, PB_STARTS)[0] != '\0')
			snprintf(when, sizeof(when), "%s 至 %s", db_str(res, i, PB_STARTS),
			    db_str(res, i, PB_ENDS));
		else
			snprintf(when, sizeof(when), "未登记");
		if (db_str(res, i, PB_HELD_DATE)[0] != '\0')
			snprintf(held, sizeof(held), "%s（%s）", db_str(res, i, PB_HELD),
			    db_str(res, i, PB_HELD_DATE));
		else
			snprintf(held, sizeof(held), "%s", db_str(res, i, PB_HELD));
		step = i == 0 || (step != NULL && strcmp(step, db_str(res, i, PB_STEP_NAME)) == 0) ?
		    db_str(res, i, PB_STEP_NAME) : NULL;
		cJSON_AddItemToArray(row, cJSON_CreateNumber(i + 1));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, PB_NAME)));
		cJSON_AddItemToArray(row, cJSON_CreateString(
		    mask_id(db_str(res, i, PB_IDCARD), masked, sizeof(masked))));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, PB_UNIT)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, PB_EDUCATION)));
		cJSON_AddItemToArray(row, cJSON_CreateString(held));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, PB_WORK_START)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, PB_SPECIALTY)));
		cJSON_AddItemToArray(row, cJSON_CreateString(app_category_name(db_str(res, i, PB_CATEGORY))));
		cJSON_AddItemToArray(row, cJSON_CreateString(app_method_name(db_str(res, i, PB_METHOD))));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, PB_TITLE)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, PB_ACHIEVEMENTS)));
		/* 公示事项: what the public reads, not the step's name (单位公示并推荐上报) */
		cJSON_AddItemToArray(row, cJSON_CreateString(unit ? "职称申报资格公示" :
		    publicity_subject(db_str(res, i, PB_STEP_NAME))));
		cJSON_AddItemToArray(row, cJSON_CreateString(when));
		cJSON_AddItemToArray(rows, row);
	}
	if (unit)
		snprintf(title, sizeof(title), "%s 职称申报人员公示表", r->s.org_name);
	else if (step != NULL && publicity_subject(step) != step)
		snprintf(title, sizeof(title), "%s %s表", r->s.org_name, publicity_subject(step));
	else if (step != NULL)
		snprintf(title, sizeof(title), "%s “%s”公示表", r->s.org_name, step);
	else
		snprintf(title, sizeof(title), "%s 职称公示表", r->s.org_name);
	snprintf(title + strlen(title), sizeof(title) - strlen(title), "（公示期不少于 %d 个工作日；"
	    "如有异议，请在公示期内向%s反映）", PUBLICITY_DAYS, unit ? "本单位" : r->s.org_name);
	PQclear(res);
	e = xlsx_reply(r, unit ? "职称申报公示表.xlsx" : "职称公示表.xlsx", "公示表", title, head, widths,
	    (int)NITEMS(head), rows);
	cJSON_Delete(rows);
	return e;
}

const struct field publicise_fields[] = {
	{ "starts_on", "公示开始日期", F_STR, true, 10, 10, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_publicise(struct req *r)
{
	struct actor who = req_actor(r);
	char ends[11] = "";
	enum perr e;

	e = chain_publicise(&who, r->id, r->f[0].s, ends, r->msg, sizeof(r->msg));
	if (e == PERR_INVALID_FIELD)
		r->bad_field = "starts_on";
	if (e != PERR_OK)
		return e;
	cJSON_AddStringToObject(req_out(r), "starts_on", r->f[0].s);
	cJSON_AddStringToObject(req_out(r), "ends_on", ends);
	return PERR_OK;
}

enum perr
h_objections(struct req *r)
{
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[UP_OBJ_APP], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	i = PQntuples(res);
	PQclear(res);
	if (i != 1)
		return req_fail(r, PERR_NOT_FOUND, NULL, "申报不存在");
	if ((e = db_run(&st[UP_OBJ_LIST], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "raised_on", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "content", db_str(res, i, 2));
		cJSON_AddStringToObject(it, "resolution", db_str(res, i, 3));
		cJSON_AddStringToObject(it, "resolved_at", db_str(res, i, 4));
		cJSON_AddBoolToObject(it, "open", db_str(res, i, 4)[0] == '\0');
		cJSON_AddStringToObject(it, "created_at", db_str(res, i, 5));
		cJSON_AddStringToObject(it, "recorded_by", db_str(res, i, 6));
		cJSON_AddStringToObject(it, "resolved_by", db_str(res, i, 7));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

static bool
valid_date(const char *s)
{
	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    strspn(s, "0123456789-") == 10;
}

enum { OB_RAISED_ON, OB_CONTENT };

const struct field objection_fields[] = {
	[OB_RAISED_ON] = { "raised_on", "收到异议日期", F_STR, true, 10, 10, valid_date,
	    "日期应为有效的日期，如 2023-05-08" },
	[OB_CONTENT] = { "content", "异议内容", F_LINES, true, 1, 1000, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* An objection is recorded while the application is at the organisation's
 * publicity step; it holds the step back until it is resolved. */
enum perr
h_objection_add(struct req *r)
{
	PGresult *res = NULL;
	long long id;
	cJSON *detail;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[UP_LOCK], NULL, 1, DB_I(r->id))) != PERR_OK ||
	    (e = db_run(&st[UP_OBJ_APP], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "申报不存在");
		goto fail;
	}
	if (!db_bool(res, 0, 0)) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该申报不在%s的公示环节，不能登记异议", portal_here());
		goto fail;
	}
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[UP_OBJ_ADD], &res, 4, DB_I(r->id), DB_S(r->f[OB_RAISED_ON].s),
	    DB_S(r->f[OB_CONTENT].s), DB_I(r->s.user_id))) != PERR_OK) {
		if (e == PERR_INVALID_FIELD)
			e = req_fail(r, e, "raised_on", "收到异议日期不是有效的日期");
		goto fail;
	}
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_INVALID_FIELD, "raised_on",
		    "收到异议的日期应在申报到达本环节之后，且不晚于今天");
		goto fail;
	}
	id = db_int(res, 0, 0);
	detail = cJSON_CreateObject();
	cJSON_AddNumberToObject(detail, "objection", (double)id);
	cJSON_AddStringToObject(detail, "raised_on", r->f[OB_RAISED_ON].s);
	cJSON_AddStringToObject(detail, "content", r->f[OB_CONTENT].s);
	e = req_audit(r, "objection_add", "application", r->id, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	cJSON_AddNumberToObject(req_out(r), "id", (double)id);
	r->status = 201;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

enum { RS_RESOLUTION };

const struct field objection_resolve_fields[] = {
	[RS_RESOLUTION] = { "resolution", "处理意见", F_LINES, true, 1, 1000, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_objection_resolve(struct req *r)
{
	PGresult *res = NULL;
	long long app;
	cJSON *detail;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[UP_OBJ_LOAD], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "异议不存在");
		goto fail;
	}
	if (db_bool(res, 0, 1)) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该异议已处理");
		goto fail;
	}
	app = db_int(res, 0, 0);
	if ((e = db_run(&st[UP_OBJ_RESOLVE], NULL, 3, DB_I(r->id),
	    DB_S(r->f[RS_RESOLUTION].s), DB_I(r->s.user_id))) != PERR_OK)
		goto fail;
	detail = cJSON_CreateObject();
	cJSON_AddNumberToObject(detail, "objection", (double)r->id);
	cJSON_AddStringToObject(detail, "resolution", r->f[RS_RESOLUTION].s);
	e = req_audit(r, "objection_resolve", "application", app, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}
