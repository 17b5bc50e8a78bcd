-- 055_publicity_by_ordinal.sql: a 公示's last day and its days done from the
-- working-day ordinals, without raising for a year no publicity needs.
--
-- The 公示 list computed each row's last day and days done with
-- nth_working_day() and working_days(), which raise (ZC001) for a year the
-- calendar does not cover: one publicity that ran into a year not yet
-- entered made the whole page (and its 公示表) a 409 for every application.
-- And a 公示 that ran wholly in December could not be passed in January
-- until the new year was entered, for working_days() counted up to today.
-- From the ordinals (sql/008, workday_ordinal: the covered years and the day
-- after them) both are known exactly when the days they count are covered,
-- else NULL; the pass gate (lib/gate.c) still names the missing year when
-- the last day itself falls in it.
CREATE INDEX workday_ordinal_n ON workday_ordinal (n, day);

-- The k-th working day counted from from_day (itself the first when it is
-- one); NULL when the calendar does not cover the days up to it.
CREATE FUNCTION workday_nth(from_day date, k int) RETURNS date
LANGUAGE sql STABLE STRICT AS $$
	SELECT e.day - 1 FROM workday_ordinal s, workday_ordinal e
	WHERE s.day = from_day AND k >= 1 AND e.n = s.n + k ORDER BY e.day LIMIT 1
$$;

-- Working days of a 公示 of k days from from_day done by today, at most k;
-- NULL when the calendar does not cover what it counts.
CREATE FUNCTION publicity_done(from_day date, k int) RETURNS int
LANGUAGE sql STABLE STRICT AS $$
	SELECT CASE WHEN current_date > workday_nth(from_day, k) THEN k
		ELSE (SELECT least(k, d) FROM working_days_known(from_day, current_date) d
			WHERE d IS NOT NULL) END
$$;
