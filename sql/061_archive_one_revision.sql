-- 061_archive_one_revision.sql: an approved 业绩 has at most one revision waiting.
--
-- Editing an approved item makes a new version that replaces it once the unit approves it
-- (cgi-bin/applicant/page-archive.c). Three edits at once made three pending versions, and
-- the unit's approval of each left the applicant with three approved copies of one
-- achievement (the concurrency probe). One waiting revision per item, by construction: a
-- second edit at the same moment loses on this index (409) and the applicant edits the one
-- revision there is. Revisions that already waited side by side keep the newest; the older
-- ones are superseded by it.
UPDATE archive_item i SET status = 'superseded', updated_at = now()
WHERE i.previous_id IS NOT NULL AND i.status IN ('pending', 'rejected')
	AND EXISTS (SELECT 1 FROM archive_item n WHERE n.previous_id = i.previous_id
		AND n.status IN ('pending', 'rejected') AND n.id > i.id);
CREATE UNIQUE INDEX archive_item_one_revision ON archive_item (previous_id)
	WHERE status IN ('pending', 'rejected');
