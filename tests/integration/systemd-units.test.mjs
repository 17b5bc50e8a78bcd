// conf/systemd as shipped: `systemd-analyze verify` accepts the socket and service units of every
// role, instantiated with this build's programs in place of /opt/zcps/bin (verify checks that what
// ExecStart names exists and runs); a unit with a mistake is refused (the check is live here);
// and the service never gives up (issue 11, finding 3): the pool, Restart=always, no start limit.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { ROLES, ROOT, VAR } from './lib.mjs';

const execFileP = promisify(execFile);
const UNITS = path.join(ROOT, 'conf', 'systemd');
const BIN = [process.env.BIN, path.join(ROOT, 'build/san/bin'), path.join(ROOT, 'build/bin')]
    .find((d) => d && existsSync(path.join(d, 'pool')));
const dir = mkdtempSync(path.join(tmpdir(), 'zcps-units-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/* The shipped template, as the instance for role, with this stack's paths. */
function instance(kind, role) {
	const text = readFileSync(path.join(UNITS, `zcps@.${kind}`), 'utf8')
	    .replaceAll('/opt/zcps/bin', BIN).replaceAll('/etc/zcps/portal.conf', path.join(VAR, 'portal.conf'))
	    .replaceAll('/run/zcps/', path.join(dir, 'run') + '/');
	const f = path.join(dir, `zcps@${role}.${kind}`);
	writeFileSync(f, text);
	return f;
}

/* systemd-analyze verify; resolves to what it printed (nothing when all is well). */
async function verify(files) {
	try {
		const { stdout, stderr } = await execFileP('systemd-analyze', ['verify', '--man=no', ...files]);
		return (stdout + stderr).trim();
	} catch (e) {
		return `exit ${e.code}: ${(e.stdout + e.stderr).trim()}`;
	}
}

test('systemd-analyze verify accepts the units of every role, with this build\'s programs', async () => {
	assert.ok(BIN, 'no build with tools/pool');
	const files = ROLES.flatMap((role) => [instance('socket', role), instance('service', role)]);
	assert.equal(await verify(files), '');
});

test('the check is live: a mistake in a unit is reported', async () => {
	const f = instance('service', 'applicant');
	writeFileSync(f, readFileSync(f, 'utf8').replace(/^Restart=always$/m, 'Restart=sometimes')
	    .replace(`${BIN}/pool`, `${BIN}/no-such-pool`));
	const out = await verify([instance('socket', 'applicant'), f]);
	assert.match(out, /restart specifier/);
	assert.match(out, /no-such-pool is not executable/);
});

test('the service never gives up: the pool, Restart=always, no start limit, the pool stops its workers', () => {
	const unit = readFileSync(path.join(UNITS, 'zcps@.service'), 'utf8');
	const section = (name) => unit.split(/^\[/m).find((s) => s.startsWith(`${name}]`));
	assert.match(section('Unit'), /^StartLimitIntervalSec=0$/m);
	assert.match(section('Service'), /^ExecStart=\/opt\/zcps\/bin\/pool -n \d+ -- \/opt\/zcps\/bin\/%i /m);
	assert.match(section('Service'), /^Restart=always$/m);
	assert.match(section('Service'), /^RestartSec=\d/m);
	assert.match(section('Service'), /^KillMode=mixed$/m);
	assert.doesNotMatch(unit, /multiwatch/);
});
