/*
 * reference.c: the labels every portal shows, kept once and served to the
 * browser (GET /reference), instead of a copy in each page: the states and
 * actions (SQL reference data), the chains and their steps, the 申报类型,
 * 申报方式 and kinds of attachment (lib/application.c), the kinds of archive
 * item and the reviewers' checklists; the 评审工作计划 (id and name) for the
 * worklist's filter.
 */
#include <stdlib.h>

#include "application.h"

enum { RF_ALL, RF__MAX };

static struct db_stmt st[RF__MAX] = {
	[RF_ALL] = { "reference_all",
	    "SELECT json_build_object("
	    " 'states', (SELECT json_agg(json_build_object('code', code, 'name', name, 'tag', tag)"
	    "  ORDER BY code) FROM state_label),"
	    " 'actions', (SELECT json_agg(json_build_object('code', code, 'name', name, 'done', done,"
	    "  'text_label', text_label) ORDER BY seq) FROM action_label),"
	    " 'pipelines', (SELECT json_agg(json_build_object('code', p.code, 'name', p.name,"
	    "  'level', p.level, 'steps', (SELECT json_agg(json_build_object('seq', s.seq,"
	    "   'name', s.name, 'level', s.actor_level, 'kind', s.actor_kind,"
	    "   'actions', s.actions, 'gates', (SELECT coalesce(json_agg(g.gate"
	    "   ORDER BY g.ord, g.gate), '[]') FROM step_gate g WHERE g.pipeline_id = s.pipeline_id"
	    "   AND g.seq = s.seq)) ORDER BY s.seq)"
	    "   FROM pipeline_step s WHERE s.pipeline_id = p.id)) ORDER BY p.id) FROM pipeline p),"
	    " 'archive_kinds', (SELECT json_agg(json_build_object('code', code, 'name', name)"
	    "  ORDER BY seq) FROM archive_kind),"
	    " 'checklists', (SELECT json_object_agg(audience, items) FROM (SELECT audience,"
	    "  json_agg(json_build_object('code', code, 'name', name, 'hint', hint) ORDER BY seq)"
	    "  AS items FROM checklist_item GROUP BY audience) c),"
	    " 'regions', (SELECT json_agg(json_build_object('id', id, 'name', name) ORDER BY code)"
	    "  FROM region WHERE level = 'county'),"
	    /* the plans the portals filter by: a draft is the operator's own until published */
	    " 'plans', (SELECT json_agg(json_build_object('id', id, 'year', year, 'name', name,"
	    "  'level', level) ORDER BY year DESC, opens_on DESC, id DESC) FROM plan"
	    "  WHERE status = 'published'))::text", 0 },
};

static cJSON *
pairs(const char *const *codes, const char *(*name)(const char *), size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "code", codes[i]);
		cJSON_AddStringToObject(it, "name", name(codes[i]));
		cJSON_AddItemToArray(arr, it);
	}
	return arr;
}

enum perr
h_reference(struct req *r)
{
	static const char *const methods[] = { "normal", "self", "transfer", "abc",
	    "qualification", "skill" };
	static const char *const categories[] = { "planning", "construction", "management" };
	static const char *const staffings[] = { "regular", "non_staff", "leave_startup", "none" };
	const struct file_kind *k;
	PGresult *res;
	cJSON *o, *files;
	enum perr e;

	if ((e = db_run(&st[RF_ALL], &res, 0)) != PERR_OK)
		return e;
	o = cJSON_Parse(db_str(res, 0, 0));
	PQclear(res);
	if (o == NULL)
		return PERR_INTERNAL;
	cJSON_AddItemToObject(o, "methods", pairs(methods, app_method_name, NITEMS(methods)));
	cJSON_AddItemToObject(o, "categories", pairs(categories, app_category_name,
	    NITEMS(categories)));
	cJSON_AddItemToObject(o, "staffings", pairs(staffings, app_staffing_name,
	    NITEMS(staffings)));
	files = cJSON_AddArrayToObject(o, "file_kinds");
	for (k = file_kinds; k->code != NULL; k++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "code", k->code);
		cJSON_AddStringToObject(it, "name", k->label);
		cJSON_AddNumberToObject(it, "step", k->step);
		cJSON_AddItemToArray(files, it);
	}
	cJSON_Delete(r->out);
	r->out = o;
	return PERR_OK;
}
