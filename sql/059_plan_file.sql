-- 059_plan_file.sql: a 评审工作计划's own files (附件), for applicants to download.
--
-- The notice sends applicants to forms that come with the plan: 《2023年建设工程专业技术职务
-- 任职资格自评表与推荐表》（见附件4）, 《直接ABC类申报审批表》, and 专业技术工作经历表 filled in
-- 参照样例. The operator uploads them with the plan (PDF or JPEG, as every upload); once the
-- plan is published anyone signed in may download them (lib/upload.c). `kind` names the
-- application file (lib/application.c file_kinds) the form is for, so that the wizard offers
-- it beside that upload; NULL for a file of the plan as a whole.
CREATE TABLE plan_file (
	plan_id int NOT NULL REFERENCES plan(id),
	upload_id bigint NOT NULL REFERENCES upload(id),
	seq int NOT NULL CHECK (seq BETWEEN 1 AND 10),
	title text NOT NULL CHECK (char_length(title) BETWEEN 2 AND 60),
	kind text CHECK (kind ~ '^[a-z_]{1,30}$'),
	PRIMARY KEY (plan_id, upload_id)
);
CREATE INDEX plan_file_upload ON plan_file (upload_id);

GRANT SELECT ON plan_file TO portal_app;
GRANT INSERT, DELETE ON plan_file TO portal_admin;
