// The reviewer's workspace (issue 7): who may open an application, the
// worklist (tabs, filters, counts, keyset pages, export), the detail page
// (files inline, facts, checklist, what changed), single and batch
// decisions, opinion templates, and the applicant's read-only view.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	DEMO_APPLICANT, HONGDA, assertError, lit, loginAs, raw, retire, scratchDir, sql, sqlInt, sqlRows, tag, workerPids, worklistRow,
} from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import { MID_PLAN, SJY, newApplicant, newOrgUser, orgId, uploadPdf } from './applicant-fixtures.mjs';
import { apply } from './apply.mjs';

const created = [];
after(async () => {
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

const move = (s, app, action, step, text, extra = {}) =>
	s.post(`/applications/${app}/move`, { action, step, text, ...extra });

/* Submits drafts of the demo applicant; returns their ids. */
async function submitted(n, applicant) {
	const apps = await newDrafts(n);
	created.push(...apps);
	for (const id of apps) {
		const r = await applicant.post(`/applications/${id}/submit`);
		assert.equal(r.status, 200, r.text);
	}
	return apps;
}

/* Takes an application from the unit's 资格审查 to the county (step 4). */
async function toCounty(unit, app) {
	assert.equal((await move(unit, app, 'pass', 2, '资格审查通过')).status, 200);
	await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
	    SELECT ${app}, 3, current_date - 14, id FROM app_user WHERE username = 'unit_hongda'`);
	const r = await move(unit, app, 'pass', 3, '公示无异议，推荐上报');
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.step, 4);
}

let applicant, hongda, sjy, wucheng, jindong, wuchengHrb, city;

before(async () => {
	applicant = await loginAs('applicant', DEMO_APPLICANT);
	hongda = await loginAs('unit', 'unit_hongda');
	sjy = await loginAs('unit', 'unit_sjy');
	wucheng = await loginAs('county', 'wucheng_jsj');
	jindong = await loginAs('county', 'jindong_jsj');
	wuchengHrb = await loginAs('hrb', 'wucheng_rsj');
	city = await loginAs('city', 'jh_zpw');
});

describe('who may open an application', () => {
	let app, photo;

	before(async () => {
		[app] = await submitted(1, applicant);
		photo = await sqlInt(`SELECT photo_id FROM application WHERE id = ${app}`);
	});

	test('its unit opens it: the person in full, the content, facts, checklist, allowed actions', async () => {
		const r = await hongda.get(`/applications/${app}`);
		assert.equal(r.status, 200, r.text);
		const a = r.json.application;
		assert.equal(a.id, app);
		assert.equal(a.person.idcard, DEMO_APPLICANT, 'the detail page shows the 身份证号 in full');
		assert.match(a.person.mobile, /^1\d{10}$/);
		assert.equal(a.content.statement, '本人述职');
		assert.equal(a.content.method_name, '正常申报');
		assert.match(a.content.photo_url, new RegExp(`^/api/unit/applications/${app}/files/${photo}$`));
		assert.equal(a.facts.education, '大学本科');
		assert.equal(a.facts.title, '助理工程师');
		assert.ok(a.facts.title_years >= 4, JSON.stringify(a.facts));
		assert.deepEqual([a.facts.education_ok, a.facts.education_required], [true, true]);
		// counted to the day it was submitted, the day the 满 4 年 rule was checked on
		assert.equal(a.facts.as_of, await sql(`SELECT to_char(submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
		    FROM application WHERE id = ${app}`));
		assert.deepEqual(a.check, []);
		assert.deepEqual(r.json.actions, ['pass', 'return', 'reject']);
		assert.deepEqual(r.json.checklist.map((c) => c.code), ['identity', 'archive', 'materials']);
		assert.equal(r.json.desk.waiting, true);
		assert.equal(r.json.changes, null);
		assert.deepEqual(r.json.history.map((h) => h.action), ['submit']);
		// nothing about accounts, sessions or payments
		for (const secret of ['password', 'password_hash', 'session', 'csrf', 'order', 'order_no', 'sign'])
			assert.ok(!JSON.stringify(r.json).includes(`"${secret}"`), `detail carries "${secret}"`);
	});

	// (the clerk's-day probe: two clerks of one unit were sent to the same next application)
	test('a colleague who opened it is said on the row and the detail for ten minutes, and keeps it; the opener is not told of themselves', async () => {
		const other = await newOrgUser(await orgId(HONGDA));
		const rowOf = async (who) => {
			const w = await who.get(`/worklist?q=${app}`);
			assert.equal(w.status, 200, w.text);
			return w.json.items.find((i) => i.id === app);
		};
		const desk = `application_id = ${app} AND org_id = (SELECT org_id FROM app_user WHERE username = 'unit_hongda')`;
		await sql(`UPDATE desk SET viewed_by = NULL, viewed_at = NULL WHERE application_id = ${app}`);
		// the colleague opens it
		let r = await other.get(`/applications/${app}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.desk.viewer, undefined, 'nobody before');
		// hongda's clerk sees it on the row and on the detail
		const row = await rowOf(hongda);
		assert.deepEqual(row.viewer, { name: '测试经办人', minutes: 0 });
		r = await hongda.get(`/applications/${app}`);
		assert.deepEqual(r.json.desk.viewer, { name: '测试经办人', minutes: 0 });
		// a glance, warned, does not take it over (the reviewers' walk: the glancer's 下一件 was
		// sent into the colleague's): the colleague keeps it, and is not told of themselves
		assert.deepEqual((await rowOf(hongda)).viewer, { name: '测试经办人', minutes: 0 });
		assert.equal((await rowOf(other)).viewer, undefined);
		// reading it again within the minute writes nothing
		const at = await sql(`SELECT viewed_at FROM desk WHERE ${desk}`);
		await other.get(`/applications/${app}`);
		assert.equal(await sql(`SELECT viewed_at FROM desk WHERE ${desk}`), at);
		// a new arrival on the same desk (a pass to 公示, a resubmission): who read it before has
		// nothing open (the diff review: the mark outlived the decision), and the next to open it has
		const arrived = await sql(`SELECT arrived_at FROM desk WHERE ${desk}`);
		await sql(`UPDATE desk SET arrived_at = now() + interval '1 second' WHERE ${desk}`);
		try {
			assert.equal((await rowOf(hongda)).viewer, undefined);
			await new Promise((resolve) => setTimeout(resolve, 1100));
			await hongda.get(`/applications/${app}`);
			assert.equal((await rowOf(other)).viewer.name, hongda.me.user.name);
		} finally {
			await sql(`UPDATE desk SET arrived_at = ${lit(arrived)} WHERE ${desk}`);
		}
		// ten minutes on, nobody is said to have it open, and a colleague may take it
		await sql(`UPDATE desk SET viewed_at = now() - interval '11 minutes' WHERE ${desk}`);
		assert.equal((await rowOf(other)).viewer, undefined);
		await other.get(`/applications/${app}`);
		assert.equal((await rowOf(hongda)).viewer.name, '测试经办人');
		// a department that is not on it writes nothing
		await sql(`UPDATE desk SET viewed_by = NULL, viewed_at = NULL WHERE application_id = ${app}`);
		assertError(await wucheng.get(`/applications/${app}`), 404, 'not_found');
		assert.equal(await sqlInt(`SELECT count(*) FROM desk WHERE application_id = ${app} AND viewed_at IS NOT NULL`), 0);
	});

	// (the clerk's-day probe: a 自评与推荐 applicant's 中专 was tagged 不符合规定学历 in red)
	test('规定学历 is a rule of 正常申报: the facts say whether the application\'s method asks it', async () => {
		await sql(`UPDATE application SET method = 'self' WHERE id = ${app}`);
		try {
			const f = (await hongda.get(`/applications/${app}`)).json.application.facts;
			assert.equal(f.education_required, false);
		} finally {
			await sql(`UPDATE application SET method = 'normal' WHERE id = ${app}`);
		}
	});

	test('another unit, a county the chain has not reached and other departments get 404', async () => {
		for (const s of [sjy, wucheng, jindong, wuchengHrb, city]) {
			assertError(await s.get(`/applications/${app}`), 404, 'not_found');
			assertError(await s.get(`/applications/${app}/files/${photo}`), 404, 'not_found');
			assertError(await s.get(`/applications/${app}/form.xhtml`), 404, 'not_found');
		}
		assert.equal(await worklistRow(sjy, app, 'all'), undefined);
		assert.equal(await worklistRow(wucheng, app, 'all'), undefined);
	});

	test('an applicant never reaches a reviewer route; the operator has none', async () => {
		assertError(await applicant.get('/worklist'), 404, 'not_found');
		assertError(await applicant.post(`/applications/${app}/move`, { action: 'pass', step: 2, text: 'x' }),
		    404, 'not_found');
		// the applicant's cookie is not a session of the unit program
		const r = await raw('GET', `/api/unit/applications/${app}`, { headers: { Cookie: `sid=${applicant.cookies.get('sid')}` } });
		assertError(r, 401, 'unauthorized');
		const admin = await loginAs('admin', 'admin');
		assertError(await admin.get(`/applications/${app}`), 404, 'not_found');
		assertError(await admin.get('/worklist'), 404, 'not_found');
	});

	test('a file opens inline with nosniff and a CSP without script; download names it', async () => {
		const r = await hongda.get(`/applications/${app}/files/${photo}`);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('content-disposition'), 'inline');
		assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
		assert.match(r.headers.get('content-security-policy'), /default-src 'none'/);
		assert.doesNotMatch(r.headers.get('content-security-policy'), /script-src/);
		const d = await hongda.get(`/applications/${app}/files/${photo}?download=1`);
		assert.match(d.headers.get('content-disposition'), /^attachment;/);
		// an upload that is not part of this application is not served through it
		const other = await uploadPdf(applicant);
		assertError(await hongda.get(`/applications/${app}/files/${other}`), 404, 'not_found');
	});

	test('once the chain reaches the county, that county opens it; the next county and departments do not', async () => {
		await toCounty(hongda, app);
		const r = await wucheng.get(`/applications/${app}`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.actions, ['pass', 'return', 'reject']);
		assert.deepEqual(r.json.checklist.map((c) => c.code),
		    ['credit', 'education', 'seniority', 'appraisal', 'cont_edu', 'staffing']);
		assert.deepEqual(r.json.gates.map((g) => [g.kind, g.met]), [['fee', false]]);
		for (const s of [jindong, wuchengHrb, city, sjy])
			assertError(await s.get(`/applications/${app}`), 404, 'not_found');
		// the unit still opens what it decided on, without actions
		const u = await hongda.get(`/applications/${app}`);
		assert.equal(u.status, 200);
		assert.deepEqual(u.json.actions, []);
		assert.equal(u.json.desk.waiting, false);
		assert.equal(u.json.desk.decision, 'pass');
		assert.ok(await worklistRow(hongda, app, 'decided'));
		assert.equal(await worklistRow(hongda, app, 'waiting'), undefined);
	});
});

// (the rules probe: after submitting, an applicant changed 现有职称, its date and 学历 in the
// profile; the unit's detail page, its check and the printed 评审表 showed the new ones, and a
// check clean at submission listed two unmet rules)
describe('what the departments review is what was submitted', () => {
	test('a profile changed after the submission changes nothing under review; a return takes the new one', async () => {
		const a = await newApplicant();
		const hongda = await loginAs('unit', 'unit_hongda');
		const plan = await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`);
		const app = await apply({ s: a.s, name: a.name, unit: hongda, unitId: await orgId(HONGDA), plan });
		created.push(app);
		const seen = async () => {
			const r = await hongda.get(`/applications/${app}`);
			assert.equal(r.status, 200, r.text);
			const { content, facts, check } = r.json.application;
			return { title: content.profile.title, date: content.profile.title_date, education: content.profile.education, facts, check };
		};
		const before = await seen();
		assert.deepEqual([before.title, before.date, before.education], ['助理工程师', '2016-09-01', '大学本科']);
		assert.deepEqual(before.check, []);
		const changed = await a.s.request('PUT', '/profile', { json: { title: '技术员', title_date: '2025-01-01', education: '高中及以下' } });
		assert.equal(changed.status, 200, changed.text);
		assert.deepEqual(await seen(), before, 'the detail page, its facts and its check are as submitted');
		const form = await hongda.get(`/applications/${app}/form.xhtml`);
		assert.equal(form.status, 200);
		assert.ok(form.text.includes('2016-09-01') && !form.text.includes('2025-01-01'), 'the 评审表 as submitted');
		assert.ok(!form.text.includes('高中及以下'));
		const mine = await a.s.get(`/applications/${app}`);
		assert.equal(mine.json.application.profile.title, '助理工程师', 'the applicant sees what they submitted');
		// the unit's 公示表 too (its 公示 is the step after the 资格审查)
		assert.equal((await move(hongda, app, 'pass', 2, '符合申报条件。')).status, 200);
		const today = await sql(`SELECT to_char(current_date, 'YYYY-MM-DD')`);
		const pub = await hongda.post(`/applications/${app}/publicity`, { starts_on: today });
		assert.equal(pub.status, 200, pub.text);
		const x = await fetch(hongda.url('/publicity.xlsx'), { headers: { Cookie: hongda.cookieHeader() } });
		assert.equal(x.status, 200);
		const dir = scratchDir('zcps-pub-');
		writeFileSync(path.join(dir, 'p.xlsx'), Buffer.from(await x.arrayBuffer()));
		const strings = execFileSync('unzip', ['-p', path.join(dir, 'p.xlsx'), 'xl/sharedStrings.xml']).toString();
		assert.ok(strings.includes(a.name) && strings.includes('2016-09-01') && !strings.includes('2025-01-01'));
		// returned: the applicant may change it now, and the next submission takes the new one
		assert.equal((await move(hongda, app, 'return', 3, '请核对现有职称。')).status, 200);
		const back = await hongda.get(`/applications/${app}`);
		assert.equal(back.json.application.content.profile.title, '技术员', 'a returned application is the applicant\'s to change');
		assert.equal((await a.s.request('PUT', '/profile', { json: { title: '助理工程师', title_date: '2017-03-01', education: '大学本科' } })).status, 200);
		assert.equal((await a.s.post(`/applications/${app}/submit`)).status, 200);
		const again = await seen();
		assert.equal(again.date, '2017-03-01');
		await a.s.request('PUT', '/profile', { json: { title_date: '2018-01-01' } });
		assert.equal((await seen()).date, '2017-03-01');
		assert.equal(await sql(`SELECT (profile).title_date FROM application_profile WHERE application_id = ${app}`), '2017-03-01');
	});
});

// the clerk's-week walk: a person who left for another unit mid-review was still the old unit's
// to pass, and nothing on its page said they had gone
describe('an applicant who chooses another unit while under review', () => {
	test('stays with the unit it was submitted from, whose page says the person moved', async () => {
		const a = await newApplicant();
		const plan = await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`);
		const app = await apply({ s: a.s, name: a.name, unit: hongda, unitId: await orgId(HONGDA), plan });
		created.push(app);
		const detail = async (s) => (await s.get(`/applications/${app}`)).json.application;
		assert.equal((await detail(hongda)).moved, false);
		const r = await a.s.request('PUT', '/profile', { json: { unit_id: await orgId(SJY) } });
		assert.equal(r.status, 200, r.text);
		const d = await detail(hongda);
		// that they moved, not where to: the new employer is none of the reviewers' business
		assert.deepEqual([d.moved, d.unit, d.mine], [true, HONGDA, true]);
		assert.ok(!JSON.stringify(d).includes(SJY));
		// back at the first unit: nothing to say
		assert.equal((await a.s.request('PUT', '/profile', { json: { unit_id: await orgId(HONGDA) } })).status, 200);
		assert.equal((await detail(hongda)).moved, false);
	});
});

describe('decisions carry the checklist; opinions are required', () => {
	test('ticks are stored with the move; unknown or repeated items are refused', async () => {
		const [app] = await submitted(1, applicant);
		assertError(await move(hongda, app, 'pass', 2, '通过', { checks: ['identity', 'credit'] }), 400, 'invalid_field', 'checks');
		assertError(await move(hongda, app, 'pass', 2, '通过', { checks: ['identity', 'identity'] }), 400, 'invalid_field', 'checks');
		assertError(await move(hongda, app, 'pass', 2, ''), 400, 'invalid_field', 'text');
		const r = await move(hongda, app, 'pass', 2, '资格审查通过', { checks: ['identity', 'archive'] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(JSON.parse(await sql(`SELECT checks::text FROM chain_history WHERE application_id = ${app}
		    AND action = 'pass'`)), { identity: true, archive: true, materials: false });
		const d = await hongda.get(`/applications/${app}`);
		assert.deepEqual(d.json.history.at(-1).checks, { identity: true, archive: true, materials: false });
		// the applicant's own view has the decision but not the reviewer's ticks
		const v = await applicant.get(`/applications/${app}/view`);
		assert.equal(v.status, 200, v.text);
		assert.equal(v.json.history.at(-1).text, '资格审查通过');
		assert.equal(v.json.history.at(-1).checks, undefined);
		assert.equal(v.json.application.person.idcard, DEMO_APPLICANT);
	});
});

describe('what changed since the organisation last decided', () => {
	let app, oldOther, newOther;

	before(async () => {
		[app] = await submitted(1, applicant);
		oldOther = await uploadPdf(applicant, '旧的说明.pdf');
		newOther = await uploadPdf(applicant, '新的说明.pdf');
		// the first submission carried an "other" attachment: put it in, then resubmit through a return
		const ret = await move(hongda, app, 'return', 2, '请补充说明材料');
		assert.equal(ret.status, 200, ret.text);
		let r = await applicant.request('PUT', `/applications/${app}/files`, { json: { kind: 'other', uploads: [oldOther] } });
		assert.equal(r.status, 200, r.text);
		assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
		assert.equal((await move(hongda, app, 'return', 2, '述职请写具体')).status, 200);
		// now: a changed 述职, one attachment removed and one added
		r = await applicant.request('PUT', `/applications/${app}/info`, { json: { statement: '本人述职：主持施工组织设计三项' } });
		assert.equal(r.status, 200, r.text);
		r = await applicant.request('PUT', `/applications/${app}/files`, { json: { kind: 'other', uploads: [newOther] } });
		assert.equal(r.status, 200, r.text);
		assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
	});

	test('the unit sees exactly the changed 述职, the removed and the added attachment', async () => {
		const r = await hongda.get(`/applications/${app}`);
		assert.equal(r.status, 200, r.text);
		const c = r.json.changes;
		assert.ok(c, 'no changes block');
		assert.equal(c.none, false);
		assert.deepEqual([c.since_no, c.now_no], [2, 3]);
		assert.deepEqual(c.fields.map((f) => [f.field, f.old, f.new]),
		    [['statement', '本人述职', '本人述职：主持施工组织设计三项']]);
		assert.deepEqual(c.files, [{ kind: 'other', label: '其他材料',
			added: [{ id: newOther, name: '新的说明.pdf' }], removed: [{ id: oldOther, name: '旧的说明.pdf' }] }]);
		assert.deepEqual(c.archive, { added: [], removed: [] });
		const row = await worklistRow(hongda, app);
		assert.equal(row.submissions, 3);
		assert.equal(row.changed, true);
	});

	test('有修改 is the unit\'s, which saw the earlier submission; the county, which never did, sees none', async () => {
		const [other] = await submitted(1, applicant);
		assert.equal((await move(hongda, other, 'return', 2, '述职请写具体')).status, 200);
		assert.equal((await applicant.request('PUT', `/applications/${other}/info`,
		    { json: { statement: '本人述职：主持施工组织设计两项' } })).status, 200);
		assert.equal((await applicant.post(`/applications/${other}/submit`)).status, 200);
		assert.equal((await worklistRow(hongda, other)).changed, true);
		await toCounty(hongda, other);
		const row = await worklistRow(wucheng, other);
		assert.deepEqual([row.submissions, row.changed], [2, false]);
		assert.equal((await wucheng.get(`/applications/${other}`)).json.changes, null);
	});

	test('resubmitted without a change: "none"', async () => {
		assert.equal((await move(hongda, app, 'return', 2, '请再核对')).status, 200);
		assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
		const r = await hongda.get(`/applications/${app}`);
		assert.equal(r.json.changes.none, true);
		assert.deepEqual(r.json.changes.fields, []);
		assert.deepEqual(r.json.changes.files, []);
		assert.equal((await worklistRow(hongda, app)).changed, false);
	});
});

describe('the applicant\'s message', () => {
	test('a reason that ends with "。" does not read "。。"', async () => {
		const [app] = await submitted(1, applicant);
		const reason = `请补充竣工验收报告-${tag()}。`;
		assert.equal((await move(hongda, app, 'return', 2, reason)).status, 200);
		const m = (await applicant.get('/messages')).json.items.find((x) => x.body.includes(reason.slice(0, -1)));
		assert.ok(m, 'the return was announced');
		assert.ok(m.body.includes(`理由：${reason}请登录平台修改后重新提交。`), m.body);
		assert.ok(!m.body.includes('。。'), m.body);
		assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
		assert.equal((await move(hongda, app, 'reject', 2, '不符合申报条件。 ')).status, 200);
		const r = (await applicant.get('/messages')).json.items.find((x) => x.body.includes('不符合申报条件'));
		assert.ok(r.body.endsWith('理由：不符合申报条件。'), r.body);
	});
});

describe('batch 通过', () => {
	test('5 selected, 1 moved meanwhile by another reviewer: 4 pass, 1 is reported as 409', async () => {
		const apps = await submitted(5, applicant);
		const colleague = await loginAs('unit', 'unit_hongda');
		assert.equal((await move(colleague, apps[2], 'pass', 2, '已由同事审核')).status, 200);
		const r = await hongda.post('/applications/batch', {
			action: 'pass', text: '批量审核通过', items: apps.map((id) => ({ id, step: 2 })),
		});
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.passed, 4);
		assert.equal(r.json.failed, 1);
		const byId = Object.fromEntries(r.json.results.map((x) => [x.id, x]));
		assert.equal(byId[apps[2]].status, 409);
		assert.equal(byId[apps[2]].code, 'conflict');
		for (const id of apps.filter((x) => x !== apps[2])) {
			assert.equal(byId[id].ok, true);
			assert.equal(byId[id].step, 3);
		}
		assert.equal(await sqlInt(`SELECT count(*) FROM chain_history WHERE application_id IN (${apps.join(', ')})
		    AND action = 'pass' AND from_step = 2`), 5);
	});

	test('only 通过 goes in batch, with an opinion; another unit\'s rows are refused one by one', async () => {
		const apps = await submitted(2, applicant);
		const items = apps.map((id) => ({ id, step: 2 }));
		assertError(await hongda.post('/applications/batch', { action: 'return', text: '退回', items }), 400, 'invalid_field', 'action');
		assertError(await hongda.post('/applications/batch', { action: 'pass', items }), 400, 'invalid_field', 'text');
		assertError(await hongda.post('/applications/batch', { action: 'pass', text: '通过', items: [] }), 400, 'invalid_field', 'items');
		const r = await sjy.post('/applications/batch', { action: 'pass', text: '通过', items });
		assert.equal(r.status, 200);
		assert.deepEqual(r.json.results.map((x) => x.status), [404, 404]);
		assert.equal(await sqlInt(`SELECT count(*) FROM chain_history WHERE application_id IN (${apps.join(', ')})`), 2);
	});
});

describe('the worklist', () => {
	let apps;

	before(async () => {
		apps = await submitted(6, applicant);
	});

	test('rows name the applicant with a masked 身份证号, the unit, the plan and the wait', async () => {
		const row = await worklistRow(hongda, apps[0]);
		assert.equal(row.applicant, '张建国');
		assert.equal(row.idcard, '3307**********0015');
		assert.equal(row.unit, '金华宏达建设工程有限公司');
		assert.equal(row.step_name, '单位资格审查');
		assert.equal(row.method_name, '正常申报');
		assert.match(row.arrived_on, /^\d{4}-\d{2}-\d{2}$/);
		assert.equal(row.days_waited, 0);
		assert.equal(row.submissions, 1);
		assert.equal(row.paid, false);
		assert.deepEqual(row.actions, ['pass', 'return', 'reject']);
	});

	test('a renamed plan, step, region or unit and a changed calendar show on the next page', async () => {
		// the programs keep these names (lib/refnames.c) and read them again when
		// ref_version moves (sql/026): every worker must, so each check asks eight times
		const [app] = await submitted(1, applicant);
		const rows = async () => {
			const out = [];
			for (let i = 0; i < 8; i++)
				out.push(await worklistRow(hongda, app));
			return out;
		};
		const ids = (await sql(`SELECT plan_id || '|' || pipeline_id || '|' || region_id || '|' || unit_org_id
		    FROM application WHERE id = ${app}`)).trim().split('|').map(Number);
		const [plan, pipeline, region, unit] = ids;
		const before = (await rows())[0];
		try {
			await sql(`UPDATE plan SET name = name || '（更名）' WHERE id = ${plan};
			    UPDATE pipeline_step SET name = name || '（更名）' WHERE pipeline_id = ${pipeline} AND seq = 2;
			    UPDATE region SET name = name || '（更名）' WHERE id = ${region}`);
			for (const r of await rows()) {
				assert.equal(r.plan, `${before.plan}（更名）`);
				assert.equal(r.step_name, `${before.step_name}（更名）`);
				assert.equal(r.region, `${before.region}（更名）`);
				assert.deepEqual(r.actions, before.actions);
			}
		} finally {
			await sql(`UPDATE plan SET name = replace(name, '（更名）', '') WHERE id = ${plan};
			    UPDATE pipeline_step SET name = replace(name, '（更名）', '') WHERE pipeline_id = ${pipeline} AND seq = 2;
			    UPDATE region SET name = replace(name, '（更名）', '') WHERE id = ${region}`);
		}
		for (const r of await rows())
			assert.equal(r.plan, before.plan);
		// the unit's name alone (the programs keep those a page showed: sql/034)
		try {
			await sql(`UPDATE org SET name = name || '（更名）' WHERE id = ${unit}`);
			for (const r of await rows())
				assert.equal(r.unit, `${before.unit}（更名）`);
		} finally {
			await sql(`UPDATE org SET name = replace(name, '（更名）', '') WHERE id = ${unit}`);
		}
		for (const r of await rows())
			assert.equal(r.unit, before.unit);

		// arrived ten days ago: the working days since, by the database's own count;
		// then one of them a holiday, and the wait is a day shorter on every worker
		await sql(`UPDATE desk SET arrived_at = arrived_at - interval '10 days'
		    WHERE application_id = ${app} AND decided_at IS NULL`);
		const arrived = (await sql(`SELECT (arrived_at AT TIME ZONE 'Asia/Shanghai')::date FROM desk
		    WHERE application_id = ${app} AND decided_at IS NULL`)).trim();
		const want = await sqlInt(`SELECT working_days('${arrived}'::date, current_date)`);
		assert.ok(want >= 5, `working days in ten: ${want}`);
		for (const r of await rows()) {
			assert.equal(r.arrived_on, arrived);
			assert.equal(r.days_waited, want);
		}
		const day = (await sql(`SELECT d::date FROM generate_series('${arrived}'::date + 1,
		    current_date - 1, interval '1 day') d WHERE is_working_day(d::date)
		    AND NOT EXISTS (SELECT 1 FROM calendar_day c WHERE c.day = d::date) LIMIT 1`)).trim();
		try {
			await sql(`INSERT INTO calendar_day (day, is_workday, note) VALUES ('${day}', false, '测试')`);
			for (const r of await rows())
				assert.equal(r.days_waited, want - 1);
		} finally {
			await sql(`DELETE FROM calendar_day WHERE day = '${day}' AND note = '测试'`);
		}
		for (const r of await rows())
			assert.equal(r.days_waited, want);
	});

	test('a renamed step, pipeline, region or organisation, a changed holder, gates and checklist show on the next detail page', async () => {
		// the detail page takes these names from the programs too (lib/refnames.c):
		// the application's own, the chain's owners, the history's steps and
		// organisations; every worker reads them again when ref_version moves
		const [app] = await submitted(1, applicant);
		await toCounty(hongda, app);
		const [pipeline, region, unit, county] = (await sql(`SELECT pipeline_id || '|' || region_id
		    || '|' || unit_org_id || '|' || current_org_id FROM application WHERE id = ${app}`))
		    .trim().split('|').map(Number);
		// asked three times a worker, so that every worker answers
		const rounds = role => 3 * (workerPids(role)?.length || 4);
		const pages = async () => {
			const out = [];
			for (let i = 0; i < rounds('county'); i++) {
				const r = await wucheng.get(`/applications/${app}`);
				assert.equal(r.status, 200, r.text);
				out.push(r.json);
			}
			return out;
		};
		const before = (await pages())[0];
		const a0 = before.application;
		const countyStep = before.steps.find(s => s.seq === 4);
		const unitPass = before.history.find(h => h.step === 2);
		assert.equal(a0.holder, countyStep.holder);
		assert.equal(unitPass.org, a0.unit);
		assert.equal(before.desk.waiting, true);
		assert.ok(before.actions.length > 0);
		const names = `UPDATE pipeline_step SET name = name || '（更名）' WHERE pipeline_id = ${pipeline}
		    AND seq IN (2, 4);
		    UPDATE pipeline SET name = name || '（更名）' WHERE id = ${pipeline};
		    UPDATE region SET name = name || '（更名）' WHERE id = ${region};
		    UPDATE org SET name = name || '（更名）' WHERE id IN (${unit}, ${county})`;
		try {
			await sql(names);
			for (const p of await pages()) {
				const a = p.application;
				assert.equal(a.step_name, `${a0.step_name}（更名）`);
				assert.equal(a.pipeline, `${a0.pipeline}（更名）`);
				assert.equal(a.region, `${a0.region}（更名）`);
				assert.equal(a.holder, `${a0.holder}（更名）`);
				assert.equal(a.unit, `${a0.unit}（更名）`);
				assert.equal(p.steps.find(s => s.seq === 4).holder, `${countyStep.holder}（更名）`);
				assert.equal(p.steps.find(s => s.seq === 4).name, `${countyStep.name}（更名）`);
				const h = p.history.find(x => x.no === unitPass.no);
				assert.equal(h.step_name, `${unitPass.step_name}（更名）`);
				assert.equal(h.org, `${unitPass.org}（更名）`);
				assert.deepEqual(p.actions, before.actions);
			}
		} finally {
			await sql(names.replaceAll(`name || '（更名）'`, `replace(name, '（更名）', '')`));
		}
		for (const p of await pages()) {
			assert.equal(p.application.holder, a0.holder);
			assert.equal(p.history.find(x => x.no === unitPass.no).org, unitPass.org);
		}
		// the chain's holders too (sql/038): the county's department pending
		// again, its steps fall to the one the rule finds next, on every worker
		// (the unit's page: the county's clerk may not sign in meanwhile)
		const holder4 = async () => (await sql(`SELECT coalesce(o.name, '') FROM step_owners(${app}) x
		    LEFT JOIN org o ON o.id = x.org_id WHERE x.seq = 4`)).trim();
		const unitPages = async want => {
			for (let i = 0; i < rounds('unit'); i++) {
				const r = await hongda.get(`/applications/${app}`);
				assert.equal(r.status, 200, r.text);
				assert.equal(r.json.steps.find(s => s.seq === 4).holder, want);
			}
		};
		await unitPages(countyStep.holder);
		try {
			await sql(`UPDATE org SET status = 'pending' WHERE id = ${county}`);
			const want = await holder4();
			assert.notEqual(want, countyStep.holder);
			await unitPages(want);
		} finally {
			await sql(`UPDATE org SET status = 'approved' WHERE id = ${county}`);
		}
		for (const p of await pages())
			assert.equal(p.steps.find(s => s.seq === 4).holder, countyStep.holder);
		// the step's gates and the checklist are the programs' too (sql/037)
		assert.deepEqual(before.gates.map(g => g.kind), ['fee']);
		assert.equal(before.checklist[0].code, 'credit');
		const [gate, item] = [`INSERT INTO step_gate (pipeline_id, seq, gate, ord)
		    VALUES (${pipeline}, 4, 'publicity', 2)`,
		    `UPDATE checklist_item SET name = name || '（更名）' WHERE audience = 'department'
		    AND code = 'credit'`];
		try {
			await sql(`${gate}; ${item}`);
			for (const p of await pages()) {
				assert.deepEqual(p.gates.map(g => g.kind), ['fee', 'publicity']);
				assert.equal(p.checklist[0].name, `${before.checklist[0].name}（更名）`);
			}
		} finally {
			await sql(`DELETE FROM step_gate WHERE pipeline_id = ${pipeline} AND seq = 4
			    AND gate = 'publicity'; ${item.replace(`name || '（更名）'`,
			    `replace(name, '（更名）', '')`)}`);
		}
		for (const p of await pages()) {
			assert.deepEqual(p.gates.map(g => g.kind), ['fee']);
			assert.equal(p.checklist[0].name, before.checklist[0].name);
		}
		// the wait on the desk by the calendar the programs keep, as on the worklist
		await sql(`UPDATE desk SET arrived_at = arrived_at - interval '10 days'
		    WHERE application_id = ${app} AND org_id = ${county}`);
		const arrived = (await sql(`SELECT (arrived_at AT TIME ZONE 'Asia/Shanghai')::date FROM desk
		    WHERE application_id = ${app} AND org_id = ${county}`)).trim();
		const want = await sqlInt(`SELECT working_days('${arrived}'::date, current_date)`);
		for (const p of await pages())
			assert.equal(p.desk.days_waited, want);
	});

	test('keyset pages cover the list once, in order, and agree with the counts', async () => {
		const seen = [];
		let next = null, counts = null, pages = 0;
		do {
			const r = await hongda.get(`/worklist?size=7${next ? `&after=${encodeURIComponent(next)}` : ''}`);
			assert.equal(r.status, 200, r.text);
			assert.ok(r.json.items.length <= 7);
			seen.push(...r.json.items.map((i) => [i.id, i.arrived_on]));
			counts = r.json.counts;
			next = r.json.next;
			pages++;
		} while (next && pages < 500);
		assert.equal(new Set(seen.map(([id]) => id)).size, seen.length, 'a row came twice');
		assert.equal(seen.length, counts.waiting);
		assert.equal(counts.all, counts.waiting + counts.decided);
		for (const id of apps)
			assert.ok(seen.some(([x]) => x === id), `application ${id} not on any page`);
	});

	test('a move elsewhere does not shift the next page', async () => {
		const plan = (id) => sqlInt(`SELECT plan_id FROM application WHERE id = ${id}`);
		// the six under test, by name and id (all 张建国): the "all" tab sorted by name
		const first = await hongda.get('/worklist?sort=name&size=3&q=%E5%BC%A0%E5%BB%BA%E5%9B%BD');
		assert.equal(first.status, 200, first.text);
		const page1 = first.json.items;
		const expected = (await hongda.get('/worklist?sort=name&size=6&q=%E5%BC%A0%E5%BB%BA%E5%9B%BD')).json.items.map((i) => i.id);
		// someone decides a row of the first page meanwhile
		assert.equal((await move(hongda, page1[0].id, 'reject', page1[0].step, '测试：同事已处理')).status, 200);
		const second = await hongda.get(`/worklist?sort=name&size=3&q=%E5%BC%A0%E5%BB%BA%E5%9B%BD&after=${encodeURIComponent(first.json.next)}`);
		assert.deepEqual(second.json.items.map((i) => i.id), expected.slice(3, 6));
		assert.equal(await worklistRow(hongda, page1[0].id), undefined);
		assert.ok(await plan(page1[0].id));
	});

	// the deadline-day walk: ICU's pinyin reads 曾 as céng and filed 曾 among the C's (sql/067)
	test('sorted by name, a surname is read as a surname: 陈, 曾 (zēng), 张, 解 (xiè) after 王', async () => {
		const given = '鉴' + '可敬思远'[randomInt(4)] + '宁安'[randomInt(2)];
		const plan = await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`);
		const ids = {};
		for (const surname of ['张', '解', '曾', '王', '陈']) {
			const a = await newApplicant({ name: surname + given });
			ids[surname] = await apply({ s: a.s, name: a.name, unit: hongda, unitId: await orgId(HONGDA), plan });
			created.push(ids[surname]);
		}
		const mine = new Set(Object.values(ids));
		const r = await hongda.get(`/worklist?tab=all&sort=name&size=100&q=${encodeURIComponent(given)}`);
		assert.equal(r.status, 200, r.text);
		const order = r.json.items.filter((i) => mine.has(i.id)).map((i) => i.applicant[0]);
		assert.deepEqual(order, ['陈', '王', '解', '曾', '张']);
		// the keyset pages agree with the one page
		const first = await hongda.get(`/worklist?tab=all&sort=name&size=2&q=${encodeURIComponent(given)}`);
		const rest = await hongda.get(`/worklist?tab=all&sort=name&size=100&q=${encodeURIComponent(given)}`
		    + `&after=${encodeURIComponent(first.json.next)}`);
		assert.deepEqual([...first.json.items, ...rest.json.items].map((i) => i.id), r.json.items.map((i) => i.id));
	});

	// a probe of awkward names: 阿卜杜•热合曼 (typed with •) was stored so, and searching with · found nothing
	test('a name\'s 间隔号 is ·, however it was typed, and the search finds it typed any way', async () => {
		const given = '热合' + '曼提江'[randomInt(3)] + '可敬思远'[randomInt(4)];
		const a = await newApplicant({ name: `阿卜杜•${given}` });
		assert.equal(await sql(`SELECT name FROM app_user WHERE id = ${a.id}`), `阿卜杜·${given}`);
		const plan = await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`);
		const id = await apply({ s: a.s, name: `阿卜杜·${given}`, unit: hongda, unitId: await orgId(HONGDA), plan });
		created.push(id);
		for (const q of [`阿卜杜·${given}`, `阿卜杜・${given}`, `阿卜杜•${given}`, ` 阿卜杜‧${given} `]) {
			const r = await hongda.get(`/worklist?tab=all&q=${encodeURIComponent(q)}`);
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.items.map((i) => i.id), [id], q);
		}
	});

	test('filters: plan, state, step, paid, 申报方式, search by name, by masked 身份证号 and by 申报编号', async () => {
		const p = await sqlInt(`SELECT plan_id FROM application WHERE id = ${apps[1]}`);
		const one = async (q) => {
			const r = await hongda.get(`/worklist?tab=all&plan=${p}${q}`);
			assert.equal(r.status, 200, r.text);
			return r.json.items.map((i) => i.id);
		};
		assert.deepEqual(await one(''), [apps[1]]);
		assert.deepEqual(await one('&step=2&state=in_review&paid=false&method=normal&pipeline=mid_review&category=construction'), [apps[1]]);
		assert.deepEqual(await one('&step=3'), []);
		assert.deepEqual(await one('&paid=true'), []);
		assert.deepEqual(await one('&method=abc'), []);
		assert.deepEqual(await one(`&q=${encodeURIComponent('张建')}`), [apps[1]]);
		assert.deepEqual(await one(`&q=${encodeURIComponent('李')}`), []);
		assert.deepEqual(await one(`&q=${encodeURIComponent('3307**********0015')}`), [apps[1]]);
		assert.deepEqual(await one(`&q=${encodeURIComponent('3307*0016')}`), []);
		assert.deepEqual(await one('&q=19900101'), [apps[1]]);
		// the 申报编号 an applicant reads out on the phone, however short
		assert.deepEqual(await one(`&q=${apps[1]}`), [apps[1]]);
		assert.deepEqual(await one('&q=9999999999'), []);
		assert.ok((await hongda.get(`/worklist?tab=all&q=${apps[1]}`)).json.items.some((i) => i.id === apps[1]));
		assertError(await hongda.get('/worklist?tab=mine'), 400, 'invalid_field', 'tab');
		assertError(await hongda.get('/worklist?size=101'), 400, 'invalid_field', 'size');
		assertError(await hongda.get('/worklist?after=xyz'), 400, 'invalid_field', 'after');
		assertError(await hongda.get('/worklist?owner=1'), 400, 'unknown_field', 'owner');
	});

	test('export: a real .xlsx of the filtered list, with masked 身份证号', async () => {
		const p = await sqlInt(`SELECT plan_id FROM application WHERE id = ${apps[3]}`);
		const step = await sqlInt(`SELECT step_seq FROM application WHERE id = ${apps[3]}`);
		const decided = await move(hongda, apps[3], 'pass', step, `经审查，材料齐全（${apps[3]}）。`);
		assert.equal(decided.status, 200, decided.text);
		const res = await fetch(hongda.url(`/worklist.xlsx?tab=all&plan=${p}`), { headers: { Cookie: hongda.cookieHeader() } });
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		assert.match(res.headers.get('content-disposition'), /^attachment;.*\.xlsx/);
		const bytes = Buffer.from(await res.arrayBuffer());
		assert.equal(bytes.subarray(0, 2).toString(), 'PK');
		const dir = scratchDir('xlsx-');
		const file = path.join(dir, 'list.xlsx');
		writeFileSync(file, bytes);
		const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		assert.match(strings, /张建国/);
		assert.match(strings, /3307\*{10}0015/);
		assert.doesNotMatch(strings, /330702199001010015/);
		// the mobile (masked as the 身份证号 is) and 申报专业, each in its column: the shared
		// strings come in the order the sheet first uses them, the header row's then the row's
		const [mobile, specialty, unit] = (await sql(`SELECT u.mobile || '|' || a.specialty || '|' || o.name
		    FROM application a JOIN app_user u ON u.id = a.applicant_id JOIN org o ON o.id = a.unit_org_id
		    WHERE a.id = ${apps[3]}`)).split('|');
		const masked = `${mobile.slice(0, 3)}****${mobile.slice(-4)}`;
		assert.ok(!strings.includes(mobile), 'no whole mobile in the file');
		const at = (s) => strings.indexOf(`>${s}<`);
		for (const want of ['身份证号', '手机号码', '单位', '申报方式', '申报专业', '当前环节', masked, unit, specialty])
			assert.ok(at(want) > 0, want);
		assert.ok(at('身份证号') < at('手机号码') && at('手机号码') < at('单位'), 'header: 身份证号, 手机号码, 单位');
		assert.ok(at('申报方式') < at('申报专业') && at('申报专业') < at('当前环节'), 'header: 申报方式, 申报专业, 当前环节');
		assert.ok(at('当前环节') < at(masked) && at(masked) < at(unit), 'the row: the mobile before the unit');
		assert.match(strings, /身份证号、手机号码已隐去中间位/);
		const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString();
		assert.equal((sheet.match(/<row /g) || []).length, 3, 'title, header and one row');
		// a record of the day's work too (the deadline-day probe): the 申报编号 it is found by, and
		// what this organisation decided, when, with what opinion
		for (const want of ['申报编号', '本单位审查结果', '审查时间', '审查意见或理由'])
			assert.ok(at(want) > 0, want);
		assert.match(sheet, new RegExp(`<c r="B3"[^>]*><v>${apps[3]}</v></c>`), 'the 申报编号 in the second column');
		// (passed, it came back to the unit for its 公示: still the unit's decision)
		const opinion = `经审查，材料齐全（${apps[3]}）。`;
		for (const v of ['通过', opinion])
			assert.ok(at(v) > at('审查意见或理由'), v);
		const when = await sql(`SELECT to_char(max(at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')
		    FROM chain_history WHERE application_id = ${apps[3]} AND action = 'pass'`);
		assert.ok(at(when) > 0, when);
	});
});

describe('opinion templates', () => {
	test('an organisation keeps its own; others cannot delete them', async () => {
		const text = `经审查，符合申报条件-${tag()}`;
		const r = await hongda.post('/opinions', { text });
		assert.equal(r.status, 201, r.text);
		assertError(await hongda.post('/opinions', { text }), 409, 'conflict', 'text');
		assert.ok((await hongda.get('/opinions')).json.items.some((o) => o.text === text));
		assert.ok(!(await sjy.get('/opinions')).json.items.some((o) => o.text === text));
		assertError(await sjy.request('DELETE', `/opinions/${r.json.id}`), 404, 'not_found');
		assert.equal((await hongda.request('DELETE', `/opinions/${r.json.id}`)).status, 200);
		assert.ok(!(await hongda.get('/opinions')).json.items.some((o) => o.text === text));
	});

	// (the deadline-day probe: every 退回理由 was typed afresh)
	test('a 退回 and a 不通过 keep their reasons too, apart from 通过\'s opinions', async () => {
		const text = `请补充继续教育学时证明-${tag()}`;
		const ret = await hongda.post('/opinions', { text, action: 'return' });
		assert.equal(ret.status, 201, ret.text);
		assertError(await hongda.post('/opinions', { text, action: 'return' }), 409, 'conflict', 'text');
		const rej = await hongda.post('/opinions', { text, action: 'reject' }); // the same words, another decision's
		assert.equal(rej.status, 201, rej.text);
		const plain = await hongda.post('/opinions', { text }); // no action: 通过's, as before
		assert.equal(plain.status, 201, plain.text);
		const mine = (await hongda.get('/opinions')).json.items.filter((o) => o.text === text);
		assert.deepEqual(mine.map((o) => o.action).sort(), ['pass', 'reject', 'return']);
		assertError(await hongda.post('/opinions', { text, action: 'submit' }), 400, 'invalid_field', 'action');
		for (const o of mine)
			assert.equal((await hongda.request('DELETE', `/opinions/${o.id}`)).status, 200);
	});
});

describe('reference data', () => {
	test('state, action and step labels come from one place', async () => {
		const r = await wucheng.get('/reference');
		assert.equal(r.status, 200, r.text);
		const states = Object.fromEntries(r.json.states.map((s) => [s.code, s.name]));
		assert.deepEqual(states, { completed: '已办结', draft: '草稿', in_review: '审查中', rejected: '不通过', returned: '已退回修改' });
		assert.deepEqual(r.json.actions.map((a) => a.code), ['submit', 'pass', 'return', 'reject']);
		const mid = r.json.pipelines.find((p) => p.code === 'mid_review');
		assert.equal(mid.steps.length, 12);
		assert.deepEqual(mid.steps[11].actions, ['pass']);
		assert.equal(r.json.methods.find((m) => m.code === 'abc').name, '直接（ABC类）申报');
		assert.equal(r.json.checklists.department.length, 6);
		const rows = await sqlRows('SELECT count(*) FROM state_label');
		assert.equal(rows[0][0], String(r.json.states.length));
		// the worklist's 评审计划 filter takes its ids from here
		const plan = await sqlRows("SELECT id, name FROM plan ORDER BY id LIMIT 1");
		assert.ok(r.json.plans.some((p) => p.id === Number(plan[0][0]) && p.name === plan[0][1]));
		assert.ok(r.json.plans.every((p) => typeof p.year === 'number' && ['junior', 'mid'].includes(p.level)));
	});
});
