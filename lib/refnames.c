/*
 * refnames.c: the names a worklist row shows from the small reference tables
 * (plans, pipelines, regions, steps and their actions and gates) and the
 * working-day ordinals, kept in each worker, with the reviewers' checklist
 * and the chains' holders. Looking them up in the page's statement was
 * five index probes a row, half of it. They are read again, all at once, when
 * ref_version.n (sql/026: moved by a statement trigger on each of those
 * tables) is not the number they were read at; a page reads n with its rows
 * (a column of its statement) and hands it to ref_sync before it looks
 * anything up.
 *
 * Each pipeline's fee step is kept with its steps, and the fee's items an
 * application's page shows (app_fee_items_of(): 29 of its statement's 56
 * plan nodes) once asked for, per plan, pipeline and region.
 *
 * The organisations' names are kept too, but only those a page showed: a
 * page's units are read (one statement) when some are not kept yet, and
 * dropped with the rest when ref_version moves (a rename moves it, sql/034).
 *
 * A name handed out stays good until the request ends: what a drop lets go
 * (a moved version, too many organisations) is freed by ref_release(), which
 * lib/http.c calls once the reply is out, so a page may read the version
 * again (each of its statements that gives ids gives it) while it holds
 * names read before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"

struct ref_row {
	long long a;		/* plan, pipeline or region id; pipeline of a step; day as
				 * yyyymmdd; a checklist's order */
	long long b;		/* a step's seq */
	long long n;		/* a day's working-day ordinal; 1 for a unit's step */
	char *name;		/* (a checklist's audience) */
	char *actions;		/* a step's actions, a JSON array; a checklist's items */
	char *gates;		/* a step's gates, a PostgreSQL array: {fee,publicity} */
};

enum { R_PLAN, R_PIPELINE, R_REGION, R_STEP, R_DAY, R_CHECKLIST, R_FEE_STEP, R__MAX };

/* step_owners_of(pipeline, region, -1): each step's holder, -1 for the unit */
struct ref_owners {
	long long pipeline, region;
	size_t n;
	int *seq;
	long long *org;
};

/* app_fee_items_of(plan, pipeline, region, unit): the items' sum and the
 * items as the application's statement gave them (a JSON array, or NULL for
 * none) in items->name, a row of its own so that a drop can retire it */
struct ref_fee {
	long long plan, pipeline, region, unit;
	long long total;
	struct ref_row *items;
};

static struct {
	long long version;	/* 0: not read yet */
	struct ref_row *rows[R__MAX];
	size_t n[R__MAX];
	struct ref_row *orgs;	/* a: the organisation's id; sorted */
	size_t norgs, orgcap;
	struct ref_owners *owners;	/* the chains' holders by pipeline and region */
	size_t nowners;
	struct ref_fee *fees;	/* the fees' items by plan, pipeline, region (and unit) */
	size_t nfees;
	bool orgs_full;		/* past ORGS_MAX: let go when the request ends */
} ref;

/* the organisations' names one worker keeps at most: past it they are read
 * afresh, from the next request on */
enum { ORGS_MAX = 50000 };
/* the chains' holders kept at most (pipelines times regions) */
enum { OWNERS_MAX = 1024 };
/* the fees' items kept at most (plans times pipelines times regions; times
 * units where a unit's step charges) */
enum { FEES_MAX = 1024 };

/* every row sorted by (kind, a, b), and the version they belong to, in one
 * statement: one snapshot (one row of NULLs but the version when the tables
 * are empty) */
static struct db_stmt st_load = { "ref_load",
    "SELECT x.k, x.a, x.b, x.name, x.actions, x.n, v.n, x.gates FROM ref_version v LEFT JOIN ("
    " SELECT 0 AS k, id::bigint AS a, 0::bigint AS b, name, NULL::text AS actions,"
    "  0::bigint AS n, NULL::text AS gates FROM plan"
    " UNION ALL SELECT 1, id, 0, name, NULL, 0, NULL FROM pipeline"
    " UNION ALL SELECT 2, id, 0, name, NULL, 0, NULL FROM region"
    /* a step's gates in the order they are asked in (lib/gate.c) */
    " UNION ALL SELECT 3, s.pipeline_id, s.seq, s.name, array_to_json(s.actions)::text,"
    "  (s.actor_level = 'unit')::int, coalesce((SELECT array_agg(g.gate ORDER BY g.ord, g.gate)"
    "  FROM step_gate g WHERE g.pipeline_id = s.pipeline_id AND g.seq = s.seq), '{}')::text"
    "  FROM pipeline_step s"
    " UNION ALL SELECT 4, to_char(day, 'YYYYMMDD')::bigint, 0, NULL, NULL, n, NULL"
    "  FROM workday_ordinal"
    /* the reviewers' checklist, each audience's items as the detail page shows them */
    " UNION ALL SELECT 5, row_number() OVER (ORDER BY audience), 0, audience,"
    "  json_agg(json_build_object('code', code, 'name', name, 'hint', hint) ORDER BY seq)::text,"
    "  0, NULL FROM checklist_item GROUP BY audience"
    /* each pipeline's first fee step (app_fee_items_of()'s department is its
     * holder), named 'unit' when a unit holds one of its fee steps: only
     * then do the fee's items depend on the application's unit */
    " UNION ALL SELECT 6, g.pipeline_id, 0, CASE WHEN bool_or(s.actor_level = 'unit') THEN 'unit'"
    "  END, NULL, min(g.seq), NULL FROM step_gate g LEFT JOIN pipeline_step s"
    "  ON s.pipeline_id = g.pipeline_id AND s.seq = g.seq WHERE g.gate = 'fee'"
    "  GROUP BY g.pipeline_id"
    ") x ON true ORDER BY x.k, x.a, x.b", 0 };

/* rows dropped in this request, freed when it ends */
static struct {
	struct retired {
		struct ref_row *rows;
		size_t n;
	} *at;
	size_t n, cap;
} retired;

static void
free_rows(struct ref_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].actions);
		free(rows[i].gates);
	}
	free(rows);
}

/* rows let go, kept until ref_release() (out of memory: never freed, rather
 * than freed under a name still in use) */
static void
retire(struct ref_row *rows, size_t n)
{
	if (rows == NULL)
		return;
	if (retired.n == retired.cap) {
		size_t cap = retired.cap ? retired.cap * 2 : 16;
		struct retired *m = realloc(retired.at, cap * sizeof(*m));

		if (m == NULL)
			return;
		retired.at = m;
		retired.cap = cap;
	}
	retired.at[retired.n++] = (struct retired){ rows, n };
}

static void
drop_orgs(void)
{
	retire(ref.orgs, ref.norgs);
	ref.orgs = NULL;
	ref.norgs = ref.orgcap = 0;
	ref.orgs_full = false;
}

void
ref_release(void)
{
	size_t i;

	/* this worker has shown that many organisations since the names last
	 * moved: read afresh from the next request on (never inside one, whose
	 * later lookups would find none of the names it read before) */
	if (ref.orgs_full)
		drop_orgs();
	for (i = 0; i < retired.n; i++)
		free_rows(retired.at[i].rows, retired.at[i].n);
	retired.n = 0;
}

static void
drop_owners(void)
{
	size_t i;

	for (i = 0; i < ref.nowners; i++) {
		free(ref.owners[i].seq);
		free(ref.owners[i].org);
	}
	free(ref.owners);
	ref.owners = NULL;
	ref.nowners = 0;
}

static void
drop_fees(void)
{
	size_t i;

	for (i = 0; i < ref.nfees; i++)
		retire(ref.fees[i].items, 1);
	free(ref.fees);
	ref.fees = NULL;
	ref.nfees = 0;
}

static void
drop(void)
{
	size_t k;

	for (k = 0; k < R__MAX; k++) {
		retire(ref.rows[k], ref.n[k]);
		ref.rows[k] = NULL;
		ref.n[k] = 0;
	}
	ref.version = 0;
	drop_orgs();
	drop_owners();
	drop_fees();
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static enum perr
load(void)
{
	PGresult *res;
	enum perr e;
	size_t count[R__MAX] = { 0 }, at[R__MAX] = { 0 }, k;
	int i, n;

	drop();
	if ((e = db_run(&st_load, &res, 0)) != PERR_OK)
		return e;
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		k = (size_t)db_int(res, i, 0);
		if (db_str(res, i, 0) != NULL && k < R__MAX)
			count[k]++;
	}
	for (k = 0; k < R__MAX; k++)
		if (count[k] > 0 && (ref.rows[k] = calloc(count[k], sizeof(struct ref_row))) == NULL)
			goto oom;
	for (i = 0; i < n; i++) {
		struct ref_row *r;

		k = (size_t)db_int(res, i, 0);
		if (db_str(res, i, 0) == NULL || k >= R__MAX)
			continue;
		r = &ref.rows[k][at[k]++];
		ref.n[k] = at[k];
		r->a = db_int(res, i, 1);
		r->b = db_int(res, i, 2);
		r->n = db_int(res, i, 5);
		r->name = dup_or_null(db_str(res, i, 3));
		r->actions = dup_or_null(db_str(res, i, 4));
		r->gates = dup_or_null(db_str(res, i, 7));
		if ((db_str(res, i, 3) != NULL && r->name == NULL) ||
		    (db_str(res, i, 4) != NULL && r->actions == NULL) ||
		    (db_str(res, i, 7) != NULL && r->gates == NULL))
			goto oom;
	}
	ref.version = n > 0 ? db_int(res, 0, 6) : 0;	/* no row: no ref_version, read again */
	PQclear(res);
	return PERR_OK;
oom:
	PQclear(res);
	drop();
	return PERR_INTERNAL;
}

enum perr
ref_sync(long long v)
{
	if (v != 0 && v == ref.version)
		return PERR_OK;
	return load();
}

/* the row with (a, b) among n sorted by (a, b), or NULL */
static const struct ref_row *
search(const struct ref_row *rows, size_t n, long long a, long long b)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ref_row *r = &rows[mid];

		if (r->a < a || (r->a == a && r->b < b))
			lo = mid + 1;
		else if (r->a == a && r->b == b)
			return r;
		else
			hi = mid;
	}
	return NULL;
}

/* the row of kind k with (a, b), or NULL */
static const struct ref_row *
find(int k, long long a, long long b)
{
	return search(ref.rows[k], ref.n[k], a, b);
}

static const char *
name_of(int k, long long id)
{
	const struct ref_row *r = find(k, id, 0);

	return r != NULL && r->name != NULL ? r->name : "";
}

const char *
ref_plan(long long id)
{
	return name_of(R_PLAN, id);
}

const char *
ref_pipeline(long long id)
{
	return name_of(R_PIPELINE, id);
}

const char *
ref_region(long long id)
{
	return name_of(R_REGION, id);
}

const char *
ref_step(long long pipeline, long long seq, const char **actions)
{
	const struct ref_row *r = find(R_STEP, pipeline, seq);

	if (actions != NULL)
		*actions = r != NULL && r->actions != NULL ? r->actions : "[]";
	return r != NULL && r->name != NULL ? r->name : "";
}

const char *
ref_step_gates(long long pipeline, long long seq, bool *unit)
{
	const struct ref_row *r = find(R_STEP, pipeline, seq);

	*unit = r != NULL && r->n == 1;
	return r != NULL && r->gates != NULL ? r->gates : "{}";
}

const char *
ref_checklist(const char *audience)
{
	size_t i;

	for (i = 0; i < ref.n[R_CHECKLIST]; i++)
		if (strcmp(ref.rows[R_CHECKLIST][i].name, audience) == 0)
			return ref.rows[R_CHECKLIST][i].actions;
	return "[]";
}

bool
ref_workday(const char *day, long long *n)
{
	static const char shape[] = "dddd-dd-dd";
	long long ymd = 0;
	const struct ref_row *r;
	size_t i;

	/* YYYY-MM-DD as the database writes a date, nothing else (sscanf was
	 * 5 % of a worklist page's instructions) */
	for (i = 0; day != NULL && i < sizeof(shape) - 1; i++)
		if (shape[i] == '-' ? day[i] != '-' : day[i] < '0' || day[i] > '9')
			return false;
		else if (shape[i] == 'd')
			ymd = ymd * 10 + (day[i] - '0');
	if (day == NULL || day[i] != '\0' || (r = find(R_DAY, ymd, 0)) == NULL)
		return false;
	*n = r->n;
	return true;
}

/* the kept name of organisation id, or NULL (b is 0 in every one) */
static const struct ref_row *
org_find(long long id)
{
	return search(ref.orgs, ref.norgs, id, 0);
}

static int
by_id(const void *x, const void *y)
{
	long long a = ((const struct ref_row *)x)->a, b = ((const struct ref_row *)y)->a;

	return (a > b) - (a < b);
}

static struct db_stmt st_orgs = { "ref_orgs",
    "SELECT id, name FROM org WHERE id = ANY ($1::bigint[])", 0 };

enum perr
ref_orgs_of(const long long *id, size_t count)
{
	PGresult *res;
	enum perr e;
	char *ids;
	size_t len = 1, n = 0, i;
	int r;

	/* the ids not kept, as an array's text: "{3,17}" */
	if ((ids = malloc(count * 21 + 3)) == NULL)	/* "{" ids "," "}" NUL */
		return PERR_INTERNAL;
	ids[0] = '{';
	for (i = 0; i < count; i++) {
		if (id[i] <= 0 || org_find(id[i]) != NULL)
			continue;
		if (n++ > 0)
			ids[len++] = ',';
		len += (size_t)snprintf(ids + len, 21, "%lld", id[i]);
	}
	memcpy(ids + len, "}", 2);
	if (n == 0) {
		free(ids);
		return PERR_OK;
	}
	e = db_run(&st_orgs, &res, 1, DB_S(ids));
	free(ids);
	if (e != PERR_OK)
		return e;
	for (r = 0; r < PQntuples(res); r++) {
		struct ref_row *o;

		if (ref.norgs == ref.orgcap) {
			size_t cap = ref.orgcap ? ref.orgcap * 2 : 64;
			struct ref_row *m = realloc(ref.orgs, cap * sizeof(*m));

			if (m == NULL)
				goto oom;
			ref.orgs = m;
			ref.orgcap = cap;
		}
		o = &ref.orgs[ref.norgs];
		memset(o, 0, sizeof(*o));
		o->a = db_int(res, r, 0);
		if ((o->name = strdup(db_str(res, r, 1) ? db_str(res, r, 1) : "")) == NULL)
			goto oom;
		ref.norgs++;
	}
	/* (each id once: the statement's rows are the organisations', however
	 * often a page gave one) */
	qsort(ref.orgs, ref.norgs, sizeof(*ref.orgs), by_id);
	ref.orgs_full = ref.norgs > ORGS_MAX;
	PQclear(res);
	return PERR_OK;
oom:
	PQclear(res);
	drop_orgs();
	return PERR_INTERNAL;
}

enum perr
ref_orgs(const PGresult *page, int col)
{
	int r, rows = PQntuples(page);
	long long *id;
	enum perr e;

	if (rows == 0)
		return PERR_OK;
	if ((id = malloc((size_t)rows * sizeof(*id))) == NULL)
		return PERR_INTERNAL;
	for (r = 0; r < rows; r++)
		id[r] = db_int(page, r, col);
	e = ref_orgs_of(id, (size_t)rows);
	free(id);
	return e;
}

static struct db_stmt st_owners = { "ref_owners",
    "SELECT seq, coalesce(org_id, 0) FROM step_owners_of($1::int, $2::int, -1) ORDER BY seq", 0 };

enum perr
ref_owners(long long pipeline, long long region, const int **seq, const long long **org,
    size_t *n)
{
	struct ref_owners *o = NULL, *m;
	PGresult *res = NULL;
	enum perr e;
	size_t i;
	int r;

	for (i = 0; i < ref.nowners && o == NULL; i++)
		if (ref.owners[i].pipeline == pipeline && ref.owners[i].region == region)
			o = &ref.owners[i];
	if (o == NULL) {
		/* as the departments are now: a change to one moves ref_version
		 * (sql/038), and the next ref_sync() lets these go */
		if ((e = db_run(&st_owners, &res, 2, DB_I(pipeline), DB_I(region))) != PERR_OK)
			return e;
		if (ref.nowners >= OWNERS_MAX)
			drop_owners();
		if ((m = realloc(ref.owners, (ref.nowners + 1) * sizeof(*m))) == NULL)
			goto oom;
		ref.owners = m;
		o = &ref.owners[ref.nowners];
		memset(o, 0, sizeof(*o));
		o->pipeline = pipeline;
		o->region = region;
		o->n = (size_t)PQntuples(res);
		o->seq = malloc((o->n ? o->n : 1) * sizeof(*o->seq));
		o->org = malloc((o->n ? o->n : 1) * sizeof(*o->org));
		if (o->seq == NULL || o->org == NULL) {
			free(o->seq);
			free(o->org);
			goto oom;
		}
		for (r = 0; r < PQntuples(res); r++) {
			o->seq[r] = (int)db_int(res, r, 0);
			o->org[r] = db_int(res, r, 1);
		}
		ref.nowners++;
		PQclear(res);
	}
	*seq = o->seq;
	*org = o->org;
	*n = o->n;
	return PERR_OK;
oom:
	PQclear(res);
	return PERR_INTERNAL;
}

const char *
ref_org(long long id)
{
	const struct ref_row *o = org_find(id);

	return o != NULL ? o->name : "";
}

int
ref_fee_step(long long pipeline)
{
	const struct ref_row *r = find(R_FEE_STEP, pipeline, 0);

	return r != NULL ? (int)r->n : 0;
}

static struct db_stmt st_fee = { "ref_fee",
    "SELECT coalesce(sum(f.amount), 0)::int,"
    " json_agg(json_build_object('name', f.name, 'amount', f.amount))::text"
    " FROM app_fee_items_of($1::int, $2::int, $3::int, $4::bigint) f", 0 };

enum perr
ref_fee(long long plan, long long pipeline, long long region, long long unit, int *total,
    const char **items)
{
	const struct ref_row *r = find(R_FEE_STEP, pipeline, 0);
	struct ref_fee *f = NULL, *m;
	PGresult *res;
	enum perr e;
	size_t i;

	*total = 0;
	*items = NULL;
	if (r == NULL)		/* no fee step: no items (as app_fee_items_of() has it) */
		return PERR_OK;
	if (r->name == NULL)	/* no unit charges it: the same items for every unit */
		unit = -1;
	for (i = 0; i < ref.nfees && f == NULL; i++)
		if (ref.fees[i].plan == plan && ref.fees[i].pipeline == pipeline &&
		    ref.fees[i].region == region && ref.fees[i].unit == unit)
			f = &ref.fees[i];
	if (f == NULL) {
		/* as they are now: a change to the items, the plan, the steps, their
		 * gates or the departments moves ref_version (sql/026, 037, 038,
		 * 039), and the next ref_sync() lets these go */
		if ((e = db_run(&st_fee, &res, 4, DB_I(plan), DB_I(pipeline), DB_I(region),
		    DB_I(unit))) != PERR_OK)
			return e;
		if (PQntuples(res) != 1) {
			PQclear(res);
			return PERR_INTERNAL;
		}
		if (ref.nfees >= FEES_MAX)
			drop_fees();
		if ((m = realloc(ref.fees, (ref.nfees + 1) * sizeof(*m))) == NULL)
			goto oom;
		ref.fees = m;
		f = &ref.fees[ref.nfees];
		*f = (struct ref_fee){ plan, pipeline, region, unit, db_int(res, 0, 0), NULL };
		if ((f->items = calloc(1, sizeof(*f->items))) == NULL ||
		    (db_str(res, 0, 1) != NULL && (f->items->name = strdup(db_str(res, 0, 1))) == NULL)) {
			free(f->items);
			goto oom;
		}
		ref.nfees++;
		PQclear(res);
	}
	*total = (int)f->total;
	*items = f->items->name;
	return PERR_OK;
oom:
	PQclear(res);
	return PERR_INTERNAL;
}
