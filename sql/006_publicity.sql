-- 006_publicity.sql: the unit registers its 公示 in the portal (资格公示与报送).

-- A clerk may correct the start date of a publicity it registered.
GRANT UPDATE (starts_on, created_by, created_at) ON publicity TO portal_unit;

-- The n-th working day counted from from_day (from_day itself is the first
-- when it is one): the last day of an n-working-day publicity.
CREATE FUNCTION nth_working_day(from_day date, n int) RETURNS date
LANGUAGE sql STABLE AS $$
	SELECT g::date FROM generate_series(from_day, from_day + 10 * n + 30, interval '1 day') g
	WHERE is_working_day(g::date) ORDER BY g OFFSET n - 1 LIMIT 1
$$;

-- When the application last arrived at the step it is on now. A publicity
-- counts only when it was registered after that: a returned and resubmitted
-- application is publicised again.
CREATE FUNCTION step_arrival(app bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT max(h.at) FROM chain_history h JOIN application a ON a.id = h.application_id
	WHERE h.application_id = app AND h.to_step = a.step_seq
$$;
