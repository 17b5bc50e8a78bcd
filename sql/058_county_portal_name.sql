-- 058_county_portal_name.sql: the county departments' portal named as the notice writes it.
--
-- The notice writes 县（市、区） with full-width brackets throughout (各县（市、区）建设工程技术
-- 人员初级工程师职务任职资格评审主管部门, ③县（市、区）建设初评委资格审查); the portal's own
-- name, and the audit log's name for its role, read 县(市、区)主管部门.
UPDATE audit_label SET name = '县（市、区）主管部门' WHERE kind = 'role' AND code = 'county';
