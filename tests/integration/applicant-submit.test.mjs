// Applicant portal, part 5: one application through the whole wizard and the
// first steps of the chain: submit, 退回, resubmit (snapshots and changes),
// the timeline, publicity, the fee (the demo's simulated gateway, signed callback), the
// fee gate, the printable 评审表 (XHTML → PDF in Chromium → pdftotext), and
// 消息 (notifications).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
	HONGDA, assertError, gatewayOrder, lit, loginAs, paysim, raw, signOpen, signPost, signToken, sql, sqlInt, sqlRows,
	worklistRow,
} from './lib.mjs';
import {
	MID_PLAN, afterCleanup, approvedItem, completeProfile, jpeg, launchChromium, newApplicant, newApplication,
	orgId, outDir, postFile, putProfile, signaturePng, uploadPdf,
} from './applicant-fixtures.mjs';

const COMMITTEE_MID = '金华市建设工程技术人员工程师职务任职资格评审委员会办公室';
const COUNTY_JSJ = '婺城区住房和城乡建设局';
const RETURN_REASON = `请补充近三年继续教育学时证明-${Date.now()}`;
const STATEMENT_1 = '本人自参加工作以来，一直从事建筑工程施工技术管理工作，主持完成多项住宅工程。';
const STATEMENT_2 = `${STATEMENT_1}\n补充：<script>alert(1)</script> & "引号"`;

let browser, page, a, app, hongda, county, unitUser, earlyToken;
const get = async (s = a.s) => {
	const r = await s.get(`/applications/${app}`);
	assert.equal(r.status, 200, r.text);
	return r.json;
};
const move = (s, action, step, text) => s.post(`/applications/${app}/move`, { action, step, text });
const historyCount = () => sqlInt(`SELECT count(*) FROM chain_history WHERE application_id = ${app}`);

before(async () => {
	browser = await launchChromium();
	page = await browser.newPage();
	hongda = await loginAs('unit', 'unit_hongda');
	county = await loginAs('county', 'wucheng_jsj');
	unitUser = await sqlInt(`SELECT id FROM app_user WHERE username = 'unit_hongda'`);
	a = await newApplicant();
	await putProfile(a.s, await completeProfile());
	app = (await newApplication(a.s)).application.id;
});

after(async () => {
	await browser?.close();
	await afterCleanup();
});

describe('one application from the wizard to the county', () => {
	test('the wizard: profile, photo, signature, info, an approved item, files → the check is empty', async () => {
		const ph = await postFile(a.s, `/applications/${app}/photo`, await jpeg(page, { w: 300, h: 400, border: '#ffffff' }),
		    '白底证件照.jpg', 'image/jpeg');
		assert.equal(ph.status, 200, ph.text);
		const link = await a.s.post(`/applications/${app}/sign-link`);
		assert.equal(link.status, 200, link.text);
		const signed = await signPost(signToken(link.json.url), signaturePng());
		assert.equal(signed.status, 200, signed.text);
		// a second link, left unused until after the submission
		earlyToken = signToken((await a.s.post(`/applications/${app}/sign-link`)).json.url);

		const info = await a.s.request('PUT', `/applications/${app}/info`, { json: {
			statement: STATEMENT_1, category: 'construction', method: 'normal', specialty: '建筑工程施工',
			accept_org_id: await orgId(COMMITTEE_MID), wizard_step: 7,
		} });
		assert.equal(info.status, 200, info.text);
		const it = await approvedItem(a.s, hongda, { title: '金华市某安置房二期工程施工' });
		assert.equal((await a.s.request('PUT', `/applications/${app}/archive`, { json: { items: [{ item_id: it.id }] } })).status, 200);
		for (const kind of ['summary', 'experience', 'm_education', 'm_title']) {
			const r = await a.s.request('PUT', `/applications/${app}/files`,
			    { json: { kind, uploads: [await uploadPdf(a.s, `${kind}.pdf`)] } });
			assert.equal(r.status, 200, r.text);
		}
		const g = await get();
		assert.deepEqual(g.check, []);
		assert.deepEqual([g.application.state, g.application.signed, g.application.photo_warning, g.application.printable],
		    ['draft', true, null, false]);
		// not yet: the fee, the 评审表
		let e = assertError(await a.s.post(`/applications/${app}/pay`), 409, 'conflict');
		assert.match(e.message, /暂不需要缴费/);
		e = assertError(await a.s.get(`/applications/${app}/form.xhtml`), 409, 'conflict');
		assert.equal(e.message, '用人单位审核通过后方可导出评审表');
	});

	test('submit → in_review at step 2; snapshot 1 with no changes; the draft is frozen', async () => {
		const r = await a.s.post(`/applications/${app}/submit`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { state: 'in_review', step: 2 });
		assert.deepEqual(await sqlRows(`SELECT no, changes::text, data->>'statement' FROM application_snapshot
		    WHERE application_id = ${app} ORDER BY no`), [['1', '[]', STATEMENT_1]]);
		const g = await get();
		assert.deepEqual([g.application.state, g.application.state_name, g.application.step, g.application.holder,
			g.application.editable], ['in_review', '审查中', 2, HONGDA, false]);
		assertError(await a.s.post(`/applications/${app}/submit`), 409, 'conflict');
		let e = assertError(await a.s.request('PUT', `/applications/${app}/info`, { json: { statement: '改' } }), 409, 'conflict');
		assert.match(e.message, /单位资格审查/);
		assertError(await a.s.request('PUT', `/applications/${app}/files`, { json: { kind: 'other', uploads: [] } }), 409, 'conflict');
		assertError(await postFile(a.s, `/applications/${app}/photo`, await jpeg(page, { w: 300, h: 400 }), 'p.jpg', 'image/jpeg'),
		    409, 'conflict');
		// signing is over too
		assertError(await a.s.post(`/applications/${app}/sign-link`), 409, 'conflict');
		e = assertError(await signOpen(earlyToken), 409, 'conflict');
		assert.equal(e.message, '该申报已提交，无需再签署');
		assert.equal(await sql(`SELECT statement FROM application WHERE id = ${app}`), STATEMENT_1);
		// the 评审表 waits for the unit
		assertError(await a.s.get(`/applications/${app}/form.xhtml`), 409, 'conflict');
	});

	test('unit_hongda returns it with a reason → the applicant sees returned and return_reason', async () => {
		const r = await move(hongda, 'return', 2, RETURN_REASON);
		assert.equal(r.status, 200, r.text);
		const g = await get();
		assert.deepEqual([g.application.state, g.application.state_name, g.application.step, g.application.editable,
			g.application.return_reason], ['returned', '已退回修改', 1, true, RETURN_REASON]);
		assert.equal(g.application.printable, false);
	});

	test('changing the statement and resubmitting → snapshot 2 whose changes are ["statement"]', async () => {
		const r = await a.s.request('PUT', `/applications/${app}/info`, { json: { statement: STATEMENT_2 } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.check, []);
		const s = await a.s.post(`/applications/${app}/submit`);
		assert.equal(s.status, 200, s.text);
		assert.deepEqual(s.json, { state: 'in_review', step: 2 });
		assert.deepEqual(await sqlRows(`SELECT no, changes::text FROM application_snapshot WHERE application_id = ${app} ORDER BY no`),
		    [['1', '[]'], ['2', '["statement"]']]);
		assert.equal((await get()).application.return_reason, null);
	});

	test('the timeline: steps with holders, the history (submit, return, submit) with the unit and the reason', async () => {
		const r = await a.s.get(`/applications/${app}/timeline`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.history.map((h) => [h.no, h.action, h.action_name, h.step_name, h.org, h.text]), [
			[1, 'submit', '提交申报', '个人网络申报', a.name, ''],
			[2, 'return', '退回修改', '单位资格审查', HONGDA, RETURN_REASON],
			[3, 'submit', '提交申报', '个人网络申报', a.name, ''],
		]);
		assert.ok(r.json.history.every((h) => /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(h.at)));
		const steps = r.json.steps;
		assert.equal(steps.length, 12);
		assert.deepEqual(steps.slice(0, 4).map((s) => [s.seq, s.status, s.holder]),
		    [[1, 'done', a.name], [2, 'current', HONGDA], [3, 'todo', HONGDA], [4, 'todo', COUNTY_JSJ]]);
		assert.equal(steps[7].holder, COMMITTEE_MID);
		assert.deepEqual(r.json.submissions.map((s) => [s.no, s.changes]), [[1, []], [2, ['statement']]]);
		const other = await newApplicant();
		assertError(await other.s.get(`/applications/${app}/timeline`), 404, 'not_found');
	});

	test('the unit passes (step 3); with 14 days of publicity it reports upward (step 4): the fee is due', async () => {
		let r = await move(hongda, 'pass', 2, '资格审查通过');
		assert.equal(r.status, 200, r.text);
		assert.equal((await get()).application.printable, true);
		assertError(await move(hongda, 'pass', 3, '推荐上报'), 409, 'gate');
		await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by) VALUES (${app}, 3, current_date - 14, ${unitUser})`);
		r = await move(hongda, 'pass', 3, '公示无异议，推荐上报');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.state, r.json.step], ['in_review', 4]);
		const g = await get();
		assert.deepEqual([g.application.step, g.application.holder], [4, COUNTY_JSJ]);
		assert.deepEqual(g.application.fee, { amount: 260, paid_at: null, due: true, required: true, step: 4, pay_by: null, late: false,
		    items: [{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 180 }] });
	});

	test('the county cannot pass step 4 before the fee is paid: 409 gate', async () => {
		const n = await historyCount();
		const e = assertError(await move(county, 'pass', 4, '资格审查通过'), 409, 'gate');
		assert.equal(e.message, '申报人尚未缴纳推荐评审费（应缴 260 元），缴费后方可审查通过');
		assert.equal(await historyCount(), n);
		assert.equal(await sql(`SELECT step_seq FROM application WHERE id = ${app}`), '4');
		// the county sees in its worklist that the fee is not paid yet
		assert.equal((await worklistRow(county, app)).paid, false);
	});

	let order, req, callback;
	const payRow = async () => (await sqlRows(`SELECT y.status, y.amount_fen, y.paid_at IS NULL, a.paid_at IS NULL
	    FROM payment y JOIN application a ON a.id = y.application_id WHERE y.order_no = ${lit(order)}`))[0];
	const paidNotes = () => sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${a.id} AND strpos(body, '已成功缴纳推荐评审费 260 元') > 0`);
	const callbackPost = (body) => raw('POST', '/api/applicant/paycallback',
	    { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
	const flip = (s) => (s[0] === '0' ? '1' : '0') + s.slice(1);

	test('pay → pay_url: the simulated gateway with the order signed by the portal; it shows "260.00"', async () => {
		assertError(await a.s.post(`/applications/${app}/pay`, undefined, { csrf: false }), 403, 'csrf');
		const r = await a.s.post(`/applications/${app}/pay`);
		assert.equal(r.status, 200, r.text);
		order = r.json.order;
		assert.match(order, /^[0-9a-f]{24}$/);
		assert.equal(r.json.provider, 'simulator');
		const url = new URL(r.json.pay_url, 'http://x');
		assert.equal(url.pathname, '/paysim/');
		// the order in the fragment, which reaches no server's access log (issue 11, finding 5)
		assert.equal(url.search, '');
		assert.ok(url.hash.startsWith(`#order=${order}&amount=26000&`), r.json.pay_url);
		req = gatewayOrder(r.json.pay_url);
		assert.deepEqual({ ...req, sign: '' }, { order, amount: 26000, subject: MID_PLAN,
			return: `/applicant/#/applications/${app}?paid=1`, sign: '' });
		assert.match(req.sign, /^[0-9a-f]{64}$/);
		assert.deepEqual(await payRow(), ['pending', '26000', 't', 't']);
		assert.deepEqual((await a.s.get('/payment')).json, { provider: 'simulator', simulated: true });
		const g = await paysim('open', req);
		assert.equal(g.status, 200, g.text);
		assert.deepEqual([g.json.order, g.json.amount, g.json.subject], [order, '260.00', MID_PLAN]);
		assert.match(g.json.gateway, /模拟/);
		const other = await newApplicant();
		assertError(await other.s.post(`/applications/${app}/pay`), 404, 'not_found');
	});

	test('the gateway takes only the order as the portal signed it (403), and the portal has no gateway of its own', async () => {
		for (const body of [{ ...req, amount: 100 }, { ...req, amount: 26001 }, { ...req, subject: '别的项目' },
			{ ...req, return: '/applicant/#/messages' }, { ...req, order: `${order}00` }, { ...req, sign: flip(req.sign) }])
			for (const step of ['open', 'pay'])
				assertError(await paysim(step, step === 'pay' ? { ...body, result: 'success' } : body), 403, 'forbidden', 'sign');
		assertError(await paysim('open', { ...req, return: 'https://evil.example/' }), 400, 'invalid_field', 'return');
		assertError(await paysim('open', { ...req, sign: undefined }), 400, 'invalid_field', 'sign');
		assertError(await paysim('open', { ...req, extra: 1 }), 400, 'unknown_field');
		// the gateway of before (issue 11): anyone could have it sign a success for any order
		assertError(await raw('GET', `/api/applicant/paygate/${order}`), 404, 'not_found');
		assertError(await raw('POST', `/api/applicant/paygate/${order}`,
		    { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ result: 'success' }) }), 404, 'not_found');
		assert.deepEqual(await payRow(), ['pending', '26000', 't', 't']);
	});

	test('the gateway signs a callback; tampered amount, status or sign are refused and change nothing', async () => {
		assertError(await paysim('pay', { ...req, result: 'maybe' }), 400, 'invalid_field', 'result');
		const r = await paysim('pay', { ...req, result: 'success' });
		assert.equal(r.status, 200, r.text);
		callback = r.json.callback;
		assert.deepEqual([callback.order, callback.amount, callback.status], [order, 26000, 'success']);
		assert.match(callback.sign, /^[0-9a-f]{64}$/);
		assert.deepEqual([r.json.notify_url, r.json.return_url], ['/api/applicant/paycallback', req.return]);
		// the gateway only signs: nothing is paid until the portal takes the notification
		assert.deepEqual(await payRow(), ['pending', '26000', 't', 't']);

		for (const body of [{ ...callback, amount: 26001 }, { ...callback, amount: 100 }, { ...callback, sign: flip(callback.sign) },
			{ ...callback, sign: callback.sign.toUpperCase() === callback.sign ? flip(callback.sign) : callback.sign.toUpperCase() },
			{ ...callback, status: 'fail' }, { ...callback, order: `${order}00` }, { ...callback, sign: req.sign }])
			assertError(await callbackPost(body), 403, 'forbidden', 'sign');
		assertError(await callbackPost({ ...callback, sign: callback.sign.slice(1) }), 400, 'invalid_field', 'sign');
		assertError(await callbackPost({ ...callback, status: 'paid' }), 400, 'invalid_field', 'status');
		assertError(await callbackPost({ ...callback, amount: '26000' }), 400, 'invalid_field', 'amount');
		assert.deepEqual(await payRow(), ['pending', '26000', 't', 't']);
		assert.equal(await paidNotes(), 0);
		assert.equal((await get()).application.fee.paid_at, null);
	});

	test('the valid callback: 200, paid, a notification with 260; repeated: 200 and nothing new', async () => {
		const r = await callbackPost(callback);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { application_id: app, status: 'paid' });
		assert.deepEqual(await payRow(), ['paid', '26000', 'f', 'f']);
		const g = await get();
		assert.match(g.application.fee.paid_at, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
		assert.equal(g.application.fee.due, false);
		assert.equal(g.application.fee.order_no, order);
		assert.equal(await paidNotes(), 1);
		assert.equal(await sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${a.id}
		    AND body = ${lit(`【职称申报】您已成功缴纳推荐评审费 260 元，订单号 ${order}。`)}`), 1);
		const paidAt = await sql(`SELECT paid_at FROM application WHERE id = ${app}`);

		const again = await callbackPost(callback);
		assert.equal(again.status, 200, again.text);
		assert.equal(await sql(`SELECT paid_at FROM application WHERE id = ${app}`), paidAt);
		assert.equal(await paidNotes(), 1);
		const e = assertError(await a.s.post(`/applications/${app}/pay`), 409, 'conflict');
		assert.equal(e.message, '推荐评审费已缴纳，无需重复缴费');
	});

	test('now the county passes step 4', async () => {
		assert.equal((await worklistRow(county, app)).paid, true);
		const r = await move(county, 'pass', 4, '资格审查通过');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.state, r.json.step], ['in_review', 5]);
	});
});

describe('the printable 评审表 (form.xhtml)', () => {
	let xhtml;
	const files = {};

	test('200 application/xhtml+xml, well-formed, the statement escaped', async () => {
		const r = await a.s.get(`/applications/${app}/form.xhtml`);
		assert.equal(r.status, 200, r.text.slice(0, 300));
		assert.match(r.headers.get('content-type'), /^application\/xhtml\+xml/);
		xhtml = r.text;
		assert.ok(xhtml.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; '), 'the statement is not escaped');
		assert.ok(!xhtml.includes('<script>alert'), 'raw <script> in the 评审表');
		assert.ok(!/<script[\s>]/i.test(xhtml), 'a script element in the 评审表');
		assert.ok(xhtml.includes('data:image/jpeg;base64,') && xhtml.includes('data:image/png;base64,'), 'photo or signature missing');
		for (const s of ['金华市某安置房二期工程施工', RETURN_REASON, '公示无异议，推荐上报', a.idcard, '施工与监理类'])
			assert.ok(xhtml.includes(s), `the 评审表 lacks ${s}`);
		const parsed = await page.evaluate((text) => {
			const doc = new DOMParser().parseFromString(text, 'application/xhtml+xml');
			return { root: doc.documentElement.localName, ns: doc.documentElement.namespaceURI,
				errors: doc.getElementsByTagName('parsererror').length,
				statement: doc.querySelector('.statement')?.textContent,
				// the title applied for; the heads of the tables that run over pages, printed again
				title: [...doc.querySelectorAll('th')].find((th) => th.textContent === '申报职称')?.nextElementSibling?.textContent,
				heads: [...doc.querySelectorAll('thead th:first-child')].map((th) => th.textContent) };
		}, xhtml);
		assert.deepEqual(parsed, { root: 'html', ns: 'http://www.w3.org/1999/xhtml', errors: 0, statement: STATEMENT_2,
			title: '工程师', heads: ['类型', '环节'] });
		const other = await newApplicant();
		assertError(await other.s.get(`/applications/${app}/form.xhtml`), 404, 'not_found');
	});

	test('Chromium prints it to an A4 PDF whose text has every section, the name and the opinions', async () => {
		const dir = outDir();
		files.xhtml = path.join(dir, 'applicant-form.xhtml');
		files.pdf = path.join(dir, 'applicant-form.pdf');
		writeFileSync(files.xhtml, xhtml);
		const dialogs = [];
		page.on('dialog', (d) => {
			dialogs.push(d.message());
			d.dismiss().catch(() => {});
		});
		await page.goto(pathToFileURL(files.xhtml).href, { waitUntil: 'load' });
		await page.pdf({ path: files.pdf, format: 'A4', printBackground: true });
		assert.deepEqual(dialogs, [], 'a script of the statement ran');
		// default (reading order) mode keeps a table cell's lines together; white space is dropped
		const flat = execFileSync('pdftotext', [files.pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
		for (const s of ['专业技术职务任职资格评审表', '一、基本信息', '三、本人述职', '六、各级审核意见', a.name, MID_PLAN,
			a.idcard, '施工与监理类', '正常申报', COMMITTEE_MID, '资格审查通过', '公示无异议，推荐上报',
			'<script>alert(1)</script>&"引号"'])
			assert.ok(flat.includes(s.replace(/\s+/g, '')), `the PDF text lacks ${s}`);
		assert.match(execFileSync('pdfinfo', [files.pdf], { encoding: 'utf8' }), /Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)|Page size:\s+595\.\d+ x 842\.\d+ pts \(A4\)/);
		execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', files.pdf,
			path.join(dir, 'applicant-form-page1')]);
		const png = path.join(dir, 'applicant-form-page1.png');
		assert.ok(existsSync(png) && statSync(png).size > 1000, 'no PNG of page 1');
	});
});

describe('消息 (messages)', () => {
	test('GET messages: the applicant\'s notifications, newest first, with the unread count', async () => {
		const r = await a.s.get('/messages');
		assert.equal(r.status, 200, r.text);
		const want = await sqlRows(`SELECT id, read_at IS NOT NULL FROM notification WHERE user_id = ${a.id}
		    ORDER BY created_at DESC, id DESC`);
		assert.ok(want.length >= 8, `only ${want.length} notifications`);
		assert.deepEqual(r.json.items.map((m) => [String(m.id), m.read ? 't' : 'f']), want);
		assert.equal(r.json.unread, want.filter(([, read]) => read === 'f').length);
		assert.equal(r.json.unread, r.json.items.length);
		assert.match(r.json.items[0].body, /已通过“县（市、区）建设初评委资格审查”/);
		assert.ok(r.json.items.some((m) => m.body.includes(RETURN_REASON)), 'the return is not among the messages');
		assert.ok(r.json.items.some((m) => m.body.includes('260 元')));
		assert.ok(r.json.items.every((m) => /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(m.at)));
	});

	test('POST messages/:id/read marks it; another user\'s id changes nothing', async () => {
		const list = (await a.s.get('/messages')).json;
		const m = list.items[2];
		assertError(await a.s.post(`/messages/${m.id}/read`, undefined, { csrf: false }), 403, 'csrf');
		const r = await a.s.post(`/messages/${m.id}/read`);
		assert.equal(r.status, 200, r.text);
		const after = (await a.s.get('/messages')).json;
		assert.equal(after.unread, list.unread - 1);
		assert.deepEqual(after.items.filter((x) => x.read).map((x) => x.id), [m.id]);
		const readAt = await sql(`SELECT read_at FROM notification WHERE id = ${m.id}`);
		assert.notEqual(readAt, '');
		assert.equal((await a.s.post(`/messages/${m.id}/read`)).status, 200);
		assert.equal(await sql(`SELECT read_at FROM notification WHERE id = ${m.id}`), readAt, 'reading twice moved read_at');

		const b = await newApplicant();
		const victim = list.items[3].id;
		// another's message answers as one that does not exist: 404, the same body
		const x = await b.s.post(`/messages/${victim}/read`);
		assertError(x, 404, 'not_found');
		const none = await b.s.post('/messages/999999999/read');
		assert.deepEqual([x.status, x.json], [none.status, none.json]);
		assert.equal(await sql(`SELECT read_at IS NULL FROM notification WHERE id = ${victim}`), 't', 'another user marked it read');
		assert.equal((await a.s.get('/messages')).json.unread, list.unread - 1);
		const mineB = await b.s.get('/messages');
		assert.deepEqual([mineB.json.items, mineB.json.unread], [[], 0]);
		// 全部标为已读: the person's own, each read once (another's read-all reads nothing of theirs)
		assert.deepEqual((await b.s.post('/messages/read-all')).json, { read: 0 });
		assert.equal(await sql(`SELECT read_at IS NULL FROM notification WHERE id = ${victim}`), 't');
		assertError(await a.s.post('/messages/read-all', undefined, { csrf: false }), 403, 'csrf');
		const all = await a.s.post('/messages/read-all');
		assert.equal(all.status, 200, all.text);
		assert.equal(all.json.read, list.unread - 1);
		assert.equal((await a.s.get('/messages')).json.unread, 0);
		assert.equal(await sql(`SELECT read_at FROM notification WHERE id = ${m.id}`), readAt, 'read-all moved a read one');
	});
});

describe('paying twice', () => {
	test('two 缴费 clicks (two orders) and both paid at the gateway: the application is charged once', async () => {
		// an application that has reached the fee step (moved there by SQL: the chain is tested above)
		const b = await newApplicant();
		await putProfile(b.s, await completeProfile());
		const id = (await newApplication(b.s)).application.id;
		await sql(`UPDATE application SET state = 'in_review', step_seq = 4,
		    current_org_id = (SELECT id FROM org WHERE name = ${lit(COUNTY_JSJ)}) WHERE id = ${id}`);
		const orders = [];
		for (let i = 0; i < 2; i++) {
			const r = await b.s.post(`/applications/${id}/pay`);
			assert.ok(r.status === 200 || r.status === 409, `POST pay: ${r.status} ${r.text}`);
			if (r.status === 200 && !orders.some((o) => o.order === r.json.order))
				orders.push(gatewayOrder(r.json.pay_url));
		}
		for (const o of orders) {
			const gw = await paysim('pay', { ...o, result: 'success' });
			assert.equal(gw.status, 200, gw.text);
			await raw('POST', '/api/applicant/paycallback',
			    { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(gw.json.callback) });
		}
		const paid = await sqlRows(`SELECT order_no, amount_fen FROM payment WHERE application_id = ${id} AND status = 'paid'`);
		const told = await sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${b.id} AND strpos(body, '已成功缴纳') > 0`);
		assert.equal(paid.length, 1, `${paid.length} paid payments of 260 元 for one application (orders ${orders.map((o) => o.order).join(', ')}); ${told} 已成功缴纳 messages`);
	});
});

/* 缴费 of applicant b's application id: the order at the simulated gateway */
async function payOrder(b, id) {
	const r = await b.s.post(`/applications/${id}/pay`);
	assert.equal(r.status, 200, r.text);
	return gatewayOrder(r.json.pay_url);
}

/* the order o paid at the gateway, and its callback: the callback's answer */
async function settleOrder(o) {
	const gw = await paysim('pay', { ...o, result: 'success' });
	assert.equal(gw.status, 200, gw.text);
	return raw('POST', '/api/applicant/paycallback',
	    { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(gw.json.callback) });
}

describe('the fee corrected while an order waits (收费设定)', () => {
	test('the waiting order is voided and made again at the fee; money taken on the old one is recorded, never lost', async () => {
		const b = await newApplicant();
		await putProfile(b.s, await completeProfile());
		const id = (await newApplication(b.s)).application.id;
		await sql(`UPDATE application SET state = 'in_review', step_seq = 4,
		    current_org_id = (SELECT id FROM org WHERE name = ${lit(COUNTY_JSJ)}) WHERE id = ${id}`);
		const plan = await sqlInt(`SELECT plan_id FROM application WHERE id = ${id}`);
		const county = await loginAs('county', 'wucheng_jsj');
		const fees = async (items) => assert.equal((await county.request('PUT', `/plans/${plan}/fees`,
		    { json: { items } })).status, 200);
		const pay = () => payOrder(b, id);
		const settle = async (o) => {
			const r = await settleOrder(o);
			assert.equal(r.status, 200, r.text);
		};
		const lastNote = () => sql(`SELECT body FROM notification WHERE user_id = ${b.id} ORDER BY id DESC LIMIT 1`);
		const paidAt = () => sql(`SELECT paid_at IS NOT NULL FROM application WHERE id = ${id}`);
		try {
			await fees([{ name: '推荐费', amount: 1 }]);	// a slip, corrected below
			const slip = await pay();
			assert.equal(slip.amount, 100);
			await fees([{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 180 }]);
			// what the 12333 message into the fee step says of it (sql/057), at each point below
			const phrase = () => sql(`SELECT fee_phrase(${id})`);
			assert.equal(await phrase(), '，并缴纳推荐评审费 260 元（推荐费 80 元、评审费 180 元）');
			const right = await pay();
			assert.equal(right.amount, 26000);
			assert.notEqual(right.order, slip.order);
			assert.equal(await sql(`SELECT status FROM payment WHERE order_no = ${lit(slip.order)}`), 'void');
			assert.equal(await sql(`SELECT detail->>'voided' FROM audit_log WHERE action = 'pay_order'
			    AND target_id = ${id} ORDER BY id DESC LIMIT 1`), slip.order);
			// the old order paid at the gateway all the same: recorded; the fee is not met by it
			await settle(slip);
			assert.equal(await sql(`SELECT status FROM payment WHERE order_no = ${lit(slip.order)}`), 'paid');
			assert.equal(await paidAt(), 'f');
			assert.match(await lastNote(), /已收到您缴纳的推荐评审费 1 元.*已调整为 260 元，尚需补缴 259 元/);
			assert.equal(await phrase(), '，并补缴推荐评审费 259 元（应缴 260 元，已缴 1 元）');
			const e = assertError(await county.post(`/applications/${id}/move`, { action: 'pass', step: 4, text: '通过' }),
			    409, 'gate');
			assert.match(e.message, /已缴纳推荐评审费 1 元.*应缴 260 元，补缴后方可审查通过/);
			// the rest is asked for: the waiting 260 order voided for one of 259
			const rest = await pay();
			assert.equal(rest.amount, 25900);
			assert.equal(await sql(`SELECT status FROM payment WHERE order_no = ${lit(right.order)}`), 'void');
			await settle(rest);
			assert.equal(await paidAt(), 't');
			// returned after paying and reported again: nothing more to pay
			assert.equal(await phrase(), '（推荐评审费已缴纳）');
			const fee = (await b.s.get(`/applications/${id}`)).json.application.fee;
			assert.deepEqual([fee.amount, fee.order_no], [260, `${slip.order}、${rest.order}`]);
			assertError(await b.s.post(`/applications/${id}/pay`), 409, 'conflict');
			// and the voided 260 order completed late: a surplus for the department to refund
			await settle(right);
			assert.match(await lastNote(), /为重复缴费.*将由主管部门核实后退还/);
			assert.equal(await sql(`SELECT detail->>'surplus' FROM audit_log WHERE action = 'pay_surplus'
			    AND target_id = ${id}`), '260');
			// the department reads what it is to refund: the fee gate and the 收费明细 (sql/087)
			// (on the county's desk as the chain would have put it there)
			await sql(`INSERT INTO desk (org_id, application_id, arrived_at, step_seq, applicant_name, applicant_idcard,
			    touched_at) SELECT current_org_id, id, now(), 4, 'x', 'x', now() FROM application WHERE id = ${id}`);
			const dj = (await county.get(`/applications/${id}`)).json;
			const fg = dj.gates.find((g) => g.kind === 'fee');
			assert.deepEqual([dj.application.fee.amount, dj.application.fee.surplus], [260, 260]);
			assert.deepEqual([(await b.s.get(`/applications/${id}`)).json.application.fee.amount,
			    (await b.s.get(`/applications/${id}`)).json.application.fee.surplus], [260, 260]);
			assert.match(fg.text, /^申报人已缴纳推荐评审费 520 元（.+），其中多缴 260 元应予退还（在“收费设定”中登记退还）$/);
			// the department's 收费明细 of the plan lists each order paid to it, with its amount
			const x = await fetch(county.url(`/plans/${plan}/payments.xlsx`), { headers: { Cookie: county.cookieHeader() } });
			assert.equal(x.status, 200);
			const file = path.join(outDir(), 'payments.xlsx');
			writeFileSync(file, Buffer.from(await x.arrayBuffer()));
			const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
			for (const o of [slip, rest, right])
				assert.ok(strings.includes(o.order), `收费明细 lacks the order ${o.order}`);
			assert.match(strings, /推荐评审费收费明细（共 \d+ 笔，合计 [\d.]+ 元，其中多缴 [\d.]+ 元，待退还 [\d.]+ 元）/);
			assert.ok(strings.includes('多缴（元）') && strings.includes('待退还'));
			const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString();
			for (const v of ['<v>1</v>', '<v>259</v>', '<v>260</v>'])
				assert.ok(sheet.includes(v), `收费明细 lacks the amount ${v}`);
			// the amounts read as money, 260.00: their cells take the style whose number format is #,##0.00
			const styles = execFileSync('unzip', ['-p', file, 'xl/styles.xml']).toString();
			const fmt = styles.match(/<numFmt numFmtId="(\d+)" formatCode="#,##0\.00"\/>/);
			assert.ok(fmt, 'a money format');
			const xfs = [...styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/)[1].matchAll(/<xf [^>]*>/g)].map((m) => m[0]);
			const money = xfs.findIndex((x) => x.includes(`numFmtId="${fmt[1]}"`));
			assert.ok(money > 0);
			assert.match(sheet, new RegExp(`<c r="G\\d+" s="${money}"><v>260</v></c>`), 'an amount in the money style');
			// the late order's row says its 260 is to be refunded, the others nothing
			assert.equal(await sql(`SELECT string_agg(order_no || ':' || surplus_fen, ',' ORDER BY paid_at)
			    FROM payment WHERE application_id = ${id} AND status = 'paid'`),
			    `${slip.order}:0,${rest.order}:0,${right.order}:26000`);
			const refunds = await sql(`SELECT string_agg((y.surplus_fen / 100)::text, ',' ORDER BY y.paid_at, y.order_no)
			    FROM payment y JOIN application a ON a.id = y.application_id WHERE a.plan_id = ${plan}
			    AND y.status = 'paid' AND y.surplus_fen > 0 AND y.payee_org_id = (SELECT id FROM org WHERE name = ${lit(COUNTY_JSJ)})`);
			assert.equal([...sheet.matchAll(/<c r="I\d+" s="\d+"><v>([\d.]+)<\/v><\/c>/g)].map((m) => m[1]).join(), refunds);
			// refunded outside the portal, 登记已退还 on the 收费设定 page: once, by the department paid
			const listed = (await county.get('/fees')).json.refunds.find((x) => x.order === right.order);
			assert.deepEqual([listed.application_id, listed.amount, listed.refunded_at], [id, 260, null]);
			const jindong = await loginAs('county', 'jindong_jsj');
			assertError(await jindong.post('/fees/refunds', { order: right.order }), 404, 'not_found');
			assertError(await county.post('/fees/refunds', { order: slip.order }), 404, 'not_found');
			assertError(await county.post('/fees/refunds', { order: 'x' }), 400, 'invalid_field', 'order');
			const done = await county.post('/fees/refunds', { order: right.order });
			assert.equal(done.status, 200, done.text);
			const row = done.json.refunds.find((x) => x.order === right.order);
			assert.match(row.refunded_at, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
			assert.equal(row.refunded_by, county.me.user.name);
			assert.ok(Array.isArray(done.json.plans));
			assertError(await county.post('/fees/refunds', { order: right.order }), 409, 'conflict');
			assert.equal(await lastNote(), `【职称申报】您多缴的推荐评审费 260 元（订单号 ${right.order}）已由${county.me.org.name}退还，请注意查收。`);
			assert.equal(await sql(`SELECT detail->>'surplus' FROM audit_log WHERE action = 'pay_refund' AND target_id = ${id}`), '260');
			// the fee is what counts towards it: 260, with the 260 beyond it refunded (the walk read
			// 已缴费 520 元 in both headers)
			const after = (await county.get(`/applications/${id}`)).json;
			assert.deepEqual([after.application.fee.amount, after.application.fee.surplus, after.application.fee.refunded],
			    [260, undefined, 260]);
			const refunded = after.gates.find((g) => g.kind === 'fee');
			assert.match(refunded.text, /^申报人已缴纳推荐评审费 520 元（.+），多缴的 260 元已退还$/);
			const y = await fetch(county.url(`/plans/${plan}/payments.xlsx`), { headers: { Cookie: county.cookieHeader() } });
			writeFileSync(file, Buffer.from(await y.arrayBuffer()));
			assert.ok(execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString()
			    .includes(`已退还 ${row.refunded_at.slice(0, 10)}`));
			// another county's department: not its plan's fees (404), nor anyone else's rows
			const other = await fetch(jindong.url(`/plans/${plan}/payments.xlsx`), { headers: { Cookie: jindong.cookieHeader() } });
			if (other.status === 200) {
				writeFileSync(file, Buffer.from(await other.arrayBuffer()));
				assert.ok(!execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString().includes(rest.order));
			} else assert.equal(other.status, 404);
		} finally {
			await fees([]);
		}
	});

	// (a review of sql/087: a surplus beyond the last order's own amount made its callback fail,
	// and one made by a lowered fee was recorded nowhere)
	test('a fee lowered below what was paid: the surplus is recorded, by the callback or by 缴费', async () => {
		const county = await loginAs('county', 'wucheng_jsj');
		const at = async () => {
			const b = await newApplicant();
			await putProfile(b.s, await completeProfile());
			const id = (await newApplication(b.s)).application.id;
			await sql(`UPDATE application SET state = 'in_review', step_seq = 4,
			    current_org_id = (SELECT id FROM org WHERE name = ${lit(COUNTY_JSJ)}) WHERE id = ${id}`);
			return { b, id };
		};
		const x = await at();
		const plan = await sqlInt(`SELECT plan_id FROM application WHERE id = ${x.id}`);
		const fees = async (items) => assert.equal((await county.request('PUT', `/plans/${plan}/fees`,
		    { json: { items } })).status, 200);
		const pay = ({ b, id }) => payOrder(b, id);
		const settle = settleOrder;
		const surplus = (id) => sql(`SELECT string_agg(amount_fen || ':' || surplus_fen, ',' ORDER BY paid_at)
		    FROM payment WHERE application_id = ${id} AND status = 'paid'`);
		const lastNote = (b) => sql(`SELECT body FROM notification WHERE user_id = ${b.id} ORDER BY id DESC LIMIT 1`);
		try {
			// an order of 10, the fee raised to 260 before it completes; 250 asked for, the fee
			// lowered to 5 before that one completes
			await fees([{ name: '推荐费', amount: 10 }]);
			const ten = await pay(x);
			await fees([{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 180 }]);
			assert.equal((await settle(ten)).status, 200);
			const rest = await pay(x);
			assert.equal(rest.amount, 25000);
			await fees([{ name: '推荐费', amount: 5 }]);
			const r = await settle(rest);
			assert.equal(r.status, 200, r.text);
			assert.equal(await surplus(x.id), '1000:0,25000:25500');
			assert.match(await lastNote(x.b), /应缴 5 元，多缴的 255 元将由主管部门核实后退还/);
			// 80 paid towards 260; lowered to 5: the next 缴费 finds it paid, the 75 to refund
			await fees([{ name: '推荐费', amount: 80 }]);
			const y = await at();
			const eighty = await pay(y);
			await fees([{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 180 }]);
			assert.equal((await settle(eighty)).status, 200);
			assert.equal(await sql(`SELECT paid_at IS NULL FROM application WHERE id = ${y.id}`), 't');
			await fees([{ name: '推荐费', amount: 5 }]);
			assertError(await y.b.s.post(`/applications/${y.id}/pay`), 409, 'conflict');
			assert.equal(await sql(`SELECT paid_at IS NOT NULL FROM application WHERE id = ${y.id}`), 't');
			assert.equal(await surplus(y.id), '8000:7500');
			assert.match(await lastNote(y.b), /多缴的 75 元将由主管部门核实后退还/);
			assert.equal(await sql(`SELECT detail->>'surplus' FROM audit_log WHERE action = 'pay_surplus'
			    AND target_id = ${y.id}`), '75');
			// pressed again: nothing more
			assertError(await y.b.s.post(`/applications/${y.id}/pay`), 409, 'conflict');
			assert.equal(await surplus(y.id), '8000:7500');
		} finally {
			await fees([]);
		}
	});
});
