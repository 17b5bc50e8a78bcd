-- 023_no_jit.sql: the programs' statements are not compiled by JIT.
--
-- PostgreSQL compiles a statement with LLVM when the planner's cost estimate
-- passes jit_above_cost (100 000). At a million applications (125 000 units)
-- the detail page's statement of every step's holder (step_owners(), sql/020)
-- was estimated past it, its org lookups costed for an average kind: every
-- detail page compiled ~90 functions, 75-82 ms, for a statement that runs in
-- 0.7 ms. make bench's detail line fell from 318-439 to 30 pages/s (p50
-- 512 ms). The statistics do not gain either: the operator's 0.88-1.12 s with
-- JIT, 0.55-0.67 s without; the county's 0.37-0.47 s and 0.30-0.41 s. The
-- programs' statements are short and run again and again: none is worth a
-- compiler. Set on the programs' roles (the bench's bare program logs in as
-- portal_unit and so runs the same way); a connection made before takes it
-- when it is made again.
DO $$
DECLARE r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['applicant', 'unit', 'county', 'city', 'hrb', 'admin'] LOOP
		EXECUTE format('ALTER ROLE %I SET jit = off', 'portal_' || r);
	END LOOP;
END
$$;
