-- 068_fee_name.sql: the fee is the notice's 推荐评审费.
--
-- The notice (管理部门网上审核操作办法 二、（一）1): 推荐评审费标准……中级为260元/人（其中推荐费为
-- 80元、评审费为180元），初级为100元/人. The 12333 message called the 260 元 "评审费用" next to
-- its 评审费 180 元, as if the one were the other; the text review found it. fee_phrase()
-- (sql/057) now names it as the notice does; the programs' texts changed with it.
CREATE OR REPLACE FUNCTION fee_phrase(app bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	WITH f AS (SELECT coalesce(sum(i.amount), 0) AS total,
		string_agg(i.name || ' ' || i.amount || ' 元', '、' ORDER BY i.n) AS items
		FROM (SELECT x.name, x.amount, row_number() OVER () AS n FROM app_fee_items(app) x) i),
	p AS (SELECT a.paid_at IS NOT NULL AS paid, (SELECT coalesce(sum(y.amount_fen), 0) / 100
		FROM payment y WHERE y.application_id = a.id AND y.status = 'paid') AS got
		FROM application a WHERE a.id = app)
	SELECT CASE WHEN f.total = 0 THEN '；本计划无需缴纳推荐评审费'
		WHEN p.paid OR p.got >= f.total THEN '（推荐评审费已缴纳）'
		WHEN p.got > 0 THEN '，并补缴推荐评审费 ' || (f.total - p.got) || ' 元（应缴 ' || f.total
			|| ' 元，已缴 ' || p.got || ' 元）'
		ELSE '，并缴纳推荐评审费 ' || f.total || ' 元（' || f.items || '）' END
	FROM f, p
$$;
