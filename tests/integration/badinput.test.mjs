// Hostile and malformed request bodies: each is refused with the right code,
// writes nothing, and leaves the program running (same worker processes).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	assertError, assertHealthy, idcard, lit, loginAs, mobile, raw,
	registerApplicant, sql, sqlInt, sqlRows, tag, workerPids,
} from './lib.mjs';
import { itemBody } from './applicant-fixtures.mjs';

const counts = async (ownerId = 0) => {
	const rows = await sqlRows(`SELECT (SELECT count(*) FROM app_user), (SELECT count(*) FROM audit_log),
	    (SELECT count(*) FROM upload), (SELECT count(*) FROM upload WHERE owner_id = ${Number(ownerId)}),
	    (SELECT count(*) FROM session)`);
	const [users, audits, uploads, own, sessions] = rows[0].map(Number);
	return { users, audits, uploads, own, sessions };
};

/* Registration body text with one valid applicant, for tampering. */
const regFields = () => ({ idcard: idcard(), name: '钱多多', mobile: mobile(), password: `Bad-${tag()}1x` });

const pids = {};
before(() => {
	for (const role of ['applicant', 'unit'])
		pids[role] = workerPids(role);
});

after(async () => {
	// no worker died (the pool would have replaced it with a new pid)
	for (const role of ['applicant', 'unit']) {
		await assertHealthy(role);
		if (pids[role] !== null)
			assert.deepEqual(workerPids(role), pids[role], `a ${role} worker was replaced: it crashed`);
	}
});

describe('JSON bodies', () => {
	const post = (body, headers = {}) => raw('POST', '/api/applicant/register', {
		body, headers: { 'Content-Type': 'application/json', ...headers },
	});

	/* Sends a bad body to /register; asserts the error and that no row appeared anywhere. */
	async function refused(body, status, code, { headers, field } = {}) {
		const c0 = await counts();
		const r = await post(body, headers);
		assertError(r, status, code, field);
		const c1 = await counts();
		assert.deepEqual(c1, c0, `a refused request wrote rows: ${JSON.stringify(c0)} -> ${JSON.stringify(c1)}`);
		await assertHealthy('applicant');
		return r;
	}

	test('malformed JSON is 400 invalid_json', async () => {
		const f = regFields();
		await refused(JSON.stringify(f).slice(0, -1), 400, 'invalid_json');
		await refused(`{"idcard":"${f.idcard}",}`, 400, 'invalid_json');
		await refused(`${JSON.stringify(f)} trailing`, 400, 'invalid_json');
		await refused(`${JSON.stringify(f)}{}`, 400, 'invalid_json');
		await refused("{'idcard':'1'}", 400, 'invalid_json');
		await refused('', 400, 'invalid_json');
	});

	test('a body that is not application/json is 415', async () => {
		const body = JSON.stringify(regFields());
		await refused(body, 415, 'unsupported_media_type', { headers: { 'Content-Type': 'text/plain' } });
		await refused(body, 415, 'unsupported_media_type',
		    { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
		await refused(body, 415, 'unsupported_media_type', { headers: { 'Content-Type': 'application/jsonp' } });
		// with a charset parameter it is JSON
		const ok = await post(body, { 'Content-Type': 'application/json; charset=utf-8' });
		assert.equal(ok.status, 201, ok.text);
	});

	test('a JSON body over 64 KiB is 413 from the program', async () => {
		const f = regFields();
		f.name = '王'.repeat(22000);	// 66 000 bytes of UTF-8
		const body = JSON.stringify(f);
		assert.ok(Buffer.byteLength(body) > 64 * 1024 && Buffer.byteLength(body) < 1 << 20);
		const r = await refused(body, 413, 'payload_too_large');
		assert.match(r.headers.get('content-type'), /^application\/json/);
		// just under the limit is read (and then refused for its content, not its size)
		f.name = 'A'.repeat(64 * 1024 - 200);
		const under = JSON.stringify(f);
		assert.ok(Buffer.byteLength(under) <= 64 * 1024);
		await refused(under, 400, 'invalid_field', { field: 'name' });
	});

	test('a body over 1 MiB is 413 from nginx, before any program', async () => {
		const c0 = await counts();
		const big = JSON.stringify({ username: 'x'.repeat((1 << 20) + 10), password: 'y' });
		let r;
		try {
			r = await raw('POST', '/api/applicant/login', { body: big, headers: { 'Content-Type': 'application/json' } });
		} catch (err) {
			assert.fail(`nginx closed the connection instead of answering 413: ${err.cause?.code || err}`);
		}
		assert.equal(r.status, 413, r.text.slice(0, 200));
		// nginx answers in the API's JSON form (conf/nginx.conf.in @too_large);
		// the program's own 413 names its 64 KB limit instead
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.equal(r.json?.error?.code, 'payload_too_large');
		assert.match(r.json.error.message, /1MB/, 'the 413 should come from nginx');
		assert.deepEqual(await counts(), c0);
		await assertHealthy('applicant');
	});

	test('invalid UTF-8 inside a JSON string is 400', async () => {
		const f = regFields();
		const [a, b] = JSON.stringify(f).split('钱多多');
		for (const bad of [[0xff], [0xc0, 0xaf], [0xe4, 0xb8], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
			const body = Buffer.concat([Buffer.from(a), Buffer.from('钱'), Buffer.from(bad), Buffer.from('多'), Buffer.from(b)]);
			const r = await refused(body, 400, 'invalid_json');
			assert.equal(r.status, 400);
		}
		// also in a member name
		const body = Buffer.concat([Buffer.from('{"'), Buffer.from([0xfe]), Buffer.from('":1}')]);
		await refused(body, 400, 'invalid_json');
	});

	test('a duplicate member is 400 duplicate_field', async () => {
		const f = regFields();
		const body = `{"idcard":"${f.idcard}","name":"${f.name}","name":"孙悟空","mobile":"${f.mobile}","password":"${f.password}"}`;
		await refused(body, 400, 'duplicate_field', { field: 'name' });
		assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE idcard = ${lit(f.idcard)}`), 0);
	});

	test('an unknown member is 400 unknown_field', async () => {
		await refused(JSON.stringify({ ...regFields(), role: 'admin' }), 400, 'unknown_field', { field: 'role' });
		await refused(JSON.stringify({ ...regFields(), org_id: 1 }), 400, 'unknown_field', { field: 'org_id' });
	});

	test('\\u0000 in a string is 400', async () => {
		const f = regFields();
		await refused(JSON.stringify(f).replace('钱多多', '钱\\u0000多多'), 400, 'invalid_json');
		await refused(JSON.stringify(f).replace('钱多多', '钱多多\\u0000'), 400, 'invalid_json');
		// a raw NUL byte as well
		await refused(Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0]), Buffer.from('b"}')]), 400, 'invalid_json');
		// lone surrogate escapes are not text either
		await refused(JSON.stringify(f).replace('钱多多', '钱\\ud800多'), 400, 'invalid_json');
		await refused(JSON.stringify(f).replace('钱多多', '钱\\udc00多'), 400, 'invalid_json');
	});

	test('a noncharacter in a text is 400, nothing stored; a direction override is dropped', async () => {
		// U+FFFF cannot stand in XML: one in a 业绩's title broke the 评审表 and every sheet
		// that lists it
		const who = await registerApplicant();
		const s = await loginAs('applicant', who.idcard, who.password);
		const before = await sqlInt(`SELECT count(*) FROM archive_item WHERE owner_id = ${s.me.user.id}`);
		for (const bad of ['\uffff', '\ufffe', '\ufdd0', '\u0085'])
			assertError(await s.post('/archive', itemBody({ title: `住宅小区${bad}施工项目` })), 400,
			    'invalid_field', 'title');
		assert.equal(await sqlInt(`SELECT count(*) FROM archive_item WHERE owner_id = ${s.me.user.id}`), before);
		// what is near them is text: the title passes (the item then waits for a unit to be chosen)
		const ok = await s.post('/archive', itemBody({ title: '住宅小区\u{20BB7}施工项目\ufffd' }));
		assert.equal(ok.json?.error?.field, 'kind', ok.text);
		// U+202E would turn a 12333 message's words around, and Windows wraps a copied phone
		// number in U+202A…U+202C: pasted unseen, they are dropped rather than the text refused
		const p = await s.request('PUT', '/profile', { json: { school: '浙江\u202e工业\u202a大学\u202c', major: '土木\u2066工程\u2069' } });
		assert.equal(p.status, 200, p.text);
		assert.deepEqual([p.json.profile.school, p.json.profile.major], ['浙江工业大学', '土木工程']);
	});

	test('a top-level value that is not an object is 400', async () => {
		const f = regFields();
		await refused(JSON.stringify([f]), 400, 'invalid_json');
		await refused('"text"', 400, 'invalid_json');
		await refused('42', 400, 'invalid_json');
		await refused('null', 400, 'invalid_json');
	});

	test('deep nesting and wrong member types are refused without harm', async () => {
		await refused(`{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`, 400, 'invalid_json');
		await refused(`{"name":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`, 400, 'invalid_json');
		await refused(JSON.stringify({ ...regFields(), name: ['钱多多'] }), 400, 'invalid_field', { field: 'name' });
		await refused(JSON.stringify({ ...regFields(), mobile: 13957900021 }), 400, 'invalid_field', { field: 'mobile' });
		await refused(JSON.stringify({ ...regFields(), name: '钱\u0007多多' }), 400, 'invalid_field', { field: 'name' });
		const unit = await loginAs('unit', 'unit_hongda');
		for (const step of ['2', 2.5, -1, 1e300, true]) {
			const r = await unit.post('/applications/1/move', { action: 'pass', step, text: 'ok' });
			assertError(r, 400, 'invalid_field', 'step');
		}
	});
});

describe('query strings', () => {
	test('malformed query strings are 400, before any route runs', async () => {
		assertError(await raw('GET', '/api/applicant/health?a=1&a=2'), 400, 'duplicate_field');
		for (const q of ['x=%00', 'x=%zz', 'x=%ff', 'x=%', '=1', `x=${'a'.repeat(3000)}`]) {
			const r = await raw('GET', `/api/applicant/health?${q}`);
			assertError(r, 400, 'bad_request');
		}
		// well-formed but not declared by the route: refused by name (query parameters are fields)
		assertError(await raw('GET', '/api/applicant/health?x=%E4%B8%AD&y=+'), 400, 'unknown_field', 'x');
		await assertHealthy('applicant');
	});
});

describe('uploads', () => {
	let who, s, uid;
	const B = `----itest${tag()}`;
	const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
	const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
	const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 1), Buffer.from([0xff, 0xd9])]);

	const part = (headers, data) => Buffer.concat([Buffer.from(`--${B}\r\n${headers.join('\r\n')}\r\n\r\n`),
	    Buffer.isBuffer(data) ? data : Buffer.from(data), Buffer.from('\r\n')]);
	const fileHead = (name, ctype = 'application/pdf') =>
	    [`Content-Disposition: form-data; name="file"; filename="${name}"`, `Content-Type: ${ctype}`];
	const closing = Buffer.from(`--${B}--\r\n`);
	const upload = (body, { ctype = `multipart/form-data; boundary=${B}`, ...opts } = {}) =>
	    s.request('POST', '/uploads', { body, headers: { 'Content-Type': ctype }, ...opts });

	before(async () => {
		who = await registerApplicant();
		s = await loginAs('applicant', who.idcard, who.password);
		uid = s.me.user.id;
	});

	// (the resilience probe: on a full disk the upload's 503 carried the id of a file never stored)
	test('a commit the database cannot make (disk full): 503, nothing stored, no id in the answer', async () => {
		const name = `diskfull-${tag()}.pdf`;
		await sql(`DROP TRIGGER IF EXISTS itest_disk_full ON upload;
		    CREATE OR REPLACE FUNCTION itest_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
		    BEGIN IF NEW.filename = ${lit(name)} THEN RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; END IF;
		    RETURN NULL; END $$;
		    CREATE CONSTRAINT TRIGGER itest_disk_full AFTER INSERT ON upload DEFERRABLE INITIALLY DEFERRED
		    FOR EACH ROW EXECUTE FUNCTION itest_disk_full()`);
		try {
			const c0 = await counts(uid);
			const r = await upload(Buffer.concat([part(fileHead(name), PDF), closing]));
			assertError(r, 503, 'unavailable');
			assert.deepEqual(Object.keys(r.json), ['error'], r.text);
			assert.deepEqual(await counts(uid), c0, 'nothing stored');
		} finally {
			await sql(`DROP TRIGGER itest_disk_full ON upload; DROP FUNCTION itest_disk_full()`);
		}
		await assertHealthy('applicant');
	});

	// (the resilience probe: nginx could not write a body to its temporary space and answered
	// its own English page, which the portal read as 服务器内部错误)
	test('a body nginx cannot keep (its temporary space): a 500 in the API\'s JSON form, said in Chinese', async () => {
		const dir = path.join(process.env.PORTAL_VAR, 'nginx', 'body');
		const mode = statSync(dir).mode & 0o7777;
		chmodSync(dir, 0);
		try {
			// past client_body_buffer_size (128k): written to the temporary space
			const r = await upload(Buffer.concat([part(fileHead('big.pdf'), Buffer.concat([PDF, Buffer.alloc(300 * 1024, 0x20)])), closing]));
			assertError(r, 500, 'internal');
			assert.match(r.json.error.message, /临时存储空间/);
		} finally {
			chmodSync(dir, mode);
		}
		await assertHealthy('applicant');
	});

	/* Sends a bad upload; asserts the error, that nothing was stored or audited, and health. */
	async function refused(body, status, code, opts = {}) {
		const c0 = await counts(uid);
		const r = await upload(body, opts);
		if (code === null)
			assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
		else
			assertError(r, status, code, opts.field);
		assert.deepEqual(await counts(uid), c0, 'a refused upload wrote rows');
		await assertHealthy('applicant');
		return r;
	}

	test('a multipart Content-Type without boundary is 4xx', async () => {
		const body = Buffer.concat([part(fileHead('a.pdf'), PDF), closing]);
		await refused(body, 400, null, { ctype: 'multipart/form-data' });
		await refused(body, 400, 'bad_request', { ctype: 'multipart/form-data; charset=utf-8' });
		await refused(body, 400, 'bad_request', { ctype: 'multipart/form-data; boundary=' });
		await refused(body, 400, 'bad_request', { ctype: `multipart/form-data; boundary=${'b'.repeat(71)}` });
	});

	test('a body that is not multipart is 415', async () => {
		await refused(JSON.stringify({ file: PDF.toString('base64') }), 415, 'unsupported_media_type',
		    { ctype: 'application/json' });
	});

	test('a truncated body (no closing delimiter) is 400', async () => {
		const whole = Buffer.concat([part(fileHead('a.pdf'), PDF), closing]);
		await refused(whole.subarray(0, whole.length - closing.length - 2), 400, 'bad_request');
		await refused(whole.subarray(0, whole.length - closing.length), 400, 'bad_request');
		await refused(whole.subarray(0, 40), 400, 'bad_request');
		await refused(Buffer.concat([whole.subarray(0, whole.length - 4)]), 400, null);
		// the first delimiter missing
		await refused(whole.subarray(2), 400, 'bad_request');
	});

	test('a part without Content-Disposition is 400', async () => {
		await refused(Buffer.concat([part(['Content-Type: application/pdf'], PDF), closing]), 400, 'bad_request');
		await refused(Buffer.concat([part(['Content-Disposition: attachment; name="file"; filename="a.pdf"'], PDF),
		    closing]), 400, 'bad_request');
		await refused(Buffer.concat([part(['Content-Disposition: form-data; filename="a.pdf"'], PDF), closing]),
		    400, 'bad_request');
		await refused(Buffer.concat([part(['no colon here'], PDF), closing]), 400, 'bad_request');
	});

	test('a filename= with an unterminated quote is refused (400), nothing stored', async () => {
		// header_param() fails but has already copied the name; part_headers()
		// then keeps it, unchecked: no base-name cut, no character check.
		await refused(Buffer.concat([part(['Content-Disposition: form-data; name="file"; filename="../../etc/a.pdf'],
		    PDF), closing]), 400, null);
	});

	test('content decides: a .pdf name with PNG bytes is 400 invalid_field', async () => {
		await refused(Buffer.concat([part(fileHead('scan.pdf'), PNG), closing]), 400, 'invalid_field', { field: 'file' });
		// a PDF that does not end with %%EOF is incomplete
		await refused(Buffer.concat([part(fileHead('cut.pdf'), PDF.subarray(0, 30)), closing]), 400, 'invalid_field',
		    { field: 'file' });
		// an empty file and a form without a file part
		await refused(Buffer.concat([part(fileHead('empty.pdf'), ''), closing]), 400, 'invalid_field', { field: 'file' });
		// parts are declared like JSON fields: an undeclared one is refused, not ignored
		await refused(Buffer.concat([part(['Content-Disposition: form-data; name="note"'], 'hello'), closing]),
		    400, 'unknown_field', { field: 'note' });
		// two file parts
		await refused(Buffer.concat([part(fileHead('a.pdf'), PDF), part(fileHead('b.pdf'), PDF), closing]),
		    400, 'duplicate_field');
	});

	test('uploads need a session and the CSRF token', async () => {
		const body = Buffer.concat([part(fileHead('a.pdf'), PDF), closing]);
		await refused(body, 403, 'csrf', { csrf: false });
		const c0 = await counts(uid);
		const anon = await raw('POST', '/api/applicant/uploads',
		    { body, headers: { 'Content-Type': `multipart/form-data; boundary=${B}` } });
		assertError(anon, 401, 'unauthorized');
		assert.deepEqual(await counts(uid), c0);
	});

	test('a small valid PDF is 201 with id and type, stored byte for byte', async () => {
		const c0 = await counts(uid);
		const body = Buffer.concat([part(fileHead('../../etc/学历证书.pdf'), PDF), closing]);
		const r = await upload(body);
		assert.equal(r.status, 201, r.text);
		assert.equal(typeof r.json.id, 'number');
		assert.equal(r.json.type, 'application/pdf');
		assert.equal(r.json.name, '学历证书.pdf');
		assert.equal(r.json.size, PDF.length);
		const rows = await sqlRows(`SELECT owner_id, filename, ctype, size, encode(sha256, 'hex'),
		    encode(data, 'hex') FROM upload WHERE id = ${r.json.id}`);
		assert.deepEqual(rows, [[String(uid), '学历证书.pdf', 'application/pdf', String(PDF.length),
		    createHash('sha256').update(PDF).digest('hex'), PDF.toString('hex')]]);
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'upload'
		    AND target_type = 'upload' AND target_id = ${r.json.id} AND actor_user_id = ${uid}`), 1);
		const c1 = await counts(uid);
		assert.equal(c1.own, c0.own + 1);
		assert.equal(c1.audits, c0.audits + 1);

		const j = await upload(Buffer.concat([part(fileHead('photo.JPG', 'image/jpeg'), JPEG), closing]));
		assert.equal(j.status, 201, j.text);
		assert.equal(j.json.type, 'image/jpeg');
	});

	// a name of more than 38 汉字 came down without its extension, or cut inside a character
	test('a long name comes back whole in the download\'s Content-Disposition, its extension kept', async () => {
		for (const name of [`${'工'.repeat(150)}.pdf`, `ab${'𠮷'.repeat(120)}.pdf`]) {
			const up = await upload(Buffer.concat([part(fileHead(name), PDF), closing]));
			assert.equal(up.status, 201, up.text);
			const r = await s.request('GET', `/uploads/${up.json.id}?download=true`);
			assert.equal(r.status, 200, r.text.slice(0, 200));
			const cd = r.headers.get('content-disposition');
			assert.match(cd, /filename="download\.pdf"; filename\*=UTF-8''/);
			assert.equal(decodeURIComponent(cd.split("UTF-8''")[1]), up.json.name);
			assert.match(up.json.name, /\.pdf$/);
		}
	});

	test('a Windows path in filename= is cut to its base name', async () => {
		// Old browsers send the full path; form.c means to keep the part after the
		// last '\\', but its quoted-string unescaping removes the backslashes first.
		const r = await upload(Buffer.concat([part(fileHead('C:\\Users\\zhang\\diploma.pdf'), PDF), closing]));
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.name, 'diploma.pdf');
	});

	test('a file of 10 MB is taken whole; one byte more is refused by the program, far more by nginx', async () => {
		// a PDF of exactly n bytes: its header, a comment line of padding, the rest
		const pdfOf = (n) => Buffer.concat([PDF.subarray(0, 9), Buffer.from('%'),
		    Buffer.alloc(n - PDF.length - 2, 0x41), Buffer.from('\n'), PDF.subarray(9)]);
		const MB10 = 10 * 1024 * 1024;
		const whole = pdfOf(MB10);
		assert.equal(whole.length, MB10);
		// nginx's limit is the whole body's: the envelope must not push a file of
		// exactly 10 MB over it (it did: 10 485 591 bytes were the most that got through)
		const r = await upload(Buffer.concat([part(fileHead('十兆.pdf'), whole), closing]));
		assert.equal(r.status, 201, r.text.slice(0, 200));
		assert.equal(r.json.size, MB10);
		assert.equal(await sqlInt(`SELECT size FROM upload WHERE id = ${r.json.id}`), MB10);

		// one byte more: the program names the rule and the file's size
		const over = await refused(Buffer.concat([part(fileHead('超出.pdf'), pdfOf(MB10 + 1)), closing]),
		    413, 'payload_too_large');
		assert.match(over.json.error.message, /^要上传的文件不能超过 10MB（当前 10\.01MB）$/);

		// far more is nginx's to refuse, before any program reads it
		const c0 = await counts(uid);
		const big = Buffer.concat([part(fileHead('big.pdf'), Buffer.alloc(MB10 + 200 * 1024, 0x41)), closing]);
		let n;
		try {
			n = await upload(big);
		} catch (err) {
			assert.fail(`connection closed instead of 413: ${err.cause?.code || err}`);
		}
		assert.equal(n.status, 413, n.text.slice(0, 200));
		assert.match(n.json.error.message, /附件不超过 10MB/, 'the 413 should come from nginx');
		assert.deepEqual(await counts(uid), c0);
	});
});
