-- 014_certificates.sql: 制发文件、网络打印证书, the last step of every chain
-- (issue 9). The department that owns the step issues a results document
-- (文件: 文号, date, title, the passed applicants by specialty); issuing it
-- passes each listed application through chain_move() (the gate 'document'
-- below), and the move's hook writes one electronic certificate per person.
-- A certificate carries a verification code (128 random bits, lib/certificate.c)
-- printed as a QR code to the public page /verify/<code>; the database keeps
-- its SHA-256 for the lookup, and the code itself only for its holder's
-- reprint (column grants: the departments' programs cannot read it).

-- Who a chain's certificate names as the body that judged: the committee of a
-- 评审 chain, the department of an 初定 chain.
ALTER TABLE pipeline ADD COLUMN cert_body_label text, ADD COLUMN cert_body text;
UPDATE pipeline p SET cert_body_label = v.label, cert_body = v.body FROM (VALUES
	('mid_review', '评审委员会', '金华市建设工程技术人员工程师职务任职资格评审委员会'),
	('junior_review', '评审委员会', '金华市住房和城乡建设局系统工程技术人员初级技术职务评审委员会'),
	('junior_assess', '初定单位', '金华市住房和城乡建设局'),
	('mid_assess', '评定单位', '金华市人力资源和社会保障局')
) AS v(code, label, body) WHERE p.code = v.code;

CREATE TABLE results_document (
	id bigserial PRIMARY KEY,
	org_id bigint NOT NULL REFERENCES org(id),
	number text NOT NULL CHECK (length(number) BETWEEN 5 AND 40),	-- 文号: 金建评〔2023〕12号
	issued_on date NOT NULL,
	title text NOT NULL CHECK (length(title) BETWEEN 2 AND 100),
	created_by bigint NOT NULL REFERENCES app_user(id),
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (org_id, number)
);
CREATE INDEX results_document_org ON results_document (org_id, created_at DESC);

-- The applicants a document lists, as the document states them (a later
-- change of a name or a unit does not change a published document).
CREATE TABLE results_document_item (
	document_id bigint NOT NULL REFERENCES results_document(id),
	seq int NOT NULL CHECK (seq >= 1),
	application_id bigint NOT NULL UNIQUE REFERENCES application(id),
	step_seq int NOT NULL,
	name text NOT NULL,
	unit text NOT NULL,
	specialty text NOT NULL,
	title text NOT NULL,		-- the title granted: 工程师, 助理工程师
	PRIMARY KEY (document_id, seq)
);

CREATE SEQUENCE certificate_no;
CREATE TABLE certificate (
	id bigserial PRIMARY KEY,
	number text NOT NULL UNIQUE,
	application_id bigint NOT NULL UNIQUE REFERENCES application(id),
	document_id bigint NOT NULL REFERENCES results_document(id),
	holder_id bigint NOT NULL REFERENCES app_user(id),
	-- what the certificate shows, fixed when it is issued; the 身份证号 only masked
	name text NOT NULL,
	idcard_masked text NOT NULL CHECK (idcard_masked ~ '^.{4}\*+.{4}$'),
	series text NOT NULL,
	title text NOT NULL,
	specialty text NOT NULL,
	body_label text NOT NULL,
	body text NOT NULL,
	issued_on date NOT NULL,
	authority text NOT NULL,
	org_id bigint NOT NULL REFERENCES org(id),
	-- the verification code: its holder prints it; /verify/ finds it by hash
	code text NOT NULL CHECK (code ~ '^[0-9a-f]{32}$'),
	code_hash bytea NOT NULL UNIQUE CHECK (code_hash = sha256(convert_to(code, 'UTF8'))),
	created_at timestamptz NOT NULL DEFAULT now(),
	revoked_at timestamptz,
	revoked_by bigint REFERENCES app_user(id),
	revoke_reason text CHECK (length(revoke_reason) BETWEEN 2 AND 500),
	CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL) AND (revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX certificate_org ON certificate (org_id, created_at DESC);
CREATE INDEX certificate_holder ON certificate (holder_id);

-- A revocation is final.
CREATE FUNCTION certificate_revoke_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.revoked_at IS NOT NULL THEN
		RAISE EXCEPTION '该证书已撤销' USING ERRCODE = 'ZC931';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER certificate_revoke_once BEFORE UPDATE ON certificate
	FOR EACH ROW EXECUTE FUNCTION certificate_revoke_once();
CREATE TRIGGER certificate_no_delete BEFORE DELETE ON certificate
	FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Every program that moves applications asks the gate (lib/gate.c).
GRANT SELECT ON results_document, results_document_item TO portal_app;
GRANT INSERT ON results_document, results_document_item TO portal_city, portal_hrb;
GRANT USAGE ON SEQUENCE results_document_id_seq, certificate_id_seq, certificate_no
	TO portal_city, portal_hrb;
-- the issuing departments: every column but the code
GRANT SELECT (id, number, application_id, document_id, holder_id, name, idcard_masked, series, title,
	specialty, body_label, body, issued_on, authority, org_id, code_hash, created_at, revoked_at,
	revoked_by, revoke_reason) ON certificate TO portal_city, portal_hrb;
GRANT INSERT ON certificate TO portal_city, portal_hrb;
GRANT UPDATE (revoked_at, revoked_by, revoke_reason) ON certificate TO portal_city, portal_hrb;
-- the holder prints it (with its code); /verify/ is served by the applicant program
GRANT SELECT ON certificate TO portal_applicant;

-- ---------- the gate of 制发文件、网络打印证书 ----------
INSERT INTO step_gate (pipeline_id, seq, gate, ord)
SELECT p.id, v.seq, 'document', 1 FROM pipeline p JOIN (VALUES
	('mid_review', 12),
	('junior_review', 7),
	('junior_assess', 7),
	('mid_assess', 7)
) AS v(pcode, seq) ON v.pcode = p.code;
