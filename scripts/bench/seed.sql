-- Bench data (never used by tests or the demo): :n applications spread over
-- the counties the way real life skews them (婺城区 holds a tenth, one unit of
-- it a fifth of all; the rest a handful each), at the county's 资格审查 step,
-- each on the desks of its unit (decided) and its county (waiting), with one
-- submission. Run with -v n=<count> -v offset=<first number>.
CREATE TEMP TABLE bench_src AS
SELECT g AS k,
	CASE WHEN g % 10 = 0 THEN (SELECT id FROM region WHERE code = '330702')
	     ELSE (SELECT id FROM region WHERE level = 'county' AND code NOT IN ('330702', '330700-sbj')
	           ORDER BY code OFFSET (g % 8) LIMIT 1) END AS region_id
FROM generate_series(:offset + 1, :offset + :n) g;

-- one unit per 2 000 applications in each county, and the big one
INSERT INTO org (kind, name, region_id, portal, ownership, status)
SELECT DISTINCT 'unit', '压测单位' || s.region_id || '-' || (s.k / 2000), s.region_id, 'unit', 'private', 'approved'
FROM bench_src s
WHERE NOT EXISTS (SELECT 1 FROM org o WHERE o.name = '压测单位' || s.region_id || '-' || (s.k / 2000));

CREATE TEMP TABLE bench_app AS
SELECT s.k, s.region_id, o.id AS unit_id,
	'bench' || s.k AS username
FROM bench_src s JOIN org o ON o.name = '压测单位' || s.region_id || '-' || (s.k / 2000);

INSERT INTO app_user (role, username, name, idcard, mobile, password_hash)
SELECT 'applicant', b.username, '压测' || chr(19968 + (b.k % 20000)) || chr(19968 + (b.k * 7 % 20000)),
	b.username, '139' || lpad((b.k % 100000000)::text, 8, '0'),
	(SELECT password_hash FROM app_user WHERE username = 'admin')
FROM bench_app b;
-- app_user's check wants applicants' idcard = username; bench users are not people
INSERT INTO plan (year, name, level, opens_on, closes_on)
VALUES (2023, '压测计划', 'mid', current_date - 30, current_date + 60) ON CONFLICT (name) DO NOTHING;

WITH ins AS (
	INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id, step_seq,
		state, current_org_id, submitted_at, updated_at, statement, category, method, specialty)
	SELECT u.id, (SELECT id FROM plan WHERE name = '压测计划'),
		(SELECT id FROM pipeline WHERE code = 'mid_review'), b.unit_id, b.region_id, 4, 'in_review',
		(SELECT o.id FROM org o WHERE o.kind = 'construction' AND o.region_id = b.region_id),
		now() - (b.k % 3000) * interval '1 minute', now() - (b.k % 3000) * interval '1 minute',
		'压测述职', 'construction', 'normal', '建筑工程施工'
	FROM bench_app b JOIN app_user u ON u.username = b.username
	RETURNING id, applicant_id, unit_org_id, current_org_id, submitted_at)
, d1 AS (
	INSERT INTO desk (org_id, application_id, arrived_at, step_seq, decided_at, action,
		decided_snapshot, applicant_name, touched_at)
	SELECT ins.unit_org_id, ins.id, ins.submitted_at - interval '10 days', 3, ins.submitted_at, 'pass', 1,
		u.name, ins.submitted_at FROM ins JOIN app_user u ON u.id = ins.applicant_id)
, d2 AS (
	INSERT INTO desk (org_id, application_id, arrived_at, step_seq, applicant_name, touched_at)
	SELECT ins.current_org_id, ins.id, ins.submitted_at, 4, u.name, ins.submitted_at
	FROM ins JOIN app_user u ON u.id = ins.applicant_id)
INSERT INTO application_snapshot (application_id, no, data, changes, at)
SELECT ins.id, 1, '{"statement":"压测述职"}', '[]', ins.submitted_at FROM ins;

ANALYZE;
