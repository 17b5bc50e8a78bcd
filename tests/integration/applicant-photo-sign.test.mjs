// Applicant portal, part 4: the wizard's 证件照 (POST applications/:id/photo)
// and signing the 承诺书 on a phone (sign-link, POST sign/open and sign with the token in the body).
// The JPEGs are drawn at test time in headless Chromium (canvas → JPEG); the
// byte-exact boundaries are the C unit tests' (tests/unit/test_photo.c), here
// the API wiring is tested.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { BASE, assertError, raw, signOpen, signPost, signToken, sql, sqlInt, sqlRows } from './lib.mjs';
import {
	MID_PLAN, afterCleanup, completeProfile, exifOrientation, jpeg, jpegInfo, launchChromium, newApplicant,
	newApplication, portraitJpeg, postFile, putProfile, signaturePng, tinyPdf,
} from './applicant-fixtures.mjs';

let browser, page, a, app;

before(async () => {
	browser = await launchChromium();
	page = await browser.newPage();
	a = await newApplicant();
	await putProfile(a.s, await completeProfile());
	app = (await newApplication(a.s)).application.id;
});

after(async () => {
	await browser?.close();
	await afterCleanup();
});

const photo = (bytes, name = '证件照.jpg', type = 'image/jpeg') => postFile(a.s, `/applications/${app}/photo`, bytes, name, type);
const stored = async () => (await sqlRows(`SELECT coalesce(photo_id, 0), coalesce(photo_warning, '-') FROM application WHERE id = ${app}`))[0];
const ownUploads = () => sqlInt(`SELECT count(*) FROM upload WHERE owner_id = ${a.id}`);

/* Asserts a refused photo: 400 invalid_field file, the message, nothing stored or changed. */
async function refused(bytes, message) {
	const before = [await stored(), await ownUploads()];
	const e = assertError(await photo(bytes), 400, 'invalid_field', 'file');
	if (message instanceof RegExp)
		assert.match(e.message, message);
	else
		assert.equal(e.message, message);
	assert.deepEqual([await stored(), await ownUploads()], before, 'a refused photo changed something');
	return e;
}

describe('证件照', () => {
	test('a PDF (or a PNG) is 400 with the 格式 message', async () => {
		await refused(tinyPdf(), '照片须为 JPG/JPEG 格式（按文件内容判断）');
		const png = Buffer.from(signaturePng(300, 400).split(',')[1], 'base64');
		await refused(png, '照片须为 JPG/JPEG 格式（按文件内容判断）');
		assert.deepEqual(await stored(), ['0', '-']);
		const g = await a.s.get(`/applications/${app}`);
		assert.ok(g.json.check.some((c) => c.field === 'photo' && c.step === 1));
	});

	test('216×301 (just above 215×300) is accepted: 200 with the dimensions, stored, gone from the check', async () => {
		const bytes = await jpeg(page, { w: 216, h: 301 });
		assert.ok(bytes.length > 30 * 1024 && bytes.length < 1024 * 1024, `fixture size ${bytes.length}`);
		const r = await photo(bytes);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.width, r.json.height], [216, 301]);
		const id = r.json.application.photo_id;
		assert.ok(id > 0);
		assert.deepEqual(await sqlRows(`SELECT owner_id, ctype, size, filename FROM upload WHERE id = ${id}`),
		    [[String(a.id), 'image/jpeg', String(bytes.length), '证件照.jpg']]);
		assert.equal((await stored())[0], String(id));
		assert.ok(!r.json.check.some((c) => c.field === 'photo'));
		const back = await a.s.get(`/uploads/${id}`);
		assert.equal(back.status, 200);
	});

	test('215×300, 216×300 and 215×301 are 400 with the 尺寸 message', async () => {
		for (const [w, h] of [[215, 300], [216, 300], [215, 301]]) {
			const bytes = await jpeg(page, { w, h });
			assert.ok(bytes.length > 30 * 1024, `fixture size ${bytes.length}`);
			await refused(bytes, `照片尺寸须大于 215×300 像素（宽×高），当前 ${w}×${h}`);
		}
	});

	test('a ratio of 0.85 (340×400) or 0.648 (260×401) is 400 with the 宽高比 message', async () => {
		await refused(await jpeg(page, { w: 340, h: 400 }), '照片宽高比须在 0.65 至 0.8 之间，当前 0.850');
		await refused(await jpeg(page, { w: 260, h: 401 }), '照片宽高比须在 0.65 至 0.8 之间，当前 0.648');
		// the bounds themselves are allowed: 0.65 (260×400) and 0.8 (320×400)
		for (const [w, h] of [[260, 400], [320, 400]])
			assert.equal((await photo(await jpeg(page, { w, h }))).status, 200, `${w}×${h}`);
	});

	test('a small flat image (< 30 KB) is 400 with the 30KB message', async () => {
		const bytes = await jpeg(page, { w: 300, h: 400, fill: 'flat' });
		assert.ok(bytes.length < 30 * 1024, `fixture size ${bytes.length}`);
		const kb = Math.floor(bytes.length * 10 / 1024);
		await refused(bytes, `照片文件须大于 30KB（当前 ${Math.floor(kb / 10)}.${kb % 10}KB）`);
	});

	test('a white border: no photo_warning; a dark border: photo_warning set (and stored)', async () => {
		const white = await photo(await jpeg(page, { w: 300, h: 400, border: '#ffffff' }));
		assert.equal(white.status, 200, white.text);
		assert.equal(white.json.application.photo_warning, null);
		assert.equal((await stored())[1], '-');
		const dark = await photo(await jpeg(page, { w: 300, h: 400, border: '#202020' }));
		assert.equal(dark.status, 200, dark.text);
		assert.equal(dark.json.application.photo_warning, '照片背景可能不是白色，请确认为白底证件照');
		assert.deepEqual(await stored(), [String(dark.json.application.photo_id), '照片背景可能不是白色，请确认为白底证件照']);
		// a warning does not block: the photo counts
		assert.ok(!dark.json.check.some((c) => c.field === 'photo'));
		const again = await photo(await jpeg(page, { w: 300, h: 400, border: '#fafafa' }));
		assert.equal(again.json.application.photo_warning, null, 'the warning of the previous photo stayed');
	});

	test('real portraits: shoulders to the bottom edge on white are no warning; blue and red are', async () => {
		for (const [w, h] of [[295, 413], [300, 400], [390, 567]]) {
			const bytes = await portraitJpeg(page, { w, h });
			assert.ok(bytes.length > 30 * 1024 && bytes.length < 1024 * 1024, `fixture size ${bytes.length}`);
			const r = await photo(bytes);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.application.photo_warning, null, `${w}×${h} on white warned`);
		}
		for (const bg of ['#438edb', '#cc1e24']) {
			const r = await photo(await portraitJpeg(page, { w: 300, h: 400, bg }));
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.application.photo_warning, '照片背景可能不是白色，请确认为白底证件照', bg);
		}
	});

	test('a phone photo stored 400×300 with EXIF orientation 6 is the 300×400 portrait it shows, stored upright', async () => {
		const sideways = exifOrientation(await portraitJpeg(page, { w: 300, h: 400, turn: 90 }), 6);
		assert.deepEqual(jpegInfo(sideways), { width: 400, height: 300, exif: true });
		assert.ok(sideways.length > 30 * 1024, `fixture size ${sideways.length}`);
		// without its EXIF the same picture is a 400×300 landscape, and refused
		await refused(await portraitJpeg(page, { w: 300, h: 400, turn: 90 }),
		    '照片尺寸须大于 215×300 像素（宽×高），当前 400×300；照片宽高比须在 0.65 至 0.8 之间，当前 1.334');
		const r = await photo(sideways, '手机照片.jpg');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.width, r.json.height], [300, 400]);
		assert.equal(r.json.application.photo_warning, null, 'judged sideways: the shoulders are along a side');
		const id = r.json.application.photo_id;
		const back = Buffer.from(await (await fetch(`${BASE}/api/applicant/uploads/${id}`,
		    { headers: { Cookie: a.s.cookieHeader() } })).arrayBuffer());
		assert.deepEqual(jpegInfo(back), { width: 300, height: 400, exif: false }, 'not stored upright');
		assert.deepEqual(await sqlRows(`SELECT size, filename FROM upload WHERE id = ${id}`), [[String(back.length), '手机照片.jpg']]);
		// Chromium, which applies EXIF orientation itself, sees the upload and the stored photo alike
		const seen = await page.evaluate(async ([a64, b64]) => {
			const load = async (b) => createImageBitmap(await (await fetch(`data:image/jpeg;base64,${b}`)).blob());
			const [x, y] = [await load(a64), await load(b64)];
			const px = (bm) => {
				const c = new OffscreenCanvas(bm.width, bm.height);
				const g = c.getContext('2d');
				g.drawImage(bm, 0, 0);
				return g.getImageData(0, 0, bm.width, bm.height).data;
			};
			const [p, q] = [px(x), px(y)];
			let d = 0;
			for (let i = 0; i < p.length; i++)
				d += Math.abs(p[i] - q[i]);
			return { a: [x.width, x.height], b: [y.width, y.height], diff: d / p.length };
		}, [sideways.toString('base64'), back.toString('base64')]);
		assert.deepEqual([seen.a, seen.b], [[300, 400], [300, 400]]);
		assert.ok(seen.diff < 4, `the stored photo differs from what the upload shows: ${seen.diff}`);
		// a portrait turned to landscape by its EXIF is judged as the landscape it shows
		await refused(exifOrientation(await portraitJpeg(page, { w: 330, h: 440 }), 6),
		    '照片宽高比须在 0.65 至 0.8 之间，当前 1.334');
	});

	test('a JPEG cut to 60% of its bytes is 400 with the damaged message', async () => {
		const whole = await jpeg(page, { w: 300, h: 400 });
		const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
		assert.ok(cut.length > 30 * 1024, `fixture size ${cut.length}`);
		await refused(cut, '照片文件不完整或已损坏，请重新导出后上传');
	});

	test('no file part, or another applicant\'s application: refused', async () => {
		const form = new FormData();
		form.append('file', new Blob([]), '');
		assertError(await a.s.request('POST', `/applications/${app}/photo`, { body: form, headers: { 'Content-Type': null } }),
		    400, 'invalid_field', 'file');
		const note = new FormData();
		note.append('note', 'x');
		assertError(await a.s.request('POST', `/applications/${app}/photo`, { body: note, headers: { 'Content-Type': null } }),
		    400, 'unknown_field', 'note');
		const other = await newApplicant();
		const bytes = await jpeg(page, { w: 216, h: 301 });
		assertError(await postFile(other.s, `/applications/${app}/photo`, bytes, 'x.jpg', 'image/jpeg'), 404, 'not_found');
		assertError(await a.s.request('POST', `/applications/${app}/photo`, { json: { file: 'x' } }), 415, 'unsupported_media_type');
	});
});

describe('signing the 承诺书', () => {
	let tok;
	const signLink = async (s = a.s, id = app) => s.post(`/applications/${id}/sign-link`);
	const tokenOf = signToken;
	const phoneGet = (t) => signOpen(t);
	const phonePost = signPost;
	const tokenRow = async (t) => (await sqlRows(`SELECT application_id, used_at IS NOT NULL,
	    expires_at BETWEEN now() + interval '9 minutes' AND now() + interval '10 minutes 5 seconds'
	    FROM signing_token WHERE token_hash = sha256(convert_to('${t}', 'UTF8'))`))[0];

	test('sign-link: a one-time URL and its QR code as SVG', async () => {
		assertError(await a.s.post(`/applications/${app}/sign-link`, undefined, { csrf: false }), 403, 'csrf');
		const r = await signLink();
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.url.startsWith(`${BASE}/applicant/#/sign/`), `url ${r.json.url}`);
		tok = tokenOf(r.json.url);
		assert.match(tok, /^[0-9a-f]{32}$/);
		assert.match(r.json.expires_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
		assert.deepEqual(await tokenRow(tok), [String(app), 'f', 't']);
		const svg = r.json.qr_svg;
		assert.ok(svg.startsWith('<?xml'), svg.slice(0, 40));
		assert.ok(svg.includes('<svg'));
		const parsed = await page.evaluate((text) => {
			const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
			return { root: doc.documentElement.localName, ns: doc.documentElement.namespaceURI,
				errors: doc.getElementsByTagName('parsererror').length, shapes: doc.querySelectorAll('path, rect').length };
		}, svg);
		assert.deepEqual([parsed.root, parsed.ns, parsed.errors], ['svg', 'http://www.w3.org/2000/svg', 0]);
		assert.ok(parsed.shapes > 0, 'the QR code draws nothing');
		// another applicant cannot ask for a link to this application
		const other = await newApplicant();
		assertError(await signLink(other.s), 404, 'not_found');
	});

	test('POST sign/open {token} without logging in shows the name, the plan and the text', async () => {
		const r = await phoneGet(tok);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.name, a.name);
		assert.equal(r.json.plan, MID_PLAN);
		assert.equal(r.json.title, '专业技术资格申报材料真实性保证书');
		assert.match(r.json.text, /^本人郑重承诺：.*如有弄虚作假/);
		assert.equal(r.json.idcard, undefined);
	});

	test('a random token is 404; a non-PNG data URL or bad bytes are 400 and leave the token usable', async () => {
		assertError(await phoneGet(randomBytes(16).toString('hex')), 404, 'not_found');
		assertError(await phonePost(randomBytes(16).toString('hex'), signaturePng()), 404, 'not_found');
		// a token that is not one is a field error; it is never part of a URL
		assertError(await phoneGet('../../etc/passwd'), 400, 'invalid_field', 'token');
		assertError(await phonePost(tok.toUpperCase(), signaturePng()), 400, 'invalid_field', 'token');
		assertError(await raw('GET', `/api/applicant/sign/${tok}`), 404, 'not_found');
		assertError(await raw('POST', `/api/applicant/sign/${tok}`, { headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ signature: signaturePng() }) }), 404, 'not_found');
		const jpegUrl = `data:image/jpeg;base64,${(await jpeg(page, { w: 40, h: 20 })).toString('base64')}`;
		let e = assertError(await phonePost(tok, jpegUrl), 400, 'invalid_field', 'signature');
		assert.equal(e.message, '签名须为 PNG 图片');
		e = assertError(await phonePost(tok, `data:image/png;base64,${randomBytes(300).toString('base64')}`), 400, 'invalid_field', 'signature');
		assert.equal(e.message, '签名图片不正确，请重新签署');
		assertError(await phonePost(tok, 'data:image/png;base64,iVBORw0KGgo%%%%%%%%%%%%%%%%%%%%%%%%'), 400, 'invalid_field', 'signature');
		// the PNG's first bytes and then anything: decoded, it is no image
		const header = Buffer.from(signaturePng().split(',')[1], 'base64').subarray(0, 8);
		e = assertError(await phonePost(tok, `data:image/png;base64,${Buffer.concat([header, randomBytes(292)]).toString('base64')}`),
		    400, 'invalid_field', 'signature');
		assert.equal(e.message, '签名图片不正确，请重新签署');
		// a PNG cut short
		const whole = Buffer.from(signaturePng().split(',')[1], 'base64');
		assertError(await phonePost(tok, `data:image/png;base64,${whole.subarray(0, whole.length - 40).toString('base64')}`),
		    400, 'invalid_field', 'signature');
		// blank paper, white or clear, is no signature
		e = assertError(await phonePost(tok, signaturePng(240, 80, false)), 400, 'invalid_field', 'signature');
		assert.equal(e.message, '签名为空白或字迹过少，请在签名区清晰地手写签名后再提交');
		const clear = await page.evaluate(() => {
			const c = document.createElement('canvas');
			c.width = 350;
			c.height = 200;
			return c.toDataURL('image/png');
		});
		assertError(await phonePost(tok, clear), 400, 'invalid_field', 'signature');
		// a page of another site cannot post a signature with the phone's browser
		assertError(await phonePost(tok, signaturePng(), { Origin: 'http://evil.example' }), 403, 'csrf');
		assert.deepEqual((await tokenRow(tok)).slice(0, 2), [String(app), 'f']);
		assert.equal(await sql(`SELECT signed_at IS NULL AND signature_id IS NULL FROM application WHERE id = ${app}`), 't');
	});

	test('POST a PNG data URL: 200, application.signed; the same token again is 409', async () => {
		const png = signaturePng();
		const r = await phonePost(tok, png);
		assert.equal(r.status, 200, r.text);
		const g = await a.s.get(`/applications/${app}`);
		assert.equal(g.json.application.signed, true);
		assert.match(g.json.application.signed_at, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
		assert.ok(!g.json.check.some((c) => c.field === 'signature'));
		const bytes = Buffer.from(png.split(',')[1], 'base64');
		assert.deepEqual(await sqlRows(`SELECT u.owner_id, u.ctype, u.size FROM application a JOIN upload u ON u.id = a.signature_id
		    WHERE a.id = ${app}`), [[String(a.id), 'image/png', String(bytes.length)]]);
		assert.equal((await tokenRow(tok))[1], 't');
		let e = assertError(await phonePost(tok, png), 409, 'conflict');
		assert.equal(e.message, '该签署链接已使用，每个链接只能签署一次');
		e = assertError(await phoneGet(tok), 409, 'conflict');
		assert.match(e.message, /已使用/);
	});

	test('an expired token is 409 (open and sign), and signs nothing', async () => {
		const t = tokenOf((await signLink()).json.url);
		await sql(`UPDATE signing_token SET expires_at = now() - interval '1 minute'
		    WHERE token_hash = sha256(convert_to('${t}', 'UTF8'))`);
		const signature = await sql(`SELECT signature_id FROM application WHERE id = ${app}`);
		let e = assertError(await phoneGet(t), 409, 'conflict');
		assert.equal(e.message, '签署链接已过期（有效期 10 分钟），请在电脑上重新生成二维码');
		e = assertError(await phonePost(t, signaturePng(100, 50)), 409, 'conflict');
		assert.match(e.message, /已过期/);
		assert.equal(await sql(`SELECT signature_id FROM application WHERE id = ${app}`), signature);
		assert.equal((await tokenRow(t))[1], 'f');
	});
});
