// Demo applications for `make run`, made through the portal's own API as the
// people of the demo would make them: applicants register, fill their
// profile and archive, the unit approves the archive, they go through the
// wizard and submit; the unit and the county decide. Only the 公示's start is
// moved 14 days back by SQL, so that the unit may report upward today (the
// API refuses a publicity that starts before the application arrived).
//
//   node scripts/demo.mjs        (PORTAL_URL and PORTAL_VAR as for the tests)
//
// What it leaves: at 金华宏达建设工程有限公司 one application at 资格审查, one
// resubmitted after a return with a changed 述职 and a replaced attachment,
// one in 公示; at 婺城区住房和城乡建设局 (wucheng_jsj) two at 资格审查, one of
// them paid through the demo's simulated gateway, and a third it passed on to
// 婺城区人力资源和社会保障局 (wucheng_rsj). Nothing happens when applications
// exist already. The committees of the chains (婺城区初评委 wucheng_cpw, 市中评委
// jh_zpw, 市初级评委会 jh_cjpw) each get five experts, who log in to their
// committee's portal as <office>_w1 … _w5 to vote in 评审会议 (the office gave
// each a one-time first password; their first login set the demo password).
import { DEMO_PASSWORD, FIRST_PASSWORD, Session, idcardCheck, lit, loginAs, sql, sqlInt } from '../tests/integration/lib.mjs';
import { apply as applyThroughApi, ok, pay, printPdfs, upload } from '../tests/integration/apply.mjs';
import { postFile } from '../tests/integration/applicant-fixtures.mjs';
import { demoPdfs } from './demo-pdf.mjs';

const MID_PLAN = '2023年度金华市建设工程技术人员工程师职务任职资格评审工作计划';
const COMMITTEE = '婺城区建设工程技术人员初级工程师职务任职资格评审委员会';

// name, birth date, where the application is left, female
const PEOPLE = [
	['李明华', '19850312', 'unit', false],
	['王晓燕', '19880723', 'resubmitted', true],
	['陈志强', '19821105', 'publicity', false],
	['赵丽', '19900214', 'county', true],
	['孙建平', '19870530', 'county_paid', false],
	['周敏', '19860918', 'county_hrb', true],
];

const STATEMENTS = {
	first: '任助理工程师以来，本人在金华宏达建设工程有限公司从事房屋建筑工程施工技术管理工作。'
	    + '主持编制金华市某安置房二期工程施工组织设计，负责深基坑支护、大体积混凝土浇筑等关键工序的技术交底和质量控制；'
	    + '参与编写企业标准一项，发表专业论文一篇。工程获市级优质结构奖。',
	second: '任助理工程师以来，本人在金华宏达建设工程有限公司从事房屋建筑工程施工技术管理工作。'
	    + '主持编制金华市某安置房二期工程施工组织设计（建筑面积 8.6 万平方米），负责深基坑支护、大体积混凝土浇筑等关键工序的技术交底和质量控制，'
	    + '工程获 2022 年度金华市优质结构奖；参与编写企业标准《住宅工程质量常见问题防治技术规程》一项，发表专业论文一篇。',
};

async function register([name, birth, , female], i) {
	// the 17th digit is odd for a man, even for a woman
	const first17 = `330702${birth}${String(30 + 2 * i + (female ? 0 : 1)).padStart(3, '0')}`;
	const who = { idcard: first17 + idcardCheck(first17), name, mobile: `1395790${String(1001 + i)}`, password: DEMO_PASSWORD };
	ok(await new Session('applicant').post('/register', who), `register ${name}`);
	return { ...who, s: await loginAs('applicant', who.idcard) };
}

const move = async (s, app, action, step, text) =>
	ok(await s.post(`/applications/${app}/move`, { action, step, text }), `${action} ${app} at ${step}`);

async function toCounty(hongda, app) {
	await move(hongda, app, 'pass', 2, '经审查，该同志申报材料齐全，符合申报条件，同意推荐。');
	ok(await hongda.post(`/applications/${app}/publicity`, { starts_on: await sql('SELECT to_char(current_date, \'YYYY-MM-DD\')') }), 'publicity');
	await sql(`UPDATE publicity SET starts_on = current_date - 14 WHERE application_id = ${app}`);
	await move(hongda, app, 'pass', 3, '经单位公示 5 个工作日无异议，同意推荐上报。');
}

// name, specialty, employer of each demo committee's five experts (a committee's own people)
const EXPERTS = {
	wucheng_cpw: [
		['王建华', '建筑结构', '婺城区建筑设计院'],
		['李卫东', '建筑施工', '金华职业技术学院'],
		['张丽君', '市政工程', '婺城区市政工程管理处'],
		['陈国平', '工程造价', '金华市婺城区审计事务所'],
		['刘志强', '给水排水', '婺城区供排水有限公司'],
	],
	jh_zpw: [
		['徐向东', '建筑结构', '浙江省建筑设计研究院'],
		['何美玲', '建筑施工', '浙江师范大学'],
		['郑海涛', '岩土工程', '浙江省工程勘察院'],
		['冯晓红', '工程管理', '金华市建设工程质量监督站'],
		['蒋文斌', '暖通空调', '义乌市建筑设计研究院'],
	],
	jh_cjpw: [
		['沈佳琪', '建筑施工', '金华市建筑工程管理站'],
		['韩立新', '市政工程', '金华市市政设计院'],
		['杨秀英', '建筑电气', '东阳市建筑设计院'],
		['朱振华', '工程造价', '金华市造价管理站'],
		['秦雪梅', '建筑结构', '兰溪市建筑设计院'],
	],
};

async function committees() {
	for (const [k, [role, office]] of [['county', 'wucheng_cpw'], ['city', 'jh_zpw'], ['city', 'jh_cjpw']].entries()) {
		const s = await loginAs(role, office);
		const have = ok(await s.get('/committee'), 'committee').members.map((m) => m.username);
		for (const [i, [name, specialty, employer]] of EXPERTS[office].entries()) {
			const username = `${office}_w${i + 1}`;
			if (have.includes(username))
				continue;
			ok(await s.post('/committee/members', { username, name, specialty, employer,
				mobile: `13957908${k}${i + 10}`, password: FIRST_PASSWORD }), `member ${username}`);
			await new Session(role).firstLogin(username);
		}
	}
	console.log('demo: five experts in each committee (wucheng_cpw_w1 … jh_zpw_w1 … jh_cjpw_w1 …)');
}

/* The plans' 附件: the operator adds the sample 专业技术工作经历表 the notice says to follow
 * (参照样例填写), and the blank forms it sends applicants to (附件4 自评表与推荐表, the 直接ABC类申报
 * 审批表), each tied to that upload of the wizard (written for the demo, not the real forms). */
async function planForms() {
	const admin = await loginAs('admin', 'admin');
	const forms = [];
	const form = async (title, kind, lines) => {
		const bytes = await pdfs.make(title, lines);
		forms.push({ upload_id: ok(await postFile(admin, '/uploads', bytes, `${title}.pdf`, 'application/pdf'),
			`upload ${title}`).id, title, kind });
	};
	await form('专业技术工作经历表（样例）', 'experience', [
		'姓名：张某某　　现工作单位：金华某建设工程有限公司　　申报专业：建筑工程施工',
		'起止年月｜工作单位｜从事何种专业技术工作（职务）｜证明人',
		'2010.07—2014.06｜金华某建设工程有限公司｜房屋建筑工程施工员，负责现场施工技术管理｜李某某',
		'2014.07—2019.06｜金华某建设工程有限公司｜项目技术负责人，主持某安置房工程施工组织设计｜王某某',
		'2019.07—至今｜金华某建设工程有限公司｜项目经理，负责某学校迁建工程施工技术与质量管理｜赵某某',
		'填写说明：按时间先后填写参加工作以来的专业技术工作经历，与申报的业绩、任职时间相一致；'
		+ '经所在单位审核盖章后扫描，在“专业技术工作经历表”处上传。',
	]);
	await form('建设工程专业技术职务任职资格自评表与推荐表（空白表）', 'self_form', [
		'一、申报人基本情况：姓名、现工作单位、现有职称及取得时间、申报专业（应与“现从事专业”一致）',
		'二、自评：学历资历、专业技术工作经历、业绩成果、论文著作、继续教育等各项得分及合计（须达到 117 分以上）',
		'三、推荐：2 名本专业或相近专业在职高级工程师的推荐意见、签名及职称证书编号（附证书复印件）',
		'（演示用空白表，以评审工作计划发布的正式表格为准）',
	]);
	await form('直接ABC类申报审批表（空白表）', 'abc_form', [
		'申报人姓名、现工作单位（建设类非公企业）、从事建设行业年限、申报类别（A / B / C）',
		'符合直接申报条件的情况说明及佐证材料目录',
		'单位意见（盖章）　　主管部门意见（盖章）',
		'（演示用空白表，以评审工作计划发布的正式表格为准）',
	]);
	for (const { id: plan } of ok(await admin.get('/plans'), 'plans').items) {
		const p = ok(await admin.get(`/plans/${plan}`), 'plan').plan;
		ok(await admin.request('PUT', `/plans/${plan}`, { json: { year: p.year, name: p.name, series: p.series,
			level: p.level, title_name: p.title_name, pipelines: p.pipelines, opens_on: p.opens_on,
			closes_on: p.closes_on, fee_recommend: p.fee.recommend, fee_review: p.fee.review, scope: p.scope,
			requirements: p.requirements, files: forms } }), `files of ${p.name}`);
	}
}

/* The 技术支持联系方式 the home page and the login pages show (the operator's; a demo number). */
async function supportContact() {
	const admin = await loginAs('admin', 'admin');
	if ((await admin.get('/support')).json.contact)
		return;
	ok(await admin.request('PUT', '/support', { json: { name: '平台技术支持（演示）', phone: '0579-82468888',
		email: 'zcps-support@example.gov.cn', hours: '工作日 8:30-12:00、14:00-17:30' } }), 'support contact');
}

async function main() {
	await committees();
	await supportContact();
	if (await sqlInt('SELECT count(*) FROM application') > 0) {
		console.log('demo: applications exist already, nothing to add');
		return;
	}
	await planForms();
	const hongda = await loginAs('unit', 'unit_hongda');
	const county = await loginAs('county', 'wucheng_jsj');
	const unitId = await sqlInt(`SELECT id FROM org WHERE name = '金华宏达建设工程有限公司'`);
	const committee = await sqlInt(`SELECT id FROM org WHERE name = ${lit(COMMITTEE)}`);
	// every file a page a reviewer can read, its title in it; one print per title, shared by all
	printPdfs((file) => pdfs.make(file.replace(/\.pdf$/, ''), ['职称申报材料（演示材料，内容从略）']));
	for (const [i, person] of PEOPLE.entries()) {
		const p = await register(person, i);
		const app = await applyThroughApi({ s: p.s, name: p.name, unit: hongda, unitId, acceptOrg: committee,
		    plan: await sqlInt(`SELECT id FROM plan WHERE name = ${lit(MID_PLAN)}`), statement: STATEMENTS.first });
		switch (person[2]) {
		case 'resubmitted': {
			await move(hongda, app, 'return', 2, '请完善本人述职，写明主持项目的规模和所获奖项；“其他材料”请上传获奖证书原件扫描件。');
			ok(await p.s.request('PUT', `/applications/${app}/info`, { json: { statement: STATEMENTS.second } }), 'info again');
			ok(await p.s.request('PUT', `/applications/${app}/files`, { json: { kind: 'other',
				uploads: [await upload(p.s, '2022年度金华市优质结构奖证书.pdf')] } }), 'files again');
			ok(await p.s.post(`/applications/${app}/submit`), 'resubmit');
			break;
		}
		case 'publicity':
			await move(hongda, app, 'pass', 2, '经审查，申报材料齐全，符合申报条件。');
			ok(await hongda.post(`/applications/${app}/publicity`, { starts_on: await sql('SELECT to_char(current_date, \'YYYY-MM-DD\')') }), 'publicity');
			break;
		case 'county':
			await toCounty(hongda, app);
			break;
		case 'county_paid':
			await toCounty(hongda, app);
			await pay(p.s, app);
			break;
		case 'county_hrb':
			await toCounty(hongda, app);
			await pay(p.s, app);
			await move(county, app, 'pass', 4, '经资格审查，学历、资历、继续教育学时符合要求，同意报送人力社保局复审。');
			break;
		default:
			break;
		}
		console.log(`demo: ${person[0]} (${p.idcard}) — application ${app}, ${person[2]}`);
	}
	// the unit confirms its people (人员), as its clerk would once they chose it
	for (const m of ok(await hongda.get('/people'), 'people').items.filter((x) => x.status === 'pending'))
		ok(await hongda.post(`/people/${m.id}/confirm`), `confirm ${m.name}`);
}

const pdfs = demoPdfs();
try {
	await main();
} finally {
	await pdfs.close();
}
