/*
 * chain.c: the review chain. Every move of every application goes through
 * chain_move(); no program updates an application's position itself.
 *
 * The chain is data (pipeline, pipeline_step); an application records its
 * pipeline, step and state, and each move appends one chain_history row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "metrics.h"

#define CHAIN_TEXT_MAX 1000

enum {
	CH_LOCK,
	CH_OPEN,
	CH_PUB_LOAD,
	CH_PUB_END,
	CH_PUB_SAVE,
	CH_WRITE,
	CH_WRITE_UNGATED,
	CH_WRITE_ASSESS,
	CH_ASSESS_READ,
	CH__MAX
};

static struct db_stmt st[CH__MAX] = {
	/* Lock the row alone: with a join, a waiter would re-check the join
	 * against the new step and lose the row instead of seeing the change. */
	[CH_LOCK] = { "chain_lock",
	    "SELECT 1 WHERE chain_lock($1)", 0 },
	/* the row locked, then read with the step's gates, in one round trip (sql/017) */
	[CH_OPEN] = { "chain_open",
	    "SELECT state, step_seq, current_org, applicant, step_name, allowed, acted_before,"
	    " actor_level = 'unit', gates::text FROM chain_open($1, $2, NULLIF($3::bigint, 0))", 0 },
	/* OFFSET 0: each step's holder found once; inlined, step_owners()'s
	 * lookups ran again inside the name's (1.5-1.6 times the statement) */
	[CH_PUB_LOAD] = { "chain_pub_load",
	    "SELECT a.state, coalesce(a.current_org_id, 0),"
	    " EXISTS (SELECT 1 FROM step_gate g WHERE g.pipeline_id = a.pipeline_id"
	    "  AND g.seq = a.step_seq AND g.gate = 'publicity'),"
	    " a.applicant_id, p.name,"
	    " to_char(step_arrival(a.id) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),"
	    " $2::date < (step_arrival(a.id) AT TIME ZONE 'Asia/Shanghai')::date,"
	    /* (unknown past the calendar: CH_PUB_END names the year, once the
	     * caller is known to hold it) */
	    " to_char(workday_nth($2::date, $3::int), 'YYYY-MM-DD'),"
	    " a.step_seq, s.actor_level = 'unit', s.name,"
	    " (SELECT o.name FROM org o WHERE o.id = a.current_org_id),"
	    /* whether it ever came to the caller's desk: else a stranger's (404) */
	    " EXISTS (SELECT 1 FROM desk d WHERE d.org_id = $4 AND d.application_id = a.id),"
	    /* a result not carried is not published (sql/084) */
	    " result_withheld(a.id) "
	    "FROM application a"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
	    " JOIN plan p ON p.id = a.plan_id WHERE a.id = $1", 0 },
	/* the last day where the calendar does not cover it: refused, naming the year */
	[CH_PUB_END] = { "chain_pub_end",
	    "SELECT to_char(nth_working_day($1::date, $2::int), 'YYYY-MM-DD')", 0 },
	/* nothing when the same 公示 stands already (registered twice: one message) */
	[CH_PUB_SAVE] = { "chain_pub_save",
	    "INSERT INTO publicity (application_id, step_seq, starts_on, created_by)"
	    " VALUES ($1, $4, $2, $3)"
	    " ON CONFLICT (application_id, step_seq) DO UPDATE SET starts_on = EXCLUDED.starts_on,"
	    " created_by = EXCLUDED.created_by, created_at = now()"
	    " WHERE publicity.starts_on IS DISTINCT FROM EXCLUDED.starts_on"
	    " OR publicity.created_at < coalesce(step_arrival($1), '-infinity') RETURNING 1", 0 },
	/* the move itself: checked again and written by the database (sql/010) */
	[CH_WRITE] = { "chain_write",
	    "SELECT to_step, to_state, coalesce(next_org, 0), coalesce(next_step_name, ''),"
	    " coalesce(next_org_name, '') FROM chain_write($1, $2, $3::int, $4,"
	    " NULLIF($5, 0), $6, $7::jsonb, $8, $9)", 0 },
	/* the same by itself where no gate holds the move back (sql/036, sql/044);
	 * gated: not tried */
	[CH_WRITE_UNGATED] = { "chain_write_ungated",
	    "SELECT gated, coalesce(to_step, 0), coalesce(to_state, '') FROM chain_write_ungated($1,"
	    " $2, $3::int, $4, NULLIF($5, 0), $6, $7::jsonb, $8, $9)", 0 },
	/* the move of a step that 评定s: the 评定 recorded, then chain_write()'s pass (sql/086) */
	[CH_WRITE_ASSESS] = { "chain_write_assess",
	    "SELECT to_step, to_state, coalesce(next_org, 0), coalesce(next_step_name, ''),"
	    " coalesce(next_org_name, '') FROM chain_write_assess($1, $2::boolean, $3::int, $4,"
	    " NULLIF($5, 0), $6, $7::jsonb, $8, $9)", 0 },
	[CH_ASSESS_READ] = { "chain_assess_read",
	    "SELECT passed, opinion FROM assessment_to_publish($1)", 0 },
};

/*
 * A 评定 (the step's gate 'assess', sql/086) is a move of its own: recorded
 * with the clerk's words, 通过 or 不通过, and the application handed on either
 * way (chain_write_assess()); *assessing says so. A 不通过 before the step's
 * fee is paid is no 评定 (the 评审费 pays for one): the application ends at
 * once, as at any 资格审核 (a 评定不通过 handed on unpaid was still asked to
 * pay, and paid, and its being unpaid said it had failed). Where a 评定 is
 * published ('assessed'), a 不通过 of one that did not pass publishes the
 * 评定's reason, whatever the clerk's words: *text points to reason
 * (reasonsz bytes) then.
 */
static enum perr
assess(long long app_id, int step, bool unit, const char *gates, enum chain_action act,
    bool *assessing, const char **text, char *reason, size_t reasonsz)
{
	PGresult *res;
	char unpaid[256];
	enum perr e;

	*assessing = gates_has(gates, "assess") && (act == CHAIN_PASS || act == CHAIN_REJECT);
	if (*assessing && act == CHAIN_REJECT && gates_has(gates, "fee")) {
		e = gates_check(app_id, step, unit, "{fee}", unpaid, sizeof(unpaid));
		if (e != PERR_OK && e != PERR_GATE)
			return e;
		*assessing = e == PERR_OK;
	}
	if (!gates_has(gates, "assessed") || act != CHAIN_REJECT)
		return PERR_OK;
	if ((e = db_run(&st[CH_ASSESS_READ], &res, 1, DB_I(app_id))) != PERR_OK)
		return e;
	if (PQntuples(res) == 1 && !db_bool(res, 0, 0)) {
		snprintf(reason, reasonsz, "%s", db_str(res, 0, 1));
		*text = reason;
	}
	PQclear(res);
	return PERR_OK;
}

static const char *const action_zh[CHAIN__MAX] = {
	[CHAIN_SUBMIT] = "提交",
	[CHAIN_PASS] = "通过",
	[CHAIN_RETURN] = "退回",
	[CHAIN_REJECT] = "不通过",
};

enum perr
chain_owners(long long pipeline, long long region, long long unit, struct chain_owner *out,
    int max, int *n)
{
	const long long *org;
	const int *seq;
	long long id[CHAIN_STEPS_MAX];
	size_t count, i;
	enum perr e;

	*n = 0;
	if ((e = ref_owners(pipeline, region, &seq, &org, &count)) != PERR_OK)
		return e;
	if (count > (size_t)max)
		count = (size_t)max;
	if (count > NITEMS(id))
		count = NITEMS(id);
	for (i = 0; i < count; i++)
		id[i] = org[i] == -1 ? unit : org[i];
	if ((e = ref_orgs_of(id, count)) != PERR_OK)
		return e;
	for (i = 0; i < count; i++)
		out[i] = (struct chain_owner){ seq[i], ref_step(pipeline, seq[i], NULL), id[i],
		    ref_org(id[i]) };
	*n = (int)count;
	return PERR_OK;
}

struct app_row {
	char state[16];
	int step;
	long long org;
	long long applicant;
	char step_name[128];
	bool allowed;
	bool acted_before;	/* the actor's organisation has moved it before */
	bool unit;		/* the step is a unit's */
	char gates[128];	/* the step's gates: {a,b} */
};

static enum perr
load(long long app, long long org, enum chain_action act, struct app_row *a)
{
	PGresult *res;
	enum perr e;

	/* the move's transaction begins with it, in the same round trip */
	if ((e = db_begin_run(&st[CH_OPEN], &res, 3, DB_I(app), DB_S(chain_action_name(act)),
	    DB_I(org))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return PERR_NOT_FOUND;
	}
	snprintf(a->state, sizeof(a->state), "%s", db_str(res, 0, 0));
	a->step = (int)db_int(res, 0, 1);
	a->org = db_int(res, 0, 2);
	a->applicant = db_int(res, 0, 3);
	snprintf(a->step_name, sizeof(a->step_name), "%s", db_str(res, 0, 4));
	a->allowed = db_bool(res, 0, 5);
	a->acted_before = db_bool(res, 0, 6);
	a->unit = db_bool(res, 0, 7);
	snprintf(a->gates, sizeof(a->gates), "%s", db_str(res, 0, 8));
	PQclear(res);
	return PERR_OK;
}

/*
 * Why an application that is not the applicant's to change (or to submit)
 * is not, by its state, into buf: under review at step_name, ended with 不通过
 * there, or finished. what: "不能修改" or "" (the submission's refusal).
 */
const char *
chain_closed_msg(const char *state, const char *step_name, const char *what, char *buf, size_t n)
{
	if (strcmp(state, "rejected") == 0)
		snprintf(buf, n, "该申报已在“%s”环节审查不通过，申报已终止%s%s", step_name,
		    what[0] ? "，" : "", what);
	else if (strcmp(state, "completed") == 0)
		snprintf(buf, n, "该申报已办结%s%s", what[0] ? "，" : "", what);
	else
		snprintf(buf, n, "该申报已提交，正在“%s”环节办理%s%s", step_name,
		    what[0] ? "，" : "", what);
	return buf;
}

const char *
chain_moved_msg(const char *state, const char *step_name, char *buf, size_t n)
{
	if (strcmp(state, "in_review") == 0)
		snprintf(buf, n, "该申报已不在所选环节，现处于“%s”环节，可能已由他人或在其他窗口办理",
		    step_name);
	else
		snprintf(buf, n, "该申报%s，可能已由他人或在其他窗口办理",
		    strcmp(state, "rejected") == 0 ? "已审查不通过" :
		    strcmp(state, "completed") == 0 ? "已办结" : "已退回申报人");
	return buf;
}

const char *
chain_disallowed_msg(const char *step_name, enum chain_action act, char *buf, size_t n)
{
	snprintf(buf, n, "当前环节（%s）不能执行“%s”操作", step_name,
	    act >= 0 && act < CHAIN__MAX && action_zh[act] ? action_zh[act] : "");
	return buf;
}

enum perr
chain_move(const struct actor *who, long long app_id, int expected_step,
    enum chain_action act, const char *text, struct chain_result *out,
    char *msg, size_t msgsz)
{
	return chain_move_ex(who, app_id, expected_step, act, text, NULL, out, msg, msgsz);
}

enum perr
chain_move_ex(const struct actor *who, long long app_id, int expected_step,
    enum chain_action act, const char *text, const struct chain_extra *x,
    struct chain_result *out, char *msg, size_t msgsz)
{
	struct app_row a;
	char app[24], nstate[16], reason[4004];
	bool assessing;
	int next = 0;
	PGresult *res = NULL;
	enum perr e;

	msg[0] = '\0';
	if (act >= CHAIN__MAX)
		return PERR_INVALID_FIELD;
	if (act != CHAIN_SUBMIT && (text == NULL || utf8_blank(text))) {
		/* the notice's words: the unit's 审核通过意见, the departments' 审查意见 and 需完善的内容 */
		bool unit = who->role != NULL && strcmp(who->role, "unit") == 0;

		snprintf(msg, msgsz, "%s", act == CHAIN_PASS ? (unit ? "请填写审核通过意见" : "请填写审查意见") :
		    act == CHAIN_RETURN ? (unit ? "请填写退回理由" : "请填写需完善的内容") :
		    "请填写不通过理由");
		return PERR_INVALID_FIELD;
	}
	if (text != NULL && !valid_text(text, CHAIN_TEXT_MAX)) {
		snprintf(msg, msgsz, "意见或理由不能超过 %d 个字符", CHAIN_TEXT_MAX);
		return PERR_INVALID_FIELD;
	}
	snprintf(app, sizeof(app), "%lld", app_id);
	/*
	 * A step without gates needs no check of the program's that the
	 * database's chain_write() does not make itself: a move tried as that
	 * one statement, committed by itself, is done when it goes through. When
	 * it does not (a pass at a step with a gate, a 退回 or 不通过 at one with a
	 * vote or an interview (sql/044), or the move is refused, or it waited
	 * on a row another move held and read that row's join too early), nothing
	 * was written, and the path below does it as before: it locks, reads,
	 * words the refusal and checks the gates. A move with a hook (what is
	 * written in its transaction: a submission's snapshot, a certificate, an
	 * interview's result) wants the row locked first.
	 */
	if (act != CHAIN_SUBMIT && (x == NULL || x->hook == NULL) && !db_in_tx()) {
		e = db_run(&st[CH_WRITE_UNGATED], &res, 9, DB_I(app_id),
		    DB_S(chain_action_name(act)), DB_I(expected_step), DB_I(who->user_id),
		    DB_I(who->org_id), DB_S(text ? text : ""), DB_S(x != NULL ? x->checks : NULL),
		    DB_S(who->role), DB_S(who->ip));
		if (e == PERR_OK && !db_bool(res, 0, 0)) {
			metrics_chain_move(act, true);
			if (out != NULL) {
				snprintf(out->state, sizeof(out->state), "%s", db_str(res, 0, 2));
				out->step = (int)db_int(res, 0, 1);
			}
			PQclear(res);
			return PERR_OK;
		}
		PQclear(res);
		res = NULL;
		(void)db_take_message(NULL, 0);	/* the path below words its own */
	}
	if ((e = load(app_id, who->org_id, act, &a)) != PERR_OK) {
		if (e == PERR_NOT_FOUND)
			snprintf(msg, msgsz, "申报不存在");
		goto fail;
	}

	/* Ownership before anything else: strangers learn nothing. */
	if (act == CHAIN_SUBMIT) {
		if (who->org_id != 0 || who->user_id != a.applicant) {
			e = PERR_NOT_FOUND;
			snprintf(msg, msgsz, "申报不存在");
			goto fail;
		}
		if (strcmp(a.state, "draft") != 0 && strcmp(a.state, "returned") != 0) {
			e = PERR_CONFLICT;
			(void)chain_closed_msg(a.state, a.step_name, "", msg, msgsz);
			goto fail;
		}
	} else if (who->org_id == 0 || (a.org != who->org_id && !a.acted_before)) {
		/* neither holding it now nor ever having handled it: not on the
		 * organisation's desk, so not there at all (docs/api.md: 404, as
		 * its GET answers) */
		e = PERR_NOT_FOUND;
		snprintf(msg, msgsz, "申报不存在");
		goto fail;
	} else if (strcmp(a.state, "in_review") != 0 || a.step != expected_step ||
	    a.org != who->org_id) {
		/* a colleague (or this reviewer, in another tab) got there first */
		e = PERR_CONFLICT;
		(void)chain_moved_msg(a.state, a.step_name, msg, msgsz);
		goto fail;
	}
	if (a.step != expected_step) {
		e = PERR_CONFLICT;
		snprintf(msg, msgsz, "该申报状态已变化，请刷新后重试");
		goto fail;
	}
	if (!a.allowed) {
		e = PERR_INVALID_FIELD;
		(void)chain_disallowed_msg(a.step_name, act, msg, msgsz);
		goto fail;
	}
	if (act == CHAIN_PASS && (e = gates_check(app_id, a.step, a.unit, a.gates, msg, msgsz)) !=
	    PERR_OK)
		goto fail;
	if ((e = assess(app_id, a.step, a.unit, a.gates, act, &assessing, &text, reason,
	    sizeof(reason))) != PERR_OK)
		goto fail;
	if (act != CHAIN_PASS && act != CHAIN_SUBMIT && !assessing &&
	    (x == NULL || !x->published) && (e = gates_hold(app_id, a.step, a.gates,
	    act == CHAIN_RETURN ? "退回" : "作不通过处理", msg, msgsz)) != PERR_OK)
		goto fail;
	/* The row is locked: what the hook reads (e.g. the content a snapshot
	 * records) cannot change until the move commits. */
	if (x != NULL && x->hook != NULL && (e = x->hook(app_id, x->hook_arg)) != PERR_OK)
		goto fail;

	/* The database checks the move again, decides where it goes, and writes
	 * position, history, desks, audit and the applicant's notification (its
	 * text from notice_text); nothing else may (sql/010, sql/012, sql/017).
	 * The COMMIT goes with it. */
	if ((e = db_run_commit(&st[assessing ? CH_WRITE_ASSESS : CH_WRITE], &res, 9, DB_I(app_id),
	    DB_S(!assessing ? chain_action_name(act) : act == CHAIN_PASS ? "t" : "f"),
	    DB_I(a.step), DB_I(who->user_id), DB_I(who->org_id), DB_S(text ? text : ""),
	    DB_S(x != NULL ? x->checks : NULL), DB_S(who->role), DB_S(who->ip))) != PERR_OK) {
		if (!db_in_tx()) {	/* the COMMIT failed: nothing was written */
			metrics_chain_move(act, false);
			return e;
		}
		if (e == PERR_GATE)
			(void)db_take_message(msg, msgsz);
		if (strcmp(db_sqlstate(), "ZC907") == 0)
			log_err("msg=\"no organisation owns the next step\" app=%s", app);
		goto fail;
	}
	next = (int)db_int(res, 0, 0);
	snprintf(nstate, sizeof(nstate), "%s", db_str(res, 0, 1));
	PQclear(res);
	res = NULL;
	metrics_chain_move(act, true);
	if (out != NULL) {
		snprintf(out->state, sizeof(out->state), "%s", nstate);
		out->step = next;
	}
	return PERR_OK;
fail:
	metrics_chain_move(act, false);
	PQclear(res);
	db_rollback();
	return e;
}

/*
 * The organisation holding an application at a step with a publicity gate
 * registers its 公示 there, starting on starts_on (YYYY-MM-DD, not before the application reached the
 * step, not in the future). Registering again corrects the start date.
 * Locks the application like chain_move(), so it cannot move meanwhile.
 * On success ends_on (11 bytes) holds the last day of the publicity.
 */
enum perr
chain_publicise(const struct actor *who, long long app_id, const char *starts_on,
    char *ends_on, char *msg, size_t msgsz)
{
	char app[24], uid[24], org[24], days[8], note[1024];
	long long applicant;
	int step, n;
	PGresult *res = NULL;
	cJSON *detail;
	enum perr e;

	msg[0] = '\0';
	if (!valid_calendar_date(starts_on)) {
		snprintf(msg, msgsz, "公示开始日期不是有效的日期，应如 2023-05-08");
		return PERR_INVALID_FIELD;
	}
	if (!valid_past_date(starts_on)) {
		snprintf(msg, msgsz, "公示开始日期应为不晚于今天的日期");
		return PERR_INVALID_FIELD;
	}
	snprintf(app, sizeof(app), "%lld", app_id);
	snprintf(uid, sizeof(uid), "%lld", who->user_id);
	snprintf(days, sizeof(days), "%d", PUBLICITY_DAYS);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_exec(&st[CH_LOCK], &res, 1, app)) != PERR_OK)
		goto fail;
	PQclear(res);
	snprintf(org, sizeof(org), "%lld", who->org_id);
	if ((e = db_exec(&st[CH_PUB_LOAD], &res, 4, app, starts_on, days, org)) != PERR_OK)
		goto fail;
	/* strangers learn nothing (404, as for a move); one that was on the
	 * caller's desk and moved on is a conflict */
	if (PQntuples(res) != 1 || who->org_id == 0 || db_int(res, 0, 1) != who->org_id) {
		e = PQntuples(res) == 1 && who->org_id != 0 && db_bool(res, 0, 12) ?
		    PERR_CONFLICT : PERR_NOT_FOUND;
		snprintf(msg, msgsz, "%s", e == PERR_CONFLICT ?
		    "该申报当前不在您的办理环节，请刷新后重试" : "申报不存在");
		goto fail;
	}
	if (strcmp(db_str(res, 0, 0), "in_review") != 0 || !db_bool(res, 0, 2)) {
		e = PERR_CONFLICT;
		snprintf(msg, msgsz, "该申报当前不在公示环节，请刷新后重试");
		goto fail;
	}
	if (db_bool(res, 0, 13)) {
		e = PERR_CONFLICT;
		/* a 评定 not passed (sql/086) is ended from its own page */
		snprintf(msg, msgsz, "%s", strstr(db_str(res, 0, 10), "初定") != NULL ?
		    "该申报评定未通过，不列入初定结果公示；请在申报详情中以评定理由办理不通过" :
		    "评审会议表决未通过该申报，不列入评审结果公示；请在“评审会议”中办理不通过");
		goto fail;
	}
	if (db_bool(res, 0, 6)) {
		e = PERR_INVALID_FIELD;
		snprintf(msg, msgsz, "公示开始日期不能早于%s的日期（%s）",
		    db_bool(res, 0, 9) ? "资格审查通过" : "申报到达本环节", db_str(res, 0, 5));
		goto fail;
	}
	applicant = db_int(res, 0, 3);
	step = (int)db_int(res, 0, 8);
	if (db_str(res, 0, 7) == NULL) {
		PGresult *end;

		if ((e = db_exec(&st[CH_PUB_END], &end, 2, starts_on, days)) != PERR_OK)
			goto fail;	/* ZC001, the year to enter */
		snprintf(ends_on, 11, "%s", db_str(end, 0, 0));
		PQclear(end);
	} else
		snprintf(ends_on, 11, "%s", db_str(res, 0, 7));
	if (db_bool(res, 0, 9))
		snprintf(note, sizeof(note), "【职称申报】您申报的《%s》自 %s 起在单位公示，"
		    "公示期至 %s（%d 个工作日）。公示无异议后由单位推荐上报。",
		    db_str(res, 0, 4), starts_on, ends_on, PUBLICITY_DAYS);
	else
		snprintf(note, sizeof(note), "【职称申报】您申报的《%s》自 %s 起在“%s”环节公示，"
		    "公示期至 %s（%d 个工作日）。对公示有异议的，请在公示期内向%s反映。",
		    db_str(res, 0, 4), starts_on, db_str(res, 0, 10), ends_on, PUBLICITY_DAYS,
		    db_str(res, 0, 11));
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[CH_PUB_SAVE], &res, 4, DB_S(app), DB_S(starts_on), DB_S(uid),
	    DB_I(step))) != PERR_OK)
		goto fail;
	n = PQntuples(res);
	PQclear(res);
	res = NULL;
	if (n == 0) {	/* as it was: no second audit row or message */
		if ((e = db_commit()) != PERR_OK)
			goto fail;
		return PERR_OK;
	}
	detail = cJSON_CreateObject();
	cJSON_AddStringToObject(detail, "starts_on", starts_on);
	cJSON_AddStringToObject(detail, "ends_on", ends_on);
	e = audit(who, "publicise", "application", app_id, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = notify_user(applicant, note)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}
