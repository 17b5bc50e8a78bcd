-- 036_move_ungated.sql: a move at a step without gates in one statement.
--
-- A move was three round trips: the session; BEGIN with chain_open() (the
-- application's row locked alone, then read with what lib/chain.c checks
-- and the step's gates); the gates' checks, then chain_write() with COMMIT.
-- chain_write() checks again everything lib/chain.c checks before it except
-- the gates (the step the clerk saw, the action, the organisation holding
-- it, the opinion), so where a step has no gate a move that goes through
-- needs nothing but chain_write(): the program tries that first, as one
-- statement committed by itself, and takes the full path only when it does
-- not go through (to word the refusal as a clerk reads it, or to wait on a
-- row another move holds and see what that move did) or when the step has
-- a gate to check. The bench's move (a unit's 资格审查 通过): chain_open's
-- 173 us of the backend and a round trip fewer.
--
-- gated: nothing was done, because a pass at p_from_step waits for the
-- program's check of its gates (lib/gate.c): the program then takes the
-- full path. Otherwise chain_write()'s row.
CREATE FUNCTION chain_write_ungated(p_app bigint, p_action text, p_from_step int,
	p_user bigint, p_org bigint, p_text text, p_checks jsonb, p_role text, p_ip text)
RETURNS TABLE (gated bool, to_step int, to_state text, next_org bigint, next_step_name text,
	next_org_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	IF p_action = 'pass' AND EXISTS (SELECT 1 FROM application a JOIN step_gate g
	    ON g.pipeline_id = a.pipeline_id AND g.seq = p_from_step WHERE a.id = p_app) THEN
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
ALTER FUNCTION chain_write_ungated(bigint, text, int, bigint, bigint, text, jsonb, text, text)
	OWNER TO portal_chain;
REVOKE ALL ON FUNCTION chain_write_ungated(bigint, text, int, bigint, bigint, text, jsonb, text,
	text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chain_write_ungated(bigint, text, int, bigint, bigint, text, jsonb, text,
	text) TO portal_app;
