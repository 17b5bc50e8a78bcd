// The route tables of the programs, as the programs themselves print them
// (`<program> -R`, lib/http.c), and plausible requests built from them: the
// access matrix and the malformed corpus derive every request from these
// tables, never from a list of routes of their own. Not a test file itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
export const routeName = (r) => `${r.method} /api/${r.program}${r.pattern}`;

/*
 * The placeholders of a pattern, each with the kind of thing it names: the
 * path segment before it ("/applications/:id/files/:id" → applications,
 * files). ":tok" names a signing link.
 */
export function placeholders(pattern) {
	const segs = pattern.split('/');
	const out = [];
	segs.forEach((s, i) => {
		if (s === ':id' || s === ':tok')
			out.push({ kind: segs[i - 1], tok: s === ':tok' });
	});
	return out;
}

/* The pattern with its placeholders replaced by values(kind, index). */
export function fillPath(pattern, values) {
	let i = 0;
	return pattern.split('/').map((s, k, segs) =>
	    (s === ':id' || s === ':tok') ? String(values(segs[k - 1], i++)) : s).join('/');
}

// ------------------------------------------------------------------ plausible values

/*
 * A plausible value for every field name the programs declare: what a form
 * of the portal would send. `ctx` gives what a value refers to:
 *   ctx.route   the route
 *   ctx.ref(kind)  the id of a thing of that kind (an upload, an archive item,
 *               an application) the request should refer to: the caller's own
 *               for an owner, someone else's for the matrix's strangers
 *   ctx.step    the step of the application the route addresses
 *   ctx.nobody  a user name no account has; ctx.victim the victim applicant
 * A name missing here fails the suites, so that a new field gets a value
 * before the matrix can pass by refusing it for its content.
 */
export const PLAUSIBLE = {
	// accounts
	username: (c) => c.nobody,
	password: 'Wrong-Passw0rd',
	old: 'Wrong-Passw0rd',
	new: 'New-Passw0rd-2026',
	idcard: (c) => c.victim.idcard,
	name: '测试人员',
	mobile: '13957900099',
	// profile
	ethnicity: '汉族',
	education: '大学本科',
	degree: '学士',
	school: '浙江工业大学',
	major: '土木工程',
	graduation_date: '2006-06-30',
	work_start_date: '2006-07-15',
	title: '助理工程师',
	title_date: '2015-01-01',
	specialty: '建筑工程施工',
	custody: 'unit',
	unit_id: (c) => c.orgs.hongda,
	centre_id: (c) => c.orgs.centre,
	staffing: 'none',
	out_of_province_ss: false,
	// lists and filters (GET)
	q: '张',
	kind: (c) => c.route.pattern.startsWith('/archive') ? 'project'
	    : c.route.pattern.endsWith('/files') ? 'summary' : 'unit',
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
	// 业绩档案
	date: '2021-05-01',
	role: '项目技术负责人',
	org: '金华宏达建设工程有限公司',
	number: 'XM-2021-01',
	level: '市级',
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
	recommenders: (c) => [{ name: '李建华', title: '高级工程师', specialty: '建筑工程施工',
		employer: '金华市建筑设计研究院有限公司', cert: c.ref('uploads') }],
	items: (c) => c.route.pattern.endsWith('/batch')
	    ? [{ id: c.ref('applications'), step: c.step }]
	    : [{ item_id: c.ref('archive'), contribution: c.ref('uploads') }],
	uploads: (c) => [c.ref('uploads')],
	file: (c) => c.route.pattern.endsWith('/photo')
	    ? { filename: '证件照.jpg', ctype: 'image/jpeg', data: PHOTO }
	    : { filename: '材料.pdf', ctype: 'application/pdf', data: PDF },
	signature: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgAB4iG8MwAAAABJRU5ErkJggg==',
	// review
	action: (c) => c.route.pattern.endsWith('/review') ? 'approve' : 'pass',
	text: '经审查，符合申报条件，同意',
	checks: [],
	reason: '材料齐全',
	starts_on: (c) => c.today,
	raised_on: (c) => c.today,
	content: '收到书面异议一份',
	resolution: '经核实，异议不成立',
	// payment (the provider's callback, the simulated gateway)
	order: '0123456789abcdef0123456789abcdef',
	amount: 26000,
	sign: '0'.repeat(64),
	subject: '职称评审费',
	return: '/applicant/',
	result: 'success',
};

/* The declared fields whose values refer to things someone owns, and the
 * kinds they refer to (see PLAUSIBLE). */
export const REFERENCES = {
	attachments: ['uploads'],
	uploads: ['uploads'],
	recommenders: ['uploads'],
	items: ['archive', 'uploads', 'applications'],
};

export function plausible(field, ctx) {
	assert.ok(Object.hasOwn(PLAUSIBLE, field.name),
	    `${routeName(ctx.route)}: no plausible value for field "${field.name}" (add one to PLAUSIBLE in tests/integration/routes.mjs)`);
	const v = PLAUSIBLE[field.name];
	return typeof v === 'function' ? v(ctx) : structuredClone(v);
}

/* The fields a plausible request sends: the required ones, and those that
 * refer to someone's things (so that a stranger's request names them). */
export function sentFields(route, all = true) {
	return (route.fields || []).filter((f) => all || f.required || Object.hasOwn(REFERENCES, f.name));
}

/* A plausible JSON body (object) of a route. */
export function plausibleBody(route, ctx, all = true) {
	const body = {};
	for (const f of sentFields(route, all))
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
 * ctx.path(kind, i), the value of each placeholder.
 */
export function plausibleRequest(route, ctx, all = true) {
	const p = fillPath(route.pattern, ctx.path);
	const headers = {};
	let body;
	if (route.method !== 'GET' && route.fields !== null) {
		if (route.multipart) {
			const mp = multipart(sentFields(route, all).map((f) =>
			    ({ name: f.name, ...plausible(f, { ...ctx, route }) })));
			body = mp.body;
			headers['Content-Type'] = mp.ctype;
		} else {
			body = JSON.stringify(plausibleBody(route, ctx, all));
			headers['Content-Type'] = 'application/json';
		}
	}
	return { path: `/api/${route.program}${p}`, headers, body };
}
