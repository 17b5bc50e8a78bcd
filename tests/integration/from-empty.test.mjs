// An installation from an empty database (issue 8): `stack.sh init` leaves the
// reference data and one operator account, whose password it prints once;
// everything else is done through the portals' APIs, as in the pages:
// the operator creates the departments of a chain and their accounts,
// publishes a plan; a unit registers with its 授权委托书, the operator
// approves it; an applicant chooses the unit, the unit confirms; the
// applicant's archive item reaches the unit, and an application its desk.
// A stack of its own under $PORTAL_VAR/empty, nginx on the test port + 3.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { DEMO_PASSWORD, FIRST_PASSWORD, Session, assertError, sideStack } from './lib.mjs';
import { tinyPdf } from './applicant-fixtures.mjs';
import { usccCheckChar as usccCheck } from '../../www/common/validators.js';

// an installation as shipped: production's password cost (the suites' stacks take 1)
const side = sideStack('empty', 5, { PASSWORD_COST: '5' });
let printed;

before(async () => {
	printed = await side.start('init');
});

after(async () => {
	await side.stop();
});

/* A cookie jar and CSRF token against the empty stack. */
class Client {
	constructor(role) {
		this.role = role;
		this.cookie = '';
		this.csrf = '';
	}

	async req(method, p, { json, form } = {}) {
		const headers = {};
		if (json !== undefined)
			headers['Content-Type'] = 'application/json';
		if (this.cookie)
			headers.Cookie = this.cookie;
		if (method !== 'GET' && this.csrf)
			headers['X-CSRF-Token'] = this.csrf;
		const res = await fetch(`${side.base}/api/${this.role}${p}`, { method, headers,
			body: form ?? (json === undefined ? undefined : JSON.stringify(json)) });
		const sc = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
		if (sc)
			this.cookie = sc.split(';')[0];
		const text = await res.text();
		const body = text ? JSON.parse(text) : null;
		if (body && typeof body.csrf === 'string')
			this.csrf = body.csrf;
		return { status: res.status, json: body, text };
	}

	async ok(method, p, opts, want = [200, 201]) {
		const r = await this.req(method, p, opts);
		assert.ok(want.includes(r.status), `${method} ${p}: ${r.status} ${r.text}`);
		return r.json;
	}
}

describe('from an empty database to a unit\'s desk', () => {
	const op = new Client('admin');
	let ids = {};

	test('init leaves the reference data and one operator account, its password printed once', async () => {
		assert.equal(await side.sql('SELECT count(*) FROM app_user'), '1');
		assert.equal(await side.sql("SELECT count(*) FROM org WHERE kind <> 'platform'"), '0');
		assert.equal(await side.sql('SELECT count(*) FROM plan'), '0');
		assert.ok(Number(await side.sql('SELECT count(*) FROM pipeline_step')) > 20);
		const m = printed.match(/admin \/ (\S+)/);
		assert.ok(m, `no password printed: ${printed}`);
		const adminHash = () => side.sql("SELECT password_hash FROM app_user WHERE username = 'admin'");
		// yescrypt at libxcrypt's cost 5: the installation's hash (portalctl) and, below, the program's
		assert.match(await adminHash(), /^\$y\$j9T\$/);
		const first = await op.ok('POST', '/login', { json: { username: 'admin', password: m[1] } });
		// printed once, so good for one login: nothing but a password of the operator's own
		assert.equal(first.user.must_change_password, true);
		assertError(await op.req('GET', '/reference'), 403, 'password_change_required');
		assertError(await op.req('POST', '/departments', { json: { kind: 'hrb', region_id: 1, name: 'x' } }), 403,
		    'password_change_required');
		await op.ok('POST', '/password', { json: { old: m[1], new: DEMO_PASSWORD } });
		assert.equal((await op.ok('GET', '/me')).user.must_change_password, false);
		assert.match(await adminHash(), /^\$y\$j9T\$/);
	});

	test('the operator creates the departments of the 中级评审 chain of 婺城区 and their accounts', async () => {
		const ref = await op.ok('GET', '/reference');
		ids.wucheng = ref.regions.find((r) => r.name === '婺城区').id;
		ids.city = Number(await side.sql("SELECT id FROM region WHERE level = 'city'"));
		for (const [kind, region, name, username] of [
			['construction', ids.wucheng, '婺城区住房和城乡建设局', 'wc_jsj'],
			['hrb', ids.wucheng, '婺城区人力资源和社会保障局', 'wc_rsj'],
			['committee_junior', ids.wucheng, '婺城区建设工程技术人员初级工程师职务任职资格评审委员会', 'wc_cpw'],
			['committee_mid', ids.city, '金华市建设工程技术人员工程师职务任职资格评审委员会办公室', 'jh_zpw'],
			['hrb', ids.city, '金华市人力资源和社会保障局', 'jh_rsj'],
		]) {
			const d = await op.ok('POST', '/departments', { json: { kind, region_id: region, name } });
			// the operator's first password; the clerk's first login sets their own
			await op.ok('POST', `/departments/${d.id}/accounts`, { json: { username, name: '经办人',
				password: FIRST_PASSWORD } });
			await new Session(d.portal, { base: side.base }).firstLogin(username);
		}
		const county = new Client('county');
		await county.ok('POST', '/login', { json: { username: 'wc_jsj', password: DEMO_PASSWORD } });
		assert.equal((await county.ok('GET', '/worklist')).counts.all, 0);
	});

	test('the operator publishes a plan', async () => {
		const day = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
		const p = await op.ok('POST', '/plans', { json: { year: 2026, name: '2026年度建设工程工程师评审工作计划',
			series: '建设工程', level: 'mid', title_name: '工程师', pipelines: ['mid_review'],
			opens_on: day(-1), closes_on: day(30), fee_recommend: 80, fee_review: 180, scope: '企事业单位',
			requirements: '按通知要求申报', publish: true } });
		ids.plan = p.plan.id;
		assert.equal(p.plan.status, 'published');
	});

	test('a unit registers with its 授权委托书 and the operator approves it', async () => {
		const first17 = '91330702MA2F0K8X1';
		const form = new FormData();
		for (const [k, v] of Object.entries({ name: '金华某某建设有限公司', uscc: first17 + usccCheck(first17),
			kind: 'unit', ownership: 'private', region_id: String(ids.wucheng), supervisor: '婺城区住房和城乡建设局',
			contact_name: '周经办', contact_mobile: '13957909999', username: 'mm_build', password: DEMO_PASSWORD }))
			form.append(k, v);
		form.append('authorization', new Blob([tinyPdf('授权委托书')], { type: 'application/pdf' }), '授权委托书.pdf');
		const r = await new Client('unit').ok('POST', '/register', { form });
		ids.unit = r.org_id;
		const q = await op.ok('GET', '/registrations');
		assert.deepEqual(q.items.map((i) => i.id), [ids.unit]);
		await op.ok('POST', `/registrations/${ids.unit}/approve`, { json: {} });
	});

	test('an applicant chooses the unit, the unit confirms, the archive item and the application reach it', async () => {
		const reg = new Client('applicant');
		await reg.ok('POST', '/register', { json: { idcard: '330702199001010015', name: '张建国', mobile: '13957900021',
			password: DEMO_PASSWORD } });
		const a = new Client('applicant');
		const me = await a.ok('POST', '/login', { json: { username: '330702199001010015', password: DEMO_PASSWORD } });
		await a.ok('PUT', '/profile', { json: { ethnicity: '汉族', education: '大学本科', degree: '学士',
			school: '浙江工业大学', major: '土木工程', graduation_date: '2010-06-30', work_start_date: '2010-07-01',
			title: '助理工程师', title_date: '2015-01-01', appointed_date: '2015-03-01', specialty: '建筑工程施工', custody: 'unit',
			unit_id: ids.unit, staffing: 'none', out_of_province_ss: false } });
		const unit = new Client('unit');
		await unit.ok('POST', '/login', { json: { username: 'mm_build', password: DEMO_PASSWORD } });
		const people = await unit.ok('GET', '/people');
		assert.deepEqual(people.items.map((p) => [p.id, p.status]), [[me.user.id, 'pending']]);
		await unit.ok('POST', `/people/${me.user.id}/confirm`);
		assert.equal((await a.ok('GET', '/profile')).profile.binding.status, 'confirmed');
		const item = await a.ok('POST', '/archive', { json: { kind: 'project', title: '婺城区某安置房工程',
			date: '2022-06-30', role: '技术负责人', org: '某建设单位', number: 'X-1', level: '大型', description: '施工',
			collective: false, attachments: [] } });
		const pending = await unit.ok('GET', '/archive');
		assert.deepEqual(pending.items.map((i) => i.id), [item.item.id]);
		const app = await a.ok('POST', '/applications', { json: { plan_id: ids.plan } });
		assert.equal(app.application.pipeline, '中级评审');
		assert.equal(app.application.unit, '金华某某建设有限公司');
		// every department it will meet exists: its 受理单位 are the county's 住建局 and the
		// chain's two 评审委员会 (the county's 初评委 and the city's 中评委)
		assert.equal(app.options.accept_orgs.length, 3);
	});
});
