/*
 * orgform.c: what an organisation's registration says of itself, checked
 * where the form cannot: its county, its 隶属关系 against its 单位性质 and
 * county, its 统一社会信用代码 against the other organisations'. A unit's
 * registration and resubmission (cgi-bin/unit) and the operator's 更正单位信息
 * (cgi-bin/admin) ask the same, and answer alike.
 */
#include <string.h>

#include "portal.h"

enum { OF_REGION, OF_USCC_TAKEN, OF__MAX };

static struct db_stmt st[OF__MAX] = {
	/* a county (市本级 among them), and whether it is 市本级 */
	[OF_REGION] = { "org_form_region",
	    "SELECT " REGION_OF_CITY " FROM region r WHERE r.id = $1 AND r.level = 'county'", 0 },
	/* the code of another organisation (the unique constraint stays the
	 * judge of two at once) */
	[OF_USCC_TAKEN] = { "org_form_uscc_taken",
	    "SELECT 1 FROM org WHERE uscc = $1 AND id <> $2", 0 },
};

enum perr
org_form_check(struct req *r, long long region, const char *ownership, const char *affiliation,
    const char *uscc, long long self)
{
	PGresult *res;
	bool county, city;
	enum perr e;

	if ((e = db_run(&st[OF_REGION], &res, 1, DB_I(region))) != PERR_OK)
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
	if ((e = db_run(&st[OF_USCC_TAKEN], &res, 2, DB_S(uscc), DB_I(self))) != PERR_OK)
		return e;
	e = PQntuples(res) > 0 ? req_fail(r, PERR_CONFLICT, "uscc", "该统一社会信用代码已被其他单位注册") :
	    PERR_OK;
	PQclear(res);
	return e;
}
