// Faults under load (issue 11). Drivers move applications round the 中级评审
// chain through the API (submit → the unit's two steps → the county, its HR
// bureau, the county again and its committee → the city's committee returns
// it → submit …; the unit's 公示 and the county's 评前面试, which their steps
// wait for, are written as fixtures just before), while readers keep every
// program's pages busy (the operator's too); meanwhile one
// worker of every program is killed with SIGKILL and PostgreSQL is restarted.
// Afterwards:
//   - every program answers again with all its workers (multiwatch replaced the dead);
//   - every application's position is the last row of its history, and the
//     history is unbroken (each move starts where the previous one ended);
//   - every move a client saw acknowledged (200) is in the history exactly
//     once, with the position the reply gave; no move is there twice.
// Requests cut by a fault (502 from nginx, 503 while the database is away,
// a connection closed) are not acknowledged: the driver reads where the
// application is and goes on from there. Runs before zy-workers and zz-resilience.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
	assertHealthy, loginAs, raw, sleep, sql, sqlInt, sqlRows, tag, workerPids,
} from './lib.mjs';
import { PROGRAMS } from './routes.mjs';
import {
	markerName, newPerson, pgRestart, postmasterPid, retireWorld, sqlDrafts, sqlItem, sqlProfile, sqlUpload,
} from './trust.mjs';

const DRIVERS = 6;		// concurrent movers, each with APPS_EACH applications in turn
const APPS_EACH = 2;
const LOAD_MS = 20000;		// the faults happen within the first 14 s
const FAULT_STATUS = new Set([0, 502, 503, 504]);

/* Who moves an application at each step of the 中级评审 chain of 金华宏达 (婺城区). */
const ACTOR = { 2: ['unit', 'unit_hongda'], 3: ['unit', 'unit_hongda'], 4: ['county', 'wucheng_jsj'],
	5: ['hrb', 'wucheng_rsj'], 6: ['county', 'wucheng_jsj'], 7: ['county', 'wucheng_cpw'], 8: ['city', 'jh_zpw'] };

let person, apps = [], sessions = {}, hongdaUser, jsjUser, cpwUser, interview;

before(async () => {
	person = await newPerson(markerName('Faults'));
	await sqlProfile(person.id);
	const upload = await sqlUpload(person.id);
	const item = await sqlItem(person.id, 'approved');
	apps = await sqlDrafts(person.id, DRIVERS * APPS_EACH, { upload, item });
	// the fee is paid (the county's first step checks it)
	await sql(`UPDATE application SET paid_at = now() WHERE id IN (${apps.join(', ')})`);
	hongdaUser = await sqlInt(`SELECT id FROM app_user WHERE username = 'unit_hongda'`);
	jsjUser = await sqlInt(`SELECT id FROM app_user WHERE username = 'wucheng_jsj'`);
	cpwUser = await sqlInt(`SELECT id FROM app_user WHERE username = 'wucheng_cpw'`);
	// the county's 评前面试 (step 6 waits for its result), held an hour ago
	interview = await sqlInt(`INSERT INTO interview_session (org_id, title, starts_at, place, panel, created_by)
	    SELECT org_id, '故障测试面试', now() - interval '1 hour', '婺城区住建局', '专家', id FROM app_user
	    WHERE id = ${jsjUser} RETURNING id`);
	sessions.applicant = person.s;
	for (const [role, username] of Object.values(ACTOR))
		sessions[username] ??= await loginAs(role, username);
	sessions.admin = await loginAs('admin', 'admin');
});

after(async () => {
	if (apps.length > 0)
		await retireWorld({ apps, victim: person, stranger: person });
});

/* SQL that waits for the database to be back. */
async function sqlPatiently(text) {
	for (let i = 0; ; i++) {
		try {
			return await sql(text);
		} catch (err) {
			if (i > 150)
				throw err;
			await sleep(200);
		}
	}
}

/* The application's 公示, as if it had started a month ago, registered since
 * it reached step 3 (the API lets a unit start one only on a day since then,
 * and the report upward waits 5 working days). */
const publicise = (app) => sqlPatiently(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
    VALUES (${app}, 3, current_date - 30, ${hongdaUser}) ON CONFLICT (application_id, step_seq)
    DO UPDATE SET starts_on = EXCLUDED.starts_on, created_at = now()`);

/* The application's 评前面试 passed, called since it reached step 6 (the API
 * calls only to a session to come, and records once it began: a fixture
 * writes both at once). */
const interviewed = (app) => sqlPatiently(`INSERT INTO interview_assignment (session_id, application_id,
    step_seq, assigned_by, result, recorded_by, recorded_at)
    VALUES (${interview}, ${app}, 6, ${jsjUser}, 'pass', ${jsjUser}, now())
    ON CONFLICT (session_id, application_id) DO UPDATE SET assigned_at = now(), result = 'pass',
    recorded_at = now(), step_seq = 6`);

/* The application's 评审会议 at step 7 (the gate 'vote'), held since it reached
 * the step and carried (the API holds one with members voting from their own
 * logins, lib/ballot.c: a fixture writes the closed meeting and its tally at
 * once, in the order the database lets it: the agenda while it is planned). */
const voted = (app) => sqlPatiently(`DO $$
    DECLARE m bigint;
    BEGIN
	INSERT INTO committee_meeting (org_id, title, starts_at, place, created_by)
	SELECT org_id, '故障测试评审会议', now(), '婺城区住建局', id FROM app_user WHERE id = ${cpwUser}
	RETURNING id INTO m;
	INSERT INTO meeting_agenda (meeting_id, application_id, step_seq, added_by) VALUES (m, ${app}, 7, ${cpwUser});
	UPDATE committee_meeting SET state = 'closed', roster = '{}', members = 1, present = 1, quorum_num = 2,
	    quorum_den = 3, pass_num = 2, pass_den = 3, opened_by = ${cpwUser}, opened_at = now(),
	    closed_by = ${cpwUser}, closed_at = now() WHERE id = m;
	UPDATE meeting_agenda SET eligible = 1, agree = 1, disagree = 0, abstain = 0, carried = true
	WHERE meeting_id = m;
    END $$`);

async function position(app) {
	const [state, step] = (await sqlPatiently(`SELECT state, step_seq FROM application WHERE id = ${app}`)).split('|');
	return { state, step: Number(step) };
}

const stats = { acked: 0, faults: 0, other: 0, byStatus: {}, reads: 0, readFaults: 0 };
const attempts = [];	// { app, action, from, text, acked, to: {state, step} }

/* One move of app from where it is; returns the new position, or null when the answer was cut. */
async function moveOnce(app, at) {
	let s, p, body, action;
	if (at.state === 'draft' || at.state === 'returned') {
		action = 'submit';
		s = sessions.applicant;
		p = `/applications/${app}/submit`;
	} else {
		action = at.step === 8 ? 'return' : 'pass';
		s = sessions[ACTOR[at.step][1]];
		if (at.step === 3)
			await publicise(app);
		if (at.step === 6)
			await interviewed(app);
		if (at.step === 7)
			await voted(app);
		body = { action, step: at.step, text: `故障-${app}-${tag()}` };
		p = `/applications/${app}/move`;
	}
	const a = { app, action, from: at.step, text: body?.text ?? null, acked: false, to: null };
	attempts.push(a);
	let r;
	try {
		r = await s.post(p, body);
	} catch {
		r = { status: 0, json: null };
	}
	stats.byStatus[r.status] = (stats.byStatus[r.status] || 0) + 1;
	if (r.status === 200 && r.json && typeof r.json.step === 'number') {
		a.acked = true;
		a.to = { state: r.json.state, step: r.json.step };
		stats.acked++;
		return a.to;
	}
	if (FAULT_STATUS.has(r.status) || r.status === 200)
		stats.faults++;
	else
		stats.other++;
	return null;
}

async function driver(mine, until) {
	const at = new Map();
	for (const app of mine)
		at.set(app, await position(app));
	while (Date.now() < until)
		for (const app of mine) {
			const to = await moveOnce(app, at.get(app));
			// a cut answer, or a refusal: read where it is now and go on from there
			at.set(app, to ?? await position(app));
		}
}

/* GETs on every program (admin and the simulator have no moves to make), the
 * pages of issue 9 and the operator's among them. */
async function reader(until) {
	const gets = [['admin', '/me', sessions.admin], ['paysim', '/health', null], ['unit', '/worklist', sessions.unit_hongda],
		['county', '/worklist', sessions.wucheng_jsj], ['hrb', '/worklist', sessions.wucheng_rsj],
		['city', '/worklist', sessions.jh_zpw], ['applicant', '/applications', sessions.applicant],
		['admin', '/registrations', sessions.admin], ['unit', '/publicity', sessions.unit_hongda],
		['county', '/interviews', sessions.wucheng_jsj], ['county', '/fees', sessions.wucheng_jsj],
		['unit', '/people', sessions.unit_hongda], ['admin', '/audit', sessions.admin],
		['hrb', '/publicity', sessions.wucheng_rsj], ['applicant', '/plans', sessions.applicant]];
	for (let i = 0; Date.now() < until; i++) {
		const [program, p, s] = gets[i % gets.length];
		const r = await (s ? s.get(p).catch(() => ({ status: 0 })) : raw('GET', `/api/${program}${p}`).catch(() => ({ status: 0 })));
		stats.reads++;
		if (r.status !== 200)
			stats.readFaults++;
	}
}

test('kill -9 a worker of every program and restart PostgreSQL under load: the chain stays whole', async (t) => {
	const t0 = Date.now(), until = t0 + LOAD_MS;
	const before = Object.fromEntries(PROGRAMS.map((p) => [p, workerPids(p)]));
	if (Object.values(before).some((p) => p === null || p.length === 0)) {
		t.skip('the stack does not run on this machine');
		return;
	}
	const pm0 = postmasterPid();
	const killed = {};
	const faults = (async () => {
		// one worker of each program, a second apart, then the database
		await sleep(2000);
		for (const p of PROGRAMS) {
			const pids = workerPids(p);
			killed[p] = pids[Math.floor(pids.length / 2)];
			process.kill(killed[p], 'SIGKILL');
			await sleep(1000);
		}
		await pgRestart();
	})();
	const load = [];
	for (let d = 0; d < DRIVERS; d++)
		load.push(driver(apps.slice(d * APPS_EACH, (d + 1) * APPS_EACH), until));
	load.push(reader(until), reader(until));
	await Promise.all([faults, ...load]);
	t.diagnostic(`${Date.now() - t0} ms: ${attempts.length} moves tried, ${stats.acked} acknowledged, ${stats.faults} cut by a fault, ${stats.other} refused; answers ${JSON.stringify(stats.byStatus)}; ${stats.reads} reads, ${stats.readFaults} not 200`);

	// every program answers, with as many workers as before, the killed ones replaced
	for (const p of PROGRAMS)
		await assertHealthy(p);
	for (const p of PROGRAMS) {
		let now = [];
		for (let i = 0; i < 50; i++) {
			now = workerPids(p);
			if (now.length === before[p].length && !now.includes(killed[p]))
				break;
			await sleep(100);
		}
		assert.equal(now.length, before[p].length, `${p}: workers ${before[p]} → ${now}`);
		assert.ok(!now.includes(killed[p]), `${p}: the killed worker ${killed[p]} is still there`);
	}
	assert.notEqual(postmasterPid(), pm0, 'PostgreSQL was not restarted');
	assert.ok(stats.acked >= 100, `only ${stats.acked} moves acknowledged: the load did not run`);
	assert.equal(stats.other, 0, `moves refused for another reason than a fault: ${JSON.stringify(stats.byStatus)}`);

	// every application stands where its last history row left it, and the history is unbroken
	const hist = await sqlRows(`SELECT application_id, no, action, from_step, to_step, from_state, to_state,
	    coalesce(text, '') FROM chain_history WHERE application_id IN (${apps.join(', ')})
	    ORDER BY application_id, no`);
	const byApp = new Map(apps.map((a) => [a, []]));
	for (const [app, no, action, fs, ts, fst, tst, text] of hist)
		byApp.get(Number(app)).push({ no: Number(no), action, from: Number(fs), to: Number(ts), fromState: fst, toState: tst, text });
	for (const app of apps) {
		const h = byApp.get(app);
		const pos = await position(app);
		const last = h[h.length - 1];
		assert.ok(last, `application ${app} has no history`);
		assert.deepEqual({ state: last.toState, step: last.to }, pos, `application ${app}: position ≠ its last history row`);
		h.forEach((row, i) => {
			assert.equal(row.no, i + 1, `application ${app}: history numbers ${h.map((x) => x.no)}`);
			if (i > 0)
				assert.deepEqual([row.fromState, row.from], [h[i - 1].toState, h[i - 1].to],
				    `application ${app}: move ${row.no} does not start where move ${h[i - 1].no} ended`);
		});
	}

	// every acknowledged move is there exactly once, with the position its reply gave; none twice
	const byText = new Map();
	for (const h of byApp.values())
		for (const row of h)
			if (row.text)
				byText.set(row.text, [...(byText.get(row.text) || []), row]);
	for (const a of attempts.filter((x) => x.text !== null)) {
		const rows = byText.get(a.text) || [];
		assert.ok(rows.length <= 1, `move "${a.text}" is in the history ${rows.length} times`);
		if (a.acked) {
			assert.equal(rows.length, 1, `acknowledged move "${a.text}" of application ${a.app} is not in the history`);
			assert.deepEqual([rows[0].action, rows[0].from, rows[0].toState, rows[0].to], [a.action, a.from, a.to.state, a.to.step],
			    `move "${a.text}": the history differs from the reply`);
		}
	}
	// submissions carry no text: per application, between those acknowledged and those tried
	for (const app of apps) {
		const n = byApp.get(app).filter((r) => r.action === 'submit').length;
		const mine = attempts.filter((a) => a.app === app && a.action === 'submit');
		assert.ok(n >= mine.filter((a) => a.acked).length && n <= mine.length,
		    `application ${app}: ${n} submissions in the history, ${mine.filter((a) => a.acked).length} acknowledged of ${mine.length} tried`);
	}
	// and the history holds nothing nobody tried
	const tried = new Set(attempts.map((a) => a.text));
	for (const [text] of byText)
		assert.ok(tried.has(text), `history row "${text}" that no driver sent`);
});
