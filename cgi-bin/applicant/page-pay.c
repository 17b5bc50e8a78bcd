/*
 * page-pay.c: paying the review fee, and the simulated payment gateway that
 * ships with the portal so the whole flow runs here. The gateway signs its
 * result (HMAC-SHA256 over order|amount|status with the shared secret); the
 * portal accepts only a callback whose signature checks out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "applicant.h"

enum { PY_DUE, PY_PENDING, PY_NEW, PY_ORDER, PY_SIGN, PY_LOCK, PY_PAID, PY_APP_PAID, PY__MAX };

static struct db_stmt st[PY__MAX] = {
	/* amount, paid already, and whether the unit has reported it up to the fee step */
	[PY_DUE] = { "pay_due",
	    "SELECT p.fee_recommend + p.fee_review, a.paid_at IS NOT NULL,"
	    " a.state = 'in_review' AND a.step_seq >= coalesce((SELECT s.seq FROM pipeline_step s"
	    "  WHERE s.pipeline_id = a.pipeline_id AND s.gate = 'fee'), 1000)"
	    " FROM application a JOIN plan p ON p.id = a.plan_id"
	    " WHERE a.id = $1 AND a.applicant_id = $2", 0 },
	[PY_PENDING] = { "pay_pending",
	    "SELECT order_no FROM payment WHERE application_id = $1 AND status = 'pending'", 0 },
	[PY_NEW] = { "pay_new",
	    "INSERT INTO payment (order_no, application_id, amount_fen) VALUES ($1, $2, $3)", 0 },
	[PY_ORDER] = { "pay_order",
	    "SELECT y.order_no, y.amount_fen, y.status, p.name, u.name FROM payment y"
	    " JOIN application a ON a.id = y.application_id JOIN plan p ON p.id = a.plan_id"
	    " JOIN app_user u ON u.id = a.applicant_id WHERE y.order_no = $1", 0 },
	[PY_SIGN] = { "pay_sign",
	    "SELECT encode(hmac($1, $2, 'sha256'), 'hex')", 0 },
	[PY_LOCK] = { "pay_lock",
	    "SELECT y.status, y.amount_fen, y.application_id, a.applicant_id FROM payment y"
	    " JOIN application a ON a.id = y.application_id WHERE y.order_no = $1 FOR UPDATE OF y", 0 },
	[PY_PAID] = { "pay_paid",
	    "UPDATE payment SET status = $2, paid_at = CASE WHEN $2 = 'paid' THEN now() END"
	    " WHERE order_no = $1", 0 },
	[PY_APP_PAID] = { "pay_app_paid",
	    "UPDATE application SET paid_at = now(), updated_at = now()"
	    " WHERE id = $1 AND paid_at IS NULL", 0 },
};

enum perr
h_pay(struct req *r)
{
	unsigned char b[12];
	char order[25], id[24], uid[24], fen[24], url[80];
	PGresult *res;
	long long amount;
	size_t i;
	enum perr e;

	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	if ((e = db_exec(&st[PY_DUE], &res, 2, id, uid)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "申报不存在");
	}
	amount = db_int(res, 0, 0);
	if (db_bool(res, 0, 1) || !db_bool(res, 0, 2) || amount <= 0) {
		e = req_fail(r, PERR_CONFLICT, NULL, db_bool(res, 0, 1) ?
		    "评审费用已缴纳，无需重复缴费" :
		    "申报尚未报送至主管部门，暂不需要缴费；请留意短信通知");
		PQclear(res);
		return e;
	}
	PQclear(res);
	/* one order at a time: a second click (or tab) continues the first */
	if ((e = db_exec(&st[PY_PENDING], &res, 1, id)) != PERR_OK)
		return e;
	if (PQntuples(res) == 1) {
		snprintf(order, sizeof(order), "%s", db_str(res, 0, 0));
		PQclear(res);
	} else {
		PQclear(res);
		if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
			return PERR_INTERNAL;
		for (i = 0; i < sizeof(b); i++)
			snprintf(order + 2 * i, 3, "%02x", b[i]);
		snprintf(fen, sizeof(fen), "%lld", amount * 100);
		if ((e = db_begin()) != PERR_OK)
			return e;
		if ((e = db_exec(&st[PY_NEW], NULL, 3, order, id, fen)) != PERR_OK ||
		    (e = req_audit(r, "pay_order", "application", r->id, NULL)) != PERR_OK ||
		    (e = db_commit()) != PERR_OK) {
			db_rollback();
			return e == PERR_CONFLICT ?
			    req_fail(r, PERR_CONFLICT, NULL, "已有一笔待支付的订单，请刷新后继续支付") : e;
		}
	}
	snprintf(url, sizeof(url), "/applicant/#/pay/%s", order);
	cJSON_AddStringToObject(req_out(r), "order", order);
	cJSON_AddStringToObject(req_out(r), "pay_url", url);
	return PERR_OK;
}

/* hex HMAC of "order|fen|status" into out[65] */
static enum perr
sign(const char *order, long long fen, const char *status, char out[65])
{
	char msg[160];
	PGresult *res;
	enum perr e;

	if (strlen(conf.payment_secret) < 32)
		return PERR_INTERNAL;
	snprintf(msg, sizeof(msg), "%s|%lld|%s", order, fen, status);
	if ((e = db_exec(&st[PY_SIGN], &res, 2, msg, conf.payment_secret)) != PERR_OK)
		return e;
	snprintf(out, 65, "%s", db_str(res, 0, 0));
	PQclear(res);
	return PERR_OK;
}

/* --- the simulated gateway ---------------------------------------------- */

enum perr
h_paygate_get(struct req *r)
{
	PGresult *res;
	char yuan[32];
	enum perr e;

	if ((e = db_exec(&st[PY_ORDER], &res, 1, r->tok)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "订单不存在");
	}
	snprintf(yuan, sizeof(yuan), "%lld.%02lld", db_int(res, 0, 1) / 100, db_int(res, 0, 1) % 100);
	cJSON_AddStringToObject(req_out(r), "order", db_str(res, 0, 0));
	cJSON_AddStringToObject(req_out(r), "amount", yuan);
	cJSON_AddStringToObject(req_out(r), "status", db_str(res, 0, 2));
	cJSON_AddStringToObject(req_out(r), "subject", db_str(res, 0, 3));
	cJSON_AddStringToObject(req_out(r), "payer", db_str(res, 0, 4));
	cJSON_AddStringToObject(req_out(r), "gateway", "模拟支付网关（测试环境）");
	PQclear(res);
	return PERR_OK;
}

const struct field paygate_fields[] = {
	{ "result", "支付结果", F_STR, true, 1, 10, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_paygate_post(struct req *r)
{
	const char *result = r->f[0].s;
	char sig[65];
	PGresult *res;
	cJSON *cb;
	long long fen;
	enum perr e;

	if (strcmp(result, "success") != 0 && strcmp(result, "fail") != 0)
		return req_fail(r, PERR_INVALID_FIELD, "result", "支付结果不正确");
	if ((e = db_exec(&st[PY_ORDER], &res, 1, r->tok)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "订单不存在");
	}
	fen = db_int(res, 0, 1);
	PQclear(res);
	if ((e = sign(r->tok, fen, result, sig)) != PERR_OK)
		return e;
	cb = cJSON_AddObjectToObject(req_out(r), "callback");
	cJSON_AddStringToObject(cb, "order", r->tok);
	cJSON_AddNumberToObject(cb, "amount", (double)fen);
	cJSON_AddStringToObject(cb, "status", result);
	cJSON_AddStringToObject(cb, "sign", sig);
	return PERR_OK;
}

/* --- the portal's side: the signed notification -------------------------- */

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
	const char *order = r->f[0].s, *status = r->f[2].s;
	long long fen = r->f[1].i, app;
	struct actor payer = req_actor(r);
	char want[65], appid[24], note[256];
	PGresult *res = NULL;
	bool ok = strcmp(status, "success") == 0;
	enum perr e;

	if (!ok && strcmp(status, "fail") != 0)
		return req_fail(r, PERR_INVALID_FIELD, "status", "支付结果不正确");
	if ((e = sign(order, fen, status, want)) != PERR_OK)
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
	if (strcmp(db_str(res, 0, 0), "pending") != 0) {
		/* gateways repeat notifications: the first one decided */
		PQclear(res);
		db_rollback();
		return PERR_OK;
	}
	app = db_int(res, 0, 2);
	payer.user_id = db_int(res, 0, 3);
	PQclear(res);
	res = NULL;
	snprintf(appid, sizeof(appid), "%lld", app);
	snprintf(note, sizeof(note), "【职称申报】您已成功缴纳职称评审费用 %lld 元，订单号 %s。",
	    fen / 100, order);
	if ((e = db_exec(&st[PY_PAID], NULL, 2, order, ok ? "paid" : "failed")) != PERR_OK ||
	    (ok && (e = db_exec(&st[PY_APP_PAID], NULL, 1, appid)) != PERR_OK) ||
	    (e = audit(&payer, ok ? "paid" : "pay_failed", "application", app, NULL)) != PERR_OK ||
	    (ok && (e = notify_user(payer.user_id, note)) != PERR_OK) ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	cJSON_AddNumberToObject(req_out(r), "application_id", (double)app);
	cJSON_AddStringToObject(req_out(r), "status", ok ? "paid" : "failed");
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}
