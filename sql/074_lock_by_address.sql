-- 074_lock_by_address.sql: five wrong passwords from a stranger's address no longer keep an
-- account's owner out of it at their own desk.
--
-- An account locks for login_lock_min minutes after login_max_failures wrong passwords
-- (lib/auth.c). The departments' usernames are predictable (wucheng_jsj, jh_zpw …): anyone
-- could keep a county's clerks locked out on the last day of a plan with five requests
-- every half hour. An account now keeps two counts and two locks: one for the addresses it
-- signed in from in the last 30 days (where its owner works), one for every other address.
-- Wrong passwords from elsewhere lock elsewhere only; those from a known address lock the
-- known ones (someone at the owner's desk is stopped as before). A password that goes
-- through from a known address clears the known count; from elsewhere, both (the owner
-- proved it); a reset clears both.
--
-- The addresses are kept in a table of their own: a login purges the account's old
-- sessions (lib/session.c), so sessions do not remember where their owner signed in
-- yesterday. One row an account and address, the last sign-in from it; rows older than
-- 30 days go as the account signs in again.
ALTER TABLE app_user
	ADD COLUMN known_failed_logins int NOT NULL DEFAULT 0,
	ADD COLUMN known_locked_until timestamptz;
GRANT UPDATE (known_failed_logins, known_locked_until) ON app_user TO portal_app;

CREATE TABLE login_address (
	user_id bigint NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
	ip text NOT NULL,
	last_ok_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, ip)
);
INSERT INTO login_address (user_id, ip, last_ok_at)
	SELECT user_id, ip, max(created_at) FROM session
	WHERE ip IS NOT NULL AND ip <> '' AND created_at > now() - interval '30 days'
	GROUP BY user_id, ip;
GRANT SELECT, INSERT, DELETE ON login_address TO portal_app;
GRANT UPDATE (last_ok_at) ON login_address TO portal_app;
-- a program records sign-ins of its own portal's accounts only (as sessions, sql/072)
CREATE TRIGGER login_address_guard BEFORE INSERT ON login_address
	FOR EACH ROW EXECUTE FUNCTION own_portal_guard();
