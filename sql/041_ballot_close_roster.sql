-- 041_ballot_close_roster.sql: the pass threshold's denominator counts the
-- members the ballot opened with.
--
-- ballot_open() counts as present only the attending members whose accounts
-- are active (a member disabled after attendance was recorded is neither in
-- the roster nor present), but ballot_close() counted every attendance row:
-- 9 members, 7 recorded present, one of them disabled, the ballot opened with
-- 8 members and 6 present, and 4 of 6 agreeing (2/3) came out 4 of 7, not
-- carried. Now an attendance row counts only for a member of the roster the
-- ballot opened with (committee_meeting.roster, set whenever it is open).
-- ballot_close() as in sql/013 otherwise.
CREATE OR REPLACE FUNCTION ballot_close(p_meeting bigint, p_user bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	m committee_meeting%ROWTYPE := ballot_meeting(p_meeting, true);
BEGIN
	PERFORM ballot_office(m.org_id, p_user, '结束投票');
	IF m.state <> 'open' THEN
		RAISE EXCEPTION '%', CASE m.state WHEN 'planned' THEN '投票尚未开始' ELSE '投票已经结束' END
			USING ERRCODE = 'ZCB04';
	END IF;
	UPDATE meeting_agenda ag SET eligible = e.n, agree = t.agree, disagree = t.disagree,
		abstain = t.abstain, carried = e.n > 0 AND t.agree * m.pass_den >= e.n * m.pass_num
	FROM ballot_tally t, LATERAL (SELECT count(*)::int AS n FROM meeting_attendance ma
		WHERE ma.meeting_id = p_meeting AND ma.member_id = ANY (m.roster)
		AND (NOT meeting_recused(p_meeting, t.application_id, ma.member_id)
		OR EXISTS (SELECT 1 FROM ballot_cast c WHERE c.meeting_id = p_meeting
		AND c.application_id = t.application_id AND c.member_id = ma.member_id))) e
	WHERE t.meeting_id = p_meeting AND ag.meeting_id = p_meeting
		AND ag.application_id = t.application_id;
	DELETE FROM ballot_tally WHERE meeting_id = p_meeting;
	UPDATE committee_meeting SET state = 'closed', closed_by = p_user, closed_at = now()
	WHERE id = p_meeting;
END
$$;
