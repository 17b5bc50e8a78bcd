// Applicant portal, part 3: the wizard's drafts and the pre-submission check
// (cgi-bin/applicant/check.c): every rule, each boundary both ways, the
// attachment rules of each 申报方式, and a refused submission.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_APPLICANT, assertError, loginAs, retire, sql, sqlInt, sqlRows } from './lib.mjs';
import { newDrafts } from './drafts.mjs';
import {
	SJY, afterCleanup, approvedItem, checkFor, completeProfile, newApplicant, newApplication, newOrg,
	newUscc, orgId, putProfile, sqlDate, uploadPdf,
} from './applicant-fixtures.mjs';

after(afterCleanup);

const COMMITTEE_MID = '金华市建设工程技术人员工程师职务任职资格评审委员会办公室';

let a, app, hongda;
const get = async () => {
	const r = await a.s.get(`/applications/${app}`);
	assert.equal(r.status, 200, r.text);
	return r.json;
};
const put = async (what, body) => {
	const r = await a.s.request('PUT', `/applications/${app}/${what}`, { json: body });
	assert.equal(r.status, 200, `PUT ${what} ${JSON.stringify(body).slice(0, 200)}: ${r.text.slice(0, 400)}`);
	return r.json;
};
const info = (body) => put('info', body);
const messages = (reply, field) => checkFor(reply, field).map((c) => c.message);

before(async () => {
	hongda = await loginAs('unit', 'unit_hongda');
	a = await newApplicant();
	await putProfile(a.s, await completeProfile());
	app = (await newApplication(a.s)).application.id;
});

describe('drafts (PUT info) and the statement', () => {
	test('a new application: the check lists every missing part, with the wizard step', async () => {
		const r = await get();
		assert.deepEqual(r.check.map((c) => [c.step, c.field]), [
			[1, 'photo'], [2, 'signature'], [3, 'statement'], [3, 'category'], [3, 'specialty'],
			[3, 'accept_org_id'], [3, 'method'], [4, 'archive'], [5, 'm_education'], [5, 'm_title'],
			[6, 'summary'], [6, 'experience'],
		]);
		assert.equal(r.application.editable, true);
		assert.deepEqual(r.application.fee, { amount: 260, paid_at: null, due: false, required: true, step: 4, pay_by: null, late: false,
		    items: [{ name: '推荐费', amount: 80 }, { name: '评审费', amount: 180 }] });
	});

	test('a statement of exactly 1000 characters is accepted; 1001 is 400 (field statement), nothing changed', async () => {
		const s1000 = '述'.repeat(1000);
		const r = await info({ statement: s1000, wizard_step: 3 });
		assert.equal(r.application.statement, s1000);
		assert.equal(r.application.wizard_step, 3);
		assert.deepEqual(messages(r, 'statement'), []);
		const e = assertError(await a.s.request('PUT', `/applications/${app}/info`, { json: { statement: '述'.repeat(1001), category: 'planning' } }),
		    400, 'invalid_field', 'statement');
		assert.match(e.message, /1001/);
		assert.deepEqual(await sqlRows(`SELECT length(statement), coalesce(category, '-') FROM application WHERE id = ${app}`),
		    [['1000', '-']]);
		// absent fields keep their value, "" clears
		const c = await info({ category: 'construction' });
		assert.equal(c.application.statement, s1000);
		assert.equal(c.application.category, 'construction');
		const cleared = await info({ statement: '' });
		assert.equal(cleared.application.statement, null);
		assert.deepEqual(messages(cleared, 'statement'), ['请填写本人述职（专业工作业绩情况，限 1000 字以内）']);
		await info({ statement: '本人任职以来主持完成多项住宅工程施工技术管理工作。' });
	});

	test('the 1000 characters are counted as a reader sees them, not in code points', async () => {
		// each of these is one character on the page: é as e + U+0301, a family
		// joined by ZWJ, a flag, a thumb with a skin tone, a heart with VS16
		const one = ['e\u0301', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}', '\u{1F1E8}\u{1F1F3}',
		    '\u{1F44D}\u{1F3FD}', '\u2764\uFE0F'];
		for (const g of one) {
			const s1000 = '述'.repeat(999) + g;
			const r = await info({ statement: s1000 });
			assert.equal(r.application.statement, s1000, JSON.stringify(g));
			assert.deepEqual(messages(r, 'statement'), [], JSON.stringify(g));
			const e = assertError(await a.s.request('PUT', `/applications/${app}/info`, { json: { statement: s1000 + g } }),
			    400, 'invalid_field', 'statement');
			assert.equal(e.message, '本人述职不能超过 1000 字（当前 1001 字）', JSON.stringify(g));
		}
		// 1000 flags: 2000 code points, 1000 characters
		const flags = '\u{1F1E8}\u{1F1F3}'.repeat(1000);
		assert.deepEqual(messages(await info({ statement: flags }), 'statement'), []);
		// and what the check re-reads from the row is counted the same way
		await sql(`UPDATE application SET statement = repeat(U&'\\+01F1E8\\+01F1F3', 1001) WHERE id = ${app}`);
		assert.deepEqual(messages(await get(), 'statement'), ['本人述职不能超过 1000 字（当前 1001 字）']);
		await info({ statement: '本人任职以来主持完成多项住宅工程施工技术管理工作。' });
	});

	// (the rules probe: 1000 字 in two paragraphs, or pasted with its last line break, was refused)
	test('the line breaks between paragraphs are no 字, and what ends the text unseen is dropped', async () => {
		const two = `\u3000\u3000${'述'.repeat(499)}\r\n\u3000\u3000${'职'.repeat(497)}`; // indents are typed: they count
		const r = await info({ statement: two });
		assert.equal(r.application.statement, two, 'kept as typed, indents and all');
		assert.deepEqual(messages(r, 'statement'), []);
		const paras = '述'.repeat(250) + '\n\n'.repeat(3) + '述'.repeat(750);
		assert.equal((await info({ statement: paras })).application.statement, paras);
		// a paste's last line break, a space, an invisible mark: not stored, not counted
		for (const end of ['\n', '\r\n', ' ', '\u3000', '\u200B', '\n\n \uFEFF']) {
			const got = await info({ statement: '述'.repeat(1000) + end });
			assert.equal(got.application.statement, '述'.repeat(1000), JSON.stringify(end));
			assert.deepEqual(messages(got, 'statement'), [], JSON.stringify(end));
		}
		const e = assertError(await a.s.request('PUT', `/applications/${app}/info`,
		    { json: { statement: `${'述'.repeat(500)}\n${'述'.repeat(501)}` } }), 400, 'invalid_field', 'statement');
		assert.match(e.message, /当前 1001 字/);
		// the check counts what it re-reads from the row the same way
		await sql(`UPDATE application SET statement = repeat('述' || chr(10), 1000) WHERE id = ${app}`);
		assert.deepEqual(messages(await get(), 'statement'), []);
		await sql(`UPDATE application SET statement = repeat('述' || chr(10), 1001) WHERE id = ${app}`);
		assert.deepEqual(messages(await get(), 'statement'), ['本人述职不能超过 1000 字（当前 1001 字）']);
		await info({ statement: '本人任职以来主持完成多项住宅工程施工技术管理工作。' });
	});

	test('a statement of only white space is not a statement: the check says so', async () => {
		for (const blank of [' ', '\n\n\t', '\u3000\u3000\u3000', '\u00A0\u200B\r\n']) {
			const r = await info({ statement: blank });
			assert.equal(r.application.statement, null, 'spaces alone are nothing typed');
			assert.deepEqual(messages(r, 'statement'), ['请填写本人述职（专业工作业绩情况，限 1000 字以内）'],
			    JSON.stringify(blank));
		}
		const r = await info({ statement: '\u3000\u3000本人任职以来主持完成多项住宅工程施工技术管理工作。' });
		assert.deepEqual(messages(r, 'statement'), []);
	});

	test('category, method, self_score, wizard_step and accept_org_id are validated', async () => {
		for (const [field, value] of [['category', 'design'], ['method', 'direct'], ['method', 'ABC'],
			['self_score', 201], ['self_score', -1], ['self_score', 116.55], ['self_score', '117'], ['wizard_step', 0], ['wizard_step', 8],
			['held_title', 'x'.repeat(101)]])
			assertError(await a.s.request('PUT', `/applications/${app}/info`, { json: { [field]: value } }),
			    400, 'invalid_field', field);
		const r = await get();
		// 根据用人单位所属关系选择相应的受理单位或“受理评审委员会”: a 婺城区 company's 中级评审 is
		// received by the county's 住建局 and reviewed by two 评审委员会, the county's 初评委
		// (评审推荐) and the city's 中评委 (评审); not the 人力社保 bureaus, not the unit itself
		const orgs = r.options.accept_orgs.map((o) => o.name);
		assert.deepEqual(orgs, ['婺城区住房和城乡建设局', '婺城区建设工程技术人员初级工程师职务任职资格评审委员会',
			COMMITTEE_MID]);
		for (const bad of [await orgId('金华宏达建设工程有限公司'), await orgId(SJY), 999999,
			await orgId('婺城区人力资源和社会保障局'), await orgId('金华市人力资源和社会保障局')]) {
			const e = assertError(await a.s.request('PUT', `/applications/${app}/info`, { json: { accept_org_id: bad } }),
			    400, 'invalid_field', 'accept_org_id');
			assert.match(e.message, /受理单位/);
		}
		assert.equal(await sql(`SELECT coalesce(accept_org_id, 0) FROM application WHERE id = ${app}`), '0');
		const ok = await info({ accept_org_id: await orgId(COMMITTEE_MID), specialty: '建筑工程施工' });
		assert.equal(ok.application.accept_org, COMMITTEE_MID);
		assert.deepEqual([...messages(ok, 'accept_org_id'), ...messages(ok, 'specialty'), ...messages(ok, 'category')], []);
	});
});

describe('正常申报 (normal) of a mid plan', () => {
	const titleAgo = async (expr) => {
		const d = await sqlDate(expr);
		return putProfile(a.s, { title: '助理工程师', title_date: d, appointed_date: d });
	};

	test('助理工程师 for 4 years + 1 day, or exactly 4 years, passes the rule', async () => {
		await titleAgo("current_date - interval '4 years' - interval '1 day'");
		assert.deepEqual(messages(await info({ method: 'normal' }), 'method'), []);
		await titleAgo("current_date - interval '4 years'");
		assert.deepEqual(messages(await get(), 'method'), []);
	});

	test('4 years − 1 day is in the check (field method), naming the title and its date', async () => {
		const d = await sqlDate("current_date - interval '4 years' + interval '1 day'");
		await putProfile(a.s, { title_date: d, appointed_date: d });
		const m = messages(await get(), 'method');
		assert.equal(m.length, 1, m.join(' | '));
		assert.equal(m[0], `正常申报须取得并被聘任助理工程师满 4 年（个人基本信息中：助理工程师，取得时间 ${d}，聘任时间 ${d}）`);
		assert.ok((await get()).check.find((c) => c.field === 'method').step === 3);
	});

	test('title 技术员 (however long ago) is in the check', async () => {
		await putProfile(a.s, { title: '技术员', title_date: '2010-01-01', appointed_date: '' });
		const m = messages(await get(), 'method');
		assert.equal(m.length, 1, m.join(' | '));
		assert.match(m[0], /助理工程师满 4 年（个人基本信息中：技术员，取得时间 2010-01-01，聘任时间 未填写）/);
		await putProfile(a.s, { appointed_date: '2010-03-01' });
		await putProfile(a.s, { title: '助理工程师' });
		assert.deepEqual(messages(await get(), 'method'), []);
	});

	// 取得并被聘任: appointed years after obtaining the title passed on the earlier date
	test('取得并被聘任: the 4 years count from the later of 取得时间 and 聘任时间, to the day', async () => {
		const longAgo = await sqlDate("current_date - interval '9 years'");
		const short = await sqlDate("current_date - interval '4 years' + interval '1 day'");
		const exact = await sqlDate("current_date - interval '4 years'");
		await putProfile(a.s, { title: '助理工程师', title_date: longAgo, appointed_date: short });
		const m = messages(await get(), 'method');
		assert.deepEqual(m, [`正常申报须取得并被聘任助理工程师满 4 年（个人基本信息中：助理工程师，取得时间 ${longAgo}，聘任时间 ${short}）`]);
		await putProfile(a.s, { appointed_date: exact });
		assert.deepEqual(messages(await get(), 'method'), []);
		// the reviewers see it among the facts; the profile gives it back
		const g = await get();
		assert.equal(g.application.profile.appointed_date, exact);
		assert.equal((await a.s.get('/profile')).json.profile.appointed_date, exact);
		// appointed before the title was obtained: the title's date counts
		await putProfile(a.s, { title_date: short, appointed_date: longAgo });
		assert.equal(messages(await get(), 'method').length, 1);
		// not a day after today
		assertError(await a.s.request('PUT', '/profile', { json: { appointed_date: await sqlDate("current_date + 1") } }),
		    400, 'invalid_field', 'appointed_date');
		// 取得并被聘任: a title without the date of its appointment is not 被聘任 4 years (a
		// boundary probe: greatest() passed over the missing date)
		await putProfile(a.s, { title_date: longAgo, appointed_date: '' });
		assert.deepEqual(messages(await get(), 'method'), [`正常申报须取得并被聘任助理工程师满 4 年，请在个人基本信息中填写聘任时间（个人基本信息中：助理工程师，取得时间 ${longAgo}，聘任时间 未填写）`]);
		assert.equal((await a.s.get('/profile')).json.profile.appointed_date, null);
		await putProfile(a.s, { appointed_date: longAgo });
		assert.deepEqual(messages(await get(), 'method'), []);
		// nor without the date the title was obtained (the diff's review: the same greatest())
		await putProfile(a.s, { title_date: '' });
		assert.deepEqual(messages(await get(), 'method'), [`正常申报须取得并被聘任助理工程师满 4 年，请在个人基本信息中填写取得时间（个人基本信息中：助理工程师，取得时间 未填写，聘任时间 ${longAgo}）`]);
		await putProfile(a.s, { title_date: longAgo });
	});

	test('education 中专 is in the check; 大学专科 is enough', async () => {
		await putProfile(a.s, { education: '中专' });
		const m = messages(await get(), 'method');
		assert.deepEqual(m, ['正常申报须具备规定学历（大学专科及以上），您的学历为“中专”，可改按“自评与推荐”申报']);
		await putProfile(a.s, { education: '高中及以下' });
		assert.equal(messages(await get(), 'method').length, 1);
		await putProfile(a.s, { education: '大学专科' });
		assert.deepEqual(messages(await get(), 'method'), []);
	});
});

describe('自评分申报 (self)', () => {
	let certs;
	const rec = (i, extra = {}) => ({ name: ['李高工', '赵高工'][i], title: '高级工程师', specialty: '建筑工程施工',
		employer: '浙江省建筑设计研究院', cert: certs[i], ...extra });

	before(async () => {
		certs = [await uploadPdf(a.s, '推荐人1证书.pdf'), await uploadPdf(a.s, '推荐人2证书.pdf')];
	});

	test('self_score 116 is in the check, 117 is not', async () => {
		let r = await info({ method: 'self', self_score: 116 });
		assert.deepEqual(messages(r, 'self_score'), ['自评分须达到 117 分以上（当前 116）']);
		assert.equal(r.application.method_label, '自评分申报');
		r = await info({ self_score: 117 });
		assert.deepEqual(messages(r, 'self_score'), []);
		assert.equal(r.application.self_score, 117);
		r = await info({ self_score: 200 });
		assert.deepEqual(messages(r, 'self_score'), []);
		// a half point either side of 117
		r = await info({ self_score: 116.5 });
		assert.deepEqual(messages(r, 'self_score'), ['自评分须达到 117 分以上（当前 116.5）']);
		r = await info({ self_score: 117.5 });
		assert.deepEqual(messages(r, 'self_score'), []);
		assert.equal(r.application.self_score, 117.5);
		// just short of 117 is not 117, nor a second decimal made one
		for (const v of [116.99999999999999, 116.95, 0.00000001]) {
			const e = assertError(await a.s.request('PUT', `/applications/${app}/info`, { json: { self_score: v } }),
			    400, 'invalid_field', 'self_score');
			assert.equal(e.message, '自评分应为 0 至 200 之间的数，最多一位小数');
		}
		assert.equal((await get()).application.self_score, 117.5);
		await info({ self_score: 117 });
		// the normal rules do not apply to self
		await putProfile(a.s, { education: '中专' });
		assert.deepEqual(messages(await get(), 'method'), []);
		await putProfile(a.s, { education: '大学本科' });
	});

	test('two 高级工程师 with certificates satisfy the rule', async () => {
		const r = await put('recommenders', { recommenders: [rec(0), rec(1)] });
		assert.deepEqual(messages(r, 'recommenders'), []);
		assert.deepEqual(r.application.recommenders.map((x) => [x.name, x.title, x.cert]),
		    [['李高工', '高级工程师', certs[0]], ['赵高工', '高级工程师', certs[1]]]);
		const z = await put('recommenders', { recommenders: [rec(0), rec(1, { title: '正高级工程师' })] });
		assert.deepEqual(messages(z, 'recommenders'), []);
	});

	test('fewer than 2 recommenders is in the check', async () => {
		let r = await put('recommenders', { recommenders: [rec(0)] });
		assert.deepEqual(messages(r, 'recommenders'),
		    ['“自评与推荐”申报须由 2 名本专业或相近专业在职高级工程师推荐（已填 1 名）']);
		r = await put('recommenders', { recommenders: [] });
		assert.deepEqual(messages(r, 'recommenders'),
		    ['“自评与推荐”申报须由 2 名本专业或相近专业在职高级工程师推荐（已填 0 名）']);
		// a row without a name does not count
		r = await put('recommenders', { recommenders: [rec(0), { title: '高级工程师', cert: certs[1] }] });
		assert.match(messages(r, 'recommenders').join('|'), /已填 1 名/);
		// spaces are no 专业 or 工作单位
		r = await put('recommenders', { recommenders: [rec(0), rec(1, { specialty: ' \u3000', employer: '  ' })] });
		assert.deepEqual(messages(r, 'recommenders'), ['请填写推荐人赵高工的专业和工作单位']);
	});

	test('the same person twice (the same certificate, or name and employer without two certificates) counts once', async () => {
		const once = '“自评与推荐”申报须由 2 名本专业或相近专业在职高级工程师推荐（已填 1 名）';
		let r = await put('recommenders', { recommenders: [rec(0), rec(1, { cert: certs[0] })] });
		assert.deepEqual(messages(r, 'recommenders'),
		    ['两名推荐人须为不同的人：推荐人李高工与推荐人赵高工上传的是同一份职称证书', once]);
		r = await put('recommenders', { recommenders: [rec(0), rec(0, { cert: 0 })] });
		assert.deepEqual(messages(r, 'recommenders'),
		    ['两名推荐人须为不同的人：推荐人李高工（浙江省建筑设计研究院）填写了两次', once]);
		// namesakes at different employers, or at one with their own certificates, are two people
		r = await put('recommenders', { recommenders: [rec(0), rec(1, { name: '李高工', employer: '义乌市建筑设计院' })] });
		assert.deepEqual(messages(r, 'recommenders'), []);
		r = await put('recommenders', { recommenders: [rec(0), rec(0, { cert: certs[1] })] });
		assert.deepEqual(messages(r, 'recommenders'), []);
	});

	test('a title other than 高级工程师 is in the check', async () => {
		let r = await put('recommenders', { recommenders: [rec(0), rec(1, { title: '工程师' })] });
		assert.deepEqual(messages(r, 'recommenders'), ['推荐人赵高工须为在职高级工程师']);
		// 正高级 by either of its names
		for (const title of ['正高级工程师', '教授级高级工程师']) {
			r = await put('recommenders', { recommenders: [rec(0), rec(1, { title })] });
			assert.deepEqual(messages(r, 'recommenders'), [], title);
		}
	});

	test('a missing certificate, specialty or employer is in the check', async () => {
		let r = await put('recommenders', { recommenders: [rec(0), rec(1, { cert: 0 })] });
		assert.deepEqual(messages(r, 'recommenders'), ['请上传推荐人赵高工的高级工程师职称证书']);
		r = await put('recommenders', { recommenders: [rec(0, { specialty: '' }), rec(1)] });
		assert.deepEqual(messages(r, 'recommenders'), ['请填写推荐人李高工的专业和工作单位']);
	});

	test('refused recommenders: 3 of them, another user\'s certificate, a bad name — 400, nothing changed', async () => {
		await put('recommenders', { recommenders: [rec(0), rec(1)] });
		const other = await newApplicant();
		const theirs = await uploadPdf(other.s);
		for (const [body, code] of [
			[{ recommenders: [rec(0), rec(1), rec(0)] }, 'invalid_field'],
			[{ recommenders: [rec(0), rec(1, { cert: theirs })] }, 'invalid_field'],
			[{ recommenders: [rec(0, { name: '李<b>' })] }, 'invalid_field'],
			[{ recommenders: [rec(0, { phone: '1' })] }, 'unknown_field'],
			[{ recommenders: ['李高工'] }, 'invalid_field'],
		])
			assertError(await a.s.request('PUT', `/applications/${app}/recommenders`, { json: body }), 400, code, 'recommenders');
		assert.deepEqual(await sqlRows(`SELECT seq, name, cert_id FROM recommender WHERE application_id = ${app} ORDER BY seq`),
		    [['1', '李高工', String(certs[0])], ['2', '赵高工', String(certs[1])]]);
	});

	test('a 申报专业 different from the profile\'s 现从事专业 is in the check (specialty)', async () => {
		let r = await info({ specialty: '市政工程施工' });
		assert.deepEqual(messages(r, 'specialty'), ['自评表中的“申报专业”（市政工程施工）应与“现从事专业”（建筑工程施工）一致']);
		r = await info({ specialty: '建筑工程施工' });
		assert.deepEqual(messages(r, 'specialty'), []);
		// the rule is the self method's: normal may differ
		r = await info({ method: 'normal', specialty: '市政工程施工' });
		assert.deepEqual(messages(r, 'specialty'), []);
		await info({ specialty: '建筑工程施工' });
	});

	test('a 申报专业 is what is seen of it: spaces around it go, spaces alone are none', async () => {
		let r = await info({ specialty: ' 建筑工程施工\u3000' });
		assert.equal(r.application.specialty, '建筑工程施工');
		assert.deepEqual(messages(r, 'specialty'), [], 'equal to the 现从事专业 once trimmed');
		for (const blank of ['   ', '\u3000', '\u200b']) {
			r = await info({ specialty: blank });
			assert.deepEqual(messages(r, 'specialty'), ['请填写申报专业'], JSON.stringify(blank));
		}
		// and so in the profile: a school of spaces leaves it incomplete
		const p = await a.s.request('PUT', '/profile', { json: { school: '  ' } });
		assert.equal(p.status, 200, p.text);
		assert.equal(p.json.complete, false);
		await putProfile(a.s, { school: '浙江工业大学' });
		await info({ specialty: '建筑工程施工' });
	});
});

describe('转（兼）评 and 直接（ABC类）', () => {
	test('transfer without held_title is in the check (held_title); with it, not', async () => {
		await putProfile(a.s, { title: '工程师' });
		let r = await info({ method: 'transfer', held_title: '' });
		assert.deepEqual(messages(r, 'held_title'), ['请在“专业技术职务任职资格及取得时间”中写明已取得的中级职称']);
		assert.deepEqual(messages(r, 'method'), []);
		// spaces (a full-width one too) say nothing of a title held
		r = await info({ held_title: ' \u3000 ' });
		assert.deepEqual(messages(r, 'held_title'), ['请在“专业技术职务任职资格及取得时间”中写明已取得的中级职称']);
		r = await info({ held_title: '工程师（建筑电气），2018-12-01 取得' });
		assert.deepEqual(messages(r, 'held_title'), []);
	});

	test('transfer needs a 中级 held (已取得某专业的中级…任职资格): 工程师 or another series\' 中级', async () => {
		await info({ method: 'transfer', held_title: '工程师（建筑电气），2018-12-01 取得' });
		for (const title of ['无', '技术员', '助理工程师']) {
			await putProfile(a.s, { title });
			assert.deepEqual(messages(await get(), 'method'), [`“转（兼）评”须已取得中级专业技术职务任职资格`
			    + `（个人基本信息中现有职称为“${title}”），请改选其他申报方式或更正个人基本信息`], title);
		}
		for (const title of ['工程师', '其他系列中级职称']) {
			await putProfile(a.s, { title });
			assert.deepEqual(messages(await get(), 'method'), [], title);
		}
		assertError(await a.s.request('PUT', '/profile', { json: { title: '经济师' } }), 400, 'invalid_field', 'title');
		await putProfile(a.s, { title: '助理工程师' });
	});

	test('abc at a private unit: no ownership complaint', async () => {
		const r = await info({ method: 'abc' });
		assert.deepEqual(messages(r, 'method'), []);
		assert.equal(r.application.method_label, '破格申报');
	});

	test('abc at unit_sjy\'s org (state-owned) or an institution: in the check (method)', async () => {
		const want = ['直接（ABC类）申报仅面向建设类非公企业（不含事业单位、国企），您的现工作单位不是非公企业'];
		await putProfile(a.s, { unit_id: await orgId(SJY) });
		assert.deepEqual(messages(await get(), 'method'), want);
		const inst = await newOrg({ ownership: 'institution', prefix: '金华市某事业单位' });
		await putProfile(a.s, { unit_id: inst.id });
		assert.deepEqual(messages(await get(), 'method'), want);
		await putProfile(a.s, { unit_id: await orgId('金华宏达建设工程有限公司') });
		assert.deepEqual(messages(await get(), 'method'), []);
	});
});

describe('file_rules: the attachments each 申报方式 and profile require or hide', () => {
	const ALWAYS = { summary: [true, true], experience: [true, true], m_education: [true, true], m_title: [true, true],
		other: [true, false], m_cont_edu: [true, false], m_appraisal: [true, false] };
	const BY_METHOD = { abc_form: 'abc', self_form: 'self', transfer_cert: 'transfer', reg_cert: 'qualification',
		appointment: 'qualification', skill_cert: 'skill' };
	const rulesOf = (r) => Object.fromEntries(r.file_rules.map((f) => [f.kind, [f.visible, f.required]]));

	test('for each method: summary and experience always required, the method\'s own kinds only for it', async () => {
		for (const m of ['normal', 'self', 'transfer', 'abc', 'qualification', 'skill']) {
			const rules = rulesOf(await info({ method: m }));
			const want = { ...ALWAYS, unit_note: [false, false], ss_proof: [false, false] };
			// a 转（兼）评 uploads its 中级 certificate once, as transfer_cert (a boundary probe)
			if (m === 'transfer')
				want.m_title = [true, false];
			for (const [kind, method] of Object.entries(BY_METHOD))
				want[kind] = method === m ? [true, true] : [false, false];
			assert.deepEqual(rules, want, `file_rules of ${m}`);
		}
		const r = await get();
		const steps = Object.fromEntries(r.file_rules.map((f) => [f.kind, f.step]));
		assert.deepEqual([steps.m_education, steps.m_title, steps.summary, steps.skill_cert], [5, 5, 6, 6]);
		assert.ok(r.file_rules.every((f) => f.label && typeof f.hint === 'string'));
	});

	test('编制情况 goes with the employer: 在编 / 非在编 / 离岗创业 at a 事业单位, 非事业单位人员 elsewhere (profile)', async () => {
		const notInst = '现工作单位不是事业单位，“编制情况”应为“非事业单位人员”，请在“个人基本信息”中更正';
		const inst = '现工作单位为事业单位，“编制情况”应为在编、非在编或离岗创业，请在“个人基本信息”中更正';
		for (const staffing of ['regular', 'non_staff', 'leave_startup']) {
			await putProfile(a.s, { staffing });
			assert.deepEqual(messages(await get(), 'profile'), [notInst], staffing);
		}
		await putProfile(a.s, { staffing: 'none' });
		assert.deepEqual(messages(await get(), 'profile'), []);
		const institution = await newOrg({ ownership: 'institution', prefix: '金华市某检测中心' });
		await putProfile(a.s, { unit_id: institution.id });
		assert.deepEqual(messages(await get(), 'profile'), [inst]);
		for (const staffing of ['regular', 'non_staff', 'leave_startup']) {
			await putProfile(a.s, { staffing });
			assert.deepEqual(messages(await get(), 'profile'), [], staffing);
		}
		await putProfile(a.s, { unit_id: await orgId('金华宏达建设工程有限公司'), staffing: 'none' });
	});

	test('unit_note only for non_staff / leave_startup; ss_proof only with out-of-province social security; m_title optional for 无', async () => {
		await info({ method: 'normal' });
		for (const [staffing, want] of [['regular', [false, false]], ['non_staff', [true, true]],
			['leave_startup', [true, true]], ['none', [false, false]]]) {
			await putProfile(a.s, { staffing });
			assert.deepEqual(rulesOf(await get()).unit_note, want, `unit_note for ${staffing}`);
		}
		await putProfile(a.s, { out_of_province_ss: true });
		assert.deepEqual(rulesOf(await get()).ss_proof, [true, true]);
		assert.deepEqual(messages(await get(), 'ss_proof'), ['请上传：省外社保缴纳佐证材料']);
		await putProfile(a.s, { out_of_province_ss: false });
		assert.deepEqual(rulesOf(await get()).ss_proof, [false, false]);
		await putProfile(a.s, { title: '无' });
		assert.deepEqual(rulesOf(await get()).m_title, [true, false]);
		await putProfile(a.s, { title: '助理工程师' });
	});

	test('PUT files of a hidden or unknown kind is 400 (field kind); nothing stored', async () => {
		const up = await uploadPdf(a.s);
		await info({ method: 'normal' });
		for (const kind of ['abc_form', 'self_form', 'transfer_cert', 'reg_cert', 'skill_cert', 'unit_note', 'ss_proof']) {
			const e = assertError(await a.s.request('PUT', `/applications/${app}/files`, { json: { kind, uploads: [up] } }),
			    400, 'invalid_field', 'kind');
			assert.match(e.message, /^当前申报方式无需上传“.+”$/);
		}
		assertError(await a.s.request('PUT', `/applications/${app}/files`, { json: { kind: 'photo', uploads: [up] } }),
		    400, 'invalid_field', 'kind');
		assert.equal(await sqlInt(`SELECT count(*) FROM application_file WHERE application_id = ${app}`), 0);
	});

	test('a required kind missing is in the check with its step; an upload makes it disappear', async () => {
		let r = await info({ method: 'abc' });
		const want = (k) => r.check.find((c) => c.field === k);
		assert.deepEqual(want('abc_form'), { step: 6, field: 'abc_form', message: '请上传：直接ABC类申报审批表' });
		assert.deepEqual(want('m_education'), { step: 5, field: 'm_education', message: '请上传：学历、学位证书' });
		assert.deepEqual(want('summary'), { step: 6, field: 'summary', message: '请上传：总结' });
		for (const kind of ['abc_form', 'm_education', 'summary']) {
			const up = await uploadPdf(a.s, `${kind}.pdf`);
			r = await put('files', { kind, uploads: [up] });
			assert.equal(want(kind), undefined, `${kind} still in the check`);
			assert.deepEqual(r.application.files[kind].map((f) => [f.id, f.name, f.type]), [[up, `${kind}.pdf`, 'application/pdf']]);
		}
		// an empty list takes them away again
		r = await put('files', { kind: 'summary', uploads: [] });
		assert.ok(want('summary'), 'summary not back in the check');
		// the other method hides abc_form again, and its file no longer counts
		r = await info({ method: 'normal' });
		assert.equal(want('abc_form'), undefined);
	});

	test('uploads that are not the applicant\'s, or twice the same, are 400 (field uploads)', async () => {
		const other = await newApplicant();
		const theirs = await uploadPdf(other.s), own = await uploadPdf(a.s);
		assertError(await a.s.request('PUT', `/applications/${app}/files`, { json: { kind: 'experience', uploads: [own, theirs] } }),
		    400, 'invalid_field', 'uploads');
		assertError(await a.s.request('PUT', `/applications/${app}/files`, { json: { kind: 'experience', uploads: [own, own] } }),
		    400, 'invalid_field', 'uploads');
		assert.equal(await sqlInt(`SELECT count(*) FROM application_file WHERE application_id = ${app} AND kind = 'experience'`), 0);
		// and another applicant cannot touch this application at all
		assertError(await other.s.request('PUT', `/applications/${app}/files`, { json: { kind: 'experience', uploads: [theirs] } }),
		    404, 'not_found');
		assertError(await other.s.get(`/applications/${app}`), 404, 'not_found');
	});
});

describe('archive picks', () => {
	test('no pick: in the check; a pending item: 400 on PUT archive', async () => {
		assert.deepEqual(messages(await get(), 'archive'), ['请从业绩档案中至少选择一项已通过单位审核的业绩']);
		const pending = (await a.s.post('/archive', { kind: 'paper', title: '高层住宅铝模施工技术研究' })).json.item;
		assertError(await a.s.request('PUT', `/applications/${app}/archive`, { json: { items: [{ item_id: pending.id }] } }),
		    400, 'invalid_field', 'items');
		assertError(await a.s.request('PUT', `/applications/${app}/archive`, { json: { items: [{ item_id: 999999999 }] } }),
		    400, 'invalid_field', 'items');
		assert.equal(await sqlInt(`SELECT count(*) FROM application_archive WHERE application_id = ${app}`), 0);
	});

	test('继续教育学时 and 年度考核 alone are no 业绩: in the check until a 业绩 is picked too', async () => {
		const edu = await approvedItem(a.s, hongda, { kind: 'education', title: `继续教育-${Date.now()}`, number: '90' });
		const appraisal = await approvedItem(a.s, hongda, { kind: 'appraisal', title: `年度考核-${Date.now()}`, level: '合格' });
		let r = await put('archive', { items: [{ item_id: edu.id }, { item_id: appraisal.id }] });
		assert.deepEqual(messages(r, 'archive'), ['请从业绩档案中至少选择一项已通过单位审核的专业技术业绩'
		    + '（工程项目、论文、获奖、专利、技术报告或标准规范；继续教育学时和年度考核不是业绩）']);
		const paper = await approvedItem(a.s, hongda, { kind: 'paper', title: `论文-${Date.now()}`, role: '第一作者' });
		r = await put('archive', { items: [{ item_id: edu.id }, { item_id: paper.id }] });
		assert.deepEqual(messages(r, 'archive'), []);
		await put('archive', { items: [] });
	});

	test('an approved collective project without a contribution proof is in the check; with one, not', async () => {
		const it = await approvedItem(a.s, hongda, { collective: true, title: `集体项目-${Date.now()}` });
		let r = await put('archive', { items: [{ item_id: it.id }] });
		assert.deepEqual(messages(r, 'archive'), [`集体项目《${it.title}》须上传本人系主要贡献者的依据`]);
		assert.equal(r.check.find((c) => c.field === 'archive').step, 4);
		const proof = await uploadPdf(a.s, '主要贡献者证明.pdf');
		r = await put('archive', { items: [{ item_id: it.id, contribution: proof }] });
		assert.deepEqual(messages(r, 'archive'), []);
		assert.deepEqual(r.application.archive.map((x) => [x.item_id, x.contribution, x.collective]), [[it.id, proof, true]]);
		// the same item twice, or another user's proof: 400, the pick stays
		assertError(await a.s.request('PUT', `/applications/${app}/archive`,
		    { json: { items: [{ item_id: it.id, contribution: proof }, { item_id: it.id }] } }), 400, 'invalid_field', 'items');
		const other = await newApplicant();
		assertError(await a.s.request('PUT', `/applications/${app}/archive`,
		    { json: { items: [{ item_id: it.id, contribution: await uploadPdf(other.s) }] } }), 400, 'invalid_field', 'items');
		assert.deepEqual(await sqlRows(`SELECT item_id, contribution_id FROM application_archive WHERE application_id = ${app}`),
		    [[String(it.id), String(proof)]]);
	});
});

describe('submitting with unmet rules', () => {
	test('400 with the check in the body; still a draft, no history, no snapshot', async () => {
		const g = await get();
		assert.ok(g.check.length > 0);
		const r = await a.s.post(`/applications/${app}/submit`);
		const e = assertError(r, 400, 'invalid_field', 'check');
		assert.equal(e.message, `尚有 ${g.check.length} 项未满足申报要求，请按提示完善后再提交`);
		assert.deepEqual(r.json.check, g.check);
		assert.deepEqual(await sqlRows(`SELECT state, step_seq, version, submitted_at IS NULL, coalesce(current_org_id, 0)
		    FROM application WHERE id = ${app}`), [['draft', '1', '0', 't', '0']]);
		assert.equal(await sqlInt(`SELECT count(*) FROM chain_history WHERE application_id = ${app}`), 0);
		assert.equal(await sqlInt(`SELECT count(*) FROM application_snapshot WHERE application_id = ${app}`), 0);
		assertError(await a.s.post(`/applications/${app}/submit`, undefined, { csrf: false }), 403, 'csrf');
	});
});

describe('a draft goes where the applicant now works', () => {
	test('another unit chosen in 个人基本信息 takes the draft (its county, chain; 受理单位 again); one that cannot keeps it out', async () => {
		const b = await newApplicant();
		await putProfile(b.s, await completeProfile());
		const draft = (await newApplication(b.s)).application.id;
		const accept = (await b.s.get(`/applications/${draft}`)).json.options.accept_orgs[0].id;
		const r0 = await b.s.request('PUT', `/applications/${draft}/info`, { json: { accept_org_id: accept } });
		assert.equal(r0.status, 200, r0.text);
		const where = async () => (await sqlRows(`SELECT a.unit_org_id, r.code, p.code, coalesce(a.accept_org_id, 0)
		    FROM application a JOIN region r ON r.id = a.region_id JOIN pipeline p ON p.id = a.pipeline_id
		    WHERE a.id = ${draft}`))[0];
		// a company of 金东区: the draft goes there, its 受理单位 (婺城区's) chosen again
		const jindong = await newOrg({ region: '330703', prefix: '金东测试建设' });
		await putProfile(b.s, { unit_id: jindong.id });
		assert.deepEqual(await where(), [String(jindong.id), '330703', 'mid_review', '0']);
		let g = (await b.s.get(`/applications/${draft}`)).json;
		assert.equal(g.application.unit, jindong.name);
		assert.deepEqual(checkFor(g, 'profile'), []);
		assert.ok(g.options.accept_orgs.length > 0 && g.options.accept_orgs.every((o) => o.id !== accept));
		// a 机关 cannot take it: it stays, and the check says why it cannot go
		const agency = await newOrg({ ownership: 'agency', prefix: '测试机关' });
		await putProfile(b.s, { unit_id: agency.id });
		assert.deepEqual((await where())[0], String(jindong.id));
		g = (await b.s.get(`/applications/${draft}`)).json;
		assert.deepEqual(checkFor(g, 'profile').map((c) => c.message), [`“个人基本信息”中的现工作单位（${agency.name}）`
		    + `与本申报的报送单位（${jindong.name}）不一致，而新单位不能受理本申报（本计划不适用于该单位的人员，`
		    + '或该单位未确认您的人员信息），本申报不能提交；请在“个人基本信息”中改回原单位，或待新单位确认您的人员信息后再提交']);
		assertError(await b.s.post(`/applications/${draft}/submit`), 400, 'invalid_field', 'check');
		// back at 金华宏达: there again, the check is clear of it
		await putProfile(b.s, { unit_id: await orgId('金华宏达建设工程有限公司') });
		assert.deepEqual((await where()).slice(0, 3), [String(await orgId('金华宏达建设工程有限公司')), '330702', 'mid_review']);
		assert.deepEqual(checkFor((await b.s.get(`/applications/${draft}`)).json, 'profile'), []);
		// a returned one goes where the applicant now works too: its resubmission reaches the new unit
		const [back] = await newDrafts(1, { applicant: b.idcard });
		assert.equal((await b.s.post(`/applications/${back}/submit`)).status, 200);
		assert.equal((await (await loginAs('unit', 'unit_hongda')).post(`/applications/${back}/move`,
		    { action: 'return', step: 2, text: '请补充材料' })).status, 200);
		await putProfile(b.s, { unit_id: jindong.id });
		assert.equal(await sqlInt(`SELECT unit_org_id FROM application WHERE id = ${back}`), jindong.id);
		// (its 受理单位 was 婺城区's: chosen again before it goes)
		const sent2 = await b.s.post(`/applications/${back}/submit`);
		assertError(sent2, 400, 'invalid_field', 'check');
		assert.deepEqual(sent2.json.check.map((c) => c.field), ['accept_org_id']);
		const offered = (await b.s.get(`/applications/${back}`)).json.options.accept_orgs;
		assert.equal((await b.s.request('PUT', `/applications/${back}/info`, { json: { accept_org_id: offered[0].id } })).status, 200);
		assert.equal((await b.s.post(`/applications/${back}/submit`)).status, 200);
		assert.deepEqual(await sqlRows(`SELECT state, step_seq, current_org_id, employer_org_id FROM application
		    WHERE id = ${back}`), [['in_review', '2', String(jindong.id), String(jindong.id)]]);
		await retire(`id = ${back}`);
		await putProfile(b.s, { unit_id: await orgId('金华宏达建设工程有限公司') });
		// a submitted one stays where it went (its position is chain_write()'s): only drafts move
		const [sent] = await newDrafts(1);
		assert.equal((await (await loginAs('applicant', DEMO_APPLICANT)).post(`/applications/${sent}/submit`)).status, 200);
		assert.equal(await sql(`SELECT coalesce(app_draft_route(id, applicant_id, ${jindong.id}, 'mid_review')::text, 'none')
		    FROM application WHERE id = ${sent}`), 'none');
		assert.equal(await sqlInt(`SELECT unit_org_id FROM application WHERE id = ${sent}`),
		    await orgId('金华宏达建设工程有限公司'));
		await retire(`id = ${sent}`);
	});
});

describe('a draft follows its unit\'s corrected details', () => {
	test('the operator moves the unit to another county: the draft, when opened, goes there', async () => {
		const org = await newOrg({ region: '330703', prefix: '金东测试更正' });
		await sql(`UPDATE org SET submitted_at = now() WHERE id = ${org.id}`);	// (a registration, as the operator sees it)
		const c = await newApplicant();
		await putProfile(c.s, await completeProfile({ unit_id: org.id }));
		const id = (await newApplication(c.s)).application.id;
		const accept = (await c.s.get(`/applications/${id}`)).json.options.accept_orgs[0].id;
		assert.equal((await c.s.request('PUT', `/applications/${id}/info`, { json: { accept_org_id: accept } })).status, 200);
		const admin = await loginAs('admin', 'admin');
		const r = await admin.request('PUT', `/registrations/${org.id}`, { json: { name: org.name, uscc: newUscc(),
			ownership: 'private', region_id: await sqlInt(`SELECT id FROM region WHERE code = '330702'`),
			supervisor: '婺城区住房和城乡建设局', reason: '所在地区登记有误' } });
		assert.equal(r.status, 200, r.text);
		const g = (await c.s.get(`/applications/${id}`)).json;
		assert.equal(await sql(`SELECT r.code FROM application a JOIN region r ON r.id = a.region_id WHERE a.id = ${id}`),
		    '330702');
		assert.deepEqual(checkFor(g, 'accept_org_id').map((x) => x.message), ['请选择受理单位（评审委员会）']);
		assert.ok(g.options.accept_orgs.some((o) => o.name === '婺城区住房和城乡建设局'));
	});
});

describe('受理单位 by the employer\'s 所属关系', () => {
	test('初定 (a 局属 事业单位) has no 评审委员会: its 受理单位 is the department the unit reports to', async () => {
		const c = await newApplicant();
		const bureau = await newOrg({ ownership: 'institution', affiliation: 'bureau', region: '330700-sbj', prefix: '金华市住建局某中心' });
		await putProfile(c.s, await completeProfile({ unit_id: bureau.id, staffing: 'regular' }));
		const g = (await c.s.get(`/applications/${(await newApplication(c.s)).application.id}`)).json;
		assert.equal(g.application.pipeline, '中级初定');
		assert.deepEqual(g.options.accept_orgs.map((o) => o.name), ['金华市住房和城乡建设局']);
		// one named that is no longer offered (set as a list of an earlier day offered it) is asked again
		await sql(`UPDATE application SET accept_org_id = (SELECT id FROM org WHERE name = '金华市人力资源和社会保障局')
		    WHERE id = ${g.application.id}`);
		const again = (await c.s.get(`/applications/${g.application.id}`)).json;
		assert.deepEqual(checkFor(again, 'accept_org_id').map((x) => x.message),
		    ['原选择的受理单位已不在可选范围内，请重新选择受理单位（评审委员会）']);
	});
});
