-- 011_platform.sql: a platform that runs itself from an empty database
-- (issue 8): units register with their 授权委托书 and the operator approves
-- them; units confirm the people who chose them and keep their own clerks'
-- accounts; the operator issues the departments' accounts, publishes plans
-- (amendments visible once people applied), keeps the calendar; everyone can
-- reset a forgotten password with a code sent to the mobile on file.

-- 单位性质 (the ABC rule reads it): 国有企业 state, 非公企业 private, 事业单位
-- institution, 机关 agency, 其他 other.
ALTER TABLE org DROP CONSTRAINT org_ownership_check;
ALTER TABLE org ADD CONSTRAINT org_ownership_check
	CHECK (ownership IN ('private', 'state', 'institution', 'agency', 'other'));
ALTER TABLE org
	ADD COLUMN supervisor text,			-- 主管部门, as the unit names it
	ADD COLUMN authorization_id bigint REFERENCES upload(id),	-- 授权委托书 scan
	ADD COLUMN submitted_at timestamptz,		-- its registration (again, after a rejection)
	ADD COLUMN reviewed_by bigint REFERENCES app_user(id),
	ADD COLUMN reviewed_at timestamptz,
	ADD COLUMN reject_reason text;

-- A clerk of a unit: its first one is the unit's administrator, who adds,
-- disables and resets the others. A disabled account cannot log in.
ALTER TABLE app_user
	ADD COLUMN is_org_admin bool NOT NULL DEFAULT false,
	ADD COLUMN disabled_at timestamptz;

-- A person's tie to the unit they chose as current unit, or the talent
-- centre that keeps their 人事档案: the organisation confirms or refuses it.
-- Archive items and applications go only to an organisation that has not
-- refused the person; 马上申报 waits for the confirmation.
CREATE TABLE person_binding (
	user_id bigint NOT NULL REFERENCES app_user(id),
	org_id bigint NOT NULL REFERENCES org(id),
	status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'refused')),
	reason text,
	requested_at timestamptz NOT NULL DEFAULT now(),
	decided_by bigint REFERENCES app_user(id),
	decided_at timestamptz,
	PRIMARY KEY (user_id, org_id),
	CHECK ((status = 'refused') = (reason IS NOT NULL))
);
CREATE INDEX person_binding_org ON person_binding (org_id, status);
-- the demo's and earlier installations' people were bound by hand: confirmed
INSERT INTO person_binding (user_id, org_id, status, decided_at)
SELECT p.user_id, p.unit_org_id, 'confirmed', now() FROM applicant_profile p WHERE p.unit_org_id IS NOT NULL
UNION
SELECT p.user_id, p.centre_org_id, 'confirmed', now() FROM applicant_profile p WHERE p.centre_org_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- 评审工作计划, as the operator publishes it: the chains it runs, its scope, its
-- state. A plan is a draft until published; rules and fees of a published
-- plan with applications change only through an amendment everyone sees.
ALTER TABLE plan
	ADD COLUMN scope text NOT NULL DEFAULT '',
	-- the chains it runs; none listed: every chain of its level
	ADD COLUMN pipelines text[] NOT NULL DEFAULT '{}',
	ADD COLUMN status text NOT NULL DEFAULT 'published'
		CHECK (status IN ('draft', 'published')),
	ADD COLUMN created_by bigint REFERENCES app_user(id),
	ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE plan SET pipelines = (CASE level WHEN 'mid' THEN '{mid_review,mid_assess}'
	ELSE '{junior_review,junior_assess}' END)::text[];

CREATE TABLE plan_amendment (
	id bigserial PRIMARY KEY,
	plan_id int NOT NULL REFERENCES plan(id),
	field text NOT NULL,
	old_value text NOT NULL,
	new_value text NOT NULL,
	reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
	created_by bigint NOT NULL REFERENCES app_user(id),
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_amendment_plan ON plan_amendment (plan_id, id);

-- Codes sent by SMS (the outbox) to reset a forgotten password or to prove
-- a new mobile number: 6 digits, 10 minutes, 5 tries, kept only as a hash.
CREATE TABLE sms_code (
	id bigserial PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES app_user(id),
	purpose text NOT NULL CHECK (purpose IN ('password', 'mobile')),
	mobile text NOT NULL,
	code_hash bytea NOT NULL,
	tries int NOT NULL DEFAULT 0,
	ip text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	used_at timestamptz
);
CREATE INDEX sms_code_user ON sms_code (user_id, purpose, created_at);
CREATE INDEX sms_code_ip ON sms_code (ip, created_at);

-- Attempts counted per address and hour (lib/limit.c): registrations of
-- people and of units, and codes asked for.
ALTER TABLE register_attempt ADD COLUMN what text NOT NULL DEFAULT 'register';
CREATE INDEX register_attempt_what ON register_attempt (ip, what, at);
GRANT SELECT, INSERT, DELETE ON register_attempt TO portal_app;

-- Grants: the unit program registers units (an organisation and its first
-- clerk), manages its clerks, decides bindings; the applicant program asks
-- for bindings; the admin program runs the platform; every program sends and
-- checks codes for its own accounts.
GRANT INSERT ON org TO portal_unit, portal_admin;
GRANT UPDATE (name, uscc, ownership, affiliation, region_id, supervisor, authorization_id, status,
	submitted_at, reviewed_by, reviewed_at, reject_reason) ON org TO portal_unit, portal_admin;
GRANT INSERT ON app_user TO portal_unit, portal_admin;
GRANT UPDATE (name, mobile, is_org_admin, disabled_at) ON app_user TO portal_unit, portal_admin;
GRANT UPDATE (mobile) ON app_user TO portal_app;
GRANT INSERT ON upload TO portal_unit;
GRANT SELECT ON person_binding TO portal_app;
GRANT INSERT, UPDATE (status, requested_at, reason, decided_by, decided_at) ON person_binding
	TO portal_applicant;
GRANT UPDATE (status, reason, decided_by, decided_at) ON person_binding TO portal_unit;
GRANT INSERT, UPDATE ON plan TO portal_admin;
GRANT SELECT ON plan_amendment TO portal_app;
GRANT INSERT ON plan_amendment TO portal_admin;
GRANT INSERT, DELETE ON calendar_day TO portal_admin;
GRANT INSERT, UPDATE, DELETE ON calendar_year TO portal_admin;
GRANT SELECT, INSERT, UPDATE ON sms_code TO portal_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO portal_app;
