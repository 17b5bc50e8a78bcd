// A page's reads in one round trip (lib/db.c, db_batch_run: issue 10). When one statement of
// the batch fails, the page answers 500 with nothing of the others in it, and the worker's
// connection is whole again for the next request: the pipeline left, nothing half read, the
// statements still prepared. The failure is made by taking the programs' SELECT on a table that
// one statement of the batch reads (and only it), then giving it back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_APPLICANT, assertError, loginAs, retire, sql, workerPids } from './lib.mjs';
import { submittedDrafts } from './drafts.mjs';

let unit, app;
const created = [];

before(async () => {
	unit = await loginAs('unit', 'unit_hongda');
	const applicant = await loginAs('applicant', DEMO_APPLICANT);
	[app] = await submittedDrafts(applicant, 1, created);
});

after(async () => {
	await sql('GRANT SELECT ON recommender, checklist_item, desk_tally TO portal_app');
	if (created.length > 0)
		await retire(`id IN (${created.join(', ')})`);
});

/* Asks n times (enough to meet every worker of the program) and returns the answers. */
async function times(n, f) {
	const out = [];
	for (let i = 0; i < n; i++)
		out.push(await f());
	return out;
}

const rounds = () => 3 * (workerPids('unit')?.length || 4);

/* The detail page while take (SQL) holds: 500 on every worker with nothing
 * of its other reads; after giveBack, the same page as before. */
async function detailFailsThenWhole(take, giveBack) {
	const first = await unit.get(`/applications/${app}`);
	assert.equal(first.status, 200, first.text);
	assert.ok(first.json.checklist.length > 0 && first.json.history.length > 0);
	await sql(take);
	try {
		for (const r of await times(rounds(), () => unit.get(`/applications/${app}`))) {
			assertError(r, 500, 'internal');
			assert.equal(r.json.application, undefined, 'nothing of the batch\'s other reads');
		}
	} finally {
		await sql(giveBack);
	}
	for (const r of await times(rounds(), () => unit.get(`/applications/${app}`))) {
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, first.json);
	}
}

describe('a statement that fails inside a page\'s batch', () => {
	test('the detail page: 500 while the recommenders cannot be read, the same page as before after', () =>
		// (a statement in the middle of the batch: the application's recommenders)
		detailFailsThenWhole('REVOKE SELECT ON recommender FROM portal_app',
		    'GRANT SELECT ON recommender TO portal_app'));

	test('the detail page: 500 while the kept reference data cannot be read again, whole after', () =>
		// what the programs keep (lib/refnames.c) is read after the batch, when
		// ref_version has moved: the checklist is among it
		detailFailsThenWhole(`REVOKE SELECT ON checklist_item FROM portal_app;
		    UPDATE ref_version SET n = n + 1`, 'GRANT SELECT ON checklist_item TO portal_app'));

	test('the worklist: 500 while the tally cannot be read (its page read first), whole after', async () => {
		const first = await unit.get('/worklist');
		assert.equal(first.status, 200, first.text);
		assert.ok(first.json.items.length > 0);
		await sql('REVOKE SELECT ON desk_tally FROM portal_app');
		try {
			for (const r of await times(rounds(), () => unit.get('/worklist')))
				assertError(r, 500, 'internal');
		} finally {
			await sql('GRANT SELECT ON desk_tally TO portal_app');
		}
		for (const r of await times(rounds(), () => unit.get('/worklist'))) {
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.counts, first.json.counts);
			assert.deepEqual(r.json.items.map((i) => i.id), first.json.items.map((i) => i.id));
		}
	});
});
