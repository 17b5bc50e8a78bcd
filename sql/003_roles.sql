-- 003_roles.sql: one PostgreSQL role per program, each with only the grants it
-- needs (defence in depth). Programs log in by peer authentication; see
-- scripts/stack.sh for the pg_ident map. Roles are cluster-wide, so they are
-- created only when missing.
DO $$
DECLARE r text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
		CREATE ROLE portal_app NOLOGIN;
	END IF;
	FOREACH r IN ARRAY ARRAY['applicant', 'unit', 'county', 'city', 'hrb', 'admin'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_' || r) THEN
			EXECUTE format('CREATE ROLE %I LOGIN IN ROLE portal_app', 'portal_' || r);
		END IF;
	END LOOP;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO portal_app;

-- Reference data: read only for every program.
GRANT SELECT ON region, org_kind, pipeline, pipeline_step, plan, calendar_day TO portal_app;
GRANT SELECT ON org TO portal_app;

-- Accounts and sessions.
GRANT SELECT ON app_user TO portal_app;
GRANT UPDATE (failed_logins, locked_until, password_hash, password_changed_at)
	ON app_user TO portal_app;
GRANT INSERT ON app_user TO portal_applicant;
GRANT SELECT, INSERT, UPDATE, DELETE ON session TO portal_app;

-- Append-only records: insert, never update or delete.
GRANT INSERT ON audit_log, chain_history TO portal_app;
GRANT SELECT ON chain_history TO portal_app;
GRANT SELECT ON audit_log TO portal_admin;
GRANT INSERT ON notification TO portal_app;
GRANT SELECT, UPDATE (read_at) ON notification TO portal_applicant;

-- The chain: every program moves applications through lib/chain.c.
GRANT SELECT, UPDATE ON application TO portal_app;
GRANT INSERT ON application TO portal_applicant;
GRANT SELECT ON publicity TO portal_app;
GRANT INSERT, DELETE ON publicity TO portal_unit;

GRANT SELECT, INSERT ON upload TO portal_app;

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO portal_app;
