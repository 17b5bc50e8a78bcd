// Shared helpers of the integration suite (Node 20: node:test + built-in fetch).
//
//   PORTAL_URL  where nginx answers (default http://127.0.0.1:8080)
//   PORTAL_VAR  the stack's VAR directory (default <repo>/var); SQL fixtures run
//               through `VAR=$PORTAL_VAR scripts/stack.sh psql`, which needs root.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BASE = (process.env.PORTAL_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const VAR = path.resolve(process.env.PORTAL_VAR || path.join(ROOT, 'var'));
export const ROLES = ['applicant', 'unit', 'county', 'city', 'hrb', 'admin'];
export const DEMO_PASSWORD = 'Demo@2023';
export const DEMO_APPLICANT = '330702199001010015';
export const HONGDA = '金华宏达建设工程有限公司';

// ------------------------------------------------------------------ SQL

/*
 * One psql per test process, through `VAR=$PORTAL_VAR scripts/stack.sh psql`
 * (the superuser of the stack's cluster), fed on stdin: starting a psql for
 * every statement would cost more than the requests under test. Statements
 * run one at a time; each is followed by a marker on stdout and stderr, so
 * its rows and its errors are known to be complete.
 */
export class Psql {
	constructor() {
		this.proc = null;
		this.queue = Promise.resolve();
		this.n = 0;
	}

	start() {
		const p = spawn(path.join(ROOT, 'scripts/stack.sh'), ['psql', '-tA', '-v', 'ON_ERROR_STOP=0'], {
			env: { ...process.env, VAR },
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		p.out = '';
		p.err = '';
		p.waiting = null;
		p.stdout.setEncoding('utf8').on('data', (d) => {
			p.out += d;
			this.check(p);
		});
		p.stderr.setEncoding('utf8').on('data', (d) => {
			p.err += d;
			this.check(p);
		});
		p.stdin.on('error', () => {});
		p.on('exit', (code) => {
			if (this.proc === p)
				this.proc = null;
			if (p.waiting) {
				// its 30-second timer would otherwise keep the test process alive
				clearTimeout(p.waiting.timer);
				p.waiting.reject(new Error(`psql exited (${code}): ${p.err}`));
				p.waiting = null;
			}
		});
		this.proc = p;
		return p;
	}

	/* Only a statement in flight keeps the test process alive, never an idle psql. */
	hold(p, on) {
		for (const h of [p, p.stdin, p.stdout, p.stderr])
			on ? h.ref?.() : h.unref?.();
	}

	check(p) {
		const w = p.waiting;
		if (w === null)
			return;
		const mo = p.out.indexOf(w.marker + '\n'), me = p.err.indexOf(w.marker + '\n');
		if (mo < 0 || me < 0)
			return;
		const out = p.out.slice(0, mo), err = p.err.slice(0, me);
		p.out = p.out.slice(mo + w.marker.length + 1);
		p.err = p.err.slice(me + w.marker.length + 1);
		p.waiting = null;
		clearTimeout(w.timer);
		this.hold(p, false);
		if (/^(ERROR|FATAL|psql):/m.test(err))
			w.reject(new Error(err.trim()));
		else
			w.resolve(out);
	}

	run(text) {
		const job = this.queue.then(() => new Promise((resolve, reject) => {
			const p = this.proc || this.start();
			const marker = `__itest_done_${process.pid}_${++this.n}__`;
			const timer = setTimeout(() => {
				p.waiting = null;
				this.hold(p, false);
				p.kill();
				reject(new Error('psql did not answer within 30 s'));
			}, 30000);
			p.waiting = { marker, resolve, reject, timer };
			this.hold(p, true);
			p.stdin.write(`${text.replace(/;\s*$/, '')};\n\\echo ${marker}\n\\warn ${marker}\n`);
		}));
		this.queue = job.catch(() => {});
		return job;
	}
}

const psql = new Psql();

/* Runs SQL as the superuser of the stack's cluster; returns the unaligned,
 * tuples-only output (rows separated by \n, columns by |), trimmed. */
export async function sql(text) {
	for (let attempt = 0; ; attempt++) {
		try {
			return (await psql.run(text)).trim();
		} catch (err) {
			// a psql whose server went away (zz-resilience restarts it) is replaced once
			if (attempt === 0 && /psql exited|connection to server|server closed/.test(err.message))
				continue;
			throw new Error(`sql failed: ${text}\n${err.message}`);
		}
	}
}

/* Rows as arrays of column strings. */
export async function sqlRows(text) {
	const out = await sql(text);
	return out === '' ? [] : out.split('\n').map((l) => l.split('|'));
}

/* The first column of the first row as a number. */
export async function sqlInt(text) {
	const out = await sql(text);
	const n = Number(out.split('\n')[0].split('|')[0]);
	assert.ok(Number.isFinite(n), `not a number from SQL: ${JSON.stringify(out)}`);
	return n;
}

/* Quotes a string as an SQL literal. */
export function lit(s) {
	return `'${String(s).replace(/'/g, "''")}'`;
}

// ------------------------------------------------------------------ generators

const COUNTIES = ['330702', '330703', '330723', '330726', '330727', '330781', '330782',
    '330783', '330784', '110101', '310104', '440305', '510107'];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/* GB 11643 check character of the first 17 digits. */
export function idcardCheck(first17) {
	let sum = 0;
	for (let i = 0; i < 17; i++)
		sum += Number(first17[i]) * ID_WEIGHTS[i];
	return ID_CHECK[sum % 11];
}

function pad(n, w) {
	return String(n).padStart(w, '0');
}

/* A random, valid 18-character 身份证号 (region, birth date 1960-2002, sequence). */
export function idcard() {
	const region = COUNTIES[randomInt(COUNTIES.length)];
	const d = new Date(Date.UTC(1960, 0, 1) + randomInt(0, 43 * 365) * 86400000);
	const birth = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
	const first17 = `${region}${birth}${pad(randomInt(1000), 3)}`;
	return first17 + idcardCheck(first17);
}

/* The same number with a wrong check character. */
export function idcardBadCheck() {
	const good = idcard();
	const wrong = ID_CHECK.split('').filter((c) => c !== good[17] && c !== 'X');
	return good.slice(0, 17) + wrong[randomInt(wrong.length)];
}

/* A valid mainland mobile number: 1[3-9] + 9 digits. */
export function mobile() {
	return `1${randomInt(3, 10)}${pad(randomInt(1e9), 9)}`;
}

/* A short random token for texts that must be found again in the database. */
export function tag() {
	return `${Date.now().toString(36)}${randomInt(1e9).toString(36)}`;
}

// ------------------------------------------------------------------ HTTP

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/*
 * One browser-like session against one role's program: its own cookie jar
 * (the sid cookie), the csrf token from login/me sent as X-CSRF-Token on
 * state-changing requests, JSON bodies.
 */
export class Session {
	constructor(role) {
		assert.ok(ROLES.includes(role), `unknown role ${role}`);
		this.role = role;
		this.cookies = new Map();
		this.csrf = null;
		this.lastSetCookie = [];
	}

	url(p) {
		return `${BASE}/api/${this.role}${p}`;
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	keepCookies(res) {
		this.lastSetCookie = res.headers.getSetCookie();
		for (const sc of this.lastSetCookie) {
			const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq), value = pair.slice(eq + 1);
			const expired = attrs.some((a) => /^max-age=0$/i.test(a));
			if (expired || value === '')
				this.cookies.delete(name);
			else
				this.cookies.set(name, value);
		}
	}

	/*
	 * request(method, path, opts): opts.json (object, serialised), opts.body
	 * (raw string/Buffer), opts.headers (extra, override), opts.csrf (false: do
	 * not send the token; a string: send that value instead).
	 * Returns { status, headers, text, json }.
	 */
	async request(method, p, opts = {}) {
		const headers = {};
		let body;
		if (opts.json !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = JSON.stringify(opts.json);
		} else if (opts.body !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = opts.body;
		}
		if (this.cookies.size > 0)
			headers.Cookie = this.cookieHeader();
		if (STATE_CHANGING.has(method) && opts.csrf !== false) {
			const tok = typeof opts.csrf === 'string' ? opts.csrf : this.csrf;
			if (tok)
				headers['X-CSRF-Token'] = tok;
		}
		Object.assign(headers, opts.headers || {});
		for (const k of Object.keys(headers))
			if (headers[k] === undefined || headers[k] === null)
				delete headers[k];
		const res = await fetch(this.url(p), { method, headers, body, redirect: 'manual' });
		this.keepCookies(res);
		const text = await res.text();
		let json = null;
		try {
			json = JSON.parse(text);
		} catch {
			json = null;
		}
		return { status: res.status, headers: res.headers, text, json };
	}

	get(p, opts) {
		return this.request('GET', p, opts);
	}

	post(p, json, opts = {}) {
		return this.request('POST', p, json === undefined ? opts : { ...opts, json });
	}

	/* Logs in; asserts 200 and keeps the csrf token. */
	async login(username, password = DEMO_PASSWORD) {
		const r = await this.post('/login', { username, password });
		assert.equal(r.status, 200, `login ${this.role}/${username}: ${r.text}`);
		assert.equal(typeof r.json.csrf, 'string');
		this.csrf = r.json.csrf;
		this.me = r.json;
		return r;
	}

	/* GET /me; on 200 refreshes the csrf token. */
	async whoami() {
		const r = await this.get('/me');
		if (r.status === 200)
			this.csrf = r.json.csrf;
		return r;
	}
}

/* Logs in a new session of role as username (demo password by default). */
export async function loginAs(role, username, password = DEMO_PASSWORD) {
	const s = new Session(role);
	await s.login(username, password);
	return s;
}

/* Registers a new applicant through the API and returns its credentials. */
export async function registerApplicant() {
	const who = { idcard: idcard(), name: '测试人员', mobile: mobile(), password: `Pw-${tag()}A1` };
	const r = await new Session('applicant').post('/register', who);
	assert.equal(r.status, 201, `register: ${r.text}`);
	assert.deepEqual(r.json, { ok: true });
	return who;
}

/* Asserts the uniform error body: {"error":{"code","message"[,"field"]}}. */
export function assertError(r, status, code, field) {
	assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status}: ${r.text}`);
	assert.ok(r.json && r.json.error, `no JSON error body: ${r.text}`);
	assert.equal(r.json.error.code, code, `error code: ${r.text}`);
	assert.equal(typeof r.json.error.message, 'string');
	assert.ok(r.json.error.message.length > 0);
	if (field !== undefined)
		assert.equal(r.json.error.field, field, `error field: ${r.text}`);
	return r.json.error;
}

/* A plain unauthenticated request (no session, no cookies). */
export async function raw(method, p, { headers = {}, body } = {}) {
	const res = await fetch(`${BASE}${p}`, { method, headers, body, redirect: 'manual' });
	const text = await res.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {
		json = null;
	}
	return { status: res.status, headers: res.headers, text, json };
}

// ------------------------------------------------------------------ payment

/* The order as the portal signed it for the gateway, from POST pay's pay_url
 * (?order&amount&subject&return&sign), with the amount as a number. */
export function gatewayOrder(payUrl) {
	const q = Object.fromEntries(new URL(payUrl, BASE).searchParams);
	return { ...q, amount: Number(q.amount) };
}

/* POST /api/paysim/<step> (open | pay) of the demo's simulated gateway, as its page does. */
export function paysim(step, body) {
	return raw('POST', `/api/paysim/${step}`,
	    { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/* A value of the stack's portal.conf (e.g. payment_callback_secret). */
export function portalConf(key, dir = VAR) {
	const line = readFileSync(path.join(dir, 'portal.conf'), 'utf8').split('\n')
	    .find((l) => l.startsWith(`${key} = `));
	assert.ok(line, `no ${key} in ${dir}/portal.conf`);
	return line.slice(key.length + 3).trim();
}

/* Asserts GET /api/<role>/health answers 200 {"ok":true}. */
export async function assertHealthy(role) {
	const r = await raw('GET', `/api/${role}/health`);
	assert.equal(r.status, 200, `${role} health: ${r.status} ${r.text}`);
	assert.deepEqual(r.json, { ok: true });
}

/*
 * The worker processes of a role (children of its multiwatch), or null when
 * the stack does not run on this machine. A worker that crashed is replaced
 * by multiwatch with a new pid, so an unchanged set means no crash.
 */
export function workerPids(role) {
	try {
		const pid = readFileSync(path.join(VAR, 'run', `${role}.pid`), 'utf8').trim();
		const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
		return kids.split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);
	} catch {
		return null;
	}
}

/*
 * Takes test applications out of every reviewer's desk (a test's cleanup, not
 * a move of the chain): those matching the SQL condition that are in review
 * become rejected, and the desks that held them are closed.
 */
export async function retire(where) {
	await sql(`WITH a AS (UPDATE application SET state = 'rejected', current_org_id = NULL
	    WHERE (${where}) AND state = 'in_review' RETURNING id)
	    UPDATE desk SET decided_at = now(), action = 'reject', touched_at = now()
	    FROM a WHERE desk.application_id = a.id AND desk.decided_at IS NULL`);
}

/*
 * The row of application app in a reviewer's worklist (GET /worklist of the
 * session's program), or undefined. The worklist pages 20 rows by default, so
 * the query narrows it to the application's plan; tab: waiting | decided | all.
 */
export async function worklistRow(s, app, tab = 'waiting') {
	const plan = await sqlInt(`SELECT plan_id FROM application WHERE id = ${Number(app)}`);
	const r = await s.get(`/worklist?tab=${tab}&plan=${plan}&size=100`);
	assert.equal(r.status, 200, `worklist of ${s.role}: ${r.text}`);
	return r.json.items.find((i) => i.id === Number(app));
}

export function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}
