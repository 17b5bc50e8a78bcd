-- 019_payment_paid.sql: the order that paid an application's fee, found by
-- the application (issue 9's follow-up: what a clerk sees before 通过). The
-- reviewer's detail page, the fee gate and the worklist's 已缴费 show its
-- amount, time and number; without an index each of them read the whole
-- payment table. At most one order of an application is paid (the portal
-- accepts one notification per order and charges an application once).
CREATE INDEX payment_paid_app ON payment (application_id, paid_at) WHERE status = 'paid';
