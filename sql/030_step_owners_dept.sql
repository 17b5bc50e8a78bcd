-- 030_step_owners_dept.sql: a county's or a city's step found in the index of
-- departments.
--
-- step_owners() (sql/020) finds the department holding a county's or a
-- city's step by its kind and region. There is at most one (the unique
-- org_one_dept_per_region, which leaves units and talent centres out), but
-- the lookups did not say the kind was a department's, so PostgreSQL could
-- not use that index: each took org_kind_region (every unit's row too) as a
-- bitmap scan, two plan nodes set up again for every statement that inlines
-- step_owners() (the detail page's chain, the fee's items in every
-- application read, the department a move goes to). Saying so, each lookup
-- is one probe of the unique index; callgrind of the detail page's chain of
-- owners: 505 700 -> 452 700 instructions (-10 %).
--
-- What the predicate says is made a rule of the pipelines: the holder of a
-- county's or a city's step is a department, never a unit or a talent centre
-- (none is today), so the lookups find what they found before.
ALTER TABLE pipeline_step ADD CONSTRAINT pipeline_step_dept_kind
	CHECK (actor_kind NOT IN ('unit', 'talent_centre'));

CREATE OR REPLACE FUNCTION step_owners(app bigint) RETURNS TABLE (seq int, name text, org_id bigint)
LANGUAGE sql STABLE AS $$
	SELECT s.seq, s.name, CASE s.actor_level
	WHEN 'unit' THEN a.unit_org_id
	-- the county's department, or where the county has none, its parent's
	WHEN 'county' THEN coalesce(
		(SELECT o.id FROM org o WHERE o.kind = s.actor_kind AND o.region_id = a.region_id
		  AND o.kind NOT IN ('unit', 'talent_centre') AND o.status = 'approved'),
		(SELECT o.id FROM org o WHERE o.kind = s.actor_kind AND o.region_id = g.parent_id
		  AND o.kind NOT IN ('unit', 'talent_centre') AND o.status = 'approved'))
	WHEN 'city' THEN
		(SELECT o.id FROM org o WHERE o.kind = s.actor_kind
		  AND o.region_id = coalesce(g.parent_id, g.id)
		  AND o.kind NOT IN ('unit', 'talent_centre') AND o.status = 'approved')
	END
	FROM application a JOIN region g ON g.id = a.region_id
	JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id
	WHERE a.id = app
$$;
