-- 031_beijing_time.sql: the database's day is Beijing's, on any server.
--
-- Every date rule of the notice is counted in the database by current_date:
-- the plan's window and its closing day, the 4 years of 正常申报, the working
-- days of a 公示 and of a wait, objections' deadlines. current_date is the
-- day in the session's time zone, and only the cluster scripts/stack.sh
-- creates set it (timezone = 'Asia/Shanghai' in postgresql.conf): on a
-- cluster set up by other hands in UTC, from 00:00 to 08:00 Beijing time
-- every one of those rules would count the day before. The database itself
-- now carries the time zone, for every session that connects to it.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Asia/Shanghai');
END
$$;
