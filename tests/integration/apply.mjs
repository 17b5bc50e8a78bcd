// An applicant's whole part through the portal's own API, as a person does it in
// the wizard: the profile, 业绩档案 items the unit approves, the application,
// photo, the 承诺书 signed on a phone, 申报信息, the chosen 业绩, the files,
// submission; and the fee through the demo's simulated gateway. Used by the
// end-to-end chain tests and by scripts/demo.mjs. Not a test file itself.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, gatewayOrder, paysim, raw, signPost, signToken, sql } from './lib.mjs';
import { postFile, signaturePng, tinyPdf } from './applicant-fixtures.mjs';

const PHOTO = readFileSync(path.join(ROOT, 'sql/seed/demo-photo.jpg'));

export const STATEMENT = '任助理工程师以来，本人从事房屋建筑工程施工技术管理工作。'
    + '主持编制金华市某安置房二期工程施工组织设计，负责深基坑支护、大体积混凝土浇筑等关键工序的技术交底和质量控制；'
    + '参与编写企业标准一项，发表专业论文一篇。工程获市级优质结构奖。';

export function ok(r, what) {
	if (r.status < 200 || r.status > 299)
		throw new Error(`${what}: ${r.status} ${r.text}`);
	return r.json;
}

/* How an uploaded PDF is made from its file name: tinyPdf() for the tests; the demo prints
 * readable ones (scripts/demo-pdf.mjs) and says so with printPdfs(). */
let pdfOf = (name) => tinyPdf(name);
export function printPdfs(make) {
	pdfOf = make;
}

export const upload = async (s, name) =>
	ok(await postFile(s, '/uploads', await pdfOf(name), name, 'application/pdf'), `upload ${name}`).id;

/*
 * From a registered applicant's session s to a submitted application of the
 * plan (id); unit: the session of the unit's clerk who approves the archive,
 * unitId its org id; acceptOrg: the 受理单位 (org id), or the first offered.
 * Returns the application's id.
 */
// centreId: the 人事档案 kept by that 人才交流中心, which then handles the application (unit is
// its clerk); unitId stays the employer.
export async function apply({ s, name = '申报人', unit, unitId, plan, acceptOrg = null, statement = STATEMENT,
	centreId = null }) {
	// 在编 at a 事业单位, else 非事业单位人员 (the check holds them together)
	const institution = await sql(`SELECT ownership FROM org WHERE id = ${Number(unitId)}`) === 'institution';
	ok(await s.request('PUT', '/profile', { json: {
		ethnicity: '汉族', education: '大学本科', degree: '学士', school: '浙江工业大学', major: '土木工程',
		graduation_date: '2007-06-30', work_start_date: '2007-07-15', title: '助理工程师',
		title_date: '2016-09-01', appointed_date: '2016-10-01', specialty: '建筑工程施工', unit_id: unitId,
		...(centreId ? { custody: 'talent_centre', centre_id: centreId } : { custody: 'unit' }),
		staffing: institution ? 'regular' : 'none', out_of_province_ss: false,
	} }), `profile ${name}`);
	const items = [];
	for (const [kind, extra] of [
		['project', { title: '金华市某安置房二期工程施工', date: '2022-06-30', role: '项目技术负责人',
			org: '金华市城市建设投资集团有限公司', number: 'JH-2020-031', level: '大型',
			description: '负责施工组织设计、深基坑支护与大体积混凝土的技术交底和质量控制' }],
		['education', { title: '2023年度建设工程专业技术人员继续教育', date: '2023-05-20', role: '专业科目',
			org: '浙江省建设人才发展中心', number: '90', description: '' }],
		['appraisal', { title: '2023年度', date: '2024-01-15', org: '本单位', level: '合格', description: '' }],
	]) {
		const r = ok(await s.post('/archive', { kind, collective: false, attachments: [await upload(s, `${extra.title}.pdf`)],
			role: '', org: '', number: '', level: '', ...extra }), `archive ${name}`);
		ok(await unit.post(`/archive/${r.item.id}/review`, { action: 'approve' }), 'approve archive');
		items.push({ item_id: r.item.id });
	}
	const created = ok(await s.post('/applications', { plan_id: plan }), `apply ${name}`);
	const app = created.application.id;
	ok(await postFile(s, `/applications/${app}/photo`, PHOTO, '证件照.jpg', 'image/jpeg'), 'photo');
	const link = ok(await s.post(`/applications/${app}/sign-link`), 'sign link');
	ok(await signPost(signToken(link.url), signaturePng()), 'sign');
	const offered = ok(await s.get(`/applications/${app}`), 'the wizard').options.accept_orgs;
	ok(await s.request('PUT', `/applications/${app}/info`, { json: {
		statement, category: 'construction', method: 'normal', specialty: '建筑工程施工',
		accept_org_id: acceptOrg ?? offered[0].id, wizard_step: 7,
	} }), 'info');
	ok(await s.request('PUT', `/applications/${app}/archive`, { json: { items } }), 'archive picks');
	for (const [kind, label] of [['summary', '任现职以来专业技术工作总结'], ['experience', '专业技术工作经历表'],
		['m_education', '毕业证书和学位证书'], ['m_title', '助理工程师资格证书'], ['m_cont_edu', '继续教育学时证明'],
		['other', '项目获奖证书']])
		ok(await s.request('PUT', `/applications/${app}/files`, { json: { kind, uploads: [await upload(s, `${label}.pdf`)] } }),
		    `files ${kind}`);
	ok(await s.post(`/applications/${app}/submit`), `submit ${name}`);
	return app;
}

/* The fee through the demo's simulated gateway and its signed notification. */
export async function pay(s, app) {
	const order = gatewayOrder(ok(await s.post(`/applications/${app}/pay`), 'pay').pay_url);
	const done = ok(await paysim('pay', { ...order, result: 'success' }), 'simulated gateway');
	ok(await raw('POST', done.notify_url, { headers: { 'Content-Type': 'application/json' },
	    body: JSON.stringify(done.callback) }), 'payment notification');
}
