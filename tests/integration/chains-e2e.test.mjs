// The four chains of the notice (2023 中（初）级 基本流程), each from 个人网络申报 to a printed
// certificate that /verify/ confirms, through the API only: every step done by the
// organisation the notice names, every gate met by that organisation's own action
// (公示 registered, the fee paid at the gateway, the interview held and recorded, the
// committee's secret ballot, the results document issued). Time is the one thing moved
// by SQL: a 公示 registered today starts 14 days back, an interview set for tomorrow is
// over an hour ago, so the days the notice asks for have passed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { BASE, DEMO_PASSWORD, Session, idcard, lit, loginAs, mobile, raw, retire, sql, sqlInt } from './lib.mjs';
import { newOrg, newOrgUser } from './applicant-fixtures.mjs';
import { apply, ok, pay } from './apply.mjs';
import { CLERKS, clerk, position } from './walk.mjs';
import { holdVote } from './committee-vote.mjs';

const MID_PLAN = '2023年度金华市建设工程技术人员工程师职务任职资格评审工作计划';
const JUNIOR_PLAN = '2023年度金华市建设工程技术人员助理工程师职务任职资格评审工作计划';
const created = [];

const today = () => sql(`SELECT to_char(current_date, 'YYYY-MM-DD')`);

/* A new applicant, registered through the API; → { idcard, name, s } */
async function applicant(name) {
	const who = { idcard: idcard(), name, mobile: mobile(), password: DEMO_PASSWORD };
	ok(await new Session('applicant').post('/register', who), `register ${name}`);
	return { ...who, s: await loginAs('applicant', who.idcard) };
}

/* What each gate needs, done by the clerk s of the organisation holding app at step. */
const MEET = {
	async publicity({ s, app, step }) {
		const r = ok(await s.post(`/applications/${app}/publicity`, { starts_on: await today() }), 'publicity');
		assert.match(r.ends_on, /^\d{4}-\d\d-\d\d$/);
		// registered today, the pass waits for 5 working days
		assert.equal((await s.post(`/applications/${app}/move`, { action: 'pass', step, text: '同意。' })).status, 409);
		await sql(`UPDATE publicity SET starts_on = current_date - 14 WHERE application_id = ${app} AND step_seq = ${step}`);
	},
	async fee({ person, app }) {
		await pay(person.s, app);
	},
	async interview({ s, app }) {
		const when = await sql(`SELECT to_char((now() + interval '1 day') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`);
		const { id } = ok(await s.post('/interviews', { title: '评前面试', starts_at: when, place: '住建局三楼会议室',
			panel: '张工、李工、王工' }), 'interview session');
		assert.equal(ok(await s.post(`/interviews/${id}/assign`, { items: [app] }), 'assign').assigned, 1);
		await sql(`UPDATE interview_session SET starts_at = now() - interval '1 hour' WHERE id = ${id}`);
		assert.equal(ok(await s.post(`/interviews/${id}/results`, { items: [{ id: app, result: 'pass' }] }), 'result').recorded, 1);
	},
	async interview_if_called() {
		// 面试范围的评审对象 only: this one was not called
	},
	async vote({ s, role, app }) {	// 按表决结果办理 passes it
		await holdVote(s, role, [app], { settle: true });
	},
	async document({ s, app }) {
		const on = await today();
		const r = ok(await s.post('/documents', { number: `金建评〔${on.slice(0, 4)}〕${app}号`, issued_on: on,
			title: '关于公布2023年度建设工程专业技术职务任职资格评审结果的通知', items: [app] }), 'document');
		assert.equal(r.completed, 1, JSON.stringify(r));
	},
};

/*
 * Takes application app of person along its chain to the end: at each step the clerk of the
 * step (unitClerk for the unit's), its gates as the detail page lists them, then 通过.
 * Returns the steps it went through.
 */
async function finish(person, app, unitClerk) {
	const seen = [];
	for (;;) {
		const { code, step, state } = await position(app);
		if (state === 'completed')
			return seen;
		assert.equal(state, 'in_review', `application ${app} at step ${step} is ${state}`);
		const [role, username] = CLERKS[code][step];
		const s = role === 'unit' ? unitClerk : await clerk(role, username);
		const d = await s.get(`/applications/${app}`);
		assert.equal(d.status, 200, `step ${step}: ${d.text}`);
		assert.ok(d.json.actions.includes('pass'), `step ${step}: ${role}/${username} may pass`);
		for (const g of d.json.gates.filter((x) => !x.met))
			await MEET[g.kind]({ s, role, app, step, person });
		seen.push(`${step}:${d.json.application.step_name}${d.json.gates.map((g) => `[${g.kind}]`).join('')}`);
		const now = await position(app);
		if (now.state === 'completed')	// the document completed it
			return seen;
		if (now.step !== step)		// the committee's 按表决结果办理 passed it
			continue;
		const g = await s.get(`/applications/${app}`);
		assert.deepEqual(g.json.gates.filter((x) => !x.met), [], `step ${step}: every gate met`);
		ok(await s.post(`/applications/${app}/move`, { action: 'pass', step, text: '经审查，符合条件，同意。' }),
		    `pass at ${step}`);
	}
}

/* The certificate the applicant prints, and what /verify/ says of it. */
async function certified(person, app, chain) {
	const c = ok(await person.s.get(`/applications/${app}/certificate`), 'certificate').certificate;
	assert.equal(c.name, person.name);
	assert.ok(!c.idcard.includes(person.idcard.slice(6, 14)), 'the 身份证号 is masked');
	const form = await person.s.get(`/applications/${app}/certificate.xhtml`);
	assert.equal(form.status, 200);
	assert.ok(form.text.includes(c.number) && form.text.includes('<svg'), 'the printable certificate with its QR code');
	const v = await raw('GET', new URL(c.verify_url, BASE).pathname);
	assert.equal(v.status, 200, v.text);
	assert.match(v.text, /证书有效/);
	assert.ok(v.text.includes(person.name) && v.text.includes(c.number));
	assert.ok(!v.text.includes(person.idcard), 'verify shows no more than the certificate');
	const history = await sql(`SELECT string_agg(action || '@' || from_step, ',' ORDER BY no) FROM chain_history
	    WHERE application_id = ${app}`);
	assert.match(history, /^submit@1,pass@2,pass@3,/, `${chain}: ${history}`);
	return c;
}

after(async () => {
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

describe('中级评审 (企事业单位): 11 steps from 个人网络申报 to 制发文件、网络打印证书', () => {
	test('婺城区: unit, county 建设局, 人社局, 评前面试, 初评委, 市中评委, 市人社局 公示, 中评委评审, 公布结果, 证书', async () => {
		const hongda = await loginAs('unit', 'unit_hongda');
		const person = await applicant('钱中评');
		const app = await apply({ s: person.s, name: person.name, unit: hongda,
			unitId: await sqlInt(`SELECT id FROM org WHERE name = '金华宏达建设工程有限公司'`),
			plan: await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`) });
		created.push(app);
		assert.equal((await position(app)).code, 'mid_review');
		const steps = await finish(person, app, hongda);
		assert.deepEqual(steps.map((x) => Number(x.split(':')[0])), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
		for (const want of ['3:单位公示并推荐上报[publicity]', '4:县（市、区）建设初评委资格审查[fee]',
		    '6:县（市、区）组织评前面试或业务能力复审会[interview]', '7:县（市、区）建设初评委评审推荐[vote]',
		    '10:市建设中评委评审[vote]', '11:公布评审结果[carried][publicity]', '12:制发文件、网络打印证书[document]'])
			assert.ok(steps.includes(want), `${want} in ${steps}`);
		await certified(person, app, 'mid_review');
	});
});

describe('初级评审 (市本级直属事业单位): 6 steps', () => {
	test('a 市本级 institution: unit, 市住建局初级评委会 (review and ballot), 市人社局, results, certificate', async () => {
		const org = await newOrg({ ownership: 'institution', affiliation: 'city_direct', region: '330700-sbj', prefix: '金华市直属测试中心' });
		const unit = await newOrgUser(org.id);
		const person = await applicant('孙初评');
		const app = await apply({ s: person.s, name: person.name, unit, unitId: org.id,
			plan: await sqlInt(`SELECT id FROM plan WHERE name = ${lit(JUNIOR_PLAN)}`) });
		created.push(app);
		assert.equal((await position(app)).code, 'junior_review');
		const steps = await finish(person, app, unit);
		assert.deepEqual(steps.map((x) => Number(x.split(':')[0])), [2, 3, 4, 5, 6, 7]);
		assert.ok(steps.some((x) => x.startsWith('4:') && x.includes('[vote]')), steps.join());
		await certified(person, app, 'junior_review');
	});
});

describe('初级初定 (住建局局属事业单位): 6 steps', () => {
	test('a bureau institution: unit, 市住建局 审核并评定, 市人社局, 公布初定结果, certificate', async () => {
		const org = await newOrg({ ownership: 'institution', affiliation: 'bureau', region: '330700-sbj', prefix: '金华市局属测试站' });
		const unit = await newOrgUser(org.id);
		const person = await applicant('周初定');
		const app = await apply({ s: person.s, name: person.name, unit, unitId: org.id,
			plan: await sqlInt(`SELECT id FROM plan WHERE name = ${lit(JUNIOR_PLAN)}`) });
		created.push(app);
		assert.equal((await position(app)).code, 'junior_assess');
		const steps = await finish(person, app, unit);
		assert.deepEqual(steps.map((x) => Number(x.split(':')[0])), [2, 3, 4, 5, 6, 7]);
		const c = await certified(person, app, 'junior_assess');
		assert.match(c.body, /金华市住房和城乡建设局/);
	});
});

describe('中级初定 (住建局局属事业单位): 6 steps', () => {
	test('a bureau institution: unit, 市住建局 审核, 市人社局 评定, 公布初定结果, certificate', async () => {
		const org = await newOrg({ ownership: 'institution', affiliation: 'bureau', region: '330700-sbj', prefix: '金华市局属测试所' });
		const unit = await newOrgUser(org.id);
		const person = await applicant('吴中定');
		const app = await apply({ s: person.s, name: person.name, unit, unitId: org.id,
			plan: await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`) });
		created.push(app);
		assert.equal((await position(app)).code, 'mid_assess');
		const steps = await finish(person, app, unit);
		assert.deepEqual(steps.map((x) => Number(x.split(':')[0])), [2, 3, 4, 5, 6, 7]);
		const c = await certified(person, app, 'mid_assess');
		assert.match(c.body, /金华市人力资源和社会保障局/);
	});
});
