-- 018_one_time_password.sql: a password someone else chose is good for one
-- login only. A clerk added by the unit's administrator, a department's
-- account made or reset by the operator, a committee member's login made or
-- reset by its office, the operator's own account as `stack.sh init` prints
-- it: the person it is for has not chosen it, and whoever made it knows it.
-- Until they set one of their own, their session may only say who they are,
-- change the password and log out (lib/http.c answers everything else 403
-- password_change_required). Setting one's own clears the flag, with the old
-- password (POST password) or with a code sent by SMS (忘记密码); whoever
-- registers chooses their own password and is never flagged.
ALTER TABLE app_user ADD COLUMN must_change_password bool NOT NULL DEFAULT false;

-- as password_hash (sql/003): every program writes it for its own accounts
-- (app_user_guard, sql/012), the operator's for any but an applicant's
GRANT UPDATE (must_change_password) ON app_user TO portal_app;
