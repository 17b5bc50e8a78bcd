// Health of every program, and what nginx and the router do with unknown paths and methods.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ROLES, assertError, raw } from './lib.mjs';

test('GET /api/<role>/health is 200 {"ok":true} for all six roles', async () => {
	for (const role of ROLES) {
		const r = await raw('GET', `/api/${role}/health`);
		assert.equal(r.status, 200, `${role}: ${r.text}`);
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.deepEqual(r.json, { ok: true }, role);
		assert.equal(r.headers.get('cache-control'), 'no-store');
	}
});

test('an unknown role is not routed to any program (404)', async () => {
	for (const p of ['/api/nobody/health', '/api/applicants/health', '/api/Unit/health', '/api/health']) {
		const r = await raw('GET', p);
		assert.equal(r.status, 404, `${p}: ${r.status}`);
		assert.equal(r.json?.ok, undefined, `${p} must not reach a program`);
	}
});

test('an unknown route of a program is 404 with the JSON error body', async () => {
	for (const role of ROLES) {
		const r = await raw('GET', `/api/${role}/no-such-route`);
		assertError(r, 404, 'not_found');
		assert.match(r.headers.get('content-type'), /^application\/json/);
	}
	// a route prefix is not the route, and ids must be positive integers
	assertError(await raw('GET', '/api/unit/healthz'), 404, 'not_found');
	assertError(await raw('GET', '/api/unit/health/'), 404, 'not_found');
	assertError(await raw('POST', '/api/unit/applications/0/move'), 404, 'not_found');
	assertError(await raw('POST', '/api/unit/applications/abc/move'), 404, 'not_found');
});

test('a known route with the wrong method is 405 method_not_allowed', async () => {
	for (const role of ROLES) {
		assertError(await raw('POST', `/api/${role}/health`), 405, 'method_not_allowed');
		assertError(await raw('DELETE', `/api/${role}/health`), 405, 'method_not_allowed');
		assertError(await raw('GET', `/api/${role}/login`), 405, 'method_not_allowed');
	}
	assertError(await raw('PUT', '/api/applicant/register'), 405, 'method_not_allowed');
	assertError(await raw('GET', '/api/unit/applications/1/move'), 405, 'method_not_allowed');
});
