-- 027_stay_tally_all.sql: the operator's count of decisions, without the
-- organisation.
--
-- The operator's statistics read every organisation's decisions from
-- stay_tally (sql/016), whose rows are per organisation, step, action and
-- pair of days: at make bench's million applications 1.01 million rows,
-- 300-325 ms of the page's ~1 s to sum up, for 1 578 distinct rows once the
-- organisation is left out. stay_fold() (sql/022), which counts the noted
-- decisions when statistics are read, now adds them here too: no move
-- writes more than before, and the operator reads a table the size of
-- its answer.
CREATE TABLE stay_tally_all (
	plan_id int NOT NULL,
	pipeline_id int NOT NULL,
	step int NOT NULL,
	action text NOT NULL CHECK (action IN ('pass', 'return', 'reject')),
	arrived_on date NOT NULL,
	decided_on date NOT NULL,
	n int NOT NULL CHECK (n > 0),
	PRIMARY KEY (plan_id, pipeline_id, step, action, arrived_on, decided_on)
);

INSERT INTO stay_tally_all (plan_id, pipeline_id, step, action, arrived_on, decided_on, n)
SELECT plan_id, pipeline_id, step, action, arrived_on, decided_on, sum(n)
FROM stay_tally GROUP BY 1, 2, 3, 4, 5, 6;

-- The notes counted once, into both tables. Two folds at once write each
-- table's rows in key order, the same table first (the main statement's
-- before the WITH's), so that neither waits for the other the other way round.
CREATE OR REPLACE FUNCTION stay_fold() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	WITH d AS (DELETE FROM stay_pending RETURNING history_id),
	c AS (SELECT h.actor_org_id AS org_id, a.plan_id, a.pipeline_id, h.from_step AS step,
		h.action, (p.at AT TIME ZONE 'Asia/Shanghai')::date AS arrived_on,
		(h.at AT TIME ZONE 'Asia/Shanghai')::date AS decided_on, count(*) AS n
	FROM d JOIN chain_history h ON h.id = d.history_id
	JOIN chain_history p ON p.application_id = h.application_id AND p.no = h.no - 1
	JOIN application a ON a.id = h.application_id
	GROUP BY 1, 2, 3, 4, 5, 6, 7),
	o AS (INSERT INTO stay_tally AS t (org_id, plan_id, pipeline_id, step, action, arrived_on,
		decided_on, n)
	SELECT org_id, plan_id, pipeline_id, step, action, arrived_on, decided_on, n FROM c
	ORDER BY 1, 2, 3, 4, 5, 6, 7
	ON CONFLICT (org_id, plan_id, pipeline_id, step, action, arrived_on, decided_on)
	DO UPDATE SET n = t.n + EXCLUDED.n)
	INSERT INTO stay_tally_all AS t (plan_id, pipeline_id, step, action, arrived_on, decided_on, n)
	SELECT plan_id, pipeline_id, step, action, arrived_on, decided_on, sum(n) FROM c
	GROUP BY 1, 2, 3, 4, 5, 6
	ORDER BY 1, 2, 3, 4, 5, 6
	ON CONFLICT (plan_id, pipeline_id, step, action, arrived_on, decided_on)
	DO UPDATE SET n = t.n + EXCLUDED.n;
$$;

ALTER FUNCTION stay_fold() OWNER TO portal_chain;
REVOKE ALL ON FUNCTION stay_fold() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stay_fold() TO portal_county, portal_city, portal_hrb, portal_admin;
-- written by the fold alone; read by the operator's program alone
GRANT SELECT, INSERT, UPDATE ON stay_tally_all TO portal_chain;
GRANT SELECT ON stay_tally_all TO portal_admin;
