-- 017_performance.sql: what `make bench` (issue 10) found at 100 000
-- applications in 12 500 units.
--
-- step_owner() (sql/010) finds a step's department by kind and region: with
-- thousands of units in org and no index that serves "kind = x AND region_id
-- = y" for every kind (org_one_dept_per_region leaves units out, so the
-- planner cannot use it for a kind it does not know), each call read the
-- whole table: 4-6 ms a step, twelve steps on every reviewer's detail page,
-- one on every move to a county or city department.
CREATE INDEX org_kind_region ON org (kind, region_id);

-- A function in LANGUAGE sql that PostgreSQL cannot inline (one with a FROM
-- or a subquery) is parsed and planned again at every call; one in plpgsql
-- keeps its plan for the connection. These are called on every move, every
-- reviewer's detail page and every fee shown: the same statements, planned
-- once. (What each returns is as before: one row, or NULL when none.)
CREATE OR REPLACE FUNCTION step_owner(app bigint, step int) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT CASE s.actor_level
	WHEN 'unit' THEN a.unit_org_id
	WHEN 'county' THEN coalesce(
		(SELECT o.id FROM org o WHERE o.kind = s.actor_kind
		  AND o.region_id = a.region_id AND o.status = 'approved'),
		(SELECT o.id FROM org o JOIN region g ON g.parent_id = o.region_id
		  WHERE g.id = a.region_id AND o.kind = s.actor_kind AND o.status = 'approved'))
	WHEN 'city' THEN
		(SELECT o.id FROM org o JOIN region g ON o.region_id = coalesce(g.parent_id, g.id)
		  WHERE g.id = a.region_id AND o.kind = s.actor_kind AND o.status = 'approved')
	END
	FROM application a JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = step
	WHERE a.id = app);
END
$$;

CREATE OR REPLACE FUNCTION notice_render(p_action text, p_to_state text, p_from_step int,
	p_plan text, p_step text, p_next_step text, p_next_org text, p_reason text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT replace(replace(replace(replace(replace(t.text, '{plan}', coalesce(p_plan, '')),
		'{step}', coalesce(p_step, '')), '{next_step}', coalesce(p_next_step, '')),
		'{next_org}', coalesce(p_next_org, '')),
		'{reason}', coalesce(regexp_replace(btrim(p_reason), '[。.\s]+$', ''), ''))
	FROM notice_text t
	WHERE t.action = p_action AND t.to_state = p_to_state AND t.from_step IN (0, p_from_step)
	ORDER BY t.from_step DESC LIMIT 1);
END
$$;

CREATE OR REPLACE FUNCTION fee_org(app bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT step_owner(a.id, g.seq) FROM application a
	JOIN step_gate g ON g.pipeline_id = a.pipeline_id AND g.gate = 'fee'
	WHERE a.id = app ORDER BY g.seq LIMIT 1);
END
$$;

-- app_fee_items() stays in sql: a set-returning function of one SELECT, it is
-- inlined into the statement that calls it, here planned once
CREATE OR REPLACE FUNCTION app_fee(app bigint) RETURNS int
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT coalesce(sum(amount), 0)::int FROM app_fee_items(app));
END
$$;

CREATE OR REPLACE FUNCTION step_arrival(app bigint) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT max(h.at) FROM chain_history h JOIN application a ON a.id = h.application_id
	WHERE h.application_id = app AND h.to_step = a.step_seq);
END
$$;

CREATE OR REPLACE FUNCTION working_days_known(a date, b date) RETURNS int
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT n FROM workday_ordinal WHERE day = b) -
		(SELECT n FROM workday_ordinal WHERE day = a);
END
$$;

CREATE OR REPLACE FUNCTION profile_complete(uid bigint) RETURNS bool
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce((SELECT p.ethnicity IS NOT NULL AND p.education IS NOT NULL
		AND p.degree IS NOT NULL AND p.school IS NOT NULL AND p.major IS NOT NULL
		AND p.graduation_date IS NOT NULL AND p.work_start_date IS NOT NULL
		AND p.title IS NOT NULL AND p.specialty IS NOT NULL AND p.staffing IS NOT NULL
		AND p.custody IS NOT NULL
		AND (CASE WHEN p.custody = 'talent_centre' THEN p.centre_org_id ELSE p.unit_org_id END)
		IS NOT NULL
		FROM applicant_profile p WHERE p.user_id = uid), false);
END
$$;

-- chain_write() as in sql/012 (the same checks in the same order, the same
-- errors, the same rows written), in fewer statements: a move ran some forty,
-- each with its executor start-up, locks and CHECK constraints read again,
-- and that, not the rows, was what a move cost. The application, its step,
-- the chain's last step, the acting organisation's portal and membership,
-- the plan and the applicant are one read; the next step's and organisation's
-- names one more. And an organisation passing an application on to its own
-- next step (a unit's 资格审查 to its 公示) changes its open desk row in place
-- (arrived again, still waiting): the tallies stay as they are, so they are
-- neither locked nor touched; before, the row was closed and opened again,
-- each a new version in all seven of the desk's indexes and two changes to
-- the tally. The history row is written last (see there).
CREATE OR REPLACE FUNCTION chain_write(p_app bigint, p_action text, p_from_step int, p_user bigint,
	p_org bigint, p_text text, p_checks jsonb, p_role text, p_ip text)
RETURNS TABLE (to_step int, to_state text, next_org bigint, next_step_name text,
	next_org_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	a record;
	n_step int;
	n_state text;
	n_org bigint;
	n_step_name text;
	n_org_name text;
	note text;
	moved bool := false;
BEGIN
	SELECT x.*, s.name AS s_name, s.actions AS s_actions,
		(SELECT max(ps.seq) FROM pipeline_step ps WHERE ps.pipeline_id = x.pipeline_id) AS last_seq,
		(SELECT o.portal FROM org o WHERE o.id = p_org) AS org_portal,
		EXISTS (SELECT 1 FROM app_user m WHERE m.id = p_user AND m.org_id = p_org) AS in_org,
		(SELECT p.name FROM plan p WHERE p.id = x.plan_id) AS plan_name, u.name AS who_name,
		u.mobile AS who_mobile,
		(SELECT max(n.no) FROM application_snapshot n WHERE n.application_id = x.id) AS snap
	INTO a
	FROM application x
	JOIN pipeline_step s ON s.pipeline_id = x.pipeline_id AND s.seq = x.step_seq
	JOIN app_user u ON u.id = x.applicant_id
	WHERE x.id = p_app FOR UPDATE OF x;
	IF NOT FOUND THEN
		RAISE EXCEPTION '申报不存在' USING ERRCODE = 'ZC901';
	END IF;
	IF a.step_seq IS DISTINCT FROM p_from_step THEN
		RAISE EXCEPTION '该申报状态已变化，请刷新后重试' USING ERRCODE = 'ZC902';
	END IF;
	IF p_action IS NULL OR NOT (p_action = ANY (a.s_actions)) THEN
		RAISE EXCEPTION '当前环节（%）不能执行该操作', a.s_name USING ERRCODE = 'ZC903';
	END IF;
	-- the program that calls is the actor's own: a county program cannot act
	-- for a unit's clerk, nor any program for the applicant (superusers: tests)
	IF (session_user <> 'portal_' || CASE WHEN p_org IS NULL THEN 'applicant' ELSE a.org_portal END) THEN
		IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
			RAISE EXCEPTION '该操作不属于本门户' USING ERRCODE = 'ZC908';
		END IF;
	END IF;
	IF p_action = 'submit' THEN
		IF p_org IS NOT NULL OR p_user IS DISTINCT FROM a.applicant_id
		    OR a.state NOT IN ('draft', 'returned') THEN
			RAISE EXCEPTION '只有申报人本人可以提交待提交的申报' USING ERRCODE = 'ZC904';
		END IF;
	ELSE
		IF a.state <> 'in_review' OR a.current_org_id IS DISTINCT FROM p_org OR NOT a.in_org THEN
			RAISE EXCEPTION '该申报当前不在本单位办理环节' USING ERRCODE = 'ZC905';
		END IF;
		IF coalesce(btrim(p_text), '') = '' THEN
			RAISE EXCEPTION '请填写意见或理由' USING ERRCODE = 'ZC906';
		END IF;
	END IF;

	IF p_action IN ('submit', 'pass') AND NOT (p_action = 'pass' AND a.step_seq = a.last_seq) THEN
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
	SELECT ps.name, (SELECT o.name FROM org o WHERE o.id = n_org) INTO n_step_name, n_org_name
	FROM pipeline_step ps WHERE ps.pipeline_id = a.pipeline_id AND ps.seq = n_step;

	UPDATE application SET step_seq = n_step, state = n_state, current_org_id = n_org,
		version = version + 1, updated_at = now(),
		submitted_at = CASE WHEN p_action = 'submit' THEN now() ELSE submitted_at END
	WHERE id = p_app;
	-- the organisation passes it on to its own next step: its open row, in place
	IF p_org IS NOT NULL AND p_org = n_org THEN
		UPDATE desk SET arrived_at = now(), step_seq = n_step, action = NULL, touched_at = now(),
			decided_snapshot = a.snap
		WHERE org_id = p_org AND application_id = p_app AND decided_at IS NULL;
		moved := FOUND;
	END IF;
	IF NOT moved THEN
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
				decided_snapshot = a.snap
			WHERE org_id = p_org AND application_id = p_app;
		END IF;
		IF n_org IS NOT NULL THEN
			INSERT INTO desk (org_id, application_id, arrived_at, step_seq, applicant_name,
				touched_at)
			VALUES (n_org, p_app, now(), n_step, a.who_name, now())
			ON CONFLICT (org_id, application_id) DO UPDATE SET arrived_at = now(),
				step_seq = EXCLUDED.step_seq, decided_at = NULL, action = NULL, touched_at = now();
		END IF;
	END IF;
	INSERT INTO audit_log (actor_user_id, actor_role, actor_org_id, ip, action, target_type,
		target_id, detail)
	VALUES (p_user, p_role, p_org, p_ip, p_action, 'application', p_app,
		jsonb_strip_nulls(jsonb_build_object('from_step', a.step_seq, 'to_step', n_step,
		'from_state', a.state, 'to_state', n_state, 'to_org', n_org)));
	-- tell the applicant, in the style of 12333
	note := notice_render(p_action, n_state, a.step_seq, a.plan_name, a.s_name, n_step_name,
		n_org_name, p_text);
	IF note IS NOT NULL AND a.who_name IS NOT NULL THEN
		INSERT INTO notification (user_id, mobile, body) VALUES (a.applicant_id, a.who_mobile, note);
	END IF;
	-- the history row last: its trigger notes the decision for the
	-- statistics (sql/022: in stay_pending, counted by stay_fold(); before,
	-- it counted it in the day's stay_tally row, every such move's, locked
	-- until COMMIT, and the later it was taken the less the next one waited)
	INSERT INTO chain_history (application_id, no, action, from_step, to_step, from_state,
		to_state, text, actor_user_id, actor_org_id, checks, snapshot_no)
	VALUES (p_app, (SELECT coalesce(max(no), 0) + 1 FROM chain_history WHERE application_id = p_app),
		p_action, a.step_seq, n_step, a.state, n_state, NULLIF(p_text, ''), p_user, p_org, p_checks,
		a.snap);
	to_step := n_step;
	to_state := n_state;
	next_org := n_org;
	next_step_name := n_step_name;
	next_org_name := n_org_name;
	RETURN NEXT;
END
$$;

-- One statement to open a move with (lib/chain.c): the application's row
-- locked as chain_lock() locks it, then read (a statement of its own, after
-- the lock: what a move that held it before committed is seen) with what
-- chain_move() checks and the gates of its step in the order they are asked.
-- No row: no such application. Replaces chain_lock, then chain_load, then
-- gate_list: three round trips.
CREATE FUNCTION chain_open(p_app bigint, p_action text, p_org bigint)
RETURNS TABLE (state text, step_seq int, current_org bigint, applicant bigint, step_name text,
	allowed bool, acted_before bool, actor_level text, gates text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM 1 FROM application WHERE id = p_app FOR UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT a.state, a.step_seq, coalesce(a.current_org_id, 0), a.applicant_id, s.name,
		p_action = ANY (s.actions),
		EXISTS (SELECT 1 FROM chain_history h WHERE h.application_id = a.id
		  AND h.actor_org_id = p_org),
		s.actor_level,
		ARRAY(SELECT g.gate FROM step_gate g WHERE g.pipeline_id = a.pipeline_id
		  AND g.seq = a.step_seq ORDER BY g.ord, g.gate)
	FROM application a
	JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq
	WHERE a.id = p_app;
END
$$;
ALTER FUNCTION chain_open(bigint, text, bigint) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION chain_open(bigint, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chain_open(bigint, text, bigint) TO portal_app;
GRANT SELECT ON step_gate TO portal_chain;
