-- 008_workspace.sql: the reviewer's workspace. Each organisation's desk (the
-- applications that reached it, waiting or decided), the labels of states and
-- actions kept once, the checklists of the notice, reusable opinions, and
-- objections raised during the unit's publicity.

-- One row per organisation and application that reached it. chain_move()
-- keeps it: an arrival (re)opens the row, the organisation's decision closes
-- it. It is what every reviewer's worklist pages through and what decides
-- which applications an organisation may open (an operator has no desk).
CREATE TABLE desk (
	org_id bigint NOT NULL REFERENCES org(id),
	application_id bigint NOT NULL REFERENCES application(id),
	arrived_at timestamptz NOT NULL,
	-- the step it arrived at (an organisation may own two steps of a chain)
	step_seq int NOT NULL,
	decided_at timestamptz,
	action text CHECK (action IN ('pass', 'return', 'reject')),
	-- the submission (application_snapshot.no) it saw when it last decided:
	-- what changed since is shown to it on the next arrival
	decided_snapshot int,
	-- sort keys of the worklist, kept here so that a page is an index range
	applicant_name text NOT NULL,
	touched_at timestamptz NOT NULL,
	PRIMARY KEY (org_id, application_id),
	CHECK ((decided_at IS NULL) = (action IS NULL))
);
CREATE INDEX desk_waiting ON desk (org_id, arrived_at, application_id) WHERE decided_at IS NULL;
CREATE INDEX desk_decided ON desk (org_id, decided_at, application_id) WHERE decided_at IS NOT NULL;
CREATE INDEX desk_all ON desk (org_id, arrived_at, application_id);
CREATE INDEX desk_by_name ON desk (org_id, (applicant_name COLLATE "zh-x-icu"), application_id);
CREATE INDEX desk_touched ON desk (org_id, touched_at, application_id);
CREATE INDEX desk_application ON desk (application_id);

-- The counts of each desk's tabs (待审查 / 已审查), kept by trigger so that a
-- worklist's counts cost the same for 20 applications as for 20 000. Eight
-- rows per organisation, chosen by application id, so that moves of one busy
-- organisation do not queue behind one counter row.
CREATE TABLE desk_tally (
	org_id bigint NOT NULL,
	shard int NOT NULL,
	waiting int NOT NULL DEFAULT 0,
	decided int NOT NULL DEFAULT 0,
	PRIMARY KEY (org_id, shard)
);

CREATE FUNCTION desk_tally_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE desk_tally SET waiting = waiting - (OLD.decided_at IS NULL)::int,
			decided = decided - (OLD.decided_at IS NOT NULL)::int
		WHERE org_id = OLD.org_id AND shard = OLD.application_id % 8;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO desk_tally (org_id, shard, waiting, decided)
		VALUES (NEW.org_id, NEW.application_id % 8, (NEW.decided_at IS NULL)::int,
			(NEW.decided_at IS NOT NULL)::int)
		ON CONFLICT (org_id, shard) DO UPDATE SET
			waiting = desk_tally.waiting + EXCLUDED.waiting,
			decided = desk_tally.decided + EXCLUDED.decided;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER desk_tally_keep AFTER INSERT OR DELETE OR UPDATE OF decided_at, org_id ON desk
	FOR EACH ROW EXECUTE FUNCTION desk_tally_keep();

-- Each day's working-day ordinal: how many working days lie between the
-- first day the calendar covers and that day (not counting it), so that the
-- working days in [a, b) are n(b) - n(a): two index lookups instead of a walk
-- over the days, for worklists and statistics over many applications. Kept
-- for the unbroken run of covered years from the first (a day of a year not
-- entered has no row: NULL, never a guess), plus the first day after it.
CREATE TABLE workday_ordinal (
	day date PRIMARY KEY,
	n int NOT NULL
);

CREATE FUNCTION workday_ordinal_fill() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	first_year int;
	last_year int;
BEGIN
	SELECT min(year) INTO first_year FROM calendar_year;
	SELECT min(y) - 1 INTO last_year FROM generate_series(first_year, first_year + 200) y
	WHERE NOT EXISTS (SELECT 1 FROM calendar_year c WHERE c.year = y);
	DELETE FROM workday_ordinal;
	IF first_year IS NULL THEN
		RETURN;
	END IF;
	INSERT INTO workday_ordinal (day, n)
	SELECT g::date, coalesce(sum(CASE WHEN coalesce(c.is_workday, extract(isodow FROM g) < 6)
		THEN 1 ELSE 0 END) OVER (ORDER BY g ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
	FROM generate_series(make_date(first_year, 1, 1), make_date(last_year + 1, 1, 1), interval '1 day') g
	LEFT JOIN calendar_day c ON c.day = g::date;
END
$$;

CREATE FUNCTION workday_ordinal_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM workday_ordinal_fill();
	RETURN NULL;
END
$$;
CREATE TRIGGER workday_ordinal_day AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_day
	FOR EACH STATEMENT EXECUTE FUNCTION workday_ordinal_refresh();
CREATE TRIGGER workday_ordinal_year AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_year
	FOR EACH STATEMENT EXECUTE FUNCTION workday_ordinal_refresh();
SELECT workday_ordinal_fill();

-- Working days in [a, b) as working_days() counts them, or NULL where the
-- calendar does not cover a year: for showing how long an application has
-- waited, where a worklist must not fail because next year is not entered yet.
CREATE FUNCTION working_days_known(a date, b date) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT (SELECT n FROM workday_ordinal WHERE day = b) - (SELECT n FROM workday_ordinal WHERE day = a)
$$;

-- Working days an application has waited on a desk (today not counted).
CREATE FUNCTION days_waited(since timestamptz) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT working_days_known((since AT TIME ZONE 'Asia/Shanghai')::date, current_date)
$$;

-- What a reviewer ticked (四.2: 信用核查、学历、资历…) and which submission it
-- decided on, kept with each move.
ALTER TABLE chain_history ADD COLUMN checks jsonb, ADD COLUMN snapshot_no int;

-- The desks of what is already in the chain: every organisation that moved
-- an application, and the holder of every application in review.
INSERT INTO desk (org_id, application_id, arrived_at, step_seq, decided_at, action,
	decided_snapshot, applicant_name, touched_at)
SELECT DISTINCT ON (h.actor_org_id, h.application_id) h.actor_org_id, h.application_id,
	coalesce((SELECT max(a2.at) FROM chain_history a2 WHERE a2.application_id = h.application_id
		AND a2.to_step = h.from_step AND a2.no < h.no), h.at),
	h.from_step, h.at, h.action,
	(SELECT max(no) FROM application_snapshot s WHERE s.application_id = h.application_id
		AND s.at <= h.at),
	u.name, h.at
FROM chain_history h JOIN application a ON a.id = h.application_id
JOIN app_user u ON u.id = a.applicant_id
WHERE h.actor_org_id IS NOT NULL AND h.action <> 'submit'
ORDER BY h.actor_org_id, h.application_id, h.no DESC;
INSERT INTO desk (org_id, application_id, arrived_at, step_seq, applicant_name, touched_at)
SELECT a.current_org_id, a.id, coalesce(step_arrival(a.id), a.updated_at), a.step_seq, u.name,
	coalesce(step_arrival(a.id), a.updated_at)
FROM application a JOIN app_user u ON u.id = a.applicant_id
WHERE a.state = 'in_review'
ON CONFLICT (org_id, application_id) DO UPDATE SET arrived_at = EXCLUDED.arrived_at,
	step_seq = EXCLUDED.step_seq, decided_at = NULL, action = NULL,
	touched_at = EXCLUDED.touched_at;

-- Labels, kept once and served to every portal (GET /reference).
CREATE TABLE state_label (
	code text PRIMARY KEY,
	name text NOT NULL,
	tag text NOT NULL	-- the colour of its badge: info primary warning danger success
);
INSERT INTO state_label (code, name, tag) VALUES
	('draft', '草稿', 'info'),
	('in_review', '审查中', 'primary'),
	('returned', '已退回修改', 'warning'),
	('rejected', '不通过', 'danger'),
	('completed', '已办结', 'success');

CREATE TABLE action_label (
	code text PRIMARY KEY,
	name text NOT NULL,		-- the button
	done text NOT NULL,		-- what happened, in a history line
	text_label text NOT NULL,	-- what the reviewer must write with it
	seq int NOT NULL
);
INSERT INTO action_label (code, name, done, text_label, seq) VALUES
	('submit', '提交', '提交申报', '', 1),
	('pass', '通过', '通过', '审核意见', 2),
	('return', '退回修改', '退回修改', '退回理由（需完善的内容）', 3),
	('reject', '不通过', '不通过', '不通过理由', 4);

-- What a reviewer checks before deciding: the unit per the notice's 四.1, the
-- departments per 四.2.
CREATE TABLE checklist_item (
	audience text NOT NULL CHECK (audience IN ('unit', 'department')),
	code text NOT NULL,
	name text NOT NULL,
	hint text NOT NULL,
	seq int NOT NULL,
	PRIMARY KEY (audience, code)
);
INSERT INTO checklist_item (audience, code, name, hint, seq) VALUES
	('unit', 'identity', '基础信息', '姓名、身份证号、学历、现有职称等基础信息真实准确', 1),
	('unit', 'archive', '业绩档案', '所选业绩真实准确，集体项目有本人系主要贡献者的依据', 2),
	('unit', 'materials', '申报材料', '附件齐全、清晰，与申报方式的要求一致', 3),
	('department', 'credit', '信用核查', '无失信记录', 1),
	('department', 'education', '学历', '学历、学位与证书一致', 2),
	('department', 'seniority', '资历', '现有职称及取得（聘任）年限符合申报方式的要求', 3),
	('department', 'appraisal', '年度考核', '任现职以来年度考核合格', 4),
	('department', 'cont_edu', '继续教育学时', '继续教育学时达到规定要求', 5),
	('department', 'staffing', '事业编制人员评聘结合', '事业单位在编人员评聘结合；非在编、离岗创业有单位说明', 6);

-- Opinions an organisation writes again and again (审核意见 templates).
CREATE TABLE opinion_template (
	id bigserial PRIMARY KEY,
	org_id bigint NOT NULL REFERENCES org(id),
	text text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
	created_by bigint NOT NULL REFERENCES app_user(id),
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (org_id, text)
);

-- 异议 raised during the unit's 公示; the unit cannot report upward while one is open.
CREATE TABLE objection (
	id bigserial PRIMARY KEY,
	application_id bigint NOT NULL REFERENCES application(id),
	raised_on date NOT NULL,
	content text NOT NULL CHECK (length(content) BETWEEN 1 AND 1000),
	created_by bigint NOT NULL REFERENCES app_user(id),
	created_at timestamptz NOT NULL DEFAULT now(),
	resolution text CHECK (length(resolution) BETWEEN 1 AND 1000),
	resolved_by bigint REFERENCES app_user(id),
	resolved_at timestamptz,
	CHECK ((resolution IS NULL) = (resolved_at IS NULL))
);
CREATE INDEX objection_application ON objection (application_id);

GRANT SELECT ON state_label, action_label, checklist_item, workday_ordinal TO portal_app;
GRANT SELECT, INSERT, UPDATE ON desk TO portal_app;
GRANT SELECT, INSERT, UPDATE ON desk_tally TO portal_app;
GRANT SELECT ON opinion_template TO portal_app;
GRANT INSERT, DELETE ON opinion_template TO portal_unit, portal_county, portal_city, portal_hrb;
GRANT SELECT ON objection TO portal_app;
GRANT INSERT, UPDATE (resolution, resolved_by, resolved_at) ON objection TO portal_unit;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO portal_app;
