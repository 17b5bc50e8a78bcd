// The departments' own steps (issue 9): gates as data (lib/gate.c, step_gate),
// 收费设定 (lib/fee.c), 评前面试 (lib/interview.c), the HR bureau's 资格复审公示
// and the results publicity (lib/publicity.c), and the notification texts of
// notice_text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	DEMO_APPLICANT, HONGDA, assertError, holding, lit, loginAs, retire, scratchDir, sql, sqlInt, sqlRows, workerPids,
	worklistRow,
} from './lib.mjs';
import { submittedDrafts } from './drafts.mjs';
import { apply, pay } from './apply.mjs';
import { MID_PLAN, SJY, completeProfile, newApplicant, orgId, putProfile, sqlDate } from './applicant-fixtures.mjs';
import { clerk, position, walk } from './walk.mjs';

const created = [];
let applicant;

/* n submitted mid_review applications of the demo applicant */
const submitted = (n) => submittedDrafts(applicant, n, created);

const move = (s, app, action, step, text = '同意。') =>
	s.post(`/applications/${app}/move`, { action, step, text });

const lastNote = async () => sql(`SELECT body FROM notification WHERE user_id =
    (SELECT id FROM app_user WHERE username = '${DEMO_APPLICANT}') ORDER BY id DESC LIMIT 1`);

before(async () => {
	applicant = await loginAs('applicant', DEMO_APPLICANT);
});

after(async () => {
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

describe('gates are rows of step_gate', () => {
	test('each chain names its gates; every name has a check in lib/gate.c', async () => {
		const rows = await sql(`SELECT p.code || ':' || g.seq || ':' || g.gate FROM step_gate g
		    JOIN pipeline p ON p.id = g.pipeline_id ORDER BY p.id, g.seq, g.ord`);
		const gates = rows.split('\n');
		for (const want of ['mid_review:3:publicity', 'mid_review:4:fee', 'mid_review:6:interview',
		    'mid_review:9:publicity', 'mid_review:9:interview_if_called', 'mid_review:11:publicity',
		    'junior_review:4:fee', 'junior_assess:6:publicity', 'mid_assess:6:publicity'])
			assert.ok(gates.includes(want), `${want} in ${rows}`);
		// no column of pipeline_step holds a gate any more
		assert.equal(await sqlInt(`SELECT count(*) FROM information_schema.columns
		    WHERE table_name = 'pipeline_step' AND column_name = 'gate'`), 0);
	});

	test('a gate the C code does not know stops the pass with 500, logged, not a silent pass', async () => {
		const [app] = await submitted(1);
		const unit = await clerk('unit', 'unit_hongda');
		await sql(`INSERT INTO step_gate (pipeline_id, seq, gate) SELECT pipeline_id, 2, 'no_such_gate'
		    FROM application WHERE id = ${app}`);
		try {
			assertError(await move(unit, app, 'pass', 2), 500, 'internal');
		} finally {
			await sql(`DELETE FROM step_gate WHERE gate = 'no_such_gate'`);
		}
		assert.equal((await move(unit, app, 'pass', 2)).status, 200);
	});

	test('the notification of a move is the text of notice_text; a reason ending in 。 gets no second one', async () => {
		const [app] = await submitted(1);
		assert.match(await lastNote(), /^【职称申报】您申报的《test plan [^》]+》已提交，现由金华宏达建设工程有限公司进行“单位资格审查”/);
		const unit = await clerk('unit', 'unit_hongda');
		assert.equal((await move(unit, app, 'return', 2, '请补充继续教育证明。 ')).status, 200);
		const note = await lastNote();
		assert.match(note, /理由：请补充继续教育证明。请登录平台修改后重新提交。$/);
		assert.doesNotMatch(note, /。。/);
		// a text of a step's own replaces the general one, without a change in C
		await sql(`INSERT INTO notice_text (action, to_state, from_step, text)
		    VALUES ('submit', 'in_review', 1, '【职称申报】《{plan}》已再次提交至{next_org}。')`);
		try {
			assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
			assert.match(await lastNote(), /^【职称申报】《test plan [^》]+》已再次提交至金华宏达建设工程有限公司。$/);
		} finally {
			await sql(`DELETE FROM notice_text WHERE from_step = 1`);
		}
		// the audit row of the move is written with it
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE target_type = 'application'
		    AND target_id = ${app} AND action = 'return' AND actor_role = 'unit'`), 1);
	});
});

describe('收费设定', () => {
	let app, plan, wucheng, jindong;

	before(async () => {
		[app] = await submitted(1);
		plan = await sqlInt(`SELECT plan_id FROM application WHERE id = ${app}`);
		wucheng = await clerk('county', 'wucheng_jsj');
		jindong = await clerk('county', 'jindong_jsj');
	});

	test('the county lists the plans it charges for, with the notice\'s defaults', async () => {
		const r = await wucheng.get('/fees');
		assert.equal(r.status, 200, r.text);
		const p = r.json.plans.find((x) => x.id === plan);
		assert.deepEqual([p.own, p.total, p.items], [false, 260,
		    [{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 180 }]]);
		// the junior plans are the city's to charge for (their fee step is the city's)
		const junior = r.json.plans.filter((x) => x.level === 'junior');
		assert.equal(junior.length, 0);
		const city = await clerk('city', 'jh_cjpw');
		assert.ok((await city.get('/fees')).json.plans.some((x) => x.level === 'junior'));
	});

	test('refused: zero, too many items, a long name, another department\'s plan; units have no such page', async () => {
		const put = (s, p, items) => s.request('PUT', `/plans/${p}/fees`, { json: { items } });
		assertError(await put(wucheng, plan, [{ name: '评审费', amount: 0 }]), 400, 'invalid_field', 'items');
		// the range said is the range held
		const half = assertError(await put(wucheng, plan, [{ name: '推荐费', amount: 79.5 }]), 400, 'invalid_field', 'items');
		assert.equal(half.message, '金额（元）应为 1 至 100000 之间的整数');
		assertError(await put(wucheng, plan, [{ name: '评审费', amount: -5 }]), 400, 'invalid_field', 'items');
		assertError(await put(wucheng, plan, [{ name: '评审费', amount: 100001 }]), 400, 'invalid_field', 'items');
		assertError(await put(wucheng, plan, Array.from({ length: 11 }, (_, i) => ({ name: `费${i}`, amount: 1 }))),
		    400, 'invalid_field', 'items');
		assertError(await put(wucheng, plan, [{ name: '一'.repeat(21), amount: 1 }]), 400, 'invalid_field', 'items');
		// a name of blanks, and one name twice (the applicant's fee lists each item by name)
		let e = assertError(await put(wucheng, plan, [{ name: ' \u3000', amount: 80 }]), 400, 'invalid_field', 'items');
		assert.equal(e.message, '请填写收费项目名称');
		e = assertError(await put(wucheng, plan, [{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 100 },
		    { name: '推荐费', amount: 180 }]), 400, 'invalid_field', 'items');
		assert.equal(e.message, '收费项目名称不能重复：推荐费');
		// an item's unknown key is named in the message as written: never read as a printf
		// format (it was, for the fee's and the interview results' items: %n wrote memory)
		const key = '%s%s%s%s%n%n';
		e = assertError(await put(wucheng, plan, [{ name: '评审费', amount: 1, [key]: 1 }]),
		    400, 'invalid_field', 'items');
		assert.ok(e.message.includes(key), e.message);
		// the standard (浙价费〔2002〕229号): no other item, nothing above it
		e = assertError(await put(wucheng, plan, [{ name: '资料费', amount: 30 }]), 400, 'invalid_field', 'items');
		assert.equal(e.message, '收费项目只能是本计划收费标准中的推荐费、评审费（浙价费〔2002〕229号），不能设“资料费”');
		e = assertError(await put(wucheng, plan, [{ name: '推荐费', amount: 81 }, { name: '评审费', amount: 180 }]),
		    400, 'invalid_field', 'items');
		assert.equal(e.message, '推荐费不能超过收费标准 80 元（浙价费〔2002〕229号）');
		assertError(await put(wucheng, plan, [{ name: '评审费', amount: 181 }]), 400, 'invalid_field', 'items');
		assert.equal((await wucheng.get('/fees')).json.plans.find((x) => x.id === plan).own, false, 'nothing stored');
		const junior = await sqlInt(`SELECT id FROM plan WHERE level = 'junior' AND status = 'published' LIMIT 1`);
		assertError(await put(wucheng, junior, [{ name: '评审费', amount: 100 }]), 404, 'not_found');
		const unit = await clerk('unit', 'unit_hongda');
		assert.equal((await unit.get('/fees')).status, 404);
	});

	test('what the county sets (the standard or less) is what its applicants pay; another county keeps the defaults', async () => {
		const r = await wucheng.request('PUT', `/plans/${plan}/fees`,
		    { json: { items: [{ name: '推荐费', amount: 60 }, { name: '评审费', amount: 150 }] } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.plans.find((x) => x.id === plan).total, 210);
		assert.equal((await jindong.get('/fees')).json.plans.find((x) => x.id === plan).total, 260);
		await walk(app, 4);
		const g = await applicant.get(`/applications/${app}`);
		assert.deepEqual(g.json.application.fee.items,
		    [{ name: '推荐费', amount: 60 }, { name: '评审费', amount: 150 }]);
		assert.equal(g.json.application.fee.amount, 210);
		assert.equal(g.json.application.fee.due, true);
		assert.equal(await sqlInt(`SELECT app_fee(${app})`), 210);
		assert.deepEqual([(await worklistRow(wucheng, app)).paid, (await worklistRow(wucheng, app)).fee_due], [false, true]);
		// 首页 reminds the applicant of it (the list's fee_due, the amount)
		const row = (await applicant.get('/applications')).json.items.find((x) => x.id === app);
		assert.deepEqual([row.fee_due, row.return_reason], [210, null]);
	});

	test('a change of the county\'s items or the plan\'s fees shows on every worker\'s next page', async () => {
		// the items are the programs' (lib/refnames.c, ref_fee()): every worker
		// reads them again when ref_version moves (sql/039 for fee_item, sql/026
		// for the plan), so each check asks three times a worker
		const rounds = 3 * (workerPids('applicant')?.length || 4);
		const fees = async (want) => {
			for (let i = 0; i < rounds; i++) {
				const r = await applicant.get(`/applications/${app}`);
				assert.equal(r.status, 200, r.text);
				assert.deepEqual([r.json.application.fee.amount, r.json.application.fee.items], want);
			}
		};
		const put = async (items) => {
			const r = await wucheng.request('PUT', `/plans/${plan}/fees`, { json: { items } });
			assert.equal(r.status, 200, r.text);
			return r.json.told;
		};
		await fees([210, [{ name: '推荐费', amount: 60 }, { name: '评审费', amount: 150 }]]);
		// the applicant, waiting at the fee step with nothing paid, was told 210 元: now told 170 元
		// (the clerks' walk: a new amount on the portal, and not a word)
		const before = await sqlInt(`SELECT count(*) FROM notification n JOIN application a ON a.applicant_id = n.user_id
		    WHERE a.id = ${app}`);
		assert.ok(await put([{ name: '评审费', amount: 170 }]) >= 1);
		assert.match(await sql(`SELECT n.body FROM notification n JOIN application a ON a.applicant_id = n.user_id
		    WHERE a.id = ${app} ORDER BY n.id DESC LIMIT 1`),
		/^【职称申报】婺城区住房和城乡建设局调整了《.+》的推荐评审费，您应缴纳 170 元（评审费 170 元），请登录平台缴纳。/);
		// the same again: nothing changed, nobody told
		assert.equal(await put([{ name: '评审费', amount: 170 }]), 0);
		assert.equal(await sqlInt(`SELECT count(*) FROM notification n JOIN application a ON a.applicant_id = n.user_id
		    WHERE a.id = ${app}`), before + 1);
		await fees([170, [{ name: '评审费', amount: 170 }]]);
		await put([]);
		await fees([260, [{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 180 }]]);
		try {
			await sql(`UPDATE plan SET fee_review = fee_review + 1 WHERE id = ${plan}`);
			await fees([261, [{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 181 }]]);
		} finally {
			await sql(`UPDATE plan SET fee_review = fee_review - 1 WHERE id = ${plan}`);
		}
		await put([{ name: '推荐费', amount: 60 }, { name: '评审费', amount: 150 }]);
		await fees([210, [{ name: '推荐费', amount: 60 }, { name: '评审费', amount: 150 }]]);
	});

	// the notice's 在规定时间内完成…费用缴纳: no department could say what that time was
	test('缴费截止日期: set beside the items, told, named in the fee\'s message; past it, no payment starts', async () => {
		const set = (body) => wucheng.request('PUT', `/plans/${plan}/fees`, { json: body });
		const items = [{ name: '推荐费', amount: 60 }, { name: '评审费', amount: 150 }];
		const day = await sqlDate("current_date + 10");
		const zh = await sql(`SELECT to_char(current_date + 10, 'YYYY"年"FMMM"月"FMDD"日"')`);
		const last = async () => sql(`SELECT n.body FROM notification n JOIN application a ON a.applicant_id = n.user_id
		    WHERE a.id = ${app} ORDER BY n.id DESC LIMIT 1`);
		let r = await set({ items, pay_by: day });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.plans.find((x) => x.id === plan).pay_by, day);
		assert.ok(r.json.told >= 1);
		assert.match(await last(), new RegExp(`^【职称申报】婺城区住房和城乡建设局将《.+》推荐评审费的缴费截止日期定为 ${zh}，请于该日（含当日）前登录平台缴纳 210 元，逾期无法在线缴费。$`));
		// the message that asks for the fee on arrival names the day
		assert.equal(await sql(`SELECT fee_phrase(${app})`), `，并于 ${zh}（含当日）前缴纳推荐评审费 210 元（推荐费 60 元、评审费 150 元）`);
		let fee = (await applicant.get(`/applications/${app}`)).json.application.fee;
		assert.deepEqual([fee.pay_by, fee.late], [day, false]);
		// the same day again tells nobody; items alone leave the day as it is
		assert.equal((await set({ items, pay_by: day })).json.told, 0);
		assert.equal((await set({ items })).json.plans.find((x) => x.id === plan).pay_by, day);
		// not a day before today, nor one that is no day
		let e = assertError(await set({ items, pay_by: await sqlDate('current_date - 1') }), 400, 'invalid_field', 'pay_by');
		assert.equal(e.message, '缴费截止日期不能早于今天');
		assertError(await set({ items, pay_by: '2026-02-30' }), 400, 'invalid_field', 'pay_by');
		// past it (a day later): no payment is started; both sides see it is past
		await sql(`UPDATE fee_deadline SET pay_by = current_date - 1 WHERE plan_id = ${plan}`);
		// one arriving after the day is not told to pay by a day gone (the diff review)
		const gone = await sql(`SELECT to_char(current_date - 1, 'YYYY"年"FMMM"月"FMDD"日"')`);
		assert.equal(await sql(`SELECT fee_phrase(${app})`),
		    `，并缴纳推荐评审费 210 元（推荐费 60 元、评审费 150 元）；缴费截止日期（${gone}）已过，请与婺城区住房和城乡建设局联系`);
		e = assertError(await applicant.post(`/applications/${app}/pay`), 409, 'conflict');
		assert.match(e.message, /^缴费截止日期（.+）已过，无法在线缴费；请联系婺城区住房和城乡建设局$/);
		fee = (await applicant.get(`/applications/${app}`)).json.application.fee;
		assert.equal(fee.late, true);
		// 首页 and 我的申报 no longer send the applicant to pay (the walk: 去缴费 led nowhere)
		let listed = (await applicant.get('/applications')).json.items.find((x) => x.id === app);
		assert.deepEqual([listed.fee_due, listed.fee_closed_on, listed.holder_phone], [210, await sqlDate('current_date - 1'), null]);
		// the department's 咨询电话 (sql/080), set by the operator: the applicant sent to it is told the number
		const admin = await loginAs('admin', 'admin');
		const dept = await orgId('婺城区住房和城乡建设局');
		const phone = (v) => admin.request('PUT', `/departments/${dept}`, { json: { phone: v } });
		assertError(await phone('请打电话'), 400, 'invalid_field', 'phone');
		assertError(await phone('0579-82468888'.repeat(4)), 400, 'invalid_field', 'phone');
		assertError(await admin.request('PUT', `/departments/${await orgId(HONGDA)}`, { json: { phone: '12345' } }), 404, 'not_found');
		const since = await sqlInt('SELECT coalesce(max(id), 0) FROM audit_log');
		try {
			r = await phone(' 0579-82468888、82460000 ');
			assert.equal(r.status, 200);
			assert.equal(r.json.phone, '0579-82468888、82460000');
			assert.equal((await admin.get('/departments')).json.items.find((x) => x.id === dept).phone, '0579-82468888、82460000');
			assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'department_phone' AND target_id = ${dept}
			    AND id > ${since} AND detail->>'phone' = '0579-82468888、82460000'`), 1);
			assert.equal(await sql(`SELECT fee_phrase(${app})`),
			    `，并缴纳推荐评审费 210 元（推荐费 60 元、评审费 150 元）；缴费截止日期（${gone}）已过，请与婺城区住房和城乡建设局（咨询电话 0579-82468888、82460000）联系`);
			e = assertError(await applicant.post(`/applications/${app}/pay`), 409, 'conflict');
			assert.match(e.message, /；请联系婺城区住房和城乡建设局（咨询电话 0579-82468888、82460000）$/);
			assert.equal((await applicant.get(`/applications/${app}`)).json.application.holder_phone, '0579-82468888、82460000');
			listed = (await applicant.get('/applications')).json.items.find((x) => x.id === app);
			assert.equal(listed.holder_phone, '0579-82468888、82460000');
			// cleared: named as before
			r = await phone('');
			assert.equal(r.json.phone, null);
			assert.equal((await applicant.get(`/applications/${app}`)).json.application.holder_phone, null);
		} finally {
			await sql(`UPDATE org SET phone = NULL WHERE id = ${dept}`);
		}
		assert.equal((await wucheng.get(`/applications/${app}`)).json.application.fee.late, true);
		assert.equal(await sqlInt(`SELECT count(*) FROM payment WHERE application_id = ${app}`), 0);
		// none: as before
		r = await set({ items, pay_by: '' });
		assert.equal(r.json.plans.find((x) => x.id === plan).pay_by, null);
		fee = (await applicant.get(`/applications/${app}`)).json.application.fee;
		assert.deepEqual([fee.pay_by, fee.late], [null, false]);
		assert.equal(await sqlInt(`SELECT count(*) FROM fee_deadline WHERE plan_id = ${plan}`), 0);
	});

	test('unpaid, the county cannot pass step 4 (409 gate); paid, a later change leaves what was paid', async () => {
		const e = assertError(await move(wucheng, app, 'pass', 4), 409, 'gate');
		assert.match(e.message, /尚未缴纳推荐评审费/);
		await sql(`INSERT INTO payment (order_no, application_id, amount_fen, status, paid_at)
		    VALUES ('itest-${app}', ${app}, 21000, 'paid', now())`);
		await sql(`UPDATE application SET paid_at = now() WHERE id = ${app}`);
		const paidChange = await wucheng.request('PUT', `/plans/${plan}/fees`, { json: { items: [{ name: '评审费', amount: 120 }] } });
		assert.equal(paidChange.status, 200);
		assert.equal(await sql(`SELECT count(*) FROM notification n JOIN application a ON a.applicant_id = n.user_id
		    WHERE a.id = ${app} AND n.body LIKE '%调整了%' AND n.body LIKE '%120 元%'`), '0', 'paid: not told');
		const fee = (await applicant.get(`/applications/${app}`)).json.application.fee;
		assert.equal(fee.amount, 210);
		assert.equal(fee.due, false);
		assert.equal((await applicant.get('/applications')).json.items.find((x) => x.id === app).fee_due, 0);
		assert.equal((await move(wucheng, app, 'pass', 4, '资格审查通过')).status, 200);
		// an empty list brings the plan's defaults back
		const r = await wucheng.request('PUT', `/plans/${plan}/fees`, { json: { items: [] } });
		assert.deepEqual([r.json.plans.find((x) => x.id === plan).own, r.json.plans.find((x) => x.id === plan).total],
		    [false, 260]);
	});

	// (a deadline-day walk: a plan that charges nothing read 未缴费 in the list, 已缴纳 at the gate)
	test('a plan that charges nothing: no 未缴费 in the list, 本计划无需缴纳 at the gate', async () => {
		const [free] = await submitted(1);
		await sql(`UPDATE plan SET fee_recommend = 0, fee_review = 0
		    WHERE id = (SELECT plan_id FROM application WHERE id = ${free})`);
		await walk(free, 4);
		const county = await clerk('county', 'wucheng_jsj');
		const row = await worklistRow(county, free);
		assert.deepEqual([row.paid, row.fee_due], [false, false]);
		const d = await county.get(`/applications/${free}`);
		assert.deepEqual(d.json.gates.filter((g) => g.kind === 'fee').map((g) => [g.met, g.text]),
		    [[true, '本计划无需缴纳推荐评审费']]);
	});
});

describe('评前面试', () => {
	let county, hrb, a1, a2, a3, session;
	const hourFromNow = () => sql(`SELECT to_char((now() + interval '1 day') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`);

	before(async () => {
		county = await clerk('county', 'wucheng_jsj');
		hrb = await clerk('hrb', 'wucheng_rsj');
		[a1, a2, a3] = await submitted(3);
		for (const a of [a1, a2, a3])
			await walk(a, 6);
	});

	test('without an interview the pass is refused: 409 gate', async () => {
		const e = assertError(await move(county, a1, 'pass', 6), 409, 'gate');
		assert.match(e.message, /尚未安排评前面试/);
		const d = await county.get(`/applications/${a1}`);
		assert.deepEqual(d.json.gates.map((g) => [g.kind, g.met]), [['interview', false]]);
	});

	test('a session: in the past, a bad time or no place refused; then created', async () => {
		const body = { title: '2023年中级评前面试', starts_at: '2020-01-01 09:00', place: '婺城区住建局三楼会议室', panel: '张工、李工、王工' };
		assertError(await county.post('/interviews', body), 400, 'invalid_field', 'starts_at');
		assertError(await county.post('/interviews', { ...body, starts_at: '2030-02-30 09:00' }), 400, 'invalid_field', 'starts_at');
		assertError(await county.post('/interviews', { ...body, starts_at: '2030-01-01 9:00' }), 400, 'invalid_field', 'starts_at');
		// no 24:00 (the next day's midnight), nothing beyond a year ahead (the 12333 text names the day)
		const tomorrow = await sql(`SELECT to_char(current_date + 1, 'YYYY-MM-DD')`);
		assertError(await county.post('/interviews', { ...body, starts_at: `${tomorrow} 24:00` }), 400, 'invalid_field', 'starts_at');
		const e = assertError(await county.post('/interviews', { ...body, starts_at: '9999-12-31 09:00' }), 400, 'invalid_field', 'starts_at');
		assert.equal(e.message, '面试时间应为今后一年内的有效日期和时间');
		assertError(await county.post('/interviews', { ...body, place: '' }), 400, 'invalid_field', 'place');
		// a department that holds no interview step arranges none
		for (const [role, name] of [['hrb', 'wucheng_rsj'], ['county', 'wucheng_cpw']]) {
			const e = assertError(await (await clerk(role, name)).post('/interviews', { ...body, starts_at: await hourFromNow() }),
			    403, 'forbidden');
			assert.equal(e.message, '本部门不办理评前面试或面试安排，不能新建面试');
		}
		const r = await county.post('/interviews', { ...body, starts_at: await hourFromNow() });
		assert.equal(r.status, 201, r.text);
		session = r.json.id;
		const l = await county.get('/interviews');
		assert.ok(l.json.sessions.some((s) => s.id === session));
		for (const a of [a1, a2, a3])
			assert.ok(l.json.waiting.some((w) => w.id === a && w.required), `${a} waiting`);
	});

	test('assigned in batch, each notified; another county, an application elsewhere and a second call refused', async () => {
		const jindong = await clerk('county', 'jindong_jsj');
		assertError(await jindong.post(`/interviews/${session}/assign`, { items: [a1] }), 404, 'not_found');
		// a fraction names no application (it was once read as the whole number below it)
		assertError(await county.post(`/interviews/${session}/assign`, { items: [a1 + 0.5] }), 400, 'invalid_field',
		    'items');
		const r = await county.post(`/interviews/${session}/assign`, { items: [a1, a2, a3, created[0]] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.results.map((x) => x.ok), [true, true, true, false]);
		assert.equal(r.json.results[3].code, 'conflict');
		assert.match(await lastNote(), /请于 \d{4}-\d\d-\d\d \d\d:\d\d 到婺城区住建局三楼会议室参加“2023年中级评前面试”/);
		const again = await county.post(`/interviews/${session}/assign`, { items: [a1] });
		assert.deepEqual([again.json.results[0].ok, again.json.results[0].message], [false, '该申报已安排面试']);
		// the HR bureau holds none of them: not its to call
		assertError(await hrb.post(`/interviews/${session}/assign`, { items: [a1] }), 404, 'not_found');
		// the 面试名单 to print: the three called, 申报专业 and a column to sign in; another's is 404
		assert.ok((await county.get(`/interviews/${session}`)).json.items.every((x) => x.specialty === '建筑工程施工'));
		const x = await fetch(county.url(`/interviews/${session}/list.xlsx`), { headers: { Cookie: county.cookieHeader() } });
		assert.equal(x.status, 200);
		assert.match(x.headers.get('content-disposition'), /attachment/);
		const file = path.join(scratchDir('iv-'), 'list.xlsx');
		writeFileSync(file, Buffer.from(await x.arrayBuffer()));
		const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		for (const s of ['面试名单', '2023年中级评前面试', '婺城区住建局三楼会议室', '签到', '申报专业', '建筑工程施工'])
			assert.ok(strings.includes(s), `the 面试名单 lacks ${s}`);
		assert.match(strings, /\d{4}\*{10}\d{3}[\dX]/);
		assert.doesNotMatch(strings, /\d{17}[\dX]/);
		const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString();
		assert.equal((sheet.match(/<row /g) || []).length, 2 + 3, 'the title, the head and the three called');
		assertError(await jindong.get(`/interviews/${session}/list.xlsx`), 404, 'not_found');
	});

	test('a change of time or place is sent to those called; saving it unchanged sends nothing', async () => {
		const s = (await county.get(`/interviews/${session}`)).json.session;
		const body = { title: s.title, starts_at: s.starts_at, place: s.place, panel: s.panel };
		const count = () => sqlInt(`SELECT count(*) FROM notification WHERE body LIKE '%面试安排有变更%'`);
		const n = await count();
		const same = await county.request('PUT', `/interviews/${session}`, { json: body });
		assert.equal(same.status, 200, same.text);
		assert.equal(same.json.notified, 0);
		assert.equal(await count(), n);
		const moved = await county.request('PUT', `/interviews/${session}`, { json: { ...body, place: '婺城区住建局四楼会议室' } });
		assert.equal(moved.status, 200, moved.text);
		assert.equal(moved.json.notified, 3);
		assert.equal(await count(), n + 3);
		assert.match(await lastNote(), /面试安排有变更.*婺城区住建局四楼会议室/);
	});

	test('a session made by mistake is deleted; one with people on its list or begun is not', async () => {
		const body = { title: '误建的面试', starts_at: await hourFromNow(), place: '某会议室', panel: '专家' };
		const c = await county.post('/interviews', body);
		assert.equal(c.status, 201, c.text);
		// another county's clerk finds nothing to delete
		assertError(await (await clerk('county', 'jindong_jsj')).request('DELETE', `/interviews/${c.json.id}`), 404, 'not_found');
		assert.equal((await county.request('DELETE', `/interviews/${c.json.id}`)).status, 200);
		assert.ok(!(await county.get('/interviews')).json.sessions.some((s) => s.id === c.json.id));
		assert.equal(await sql(`SELECT action FROM audit_log WHERE target_type = 'interview_session'
		    AND target_id = ${c.json.id} ORDER BY id DESC LIMIT 1`), 'interview_delete');
		assertError(await county.request('DELETE', `/interviews/${c.json.id}`), 404, 'not_found');
		const e = assertError(await county.request('DELETE', `/interviews/${session}`), 409, 'conflict');
		assert.equal(e.message, '面试名单中还有 3 人，请先将其移出名单后再删除');

		// someone put on its list while it is being deleted: a 409, not a 500 (the concurrency
		// probe: the foreign key's refusal was an internal error)
		const d = await county.post('/interviews', { ...body, title: '正在删除的面试' });
		assert.equal(d.status, 201, d.text);
		const adding = await holding(`INSERT INTO interview_assignment (session_id, application_id, step_seq, assigned_by)
		    SELECT ${d.json.id}, ${a3}, step_seq, ${county.me.user.id} FROM application WHERE id = ${a3}`);
		const gone = await county.request('DELETE', `/interviews/${d.json.id}`);
		await adding.done;
		await sql(`DELETE FROM interview_assignment WHERE session_id = ${d.json.id}`);
		assertError(gone, 409, 'conflict');
		assert.equal((await county.request('DELETE', `/interviews/${d.json.id}`)).status, 200);
	});

	test('results wait for the session to begin', async () => {
		assertError(await county.post(`/interviews/${session}/results`, { items: [{ id: a1, result: 'pass' }] }),
		    409, 'conflict');
		await sql(`UPDATE interview_session SET starts_at = now() - interval '1 hour' WHERE id = ${session}`);
	});

	test('不通过 needs a note; 通过 opens the gate; 缺席 and 不通过 end the application with the reason', async () => {
		// a row refused refuses the batch, and the message says which (a boundary probe)
		const e = assertError(await county.post(`/interviews/${session}/results`,
		    { items: [{ id: a1, result: 'pass' }, { id: a3, result: 'fail' }] }), 400, 'invalid_field', 'items');
		assert.equal(e.message, `申报编号 ${a3}：面试不通过的，请填写说明（将作为理由告知申报人）`);
		const late = assertError(await county.post(`/interviews/${session}/results`, { items: [{ id: a3, result: 'late' }] }),
		    400, 'invalid_field', 'items');
		assert.match(late.message, new RegExp(`^申报编号 ${a3}：`));
		const r = await county.post(`/interviews/${session}/results`, { items: [
			{ id: a1, result: 'pass' }, { id: a2, result: 'absent', note: '未到场' },
			{ id: a3, result: 'fail', note: '专业知识答辩不合格' }] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.results.map((x) => x.ok), [true, true, true]);
		assert.deepEqual(await position(a2), { code: 'mid_review', step: 6, state: 'rejected' });
		assert.deepEqual(await position(a3), { code: 'mid_review', step: 6, state: 'rejected' });
		assert.equal(await sql(`SELECT text FROM chain_history WHERE application_id = ${a3} ORDER BY no DESC LIMIT 1`),
		    '面试不通过：专业知识答辩不合格');
		// the audit log says what was recorded
		assert.deepEqual(await sqlRows(`SELECT target_id, detail->>'session', detail->>'result', detail->>'note'
		    FROM audit_log WHERE action = 'interview_result' AND target_id IN (${a1}, ${a2}, ${a3}) ORDER BY target_id`),
		    [[a1, session, 'pass', ''], [a2, session, 'absent', '未到场'], [a3, session, 'fail', '专业知识答辩不合格']]
			.sort((x, y) => x[0] - y[0]).map((x) => x.map(String)));
		// (one applicant has them all: the note of a2 is the one naming a2's plan)
		assert.match(await sql(`SELECT body FROM notification n, application a JOIN plan p ON p.id = a.plan_id
		    WHERE a.id = ${a2} AND n.user_id = a.applicant_id AND strpos(n.body, p.name) > 0
		    ORDER BY n.id DESC LIMIT 1`), /未通过“县（市、区）组织评前面试或业务能力复审会”，理由：面试缺席：未到场。$/);
		// a result once recorded stays
		const twice = await county.post(`/interviews/${session}/results`, { items: [{ id: a1, result: 'fail', note: 'x' }] });
		assert.equal(twice.json.results[0].ok, false);
		const d = await county.get(`/interviews/${session}`);
		assert.deepEqual(d.json.items.map((i) => [i.id, i.result_name]), [[a1, '通过'], [a2, '缺席'], [a3, '不通过']]);
		// 通过: the gate holds and the step passes
		const g = await county.get(`/applications/${a1}`);
		assert.deepEqual(g.json.gates.map((x) => [x.kind, x.met, x.text]), [['interview', true, '面试结果：通过']]);
		// a passed interview is not turned into a 不通过
		const held = assertError(await move(county, a1, 'reject', 6, '不同意'), 409, 'gate');
		assert.equal(held.message, '面试结果为通过，不能作不通过处理，请按面试结果办理通过');
		assert.deepEqual(g.json.actions, ['pass']);
		assert.equal((await move(county, a1, 'pass', 6, '面试通过，同意推荐')).status, 200);
		// the pass carries the interview it came after, for the city that reads it next
		const starts = await sql(`SELECT to_char(starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')
		    FROM interview_session WHERE id = ${session}`);
		const h = (await county.get(`/applications/${a1}`)).json.history;
		assert.deepEqual(h.filter((x) => x.interview).map((x) => [x.action, x.step, x.interview]),
		    [['pass', 6, { starts_at: starts, result: 'pass' }]]);
	});

	test('a session that began can no longer change or take people', async () => {
		const body = { title: '改期', starts_at: await hourFromNow(), place: '别处', panel: '专家' };
		assertError(await county.request('PUT', `/interviews/${session}`, { json: body }), 409, 'conflict');
		const del = assertError(await county.request('DELETE', `/interviews/${session}`), 409, 'conflict');
		assert.equal(del.message, '面试已开始，不能删除');
		assertError(await county.post(`/interviews/${session}/assign`, { items: [a1] }), 409, 'conflict');
	});
});

describe('评前面试 of 市本级: the county\'s step, held by the city\'s 住建局', () => {
	let app, zjj;

	before(async () => {
		[app] = await submitted(1);
		await walk(app, 3);
		// a 市本级 applicant: 市本级 has no county departments, the city's hold their steps
		await sql(`UPDATE application SET region_id = (SELECT id FROM region WHERE code = '330700-sbj') WHERE id = ${app}`);
		await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
		    VALUES (${app}, 3, current_date - 14, (SELECT id FROM app_user WHERE username = 'unit_hongda'))
		    ON CONFLICT (application_id, step_seq) DO UPDATE SET starts_on = EXCLUDED.starts_on, created_at = now()`);
		assert.equal((await move(await clerk('unit', 'unit_hongda'), app, 'pass', 3)).status, 200);
		zjj = await clerk('city', 'jh_zjj');
		await sql(`UPDATE application SET paid_at = now() WHERE id = ${app}`);
		assert.equal((await move(zjj, app, 'pass', 4)).status, 200);
		assert.equal((await move(await clerk('hrb', 'jh_rsj'), app, 'pass', 5)).status, 200);
		assert.deepEqual(await position(app), { code: 'mid_review', step: 6, state: 'in_review' });
	});

	test('the city\'s 住建局 calls it to an interview, records 通过, and passes the step', async () => {
		const l = await zjj.get('/interviews');
		assert.equal(l.status, 200, l.text);
		assert.ok(l.json.waiting.some((w) => w.id === app && w.required), 'waiting at the city');
		const starts = await sql(`SELECT to_char((now() + interval '1 day') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`);
		const c = await zjj.post('/interviews', { title: '市本级评前面试', starts_at: starts, place: '市住建局会议室', panel: '专家组' });
		assert.equal(c.status, 201, c.text);
		const a = await zjj.post(`/interviews/${c.json.id}/assign`, { items: [app] });
		assert.deepEqual(a.json.results.map((x) => x.ok), [true]);
		await sql(`UPDATE interview_session SET starts_at = now() - interval '1 hour' WHERE id = ${c.json.id}`);
		const r = await zjj.post(`/interviews/${c.json.id}/results`, { items: [{ id: app, result: 'pass' }] });
		assert.equal(r.status, 200, r.text);
		assert.equal((await move(zjj, app, 'pass', 6, '面试通过')).status, 200);
		assert.deepEqual(await position(app), { code: 'mid_review', step: 7, state: 'in_review' });
	});
});

describe('资格复审并公示 (city HR bureau) and 公布评审结果', () => {
	let app, rsj, zpw;

	before(async () => {
		[app] = await submitted(1);
		await walk(app, 9);
		rsj = await clerk('hrb', 'jh_rsj');
		zpw = await clerk('city', 'jh_zpw');
	});

	test('the bureau lists it under 公示管理 and cannot pass it before a 5-working-day publicity', async () => {
		const l = await rsj.get('/publicity');
		assert.equal(l.status, 200, l.text);
		assert.ok(l.json.items.some((i) => i.id === app && i.publicity === null));
		const e = assertError(await move(rsj, app, 'pass', 9), 409, 'gate');
		assert.match(e.message, /尚未公示，请在“公示管理”中登记公示/);
	});

	test('registered today: notified, still refused; an objection holds it after the days are over', async () => {
		const today = await sql(`SELECT to_char(current_date, 'YYYY-MM-DD')`);
		const r = await rsj.post(`/applications/${app}/publicity`, { starts_on: today });
		assert.equal(r.status, 200, r.text);
		assert.match(await lastNote(), /在“市人力社保部门资格复审并公示”环节公示，公示期至 \d{4}-\d\d-\d\d（5 个工作日）/);
		assertError(await move(rsj, app, 'pass', 9), 409, 'gate');
		// spaces (a full-width one, a line break) fill in no required text (lib/field.c)
		for (const content of ['\u3000\u3000', ' \n '])
			assertError(await rsj.post(`/applications/${app}/objections`, { raised_on: today, content }),
			    400, 'invalid_field', 'content');
		const o = await rsj.post(`/applications/${app}/objections`, { raised_on: today, content: '反映其业绩不实' });
		assert.equal(o.status, 201, o.text);
		await sql(`UPDATE publicity SET starts_on = current_date - 14 WHERE application_id = ${app} AND step_seq = 9`);
		const e = assertError(await move(rsj, app, 'pass', 9), 409, 'gate');
		assert.match(e.message, /1 条异议尚未处理完毕/);
		// the bureau's objections are its own: the unit, which handled the application, sees none
		const unit = await clerk('unit', 'unit_hongda');
		assert.deepEqual((await unit.get(`/applications/${app}/objections`)).json.items, []);
		assertError(await rsj.post(`/objections/${o.json.id}/resolve`, { resolution: '' }), 400, 'invalid_field');
		assertError(await rsj.post(`/objections/${o.json.id}/resolve`, { resolution: '\u3000' }), 400, 'invalid_field', 'resolution');
		assert.equal((await rsj.post(`/objections/${o.json.id}/resolve`, { resolution: '经核实，业绩属实' })).status, 200);
		const row = async () => (await rsj.get('/publicity')).json.items.find((i) => i.id === app);
		assert.equal((await row()).held, null, 'over, no objection open: nothing else waited for');
		// an interview the bureau called holds it too, and its row says so before any batch
		// promises it (the clerks' walk: 批量公示期满通过 of two passed one, and the other's row said nothing)
		const tomorrow = await sql(`SELECT to_char((now() + interval '1 day') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`);
		const iv = await rsj.post('/interviews', { title: '资格复审面试', starts_at: tomorrow, place: '市人力社保局会议室',
			panel: '张工、李工、王工' });
		assert.equal(iv.status, 201, iv.text);
		assert.equal((await rsj.post(`/interviews/${iv.json.id}/assign`, { items: [app] })).status, 200);
		const held = (await row()).held;
		assert.match(held, /^已安排 .+面试，尚未登记面试结果$/);
		assert.equal(assertError(await move(rsj, app, 'pass', 9), 409, 'gate').message, held);
		assert.equal((await rsj.request('DELETE', `/interviews/${iv.json.id}/assignments/${app}`)).status, 200);
		assert.equal((await rsj.request('DELETE', `/interviews/${iv.json.id}`)).status, 200);
		assert.equal((await row()).held, null);
		assert.equal((await move(rsj, app, 'pass', 9, '复审通过，公示无异议')).status, 200);
	});

	test('公布评审结果: the results publicity gates the step; an upheld objection may end it (不通过)', async () => {
		await walk(app, 11);
		assert.deepEqual(JSON.parse(await sql(`SELECT to_json(actions) FROM pipeline_step s JOIN application a
		    ON a.pipeline_id = s.pipeline_id AND s.seq = 11 WHERE a.id = ${app}`)), ['pass', 'reject']);
		const e = assertError(await move(zpw, app, 'pass', 11), 409, 'gate');
		// the city's page and button by their names (it has no 公示管理)
		assert.equal(e.message, '该申报尚未公示，请在“评审结果公示”中登记公示，公示满 5 个工作日后方可确认结果');
		const x = await fetch(zpw.url('/publicity.xlsx'), { headers: { Cookie: zpw.cookieHeader() } });
		assert.equal(x.status, 200);
		assert.match(x.headers.get('content-type'), /spreadsheetml/);
		// what the public reads: 职称评审结果公示, not the step's “公布评审结果”公示 (the clerks' walk)
		const file = `${scratchDir('pb-')}/pb.xlsx`;
		writeFileSync(file, Buffer.from(await x.arrayBuffer()));
		const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		assert.match(strings, /职称评审结果公示/);
		assert.doesNotMatch(strings, /“公布评审结果”/);
		await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
		    SELECT ${app}, 11, current_date - 14, id FROM app_user WHERE username = 'jh_zpw'`);
		assert.equal((await move(zpw, app, 'pass', 11, '结果公示无异议')).status, 200);
		assert.equal((await position(app)).step, 12);
		// a step that publishes a result says the result, not that it was passed (sql/075, sql/086)
		assert.match(await sql(`SELECT n.body FROM notification n JOIN application a ON a.applicant_id = n.user_id
		    WHERE a.id = ${app} ORDER BY n.id DESC LIMIT 1`), /评审结果已公布：通过，现由.+进行“制发文件、网络打印证书”。$/);
	});
});

/* a new applicant's mid_review application of 金华宏达, at 婺城区's step 4 */
async function atCounty() {
	const a = await newApplicant();
	const hongda = await loginAs('unit', 'unit_hongda');
	const plan = await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`);
	const app = await apply({ s: a.s, name: a.name, unit: hongda, unitId: await orgId(HONGDA), plan });
	created.push(app);
	await walk(app, 4);
	return { a, hongda, plan, app };
}

// (the exports probe: an application returned after its fee was paid, whose applicant then
// moved to a unit of 市本级, left 婺城区's 缴费明细 and appeared in 市住建局's, which was never paid)
describe('收费明细: an order stays with the department it was paid to', () => {
	test('the application moves to another region after paying: still the county\'s, not the city\'s', async () => {
		const { a, plan, app } = await atCounty();
		await pay(a.s, app);
		const order = await sql(`SELECT order_no FROM payment WHERE application_id = ${app} AND status = 'paid'`);
		const county = await clerk('county', 'wucheng_jsj');
		assert.equal((await move(county, app, 'return', 4, '请补充继续教育证明。')).status, 200);
		const before = await sqlInt(`SELECT region_id FROM application WHERE id = ${app}`);
		await putProfile(a.s, await completeProfile({ unit_id: await orgId(SJY) }));
		await a.s.get(`/applications/${app}`); // opening the returned application routes it anew
		assert.notEqual(await sqlInt(`SELECT region_id FROM application WHERE id = ${app}`), before, 'moved to 市本级');
		// (the exports probe: it left the county that returned it without a line in the audit log)
		const moved = (await sqlRows(`SELECT detail->>'from_unit', detail->>'to_org', actor_role FROM audit_log
		    WHERE action = 'application_reroute' AND target_type = 'application' AND target_id = ${app}`));
		assert.deepEqual(moved, [[HONGDA, String(await orgId(SJY)), 'applicant']]);
		const orders = async (s) => {
			const x = await fetch(s.url(`/plans/${plan}/payments.xlsx`), { headers: { Cookie: s.cookieHeader() } });
			if (x.status === 404)
				return '';
			assert.equal(x.status, 200);
			const dir = scratchDir('zcps-pay-');
			const file = path.join(dir, 'payments.xlsx');
			writeFileSync(file, Buffer.from(await x.arrayBuffer()));
			return execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		};
		assert.ok((await orders(county)).includes(order), 'the county that was paid lists the order');
		assert.ok(!(await orders(await clerk('city', 'jh_zjj'))).includes(order), 'the city never held it');
	});
});

// (the privacy probe: the unit a person had left, and its county, kept reading the application
// they had returned once it followed the person to another unit: the new employer, the new
// statement, the files uploaded since, the 评审表, the worklist row, the person's live profile)
describe('an application that follows its applicant to another unit leaves the old desks', () => {
	test('the unit left and the old county no longer read it, its files or its row; the new unit does', async () => {
		const { a, hongda, app } = await atCounty();
		const county = await clerk('county', 'wucheng_jsj');
		const photo = await sqlInt(`SELECT photo_id FROM application WHERE id = ${app}`);
		const reads = async (s) => [
			(await s.get(`/applications/${app}`)).status,
			(await s.get(`/applications/${app}/files/${photo}`)).status,
			(await s.get(`/uploads/${photo}`)).status,
			(await s.get('/worklist?tab=all&q=' + encodeURIComponent(a.name))).json.items.some((i) => i.id === app),
		];
		assert.deepEqual(await reads(county), [200, 200, 200, true]);
		assert.equal((await move(county, app, 'return', 4, '请补充继续教育证明。')).status, 200);
		// returned, not moved: the desks that handled it keep it
		assert.deepEqual(await reads(hongda), [200, 200, 200, true]);
		const saved = await putProfile(a.s, await completeProfile({ unit_id: await orgId(SJY) }));
		// the applicant is told which application followed (its 受理单位 is to be chosen again)
		assert.deepEqual(saved.rerouted, [{ id: app, plan: MID_PLAN }]);
		await a.s.get(`/applications/${app}`); // opening it routes it too: nothing more moves
		for (const s of [hongda, county])
			assert.deepEqual(await reads(s), [404, 404, 404, false]);
		// the unit's 人员 keeps the name and its decision, not what the person writes now
		const person = (await hongda.get('/people?status=all')).json.items.find((p) => p.id === a.id);
		assert.deepEqual([person.current, person.education, person.title, person.specialty, person.mobile],
			[false, '', '', '', '']);
		// the unit of 市本级 it goes to reads it once it arrives
		const sjy = await sqlInt(`SELECT id FROM org WHERE name = ${lit(SJY)}`);
		assert.equal(await sqlInt(`SELECT unit_org_id FROM application WHERE id = ${app}`), sjy);
		assert.equal(await sqlInt(`SELECT count(*) FROM desk WHERE application_id = ${app}`), 0);
		// and the tallies behind the tabs' counts lost the rows with them
		assert.equal(await sqlInt(`SELECT count(*) FROM (SELECT org_id, sum(waiting + decided) n FROM desk_tally
		    GROUP BY org_id) t FULL JOIN (SELECT org_id, count(*) n FROM desk GROUP BY org_id) d USING (org_id)
		    WHERE coalesce(t.n, 0) <> coalesce(d.n, 0)`), 0);
	});
});
