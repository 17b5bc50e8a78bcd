-- 075_notice_step_verb.sql: the 12333 message of a step that reviews nothing does not say it
-- was "passed".
--
-- A pass's message reads 您申报的《…》已通过“{step}”: right for 单位资格审查 or 市建设中评委评审,
-- odd for the steps that publish or hand on a result: 已通过“公布评审结果”, 已通过“评审结果报市
-- 人力社保局” (noticed by the walks). Of those steps the message now says 已完成“{step}”环节,
-- and a 不通过 there (an objection upheld to the results publicity) 在“{step}”环节未通过.
-- The steps are known by their names (公布…结果, …结果报…), the ones in the notice's chains.
CREATE OR REPLACE FUNCTION notice_render(p_action text, p_to_state text, p_from_step int,
	p_plan text, p_step text, p_next_step text, p_next_org text, p_reason text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	handing boolean := coalesce(p_step ~ '^公布.*结果$|结果报', false);
BEGIN
	RETURN (SELECT replace(replace(replace(replace(replace(
		CASE WHEN handing THEN replace(replace(t.text, '已通过“{step}”', '已完成“{step}”环节'),
			'未通过“{step}”', '在“{step}”环节未通过') ELSE t.text END,
		'{plan}', coalesce(p_plan, '')),
		'{step}', coalesce(p_step, '')), '{next_step}', coalesce(p_next_step, '')),
		'{next_org}', coalesce(p_next_org, '')),
		'{reason}', coalesce(regexp_replace(btrim(p_reason), '[。.\s]+$', ''), ''))
	FROM notice_text t
	WHERE t.action = p_action AND t.to_state = p_to_state AND t.from_step IN (0, p_from_step)
	ORDER BY t.from_step DESC LIMIT 1);
END
$$;
