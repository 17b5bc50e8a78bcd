// Apache httpd in front of the same programs, from conf/apache-zcps.conf as shipped (mod_proxy_fcgi
// to the programs' sockets; scripts/stack.sh replaces only its production paths and port, with
// APACHE_PORT; scripts/test.sh starts it on the test port + 3). Health, the security headers on
// what Apache answers itself, a login (the same-origin check sees Apache's Host with its port), one
// upload through the 10 MiB route, and an access log without query strings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { ROLES, Session, VAR, assertError, registerApplicant, sleep } from './lib.mjs';
import { tinyPdf, uploadPdf } from './applicant-fixtures.mjs';

const APACHE = process.env.PORTAL_APACHE_URL;
const get = async (p, headers = {}) => {
	const res = await fetch(`${APACHE}${p}`, { headers, redirect: 'manual' });
	return { status: res.status, headers: res.headers, text: await res.text() };
};

describe('Apache httpd with conf/apache-zcps.conf', { skip: !APACHE && 'this stack has no Apache (APACHE_PORT)' }, () => {
	test('every program answers its health through mod_proxy_fcgi, with its own headers once', async () => {
		for (const role of ROLES) {
			const r = await get(`/api/${role}/health`);
			assert.equal(r.status, 200, `${role}: ${r.status} ${r.text}`);
			assert.deepEqual(JSON.parse(r.text), { ok: true });
			assert.equal(r.headers.get('server'), 'Apache', 'answered by Apache, without its version');
			// the program's headers, not doubled by Apache's "Header always set … expr=-z resp(…)"
			assert.equal(r.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
			assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
			assert.equal(r.headers.get('x-frame-options'), 'DENY');
			assert.equal(r.headers.get('cache-control'), 'no-store');
		}
	});

	test('what Apache answers itself carries the security headers too; no HSTS over plain HTTP', async () => {
		const page = await get('/applicant/');
		assert.equal(page.status, 200);
		assert.match(page.text, /<div id="app">/);
		// the platform's home page (www/index.html), as nginx serves it
		const root = await get('/');
		assert.equal(root.status, 200);
		assert.match(root.text, /职称申报评审管理服务平台/);
		for (const r of [page, root, await get('/no-such-page')]) {
			assert.match(r.headers.get('content-security-policy'), /^default-src 'self'; script-src 'self';/);
			assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
			assert.equal(r.headers.get('x-frame-options'), 'DENY');
			assert.equal(r.headers.get('referrer-policy'), 'same-origin');
			assert.equal(r.headers.get('strict-transport-security'), null);
		}
	});

	let s;
	test('login through Apache: the cookie, me, and the same-origin check with Apache\'s Host', async () => {
		const who = await registerApplicant();
		s = new Session('applicant', { base: APACHE });
		// Apache passes the Host header with its port: the page's own Origin is accepted
		const r = await s.post('/login', { username: who.idcard, password: who.password }, { headers: { Origin: APACHE } });
		assert.equal(r.status, 200, r.text);
		s.csrf = r.json.csrf;
		const cookie = s.lastSetCookie.find((c) => c.startsWith('sid='));
		assert.match(cookie, /^sid=[0-9a-f]{32}; Path=\/api\/applicant\/; HttpOnly; SameSite=Strict$/, 'not Secure over plain HTTP');
		const me = await s.get('/me');
		assert.equal(me.status, 200, me.text);
		assert.equal(me.json.user.role, 'applicant');
		assertError(await new Session('applicant', { base: APACHE }).post('/login', { username: who.idcard,
			password: who.password }, { headers: { Origin: 'http://evil.example' } }), 403, 'csrf');
	});

	test('one upload through Apache (multipart, the 10 MiB route), and it reads back the same', async () => {
		assert.ok(s, 'logged in');
		const id = await uploadPdf(s, 'apache.pdf');
		const back = await fetch(`${APACHE}/api/applicant/uploads/${id}`, { headers: { Cookie: s.cookieHeader() } });
		assert.equal(back.status, 200);
		assert.equal(back.headers.get('content-type'), 'application/pdf');
		assert.deepEqual(Buffer.from(await back.arrayBuffer()), tinyPdf('apache.pdf'));
	});

	test('Apache\'s access log (LogFormat zcps) has paths without their query strings', async () => {
		const probe = `probe${Date.now()}`;
		const r = await get(`/api/applicant/health?q=${probe}`);
		assertError({ ...r, json: JSON.parse(r.text) }, 400, 'unknown_field');
		await sleep(200);
		const log = readFileSync(path.join(VAR, 'log', 'zcps-access.log'), 'utf8');
		assert.match(log, /"GET \/api\/applicant\/health HTTP\/1\.1" 400 \d+ \d+ u=-$/m);
		assert.ok(!log.includes(probe), 'the query string is in the access log');
		// the account of a signed-in request, as nginx writes it
		assert.match(log, /"GET \/api\/applicant\/uploads\/\d+ HTTP\/1\.1" 200 \d+ \d+ u=\d+$/m);
	});
});
