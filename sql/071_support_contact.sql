-- 071_support_contact.sql: who answers questions about the system.
--
-- The notice (四、审查注意事项 2) sends anyone with a question about the system to the
-- 管理服务系统技术支持联系人, and the home page could only say that the operator would publish
-- them. The operator now enters the contact in its portal (技术支持联系方式); the home page, the
-- 操作手册 and every login page show it (GET /api/<role>/support, lib/support.c). One row,
-- or none until the operator has entered it.
CREATE TABLE support_contact (
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
	name text NOT NULL CHECK (length(name) BETWEEN 2 AND 40),
	phone text NOT NULL CHECK (length(phone) BETWEEN 3 AND 40),
	email text CHECK (length(email) BETWEEN 3 AND 80),
	hours text CHECK (length(hours) BETWEEN 1 AND 60),
	updated_at timestamptz NOT NULL DEFAULT now(),
	updated_by bigint NOT NULL REFERENCES app_user (id)
);
GRANT SELECT ON support_contact TO portal_app;
GRANT INSERT, UPDATE ON support_contact TO portal_admin;

INSERT INTO audit_label (kind, ord, code, name) VALUES
	('action', 83, 'support_contact', '设置技术支持联系方式'),
	('type', 13, 'support_contact', '技术支持联系方式');

-- 账号查询 (sql/070) finds an account by a name or a mobile number as well as by its username:
-- without these it read every account of the platform to find one.
CREATE INDEX app_user_by_name ON app_user (name);
CREATE INDEX app_user_by_mobile ON app_user (mobile) WHERE mobile IS NOT NULL;
