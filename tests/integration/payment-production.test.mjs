// Issue 11, finding 1, "anyone can mark a fee paid without paying": the simulated payment
// gateway is a thing of the demo only. This starts a second, small stack in the production
// configuration (PAYMENT_PROVIDER=external: conf/portal.conf.in as shipped, with a gateway URL
// and the provider's key filled in) under $PORTAL_VAR/production, nginx on the test port + 1
// (PORTAL_PROD_PORT), and proves there: the simulator's program, routes and page are absent
// (404), the portal's gateway of before is gone, and a notification signed by the simulator
// with its key is refused (403) while the provider's is taken. The demo's flow through the
// simulator is in applicant-submit.test.mjs and tests/browser/applicant-flow.test.mjs.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	BASE, DEMO_APPLICANT, DEMO_PASSWORD, HONGDA, VAR, assertError, gatewayOrder, lit, paysim, portalConf,
	sideStack,
} from './lib.mjs';

const PUBLIC = 'https://zcps.example.invalid';
const side = sideStack('production', 1, { PAYMENT_PROVIDER: 'external', PAYMENT_GATEWAY_URL: 'https://pay.example.invalid/gateway',
	PUBLIC_URL: `${PUBLIC}/` });
const PROD_VAR = side.dir;
const PROD = side.base;
const GATEWAY = 'https://pay.example.invalid/gateway';
const COUNTY_JSJ = '婺城区住房和城乡建设局';
const prodSql = side.sql;

async function req(base, method, p, { json, cookie, csrf } = {}) {
	const headers = {};
	if (json !== undefined)
		headers['Content-Type'] = 'application/json';
	if (cookie)
		headers.Cookie = cookie;
	if (csrf)
		headers['X-CSRF-Token'] = csrf;
	const res = await fetch(`${base}${p}`, { method, headers, redirect: 'manual',
		body: json === undefined ? undefined : JSON.stringify(json) });
	const text = await res.text();
	let body = null;
	try {
		body = JSON.parse(text);
	} catch {
		body = null;
	}
	return { status: res.status, headers: res.headers, text, json: body };
}
const prod = (method, p, opts) => req(PROD, method, p, opts);
const hmac = (key, msg) => createHmac('sha256', key).update(msg).digest('hex');

before(async () => {
	await side.start('seed');
});

after(async () => {
	await side.stop();
});

describe('the production configuration (PAYMENT_PROVIDER=external)', () => {
	let simKey, prodKey, app;
	const order = randomBytes(12).toString('hex');

	/* The demo applicant's application at the fee step, with an order of 260 元 waiting. */
	before(async () => {
		app = Number(await prodSql(`WITH p AS (INSERT INTO plan (year, name, level, opens_on, closes_on,
		    fee_recommend, fee_review) VALUES (2023, '生产配置检查计划', 'mid', current_date, current_date + 30, 80, 180)
		    RETURNING id)
		    INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id, state, step_seq,
		    current_org_id) SELECT u.id, p.id, (SELECT id FROM pipeline WHERE code = 'mid_review'), o.id, o.region_id,
		    'in_review', 4, (SELECT id FROM org WHERE name = ${lit(COUNTY_JSJ)})
		    FROM p, app_user u, org o WHERE u.username = ${lit(DEMO_APPLICANT)} AND o.name = ${lit(HONGDA)} RETURNING id`));
		assert.ok(app > 0);
		await prodSql(`INSERT INTO payment (order_no, application_id, amount_fen) VALUES (${lit(order)}, ${app}, 26000)`);
	});

	test('portal.conf comes from the template: an external provider, the provider\'s key, no simulator', () => {
		const conf = readFileSync(path.join(PROD_VAR, 'portal.conf'), 'utf8');
		assert.equal(portalConf('payment_provider', PROD_VAR), 'external');
		assert.equal(portalConf('payment_gateway_url', PROD_VAR), GATEWAY);
		prodKey = portalConf('payment_callback_secret', PROD_VAR);
		assert.equal(prodKey, readFileSync(path.join(PROD_VAR, 'payment.secret'), 'utf8').trim());
		assert.doesNotMatch(conf, /simulator|paysim/);
		// the simulator's key is the demo stack's own, and not the production one
		simKey = readFileSync(path.join(VAR, 'paysim.secret'), 'utf8').trim();
		assert.match(simKey, /^[0-9a-f]{64}$/);
		assert.notEqual(simKey, prodKey);
		for (const f of ['paysim.conf', 'paysim.secret', 'run/paysim.pid', 'run/fcgi/paysim.sock', 'nginx/paysim.conf'])
			assert.equal(existsSync(path.join(PROD_VAR, f)), false, `${f} exists in the production stack`);
		assert.doesNotMatch(readFileSync(path.join(PROD_VAR, 'nginx/nginx.conf'), 'utf8'), /paysim/);
	});

	test('the simulator\'s routes and page are 404 there (and are served in the demo)', async () => {
		assert.equal((await req(BASE, 'GET', '/api/paysim/health')).status, 200, 'the demo stack serves the simulator');
		assert.equal((await req(BASE, 'GET', '/paysim/')).status, 200, 'the demo stack serves the simulator page');
		assert.equal((await prod('GET', '/api/applicant/health')).status, 200);
		for (const [method, p] of [['GET', '/api/paysim/health'], ['POST', '/api/paysim/open'], ['POST', '/api/paysim/pay'],
			['GET', '/paysim/'], ['GET', '/paysim/index.html'], ['GET', '/paysim']]) {
			const r = await prod(method, p, method === 'POST' ? { json: {} } : {});
			assert.equal(r.status, 404, `${method} ${p}: ${r.status} ${r.text.slice(0, 200)}`);
		}
	});

	test('the applicant is sent to the provider\'s gateway with the order signed by the production key', async () => {
		const login = await prod('POST', '/api/applicant/login', { json: { username: DEMO_APPLICANT, password: DEMO_PASSWORD } });
		assert.equal(login.status, 200, login.text);
		const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
		assert.deepEqual((await prod('GET', '/api/applicant/payment', { cookie })).json, { provider: 'external', simulated: false });
		const r = await prod('POST', `/api/applicant/applications/${app}/pay`, { cookie, csrf: login.json.csrf });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.order, order, 'the order waiting is continued');
		assert.equal(r.json.provider, 'external');
		assert.ok(r.json.pay_url.startsWith(`${GATEWAY}?order=${order}&`), r.json.pay_url);
		const q = gatewayOrder(r.json.pay_url);
		assert.equal(q.amount, 26000);
		const msg = `pay|${order}|26000|${q.return}|${q.subject}`;
		assert.equal(q.sign, hmac(prodKey, msg));
		assert.notEqual(q.sign, hmac(simKey, msg));
	});

	const state = async () => (await prodSql(`SELECT y.status || ' ' || (a.paid_at IS NOT NULL)
	    FROM payment y JOIN application a ON a.id = y.application_id WHERE y.order_no = ${lit(order)}`));

	test('the gateway that was in the portal is gone: paygate/<order> without a session is 404 and pays nothing', async () => {
		// the requests of the issue
		const r = await prod('POST', `/api/applicant/paygate/${order}`, { json: { result: 'success' } });
		if (r.json && r.json.callback)
			await prod('POST', '/api/applicant/paycallback', { json: r.json.callback });
		assert.equal(await state(), 'pending false', 'an anonymous request marked the fee paid');
		assertError(r, 404, 'not_found');
		assertError(await prod('GET', `/api/applicant/paygate/${order}`), 404, 'not_found');
		assert.equal(await state(), 'pending false');
	});

	test('a notification signed by the simulator is refused (403); the provider\'s is taken once', async () => {
		// the demo's simulator program signs a success for this order with its key
		const ret = `/applicant/#/applications/${app}?paid=1`, subject = '生产配置检查计划';
		const sim = await paysim('pay', { order, amount: 26000, subject, return: ret, result: 'success',
			sign: hmac(simKey, `pay|${order}|26000|${ret}|${subject}`) });
		assert.equal(sim.status, 200, sim.text);
		assert.equal(sim.json.callback.sign, hmac(simKey, `${order}|26000|success`));
		const refused = await prod('POST', '/api/applicant/paycallback', { json: sim.json.callback });
		assertError(refused, 403, 'forbidden', 'sign');
		assert.equal(await state(), 'pending false');

		const good = { order, amount: 26000, status: 'success', sign: hmac(prodKey, `${order}|26000|success`) };
		const r = await prod('POST', '/api/applicant/paycallback', { json: good });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { application_id: app, status: 'paid' });
		assert.equal(await state(), 'paid true');
		assert.equal((await prod('POST', '/api/applicant/paycallback', { json: good })).status, 200);
		assert.equal(await prodSql(`SELECT count(*) FROM payment WHERE application_id = ${app} AND status = 'paid'`), '1');
	});

	test('the links it hands out are made from public_url, whatever Host a client sends', async () => {
		assert.equal(portalConf('public_url', PROD_VAR), `${PUBLIC}/`);
		const draft = Number(await prodSql(`WITH p AS (INSERT INTO plan (year, name, level, opens_on, closes_on)
		    VALUES (2023, '签署链接检查计划', 'mid', current_date, current_date + 30) RETURNING id)
		    INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id)
		    SELECT u.id, p.id, (SELECT id FROM pipeline WHERE code = 'mid_review'), o.id, o.region_id
		    FROM p, app_user u, org o WHERE u.username = ${lit(DEMO_APPLICANT)} AND o.name = ${lit(HONGDA)} RETURNING id`));
		const login = await prod('POST', '/api/applicant/login', { json: { username: DEMO_APPLICANT, password: DEMO_PASSWORD } });
		const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
		const url = new URL(PROD);
		const r = await new Promise((resolve, reject) => {
			const q = http.request({ host: url.hostname, port: url.port, method: 'POST',
				path: `/api/applicant/applications/${draft}/sign-link`,
				headers: { Host: 'evil.example', Cookie: cookie, 'X-CSRF-Token': login.json.csrf } }, (res) => {
				let body = '';
				res.on('data', (c) => { body += c; });
				res.on('end', () => resolve({ status: res.statusCode, body }));
			});
			q.on('error', reject);
			q.end();
		});
		assert.equal(r.status, 200, r.body);
		assert.ok(JSON.parse(r.body).url.startsWith(`${PUBLIC}/applicant/#/sign/`), r.body);
	});
});
