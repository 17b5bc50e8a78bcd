// The malformed corpus (issue 11): bad requests generated from the route
// tables against every write route of every program (POST, PUT, DELETE), sent
// as the owner of the things they name (so that one accepted by mistake would
// write to a real row): wrong types, numbers out of range, strings too long or
// too short or failing their validator, invalid UTF-8, NUL, lone surrogates,
// unknown / duplicate / missing fields, bodies that are not objects, truncated
// or oversized, wrong content types, bad multipart bodies, query strings,
// malformed path ids, methods no route has, missing CSRF. Every answer is a
// 4xx (never 5xx, never 2xx), a field error names the field that was spoiled,
// no worker dies, and no table changes (checksums around each route; a
// public route's attempts, which lib/limit.c counts per address refused or
// not, excepted). Multipart forms are spoilt part by part, their other parts
// as the form sends them. Each route's corpus comes from a loopback address
// of its own, so that those counts stay the corpus's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ROLES, assertHealthy, workerPids } from './lib.mjs';
import {
	PDF, PROGRAMS, allRoutes, isWrite, placeholders, plausible, plausibleBody, plausibleRequest, routeName,
} from './routes.mjs';
import {
	checksums, loopback, makeWorld, persona, retireWorld, sendFrom, worldContext, written,
} from './trust.mjs';

let w;
const pids = {};

before(async () => {
	w = await makeWorld();
	for (const p of PROGRAMS)
		pids[p] = workerPids(p);
});

after(async () => {
	await retireWorld(w);
});

// ------------------------------------------------------------------ generators

/* A JSON text with one member's value replaced by raw bytes. */
function withRawValue(body, name, bytes) {
	const marker = '"@@spoilt@@"';
	const [a, b] = JSON.stringify({ ...body, [name]: '@@spoilt@@' }).split(marker);
	return Buffer.concat([Buffer.from(a), Buffer.from(bytes), Buffer.from(b)]);
}

const json = (o) => JSON.stringify(o);

/* Values of the wrong type or out of the declared range for one field. */
function spoiltValues(f) {
	const out = [];
	const over = Math.min(f.max + 1, 70000);
	switch (f.type) {
	case 'str':
	case 'lines':
	case 'text':
		out.push(['a number', 12345], ['true', true], ['an array', ['x']], ['an object', { x: 1 }],
		    [`${over} characters`, 'x'.repeat(over)], [`${over} 汉字`, '汉'.repeat(over)]);
		if (f.min >= 2)
			out.push([`${f.min - 1} characters`, 'x'.repeat(f.min - 1)]);
		if (f.required && f.min >= 1)
			out.push(['empty', '']);
		if (f.checked)
			out.push(['what its validator refuses', '!'.repeat(Math.max(f.min, 1))]);
		out.push(['a control character', `a\u0007${'b'.repeat(Math.max(f.min, 2))}`]);
		// one line (a name, a date): what its page's one-line input could not have typed
		if (f.type === 'str')
			out.push(['a line break inside', `a\nb${'c'.repeat(Math.max(f.min - 3, 0))}`],
			    ['a tab inside', `a\tb${'c'.repeat(Math.max(f.min - 3, 0))}`]);
		break;
	case 'int':
		out.push([`${f.min - 1}`, f.min - 1], [`${f.max + 1}`, f.max + 1], ['1.5', 1.5], ['1e300', 1e300],
		    ['-1e300', -1e300], ['a string', '1'], ['true', true], ['an array', [1]], ['an object', {}]);
		break;
	case 'dec1':
		out.push([`${f.min - 1}`, f.min - 1], [`${f.max + 0.5}`, f.max + 0.5], ['1.25', 1.25], ['1e300', 1e300],
		    ['-1e300', -1e300], ['a string', '1'], ['true', true], ['an array', [1]], ['an object', {}]);
		break;
	case 'bool':
		out.push(['"true"', 'true'], ['1', 1], ['0', 0], ['an array', [true]], ['an object', {}], ['"yes"', 'yes']);
		break;
	case 'array':
		out.push(['a string', 'x'], ['a number', 1], ['an object', { 0: 1 }], ['true', true],
		    [`${f.max + 1} items`, Array.from({ length: f.max + 1 }, (_, i) => i + 1)],
		    ['an item "x"', ['x']], ['an item 1.5', [1.5]], ['an item -1', [-1]], ['an item null', [null]],
		    ['an item []', [[]]], ['an item with an unknown member', [{ zzz: 1 }]]);
		if (f.min > 0)
			out.push(['empty', []]);
		break;
	default:
		break;
	}
	if (f.required)
		out.push(['null (a required field)', null]);
	return out;
}

/*
 * The bad requests of one write route: [{ what, method, path, headers, body,
 * field (the field spoilt, when the answer should name it), csrf (false: none) }].
 */
function corpus(route) {
	const ctx = worldContext(w, route);
	const good = plausibleRequest(route, ctx);
	const out = [];
	const add = (what, o) => out.push({ what, method: route.method, path: good.path, headers: {}, ...o });
	const fields = route.fields || [];
	const jsonRoute = !route.multipart;

	if (jsonRoute && route.fields !== null) {
		const base = plausibleBody(route, ctx);
		const ct = { 'Content-Type': 'application/json' };
		for (const f of fields) {
			for (const [what, v] of spoiltValues(f))
				add(`${f.name}: ${what}`, { headers: ct, body: json({ ...base, [f.name]: v }), field: f.name });
			if (f.required) {
				const { [f.name]: _, ...rest } = base;
				add(`${f.name}: missing`, { headers: ct, body: json(rest), field: f.name });
			}
			if (f.type === 'str' || f.type === 'lines' || f.type === 'text') {
				for (const [what, bytes] of [['invalid UTF-8 (ff)', [0x22, 0x61, 0xff, 0x62, 0x22]],
				    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]], ['a cut sequence', [0x22, 0xe4, 0xb8, 0x22]],
				    ['a surrogate in UTF-8', [0x22, 0xed, 0xa0, 0x80, 0x22]], ['a raw NUL', [0x22, 0x61, 0x00, 0x62, 0x22]]])
					add(`${f.name}: ${what}`, { headers: ct, body: withRawValue(base, f.name, bytes) });
				for (const [what, text] of [['\\u0000', '"a\\u0000b"'], ['a lone high surrogate', '"a\\ud800b"'],
				    ['a lone low surrogate', '"\\udc00ab"']])
					add(`${f.name}: ${what}`, { headers: ct, body: withRawValue(base, f.name, Buffer.from(text)) });
			}
			// the same member twice
			const text = json(base);
			add(`${f.name}: twice`, { headers: ct, body: `${text.slice(0, -1)},${json(f.name)}:${json(base[f.name])}}`, field: f.name });
		}
		add('an unknown member', { headers: ct, body: json({ ...base, zzz_unknown: 1 }), field: 'zzz_unknown' });
		add('an unknown member with a long name', { headers: ct, body: json({ ...base, ['k'.repeat(5000)]: 1 }) });
		add('a member name in invalid UTF-8', { headers: ct, body: Buffer.concat([Buffer.from('{"'), Buffer.from([0xfe, 0xff]), Buffer.from('":1}')]) });
		add('an empty body', { headers: ct, body: '' });
		add('an empty object', { headers: ct, body: '{}', skipIf: fields.every((f) => !f.required) });
		const text = json(base);
		for (const cut of [1, Math.floor(text.length / 2), text.length - 1])
			add(`truncated at ${cut} of ${text.length}`, { headers: ct, body: text.slice(0, cut) });
		add('trailing garbage', { headers: ct, body: `${text} x` });
		add('two objects', { headers: ct, body: `${text}${text}` });
		add('single quotes', { headers: ct, body: text.replaceAll('"', "'") });
		add('a trailing comma', { headers: ct, body: `${text.slice(0, -1)},}` });
		add('NaN', { headers: ct, body: `${text.slice(0, -1)},"zzz":NaN}` });
		add('nested 5000 deep', { headers: ct, body: `{"zzz":${'['.repeat(5000)}${']'.repeat(5000)}}` });
		add('a body over 64 KiB', { headers: ct, body: json({ ...base, zzz: 'x'.repeat(70 * 1024) }) });
		for (const top of ['[]', '"text"', '42', 'null', 'true'])
			add(`a top-level ${top}`, { headers: ct, body: top });
		for (const t of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'multipart/form-data; boundary=x', 'application/xml'])
			add(`Content-Type ${t}`, { headers: { 'Content-Type': t }, body: text });
		add('no Content-Type', { body: Buffer.from(text) });
		add('form-encoded fields', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(Object.entries(base).map(([k, v]) => [k, String(v)])).toString() });
	} else if (jsonRoute) {
		// a route that takes nothing: anything sent is refused (an empty body would be valid)
		add('a JSON member', { headers: { 'Content-Type': 'application/json' }, body: '{"zzz":1}', field: 'zzz' });
		add('a JSON array', { headers: { 'Content-Type': 'application/json' }, body: '[1]' });
		add('truncated JSON', { headers: { 'Content-Type': 'application/json' }, body: '{"zzz":' });
		add('invalid UTF-8', { headers: { 'Content-Type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) });
		add('a text body', { headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
		add('a form body', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
		add('a body without type', { body: Buffer.from('{"zzz":1}') });
	}

	if (route.multipart) {
		const B = '----corpusBoundary0123';
		const ct = { 'Content-Type': `multipart/form-data; boundary=${B}` };
		const file = fields.find((f) => f.type === 'file');
		const part = (head, data) => Buffer.concat([Buffer.from(`--${B}\r\n${head.join('\r\n')}\r\n\r\n`), Buffer.from(data), Buffer.from('\r\n')]);
		const disp = (name, filename) => `Content-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}`;
		const end = Buffer.from(`--${B}--\r\n`);
		// the form's other fields, as it sends them: only what a case spoils is wrong
		const texts = fields.filter((f) => f.type !== 'file');
		const good = Object.fromEntries(texts.map((f) => [f.name, String(plausible(f, ctx))]));
		const textParts = (values) => Buffer.concat(Object.entries(values).map(([k, v]) => part([disp(k)], v)));
		const rest = textParts(good);
		const filePart = part([disp(file.name, 'a.pdf'), 'Content-Type: application/pdf'], PDF);
		const form = (...p) => Buffer.concat([rest, ...p, end]);
		const whole = form(filePart);
		const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
		const mp = (what, body, o = {}) => add(`multipart: ${what}`, { headers: ct, body, ...o });
		mp('no boundary', whole, { headers: { 'Content-Type': 'multipart/form-data' } });
		mp('an empty boundary', whole, { headers: { 'Content-Type': 'multipart/form-data; boundary=' } });
		mp('a boundary of 71 characters', whole, { headers: { 'Content-Type': `multipart/form-data; boundary=${'b'.repeat(71)}` } });
		mp('another boundary than the body\'s', whole, { headers: { 'Content-Type': 'multipart/form-data; boundary=other' } });
		mp('a JSON body', json({ ...good, [file.name]: PDF.toString('base64') }), { headers: { 'Content-Type': 'application/json' } });
		mp('no Content-Type', whole, { headers: {} });
		mp('no closing delimiter', whole.subarray(0, whole.length - end.length));
		mp('cut in the data', whole.subarray(0, rest.length + 60));
		mp('the first delimiter missing', whole.subarray(2));
		mp('an empty body', Buffer.alloc(0));
		mp('only the closing delimiter', end);
		mp('a part without Content-Disposition', form(part(['Content-Type: application/pdf'], PDF)));
		mp('a part of another disposition', form(part([`Content-Disposition: attachment; name="${file.name}"; filename="a.pdf"`], PDF)));
		mp('a part without a name', form(part(['Content-Disposition: form-data; filename="a.pdf"'], PDF)));
		mp('a header without a colon', form(part(['no colon here'], PDF)));
		mp('an unterminated filename', form(part([`Content-Disposition: form-data; name="${file.name}"; filename="../a.pdf`], PDF)));
		mp('a header of 20 000 bytes', form(part([disp(file.name, 'a.pdf'), `X-Pad: ${'p'.repeat(20000)}`], PDF)));
		mp('an undeclared part', form(filePart, part([disp('zzz')], 'hello')), { field: 'zzz' });
		mp('a text part for the file', form(part([disp(file.name)], 'hello')), { field: file.name });
		mp('the file twice', form(filePart, part([disp(file.name, 'b.pdf')], PDF)), { field: file.name });
		mp('an empty file', form(part([disp(file.name, 'a.pdf')], '')), { field: file.name });
		mp('PNG bytes named .pdf', form(part([disp(file.name, 'a.pdf'), 'Content-Type: application/pdf'], PNG)), { field: file.name });
		mp('a PDF without its end', form(part([disp(file.name, 'a.pdf')], PDF.subarray(0, 30))), { field: file.name });
		mp('HTML named .jpg', form(part([disp(file.name, 'a.jpg'), 'Content-Type: image/jpeg'], '<script>alert(1)</script>')), { field: file.name });
		mp('nine parts', form(...Array.from({ length: 9 }, (_, i) => part([disp(`p${i}`)], 'x'))));
		mp('a nested multipart', form(part([disp(file.name, 'a.pdf'), `Content-Type: multipart/mixed; boundary=${B}x`], `--${B}x\r\n\r\nx\r\n--${B}x--`)));
		mp('a name in invalid UTF-8', form(Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="`), Buffer.from([0xff, 0xfe]), Buffer.from(`"; filename="a.pdf"\r\n\r\n`), PDF, Buffer.from('\r\n')));
		// the form's text fields, one spoilt at a time (values arrive as text)
		for (const f of texts) {
			const spoil = (what, value) => mp(`${f.name}: ${what}`, Buffer.concat([textParts({ ...good, [f.name]: value }), filePart, end]), { field: f.name });
			const { [f.name]: _, ...others } = good;
			if (f.required)
				mp(`${f.name}: missing`, Buffer.concat([textParts(others), filePart, end]), { field: f.name });
			mp(`${f.name}: twice`, form(filePart, part([disp(f.name)], good[f.name])), { field: f.name });
			mp(`${f.name}: a file part`, Buffer.concat([textParts(others), part([disp(f.name, 'x.txt')], good[f.name]), filePart, end]), { field: f.name });
			if (f.type === 'int') {
				for (const v of ['abc', '1.5', '1e3', '-1', `${f.min - 1}`, `${f.max + 1}`, ' 1', '0x10'])
					if (!(/^\d+$/.test(v) && Number(v) >= f.min && Number(v) <= f.max))
						spoil(`"${v}"`, v);
			} else if (f.type === 'bool') {
				spoil('"yes"', 'yes');
			} else {
				spoil(`${Math.min(f.max + 1, 70000)} characters`, 'x'.repeat(Math.min(f.max + 1, 70000)));
				spoil('a control character', `a\u0007${'b'.repeat(Math.max(f.min, 2))}`);
				spoil('invalid UTF-8', Buffer.from([0x61, 0xff, 0x62]));
				spoil('a NUL', Buffer.from([0x61, 0x00, 0x62]));
				if (f.checked)
					spoil('what its validator refuses', '!'.repeat(Math.max(f.min, 1)));
				if (f.min >= 2)
					spoil(`${f.min - 1} characters`, 'x'.repeat(f.min - 1));
			}
		}
	}

	// the request line and the headers
	const body = good.body, headers = good.headers;
	add('a query string', { path: `${good.path}?a=1`, headers, body });
	add('a malformed query string', { path: `${good.path}?a=%zz&b`, headers, body });
	add('a query string of 3 000 bytes', { path: `${good.path}?q=${'a'.repeat(3000)}`, headers, body });
	add('a URL of 20 000 bytes', { path: `${good.path}?q=${'a'.repeat(20000)}`, headers, body });
	for (const m of ['PATCH', 'OPTIONS'])
		add(`method ${m}`, { method: m, headers, body: m === 'OPTIONS' ? undefined : body });
	for (const bad of ['0', '-1', '99999999999999999999', 'abc', '1.5', '1%00', '01x'])
		if (placeholders(route.pattern).some((k) => !k.tok))
			add(`path id ${bad}`, { path: good.path.replace(/\/\d+(?=\/|$)/, `/${bad}`), headers, body });
	if (placeholders(route.pattern).some((k) => k.tok))
		for (const bad of ['abc', '0123456789abcde', 'f'.repeat(65), 'ABCDEF0123456789ABCDEF'])
			add(`token ${bad.slice(0, 20)}`, { path: good.path.replace(/\/[0-9a-f]{32}(?=\/|$)/, `/${bad}`), headers, body });
	if (route.no_csrf) {
		add('a cross-site Origin', { headers: { ...headers, Origin: 'https://evil.example' }, body });
		add('Sec-Fetch-Site: cross-site', { headers: { ...headers, 'Sec-Fetch-Site': 'cross-site' }, body });
	} else if (!route.public) {
		add('no CSRF token', { headers, body, csrf: false });
		add('a wrong CSRF token', { headers, body, csrf: 'f'.repeat(32) });
	}
	return out.filter((r) => !r.skipIf);
}

// ------------------------------------------------------------------ the run

/* One bad request, as the owner of what it names, from the route's own
 * loopback address; { status, text, json }. */
async function send(route, req, from) {
	const P = persona(w, route);
	const headers = { ...req.headers };
	const s = route.public ? null : P.owner;
	if (s) {
		headers.Cookie = s.cookieHeader();
		if (req.csrf !== false)
			headers['X-CSRF-Token'] = typeof req.csrf === 'string' ? req.csrf : s.csrf;
	}
	const r = await sendFrom(from, req.method, req.path, { headers, body: req.body });
	let j = null;
	try {
		j = JSON.parse(r.text);
	} catch {
		j = null;
	}
	return { ...r, json: j };
}

test('every write route refuses its malformed corpus with a 4xx, names the spoilt field, and writes nothing', async (t) => {
	const failures = [];
	const writes = allRoutes().filter(isWrite);
	let n = 0;
	const statuses = {};
	for (const route of writes) {
		const before = await checksums();
		const from = loopback();
		// four at once (each waits on nginx, a worker and PostgreSQL in turn: one at a time, a
		// run beside the other suites took 276 s where it takes 46 alone); none is let through
		const reqs = [...corpus(route)];
		let next = 0;
		await Promise.all(Array.from({ length: 4 }, async () => {
			while (next < reqs.length) {
				const req = reqs[next++];
				const r = await send(route, req, from);
				n++;
				statuses[r.status] = (statuses[r.status] || 0) + 1;
				if (process.env.TRUST_TRACE)
					console.error(`${routeName(route)} | ${req.what} | ${r.status} ${r.text.slice(0, 100)}`);
				if (r.status < 400 || r.status >= 500) {
					failures.push(`${routeName(route)} with ${req.what}: ${r.status} ${r.text.slice(0, 160)}`);
					continue;
				}
				const named = r.json?.error?.field;
				if (req.field !== undefined && r.status === 400 && named !== undefined && named !== req.field)
					failures.push(`${routeName(route)} with ${req.what}: the error names "${named}", not the spoilt "${req.field}": ${r.text.slice(0, 160)}`);
			}
		}));
		// a public route counts every attempt per address, refused ones too (lib/limit.c)
		const diffs = await written(before, await checksums(), { attempts: route.public });
		if (diffs.length > 0)
			failures.push(`${routeName(route)}: its malformed corpus wrote: ${diffs.join('; ')}`);
	}
	t.diagnostic(`${writes.length} write routes, ${n} malformed requests; answers: ${Object.entries(statuses).map(([s, c]) => `${s}×${c}`).join(' ')}`);
	assert.ok(n >= 1000, `only ${n} malformed requests`);
	assert.deepEqual(failures, []);
	// the owners' sessions outlived the corpus: nothing was taken as a logout
	for (const role of ROLES)
		for (const [i, P] of [w.programs[role], ...(w.programs[role].as ?? [])].entries())
			assert.equal((await P.owner.whoami()).status, 200, `${role}'s ${i === 0 ? 'owner' : P.kind} session ended`);
});

test('no worker died under the corpus', async () => {
	for (const p of PROGRAMS) {
		await assertHealthy(p);
		if (pids[p] !== null)
			assert.deepEqual(workerPids(p), pids[p], `a ${p} worker was replaced: it crashed`);
	}
});
