-- 085_step_name_meeting.sql: the 中级 chain's ⑤ by the notice's name.
--
-- The notice's 中级 chain: ⑤县（市、区）组织评前面试或业务能力复审会. The step was named without
-- the 会 (a meeting the county organises, not a review of its own), in the steps' list, the
-- clerks' pages and the applicant's 申报进度 and SMS.
UPDATE pipeline_step SET name = '县（市、区）组织评前面试或业务能力复审会'
WHERE name = '县（市、区）组织评前面试或业务能力复审';
