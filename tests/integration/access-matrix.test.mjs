// The access matrix (issue 11): every route of every program, as the program
// prints its own table (`<program> -R`), asked by
//   - no session                         → 401 (a public route: refused for
//                                           the nobody's or someone else's
//                                           identity it names, or 2xx when it
//                                           takes no input at all; a route
//                                           that must not tell whether an
//                                           account exists (ALIKE) answers the
//                                           nobody exactly as it answers an
//                                           existing account, writing nothing)
//   - each other role's session          → 401 (a session belongs to one program)
//   - a unit whose registration is not approved yet
//                                        → 403, but for the routes open to it
//                                           (`unapproved` in the table), where
//                                           someone else's thing is 403/404
//   - a committee member's login (county, city)
//                                        → 403 on every route not open to
//                                           members (`member` in the table)
//   - the desk and the committee office, on a member's own routes (the
//     ballot)                            → 403
//   - a desk whose department is no committee, on a committee office's
//     meetings and members               → 403/404
//   - a stranger: the same role, another organisation (another applicant)
//       a path naming someone else's thing       → 403 or 404, also when the
//                                                  path's other things are the
//                                                  stranger's own
//       a body naming someone else's things      → nothing written, while the
//                                                  same request naming its own
//                                                  things is accepted (a control:
//                                                  the body itself is valid)
//       a list of its own                        → nothing of the victim's in it
//   - the owner                          → not 5xx; reading its own things is
//                                           never 403/404 (the ids are real),
//                                           nor is writing them 403
// A program may have more than one kind of owner: the county's and the city's
// committee offices own their meetings and members, their members the ballots
// (trust.mjs, persona()); each such route is asked of its own owner and
// stranger. The operators' counters (GET /metrics, `loopback` in the table)
// are served to this machine's own address only, whoever asks: from any
// other, with or without a session, 403.
// The requests are built from the routes' declared fields (routes.mjs); a
// field without a plausible value, or a kind of :id the world has no thing
// of, fails the suite before anything is sent, so that nothing passes merely
// by being refused. After each route's refusals every table is checksummed:
// no row changed (trust.mjs says which records of a refusal are allowed, and
// why). Each route's requests come from a loopback address of their own
// (trust.mjs, loopback), so that the per-address limits count them apart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ROLES } from './lib.mjs';
import {
	PROGRAMS, allRoutes, placeholders, plausible, plausibleRequest, referenceKinds, routeName, routeTable,
} from './routes.mjs';
import {
	checksums, loopback, makeWorld, persona, pick, retireWorld, sendFrom, worldContext, written,
} from './trust.mjs';

/*
 * Kinds of things nobody owns: any applicant may open any published plan, and
 * a department sets its own fees for a plan (the rows it writes are its
 * organisation's). The operator's things are the platform's: every operator
 * runs the one platform and there is no other platform to be a stranger of,
 * so an operator's stranger (a second operator) is refused only someone's
 * own upload, and reads the platform's lists (the audit log names everyone).
 */
const SHARED = {
	'*': new Set(['plans']),
	admin: new Set(['registrations', 'departments', 'accounts', 'plans', 'calendar']),
};
const isShared = (program, kind) => SHARED['*'].has(kind) || Boolean(SHARED[program]?.has(kind));
const PLATFORM = new Set(['admin']);

/*
 * Public routes that must not tell whether an account exists (issue 11,
 * finding 6; lib/codes.c): 忘记密码 answers every user name alike. Instead of
 * refusing the nobody, such a route answers it 2xx with the very text it
 * answers an existing account (the owner's user name, asked after the
 * checksums), and writes nothing for it beyond a refusal's records.
 */
const ALIKE = new Set(['/password/forgot']);

let w;
let sent = 0;

before(async () => {
	w = await makeWorld();
});

after(async () => {
	await retireWorld(w);
});

/* The source address of each route's requests. */
const addresses = new Map();
const addressOf = (route) => {
	if (!addresses.has(routeName(route)))
		addresses.set(routeName(route), loopback());
	return addresses.get(routeName(route));
};

/* Sends a route's plausible request as a session (null: none), with values
 * from spec ({ path, refs }: the owner's things unless told) and body
 * members replaced by `override`; { status, text, path }. */
async function send(route, session, spec = {}, override = null) {
	const req = plausibleRequest(route, worldContext(w, route, spec));
	const headers = { ...req.headers };
	let body = req.body;
	if (override)
		body = JSON.stringify({ ...JSON.parse(body), ...override });
	if (session) {
		headers.Cookie = session.cookieHeader();
		if (route.method !== 'GET')
			headers['X-CSRF-Token'] = session.csrf;
	}
	sent++;
	const r = await sendFrom(addressOf(route), route.method, req.path, { headers, body });
	return { ...r, path: req.path };
}

/* TRUST_TRACE=1 prints every request's answer (on stderr). */
function trace(route, who, r) {
	if (process.env.TRUST_TRACE)
		console.error(`${routeName(route)} | ${who} | ${r.status} ${r.text.slice(0, 100)}`);
}

const takesInput = (route) => route.fields !== null || placeholders(route.pattern).length > 0;
/* The kinds of things a route's body names (those its plausible values ask ctx.ref for). */
const refKinds = (route) => referenceKinds(route, worldContext(w, route));
const refersTo = (route) => refKinds(route).length > 0;
/* The path's things that have ids, and those someone owns. */
const namedKinds = (route) => placeholders(route.pattern).filter((k) => !k.tok);
const ownedKinds = (route) => namedKinds(route).filter((k) => !isShared(route.program, k.kind));
const is2xx = (s) => s >= 200 && s < 300;
const notServerError = (s) => s > 0 && s < 500;
const refused = (s) => s === 403 || s === 404;

/*
 * The refusal cells of a route: [{ who, session, spec ({ path, refs }),
 * expect(status) → bool, want, leak (the reply must not show the victim's
 * markers), control, alike }].
 */
function refusalCells(route) {
	const P = persona(w, route), Q = w.programs[route.program];
	const asOwner = { path: P.ids, refs: P.refs };
	// the sessions of the other programs, their committee members' among them
	const others = ROLES.filter((role) => role !== route.program).flatMap((role) => [
		[`${role}'s session`, w.programs[role].owner],
		...(w.programs[role].member ? [[`${role}'s committee member's session`, w.programs[role].member]] : []),
	]);
	// the operators' counters: this machine's own address only (nginx's allow
	// 127.0.0.1 and ::1, the program's check behind it); the matrix asks from
	// another address of 127/8 (loopback()), as any other host would: 403 for
	// everyone. What 127.0.0.1 is answered is metrics.test.mjs's to prove, and
	// that a second host is refused ops.test.mjs's (a network namespace).
	if (route.loopback)
		return [['no session', null], ...others, ...(Q.owner ? [['its owner', Q.owner]] : [])].map(([who, session]) =>
			({ who, session, spec: asOwner, expect: (s) => s === 403, want: '403 (this machine only)' }));
	let anonymous = (s) => s === 401, want = '401', alike = false;
	if (route.public && ALIKE.has(route.pattern)) {
		anonymous = is2xx;
		want = '2xx, as for an existing account';
		alike = true;
	} else if (route.public) {
		anonymous = takesInput(route) ? (s) => s >= 400 && s < 500 : is2xx;
		want = takesInput(route) ? 'refused (4xx)' : '2xx';
	}
	const cells = [{ who: 'no session', session: null, spec: asOwner, expect: anonymous, want, alike }];
	for (const [who, session] of others)
		cells.push({ who, session, spec: asOwner, expect: anonymous, want, alike });
	if (route.public || !P.stranger)
		return cells;
	// a committee member's login reaches its ballots and its account, nothing
	// of the desk (lib/http.c refuses it every route not marked R_MEMBER); the
	// desk and the committee office reach none of a member's ballots; a desk
	// whose department is no committee, none of an office's meetings
	const orgOf = (s) => s.me.org.id;
	const office = Q.as?.find((a) => a.kind === 'office');
	if (Q.member && !route.member)
		cells.push({ who: 'a committee member', session: Q.member, spec: asOwner, expect: (s) => s === 403, want: '403' });
	if (P.kind === 'member')
		for (const [who, x] of [['the committee office', office], ['the desk', Q]])
			if (x === office || orgOf(x.owner) !== orgOf(office.owner))
				cells.push({ who, session: x.owner, spec: asOwner, expect: (s) => s === 403, want: '403' });
	if (P.kind === 'office' && orgOf(Q.owner) !== orgOf(P.owner))
		cells.push({ who: 'the desk (no committee)', session: Q.owner, spec: asOwner, expect: refused, want: '403/404' });
	// a unit not approved yet: its registration and its account, nothing else
	if (P.pending && !route.unapproved)
		cells.push({ who: 'a unit not yet approved', session: P.pending, spec: asOwner, expect: (s) => s === 403,
			want: '403' });
	else if (P.pending && ownedKinds(route).length > 0)
		cells.push({ who: 'a unit not yet approved', session: P.pending, spec: asOwner, expect: refused,
			want: '403/404' });
	// a body naming things: the same request with the stranger's own things
	// must succeed, or its refusal would prove nothing (see the controls)
	const own = (kind) => pick(P.own[kind], route);
	const canControl = refersTo(route) && refKinds(route).every(own);
	const owned = ownedKinds(route);
	if (owned.length > 0) {
		cells.push({ who: 'a stranger', session: P.stranger, spec: asOwner, expect: refused, want: '403/404' });
		// the stranger's own thing in one place of the path, someone else's in the others
		if (owned.length > 1)
			for (const k of owned.filter((x) => own(x.kind)))
				cells.push({ who: `a stranger with its own ${k.kind}`, session: P.stranger,
					spec: { path: { ...P.ids, [k.kind]: P.own[k.kind] }, refs: P.refs }, expect: refused,
					want: '403/404' });
		// the stranger's own things in the path, someone else's in the body
		if (refersTo(route) && owned.every((k) => own(k.kind)))
			cells.push({ who: 'a stranger on its own', session: P.stranger, spec: { path: P.own, refs: P.refs },
				expect: notServerError, want: 'not 5xx', leak: true, control: canControl });
	} else if (refersTo(route) || (route.method === 'GET' && !PLATFORM.has(route.program))) {
		cells.push({ who: 'a stranger', session: P.stranger, spec: asOwner, expect: notServerError, want: 'not 5xx',
			leak: true, control: canControl });
	}
	return cells;
}

/* Whether a reply accepted the request: 2xx, and no item of a batch refused. */
function accepted(r) {
	if (!is2xx(r.status))
		return false;
	try {
		const j = JSON.parse(r.text);
		return !(Array.isArray(j?.results) && j.results.some((x) => x.ok === false));
	} catch {
		return true;
	}
}

test('the route tables come from the programs, and every declared field has a plausible value', () => {
	for (const program of PROGRAMS)
		assert.ok(routeTable(program).length >= 3, `${program}: ${routeTable(program).length} routes`);
	const missing = [];
	for (const route of allRoutes()) {
		const P = persona(w, route);
		const where = P.kind ? `programs.${route.program}.as (${P.kind})` : `programs.${route.program}`;
		for (const k of namedKinds(route))
			if (!isShared(route.program, k.kind) && !pick(P.ids[k.kind], route))
				missing.push(`${routeName(route)}: the world has no "${k.kind}" of the ${route.program} owner: add a fixture to makeWorld in tests/integration/trust.mjs (${where}.ids.${k.kind}, an id the owner may use, and the same kind of thing of its stranger in own.${k.kind} when it has one), or to SHARED in access-matrix.test.mjs if nobody owns it`);
		// a member's routes are open to members, or the members could not vote
		if (P.kind === 'member' && !route.member)
			missing.push(`${routeName(route)}: asked as a committee member (${where}), but not open to members (R_MEMBER)`);
		for (const f of route.fields || [])
			try {
				plausible(f, worldContext(w, route));
			} catch (err) {
				missing.push(err.message);
			}
	}
	assert.deepEqual(missing, []);
});

for (const program of PROGRAMS) {
	test(`${program}: without a session, with another role's, and as a stranger, every route is refused and writes nothing`, async (t) => {
		const failures = [];
		let n = 0;
		for (const route of routeTable(program)) {
			const P = persona(w, route);
			const before = await checksums();
			const cells = refusalCells(route);
			const alike = [];
			for (const cell of cells) {
				const r = await send(route, cell.session, cell.spec);
				trace(route, cell.who, r);
				n++;
				if (!cell.expect(r.status))
					failures.push(`${routeName(route)} as ${cell.who}: ${r.status}, expected ${cell.want} (${r.path}): ${r.text.slice(0, 160)}`);
				if (cell.leak && is2xx(r.status))
					for (const m of w.markers)
						if (r.text.includes(m))
							failures.push(`${routeName(route)} as ${cell.who}: the reply shows the victim's "${m}"`);
				if (cell.alike)
					alike.push([cell.who, r.text]);
			}
			const diffs = await written(before, await checksums(), { refusals: true });
			if (diffs.length > 0)
				failures.push(`${routeName(route)}: refused requests wrote: ${diffs.join('; ')}`);
			// a route that answers every name alike: the same text for the owner's account
			if (alike.length > 0) {
				const r = await send(route, null, {}, { username: P.login[0] });
				trace(route, 'an existing account', r);
				n++;
				if (!is2xx(r.status))
					failures.push(`${routeName(route)} for an existing account: ${r.status} ${r.text.slice(0, 120)}`);
				for (const [who, text] of alike)
					if (text !== r.text)
						failures.push(`${routeName(route)}: the nobody's answer (${who}) differs from an existing account's: ${text.slice(0, 120)} ≠ ${r.text.slice(0, 120)}`);
			}
			// controls: the stranger's request with its own things in it is accepted
			for (const cell of cells.filter((c) => c.control)) {
				const r = await send(route, P.stranger, { path: P.own, refs: P.own });
				trace(route, `${cell.who}, control`, r);
				n++;
				if (!accepted(r))
					failures.push(`${routeName(route)}: the stranger's request with its own things is refused (${r.status} ${r.text.slice(0, 120)}): the body is not plausible, so its refusal with someone else's things proves nothing`);
			}
		}
		t.diagnostic(`${program}: ${routeTable(program).length} routes, ${n} requests`);
		assert.deepEqual(failures, []);
	});
}

test('owners: every route on their own things answers without a server error, and is not refused', async (t) => {
	const failures = [];
	let n = 0;
	// reads first, then writes (which may end a session: it is opened again)
	const routes = allRoutes().filter((r) => !r.public && persona(w, r).owner);
	routes.sort((a, b) => (a.method === 'GET' ? 0 : 1) - (b.method === 'GET' ? 0 : 1));
	for (const route of routes) {
		const P = persona(w, route);
		const r = await send(route, P.owner);
		trace(route, 'its owner', r);
		n++;
		if (r.status === 0 || r.status >= 500)
			failures.push(`${routeName(route)} as its owner: ${r.status} (${r.path}): ${r.text.slice(0, 160)}`);
		else if (namedKinds(route).length > 0 && (r.status === 403 || (route.method === 'GET' && r.status === 404)))
			failures.push(`${routeName(route)} as its owner: ${r.status}: the matrix's ids are not the owner's, or the owner is refused its own (${r.path}): ${r.text.slice(0, 160)}`);
		if ((await P.owner.whoami()).status === 401)
			await P.owner.login(...P.login);
	}
	t.diagnostic(`owners: ${n} requests; all suites of this file: ${sent} requests`);
	assert.deepEqual(failures, []);
});
