-- 080_department_phone.sql: a department's 咨询电话.
--
-- An applicant whose fee's last day has passed was told to contact the department (请与受理部门
-- 联系) without a number to call, on the page, in the refusal to pay and in the SMS; the notice's
-- departments take applicants' questions on their own lines. The operator, who creates the
-- departments (统一分配的账号), now records each one's 咨询电话 (optional: a department without one
-- is named as before); the applicant's pages and messages that send them to a department give it.
ALTER TABLE org ADD COLUMN phone text CHECK (phone IS NULL OR length(phone) BETWEEN 3 AND 40);
GRANT UPDATE (phone) ON org TO portal_admin;
INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 84, 'department_phone', '设置部门咨询电话');

-- how an applicant is sent to a department: 请与 <its name> 联系（咨询电话 …）
CREATE FUNCTION org_contact(o bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT x.name || coalesce('（咨询电话 ' || x.phone || '）', '') FROM org x WHERE x.id = o
$$;

-- fee_phrase (sql/077) with the department named, and its number when it has one
CREATE OR REPLACE FUNCTION fee_phrase(app bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	WITH f AS (SELECT coalesce(sum(i.amount), 0) AS total,
		string_agg(i.name || ' ' || i.amount || ' 元', '、' ORDER BY i.n) AS items
		FROM (SELECT x.name, x.amount, row_number() OVER () AS n FROM app_fee_items(app) x) i),
	p AS (SELECT a.paid_at IS NOT NULL AS paid, (SELECT coalesce(sum(y.amount_fen), 0) / 100
		FROM payment y WHERE y.application_id = a.id AND y.status = 'paid') AS got,
		(SELECT d.pay_by FROM fee_deadline d WHERE d.plan_id = a.plan_id
		 AND d.org_id = a.current_org_id) AS by,
		(now() AT TIME ZONE 'Asia/Shanghai')::date AS today,
		coalesce(org_contact(a.current_org_id), '受理部门') AS contact
		FROM application a WHERE a.id = app)
	SELECT CASE WHEN f.total = 0 THEN '；本计划无需缴纳推荐评审费'
		WHEN p.paid OR p.got >= f.total THEN '（推荐评审费已缴纳）'
		ELSE '，并' || CASE WHEN p.by >= p.today
			THEN '于 ' || to_char(p.by, 'YYYY"年"FMMM"月"FMDD"日"') || '（含当日）前' ELSE '' END
		|| CASE WHEN p.got > 0 THEN '补缴推荐评审费 ' || (f.total - p.got) || ' 元（应缴 ' || f.total
			|| ' 元，已缴 ' || p.got || ' 元）'
			ELSE '缴纳推荐评审费 ' || f.total || ' 元（' || f.items || '）' END
		|| CASE WHEN p.by < p.today THEN '；缴费截止日期（' || to_char(p.by, 'YYYY"年"FMMM"月"FMDD"日"')
			|| '）已过，请与' || p.contact || '联系' ELSE '' END END
	FROM f, p
$$;
