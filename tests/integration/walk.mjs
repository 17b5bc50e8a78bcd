// Walks test applications along their chain with the clerk who owns each
// step, for suites about a later step. A gate of a step the suite does not
// test is met through its data, each in the way named below (the last step's
// document through the API, which completes the application). Not a test file.
import assert from 'node:assert/strict';

import { holdVote } from './committee-vote.mjs';
import { newDrafts, onChain } from './drafts.mjs';
import { loginAs as mainLogin, sql as mainSql } from './lib.mjs';

// the stack walked on: the test stack, unless walkOn() names another
let sql = mainSql;
let loginAs = mainLogin;
// another stack may hold a demo's committee experts (`stack.sh demo`): there the walk's votes are
// its own members' alone, the others disabled first
let alone = false;

/* Who moves each step of a 金华宏达 (婺城区) application, per chain. */
export const CLERKS = {
	mid_review: {
		2: ['unit', 'unit_hongda'], 3: ['unit', 'unit_hongda'], 4: ['county', 'wucheng_jsj'],
		5: ['hrb', 'wucheng_rsj'], 6: ['county', 'wucheng_jsj'], 7: ['county', 'wucheng_cpw'],
		8: ['city', 'jh_zpw'], 9: ['hrb', 'jh_rsj'], 10: ['city', 'jh_zpw'], 11: ['city', 'jh_zpw'],
		12: ['city', 'jh_zpw'],
	},
	junior_review: {
		2: ['unit', 'unit_hongda'], 3: ['unit', 'unit_hongda'], 4: ['city', 'jh_cjpw'],
		5: ['hrb', 'jh_rsj'], 6: ['city', 'jh_cjpw'], 7: ['city', 'jh_cjpw'],
	},
	junior_assess: {
		2: ['unit', 'unit_hongda'], 3: ['unit', 'unit_hongda'], 4: ['city', 'jh_zjj'],
		5: ['hrb', 'jh_rsj'], 6: ['city', 'jh_zjj'], 7: ['city', 'jh_zjj'],
	},
	mid_assess: {
		2: ['unit', 'unit_hongda'], 3: ['unit', 'unit_hongda'], 4: ['city', 'jh_zjj'],
		5: ['hrb', 'jh_rsj'], 6: ['hrb', 'jh_rsj'], 7: ['hrb', 'jh_rsj'],
	},
};

const sessions = new Map();

/* Walks on another stack (upgrade.test.mjs: a stack of its own): its SQL and its logins. */
export function walkOn({ sql: q, loginAs: login }) {
	sql = q;
	loginAs = login;
	alone = true;
	sessions.clear();
}

/* A logged-in session of a clerk, kept for the run. */
export async function clerk(role, username) {
	const k = `${role}/${username}`;
	if (!sessions.has(k))
		sessions.set(k, await loginAs(role, username));
	return sessions.get(k);
}

/* Meets the gates of the application's current step through their data. */
export async function meetGates(app) {
	const rows = (await sql(`SELECT g.gate, a.step_seq FROM application a JOIN step_gate g
	    ON g.pipeline_id = a.pipeline_id AND g.seq = a.step_seq WHERE a.id = ${app}`))
		.split('\n').filter(Boolean).map((l) => l.split('|'));
	for (const [gate, step] of rows) {
		switch (gate) {
		case 'publicity':	// registered 14 days ago, by the holder's clerk
			await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
			    SELECT a.id, ${step}, current_date - 14, (SELECT min(u.id) FROM app_user u
			     WHERE u.org_id = a.current_org_id) FROM application a WHERE a.id = ${app}
			    ON CONFLICT (application_id, step_seq) DO UPDATE SET starts_on = EXCLUDED.starts_on,
			     created_at = now()`);
			break;
		case 'fee':		// as the payment callback records it
			await sql(`UPDATE application SET paid_at = now() WHERE id = ${app} AND paid_at IS NULL`);
			break;
		case 'interview':	// a session an hour ago, the result 通过
			await sql(`WITH u AS (SELECT min(u.id) AS id, a.current_org_id AS org FROM application a
			     JOIN app_user u ON u.org_id = a.current_org_id WHERE a.id = ${app} GROUP BY a.current_org_id),
			    s AS (INSERT INTO interview_session (org_id, title, starts_at, place, panel, created_by)
			     SELECT org, '评前面试', now() - interval '1 hour', '会议室', '专家组', id FROM u RETURNING id)
			    INSERT INTO interview_assignment (session_id, application_id, step_seq, assigned_by,
			     assigned_at, result, recorded_by, recorded_at)
			    SELECT s.id, ${app}, ${step}, u.id, now(), 'pass', u.id, now() FROM s, u`);
			break;
		case 'interview_if_called':	// not called
			break;
		case 'document':	// a results document through the API: it completes the application
			await issueDocument(app, step);
			break;
		case 'vote':		// a meeting of the holder's committee whose ballot carried
			await carryVote(app, Number(step));
			break;
		case 'carried':		// that ballot's result, published here (sql/084)
		case 'ballot':		// and reported here
		case 'assess':		// a 评定: the pass records it (sql/086)
		case 'assessment':	// that 评定 reported here
		case 'assessed':	// and published here
			break;
		default:
			throw new Error(`walk: no way to meet the gate ${gate} yet`);
		}
	}
}

/*
 * Issues a results document listing application app, waiting at step (制发文件), by its
 * holder's clerk (POST /documents): the application ends 办结 with its certificate.
 * The 文号 is the application's own, so that walks never share one. Returns the reply.
 */
export async function issueDocument(app, step, title = '关于公布职称评审结果的通知') {
	const { code } = await position(app);
	const s = await clerk(...CLERKS[code][step]);
	// dated today: a document cannot predate the application's arrival at its step
	const today = await mainSql(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`);
	const r = await s.post('/documents', { number: `测${app}〔${today.slice(0, 4)}〕1号`, issued_on: today, title,
		items: [Number(app)] });
	assert.equal(r.status, 201, `walk: document for ${app}: ${r.text}`);
	assert.equal(r.json.completed, 1, `walk: document for ${app}: ${r.text}`);
	return r.json;
}

/*
 * The vote gate met through the API: the committee office's meeting, every member 同意
 * (committee-vote.mjs); the step is then passed as any other.
 */
async function carryVote(app, step) {
	const { code } = await position(app);
	const [role, office] = CLERKS[code][step];
	await holdVote(await clerk(role, office), role, [app], { login: clerk, alone });
}

/* The application's pipeline code and current step. */
export async function position(app) {
	const [code, step, state] = (await sql(`SELECT p.code, a.step_seq, a.state FROM application a
	    JOIN pipeline p ON p.id = a.pipeline_id WHERE a.id = ${app}`)).split('|');
	return { code, step: Number(step), state };
}

/* Passes the application, step by step, until it is at step `to` (in review). */
export async function walk(app, to) {
	for (;;) {
		const { code, step, state } = await position(app);
		assert.equal(state, 'in_review', `walk: application ${app} is ${state}`);
		if (step >= to)
			return;
		await meetGates(app);
		if ((await position(app)).state === 'completed')	// the last step's document
			return;
		const s = await clerk(...CLERKS[code][step]);
		const r = await s.post(`/applications/${app}/move`, { action: 'pass', step, text: '同意。' });
		assert.equal(r.status, 200, `walk: step ${step}: ${r.text}`);
	}
}

/* Passes the application step by step until its chain ends (completed); returns the steps passed. */
export async function finish(app) {
	for (let n = 0; ; n++) {
		const { code, step, state } = await position(app);
		if (state === 'completed')
			return n;
		assert.equal(state, 'in_review', `finish: application ${app} is ${state}`);
		assert.ok(CLERKS[code]?.[step], `finish: nobody in CLERKS moves step ${step} of ${code}`);
		await meetGates(app);
		if ((await position(app)).state === 'completed')	// a gate of the last step completes it
			return n + 1;
		const s = await clerk(...CLERKS[code][step]);
		const r = await s.post(`/applications/${app}/move`, { action: 'pass', step, text: '同意。' });
		assert.equal(r.status, 200, `finish: step ${step} of ${code}: ${r.text}`);
	}
}

/* n applications of the demo applicant (whose session is applicant) on chain code, submitted and
 * walked to step to; returns their ids. */
export async function walkedTo(applicant, code, n, to) {
	const apps = await newDrafts(n);
	await onChain(apps, code);
	for (const id of apps) {
		assert.equal((await applicant.post(`/applications/${id}/submit`)).status, 200);
		await walk(id, to);
		assert.deepEqual(await position(id), { code, step: to, state: 'in_review' });
	}
	return apps;
}
