// Registration is limited per IP address (conf register_per_ip_hour, 429 beyond
// it): "该身份证号已注册" must not be asked for in bulk. The test stack raises
// the limit (its suites register hundreds of applicants from 127.0.0.1), so
// this test reads the limit from the stack's portal.conf, sends from a
// loopback address of its own (127.a.b.c; Linux routes all of 127/8 to lo)
// and fills that address's last hour with recorded attempts.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, test } from 'node:test';

import { BASE, VAR, assertError, idcard, lit, mobile, registerApplicant, sql, sqlInt, tag } from './lib.mjs';
import {
	afterCleanup, completeProfile, newApplicant, newApplication, postFile, putProfile, tinyPdf,
} from './applicant-fixtures.mjs';
import { PHOTO } from './routes.mjs';

after(afterCleanup);

const LIMIT = Number(/^register_per_ip_hour\s*=\s*(\d+)/m.exec(readFileSync(path.join(VAR, 'portal.conf'), 'utf8'))[1]);

/* POST /api/applicant/register from a given source address. */
const registerFrom = (ip, body) => postFrom(ip, '/api/applicant/register', body);

/* A JSON POST to the stack from a given source address. */
function postFrom(ip, p, body) {
	const u = new URL(`${BASE}${p}`);
	const data = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request({
			host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress: ip,
			headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
		}, (res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (d) => { text += d; }).on('end', () => {
				let json = null;
				try {
					json = JSON.parse(text);
				} catch {
					json = null;
				}
				resolve({ status: res.statusCode, headers: res.headers, text, json });
			});
		});
		req.on('error', reject);
		req.end(data);
	});
}

const person = () => ({ idcard: idcard(), name: '孙小六', mobile: mobile(), password: `Pw-${tag()}A1` });

test('registration: the limit per IP address and hour, refused attempts included; 429 in Chinese', async () => {
	assert.ok(LIMIT >= 2, `register_per_ip_hour = ${LIMIT}`);
	const ip = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
	const taken = await registerApplicant();
	try {
		await sql(`INSERT INTO register_attempt (ip) SELECT ${lit(ip)} FROM generate_series(1, ${LIMIT - 2})`);
		// attempt LIMIT-1: "已注册" (and it counts), attempt LIMIT: a new account
		assertError(await registerFrom(ip, { ...person(), idcard: taken.idcard }), 409, 'conflict', 'idcard');
		const ok = person();
		assert.equal((await registerFrom(ip, ok)).status, 201);
		assert.equal(await sqlInt(`SELECT count(*) FROM register_attempt WHERE ip = ${lit(ip)}`), LIMIT);
		// beyond the limit: 429 for a taken and for a free number alike, nothing inserted
		const late = person();
		for (const body of [{ ...person(), idcard: taken.idcard }, late]) {
			const r = await registerFrom(ip, body);
			const e = assertError(r, 429, 'too_many_requests');
			assert.match(e.message, /一小时/);
			assert.match(r.headers['content-security-policy'] || '', /default-src 'none'/);
		}
		assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE idcard = ${lit(late.idcard)}`), 0);
		assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE idcard = ${lit(ok.idcard)}`), 1);
		// other addresses are not affected
		await registerApplicant();
		// attempts older than an hour no longer count (and are purged)
		await sql(`UPDATE register_attempt SET at = now() - interval '61 minutes' WHERE ip = ${lit(ip)}`);
		assert.equal((await registerFrom(ip, person())).status, 201);
		assert.equal(await sqlInt(`SELECT count(*) FROM register_attempt WHERE ip = ${lit(ip)}`), 1);
	} finally {
		await sql(`DELETE FROM register_attempt WHERE ip = ${lit(ip)}`);
	}
});

/* POST /api/applicant/password/forgot from a given source address. */
const forgotFrom = (ip, username) => postFrom(ip, '/api/applicant/password/forgot', { username });

test('SMS codes: the limit per IP address and hour (conf codes_per_ip_hour), then 429', async () => {
	const limit = Number(/^codes_per_ip_hour\s*=\s*(\d+)/m.exec(readFileSync(path.join(VAR, 'portal.conf'), 'utf8'))[1]);
	assert.ok(limit >= 2, `codes_per_ip_hour = ${limit}`);
	const ip = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
	const a = await registerApplicant();
	try {
		await sql(`INSERT INTO register_attempt (ip, what) SELECT ${lit(ip)}, 'code' FROM generate_series(1, ${limit - 1})`);
		// the last one allowed: the same answer for an account that exists or not
		assert.equal((await forgotFrom(ip, a.idcard)).status, 200);
		const r = await forgotFrom(ip, a.idcard);
		const e = assertError(r, 429, 'too_many_requests');
		assert.match(e.message, /获取验证码尝试已达 \d+ 次/);
		// registrations from that address are counted apart
		assert.equal(await sqlInt(`SELECT count(*) FROM register_attempt WHERE ip = ${lit(ip)} AND what = 'code'`), limit);
	} finally {
		await sql(`DELETE FROM register_attempt WHERE ip = ${lit(ip)}`);
	}
});

test('failed password resets: counted per IP address and hour (codes_per_ip_hour), then 429; a code tried too often answers as for nobody', async () => {
	const limit = Number(/^codes_per_ip_hour\s*=\s*(\d+)/m.exec(readFileSync(path.join(VAR, 'portal.conf'), 'utf8'))[1]);
	assert.ok(limit >= 10, `codes_per_ip_hour = ${limit}`);
	const ip = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
	const a = await registerApplicant();
	a.id = await sqlInt(`SELECT id FROM app_user WHERE username = ${lit(a.idcard)}`);
	const reset = (username, code = '000000') => postFrom(ip, '/api/applicant/password/reset',
		{ username, code, password: 'New-Passw0rd-2026' });
	const misses = () => sqlInt(`SELECT count(*) FROM register_attempt WHERE ip = ${lit(ip)} AND what = 'reset'`);
	try {
		assert.equal((await forgotFrom(ip, a.idcard)).status, 200);
		const code = /验证码 (\d{6})/.exec(await sql(`SELECT body FROM code_sms WHERE user_id = ${a.id}
		    ORDER BY id DESC LIMIT 1`))[1];
		const wrong = code === '000000' ? '111111' : '000000';
		// six wrong codes to the account (the sixth past its five tries), one to nobody: one answer
		const said = new Set();
		for (let i = 0; i < 6; i++)
			said.add(assertError(await reset(a.idcard, wrong), 400, 'invalid_field', 'code').message);
		said.add(assertError(await reset(idcard(), wrong), 400, 'invalid_field', 'code').message);
		assert.deepEqual([...said], ['验证码不正确或已过期：请核对后重新输入，或重新获取']);
		assert.equal(await misses(), 7);
		// the last miss allowed, then 429: the right code of a fresh one too
		await sql(`INSERT INTO register_attempt (ip, what) SELECT ${lit(ip)}, 'reset' FROM generate_series(1, ${limit - 8})`);
		assertError(await reset(idcard()), 400, 'invalid_field', 'code');
		assert.equal(await misses(), limit);
		await sql(`UPDATE sms_code SET created_at = created_at - interval '2 minutes' WHERE user_id = ${a.id}`);
		assert.equal((await forgotFrom(ip, a.idcard)).status, 200);
		const fresh = /验证码 (\d{6})/.exec(await sql(`SELECT body FROM code_sms WHERE user_id = ${a.id}
		    ORDER BY id DESC LIMIT 1`))[1];
		const e = assertError(await reset(a.idcard, fresh), 429, 'too_many_requests');
		assert.match(e.message, /重置密码尝试已达 \d+ 次/);
		// a reset that succeeds is no miss: from another address, the code still works
		await sql(`DELETE FROM register_attempt WHERE ip = ${lit(ip)}`);
		assert.equal((await reset(a.idcard, fresh)).status, 200);
		assert.equal(await misses(), 0);
	} finally {
		await sql(`DELETE FROM register_attempt WHERE ip = ${lit(ip)}`);
	}
});

test('uploads: an account uploads at most uploads_per_day files and upload_mb_per_day MiB in 24 hours, then 429', async () => {
	const conf = readFileSync(path.join(VAR, 'portal.conf'), 'utf8');
	const files = Number(/^uploads_per_day\s*=\s*(\d+)/m.exec(conf)[1]);
	const mb = Number(/^upload_mb_per_day\s*=\s*(\d+)/m.exec(conf)[1]);
	const a = await newApplicant();
	const pdf = tinyPdf('quota');
	const up = () => postFile(a.s, '/uploads', pdf, '材料.pdf', 'application/pdf');
	// what the account uploaded today, recorded directly (the limits are raised for the suites)
	const fill = (n, size) => sql(`INSERT INTO upload (owner_id, filename, ctype, size, sha256, data)
	    SELECT ${a.id}, 'x.pdf', 'application/pdf', ${size}, sha256('x'::bytea), 'x'::bytea FROM generate_series(1, ${n})`);
	try {
		await fill(files - 1, 1);
		assert.equal((await up()).status, 201, 'the last file of the day');
		const e = assertError(await up(), 429, 'too_many_requests');
		assert.match(e.message, new RegExp(`24 小时内已上传 ${files} 个文件，达到每日上限 ${files} 个`));
		// a photo is an upload too (the diff review: a script could store one a request)
		await putProfile(a.s, await completeProfile());
		const app = (await newApplication(a.s)).application.id;
		const photo = await postFile(a.s, `/applications/${app}/photo`, PHOTO, '证件照.jpg', 'image/jpeg');
		assert.match(assertError(photo, 429, 'too_many_requests', 'file').message, /达到每日上限/);
		// a day later they count no more
		await sql(`UPDATE upload SET created_at = now() - interval '25 hours' WHERE owner_id = ${a.id}`);
		assert.equal((await up()).status, 201);
		// bytes: what is left of the day's MiB is less than this file
		const whole = mb * 1024 * 1024;
		const big = 2 ** 31 - 1;
		await fill(Math.floor((whole - pdf.length) / big), big);
		// the file would fit exactly in what is left; one byte more recorded, and it does not
		await fill(1, whole - Math.floor((whole - pdf.length) / big) * big - pdf.length + 1);
		const b = assertError(await up(), 429, 'too_many_requests');
		assert.match(b.message, new RegExp(`再上传此文件将超过每日上限 ${mb} MB`));
	} finally {
		// the rows recorded above, which nothing refers to: without the foreign-key checks of
		// the seven columns that refer to upload (each a scan, 100 000 times over)
		await sql(`BEGIN; SET LOCAL session_replication_role = replica;
		    DELETE FROM upload WHERE owner_id = ${a.id} AND filename = 'x.pdf'; COMMIT`);
	}
});
