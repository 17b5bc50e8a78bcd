-- 004_applicant.sql: what an applicant fills in: profile, performance archive,
-- the application's draft content, signing, payment; and the fee gate.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- signatures drawn on a phone arrive as PNG
ALTER TABLE upload DROP CONSTRAINT upload_ctype_check;
ALTER TABLE upload ADD CONSTRAINT upload_ctype_check
	CHECK (ctype IN ('application/pdf', 'image/jpeg', 'image/png'));

ALTER TABLE plan
	ADD COLUMN series text NOT NULL DEFAULT '建设工程',
	ADD COLUMN title_name text NOT NULL DEFAULT '工程师',
	ADD COLUMN requirements text NOT NULL DEFAULT '',
	-- 收费设定 (元): 中级 推荐费 80 + 评审费 180; 初级 100
	ADD COLUMN fee_recommend int NOT NULL DEFAULT 0 CHECK (fee_recommend >= 0),
	ADD COLUMN fee_review int NOT NULL DEFAULT 0 CHECK (fee_review >= 0);

CREATE TABLE applicant_profile (
	user_id bigint PRIMARY KEY REFERENCES app_user(id),
	ethnicity text,
	education text CHECK (education IN ('博士研究生', '硕士研究生', '大学本科', '大学专科', '中专', '高中及以下')),
	degree text CHECK (degree IN ('博士', '硕士', '学士', '无')),
	school text,
	major text,
	graduation_date date,
	work_start_date date,
	title text CHECK (title IN ('无', '技术员', '助理工程师', '工程师')),
	title_date date,
	specialty text,
	custody text CHECK (custody IN ('unit', 'talent_centre')),
	unit_org_id bigint REFERENCES org(id),
	centre_org_id bigint REFERENCES org(id),
	staffing text CHECK (staffing IN ('regular', 'non_staff', 'leave_startup', 'none')),
	out_of_province_ss bool NOT NULL DEFAULT false,
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE archive_kind (
	code text PRIMARY KEY,
	name text NOT NULL,
	seq int NOT NULL
);
INSERT INTO archive_kind (code, name, seq) VALUES
	('project', '工程项目', 1), ('paper', '论文', 2), ('award', '获奖', 3), ('patent', '专利', 4),
	('standard', '标准规范', 5), ('report', '技术报告', 6), ('education', '继续教育学时', 7),
	('appraisal', '年度考核', 8);

CREATE TABLE archive_item (
	id bigserial PRIMARY KEY,
	owner_id bigint NOT NULL REFERENCES app_user(id),
	kind text NOT NULL REFERENCES archive_kind(code),
	title text NOT NULL,
	happened_on date,
	role text,
	org text,
	number text,
	level text,
	description text,
	collective bool NOT NULL DEFAULT false,
	attachments bigint[] NOT NULL DEFAULT '{}',
	status text NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
	reviewer_org_id bigint NOT NULL REFERENCES org(id),
	reason text,
	reviewed_by bigint REFERENCES app_user(id),
	reviewed_at timestamptz,
	previous_id bigint REFERENCES archive_item(id),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX archive_item_owner ON archive_item (owner_id);
CREATE INDEX archive_item_review ON archive_item (reviewer_org_id, status);

ALTER TABLE application
	ADD COLUMN wizard_step int NOT NULL DEFAULT 1 CHECK (wizard_step BETWEEN 1 AND 7),
	ADD COLUMN photo_id bigint REFERENCES upload(id),
	ADD COLUMN photo_warning text,
	ADD COLUMN signature_id bigint REFERENCES upload(id),
	ADD COLUMN signed_at timestamptz,
	ADD COLUMN statement text,
	ADD COLUMN category text CHECK (category IN ('planning', 'construction', 'management')),
	ADD COLUMN method text CHECK (method IN ('normal', 'self', 'transfer', 'abc', 'qualification', 'skill')),
	ADD COLUMN specialty text,
	ADD COLUMN accept_org_id bigint REFERENCES org(id),
	ADD COLUMN held_title text,
	ADD COLUMN self_score int CHECK (self_score BETWEEN 0 AND 200),
	ADD COLUMN paid_at timestamptz;
-- one live application per person and plan
CREATE UNIQUE INDEX application_one_per_plan ON application (applicant_id, plan_id)
	WHERE state <> 'rejected';

CREATE TABLE application_archive (
	application_id bigint NOT NULL REFERENCES application(id),
	item_id bigint NOT NULL REFERENCES archive_item(id),
	contribution_id bigint REFERENCES upload(id),
	PRIMARY KEY (application_id, item_id)
);

CREATE TABLE application_file (
	application_id bigint NOT NULL REFERENCES application(id),
	kind text NOT NULL CHECK (kind IN ('summary', 'abc_form', 'experience', 'unit_note', 'self_form',
		'ss_proof', 'other', 'transfer_cert', 'reg_cert', 'appointment', 'skill_cert',
		'm_education', 'm_title', 'm_cont_edu', 'm_appraisal')),
	upload_id bigint NOT NULL REFERENCES upload(id),
	PRIMARY KEY (application_id, kind, upload_id)
);

CREATE TABLE recommender (
	application_id bigint NOT NULL REFERENCES application(id),
	seq int NOT NULL CHECK (seq IN (1, 2)),
	name text, title text, specialty text, employer text,
	cert_id bigint REFERENCES upload(id),
	PRIMARY KEY (application_id, seq)
);

-- A one-time link to sign the 承诺书 on a phone.
CREATE TABLE signing_token (
	token_hash bytea PRIMARY KEY,
	application_id bigint NOT NULL REFERENCES application(id),
	expires_at timestamptz NOT NULL,
	used_at timestamptz
);

-- The content of an application at each submission, so that reviewers see
-- what changed since the version they saw.
CREATE TABLE application_snapshot (
	application_id bigint NOT NULL REFERENCES application(id),
	no int NOT NULL,
	data jsonb NOT NULL,
	changes jsonb NOT NULL DEFAULT '[]',
	at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (application_id, no)
);

CREATE TABLE payment (
	order_no text PRIMARY KEY,
	application_id bigint NOT NULL REFERENCES application(id),
	amount_fen int NOT NULL CHECK (amount_fen > 0),
	status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed')),
	created_at timestamptz NOT NULL DEFAULT now(),
	paid_at timestamptz
);

-- The fee gate: the first department step after the unit reports upward
-- may pass only once the applicant has paid.
ALTER TABLE pipeline_step DROP CONSTRAINT pipeline_step_gate_check;
ALTER TABLE pipeline_step ADD CONSTRAINT pipeline_step_gate_check CHECK (gate IN ('publicity', 'fee'));
UPDATE pipeline_step SET gate = 'fee' WHERE seq = 4;

GRANT SELECT, INSERT, UPDATE ON applicant_profile TO portal_applicant;
GRANT SELECT ON applicant_profile TO portal_app;
GRANT SELECT ON archive_item, archive_kind TO portal_app;
GRANT INSERT, UPDATE, DELETE ON archive_item TO portal_applicant;
GRANT UPDATE (status, reason, reviewed_by, reviewed_at, updated_at) ON archive_item TO portal_unit;
GRANT SELECT ON application_archive, application_file, recommender, application_snapshot, payment
	TO portal_app;
GRANT INSERT, UPDATE, DELETE ON application_archive, application_file, recommender TO portal_applicant;
GRANT INSERT ON application_snapshot TO portal_applicant;
GRANT SELECT, INSERT, UPDATE ON signing_token TO portal_applicant;
GRANT INSERT, UPDATE ON payment TO portal_applicant;
GRANT UPDATE (wizard_step, photo_id, photo_warning, signature_id, signed_at, statement, category,
	method, specialty, accept_org_id, held_title, self_score, paid_at, updated_at)
	ON application TO portal_applicant;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO portal_app;
