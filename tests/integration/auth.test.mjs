// Registration, login, sessions, lockout, password change and CSRF.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';

import {
	BASE, DEMO_APPLICANT, DEMO_PASSWORD, HONGDA, Session, assertError, idcard,
	VAR, idcardBadCheck, idcardCheck, lit, loginAs, mobile, registerApplicant, sql,
	sqlInt, sqlRows, tag,
} from './lib.mjs';

const userCount = () => sqlInt('SELECT count(*) FROM app_user');
const sessionCount = () => sqlInt('SELECT count(*) FROM session');

test('register → login → me → logout → me is 401', async () => {
	const who = { idcard: idcard(), name: '李小龙', mobile: mobile(), password: `Reg-${tag()}9z` };
	const anon = new Session('applicant');
	const reg = await anon.post('/register', who);
	assert.equal(reg.status, 201, reg.text);
	assert.deepEqual(reg.json, { ok: true });
	assert.deepEqual(anon.lastSetCookie, [], 'register must not log in');

	const rows = await sqlRows(`SELECT role, username, name, idcard, mobile, org_id IS NULL,
	    failed_logins FROM app_user WHERE idcard = ${lit(who.idcard)}`);
	assert.deepEqual(rows, [['applicant', who.idcard, who.name, who.idcard, who.mobile, 't', '0']]);
	const hash = await sql(`SELECT password_hash FROM app_user WHERE idcard = ${lit(who.idcard)}`);
	assert.ok(hash.startsWith('$y$'), `password_hash is not yescrypt: ${hash.slice(0, 8)}`);
	// made at the stack's password_cost (the suites' 1 is "$y$j75$"; production's 5, "$y$j9T$")
	const cost = Number(/^password_cost\s*=\s*(\d+)/m.exec(readFileSync(path.join(VAR, 'portal.conf'), 'utf8'))[1]);
	assert.equal(hash.slice(0, 7), { 1: '$y$j75$', 2: '$y$j85$', 3: '$y$j7T$', 4: '$y$j8T$', 5: '$y$j9T$' }[cost]);
	assert.ok(!hash.includes(who.password));
	assert.equal(await sqlInt(`SELECT count(*) FROM audit_log a JOIN app_user u ON u.id = a.target_id
	    WHERE a.action = 'register' AND a.target_type = 'user' AND u.idcard = ${lit(who.idcard)}`), 1);

	const s = new Session('applicant');
	const login = await s.login(who.idcard, who.password);
	const sc = s.lastSetCookie;
	assert.equal(sc.length, 1, `one Set-Cookie: ${sc}`);
	const attrs = sc[0].split(';').map((a) => a.trim());
	assert.match(attrs[0], /^sid=[0-9a-f]{32}$/);
	assert.ok(attrs.includes('HttpOnly'), sc[0]);
	assert.ok(attrs.includes('SameSite=Strict'), sc[0]);
	assert.ok(attrs.includes('Path=/api/applicant/'), sc[0]);
	assert.ok(!attrs.includes('Secure'), 'plain HTTP: no Secure');
	// the database keeps only the hash of the token
	const token = attrs[0].slice(4);
	assert.equal(await sqlInt(`SELECT count(*) FROM session WHERE token_hash =
	    sha256(convert_to(${lit(token)}, 'UTF8')) AND ended_at IS NULL AND role = 'applicant'`), 1);
	assert.equal(await sqlInt(`SELECT count(*) FROM session WHERE token_hash::text LIKE
	    ${lit('%' + token + '%')}`), 0);

	const u = login.json.user;
	assert.equal(u.role, 'applicant');
	assert.equal(u.name, who.name);
	assert.equal(u.username, `${who.idcard.slice(0, 4)}**********${who.idcard.slice(14)}`);
	assert.equal(u.mobile, `${who.mobile.slice(0, 3)}****${who.mobile.slice(7)}`);
	assert.equal(login.json.org, null);
	assert.match(login.json.csrf, /^[0-9a-f]{32}$/);

	// how long the session has left, for the page's warning before the idle timeout
	const { session: fresh, ...rest } = login.json;
	assert.equal(fresh.idle_min, 30);
	assert.equal(fresh.abs_hours, 12);
	assert.ok(fresh.idle_left > 29 * 60 && fresh.idle_left <= 30 * 60, `idle_left ${fresh.idle_left}`);
	assert.ok(fresh.abs_left > 12 * 3600 - 60 && fresh.abs_left <= 12 * 3600, `abs_left ${fresh.abs_left}`);

	const me = await s.get('/me');
	assert.equal(me.status, 200, me.text);
	const { session: now, ...meRest } = me.json;
	assert.deepEqual(meRest, rest);
	assert.equal(now.idle_min, 30);
	assert.ok(now.idle_left <= fresh.idle_left && now.idle_left > 29 * 60, `idle_left ${now.idle_left}`);

	const out = await s.post('/logout');
	assert.equal(out.status, 200, out.text);
	assert.deepEqual(out.json, { ok: true });
	assert.equal(await sqlInt(`SELECT count(*) FROM session WHERE token_hash =
	    sha256(convert_to(${lit(token)}, 'UTF8')) AND ended_at IS NOT NULL`), 1);

	// the jar dropped the cookie (Max-Age=0); replaying the old one is refused too
	assertError(await s.get('/me'), 401, 'unauthorized');
	const replay = new Session('applicant');
	replay.cookies.set('sid', token);
	assertError(await replay.get('/me'), 401, 'unauthorized');
});

test('every demo account logs in to its own program and gets user + org', async () => {
	const cases = [
		['applicant', DEMO_APPLICANT, '张建国', null],
		['unit', 'unit_hongda', '王丽华', { name: HONGDA, kind: 'unit', kind_name: '用人单位', region: '婺城区' }],
		['unit', 'unit_sjy', '陈明', { name: '金华市建筑设计研究院有限公司', kind: 'unit', region: '市本级' }],
		['unit', 'jh_rcjl', '人才中心经办人', { name: '金华市人才交流中心', kind: 'talent_centre' }],
		['county', 'wucheng_jsj', '婺城区建设局经办人',
		    { name: '婺城区住房和城乡建设局', kind: 'construction', kind_name: '建设主管部门', region: '婺城区' }],
		['county', 'wucheng_cpw', '婺城区初评委经办人', { kind: 'committee_junior', region: '婺城区' }],
		['county', 'yongkang_jsj', '永康市建设局经办人', { name: '永康市住房和城乡建设局', region: '永康市' }],
		['city', 'jh_zjj', '市住建局经办人',
		    { name: '金华市住房和城乡建设局', kind: 'construction', kind_name: '市住房和城乡建设局', region: '金华市' }],
		['city', 'jh_zpw', '市中评委办公室经办人', { kind: 'committee_mid', region: '金华市' }],
		['city', 'jh_cjpw', '市初级评委会经办人', { kind: 'committee_junior', region: '金华市' }],
		['hrb', 'jh_rsj', '市人社局经办人', { name: '金华市人力资源和社会保障局', kind: 'hrb', region: '金华市' }],
		['hrb', 'wucheng_rsj', '婺城区人社局经办人', { name: '婺城区人力资源和社会保障局', kind: 'hrb', region: '婺城区' }],
		['admin', 'admin', '平台管理员', { name: '职称申报评审平台运维中心', kind: 'platform' }],
	];
	const ids = new Map((await sqlRows(`SELECT username, id, coalesce(org_id, 0) FROM app_user
	    WHERE username IN (${cases.map((c) => lit(c[1])).join(', ')})`))
	    .map(([u, id, org]) => [u, [Number(id), Number(org)]]));
	assert.equal(ids.size, cases.length, 'demo accounts missing: is the stack seeded?');
	for (const [role, username, name, org] of cases) {
		const s = new Session(role);
		const r = await s.login(username);
		const [uid, oid] = ids.get(username);
		assert.equal(r.json.user.id, uid, username);
		assert.equal(r.json.user.role, role, username);
		assert.equal(r.json.user.name, name, username);
		if (org === null) {
			assert.equal(r.json.org, null, username);
		} else {
			assert.ok(r.json.org, `${username} has no org`);
			assert.equal(r.json.org.id, oid, username);
			for (const [k, v] of Object.entries(org))
				assert.equal(r.json.org[k], v, `${username} org.${k}`);
		}
		assert.equal(s.lastSetCookie.length, 1);
		assert.ok(s.lastSetCookie[0].includes(`Path=/api/${role}/`), s.lastSetCookie[0]);
		const me = await s.get('/me');
		assert.equal(me.status, 200, `${username} me: ${me.text}`);
		assert.equal(me.json.user.id, uid);
	}
});

test('an account cannot log in to another role\'s program', async () => {
	for (const [role, username] of [['county', 'unit_hongda'], ['unit', 'wucheng_jsj'],
	    ['admin', DEMO_APPLICANT], ['applicant', 'admin'], ['hrb', 'jh_zjj']]) {
		const r = await new Session(role).post('/login', { username, password: DEMO_PASSWORD });
		assertError(r, 401, 'unauthorized');
	}
});

test('an applicant session is not a session of the unit program (401)', async () => {
	const a = await loginAs('applicant', DEMO_APPLICANT);
	const sid = a.cookies.get('sid');
	assert.match(sid, /^[0-9a-f]{32}$/);
	const u = new Session('unit');
	u.cookies.set('sid', sid);
	u.csrf = a.csrf;
	assertError(await u.get('/me'), 401, 'unauthorized');
	assertError(await u.get('/worklist'), 401, 'unauthorized');
	assertError(await u.post('/applications/1/move', { action: 'pass', step: 2, text: 'x' }),
	    401, 'unauthorized');
	// and the applicant session itself is still fine
	assert.equal((await a.get('/me')).status, 200);
});

test('register field errors are 400 invalid_field with the field, and insert nothing', async () => {
	const good = () => ({ idcard: idcard(), name: '王小明', mobile: mobile(), password: `Good-${tag()}1` });
	const first17 = `330702${'19900230'}123`;
	const badDate = first17 + idcardCheck(first17);
	const nextYear = new Date().getUTCFullYear() + 1;
	const f17 = `330702${nextYear}0101123`;
	const futureBirth = f17 + idcardCheck(f17);
	// tomorrow in China (UTC+8): this year, but still not born yet
	const tomorrow = new Date(Date.now() + (8 + 24) * 3600000).toISOString().slice(0, 10).replaceAll('-', '');
	const t17 = `330702${tomorrow}123`;
	const bornTomorrow = t17 + idcardCheck(t17);
	const cases = [
		['bad check digit', { idcard: idcardBadCheck() }, 'idcard'],
		['bad birth date (Feb 30)', { idcard: badDate }, 'idcard'],
		['birth date in the future', { idcard: futureBirth }, 'idcard'],
		['birth date tomorrow', { idcard: bornTomorrow }, 'idcard'],
		['17 characters', { idcard: idcard().slice(0, 17) }, 'idcard'],
		['bad mobile (12…)', { mobile: '12345678901' }, 'mobile'],
		['bad mobile (10 digits)', { mobile: '1395790002' }, 'mobile'],
		['bad mobile (letters)', { mobile: '1395790002a' }, 'mobile'],
		['weak password (lower case only)', { password: 'abcdefghij' }, 'password'],
		['weak password (two classes)', { password: 'Abcdefghij' }, 'password'],
		['short password', { password: 'Ab1!' }, 'password'],
		['name with digits', { name: '张三3' }, 'name'],
		['one-character name', { name: '张' }, 'name'],
		['idcard as a number', { idcard: 330702199001010015 }, 'idcard'],
	];
	const before = await userCount();
	const tried = [];
	for (const [what, patch, field] of cases) {
		const body = { ...good(), ...patch };
		const r = await new Session('applicant').post('/register', body);
		assert.equal(r.status, 400, `${what}: ${r.text}`);
		assertError(r, 400, 'invalid_field', field);
		tried.push(String(body.idcard));
	}
	for (const missing of ['idcard', 'name', 'mobile', 'password']) {
		const body = good();
		delete body[missing];
		const r = await new Session('applicant').post('/register', body);
		assert.equal(r.status, 400, `missing ${missing}: ${r.text}`);
		assertError(r, 400, 'invalid_field', missing);
		if (body.idcard)
			tried.push(body.idcard);
	}
	assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE username IN (${tried.map(lit).join(', ')})
	    OR idcard IN (${tried.map(lit).join(', ')})`), 0, 'a refused registration inserted its user');
	assert.equal(await userCount(), before, 'a refused registration inserted a user');
});

test('a 身份证号 registered twice is 409 conflict', async () => {
	const who = await registerApplicant();
	const before = await userCount();
	const r = await new Session('applicant').post('/register',
	    { idcard: who.idcard, name: '另一个人', mobile: mobile(), password: `Other-${tag()}7` });
	// and the way out for someone whose number another registered (the first-day walk)
	assert.match(assertError(r, 409, 'conflict', 'idcard').message, /如非本人注册，请携本人身份证件联系平台管理员核实处理$/);
	assertError(await new Session('applicant').post('/register',
	    { idcard: DEMO_APPLICANT, name: '张建国', mobile: mobile(), password: `Other-${tag()}7` }),
	    409, 'conflict');
	assert.equal(await userCount(), before);
	assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE idcard = ${lit(who.idcard)}`), 1);
	// the first registration is untouched
	await loginAs('applicant', who.idcard, who.password);
});

test('a wrong 原密码 counts as a failed login: the fifth locks the account and ends its sessions (the security probe: 31 tries, no lock)', async () => {
	const who = await registerApplicant();
	const s = await loginAs('applicant', who.idcard, who.password);
	const other = await loginAs('applicant', who.idcard, who.password);
	for (let i = 1; i <= 4; i++) {
		const e = assertError(await s.post('/password', { old: `Wrong-${i}-Pass`, new: 'New-Passw0rd-2026' }),
		    400, 'invalid_field', 'old');
		assert.equal(e.message, '原密码不正确');
		// (counted for the addresses it was signed in from: this one, sql/074)
		assert.equal(await sqlInt(`SELECT known_failed_logins FROM app_user WHERE idcard = ${lit(who.idcard)}`), i);
	}
	const fifth = assertError(await s.post('/password', { old: 'Wrong-5-Pass', new: 'New-Passw0rd-2026' }), 423, 'locked');
	assert.match(fifth.message, /原密码连续输错 5 次，账号已锁定 \d+ 分钟/);
	// every session of it ends, this one too; the right password waits for the lock
	assertError(await s.get('/me'), 401, 'unauthorized');
	assertError(await other.get('/me'), 401, 'unauthorized');
	assertError(await new Session('applicant').post('/login', { username: who.idcard, password: who.password }), 423, 'locked');
	assert.equal(await sql(`SELECT a.action FROM audit_log a JOIN app_user u ON u.id = a.target_id
	    WHERE a.target_type = 'user' AND u.idcard = ${lit(who.idcard)} ORDER BY a.id DESC LIMIT 1`), 'login_locked');
});

test('five wrong passwords lock the account; then even the right one is 423', async () => {
	const who = await registerApplicant();
	const s = new Session('applicant');
	for (let i = 1; i <= 4; i++) {
		const r = await s.post('/login', { username: who.idcard, password: `Wrong-${i}-Pass` });
		assertError(r, 401, 'unauthorized');
		assert.equal(await sqlInt(`SELECT failed_logins FROM app_user WHERE idcard = ${lit(who.idcard)}`), i);
	}
	const fifth = await s.post('/login', { username: who.idcard, password: 'Wrong-5-Pass' });
	const e5 = assertError(fifth, 423, 'locked');
	assert.match(e5.message, /锁定/);
	assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE idcard = ${lit(who.idcard)}
	    AND locked_until > now() + interval '29 minutes'`), 1, 'locked for 30 minutes');

	const right = await s.post('/login', { username: who.idcard, password: who.password });
	const e = assertError(right, 423, 'locked');
	assert.match(e.message, /锁定/);
	assert.equal(s.cookies.size, 0, 'no session cookie while locked');
	assert.equal(await sqlInt(`SELECT count(*) FROM session s JOIN app_user u ON u.id = s.user_id
	    WHERE u.idcard = ${lit(who.idcard)}`), 0);
	const audits = await sqlRows(`SELECT a.action FROM audit_log a JOIN app_user u ON u.id = a.target_id
	    WHERE a.target_type = 'user' AND u.idcard = ${lit(who.idcard)} AND a.action LIKE 'login%'
	    ORDER BY a.id`);
	assert.deepEqual(audits.map((r) => r[0]),
	    ['login_failed', 'login_failed', 'login_failed', 'login_failed', 'login_locked']);
});

test('a lock that has run out lets the right password in and resets the counter', async () => {
	const who = await registerApplicant();
	await sql(`UPDATE app_user SET locked_until = now() - interval '1 second', failed_logins = 0
	    WHERE idcard = ${lit(who.idcard)}`);
	const s = await loginAs('applicant', who.idcard, who.password);
	assert.equal((await s.get('/me')).status, 200);
	assert.deepEqual(await sqlRows(`SELECT failed_logins, locked_until IS NULL FROM app_user
	    WHERE idcard = ${lit(who.idcard)}`), [['0', 't']]);
});

// (predictable department usernames: five requests every half hour kept a county's clerks out)
test('five wrong passwords from elsewhere do not lock the owner out where they signed in lately; theirs lock there', async () => {
	const who = await registerApplicant();
	const id = await sqlInt(`SELECT id FROM app_user WHERE idcard = ${lit(who.idcard)}`);
	const login = (password) => new Session('applicant').post('/login', { username: who.idcard, password });
	const lock = () => sqlRows(`SELECT coalesce(locked_until > now(), false), coalesce(known_locked_until > now(), false)
	    FROM app_user WHERE id = ${id}`);
	await (await loginAs('applicant', who.idcard, who.password)).post('/logout');
	assert.deepEqual(await sqlRows(`SELECT ip FROM login_address WHERE user_id = ${id}`), [['127.0.0.1']]);
	// the owner's desk is elsewhere: this address (the tests') is a stranger's
	await sql(`UPDATE login_address SET ip = '203.0.113.7' WHERE user_id = ${id}`);
	for (let i = 1; i <= 4; i++)
		assertError(await login(`Wrong-${i}-Pass`), 401, 'unauthorized');
	assertError(await login('Wrong-5-Pass'), 423, 'locked');
	assertError(await login(who.password), 423, 'locked');
	assert.deepEqual(await lock(), [['t', 'f']]);
	// at the owner's desk (an address signed in from in the last 30 days: not only at the last
	// sign-in, which purges the older sessions) the password goes through; the stranger's lock stays
	await sql(`INSERT INTO login_address (user_id, ip) VALUES (${id}, '127.0.0.1')`);
	const s = await loginAs('applicant', who.idcard, who.password);
	assert.equal((await s.get('/me')).status, 200);
	assert.deepEqual(await lock(), [['t', 'f']]);
	assert.equal(await sqlInt(`SELECT count(*) FROM login_address WHERE user_id = ${id}`), 2, 'both desks known');
	// five wrong ones at the desk lock the desk, as before
	for (let i = 1; i <= 4; i++)
		assertError(await login(`Wrong-${i}-Pass`), 401, 'unauthorized');
	assertError(await login('Wrong-5-Pass'), 423, 'locked');
	assertError(await login(who.password), 423, 'locked');
	assert.deepEqual(await lock(), [['t', 't']]);
	// a sign-in older than 30 days makes no address known, and is forgotten at the next one
	await sql(`UPDATE login_address SET last_ok_at = now() - interval '31 days' WHERE user_id = ${id}`);
	await sql(`UPDATE app_user SET locked_until = NULL, failed_logins = 0 WHERE id = ${id}`);
	const far = await login(who.password);
	assert.equal(far.status, 200, far.text);
	assert.deepEqual(await sqlRows(`SELECT ip, last_ok_at > now() - interval '1 minute' FROM login_address
	    WHERE user_id = ${id}`), [['127.0.0.1', 't']]);
	// from a stranger's address the owner proved the password: both counts are clear
	assert.deepEqual(await lock(), [['f', 'f']]);
});

test('sessions die after 30 idle minutes and after 12 hours in any case', async () => {
	const idle = await loginAs('applicant', DEMO_APPLICANT);
	const abs = await loginAs('applicant', DEMO_APPLICANT);
	const live = await loginAs('applicant', DEMO_APPLICANT);
	const where = (s) => `token_hash = sha256(convert_to(${lit(s.cookies.get('sid'))}, 'UTF8'))`;
	await sql(`UPDATE session SET last_seen = now() - interval '31 minutes' WHERE ${where(idle)}`);
	await sql(`UPDATE session SET created_at = now() - interval '12 hours 1 minute',
	    last_seen = now() - interval '1 minute' WHERE ${where(abs)}`);
	await sql(`UPDATE session SET created_at = now() - interval '11 hours 50 minutes',
	    last_seen = now() - interval '29 minutes' WHERE ${where(live)}`);
	assertError(await idle.get('/me'), 401, 'unauthorized');
	assertError(await abs.get('/me'), 401, 'unauthorized');
	const me = await live.get('/me');
	assert.equal(me.status, 200);
	// this request counts as activity (30 idle minutes again), but the 12 hours end first
	assert.ok(me.json.session.abs_left > 9 * 60 && me.json.session.abs_left <= 10 * 60, me.text);
	assert.equal(me.json.session.idle_left, me.json.session.abs_left);
	const recent = await loginAs('applicant', DEMO_APPLICANT);
	await sql(`UPDATE session SET last_seen = now() - interval '20 seconds' WHERE ${where(recent)}`);
	const left = (await recent.get('/me')).json.session.idle_left;
	assert.ok(left >= 29 * 60 + 30 && left <= 29 * 60 + 40, `idle_left ${left} after 20 s`);
	const old = await loginAs('applicant', DEMO_APPLICANT);
	await sql(`UPDATE session SET last_seen = now() - interval '25 minutes' WHERE ${where(old)}`);
	assert.ok((await old.get('/me')).json.session.idle_left > 29 * 60, 'the request itself counts');
	// a request moves last_seen forward
	assert.equal(await sqlInt(`SELECT count(*) FROM session WHERE ${where(live)}
	    AND last_seen > now() - interval '1 minute'`), 1);
});

/*
 * A worker keeps the sessions it looked up (lib/session.c) and checks one in
 * the first round trip of a GET instead of looking it up first: a session
 * ended, expired or changed since, whichever worker kept it, is never served
 * from memory. Sixteen requests a step reach every worker of a program.
 */
test('a session a worker kept: changed, ended or expired since, no worker serves it so', async () => {
	const who = await registerApplicant();
	const a = await loginAs('applicant', who.idcard, who.password);
	const where = (s) => `token_hash = sha256(convert_to(${lit(s.cookies.get('sid'))}, 'UTF8'))`;
	const each = async (s, path) => Promise.all([...Array(16)].map(() => s.get(path)));
	for (const r of await each(a, '/applications'))
		assert.equal(r.status, 200, r.text);
	// idle for 31 minutes: 401 from every worker
	await sql(`UPDATE session SET last_seen = now() - interval '31 minutes' WHERE ${where(a)}`);
	for (const r of [...await each(a, '/applications'), ...await each(a, '/me')])
		assertError(r, 401, 'unauthorized');
	// a department's clerk (the check with the organisation): ended elsewhere
	const c = await loginAs('county', 'wucheng_jsj');
	for (const r of await each(c, '/worklist'))
		assert.equal(r.status, 200, r.text);
	await sql(`UPDATE session SET ended_at = now() WHERE ${where(c)}`);
	for (const r of [...await each(c, '/worklist'), ...await each(c, '/me')])
		assertError(r, 401, 'unauthorized');
	// what the workers kept of a unit's clerk changes: its unit not approved
	// (yet), then a one-time password; each answers so, then the work again
	const u = await loginAs('unit', 'unit_hongda');
	for (const r of await each(u, '/worklist'))
		assert.equal(r.status, 200, r.text);
	const org = await sqlInt(`SELECT org_id FROM app_user WHERE username = 'unit_hongda'`);
	try {
		await sql(`UPDATE org SET status = 'pending' WHERE id = ${org}`);
		for (const r of await each(u, '/worklist'))
			assertError(r, 403, 'forbidden');
		await sql(`UPDATE org SET status = 'approved' WHERE id = ${org}`);
		await sql(`UPDATE app_user SET must_change_password = true WHERE username = 'unit_hongda'`);
		for (const r of await each(u, '/worklist'))
			assertError(r, 403, 'password_change_required');
	} finally {
		await sql(`UPDATE org SET status = 'approved' WHERE id = ${org}`);
		await sql(`UPDATE app_user SET must_change_password = false WHERE username = 'unit_hongda'`);
	}
	for (const r of await each(u, '/worklist'))
		assert.equal(r.status, 200, r.text);
});

test('after a password change the new password works and the old one fails', async () => {
	const who = await registerApplicant();
	const a = await loginAs('applicant', who.idcard, who.password);
	const b = await loginAs('applicant', who.idcard, who.password);
	const nw = `New-${tag()}!x`;

	assertError(await a.post('/password', { old: who.password, new: nw }, { csrf: false }), 403, 'csrf');
	assertError(await a.post('/password', { old: 'Not-The-Old-1', new: nw }), 400, 'invalid_field', 'old');
	assertError(await a.post('/password', { old: who.password, new: 'weakweakweak' }), 400, 'invalid_field', 'new');
	assertError(await a.post('/password', { old: who.password, new: who.password }), 400, 'invalid_field', 'new');
	const hash0 = await sql(`SELECT password_hash FROM app_user WHERE idcard = ${lit(who.idcard)}`);

	const r = await a.post('/password', { old: who.password, new: nw });
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json, { ok: true });
	const hash1 = await sql(`SELECT password_hash FROM app_user WHERE idcard = ${lit(who.idcard)}`);
	assert.notEqual(hash1, hash0);
	assert.ok(hash1.startsWith('$y$'));

	// the session that changed it lives on; the other sessions are ended
	assert.equal((await a.get('/me')).status, 200);
	assertError(await b.get('/me'), 401, 'unauthorized');

	const fresh = await loginAs('applicant', who.idcard, nw);
	assert.equal((await fresh.get('/me')).status, 200);
	assertError(await new Session('applicant').post('/login', { username: who.idcard, password: who.password }),
	    401, 'unauthorized');
});

test('CSRF: logout needs the session\'s token', async () => {
	const s = await loginAs('applicant', DEMO_APPLICANT);
	assertError(await s.post('/logout', undefined, { csrf: false }), 403, 'csrf');
	assertError(await s.post('/logout', undefined, { csrf: 'f'.repeat(32) }), 403, 'csrf');
	assertError(await s.post('/logout', undefined, { csrf: '' }), 403, 'csrf');
	// a token of another live session is not this session's token
	const other = await loginAs('applicant', DEMO_APPLICANT);
	assertError(await s.post('/logout', undefined, { csrf: other.csrf }), 403, 'csrf');
	assert.equal((await s.get('/me')).status, 200, 'refused logouts must not end the session');

	const ok = await s.post('/logout');
	assert.equal(ok.status, 200, ok.text);
	assertError(await s.get('/me'), 401, 'unauthorized');
	assert.equal((await other.get('/me')).status, 200, 'logout ends only its own session');
});

test('CSRF: login and register from another origin are 403 csrf', async () => {
	const before = await sessionCount();
	const evil = await new Session('applicant').post('/login',
	    { username: DEMO_APPLICANT, password: DEMO_PASSWORD }, { headers: { Origin: 'http://evil.example' } });
	assertError(evil, 403, 'csrf');
	const site = await new Session('unit').post('/login',
	    { username: 'unit_hongda', password: DEMO_PASSWORD }, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
	assertError(site, 403, 'csrf');
	assert.equal(await sessionCount(), before, 'a cross-site login created a session');

	const who = { idcard: idcard(), name: '赵六', mobile: mobile(), password: `Evil-${tag()}1` };
	assertError(await new Session('applicant').post('/register', who,
	    { headers: { Origin: 'http://evil.example' } }), 403, 'csrf');
	assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE idcard = ${lit(who.idcard)}`), 0);
});

test('CSRF: a login from the portal\'s own origin is accepted', async () => {
	// Browsers send Origin on every POST, same-origin ones too, with the port.
	const origin = new URL(BASE).origin;
	const own = await new Session('applicant').post('/login',
	    { username: DEMO_APPLICANT, password: DEMO_PASSWORD },
	    { headers: { Origin: origin, 'Sec-Fetch-Site': 'same-origin' } });
	assert.equal(own.status, 200, `login with Origin: ${origin}: ${own.text}`);
});

test('login with an unknown user or wrong password is 401 and says nothing more', async () => {
	const a = await new Session('applicant').post('/login', { username: idcard(), password: 'Whatever-1' });
	const e = assertError(a, 401, 'unauthorized');
	assert.doesNotMatch(e.message, /不存在/);
	assertError(await new Session('unit').post('/login', { username: 'unit_hongda' }), 400, 'invalid_field', 'password');
});

test('a wrong password and an unknown account get the same answer until the lock', async () => {
	const who = await registerApplicant();
	const body = (e) => ({ status: e.status, json: e.json });
	const known = await new Session('applicant').post('/login', { username: who.idcard, password: 'Wrong-1-Pass' });
	const unknown = await new Session('applicant').post('/login', { username: idcard(), password: 'Wrong-1-Pass' });
	assertError(known, 401, 'unauthorized', 'password');
	assert.deepEqual(body(known), body(unknown), 'the answers tell a registered 身份证号 from another');
	assert.doesNotMatch(known.json.error.message, /再输错/);
	// the rule is still stated, to everyone
	assert.match(unknown.json.error.message, /5 次.*锁定 30 分钟/);
	// and stays the same after more failures, up to the lock
	for (let i = 2; i <= 4; i++) {
		const k = await new Session('applicant').post('/login', { username: who.idcard, password: `Wrong-${i}-Pass` });
		assert.deepEqual(body(k), body(unknown), `after ${i} failures`);
	}
	const locked = await new Session('applicant').post('/login', { username: who.idcard, password: 'Wrong-5-Pass' });
	assert.match(assertError(locked, 423, 'locked').message, /锁定/);
});

test('an applicant registered with a final X (typed x) logs in typing x', async () => {
	let id;
	do
		id = idcard();
	while (id[17] !== 'X');
	// typed in lower case at registration too: stored with X
	const who = { idcard: id.slice(0, 17) + 'x', name: '钱小五', mobile: mobile(), password: `Pw-${tag()}A1` };
	assert.equal((await new Session('applicant').post('/register', who)).status, 201);
	assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE username = ${lit(id)} AND idcard = ${lit(id)}`), 1);
	assertError(await new Session('applicant').post('/register', { ...who, idcard: id }), 409, 'conflict', 'idcard');
	const s = await loginAs('applicant', id.slice(0, 17) + 'x', who.password);
	const uid = await sqlInt(`SELECT id FROM app_user WHERE username = ${lit(id)}`);
	assert.equal(s.me.user.id, uid);
	// a wrong password typed with x counts against the same account
	assertError(await new Session('applicant').post('/login', { username: id.slice(0, 17) + 'x', password: 'Wrong-1-Pass' }),
	    401, 'unauthorized');
	// (from the address it was just signed in from: counted as such, sql/074)
	assert.equal(await sqlInt(`SELECT known_failed_logins FROM app_user WHERE id = ${uid}`), 1);
	// only the applicants' 身份证号 are read this way: other usernames stay exact
	assertError(await new Session('unit').post('/login', { username: 'UNIT_HONGDA', password: DEMO_PASSWORD }),
	    401, 'unauthorized');
});

/* POST a JSON body to a program from a source address of our own (127.a.b.c): the limits are
 * per address */
function postFrom(ip, p, body) {
	const u = new URL(`${BASE}${p}`);
	const data = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
			localAddress: ip, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } },
		(res) => {
			let text = '';
			res.setEncoding('utf8').on('data', (d) => { text += d; })
				.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text || 'null'), text }));
		});
		req.on('error', reject);
		req.end(data);
	});
}

test('failed logins from one address are limited per hour (then 429, the right password too); other addresses are not', async () => {
	const max = Number(readFileSync(path.join(VAR, 'portal.conf'), 'utf8').match(/^login_failures_per_ip_hour = (\d+)$/m)[1]);
	const who = await registerApplicant();
	const ip = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
	await sql(`INSERT INTO register_attempt (ip, what) SELECT ${lit(ip)}, 'login' FROM generate_series(1, ${max - 2})`);
	// a name that is no account counts, and a wrong password: the second is the last allowed
	assert.equal((await postFrom(ip, '/api/applicant/login', { username: idcard(), password: 'Wrong-1-Pass' })).status, 401);
	assert.equal((await postFrom(ip, '/api/applicant/login', { username: who.idcard, password: 'Wrong-2-Pass' })).status, 401);
	for (const password of ['Wrong-3-Pass', who.password]) {
		const r = await postFrom(ip, '/api/applicant/login', { username: who.idcard, password });
		assert.equal(r.status, 429, r.text);
		assert.equal(r.json.error.message, `本网络地址一小时内失败的登录尝试已达 ${max} 次，请一小时后再试`);
	}
	assert.equal(await sqlInt(`SELECT failed_logins FROM app_user WHERE idcard = ${lit(who.idcard)}`), 1,
	    'refused before the account is looked at');
	await loginAs('applicant', who.idcard, who.password);
	await sql(`DELETE FROM register_attempt WHERE ip = ${lit(ip)}`);
});
