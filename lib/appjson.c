/*
 * appjson.c: an application as JSON, for the applicant's pages and the
 * reviewers' detail page: what was submitted, the person, the facts the
 * rules count (rules.c), the fee, and what the viewer may do. The loader
 * (application.c) reads; this presents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"

static void
add_id(cJSON *o, const char *k, long long v)
{
	if (v != 0)
		cJSON_AddNumberToObject(o, k, (double)v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *
file_json(long long id, const char *name, const char *type, long long size)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddNumberToObject(f, "id", (double)id);
	cJSON_AddStringToObject(f, "name", name);
	if (type != NULL)
		cJSON_AddStringToObject(f, "type", type);
	if (size >= 0)
		cJSON_AddNumberToObject(f, "size", (double)size);
	return f;
}

/* The profile the application rests on: compared between submissions too. */
static cJSON *
profile_json(const struct person *p)
{
	cJSON *o = cJSON_CreateObject();

	json_add_str_null(o, "education", p->education);
	json_add_str_null(o, "degree", p->degree);
	json_add_str_null(o, "school", p->school);
	json_add_str_null(o, "major", p->major);
	json_add_str_null(o, "graduation_date", p->graduation_date);
	json_add_str_null(o, "work_start_date", p->work_start_date);
	json_add_str_null(o, "title", p->title);
	json_add_str_null(o, "title_date", p->title_date);
	json_add_str_null(o, "appointed_date", p->appointed_date);
	json_add_str_null(o, "specialty", p->specialty);
	json_add_str_null(o, "staffing", p->staffing);
	cJSON_AddStringToObject(o, "staffing_name", app_staffing_name(p->staffing));
	cJSON_AddStringToObject(o, "employer", p->employer);
	return o;
}

/* The 申报方式 chosen is method ("self": 自评与推荐, "transfer": 转（兼）评, …). */
static bool
method_is(const struct application *a, const char *method)
{
	return a->method != NULL && strcmp(a->method, method) == 0;
}

cJSON *
app_content_json(const struct application *a)
{
	cJSON *o = cJSON_CreateObject(), *recs, *arch, *files;
	const struct file_kind *k;
	int i;

	cJSON_AddItemToObject(o, "profile", profile_json(&a->person));
	json_add_str_null(o, "statement", a->statement);
	json_add_str_null(o, "category", a->category);
	if (a->category != NULL)
		cJSON_AddStringToObject(o, "category_name", app_category_name(a->category));
	json_add_str_null(o, "method", a->method);
	if (a->method != NULL) {
		cJSON_AddStringToObject(o, "method_name", app_method_name(a->method));
		cJSON_AddStringToObject(o, "method_label", app_method_label(a->method));
	}
	json_add_str_null(o, "specialty", a->specialty);
	add_id(o, "accept_org_id", a->accept_org_id);
	cJSON_AddStringToObject(o, "accept_org", a->accept_name);
	/*
	 * What belongs to another 申报方式 than the one chosen (typed before the
	 * applicant changed it, and kept for the draft's sake) is no part of the
	 * application: not in the snapshot, the reviewers' view, the 评审表.
	 */
	json_add_str_null(o, "held_title", method_is(a, "transfer") ? a->held_title : NULL);
	if (a->self_score >= 0 && method_is(a, "self"))
		cJSON_AddNumberToObject(o, "self_score", a->self_score / 10.0);
	else
		cJSON_AddNullToObject(o, "self_score");
	add_id(o, "photo_id", a->photo_id);
	recs = cJSON_AddArrayToObject(o, "recommenders");
	for (i = 0; method_is(a, "self") && i < PQntuples(a->rec); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "name", db_str(a->rec, i, 1));
		cJSON_AddStringToObject(it, "title", db_str(a->rec, i, 2));
		cJSON_AddStringToObject(it, "specialty", db_str(a->rec, i, 3));
		cJSON_AddStringToObject(it, "employer", db_str(a->rec, i, 4));
		cJSON_AddNumberToObject(it, "cert", (double)db_int(a->rec, i, 5));
		cJSON_AddStringToObject(it, "cert_name", db_str(a->rec, i, 6));
		cJSON_AddItemToArray(recs, it);
	}
	arch = cJSON_AddArrayToObject(o, "archive");
	for (i = 0; i < PQntuples(a->arch); i++) {
		cJSON *it = archive_item_json(a->arch, i);

		cJSON_AddNumberToObject(it, "item_id", (double)db_int(a->arch, i, 0));
		cJSON_AddNumberToObject(it, "contribution",
		    (double)db_int(a->arch, i, ARCHIVE_ITEM_NCOLS));
		cJSON_AddStringToObject(it, "contribution_name",
		    db_str(a->arch, i, ARCHIVE_ITEM_NCOLS + 1));
		/* the item as reviewed is what was chosen: these change without a resubmission */
		cJSON_DeleteItemFromObjectCaseSensitive(it, "updated_at");
		cJSON_DeleteItemFromObjectCaseSensitive(it, "reason");
		cJSON_AddItemToArray(arch, it);
	}
	files = cJSON_AddObjectToObject(o, "files");
	for (k = file_kinds; k->code != NULL; k++) {
		cJSON *arr = cJSON_AddArrayToObject(files, k->code);

		/* a file of a kind the application's answers leave out, likewise */
		for (i = 0; rule_file(a, k->code) != FILE_HIDDEN && i < PQntuples(a->files); i++)
			if (strcmp(db_str(a->files, i, 0), k->code) == 0)
				cJSON_AddItemToArray(arr, file_json(db_int(a->files, i, 1),
				    db_str(a->files, i, 2), db_str(a->files, i, 3),
				    db_int(a->files, i, 4)));
	}
	return o;
}

void
app_file_url(const struct application *a, long long upload_id, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "/api/%s/applications/%lld/files/%lld", portal_role(), a->id,
	    upload_id);
}

/* The person, for those entitled to the file: identity in full. */
static cJSON *
person_json(const struct application *a)
{
	const struct person *p = &a->person;
	cJSON *o = cJSON_CreateObject();
	char birth[16] = "";

	cJSON_AddStringToObject(o, "name", p->name);
	json_add_str_null(o, "idcard", p->idcard);
	json_add_str_null(o, "mobile", p->mobile);
	if (p->idcard != NULL && strlen(p->idcard) == 18) {
		snprintf(birth, sizeof(birth), "%.4s-%.2s-%.2s", p->idcard + 6, p->idcard + 10,
		    p->idcard + 12);
		cJSON_AddStringToObject(o, "gender", (p->idcard[16] - '0') % 2 ? "男" : "女");
		cJSON_AddStringToObject(o, "birth_date", birth);
	}
	json_add_str_null(o, "ethnicity", p->ethnicity);
	json_add_str_null(o, "custody", p->custody);
	cJSON_AddStringToObject(o, "centre", p->centre);
	cJSON_AddBoolToObject(o, "out_of_province_ss", p->out_of_province_ss);
	return o;
}

/* The facts of 四.2 computed from the data, beside the reviewer's checklist. */
static cJSON *
facts_json(const struct application *a)
{
	static const char *const higher[] = { "大学专科", "大学本科", "硕士研究生", "博士研究生" };
	const struct person *p = &a->person;
	cJSON *o = cJSON_CreateObject(), *edu, *appr;
	bool higher_edu = false;
	size_t j;
	int i;

	cJSON_AddStringToObject(o, "as_of", a->facts_as_of);
	json_add_str_null(o, "education", p->education);
	json_add_str_null(o, "degree", p->degree);
	for (j = 0; j < NITEMS(higher); j++)
		higher_edu |= p->education != NULL && strcmp(p->education, higher[j]) == 0;
	cJSON_AddBoolToObject(o, "education_ok", higher_edu);
	/* the rule asks for it of a 正常申报 (lib/rules.c); one who lacks it applies by
	 * 自评与推荐 or another way: not told in red that they fail a rule not theirs */
	cJSON_AddBoolToObject(o, "education_required", a->method != NULL && a->level != NULL &&
	    strcmp(a->method, "normal") == 0 && strcmp(a->level, "mid") == 0);
	json_add_str_null(o, "title", p->title);
	json_add_str_null(o, "title_date", p->title_date);
	json_add_str_null(o, "appointed_date", p->appointed_date);
	if (a->title_years >= 0)
		cJSON_AddNumberToObject(o, "title_years", a->title_years);
	else
		cJSON_AddNullToObject(o, "title_years");
	if (a->graduation_years >= 0)
		cJSON_AddNumberToObject(o, "graduation_years", a->graduation_years);
	else
		cJSON_AddNullToObject(o, "graduation_years");
	if (a->work_years >= 0)
		cJSON_AddNumberToObject(o, "work_years", a->work_years);
	else
		cJSON_AddNullToObject(o, "work_years");
	json_add_str_null(o, "staffing", p->staffing);
	cJSON_AddStringToObject(o, "staffing_name", app_staffing_name(p->staffing));
	cJSON_AddStringToObject(o, "ownership", p->ownership);
	/* 继续教育学时 per year and 年度考核 from the chosen archive items */
	edu = cJSON_AddArrayToObject(o, "cont_edu");
	appr = cJSON_AddArrayToObject(o, "appraisals");
	for (i = 0; i < PQntuples(a->arch); i++) {
		const char *kind = db_str(a->arch, i, 1), *date = db_str(a->arch, i, 4);
		cJSON *it;

		if (strcmp(kind, "education") != 0 && strcmp(kind, "appraisal") != 0)
			continue;
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "title", db_str(a->arch, i, 3));
		json_add_str_null(it, "date", date);
		if (strcmp(kind, "education") == 0) {
			const char *h = db_str(a->arch, i, 7);

			if (h != NULL && h[0] != '\0' && strspn(h, "0123456789") == strlen(h) &&
			    strlen(h) <= 6)
				cJSON_AddNumberToObject(it, "hours", atoi(h));
			else
				cJSON_AddNullToObject(it, "hours");
			json_add_str_null(it, "subject", db_str(a->arch, i, 5));
			cJSON_AddItemToArray(edu, it);
		} else {
			json_add_str_null(it, "result", db_str(a->arch, i, 8));
			cJSON_AddItemToArray(appr, it);
		}
	}
	return o;
}

cJSON *
app_fee_json(const struct application *a)
{
	cJSON *fee = cJSON_CreateObject(), *items;

	cJSON_AddNumberToObject(fee, "amount", a->fee);
	items = a->fee_items != NULL ? cJSON_Parse(a->fee_items) : NULL;
	cJSON_AddItemToObject(fee, "items", items != NULL ? items : cJSON_CreateArray());
	json_add_str_null(fee, "paid_at", a->paid_at);
	if (a->order_no != NULL)
		cJSON_AddStringToObject(fee, "order_no", a->order_no);
	if (a->paid_part > 0)
		json_add_int(fee, "paid_part", a->paid_part);
	/* paid beyond the fee: to refund, refunded (元; amount is what counts towards it) */
	if (a->surplus_fen > 0)
		cJSON_AddNumberToObject(fee, "surplus", (double)a->surplus_fen / 100.0);
	if (a->refunded_fen > 0)
		cJSON_AddNumberToObject(fee, "refunded", (double)a->refunded_fen / 100.0);
	/* whether its chain charges at all, and from which step */
	cJSON_AddBoolToObject(fee, "required", a->fee_step > 0 && (a->fee > 0 || a->paid_at != NULL));
	cJSON_AddNumberToObject(fee, "step", a->fee_step);
	/* due once the unit has reported it upward to the fee step */
	cJSON_AddBoolToObject(fee, "due", a->fee_step > 0 && a->step >= a->fee_step &&
	    strcmp(a->state, "in_review") == 0 && !a->fee_met && a->fee > 0);
	/* the 规定时间: the last day the department set, and whether it is past */
	json_add_str_null(fee, "pay_by", !a->fee_met ? a->pay_by : NULL);
	cJSON_AddBoolToObject(fee, "late", !a->fee_met && a->pay_by != NULL && a->pay_late);
	return fee;
}

void
app_head_json(cJSON *o, const struct application *a)
{
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "plan_id", (double)a->plan_id);
	cJSON_AddStringToObject(o, "plan", a->plan);
	cJSON_AddStringToObject(o, "level", a->level);
	cJSON_AddStringToObject(o, "pipeline", a->pipeline);
	cJSON_AddStringToObject(o, "state", a->state);
	cJSON_AddStringToObject(o, "state_name", a->state_name);
	cJSON_AddNumberToObject(o, "step", a->step);
	cJSON_AddStringToObject(o, "step_name", a->step_name);
	cJSON_AddStringToObject(o, "holder", a->holder);
	json_add_str_null(o, "holder_phone", a->holder_phone);
	cJSON_AddStringToObject(o, "unit", a->unit_name);
}

cJSON *
app_detail_json(const struct application *a, const struct actor *viewer)
{
	cJSON *o = cJSON_CreateObject(), *c, *files, *arr, *f, *it;
	const struct file_kind *k;
	char url[96];

	app_head_json(o, a);
	cJSON_AddStringToObject(o, "region", a->region);
	cJSON_AddNumberToObject(o, "submissions", a->submissions);
	json_add_str_null(o, "submitted_at", a->submitted_at);
	json_add_str_null(o, "return_reason", strcmp(a->state, "returned") == 0 ? a->return_reason : NULL);
	cJSON_AddBoolToObject(o, "mine", viewer->org_id != 0 && a->current_org_id == viewer->org_id &&
	    strcmp(a->state, "in_review") == 0);
	cJSON_AddItemToObject(o, "fee", app_fee_json(a));
	cJSON_AddItemToObject(o, "person", person_json(a));
	/* the person chose another unit (or 人才交流中心) after submitting: the one that
	 * vouches for the application is still the one it was submitted from (which one
	 * they chose is none of the reviewers' business) */
	cJSON_AddBoolToObject(o, "moved", a->keeper_now_id != 0 && a->keeper_now_id != a->unit_org_id);

	/* the content, with a URL for each file in this program */
	c = app_content_json(a);
	if (a->photo_id != 0) {
		app_file_url(a, a->photo_id, url, sizeof(url));
		cJSON_AddStringToObject(c, "photo_url", url);
	}
	json_add_str_null(c, "photo_warning", a->photo_warning);
	if (a->signature_id != 0) {
		app_file_url(a, a->signature_id, url, sizeof(url));
		cJSON_AddStringToObject(c, "signature_url", url);
	}
	json_add_str_null(c, "signed_at", a->signed_at);
	files = cJSON_GetObjectItemCaseSensitive(c, "files");
	for (k = file_kinds; k->code != NULL; k++) {
		arr = cJSON_GetObjectItemCaseSensitive(files, k->code);
		cJSON_ArrayForEach(f, arr) {
			app_file_url(a, (long long)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(f, "id")), url, sizeof(url));
			cJSON_AddStringToObject(f, "url", url);
		}
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "archive")) {
		long long contrib = (long long)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(it, "contribution"));

		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(it, "attachments")) {
			app_file_url(a, (long long)cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(f, "id")), url, sizeof(url));
			cJSON_AddStringToObject(f, "url", url);
		}
		if (contrib != 0) {
			app_file_url(a, contrib, url, sizeof(url));
			cJSON_AddStringToObject(it, "contribution_url", url);
		}
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "recommenders")) {
		long long cert = (long long)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(it, "cert"));

		if (cert != 0) {
			app_file_url(a, cert, url, sizeof(url));
			cJSON_AddStringToObject(it, "cert_url", url);
		}
	}
	cJSON_AddItemToObject(o, "content", c);
	cJSON_AddItemToObject(o, "facts", facts_json(a));
	cJSON_AddItemToObject(o, "check", rule_check(a));
	return o;
}
