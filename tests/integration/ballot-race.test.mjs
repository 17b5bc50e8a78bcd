// A recusal and the same member's vote in the same instant: one after the other, never both.
// A probe sent each member's vote and the office's recusal of that member at once: for two of
// five, both went through, and the minutes listed as recused members whose votes were counted
// (the recusal's check and cast_vote()'s each held the meeting's row FOR SHARE, which does not
// keep the other out). Made deterministic with a session of the superuser that holds one of
// the two half done.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { DEMO_APPLICANT, Psql, assertError, lockWaiters, loginAs, retire, sql } from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import { clerk, walk } from './walk.mjs';
import { openBallot } from './committee-vote.mjs';

const sessions = [];
let app, office, meeting, voters;

before(async () => {
	const applicant = await loginAs('applicant', DEMO_APPLICANT);
	[app] = await newDrafts(1);
	assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
	await walk(app, 10);
	office = await clerk('city', 'jh_zpw');
	({ id: meeting, voters } = await openBallot(office, 'city', [app]));
});

after(async () => {
	for (const s of sessions)
		s.proc?.kill();
	if (meeting)
		await office.post(`/meetings/${meeting}/close`);
	if (app)
		await retire(`id = ${app}`);
});

test('the office recuses a member whose vote is being cast: the recusal waits, then is refused', async () => {
	const v = new Psql();
	sessions.push(v);
	await v.run(`BEGIN; SELECT cast_vote(${meeting}, ${app}, ${voters[0].id}, 'agree')`);
	const recusal = office.post(`/meetings/${meeting}/recusals`, { application: app, member: voters[0].id,
		reason: '与申报人曾在同一项目共事' });
	await lockWaiters(1);
	await v.run('COMMIT');
	const e = assertError(await recusal, 409, 'conflict');
	assert.equal(e.message, '已对该申报投票，不能再登记回避');
	assert.equal(await sql(`SELECT count(*) FROM meeting_recusal WHERE meeting_id = ${meeting}`), '0');
});

test('a member votes while the office records their recusal: the vote waits, then is refused', async () => {
	const r = new Psql();
	sessions.push(r);
	await r.run(`BEGIN; SELECT 1 FROM committee_meeting WHERE id = ${meeting} FOR UPDATE;
	    INSERT INTO meeting_recusal (meeting_id, application_id, member_id, reason, declared_by)
	    VALUES (${meeting}, ${app}, ${voters[1].id}, '与申报人曾在同一项目共事', ${office.me.user.id})`);
	const m = await clerk('city', voters[1].username);
	const vote = m.post(`/ballots/${meeting}/vote`, { application: app, choice: 'agree' });
	await lockWaiters(1);
	await r.run('COMMIT');
	const e = assertError(await vote, 409, 'conflict');
	assert.match(e.message, /您已回避该申报的评审，不能投票/);
	assert.equal(await sql(`SELECT count(*) FROM ballot_cast WHERE meeting_id = ${meeting}`), '1');
});
