// The security headers are on every reply, also those nginx makes itself
// (redirects, 404, 413, 502), and never twice on what a program answers;
// a download is named by its checked type, not by the uploader's extension.
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, test } from 'node:test';

import { BASE, VAR, loginAs, raw } from './lib.mjs';
import { afterCleanup, newApplicant, postFile, tinyPdf, uploadPdf } from './applicant-fixtures.mjs';

after(afterCleanup);

const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/* Asserts the four headers, each sent once (a repeated header reads "a, b"). */
function secure(r, what, csp = PAGE_CSP, frame = 'DENY') {
	assert.equal(r.headers.get('content-security-policy'), csp, `${what} (${r.status}): CSP`);
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what} (${r.status}): nosniff`);
	assert.equal(r.headers.get('x-frame-options'), frame, `${what} (${r.status}): X-Frame-Options`);
	assert.equal(r.headers.get('referrer-policy'), 'same-origin', `${what} (${r.status}): Referrer-Policy`);
}

test('nginx\'s own redirects, 404s and 413s carry the security headers', async () => {
	for (const [p, status] of [['/', 200], ['/unit', 302], ['/applicant/', 200], ['/applicant/nope.js', 404], ['/manual/', 200], ['/manual', 302],
	    ['/assets/nope.js', 404], ['/nope', 404], ['/api/nope/health', 404]]) {
		const r = await raw('GET', p);
		assert.equal(r.status, status, p);
		secure(r, p);
	}
	// over client_max_body_size: nginx answers before the program sees it
	for (const p of ['/api/applicant/login', '/api/applicant/uploads', '/api/applicant/applications/1/photo',
	    '/api/unit/register', '/api/unit/registration']) {
		const big = /uploads|\/regist/.test(p) ? 11 * 1024 * 1024 : 2 * 1024 * 1024;
		const r = await raw('POST', p, { headers: { 'Content-Type': 'application/json' }, body: Buffer.alloc(big, 0x20) });
		assert.equal(r.status, 413, p);
		assert.equal(r.json.error.code, 'payload_too_large');
		secure(r, p);
	}
});

test('a 502 from nginx (the program\'s socket is gone) carries them too', async () => {
	const sock = path.join(VAR, 'run/fcgi/admin.sock');
	renameSync(sock, `${sock}.away`);
	let r;
	try {
		r = await raw('GET', '/api/admin/health');
	} finally {
		renameSync(`${sock}.away`, sock);
	}
	assert.equal(r.status, 502);
	secure(r, '502');
	assert.equal((await raw('GET', '/api/admin/health')).status, 200);
});

test('what the programs answer keeps their own headers, each once', async () => {
	secure(await raw('GET', '/api/applicant/health'), 'health', API_CSP);
	secure(await raw('GET', '/api/applicant/nope'), 'program 404', API_CSP);
	secure(await raw('POST', '/api/applicant/login', { headers: { 'Content-Type': 'text/plain' }, body: 'x' }),
	    'program 415', API_CSP);
	const s = await loginAs('unit', 'unit_hongda');
	secure(await s.get('/me'), 'me', API_CSP);
	// a file shown inline has the document policy of the program
	const a = await newApplicant();
	const id = await uploadPdf(a.s);
	secure(await a.s.get(`/uploads/${id}`), 'upload',
	    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'", 'SAMEORIGIN');
});

test('a print page opened in a tab after the session ended says so in a page, not in JSON', async () => {
	// (node's fetch sends Sec-Fetch-Mode: cors whatever it is told: node:http, as a browser's tab)
	const navigate = (p) => new Promise((resolve, reject) => {
		http.get(`${BASE}${p}`, { headers: { 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' } }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { text += d; });
			res.on('end', () => resolve({ status: res.statusCode, text,
				headers: { get: (k) => [res.headers[k.toLowerCase()]].flat().join(', ') } }));
		}).on('error', reject);
	});
	for (const role of ['county', 'city', 'applicant']) {
		const r = await navigate(`/api/${role}/applications/1/form.xhtml`);
		assert.equal(r.status, 401, role);
		assert.match(r.headers.get('content-type'), /^application\/xhtml\+xml/);
		assert.match(r.text, /<h1>无法打开此页面<\/h1>\s*<p>请先登录<\/p>/);
		assert.match(r.text, new RegExp(`<a href="/${role}/">登录后请从平台中重新打开此页面</a>`));
		secure(r, `${role} print page`, "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'",
		    'SAMEORIGIN');
	}
	// the page's own requests (fetch) keep the JSON
	const j = await raw('GET', '/api/county/applications/1/form.xhtml');
	assert.equal(j.status, 401);
	assert.equal(j.json.error.code, 'unauthorized');
});

test('a download is named by the detected type, not by the uploader\'s extension', async () => {
	const a = await newApplicant();
	const jpeg = Buffer.concat([Buffer.from([0xFF, 0xD8, 0xFF, 0xE0]), Buffer.alloc(200, 0x41), Buffer.from([0xFF, 0xD9])]);
	for (const [bytes, name, type, want] of [
		[jpeg, 'poly.html', 'text/html', 'poly.jpg'],
		[jpeg, 'poly.svg', 'image/svg+xml', 'poly.jpg'],
		[tinyPdf(), 'poly.html', 'text/html', 'poly.pdf'],
		[tinyPdf(), '业绩证明.PDF', 'application/pdf', '业绩证明.pdf'],
		// marks that reorder what is shown (a name reading 证明exe.pdf that is 证明fdp.exe): dropped
		[tinyPdf(), 'a\u202Efdp.exe', 'application/pdf', 'afdp.pdf'],
		[tinyPdf(), '\u2067证明\u2069\u200F.pdf', 'application/pdf', '证明.pdf'],
	]) {
		const up = await postFile(a.s, '/uploads', bytes, name, type);
		assert.equal(up.status, 201, up.text);
		const ext = want.slice(want.lastIndexOf('.'));
		const r = await a.s.get(`/uploads/${up.json.id}?download=1`);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('content-type'), ext === '.pdf' ? 'application/pdf' : 'image/jpeg');
		assert.equal(r.headers.get('content-disposition'),
		    `attachment; filename="download${ext}"; filename*=UTF-8''${encodeURIComponent(want)}`, name);
		// shown inline it has no name at all
		assert.equal((await a.s.get(`/uploads/${up.json.id}`)).headers.get('content-disposition'), 'inline');
	}
});
