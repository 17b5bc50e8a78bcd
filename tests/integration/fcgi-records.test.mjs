// Issue 11, finding 3: malformed FastCGI records crash workers, and a burst used to take a
// program down for good. Debian's libfcgi (2.4.2-2+deb12u1) smashes its stack on a GET_VALUES
// record that repeats FCGI_MPXS_CONNS (its 64-byte answer buffer overflows) and aborts on a
// PARAMS length near 2^31 (an int overflow ends in its Malloc assertion). We cannot check a
// record before libfcgi parses it, so the containment is supervision: tools/pool.c replaces
// every worker that dies, with a back-off and no give-up limit (multiwatch gave up after three
// quick deaths per worker and the program stayed down). This speaks FastCGI to the program's
// socket as nginx's side would (only root and nginx's user can connect), sends 16 such records
// at 4 a second, and asserts the program answers through nginx again and gets all its workers
// back; and that the pool retries a program that cannot start for ever, with a back-off. Neither
// reads a clock against an upper bound: on a machine as busy as CI's, a sanitizer build's worker
// can take seconds to start, and what multiwatch got wrong was never the time but the give-up.
// docs/security.md has the details.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';

import { ROOT, VAR, raw, sleep, workerPids } from './lib.mjs';

const ROLE = 'county';
const SOCKET = path.join(VAR, 'run', 'fcgi', `${ROLE}.sock`);
const LOG = path.join(VAR, 'log', `${ROLE}.log`);

/* One FastCGI record (version 1), padded to 8 bytes. */
function record(type, requestId, content) {
	const pad = (8 - (content.length % 8)) % 8;
	return Buffer.concat([
		Buffer.from([1, type, requestId >> 8, requestId & 255, content.length >> 8, content.length & 255, pad, 0]),
		content, Buffer.alloc(pad)]);
}
const FCGI_BEGIN_REQUEST = 1, FCGI_PARAMS = 4, FCGI_GET_VALUES = 9;

/* A name-value pair's length in its 4-byte form (high bit set). */
const length4 = (n) => Buffer.from([((n >>> 24) & 0x7f) | 0x80, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

/* GET_VALUES (request id 0) asking 20 times for FCGI_MPXS_CONNS: libfcgi writes an 18-byte
 * answer for each into a 64-byte buffer on its stack. */
const GET_VALUES = record(FCGI_GET_VALUES, 0, Buffer.concat(Array.from({ length: 20 },
    () => Buffer.concat([Buffer.from([15, 0]), Buffer.from('FCGI_MPXS_CONNS')]))));

/* A responder request whose first parameter claims a name of 2^31 - 8 bytes and a value of
 * 100: libfcgi adds them in an int and allocates the (negative) sum. */
const HUGE_PARAMS = Buffer.concat([
	record(FCGI_BEGIN_REQUEST, 1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])),
	record(FCGI_PARAMS, 1, Buffer.concat([length4(2 ** 31 - 8), length4(100), Buffer.from('AAAAAAAA')])),
]);

/* Connects to the program's socket, writes the bytes and closes its side; resolves when the
 * connection is closed (or after 10 s: the record is queued, not read). */
function send(bytes) {
	return new Promise((resolve, reject) => {
		const c = net.createConnection({ path: SOCKET });
		const timer = setTimeout(() => c.destroy(), 10000);
		c.on('connect', () => c.end(bytes));
		c.on('data', () => {});
		// a program that is gone refuses: the health check below says so
		c.on('error', (e) => (['EPIPE', 'ECONNRESET', 'ECONNREFUSED'].includes(e.code) ? null : reject(e)));
		c.on('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

/* The deaths the pool logged in `text`, one per "worker ended" line: its slot, its pid, how it
 * ended ("signal=6", "status=1") and the pause before its replacement (-1: the pool was
 * stopping and starts none). */
function deaths(text) {
	return text.split('\n').filter((l) => l.includes('prog=pool') && l.includes('msg="worker ended"'))
	    .map((l) => ({ slot: Number(/ slot=(\d+) /.exec(l)[1]), worker: Number(/ worker=(\d+) /.exec(l)[1]),
		how: / ((?:signal|status)=\d+) /.exec(l)[1], restart: Number(/ restart_ms=(-?\d+)/.exec(l)[1]) }));
}

/* The program's log from byte offset `from` on. */
const logSince = (from) => readFileSync(LOG).subarray(from).toString('utf8');

/* The workers the pool reports killed by SIGABRT (6: libfcgi's abort, glibc's stack
 * protector) in the log from byte offset `from` on; under AddressSanitizer a smashed stack is
 * sometimes caught by ASan's own check first, which exits with status 1. */
function aborted(from) {
	return deaths(logSince(from)).filter((d) => d.how === 'signal=6' || d.how === 'status=1').map((d) => d.worker);
}

/*
 * Under AddressSanitizer (make test), libfcgi's impossible allocation leaves one warning line
 * (and the GET_VALUES record's smashed stack, when ASan notices it before glibc, one CHECK
 * line)
 * in log/san/asan.<pid> before libfcgi's own assertion aborts the worker (ASAN_OPTIONS has
 * allocator_may_return_null=1, so malloc answers NULL as glibc's does in production). The
 * suite counts every file there as a finding against our code; these are the defect provoked
 * here, so the files of the workers this test killed go when they hold that warning and
 * nothing else.
 */
function forgetAllocationWarnings(pids) {
	for (const pid of pids) {
		const f = path.join(VAR, 'log', 'san', `asan.${pid}`);
		if (existsSync(f) &&
		    (/^(==\d+==WARNING: AddressSanitizer failed to allocate 0x[0-9a-f]+ bytes\n)+$/.test(readFileSync(f, 'utf8')) ||
		     /^(=+\nAddressSanitizer: CHECK failed: asan_thread\.cpp:\d+ "\(\(ptr\[0\] == kCurrentStackFrameMagic\)\) != \(0\)" \(0x0, 0x0\) \(tid=\d+\)\n)+$/
			.test(readFileSync(f, 'utf8'))))
			unlinkSync(f);
	}
}

test('16 malformed FastCGI records at 4/s: the program answers again, and keeps all its workers', async (t) => {
	const before = workerPids(ROLE);
	assert.ok(before && before.length > 0, `no workers of ${ROLE} under ${VAR}`);
	const logFrom = statSync(LOG).size;
	const sent = [];
	// the sanitizer files of the workers these records killed, once every record has been read
	// and the pool has reaped its worker (it logs each death as it does)
	t.after(async () => {
		await Promise.all(sent);
		for (let i = 0; i < 100 && aborted(logFrom).length < sent.length; i++)
			await sleep(100);
		forgetAllocationWarnings(aborted(logFrom));
	});
	assert.equal((await raw('GET', `/api/${ROLE}/health`)).status, 200);

	for (let i = 0; i < 16; i++) {
		sent.push(send(i % 2 === 0 ? GET_VALUES : HUGE_PARAMS));
		await sleep(250);
	}

	// through nginx, as a browser would: the program answers again (the minute is only how
	// long this waits before it calls the program gone)
	const until = Date.now() + 60000;
	let last = null;
	while (Date.now() < until) {
		try {
			last = await raw('GET', `/api/${ROLE}/health`, { signal: AbortSignal.timeout(10000) });
			if (last.status === 200)
				break;
		} catch (e) {
			last = { status: e.name };
		}
		await sleep(100);
	}
	assert.equal(last?.status, 200, `${ROLE} did not answer again after the burst (last: ${last?.status})`);
	await Promise.all(sent);

	// the records did reach libfcgi and kill workers: this is the defect being contained.
	// If this fails, libfcgi no longer aborts on them: update docs/security.md.
	let killed = [];
	for (let i = 0; i < 100 && (killed = aborted(logFrom)).length < 16; i++)
		await sleep(100);
	assert.ok(killed.length >= 16, `expected 16 workers aborted by libfcgi, saw ${killed.length} (see ${LOG})`);
	// issue 11's "answers again within 2 s", as the pool's schedule: no worker waited more than
	// 1 s for its replacement (the back-off's ceiling), so the program is back within a second
	// and a worker's start of the last death. Timed through nginx it measured how busy the
	// machine was: CI's once missed it with the program answering a moment later.
	const pauses = deaths(logSince(logFrom)).map((d) => d.restart);
	assert.ok(pauses.every((ms) => ms >= 0 && ms <= 1000), `the pool's pauses: ${pauses}`);

	// every worker is back: none was given up
	let now = [];
	for (let i = 0; i < 600; i++) {
		now = workerPids(ROLE);
		if (now.length === before.length)
			break;
		await sleep(100);
	}
	assert.equal(now.length, before.length, `workers of ${ROLE}: ${before} -> ${now}`);
	for (let i = 0; i < 2 * before.length; i++)
		assert.equal((await raw('GET', `/api/${ROLE}/health`)).status, 200);
});

test('pool: a program that cannot start is retried for ever, with a back-off, not in a busy loop', async (t) => {
	const bin = [process.env.BIN, path.join(ROOT, 'build/san/bin'), path.join(ROOT, 'build/bin')]
	    .find((d) => d && existsSync(path.join(d, 'pool')));
	const dir = mkdtempSync(path.join(tmpdir(), 'zcps-pool-'));
	t.after(() => rmSync(dir, { recursive: true, force: true }));
	const log = path.join(dir, 'pool.log');
	const began = Date.now();
	const pool = spawn(path.join(bin, 'pool'), ['-n', '2', '-l', log, '--', '/bin/false'], { stdio: 'ignore' });
	const exited = new Promise((resolve) => pool.on('exit', (code, signal) => resolve({ code, signal })));
	// each worker's deaths and the pause the pool took before its next start
	// (restart_ms=-1: a worker that ended as the pool stopped, which starts it no more)
	const waits = (slot) => deaths(existsSync(log) ? readFileSync(log, 'utf8') : '')
	    .filter((d) => d.how === 'status=1' && d.slot === slot && d.restart >= 0).map((d) => d.restart);
	// eight deaths each: more than multiwatch's four, after which it gave up
	while (Date.now() - began < 60000 && (waits(0).length < 8 || waits(1).length < 8))
		await sleep(100);
	const took = Date.now() - began;
	pool.kill('SIGTERM');
	assert.deepEqual(await exited, { code: 0, signal: null }, 'the pool stops cleanly on SIGTERM');
	for (const slot of [0, 1]) {
		// at once, then 100, 200, 400, 800 ms, and no more than 1 s from then on
		assert.deepEqual(waits(slot).slice(0, 8), [0, 100, 200, 400, 800, 1000, 1000, 1000],
		    `worker ${slot}'s pauses before its next start`);
	}
	// and the pauses were taken: eight deaths come after seven pauses of 3.5 s in all
	assert.ok(took >= 3500, `eight starts of each worker within ${took} ms`);
});

/* A name-value pair in its short form (both lengths below 128). */
const pair = (name, value) => Buffer.concat([Buffer.from([name.length, Buffer.byteLength(value)]),
    Buffer.from(name), Buffer.from(value)]);
const FCGI_STDIN = 5;

/* Sends one responder request as nginx does (its connection not kept: flags 0), reads the
 * reply to its end and then, its own end still open, writes one more byte: what that write
 * meets says whether the program had closed the connection (EPIPE, ECONNRESET) or had only
 * shut its sending side and was waiting for this end to close ('close' with no error, once
 * libfcgi's wait of up to 2 s is over). */
function afterReply(params, body = Buffer.alloc(0)) {
	return new Promise((resolve, reject) => {
		const c = net.createConnection({ path: SOCKET, allowHalfOpen: true });
		const timer = setTimeout(() => c.destroy(new Error('no end of the reply within 10 s')), 10000);
		let reply = Buffer.alloc(0), error = null;
		c.on('connect', () => c.write(Buffer.concat([
			record(FCGI_BEGIN_REQUEST, 1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])),
			record(FCGI_PARAMS, 1, Buffer.concat(Object.entries(params).map(([k, v]) => pair(k, v)))),
			record(FCGI_PARAMS, 1, Buffer.alloc(0)),
			...(body.length ? [record(FCGI_STDIN, 1, body)] : []),
			record(FCGI_STDIN, 1, Buffer.alloc(0))])));
		c.on('data', (d) => { reply = Buffer.concat([reply, d]); });
		c.on('end', () => c.write(Buffer.from([0])));
		c.on('error', (e) => { error = e; });
		c.on('close', () => {
			clearTimeout(timer);
			if (error && !['EPIPE', 'ECONNRESET'].includes(error.code))
				reject(error);
			else
				resolve({ reply: reply.toString('latin1'), closed: error !== null });
		});
	});
}

test('a reply\'s connection is closed by the program at once, not held while it waits for nginx to close first', async () => {
	// libfcgi shuts the sending side and waits until nginx has closed its end (a guard
	// against a TCP reset): the worker took no other request meanwhile. A request read to
	// its end is now closed at once (lib/http.c, finish()).
	const get = await afterReply({ REQUEST_METHOD: 'GET', REQUEST_URI: `/api/${ROLE}/me`,
	    DOCUMENT_URI: `/api/${ROLE}/me`, QUERY_STRING: '', REMOTE_ADDR: '127.0.0.1' });
	assert.match(get.reply, /Status: 401/);
	assert.equal(get.closed, true, 'the connection was still open after the reply');
	// a body the program refuses without reading it is read to its end all the same
	const body = Buffer.from('{"username":"x"');
	const post = await afterReply({ REQUEST_METHOD: 'POST', REQUEST_URI: `/api/${ROLE}/login`,
	    DOCUMENT_URI: `/api/${ROLE}/login`, QUERY_STRING: '', REMOTE_ADDR: '127.0.0.1',
	    CONTENT_TYPE: 'application/json', CONTENT_LENGTH: String(body.length) }, body);
	assert.match(post.reply, /Status: 400/);
	assert.equal(post.closed, true, 'the connection was still open after the reply');
});
