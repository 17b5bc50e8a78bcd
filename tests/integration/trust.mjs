// Fixtures of the trust suites (issue 11): a world in which every program has
// an owner of things (an applicant, a unit, a county, an HR bureau, a city
// department, the operator), a stranger of the same role who owns none of
// them, and the things themselves; and table checksums that tell whether a
// request wrote anything. Not a test file itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import {
	DEMO_PASSWORD, HONGDA, Session, VAR, idcard, lit, loginAs, mobile, retire, sql, sqlInt, sqlRows, tag,
} from './lib.mjs';

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
	const out = {};
	for (const [t, n, sum] of await sqlRows(checksumQuery))
		out[t] = { rows: Number(n), sum };
	return out;
}

/*
 * The differences between two checksums() as a list of texts (empty: nothing
 * written). With refusals: true, new audit rows of REFUSAL_AUDIT actions and
 * new register_attempt rows are allowed (their other rows must not change).
 */
export async function written(before, after, { refusals = false } = {}) {
	const diffs = [];
	for (const t of Object.keys(after)) {
		if (t.startsWith('#'))
			continue;
		const a = before[t], b = after[t];
		if (a && a.sum === b.sum && a.rows === b.rows)
			continue;
		if (refusals && t === 'register_attempt' && b.rows >= a.rows)
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
	    graduation_date, work_start_date, title, title_date, specialty, custody, unit_org_id, staffing)
	    SELECT ${user}, '汉族', '大学本科', '学士', '浙江工业大学', '土木工程', '2010-06-30', '2010-07-01',
	    '助理工程师', '2015-01-01', '建筑工程施工', 'unit', o.id, 'none' FROM org o WHERE o.name = ${lit(HONGDA)}
	    ON CONFLICT (user_id) DO NOTHING`);
}

/* An archive item of a user reviewed by 金华宏达, in a status; its id. */
export async function sqlItem(owner, status, title = `夹具工程项目-${tag()}`) {
	return sqlInt(`INSERT INTO archive_item (owner_id, kind, title, status, reviewer_org_id)
	    SELECT ${owner}, 'project', ${lit(title)}, ${lit(status)}, o.id FROM org o WHERE o.name = ${lit(HONGDA)}
	    RETURNING id`);
}

/*
 * n complete draft mid_review applications of a user at 金华宏达, each under a
 * plan of its own (a person has one live application per plan), filled in to
 * pass the pre-submission check with the given upload and approved item;
 * returns their ids.
 */
export async function sqlDrafts(user, n, { upload, item, statement = '本人述职' }) {
	const out = await sql(`WITH p AS (INSERT INTO plan (year, name, level, opens_on, closes_on)
	    SELECT 2026, 'trust plan ' || gen_random_uuid(), 'mid', current_date, current_date + 1
	    FROM generate_series(1, ${n}) RETURNING id)
	    INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id, photo_id,
	     signature_id, signed_at, statement, category, method, specialty, accept_org_id)
	    SELECT ${user}, p.id, (SELECT id FROM pipeline WHERE code = 'mid_review'), o.id, o.region_id,
	     ${upload}, ${upload}, now(), ${lit(statement)}, 'construction', 'normal', '建筑工程施工',
	     (SELECT id FROM org WHERE name = '婺城区住房和城乡建设局')
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
 * who passes each step. */
const PASSERS = { 2: 'unit_hongda', 3: 'unit_hongda', 4: 'wucheng_jsj', 5: 'wucheng_rsj',
	6: 'wucheng_jsj', 7: 'wucheng_cpw' };

/* Takes a submitted application from step 2 to step `to`. */
async function climb(app, to) {
	for (let step = 2; step < to; step++)
		assert.equal(await sqlMove(app, 'pass', step, PASSERS[step], `通过-${step}`), step + 1);
}

/*
 * Builds the world:
 *   victim      an applicant (name and statement unique, to be searched for
 *               in replies) with a draft, an application on each reviewer
 *               program's desk, uploads, archive items, a message
 *   stranger    another applicant with a draft, an item and an upload of its own
 *   programs    per program: owner (the Session that owns ids), stranger (a
 *               Session of the same role owning none of them), ids (kind → id
 *               of the owner's things: the path's placeholders), own (kind → id
 *               of the stranger's things), step (of the application in ids)
 *   markers     strings no stranger's reply may contain
 */
export async function makeWorld() {
	const t = tag();
	const victim = await newPerson(markerName('Victim'));
	const stranger = await newPerson(markerName('Stranger'));
	const statement = `本人述职-受害人-${t}`;
	for (const p of [victim, stranger])
		await sqlProfile(p.id);
	const upload = await sqlUpload(victim.id);
	const item = await sqlItem(victim.id, 'approved');
	// pending items: one the applicant's own routes edit and delete, one its unit reviews
	const pending = await sqlItem(victim.id, 'pending');
	const toReview = await sqlItem(victim.id, 'pending');
	const [draft, atUnit, atCounty, atHrb, atCity] = await sqlDrafts(victim.id, 5, { upload, item, statement });
	// submitted through the API, so that each has the snapshot a reviewer's page reads
	for (const app of [atUnit, atCounty, atHrb, atCity]) {
		const r = await victim.s.post(`/applications/${app}/submit`);
		assert.equal(r.status, 200, `submit ${app}: ${r.text}`);
	}
	await climb(atUnit, 3);
	await climb(atCounty, 4);
	await climb(atHrb, 5);
	await climb(atCity, 8);
	const hongdaUser = await userOf('unit_hongda');
	await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
	    VALUES (${atUnit}, 3, current_date, ${hongdaUser})`);
	const objection = await sqlInt(`INSERT INTO objection (application_id, step_seq, raised_on, content, created_by)
	    VALUES (${atUnit}, 3, current_date, '夹具异议', ${hongdaUser}) RETURNING id`);
	const message = await sqlInt(`INSERT INTO notification (user_id, mobile, body)
	    VALUES (${victim.id}, ${lit(victim.mobile)}, '【职称申报】夹具消息') RETURNING id`);
	const opinion = async (username) => sqlInt(`INSERT INTO opinion_template (org_id, text, created_by)
	    SELECT org_id, ${lit(`夹具意见-${t}`)}, id FROM app_user WHERE username = ${lit(username)} RETURNING id`);

	const strangerUpload = await sqlUpload(stranger.id);
	const strangerItem = await sqlItem(stranger.id, 'approved');
	const [strangerDraft] = await sqlDrafts(stranger.id, 1, { upload: strangerUpload, item: strangerItem });

	const admin = await loginAs('admin', 'admin');
	const adminUpload = await sqlUpload(admin.me.user.id);

	const reviewer = async (role, owner, strangerName, app, step) => ({
		owner: await loginAs(role, owner),
		login: [owner, DEMO_PASSWORD],
		stranger: await loginAs(role, strangerName),
		ids: { applications: app, files: upload, uploads: upload, opinions: await opinion(owner) },
		refs: { applications: app, uploads: upload },
		own: {},
		step,
	});
	const programs = {
		applicant: {
			owner: victim.s, login: [victim.idcard, victim.password], stranger: stranger.s, step: 1,
			ids: { applications: draft, files: upload, uploads: upload, archive: pending, messages: message },
			// what a body refers to: the approved item, which only its owner may put in an application
			refs: { applications: draft, uploads: upload, archive: item },
			own: { applications: strangerDraft, archive: strangerItem, uploads: strangerUpload },
		},
		unit: await reviewer('unit', 'unit_hongda', 'unit_sjy', atUnit, 3),
		county: await reviewer('county', 'wucheng_jsj', 'jindong_jsj', atCounty, 4),
		hrb: await reviewer('hrb', 'wucheng_rsj', 'jindong_rsj', atHrb, 5),
		city: await reviewer('city', 'jh_zpw', 'jh_zjj', atCity, 8),
		admin: {
			owner: admin, login: ['admin', DEMO_PASSWORD], stranger: await sameOrgUser('admin', 'admin'),
			ids: { uploads: adminUpload }, refs: { uploads: adminUpload }, own: {}, step: 1,
		},
		paysim: { owner: null, stranger: null, ids: {}, refs: {}, own: {}, step: 1 },
	};
	Object.assign(programs.unit.ids, { archive: toReview, objections: objection });
	const orgs = {
		hongda: await orgOf('unit_hongda'),
		centre: await sqlInt(`SELECT id FROM org WHERE kind = 'talent_centre' LIMIT 1`),
		county: await orgOf('wucheng_jsj'),
	};
	return {
		victim, stranger, programs, orgs,
		apps: [draft, atUnit, atCounty, atHrb, atCity, strangerDraft],
		plan: await sqlInt(`SELECT plan_id FROM application WHERE id = ${draft}`),
		region: await sqlInt(`SELECT region_id FROM application WHERE id = ${draft}`),
		today: await sql(`SELECT to_char(current_date, 'YYYY-MM-DD')`),
		nobody: `nobody_${t}`,
		markers: [victim.name, victim.idcard, statement],
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
	    WHERE id IN (SELECT plan_id FROM application WHERE id IN (${w.apps.join(', ')}))`);
}

/* 32 random lower-case hex digits: a signing link nobody was given. */
export const nobodysToken = () => randomBytes(16).toString('hex');

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
