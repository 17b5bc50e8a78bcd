// The review chain (lib/chain.c) through the API: submit, pass, gate, return,
// resubmit, reject, ownership, history / audit / notification rows, and a race.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	DEMO_APPLICANT, HONGDA, assertError, lit, loginAs, registerApplicant, sleep, sql, sqlInt,
	retire, sqlRows, tag, worklistRow,
} from './lib.mjs';
import { newDrafts } from './drafts.mjs';

const created = [];
let ids;	// user and org ids of the demo accounts

before(async () => {
	const rows = await sqlRows(`SELECT username, id, coalesce(org_id, 0) FROM app_user
	    WHERE username IN (${[DEMO_APPLICANT, 'unit_hongda', 'unit_sjy', 'wucheng_jsj', 'jindong_jsj'].map(lit).join(', ')})`);
	ids = Object.fromEntries(rows.map(([u, id, org]) => [u, { id: Number(id), org: Number(org) }]));
	assert.equal(Object.keys(ids).length, 5, 'demo accounts missing: is the stack seeded?');
});

// Fixtures that a failed run left in a worklist are taken out of it, so that
// worklists do not fill up over many runs.
after(async () => {
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

describe('one application through the chain', () => {
	let app, applicant, unit, sjy, county, notesBefore;
	const returnReason = `退回-${tag()}：请补充继续教育学时证明`;
	const rejectReason = `不通过-${tag()}：任职年限不符合申报条件`;
	const move = (s, body, opts) => s.post(`/applications/${app}/move`, body, opts);
	const historyCount = () => sqlInt(`SELECT count(*) FROM chain_history WHERE application_id = ${app}`);
	const position = async () => (await sqlRows(`SELECT state, step_seq, coalesce(current_org_id, 0), version
	    FROM application WHERE id = ${app}`))[0];

	before(async () => {
		[app] = await newDrafts(1);
		created.push(app);
		applicant = await loginAs('applicant', DEMO_APPLICANT);
		unit = await loginAs('unit', 'unit_hongda');
		sjy = await loginAs('unit', 'unit_sjy');
		county = await loginAs('county', 'wucheng_jsj');
		notesBefore = await sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${ids[DEMO_APPLICANT].id}`);
	});

	test('another applicant cannot submit it (404), and no one can move a draft', async () => {
		const other = await registerApplicant();
		const o = await loginAs('applicant', other.idcard, other.password);
		assertError(await o.post(`/applications/${app}/submit`), 404, 'not_found');
		assertError(await move(unit, { action: 'pass', step: 1, text: '通过' }), 404, 'not_found');
		assert.equal(await historyCount(), 0);
		assert.deepEqual(await position(), ['draft', '1', '0', '0']);
	});

	test('the applicant submits: 200 in_review at step 2', async () => {
		const r = await applicant.post(`/applications/${app}/submit`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { state: 'in_review', step: 2 });
		assert.deepEqual(await position(), ['in_review', '2', String(ids.unit_hongda.org), '1']);
		assertError(await applicant.post(`/applications/${app}/submit`), 409, 'conflict');
		assertError(await applicant.post(`/applications/${app}/submit`, undefined, { csrf: false }), 403, 'csrf');
	});

	test('the unit sees it in its worklist; another unit does not', async () => {
		const item = await worklistRow(unit, app);
		assert.ok(item, `application ${app} missing from unit_hongda's worklist`);
		assert.equal(item.step, 2);
		assert.equal(item.step_name, '单位资格审查');
		assert.equal(item.state, 'in_review');
		assert.equal(item.applicant, '张建国');
		assert.equal(item.pipeline, '中级评审');
		assert.equal(await worklistRow(sjy, app, 'all'), undefined, 'unit_sjy sees another unit\'s application');
	});

	test('another unit moving it is 404, as its GET; bad moves are 400; nothing is written', async () => {
		assertError(await move(sjy, { action: 'pass', step: 2, text: '同意' }), 404, 'not_found');
		assertError(await move(sjy, { action: 'reject', step: 2, text: '不同意' }), 404, 'not_found');
		// the county's department owns a later step, not this one: not on its desk yet
		assertError(await move(county, { action: 'pass', step: 2, text: '同意' }), 404, 'not_found');
		assertError(await move(unit, { action: 'pass', step: 2 }), 400, 'invalid_field', 'text');
		assertError(await move(unit, { action: 'pass', step: 2, text: '' }), 400, 'invalid_field', 'text');
		assertError(await move(unit, { action: 'return', step: 2 }), 400, 'invalid_field', 'text');
		// only spaces, a full-width space, line breaks: no reason given
		for (const text of ['   ', '\u3000\u3000', '\n\r\n', ' \t\u00a0'])
			for (const action of ['pass', 'return', 'reject'])
				assertError(await move(unit, { action, step: 2, text }), 400, 'invalid_field', 'text');
		assertError(await move(unit, { action: 'submit', step: 2, text: '提交' }), 400, 'invalid_field', 'action');
		assertError(await move(unit, { action: 'approve', step: 2, text: '同意' }), 400, 'invalid_field', 'action');
		assertError(await move(unit, { action: 'pass', step: 2, text: '长'.repeat(1001) }), 400, 'invalid_field', 'text');
		assertError(await move(unit, { action: 'pass', step: 3, text: '同意' }), 409, 'conflict');
		assertError(await move(unit, { action: 'pass', step: 2, text: '同意' }, { csrf: false }), 403, 'csrf');
		assertError(await move(unit, { action: 'pass', step: 2, text: '同意' }, { csrf: 'a'.repeat(32) }), 403, 'csrf');
		assertError(await unit.post('/applications/999999999/move', { action: 'pass', step: 2, text: '同意' }),
		    404, 'not_found');
		assert.equal(await historyCount(), 1);
		assert.deepEqual((await position()).slice(0, 2), ['in_review', '2']);
	});

	test('a stranger learns nothing from a wrong step number (404, not 409 with the step name)', async () => {
		// chain.c: "Ownership before anything else: strangers learn nothing."
		for (const step of [1, 3, 4]) {
			const e = assertError(await move(sjy, { action: 'pass', step, text: '同意' }), 404, 'not_found');
			assert.doesNotMatch(e.message, /单位资格审查/);
		}
		assert.equal(await historyCount(), 1);
	});

	test('pass with an opinion at step 2 → step 3', async () => {
		const r = await move(unit, { action: 'pass', step: 2, text: '资格审查通过' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.state, r.json.step], ['in_review', 3]);
		assert.deepEqual(await position(), ['in_review', '3', String(ids.unit_hongda.org), '2']);
		// docs/api.md: → 200 {"ok":true,"state","step"}
		assert.deepEqual(r.json, { ok: true, state: 'in_review', step: 3 }, 'move reply differs from docs/api.md');
	});

	test('pass at step 3 without publicity is 409 gate', async () => {
		const e = assertError(await move(unit, { action: 'pass', step: 3, text: '推荐上报' }), 409, 'gate');
		assert.match(e.message, /公示/);
		// a publicity that started today has not lasted 5 working days yet
		await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
		    VALUES (${app}, 3, current_date, ${ids.unit_hongda.id})`);
		const e2 = assertError(await move(unit, { action: 'pass', step: 3, text: '推荐上报' }), 409, 'gate');
		assert.match(e2.message, /工作日/);
		assert.equal(await historyCount(), 2);
		assert.deepEqual((await position()).slice(0, 2), ['in_review', '3']);
	});

	test('after 14 days of publicity pass → step 4, owned by the county\'s 建设局', async () => {
		await sql(`UPDATE publicity SET starts_on = current_date - 14 WHERE application_id = ${app}`);
		const r = await move(unit, { action: 'pass', step: 3, text: '公示无异议，推荐上报' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.state, r.json.step], ['in_review', 4]);
		assert.deepEqual(await position(), ['in_review', '4', String(ids.wucheng_jsj.org), '3']);

		const item = await worklistRow(county, app);
		assert.ok(item, `application ${app} missing from wucheng_jsj's worklist`);
		assert.equal(item.step, 4);
		assert.equal(item.step_name, '县（市、区）建设初评委资格审查');
		assert.ok(!(await worklistRow(unit, app)), 'still in the unit\'s worklist');
		const jd = await loginAs('county', 'jindong_jsj');
		assert.ok(!(await worklistRow(jd, app)), 'another county sees it');
		assertError(await jd.post(`/applications/${app}/move`, { action: 'pass', step: 4, text: '同意' }), 404, 'not_found');
		// the unit's step is over
		assertError(await move(unit, { action: 'pass', step: 3, text: '再次推荐' }), 409, 'conflict');
	});

	test('the county returns it with a reason → returned at step 1, seen by the applicant', async () => {
		assertError(await move(county, { action: 'return', step: 4 }), 400, 'invalid_field', 'text');
		const r = await move(county, { action: 'return', step: 4, text: returnReason });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.state, r.json.step], ['returned', 1]);
		assert.deepEqual((await position()).slice(0, 3), ['returned', '1', '0']);

		const list = await applicant.get('/applications');
		assert.equal(list.status, 200, list.text);
		const item = list.json.items.find((i) => i.id === app);
		assert.ok(item, 'the applicant does not see the application');
		assert.equal(item.state, 'returned');
		assert.equal(item.step, 1);
		assert.equal(item.step_name, '个人网络申报');
		// what 首页 reminds the applicant of: why it came back; nothing to pay
		assert.equal(item.return_reason, returnReason);
		assert.equal(item.fee_due, 0);
		assert.match(item.closes_on, /^\d{4}-\d{2}-\d{2}$/);
		assert.ok(!(await worklistRow(county, app)));
		assertError(await move(county, { action: 'pass', step: 4, text: '同意' }), 409, 'conflict');
	});

	test('the applicant resubmits → step 2 again', async () => {
		const r = await applicant.post(`/applications/${app}/submit`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { state: 'in_review', step: 2 });
		assert.deepEqual((await position()).slice(0, 3), ['in_review', '2', String(ids.unit_hongda.org)]);
		assert.equal((await worklistRow(unit, app)).step, 2);
	});

	test('the unit rejects it with a reason → rejected', async () => {
		assertError(await move(unit, { action: 'reject', step: 2 }), 400, 'invalid_field', 'text');
		const r = await move(unit, { action: 'reject', step: 2, text: rejectReason });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.state, r.json.step], ['rejected', 2]);
		assert.deepEqual((await position()).slice(0, 3), ['rejected', '2', '0']);
		assert.ok(!(await worklistRow(unit, app)));
		const item = (await applicant.get('/applications')).json.items.find((i) => i.id === app);
		assert.equal(item.state, 'rejected');
		// what 首页 says for 30 days: why it ended (the return's reason is no longer one)
		assert.deepEqual([item.reject_reason, item.return_reason, item.decided_recently, item.certificate_issued],
		    [rejectReason, null, true, null]);
		// (the history is append-only by trigger: moved back in time with the triggers off)
		await sql(`SET session_replication_role = replica;
		    UPDATE chain_history SET at = at - interval '31 days' WHERE application_id = ${app};
		    UPDATE application SET updated_at = now() WHERE id = ${app}`);
		const later = (await applicant.get('/applications')).json.items.find((i) => i.id === app);
		assert.deepEqual([later.reject_reason, later.decided_recently], [rejectReason, false]);
	});

	test('a rejected application cannot move any more (409)', async () => {
		const n = await historyCount();
		const again = assertError(await applicant.post(`/applications/${app}/submit`), 409, 'conflict');
		// ended, not still being handled there
		assert.equal(again.message, '该申报已在“单位资格审查”环节审查不通过，申报已终止');
		const edit = assertError(await applicant.request('PUT', `/applications/${app}/info`, { json: { statement: '再改' } }),
		    409, 'conflict');
		assert.equal(edit.message, '该申报已在“单位资格审查”环节审查不通过，申报已终止，不能修改');
		assertError(await move(county, { action: 'pass', step: 4, text: '同意' }), 409, 'conflict');
		for (const action of ['pass', 'return', 'reject']) {
			const r = await move(unit, { action, step: 2, text: '再次办理' });
			assertError(r, 409, 'conflict');
		}
		assert.equal(await historyCount(), n);
		assert.deepEqual((await position()).slice(0, 2), ['rejected', '2']);
	});

	test('chain_history, audit_log and notifications record exactly the moves', async () => {
		const A = ids[DEMO_APPLICANT], U = ids.unit_hongda, C = ids.wucheng_jsj;
		const hist = await sqlRows(`SELECT no, action, from_step, to_step, from_state, to_state,
		    actor_user_id, coalesce(actor_org_id, 0), coalesce(text, '')
		    FROM chain_history WHERE application_id = ${app} ORDER BY no`);
		assert.deepEqual(hist.map((r) => r.slice(0, 8)), [
			['1', 'submit', '1', '2', 'draft', 'in_review', String(A.id), '0'],
			['2', 'pass', '2', '3', 'in_review', 'in_review', String(U.id), String(U.org)],
			['3', 'pass', '3', '4', 'in_review', 'in_review', String(U.id), String(U.org)],
			['4', 'return', '4', '1', 'in_review', 'returned', String(C.id), String(C.org)],
			['5', 'submit', '1', '2', 'returned', 'in_review', String(A.id), '0'],
			['6', 'reject', '2', '2', 'in_review', 'rejected', String(U.id), String(U.org)],
		]);
		assert.equal(hist[3][8], returnReason);
		assert.equal(hist[5][8], rejectReason);
		assert.equal(hist[1][8], '资格审查通过');

		const audit = await sqlRows(`SELECT action, actor_role, actor_user_id, coalesce(actor_org_id, 0),
		    detail->>'from_step', detail->>'to_step', detail->>'to_state'
		    FROM audit_log WHERE target_type = 'application' AND target_id = ${app} ORDER BY id`);
		assert.deepEqual(audit, [
			['submit', 'applicant', String(A.id), '0', '1', '2', 'in_review'],
			['pass', 'unit', String(U.id), String(U.org), '2', '3', 'in_review'],
			['pass', 'unit', String(U.id), String(U.org), '3', '4', 'in_review'],
			['return', 'county', String(C.id), String(C.org), '4', '1', 'returned'],
			['submit', 'applicant', String(A.id), '0', '1', '2', 'in_review'],
			['reject', 'unit', String(U.id), String(U.org), '2', '2', 'rejected'],
		]);

		const notes = await sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${A.id}`);
		assert.equal(notes - notesBefore, 6, 'one notification per move');
		for (const reason of [returnReason, rejectReason]) {
			const rows = await sqlRows(`SELECT mobile, status FROM notification
			    WHERE user_id = ${A.id} AND strpos(body, ${lit(reason)}) > 0`);
			assert.deepEqual(rows, [['13957900021', 'queued']], `notification with "${reason}"`);
		}
	});
});

describe('two reviewers of one unit pass the same applications at once', () => {
	const N = 30;
	let apps, s1, s2;

	before(async () => {
		apps = await newDrafts(N);
		created.push(...apps);
		const applicant = await loginAs('applicant', DEMO_APPLICANT);
		const subs = await Promise.all(apps.map((id) => applicant.post(`/applications/${id}/submit`)));
		for (const r of subs)
			assert.equal(r.status, 200, r.text);
		s1 = await loginAs('unit', 'unit_hongda');
		s2 = await loginAs('unit', 'unit_hongda');
		assert.notEqual(s1.cookies.get('sid'), s2.cookies.get('sid'));
	});

	test('exactly one 200 and one 409 conflict per application', async () => {
		const outcomes = [];
		for (const id of apps) {
			const body = { action: 'pass', step: 2, text: `并发审核-${id}` };
			const rs = await Promise.all([s1.post(`/applications/${id}/move`, body),
			    s2.post(`/applications/${id}/move`, body)]);
			outcomes.push([id, rs]);
		}
		const bad = outcomes.filter(([, rs]) => {
			const st = rs.map((r) => r.status).sort();
			return st[0] !== 200 || st[1] !== 409 ||
			    rs.find((r) => r.status === 409).json?.error?.code !== 'conflict';
		}).map(([id, rs]) => `${id}: ${rs.map((r) => `${r.status} ${r.json?.error?.code ?? r.json?.state}`).join(' / ')}`);
		assert.deepEqual(bad, [], `${bad.length} of ${N} races did not end 200 + 409 conflict`);
		for (const [, rs] of outcomes)
			assert.deepEqual(rs.find((r) => r.status === 200).json.step, 3);
	});

	test('exactly one pass from step 2 in the history of each', async () => {
		const rows = await sqlRows(`SELECT a.id, a.step_seq, a.version,
		    (SELECT count(*) FROM chain_history h WHERE h.application_id = a.id AND h.action = 'pass' AND h.from_step = 2),
		    (SELECT count(*) FROM chain_history h WHERE h.application_id = a.id),
		    (SELECT count(*) FROM audit_log l WHERE l.target_type = 'application' AND l.target_id = a.id)
		    FROM application a WHERE a.id IN (${apps.join(', ')}) ORDER BY a.id`);
		assert.equal(rows.length, N);
		for (const [id, step, version, passes, total, audits] of rows)
			assert.deepEqual([step, version, passes, total, audits], ['3', '2', '1', '2', '2'], `application ${id}`);
	});

	test('the loser is 409 conflict even when both had to wait for the row lock', async () => {
		// Whether the two requests above overlap inside PostgreSQL depends on
		// timing. Here a transaction holds the row first, so both wait for it:
		// then the winner moves the row while the loser waits on the winner.
		const more = await newDrafts(4);
		created.push(...more);
		const applicant = await loginAs('applicant', DEMO_APPLICANT);
		for (const id of more)
			assert.equal((await applicant.post(`/applications/${id}/submit`)).status, 200);
		const bad = [];
		for (const id of more) {
			const blocker = sql(`BEGIN; SELECT id FROM application WHERE id = ${id} FOR UPDATE;
			    SELECT pg_sleep(0.3); COMMIT`);
			await sleep(100);
			const body = { action: 'pass', step: 2, text: `排队审核-${id}` };
			const rs = await Promise.all([s1.post(`/applications/${id}/move`, body),
			    s2.post(`/applications/${id}/move`, body)]);
			await blocker;
			const got = rs.map((r) => `${r.status} ${r.json?.error?.code ?? r.json?.state}`).sort();
			if (got[0] !== '200 in_review' || got[1] !== '409 conflict')
				bad.push(`${id}: ${got.join(' / ')}`);
		}
		apps.push(...more);	// rejected by after()
		assert.deepEqual(bad, [], 'the waiting reviewer did not get 409 conflict');
		assert.equal(await sqlInt(`SELECT count(*) FROM chain_history WHERE application_id IN (${more.join(', ')})
		    AND action = 'pass' AND from_step = 2`), more.length);
	});

	after(async () => {
		// take them out of the worklist through the chain itself
		for (const id of apps) {
			const r = await s1.post(`/applications/${id}/move`, { action: 'reject', step: 3, text: '测试数据，清理' });
			if (r.status !== 200)
				break;	// the after() of the file cleans up
		}
	});
});
