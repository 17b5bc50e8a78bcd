-- 017_performance.sql: what `make bench` (issue 10) found at 100 000
-- applications in 12 500 units.
--
-- step_owner() (sql/010) finds a step's department by kind and region: with
-- thousands of units in org and no index that serves "kind = x AND region_id
-- = y" for every kind (org_one_dept_per_region leaves units out, so the
-- planner cannot use it for a kind it does not know), each call read the
-- whole table: 4-6 ms a step, twelve steps on every reviewer's detail page,
-- one on every move to a county or city department.
CREATE INDEX org_kind_region ON org (kind, region_id);

-- A function in LANGUAGE sql that PostgreSQL cannot inline (one with a FROM
-- or a subquery) is parsed and planned again at every call; one in plpgsql
-- keeps its plan for the connection. These are called on every move, every
-- reviewer's detail page and every fee shown: the same statements, planned
-- once. (What each returns is as before: one row, or NULL when none.)
CREATE OR REPLACE FUNCTION step_owner(app bigint, step int) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT CASE s.actor_level
	WHEN 'unit' THEN a.unit_org_id
	WHEN 'county' THEN coalesce(
		(SELECT o.id FROM org o WHERE o.kind = s.actor_kind
		  AND o.region_id = a.region_id AND o.status = 'approved'),
		(SELECT o.id FROM org o JOIN region g ON g.parent_id = o.region_id
		  WHERE g.id = a.region_id AND o.kind = s.actor_kind AND o.status = 'approved'))
	WHEN 'city' THEN
		(SELECT o.id FROM org o JOIN region g ON o.region_id = coalesce(g.parent_id, g.id)
		  WHERE g.id = a.region_id AND o.kind = s.actor_kind AND o.status = 'approved')
	END
	FROM application a JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = step
	WHERE a.id = app);
END
$$;

CREATE OR REPLACE FUNCTION notice_render(p_action text, p_to_state text, p_from_step int,
	p_plan text, p_step text, p_next_step text, p_next_org text, p_reason text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT replace(replace(replace(replace(replace(t.text, '{plan}', coalesce(p_plan, '')),
		'{step}', coalesce(p_step, '')), '{next_step}', coalesce(p_next_step, '')),
		'{next_org}', coalesce(p_next_org, '')),
		'{reason}', coalesce(regexp_replace(btrim(p_reason), '[。.\s]+$', ''), ''))
	FROM notice_text t
	WHERE t.action = p_action AND t.to_state = p_to_state AND t.from_step IN (0, p_from_step)
	ORDER BY t.from_step DESC LIMIT 1);
END
$$;

CREATE OR REPLACE FUNCTION fee_org(app bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT step_owner(a.id, g.seq) FROM application a
	JOIN step_gate g ON g.pipeline_id = a.pipeline_id AND g.gate = 'fee'
	WHERE a.id = app ORDER BY g.seq LIMIT 1);
END
$$;

-- app_fee_items() stays in sql: a set-returning function of one SELECT, it is
-- inlined into the statement that calls it, here planned once
CREATE OR REPLACE FUNCTION app_fee(app bigint) RETURNS int
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT coalesce(sum(amount), 0)::int FROM app_fee_items(app));
END
$$;

CREATE OR REPLACE FUNCTION step_arrival(app bigint) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT max(h.at) FROM chain_history h JOIN application a ON a.id = h.application_id
	WHERE h.application_id = app AND h.to_step = a.step_seq);
END
$$;

CREATE OR REPLACE FUNCTION working_days_known(a date, b date) RETURNS int
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT n FROM workday_ordinal WHERE day = b) -
		(SELECT n FROM workday_ordinal WHERE day = a);
END
$$;

CREATE OR REPLACE FUNCTION profile_complete(uid bigint) RETURNS bool
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce((SELECT p.ethnicity IS NOT NULL AND p.education IS NOT NULL
		AND p.degree IS NOT NULL AND p.school IS NOT NULL AND p.major IS NOT NULL
		AND p.graduation_date IS NOT NULL AND p.work_start_date IS NOT NULL
		AND p.title IS NOT NULL AND p.specialty IS NOT NULL AND p.staffing IS NOT NULL
		AND p.custody IS NOT NULL
		AND (CASE WHEN p.custody = 'talent_centre' THEN p.centre_org_id ELSE p.unit_org_id END)
		IS NOT NULL
		FROM applicant_profile p WHERE p.user_id = uid), false);
END
$$;
