// Issue 12, metrics: each program's counters in the Prometheus text format on
// /api/<role>/metrics (lib/metrics.c), nginx's stub_status, both for this machine only.
// The text passes `promtool check metrics` (Debian's prometheus package); a scrape sees the
// whole program, whichever worker answers (the workers' shared slots, tools/pool.c), and the
// counts survive a worker's death; requests, errors, latency, workers, database reconnects
// and chain moves move when they should. That another address is refused through nginx is in
// ops.test.mjs (it needs a second host); here, that the program refuses one by itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { BASE, ROLES, VAR, loginAs, raw, retire, sleep, sql, workerPids } from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import { walk } from './walk.mjs';

const PROGRAMS = [...ROLES, 'paysim'];
const APACHE = process.env.PORTAL_APACHE_URL;

/* promtool check metrics on text: { code, out } (0 and nothing said: valid and lint-clean). */
export function promtool(text) {
	return new Promise((resolve, reject) => {
		const p = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '';
		p.stdout.on('data', (d) => (out += d));
		p.stderr.on('data', (d) => (out += d));
		p.on('error', (e) => reject(new Error(`promtool (Debian's prometheus package, make deps): ${e.message}`)));
		p.on('close', (code) => resolve({ code, out: out.trim() }));
		p.stdin.end(text);
	});
}

/* The samples of a scrape: [{ name, labels: {…}, value }]. */
export function samples(text) {
	const out = [];
	for (const line of text.split('\n')) {
		if (line === '' || line.startsWith('#'))
			continue;
		const m = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
		assert.ok(m, `not a sample: ${line}`);
		const labels = {};
		for (const [, k, v] of (m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g))
			labels[k] = v;
		out.push({ name: m[1], labels, value: Number(m[3]) });
	}
	return out;
}

async function scrape(program, base = BASE) {
	const res = await fetch(`${base}/api/${program}/metrics`);
	const text = await res.text();
	assert.equal(res.status, 200, `${program} metrics: ${res.status} ${text.slice(0, 200)}`);
	return { res, text, s: samples(text) };
}

/* The sum of the samples named name whose labels include want. */
function total(s, name, want = {}) {
	return s.filter((x) => x.name === name && Object.entries(want).every(([k, v]) => x.labels[k] === v))
	    .reduce((a, x) => a + x.value, 0);
}

const FAMILIES = ['zcps_http_requests_total', 'zcps_http_request_duration_seconds_bucket',
	'zcps_http_request_duration_seconds_sum', 'zcps_http_request_duration_seconds_count', 'zcps_workers',
	'zcps_worker_starts_total', 'zcps_db_reconnects_total', 'zcps_chain_moves_total'];

describe('metrics through nginx, from this machine', () => {
	test('every program answers valid Prometheus text: promtool check metrics finds nothing', async () => {
		for (const program of PROGRAMS) {
			const { res, text, s } = await scrape(program);
			assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
			assert.equal(res.headers.get('cache-control'), 'private, no-store');
			const check = await promtool(text);
			assert.deepEqual(check, { code: 0, out: '' }, `${program}: promtool says ${check.out}`);
			for (const f of FAMILIES)
				assert.ok(s.some((x) => x.name === f), `${program}: no ${f}`);
			assert.ok(s.every((x) => x.labels.program === undefined || x.labels.program === program), program);
		}
	});

	test('the check is live: promtool refuses a malformed text and a badly named counter', async () => {
		const { text } = await scrape('county');
		assert.equal((await promtool(text.replace(/\} (\d+)\n/, '} x$1\n'))).code, 1);
		const lint = await promtool(text.replaceAll('zcps_worker_starts_total', 'zcps_worker_starts'));
		assert.notEqual(lint.code, 0);
		assert.match(lint.out, /_total/);
	});

	test('nginx stub_status answers this machine', async () => {
		const r = await raw('GET', '/stub_status');
		assert.equal(r.status, 200);
		assert.match(r.text, /^Active connections: \d+/);
		assert.match(r.text, /server accepts handled requests\n \d+ \d+ \d+/);
	});

	test('Apache serves the metrics to this machine too (conf/apache-zcps.conf)', { skip: !APACHE && 'no Apache' }, async () => {
		const { text } = await scrape('unit', APACHE);
		assert.deepEqual(await promtool(text), { code: 0, out: '' });
	});
});

describe('what the counters count', () => {
	const created = [];
	after(async () => {
		if (created.length > 0)
			await retire(`id IN (${created.join(', ')})`);
	});

	test('a scrape adds up every worker: 30 requests at once are 30, whichever workers took them', async () => {
		const want = { route: '/health', method: 'GET', status: '200' };
		const before = total((await scrape('county')).s, 'zcps_http_requests_total', want);
		const replies = await Promise.all(Array.from({ length: 30 }, () => raw('GET', '/api/county/health')));
		assert.ok(replies.every((r) => r.status === 200));
		const { s } = await scrape('county');
		assert.equal(total(s, 'zcps_http_requests_total', want) - before, 30);
		const workers = workerPids('county');
		if (workers !== null) {
			assert.equal(total(s, 'zcps_workers', { state: 'configured' }), workers.length);
			assert.equal(total(s, 'zcps_workers', { state: 'alive' }), workers.length);
		}
		// the latency histogram of the route: cumulative buckets, +Inf is the count
		const h = s.filter((x) => x.name === 'zcps_http_request_duration_seconds_bucket' && x.labels.route === '/health');
		assert.ok(h.length >= 2);
		for (let i = 1; i < h.length; i++)
			assert.ok(h[i].value >= h[i - 1].value, 'buckets are cumulative');
		assert.equal(h.at(-1).labels.le, '+Inf');
		assert.equal(h.at(-1).value, total(s, 'zcps_http_request_duration_seconds_count', { route: '/health' }));
		assert.ok(total(s, 'zcps_http_request_duration_seconds_sum', { route: '/health' }) > 0);
	});

	test('errors per route and code: 401 of /me, 404 of an unknown path, 405', async () => {
		const count = async () => {
			const { s } = await scrape('hrb');
			return [total(s, 'zcps_http_errors_total', { route: '/me', code: 'unauthorized', status: '401' }),
				total(s, 'zcps_http_errors_total', { route: 'unmatched', method: 'GET', code: 'not_found' }),
				total(s, 'zcps_http_errors_total', { route: 'unmatched', method: 'DELETE', code: 'method_not_allowed' }),
				total(s, 'zcps_http_requests_total', { route: '/me', status: '401' })];
		};
		const before = await count();
		assert.equal((await raw('GET', '/api/hrb/me')).status, 401);
		assert.equal((await raw('GET', '/api/hrb/no-such-route')).status, 404);
		assert.equal((await raw('DELETE', '/api/hrb/health')).status, 405);
		assert.deepEqual((await count()).map((n, i) => n - before[i]), [1, 1, 1, 1]);
	});

	test('the counts outlive a worker: a killed worker\'s replacement goes on from them', async (t) => {
		const pids = workerPids('city');
		if (pids === null) {
			t.skip('the stack does not run on this machine');
			return;
		}
		const before = (await scrape('city')).s;
		const requests = total(before, 'zcps_http_requests_total');
		process.kill(pids[0], 'SIGKILL');
		let now = pids;
		for (let i = 0; i < 50 && (now.length !== pids.length || now.includes(pids[0])); i++) {
			await sleep(100);
			now = workerPids('city');
		}
		assert.ok(!now.includes(pids[0]) && now.length === pids.length, `workers ${pids} -> ${now}`);
		// the replacement's process is there before its program has started (and counted itself)
		let { s } = await scrape('city');
		let scrapes = 1;
		for (let i = 0; i < 50 && total(s, 'zcps_worker_starts_total') === total(before, 'zcps_worker_starts_total'); i++) {
			await sleep(100);
			({ s } = await scrape('city'));
			scrapes++;
		}
		assert.equal(total(s, 'zcps_worker_starts_total') - total(before, 'zcps_worker_starts_total'), 1);
		assert.equal(total(s, 'zcps_workers', { state: 'alive' }), pids.length);
		// nothing counted is lost: only the scrapes themselves were added
		assert.equal(total(s, 'zcps_http_requests_total') - requests, scrapes);
	});

	test('database reconnects: connections ended by PostgreSQL are made again, and counted', async () => {
		const ok = async () => total((await scrape('admin')).s, 'zcps_db_reconnects_total', { result: 'ok' });
		const before = await ok();
		assert.ok(Number(await sql(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		    WHERE usename = 'portal_admin'`)) >= 1);
		for (let i = 0; i < 6; i++)
			assert.equal((await raw('GET', '/api/admin/health')).status, 200);
		assert.ok(await ok() > before, 'no reconnect counted');
	});

	test('chain moves per action and outcome: a submission, a pass, a pass refused', async () => {
		const moves = async (program) => {
			const { s } = await scrape(program);
			return Object.fromEntries(['submit', 'pass'].flatMap((action) => ['done', 'refused'].map((outcome) =>
				[`${action}/${outcome}`, total(s, 'zcps_chain_moves_total', { action, outcome })])));
		};
		const [app] = await newDrafts(1);
		created.push(app);
		const a0 = await moves('applicant'), u0 = await moves('unit');
		const applicant = await loginAs('applicant', '330702199001010015');
		assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
		const unit = await loginAs('unit', 'unit_hongda');
		const stale = await unit.post(`/applications/${app}/move`, { action: 'pass', step: 3, text: '同意。' });
		assert.equal(stale.status, 409, stale.text);
		await walk(app, 3);
		const a1 = await moves('applicant'), u1 = await moves('unit');
		assert.equal(a1['submit/done'] - a0['submit/done'], 1);
		assert.equal(u1['pass/refused'] - u0['pass/refused'], 1);
		assert.equal(u1['pass/done'] - u0['pass/done'], 1);
	});
});

/* One FastCGI request straight to a program's socket, as nginx would send it, with the
 * given REMOTE_ADDR; resolves to the reply's Status. */
function fastcgiGet(role, uri, remoteAddr) {
	const rec = (type, content) => {
		const pad = (8 - (content.length % 8)) % 8;
		return Buffer.concat([Buffer.from([1, type, 0, 1, content.length >> 8, content.length & 255, pad, 0]),
			content, Buffer.alloc(pad)]);
	};
	const pair = (k, v) => Buffer.concat([Buffer.from([k.length, v.length]), Buffer.from(k), Buffer.from(v)]);
	const params = Buffer.concat(Object.entries({ REQUEST_METHOD: 'GET', DOCUMENT_URI: uri, REQUEST_URI: uri,
		QUERY_STRING: '', REMOTE_ADDR: remoteAddr, SERVER_PROTOCOL: 'HTTP/1.1' }).map(([k, v]) => pair(k, v)));
	const bytes = Buffer.concat([rec(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), rec(4, params),
		rec(4, Buffer.alloc(0)), rec(5, Buffer.alloc(0))]);
	return new Promise((resolve, reject) => {
		const c = net.createConnection({ path: path.join(VAR, 'run', 'fcgi', `${role}.sock`) });
		const chunks = [];
		c.setTimeout(10000, () => c.destroy(new Error('no answer in 10 s')));
		c.on('connect', () => c.write(bytes));
		c.on('data', (d) => chunks.push(d));
		c.on('error', reject);
		c.on('close', () => {
			const all = Buffer.concat(chunks);
			let out = '';
			for (let o = 0; o + 8 <= all.length;) {
				const len = all.readUInt16BE(o + 4), pad = all[o + 6];
				if (all[o + 1] === 6)	// FCGI_STDOUT
					out += all.subarray(o + 8, o + 8 + len).toString('utf8');
				o += 8 + len + pad;
			}
			const m = /^Status: (\d+)/m.exec(out);
			m ? resolve(Number(m[1])) : reject(new Error(`no Status in ${JSON.stringify(out.slice(0, 200))}`));
		});
	});
}

test('the program itself answers /metrics only to a loopback address (should a server pass others on)', async () => {
	assert.equal(await fastcgiGet('county', '/api/county/metrics', '127.0.0.1'), 200);
	assert.equal(await fastcgiGet('county', '/api/county/metrics', '::1'), 200);
	for (const ip of ['198.51.100.7', '192.0.2.2', '10.0.0.1', '::ffff:198.51.100.7', '1271.0.0.1', ''])
		assert.equal(await fastcgiGet('county', '/api/county/metrics', ip), 404, ip);
});
