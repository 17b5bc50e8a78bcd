-- 060_meeting_locks.sql: a meeting's agenda, attendance and recusals wait for its ballot to open.
--
-- meeting_frozen() (sql/013) read the meeting's state with a plain SELECT. An application
-- added to the agenda while 开始投票 ran could commit after ballot_open() had counted the
-- agenda: the meeting opened with the application on its agenda and no tally of it, its
-- members' votes were taken and counted nowhere, and it could go on no meeting again (the
-- concurrency probe). The trigger now reads the meeting FOR SHARE: a change waits for an
-- opening under way and is then refused (评审会议已开始投票), and an opening waits for a
-- change under way and then counts it. cast_vote() (sql/013) also refuses a vote it has no
-- tally to count in, instead of taking it silently.
CREATE OR REPLACE FUNCTION meeting_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	s text;
BEGIN
	IF TG_TABLE_NAME = 'committee_meeting' THEN
		s := OLD.state;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT state INTO s FROM committee_meeting WHERE id = OLD.meeting_id FOR SHARE;
	ELSE
		SELECT state INTO s FROM committee_meeting WHERE id = NEW.meeting_id FOR SHARE;
	END IF;
	-- a meeting being deleted takes its rows with it
	IF s IS NULL OR s = 'planned' OR (TG_TABLE_NAME = 'meeting_recusal' AND TG_OP = 'INSERT'
	    AND s = 'open') THEN
		RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
	END IF;
	RAISE EXCEPTION '评审会议已开始投票，不能再修改' USING ERRCODE = 'ZCB20';
END
$$;

CREATE OR REPLACE FUNCTION cast_vote(p_meeting bigint, p_app bigint, p_member bigint, p_choice text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	m committee_meeting%ROWTYPE := ballot_meeting(p_meeting, false);
BEGIN
	IF NOT EXISTS (SELECT 1 FROM committee_member cm JOIN app_user u ON u.id = cm.user_id
	    WHERE cm.user_id = p_member AND cm.org_id = m.org_id AND u.kind = 'committee_member'
	    AND u.disabled_at IS NULL) THEN
		RAISE EXCEPTION '您不是本评委会的委员' USING ERRCODE = 'ZCB10';
	END IF;
	IF m.state = 'planned' THEN
		RAISE EXCEPTION '投票尚未开始' USING ERRCODE = 'ZCB11';
	ELSIF m.state = 'closed' THEN
		RAISE EXCEPTION '投票已经结束，不能再投票' USING ERRCODE = 'ZCB12';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM meeting_attendance WHERE meeting_id = p_meeting
	    AND member_id = p_member) THEN
		RAISE EXCEPTION '您未登记出席本次会议，不能投票' USING ERRCODE = 'ZCB13';
	END IF;
	IF m.present * m.quorum_den < m.members * m.quorum_num THEN
		RAISE EXCEPTION '出席人数未达到法定人数，不能投票' USING ERRCODE = 'ZCB14';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM meeting_agenda WHERE meeting_id = p_meeting
	    AND application_id = p_app) THEN
		RAISE EXCEPTION '该申报不在本次会议议程中' USING ERRCODE = 'ZCB15';
	END IF;
	IF meeting_recused(p_meeting, p_app, p_member) THEN
		RAISE EXCEPTION '您已回避该申报的评审，不能投票' USING ERRCODE = 'ZCB16';
	END IF;
	IF p_choice IS NULL OR p_choice NOT IN ('agree', 'disagree', 'abstain') THEN
		RAISE EXCEPTION '表决意见应为同意、不同意或弃权' USING ERRCODE = 'ZCB17';
	END IF;
	INSERT INTO ballot_cast (meeting_id, application_id, member_id)
	VALUES (p_meeting, p_app, p_member) ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RAISE EXCEPTION '您已对该申报投过票，不能重复投票或更改' USING ERRCODE = 'ZCB18';
	END IF;
	UPDATE ballot_tally SET agree = agree + (p_choice = 'agree')::int,
		disagree = disagree + (p_choice = 'disagree')::int,
		abstain = abstain + (p_choice = 'abstain')::int
	WHERE meeting_id = p_meeting AND application_id = p_app;
	IF NOT FOUND THEN
		RAISE EXCEPTION '该申报未列入本次表决的计票，请联系评委会办公室' USING ERRCODE = 'ZCB21';
	END IF;
END
$$;
