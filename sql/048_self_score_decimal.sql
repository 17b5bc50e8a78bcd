-- 048_self_score_decimal.sql: a 自评分 may have a half point.
--
-- The notice asks 自评分 "须达到 117 分以上"; a 自评表 scored 117.5 was
-- refused as not a whole number. The score is now a number with one decimal
-- (0 to 200, as before); the programs read and write it in tenths (lib/
-- field.c's F_DEC1). The column's rule stays a domain (sql/028).
CREATE DOMAIN app_self_score_dec AS numeric(4,1)
	CONSTRAINT app_self_score_dec_check CHECK (VALUE BETWEEN 0 AND 200);
ALTER TABLE application ALTER COLUMN self_score TYPE app_self_score_dec
	USING self_score::numeric(4,1);
DROP DOMAIN app_self_score;
