// Draft applications made by SQL, for the suites about the chain rather than
// the wizard. Not a test file itself.
import assert from 'node:assert/strict';

import { DEMO_APPLICANT, HONGDA, lit, sql } from './lib.mjs';

/* Inserts n draft mid_review applications of an applicant (the demo applicant unless another
 * username is given) at 金华宏达, each under a plan of its own, or all under the given plan
 * id; returns their ids. */
export async function newDrafts(n = 1, { applicant = DEMO_APPLICANT, plan = null } = {}) {
	// one plan each: a person has at most one live application per plan
	const plans = plan !== null ? `SELECT ${Number(plan)} AS id FROM generate_series(1, ${n})`
	    : `INSERT INTO plan (year, name, level, opens_on, closes_on, fee_recommend, fee_review)
	    SELECT 2023, 'test plan ' || gen_random_uuid(), 'mid', current_date, current_date + 1, 80, 180
	    FROM generate_series(1, ${n}) RETURNING id`;
	const out = await sql(`WITH p AS (${plans})
	    INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id)
	    SELECT u.id, p.id, (SELECT id FROM pipeline WHERE code='mid_review'), o.id, o.region_id
	    FROM p, app_user u, org o
	    WHERE u.username = ${lit(applicant)} AND o.name = ${lit(HONGDA)} RETURNING id`);
	const ids = out.split('\n').filter(Boolean).map(Number);
	assert.equal(ids.length, n, `fixture: ${out}`);
	await completeDrafts(ids, applicant);
	return ids;
}

/* Moves draft applications apps (newDrafts()') to chain code: a 初级 chain's under a 初级 plan
 * (助理工程师), with the 受理单位 the wizard offers for it (the department the unit reports to). */
export async function onChain(apps, code) {
	const list = apps.join(', ');
	await sql(`UPDATE plan SET level = 'junior', title_name = '助理工程师' WHERE id IN
	    (SELECT plan_id FROM application WHERE id IN (${list})) AND ${lit(code)} LIKE 'junior%';
	    UPDATE application SET pipeline_id = (SELECT id FROM pipeline WHERE code = ${lit(code)})
	    WHERE id IN (${list});
	    UPDATE application a SET accept_org_id = (SELECT w.org_id
	    FROM step_owners_of(a.pipeline_id, a.region_id, a.unit_org_id) w WHERE w.seq = 4)
	    WHERE a.id IN (${list})`);
}

/* The demo applicant's messages about application app (its plan's name), the latest last. */
export const applicantNotes = async (app) => (await sql(`SELECT string_agg(body, E'\\n' ORDER BY id)
    FROM notification WHERE user_id = (SELECT id FROM app_user WHERE username = ${lit(DEMO_APPLICANT)})
    AND body LIKE '%' || (SELECT p.name FROM application a JOIN plan p ON p.id = a.plan_id
    WHERE a.id = ${app}) || '%'`)).split('\n');

/* Submission checks every rule of the notice (lib: cgi-bin/applicant/check.c);
 * these drafts are about the chain, so they are filled in by SQL to pass:
 * a complete profile, photo, signature, declaration, an approved archive
 * item and the files every 正常申报 needs (all of them the applicant's). */
export async function completeDrafts(apps, applicant = DEMO_APPLICANT) {
	const list = apps.join(', ');
	await sql(`INSERT INTO applicant_profile (user_id, ethnicity, education, degree, school, major,
	    graduation_date, work_start_date, title, title_date, appointed_date, specialty, custody, unit_org_id,
	    staffing)
	    SELECT u.id, '汉族', '大学本科', '学士', '浙江工业大学', '土木工程', '2010-06-30', '2010-07-01',
	    '助理工程师', '2015-01-01', '2015-03-01', '建筑工程施工', 'unit', o.id, 'none'
	    FROM app_user u, org o WHERE u.username = ${lit(applicant)} AND o.name = ${lit(HONGDA)}
	    ON CONFLICT (user_id) DO NOTHING`);
	await sql(`WITH u AS (SELECT id FROM app_user WHERE username = ${lit(applicant)}),
	    f AS (INSERT INTO upload (owner_id, filename, ctype, size, sha256, data)
	     SELECT id, 'fixture.pdf', 'application/pdf', 14, sha256('%PDF-1.4 %%EOF'), '%PDF-1.4 %%EOF' FROM u
	     RETURNING id),
	    i AS (INSERT INTO archive_item (owner_id, kind, title, status, reviewer_org_id)
	     SELECT u.id, 'project', '夹具工程项目', 'approved', o.id FROM u, org o WHERE o.name = ${lit(HONGDA)}
	     RETURNING id),
	    a AS (UPDATE application SET photo_id = f.id, signature_id = f.id, signed_at = now(),
	     statement = '本人述职', category = 'construction', method = 'normal', specialty = '建筑工程施工',
	     accept_org_id = (SELECT id FROM org WHERE name = '婺城区住房和城乡建设局')
	     FROM f WHERE application.id IN (${list}) RETURNING application.id),
	    aa AS (INSERT INTO application_archive (application_id, item_id) SELECT a.id, i.id FROM a, i)
	    INSERT INTO application_file (application_id, kind, upload_id)
	    SELECT a.id, k, f.id FROM a, f, unnest(ARRAY['summary', 'experience', 'm_education', 'm_title']) k`);
}

/* n new drafts (newDrafts) submitted through the applicant's session; their ids, also added
 * to `into` (the suite's list of what to retire at its end). */
export async function submittedDrafts(session, n, into) {
	const apps = await newDrafts(n);
	into.push(...apps);
	for (const id of apps)
		assert.equal((await session.post(`/applications/${id}/submit`)).status, 200);
	return apps;
}
