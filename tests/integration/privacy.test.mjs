// Issue 11, finding 5: what the logs keep. PostgreSQL's log without a unique violation's key
// (a 身份证号), nginx's access log without query strings (secrets travel in bodies and
// fragments: the signing token in applicant-photo-sign and the browser flow, the payment order
// in applicant-submit), no typed username kept for a login to no account, every log 0640 for
// the operators' group adm, and conf/logrotate as shipped rotating them all and keeping them so.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import {
	ROOT, Session, VAR, assertError, idcard, loginAs, mobile, raw, registerApplicant, sleep, sql, sqlRows, tag,
} from './lib.mjs';

const execFileP = promisify(execFile);
const LOG = path.join(VAR, 'log');
const log = (f) => (existsSync(path.join(LOG, f)) ? readFileSync(path.join(LOG, f), 'utf8') : '');
/* nginx writes its access log in blocks, at least every second */
const accessLog = async () => {
	await sleep(1300);
	return log('nginx-access.log');
};
const ADM = Number((await execFileP('getent', ['group', 'adm'])).stdout.split(':')[2]);

const tmp = mkdtempSync(path.join(tmpdir(), 'zcps-logrotate-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('a 身份证号 registered twice: 409, and neither PostgreSQL\'s log nor the program\'s holds the number', async () => {
	const who = await registerApplicant();
	const again = await new Session('applicant').post('/register', { ...who, mobile: mobile() });
	assertError(again, 409, 'conflict', 'idcard');
	// the refusal did reach PostgreSQL (a unique violation), and it logged that much
	assert.match(log('postgres.log'), /duplicate key value violates unique constraint/);
	for (const f of ['postgres.log', 'applicant.log'])
		assert.ok(!log(f).includes(who.idcard), `${f} holds the 身份证号 ${who.idcard}`);
	assert.ok(!log('postgres.log').includes(who.idcard.slice(0, 14)), 'postgres.log holds most of the 身份证号');
});

test('a login to no account keeps nothing of what was typed, only that it failed and from where', async () => {
	// a password typed into the username field
	const typed = `Zz9!${tag()}-secret`;
	const since = await sql('SELECT max(id) FROM audit_log');
	const r = await new Session('unit').post('/login', { username: typed, password: 'whatever' });
	assertError(r, 401, 'unauthorized');
	const rows = await sqlRows(`SELECT action, coalesce(detail::text, ''), ip FROM audit_log
	    WHERE id > ${since} AND action = 'login_unknown_user'`);
	assert.equal(rows.length, 1, JSON.stringify(rows));
	assert.deepEqual(rows[0], ['login_unknown_user', '', '127.0.0.1']);
	const all = await sql(`SELECT string_agg(row_to_json(a)::text, E'\\n') FROM audit_log a WHERE id > ${since}`);
	for (const part of [typed, typed.slice(0, 4), typed.slice(-4), typed.slice(4, 12)])
		assert.ok(!all.includes(part), `audit_log keeps "${part}" of the typed name: ${all}`);
});

test('nginx\'s access log has the paths without their query strings', async () => {
	const unit = await loginAs('unit', 'unit_hongda');
	const searched = idcard();
	assert.equal((await unit.get(`/worklist?q=${searched}&size=5`)).status, 200);
	assertError(await raw('GET', `/api/applicant/health?probe=${searched}`), 400, 'unknown_field');
	const text = await accessLog();
	assert.match(text, /"GET \/api\/unit\/worklist HTTP\/1\.1" 200 /);
	assert.match(text, /"GET \/api\/applicant\/health HTTP\/1\.1" 400 /);
	assert.ok(!text.includes(searched), 'the 身份证号 searched for is in the access log');
	assert.ok(!text.includes(searched.slice(6, 14)), 'the birth date searched for is in the access log');
});

// (the privacy review: who read an application's personal data and files was recorded nowhere;
// nginx wrote the path and the address, not the account)
test('the access log names the account of every signed-in request: who read which application and file', async () => {
	const county = await loginAs('county', 'wucheng_jsj');
	const uid = await sql(`SELECT id FROM app_user WHERE username = 'wucheng_jsj'`);
	const [[app, file]] = await sqlRows(`SELECT a.id, f.upload_id FROM application a
	    JOIN application_file f ON f.application_id = a.id JOIN desk d ON d.application_id = a.id
	    WHERE d.org_id = (SELECT org_id FROM app_user WHERE id = ${uid}) ORDER BY a.id LIMIT 1`);
	const detail = await county.get(`/applications/${app}`);
	assert.equal(detail.status, 200, detail.text);
	assert.equal(detail.headers.get('x-zcps-user'), null, 'nginx keeps the header to itself');
	const f = await fetch(county.url(`/applications/${app}/files/${file}`), { headers: { Cookie: county.cookieHeader() } });
	assert.equal(f.status, 200);
	assert.equal(f.headers.get('x-zcps-user'), null);
	assert.equal((await raw('GET', '/api/county/health')).status, 200);
	const text = await accessLog();
	assert.match(text, new RegExp(`"GET /api/county/applications/${app} HTTP/1\\.1" 200 .* u=${uid}$`, 'm'));
	assert.match(text, new RegExp(`"GET /api/county/applications/${app}/files/${file} HTTP/1\\.1" 200 .* u=${uid}$`, 'm'));
	assert.match(text, /"GET \/api\/county\/health HTTP\/1\.1" 200 .* u=-$/m, 'nobody signed in: -');
});

/* mode and group of every log, as "name mode gid" lines for one assertion */
function modes() {
	return readdirSync(LOG).filter((f) => /\.log(\.\d+)?$/.test(f)).sort()
	    .map((f) => {
		    const st = statSync(path.join(LOG, f));
		    return `${f} ${(st.mode & 0o777).toString(8)} ${st.gid === ADM ? 'adm' : st.gid}`;
	    });
}

test('every log is 0640 for the group adm; nobody else reads it', () => {
	const got = modes();
	for (const f of ['postgres.log', 'nginx-access.log', 'nginx-error.log', 'applicant.log', 'unit.log', 'county.log',
		'city.log', 'hrb.log', 'admin.log'])
		assert.ok(got.some((l) => l.startsWith(`${f} `)), `no ${f}: ${got}`);
	assert.deepEqual(got.filter((l) => !/ 640 adm$/.test(l)), [], got.join('\n'));
});

test('conf/logrotate: logrotate accepts it, rotates every log, the new ones stay 0640 and are written to', async () => {
	const conf = path.join(VAR, 'logrotate.conf');
	assert.equal(readFileSync(conf, 'utf8'), readFileSync(path.join(ROOT, 'conf', 'logrotate'), 'utf8')
	    .replaceAll('@VAR@', VAR), `${conf} is conf/logrotate with its paths`);
	const state = path.join(tmp, 'state');
	const dry = await execFileP('logrotate', ['-d', '-s', state, conf]);
	assert.doesNotMatch(dry.stderr, /^error:/m, dry.stderr);
	for (const f of ['nginx-access.log', 'postgres.log', 'applicant.log'])
		assert.match(dry.stderr, new RegExp(`considering log ${path.join(LOG, f).replace(/[.]/g, '\\.')}`));

	await accessLog();	// what nginx had buffered is in the file before it is moved
	await execFileP('logrotate', ['-f', '-s', state, conf]);
	for (const f of ['nginx-access.log', 'postgres.log', 'applicant.log', 'county.log'])
		assert.ok(existsSync(path.join(LOG, `${f}.1`)), `${f} was not rotated`);
	assert.deepEqual(modes().filter((l) => !/ 640 adm$/.test(l)), [], modes().join('\n'));

	// nginx reopened its log, the programs and PostgreSQL go on writing theirs
	const marker = tag();
	assert.equal((await raw('GET', `/api/applicant/health`)).status, 200);
	assertError(await raw('POST', '/api/applicant/login', { headers: { 'Content-Type': 'application/json',
		Origin: `http://evil-${marker}.example` }, body: JSON.stringify({ username: 'x', password: 'y' }) }), 403, 'csrf');
	await sql(`DO $$ BEGIN RAISE LOG 'zcps-logrotate-${marker}'; END $$`);
	assert.match(await accessLog(), /"GET \/api\/applicant\/health HTTP\/1\.1" 200 /);
	assert.match(log('applicant.log'), new RegExp(`evil-${marker}`));
	assert.match(log('postgres.log'), new RegExp(`zcps-logrotate-${marker}`));
	assert.doesNotMatch(log('applicant.log'), /^\0/, 'copytruncate left a hole of zeros');
});
