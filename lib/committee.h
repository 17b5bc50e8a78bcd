/*
 * committee.h: 评审会议, the meetings of the committees of the chains (the
 * county 初评委 in the county program, the city 中评委 and 初级评委会 in the
 * city program) and their secret ballot. committee.c: the committee office's
 * members, rules and meetings (agenda, attendance, recusals); ballot.c: the
 * ballot (open, vote, close), its result carried out (按表决结果办理) and a
 * member's own pages; minutes.c: the printable 会议纪要.
 * COMMITTEE_ROUTES in a route table gives a program all of it.
 */
#ifndef COMMITTEE_H
#define COMMITTEE_H

#include "portal.h"

/* committee.c, for the office (a regular account of a committee organisation) */
PORTAL_API extern const struct field committee_rule_fields[];
PORTAL_API extern const struct field member_fields[];
PORTAL_API extern const struct field member_update_fields[];
PORTAL_API extern const struct field member_disable_fields[];
PORTAL_API extern const struct field meeting_fields[];
PORTAL_API extern const struct field meeting_agenda_fields[];
PORTAL_API extern const struct field meeting_attendance_fields[];
PORTAL_API extern const struct field meeting_recusal_fields[];
PORTAL_API extern const struct field meeting_withdraw_fields[];
PORTAL_API enum perr h_committee(struct req *);
PORTAL_API enum perr h_committee_rule(struct req *);
PORTAL_API enum perr h_member_add(struct req *);
PORTAL_API enum perr h_member_update(struct req *);
PORTAL_API enum perr h_member_disable(struct req *);
PORTAL_API enum perr h_member_password(struct req *);
PORTAL_API enum perr h_meetings(struct req *);
PORTAL_API enum perr h_meeting(struct req *);
PORTAL_API enum perr h_meeting_create(struct req *);
PORTAL_API enum perr h_meeting_update(struct req *);
PORTAL_API enum perr h_meeting_delete(struct req *);
PORTAL_API enum perr h_meeting_agenda(struct req *);
PORTAL_API enum perr h_meeting_unagenda(struct req *);
PORTAL_API enum perr h_meeting_attendance(struct req *);
PORTAL_API enum perr h_meeting_recusal(struct req *);
PORTAL_API enum perr h_meeting_withdraw(struct req *);

/* not carried by meeting m (ag its agenda row), held at the step that
 * publishes the result: to be rejected when the results are published (sql/084) */
#define TO_PUBLISH \
	" AND NOT ag.carried AND a.state = 'in_review' AND a.current_org_id = m.org_id" \
	" AND EXISTS (SELECT 1 FROM step_gate g WHERE g.pipeline_id = a.pipeline_id" \
	" AND g.seq = a.step_seq AND g.gate = 'carried')" \
	" AND (SELECT b.meeting_id FROM ballot_to_publish(a.id) b) = ag.meeting_id"

/* carried by meeting ag.meeting_id where a later step publishes the result, and
 * not published yet: still before that step, or there without its results 公示
 * begun (the not carried are told when the results are published: a review) */
#define AWAITING_PUBLICATION \
	" ag.carried AND a.state = 'in_review' AND vote_deferred(a.pipeline_id, ag.step_seq)" \
	" AND (a.step_seq < (SELECT min(g.seq) FROM step_gate g WHERE g.pipeline_id = a.pipeline_id" \
	"  AND g.seq > ag.step_seq AND g.gate = 'carried') OR NOT EXISTS (SELECT 1 FROM publicity pb" \
	"  JOIN step_gate g ON g.pipeline_id = a.pipeline_id AND g.seq = pb.step_seq AND g.gate = 'carried'" \
	"  WHERE pb.application_id = a.id AND pb.step_seq = a.step_seq AND pb.starts_on <= current_date" \
	"  AND pb.created_at >= coalesce(step_arrival(a.id), '-infinity')))"

/* ballot.c: the office opens and closes the ballot and carries out its result */
PORTAL_API enum perr h_ballot_open(struct req *);
PORTAL_API enum perr h_ballot_close(struct req *);
PORTAL_API enum perr h_ballot_settle(struct req *);
PORTAL_API enum perr h_ballot_publish(struct req *);
/* minutes.c */
PORTAL_API enum perr h_minutes(struct req *);

/* ballot.c: a member's own meetings, ballot screen, vote, recusal and the
 * 评审表 of an application on the agenda (R_MEMBER routes) */
PORTAL_API extern const struct field ballot_vote_fields[];
PORTAL_API extern const struct field ballot_recuse_fields[];
PORTAL_API enum perr h_ballots(struct req *);
PORTAL_API enum perr h_ballot(struct req *);
PORTAL_API enum perr h_ballot_vote(struct req *);
PORTAL_API enum perr h_ballot_recuse(struct req *);
PORTAL_API enum perr h_ballot_form(struct req *);

/* What the office and the members share (committee.c). */
/* PERR_OK when the session is the office of a committee: a regular account
 * of an organisation of kind committee_junior or committee_mid; else 403. */
PORTAL_API enum perr committee_office(struct req *);
/* The meeting r->id of the session's committee into *res (PQclear it):
 * id, title, starts_at, place, state, members, present, quorum_num,
 * quorum_den, pass_num, pass_den, opened_at, closed_at; 404 when none. */
PORTAL_API enum perr committee_meeting(struct req *, PGresult **res);
#define MEETING_NCOLS 13
/* The members of meeting r->id's committee: the active ones until its ballot
 * opens, then those it opened with: id, name, specialty, employer, present.
 * PQclear *res. */
PORTAL_API enum perr committee_roster(struct req *, PGresult **res);
/* The agenda of meeting r->id: id, applicant, 身份证号, unit, plan, step,
 * step name, 申报专业, then eligible, agree, disagree, abstain, carried (NULL
 * before the ballot closed), how many voted, whether it is still held at its
 * step, the recusals as JSON text [{member, name, reason, declared}]. */
PORTAL_API enum perr committee_agenda(struct req *, PGresult **res);
/* Adds the meeting's fields (a row of committee_meeting()) to o; _head only
 * the first five (id, title, starts_at, place, state) and the state's name. */
PORTAL_API void committee_meeting_json(cJSON *o, const PGresult *res, int row);
PORTAL_API void committee_meeting_head(cJSON *o, const PGresult *res, int row);
/* Appends {id, ok, code, message} of one item of a batch to results (a
 * failure's message: msg, or the error's own); returns that object, owned
 * by results. */
/* The message of a refusal the database states (SQLSTATE ZCB…, sql/013) as
 * the reply: 404 for no meeting, 403 for no member or office, else 409. */
PORTAL_API enum perr committee_refused(struct req *, enum perr e);
/* Member withdraws from application app of meeting r->id (回避), declared by
 * the session's person (the office, or the member); the reason is stated. */
PORTAL_API enum perr committee_recuse(struct req *, long long app, long long member,
    const char *reason);
/* A time of day as the pages show it. */
#define COMMITTEE_TS(x) "to_char(" x " AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"

#define COMMITTEE_ROUTES \
	{ M_GET, "/committee", 0, NULL, h_committee }, \
	{ M_PUT, "/committee", 0, committee_rule_fields, h_committee_rule }, \
	{ M_POST, "/committee/members", 0, member_fields, h_member_add }, \
	{ M_PUT, "/committee/members/:id", 0, member_update_fields, h_member_update }, \
	{ M_POST, "/committee/members/:id/disable", 0, member_disable_fields, h_member_disable }, \
	{ M_POST, "/committee/members/:id/password", 0, NULL, h_member_password }, \
	{ M_GET, "/meetings", 0, NULL, h_meetings }, \
	{ M_POST, "/meetings", 0, meeting_fields, h_meeting_create }, \
	{ M_GET, "/meetings/:id", 0, NULL, h_meeting }, \
	{ M_PUT, "/meetings/:id", 0, meeting_fields, h_meeting_update }, \
	{ M_DELETE, "/meetings/:id", 0, NULL, h_meeting_delete }, \
	{ M_POST, "/meetings/:id/agenda", 0, meeting_agenda_fields, h_meeting_agenda }, \
	{ M_DELETE, "/meetings/:id/agenda/:id", 0, NULL, h_meeting_unagenda }, \
	{ M_PUT, "/meetings/:id/attendance", 0, meeting_attendance_fields, h_meeting_attendance }, \
	{ M_POST, "/meetings/:id/recusals", 0, meeting_recusal_fields, h_meeting_recusal }, \
	{ M_POST, "/meetings/:id/recusals/withdraw", 0, meeting_withdraw_fields, h_meeting_withdraw }, \
	{ M_POST, "/meetings/:id/open", 0, NULL, h_ballot_open }, \
	{ M_POST, "/meetings/:id/close", 0, NULL, h_ballot_close }, \
	{ M_POST, "/meetings/:id/settle", 0, NULL, h_ballot_settle }, \
	{ M_POST, "/meetings/:id/publish", 0, NULL, h_ballot_publish }, \
	{ M_GET, "/meetings/:id/minutes.xhtml", 0, NULL, h_minutes }, \
	{ M_GET, "/ballots", R_MEMBER, NULL, h_ballots }, \
	{ M_GET, "/ballots/:id", R_MEMBER, NULL, h_ballot }, \
	{ M_POST, "/ballots/:id/vote", R_MEMBER, ballot_vote_fields, h_ballot_vote }, \
	{ M_POST, "/ballots/:id/recuse", R_MEMBER, ballot_recuse_fields, h_ballot_recuse }, \
	{ M_GET, "/ballots/:id/applications/:id/form.xhtml", R_MEMBER, NULL, h_ballot_form }

#endif
