/*
 * err.c: the names of the library's enums: the one error model (enum perr ->
 * HTTP status, stable code, Chinese message) and the chain's actions (enum
 * chain_action <-> "submit", "pass", ...), for whoever needs them, from the
 * request loop to the metrics.
 */
#include <string.h>

#include "portal.h"

static const struct {
	int status;
	const char *code;
	const char *msg;
} errs[PERR__MAX] = {
	[PERR_OK] = { 200, "ok", "成功" },
	[PERR_BAD_REQUEST] = { 400, "bad_request", "请求格式不正确" },
	[PERR_INVALID_JSON] = { 400, "invalid_json", "请求内容不是有效的 JSON" },
	[PERR_INVALID_FIELD] = { 400, "invalid_field", "填写的内容不符合要求" },
	[PERR_UNKNOWN_FIELD] = { 400, "unknown_field", "请求包含未知字段" },
	[PERR_DUP_FIELD] = { 400, "duplicate_field", "请求包含重复字段" },
	[PERR_UNAUTHORIZED] = { 401, "unauthorized", "请先登录" },
	[PERR_FORBIDDEN] = { 403, "forbidden", "无权进行此操作" },
	[PERR_CSRF] = { 403, "csrf", "请求来源校验失败，请刷新页面后重试" },
	[PERR_PASSWORD_CHANGE] = { 403, "password_change_required",
	    "请先修改初始密码：初始密码由他人设置，仅限首次登录使用，修改为您自己的密码后即可办理业务" },
	[PERR_NOT_FOUND] = { 404, "not_found", "请求的内容不存在" },
	[PERR_METHOD] = { 405, "method_not_allowed", "不支持的请求方式" },
	[PERR_CONFLICT] = { 409, "conflict", "数据已发生变化（可能已在其他窗口或由他人办理），请刷新后重试" },
	[PERR_GATE] = { 409, "gate", "尚未满足办理条件" },
	[PERR_TOO_LARGE] = { 413, "payload_too_large", "提交的内容过大" },
	[PERR_MEDIA_TYPE] = { 415, "unsupported_media_type", "不支持的内容类型" },
	[PERR_LOCKED] = { 423, "locked", "账号已被锁定" },
	[PERR_TOO_MANY] = { 429, "too_many_requests", "操作过于频繁，请稍后再试" },
	[PERR_INTERNAL] = { 500, "internal", "系统内部错误，请稍后重试" },
	[PERR_UNAVAILABLE] = { 503, "unavailable", "系统暂时无法提供服务，请稍后重试" },
};

int
err_status(enum perr e)
{
	return (e < PERR__MAX) ? errs[e].status : 500;
}

const char *
err_code(enum perr e)
{
	return (e < PERR__MAX) ? errs[e].code : "internal";
}

const char *
err_message(enum perr e)
{
	return (e < PERR__MAX) ? errs[e].msg : errs[PERR_INTERNAL].msg;
}

static const char *const action_names[CHAIN__MAX] = {
	[CHAIN_SUBMIT] = "submit",
	[CHAIN_PASS] = "pass",
	[CHAIN_RETURN] = "return",
	[CHAIN_REJECT] = "reject",
};

enum chain_action
chain_action_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < CHAIN__MAX; i++)
		if (strcmp(s, action_names[i]) == 0)
			return (enum chain_action)i;
	return CHAIN__MAX;
}

const char *
chain_action_name(enum chain_action a)
{
	return a < CHAIN__MAX ? action_names[a] : "?";
}
