-- 047_interview_delete.sql: a 面试 made by mistake can be deleted.
--
-- A session could be made and changed, never removed: one created by mistake
-- stayed in the list and in the choice of sessions to call people to. It may
-- now be deleted before it starts and while nobody is on its list
-- (lib/interview.c, DELETE /interviews/:id), by the programs that arrange
-- interviews.
GRANT DELETE ON interview_session TO portal_county, portal_hrb, portal_city;
INSERT INTO audit_label (kind, ord, code, name) VALUES ('action', 78, 'interview_delete', '删除面试');
