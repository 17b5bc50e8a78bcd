/*
 * results.c: 制发文件, the last step of every chain. The department that
 * owns the step issues a results document (文号, date, title, the passed
 * applicants by specialty) listing the applications waiting there; issuing
 * it passes each one through chain_move_ex() (the gate 'document' in gate.c
 * finds it listed), whose hook writes its certificate (certificate.c), so
 * that they end 办结 and the applicant is told. The document prints on A4
 * (XHTML) and exports to .xlsx.
 *
 * The document and its list are committed first, each move after in its
 * own transaction (chain_move() takes one per application): an application
 * whose move failed (the database gone meanwhile) stays listed and waiting,
 * and "继续办结" (POST /documents/:id/finish) completes it later.
 */
#include <stdio.h>
#include <string.h>

#include "certificate.h"
#include "review.h"
#include "xhtml.h"

enum {
	RS_WAITING, RS_LIST, RS_GET, RS_ITEMS, RS_LOCK, RS_APP, RS_CREATE, RS_ITEM, RS__MAX
};

/* the application is held by org at a step with the document gate */
#define AT_DOCUMENT_STEP(org) \
	"a.current_org_id = " org " AND a.state = 'in_review' AND EXISTS (SELECT 1 FROM step_gate g" \
	" WHERE g.pipeline_id = a.pipeline_id AND g.seq = a.step_seq AND g.gate = 'document')"
/* what a document states of an applicant: name, 身份证号 (masked when shown),
 * unit, specialty, the title granted */
#define PERSON_COLS "u.name, u.idcard, " EMPLOYER_NAME ", coalesce(a.specialty, ''), p.title_name"
#define PERSON_JOINS \
	" JOIN app_user u ON u.id = a.applicant_id JOIN org uo ON uo.id = a.unit_org_id" \
	EMPLOYER_JOIN " JOIN plan p ON p.id = a.plan_id"

static struct db_stmt st[RS__MAX] = {
	[RS_WAITING] = { "results_waiting",
	    "SELECT a.id, " PERSON_COLS ", p.name, pl.name, a.step_seq,"
	    " coalesce(to_char(step_arrival(a.id) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), '')"
	    " FROM application a" PERSON_JOINS " JOIN pipeline pl ON pl.id = a.pipeline_id"
	    " WHERE " AT_DOCUMENT_STEP("$1")
	    " AND NOT EXISTS (SELECT 1 FROM results_document_item i WHERE i.application_id = a.id)"
	    " ORDER BY coalesce(a.specialty, '') COLLATE \"C\", a.id LIMIT 1000", 0 },
	[RS_LIST] = { "results_list",
	    "SELECT d.id, d.number, to_char(d.issued_on, 'YYYY-MM-DD'), d.title,"
	    " count(i.application_id), count(c.id), count(c.revoked_at),"
	    " to_char(d.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
	    " FROM results_document d LEFT JOIN results_document_item i ON i.document_id = d.id"
	    " LEFT JOIN certificate c ON c.application_id = i.application_id"
	    " WHERE d.org_id = $1 GROUP BY d.id ORDER BY d.created_at DESC, d.id DESC LIMIT 500", 0 },
	[RS_GET] = { "results_get",
	    "SELECT d.id, d.number, to_char(d.issued_on, 'YYYY-MM-DD'), d.title, o.name,"
	    " to_char(d.issued_on, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"')"
	    " FROM results_document d JOIN org o ON o.id = d.org_id WHERE d.id = $1 AND d.org_id = $2", 0 },
	/* the list, by specialty (in code point order, as the page's preview sorts); done: its certificate exists; waiting: still at the step */
	[RS_ITEMS] = { "results_items",
	    "SELECT i.application_id, i.name, u.idcard, i.unit, i.specialty, i.title,"
	    " coalesce(c.number, ''), coalesce(c.id, 0), c.revoked_at IS NOT NULL, a.state,"
	    " a.state = 'in_review' AND a.step_seq = i.step_seq AND a.current_org_id = d.org_id,"
	    " i.step_seq, (SELECT pl.name LIKE '%初定' FROM pipeline pl WHERE pl.id = a.pipeline_id)"
	    " FROM results_document_item i JOIN results_document d ON d.id = i.document_id"
	    " JOIN application a ON a.id = i.application_id JOIN app_user u ON u.id = a.applicant_id"
	    " LEFT JOIN certificate c ON c.application_id = i.application_id"
	    " WHERE i.document_id = $1 ORDER BY i.specialty COLLATE \"C\", i.seq", 0 },
	/* as chain_move() does: the row alone */
	[RS_LOCK] = { "results_lock",
	    "SELECT chain_lock($1)", 0 },
	/* and the day it reached the step, which the document cannot predate */
	[RS_APP] = { "results_app",
	    "SELECT a.step_seq, " PERSON_COLS ","
	    " EXISTS (SELECT 1 FROM results_document_item i WHERE i.application_id = a.id),"
	    " coalesce(to_char(step_arrival(a.id) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), '')"
	    " FROM application a" PERSON_JOINS " WHERE a.id = $1 AND " AT_DOCUMENT_STEP("$2"), 0 },
	[RS_CREATE] = { "results_create",
	    "INSERT INTO results_document (org_id, number, issued_on, title, created_by)"
	    " VALUES ($1, $2, $3::date, $4, $5) RETURNING id", 0 },
	[RS_ITEM] = { "results_item",
	    "INSERT INTO results_document_item (document_id, seq, application_id, step_seq, name,"
	    " unit, specialty, title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", 0 },
};

/* Columns of RS_ITEMS */
enum { IT_APP, IT_NAME, IT_IDCARD, IT_UNIT, IT_SPECIALTY, IT_TITLE, IT_CERT_NO, IT_CERT,
	IT_REVOKED, IT_STATE, IT_WAITING, IT_STEP, IT_ASSESS };

/* GET /documents: the applications waiting for a document, and the documents. */
enum perr
h_documents(struct req *r)
{
	PGresult *res;
	cJSON *arr;
	char masked[32];
	int i;
	enum perr e;

	if ((e = db_run(&st[RS_WAITING], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "waiting");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(o, "applicant", db_str(res, i, 1));
		cJSON_AddStringToObject(o, "idcard", mask_id(db_str(res, i, 2), masked, sizeof(masked)));
		cJSON_AddStringToObject(o, "unit", db_str(res, i, 3));
		cJSON_AddStringToObject(o, "specialty", db_str(res, i, 4));
		cJSON_AddStringToObject(o, "title", db_str(res, i, 5));
		cJSON_AddStringToObject(o, "plan", db_str(res, i, 6));
		cJSON_AddStringToObject(o, "pipeline", db_str(res, i, 7));
		cJSON_AddNumberToObject(o, "step", (double)db_int(res, i, 8));
		cJSON_AddStringToObject(o, "arrived_on", db_str(res, i, 9));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	if ((e = db_run(&st[RS_LIST], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "documents");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(o, "number", db_str(res, i, 1));
		cJSON_AddStringToObject(o, "issued_on", db_str(res, i, 2));
		cJSON_AddStringToObject(o, "title", db_str(res, i, 3));
		cJSON_AddNumberToObject(o, "listed", (double)db_int(res, i, 4));
		cJSON_AddNumberToObject(o, "certificates", (double)db_int(res, i, 5));
		cJSON_AddNumberToObject(o, "revoked", (double)db_int(res, i, 6));
		cJSON_AddNumberToObject(o, "pending", (double)(db_int(res, i, 4) - db_int(res, i, 5)));
		cJSON_AddStringToObject(o, "created_at", db_str(res, i, 7));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

/* The organisation's document r->id with its list into *doc and *items;
 * PERR_NOT_FOUND (with the message) for another's or none. */
static enum perr
load(struct req *r, PGresult **doc, PGresult **items)
{
	enum perr e;

	*doc = *items = NULL;
	if ((e = db_run(&st[RS_GET], doc, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (PQntuples(*doc) != 1) {
		PQclear(*doc);
		*doc = NULL;
		return req_fail(r, PERR_NOT_FOUND, NULL, "结果文件不存在");
	}
	if ((e = db_run(&st[RS_ITEMS], items, 1, DB_I(r->id))) != PERR_OK) {
		PQclear(*doc);
		*doc = NULL;
	}
	return e;
}

static void
add_document(cJSON *o, PGresult *doc)
{
	cJSON_AddNumberToObject(o, "id", (double)db_int(doc, 0, 0));
	cJSON_AddStringToObject(o, "number", db_str(doc, 0, 1));
	cJSON_AddStringToObject(o, "issued_on", db_str(doc, 0, 2));
	cJSON_AddStringToObject(o, "title", db_str(doc, 0, 3));
	cJSON_AddStringToObject(o, "org", db_str(doc, 0, 4));
}

/* GET /documents/:id: the document and whom it lists, each with the
 * certificate it produced or what it still waits for. */
enum perr
h_document(struct req *r)
{
	PGresult *doc, *items;
	cJSON *arr;
	char masked[32];
	int i;
	enum perr e;

	if ((e = load(r, &doc, &items)) != PERR_OK)
		return e;
	add_document(cJSON_AddObjectToObject(req_out(r), "document"), doc);
	arr = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(items); i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "id", (double)db_int(items, i, IT_APP));
		cJSON_AddStringToObject(o, "applicant", db_str(items, i, IT_NAME));
		cJSON_AddStringToObject(o, "idcard", mask_id(db_str(items, i, IT_IDCARD), masked,
		    sizeof(masked)));
		cJSON_AddStringToObject(o, "unit", db_str(items, i, IT_UNIT));
		cJSON_AddStringToObject(o, "specialty", db_str(items, i, IT_SPECIALTY));
		cJSON_AddStringToObject(o, "title", db_str(items, i, IT_TITLE));
		if (db_int(items, i, IT_CERT) != 0) {
			cJSON *c = cJSON_AddObjectToObject(o, "certificate");

			cJSON_AddNumberToObject(c, "id", (double)db_int(items, i, IT_CERT));
			cJSON_AddStringToObject(c, "number", db_str(items, i, IT_CERT_NO));
			cJSON_AddBoolToObject(c, "revoked", db_bool(items, i, IT_REVOKED));
		} else
			cJSON_AddNullToObject(o, "certificate");
		cJSON_AddStringToObject(o, "state", db_str(items, i, IT_STATE));
		/* listed, not completed, still here: 继续办结 completes it */
		cJSON_AddBoolToObject(o, "pending", db_int(items, i, IT_CERT) == 0 &&
		    (db_bool(items, i, IT_WAITING) || strcmp(db_str(items, i, IT_STATE), "completed") == 0));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(doc);
	PQclear(items);
	return PERR_OK;
}

enum { DF_NUMBER, DF_ISSUED_ON, DF_TITLE, DF_ITEMS };

const struct field document_fields[] = {
	[DF_NUMBER] = { "number", "文号", F_STR, true, 5, 40, valid_doc_number,
	    "文号的格式应为“机关代字〔发文年份〕序号号”，机关代字为汉字或字母，如 2023 年印发的：金建评〔2023〕12号" },
	[DF_ISSUED_ON] = { "issued_on", "发文日期", F_STR, true, 10, 10, valid_past_date,
	    "发文日期应为不晚于今天的日期" },
	[DF_TITLE] = { "title", "文件标题", F_STR, true, 2, 100, NULL, NULL },
	[DF_ITEMS] = { "items", "通过人员", F_ARRAY, true, 1, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* Lists application app as the seq'th of document doc, the row locked;
 * PERR_CONFLICT with msg when it is not waiting at this organisation's
 * document step, PERR_INVALID_FIELD when the document (of issued_on,
 * YYYY-MM-DD) predates its arrival there. */
static enum perr
list_one(struct req *r, long long doc, int seq, long long app, const char *issued_on, char *msg,
    size_t msgsz)
{
	PGresult *res = NULL;
	enum perr e;

	if ((e = db_run(&st[RS_LOCK], NULL, 1, DB_I(app))) != PERR_OK ||
	    (e = db_run(&st[RS_APP], &res, 2, DB_I(app), DB_I(r->s.org_id))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1 || db_bool(res, 0, 6)) {
		snprintf(msg, msgsz, PQntuples(res) != 1 ?
		    "所选申报（申报编号 %lld）当前不在本部门的“制发文件”环节，请刷新后重试" :
		    "所选申报（申报编号 %lld）已列入其他结果文件", app);
		PQclear(res);
		return PERR_CONFLICT;
	}
	/* the result it states was published after the application got here:
	 * a document cannot be older (both are YYYY-MM-DD) */
	if (strcmp(issued_on, db_str(res, 0, 7)) < 0) {
		snprintf(msg, msgsz, "发文日期不能早于所列申报到达本环节的日期（%s，申报编号 %lld）",
		    db_str(res, 0, 7), app);
		PQclear(res);
		return PERR_INVALID_FIELD;
	}
	e = db_run(&st[RS_ITEM], NULL, 8, DB_I(doc), DB_I(seq), DB_I(app),
	    DB_I(db_int(res, 0, 0)), DB_S(db_str(res, 0, 1)), DB_S(db_str(res, 0, 3)),
	    DB_S(db_str(res, 0, 4)), DB_S(db_str(res, 0, 5)));
	PQclear(res);
	return e;
}

/* The document and its list, in one transaction; *doc gets its id. */
static enum perr
create(struct req *r, long long *doc)
{
	const cJSON *it;
	PGresult *res = NULL;
	cJSON *detail;
	char msg[256];
	int seq = 0;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[RS_CREATE], &res, 5, DB_I(r->s.org_id), DB_S(r->f[DF_NUMBER].s),
	    DB_S(r->f[DF_ISSUED_ON].s), DB_S(r->f[DF_TITLE].s), DB_I(r->s.user_id))) != PERR_OK) {
		if (e == PERR_CONFLICT)
			req_fail(r, e, "number", "文号“%s”已被本部门的其他结果文件使用", r->f[DF_NUMBER].s);
		goto fail;
	}
	*doc = db_int(res, 0, 0);
	cJSON_ArrayForEach(it, r->f[DF_ITEMS].a) {
		if ((e = list_one(r, *doc, ++seq, (long long)it->valuedouble, r->f[DF_ISSUED_ON].s,
		    msg, sizeof(msg))) != PERR_OK) {
			if (e == PERR_CONFLICT || e == PERR_INVALID_FIELD)
				req_fail(r, e, e == PERR_CONFLICT ? "items" : "issued_on", "%s", msg);
			goto fail;
		}
	}
	detail = cJSON_CreateObject();
	cJSON_AddStringToObject(detail, "number", r->f[DF_NUMBER].s);
	cJSON_AddNumberToObject(detail, "listed", seq);
	e = req_audit(r, "document_issue", "results_document", *doc, detail);
	cJSON_Delete(detail);
	if (e != PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

/* Completes listed application app: its pass (the certificate written by
 * the hook), or, when someone passed it meanwhile, its certificate alone. */
static enum perr
finish_one(struct req *r, long long doc, long long app, int step, const char *number,
    const char *title, char *msg, size_t msgsz)
{
	struct actor who = req_actor(r);
	struct chain_extra x = { .hook = cert_create, .hook_arg = &doc };
	char text[600];
	enum perr e;

	snprintf(text, sizeof(text), "列入结果文件《%s》（%s），准予办结，制发电子证书。", title, number);
	e = chain_move_ex(&who, app, step, CHAIN_PASS, text, &x, NULL, msg, msgsz);
	if (e == PERR_CONFLICT) {
		enum perr e2;

		if ((e2 = db_begin()) != PERR_OK)
			return e2;
		if (db_run(&st[RS_LOCK], NULL, 1, DB_I(app)) == PERR_OK &&
		    cert_create(app, &doc) == PERR_OK && db_commit() == PERR_OK)
			return PERR_OK;
		db_rollback();
	}
	return e;
}

/* Moves the document's listed applications that are not completed yet,
 * each in its own transaction; the results into the reply. */
static enum perr
finish(struct req *r)
{
	PGresult *doc, *items;
	cJSON *results;
	int i, ok = 0, failed = 0;
	enum perr e;

	if ((e = load(r, &doc, &items)) != PERR_OK)
		return e;
	results = cJSON_AddArrayToObject(req_out(r), "results");
	for (i = 0; i < PQntuples(items); i++) {
		char msg[256] = "";

		if (db_int(items, i, IT_CERT) != 0)
			continue;
		e = finish_one(r, r->id, db_int(items, i, IT_APP), (int)db_int(items, i, IT_STEP),
		    db_str(doc, 0, 1), db_str(doc, 0, 3), msg, sizeof(msg));
		cJSON_AddStringToObject(review_result(results, db_int(items, i, IT_APP), e, msg),
		    "applicant", db_str(items, i, IT_NAME));
		if (e != PERR_OK)
			failed++;
		else
			ok++;
		if (e == PERR_UNAVAILABLE)
			break;
	}
	PQclear(doc);
	PQclear(items);
	cJSON_AddNumberToObject(req_out(r), "id", (double)r->id);
	cJSON_AddNumberToObject(req_out(r), "completed", ok);
	cJSON_AddNumberToObject(req_out(r), "failed", failed);
	return PERR_OK;
}

/* POST /documents {number, issued_on, title, items: [application ids]}:
 * issues the document; every listed application is completed and gets its
 * certificate. One that cannot be listed refuses the whole document. */
enum perr
h_document_issue(struct req *r)
{
	const cJSON *it, *jt;
	long long doc;
	enum perr e;

	cJSON_ArrayForEach(it, r->f[DF_ITEMS].a) {
		if (!cJSON_IsNumber(it) || it->valuedouble < 1 || it->valuedouble > (double)(1LL << 50) ||
		    it->valuedouble != (double)(long long)it->valuedouble)
			return req_fail(r, PERR_INVALID_FIELD, "items", "所选申报的格式不正确");
		for (jt = r->f[DF_ITEMS].a->child; jt != it; jt = jt->next)
			if (jt->valuedouble == it->valuedouble)
				return req_fail(r, PERR_INVALID_FIELD, "items", "同一申报不能重复列入");
	}
	/* the year in 〔〕 is the year it is issued (both checked for their shape) */
	if (strncmp(strstr(r->f[DF_NUMBER].s, "〔") + strlen("〔"), r->f[DF_ISSUED_ON].s, 4) != 0)
		return req_fail(r, PERR_INVALID_FIELD, "number", "文号中的年份（%.4s）应为发文日期的年份（%.4s）",
		    strstr(r->f[DF_NUMBER].s, "〔") + strlen("〔"), r->f[DF_ISSUED_ON].s);
	if ((e = create(r, &doc)) != PERR_OK)
		return e;
	r->id = doc;
	r->status = 201;
	return finish(r);
}

/* POST /documents/:id/finish: 继续办结, for those whose move failed. */
enum perr
h_document_finish(struct req *r)
{
	return finish(r);
}

static const char doc_css[] =
    "@page { size: A4; margin: 25mm 22mm 22mm; }"
    "body { font-family: " XHTML_SERIF "; font-size: 11pt;"
    " color: #000; margin: 0; }"
    ".redhead { text-align: center; color: #c00; font-size: 20pt; font-weight: bold;"
    " letter-spacing: 1pt; margin: 0 0 10pt; }"
    ".number { text-align: center; margin: 0 0 4pt; }"
    "hr.red { border: 0; border-top: 2pt solid #c00; margin: 0 0 16pt; }"
    "h1 { text-align: center; font-size: 16pt; margin: 0 0 12pt; }"
    "p.lead { text-indent: 2em; line-height: 1.8; margin: 0 0 8pt; }"
    "h2 { font-size: 12pt; margin: 12pt 0 4pt; }"
    "table { width: 100%; border-collapse: collapse; }"
    "tr { page-break-inside: avoid; }"
    "th, td { border: 0.5pt solid #000; padding: 3pt 4pt; text-align: left; }"
    "th { background: #f0f0f0; white-space: nowrap; }"
    ".sign { text-align: right; margin: 28pt 0 0; line-height: 1.8; }"
    ".sign + .sign { margin-top: 0; }"
    "@media screen { body { max-width: 210mm; margin: 10mm auto; } }";

/* GET /documents/:id/document.xhtml: the document as printed, A4. */
enum perr
h_document_print(struct req *r)
{
	static const char *const cols[] = { "序号", "姓名", "工作单位", "专业", "资格名称", "证书编号" };
	PGresult *doc, *items;
	xmlDocPtr x;
	xmlNodePtr body, t = NULL;
	char buf[300];
	int i, n = 0, assess = 0;
	enum perr e;

	if ((e = load(r, &doc, &items)) != PERR_OK)
		return e;
	x = xhtml_new(db_str(doc, 0, 3), doc_css, &body);
	snprintf(buf, sizeof(buf), "%s文件", db_str(doc, 0, 4));
	xhtml_class(body, "p", "redhead", buf);
	xhtml_class(body, "p", "number", db_str(doc, 0, 1));
	xhtml_class(body, "hr", "red", NULL);
	xhtml_text(body, "h1", db_str(doc, 0, 3));
	/* 评审 or 初定 by their chains (the page's preview words it the same way) */
	for (i = 0; i < PQntuples(items); i++)
		assess += db_bool(items, i, IT_ASSESS);
	snprintf(buf, sizeof(buf), "经%s并公示无异议，下列 %d 名同志取得相应专业技术职务任职资格，"
	    "现予公布。", assess == 0 ? "评审" : assess == PQntuples(items) ? "初定" : "评审（初定）",
	    PQntuples(items));
	xhtml_class(body, "p", "lead", buf);
	for (i = 0; i < PQntuples(items); i++) {
		const char *sp = db_str(items, i, IT_SPECIALTY);
		const char *row[NITEMS(cols)];
		char no[16];
		int k;

		if (i == 0 || strcmp(sp, db_str(items, i - 1, IT_SPECIALTY)) != 0) {
			for (k = i; k < PQntuples(items) && strcmp(db_str(items, k, IT_SPECIALTY), sp) == 0; k++)
				;
			snprintf(buf, sizeof(buf), "%s专业（%d 人）", sp, k - i);
			xhtml_text(body, "h2", buf);
			t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
			xhtml_row(t, "th", cols, NITEMS(cols));
		}
		snprintf(no, sizeof(no), "%d", ++n);
		row[0] = no;
		row[1] = db_str(items, i, IT_NAME);
		row[2] = db_str(items, i, IT_UNIT);
		row[3] = sp;
		row[4] = db_str(items, i, IT_TITLE);
		row[5] = db_bool(items, i, IT_REVOKED) ? "（已撤销）" : db_str(items, i, IT_CERT_NO);
		xhtml_row(t, "td", row, NITEMS(row));
	}
	xhtml_class(body, "p", "sign", db_str(doc, 0, 4));
	xhtml_class(body, "p", "sign", db_str(doc, 0, 5));
	PQclear(doc);
	PQclear(items);
	return xhtml_reply(r, x);
}

/* GET /documents/:id/document.xlsx: the list as a spreadsheet. */
enum perr
h_document_xlsx(struct req *r)
{
	static const char *const head[] = { "序号", "姓名", "工作单位", "专业", "资格名称", "证书编号",
	    "证书状态" };
	static const int widths[] = { 6, 10, 30, 18, 12, 20, 10 };
	PGresult *doc, *items;
	cJSON *rows;
	char title[300], name[200];
	int i;
	enum perr e;

	if ((e = load(r, &doc, &items)) != PERR_OK)
		return e;
	rows = cJSON_CreateArray();
	for (i = 0; i < PQntuples(items); i++) {
		cJSON *row = cJSON_CreateArray();

		cJSON_AddItemToArray(row, cJSON_CreateNumber(i + 1));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(items, i, IT_NAME)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(items, i, IT_UNIT)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(items, i, IT_SPECIALTY)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(items, i, IT_TITLE)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(items, i, IT_CERT_NO)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_int(items, i, IT_CERT) == 0 ? "待办结" :
		    db_bool(items, i, IT_REVOKED) ? "已撤销" : "有效"));
		cJSON_AddItemToArray(rows, row);
	}
	snprintf(title, sizeof(title), "%s（%s，%s）", db_str(doc, 0, 3), db_str(doc, 0, 1),
	    db_str(doc, 0, 2));
	snprintf(name, sizeof(name), "结果文件-%s.xlsx", db_str(doc, 0, 1));
	PQclear(doc);
	PQclear(items);
	e = xlsx_reply(r, name, "通过人员名单", title, head, widths, (int)NITEMS(head), rows);
	cJSON_Delete(rows);
	return e;
}
