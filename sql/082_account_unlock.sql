-- 082_account_unlock.sql: the operator lifts the lock of five wrong passwords.
--
-- A clerk locked out who remembers the password waited 30 minutes, or was
-- given a new one by a reset (the operator's probe). 账号查询 has 解锁 now
-- (lib/accounts.c account_unlock()), audited as this action.
INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 85, 'account_unlock', '解锁账号');
