// 统计分析 (issue 9): the figures of GET /stats and /stats.xlsx on a small set of moves made
// through the API under a plan of the test's own, so that every figure is known: applications
// by step, county, 申报类型 and 申报方式; each department's decisions and their rates; the
// working days from arrival to decision (median, 90th percentile, mean). Who may read them: the
// departments (their own desk only) and the operator; never an applicant or a unit.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { VAR, assertError, loginAs, raw, registerApplicant, retire, scratchDir, sql, sqlInt, sqlOn } from './lib.mjs';
import { newDrafts } from './drafts.mjs';

// the working days each application waited at the county before its decision (the last one
// is still waiting); the county passes three, returns one, rejects one; the county's 人力社保局
// then passes the first and returns the second the day they arrive
const WAITED = [1, 2, 3, 5, 8, 13];
const COUNTY = ['pass', 'pass', 'pass', 'return', 'reject', null];

let plan, apps = [];
let wucheng, wuchengHrb, jindong, wuchengCpw, city, admin, hongda;

const move = (s, app, action, step, text) => s.post(`/applications/${app}/move`, { action, step, text });
const stats = async (s, query = `?plan=${plan}`) => {
	const r = await s.get(`/stats${query}`);
	assert.equal(r.status, 200, `${s.role} stats: ${r.text}`);
	return r.json;
};
const counts = (items, key) => Object.fromEntries(items.map((x) => [x[key], x.count]));
const stepRows = (f) => f.by_step.map((x) => `${x.step}:${x.state}:${x.count}`);
const step = (f, n) => f.steps.find((s) => s.step === n);

/*
 * The unit reported app to the county k working days ago: the history row that brought it
 * there is dated back (to the first day whose working-day ordinal is k less than today's, in
 * Asia/Shanghai). The history is append-only for every role, so this fixture's own superuser
 * session skips the triggers for this one correction.
 */
async function reportedDaysAgo(app, k) {
	await sql(`SET session_replication_role = replica;
	    UPDATE chain_history SET at = (SELECT (min(day) + time '10:00') AT TIME ZONE 'Asia/Shanghai'
	     FROM workday_ordinal WHERE n = (SELECT n FROM workday_ordinal
	      WHERE day = (now() AT TIME ZONE 'Asia/Shanghai')::date) - ${Number(k)})
	    WHERE application_id = ${app} AND to_step = 4;
	    RESET session_replication_role`);
}

before(async () => {
	[wucheng, wuchengHrb, jindong, wuchengCpw, city, admin, hongda] = await Promise.all([
		loginAs('county', 'wucheng_jsj'), loginAs('hrb', 'wucheng_rsj'), loginAs('county', 'jindong_jsj'),
		loginAs('county', 'wucheng_cpw'), loginAs('city', 'jh_zpw'), loginAs('admin', 'admin'),
		loginAs('unit', 'unit_hongda'),
	]);
	plan = await sqlInt(`INSERT INTO plan (year, name, level, opens_on, closes_on)
	    VALUES (2023, '统计测试计划 ' || gen_random_uuid(), 'mid', current_date, current_date + 1) RETURNING id`);
	// six people apply under the plan at 金华宏达 (婺城区); the unit checks and reports each
	for (let i = 0; i < WAITED.length; i++) {
		const who = await registerApplicant();
		const [app] = await newDrafts(1, { applicant: who.idcard, plan });
		apps.push(app);
		const person = await loginAs('applicant', who.idcard, who.password);
		const r = await person.post(`/applications/${app}/submit`);
		assert.equal(r.status, 200, `submit: ${r.text}`);
		assert.equal((await move(hongda, app, 'pass', 2, '资格审查通过')).status, 200);
		await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
		    SELECT ${app}, 3, current_date - 14, id FROM app_user WHERE username = 'unit_hongda'`);
		const u = await move(hongda, app, 'pass', 3, '公示无异议，推荐上报');
		assert.equal(u.status, 200, u.text);
		await reportedDaysAgo(app, WAITED[i]);
	}
	// the fee is paid (the county's pass needs it)
	await sql(`UPDATE application SET paid_at = now() WHERE id IN (${apps.join(', ')})`);
	for (let i = 0; i < apps.length; i++) {
		if (COUNTY[i] === null)
			continue;
		const r = await move(wucheng, apps[i], COUNTY[i], 4, COUNTY[i] === 'pass' ? '资格审查通过' : '不符合申报条件');
		assert.equal(r.status, 200, `county ${COUNTY[i]}: ${r.text}`);
	}
	assert.equal((await move(wuchengHrb, apps[0], 'pass', 5, '复审通过')).status, 200);
	assert.equal((await move(wuchengHrb, apps[1], 'return', 5, '请补充社保证明')).status, 200);
	// two of them chose another 申报类型, one another 申报方式 (as stored; the figures read them)
	await sql(`UPDATE application SET category = 'planning' WHERE id IN (${apps[4]}, ${apps[5]})`);
	await sql(`UPDATE application SET method = 'transfer' WHERE id = ${apps[5]}`);
});

after(async () => {
	if (apps.length > 0)
		await retire(`id IN (${apps.join(', ')})`);
});

describe('a department sees what reached its desk', () => {
	test('the county: by step, county, 申报类型, 申报方式', async () => {
		const f = await stats(wucheng);
		assert.equal(f.scope.org, '婺城区住房和城乡建设局');
		assert.equal(f.scope.plan.id, plan);
		assert.match(f.scope.plan.name, /^统计测试计划 /);
		assert.equal(f.total, 6);
		// 0: 6 county construction (评前面试) after the bureau passed it; 1: returned by the bureau;
		// 2: at the bureau; 3: returned by the county; 4: rejected; 5: waiting
		assert.deepEqual(stepRows(f), ['1:returned:2', '4:in_review:1', '4:rejected:1', '5:in_review:1',
		    '6:in_review:1']);
		const s4 = f.by_step.find((x) => x.step === 4 && x.state === 'rejected');
		assert.deepEqual(s4, { pipeline: 'mid_review', pipeline_name: '中级评审', step: 4,
		    step_name: '县（市、区）建设初评委资格审查', state: 'rejected', state_name: '不通过', count: 1 });
		assert.deepEqual(f.by_region.map((r) => [r.name, r.count]), [['婺城区', 6]]);
		assert.deepEqual(counts(f.by_category, 'code'), { construction: 4, planning: 2 });
		assert.deepEqual(f.by_category.map((c) => c.name), ['施工与监理类', '规划与设计类'], 'largest first, named');
		assert.deepEqual(counts(f.by_method, 'code'), { normal: 5, transfer: 1 });
		assert.equal(f.by_method.find((m) => m.code === 'transfer').name, '“转（兼）评”申报');
	});

	test('the county: its decisions, their rates and the working days they took', async () => {
		const f = await stats(wucheng);
		assert.deepEqual(f.decisions, { pass: 3, return: 1, reject: 1, total: 5, pass_rate: 60,
		    return_rate: 20, reject_rate: 20 });
		assert.equal(f.steps.length, 1, 'the county decided at step 4 only');
		// waited 1, 2, 3, 5, 8 working days: median 3; 90th percentile 5 + 0.6 * (8 - 5); mean 19 / 5
		assert.deepEqual(step(f, 4), { pipeline: 'mid_review', pipeline_name: '中级评审', step: 4,
		    step_name: '县（市、区）建设初评委资格审查', pass: 3, return: 1, reject: 1, decisions: 5,
		    pass_rate: 60, return_rate: 20, reject_rate: 20, days_counted: 5, days_uncounted: 0,
		    days_median: 3, days_p90: 6.8, days_mean: 3.8 });
		// the same as PostgreSQL's own percentile_cont over the history itself
		const ref = await sql(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d),
		    round(percentile_cont(0.9) WITHIN GROUP (ORDER BY d)::numeric, 1), count(*)
		    FROM (SELECT working_days((p.at AT TIME ZONE 'Asia/Shanghai')::date,
		     (h.at AT TIME ZONE 'Asia/Shanghai')::date) AS d
		     FROM chain_history h JOIN chain_history p ON p.application_id = h.application_id AND p.no = h.no - 1
		     WHERE h.application_id IN (${apps.join(', ')}) AND h.from_step = 4 AND h.action <> 'submit') x`);
		assert.equal(ref, '3|6.8|5');
	});

	test('the county 人力社保局: only what reached it, its own decisions', async () => {
		const f = await stats(wuchengHrb);
		assert.equal(f.scope.org, '婺城区人力资源和社会保障局');
		assert.equal(f.total, 3);
		assert.deepEqual(stepRows(f), ['1:returned:1', '5:in_review:1', '6:in_review:1']);
		assert.deepEqual(f.decisions, { pass: 1, return: 1, reject: 0, total: 2, pass_rate: 50,
		    return_rate: 50, reject_rate: 0 });
		assert.deepEqual(f.steps.map((s) => [s.step, s.days_counted, s.days_median, s.days_p90]), [[5, 2, 0, 0]],
		    'decided the day they arrived');
	});

	test('another county, a committee and the city, which the applications did not reach, see none', async () => {
		for (const s of [jindong, wuchengCpw, city]) {
			const f = await stats(s);
			assert.equal(f.total, 0, s.role);
			assert.deepEqual([f.by_step, f.by_region, f.by_category, f.by_method, f.steps], [[], [], [], [], []]);
			assert.deepEqual(f.decisions, { pass: 0, return: 0, reject: 0, total: 0, pass_rate: null,
			    return_rate: null, reject_rate: null });
		}
	});

	test('without the plan filter the county sees at least these, with other plans\' too', async () => {
		const all = await stats(wucheng, '');
		assert.equal(all.scope.plan, null);
		assert.ok(all.total >= 6);
		assert.ok(all.decisions.pass >= 3 && all.decisions.total >= 5);
	});
});

describe('the operator sees the whole platform', () => {
	test('every organisation\'s decisions, the unit\'s included', async () => {
		const f = await stats(admin);
		assert.equal(f.scope.org, '全平台');
		assert.equal(f.total, 6);
		// 金华宏达: 6 passes at 资格审查 (2) and 6 at 公示并推荐上报 (3)
		assert.deepEqual(f.steps.map((s) => [s.step, s.pass, s.return, s.reject]),
		    [[2, 6, 0, 0], [3, 6, 0, 0], [4, 3, 1, 1], [5, 1, 1, 0]]);
		assert.deepEqual(f.decisions, { pass: 16, return: 2, reject: 1, total: 19, pass_rate: 84.2,
		    return_rate: 10.5, reject_rate: 5.3 });
		assert.equal(step(f, 4).days_median, 3);
		assert.equal(step(f, 4).days_p90, 6.8);
	});
});

describe('the export and the refusals', () => {
	test('stats.xlsx: the same figures, one sheet per table', async () => {
		const res = await fetch(wucheng.url(`/stats.xlsx?plan=${plan}`), { headers: { Cookie: wucheng.cookieHeader() } });
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
		assert.match(res.headers.get('content-disposition'), /^attachment;.*\.xlsx/);
		const dir = scratchDir('stats-');
		const file = path.join(dir, 'stats.xlsx');
		writeFileSync(file, Buffer.from(await res.arrayBuffer()));
		const unzip = (part) => execFileSync('unzip', ['-p', file, part]).toString();
		const names = [...unzip('xl/workbook.xml').matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]);
		assert.deepEqual(names, ['概况', '按环节', '按地区', '按申报类型', '按申报方式', '审查决定', '办理时长']);
		const strings = unzip('xl/sharedStrings.xml');
		for (const s of ['婺城区住房和城乡建设局', '统计测试计划', '县（市、区）建设初评委资格审查', '婺城区'])
			assert.ok(strings.includes(s), `the workbook shows ${s}`);
		// the rates are numbers shown as 60.0% (the operator's probe: text, which nothing sorts or sums)
		assert.ok(!strings.includes('60.0%'), 'no rate as text');
		const sum = unzip('xl/worksheets/sheet1.xml');
		const rates = [...sum.matchAll(/<c r="C[7-9]" s="(\d+)"[^>]*><v>([^<]+)<\/v>/g)];
		assert.deepEqual(rates.map((m) => Number(m[2])), [0.6, 0.2, 0.2], sum);
		const styles = unzip('xl/styles.xml');
		const fmt = styles.match(/<numFmt numFmtId="(\d+)" formatCode="0\.0%"\/>/);
		assert.ok(fmt, styles);
		const xfs = [...styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/)[1].matchAll(/<xf [^>]*numFmtId="(\d+)"/g)].map((m) => m[1]);
		assert.equal(xfs[Number(rates[0][1])], fmt[1], 'the rate cells are formatted as percentages');
		// 办理时长: step 4, 5 counted, median 3, p90 6.8, mean 3.8, none uncounted
		const days = unzip('xl/worksheets/sheet7.xml');
		const values = [...days.matchAll(/<c r="[D-H]3"[^>]*><v>([^<]+)<\/v>/g)].map((m) => Number(m[1]));
		assert.deepEqual(values, [5, 3, 6.8, 3.8, 0]);
	});

	test('an applicant and a unit have no such route; no session is 401', async () => {
		const who = await registerApplicant();
		const person = await loginAs('applicant', who.idcard, who.password);
		assertError(await person.get('/stats'), 404, 'not_found');
		assertError(await person.get('/stats.xlsx'), 404, 'not_found');
		assertError(await hongda.get('/stats'), 404, 'not_found');
		assertError(await hongda.get('/stats.xlsx'), 404, 'not_found');
		for (const role of ['county', 'city', 'hrb', 'admin'])
			assertError(await raw('GET', `/api/${role}/stats`), 401, 'unauthorized');
		// a unit's cookie is no session of a department's program
		const r = await raw('GET', '/api/county/stats', { headers: { Cookie: `sid=${hongda.cookies.get('sid')}` } });
		assertError(r, 401, 'unauthorized');
	});

	test('the counts behind the figures are written by the database alone', async () => {
		for (const role of ['county', 'city', 'hrb', 'admin', 'unit', 'applicant'])
			for (const table of ['stay_tally', 'stay_tally_all']) {
				await assert.rejects(sql(`SET ROLE portal_${role}; UPDATE ${table} SET n = n + 1; RESET ROLE`),
				    /permission denied/, `portal_${role} writes ${table}`);
				await sql('RESET ROLE');
			}
		await assert.rejects(sql(`SET ROLE portal_unit; SELECT count(*) FROM stay_tally; RESET ROLE`),
		    /permission denied/, 'a unit reads no figures');
		await sql('RESET ROLE');
		// the operator's counts without the organisation (sql/027) are the operator's alone
		for (const role of ['county', 'city', 'hrb', 'unit']) {
			await assert.rejects(sql(`SET ROLE portal_${role}; SELECT count(*) FROM stay_tally_all; RESET ROLE`),
			    /permission denied/, `portal_${role} reads stay_tally_all`);
			await sql('RESET ROLE');
		}
		// the notes of decisions not yet counted (sql/022): written by the history's trigger only
		for (const role of ['county', 'city', 'hrb', 'admin', 'unit', 'applicant']) {
			await assert.rejects(sql(`SET ROLE portal_${role}; INSERT INTO stay_pending VALUES (1); RESET ROLE`),
			    /permission denied/, `portal_${role} notes a decision`);
			await sql('RESET ROLE');
		}
	});

	test('every decision is counted once, however many departments look at once (sql/022)', async () => {
		// the whole history's decisions noted afresh, then four folds at the same moment, each
		// in a session of its own: the notes are taken once, the counts add up to the history
		const decisions = `SELECT count(*) FROM chain_history h JOIN chain_history p
			ON p.application_id = h.application_id AND p.no = h.no - 1
			WHERE h.actor_org_id IS NOT NULL AND h.action IN ('pass', 'return', 'reject')`;
		const [before, beforeAll] = [await stats(wucheng), await stats(admin)];
		await sql(`BEGIN; DELETE FROM stay_tally; DELETE FROM stay_tally_all;
			INSERT INTO stay_pending SELECT id FROM chain_history
			WHERE actor_org_id IS NOT NULL AND action IN ('pass', 'return', 'reject'); COMMIT`);
		assert.ok(await sqlInt('SELECT count(*) FROM stay_pending') > 0);
		const sessions = [1, 2, 3, 4].map(() => sqlOn(VAR));
		await Promise.all(sessions.map((q) => q('SELECT stay_fold()')));
		assert.equal(await sqlInt('SELECT count(*) FROM stay_pending'), 0);
		assert.equal(await sqlInt('SELECT coalesce(sum(n), 0) FROM stay_tally'), await sqlInt(decisions));
		// the operator's table (sql/027) is the organisations' rows summed, row for row
		assert.equal(await sqlInt(`SELECT count(*) FROM (SELECT plan_id, pipeline_id, step, action,
			arrived_on, decided_on, sum(n) FROM stay_tally GROUP BY 1, 2, 3, 4, 5, 6
			EXCEPT ALL SELECT plan_id, pipeline_id, step, action, arrived_on, decided_on, n
			FROM stay_tally_all) x`), 0);
		assert.equal(await sqlInt('SELECT coalesce(sum(n), 0) FROM stay_tally_all'), await sqlInt(decisions));
		assert.deepEqual(await stats(wucheng), before);
		assert.deepEqual(await stats(admin), beforeAll);
	});

	test('the plan filter: declared, an integer, a plan that exists', async () => {
		assertError(await wucheng.get('/stats?plan=abc'), 400, 'invalid_field', 'plan');
		assertError(await wucheng.get('/stats?plan=0'), 400, 'invalid_field', 'plan');
		assertError(await wucheng.get('/stats?plan=99999999'), 404, 'not_found', 'plan');
		assertError(await wucheng.get('/stats?org=1'), 400, 'unknown_field');
		assertError(await wucheng.get(`/stats.xlsx?plan=99999999`), 404, 'not_found', 'plan');
	});
});
