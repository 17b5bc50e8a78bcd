-- 039_ref_version_fees.sql: the fee's items among what the programs keep.
--
-- Every page that shows an application (the reviewers' detail pages, the
-- applicant's application, each autosave's answer) found its fee's items in
-- the application's statement: app_fee_items_of() (sql/033), the fee step's
-- department through the chain's holders, then its items or the plan's
-- 推荐费 and 评审费, 29 of the statement's 56 plan nodes. What it answers
-- depends on the plan, the pipeline, the region (and the unit, where a unit
-- holds a fee step), on the plan's fees, the steps, their gates, the regions
-- and the departments, whose changes move ref_version already (sql/026, 037,
-- 038), and on fee_item, which a department edits (lib/fee.c): a change to it
-- now moves it too, in the changing transaction. The programs keep the answer
-- per plan, pipeline and region (lib/refnames.c, ref_fee()) and ask again when
-- ref_version moves. What an order charges is still found by the database
-- when it is made (lib/fee.c, app_fee()), never from what a program keeps.
CREATE TRIGGER ref_version_fee_item AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fee_item
	FOR EACH STATEMENT EXECUTE FUNCTION ref_version_bump();
