-- 090_account_by_org.sql: the accounts of an organisation, found by its id. 账号查询
-- now also finds them by the organisation's name (an operator walk asked for it: a
-- unit whose clerk left is known by its name, not by a clerk's), and a unit's or a
-- department's list of accounts, the operator's choice of a unit's administrator and
-- the departments' page read them by org_id: without an index each was a scan of
-- every account, a million applicants' included. Applicants have no org_id.
CREATE INDEX app_user_by_org ON app_user (org_id) WHERE org_id IS NOT NULL;
