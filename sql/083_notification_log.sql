-- 083_notification_log.sql: the operator reads what was sent to an account.
--
-- A unit said it never got the 12333 SMS the notice promises after approval, and the operator
-- could not see what was sent, to which number, or when: the texts lived only in this table,
-- which the applicants' program reads for their own messages (the operator's probe). 账号查询
-- lists an account's messages now (cgi-bin/admin/page-accounts.c), the number masked.
GRANT SELECT ON notification TO portal_admin;
