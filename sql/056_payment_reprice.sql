-- 056_payment_reprice.sql: an order waiting for payment follows the fee.
--
-- An order kept the amount it was made with: a department that corrected its
-- 收费设定 (1 元 typed for 260) after an applicant had pressed 缴费 saw the
-- order paid at the old amount and the fee gate met. Now a pending order
-- whose amount is no longer what is due is voided ('void') when the
-- applicant pays, and a new one made at the amount due; a notification of
-- success counts towards the fee whatever the order's state (money taken is
-- recorded), and the application is paid once what was paid reaches the fee
-- (cgi-bin/applicant/page-pay.c). What was paid is never changed.
ALTER TABLE payment DROP CONSTRAINT payment_status_check;
ALTER TABLE payment ADD CONSTRAINT payment_status_check
	CHECK (status IN ('pending', 'paid', 'failed', 'void'));

INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 80, 'pay_surplus', '多缴或重复缴费（待退还）');
