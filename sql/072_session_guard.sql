-- 072_session_guard.sql: a program makes sessions and codes for its own portal's accounts only.
--
-- Every program's role (portal_app) could insert any row into session and sms_code and
-- update any column of them. A security probe, connected as portal_applicant (the program
-- that faces the public), inserted a session of role admin for the operator's account and
-- was answered 200 by GET /api/admin/me: one program taken over was every program, the
-- confinement app_user_guard (sql/012) and the chain's guard (sql/010) build elsewhere
-- undone. The same held for a code: one of the operator's, with a hash of a code of one's
-- choosing, resets the operator's password through 忘记密码.
--
-- Now a program inserts a session or a code only for an account of its own portal (as
-- app_user_guard lets it write only those), and of a session it may update only when it
-- was last seen and that it ended, of a code only its tries and its use. Ending sessions
-- stays open to every program: the operator and a unit's administrator end those of the
-- accounts they disable.
CREATE FUNCTION own_portal_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF current_user NOT LIKE 'portal\_%' THEN
		RETURN NEW;
	END IF;
	/* a session's own role too (sms_code has none: asked of it only here) */
	IF TG_TABLE_NAME = 'session' THEN
		IF NEW.role <> substr(current_user, 8) THEN
			RAISE EXCEPTION 'permission denied: % may not make a session of the % portal',
				current_user, NEW.role USING ERRCODE = '42501';
		END IF;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = NEW.user_id
	    AND u.role = substr(current_user, 8)) THEN
		RAISE EXCEPTION 'permission denied: % may not write a % of another portal''s account',
			current_user, TG_TABLE_NAME USING ERRCODE = '42501';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER session_guard BEFORE INSERT ON session
	FOR EACH ROW EXECUTE FUNCTION own_portal_guard();
CREATE TRIGGER sms_code_guard BEFORE INSERT ON sms_code
	FOR EACH ROW EXECUTE FUNCTION own_portal_guard();

REVOKE UPDATE ON session FROM portal_app;
GRANT UPDATE (last_seen, ended_at) ON session TO portal_app;
REVOKE UPDATE ON sms_code FROM portal_app;
GRANT UPDATE (tries, used_at) ON sms_code TO portal_app;
