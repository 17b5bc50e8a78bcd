// Deadline day (issue 11): many applicants at once, each working through
// drafts as the wizard does: autosaves of 本人述职 (PUT …/info), then 提交
// (POST …/submit), then the next draft; closed loop for a fixed time. Prints
// throughput, latency percentiles, 5xx, and the stored-once check: each
// submission is in the history exactly once, and what was stored (the
// application and its submission snapshot) is the last autosave the
// applicant saw acknowledged. Run by scripts/loadtest.sh on a stack of its own.
//
//   LOADTEST_USERS    applicants (default 240, at least 200)
//   LOADTEST_SECONDS  duration (default 120)
//   LOADTEST_DRAFTS   drafts per applicant, one per plan (default 40)
//   LOADTEST_SAVES    autosaves before each submission (default 5)
//   LOADTEST_THINK_MS pause between one applicant's requests (default 0)
import { performance } from 'node:perf_hooks';

import { DEMO_APPLICANT, HONGDA, Session, idcard, lit, sql, sqlRows } from '../tests/integration/lib.mjs';

const USERS = Number(process.env.LOADTEST_USERS || 240);
const SECONDS = Number(process.env.LOADTEST_SECONDS || 120);
const DRAFTS = Number(process.env.LOADTEST_DRAFTS || 40);
const SAVES = Number(process.env.LOADTEST_SAVES || 5);
const THINK = Number(process.env.LOADTEST_THINK_MS || 0);
const PASSWORD = 'Demo@2023';

const say = (s) => process.stdout.write(`${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Applicants, complete profiles, plans and complete drafts, all by SQL. */
async function fixtures() {
	const ids = new Set();
	while (ids.size < USERS)
		ids.add(idcard());
	const people = [...ids];
	await sql(`INSERT INTO app_user (role, username, name, idcard, mobile, password_hash)
	    SELECT 'applicant', v, '截止日测试', v, '139' || lpad(n::text, 8, '0'), d.password_hash
	    FROM unnest(ARRAY[${people.map(lit).join(', ')}]) WITH ORDINALITY AS t(v, n),
	    app_user d WHERE d.username = ${lit(DEMO_APPLICANT)}`);
	const users = `SELECT id FROM app_user WHERE username IN (${people.map(lit).join(', ')})`;
	await sql(`INSERT INTO applicant_profile (user_id, ethnicity, education, degree, school, major,
	    graduation_date, work_start_date, title, title_date, appointed_date, specialty, custody, unit_org_id,
	    staffing)
	    SELECT u.id, '汉族', '大学本科', '学士', '浙江工业大学', '土木工程', '2010-06-30', '2010-07-01',
	    '助理工程师', '2015-01-01', '2015-03-01', '建筑工程施工', 'unit', o.id, 'none'
	    FROM (${users}) u, org o WHERE o.name = ${lit(HONGDA)}`);
	await sql(`CREATE TEMP TABLE IF NOT EXISTS x (x int)`);	// (psql session warm-up)
	await sql(`INSERT INTO upload (owner_id, filename, ctype, size, sha256, data)
	    SELECT id, 'fixture.pdf', 'application/pdf', 14, sha256('%PDF-1.4 %%EOF'), '%PDF-1.4 %%EOF' FROM (${users}) u`);
	await sql(`INSERT INTO archive_item (owner_id, kind, title, status, reviewer_org_id)
	    SELECT u.id, 'project', '截止日测试工程项目', 'approved', o.id FROM (${users}) u, org o WHERE o.name = ${lit(HONGDA)}`);
	await sql(`INSERT INTO plan (year, name, level, opens_on, closes_on)
	    SELECT 2026, 'loadtest plan ' || g, 'mid', current_date, current_date + 1 FROM generate_series(1, ${DRAFTS}) g`);
	await sql(`INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id, photo_id,
	     signature_id, signed_at, statement, category, method, specialty, accept_org_id)
	    SELECT u.id, p.id, (SELECT id FROM pipeline WHERE code = 'mid_review'), o.id, o.region_id,
	     f.id, f.id, now(), '本人述职', 'construction', 'normal', '建筑工程施工',
	     (SELECT id FROM org WHERE name = '婺城区住房和城乡建设局')
	    FROM (${users}) u JOIN upload f ON f.owner_id = u.id, org o, plan p
	    WHERE o.name = ${lit(HONGDA)} AND p.name LIKE 'loadtest plan %'`);
	await sql(`INSERT INTO application_archive (application_id, item_id)
	    SELECT a.id, i.id FROM application a JOIN archive_item i ON i.owner_id = a.applicant_id
	    WHERE a.applicant_id IN (${users})`);
	await sql(`INSERT INTO application_file (application_id, kind, upload_id)
	    SELECT a.id, k, a.photo_id FROM application a,
	    unnest(ARRAY['summary', 'experience', 'm_education', 'm_title']) k WHERE a.applicant_id IN (${users})`);
	await sql('ANALYZE');
	const rows = await sqlRows(`SELECT u.username, array_agg(a.id ORDER BY a.id) FROM app_user u
	    JOIN application a ON a.applicant_id = u.id WHERE u.id IN (${users}) GROUP BY u.username`);
	return rows.map(([username, apps]) => ({ username, apps: apps.replace(/[{}]/g, '').split(',').map(Number) }));
}

async function login(people) {
	const queue = [...people];
	const worker = async () => {
		for (let p; (p = queue.shift());) {
			p.s = new Session('applicant');
			const r = await p.s.post('/login', { username: p.username, password: PASSWORD });
			if (r.status !== 200)
				throw new Error(`login ${p.username}: ${r.status} ${r.text}`);
			p.s.csrf = r.json.csrf;
		}
	};
	await Promise.all(Array.from({ length: 8 }, worker));
}

const lat = { autosave: [], submit: [] };
const done = [];	// completion times (ms since the start), for the throughput over time
let origin = 0;
const status = {};
let fivexx = 0, failedFetch = 0;

/* One request, timed; never throws. */
async function timed(kind, fn) {
	const t0 = performance.now();
	let r;
	try {
		r = await fn();
	} catch {
		r = { status: 0, json: null };
		failedFetch++;
	}
	lat[kind].push(performance.now() - t0);
	done.push(performance.now() - origin);
	status[`${kind} ${r.status}`] = (status[`${kind} ${r.status}`] || 0) + 1;
	if (r.status >= 500)
		fivexx++;
	return r;
}

/* One applicant until the end: per draft SAVES autosaves, then submit. */
async function applicant(p, until, seen) {
	for (const app of p.apps) {
		for (let k = 0; k < SAVES; k++) {
			if (performance.now() >= until)
				return;
			const statement = `本人述职（截止日）第 ${k + 1} 稿 ${p.username.slice(-6)}-${app}-${Math.random().toString(36).slice(2, 8)}`;
			const r = await timed('autosave', () => p.s.request('PUT', `/applications/${app}/info`,
			    { json: { statement, wizard_step: 3 } }));
			if (r.status === 200)
				seen.saved.set(app, statement);
			if (THINK)
				await sleep(THINK);
		}
		if (performance.now() >= until)
			return;
		const r = await timed('submit', () => p.s.post(`/applications/${app}/submit`));
		seen.tried.add(app);
		if (r.status === 200)
			seen.acked.add(app);
		if (THINK)
			await sleep(THINK);
	}
	seen.ranOut++;
}

function pct(xs, q) {
	if (xs.length === 0)
		return 0;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

const ms = (x) => `${x.toFixed(1)} ms`.padStart(10);

async function main() {
	if (USERS < 200)
		say(`note: LOADTEST_USERS=${USERS} is below the 200 of the deadline-day goal`);
	let t = performance.now();
	const people = await fixtures();
	say(`fixtures: ${people.length} applicants × ${DRAFTS} complete drafts (${((performance.now() - t) / 1000).toFixed(1)} s)`);
	t = performance.now();
	await login(people);
	say(`logged in: ${people.length} sessions (${((performance.now() - t) / 1000).toFixed(1)} s)`);

	const seen = { saved: new Map(), tried: new Set(), acked: new Set(), ranOut: 0 };
	say(`deadline day: ${people.length} applicants at once for ${SECONDS} s, ${SAVES} autosaves then 提交 per draft, think ${THINK} ms`);
	const start = performance.now(), until = start + SECONDS * 1000;
	origin = start;
	await Promise.all(people.map((p) => applicant(p, until, seen)));
	const secs = (performance.now() - start) / 1000;

	const all = [...lat.autosave, ...lat.submit];
	say('');
	say(`requests        ${String(all.length).padStart(8)}   ${(all.length / secs).toFixed(1)} req/s over ${secs.toFixed(1)} s`);
	for (const [k, xs] of Object.entries(lat))
		say(`  ${k.padEnd(12)}  ${String(xs.length).padStart(8)}   p50 ${ms(pct(xs, 0.5))}   p99 ${ms(pct(xs, 0.99))}   max ${ms(pct(xs, 1))}`);
	say(`  all           ${String(all.length).padStart(8)}   p50 ${ms(pct(all, 0.5))}   p99 ${ms(pct(all, 0.99))}   max ${ms(pct(all, 1))}`);
	const per = Array.from({ length: Math.ceil(secs / 10) }, (_, i) => done.filter((x) => x >= i * 10000 && x < (i + 1) * 10000).length / 10);
	say(`req/s per 10 s  ${per.map((x) => x.toFixed(0)).join(' ')}`);
	say(`answers         ${Object.entries(status).sort().map(([k, n]) => `${k}×${n}`).join('  ')}`);
	say(`5xx             ${fivexx}${failedFetch ? `   (connections failed: ${failedFetch})` : ''}`);
	if (seen.ranOut > 0)
		say(`note: ${seen.ranOut} applicants used up their ${DRAFTS} drafts before the end (raise LOADTEST_DRAFTS)`);

	// stored once: history, position and snapshot of every draft of the run
	const appIds = people.flatMap((p) => p.apps);
	const rows = await sqlRows(`SELECT a.id, a.state, a.step_seq, coalesce(a.statement, ''),
	    (SELECT count(*) FROM chain_history h WHERE h.application_id = a.id AND h.action = 'submit'),
	    (SELECT count(*) FROM application_snapshot s WHERE s.application_id = a.id),
	    (SELECT count(*) FROM application_snapshot s WHERE s.application_id = a.id
	      AND s.data->>'statement' IS NOT DISTINCT FROM a.statement
	      AND s.data->>'category' IS NOT DISTINCT FROM a.category
	      AND s.data->>'method' IS NOT DISTINCT FROM a.method
	      AND s.data->>'specialty' IS NOT DISTINCT FROM a.specialty
	      AND (s.data->>'accept_org_id')::bigint IS NOT DISTINCT FROM a.accept_org_id)
	    FROM application a WHERE a.id IN (${appIds.join(', ')})`);
	const bad = [];
	let stored = 0;
	for (const [id, state, step, statement, submits, snaps, same] of rows) {
		const app = Number(id);
		const n = Number(submits);
		if (seen.acked.has(app)) {
			if (n !== 1 || state !== 'in_review' || step !== '2')
				bad.push(`application ${app}: acknowledged, but ${n} submissions in the history, now ${state} at step ${step}`);
			else if (snaps !== '1' || same !== '1')
				bad.push(`application ${app}: ${snaps} snapshots, ${same} equal to the application's content`);
			else if (seen.saved.has(app) && statement !== seen.saved.get(app))
				bad.push(`application ${app}: stored 本人述职 is not the last acknowledged autosave`);
			else
				stored++;
		} else if (n > 1 || (n === 1 && !seen.tried.has(app)) || (n === 0 && state !== 'draft')) {
			bad.push(`application ${app}: ${n} submissions in the history, ${state} (submission ${seen.tried.has(app) ? 'not acknowledged' : 'never sent'})`);
		}
	}
	say(`stored once     ${bad.length === 0 ? 'ok' : 'FAILED'}: ${seen.acked.size} submissions acknowledged, ${stored} in the history exactly once with the content the applicant last saw saved; ${bad.length} wrong`);
	for (const b of bad.slice(0, 20))
		say(`  ${b}`);
	process.exitCode = fivexx === 0 && bad.length === 0 ? 0 : 1;
}

await main();
