/*
 * interview.c: 评前面试 / 业务能力复审 (the county's step ⑤ of the 中级 chain)
 * and the interviews the city HR bureau calls those in 面试范围 to (step ⑧).
 * A department schedules sessions (time, place, panel), assigns the
 * applications it holds at such a step (notified in the 12333 style),
 * and records each one's result: 通过 opens the step's gate ('interview' in
 * gate.c); 不通过 and 缺席 end the application there, with the reason, in
 * the same transaction as the result (chain_move_ex with a hook).
 */
#include <stdio.h>
#include <string.h>

#include "review.h"

enum {
	IV_LIST, IV_WAITING, IV_GET, IV_ASSIGNED, IV_CREATE, IV_UPDATE, IV_APP, IV_ASSIGN,
	IV_UNASSIGN, IV_ROW, IV_RESULT, IV_NOTICE, IV_LOCK, IV_HOLDS, IV_DELETE, IV_COUNT, IV__MAX
};

#define TS(x) "to_char(" x " AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
/* the application is held by org at a step with an interview gate */
#define AT_INTERVIEW_STEP(org) \
	"a.current_org_id = " org " AND a.state = 'in_review' AND EXISTS (SELECT 1 FROM step_gate g" \
	" WHERE g.pipeline_id = a.pipeline_id AND g.seq = a.step_seq" \
	" AND g.gate IN ('interview', 'interview_if_called'))"
/* an assignment at the application's current step that still counts:
 * result not yet recorded or 通过 (a 不通过 or 缺席 ended the application) */
#define CALLED(a) \
	"EXISTS (SELECT 1 FROM interview_assignment ia WHERE ia.application_id = " a \
	" AND ia.step_seq = (SELECT step_seq FROM application WHERE id = " a ")" \
	" AND ia.assigned_at >= coalesce(step_arrival(" a "), '-infinity')" \
	" AND (ia.result IS NULL OR ia.result = 'pass'))"

static struct db_stmt st[IV__MAX] = {
	[IV_LIST] = { "interview_list",
	    "SELECT s.id, s.title, " TS("s.starts_at") ", s.place, s.panel, s.starts_at <= now(),"
	    " count(ia.application_id), count(*) FILTER (WHERE ia.result = 'pass'),"
	    " count(*) FILTER (WHERE ia.result = 'fail'), count(*) FILTER (WHERE ia.result = 'absent')"
	    " FROM interview_session s LEFT JOIN interview_assignment ia ON ia.session_id = s.id"
	    " WHERE s.org_id = $1 GROUP BY s.id ORDER BY s.starts_at DESC, s.id DESC LIMIT 500", 0 },
	/* the applications waiting to be called */
	[IV_WAITING] = { "interview_waiting",
	    "SELECT a.id, u.name, u.idcard, " EMPLOYER_NAME ", p.name, a.step_seq, s.name,"
	    " EXISTS (SELECT 1 FROM step_gate g WHERE g.pipeline_id = a.pipeline_id"
	    "  AND g.seq = a.step_seq AND g.gate = 'interview')"
	    " FROM application a JOIN app_user u ON u.id = a.applicant_id"
	    " JOIN org uo ON uo.id = a.unit_org_id" EMPLOYER_JOIN " JOIN plan p ON p.id = a.plan_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
	    " WHERE " AT_INTERVIEW_STEP("$1") " AND NOT " CALLED("a.id")
	    " ORDER BY a.id LIMIT 1000", 0 },
	[IV_GET] = { "interview_get",
	    "SELECT s.id, s.title, " TS("s.starts_at") ", s.place, s.panel, s.starts_at <= now()"
	    " FROM interview_session s WHERE s.id = $1 AND s.org_id = $2", 0 },
	[IV_ASSIGNED] = { "interview_assigned",
	    "SELECT a.id, u.name, u.idcard, " EMPLOYER_NAME ", p.name, ia.step_seq, coalesce(ia.result, ''),"
	    " coalesce(ia.note, ''), coalesce(" TS("ia.recorded_at") ", ''), a.state,"
	    " a.step_seq = ia.step_seq AND a.current_org_id = s.org_id, coalesce(a.specialty, ''),"
	    " p.title_name"
	    " FROM interview_assignment ia JOIN interview_session s ON s.id = ia.session_id"
	    " JOIN application a ON a.id = ia.application_id JOIN app_user u ON u.id = a.applicant_id"
	    " JOIN org uo ON uo.id = a.unit_org_id" EMPLOYER_JOIN " JOIN plan p ON p.id = a.plan_id"
	    " WHERE ia.session_id = $1 ORDER BY ia.assigned_at, a.id", 0 },
	/* the organisation holds, somewhere, a step with an interview gate
	 * (step_owners_of(), sql/033: the city's departments hold 市本级's county steps) */
	[IV_HOLDS] = { "interview_holds",
	    "SELECT EXISTS (SELECT 1 FROM step_gate sg JOIN pipeline_step s"
	    " ON s.pipeline_id = sg.pipeline_id AND s.seq = sg.seq CROSS JOIN region g"
	    " CROSS JOIN LATERAL step_owners_of(s.pipeline_id, g.id, 0) w"
	    " WHERE sg.gate IN ('interview', 'interview_if_called') AND w.seq = s.seq"
	    " AND w.org_id = $1)", 0 },
	/* a session made by mistake: before it starts, nobody on its list */
	[IV_DELETE] = { "interview_delete",
	    "DELETE FROM interview_session s WHERE s.id = $1 AND s.org_id = $2 AND s.starts_at > now()"
	    " AND NOT EXISTS (SELECT 1 FROM interview_assignment ia WHERE ia.session_id = s.id)"
	    " RETURNING s.id", 0 },
	[IV_COUNT] = { "interview_count",
	    "SELECT s.starts_at <= now(), (SELECT count(*) FROM interview_assignment ia"
	    " WHERE ia.session_id = s.id) FROM interview_session s WHERE s.id = $1 AND s.org_id = $2", 0 },
	[IV_CREATE] = { "interview_create",
	    "INSERT INTO interview_session (org_id, title, starts_at, place, panel, created_by)"
	    " SELECT $1, $2, $3::timestamp AT TIME ZONE 'Asia/Shanghai', $4, $5, $6"
	    " WHERE $3::timestamp AT TIME ZONE 'Asia/Shanghai' > now()"
	    " AND $3::timestamp::date <= current_date + 366 RETURNING id", 0 },
	[IV_UPDATE] = { "interview_update",
	    "UPDATE interview_session SET title = $3, starts_at = $4::timestamp AT TIME ZONE"
	    " 'Asia/Shanghai', place = $5, panel = $6 WHERE id = $1 AND org_id = $2"
	    " AND $4::timestamp AT TIME ZONE 'Asia/Shanghai' > now()"
	    " AND $4::timestamp::date <= current_date + 366 RETURNING id", 0 },
	/* an application to call: held here at an interview step and not called yet */
	[IV_APP] = { "interview_app",
	    "SELECT a.step_seq, a.applicant_id, " CALLED("a.id") ", p.name FROM application a"
	    " JOIN plan p ON p.id = a.plan_id WHERE a.id = $1 AND " AT_INTERVIEW_STEP("$2"), 0 },
	[IV_ASSIGN] = { "interview_assign",
	    "INSERT INTO interview_assignment (session_id, application_id, step_seq, assigned_by)"
	    " VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (session_id, application_id) DO UPDATE SET step_seq = EXCLUDED.step_seq,"
	    " assigned_by = EXCLUDED.assigned_by, assigned_at = now()", 0 },
	[IV_UNASSIGN] = { "interview_unassign",
	    "DELETE FROM interview_assignment ia USING interview_session s"
	    " WHERE ia.session_id = $1 AND ia.application_id = $3 AND s.id = ia.session_id"
	    " AND s.org_id = $2 AND ia.result IS NULL RETURNING ia.application_id", 0 },
	/* an assignment whose result is to be recorded */
	[IV_ROW] = { "interview_row",
	    "SELECT ia.step_seq, coalesce(ia.result, ''), a.step_seq = ia.step_seq"
	    " AND a.current_org_id = s.org_id AND a.state = 'in_review'"
	    " FROM interview_assignment ia JOIN interview_session s ON s.id = ia.session_id"
	    " JOIN application a ON a.id = ia.application_id"
	    " WHERE ia.session_id = $1 AND ia.application_id = $2 AND s.org_id = $3", 0 },
	[IV_RESULT] = { "interview_result",
	    "UPDATE interview_assignment SET result = $3, note = NULLIF($4, ''), recorded_by = $5,"
	    " recorded_at = now() WHERE session_id = $1 AND application_id = $2 AND result IS NULL"
	    " RETURNING 1", 0 },
	/* who was called and has no result yet: told of a change of time or place */
	[IV_NOTICE] = { "interview_notice",
	    "SELECT a.applicant_id, p.name FROM interview_assignment ia"
	    " JOIN application a ON a.id = ia.application_id JOIN plan p ON p.id = a.plan_id"
	    " WHERE ia.session_id = $1 AND ia.result IS NULL", 0 },
	/* as chain_move() does: the row alone, then read again */
	[IV_LOCK] = { "interview_lock",
	    "SELECT chain_lock($1)", 0 },
};

enum { SE_TITLE, SE_STARTS_AT, SE_PLACE, SE_PANEL };

const struct field interview_fields[] = {
	[SE_TITLE] = { "title", "面试名称", F_STR, true, 1, 60, NULL, NULL },
	[SE_STARTS_AT] = { "starts_at", "面试时间", F_STR, true, 16, 16, valid_minute,
	    "面试时间应为日期和时间，如 2023-05-08 14:30" },
	[SE_PLACE] = { "place", "面试地点", F_STR, true, 1, 200, NULL, NULL },
	[SE_PANEL] = { "panel", "面试专家", F_LINES, true, 1, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static void
add_session(cJSON *o, PGresult *res, int i)
{
	cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
	cJSON_AddStringToObject(o, "title", db_str(res, i, 1));
	cJSON_AddStringToObject(o, "starts_at", db_str(res, i, 2));
	cJSON_AddStringToObject(o, "place", db_str(res, i, 3));
	cJSON_AddStringToObject(o, "panel", db_str(res, i, 4));
	cJSON_AddBoolToObject(o, "started", db_bool(res, i, 5));
}

static void
add_person(cJSON *o, PGresult *res, int i)
{
	char masked[32];

	cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
	cJSON_AddStringToObject(o, "applicant", db_str(res, i, 1));
	cJSON_AddStringToObject(o, "idcard", mask_id(db_str(res, i, 2), masked, sizeof(masked)));
	cJSON_AddStringToObject(o, "unit", db_str(res, i, 3));
	cJSON_AddStringToObject(o, "plan", db_str(res, i, 4));
	cJSON_AddNumberToObject(o, "step", (double)db_int(res, i, 5));
}

/* GET /interviews: the sessions, and the applications waiting to be called. */
enum perr
h_interviews(struct req *r)
{
	PGresult *res;
	cJSON *arr;
	int i;
	enum perr e;

	if ((e = db_run(&st[IV_LIST], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "sessions");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		add_session(o, res, i);
		cJSON_AddNumberToObject(o, "assigned", (double)db_int(res, i, 6));
		cJSON_AddNumberToObject(o, "passed", (double)db_int(res, i, 7));
		cJSON_AddNumberToObject(o, "failed", (double)db_int(res, i, 8));
		cJSON_AddNumberToObject(o, "absent", (double)db_int(res, i, 9));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	if ((e = db_run(&st[IV_WAITING], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "waiting");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		add_person(o, res, i);
		cJSON_AddStringToObject(o, "step_name", db_str(res, i, 6));
		cJSON_AddBoolToObject(o, "required", db_bool(res, i, 7));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

/* GET /interviews/:id: the session and who is called to it. */
enum perr
h_interview(struct req *r)
{
	static const char *const names[] = { "pass", "通过", "fail", "不通过", "absent", "缺席" };
	PGresult *res;
	cJSON *s, *arr;
	size_t k;
	int i;
	enum perr e;

	if ((e = db_run(&st[IV_GET], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "面试安排不存在");
	}
	s = cJSON_AddObjectToObject(req_out(r), "session");
	add_session(s, res, 0);
	PQclear(res);
	if ((e = db_run(&st[IV_ASSIGNED], &res, 1, DB_I(r->id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();
		const char *result = db_str(res, i, 6);

		add_person(o, res, i);
		cJSON_AddStringToObject(o, "result", result);
		for (k = 0; k < NITEMS(names) && strcmp(names[k], result) != 0; k += 2)
			;
		cJSON_AddStringToObject(o, "result_name", k < NITEMS(names) ? names[k + 1] : "");
		cJSON_AddStringToObject(o, "note", db_str(res, i, 7));
		cJSON_AddStringToObject(o, "recorded_at", db_str(res, i, 8));
		cJSON_AddStringToObject(o, "state", db_str(res, i, 9));
		cJSON_AddStringToObject(o, "specialty", db_str(res, i, 11));
		/* still here to be recorded (not moved on, returned or withdrawn meanwhile) */
		cJSON_AddBoolToObject(o, "open", result[0] == '\0' && db_bool(res, i, 10));
		/* still at the step, recorded or not (one who passed waits for its 通过) */
		cJSON_AddBoolToObject(o, "here", db_bool(res, i, 10));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

/* GET /interviews/:id/list.xlsx: the 面试名单 to print, with a column to sign
 * in and one for the result, the session's time, place and panel above it. */
enum perr
h_interview_xlsx(struct req *r)
{
	static const char *const head[] = { "序号", "姓名", "身份证号", "工作单位", "申报专业",
	    "申报职称", "评审计划", "签到", "面试结果" };
	static const int widths[] = { 5, 10, 20, 28, 16, 10, 36, 12, 12 };
	char masked[32], title[4096], name[200];
	PGresult *res;
	cJSON *rows;
	int i;
	enum perr e;

	if ((e = db_run(&st[IV_GET], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "面试安排不存在");
	}
	snprintf(title, sizeof(title), "%s %s 面试名单（时间：%s；地点：%s；面试专家：%s）",
	    r->s.org_name, db_str(res, 0, 1), db_str(res, 0, 2), db_str(res, 0, 3),
	    db_str(res, 0, 4));
	snprintf(name, sizeof(name), "面试名单-%.10s.xlsx", db_str(res, 0, 2));
	PQclear(res);
	if ((e = db_run(&st[IV_ASSIGNED], &res, 1, DB_I(r->id))) != PERR_OK)
		return e;
	rows = cJSON_CreateArray();
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *row = cJSON_CreateArray();
		const char *result = db_str(res, i, 6);

		cJSON_AddItemToArray(row, cJSON_CreateNumber(i + 1));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 1)));
		cJSON_AddItemToArray(row, cJSON_CreateString(
		    mask_id(db_str(res, i, 2), masked, sizeof(masked))));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 3)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 11)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 12)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 4)));
		cJSON_AddItemToArray(row, cJSON_CreateString(""));
		cJSON_AddItemToArray(row, cJSON_CreateString(strcmp(result, "pass") == 0 ? "通过" :
		    strcmp(result, "fail") == 0 ? "不通过" : strcmp(result, "absent") == 0 ? "缺席" : ""));
		cJSON_AddItemToArray(rows, row);
	}
	PQclear(res);
	e = xlsx_reply(r, name, "面试名单", title, head, widths, (int)NITEMS(head), rows);
	cJSON_Delete(rows);
	return e;
}

/* The message of a refused time: in the past, or not a real date. */
static enum perr
bad_time(struct req *r)
{
	return req_fail(r, PERR_INVALID_FIELD, "starts_at", "面试时间应为今后一年内的有效日期和时间");
}

/* POST /interviews: a new session. */
enum perr
h_interview_create(struct req *r)
{
	PGresult *res;
	long long id;
	bool holds;
	enum perr e;

	if ((e = db_run(&st[IV_HOLDS], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	holds = db_bool(res, 0, 0);
	PQclear(res);
	if (!holds)
		return req_fail(r, PERR_FORBIDDEN, NULL, "本部门不办理评前面试或面试安排，不能新建面试");
	if ((e = db_run(&st[IV_CREATE], &res, 6, DB_I(r->s.org_id), DB_S(r->f[SE_TITLE].s),
	    DB_S(r->f[SE_STARTS_AT].s), DB_S(r->f[SE_PLACE].s), DB_S(r->f[SE_PANEL].s),
	    DB_I(r->s.user_id))) != PERR_OK)
		return e == PERR_INVALID_FIELD ? bad_time(r) : e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return bad_time(r);
	}
	id = db_int(res, 0, 0);
	PQclear(res);
	if ((e = req_audit(r, "interview_create", "interview_session", id, NULL)) != PERR_OK)
		return e;
	cJSON_AddNumberToObject(req_out(r), "id", (double)id);
	r->status = 201;
	return PERR_OK;
}

/* The call, in the 12333 style, to the applicant. */
static enum perr
call_notify(long long applicant, const char *plan, const char *title, const char *when,
    const char *place, bool changed)
{
	return notify_userf(applicant, "【职称申报】您申报的《%s》%s请于 %s 到%s参加“%s”，"
	    "请携带身份证原件准时参加；无故缺席的，视为放弃。", plan,
	    changed ? "面试安排有变更，" : "", when, place, title);
}

/* PUT /interviews/:id: a change of title, time, place or panel; those called
 * and not yet recorded are told when what their SMS says (title, time, place)
 * changed, and the answer's notified says how many were. */
enum perr
h_interview_update(struct req *r)
{
	PGresult *res = NULL;
	bool told;
	int i, n = 0;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[IV_GET], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "面试安排不存在");
		goto fail;
	}
	if (db_bool(res, 0, 5)) {
		e = req_fail(r, PERR_CONFLICT, NULL, "面试已开始，不能再修改安排");
		goto fail;
	}
	told = strcmp(db_str(res, 0, 1), r->f[SE_TITLE].s) != 0 ||
	    strcmp(db_str(res, 0, 2), r->f[SE_STARTS_AT].s) != 0 ||
	    strcmp(db_str(res, 0, 3), r->f[SE_PLACE].s) != 0;
	PQclear(res);
	if ((e = db_run(&st[IV_UPDATE], &res, 6, DB_I(r->id), DB_I(r->s.org_id),
	    DB_S(r->f[SE_TITLE].s), DB_S(r->f[SE_STARTS_AT].s), DB_S(r->f[SE_PLACE].s),
	    DB_S(r->f[SE_PANEL].s))) != PERR_OK) {
		if (e == PERR_INVALID_FIELD)
			e = bad_time(r);
		goto fail;
	}
	if (PQntuples(res) != 1) {
		e = bad_time(r);
		goto fail;
	}
	PQclear(res);
	res = NULL;
	if (told && (e = db_run(&st[IV_NOTICE], &res, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	for (i = 0; told && i < PQntuples(res); i++, n++) {
		if ((e = call_notify(db_int(res, i, 0), db_str(res, i, 1), r->f[SE_TITLE].s,
		    r->f[SE_STARTS_AT].s, r->f[SE_PLACE].s, true)) != PERR_OK)
			goto fail;
	}
	json_add_int(req_out(r), "notified", n);
	if ((e = req_audit(r, "interview_update", "interview_session", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return h_interview(r);
fail:
	PQclear(res);
	db_rollback();
	return e;
}

enum { AS_ITEMS };

const struct field interview_assign_fields[] = {
	[AS_ITEMS] = { "items", "申报", F_ARRAY, true, 1, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* One call, in its own transaction, the application locked. */
static enum perr
assign_one(struct req *r, PGresult *sess, long long app, char *msg, size_t msgsz)
{
	PGresult *res = NULL;
	int step;
	long long applicant;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[IV_LOCK], NULL, 1, DB_I(app))) != PERR_OK ||
	    (e = db_run(&st[IV_APP], &res, 2, DB_I(app), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = PERR_CONFLICT;
		snprintf(msg, msgsz, "该申报不在本部门的面试环节");
		goto fail;
	}
	if (db_bool(res, 0, 2)) {
		e = PERR_CONFLICT;
		snprintf(msg, msgsz, "该申报已安排面试");
		goto fail;
	}
	step = (int)db_int(res, 0, 0);
	applicant = db_int(res, 0, 1);
	if ((e = db_run(&st[IV_ASSIGN], NULL, 4, DB_I(r->id), DB_I(app), DB_I(step),
	    DB_I(r->s.user_id))) != PERR_OK ||
	    (e = call_notify(applicant, db_str(res, 0, 3), db_str(sess, 0, 1), db_str(sess, 0, 2),
	    db_str(sess, 0, 3), false)) != PERR_OK ||
	    (e = req_audit(r, "interview_assign", "application", app, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

/* POST /interviews/:id/assign {items: [application ids]}: each called on its
 * own; one refused does not stop the others. */
enum perr
h_interview_assign(struct req *r)
{
	PGresult *sess;
	const cJSON *it;
	cJSON *results;
	int ok = 0, failed = 0;
	enum perr e;

	/* whole numbers only: 1.5 is not application 1 */
	cJSON_ArrayForEach(it, r->f[AS_ITEMS].a)
		if (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > (double)(1LL << 50) ||
		    it->valuedouble != (double)(long long)it->valuedouble)
			return req_fail(r, PERR_INVALID_FIELD, "items", "所选申报的格式不正确");
	if ((e = db_run(&st[IV_GET], &sess, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (PQntuples(sess) != 1) {
		PQclear(sess);
		return req_fail(r, PERR_NOT_FOUND, NULL, "面试安排不存在");
	}
	if (db_bool(sess, 0, 5)) {
		PQclear(sess);
		return req_fail(r, PERR_CONFLICT, NULL, "面试已开始，不能再安排人员");
	}
	results = cJSON_AddArrayToObject(req_out(r), "results");
	cJSON_ArrayForEach(it, r->f[AS_ITEMS].a) {
		long long app = (long long)it->valuedouble;
		char msg[256] = "";

		e = assign_one(r, sess, app, msg, sizeof(msg));
		review_result(results, app, e, msg);
		if (e != PERR_OK)
			failed++;
		else
			ok++;
		if (e == PERR_UNAVAILABLE)
			break;
	}
	PQclear(sess);
	cJSON_AddNumberToObject(req_out(r), "assigned", ok);
	cJSON_AddNumberToObject(req_out(r), "failed", failed);
	return PERR_OK;
}

/* DELETE /interviews/:id/assignments/:id: called by mistake, before a result. */
enum perr
h_interview_unassign(struct req *r)
{
	PGresult *res;
	int n;
	enum perr e;

	if ((e = db_run(&st[IV_UNASSIGN], &res, 3, DB_I(r->id), DB_I(r->s.org_id),
	    DB_I(r->id2))) != PERR_OK)
		return e;
	n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return req_fail(r, PERR_NOT_FOUND, NULL, "该申报不在此次面试名单中，或已登记结果");
	return req_audit(r, "interview_unassign", "application", r->id2, NULL);
}

/* DELETE /interviews/:id: a session made by mistake, before it starts and
 * with nobody on its list (those called are 移出 first: each is told). */
enum perr
h_interview_delete(struct req *r)
{
	PGresult *res;
	long long n;
	bool started;
	enum perr e;

	if ((e = db_run(&st[IV_DELETE], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	n = PQntuples(res);
	PQclear(res);
	if (n == 1)
		return req_audit(r, "interview_delete", "interview_session", r->id, NULL);
	if ((e = db_run(&st[IV_COUNT], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "面试安排不存在");
	}
	started = db_bool(res, 0, 0);
	n = db_int(res, 0, 1);
	PQclear(res);
	if (started)
		return req_fail(r, PERR_CONFLICT, NULL, "面试已开始，不能删除");
	return req_fail(r, PERR_CONFLICT, NULL, "面试名单中还有 %lld 人，请先将其移出名单后再删除", n);
}

enum { RE_ITEMS };

const struct field interview_result_fields[] = {
	[RE_ITEMS] = { "items", "面试结果", F_ARRAY, true, 1, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum { RI_ID, RI_RESULT, RI_NOTE };

static bool
valid_result(const char *s)
{
	return strcmp(s, "pass") == 0 || strcmp(s, "fail") == 0 || strcmp(s, "absent") == 0;
}

static const struct field result_item[] = {
	[RI_ID] = { "id", "申报", F_INT, true, 1, 1LL << 50, NULL, NULL },
	[RI_RESULT] = { "result", "面试结果", F_STR, true, 4, 6, valid_result,
	    "面试结果应为通过、不通过或缺席" },
	[RI_NOTE] = { "note", "说明", F_LINES, false, 0, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

struct record {
	long long session, user;
	const char *result, *note;
	const struct req *r;
};

/* Writes the result; inside the rejection's transaction for 不通过 and 缺席. */
static enum perr
write_result(long long app, void *arg)
{
	struct record *x = arg;
	PGresult *res;
	cJSON *detail;
	int n;
	enum perr e;

	if ((e = db_run(&st[IV_RESULT], &res, 5, DB_I(x->session), DB_I(app), DB_S(x->result),
	    DB_S(x->note), DB_I(x->user))) != PERR_OK)
		return e;
	n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return PERR_CONFLICT;
	/* what was recorded, for the audit log */
	detail = cJSON_CreateObject();
	cJSON_AddNumberToObject(detail, "session", (double)x->session);
	cJSON_AddStringToObject(detail, "result", x->result);
	if (x->note != NULL && x->note[0] != '\0')
		cJSON_AddStringToObject(detail, "note", x->note);
	e = req_audit(x->r, "interview_result", "application", app, detail);
	cJSON_Delete(detail);
	return e;
}

static enum perr
record_one(struct req *r, long long app, const char *result, const char *note, char *msg,
    size_t msgsz)
{
	struct record x = { r->id, r->s.user_id, result, note, r };
	struct actor who = req_actor(r);
	PGresult *res = NULL;
	int step;
	enum perr e;

	if ((e = db_run(&st[IV_ROW], &res, 3, DB_I(r->id), DB_I(app), DB_I(r->s.org_id))) !=
	    PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		snprintf(msg, msgsz, "该申报不在此次面试名单中");
		return PERR_NOT_FOUND;
	}
	step = (int)db_int(res, 0, 0);
	if (db_str(res, 0, 1)[0] != '\0' || !db_bool(res, 0, 2)) {
		snprintf(msg, msgsz, "%s", db_str(res, 0, 1)[0] != '\0' ? "面试结果已登记" :
		    "该申报已不在面试环节");
		PQclear(res);
		return PERR_CONFLICT;
	}
	PQclear(res);
	if (strcmp(result, "pass") != 0) {
		/* the application stops here, with the reason, in the same transaction */
		struct chain_extra ex = { .hook = write_result, .hook_arg = &x };
		char reason[700];

		snprintf(reason, sizeof(reason), "%s%s%s", strcmp(result, "absent") == 0 ?
		    "面试缺席" : "面试不通过", note[0] ? "：" : "", note);
		return chain_move_ex(&who, app, step, CHAIN_REJECT, reason, &ex, NULL, msg, msgsz);
	}
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[IV_LOCK], NULL, 1, DB_I(app))) != PERR_OK ||
	    (e = db_run(&st[IV_ROW], &res, 3, DB_I(r->id), DB_I(app), DB_I(r->s.org_id))) !=
	    PERR_OK)
		goto fail;
	if (PQntuples(res) != 1 || !db_bool(res, 0, 2)) {
		e = PERR_CONFLICT;
		snprintf(msg, msgsz, "该申报已不在面试环节");
		goto fail;
	}
	if ((e = write_result(app, &x)) != PERR_OK) {
		if (e == PERR_CONFLICT)
			snprintf(msg, msgsz, "面试结果已登记");
		goto fail;
	}
	if ((e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

/* POST /interviews/:id/results {items: [{id, result, note}]}: after the
 * session began; 不通过 needs a note (the applicant reads it as the reason). */
enum perr
h_interview_results(struct req *r)
{
	struct fval v[FIELDS_MAX];
	PGresult *sess;
	const cJSON *it;
	const char *bad;
	cJSON *results;
	char msg[512];
	int ok = 0, failed = 0, n = 0;
	bool started;
	enum perr e;

	/* a row refused refuses the batch: the message says which (申报编号 when it has one) */
	cJSON_ArrayForEach(it, r->f[RE_ITEMS].a) {
		const cJSON *id = cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "id") : NULL;
		char which[64];

		if (id != NULL && cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble < 1e15)
			snprintf(which, sizeof(which), "申报编号 %lld：", (long long)id->valuedouble);
		else
			snprintf(which, sizeof(which), "第 %d 条：", n + 1);
		n++;
		if (!cJSON_IsObject(it) ||
		    field_check(it, result_item, v, &bad, msg, sizeof(msg)) != PERR_OK)
			return req_fail(r, PERR_INVALID_FIELD, "items",
			    "%s%s", which, cJSON_IsObject(it) ? msg : "面试结果的格式不正确");
		if (strcmp(v[RI_RESULT].s, "fail") == 0 &&
		    (!v[RI_NOTE].present || utf8_blank(v[RI_NOTE].s)))
			return req_fail(r, PERR_INVALID_FIELD, "items",
			    "%s面试不通过的，请填写说明（将作为理由告知申报人）", which);
	}
	if ((e = db_run(&st[IV_GET], &sess, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	started = PQntuples(sess) == 1 && db_bool(sess, 0, 5);
	e = PQntuples(sess) == 1 ? PERR_OK : PERR_NOT_FOUND;
	PQclear(sess);
	if (e != PERR_OK)
		return req_fail(r, e, NULL, "面试安排不存在");
	if (!started)
		return req_fail(r, PERR_CONFLICT, NULL, "面试尚未开始，不能登记结果");
	results = cJSON_AddArrayToObject(req_out(r), "results");
	cJSON_ArrayForEach(it, r->f[RE_ITEMS].a) {
		const cJSON *note = cJSON_GetObjectItemCaseSensitive(it, "note");
		long long app = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it, "id"));

		msg[0] = '\0';
		e = record_one(r, app, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it,
		    "result")), cJSON_IsString(note) ? note->valuestring : "", msg, sizeof(msg));
		review_result(results, app, e, msg);
		if (e != PERR_OK)
			failed++;
		else
			ok++;
		if (e == PERR_UNAVAILABLE)
			break;
	}
	cJSON_AddNumberToObject(req_out(r), "recorded", ok);
	cJSON_AddNumberToObject(req_out(r), "failed", failed);
	return PERR_OK;
}
