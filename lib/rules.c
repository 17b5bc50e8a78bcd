/*
 * rules.c: the notice's rules on an application: which attachments each
 * 申报方式 requires or hides (§二.6), and the pre-submission check, which
 * lists every unmet rule with the wizard step that fixes it. The applicant's
 * wizard and the reviewers show what this computes; the browser never
 * decides a rule itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"

/* 本人述职 (§二.3): "限 1000 字以内" */
#define STATEMENT_MAX 1000
/* 自评与推荐 (§二.3(2)): "自评分须达到 117 分以上", in tenths (117.0) */
#define SELF_SCORE_MIN 1170

static bool
is(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

enum file_rule
rule_file(const struct application *a, const char *kind)
{
	const char *m = a->method, *staffing = a->person.staffing, *title = a->person.title;

	if (is(kind, "summary") || is(kind, "experience") || is(kind, "m_education"))
		return FILE_REQUIRED;
	if (is(kind, "other") || is(kind, "m_cont_edu") || is(kind, "m_appraisal"))
		return FILE_OPTIONAL;
	/* (a 转（兼）评's certificate is its transfer_cert: not asked for twice) */
	if (is(kind, "m_title"))
		return title != NULL && !is(title, "无") && !is(m, "transfer") ? FILE_REQUIRED :
		    FILE_OPTIONAL;
	if (is(kind, "abc_form"))
		return is(m, "abc") ? FILE_REQUIRED : FILE_HIDDEN;
	if (is(kind, "self_form"))
		return is(m, "self") ? FILE_REQUIRED : FILE_HIDDEN;
	if (is(kind, "transfer_cert"))
		return is(m, "transfer") ? FILE_REQUIRED : FILE_HIDDEN;
	if (is(kind, "reg_cert") || is(kind, "appointment"))
		return is(m, "qualification") ? FILE_REQUIRED : FILE_HIDDEN;
	if (is(kind, "skill_cert"))
		return is(m, "skill") ? FILE_REQUIRED : FILE_HIDDEN;
	if (is(kind, "unit_note"))
		return is(staffing, "non_staff") || is(staffing, "leave_startup") ?
		    FILE_REQUIRED : FILE_HIDDEN;
	if (is(kind, "ss_proof"))
		return a->person.out_of_province_ss ? FILE_REQUIRED : FILE_HIDDEN;
	return FILE_HIDDEN;
}

static int
count_files(const struct application *a, const char *kind)
{
	int i, n = 0;

	for (i = 0; i < PQntuples(a->files); i++)
		n += strcmp(db_str(a->files, i, 0), kind) == 0;
	return n;
}

static void
unmet(cJSON *list, int step, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
unmet(cJSON *list, int step, const char *field, const char *fmt, ...)
{
	char msg[1600];	/* three organisations' names of 100 字 in the longest */
	va_list ap;
	cJSON *it = cJSON_CreateObject();

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_cut(msg);
	cJSON_AddNumberToObject(it, "step", step);
	cJSON_AddStringToObject(it, "field", field);
	cJSON_AddStringToObject(it, "message", msg);
	cJSON_AddItemToArray(list, it);
}

/* Whether row i of the recommenders (AP_REC: seq, name, title, specialty,
 * employer, cert) repeats row 0, said in the check when it does: the same
 * certificate, or the same name at the same employer without two different
 * certificates (namesakes with their own certificates are two people). */
static bool
repeats_first(const PGresult *rec, int i, cJSON *list)
{
	const char *name = db_str(rec, i, 1), *employer = db_str(rec, i, 4);
	long long cert = db_int(rec, i, 5), first = db_int(rec, 0, 5);

	if (i == 0 || utf8_blank(db_str(rec, 0, 1)))
		return false;
	if (cert != 0 && cert == first) {
		unmet(list, 3, "recommenders", "两名推荐人须为不同的人：推荐人%s与推荐人%s上传的是同一份职称证书",
		    db_str(rec, 0, 1), name);
		return true;
	}
	if (is(name, db_str(rec, 0, 1)) && employer[0] != '\0' && is(employer, db_str(rec, 0, 4)) &&
	    (cert == 0 || first == 0)) {
		unmet(list, 3, "recommenders", "两名推荐人须为不同的人：推荐人%s（%s）填写了两次", name, employer);
		return true;
	}
	return false;
}

/* 3: 申报信息 and the rules of the chosen 申报方式. */
static void
check_info(const struct application *a, cJSON *list)
{
	static const char *const higher[] = { "大学专科", "大学本科", "硕士研究生", "博士研究生" };
	const struct person *p = &a->person;
	const char *m = a->method, *stmt = a->statement;
	int i, nrec = 0;
	size_t j;

	/* counted as a reader sees it (graphemes, not the line breaks); white space alone
	 * is no statement */
	if (stmt == NULL || utf8_blank(stmt))
		unmet(list, 3, "statement", "请填写本人述职（专业工作业绩情况，限 1000 字以内）");
	else if (utf8_words(stmt) > STATEMENT_MAX)
		unmet(list, 3, "statement", "本人述职不能超过 1000 字（当前 %zu 字）", utf8_words(stmt));
	if (a->category == NULL)
		unmet(list, 3, "category", "请选择申报类型");
	if (a->specialty == NULL)
		unmet(list, 3, "specialty", "请填写申报专业");
	if (a->accept_org_id == 0)
		unmet(list, 3, "accept_org_id", "请选择受理单位（评审委员会）");
	if (m == NULL)
		unmet(list, 3, "method", "请选择申报方式");
	else if (is(m, "normal") && is(a->level, "mid")) {
		bool edu = false;

		for (j = 0; j < NITEMS(higher); j++)
			edu |= is(p->education, higher[j]);
		if (!edu)
			unmet(list, 3, "method", "正常申报须具备规定学历（大学专科及以上），"
			    "您的学历为“%s”，可改按“自评与推荐”申报",
			    p->education ? p->education : "未填写");
		if (!is(p->title, "助理工程师") || !a->title_4y)
			unmet(list, 3, "method", "正常申报须取得并被聘任助理工程师满 4 年%s%s%s%s"
			    "（个人基本信息中：%s，取得时间 %s，聘任时间 %s）",
			    is(p->title, "助理工程师") && (p->title_date == NULL ||
			    p->appointed_date == NULL) ? "，请在个人基本信息中填写" : "",
			    is(p->title, "助理工程师") && p->title_date == NULL ? "取得时间" : "",
			    is(p->title, "助理工程师") && p->title_date == NULL &&
			    p->appointed_date == NULL ? "、" : "",
			    is(p->title, "助理工程师") && p->appointed_date == NULL ? "聘任时间" : "",
			    p->title ? p->title : "未填写职称",
			    p->title_date ? p->title_date : "未填写",
			    p->appointed_date ? p->appointed_date : "未填写");
	} else if (is(m, "self")) {
		if (a->self_score < SELF_SCORE_MIN) {
			char now[16] = "未填写";

			if (a->self_score >= 0)
				app_score_text(a->self_score, now, sizeof(now));
			unmet(list, 3, "self_score", "自评分须达到 117 分以上（当前 %s）", now);
		}
		if (a->specialty && p->specialty && !is(a->specialty, p->specialty))
			unmet(list, 3, "specialty", "自评表中的“申报专业”（%s）应与“现从事专业”（%s）一致",
			    a->specialty, p->specialty);
		for (i = 0; i < PQntuples(a->rec); i++) {
			const char *name = db_str(a->rec, i, 1);

			if (utf8_blank(name))
				continue;
			/* two people: a second row repeating the first is not counted */
			if (repeats_first(a->rec, i, list))
				continue;
			nrec++;
			/* 教授级高级工程师: the 正高级's name before 2017 */
			if (!is(db_str(a->rec, i, 2), "高级工程师") &&
			    !is(db_str(a->rec, i, 2), "正高级工程师") &&
			    !is(db_str(a->rec, i, 2), "教授级高级工程师"))
				unmet(list, 3, "recommenders", "推荐人%s须为在职高级工程师", name);
			if (utf8_blank(db_str(a->rec, i, 3)) || utf8_blank(db_str(a->rec, i, 4)))
				unmet(list, 3, "recommenders", "请填写推荐人%s的专业和工作单位", name);
			if (db_int(a->rec, i, 5) == 0)
				unmet(list, 3, "recommenders", "请上传推荐人%s的高级工程师职称证书", name);
		}
		if (nrec < 2)
			unmet(list, 3, "recommenders",
			    "“自评与推荐”申报须由 2 名本专业或相近专业在职高级工程师推荐（已填 %d 名）",
			    nrec);
	} else if ((is(m, "transfer") || is(m, "abc")) && !is(a->level, "mid")) {
		/* 参评另一专业的中级; 错过参评初级但符合申报中级 */
		unmet(list, 3, "method", "%s仅适用于中级职称申报，本计划为初级，请改选其他申报方式",
		    app_method_name(m));
	} else if (is(m, "transfer")) {
		/* 已取得某专业的中级专业技术职务任职资格: 工程师, or another series' 中级 */
		if (!is(p->title, "工程师") && !is(p->title, TITLE_OTHER_MID))
			unmet(list, 3, "method", "“转（兼）评”须已取得中级专业技术职务任职资格"
			    "（个人基本信息中现有职称为“%s”），请改选其他申报方式或更正个人基本信息",
			    p->title ? p->title : "未填写");
		if (a->held_title == NULL || utf8_blank(a->held_title))
			unmet(list, 3, "held_title", "请在“专业技术职务任职资格及取得时间”中写明已取得的中级职称");
	} else if (is(m, "abc")) {
		/* 面向建设类非公企业（不含事业单位、国企） */
		if (!is(p->ownership, "private"))
			unmet(list, 3, "method", "直接（ABC类）申报仅面向建设类非公企业（不含事业单位、国企），"
			    "您的现工作单位不是非公企业");
	}
}

cJSON *
rule_check(const struct application *a)
{
	cJSON *list = cJSON_CreateArray();
	const struct file_kind *k;
	int i, works;

	/* A first submission only inside the plan's window; a returned one may come back later. */
	if (is(a->state, "draft") && a->closed_on != NULL)
		unmet(list, 7, "plan", "《%s》的申报已于 %s 截止，不能再提交", a->plan, a->closed_on);
	/* 0: the profile the application rests on; one its applicant may still
	 * submit goes where the file is kept now (app_drafts_follow() routes it
	 * again when the profile changes, but not to a unit the plan is not for) */
	if (a->editable && a->person.keeper_id != 0 && a->person.keeper_id != a->unit_org_id)
		unmet(list, 0, "profile", "“个人基本信息”中的%s（%s）与本申报的报送单位（%s）不一致，"
		    "而新单位不能受理本申报（本计划不适用于该单位的人员，或该单位未确认您的人员信息），"
		    "本申报不能提交；请在“个人基本信息”中改回原单位，或待新单位确认您的人员信息后再提交",
		    is(a->person.custody, "talent_centre") ? "人才交流中心" : "现工作单位",
		    is(a->person.custody, "talent_centre") ? a->person.centre : a->person.employer,
		    a->unit_name);
	if (!a->person.profile_complete)
		unmet(list, 0, "profile", "请先完善“个人基本信息”（学历、职称、现从事专业、编制情况等）");
	else if (a->person.ownership != NULL && a->person.ownership[0] != '\0') {
		/* 编制情况 goes with the employer: 在编, 非在编 and 离岗创业 are a
		 * 事业单位's (§二.6(4): their 单位说明 rests on it) */
		const char *sf = a->person.staffing;
		bool institution = is(a->person.ownership, "institution");

		if (institution && is(sf, "none"))
			unmet(list, 0, "profile", "现工作单位为事业单位，“编制情况”应为在编、非在编或离岗创业，"
			    "请在“个人基本信息”中更正");
		else if (!institution && (is(sf, "regular") || is(sf, "non_staff") ||
		    is(sf, "leave_startup")))
			unmet(list, 0, "profile", "现工作单位不是事业单位，“编制情况”应为“非事业单位人员”，"
			    "请在“个人基本信息”中更正");
	}
	if (a->photo_id == 0)
		unmet(list, 1, "photo", "请上传符合要求的证件照");
	if (!a->signed_in)
		unmet(list, 2, "signature", "请扫码在线签署《专业技术资格申报材料真实性保证书》");
	check_info(a, list);

	/* 4: performance archive: 相应业绩材料, of which 继续教育学时 and 年度考核
	 * (conditions of §四.2, kept in the same archive) are none */
	for (i = 0, works = 0; i < PQntuples(a->arch); i++)
		works += !is(db_str(a->arch, i, 1), "education") && !is(db_str(a->arch, i, 1), "appraisal");
	if (works == 0)
		unmet(list, 4, "archive", PQntuples(a->arch) == 0 ?
		    "请从业绩档案中至少选择一项已通过单位审核的业绩" :
		    "请从业绩档案中至少选择一项已通过单位审核的专业技术业绩（工程项目、论文、获奖、专利、"
		    "技术报告或标准规范；继续教育学时和年度考核不是业绩）");
	for (i = 0; i < PQntuples(a->arch); i++) {
		const char *title = db_str(a->arch, i, 3), *status = db_str(a->arch, i, 11);

		if (is(status, "superseded"))
			unmet(list, 4, "archive", "业绩《%s》已有通过审核的新版本，请重新选择", title);
		else if (!is(status, "approved"))
			unmet(list, 4, "archive", "业绩《%s》%s通过单位审核，不能用于申报", title,
			    is(status, "rejected") ? "未" : "尚未");
		if (db_bool(a->arch, i, 10) && db_int(a->arch, i, ARCHIVE_ITEM_NCOLS) == 0)
			unmet(list, 4, "archive", "集体项目《%s》须上传本人系主要贡献者的依据", title);
	}

	/* 5, 6: evidence and attachments */
	for (k = file_kinds; k->code != NULL; k++)
		if (rule_file(a, k->code) == FILE_REQUIRED && count_files(a, k->code) == 0)
			unmet(list, k->step, k->code, "请上传：%s", k->label);
	return list;
}
