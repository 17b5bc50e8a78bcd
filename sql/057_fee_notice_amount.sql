-- 057_fee_notice_amount.sql: the 12333 message that asks for the fee names it.
--
-- The notice (附件 2, 二、7): 申报人员根据 12333 短信提示，在规定时间内完成评审表导出
-- 打印和费用缴纳. The message of the pass into the fee step (sql/042) said
-- "需缴纳评审费用的，请在规定时间内完成缴费" whatever the chain charged: the
-- applicant learnt the amount only on the portal. It now says what is due and
-- of what (中级 260 元: 推荐费 80 元、评审费 180 元; 初级 100 元), as the fee
-- step's department set it, or that nothing is due.

-- ", and pay 260 元 (推荐费 80 元、评审费 180 元)" of the application's fee; that
-- it was paid (an application returned after paying comes this way again), or
-- what is left (a fee raised after a payment); or that there is none to pay
CREATE FUNCTION fee_phrase(app bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	WITH f AS (SELECT coalesce(sum(i.amount), 0) AS total,
		string_agg(i.name || ' ' || i.amount || ' 元', '、' ORDER BY i.n) AS items
		FROM (SELECT x.name, x.amount, row_number() OVER () AS n FROM app_fee_items(app) x) i),
	p AS (SELECT a.paid_at IS NOT NULL AS paid, (SELECT coalesce(sum(y.amount_fen), 0) / 100
		FROM payment y WHERE y.application_id = a.id AND y.status = 'paid') AS got
		FROM application a WHERE a.id = app)
	SELECT CASE WHEN f.total = 0 THEN '；本计划无需缴纳评审费用'
		WHEN p.paid OR p.got >= f.total THEN '（评审费用已缴纳）'
		WHEN p.got > 0 THEN '，并补缴评审费用 ' || (f.total - p.got) || ' 元（应缴 ' || f.total
			|| ' 元，已缴 ' || p.got || ' 元）'
		ELSE '，并缴纳评审费用 ' || f.total || ' 元（' || f.items || '）' END
	FROM f, p
$$;

-- chain_write() (its owner, portal_chain) reads the fee as the programs do, and
-- what was paid
GRANT SELECT ON fee_item, payment TO portal_chain;

UPDATE notice_text SET text = '【职称申报】您申报的《{plan}》已通过“{step}”，现由{next_org}进行“{next_step}”。'
	'请在规定时间内登录平台导出打印评审表{fee}。'
WHERE action = 'pass' AND to_state = 'in_review' AND from_step = 3;

-- chain_write() as in sql/034, with the {fee} of the message filled in.
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
		u.idcard AS who_idcard, u.mobile AS who_mobile,
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
				applicant_idcard, touched_at)
			VALUES (n_org, p_app, now(), n_step, a.who_name, a.who_idcard, now())
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
	IF strpos(note, '{fee}') > 0 THEN
		note := replace(note, '{fee}', fee_phrase(p_app));
	END IF;
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
