// nginx over TLS (conf/nginx-tls.conf.in: scripts/stack.sh with TLS_PORT, a self-signed
// certificate for 127.0.0.1 made when the stack starts; scripts/test.sh uses the test port + 2).
// Health, login with a Secure cookie, one upload, and Strict-Transport-Security on every reply over
// TLS, none over plain HTTP. The certificate is checked (against the stack's own), not ignored.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { BASE, ROLES, Session, VAR, assertError, fetchWithCa, raw, registerApplicant } from './lib.mjs';
import { tinyPdf, uploadPdf } from './applicant-fixtures.mjs';

const TLS = process.env.PORTAL_TLS_URL;
const CERT = path.join(VAR, 'tls', 'cert.pem');
const ca = TLS ? readFileSync(CERT) : null;
const HSTS = 'max-age=31536000; includeSubDomains';
const get = (p, headers = {}) => fetchWithCa(`${TLS}${p}`, { headers, ca });

describe('nginx over TLS', { skip: !TLS && 'this stack has no TLS port (TLS_PORT)' }, () => {
	test('the certificate is the stack\'s own and is checked: without it the connection is refused', async () => {
		await assert.rejects(fetchWithCa(`${TLS}/api/applicant/health`, {}), /self[- ]signed certificate/i);
	});

	test('every program answers over TLS, with HSTS; plain HTTP has none', async () => {
		for (const role of ROLES) {
			const r = await get(`/api/${role}/health`);
			assert.equal(r.status, 200, role);
			assert.deepEqual(JSON.parse(await r.text()), { ok: true });
			assert.equal(r.headers.get('strict-transport-security'), HSTS, role);
			// the program's own headers, not doubled
			assert.equal(r.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
		}
		assert.equal((await raw('GET', '/api/applicant/health')).headers.get('strict-transport-security'), null);
	});

	test('HSTS also on what nginx answers itself: pages, assets, redirects, 404, 413', async () => {
		const page = await get('/applicant/');
		assert.equal(page.status, 200);
		const script = /<script[^>]* src="([^"]+)"/.exec(await page.text())[1];
		// the site root is the platform's home page; /unit redirects to /unit/
		const replies = [page, await get(script), await get('/'), await get('/unit'), await get('/nope'),
			await fetchWithCa(`${TLS}/api/applicant/register`, { method: 'POST', ca,
				headers: { 'Content-Type': 'application/json' }, body: Buffer.alloc(2 << 20, 'x') })];
		assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 302, 404, 413]);
		for (const r of replies) {
			assert.equal(r.headers.get('strict-transport-security'), HSTS);
			assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
		}
	});

	let s;
	test('login over TLS: the sid cookie is Secure, HttpOnly and SameSite=Strict; the https Origin is this site', async () => {
		const who = await registerApplicant();
		s = new Session('applicant', { base: TLS, ca });
		const r = await s.post('/login', { username: who.idcard, password: who.password }, { headers: { Origin: TLS } });
		assert.equal(r.status, 200, r.text);
		s.csrf = r.json.csrf;
		assert.equal(r.headers.get('strict-transport-security'), HSTS);
		const cookie = s.lastSetCookie.find((c) => c.startsWith('sid='));
		assert.match(cookie, /^sid=[0-9a-f]{32}; Path=\/api\/applicant\/; HttpOnly; SameSite=Strict; Secure$/);
		assert.equal((await s.get('/me')).status, 200);
		// the plain-HTTP origin of the same host is another site for a login over TLS
		assertError(await new Session('applicant', { base: TLS, ca }).post('/login',
		    { username: who.idcard, password: who.password }, { headers: { Origin: BASE } }), 403, 'csrf');
		// over plain HTTP the same login's cookie is not Secure
		const plain = new Session('applicant');
		await plain.login(who.idcard, who.password);
		assert.doesNotMatch(plain.lastSetCookie.find((c) => c.startsWith('sid=')), /Secure/);
	});

	test('one upload over TLS, read back the same; logout clears the cookie, Secure too', async () => {
		assert.ok(s, 'logged in');
		const id = await uploadPdf(s, 'tls.pdf');
		const back = await get(`/api/applicant/uploads/${id}`, { Cookie: s.cookieHeader() });
		assert.equal(back.status, 200);
		assert.equal(back.headers.get('content-type'), 'application/pdf');
		assert.equal(await back.text(), tinyPdf('tls.pdf').toString('utf8'));
		const out = await s.post('/logout');
		assert.equal(out.status, 200, out.text);
		assert.match(s.lastSetCookie.find((c) => c.startsWith('sid=')), /^sid=; .*Max-Age=0.*; Secure$/);
		assert.equal((await s.get('/me')).status, 401);
	});
});
