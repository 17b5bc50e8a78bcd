// Runs last: stops the stack's PostgreSQL, checks that every program answers
// 503 (not a crash, not nginx's 502), starts it again and checks that the
// workers reconnect by themselves.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import {
	DEMO_APPLICANT, ROLES, Session, VAR, assertError, assertHealthy, loginAs, raw, sleep, sql, workerPids,
} from './lib.mjs';

const execFileP = promisify(execFile);
const PG_CTL = '/usr/lib/postgresql/15/bin/pg_ctl';
const PGDATA = path.join(VAR, 'pg', 'data');

const pgCtl = (...args) => execFileP('runuser', ['-u', 'postgres', '--', PG_CTL, '-D', PGDATA, ...args]);
const pgStop = () => pgCtl('-m', 'fast', '-w', 'stop');
const pgStart = () => pgCtl('-l', path.join(VAR, 'log', 'postgres.log'), '-w', '-t', '60', 'start');
async function pgRunning() {
	try {
		await pgCtl('status');
		return true;
	} catch {
		return false;
	}
}

/* Polls every role's health until all answer 200; returns the seconds it took. */
async function waitHealthy(limitMs) {
	const t0 = Date.now();
	for (;;) {
		const rs = await Promise.all(ROLES.map((role) => raw('GET', `/api/${role}/health`)));
		if (rs.every((r) => r.status === 200))
			return (Date.now() - t0) / 1000;
		if (Date.now() - t0 > limitMs)
			assert.fail(`not healthy after ${limitMs} ms: ${rs.map((r, i) => `${ROLES[i]}=${r.status}`).join(' ')}`);
		await sleep(100);
	}
}

const pids = {};
before(async () => {
	await waitHealthy(5000);
	for (const role of ROLES)
		pids[role] = workerPids(role);
});

// Whatever happened, leave the database running.
after(async () => {
	if (!(await pgRunning()))
		await pgStart();
	await waitHealthy(10000);
});

test('with PostgreSQL stopped every program answers 503 unavailable, and recovers when it is back', async () => {
	await pgStop();
	assert.equal(await pgRunning(), false);
	try {
		// several requests per role, so that several workers of each see the outage
		for (const role of ROLES)
			for (let i = 0; i < 8; i++) {
				const r = await raw('GET', `/api/${role}/health`);
				assert.notEqual(r.status, 502, `${role}: nginx 502, the program is gone`);
				const e = assertError(r, 503, 'unavailable');
				assert.match(r.headers.get('content-type'), /^application\/json/);
				assert.ok(e.message.length > 0);
			}
		// state-changing requests fail cleanly too
		const login = await new Session('unit').post('/login', { username: 'unit_hongda', password: 'Demo@2023' });
		assertError(login, 503, 'unavailable');
		const reg = await new Session('applicant').post('/register',
		    { idcard: '330702199001010015', name: '张建国', mobile: '13957900021', password: 'Demo@2023x' });
		assertError(reg, 503, 'unavailable');
		// no worker died
		for (const role of ROLES)
			if (pids[role] !== null)
				assert.deepEqual(workerPids(role), pids[role], `a ${role} worker crashed during the outage`);
	} finally {
		await pgStart();
	}
	const took = await waitHealthy(5000);
	assert.ok(took < 5, `health took ${took} s`);
	// every worker answers now (more requests than workers per role)
	for (const role of ROLES)
		for (let i = 0; i < 8; i++)
			await assertHealthy(role);
	const s = await loginAs('unit', 'unit_hongda');
	assert.equal((await s.get('/me')).status, 200);
	assert.equal((await s.get('/worklist')).status, 200);
	const a = await loginAs('applicant', DEMO_APPLICANT);
	assert.equal((await a.get('/applications')).status, 200);
	for (const role of ROLES)
		if (pids[role] !== null)
			assert.deepEqual(workerPids(role), pids[role], `a ${role} worker was replaced`);
});

test('after a database restart that no request saw, the first requests already succeed', async () => {
	// Every worker holds a connection to the old server; db.c promises to
	// reconnect once and retry when a connection was lost outside a transaction.
	await pgStop();
	await pgStart();
	assert.equal(await sql('SELECT 1'), '1');
	const failures = [];
	for (const role of ROLES)
		for (let i = 0; i < 8; i++) {
			const r = await raw('GET', `/api/${role}/health`);
			if (r.status !== 200)
				failures.push(`${role}#${i}: ${r.status} ${r.json?.error?.code ?? ''}`);
		}
	assert.deepEqual(failures, [], 'GET requests failed although the database was up');
	const s = new Session('unit');
	await s.login('unit_hongda');
	assert.equal((await s.get('/worklist')).status, 200);
});
