// 制发文件、网络打印证书 (issue 9): the last step of every chain. The department issues a results
// document (lib/results.c) that completes the applications it lists through chain_move() (the
// gate 'document'), one electronic certificate each (lib/certificate.c); the applicant prints it
// (XHTML → PDF in Chromium → pdftotext, the QR code decoded from the printed page with jsQR), and
// the public page /verify/<code> answers a real, a forged, a malformed, an unknown and a revoked
// certificate plainly, showing no more than the certificate shows.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import jsQR from 'jsqr';

import {
	BASE, DEMO_APPLICANT, VAR, assertError, lit, loginAs, retire, scratchDir, sleep, sql, sqlInt,
} from './lib.mjs';
import { newDrafts, onChain } from './drafts.mjs';
import { afterCleanup, launchChromium, newApplicant, outDir } from './applicant-fixtures.mjs';
import { CLERKS, clerk, issueDocument, meetGates, position, walk } from './walk.mjs';

const APACHE = process.env.PORTAL_APACHE_URL;
const DEMO_MASKED = '3307**********0015';
// the documents are dated today (Beijing): none may predate its applications' arrival
const [ISSUED, ISSUED_ZH] = (await sql(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
    to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY"年"FMMM"月"FMDD"日"')`)).split('|');
const YEAR = ISSUED.slice(0, 4);
const created = [];
let applicant, zpw, browser, page;

/* n submitted applications of the demo applicant on chain `code`, walked to its last step */
async function atLastStep(code, n, specialties = []) {
	const apps = await newDrafts(n);
	created.push(...apps);
	await onChain(apps, code);
	for (const [i, sp] of specialties.entries())
		await sql(`UPDATE application SET specialty = ${lit(sp)} WHERE id = ${apps[i]}`);
	const last = Math.max(...Object.keys(CLERKS[code]).map(Number));
	for (const id of apps) {
		assert.equal((await applicant.post(`/applications/${id}/submit`)).status, 200);
		await walk(id, last);
		assert.deepEqual(await position(id), { code, step: last, state: 'in_review' });
	}
	return apps;
}

const docNo = () => `金测${randomInt(1, 1e6)}〔${YEAR}〕${randomInt(1, 9999)}号`;
const issue = (s, items, extra = {}) => s.post('/documents', { number: docNo(), issued_on: ISSUED,
	title: '关于公布2023年度建设工程技术人员职称评审结果的通知', items, ...extra });
const docCount = () => sqlInt('SELECT count(*) FROM results_document');

/* GET path of BASE (or another front), with no session: { status, headers, text } */
async function page0(p, base = BASE) {
	const res = await fetch(`${base}${p}`, { redirect: 'manual' });
	return { status: res.status, headers: res.headers, text: await res.text() };
}

/* GET from a source address of our own (127.a.b.c), for the limit per address */
function getFrom(ip, p) {
	const u = new URL(`${BASE}${p}`);
	return new Promise((resolve, reject) => {
		http.get({ host: u.hostname, port: u.port, path: u.pathname, localAddress: ip }, (res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (d) => { text += d; })
				.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
		}).on('error', reject);
	});
}

/* The text of an XHTML page as a reader sees it, white space dropped. */
const flat = (xhtml) => xhtml.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, '').replace(/\s+/g, '');

/* Prints an XHTML document to an A4 PDF in Chromium: { pdf, text (white space dropped) } */
async function printPdf(xhtml, name) {
	const dir = outDir();
	const file = path.join(dir, `${name}.xhtml`), pdf = path.join(dir, `${name}.pdf`);
	writeFileSync(file, xhtml);
	await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
	await page.pdf({ path: pdf, format: 'A4', printBackground: true });
	assert.match(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }), /Page size:\s+595\.\d+ x 84[12]\.\d+ pts \(A4\)/);
	return { pdf, text: execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '') };
}

/* Decodes the QR code of a PDF's first page as printed: pdftoppm (PPM) → RGBA → jsQR. */
function qrOfPdf(pdf) {
	const base = path.join(scratchDir('qr-'), 'p');
	execFileSync('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', '-singlefile', pdf, base]);
	const ppm = readFileSync(`${base}.ppm`);
	// P6 <w> <h> 255, one white space, then RGB bytes
	const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'));
	assert.ok(m, 'not a PPM');
	const [w, h] = [Number(m[1]), Number(m[2])];
	const rgb = ppm.subarray(m[0].length);
	const rgba = new Uint8ClampedArray(w * h * 4);
	for (let i = 0; i < w * h; i++) {
		rgba[4 * i] = rgb[3 * i];
		rgba[4 * i + 1] = rgb[3 * i + 1];
		rgba[4 * i + 2] = rgb[3 * i + 2];
		rgba[4 * i + 3] = 255;
	}
	const qr = jsQR(rgba, w, h);
	assert.ok(qr, 'no QR code found on the printed page');
	return qr.data;
}

before(async () => {
	applicant = await loginAs('applicant', DEMO_APPLICANT);
	zpw = await clerk('city', 'jh_zpw');
	browser = await launchChromium();
	page = await browser.newPage();
});

after(async () => {
	await browser?.close();
	await afterCleanup();
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

describe('中级评审: the document, the certificates, printing and verification', () => {
	let apps, doc, cert, verifyUrl, code, early;

	before(async () => {
		apps = await atLastStep('mid_review', 3, ['建筑工程施工', '市政工程', '建筑工程施工']);
	});

	test('the gate: no pass without a document, and the detail page says where to issue one', async () => {
		const e = assertError(await zpw.post(`/applications/${apps[0]}/move`, { action: 'pass', step: 12, text: '同意' }),
		    409, 'gate');
		assert.match(e.message, /尚未印发结果文件.*制发文件/);
		const d = await zpw.get(`/applications/${apps[0]}`);
		assert.equal(d.status, 200, d.text);
		assert.deepEqual(d.json.gates.map((g) => [g.kind, g.met]), [['document', false]]);
		assert.equal((await position(apps[0])).state, 'in_review');
	});

	test('waiting: the applications at the step, with masked 身份证号', async () => {
		const r = await zpw.get('/documents');
		assert.equal(r.status, 200, r.text);
		const mine = r.json.waiting.filter((w) => apps.includes(w.id));
		assert.equal(mine.length, 3);
		assert.deepEqual([mine[0].applicant, mine[0].idcard, mine[0].title, mine[0].step], ['张建国', DEMO_MASKED, '工程师', 12]);
		assert.ok(!r.text.includes('330702199001010015'));
	});

	test('refused, with nothing written: empty list, bad 文号, future date, repeated, another department\'s, not at the step', async () => {
		const before = await docCount();
		assertError(await issue(zpw, []), 400, 'invalid_field', 'items');
		assertError(await issue(zpw, [apps[0]], { number: '金建评[2023]12号' }), 400, 'invalid_field', 'number');
		// the year in 〔〕 is the year it is issued; the 机关代字 汉字 or letters (a boundary probe)
		for (const y of [Number(YEAR) - 1, Number(YEAR) + 1, 2099]) {
			const e = assertError(await issue(zpw, [apps[0]], { number: `金建评〔${y}〕12号` }), 400, 'invalid_field', 'number');
			assert.equal(e.message, `文号中的年份（${y}）应为发文日期的年份（${YEAR}）`);
		}
		assertError(await issue(zpw, [apps[0]], { number: `<b>〔${YEAR}〕2号` }), 400, 'invalid_field', 'number');
		assertError(await issue(zpw, [apps[0]], { issued_on: '2999-01-01' }), 400, 'invalid_field', 'issued_on');
		// nor before the application reached the step
		const old = assertError(await issue(zpw, [apps[0]], { issued_on: '2020-01-01', number: `金建评〔2020〕${randomInt(1, 9999)}号` }),
		    400, 'invalid_field', 'issued_on');
		assert.match(old.message, new RegExp(`^发文日期不能早于所列申报到达本环节的日期（\\d{4}-\\d\\d-\\d\\d，申报编号 ${apps[0]}）$`));
		assertError(await issue(zpw, [apps[0]], { title: '   ' }), 400, 'invalid_field', 'title');
		assertError(await issue(zpw, [apps[0], apps[0]]), 400, 'invalid_field', 'items');
		assertError(await issue(zpw, ['1']), 400, 'invalid_field', 'items');
		// another department: the city's 初级评委会, and the HR bureau
		for (const other of [await clerk('city', 'jh_cjpw'), await clerk('hrb', 'jh_rsj')]) {
			const e = assertError(await issue(other, [apps[0]]), 409, 'conflict', 'items');
			assert.match(e.message, /不在本部门的“制发文件”环节/);
		}
		// one not at the step refuses the whole document
		[early] = await newDrafts(1);
		created.push(early);
		assert.equal((await applicant.post(`/applications/${early}/submit`)).status, 200);
		await walk(early, 11);
		assertError(await issue(zpw, [apps[0], early]), 409, 'conflict', 'items');
		// the county has no such page
		assertError(await (await clerk('county', 'wucheng_jsj')).get('/documents'), 404, 'not_found');
		assert.equal(await docCount(), before);
		assert.equal(await sqlInt(`SELECT count(*) FROM results_document_item WHERE application_id IN (${apps.join(', ')})`), 0);
	});

	test('issued: every listed application 办结, one certificate each, the applicant told', async () => {
		const number = docNo();
		const r = await issue(zpw, apps, { number });
		assert.equal(r.status, 201, r.text);
		assert.deepEqual([r.json.completed, r.json.failed], [3, 0]);
		doc = r.json.id;
		for (const id of apps) {
			assert.equal((await position(id)).state, 'completed');
			const h = (await sql(`SELECT action || '|' || to_state || '|' || text FROM chain_history
			    WHERE application_id = ${id} ORDER BY no DESC LIMIT 1`)).split('|');
			assert.deepEqual(h.slice(0, 2), ['pass', 'completed']);
			assert.match(h[2], new RegExp(`列入结果文件《.+》（${number}）`));
		}
		const certs = (await sql(`SELECT number || '|' || idcard_masked || '|' || title || '|' || body || '|' || authority
		    || '|' || issued_on FROM certificate WHERE application_id IN (${apps.join(', ')}) ORDER BY id`)).split('\n');
		assert.equal(certs.length, 3);
		const nums = certs.map((c) => c.split('|')[0]);
		assert.equal(new Set(nums).size, 3);
		for (const c of certs) {
			const [no, masked, title, body, authority, on] = c.split('|');
			assert.match(no, new RegExp(`^JHJS${YEAR}Z\\d{6}$`));
			assert.deepEqual([masked, title, body, authority, on], [DEMO_MASKED, '工程师',
			    '金华市建设工程技术人员工程师职务任职资格评审委员会', zpw.me.org.name, ISSUED]);
		}
		const note = await sql(`SELECT body FROM notification WHERE user_id = (SELECT id FROM app_user
		    WHERE username = '${DEMO_APPLICANT}') ORDER BY id DESC LIMIT 1`);
		assert.match(note, /已办结，请登录平台查看结果并打印证书/);
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'document_issue'
		    AND target_type = 'results_document' AND target_id = ${doc}`), 1);
		// the 文号 is the department's own: a second document may not take it, another department may
		assertError(await issue(zpw, apps, { number }), 409, 'conflict', 'number');
		const [other] = await atLastStep('junior_review', 1);
		const cj = await clerk('city', 'jh_cjpw');
		const r2 = await issue(cj, [other], { number });
		assert.equal(r2.status, 201, r2.text);
	});

	test('the documents list, and a document with its certificates', async () => {
		const l = await zpw.get('/documents');
		const d = l.json.documents.find((x) => x.id === doc);
		assert.deepEqual([d.listed, d.certificates, d.pending, d.issued_on], [3, 3, 0, ISSUED]);
		assert.ok(!l.json.waiting.some((w) => apps.includes(w.id)));
		const r = await zpw.get(`/documents/${doc}`);
		assert.equal(r.status, 200, r.text);
		// by specialty
		assert.deepEqual(r.json.items.map((i) => i.specialty), ['市政工程', '建筑工程施工', '建筑工程施工']);
		assert.ok(r.json.items.every((i) => i.certificate && !i.certificate.revoked && i.state === 'completed' && !i.pending));
		// another department's document does not exist for it
		assertError(await (await clerk('city', 'jh_cjpw')).get(`/documents/${doc}`), 404, 'not_found');
		assertError(await (await clerk('hrb', 'jh_rsj')).get(`/documents/${doc}/document.xhtml`), 404, 'not_found');
	});

	test('the document prints on A4 (Chromium → PDF): 文号, title, the list by specialty, certificate numbers', async () => {
		const r = await zpw.get(`/documents/${doc}/document.xhtml`);
		assert.equal(r.status, 200);
		assert.match(r.headers.get('content-type'), /^application\/xhtml\+xml/);
		assert.ok(!/<script[\s>]/i.test(r.text));
		// a 评审 chain's: 经评审, not 经评审（初定）
		assert.match(r.text, /经评审并公示无异议，下列 3 名同志取得相应专业技术职务任职资格/);
		const d = (await zpw.get(`/documents/${doc}`)).json;
		const { text } = await printPdf(r.text, 'certificates-document');
		for (const s of [`${zpw.me.org.name}文件`, d.document.number, d.document.title, '市政工程专业（1人）',
		    '建筑工程施工专业（2人）', '张建国', '金华宏达建设工程有限公司', ISSUED_ZH,
		    ...d.items.map((i) => i.certificate.number)])
			assert.ok(text.includes(s.replace(/\s+/g, '')), `the document lacks ${s}`);
		assert.ok(!text.includes('330702199001010015'));
	});

	test('the document exports to .xlsx', async () => {
		const res = await fetch(zpw.url(`/documents/${doc}/document.xlsx`), { headers: { Cookie: zpw.cookieHeader() } });
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		const file = path.join(scratchDir('doc-'), 'd.xlsx');
		writeFileSync(file, Buffer.from(await res.arrayBuffer()));
		const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		for (const s of ['张建国', '市政工程', '工程师', '有效'])
			assert.ok(strings.includes(s), `the sheet lacks ${s}`);
		const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString();
		assert.equal((sheet.match(/<row /g) || []).length, 5, 'title, header and three rows');
	});

	test('the applicant sees their certificate; nobody else does', async () => {
		const r = await applicant.get(`/applications/${apps[0]}/certificate`);
		assert.equal(r.status, 200, r.text);
		cert = r.json.certificate;
		assert.deepEqual([cert.name, cert.idcard, cert.series, cert.title, cert.specialty, cert.body_label, cert.revoked],
		    ['张建国', DEMO_MASKED, '建设工程', '工程师', '建筑工程施工', '评审委员会', false]);
		verifyUrl = cert.verify_url;
		assert.match(verifyUrl, new RegExp(`^${BASE}/verify/[0-9a-f]{32}$`));
		code = verifyUrl.split('/').pop();
		// the code is not the number, and only its holder's program reads it
		assert.ok(!verifyUrl.includes(cert.number));
		const other = await newApplicant();
		assertError(await other.s.get(`/applications/${apps[0]}/certificate`), 404, 'not_found');
		assertError(await other.s.get(`/applications/${apps[0]}/certificate.xhtml`), 404, 'not_found');
		assertError(await applicant.get(`/applications/${early}/certificate`), 404, 'not_found');
		// the departments' lists carry no code
		const l = await zpw.get(`/certificates?document=${doc}`);
		assert.equal(l.json.items.length, 3);
		assert.ok(!l.text.includes(code));
		// 首页 says it for 30 days
		const item = (await applicant.get('/applications')).json.items.find((i) => i.id === apps[0]);
		assert.equal(item.certificate_issued, cert.number);
	});

	test('the applicant prints it on A4; its QR code, decoded from the printed page, is the verification page', async () => {
		const r = await applicant.get(`/applications/${apps[0]}/certificate.xhtml`);
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.match(r.headers.get('content-type'), /^application\/xhtml\+xml/);
		assert.ok(!r.text.includes('330702199001010015'), 'the full 身份证号 on the certificate');
		const { pdf, text } = await printPdf(r.text, 'certificates-certificate');
		for (const s of ['专业技术职务任职资格证书', cert.number, '张建国', DEMO_MASKED, '建设工程工程师', '建筑工程施工',
		    '金华市建设工程技术人员工程师职务任职资格评审委员会', ISSUED_ZH, zpw.me.org.name, cert.document])
			assert.ok(text.includes(s), `the printed certificate lacks ${s}`);
		assert.equal(qrOfPdf(pdf), verifyUrl);
	});

	test('/verify/<code>: public, the certificate confirmed, nothing beyond what it shows', async () => {
		const r = await page0(new URL(verifyUrl).pathname);
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /^application\/xhtml\+xml/);
		assert.equal(r.headers.get('set-cookie'), null);
		assert.match(r.headers.get('content-security-policy'), /^default-src 'none'/);
		assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
		assert.equal(r.headers.get('cache-control'), 'private, no-store');
		const t = flat(r.text);
		assert.match(t, /证书有效/);
		for (const s of [cert.number, '张建国', DEMO_MASKED, '建设工程工程师', '建筑工程施工', ISSUED_ZH, zpw.me.org.name])
			assert.ok(t.includes(s), `the page lacks ${s}`);
		// no more than the certificate: not the full number, the unit, the mobile, the plan, the code
		const mobile = await sql(`SELECT mobile FROM app_user WHERE username = '${DEMO_APPLICANT}'`);
		const plan = await sql(`SELECT p.name FROM plan p JOIN application a ON a.plan_id = p.id WHERE a.id = ${apps[0]}`);
		for (const s of ['330702199001010015', '金华宏达', mobile, plan, code, '申报编号'])
			assert.ok(!t.includes(s), `the page shows ${s}`);
		assert.ok(!/<script[\s>]/i.test(r.text));
		// a link shared on a messenger comes back with its parameters: still the page
		const shared = await page0(`${new URL(verifyUrl).pathname}?from=singlemessage&isappinstalled=0`);
		assert.equal(shared.status, 200, shared.text);
		assert.match(flat(shared.text), /证书有效/);
		// its icon is none: a browser does not ask for /favicon.ico (a 404 in its console)
		assert.match(r.text, /<link rel="icon" href="data:,"\s*\/>/);
		// nor does nginx's access log keep the code (it writes at least every second)
		await sleep(1300);
		const access = readFileSync(path.join(VAR, 'log', 'nginx-access.log'), 'utf8');
		assert.ok(!access.includes(code), 'the access log keeps the verification code');
		assert.match(access, /"GET \/verify\/- HTTP\/1\.1" 200 /);
	});

	test('/verify/: a forged, an unknown and a malformed code are each answered plainly: 未找到该证书', async () => {
		const forged = code.slice(0, -1) + (code.at(-1) === '0' ? '1' : '0');
		const unknown = randomBytes(16).toString('hex');
		for (const c of [forged, unknown, code.toUpperCase(), code.slice(0, 31), `${code}0`, 'xyz', '',
		    '%E4%B8%AD%E6%96%87', `${code}/x`]) {
			const r = await page0(`/verify/${c}`);
			assert.equal(r.status, 404, `${c}: ${r.status}`);
			assert.match(r.headers.get('content-type'), /^application\/xhtml\+xml/);
			const t = flat(r.text);
			assert.match(t, /未找到该证书，无法验证/, c);
			assert.ok(!t.includes('张建国') && !t.includes(cert.number), c);
		}
		// the misses are counted per address
		assert.ok(await sqlInt(`SELECT count(*) FROM register_attempt WHERE what = 'verify' AND ip = '127.0.0.1'`) >= 9);
	});

	test('/verify/ through Apache (conf/apache-zcps.conf as shipped)', { skip: !APACHE && 'no Apache in this stack' }, async () => {
		const r = await page0(new URL(verifyUrl).pathname, APACHE);
		assert.equal(r.status, 200, r.text);
		assert.match(flat(r.text), /证书有效/);
		assert.match(r.headers.get('content-security-policy'), /^default-src 'none'/);
		assert.equal((await page0(`/verify/${randomBytes(16).toString('hex')}`, APACHE)).status, 404);
		const access = readFileSync(path.join(VAR, 'log', 'zcps-access.log'), 'utf8');
		assert.ok(!access.includes(code), 'Apache\'s access log keeps the verification code');
		assert.match(access, /"GET \/verify\/- HTTP\/1\.1" 200 /);
	});

	test('revocation: by the issuing department only, with a reason; final; audited; the holder told', async () => {
		const id = cert.id;
		assertError(await (await clerk('city', 'jh_cjpw')).post(`/certificates/${id}/revoke`, { reason: '伪造业绩材料' }),
		    404, 'not_found');
		assertError(await (await clerk('hrb', 'jh_rsj')).post(`/certificates/${id}/revoke`, { reason: '伪造业绩材料' }),
		    404, 'not_found');
		assertError(await zpw.post(`/certificates/${id}/revoke`, { reason: '' }), 400, 'invalid_field', 'reason');
		assertError(await zpw.post(`/certificates/${id}/revoke`, { reason: '  ' }), 400, 'invalid_field', 'reason');
		const r = await zpw.post(`/certificates/${id}/revoke`, { reason: '经查实申报业绩材料弄虚作假' });
		assert.equal(r.status, 200, r.text);
		assertError(await zpw.post(`/certificates/${id}/revoke`, { reason: '再次撤销' }), 409, 'conflict');
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'certificate_revoke'
		    AND target_type = 'certificate' AND target_id = ${id} AND detail->>'reason' = '经查实申报业绩材料弄虚作假'`), 1);
		const note = await sql(`SELECT body FROM notification WHERE user_id = (SELECT id FROM app_user
		    WHERE username = '${DEMO_APPLICANT}') ORDER BY id DESC LIMIT 1`);
		assert.match(note, new RegExp(`证书（编号 ${cert.number}）已被.+撤销，理由：经查实申报业绩材料弄虚作假`));
		const mine = (await applicant.get(`/applications/${apps[0]}/certificate`)).json.certificate;
		assert.deepEqual([mine.revoked, mine.revoke_reason, mine.verify_url], [true, '经查实申报业绩材料弄虚作假', undefined]);
		assertError(await applicant.get(`/applications/${apps[0]}/certificate.xhtml`), 409, 'conflict');
		// and 首页 no longer says it was issued
		assert.equal((await applicant.get('/applications')).json.items.find((i) => i.id === apps[0]).certificate_issued, null);
		const l = (await zpw.get(`/certificates?q=${encodeURIComponent(cert.number)}`)).json.items;
		assert.deepEqual(l.map((c) => [c.id, c.revoked]), [[id, true]]);
		// found by a part of the name too, as the worklists find people (only the whole name did)
		const part = (await zpw.get(`/certificates?q=${encodeURIComponent(` ${[...cert.name].slice(1).join('')} `)}`)).json.items;
		assert.ok(part.some((c) => c.id === id), JSON.stringify(part));
		assert.equal((await zpw.get(`/documents/${doc}`)).json.items.filter((i) => i.certificate.revoked).length, 1);
	});

	test('/verify/ of a revoked certificate: 已撤销, with the date, without the reason', async () => {
		const r = await page0(new URL(verifyUrl).pathname);
		assert.equal(r.status, 200);
		const t = flat(r.text);
		const today = await sql(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY"年"FMMM"月"FMDD"日"')`);
		assert.ok(t.includes(`该证书已于${today}被发证机关撤销，不再有效`), t);
		assert.ok(!t.includes('证书有效：'));
		assert.ok(!t.includes('弄虚作假'), 'the reason is on the public page');
		assert.ok(t.includes(cert.number));
	});

	test('the database: the departments cannot read the codes, nobody rewrites a certificate or undoes a revocation', async () => {
		const as = (role, q) => sql(`BEGIN; SET LOCAL ROLE ${role}; ${q}; ROLLBACK`);
		await assert.rejects(as('portal_city', 'SELECT code FROM certificate LIMIT 1'), /permission denied/);
		await assert.rejects(as('portal_hrb', 'SELECT code FROM certificate LIMIT 1'), /permission denied/);
		await assert.rejects(as('portal_city', `UPDATE certificate SET name = 'x' WHERE false`), /permission denied/);
		await assert.rejects(as('portal_applicant', `UPDATE certificate SET revoked_at = NULL WHERE false`), /permission denied/);
		await assert.rejects(as('portal_unit', 'SELECT count(*) FROM certificate'), /permission denied/);
		await assert.rejects(as('portal_city', `DELETE FROM certificate WHERE id = ${cert.id}`), /permission denied/);
		await assert.rejects(as('portal_city', `UPDATE certificate SET revoked_at = NULL, revoked_by = NULL,
		    revoke_reason = NULL WHERE id = ${cert.id}`), /该证书已撤销/);
		assert.match(await as('portal_applicant', 'SELECT count(code) FROM certificate'), /\d/);
	});

	test('/verify/: too many unknown codes from one address → 429, said plainly; others unaffected', async () => {
		const ip = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
		await sql(`INSERT INTO register_attempt (ip, what) SELECT ${lit(ip)}, 'verify' FROM generate_series(1, 29)`);
		const valid = new URL(verifyUrl).pathname;
		assert.equal((await getFrom(ip, valid)).status, 200);
		assert.equal((await getFrom(ip, `/verify/${randomBytes(16).toString('hex')}`)).status, 404);	// the 30th
		for (const p of [`/verify/${randomBytes(16).toString('hex')}`, valid]) {
			const r = await getFrom(ip, p);
			assert.equal(r.status, 429, p);
			assert.match(flat(r.text), /查询过于频繁/);
		}
		assert.equal((await page0(valid)).status, 200);
	});
});

describe('继续办结: a listed application whose move did not happen', () => {
	test('listed (its move failed), or passed meanwhile at the worklist: finish completes it with its certificate', async () => {
		const [a, b] = await atLastStep('mid_review', 2);
		const org = await sqlInt(`SELECT current_org_id FROM application WHERE id = ${a}`);
		// as if the moves had failed after the document was committed
		const doc = await sqlInt(`WITH d AS (INSERT INTO results_document (org_id, number, issued_on, title, created_by)
		    SELECT ${org}, ${lit(docNo())}, '2023-12-02', '补办测试', id FROM app_user WHERE username = 'jh_zpw' RETURNING id),
		    i AS (INSERT INTO results_document_item (document_id, seq, application_id, step_seq, name, unit, specialty, title)
		    SELECT d.id, v.seq, v.app, 12, '张建国', '金华宏达建设工程有限公司', '建筑工程施工', '工程师'
		    FROM d, (VALUES (1, ${a}), (2, ${b})) v(seq, app)) SELECT id FROM d`);
		// listed: the gate is met, so a pass at the worklist goes through (without a certificate)
		const d0 = (await zpw.get(`/applications/${b}`)).json;
		assert.deepEqual(d0.gates.map((g) => [g.kind, g.met]), [['document', true]]);
		assert.equal((await zpw.post(`/applications/${b}/move`, { action: 'pass', step: 12, text: '同意' })).status, 200);
		let d = (await zpw.get(`/documents/${doc}`)).json;
		assert.deepEqual(d.items.map((i) => [i.id, i.pending, i.certificate]), [[a, true, null], [b, true, null]]);
		const r = await zpw.post(`/documents/${doc}/finish`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.completed, r.json.failed], [2, 0]);
		d = (await zpw.get(`/documents/${doc}`)).json;
		assert.ok(d.items.every((i) => i.certificate && !i.pending && i.state === 'completed'));
		assert.equal((await position(a)).state, 'completed');
		// nothing left: finishing again does nothing
		const again = await zpw.post(`/documents/${doc}/finish`);
		assert.deepEqual([again.json.completed, again.json.failed], [0, 0]);
	});
});

describe('the other chains end in a certificate too, issued by the department the notice names', () => {
	for (const [code, owner, title, label] of [
		['junior_review', ['city', 'jh_cjpw'], '助理工程师', '评审委员会'],
		['junior_assess', ['city', 'jh_zjj'], '助理工程师', '初定单位'],
		['mid_assess', ['hrb', 'jh_rsj'], '工程师', '评定单位'],
	]) {
		test(`${code}: ${owner[1]} issues the document; the certificate names the ${label}`, async () => {
			const [app] = await atLastStep(code, 1);
			const { step } = await position(app);
			const s = await clerk(...owner);
			assertError(await s.post(`/applications/${app}/move`, { action: 'pass', step, text: '同意' }), 409, 'gate');
			// walk.mjs meets this gate through the API (POST /documents)
			await meetGates(app);
			assert.equal((await position(app)).state, 'completed');
			const c = (await applicant.get(`/applications/${app}/certificate`)).json.certificate;
			assert.deepEqual([c.title, c.body_label, c.authority], [title, label, s.me.org.name]);
			assert.equal((await page0(new URL(c.verify_url).pathname)).status, 200);
			const r = await s.get(`/certificates?q=${encodeURIComponent(c.number)}`);
			assert.equal(r.json.items.length, 1);
			// the document says how they got there: 评审, or 初定
			const docId = await sql(`SELECT document_id FROM results_document_item WHERE application_id = ${app}`);
			assert.match((await s.get(`/documents/${docId}/document.xhtml`)).text,
			    new RegExp(`经${code.endsWith('_assess') ? '初定' : '评审'}并公示无异议`));
		});
	}
	test('issueDocument (walk.mjs) refuses nothing twice: a completed application is not listed again', async () => {
		const [app] = await atLastStep('junior_assess', 1);
		await issueDocument(app, 7);
		const e = assertError(await issue(await clerk('city', 'jh_zjj'), [app]), 409, 'conflict', 'items');
		assert.match(e.message, /不在本部门的“制发文件”环节/);
	});
});
