// An autosave racing the submission (issue 11, finding 2): every content write
// takes the application's row lock and checks that it may still be edited, so
// the application under review is exactly what was submitted. Raced 50 times.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_APPLICANT, loginAs, retire, signPost, signToken, sql, sqlRows } from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import { signaturePng, uploadPdf } from './applicant-fixtures.mjs';

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

// Two windows (or devices) of one draft: each part of the draft has a digest
// (application.revs); a save naming the digest its edit was typed over is refused
// with 409 field "rev" when another window saved that part since, and writes
// nothing; a save naming none overwrites as before (API clients).
describe('two windows of one draft: a save over what the other window saved is refused', () => {
	let s, app;

	before(async () => {
		s = await loginAs('applicant', DEMO_APPLICANT);
		[app] = await newDrafts(1);
		apps.push(app);
	});

	const revs = async () => {
		const r = await s.get(`/applications/${app}`);
		assert.equal(r.status, 200, r.text);
		return r.json.application.revs;
	};
	const put = (part, json) => s.request('PUT', `/applications/${app}/${part}`, { json });
	const stored = () => sql(`SELECT coalesce(statement, '') FROM application WHERE id = ${app}`);

	test('info: window B, loaded before A saved, is refused and the text of A stays', async () => {
		const seen = await revs(); // both windows open on this
		const a = await put('info', { statement: '甲窗口写的述职', rev: seen.info });
		assert.equal(a.status, 200, a.text);
		assert.notEqual(a.json.application.revs.info, seen.info);
		const b = await put('info', { statement: '乙窗口写的述职', rev: seen.info });
		assert.equal(b.status, 409, b.text);
		assert.equal(b.json.error.field, 'rev');
		assert.match(b.json.error.message, /其他窗口或设备/);
		assert.equal(await stored(), '甲窗口写的述职');
		// B chose its own text: it saves over the digest it now has
		const again = await put('info', { statement: '乙窗口写的述职', rev: a.json.application.revs.info });
		assert.equal(again.status, 200, again.text);
		assert.equal(await stored(), '乙窗口写的述职');
		// one window's consecutive saves each name the digest the last one answered
		const next = await put('info', { statement: '乙窗口接着写', rev: again.json.application.revs.info });
		assert.equal(next.status, 200, next.text);
		// without a digest a save overwrites, as it always did
		const plain = await put('info', { statement: '不带版本的保存' });
		assert.equal(plain.status, 200, plain.text);
		assert.equal(await stored(), '不带版本的保存');
	});

	test('the step a window is on is no edit: it changes no digest', async () => {
		const seen = await revs();
		const w = await put('info', { wizard_step: 4 });
		assert.equal(w.status, 200, w.text);
		assert.equal(w.json.application.revs.info, seen.info);
		const ok = await put('info', { statement: '换步后的述职', rev: seen.info });
		assert.equal(ok.status, 200, ok.text);
	});

	test('parts are apart: a save of the files of one kind does not refuse another part', async () => {
		const seen = await revs();
		const f = await put('files', { kind: 'other', uploads: [await uploadPdf(s)], rev: seen['files-other'] });
		assert.equal(f.status, 200, f.text);
		assert.notEqual(f.json.application.revs['files-other'], seen['files-other']);
		assert.equal(f.json.application.revs['files-summary'], seen['files-summary']);
		const i = await put('info', { statement: '附件之后的述职', rev: seen.info });
		assert.equal(i.status, 200, i.text);
		// the other window's choice of files, typed over the old list, is refused
		const before = await sql(`SELECT string_agg(upload_id::text, ',') FROM application_file WHERE application_id = ${app}`);
		const g = await put('files', { kind: 'other', uploads: [], rev: seen['files-other'] });
		assert.equal(g.status, 409, g.text);
		assert.equal(g.json.error.field, 'rev');
		assert.equal(await sql(`SELECT string_agg(upload_id::text, ',') FROM application_file WHERE application_id = ${app}`), before);
		for (const [part, body] of [['recommenders', { recommenders: [] }], ['archive', { items: [] }]]) {
			const r = await put(part, { ...body, rev: 'ffffffffffffffff' });
			assert.equal(r.status, 409, `${part}: ${r.text}`);
			assert.equal(r.json.error.field, 'rev');
			const ok = await put(part, { ...body, rev: seen[part] });
			assert.equal(ok.status, 200, `${part}: ${ok.text}`);
		}
	});

	test('a digest that is not one is 400 and names the field', async () => {
		for (const rev of ['xyz', 'FFFFFFFFFFFFFFFF', '0'.repeat(17), 12]) {
			const r = await put('info', { statement: '坏版本', rev });
			assert.equal(r.status, 400, `${rev}: ${r.text}`);
			assert.equal(r.json.error.field, 'rev');
		}
	});
});
