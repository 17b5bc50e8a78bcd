/*
 * orgform.c: what an organisation's registration says of itself, checked
 * where the form cannot: its county, its 隶属关系 against its 单位性质 and
 * county, its 统一社会信用代码 against the other organisations'. A unit's
 * registration and resubmission (cgi-bin/unit) and the operator's 更正单位信息
 * (cgi-bin/admin) ask the same, and answer alike.
 */
#include <string.h>

#include "portal.h"

enum { OS_REGION, OS_USCC_TAKEN, OS__MAX };

static struct db_stmt st[OS__MAX] = {
	/* a county (市本级 among them), and whether it is 市本级 */
	[OS_REGION] = { "org_form_region",
	    "SELECT " REGION_OF_CITY " FROM region r WHERE r.id = $1 AND r.level = 'county'", 0 },
	/* the code of another organisation (the unique constraint stays the
	 * judge of two at once) */
	[OS_USCC_TAKEN] = { "org_form_uscc_taken",
	    "SELECT 1 FROM org WHERE uscc = $1 AND id <> $2", 0 },
};

enum perr
org_form_check(struct req *r, long long region, const char *ownership, const char *affiliation,
    const char *uscc, long long self)
{
	PGresult *res;
	bool county, city;
	enum perr e;

	if ((e = db_run(&st[OS_REGION], &res, 1, DB_I(region))) != PERR_OK)
		return e;
	county = PQntuples(res) == 1;
	city = county && db_bool(res, 0, 0);
	PQclear(res);
	if (!county)
		return req_fail(r, PERR_INVALID_FIELD, "region_id", "请选择单位所在的县（市、区）");
	if (affiliation != NULL && affiliation[0] != '\0' && strcmp(affiliation, "none") != 0 &&
	    strcmp(ownership, "institution") != 0)
		return req_fail(r, PERR_INVALID_FIELD, "affiliation", "隶属关系只适用于事业单位");
	if (affiliation_of_city(affiliation) && !city)
		return req_fail(r, PERR_INVALID_FIELD, "affiliation", AFFILIATION_CITY_MSG);
	if (uscc == NULL)
		return PERR_OK;
	if ((e = db_run(&st[OS_USCC_TAKEN], &res, 2, DB_S(uscc), DB_I(self))) != PERR_OK)
		return e;
	e = PQntuples(res) > 0 ? req_fail(r, PERR_CONFLICT, "uscc", "该统一社会信用代码已被其他单位注册") :
	    PERR_OK;
	PQclear(res);
	return e;
}

/* A field's value as the operator reads it: a code by the words of the form. */
static const char *
shown(int field, const char *v)
{
	static const struct {
		const char *code, *name;
	} words[] = {
		{ "state", "国有企业" }, { "private", "非公企业" }, { "institution", "事业单位" },
		{ "agency", "机关" }, { "other", "其他" }, { "bureau", "市住建局局属事业单位" },
		{ "city_direct", "市本级直属事业单位" }, { "civil_service", "参照公务员管理的事业单位" },
	};
	size_t i;

	if (field == OF_OWNERSHIP || field == OF_AFFILIATION)
		for (i = 0; i < NITEMS(words); i++)
			if (strcmp(words[i].code, v) == 0)
				return words[i].name;
	/* (none: the form's 其他事业单位, no 隶属关系) */
	return v[0] != '\0' && !(field == OF_AFFILIATION && strcmp(v, "none") == 0) ? v : "无";
}

/* Appends "<sep><a><b>" to buf (of size n), cut where it is full. */
static void
append(char *buf, size_t n, const char *sep, const char *a, const char *b)
{
	size_t l = strlen(buf);

	snprintf(buf + l, n - l, "%s%s%s", sep, a, b);
}

int
org_form_diff(const char *const old[OF_N], const char *const now[OF_N], cJSON *detail,
    cJSON *labels)
{
	static const char *const label[OF_N] = { "单位名称", "统一社会信用代码", "单位性质",
	    "隶属关系", "所在地区", "主管部门" };
	char what[200] = "", before[2048] = "", after[2048] = "";
	int i, n = 0;

	for (i = 0; i < OF_N; i++) {
		if (strcmp(shown(i, old[i]), shown(i, now[i])) == 0)
			continue;
		append(what, sizeof(what), n ? "、" : "", label[i], "");
		append(before, sizeof(before), n ? "；" : "", label[i], "：");
		append(before, sizeof(before), "", shown(i, old[i]), "");
		append(after, sizeof(after), n ? "；" : "", label[i], "：");
		append(after, sizeof(after), "", shown(i, now[i]), "");
		if (labels != NULL)
			cJSON_AddItemToArray(labels, cJSON_CreateString(label[i]));
		n++;
	}
	if (n > 0) {
		cJSON_AddStringToObject(detail, "fields", what);
		cJSON_AddStringToObject(detail, "before", before);
		cJSON_AddStringToObject(detail, "after", after);
	}
	return n;
}
