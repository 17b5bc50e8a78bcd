-- Bench data (never used by tests or the demo): :n applications spread over
-- the counties the way real life skews them (婺城区 holds a tenth, one unit of
-- it a fifth of all; the rest a handful each), each with one submission and
-- the chain history that brought it where it is, over the last weeks: the
-- applicant submitted, the unit checked it (资格审查) and, after its 公示,
-- reported it to the county's 资格审查 step (4). There seven in ten wait on the
-- county's desk; of the others the county passed four (now waiting at the
-- county's 人力社保局, step 5), returned one and rejected one. The desks are
-- those chain_write() would have left. Run with -v n=<count> -v offset=<first number>.
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

-- when each move happened and how it ended, drawn from a hash of k so that
-- every county gets its share (h % 20: 0-13 waiting at the county, 14-17
-- passed on, 18 returned, 19 rejected)
CREATE TEMP TABLE bench_app AS
SELECT s.k, s.region_id, o.id AS unit_id, 'bench' || s.k AS username,
	t.sub, t.unit1, t.unit2, t.unit2 + (t.h % 9) * interval '1 day' + interval '3 hours' AS county,
	CASE WHEN t.h % 20 < 14 THEN 'wait' WHEN t.h % 20 < 18 THEN 'pass'
	     WHEN t.h % 20 = 18 THEN 'return' ELSE 'reject' END AS outcome,
	(SELECT c.id FROM org c WHERE c.kind = 'construction' AND c.region_id = s.region_id) AS county_org,
	(SELECT c.id FROM org c WHERE c.kind = 'hrb' AND c.region_id = s.region_id) AS hrb_org
FROM bench_src s JOIN org o ON o.name = '压测单位' || s.region_id || '-' || (s.k / 2000)
CROSS JOIN LATERAL (SELECT abs(hashint4(s.k)::bigint) AS h) h0
CROSS JOIN LATERAL (SELECT h0.h, now() - (30 + h0.h % 40) * interval '1 day'
	- (s.k % 3000) * interval '1 minute' AS sub) t0
CROSS JOIN LATERAL (SELECT t0.h, t0.sub, t0.sub + (t0.h % 5) * interval '1 day'
	+ (t0.h % 7) * interval '1 hour' AS unit1) t1
CROSS JOIN LATERAL (SELECT t1.h, t1.sub, t1.unit1, t1.unit1 + (7 + t1.h % 6) * interval '1 day' AS unit2) t;

INSERT INTO app_user (role, username, name, idcard, mobile, password_hash)
SELECT 'applicant', b.username, '压测' || chr(19968 + (b.k % 20000)) || chr(19968 + (b.k * 7 % 20000)),
	b.username, '139' || lpad((b.k % 100000000)::text, 8, '0'),
	(SELECT password_hash FROM app_user WHERE username = 'admin')
FROM bench_app b;
-- app_user's check wants applicants' idcard = username; bench users are not people
INSERT INTO plan (year, name, level, opens_on, closes_on)
VALUES (2023, '压测计划', 'mid', current_date - 90, current_date + 60) ON CONFLICT (name) DO NOTHING;

CREATE TEMP TABLE bench_ins AS
WITH ins AS (
	INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id, step_seq,
		state, current_org_id, submitted_at, updated_at, statement, category, method, specialty)
	SELECT u.id, (SELECT id FROM plan WHERE name = '压测计划'),
		(SELECT id FROM pipeline WHERE code = 'mid_review'), b.unit_id, b.region_id,
		CASE b.outcome WHEN 'pass' THEN 5 WHEN 'return' THEN 1 ELSE 4 END,
		CASE b.outcome WHEN 'wait' THEN 'in_review' WHEN 'pass' THEN 'in_review'
		     WHEN 'return' THEN 'returned' ELSE 'rejected' END,
		CASE b.outcome WHEN 'wait' THEN b.county_org WHEN 'pass' THEN b.hrb_org END,
		b.sub, CASE b.outcome WHEN 'wait' THEN b.unit2 ELSE b.county END,
		'压测述职', (ARRAY['construction', 'construction', 'planning', 'management'])[1 + b.k % 4],
		(ARRAY['normal', 'normal', 'normal', 'self', 'qualification', 'abc', 'transfer'])[1 + b.k % 7],
		'建筑工程施工'
	FROM bench_app b JOIN app_user u ON u.username = b.username
	RETURNING id, applicant_id)
SELECT ins.id, ins.applicant_id, b.*, u.name, c.id AS clerk
FROM ins JOIN app_user u ON u.id = ins.applicant_id JOIN bench_app b ON b.username = u.username
LEFT JOIN (SELECT org_id, min(id) AS id FROM app_user WHERE org_id IS NOT NULL GROUP BY org_id) c
	ON c.org_id = b.county_org;

INSERT INTO application_snapshot (application_id, no, data, changes, at)
SELECT i.id, 1, '{"statement":"压测述职"}', '[]', i.sub FROM bench_ins i;

-- the history: submission, the unit's two passes, the county's decision
INSERT INTO chain_history (application_id, no, action, from_step, to_step, from_state, to_state,
	text, actor_user_id, actor_org_id, at, snapshot_no)
SELECT i.id, 1, 'submit', 1, 2, 'draft', 'in_review', NULL, i.applicant_id, NULL, i.sub, 1
FROM bench_ins i
UNION ALL
SELECT i.id, 2, 'pass', 2, 3, 'in_review', 'in_review', '资格审查通过',
	(SELECT id FROM app_user WHERE username = 'admin'), i.unit_id, i.unit1, 1
FROM bench_ins i
UNION ALL
SELECT i.id, 3, 'pass', 3, 4, 'in_review', 'in_review', '公示无异议，推荐上报',
	(SELECT id FROM app_user WHERE username = 'admin'), i.unit_id, i.unit2, 1
FROM bench_ins i
UNION ALL
SELECT i.id, 4, i.outcome, 4, CASE i.outcome WHEN 'pass' THEN 5 WHEN 'return' THEN 1 ELSE 4 END,
	'in_review', CASE i.outcome WHEN 'pass' THEN 'in_review' WHEN 'return' THEN 'returned'
	ELSE 'rejected' END, '压测意见', i.clerk, i.county_org, i.county, 1
FROM bench_ins i WHERE i.outcome <> 'wait';

-- the desks: the unit's (decided at step 3), the county's, the county 人力社保局's
INSERT INTO desk (org_id, application_id, arrived_at, step_seq, decided_at, action,
	decided_snapshot, applicant_name, touched_at)
SELECT i.unit_id, i.id, i.unit1, 3, i.unit2, 'pass', 1, i.name, i.unit2 FROM bench_ins i
UNION ALL
SELECT i.county_org, i.id, i.unit2, 4, CASE WHEN i.outcome <> 'wait' THEN i.county END,
	NULLIF(i.outcome, 'wait'), CASE WHEN i.outcome <> 'wait' THEN 1 END, i.name,
	CASE WHEN i.outcome <> 'wait' THEN i.county ELSE i.unit2 END
FROM bench_ins i
UNION ALL
SELECT i.hrb_org, i.id, i.county, 5, NULL, NULL, NULL, i.name, i.county
FROM bench_ins i WHERE i.outcome = 'pass';

ANALYZE;
