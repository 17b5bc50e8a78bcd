-- 086_assessment_published.sql: a 初定's 评定 reaches the applicant when it is published.
--
-- The notice's 初定 chains: ③ 金华市住房和城乡建设局进行资格审核并评定 → ④ 初定结果报至市人力
-- 社保局 → ⑤ 公布初定结果 (初级), and ③ …进行资格审核 → ④ 市人力社保局进行评定 → ⑤ 公布初定结果
-- (中级). A 评定不通过 ended the application at once and the applicant read it that day, before
-- anything was published, and a 评定通过's own words were in the applicant's 申报进度; as
-- sql/084 found for the committees' votes. Now the step that 评定s (the gate 'assess') records
-- its result here, 通过 or 不通过 with the clerk's words, and hands the application on either way,
-- saying only that it was 评定d; the department the 初定 result is reported to reads it (the
-- gate 'assessment', as 'ballot'); the publication (the gate 'assessed', as 'carried') lists
-- those that passed in the 初定结果公示 and passes them, and ends the others with the 评定's
-- reason, which is when the applicant reads it (lib/gate.c, lib/chain.c).
CREATE TABLE assessment (
	id bigserial PRIMARY KEY,
	application_id bigint NOT NULL REFERENCES application (id),
	step_seq int NOT NULL,
	passed boolean NOT NULL,
	opinion text NOT NULL CHECK (length(opinion) BETWEEN 1 AND 1000),
	user_id bigint NOT NULL REFERENCES app_user (id),
	org_id bigint NOT NULL REFERENCES org (id),
	-- the 审查要点 the clerk ticked, kept here: in the history they would tell the unit which
	-- one failed (a probe read 资历 missing from the 已核对 of a 评定不通过)
	checks jsonb,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessment_app ON assessment (application_id, created_at DESC);
-- read and written by the functions below (portal_chain's) alone: a unit's program reads no
-- department's 评定 (a review)
GRANT SELECT, INSERT ON assessment TO portal_chain;
GRANT SELECT ON step_gate TO portal_chain;
GRANT USAGE ON SEQUENCE assessment_id_seq TO portal_chain;

-- the audit names the 评定 (the move it makes is a pass either way)
INSERT INTO audit_label (kind, ord, code, name) VALUES
	('action', 86, 'assess_pass', '评定通过'),
	('action', 87, 'assess_fail', '评定不通过');

INSERT INTO step_gate (pipeline_id, seq, gate, ord)
SELECT p.id, v.seq, v.gate, v.ord FROM pipeline p JOIN (VALUES
	('junior_assess', 4, 'assess', 2),
	('junior_assess', 5, 'assessment', 0),
	('junior_assess', 6, 'assessed', 0),
	('mid_assess', 5, 'assess', 0),
	('mid_assess', 6, 'assessed', 0)
) AS v(pcode, seq, gate, ord) ON v.pcode = p.code;

-- the 评定 a step with the gate 'assessment' or 'assessed' reports or publishes: the latest one
-- recorded at the last step before the application's current one that 评定s; none when there
-- is none (an application 评定d before this migration passed: it counts as passed)
CREATE FUNCTION assessment_to_publish(p_app bigint)
RETURNS TABLE (passed boolean, opinion text, made_on text, org_name text)
LANGUAGE sql STABLE AS $$
	SELECT s.passed, s.opinion,
		to_char(s.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), o.name
	FROM application a
	JOIN assessment s ON s.application_id = a.id
	JOIN org o ON o.id = s.org_id
	WHERE a.id = p_app
	AND s.step_seq = (SELECT max(g.seq) FROM step_gate g WHERE g.pipeline_id = a.pipeline_id
		AND g.seq < a.step_seq AND g.gate = 'assess')
	ORDER BY s.created_at DESC, s.id DESC LIMIT 1
$$;
ALTER FUNCTION assessment_to_publish(bigint) OWNER TO portal_chain;
ALTER FUNCTION assessment_to_publish(bigint) SECURITY DEFINER SET search_path = public;

-- The 评定 made at step p_step of the application, once its 初定 result is published (it was
-- ended where that is, or went past it): the history, the 评审表 and the applicant read it then
-- as 评定通过 / 评定不通过 with the clerk's words, which stand for good in the file (its 审查意见,
-- signed); none before, or where the step does not 评定.
CREATE FUNCTION assessment_told(p_app bigint, p_step int)
RETURNS TABLE (passed boolean, opinion text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT s.passed, s.opinion
	FROM application a
	JOIN step_gate g ON g.pipeline_id = a.pipeline_id AND g.seq = p_step AND g.gate = 'assess'
	JOIN step_gate pg ON pg.pipeline_id = a.pipeline_id AND pg.gate = 'assessed'
		AND pg.seq = (SELECT min(x.seq) FROM step_gate x WHERE x.pipeline_id = a.pipeline_id
			AND x.gate = 'assessed' AND x.seq > p_step)
	JOIN assessment s ON s.application_id = a.id AND s.step_seq = p_step
	WHERE a.id = p_app
	AND (a.step_seq > pg.seq OR (a.step_seq = pg.seq AND a.state = 'rejected'))
	ORDER BY s.created_at DESC, s.id DESC LIMIT 1
$$;
ALTER FUNCTION assessment_told(bigint, int) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION assessment_told(bigint, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION assessment_told(bigint, int) TO portal_app;

-- An organisation's own latest 评定 of the application at step p_step: its export's record of
-- what it decided (lib/review.c), whatever is published.
CREATE FUNCTION assessment_of(p_app bigint, p_step int, p_org bigint)
RETURNS TABLE (passed boolean, opinion text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT s.passed, s.opinion FROM assessment s
	WHERE s.application_id = p_app AND s.step_seq = p_step AND s.org_id = p_org
	ORDER BY s.created_at DESC, s.id DESC LIMIT 1
$$;
ALTER FUNCTION assessment_of(bigint, int, bigint) OWNER TO portal_chain;
REVOKE ALL ON FUNCTION assessment_of(bigint, int, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION assessment_of(bigint, int, bigint) TO portal_app;

-- sql/084's, and an application whose 评定 did not pass held where the 初定 result is published
CREATE OR REPLACE FUNCTION result_withheld(p_app bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT (EXISTS (SELECT 1 FROM application a JOIN step_gate g ON g.pipeline_id = a.pipeline_id
		AND g.seq = a.step_seq AND g.gate = 'carried' WHERE a.id = p_app)
	AND NOT coalesce((SELECT b.carried FROM ballot_to_publish(p_app) b), false))
	OR (EXISTS (SELECT 1 FROM application a JOIN step_gate g ON g.pipeline_id = a.pipeline_id
		AND g.seq = a.step_seq AND g.gate = 'assessed' WHERE a.id = p_app)
	AND NOT coalesce((SELECT s.passed FROM assessment_to_publish(p_app) s), true))
$$;

-- A move at a step that 评定s, reports a 评定 or publishes it takes the program's full path,
-- which records the 评定 and keeps one not passed for its publication (lib/chain.c); as sql/084.
CREATE OR REPLACE FUNCTION chain_write_ungated(p_app bigint, p_action text, p_from_step int,
	p_user bigint, p_org bigint, p_text text, p_checks jsonb, p_role text, p_ip text)
RETURNS TABLE (gated bool, to_step int, to_state text, next_org bigint, next_step_name text,
	next_org_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM application a JOIN step_gate g
	    ON g.pipeline_id = a.pipeline_id AND g.seq = p_from_step WHERE a.id = p_app
	    AND (p_action = 'pass' OR g.gate IN ('vote', 'interview', 'carried', 'ballot', 'assess',
		'assessment', 'assessed'))) THEN
		gated := true;
		RETURN NEXT;
		RETURN;
	END IF;
	RETURN QUERY SELECT false, w.to_step, w.to_state, w.next_org, w.next_step_name,
		w.next_org_name
	FROM chain_write(p_app, p_action, p_from_step, p_user, p_org, p_text, p_checks, p_role,
		p_ip) w;
END
$$;

-- The move of a step that 评定s (lib/chain.c, once its checks are made): the 评定 recorded and
-- audited as what it is, then chain_write()'s pass with the words the history and the applicant
-- read, whatever the result; and the desk of the organisation that 评定d says 不通过 when it
-- was one (its 已审查 list and the detail page read 已评定不通过, not the pass the move is).
CREATE FUNCTION chain_write_assess(p_app bigint, p_passed boolean, p_from_step int,
	p_user bigint, p_org bigint, p_opinion text, p_checks jsonb, p_role text, p_ip text)
RETURNS TABLE (to_step int, to_state text, next_org bigint, next_step_name text,
	next_org_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM application a JOIN step_gate g ON g.pipeline_id = a.pipeline_id
	    AND g.seq = p_from_step AND g.gate = 'assess' WHERE a.id = p_app) THEN
		RAISE EXCEPTION '当前环节不能评定' USING ERRCODE = 'ZC903';
	END IF;
	INSERT INTO assessment (application_id, step_seq, passed, opinion, user_id, org_id, checks)
	VALUES (p_app, p_from_step, p_passed, p_opinion, p_user, p_org, p_checks);
	INSERT INTO audit_log (actor_user_id, actor_role, actor_org_id, ip, action, target_type,
		target_id)
	VALUES (p_user, p_role, p_org, p_ip, CASE WHEN p_passed THEN 'assess_pass' ELSE 'assess_fail'
		END, 'application', p_app);
	RETURN QUERY SELECT w.to_step, w.to_state, w.next_org, w.next_step_name, w.next_org_name
	FROM chain_write(p_app, 'pass', p_from_step, p_user, p_org, '已评定，初定结果以公布的为准。',
		NULL, p_role, p_ip) w;
	IF NOT p_passed THEN
		UPDATE desk d SET action = 'reject' WHERE d.org_id = p_org AND d.application_id = p_app
		AND d.decided_at IS NOT NULL AND d.step_seq = p_from_step;
	END IF;
END
$$;
ALTER FUNCTION chain_write_assess(bigint, boolean, int, bigint, bigint, text, jsonb, text, text)
	OWNER TO portal_chain;
REVOKE ALL ON FUNCTION chain_write_assess(bigint, boolean, int, bigint, bigint, text, jsonb, text,
	text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chain_write_assess(bigint, boolean, int, bigint, bigint, text, jsonb,
	text, text) TO portal_app;

-- A pass where a result is published says the result: 您申报的《…》初定结果已公布：通过，现由…
-- 进行“制发文件、网络打印证书”。 One who passed read only 已完成“公布初定结果”环节 (sql/075), and
-- one who failed was told 未通过 (sql/084): a probe found the passed never told so.
CREATE OR REPLACE FUNCTION notice_render(p_action text, p_to_state text, p_from_step int,
	p_plan text, p_step text, p_next_step text, p_next_org text, p_reason text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	handing boolean := coalesce(p_step ~ '^公布.*结果$|结果报', false)
		OR (p_action = 'pass' AND coalesce(p_next_step ~ '^公布.*结果$|结果报', false));
	reason text := coalesce(regexp_replace(btrim(p_reason), '[。.\s]+$', ''), '');
BEGIN
	IF p_action = 'reject' AND coalesce(p_step ~ '^公布.+结果$', false) THEN
		RETURN '【职称申报】您申报的《' || coalesce(p_plan, '') || '》' || substr(p_step, 3)
			|| '已公布：未通过，理由：' || reason || '。';
	END IF;
	IF p_action = 'pass' AND p_to_state = 'in_review' AND coalesce(p_step ~ '^公布.+结果$', false) THEN
		RETURN '【职称申报】您申报的《' || coalesce(p_plan, '') || '》' || substr(p_step, 3)
			|| '已公布：通过，现由' || coalesce(p_next_org, '') || '进行“' || coalesce(p_next_step, '')
			|| '”。';
	END IF;
	RETURN (SELECT replace(replace(replace(replace(replace(
		CASE WHEN handing THEN replace(replace(t.text, '已通过“{step}”', '已完成“{step}”环节'),
			'未通过“{step}”', '在“{step}”环节未通过') ELSE t.text END,
		'{plan}', coalesce(p_plan, '')),
		'{step}', coalesce(p_step, '')), '{next_step}', coalesce(p_next_step, '')),
		'{next_org}', coalesce(p_next_org, '')),
		'{reason}', reason)
	FROM notice_text t
	WHERE t.action = p_action AND t.to_state = p_to_state AND t.from_step IN (0, p_from_step)
	ORDER BY t.from_step DESC LIMIT 1);
END
$$;
