// Shared helpers of the integration suite (Node 20: node:test + built-in fetch).
//
//   PORTAL_URL  where nginx answers (default http://127.0.0.1:8080)
//   PORTAL_VAR  the stack's VAR directory (default <repo>/var); SQL fixtures run
//               through `VAR=$PORTAL_VAR scripts/stack.sh psql`, which needs root.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BASE = (process.env.PORTAL_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const VAR = path.resolve(process.env.PORTAL_VAR || path.join(ROOT, 'var'));
export const ROLES = ['applicant', 'unit', 'county', 'city', 'hrb', 'admin'];
export const DEMO_PASSWORD = 'Demo@2023';
/* The password an account is made with by someone else (the operator, a unit's
 * administrator, a committee's office): one-time (sql/018), good for a first
 * login that sets another (Session.firstLogin). */
export const FIRST_PASSWORD = 'First@2023';
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
/* Waits until n backends of the database wait for a lock (a statement of a Psql session or a
 * request stopped behind another's transaction). */
export async function lockWaiters(n) {
	for (let i = 0; i < 200; i++) {
		if (await sqlInt(`SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
		    AND datname = current_database()`) >= n)
			return;
		await sleep(25);
	}
	assert.fail(`${n} sessions never waited for a lock`);
}

export class Psql {
	constructor(dir = VAR) {
		this.dir = dir;
		this.proc = null;
		this.queue = Promise.resolve();
		this.n = 0;
	}

	start() {
		const p = spawn(path.join(ROOT, 'scripts/stack.sh'), ['psql', '-tA', '-v', 'ON_ERROR_STOP=0'], {
			env: { ...process.env, VAR: this.dir },
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

/* sql() on the cluster of the stack in dir (a side stack's), through one psql of its own. */
export function sqlOn(dir) {
	const psql = new Psql(dir);
	return async (text) => {
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
	};
}

/* Runs SQL as the superuser of the stack's cluster; returns the unaligned,
 * tuples-only output (rows separated by \n, columns by |), trimmed. */
export const sql = sqlOn(VAR);

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
// A directory of the system's temporary one for a test's files (downloads to unzip and the
// like), removed when the test process ends: the suites left hundreds behind in /tmp.
const scratch = [];
process.on('exit', () => {
	for (const d of scratch)
		rmSync(d, { recursive: true, force: true });
});
export function scratchDir(prefix) {
	const d = mkdtempSync(path.join(tmpdir(), prefix));
	scratch.push(d);
	return d;
}

export function tag() {
	return `${Date.now().toString(36)}${randomInt(1e9).toString(36)}`;
}

// ------------------------------------------------------------------ HTTP

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/*
 * fetch() over node:https with a certificate authority of our own (the stack's self-signed
 * certificate, $PORTAL_VAR/tls/cert.pem), which fetch cannot be given; the answer has
 * fetch's shape (status, headers, text()). A FormData body goes as multipart.
 */
export async function fetchWithCa(url, { method = 'GET', headers = {}, body, ca } = {}) {
	const h = { ...headers };
	let bytes = body;
	if (body instanceof FormData) {
		const r = new Response(body);
		h['Content-Type'] = r.headers.get('content-type');
		bytes = Buffer.from(await r.arrayBuffer());
	}
	if (bytes !== undefined)
		h['Content-Length'] = Buffer.byteLength(bytes);
	return new Promise((resolve, reject) => {
		const req = https.request(url, { method, headers: h, ca }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('error', reject);
			res.on('end', () => {
				const hs = new Headers();
				for (let i = 0; i < res.rawHeaders.length; i += 2)
					hs.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
				const text = Buffer.concat(chunks).toString('utf8');
				resolve({ status: res.statusCode, headers: hs, text: async () => text });
			});
		});
		req.on('error', reject);
		req.end(bytes);
	});
}

/*
 * One browser-like session against one role's program: its own cookie jar
 * (the sid cookie), the csrf token from login/me sent as X-CSRF-Token on
 * state-changing requests, JSON bodies.
 */
export class Session {
	/* base: another front than nginx's plain port (Apache, TLS); ca: the certificate
	 * authority of an https base (through fetchWithCa). */
	constructor(role, { base = BASE, ca = null } = {}) {
		assert.ok(ROLES.includes(role), `unknown role ${role}`);
		this.role = role;
		this.base = base;
		this.ca = ca;
		this.cookies = new Map();
		this.csrf = null;
		this.lastSetCookie = [];
	}

	url(p) {
		return `${this.base}/api/${this.role}${p}`;
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
		const res = this.ca ? await fetchWithCa(this.url(p), { method, headers, body, ca: this.ca }) :
		    await fetch(this.url(p), { method, headers, body, redirect: 'manual' });
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

	/*
	 * The first login of an account whose password someone else chose
	 * (one-time: until it is changed every route but me, password and
	 * logout answers 403 password_change_required): logs in with it, checks
	 * that the session says so, and sets `password` as the person's own.
	 */
	async firstLogin(username, oneTime = FIRST_PASSWORD, password = DEMO_PASSWORD) {
		await this.login(username, oneTime);
		assert.equal(this.me.user.must_change_password, true,
		    `${this.role}/${username}: a password chosen by someone else is not one-time`);
		const r = await this.post('/password', { old: oneTime, new: password });
		assert.equal(r.status, 200, `first password of ${this.role}/${username}: ${r.text}`);
		const me = await this.whoami();
		assert.equal(me.json.user.must_change_password, false);
		this.me = me.json;
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

/* firstLogin() in a new session of role: the Session, with `password` its own. */
export async function firstLoginAs(role, username, oneTime = FIRST_PASSWORD, password = DEMO_PASSWORD) {
	const s = new Session(role);
	await s.firstLogin(username, oneTime, password);
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

/* A plain unauthenticated request (no session, no cookies); signal: an AbortSignal. */
export async function raw(method, p, { headers = {}, body, signal } = {}) {
	const res = await fetch(`${BASE}${p}`, { method, headers, body, signal, redirect: 'manual' });
	const text = await res.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {
		json = null;
	}
	return { status: res.status, headers: res.headers, text, json };
}

// ------------------------------------------------------------------ signing on a phone

/* The token of a sign-link's url (…/applicant/#/sign/<token>). */
export function signToken(url) {
	return url.slice(url.lastIndexOf('/') + 1);
}

/* The phone's requests, without a session: the one-time token is the proof and travels in
 * the body, never in a URL. POST sign/open {token} → what the page shows; POST sign
 * {token, signature}. headers: extra (e.g. an Origin). */
export function signOpen(token, headers = {}) {
	return raw('POST', '/api/applicant/sign/open',
	    { headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ token }) });
}

export function signPost(token, signature, headers = {}) {
	return raw('POST', '/api/applicant/sign',
	    { headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ token, signature }) });
}

// ------------------------------------------------------------------ payment

/* The order as the portal signed it for the gateway, from POST pay's pay_url
 * (?order&amount&subject&return&sign, or the same in the fragment: the demo's
 * simulator, #order…), with the amount as a number. */
export function gatewayOrder(payUrl) {
	const u = new URL(payUrl, BASE);
	const q = Object.fromEntries(u.hash ? new URLSearchParams(u.hash.slice(1)) : u.searchParams);
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
 * The worker processes of a role (children of its pool), or null when
 * the stack does not run on this machine. A worker that crashed is replaced
 * by the pool with a new pid, so an unchanged set means no crash.
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

/*
 * A second, small stack of the portal beside the test stack, for what needs a
 * database or a configuration of its own (the production configuration, an
 * installation from an empty database): its VAR is $PORTAL_VAR/<name>, nginx on
 * the test port + offset. The sanitizer build when there is one; its reports
 * go beside the test stack's (scripts/test.sh checks them).
 * → { base, stack(...args) (scripts/stack.sh), script(name, ...args) (another of scripts/, in
 * the same environment), sql(text), start(), stop() }
 */
export function sideStack(name, offset, extraEnv = {}) {
	const dir = path.join(VAR, name);
	const port = Number(new URL(BASE).port || 80) + offset;
	const env = () => {
		const bin = process.env.BIN || [path.join(ROOT, 'build/san/bin'), path.join(ROOT, 'build/bin')]
		    .find((d) => existsSync(path.join(d, 'applicant')));
		const e = { ...process.env, VAR: dir, PORT: String(port), BIN: bin, WORKERS: '1', ...extraEnv };
		delete e.ASAN_OPTIONS;
		delete e.UBSAN_OPTIONS;
		const san = path.join(VAR, 'log', 'san');
		if (bin.includes('/san/') && existsSync(san)) {
			e.ASAN_OPTIONS = `log_path=${san}/asan-${name}:detect_leaks=0`;
			e.UBSAN_OPTIONS = `print_stacktrace=1:log_path=${san}/ubsan-${name}`;
		}
		return e;
	};
	const stack = (...args) => execFileP(path.join(ROOT, 'scripts/stack.sh'), args,
	    { env: env(), maxBuffer: 4 << 20 });
	return {
		dir,
		base: `http://127.0.0.1:${port}`,
		stack,
		script: (name, ...args) => execFileP(path.join(ROOT, 'scripts', name), args,
		    { env: env(), maxBuffer: 4 << 20 }),
		sql: async (text) => (await stack('psql', '-tA', '-c', text)).stdout.trim(),
		async start(...steps) {
			await stack('stop').catch(() => {});
			rmSync(dir, { recursive: true, force: true });
			try {
				await stack('start');
				const out = [];
				for (const step of steps)
					out.push((await stack(step)).stdout);
				return out.join('');
			} catch (e) {
				const log = (f) => (existsSync(path.join(dir, 'log', f)) ?
				    readFileSync(path.join(dir, 'log', f), 'utf8').slice(-2000) : '');
				throw new Error(`the ${name} stack did not start: ${e.message}\n${e.stderr || ''}\n${log('applicant.log')}`);
			}
		},
		stop: () => stack('stop').catch(() => {}),
	};
}

export function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/*
 * A race made certain: statements run in a transaction of a psql of its own, which then
 * holds its locks for `seconds` (pg_sleep) before it commits. Resolves once that transaction
 * is seen sleeping, so that what the test does next meets its locks; { done } is the commit.
 */
let holds = 0;
export async function holding(statements, seconds = 2) {
	const mark = `itest_hold_${process.pid}_${++holds}`;
	const done = sqlOn(VAR)(`BEGIN; ${statements}; SELECT pg_sleep(${seconds}) /* ${mark} */; COMMIT`);
	for (let i = 0; ; i++) {
		if (await sqlInt(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%/* ${mark} */%'
		    AND pid <> pg_backend_pid()`) > 0)
			return { done };
		assert.ok(i < 400, `the holding transaction (${mark}) did not start: ${statements}`);
		await sleep(25);
	}
}
