/*
 * doc.c: the printable 评审表: everything submitted and every level's
 * opinion, as an XHTML document built with libxml2's tree API so that every
 * text is escaped by construction; styled for A4. Every viewer entitled to
 * the application prints the same document.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"
#include "xhtml.h"

enum { FM_IMAGES, FM_ITEMS, FM_HISTORY, FM__MAX };

static struct db_stmt st[FM__MAX] = {
	[FM_IMAGES] = { "form_images",
	    "SELECT (SELECT 'data:' || ctype || ';base64,' || translate(encode(data, 'base64'), E'\\n', '')"
	    "  FROM upload WHERE id = a.photo_id),"
	    " (SELECT 'data:' || ctype || ';base64,' || translate(encode(data, 'base64'), E'\\n', '')"
	    "  FROM upload WHERE id = a.signature_id),"
	    " coalesce(to_char(a.signed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), ''),"
	    " (SELECT p.title_name FROM plan p WHERE p.id = a.plan_id)"
	    " FROM application a WHERE a.id = $1", 0 },
	[FM_ITEMS] = { "form_items",
	    "SELECT k.name, i.title, coalesce(to_char(i.happened_on, 'YYYY-MM-DD'), ''),"
	    " coalesce(i.role, ''), coalesce(i.org, ''), coalesce(i.number, ''),"
	    " coalesce(i.level, ''), CASE WHEN i.collective THEN '是' ELSE '否' END"
	    " FROM application_archive aa JOIN archive_item i ON i.id = aa.item_id"
	    " JOIN archive_kind k ON k.code = i.kind WHERE aa.application_id = $1"
	    " ORDER BY k.seq, i.happened_on", 0 },
	[FM_HISTORY] = { "form_history",
	    "SELECT s.name, coalesce(o.name, u.name), l.done, coalesce(h.text, ''),"
	    " to_char(h.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), h.from_step, h.action"
	    " FROM chain_history h JOIN application a ON a.id = h.application_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = h.from_step"
	    " JOIN action_label l ON l.code = h.action"
	    " JOIN app_user u ON u.id = h.actor_user_id LEFT JOIN org o ON o.id = h.actor_org_id"
	    " WHERE h.application_id = $1 ORDER BY h.no", 0 },
};

static const char css[] =
    "@page { size: A4; margin: 15mm 15mm 18mm; }"
    "body { font-family: " XHTML_SERIF "; font-size: 10.5pt;"
    " color: #000; margin: 0; }"
    "h1 { text-align: center; font-size: 18pt; margin: 0 0 4pt; letter-spacing: 2pt; }"
    "p.plan { text-align: center; margin: 0 0 10pt; }"
    "h2 { font-size: 12pt; margin: 12pt 0 4pt; border-left: 4pt solid #000; padding-left: 4pt; }"
    "table { width: 100%; border-collapse: collapse; page-break-inside: auto; }"
    "tr { page-break-inside: avoid; }"
    "th, td { border: 0.5pt solid #000; padding: 3pt 4pt; vertical-align: top; text-align: left; }"
    "th { background: #f0f0f0; font-weight: bold; white-space: nowrap; width: 16%; }"
    "td.photo { width: 30mm; text-align: center; vertical-align: middle; }"
    "td.photo img { width: 26mm; }"
    ".statement { white-space: pre-wrap; border: 0.5pt solid #000; padding: 6pt; min-height: 60mm; }"
    /* the signature on its line, the words beside its middle (it stood above an empty line) */
    ".sign img { height: 18mm; vertical-align: middle; margin-right: 6mm; }"
    ".footer { margin-top: 10pt; font-size: 9pt; color: #333; }"
    "@media screen { body { max-width: 210mm; margin: 10mm auto; } }"
    /* on a phone the page fits its width (the tables were 498 px on 390): labels wrap, long
     * numbers break, the photo is smaller; print keeps A4 */
    "@media screen and (max-width: 600px) { body { margin: 2mm; }"
    " th { white-space: normal; } td { overflow-wrap: anywhere; }"
    " td.photo { width: 18mm; } td.photo img { width: 16mm; } }";


/* a row of label/value pairs */
static void
row(xmlNodePtr table, const char *l1, const char *v1, const char *l2, const char *v2)
{
	xmlNodePtr tr = xmlNewChild(table, NULL, BAD_CAST "tr", NULL);

	xhtml_text(tr, "th", l1);
	xhtml_text(tr, "td", v1);
	if (l2 != NULL) {
		xhtml_text(tr, "th", l2);
		xhtml_text(tr, "td", v2);
	} else
		xmlNewProp(xmlLastElementChild(tr), BAD_CAST "colspan", BAD_CAST "3");
}

static const char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

enum perr
doc_review_form(const struct application *a, char **out_doc, size_t *out_len)
{
	static const char *const item_cols[] = { "类型", "名称", "时间", "本人角色",
	    "单位/刊物", "编号/学时", "级别/结果", "集体项目" };
	static const char *const hist_cols[] = { "环节", "办理单位", "结果", "意见或理由", "时间" };
	const struct person *p = &a->person;
	char gender[4] = "", birth[16] = "", score[16];
	const char *held;
	PGresult *img = NULL, *items = NULL, *hist = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr body, t, tr, td, n;
	cJSON *content = NULL, *files, *f, *recs, *rc;
	const struct file_kind *k;
	int i;
	enum perr e;

	*out_doc = NULL;
	*out_len = 0;
	if ((e = db_run(&st[FM_IMAGES], &img, 1, DB_I(a->id))) != PERR_OK ||
	    (e = db_run(&st[FM_ITEMS], &items, 1, DB_I(a->id))) != PERR_OK ||
	    (e = db_run(&st[FM_HISTORY], &hist, 1, DB_I(a->id))) != PERR_OK)
		goto out;
	content = app_content_json(a);
	cJSON_AddStringToObject(content, "plan", a->plan);
	cJSON_AddStringToObject(content, "pipeline", a->pipeline);
	cJSON_AddStringToObject(content, "unit", a->unit_name);

	doc = xhtml_new("专业技术职务任职资格评审表", css, &body);
	xhtml_text(body, "h1", "专业技术职务任职资格评审表");
	n = xhtml_text(body, "p", jstr(content, "plan"));
	xmlNewProp(n, BAD_CAST "class", BAD_CAST "plan");

	/* 基本信息, with the photo beside it */
	xhtml_text(body, "h2", "一、基本信息");
	t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
	{
		const char *idc = p->idcard ? p->idcard : "";

		if (strlen(idc) == 18) {
			snprintf(gender, sizeof(gender), "%s", ((idc[16] - '0') % 2) ? "男" : "女");
			snprintf(birth, sizeof(birth), "%.4s-%.2s-%.2s", idc + 6, idc + 10, idc + 12);
		}
		tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);
		xhtml_text(tr, "th", "姓名");
		xhtml_text(tr, "td", p->name);
		xhtml_text(tr, "th", "性别");
		xhtml_text(tr, "td", gender);
		td = xhtml_text(tr, "td", NULL);
		xmlNewProp(td, BAD_CAST "class", BAD_CAST "photo");
		xmlNewProp(td, BAD_CAST "rowspan", BAD_CAST "4");
		if (db_str(img, 0, 0) != NULL) {
			n = xmlNewChild(td, NULL, BAD_CAST "img", NULL);
			xmlNewProp(n, BAD_CAST "src", BAD_CAST db_str(img, 0, 0));
			xmlNewProp(n, BAD_CAST "alt", BAD_CAST "证件照");
		}
		tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);
		xhtml_text(tr, "th", "出生日期");
		xhtml_text(tr, "td", birth);
		xhtml_text(tr, "th", "民族");
		xhtml_text(tr, "td", p->ethnicity);
		tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);
		xhtml_text(tr, "th", "身份证号");
		xhtml_text(tr, "td", idc);
		xhtml_text(tr, "th", "手机号码");
		xhtml_text(tr, "td", p->mobile);
		tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);
		xhtml_text(tr, "th", "学历/学位");
		{
			char ed[80];

			snprintf(ed, sizeof(ed), "%s / %s", p->education ? p->education : "",
			    p->degree ? p->degree : "");
			xhtml_text(tr, "td", ed);
		}
		xhtml_text(tr, "th", "毕业时间");
		xhtml_text(tr, "td", p->graduation_date);
	}
	t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
	{
		/* whole, however long (a cut character would make the page unreadable) */
		char *school = NULL, *title = NULL;
		bool dated = p->title_date != NULL && p->title_date[0] != '\0' &&
		    p->title != NULL && strcmp(p->title, "无") != 0;

		if (asprintf(&school, "%s %s", p->school ? p->school : "", p->major ? p->major : "") < 0)
			school = NULL;
		bool appointed = dated && p->appointed_date != NULL && p->appointed_date[0] != '\0';

		/* 无, or no date: the title alone (never 无（取得）); the appointment beside it */
		if (asprintf(&title, appointed ? "%s（%s取得，%s聘任）" : dated ? "%s（%s取得）" : "%s",
		    p->title ? p->title : "", dated ? p->title_date : "",
		    appointed ? p->appointed_date : "") < 0)
			title = NULL;
		row(t, "毕业院校及专业", school, "参加工作时间", p->work_start_date);
		/* the file is kept by the unit unless a talent centre keeps it */
		row(t, "现工作单位", p->employer, "人事档案保管",
		    p->custody != NULL && strcmp(p->custody, "talent_centre") == 0 ?
		    p->centre : p->employer);
		row(t, "现有职称", title, "现从事专业", p->specialty);
		free(school);
		free(title);
	}

	/* 申报信息 */
	xhtml_text(body, "h2", "二、申报信息");
	t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
	row(t, "申报职称", db_str(img, 0, 3), "评审程序",
	    jstr(content, "pipeline"));
	row(t, "申报类型", jstr(content, "category_name"), "申报方式", jstr(content, "method_name"));
	row(t, "申报专业", jstr(content, "specialty"), "受理单位", jstr(content, "accept_org"));
	/* the unit, or the 人才交流中心 that keeps the file: the notice's 推荐单位 (四、1) */
	row(t, "推荐单位", jstr(content, "unit"), NULL, NULL);
	held = jstr(content, "held_title");
	if (held[0] != '\0')
		row(t, "专业技术职务任职资格及取得时间", held, NULL, NULL);
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(content, "self_score"))) {
		app_score_text((int)llround(cJSON_GetObjectItemCaseSensitive(content,
		    "self_score")->valuedouble * 10), score, sizeof(score));
		row(t, "自评分", score, NULL, NULL);
		recs = cJSON_GetObjectItemCaseSensitive(content, "recommenders");
		cJSON_ArrayForEach(rc, recs) {
			char *who;

			if (asprintf(&who, "%s，%s，%s，%s", jstr(rc, "name"), jstr(rc, "title"),
			    jstr(rc, "specialty"), jstr(rc, "employer")) < 0)
				who = NULL;
			row(t, "推荐人", who, NULL, NULL);
			free(who);
		}
	}

	xhtml_text(body, "h2", "三、本人述职");
	n = xhtml_text(body, "div", jstr(content, "statement"));
	xmlNewProp(n, BAD_CAST "class", BAD_CAST "statement");

	xhtml_text(body, "h2", "四、专业技术工作业绩");
	t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
	xhtml_row(t, "th", item_cols, NITEMS(item_cols));
	for (i = 0; i < PQntuples(items); i++) {
		int c;

		tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);
		for (c = 0; c < 8; c++)
			xhtml_text(tr, "td", db_str(items, i, c));
	}

	xhtml_text(body, "h2", "五、附件材料");
	t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
	files = cJSON_GetObjectItemCaseSensitive(content, "files");
	for (k = file_kinds; k->code != NULL; k++) {
		cJSON *arr = cJSON_GetObjectItemCaseSensitive(files, k->code);
		char *names = NULL;
		size_t len = 0;
		FILE *m;

		if (cJSON_GetArraySize(arr) == 0 || (m = open_memstream(&names, &len)) == NULL)
			continue;
		cJSON_ArrayForEach(f, arr)
			fprintf(m, "%s%s", f != arr->child ? "；" : "", jstr(f, "name"));
		fclose(m);
		row(t, k->label, names, NULL, NULL);
		free(names);
	}

	xhtml_text(body, "h2", "六、各级审核意见");
	t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
	xhtml_row(t, "th", hist_cols, NITEMS(hist_cols));
	for (i = 0; i < PQntuples(hist); i++) {
		struct history_read h;
		int c;

		gates_history_read(a->pipeline_id, a->id, (int)db_int(hist, i, 5), db_str(hist, i, 6),
		    db_str(hist, i, 2), db_str(hist, i, 3), &h);
		tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);
		for (c = 0; c < 5; c++)
			xhtml_text(tr, "td", c == 2 ? h.name : c == 3 ? h.text : db_str(hist, i, c));
	}

	xhtml_text(body, "h2", "七、本人承诺");
	(void)xhtml_text(body, "p", "本人对所提交的全部申报材料的真实性负责，已在线签署《专业技术资格申报材料真实性保证书》。");
	n = xmlNewChild(body, NULL, BAD_CAST "p", NULL);
	xmlNewProp(n, BAD_CAST "class", BAD_CAST "sign");
	xmlNodeAddContent(n, BAD_CAST "本人签名：");
	if (db_str(img, 0, 1) != NULL) {
		xmlNodePtr im = xmlNewChild(n, NULL, BAD_CAST "img", NULL);

		xmlNewProp(im, BAD_CAST "src", BAD_CAST db_str(img, 0, 1));
		xmlNewProp(im, BAD_CAST "alt", BAD_CAST "签名");
	}
	xmlNodeAddContent(n, BAD_CAST "　签署日期：");
	xmlNodeAddContent(n, BAD_CAST db_str(img, 0, 2));
	n = xhtml_text(body, "p", "本表由职称申报评审管理服务平台生成，打印时请选择 A4 纸张。");
	xmlNewProp(n, BAD_CAST "class", BAD_CAST "footer");

	e = xhtml_dump(doc, out_doc, out_len);
	doc = NULL;
out:
	xmlFreeDoc(doc);
	cJSON_Delete(content);
	PQclear(img);
	PQclear(items);
	PQclear(hist);
	return e;
}
