// 评审会议 (issue 9): a committee's members and their logins, its rules, its meetings
// (agenda, attendance, recusals), the secret ballot with every refusal and its boundaries,
// the gate 'vote', 按表决结果办理 and the minutes (lib/committee.c, ballot.c, minutes.c,
// sql/013_committee.sql). The county 初评委 of 婺城区 (wucheng_cpw) holds mid_review step 7
// of the demo applicant's applications; 金东区's committee and the city's are strangers to it.
//
// Secrecy (acceptance 3): after a meeting whose two applications got the same votes from the
// same members in a different order of choices, everything any program's database role can
// read changed in the same way for both: nothing readable tells which member chose what.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	DEMO_APPLICANT, DEMO_PASSWORD, FIRST_PASSWORD, HONGDA, Session, VAR, assertError, firstLoginAs, lit, loginAs,
	holding, mobile, retire, sql, sleep, sqlInt, sqlRows, tag,
} from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import { clerk, position, walk } from './walk.mjs';
import { soon } from './committee-vote.mjs';

const ROLES = ['portal_applicant', 'portal_unit', 'portal_county', 'portal_city', 'portal_hrb', 'portal_admin'];
const NAMES = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未';
const created = [];
let named = 0;
const mine = [];	// members this suite made: disabled at the end
const setAside = [];	// members found active: put back at the end
let applicant, office, orgId;

/* n submitted applications of the demo applicant, walked to step `to` (7: the county 初评委) */
async function atStep(n, to = 7) {
	const apps = await newDrafts(n);
	created.push(...apps);
	for (const id of apps) {
		assert.equal((await applicant.post(`/applications/${id}/submit`)).status, 200);
		await walk(id, to);
	}
	return apps;
}

/* n new members of the office's committee, each logged in (their first login set the demo
 * password instead of the office's one-time one): {id, username, name, s} */
async function addMembers(s, role, n, employer = '金华市建筑设计研究院有限公司') {
	const out = [];
	for (let i = 0; i < n; i++) {
		const username = `cmt_${tag()}_${i}`;
		const k = named++;	// names differ across calls: the minutes are read by name
		const name = `委员${NAMES[k % NAMES.length]}${NAMES[((k / NAMES.length) | 0) % NAMES.length]}`;
		const r = await s.post('/committee/members', { username, name, specialty: '建筑工程', employer,
			mobile: mobile(), password: FIRST_PASSWORD });
		assert.equal(r.status, 201, r.text);
		mine.push([s, r.json.id]);
		out.push({ id: r.json.id, username, name, s: await firstLoginAs(role, username) });
	}
	return out;
}

/* The committee is exactly these members: every other active one is disabled (and is in
 * mine or setAside, so put back as it was at the end). */
async function only(members) {
	for (const m of (await office.get('/committee')).json.members)
		if (!m.disabled && !members.some((x) => x.id === m.id))
			assert.equal((await office.post(`/committee/members/${m.id}/disable`, { disabled: true })).status, 200);
}

/* a meeting with an agenda and the members present; returns its id */
async function meeting(items, present, title = '评审会议') {
	const m = await office.post('/meetings', { title, starts_at: soon(), place: '区住建局三楼会议室' });
	assert.equal(m.status, 201, m.text);
	const a = await office.post(`/meetings/${m.json.id}/agenda`, { items });
	assert.equal(a.json.added, items.length, a.text);
	const p = await office.request('PUT', `/meetings/${m.json.id}/attendance`,
	    { json: { present: present.map((x) => x.id) } });
	assert.equal(p.status, 200, p.text);
	return m.json.id;
}

const vote = (m, id, app, choice) => m.s.post(`/ballots/${id}/vote`, { application: app, choice });
const move = (s, app, action, step, text = '同意。') => s.post(`/applications/${app}/move`, { action, step, text });
const item = async (id, app) => (await office.get(`/meetings/${id}`)).json.agenda.find((x) => x.id === app);
const lastNote = async () => sql(`SELECT body FROM notification WHERE user_id =
    (SELECT id FROM app_user WHERE username = '${DEMO_APPLICANT}') ORDER BY id DESC LIMIT 1`);

before(async () => {
	applicant = await loginAs('applicant', DEMO_APPLICANT);
	office = await clerk('county', 'wucheng_cpw');
	orgId = office.me.org.id;
	// whoever is a member already (walk.mjs's) sits out this suite: the counts below are exact
	for (const m of (await office.get('/committee')).json.members.filter((x) => !x.disabled)) {
		assert.equal((await office.post(`/committee/members/${m.id}/disable`, { disabled: true })).status, 200);
		setAside.push(m.id);
	}
	// and the committee votes by the defaults
	await sql(`DELETE FROM committee_setting WHERE org_id = ${orgId}`);
});

after(async () => {
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
	for (const [s, id] of mine)
		await s.post(`/committee/members/${id}/disable`, { disabled: true });
	for (const id of setAside)
		await office.post(`/committee/members/${id}/disable`, { disabled: false });
	await sql(`DELETE FROM committee_setting WHERE org_id = ${orgId}`);
});

describe('members and their logins', () => {
	let m;

	test('the office adds a member: a password of its own or one made and shown once', async () => {
		const username = `cmt_${tag()}`;
		const r = await office.post('/committee/members', { username, name: '李建国', specialty: '建筑结构',
			employer: '浙江大学建筑设计研究院', mobile: mobile() });
		assert.equal(r.status, 201, r.text);
		mine.push([office, r.json.id]);
		assert.match(r.json.password, /^[A-Za-z2-9]{16}$/);
		const s = await loginAs('county', username, r.json.password);
		assert.equal(s.me.user.kind, 'committee_member');
		assert.equal(s.me.org.kind, 'committee_junior');
		// the office chose it: good for this first login, which must set the member's own
		assert.equal(s.me.user.must_change_password, true);
		assertError(await s.get('/ballots'), 403, 'password_change_required');
		[m] = await addMembers(office, 'county', 1);
		const list = (await office.get('/committee')).json.members;
		const row = list.find((x) => x.id === m.id);
		assert.deepEqual([row.username, row.specialty, row.employer, row.disabled],
		    [m.username, '建筑工程', '金华市建筑设计研究院有限公司', false]);
		assert.match(row.mobile, /^1\d{10}$/);
		assert.equal(await sql(`SELECT kind || ' ' || role FROM app_user WHERE id = ${m.id}`), 'committee_member county');
	});

	test('refused: a taken username, a bad mobile, a blank employer, a bad name, weak password', async () => {
		const body = { username: m.username, name: '王五', specialty: '给排水', employer: '某单位', mobile: mobile() };
		assertError(await office.post('/committee/members', body), 409, 'conflict', 'username');
		const fresh = { ...body, username: `cmt_${tag()}` };
		assertError(await office.post('/committee/members', { ...fresh, mobile: '12345' }), 400, 'invalid_field', 'mobile');
		assertError(await office.post('/committee/members', { ...fresh, employer: '　  ' }), 400, 'invalid_field', 'employer');
		assertError(await office.post('/committee/members', { ...fresh, name: 'x' }), 400, 'invalid_field', 'name');
		assertError(await office.post('/committee/members', { ...fresh, password: 'short' }), 400, 'invalid_field', 'password');
		assertError(await office.post('/committee/members', { ...fresh, username: 'Bad-Name' }), 400, 'invalid_field', 'username');
	});

	test('a member\'s login reaches its ballots and its account, nothing of the desk', async () => {
		assert.equal((await m.s.get('/ballots')).status, 200);
		assert.equal((await m.s.get('/me')).status, 200);
		assert.equal((await m.s.get('/reference')).status, 200);
		for (const p of ['/worklist', '/worklist.xlsx', `/applications/${created[0] ?? 1}`, '/committee', '/meetings',
			'/opinions', '/fees', '/interviews', '/uploads/1']) {
			const e = assertError(await m.s.get(p), 403, 'forbidden');
			assert.match(e.message, /评委账号只能查看本人的评审会议并参加表决/);
		}
		assertError(await m.s.post('/meetings', { title: 'x', starts_at: soon(), place: 'y' }), 403, 'forbidden');
		assertError(await m.s.post('/applications/1/move', { action: 'pass', step: 7, text: '同意' }), 403, 'forbidden');
		// its own password: the route is open to it (a wrong old password is the only refusal)
		const p = await m.s.post('/password', { old: 'Wrong-Pass1', new: 'Another-Pass2' });
		assert.notEqual(p.status, 403, p.text);
		// and the office's people have no ballot
		assertError(await office.get('/ballots'), 403, 'forbidden');
	});

	test('who is no committee office has no committee; another committee\'s members are not its own', async () => {
		const jsj = await clerk('county', 'wucheng_jsj');
		const e = assertError(await jsj.get('/committee'), 403, 'forbidden');
		assert.match(e.message, /不是评审委员会/);
		assertError(await jsj.get('/meetings'), 403, 'forbidden');
		const jindong = await clerk('county', 'jindong_cpw');
		assert.ok(!(await jindong.get('/committee')).json.members.some((x) => x.id === m.id));
		const upd = { name: '改名', specialty: 'x', employer: '某某', mobile: mobile() };
		assertError(await jindong.request('PUT', `/committee/members/${m.id}`, { json: upd }), 404, 'not_found');
		assertError(await jindong.post(`/committee/members/${m.id}/password`), 404, 'not_found');
		assertError(await jindong.post(`/committee/members/${m.id}/disable`, { disabled: true }), 404, 'not_found');
		// the office's own clerk is no member: no password reset through this page
		assertError(await office.post(`/committee/members/${office.me.user.id}/password`), 404, 'not_found');
	});

	test('edit, disable (its sessions end, no login), enable, a new password shown once', async () => {
		const upd = { name: '张建华', specialty: '市政工程', employer: '金华市市政设计院', mobile: mobile() };
		assert.equal((await office.request('PUT', `/committee/members/${m.id}`, { json: upd })).status, 200);
		const row = (await office.get('/committee')).json.members.find((x) => x.id === m.id);
		assert.deepEqual([row.name, row.specialty, row.employer, row.mobile], [upd.name, upd.specialty, upd.employer, upd.mobile]);
		assert.equal((await office.post(`/committee/members/${m.id}/disable`, { disabled: true })).status, 200);
		assertError(await m.s.get('/ballots'), 401, 'unauthorized');
		assertError(await new Session('county').post('/login', { username: m.username, password: DEMO_PASSWORD }),
		    401, 'unauthorized');
		assert.equal((await office.post(`/committee/members/${m.id}/disable`, { disabled: false })).status, 200);
		const r = await office.post(`/committee/members/${m.id}/password`);
		assert.equal(r.status, 200, r.text);
		// the member is told: a reset not asked for is someone else about to sign in as them
		assert.match(await sql(`SELECT body FROM notification WHERE user_id = ${m.id} ORDER BY id DESC LIMIT 1`),
		    /^【职称申报】您的账号密码已由婺城区建设工程技术人员初级工程师职务任职资格评审委员会重置，原密码已失效。如非您本人申请，请立即联系平台技术支持/);
		m.s = await firstLoginAs('county', m.username, r.json.password, 'Member#Pass2027');
		assertError(await new Session('county').post('/login', { username: m.username, password: DEMO_PASSWORD }),
		    401, 'unauthorized');
	});

	test('the database: programs insert no account, a committee\'s logins only for a committee of their portal', async () => {
		await assert.rejects(sql(`BEGIN; SET LOCAL ROLE portal_county; INSERT INTO app_user (role, username, name,
		    password_hash, org_id, kind) VALUES ('county', 'x_${tag()}', 'x', '$y$x', ${orgId}, 'committee_member'); ROLLBACK`),
		    /permission denied/);
		// as the county program logs in (the session user is what the database checks)
		const asCounty = (s) => sql(`BEGIN; SET LOCAL SESSION AUTHORIZATION portal_county; ${s}; ROLLBACK`);
		const jsj = await sqlInt(`SELECT id FROM org WHERE name = '婺城区住房和城乡建设局'`);
		await assert.rejects(asCounty(`SELECT committee_account_insert(${jsj}, 'x_${tag()}', '某某', '', '$y$x')`),
		    /本部门不是评审委员会/);
		const cityCommittee = await sqlInt(`SELECT id FROM org WHERE kind = 'committee_mid'`);
		await assert.rejects(asCounty(`SELECT committee_account_insert(${cityCommittee}, 'x_${tag()}', '某某', '', '$y$x')`),
		    /该操作不属于本门户/);
		await assert.rejects(asCounty(`SELECT committee_account_set(${cityCommittee}, 1, NULL, NULL, true)`),
		    /该操作不属于本门户/);
		// nor does a member's account move an application, whoever calls chain_write()
		const [app] = await atStep(1);
		await assert.rejects(sql(`SELECT * FROM chain_write(${app}, 'pass', 7, ${m.id}, ${orgId}, '同意', NULL, 'county', '')`),
		    /评委账号不能办理申报/);
		assert.equal((await position(app)).step, 7);
	});
});

describe('rules: quorum and pass threshold', () => {
	test('the defaults are 2/3 and 2/3; each may be set between two thirds (人社部令第40号) and all', async () => {
		const c = (await office.get('/committee')).json.committee;
		assert.deepEqual([c.quorum_num, c.quorum_den, c.pass_num, c.pass_den, c.own], [2, 3, 2, 3, false]);
		const put = (b) => office.request('PUT', '/committee', { json: b });
		assertError(await put({ quorum_num: 1, quorum_den: 3, pass_num: 2, pass_den: 3 }), 400, 'invalid_field', 'quorum_num');
		assertError(await put({ quorum_num: 4, quorum_den: 3, pass_num: 2, pass_den: 3 }), 400, 'invalid_field', 'quorum_num');
		assertError(await put({ quorum_num: 2, quorum_den: 3, pass_num: 2, pass_den: 5 }), 400, 'invalid_field', 'pass_num');
		assertError(await put({ quorum_num: 0, quorum_den: 3, pass_num: 2, pass_den: 3 }), 400, 'invalid_field', 'quorum_num');
		// below the national floor: one half, or 3/5
		assertError(await put({ quorum_num: 1, quorum_den: 2, pass_num: 2, pass_den: 3 }), 400, 'invalid_field', 'quorum_num');
		const low = assertError(await put({ quorum_num: 2, quorum_den: 3, pass_num: 3, pass_den: 5 }), 400, 'invalid_field', 'pass_num');
		assert.match(low.message, /三分之二/);
		const r = await put({ quorum_num: 3, quorum_den: 4, pass_num: 4, pass_den: 5 });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.committee.quorum_num, r.json.committee.quorum_den, r.json.committee.pass_num,
			r.json.committee.pass_den, r.json.committee.own], [3, 4, 4, 5, true]);
		assert.equal((await put({ quorum_num: 2, quorum_den: 3, pass_num: 2, pass_den: 3 })).status, 200);
	});
});

describe('meetings, agenda, attendance and recusals; the ballot at its boundaries', () => {
	let P, Q, R, S, early, nine, jindong;

	before(async () => {
		[P, Q, R, S] = await atStep(4);
		[early] = await atStep(1, 5);
		nine = await addMembers(office, 'county', 9);
		await only(nine);
		jindong = await clerk('county', 'jindong_cpw');
	});

	test('a meeting: today or later within a year, its texts filled in', async () => {
		const body = { title: '评审会议', starts_at: soon(), place: '会议室' };
		for (const starts_at of ['2020-01-01 09:00', '2099-01-01 09:00', '2024-02-30 09:00', `${soon().slice(0, 10)} 24:00`])
			assertError(await office.post('/meetings', { ...body, starts_at }), 400, 'invalid_field', 'starts_at');
		assertError(await office.post('/meetings', { ...body, starts_at: '明天上午' }), 400, 'invalid_field', 'starts_at');
		assertError(await office.post('/meetings', { ...body, title: ' ' }), 400, 'invalid_field', 'title');
		assertError(await office.post('/meetings', { ...body, place: '' }), 400, 'invalid_field', 'place');
	});

	test('the agenda: applications the committee holds at a vote step, each once; strangers see nothing', async () => {
		const w = (await office.get('/meetings')).json.waiting.map((x) => x.id);
		for (const a of [P, Q, R, S])
			assert.ok(w.includes(a), `${a} waiting`);
		assert.ok(!w.includes(early));
		const m = await office.post('/meetings', { title: '第一次会议', starts_at: soon(), place: '会议室' });
		const id = m.json.id;
		const r = await office.post(`/meetings/${id}/agenda`, { items: [P, Q, early, 999999999] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.added, r.json.failed], [2, 2]);
		for (const x of r.json.results.filter((y) => !y.ok))
			assert.match(x.message, /不在本评委会的评审表决环节/);
		const again = await office.post(`/meetings/${id}/agenda`, { items: [P] });
		assert.match(again.json.results[0].message, /^该申报已列入评审会议“.+（\d{4}-\d\d-\d\d \d\d:\d\d）”的议程$/);
		assert.ok(!(await office.get('/meetings')).json.waiting.some((x) => x.id === P));
		assertError(await office.post(`/meetings/${id}/agenda`, { items: ['x'] }), 400, 'invalid_field', 'items');
		// 金东区's committee and the city's: no such meeting, none of these applications
		assertError(await jindong.get(`/meetings/${id}`), 404, 'not_found');
		assertError(await jindong.post(`/meetings/${id}/open`), 404, 'not_found');
		assertError(await (await clerk('city', 'jh_zpw')).get(`/meetings/${id}`), 404, 'not_found');
		const jm = await jindong.post('/meetings', { title: '金东会议', starts_at: soon(), place: '会议室' });
		const ja = await jindong.post(`/meetings/${jm.json.id}/agenda`, { items: [R] });
		assert.deepEqual([ja.json.added, ja.json.failed], [0, 1]);
		assert.equal((await jindong.request('DELETE', `/meetings/${jm.json.id}`)).status, 200);
		// off the agenda and back to waiting; the meeting changed; an empty one cannot open
		assert.equal((await office.request('DELETE', `/meetings/${id}/agenda/${Q}`)).status, 200);
		assertError(await office.request('DELETE', `/meetings/${id}/agenda/${Q}`), 404, 'not_found');
		assert.ok((await office.get('/meetings')).json.waiting.some((x) => x.id === Q));
		const u = await office.request('PUT', `/meetings/${id}`, { json: { title: '改期后的会议', starts_at: soon(), place: '二楼' } });
		assert.equal(u.json.meeting.title, '改期后的会议');
		const empty = await office.post('/meetings', { title: '空会议', starts_at: soon(), place: '会议室' });
		assertError(await office.post(`/meetings/${empty.json.id}/open`), 409, 'conflict');
		assert.equal((await office.request('DELETE', `/meetings/${empty.json.id}`)).status, 200);
		assertError(await office.get(`/meetings/${empty.json.id}`), 404, 'not_found');
		// the agenda's applications wait again once the meeting is cancelled
		assert.equal((await office.request('DELETE', `/meetings/${id}`)).status, 200);
		assert.ok((await office.get('/meetings')).json.waiting.some((x) => x.id === P));
	});

	// (a probe of the departments: three meetings called, no member told of any)
	test('the members at work are told when a meeting is called, moved or cancelled', async () => {
		const org = (await office.get('/me')).json.org.id;
		const from = await sqlInt('SELECT coalesce(max(id), 0) FROM notification');
		const told = async (re) => {
			const rows = await sqlRows(`SELECT n.user_id, n.body FROM notification n WHERE n.id > ${from}
			    AND n.body ~ ${lit(re)} ORDER BY n.user_id`);
			const members = await sqlRows(`SELECT m.user_id FROM committee_member m JOIN app_user u ON u.id = m.user_id
			    WHERE m.org_id = ${org} AND u.disabled_at IS NULL ORDER BY m.user_id`);
			assert.deepEqual(rows.map(([u]) => u), members.map(([u]) => u), re);
			return rows[0][1];
		};
		const at = soon();
		const m = await office.post('/meetings', { title: '通知测试会议', starts_at: at, place: '区住建局五楼' });
		assert.equal(m.status, 201, m.text);
		const name = (await office.get('/me')).json.org.name;
		assert.equal(await told('定于'), `【职称申报】${name}定于 ${at} 在区住建局五楼召开“通知测试会议”，请准时出席；议程与表决请登录平台查看。`);
		assert.equal((await office.request('PUT', `/meetings/${m.json.id}`, { json: { title: '通知测试会议', starts_at: at,
			place: '区住建局六楼' } })).status, 200);
		assert.match(await told('现定于'), /现定于 .* 在区住建局六楼召开，请以此为准。$/);
		// a title put right tells nobody
		const before = await sqlInt('SELECT max(id) FROM notification');
		assert.equal((await office.request('PUT', `/meetings/${m.json.id}`, { json: { title: '通知测试会议（更正）', starts_at: at,
			place: '区住建局六楼' } })).status, 200);
		assert.equal(await sqlInt('SELECT max(id) FROM notification'), before);
		assert.equal((await office.request('DELETE', `/meetings/${m.json.id}`)).status, 200);
		assert.equal(await told('已取消'), `【职称申报】${name}原定于 ${at} 召开的“通知测试会议（更正）”已取消。`);
	});

	test('attendance: 9 members, 5 present is no quorum, 6 is', async () => {
		const id = await meeting([P, Q], nine.slice(0, 5), '边界会议');
		const g = (await office.get(`/meetings/${id}`)).json.meeting;
		assert.deepEqual([g.members, g.present, g.quorum_need, g.quorum_met], [9, 5, 6, false]);
		assertError(await vote(nine[0], id, P, 'agree'), 409, 'conflict');
		let e = assertError(await office.post(`/meetings/${id}/open`), 409, 'conflict');
		assert.match(e.message, /出席 5 人，未达到法定人数（委员 9 人的 2\/3，至少 6 人）/);
		assertError(await office.request('PUT', `/meetings/${id}/attendance`, { json: { present: [nine[0].id, nine[0].id] } }),
		    400, 'invalid_field', 'present');
		assertError(await office.request('PUT', `/meetings/${id}/attendance`, { json: { present: [office.me.user.id] } }),
		    400, 'invalid_field', 'present');
		const p = await office.request('PUT', `/meetings/${id}/attendance`, { json: { present: nine.slice(0, 6).map((x) => x.id) } });
		assert.deepEqual([p.json.meeting.present, p.json.meeting.quorum_met], [6, true]);
		// not before the meeting's time: one called for tomorrow is moved to now, then opened
		const tomorrow = `${await sql(`SELECT to_char(current_date + 1, 'YYYY-MM-DD')`)} 09:30`;
		const later = await office.request('PUT', `/meetings/${id}`, { json: { title: '边界会议', starts_at: tomorrow, place: '会议室' } });
		assert.equal(later.status, 200, later.text);
		e = assertError(await office.post(`/meetings/${id}/open`), 409, 'conflict');
		assert.equal(e.message, `会议时间（${tomorrow}）未到，不能开始投票；会议提前举行的，请先将会议时间修改为实际时间`);
		const planned = (await office.get(`/meetings/${id}`)).json.meeting;
		assert.equal(planned.state, 'planned');
		// the page's 开始投票 waits for it: the seconds until then, by the server's clock
		assert.ok(planned.starts_in > 0 && planned.starts_in <= 2 * 86400, `starts_in ${planned.starts_in}`);
		const now = await office.request('PUT', `/meetings/${id}`, { json: { title: '边界会议', starts_at: soon(), place: '会议室' } });
		assert.equal(now.status, 200, now.text);
		assert.equal(now.json.meeting ? now.json.meeting.starts_in : (await office.get(`/meetings/${id}`)).json.meeting.starts_in, 0);
		const o = await office.post(`/meetings/${id}/open`);
		assert.equal(o.status, 200, o.text);
		assert.deepEqual([o.json.meeting.state, o.json.meeting.members, o.json.meeting.present], ['open', 9, 6]);
		nine.meeting = id;
	});

	test('refused once the ballot is open: attendance, agenda, cancelling; a change of rules does not reach it', async () => {
		const id = nine.meeting;
		assertError(await office.request('PUT', `/meetings/${id}/attendance`, { json: { present: [nine[6].id] } }), 409, 'conflict');
		assertError(await office.post(`/meetings/${id}/agenda`, { items: [R] }), 409, 'conflict');
		assertError(await office.request('DELETE', `/meetings/${id}/agenda/${P}`), 409, 'conflict');
		assertError(await office.request('DELETE', `/meetings/${id}`), 409, 'conflict');
		assertError(await office.request('PUT', `/meetings/${id}`, { json: { title: 'x', starts_at: soon(), place: 'y' } }),
		    409, 'conflict');
		assertError(await office.post(`/meetings/${id}/open`), 409, 'conflict');
		// nor a member's new password, which would give the office, which opens and closes the
		// ballot, the member's secret vote (the security probe); 忘记密码 by the member's own phone stays
		const held = assertError(await office.post(`/committee/members/${nine[0].id}/password`), 409, 'conflict');
		assert.match(held.message, /正在投票.*忘记密码/);
		// the committee now wants 3/4 for both; this meeting keeps the 2/3 it opened with
		const put = await office.request('PUT', '/committee', { json: { quorum_num: 3, quorum_den: 4, pass_num: 3, pass_den: 4 } });
		assert.equal(put.status, 200, put.text);
		const g = (await office.get(`/meetings/${id}`)).json.meeting;
		assert.deepEqual([g.quorum_num, g.quorum_den, g.pass_num, g.pass_den], [2, 3, 2, 3]);
	});

	test('votes refused: absent, not a member of this committee, the office, a bad choice, off the agenda, twice', async () => {
		const id = nine.meeting;
		let e = assertError(await vote(nine[6], id, P, 'agree'), 409, 'conflict');
		assert.match(e.message, /未登记出席本次会议/);
		assertError(await office.post(`/ballots/${id}/vote`, { application: P, choice: 'agree' }), 403, 'forbidden');
		const [stranger] = await addMembers(jindong, 'county', 1);
		assertError(await stranger.s.get(`/ballots/${id}`), 404, 'not_found');
		assertError(await vote(stranger, id, P, 'agree'), 404, 'not_found');
		assertError(await vote(nine[0], id, P, 'yes'), 400, 'invalid_field', 'choice');
		assertError(await vote(nine[0], id, P, '同意'), 400, 'invalid_field', 'choice');
		e = assertError(await vote(nine[0], id, R, 'agree'), 404, 'not_found');
		assert.match(e.message, /不在本次会议议程中/);
		// P: 4 同意 of 6 carries (4 * 3 >= 6 * 2); Q: 3 does not (9 < 12)
		const plan = { [P]: ['agree', 'agree', 'agree', 'agree', 'disagree', 'abstain'],
			[Q]: ['agree', 'agree', 'agree', 'disagree', 'disagree', 'abstain'] };
		for (const app of [P, Q])
			for (let i = 0; i < 6; i++) {
				const r = await vote(nine[i], id, app, plan[app][i]);
				assert.equal(r.status, 200, r.text);
				assert.deepEqual(r.json, { ok: true });
			}
		e = assertError(await vote(nine[0], id, P, 'disagree'), 409, 'conflict');
		assert.match(e.message, /已对该申报投过票，不能重复投票或更改/);
		const mineNow = (await nine[0].s.get(`/ballots/${id}`)).json;
		assert.equal(mineNow.present, true);
		const p = mineNow.items.find((x) => x.id === P);
		assert.deepEqual([p.voted, p.can_vote, p.carried, p.recused], [true, false, null, false]);
		assert.deepEqual(Object.keys(p).sort(), ['applicant', 'can_vote', 'carried', 'id', 'plan', 'recuse_reason', 'recused',
			'specialty', 'step_name', 'unit', 'voted']);
		// the office sees how many voted, not how
		assert.deepEqual([(await item(id, P)).voted, (await item(id, P)).carried], [6, null]);
	});

	test('the gate: no pass before the ballot closed and carried, nor a 不通过 while it is open', async () => {
		const e = assertError(await move(office, P, 'pass', 7), 409, 'gate');
		assert.match(e.message, /评审会议议程，正在投票/);
		const r = assertError(await move(office, Q, 'reject', 7, '不同意'), 409, 'gate');
		assert.equal(r.message, '评审会议正在对该申报投票，表决结束前不能作不通过处理');
		// the worklist's dialog asks before the reason is typed (POST applications/gates)
		const asked = await office.post('/applications/gates', { items: [{ id: Q, step: 7 }, { id: R, step: 7 }], action: 'reject' });
		assert.equal(asked.status, 200, asked.text);
		assert.deepEqual(asked.json.results.map((x) => [x.id, x.ok, x.code ?? null, x.message ?? null]), [
			[Q, false, 'gate', '评审会议正在对该申报投票，表决结束前不能作不通过处理'], [R, true, null, null]]);
		assert.deepEqual([asked.json.ready, asked.json.refused], [1, 1]);
		assertError(await office.post('/applications/gates', { items: [{ id: Q, step: 7 }], action: 'submit' }), 400, 'invalid_field');
		// the detail offers what can be done: 通过, once the ballot says so
		assert.deepEqual((await office.get(`/applications/${Q}`)).json.actions, ['pass']);
		assert.deepEqual((await office.get(`/applications/${R}`)).json.actions, ['pass', 'reject']);
		const g = (await office.get(`/applications/${R}`)).json.gates;
		assert.deepEqual(g.map((x) => [x.kind, x.met]), [['vote', false]]);
		assert.match(g[0].text, /尚未列入评审会议议程/);
		assertError(await office.get(`/meetings/${nine.meeting}/minutes.xhtml`), 409, 'conflict');
		assertError(await office.post(`/meetings/${nine.meeting}/settle`), 409, 'conflict');
	});

	test('closed: the tally, no more votes; P carried with 4 of 6, Q not with 3', async () => {
		const id = nine.meeting;
		const c = await office.post(`/meetings/${id}/close`);
		assert.equal(c.status, 200, c.text);
		assert.equal(c.json.meeting.state, 'closed');
		const t = (x) => [x.eligible, x.agree, x.disagree, x.abstain, x.carried];
		assert.deepEqual(t(c.json.agenda.find((x) => x.id === P)), [6, 4, 1, 1, true]);
		assert.deepEqual(t(c.json.agenda.find((x) => x.id === Q)), [6, 3, 2, 1, false]);
		const e = assertError(await vote(nine[5], id, P, 'agree'), 409, 'conflict');
		assert.match(e.message, /投票已经结束/);
		assertError(await office.post(`/meetings/${id}/close`), 409, 'conflict');
		assertError(await office.post(`/meetings/${id}/open`), 409, 'conflict');
		const ge = assertError(await move(office, Q, 'pass', 7), 409, 'gate');
		assert.match(ge.message, /评审会议表决未通过：同意 3 票，不同意 2 票，弃权 1 票，应参加表决 6 人/);
		const g = (await office.get(`/applications/${P}`)).json.gates;
		assert.deepEqual(g.map((x) => [x.kind, x.met]), [['vote', true]]);
		// what the committee voted through the office does not end
		const held = assertError(await move(office, P, 'reject', 7, '不同意'), 409, 'gate');
		assert.equal(held.message, '评审会议已表决通过该申报，不能作不通过处理，请按表决结果办理通过');
		const asked = await office.post('/applications/gates', { items: [{ id: P, step: 7 }, { id: Q, step: 7 }], action: 'reject' });
		assert.deepEqual(asked.json.results.map((x) => [x.id, x.ok, x.message ?? null]), [
			[P, false, '评审会议已表决通过该申报，不能作不通过处理，请按表决结果办理通过'], [Q, true, null]]);
		assert.deepEqual((await office.get(`/applications/${P}`)).json.actions, ['pass']);
		assert.deepEqual((await office.get(`/applications/${Q}`)).json.actions, ['pass', 'reject']);
		// the member sees the result now, still not anyone's choice
		const mineNow = (await nine[2].s.get(`/ballots/${id}`)).json.items.find((x) => x.id === P);
		assert.deepEqual(t(mineNow), [6, 4, 1, 1, true]);
		assert.equal((await office.request('PUT', '/committee', { json: { quorum_num: 2, quorum_den: 3, pass_num: 2,
			pass_den: 3 } })).status, 200);
	});

	test('the minutes: printable A4, who attended, the rules, each tally', async () => {
		const r = await office.get(`/meetings/${nine.meeting}/minutes.xhtml`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /^application\/xhtml\+xml/);
		const x = r.text;
		assert.match(x, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
		assert.match(x, /@page \{ size: A4/);
		assert.match(x, /<h1>评审会议纪要<\/h1>/);
		assert.match(x, /委员 9 人，出席 6 人；法定人数为委员的 2\/3（至少 6 人）/);
		const cell = (label) => x.match(new RegExp(`<th>${label}</th>\\s*<td>([^<]*)</td>`))[1];
		assert.deepEqual(cell('出席委员').split('、'), nine.slice(0, 6).map((m) => m.name));
		for (const m of nine.slice(6))
			assert.ok(cell('缺席委员').split('、').includes(m.name));
		assert.match(x, /<td class="n">6<\/td>\s*<td class="n">4<\/td>\s*<td class="n">1<\/td>\s*<td class="n">1<\/td>\s*<td class="n">0<\/td>\s*<td class="n">通过<\/td>/);
		assert.match(x, /<td class="n">6<\/td>\s*<td class="n">3<\/td>\s*<td class="n">2<\/td>\s*<td class="n">1<\/td>\s*<td class="n">0<\/td>\s*<td class="n">未通过<\/td>/);
		assert.match(x, /本次会议共表决 2 份申报，通过 1 份，未通过 1 份。/);
		// the 申报人 column keeps a name on one line while the page has room, and no cell
		// pushes the table off the page (a long name or an unbroken run wraps)
		assert.match(x, /td\.nm \{ word-break: keep-all; \}/);
		assert.match(x, /th, td \{[^}]*overflow-wrap: anywhere; \}/);
		assert.equal((x.match(/<td class="nm">[^<]+<\/td>/g) || []).length, 2);
		assert.doesNotMatch(x, /agree|abstain/);
		// the committee the ballot opened with: a member who joins later was not absent from it
		const [late] = await addMembers(office, 'county', 1);
		const again = (await office.get(`/meetings/${nine.meeting}/minutes.xhtml`)).text;
		assert.ok(!again.includes(late.name), 'a later member in the minutes');
		assert.ok(!(await office.get(`/meetings/${nine.meeting}`)).json.members.some((m) => m.id === late.id));
		assert.equal((await office.post(`/committee/members/${late.id}/disable`, { disabled: true })).status, 200);
	});

	test('按表决结果办理: the carried one passes to the city, the other ends with the tally as reason', async () => {
		const r = await office.post(`/meetings/${nine.meeting}/settle`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.passed, r.json.rejected, r.json.failed], [1, 1, 0]);
		assert.deepEqual(await position(P), { code: 'mid_review', step: 8, state: 'in_review' });
		assert.deepEqual(await position(Q), { code: 'mid_review', step: 7, state: 'rejected' });
		// carried or not, by the rule: the secret ballot's counts stay in the minutes
		assert.match(await lastNote(), /未通过“县（市、区）建设初评委评审推荐”，理由：评审会议表决未通过（同意票未达到应参加表决人数的2\/3）。/);
		assert.doesNotMatch(await lastNote(), /票，/);
		assert.equal(await sql(`SELECT text FROM chain_history WHERE application_id = ${P} ORDER BY no DESC LIMIT 1`),
		    '经评审会议表决通过（同意票达到应参加表决人数的2/3）。');
		assert.equal(await sql(`SELECT actor_user_id FROM chain_history WHERE application_id = ${P} ORDER BY no DESC LIMIT 1`),
		    String(office.me.user.id));
		const again = await office.post(`/meetings/${nine.meeting}/settle`);
		assert.deepEqual([again.json.results.length, again.json.passed], [0, 0]);
		const list = (await office.get('/meetings')).json.meetings.find((x) => x.id === nine.meeting);
		assert.deepEqual([list.items, list.carried, list.unsettled], [2, 1, 0]);
	});

	test('recusal: the same employer (computed), declared by the office or the member; a recused member cannot vote', async () => {
		const [m1, m2, m3, m4, m5, m6, , , m9] = nine;
		const upd = { name: m9.name, specialty: '建筑工程', employer: ` ${HONGDA.slice(0, 4)} ${HONGDA.slice(4)}　`, mobile: mobile() };
		assert.equal((await office.request('PUT', `/committee/members/${m9.id}`, { json: upd })).status, 200);
		const id = await meeting([R], [m1, m2, m3, m4, m5, m6, m9], '回避会议');
		let rec = (await item(id, R)).recused;
		assert.deepEqual(rec, [{ member: m9.id, name: m9.name, reason: '与申报人为同一工作单位', declared: false, present: true }]);
		const declare = (s, member, reason = '与申报人系近亲属') =>
			s.post(`/meetings/${id}/recusals`, { application: R, member, reason });
		assert.equal((await declare(office, m2.id)).status, 200);
		assertError(await declare(office, m2.id), 409, 'conflict');
		assertError(await declare(office, m2.id, '  '), 400, 'invalid_field', 'reason');
		assertError(await office.post(`/meetings/${id}/recusals`, { application: S, member: m2.id, reason: '某' }), 404, 'not_found');
		assertError(await declare(office, office.me.user.id), 404, 'not_found');
		assert.equal((await office.post(`/meetings/${id}/recusals/withdraw`, { application: R, member: m2.id })).status, 200);
		assertError(await office.post(`/meetings/${id}/recusals/withdraw`, { application: R, member: m9.id }), 404, 'not_found');
		assert.equal((await declare(office, m2.id)).status, 200);
		const self = await m3.s.post(`/ballots/${id}/recuse`, { application: R, reason: '曾为申报人项目评审顾问' });
		assert.equal(self.status, 200, self.text);
		assert.deepEqual(self.json.items.map((x) => [x.id, x.recused, x.recuse_reason]), [[R, true, '曾为申报人项目评审顾问']]);
		rec = (await item(id, R)).recused;
		assert.deepEqual(rec.map((x) => [x.member, x.declared]).sort(), [[m2.id, true], [m3.id, true], [m9.id, false]].sort());
		// an absent member of the applicant's unit (m8) is recused as well: no 评审表 to read
		const [, , , , , , , m8] = nine;
		const m8upd = { name: m8.name, specialty: '建筑工程', employer: HONGDA, mobile: mobile() };
		assert.equal((await office.request('PUT', `/committee/members/${m8.id}`, { json: m8upd })).status, 200);
		assert.equal((await office.post(`/meetings/${id}/open`)).status, 200);
		assert.equal((await office.request('PUT', `/committee/members/${m8.id}`,
		    { json: { ...m8upd, employer: '金华市建筑设计研究院有限公司', mobile: mobile() } })).status, 200);
		assert.match(assertError(await m8.s.get(`/ballots/${id}/applications/${R}/form.xhtml`), 403, 'forbidden').message, /回避/);
		assert.deepEqual((await item(id, R)).recused.filter((x) => !x.present).map((x) => [x.member, x.declared]), [[m8.id, false]]);
		// the same-unit conflict is the meeting's once it opens: its 工作单位 edited now changes
		// nothing (a probe's member, recused a moment before, voted and was counted) (sql/088)
		assert.equal(await sql(`SELECT string_agg(member_id || ':' || reason, ',' ORDER BY member_id) FROM meeting_recusal
		    WHERE meeting_id = ${id} AND application_id = ${R} AND conflict`),
		    [m8.id, m9.id].sort((p, q) => p - q).map((m) => `${m}:与申报人为同一工作单位`).join());
		assert.equal((await office.request('PUT', `/committee/members/${m9.id}`,
		    { json: { ...upd, employer: '金华市某研究院', mobile: mobile() } })).status, 200);
		assert.deepEqual((await item(id, R)).recused.map((x) => [x.member, x.declared]).sort(),
		    [[m2.id, true], [m3.id, true], [m8.id, false], [m9.id, false]].sort());
		for (const m of [m9, m2, m3]) {
			const e = assertError(await vote(m, id, R, 'agree'), 409, 'conflict');
			assert.match(e.message, /已回避该申报的评审，不能投票/);
			// nothing left for them to vote on in this meeting: 0 of 0, not 0 of 1
			const mine = (await m.s.get('/ballots')).json.meetings.find((x) => x.id === id);
			assert.deepEqual([mine.voted, mine.items], [0, 0]);
		}
		assert.equal((await vote(m1, id, R, 'agree')).status, 200);
		const late = assertError(await declare(office, m1.id), 409, 'conflict');
		assert.match(late.message, /已对该申报投票，不能再登记回避/);
		for (const [m, c] of [[m4, 'agree'], [m5, 'agree'], [m6, 'disagree']])
			assert.equal((await vote(m, id, R, c)).status, 200);
		nine.recusal = id;
	});

	test('a member reads the 评审表 of what they vote on (no 身份证号, no mobile), not once recused or after the ballot', async () => {
		const id = nine.recusal;
		const [m1, , , , , , m7, , m9] = nine;
		const r = await m1.s.get(`/ballots/${id}/applications/${R}/form.xhtml`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.text, /专业技术职务任职资格评审表/);
		assert.ok(!r.text.includes(DEMO_APPLICANT), 'the 身份证号 in full');
		assert.ok(r.text.includes('3307**********0015'));
		const phone = await sql(`SELECT mobile FROM app_user WHERE username = '${DEMO_APPLICANT}'`);
		assert.ok(!r.text.includes(phone), 'the mobile');
		assert.equal((await m7.s.get(`/ballots/${id}/applications/${R}/form.xhtml`)).status, 200);
		const e = assertError(await m9.s.get(`/ballots/${id}/applications/${R}/form.xhtml`), 403, 'forbidden');
		assert.match(e.message, /回避/);
		assertError(await m1.s.get(`/ballots/${id}/applications/${S}/form.xhtml`), 404, 'not_found');
		assertError(await m1.s.get(`/applications/${R}/form.xhtml`), 403, 'forbidden');
		const c = await office.post(`/meetings/${id}/close`);
		assert.equal(c.status, 200, c.text);
		// 7 present, 3 recused: 4 may vote; 3 同意 carries (9 >= 8)
		const x = c.json.agenda.find((y) => y.id === R);
		assert.deepEqual([x.eligible, x.agree, x.disagree, x.abstain, x.carried], [4, 3, 1, 0, true]);
		assertError(await m1.s.get(`/ballots/${id}/applications/${R}/form.xhtml`), 403, 'forbidden');
		assertError(await office.post(`/meetings/${id}/recusals`, { application: R, member: m7.id, reason: '某' }), 409, 'conflict');
		const minutes = (await office.get(`/meetings/${id}/minutes.xhtml`)).text;
		assert.match(minutes, new RegExp(`${m9.name}（与申报人为同一工作单位）`));
		assert.match(minutes, new RegExp(`${nine[2].name}（曾为申报人项目评审顾问）`));
		// a closed meeting's record stands: an absent member's 工作单位 edited to the applicant's
		// unit afterwards puts nobody among its 回避委员 (sql/088)
		const m7upd = { name: m7.name, specialty: '建筑工程', employer: HONGDA, mobile: mobile() };
		assert.equal((await office.request('PUT', `/committee/members/${m7.id}`, { json: m7upd })).status, 200);
		try {
			const again = (await office.get(`/meetings/${id}/minutes.xhtml`)).text;
			for (const absent of [m7, nine[7]])
				assert.ok(!again.includes(`${absent.name}（`), `an absent member among the 回避委员: ${absent.name}`);
			assert.match(again, new RegExp(`${m9.name}（与申报人为同一工作单位）`));
			assert.ok(!(await item(id, R)).recused.some((x) => x.member === m7.id));
		} finally {
			assert.equal((await office.request('PUT', `/committee/members/${m7.id}`,
			    { json: { ...m7upd, employer: '金华市建筑设计研究院有限公司', mobile: mobile() } })).status, 200);
		}
	});

	test('no vote without quorum, whatever let the ballot open (the database checks again)', async () => {
		const id = await meeting([S], nine.slice(0, 6), '法定人数');
		assert.equal((await office.post(`/meetings/${id}/open`)).status, 200);
		await sql(`UPDATE committee_meeting SET present = 5 WHERE id = ${id}`);
		const e = assertError(await vote(nine[0], id, S, 'agree'), 409, 'conflict');
		assert.match(e.message, /出席人数未达到法定人数，不能投票/);
		await sql(`UPDATE committee_meeting SET present = 6 WHERE id = ${id}`);
		assert.equal((await office.post(`/meetings/${id}/close`)).status, 200);
		// nobody voted: not carried (0 of 6), and its gate says so
		assert.deepEqual([(await item(id, S)).agree, (await item(id, S)).carried], [0, false]);
	});

	// (a race the concurrency probe found: the meeting opened without a tally of an application
	// added meanwhile; its members' votes were taken and counted nowhere, and it could go on no
	// meeting again)
	test('an agenda change while the ballot opens: refused once it opened, never on the agenda without a tally', async () => {
		const [T, U] = await atStep(2);
		const id = await meeting([T], nine.slice(0, 6), '议程与开始投票');
		// the opening in a transaction of its own that holds for a moment (the office's own
		// function, as the program calls it); U is added meanwhile
		const opening = await holding(`SELECT ballot_open(${id}, ${office.me.user.id})`);
		const add = await office.post(`/meetings/${id}/agenda`, { items: [U] });
		await opening.done;
		assert.equal(add.status, 200, add.text);
		assert.deepEqual([add.json.added, add.json.failed], [0, 1], add.text);
		assert.match(add.json.results[0].message, /评审会议已开始投票/);
		assert.equal(await sqlInt(`SELECT count(*) FROM meeting_agenda ag WHERE ag.meeting_id = ${id} AND NOT EXISTS
		    (SELECT 1 FROM ballot_tally t WHERE t.meeting_id = ag.meeting_id AND t.application_id = ag.application_id)`), 0);
		// U waits for the next meeting
		assert.ok((await office.get('/meetings')).json.waiting.some((x) => x.id === U));
		assert.equal((await office.post(`/meetings/${id}/close`)).status, 200);
	});

	// the chains' walk: the experts could not sign in, the office closed the ballot, and the
	// application had "failed" a vote nobody cast: 不通过 was all that was left, on no meeting again
	test('a ballot closed without a single vote decides nothing: the application waits for another meeting', async () => {
		const [T] = await atStep(1);
		const id = await meeting([T], nine.slice(0, 6), '无人投票');
		assert.equal((await office.post(`/meetings/${id}/open`)).status, 200);
		const c = await office.post(`/meetings/${id}/close`);
		assert.equal(c.status, 200, c.text);
		const x = c.json.agenda.find((y) => y.id === T);
		assert.deepEqual([x.agree + x.disagree + x.abstain, x.unvoted, x.here], [0, true, false]);
		// a member reads it so too, not 未通过
		const mine = (await nine[0].s.get(`/ballots/${id}`)).json.items.find((y) => y.id === T);
		assert.equal(mine.unvoted, true);
		// nothing to carry out: it is not rejected, and the list owes nothing for it
		const s = await office.post(`/meetings/${id}/settle`);
		assert.deepEqual([s.json.results.length, s.json.rejected], [0, 0]);
		assert.deepEqual(await position(T), { code: 'mid_review', step: 7, state: 'in_review' });
		assert.equal((await office.get('/meetings')).json.meetings.find((y) => y.id === id).unsettled, 0);
		// the minutes say so
		const minutes = (await office.get(`/meetings/${id}/minutes.xhtml`)).text;
		assert.match(minutes, /<td class="n">未表决<\/td>/);
		assert.match(minutes, /本次会议共表决 0 份申报，通过 0 份，未通过 0 份；1 份未收到任何表决，未作决定，另行安排评审会议。/);
		// it waits for a meeting, its gate says so, and the next meeting's vote decides
		assert.ok((await office.get('/meetings')).json.waiting.some((y) => y.id === T));
		const d = await office.get(`/applications/${T}`);
		assert.match(d.json.gate.message, /尚未列入评审会议议程/);
		const id2 = await meeting([T], nine.slice(0, 6), '重新表决');
		assert.equal((await office.post(`/meetings/${id2}/open`)).status, 200);
		for (const m of nine.slice(0, 4))
			assert.equal((await vote(m, id2, T, 'agree')).status, 200);
		assert.equal((await office.post(`/meetings/${id2}/close`)).status, 200);
		const r = await office.post(`/meetings/${id2}/settle`);
		assert.deepEqual([r.json.passed, r.json.rejected], [1, 0], r.text);
		assert.deepEqual(await position(T), { code: 'mid_review', step: 8, state: 'in_review' });
	});

	test('a member disabled after attendance was recorded: 4 of the 6 present carry, not 4 of 7', async () => {
		const [T] = await atStep(1);
		const id = await meeting([T], nine.slice(0, 7), '出席后停用');
		const gone = nine[6];
		assert.equal((await office.post(`/committee/members/${gone.id}/disable`, { disabled: true })).status, 200);
		try {
			const o = await office.post(`/meetings/${id}/open`);
			assert.equal(o.status, 200, o.text);
			assert.deepEqual([o.json.meeting.members, o.json.meeting.present], [8, 6]);
			for (const [m, choice] of [[nine[0], 'agree'], [nine[1], 'agree'], [nine[2], 'agree'],
			    [nine[3], 'agree'], [nine[4], 'disagree'], [nine[5], 'abstain']])
				assert.equal((await vote(m, id, T, choice)).status, 200);
			const c = await office.post(`/meetings/${id}/close`);
			assert.equal(c.status, 200, c.text);
			const x = c.json.agenda.find((y) => y.id === T);
			assert.deepEqual([x.eligible, x.agree, x.carried], [6, 4, true]);
		} finally {
			await office.post(`/committee/members/${gone.id}/disable`, { disabled: false });
		}
	});
});

// ---------------------------------------------------------------- secrecy

/* Every column each program role may SELECT, per table or view of the schema. */
const READABLE = `CREATE OR REPLACE FUNCTION pg_temp.readable(p_role text, p_all bool)
RETURNS TABLE (tbl text, cols text) LANGUAGE sql AS $f$
	SELECT c.relname::text, string_agg(CASE WHEN t.typname = 'bytea'
		THEN format('md5(%I) AS %I', a.attname, a.attname) ELSE quote_ident(a.attname) END, ', '
		ORDER BY a.attnum)
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	JOIN pg_type t ON t.oid = a.atttypid
	LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
	WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
	AND has_column_privilege(p_role, c.oid, a.attnum, 'SELECT')
	-- what only orders rows in time, kept out of the comparison (not out of the list)
	AND (p_all OR (t.typname NOT IN ('timestamptz', 'timestamp')
		AND coalesce(pg_get_expr(d.adbin, d.adrelid), '') NOT LIKE 'nextval(%'))
	GROUP BY c.relname
$f$`;

/* Every readable row of every readable table, as each role reads it, into pg_temp.snap. */
const SNAP = `CREATE OR REPLACE FUNCTION pg_temp.snap(p_phase text, p_roles text[]) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
	r text;
	t record;
	got text[];
BEGIN
	FOREACH r IN ARRAY p_roles LOOP
		FOR t IN SELECT * FROM pg_temp.readable(r, false) LOOP
			EXECUTE format('SET ROLE %I', r);
			EXECUTE format('SELECT array_agg(row_to_json(x)::text) FROM (SELECT %s FROM public.%I) x',
				t.cols, t.tbl) INTO got;
			RESET ROLE;
			INSERT INTO pg_temp.snap SELECT p_phase, r, t.tbl, unnest(coalesce(got, '{}'));
		END LOOP;
	END LOOP;
END
$f$`;

/* The rows each role reads at phase b and did not at phase a: {role: {table: [json…]}}. */
async function delta(a, b) {
	const rows = await sql(`SELECT json_build_array(role, tbl, j)::text FROM (
	    SELECT role, tbl, j FROM pg_temp.snap WHERE phase = ${lit(b)}
	    EXCEPT ALL SELECT role, tbl, j FROM pg_temp.snap WHERE phase = ${lit(a)}) d`);
	const out = {};
	for (const line of rows.split('\n').filter(Boolean)) {
		const [role, tbl, j] = JSON.parse(line);
		((out[role] ??= {})[tbl] ??= []).push(j);
	}
	return out;
}

/* The tables whose new rows are not the same once x and y trade places: there, something
 * tells the two applications apart beyond their ids. */
function asymmetric(d, x, y) {
	const swap = (v) => (v === x ? y : v === y ? x : Array.isArray(v) ? v.map(swap) :
	    v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, swap(w)])) : v);
	const bad = [];
	for (const [role, tables] of Object.entries(d))
		for (const [tbl, rows] of Object.entries(tables)) {
			const a = rows.map((j) => JSON.stringify(JSON.parse(j))).sort();
			const b = rows.map((j) => JSON.stringify(swap(JSON.parse(j)))).sort();
			if (JSON.stringify(a) !== JSON.stringify(b))
				bad.push(`${role}.${tbl}: ${a.join(' ')}`);
		}
	return bad;
}

/* The words a choice is written in anywhere. */
const CHOICE = /\b(agree|disagree|abstain|choice)\b/i;

/* JSON answers: no member-linked object carries a choice, no string is a choice's code. */
function noChoice(v, where) {
	if (Array.isArray(v))
		return v.forEach((w) => noChoice(w, where));
	if (typeof v === 'string')
		return assert.ok(!/^(agree|disagree|abstain)$/.test(v), `${where}: a choice "${v}"`);
	if (!v || typeof v !== 'object')
		return;
	const keys = Object.keys(v);
	assert.ok(!keys.includes('choice'), `${where}: a choice field`);
	if (keys.some((k) => ['member', 'username', 'member_id', 'actor', 'actor_user_id'].includes(k)))
		assert.ok(!keys.some((k) => ['agree', 'disagree', 'abstain'].includes(k)), `${where}: ${JSON.stringify(v)}`);
	for (const k of keys)
		noChoice(v[k], where);
}

describe('the secret ballot: nothing any program can read links a member to a choice', () => {
	let X, Y, six, id;
	const logSizes = new Map();
	const LOG = path.join(VAR, 'log');

	before(async () => {
		// application ids of their own kind, so that no other number in a row is mistaken for them
		await sql(`SELECT setval('application_id_seq', greatest(nextval('application_id_seq'), 50000000))`);
		[X, Y] = await atStep(2);
		six = await addMembers(office, 'county', 6, '金华市城建开发有限公司');
		await only(six);
		id = await meeting([X, Y], six, '保密表决');
		for (const f of readdirSync(LOG))
			logSizes.set(f, statSync(path.join(LOG, f)).size);
		await sql(`CREATE TEMP TABLE IF NOT EXISTS snap (phase text, role text, tbl text, j text)`);
		await sql(READABLE);
		await sql(SNAP);
		await sql(`TRUNCATE pg_temp.snap`);
		await sql(`SELECT pg_temp.snap('before', ${lit(`{${ROLES}}`)})`);
	});

	// X and Y get the same votes from the same members in another order of choices
	const plan = {
		X: ['agree', 'agree', 'agree', 'agree', 'disagree', 'abstain'],
		Y: ['abstain', 'disagree', 'agree', 'agree', 'agree', 'agree'],
	};

	test('while the ballot is open, what every role reads moves the same for X as for Y', async (t) => {
		assert.equal((await office.post(`/meetings/${id}/open`)).status, 200);
		for (let i = 0; i < 3; i++)
			for (const [app, k] of [[X, 'X'], [Y, 'Y']])
				assert.equal((await vote(six[i], id, app, plan[k][i])).status, 200);
		await sql(`SELECT pg_temp.snap('open', ${lit(`{${ROLES}}`)})`);
		const d = await delta('before', 'open');
		assert.deepEqual(asymmetric(d, X, Y), []);
		// the votes did reach what the office reads (who voted), so the comparison saw them
		assert.equal(d.portal_county.ballot_cast.length, 6);
		t.diagnostic(`changed while open: ${Object.entries(d).map(([r, ts]) => `${r}: ${Object.keys(ts).join(' ')}`).join('; ')}`);
	});

	test('after the ballot closed, too; and no program role has any privilege on the counters', async (t) => {
		for (let i = 3; i < 6; i++)
			for (const [app, k] of [[X, 'X'], [Y, 'Y']])
				assert.equal((await vote(six[i], id, app, plan[k][i])).status, 200);
		const c = await office.post(`/meetings/${id}/close`);
		const tally = (a) => { const x = c.json.agenda.find((y) => y.id === a); return [x.agree, x.disagree, x.abstain]; };
		assert.deepEqual([tally(X), tally(Y)], [[4, 1, 1], [4, 1, 1]]);
		await sql(`SELECT pg_temp.snap('closed', ${lit(`{${ROLES}}`)})`);
		const d = await delta('before', 'closed');
		assert.deepEqual(asymmetric(d, X, Y), []);
		assert.equal(d.portal_county.ballot_cast.length, 12);
		// every table and column each role may read, for the record
		for (const role of ROLES) {
			const tables = await sqlRows(`SELECT tbl FROM pg_temp.readable(${lit(role)}, true) ORDER BY 1`);
			t.diagnostic(`${role} reads ${tables.length} tables: ${tables.map((x) => x[0]).join(' ')}`);
			assert.ok(!tables.some((x) => x[0] === 'ballot_tally'), role);
			for (const p of ['SELECT', 'INSERT', 'UPDATE', 'DELETE'])
				assert.equal(await sql(`SELECT has_table_privilege(${lit(role)}, 'ballot_tally', '${p}')`), 'f', `${role} ${p}`);
			assert.equal(await sqlInt(`SELECT count(*) FROM pg_attribute WHERE attrelid = 'ballot_tally'::regclass
			    AND attnum > 0 AND has_column_privilege(${lit(role)}, attrelid, attnum, 'SELECT')`), 0);
		}
		// the counters are gone once the result is written
		assert.equal(await sqlInt(`SELECT count(*) FROM ballot_tally WHERE meeting_id = ${id}`), 0);
		// the only ways to the counters: three functions that return nothing
		const fns = await sqlRows(`SELECT p.proname, p.prorettype::regtype FROM pg_proc p
		    WHERE p.prosrc LIKE '%ballot_tally%' AND p.prosecdef ORDER BY 1`);
		assert.deepEqual(fns, [['ballot_close', 'void'], ['ballot_open', 'void'], ['cast_vote', 'void']]);
		for (const role of ROLES)
			assert.equal(await sqlInt(`SELECT count(*) FROM pg_proc p WHERE p.prosrc LIKE '%ballot_tally%'
			    AND NOT p.prosecdef AND has_function_privilege(${lit(role)}, p.oid, 'EXECUTE')`), 0);
	});

	test('the comparison does catch a link: a table of who chose what, readable by the city, is found', async () => {
		const choices = six.flatMap((m, i) => [[m.id, X, plan.X[i]], [m.id, Y, plan.Y[i]]]);
		await sql(`CREATE TABLE leak_probe AS SELECT * FROM (VALUES ${choices.map(([m, a, c]) => `(${m}::bigint, ${a}::bigint, '${c}')`).join(', ')})
		    AS v(member_id, application_id, choice) WITH NO DATA`);
		try {
			await sql(`SELECT pg_temp.snap('leak-before', '{portal_city}')`);
			await sql(`INSERT INTO leak_probe VALUES ${choices.map(([m, a, c]) => `(${m}, ${a}, '${c}')`).join(', ')}`);
			await sql(`GRANT SELECT ON leak_probe TO portal_city`);
			await sql(`SELECT pg_temp.snap('leak', '{portal_city}')`);
			const bad = asymmetric(await delta('leak-before', 'leak'), X, Y);
			assert.equal(bad.length, 1, bad.join('\n'));
			assert.match(bad[0], /^portal_city\.leak_probe: /);
		} finally {
			await sql(`DROP TABLE leak_probe`);
		}
	});

	test('no answer of the API says how anyone voted: the office, the members, the minutes, the audit log', async () => {
		const answers = {
			meeting: await office.get(`/meetings/${id}`),
			meetings: await office.get('/meetings'),
			committee: await office.get('/committee'),
			ballots: await six[0].s.get('/ballots'),
			ballot: await six[4].s.get(`/ballots/${id}`),
			audit: await (await loginAs('admin', 'admin')).get('/audit?action=ballot_vote'),
		};
		for (const [k, r] of Object.entries(answers)) {
			assert.equal(r.status, 200, `${k}: ${r.text}`);
			noChoice(r.json, k);
		}
		const votes = answers.audit.json.items.filter((x) => [X, Y].includes(x.target_id));
		assert.equal(votes.length, 12);
		for (const v of votes)
			assert.deepEqual(v.detail, { meeting: id });
		const minutes = (await office.get(`/meetings/${id}/minutes.xhtml`)).text;
		assert.doesNotMatch(minutes, CHOICE);
		// a member's name appears only among those present (and absent), never in a row of the tally
		for (const m of six) {
			const at = [...minutes.matchAll(new RegExp(m.name, 'g'))].map((x) => x.index);
			assert.equal(at.length, 1, m.name);
			assert.ok(at[0] < minutes.indexOf('二、表决结果'));
		}
	});

	test('the logs (programs, nginx, PostgreSQL) hold no choice', async () => {
		const ids = new Set(six.flatMap((m) => [m.username, String(m.id)]));
		// nginx writes its access log in 64 KB blocks, at least every second
		// (conf/nginx.conf.in): the votes' lines are there a second later
		await sleep(1500);
		let lines = 0;
		for (const f of readdirSync(LOG)) {
			const p = path.join(LOG, f);
			if (!existsSync(p) || !statSync(p).isFile())
				continue;
			const text = readFileSync(p).subarray(logSizes.get(f) ?? 0).toString('utf8');
			for (const line of text.split('\n')) {
				lines++;
				assert.doesNotMatch(line, CHOICE, `${f}: ${line}`);
				if ([...ids].some((x) => line.includes(x)))
					assert.doesNotMatch(line, /同意|不同意|弃权/, `${f}: ${line}`);
			}
		}
		// the votes were logged as requests (nginx), so the logs were looked at where they are written
		const access = readFileSync(path.join(LOG, 'nginx-access.log')).subarray(logSizes.get('nginx-access.log') ?? 0)
			.toString('utf8');
		assert.ok(lines > 0);
		assert.match(access, new RegExp(`POST /api/county/ballots/${id}/vote HTTP/1.1" 200`));
	});
});
