-- 007_calendar_years.sql: the years the holiday calendar covers.
--
-- A day of a year that has no holiday schedule in calendar_day was counted
-- as a working day when it fell on Monday to Friday, so a 公示 running into
-- a year the operator had not entered yet ended on a guessed day (New Year,
-- 春节 and their 调休 unknown). The working-day functions now refuse such a
-- day with SQLSTATE ZC001 and a Chinese message naming the year; the
-- programs answer it as 409 gate with that message (lib/db.c: class ZC is a
-- rule the database states for the user). Entering a year is two steps: its
-- holidays and 调休 in calendar_day, then its row here.

CREATE TABLE calendar_year (
	year int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
	note text NOT NULL
);

INSERT INTO calendar_year (year, note) VALUES
	(2023, '国务院办公厅关于2023年部分节假日安排的通知'),
	(2024, '国务院办公厅关于2024年部分节假日安排的通知'),
	(2025, '国务院办公厅关于2025年部分节假日安排的通知'),
	(2026, '国务院办公厅关于2026年部分节假日安排的通知');

GRANT SELECT ON calendar_year TO portal_app;

-- Raises ZC001 unless the calendar covers the year of d.
CREATE FUNCTION calendar_require(d date) RETURNS void
LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM calendar_year WHERE year = extract(year FROM d)::int) THEN
		RAISE EXCEPTION '工作日历尚未录入 % 年的节假日和调休安排，无法计算 % 的工作日，请联系平台管理员录入后再办理',
		    extract(year FROM d)::int, to_char(d, 'YYYY-MM-DD')
		    USING ERRCODE = 'ZC001';
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION is_working_day(d date) RETURNS bool
LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
	PERFORM calendar_require(d);
	RETURN coalesce((SELECT is_workday FROM calendar_day WHERE day = d),
	    extract(isodow FROM d) < 6);
END
$$;

-- Working days in [from_day, to_day); every year the range touches must be covered.
CREATE OR REPLACE FUNCTION working_days(from_day date, to_day date) RETURNS int
LANGUAGE plpgsql STABLE STRICT AS $$
DECLARE
	y int;
BEGIN
	IF to_day <= from_day THEN
		RETURN 0;
	END IF;
	FOR y IN extract(year FROM from_day)::int .. extract(year FROM to_day - 1)::int LOOP
		PERFORM calendar_require(greatest(make_date(y, 1, 1), from_day));
	END LOOP;
	RETURN (SELECT count(*)::int
	    FROM generate_series(from_day, to_day - 1, interval '1 day') g
	    LEFT JOIN calendar_day c ON c.day = g::date
	    WHERE coalesce(c.is_workday, extract(isodow FROM g) < 6));
END
$$;

-- The n-th working day counted from from_day (from_day itself is the first
-- when it is one). Day by day, so that it stops at the first day of a year
-- the calendar does not cover, and only when it gets there.
CREATE OR REPLACE FUNCTION nth_working_day(from_day date, n int) RETURNS date
LANGUAGE plpgsql STABLE STRICT AS $$
DECLARE
	d date := from_day;
	k int := 0;
BEGIN
	IF n < 1 THEN
		RETURN NULL;
	END IF;
	LOOP
		IF is_working_day(d) THEN
			k := k + 1;
			IF k = n THEN
				RETURN d;
			END IF;
		END IF;
		d := d + 1;
	END LOOP;
END
$$;
