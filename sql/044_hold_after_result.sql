-- 044_hold_after_result.sql: a 退回 or 不通过 does not undo a committee's vote
-- or a passed interview.
--
-- A pass at a step with a gate already went the program's full path, where
-- lib/gate.c checks it. A 退回 or 不通过 did not: the committee office could
-- end an application its committee had just voted through, or one whose
-- ballot was still open, and the county one that passed its interview.
-- lib/gate.c's gates_hold() now refuses those on the full path, and a 退回 or
-- 不通过 at a step with a vote or a required interview takes that path too
-- (gated: nothing done here). Other steps' moves are as before.
CREATE OR REPLACE FUNCTION chain_write_ungated(p_app bigint, p_action text, p_from_step int,
	p_user bigint, p_org bigint, p_text text, p_checks jsonb, p_role text, p_ip text)
RETURNS TABLE (gated bool, to_step int, to_state text, next_org bigint, next_step_name text,
	next_org_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM application a JOIN step_gate g
	    ON g.pipeline_id = a.pipeline_id AND g.seq = p_from_step WHERE a.id = p_app
	    AND (p_action = 'pass' OR g.gate IN ('vote', 'interview'))) THEN
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
