-- 074_lock_by_address.sql: five wrong passwords from a stranger's address no longer keep an
-- account's owner out of it at their own desk.
--
-- An account locks for login_lock_min minutes after login_max_failures wrong passwords
-- (lib/auth.c). The departments' usernames are predictable (wucheng_jsj, jh_zpw …): anyone
-- could keep a county's clerks locked out on the last day of a plan with five requests
-- every half hour. An account now keeps two counts and two locks: one for the addresses it
-- was signed in from in the last 30 days (where its owner works: a session started there),
-- one for every other address. Wrong passwords from elsewhere lock elsewhere only; those
-- from a known address lock the known ones (someone at the owner's desk is stopped as
-- before). A password that goes through clears both; so does a reset.
ALTER TABLE app_user
	ADD COLUMN known_failed_logins int NOT NULL DEFAULT 0,
	ADD COLUMN known_locked_until timestamptz;
GRANT UPDATE (known_failed_logins, known_locked_until) ON app_user TO portal_app;

-- "was this account signed in from this address lately": one index probe
CREATE INDEX session_user_ip ON session (user_id, ip, created_at);
