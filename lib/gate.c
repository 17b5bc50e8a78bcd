/*
 * gate.c: what a pass must wait for. A step's gates are rows of step_gate
 * (sql/012_gates_notices.sql), each naming one check of the table below; a
 * check says whether its condition holds and, in words a clerk reads, what
 * is still missing. chain_move() refuses a pass while one is not met; the
 * reviewer's detail page shows them all.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "portal.h"

enum {
	GT_LIST,
	GT_FEE,
	GT_PUBLICITY,
	GT_OBJECTIONS,
	GT_INTERVIEW,
	GT_DOCUMENT,
	GT_VOTE,
	GT_PUBLISH,
	GT_ASSESSMENT,
	GT_ASSESSMENT_TOLD,
	GT_STEP_NAME,
	GT__MAX
};

static struct db_stmt st[GT__MAX] = {
	/* the current step's gates, in the order they are asked */
	[GT_LIST] = { "gate_list",
	    "SELECT g.gate, a.step_seq, s.actor_level FROM application a"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
	    " JOIN step_gate g ON g.pipeline_id = a.pipeline_id AND g.seq = a.step_seq"
	    " WHERE a.id = $1 ORDER BY g.ord, g.gate", 0 },
	/* paid (so marked, or its paid orders reach the fee: one lowered after a
	 * part was paid), the amount due, and the orders that paid it (their own
	 * amounts; more than one when the fee was raised after the first was paid) */
	[GT_FEE] = { "gate_fee",
	    "SELECT a.paid_at IS NOT NULL OR coalesce(y.fen, 0) >= f.fee * 100, f.fee,"
	    " trim_scale(y.fen / 100.0)::text,"
	    " to_char(y.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), y.orders,"
	    " trim_scale(y.surplus / 100.0)::text, trim_scale(y.refunded / 100.0)::text"
	    " FROM application a CROSS JOIN LATERAL (SELECT app_fee(a.id) AS fee) f"
	    " LEFT JOIN LATERAL (SELECT sum(amount_fen) AS fen, max(paid_at) AS at,"
	    "  nullif(sum(surplus_fen) FILTER (WHERE refunded_at IS NULL), 0) AS surplus,"
	    "  nullif(sum(surplus_fen) FILTER (WHERE refunded_at IS NOT NULL), 0) AS refunded,"
	    "  string_agg(order_no, '、' ORDER BY paid_at) AS orders FROM payment"
	    "  WHERE application_id = a.id AND status = 'paid') y ON true"
	    " WHERE a.id = $1", 0 },
	/* only a publicity registered since the application came to this step counts */
	/* its days done and last day from the calendar's ordinals (sql/055): over
	 * once today is past its last day, whatever year today is in; the
	 * functions that name a missing year only when the last day falls in it */
	[GT_PUBLICITY] = { "gate_publicity",
	    "SELECT coalesce(publicity_done(starts_on, $3::int), working_days(starts_on, current_date)),"
	    " to_char(starts_on, 'YYYY-MM-DD'),"
	    " to_char(coalesce(workday_nth(starts_on, $3::int), nth_working_day(starts_on, $3::int)),"
	    " 'YYYY-MM-DD') FROM publicity"
	    " WHERE application_id = $1 AND step_seq = $2"
	    " AND created_at >= coalesce(step_arrival($1), '-infinity')", 0 },
	[GT_OBJECTIONS] = { "gate_objections",
	    "SELECT count(*) FROM objection WHERE application_id = $1 AND step_seq = $2"
	    " AND resolved_at IS NULL", 0 },
	/* the latest interview the application was called to at this step */
	[GT_INTERVIEW] = { "gate_interview",
	    "SELECT coalesce(ia.result, ''),"
	    " to_char(s.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), s.place"
	    " FROM interview_assignment ia JOIN interview_session s ON s.id = ia.session_id"
	    " WHERE ia.application_id = $1 AND ia.step_seq = $2"
	    " AND ia.assigned_at >= coalesce(step_arrival($1), '-infinity')"
	    " ORDER BY ia.assigned_at DESC LIMIT 1", 0 },
	/* a results document of the holder's, issued since the application came
	 * to this step, that lists it (sql/014_certificates.sql) */
	[GT_DOCUMENT] = { "gate_document",
	    "SELECT d.number FROM results_document_item i"
	    " JOIN results_document d ON d.id = i.document_id"
	    " JOIN application a ON a.id = i.application_id"
	    " WHERE i.application_id = $1 AND i.step_seq = $2 AND d.org_id = a.current_org_id"
	    " AND d.created_at >= coalesce(step_arrival($1), '-infinity')", 0 },
	/* the application's ballot at this step since it arrived: a closed one
	 * first (the latest), else one still to be held; and whether a later
	 * step publishes its result (sql/084) */
	[GT_VOTE] = { "gate_vote",
	    "SELECT m.state, to_char(m.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),"
	    " coalesce(ag.carried, false), ag.agree, ag.disagree, ag.abstain, ag.eligible,"
	    " vote_deferred(a.pipeline_id, $2)"
	    " FROM meeting_agenda ag JOIN committee_meeting m ON m.id = ag.meeting_id"
	    " JOIN application a ON a.id = ag.application_id"
	    " WHERE ag.application_id = $1 AND ag.step_seq = $2"
	    " AND ag.added_at >= coalesce(step_arrival($1), '-infinity') AND " AGENDA_STANDS("ag")
	    " ORDER BY m.state = 'closed' DESC, m.closed_at DESC, m.id DESC LIMIT 1", 0 },
	/* the ballot whose result this step publishes (or is reported) */
	[GT_PUBLISH] = { "gate_publish",
	    "SELECT held_on, carried, agree, disagree, abstain, eligible"
	    " FROM ballot_to_publish($1)", 0 },
	/* the 评定 this step publishes (or is reported): sql/086 */
	[GT_ASSESSMENT] = { "gate_assessment",
	    "SELECT passed, opinion, made_on, org_name FROM assessment_to_publish($1)", 0 },
	/* the 评定 at step $2, once published (sql/086) */
	[GT_ASSESSMENT_TOLD] = { "gate_assessment_told",
	    "SELECT passed, opinion FROM assessment_told($1, $2)", 0 },
	/* the name of the application's step seq $2 */
	[GT_STEP_NAME] = { "gate_step_name",
	    "SELECT s.name FROM application a JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id"
	    " AND s.seq = $2 WHERE a.id = $1", 0 },
};

struct gate_ctx {
	long long app;
	int step;
	bool unit;		/* the step is a unit's (its page has its own name) */
};

/* Sets what the clerk does next about an unmet gate, and where. */
static void __attribute__((format(printf, 3, 4)))
next(struct gate_state *g, const char *page, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->todo, sizeof(g->todo), fmt, ap);
	va_end(ap);
	g->page = page;
}

static enum perr
g_fee(const struct gate_ctx *c, struct gate_state *g)
{
	PGresult *res;
	enum perr e;

	if ((e = db_run(&st[GT_FEE], &res, 1, DB_I(c->app))) != PERR_OK)
		return e;
	g->met = db_bool(res, 0, 0) || db_int(res, 0, 1) == 0;
	/* nothing to pay and nothing paid: not 已缴纳 (a deadline-day walk) */
	if (db_int(res, 0, 1) == 0 && db_str(res, 0, 2) == NULL)
		snprintf(g->text, sizeof(g->text), "本计划无需缴纳推荐评审费");
	else if (db_bool(res, 0, 0) && db_str(res, 0, 2) != NULL)
		/* (money taken beyond the fee is refunded: sql/087) */
		snprintf(g->text, sizeof(g->text), "申报人已缴纳推荐评审费 %s 元（%s，订单号 %s）%s%s%s%s%s%s",
		    db_str(res, 0, 2), db_str(res, 0, 3), db_str(res, 0, 4),
		    db_str(res, 0, 5) != NULL ? "，其中多缴 " : "",
		    db_str(res, 0, 5) != NULL ? db_str(res, 0, 5) : "",
		    db_str(res, 0, 5) != NULL ? " 元应予退还（在“收费设定”中登记退还）" : "",
		    db_str(res, 0, 6) != NULL ? "，多缴的 " : "",
		    db_str(res, 0, 6) != NULL ? db_str(res, 0, 6) : "",
		    db_str(res, 0, 6) != NULL ? " 元已退还" : "");
	else if (db_bool(res, 0, 0))
		snprintf(g->text, sizeof(g->text), "申报人已缴纳推荐评审费");
	else if (db_str(res, 0, 2) != NULL) {
		/* paid towards a fee the department raised since */
		snprintf(g->text, sizeof(g->text), "申报人已缴纳推荐评审费 %s 元（订单号 %s），收费标准调整后"
		    "应缴 %lld 元，补缴后方可审查通过", db_str(res, 0, 2), db_str(res, 0, 4),
		    db_int(res, 0, 1));
		next(g, NULL, "等待申报人补缴");
	}
	else {
		snprintf(g->text, sizeof(g->text), "申报人尚未缴纳推荐评审费（应缴 %lld 元），缴费后方可审查通过",
		    db_int(res, 0, 1));
		next(g, NULL, "等待申报人缴费");
	}
	PQclear(res);
	return PERR_OK;
}

static enum perr
g_publicity(const struct gate_ctx *c, struct gate_state *g)
{
	/* the page and its button where the reader is: the city's results publicity has its own */
	bool city = !c->unit && strcmp(portal_role(), "city") == 0;
	const char *page = c->unit ? "资格公示与报送" : city ? "评审结果公示" : "公示管理";
	const char *then = c->unit ? "推荐上报" : city ? "确认结果" : "办理通过";
	PGresult *res;
	long long days, open;
	enum perr e;

	if ((e = db_run(&st[GT_PUBLICITY], &res, 3, DB_I(c->app), DB_I(c->step),
	    DB_I(PUBLICITY_DAYS))) != PERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		PQclear(res);
		/* 市住建局's page is named for the 初定 it publicises (www/city/main.js) */
		if (city) {
			if ((e = db_run(&st[GT_STEP_NAME], &res, 2, DB_I(c->app), DB_I(c->step))) != PERR_OK)
				return e;
			if (PQntuples(res) == 1 && strstr(db_str(res, 0, 0), "初定") != NULL)
				page = "初定结果公示";
			PQclear(res);
		}
		snprintf(g->text, sizeof(g->text), "该申报尚未公示，请在“%s”中登记公示，"
		    "公示满 %d 个工作日后方可%s", page, PUBLICITY_DAYS, then);
		next(g, "/publicity", "去登记公示");
		return PERR_OK;
	}
	days = db_int(res, 0, 0);
	if (days < PUBLICITY_DAYS) {
		snprintf(g->text, sizeof(g->text), "公示自 %s 起已满 %lld 个工作日（至 %s 满 %d 个"
		    "工作日），期满后方可%s", db_str(res, 0, 1), days, db_str(res, 0, 2),
		    PUBLICITY_DAYS, then);
		next(g, "/publicity", "等待公示期满（%s）", db_str(res, 0, 2));
		PQclear(res);
		return PERR_OK;
	}
	PQclear(res);
	/* 确认无意见后报送: an open objection holds it back */
	if ((e = db_run(&st[GT_OBJECTIONS], &res, 2, DB_I(c->app), DB_I(c->step))) != PERR_OK)
		return e;
	open = db_int(res, 0, 0);
	PQclear(res);
	g->met = open == 0;
	if (g->met)
		snprintf(g->text, sizeof(g->text), "公示期满，无未处理的异议");
	else {
		snprintf(g->text, sizeof(g->text), "已收到的 %lld 条异议尚未处理完毕，"
		    "处理后方可%s", open, then);
		next(g, "/publicity", "去处理异议");
	}
	return PERR_OK;
}

/* An interview at this step: required, or only for those called to one. */
static enum perr
interview(const struct gate_ctx *c, struct gate_state *g, bool required)
{
	PGresult *res;
	const char *r;
	enum perr e;

	if ((e = db_run(&st[GT_INTERVIEW], &res, 2, DB_I(c->app), DB_I(c->step))) != PERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		g->met = !required;
		snprintf(g->text, sizeof(g->text), "%s", required ?
		    "尚未安排评前面试或业务能力复审，请在“评前面试”中安排并登记结果" :
		    "未列入面试范围");
		if (required)
			next(g, "/interviews", "去安排面试");
		PQclear(res);
		return PERR_OK;
	}
	r = db_str(res, 0, 0);
	g->met = strcmp(r, "pass") == 0;
	if (r[0] == '\0') {
		snprintf(g->text, sizeof(g->text), "已安排 %s 在%s面试，尚未登记面试结果",
		    db_str(res, 0, 1), db_str(res, 0, 2));
		next(g, "/interviews", "去登记面试结果");
	} else {
		snprintf(g->text, sizeof(g->text), "面试结果：%s", g->met ? "通过" :
		    strcmp(r, "absent") == 0 ? "缺席" : "不通过");
		if (!g->met)
			next(g, NULL, "按面试结果办理不通过");
	}
	PQclear(res);
	return PERR_OK;
}

static enum perr
g_interview(const struct gate_ctx *c, struct gate_state *g)
{
	return interview(c, g, true);
}

static enum perr
g_interview_if_called(const struct gate_ctx *c, struct gate_state *g)
{
	return interview(c, g, false);
}

static enum perr
g_document(const struct gate_ctx *c, struct gate_state *g)
{
	PGresult *res;
	enum perr e;

	if ((e = db_run(&st[GT_DOCUMENT], &res, 2, DB_I(c->app), DB_I(c->step))) != PERR_OK)
		return e;
	g->met = PQntuples(res) == 1;
	if (g->met)
		snprintf(g->text, sizeof(g->text), "已列入结果文件（%s）", db_str(res, 0, 0));
	else {
		snprintf(g->text, sizeof(g->text), "尚未印发结果文件，请在“制发文件”中印发列有该申报人的"
		    "结果文件，印发后即办结并生成电子证书");
		next(g, "/documents", "去制发文件");
	}
	PQclear(res);
	return PERR_OK;
}

/* A committee's secret ballot at this step (lib/ballot.c), closed and carried;
 * or only closed, where a later step publishes the result (sql/084): every
 * application voted on goes there, the applicant told of the result then. */
static enum perr
g_vote(const struct gate_ctx *c, struct gate_state *g)
{
	PGresult *res;
	const char *state;
	bool carried, deferred;
	enum perr e;

	if ((e = db_run(&st[GT_VOTE], &res, 2, DB_I(c->app), DB_I(c->step))) != PERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		snprintf(g->text, sizeof(g->text), "尚未列入评审会议议程，请在“评审会议”中安排表决");
		next(g, "/meetings", "去安排评审会议");
		PQclear(res);
		return PERR_OK;
	}
	state = db_str(res, 0, 0);
	carried = db_bool(res, 0, 2);
	deferred = db_bool(res, 0, 7);
	g->met = strcmp(state, "closed") == 0 && (carried || deferred);
	if (strcmp(state, "closed") != 0) {
		snprintf(g->text, sizeof(g->text), "已列入 %s 的评审会议议程，%s", db_str(res, 0, 1),
		    strcmp(state, "open") == 0 ? "正在投票" : "尚未表决");
		next(g, "/meetings", "等待评审会议表决");
	} else {
		snprintf(g->text, sizeof(g->text), "%s 评审会议表决%s：同意 %lld 票，不同意 %lld 票，"
		    "弃权 %lld 票，应参加表决 %lld 人%s", db_str(res, 0, 1), carried ? "通过" : "未通过",
		    db_int(res, 0, 3), db_int(res, 0, 4), db_int(res, 0, 5), db_int(res, 0, 6),
		    deferred ? "（结果在公布评审结果时告知申报人）" : "");
		if (!g->met)
			next(g, NULL, "按表决结果办理不通过");
	}
	PQclear(res);
	return PERR_OK;
}

/* The result of the ballot a later step publishes (sql/084): the publication
 * passes the carried ones (required), the department it is reported to reads
 * it (not required: it hands every one on). */
static enum perr
publish(const struct gate_ctx *c, struct gate_state *g, bool required)
{
	PGresult *res;
	bool carried;
	enum perr e;

	if ((e = db_run(&st[GT_PUBLISH], &res, 1, DB_I(c->app))) != PERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		g->met = !required;
		snprintf(g->text, sizeof(g->text), "没有评审会议的表决结果");
		PQclear(res);
		return PERR_OK;
	}
	carried = db_bool(res, 0, 1);
	g->met = carried || !required;
	g->note = !carried;
	snprintf(g->text, sizeof(g->text), "%s 评审会议表决%s：同意 %lld 票，不同意 %lld 票，"
	    "弃权 %lld 票，应参加表决 %lld 人%s", db_str(res, 0, 0), carried ? "通过" : "未通过",
	    db_int(res, 0, 2), db_int(res, 0, 3), db_int(res, 0, 4), db_int(res, 0, 5),
	    carried ? "" : required ? "；不列入评审结果公示，公布评审结果时在“评审会议”中办理不通过" :
	    "；报送后由评委会在公布评审结果时办理不通过");
	if (!g->met)
		next(g, "/meetings", "去评审会议办理表决未通过");
	PQclear(res);
	return PERR_OK;
}

static enum perr
g_carried(const struct gate_ctx *c, struct gate_state *g)
{
	return publish(c, g, true);
}

static enum perr
g_ballot(const struct gate_ctx *c, struct gate_state *g)
{
	return publish(c, g, false);
}

/* A step that 评定s (sql/086): 通过 or 不通过, the application goes on to where
 * the 初定 result is reported or published, and the applicant is told then
 * (a 不通过 before the fee is paid is no 评定: lib/chain.c). */
static enum perr
g_assess(const struct gate_ctx *c, struct gate_state *g)
{
	(void)c;
	g->met = true;
	g->note = true;
	snprintf(g->text, sizeof(g->text), "评定通过或不通过均转入下一环节，"
	    "初定结果在“公布初定结果”时告知申报人");
	return PERR_OK;
}

/* The 评定 a later step publishes (sql/086): the publication passes those
 * that passed it (required); the department it is reported to reads it (not
 * required: it hands every one on). Its words go in g->reason. */
static enum perr
assessment(const struct gate_ctx *c, struct gate_state *g, bool required)
{
	PGresult *res;
	bool passed;
	enum perr e;

	if ((e = db_run(&st[GT_ASSESSMENT], &res, 1, DB_I(c->app))) != PERR_OK)
		return e;
	if (PQntuples(res) == 0) {
		/* 评定d before the 评定 was recorded: it was passed on as 通过 */
		g->met = true;
		snprintf(g->text, sizeof(g->text), "评定通过");
		PQclear(res);
		return PERR_OK;
	}
	passed = db_bool(res, 0, 0);
	g->met = passed || !required;
	g->note = !passed;
	snprintf(g->reason, sizeof(g->reason), "%s", db_str(res, 0, 1));
	snprintf(g->text, sizeof(g->text), "%s %s 评定%s%s", db_str(res, 0, 3), db_str(res, 0, 2),
	    passed ? "通过" : "未通过", passed ? "" : required ?
	    "；不列入初定结果公示，公布初定结果时以评定理由办理不通过" :
	    "；报送后由公布初定结果的部门办理不通过");
	utf8_cut(g->text);	/* (an organisation's long name: never half a character) */
	if (!g->met)
		next(g, NULL, "公布初定结果：办理评定未通过");
	PQclear(res);
	return PERR_OK;
}

static enum perr
g_assessed(const struct gate_ctx *c, struct gate_state *g)
{
	return assessment(c, g, true);
}

static enum perr
g_assessment(const struct gate_ctx *c, struct gate_state *g)
{
	return assessment(c, g, false);
}

static const struct {
	const char *name;
	enum perr (*check)(const struct gate_ctx *, struct gate_state *);
} gates[] = {
	{ "fee", g_fee },
	{ "publicity", g_publicity },
	{ "interview", g_interview },
	{ "interview_if_called", g_interview_if_called },
	{ "document", g_document },
	{ "vote", g_vote },
	{ "carried", g_carried },
	{ "ballot", g_ballot },
	{ "assess", g_assess },
	{ "assessed", g_assessed },
	{ "assessment", g_assessment },
};

/* Checks the gate called name into *g; an unknown name is an error of the data. */
static enum perr
eval_one(const struct gate_ctx *c, const char *name, struct gate_state *g)
{
	size_t k;

	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	for (k = 0; k < NITEMS(gates) && strcmp(gates[k].name, name) != 0; k++)
		;
	if (k == NITEMS(gates)) {
		log_err("msg=\"step_gate names an unknown gate\" gate=%s app=%lld", name, c->app);
		return PERR_INTERNAL;
	}
	return gates[k].check(c, g);
}

static enum perr
gates_eval_list(long long app_id, const PGresult *list, struct gate_state *out, int max, int *n)
{
	struct gate_ctx c = { app_id, 0, false };
	int i;
	enum perr e = PERR_OK;

	*n = 0;
	for (i = 0; i < PQntuples(list) && i < max && e == PERR_OK; i++) {
		c.step = (int)db_int(list, i, 1);
		c.unit = strcmp(db_str(list, i, 2), "unit") == 0;
		e = eval_one(&c, db_str(list, i, 0), &out[i]);
		*n = i + 1;
	}
	return e;
}

enum perr
gates_eval(long long app_id, struct gate_state *out, int max, int *n)
{
	PGresult *res;
	enum perr e;

	*n = 0;
	if ((e = db_run(&st[GT_LIST], &res, 1, DB_I(app_id))) != PERR_OK)
		return e;
	e = gates_eval_list(app_id, res, out, max, n);
	PQclear(res);
	return e;
}

/* The next name of a PostgreSQL array of gate names ([a-z_]: never quoted,
 * {a,b}) at *p (after the '{' or a ','): 1 with it in name, 0 at the end,
 * -1 for text that is not such an array. */
static int
next_name(const char **p, char *name, size_t namesz)
{
	size_t len;

	if (**p == '\0' || **p == '}')
		return 0;
	len = strcspn(*p, ",}");
	if (len == 0 || len >= namesz)
		return -1;
	memcpy(name, *p, len);
	name[len] = '\0';
	*p += len;
	if (**p == ',')
		(*p)++;
	return 1;
}

enum perr
gates_check(long long app_id, int step, bool unit, const char *list, char *msg, size_t msgsz)
{
	struct gate_ctx c = { app_id, step, unit };
	struct gate_state g;
	char name[24];
	const char *p = list;
	enum perr e;
	int k;

	if (p == NULL || *p++ != '{')
		return PERR_INTERNAL;
	while ((k = next_name(&p, name, sizeof(name))) == 1) {
		if ((e = eval_one(&c, name, &g)) != PERR_OK)
			return e;
		if (!g.met) {
			snprintf(msg, msgsz, "%s", g.text);
			return PERR_GATE;
		}
	}
	return k == 0 ? PERR_OK : PERR_INTERNAL;
}

/*
 * What a 退回 or 不通过 (what, in words) must not undo at the step: the
 * committee's ballot on the application while it is open or once it carried
 * (or once it closed, where a later step publishes its result), or an
 * interview it passed (a required one; a step that only calls some to one
 * reviews the rest itself). Those the holder passes, as the result says; a
 * ballot that did not carry, an interview failed or missed, or none held yet
 * leave it free (an interview's 不通过 is written in the same move). Where a
 * result is published or reported ('carried', 'ballot'), one not carried is
 * held for the committee's publication (chain_extra.published); where a 评定
 * is reported ('assessment'), one not passed for its publication (sql/086).
 */
enum perr
gates_hold(long long app_id, int step, const char *list, const char *what, char *msg,
    size_t msgsz)
{
	struct gate_ctx c = { app_id, step, false };
	struct gate_state g;
	char name[24];
	const char *p = list, *state;
	PGresult *res;
	bool held;
	enum perr e;
	int k;

	if (p == NULL || *p++ != '{')
		return PERR_INTERNAL;
	while ((k = next_name(&p, name, sizeof(name))) == 1) {
		if (strcmp(name, "vote") == 0) {
			if ((e = db_run(&st[GT_VOTE], &res, 2, DB_I(app_id), DB_I(step))) != PERR_OK)
				return e;
			state = PQntuples(res) == 1 ? db_str(res, 0, 0) : "";
			held = strcmp(state, "open") == 0 || (strcmp(state, "closed") == 0 &&
			    (db_bool(res, 0, 2) || db_bool(res, 0, 7)));
			if (held)
				snprintf(msg, msgsz, strcmp(state, "open") == 0 ?
				    "评审会议正在对该申报投票，表决结束前不能%s" : db_bool(res, 0, 2) ?
				    "评审会议已表决通过该申报，不能%s，请按表决结果办理通过" :
				    "评审会议已表决，不能%s，请按表决结果办理（转交下一环节，公布评审结果时办理不通过）",
				    what);
			PQclear(res);
			if (held)
				return PERR_GATE;
		} else if (strcmp(name, "carried") == 0 || strcmp(name, "ballot") == 0) {
			/* a result not carried is the committee's to publish (POST
			 * meetings/:id/publish, with the results), not the step's
			 * holder's to end before (sql/084) */
			if ((e = db_run(&st[GT_PUBLISH], &res, 1, DB_I(app_id))) != PERR_OK)
				return e;
			held = PQntuples(res) == 1 && !db_bool(res, 0, 1);
			PQclear(res);
			if (held) {
				snprintf(msg, msgsz, strcmp(name, "carried") == 0 ?
				    "评审会议表决未通过的申报，不能在此%s，请在“评审会议”中公布评审结果时办理" :
				    "评审会议表决未通过的申报，不能在此%s，请审查通过（报送），由评委会在公布评审结果时办理",
				    what);
				return PERR_GATE;
			}
		} else if (strcmp(name, "assessment") == 0) {
			/* a 评定 not passed is published where the 初定 result is
			 * (sql/086), not ended where it is reported */
			if ((e = eval_one(&c, name, &g)) != PERR_OK)
				return e;
			if (g.note) {
				snprintf(msg, msgsz, "评定未通过的申报，不能在此%s，请审查通过（报送），"
				    "在公布初定结果时以评定理由办理不通过", what);
				return PERR_GATE;
			}
		} else if (strcmp(name, "interview") == 0) {
			if ((e = eval_one(&c, name, &g)) != PERR_OK)
				return e;
			if (g.met) {
				snprintf(msg, msgsz, "面试结果为通过，不能%s，请按面试结果办理通过", what);
				return PERR_GATE;
			}
		}
	}
	return k == 0 ? PERR_OK : PERR_INTERNAL;
}

enum perr
gates_eval_names(long long app_id, int step, bool unit, const char *list,
    struct gate_state *out, int max, int *n)
{
	struct gate_ctx c = { app_id, step, unit };
	char name[24];
	const char *p = list;
	enum perr e = PERR_OK;
	int k = 0;

	*n = 0;
	if (p == NULL || *p++ != '{')
		return PERR_INTERNAL;
	while (*n < max && e == PERR_OK && (k = next_name(&p, name, sizeof(name))) == 1) {
		struct gate_state *g = &out[(*n)++];

		/* a gate the database refuses to judge (a calendar year not entered:
		 * ZC001, its message naming the year) is unmet and says why, so that
		 * the page that shows it still opens; inside a transaction the
		 * refusal stands (the statements after it would fail) */
		if ((e = eval_one(&c, name, g)) == PERR_GATE && !db_in_tx()) {
			g->met = false;
			(void)db_take_message(g->text, sizeof(g->text));
			e = PERR_OK;
		}
		/* after a result not carried, nothing else of the step is to be done
		 * (its 公示 is refused: a probe was told to register one) */
		if (e == PERR_OK && !g->met && (strcmp(g->name, "carried") == 0 ||
		    strcmp(g->name, "assessed") == 0))
			break;
	}
	return k < 0 ? PERR_INTERNAL : e;
}

bool
gates_has(const char *list, const char *name)
{
	char g[24];
	const char *p = list;

	if (p == NULL || *p++ != '{')
		return false;
	while (next_name(&p, g, sizeof(g)) == 1)
		if (strcmp(g, name) == 0)
			return true;
	return false;
}

bool
gates_vote_deferred(long long pipeline, int step)
{
	bool unit;
	int k;

	if (!gates_has(ref_step_gates(pipeline, step, &unit), "vote"))
		return false;
	for (k = step + 1; k < CHAIN_STEPS_MAX; k++) {
		const char *g = ref_step_gates(pipeline, k, &unit);

		if (gates_has(g, "carried"))
			return true;
		if (gates_has(g, "vote"))
			return false;
	}
	return false;
}

/* Whether the step reports a result on (…结果报市人力社保局): its gate reads the
 * vote's or the 评定's */
static bool
reports(long long pipeline, int step)
{
	bool unit;
	const char *g = ref_step_gates(pipeline, step, &unit);

	return gates_has(g, "assessment") || gates_has(g, "ballot");
}

static const char *
history_name(long long pipeline, int step, const char *action, const char *name)
{
	bool unit;

	if (strcmp(action, "pass") != 0)
		return name;
	if (gates_vote_deferred(pipeline, step))
		return "已表决";
	if (gates_has(ref_step_gates(pipeline, step, &unit), "assess"))
		return "已评定";
	if (reports(pipeline, step))
		return "已报送";
	return name;
}

static const char *
assessment_told(long long pipeline, long long app, int step, const char *action,
    char *text, size_t n)
{
	const char *name = NULL;
	PGresult *res;
	bool unit;

	if (strcmp(action, "pass") != 0 || !gates_has(ref_step_gates(pipeline, step, &unit), "assess"))
		return NULL;
	if (db_run(&st[GT_ASSESSMENT_TOLD], &res, 2, DB_I(app), DB_I(step)) != PERR_OK)
		return NULL;
	if (PQntuples(res) == 1) {
		name = db_bool(res, 0, 0) ? "评定通过" : "评定不通过";
		snprintf(text, n, "%s", db_str(res, 0, 1));
	}
	PQclear(res);
	return name;
}

void
gates_history_read(long long pipeline, long long app, int step, const char *action,
    const char *name, const char *text, struct history_read *h)
{
	const char *told = assessment_told(pipeline, app, step, action, h->buf, sizeof(h->buf));
	const char *role = portal_role();

	h->action = told != NULL && strcmp(told, "评定不通过") == 0 ? "reject" : action;
	h->name = told != NULL ? told : history_name(pipeline, step, action, name);
	h->text = told != NULL ? h->buf : text;
	if (told == NULL && strcmp(action, "pass") == 0 &&
	    (strcmp(role, "applicant") == 0 || strcmp(role, "unit") == 0) && reports(pipeline, step))
		h->text = "已报送，结果以公布的为准。";
}

/* todo and page of an unmet gate (null when met or nobody here has anything to do) */
static void
todo_json(cJSON *o, const struct gate_state *g)
{
	if (g->todo[0] != '\0')
		cJSON_AddStringToObject(o, "todo", g->todo);
	else
		cJSON_AddNullToObject(o, "todo");
	if (g->page != NULL)
		cJSON_AddStringToObject(o, "page", g->page);
	else
		cJSON_AddNullToObject(o, "page");
}

cJSON *
gates_json(const struct gate_state *g, int n)
{
	cJSON *arr = cJSON_CreateArray();
	int i;

	for (i = 0; i < n; i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "kind", g[i].name);
		cJSON_AddBoolToObject(it, "met", g[i].met);
		cJSON_AddBoolToObject(it, "note", g[i].note);
		cJSON_AddStringToObject(it, "text", g[i].text);
		if (g[i].reason[0] != '\0')
			cJSON_AddStringToObject(it, "reason", g[i].reason);
		else
			cJSON_AddNullToObject(it, "reason");
		todo_json(it, &g[i]);
		cJSON_AddItemToArray(arr, it);
	}
	return arr;
}

cJSON *
gates_verdict_json(const struct gate_state *g, int n)
{
	cJSON *o = cJSON_CreateObject();
	char all[GATES_MAX * 260] = "";
	size_t len = 0;
	int i;

	/* the first unmet gate is the one chain_move() refuses with: the same order */
	for (i = 0; i < n && g[i].met; i++)
		;
	cJSON_AddBoolToObject(o, "met", i == n);
	if (i < n) {
		cJSON_AddStringToObject(o, "kind", g[i].name);
		cJSON_AddStringToObject(o, "message", g[i].text);
		todo_json(o, &g[i]);
		return o;
	}
	for (i = 0; i < n && len < sizeof(all); i++)
		len += (size_t)snprintf(all + len, sizeof(all) - len, "%s%s", i > 0 ? "；" : "",
		    g[i].text);
	cJSON_AddNullToObject(o, "kind");
	cJSON_AddStringToObject(o, "message", all);
	cJSON_AddNullToObject(o, "todo");
	cJSON_AddNullToObject(o, "page");
	return o;
}
