-- Bench data (never used by tests or the demo): :total applications of the
-- 中级评审 chain, in set-based statements (a million in a few minutes), on top
-- of the demo's organisations (stack.sh seed). Run by scripts/bench.sh as the
-- superuser, in one transaction:
--   psql -1 -v from=<first> -v n=<last> -v total=<all> -f seed.sql
-- adds applications from+1 … n of a database that will hold total (the
-- units are made for total, once): make bench seeds 1 000 first, times the
-- worklists, then adds the rest and times them again.
--
-- The skew of real life: one big unit of 婺城区 (压测大单位) holds a fifth of
-- all applications, on the day after the deadline: eight in ten wait for its
-- 资格审查 (step 2), one in ten for its 公示 (step 3), one in ten went on to
-- the county. The other units hold a handful each (n / 8 units, about six
-- applications apiece, between one and a dozen), in every county and 市本级,
-- and their applications are everywhere on the chain: drafts, returned,
-- waiting at the unit, the county's 建设局 (4) and 人力社保局 (5), the city's
-- 中评委 (8), rejected at the county, completed. Each application has its
-- submission, the history that brought it where it is, a few weeks apart,
-- and the desks chain_write() would have left (sql/012); the tallies the
-- triggers keep are counted at the end, as the triggers would have.
SET session_replication_role = replica;	-- no per-row triggers: the tallies are counted below
SET work_mem = '256MB';

INSERT INTO plan (year, name, level, opens_on, closes_on)
VALUES (2023, '压测计划', 'mid', current_date - 90, current_date + 60) ON CONFLICT (name) DO NOTHING;

-- where units are: 婺城区 and 义乌市 more than 磐安县 (20 slots)
CREATE TEMP TABLE b_slot AS
SELECT s.i, r.id AS region_id
FROM unnest(ARRAY['330702', '330702', '330702', '330782', '330782', '330782', '330783', '330783',
	'330784', '330784', '330781', '330781', '330703', '330703', '330723', '330723', '330726',
	'330727', '330700-sbj', '330700-sbj']) WITH ORDINALITY AS s(code, i)
JOIN region r ON r.code = s.code;

-- units: 0 is the big one
CREATE TEMP TABLE b_unit AS
SELECT g AS u, coalesce(o.id, nextval('org_id_seq')) AS id, o.id IS NULL AS is_new,
	CASE WHEN g = 0 THEN (SELECT id FROM region WHERE code = '330702') ELSE s.region_id END AS region_id
FROM generate_series(0, greatest(20, :total / 8)) g JOIN b_slot s ON s.i = 1 + g % 20
LEFT JOIN org o ON o.kind = 'unit' AND o.name = CASE WHEN g = 0 THEN '压测大单位' ELSE '压测单位' || g END;
INSERT INTO org (id, kind, name, region_id, portal, ownership, status)
SELECT id, 'unit', CASE WHEN u = 0 THEN '压测大单位' ELSE '压测单位' || u END, region_id, 'unit',
	'private', 'approved'
FROM b_unit WHERE is_new;

-- who holds each step of the chain in each region (as step_owner() decides)
CREATE TEMP TABLE b_owner AS
SELECT r.id AS region_id, s.seq, CASE s.actor_level
	WHEN 'county' THEN coalesce(
		(SELECT o.id FROM org o WHERE o.kind = s.actor_kind AND o.region_id = r.id
		  AND o.status = 'approved'),
		(SELECT o.id FROM org o WHERE o.kind = s.actor_kind AND o.region_id = r.parent_id
		  AND o.status = 'approved'))
	WHEN 'city' THEN (SELECT o.id FROM org o WHERE o.kind = s.actor_kind
		  AND o.region_id = coalesce(r.parent_id, r.id) AND o.status = 'approved')
	END AS org_id
FROM region r CROSS JOIN pipeline_step s
WHERE r.level = 'county' AND s.actor_level IN ('county', 'city')
	AND s.pipeline_id = (SELECT id FROM pipeline WHERE code = 'mid_review');

-- the big unit's clerk, who logs in for the bench (password of the demo's accounts)
INSERT INTO app_user (role, username, name, org_id, password_hash, is_org_admin, mobile)
SELECT 'unit', 'bench_unit', '压测经办人', id, (SELECT password_hash FROM app_user
	WHERE username = 'unit_hongda'), true, '13900000000'
FROM b_unit WHERE u = 0 AND is_new;

-- the user a department's decisions are recorded under; units with no
-- clerk of their own (the bench's) under the operator's account
CREATE TEMP TABLE b_actor AS
SELECT org_id, min(id) AS user_id FROM app_user WHERE org_id IS NOT NULL
	AND kind <> 'committee_member' GROUP BY org_id;


-- each application: its unit, where it got to (reach) and how it ended there
-- (fin: wait, return, reject or done), from hashes of k
CREATE TEMP TABLE b_app AS
WITH k AS (
	SELECT g AS k, abs(hashint4(g)) AS h, abs(hashint4(g * 7 + 3)) AS h2
	FROM generate_series(:from + 1, :n) g
), c AS (
	SELECT k.*, CASE WHEN k % 5 = 0 THEN 0 ELSE 1 + h2 % greatest(20, :total / 8) END AS u,
		CASE WHEN k % 5 = 0 THEN
			CASE WHEN h % 100 < 80 THEN 2 WHEN h % 100 < 90 THEN 3 ELSE 4 END
		ELSE CASE WHEN h % 100 < 8 THEN 1 WHEN h % 100 < 13 THEN 2 WHEN h % 100 < 28 THEN 2
			WHEN h % 100 < 38 THEN 3 WHEN h % 100 < 66 THEN 4 WHEN h % 100 < 76 THEN 5
			WHEN h % 100 < 83 THEN 8 WHEN h % 100 < 88 THEN 4 ELSE 12 END
		END AS reach,
		CASE WHEN k % 5 = 0 THEN 'wait'
		ELSE CASE WHEN h % 100 < 8 THEN 'draft' WHEN h % 100 < 13 THEN 'return'
			WHEN h % 100 < 83 THEN 'wait' WHEN h % 100 < 88 THEN 'reject' ELSE 'done' END
		END AS fin
	FROM k
)
SELECT c.k, c.h, c.u, c.reach, c.fin, b.id AS unit_id, b.region_id,
	nextval('application_id_seq') AS id, nextval('app_user_id_seq') AS uid,
	-- submitted a few weeks before now, each step three days or so after the one before
	now() - ((3 * c.reach + 4 + c.h2 % 30) * interval '1 day')
		- (c.k % 1440) * interval '1 minute' AS t0
FROM c JOIN b_unit b ON b.u = c.u;

INSERT INTO app_user (id, role, username, name, idcard, mobile, password_hash)
SELECT b.uid, 'applicant', 'bench' || b.k,
	'压测' || chr(19968 + (b.k % 20000)) || chr(19968 + (b.k * 7 % 20000)), 'bench' || b.k,
	'139' || lpad((b.k % 100000000)::text, 8, '0'),
	(SELECT password_hash FROM app_user WHERE username = 'admin')
FROM b_app b;

-- the time of event i of an application (event 1: its submission)
CREATE FUNCTION pg_temp.b_at(t0 timestamptz, i int, h bigint) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
	SELECT t0 + (i - 1) * interval '3 days' + ((h >> (i % 8)) % 20) * interval '1 hour'
$$;
-- the organisation holding step j of application (unit, region)
CREATE TEMP TABLE b_step_owner AS
SELECT b.id AS app, j.j AS seq, CASE WHEN j.j IN (2, 3) THEN b.unit_id ELSE o.org_id END AS org_id
FROM b_app b CROSS JOIN LATERAL generate_series(2, b.reach) j
LEFT JOIN b_owner o ON o.region_id = b.region_id AND o.seq = j.j;

INSERT INTO application (id, applicant_id, plan_id, pipeline_id, unit_org_id, region_id, step_seq,
	state, current_org_id, submitted_at, created_at, updated_at, statement, category, method,
	specialty, snapshot_no)
SELECT b.id, b.uid, (SELECT id FROM plan WHERE name = '压测计划'),
	(SELECT id FROM pipeline WHERE code = 'mid_review'), b.unit_id, b.region_id,
	CASE WHEN b.fin IN ('draft', 'return') THEN 1 ELSE b.reach END,
	CASE b.fin WHEN 'draft' THEN 'draft' WHEN 'return' THEN 'returned' WHEN 'reject' THEN 'rejected'
		WHEN 'done' THEN 'completed' ELSE 'in_review' END,
	CASE WHEN b.fin = 'wait' THEN so.org_id END,
	CASE WHEN b.fin <> 'draft' THEN b.t0 END, b.t0 - interval '2 days',
	pg_temp.b_at(b.t0, b.reach, b.h),
	'压测述职', (ARRAY['construction', 'construction', 'planning', 'management'])[1 + b.k % 4],
	(ARRAY['normal', 'normal', 'normal', 'self', 'qualification', 'abc', 'transfer'])[1 + b.k % 7],
	'建筑工程施工', CASE WHEN b.fin <> 'draft' THEN 1 ELSE 0 END	-- its one submission (sql/021)
FROM b_app b LEFT JOIN b_step_owner so ON so.app = b.id AND so.seq = b.reach;

INSERT INTO application_snapshot (application_id, no, data, changes, at)
SELECT b.id, 1, '{"statement":"压测述职"}', '[]', b.t0 FROM b_app b WHERE b.fin <> 'draft';

-- the history: event 1 the submission (to step 2), event i < reach the pass
-- of step i, event reach (when it ended there) the last decision
INSERT INTO chain_history (application_id, no, action, from_step, to_step, from_state, to_state,
	text, actor_user_id, actor_org_id, at, snapshot_no)
SELECT b.id, i.i,
	CASE WHEN i.i = 1 THEN 'submit' WHEN i.i < b.reach OR b.fin = 'done' THEN 'pass' ELSE b.fin END,
	i.i,
	CASE WHEN i.i < b.reach THEN i.i + 1 WHEN b.fin = 'return' THEN 1 ELSE b.reach END,
	CASE WHEN i.i = 1 THEN 'draft' ELSE 'in_review' END,
	CASE WHEN i.i < b.reach THEN 'in_review' WHEN b.fin = 'return' THEN 'returned'
		WHEN b.fin = 'reject' THEN 'rejected' ELSE 'completed' END,
	CASE WHEN i.i = 1 THEN NULL WHEN i.i < b.reach OR b.fin = 'done' THEN '压测意见：同意'
		ELSE '压测意见：材料不全' END,
	CASE WHEN i.i = 1 THEN b.uid ELSE coalesce(a.user_id, (SELECT id FROM app_user
		WHERE username = 'admin')) END,
	so.org_id, pg_temp.b_at(b.t0, i.i, b.h), 1
FROM b_app b
CROSS JOIN LATERAL generate_series(1, b.reach - CASE WHEN b.fin IN ('wait', 'draft') THEN 1 ELSE 0 END) i
LEFT JOIN b_step_owner so ON so.app = b.id AND so.seq = i.i
LEFT JOIN b_actor a ON a.org_id = so.org_id;

-- the desks: one row per organisation the application came to, at the last
-- step it came there; decided unless it waits there now
INSERT INTO desk (org_id, application_id, arrived_at, step_seq, decided_at, action,
	decided_snapshot, applicant_name, applicant_idcard, touched_at)
SELECT DISTINCT ON (so.org_id, so.app) so.org_id, so.app, pg_temp.b_at(b.t0, so.seq - 1, b.h), so.seq,
	d.at, d.action, CASE WHEN d.at IS NOT NULL THEN 1 END, u.name, u.idcard,
	coalesce(d.at, pg_temp.b_at(b.t0, so.seq - 1, b.h))
FROM b_step_owner so JOIN b_app b ON b.id = so.app JOIN app_user u ON u.id = b.uid
LEFT JOIN LATERAL (SELECT pg_temp.b_at(b.t0, so.seq, b.h) AS at,
		CASE WHEN so.seq < b.reach OR b.fin = 'done' THEN 'pass' ELSE b.fin END AS action
	WHERE so.seq < b.reach OR b.fin IN ('return', 'reject', 'done')) d ON true
WHERE b.fin <> 'draft'
ORDER BY so.org_id, so.app, so.seq DESC;

-- what the triggers would have counted (sql/008 desk_tally, sql/016 stay_tally)
INSERT INTO desk_tally AS t (org_id, shard, waiting, decided)
SELECT d.org_id, d.application_id % 8, count(*) FILTER (WHERE d.decided_at IS NULL),
	count(*) FILTER (WHERE d.decided_at IS NOT NULL)
FROM desk d JOIN b_app b ON b.id = d.application_id GROUP BY 1, 2
ON CONFLICT (org_id, shard) DO UPDATE SET waiting = t.waiting + EXCLUDED.waiting,
	decided = t.decided + EXCLUDED.decided;
INSERT INTO stay_tally AS t (org_id, plan_id, pipeline_id, step, action, arrived_on, decided_on, n)
SELECT h.actor_org_id, a.plan_id, a.pipeline_id, h.from_step, h.action,
	(p.at AT TIME ZONE 'Asia/Shanghai')::date, (h.at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
FROM b_app b JOIN chain_history h ON h.application_id = b.id
JOIN chain_history p ON p.application_id = h.application_id AND p.no = h.no - 1
JOIN application a ON a.id = h.application_id
WHERE h.actor_org_id IS NOT NULL AND h.action IN ('pass', 'return', 'reject')
GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT (org_id, plan_id, pipeline_id, step, action, arrived_on, decided_on)
DO UPDATE SET n = t.n + EXCLUDED.n;
-- and without the organisation, as sql/027 fills it
DELETE FROM stay_tally_all;
INSERT INTO stay_tally_all (plan_id, pipeline_id, step, action, arrived_on, decided_on, n)
SELECT plan_id, pipeline_id, step, action, arrived_on, decided_on, sum(n)
FROM stay_tally GROUP BY 1, 2, 3, 4, 5, 6;
