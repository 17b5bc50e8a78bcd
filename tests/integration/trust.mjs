// Fixtures of the trust suites (issue 11): a world in which every program has
// an owner of things (an applicant, a unit, a county, an HR bureau, a city
// department, the operator), a stranger of the same role who owns none of
// them, and the things themselves; and table checksums that tell whether a
// request wrote anything. Not a test file itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';

import {
	BASE, DEMO_PASSWORD, FIRST_PASSWORD, HONGDA, Session, VAR, firstLoginAs, idcard, lit, loginAs, mobile, retire, sql,
	sqlInt, sqlRows, tag,
} from './lib.mjs';
import { soon } from './committee-vote.mjs';

const execFileP = promisify(execFile);

// ------------------------------------------------------------------ checksums

/*
 * Columns left out of a table's checksum, and why:
 *   session.last_seen   every authenticated request moves it (the 30-minute
 *                       idle limit slides); the session rows themselves count
 *   upload.data         its sha256 and size are in the checksum; hashing the
 *                       bytes of every file on every comparison costs seconds
 * Tables that are append-only by trigger (sql/001: audit_log, chain_history)
 * cannot have a row changed: their row count and highest id say all.
 */
const MASKED = { session: ['last_seen'], upload: ['data'] };
const APPEND_ONLY = new Set(['audit_log', 'chain_history']);

/*
 * What a refused request may write by design, and nothing else:
 *   audit_log           a refused login is recorded (lib/auth.c:
 *                       login_unknown_user, login_failed), nothing else
 *   register_attempt    every registration tried from an address counts
 *                       toward the hourly limit, refused ones included
 *                       (sql/009_register_attempt.sql)
 * Both are append-only records of the refusal; every other table must be
 * unchanged, row for row.
 */
export const REFUSAL_AUDIT = new Set(['login_unknown_user', 'login_failed']);

let checksumQuery = null;

/* One statement that checksums every table of the schema: per table its row
 * count and the sum of its rows' hashes (order does not matter, nothing is
 * sorted), masked columns left out. */
async function buildChecksumQuery() {
	const tables = (await sqlRows(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'
	    ORDER BY tablename`)).map((r) => r[0]);
	const q = [];
	for (const t of tables) {
		let row = 'x::text';
		if (APPEND_ONLY.has(t)) {
			q.push(`SELECT ${lit(t)}, count(*), coalesce(max(id), 0)::text FROM ${t}`);
			continue;
		}
		if (MASKED[t]) {
			const cols = (await sqlRows(`SELECT column_name FROM information_schema.columns
			    WHERE table_schema = 'public' AND table_name = ${lit(t)}
			    AND column_name NOT IN (${MASKED[t].map(lit).join(', ')}) ORDER BY ordinal_position`)).map((r) => `x.${r[0]}`);
			row = `ROW(${cols.join(', ')})::text`;
		}
		q.push(`SELECT ${lit(t)}, count(*), coalesce(sum(hashtext(${row})::bigint), 0)::text FROM ${t} x`);
	}
	q.push(`SELECT '#audit_max', coalesce(max(id), 0), '' FROM audit_log`);
	return q.join(' UNION ALL ');
}

/* Per table: { rows, sum }; audit_log's highest id as '#audit_max'. */
export async function checksums() {
	checksumQuery ??= await buildChecksumQuery();
	// the decisions noted since the last look counted first (sql/022), as every look at the
	// statistics does: a GET /stats then folds nothing, and the counts compare like for like
	await sql('SELECT stay_fold()');
	const out = {};
	for (const [t, n, sum] of await sqlRows(checksumQuery))
		out[t] = { rows: Number(n), sum };
	return out;
}

/*
 * The differences between two checksums() as a list of texts (empty: nothing
 * written). With refusals: true, new audit rows of REFUSAL_AUDIT actions and
 * new register_attempt rows are allowed (their other rows must not change);
 * with attempts: true, new register_attempt rows only.
 */
export async function written(before, after, { refusals = false, attempts = refusals } = {}) {
	const diffs = [];
	for (const t of Object.keys(after)) {
		if (t.startsWith('#'))
			continue;
		const a = before[t], b = after[t];
		if (a && a.sum === b.sum && a.rows === b.rows)
			continue;
		if (attempts && t === 'register_attempt' && b.rows >= a.rows)
			continue;
		if (refusals && t === 'audit_log') {
			const acts = (await sqlRows(`SELECT action, count(*) FROM audit_log
			    WHERE id > ${before['#audit_max'].rows} GROUP BY action`));
			const bad = acts.filter(([act]) => !REFUSAL_AUDIT.has(act));
			if (bad.length === 0)
				continue;
			diffs.push(`audit_log: new rows ${bad.map(([x, n]) => `${x}×${n}`).join(', ')}`);
			continue;
		}
		diffs.push(`${t}: ${a ? a.rows : 0} → ${b.rows} rows${a && a.rows === b.rows ? ' (contents changed)' : ''}`);
	}
	return diffs;
}

// ------------------------------------------------------------------ requests from an address of their own

/*
 * A loopback address of its own (127.a.b.c; Linux routes all of 127/8 to lo,
 * nginx passes it on as REMOTE_ADDR). What is limited per address and hour
 * (registrations of people and units, SMS codes: lib/limit.c) is counted for
 * it alone: the suites' hundreds of refused requests neither reach a limit
 * of their own nor use up 127.0.0.1's, which later suites register from.
 */
export function loopback() {
	return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/* One request to the stack from a source address; { status, text } (status 0
 * and the reason when the connection failed). No redirect is followed. */
export function sendFrom(from, method, p, { headers = {}, body } = {}) {
	const u = new URL(`${BASE}${p}`);
	const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
	const h = { ...headers };
	if (data !== undefined)
		h['Content-Length'] = data.length;
	return new Promise((resolve) => {
		const req = http.request({
			host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers: h,
			localAddress: from, agent: false,
		}, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', (err) => resolve({ status: 0, text: `response failed: ${err.code || err.message}` }));
		});
		req.on('error', (err) => resolve({ status: 0, text: `fetch failed: ${err.code || err.message}` }));
		req.end(data);
	});
}

// ------------------------------------------------------------------ people

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/* A person name of letters only (valid_person_name), unique enough to be
 * searched for in any reply. */
export function markerName(prefix) {
	let s = '';
	for (let i = 0; i < 8; i++)
		s += LETTERS[randomInt(26)];
	return `${prefix} ${s[0].toUpperCase()}${s.slice(1)}`;
}

/* Registers an applicant through the API and logs in: { s, id, idcard, name, password }. */
export async function newPerson(name) {
	for (let i = 0; ; i++) {
		const who = { idcard: idcard(), name, mobile: mobile(), password: `Pw-${tag()}A1` };
		const r = await new Session('applicant').post('/register', who);
		if (r.status === 409 && i < 5)
			continue;
		assert.equal(r.status, 201, `register: ${r.text}`);
		const s = await loginAs('applicant', who.idcard, who.password);
		return { ...who, s, id: s.me.user.id };
	}
}

/* A second account in the organisation of an existing one (the demo password). */
async function sameOrgUser(role, username) {
	const name = `itest_${role}_${tag()}`;
	await sql(`INSERT INTO app_user (role, username, name, org_id, password_hash)
	    SELECT role, ${lit(name)}, '测试账号', org_id, password_hash FROM app_user
	    WHERE username = ${lit(username)}`);
	return loginAs(role, name);
}

// ------------------------------------------------------------------ fixtures in SQL

const userOf = (username) => sqlInt(`SELECT id FROM app_user WHERE username = ${lit(username)}`);
const orgOf = (username) => sqlInt(`SELECT org_id FROM app_user WHERE username = ${lit(username)}`);

/* An upload owned by a user (a small PDF); its id. */
export async function sqlUpload(owner) {
	return sqlInt(`INSERT INTO upload (owner_id, filename, ctype, size, sha256, data)
	    VALUES (${owner}, 'fixture.pdf', 'application/pdf', 14, sha256('%PDF-1.4 %%EOF'), '%PDF-1.4 %%EOF')
	    RETURNING id`);
}

/* A profile at 金华宏达 that the pre-submission check accepts. */
export async function sqlProfile(user) {
	await sql(`INSERT INTO applicant_profile (user_id, ethnicity, education, degree, school, major,
	    graduation_date, work_start_date, title, title_date, appointed_date, specialty, custody, unit_org_id,
	    staffing)
	    SELECT ${user}, '汉族', '大学本科', '学士', '浙江工业大学', '土木工程', '2010-06-30', '2010-07-01',
	    '助理工程师', '2015-01-01', '2015-03-01', '建筑工程施工', 'unit', o.id, 'none' FROM org o WHERE o.name = ${lit(HONGDA)}
	    ON CONFLICT (user_id) DO NOTHING`);
}

/* An archive item of a user reviewed by 金华宏达, in a status; its id. */
export async function sqlItem(owner, status, title = `夹具工程项目-${tag()}`) {
	return sqlInt(`INSERT INTO archive_item (owner_id, kind, title, status, reviewer_org_id)
	    SELECT ${owner}, 'project', ${lit(title)}, ${lit(status)}, o.id FROM org o WHERE o.name = ${lit(HONGDA)}
	    RETURNING id`);
}

/*
 * n complete draft applications of a user at 金华宏达 on a chain (中级评审
 * unless told), each under a plan of its own (a person has one live
 * application per plan; a 初级 chain's plan grants 助理工程师), filled in to
 * pass the pre-submission check with the given upload and approved item;
 * returns their ids.
 */
export async function sqlDrafts(user, n, { upload, item, statement = '本人述职', pipeline = 'mid_review' }) {
	const level = pipeline.startsWith('junior') ? "'junior', '助理工程师'" : "'mid', '工程师'";
	const out = await sql(`WITH p AS (INSERT INTO plan (year, name, level, title_name, opens_on, closes_on)
	    SELECT 2026, 'trust plan ' || gen_random_uuid(), ${level}, current_date, current_date + 1
	    FROM generate_series(1, ${n}) RETURNING id)
	    INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id, photo_id,
	     signature_id, signed_at, statement, category, method, specialty, accept_org_id)
	    SELECT ${user}, p.id, (SELECT id FROM pipeline WHERE code = ${lit(pipeline)}), o.id, o.region_id,
	     ${upload}, ${upload}, now(), ${lit(statement)}, 'construction', 'normal', '建筑工程施工',
	     (SELECT w.org_id FROM step_owners_of((SELECT id FROM pipeline WHERE code = ${lit(pipeline)}),
	      o.region_id, o.id) w WHERE w.seq = 4)
	    FROM p, org o WHERE o.name = ${lit(HONGDA)} RETURNING id`);
	const ids = out.split('\n').filter(Boolean).map(Number);
	assert.equal(ids.length, n, `fixture: ${out}`);
	await sql(`INSERT INTO application_archive (application_id, item_id)
	    SELECT a, ${item} FROM unnest(ARRAY[${ids.join(', ')}]::bigint[]) a`);
	await sql(`INSERT INTO application_file (application_id, kind, upload_id)
	    SELECT a, k, ${upload} FROM unnest(ARRAY[${ids.join(', ')}]::bigint[]) a,
	    unnest(ARRAY['summary', 'experience', 'm_education', 'm_title']) k`);
	return ids;
}

/* Moves submitted fixture applications to another county (a fixture: their unit
 * stays in 婺城区; a draft would go back where its unit is when submitted), with
 * that county's 受理单位 (step 4's department), as the wizard would offer it. */
async function inRegion(ids, code) {
	await sql(`UPDATE application a SET region_id = r.id, accept_org_id = (SELECT w.org_id
	    FROM step_owners_of(a.pipeline_id, r.id, a.unit_org_id) w WHERE w.seq = 4)
	    FROM region r WHERE r.code = ${lit(code)} AND a.id IN (${ids.join(', ')})`);
}

/* Moves an application as chain_write() would for that account (the test's
 * superuser may call it for any program); returns the new step. */
export async function sqlMove(app, action, step, username, text = '同意') {
	const org = await sql(`SELECT coalesce(org_id::text, 'NULL') FROM app_user WHERE username = ${lit(username)}`);
	return sqlInt(`SELECT to_step FROM chain_write(${app}, ${lit(action)}, ${step},
	    (SELECT id FROM app_user WHERE username = ${lit(username)}), ${org}, ${lit(text)}, NULL,
	    (SELECT role FROM app_user WHERE username = ${lit(username)}), NULL)`);
}

// ------------------------------------------------------------------ the world

/* The accounts that take an application of 金华宏达 (婺城区) up the 中级评审 chain:
 * who passes each step (the gates are lib/gate.c's, not chain_write's: a
 * fixture climbs past them). */
const PASSERS = { 2: 'unit_hongda', 3: 'unit_hongda', 4: 'wucheng_jsj', 5: 'wucheng_rsj',
	6: 'wucheng_jsj', 7: 'wucheng_cpw', 8: 'jh_zpw', 9: 'jh_rsj', 10: 'jh_zpw', 11: 'jh_zpw' };
/* The same up the other chains (walk.mjs, CLERKS), and up 中级评审 in 金东区. */
const PASSERS_OF = {
	mid_review: PASSERS,
	mid_assess: { 2: 'unit_hongda', 3: 'unit_hongda', 4: 'jh_zjj', 5: 'jh_rsj', 6: 'jh_rsj' },
	junior_assess: { 2: 'unit_hongda', 3: 'unit_hongda', 4: 'jh_zjj', 5: 'jh_rsj', 6: 'jh_zjj' },
	junior_review: { 2: 'unit_hongda', 3: 'unit_hongda' },
};
const JINDONG = { ...PASSERS, 4: 'jindong_jsj', 5: 'jindong_rsj', 6: 'jindong_jsj' };

/* Takes a submitted application from step 2 to step `to`, and checks that it
 * is on the desk of `holder`'s organisation there. */
async function climb(app, to, holder, passers = PASSERS) {
	for (let step = 2; step < to; step++)
		assert.equal(await sqlMove(app, 'pass', step, passers[step], `通过-${step}`), step + 1);
	assert.equal(await sqlInt(`SELECT current_org_id FROM application WHERE id = ${app}`), await orgOf(holder),
	    `fixture: application ${app} at step ${to} is not on ${holder}'s desk`);
}

/* An account of an organisation (by an account of it), made in SQL with the
 * demo password; { id, name }. */
async function sqlAccount(username, { admin = false, name = markerName('Clerk') } = {}) {
	const id = await sqlInt(`INSERT INTO app_user (role, username, name, mobile, org_id, password_hash, is_org_admin)
	    SELECT role, ${lit(`itest_${tag()}`)}, ${lit(name)}, '13957900001', org_id, password_hash, ${admin}
	    FROM app_user WHERE username = ${lit(username)} RETURNING id`);
	return { id, name };
}

/* A 评前面试 session of an organisation (by an account of it): started an
 * hour ago, or a week ahead; with the applications assigned at their steps. */
async function sqlInterview(username, { started, apps = [] }) {
	const id = await sqlInt(`INSERT INTO interview_session (org_id, title, starts_at, place, panel, created_by)
	    SELECT org_id, '夹具面试', now() + ${started ? "interval '-1 hour'" : "interval '7 days'"}, '夹具会议室',
	    '夹具专家', id FROM app_user WHERE username = ${lit(username)} RETURNING id`);
	for (const app of apps)
		await sql(`INSERT INTO interview_assignment (session_id, application_id, step_seq, assigned_by)
		    SELECT ${id}, a.id, a.step_seq, u.id FROM application a, app_user u
		    WHERE a.id = ${app} AND u.username = ${lit(username)}`);
	return id;
}

/* An objection recorded by an organisation (by an account of it) on an
 * application at its publicity step; its id. */
const sqlObjection = (app, username) => sqlInt(`INSERT INTO objection (application_id, step_seq, raised_on, content, created_by)
    SELECT a.id, a.step_seq, current_date, '夹具异议', u.id FROM application a, app_user u
    WHERE a.id = ${app} AND u.username = ${lit(username)} RETURNING id`);

/*
 * n applications of a person ({ id, s }) on a chain (中级评审 unless told),
 * submitted through the API (each with the snapshot a reviewer's page reads)
 * and climbed to step `to`, where they are on the desk of `holder`; in
 * 金东区 with jindong (its county's departments pass them). Their ids.
 */
async function atStep(person, n, { pipeline = 'mid_review', to, holder, jindong = false, ...draft }) {
	const apps = await sqlDrafts(person.id, n, { ...draft, pipeline });
	for (const app of apps) {
		const r = await person.s.post(`/applications/${app}/submit`);
		assert.equal(r.status, 200, `submit ${app}: ${r.text}`);
		// (moved once submitted: a draft goes where its unit is, app_drafts_follow())
		if (jindong)
			await inRegion([app], '330703');
		await climb(app, to, holder, jindong ? JINDONG : PASSERS_OF[pipeline]);
	}
	return apps;
}

/*
 * A results document a department issues through the API (POST /documents,
 * lib/results.c) for applications waiting at its 制发文件 step: they end 办结,
 * each with its certificate. { id, certificates: [their ids, in the order of apps] }.
 */
async function issueDocument(s, apps, number) {
	const today = await sql(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`);
	// (the 文号's year is the year it is issued)
	const r = await s.post('/documents', { number: number.replace(/〔\d{4}〕/, `〔${today.slice(0, 4)}〕`),
		issued_on: today, title: '关于公布职称评审结果的通知（夹具）',
		items: apps });
	assert.equal(r.status, 201, `fixture: document ${number}: ${r.text}`);
	assert.equal(r.json.completed, apps.length, `fixture: document ${number}: ${r.text}`);
	const certificates = [];
	for (const app of apps)
		certificates.push(await sqlInt(`SELECT id FROM certificate WHERE application_id = ${app}`));
	return { id: r.json.id, certificates };
}

/* A member of a committee, added by its office (a Session) through the API with
 * a first password (one-time) and an employer that is not the applicants' unit
 * (no conflict of interest); { id, username, name, s (with login: logged in,
 * the first login having set the demo password) }. */
async function addMember(office, role, { login = false } = {}) {
	const username = `mx${tag()}`, name = markerName('Member');
	const r = await office.post('/committee/members', { username, name, specialty: '建筑工程',
		employer: '浙江省建筑设计研究院', mobile: mobile(), password: FIRST_PASSWORD });
	assert.equal(r.status, 201, `fixture: member: ${r.text}`);
	return { id: r.json.id, username, name, s: login ? await firstLoginAs(role, username) : null };
}

/*
 * A meeting of a committee through its office's API (lib/committee.c): on a
 * day ahead, with the applications on its agenda and every active member of
 * the committee present (other suites' members too: the quorum counts them);
 * its ballot opened with open, and closed with close. Its id.
 */
async function apiMeeting(office, startsAt, apps, { open = false, close = false } = {}) {
	const ok = (r, what) => assert.ok(r.status < 300, `fixture: meeting ${what}: ${r.status} ${r.text}`);
	// a ballot opens at its meeting's time (sql/040): those opened are held now
	const m = await office.post('/meetings', { title: '夹具评审会议', starts_at: open ? soon() : startsAt,
	    place: '夹具会议室' });
	ok(m, 'create');
	const id = m.json.id;
	if (apps.length > 0) {
		const a = await office.post(`/meetings/${id}/agenda`, { items: apps });
		assert.equal(a.json?.added, apps.length, `fixture: agenda: ${a.text}`);
	}
	const members = (await office.get('/committee')).json.members.filter((x) => !x.disabled).map((x) => x.id);
	ok(await office.request('PUT', `/meetings/${id}/attendance`, { json: { present: members } }), 'attendance');
	if (open)
		ok(await office.post(`/meetings/${id}/open`), 'open');
	if (close)
		ok(await office.post(`/meetings/${id}/close`), 'close');
	return id;
}

/* The committees whose meetings the world holds, and their strangers: the
 * county 初评委 of 婺城区 and of 金东区, the city 中评委 and 初级评委会. */
const COMMITTEES = ['wucheng_cpw', 'jindong_cpw', 'jh_zpw', 'jh_cjpw'];

/*
 * The 评审会议 of a portal (county or city): the office of a committee and
 * its members' logins are two more kinds of caller of the program, each the
 * owner of things its stranger (another committee of the same portal, and a
 * member of it) must not reach:
 *   office   the routes under /committee and /meetings: members (one who
 *            votes, one the office's routes change), a meeting to come with
 *            two applications on its agenda (one its routes take off), one
 *            to cancel, one whose ballot closed (its minutes), an application
 *            waiting for a meeting
 *   ballots  the routes under /ballots (R_MEMBER), asked by a member
 * The stranger committee has a meeting to come with two applications (its
 * member withdrew from the second), one whose ballot is open with two more
 * (one its member votes on, one it withdraws from), and one waiting: the
 * controls of the matrix use them. victimAt(n) and strangerAt(n) make n
 * applications held by each committee at its vote step.
 * → { office, ballots (personas, see makeWorld), apps, open: [[meeting, office]], markers }
 */
async function committeeWorld(role, officeName, strangerName, step, startsAt, victimAt, strangerAt) {
	const office = await loginAs(role, officeName), other = await loginAs(role, strangerName);
	const voter = await addMember(office, role, { login: true });
	const member = await addMember(office, role);
	const [onAgenda, toRemove, free, decided] = await victimAt(4);
	const planned = await apiMeeting(office, startsAt, [onAgenda, toRemove]);
	const doomed = await apiMeeting(office, startsAt, []);
	const closed = await apiMeeting(office, startsAt, [decided], { open: true, close: true });
	const sVoter = await addMember(other, role, { login: true });
	const [sOnAgenda, sRecused, sFree, sVote, sRecuse] = await strangerAt(5);
	const sPlanned = await apiMeeting(other, startsAt, [sOnAgenda, sRecused]);
	const rec = await other.post(`/meetings/${sPlanned}/recusals`, { application: sRecused, member: sVoter.id,
		reason: '夹具回避' });
	assert.equal(rec.status, 200, `fixture: recusal: ${rec.text}`);
	const sOpen = await apiMeeting(other, startsAt, [sVote, sRecuse], { open: true });
	const ends = (route, ...tails) => tails.some((x) => route.pattern.endsWith(x));
	return {
		office: {
			kind: 'office', under: ['/committee', '/meetings'], step,
			owner: office, login: [officeName, DEMO_PASSWORD], stranger: other,
			ids: {
				meetings: (route) => route.method === 'DELETE' && route.pattern === '/meetings/:id' ? doomed
				    : ends(route, '/minutes.xhtml', '/settle', '/publish') ? closed : planned,
				agenda: toRemove, members: member.id,
			},
			refs: { applications: (route) => ends(route, '/agenda') ? free : onAgenda, members: member.id },
			own: {
				meetings: sPlanned, agenda: sOnAgenda, members: sVoter.id,
				applications: (route) => ends(route, '/agenda') ? sFree : ends(route, '/withdraw') ? sRecused : sOnAgenda,
			},
		},
		ballots: {
			kind: 'member', under: ['/ballots'], step,
			owner: voter.s, login: [voter.username, DEMO_PASSWORD], stranger: sVoter.s,
			ids: { ballots: planned, applications: onAgenda },
			refs: { applications: onAgenda },
			own: { ballots: sOpen, applications: (route) => ends(route, '/recuse') ? sRecuse : sVote },
		},
		apps: [onAgenda, toRemove, free, decided, sOnAgenda, sRecused, sFree, sVote, sRecuse],
		open: [[sOpen, strangerName]],
		markers: [voter.name, member.name],
	};
}

/* The persona a route is asked as: one of its program's `as` (a committee's
 * office, a committee member) for the routes under its prefixes, else the
 * program's own (see makeWorld). */
export function persona(w, route) {
	const P = w.programs[route.program];
	return P.as?.find((x) => x.under.some((u) => route.pattern === u || route.pattern.startsWith(`${u}/`))) ?? P;
}

/* The applicant's routes of a certificate (its application's, once completed). */
const certificateOf = (route) => route.pattern.startsWith('/applications/:id/certificate');

/* A value per route: kind → id, or kind → (route) → id when a route needs
 * another one (a session that has begun for results, one to come for the
 * rest). */
export const pick = (v, route) => typeof v === 'function' ? v(route) : v;

/* The calendar year the operator's routes rewrite: far from any working-day
 * count (retireWorld deletes it). */
export const FIXTURE_YEAR = 2099;

/*
 * Builds the world:
 *   victim      an applicant (name and statement unique, to be searched for
 *               in replies) with a draft, an application on each reviewer
 *               program's desk, uploads, archive items, a message
 *   stranger    another applicant with a draft, an item and an upload of its own
 *   bound       a third applicant who chose 金华宏达 and waits for its confirmation
 *   programs    per program: owner (the Session that owns ids), stranger (a
 *               Session of the same role in another organisation, owning none
 *               of them), ids (kind → id of the owner's things: the path's
 *               placeholders), refs (kind → id of what the owner's bodies
 *               name), own (kind → id of the stranger's things), step (of
 *               the application in ids); an id may be a function of the route
 *               (pick); the unit's also pending (a Session of a unit whose
 *               registration the operator has not approved yet); the county's
 *               and the city's also `as`, personas of the same shape for the
 *               routes under their prefixes (`under`): the committee office
 *               (kind 'office') and a committee member's login (kind
 *               'member', R_MEMBER routes), see committeeWorld and persona(),
 *               and member (that member's Session: a caller of its own kind)
 *   markers     strings no stranger's reply may contain
 * The desks: 金华宏达 (unit_hongda) at ③ 单位公示; 婺城区住建局 (wucheng_jsj) at
 * ④ and ⑥ 评前面试; 金华市人力社保局 (jh_rsj) at ⑨ 资格复审并公示 and at ⑦
 * 制发文件 of 中级认定 (a document it issued, its certificate); the city's
 * 中评委 (jh_zpw) at ⑪ 公布评审结果 and ⑫ 制发文件 (the same). Each stranger
 * is of the same kind in another place: 金华市建筑设计研究院, 金东区住建局,
 * 金东区人力社保局, 市住建局 (with a document and a certificate of 初级认定 of
 * its own). The committees: 婺城区初评委 (wucheng_cpw, ⑦ of 中级评审) against
 * 金东区's; the city's 中评委 (⑩) against its 初级评委会 (④ of 初级评审).
 */
export async function makeWorld() {
	const t = tag();
	const victim = await newPerson(markerName('Victim'));
	const stranger = await newPerson(markerName('Stranger'));
	const bound = await newPerson(markerName('Bound'));
	const statement = `本人述职-受害人-${t}`;
	const hongda = await orgOf('unit_hongda');
	for (const p of [victim, stranger, bound])
		await sqlProfile(p.id);
	// the victim and the stranger work at 金华宏达, which confirmed them; the
	// third person chose it and waits
	await sql(`INSERT INTO person_binding (user_id, org_id, status, decided_at)
	    VALUES (${victim.id}, ${hongda}, 'confirmed', now()), (${stranger.id}, ${hongda}, 'confirmed', now())`);
	await sql(`INSERT INTO person_binding (user_id, org_id) VALUES (${bound.id}, ${hongda})`);
	const upload = await sqlUpload(victim.id);
	const item = await sqlItem(victim.id, 'approved');
	// pending items: one the applicant's own routes edit and delete, one its unit reviews
	const pending = await sqlItem(victim.id, 'pending');
	const toReview = await sqlItem(victim.id, 'pending');
	const [draft, atUnit, atCounty, atInterview, atHrb, atCity] = await sqlDrafts(victim.id, 6, { upload, item, statement });
	// submitted through the API, so that each has the snapshot a reviewer's page reads
	for (const app of [atUnit, atCounty, atInterview, atHrb, atCity]) {
		const r = await victim.s.post(`/applications/${app}/submit`);
		assert.equal(r.status, 200, `submit ${app}: ${r.text}`);
	}
	await climb(atUnit, 3, 'unit_hongda');
	await climb(atCounty, 4, 'wucheng_jsj');
	await climb(atInterview, 6, 'wucheng_jsj');
	await climb(atHrb, 9, 'jh_rsj');
	await climb(atCity, 11, 'jh_zpw');
	const hongdaUser = await userOf('unit_hongda');
	await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
	    VALUES (${atUnit}, 3, current_date, ${hongdaUser})`);
	const message = await sqlInt(`INSERT INTO notification (user_id, mobile, body)
	    VALUES (${victim.id}, ${lit(victim.mobile)}, '【职称申报】夹具消息') RETURNING id`);
	const opinion = async (username) => sqlInt(`INSERT INTO opinion_template (org_id, text, created_by)
	    SELECT org_id, ${lit(`夹具意见-${t}`)}, id FROM app_user WHERE username = ${lit(username)} RETURNING id`);

	const strangerUpload = await sqlUpload(stranger.id);
	const strangerItem = await sqlItem(stranger.id, 'approved');
	// 市本级 has no county departments: its 评前面试 (step 6) is the city's 住建局's.
	// The stranger's application: the 住建局 is the city desk's stranger, and holds
	// nothing of the victim's
	const [atSbjInterview] = await sqlDrafts(stranger.id, 1, { upload: strangerUpload, item: strangerItem });
	assert.equal((await stranger.s.post(`/applications/${atSbjInterview}/submit`)).status, 200);
	await inRegion([atSbjInterview], '330700-sbj');
	await climb(atSbjInterview, 6, 'jh_zjj', { ...PASSERS, 4: 'jh_zjj', 5: 'jh_rsj' });
	const [strangerDraft, strangerToCall, strangerCalled] = await sqlDrafts(stranger.id, 3,
	    { upload: strangerUpload, item: strangerItem });
	// the stranger's applications reviewed in 金东区 (a fixture: its unit is in 婺城区),
	// at the county's 评前面试 there, so that the county's stranger calls one and
	// records the other's result
	for (const app of [strangerToCall, strangerCalled]) {
		const r = await stranger.s.post(`/applications/${app}/submit`);
		assert.equal(r.status, 200, `submit ${app}: ${r.text}`);
		await inRegion([app], '330703');
		await climb(app, 6, 'jindong_jsj', { ...PASSERS, 4: 'jindong_jsj', 5: 'jindong_rsj' });
	}

	// 评前面试: a session to come (calls, changes, withdrawals) and one that has
	// begun (results), each department's own
	const sessions = async (username, apps, { begunOnly = [] } = {}) => {
		const coming = await sqlInterview(username, { started: false, apps });
		const begun = await sqlInterview(username, { started: true, apps: [...apps, ...begunOnly] });
		// one with nobody on its list, for the route that deletes it
		const empty = await sqlInterview(username, { started: false });
		return (route) => route.pattern.endsWith('/results') ? begun
		    : route.method === 'DELETE' && route.pattern === '/interviews/:id' ? empty : coming;
	};
	// a clerk of 金华宏达 its administrator keeps
	const clerk = await sqlAccount('unit_hongda');

	// the operator's things: a unit's registration waiting with its scan, a
	// department (永康市初评委) and a clerk of it, a draft plan, a calendar year
	const admin = await loginAs('admin', 'admin');
	const adminUpload = await sqlUpload(admin.me.user.id);
	const registration = await sqlInt(`INSERT INTO org (kind, name, region_id, portal, ownership, supervisor, status,
	     submitted_at) SELECT 'unit', ${lit(`夹具注册单位-${t}`)}, id, 'unit', 'private', '婺城区住房和城乡建设局',
	     'pending', now() FROM region WHERE code = '330702' RETURNING id`);
	const registrantName = `itest_reg_${t}`;
	const registrant = await sqlInt(`INSERT INTO app_user (role, username, name, org_id, password_hash, is_org_admin)
	    SELECT 'unit', ${lit(registrantName)}, '夹具经办', ${registration}, password_hash, true FROM app_user
	    WHERE username = 'unit_hongda' RETURNING id`);
	await sql(`UPDATE org SET authorization_id = ${await sqlUpload(registrant)} WHERE id = ${registration}`);
	const departmentClerk = await sqlAccount('yongkang_cpw');
	const draftPlan = await sqlInt(`INSERT INTO plan (year, name, series, level, title_name, pipelines, opens_on,
	     closes_on, status) VALUES (extract(year FROM current_date)::int, ${lit(`test plan 夹具-${t}`)}, '建设工程',
	     'mid', '工程师', '{mid_review}', current_date, current_date + 30, 'draft') RETURNING id`);
	await sql(`INSERT INTO calendar_year (year, note) VALUES (${FIXTURE_YEAR}, '夹具年度') ON CONFLICT DO NOTHING`);

	// 制发文件: the city's 中评委 and the HR bureau each issued a document through
	// the API (its application ended 办结 with a certificate) and have another
	// application waiting for one; the city's stranger (市住建局, 初级认定) too
	const docNo = (n) => `夹${t.slice(-9)}〔2023〕${n}号`;
	const [cityDone, cityWaiting] = await atStep(victim, 2, { to: 12, holder: 'jh_zpw', upload, item, statement });
	const cityDoc = await issueDocument(await loginAs('city', 'jh_zpw'), [cityDone], docNo(1));
	// (中级认定 passes 市住建局 at ④, which may then open those applications'
	// files: an upload and an item of their own keep the city's stranger a
	// stranger to the world's others)
	const [hrbDone, hrbWaiting] = await atStep(victim, 2, { pipeline: 'mid_assess', to: 7, holder: 'jh_rsj',
		upload: await sqlUpload(victim.id), item: await sqlItem(victim.id, 'approved'), statement });
	const hrbDoc = await issueDocument(await loginAs('hrb', 'jh_rsj'), [hrbDone], docNo(2));
	const [strangerDone, strangerWaiting] = await atStep(stranger, 2, { pipeline: 'junior_assess', to: 7,
		holder: 'jh_zjj', upload: strangerUpload, item: strangerItem });
	const strangerDoc = await issueDocument(await loginAs('city', 'jh_zjj'), [strangerDone], docNo(3));
	const isDocuments = (route) => route.pattern === '/documents';

	// 评审会议: the members active before the world, and the committees' own
	// rules, as retireWorld puts them back
	const committees = (await sqlRows(`SELECT org_id FROM app_user
	    WHERE username IN (${COMMITTEES.map(lit).join(', ')})`)).map((r) => Number(r[0]));
	const committee = {
		orgs: committees,
		members: (await sqlRows(`SELECT id FROM app_user WHERE kind = 'committee_member' AND disabled_at IS NULL
		    AND org_id IN (${committees.join(', ')})`)).map((r) => Number(r[0])),
		rules: (await sqlRows(`SELECT org_id FROM committee_setting WHERE org_id IN (${committees.join(', ')})`))
			.map((r) => Number(r[0])),
	};
	const startsAt = `${await sql(`SELECT to_char(current_date + 7, 'YYYY-MM-DD')`)} 09:30`;
	const county = await committeeWorld('county', 'wucheng_cpw', 'jindong_cpw', 7, startsAt,
	    (n) => atStep(victim, n, { to: 7, holder: 'wucheng_cpw', upload, item, statement }),
	    (n) => atStep(stranger, n, { to: 7, holder: 'jindong_cpw', jindong: true, upload: strangerUpload,
		    item: strangerItem }));
	const city = await committeeWorld('city', 'jh_zpw', 'jh_cjpw', 10, startsAt,
	    (n) => atStep(victim, n, { to: 10, holder: 'jh_zpw', upload, item, statement }),
	    (n) => atStep(stranger, n, { pipeline: 'junior_review', to: 4, holder: 'jh_cjpw', upload: strangerUpload,
		    item: strangerItem }));
	committee.open = [...county.open, ...city.open];

	const reviewer = async (role, owner, strangerName, app, step, more = {}) => ({
		owner: await loginAs(role, owner),
		login: [owner, DEMO_PASSWORD],
		stranger: await loginAs(role, strangerName),
		ids: { applications: app, files: upload, uploads: upload, opinions: await opinion(owner), ...more.ids },
		refs: { applications: app, uploads: upload, ...more.refs },
		own: { ...more.own },
		step,
	});
	const underInterviews = (app, other) => (route) => route.pattern.startsWith('/interviews') ? app : other;
	const programs = {
		applicant: {
			owner: victim.s, login: [victim.idcard, victim.password], stranger: stranger.s, step: 1,
			// a certificate is its application's once completed
			ids: { applications: (route) => certificateOf(route) ? cityDone : draft, files: upload, uploads: upload,
				archive: pending, messages: message },
			// what a body refers to: the approved item, which only its owner may put in an application
			refs: { applications: draft, uploads: upload, archive: item },
			own: { applications: (route) => certificateOf(route) ? strangerDone : strangerDraft, archive: strangerItem,
				uploads: strangerUpload },
		},
		unit: await reviewer('unit', 'unit_hongda', 'unit_sjy', atUnit, 3, {
			ids: { archive: toReview, objections: await sqlObjection(atUnit, 'unit_hongda'), people: bound.id,
				operators: clerk.id },
		}),
		county: await reviewer('county', 'wucheng_jsj', 'jindong_jsj', atCounty, 4, {
			ids: { interviews: await sessions('wucheng_jsj', [atInterview]), assignments: atInterview },
			refs: { applications: underInterviews(atInterview, atCounty) },
			// its own applications: one called to its session begun, one not called yet
			own: { interviews: await sessions('jindong_jsj', [], { begunOnly: [strangerCalled] }),
				applications: (route) => route.pattern.endsWith('/results') ? strangerCalled
				    : route.pattern.endsWith('/assign') ? strangerToCall : undefined },
		}),
		// (金东区人力社保局 holds no 制发文件 step: no documents of its own)
		hrb: await reviewer('hrb', 'jh_rsj', 'jindong_rsj', atHrb, 9, {
			ids: { objections: await sqlObjection(atHrb, 'jh_rsj'), interviews: await sessions('jh_rsj', [atHrb]),
				assignments: atHrb, documents: hrbDoc.id, certificates: hrbDoc.certificates[0] },
			refs: { applications: (route) => isDocuments(route) ? hrbWaiting : atHrb, documents: hrbDoc.id },
			own: { interviews: await sessions('jindong_rsj', []) },
		}),
		city: await reviewer('city', 'jh_zpw', 'jh_zjj', atCity, 11, {
			ids: { objections: await sqlObjection(atCity, 'jh_zpw'), documents: cityDoc.id,
				certificates: cityDoc.certificates[0] },
			refs: { applications: (route) => isDocuments(route) ? cityWaiting : atCity, documents: cityDoc.id },
			own: { applications: (route) => isDocuments(route) ? strangerWaiting : undefined,
				documents: strangerDoc.id, certificates: strangerDoc.certificates[0] },
		}),
		admin: {
			owner: admin, login: ['admin', DEMO_PASSWORD], stranger: await sameOrgUser('admin', 'admin'), step: 1,
			ids: { uploads: adminUpload, registrations: registration, departments: await orgOf('yongkang_cpw'),
				accounts: departmentClerk.id, plans: draftPlan, calendar: FIXTURE_YEAR },
			refs: { uploads: adminUpload }, own: {},
		},
		paysim: { owner: null, stranger: null, ids: {}, refs: {}, own: {}, step: 1 },
	};
	// the unit whose registration waits for the operator: it may see its
	// registration and its account, nothing else
	programs.unit.pending = await loginAs('unit', registrantName);
	// the committees' offices and members: personas of the county and the city
	for (const [P, c] of [[programs.county, county], [programs.city, city]]) {
		P.as = [c.office, c.ballots];
		P.member = c.ballots.owner;
	}
	// the city's 评前面试: its 住建局's, for 市本级; the stranger the city's 初级评委会
	programs.city.as.push({
		kind: 'interviews', under: ['/interviews'], step: 6,
		owner: await loginAs('city', 'jh_zjj'), login: ['jh_zjj', DEMO_PASSWORD],
		stranger: await loginAs('city', 'jh_cjpw'),
		ids: { interviews: await sessions('jh_zjj', [atSbjInterview]), assignments: atSbjInterview },
		refs: { applications: atSbjInterview },
		own: { interviews: await sessions('jh_cjpw', []) },
	});
	// the city's 收费明细: its 初级评委会's, which charges the junior plans; the stranger its 中评委办
	programs.city.as.push({
		kind: 'fees', under: ['/plans/:id/payments.xlsx'], step: 1,
		owner: await loginAs('city', 'jh_cjpw'), login: ['jh_cjpw', DEMO_PASSWORD],
		stranger: await loginAs('city', 'jh_zpw'),
		ids: { plans: await sqlInt(`SELECT id FROM plan WHERE level = 'junior' AND status = 'published'
		    ORDER BY id LIMIT 1`) },
		refs: {}, own: {},
	});
	const orgs = {
		hongda,
		hongdaUscc: await sql(`SELECT uscc FROM org WHERE id = ${hongda}`),
		centre: await sqlInt(`SELECT id FROM org WHERE kind = 'talent_centre' LIMIT 1`),
		county: await orgOf('wucheng_jsj'),
	};
	assert.match(orgs.hongdaUscc, /^[0-9A-Z]{18}$/, 'fixture: 金华宏达 has no 统一社会信用代码');
	return {
		victim, stranger, bound, programs, orgs, committee,
		apps: [draft, atUnit, atCounty, atInterview, atHrb, atCity, atSbjInterview, strangerDraft, strangerToCall, strangerCalled,
			cityDone, cityWaiting, hrbDone, hrbWaiting, strangerDone, strangerWaiting, ...county.apps, ...city.apps],
		plans: [draftPlan],
		plan: await sqlInt(`SELECT plan_id FROM application WHERE id = ${draft}`),
		region: await sqlInt(`SELECT region_id FROM application WHERE id = ${draft}`),
		today: await sql(`SELECT to_char(current_date, 'YYYY-MM-DD')`),
		nobody: `nobody_${t}`,
		markers: [victim.name, victim.idcard, statement, bound.name, bound.idcard, clerk.name, ...county.markers,
			...city.markers],
	};
}

/* Takes the world's applications and pending items out of every desk and list. */
export async function retireWorld(w) {
	if (!w)
		return;
	await retire(`id IN (${w.apps.join(', ')})`);
	await sql(`UPDATE archive_item SET status = 'rejected', reason = 'itest cleanup'
	    WHERE owner_id IN (${w.victim.id}, ${w.stranger.id}) AND status = 'pending'`);
	// the world's plans close, so that later suites looking for an open plan do not pick them
	await sql(`UPDATE plan SET opens_on = current_date - 1, closes_on = current_date - 1
	    WHERE id IN (SELECT plan_id FROM application WHERE id IN (${w.apps.join(', ')}))
	    OR id IN (${(w.plans || [0]).join(', ')})`);
	// the operator's calendar year
	if (w.plans)
		await sql(`DELETE FROM calendar_day WHERE extract(year FROM day) = ${FIXTURE_YEAR};
		    DELETE FROM calendar_year WHERE year = ${FIXTURE_YEAR}`);
	// 评审会议: the ballots left open close; the members the world (and the
	// owners' requests) added leave their committees, as committee.test.mjs's
	// do (a walk's vote counts on the committee having no others); the
	// committees vote by their own rules again
	const c = w.committee;
	if (c) {
		for (const [meeting, office] of c.open ?? [])
			await sql(`SELECT ballot_close(m.id, u.id) FROM committee_meeting m, app_user u
			    WHERE m.id = ${meeting} AND m.state = 'open' AND u.username = ${lit(office)}`);
		await sql(`WITH gone AS (UPDATE app_user SET disabled_at = now() WHERE kind = 'committee_member'
		     AND disabled_at IS NULL AND org_id IN (${c.orgs.join(', ')})
		     AND id <> ALL (ARRAY[${c.members.join(', ')}]::bigint[]) RETURNING id)
		    UPDATE session SET ended_at = now() WHERE user_id IN (SELECT id FROM gone) AND ended_at IS NULL`);
		await sql(`DELETE FROM committee_setting WHERE org_id IN (${c.orgs.join(', ')})
		    AND org_id <> ALL (ARRAY[${c.rules.join(', ')}]::bigint[])`);
	}
}

/* 32 random lower-case hex digits: a signing link nobody was given. */
export const nobodysToken = () => randomBytes(16).toString('hex');

/*
 * What a route's plausible request takes its values from (routes.mjs,
 * PLAUSIBLE): the placeholders from `path` (kind → id; the owner's things
 * unless told), the references of its body from `refs`; a plan nobody owns
 * is the world's, a token one nobody was given.
 */
export function worldContext(w, route, { path, refs } = {}) {
	const P = persona(w, route);
	const ids = path ?? P.ids, named = refs ?? P.refs;
	const where = `${route.method} /api/${route.program}${route.pattern}`;
	const of = `programs.${route.program}${P.kind ? ` (its ${P.kind} persona in as)` : ''}`;
	return {
		route, victim: w.victim, orgs: w.orgs, plan: w.plan, region: w.region, today: w.today, nobody: w.nobody,
		step: P.step,
		path: (kind, tok) => {
			const v = tok ? nobodysToken() : pick(ids[kind], route) ?? (kind === 'plans' ? w.plan : undefined);
			assert.ok(v !== undefined && v !== null, `${where}: the world has no "${kind}" for the path's :id (${of}.ids.${kind} in makeWorld, tests/integration/trust.mjs)`);
			return v;
		},
		ref: (kind) => {
			const v = pick(named[kind], route);
			assert.ok(v !== undefined && v !== null, `${where}: the world has no "${kind}" for the body to name (${of}.refs.${kind} in makeWorld, tests/integration/trust.mjs)`);
			return v;
		},
	};
}

// ------------------------------------------------------------------ PostgreSQL of the stack

const PG_CTL = '/usr/lib/postgresql/15/bin/pg_ctl';

/* Runs pg_ctl on the stack's cluster as postgres (as zz-resilience.test.mjs does). */
export function pgCtl(...args) {
	const data = path.join(VAR, 'pg', 'data');
	return execFileP('runuser', ['-u', 'postgres', '--', PG_CTL, '-D', data, ...args]);
}

/* Stops PostgreSQL (fast: running transactions are rolled back, committed
 * ones are on disk) and starts it again. */
export async function pgRestart() {
	await pgCtl('-m', 'fast', '-w', 'stop');
	await pgCtl('-l', path.join(VAR, 'log', 'postgres.log'), '-w', '-t', '60', 'start');
}

/* The postmaster's pid (changes with each restart). */
export function postmasterPid() {
	return Number(readFileSync(path.join(VAR, 'pg', 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
}
