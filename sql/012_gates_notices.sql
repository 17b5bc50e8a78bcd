-- 012_gates_notices.sql: the chain's gates and the texts it sends are data
-- (issue 9). A step's gates (publicity over, fee paid, interview passed,
-- committee vote carried, results publicity over…) are rows: chain_move()
-- asks each gate's check, by name, before a pass; adding a gate to a step is
-- an INSERT here, not a change in C. The notification of each move is a text
-- of notice_text, keyed by the action, the state it leads to and (when a
-- step wants its own words) the step it leaves.

CREATE TABLE step_gate (
	pipeline_id int NOT NULL,
	seq int NOT NULL,
	gate text NOT NULL,		-- the name of a check in lib/gate.c
	ord int NOT NULL DEFAULT 1,	-- the order the gates are asked in
	PRIMARY KEY (pipeline_id, seq, gate),
	FOREIGN KEY (pipeline_id, seq) REFERENCES pipeline_step (pipeline_id, seq)
);
INSERT INTO step_gate (pipeline_id, seq, gate) SELECT pipeline_id, seq, gate FROM pipeline_step
WHERE gate IS NOT NULL;
ALTER TABLE pipeline_step DROP COLUMN gate;

-- Placeholders: {plan} {step} (left) {next_step} {next_org} {reason}.
CREATE TABLE notice_text (
	action text NOT NULL,
	to_state text NOT NULL,
	from_step int NOT NULL DEFAULT 0,	-- 0: any step
	text text NOT NULL,
	PRIMARY KEY (action, to_state, from_step)
);
INSERT INTO notice_text (action, to_state, text) VALUES
	('submit', 'in_review', '【职称申报】您申报的《{plan}》已提交，现由{next_org}进行“{next_step}”，请留意后续通知。'),
	('pass', 'in_review', '【职称申报】您申报的《{plan}》已通过“{step}”，现由{next_org}进行“{next_step}”。'),
	('pass', 'completed', '【职称申报】您申报的《{plan}》已办结，请登录平台查看结果并打印证书。'),
	('return', 'returned', '【职称申报】您申报的《{plan}》在“{step}”环节被退回，理由：{reason}。请登录平台修改后重新提交。'),
	('reject', 'rejected', '【职称申报】您申报的《{plan}》未通过“{step}”，理由：{reason}。');

-- A reason that already ends in 。 does not get a second one.
CREATE FUNCTION notice_render(p_action text, p_to_state text, p_from_step int, p_plan text,
	p_step text, p_next_step text, p_next_org text, p_reason text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT replace(replace(replace(replace(replace(t.text, '{plan}', coalesce(p_plan, '')),
		'{step}', coalesce(p_step, '')), '{next_step}', coalesce(p_next_step, '')),
		'{next_org}', coalesce(p_next_org, '')),
		'{reason}', coalesce(regexp_replace(btrim(p_reason), '[。.\s]+$', ''), ''))
	FROM notice_text t
	WHERE t.action = p_action AND t.to_state = p_to_state AND t.from_step IN (0, p_from_step)
	ORDER BY t.from_step DESC LIMIT 1
$$;

-- chain_write() now also writes the move's audit row and its notification,
-- so that a move is one call: lock, load, gates, write, commit.
DROP FUNCTION chain_write(bigint, text, int, bigint, bigint, text, jsonb);
CREATE FUNCTION chain_write(p_app bigint, p_action text, p_from_step int, p_user bigint,
	p_org bigint, p_text text, p_checks jsonb, p_role text, p_ip text)
RETURNS TABLE (to_step int, to_state text, next_org bigint, next_step_name text,
	next_org_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	a application%ROWTYPE;
	s pipeline_step%ROWTYPE;
	last_seq int;
	n_step int;
	n_state text;
	n_org bigint;
	n_step_name text;
	n_org_name text;
	note text;
BEGIN
	SELECT * INTO a FROM application WHERE id = p_app FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION '申报不存在' USING ERRCODE = 'ZC901';
	END IF;
	SELECT * INTO s FROM pipeline_step WHERE pipeline_id = a.pipeline_id AND seq = a.step_seq;
	IF a.step_seq IS DISTINCT FROM p_from_step THEN
		RAISE EXCEPTION '该申报状态已变化，请刷新后重试' USING ERRCODE = 'ZC902';
	END IF;
	IF p_action IS NULL OR NOT (p_action = ANY (s.actions)) THEN
		RAISE EXCEPTION '当前环节（%）不能执行该操作', s.name USING ERRCODE = 'ZC903';
	END IF;
	-- the program that calls is the actor's own: a county program cannot act
	-- for a unit's clerk, nor any program for the applicant (superusers: tests)
	IF (session_user <> 'portal_' || CASE WHEN p_org IS NULL THEN 'applicant'
	    ELSE (SELECT o.portal FROM org o WHERE o.id = p_org) END)
	    AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
		RAISE EXCEPTION '该操作不属于本门户' USING ERRCODE = 'ZC908';
	END IF;
	IF p_action = 'submit' THEN
		IF p_org IS NOT NULL OR p_user IS DISTINCT FROM a.applicant_id
		    OR a.state NOT IN ('draft', 'returned') THEN
			RAISE EXCEPTION '只有申报人本人可以提交待提交的申报' USING ERRCODE = 'ZC904';
		END IF;
	ELSE
		IF a.state <> 'in_review' OR a.current_org_id IS DISTINCT FROM p_org
		    OR NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = p_user AND u.org_id = p_org) THEN
			RAISE EXCEPTION '该申报当前不在本单位办理环节' USING ERRCODE = 'ZC905';
		END IF;
		IF coalesce(btrim(p_text), '') = '' THEN
			RAISE EXCEPTION '请填写意见或理由' USING ERRCODE = 'ZC906';
		END IF;
	END IF;

	SELECT max(seq) INTO last_seq FROM pipeline_step WHERE pipeline_id = a.pipeline_id;
	IF p_action IN ('submit', 'pass') AND NOT (p_action = 'pass' AND a.step_seq = last_seq) THEN
		n_step := a.step_seq + 1;
		n_state := 'in_review';
		n_org := step_owner(p_app, n_step);
		IF n_org IS NULL THEN
			RAISE EXCEPTION '下一环节没有对应的受理部门，请联系平台管理员' USING ERRCODE = 'ZC907';
		END IF;
	ELSIF p_action = 'pass' THEN
		n_step := a.step_seq;
		n_state := 'completed';
	ELSIF p_action = 'return' THEN
		n_step := 1;
		n_state := 'returned';
	ELSE
		n_step := a.step_seq;
		n_state := 'rejected';
	END IF;
	SELECT ps.name INTO n_step_name FROM pipeline_step ps
	WHERE ps.pipeline_id = a.pipeline_id AND ps.seq = n_step;
	SELECT o.name INTO n_org_name FROM org o WHERE o.id = n_org;

	UPDATE application SET step_seq = n_step, state = n_state, current_org_id = n_org,
		version = version + 1, updated_at = now(),
		submitted_at = CASE WHEN p_action = 'submit' THEN now() ELSE submitted_at END
	WHERE id = p_app;
	INSERT INTO chain_history (application_id, no, action, from_step, to_step, from_state,
		to_state, text, actor_user_id, actor_org_id, checks, snapshot_no)
	VALUES (p_app, (SELECT coalesce(max(no), 0) + 1 FROM chain_history WHERE application_id = p_app),
		p_action, a.step_seq, n_step, a.state, n_state, NULLIF(p_text, ''), p_user, p_org, p_checks,
		(SELECT max(no) FROM application_snapshot WHERE application_id = p_app));
	-- Both desks' tally rows, locked before either desk changes and in one
	-- order (organisation id): the desk triggers (sql/008) take them one after
	-- the other, the deciding organisation's first, so that two moves in
	-- opposite directions between the same organisations, of applications on
	-- the same shard (id % 8), each held one and waited for the other: a
	-- deadlock PostgreSQL broke by aborting a move nothing stood against
	-- (found under load by zx-faults; chain-tally.test.mjs makes it happen).
	INSERT INTO desk_tally (org_id, shard)
	SELECT o, p_app % 8 FROM unnest(ARRAY[p_org, n_org]) o WHERE o IS NOT NULL ORDER BY o
	ON CONFLICT (org_id, shard) DO NOTHING;
	PERFORM 1 FROM desk_tally WHERE shard = p_app % 8 AND org_id IN (p_org, n_org)
	ORDER BY org_id FOR UPDATE;
	-- the organisation's desk: its decision closes the row, an arrival (re)opens one
	IF p_org IS NOT NULL THEN
		UPDATE desk SET decided_at = now(), action = p_action, touched_at = now(),
			decided_snapshot = (SELECT max(no) FROM application_snapshot WHERE application_id = p_app)
		WHERE org_id = p_org AND application_id = p_app;
	END IF;
	IF n_org IS NOT NULL THEN
		INSERT INTO desk (org_id, application_id, arrived_at, step_seq, applicant_name, touched_at)
		SELECT n_org, p_app, now(), n_step, u.name, now() FROM app_user u WHERE u.id = a.applicant_id
		ON CONFLICT (org_id, application_id) DO UPDATE SET arrived_at = now(),
			step_seq = EXCLUDED.step_seq, decided_at = NULL, action = NULL, touched_at = now();
	END IF;
	INSERT INTO audit_log (actor_user_id, actor_role, actor_org_id, ip, action, target_type,
		target_id, detail)
	VALUES (p_user, p_role, p_org, p_ip, p_action, 'application', p_app,
		jsonb_strip_nulls(jsonb_build_object('from_step', a.step_seq, 'to_step', n_step,
		'from_state', a.state, 'to_state', n_state, 'to_org', n_org)));
	-- tell the applicant, in the style of 12333
	note := notice_render(p_action, n_state, a.step_seq, (SELECT p.name FROM plan p WHERE p.id = a.plan_id),
		s.name, n_step_name, n_org_name, p_text);
	IF note IS NOT NULL THEN
		INSERT INTO notification (user_id, mobile, body)
		SELECT u.id, u.mobile, note FROM app_user u WHERE u.id = a.applicant_id;
	END IF;
	RETURN QUERY SELECT n_step, n_state, n_org, n_step_name, n_org_name;
END
$$;
ALTER FUNCTION chain_write(bigint, text, int, bigint, bigint, text, jsonb, text, text) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION chain_write(bigint, text, int, bigint, bigint, text, jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chain_write(bigint, text, int, bigint, bigint, text, jsonb, text, text)
	TO portal_app;
GRANT SELECT ON plan, notice_text TO portal_chain;
GRANT INSERT ON audit_log, notification TO portal_chain;
GRANT SELECT ON step_gate, notice_text TO portal_app;

-- ---------- 公示 at any step ----------
-- The unit's publicity (step 3), the city HR bureau's 资格复审并公示 and the
-- results publicity (公布评审结果) are one thing: a publicity of an
-- application at a step, 5 working days on the calendar, objections recorded
-- and resolved. A step that needs one has the gate 'publicity'.
ALTER TABLE publicity ADD COLUMN step_seq int;
UPDATE publicity pb SET step_seq = g.seq FROM application a JOIN step_gate g
	ON g.pipeline_id = a.pipeline_id AND g.gate = 'publicity'
WHERE a.id = pb.application_id;
ALTER TABLE publicity ALTER COLUMN step_seq SET NOT NULL,
	DROP CONSTRAINT publicity_pkey, ADD PRIMARY KEY (application_id, step_seq);
ALTER TABLE objection ADD COLUMN step_seq int;
UPDATE objection ob SET step_seq = g.seq FROM application a JOIN step_gate g
	ON g.pipeline_id = a.pipeline_id AND g.gate = 'publicity'
WHERE a.id = ob.application_id;
ALTER TABLE objection ALTER COLUMN step_seq SET NOT NULL;
GRANT INSERT, UPDATE (starts_on, created_by, created_at) ON publicity TO portal_city, portal_hrb;
GRANT INSERT, UPDATE (resolution, resolved_by, resolved_at) ON objection TO portal_city, portal_hrb;

-- 公布评审结果 / 公布初定结果: an objection upheld in the results publicity
-- ends the application there.
UPDATE pipeline_step SET actions = '{pass,reject}' WHERE name IN ('公布评审结果', '公布初定结果');

-- ---------- 收费设定 ----------
-- The department that owns an application's fee step sets, per plan, the
-- items its region charges; without items the plan's defaults apply (中级
-- 推荐费 80 + 评审费 180, 初级 100: 浙价费〔2002〕229号). An order keeps the
-- amount it was made for (payment.amount_fen).
CREATE TABLE fee_item (
	plan_id int NOT NULL REFERENCES plan(id),
	org_id bigint NOT NULL REFERENCES org(id),
	seq int NOT NULL CHECK (seq BETWEEN 1 AND 10),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 20),
	amount int NOT NULL CHECK (amount BETWEEN 0 AND 100000),	-- 元
	updated_by bigint NOT NULL REFERENCES app_user(id),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (plan_id, org_id, seq)
);
GRANT SELECT ON fee_item TO portal_app;
GRANT INSERT, DELETE ON fee_item TO portal_county, portal_city;

-- The department whose fee an application pays: the owner of its fee step.
CREATE FUNCTION fee_org(app bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT step_owner(a.id, g.seq) FROM application a
	JOIN step_gate g ON g.pipeline_id = a.pipeline_id AND g.gate = 'fee'
	WHERE a.id = app ORDER BY g.seq LIMIT 1
$$;

-- The items an application pays, in order: its fee department's for its
-- plan, else the plan's defaults. None when its chain has no fee step.
CREATE FUNCTION app_fee_items(app bigint) RETURNS TABLE (name text, amount int)
LANGUAGE sql STABLE AS $$
	WITH x AS (SELECT a.plan_id, fee_org(a.id) AS org FROM application a WHERE a.id = app
		AND EXISTS (SELECT 1 FROM step_gate g WHERE g.pipeline_id = a.pipeline_id
		AND g.gate = 'fee')),
	own AS (SELECT f.seq, f.name, f.amount FROM x JOIN fee_item f
		ON f.plan_id = x.plan_id AND f.org_id = x.org)
	SELECT o.name, o.amount FROM (
		SELECT seq, name, amount FROM own
		UNION ALL
		SELECT v.seq, v.name, v.amount FROM x JOIN plan p ON p.id = x.plan_id,
			LATERAL (VALUES (1, '推荐费', p.fee_recommend), (2, '评审费', p.fee_review))
			AS v(seq, name, amount)
		WHERE NOT EXISTS (SELECT 1 FROM own) AND v.amount > 0) o
	ORDER BY o.seq
$$;

CREATE FUNCTION app_fee(app bigint) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT coalesce(sum(amount), 0)::int FROM app_fee_items(app)
$$;

-- ---------- 评前面试 / 业务能力复审 ----------
-- A department schedules sessions and assigns the applications at its step
-- to them; the result recorded per application decides: 通过 opens the gate,
-- 不通过 and 缺席 end the application there with the reason (lib/interview.c).
CREATE TABLE interview_session (
	id bigserial PRIMARY KEY,
	org_id bigint NOT NULL REFERENCES org(id),
	title text NOT NULL CHECK (length(title) BETWEEN 1 AND 60),
	starts_at timestamptz NOT NULL,
	place text NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
	panel text NOT NULL CHECK (length(panel) BETWEEN 1 AND 500),	-- 面试专家
	created_by bigint NOT NULL REFERENCES app_user(id),
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX interview_session_org ON interview_session (org_id, starts_at DESC);

CREATE TABLE interview_assignment (
	session_id bigint NOT NULL REFERENCES interview_session(id),
	application_id bigint NOT NULL REFERENCES application(id),
	step_seq int NOT NULL,
	assigned_by bigint NOT NULL REFERENCES app_user(id),
	assigned_at timestamptz NOT NULL DEFAULT now(),
	result text CHECK (result IN ('pass', 'fail', 'absent')),
	note text CHECK (length(note) <= 500),
	recorded_by bigint REFERENCES app_user(id),
	recorded_at timestamptz,
	PRIMARY KEY (session_id, application_id),
	CHECK ((result IS NULL) = (recorded_at IS NULL))
);
CREATE INDEX interview_assignment_app ON interview_assignment (application_id, assigned_at DESC);
GRANT SELECT ON interview_session, interview_assignment TO portal_app;
GRANT INSERT, UPDATE (title, starts_at, place, panel) ON interview_session TO portal_county, portal_hrb;
GRANT INSERT, DELETE, UPDATE (step_seq, assigned_by, assigned_at, result, note, recorded_by,
	recorded_at) ON interview_assignment
	TO portal_county, portal_hrb;
GRANT USAGE ON SEQUENCE interview_session_id_seq TO portal_county, portal_hrb;

-- ---------- the gates of the chains ----------
-- 'interview': a result 通过 recorded at this step; 'interview_if_called':
-- the same, for those called (面试范围的评审对象根据通知参加面试).
INSERT INTO step_gate (pipeline_id, seq, gate, ord)
SELECT p.id, v.seq, v.gate, v.ord FROM pipeline p JOIN (VALUES
	('mid_review', 6, 'interview', 1),
	('mid_review', 9, 'publicity', 1),
	('mid_review', 9, 'interview_if_called', 2),
	('mid_review', 11, 'publicity', 1),
	('junior_review', 6, 'publicity', 1),
	('junior_assess', 6, 'publicity', 1),
	('mid_assess', 6, 'publicity', 1)
) AS v(pcode, seq, gate, ord) ON v.pcode = p.code;

-- ---------- each program writes the accounts of its own portal ----------
-- Since 011 the unit program creates its clerks and the operator's program the
-- departments' accounts, so INSERT on app_user is granted to three programs;
-- column grants cannot say whose accounts. A program may write (create, lock
-- after failed logins, disable, change a mobile) only the accounts of its own
-- portal; the operator's, every account but an applicant's.
CREATE FUNCTION app_user_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF current_user NOT LIKE 'portal\_%' OR current_user = 'portal_' || NEW.role
	    OR (current_user = 'portal_admin' AND NEW.role <> 'applicant') THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'permission denied: % may not write an account of the % portal',
		current_user, NEW.role USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER app_user_guard BEFORE INSERT OR UPDATE ON app_user
	FOR EACH ROW EXECUTE FUNCTION app_user_guard();
