// Applicant portal, part 6: rules of check.c and the applicant program that
// the other parts reach only on one side, each with a test that fails when
// the rule is taken away (found by removing the rules one at a time).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
	HONGDA, assertError, gatewayOrder, lit, loginAs, paysim, portalConf, raw, signPost, signToken, sql, sqlInt, sqlRows,
} from './lib.mjs';
import {
	JUNIOR_PLAN, afterCleanup, approvedItem, checkFor, completeProfile, itemBody, newApplicant, newApplication,
	newOrg, planId, putProfile, signaturePng, uploadPdf,
} from './applicant-fixtures.mjs';

after(afterCleanup);

const COUNTY_JSJ = '婺城区住房和城乡建设局';

let hongda;
before(async () => {
	hongda = await loginAs('unit', 'unit_hongda');
});

/* A fresh applicant with a complete profile and a draft of the mid plan. */
async function draft(profile = {}) {
	const a = await newApplicant();
	await putProfile(a.s, await completeProfile(profile));
	a.app = (await newApplication(a.s)).application.id;
	a.get = async () => {
		const r = await a.s.get(`/applications/${a.app}`);
		assert.equal(r.status, 200, r.text);
		return r.json;
	};
	a.put = async (what, body) => {
		const r = await a.s.request('PUT', `/applications/${a.app}/${what}`, { json: body });
		assert.equal(r.status, 200, `PUT ${what}: ${r.text.slice(0, 400)}`);
		return r.json;
	};
	return a;
}

const messages = (reply, field) => checkFor(reply, field).map((c) => c.message);

describe('the check re-reads what is stored', () => {
	test('a statement over 1000 characters that got into the row is in the check (counted in characters)', async () => {
		const a = await draft();
		await sql(`UPDATE application SET statement = repeat('述', 1001) WHERE id = ${a.app}`);
		assert.deepEqual(messages(await a.get(), 'statement'), ['本人述职不能超过 1000 字（当前 1001 字）']);
		const r = await a.s.post(`/applications/${a.app}/submit`);
		assertError(r, 400, 'invalid_field', 'check');
		assert.ok(r.json.check.some((c) => c.field === 'statement' && c.step === 3));
		await sql(`UPDATE application SET statement = repeat('述', 1000) WHERE id = ${a.app}`);
		assert.deepEqual(messages(await a.get(), 'statement'), []);
	});

	test('a profile made incomplete after 马上申报 is in the check (step 0, field profile)', async () => {
		const a = await draft();
		assert.deepEqual(messages(await a.get(), 'profile'), []);
		await putProfile(a.s, { school: '' });
		const r = await a.get();
		assert.deepEqual(checkFor(r, 'profile'), [{ step: 0, field: 'profile',
			message: '请先完善“个人基本信息”（学历、职称、现从事专业、编制情况等）' }]);
		await putProfile(a.s, { school: '浙江工业大学' });
		assert.deepEqual(messages(await a.get(), 'profile'), []);
	});
});

describe('正常申报 and 自评分申报: the edges the check part leaves', () => {
	test('正常申报 of a mid plan: 硕士研究生 and 博士研究生 meet the education rule too', async () => {
		const a = await draft();
		await a.put('info', { method: 'normal' });
		for (const education of ['博士研究生', '硕士研究生', '大学本科', '大学专科']) {
			await putProfile(a.s, { education });
			assert.deepEqual(messages(await a.get(), 'method'), [], education);
		}
	});

	test('the 4-year 助理工程师 and education rules are the mid plan\'s: a junior 正常申报 is not held to them', async () => {
		const direct = await newOrg({ ownership: 'institution', affiliation: 'city_direct', region: '330700-sbj', prefix: '金华市直属' });
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile({ unit_id: direct.id, staffing: 'regular', title: '技术员',
			education: '中专' }));
		const app = (await newApplication(a.s, await planId(JUNIOR_PLAN))).application;
		assert.equal(app.level, 'junior');
		const r = await a.s.request('PUT', `/applications/${app.id}/info`, { json: { method: 'normal' } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(messages(r.json, 'method'), []);
		// 转（兼）评 (参评另一专业的中级) and 直接（ABC类） (符合申报中级) are ways to 中级 only
		for (const [method, name] of [['transfer', '“转（兼）评”申报'], ['abc', '直接（ABC类）申报']]) {
			const t = await a.s.request('PUT', `/applications/${app.id}/info`, { json: { method } });
			assert.equal(t.status, 200, t.text);
			assert.deepEqual(messages(t.json, 'method'), [`${name}仅适用于中级职称申报，本计划为初级，请改选其他申报方式`]);
		}
	});

	test('自评分申报 without a self score is in the check (当前 未填写)', async () => {
		const a = await draft();
		const r = await a.put('info', { method: 'self' });
		assert.equal(r.application.self_score, null);
		assert.deepEqual(messages(r, 'self_score'), ['自评分须达到 117 分以上（当前 未填写）']);
	});

	test('a recommender without an employer is in the check', async () => {
		const a = await draft();
		await a.put('info', { method: 'self', self_score: 120 });
		const certs = [await uploadPdf(a.s), await uploadPdf(a.s)];
		const rec = (i, extra = {}) => ({ name: ['李高工', '赵高工'][i], title: '高级工程师', specialty: '建筑工程施工',
			employer: '浙江省建筑设计研究院', cert: certs[i], ...extra });
		let r = await a.put('recommenders', { recommenders: [rec(0), rec(1, { employer: '' })] });
		assert.deepEqual(messages(r, 'recommenders'), ['请填写推荐人赵高工的专业和工作单位']);
		r = await a.put('recommenders', { recommenders: [rec(0), rec(1)] });
		assert.deepEqual(messages(r, 'recommenders'), []);
	});
});

describe('what another 申报方式 needed', () => {
	test('typed under 自评与推荐, then 正常申报 chosen: the score, the recommender and the 自评表 are no part of the application', async () => {
		const a = await draft();
		await a.put('info', { method: 'self', self_score: 116 });
		const cert = await uploadPdf(a.s), form = await uploadPdf(a.s, '自评表.pdf');
		await a.put('recommenders', { recommenders: [{ name: '李高工', title: '工程师', specialty: '建筑工程施工',
			employer: '某设计院', cert }] });
		let r = await a.put('files', { kind: 'self_form', uploads: [form] });
		assert.deepEqual([r.application.self_score, r.application.recommenders.length,
			r.application.files.self_form.length], [116, 1, 1]);
		// stored still (the draft's, should the applicant choose it again), shown nowhere
		r = await a.put('info', { method: 'normal', self_score: 116 });
		assert.equal(await sqlInt(`SELECT self_score FROM application WHERE id = ${a.app}`), 116);
		assert.deepEqual([r.application.self_score, r.application.recommenders, r.application.files.self_form],
		    [null, [], []]);
		assert.deepEqual(messages(r, 'self_score'), []);
		const v = await a.s.get(`/applications/${a.app}/view`);
		assert.equal(v.status, 200, v.text);
		const c = v.json.application.content;
		assert.deepEqual([c.method, c.self_score, c.recommenders, c.files.self_form], ['normal', null, [], []]);
		// 转（兼）评's 已取得的中级职称 likewise
		r = await a.put('info', { method: 'transfer', held_title: '工程师（给排水，2019年）' });
		assert.equal(r.application.held_title, '工程师（给排水，2019年）');
		r = await a.put('info', { method: 'normal', held_title: '工程师（给排水，2019年）' });
		assert.equal(r.application.held_title, null);
	});
});

describe('archive picks after the pick', () => {
	test('another applicant\'s approved item cannot be picked (400, 业绩不存在)', async () => {
		const a = await draft(), b = await draft();
		const theirs = await approvedItem(b.s, hongda);
		const e = assertError(await a.s.request('PUT', `/applications/${a.app}/archive`, { json: { items: [{ item_id: theirs.id }] } }),
		    400, 'invalid_field', 'items');
		assert.equal(e.message, '业绩不存在');
		assert.equal(await sqlInt(`SELECT count(*) FROM application_archive WHERE application_id = ${a.app}`), 0);
	});

	test('a picked item whose new version is approved is in the check (superseded) and blocks the submission', async () => {
		const a = await draft();
		const it = await approvedItem(a.s, hongda);
		let r = await a.put('archive', { items: [{ item_id: it.id }] });
		assert.deepEqual(messages(r, 'archive'), []);
		const v2 = await a.s.request('PUT', `/archive/${it.id}`, { json: itemBody({ title: `${it.title}（第二版）` }) });
		assert.equal(v2.status, 201, v2.text);
		// pending: the approved version still counts
		assert.deepEqual(messages(await a.get(), 'archive'), []);
		assert.equal((await hongda.post(`/archive/${v2.json.item.id}/review`, { action: 'approve' })).status, 200);
		r = await a.get();
		assert.deepEqual(r.application.archive.map((x) => [x.item_id, x.status]), [[it.id, 'superseded']]);
		assert.deepEqual(messages(r, 'archive'), [`业绩《${it.title}》已有通过审核的新版本，请重新选择`]);
		const s = await a.s.post(`/applications/${a.app}/submit`);
		assertError(s, 400, 'invalid_field', 'check');
		assert.ok(s.json.check.some((c) => c.field === 'archive' && /新版本/.test(c.message)));
		// picking the new version clears it
		r = await a.put('archive', { items: [{ item_id: v2.json.item.id }] });
		assert.deepEqual(messages(r, 'archive'), []);
	});

	test('a picked item that is no longer approved (status changed in the database) is in the check', async () => {
		const a = await draft();
		const it = await approvedItem(a.s, hongda);
		await a.put('archive', { items: [{ item_id: it.id }] });
		await sql(`UPDATE archive_item SET status = 'rejected' WHERE id = ${it.id}`);
		assert.deepEqual(messages(await a.get(), 'archive'), [`业绩《${it.title}》未通过单位审核，不能用于申报`]);
		await sql(`UPDATE archive_item SET status = 'pending' WHERE id = ${it.id}`);
		assert.deepEqual(messages(await a.get(), 'archive'), [`业绩《${it.title}》尚未通过单位审核，不能用于申报`]);
	});
});

describe('deleting archive items', () => {
	test('an approved item that no application uses cannot be deleted either (409); it stays', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		const it = await approvedItem(a.s, hongda);
		const e = assertError(await a.s.request('DELETE', `/archive/${it.id}`), 409, 'conflict');
		assert.equal(e.message, '只能删除待审核或未通过的业绩');
		assert.equal(await sql(`SELECT status FROM archive_item WHERE id = ${it.id}`), 'approved');
	});

	test('an item an application uses is not deleted even when it is no longer approved (status changed in the database)', async () => {
		const a = await draft();
		const it = await approvedItem(a.s, hongda);
		await a.put('archive', { items: [{ item_id: it.id }] });
		await sql(`UPDATE archive_item SET status = 'rejected' WHERE id = ${it.id}`);
		const e = assertError(await a.s.request('DELETE', `/archive/${it.id}`), 409, 'conflict');
		assert.equal(e.message, '该业绩已用于申报，不能删除');
		assert.equal(await sqlInt(`SELECT count(*) FROM archive_item WHERE id = ${it.id}`), 1);
	});
});

describe('signing', () => {
	test('a PNG of under 100 bytes (a 1×1 dot) is not a signature: 400, the token stays usable', async () => {
		const a = await draft();
		const link = await a.s.post(`/applications/${a.app}/sign-link`);
		assert.equal(link.status, 200, link.text);
		const tok = signToken(link.json.url);
		const post = (signature) => signPost(tok, signature);
		const dot = signaturePng(1, 1);
		assert.ok(Buffer.from(dot.split(',')[1], 'base64').length < 100, 'fixture: the dot is under 100 bytes');
		const e = assertError(await post(dot), 400, 'invalid_field', 'signature');
		assert.equal(e.message, '签名为空白或字迹过少，请在签名区清晰地手写签名后再提交');
		assert.equal(await sql(`SELECT signature_id IS NULL FROM application WHERE id = ${a.app}`), 't');
		assert.equal((await post(signaturePng())).status, 200);
		assert.equal((await a.get()).application.signed, true);
	});
});

describe('the 评审表 (form.xhtml)', () => {
	/* An application the unit has passed (the chain itself is tested elsewhere: rows by SQL). */
	async function passed(male, birth) {
		const a = await newApplicant({ male, birth });
		await putProfile(a.s, await completeProfile());
		const app = (await newApplication(a.s)).application.id;
		const unitUser = await sqlInt(`SELECT id FROM app_user WHERE username = 'unit_hongda'`);
		await sql(`INSERT INTO chain_history (application_id, no, action, from_step, to_step, from_state, to_state,
		    text, actor_user_id, actor_org_id)
		    VALUES (${app}, 1, 'pass', 2, 3, 'in_review', 'in_review', '资格审查通过', ${unitUser},
		    (SELECT id FROM org WHERE name = ${lit(HONGDA)}))`);
		return { a, app };
	}
	const cell = (xhtml, label) => {
		const m = xhtml.match(new RegExp(`<th>${label}</th>\\s*<td>([^<]*)</td>`));
		assert.ok(m, `no ${label} in the 评审表`);
		return m[1];
	};

	test('gender and birth date on the 评审表 come from the 身份证号', async () => {
		for (const [male, gender, birth] of [[true, '男', '1986-04-07'], [false, '女', '1991-11-23']]) {
			const { a, app } = await passed(male, new Date(`${birth}T00:00:00Z`));
			const r = await a.s.get(`/applications/${app}/form.xhtml`);
			assert.equal(r.status, 200, r.text.slice(0, 300));
			assert.equal(cell(r.text, '性别'), gender);
			assert.equal(cell(r.text, '出生日期'), birth);
		}
	});
});

describe('the fee callback', () => {
	// the key the portal checks notifications with (in the demo, the simulator's own)
	const secret = () => portalConf('payment_callback_secret');
	const signed = (order, amount, status) => ({ order, amount, status,
		sign: createHmac('sha256', secret()).update(`${order}|${amount}|${status}`).digest('hex') });
	const callbackPost = (body) => raw('POST', '/api/applicant/paycallback',
	    { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

	/* An application at the fee step with an order waiting; → { a, app, order } */
	async function atFee() {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		const app = (await newApplication(a.s)).application.id;
		await sql(`UPDATE application SET state = 'in_review', step_seq = 4,
		    current_org_id = (SELECT id FROM org WHERE name = ${lit(COUNTY_JSJ)}) WHERE id = ${app}`);
		const r = await a.s.post(`/applications/${app}/pay`);
		assert.equal(r.status, 200, r.text);
		return { a, app, order: r.json.order, req: gatewayOrder(r.json.pay_url) };
	}
	const state = async (order, app) => (await sqlRows(`SELECT y.status, a.paid_at IS NULL FROM payment y
	    JOIN application a ON a.id = y.application_id WHERE y.order_no = ${lit(order)} AND a.id = ${app}`))[0];

	test('a correctly signed callback whose amount is not the order\'s is 400 and pays nothing', async () => {
		const { app, order, req } = await atFee();
		// the fixture signs as the gateway does
		const gw = await paysim('pay', { ...req, result: 'success' });
		assert.deepEqual(gw.json.callback, signed(order, 26000, 'success'));
		for (const amount of [100, 25999]) {
			const e = assertError(await callbackPost(signed(order, amount, 'success')), 400, 'invalid_field', 'order');
			assert.equal(e.message, '订单不存在或金额不符');
		}
		assertError(await callbackPost(signed('0123456789abcdef0123', 26000, 'success')), 400, 'invalid_field', 'order');
		assert.deepEqual(await state(order, app), ['pending', 't']);
	});

	test('a second 缴费 click continues the order still waiting (the same order, one payment row)', async () => {
		const { a, app, order, req } = await atFee();
		const again = await a.s.post(`/applications/${app}/pay`);
		assert.equal(again.status, 200, again.text);
		assert.equal(again.json.order, order);
		assert.deepEqual(gatewayOrder(again.json.pay_url), req);
		assert.deepEqual(await sqlRows(`SELECT order_no, status FROM payment WHERE application_id = ${app}`), [[order, 'pending']]);
	});

	test('a failed payment is recorded as failed; the application stays unpaid and the fee due', async () => {
		const { a, app, order, req } = await atFee();
		const gw = await paysim('pay', { ...req, result: 'fail' });
		assert.equal(gw.status, 200, gw.text);
		const r = await callbackPost(gw.json.callback);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { application_id: app, status: 'failed' });
		assert.deepEqual(await state(order, app), ['failed', 't']);
		const g = await a.s.get(`/applications/${app}`);
		assert.deepEqual(g.json.application.fee, { amount: 260, paid_at: null, due: true, required: true, step: 4, pay_by: null, late: false,
		    items: [{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 180 }] });
		assert.equal(await sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${a.id} AND strpos(body, '已成功缴纳') > 0`), 0);
	});
});
