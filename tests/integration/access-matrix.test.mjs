// The access matrix (issue 11): every route of every program, as the program
// prints its own table (`<program> -R`), asked by
//   - no session                         → 401 (a public route: refused for
//                                           the nobody's or someone else's
//                                           identity it names, or 2xx when it
//                                           takes no input at all)
//   - each other role's session          → 401 (a session belongs to one program)
//   - a stranger: the same role, another organisation (another applicant)
//       a path naming someone else's thing       → 403 or 404
//       a body naming someone else's things      → nothing written, while the
//                                                  same request naming its own
//                                                  things is accepted (a control:
//                                                  the body itself is valid)
//       a list of its own                        → nothing of the victim's in it
//   - the owner                          → not 5xx; reading its own things is
//                                           never 403/404 (the ids are real)
// The requests are built from the routes' declared fields (routes.mjs);
// after each route's refusals every table is checksummed: no row changed
// (trust.mjs says which records of a refusal are allowed, and why).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ROLES, BASE } from './lib.mjs';
import {
	PROGRAMS, REFERENCES, allRoutes, placeholders, plausible, plausibleRequest, routeName, routeTable,
} from './routes.mjs';
import { checksums, makeWorld, nobodysToken, retireWorld, written } from './trust.mjs';

/* Kinds of things nobody owns: every applicant may open any plan. */
const SHARED = new Set(['plans']);

let w;
let sent = 0;

before(async () => {
	w = await makeWorld();
});

after(async () => {
	await retireWorld(w);
});

/* The values a request's placeholders and references take. */
function context(program, { path, refs }) {
	const P = w.programs[program];
	return {
		victim: w.victim, orgs: w.orgs, plan: w.plan, region: w.region, today: w.today, nobody: w.nobody,
		step: P.step,
		path: (kind) => kind === 'sign' ? nobodysToken() : kind === 'plans' ? w.plan : path[kind],
		ref: (kind) => refs[kind],
	};
}

/* Sends a route's plausible request as a session (null: none); { status, text }. */
async function send(route, session, ctx) {
	const req = plausibleRequest(route, ctx);
	const headers = { ...req.headers };
	if (session) {
		headers.Cookie = session.cookieHeader();
		if (route.method !== 'GET')
			headers['X-CSRF-Token'] = session.csrf;
	}
	sent++;
	let res;
	try {
		res = await fetch(`${BASE}${req.path}`, { method: route.method, headers, body: req.body, redirect: 'manual' });
	} catch (err) {
		return { status: 0, text: `fetch failed: ${err.cause?.code || err.message}`, path: req.path };
	}
	return { status: res.status, text: await res.text(), path: req.path };
}

/* TRUST_TRACE=1 prints every request's answer (on stderr). */
function trace(route, who, r) {
	if (process.env.TRUST_TRACE)
		console.error(`${routeName(route)} | ${who} | ${r.status} ${r.text.slice(0, 100)}`);
}

const takesInput = (route) => route.fields !== null || placeholders(route.pattern).length > 0;
const refersTo = (route) => (route.fields || []).some((f) => Object.hasOwn(REFERENCES, f.name));
const ownedKinds = (route) => placeholders(route.pattern).filter((k) => !k.tok && !SHARED.has(k.kind));

/*
 * The refusal cells of a route: [{ who, session, ctx, expect(status) → bool,
 * leak (the reply must not show the victim's markers) }].
 */
function refusalCells(route) {
	const P = w.programs[route.program];
	const asOwner = context(route.program, { path: P.ids, refs: P.refs });
	const publicAnswer = (s) => takesInput(route) ? s >= 400 && s < 500 : s >= 200 && s < 300;
	const anonymous = route.public ? publicAnswer : (s) => s === 401;
	const cells = [{ who: 'no session', session: null, ctx: asOwner, expect: anonymous, want: route.public ? 'refused' : '401' }];
	for (const role of ROLES)
		if (role !== route.program)
			cells.push({ who: `${role}'s session`, session: w.programs[role].owner, ctx: asOwner, expect: anonymous,
				want: route.public ? 'refused' : '401' });
	if (route.public || !P.stranger)
		return cells;
	const notServerError = (s) => s > 0 && s < 500;
	// a body naming things: the same request with the stranger's own things
	// must succeed, or its refusal would prove nothing (see controlCells)
	const canControl = refersTo(route) && refKinds(route).every((k) => P.own[k]);
	if (ownedKinds(route).length > 0) {
		cells.push({ who: 'a stranger', session: P.stranger, ctx: asOwner, expect: (s) => s === 403 || s === 404,
			want: '403/404' });
		// the stranger's own thing in the path, someone else's in the body
		if (refersTo(route) && ownedKinds(route).every((k) => P.own[k.kind]))
			cells.push({ who: 'a stranger on its own', session: P.stranger,
				ctx: context(route.program, { path: P.own, refs: P.refs }), expect: notServerError, want: 'not 5xx',
				leak: true, control: canControl });
	} else if (refersTo(route) || route.method === 'GET') {
		cells.push({ who: 'a stranger', session: P.stranger, ctx: asOwner, expect: notServerError, want: 'not 5xx',
			leak: true, control: canControl });
	}
	return cells;
}

/* The kinds of things a route's body names (REFERENCES, as PLAUSIBLE fills them). */
function refKinds(route) {
	const kinds = new Set();
	const probe = { ...context(route.program, { path: {}, refs: {} }), route };
	for (const f of (route.fields || []).filter((x) => Object.hasOwn(REFERENCES, x.name))) {
		const seen = [];
		plausible(f, { ...probe, ref: (k) => { seen.push(k); return 1; } });
		seen.forEach((k) => kinds.add(k));
	}
	return [...kinds];
}

test('the route tables come from the programs, and every declared field has a plausible value', () => {
	for (const program of PROGRAMS)
		assert.ok(routeTable(program).length >= 3, `${program}: ${routeTable(program).length} routes`);
	const routes = allRoutes();
	for (const route of routes) {
		const P = w.programs[route.program];
		for (const k of placeholders(route.pattern))
			assert.ok(k.tok || SHARED.has(k.kind) || P.ids[k.kind],
			    `${routeName(route)}: the world has no "${k.kind}" of the ${route.program} owner (trust.mjs makeWorld)`);
		for (const f of route.fields || [])
			plausible(f, { ...context(route.program, { path: P.ids, refs: P.refs }), route });
	}
});

for (const program of PROGRAMS) {
	test(`${program}: without a session, with another role's, and as a stranger, every route is refused and writes nothing`, async (t) => {
		const failures = [];
		let n = 0;
		for (const route of routeTable(program)) {
			const before = await checksums();
			for (const cell of refusalCells(route)) {
				const r = await send(route, cell.session, { ...cell.ctx, route });
				trace(route, cell.who, r);
				n++;
				if (!cell.expect(r.status))
					failures.push(`${routeName(route)} as ${cell.who}: ${r.status}, expected ${cell.want} (${r.path}): ${r.text.slice(0, 160)}`);
				if (cell.leak && r.status >= 200 && r.status < 300)
					for (const m of w.markers)
						if (r.text.includes(m))
							failures.push(`${routeName(route)} as ${cell.who}: the reply shows the victim's "${m}"`);
			}
			const diffs = await written(before, await checksums(), { refusals: true });
			if (diffs.length > 0)
				failures.push(`${routeName(route)}: refused requests wrote: ${diffs.join('; ')}`);
			// controls: the stranger's request with its own things in it is accepted
			const P = w.programs[program];
			for (const cell of refusalCells(route).filter((c) => c.control)) {
				const own = context(program, { path: P.own, refs: P.own });
				const r = await send(route, P.stranger, { ...own, route });
				trace(route, `${cell.who}, control`, r);
				n++;
				if (r.status < 200 || r.status >= 300)
					failures.push(`${routeName(route)}: the stranger's request with its own things is refused (${r.status} ${r.text.slice(0, 120)}): the body is not plausible, so its refusal with someone else's things proves nothing`);
			}
		}
		t.diagnostic(`${program}: ${routeTable(program).length} routes, ${n} requests`);
		assert.deepEqual(failures, []);
	});
}

test('owners: every route on their own things answers without a server error, and reads are not refused', async (t) => {
	const failures = [];
	let n = 0;
	// reads first, then writes (which may end a session: it is opened again)
	const routes = allRoutes().filter((r) => !r.public && w.programs[r.program].owner);
	routes.sort((a, b) => (a.method === 'GET' ? 0 : 1) - (b.method === 'GET' ? 0 : 1));
	for (const route of routes) {
		const P = w.programs[route.program];
		const r = await send(route, P.owner, { ...context(route.program, { path: P.ids, refs: P.refs }), route });
		trace(route, 'its owner', r);
		n++;
		if (r.status === 0 || r.status >= 500)
			failures.push(`${routeName(route)} as its owner: ${r.status} (${r.path}): ${r.text.slice(0, 160)}`);
		else if (route.method === 'GET' && ownedKinds(route).length > 0 && (r.status === 403 || r.status === 404))
			failures.push(`${routeName(route)} as its owner: ${r.status}: the matrix's ids are not the owner's (${r.path})`);
		if ((await P.owner.whoami()).status === 401)
			await P.owner.login(...P.login);
	}
	t.diagnostic(`owners: ${n} requests; all suites of this file: ${sent} requests`);
	assert.deepEqual(failures, []);
});
