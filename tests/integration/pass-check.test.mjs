// What a clerk sees before pressing 通过 (issue 9's follow-up): the gates' verdict on
// the detail page (`gate`) and for rows of the worklist (POST /applications/gates), from
// the same checks that refuse the move (lib/gate.c); and the fee as it was paid: amount,
// time and order number (application.fee, GET /applications/:id/fee).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_APPLICANT, assertError, loginAs, retire, sql, sqlInt } from './lib.mjs';
import { submittedDrafts } from './drafts.mjs';
import { pay } from './apply.mjs';
import { clerk, meetGates, position, walk } from './walk.mjs';

const created = [];
let applicant, wucheng, jindong, hongda;

/* n submitted mid_review applications of the demo applicant (金华宏达, 婺城区) */
const submitted = (n) => submittedDrafts(applicant, n, created);

const move = (s, app, step, text = '同意。') => s.post(`/applications/${app}/move`, { action: 'pass', step, text });
const check = (s, items) => s.post('/applications/gates', { items });
const due = async (app) => sqlInt(`SELECT app_fee(${app})`);

before(async () => {
	applicant = await loginAs('applicant', DEMO_APPLICANT);
	wucheng = await clerk('county', 'wucheng_jsj');
	jindong = await clerk('county', 'jindong_jsj');
	hongda = await clerk('unit', 'unit_hongda');
});

after(async () => {
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

describe('the fee gate, known before 通过', () => {
	let unpaid, paid;

	before(async () => {
		[unpaid, paid] = await submitted(2);
		await walk(unpaid, 4);
		await walk(paid, 4);
	});

	test('the detail page: not met, the very words the move is refused with, and what comes next', async () => {
		const d = await wucheng.get(`/applications/${unpaid}`);
		assert.equal(d.status, 200, d.text);
		assert.deepEqual(d.json.gate, {
			met: false, kind: 'fee', message: `申报人尚未缴纳推荐评审费（应缴 ${await due(unpaid)} 元），缴费后方可审查通过`,
			todo: '等待申报人缴费', page: null,
		});
		const e = assertError(await move(wucheng, unpaid, 4), 409, 'gate');
		assert.equal(e.message, d.json.gate.message);
		// the unit decided on it: nothing to pass, no verdict
		assert.equal((await hongda.get(`/applications/${unpaid}`)).json.gate, null);
	});

	test('POST /applications/gates: each row\'s verdict in order, the refused ones with why; nothing moves', async () => {
		await meetGates(paid);	// paid_at, as the payment callback records it
		const stranger = (await submitted(1))[0];
		const r = await check(wucheng, [
			{ id: unpaid, step: 4 }, { id: paid, step: 4 }, { id: paid, step: 5 }, { id: stranger, step: 2 },
		]);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.ready, r.json.refused], [1, 3]);
		const [a, b, c, d] = r.json.results;
		assert.deepEqual([a.id, a.ok, a.code, a.gate.kind, a.gate.todo], [unpaid, false, 'gate', 'fee', '等待申报人缴费']);
		assert.equal(a.message, a.gate.message);
		assert.match(a.message, /^申报人尚未缴纳推荐评审费（应缴 \d+ 元）/);
		assert.deepEqual(b, { id: paid, ok: true, gate: { met: true, kind: null, message: '申报人已缴纳推荐评审费', todo: null, page: null } });
		assert.deepEqual([c.id, c.ok, c.code, c.gate], [paid, false, 'conflict', null]);
		// where it is now, not "refresh and try again" (a batch's line for one a colleague moved)
		assert.match(c.message, /^该申报已不在所选环节，现处于“县（市、区）建设初评委资格审查”环节，可能已由他人或在其他窗口办理$/);
		assert.deepEqual([d.id, d.ok, d.code, d.gate], [stranger, false, 'not_found', null]);
		// a check, not a move
		assert.deepEqual([(await position(unpaid)).step, (await position(paid)).step], [4, 4]);
		// and what it said is what the batch does
		const batch = await wucheng.post('/applications/batch', { action: 'pass', text: '同意。',
			items: [{ id: unpaid, step: 4 }, { id: paid, step: 4 }] });
		assert.equal(batch.status, 200, batch.text);
		assert.deepEqual(batch.json.results.map((x) => [x.id, x.ok, x.message]), [[unpaid, false, a.message], [paid, true, undefined]]);
	});

	test('refused: no rows, a malformed row, more than 100 rows; only reviewers have it', async () => {
		assertError(await check(wucheng, []), 400, 'invalid_field', 'items');
		assertError(await check(wucheng, [{ id: unpaid }]), 400, 'invalid_field', 'items');
		assertError(await check(wucheng, [{ id: 'x', step: 4 }]), 400, 'invalid_field', 'items');
		assertError(await check(wucheng, Array.from({ length: 101 }, () => ({ id: unpaid, step: 4 }))),
		    400, 'invalid_field', 'items');
		assertError(await applicant.post('/applications/gates', { items: [{ id: unpaid, step: 4 }] }), 404, 'not_found');
		// another county learns nothing about it
		const r = await check(jindong, [{ id: unpaid, step: 4 }]);
		assert.deepEqual([r.json.results[0].code, r.json.results[0].gate], ['not_found', null]);
	});
});

describe('the fee as paid: amount, time and order number', () => {
	let app;

	before(async () => {
		[app] = await submitted(1);
		await walk(app, 4);
	});

	test('a pending order\'s number is never shown; unpaid shows the amount due', async () => {
		const started = await applicant.post(`/applications/${app}/pay`);
		assert.equal(started.status, 200, started.text);
		for (const s of [wucheng, hongda]) {
			const fee = (await s.get(`/applications/${app}`)).json.application.fee;
			assert.deepEqual([fee.amount, fee.paid_at, fee.order_no, fee.required, fee.due],
			    [await due(app), null, undefined, true, true]);
			const f = await s.get(`/applications/${app}/fee`);
			assert.equal(f.status, 200, f.text);
			assert.deepEqual(f.json.fee, fee);
		}
	});

	test('paid at the gateway: the detail, the fee route and the gate name the amount, the time and the order', async () => {
		await pay(applicant, app);
		const order = await sql(`SELECT order_no FROM payment WHERE application_id = ${app} AND status = 'paid'`);
		assert.ok(order);
		const d = await wucheng.get(`/applications/${app}`);
		const fee = d.json.application.fee;
		assert.equal(fee.order_no, order);
		assert.match(fee.paid_at, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
		assert.equal(fee.amount, await sqlInt(`SELECT amount_fen / 100 FROM payment WHERE order_no = '${order}'`));
		assert.equal(fee.due, false);
		assert.deepEqual(d.json.gate, { met: true, kind: null, todo: null, page: null,
			message: `申报人已缴纳推荐评审费 ${fee.amount} 元（${fee.paid_at}，订单号 ${order}）` });
		assert.deepEqual((await hongda.get(`/applications/${app}/fee`)).json.fee, fee);
		assert.equal((await move(wucheng, app, 4)).status, 200);
	});

	test('the fee route answers only whoever may open the application', async () => {
		assertError(await jindong.get(`/applications/${app}/fee`), 404, 'not_found');
		assertError(await (await clerk('unit', 'unit_sjy')).get(`/applications/${app}/fee`), 404, 'not_found');
		assertError(await applicant.get(`/applications/${app}/fee`), 404, 'not_found');
	});
});

describe('the other gates say what to do next, and where', () => {
	test('the unit\'s 公示: 去登记公示, then 等待公示期满 until its fifth working day', async () => {
		const [app] = await submitted(1);
		await walk(app, 3);
		let g = (await hongda.get(`/applications/${app}`)).json.gate;
		assert.deepEqual([g.met, g.kind, g.todo, g.page], [false, 'publicity', '去登记公示', '/publicity']);
		assert.match(g.message, /^该申报尚未公示，请在“资格公示与报送”中登记公示/);
		const today = await sql(`SELECT to_char(current_date, 'YYYY-MM-DD')`);
		assert.equal((await hongda.post(`/applications/${app}/publicity`, { starts_on: today })).status, 200);
		g = (await hongda.get(`/applications/${app}`)).json.gate;
		const ends = await sql(`SELECT to_char(nth_working_day(current_date, 5), 'YYYY-MM-DD')`);
		assert.deepEqual([g.met, g.todo, g.page], [false, `等待公示期满（${ends}）`, '/publicity']);
		assertError(await move(hongda, app, 3), 409, 'gate');
	});

	test('评前面试: 去安排面试 in 评前面试; a failed interview leaves only 不通过', async () => {
		const [app] = await submitted(1);
		await walk(app, 6);
		let g = (await wucheng.get(`/applications/${app}`)).json.gate;
		assert.deepEqual([g.met, g.kind, g.todo, g.page], [false, 'interview', '去安排面试', '/interviews']);
		await meetGates(app);
		await sql(`UPDATE interview_assignment SET result = 'fail' WHERE application_id = ${app}`);
		g = (await wucheng.get(`/applications/${app}`)).json.gate;
		assert.deepEqual([g.met, g.message, g.todo, g.page], [false, '面试结果：不通过', '按面试结果办理不通过', null]);
		const e = assertError(await move(wucheng, app, 6), 409, 'gate');
		assert.equal(e.message, g.message);
	});
});
