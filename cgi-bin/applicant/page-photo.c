/* page-photo.c: the wizard's 证件照: checked by lib/photo.c (libjpeg-turbo),
 * stored upright (a photo with an EXIF orientation is turned and re-encoded,
 * so that the 评审表 and every viewer show what was judged), and linked to
 * the application, with a warning when the background does not look white. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applicant.h"

enum { PH_STORE, PH_SET, PH__MAX };

static struct db_stmt st[PH__MAX] = {
	[PH_STORE] = { "photo_store",
	    "INSERT INTO upload (owner_id, filename, ctype, size, sha256, data)"
	    " VALUES ($1, $2, 'image/jpeg', $3, sha256($4::bytea), $4::bytea) RETURNING id", 0 },
	[PH_SET] = { "photo_set",
	    "UPDATE application SET photo_id = $2, photo_warning = NULLIF($3, ''),"
	    " updated_at = now() WHERE id = $1", 0 },
};

enum { PF_FILE };

const struct field photo_fields[] = {
	/* photo_check() names the exact size rule; nginx stops bodies over 1100 KB */
	[PF_FILE] = { "file", "证件照文件", F_FILE, true, 1, 10 * 1024 * 1024, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_app_photo(struct req *r)
{
	const struct part *file = r->f[PF_FILE].part;
	struct photo_info info;
	char uid[24], size[24], id[24], up[24], *hex = NULL, *upright = NULL;
	const char *warn = "", *bytes;
	size_t nbytes;
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
	if ((e = photo_check(file->data, file->len, &info, r->msg, sizeof(r->msg))) != PERR_OK) {
		r->bad_field = "file";
		return e;
	}
	if (!info.border_white)
		warn = "照片背景可能不是白色，请确认为白底证件照";
	bytes = file->data;
	nbytes = file->len;
	if (info.orientation != 1) {
		if ((e = photo_upright(file->data, file->len, &upright, &nbytes, r->msg,
		    sizeof(r->msg))) != PERR_OK) {
			r->bad_field = "file";
			return e;
		}
		bytes = upright;
	}
	if ((hex = malloc(nbytes * 2 + 3)) == NULL) {
		free(upright);
		return PERR_INTERNAL;
	}
	hex[0] = '\\';
	hex[1] = 'x';
	for (i = 0; i < nbytes; i++)
		snprintf(hex + 2 + 2 * i, 3, "%02x", (unsigned char)bytes[i]);
	free(upright);
	snprintf(uid, sizeof(uid), "%lld", r->s.user_id);
	snprintf(size, sizeof(size), "%zu", nbytes);
	snprintf(id, sizeof(id), "%lld", r->id);
	/* each new photo is an upload of its own: a script could store one a request */
	if ((e = upload_quota(r, r->s.user_id, nbytes)) != PERR_OK)
		goto out;
	if ((e = db_begin()) != PERR_OK)
		goto out;
	if ((e = app_lock_editable(r, r->id)) != PERR_OK ||
	    (e = db_exec(&st[PH_STORE], &res, 4, uid, file->filename, size, hex)) != PERR_OK)
		goto fail;
	snprintf(up, sizeof(up), "%s", db_str(res, 0, 0));
	if ((e = db_exec(&st[PH_SET], NULL, 3, id, up, warn)) != PERR_OK ||
	    (e = req_audit(r, "photo", "application", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	res = NULL;
	free(hex);
	hex = NULL;
	if ((e = app_open(r, r->id, &a)) != PERR_OK)
		return e;
	app_reply(r, &a);
	app_free(&a);
	cJSON_AddNumberToObject(req_out(r), "width", info.width);
	cJSON_AddNumberToObject(req_out(r), "height", info.height);
	return PERR_OK;
fail:
	db_rollback();
out:
	PQclear(res);
	free(hex);
	return e;
}
