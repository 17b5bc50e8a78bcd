/*
 * committee.c: the committee office's side of 评审会议: the committee's
 * rules (quorum and pass threshold), its members (experts, each with a login
 * of the account kind committee_member, made through lib/accounts.c), and
 * its meetings: time and place, the agenda (the applications it holds at a
 * step with the gate 'vote'), attendance and recusals (回避). The ballot
 * itself is ballot.c; the database keeps every rule again (sql/013).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "committee.h"
#include "review.h"

enum {
	CM_RULE, CM_RULE_SET, CM_MEMBERS, CM_MEMBER_ADD, CM_MEMBER_SET, CM_MEMBER_UPDATE,
	CM_MEMBER_FIND, CM_LIST, CM_WAITING, CM_GET, CM_ROSTER, CM_AGENDA, CM_CREATE, CM_UPDATE,
	CM_DELETE, CM_LOCK, CM_APP, CM_ADD, CM_REMOVE, CM_ABSENT_ALL, CM_PRESENT, CM_RECUSE_ROW,
	CM_RECUSE_LOCK, CM_RECUSE, CM_WITHDRAW, CM_TELL, CM__MAX
};

/* the application is held by org at a step with the gate 'vote' */
#define AT_VOTE_STEP(org) \
	"a.current_org_id = " org " AND a.state = 'in_review' AND EXISTS (SELECT 1 FROM step_gate g" \
	" WHERE g.pipeline_id = a.pipeline_id AND g.seq = a.step_seq AND g.gate = 'vote')"
/* on an agenda at its current step since it arrived there (to be voted, or voted) */
#define ON_AGENDA(a) \
	"EXISTS (SELECT 1 FROM meeting_agenda ag WHERE ag.application_id = " a \
	" AND ag.step_seq = (SELECT step_seq FROM application WHERE id = " a ")" \
	" AND ag.added_at >= coalesce(step_arrival(" a "), '-infinity') AND " AGENDA_STANDS("ag") ")"
/* who an application is: applicant, 身份证号, unit, plan, step, step name, 申报专业 */
#define APP_COLS "a.id, u.name, u.idcard, " EMPLOYER_NAME ", p.name, a.step_seq, s.name," \
	" coalesce(a.specialty, '')"
#define APP_JOINS " JOIN app_user u ON u.id = a.applicant_id JOIN org uo ON uo.id = a.unit_org_id" \
	EMPLOYER_JOIN " JOIN plan p ON p.id = a.plan_id" \
	" JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
#define ACTIVE_MEMBERS(org) \
	"(SELECT count(*) FROM committee_member cm JOIN app_user mu ON mu.id = cm.user_id" \
	" WHERE cm.org_id = " org " AND mu.disabled_at IS NULL)"

static struct db_stmt st[CM__MAX] = {
	[CM_RULE] = { "committee_rule",
	    "SELECT r.quorum_num, r.quorum_den, r.pass_num, r.pass_den,"
	    " EXISTS (SELECT 1 FROM committee_setting WHERE org_id = $1)"
	    " FROM committee_rule($1) r", 0 },
	[CM_RULE_SET] = { "committee_rule_set",
	    "INSERT INTO committee_setting (org_id, quorum_num, quorum_den, pass_num, pass_den,"
	    " updated_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET"
	    " quorum_num = EXCLUDED.quorum_num, quorum_den = EXCLUDED.quorum_den,"
	    " pass_num = EXCLUDED.pass_num, pass_den = EXCLUDED.pass_den,"
	    " updated_by = EXCLUDED.updated_by, updated_at = now()", 0 },
	[CM_MEMBERS] = { "committee_members",
	    "SELECT u.id, u.username, u.name, coalesce(u.mobile, ''), m.specialty, m.employer,"
	    " u.disabled_at IS NOT NULL, EXISTS (SELECT 1 FROM committee_meeting cm"
	    "  WHERE cm.org_id = m.org_id AND cm.state = 'open' AND u.id = ANY (cm.roster))"
	    " FROM committee_member m JOIN app_user u ON u.id = m.user_id"
	    " WHERE m.org_id = $1 ORDER BY u.disabled_at IS NOT NULL, m.created_at, u.id", 0 },
	[CM_MEMBER_ADD] = { "committee_member_add",
	    "INSERT INTO committee_member (user_id, org_id, specialty, employer, created_by)"
	    " VALUES ($1, $2, $3, $4, $5)", 0 },
	/* name, mobile and whether the login is disabled: the database's to write */
	[CM_MEMBER_SET] = { "committee_member_set",
	    "SELECT committee_account_set($1, $2, $3, $4, $5::bool)", 0 },
	[CM_MEMBER_UPDATE] = { "committee_member_update",
	    "UPDATE committee_member SET specialty = $3, employer = $4, updated_at = now()"
	    " WHERE user_id = $1 AND org_id = $2 RETURNING user_id", 0 },
	/* and whether a ballot the member is on is open */
	[CM_MEMBER_FIND] = { "committee_member_find",
	    "SELECT EXISTS (SELECT 1 FROM committee_meeting m WHERE m.org_id = $2"
	    "  AND m.state = 'open' AND $1 = ANY (m.roster))"
	    " FROM committee_member WHERE user_id = $1 AND org_id = $2", 0 },
	[CM_LIST] = { "meeting_list",
	    "SELECT m.id, m.title, " COMMITTEE_TS("m.starts_at") ", m.place, m.state,"
	    " count(ag.application_id), count(*) FILTER (WHERE ag.carried),"
	    " count(*) FILTER (WHERE ag.carried IS NOT NULL AND a.state = 'in_review'"
	    "  AND a.step_seq = ag.step_seq AND a.current_org_id = m.org_id AND " AGENDA_STANDS("ag") "),"
	    " count(*) FILTER (WHERE true" TO_PUBLISH ")"
	    " FROM committee_meeting m LEFT JOIN meeting_agenda ag ON ag.meeting_id = m.id"
	    " LEFT JOIN application a ON a.id = ag.application_id"
	    " WHERE m.org_id = $1 GROUP BY m.id ORDER BY m.starts_at DESC, m.id DESC LIMIT 200", 0 },
	[CM_WAITING] = { "meeting_waiting",
	    "SELECT " APP_COLS " FROM application a" APP_JOINS
	    " WHERE " AT_VOTE_STEP("$1") " AND NOT " ON_AGENDA("a.id") " ORDER BY a.id LIMIT 1000", 0 },
	/* planned: the committee's size and the rules as they are now; later: as frozen */
	[CM_GET] = { "meeting_get",
	    "SELECT m.id, m.title, " COMMITTEE_TS("m.starts_at") ", m.place, m.state,"
	    " coalesce(m.members, " ACTIVE_MEMBERS("m.org_id") "),"
	    " coalesce(m.present, (SELECT count(*) FROM meeting_attendance ma JOIN app_user mu"
	    "  ON mu.id = ma.member_id WHERE ma.meeting_id = m.id AND mu.disabled_at IS NULL)),"
	    " coalesce(m.quorum_num, r.quorum_num), coalesce(m.quorum_den, r.quorum_den),"
	    " coalesce(m.pass_num, r.pass_num), coalesce(m.pass_den, r.pass_den),"
	    " coalesce(" COMMITTEE_TS("m.opened_at") ", ''), coalesce(" COMMITTEE_TS("m.closed_at") ", ''),"
	    /* seconds until its time, when the ballot may open (0: it has come) */
	    " greatest(0, ceil(extract(epoch FROM m.starts_at - now())))::bigint"
	    " FROM committee_meeting m, committee_rule(m.org_id) r WHERE m.id = $1 AND m.org_id = $2", 0 },
	/* the members: until the ballot opens the active ones, then those it opened with */
	[CM_ROSTER] = { "meeting_roster",
	    "SELECT u.id, u.name, cm.specialty, cm.employer, ma.member_id IS NOT NULL"
	    " FROM committee_meeting m JOIN committee_member cm ON cm.org_id = m.org_id"
	    " JOIN app_user u ON u.id = cm.user_id"
	    " LEFT JOIN meeting_attendance ma ON ma.meeting_id = m.id AND ma.member_id = cm.user_id"
	    " WHERE m.id = $1 AND m.org_id = $2 AND (CASE WHEN m.roster IS NULL"
	    "  THEN u.disabled_at IS NULL ELSE cm.user_id = ANY (m.roster) END)"
	    " ORDER BY cm.created_at, u.id", 0 },
	[CM_AGENDA] = { "meeting_agenda",
	    "SELECT " APP_COLS ", ag.eligible, ag.agree, ag.disagree, ag.abstain, ag.carried,"
	    " (SELECT count(*) FROM ballot_cast c WHERE c.meeting_id = ag.meeting_id"
	    "  AND c.application_id = a.id),"
	    " a.state = 'in_review' AND a.step_seq = ag.step_seq AND a.current_org_id = $2"
	    "  AND " AGENDA_STANDS("ag") ","
	    " (SELECT coalesce(json_agg(json_build_object('member', cm.user_id, 'name', mu.name,"
	    "  'reason', coalesce(r.reason, '与申报人为同一工作单位'),"
	    "  'declared', r.member_id IS NOT NULL AND NOT r.conflict,"
	    "  'present', EXISTS (SELECT 1 FROM meeting_attendance ma"
	    "  WHERE ma.meeting_id = ag.meeting_id AND ma.member_id = cm.user_id))"
	    "  ORDER BY cm.created_at, cm.user_id), '[]') FROM committee_member cm"
	    "  JOIN app_user mu ON mu.id = cm.user_id LEFT JOIN meeting_recusal r"
	    "  ON r.meeting_id = ag.meeting_id AND r.application_id = a.id AND r.member_id = cm.user_id"
	    "  WHERE cm.org_id = $2 AND (r.member_id IS NOT NULL"
	    /* (a same-unit conflict is a recusal of the meeting once it opens: sql/088) */
	    "  OR (m.state = 'planned' AND mu.disabled_at IS NULL"
	    "  AND member_conflict(cm.user_id, a.id))))::text,"
	    /* whether a later step publishes the result; and this one is to be
	     * rejected there now (sql/084) */
	    " vote_deferred(a.pipeline_id, ag.step_seq), ag.carried IS NOT NULL" TO_PUBLISH ","
	    " coalesce(" AWAITING_PUBLICATION ", false), a.state"
	    " FROM meeting_agenda ag JOIN committee_meeting m ON m.id = ag.meeting_id"
	    " JOIN application a ON a.id = ag.application_id" APP_JOINS
	    " WHERE ag.meeting_id = $1 ORDER BY ag.added_at, a.id", 0 },
	[CM_CREATE] = { "meeting_create",
	    "INSERT INTO committee_meeting (org_id, title, starts_at, place, created_by)"
	    " SELECT $1, $2, $3::timestamp AT TIME ZONE 'Asia/Shanghai', $4, $5"
	    " WHERE $3::timestamp::date BETWEEN current_date AND current_date + 366 RETURNING id", 0 },
	/* a message to every member at work of committee $1 (a meeting called, moved,
	 * cancelled: a probe of the departments found members told nothing) */
	[CM_TELL] = { "meeting_tell_members",
	    "INSERT INTO notification (user_id, mobile, body)"
	    " SELECT u.id, u.mobile, $2 FROM committee_member m JOIN app_user u ON u.id = m.user_id"
	    " WHERE m.org_id = $1 AND u.disabled_at IS NULL", 0 },
	/* (and whether its time or place moved: what the members are told of) */
	[CM_UPDATE] = { "meeting_update",
	    "UPDATE committee_meeting m SET title = $3, starts_at = $4::timestamp AT TIME ZONE"
	    " 'Asia/Shanghai', place = $5"
	    " FROM (SELECT id, starts_at, place FROM committee_meeting WHERE id = $1 FOR UPDATE) was"
	    " WHERE m.id = was.id AND m.org_id = $2 AND m.state = 'planned'"
	    " AND $4::timestamp::date BETWEEN current_date AND current_date + 366"
	    " RETURNING m.id, was.starts_at <> m.starts_at OR was.place <> m.place", 0 },
	[CM_DELETE] = { "meeting_delete",
	    "DELETE FROM committee_meeting WHERE id = $1 AND org_id = $2 AND state = 'planned'"
	    " RETURNING id, title, to_char(starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')",
	    0 },
	[CM_LOCK] = { "meeting_app_lock",
	    "SELECT chain_lock($1)", 0 },
	/* an application to put on the agenda: held here at a vote step, not voted yet */
	/* and the meeting it is on the agenda of, when it is ("" if not) */
	[CM_APP] = { "meeting_app",
	    "SELECT a.step_seq, " ON_AGENDA("a.id") ", coalesce((SELECT m.title || '（' ||"
	    " to_char(m.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '）'"
	    " FROM meeting_agenda ag JOIN committee_meeting m ON m.id = ag.meeting_id"
	    " WHERE ag.application_id = a.id AND ag.step_seq = a.step_seq"
	    " ORDER BY ag.added_at DESC LIMIT 1), '') FROM application a"
	    " WHERE a.id = $1 AND " AT_VOTE_STEP("$2"), 0 },
	[CM_ADD] = { "meeting_agenda_add",
	    "INSERT INTO meeting_agenda (meeting_id, application_id, step_seq, added_by)"
	    " VALUES ($1, $2, $3, $4)", 0 },
	[CM_REMOVE] = { "meeting_agenda_remove",
	    "DELETE FROM meeting_agenda ag USING committee_meeting m WHERE ag.meeting_id = $1"
	    " AND ag.application_id = $3 AND m.id = ag.meeting_id AND m.org_id = $2"
	    " AND m.state = 'planned' RETURNING ag.application_id", 0 },
	[CM_ABSENT_ALL] = { "meeting_attendance_clear",
	    "DELETE FROM meeting_attendance WHERE meeting_id = $1", 0 },
	[CM_PRESENT] = { "meeting_attendance_add",
	    "INSERT INTO meeting_attendance (meeting_id, member_id, recorded_by)"
	    " SELECT $1, cm.user_id, $4 FROM committee_member cm JOIN app_user u ON u.id = cm.user_id"
	    " WHERE cm.user_id = $3 AND cm.org_id = $2 AND u.disabled_at IS NULL RETURNING member_id", 0 },
	/* what a recusal depends on, the meeting locked against closing meanwhile */
	[CM_RECUSE_ROW] = { "meeting_recuse_row",
	    "SELECT m.state,"
	    " EXISTS (SELECT 1 FROM meeting_agenda WHERE meeting_id = m.id AND application_id = $2),"
	    " EXISTS (SELECT 1 FROM committee_member cm JOIN app_user u ON u.id = cm.user_id"
	    "  WHERE cm.user_id = $3 AND cm.org_id = m.org_id AND u.disabled_at IS NULL),"
	    " EXISTS (SELECT 1 FROM ballot_cast WHERE meeting_id = m.id AND application_id = $2"
	    "  AND member_id = $3),"
	    " EXISTS (SELECT 1 FROM meeting_recusal WHERE meeting_id = m.id AND application_id = $2"
	    "  AND member_id = $3)"
	    " FROM committee_meeting m WHERE m.id = $1 AND m.org_id = $4", 0 },
	/* the meeting's row, against its votes (cast_vote() holds it FOR SHARE): a
	 * recusal and the same member's vote one after the other, each seeing the
	 * other once it is done (a probe recused two members whose votes, cast in
	 * the same instant, were counted) */
	[CM_RECUSE_LOCK] = { "meeting_recuse_lock",
	    "SELECT 1 FROM committee_meeting WHERE id = $1 AND org_id = $2 FOR UPDATE", 0 },
	[CM_RECUSE] = { "meeting_recuse",
	    "INSERT INTO meeting_recusal (meeting_id, application_id, member_id, reason, declared_by)"
	    " VALUES ($1, $2, $3, $4, $5)", 0 },
	[CM_WITHDRAW] = { "meeting_recusal_withdraw",
	    "DELETE FROM meeting_recusal r USING committee_meeting m WHERE r.meeting_id = $1"
	    " AND m.id = r.meeting_id AND m.org_id = $2 AND m.state = 'planned'"
	    " AND r.application_id = $3 AND r.member_id = $4 RETURNING r.member_id", 0 },
};

/* ---------------------------------------------------------------- shared */

enum perr
committee_office(struct req *r)
{
	if (r->s.member)
		return req_fail(r, PERR_FORBIDDEN, NULL, "评委账号不能办理评审会议事务");
	if (strcmp(r->s.org_kind, "committee_junior") != 0 &&
	    strcmp(r->s.org_kind, "committee_mid") != 0)
		return req_fail(r, PERR_FORBIDDEN, NULL, "本部门不是评审委员会，没有评审会议");
	return PERR_OK;
}

enum perr
committee_meeting(struct req *r, PGresult **res)
{
	enum perr e;

	if ((e = db_run(&st[CM_GET], res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (PQntuples(*res) != 1) {
		PQclear(*res);
		*res = NULL;
		return req_fail(r, PERR_NOT_FOUND, NULL, "评审会议不存在");
	}
	return PERR_OK;
}

void
committee_meeting_head(cJSON *o, const PGresult *res, int i)
{
	const char *state = db_str(res, i, 4);

	cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
	cJSON_AddStringToObject(o, "title", db_str(res, i, 1));
	cJSON_AddStringToObject(o, "starts_at", db_str(res, i, 2));
	cJSON_AddStringToObject(o, "place", db_str(res, i, 3));
	cJSON_AddStringToObject(o, "state", state);
	cJSON_AddStringToObject(o, "state_name", strcmp(state, "planned") == 0 ? "未开始投票" :
	    strcmp(state, "open") == 0 ? "投票中" : "投票已结束");
}

void
committee_meeting_json(cJSON *o, const PGresult *res, int i)
{
	long long members = db_int(res, i, 5), present = db_int(res, i, 6);
	long long qn = db_int(res, i, 7), qd = db_int(res, i, 8);

	committee_meeting_head(o, res, i);
	cJSON_AddNumberToObject(o, "members", (double)members);
	cJSON_AddNumberToObject(o, "present", (double)present);
	cJSON_AddNumberToObject(o, "quorum_num", (double)qn);
	cJSON_AddNumberToObject(o, "quorum_den", (double)qd);
	cJSON_AddNumberToObject(o, "pass_num", (double)db_int(res, i, 9));
	cJSON_AddNumberToObject(o, "pass_den", (double)db_int(res, i, 10));
	/* present * qd >= members * qn, the least such number of members */
	cJSON_AddNumberToObject(o, "quorum_need", (double)((members * qn + qd - 1) / qd));
	cJSON_AddBoolToObject(o, "quorum_met", members > 0 && present * qd >= members * qn);
	cJSON_AddStringToObject(o, "opened_at", db_str(res, i, 11));
	cJSON_AddStringToObject(o, "closed_at", db_str(res, i, 12));
	json_add_int(o, "starts_in", db_int(res, i, 13));
}

enum perr
committee_refused(struct req *r, enum perr e)
{
	const char *state = db_sqlstate();
	char msg[256];

	if (e != PERR_GATE)
		return e;
	(void)db_take_message(msg, sizeof(msg));
	if (strcmp(state, "ZCB01") == 0 || strcmp(state, "ZCB15") == 0)
		return req_fail(r, PERR_NOT_FOUND, NULL, "%s", msg);
	if (strcmp(state, "ZCB02") == 0 || strcmp(state, "ZCB03") == 0 ||
	    strcmp(state, "ZCB10") == 0)
		return req_fail(r, PERR_FORBIDDEN, NULL, "%s", msg);
	return req_fail(r, PERR_CONFLICT, NULL, "%s", msg);
}

enum perr
committee_roster(struct req *r, PGresult **res)
{
	return db_run(&st[CM_ROSTER], res, 2, DB_I(r->id), DB_I(r->s.org_id));
}

enum perr
committee_agenda(struct req *r, PGresult **res)
{
	return db_run(&st[CM_AGENDA], res, 2, DB_I(r->id), DB_I(r->s.org_id));
}

/* ---------------------------------------------------------------- the committee */

/* GET /committee: its rules and members. */
enum perr
h_committee(struct req *r)
{
	PGresult *res;
	cJSON *c, *arr;
	int i;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK ||
	    (e = db_run(&st[CM_RULE], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	c = cJSON_AddObjectToObject(req_out(r), "committee");
	cJSON_AddStringToObject(c, "name", r->s.org_name);
	cJSON_AddStringToObject(c, "kind_name", r->s.org_kind_name);
	cJSON_AddNumberToObject(c, "quorum_num", (double)db_int(res, 0, 0));
	cJSON_AddNumberToObject(c, "quorum_den", (double)db_int(res, 0, 1));
	cJSON_AddNumberToObject(c, "pass_num", (double)db_int(res, 0, 2));
	cJSON_AddNumberToObject(c, "pass_den", (double)db_int(res, 0, 3));
	cJSON_AddBoolToObject(c, "own", db_bool(res, 0, 4));
	PQclear(res);
	if ((e = db_run(&st[CM_MEMBERS], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "members");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(o, "username", db_str(res, i, 1));
		cJSON_AddStringToObject(o, "name", db_str(res, i, 2));
		/* the office calls its experts: in full */
		cJSON_AddStringToObject(o, "mobile", db_str(res, i, 3));
		cJSON_AddStringToObject(o, "specialty", db_str(res, i, 4));
		cJSON_AddStringToObject(o, "employer", db_str(res, i, 5));
		cJSON_AddBoolToObject(o, "disabled", db_bool(res, i, 6));
		/* on a ballot that is open: no new password until it closes */
		cJSON_AddBoolToObject(o, "voting", db_bool(res, i, 7));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

enum { RU_QNUM, RU_QDEN, RU_PNUM, RU_PDEN };

const struct field committee_rule_fields[] = {
	[RU_QNUM] = { "quorum_num", "法定人数比例（分子）", F_INT, true, 1, 100, NULL, NULL },
	[RU_QDEN] = { "quorum_den", "法定人数比例（分母）", F_INT, true, 1, 100, NULL, NULL },
	[RU_PNUM] = { "pass_num", "通过比例（分子）", F_INT, true, 1, 100, NULL, NULL },
	[RU_PDEN] = { "pass_den", "通过比例（分母）", F_INT, true, 1, 100, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* PUT /committee: quorum and pass threshold, each at least two thirds (人社部令
 * 第40号 §22, §24 set that floor; a committee may be stricter, never looser);
 * meetings whose ballot opened keep the rules they opened with. */
enum perr
h_committee_rule(struct req *r)
{
	long long qn = r->f[RU_QNUM].i, qd = r->f[RU_QDEN].i, pn = r->f[RU_PNUM].i,
	    pd = r->f[RU_PDEN].i;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK)
		return e;
	if (qn > qd || qn * 3 < qd * 2)
		return req_fail(r, PERR_INVALID_FIELD, "quorum_num",
		    "法定人数比例应在三分之二至全体之间（人社部令第40号：出席专家不少于评审委员会人数的三分之二）");
	if (pn > pd || pn * 3 < pd * 2)
		return req_fail(r, PERR_INVALID_FIELD, "pass_num",
		    "通过比例应在三分之二至全体之间（人社部令第40号：同意票数达到出席专家总数的三分之二以上）");
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_RULE_SET], NULL, 6, DB_I(r->s.org_id), DB_I(qn), DB_I(qd), DB_I(pn),
	    DB_I(pd), DB_I(r->s.user_id))) != PERR_OK ||
	    (e = req_audit(r, "committee_rule", "org", r->s.org_id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	return h_committee(r);
}

enum { ME_USERNAME, ME_NAME, ME_SPECIALTY, ME_EMPLOYER, ME_MOBILE, ME_PASSWORD };

const struct field member_fields[] = {
	[ME_USERNAME] = { "username", "登录用户名", F_STR, true, 3, 32, valid_login_name,
	    "用户名为 3 至 32 位小写字母、数字或下划线，以字母开头" },
	[ME_NAME] = { "name", "姓名", F_STR, true, 2, 30, valid_person_name,
	    "姓名只能包含汉字、字母和间隔号“·”，2 至 30 个字" },
	[ME_SPECIALTY] = { "specialty", "专业", F_STR, true, 1, 60, NULL, NULL },
	[ME_EMPLOYER] = { "employer", "工作单位", F_STR, true, 2, 100, NULL, NULL },
	[ME_MOBILE] = { "mobile", "手机号码", F_STR, true, 11, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	[ME_PASSWORD] = { "password", "初始密码", F_STR, false, 8, 128, valid_password,
	    "密码长度 8 至 128 位，且至少包含大写字母、小写字母、数字、符号中的三类" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST /committee/members: a member and their login; a password made here
 * is shown once. */
enum perr
h_member_add(struct req *r)
{
	char pw[24] = "";
	long long id;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = account_create_member(r, r->s.org_id, r->f[ME_USERNAME].s, r->f[ME_NAME].s,
	    r->f[ME_MOBILE].s, r->f[ME_PASSWORD].present ? r->f[ME_PASSWORD].s : NULL, pw,
	    sizeof(pw), &id)) != PERR_OK ||
	    (e = db_run(&st[CM_MEMBER_ADD], NULL, 5, DB_I(id), DB_I(r->s.org_id),
	    DB_S(r->f[ME_SPECIALTY].s), DB_S(r->f[ME_EMPLOYER].s), DB_I(r->s.user_id))) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		explicit_bzero(pw, sizeof(pw));
		return committee_refused(r, e);
	}
	cJSON_AddNumberToObject(req_out(r), "id", (double)id);
	cJSON_AddStringToObject(req_out(r), "username", r->f[ME_USERNAME].s);
	if (pw[0] != '\0')
		cJSON_AddStringToObject(req_out(r), "password", pw);
	explicit_bzero(pw, sizeof(pw));
	r->status = 201;
	return PERR_OK;
}

enum { MU_NAME, MU_SPECIALTY, MU_EMPLOYER, MU_MOBILE };

const struct field member_update_fields[] = {
	[MU_NAME] = { "name", "姓名", F_STR, true, 2, 30, valid_person_name,
	    "姓名只能包含汉字、字母和间隔号“·”，2 至 30 个字" },
	[MU_SPECIALTY] = { "specialty", "专业", F_STR, true, 1, 60, NULL, NULL },
	[MU_EMPLOYER] = { "employer", "工作单位", F_STR, true, 2, 100, NULL, NULL },
	[MU_MOBILE] = { "mobile", "手机号码", F_STR, true, 11, 11, valid_mobile,
	    "手机号码应为 11 位中国大陆手机号" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* committee_account_set() of member id: 404 when no member of ours. */
static enum perr
account_set(struct req *r, const char *name, const char *mobile, const char *disabled)
{
	PGresult *res;
	bool ok;
	enum perr e;

	if ((e = db_run(&st[CM_MEMBER_SET], &res, 5, DB_I(r->s.org_id), DB_I(r->id), DB_S(name),
	    DB_S(mobile), DB_S(disabled))) != PERR_OK)
		return committee_refused(r, e);
	ok = db_bool(res, 0, 0);
	PQclear(res);
	return ok ? PERR_OK : req_fail(r, PERR_NOT_FOUND, NULL, "委员不存在");
}

/* PUT /committee/members/:id */
enum perr
h_member_update(struct req *r)
{
	PGresult *res = NULL;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_MEMBER_UPDATE], &res, 4, DB_I(r->id), DB_I(r->s.org_id),
	    DB_S(r->f[MU_SPECIALTY].s), DB_S(r->f[MU_EMPLOYER].s))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "委员不存在");
		goto fail;
	}
	if ((e = account_set(r, r->f[MU_NAME].s, r->f[MU_MOBILE].s, NULL)) != PERR_OK ||
	    (e = req_audit(r, "member_update", "user", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return h_committee(r);
fail:
	PQclear(res);
	db_rollback();
	return e;
}

enum { MD_DISABLED };

const struct field member_disable_fields[] = {
	[MD_DISABLED] = { "disabled", "停用", F_BOOL, true, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST /committee/members/:id/disable {disabled}: a member leaves the
 * committee (not counted, cannot log in) or comes back. */
enum perr
h_member_disable(struct req *r)
{
	bool off = r->f[MD_DISABLED].b;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = account_set(r, NULL, NULL, off ? "true" : "false")) != PERR_OK ||
	    (e = req_audit(r, off ? "member_disable" : "member_enable", "user", r->id, NULL)) !=
	    PERR_OK || (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	return h_committee(r);
}

/* POST /committee/members/:id/password: a new password, shown once; told to
 * the member. Not while a ballot the member is on is open: the office, which
 * opens and closes it, would hold the member's secret vote. */
enum perr
h_member_password(struct req *r)
{
	PGresult *res;
	char pw[24];
	bool found, voting;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK ||
	    (e = db_run(&st[CM_MEMBER_FIND], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	found = PQntuples(res) == 1;
	voting = found && db_bool(res, 0, 0);
	PQclear(res);
	if (!found)
		return req_fail(r, PERR_NOT_FOUND, NULL, "委员不存在");
	if (voting)
		return req_fail(r, PERR_CONFLICT, NULL, "该委员参加的评审会议正在投票，投票结束前不能重置其密码；"
		    "委员忘记密码的，可在登录页点击“忘记密码”，用本人手机号码接收验证码重置");
	if ((e = account_reset(r, r->s.org_id, r->id, pw, sizeof(pw))) != PERR_OK)
		return e;
	cJSON_AddStringToObject(req_out(r), "password", pw);
	explicit_bzero(pw, sizeof(pw));
	return PERR_OK;
}

/* ---------------------------------------------------------------- meetings */

/* The fields of an application on an agenda or waiting for one (APP_COLS). */
static void
add_app(cJSON *o, const PGresult *res, int i)
{
	char masked[32];

	cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
	cJSON_AddStringToObject(o, "applicant", db_str(res, i, 1));
	cJSON_AddStringToObject(o, "idcard", mask_id(db_str(res, i, 2), masked, sizeof(masked)));
	cJSON_AddStringToObject(o, "unit", db_str(res, i, 3));
	cJSON_AddStringToObject(o, "plan", db_str(res, i, 4));
	cJSON_AddNumberToObject(o, "step", (double)db_int(res, i, 5));
	cJSON_AddStringToObject(o, "step_name", db_str(res, i, 6));
	cJSON_AddStringToObject(o, "specialty", db_str(res, i, 7));
}

/* GET /meetings: the meetings, and the applications waiting for a ballot. */
enum perr
h_meetings(struct req *r)
{
	PGresult *res;
	cJSON *arr;
	int i;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK ||
	    (e = db_run(&st[CM_LIST], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "meetings");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		committee_meeting_head(o, res, i);
		cJSON_AddNumberToObject(o, "items", (double)db_int(res, i, 5));
		cJSON_AddNumberToObject(o, "carried", (double)db_int(res, i, 6));
		/* closed, and still held at the step: 按表决结果办理 is due */
		cJSON_AddNumberToObject(o, "unsettled", (double)db_int(res, i, 7));
		/* not carried, waiting at the publication for their 不通过 (sql/084) */
		cJSON_AddNumberToObject(o, "unpublished", (double)db_int(res, i, 8));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	if ((e = db_run(&st[CM_WAITING], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "waiting");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		add_app(o, res, i);
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

/* The agenda of meeting r->id as the office sees it. */
static enum perr
agenda_json(struct req *r, cJSON *arr)
{
	PGresult *res;
	int i;
	enum perr e;

	if ((e = committee_agenda(r, &res)) != PERR_OK)
		return e;
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject(), *rec = cJSON_Parse(db_str(res, i, 15));
		bool closed = db_str(res, i, 12) != NULL;

		add_app(o, res, i);
		cJSON_AddNumberToObject(o, "voted", (double)db_int(res, i, 13));
		cJSON_AddBoolToObject(o, "here", db_bool(res, i, 14));
		cJSON_AddBoolToObject(o, "deferred", db_bool(res, i, 16));
		cJSON_AddBoolToObject(o, "to_publish", db_bool(res, i, 17));
		cJSON_AddBoolToObject(o, "awaiting_publication", db_bool(res, i, 18));
		/* the application's state now (in_review, rejected, completed…) */
		cJSON_AddStringToObject(o, "state", db_str(res, i, 19));
		cJSON_AddItemToObject(o, "recused", rec ? rec : cJSON_CreateArray());
		if (closed) {
			cJSON_AddNumberToObject(o, "eligible", (double)db_int(res, i, 8));
			cJSON_AddNumberToObject(o, "agree", (double)db_int(res, i, 9));
			cJSON_AddNumberToObject(o, "disagree", (double)db_int(res, i, 10));
			cJSON_AddNumberToObject(o, "abstain", (double)db_int(res, i, 11));
			cJSON_AddBoolToObject(o, "carried", db_bool(res, i, 12));
			/* no vote at all: nothing decided, the application waits for another meeting */
			cJSON_AddBoolToObject(o, "unvoted", db_int(res, i, 9) + db_int(res, i, 10) +
			    db_int(res, i, 11) == 0);
		} else
			cJSON_AddNullToObject(o, "carried");
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

/* GET /meetings/:id: the meeting, its members present or not, its agenda
 * with recusals, and after the ballot its tally. */
enum perr
h_meeting(struct req *r)
{
	PGresult *res;
	cJSON *arr;
	int i;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK || (e = committee_meeting(r, &res)) != PERR_OK)
		return e;
	committee_meeting_json(cJSON_AddObjectToObject(req_out(r), "meeting"), res, 0);
	PQclear(res);
	if ((e = committee_roster(r, &res)) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "members");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(o, "name", db_str(res, i, 1));
		cJSON_AddStringToObject(o, "specialty", db_str(res, i, 2));
		cJSON_AddStringToObject(o, "employer", db_str(res, i, 3));
		cJSON_AddBoolToObject(o, "present", db_bool(res, i, 4));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return agenda_json(r, cJSON_AddArrayToObject(req_out(r), "agenda"));
}

enum { MT_TITLE, MT_STARTS_AT, MT_PLACE };

const struct field meeting_fields[] = {
	[MT_TITLE] = { "title", "会议名称", F_STR, true, 1, 60, NULL, NULL },
	[MT_STARTS_AT] = { "starts_at", "会议时间", F_STR, true, 16, 16, valid_minute,
	    "会议时间应为日期和时间，如 2023-05-08 14:30" },
	[MT_PLACE] = { "place", "会议地点", F_STR, true, 1, 200, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static enum perr
bad_time(struct req *r)
{
	return req_fail(r, PERR_INVALID_FIELD, "starts_at",
	    "会议时间应为今天起一年内的有效日期和时间");
}

/* Tells the committee's members at work (SMS) what fmt says. */
static enum perr
tell_members(struct req *r, const char *fmt, ...)
{
	va_list ap;
	char *text;
	enum perr e;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return PERR_INTERNAL;
	e = db_run(&st[CM_TELL], NULL, 2, DB_I(r->s.org_id), DB_S(text));
	free(text);
	return e;
}

/* POST /meetings: a new meeting, today or later; the members are told when and where. */
enum perr
h_meeting_create(struct req *r)
{
	PGresult *res = NULL;
	long long id;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK || (e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_CREATE], &res, 5, DB_I(r->s.org_id), DB_S(r->f[MT_TITLE].s),
	    DB_S(r->f[MT_STARTS_AT].s), DB_S(r->f[MT_PLACE].s), DB_I(r->s.user_id))) != PERR_OK) {
		db_rollback();
		return e == PERR_INVALID_FIELD ? bad_time(r) : e;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback();
		return bad_time(r);
	}
	id = db_int(res, 0, 0);
	PQclear(res);
	if ((e = tell_members(r, "【职称申报】%s定于 %s 在%s召开“%s”，请准时出席；议程与表决请登录平台查看。",
	    r->s.org_name, r->f[MT_STARTS_AT].s, r->f[MT_PLACE].s, r->f[MT_TITLE].s)) != PERR_OK ||
	    (e = req_audit(r, "meeting_create", "committee_meeting", id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	cJSON_AddNumberToObject(req_out(r), "id", (double)id);
	r->status = 201;
	return PERR_OK;
}

/* The refusal of a change to a meeting whose ballot opened (or none at all). */
static enum perr
not_planned(struct req *r)
{
	PGresult *res;
	enum perr e;

	if ((e = committee_meeting(r, &res)) != PERR_OK)
		return e;
	PQclear(res);
	return req_fail(r, PERR_CONFLICT, NULL, "评审会议已开始投票，不能再修改");
}

/* PUT /meetings/:id: title, time and place, before the ballot opens. */
enum perr
h_meeting_update(struct req *r)
{
	PGresult *res;
	bool moved;
	int n;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK)
		return e;
	if ((e = committee_meeting(r, &res)) != PERR_OK)
		return e;
	n = strcmp(db_str(res, 0, 4), "planned") == 0;
	PQclear(res);
	if (!n)
		return not_planned(r);
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_UPDATE], &res, 5, DB_I(r->id), DB_I(r->s.org_id),
	    DB_S(r->f[MT_TITLE].s), DB_S(r->f[MT_STARTS_AT].s), DB_S(r->f[MT_PLACE].s))) != PERR_OK) {
		db_rollback();
		return e == PERR_INVALID_FIELD ? bad_time(r) : e;
	}
	n = PQntuples(res);
	moved = n == 1 && db_bool(res, 0, 1);
	PQclear(res);
	if (n != 1) {
		db_rollback();
		return bad_time(r);
	}
	/* a title put right is nobody's news */
	if ((moved && (e = tell_members(r, "【职称申报】%s的“%s”现定于 %s 在%s召开，请以此为准。",
	    r->s.org_name, r->f[MT_TITLE].s, r->f[MT_STARTS_AT].s, r->f[MT_PLACE].s)) != PERR_OK) ||
	    (e = req_audit(r, "meeting_update", "committee_meeting", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	return h_meeting(r);
}

/* DELETE /meetings/:id: a meeting whose ballot has not opened is cancelled,
 * with its agenda, attendance and recusals. */
enum perr
h_meeting_delete(struct req *r)
{
	PGresult *res;
	int n;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_DELETE], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK) {
		db_rollback();
		return committee_refused(r, e);
	}
	if ((n = PQntuples(res)) == 1)
		e = tell_members(r, "【职称申报】%s原定于 %s 召开的“%s”已取消。", r->s.org_name,
		    db_str(res, 0, 2), db_str(res, 0, 1));
	PQclear(res);
	if (n != 1) {
		db_rollback();
		return not_planned(r);
	}
	if (e != PERR_OK || (e = req_audit(r, "meeting_delete", "committee_meeting", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		return e;
	}
	return PERR_OK;
}

/* The meeting r->id is ours and its ballot has not opened. */
static enum perr
planned(struct req *r)
{
	PGresult *res;
	bool ok;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK || (e = committee_meeting(r, &res)) != PERR_OK)
		return e;
	ok = strcmp(db_str(res, 0, 4), "planned") == 0;
	PQclear(res);
	return ok ? PERR_OK : req_fail(r, PERR_CONFLICT, NULL, "评审会议已开始投票，不能再修改");
}

enum { AG_ITEMS };

const struct field meeting_agenda_fields[] = {
	[AG_ITEMS] = { "items", "申报", F_ARRAY, true, 1, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* Each item of a JSON array is an id. */
static bool
ids(const cJSON *arr)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr)
		if (!cJSON_IsNumber(it) || it->valuedouble < 1 ||
		    it->valuedouble > (double)(1LL << 50) ||
		    it->valuedouble != (double)(long long)it->valuedouble)
			return false;
	return true;
}

/* An audit row of application app for what was done at meeting r->id (its
 * agenda, a recusal): the meeting in the detail. */
static enum perr
audit_meeting(struct req *r, const char *action, long long app)
{
	cJSON *detail = cJSON_CreateObject();
	enum perr e;

	cJSON_AddNumberToObject(detail, "meeting", (double)r->id);
	e = req_audit(r, action, "application", app, detail);
	cJSON_Delete(detail);
	return e;
}

/* One application onto the agenda, in its own transaction, the application locked. */
static enum perr
agenda_one(struct req *r, long long app, char *msg, size_t msgsz)
{
	struct gate_state g[GATES_MAX];
	PGresult *res = NULL;
	int n, k;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_LOCK], NULL, 1, DB_I(app))) != PERR_OK ||
	    (e = db_run(&st[CM_APP], &res, 2, DB_I(app), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = PERR_CONFLICT;
		snprintf(msg, msgsz, "该申报不在本评委会的评审表决环节");
		goto fail;
	}
	if (db_bool(res, 0, 1)) {
		e = PERR_CONFLICT;
		snprintf(msg, msgsz, "该申报已列入评审会议“%s”的议程", db_str(res, 0, 2));
		goto fail;
	}
	/* what else the step waits for (初级 ③'s fee) is met before the vote: a ballot
	 * whose result is published later hands the application on at once, which
	 * an unpaid fee would hold at the step with nothing left to do (a review) */
	if ((e = gates_eval(app, g, GATES_MAX, &n)) != PERR_OK)
		goto fail;
	for (k = 0; k < n && (g[k].met || strcmp(g[k].name, "vote") == 0); k++)
		;
	if (k < n) {
		e = PERR_CONFLICT;
		snprintf(msg, msgsz, "%s，暂不能列入会议议程", g[k].text);
		goto fail;
	}
	if ((e = db_run(&st[CM_ADD], NULL, 4, DB_I(r->id), DB_I(app), DB_I(db_int(res, 0, 0)),
	    DB_I(r->s.user_id))) != PERR_OK ||
	    (e = audit_meeting(r, "meeting_agenda_add", app)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	if (e == PERR_GATE)
		(void)db_take_message(msg, msgsz);
	return e;
}

/* POST /meetings/:id/agenda {items: [application ids]}: each on its own; one
 * refused does not stop the others. */
enum perr
h_meeting_agenda(struct req *r)
{
	const cJSON *it;
	cJSON *results;
	int ok = 0, failed = 0;
	enum perr e;

	if (!ids(r->f[AG_ITEMS].a))
		return req_fail(r, PERR_INVALID_FIELD, "items", "所选申报的格式不正确");
	if ((e = planned(r)) != PERR_OK)
		return e;
	results = cJSON_AddArrayToObject(req_out(r), "results");
	cJSON_ArrayForEach(it, r->f[AG_ITEMS].a) {
		long long app = (long long)it->valuedouble;
		char msg[256] = "";

		e = agenda_one(r, app, msg, sizeof(msg));
		(void)review_result(results, app, e, msg);
		if (e == PERR_OK)
			ok++;
		else
			failed++;
		if (e == PERR_UNAVAILABLE)
			break;
	}
	cJSON_AddNumberToObject(req_out(r), "added", ok);
	cJSON_AddNumberToObject(req_out(r), "failed", failed);
	return PERR_OK;
}

/* DELETE /meetings/:id/agenda/:id: off the agenda, before the ballot opens. */
enum perr
h_meeting_unagenda(struct req *r)
{
	PGresult *res;
	int n;
	enum perr e;

	if ((e = planned(r)) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_REMOVE], &res, 3, DB_I(r->id), DB_I(r->s.org_id), DB_I(r->id2))) !=
	    PERR_OK)
		return committee_refused(r, e);
	n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return req_fail(r, PERR_NOT_FOUND, NULL, "该申报不在本次会议议程中");
	return audit_meeting(r, "meeting_agenda_remove", r->id2);
}

enum { AT_PRESENT };

const struct field meeting_attendance_fields[] = {
	[AT_PRESENT] = { "present", "出席委员", F_ARRAY, true, 0, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* Whether an id is in the array before position end. */
static bool
seen(const cJSON *arr, const cJSON *end)
{
	const cJSON *it;

	for (it = arr->child; it != NULL && it != end; it = it->next)
		if (it->valuedouble == end->valuedouble)
			return true;
	return false;
}

/* PUT /meetings/:id/attendance {present: [member ids]}: who is present; the
 * others are absent. Before the ballot opens. */
enum perr
h_meeting_attendance(struct req *r)
{
	const cJSON *it, *arr = r->f[AT_PRESENT].a;
	PGresult *res;
	enum perr e;

	if (!ids(arr))
		return req_fail(r, PERR_INVALID_FIELD, "present", "出席委员的格式不正确");
	cJSON_ArrayForEach(it, arr)
		if (seen(arr, it))
			return req_fail(r, PERR_INVALID_FIELD, "present", "出席委员重复");
	if ((e = planned(r)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_ABSENT_ALL], NULL, 1, DB_I(r->id))) != PERR_OK)
		goto fail;
	cJSON_ArrayForEach(it, arr) {
		int n;

		if ((e = db_run(&st[CM_PRESENT], &res, 4, DB_I(r->id), DB_I(r->s.org_id),
		    DB_I((long long)it->valuedouble), DB_I(r->s.user_id))) != PERR_OK)
			goto fail;
		n = PQntuples(res);
		PQclear(res);
		if (n != 1) {
			e = req_fail(r, PERR_INVALID_FIELD, "present", "所选委员不是本评委会的在任委员");
			goto fail;
		}
	}
	if ((e = req_audit(r, "meeting_attendance", "committee_meeting", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	return h_meeting(r);
fail:
	db_rollback();
	return committee_refused(r, e);
}

/*
 * Member withdraws from application app of meeting r->id (回避), declared by
 * the office or by the member: before the ballot closes and before they
 * voted on it (a vote cast stays counted).
 */
enum perr
committee_recuse(struct req *r, long long app, long long member, const char *reason)
{
	PGresult *res = NULL;
	const char *why = NULL;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	/* then read, in a statement of its own: after the lock, what was done before it */
	if ((e = db_run(&st[CM_RECUSE_LOCK], NULL, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK ||
	    (e = db_run(&st[CM_RECUSE_ROW], &res, 4, DB_I(r->id), DB_I(app), DB_I(member),
	    DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "评审会议不存在");
		goto fail;
	}
	if (strcmp(db_str(res, 0, 0), "closed") == 0)
		why = "投票已经结束，不能再登记回避";
	else if (!db_bool(res, 0, 1) || !db_bool(res, 0, 2)) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, !db_bool(res, 0, 1) ?
		    "该申报不在本次会议议程中" : "委员不存在");
		goto fail;
	} else if (db_bool(res, 0, 3))
		why = "已对该申报投票，不能再登记回避";
	else if (db_bool(res, 0, 4))
		why = "已登记回避";
	if (why != NULL) {
		e = req_fail(r, PERR_CONFLICT, NULL, "%s", why);
		goto fail;
	}
	if ((e = db_run(&st[CM_RECUSE], NULL, 5, DB_I(r->id), DB_I(app), DB_I(member),
	    DB_S(reason), DB_I(r->s.user_id))) != PERR_OK ||
	    (e = audit_meeting(r, "meeting_recusal", app)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return committee_refused(r, e);
}

enum { RC_APP, RC_MEMBER, RC_REASON };

const struct field meeting_recusal_fields[] = {
	[RC_APP] = { "application", "申报", F_INT, true, 1, 1LL << 50, NULL, NULL },
	[RC_MEMBER] = { "member", "委员", F_INT, true, 1, 1LL << 50, NULL, NULL },
	[RC_REASON] = { "reason", "回避理由", F_STR, true, 1, 200, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST /meetings/:id/recusals {application, member, reason} */
enum perr
h_meeting_recusal(struct req *r)
{
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK ||
	    (e = committee_recuse(r, r->f[RC_APP].i, r->f[RC_MEMBER].i, r->f[RC_REASON].s)) !=
	    PERR_OK)
		return e;
	return h_meeting(r);
}

const struct field meeting_withdraw_fields[] = {
	[RC_APP] = { "application", "申报", F_INT, true, 1, 1LL << 50, NULL, NULL },
	[RC_MEMBER] = { "member", "委员", F_INT, true, 1, 1LL << 50, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST /meetings/:id/recusals/withdraw {application, member}: a declared
 * recusal taken back, before the ballot opens (a same-employer one stays). */
enum perr
h_meeting_withdraw(struct req *r)
{
	PGresult *res;
	int n;
	enum perr e;

	if ((e = planned(r)) != PERR_OK)
		return e;
	if ((e = db_run(&st[CM_WITHDRAW], &res, 4, DB_I(r->id), DB_I(r->s.org_id),
	    DB_I(r->f[RC_APP].i), DB_I(r->f[RC_MEMBER].i))) != PERR_OK)
		return committee_refused(r, e);
	n = PQntuples(res);
	PQclear(res);
	if (n != 1)
		return req_fail(r, PERR_NOT_FOUND, NULL, "没有该委员对该申报登记的回避");
	if ((e = audit_meeting(r, "meeting_recusal_withdraw", r->f[RC_APP].i)) !=
	    PERR_OK)
		return e;
	return h_meeting(r);
}
