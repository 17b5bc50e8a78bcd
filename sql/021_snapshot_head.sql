-- 021_snapshot_head.sql: an application's last submission, on its own row.
--
-- Every worklist row shows 第 N 次提交 and 有修改: the number of the last
-- submission and whether it changed anything. The page found them with a
-- probe of application_snapshot per row, a LATERAL subquery started 21 times
-- a page: 0.17-0.2 ms of the page's ~0.7 ms at 100 000 applications (pgbench,
-- make bench's data). The application row, which the page reads anyway, now
-- carries them, kept by a trigger on the one table they come from, whoever
-- inserts into it (submissions are numbered 1, 2, … and never deleted).
ALTER TABLE application
	ADD COLUMN snapshot_no int NOT NULL DEFAULT 0,
	ADD COLUMN snapshot_changed bool NOT NULL DEFAULT false;

CREATE FUNCTION snapshot_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	UPDATE application SET snapshot_no = NEW.no,
		snapshot_changed = NEW.no > 1 AND NEW.changes <> '[]'::jsonb
	WHERE id = NEW.application_id AND snapshot_no < NEW.no;
	RETURN NULL;
END
$$;
CREATE TRIGGER snapshot_head AFTER INSERT ON application_snapshot
	FOR EACH ROW EXECUTE FUNCTION snapshot_head();

UPDATE application a SET snapshot_no = s.no, snapshot_changed = s.no > 1 AND s.changes <> '[]'::jsonb
FROM (SELECT DISTINCT ON (application_id) application_id, no, changes FROM application_snapshot
	ORDER BY application_id, no DESC) s
WHERE s.application_id = a.id;

-- written as portal_chain, which writes the rest of an application's
-- position; no program writes these columns itself
ALTER FUNCTION snapshot_head() OWNER TO portal_chain;
REVOKE ALL ON FUNCTION snapshot_head() FROM PUBLIC;
GRANT UPDATE (snapshot_no, snapshot_changed) ON application TO portal_chain;
