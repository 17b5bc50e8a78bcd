// Defence in depth in the database (sql/003_roles.sql and the grants of later migrations): each
// program connects as its own PostgreSQL role with only the grants it needs, so a program that is
// made to run a statement it should not (an SQL injection, a mistake in a handler) is refused by
// PostgreSQL too. Checked as the stack's superuser with SET ROLE, inside transactions rolled back.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sql } from './lib.mjs';

/* statement, run as role, is refused with "permission denied" */
const denied = (role, statement) => assert.rejects(sql(`BEGIN; SET LOCAL ROLE ${role}; ${statement}; ROLLBACK`),
    /permission denied/, `${role} may: ${statement}`);
/* statement, run as role, is allowed (the role exists and the test is not vacuous) */
const allowed = async (role, statement) =>
	assert.doesNotMatch(await sql(`BEGIN; SET LOCAL ROLE ${role}; ${statement}; ROLLBACK`), /ERROR/);

test('no program may rewrite or erase the audit log or the chain\'s history; only admin reads the audit log', async () => {
	for (const role of ['portal_applicant', 'portal_unit', 'portal_county', 'portal_city', 'portal_hrb', 'portal_admin']) {
		await denied(role, `UPDATE audit_log SET action = 'x' WHERE id = (SELECT max(id) FROM audit_log)`);
		await denied(role, 'DELETE FROM chain_history');
		await denied(role, 'TRUNCATE audit_log');
	}
	await allowed('portal_admin', 'SELECT count(*) FROM audit_log');
	await denied('portal_unit', 'SELECT count(*) FROM audit_log');
	await denied('portal_applicant', 'SELECT count(*) FROM audit_log');
});

test('accounts: a program writes only its own portal\'s accounts; none changes a role, a username or an organisation', async () => {
	const user = (role) => `INSERT INTO app_user (role, username, name, password_hash, org_id)
	    VALUES ('${role}', 'itest_guard', '测试', '$y$x', (SELECT min(id) FROM org WHERE portal = '${role}'))`;
	await denied('portal_unit', user('admin'));
	await denied('portal_unit', user('county'));
	await denied('portal_county', user('admin'));
	await denied('portal_admin', `INSERT INTO app_user (role, username, name, password_hash, idcard)
	    VALUES ('applicant', '330702199001010015', 'x', '$y$x', '330702199001010015')`);
	// the operator's 账号查询 resets or disables an applicant's account (sql/070), never its username
	await allowed('portal_admin', `UPDATE app_user SET disabled_at = disabled_at WHERE username = '330702199001010015'`);
	await denied('portal_admin', `UPDATE app_user SET username = username WHERE username = '330702199001010015'`);
	await allowed('portal_unit', user('unit'));
	await allowed('portal_admin', user('county'));
	// the unit's program cannot lock or disable another portal's account either
	await denied('portal_unit', `UPDATE app_user SET failed_logins = failed_logins WHERE role = 'county'`);
	await denied('portal_unit', `UPDATE app_user SET disabled_at = now() WHERE role = 'admin'`);
	for (const role of ['portal_applicant', 'portal_unit', 'portal_county'])
		for (const col of ['role', 'username', 'org_id'])
			await denied(role, `UPDATE app_user SET ${col} = ${col} WHERE false`);
	await allowed('portal_unit', 'UPDATE app_user SET failed_logins = failed_logins WHERE false');
});

test('each program writes only its own part: units the publicity, applicants the content, nobody the reference data', async () => {
	await denied('portal_applicant', 'DELETE FROM publicity');
	await denied('portal_county', 'DELETE FROM publicity');
	await allowed('portal_unit', 'DELETE FROM publicity WHERE false');
	// the HR bureau's 资格复审公示 and the city's results publicity
	for (const role of ['portal_hrb', 'portal_city'])
		await allowed(role, `UPDATE publicity SET starts_on = starts_on WHERE false`);
	await denied('portal_unit', 'UPDATE application_file SET upload_id = upload_id WHERE false');
	await denied('portal_unit', 'INSERT INTO signing_token (token_hash, application_id, expires_at) VALUES (\'x\', 0, now())');
	// plans are the operator's (011: a published plan changes through amendments)
	await allowed('portal_admin', 'UPDATE plan SET fee_review = fee_review WHERE false');
	for (const role of ['portal_applicant', 'portal_unit', 'portal_county', 'portal_city', 'portal_hrb'])
		await denied(role, 'UPDATE plan SET fee_review = 0 WHERE false');
	for (const role of ['portal_applicant', 'portal_unit', 'portal_admin']) {
		await denied(role, 'DELETE FROM pipeline_step');
		await denied(role, 'UPDATE upload SET data = data WHERE false');
	}
});

// (the privacy review: the applicant program's role read every code sent, in the outbox, and
// every program the codes' hashes, sha256 over a million possible codes)
test('sessions and codes: a program makes them for its own portal\'s accounts only (sql/072: one program taken over is not the operator)', async () => {
	const admin = "(SELECT id FROM app_user WHERE username = 'admin')";
	const applicant = "(SELECT id FROM app_user WHERE role = 'applicant' ORDER BY id LIMIT 1)";
	const session = (role, user) => `INSERT INTO session (token_hash, user_id, role, csrf, ip)
	    VALUES (sha256(convert_to(random()::text, 'UTF8')), ${user}, '${role}', 'x', '127.0.0.1')`;
	const code = (user) => `INSERT INTO sms_code (user_id, purpose, mobile, code_hash, ip, expires_at)
	    VALUES (${user}, 'password', '13957900000', sha256(convert_to('x', 'UTF8')), '127.0.0.1', now() + interval '10 minutes')`;
	// the probe's: the public-facing program minted the operator's session
	await denied('portal_applicant', session('admin', admin));
	await denied('portal_applicant', session('applicant', admin));
	await denied('portal_unit', session('admin', admin));
	await denied('portal_applicant', code(admin));
	await denied('portal_county', code(admin));
	// nor makes one by rewriting a row it may keep up to date
	for (const col of ['user_id', 'role', 'token_hash', 'csrf'])
		await denied('portal_applicant', `UPDATE session SET ${col} = ${col} WHERE false`);
	for (const col of ['user_id', 'code_hash', 'mobile', 'expires_at'])
		await denied('portal_applicant', `UPDATE sms_code SET ${col} = ${col} WHERE false`);
	// what the programs do: their own, kept up to date, ended (also another portal's: a disabled account)
	await allowed('portal_admin', session('admin', admin));
	await allowed('portal_applicant', session('applicant', applicant));
	await allowed('portal_applicant', code(applicant));
	await allowed('portal_admin', code(admin));
	await allowed('portal_unit', 'UPDATE session SET last_seen = now(), ended_at = now() WHERE false');
	await allowed('portal_unit', 'UPDATE sms_code SET tries = tries + 1, used_at = now() WHERE false');
	// the addresses an account signed in from (sql/074): a known one is spared a stranger's lock
	const address = (user) => `INSERT INTO login_address (user_id, ip) VALUES (${user}, '198.51.100.${Math.floor(Math.random() * 250)}')
	    ON CONFLICT DO NOTHING`;
	await denied('portal_applicant', address(admin));
	await denied('portal_unit', address(applicant));
	await denied('portal_applicant', 'UPDATE login_address SET user_id = user_id, ip = ip WHERE false');
	await allowed('portal_applicant', address(applicant));
	await allowed('portal_admin', address(admin));
});

test('one-time codes: no program reads a code sent or its hash; the SMS sender reads the codes', async () => {
	for (const role of ['portal_applicant', 'portal_unit', 'portal_county', 'portal_city', 'portal_hrb', 'portal_admin']) {
		await denied(role, 'SELECT body FROM code_sms');
		await denied(role, 'SELECT code_hash FROM sms_code');
		await denied(role, 'DELETE FROM code_sms');
		await allowed(role, `SELECT count(*), bool_or(sms_code_matches(id, user_id, '000000')) FROM sms_code`);
		await allowed(role, `INSERT INTO code_sms (user_id, mobile, body, expires_at)
		    VALUES ((SELECT min(id) FROM app_user), '13800000000', 'x', now() + interval '10 minutes')`);
	}
	await allowed('portal_sms', 'SELECT body FROM code_sms');
	await allowed('portal_sms', 'UPDATE code_sms SET sent_at = now() WHERE false');
	await denied('portal_sms', 'SELECT code_hash FROM sms_code');
	assert.equal(await sql(`SELECT count(*) FROM notification WHERE body LIKE '%验证码%'`), '0',
	    'a code in the outbox every program reads');
});

test('no program\'s statement is compiled by JIT (sql/023: 75-82 ms a detail page at a million)', async () => {
	// the setting of each program's role, which its workers' connections take when made
	for (const r of ['applicant', 'unit', 'county', 'city', 'hrb', 'admin']) {
		const rows = await sql(`SELECT rolconfig FROM pg_roles WHERE rolname = 'portal_${r}'`);
		assert.match(rows, /jit=off/, `portal_${r} compiles with JIT: ${rows}`);
	}
});

test('the database counts days in Beijing time whatever the server\'s time zone (sql/031)', async () => {
	// a cluster made by other hands than scripts/stack.sh may run in UTC: the
	// database's own setting is what every program's session takes
	const rows = await sql(`SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting
		WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND setrole = 0`);
	assert.match(rows, /timezone=Asia\/Shanghai/i, `the database's settings: ${rows}`);
});
