-- 063_codes_out_of_reach.sql: a one-time code is readable by the SMS sender alone.
--
-- The codes' texts went into the outbox (notification), which the applicant
-- program's role reads in full for 消息, and stayed there for ever; their hash,
-- sha256(user:code) over a million possible codes, was readable by every
-- program. Whoever took over the public applicant program could ask 忘记密码
-- for any account (an operator's, a clerk's), read the code and reset the
-- password (the privacy review). Now:
--   - a code's SMS goes to code_sms, which the programs may write and not read;
--     the sender (role portal_sms) reads it and marks what it sent; a row is
--     gone once its code expired (each new one sweeps the expired);
--   - the programs read sms_code without its hash: whether a code is right is
--     asked of sms_code_matches(), which answers yes or no for one open code.
-- Codes already in the outbox go over while they are open; the rest are gone.
CREATE TABLE code_sms (
	id bigserial PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES app_user(id),
	mobile text NOT NULL,
	body text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	sent_at timestamptz
);
CREATE INDEX code_sms_expires ON code_sms (expires_at);

INSERT INTO code_sms (user_id, mobile, body, created_at, expires_at)
SELECT n.user_id, n.mobile, n.body, n.created_at, c.expires_at
FROM notification n
JOIN LATERAL (SELECT s.expires_at FROM sms_code s
	WHERE s.user_id = n.user_id AND s.mobile = n.mobile AND s.created_at <= n.created_at
	ORDER BY s.id DESC LIMIT 1) c ON true
WHERE NOT n.inbox AND n.mobile IS NOT NULL AND c.expires_at > now();
DELETE FROM notification WHERE NOT inbox AND body LIKE '【职称申报】您正在%验证码%';

-- (as the table's owner: the programs may not delete what they may not read)
CREATE FUNCTION code_sms_sweep() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	DELETE FROM code_sms WHERE expires_at < now();
	RETURN NULL;
END $$;
CREATE TRIGGER code_sms_sweep AFTER INSERT ON code_sms
	FOR EACH STATEMENT EXECUTE FUNCTION code_sms_sweep();
REVOKE ALL ON FUNCTION code_sms_sweep() FROM PUBLIC;

-- Whether code is that of user's open code id (the caller counts the tries).
CREATE FUNCTION sms_code_matches(p_id bigint, p_user bigint, p_code text) RETURNS bool
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
	SELECT coalesce((SELECT code_hash = sha256(convert_to(p_user::text || ':' || p_code, 'UTF8'))
		FROM sms_code WHERE id = p_id AND user_id = p_user AND used_at IS NULL
		AND expires_at > now()), false)
$$;
REVOKE ALL ON FUNCTION sms_code_matches(bigint, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sms_code_matches(bigint, bigint, text) TO portal_app;

REVOKE SELECT ON sms_code FROM portal_app;
GRANT SELECT (id, user_id, purpose, mobile, tries, ip, created_at, expires_at, used_at)
	ON sms_code TO portal_app;
GRANT INSERT ON code_sms TO portal_app;
GRANT USAGE ON SEQUENCE code_sms_id_seq TO portal_app;

-- The SMS sender's role: reads both outboxes, marks what it sent.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_sms') THEN
		CREATE ROLE portal_sms NOLOGIN;
	END IF;
END $$;
GRANT USAGE ON SCHEMA public TO portal_sms;
GRANT SELECT, UPDATE (sent_at) ON code_sms TO portal_sms;
GRANT SELECT (id, mobile, body, channel, status, created_at, sent_at, inbox),
	UPDATE (status, sent_at) ON notification TO portal_sms;
