// The route tables of the programs, as the programs themselves print them
// (`<program> -R`, lib/http.c), and plausible requests built from them: the
// access matrix and the malformed corpus derive every request from these
// tables, never from a list of routes of their own. Not a test file itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ROLES, ROOT, VAR } from './lib.mjs';

/* Every program behind nginx: the six roles and the demo's payment simulator. */
export const PROGRAMS = [...ROLES, 'paysim'];

/*
 * The executable a program runs as: the one the stack's multiwatch started
 * (its command line after "--"), so that the table is the running program's;
 * otherwise $BIN, the sanitizer build, the plain build.
 */
export function programPath(program) {
	try {
		const pid = readFileSync(path.join(VAR, 'run', `${program}.pid`), 'utf8').trim();
		const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
		const exe = argv[argv.indexOf('--') + 1];
		if (argv.includes('--') && exe && existsSync(exe))
			return exe;
	} catch {
		// not running here: fall back to the build
	}
	for (const dir of [process.env.BIN, path.join(ROOT, 'build/san/bin'), path.join(ROOT, 'build/bin')])
		if (dir && existsSync(path.join(dir, program)))
			return path.join(dir, program);
	assert.fail(`no executable for ${program}: build it (make programs) or set BIN`);
}

const tables = new Map();

/* A program's routes: [{ program, method, pattern, public, no_csrf, multipart,
 * unapproved (open to a unit not approved yet), root (a page of the site's
 * own, at the pattern itself rather than below /api/<program>), member (open
 * to a committee member's login), one_time (open to a session whose password
 * someone else chose: me, password, logout), loopback (served to this machine's own
 * address only: GET /metrics, which lib/http.c answers before the table),
 * fields: null | [{ name, type, required, min, max, checked }] }]. */
export function routeTable(program) {
	if (!tables.has(program)) {
		const out = execFileSync(programPath(program), ['-R'], {
			encoding: 'utf8', env: { PATH: process.env.PATH, ASAN_OPTIONS: 'detect_leaks=0' },
		});
		const t = JSON.parse(out);
		assert.equal(t.program, program);
		assert.ok(t.routes.length > 0, `${program} has no routes`);
		tables.set(program, t.routes.map((r) => ({ program, ...r })));
	}
	return tables.get(program);
}

/* Every route of every program. */
export function allRoutes() {
	return PROGRAMS.flatMap(routeTable);
}

export const isWrite = (r) => r.method !== 'GET';
export const routeName = (r) => r.root ? `${r.method} ${r.pattern} (${r.program})`
    : `${r.method} /api/${r.program}${r.pattern}`;

/*
 * The placeholders of a pattern, each with the kind of thing it names: the
 * path segment before it ("/applications/:id/files/:id" → applications,
 * files). ":tok" names a signing link, "*" the rest of the path (a
 * certificate's verification code in /verify/*): both secrets a caller is
 * given, not ids of things.
 */
const SECRET = new Set([':tok', '*']);
export function placeholders(pattern) {
	const segs = pattern.split('/');
	const out = [];
	segs.forEach((s, i) => {
		if (s === ':id' || SECRET.has(s))
			out.push({ kind: segs[i - 1], tok: SECRET.has(s) });
	});
	return out;
}

/* The pattern with its placeholders replaced by values(kind, tok). */
export function fillPath(pattern, values) {
	return pattern.split('/').map((s, k, segs) =>
	    (s === ':id' || SECRET.has(s)) ? String(values(segs[k - 1], SECRET.has(s))) : s).join('/');
}

// ------------------------------------------------------------------ plausible values

/* The date n days after a 'YYYY-MM-DD' date. */
export function addDays(date, n) {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

/* The first Monday to Friday of a year ('YYYY-MM-DD'): a day a holiday
 * calendar may mark 休. */
export function firstWeekday(year) {
	for (let day = 1; ; day++) {
		const d = new Date(Date.UTC(year, 0, day));
		if (d.getUTCDay() >= 1 && d.getUTCDay() <= 5)
			return d.toISOString().slice(0, 10);
	}
}

/* Whether a route's pattern starts with, or ends with, a path. */
const under = (c, prefix) => c.route.pattern.startsWith(prefix);
const endsIn = (c, suffix) => c.route.pattern.endsWith(suffix);

/*
 * A plausible value for every field name the programs declare: what a form
 * of the portal would send. A name shared by routes of different meaning
 * (items, name, kind, level, org, text...) takes the value of each route's
 * form. `ctx` gives what a value refers to:
 *   ctx.route   the route
 *   ctx.ref(kind)  the id of a thing of that kind (an upload, an archive item,
 *               an application) the request should refer to: the caller's own
 *               for an owner, someone else's for the matrix's strangers (a
 *               field whose value calls ctx.ref is a reference: the matrix
 *               finds them by asking, see referenceKinds)
 *   ctx.path(kind)  the value of the path's placeholder of that kind
 *   ctx.step    the step of the application the route addresses
 *   ctx.nobody  a user name no account has; ctx.victim the victim applicant
 *   ctx.orgs    hongda (the victim's unit: id, uscc), centre, county
 *   ctx.plan, ctx.region, ctx.today
 * A name missing here fails the suites, so that a new field gets a value
 * before the matrix can pass by refusing it for its content.
 */
export const PLAUSIBLE = {
	// accounts: a session-less form names nobody; a form that creates an
	// account names a new one (one per program: each may create its own)
	username: (c) => c.route.public ? c.nobody : `${c.nobody}_${c.route.program}`,
	password: 'Wrong-Passw0rd',
	old: 'Wrong-Passw0rd',
	new: 'New-Passw0rd-2026',
	// an SMS code (lib/codes.c): six digits, not the one sent
	code: '246813',
	idcard: (c) => c.victim.idcard,
	name: (c) => under(c, '/plans') ? `test plan 信任矩阵 ${c.route.method} ${c.nobody}` : c.route.pattern === '/departments' ? '信任矩阵测试部门'
	    : under(c, '/regist') ? '信任矩阵测试建设有限公司' : '测试人员',
	// a new number where one is changed; the profile form sends the one on file
	mobile: (c) => c.route.pattern === '/profile' ? c.victim.mobile : '13957900099',
	// a unit's registration (the unit's /register and /registration): the
	// registration code of the victim's unit, so that a form without a
	// session names someone else's identity
	uscc: (c) => c.orgs.hongdaUscc,
	ownership: 'private',
	affiliation: (c) => c.route.program === 'admin' ? 'none' : '',
	region_id: (c) => c.region,
	supervisor: '婺城区住房和城乡建设局',
	authorization: () => ({ filename: '授权委托书.pdf', ctype: 'application/pdf', data: PDF }),
	contact_name: '李经办',
	contact_mobile: '13957901234',
	// profile
	ethnicity: '汉族',
	education: '大学本科',
	degree: '学士',
	school: '浙江工业大学',
	major: '土木工程',
	graduation_date: '2006-06-30',
	work_start_date: '2006-07-15',
	title: (c) => under(c, '/interviews') ? '评前面试（信任矩阵）' : under(c, '/meetings') ? '评审会议（信任矩阵）'
	    : under(c, '/documents') ? '关于公布职称评审结果的通知（信任矩阵）' : '助理工程师',
	title_date: '2015-01-01',
	appointed_date: '2015-03-01',
	specialty: '建筑工程施工',
	custody: 'unit',
	unit_id: (c) => c.orgs.hongda,
	centre_id: (c) => c.orgs.centre,
	staffing: 'none',
	out_of_province_ss: false,
	// lists and filters (GET)
	q: '张',
	kind: (c) => under(c, '/archive') ? 'project' : endsIn(c, '/files') ? 'summary'
	    : under(c, '/departments') ? 'construction' : 'unit',
	status: (c) => c.route.pattern === '/paycallback' ? 'success' : 'pending',
	download: true,
	tab: 'all',
	plan: (c) => c.plan,
	pipeline: 'mid_review',
	category: 'construction',
	method: 'normal',
	step: (c) => c.step,
	state: 'in_review',
	paid: false,
	region: (c) => c.region,
	sort: 'arrival',
	after: '2026-01-01~1',
	size: 20,
	// the audit log's filters (GET)
	actor: 'admin',
	actor_id: 1,
	target_type: 'application',
	target_id: 1,
	from: '2026-01-01',
	to: (c) => c.today,
	before: 1000000000,
	// 业绩档案
	date: '2021-05-01',
	role: '项目技术负责人',
	org: (c) => under(c, '/audit') ? c.orgs.hongda : '金华宏达建设工程有限公司',
	// a results document's 文号 is unique in its department: the world's own
	number: (c) => under(c, '/documents') ? `矩${c.nobody.slice(-9)}〔${c.today.slice(0, 4)}〕1号` : 'XM-2021-01',
	level: (c) => under(c, '/plans') ? 'mid' : '市级',
	description: '负责施工组织设计与技术交底',
	collective: false,
	attachments: (c) => [c.ref('uploads')],
	// the application
	plan_id: (c) => c.plan,
	statement: '本人述职：从事建筑工程施工技术工作',
	accept_org_id: (c) => c.orgs.county,
	held_title: '工程师（2020年取得）',
	self_score: 100,
	wizard_step: 3,
	// the digest of the draft a window typed over (application.revs): optional, and the
	// owner's changes with each request of the matrix; a save without one overwrites
	rev: () => undefined,
	recommenders: (c) => [{ name: '李建华', title: '高级工程师', specialty: '建筑工程施工',
		employer: '金华市建筑设计研究院有限公司', cert: c.ref('uploads') }],
	items: (c) => endsIn(c, '/batch') || endsIn(c, '/gates') ? [{ id: c.ref('applications'), step: c.step }]
	    : endsIn(c, '/fees') ? [{ name: '评审费', amount: 180 }]
	    : endsIn(c, '/assign') || endsIn(c, '/documents') || endsIn(c, '/agenda') ? [c.ref('applications')]
	    : endsIn(c, '/results') ? [{ id: c.ref('applications'), result: 'pass', note: '面试合格' }]
	    : [{ item_id: c.ref('archive'), contribution: c.ref('uploads') }],
	uploads: (c) => [c.ref('uploads')],
	file: (c) => endsIn(c, '/photo')
	    ? { filename: '证件照.jpg', ctype: 'image/jpeg', data: PHOTO }
	    : { filename: '材料.pdf', ctype: 'application/pdf', data: PDF },
	signature: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgAB4iG8MwAAAABJRU5ErkJggg==',
	// a signing link's token (in the body): one nobody was given
	token: () => randomBytes(16).toString('hex'),
	// review
	action: (c) => endsIn(c, '/review') ? 'approve' : under(c, '/audit') ? 'login' : 'pass',
	text: (c) => endsIn(c, '/import') ? `${firstWeekday(Number(c.path('calendar')))} 休 元旦`
	    : '经审查，符合申报条件，同意',
	checks: [],
	reason: (c) => under(c, '/certificates') ? '经核查，申报材料存在不实内容'
	    : under(c, '/meetings') || under(c, '/ballots') ? '与申报人曾在同一项目共事' : '材料齐全',
	starts_on: (c) => c.today,
	raised_on: (c) => c.today,
	// 收费设定's 缴费截止日期: none (a day would be named in every later fee message)
	pay_by: '',
	content: '收到书面异议一份',
	resolution: '经核实，异议不成立',
	// interviews (lib/interview.c): a week ahead
	starts_at: (c) => `${addDays(c.today, 7)} 09:30`,
	place: '婺城区住房和城乡建设局三楼会议室',
	panel: '张建国、李卫东、王海涛',
	// 技术支持联系方式 (lib/support.c)
	phone: '0579-82468888、12345',
	email: 'zcps@example.gov.cn',
	hours: '工作日 8:30-12:00、14:30-17:30',
	// plans (the operator's)
	year: (c) => Number(c.today.slice(0, 4)),
	series: '建设工程',
	title_name: '工程师',
	pipelines: ['mid_review'],
	opens_on: (c) => c.today,
	closes_on: (c) => addDays(c.today, 30),
	fee_recommend: 80,
	fee_review: 180,
	scope: '信任矩阵测试',
	requirements: '信任矩阵测试要求',
	publish: false,
	files: (c) => [{ upload_id: c.ref('uploads'), title: '信任矩阵测试附件', kind: 'self_form' }],
	updated_at: '',
	// the holiday calendar (the operator's), of the year in the path
	note: '信任矩阵测试年度',
	days: (c) => [{ day: firstWeekday(Number(c.path('calendar'))), workday: false, note: '元旦' }],
	// how many 公示 still standing the operator confirmed the save moves (a far year's: none)
	moves: 0,
	// results documents (lib/results.c): today, as the walks issue them (not before the
	// applications listed reached the step); the department's certificates filtered by one of
	// its documents
	issued_on: (c) => c.today,
	document: (c) => c.ref('documents'),
	// 评审会议 (lib/committee.c, lib/ballot.c): the rules as the defaults (2/3, 2/3);
	// a member's employer that is not the applicants' unit (no conflict of interest)
	quorum_num: 2,
	quorum_den: 3,
	pass_num: 2,
	pass_den: 3,
	employer: '浙江省建筑设计研究院',
	disabled: false,
	present: (c) => [c.ref('members')],
	application: (c) => c.ref('applications'),
	member: (c) => c.ref('members'),
	choice: 'agree',
	// payment (the provider's callback, the simulated gateway)
	order: '0123456789abcdef01234567',	// 24 hex, as the portal makes them (lib/fee.c valid_order)
	amount: 26000,
	sign: '0'.repeat(64),
	subject: '职称评审费',
	return: '/applicant/',
	result: 'success',
};

export function plausible(field, ctx) {
	assert.ok(Object.hasOwn(PLAUSIBLE, field.name),
	    `${routeName(ctx.route)}: no plausible value for field "${field.name}" (${field.type}${field.required ? ', required' : ''}, ${field.min}..${field.max}${field.checked ? ', checked by a validator' : ''}): add what the portal's form sends to PLAUSIBLE in tests/integration/routes.mjs`);
	const v = PLAUSIBLE[field.name];
	return typeof v === 'function' ? v(ctx) : structuredClone(v);
}

/*
 * The kinds of things a route's body refers to: those its fields' plausible
 * values ask ctx.ref for (the caller's own for an owner, someone else's for
 * a stranger). A field that asks for none (a fee item, a date) refers to
 * nothing anyone owns.
 */
export function referenceKinds(route, ctx) {
	const kinds = new Set();
	const probe = { ...ctx, route, ref: (k) => { kinds.add(k); return 1; } };
	for (const f of route.fields || [])
		plausible(f, probe);
	return [...kinds];
}

/* A plausible JSON body (object) of a route: every declared field. */
export function plausibleBody(route, ctx) {
	const body = {};
	for (const f of route.fields || [])
		body[f.name] = plausible(f, { ...ctx, route });
	return body;
}

// ------------------------------------------------------------------ bytes

/* An ID photo the portal accepts (the demo's) and a small well-formed PDF. */
export const PHOTO = readFileSync(path.join(ROOT, 'sql/seed/demo-photo.jpg'));
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/* A multipart body with one part "file" holding bytes; returns { body, ctype }. */
export function multipart(parts, boundary = '----trustproof7MA4YWxkTrZu0gW') {
	const chunks = [];
	for (const p of parts) {
		const head = [`Content-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`];
		if (p.ctype)
			head.push(`Content-Type: ${p.ctype}`);
		chunks.push(Buffer.from(`--${boundary}\r\n${head.join('\r\n')}\r\n\r\n`), Buffer.from(p.data), Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), ctype: `multipart/form-data; boundary=${boundary}` };
}

/*
 * The request a form of the portal would send to a route: { path, headers,
 * body } (headers without session or CSRF). ctx as for plausible(), plus
 * ctx.path(kind, tok), the value of each placeholder.
 */
export function plausibleRequest(route, ctx) {
	const p = fillPath(route.pattern, ctx.path);
	const prefix = route.root ? '' : `/api/${route.program}`;
	const headers = {};
	let body, query = '';
	if (route.method === 'GET' && route.fields) {
		// a list's filter that names a thing (the certificates of one of the
		// department's documents) goes in the query string, as the page sends
		// it; the other filters stay unset, so that a list shows all it may
		const q = new URLSearchParams();
		for (const f of route.fields)
			if (referenceKinds({ ...route, fields: [f] }, ctx).length > 0)
				q.set(f.name, String(plausible(f, { ...ctx, route })));
		query = q.size > 0 ? `?${q}` : '';
	}
	if (route.method !== 'GET' && route.fields !== null) {
		if (route.multipart) {
			// a file part as { filename, ctype, data }; any other value as text
			const mp = multipart((route.fields || []).map((f) => {
				const v = plausible(f, { ...ctx, route });
				return f.type === 'file' ? { name: f.name, ...v } : { name: f.name, data: String(v) };
			}));
			body = mp.body;
			headers['Content-Type'] = mp.ctype;
		} else {
			body = JSON.stringify(plausibleBody(route, ctx));
			headers['Content-Type'] = 'application/json';
		}
	}
	return { path: `${prefix}${p}${query}`, headers, body };
}
