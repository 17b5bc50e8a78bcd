-- 089_plan_draft_delete.sql: a draft 评审工作计划 made by mistake can be deleted
-- (DELETE /api/admin/plans/:id; the operator walk found one stayed in the list for
-- good). Only a draft: a published plan is corrected by amendments. A draft a
-- department has set fees for is kept (the foreign key refuses; 409).
GRANT DELETE ON plan TO portal_admin;
INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 89, 'plan_delete', '删除评审工作计划草稿');
