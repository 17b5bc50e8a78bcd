-- 046_city_interviews.sql: the city program arranges 评前面试 too.
--
-- 市本级 has no county departments of its own: its applicants' county steps
-- are the city's departments' (step_owners_of(), sql/033), among them the
-- 评前面试 step (中级评审 ⑤, gate interview), held by the city's 住建局. The
-- city program had no interview routes and its role no grants, so such an
-- application could never pass that step. The same grants as the county's.
GRANT INSERT, UPDATE (title, starts_at, place, panel) ON interview_session TO portal_city;
GRANT INSERT, DELETE, UPDATE (step_seq, assigned_by, assigned_at, result, note, recorded_by,
	recorded_at) ON interview_assignment TO portal_city;
GRANT USAGE ON SEQUENCE interview_session_id_seq TO portal_city;
