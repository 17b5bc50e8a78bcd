-- 024_fee_items.sql: the fee's department found inside the statement that
-- reads an application's fee.
--
-- app_fee_items() (sql/012) is one SELECT that PostgreSQL inlines into the
-- statement calling it (the application's page, the fee gate), but it found
-- the department whose items apply by calling fee_org(), a plpgsql function
-- that called step_owner(), another: two function calls with their own
-- statements for every page, 53 µs of an application's 55 (1 000
-- applications at a million, one at a time: 53 ms). The department is the
-- owner of the first fee step, read here from step_owners() (sql/020), which
-- is inlined too: 21 µs. fee_org() has no other caller and goes; who owns a
-- step is still written once, in step_owners().
CREATE OR REPLACE FUNCTION app_fee_items(app bigint) RETURNS TABLE (name text, amount int)
LANGUAGE sql STABLE AS $$
	WITH x AS (SELECT a.plan_id, (SELECT o.org_id FROM step_gate g
		JOIN step_owners(a.id) o ON o.seq = g.seq
		WHERE g.pipeline_id = a.pipeline_id AND g.gate = 'fee' ORDER BY g.seq LIMIT 1) AS org
		FROM application a WHERE a.id = app
		AND EXISTS (SELECT 1 FROM step_gate g WHERE g.pipeline_id = a.pipeline_id
		AND g.gate = 'fee')),
	own AS (SELECT f.seq, f.name, f.amount FROM x JOIN fee_item f
		ON f.plan_id = x.plan_id AND f.org_id = x.org)
	SELECT o.name, o.amount FROM (
		SELECT seq, name, amount FROM own
		UNION ALL
		SELECT v.seq, v.name, v.amount FROM x JOIN plan p ON p.id = x.plan_id,
			LATERAL (VALUES (1, '推荐费', p.fee_recommend), (2, '评审费', p.fee_review))
			AS v(seq, name, amount)
		WHERE NOT EXISTS (SELECT 1 FROM own) AND v.amount > 0) o
	ORDER BY o.seq
$$;

DROP FUNCTION fee_org(bigint);
