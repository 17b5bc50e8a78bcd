-- 022_stay_pending.sql: the decisions counted when the statistics are read,
-- not under every move's lock.
--
-- sql/016 counted each decision into stay_tally as its history row was
-- written: the row of (organisation, plan, chain, step, action, arrival day,
-- decision day) was updated in the move's transaction and stayed locked until
-- it committed. The decisions of one desk on one day mostly share that row, so
-- the clerks of a big unit passing its applications waited for each other's
-- commits one by one (pgbench of chain_write(), 16 connections, make bench's
-- data: "Lock:transactionid" the commonest wait; 530-640 moves/s with the
-- count, 600-840 without it).
--
-- A move now only notes its history row in stay_pending: an insert into a
-- table without an index, which no other move waits for. stay_fold() counts
-- the noted rows into stay_tally and deletes the notes, in one transaction:
-- the statistics call it before they read (lib/stats.c), so what they show
-- is every decision committed before they asked, as before. A note not yet
-- committed is invisible to the fold and left for the next one; two folds at
-- once take the notes one after the other (the second waits for the first's
-- rows and finds them gone), and write their counts in key order, so that
-- neither waits for the other the other way round.
CREATE TABLE stay_pending (
	history_id bigint NOT NULL	-- chain_history.id: a decision not yet in stay_tally
);
-- every fold deletes what it reads, and the next fold's DELETE walks the dead
-- rows until a vacuum removes them (13 857 notes folded: an empty fold 1.6 ms
-- instead of 0.2): vacuumed after every thousand, whatever the table's size
ALTER TABLE stay_pending SET (autovacuum_vacuum_threshold = 1000,
	autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000,
	autovacuum_vacuum_insert_scale_factor = 0);

CREATE OR REPLACE FUNCTION stay_tally_add() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	INSERT INTO stay_pending (history_id)
	SELECT h.id FROM stay_tally_new h
	WHERE h.actor_org_id IS NOT NULL AND h.action IN ('pass', 'return', 'reject');
	RETURN NULL;
END
$$;

CREATE FUNCTION stay_fold() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	WITH d AS (DELETE FROM stay_pending RETURNING history_id)
	INSERT INTO stay_tally AS t (org_id, plan_id, pipeline_id, step, action, arrived_on,
		decided_on, n)
	SELECT h.actor_org_id, a.plan_id, a.pipeline_id, h.from_step, h.action,
		(p.at AT TIME ZONE 'Asia/Shanghai')::date, (h.at AT TIME ZONE 'Asia/Shanghai')::date,
		count(*)
	FROM d JOIN chain_history h ON h.id = d.history_id
	JOIN chain_history p ON p.application_id = h.application_id AND p.no = h.no - 1
	JOIN application a ON a.id = h.application_id
	GROUP BY 1, 2, 3, 4, 5, 6, 7
	ORDER BY 1, 2, 3, 4, 5, 6, 7
	ON CONFLICT (org_id, plan_id, pipeline_id, step, action, arrived_on, decided_on)
	DO UPDATE SET n = t.n + EXCLUDED.n;
$$;

-- the history's writer notes; the fold, as portal_chain, counts and deletes;
-- the programs that show statistics may ask for a fold, nothing more
GRANT SELECT, INSERT, DELETE ON stay_pending TO portal_chain;
ALTER FUNCTION stay_fold() OWNER TO portal_chain;
REVOKE ALL ON FUNCTION stay_fold() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stay_fold() TO portal_county, portal_city, portal_hrb, portal_admin;
