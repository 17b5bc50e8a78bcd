-- 078_objection_closes.sql: an open 异议 ends with the application's 不通过 or 退回.
--
-- The chains' walk: an objection raised on a 公示 (the unit's, the HR bureau's, the results')
-- held the pass, as it must; the department then decided 审查不通过 (as the page tells it to
-- when an objection is upheld), and the objection stayed open for ever: 处理意见 empty, in the
-- list of open objections of an application that had ended. A 不通过 or a 退回 at the step
-- of the objection now answers it, in the decision's words and by its clerk; the history row is
-- where both are known (chain_write() inserts it last, in the move's transaction).
CREATE FUNCTION objection_close_on_decision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE objection SET resolution = left('申报已' || CASE NEW.action WHEN 'reject' THEN '审查不通过'
		ELSE '退回修改' END || coalesce('：' || NEW.text, ''), 1000),
		resolved_by = NEW.actor_user_id, resolved_at = now()
	WHERE application_id = NEW.application_id AND step_seq = NEW.from_step AND resolved_at IS NULL;
	RETURN NULL;
END
$$;
CREATE TRIGGER objection_close AFTER INSERT ON chain_history
	FOR EACH ROW WHEN (NEW.action IN ('reject', 'return'))
	EXECUTE FUNCTION objection_close_on_decision();
GRANT SELECT, UPDATE (resolution, resolved_by, resolved_at) ON objection TO portal_chain;

-- Those already left open so.
UPDATE objection o SET resolution = left('申报已' || CASE h.action WHEN 'reject' THEN '审查不通过'
	ELSE '退回修改' END || coalesce('：' || h.text, ''), 1000), resolved_by = h.actor_user_id,
	resolved_at = h.at
FROM chain_history h
WHERE o.resolved_at IS NULL AND h.application_id = o.application_id AND h.from_step = o.step_seq
	AND h.action IN ('reject', 'return') AND h.at >= o.created_at;
