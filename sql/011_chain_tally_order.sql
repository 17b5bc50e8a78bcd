-- 011_chain_tally_order.sql: chain_write() takes the desk tallies in one order.
--
-- A move decides at one organisation's desk and arrives at another's; the
-- desk_tally trigger (sql/008) updates each organisation's tally row for the
-- application's shard (id % 8) as the desk rows change, the deciding
-- organisation's first. A county passing an application to its HR bureau
-- while the bureau passed another of the same shard back to the county thus
-- took the two rows in opposite orders: a deadlock, which PostgreSQL broke
-- after a second by aborting one move, and the portal answered 409 to a move
-- nothing stood against (found under load by tests/integration/zx-faults;
-- tests/integration/chain-tally.test.mjs makes it happen every time). Now
-- chain_write() locks both rows first, ordered by organisation id; otherwise
-- it is the function of sql/010, unchanged (owner, grants and checks stay).

CREATE OR REPLACE FUNCTION chain_write(p_app bigint, p_action text, p_from_step int, p_user bigint,
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
	-- Both desks' tally rows, locked before either desk changes and in one
	-- order (organisation id): the desk triggers would take them one after
	-- the other, the deciding organisation's first, so that two moves in
	-- opposite directions between the same organisations, of applications on
	-- the same shard, each held one and waited for the other.
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
	RETURN QUERY SELECT n_step, n_state, n_org,
		(SELECT ps.name FROM pipeline_step ps WHERE ps.pipeline_id = a.pipeline_id AND ps.seq = n_step),
		(SELECT o.name FROM org o WHERE o.id = n_org);
END
$$;

