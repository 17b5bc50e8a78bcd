// A 初定's 评定 reaches the applicant when it is published (sql/086). The notice's chains:
// ③ 金华市住房和城乡建设局进行资格审核并评定 → ④ 初定结果报至市人力社保局 → ⑤ 公布初定结果 (初级初定),
// ③ …进行资格审核 → ④ 市人力社保局进行评定 → ⑤ 公布初定结果 (中级初定). The step that 评定s
// records its result, 通过 or 不通过, and hands the application on either way, saying only that
// it was 评定d; the bureau it is reported to reads it and hands it on; the publication lists
// those that passed in the 初定结果公示 and ends the others with the 评定's reason.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { DEMO_APPLICANT, assertError, loginAs, retire, scratchDir, sql } from './lib.mjs';
import { applicantNotes } from './drafts.mjs';
import { clerk, position, walk, walkedTo } from './walk.mjs';

const created = [];
let applicant, hongda;

/* n applications on chain code at step to, retired after */
async function atStep(code, n, to) {
	const apps = await walkedTo(applicant, code, n, to);
	created.push(...apps);
	return apps;
}

const notes = applicantNotes;
const history = (app, from) => sql(`SELECT string_agg(action || '@' || from_step || ':' || coalesce(text, ''), ' | '
    ORDER BY no) FROM chain_history WHERE application_id = ${app} AND from_step >= ${from}`);
const today = () => sql(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`);

before(async () => {
	applicant = await loginAs('applicant', DEMO_APPLICANT);
	hongda = await loginAs('unit', 'unit_hongda');
});

after(async () => {
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

describe('初级初定: 市住建局资格审核并评定, reported to the 市人力社保局, then 公布初定结果', () => {
	let zjj, hrb, P, Q, R;

	before(async () => {
		[P, Q, R] = await atStep('junior_assess', 3, 4);
		zjj = await clerk('city', 'jh_zjj');
		hrb = await clerk('hrb', 'jh_rsj');
	});

	test('the step that 评定s says the result is told when published', async () => {
		const d = (await zjj.get(`/applications/${Q}`)).json;
		assert.deepEqual(d.gates.map((g) => [g.kind, g.met, g.note]), [['fee', false, false], ['assess', true, true]]);
		assert.match(d.gates[1].text, /初定结果在“公布初定结果”时告知申报人/);
		assert.deepEqual(d.actions, ['pass', 'return', 'reject']);
	});

	test('评定通过 and 评定不通过 both hand the application on, the applicant told neither', async () => {
		// 评定通过 waits for the fee, as a pass does
		assertError(await zjj.post(`/applications/${P}/move`, { action: 'pass', step: 4, text: '同意初定。' }), 409, 'gate');
		await sql(`UPDATE application SET paid_at = now() WHERE id = ${P}`);
		let r = await zjj.post(`/applications/${P}/move`, { action: 'pass', step: 4, text: '同意初定为助理工程师。' });
		assert.equal(r.status, 200, r.text);
		// and so does a 评定不通过 (the 评审费 pays for the 评定)
		await sql(`UPDATE application SET paid_at = now() WHERE id = ${Q}`);
		r = await zjj.post(`/applications/${Q}/move`, { action: 'reject', step: 4, text: '专业技术工作业绩不足。',
			checks: ['credit', 'education'] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.state, r.json.step], ['in_review', 5]);
		for (const app of [P, Q]) {
			assert.deepEqual(await position(app), { code: 'junior_assess', step: 5, state: 'in_review' });
			const said = (await notes(app)).at(-1);
			assert.match(said, /已完成“市住建局资格审核并评定”环节，现由.+进行“初定结果报市人力社保局”。$/);
			assert.doesNotMatch(said, /已通过|未通过|业绩/);
			assert.equal(await history(app, 4), 'pass@4:已评定，初定结果以公布的为准。');
			const t = (await applicant.get(`/applications/${app}/timeline`)).json;
			assert.deepEqual(t.history.filter((h) => h.step_name === '市住建局资格审核并评定').map((h) => [h.action_name, h.text]),
			    [['已评定', '已评定，初定结果以公布的为准。']]);
			for (const [s, p] of [[applicant, `/applications/${app}/view`], [hongda, `/applications/${app}`]]) {
				const v = (await s.get(p)).json;
				assert.deepEqual(v.history.filter((h) => h.step === 4).map((h) => [h.action_name, h.text]),
				    [['已评定', '已评定，初定结果以公布的为准。']]);
			}
			const form = (await applicant.get(`/applications/${app}/form.xhtml`)).text;
			assert.match(form, /<td>市住建局资格审核并评定<\/td>\s*<td>[^<]*<\/td>\s*<td>已评定<\/td>/);
			assert.doesNotMatch(form, /业绩不足|同意初定为/);
		}
		assert.deepEqual((await sql(`SELECT string_agg(application_id || ':' || passed || ':' || opinion, ' | '
		    ORDER BY application_id) FROM assessment WHERE application_id IN (${P}, ${Q})`)).split(' | '),
		    [`${P}:true:同意初定为助理工程师。`, `${Q}:false:专业技术工作业绩不足。`]);
		// the desk of the 市住建局 says what it decided: 已评定不通过 in its 已审查 list (a pass in the chain)
		assert.equal(await sql(`SELECT string_agg(application_id || ':' || action, ' ' ORDER BY application_id)
		    FROM desk WHERE org_id = ${zjj.me.org.id} AND application_id IN (${P}, ${Q})`), `${P}:pass ${Q}:reject`);
		assert.equal((await zjj.get(`/applications/${Q}`)).json.desk.decision, 'reject');
		// the 审查要点 ticked are kept with the 评定: in the history, the one not ticked would tell the unit why
		assert.equal(await sql(`SELECT count(*) FROM chain_history WHERE application_id = ${Q} AND from_step = 4
		    AND checks IS NOT NULL`), '0');
		assert.equal(await sql(`SELECT (checks->>'credit') || (checks->>'seniority') FROM assessment WHERE application_id = ${Q}`),
		    'truefalse');
		// the audit says what was decided
		assert.equal(await sql(`SELECT string_agg(l.target_id || ':' || l.action, ' ' ORDER BY l.target_id)
		    FROM audit_log l WHERE l.target_type = 'application' AND l.target_id IN (${P}, ${Q})
		    AND l.action LIKE 'assess%'`), `${P}:assess_pass ${Q}:assess_fail`);
	});

	test('a 不通过 before the fee is paid is no 评定: it ends the application at once', async () => {
		const d = (await zjj.get(`/applications/${R}`)).json;
		assert.deepEqual(d.gates.map((g) => [g.kind, g.met]), [['fee', false], ['assess', true]]);
		const r = await zjj.post(`/applications/${R}/move`, { action: 'reject', step: 4, text: '未在规定时间内缴纳推荐评审费。' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(await position(R), { code: 'junior_assess', step: 4, state: 'rejected' });
		assert.match((await notes(R)).at(-1), /未通过“市住建局资格审核并评定”，理由：未在规定时间内缴纳推荐评审费。$/);
		assert.equal(await sql(`SELECT count(*) FROM assessment WHERE application_id = ${R}`), '0');
	});

	test('the bureau reads the 评定 and hands it on: its 不通过 is the publication\'s', async () => {
		const dq = (await hrb.get(`/applications/${Q}`)).json;
		assert.deepEqual(dq.gates.map((g) => [g.kind, g.met, g.note]), [['assessment', true, true]]);
		assert.match(dq.gates[0].text, /评定未通过；报送后由公布初定结果的部门办理不通过$/);
		assert.equal(dq.gates[0].reason, '专业技术工作业绩不足。');
		assert.deepEqual(dq.actions, ['pass']);
		const held = assertError(await hrb.post(`/applications/${Q}/move`, { action: 'reject', step: 5, text: '不予报送。' }),
		    409, 'gate');
		assert.match(held.message, /^评定未通过的申报，不能在此作不通过处理，请审查通过（报送）/);
		const dp = (await hrb.get(`/applications/${P}`)).json;
		assert.deepEqual(dp.gates.map((g) => [g.kind, g.met, g.note, g.reason]),
		    [['assessment', true, false, '同意初定为助理工程师。']]);
		assert.deepEqual(dp.actions, ['pass', 'reject']);
		for (const app of [P, Q]) {
			const r = await hrb.post(`/applications/${app}/move`, { action: 'pass', step: 5, text: '评定未通过，照报。' });
			assert.equal(r.status, 200, r.text);
			assert.match((await notes(app)).at(-1), /已完成“初定结果报市人力社保局”环节/);
		}
		// the bureau's words may name the result: the departments read them, the applicant
		// and the unit read that it is reported (申报进度, the detail pages, the 评审表)
		const step5 = async (s, p) => (await s.get(p)).json.history.filter((h) => h.step_name === '初定结果报市人力社保局')
			.map((h) => [h.action_name, h.text]);
		for (const [s, p] of [[applicant, `/applications/${Q}/timeline`], [applicant, `/applications/${Q}/view`], [hongda, `/applications/${Q}`]])
			assert.deepEqual(await step5(s, p), [['已报送', '已报送，结果以公布的为准。']], p);
		for (const s of [hrb, zjj])
			assert.deepEqual(await step5(s, `/applications/${Q}`), [['已报送', '评定未通过，照报。']]);
		const form = (await applicant.get(`/applications/${Q}/form.xhtml`)).text;
		assert.match(form, /<td>初定结果报市人力社保局<\/td>\s*<td>[^<]*<\/td>\s*<td>已报送<\/td>\s*<td>已报送，结果以公布的为准。<\/td>/);
		assert.doesNotMatch(form, /照报/);
		const unitForm = await hongda.get(`/applications/${Q}/form.xhtml`);
		assert.equal(unitForm.status, 200);
		assert.match(unitForm.text, /<td>已报送<\/td>\s*<td>已报送，结果以公布的为准。<\/td>/);
		assert.doesNotMatch(unitForm.text, /照报/);
	});

	test('公布初定结果: the one that passed in the 公示, the other kept out and ended with the 评定\'s reason', async () => {
		const dq = (await zjj.get(`/applications/${Q}`)).json;
		assert.deepEqual(dq.gates.map((g) => [g.kind, g.met]), [['assessed', false]]);
		assert.match(dq.gates[0].text, /评定未通过；不列入初定结果公示，公布初定结果时以评定理由办理不通过$/);
		assert.deepEqual([dq.gate.kind, dq.gate.todo], ['assessed', '公布初定结果：办理评定未通过']);
		assert.deepEqual(dq.actions, ['pass', 'reject']);
		const dp = (await zjj.get(`/applications/${P}`)).json;
		assert.deepEqual(dp.gates.map((g) => [g.kind, g.met]), [['assessed', true], ['publicity', false]]);
		const listed = (await zjj.get('/publicity')).json.items.map((x) => x.id);
		assert.ok(listed.includes(P) && !listed.includes(Q), JSON.stringify(listed));
		// the worklist's row says so, not 在“公示管理”中办理
		const rows = (await zjj.get('/worklist?size=100')).json.items.filter((x) => [P, Q].includes(x.id));
		assert.deepEqual(rows.map((x) => [x.id, x.withheld]).sort(), [[P, false], [Q, true]].sort());
		const e = assertError(await zjj.post(`/applications/${Q}/publicity`, { starts_on: await today() }), 409, 'conflict');
		assert.equal(e.message, '该申报评定未通过，不列入初定结果公示；请在申报详情中以评定理由办理不通过');
		const g = assertError(await zjj.post(`/applications/${Q}/move`, { action: 'pass', step: 6, text: '同意。' }), 409, 'gate');
		assert.match(g.message, /评定未通过/);
		// a worklist row's 不通过 is asked first: it says whose reason is published
		const asked = (await zjj.post('/applications/gates', { items: [{ id: Q, step: 6 }], action: 'reject' })).json;
		assert.deepEqual(asked.results.map((x) => [x.id, x.ok]), [[Q, true]]);
		assert.match(asked.results[0].gate.message, /评定未通过；不列入初定结果公示，公布初定结果时以评定理由办理不通过$/);
		// the reason published is the 评定's, whatever is typed
		const r = await zjj.post(`/applications/${Q}/move`, { action: 'reject', step: 6, text: '公布。' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(await position(Q), { code: 'junior_assess', step: 6, state: 'rejected' });
		assert.equal((await notes(Q)).at(-1),
		    `【职称申报】您申报的《${await sql(`SELECT p.name FROM application a JOIN plan p ON p.id = a.plan_id WHERE a.id = ${Q}`)}》`
		    + '初定结果已公布：未通过，理由：专业技术工作业绩不足。');
		assert.equal(await history(Q, 6), 'reject@6:专业技术工作业绩不足。');
		// published, the 评定 stands in the file by its result and words: 申报进度, details, 评审表
		const step4 = async (app) => {
			const t = (await applicant.get(`/applications/${app}/timeline`)).json.history
				.filter((h) => h.step_name === '市住建局资格审核并评定').map((h) => [h.action_name, h.text]);
			for (const [s, p] of [[applicant, `/applications/${app}/view`], [hongda, `/applications/${app}`], [zjj, `/applications/${app}`]])
				assert.deepEqual((await s.get(p)).json.history.filter((h) => h.step === 4).map((h) => [h.action_name, h.text]), t);
			const form = (await applicant.get(`/applications/${app}/form.xhtml`)).text;
			assert.match(form, new RegExp(`<td>市住建局资格审核并评定</td>\\s*<td>[^<]*</td>\\s*<td>${t[0][0]}</td>\\s*<td>${t[0][1]}</td>`));
			return t;
		};
		assert.deepEqual(await step4(Q), [['评定不通过', '专业技术工作业绩不足。']]);
		// not the other's yet, unpublished
		assert.deepEqual(await step4(P), [['已评定', '已评定，初定结果以公布的为准。']]);
		// the 市住建局's export says what it decided, published or not
		const x = await fetch(zjj.url('/worklist.xlsx?tab=all'), { headers: { Cookie: zjj.cookieHeader() } });
		assert.equal(x.status, 200);
		const file = `${scratchDir('as-')}/wl.xlsx`;
		writeFileSync(file, Buffer.from(await x.arrayBuffer()));
		const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		assert.match(strings, /评定通过/);
		assert.match(strings, /同意初定为助理工程师。/);
		// the one that passed goes on after its 公示, as any
		assert.equal((await zjj.post(`/applications/${P}/publicity`, { starts_on: await today() })).status, 200);
		await walk(P, 7);
		assert.deepEqual(await position(P), { code: 'junior_assess', step: 7, state: 'in_review' });
		assert.match((await notes(P)).at(-1), /》初定结果已公布：通过，现由.+进行“制发文件、网络打印证书”。$/);
		const t = (await applicant.get(`/applications/${P}/timeline`)).json.history;
		assert.deepEqual(t.filter((h) => h.step_name === '市住建局资格审核并评定').map((h) => [h.action_name, h.text]),
		    [['评定通过', '同意初定为助理工程师。']]);
	});
});

describe('中级初定: 市人力社保局评定, then 公布初定结果 by the same bureau', () => {
	let hrb, Q;

	before(async () => {
		[Q] = await atStep('mid_assess', 1, 5);
		hrb = await clerk('hrb', 'jh_rsj');
	});

	test('评定不通过 goes to 公布初定结果; the reason is told when it is published there', async () => {
		const d = (await hrb.get(`/applications/${Q}`)).json;
		assert.deepEqual(d.gates.map((g) => [g.kind, g.met, g.note]), [['assess', true, true]]);
		assertError(await hrb.post(`/applications/${Q}/move`, { action: 'reject', step: 5, text: '' }), 400, 'invalid_field', 'text');
		let r = await hrb.post(`/applications/${Q}/move`, { action: 'reject', step: 5, text: '任职年限不足。' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(await position(Q), { code: 'mid_assess', step: 6, state: 'in_review' });
		assert.match((await notes(Q)).at(-1), /已完成“市人力社保局评定”环节/);
		assert.doesNotMatch((await notes(Q)).at(-1), /未通过|年限/);
		const d6 = (await hrb.get(`/applications/${Q}`)).json;
		assert.deepEqual(d6.gates.map((g) => [g.kind, g.met, g.reason]), [['assessed', false, '任职年限不足。']]);
		assert.match(d6.gates[0].text, /^金华市人力资源和社会保障局 \d{4}-\d\d-\d\d 评定未通过/);
		r = await hrb.post(`/applications/${Q}/move`, { action: 'reject', step: 6, text: '公布。' });
		assert.equal(r.status, 200, r.text);
		assert.match((await notes(Q)).at(-1), /初定结果已公布：未通过，理由：任职年限不足。$/);
		const t = (await applicant.get(`/applications/${Q}/timeline`)).json;
		assert.deepEqual(t.history.filter((h) => /评定|公布/.test(h.step_name)).map((h) => [h.step_name, h.action, h.action_name, h.text]),
		    [['市人力社保局评定', 'reject', '评定不通过', '任职年限不足。'], ['公布初定结果', 'reject', '不通过', '任职年限不足。']]);
	});
});
