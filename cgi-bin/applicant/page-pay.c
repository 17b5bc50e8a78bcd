/*
 * page-pay.c: paying the review fee. The portal creates an order and sends
 * the payer to the configured provider's gateway with the order signed
 * (HMAC-SHA256 with payment_callback_secret over "pay|order|amount|return|
 * subject"); the provider's notification is signed with the same key over
 * "order|amount|status", and the portal accepts it once, for the order's own
 * amount. The demo's simulated gateway is a program of its own
 * (cgi-bin/paysim) that a production configuration neither starts nor routes;
 * this program has no gateway in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "applicant.h"

enum { PY_DUE, PY_PENDING, PY_VOID, PY_NEW, PY_SIGN, PY_LOCK, PY_PAID, PY_APP_LOCK, PY_TOTAL,
    PY_APP_PAID, PY_SURPLUS, PY_SURPLUS_LAST, PY__MAX };

/* The subject the gateway shows is the plan's name, cut to what it accepts. */
#define SUBJECT_CHARS 80

static struct db_stmt st[PY__MAX] = {
	/* amount, paid already, whether the unit has reported it up to the fee
	 * step, subject, what its paid orders came to (fen); the last day the
	 * department holding it set (sql/077) when it is past, and its name */
	[PY_DUE] = { "pay_due",
	    "SELECT app_fee(a.id), a.paid_at IS NOT NULL,"
	    " a.state = 'in_review' AND a.step_seq >= coalesce((SELECT min(g.seq) FROM step_gate g"
	    "  WHERE g.pipeline_id = a.pipeline_id AND g.gate = 'fee'), 1000),"
	    " left(p.name, 80), (SELECT coalesce(sum(y.amount_fen), 0) FROM payment y"
	    "  WHERE y.application_id = a.id AND y.status = 'paid'),"
	    " (SELECT " DATE_ZH("d.pay_by") " FROM fee_deadline d"
	    "  WHERE d.plan_id = a.plan_id AND d.org_id = a.current_org_id AND d.pay_by < " SQL_TODAY "),"
	    " org_contact(a.current_org_id)"
	    " FROM application a JOIN plan p ON p.id = a.plan_id"
	    " WHERE a.id = $1 AND a.applicant_id = $2", 0 },
	[PY_PENDING] = { "pay_pending",
	    "SELECT order_no, amount_fen FROM payment WHERE application_id = $1 AND status = 'pending'", 0 },
	[PY_VOID] = { "pay_void",
	    "UPDATE payment SET status = 'void' WHERE order_no = $1 AND status = 'pending'"
	    " RETURNING 1", 0 },
	[PY_NEW] = { "pay_new",
	    "INSERT INTO payment (order_no, application_id, amount_fen) VALUES ($1, $2, $3)", 0 },
	[PY_SIGN] = { "pay_sign",
	    "SELECT encode(hmac($1, $2, 'sha256'), 'hex')", 0 },
	[PY_LOCK] = { "pay_lock",
	    "SELECT y.status, y.amount_fen, y.application_id, a.applicant_id FROM payment y"
	    " JOIN application a ON a.id = y.application_id WHERE y.order_no = $1 FOR UPDATE OF y", 0 },
	/* paid: to the department holding the fee step now (its 缴费明细, sql/062) */
	[PY_PAID] = { "pay_paid",
	    "UPDATE payment y SET status = $2, paid_at = CASE WHEN $2 = 'paid' THEN now() END,"
	    " payee_org_id = CASE WHEN $2 = 'paid' THEN (SELECT o.org_id FROM application a"
	    "  JOIN step_gate g ON g.pipeline_id = a.pipeline_id AND g.gate = 'fee'"
	    "  JOIN step_owners_of(a.pipeline_id, a.region_id, a.unit_org_id) o ON o.seq = g.seq"
	    "  WHERE a.id = y.application_id ORDER BY g.seq LIMIT 1) END"
	    " WHERE order_no = $1", 0 },
	/* the application locked (its payments' notifications one after the other) */
	[PY_APP_LOCK] = { "pay_app_lock",
	    "SELECT 1 FROM application WHERE id = $1 FOR UPDATE", 0 },
	/* then, in a statement of its own (a snapshot taken once the lock is held:
	 * another notification's payment committed meanwhile counts), paid
	 * already, the fee (fen), what its paid orders came to */
	[PY_TOTAL] = { "pay_total",
	    "SELECT a.paid_at IS NOT NULL, app_fee(a.id) * 100, (SELECT coalesce(sum(y.amount_fen), 0)"
	    "  FROM payment y WHERE y.application_id = a.id AND y.status = 'paid')"
	    " FROM application a WHERE a.id = $1", 0 },
	/* what the order took beyond the fee, the department's to refund (sql/087) */
	[PY_SURPLUS] = { "pay_surplus",
	    "UPDATE payment SET surplus_fen = $2 WHERE order_no = $1", 0 },
	/* the same on the application's last paid order ($1 the application, $2 fen): paid in
	 * full by a lowered fee */
	[PY_SURPLUS_LAST] = { "pay_surplus_last",
	    "UPDATE payment SET surplus_fen = surplus_fen + $2 WHERE order_no = (SELECT order_no"
	    " FROM payment WHERE application_id = $1 AND status = 'paid'"
	    " ORDER BY paid_at DESC, order_no DESC LIMIT 1) RETURNING order_no", 0 },
	[PY_APP_PAID] = { "pay_app_paid",
	    "UPDATE application SET paid_at = now(), updated_at = now()"
	    " WHERE id = $1 AND paid_at IS NULL", 0 },
};

/* hex HMAC-SHA256 of msg with the provider's key into out[65] */
static enum perr
sign(const char *msg, char out[65])
{
	PGresult *res;
	enum perr e;

	if (strlen(conf.payment_callback_secret) < 32)
		return PERR_INTERNAL;
	if ((e = db_exec(&st[PY_SIGN], &res, 2, msg, conf.payment_callback_secret)) != PERR_OK)
		return e;
	snprintf(out, 65, "%s", db_str(res, 0, 0));
	PQclear(res);
	return PERR_OK;
}

/* Appends "key=" and s percent-encoded (RFC 3986 unreserved kept) to buf,
 * after "?" (the first of a query), "&" or nothing (right after a final "?"
 * or "#": a gateway URL ending in "#" takes the order in its fragment);
 * false when it does not fit. */
static bool
url_param(char *buf, size_t bufsz, const char *key, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = strlen(buf);
	const char *sep = "?";
	int n;

	if (o > 0 && (buf[o - 1] == '?' || buf[o - 1] == '#'))
		sep = "";
	else if (strchr(buf, '?') != NULL || strchr(buf, '#') != NULL)
		sep = "&";
	n = snprintf(buf + o, bufsz - o, "%s%s=", sep, key);
	if (n < 0 || (size_t)n >= bufsz - o)
		return false;
	for (o += (size_t)n; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (o + 4 > bufsz)
			return false;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			buf[o++] = (char)c;
		else {
			buf[o++] = '%';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return true;
}

/* The gateway URL with the order signed for the provider: the amount, the
 * subject it shows and the page it sends the payer back to are the portal's
 * word, and the provider checks them with the shared key. In the query, or in
 * the fragment when the configured URL ends with "#" (the demo's simulator:
 * then the order number reaches no server's access log). */
static enum perr
pay_url(struct req *r, const char *order, const char *fen, const char *subject)
{
	char ret[80], msg[512], sig[65], url[2048];
	enum perr e;

	snprintf(ret, sizeof(ret), "/applicant/#/applications/%lld?paid=1", r->id);
	snprintf(msg, sizeof(msg), "pay|%s|%s|%s|%s", order, fen, ret, subject);
	if ((e = sign(msg, sig)) != PERR_OK)
		return e;
	snprintf(url, sizeof(url), "%s", conf.payment_gateway_url);
	if (!url_param(url, sizeof(url), "order", order) ||
	    !url_param(url, sizeof(url), "amount", fen) ||
	    !url_param(url, sizeof(url), "subject", subject) ||
	    !url_param(url, sizeof(url), "return", ret) ||
	    !url_param(url, sizeof(url), "sign", sig))
		return PERR_INTERNAL;
	cJSON_AddStringToObject(req_out(r), "order", order);
	cJSON_AddStringToObject(req_out(r), "pay_url", url);
	cJSON_AddStringToObject(req_out(r), "provider", conf.payment_provider);
	return PERR_OK;
}

/* GET payment: who takes the fee here; the pages show 模拟支付 in the demo. */
enum perr
h_payment(struct req *r)
{
	cJSON_AddStringToObject(req_out(r), "provider", conf.payment_provider);
	cJSON_AddBoolToObject(req_out(r), "simulated", conf_payment_simulated());
	return PERR_OK;
}

enum perr
h_pay(struct req *r)
{
	unsigned char b[12];
	char order[25], old[25] = "", id[24], uid[24], fen[24], y[32];
	char subject[SUBJECT_CHARS * 4 + 1];
	PGresult *res;
	long long due;
	cJSON *d;
	size_t i;
	enum perr e;

	if (strcmp(conf.payment_provider, "none") == 0)
		return req_fail(r, PERR_UNAVAILABLE, NULL, "本平台暂未开通在线缴费，请联系主管部门");
	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[PY_DUE], &res, 2, id, uid)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "申报不存在");
	}
	if (db_bool(res, 0, 1) || !db_bool(res, 0, 2) || db_int(res, 0, 0) <= 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, db_bool(res, 0, 1) ?
		    "推荐评审费已缴纳，无需重复缴费" :
		    "申报尚未报送至主管部门，暂不需要缴费；请留意短信通知");
		PQclear(res);
		return e;
	}
	/* what is still due: the fee less what its paid orders came to */
	due = db_int(res, 0, 0) * 100 - db_int(res, 0, 4);
	/* the department's last day is past: a payment is not started (one
	 * started before it is still taken when the provider says it was paid) */
	if (due > 0 && db_str(res, 0, 5) != NULL) {
		e = req_fail(r, PERR_CONFLICT, NULL, "缴费截止日期（%s）已过，无法在线缴费；"
		    "请联系%s", db_str(res, 0, 5), db_str(res, 0, 6) ? db_str(res, 0, 6) : "主管部门");
		PQclear(res);
		return e;
	}
	snprintf(subject, sizeof(subject), "%s", db_str(res, 0, 3));
	PQclear(res);
	if (due <= 0) {
		/* paid in full by orders made before the department lowered the fee:
		 * beyond it, the department's to refund (sql/087) */
		PGresult *last = NULL;
		char note[256];
		bool marked;

		if ((e = db_begin()) != PERR_OK)
			return e;
		if ((e = db_run(&st[PY_APP_PAID], &res, 1, DB_I(r->id))) != PERR_OK)
			goto paid_fail;
		marked = PQcmdTuples(res)[0] != '0';
		if (marked && due < 0) {
			if ((e = db_run(&st[PY_SURPLUS_LAST], &last, 2, DB_I(r->id), DB_I(-due))) !=
			    PERR_OK)
				goto paid_fail;
			d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "order", PQntuples(last) == 1 ? db_str(last, 0, 0) : "");
			cJSON_AddStringToObject(d, "surplus", fen_yuan(-due, y, sizeof(y)));
			e = req_audit(r, "pay_surplus", "application", r->id, d);
			cJSON_Delete(d);
			snprintf(note, sizeof(note), "【职称申报】推荐评审费收费标准已调整，您已缴纳的费用已足额；"
			    "多缴的 %s 元将由主管部门核实后退还。", y);
			if (e != PERR_OK || (e = notify_user(r->s.user_id, note)) != PERR_OK)
				goto paid_fail;
		} else if (marked && (e = req_audit(r, "paid", "application", r->id, NULL)) != PERR_OK)
			goto paid_fail;
		if ((e = db_commit()) != PERR_OK)
			goto paid_fail;
		PQclear(res);
		PQclear(last);
		return req_fail(r, PERR_CONFLICT, NULL, "推荐评审费已缴纳，无需重复缴费");
paid_fail:
		PQclear(res);
		PQclear(last);
		db_rollback();
		return e;
	}
	/* one order at a time: a second click (or tab) continues the first while
	 * it is for what is due; one made before the department changed the fee
	 * is voided and made again */
	if ((e = db_exec(&st[PY_PENDING], &res, 1, id)) != PERR_OK)
		return e;
	if (PQntuples(res) == 1 && db_int(res, 0, 1) == due) {
		snprintf(order, sizeof(order), "%s", db_str(res, 0, 0));
		snprintf(fen, sizeof(fen), "%s", db_str(res, 0, 1));
		PQclear(res);
		return pay_url(r, order, fen, subject);
	}
	if (PQntuples(res) == 1)
		snprintf(old, sizeof(old), "%s", db_str(res, 0, 0));
	PQclear(res);
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return PERR_INTERNAL;
	for (i = 0; i < sizeof(b); i++)
		snprintf(order + 2 * i, 3, "%02x", b[i]);
	snprintf(fen, sizeof(fen), "%lld", due);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "order", order);
	cJSON_AddStringToObject(d, "amount", fen_yuan(due, y, sizeof(y)));
	if (old[0] != '\0')
		cJSON_AddStringToObject(d, "voided", old);
	if ((e = db_begin()) != PERR_OK) {
		cJSON_Delete(d);
		return e;
	}
	/* the old order paid (or failed) meanwhile: what is due is no longer known */
	if (old[0] != '\0') {
		if ((e = db_exec(&st[PY_VOID], &res, 1, old)) == PERR_OK && PQntuples(res) != 1)
			e = PERR_CONFLICT;
		PQclear(res);
		if (e != PERR_OK) {
			cJSON_Delete(d);
			db_rollback();
			return e == PERR_CONFLICT ?
			    req_fail(r, PERR_CONFLICT, NULL, "订单状态已变化，请刷新后重试") : e;
		}
	}
	if ((e = db_exec(&st[PY_NEW], NULL, 3, order, id, fen)) != PERR_OK ||
	    (e = req_audit(r, "pay_order", "application", r->id, d)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		cJSON_Delete(d);
		db_rollback();
		return e == PERR_CONFLICT ?
		    req_fail(r, PERR_CONFLICT, NULL, "已有一笔待支付的订单，请刷新后继续支付") : e;
	}
	cJSON_Delete(d);
	return pay_url(r, order, fen, subject);
}

/* --- the provider's signed notification ------------------------------------ */

static bool
hex_order(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 16 && n <= 64 && s[n] == '\0';
}

const struct field paycallback_fields[] = {
	{ "order", "订单号", F_STR, true, 16, 64, hex_order, "订单号不正确" },
	{ "amount", "金额", F_INT, true, 1, 100000000, NULL, NULL },
	{ "status", "支付结果", F_STR, true, 1, 10, NULL, NULL },
	{ "sign", "签名", F_STR, true, 64, 64, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_paycallback(struct req *r)
{
	const char *order = r->f[0].s, *status = r->f[2].s, *action = "paid";
	long long fen = r->f[1].i, app, fee, total;
	struct actor payer = req_actor(r);
	char msg[160], want[65], note[400], y1[32], y2[32], y3[32];
	PGresult *res = NULL;
	bool ok = strcmp(status, "success") == 0, was_paid;
	cJSON *d = NULL;
	enum perr e;

	if (strcmp(conf.payment_provider, "none") == 0)
		return req_fail(r, PERR_NOT_FOUND, NULL, "本平台未开通在线缴费");
	if (!ok && strcmp(status, "fail") != 0)
		return req_fail(r, PERR_INVALID_FIELD, "status", "支付结果不正确");
	snprintf(msg, sizeof(msg), "%s|%lld|%s", order, fen, status);
	if ((e = sign(msg, want)) != PERR_OK)
		return e;
	if (!ct_equal(want, r->f[3].s)) {
		log_warn("msg=\"payment callback with a bad signature\" ip=%s", r->ip);
		return req_fail(r, PERR_FORBIDDEN, "sign", "支付通知签名校验失败");
	}
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_exec(&st[PY_LOCK], &res, 1, order)) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1 || db_int(res, 0, 1) != fen) {
		e = req_fail(r, PERR_INVALID_FIELD, "order", "订单不存在或金额不符");
		goto fail;
	}
	/* gateways repeat notifications: a success decided for good; a failure
	 * changes only an order still waiting */
	if (strcmp(db_str(res, 0, 0), "paid") == 0 ||
	    (!ok && strcmp(db_str(res, 0, 0), "pending") != 0)) {
		PQclear(res);
		db_rollback();
		return PERR_OK;
	}
	app = db_int(res, 0, 2);
	payer.user_id = db_int(res, 0, 3);
	PQclear(res);
	res = NULL;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "order", order);
	cJSON_AddStringToObject(d, "amount", fen_yuan(fen, y1, sizeof(y1)));
	if (!ok) {
		if ((e = db_exec(&st[PY_PAID], NULL, 2, order, "failed")) != PERR_OK ||
		    (e = audit(&payer, "pay_failed", "application", app, d)) != PERR_OK ||
		    (e = db_commit()) != PERR_OK)
			goto fail;
		goto done;
	}
	/* money taken counts, whatever became of its order meanwhile (failed, or
	 * voided by a newer one): the application is paid once its paid orders
	 * reach the fee */
	if ((e = db_exec(&st[PY_PAID], NULL, 2, order, "paid")) != PERR_OK ||
	    (e = db_run(&st[PY_APP_LOCK], NULL, 1, DB_I(app))) != PERR_OK ||
	    (e = db_run(&st[PY_TOTAL], &res, 1, DB_I(app))) != PERR_OK)
		goto fail;
	was_paid = db_bool(res, 0, 0);
	fee = db_int(res, 0, 1);
	total = db_int(res, 0, 2);
	PQclear(res);
	res = NULL;
	cJSON_AddStringToObject(d, "fee", fen_yuan(fee, y2, sizeof(y2)));
	cJSON_AddStringToObject(d, "paid_total", fen_yuan(total, y3, sizeof(y3)));
	if (was_paid || total > fee) {
		/* paid twice (an old order completed late) or more than the fee: the
		 * department refunds it */
		char surplus[24];

		action = "pay_surplus";
		cJSON_AddStringToObject(d, "surplus", fen_yuan(was_paid ? fen : total - fee, y3,
		    sizeof(y3)));
		snprintf(surplus, sizeof(surplus), "%lld", was_paid ? fen : total - fee);
		if ((e = db_exec(&st[PY_SURPLUS], NULL, 2, order, surplus)) != PERR_OK)
			goto fail;
		log_warn("msg=\"payment beyond the fee\" application=%lld order=%s amount_fen=%lld",
		    app, order, fen);
	}
	if (was_paid)
		snprintf(note, sizeof(note), "【职称申报】您的订单 %s 缴纳的 %s 元为重复缴费（推荐评审费此前已"
		    "缴清），将由主管部门核实后退还。", order, y1);
	else if (total > fee)
		snprintf(note, sizeof(note), "【职称申报】您已成功缴纳推荐评审费 %s 元，订单号 %s；"
		    "应缴 %s 元，多缴的 %s 元将由主管部门核实后退还。", y1, order, y2,
		    fen_yuan(total - fee, y3, sizeof(y3)));
	else if (total == fee)
		snprintf(note, sizeof(note), "【职称申报】您已成功缴纳推荐评审费 %s 元，订单号 %s。",
		    y1, order);
	else
		snprintf(note, sizeof(note), "【职称申报】已收到您缴纳的推荐评审费 %s 元（订单号 %s）。收费标准"
		    "已调整为 %s 元，尚需补缴 %s 元，请登录平台补缴。", y1, order, y2,
		    fen_yuan(fee - total, y3, sizeof(y3)));
	if ((!was_paid && total >= fee &&
	    (e = db_run(&st[PY_APP_PAID], NULL, 1, DB_I(app))) != PERR_OK) ||
	    (e = audit(&payer, action, "application", app, d)) != PERR_OK ||
	    (e = notify_user(payer.user_id, note)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
done:
	cJSON_Delete(d);
	cJSON_AddNumberToObject(req_out(r), "application_id", (double)app);
	cJSON_AddStringToObject(req_out(r), "status", ok ? "paid" : "failed");
	return PERR_OK;
fail:
	cJSON_Delete(d);
	PQclear(res);
	db_rollback();
	return e;
}
