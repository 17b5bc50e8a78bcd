-- 037_ref_version_gates.sql: the steps' gates and the reviewers' checklist
-- among what the programs keep.
--
-- A detail page read, besides the application, the list of its step's gates
-- (a join of the application, its step and step_gate, sorted) and the
-- reviewer's checklist (checklist_item), each a statement of the page's round
-- trip. Both are small tables that change only by a migration or the
-- operator's hand, like the steps' names: the programs keep them with those
-- (lib/refnames.c) and read them again when ref_version moves, which a change
-- to either now moves too (in the changing transaction, as sql/026's).
CREATE TRIGGER ref_version_gate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON step_gate
	FOR EACH STATEMENT EXECUTE FUNCTION ref_version_bump();
CREATE TRIGGER ref_version_checklist AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON checklist_item
	FOR EACH STATEMENT EXECUTE FUNCTION ref_version_bump();
