-- 013_committee.sql: committee meetings and the secret ballot (评审会议, issue 9).
--
-- The committees of the chains (the county 初评委, the city 中评委 and 初级评委会)
-- keep their members (experts, each with a login of the account kind
-- 'committee_member' in the committee's portal), hold meetings with an agenda
-- of the applications they hold at a step with the gate 'vote', record who
-- attended and who withdraws from which application (回避), and put each
-- application to a secret ballot (同意 / 不同意 / 弃权) that every member
-- present casts from their own login.
--
-- Secrecy: nothing any program can read links a member to a choice.
--   * ballot_cast says who has voted on what: no choice, no time, no number.
--   * ballot_tally holds the counters of an open ballot; no program's role may
--     read or write it. Only cast_vote() adds to it, and ballot_close() turns
--     it into the result (meeting_agenda.agree/disagree/abstain) and deletes
--     it, so nobody can watch the counters move between votes.
--   * cast_vote(), ballot_open() and ballot_close() are SECURITY DEFINER
--     functions of committee_owner, a role nobody logs in as; they return no
--     counters. The choice travels only as a bound parameter, which neither
--     PostgreSQL's log (log_parameter_max_length = 0, scripts/stack.sh) nor the
--     programs' logs keep; the audit log says "voted", never how.
-- What stays outside: a database superuser who watches the server live, or
-- reads its data files and WAL before they are recycled, sees each vote's
-- transaction; the ballot is secret from everyone who uses the system, the
-- programs and their database roles, not from root on the database host.

-- The owner of the functions below: no program (it logs in nowhere and is
-- not one of the portal_* roles of the programs); each function checks itself
-- that the program calling acts for a committee of its own portal.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'committee_owner') THEN
		CREATE ROLE committee_owner NOLOGIN;
	END IF;
END
$$;

-- A committee member's login works only on the committee's ballot pages
-- (R_MEMBER routes, lib/http.c); every other account is 'regular'.
ALTER TABLE app_user ADD COLUMN kind text NOT NULL DEFAULT 'regular'
	CHECK (kind IN ('regular', 'committee_member'));

-- Quorum and pass threshold as fractions, exact in integers: a meeting is
-- quorate when present * quorum_den >= members * quorum_num; an application
-- carries when agree * pass_den >= eligible * pass_num. Without a row the
-- defaults apply (2/3 and 2/3, 人社部令第40号 §22, §24). Never below one half.
CREATE TABLE committee_setting (
	org_id bigint PRIMARY KEY REFERENCES org(id),
	quorum_num int NOT NULL,
	quorum_den int NOT NULL,
	pass_num int NOT NULL,
	pass_den int NOT NULL,
	updated_by bigint NOT NULL REFERENCES app_user(id),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK (quorum_den BETWEEN 1 AND 100 AND quorum_num <= quorum_den AND quorum_num * 2 >= quorum_den),
	CHECK (pass_den BETWEEN 1 AND 100 AND pass_num <= pass_den AND pass_num * 2 >= pass_den)
);

CREATE FUNCTION committee_rule(p_org bigint, OUT quorum_num int, OUT quorum_den int,
	OUT pass_num int, OUT pass_den int)
LANGUAGE sql STABLE AS $$
	SELECT coalesce(s.quorum_num, 2), coalesce(s.quorum_den, 3), coalesce(s.pass_num, 2),
		coalesce(s.pass_den, 3)
	FROM (SELECT 1) x LEFT JOIN committee_setting s ON s.org_id = p_org
$$;

-- A member: an account of kind committee_member of the committee (name and
-- mobile are the account's), their specialty and employer. A member whose
-- account is disabled has left the committee and is not counted.
CREATE TABLE committee_member (
	user_id bigint PRIMARY KEY REFERENCES app_user(id),
	org_id bigint NOT NULL REFERENCES org(id),
	specialty text NOT NULL CHECK (length(specialty) BETWEEN 1 AND 60),
	employer text NOT NULL CHECK (length(employer) BETWEEN 2 AND 100),
	created_by bigint NOT NULL REFERENCES app_user(id),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX committee_member_org ON committee_member (org_id);

CREATE TABLE committee_meeting (
	id bigserial PRIMARY KEY,
	org_id bigint NOT NULL REFERENCES org(id),
	title text NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
	starts_at timestamptz NOT NULL,
	place text NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
	state text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'open', 'closed')),
	-- frozen when the ballot opens: the committee (its members then), who is
	-- present, its rules
	roster bigint[],
	members int,
	present int,
	quorum_num int,
	quorum_den int,
	pass_num int,
	pass_den int,
	opened_by bigint REFERENCES app_user(id),
	opened_at timestamptz,
	closed_by bigint REFERENCES app_user(id),
	closed_at timestamptz,
	created_by bigint NOT NULL REFERENCES app_user(id),
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK ((state = 'planned') = (opened_at IS NULL)),
	CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
	CHECK ((opened_at IS NULL) = (members IS NULL) AND (members IS NULL) = (roster IS NULL))
);
CREATE INDEX committee_meeting_org ON committee_meeting (org_id, starts_at DESC);

-- The agenda: applications the committee holds at a step with the gate
-- 'vote'. The tally columns are written once, when the ballot closes.
CREATE TABLE meeting_agenda (
	meeting_id bigint NOT NULL REFERENCES committee_meeting(id) ON DELETE CASCADE,
	application_id bigint NOT NULL REFERENCES application(id),
	step_seq int NOT NULL,
	added_by bigint NOT NULL REFERENCES app_user(id),
	added_at timestamptz NOT NULL DEFAULT now(),
	eligible int,		-- present, not recused (or recused after voting): the denominator
	agree int,
	disagree int,
	abstain int,
	carried bool,
	PRIMARY KEY (meeting_id, application_id),
	CHECK ((carried IS NULL) = (eligible IS NULL) AND (eligible IS NULL) = (agree IS NULL)
		AND (agree IS NULL) = (disagree IS NULL) AND (disagree IS NULL) = (abstain IS NULL))
);
CREATE INDEX meeting_agenda_app ON meeting_agenda (application_id);

-- The members present (recorded by the committee office before the ballot opens).
CREATE TABLE meeting_attendance (
	meeting_id bigint NOT NULL REFERENCES committee_meeting(id) ON DELETE CASCADE,
	member_id bigint NOT NULL REFERENCES committee_member(user_id),
	recorded_by bigint NOT NULL REFERENCES app_user(id),
	recorded_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (meeting_id, member_id)
);

-- A member withdraws from an application (回避), declared by the member or the
-- office. The same employer as the applicant is a conflict without a row
-- (member_conflict below).
CREATE TABLE meeting_recusal (
	meeting_id bigint NOT NULL,
	application_id bigint NOT NULL,
	member_id bigint NOT NULL REFERENCES committee_member(user_id),
	reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
	declared_by bigint NOT NULL REFERENCES app_user(id),
	declared_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (meeting_id, application_id, member_id),
	FOREIGN KEY (meeting_id, application_id) REFERENCES meeting_agenda ON DELETE CASCADE
);

-- Who has voted on what. Deliberately without a choice, a time or a number.
CREATE TABLE ballot_cast (
	meeting_id bigint NOT NULL,
	application_id bigint NOT NULL,
	member_id bigint NOT NULL REFERENCES committee_member(user_id),
	PRIMARY KEY (meeting_id, application_id, member_id),
	FOREIGN KEY (meeting_id, application_id) REFERENCES meeting_agenda
);

-- The counters of an open ballot. No program's role has any privilege on it.
CREATE TABLE ballot_tally (
	meeting_id bigint NOT NULL,
	application_id bigint NOT NULL,
	agree int NOT NULL DEFAULT 0,
	disagree int NOT NULL DEFAULT 0,
	abstain int NOT NULL DEFAULT 0,
	PRIMARY KEY (meeting_id, application_id),
	FOREIGN KEY (meeting_id, application_id) REFERENCES meeting_agenda
);

-- An employer's name as compared for a conflict of interest: without white
-- space (also the ideographic space), full-width brackets as ASCII ones,
-- Latin letters in lower case. "金华宏达建设工程有限公司" and
-- " 金华宏达建设工程有限公司 " are one employer; a branch named otherwise is not.
CREATE FUNCTION employer_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT lower(translate(regexp_replace(coalesce(t, ''), '[[:space:]　]+', '', 'g'), '（）', '()'))
$$;

-- A member has a conflict with an application when their employer is the
-- applicant's unit: the unit the application went through, or the applicant's
-- current unit as the profile says (they differ for those whose file a talent
-- centre keeps).
CREATE FUNCTION member_conflict(p_member bigint, p_app bigint) RETURNS bool
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM committee_member m, application a
		LEFT JOIN applicant_profile pr ON pr.user_id = a.applicant_id
		JOIN org o ON o.id IN (a.unit_org_id, pr.unit_org_id)
		WHERE m.user_id = p_member AND a.id = p_app AND employer_key(m.employer) <> ''
		AND employer_key(o.name) = employer_key(m.employer))
$$;

CREATE FUNCTION meeting_recused(p_meeting bigint, p_app bigint, p_member bigint) RETURNS bool
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM meeting_recusal r WHERE r.meeting_id = p_meeting
		AND r.application_id = p_app AND r.member_id = p_member)
		OR member_conflict(p_member, p_app)
$$;

-- The agenda and attendance change only before the ballot opens; a meeting
-- is deleted only then; a recusal is declared only before the ballot closes.
CREATE FUNCTION meeting_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	s text;
BEGIN
	IF TG_TABLE_NAME = 'committee_meeting' THEN
		s := OLD.state;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT state INTO s FROM committee_meeting WHERE id = OLD.meeting_id;
	ELSE
		SELECT state INTO s FROM committee_meeting WHERE id = NEW.meeting_id;
	END IF;
	-- a meeting being deleted takes its rows with it
	IF s IS NULL OR s = 'planned' OR (TG_TABLE_NAME = 'meeting_recusal' AND TG_OP = 'INSERT'
	    AND s = 'open') THEN
		RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
	END IF;
	RAISE EXCEPTION '评审会议已开始投票，不能再修改' USING ERRCODE = 'ZCB20';
END
$$;
CREATE TRIGGER meeting_agenda_frozen BEFORE INSERT OR DELETE ON meeting_agenda
	FOR EACH ROW EXECUTE FUNCTION meeting_frozen();
CREATE TRIGGER meeting_attendance_frozen BEFORE INSERT OR UPDATE OR DELETE ON meeting_attendance
	FOR EACH ROW EXECUTE FUNCTION meeting_frozen();
CREATE TRIGGER meeting_recusal_frozen BEFORE INSERT OR UPDATE OR DELETE ON meeting_recusal
	FOR EACH ROW EXECUTE FUNCTION meeting_frozen();
CREATE TRIGGER committee_meeting_frozen BEFORE DELETE ON committee_meeting
	FOR EACH ROW EXECUTE FUNCTION meeting_frozen();

-- A committee member never moves an application (chain_write() writes the
-- history of every move; this refuses one whose actor is a member).
CREATE FUNCTION chain_actor_not_member() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM app_user u WHERE u.id = NEW.actor_user_id
	    AND u.kind = 'committee_member') THEN
		RAISE EXCEPTION '评委账号不能办理申报' USING ERRCODE = 'ZC909';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER chain_history_actor BEFORE INSERT ON chain_history
	FOR EACH ROW EXECUTE FUNCTION chain_actor_not_member();

-- ---------- the functions of committee_owner ----------

-- The program calling acts for an organisation of its own portal (as in
-- chain_write(); superusers: the tests).
CREATE FUNCTION committee_caller(p_org bigint) RETURNS bool
LANGUAGE sql STABLE AS $$
	SELECT session_user = 'portal_' || (SELECT o.portal FROM org o WHERE o.id = p_org)
		OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
$$;

-- The committee organisation p_org, for the program calling; raises otherwise.
CREATE FUNCTION committee_check(p_org bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM org o WHERE o.id = p_org AND o.status = 'approved'
	    AND o.kind IN ('committee_junior', 'committee_mid')) THEN
		RAISE EXCEPTION '本部门不是评审委员会' USING ERRCODE = 'ZCB02';
	END IF;
	IF NOT committee_caller(p_org) THEN
		RAISE EXCEPTION '该操作不属于本门户' USING ERRCODE = 'ZCB02';
	END IF;
END
$$;

-- A member's login: an account of kind committee_member of committee p_org,
-- in the committee's portal. The programs may not create accounts themselves.
CREATE FUNCTION committee_account_insert(p_org bigint, p_username text, p_name text,
	p_mobile text, p_hash text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	id bigint;
BEGIN
	PERFORM committee_check(p_org);
	INSERT INTO app_user (role, username, name, mobile, org_id, password_hash, kind)
	SELECT o.portal, p_username, p_name, NULLIF(p_mobile, ''), o.id, p_hash, 'committee_member'
	FROM org o WHERE o.id = p_org
	RETURNING app_user.id INTO id;
	RETURN id;
END
$$;

-- A member's name and mobile, and whether their login is disabled (they left
-- the committee: their sessions end). False when p_user is no member of p_org.
CREATE FUNCTION committee_account_set(p_org bigint, p_user bigint, p_name text, p_mobile text,
	p_disabled bool) RETURNS bool
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM committee_check(p_org);
	UPDATE app_user SET name = coalesce(p_name, name),
		mobile = CASE WHEN p_mobile IS NULL THEN mobile ELSE NULLIF(p_mobile, '') END,
		disabled_at = CASE WHEN p_disabled IS NULL THEN disabled_at
			WHEN p_disabled THEN coalesce(disabled_at, now()) END
	WHERE id = p_user AND org_id = p_org AND kind = 'committee_member';
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	IF p_disabled THEN
		UPDATE session SET ended_at = now() WHERE user_id = p_user AND ended_at IS NULL;
	END IF;
	RETURN true;
END
$$;

-- The meeting p_meeting locked, after the checks every ballot function makes.
CREATE FUNCTION ballot_meeting(p_meeting bigint, p_exclusive bool) RETURNS committee_meeting
LANGUAGE plpgsql AS $$
DECLARE
	m committee_meeting%ROWTYPE;
BEGIN
	IF p_exclusive THEN
		SELECT * INTO m FROM committee_meeting WHERE id = p_meeting FOR UPDATE;
	ELSE
		SELECT * INTO m FROM committee_meeting WHERE id = p_meeting FOR SHARE;
	END IF;
	IF NOT FOUND THEN
		RAISE EXCEPTION '评审会议不存在' USING ERRCODE = 'ZCB01';
	END IF;
	PERFORM committee_check(m.org_id);
	RETURN m;
END
$$;

-- p_user is of the committee office: a regular account of the committee p_org.
CREATE FUNCTION ballot_office(p_org bigint, p_user bigint, p_what text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = p_user AND u.org_id = p_org
	    AND u.kind = 'regular') THEN
		RAISE EXCEPTION '只有评委会办公室经办人可以%', p_what USING ERRCODE = 'ZCB03';
	END IF;
END
$$;

-- The committee office (a regular account of the committee) opens the ballot:
-- the agenda is not empty and still held at its steps, the meeting is
-- quorate; the committee's size, who is present and the rules are frozen.
CREATE FUNCTION ballot_open(p_meeting bigint, p_user bigint) RETURNS void
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

-- A member's vote: present, not recused, once per application, while the
-- ballot is open and the meeting quorate. Adds to the counters; returns nothing.
CREATE FUNCTION cast_vote(p_meeting bigint, p_app bigint, p_member bigint, p_choice text)
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
END
$$;

-- The office closes the ballot: the counters become each application's
-- result and are deleted. The denominator is who was present and not
-- recused (a member recused after voting still counts: their vote is in).
CREATE FUNCTION ballot_close(p_meeting bigint, p_user bigint) RETURNS void
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
		WHERE ma.meeting_id = p_meeting AND (NOT meeting_recused(p_meeting, t.application_id,
		ma.member_id) OR EXISTS (SELECT 1 FROM ballot_cast c WHERE c.meeting_id = p_meeting
		AND c.application_id = t.application_id AND c.member_id = ma.member_id))) e
	WHERE t.meeting_id = p_meeting AND ag.meeting_id = p_meeting
		AND ag.application_id = t.application_id;
	DELETE FROM ballot_tally WHERE meeting_id = p_meeting;
	UPDATE committee_meeting SET state = 'closed', closed_by = p_user, closed_at = now()
	WHERE id = p_meeting;
END
$$;

DO $$
DECLARE
	f text;
BEGIN
	FOREACH f IN ARRAY ARRAY['committee_account_insert(bigint, text, text, text, text)',
	    'committee_account_set(bigint, bigint, text, text, bool)',
	    'ballot_open(bigint, bigint)', 'cast_vote(bigint, bigint, bigint, text)',
	    'ballot_close(bigint, bigint)'] LOOP
		EXECUTE format('ALTER FUNCTION %s OWNER TO committee_owner', f);
		EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO portal_county, portal_city', f);
	END LOOP;
END
$$;
-- it locks a meeting: for the functions above only
REVOKE ALL ON FUNCTION ballot_meeting(bigint, bool) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ballot_meeting(bigint, bool) TO committee_owner;

-- What the functions of committee_owner need, and only they.
GRANT USAGE ON SCHEMA public TO committee_owner;
GRANT SELECT ON org, app_user, application, applicant_profile, committee_setting, committee_member,
	committee_meeting, meeting_agenda, meeting_attendance, meeting_recusal, ballot_cast
	TO committee_owner;
GRANT INSERT, UPDATE (name, mobile, disabled_at) ON app_user TO committee_owner;
GRANT SELECT, UPDATE (ended_at) ON session TO committee_owner;
GRANT UPDATE (state, roster, members, present, quorum_num, quorum_den, pass_num, pass_den, opened_by,
	opened_at, closed_by, closed_at) ON committee_meeting TO committee_owner;
GRANT UPDATE (eligible, agree, disagree, abstain, carried) ON meeting_agenda TO committee_owner;
GRANT INSERT ON ballot_cast TO committee_owner;
GRANT SELECT, INSERT, UPDATE, DELETE ON ballot_tally TO committee_owner;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO committee_owner;

-- The programs of the committees' portals keep the rest; every program reads
-- meetings and their agendas (the gate 'vote' is asked wherever a detail page
-- shows the gates). ballot_tally: nothing, for anyone.
GRANT SELECT ON committee_meeting, meeting_agenda TO portal_app;
GRANT SELECT ON committee_setting, committee_member, meeting_attendance, meeting_recusal, ballot_cast
	TO portal_county, portal_city;
GRANT INSERT, UPDATE (quorum_num, quorum_den, pass_num, pass_den, updated_by, updated_at)
	ON committee_setting TO portal_county, portal_city;
GRANT INSERT, UPDATE (specialty, employer, updated_at) ON committee_member TO portal_county, portal_city;
GRANT INSERT, DELETE, UPDATE (title, starts_at, place) ON committee_meeting TO portal_county, portal_city;
GRANT INSERT, DELETE ON meeting_agenda, meeting_attendance, meeting_recusal TO portal_county, portal_city;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO portal_app;

-- ---------- the gate ----------
-- 'vote': the application's ballot at the step, in a meeting closed since it
-- arrived there, carried (lib/gate.c).
INSERT INTO step_gate (pipeline_id, seq, gate, ord)
SELECT p.id, v.seq, 'vote', 2 FROM pipeline p JOIN (VALUES
	('mid_review', 7),
	('mid_review', 10),
	('junior_review', 4)
) AS v(pcode, seq) ON v.pcode = p.code;
