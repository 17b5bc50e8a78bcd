// A platform that runs itself (issue 8): units register with their 授权委托书
// and the operator approves them; a unit's administrator keeps its clerks'
// accounts; units confirm or refuse the people who chose them; the operator
// issues departments' accounts, publishes plans (amendments once people
// applied), keeps the calendar and reads the audit log; everyone can reset a
// forgotten password with a code sent to the mobile on file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	DEMO_APPLICANT, DEMO_PASSWORD, HONGDA, Psql, Session, VAR, assertError, firstLoginAs, holding, lit, lockWaiters, loginAs, raw,
	retire, scratchDir, sql, sqlInt, sqlRows, tag,
} from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import {
	SJY, afterCleanup, completeProfile, newApplicant, newApplication, newOrg, newOrgUser, newUscc, putProfile,
	tinyPdf, uploadPdf,
} from './applicant-fixtures.mjs';
import { usccCheckChar as usccCheck } from '../../www/common/validators.js';

after(afterCleanup);

const WUCHENG = 330702;
let admin, WUCHENG_ID;
before(async () => {
	admin = await loginAs('admin', 'admin');
	WUCHENG_ID = await regionId(WUCHENG);
});

/* What PostgreSQL logged while fn ran: the new end of its log (it writes an
 * error's line before the client hears of it). Returns [fn's result, text]. */
async function pgLogDuring(fn) {
	const file = path.join(VAR, 'log', 'postgres.log');
	const size = () => (existsSync(file) ? statSync(file).size : 0);
	const from = size();
	const out = await fn();
	return [out, size() > from ? readFileSync(file).subarray(from).toString('utf8') : ''];
}

async function regionId(code) {
	return sqlInt(`SELECT id FROM region WHERE code = '${code}'`);
}

/* POST /api/unit/register as a browser's form would send it. */
async function registerUnit(fields = {}, file = tinyPdf('授权委托书'), filename = '授权委托书.pdf', { twice = false } = {}) {
	const username = `u${tag()}`.slice(0, 30);
	const all = { name: `测试注册${tag()}建设有限公司`, uscc: newUscc(), kind: 'unit', ownership: 'private',
		region_id: String(await regionId(WUCHENG)), supervisor: '婺城区住房和城乡建设局', contact_name: '李经办',
		contact_mobile: '13957901234', username, password: DEMO_PASSWORD, ...fields };
	const form = new FormData();
	for (const [k, v] of Object.entries(all))
		if (v !== undefined)
			form.append(k, v);
	for (let i = 0; i < (twice ? 2 : 1) && file; i++)
		form.append('authorization', new Blob([file], { type: 'application/pdf' }), filename);
	const r = await new Session('unit').request('POST', '/register', { body: form, headers: { 'Content-Type': null } });
	return { r, ...all };
}

describe('a unit registers itself', () => {
	let reg, unit;

	test('a wrong check character of the 统一社会信用代码 is 400 on field uscc; nothing stored', async () => {
		const good = newUscc();
		const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
		const n = await sqlInt('SELECT count(*) FROM org');
		const { r } = await registerUnit({ uscc: bad });
		assertError(r, 400, 'invalid_field', 'uscc');
		// right check characters, impossible codes: all zeros, department 0, kind 9 of 市场监管, division 000000
		for (const body of ['00000000000000000', '00330702MA2812345', '99330702MA2812345', '91000000MA2812345'])
			assertError((await registerUnit({ uscc: body + usccCheck(body) })).r, 400, 'invalid_field', 'uscc');
		assert.equal(await sqlInt('SELECT count(*) FROM org'), n);
	});

	test('the 授权委托书 is checked by content; the form by its rules', async () => {
		assertError((await registerUnit({}, Buffer.from('<html>not a pdf</html>'), 'x.pdf')).r, 400, 'invalid_field',
		    'authorization');
		assertError((await registerUnit({}, null)).r, 400, 'invalid_field', 'authorization');
		// the scan twice: the error names the form's field (it once said "file")
		assertError((await registerUnit({}, undefined, undefined, { twice: true })).r, 400, 'duplicate_field',
		    'authorization');
		assertError((await registerUnit({ ownership: 'communist' })).r, 400, 'invalid_field', 'ownership');
		assertError((await registerUnit({ region_id: String(await regionId('330700')) })).r, 400, 'invalid_field',
		    'region_id');
		assertError((await registerUnit({ affiliation: 'bureau' })).r, 400, 'invalid_field', 'affiliation');
		assertError((await registerUnit({ password: 'short' })).r, 400, 'invalid_field', 'password');
		// a 事业单位 says whether it is 参照公务员管理 (the notice's chains leave those out)
		const civil = await registerUnit({ ownership: 'institution', affiliation: 'civil_service' });
		assert.equal(civil.r.status, 201, civil.r.text);
		assert.equal(await sql(`SELECT affiliation FROM org WHERE id = ${civil.r.json.org_id}`), 'civil_service');
		assertError((await registerUnit({ ownership: 'institution', affiliation: 'ministry' })).r, 400, 'invalid_field',
		    'affiliation');
		// 局属 and 市本级直属 are 市本级's (金华市本级（含金华双龙风景旅游区）直属事业单位): not a county's
		for (const affiliation of ['bureau', 'city_direct']) {
			const e = assertError((await registerUnit({ ownership: 'institution', affiliation })).r, 400,
			    'invalid_field', 'affiliation');
			assert.match(e.message, /所在地区应为“市本级”（含金华双龙风景旅游区）/);
			const city = await registerUnit({ ownership: 'institution', affiliation,
				region_id: String(await sqlInt(`SELECT id FROM region WHERE code = '330700-sbj'`)) });
			assert.equal(city.r.status, 201, city.r.text);
		}
	});

	test('registered: 201 pending; the same code again is 409', async () => {
		reg = await registerUnit();
		assert.equal(reg.r.status, 201, reg.r.text);
		assert.equal(reg.r.json.status, 'pending');
		// known without a failed statement: nothing in PostgreSQL's log (it was an ERROR line each time)
		const [dup, logged] = await pgLogDuring(async () => (await registerUnit({ uscc: reg.uscc })).r);
		assertError(dup, 409, 'conflict', 'uscc');
		assert.match(dup.json.error.message, /该统一社会信用代码已注册/);
		assert.doesNotMatch(logged, /ERROR|org_uscc_key/, `postgres.log: ${logged}`);
		// and a taken login name the same way
		const [taken, logged2] = await pgLogDuring(async () => (await registerUnit({ username: reg.username })).r);
		assertError(taken, 409, 'conflict', 'username');
		assert.doesNotMatch(logged2, /ERROR|app_user_username_key/, `postgres.log: ${logged2}`);
		assert.equal(await sql(`SELECT status || '|' || kind FROM org WHERE id = ${reg.r.json.org_id}`), 'pending|unit');
	});

	test('the form\'s counties are public (GET reference is not, before approval); a 3 MB scan passes nginx', async () => {
		const regions = await raw('GET', '/api/unit/regions');
		assert.equal(regions.status, 200, regions.text);
		const names = regions.json.items.map((x) => x.name);
		assert.ok(names.includes('婺城区') && names.includes('市本级'));
		assert.ok(!names.includes('金华市'), 'the city is not a county');
		assert.equal(regions.json.items.find((x) => x.name === '婺城区').id, await regionId(WUCHENG));
		const big = Buffer.concat([Buffer.from('%PDF-1.4\n%'), Buffer.alloc(3 * 1024 * 1024, 0x61), Buffer.from('\n'),
			tinyPdf('扫描件')]);
		const { r } = await registerUnit({}, big);
		assert.equal(r.status, 201, r.text);
		assert.equal(await sqlInt(`SELECT u.size FROM org o JOIN upload u ON u.id = o.authorization_id
		    WHERE o.id = ${r.json.org_id}`), big.length);
	});

	test('until approved the account sees only its registration; applicants cannot choose it', async () => {
		unit = await loginAs('unit', reg.username);
		assert.equal(unit.me.org.status, 'pending');
		assert.equal(unit.me.org.admin, true);
		// the registration's row names who registered (the operator's probe: 操作人 was empty)
		assert.deepEqual(await sqlRows(`SELECT actor_user_id, actor_org_id, actor_role FROM audit_log
		    WHERE action = 'unit_register' AND target_id = ${reg.r.json.org_id}`),
		[[String(unit.me.user.id), String(reg.r.json.org_id), 'unit']]);
		const g = await unit.get('/registration');
		assert.equal(g.status, 200, g.text);
		assert.equal(g.json.registration.status, 'pending');
		assert.equal((await unit.get(g.json.registration.authorization.url.replace('/api/unit', ''))).status, 200);
		for (const p of ['/worklist', '/archive', '/people', '/operators', '/publicity'])
			assertError(await unit.get(p), 403, 'forbidden');
		const a = await newApplicant();
		assertError(await a.s.request('PUT', '/profile', { json: { custody: 'unit', unit_id: reg.r.json.org_id } }),
		    400, 'invalid_field', 'unit_id');
	});

	test('the operator sees it with its scan, the code\'s check and namesakes; rejects it with a reason', async () => {
		const q = await admin.get('/registrations');
		const it = q.json.items.find((x) => x.id === reg.r.json.org_id);
		assert.ok(it, 'not in the queue');
		assert.equal(it.uscc_valid, true);
		assert.equal(it.contact.username, reg.username);
		assert.deepEqual(it.same_name, []);
		const scan = await admin.get(it.authorization.url.replace('/api/admin', ''));
		assert.equal(scan.status, 200);
		assert.equal(scan.headers.get('content-type'), 'application/pdf');
		assertError(await admin.post(`/registrations/${it.id}/reject`, {}), 400, 'invalid_field', 'reason');
		assert.equal((await admin.post(`/registrations/${it.id}/reject`, { reason: '授权委托书未加盖公章' })).status, 200);
		assertError(await admin.post(`/registrations/${it.id}/approve`, {}), 409, 'conflict');
		const sms = await sql(`SELECT body FROM notification n JOIN app_user u ON u.id = n.user_id
		    WHERE u.username = '${reg.username}' ORDER BY n.id DESC LIMIT 1`);
		assert.match(sms, /未通过平台审核，理由：授权委托书未加盖公章/);
		// and the audit row keeps the reason
		assert.equal(await sql(`SELECT detail->>'reason' FROM audit_log WHERE action = 'registration_reject'
		    AND target_id = ${it.id} ORDER BY id DESC LIMIT 1`), '授权委托书未加盖公章');
	});

	test('rejected: it corrects and resubmits; approved: it works, and applicants can choose it', async () => {
		assertError(await unit.get('/worklist'), 403, 'forbidden');
		assert.equal((await unit.get('/registration')).json.registration.reject_reason, '授权委托书未加盖公章');
		const form = new FormData();
		for (const [k, v] of Object.entries({ name: reg.name, uscc: reg.uscc, kind: 'unit', ownership: 'private',
			region_id: reg.region_id, supervisor: reg.supervisor }))
			form.append(k, v);
		form.append('authorization', new Blob([tinyPdf('盖章版')], { type: 'application/pdf' }), '授权委托书（盖章）.pdf');
		// another organisation's code: 409, found without a failed statement
		const taken = new FormData();
		for (const [k, v] of form.entries())
			taken.append(k, k === 'uscc' ? await sql(`SELECT uscc FROM org WHERE name = '金华宏达建设工程有限公司'`) : v);
		const [dup, logged] = await pgLogDuring(() => unit.request('POST', '/registration', { body: taken,
			headers: { 'Content-Type': null } }));
		assertError(dup, 409, 'conflict', 'uscc');
		assert.doesNotMatch(logged, /ERROR|org_uscc_key/, `postgres.log: ${logged}`);
		const again = await unit.request('POST', '/registration', { body: form, headers: { 'Content-Type': null } });
		assert.equal(again.status, 200, again.text);
		assert.equal(again.json.registration.status, 'pending');
		// the operator reads the refusal it answers, and that nothing but the scan changed
		let it = (await admin.get('/registrations')).json.items.find((x) => x.id === reg.r.json.org_id);
		assert.equal(it.previous.reason, '授权委托书未加盖公章');
		assert.match(it.previous.rejected_at, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
		assert.equal(it.previous.fields, null);
		assert.equal(it.previous.recorded, true);
		// one made before the portal kept what it changed (the diff's review: it read "only the scan")
		await sql(`INSERT INTO audit_log (action, target_type, target_id, detail)
		    VALUES ('unit_reregister', 'org', ${it.id}, NULL)`);
		const old = (await admin.get('/registrations')).json.items.find((x) => x.id === it.id).previous;
		assert.deepEqual([old.fields, old.recorded], [null, false]);
		// refused again, and corrected: what changed, as it was and as it is
		assert.equal((await admin.post(`/registrations/${it.id}/reject`, { reason: '主管部门填写有误' })).status, 200);
		form.set('supervisor', '金华市婺城区住房和城乡建设局');
		form.set('authorization', new Blob([tinyPdf('盖章版二')], { type: 'application/pdf' }), '授权委托书（盖章）.pdf');
		assert.equal((await unit.request('POST', '/registration', { body: form, headers: { 'Content-Type': null } })).status, 200);
		it = (await admin.get('/registrations')).json.items.find((x) => x.id === reg.r.json.org_id);
		assert.deepEqual({ ...it.previous, rejected_at: undefined }, { rejected_at: undefined, reason: '主管部门填写有误',
			fields: '主管部门', before: `主管部门：${reg.supervisor}`, after: '主管部门：金华市婺城区住房和城乡建设局', recorded: true });
		reg.supervisor = '金华市婺城区住房和城乡建设局';	// (the tests after read it)
		assert.equal((await admin.post(`/registrations/${reg.r.json.org_id}/approve`, {})).status, 200);
		assert.equal((await admin.get('/registrations?status=all')).json.items.find((x) => x.id === it.id).previous, null,
		    'an approved one has none: its status says it');
		const sms = await sql(`SELECT body FROM notification n JOIN app_user u ON u.id = n.user_id
		    WHERE u.username = '${reg.username}' ORDER BY n.id DESC LIMIT 1`);
		assert.match(sms, /注册已通过平台审核/);
		assert.equal((await unit.get('/worklist')).status, 200);
		const a = await newApplicant();
		assert.equal((await a.s.request('PUT', '/profile', { json: { custody: 'unit', unit_id: reg.r.json.org_id } })).status,
		    200);
	});

	test('a registration under the name of a unit already approved cannot be approved (it only warned)', async () => {
		// registered while the first was pending, or before a second clerk was told to ask its administrator
		// its name as a probe typed it: a zero-width space inside, a space after (a form's part,
		// which was not trimmed): what is seen of it is the name
		const twin = await registerUnit({ name: `${reg.name.slice(0, 4)}\u200b${reg.name.slice(4)}\u2060 ` });
		assert.equal(twin.r.status, 201, twin.r.text);
		assert.equal(await sql(`SELECT name FROM org WHERE id = ${twin.r.json.org_id}`), reg.name);
		const it = (await admin.get('/registrations')).json.items.find((x) => x.id === twin.r.json.org_id);
		assert.deepEqual(it.same_name.map((d) => [d.id, d.status]), [[reg.r.json.org_id, 'approved']]);
		const e = assertError(await admin.post(`/registrations/${it.id}/approve`, {}), 409, 'conflict');
		assert.match(e.message, /已有通过审核的同名单位（婺城区）：同一单位不能注册两次/);
		assert.equal(await sql(`SELECT status FROM org WHERE id = ${it.id}`), 'pending');
		assert.equal((await admin.post(`/registrations/${it.id}/reject`, { reason: '重复注册，请联系本单位管理员' })).status, 200);
	});

	test('approved, its details are corrected by the operator with a reason: told to its clerks, audited', async () => {
		const id = reg.r.json.org_id;
		const body = { name: `${reg.name}（更名）`, uscc: newUscc(), ownership: 'institution', affiliation: 'city_direct',
			region_id: await sqlInt(`SELECT id FROM region WHERE code = '330700-sbj'`), supervisor: '金华市住房和城乡建设局',
			reason: '单位更名，凭市场监管部门变更通知更正' };
		// 市本级直属 is 市本级's, not a county's
		assertError(await admin.request('PUT', `/registrations/${id}`, { json: { ...body, region_id: Number(reg.region_id) } }),
		    400, 'invalid_field', 'affiliation');
		// checked as on registration; a 隶属关系 is a 事业单位's; a code of another organisation is 409
		assertError(await admin.request('PUT', `/registrations/${id}`, { json: { ...body, reason: '' } }), 400, 'invalid_field', 'reason');
		assertError(await admin.request('PUT', `/registrations/${id}`, { json: { ...body, uscc: '91330702MA28X0000X' } }),
		    400, 'invalid_field', 'uscc');
		assertError(await admin.request('PUT', `/registrations/${id}`, { json: { ...body, ownership: 'private' } }),
		    400, 'invalid_field', 'affiliation');
		assertError(await admin.request('PUT', `/registrations/${id}`,
		    { json: { ...body, region_id: await sqlInt('SELECT id FROM region WHERE level = \'city\' LIMIT 1') } }),
		    400, 'invalid_field', 'region_id');
		assertError(await admin.request('PUT', `/registrations/${id}`,
		    { json: { ...body, uscc: await sql(`SELECT uscc FROM org WHERE name = '金华宏达建设工程有限公司'`) } }),
		    409, 'conflict', 'uscc');
		// nor renamed onto a name in use (the clerk's-week walk: applicants then saw two 金华宏达…)
		const twin = assertError(await admin.request('PUT', `/registrations/${id}`, { json: { ...body, name: '金华宏达建设工程有限公司' } }),
		    409, 'conflict', 'name');
		assert.equal(twin.message, '平台中已有名为“金华宏达建设工程有限公司”的单位或部门（婺城区），请核对单位名称');
		assertError(await admin.request('PUT', '/registrations/999999999', { json: body }), 404, 'not_found');
		const r = await admin.request('PUT', `/registrations/${id}`, { json: body });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.changed, ['单位名称', '统一社会信用代码', '单位性质', '隶属关系', '所在地区', '主管部门']);
		const g = (await unit.get('/registration')).json.registration;
		assert.deepEqual([g.name, g.uscc, g.ownership, g.affiliation, g.supervisor, g.status],
		    [body.name, body.uscc, 'institution', 'city_direct', body.supervisor, 'approved']);
		assert.equal((await unit.get('/me')).json.org.name, body.name);
		const sms = await sql(`SELECT body FROM notification n JOIN app_user u ON u.id = n.user_id
		    WHERE u.username = '${reg.username}' ORDER BY n.id DESC LIMIT 1`);
		assert.equal(sms, `【职称申报】平台已更正${body.name}的单位信息（单位名称、统一社会信用代码、单位性质、隶属关系、所在地区、主管部门），`
		    + `理由：${body.reason}。此前的申报按原办理渠道继续办理。`);
		assert.deepEqual(await sqlRows(`SELECT detail->>'fields', detail->>'reason' FROM audit_log
		    WHERE action = 'registration_amend' AND target_id = ${id} ORDER BY id DESC LIMIT 1`),
		    [['单位名称、统一社会信用代码、单位性质、隶属关系、所在地区、主管部门', body.reason]]);
		// what it was called, and under which code it vouched for its people, stays readable (the
		// operator's probe: the old name and code were kept nowhere)
		const row = (await admin.get(`/audit?action=registration_amend&target_type=org&target_id=${id}`)).json.items[0];
		const said = Object.fromEntries(row.details.map((d) => [d.label, d.text]));
		assert.equal(said.更正前, `单位名称：${reg.name}；统一社会信用代码：${reg.uscc}；单位性质：非公企业；隶属关系：无；`
		    + `所在地区：婺城区；主管部门：${reg.supervisor}`);
		assert.equal(said.更正后, `单位名称：${body.name}；统一社会信用代码：${body.uscc}；单位性质：事业单位；`
		    + `隶属关系：市本级直属事业单位；所在地区：${await sql(`SELECT name FROM region WHERE id = ${body.region_id}`)}；`
		    + `主管部门：${body.supervisor}`);
		// the same again changes nothing, and tells nobody
		const n = await sqlInt(`SELECT count(*) FROM notification n JOIN app_user u ON u.id = n.user_id
		    WHERE u.username = '${reg.username}'`);
		assert.deepEqual((await admin.request('PUT', `/registrations/${id}`, { json: body })).json.changed, []);
		assert.equal(await sqlInt(`SELECT count(*) FROM notification n JOIN app_user u ON u.id = n.user_id
		    WHERE u.username = '${reg.username}'`), n);
		// back to what it was (a company, no 隶属关系), for the tests after
		const back = await admin.request('PUT', `/registrations/${id}`, { json: { ...body, name: reg.name, uscc: reg.uscc,
			ownership: 'private', affiliation: 'none', region_id: Number(reg.region_id), supervisor: reg.supervisor } });
		assert.deepEqual(back.json.changed, ['单位名称', '统一社会信用代码', '单位性质', '隶属关系', '所在地区', '主管部门']);
	});

	test('a registration waiting or refused is not corrected (409): the operator decides it, or the unit resubmits', async () => {
		const waiting = await registerUnit();
		const body = { name: waiting.name, uscc: waiting.uscc, ownership: 'private', region_id: Number(waiting.region_id),
			supervisor: waiting.supervisor, reason: '更正' };
		const e = assertError(await admin.request('PUT', `/registrations/${waiting.r.json.org_id}`, { json: body }),
		    409, 'conflict');
		assert.match(e.message, /尚待审核/);
		// nor approved as 市本级直属 or 局属 when it is a county's
		const inst = await registerUnit({ ownership: 'institution' });
		const bad = assertError(await admin.post(`/registrations/${inst.r.json.org_id}/approve`, { affiliation: 'city_direct' }),
		    400, 'invalid_field', 'affiliation');
		assert.match(bad.message, /市本级/);
		// nor with one registered before that was checked, when none is chosen now
		await sql(`UPDATE org SET affiliation = 'bureau' WHERE id = ${inst.r.json.org_id}`);
		assertError(await admin.post(`/registrations/${inst.r.json.org_id}/approve`, {}), 400, 'invalid_field', 'affiliation');
		assert.equal(await sql(`SELECT status FROM org WHERE id = ${inst.r.json.org_id}`), 'pending');
		// and a department is not a registration
		assertError(await admin.request('PUT', `/registrations/${await sqlInt(`SELECT id FROM org WHERE kind = 'construction' LIMIT 1`)}`,
		    { json: body }), 404, 'not_found');
	});

	test('the administrator keeps the clerks: add, disable, enable, reset; a clerk cannot', async () => {
		const add = await unit.post('/operators', { username: `c${tag()}`.slice(0, 30), name: '赵经办', mobile: '13957905678' });
		assert.equal(add.status, 201, add.text);
		assert.match(add.json.password, /^[A-Za-z2-9]{16}$/);
		const uname = (await unit.get('/operators')).json.items.find((o) => o.id === add.json.id).username;
		// the password shown once is the administrator's choice: the clerk's first login replaces it
		const clerk = await firstLoginAs('unit', uname, add.json.password);
		// the registration page links the unit's 授权委托书 for every clerk: it opens (it was once 404
		// for all but the one who uploaded it), and for no other unit
		const scan = (await clerk.get('/registration')).json.registration.authorization.url.replace('/api/unit', '');
		assert.equal((await clerk.get(scan)).status, 200);
		assertError(await (await loginAs('unit', 'unit_hongda')).get(scan), 404, 'not_found');
		assertError(await clerk.get('/operators'), 403, 'forbidden');
		assertError(await clerk.post(`/operators/${unit.me.user.id}/disable`), 403, 'forbidden');
		assertError(await unit.post(`/operators/${unit.me.user.id}/disable`), 409, 'conflict');
		assert.equal((await unit.post(`/operators/${add.json.id}/disable`)).status, 200);
		assertError(await clerk.get('/me'), 401, 'unauthorized');
		assertError(await new Session('unit').post('/login', { username: uname, password: add.json.password }),
		    401, 'unauthorized');
		assert.equal((await unit.post(`/operators/${add.json.id}/enable`)).status, 200);
		const reset = await unit.post(`/operators/${add.json.id}/reset`);
		assert.equal(reset.status, 200);
		assertError(await new Session('unit').post('/login', { username: uname, password: add.json.password }),
		    401, 'unauthorized');
		const again = await loginAs('unit', uname, reset.json.password);
		assert.equal(again.me.user.must_change_password, true, 'a reset password is one-time too');
		assertError(await again.get('/registration'), 403, 'password_change_required');
		// another unit's clerk is out of reach
		const hongda = await loginAs('unit', 'unit_hongda');
		assertError(await hongda.post(`/operators/${add.json.id}/disable`), 404, 'not_found');
	});
});

describe('人员: the unit confirms or refuses the people who chose it', () => {
	let a, hongda, draft;

	before(async () => {
		a = await newApplicant();
		hongda = await loginAs('unit', 'unit_hongda');
		await a.s.request('PUT', '/profile', { json: await completeProfile() });
		// made while the unit had not yet decided (pending does not hold an application back)
		draft = (await newApplication(a.s)).application.id;
	});

	test('a choice asks the unit: pending; the unit refuses with a reason', async () => {
		const p = (await a.s.get('/profile')).json.profile;
		assert.equal(p.binding.status, 'pending');
		const list = await hongda.get('/people');
		assert.ok(list.json.items.some((x) => x.id === a.id && x.status === 'pending'));
		assertError(await hongda.post(`/people/${a.id}/refuse`, {}), 400, 'invalid_field', 'reason');
		assert.equal((await hongda.post(`/people/${a.id}/refuse`, { reason: '查无此人' })).status, 200);
		const b = (await a.s.get('/profile')).json.profile.binding;
		assert.deepEqual([b.status, b.reason], ['refused', '查无此人']);
		assert.equal(await sql(`SELECT detail->>'reason' FROM audit_log WHERE action = 'person_refuse'
		    AND target_id = ${a.id} ORDER BY id DESC LIMIT 1`), '查无此人');
	});

	test('refused: no archive item and no application goes to that unit', async () => {
		const item = await a.s.post('/archive', { kind: 'project', title: '某项目', attachments: [] });
		assertError(item, 400, 'invalid_field', 'kind');
		assert.match(item.json.error.message, /查无此人/);
		const plan = await sqlInt(`SELECT id FROM plan WHERE level = 'mid' AND name NOT LIKE 'test plan%' ORDER BY id LIMIT 1`);
		assertError(await a.s.post('/applications', { plan_id: plan }), 400, 'invalid_field', 'profile');
		// nor the draft made before: its check says so, and its submission is refused with it
		const refusal = '金华宏达建设工程有限公司未确认您的人员信息（理由：查无此人），本申报不能提交；'
		    + '请在“个人基本信息”中重新选择现工作单位';
		const g = (await a.s.get(`/applications/${draft}`)).json;
		assert.deepEqual(g.check[0], { step: 0, field: 'profile', message: refusal });
		const sub = await a.s.post(`/applications/${draft}/submit`);
		assertError(sub, 400, 'invalid_field', 'check');
		assert.deepEqual(sub.json.check[0], { step: 0, field: 'profile', message: refusal });
		assert.equal((await a.s.get(`/applications/${draft}`)).json.application.state, 'draft');
	});

	test('choosing again asks again; confirmed, it goes on; another unit cannot decide', async () => {
		await putProfile(a.s, await completeProfile());
		assert.equal((await a.s.get('/profile')).json.profile.binding.status, 'pending');
		assert.ok(!(await a.s.get(`/applications/${draft}`)).json.check.some((c) => /未确认您的人员信息/.test(c.message)));
		const sjy = await loginAs('unit', 'unit_sjy');
		assertError(await sjy.post(`/people/${a.id}/confirm`), 404, 'not_found');
		assert.equal((await hongda.post(`/people/${a.id}/confirm`)).status, 200);
		assertError(await hongda.post(`/people/${a.id}/confirm`), 409, 'conflict');
		assert.equal((await a.s.get('/profile')).json.profile.binding.status, 'confirmed');
		assert.equal((await a.s.post('/archive', { kind: 'project', title: '某项目', attachments: [] })).status, 201);
		assert.match(await sql(`SELECT body FROM notification WHERE user_id = ${a.id} ORDER BY id DESC LIMIT 1`),
		    /已确认您为本单位人员/);
	});

	// the static analysis: a reason of 500 字 was cut at 1 200 bytes inside a character, and
	// the SMS's insert failed (500); a message quoting it lost its instruction
	test('a refusal of 500 字 is said whole: the SMS (one 。), the archive\'s refusal with what to do', async () => {
		const b = await newApplicant();
		await b.s.request('PUT', '/profile', { json: await completeProfile() });
		const reason = '经核实该人员未与本单位签订劳动合同'.repeat(30).slice(0, 499) + '。';
		assert.equal([...reason].length, 500);
		const r = await hongda.post(`/people/${b.id}/refuse`, { reason });
		assert.equal(r.status, 200, r.text);
		assert.equal(await sql(`SELECT body FROM notification WHERE user_id = ${b.id} ORDER BY id DESC LIMIT 1`),
		    `【职称申报】金华宏达建设工程有限公司未确认您为本单位人员，理由：${reason}`
		    + '请登录平台在“个人基本信息”中重新选择现工作单位。');
		const item = await b.s.post('/archive', { kind: 'project', title: '某项目', attachments: [] });
		assertError(item, 400, 'invalid_field', 'kind');
		assert.equal(item.json.error.message, `金华宏达建设工程有限公司未确认您的人员信息（理由：${reason}），`
		    + '请在“个人基本信息”中重新选择现工作单位（或人才交流中心）');
		// the operator's audit log, on the page and in the export (cut, the xlsx was not XML)
		const admin = await loginAs('admin', 'admin');
		const q = `action=person_refuse&target_type=user&target_id=${b.id}`;
		const row = (await admin.get(`/audit?${q}`)).json.items[0];
		assert.equal(row.details.find((d) => d.key === 'reason').text, reason);
		// whom it was about, by name (an applicant's account without its 身份证号 username)
		assert.equal(row.target_name, b.name);
		const res = await fetch(admin.url(`/audit.xlsx?${q}`), { headers: { Cookie: admin.cookieHeader() } });
		assert.equal(res.status, 200);
		const file = path.join(scratchDir('audit-'), 'a.xlsx');
		writeFileSync(file, Buffer.from(await res.arrayBuffer()));
		const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		assert.ok(strings.includes(`理由：${reason}`), 'the export has the whole reason');
		assert.ok(strings.includes(`<t>${b.name}</t>`), 'the export names whom the row is about');
		assert.ok(Buffer.from(strings, 'utf8').toString('utf8') === strings && !strings.includes('\ufffd'));
	});

	test('a refused person\'s pending archive items leave the unit; they go to the unit chosen next', async () => {
		const b = await newApplicant();
		await putProfile(b.s, await completeProfile());
		const item = await b.s.post('/archive', { kind: 'project', title: '拒绝前提交的业绩', attachments: [] });
		assert.equal(item.status, 201, item.text);
		const id = item.json.item.id;
		const pendingAt = async (s) => (await s.get('/archive?status=pending')).json.items.some((x) => x.id === id);
		assert.ok(await pendingAt(hongda));
		assert.equal((await hongda.post(`/people/${b.id}/refuse`, { reason: '非本单位职工' })).status, 200);
		assert.ok(!(await pendingAt(hongda)));
		const r = await hongda.post(`/archive/${id}/review`, { action: 'approve' });
		assertError(r, 409, 'conflict');
		assert.match(r.json.error.message, /已拒绝确认该人员/);
		// another unit chosen: the item is that unit's to review; the refusing one still cannot
		const sjy = await loginAs('unit', 'unit_sjy');
		await putProfile(b.s, await completeProfile({ unit_id: await sqlInt(`SELECT id FROM org WHERE name = '${SJY}'`) }));
		assert.ok(await pendingAt(sjy));
		assertError(await hongda.post(`/archive/${id}/review`, { action: 'approve' }), 404, 'not_found');
		// the unit left sees that the person chose another, and decides nothing for them
		const row = (await hongda.get('/people?status=all')).json.items.find((x) => x.id === b.id);
		assert.deepEqual([row.status, row.current], ['refused', false]);
		const e = assertError(await hongda.post(`/people/${b.id}/confirm`), 409, 'conflict');
		assert.equal(e.message, '该人员已改选其他单位，无需再确认或拒绝');
		assert.ok((await sjy.get('/people')).json.items.some((x) => x.id === b.id && x.current));
		// not confirmed yet: the list says so, and approving the item confirms the person on the
		// record (a unit vouches for the 业绩 of its own people only; the security probe found a
		// unit approving for someone it never confirmed)
		assert.equal((await sjy.get('/archive')).json.items.find((x) => x.id === id).owner_confirmed, false);
		const ok = await sjy.post(`/archive/${id}/review`, { action: 'approve' });
		assert.equal(ok.status, 200, ok.text);
		assert.equal(ok.json.person_confirmed, true);
		assert.equal((await b.s.get('/archive')).json.items.find((x) => x.id === id).status, 'approved');
		assert.equal(await sql(`SELECT status FROM person_binding WHERE user_id = ${b.id}
		    AND org_id = (SELECT id FROM org WHERE name = '${SJY}')`), 'confirmed');
		assert.equal(await sql(`SELECT action FROM audit_log WHERE target_type = 'user' AND target_id = ${b.id}
		    ORDER BY id DESC LIMIT 1`), 'person_confirm');
		assert.match(await sql(`SELECT body FROM notification WHERE user_id = ${b.id} ORDER BY id DESC LIMIT 1`),
		    /已确认您为本单位人员；您的业绩档案[^《]+《拒绝前提交的业绩》已通过单位审核/);
		// a second item of a person confirmed: approved alone
		const more = await b.s.post('/archive', { kind: 'project', title: '确认后提交的业绩', attachments: [] });
		const again = await sjy.post(`/archive/${more.json.item.id}/review`, { action: 'approve' });
		assert.equal(again.json.person_confirmed, false);
	});

	test('a person refused while their 业绩 is being approved: the approval sees the refusal (409)', async () => {
		const c = await newApplicant();
		await putProfile(c.s, await completeProfile());
		const item = await c.s.post('/archive', { kind: 'project', title: '审核时被拒绝的人员的业绩', attachments: [] });
		assert.equal(item.status, 201, item.text);
		const org = await sqlInt(`SELECT id FROM org WHERE name = '${HONGDA}'`);
		// the refusal in a transaction of its own that holds for a moment, as 人员's would
		const refusing = await holding(`UPDATE person_binding SET status = 'refused', reason = '非本单位职工',
		    decided_at = now() WHERE user_id = ${c.id} AND org_id = ${org}`);
		const r = await hongda.post(`/archive/${item.json.item.id}/review`, { action: 'approve' });
		await refusing.done;
		assertError(r, 409, 'conflict');
		assert.match(r.json.error.message, /已拒绝确认该人员/);
		assert.equal(await sql(`SELECT status FROM archive_item WHERE id = ${item.json.item.id}`), 'pending');
	});
});

describe('the operator runs the platform', () => {
	test('departments and their accounts (统一分配); a clerk logs in where the department works', async () => {
		const list = await admin.get('/departments?region=' + await regionId(WUCHENG));
		assert.deepEqual(list.json.items.map((d) => d.kind).sort(), ['committee_junior', 'construction', 'hrb']);
		// where a department can be: the city first, then its counties
		assert.deepEqual(list.json.regions.slice(0, 2).map((x) => [x.name, x.level]), [['金华市', 'city'],
			['市本级', 'county']]);
		assert.ok(list.json.regions.some((x) => x.id === WUCHENG_ID && x.name === '婺城区'));
		const jsj = list.json.items.find((d) => d.kind === 'construction');
		assertError(await admin.post('/departments', { kind: 'construction', region_id: await regionId(WUCHENG),
			name: '重复的建设局' }), 409, 'conflict', 'kind');
		assertError(await admin.post('/departments', { kind: 'committee_mid', region_id: await regionId(WUCHENG),
			name: '县级中评委' }), 400, 'invalid_field', 'kind');
		const username = `w${tag()}`.slice(0, 30);
		const acct = await admin.post(`/departments/${jsj.id}/accounts`, { username, name: '新经办人' });
		assert.equal(acct.status, 201, acct.text);
		const clerk = await loginAs('county', username, acct.json.password);
		assert.equal(clerk.me.org.name, jsj.name);
		// the operator's choice: the first login must set the clerk's own before any work
		assert.equal(clerk.me.user.must_change_password, true);
		assertError(await clerk.get('/worklist'), 403, 'password_change_required');
		assertError(await new Session('city').post('/login', { username, password: acct.json.password }), 401, 'unauthorized');
		const reset = await admin.post(`/accounts/${acct.json.id}/reset`);
		assertError(await clerk.get('/me'), 401, 'unauthorized');
		assert.equal((await loginAs('county', username, reset.json.password)).me.user.must_change_password, true);
		assert.equal((await admin.post(`/accounts/${acct.json.id}/disable`)).status, 200);
		assertError(await new Session('county').post('/login', { username, password: reset.json.password }), 401, 'unauthorized');
		// the operator's own account is not among those it manages
		assertError(await admin.post(`/accounts/${admin.me.user.id}/reset`), 404, 'not_found');
	});

	test('plans: a draft is not shown to applicants; published, it is; after people applied, changes are amendments', async () => {
		const body = { year: 2023, name: `测试计划${tag()}`, series: '建设工程', level: 'mid', title_name: '工程师',
			pipelines: ['mid_review'], opens_on: await sql("SELECT to_char(current_date - 1, 'YYYY-MM-DD')"),
			closes_on: await sql("SELECT to_char(current_date + 10, 'YYYY-MM-DD')"), fee_recommend: 80,
			fee_review: 180, scope: '测试', requirements: '测试要求' };
		assertError(await admin.post('/plans', { ...body, pipelines: ['junior_review'] }), 400, 'invalid_field', 'pipelines');
		assertError(await admin.post('/plans', { ...body, closes_on: '2020-01-01' }), 400, 'invalid_field', 'closes_on');
		// a date that does not exist is said so, on its field
		const bad = assertError(await admin.post('/plans', { ...body, closes_on: '2099-02-30' }), 400, 'invalid_field', 'closes_on');
		assert.equal(bad.message, '申报截止日期应为有效的日期（如 2023-05-08）');
		// the fee standard (浙价费〔2002〕229号): 中级 推荐费 80 + 评审费 180, 初级 100 in all
		assertError(await admin.post('/plans', { ...body, fee_recommend: 81 }), 400, 'invalid_field', 'fee_recommend');
		assertError(await admin.post('/plans', { ...body, fee_review: 181 }), 400, 'invalid_field', 'fee_review');
		assertError(await admin.post('/plans', { ...body, level: 'junior', pipelines: ['junior_review'], title_name: '助理工程师',
			fee_recommend: 20, fee_review: 81 }), 400, 'invalid_field', 'fee_review');
		const p = await admin.post('/plans', body);
		assert.equal(p.status, 201, p.text);
		const id = p.json.plan.id;
		assert.equal(p.json.plan.status, 'draft');
		const a = await newApplicant();
		assertError(await a.s.get(`/plans/${id}`), 404, 'not_found');
		// nor do the departments' lists offer a draft
		const hongda = await loginAs('unit', 'unit_hongda');
		assert.ok(!(await hongda.get('/reference')).json.plans.some((x) => x.id === id), 'a draft in the reference');
		// before anyone applied: corrected freely
		let e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, fee_review: 170, publish: true } });
		assert.equal(e.status, 200, e.text);
		assert.equal(e.json.plan.status, 'published');
		assert.equal(e.json.plan.amendment_list.length, 0);
		assert.ok((await hongda.get('/reference')).json.plans.some((x) => x.id === id), 'published, in the reference');
		// what applicants were shown is not taken back
		assertError(await admin.request('PUT', `/plans/${id}`, { json: { ...body, fee_review: 170, publish: false } }),
		    409, 'conflict', 'publish');
		await putProfile(a.s, await completeProfile());
		await sql(`UPDATE person_binding SET status = 'confirmed' WHERE user_id = ${a.id}`);
		assert.equal((await a.s.post('/applications', { plan_id: id })).status, 201);
		// now: the chain is fixed; a fee or window change needs a reason and shows as an amendment
		assertError(await admin.request('PUT', `/plans/${id}`, { json: { ...body, fee_review: 170, level: 'mid',
			pipelines: ['mid_review', 'mid_assess'] } }), 409, 'conflict', 'pipelines');
		assertError(await admin.request('PUT', `/plans/${id}`, { json: { ...body } }), 400, 'invalid_field', 'reason');
		e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, fee_review: 150,
			closes_on: await sql("SELECT to_char(current_date + 20, 'YYYY-MM-DD')"), reason: '延长申报期' } });
		assert.equal(e.status, 200, e.text);
		const seen = (await a.s.get(`/plans/${id}`)).json.plan;
		assert.deepEqual(seen.amendment_list.map((m) => m.field).sort(), ['申报截止日期', '评审费（元）'].sort());
		assert.ok(seen.amendment_list.every((m) => m.reason === '延长申报期'));
		assert.equal(seen.fee.review, 150);
		assert.deepEqual(seen.amendment_list.find((m) => m.field === '评审费（元）').old, '170');
		// the audit row says what changed and why
		const row = JSON.parse(await sql(`SELECT detail::text FROM audit_log WHERE action = 'plan_amend'
		    AND target_id = ${id} ORDER BY id DESC LIMIT 1`));
		assert.deepEqual([row.fields.sort(), row.reason], [['申报截止日期', '评审费（元）'].sort(), '延长申报期']);
	});

	test('plans: a draft made by mistake is deleted, audited; a published one, or one with fees set, is kept (409)', async () => {
		const body = { year: 2023, name: `测试删除计划${tag()}`, series: '建设工程', level: 'mid', title_name: '工程师',
			pipelines: ['mid_review'], opens_on: await sql("SELECT to_char(current_date - 1, 'YYYY-MM-DD')"),
			closes_on: await sql("SELECT to_char(current_date + 10, 'YYYY-MM-DD')"), fee_recommend: 80,
			fee_review: 180, scope: '测试', requirements: '测试要求' };
		const draft = (await admin.post('/plans', body)).json.plan.id;
		let r = await admin.request('DELETE', `/plans/${draft}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.deleted, true);
		assert.equal(await sqlInt(`SELECT count(*) FROM plan WHERE id = ${draft}`), 0);
		assertError(await admin.request('DELETE', `/plans/${draft}`), 404, 'not_found');
		const row = (await admin.get(`/audit?action=plan_delete&target_type=plan&target_id=${draft}`)).json.items[0];
		assert.deepEqual([row.action_name, row.details.find((d) => d.key === 'name').text], ['删除评审工作计划草稿', body.name]);
		// published: corrected by amendments, never taken back
		const pub = (await admin.post('/plans', { ...body, name: `${body.name}（发布）`, publish: true })).json.plan.id;
		// a plan's rows name it
		assert.equal((await admin.get(`/audit?target_type=plan&target_id=${pub}`)).json.items[0].target_name,
		    `${body.name}（发布）`);
		assertError(await admin.request('DELETE', `/plans/${pub}`), 409, 'conflict');
		// a draft a department has set its fees for stays
		const fees = (await admin.post('/plans', { ...body, name: `${body.name}（收费）` })).json.plan.id;
		await sql(`INSERT INTO fee_item (plan_id, org_id, seq, name, amount, updated_by)
		    SELECT ${fees}, o.id, 1, '评审费', 180, u.id FROM org o, app_user u
		    WHERE o.name = '婺城区住房和城乡建设局' AND u.username = 'wucheng_jsj'`);
		const refused = assertError(await admin.request('DELETE', `/plans/${fees}`), 409, 'conflict');
		assert.match(refused.message, /已有部门设定了收费/);
		assert.equal(await sqlInt(`SELECT count(*) FROM plan WHERE id IN (${pub}, ${fees})`), 2);
		await sql(`DELETE FROM fee_item WHERE plan_id = ${fees}`);
		await sql(`UPDATE plan SET opens_on = current_date - 1, closes_on = current_date - 1 WHERE id = ${pub}`);
	});

	test('plans: their 附件 (the forms the notice sends applicants to) are the operator\'s uploads, downloaded by applicants once published', async () => {
		const body = { year: 2023, name: `测试附件计划${tag()}`, series: '建设工程', level: 'mid', title_name: '工程师',
			pipelines: ['mid_review'], opens_on: await sql("SELECT to_char(current_date - 1, 'YYYY-MM-DD')"),
			closes_on: await sql("SELECT to_char(current_date + 10, 'YYYY-MM-DD')"), fee_recommend: 80,
			fee_review: 180 };
		const form = await uploadPdf(admin, '自评表与推荐表.pdf');
		const sample = await uploadPdf(admin, '工作经历表样例.pdf');
		const a = await newApplicant();
		const own = await uploadPdf(a.s, '申报人的文件.pdf');
		// what the form may name: the operator's own uploads, each once, a title of 2-60
		// characters, the kind of an application file or none
		const file = (upload_id, title = '自评表与推荐表（附件4）', kind = 'self_form') => ({ upload_id, title, kind });
		assertError(await admin.post('/plans', { ...body, files: [file(own)] }), 400, 'invalid_field', 'files');
		assertError(await admin.post('/plans', { ...body, files: [file(form), file(form, '又一次')] }), 400, 'invalid_field', 'files');
		assertError(await admin.post('/plans', { ...body, files: [file(form, ' 表 ')] }), 400, 'invalid_field', 'files');
		assertError(await admin.post('/plans', { ...body, files: [file(form, '自评表\n推荐表')] }), 400, 'invalid_field', 'files');
		assertError(await admin.post('/plans', { ...body, files: [file(form, '自评表', 'no_such_kind')] }), 400, 'invalid_field', 'files');
		assertError(await admin.post('/plans', { ...body, files: [{ upload_id: -1, title: '自评表' }] }), 400, 'invalid_field', 'files');
		assertError(await admin.post('/plans', { ...body, files: Array.from({ length: 11 }, (_, i) => file(form + i)) }),
		    400, 'invalid_field', 'files');
		const p = await admin.post('/plans', { ...body, files: [file(form), file(sample, ' 专业技术工作经历表（样例） ', 'experience')] });
		assert.equal(p.status, 201, p.text);
		const id = p.json.plan.id;
		assert.deepEqual(p.json.plan.files.map((f) => [f.id, f.title, f.kind, f.kind_name, f.name, f.type]), [
			[form, '自评表与推荐表（附件4）', 'self_form', '自评表与推荐表', '自评表与推荐表.pdf', 'application/pdf'],
			[sample, '专业技术工作经历表（样例）', 'experience', '专业技术工作经历表', '工作经历表样例.pdf', 'application/pdf'],
		]);
		// a draft's files are not the applicants' yet; another operator editing the draft reads them
		assertError(await a.s.get(`/uploads/${form}`), 404, 'not_found');
		await sql(`INSERT INTO app_user (username, name, role, org_id, password_hash)
		    SELECT 'admin_second', '第二管理员', 'admin', org_id, password_hash FROM app_user WHERE username = 'admin'
		    ON CONFLICT (username) DO UPDATE SET disabled_at = NULL`);
		assert.equal((await (await loginAs('admin', 'admin_second', DEMO_PASSWORD)).get(`/uploads/${form}`)).status, 200);
		await sql(`UPDATE app_user SET disabled_at = now() WHERE username = 'admin_second'`);
		let e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, publish: true } });
		assert.equal(e.status, 200, e.text);
		assert.equal(e.json.plan.files.length, 2, 'a form without files keeps them');
		const seen = (await a.s.get(`/plans/${id}`)).json.plan;
		assert.deepEqual(seen.files.map((f) => f.id), [form, sample]);
		const got = await a.s.get(`/uploads/${sample}?download=1`);
		assert.equal(got.status, 200);
		assert.match(got.headers.get('content-disposition'), /attachment/);
		// saved under the title applicants read, not the operator's file name
		assert.match(decodeURIComponent(got.headers.get('content-disposition')), /专业技术工作经历表（样例）\.pdf/);
		// a unit's clerk too (anyone signed in), and not another upload of the operator's
		assert.equal((await (await loginAs('unit', 'unit_hongda')).get(`/uploads/${form}`)).status, 200);
		const spare = await uploadPdf(admin, '未用的文件.pdf');
		assertError(await a.s.get(`/uploads/${spare}`), 404, 'not_found');
		// once people applied, changing the files is an amendment with a reason
		await putProfile(a.s, await completeProfile());
		await sql(`UPDATE person_binding SET status = 'confirmed' WHERE user_id = ${a.id}`);
		assert.equal((await a.s.post('/applications', { plan_id: id })).status, 201);
		assertError(await admin.request('PUT', `/plans/${id}`, { json: { ...body, files: [file(form)] } }), 400, 'invalid_field', 'reason');
		e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, files: [file(form), file(spare, '专业技术工作经历表（样例）', 'experience')],
			reason: '更换样例' } });
		assert.equal(e.status, 200, e.text);
		const m = e.json.plan.amendment_list.find((x) => x.field === '附件');
		assert.deepEqual([m.old, m.new, m.reason], ['自评表与推荐表（附件4）、专业技术工作经历表（样例）',
			'自评表与推荐表（附件4）、专业技术工作经历表（样例）（文件已更换）', '更换样例']);
		assertError(await a.s.get(`/uploads/${sample}`), 404, 'not_found');
		assert.equal((await a.s.get(`/uploads/${spare}`)).status, 200);
		// the same file tied to another application file: said so, not as a file replaced
		e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, files: [file(form), file(spare, '专业技术工作经历表（样例）', 'other')],
			reason: '调整对应材料' } });
		assert.equal(e.status, 200, e.text);
		assert.equal(e.json.plan.amendment_list.at(-1).new, '自评表与推荐表（附件4）、专业技术工作经历表（样例）（对应的申报材料已调整）');
		e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, files: [file(form), file(spare, '专业技术工作经历表（样例）', 'experience')],
			reason: '调整回原对应材料' } });
		assert.equal(e.status, 200, e.text);
		// two operators saving the form each read: the second is told the plan changed meanwhile,
		// and saves nothing (the concurrency probe: one operator's file was silently lost)
		const read = (await admin.get(`/plans/${id}`)).json.plan;
		const [s1, s2] = await Promise.all([
			admin.request('PUT', `/plans/${id}`, { json: { ...body, updated_at: read.updated_at, reason: '补充附件',
				files: [file(form), file(spare, '专业技术工作经历表（样例）', 'experience'), file(sample, '另一份样例', '')] } }),
			(await loginAs('admin', 'admin')).request('PUT', `/plans/${id}`, { json: { ...body, updated_at: read.updated_at,
				reason: '补充附件', files: [file(form), file(spare, '专业技术工作经历表（样例）', 'experience'),
					file(await uploadPdf(admin, '又一份.pdf'), '又一份样例', '')] } }),
		]);
		assert.deepEqual([s1.status, s2.status].sort(), [200, 409], `${s1.text}\n${s2.text}`);
		const lost = [s1, s2].find((x) => x.status === 409);
		assert.match(lost.json.error.message, /已被他人修改|数据已发生变化/);
		assert.equal((await admin.get(`/plans/${id}`)).json.plan.files.length, 3);
		e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, updated_at: read.updated_at, reason: '过期的表单',
			files: [file(form)] } });
		assertError(e, 409, 'conflict', 'updated_at');
		e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, reason: '恢复',
			files: [file(form), file(spare, '专业技术工作经历表（样例）', 'experience')] } });
		assert.equal(e.status, 200, e.text);
		// the same files again: nothing to amend
		e = await admin.request('PUT', `/plans/${id}`, { json: { ...body, files: [file(form), file(spare, '专业技术工作经历表（样例）', 'experience')],
			reason: '无变更' } });
		assert.equal(e.json.plan.amendment_list.length, 5);
		const row = JSON.parse(await sql(`SELECT detail::text FROM audit_log WHERE action = 'plan_amend'
		    AND target_id = ${id} ORDER BY id DESC LIMIT 1`));
		assert.deepEqual(row.fields, ['附件']);
	});

	test('a plan id past what a plan can be is no plan: 404, or the field named (not the database\'s refusal)', async () => {
		const a = await newApplicant();
		assertError(await a.s.get('/plans/99999999999'), 404, 'not_found');
		assertError(await admin.get('/plans/3000000000'), 404, 'not_found');
		assertError(await admin.request('PUT', '/plans/3000000000', { json: { year: 2023, name: '不存在的计划', series: '建设工程',
			level: 'mid', title_name: '工程师', pipelines: ['mid_review'], opens_on: '2023-01-01', closes_on: '2023-02-01',
			fee_recommend: 80, fee_review: 180 } }), 404, 'not_found');
		assertError(await a.s.post('/applications', { plan_id: 1099511627776 }), 400, 'invalid_field', 'plan_id');
		const county = await loginAs('county', 'wucheng_jsj');
		assertError(await county.get('/plans/99999999999/payments.xlsx'), 404, 'not_found');
		assertError(await county.get('/worklist?plan=3000000000'), 400, 'invalid_field', 'plan');
	});

	test('the calendar: a year imported from a text list; refused lines name the line', async () => {
		const cal = await admin.get('/calendar');
		assert.ok(cal.json.years.some((y) => y.year === 2026));
		const y = 2031;
		assertError(await admin.post(`/calendar/${y}/import`, { note: '测试', text: '2031-01-01 放 元旦' }), 400,
		    'invalid_field', 'text');
		assertError(await admin.post(`/calendar/${y}/import`, { note: '测试', text: '2030-12-31 休 跨年' }), 400,
		    'invalid_field', 'days');
		assertError(await admin.post(`/calendar/${y}/import`, { note: '测试', text: '2031-01-04 休 周六' }), 400,
		    'invalid_field', 'days');
		const r = await admin.post(`/calendar/${y}/import`, { note: '测试用年度', text:
		    '# 元旦\n2031-01-01 休 元旦\n2031-01-02 休 元旦\r\n2031-01-05 班 元旦调休上班\n' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.days.map((d) => [d.day, d.workday]), [['2031-01-01', false], ['2031-01-02', false],
			['2031-01-05', true]]);
		assert.equal(await sql("SELECT working_days('2031-01-01', '2031-01-08')"), '4');
		// two years saved by two operators at the same moment: both saved (each save rebuilds the
		// working days of every year; two at once collided, the concurrency probe)
		const other = await loginAs('admin', 'admin');
		const both = await Promise.all([
			admin.post(`/calendar/${y}/import`, { note: '测试用年度', text: '2031-01-01 休 元旦\n2031-01-02 休 元旦' }),
			other.post(`/calendar/${y + 2}/import`, { note: '测试用年度', text: '2033-01-03 休 元旦' }),
		]);
		assert.deepEqual(both.map((x) => x.status), [200, 200], both.map((x) => x.text).join('\n'));
		assert.equal(await sqlInt("SELECT count(*) FROM calendar_day WHERE day IN ('2031-01-02', '2033-01-03')"), 2);
		await sql(`DELETE FROM calendar_day WHERE extract(year FROM day) IN (${y}, ${y + 2});
		    DELETE FROM calendar_year WHERE year IN (${y}, ${y + 2})`);
	});

	test('the calendar: the audit says which days a save added, took away or changed', async () => {
		const y = 2034;
		const put = (days) => admin.request('PUT', `/calendar/${y}`, { json: { note: '审计测试', days } });
		const day = (d, workday, note) => ({ day: d, workday, note });
		// a note of 30 characters, kept whole (the editor's limit; it had been cut at 63 bytes)
		const long = '春节调休上班说明'.repeat(4).slice(0, 30);
		try {
			let r = await put([day('2034-01-02', false, '元旦'), day('2034-02-20', false, '春节')]);
			assert.equal(r.status, 200, r.text);
			r = await put([day('2034-01-02', false, '元旦'), day('2034-02-20', false, '春节（补）'),
				day('2034-02-26', true, long)]);
			assert.equal(r.status, 200, r.text);
			assert.equal(await sql(`SELECT note FROM calendar_day WHERE day = '2034-02-26'`), long);
			r = await put([day('2034-02-20', false, '春节（补）'), day('2034-02-26', true, long)]);
			assert.equal(r.status, 200, r.text);
			const rows = (await admin.get(`/audit?action=calendar_year&target_type=calendar&target_id=${y}`)).json.items;
			const said = rows.slice(0, 3).map((row) => Object.fromEntries(row.details.map((d) => [d.label, d.text])));
			assert.deepEqual([said[0].新增, said[0].删除, said[0].改动, said[0].录入天数], ['无', '2034-01-02 休（元旦）', '无', '2']);
			assert.deepEqual([said[1].新增, said[1].删除, said[1].改动],
				[`2034-02-26 班（${long}）`, '无', '2034-02-20 休（春节） → 休（春节（补））']);
			assert.equal(said[2].新增, '2034-01-02 休（元旦）、2034-02-20 休（春节）');
		} finally {
			await sql(`DELETE FROM calendar_day WHERE extract(year FROM day) = ${y}; DELETE FROM calendar_year WHERE year = ${y}`);
		}
	});

	// (the operator walk: a save moved the end of every 公示 across the days it changed, unasked)
	test('the calendar: a save that moves the end of a 公示 still standing waits for the operator to confirm how many', async () => {
		const y = 1 + await sqlInt('SELECT max(year) FROM calendar_year');
		assert.ok(y > new Date().getFullYear(), 'the seeded calendar covers this year');
		const put = (days, moves) => admin.request('PUT', `/calendar/${y}`, { json: { note: '公示测试', days,
			...(moves === undefined ? {} : { moves }) } });
		const newYear = { day: `${y}-01-01`, workday: false, note: '元旦' };
		// a 公示 of five working days from the first Monday of March: Monday to Friday
		const monday = new Date(Date.UTC(y, 2, 1 + (8 - new Date(Date.UTC(y, 2, 1)).getUTCDay()) % 7));
		const day = (k) => new Date(monday.getTime() + k * 86400000).toISOString().slice(0, 10);
		const unit = await loginAs('unit', 'unit_hongda');
		const [app] = await newDrafts(1);
		const applicant = await loginAs('applicant', DEMO_APPLICANT);
		try {
			assert.equal((await put([newYear])).status, 200);
			assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
			const passed = await unit.post(`/applications/${app}/move`, { action: 'pass', step: 2, text: '资格审查通过' });
			assert.equal(passed.status, 200, passed.text);
			await sql(`INSERT INTO publicity (application_id, step_seq, starts_on, created_by)
			    VALUES (${app}, 3, '${day(0)}', (SELECT id FROM app_user WHERE username = 'unit_hongda'))`);
			const end = () => sql(`SELECT workday_nth(starts_on, 5) FROM publicity WHERE application_id = ${app}`);
			assert.equal(await end(), day(4));
			// a holiday on its Wednesday: asked first (how many), nothing saved, nothing audited
			const audits = () => sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'calendar_year' AND target_id = ${y}`);
			const before = await audits();
			const days = [newYear, { day: day(2), workday: false, note: '测试假日' }];
			for (const moves of [undefined, 0, 2]) {
				const e = assertError(await put(days, moves), 409, 'conflict', 'moves');
				assert.match(e.message, /1 项正在进行的公示的截止日期将随之改变/);
			}
			assert.equal((await put(days)).json.moved, 1, 'how many, beside the error');
			assert.equal(await end(), day(4));
			assert.equal(await sqlInt(`SELECT count(*) FROM calendar_day WHERE day = '${day(2)}'`), 0);
			assert.equal(await audits(), before);
			assertError(await put(days, -1), 400, 'invalid_field', 'moves');
			// confirmed: the 公示 ends on the next Monday, and the audit row says one moved
			let r = await put(days, 1);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.moved, 1);
			assert.equal(await end(), day(7));
			const row = (await admin.get(`/audit?action=calendar_year&target_type=calendar&target_id=${y}`)).json.items[0];
			assert.equal(Object.fromEntries(row.details.map((d) => [d.label, d.text]))['截止日期随之改变的公示（项）'], '1');
			// the same days again move nothing; the import asks as well
			assert.equal((await put(days)).json.moved, 0);
			const text = `${y}-01-01 休 元旦`;
			assertError(await admin.post(`/calendar/${y}/import`, { note: '公示测试', text }), 409, 'conflict', 'moves');
			r = await admin.post(`/calendar/${y}/import`, { note: '公示测试', text, moves: 1 });
			assert.equal(r.status, 200, r.text);
			assert.deepEqual([r.json.moved, await end()], [1, day(4)]);
		} finally {
			await retire(`id = ${app}`);
			await sql(`DELETE FROM calendar_day WHERE extract(year FROM day) = ${y}; DELETE FROM calendar_year WHERE year = ${y}`);
		}
	});

	test('the calendar: a refused day is named by its date and its row, beside the error', async () => {
		const y = 2032;
		const put = (days) => admin.request('PUT', `/calendar/${y}`, { json: { note: '测试', days } });
		const day = (d, workday = false) => ({ day: d, workday, note: '测试' });
		// a year with no day at all would count each weekday worked
		let r = await put([]);
		assertError(r, 400, 'invalid_field', 'days');
		// 2032-01-03 is a Saturday: a holiday there says nothing new
		r = await put([day('2032-01-01'), day('2032-01-03'), day('2032-01-02')]);
		assertError(r, 400, 'invalid_field', 'days');
		assert.deepEqual([r.json.day, r.json.index], ['2032-01-03', 1]);
		assert.match(r.json.error.message, /第 2 行：2032-01-03 是周末/);
		// twice the same date, another year's date, a date that does not exist: known before the
		// database is asked (nothing in its log)
		const [dup, logged] = await pgLogDuring(() => put([day('2032-01-01'), day('2032-02-09'), day('2032-01-01')]));
		assertError(dup, 400, 'invalid_field', 'days');
		assert.deepEqual([dup.json.day, dup.json.index], ['2032-01-01', 2]);
		assert.match(dup.json.error.message, /第 3 行：日期 2032-01-01 与第 1 行重复/);
		assert.doesNotMatch(logged, /ERROR/, `postgres.log: ${logged}`);
		r = await put([day('2032-01-01'), day('2031-12-31')]);
		assert.deepEqual([r.json.day, r.json.index], ['2031-12-31', 1]);
		assert.match(r.json.error.message, /不在 2032 年内/);
		r = await put([day('2032-01-01'), day('2032-02-30')]);
		assertError(r, 400, 'invalid_field', 'days');
		assert.equal(r.json.index, 1);
		assert.match(r.json.error.message, /第 2 行：日期应为有效的日期/);
		// an imported text: the line
		const [imp, logged2] = await pgLogDuring(() => admin.post(`/calendar/${y}/import`, { note: '测试',
			text: '# 元旦\n2032-01-01 休 元旦\n2032-02-30 休 无此日\n' }));
		assertError(imp, 400, 'invalid_field', 'days');
		assert.deepEqual([imp.json.day, imp.json.index, imp.json.line], ['2032-02-30', 1, 3]);
		assert.match(imp.json.error.message, /第 3 行：2032-02-30 不是有效的日期/);
		assert.doesNotMatch(logged2, /ERROR/, `postgres.log: ${logged2}`);
		assert.equal(await sqlInt(`SELECT count(*) FROM calendar_year WHERE year = ${y}`), 0, 'nothing saved');
	});

	test('the audit log: filtered, exported, and read-only for the operator too', async () => {
		const r = await admin.get('/audit?action=registration_approve');
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.items.length > 0);
		assert.ok(r.json.items.every((i) => i.action === 'registration_approve'));
		const page = await admin.get('/audit');
		assert.equal(page.json.items.length, 50);
		const next = await admin.get(`/audit?before=${page.json.next}`);
		assert.ok(next.json.items[0].id < page.json.items.at(-1).id + 1);
		const res = await fetch(admin.url('/audit.xlsx?action=login&from=2000-01-01'), { headers: { Cookie: admin.cookieHeader() } });
		assert.equal(res.status, 200);
		const file = path.join(scratchDir('audit-'), 'a.xlsx');
		writeFileSync(file, Buffer.from(await res.arrayBuffer()));
		assert.match(execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString(), /审计日志/);
		assertError(await admin.request('DELETE', '/audit'), 405, 'method_not_allowed');
		// not even its own database role may change a row of it
		let refused = '';
		try {
			execFileSync('psql', ['-X', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', path.join(VAR, 'run/pg'), '-d', 'zcps',
				'-U', 'portal_admin', '-c', 'DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)'],
			    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		} catch (err) {
			refused = String(err.stderr);
		}
		assert.match(refused, /permission denied|append-only/);
	});

	test('the audit log: the organisation picked by name; each detail labelled in Chinese, on the page and in the export', async () => {
		// the filter's choices: organisations by a part of their name
		const orgs = await admin.get(`/audit/orgs?q=${encodeURIComponent('宏达')}`);
		assert.equal(orgs.status, 200, orgs.text);
		const hongda = orgs.json.items.find((o) => o.name === '金华宏达建设工程有限公司');
		assert.ok(hongda, orgs.text);
		assert.deepEqual([hongda.kind_name, hongda.region, hongda.status], ['用人单位', '婺城区', 'approved']);
		assert.ok(orgs.json.items.every((o) => o.name.includes('宏达')));
		const first = await admin.get('/audit/orgs');
		assert.ok(first.json.items.length > 0 && first.json.items.length <= 20);
		assert.deepEqual((await admin.get(`/audit/orgs?q=${encodeURIComponent("%' OR 1=1 --")}`)).json.items, []);
		assertError(await admin.get(`/audit/orgs?q=${'长'.repeat(51)}`), 400, 'invalid_field', 'q');
		assertError(await admin.get('/audit/orgs?org=1'), 400, 'unknown_field');
		assertError(await admin.get('/audit?from=2031-02-30'), 400, 'invalid_field', 'from');
		// a move of the chain: its detail as labelled text, the ids and codes by their names
		const [app] = await newDrafts(1);
		const applicant = await loginAs('applicant', DEMO_APPLICANT);
		assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
		await retire(`id = ${app}`);
		const moved = await admin.get(`/audit?action=submit&target_type=application&target_id=${app}`);
		assert.equal(moved.json.items.length, 1, moved.text);
		const it = moved.json.items[0];
		const text = Object.fromEntries(it.details.map((d) => [d.label, d.text]));
		assert.deepEqual(text, { 原环节: '第 1 步 个人网络申报', 转至环节: '第 2 步 单位资格审查', 原状态: '草稿', 新状态: '审查中',
			转至单位: `金华宏达建设工程有限公司（编号 ${hongda.id}）` }, JSON.stringify(it.details));
		assert.equal(it.detail.to_org, hongda.id, 'the record as written goes along');
		// the organisation's own rows only
		// (and what was done to it and to its accounts: a clerk's failed login has no actor, the
		// operator's probe found the unit's filter without it)
		const clerk = await newOrgUser(hongda.id);
		const name = await sql(`SELECT username FROM app_user WHERE id = ${clerk.userId}`);
		assertError(await new Session('unit').post('/login', { username: name, password: 'Wrong-1-Pass' }), 401, 'unauthorized');
		const byOrg = await admin.get(`/audit?org=${hongda.id}`);
		const users = new Set((await sqlRows(`SELECT id FROM app_user WHERE org_id = ${hongda.id}`)).map(([id]) => Number(id)));
		assert.ok(byOrg.json.items.length > 0 && byOrg.json.items.every((i) => i.org_id === hongda.id
		    || (i.target_type === 'org' && i.target_id === hongda.id) || (i.target_type === 'user' && users.has(i.target_id))),
		    byOrg.text);
		assert.ok(byOrg.json.items.some((i) => i.action === 'login_failed' && i.target_id === clerk.userId), byOrg.text);
		const res = await fetch(admin.url(`/audit.xlsx?action=submit&target_type=application&target_id=${app}`),
		    { headers: { Cookie: admin.cookieHeader() } });
		assert.equal(res.status, 200);
		const file = path.join(scratchDir('audit-'), 'a.xlsx');
		writeFileSync(file, Buffer.from(await res.arrayBuffer()));
		const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString();
		assert.match(strings, /原状态：草稿；新状态：审查中/);
		assert.doesNotMatch(strings, /from_state|to_org/);
		// the codes of the row by their names, on the page and in the export (sql/025)
		assert.deepEqual([it.action_name, it.target_type_name, it.role_name], ['提交申报', '申报', '申报人员']);
		for (const name of ['提交申报', '申报人员', '<t>申报</t>'])
			assert.ok(strings.includes(name), `${name} in the export: ${strings}`);
		for (const code of ['<t>submit</t>', '<t>application</t>', '<t>applicant</t>'])
			assert.ok(!strings.includes(code), `no code ${code} in the export`);
		// the applicant's username is their 身份证号: masked on the page and in the export, the
		// operator's filter by it (full) or by the applicant's id still finds the rows
		assert.equal(it.username, '3307**********0015');
		assert.ok(!strings.includes(DEMO_APPLICANT), 'no 身份证号 in the export');
		assert.ok(strings.includes('3307**********0015'));
		for (const q of [`actor=${DEMO_APPLICANT}`, `actor_id=${it.user_id}`]) {
			const mine = await admin.get(`/audit?${q}&action=submit&target_type=application&target_id=${app}`);
			assert.deepEqual(mine.json.items.map((x) => x.id), [it.id], q);
		}
	});

	test('the audit log: every key of every action\'s detail is said in Chinese', async () => {
		// (the operator's probe: 设置部门咨询电话 read "phone：…", 技术支持 "name：…；email：…")
		// both put back as they were after
		const dept = (await admin.get('/departments')).json.items[0];
		const kept = await sql('SELECT row_to_json(s) FROM support_contact s');
		try {
			const ph = await admin.request('PUT', `/departments/${dept.id}`, { json: { phone: '0579-82460000' } });
			assert.equal(ph.status, 200, ph.text);
			const put = await admin.request('PUT', '/support', { json: { name: '金华市职称平台技术支持',
				phone: '0579-82460001', email: 'zc@example.cn', hours: '工作日 8:30-17:00' } });
			assert.equal(put.status, 200, put.text);
		} finally {
			await admin.request('PUT', `/departments/${dept.id}`, { json: { phone: dept.phone || '' } });
			await sql('DELETE FROM support_contact');
			if (kept)
				await sql(`INSERT INTO support_contact SELECT * FROM json_populate_record(null::support_contact, ${lit(kept)})`);
		}
		const actions = (await sqlRows(`SELECT DISTINCT action FROM audit_log WHERE detail IS NOT NULL
		    AND detail <> '{}'::jsonb`)).map(([a]) => a);
		assert.ok(actions.includes('department_phone') && actions.includes('support_contact'), actions.join());
		for (const action of actions) {
			const r = await admin.get(`/audit?action=${action}`);
			assert.equal(r.status, 200, r.text);
			for (const it of r.json.items)
				for (const d of it.details || [])
					assert.match(d.label, /^[^A-Za-z_]+$/, `${action}: ${d.label}：${d.text}`);
		}
	});

	test('the audit log: the filters\' names of actions and object types, one list for the page', async () => {
		const r = await admin.get('/audit/labels');
		assert.equal(r.status, 200, r.text);
		const actions = Object.fromEntries(r.json.actions.map((a) => [a.value, a.label]));
		const types = Object.fromEntries(r.json.types.map((t) => [t.value, t.label]));
		assert.equal(actions.login, '登录');
		assert.deepEqual([actions.pass, actions.return, actions.reject], ['申报通过', '申报退回修改', '申报不通过']);
		assert.equal(types.application, '申报');
		assert.equal(r.json.actions[0].value, 'login', 'in the order the filter lists them');
		// every action and object type the log holds has its name
		const codes = await sqlRows(`SELECT DISTINCT 'action', action FROM audit_log
		    UNION SELECT DISTINCT 'type', target_type FROM audit_log WHERE target_type IS NOT NULL`);
		for (const [kind, code] of codes)
			assert.ok((kind === 'action' ? actions : types)[code], `${kind} ${code} has no name`);
		assertError(await admin.get('/audit/labels?x=1'), 400, 'unknown_field');
		assertError(await (await loginAs('unit', 'unit_hongda')).get('/audit/labels'), 404, 'not_found');
	});

	// the walks: a 身份证号 registered by someone else, a unit whose administrator left, a clerk
	// locked out with a new phone had nobody to turn to but the database
	test('账号查询: any account found whole by 身份证号, name or mobile; reset, disabled, a clerk made administrator', async () => {
		const a = await newApplicant();
		const masked = `${a.idcard.slice(0, 4)}**********${a.idcard.slice(-4)}`;
		for (const q of [a.idcard, a.mobile, a.name]) {
			const r = await admin.get(`/accounts?q=${encodeURIComponent(q)}`);
			assert.equal(r.status, 200, r.text);
			const it = r.json.items.find((x) => x.id === a.id);
			assert.ok(it, q);
			assert.deepEqual([it.role, it.username, it.org, it.admin, it.disabled, it.locked], ['applicant', masked, '', false, false, false]);
			assert.ok(!r.text.includes(a.idcard) && !r.text.includes(a.mobile), 'masked');
		}
		assert.deepEqual((await admin.get(`/accounts?q=${a.idcard.slice(0, 10)}`)).json.items, [], 'whole, not a part');
		// a name with a 间隔号, found however the operator's input method types the dot
		const dotted = await newApplicant({ name: `阿卜杜·${a.name.slice(1)}` });
		for (const dot of ['·', '•', '・'])
			assert.ok((await admin.get(`/accounts?q=${encodeURIComponent(`阿卜杜${dot}${a.name.slice(1)}`)}`)).json.items
			    .some((x) => x.id === dotted.id), dot);
		assert.deepEqual((await admin.get('/accounts?q=admin')).json.items, [], 'never the platform\'s');
		assertError(await admin.get('/accounts'), 400, 'invalid_field', 'q');
		// reset: one-time, handed over in person; the applicant sets their own at first login
		const reset = await admin.post(`/accounts/${a.id}/reset`);
		assert.equal(reset.status, 200, reset.text);
		assertError(await a.s.get('/me'), 401, 'unauthorized');
		// the mobile goes with it (whoever holds that phone would take the account back)
		assert.equal(await sql(`SELECT coalesce(mobile, '-') FROM app_user WHERE id = ${a.id}`), '-');
		const again = await firstLoginAs('applicant', a.idcard, reset.json.password, `Again-${tag()}A1`);
		assert.equal((await again.get('/profile')).status, 200);
		assert.equal((await admin.post(`/accounts/${a.id}/disable`)).status, 200);
		assert.equal((await admin.get(`/accounts?q=${a.idcard}`)).json.items[0].disabled, true);
		assert.equal((await admin.post(`/accounts/${a.id}/enable`)).status, 200);
		// a unit whose administrator left: another clerk becomes it, the first a clerk
		const org = await newOrg();
		const first = await newOrgUser(org.id), second = await newOrgUser(org.id);
		await sql(`UPDATE app_user SET is_org_admin = true WHERE id = ${first.userId}`);
		assertError(await admin.post(`/accounts/${a.id}/admin`), 404, 'not_found');
		assertError(await admin.post(`/accounts/${first.userId}/admin`), 409, 'conflict');
		const made = await admin.post(`/accounts/${second.userId}/admin`);
		assert.equal(made.status, 200, made.text);
		assert.deepEqual(await sqlRows(`SELECT id, is_org_admin FROM app_user WHERE org_id = ${org.id} ORDER BY id`),
		    [[String(first.userId), 'f'], [String(second.userId), 't']]);
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'account_admin' AND target_id = ${second.userId}`), 1);
		const labels = Object.fromEntries((await admin.get('/audit/labels')).json.actions.map((x) => [x.value, x.label]));
		assert.equal(labels.account_admin, '设为单位管理员');
		// a department's account is no unit's clerk
		const jsj = await sqlInt(`SELECT id FROM app_user WHERE username = 'wucheng_jsj'`);
		assertError(await admin.post(`/accounts/${jsj}/admin`), 404, 'not_found');
		// two operators naming two clerks at once: one administrator, the second named (the diff
		// review: each locked only its own clerk, and both became administrators). The one in
		// office is held so that both meet there.
		const third = await newOrgUser(org.id);
		const held = await holding(`SELECT 1 FROM app_user WHERE id = ${second.userId} FOR UPDATE`);
		const other = await loginAs('admin', 'admin');
		const [x, y] = await Promise.all([admin.post(`/accounts/${first.userId}/admin`), other.post(`/accounts/${third.userId}/admin`)]);
		await held.done;
		assert.deepEqual([x.status, y.status], [200, 200], `${x.text} ${y.text}`);
		assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE org_id = ${org.id} AND is_org_admin`), 1);
	});

	// (the operator walk: a unit whose clerk left is known by its name, not by a clerk's)
	test('账号查询: the accounts of a unit or a department found by a part of its name, its administrator first', async () => {
		const org = await newOrg();
		const clerk = await newOrgUser(org.id), head = await newOrgUser(org.id);
		await sql(`UPDATE app_user SET is_org_admin = true WHERE id = ${head.userId}`);
		const part = org.name.slice(2, -2);	// 单位<tag>有限
		const r = await admin.get(`/accounts?q=${encodeURIComponent(part)}`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.items.map((x) => [x.id, x.org, x.admin]),
		    [[head.userId, org.name, true], [clerk.userId, org.name, false]]);
		// a department's accounts too
		const found = (await admin.get(`/accounts?q=${encodeURIComponent('婺城区住房和城乡')}`)).json.items;
		assert.ok(found.some((x) => x.username === 'wucheng_jsj'), JSON.stringify(found));
		// one character is no organisation's name; the platform's accounts are never found
		assert.ok(!(await admin.get(`/accounts?q=${encodeURIComponent(part.slice(0, 1))}`)).json.items
		    .some((x) => x.id === clerk.userId));
		const platform = await sql(`SELECT name FROM org WHERE kind = 'platform' LIMIT 1`);
		assert.deepEqual((await admin.get(`/accounts?q=${encodeURIComponent(platform.slice(0, 4))}`)).json.items
		    .filter((x) => x.org === platform), []);
	});

	// (the operator's probe: a clerk who remembers the password waited 30 minutes, or got a new one)
	test('账号查询: a clerk locked by five wrong passwords is unlocked, and signs in with the same one', async () => {
		const org = await newOrg();
		const clerk = await newOrgUser(org.id);
		const username = await sql(`SELECT username FROM app_user WHERE id = ${clerk.userId}`);
		const shown = async () => (await admin.get(`/accounts?q=${username}`)).json.items.find((x) => x.id === clerk.userId);
		assertError(await admin.post(`/accounts/${clerk.userId}/unlock`), 409, 'conflict');
		const s = new Session('unit');
		for (let i = 1; i <= 5; i++)
			await s.post('/login', { username, password: `Wrong-${i}-Pass` });
		assertError(await s.post('/login', { username, password: DEMO_PASSWORD }), 423, 'locked');
		assert.equal((await shown()).locked, true);
		const r = await admin.post(`/accounts/${clerk.userId}/unlock`);
		assert.equal(r.status, 200, r.text);
		assert.equal((await shown()).locked, false);
		const back = await s.post('/login', { username, password: DEMO_PASSWORD });
		assert.equal(back.status, 200, back.text);
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action = 'account_unlock'
		    AND target_type = 'user' AND target_id = ${clerk.userId}`), 1);
		const labels = Object.fromEntries((await admin.get('/audit/labels')).json.actions.map((x) => [x.value, x.label]));
		assert.equal(labels.account_unlock, '解锁账号');
		assertError(await admin.post('/accounts/999999999/unlock'), 404, 'not_found');
		assertError(await admin.post(`/accounts/${admin.me.user.id}/unlock`), 404, 'not_found');
	});

	// (the operator's probe: a unit whose only clerk, its administrator, left had no way on but
	// handing the departed person's account, and name, to the successor)
	test('a unit whose administrator left and who had no other clerk: the successor\'s account, as its administrator', async () => {
		const org = await newOrg();
		await sql(`UPDATE org SET submitted_at = now() - interval '1 year' WHERE id = ${org.id}`);	// (registered)
		const left = await newOrgUser(org.id);
		await sql(`UPDATE app_user SET is_org_admin = true WHERE id = ${left.userId}`);
		const body = { username: `succ_${tag()}`.slice(0, 32).toLowerCase(), name: '接任经办人', mobile: '13957901234' };
		// while the administrator is at work, it is theirs to do
		const busy = assertError(await admin.post(`/registrations/${org.id}/accounts`, body), 409, 'conflict');
		assert.match(busy.message, /该单位的管理员测试经办人仍在使用账号/);
		assert.equal((await admin.post(`/accounts/${left.userId}/disable`)).status, 200);
		assert.equal((await admin.get('/registrations?status=all')).json.items.find((x) => x.id === org.id).contact.disabled, true);
		for (const [field, value] of [['username', 'Bad Name'], ['name', 'x'], ['mobile', '1234']])
			assertError(await admin.post(`/registrations/${org.id}/accounts`, { ...body, [field]: value }), 400, 'invalid_field', field);
		const made = await admin.post(`/registrations/${org.id}/accounts`, body);
		assert.equal(made.status, 201, made.text);
		assert.deepEqual(await sqlRows(`SELECT username, is_org_admin, must_change_password FROM app_user
		    WHERE org_id = ${org.id} ORDER BY id`), [[await sql(`SELECT username FROM app_user WHERE id = ${left.userId}`), 'f', 'f'],
			[body.username, 't', 't']]);
		const it = (await admin.get('/registrations?status=all')).json.items.find((x) => x.id === org.id);
		assert.deepEqual([it.contact.username, it.contact.name, it.contact.disabled], [body.username, body.name, false]);
		// their own name from the first login, and their own password before anything else
		const s = await firstLoginAs('unit', body.username, made.json.password, `Succ-${tag()}A1`);
		assert.equal((await s.get('/me')).json.user.name, '接任经办人');
		assert.equal((await s.get('/operators')).status, 200, 'the administrator keeps the clerks\' accounts');
		// one at work now: the next is theirs to open; a taken name; not a unit; not approved
		assertError(await admin.post(`/registrations/${org.id}/accounts`, { ...body, username: `x${body.username}`.slice(0, 32) }),
		    409, 'conflict');
		const jsj = await sqlInt(`SELECT org_id FROM app_user WHERE username = 'wucheng_jsj'`);
		assertError(await admin.post(`/registrations/${jsj}/accounts`, body), 404, 'not_found');
		const waiting = await newOrg({ status: 'pending' });
		assertError(await admin.post(`/registrations/${waiting.id}/accounts`, body), 409, 'conflict');
		assert.equal(await sqlInt(`SELECT count(*) FROM audit_log WHERE action IN ('account_create', 'account_admin')
		    AND target_type = 'user' AND target_id = ${made.json.id}`), 2);
	});

	// (a probe: two successors named at once were both made, the first quietly made a clerk)
	test('a successor named while another is being named: the second waits, then is refused', async () => {
		const org = await newOrg();
		const left = await newOrgUser(org.id);
		await sql(`UPDATE app_user SET is_org_admin = true, disabled_at = now() WHERE id = ${left.userId}`);
		const other = new Psql();
		try {
			// the first naming, half done: the unit's row locked, its administrator at work again
			await other.run(`BEGIN; SELECT 1 FROM org WHERE id = ${org.id} FOR UPDATE;
			    UPDATE app_user SET disabled_at = NULL WHERE id = ${left.userId}`);
			const second = admin.post(`/registrations/${org.id}/accounts`,
			    { username: `succ2_${tag()}`.slice(0, 32).toLowerCase(), name: '接任经办人', mobile: '13957901235' });
			await lockWaiters(1);
			await other.run('COMMIT');
			const e = assertError(await second, 409, 'conflict');
			assert.match(e.message, /该单位的管理员测试经办人仍在使用账号/);
			assert.equal(await sqlInt(`SELECT count(*) FROM app_user WHERE org_id = ${org.id}`), 1);
		} finally {
			other.proc?.kill();
		}
	});

	// (the operator's probe: a unit said the 12333 SMS never came; the texts were only in the database)
	test('账号查询: what was sent to an account, when, to which number (masked), and whether it went out', async () => {
		const org = await newOrg();
		const clerk = await newOrgUser(org.id);
		await sql(`UPDATE app_user SET mobile = '13957905555' WHERE id = ${clerk.userId}`);
		await sql(`INSERT INTO notification (user_id, mobile, body, status, sent_at)
		    VALUES (${clerk.userId}, '13957905555', '【职称申报】第一条', 'sent', now()),
		    (${clerk.userId}, '13957905555', '【职称申报】第二条', 'queued', NULL)`);
		const r = await admin.get(`/accounts/${clerk.userId}/messages`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.items.map((m) => [m.body, m.mobile, m.status, !!m.sent_at]),
		    [['【职称申报】第二条', '139****5555', 'queued', false], ['【职称申报】第一条', '139****5555', 'sent', true]]);
		assert.equal(r.json.more, false);
		assert.ok(!r.text.includes('13957905555'), 'the number masked');
		// never the platform's own accounts; nobody else's program reads it
		assertError(await admin.get(`/accounts/${admin.me.user.id}/messages`), 404, 'not_found');
		assertError(await admin.get('/accounts/999999999/messages'), 404, 'not_found');
		assertError(await (await loginAs('unit', 'unit_hongda')).get(`/accounts/${clerk.userId}/messages`), 404, 'not_found');
	});

	test('the operator has no route to an application or the chain', async () => {
		for (const p of ['/worklist', '/applications/1', '/applications/1/files/1', '/applications/1/form.xhtml'])
			assertError(await admin.get(p), 404, 'not_found');
		assertError(await admin.post('/applications/1/move', { action: 'pass', step: 2, text: 'x' }), 404, 'not_found');
	});
});

describe('技术支持联系方式 (the notice: 系统操作有疑问的，可咨询管理服务系统技术支持联系人)', () => {
	test('the operator enters it, checked and audited; every program shows it to anyone, no login needed', async () => {
		// the demo's contact, put back after
		const before = await sql('SELECT row_to_json(s) FROM support_contact s');
		try {
			await sql('DELETE FROM support_contact');
			for (const role of ['applicant', 'unit', 'county', 'city', 'hrb', 'admin']) {
				const r = await raw('GET', `/api/${role}/support`);
				assert.equal(r.status, 200, `${role}: ${r.text}`);
				assert.deepEqual(r.json, { contact: null }, role);
			}
			const good = { name: '平台运维服务中心', phone: '0579-82468888、12345', email: 'zcps@example.gov.cn',
				hours: '工作日 8:30-12:00、14:30-17:30' };
			// what a help desk's number is not; an address that is not one; a name of one character
			for (const [field, value] of [['phone', '请拨打客服'], ['phone', '1234'], ['phone', '0579-8246888a'],
				['email', 'zcps@'], ['email', 'zcps@example'], ['email', 'a b@example.cn'], ['email', 'x@a..cn'],
				['name', '王'], ['name', ' '], ['hours', 'x'.repeat(61)]]) {
				const e = assertError(await admin.request('PUT', '/support', { json: { ...good, [field]: value } }),
				    400, 'invalid_field', field);
				assert.match(e.message, /联系电话应为电话号码|电子邮箱格式不正确|技术支持单位或联系人|服务时间/, e.message);
			}
			assert.equal(await sqlInt('SELECT count(*) FROM support_contact'), 0, 'nothing saved by a refusal');
			// only the operator: a department's clerk cannot set it
			const county = await loginAs('county', 'wucheng_jsj');
			assert.equal((await county.request('PUT', '/support', { json: good })).status, 405);
			const put = await admin.request('PUT', '/support', { json: good });
			assert.equal(put.status, 200, put.text);
			assert.equal(put.json.contact.phone, good.phone);
			assert.match(put.json.contact.updated_at, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
			for (const role of ['applicant', 'unit', 'city']) {
				const r = await raw('GET', `/api/${role}/support`);
				assert.deepEqual({ ...r.json.contact, updated_at: undefined }, { ...good, updated_at: undefined }, role);
			}
			// saved again without the optional ones: none, not ""
			const again = await admin.request('PUT', '/support', { json: { name: '王工', phone: '12345', email: '', hours: '' } });
			assert.equal(again.status, 200, again.text);
			assert.equal(again.json.contact.email, null);
			assert.equal(again.json.contact.hours, null);
			assert.equal(await sqlInt('SELECT count(*) FROM support_contact'), 1, 'one contact, replaced');
			assert.deepEqual(await sqlRows(`SELECT detail->>'phone', detail->>'email' FROM audit_log
			    WHERE action = 'support_contact' AND actor_user_id = ${admin.me.user.id} ORDER BY id DESC LIMIT 2`),
			[['12345', ''], [good.phone, good.email]]);
			// the audit log names the action and what it was done to
			assert.equal(await sqlInt(`SELECT count(*) FROM audit_label WHERE code = 'support_contact'`), 2);
		} finally {
			await sql('DELETE FROM support_contact');
			if (before)
				await sql(`INSERT INTO support_contact SELECT * FROM json_populate_record(null::support_contact, ${lit(before)})`);
		}
	});
});

describe('忘记密码', () => {
	test('a code to the mobile on file, 5 tries, then a new password; every session ends', async () => {
		const a = await newApplicant();
		const first = await a.s.get('/me');
		assert.equal(first.status, 200);
		const f = await raw('POST', '/api/applicant/password/forgot', { headers: { 'Content-Type': 'application/json' },
		    body: JSON.stringify({ username: a.idcard }) });
		assert.equal(f.status, 200, f.text);
		const unknown = await raw('POST', '/api/applicant/password/forgot', { headers: { 'Content-Type': 'application/json' },
		    body: JSON.stringify({ username: '110101199003070011' }) });
		assert.deepEqual(unknown.json, f.json, 'an unknown account must get the same answer');
		const sms = await sql(`SELECT mobile || '|' || body FROM code_sms WHERE user_id = ${a.id} ORDER BY id DESC LIMIT 1`);
		assert.ok(sms.startsWith(`${a.mobile}|`));
		const code = sms.match(/验证码 (\d{6})/)[1];
		const reset = (body) => raw('POST', '/api/applicant/password/reset', { headers: { 'Content-Type': 'application/json' },
		    body: JSON.stringify({ username: a.idcard, password: 'New-Passw0rd', ...body }) });
		const wrong = code === '123456' ? '654321' : '123456';
		// a wrong code tells nothing an unknown account's answer does not (the diff review:
		// the tries left told in one request which 身份证号 are registered)
		const nobody = await raw('POST', '/api/applicant/password/reset', { headers: { 'Content-Type': 'application/json' },
		    body: JSON.stringify({ username: '110101199003070011', password: 'New-Passw0rd', code: wrong }) });
		for (let i = 0; i < 5; i++) {
			const e = await reset({ code: wrong });
			assertError(e, 400, 'invalid_field', 'code');
			assert.deepEqual([e.status, e.json], [nobody.status, nobody.json], `try ${i + 1}`);
		}
		// the right code, after five wrong: spent, and said as an unknown account hears it
		// (次数过多 would tell which 身份证号 was sent a code: the security probe)
		const spent = await reset({ code });
		assertError(spent, 400, 'invalid_field', 'code');
		assert.deepEqual([spent.status, spent.json], [nobody.status, nobody.json]);
		// a new code (after the one-minute pause) works
		await sql(`UPDATE sms_code SET created_at = created_at - interval '2 minutes' WHERE user_id = ${a.id}`);
		await raw('POST', '/api/applicant/password/forgot', { headers: { 'Content-Type': 'application/json' },
		    body: JSON.stringify({ username: a.idcard }) });
		const code2 = (await sql(`SELECT body FROM code_sms WHERE user_id = ${a.id} ORDER BY id DESC LIMIT 1`))
		    .match(/验证码 (\d{6})/)[1];
		const ok = await reset({ code: code2 });
		assert.equal(ok.status, 200, ok.text);
		assertError(await a.s.get('/me'), 401, 'unauthorized');
		await loginAs('applicant', a.idcard, 'New-Passw0rd');
		assertError(await reset({ code: code2 }), 400, 'invalid_field', 'code');
	});
});
