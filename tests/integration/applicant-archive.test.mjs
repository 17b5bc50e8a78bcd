// Applicant portal, part 2: 业绩档案 (performance archive) and its review by
// the unit or talent centre (docs/api.md "业绩档案 — performance archive").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { HONGDA, assertError, lit, loginAs, sql, sqlInt, sqlRows } from './lib.mjs';
import {
	CENTRE, SJY, afterCleanup, approvedItem, completeProfile, itemBody, newApplicant, newApplication,
	orgId, putProfile, uploadPdf,
} from './applicant-fixtures.mjs';

after(afterCleanup);

let hongda, sjy, rcjl, hongdaOrg, centreOrg;

before(async () => {
	hongda = await loginAs('unit', 'unit_hongda');
	sjy = await loginAs('unit', 'unit_sjy');
	rcjl = await loginAs('unit', 'jh_rcjl');
	hongdaOrg = await orgId(HONGDA);
	centreOrg = await orgId(CENTRE);
});

const itemRow = async (id) => (await sqlRows(`SELECT status, reviewer_org_id, coalesce(reason, ''),
    coalesce(previous_id::text, ''), title FROM archive_item WHERE id = ${id}`))[0] ?? null;
const countItems = (owner) => sqlInt(`SELECT count(*) FROM archive_item WHERE owner_id = ${owner}`);
const mine = async (s) => {
	const r = await s.get('/archive');
	assert.equal(r.status, 200, r.text);
	return r.json.items;
};
const unitList = async (u, status = 'all') => {
	const r = await u.get(`/archive?status=${status}`);
	assert.equal(r.status, 200, r.text);
	return r.json.items;
};

describe('adding items', () => {
	test('without a unit in the profile: 400, nothing stored', async () => {
		const a = await newApplicant();
		const e = assertError(await a.s.post('/archive', itemBody()), 400, 'invalid_field');
		assert.match(e.message, /现工作单位/);
		await putProfile(a.s, { education: '大学本科' });	// a profile row, still no unit
		assertError(await a.s.post('/archive', itemBody()), 400, 'invalid_field');
		assert.equal(await countItems(a.id), 0);
	});

	test('with a unit: 201 pending, reviewed by the unit; the item reads back as sent', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		const up = await uploadPdf(a.s, '施工许可证.pdf');
		const body = itemBody({ attachments: [up], collective: true, kind: 'award', level: '省级' });
		const r = await a.s.post('/archive', body);
		assert.equal(r.status, 201, r.text);
		const it = r.json.item;
		assert.deepEqual([it.kind, it.kind_name, it.title, it.date, it.role, it.org, it.number, it.level,
			it.description, it.collective, it.status, it.status_name, it.reason, it.previous_id],
		    ['award', '获奖', body.title, body.date, body.role, body.org, body.number, '省级', body.description,
			true, 'pending', '待审核', '', null]);
		assert.deepEqual(it.attachments, [{ id: up, name: '施工许可证.pdf', type: 'application/pdf', size: it.attachments[0].size }]);
		assert.deepEqual(await itemRow(it.id), ['pending', String(hongdaOrg), '', '', body.title]);
		assert.deepEqual((await mine(a.s)).map((i) => i.id), [it.id]);
		// the unit sees it, with the owner's name, and may read its attachment
		const listed = (await unitList(hongda, 'pending')).find((i) => i.id === it.id);
		assert.ok(listed, 'unit_hongda does not list the pending item');
		assert.equal(listed.owner, a.name);
		const f = await hongda.get(`/uploads/${up}`);
		assert.equal(f.status, 200);
		assert.match(f.text, /^%PDF-/);
	});

	test('field errors are 400 with the field; nothing stored', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		const tomorrow = await sql(`SELECT to_char(current_date + 1, 'YYYY-MM-DD')`);
		for (const [field, value] of [['kind', 'thesis'], ['title', '短'], ['date', tomorrow], ['date', '2021-02-29'],
			['collective', 'yes'], ['attachments', [0]], ['attachments', ['1']], ['attachments', Array(11).fill(1)]])
			assertError(await a.s.post('/archive', itemBody({ [field]: value })), 400, 'invalid_field', field);
		const { kind, ...noKind } = itemBody();
		void kind;
		assertError(await a.s.post('/archive', noKind), 400, 'invalid_field', 'kind');
		assertError(await a.s.post('/archive', { ...itemBody(), owner_id: 1 }), 400, 'unknown_field', 'owner_id');
		assert.equal(await countItems(a.id), 0);
	});

	test('attachments that belong to another user: 400, nothing stored or changed', async () => {
		const a = await newApplicant(), b = await newApplicant();
		await putProfile(a.s, await completeProfile());
		const own = await uploadPdf(a.s), theirs = await uploadPdf(b.s);
		const e = assertError(await a.s.post('/archive', itemBody({ attachments: [own, theirs] })),
		    400, 'invalid_field', 'attachments');
		assert.equal(e.message, '只能使用本人上传的文件，请重新上传');
		assertError(await a.s.post('/archive', itemBody({ attachments: [999999999] })), 400, 'invalid_field', 'attachments');
		// one's own file twice is said as that, not as someone else's (the static analysis)
		const twice = assertError(await a.s.post('/archive', itemBody({ attachments: [own, own] })),
		    400, 'invalid_field', 'attachments');
		assert.equal(twice.message, '同一文件不能重复添加');
		assert.equal(await countItems(a.id), 0);
		const ok = await a.s.post('/archive', itemBody({ attachments: [own] }));
		assert.equal(ok.status, 201, ok.text);
		assertError(await a.s.request('PUT', `/archive/${ok.json.item.id}`, { json: itemBody({ attachments: [theirs] }) }),
		    400, 'invalid_field', 'attachments');
		assert.equal(await sql(`SELECT attachments FROM archive_item WHERE id = ${ok.json.item.id}`), `{${own}}`);
		// nor may b read a's file, or edit a's item
		assertError(await b.s.get(`/uploads/${own}`), 404, 'not_found');
		assertError(await b.s.request('PUT', `/archive/${ok.json.item.id}`, { json: itemBody() }), 404, 'not_found');
		assertError(await b.s.request('DELETE', `/archive/${ok.json.item.id}`), 404, 'not_found');
		assert.equal(await countItems(a.id), 1);
	});
});

describe('review by the unit, versions', () => {
	let a, item, app;
	const reason = `证明材料不清晰-${Date.now()}`;

	before(async () => {
		a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		item = (await a.s.post('/archive', itemBody())).json.item;
		app = (await newApplication(a.s)).application.id;
	});

	test('another unit neither sees nor reviews it (404)', async () => {
		assert.ok(!(await unitList(sjy)).some((i) => i.id === item.id), 'unit_sjy lists unit_hongda\'s item');
		for (const body of [{ action: 'approve' }, { action: 'reject', reason: '不属于本单位' }]) {
			const e = assertError(await sjy.post(`/archive/${item.id}/review`, body), 404, 'not_found');
			assert.equal(e.message, '业绩不存在或不属于本单位人员');
		}
		assertError(await rcjl.post(`/archive/${item.id}/review`, { action: 'approve' }), 404, 'not_found');
		assert.equal((await itemRow(item.id))[0], 'pending');
	});

	test('reject without a reason is 400; a wrong action is 400', async () => {
		for (const body of [{ action: 'reject' }, { action: 'reject', reason: '' }, { action: 'reject', reason: ' \u3000\n' }]) {
			const e = assertError(await hongda.post(`/archive/${item.id}/review`, body), 400, 'invalid_field', 'reason');
			assert.equal(e.message, '请填写不通过的理由');
		}
		assertError(await hongda.post(`/archive/${item.id}/review`, { action: 'pass' }), 400, 'invalid_field', 'action');
		assertError(await hongda.post(`/archive/${item.id}/review`, { action: 'approve' }, { csrf: false }), 403, 'csrf');
		assert.deepEqual((await itemRow(item.id)).slice(0, 3), ['pending', String(hongdaOrg), '']);
	});

	test('a pending item cannot be picked for an application (400)', async () => {
		const e = assertError(await a.s.request('PUT', `/applications/${app}/archive`, { json: { items: [{ item_id: item.id }] } }),
		    400, 'invalid_field', 'items');
		assert.match(e.message, /尚未通过单位审核/);
		assert.equal(await sqlInt(`SELECT count(*) FROM application_archive WHERE application_id = ${app}`), 0);
	});

	test('reject with a reason: rejected, the reason shown to the applicant, a notification', async () => {
		const notes = await sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${a.id}`);
		const r = await hongda.post(`/archive/${item.id}/review`, { action: 'reject', reason });
		assert.equal(r.status, 200, r.text);
		const seen = (await mine(a.s)).find((i) => i.id === item.id);
		assert.deepEqual([seen.status, seen.status_name, seen.reason], ['rejected', '未通过', reason]);
		assert.equal(await sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${a.id}`), notes + 1);
		assert.equal(await sqlInt(`SELECT count(*) FROM notification WHERE user_id = ${a.id}
		    AND strpos(body, ${lit(reason)}) > 0 AND strpos(body, ${lit(item.title)}) > 0`), 1);
		// named by its kind too (a 年度考核's title is its year: “《2022》” said nothing)
		assert.equal(await sqlInt(`SELECT count(*) FROM notification n, archive_item i JOIN archive_kind k ON k.code = i.kind
		    WHERE n.user_id = ${a.id} AND i.id = ${item.id} AND strpos(n.body, '您的业绩档案（' || k.name || '）《' || i.title || '》') > 0`), 1);
		// decided: a second decision is 409
		assertError(await hongda.post(`/archive/${item.id}/review`, { action: 'approve' }), 409, 'conflict');
	});

	test('editing a rejected item puts it back to pending, in place', async () => {
		const r = await a.s.request('PUT', `/archive/${item.id}`, { json: itemBody({ title: `${item.title}（补充材料）` }) });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.item.id, item.id);
		assert.deepEqual([r.json.item.status, r.json.item.reason, r.json.item.previous_id], ['pending', '', null]);
		assert.deepEqual((await itemRow(item.id)).slice(0, 4), ['pending', String(hongdaOrg), '', '']);
		assert.equal(await sql(`SELECT reviewed_by IS NULL FROM archive_item WHERE id = ${item.id}`), 't');
		item = r.json.item;
	});

	test('approve: approved, and it can be picked', async () => {
		const r = await hongda.post(`/archive/${item.id}/review`, { action: 'approve' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual((await itemRow(item.id)).slice(0, 3), ['approved', String(hongdaOrg), '']);
		assert.equal((await mine(a.s)).find((i) => i.id === item.id).status_name, '已通过');
		assert.equal(await sql(`SELECT reviewed_by FROM archive_item WHERE id = ${item.id}`),
		    String(await sqlInt(`SELECT id FROM app_user WHERE username = 'unit_hongda'`)));
		const p = await a.s.request('PUT', `/applications/${app}/archive`, { json: { items: [{ item_id: item.id }] } });
		assert.equal(p.status, 200, p.text);
		assert.deepEqual(p.json.application.archive.map((x) => [x.item_id, x.status]), [[item.id, 'approved']]);
	});

	test('DELETE of an approved item is 409; it stays', async () => {
		const e = assertError(await a.s.request('DELETE', `/archive/${item.id}`), 409, 'conflict');
		assert.match(e.message, /已用于申报|只能删除待审核或未通过的业绩/);
		assert.equal((await itemRow(item.id))[0], 'approved');
	});

	test('another applicant deleting it gets 404, as for an id that does not exist, not its state', async () => {
		const b = await newApplicant();
		const missing = await b.s.request('DELETE', '/archive/999999999');
		assertError(missing, 404, 'not_found');
		const del = await b.s.request('DELETE', `/archive/${item.id}`);
		assert.deepEqual([del.status, del.json], [missing.status, missing.json],
		    'an approved item of another, used in an application, answers differently from a missing one');
		assert.equal((await itemRow(item.id))[0], 'approved');
	});

	let v2;
	test('PUT on an approved item makes a new pending version; the approved one stays usable', async () => {
		const title = `${item.title}（第二版）`;
		const r = await a.s.request('PUT', `/archive/${item.id}`, { json: itemBody({ title }) });
		assert.equal(r.status, 201, `a new version is created: ${r.status} ${r.text}`);
		v2 = r.json.item;
		assert.notEqual(v2.id, item.id);
		assert.deepEqual([v2.status, v2.previous_id, v2.title], ['pending', item.id, title]);
		assert.deepEqual(await itemRow(item.id), ['approved', String(hongdaOrg), '', '', item.title]);
		assert.deepEqual((await mine(a.s)).map((i) => [i.id, i.status]).sort(),
		    [[item.id, 'approved'], [v2.id, 'pending']].sort());
		// a second edit revises the pending version, it does not start a third
		const again = await a.s.request('PUT', `/archive/${item.id}`, { json: itemBody({ title: `${title}修订` }) });
		assert.ok(again.status === 200 || again.status === 201, again.text);
		assert.equal(again.json.item.id, v2.id);
		assert.equal(await countItems(a.id), 2);
		// the approved version is still the one an application can use
		const p = await a.s.request('PUT', `/applications/${app}/archive`, { json: { items: [{ item_id: item.id }] } });
		assert.equal(p.status, 200, p.text);
		assertError(await a.s.request('PUT', `/applications/${app}/archive`, { json: { items: [{ item_id: v2.id }] } }),
		    400, 'invalid_field', 'items');
		assert.deepEqual(checkArchive(await a.s.get(`/applications/${app}`)), []);
	});

	test('approving the new version supersedes the old one, which disappears from GET archive', async () => {
		const r = await hongda.post(`/archive/${v2.id}/review`, { action: 'approve' });
		assert.equal(r.status, 200, r.text);
		assert.equal((await itemRow(item.id))[0], 'superseded');
		assert.equal((await itemRow(v2.id))[0], 'approved');
		assert.deepEqual((await mine(a.s)).map((i) => [i.id, i.status, i.previous_id]), [[v2.id, 'approved', item.id]]);
		assert.ok(!(await unitList(hongda)).some((i) => i.id === item.id), 'the unit still lists the superseded version');
		const e = assertError(await a.s.request('PUT', `/archive/${item.id}`, { json: itemBody() }), 409, 'conflict');
		assert.match(e.message, /旧版本/);
		// chosen again, the old version is named as what it is, not as not yet approved
		const old = assertError(await a.s.request('PUT', `/applications/${app}/archive`,
		    { json: { items: [{ item_id: item.id }] } }), 400, 'invalid_field', 'items');
		assert.match(old.message, /^业绩《.+》已有通过审核的新版本，请选择新版本$/);
		assertError(await a.s.request('DELETE', `/archive/${item.id}`), 409, 'conflict');
	});

	test('DELETE of a pending or rejected item that no application uses: 200, gone', async () => {
		const p = (await a.s.post('/archive', itemBody())).json.item;
		const d = await a.s.request('DELETE', `/archive/${p.id}`);
		assert.equal(d.status, 200, d.text);
		assert.equal(await itemRow(p.id), null);
		const q = (await a.s.post('/archive', itemBody())).json.item;
		await hongda.post(`/archive/${q.id}/review`, { action: 'reject', reason: '重复' });
		assert.equal((await a.s.request('DELETE', `/archive/${q.id}`)).status, 200);
		assert.equal(await itemRow(q.id), null);
		assertError(await a.s.request('DELETE', `/archive/${q.id}`), 404, 'not_found');
	});
});

describe('an approved item edited in two places at once', () => {
	// (the concurrency probe: three edits at once made three pending versions, and the unit's
	// approval of each left three approved copies of one achievement)
	test('one revision waits; the edits that lose are 409, none makes a second', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile());
		const item = await approvedItem(a.s, hongda);
		const other = await loginAs('applicant', a.idcard, a.password);
		const rs = await Promise.all([a.s, other, a.s, other].map((s, i) =>
			s.request('PUT', `/archive/${item.id}`, { json: itemBody({ title: `${item.title}（修改${i}）` }) })));
		assert.ok(rs.every((r) => [200, 201, 409].includes(r.status)), rs.map((r) => r.text).join('\n'));
		assert.equal(rs.filter((r) => r.status === 201).length, 1, rs.map((r) => r.status).join(' '));
		for (const r of rs.filter((x) => x.status === 409))
			assert.match(r.json.error.message, /请刷新后/);
		assert.equal(await sqlInt(`SELECT count(*) FROM archive_item WHERE previous_id = ${item.id}
		    AND status IN ('pending', 'rejected')`), 1);
	});
});

/* The archive entries of the check of a GET applications/:id reply. */
function checkArchive(r) {
	assert.equal(r.status, 200, r.text);
	return r.json.check.filter((c) => c.field === 'archive' && !/至少选择一项/.test(c.message));
}

describe('custody by the talent centre', () => {
	test('items go to jh_rcjl\'s centre, not to the employer', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile({ custody: 'talent_centre', centre_id: centreOrg }));
		const r = await a.s.post('/archive', itemBody());
		assert.equal(r.status, 201, r.text);
		const id = r.json.item.id;
		assert.equal((await itemRow(id))[1], String(centreOrg));
		assert.ok((await unitList(rcjl, 'pending')).some((i) => i.id === id && i.owner === a.name), 'jh_rcjl does not list it');
		assert.ok(!(await unitList(hongda)).some((i) => i.id === id), 'the employer lists it');
		assertError(await hongda.post(`/archive/${id}/review`, { action: 'approve' }), 404, 'not_found');
		const ok = await rcjl.post(`/archive/${id}/review`, { action: 'approve' });
		assert.equal(ok.status, 200, ok.text);
		assert.equal((await itemRow(id))[0], 'approved');
		// the centre keeps the 人事档案; it is not the person's employer (the clerk's-week walk)
		const told = () => sql(`SELECT body FROM notification WHERE user_id = ${a.id} ORDER BY id DESC LIMIT 1`);
		assert.match(await told(), /^【职称申报】金华市人才交流中心已确认代理您的人事档案；您的业绩档案\S+《.+》已通过单位审核/);
		const b = await newApplicant();
		await putProfile(b.s, await completeProfile({ custody: 'talent_centre', centre_id: centreOrg }));
		// the centre reads whose employee it is asked to keep the file of (a walk: it could not)
		const listed = (await rcjl.get('/people')).json.items.find((p) => p.id === b.id);
		assert.deepEqual([listed.custody, listed.employer], ['talent_centre', HONGDA]);
		assert.equal((await rcjl.post(`/people/${b.id}/refuse`, { reason: '档案不在本中心' })).status, 200);
		assert.equal(await sql(`SELECT body FROM notification WHERE user_id = ${b.id} ORDER BY id DESC LIMIT 1`),
		    '【职称申报】金华市人才交流中心未确认代理您的人事档案，理由：档案不在本中心。请登录平台在“个人基本信息”中重新选择“人事档案存放”和人才交流中心。');
	});

	test('an applicant of unit_sjy\'s org is reviewed by unit_sjy', async () => {
		const a = await newApplicant();
		await putProfile(a.s, await completeProfile({ unit_id: await orgId(SJY) }));
		const it = await approvedItem(a.s, sjy);
		assert.equal((await itemRow(it.id))[1], String(await orgId(SJY)));
		assert.equal((await itemRow(it.id))[0], 'approved');
	});
});
