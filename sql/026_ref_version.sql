-- 026_ref_version.sql: one number that moves whenever a name a worklist row
-- shows from the reference tables changes.
--
-- A worklist page looked up, for each of its rows, the plan's, the pipeline's,
-- the region's and the step's names, the step's actions and the working-day
-- ordinal of its arrival: five index probes a row, half of the page's
-- statement (~0.5 of 1.15 ms at 100 000 applications). The programs keep these
-- small tables (lib/refnames.c) and read them again when ref_version.n is not
-- the number they read them at; every page's statement gives n with its rows
-- (one lookup, in the rows' snapshot). Each change
-- to one of the tables, by any role, moves it (a statement trigger, so a
-- rename of ten plans is one step), in the changing transaction: a program
-- that sees the new names sees the new number.
CREATE TABLE ref_version (
	one bool PRIMARY KEY DEFAULT true CHECK (one),
	n bigint NOT NULL
);
INSERT INTO ref_version (n) VALUES (1);

CREATE FUNCTION ref_version_bump() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	UPDATE ref_version SET n = n + 1;
	RETURN NULL;
END
$$;

CREATE TRIGGER ref_version_plan AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan
	FOR EACH STATEMENT EXECUTE FUNCTION ref_version_bump();
CREATE TRIGGER ref_version_pipeline AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pipeline
	FOR EACH STATEMENT EXECUTE FUNCTION ref_version_bump();
CREATE TRIGGER ref_version_step AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pipeline_step
	FOR EACH STATEMENT EXECUTE FUNCTION ref_version_bump();
CREATE TRIGGER ref_version_region AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON region
	FOR EACH STATEMENT EXECUTE FUNCTION ref_version_bump();
-- refilled by the calendar's triggers (sql/008) when a day or a year changes
CREATE TRIGGER ref_version_workday AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON workday_ordinal
	FOR EACH STATEMENT EXECUTE FUNCTION ref_version_bump();

GRANT SELECT ON ref_version TO portal_app;
