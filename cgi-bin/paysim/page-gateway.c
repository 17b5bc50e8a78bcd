/*
 * page-gateway.c: the simulated gateway's two steps. The payer's browser
 * brings the order as the portal signed it (HMAC-SHA256 with the shared key
 * over "pay|order|amount|return|subject"); the gateway shows it (open) and,
 * once "paid", answers with the notification the portal expects, signed over
 * "order|amount|status", plus where to deliver it and where to send the payer
 * back. No money moves and nothing is stored: the portal decides, once, in
 * its paycallback.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "paysim.h"

static struct {
	char secret[129];
	char notify_url[256];
} sim = { "", "/api/applicant/paycallback" };

/* a path of this site: "/…", not "//…", printable ASCII, no '|' (it is signed between bars) */
static bool
local_path(const char *s)
{
	if (s[0] != '/' || s[1] == '/')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s > '~' || strchr("|\\\"'<>`", *s))
			return false;
	return true;
}

int
sim_conf_key(const char *k, const char *v)
{
	if (strcmp(k, "paysim_secret") == 0) {
		if (strlen(v) < 32 || strlen(v) >= sizeof(sim.secret))
			return -1;
		snprintf(sim.secret, sizeof(sim.secret), "%s", v);
		return 0;
	}
	if (strcmp(k, "paysim_notify_url") == 0) {
		if (!local_path(v) || strlen(v) >= sizeof(sim.notify_url))
			return -1;
		snprintf(sim.notify_url, sizeof(sim.notify_url), "%s", v);
		return 0;
	}
	return 1;
}

static bool
lower_hex(const char *s)
{
	return s[strspn(s, "0123456789abcdef")] == '\0';
}

static bool
valid_result(const char *s)
{
	return strcmp(s, "success") == 0 || strcmp(s, "fail") == 0;
}

#define ORDER_FIELDS \
	{ "order", "订单号", F_STR, true, 16, 64, lower_hex, "订单号不正确" }, \
	{ "amount", "金额", F_INT, true, 1, 100000000, NULL, NULL }, \
	{ "subject", "商品名称", F_STR, true, 1, 80, NULL, NULL }, \
	{ "return", "返回地址", F_STR, true, 1, 200, local_path, "返回地址不正确" }, \
	{ "sign", "签名", F_STR, true, 64, 64, lower_hex, "签名不正确" }

const struct field sim_order_fields[] = {
	ORDER_FIELDS,
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

const struct field sim_pay_fields[] = {
	ORDER_FIELDS,
	{ "result", "支付结果", F_STR, true, 1, 10, valid_result, "支付结果不正确" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* hex HMAC-SHA256 of msg with the gateway's key into out[65] (OpenSSL) */
static bool
hmac_hex(const char *msg, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (strlen(sim.secret) < 32 ||
	    HMAC(EVP_sha256(), sim.secret, (int)strlen(sim.secret),
	    (const unsigned char *)msg, strlen(msg), md, &n) == NULL || n != 32)
		return false;
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return true;
}

/* The order must come from the merchant, as it signed it. */
static enum perr
check_order(struct req *r)
{
	char msg[600], want[65];
	int n;

	n = snprintf(msg, sizeof(msg), "pay|%s|%lld|%s|%s",
	    r->f[0].s, r->f[1].i, r->f[3].s, r->f[2].s);
	if (n < 0 || (size_t)n >= sizeof(msg) || !hmac_hex(msg, want))
		return PERR_INTERNAL;
	if (!ct_equal(want, r->f[4].s)) {
		log_warn("msg=\"order with a bad merchant signature\" ip=%s", r->ip);
		return req_fail(r, PERR_FORBIDDEN, "sign", "订单签名校验失败，请从缴费页面重新发起支付");
	}
	return PERR_OK;
}

enum perr
h_sim_health(struct req *r)
{
	if (strlen(sim.secret) < 32)
		return req_fail(r, PERR_UNAVAILABLE, NULL, "模拟支付网关未配置密钥");
	return PERR_OK;
}

enum perr
h_sim_open(struct req *r)
{
	char yuan[32];
	enum perr e;

	if ((e = check_order(r)) != PERR_OK)
		return e;
	snprintf(yuan, sizeof(yuan), "%lld.%02lld", r->f[1].i / 100, r->f[1].i % 100);
	cJSON_AddStringToObject(req_out(r), "order", r->f[0].s);
	cJSON_AddStringToObject(req_out(r), "amount", yuan);
	cJSON_AddStringToObject(req_out(r), "subject", r->f[2].s);
	cJSON_AddStringToObject(req_out(r), "gateway", "模拟支付网关（演示环境）");
	return PERR_OK;
}

enum perr
h_sim_pay(struct req *r)
{
	const char *order = r->f[0].s, *result = r->f[5].s;
	char msg[160], sig[65];
	cJSON *cb;
	enum perr e;

	if ((e = check_order(r)) != PERR_OK)
		return e;
	snprintf(msg, sizeof(msg), "%s|%lld|%s", order, r->f[1].i, result);
	if (!hmac_hex(msg, sig))
		return PERR_INTERNAL;
	log_info("msg=\"simulated payment\" order=%s result=%s", order, result);
	cb = cJSON_AddObjectToObject(req_out(r), "callback");
	cJSON_AddStringToObject(cb, "order", order);
	cJSON_AddNumberToObject(cb, "amount", (double)r->f[1].i);
	cJSON_AddStringToObject(cb, "status", result);
	cJSON_AddStringToObject(cb, "sign", sig);
	cJSON_AddStringToObject(req_out(r), "notify_url", sim.notify_url);
	cJSON_AddStringToObject(req_out(r), "return_url", r->f[3].s);
	return PERR_OK;
}
