// Applicant portal (docs/api.md, "Applicant portal (issue 3)"), part 1:
// 个人基本信息 (profile), the unit picker, 评审工作计划 and 马上申报 (creating an
// application). Every test registers applicants of its own.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { HONGDA, assertError, sql, sqlInt, sqlRows, tag } from './lib.mjs';
import {
	CENTRE, JUNIOR_PLAN, MID_PLAN, afterCleanup, completeProfile, newApplicant, newApplication,
	newOrg, orgId, planId, putProfile, sqlDate,
} from './applicant-fixtures.mjs';

after(afterCleanup);

const ALL_MISSING = ['民族', '学历', '学位', '毕业院校', '所学专业', '毕业时间', '参加工作时间',
	'现有职称', '现从事专业', '人事档案存放', '现工作单位', '编制情况'];

/* The stored profile row of a user, or null. */
async function profileRow(id) {
	const rows = await sqlRows(`SELECT coalesce(ethnicity, '-'), coalesce(education, '-'),
	    coalesce(unit_org_id::text, '-'), coalesce(to_char(work_start_date, 'YYYY-MM-DD'), '-'),
	    coalesce(to_char(title_date, 'YYYY-MM-DD'), '-')
	    FROM applicant_profile WHERE user_id = ${id}`);
	return rows[0] ?? null;
}

describe('profile (个人基本信息)', () => {
	test('GET of a new applicant: gender and birth date from the 身份证号, nothing filled, all missing', async () => {
		const man = await newApplicant({ male: true, birth: new Date(Date.UTC(1988, 2, 9)) });
		const r = await man.s.get('/profile');
		assert.equal(r.status, 200, r.text);
		assert.ok(Number(man.idcard[16]) % 2 === 1, 'fixture: 17th digit odd');
		assert.deepEqual(r.json.derived, { gender: '男', birth_date: '1988-03-09' });
		assert.equal(r.json.complete, false);
		assert.deepEqual(r.json.missing, ALL_MISSING);
		assert.notEqual(r.json.profile.idcard, man.idcard, 'the 身份证号 is shown masked');
		assert.equal(r.json.profile.idcard.slice(-4), man.idcard.slice(-4));
		for (const k of ['education', 'degree', 'title', 'unit_id', 'staffing'])
			assert.equal(r.json.profile[k], null, k);

		const woman = await newApplicant({ male: false, birth: new Date(Date.UTC(1992, 11, 31)) });
		assert.ok(Number(woman.idcard[16]) % 2 === 0, 'fixture: 17th digit even');
		const w = await woman.s.get('/profile');
		assert.equal(w.status, 200, w.text);
		assert.deepEqual(w.json.derived, { gender: '女', birth_date: '1992-12-31' });
	});

	test('a wrong value of each enumerated field is 400 invalid_field with that field; nothing is stored', async () => {
		const a = await newApplicant();
		const bad = [
			['education', '初中'], ['education', '本科'], ['education', ''.padEnd(11, '学')],
			['degree', '学位'], ['degree', '双学士'],
			['title', '高级工程师'], ['title', '工程员'],
			['custody', 'home'], ['custody', '单位'],
			['staffing', 'staff'], ['staffing', '在编'],
			['out_of_province_ss', 'yes'], ['out_of_province_ss', 1],
			['graduation_date', '2020-13-01'], ['graduation_date', '2020/01/01'], ['work_start_date', '2021-02-30'],
			['unit_id', 'hongda'], ['unit_id', -1], ['unit_id', 1.5],
			['mobile', '12345678901'], ['specialty', '土'],
		];
		for (const [field, value] of bad) {
			const r = await a.s.request('PUT', '/profile', { json: { ethnicity: '回族', [field]: value } });
			assertError(r, 400, 'invalid_field', field);
			assert.match(r.json.error.message, /[\u4e00-\u9fff]/, `Chinese message for ${field}`);
		}
		assert.equal(await profileRow(a.id), null, 'a refused PUT created the profile row');
		const g = await a.s.get('/profile');
		assert.equal(g.json.profile.ethnicity, null);
		// the enumerations, spelled right, are accepted
		const ok = await putProfile(a.s, { education: '高中及以下', degree: '无', title: '无', custody: 'unit',
			staffing: 'leave_startup' });
		assert.deepEqual([ok.profile.education, ok.profile.degree, ok.profile.title, ok.profile.staffing,
			ok.profile.staffing_name], ['高中及以下', '无', '无', 'leave_startup', '离岗创业']);
	});

	test('unit_id must be an approved unit, centre_id an approved talent centre', async () => {
		const a = await newApplicant();
		const hongda = await orgId(HONGDA), centre = await orgId(CENTRE);
		await putProfile(a.s, { unit_id: hongda });
		const pending = await newOrg({ status: 'pending' });
		const rejected = await newOrg({ status: 'rejected' });
		for (const id of [pending.id, rejected.id, centre, 999999999]) {
			const e = assertError(await a.s.request('PUT', '/profile', { json: { unit_id: id, school: '浙江大学' } }),
			    400, 'invalid_field', 'unit_id');
			assert.equal(e.message, '只能选择已在平台注册并通过审核的用人单位');
		}
		for (const id of [hongda, pending.id]) {
			const e = assertError(await a.s.request('PUT', '/profile', { json: { custody: 'talent_centre', centre_id: id } }),
			    400, 'invalid_field', 'centre_id');
			assert.equal(e.message, '只能选择已通过审核的人才交流中心');
		}
		assert.deepEqual(await profileRow(a.id), ['-', '-', String(hongda), '-', '-'], 'a refused PUT changed the profile');
		const g = await a.s.get('/profile');
		assert.equal(g.json.profile.school, null);
		assert.equal(g.json.profile.custody, null);

		const approved = await newOrg({ status: 'approved' });
		const ok = await putProfile(a.s, { unit_id: approved.id });
		assert.equal(ok.profile.unit_id, approved.id);
		assert.equal(ok.profile.unit_name, approved.name);
		assert.equal(ok.profile.unit_ownership, 'private');
		const c = await putProfile(a.s, { custody: 'talent_centre', centre_id: centre });
		assert.equal(c.profile.centre_name, CENTRE);
	});

	test('title_date before work_start_date in the same PUT is 400; equal dates are fine', async () => {
		const a = await newApplicant();
		const e = assertError(await a.s.request('PUT', '/profile', {
			json: { work_start_date: '2010-07-01', title_date: '2010-06-30' },
		}), 400, 'invalid_field', 'title_date');
		assert.equal(e.message, '职称取得时间不能早于参加工作时间');
		assert.equal(await profileRow(a.id), null);
		const ok = await putProfile(a.s, { work_start_date: '2010-07-01', title_date: '2010-07-01' });
		assert.deepEqual([ok.profile.work_start_date, ok.profile.title_date], ['2010-07-01', '2010-07-01']);
	});

	test('graduation or work before the birth date the 身份证号 carries is 400; the day after is fine', async () => {
		const a = await newApplicant({ birth: new Date(Date.UTC(1985, 5, 15)) });
		let e = assertError(await a.s.request('PUT', '/profile', { json: { graduation_date: '1950-01-01' } }),
		    400, 'invalid_field', 'graduation_date');
		assert.equal(e.message, '毕业时间须晚于出生日期（1985-06-15）');
		e = assertError(await a.s.request('PUT', '/profile', { json: { work_start_date: '1985-06-15' } }),
		    400, 'invalid_field', 'work_start_date');
		assert.equal(e.message, '参加工作时间须晚于出生日期（1985-06-15）');
		assert.equal(await profileRow(a.id), null);
		const ok = await putProfile(a.s, { graduation_date: '1985-06-16', work_start_date: '1985-06-16' });
		assert.equal(ok.profile.graduation_date, '1985-06-16');
	});

	test('title_date before the stored work_start_date is 400 too (the rule holds across requests)', async () => {
		// docs/api.md: "Every write validates on the server ... nothing is changed by a refused request"
		const a = await newApplicant();
		await putProfile(a.s, { work_start_date: '2010-07-01' });
		const r1 = await a.s.request('PUT', '/profile', { json: { title_date: '2009-01-01' } });
		const row1 = await profileRow(a.id);
		assertError(r1, 400, 'invalid_field', 'title_date');
		assert.equal(row1[4], '-', 'a title_date earlier than work_start_date was stored');

		const b = await newApplicant();
		await putProfile(b.s, { title_date: '2012-01-01' });
		const r2 = await b.s.request('PUT', '/profile', { json: { work_start_date: '2013-01-01' } });
		const row2 = await profileRow(b.id);
		assert.equal(r2.status, 400, `work_start_date after the stored title_date: ${r2.status} ${r2.text}`);
		assert.equal(r2.json.error.code, 'invalid_field');
		assert.equal(row2[3], '-', 'a work_start_date later than title_date was stored');
	});

	test('a new mobile number needs a code sent to it; PUT profile alone does not change it', async () => {
		const a = await newApplicant();
		const before = await sql(`SELECT mobile FROM app_user WHERE id = ${a.id}`);
		const e = assertError(await a.s.request('PUT', '/profile', { json: { mobile: '13800001111', ethnicity: '汉族' } }),
		    400, 'invalid_field', 'mobile');
		assert.match(e.message, /验证码/);
		assert.equal(await sql(`SELECT mobile FROM app_user WHERE id = ${a.id}`), before);
		// the same number goes through with the rest
		assert.equal((await a.s.request('PUT', '/profile', { json: { mobile: before, ethnicity: '汉族' } })).status, 200);
		// a code to the new number, then the change with it
		assert.equal((await a.s.post('/mobile/code', { mobile: '13800001111' })).status, 200);
		const sms = await sql(`SELECT mobile || '|' || body FROM code_sms WHERE user_id = ${a.id}
		    ORDER BY id DESC LIMIT 1`);
		assert.match(sms, /^13800001111\|.*更换手机号码，验证码 \d{6}/);
		const code = sms.match(/验证码 (\d{6})/)[1];
		// the code is for the phone: 消息 does not show it (or a number nobody holds could be bound)
		const inbox = await a.s.get('/messages');
		assert.equal(inbox.status, 200);
		assert.ok(!inbox.text.includes(code) && !inbox.text.includes('验证码'), inbox.text);
		// a mistyped code is said as one, with the tries left: the code sent still works (the
		// first-day walk was told 不正确或已过期 of a code that then went through)
		const typo = assertError(await a.s.post('/mobile', { mobile: '13800001111', code: code === '000000' ? '111111' : '000000' }),
		    400, 'invalid_field', 'code');
		assert.equal(typo.message, '验证码不正确，请核对短信中的 6 位验证码（还可输入 4 次）');
		assertError(await a.s.post('/mobile', { mobile: '13800002222', code }), 400, 'invalid_field', 'code');
		const r = await a.s.post('/mobile', { mobile: '13800001111', code });
		assert.equal(r.status, 200, r.text);
		assert.equal(await sql(`SELECT mobile FROM app_user WHERE id = ${a.id}`), '13800001111');
		// a code works once
		assertError(await a.s.post('/mobile', { mobile: '13800001111', code }), 400, 'invalid_field', 'code');
	});

	test('dates after today (Asia/Shanghai) are 400; today is accepted', async () => {
		const a = await newApplicant();
		const tomorrow = await sqlDate('current_date + 1'), today = await sqlDate('current_date');
		for (const field of ['graduation_date', 'work_start_date', 'title_date']) {
			const e = assertError(await a.s.request('PUT', '/profile', { json: { [field]: tomorrow } }),
			    400, 'invalid_field', field);
			assert.match(e.message, /不晚于今天/);
			// a day the calendar does not have is named as such, not as one in the future
			const no = assertError(await a.s.request('PUT', '/profile', { json: { [field]: '2023-02-29' } }),
			    400, 'invalid_field', field);
			assert.match(no.message, /不是有效的日期（该日不存在）$/);
			const shape = assertError(await a.s.request('PUT', '/profile', { json: { [field]: '2023/01/01' } }),
			    400, 'invalid_field', field);
			assert.match(shape.message, /不是有效的日期，请按 2023-05-08 的格式填写$/);
			assertError(await a.s.request('PUT', '/profile', { json: { [field]: '2999-01-01' } }),
			    400, 'invalid_field', field);
		}
		assert.equal(await profileRow(a.id), null);
		const ok = await putProfile(a.s, { graduation_date: today, work_start_date: today, title_date: today });
		assert.deepEqual([ok.profile.graduation_date, ok.profile.work_start_date, ok.profile.title_date],
		    [today, today, today]);
	});

	test('missing lists what is absent; absent fields keep their value, "" clears; complete when all is there', async () => {
		const a = await newApplicant();
		let p = await putProfile(a.s, { ethnicity: '汉族', education: '大学本科', school: '浙江大学' });
		assert.deepEqual(p.missing, ALL_MISSING.filter((m) => !['民族', '学历', '毕业院校'].includes(m)));
		assert.equal(p.complete, false);

		const full = await completeProfile();
		p = await putProfile(a.s, full);
		assert.deepEqual(p.missing, []);
		assert.equal(p.complete, true);
		assert.equal(p.profile.school, '浙江工业大学');
		assert.equal(p.profile.unit_name, HONGDA);

		p = await putProfile(a.s, { specialty: '市政工程施工' });
		assert.equal(p.complete, true, 'a partial PUT cleared other fields');
		assert.equal(p.profile.school, '浙江工业大学');
		assert.equal(p.profile.specialty, '市政工程施工');

		p = await putProfile(a.s, { school: '', major: '' });
		assert.deepEqual(p.missing, ['毕业院校', '所学专业']);
		assert.equal(p.complete, false);
		assert.equal(p.profile.school, null);

		p = await putProfile(a.s, { school: '浙江工业大学', major: '土木工程', custody: 'talent_centre' });
		assert.deepEqual(p.missing, ['人才交流中心'], 'custody by a talent centre needs the centre');
		assert.equal(p.complete, false);
		p = await putProfile(a.s, { centre_id: await orgId(CENTRE) });
		assert.deepEqual(p.missing, []);
		assert.equal(p.complete, true);
		p = await putProfile(a.s, { unit_id: 0 });
		assert.deepEqual(p.missing, ['现工作单位'], 'unit_id 0 clears the unit');
	});
});

describe('GET units (the picker)', () => {
	test('lists approved organisations only, matching q, of the kind asked', async () => {
		const a = await newApplicant();
		const t = `检索${tag()}`;
		const ok = await newOrg({ prefix: `金华${t}` });
		await newOrg({ prefix: `金华${t}`, status: 'pending' });
		await newOrg({ prefix: `金华${t}`, status: 'rejected' });
		const r = await a.s.get(`/units?q=${encodeURIComponent(t)}`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.items, [{ id: ok.id, name: ok.name, kind: 'unit', region: '婺城区', ownership: 'private' }]);

		const all = await a.s.get(`/units?q=${encodeURIComponent('金华')}`);
		assert.equal(all.status, 200, all.text);
		assert.ok(all.json.items.length > 0 && all.json.items.length <= 20, `${all.json.items.length} items`);
		const approved = new Set((await sqlRows(`SELECT id FROM org WHERE kind = 'unit' AND status = 'approved'`))
		    .map(([id]) => Number(id)));
		for (const it of all.json.items) {
			assert.equal(it.kind, 'unit');
			assert.ok(approved.has(it.id), `${it.name} is not an approved unit`);
			assert.ok(it.name.includes('金华'));
		}

		const c = await a.s.get(`/units?kind=talent_centre&q=${encodeURIComponent('人才')}`);
		assert.equal(c.status, 200, c.text);
		assert.ok(c.json.items.some((i) => i.name === CENTRE), 'the talent centre is missing');
		assert.ok(c.json.items.every((i) => i.kind === 'talent_centre'));
		assert.ok(!(await a.s.get(`/units?q=${encodeURIComponent('人才交流中心')}`)).json.items
		    .some((i) => i.name === CENTRE), 'a talent centre listed as a unit');

		assertError(await a.s.get('/units?kind=committee_mid'), 400, 'invalid_field', 'kind');
		assertError(await a.s.get(`/units?q=${'a'.repeat(51)}`), 400, 'invalid_field', 'q');
	});
});

describe('plans (评审工作计划) and 马上申报', () => {
	test('GET plans lists the seeded mid plan with fee 80 + 180 = 260, open', async () => {
		const a = await newApplicant();
		const r = await a.s.get('/plans');
		assert.equal(r.status, 200, r.text);
		const mid = r.json.items.find((p) => p.name === MID_PLAN);
		assert.ok(mid, 'the mid plan is not listed');
		assert.deepEqual(mid.fee, { recommend: 80, review: 180, total: 260 });
		assert.deepEqual([mid.id, mid.year, mid.level, mid.level_name, mid.open, mid.series],
		    [await planId(MID_PLAN), 2023, 'mid', '中级', true, '建设工程']);
		assert.equal(mid.opens_on, await sqlDate('current_date - 30'));
		assert.equal(mid.closes_on, await sqlDate('current_date + 60'));
		const junior = r.json.items.find((p) => p.name === JUNIOR_PLAN);
		assert.deepEqual(junior.fee, { recommend: 0, review: 100, total: 100 });
		assert.equal(junior.level_name, '初级');

		const one = await a.s.get(`/plans/${mid.id}`);
		assert.equal(one.status, 200, one.text);
		assert.deepEqual(one.json.plan.fee, mid.fee);
		assert.match(one.json.plan.requirements, /117分/);
		assert.deepEqual(one.json.plan.procedures.map((p) => p.name), ['中级评审', '中级初定']);
		assert.match(one.json.plan.procedures[0].steps, /^个人网络申报 → 单位资格审查 → 单位公示并推荐上报 → /);
		assertError(await a.s.get('/plans/999999'), 404, 'not_found');
	});

	// the chains' walk: a plan not for one's unit was said only once 马上申报 was clicked
	test('a plan\'s page says whether 马上申报 can go, and why not, before it is clicked', async () => {
		const a = await newApplicant();
		const fit = async (name) => (await a.s.get(`/plans/${await planId(name)}`)).json.plan.apply;
		// no profile yet: the profile is what is missing
		let f = await fit(MID_PLAN);
		assert.deepEqual([f.ok, f.field], [false, 'profile']);
		assert.match(f.why, /个人基本信息/);
		// a company's engineer: the mid plan is theirs, the junior one (事业单位 only) is not
		await putProfile(a.s, await completeProfile());
		assert.deepEqual(await fit(MID_PLAN), { ok: true, why: null, field: null });
		f = await fit(JUNIOR_PLAN);
		assert.deepEqual([f.ok, f.field, f.why], [false, 'plan_id',
		    '初级评审（初定）仅面向金华市本级直属事业单位和市住建局局属事业单位人员']);
		// and 马上申报 says the same; the list says it of each plan too
		const e = assertError(await a.s.post('/applications', { plan_id: await planId(JUNIOR_PLAN) }), 400,
		    'invalid_field', 'plan_id');
		assert.equal(e.message, f.why);
		const list = (await a.s.get('/plans')).json.items;
		assert.deepEqual(list.find((p) => p.name === JUNIOR_PLAN).apply, f);
		assert.equal(list.find((p) => p.name === MID_PLAN).apply.ok, true);
	});

	test('outside the window: 409 conflict naming both dates, nothing created', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		for (const [from, to] of [['current_date - 60', 'current_date - 30'], ['current_date - 10', 'current_date - 1'],
			['current_date + 1', 'current_date + 30']]) {
			const id = await sqlInt(`INSERT INTO plan (year, name, level, opens_on, closes_on, fee_review)
			    VALUES (2023, 'test plan window ' || gen_random_uuid(), 'mid', ${from}, ${to}, 180) RETURNING id`);
			const e = assertError(await a.s.post('/applications', { plan_id: id }), 409, 'conflict', 'plan_id');
			assert.ok(e.message.includes(await sqlDate(from)), `opening date missing: ${e.message}`);
			assert.ok(e.message.includes(await sqlDate(to)), `closing date missing: ${e.message}`);
			assert.match(e.message, /不在申报期内/);
		}
		// a window of one day, today, is open
		const today = await sqlInt(`INSERT INTO plan (year, name, level, opens_on, closes_on)
		    VALUES (2023, 'test plan today ' || gen_random_uuid(), 'mid', current_date, current_date) RETURNING id`);
		assert.equal((await a.s.post('/applications', { plan_id: today })).status, 201);
		assert.equal(await sqlInt(`SELECT count(*) FROM application WHERE applicant_id = ${a.id}`), 1);
		assertError(await a.s.post('/applications', { plan_id: 999999 }), 404, 'not_found');
	});

	test('a second application for the same plan is 409 with existing_id; allowed again once rejected', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		const first = await newApplication(a.s);
		const app = first.application;
		assert.deepEqual([app.state, app.step, app.pipeline, app.plan, app.editable, app.wizard_step],
		    ['draft', 1, '中级评审', MID_PLAN, true, 1]);
		const e = assertError(await a.s.post('/applications', { plan_id: await planId(MID_PLAN) }), 409, 'conflict');
		const again = await a.s.post('/applications', { plan_id: await planId(MID_PLAN) });
		assert.equal(again.json.existing_id, app.id, `existing_id: ${again.text}`);
		assert.ok(e.message.includes(String(app.id)));
		assert.equal(await sqlInt(`SELECT count(*) FROM application WHERE applicant_id = ${a.id}`), 1);
		const list = await a.s.get('/applications');
		assert.deepEqual(list.json.items.map((i) => [i.id, i.state, i.editable]), [[app.id, 'draft', true]]);

		await sql(`UPDATE application SET state = 'rejected' WHERE id = ${app.id}`);
		const next = await newApplication(a.s);
		assert.notEqual(next.application.id, app.id);
	});

	test('no unit in the profile is 400 (field profile)', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile({ unit_id: 0 }));
		const e = assertError(await a.s.post('/applications', { plan_id: await planId(MID_PLAN) }), 400, 'invalid_field', 'profile');
		assert.match(e.message, /现工作单位/);
		assert.equal(await sqlInt(`SELECT count(*) FROM application WHERE applicant_id = ${a.id}`), 0);
	});

	test('an incomplete profile is 400 (docs: "400 when the profile is incomplete")', async () => {
		const a = await newApplicant();
		await putProfile(a.s, { unit_id: await orgId(HONGDA), custody: 'unit' });	// a unit, nothing else
		const r = await a.s.post('/applications', { plan_id: await planId(MID_PLAN) });
		const n = await sqlInt(`SELECT count(*) FROM application WHERE applicant_id = ${a.id}`);
		assert.equal(r.status, 400, `created with an incomplete profile: ${r.status} ${r.text.slice(0, 200)}`);
		assert.equal(n, 0);
	});

	test('a unit that is no longer approved is 400 (docs: "no approved unit")', async () => {
		const a = await newApplicant();
		const org = await newOrg();
		await putProfile(a.s, await completeProfile({ unit_id: org.id }));
		await sql(`UPDATE org SET status = 'rejected' WHERE id = ${org.id}`);
		const r = await a.s.post('/applications', { plan_id: await planId(MID_PLAN) });
		const n = await sqlInt(`SELECT count(*) FROM application WHERE applicant_id = ${a.id}`);
		assert.equal(r.status, 400, `created at a rejected unit: ${r.status} ${r.text.slice(0, 200)}`);
		assert.equal(n, 0);
	});

	test('the junior plan at a private company is 400: 初级 chains are for city-level / bureau institutions', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		const e = assertError(await a.s.post('/applications', { plan_id: await planId(JUNIOR_PLAN) }),
		    400, 'invalid_field', 'plan_id');
		assert.match(e.message, /初级评审（初定）仅面向金华市本级直属事业单位和市住建局局属事业单位/);
		assert.equal(await sqlInt(`SELECT count(*) FROM application WHERE applicant_id = ${a.id}`), 0);
	});

	test('the chain follows the employer: bureau → 中级初定 / 初级初定, city_direct → 初级评审', async () => {
		const bureau = await newOrg({ ownership: 'institution', affiliation: 'bureau', region: '330700-sbj', prefix: '金华市住建局局属' });
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile({ unit_id: bureau.id, staffing: 'regular' }));
		const mid = await newApplication(a.s, await planId(MID_PLAN));
		assert.equal(mid.application.pipeline, '中级初定');
		const junior = await newApplication(a.s, await planId(JUNIOR_PLAN));
		assert.equal(junior.application.pipeline, '初级初定');
		assert.deepEqual(await sqlRows(`SELECT p.code, a.unit_org_id, a.region_id = (SELECT id FROM region WHERE code = '330700-sbj')
		    FROM application a JOIN pipeline p ON p.id = a.pipeline_id WHERE a.applicant_id = ${a.id} ORDER BY a.id`),
		    [['mid_assess', String(bureau.id), 't'], ['junior_assess', String(bureau.id), 't']]);

		const direct = await newOrg({ ownership: 'institution', affiliation: 'city_direct', region: '330700-sbj', prefix: '金华市直属' });
		const b = await newApplicant();
		await putProfile(b.s, await completeProfile({ unit_id: direct.id, staffing: 'regular' }));
		assert.equal((await newApplication(b.s, await planId(JUNIOR_PLAN))).application.pipeline, '初级评审');
		assert.equal((await newApplication(b.s, await planId(MID_PLAN))).application.pipeline, '中级评审');
	});

	test('a 机关 or a 参公 事业单位 is outside the chains: its staff cannot apply, with the reason (400)', async () => {
		const agency = await newOrg({ ownership: 'agency', prefix: '某区机关' });
		const civil = await newOrg({ ownership: 'institution', affiliation: 'civil_service', prefix: '某参公事业单位' });
		for (const [org, why] of [[agency, /面向企事业单位专业技术人员，机关工作人员不在申报范围内/],
		    [civil, /不含参照公务员管理的事业单位，您所在单位的人员不在申报范围内/]]) {
			const a = await newApplicant();
			await putProfile(a.s, await completeProfile({ unit_id: org.id }));
			for (const plan of [MID_PLAN, JUNIOR_PLAN]) {
				const e = assertError(await a.s.post('/applications', { plan_id: await planId(plan) }),
				    400, 'invalid_field', 'profile');
				assert.match(e.message, why);
			}
			assert.equal(await sqlInt(`SELECT count(*) FROM application WHERE applicant_id = ${a.id}`), 0);
		}
	});

	test('with the file kept by a talent centre the application goes to the centre', async () => {
		const a = await newApplicant();
		const centre = await orgId(CENTRE);
		await putProfile(a.s, await completeProfile({ custody: 'talent_centre', centre_id: centre }));
		const r = await newApplication(a.s);
		assert.equal(r.application.unit, CENTRE);
		assert.equal(await sql(`SELECT unit_org_id FROM application WHERE id = ${r.application.id}`), String(centre));
		assert.equal(r.application.pipeline, '中级评审');
	});
});
