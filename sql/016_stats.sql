-- 016_stats.sql: the statistics dashboard of the departments and the
-- operator (issue 9, lib/stats.c).
--
-- How long a decision took is the time from the history row that brought
-- the application to the step to the decision's own row: the row before it.
-- Pairing every decision with the row before at each look at a dashboard
-- costs a pass over the whole history (a city department sees nearly every
-- application, and a chain has a dozen steps), so the database keeps the
-- decisions counted as they are written, whoever writes them: per
-- organisation, plan, chain, step, action and the pair of days (arrival,
-- decision; Asia/Shanghai), how many. The working days between the two days
-- are counted when the figures are asked for, on the holiday calendar as it
-- is then, so a corrected calendar counts at once; and a day pair repeats
-- often enough that the counts are a small fraction of the history. Two
-- decisions with the same keys at once (one organisation, step, action and
-- days) wait for each other only until the first commits, as desk_tally's
-- counters do; every move locks at most one of these rows.
CREATE TABLE stay_tally (
	org_id bigint NOT NULL,		-- who decided
	plan_id int NOT NULL,
	pipeline_id int NOT NULL,
	step int NOT NULL,		-- where it stayed (chain_history.from_step)
	action text NOT NULL CHECK (action IN ('pass', 'return', 'reject')),
	arrived_on date NOT NULL,
	decided_on date NOT NULL,
	n int NOT NULL CHECK (n > 0),
	PRIMARY KEY (org_id, plan_id, pipeline_id, step, action, arrived_on, decided_on)
);

-- The decisions of a set of new history rows, counted by their keys.
CREATE FUNCTION stay_tally_add() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	INSERT INTO stay_tally AS t (org_id, plan_id, pipeline_id, step, action, arrived_on,
		decided_on, n)
	SELECT h.actor_org_id, a.plan_id, a.pipeline_id, h.from_step, h.action,
		(p.at AT TIME ZONE 'Asia/Shanghai')::date, (h.at AT TIME ZONE 'Asia/Shanghai')::date,
		count(*)
	FROM stay_tally_new h
	JOIN chain_history p ON p.application_id = h.application_id AND p.no = h.no - 1
	JOIN application a ON a.id = h.application_id
	WHERE h.actor_org_id IS NOT NULL AND h.action IN ('pass', 'return', 'reject')
	GROUP BY 1, 2, 3, 4, 5, 6, 7
	ON CONFLICT (org_id, plan_id, pipeline_id, step, action, arrived_on, decided_on)
	DO UPDATE SET n = t.n + EXCLUDED.n;
	RETURN NULL;
END
$$;
-- once per statement that writes history (chain_write() writes one row, a
-- bulk load many): the rows before are visible by then
CREATE TRIGGER stay_tally_add AFTER INSERT ON chain_history
	REFERENCING NEW TABLE AS stay_tally_new
	FOR EACH STATEMENT EXECUTE FUNCTION stay_tally_add();

-- the decisions of the history so far
INSERT INTO stay_tally (org_id, plan_id, pipeline_id, step, action, arrived_on, decided_on, n)
SELECT h.actor_org_id, a.plan_id, a.pipeline_id, h.from_step, h.action,
	(p.at AT TIME ZONE 'Asia/Shanghai')::date, (h.at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
FROM chain_history h
JOIN chain_history p ON p.application_id = h.application_id AND p.no = h.no - 1
JOIN application a ON a.id = h.application_id
WHERE h.actor_org_id IS NOT NULL AND h.action IN ('pass', 'return', 'reject')
GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- The trigger counts as portal_chain, the one role that writes history; the
-- department programs and the operator's read the counts, nobody writes them.
ALTER FUNCTION stay_tally_add() OWNER TO portal_chain;
REVOKE ALL ON FUNCTION stay_tally_add() FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON stay_tally TO portal_chain;
GRANT SELECT ON stay_tally TO portal_county, portal_city, portal_hrb, portal_admin;
