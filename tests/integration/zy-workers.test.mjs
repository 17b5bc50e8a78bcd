// A worker that dies is replaced (tools/pool.c), and the program keeps answering.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertHealthy, sleep, workerPids } from './lib.mjs';

test('a killed worker is replaced and requests keep succeeding', async (t) => {
	const before = workerPids('unit');
	if (before === null || before.length === 0) {
		t.skip('the stack does not run on this machine');
		return;
	}
	process.kill(before[0], 'SIGKILL');
	for (let i = 0; i < 10; i++)
		await assertHealthy('unit');
	let after = [];
	for (let i = 0; i < 50; i++) {
		after = workerPids('unit');
		if (after.length === before.length && !after.includes(before[0]))
			break;
		await sleep(100);
	}
	assert.equal(after.length, before.length, `workers: ${before} -> ${after}`);
	assert.ok(!after.includes(before[0]), 'the killed worker is gone');
	assert.ok(after.some((p) => !before.includes(p)), 'a new worker took its place');
});
