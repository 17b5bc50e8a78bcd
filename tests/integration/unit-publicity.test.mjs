// 资格公示与报送 (cgi-bin/unit/page-publicity.c, lib/chain.c chain_publicise):
// the unit registers the 公示 of an application that passed its 资格审查, sees
// its working days, reports it upward once 5 are over; a returned and
// resubmitted application is publicised again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import {
	DEMO_APPLICANT, HONGDA, assertError, lit, loginAs, retire, scratchDir, sql, sqlInt, sqlRows, worklistRow,
} from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import { apply } from './apply.mjs';
import { CENTRE, MID_PLAN, afterCleanup, newApplicant, orgId } from './applicant-fixtures.mjs';

let app, applicant, unit, sjy, county, unitUser;
const move = (s, step, action = 'pass', text = '同意') => s.post(`/applications/${app}/move`, { action, step, text });
const publicise = (s, starts_on) => s.post(`/applications/${app}/publicity`, { starts_on });
const listed = async () => (await unit.get('/publicity')).json.items.find((i) => i.id === app);
const day = (offset) => sql(`SELECT to_char(current_date + ${offset}, 'YYYY-MM-DD')`);

before(async () => {
	[app] = await newDrafts(1);
	applicant = await loginAs('applicant', DEMO_APPLICANT);
	unit = await loginAs('unit', 'unit_hongda');
	sjy = await loginAs('unit', 'unit_sjy');
	county = await loginAs('county', 'wucheng_jsj');
	unitUser = await sqlInt(`SELECT id FROM app_user WHERE username = 'unit_hongda'`);
	assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
});

after(async () => {
	await retire(`id = ${app}`);
	await afterCleanup();
});

describe('资格公示与报送', () => {
	test('before 资格审查 passes there is nothing to publicise', async () => {
		assert.equal(await listed(), undefined);
		const e = assertError(await publicise(unit, await day(0)), 409, 'conflict');
		assert.match(e.message, /不在公示环节/);
	});

	test('after it passes: listed as 未公示; 通过 is refused and points to this page', async () => {
		assert.equal((await move(unit, 2, 'pass', '资格审查通过')).status, 200);
		const it = await listed();
		assert.ok(it, 'not in the publicity list');
		assert.deepEqual([it.applicant, it.step, it.publicity, it.arrived_on], ['张建国', 3, null, await day(0)]);
		// nothing is owed before the chain's fee step: no 未缴费 at the unit (the chains' walk)
		const row = await worklistRow(unit, app);
		assert.deepEqual([row.paid, row.fee_due], [false, false]);
		assert.match(it.idcard, /^3307\*+0015$/);
		// where 推荐上报 sends it: the county's 建设初评委 of the unit's region
		assert.deepEqual(it.next, { step_name: '县（市、区）建设初评委资格审查', holder: '婺城区住房和城乡建设局' });
		const e = assertError(await move(unit, 3), 409, 'gate');
		assert.match(e.message, /资格公示与报送/);
	});

	test('bad dates, other units and other roles are refused; nothing is written', async () => {
		for (const bad of ['2023-13-01', '2026-02-30', '20230101xx']) {
			const e = assertError(await publicise(unit, bad), 400, 'invalid_field', 'starts_on');
			assert.match(e.message, /不是有效的日期/, bad);
		}
		const future = assertError(await publicise(unit, await day(1)), 400, 'invalid_field', 'starts_on');
		assert.match(future.message, /不晚于今天/);
		// not before 资格审查 passed (today)
		const e = assertError(await publicise(unit, await day(-1)), 400, 'invalid_field', 'starts_on');
		assert.match(e.message, /不能早于资格审查通过的日期/);
		// another unit learns nothing of it (404, as for a move)
		const other = assertError(await publicise(sjy, await day(0)), 404, 'not_found');
		assert.doesNotMatch(other.message, /本单位办理环节/);
		assertError(await unit.post('/applications/999999999/publicity', { starts_on: await day(0) }), 404, 'not_found');
		assertError(await publicise(county, await day(0)), 404, 'not_found');
		assertError(await unit.post(`/applications/${app}/publicity`, {}), 400, 'invalid_field', 'starts_on');
		assertError(await unit.post(`/applications/${app}/publicity`, { starts_on: await day(0) }, { csrf: false }), 403, 'csrf');
		assert.equal(await sqlInt(`SELECT count(*) FROM publicity WHERE application_id = ${app}`), 0);
	});

	test('registered today: 0 of 5 working days, its last day, an audit row and a message', async () => {
		const r = await publicise(unit, await day(0));
		assert.equal(r.status, 200, r.text);
		const ends = await sql(`SELECT to_char(nth_working_day(current_date, 5), 'YYYY-MM-DD')`);
		assert.deepEqual(r.json, { starts_on: await day(0), ends_on: ends });
		const it = await listed();
		assert.deepEqual(it.publicity, { starts_on: await day(0), ends_on: ends, days_done: 0, over: false });
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'publicise'
		    AND target_id = ${app} AND actor_user_id = ${unitUser}`), 1);
		const note = await sqlRows(`SELECT body FROM notification n JOIN app_user u ON u.id = n.user_id
		    WHERE u.username = '${DEMO_APPLICANT}' ORDER BY n.id DESC LIMIT 1`);
		assert.match(note[0][0], new RegExp(`公示期至 ${ends}`));
		const e = assertError(await move(unit, 3), 409, 'gate');
		assert.match(e.message, /已满 0 个工作日/);
		// the same 公示 registered again (twice at once, as a double click would): as it was, no
		// second audit row or message (the concurrency probe: two identical SMS)
		const notes = () => sqlInt(`SELECT count(*) FROM notification n JOIN app_user u ON u.id = n.user_id
		    WHERE u.username = '${DEMO_APPLICANT}'`);
		const before = await notes();
		const again = await Promise.all([publicise(unit, await day(0)), publicise(unit, await day(0))]);
		assert.deepEqual(again.map((x) => [x.status, x.json.ends_on]), [[200, ends], [200, ends]]);
		assert.equal(await notes(), before);
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'publicise'
		    AND target_id = ${app} AND actor_user_id = ${unitUser}`), 1);
	});

	test('nth_working_day skips weekends and the seeded holidays', async () => {
		// 2023-09-28 (Thu): 29 Sep – 6 Oct are 中秋/国庆 holidays, 7–8 Oct are 调休 workdays
		assert.equal(await sql(`SELECT nth_working_day('2023-09-28', 5)`), '2023-10-10');
		assert.equal(await sql(`SELECT nth_working_day('2023-09-28', 1)`), '2023-09-28');
		assert.equal(await sql(`SELECT nth_working_day('2023-09-30', 1)`), '2023-10-07');
	});

	test('once 5 working days are over (14 days ago) it is 公示期满 and reports upward to the county', async () => {
		await sql(`UPDATE publicity SET starts_on = current_date - 14 WHERE application_id = ${app}`);
		const it = await listed();
		assert.equal(it.publicity.over, true);
		assert.equal(it.publicity.days_done, 5);
		const r = await move(unit, 3, 'pass', '经公示无异议，同意推荐上报。');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.state, r.json.step], ['in_review', 4]);
		// the 12333 message that asks for the 评审表 and the fee (the notice, 二、7)
		const note = await sqlRows(`SELECT body FROM notification n JOIN app_user u ON u.id = n.user_id
		    WHERE u.username = '${DEMO_APPLICANT}' ORDER BY n.id DESC LIMIT 1`);
		assert.match(note[0][0], /已通过“单位公示并推荐上报”，现由.+进行“县（市、区）建设初评委资格审查”。请登录平台导出打印评审表，并缴纳推荐评审费 260 元（推荐费 80 元、评审费 180 元）。$/);
		assert.equal(await listed(), undefined);
		assert.ok(await worklistRow(county, app));
		// the county reads in the history the publicity the unit passed on: its days, its objections
		const hist = (await county.get(`/applications/${app}`)).json.history
		assert.deepEqual(hist.at(-1).publicity, { starts_on: it.publicity.starts_on, ends_on: it.publicity.ends_on,
			objections: await sqlInt(`SELECT count(*) FROM objection WHERE application_id = ${app} AND step_seq = 3`) });
		assert.equal(hist.at(-2).publicity, undefined, 'the 资格审查 passed on no publicity');
		// reported up, it is no longer the unit's to publicise: a conflict, not a stranger's 404
		const e = assertError(await publicise(unit, await day(0)), 409, 'conflict');
		assert.match(e.message, /当前不在您的办理环节/);
	});

	test('returned and resubmitted: the old 公示 no longer counts, a new one is registered over it', async () => {
		assert.equal((await move(county, 4, 'return', '请补充材料')).status, 200);
		assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
		assert.equal((await move(unit, 2, 'pass', '资格审查通过')).status, 200);
		assert.equal((await listed()).publicity, null);
		const e = assertError(await move(unit, 3), 409, 'gate');
		assert.match(e.message, /尚未公示/);
		assert.equal((await publicise(unit, await day(0))).status, 200);
		assert.equal(await sqlInt(`SELECT count(*) FROM publicity WHERE application_id = ${app}
		    AND starts_on = current_date`), 1);
		assert.equal((await listed()).publicity.days_done, 0);
	});
});

describe('异议 during the 公示, and the 公示表', () => {
	let obj;
	const objections = () => unit.get(`/applications/${app}/objections`);

	test('an objection is recorded during the publicity; others cannot see or add one', async () => {
		// the application was publicised again today (the describe above)
		const r = await unit.post(`/applications/${app}/objections`, { raised_on: await day(0), content: '有人反映其业绩材料与实际不符' });
		assert.equal(r.status, 201, r.text);
		obj = r.json.id;
		const list = await objections();
		assert.deepEqual(list.json.items.map((o) => [o.id, o.open, o.content, o.recorded_by]),
		    [[obj, true, '有人反映其业绩材料与实际不符', '王丽华']]);
		assertError(await sjy.get(`/applications/${app}/objections`), 404, 'not_found');
		assertError(await sjy.post(`/applications/${app}/objections`, { raised_on: await day(0), content: 'x' }), 404, 'not_found');
		assertError(await sjy.post(`/objections/${obj}/resolve`, { resolution: '无' }), 404, 'not_found');
		assertError(await unit.post(`/applications/${app}/objections`, { raised_on: await day(1), content: 'x' }), 400, 'invalid_field', 'raised_on');
		assertError(await unit.post(`/applications/${app}/objections`, { raised_on: await day(-40), content: 'x' }), 400, 'invalid_field', 'raised_on');
		assertError(await unit.post(`/applications/${app}/objections`, { raised_on: await day(0) }), 400, 'invalid_field', 'content');
		assert.equal((await listed()).objections_open, 1);
	});

	test('reporting upward is refused while an objection is open, even after 5 working days', async () => {
		await sql(`UPDATE publicity SET starts_on = current_date - 14 WHERE application_id = ${app}`);
		const e = assertError(await move(unit, 3, 'pass', '推荐上报'), 409, 'gate');
		assert.match(e.message, /异议/);
		const d = await unit.get(`/applications/${app}`);
		assert.deepEqual(d.json.gates.map((g) => [g.kind, g.met]), [['publicity', false]]);
		assert.match(d.json.gates[0].text, /1 条异议/);
	});

	test('once resolved with a note it reports upward', async () => {
		assertError(await unit.post(`/objections/${obj}/resolve`, {}), 400, 'invalid_field', 'resolution');
		assert.equal((await unit.post(`/objections/${obj}/resolve`, { resolution: '经核实，业绩属实，异议不成立' })).status, 200);
		assertError(await unit.post(`/objections/${obj}/resolve`, { resolution: '再次处理' }), 409, 'conflict');
		const o = (await objections()).json.items[0];
		assert.deepEqual([o.open, o.resolution, o.resolved_by], [false, '经核实，业绩属实，异议不成立', '王丽华']);
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE target_id = ${app}
		    AND action IN ('objection_add', 'objection_resolve')`), 2);
		// the log says what was raised and how it was dealt with
		assert.deepEqual(await sqlRows(`SELECT action, detail->>'objection', detail->>'content', detail->>'resolution'
		    FROM audit_log WHERE target_id = ${app} AND action IN ('objection_add', 'objection_resolve') ORDER BY id`), [
			['objection_add', String(obj), '有人反映其业绩材料与实际不符', ''],
			['objection_resolve', String(obj), '', '经核实，业绩属实，异议不成立']]);
		const r = await move(unit, 3, 'pass', '公示期满，异议已处理，推荐上报');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.step, 4);
		// not at the publicity step any more: no new objection
		assertError(await unit.post(`/applications/${app}/objections`, { raised_on: await day(0), content: 'x' }), 409, 'conflict');
	});

	test('the 公示表 is an .xlsx of the applications at the publicity step, 身份证号 masked', async () => {
		const [other] = await newDrafts(1);
		assert.equal((await applicant.post(`/applications/${other}/submit`)).status, 200);
		assert.equal((await unit.post(`/applications/${other}/move`, { action: 'pass', step: 2, text: '通过' })).status, 200);
		// 主要业绩 are the works: not the 继续教育学时 the application carries too
		await sql(`WITH i AS (INSERT INTO archive_item (owner_id, kind, title, status, reviewer_org_id)
		    SELECT applicant_id, 'education', '夹具继续教育', 'approved', unit_org_id FROM application WHERE id = ${other}
		    RETURNING id)
		    INSERT INTO application_archive (application_id, item_id) SELECT ${other}, id FROM i`);
		const res = await fetch(unit.url('/publicity.xlsx'), { headers: { Cookie: unit.cookieHeader() } });
		await retire(`id = ${other}`);
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-disposition'), /^attachment;.*xlsx/);
		const bytes = Buffer.from(await res.arrayBuffer());
		assert.equal(bytes.subarray(0, 2).toString(), 'PK');
		const { execFileSync } = await import('node:child_process');
		const { writeFileSync } = await import('node:fs');
		const file = `${scratchDir('gs-')}/gs.xlsx`;
		writeFileSync(file, bytes);
		const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		assert.match(strings, /职称申报人员公示表/);
		// 基本情况 (notice 一.4); the column is the 申报专业 it shows; where to object
		for (const h of ['学历', '现有职称（取得时间）', '参加工作时间', '申报专业', '公示事项', '如有异议，请在公示期内向本单位反映'])
			assert.ok(strings.includes(h), `the 公示表 lacks ${h}`);
		assert.doesNotMatch(strings, /现从事专业/);
		// 公示事项 says what is publicised, not the step's name
		assert.match(strings, /职称申报资格公示/);
		assert.doesNotMatch(strings, /单位公示并推荐上报/);
		// printed on A4 across, one page wide, the header on every page
		const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString();
		const setup = sheet.match(/<pageSetup [^>]*>/)?.[0] ?? '';
		for (const a of ['paperSize="9"', 'orientation="landscape"', 'fitToHeight="0"'])
			assert.ok(setup.includes(a), `the 公示表's page setup lacks ${a}: ${setup}`);
		assert.match(sheet, /<pageSetUpPr fitToPage="1"\/>/);
		assert.match(execFileSync('unzip', ['-p', file, 'xl/workbook.xml']).toString(), /_xlnm.Print_Titles/);
		assert.match(strings, /夹具工程项目/);
		assert.doesNotMatch(strings, /夹具继续教育/);
		assert.match(strings, /3307\*{10}0015/);
		assert.doesNotMatch(strings, /330702199001010015/);
	});
});

describe('an objection and the pass it would hold back, at the same moment', () => {
	let apps = [];
	after(async () => {
		if (apps.length)
			await retire(`id IN (${apps.join(',')})`);
	});

	// (a race the concurrency probe found: both succeeded, and the application went on with an
	// objection left open at a step nobody holds any more)
	test('one of them wins: never a pass with an open objection left behind', async () => {
		apps = await newDrafts(6);
		for (const id of apps) {
			assert.equal((await applicant.post(`/applications/${id}/submit`)).status, 200);
			assert.equal((await unit.post(`/applications/${id}/move`, { action: 'pass', step: 2, text: '同意' })).status, 200);
			assert.equal((await unit.post(`/applications/${id}/publicity`, { starts_on: await day(0) })).status, 200);
		}
		await sql(`UPDATE publicity SET starts_on = current_date - 14 WHERE application_id IN (${apps.join(',')})`);
		const today = await day(0);
		for (const id of apps) {
			const [pass, obj] = await Promise.all([
				unit.post(`/applications/${id}/move`, { action: 'pass', step: 3, text: '公示期满无异议' }),
				unit.post(`/applications/${id}/objections`, { raised_on: today, content: '群众反映业绩不实' }),
			]);
			const step = await sqlInt(`SELECT step_seq FROM application WHERE id = ${id}`);
			const open = await sqlInt(`SELECT count(*) FROM objection WHERE application_id = ${id} AND resolved_at IS NULL`);
			if (pass.status === 200) {
				assert.equal(obj.status, 409, `${id}: passed, and the objection was ${obj.status} ${obj.text}`);
				assert.deepEqual([step, open], [4, 0]);
			} else {
				assert.equal(pass.status, 409, pass.text);
				assert.equal(obj.status, 201, obj.text);
				assert.deepEqual([step, open], [3, 1]);
			}
		}
	});
});

describe('an applicant whose 人事档案 a 人才交流中心 keeps', () => {
	test('the centre publicises and reports it; its 公示表 names the employer as 工作单位, not the centre', async () => {
		const person = await newApplicant();
		const centre = await loginAs('unit', 'jh_rcjl');
		const id = await apply({ s: person.s, name: person.name, unit: centre, unitId: await orgId(HONGDA),
			centreId: await orgId(CENTRE), plan: await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`) });
		try {
			assert.equal(await sqlInt(`SELECT unit_org_id FROM application WHERE id = ${id}`), await orgId(CENTRE));
			assert.equal((await centre.post(`/applications/${id}/move`, { action: 'pass', step: 2, text: '资格审查通过' })).status, 200);
			const res = await fetch(centre.url('/publicity.xlsx'), { headers: { Cookie: centre.cookieHeader() } });
			assert.equal(res.status, 200);
			const file = `${scratchDir('gs-')}/gs.xlsx`;
			writeFileSync(file, Buffer.from(await res.arrayBuffer()));
			const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
			assert.match(strings, new RegExp(person.name));
			assert.match(strings, new RegExp(HONGDA));
			// the centre's worklist names the employer too, and the centre as who keeps the file
			// (the city read 金华宏达 beside the centre's region and the centre nowhere)
			const row = await worklistRow(centre, id);
			assert.deepEqual([row.unit, row.keeper], [HONGDA, CENTRE]);
			const own = await worklistRow(unit, app, 'all');
			assert.equal(own?.keeper, undefined, 'a unit that keeps its own people\'s files names no other');
			// the employer it was submitted from stays, whatever the profile says later: the 公示
			// list, its 公示表 and the 评审表 (sql/054)
			const sjy = await orgId('金华市建筑设计研究院有限公司');
			assert.equal((await person.s.request('PUT', '/profile', { json: { custody: 'unit', unit_id: sjy,
				staffing: 'none' } })).status, 200);
			const again = await fetch(centre.url('/publicity.xlsx'), { headers: { Cookie: centre.cookieHeader() } });
			writeFileSync(file, Buffer.from(await again.arrayBuffer()));
			const later = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
			assert.match(later, new RegExp(HONGDA));
			assert.doesNotMatch(later, /金华市建筑设计研究院/);
			assert.equal((await worklistRow(centre, id)).unit, HONGDA);
			const form = await fetch(centre.url(`/applications/${id}/form.xhtml`), { headers: { Cookie: centre.cookieHeader() } });
			const xhtml = await form.text();
			assert.match(xhtml, new RegExp(HONGDA));
			assert.doesNotMatch(xhtml, /金华市建筑设计研究院/);
			const d = (await centre.get(`/applications/${id}`)).json.application;
			assert.equal(d.content.profile.employer, HONGDA);
		} finally {
			await retire(`id = ${id}`);
		}
	});
});

describe('the plan window at submission', () => {
	let draft;
	before(async () => {
		[draft] = await newDrafts(1);
	});
	after(async () => {
		await retire(`id = ${draft}`);
	});

	test('a draft of a plan whose window has closed cannot be submitted; the check says when it closed', async () => {
		await sql(`UPDATE plan SET opens_on = current_date - 10, closes_on = current_date - 1
		    WHERE id = (SELECT plan_id FROM application WHERE id = ${draft})`);
		const e = assertError(await applicant.post(`/applications/${draft}/submit`), 400, 'invalid_field', 'check');
		assert.match(e.message, /尚有 1 项/);
		const g = await applicant.get(`/applications/${draft}`);
		const closed = await day(-1);
		assert.deepEqual(g.json.check.map((c) => [c.field, c.message]),
		    [['plan', `《${g.json.application.plan}》的申报已于 ${closed} 截止，不能再提交`]]);
		// the last day of the window still counts
		await sql(`UPDATE plan SET closes_on = current_date WHERE id = (SELECT plan_id FROM application WHERE id = ${draft})`);
		assert.deepEqual((await applicant.get(`/applications/${draft}`)).json.check, []);
		assert.equal((await applicant.post(`/applications/${draft}/submit`)).status, 200);
	});
});

describe('a year the holiday calendar does not cover', () => {
	let draft;
	const year = async () => sqlInt('SELECT extract(year FROM current_date)');
	before(async () => {
		[draft] = await newDrafts(1);
	});
	after(async () => {
		await sql(`UPDATE application SET state = 'rejected', current_org_id = NULL
		    WHERE id = ${draft} AND state = 'in_review'`);
	});

	test('the working-day functions refuse its days (ZC001, naming the year) instead of counting Monday–Friday', async () => {
		const next = await sqlInt('SELECT max(year) + 1 FROM calendar_year');
		const last = next - 1;
		// the SQLSTATE and message a statement fails with
		await sql(`CREATE OR REPLACE FUNCTION pg_temp.failure(q text) RETURNS text LANGUAGE plpgsql AS $$
		    BEGIN EXECUTE q; RETURN 'no error'; EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE || ' ' || SQLERRM; END $$`);
		const refused = async (q, day) => assert.match(await sql(`SELECT pg_temp.failure($q$${q}$q$)`),
		    new RegExp(`^ZC001 工作日历尚未录入 ${next} 年的节假日和调休安排，无法计算 ${day} 的工作日`), q);
		await refused(`SELECT is_working_day('${next}-01-04')`, `${next}-01-04`);
		await refused(`SELECT working_days('${last}-12-28', '${next}-01-08')`, `${next}-01-01`);
		await refused(`SELECT nth_working_day('${last}-12-28', 5)`, `${next}-01-01`);
		// a count that stays inside the covered years is still answered
		assert.equal(await sqlInt(`SELECT working_days('${last}-12-01', '${last}-12-08')`), 5);
		assert.match(await sql(`SELECT nth_working_day('${last}-12-01', 5)`), new RegExp(`^${last}-12-0[5-9]$`));
		// the ordinals' answers (sql/055) are the same where the calendar covers the days, and
		// unknown (NULL), not an error, where it does not
		for (const from of [`${last}-12-01`, `${last}-09-30`, `${last}-10-01`, `${last}-02-13`])
			assert.equal(await sql(`SELECT workday_nth('${from}', 5)`), await sql(`SELECT nth_working_day('${from}', 5)`), from);
		assert.equal(await sql(`SELECT coalesce(workday_nth('${last}-12-28', 5)::text, 'unknown')`), 'unknown');
		assert.equal(await sqlInt(`SELECT publicity_done('${last}-01-05', 5)`), 5);
	});

	test('registering a 公示, listing and reporting upward answer 409 gate with that message, not 500', async () => {
		assert.equal((await applicant.post(`/applications/${draft}/submit`)).status, 200);
		assert.equal((await unit.post(`/applications/${draft}/move`, { action: 'pass', step: 2, text: '资格审查通过' })).status, 200);
		const y = await year();
		const note = await sql(`SELECT note FROM calendar_year WHERE year = ${y}`);
		const today = await day(0);
		const want = new RegExp(`^工作日历尚未录入 ${y} 年的节假日和调休安排，无法计算 ${y}-\\d\\d-\\d\\d 的工作日`);
		await sql(`DELETE FROM calendar_year WHERE year = ${y}`);
		try {
			let e = assertError(await unit.post(`/applications/${draft}/publicity`, { starts_on: today }), 409, 'gate');
			assert.match(e.message, want);
			assert.equal(await sqlInt(`SELECT count(*) FROM publicity WHERE application_id = ${draft}`), 0);
			await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by) VALUES (${draft}, 3, current_date - 14, ${unitUser})`);
			// the list still opens (one publicity's unknown days do not take the page with them):
			// its last day unknown, nothing done; passing it names the missing year
			const listed = await unit.get('/publicity');
			assert.equal(listed.status, 200, listed.text);
			const row = listed.json.items.find((i) => i.id === draft);
			assert.deepEqual([row.publicity.ends_on, row.publicity.days_done, row.publicity.over], ['', 0, false]);
			assert.equal((await fetch(unit.url('/publicity.xlsx'), { headers: { Cookie: unit.cookieHeader() } })).status, 200);
			// and so does the application itself, its gate unmet with the calendar's reason (退回 is
			// still there to do)
			const d = await unit.get(`/applications/${draft}`);
			assert.equal(d.status, 200, d.text);
			assert.equal(d.json.gates[0].met, false);
			assert.match(d.json.gates[0].text, want);
			assert.ok(d.json.actions.includes('return'));
			e = assertError(await unit.post(`/applications/${draft}/move`, { action: 'pass', step: 3, text: '无异议' }), 409, 'gate');
			assert.match(e.message, want);
			assert.equal(await sql(`SELECT step_seq FROM application WHERE id = ${draft}`), '3');
		} finally {
			if (note !== '')
				await sql(`INSERT INTO calendar_year (year, note) VALUES (${y}, '${note.replace(/'/g, "''")}')`);
		}
		// the calendar entered, the same requests go through
		assert.equal((await unit.get('/publicity')).status, 200);
		assert.equal((await unit.post(`/applications/${draft}/move`, { action: 'pass', step: 3, text: '无异议' })).status, 200);
	});
});

// the chains' walk: an objection upheld, the application ended (不通过) as the page says to,
// and the objection stayed open for ever, 处理意见 empty
describe('an objection the decision answers', () => {
	test('不通过 at the 公示 step resolves its open objection in the decision\'s words; 退回 too', async () => {
		const ids = await newDrafts(2);
		try {
			for (const [id, action, said] of [[ids[0], 'reject', '申报已审查不通过：经核实，异议属实'],
			    [ids[1], 'return', '随申报退回修改关闭（本次公示随之失效，异议未另作处理）；退回理由：经核实，异议属实']]) {
				assert.equal((await applicant.post(`/applications/${id}/submit`)).status, 200);
				assert.equal((await unit.post(`/applications/${id}/move`, { action: 'pass', step: 2, text: '同意' })).status, 200);
				assert.equal((await unit.post(`/applications/${id}/publicity`, { starts_on: await day(0) })).status, 200);
				const o = await unit.post(`/applications/${id}/objections`, { raised_on: await day(0), content: '反映其业绩不实' });
				assert.equal(o.status, 201, o.text);
				const r = await unit.post(`/applications/${id}/move`, { action, step: 3, text: '经核实，异议属实' });
				assert.equal(r.status, 200, r.text);
				assert.deepEqual(await sqlRows(`SELECT resolution, resolved_by FROM objection WHERE id = ${o.json.id}`),
				    [[said, String(unitUser)]]);
			}
		} finally {
			await retire(`id IN (${ids.join(', ')})`);
		}
	});
});
