/* field.c: JSON bodies and the declared-field tables every handler uses. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "portal.h"

enum perr
json_parse_object(const char *body, size_t len, cJSON **out)
{
	cJSON *j;
	const char *end = NULL;
	size_t i;

	*out = NULL;
	if (!valid_utf8(body, len) || memchr(body, '\0', len) != NULL)
		return PERR_INVALID_JSON;
	/* A \u0000 escape would silently cut a string short inside cJSON. */
	for (i = 0; i + 6 <= len; i++)
		if (body[i] == '\\' && body[i + 1] == 'u' &&
		    strncmp(body + i + 2, "0000", 4) == 0)
			return PERR_INVALID_JSON;
	j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (j == NULL)
		return PERR_INVALID_JSON;
	/* nothing but white space may follow the value */
	for (; end != NULL && end < body + len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n') {
			cJSON_Delete(j);
			return PERR_INVALID_JSON;
		}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return PERR_INVALID_JSON;
	}
	*out = j;
	return PERR_OK;
}

static int
field_index(const struct field *fields, const char *name)
{
	int i;

	for (i = 0; fields[i].name != NULL; i++)
		if (strcmp(fields[i].name, name) == 0)
			return i;
	return -1;
}

enum perr
field_check(const cJSON *obj, const struct field *fields, struct fval *vals,
    const char **bad, char *msg, size_t msgsz)
{
	const cJSON *it, *prev;
	int i;

	memset(vals, 0, sizeof(*vals) * FIELDS_MAX);
	*bad = NULL;
	cJSON_ArrayForEach(it, obj) {
		const struct field *f;

		if (it->string == NULL || !valid_utf8(it->string, strlen(it->string)))
			return PERR_INVALID_JSON;
		for (prev = obj->child; prev != it; prev = prev->next)
			if (strcmp(prev->string, it->string) == 0) {
				*bad = it->string;
				snprintf(msg, msgsz, "字段重复：%s", it->string);
				return PERR_DUP_FIELD;
			}
		if ((i = field_index(fields, it->string)) < 0 || i >= FIELDS_MAX) {
			*bad = it->string;
			/* never cut a name mid-character: long ones are not echoed */
			if (strlen(it->string) <= 60)
				snprintf(msg, msgsz, "不支持的字段：%s", it->string);
			else
				snprintf(msg, msgsz, "请求包含不支持的字段");
			return PERR_UNKNOWN_FIELD;
		}
		f = &fields[i];
		*bad = f->name;
		if (cJSON_IsNull(it))
			continue;	/* same as absent */
		switch (f->type) {
		case F_STR:
		case F_TEXT: {
			size_t n;

			if (!cJSON_IsString(it) || it->valuestring == NULL) {
				snprintf(msg, msgsz, "%s应为文本", f->label);
				return PERR_INVALID_FIELD;
			}
			if (!valid_text(it->valuestring, SIZE_MAX)) {
				snprintf(msg, msgsz, "%s含有不允许的字符", f->label);
				return PERR_INVALID_FIELD;
			}
			n = f->type == F_TEXT ? utf8_graphemes(it->valuestring) :
			    utf8_chars(it->valuestring);
			if (n == 0 && !f->required) {
				/* an empty optional text is given as "" (drafts clear with it) */
				vals[i].s = it->valuestring;
				vals[i].present = true;
				continue;
			}
			if ((long long)n < f->min || (long long)n > f->max) {
				if (n == 0)
					snprintf(msg, msgsz, "请填写%s", f->label);
				else if (f->min == f->max)
					snprintf(msg, msgsz, "%s应为 %lld 个字符",
					    f->label, f->max);
				else
					snprintf(msg, msgsz,
					    "%s长度应为 %lld 至 %lld 个字符（当前 %zu 个）",
					    f->label, f->min, f->max, n);
				return PERR_INVALID_FIELD;
			}
			if (f->check != NULL && !f->check(it->valuestring)) {
				snprintf(msg, msgsz, "%s", f->check_msg ?
				    f->check_msg : "填写的内容不符合要求");
				return PERR_INVALID_FIELD;
			}
			vals[i].s = it->valuestring;
			break;
		}
		case F_INT: {
			double d = it->valuedouble;

			if (!cJSON_IsNumber(it) || !isfinite(d) || d != floor(d) ||
			    d < (double)f->min || d > (double)f->max) {
				snprintf(msg, msgsz, "%s应为 %lld 至 %lld 之间的整数",
				    f->label, f->min, f->max);
				return PERR_INVALID_FIELD;
			}
			vals[i].i = (long long)d;
			break;
		}
		case F_ARRAY:
			if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < f->min ||
			    cJSON_GetArraySize(it) > f->max) {
				snprintf(msg, msgsz, "%s应为 %lld 至 %lld 项的列表",
				    f->label, f->min, f->max);
				return PERR_INVALID_FIELD;
			}
			vals[i].a = it;
			break;
		case F_BOOL:
			if (!cJSON_IsBool(it)) {
				snprintf(msg, msgsz, "%s应为是或否", f->label);
				return PERR_INVALID_FIELD;
			}
			vals[i].b = cJSON_IsTrue(it);
			break;
		}
		vals[i].present = true;
	}
	for (i = 0; fields[i].name != NULL; i++)
		if (fields[i].required && !vals[i].present) {
			*bad = fields[i].name;
			snprintf(msg, msgsz, "请填写%s", fields[i].label);
			return PERR_INVALID_FIELD;
		}
	*bad = NULL;
	return PERR_OK;
}
