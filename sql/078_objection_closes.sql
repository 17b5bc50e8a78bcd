-- 078_objection_closes.sql: an open 异议 ends with the application's 不通过 or 退回.
--
-- The chains' walk: an objection raised on a 公示 (the unit's, the HR bureau's, the results')
-- held the pass, as it must; the department then decided 审查不通过 (as the page tells it to
-- when an objection is upheld), and the objection stayed open for ever: 处理意见 empty, in the
-- list of open objections of an application that had ended. A 不通过 at the step of the
-- objection now answers it in the decision's words, by its clerk; a 退回 closes it with the
-- publicity it was raised on (a resubmission is publicised again), saying it was not answered
-- otherwise. The history row is where both are known (chain_write() inserts it last, in the
-- move's transaction).
CREATE FUNCTION objection_close_text(p_action text, p_text text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT left(CASE p_action WHEN 'reject' THEN '申报已审查不通过' || coalesce('：' || p_text, '')
		ELSE '随申报退回修改关闭（本次公示随之失效，异议未另作处理）' || coalesce('；退回理由：' || p_text, '')
		END, 1000)
$$;

CREATE FUNCTION objection_close_on_decision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE objection SET resolution = objection_close_text(NEW.action, NEW.text),
		resolved_by = NEW.actor_user_id, resolved_at = now()
	WHERE application_id = NEW.application_id AND step_seq = NEW.from_step AND resolved_at IS NULL;
	RETURN NULL;
END
$$;
CREATE TRIGGER objection_close AFTER INSERT ON chain_history
	FOR EACH ROW WHEN (NEW.action IN ('reject', 'return'))
	EXECUTE FUNCTION objection_close_on_decision();
GRANT SELECT, UPDATE (resolution, resolved_by, resolved_at) ON objection TO portal_chain;

-- Those already left open so: by the first such decision after each was raised.
UPDATE objection o SET resolution = objection_close_text(h.action, h.text),
	resolved_by = h.actor_user_id, resolved_at = h.at
FROM (SELECT DISTINCT ON (ob.id) ob.id AS objection_id, x.action, x.text, x.actor_user_id, x.at
	FROM objection ob JOIN chain_history x ON x.application_id = ob.application_id
	AND x.from_step = ob.step_seq AND x.action IN ('reject', 'return') AND x.at >= ob.created_at
	WHERE ob.resolved_at IS NULL ORDER BY ob.id, x.at, x.no) h
WHERE o.id = h.objection_id;
