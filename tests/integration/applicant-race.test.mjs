// An autosave racing the submission (issue 11, finding 2): every content write
// takes the application's row lock and checks that it may still be edited, so
// the application under review is exactly what was submitted. Raced 50 times.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_APPLICANT, loginAs, retire, signPost, signToken, sql, sqlRows } from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import { signaturePng } from './applicant-fixtures.mjs';

const N = 50;
let apps = [];

after(async () => {
	if (apps.length > 0)
		await retire(`id IN (${apps.join(', ')})`);
});

describe('autosave at the moment of submission', () => {
	let s;

	before(async () => {
		apps = await newDrafts(N);
		s = await loginAs('applicant', DEMO_APPLICANT);
	});

	test(`${N} races of PUT …/info against POST …/submit: the submitted snapshot is what is under review`, async () => {
		const outcome = { saved: 0, refused: 0 };
		for (const [i, app] of apps.entries()) {
			const text = `本人述职（第 ${i} 次自动保存）`;
			const [save, submit] = await Promise.all([
				s.request('PUT', `/applications/${app}/info`, { json: { statement: text } }),
				s.post(`/applications/${app}/submit`),
			]);
			assert.equal(submit.status, 200, `submit ${app}: ${submit.text}`);
			assert.ok(save.status === 200 || save.status === 409, `autosave ${app}: ${save.status} ${save.text}`);
			if (save.status === 409)
				assert.match(save.json.error.message, /已提交/);
			const [[stored, snap, snaps]] = await sqlRows(`SELECT a.statement,
			    (SELECT data->>'statement' FROM application_snapshot WHERE application_id = a.id ORDER BY no DESC LIMIT 1),
			    (SELECT count(*) FROM application_snapshot WHERE application_id = a.id)
			    FROM application a WHERE a.id = ${app}`);
			assert.equal(snaps, '1');
			assert.equal(stored, snap, `application ${app} no longer matches its submitted snapshot`);
			// an autosave that was answered 200 was written before the submission, so it is in the snapshot
			if (save.status === 200) {
				assert.equal(snap, text);
				outcome.saved++;
			} else
				outcome.refused++;
		}
		assert.equal(outcome.saved + outcome.refused, N);
	});

	test('after submission every content write answers 409 and changes nothing', async () => {
		const app = apps[0];
		const before = await sql(`SELECT statement, method, photo_id, signature_id FROM application WHERE id = ${app}`);
		const writes = [
			s.request('PUT', `/applications/${app}/info`, { json: { statement: '改' } }),
			s.request('PUT', `/applications/${app}/recommenders`, { json: { recommenders: [] } }),
			s.request('PUT', `/applications/${app}/archive`, { json: { items: [] } }),
			s.request('PUT', `/applications/${app}/files`, { json: { kind: 'other', uploads: [] } }),
		];
		for (const r of await Promise.all(writes))
			assert.equal(r.status, 409, r.text);
		assert.equal(await sql(`SELECT statement, method, photo_id, signature_id FROM application WHERE id = ${app}`), before);
	});

	test('a signing link opened before the submission cannot sign after it', async () => {
		const [draft] = await newDrafts(1);
		apps.push(draft);
		const link = await s.post(`/applications/${draft}/sign-link`);
		assert.equal(link.status, 200, link.text);
		const tok = signToken(link.json.url);
		const sub = await s.post(`/applications/${draft}/submit`);
		assert.equal(sub.status, 200, sub.text);
		const signed = await sql(`SELECT signature_id FROM application WHERE id = ${draft}`);
		const phone = await signPost(tok, signaturePng());
		assert.equal(phone.status, 409, phone.text);
		assert.equal(await sql(`SELECT signature_id FROM application WHERE id = ${draft}`), signed);
	});
});
