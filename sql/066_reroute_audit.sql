-- 066_reroute_audit.sql: an application that follows its applicant to another unit is audited.
--
-- A draft or a returned application goes where its applicant now works (sql/052): the exports
-- probe found that a returned one left the departments that returned it without a line in the
-- audit log. The applicant program now writes application_reroute, its detail the unit left
-- and the one it goes to.
INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 81, 'application_reroute', '申报随工作单位改变');
