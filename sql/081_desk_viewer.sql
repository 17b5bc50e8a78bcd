-- 081_desk_viewer.sql: who of an organisation has an application open.
--
-- Two clerks of one unit worked one list on deadline day, each with 确认并办理下一件: both were
-- sent to the same next application every time, and the second read each file only to be told
-- someone had decided it (the clerk's-day probe, 5 of 5 rounds). A waiting row of a desk now
-- records who of the organisation opened it first since it arrived, and when (lib/review.c: held
-- for ten minutes, refreshed once a minute by the same clerk's reads); the worklist says
-- 王丽华 3 分钟前打开, the next application skips one a colleague has open, and the detail page
-- says so too. An account removed takes its marks with it.
ALTER TABLE desk ADD COLUMN viewed_by bigint REFERENCES app_user(id) ON DELETE SET NULL,
	ADD COLUMN viewed_at timestamptz;
-- the reviewers' programs write these two only (a desk's position is the chain's, sql/010);
-- the applicant's and the operator's have nothing to say of who opened what
GRANT UPDATE (viewed_by, viewed_at) ON desk TO portal_unit, portal_county, portal_city, portal_hrb;
