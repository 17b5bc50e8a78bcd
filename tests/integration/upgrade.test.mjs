// Issue 12, upgrades: from the previous release (named in tests/integration/previous-release)
// to this tree, on the same data directory, every record stays as it was and the applications
// go on. The release is taken from git (git archive of its commit, built in build/release-<tag>-
// <commit>/, kept for later runs), installed (its scripts/deps.sh), and run as its own
// `make run` would: its stack.sh start, seed, demo (applications submitted, returned,
// publicised, paid and passed by the unit and the county through that release's API), under
// $PORTAL_VAR/upgrade with nginx on the test port + 7. It stops; this tree's stack.sh starts
// on the same directory (its migrations apply); then:
//   - every row of every table of the release is still there with the same values in its
//     columns (rows, columns and tables may be added; a column a migration changes on purpose
//     is named in CHANGED, with where its values went);
//   - the people of the release log in and see their applications;
//   - every application in review finishes its chain through this tree's API (walk.mjs).
// The release's pages are not under test (nothing here uses them): its www/dist is this
// tree's build, so that its nginx has something to serve.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { BASE, DEMO_PASSWORD, ROOT, Session, sideStack, sqlOn } from './lib.mjs';
import { assertKept, sequenceValues, tableColumns, tableRows } from './ops.mjs';
import { finish, walkOn } from './walk.mjs';

const execFileP = promisify(execFile);
const OFFSET = 7;
const PORT = Number(new URL(BASE).port) + OFFSET;
const side = sideStack('upgrade', OFFSET);
const sql = sqlOn(side.dir);

/*
 * Columns a migration changed on purpose, named with the migration and why; they are left out
 * of the comparison of their table. When the values went elsewhere, the entry says where: every
 * row the query `before` gave before the upgrade, `after` gives after it (which may give more).
 * Anything else a migration drops or rewrites fails the test.
 */
const CHANGED = {
	'public.pipeline_step.gate': {
		why: '012_gates_notices.sql: a step\'s gates became rows of step_gate',
		before: 'SELECT pipeline_id, seq, gate FROM pipeline_step WHERE gate IS NOT NULL',
		after: 'SELECT pipeline_id, seq, gate FROM step_gate',
	},
	'public.pipeline_step.actions': {
		why: '012_gates_notices.sql: 公布评审结果 and 公布初定结果 only pass or reject (no return)',
	},
	'public.audit_label.name': {
		why: '058_county_portal_name.sql: the county portal\'s role named 县（市、区）主管部门, as the notice writes it; '
		    + '069_decision_words.sql: the chain\'s moves named 申报通过 / 申报退回修改 / 申报不通过',
		before: "SELECT kind, code, CASE WHEN kind = 'action' AND code = 'pass' THEN '申报通过'"
		    + " WHEN kind = 'action' AND code = 'return' THEN '申报退回修改' WHEN kind = 'action' AND code = 'reject' THEN '申报不通过'"
		    + " ELSE replace(replace(name, '(', '（'), ')', '）') END FROM audit_label",
		after: 'SELECT kind, code, name FROM audit_label',
	},
	'public.org_kind.name': {
		why: '069_decision_words.sql: the committees by the notice\'s names (建设初评委, 市建设中评委办公室)',
	},
	'public.action_label.text_label': {
		why: '069_decision_words.sql: a pass\'s history line says 意见 (审核意见 was the unit\'s word at every desk)',
	},
	'public.ref_version.n': {
		why: '084_results_published.sql, 085_step_name_meeting.sql, 086_assessment_published.sql: the steps\' gates and names changed, a new '
		    + 'version of the reference data the programs keep (026_ref_version.sql)',
	},
	'public.pipeline_step.name': {
		why: '085_step_name_meeting.sql: the 中级 chain\'s ⑤ by the notice\'s name (…业务能力复审会)',
		before: "SELECT pipeline_id, seq, CASE WHEN name = '县（市、区）组织评前面试或业务能力复审' THEN name || '会'"
		    + ' ELSE name END FROM pipeline_step',
		after: 'SELECT pipeline_id, seq, name FROM pipeline_step',
	},
};
const git = async (...args) => (await execFileP('git', ['-C', ROOT, ...args])).stdout.trim();

/*
 * The previous release: the one tests/integration/previous-release names ("<tag> <commit>"),
 * kept in the tree because a clone need not carry tags (CI's has none). Its commit must be
 * an ancestor of HEAD and not HEAD itself; a tag of that name, where one is fetched, must
 * point at it.
 */
async function previousRelease() {
	const head = await git('rev-parse', 'HEAD');
	const file = path.join(ROOT, 'tests', 'integration', 'previous-release');
	const [tag, named] = readFileSync(file, 'utf8').trim().split(/\s+/);
	assert.match(named || '', /^[0-9a-f]{40}$/, `${file}: "<tag> <40-hex commit>"`);
	const commit = await git('rev-parse', '--verify', '--quiet', `${named}^{commit}`).catch(() => '');
	assert.ok(commit, `${file}: ${tag}'s commit ${named} is not in this clone (a shallow clone: fetch its history)`);
	assert.notEqual(commit, head, `${file}: ${tag} is HEAD itself; name the release before it`);
	await git('merge-base', '--is-ancestor', commit, head).catch(() => {
		assert.fail(`${file}: ${tag} (${commit.slice(0, 12)}) is not below HEAD (${head.slice(0, 12)})`);
	});
	const tagged = await git('rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`).catch(() => '');
	assert.ok(!tagged || tagged === commit, `${file}: the tag ${tag} points at ${tagged.slice(0, 12)}, not at ${commit.slice(0, 12)}`);
	return { tag, commit };
}

/* The release's tree, installed and built (once per commit: build/release-<tag>-<commit>). */
async function buildRelease({ tag, commit }) {
	const dir = path.join(ROOT, 'build', `release-${tag}-${commit.slice(0, 12)}`);
	const sh = (cmd) => execFileP('bash', ['-c', cmd], { cwd: dir, maxBuffer: 16 << 20 });
	if (!existsSync(path.join(dir, '.built'))) {
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		await execFileP('bash', ['-c', `git -C "${ROOT}" archive ${commit} | tar -x -C "${dir}"`]);
		await sh('make -s -j2 programs && touch .built');
	}
	// what that release needs installed (its own list: e.g. multiwatch, which this tree dropped)
	await sh('scripts/deps.sh');
	if (!existsSync(path.join(dir, 'www', 'dist'))) {
		mkdirSync(path.join(dir, 'www'), { recursive: true });
		symlinkSync(path.join(ROOT, 'www', 'dist'), path.join(dir, 'www', 'dist'));
	}
	return dir;
}

/* The release's own scripts/stack.sh on the side stack's directory and port. */
function releaseStack(dir, ...args) {
	const env = { ...process.env, VAR: side.dir, PORT: String(PORT), BIN: path.join(dir, 'build', 'bin'), WORKERS: '1' };
	delete env.ASAN_OPTIONS;
	delete env.UBSAN_OPTIONS;
	return execFileP(path.join(dir, 'scripts', 'stack.sh'), args, { env, maxBuffer: 16 << 20 });
}

async function login(role, username, password = DEMO_PASSWORD) {
	const s = new Session(role, { base: side.base });
	await s.login(username, password);
	return s;
}

let release, releaseDir;
const then = {};

before(async () => {
	release = await previousRelease();
	releaseDir = await buildRelease(release);
	await side.stop();
	await releaseStack(releaseDir, 'stop').catch(() => {});
	rmSync(side.dir, { recursive: true, force: true });
});

after(async () => {
	await side.stop();
	if (releaseDir)
		await releaseStack(releaseDir, 'stop').catch(() => {});
});

describe('an upgrade from the previous release keeps every record', () => {
	test('the previous release runs: started, seeded, applications made and moved through its API', async () => {
		try {
			await releaseStack(releaseDir, 'start');
			await releaseStack(releaseDir, 'seed');
			await releaseStack(releaseDir, 'demo');
		} catch (e) {
			throw new Error(`${release.tag} did not run: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
		}
		then.columns = await tableColumns(sql);
		then.moved = {};
		for (const [name, m] of Object.entries(CHANGED)) {
			const [t, c] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
			if (!then.columns.get(t)?.includes(c))
				continue;
			then.columns.set(t, then.columns.get(t).filter((x) => x !== c));
			if (m.before)
				then.moved[name] = (await sql(m.before)).split('\n').filter(Boolean);
		}
		then.rows = await tableRows(sql, then.columns);
		then.sequences = await sequenceValues(sql);
		then.migrations = await sql('SELECT name FROM schema_migration ORDER BY name');
		then.apps = (await sql(`SELECT id, state, step_seq FROM application ORDER BY id`))
		    .split('\n').filter(Boolean).map((l) => l.split('|'));
		assert.ok(then.apps.length >= 3, `the release's demo made ${then.apps.length} applications`);
		assert.ok(then.apps.some(([, state, step]) => state === 'in_review' && Number(step) > 2),
		    'no application was moved past its unit');
		await releaseStack(releaseDir, 'stop');
	});

	test('this tree starts on the same data: its migrations apply, the programs answer', async () => {
		const { stdout } = await side.stack('start');
		const added = (await sql('SELECT name FROM schema_migration ORDER BY name')).split('\n');
		for (const m of then.migrations.split('\n'))
			assert.ok(added.includes(m), `migration ${m} forgotten`);
		for (const m of added.filter((x) => !then.migrations.split('\n').includes(x)))
			assert.match(stdout, new RegExp(`applying ${m.replace('.', '\\.')}`));
		for (const role of ['applicant', 'unit', 'county', 'city', 'hrb', 'admin'])
			assert.equal((await fetch(`${side.base}/api/${role}/health`)).status, 200, role);
	});

	test('every row of every table of the release is still there, with the same values', async () => {
		const now = await tableColumns(sql);
		const lost = [...then.columns].flatMap(([t, cols]) => (now.has(t) ?
		    cols.filter((c) => !now.get(t).includes(c)).map((c) => `${t}.${c}`) : [t]));
		assert.deepEqual(lost, [], 'tables or columns of the release are gone');
		for (const [name, rows] of Object.entries(then.moved)) {
			const now = new Set((await sql(CHANGED[name].after)).split('\n'));
			assert.deepEqual(rows.filter((r) => !now.has(r)), [], `values of ${name} not where it moved`);
		}
		assertKept(await tableRows(sql, then.columns), then.rows, 'the upgrade lost or rewrote records');
		for (const [s, v] of await sequenceValues(sql))
			assert.ok(v >= (then.sequences.get(s) ?? 0), `sequence ${s} went back: ${v}`);
	});

	test('its people log in and find their applications', async () => {
		await login('admin', 'admin');
		const hongda = await login('unit', 'unit_hongda');
		assert.equal((await hongda.get('/worklist?tab=all&size=100')).status, 200);
		const owned = new Map();
		for (const l of (await sql(`SELECT u.username, a.id FROM application a
		    JOIN app_user u ON u.id = a.applicant_id ORDER BY a.id`)).split('\n').filter(Boolean)) {
			const [username, id] = l.split('|');
			owned.set(username, [...(owned.get(username) ?? []), Number(id)]);
		}
		for (const [username, ids] of owned) {
			const r = await (await login('applicant', username)).get('/applications');
			assert.equal(r.status, 200, r.text);
			const seen = JSON.stringify(r.json);
			for (const id of ids)
				assert.match(seen, new RegExp(`"id":${id}[,}]`), `${username} does not see application ${id}`);
		}
	});

	test('every application in review finishes its chain through this tree\'s API', async () => {
		walkOn({ sql, loginAs: login });
		const open = then.apps.filter(([, state]) => state === 'in_review').map(([id]) => Number(id));
		assert.ok(open.length > 0);
		for (const app of open) {
			const steps = await finish(app);
			assert.ok(steps > 0, `application ${app}: nothing to pass`);
			assert.equal(await sql(`SELECT state FROM application WHERE id = ${app}`), 'completed');
		}
	});
});
