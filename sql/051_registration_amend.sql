-- 051_registration_amend.sql: the operator corrects an approved unit's
-- registration (PUT /api/admin/registrations/<id>): its audit row's name.
INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 79, 'registration_amend', '更正单位信息');
