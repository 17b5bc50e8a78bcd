// Issue 12, operations, on a stack of its own that archives its WAL as `make run` does
// (ARCHIVE=1, pgBackRest into $PORTAL_VAR/ops/backup), with nginx also listening on an
// address a second host reaches (a network namespace, ops.mjs), nginx on the test port + 6:
//   - the metrics and stub_status are refused to that host, the portal is not;
//   - the restore drill: seed, back up, change, note the moment, change more, restore to the
//     moment into a fresh data directory (scripts/backup.sh restore, what `make restore` runs),
//     and every table's rows and checksum are those of the moment; the portal starts on it and
//     logins work (and one made after the moment does not); a restore that cannot finish is
//     undone, leaving the database as it was;
//   - the backup schedule's systemd units pass systemd-analyze verify;
//   - a migration that fails leaves the database as it was (rows and schema), with a clear
//     message, and nothing starts; fixed, it applies once. Every migration in sql/ keeps to
//     one transaction (no statement of its own ends it).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { BASE, DEMO_PASSWORD, ROOT, Session, idcard, lit, mobile, sideStack, sleep } from './lib.mjs';
import { assertSameTables, outsideHost, sequenceValues, tableSums } from './ops.mjs';

const execFileP = promisify(execFile);
const OFFSET = 6;
const PORT = Number(new URL(BASE).port) + OFFSET;
let side, host;

before(async () => {
	host = await outsideHost(PORT);
	side = sideStack('ops', OFFSET, { ARCHIVE: '1', LISTEN_ADDR: host.inside });
	await side.start('seed');
});

after(async () => {
	await side?.stop();
	await host?.down();
});

/* A request to the ops stack: { status, json }. */
async function call(base, method, p, { json, cookie } = {}) {
	const res = await fetch(`${base}${p}`, { method, headers: { ...(json ? { 'Content-Type': 'application/json' } : {}),
		...(cookie ? { Cookie: cookie } : {}) }, body: json ? JSON.stringify(json) : undefined });
	const text = await res.text();
	return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : null };
}

describe('the counters are for this machine only', () => {
	test('from another host: the portal answers, /api/<role>/metrics and /stub_status are refused (403)', async () => {
		const far = `http://${host.inside}:${PORT}`;
		const health = await host.curl(`${far}/api/admin/health`);
		assert.equal(health.status, 200, `the second host cannot reach the portal at all: ${JSON.stringify(health)}`);
		for (const p of ['/api/applicant/metrics', '/api/unit/metrics', '/api/county/metrics', '/api/city/metrics',
			'/api/hrb/metrics', '/api/admin/metrics', '/api/paysim/metrics', '/stub_status']) {
			const r = await host.curl(`${far}${p}`);
			assert.equal(r.status, 403, `${p} from ${host.outside}: ${r.status}`);
			assert.doesNotMatch(r.body, /zcps_|Active connections/);
		}
	});

	test('from this machine through that address (not loopback) too; through 127.0.0.1 they answer', async () => {
		for (const p of ['/api/county/metrics', '/stub_status'])
			assert.equal((await fetch(`http://${host.inside}:${PORT}${p}`)).status, 403, p);
		assert.equal((await fetch(`${side.base}/api/county/metrics`)).status, 200);
		assert.equal((await fetch(`${side.base}/stub_status`)).status, 200);
	});
});

describe('the restore drill (pgBackRest, point in time)', () => {
	let moment, atMoment, seqAtMoment, before1, after1;

	const register = async () => {
		const who = { idcard: idcard(), name: '演练人员', mobile: mobile(), password: `Drill-${Date.now()}a` };
		const r = await call(side.base, 'POST', '/api/applicant/register', { json: who });
		assert.equal(r.status, 201, r.text);
		return who;
	};
	const login = (role, username, password) => call(side.base, 'POST', `/api/${role}/login`,
	    { json: { username, password } });
	/* The operator gives 婺城区住房和城乡建设局 another clerk's account, through the API. */
	const clerk = async (username) => {
		const op = new Session('admin', { base: side.base });
		await op.login('admin');
		const dept = Number(await side.sql("SELECT id FROM org WHERE name = '婺城区住房和城乡建设局'"));
		const r = await op.post(`/departments/${dept}/accounts`, { username, name: '演练经办人', password: DEMO_PASSWORD });
		assert.ok([200, 201].includes(r.status), r.text);
	};

	test('a full backup of the seeded database', async () => {
		const { stdout } = await side.script('backup.sh', 'backup', 'full');
		assert.match(stdout, /full backup: \d{8}-\d{6}F/);
	});

	test('changes, the moment, more changes', async () => {
		before1 = await register();
		await clerk('drill_before');
		// the moment: the next whole second by the database's clock, then past it
		moment = await side.sql(`SELECT to_char((date_trunc('second', now()) + interval '1 second')
		    AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')`);
		atMoment = await tableSums(side.sql);
		seqAtMoment = await sequenceValues(side.sql);
		await sleep(1500);
		assert.ok(await side.sql(`SELECT now() > ${lit(moment)}::timestamp AT TIME ZONE 'Asia/Shanghai'`) === 't');
		after1 = await register();
		await clerk('drill_after');
		await side.sql("UPDATE org SET name = name || '（演练后改名）' WHERE name = '金华宏达建设工程有限公司'");
		const later = await tableSums(side.sql);
		assert.notDeepEqual(later, atMoment, 'the later changes did not change any table');
	});

	test('restored to the moment: every table\'s rows and checksum are those of the moment', async () => {
		const { stdout } = await side.script('backup.sh', 'restore', moment);
		assert.match(stdout, new RegExp(`restored to ${moment}\\+08`));
		assertSameTables(await tableSums(side.sql), atMoment, 'the restored database differs from the moment');
		// a sequence may be ahead after recovery (PostgreSQL logs them 32 values ahead), never behind
		for (const [s, v] of await sequenceValues(side.sql))
			assert.ok(v >= (seqAtMoment.get(s) ?? 0), `${s}: ${v} < ${seqAtMoment.get(s)}`);
		const kept = readdirSync(path.join(side.dir, 'pg')).filter((d) => d.startsWith('data.before-restore-'));
		assert.equal(kept.length, 1, 'the data directory it replaced is kept');
		assert.ok(readFileSync(path.join(side.dir, 'pg', kept[0], 'postgresql.conf'), 'utf8')
		    .includes('archive_mode = off'), 'the data kept aside would archive into the repository');
	});

	test('the portal runs on the restored data: logins of before the moment work, one of after it does not', async () => {
		for (const role of ['applicant', 'unit', 'county', 'city', 'hrb', 'admin'])
			assert.equal((await call(side.base, 'GET', `/api/${role}/health`)).status, 200, role);
		assert.equal((await login('admin', 'admin', DEMO_PASSWORD)).status, 200);
		assert.equal((await login('unit', 'unit_hongda', DEMO_PASSWORD)).status, 200);
		assert.equal((await login('applicant', before1.idcard, before1.password)).status, 200);
		assert.equal((await login('applicant', after1.idcard, after1.password)).status, 401);
		assert.equal((await login('county', 'drill_before', DEMO_PASSWORD)).status, 200);
		assert.equal((await login('county', 'drill_after', DEMO_PASSWORD)).status, 401);
		assert.equal(await side.sql("SELECT count(*) FROM org WHERE name LIKE '%演练后%'"), '0');
	});

	test('a restore that does not finish is undone: the database is back as it was, the portal on it', async () => {
		// the replay given no time at all (RECOVERY_WAIT_S=0) stands for one that cannot reach the moment
		const hasty = sideStack('ops', OFFSET, { ARCHIVE: '1', LISTEN_ADDR: host.inside, RECOVERY_WAIT_S: '0' });
		const was = await tableSums(side.sql);
		const failed = await hasty.script('backup.sh', 'restore', moment).then(() => null, (e) => e);
		assert.ok(failed, 'the restore did not fail');
		assert.match(failed.stderr, /did not reach .*; the database is back as it was before the restore/);
		assertSameTables(await tableSums(side.sql), was, 'the undone restore changed the database');
		assert.equal((await login('applicant', before1.idcard, before1.password)).status, 200);
		assert.equal(readFileSync(path.join(side.dir, 'pg', 'data', 'postgresql.conf'), 'utf8')
		    .includes('set by scripts/backup.sh restore'), false, 'archiving was left off');
	});

	test('archiving goes on after the restore, and a new backup can be taken', async () => {
		await side.script('backup.sh', 'check');
		const { stdout } = await side.script('backup.sh', 'backup', 'diff');
		assert.match(stdout, /diff backup: \d{8}-\d{6}F_\d{8}-\d{6}D/);
	});
});

describe('migrations', () => {
	let dir;
	before(() => {
		dir = mkdtempSync(path.join(tmpdir(), 'zcps-sql-'));
		for (const f of readdirSync(path.join(ROOT, 'sql')).filter((f) => /^\d{3}_.*\.sql$/.test(f)))
			cpSync(path.join(ROOT, 'sql', f), path.join(dir, f));
	});
	after(() => rmSync(dir, { recursive: true, force: true }));

	/* pg_dump's schema, less its \restrict lines (a random key each time) */
	const schema = async () => (await execFileP('runuser', ['-u', 'postgres', '--', 'pg_dump', '--schema-only',
		'-h', path.join(side.dir, 'run', 'pg'), 'zcps'], { maxBuffer: 64 << 20 })).stdout
	    .replace(/^\\(un)?restrict .*$/gm, '');
	const withSql = () => sideStack('ops', OFFSET, { ARCHIVE: '1', LISTEN_ADDR: host.inside, SQL_DIR: dir });

	test('one that fails leaves the database as it was, says so, and starts nothing', async () => {
		writeFileSync(path.join(dir, '999_broken.sql'), `
CREATE TABLE ops_probe (id int PRIMARY KEY);
INSERT INTO ops_probe VALUES (1);
ALTER TABLE org ADD COLUMN ops_probe text;
UPDATE org SET name = name || '（迁移中）';
DELETE FROM notification;
DROP INDEX IF EXISTS app_user_mobile_idx;
SELECT 1 / (SELECT count(*) - count(*) FROM org);
`);
		const rows = await tableSums(side.sql), ddl = await schema();
		await side.stack('stop');
		const failed = await withSql().stack('start').then(() => null, (e) => e);
		assert.ok(failed, 'stack.sh start succeeded with a failing migration');
		assert.match(failed.stderr, /ERROR: {2}division by zero/);
		assert.match(failed.stderr, /stack: migration 999_broken\.sql failed .* rolled back: the database is as it was before it/);
		assert.match(failed.stderr, /Nothing was started/);
		assert.equal(existsSync(path.join(side.dir, 'run', 'applicant.pid')), false, 'a program started');
		assertSameTables(await tableSums(side.sql), rows, 'the failed migration changed rows');
		assert.equal(await schema(), ddl, 'the failed migration changed the schema');
		assert.equal(await side.sql("SELECT count(*) FROM schema_migration WHERE name LIKE '999%'"), '0');
	});

	test('fixed, it applies once, and the portal starts', async () => {
		rmSync(path.join(dir, '999_broken.sql'));
		writeFileSync(path.join(dir, '999_probe.sql'), 'CREATE TABLE ops_probe (id int PRIMARY KEY);\n'
		    + 'INSERT INTO ops_probe VALUES (1);\n');
		const first = await withSql().stack('start');
		assert.match(first.stdout, /stack: applying 999_probe\.sql/);
		const again = await withSql().stack('start');
		assert.doesNotMatch(again.stdout, /applying/);
		assert.equal(await side.sql('SELECT count(*) FROM ops_probe'), '1');
		assert.equal((await call(side.base, 'GET', '/api/unit/health')).status, 200);
	});

	test('no migration in sql/ ends its transaction itself, nor runs what cannot run in one', () => {
		const bad = readdirSync(path.join(ROOT, 'sql')).filter((f) => /^\d{3}_.*\.sql$/.test(f))
		    .flatMap((f) => outsideTransaction(readFileSync(path.join(ROOT, 'sql', f), 'utf8')).map((s) => `${f}: ${s}`));
		assert.deepEqual(bad, []);
		// the check is live: it finds them, and not in a function's body or a string
		assert.deepEqual(outsideTransaction(`CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $b$
BEGIN
  COMMIT;
END;
$b$;
SELECT 'COMMIT; BEGIN;'; -- COMMIT;
/* ROLLBACK; */
COMMIT;
  begin ;
VACUUM org;
CREATE INDEX CONCURRENTLY i ON org (name);
\\set ON_ERROR_STOP 0
`), ['COMMIT', 'begin', 'VACUUM org', 'CREATE INDEX CONCURRENTLY i ON org (name)', '\\set ON_ERROR_STOP 0']);
	});
});

describe('the backup schedule (conf/systemd)', () => {
	/* systemd-analyze verify of the units, the service as its full and diff instances;
	 * edit(name, text) may change a unit first. → what it printed (nothing: all is well) */
	const verify = async (edit = (n, t) => t) => {
		const dir = mkdtempSync(path.join(tmpdir(), 'zcps-backup-units-'));
		try {
			const unit = (f) => readFileSync(path.join(ROOT, 'conf', 'systemd', f), 'utf8');
			const files = [['zcps-backup@full.service', unit('zcps-backup@.service')],
				['zcps-backup@diff.service', unit('zcps-backup@.service')],
				['zcps-backup-full.timer', unit('zcps-backup-full.timer')],
				['zcps-backup-diff.timer', unit('zcps-backup-diff.timer')]].map(([n, t]) => {
				writeFileSync(path.join(dir, n), edit(n, t));
				return path.join(dir, n);
			});
			const r = await execFileP('systemd-analyze', ['verify', '--man=no', ...files]).catch((e) => e);
			return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	};

	test('a full backup nightly, differentials between: the units pass systemd-analyze verify', async () => {
		assert.equal(await verify(), '');
		const full = readFileSync(path.join(ROOT, 'conf', 'systemd', 'zcps-backup-full.timer'), 'utf8');
		assert.match(full, /^Unit=zcps-backup@full\.service$/m);
		assert.match(readFileSync(path.join(ROOT, 'conf', 'systemd', 'zcps-backup-diff.timer'), 'utf8'),
		    /^Unit=zcps-backup@diff\.service$/m);
		// the check is live
		const bad = await verify((n, t) => t.replace(/^OnCalendar=.*$/m, 'OnCalendar=*-*-* 25:99:00')
		    .replace('/usr/bin/pgbackrest', '/usr/bin/no-pgbackrest'));
		assert.match(bad, /calendar specification/);
		assert.match(bad, /no-pgbackrest is not executable/);
	});
});

/*
 * The statements of an SQL file that would end or escape the transaction stack.sh runs it in
 * (BEGIN, COMMIT, ROLLBACK, END, ABORT, START TRANSACTION; a SAVEPOINT stays inside it), or that
 * cannot run inside one (VACUUM, CONCURRENTLY, CREATE/DROP DATABASE), and psql's own commands.
 * Comments, strings and dollar-quoted bodies are skipped.
 */
function outsideTransaction(text) {
	const stmts = [];
	let cur = '';
	for (let i = 0; i < text.length;) {
		const rest = text.slice(i);
		let m;
		if (rest.startsWith('--')) {
			i += rest.indexOf('\n') < 0 ? rest.length : rest.indexOf('\n');
		} else if (rest.startsWith('/*')) {
			i += rest.indexOf('*/') + 2;
		} else if (rest[0] === "'") {
			const end = /^'(?:[^']|'')*'/.exec(rest);
			cur += "''";
			i += end[0].length;
		} else if ((m = /^\$([a-z_]*)\$/i.exec(rest))) {
			const close = rest.indexOf(m[0], m[0].length);
			cur += '$$';
			i += close + m[0].length;
		} else if (rest[0] === '\\' && /(^|\n)\s*$/.test(text.slice(0, i))) {
			const line = rest.split('\n')[0];
			stmts.push(line.trim());
			i += line.length;
		} else if (rest[0] === ';') {
			stmts.push(cur.trim());
			cur = '';
			i++;
		} else {
			cur += rest[0];
			i++;
		}
	}
	stmts.push(cur.trim());
	return stmts.filter((s) => /^\\/.test(s) || /^(BEGIN|COMMIT|ROLLBACK|END|ABORT|START\s+TRANSACTION|VACUUM)\b/i.test(s)
	    || /\bCONCURRENTLY\b/i.test(s) || /^(CREATE|DROP)\s+DATABASE\b/i.test(s));
}
