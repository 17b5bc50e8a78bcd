-- 001_schema.sql: organisations, accounts, sessions, audit, the review chain.

CREATE TABLE region (
	id serial PRIMARY KEY,
	code text NOT NULL UNIQUE,
	name text NOT NULL,
	level text NOT NULL CHECK (level IN ('city', 'county')),
	parent_id int REFERENCES region(id),
	CHECK ((level = 'city') = (parent_id IS NULL))
);

CREATE TABLE org_kind (
	code text PRIMARY KEY,
	name text NOT NULL,		-- at county level
	city_name text NOT NULL		-- at city level
);

CREATE TABLE org (
	id bigserial PRIMARY KEY,
	kind text NOT NULL REFERENCES org_kind(code),
	name text NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
	region_id int NOT NULL REFERENCES region(id),
	-- which program this organisation works in
	portal text NOT NULL CHECK (portal IN ('unit', 'county', 'city', 'hrb', 'admin')),
	uscc text UNIQUE,
	-- units only: 非公企业 / 国有企业 / 事业单位 (ABC 类申报 is for private ones only)
	ownership text CHECK (ownership IN ('private', 'state', 'institution')),
	-- units only: 住建局局属事业单位 / 市本级直属事业单位 choose the 初定 / 初级评审 chains
	affiliation text CHECK (affiliation IN ('bureau', 'city_direct')),
	status text NOT NULL DEFAULT 'approved'
		CHECK (status IN ('pending', 'approved', 'rejected')),
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (id, portal)
);
-- one department of each kind per region; units and centres are many
CREATE UNIQUE INDEX org_one_dept_per_region ON org (kind, region_id)
	WHERE kind NOT IN ('unit', 'talent_centre');

CREATE TABLE app_user (
	id bigserial PRIMARY KEY,
	role text NOT NULL
		CHECK (role IN ('applicant', 'unit', 'county', 'city', 'hrb', 'admin')),
	username text NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64),
	name text NOT NULL,
	idcard text UNIQUE,
	mobile text,
	org_id bigint,
	password_hash text NOT NULL CHECK (password_hash LIKE '$y$%'),
	failed_logins int NOT NULL DEFAULT 0,
	locked_until timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	password_changed_at timestamptz NOT NULL DEFAULT now(),
	-- a department account belongs to an organisation of its own portal
	FOREIGN KEY (org_id, role) REFERENCES org (id, portal),
	CHECK ((role = 'applicant') = (org_id IS NULL)),
	CHECK (role <> 'applicant' OR idcard = username)
);

CREATE TABLE session (
	id bigserial PRIMARY KEY,
	token_hash bytea NOT NULL UNIQUE,	-- sha256 of the cookie value
	user_id bigint NOT NULL REFERENCES app_user(id),
	role text NOT NULL,
	csrf text NOT NULL,
	ip text,
	created_at timestamptz NOT NULL DEFAULT now(),
	last_seen timestamptz NOT NULL DEFAULT now(),
	ended_at timestamptz
);
CREATE INDEX session_by_user ON session (user_id);

CREATE TABLE audit_log (
	id bigserial PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT now(),
	actor_user_id bigint,
	actor_role text,
	actor_org_id bigint,
	ip text,
	action text NOT NULL,
	target_type text,
	target_id bigint,
	detail jsonb
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

CREATE TABLE notification (
	id bigserial PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES app_user(id),
	mobile text,
	body text NOT NULL,
	channel text NOT NULL DEFAULT 'sms',
	status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
	created_at timestamptz NOT NULL DEFAULT now(),
	sent_at timestamptz,
	read_at timestamptz
);
CREATE INDEX notification_user ON notification (user_id, created_at DESC);

CREATE TABLE upload (
	id bigserial PRIMARY KEY,
	owner_id bigint NOT NULL REFERENCES app_user(id),
	filename text NOT NULL,
	ctype text NOT NULL CHECK (ctype IN ('application/pdf', 'image/jpeg')),
	size int NOT NULL CHECK (size > 0),
	sha256 bytea NOT NULL,
	data bytea NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_owner ON upload (owner_id);

-- Working-day calendar: weekends are rest days unless listed as workdays (调休),
-- weekdays are workdays unless listed as holidays. The operator edits the list.
CREATE TABLE calendar_day (
	day date PRIMARY KEY,
	is_workday bool NOT NULL,
	note text NOT NULL
);

CREATE FUNCTION is_working_day(d date) RETURNS bool
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT is_workday FROM calendar_day WHERE day = d),
	    extract(isodow FROM d) < 6)
$$;

-- Working days in [from_day, to_day).
CREATE FUNCTION working_days(from_day date, to_day date) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT count(*)::int FROM generate_series(from_day, to_day - 1, interval '1 day') g
	WHERE is_working_day(g::date)
$$;

-- ---------------------------------------------------------------- the chain

CREATE TABLE pipeline (
	id serial PRIMARY KEY,
	code text NOT NULL UNIQUE,
	name text NOT NULL,
	level text NOT NULL CHECK (level IN ('junior', 'mid')),
	scope text NOT NULL
);

CREATE TABLE pipeline_step (
	pipeline_id int NOT NULL REFERENCES pipeline(id),
	seq int NOT NULL CHECK (seq >= 1),
	name text NOT NULL,
	-- who acts: the applicant, the application's unit, or the department of
	-- actor_kind in the application's county (falling back to the city) or city
	actor_level text NOT NULL CHECK (actor_level IN ('applicant', 'unit', 'county', 'city')),
	actor_kind text REFERENCES org_kind(code),
	actions text[] NOT NULL CHECK (actions <@ ARRAY['submit', 'pass', 'return', 'reject']),
	gate text CHECK (gate IN ('publicity')),
	PRIMARY KEY (pipeline_id, seq),
	CHECK ((actor_level IN ('applicant', 'unit')) = (actor_kind IS NULL))
);

CREATE TABLE plan (
	id serial PRIMARY KEY,
	year int NOT NULL,
	name text NOT NULL UNIQUE,
	level text NOT NULL CHECK (level IN ('junior', 'mid')),
	opens_on date NOT NULL,
	closes_on date NOT NULL,
	CHECK (closes_on >= opens_on)
);

CREATE TABLE application (
	id bigserial PRIMARY KEY,
	applicant_id bigint NOT NULL REFERENCES app_user(id),
	plan_id int NOT NULL REFERENCES plan(id),
	pipeline_id int NOT NULL REFERENCES pipeline(id),
	unit_org_id bigint NOT NULL REFERENCES org(id),
	region_id int NOT NULL REFERENCES region(id),
	step_seq int NOT NULL DEFAULT 1,
	state text NOT NULL DEFAULT 'draft'
		CHECK (state IN ('draft', 'in_review', 'returned', 'rejected', 'completed')),
	current_org_id bigint REFERENCES org(id),
	version int NOT NULL DEFAULT 0,
	submitted_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (pipeline_id, step_seq) REFERENCES pipeline_step (pipeline_id, seq),
	CHECK ((state = 'in_review') = (current_org_id IS NOT NULL))
);
CREATE INDEX application_worklist ON application (current_org_id, updated_at)
	WHERE state = 'in_review';
CREATE INDEX application_applicant ON application (applicant_id);

CREATE TABLE chain_history (
	id bigserial PRIMARY KEY,
	application_id bigint NOT NULL REFERENCES application(id),
	no int NOT NULL,
	action text NOT NULL CHECK (action IN ('submit', 'pass', 'return', 'reject')),
	from_step int NOT NULL,
	to_step int NOT NULL,
	from_state text NOT NULL,
	to_state text NOT NULL,
	text text,
	actor_user_id bigint NOT NULL REFERENCES app_user(id),
	actor_org_id bigint REFERENCES org(id),
	at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (application_id, no)
);

-- 公示: the unit's publicity of an application; the reporting step's gate reads it.
CREATE TABLE publicity (
	application_id bigint PRIMARY KEY REFERENCES application(id),
	starts_on date NOT NULL,
	created_by bigint NOT NULL REFERENCES app_user(id),
	created_at timestamptz NOT NULL DEFAULT now()
);

-- History and audit are append-only, whoever connects.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER chain_history_append_only BEFORE UPDATE OR DELETE ON chain_history
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER chain_history_no_truncate BEFORE TRUNCATE ON chain_history
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
