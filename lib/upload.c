/* upload.c: file uploads, checked by content and kept in PostgreSQL so that
 * any worker on any host can serve them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"

enum { UP_QUOTA, UP_INSERT, UP_GET, UP__MAX };

static struct db_stmt st[UP__MAX] = {
	/* what the account uploaded in the last 24 hours: files and bytes */
	[UP_QUOTA] = { "upload_quota",
	    "SELECT count(*), coalesce(sum(size), 0) FROM upload"
	    " WHERE owner_id = $1 AND created_at > now() - interval '1 day'", 0 },
	[UP_INSERT] = { "upload_insert",
	    "INSERT INTO upload (owner_id, filename, ctype, size, sha256, data)"
	    " VALUES ($1, $2, $3, $4, sha256($5::bytea), $5::bytea) RETURNING id", 0 },
	/* the owner, or an organisation with an application using the file on
	 * its desk, or the unit reviewing an archive item with it, or the
	 * unit whose 授权委托书 it is (every clerk's registration page links it),
	 * or anyone signed in for a form of a published 评审工作计划 (plan_file),
	 * and the operators for one of a draft */
	[UP_GET] = { "upload_get",
	    /* a plan's form is saved under the title applicants read, not the
	     * operator's file name */
	    "SELECT coalesce((SELECT f.title FROM plan_file f WHERE f.upload_id = u.id LIMIT 1),"
	    " u.filename), u.ctype, u.data FROM upload u WHERE u.id = $1 AND ("
	    " u.owner_id = $2 OR EXISTS ("
	    "  SELECT 1 FROM application a WHERE"
	    /* on the organisation's desk, as lib/application.c VISIBLE: an
	     * organisation an application left by following its applicant to
	     * another unit has no desk for it any more (sql/073) */
	    "   EXISTS (SELECT 1 FROM desk d WHERE d.org_id = $3 AND d.application_id = a.id)"
	    "   AND (a.photo_id = u.id OR a.signature_id = u.id"
	    "    OR EXISTS (SELECT 1 FROM application_file f"
	    "      WHERE f.application_id = a.id AND f.upload_id = u.id)"
	    "    OR EXISTS (SELECT 1 FROM recommender c"
	    "      WHERE c.application_id = a.id AND c.cert_id = u.id)"
	    "    OR EXISTS (SELECT 1 FROM application_archive aa"
	    "      JOIN archive_item i ON i.id = aa.item_id WHERE aa.application_id = a.id"
	    "      AND (aa.contribution_id = u.id OR u.id = ANY (i.attachments)))))"
	    /* an item the unit reviews, not one revised since (it may be
	     * another unit's now, the person gone) */
	    " OR EXISTS (SELECT 1 FROM archive_item i WHERE i.reviewer_org_id = $3"
	    "  AND i.status <> 'superseded' AND u.id = ANY (i.attachments))"
	    " OR EXISTS (SELECT 1 FROM org o WHERE o.id = $3 AND o.authorization_id = u.id)"
	    " OR EXISTS (SELECT 1 FROM plan_file f JOIN plan p ON p.id = f.plan_id"
	    "  WHERE f.upload_id = u.id AND (p.status = 'published' OR EXISTS (SELECT 1"
	    "  FROM app_user au WHERE au.id = $2 AND au.role = 'admin'))))", 0 },
};

const char *
upload_sniff(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t tail, i;

	if (len >= 8 && memcmp(data, "%PDF-", 5) == 0) {
		/* a complete PDF ends with %%EOF (and maybe some white space) */
		tail = len > 1024 ? len - 1024 : 0;
		for (i = len - 5; i + 1 > tail; i--)
			if (memcmp(data + i, "%%EOF", 5) == 0)
				return "application/pdf";
		return NULL;
	}
	if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
		/* SOI at the start, EOI at the end (trailing padding allowed) */
		for (i = len; i > 2 && len - i < 64; i--)
			if (p[i - 2] == 0xFF && p[i - 1] == 0xD9)
				return "image/jpeg";
		return NULL;
	}
	return NULL;
}

/* The extension a file of this (sniffed) type is saved with. */
static const char *
type_ext(const char *ctype)
{
	if (strcmp(ctype, "application/pdf") == 0)
		return ".pdf";
	if (strcmp(ctype, "image/jpeg") == 0)
		return ".jpg";
	return "";
}

void
upload_filename(const char *stored, const char *ctype, char *out, size_t outsz)
{
	const char *base = stored, *p, *dot = NULL, *ext = type_ext(ctype);
	size_t n, room;

	if (outsz == 0)
		return;
	out[0] = '\0';
	if (strlen(ext) >= outsz)
		return;
	/* old browsers send a whole path */
	for (p = stored; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	for (p = base; *p != '\0'; p++)
		if (*p == '.')
			dot = p;
	n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
	if (n == 0) {
		base = "附件";
		n = strlen(base);
	}
	room = outsz - 1 - strlen(ext);
	if (n > room) {
		n = room;	/* cut before a whole character */
		while (n > 0 && ((unsigned char)base[n] & 0xC0) == 0x80)
			n--;
	}
	snprintf(out, outsz, "%.*s%s", (int)n, base, ext);
}

static void
hexify(const char *src, size_t n, char *dst)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	dst[0] = '\\';
	dst[1] = 'x';
	for (i = 0; i < n; i++) {
		dst[2 + 2 * i] = hx[(unsigned char)src[i] >> 4];
		dst[3 + 2 * i] = hx[(unsigned char)src[i] & 15];
	}
	dst[2 + 2 * n] = '\0';
}

/*
 * An account uploads at most conf.uploads_per_day files and upload_mb_per_day
 * MiB in 24 hours (429 past it): a whole application is a few dozen files,
 * and without a limit one account, or a script behind one, could fill the
 * disk the database lives on (the security probe: 8 × 9 MB in 1.7 s, and
 * nothing ever limited or removed them). The photo and the signature, which
 * are stored as uploads too, ask the same.
 */
enum perr
upload_quota(struct req *r, long long user, size_t len)
{
	PGresult *res;
	long long files, bytes;
	enum perr e;

	if ((e = db_run(&st[UP_QUOTA], &res, 1, DB_I(user))) != PERR_OK)
		return e;
	files = db_int(res, 0, 0);
	bytes = db_int(res, 0, 1);
	PQclear(res);
	if (files >= conf.uploads_per_day)
		return req_fail(r, PERR_TOO_MANY, "file", "24 小时内已上传 %lld 个文件，达到每日上限 %d 个，"
		    "请明天再上传；如确有需要，请联系技术支持", files, conf.uploads_per_day);
	if (bytes + (long long)len > (long long)conf.upload_mb_per_day * 1024 * 1024)
		return req_fail(r, PERR_TOO_MANY, "file", "24 小时内已上传 %lld MB，再上传此文件将超过每日上限 %d MB，"
		    "请明天再上传；如确有需要，请联系技术支持", bytes / (1024 * 1024), conf.upload_mb_per_day);
	return PERR_OK;
}

enum { UF_FILE };

const struct field upload_fields[] = {
	[UF_FILE] = { "file", "要上传的文件", F_FILE, true, 1, 10 * 1024 * 1024, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_upload(struct req *r)
{
	const struct part *file = r->f[UF_FILE].part;
	const char *ctype;
	char *hex = NULL;
	PGresult *res = NULL;
	cJSON *out;
	enum perr e;

	if ((ctype = upload_sniff(file->data, file->len)) == NULL)
		return req_fail(r, PERR_INVALID_FIELD, "file",
		    "文件内容不是完整的 PDF 或 JPEG（以文件内容为准，不看扩展名），"
		    "请重新扫描或另存为 PDF、JPG 后上传");
	if ((e = upload_quota(r, r->s.user_id, file->len)) != PERR_OK)
		return e;
	if ((hex = malloc(file->len * 2 + 3)) == NULL)
		return PERR_INTERNAL;
	hexify(file->data, file->len, hex);
	if ((e = db_begin()) != PERR_OK)
		goto done;
	if ((e = db_run(&st[UP_INSERT], &res, 5, DB_I(r->s.user_id), DB_S(file->filename),
	    DB_S(ctype), DB_I((long long)file->len), DB_S(hex))) != PERR_OK)
		goto done;
	out = req_out(r);
	cJSON_AddNumberToObject(out, "id", (double)db_int(res, 0, 0));
	cJSON_AddStringToObject(out, "name", file->filename);
	cJSON_AddStringToObject(out, "type", ctype);
	cJSON_AddNumberToObject(out, "size", (double)file->len);
	if ((e = req_audit(r, "upload", "upload", db_int(res, 0, 0), NULL)) != PERR_OK)
		goto done;
	e = db_commit();
	r->status = 201;
done:
	if (e != PERR_OK)
		db_rollback();
	PQclear(res);
	free(hex);
	return e;
}

enum { UG_DOWNLOAD };

const struct field upload_get_fields[] = {
	[UG_DOWNLOAD] = { "download", "下载", F_BOOL, false, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_upload_get(struct req *r)
{
	char id[24], uid[24], org[24], name[1024];	/* a file name of 200 characters */
	unsigned char *bytes;
	size_t n;
	char *copy;
	PGresult *res;
	enum perr e;

	snprintf(id, sizeof(id), "%lld", r->id);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	snprintf(org, sizeof(org), "%lld", r->s.org_id ? r->s.org_id : -1);
	if ((e = db_exec(&st[UP_GET], &res, 3, id, uid, org)) != PERR_OK)
		return e;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return req_fail(r, PERR_NOT_FOUND, NULL, "文件不存在或无权查看");
	}
	bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 2), &n);
	if (bytes == NULL || (copy = malloc(n ? n : 1)) == NULL) {
		PQfreemem(bytes);
		PQclear(res);
		return PERR_INTERNAL;
	}
	memcpy(copy, bytes, n);
	PQfreemem(bytes);
	upload_filename(db_str(res, 0, 0), db_str(res, 0, 1), name, sizeof(name));
	req_raw(r, copy, n, db_str(res, 0, 1), r->f[UG_DOWNLOAD].b ? name : NULL);
	PQclear(res);
	return PERR_OK;
}
