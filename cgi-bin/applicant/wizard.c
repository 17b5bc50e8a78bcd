/*
 * wizard.c: the application as the applicant's wizard shows it: the content
 * (lib/application.c), which attachments the chosen 申报方式 asks for, the
 * departments the applicant may name as 受理单位, the fee, and the
 * pre-submission check (lib/rules.c). Loading and rules live in lib/; this
 * file only shapes the wizard's reply.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant.h"

enum { WZ_LOCK, WZ_COMMITTEES, WZ_REFUSED, WZ__MAX };

static struct db_stmt st[WZ__MAX] = {
	/* the row alone, as chain_move() locks it: writers and the submission queue up */
	[WZ_LOCK] = { "wizard_lock",
	    "SELECT state IN ('draft', 'returned'), (SELECT s.name FROM pipeline_step s"
	    "  WHERE s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq), state"
	    " FROM application a WHERE a.id = $1 AND a.applicant_id = $2 FOR UPDATE", 0 },
	/* which of the chain's holders are 评审委员会 */
	[WZ_COMMITTEES] = { "wizard_committees",
	    "SELECT id FROM org WHERE id = ANY ($1::bigint[])"
	    " AND kind IN ('committee_junior', 'committee_mid')", 0 },
	/* the unit (or centre) the application goes to has refused the person */
	[WZ_REFUSED] = { "wizard_refused",
	    "SELECT o.name, coalesce(b.reason, '') FROM person_binding b JOIN org o ON o.id = b.org_id"
	    " WHERE b.user_id = $1 AND b.org_id = $2 AND b.status = 'refused'", 0 },
};

/*
 * The pre-submission check (lib/rules.c), and what only the applicant's side
 * asks: whether the unit or centre it goes to has refused the person (人员
 * 确认: a refused person's applications go nowhere until they choose again).
 * The wizard shows it; the submission refuses with it.
 */
enum perr
app_check(const struct application *a, cJSON **out)
{
	cJSON *list = rule_check(a), *it;
	PGresult *res;
	char msg[1800];
	bool ok;
	enum perr e;

	*out = list;
	if (!a->editable)
		return PERR_OK;
	/* one named before the list changed (another chain, a department added) */
	if (a->accept_org_id != 0) {
		if ((e = app_accept_ok(a, a->accept_org_id, &ok)) != PERR_OK)
			goto fail;
		if (!ok) {
			it = cJSON_CreateObject();
			cJSON_AddNumberToObject(it, "step", 3);
			cJSON_AddStringToObject(it, "field", "accept_org_id");
			cJSON_AddStringToObject(it, "message",
			    "原选择的受理单位已不在可选范围内，请重新选择受理单位（评审委员会）");
			cJSON_AddItemToArray(list, it);
		}
	}
	if ((e = db_run(&st[WZ_REFUSED], &res, 2, DB_I(a->applicant_id), DB_I(a->unit_org_id))) !=
	    PERR_OK)
		goto fail;
	if (PQntuples(res) == 1) {
		snprintf(msg, sizeof(msg), "%s未确认您的人员信息（理由：%s），本申报不能提交；"
		    "请在“个人基本信息”中重新选择现工作单位", db_str(res, 0, 0), db_str(res, 0, 1));
		it = cJSON_CreateObject();
		cJSON_AddNumberToObject(it, "step", 0);
		cJSON_AddStringToObject(it, "field", "profile");
		cJSON_AddStringToObject(it, "message", msg);
		cJSON_InsertItemInArray(list, 0, it);
	}
	PQclear(res);
	return PERR_OK;
fail:
	cJSON_Delete(list);
	*out = NULL;
	return e;
}

enum perr
app_lock_editable(struct req *r, long long id)
{
	PGresult *res;
	char why[256];
	enum perr e;

	if ((e = db_run(&st[WZ_LOCK], &res, 2, DB_I(id), DB_I(r->s.user_id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1)
		e = req_fail(r, PERR_NOT_FOUND, NULL, "申报不存在");
	else if (!db_bool(res, 0, 0))
		e = req_fail(r, PERR_CONFLICT, NULL, "%s", chain_closed_msg(db_str(res, 0, 2),
		    db_str(res, 0, 1), "不能修改", why, sizeof(why)));
	PQclear(res);
	return e;
}

enum perr
app_editable(struct req *r, const struct application *a)
{
	char why[256];

	if (a->editable)
		return PERR_OK;
	return req_fail(r, PERR_CONFLICT, NULL, "%s", chain_closed_msg(a->state, a->step_name,
	    "不能修改", why, sizeof(why)));
}

/* Whether step i of the chain's holders is a department after the unit,
 * listed once. */
static bool
after_unit(const struct application *a, const struct chain_owner *own, int i)
{
	int k;

	if (own[i].org == 0 || own[i].org == a->unit_org_id)
		return false;
	for (k = 0; k < i; k++)
		if (own[k].org == own[i].org)
			return false;
	return true;
}

/*
 * The 受理单位 the applicant may name (notice 一.3: 根据用人单位所属关系选择相应的
 * 受理单位或“受理评审委员会”): of the chain chosen by the employer's 所属关系, the
 * department the unit reports to (the 受理单位) and its 评审委员会 (中级评审: the
 * county's 住建局, its 初评委 and the city's 中评委; 初级评审: the city's 初级
 * 评委会, which is also the one reported to; 初定: the 市住建局 alone), not the
 * 人力社保 bureaus. Their indexes in own, in its order, into pick; how many.
 */
static enum perr
accept_list(const struct application *a, struct chain_owner *own, int *pick, int *np)
{
	char ids[CHAIN_STEPS_MAX * 24 + 3];
	PGresult *res;
	size_t o = 0;
	int i, k, n, first = -1;
	enum perr e;

	*np = 0;
	if ((e = chain_owners(a->pipeline_id, a->region_id, a->unit_org_id, own, CHAIN_STEPS_MAX,
	    &n)) != PERR_OK)
		return e;
	ids[o++] = '{';
	for (i = 0; i < n; i++)
		if (after_unit(a, own, i)) {
			o += (size_t)snprintf(ids + o, sizeof(ids) - o, "%s%lld", first < 0 ? "" : ",",
			    own[i].org);
			if (first < 0)
				first = i;
		}
	snprintf(ids + o, sizeof(ids) - o, "}");
	if (first < 0)
		return PERR_OK;
	if ((e = db_run(&st[WZ_COMMITTEES], &res, 1, DB_S(ids))) != PERR_OK)
		return e;
	for (i = 0; i < n; i++) {
		bool committee = false;

		for (k = 0; after_unit(a, own, i) && k < PQntuples(res); k++)
			committee |= db_int(res, k, 0) == own[i].org;
		if (i == first || committee)
			pick[(*np)++] = i;
	}
	PQclear(res);
	return PERR_OK;
}

enum perr
app_accept_ok(const struct application *a, long long org, bool *ok)
{
	struct chain_owner own[CHAIN_STEPS_MAX];
	int pick[CHAIN_STEPS_MAX], i, n;
	enum perr e;

	*ok = false;
	if ((e = accept_list(a, own, pick, &n)) != PERR_OK)
		return e;
	for (i = 0; i < n && !*ok; i++)
		*ok = own[pick[i]].org == org;
	return PERR_OK;
}

/*
 * What one kind of the draft holds, as a digest ("info", "recommenders", "archive",
 * "files-<kind>", the wizard's own keys): a save that names the digest of what it
 * was typed over is refused when another window or device saved that kind since,
 * instead of overwriting it unseen. FNV-1a over the stored values (NULL apart from
 * ""), 16 hex digits into out.
 */
static uint64_t
mix(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "\x02");

	for (; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (h ^ 0x1f) * 1099511628211ULL;
}

static void
app_rev(const struct application *a, const char *key, char out[17])
{
	uint64_t h = 14695981039346656037ULL;
	char n[2][24];
	int i, c;

	if (strcmp(key, "info") == 0) {
		snprintf(n[0], sizeof(n[0]), "%lld", a->accept_org_id);
		snprintf(n[1], sizeof(n[1]), "%d", a->self_score);
		h = mix(mix(mix(mix(h, a->statement), a->category), a->method), a->specialty);
		h = mix(mix(mix(h, n[0]), a->held_title), n[1]);
	} else if (strcmp(key, "recommenders") == 0) {
		for (i = 0; i < PQntuples(a->rec); i++)
			for (c = 1; c <= 5; c++)
				h = mix(h, db_str(a->rec, i, c));
	} else if (strcmp(key, "archive") == 0) {
		for (i = 0; i < PQntuples(a->arch); i++)
			h = mix(mix(h, db_str(a->arch, i, 0)), db_str(a->arch, i, ARCHIVE_ITEM_NCOLS));
	} else if (strncmp(key, "files-", 6) == 0) {
		for (i = 0; i < PQntuples(a->files); i++)
			if (strcmp(db_str(a->files, i, 0), key + 6) == 0)
				h = mix(h, db_str(a->files, i, 1));
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

enum perr
app_rev_check(struct req *r, const struct application *a, const char *key,
    const struct fval *rev)
{
	char now[17];

	if (!rev->present)
		return PERR_OK;
	app_rev(a, key, now);
	if (strcmp(now, rev->s) == 0)
		return PERR_OK;
	return req_fail(r, PERR_CONFLICT, "rev", "这部分内容已在其他窗口或设备上修改并保存，"
	    "本次修改未保存：请选择保留哪一份");
}

bool
valid_rev(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 16;
}

void
app_reply(struct req *r, const struct application *a)
{
	cJSON *o = app_content_json(a), *rules, *opts, *orgs, *c, *check, *revs;
	const struct file_kind *k;
	char rev[17];
	struct chain_owner own[CHAIN_STEPS_MAX];
	int pick[CHAIN_STEPS_MAX], i, n;

	app_head_json(o, a);
	cJSON_AddNumberToObject(o, "wizard_step", a->wizard_step);
	cJSON_AddBoolToObject(o, "editable", a->editable);
	if (strcmp(a->state, "returned") == 0 && a->return_reason != NULL)
		cJSON_AddStringToObject(o, "return_reason", a->return_reason);
	else
		cJSON_AddNullToObject(o, "return_reason");
	if (a->photo_warning != NULL)
		cJSON_AddStringToObject(o, "photo_warning", a->photo_warning);
	else
		cJSON_AddNullToObject(o, "photo_warning");
	cJSON_AddBoolToObject(o, "signed", a->signed_in);
	if (a->signed_at != NULL)
		cJSON_AddStringToObject(o, "signed_at", a->signed_at);
	else
		cJSON_AddNullToObject(o, "signed_at");
	cJSON_AddBoolToObject(o, "printable", a->passed_unit);
	cJSON_AddItemToObject(o, "fee", app_fee_json(a));
	revs = cJSON_AddObjectToObject(o, "revs");
	app_rev(a, "info", rev);
	cJSON_AddStringToObject(revs, "info", rev);
	app_rev(a, "recommenders", rev);
	cJSON_AddStringToObject(revs, "recommenders", rev);
	app_rev(a, "archive", rev);
	cJSON_AddStringToObject(revs, "archive", rev);
	for (k = file_kinds; k->code != NULL; k++) {
		char key[40];

		snprintf(key, sizeof(key), "files-%s", k->code);
		app_rev(a, key, rev);
		cJSON_AddStringToObject(revs, key, rev);
	}
	cJSON_AddItemToObject(req_out(r), "application", o);

	rules = cJSON_AddArrayToObject(req_out(r), "file_rules");
	for (k = file_kinds; k->code != NULL; k++) {
		cJSON *it = cJSON_CreateObject();
		enum file_rule v = rule_file(a, k->code);

		cJSON_AddStringToObject(it, "kind", k->code);
		cJSON_AddNumberToObject(it, "step", k->step);
		cJSON_AddStringToObject(it, "label", k->label);
		cJSON_AddStringToObject(it, "hint", k->hint);
		cJSON_AddBoolToObject(it, "required", v == FILE_REQUIRED);
		cJSON_AddBoolToObject(it, "visible", v != FILE_HIDDEN);
		cJSON_AddItemToArray(rules, it);
	}
	opts = cJSON_AddObjectToObject(req_out(r), "options");
	c = cJSON_AddObjectToObject(opts, "commitment");
	cJSON_AddStringToObject(c, "title", commitment_title);
	cJSON_AddStringToObject(c, "text", commitment_text);
	orgs = cJSON_AddArrayToObject(opts, "accept_orgs");
	if (accept_list(a, own, pick, &n) != PERR_OK)
		n = 0;
	for (i = 0; i < n; i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "id", (double)own[pick[i]].org);
		cJSON_AddStringToObject(it, "name", own[pick[i]].org_name);
		cJSON_AddStringToObject(it, "step", own[pick[i]].step);
		cJSON_AddItemToArray(orgs, it);
	}
	/* (the database failing here, the rules' own check) */
	if (app_check(a, &check) != PERR_OK)
		check = rule_check(a);
	cJSON_AddItemToObject(req_out(r), "check", check);
}
