-- 028_check_domains.sql: the one-column rules of the tables a move writes,
-- kept as domains.
--
-- PostgreSQL 15 reads a table's CHECK constraints from their stored text,
-- plans and compiles them again in every statement that writes a row of it
-- (ExecRelCheck: nothing of it outlives the statement). A chain move writes
-- application (six of them), desk (two, twice on a move to another
-- organisation), chain_history and notification: callgrind of a move counted
-- ~9.5 % of the database's instructions in reading and planning those
-- constraints, and the applicant's every autosave pays application's six.
-- A domain's constraints are read once a session and kept parsed (the type
-- cache); only compiling them is left to each statement. The rules are
-- the same, checked when a value is written, NULL passing as before; the
-- two rules that span columns stay the tables' own.
--
-- Without a table rewrite: each column changes to a domain without a rule
-- (binary-coercible: its data and indexes stay as they are), then the rule
-- is added to the domain, which checks every stored value once.
CREATE DOMAIN app_state AS text;
CREATE DOMAIN app_category AS text;
CREATE DOMAIN app_method AS text;
CREATE DOMAIN app_wizard_step AS int;
CREATE DOMAIN app_self_score AS int;
CREATE DOMAIN decision_action AS text;
CREATE DOMAIN chain_action AS text;
CREATE DOMAIN notice_status AS text;

ALTER TABLE application
	DROP CONSTRAINT application_state_check,
	DROP CONSTRAINT application_category_check,
	DROP CONSTRAINT application_method_check,
	DROP CONSTRAINT application_wizard_step_check,
	DROP CONSTRAINT application_self_score_check,
	ALTER COLUMN state TYPE app_state,
	ALTER COLUMN category TYPE app_category,
	ALTER COLUMN method TYPE app_method,
	ALTER COLUMN wizard_step TYPE app_wizard_step,
	ALTER COLUMN self_score TYPE app_self_score;
ALTER TABLE desk DROP CONSTRAINT desk_action_check, ALTER COLUMN action TYPE decision_action;
ALTER TABLE chain_history DROP CONSTRAINT chain_history_action_check,
	ALTER COLUMN action TYPE chain_action;
ALTER TABLE notification DROP CONSTRAINT notification_status_check,
	ALTER COLUMN status TYPE notice_status;

ALTER DOMAIN app_state ADD CONSTRAINT app_state_check
	CHECK (VALUE IN ('draft', 'in_review', 'returned', 'rejected', 'completed'));
ALTER DOMAIN app_category ADD CONSTRAINT app_category_check
	CHECK (VALUE IN ('planning', 'construction', 'management'));
ALTER DOMAIN app_method ADD CONSTRAINT app_method_check
	CHECK (VALUE IN ('normal', 'self', 'transfer', 'abc', 'qualification', 'skill'));
ALTER DOMAIN app_wizard_step ADD CONSTRAINT app_wizard_step_check CHECK (VALUE BETWEEN 1 AND 7);
ALTER DOMAIN app_self_score ADD CONSTRAINT app_self_score_check CHECK (VALUE BETWEEN 0 AND 200);
ALTER DOMAIN decision_action ADD CONSTRAINT decision_action_check
	CHECK (VALUE IN ('pass', 'return', 'reject'));
ALTER DOMAIN chain_action ADD CONSTRAINT chain_action_check
	CHECK (VALUE IN ('submit', 'pass', 'return', 'reject'));
ALTER DOMAIN notice_status ADD CONSTRAINT notice_status_check
	CHECK (VALUE IN ('queued', 'sent', 'failed'));

-- chain_open()'s RETURN QUERY must give exactly the types it declares: the
-- state as text (the function otherwise as in sql/017)
CREATE OR REPLACE FUNCTION chain_open(p_app bigint, p_action text, p_org bigint)
RETURNS TABLE (state text, step_seq int, current_org bigint, applicant bigint, step_name text,
	allowed bool, acted_before bool, actor_level text, gates text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	PERFORM 1 FROM application WHERE id = p_app FOR UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT a.state::text, a.step_seq, coalesce(a.current_org_id, 0), a.applicant_id, s.name,
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
