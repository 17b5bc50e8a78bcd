-- 010_chain_guard.sql: the database enforces the chain (issue 11, finding 4).
--
-- Every program could UPDATE every column of application, so a bug or an
-- injection in any of them could move an application without chain_move().
-- Now an application's position (step_seq, state, current_org_id), its
-- history and the desks change only inside chain_write(), a SECURITY DEFINER
-- function owned by a role of its own (portal_chain) that checks again what
-- chain_move() checked: the step is the one expected, the action is one the
-- step allows, the actor is the applicant (for a submission) or a person of
-- the organisation that holds the application, acting through that
-- organisation's own program, a decision carries its text;
-- and it decides itself where the application goes. The programs keep only
-- the columns and tables they write.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_chain') THEN
		CREATE ROLE portal_chain NOLOGIN;
	END IF;
END
$$;

-- The organisation that owns step seq of application app: its unit (or
-- talent centre), the department of the step's kind in the application's
-- county (falling back to the city's when the county has none, as for
-- 市本级), or the city's department of that kind. NULL for the applicant's step.
CREATE FUNCTION step_owner(app bigint, step int) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT CASE s.actor_level
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
	WHERE a.id = app
$$;

-- Locks an application's row for a move (the programs may not lock it
-- themselves: locking needs UPDATE, which they no longer have). True when it exists.
CREATE FUNCTION chain_lock(p_app bigint) RETURNS bool
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM 1 FROM application WHERE id = p_app FOR UPDATE;
	RETURN FOUND;
END
$$;
ALTER FUNCTION chain_lock(bigint) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION chain_lock(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chain_lock(bigint) TO portal_app;

-- One move, checked and written: position, history, desks. Raises SQLSTATE
-- ZC9xx (a rule of the chain, in Chinese) when the move is not allowed.
-- Returns where the application went and who holds it now.
CREATE FUNCTION chain_write(p_app bigint, p_action text, p_from_step int, p_user bigint,
	p_org bigint, p_text text, p_checks jsonb)
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

	UPDATE application SET step_seq = n_step, state = n_state, current_org_id = n_org,
		version = version + 1, updated_at = now(),
		submitted_at = CASE WHEN p_action = 'submit' THEN now() ELSE submitted_at END
	WHERE id = p_app;
	INSERT INTO chain_history (application_id, no, action, from_step, to_step, from_state,
		to_state, text, actor_user_id, actor_org_id, checks, snapshot_no)
	VALUES (p_app, (SELECT coalesce(max(no), 0) + 1 FROM chain_history WHERE application_id = p_app),
		p_action, a.step_seq, n_step, a.state, n_state, NULLIF(p_text, ''), p_user, p_org, p_checks,
		(SELECT max(no) FROM application_snapshot WHERE application_id = p_app));
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
	RETURN QUERY SELECT n_step, n_state, n_org,
		(SELECT ps.name FROM pipeline_step ps WHERE ps.pipeline_id = a.pipeline_id AND ps.seq = n_step),
		(SELECT o.name FROM org o WHERE o.id = n_org);
END
$$;
ALTER FUNCTION chain_write(bigint, text, int, bigint, bigint, text, jsonb) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION chain_write(bigint, text, int, bigint, bigint, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chain_write(bigint, text, int, bigint, bigint, text, jsonb) TO portal_app;

-- What chain_write() needs, and only it.
GRANT USAGE ON SCHEMA public TO portal_chain;
GRANT SELECT ON application, pipeline_step, app_user, org, region, application_snapshot,
	chain_history, desk, desk_tally TO portal_chain;
GRANT UPDATE (step_seq, state, current_org_id, version, updated_at, submitted_at) ON application
	TO portal_chain;
GRANT INSERT ON chain_history TO portal_chain;
GRANT INSERT, UPDATE ON desk, desk_tally TO portal_chain;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO portal_chain;

-- The programs: no position, history or desk of their own making. The
-- applicant keeps the columns of its content (sql/004: wizard, photo,
-- signature, statement…, paid_at) and creates drafts with their defaults.
REVOKE UPDATE ON application FROM portal_app;
REVOKE INSERT ON chain_history FROM portal_app;
REVOKE INSERT, UPDATE ON desk, desk_tally FROM portal_app;
REVOKE INSERT ON application FROM portal_applicant;
GRANT INSERT (applicant_id, plan_id, pipeline_id, unit_org_id, region_id) ON application
	TO portal_applicant;
