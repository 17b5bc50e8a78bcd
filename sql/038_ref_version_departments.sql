-- 038_ref_version_departments.sql: the chain's holders among what the
-- programs keep.
--
-- A detail page (and the applicant's timeline and wizard) asked the database
-- for the holder of each step of the application's chain, step_owners():
-- for a county's or a city's step, a probe of the departments by kind and
-- region, a dozen a page. What it answers depends only on the pipeline, the
-- region and the unit (a unit's own steps are the unit's), on the steps
-- (pipeline_step) and the regions, whose changes move ref_version already,
-- and on the organisations' kind, region and status. The programs keep its
-- answer for each pipeline and region (lib/refnames.c, ref_owners(): the
-- unit's steps as -1, filled in with the application's unit) and ask again
-- when ref_version moves; a department added, or an organisation's kind,
-- region or status changed where it is or becomes a department (one
-- approved, one moved), now moves it, in the changing transaction. Units and
-- talent centres never hold a county's or a city's step (step_owners_of()
-- leaves them out), so their registrations and approvals, the common case,
-- move nothing. (A rename, a removal moved it already: sql/034.) The routing
-- itself, chain_write()'s step_owner(), still asks the database at every
-- move.
CREATE TRIGGER ref_version_org_holders AFTER INSERT ON org
	FOR EACH ROW WHEN (NEW.kind NOT IN ('unit', 'talent_centre'))
	EXECUTE FUNCTION ref_version_bump();
CREATE TRIGGER ref_version_org_holders_changed AFTER UPDATE OF kind, region_id, status ON org
	FOR EACH ROW WHEN (NEW.kind NOT IN ('unit', 'talent_centre')
		OR OLD.kind NOT IN ('unit', 'talent_centre'))
	EXECUTE FUNCTION ref_version_bump();
