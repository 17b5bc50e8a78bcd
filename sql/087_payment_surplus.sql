-- 087_payment_surplus.sql: what a payment took beyond the fee is the department's to refund,
-- and the department can read it.
--
-- Money taken is recorded whatever became of its order (sql/056): an order completed after the
-- fee was paid, or more than was due once the department lowered its 收费设定 (found when the
-- order completes, or when the applicant, paid in full by the lowering, presses 缴费). The applicant is
-- told by SMS that 主管部门 will refund it, but the sum was only in the audit row pay_surplus,
-- which no department reads: its 收费明细 listed the two payments, its fee gate said
-- 已缴纳推荐评审费 520 元, and nothing said 260 元 of it was to go back (a boundary probe).
-- The payment row keeps it now; the 收费明细 and the fee gate name it.

ALTER TABLE payment ADD COLUMN surplus_fen int NOT NULL DEFAULT 0;

-- the surpluses recorded before: the audit row's sum in 元 ("260", "0.5")
UPDATE payment y SET surplus_fen = round((l.detail->>'surplus')::numeric * 100)::int
FROM audit_log l
WHERE l.action = 'pay_surplus' AND l.target_type = 'application'
	AND l.target_id = y.application_id AND l.detail->>'order' = y.order_no
	AND l.detail->>'surplus' ~ '^[0-9]+(\.[0-9]+)?$';

-- (the surplus is the application's paid total beyond the fee, on the order that took it past:
-- it may exceed that order's amount, when the fee was lowered after an earlier part-payment)
ALTER TABLE payment ADD CONSTRAINT payment_surplus_check
	CHECK (surplus_fen >= 0 AND (surplus_fen = 0 OR status = 'paid'));

-- The department refunds it outside the portal (bank transfer, the provider's refund) and
-- records that it did: 登记已退还 on its 收费设定 page. The fee gate and the 收费明细 then say
-- 已退还, the applicant is told, the audit says who.
ALTER TABLE payment ADD COLUMN refunded_at timestamptz,
	ADD COLUMN refunded_by bigint REFERENCES app_user(id);
ALTER TABLE payment ADD CONSTRAINT payment_refund_check
	CHECK ((refunded_at IS NULL) = (refunded_by IS NULL) AND (refunded_at IS NULL OR surplus_fen > 0));
GRANT UPDATE (refunded_at, refunded_by) ON payment TO portal_county, portal_city;
CREATE INDEX payment_surplus ON payment (payee_org_id, paid_at) WHERE surplus_fen > 0;
INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 88, 'pay_refund', '登记已退还多缴费用');
