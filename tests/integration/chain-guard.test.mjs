// The database enforces the chain (issue 11, finding 4): connected as each
// program's own PostgreSQL role, nothing moves an application, writes its
// history or a desk, except chain_write(), which refuses a forged move.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { DEMO_APPLICANT, ROLES, VAR, loginAs, retire, sql, sqlInt } from './lib.mjs';
import { newDrafts } from './drafts.mjs';

/* Runs SQL connected as portal_<role> (peer authentication maps root to the
 * programs' roles); returns { ok, out, err }. */
function sqlAs(role, text) {
	try {
		const out = execFileSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', path.join(VAR, 'run/pg'),
			'-d', 'zcps', '-U', `portal_${role}`, '-c', text], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		return { ok: true, out: out.trim(), err: '' };
	} catch (e) {
		return { ok: false, out: String(e.stdout || ''), err: String(e.stderr || '') };
	}
}

let app, position, ids;
const where = () => sql(`SELECT state, step_seq, coalesce(current_org_id, 0), version FROM application WHERE id = ${app}`);

before(async () => {
	[app] = await newDrafts(1);
	const applicant = await loginAs('applicant', DEMO_APPLICANT);
	assert.equal((await applicant.post(`/applications/${app}/submit`)).status, 200);
	position = await where();
	ids = {
		hongda: await sqlInt(`SELECT id FROM org WHERE name = '金华宏达建设工程有限公司'`),
		hongdaUser: await sqlInt(`SELECT id FROM app_user WHERE username = 'unit_hongda'`),
		sjy: await sqlInt(`SELECT id FROM org WHERE name = '金华市建筑设计研究院有限公司'`),
		sjyUser: await sqlInt(`SELECT id FROM app_user WHERE username = 'unit_sjy'`),
		applicant: await sqlInt(`SELECT applicant_id FROM application WHERE id = ${app}`),
	};
});

after(async () => {
	await retire(`id = ${app}`);
});

describe('no program role moves an application by itself', () => {
	for (const role of ROLES) {
		test(`portal_${role}: position, history and desks are out of reach`, async () => {
			for (const stmt of [
				`UPDATE application SET state = 'completed' WHERE id = ${app}`,
				`UPDATE application SET step_seq = 12 WHERE id = ${app}`,
				`UPDATE application SET current_org_id = NULL WHERE id = ${app}`,
				`INSERT INTO chain_history (application_id, no, action, from_step, to_step, from_state, to_state,
				    actor_user_id) VALUES (${app}, 99, 'pass', 2, 3, 'in_review', 'in_review', ${ids.hongdaUser})`,
				`UPDATE desk SET decided_at = now(), action = 'pass' WHERE application_id = ${app}`,
				`INSERT INTO desk (org_id, application_id, arrived_at, step_seq, applicant_name,
				    applicant_idcard, touched_at) VALUES (${ids.sjy}, ${app}, now(), 2, 'x', 'x', now())`,
				`UPDATE desk_tally SET waiting = 0`,
			]) {
				const r = sqlAs(role, stmt);
				assert.equal(r.ok, false, `portal_${role} ran: ${stmt}`);
				assert.match(r.err, /permission denied/, `portal_${role}: ${stmt}: ${r.err}`);
			}
			assert.equal(await where(), position);
		});
	}

	test('an applicant makes drafts only with the defaults of a draft', async () => {
		const r = sqlAs('applicant', `INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id,
		    state, step_seq, current_org_id) SELECT applicant_id, plan_id, pipeline_id, unit_org_id, region_id,
		    'completed', 12, NULL FROM application WHERE id = ${app}`);
		assert.equal(r.ok, false);
		assert.match(r.err, /permission denied/);
	});
});

describe('chain_write() refuses a forged move', () => {
	const write = (role, action, step, user, org, text = '同意') =>
		sqlAs(role, `SELECT to_step FROM chain_write(${app}, '${action}', ${step}, ${user}, ${org ?? 'NULL'}, '${text}', NULL, '${role}', '127.0.0.1')`);

	test('another unit, a wrong step, an action the step does not allow, a submission by a unit, no opinion', async () => {
		const cases = [
			[() => write('unit', 'pass', 2, ids.sjyUser, ids.sjy), /不在本单位办理环节/],
			[() => write('unit', 'pass', 2, ids.sjyUser, ids.hongda), /不在本单位办理环节/],	// a person of another unit
			[() => write('unit', 'pass', 3, ids.hongdaUser, ids.hongda), /状态已变化/],
			[() => write('unit', 'submit', 2, ids.hongdaUser, ids.hongda), /不能执行该操作/],
			[() => write('unit', 'pass', 2, ids.hongdaUser, ids.hongda, ' '), /请填写意见或理由/],
			// the county's program acting for the unit's clerk
			[() => write('county', 'pass', 2, ids.hongdaUser, ids.hongda), /不属于本门户/],
			[() => write('applicant', 'reject', 2, ids.applicant, null), /不在本单位办理环节/],
			[() => write('unit', 'reject', 2, ids.applicant, null), /不属于本门户/],
		];
		for (const [run, why] of cases) {
			const r = run();
			assert.equal(r.ok, false, `went through: ${run}`);
			assert.match(r.err, why);
			assert.equal(await where(), position);
		}
		assert.equal(await where(), position);
	});

	test('the one true move goes through, once', async () => {
		const r = write('unit', 'pass', 2, ids.hongdaUser, ids.hongda, '资格审查通过');
		assert.equal(r.ok, true, r.err);
		assert.equal(r.out, '3');
		const again = write('unit', 'pass', 2, ids.hongdaUser, ids.hongda, '资格审查通过');
		assert.equal(again.ok, false);
		assert.equal(await sqlInt(`SELECT count(*) FROM chain_history WHERE application_id = ${app} AND action = 'pass'`), 1);
		// the unit holds it again, at its 公示 step
		assert.equal(await sql(`SELECT step_seq, decided_at IS NULL FROM desk WHERE application_id = ${app}
		    AND org_id = ${ids.hongda}`), '3|t');
	});
});

// The one-column rules of the tables a move writes are domains since sql/028
// (PostgreSQL re-reads a table's CHECK text in every statement; a domain's
// rules are kept parsed): each still refuses a value outside it, whoever writes.
describe('the tables a move writes keep their rules', () => {
	test('a state, category, method, wizard step, score, action or status outside the rules is refused', async () => {
		const refused = [
			`UPDATE application SET state = 'approved' WHERE id = ${app}`,
			`UPDATE application SET category = 'other' WHERE id = ${app}`,
			`UPDATE application SET method = 'special' WHERE id = ${app}`,
			`UPDATE application SET wizard_step = 8 WHERE id = ${app}`,
			`UPDATE application SET wizard_step = 0 WHERE id = ${app}`,
			`UPDATE application SET self_score = 201 WHERE id = ${app}`,
			`UPDATE application SET self_score = -1 WHERE id = ${app}`,
			`UPDATE desk SET decided_at = now(), action = 'approve' WHERE application_id = ${app}`,
			`INSERT INTO chain_history (application_id, no, action, from_step, to_step, from_state, to_state,
			    actor_user_id) VALUES (${app}, 99, 'approve', 2, 3, 'in_review', 'in_review', ${ids.hongdaUser})`,
			`INSERT INTO notification (user_id, mobile, body, status) VALUES (${ids.applicant}, '13900000000', 'x', 'read')`,
		];
		// each in a block of its own, rolled back either way; the ones that went through are named
		const out = await sql(`DO $$ DECLARE s text; through text[] := '{}'; BEGIN
			FOREACH s IN ARRAY ARRAY[${refused.map((s) => `$q$${s}$q$`).join(', ')}] LOOP
				BEGIN
					EXECUTE s;
					RAISE EXCEPTION USING ERRCODE = 'ZZ999';
				EXCEPTION WHEN check_violation THEN NULL;
					WHEN SQLSTATE 'ZZ999' THEN through := through || s;
				END;
			END LOOP;
			IF cardinality(through) > 0 THEN RAISE EXCEPTION 'went through: %', through; END IF;
		END $$; SELECT 'checked'`);
		assert.equal(out, 'checked');
		// and the values the rules allow still go in (nulls as before)
		assert.equal(await sql(`BEGIN; UPDATE application SET category = NULL, method = NULL, self_score = NULL,
		    wizard_step = 7 WHERE id = ${app}; ROLLBACK; SELECT 'ok'`), 'ok');
	});

	test('a county\'s or a city\'s step is held by a department, never a unit or a talent centre (sql/030)', async () => {
		for (const kind of ['unit', 'talent_centre'])
			await assert.rejects(sql(`BEGIN; UPDATE pipeline_step SET actor_kind = '${kind}'
			    WHERE actor_level = 'county'; ROLLBACK`), /pipeline_step_dept_kind/);
		assert.equal(await sql(`BEGIN; UPDATE pipeline_step SET actor_kind = 'hrb' WHERE actor_level = 'county'
		    AND actor_kind = 'hrb'; ROLLBACK; SELECT 'ok'`), 'ok');
	});
});
