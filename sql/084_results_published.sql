-- 084_results_published.sql: a committee's result reaches the applicant when it is published.
--
-- The notice's chains: ⑨ 市建设中评委评审 → ⑩ 公布评审结果 (中级评审), and ③ 市住建局初级
-- 评委会…组织评审 → ④ 评审结果报至市人力社保局 → ⑤ 公布评审结果 (初级评审). 按表决结果办理
-- passed the carried ones on with 已通过“市建设中评委评审” and ended the others at once with
-- 未通过, so the applicant read the result the day of the vote, before it was published (a probe
-- of the departments). Now, where a later step of the chain publishes the result (the gate
-- 'carried' below), the vote step hands every application it voted on to that step, carried or
-- not, saying only that it was voted on; the publication step lists the carried ones in the
-- results 公示 and passes them, and ends the others with the ballot's result as the reason, when
-- the results are published. The county's 评审推荐 (中级 ⑥) publishes nothing later: its result
-- is carried out at once, as before.
--
-- 'carried': a pass waits for the result of the application's ballot to be 通过 (lib/gate.c).
-- 'ballot': the same result shown to the department the results are reported to (初级 ④, the
-- 市人力社保局), which hands every one on to the publication; it holds nothing.
INSERT INTO step_gate (pipeline_id, seq, gate, ord)
SELECT p.id, v.seq, v.gate, v.ord FROM pipeline p JOIN (VALUES
	('mid_review', 11, 'carried', 0),
	('junior_review', 5, 'ballot', 0),
	('junior_review', 6, 'carried', 0)
) AS v(pcode, seq, gate, ord) ON v.pcode = p.code;

-- the ballot a step with the gate 'carried' or 'ballot' publishes: the application's latest
-- closed ballot that decided something (at least one vote: AGENDA_STANDS in lib/portal.h) at the
-- last vote step before its current one; none when there is no such ballot
CREATE FUNCTION ballot_to_publish(p_app bigint)
RETURNS TABLE (meeting_id bigint, carried boolean, agree int, disagree int, abstain int,
	eligible int, held_on text)
LANGUAGE sql STABLE AS $$
	SELECT ag.meeting_id, ag.carried, ag.agree, ag.disagree, ag.abstain, ag.eligible,
		to_char(m.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
	FROM application a
	JOIN meeting_agenda ag ON ag.application_id = a.id
	JOIN committee_meeting m ON m.id = ag.meeting_id AND m.state = 'closed'
	WHERE a.id = p_app AND ag.carried IS NOT NULL
	AND coalesce(ag.agree + ag.disagree + ag.abstain, 1) > 0
	AND ag.step_seq = (SELECT max(g.seq) FROM step_gate g WHERE g.pipeline_id = a.pipeline_id
		AND g.seq < a.step_seq AND g.gate = 'vote')
	ORDER BY m.closed_at DESC, m.id DESC LIMIT 1
$$;

-- an application held at a step that publishes a ballot's result whose ballot did not carry
-- (or that has none): kept out of the results 公示 (lib/publicity.c, lib/chain.c)
CREATE FUNCTION result_withheld(p_app bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM application a JOIN step_gate g ON g.pipeline_id = a.pipeline_id
		AND g.seq = a.step_seq AND g.gate = 'carried' WHERE a.id = p_app)
	AND NOT coalesce((SELECT b.carried FROM ballot_to_publish(p_app) b), false)
$$;

-- whether the result of a vote at step p_seq of chain p_pipeline is published at a later step:
-- one with the gate 'carried' whose last vote step before it is p_seq (中级评审's ⑨, not the
-- county's 评审推荐 ⑥, whose result is carried out at once)
CREATE FUNCTION vote_deferred(p_pipeline int, p_seq int) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM step_gate c WHERE c.pipeline_id = p_pipeline
		AND c.seq > p_seq AND c.gate = 'carried'
		AND p_seq = (SELECT max(v.seq) FROM step_gate v WHERE v.pipeline_id = p_pipeline
			AND v.seq < c.seq AND v.gate = 'vote'))
$$;

-- The message of a pass into a step that hands a result on or publishes it (…结果报…,
-- 公布…结果) says the step is done, not passed: every application the committee voted on
-- goes there (已完成“市建设中评委评审”环节); as sql/075 for the steps themselves. And a
-- 不通过 where the results are published says so, not that the publication was failed
-- (在“公布评审结果”环节未通过 read as if the applicant had failed to be published: a
-- review): 您申报的《…》评审结果已公布：未通过，理由：评审会议表决未通过（…）。
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

-- A 退回 or 不通过 at a step that publishes a ballot's result, or that the result is reported
-- to, takes the program's full path, where lib/gate.c's gates_hold() keeps a result not carried
-- for its publication (a probe ended one from the detail page before anything was published,
-- its reason the clerk's, and the 市人力社保局 ended one at ④); as sql/044 for 'vote'.
CREATE OR REPLACE FUNCTION chain_write_ungated(p_app bigint, p_action text, p_from_step int,
	p_user bigint, p_org bigint, p_text text, p_checks jsonb, p_role text, p_ip text)
RETURNS TABLE (gated bool, to_step int, to_state text, next_org bigint, next_step_name text,
	next_org_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM application a JOIN step_gate g
	    ON g.pipeline_id = a.pipeline_id AND g.seq = p_from_step WHERE a.id = p_app
	    AND (p_action = 'pass' OR g.gate IN ('vote', 'interview', 'carried', 'ballot'))) THEN
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
