// A password someone else chose is good for one login (sql/018, lib/http.c): a clerk the
// unit's administrator adds, a department's clerk the operator makes (with a password it
// types or one made for it), a committee member the office adds, any of them after a reset,
// and the operator's own account as `stack.sh init` prints it (from-empty.test.mjs). Such a
// session gets `me`, `password` and `logout`; every other route of its program, as the
// program prints its own table (`<program> -R`, the routes marked one_time are the open
// ones), answers 403 password_change_required and writes nothing. A password of one's own
// (POST password, or 忘记密码 with a code by SMS) clears it; whoever registers chose their
// own and is never asked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	DEMO_PASSWORD, Session, assertError, lit, loginAs, mobile, raw, registerApplicant, sql, sqlInt, tag,
} from './lib.mjs';
import { fillPath, routeName, routeTable } from './routes.mjs';
import { checksums, written } from './trust.mjs';
import { newUscc, tinyPdf } from './applicant-fixtures.mjs';

const OWN = 'Mine#Pass2027';
const cleanup = [];	// [session, path]: the accounts made here are disabled at the end
let admin, hongda, office;

before(async () => {
	admin = await loginAs('admin', 'admin');
	hongda = await loginAs('unit', 'unit_hongda');
	office = await loginAs('county', 'wucheng_cpw');
});

after(async () => {
	for (const [s, p, body] of cleanup)
		await s.post(p, body);
});

const orgOf = (username) => sqlInt(`SELECT org_id FROM app_user WHERE username = ${lit(username)}`);

/* A department's clerk the operator makes: typed, its password typed by the operator, or
 * one made and shown once. { username, password, id } */
async function departmentClerk(department, typed) {
	const username = `otp${tag()}`.slice(0, 30);
	const body = { username, name: '首登经办人', mobile: mobile(), ...(typed ? { password: 'Typed#Pass2026' } : {}) };
	const r = await admin.post(`/departments/${await orgOf(department)}/accounts`, body);
	assert.equal(r.status, 201, r.text);
	cleanup.push([admin, `/accounts/${r.json.id}/disable`]);
	return { username, password: typed ? body.password : r.json.password, id: r.json.id };
}

/* Every account made by someone else, one per program that has them. */
const MADE = {
	unit: async () => {
		const username = `otp${tag()}`.slice(0, 30);
		const r = await hongda.post('/operators', { username, name: '首登经办', mobile: mobile() });
		assert.equal(r.status, 201, r.text);
		cleanup.push([hongda, `/operators/${r.json.id}/disable`]);
		return { username, password: r.json.password };
	},
	county: () => departmentClerk('wucheng_jsj', true),
	city: () => departmentClerk('jh_zpw', false),
	hrb: () => departmentClerk('jh_rsj', false),
	// the operator's own: one-time only as `stack.sh init` makes it (from-empty.test.mjs goes
	// through it); here a second operator's account flagged so, for its program's routes
	admin: async () => {
		const username = `otp_admin_${tag()}`.slice(0, 30);
		await sql(`INSERT INTO app_user (role, username, name, org_id, password_hash, must_change_password)
		    SELECT role, ${lit(username)}, '首登运维', org_id, password_hash, true FROM app_user WHERE username = 'admin'`);
		return { username, password: DEMO_PASSWORD };
	},
};

/* The route's path with every placeholder filled: the refusal comes before anything is looked up. */
const pathOf = (route) => fillPath(route.pattern, (kind, tok) => (tok ? 'a'.repeat(32) : 1));

/* Every route of the program a one-time session may not use: 403 password_change_required,
 * nothing written. Returns the number of routes asked. */
async function allRefused(s, program) {
	const failures = [];
	const before = await checksums();
	let n = 0;
	for (const route of routeTable(program)) {
		// (a page of the site's own, R_ROOT, is public: none needs a session)
		assert.ok(!route.root || route.public, `${routeName(route)}: a root page with a session: ask it here`);
		if (route.public || route.loopback || route.one_time)
			continue;
		n++;
		const r = await s.request(route.method, pathOf(route), { json: route.method === 'GET' ? undefined : {} });
		if (r.status !== 403 || r.json?.error?.code !== 'password_change_required' ||
		    !/请先修改初始密码/.test(r.json.error.message))
			failures.push(`${routeName(route)}: ${r.status} ${r.text.slice(0, 120)}`);
	}
	const diffs = await written(before, await checksums(), { refusals: true });
	assert.deepEqual(failures, []);
	assert.deepEqual(diffs, [], 'a refused request wrote');
	return n;
}

/* What a program's work starts with, once the password is the person's own. */
const WORK = { unit: '/worklist', county: '/worklist', city: '/worklist', hrb: '/worklist', admin: '/departments' };

describe('a password chosen by someone else opens the account, not the work', () => {
	for (const program of Object.keys(MADE))
		test(`${program}: only me, password and logout until the password is the person's own`, async (t) => {
			const who = await MADE[program]();
			const s = new Session(program);
			await s.login(who.username, who.password);
			assert.equal(s.me.user.must_change_password, true, 'login says so');
			t.diagnostic(`${program}: ${await allRefused(s, program)} routes refused`);
			// the routes open to it: who am I, change it
			const me = await s.get('/me');
			assert.equal(me.status, 200, me.text);
			assert.equal(me.json.user.must_change_password, true);
			assertError(await s.post('/password', { old: 'Wrong#Pass2027', new: OWN }), 400, 'invalid_field', 'old');
			assertError(await s.post('/password', { old: who.password, new: who.password }), 400, 'invalid_field', 'new');
			assertError(await s.get(WORK[program]), 403, 'password_change_required');
			assert.equal((await s.post('/password', { old: who.password, new: OWN })).status, 200);
			// the same session works now, and so does the next login
			assert.equal((await s.get('/me')).json.user.must_change_password, false);
			assert.equal((await s.get(WORK[program])).status, 200);
			assert.equal((await s.get('/reference')).status, 200);
			assert.equal((await loginAs(program, who.username, OWN)).me.user.must_change_password, false);
		});

	test('a committee member the office adds: its ballots wait for a password of its own', async (t) => {
		const username = `otp${tag()}`.slice(0, 30);
		const r = await office.post('/committee/members', { username, name: '首登委员', specialty: '建筑工程',
			employer: '浙江省建筑设计研究院', mobile: mobile() });
		assert.equal(r.status, 201, r.text);
		cleanup.push([office, `/committee/members/${r.json.id}/disable`, { disabled: true }]);
		const s = new Session('county');
		await s.login(username, r.json.password);
		assert.equal(s.me.user.must_change_password, true);
		assert.equal(s.me.user.kind, 'committee_member');
		const e = assertError(await s.get('/ballots'), 403, 'password_change_required');
		assert.match(e.message, /请先修改初始密码/);
		t.diagnostic(`county (member): ${await allRefused(s, 'county')} routes refused`);
		assert.equal((await s.post('/password', { old: r.json.password, new: OWN })).status, 200);
		assert.equal((await s.get('/ballots')).status, 200);
		// the office gives a new one: one-time again
		const reset = await office.post(`/committee/members/${r.json.id}/password`);
		assert.equal(reset.status, 200, reset.text);
		const again = await loginAs('county', username, reset.json.password);
		assert.equal(again.me.user.must_change_password, true);
		assertError(await again.get('/ballots'), 403, 'password_change_required');
	});

	test('logout is open to it', async () => {
		const who = await MADE.county();
		const s = new Session('county');
		await s.login(who.username, who.password);
		assert.equal((await s.post('/logout')).status, 200);
		assertError(await s.get('/me'), 401, 'unauthorized');
	});

	test('a reset by the operator or the unit\'s administrator is one-time; 忘记密码 by SMS sets one\'s own', async () => {
		const who = await MADE.county();
		const s = new Session('county');
		await s.login(who.username, who.password);
		assert.equal((await s.post('/password', { old: who.password, new: OWN })).status, 200);
		const reset = await admin.post(`/accounts/${who.id}/reset`);
		assert.equal(reset.status, 200, reset.text);
		const again = await loginAs('county', who.username, reset.json.password);
		assert.equal(again.me.user.must_change_password, true);
		// the clerk forgot it: a code to the mobile on file, a password of their own
		const json = (body) => ({ headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		assert.equal((await raw('POST', '/api/county/password/forgot', json({ username: who.username }))).status, 200);
		const code = (await sql(`SELECT body FROM code_sms WHERE user_id = ${who.id} ORDER BY id DESC LIMIT 1`))
		    .match(/验证码 (\d{6})/)[1];
		const ok = await raw('POST', '/api/county/password/reset', json({ username: who.username, code, password: 'Sms#Pass2027' }));
		assert.equal(ok.status, 200, ok.text);
		const mine = await loginAs('county', who.username, 'Sms#Pass2027');
		assert.equal(mine.me.user.must_change_password, false);
		assert.equal((await mine.get('/worklist')).status, 200);
		// the unit's administrator resets its clerk: one-time too
		const clerk = await MADE.unit();
		const id = (await hongda.get('/operators')).json.items.find((o) => o.username === clerk.username).id;
		const r = await hongda.post(`/operators/${id}/reset`);
		assert.equal(r.status, 200, r.text);
		assert.equal((await loginAs('unit', clerk.username, r.json.password)).me.user.must_change_password, true);
	});

	test('whoever registers chose their own password: never asked to change it', async () => {
		const a = await registerApplicant();
		const s = await loginAs('applicant', a.idcard, a.password);
		assert.equal(s.me.user.must_change_password, false);
		const username = `otp${tag()}`.slice(0, 30);
		const form = new FormData();
		for (const [k, v] of Object.entries({ name: `首登测试${tag()}有限公司`, uscc: newUscc(), kind: 'unit',
			ownership: 'private', region_id: String(await sqlInt("SELECT id FROM region WHERE code = '330702'")),
			supervisor: '婺城区住房和城乡建设局', contact_name: '李经办', contact_mobile: mobile(), username,
			password: DEMO_PASSWORD }))
			form.append(k, v);
		form.append('authorization', new Blob([tinyPdf('授权委托书')], { type: 'application/pdf' }), '授权委托书.pdf');
		const reg = await new Session('unit').request('POST', '/register', { body: form, headers: { 'Content-Type': null } });
		assert.equal(reg.status, 201, reg.text);
		const unit = await loginAs('unit', username);
		assert.equal(unit.me.user.must_change_password, false);
		// what it may see before approval is its registration, as before
		assert.equal((await unit.get('/registration')).status, 200);
	});
});
