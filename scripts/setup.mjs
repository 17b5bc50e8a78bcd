// The demo world (and the test suite's), set up as a real installation would
// be from an empty database: `stack.sh init` left only the reference data and
// the operator's account; everything else is done here through the portals'
// own APIs, as the people of the platform would do it in the pages:
//   - the operator creates the departments of the city and of every county,
//     with their clerks' accounts (统一分配的账号), whose first login sets a
//     password of their own (the operator's is one-time), and publishes the plans;
//   - units and the talent centre register with their 授权委托书 and the
//     operator approves them;
//   - the demo applicant registers.
// Every account's password is the demo password.
//
//   node scripts/setup.mjs          (PORTAL_URL and PORTAL_VAR as for the tests)
import assert from 'node:assert/strict';

import { DEMO_PASSWORD, FIRST_PASSWORD, Session, loginAs, raw, sql } from '../tests/integration/lib.mjs';
import { demoPdfs } from './demo-pdf.mjs';
import { usccCheckChar } from '../www/common/validators.js';

const COUNTIES = [
	['330702', 'wucheng', '婺城区'], ['330703', 'jindong', '金东区'], ['330723', 'wuyi', '武义县'],
	['330726', 'pujiang', '浦江县'], ['330727', 'panan', '磐安县'], ['330781', 'lanxi', '兰溪市'],
	['330782', 'yiwu', '义乌市'], ['330783', 'dongyang', '东阳市'], ['330784', 'yongkang', '永康市'],
];
const COUNTY_DEPTS = [
	['construction', 'jsj', '住房和城乡建设局', '建设局经办人'],
	['committee_junior', 'cpw', '建设工程技术人员初级工程师职务任职资格评审委员会', '初评委经办人'],
	['hrb', 'rsj', '人力资源和社会保障局', '人社局经办人'],
];
const CITY_DEPTS = [
	['construction', 'jh_zjj', '金华市住房和城乡建设局', '市住建局经办人'],
	['committee_junior', 'jh_cjpw', '金华市住房和城乡建设局系统工程技术人员初级技术职务评审委员会', '市初级评委会经办人'],
	['committee_mid', 'jh_zpw', '金华市建设工程技术人员工程师职务任职资格评审委员会办公室', '市中评委办公室经办人'],
	['hrb', 'jh_rsj', '金华市人力资源和社会保障局', '市人社局经办人'],
];
// username, name, kind, ownership, region, uscc (first 17; the check character is computed),
// affiliation, contact, mobile
const UNITS = [
	['unit_hongda', '金华宏达建设工程有限公司', 'unit', 'private', '330702', '91330702MA2E1H3K0', '',
		'王丽华', '13957900011'],
	['unit_sjy', '金华市建筑设计研究院有限公司', 'unit', 'state', '330700-sbj', '91330700147520983', '',
		'陈明', '13957900012'],
	['jh_rcjl', '金华市人才交流中心', 'talent_centre', 'institution', '330700-sbj', '12330700470116000',
		'', '人才中心经办人', '13957900013'],
];

function ok(r, what) {
	assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
	return r.json;
}

function day(offset) {
	const d = new Date(Date.now() + 8 * 3600e3 + offset * 86400e3);	// the day in Asia/Shanghai
	return d.toISOString().slice(0, 10);
}

async function regions() {
	const admin = await loginAs('admin', 'admin');
	const ref = ok(await admin.get('/reference'), 'reference');
	const byName = Object.fromEntries(ref.regions.map((r) => [r.name, r.id]));
	const city = Number(await sql(`SELECT id FROM region WHERE code = '330700'`));
	return { admin, byName, city, codes: Object.fromEntries((await sql('SELECT code, id FROM region'))
		.split('\n').map((l) => l.split('|')).map(([c, id]) => [c, Number(id)])) };
}

async function departments(admin, codes, city) {
	// the operator hands over a first password; the clerk's first login replaces it
	const account = async (dept, username, name) => {
		ok(await admin.post(`/departments/${dept.id}/accounts`, { username, name, password: FIRST_PASSWORD }),
		    `account ${username}`);
		await new Session(dept.portal).firstLogin(username);
	};
	for (const [kind, username, name, clerk] of CITY_DEPTS) {
		const d = ok(await admin.post('/departments', { kind, region_id: city, name }), `department ${name}`);
		await account(d, username, clerk);
	}
	for (const [code, py, county] of COUNTIES)
		for (const [kind, suffix, name, clerk] of COUNTY_DEPTS) {
			const d = ok(await admin.post('/departments', { kind, region_id: codes[code], name: county + name }),
			    `department ${county}${name}`);
			await account(d, `${py}_${suffix}`, county + clerk);
		}
}

async function plans(admin) {
	const requirements = '申报人员须具备规定学历，取得并被聘任建设工程类助理工程师满4年以上（正常申报）；'
	    + '不具备规定学历或资历的，可按“自评与推荐”申报，自评分须达到117分以上，并由2名本专业或相近专业在职高级工程师推荐；'
	    + '已取得中级职称转评另一专业的按“转（兼）评”申报；建设类非公企业专业技术骨干可按直接（ABC类）申报；'
	    + '持一级、二级建造师等注册职（执）业资格的可按职（执）业资格申报；高技能人才按浙人社发〔2022〕77号申报。'
	    + '申报材料须真实规范，业绩档案须经用人单位审查通过后方可提取。推荐评审费中级260元/人（推荐费80元、评审费180元）。';
	// the window is kept open around the day of setup so that the demo can be tried
	ok(await admin.post('/plans', {
		year: 2023, name: '2023年度金华市建设工程技术人员工程师职务任职资格评审工作计划', series: '建设工程',
		level: 'mid', title_name: '工程师', pipelines: ['mid_review', 'mid_assess'],
		opens_on: day(-30), closes_on: day(60), fee_recommend: 80, fee_review: 180,
		scope: '金华市企事业单位（不含参照公务员管理的事业单位）工程技术人员；市住建局局属事业单位人员按中级初定程序。',
		requirements, publish: true,
	}), 'mid plan');
	ok(await admin.post('/plans', {
		year: 2023, name: '2023年度金华市建设工程技术人员助理工程师职务任职资格评审工作计划', series: '建设工程',
		level: 'junior', title_name: '助理工程师', pipelines: ['junior_review', 'junior_assess'],
		opens_on: day(-30), closes_on: day(60), fee_recommend: 0, fee_review: 100,
		scope: '金华市本级（含金华双龙风景旅游区）直属事业单位及市住建局局属事业单位工程技术人员。',
		requirements: '初级评审（含初定）适用于金华市本级直属事业单位及市住建局局属事业单位。推荐评审费初级100元/人。',
		publish: true,
	}), 'junior plan');
}

/* A unit registers with its 授权委托书 (multipart), the operator approves it. */
async function unit(admin, codes, [username, name, kind, ownership, region, uscc17, affiliation, contact, mobile]) {
	const form = new FormData();
	const fields = { name, uscc: uscc17 + usccCheckChar(uscc17), kind, ownership, region_id: String(codes[region]),
		supervisor: kind === 'talent_centre' ? '金华市人力资源和社会保障局' : '金华市住房和城乡建设局',
		contact_name: contact, contact_mobile: mobile, username, password: DEMO_PASSWORD };
	if (affiliation)
		fields.affiliation = affiliation;
	for (const [k, v] of Object.entries(fields))
		form.append(k, v);
	const letter = await pdfs.make('授权委托书', [`委托单位：${name}`, `统一社会信用代码：${fields.uscc}`,
		`受托人（经办人）：${contact}，联系电话 ${mobile}`,
		'委托事项：在职称申报评审管理服务平台办理本单位注册、申报人员资格审查与推荐上报等事务。',
		'委托期限：自签署之日起至本年度职称评审工作结束。'])
	form.append('authorization', new Blob([letter], { type: 'application/pdf' }), `${name}授权委托书.pdf`);
	const r = ok(await new Session('unit').request('POST', '/register', { body: form, headers: { 'Content-Type': null } }),
	    `register ${name}`);
	ok(await admin.post(`/registrations/${r.org_id}/approve`, {}), `approve ${name}`);
	return r.org_id;
}

async function main() {
	if (Number(await sql('SELECT count(*) FROM org WHERE kind <> \'platform\'')) > 0) {
		console.log('setup: organisations exist already, nothing to add');
		return;
	}
	const { admin, codes, city } = await regions();
	await departments(admin, codes, city);
	await plans(admin);
	const orgs = {};
	for (const u of UNITS)
		orgs[u[0]] = await unit(admin, codes, u);
	// the demo applicant registers; his profile is his own to fill in
	ok(await raw('POST', '/api/applicant/register', { headers: { 'Content-Type': 'application/json' },
	    body: JSON.stringify({ idcard: '330702199001010015', name: '张建国', mobile: '13957900021',
	    password: DEMO_PASSWORD }) }), 'register 张建国');
	console.log('setup: departments, plans, units and the demo applicant are in place');
}

// the units' 授权委托书, printed readable (Chromium starts only if a unit is registered)
const pdfs = demoPdfs();
try {
	await main();
} finally {
	await pdfs.close();
}
