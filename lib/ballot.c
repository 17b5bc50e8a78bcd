/*
 * ballot.c: the secret ballot of a committee meeting. The office opens it
 * (quorum, frozen rules), each member present votes from their own login on
 * each application they are not recused from (同意 / 不同意 / 弃权, once, not
 * to be changed), the office closes it and carries out the result
 * (按表决结果办理: carried ones pass, the others are rejected with the result as
 * the reason, each through chain_move(); where a later step publishes the
 * result, all of them pass to it, and the ones not carried are rejected there
 * when the results are published: sql/084).
 *
 * The choice goes from the request's body straight into cast_vote() (sql/013)
 * as a bound parameter, and nowhere else: not into a log, not into the audit
 * log ("ballot_vote" says who voted on what, never how), not into an answer.
 * Nothing a program can read holds it next to a member; the counters of an
 * open ballot are readable by no program's role at all.
 */
#include <stdio.h>
#include <string.h>

#include "application.h"
#include "committee.h"
#include "review.h"

enum {
	BL_OPEN, BL_CLOSE, BL_TODO, BL_FAILED, BL_AWAITING, BL_MINE, BL_PRESENT, BL_ITEMS, BL_VOTE, BL_FORM, BL__MAX
};

static struct db_stmt st[BL__MAX] = {
	[BL_OPEN] = { "ballot_open",
	    "SELECT ballot_open($1, $2)", 0 },
	[BL_CLOSE] = { "ballot_close",
	    "SELECT ballot_close($1, $2)", 0 },
	/* the result of each application still held at its step, to be carried
	 * out, and whether a later step publishes it */
	[BL_TODO] = { "ballot_todo",
	    "SELECT ag.application_id, ag.step_seq, ag.carried,"
	    " vote_deferred(a.pipeline_id, ag.step_seq)"
	    " FROM meeting_agenda ag JOIN application a ON a.id = ag.application_id"
	    " WHERE ag.meeting_id = $1 AND ag.carried IS NOT NULL AND a.state = 'in_review'"
	    " AND a.step_seq = ag.step_seq AND a.current_org_id = $2 AND " AGENDA_STANDS("ag")
	    " ORDER BY ag.added_at, a.id", 0 },
	/* those the meeting did not carry, now held by the office at the step that
	 * publishes this very ballot's result */
	[BL_FAILED] = { "ballot_failed",
	    "SELECT a.id, a.step_seq FROM meeting_agenda ag"
	    " JOIN committee_meeting m ON m.id = ag.meeting_id"
	    " JOIN application a ON a.id = ag.application_id"
	    " WHERE ag.meeting_id = $1 AND m.org_id = $2" TO_PUBLISH
	    " ORDER BY ag.added_at, a.id", 0 },
	/* those the meeting carried whose result is not published yet */
	[BL_AWAITING] = { "ballot_awaiting",
	    "SELECT count(*) FROM meeting_agenda ag JOIN committee_meeting m ON m.id = ag.meeting_id"
	    " JOIN application a ON a.id = ag.application_id"
	    " WHERE ag.meeting_id = $1 AND m.org_id = $2 AND" AWAITING_PUBLICATION, 0 },
	/* a member's meetings: their committee's; items: those they vote on (not
	 * recused, or recused after voting) */
	[BL_MINE] = { "ballot_mine",
	    "SELECT m.id, m.title, " COMMITTEE_TS("m.starts_at") ", m.place, m.state,"
	    " EXISTS (SELECT 1 FROM meeting_attendance WHERE meeting_id = m.id AND member_id = $2),"
	    " (SELECT count(*) FROM meeting_agenda ag WHERE ag.meeting_id = m.id"
	    "  AND (NOT meeting_recused(m.id, ag.application_id, $2) OR EXISTS (SELECT 1 FROM ballot_cast c"
	    "  WHERE c.meeting_id = m.id AND c.application_id = ag.application_id AND c.member_id = $2))),"
	    " (SELECT count(*) FROM ballot_cast WHERE meeting_id = m.id AND member_id = $2)"
	    " FROM committee_meeting m WHERE m.org_id = $1"
	    " ORDER BY m.starts_at DESC, m.id DESC LIMIT 200", 0 },
	[BL_PRESENT] = { "ballot_present",
	    "SELECT EXISTS (SELECT 1 FROM meeting_attendance WHERE meeting_id = $1"
	    " AND member_id = $2)", 0 },
	/* the agenda as member $2 sees it: no 身份证号, their own recusal and whether they voted */
	[BL_ITEMS] = { "ballot_items",
	    "SELECT a.id, u.name, " EMPLOYER_NAME ", p.name, s.name, coalesce(a.specialty, ''),"
	    " meeting_recused(ag.meeting_id, a.id, $2),"
	    " coalesce((SELECT reason FROM meeting_recusal WHERE meeting_id = ag.meeting_id"
	    "  AND application_id = a.id AND member_id = $2), '与申报人为同一工作单位'),"
	    " EXISTS (SELECT 1 FROM ballot_cast WHERE meeting_id = ag.meeting_id"
	    "  AND application_id = a.id AND member_id = $2),"
	    " ag.carried, ag.agree, ag.disagree, ag.abstain, ag.eligible"
	    " FROM meeting_agenda ag JOIN application a ON a.id = ag.application_id"
	    " JOIN app_user u ON u.id = a.applicant_id JOIN org uo ON uo.id = a.unit_org_id" EMPLOYER_JOIN
	    " JOIN plan p ON p.id = a.plan_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = ag.step_seq"
	    " WHERE ag.meeting_id = $1 ORDER BY ag.added_at, a.id", 0 },
	[BL_VOTE] = { "ballot_vote",
	    "SELECT cast_vote($1, $2, $3, $4)", 0 },
	/* may member $3 read the 评审表 of application $2 on meeting $1's agenda */
	[BL_FORM] = { "ballot_form",
	    "SELECT m.state, meeting_recused(m.id, $2, $3) FROM committee_meeting m"
	    " JOIN meeting_agenda ag ON ag.meeting_id = m.id AND ag.application_id = $2"
	    " WHERE m.id = $1 AND m.org_id = $4", 0 },
};

/* ---------------------------------------------------------------- the office */

/* Opens or closes the ballot of meeting r->id (one of ours) with statement k. */
static enum perr
open_close(struct req *r, int k, const char *action)
{
	PGresult *res;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK || (e = committee_meeting(r, &res)) != PERR_OK)
		return e;
	PQclear(res);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[k], NULL, 2, DB_I(r->id), DB_I(r->s.user_id))) != PERR_OK ||
	    (e = req_audit(r, action, "committee_meeting", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return committee_refused(r, e);
	}
	return h_meeting(r);
}

/* POST /meetings/:id/open: the members present may vote from now on. */
enum perr
h_ballot_open(struct req *r)
{
	return open_close(r, BL_OPEN, "ballot_open");
}

/* POST /meetings/:id/close: no more votes; the tally is each application's result. */
enum perr
h_ballot_close(struct req *r)
{
	return open_close(r, BL_CLOSE, "ballot_close");
}

/* The result as the applicant reads it in the reason or opinion, and their
 * SMS: carried or not, by the rule; the counts of a secret ballot are the
 * committee's (its minutes keep them), not told to the one voted on (a
 * probe of the departments read 同意 2 票，不同意 3 票 on an applicant's
 * phone). */
static void
tally_text(char *out, size_t outsz, bool carried, const PGresult *m)
{
	snprintf(out, outsz, "%s（同意票%s应参加表决人数的%lld/%lld）。",
	    carried ? "经评审会议表决通过" : "评审会议表决未通过", carried ? "达到" : "未达到",
	    db_int(m, 0, 9), db_int(m, 0, 10));
}

/* Moves application i of res (id, step in columns 0 and 1) with act and text
 * (and x), counted into *done or *failed, its result added to results. */
static enum perr
carry_out(const struct actor *who, const PGresult *res, int i, enum chain_action act,
    const char *text, const struct chain_extra *x, cJSON *results, int *done, int *failed)
{
	char msg[512];
	enum perr e;

	e = chain_move_ex(who, db_int(res, i, 0), (int)db_int(res, i, 1), act, text, x, NULL, msg,
	    sizeof(msg));
	cJSON_AddStringToObject(review_result(results, db_int(res, i, 0), e, msg), "action",
	    act == CHAIN_PASS ? "pass" : "reject");
	if (e != PERR_OK)
		(*failed)++;
	else
		(*done)++;
	return e;
}

/* The meeting r->id of the office, closed (else a refusal saying what for). */
static enum perr
closed_meeting(struct req *r, PGresult **m, const char *what)
{
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK || (e = committee_meeting(r, m)) != PERR_OK)
		return e;
	if (strcmp(db_str(*m, 0, 4), "closed") != 0) {
		PQclear(*m);
		return req_fail(r, PERR_CONFLICT, NULL, "投票结束后方可%s", what);
	}
	return PERR_OK;
}

/* POST /meetings/:id/settle: 按表决结果办理. Each application still held at its
 * step passes (carried) or is rejected (not carried), each on its own; where a
 * later step publishes the result, every one passes to it, told only that the
 * committee voted (sql/084). */
enum perr
h_ballot_settle(struct req *r)
{
	struct actor who = req_actor(r);
	PGresult *m, *res;
	cJSON *results;
	int i, passed = 0, rejected = 0, handed = 0, failed = 0;
	enum perr e;

	if ((e = closed_meeting(r, &m, "按表决结果办理")) != PERR_OK)
		return e;
	if ((e = db_run(&st[BL_TODO], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK) {
		PQclear(m);
		return e;
	}
	results = cJSON_AddArrayToObject(req_out(r), "results");
	for (i = 0; i < PQntuples(res); i++) {
		bool carried = db_bool(res, i, 2), deferred = db_bool(res, i, 3);
		char text[400];

		if (deferred)
			snprintf(text, sizeof(text), "评审会议已表决，评审结果以公布的为准。");
		else
			tally_text(text, sizeof(text), carried, m);
		if (carry_out(&who, res, i, carried || deferred ? CHAIN_PASS : CHAIN_REJECT, text,
		    NULL, results, deferred ? &handed : carried ? &passed : &rejected, &failed) ==
		    PERR_UNAVAILABLE)
			break;
	}
	PQclear(res);
	PQclear(m);
	cJSON_AddNumberToObject(req_out(r), "passed", passed);
	cJSON_AddNumberToObject(req_out(r), "rejected", rejected);
	cJSON_AddNumberToObject(req_out(r), "handed", handed);
	cJSON_AddNumberToObject(req_out(r), "failed", failed);
	return PERR_OK;
}

/* POST /meetings/:id/publish: 公布评审结果 of those the meeting did not carry,
 * once the results 公示 of those it carried has begun: each one the office
 * holds at the step that publishes this ballot's result is rejected there,
 * the result as the reason (sql/084). The carried ones pass there after
 * their 公示, as any pass. */
enum perr
h_ballot_publish(struct req *r)
{
	/* the committee's result, published: not held for it (gates_hold()) */
	static const struct chain_extra published = { .published = true };
	struct actor who = req_actor(r);
	PGresult *m, *res;
	cJSON *results;
	int i, rejected = 0, failed = 0;
	char text[400];
	enum perr e;

	if ((e = closed_meeting(r, &m, "公布评审结果")) != PERR_OK)
		return e;
	/* with the results: the carried ones' 公示 first (a review: the others could
	 * be told before anything was published) */
	if ((e = db_run(&st[BL_AWAITING], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK) {
		PQclear(m);
		return e;
	}
	if (db_int(res, 0, 0) > 0) {
		long long n = db_int(res, 0, 0);

		PQclear(res);
		PQclear(m);
		return req_fail(r, PERR_CONFLICT, NULL, "表决通过的 %lld 份申报尚未开始评审结果公示："
		    "请先在“评审结果公示”中登记，公布评审结果时再办理表决未通过", n);
	}
	PQclear(res);
	if ((e = db_run(&st[BL_FAILED], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK) {
		PQclear(m);
		return e;
	}
	tally_text(text, sizeof(text), false, m);
	PQclear(m);
	results = cJSON_AddArrayToObject(req_out(r), "results");
	for (i = 0; i < PQntuples(res); i++)
		if (carry_out(&who, res, i, CHAIN_REJECT, text, &published, results, &rejected,
		    &failed) == PERR_UNAVAILABLE)
			break;
	PQclear(res);
	cJSON_AddNumberToObject(req_out(r), "rejected", rejected);
	cJSON_AddNumberToObject(req_out(r), "failed", failed);
	return PERR_OK;
}

/* ---------------------------------------------------------------- a member */

static enum perr
member_only(struct req *r)
{
	if (!r->s.member)
		return req_fail(r, PERR_FORBIDDEN, NULL, "只有评委本人可以参加表决");
	return PERR_OK;
}

/* GET /ballots: the meetings of the member's committee. */
enum perr
h_ballots(struct req *r)
{
	PGresult *res;
	cJSON *arr;
	int i;
	enum perr e;

	if ((e = member_only(r)) != PERR_OK ||
	    (e = db_run(&st[BL_MINE], &res, 2, DB_I(r->s.org_id), DB_I(r->s.user_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "meetings");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		committee_meeting_head(o, res, i);
		cJSON_AddBoolToObject(o, "present", db_bool(res, i, 5));
		cJSON_AddNumberToObject(o, "items", (double)db_int(res, i, 6));
		cJSON_AddNumberToObject(o, "voted", (double)db_int(res, i, 7));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

/* GET /ballots/:id: the meeting and its agenda as the member votes on it:
 * whether they are present, recused, have voted; after the ballot, each
 * application's tally. Never anyone's choice, their own included. */
enum perr
h_ballot(struct req *r)
{
	PGresult *res;
	cJSON *arr;
	bool present, open;
	int i;
	enum perr e;

	if ((e = member_only(r)) != PERR_OK || (e = committee_meeting(r, &res)) != PERR_OK)
		return e;
	committee_meeting_json(cJSON_AddObjectToObject(req_out(r), "meeting"), res, 0);
	open = strcmp(db_str(res, 0, 4), "open") == 0;
	PQclear(res);
	if ((e = db_run(&st[BL_PRESENT], &res, 2, DB_I(r->id), DB_I(r->s.user_id))) != PERR_OK)
		return e;
	present = db_bool(res, 0, 0);
	PQclear(res);
	cJSON_AddBoolToObject(req_out(r), "present", present);
	if ((e = db_run(&st[BL_ITEMS], &res, 2, DB_I(r->id), DB_I(r->s.user_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();
		bool recused = db_bool(res, i, 6), voted = db_bool(res, i, 8);

		cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(o, "applicant", db_str(res, i, 1));
		cJSON_AddStringToObject(o, "unit", db_str(res, i, 2));
		cJSON_AddStringToObject(o, "plan", db_str(res, i, 3));
		cJSON_AddStringToObject(o, "step_name", db_str(res, i, 4));
		cJSON_AddStringToObject(o, "specialty", db_str(res, i, 5));
		cJSON_AddBoolToObject(o, "recused", recused);
		cJSON_AddStringToObject(o, "recuse_reason", recused ? db_str(res, i, 7) : "");
		cJSON_AddBoolToObject(o, "voted", voted);
		cJSON_AddBoolToObject(o, "can_vote", open && present && !recused && !voted);
		if (db_str(res, i, 9) != NULL) {
			cJSON_AddBoolToObject(o, "carried", db_bool(res, i, 9));
			cJSON_AddNumberToObject(o, "agree", (double)db_int(res, i, 10));
			cJSON_AddNumberToObject(o, "disagree", (double)db_int(res, i, 11));
			cJSON_AddNumberToObject(o, "abstain", (double)db_int(res, i, 12));
			cJSON_AddNumberToObject(o, "eligible", (double)db_int(res, i, 13));
			/* no vote at all: nothing decided (AGENDA_STANDS), as the office reads it */
			cJSON_AddBoolToObject(o, "unvoted", db_int(res, i, 10) + db_int(res, i, 11) +
			    db_int(res, i, 12) == 0);
		} else
			cJSON_AddNullToObject(o, "carried");
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

static bool
valid_choice(const char *s)
{
	return strcmp(s, "agree") == 0 || strcmp(s, "disagree") == 0 || strcmp(s, "abstain") == 0;
}

enum { VO_APP, VO_CHOICE };

const struct field ballot_vote_fields[] = {
	[VO_APP] = { "application", "申报", F_INT, true, 1, 1LL << 50, NULL, NULL },
	[VO_CHOICE] = { "choice", "表决意见", F_STR, true, 5, 8, valid_choice,
	    "表决意见应为同意、不同意或弃权" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST /ballots/:id/vote {application, choice}: the member's vote, once. The
 * answer is the same for every choice. */
enum perr
h_ballot_vote(struct req *r)
{
	PGresult *res;
	cJSON *detail;
	enum perr e;

	/* another committee's meeting is none (cast_vote() would refuse it too) */
	if ((e = member_only(r)) != PERR_OK || (e = committee_meeting(r, &res)) != PERR_OK)
		return e;
	PQclear(res);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[BL_VOTE], NULL, 4, DB_I(r->id), DB_I(r->f[VO_APP].i),
	    DB_I(r->s.user_id), DB_S(r->f[VO_CHOICE].s))) != PERR_OK) {
		db_rollback();
		return committee_refused(r, e);
	}
	detail = cJSON_CreateObject();
	cJSON_AddNumberToObject(detail, "meeting", (double)r->id);
	e = req_audit(r, "ballot_vote", "application", r->f[VO_APP].i, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	return PERR_OK;
}

enum { BR_APP, BR_REASON };

const struct field ballot_recuse_fields[] = {
	[BR_APP] = { "application", "申报", F_INT, true, 1, 1LL << 50, NULL, NULL },
	[BR_REASON] = { "reason", "回避理由", F_STR, true, 1, 200, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST /ballots/:id/recuse {application, reason}: the member declares a
 * conflict of interest, before voting on it. */
enum perr
h_ballot_recuse(struct req *r)
{
	enum perr e;

	if ((e = member_only(r)) != PERR_OK ||
	    (e = committee_recuse(r, r->f[BR_APP].i, r->s.user_id, r->f[BR_REASON].s)) != PERR_OK)
		return e;
	return h_ballot(r);
}

/*
 * GET /ballots/:id/applications/:id/form.xhtml: the 评审表 of an application
 * on the agenda, for a member not recused from it, until the ballot closes.
 * The 评审表 is what a committee judges an applicant on: the qualifications,
 * the 业绩 and the statement as submitted, with every level's opinion; the
 * attachments behind it were checked at the levels below. The 身份证号 is
 * masked and the mobile left out: an expert judges the work, not the
 * person's numbers. A member reads no other application, no worklist, no
 * attachment.
 */
enum perr
h_ballot_form(struct req *r)
{
	struct actor who = req_actor(r);
	struct application a;
	PGresult *res;
	char *doc, masked[32];
	size_t len;
	const char *why = NULL;
	bool found;
	enum perr e;

	if ((e = member_only(r)) != PERR_OK)
		return e;
	if ((e = db_run(&st[BL_FORM], &res, 4, DB_I(r->id), DB_I(r->id2), DB_I(r->s.user_id),
	    DB_I(r->s.org_id))) != PERR_OK)
		return e;
	found = PQntuples(res) == 1;
	if (!found)
		why = "该申报不在本次会议议程中";
	else if (strcmp(db_str(res, 0, 0), "closed") == 0)
		why = "会议投票已经结束，评审表不再提供查阅";
	else if (db_bool(res, 0, 1))
		why = "您已回避该申报的评审，不能查阅其评审表";
	PQclear(res);
	if (why != NULL)
		return req_fail(r, found ? PERR_FORBIDDEN : PERR_NOT_FOUND, NULL, "%s", why);
	if ((e = app_load(&who, r->id2, &a, r->msg, sizeof(r->msg))) != PERR_OK)
		return e;
	a.person.idcard = mask_id(a.person.idcard ? a.person.idcard : "", masked, sizeof(masked));
	a.person.mobile = "";
	e = doc_review_form(&a, &doc, &len);
	app_free(&a);
	if (e != PERR_OK)
		return e;
	req_raw(r, doc, len, "application/xhtml+xml; charset=utf-8", NULL);
	return PERR_OK;
}
