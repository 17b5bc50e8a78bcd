/* libFuzzer harness: JSON bodies through the declared-field checks. */
#include <stdint.h>
#include <string.h>

#include "portal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field fields[] = {
	{ "idcard", "身份证号", F_STR, true, 18, 18, valid_idcard, "bad" },
	{ "name", "姓名", F_STR, false, 2, 30, valid_person_name, "bad" },
	{ "mobile", "手机号码", F_STR, false, 11, 11, valid_mobile, "bad" },
	{ "password", "密码", F_STR, false, 8, 128, valid_password, "bad" },
	{ "step", "环节", F_INT, false, 1, 100, NULL, NULL },
	{ "ok", "同意", F_BOOL, false, 0, 0, NULL, NULL },
	{ "text", "意见", F_STR, false, 0, 1000, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fval vals[FIELDS_MAX];
	const char *bad;
	char msg[256];
	cJSON *j;

	if (json_parse_object((const char *)data, size, &j) != PERR_OK)
		return 0;
	(void)field_check(j, fields, vals, &bad, msg, sizeof(msg));
	cJSON_Delete(j);
	return 0;
}
