/*
 * The review-chain engine against a real PostgreSQL (the test stack's).
 * PORTAL_TEST_DB is a libpq conninfo; fixtures are made with plain SQL on a
 * second connection, every move goes through chain_move().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "portal.h"

static PGconn *fix;
static long long applicant, other_applicant, unit_user, unit_org, sjy_org, sjy_user;
static long long county_user, county_org, hongda_user2 = 0;

static long long
q1(const char *sql, const char *p1)
{
	const char *params[1] = { p1 };
	PGresult *r = PQexecParams(fix, sql, p1 ? 1 : 0, NULL, params, NULL, NULL, 0);
	long long v = -1;

	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("fixture failed: %s: %s", sql, PQresultErrorMessage(r));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* Runs a fixture statement with n integer parameters bound as $1..$n;
 * returns the first column of the first row, or -1. */
static long long
qn(const char *sql, int n, ...)
{
	char vals[4][24];
	const char *params[4];
	PGresult *r;
	va_list ap;
	long long v = -1;
	int i;

	va_start(ap, n);
	for (i = 0; i < n && i < 4; i++) {
		snprintf(vals[i], sizeof(vals[i]), "%lld", va_arg(ap, long long));
		params[i] = vals[i];
	}
	va_end(ap);
	r = PQexecParams(fix, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("fixture failed: %s: %s", sql, PQresultErrorMessage(r));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

static long long
qs(const char *sql, long long id)
{
	return qn(sql, 1, id);
}

/* A new draft application of `who` in org's unit, pipeline by code, in a plan of its own. */
static long long
new_app(long long who, long long org, const char *pipeline)
{
	/* one plan each: a person has at most one live application per plan */
	const char *params[3] = { pipeline, NULL, NULL };
	char w[24], o[24];
	PGresult *r;
	long long v;

	snprintf(w, sizeof(w), "%lld", who);
	snprintf(o, sizeof(o), "%lld", org);
	params[1] = w;
	params[2] = o;
	r = PQexecParams(fix,
	    "WITH p AS (INSERT INTO plan (year, name, level, opens_on, closes_on)"
	    " VALUES (2023, 'test plan ' || gen_random_uuid(), 'mid', current_date, current_date + 1)"
	    " RETURNING id)"
	    " INSERT INTO application (applicant_id, plan_id, pipeline_id, unit_org_id, region_id)"
	    " SELECT $2, p.id, (SELECT id FROM pipeline WHERE code = $1),"
	    " o.id, o.region_id FROM p, org o WHERE o.id = $3 RETURNING id",
	    3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("fixture failed: %s", PQresultErrorMessage(r));
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

static const char *
app_state(long long app, int *step, long long *org)
{
	static char state[16];
	char b[24];
	const char *params[1] = { b };
	PGresult *r;

	snprintf(b, sizeof(b), "%lld", app);
	r = PQexecParams(fix, "SELECT state, step_seq, coalesce(current_org_id, 0)"
	    " FROM application WHERE id = $1", 1, NULL, params, NULL, NULL, 0);
	snprintf(state, sizeof(state), "%s", PQgetvalue(r, 0, 0));
	*step = atoi(PQgetvalue(r, 0, 1));
	*org = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	PQclear(r);
	return state;
}

static int
setup(void **state)
{
	const char *ci = getenv("PORTAL_TEST_DB");

	(void)state;
	if (ci == NULL) {
		fprintf(stderr, "PORTAL_TEST_DB is not set\n");
		return -1;
	}
	fix = PQconnectdb(ci);
	if (PQstatus(fix) != CONNECTION_OK || db_connect(ci) != PERR_OK) {
		fprintf(stderr, "cannot connect: %s\n", PQerrorMessage(fix));
		return -1;
	}
	applicant = q1("SELECT id FROM app_user WHERE username = '330702199001010015'", NULL);
	unit_user = q1("SELECT id FROM app_user WHERE username = 'unit_hongda'", NULL);
	unit_org = q1("SELECT org_id FROM app_user WHERE username = 'unit_hongda'", NULL);
	sjy_user = q1("SELECT id FROM app_user WHERE username = 'unit_sjy'", NULL);
	sjy_org = q1("SELECT org_id FROM app_user WHERE username = 'unit_sjy'", NULL);
	county_user = q1("SELECT id FROM app_user WHERE username = 'wucheng_jsj'", NULL);
	county_org = q1("SELECT org_id FROM app_user WHERE username = 'wucheng_jsj'", NULL);
	other_applicant = q1("SELECT id FROM app_user WHERE role = 'applicant'"
	    " AND username <> '330702199001010015' ORDER BY id LIMIT 1", NULL);
	if (applicant < 0 || unit_org < 0 || county_org < 0)
		return -1;
	(void)hongda_user2;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	/* take this test's applications out of the departments' worklists */
	qn("WITH a AS (UPDATE application SET state = 'rejected', current_org_id = NULL"
	    " WHERE state = 'in_review' AND plan_id IN (SELECT id FROM plan WHERE name LIKE 'test plan %')"
	    " RETURNING id) UPDATE desk SET decided_at = now(), action = 'reject' FROM a"
	    " WHERE desk.application_id = a.id AND desk.decided_at IS NULL", 0);
	PQfinish(fix);
	db_close();
	return 0;
}

#define ACTOR(u, o) { (u), (o), "127.0.0.1", (o) ? "unit" : "applicant" }

static void
t_submit_and_ownership(void **state)
{
	struct actor me = ACTOR(applicant, 0), unit = ACTOR(unit_user, unit_org);
	struct actor stranger = ACTOR(sjy_user, sjy_org);
	struct chain_result res;
	char msg[512];
	long long app = new_app(applicant, unit_org, "mid_review"), org;
	int step;

	(void)state;
	/* someone else's application does not exist for them */
	if (other_applicant > 0) {
		struct actor other = ACTOR(other_applicant, 0);

		assert_int_equal(chain_move(&other, app, 1, CHAIN_SUBMIT, NULL, &res, msg,
		    sizeof(msg)), PERR_NOT_FOUND);
	}
	/* a department cannot act on a draft: not on its desk, not there for it */
	assert_int_equal(chain_move(&unit, app, 1, CHAIN_PASS, "同意", &res, msg, sizeof(msg)),
	    PERR_NOT_FOUND);
	assert_int_equal(chain_move(&me, app, 1, CHAIN_SUBMIT, NULL, &res, msg, sizeof(msg)),
	    PERR_OK);
	assert_string_equal(res.state, "in_review");
	assert_int_equal(res.step, 2);
	assert_string_equal(app_state(app, &step, &org), "in_review");
	assert_int_equal(org, unit_org);
	/* submitting twice is a conflict */
	assert_int_equal(chain_move(&me, app, 1, CHAIN_SUBMIT, NULL, &res, msg, sizeof(msg)),
	    PERR_CONFLICT);
	/* another unit may not act, and learns nothing (404, as a GET), from a wrong step either */
	assert_int_equal(chain_move(&stranger, app, 2, CHAIN_PASS, "同意", &res, msg,
	    sizeof(msg)), PERR_NOT_FOUND);
	assert_int_equal(chain_move(&stranger, app, 3, CHAIN_PASS, "同意", &res, msg,
	    sizeof(msg)), PERR_NOT_FOUND);
	assert_null(strstr(msg, "单位资格审查"));
	/* opinion and reasons are required */
	assert_int_equal(chain_move(&unit, app, 2, CHAIN_PASS, "", &res, msg, sizeof(msg)),
	    PERR_INVALID_FIELD);
	/* in the unit's words (the departments': 审查意见, 需完善的内容) */
	assert_string_equal(msg, "请填写审核通过意见");
	assert_int_equal(chain_move(&unit, app, 2, CHAIN_RETURN, NULL, &res, msg, sizeof(msg)),
	    PERR_INVALID_FIELD);
	assert_string_equal(msg, "请填写退回理由");
	/* a stale view is a conflict */
	assert_int_equal(chain_move(&unit, app, 3, CHAIN_PASS, "同意", &res, msg, sizeof(msg)),
	    PERR_CONFLICT);
	assert_int_equal(chain_move(&unit, app, 2, CHAIN_PASS, "符合申报条件", &res, msg,
	    sizeof(msg)), PERR_OK);
	assert_int_equal(res.step, 3);
	assert_int_equal(chain_move(&unit, app, 2, CHAIN_PASS, "同意", &res, msg, sizeof(msg)),
	    PERR_CONFLICT);
	/* history, audit and notifications */
	assert_int_equal(qs("SELECT count(*) FROM chain_history WHERE application_id = $1", app), 2);
	assert_int_equal(qs("SELECT max(no) FROM chain_history WHERE application_id = $1", app), 2);
	assert_int_equal(qs("SELECT count(*) FROM audit_log WHERE target_type = 'application'"
	    " AND target_id = $1", app), 2);
	assert_int_equal(qs("SELECT count(*) FROM audit_log WHERE target_id = $1"
	    " AND actor_role = 'unit' AND action = 'pass'", app), 1);
}

static void
t_gate_and_county(void **state)
{
	struct actor me = ACTOR(applicant, 0), unit = ACTOR(unit_user, unit_org);
	struct actor county = { county_user, county_org, "127.0.0.1", "county" };
	struct chain_result res;
	char msg[512];
	long long app = new_app(applicant, unit_org, "mid_review"), org;
	int step;

	(void)state;
	assert_int_equal(chain_move(&me, app, 1, CHAIN_SUBMIT, NULL, &res, msg, sizeof(msg)), PERR_OK);
	assert_int_equal(chain_move(&unit, app, 2, CHAIN_PASS, "同意", &res, msg, sizeof(msg)), PERR_OK);
	/* step 3 reports upward only after 5 working days of publicity */
	assert_int_equal(chain_move(&unit, app, 3, CHAIN_PASS, "无异议", &res, msg, sizeof(msg)),
	    PERR_GATE);
	assert_non_null(strstr(msg, "尚未公示"));
	qn("INSERT INTO publicity (application_id, step_seq, starts_on, created_by)"
	    " VALUES ($1, 3, current_date, $2)", 2, app, unit_user);
	assert_int_equal(chain_move(&unit, app, 3, CHAIN_PASS, "无异议", &res, msg, sizeof(msg)),
	    PERR_GATE);
	assert_non_null(strstr(msg, "已满 0 个工作日"));
	/* move the start back until exactly 5 working days lie before today */
	qn("UPDATE publicity SET starts_on = (SELECT max(d)::date FROM"
	    " generate_series(current_date - 30, current_date - 1, interval '1 day') d"
	    " WHERE working_days(d::date, current_date) = 4) WHERE application_id = $1", 1, app);
	assert_int_equal(chain_move(&unit, app, 3, CHAIN_PASS, "无异议", &res, msg, sizeof(msg)),
	    PERR_GATE);
	qn("UPDATE publicity SET starts_on = (SELECT max(d)::date FROM"
	    " generate_series(current_date - 30, current_date - 1, interval '1 day') d"
	    " WHERE working_days(d::date, current_date) = 5) WHERE application_id = $1", 1, app);
	assert_int_equal(chain_move(&unit, app, 3, CHAIN_PASS, "公示无异议，推荐上报", &res, msg,
	    sizeof(msg)), PERR_OK);
	assert_string_equal(app_state(app, &step, &org), "in_review");
	assert_int_equal(step, 4);
	assert_int_equal(org, county_org);	/* 婺城区住房和城乡建设局 */
	/* the county returns it: back to the applicant, who resubmits to the unit */
	assert_int_equal(chain_move(&county, app, 4, CHAIN_RETURN, "缺少继续教育证明", &res, msg,
	    sizeof(msg)), PERR_OK);
	assert_string_equal(app_state(app, &step, &org), "returned");
	assert_int_equal(step, 1);
	assert_int_equal(org, 0);
	assert_int_equal(qs("SELECT count(*) FROM notification WHERE user_id = $1"
	    " AND body LIKE '%缺少继续教育证明%'", applicant) >= 1, 1);
	assert_int_equal(chain_move(&me, app, 1, CHAIN_SUBMIT, NULL, &res, msg, sizeof(msg)), PERR_OK);
	assert_int_equal(res.step, 2);
	/* reject ends it */
	assert_int_equal(chain_move(&unit, app, 2, CHAIN_REJECT, "不具备申报资格", &res, msg,
	    sizeof(msg)), PERR_OK);
	assert_string_equal(app_state(app, &step, &org), "rejected");
	/* the unit that just rejected it hears that it has moved on */
	assert_int_equal(chain_move(&unit, app, 2, CHAIN_PASS, "同意", &res, msg, sizeof(msg)),
	    PERR_CONFLICT);
	assert_non_null(strstr(msg, "审查不通过"));
	assert_int_equal(chain_move(&me, app, 1, CHAIN_SUBMIT, NULL, &res, msg, sizeof(msg)),
	    PERR_CONFLICT);
	/* submit, pass, pass, return, submit, reject */
	assert_int_equal(qs("SELECT count(*) FROM chain_history WHERE application_id = $1", app), 6);
}

static void
t_city_fallback_and_completion(void **state)
{
	struct actor me = ACTOR(applicant, 0);
	struct chain_result res;
	char msg[512];
	long long app = new_app(applicant, sjy_org, "mid_review"), org, city_hrb;
	long long owner;
	int step;

	(void)state;
	/* 市本级 has no county departments: the county steps go to the city's. */
	qn("UPDATE application SET step_seq = 3, state = 'in_review', current_org_id = $1"
	    " WHERE id = $2", 2, sjy_org, app);
	qn("INSERT INTO publicity (application_id, step_seq, starts_on, created_by)"
	    " VALUES ($1, 3, current_date - 30, $2)", 2, app, sjy_user);
	{
		struct actor sjy = ACTOR(sjy_user, sjy_org);

		assert_int_equal(chain_move(&sjy, app, 3, CHAIN_PASS, "推荐", &res, msg,
		    sizeof(msg)), PERR_OK);
	}
	app_state(app, &step, &org);
	assert_int_equal(org, q1("SELECT o.id FROM org o JOIN region r ON r.id = o.region_id"
	    " WHERE o.kind = 'construction' AND r.level = 'city'", NULL));
	/* the last step completes the application */
	city_hrb = q1("SELECT id FROM org WHERE kind = 'committee_mid'", NULL);
	owner = q1("SELECT u.id FROM app_user u JOIN org o ON o.id = u.org_id"
	    " WHERE o.kind = 'committee_mid' LIMIT 1", NULL);
	qn("UPDATE application SET step_seq = 12, current_org_id = $1 WHERE id = $2", 2,
	    city_hrb, app);
	{
		struct actor city = { owner, city_hrb, "127.0.0.1", "city" };

		assert_int_equal(chain_move(&city, app, 12, CHAIN_RETURN, "x", &res, msg,
		    sizeof(msg)), PERR_INVALID_FIELD);	/* 只能通过 at this step */
		/* the gate 'document': listed in a results document of the holder's */
		assert_int_equal(chain_move(&city, app, 12, CHAIN_PASS, "证书已制发", &res, msg,
		    sizeof(msg)), PERR_GATE);
		assert_non_null(strstr(msg, "制发文件"));
		qn("WITH d AS (INSERT INTO results_document (org_id, number, issued_on, title, created_by)"
		    " VALUES ($1, '单测' || $2::bigint || '〔2023〕1号', current_date, '结果文件', $3) RETURNING id)"
		    " INSERT INTO results_document_item (document_id, seq, application_id, step_seq, name,"
		    " unit, specialty, title) SELECT d.id, 1, $2::bigint, 12, '张三', '单位', '专业', '工程师' FROM d",
		    3, city_hrb, app, owner);
		assert_int_equal(chain_move(&city, app, 12, CHAIN_PASS, "证书已制发", &res, msg,
		    sizeof(msg)), PERR_OK);
	}
	assert_string_equal(app_state(app, &step, &org), "completed");
	assert_int_equal(org, 0);
	(void)me;
}

/* Two processes, each with its own connection, pass the same applications at
 * once: exactly one wins every time. */
static void
t_race(void **state)
{
	enum { N = 25 };
	struct actor me = ACTOR(applicant, 0);
	struct chain_result res;
	long long apps[N];
	char msg[512];
	int fds[2][2], i, k, wins = 0, conflicts = 0;
	pid_t pid[2];

	(void)state;
	for (i = 0; i < N; i++) {
		apps[i] = new_app(applicant, unit_org, "mid_review");
		assert_int_equal(chain_move(&me, apps[i], 1, CHAIN_SUBMIT, NULL, &res, msg,
		    sizeof(msg)), PERR_OK);
	}
	/* a child must not share (or close) the parent's connection */
	db_close();
	for (k = 0; k < 2; k++) {
		assert_int_equal(pipe(fds[k]), 0);
		if ((pid[k] = fork()) == 0) {
			struct actor unit = ACTOR(unit_user, unit_org);
			int w = 0, c = 0;

			if (db_connect(getenv("PORTAL_TEST_DB")) != PERR_OK)
				_exit(2);
			for (i = 0; i < N; i++) {
				enum perr e = chain_move(&unit, apps[i], 2, CHAIN_PASS,
				    "同意", &res, msg, sizeof(msg));

				w += e == PERR_OK;
				c += e == PERR_CONFLICT;
				if (e != PERR_OK && e != PERR_CONFLICT)
					fprintf(stderr, "race: app %lld: %s %s\n", apps[i],
					    err_code(e), msg);
			}
			dprintf(fds[k][1], "%d %d\n", w, c);
			_exit(0);
		}
		close(fds[k][1]);
	}
	for (k = 0; k < 2; k++) {
		char buf[64] = "";
		int w = 0, c = 0, st;

		assert_true(read(fds[k][0], buf, sizeof(buf) - 1) > 0);
		assert_int_equal(sscanf(buf, "%d %d", &w, &c), 2);
		wins += w;
		conflicts += c;
		close(fds[k][0]);
		waitpid(pid[k], &st, 0);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(db_connect(getenv("PORTAL_TEST_DB")), PERR_OK);
	assert_int_equal(wins, N);
	assert_int_equal(conflicts, N);
	for (i = 0; i < N; i++)
		assert_int_equal(qs("SELECT count(*) FROM chain_history WHERE application_id = $1"
		    " AND action = 'pass' AND from_step = 2", apps[i]), 1);
}

static void
t_history_append_only(void **state)
{
	PGresult *r;

	(void)state;
	r = PQexec(fix, "UPDATE chain_history SET text = 'x' WHERE id = (SELECT min(id) FROM chain_history)");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	r = PQexec(fix, "DELETE FROM audit_log");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_submit_and_ownership),
		cmocka_unit_test(t_gate_and_county),
		cmocka_unit_test(t_city_fallback_and_completion),
		cmocka_unit_test(t_race),
		cmocka_unit_test(t_history_append_only),
	};

	log_init("test_chain");
	return cmocka_run_group_tests_name("chain", tests, setup, teardown);
}
