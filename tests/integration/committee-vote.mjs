// A committee's meeting held through the API (lib/committee.c, lib/ballot.c), for suites that
// need a carried ballot: the office's three vote members (made once, with a first password
// their first login replaced with the demo password, named after the office's login), all present, each votes 同意 from their own login. The
// committee must have no other active member (committee.test.mjs puts its own back as it found
// them), unless alone is asked for: then the others (a demo's experts, `stack.sh demo`) are
// disabled first. Not a test file.
import assert from 'node:assert/strict';

import { FIRST_PASSWORD, Session, loginAs } from './lib.mjs';

/* Today's date and the minute now, in Asia/Shanghai: "YYYY-MM-DD HH:MM" (a meeting's ballot
 * opens at its time, not before: sql/040). */
export function soon() {
	return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
}

/*
 * Holds a meeting of office s (a session of the committee office's account of portal role)
 * on the applications apps, held by it at a vote step: agenda, attendance, open, every member
 * votes 同意 (or 不同意 on the applications listed in against), close; with settle, also
 * 按表决结果办理. login(role, username) gives a member's session. Returns the meeting's id.
 */
export async function holdVote(s, role, apps, { settle = false, login = loginAs, alone = false, against = [] } = {}) {
	const { id, voters } = await openBallot(s, role, apps, { alone });
	for (const v of voters) {
		const m = await login(role, v.username);
		for (const app of apps)
			ok(await m.post(`/ballots/${id}/vote`, { application: Number(app),
			    choice: against.map(Number).includes(Number(app)) ? 'disagree' : 'agree' }), 'vote');
	}
	const closed = ok(await s.post(`/meetings/${id}/close`), 'close');
	assert.ok(closed.agenda.every((x) => x.carried === !against.map(Number).includes(x.id)),
	    `vote: ${JSON.stringify(closed.agenda)}`);
	if (settle) {
		// carried out now, or handed to the step that publishes the result (sql/084)
		const r = ok(await s.post(`/meetings/${id}/settle`), 'settle');
		assert.deepEqual([r.passed + r.rejected + r.handed, r.failed], [apps.length, 0], JSON.stringify(r));
	}
	return id;
}

const ok = (r, what) => {
	assert.ok(r.status < 300, `vote: ${what}: ${r.status} ${r.text}`);
	return r.json;
};

/*
 * The meeting of holdVote() up to its open ballot: the three members made (or put back), all
 * present, the applications on the agenda. Returns { id, voters: [{ id, username }…] }.
 */
export async function openBallot(s, role, apps, { alone = false } = {}) {
	const office = s.me?.user?.username ?? ok(await s.get('/me'), 'me').user.username;
	const names = ['一', '二', '三'].map((n, i) => [`${office}_walk${i + 1}`, `表决委员${n}`]);
	let c = ok(await s.get('/committee'), 'committee');
	for (const [username, name] of names) {
		const m = c.members.find((x) => x.username === username);
		if (!m) {
			ok(await s.post('/committee/members', { username, name, specialty: '建筑工程',
			    employer: '金华市某设计院', mobile: '13800000000', password: FIRST_PASSWORD }), 'member');
			await new Session(role, { base: s.base }).firstLogin(username);
		} else if (m.disabled)
			ok(await s.post(`/committee/members/${m.id}/disable`, { disabled: false }), 'member back');
	}
	c = ok(await s.get('/committee'), 'committee');
	const voters = c.members.filter((x) => names.some(([u]) => u === x.username));
	for (const m of alone ? c.members.filter((x) => !x.disabled && !voters.includes(x)) : [])
		ok(await s.post(`/committee/members/${m.id}/disable`, { disabled: true }), 'member aside');
	if (alone)
		c = ok(await s.get('/committee'), 'committee');
	const others = c.members.filter((x) => !x.disabled && !voters.some((v) => v.id === x.id));
	assert.equal(others.length, 0, `vote: ${office} has other members: ${others.map((x) => x.username)}`);
	const { id } = ok(await s.post('/meetings', { title: '评审会议', starts_at: soon(), place: '会议室' }), 'meeting');
	assert.equal(ok(await s.post(`/meetings/${id}/agenda`, { items: apps.map(Number) }), 'agenda').added, apps.length);
	ok(await s.request('PUT', `/meetings/${id}/attendance`, { json: { present: voters.map((x) => x.id) } }), 'attendance');
	ok(await s.post(`/meetings/${id}/open`), 'open');
	return { id, voters };
}
