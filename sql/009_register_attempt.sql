-- 008_register_attempt.sql: registrations tried per IP address, for the hourly
-- limit (conf register_per_ip_hour). Registering answers "已注册" for a taken
-- 身份证号, which is needed by the person and useful to someone walking
-- through numbers; the limit keeps the second from doing it in bulk. Rows
-- older than an hour are purged as new attempts come in.
CREATE TABLE register_attempt (
	ip text NOT NULL,
	at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX register_attempt_ip_at ON register_attempt (ip, at);
CREATE INDEX register_attempt_at ON register_attempt (at);

GRANT SELECT, INSERT, DELETE ON register_attempt TO portal_applicant;
