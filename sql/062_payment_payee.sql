-- 062_payment_payee.sql: a paid order belongs to the department that charged it.
--
-- The 缴费明细 (payments.xlsx) of a department listed the paid orders of the applications
-- whose fee step it holds now. An application returned after its fee was paid, whose
-- applicant then moved to a unit of another region, left the department that was paid and
-- appeared in another's reconciliation, one that never held it (the exports probe). The
-- department holding the fee step when an order is paid is now kept with it; orders paid
-- before take the holder of today, which is all there was to go by.
ALTER TABLE payment ADD COLUMN payee_org_id bigint REFERENCES org(id);
UPDATE payment y SET payee_org_id = (SELECT o.org_id FROM application a
	JOIN step_gate g ON g.pipeline_id = a.pipeline_id AND g.gate = 'fee'
	JOIN step_owners_of(a.pipeline_id, a.region_id, a.unit_org_id) o ON o.seq = g.seq
	WHERE a.id = y.application_id ORDER BY g.seq LIMIT 1)
WHERE y.status = 'paid';
CREATE INDEX payment_payee ON payment (payee_org_id, paid_at) WHERE status = 'paid';
