-- 081_desk_viewer.sql: who of an organisation has an application open.
--
-- Two clerks of one unit worked one list on deadline day, each with 确认并办理下一件: both were
-- sent to the same next application every time, and the second read each file only to be told
-- someone had decided it (the clerk's-day probe, 5 of 5 rounds). A waiting row of a desk now
-- records who of the organisation last opened it and when (lib/review.c, at most once a minute
-- for the same clerk); the worklist says 王丽华 正在查看 for ten minutes, the next application
-- skips one a colleague has open, and the detail page says so too.
ALTER TABLE desk ADD COLUMN viewed_by bigint REFERENCES app_user(id),
	ADD COLUMN viewed_at timestamptz;
-- the reviewers' programs write these two only (a desk's position is the chain's, sql/010);
-- the applicant's and the operator's have nothing to say of who opened what
GRANT UPDATE (viewed_by, viewed_at) ON desk TO portal_unit, portal_county, portal_city, portal_hrb;
