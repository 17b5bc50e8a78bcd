-- 070_operator_accounts.sql: the operator's 账号查询 acts on any account but the platform's.
--
-- The walks found three people with nobody to turn to: an applicant whose 身份证号 somebody
-- else had registered (the number is the login, so they could not register), a unit whose
-- administrator (its first clerk) had left, a clerk locked out with a new phone. The operator's
-- 账号查询 (cgi-bin/admin/page-accounts.c) finds the account, and after checking the person's
-- identity resets its password (one-time), disables or enables it, or makes another clerk the
-- unit's administrator (account_admin).
INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 82, 'account_admin', '设为单位管理员');

-- sql/012: each program writes only its own portal's accounts, the operator's every one but an
-- applicant's. The operator now updates an applicant's too (the columns sql/003, 011 and 018
-- grant the programs: the password and its lock, disabling, the name and the mobile, never the
-- role, username or organisation), and still never creates one.
CREATE OR REPLACE FUNCTION app_user_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF current_user NOT LIKE 'portal\_%' OR current_user = 'portal_' || NEW.role
	    OR (current_user = 'portal_admin' AND (NEW.role <> 'applicant' OR TG_OP = 'UPDATE')) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'permission denied: % may not write an account of the % portal',
		current_user, NEW.role USING ERRCODE = '42501';
END
$$;
