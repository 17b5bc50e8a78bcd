-- 040_ballot_on_time.sql: a committee's ballot opens at the meeting's time, not before.
--
-- The office could open the ballot of a meeting set for three days later and
-- settle it the same minute: the minutes then read 会议时间 2026-12-03 14:30
-- (投票 2026-11-30 02:58 至 02:59), an official record of a meeting held
-- before it was called. A meeting held earlier than planned is moved to its
-- real time first (修改会议, audited), then opened. ballot_open() as in
-- sql/013, with that check after the state's.
CREATE OR REPLACE FUNCTION ballot_open(p_meeting bigint, p_user bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	m committee_meeting%ROWTYPE := ballot_meeting(p_meeting, true);
	r record;
	n_roster bigint[];
	n_present int;
	gone text;
BEGIN
	PERFORM ballot_office(m.org_id, p_user, '开始投票');
	IF m.state <> 'planned' THEN
		RAISE EXCEPTION '%', CASE m.state WHEN 'open' THEN '投票已经开始' ELSE '投票已经结束' END
			USING ERRCODE = 'ZCB04';
	END IF;
	IF m.starts_at > now() THEN
		RAISE EXCEPTION '会议时间（%）未到，不能开始投票；会议提前举行的，请先将会议时间修改为实际时间',
			to_char(m.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')
			USING ERRCODE = 'ZCB19';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM meeting_agenda WHERE meeting_id = p_meeting) THEN
		RAISE EXCEPTION '议程中没有申报，不能开始投票' USING ERRCODE = 'ZCB05';
	END IF;
	SELECT string_agg(u.name, '、') INTO gone FROM meeting_agenda ag
	JOIN application a ON a.id = ag.application_id JOIN app_user u ON u.id = a.applicant_id
	WHERE ag.meeting_id = p_meeting AND NOT (a.state = 'in_review' AND a.step_seq = ag.step_seq
		AND a.current_org_id = m.org_id);
	IF gone IS NOT NULL THEN
		RAISE EXCEPTION '议程中的申报（%）已不在本环节，请先移出议程', gone USING ERRCODE = 'ZCB06';
	END IF;
	SELECT coalesce(array_agg(cm.user_id ORDER BY cm.user_id), '{}') INTO n_roster
	FROM committee_member cm JOIN app_user u ON u.id = cm.user_id
	WHERE cm.org_id = m.org_id AND u.disabled_at IS NULL;
	SELECT count(*) INTO n_present FROM meeting_attendance ma JOIN app_user u ON u.id = ma.member_id
	WHERE ma.meeting_id = p_meeting AND u.disabled_at IS NULL;
	SELECT * INTO r FROM committee_rule(m.org_id);
	IF cardinality(n_roster) = 0
	    OR n_present * r.quorum_den < cardinality(n_roster) * r.quorum_num THEN
		RAISE EXCEPTION '出席 % 人，未达到法定人数（委员 % 人的 %/%，至少 % 人），不能开始投票',
			n_present, cardinality(n_roster), r.quorum_num, r.quorum_den,
			(cardinality(n_roster) * r.quorum_num + r.quorum_den - 1) / r.quorum_den
			USING ERRCODE = 'ZCB07';
	END IF;
	UPDATE committee_meeting SET state = 'open', roster = n_roster,
		members = cardinality(n_roster), present = n_present,
		quorum_num = r.quorum_num, quorum_den = r.quorum_den, pass_num = r.pass_num,
		pass_den = r.pass_den, opened_by = p_user, opened_at = now()
	WHERE id = p_meeting;
	INSERT INTO ballot_tally (meeting_id, application_id)
	SELECT meeting_id, application_id FROM meeting_agenda WHERE meeting_id = p_meeting;
END
$$;
