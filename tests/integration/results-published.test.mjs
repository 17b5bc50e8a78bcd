// A committee's result reaches the applicant when it is published (sql/084). The notice's
// chains: ⑨ 市建设中评委评审 → ⑩ 公布评审结果 (中级评审); ③ 市住建局初级评委会…组织评审 → ④ 评审结果
// 报至市人力社保局 → ⑤ 公布评审结果 (初级评审). 按表决结果办理 hands every application the
// committee voted on to the publication, saying only that it was voted on; there the carried ones
// go into the results 公示 and pass, the others are refused both and are ended with the result as
// the reason by 公布评审结果：办理表决未通过 (POST meetings/:id/publish). The county's 评审推荐,
// with no publication after it, is carried out at once (committee.test.mjs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_APPLICANT, assertError, loginAs, retire, sql } from './lib.mjs';
import { applicantNotes } from './drafts.mjs';
import { clerk, position, walk, walkedTo } from './walk.mjs';
import { holdVote } from './committee-vote.mjs';

const created = [];
let applicant, hongda;

/* n applications on chain code at step to, retired after */
async function atStep(code, n, to) {
	const apps = await walkedTo(applicant, code, n, to);
	created.push(...apps);
	return apps;
}

const notes = applicantNotes;
const history = (app) => sql(`SELECT string_agg(action || '@' || from_step || ':' || coalesce(text, ''), ' | '
    ORDER BY no) FROM chain_history WHERE application_id = ${app} AND from_step >= 10`);

before(async () => {
	applicant = await loginAs('applicant', DEMO_APPLICANT);
	hongda = await loginAs('unit', 'unit_hongda');
});

after(async () => {
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

describe('中级评审: 市建设中评委评审, then 公布评审结果', () => {
	let office, P, Q, meeting;

	before(async () => {
		[P, Q] = await atStep('mid_review', 2, 10);
		office = await clerk('city', 'jh_zpw');
		meeting = await holdVote(office, 'city', [P, Q], { against: [Q], login: clerk });
	});

	test('before 按表决结果办理: the ballot holds both at the step, carried or not', async () => {
		for (const [app, word] of [[P, '通过'], [Q, '未通过']]) {
			const d = (await office.get(`/applications/${app}`)).json;
			assert.deepEqual(d.gates.map((g) => [g.kind, g.met]), [['vote', true]]);
			assert.match(d.gates[0].text, new RegExp(`评审会议表决${word}：.*（结果在公布评审结果时告知申报人）`));
			// the result is the committee's: the office neither ends nor returns it here
			assert.deepEqual(d.actions, ['pass']);
		}
		const e = assertError(await office.post(`/applications/${Q}/move`, { action: 'reject', step: 10, text: '未通过。' }),
		    409, 'gate');
		assert.match(e.message, /评审会议已表决，不能作不通过处理，请按表决结果办理/);
	});

	test('按表决结果办理 hands both to 公布评审结果 and tells the applicant no result', async () => {
		const r = await office.post(`/meetings/${meeting}/settle`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.passed, r.json.rejected, r.json.handed, r.json.failed], [0, 0, 2, 0]);
		for (const app of [P, Q]) {
			assert.deepEqual(await position(app), { code: 'mid_review', step: 11, state: 'in_review' });
			const said = (await notes(app)).at(-1);
			assert.match(said, /已完成“市建设中评委评审”环节，现由.+进行“公布评审结果”。$/);
			assert.doesNotMatch(said, /已通过|未通过|票/);
			assert.equal(await history(app), 'pass@10:评审会议已表决，评审结果以公布的为准。');
			const t = (await applicant.get(`/applications/${app}/timeline`)).json;
			assert.deepEqual(t.history.filter((h) => h.step_name === '市建设中评委评审').map((h) => [h.action_name, h.text]),
			    [['已表决', '评审会议已表决，评审结果以公布的为准。']]);
			// 申报详情 of the applicant, the unit's detail, the 评审表: 已表决, never 通过 (a review)
			for (const [s, p] of [[applicant, `/applications/${app}/view`], [hongda, `/applications/${app}`]]) {
				const v = (await s.get(p)).json;
				assert.deepEqual(v.history.filter((h) => h.step === 10).map((h) => h.action_name), ['已表决']);
			}
			const form = (await applicant.get(`/applications/${app}/form.xhtml`)).text;
			assert.match(form, /<td>市建设中评委评审<\/td>\s*<td>[^<]*<\/td>\s*<td>已表决<\/td>/);
		}
		const m = (await office.get(`/meetings/${meeting}`)).json;
		assert.deepEqual(m.agenda.map((a) => [a.id, a.carried, a.here, a.deferred, a.to_publish, a.state]),
		    [[P, true, false, true, false, 'in_review'], [Q, false, false, true, true, 'in_review']]);
		const listed = (await office.get('/meetings')).json.meetings.find((x) => x.id === meeting);
		assert.deepEqual([listed.unsettled, listed.unpublished], [0, 1]);
	});

	test('公布评审结果: the carried one in the results 公示, the other kept out of it and unable to pass', async () => {
		const dq = (await office.get(`/applications/${Q}`)).json;
		// (its 公示 is not asked for: it is refused)
		assert.deepEqual(dq.gates.map((g) => [g.kind, g.met]), [['carried', false]]);
		// its 不通过 is the committee's, with the results, from the meeting page: not here (a probe
		// ended one from the detail page before anything was published, the reason its own)
		assert.deepEqual(dq.actions, ['pass']);
		const held = assertError(await office.post(`/applications/${Q}/move`, { action: 'reject', step: 11, text: '不通过。' }),
		    409, 'gate');
		assert.equal(held.message, '评审会议表决未通过的申报，不能在此作不通过处理，请在“评审会议”中公布评审结果时办理');
		assert.match(dq.gates[0].text, /评审会议表决未通过：同意 0 票，不同意 3 票.*不列入评审结果公示，公布评审结果时在“评审会议”中办理不通过$/);
		assert.equal(dq.gate.kind, 'carried');
		const dp = (await office.get(`/applications/${P}`)).json;
		assert.deepEqual(dp.gates.map((g) => [g.kind, g.met]), [['carried', true], ['publicity', false]]);
		const listed = (await office.get('/publicity')).json.items.map((x) => x.id);
		assert.ok(listed.includes(P) && !listed.includes(Q), JSON.stringify(listed));
		const rows = (await office.get('/worklist?size=100')).json.items.filter((x) => [P, Q].includes(x.id));
		assert.deepEqual(rows.map((x) => [x.id, x.withheld]).sort(), [[P, false], [Q, true]].sort());
		const today = await sql(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`);
		const e = assertError(await office.post(`/applications/${Q}/publicity`, { starts_on: today }), 409, 'conflict');
		assert.equal(e.message, '评审会议表决未通过该申报，不列入评审结果公示；请在“评审会议”中办理不通过');
		await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
		    VALUES (${Q}, 11, current_date - 14, ${office.me.user.id})`);
		const g = assertError(await office.post(`/applications/${Q}/move`, { action: 'pass', step: 11, text: '同意。' }), 409, 'gate');
		assert.match(g.message, /评审会议表决未通过/);
		assert.equal((await position(Q)).state, 'in_review');
	});

	test('办理表决未通过: once the results 公示 began, the other ends with the result, never the counts', async () => {
		// not before the carried one's results are published
		let m = (await office.get(`/meetings/${meeting}`)).json;
		assert.deepEqual(m.agenda.map((a) => [a.id, a.awaiting_publication]), [[P, true], [Q, false]]);
		const early = assertError(await office.post(`/meetings/${meeting}/publish`), 409, 'conflict');
		assert.equal(early.message, '表决通过的 1 份申报尚未开始评审结果公示：请先在“评审结果公示”中登记，公布评审结果时再办理表决未通过');
		assert.equal((await position(Q)).state, 'in_review');
		const today = await sql(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`);
		assert.equal((await office.post(`/applications/${P}/publicity`, { starts_on: today })).status, 200);
		m = (await office.get(`/meetings/${meeting}`)).json;
		assert.deepEqual(m.agenda.map((a) => [a.id, a.awaiting_publication]), [[P, false], [Q, false]]);
		const r = await office.post(`/meetings/${meeting}/publish`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.rejected, r.json.failed, r.json.results.map((x) => x.id)], [1, 0, [Q]]);
		assert.deepEqual(await position(Q), { code: 'mid_review', step: 11, state: 'rejected' });
		const said = (await notes(Q)).at(-1);
		assert.match(said, /评审结果已公布：未通过，理由：评审会议表决未通过（同意票未达到应参加表决人数的2\/3）。$/);
		assert.doesNotMatch(said, /票，/);
		assert.deepEqual(await position(P), { code: 'mid_review', step: 11, state: 'in_review' });
		const again = await office.post(`/meetings/${meeting}/publish`);
		assert.deepEqual([again.json.rejected, again.json.results.length], [0, 0]);
		assert.equal((await office.get('/meetings')).json.meetings.find((x) => x.id === meeting).unpublished, 0);
		// the carried one may still be ended by an objection upheld in its 公示: not held
		assert.deepEqual((await office.get(`/applications/${P}`)).json.actions, ['pass', 'reject']);
		const asked = await office.post('/applications/gates', { items: [{ id: P, step: 11 }], action: 'reject' });
		assert.deepEqual(asked.json.results.map((x) => [x.id, x.ok]), [[P, true]]);
		// the carried one passes after its 公示, as any
		await walk(P, 12);
		assert.deepEqual(await position(P), { code: 'mid_review', step: 12, state: 'in_review' });
		assert.match((await notes(P)).at(-1), /评审结果已公布：通过，现由/);
	});

	test('publish asks a closed ballot, of the office\'s own meetings', async () => {
		const other = await clerk('city', 'jh_cjpw');
		assertError(await other.post(`/meetings/${meeting}/publish`), 404, 'not_found');
		const { id } = (await office.post('/meetings', { title: '未开始的会议',
			starts_at: await sql(`SELECT to_char((now() + interval '1 day') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`),
			place: '会议室' })).json;
		const e = assertError(await office.post(`/meetings/${id}/publish`), 409, 'conflict');
		assert.equal(e.message, '投票结束后方可公布评审结果');
		assert.equal((await office.request('DELETE', `/meetings/${id}`)).status, 200);
	});
});

describe('初级评审: the ballot, its result reported to the 市人力社保局, then published', () => {
	let office, hrb, Q, meeting;

	before(async () => {
		[Q] = await atStep('junior_review', 1, 4);
		await sql(`UPDATE application SET paid_at = now() WHERE id = ${Q}`);	// its fee (the step's other gate)
		office = await clerk('city', 'jh_cjpw');
		hrb = await clerk('hrb', 'jh_rsj');
		meeting = await holdVote(office, 'city', [Q], { against: [Q], login: clerk, settle: true });
	});

	test('an application whose fee is not paid is not put on an agenda (it would be held with nothing to do)', async () => {
		const [R] = await atStep('junior_review', 1, 4);
		const { id } = (await office.post('/meetings', { title: '未缴费的申报',
			starts_at: await sql(`SELECT to_char((now() + interval '1 day') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`),
			place: '会议室' })).json;
		const r = (await office.post(`/meetings/${id}/agenda`, { items: [R] })).json;
		assert.deepEqual([r.added, r.results[0].ok], [0, false]);
		assert.match(r.results[0].message, /^申报人尚未缴纳推荐评审费.*，暂不能列入会议议程$/);
		assert.equal((await office.request('DELETE', `/meetings/${id}`)).status, 200);
	});

	test('the bureau reads the result, hands it on; the office ends it when publishing', async () => {
		assert.deepEqual(await position(Q), { code: 'junior_review', step: 5, state: 'in_review' });
		assert.doesNotMatch((await notes(Q)).at(-1), /已通过|未通过|票/);
		const d = (await hrb.get(`/applications/${Q}`)).json;
		assert.deepEqual(d.gates.map((g) => [g.kind, g.met, g.note]), [['ballot', true, true]]);
		assert.match(d.gates[0].text, /评审会议表决未通过/);
		assert.match(d.gates[0].text, /；报送后由评委会在公布评审结果时办理不通过$/);
		// the bureau hands it on: its 不通过 is the committee's, when the results are published
		assert.deepEqual(d.actions, ['pass']);
		const held = assertError(await hrb.post(`/applications/${Q}/move`, { action: 'reject', step: 5, text: '不予报送。' }),
		    409, 'gate');
		assert.match(held.message, /^评审会议表决未通过的申报，不能在此作不通过处理，请审查通过（报送）/);
		const r = await hrb.post(`/applications/${Q}/move`, { action: 'pass', step: 5, text: '表决未通过，照报。' });
		assert.equal(r.status, 200, r.text);
		assert.match((await notes(Q)).at(-1), /已完成“评审结果报市人力社保局”环节/);
		const t = (await applicant.get(`/applications/${Q}/timeline`)).json;
		assert.deepEqual(t.history.filter((h) => /组织评审$|^评审结果报/.test(h.step_name)).map((h) => [h.action_name, h.text]),
		    [['已表决', '评审会议已表决，评审结果以公布的为准。'], ['已报送', '已报送，结果以公布的为准。']]);
		// the bureau's words are the departments'
		assert.deepEqual((await hrb.get(`/applications/${Q}`)).json.history.filter((h) => h.step === 5).map((h) => h.text),
		    ['表决未通过，照报。']);
		const p = await office.post(`/meetings/${meeting}/publish`);
		assert.deepEqual([p.json.rejected, p.json.failed], [1, 0]);
		assert.deepEqual(await position(Q), { code: 'junior_review', step: 6, state: 'rejected' });
		assert.match((await notes(Q)).at(-1), /评审结果已公布：未通过，理由：评审会议表决未通过/);
	});
});
