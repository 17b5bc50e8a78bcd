// Two moves in opposite directions between the same two organisations, of
// applications on the same desk_tally shard (id % 8), must both go through.
// chain_write() used to take the tally rows in the order of its statements
// (the deciding organisation's, then the next one's), so that a county
// passing one application to its HR bureau while the bureau passed another
// back deadlocked: PostgreSQL aborted one after a second and the portal
// answered 409 to a move nothing stood against (found by zx-faults).
//
// Made deterministic here with three sessions of the superuser: B holds the
// desk row the first move writes last, so that the first move stops halfway;
// the second starts meanwhile; then B lets go.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { Psql, lit, lockWaiters as waiters, retire, sql, sqlInt } from './lib.mjs';
import {
	markerName, newPerson, sqlDrafts, sqlItem, sqlMove, sqlProfile, sqlUpload,
} from './trust.mjs';

const sessions = [];
let apps = [];

after(async () => {
	for (const s of sessions)
		s.proc?.kill();
	if (apps.length > 0)
		await retire(`id IN (${apps.join(', ')})`);
});

/* Runs a statement on a session of its own; the promise settles with its
 * output or its error text (never rejects). */
function start(s, text) {
	return s.run(text).then((out) => ({ out: out.trim() }), (err) => ({ err: err.message }));
}

test('a county and its HR bureau passing applications to each other at once: both moves go through', async () => {
	const p = await newPerson(markerName('Tally'));
	await sqlProfile(p.id);
	const upload = await sqlUpload(p.id), item = await sqlItem(p.id, 'approved');
	apps = await sqlDrafts(p.id, 9, { upload, item });
	// two of nine share a shard
	const byShard = new Map();
	for (const a of apps)
		byShard.set(a % 8, [...(byShard.get(a % 8) || []), a]);
	const [first, second] = [...byShard.values()].find((xs) => xs.length >= 2);

	// the first has been at the bureau before (its desk row there exists) and
	// is at the county's step 4; the second is at the bureau's step 5
	const up = async (app, from, to) => {
		for (let step = from; step < to; step++)
			await sqlMove(app, 'pass', step, { 2: 'unit_hongda', 3: 'unit_hongda', 4: 'wucheng_jsj', 5: 'wucheng_rsj',
				6: 'wucheng_jsj', 7: 'wucheng_cpw' }[step]);
	};
	await sqlMove(first, 'submit', 1, p.idcard);
	await up(first, 2, 8);
	await sqlMove(first, 'return', 8, 'jh_zpw', '退回补充材料');
	await sqlMove(first, 'submit', 1, p.idcard);
	await up(first, 2, 4);
	await sqlMove(second, 'submit', 1, p.idcard);
	await up(second, 2, 5);
	const org = async (u) => sqlInt(`SELECT org_id FROM app_user WHERE username = ${lit(u)}`);
	const user = async (u) => sqlInt(`SELECT id FROM app_user WHERE username = ${lit(u)}`);
	const [county, bureau] = [await org('wucheng_jsj'), await org('wucheng_rsj')];

	const [b, t1, t2] = [new Psql(), new Psql(), new Psql()];
	sessions.push(b, t1, t2);
	await b.run(`BEGIN; SELECT 1 FROM desk WHERE org_id = ${bureau} AND application_id = ${first} FOR UPDATE`);
	const m1 = start(t1, `SELECT to_step FROM chain_write(${first}, 'pass', 4, ${await user('wucheng_jsj')}, ${county},
	    '县级审查通过', NULL, 'county', NULL)`);
	await waiters(1);
	const m2 = start(t2, `SELECT to_step FROM chain_write(${second}, 'pass', 5, ${await user('wucheng_rsj')}, ${bureau},
	    '复审通过', NULL, 'hrb', NULL)`);
	await waiters(2);
	await b.run('COMMIT');
	const [r1, r2] = await Promise.all([m1, m2]);
	assert.deepEqual([r1, r2], [{ out: '5' }, { out: '6' }], 'both moves went through');
	assert.equal(await sql(`SELECT string_agg(step_seq::text, ',' ORDER BY id) FROM application
	    WHERE id IN (${first}, ${second})`), first < second ? '5,6' : '6,5');
});
