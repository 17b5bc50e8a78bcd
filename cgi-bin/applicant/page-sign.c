/* page-sign.c: signing the 承诺书 on a phone. The desktop asks for a one-time
 * link (shown as a QR code); the phone opens it without logging in (the
 * token is the proof), draws the signature and sends it; the desktop sees
 * the signature arrive by polling the application. The token travels only
 * in the link's fragment (which browsers never send) and in request bodies,
 * never in a URL a server logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "applicant.h"

#define SIGN_MINUTES 10
/* a drawn signature is a few KB of PNG; the JSON body limit is 64 KiB */
#define SIGNATURE_MAX_B64 60000

enum { SG_NEW, SG_LOOKUP, SG_STORE, SG_USE, SG_SET, SG__MAX };

static struct db_stmt st[SG__MAX] = {
	[SG_NEW] = { "sign_new",
	    "INSERT INTO signing_token (token_hash, application_id, expires_at)"
	    " VALUES (sha256(convert_to($1, 'UTF8')), $2, now() + make_interval(mins => $3::int))"
	    " RETURNING to_char(expires_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')", 0 },
	[SG_LOOKUP] = { "sign_lookup",
	    "SELECT t.application_id, u.name, p.name, t.used_at IS NOT NULL, t.expires_at < now(),"
	    " a.state IN ('draft', 'returned'), a.applicant_id"
	    " FROM signing_token t JOIN application a ON a.id = t.application_id"
	    " JOIN app_user u ON u.id = a.applicant_id JOIN plan p ON p.id = a.plan_id"
	    " WHERE t.token_hash = sha256(convert_to($1, 'UTF8')) FOR UPDATE OF t", 0 },
	/* a data URL's base64, checked by signature_check(); PostgreSQL decodes it again */
	[SG_STORE] = { "sign_store",
	    "INSERT INTO upload (owner_id, filename, ctype, size, sha256, data)"
	    " SELECT $1, '承诺书签名.png', 'image/png', length(b), sha256(b), b"
	    " FROM (SELECT decode($2, 'base64') AS b) x"
	    " WHERE substring(b FROM 1 FOR 8) = '\\x89504e470d0a1a0a'::bytea"
	    " AND length(b) BETWEEN 100 AND 512000 RETURNING id", 0 },
	[SG_USE] = { "sign_use",
	    "UPDATE signing_token SET used_at = now() WHERE token_hash = sha256(convert_to($1, 'UTF8'))", 0 },
	[SG_SET] = { "sign_set",
	    "UPDATE application SET signature_id = $2, signed_at = now(), updated_at = now()"
	    " WHERE id = $1 AND state IN ('draft', 'returned') RETURNING id", 0 },
};

const char commitment_title[] = "专业技术资格申报材料真实性保证书";

const char commitment_text[] =
    "本人郑重承诺：本人所提交的个人信息、学历资历、业绩成果、论文著作、获奖情况及其他全部申报材料"
    "均真实、准确、完整，不存在伪造、变造、抄袭或隐瞒等情形；本人知悉并遵守职称评审的有关规定，"
    "自觉接受用人单位、主管部门和评审委员会的审核监督。如有弄虚作假，本人自愿承担取消申报资格、"
    "撤销已取得的专业技术资格、记入诚信档案等一切后果及相应法律责任。";

enum perr
h_sign_link(struct req *r)
{
	unsigned char b[16];
	char tok[33], id[24], mins[8], base[300], url[512], *svg = NULL;
	PGresult *res = NULL;
	struct application a;
	size_t i;
	enum perr e;

	if ((e = app_open(r, r->id, &a)) != PERR_OK)
		return e;
	e = app_editable(r, &a);
	app_free(&a);
	if (e != PERR_OK)
		return e;
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return PERR_INTERNAL;
	for (i = 0; i < sizeof(b); i++)
		snprintf(tok + 2 * i, 3, "%02x", b[i]);
	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(mins, sizeof(mins), "%d", SIGN_MINUTES);
	/* the phone reaches the portal where the desktop did */
	if (req_base_url(r, base, sizeof(base)) != PERR_OK)
		return req_fail(r, PERR_BAD_REQUEST, NULL, "无法确定平台地址");
	snprintf(url, sizeof(url), "%s/applicant/#/sign/%s", base, tok);
	if ((e = qr_svg(url, &svg)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		goto out;
	if ((e = db_exec(&st[SG_NEW], &res, 3, tok, id, mins)) != PERR_OK ||
	    (e = req_audit(r, "sign_link", "application", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		db_rollback();
		goto out;
	}
	cJSON_AddStringToObject(req_out(r), "url", url);
	cJSON_AddStringToObject(req_out(r), "qr_svg", svg);
	cJSON_AddStringToObject(req_out(r), "expires_at", db_str(res, 0, 0));
out:
	PQclear(res);
	free(svg);
	return e;
}

/* The token as sign-link makes it: 32 lower-case hex digits (16-64 taken). */
static bool
valid_token(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 16 && n <= 64 && s[n] == '\0';
}

#define TOKEN_FIELD { "token", "签署链接", F_STR, true, 16, 64, valid_token, \
	"签署链接无效，请在电脑上重新生成二维码" }

/* Locks and checks the token (inside a transaction). */
static enum perr
token(struct req *r, const char *tok, PGresult **res)
{
	enum perr e;

	if ((e = db_exec(&st[SG_LOOKUP], res, 1, tok)) != PERR_OK)
		return e;
	if (PQntuples(*res) != 1)
		e = req_fail(r, PERR_NOT_FOUND, NULL, "签署链接无效，请在电脑上重新生成二维码");
	else if (db_bool(*res, 0, 3))
		e = req_fail(r, PERR_CONFLICT, NULL, "该签署链接已使用，每个链接只能签署一次");
	else if (db_bool(*res, 0, 4))
		e = req_fail(r, PERR_CONFLICT, NULL,
		    "签署链接已过期（有效期 %d 分钟），请在电脑上重新生成二维码", SIGN_MINUTES);
	else if (!db_bool(*res, 0, 5))
		e = req_fail(r, PERR_CONFLICT, NULL, "该申报已提交，无需再签署");
	if (e != PERR_OK) {
		PQclear(*res);
		*res = NULL;
	}
	return e;
}

const struct field sign_open_fields[] = {
	TOKEN_FIELD,
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST sign/open {token}: what the phone shows before signing. A POST, so
 * that the token is in the body, not in a URL. */
enum perr
h_sign_open(struct req *r)
{
	PGresult *res;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = token(r, r->f[0].s, &res)) != PERR_OK) {
		db_rollback();
		return e;
	}
	cJSON_AddStringToObject(req_out(r), "name", db_str(res, 0, 1));
	cJSON_AddStringToObject(req_out(r), "plan", db_str(res, 0, 2));
	cJSON_AddStringToObject(req_out(r), "title", commitment_title);
	cJSON_AddStringToObject(req_out(r), "text", commitment_text);
	PQclear(res);
	db_rollback();
	return PERR_OK;
}

enum { SF_TOKEN, SF_SIGNATURE };

const struct field sign_fields[] = {
	[SF_TOKEN] = TOKEN_FIELD,
	[SF_SIGNATURE] = { "signature", "签名", F_STR, true, 30, SIGNATURE_MAX_B64, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* POST sign {token, signature}: the drawn signature, once per token. */
enum perr
h_sign_post(struct req *r)
{
	static const char prefix[] = "data:image/png;base64,";
	const char *tok = r->f[SF_TOKEN].s, *sig = r->f[SF_SIGNATURE].s, *b64;
	char owner[24], app[24], up[24], msg[160];
	PGresult *res = NULL, *stored = NULL;
	struct actor who;
	size_t i;
	enum perr e;

	if (strncmp(sig, prefix, sizeof(prefix) - 1) != 0)
		return req_fail(r, PERR_INVALID_FIELD, "signature", "签名须为 PNG 图片");
	b64 = sig + sizeof(prefix) - 1;
	for (i = 0; b64[i] != '\0'; i++)
		if (!((b64[i] >= 'A' && b64[i] <= 'Z') || (b64[i] >= 'a' && b64[i] <= 'z') ||
		    (b64[i] >= '0' && b64[i] <= '9') || b64[i] == '+' || b64[i] == '/' ||
		    b64[i] == '='))
			return req_fail(r, PERR_INVALID_FIELD, "signature", "签名图片数据不正确");
	if ((e = signature_check(b64, msg, sizeof(msg))) != PERR_OK)
		return e == PERR_INVALID_FIELD ? req_fail(r, e, "signature", "%s", msg) : e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = token(r, tok, &res)) != PERR_OK)
		goto fail;
	snprintf(app, sizeof(app), "%s", db_str(res, 0, 0));
	snprintf(owner, sizeof(owner), "%s", db_str(res, 0, 6));
	if ((e = upload_quota(r, db_int(res, 0, 6), strlen(b64) * 3 / 4)) != PERR_OK ||
	    (e = db_exec(&st[SG_STORE], &stored, 2, owner, b64)) != PERR_OK)
		goto fail;
	if (PQntuples(stored) != 1) {
		e = req_fail(r, PERR_INVALID_FIELD, "signature", "签名图片不正确，请重新签署");
		goto fail;
	}
	snprintf(up, sizeof(up), "%s", db_str(stored, 0, 0));
	PQclear(stored);
	stored = NULL;
	if ((e = db_exec(&st[SG_USE], NULL, 1, tok)) != PERR_OK ||
	    (e = db_exec(&st[SG_SET], &stored, 2, app, up)) != PERR_OK)
		goto fail;
	/* submitted meanwhile: the guard is in the UPDATE, which waits for the submission's lock */
	if (PQntuples(stored) != 1) {
		e = req_fail(r, PERR_CONFLICT, NULL, "该申报已提交，无需再签署");
		goto fail;
	}
	who = req_actor(r);
	who.user_id = atoll(owner);
	if ((e = audit(&who, "sign", "application", atoll(app), NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	PQclear(stored);
	return PERR_OK;
fail:
	PQclear(res);
	PQclear(stored);
	db_rollback();
	return e;
}
