/*
 * certificate.c: the electronic certificates of 网络打印证书. One per person
 * listed in a results document (results.c), written by the move that
 * completes the application (cert_create, a chain_move_ex() hook). It states
 * what a paper certificate states (number, name, masked 身份证号, title,
 * specialty, committee, date, issuing authority), fixed when it is issued.
 *
 * Its verification code is 128 bits from getrandom(): the holder prints it
 * as a QR code of the public page /verify/<code>, which anyone may open
 * without an account. The page finds the certificate by the code's SHA-256
 * and shows no more than the certificate shows; an unknown code (forged,
 * mistyped, malformed) and a revoked certificate are said plainly. Unknown
 * codes are counted per address (limit.c). The issuing department revokes a
 * certificate with a reason (audited, the holder told); revocation is final.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certificate.h"
#include "review.h"
#include "xhtml.h"

enum {
	CE_PERSON, CE_CREATE, CE_EXISTS, CE_LIST, CE_ONE, CE_REVOKE, CE_OWN, CE_VERIFY, CE__MAX
};

/* what the certificate shows, as cert_json() and the documents read it */
#define CERT_COLS \
	"c.id, c.number, c.name, c.idcard_masked, c.series, c.title, c.specialty, c.body_label," \
	" c.body, to_char(c.issued_on, 'YYYY-MM-DD'), " DATE_ZH("c.issued_on") ", c.authority," \
	" d.number, coalesce(to_char(c.revoked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), '')," \
	" coalesce(" DATE_ZH("(c.revoked_at AT TIME ZONE 'Asia/Shanghai')::date") ", '')"
enum { CC_ID, CC_NUMBER, CC_NAME, CC_IDCARD, CC_SERIES, CC_TITLE, CC_SPECIALTY, CC_BODY_LABEL,
	CC_BODY, CC_ISSUED_ON, CC_ISSUED_ZH, CC_AUTHORITY, CC_DOCUMENT, CC_REVOKED_ON,
	CC_REVOKED_ZH, CC__COLS };

static struct db_stmt st[CE__MAX] = {
	[CE_PERSON] = { "cert_person",
	    "SELECT u.idcard FROM application a JOIN app_user u ON u.id = a.applicant_id"
	    " WHERE a.id = $1", 0 },
	/* listed in the document; being completed by its holder's department
	 * (the hook) or completed meanwhile at that step */
	[CE_CREATE] = { "cert_create",
	    "INSERT INTO certificate (number, application_id, document_id, holder_id, name,"
	    " idcard_masked, series, title, specialty, body_label, body, issued_on, authority, org_id,"
	    " code, code_hash)"
	    " SELECT 'JHJS' || to_char(d.issued_on, 'YYYY') || CASE p.level WHEN 'mid' THEN 'Z' ELSE 'C' END"
	    "  || lpad(nextval('certificate_no')::text, 6, '0'),"
	    " a.id, d.id, a.applicant_id, i.name, $3, p.series, i.title, i.specialty,"
	    " pl.cert_body_label, pl.cert_body, d.issued_on, o.name, d.org_id,"
	    " $4, sha256(convert_to($4, 'UTF8'))"
	    " FROM results_document_item i JOIN results_document d ON d.id = i.document_id"
	    " JOIN application a ON a.id = i.application_id JOIN plan p ON p.id = a.plan_id"
	    " JOIN pipeline pl ON pl.id = a.pipeline_id JOIN org o ON o.id = d.org_id"
	    " WHERE i.application_id = $1 AND i.document_id = $2 AND a.step_seq = i.step_seq"
	    " AND (a.state = 'completed' OR (a.state = 'in_review' AND a.current_org_id = d.org_id))"
	    " ON CONFLICT (application_id) DO NOTHING RETURNING id", 0 },
	[CE_EXISTS] = { "cert_exists",
	    "SELECT 1 FROM certificate WHERE application_id = $1 AND document_id = $2", 0 },
	/* the department's certificates, newest first; q: a name or a number */
	[CE_LIST] = { "cert_list",
	    "SELECT " CERT_COLS ", c.revoke_reason, c.application_id"
	    " FROM certificate c JOIN results_document d ON d.id = c.document_id"
	    /* the name as issued, its 间隔号 compared alike (sql/079) */
	    " WHERE c.org_id = $1 AND ($2 = '' OR strpos(translate(c.name,"
	    "  '\u2022\u2027\u30FB\uFF65\u2219\u22C5\u0387', '\u00B7\u00B7\u00B7\u00B7\u00B7\u00B7\u00B7'), $2) > 0"
	    "  OR c.number = upper($2))"
	    " AND ($3::bigint IS NULL OR c.document_id = $3::bigint)"
	    " ORDER BY c.created_at DESC, c.id DESC LIMIT 1000", 0 },
	[CE_ONE] = { "cert_one",
	    "SELECT c.revoked_at IS NOT NULL, c.holder_id, c.number, c.series || c.title"
	    " FROM certificate c WHERE c.id = $1 AND c.org_id = $2 FOR UPDATE", 0 },
	[CE_REVOKE] = { "cert_revoke",
	    "UPDATE certificate SET revoked_at = now(), revoked_by = $2, revoke_reason = $3"
	    " WHERE id = $1 AND revoked_at IS NULL RETURNING 1", 0 },
	/* the holder's own, with the code for the QR and the reason of a revocation */
	[CE_OWN] = { "cert_own",
	    "SELECT " CERT_COLS ", coalesce(c.revoke_reason, ''), c.code"
	    " FROM certificate c JOIN results_document d ON d.id = c.document_id"
	    " WHERE c.application_id = $1 AND c.holder_id = $2", 0 },
	/* by the code's hash: the code itself is never compared */
	[CE_VERIFY] = { "cert_verify",
	    "SELECT " CERT_COLS
	    " FROM certificate c JOIN results_document d ON d.id = c.document_id"
	    " WHERE c.code_hash = sha256(convert_to($1, 'UTF8'))", 0 },
};

enum perr
cert_create(long long app, void *arg)
{
	long long doc = *(long long *)arg;
	char masked[32], code[33];
	PGresult *res;
	int n;
	enum perr e;

	if ((e = db_run(&st[CE_PERSON], &res, 1, DB_I(app))) != PERR_OK)
		return e;
	mask_id(PQntuples(res) == 1 ? db_str(res, 0, 0) : "", masked, sizeof(masked));
	PQclear(res);
	if ((e = random_hex(code, 16)) != PERR_OK)
		return e;
	e = db_run(&st[CE_CREATE], &res, 4, DB_I(app), DB_I(doc), DB_S(masked), DB_S(code));
	explicit_bzero(code, sizeof(code));
	if (e != PERR_OK)
		return e;
	n = PQntuples(res);
	PQclear(res);
	if (n == 1)
		return PERR_OK;
	/* written before (a second call), or not this document's to write */
	if ((e = db_run(&st[CE_EXISTS], &res, 2, DB_I(app), DB_I(doc))) != PERR_OK)
		return e;
	n = PQntuples(res);
	PQclear(res);
	return n == 1 ? PERR_OK : PERR_CONFLICT;
}

/* What the certificate shows, for its holder and its department alike. */
static cJSON *
cert_json(PGresult *res, int i)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)db_int(res, i, CC_ID));
	cJSON_AddStringToObject(o, "number", db_str(res, i, CC_NUMBER));
	cJSON_AddStringToObject(o, "name", db_str(res, i, CC_NAME));
	cJSON_AddStringToObject(o, "idcard", db_str(res, i, CC_IDCARD));
	cJSON_AddStringToObject(o, "series", db_str(res, i, CC_SERIES));
	cJSON_AddStringToObject(o, "title", db_str(res, i, CC_TITLE));
	cJSON_AddStringToObject(o, "specialty", db_str(res, i, CC_SPECIALTY));
	cJSON_AddStringToObject(o, "body_label", db_str(res, i, CC_BODY_LABEL));
	cJSON_AddStringToObject(o, "body", db_str(res, i, CC_BODY));
	cJSON_AddStringToObject(o, "issued_on", db_str(res, i, CC_ISSUED_ON));
	cJSON_AddStringToObject(o, "authority", db_str(res, i, CC_AUTHORITY));
	cJSON_AddStringToObject(o, "document", db_str(res, i, CC_DOCUMENT));
	cJSON_AddBoolToObject(o, "revoked", db_str(res, i, CC_REVOKED_ON)[0] != '\0');
	if (db_str(res, i, CC_REVOKED_ON)[0] != '\0')
		cJSON_AddStringToObject(o, "revoked_on", db_str(res, i, CC_REVOKED_ON));
	else
		cJSON_AddNullToObject(o, "revoked_on");
	return o;
}

enum { CQ_Q, CQ_DOCUMENT };

const struct field certificates_query[] = {
	[CQ_Q] = { "q", "姓名或证书编号", F_STR, false, 0, 40, NULL, NULL },
	[CQ_DOCUMENT] = { "document", "结果文件", F_INT, false, 1, 1LL << 50, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* GET /certificates[?q=&document=]: those the organisation issued. */
enum perr
h_certificates(struct req *r)
{
	PGresult *res;
	cJSON *arr;
	char q[4 * 40 + 1];	/* CQ_Q's 40 characters */
	int i;
	enum perr e;

	/* a name or part of it, as names are stored (name_tidy), or a number */
	snprintf(q, sizeof(q), "%s", r->f[CQ_Q].present ? r->f[CQ_Q].s : "");
	utf8_trim(q);
	name_tidy(q);
	if ((e = db_run(&st[CE_LIST], &res, 3, DB_I(r->s.org_id), DB_S(q),
	    r->f[CQ_DOCUMENT].present ? DB_I(r->f[CQ_DOCUMENT].i) : DB_S(NULL))) != PERR_OK)
		return e;
	arr = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *o = cert_json(res, i);

		if (db_str(res, i, CC__COLS) != NULL)
			cJSON_AddStringToObject(o, "revoke_reason", db_str(res, i, CC__COLS));
		cJSON_AddNumberToObject(o, "application_id", (double)db_int(res, i, CC__COLS + 1));
		cJSON_AddItemToArray(arr, o);
	}
	PQclear(res);
	return PERR_OK;
}

enum { RV_REASON };

const struct field certificate_revoke_fields[] = {
	[RV_REASON] = { "reason", "撤销理由", F_TEXT, true, 2, 500, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST /certificates/:id/revoke {reason}: by the department that issued it;
 * final. The holder is told, with the reason. */
enum perr
h_certificate_revoke(struct req *r)
{
	const char *reason = r->f[RV_REASON].s;
	PGresult *res = NULL;
	cJSON *detail;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CE_ONE], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1 || db_bool(res, 0, 0)) {
		e = PQntuples(res) != 1 ? req_fail(r, PERR_NOT_FOUND, NULL, "证书不存在") :
		    req_fail(r, PERR_CONFLICT, NULL, "该证书已撤销");
		goto fail;
	}
	detail = cJSON_CreateObject();
	cJSON_AddStringToObject(detail, "number", db_str(res, 0, 2));
	cJSON_AddStringToObject(detail, "reason", reason);
	if ((e = notify_userf(db_int(res, 0, 1), "【职称申报】您的%s资格电子证书（编号 %s）已被%s撤销，"
	    "理由：%s。如有疑问，请与发证机关联系。", db_str(res, 0, 3), db_str(res, 0, 2), r->s.org_name,
	    reason)) != PERR_OK ||
	    (e = req_audit(r, "certificate_revoke", "certificate", r->id, detail)) != PERR_OK) {
		cJSON_Delete(detail);
		goto fail;
	}
	cJSON_Delete(detail);
	PQclear(res);
	res = NULL;
	if ((e = db_run(&st[CE_REVOKE], &res, 3, DB_I(r->id), DB_I(r->s.user_id), DB_S(reason))) !=
	    PERR_OK || (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

/* The holder's certificate of application r->id into *res (one row);
 * PERR_NOT_FOUND with the message when there is none (or not theirs). */
static enum perr
own(struct req *r, PGresult **res)
{
	enum perr e;

	if ((e = db_run(&st[CE_OWN], res, 2, DB_I(r->id), DB_I(r->s.user_id))) != PERR_OK)
		return e;
	if (PQntuples(*res) == 1)
		return PERR_OK;
	PQclear(*res);
	*res = NULL;
	return req_fail(r, PERR_NOT_FOUND, NULL, "该申报尚无电子证书");
}

/* The page that verifies code, in url (bufsz bytes). */
static enum perr
verify_url(struct req *r, const char *code, char *url, size_t urlsz)
{
	char base[300];

	if (req_base_url(r, base, sizeof(base)) != PERR_OK)
		return req_fail(r, PERR_BAD_REQUEST, NULL, "无法确定平台地址");
	snprintf(url, urlsz, "%s/verify/%s", base, code);
	return PERR_OK;
}

/* GET /applications/:id/certificate (applicant): their certificate, with
 * the verification address its QR code holds. */
enum perr
h_my_certificate(struct req *r)
{
	PGresult *res;
	cJSON *c;
	char url[400];
	enum perr e;

	if ((e = own(r, &res)) != PERR_OK)
		return e;
	c = cert_json(res, 0);
	cJSON_AddItemToObject(req_out(r), "certificate", c);
	if (db_str(res, 0, CC_REVOKED_ON)[0] != '\0')
		cJSON_AddStringToObject(c, "revoke_reason", db_str(res, 0, CC__COLS));
	else if ((e = verify_url(r, db_str(res, 0, CC__COLS + 1), url, sizeof(url))) == PERR_OK)
		cJSON_AddStringToObject(c, "verify_url", url);
	PQclear(res);
	return e;
}

static const char cert_css[] =
    "@page { size: A4; margin: 18mm; }"
    "body { font-family: " XHTML_SERIF "; color: #000; margin: 0; }"
    ".cert { border: 3pt double #8b0000; padding: 14mm 16mm; min-height: 230mm; box-sizing: border-box; }"
    "h1 { text-align: center; font-size: 24pt; letter-spacing: 4pt; margin: 6mm 0 2mm; color: #8b0000; }"
    "p.sub { text-align: center; margin: 0 0 10mm; font-size: 12pt; }"
    "table { width: 100%; border-collapse: collapse; font-size: 13pt; }"
    "th { width: 30%; text-align: right; padding: 3mm 6mm 3mm 0; font-weight: normal; color: #333;"
    " white-space: nowrap; vertical-align: top; }"
    "td { padding: 3mm 0; font-weight: bold; }"
    ".qr { text-align: center; margin-top: 12mm; }"
    ".qr svg { width: 36mm; height: 36mm; }"
    ".qr p { margin: 1mm 0; font-size: 9.5pt; }"
    ".url { font-family: monospace; word-break: break-all; }"
    ".note { margin-top: 8mm; font-size: 9.5pt; color: #333; text-align: center; }"
    "@media screen { body { max-width: 210mm; margin: 10mm auto; } }";

/* Rows of label and value: what the certificate shows. */
static void
cert_fields(xmlNodePtr parent, PGresult *res)
{
	xmlNodePtr t = xmlNewChild(parent, NULL, BAD_CAST "table", NULL);
	char title[200];
	const char *rows[][2] = {
		{ "证书编号", db_str(res, 0, CC_NUMBER) },
		{ "姓　　名", db_str(res, 0, CC_NAME) },
		{ "身份证号", db_str(res, 0, CC_IDCARD) },
		{ "资格名称", title },
		{ "专　　业", db_str(res, 0, CC_SPECIALTY) },
		{ db_str(res, 0, CC_BODY_LABEL), db_str(res, 0, CC_BODY) },
		{ "批准文号", db_str(res, 0, CC_DOCUMENT) },
		{ "发证日期", db_str(res, 0, CC_ISSUED_ZH) },
		{ "发证机关", db_str(res, 0, CC_AUTHORITY) },
	};
	size_t i;

	snprintf(title, sizeof(title), "%s%s", db_str(res, 0, CC_SERIES), db_str(res, 0, CC_TITLE));
	for (i = 0; i < NITEMS(rows); i++) {
		xmlNodePtr tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);

		xhtml_text(tr, "th", rows[i][0]);
		xhtml_text(tr, "td", rows[i][1]);
	}
}

/* The QR code of url, inline (libqrencode's SVG, parsed into the page). */
static enum perr
add_qr(xmlNodePtr parent, const char *url)
{
	xmlDocPtr svgdoc;
	char *svg;
	enum perr e;

	if ((e = qr_svg(url, &svg)) != PERR_OK)
		return e;
	svgdoc = xmlReadMemory(svg, (int)strlen(svg), NULL, "UTF-8", XML_PARSE_NONET);
	free(svg);
	if (svgdoc == NULL)
		return PERR_INTERNAL;
	xmlAddChild(parent, xmlDocCopyNode(xmlDocGetRootElement(svgdoc), parent->doc, 1));
	xmlFreeDoc(svgdoc);
	return PERR_OK;
}

/* GET /applications/:id/certificate.xhtml (applicant): the certificate on
 * A4 with its QR code; a revoked one is not printed. */
enum perr
h_my_certificate_print(struct req *r)
{
	PGresult *res;
	xmlDocPtr x;
	xmlNodePtr body, div, qr;
	char url[400];
	enum perr e;

	if ((e = own(r, &res)) != PERR_OK)
		return e;
	if (db_str(res, 0, CC_REVOKED_ON)[0] != '\0') {
		e = req_fail(r, PERR_CONFLICT, NULL, "该证书已于 %s 撤销，不能打印",
		    db_str(res, 0, CC_REVOKED_ON));
		PQclear(res);
		return e;
	}
	if ((e = verify_url(r, db_str(res, 0, CC__COLS + 1), url, sizeof(url))) != PERR_OK) {
		PQclear(res);
		return e;
	}
	x = xhtml_new("专业技术职务任职资格电子证书", cert_css, &body);
	div = xhtml_class(body, "div", "cert", NULL);
	xhtml_text(div, "h1", "专业技术职务任职资格证书");
	xhtml_class(div, "p", "sub", "（电子证书）");
	cert_fields(div, res);
	PQclear(res);
	qr = xhtml_class(div, "div", "qr", NULL);
	if ((e = add_qr(qr, url)) != PERR_OK) {
		xmlFreeDoc(x);
		return e;
	}
	xhtml_text(qr, "p", "扫描二维码或访问以下网址，核验本证书真伪");
	xhtml_class(qr, "p", "url", url);
	xhtml_class(div, "p", "note", "本证书由职称申报评审管理服务平台网上制发，打印时请选择 A4 纸张。");
	return xhtml_reply(r, x);
}

/* A verification code as cert_create() makes it: 32 lower-case hex digits. */
static bool
valid_code(const char *s)
{
	return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

static const char verify_css[] =
    "body { font-family: " XHTML_SANS ";"
    " margin: 0; background: #f2f4f7; color: #222; }"
    ".box { max-width: 640px; margin: 24px auto; background: #fff; padding: 20px 24px;"
    " border-radius: 6px; }"
    "h1 { font-size: 20px; margin: 0 0 16px; }"
    ".status { font-size: 18px; font-weight: bold; padding: 12px 16px; border-radius: 4px; margin: 0 0 16px; }"
    ".valid { background: #e7f6ec; color: #1e7b34; }"
    ".revoked, .unknown, .limited { background: #fdecea; color: #b3261e; }"
    "table { width: 100%; border-collapse: collapse; }"
    "th, td { text-align: left; padding: 8px 6px; border-bottom: 1px solid #eee; vertical-align: top; }"
    "th { width: 34%; color: #666; font-weight: normal; }"
    ".note { color: #666; font-size: 13px; line-height: 1.7; margin-top: 16px; }";

/* The verification page with its verdict; res (may be NULL) the certificate. */
static enum perr
verify_page(struct req *r, int status, const char *cls, const char *verdict, const char *note,
    PGresult *res)
{
	xmlDocPtr x;
	xmlNodePtr body, box;

	x = xhtml_new("职称证书验证", verify_css, &body);
	box = xhtml_class(body, "div", "box", NULL);
	xhtml_text(box, "h1", "专业技术职务任职资格证书验证");
	xhtml_class(box, "p", cls, verdict);
	if (res != NULL)
		cert_fields(box, res);
	xhtml_class(box, "p", "note", note);
	r->status = status;
	return xhtml_reply(r, x);
}

static enum perr
verify_limited(struct req *r)
{
	return verify_page(r, 429, "status limited", "查询过于频繁",
	    "本网络地址一小时内未能核验的查询次数过多，请一小时后再试。", NULL);
}

static enum perr
verify_unknown(struct req *r)
{
	bool limited = false;
	enum perr e;

	/* a miss counts; the one past the limit is told so */
	if ((e = limit_attempt(r, "verify", "证书验证", VERIFY_MISSES_PER_HOUR)) == PERR_TOO_MANY)
		limited = true;
	else if (e != PERR_OK)
		return e;
	r->msg[0] = '\0';
	if (limited)
		return verify_limited(r);
	return verify_page(r, 404, "status unknown", "未找到该证书，无法验证",
	    "该验证码没有对应的证书。请核对二维码或网址是否完整；伪造、篡改或已失效的验证码均无法通过验证。"
	    "如有疑问，请向发证机关核实。", NULL);
}

/* GET /verify/<code> (public, a page of the site's own): a real
 * certificate, a revoked one, or none. */
enum perr
h_verify(struct req *r)
{
	const char *code = r->path + strlen("/verify/");
	PGresult *res;
	bool limited;
	char verdict[200];
	enum perr e;

	if ((e = limit_reached(r, "verify", VERIFY_MISSES_PER_HOUR, &limited)) != PERR_OK)
		return e;
	if (limited)
		return verify_limited(r);
	if (!valid_code(code))
		return verify_unknown(r);
	if ((e = db_run(&st[CE_VERIFY], &res, 1, DB_S(code))) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return verify_unknown(r);
	}
	if (db_str(res, 0, CC_REVOKED_ON)[0] != '\0') {
		snprintf(verdict, sizeof(verdict), "该证书已于%s被发证机关撤销，不再有效",
		    db_str(res, 0, CC_REVOKED_ZH));
		e = verify_page(r, 200, "status revoked", verdict,
		    "撤销的证书不能作为取得专业技术职务任职资格的证明。撤销原因请向发证机关咨询。", res);
	} else
		e = verify_page(r, 200, "status valid", "证书有效：经核验，该证书由发证机关网上制发，信息如下",
		    "本页面仅用于核验证书真伪，显示的信息与证书一致（身份证号已部分隐藏），以发证机关存档为准。", res);
	PQclear(res);
	return e;
}
