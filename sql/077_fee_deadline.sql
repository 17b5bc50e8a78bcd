-- 077_fee_deadline.sql: 缴费截止日期, the 规定时间 of the fee.
--
-- The notice (附件 2, 二、7): 申报人员根据 12333 短信提示，在规定时间内完成评审表导出打印和费用缴纳.
-- No department could say what that time was: the message said 请在规定时间内 and named no day,
-- and a fee could be paid whenever (a boundary test). The department that owns a plan's fee step
-- now sets, beside its items (收费设定, lib/fee.c), the last day a fee may be paid; the message
-- that asks for the fee names it, those waiting to pay are told when it is set or moved, and a
-- payment is not started after it (applicant/page-pay.c: the department moves the day, or
-- decides what becomes of an application not paid). Without a day, as before.
CREATE TABLE fee_deadline (
	plan_id int NOT NULL REFERENCES plan(id),
	org_id bigint NOT NULL REFERENCES org(id),
	pay_by date NOT NULL,
	updated_by bigint NOT NULL REFERENCES app_user(id),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (plan_id, org_id)
);
GRANT SELECT ON fee_deadline TO portal_app, portal_chain;
GRANT INSERT, UPDATE, DELETE ON fee_deadline TO portal_county, portal_city;

-- The message's phrase of the fee (sql/068), with the day when the department set one: the
-- application is at the fee step's department when it is written (chain_write() moved it). An
-- application that arrives after the day (returned and submitted again, reported late) is not
-- told to pay by a day gone: it is told the day is past, and to contact the department.
CREATE OR REPLACE FUNCTION fee_phrase(app bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	WITH f AS (SELECT coalesce(sum(i.amount), 0) AS total,
		string_agg(i.name || ' ' || i.amount || ' 元', '、' ORDER BY i.n) AS items
		FROM (SELECT x.name, x.amount, row_number() OVER () AS n FROM app_fee_items(app) x) i),
	p AS (SELECT a.paid_at IS NOT NULL AS paid, (SELECT coalesce(sum(y.amount_fen), 0) / 100
		FROM payment y WHERE y.application_id = a.id AND y.status = 'paid') AS got,
		(SELECT d.pay_by FROM fee_deadline d WHERE d.plan_id = a.plan_id
		 AND d.org_id = a.current_org_id) AS by,
		(now() AT TIME ZONE 'Asia/Shanghai')::date AS today
		FROM application a WHERE a.id = app)
	SELECT CASE WHEN f.total = 0 THEN '；本计划无需缴纳推荐评审费'
		WHEN p.paid OR p.got >= f.total THEN '（推荐评审费已缴纳）'
		ELSE '，并' || CASE WHEN p.by >= p.today
			THEN '于 ' || to_char(p.by, 'YYYY"年"FMMM"月"FMDD"日"') || '（含当日）前' ELSE '' END
		|| CASE WHEN p.got > 0 THEN '补缴推荐评审费 ' || (f.total - p.got) || ' 元（应缴 ' || f.total
			|| ' 元，已缴 ' || p.got || ' 元）'
			ELSE '缴纳推荐评审费 ' || f.total || ' 元（' || f.items || '）' END
		|| CASE WHEN p.by < p.today THEN '；缴费截止日期（' || to_char(p.by, 'YYYY"年"FMMM"月"FMDD"日"')
			|| '）已过，请与受理部门联系' ELSE '' END END
	FROM f, p
$$;
