/*
 * minutes.c: the 会议纪要 of a committee meeting once its ballot closed: who
 * the committee is and who attended, the rules it voted by, and per
 * application the recusals and the tally. An XHTML document built with
 * libxml2's tree API (every text escaped by construction), styled for A4
 * like the 评审表 (doc.c). It names who attended, never how anyone voted:
 * nothing it is built from knows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "committee.h"
#include "xhtml.h"

static const char css[] =
    "@page { size: A4; margin: 20mm 18mm; }"
    "body { font-family: " XHTML_SERIF "; font-size: 11pt;"
    " color: #000; margin: 0; }"
    "h1 { text-align: center; font-size: 20pt; margin: 0 0 4pt; letter-spacing: 4pt; }"
    "p.org { text-align: center; margin: 0 0 12pt; }"
    "h2 { font-size: 12pt; margin: 12pt 0 4pt; }"
    "table { width: 100%; border-collapse: collapse; }"
    "tr { page-break-inside: avoid; }"
    "th, td { border: 0.5pt solid #000; padding: 3pt 4pt; vertical-align: top; text-align: left;"
    " overflow-wrap: anywhere; }"
    "th { background: #f0f0f0; font-weight: bold; }"
    "table.info th { width: 6em; white-space: nowrap; }"
    "td.n { text-align: center; white-space: nowrap; }"
    /* a name on one line while the page has room; one of 30 characters wraps rather than
     * push the table off the page (nowrap did: 731 px on A4's 658) */
    "td.nm { word-break: keep-all; }"
    ".sign { margin-top: 24pt; display: flex; justify-content: space-between; }"
    ".footer { margin-top: 10pt; font-size: 9pt; color: #333; }"
    "@media screen { body { max-width: 210mm; margin: 10mm auto; } }";

static void
pair(xmlNodePtr table, const char *label, const char *value)
{
	xmlNodePtr tr = xmlNewChild(table, NULL, BAD_CAST "tr", NULL);

	xhtml_text(tr, "th", label);
	xhtml_text(tr, "td", value);
}

/* A number in a centred cell. */
static void
num(xmlNodePtr tr, long long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%lld", v);
	xmlNewProp(xhtml_text(tr, "td", b), BAD_CAST "class", BAD_CAST "n");
}

/* The names of the members present (or absent), 、-separated, into out. */
static void
names(const PGresult *roster, bool present, char *out, size_t outsz)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < PQntuples(roster); i++) {
		int w;

		if (db_bool(roster, i, 4) != present)
			continue;
		w = snprintf(out + o, outsz - o, "%s%s", o ? "、" : "", db_str(roster, i, 1));
		if (w < 0 || (size_t)w >= outsz - o)
			break;
		o += (size_t)w;
	}
	if (o == 0)
		snprintf(out, outsz, "无");
}

/* 会议基本情况 */
static void
meeting_part(xmlNodePtr body, const PGresult *m, const PGresult *roster)
{
	char b[2048];
	long long members = db_int(m, 0, 5), qn = db_int(m, 0, 7), qd = db_int(m, 0, 8);
	xmlNodePtr t;

	xhtml_text(body, "h2", "一、会议基本情况");
	t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
	xmlNewProp(t, BAD_CAST "class", BAD_CAST "info");
	pair(t, "会议名称", db_str(m, 0, 1));
	snprintf(b, sizeof(b), "%s（投票 %s 至 %s）", db_str(m, 0, 2), db_str(m, 0, 11),
	    db_str(m, 0, 12));
	pair(t, "会议时间", b);
	pair(t, "会议地点", db_str(m, 0, 3));
	snprintf(b, sizeof(b), "委员 %lld 人，出席 %lld 人；法定人数为委员的 %lld/%lld（至少 %lld 人），"
	    "已达到", members, db_int(m, 0, 6), qn, qd, (members * qn + qd - 1) / qd);
	pair(t, "出席情况", b);
	names(roster, true, b, sizeof(b));
	pair(t, "出席委员", b);
	names(roster, false, b, sizeof(b));
	pair(t, "缺席委员", b);
	snprintf(b, sizeof(b), "无记名投票，每位出席且未回避的委员以本人账号对每份申报表决一次"
	    "（同意、不同意或弃权），系统不记录任何委员的表决意见；同意票达到应参加表决人数的 "
	    "%lld/%lld 为通过", db_int(m, 0, 9), db_int(m, 0, 10));
	pair(t, "表决方式", b);
}

/* A cell of the names of an agenda item's recused members who attended (its JSON),
 * 、-separated, each with its reason: all of them, however long (a cut character would
 * make the minutes unreadable). */
static void
recused_cell(xmlNodePtr tr, const char *json)
{
	cJSON *arr = cJSON_Parse(json ? json : "[]"), *it;
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	int k = 0;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *why = cJSON_GetObjectItemCaseSensitive(it, "reason");

		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "present")))
			continue;
		if (m != NULL)
			fprintf(m, "%s%s（%s）", k++ > 0 ? "、" : "",
			    cJSON_IsString(n) ? n->valuestring : "",
			    cJSON_IsString(why) ? why->valuestring : "");
	}
	cJSON_Delete(arr);
	if (m != NULL)
		fclose(m);
	xhtml_text(tr, "td", out != NULL && out[0] != '\0' ? out : "无");
	free(out);
}

/* 表决结果: one row per application; returns how many carried. */
static int
tally_part(xmlNodePtr body, const PGresult *ag)
{
	static const char *const cols[] = { "序号", "申报人", "工作单位", "申报专业", "回避委员",
	    "应参加表决", "同意", "不同意", "弃权", "未投票", "结果" };
	xmlNodePtr t, tr;
	char b[1024];
	int i, carried = 0, unvoted = 0;

	xhtml_text(body, "h2", "二、表决结果");
	t = xmlNewChild(body, NULL, BAD_CAST "table", NULL);
	xhtml_row(t, "th", cols, NITEMS(cols));
	for (i = 0; i < PQntuples(ag); i++) {
		long long eligible = db_int(ag, i, 8), agree = db_int(ag, i, 9),
		    disagree = db_int(ag, i, 10), abstain = db_int(ag, i, 11);
		bool ok = db_bool(ag, i, 12);

		tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);
		num(tr, i + 1);
		/* a name is not broken into a column of characters beside ten columns */
		xmlNewProp(xhtml_text(tr, "td", db_str(ag, i, 1)), BAD_CAST "class", BAD_CAST "nm");
		xhtml_text(tr, "td", db_str(ag, i, 3));
		snprintf(b, sizeof(b), "%s（%s）", db_str(ag, i, 7), db_str(ag, i, 4));
		xhtml_text(tr, "td", b);
		recused_cell(tr, db_str(ag, i, 15));
		num(tr, eligible);
		num(tr, agree);
		num(tr, disagree);
		num(tr, abstain);
		num(tr, eligible - agree - disagree - abstain);
		/* not a single vote: nothing was decided (AGENDA_STANDS) */
		if (agree + disagree + abstain == 0) {
			xmlNewProp(xhtml_text(tr, "td", "未表决"), BAD_CAST "class", BAD_CAST "n");
			unvoted++;
			continue;
		}
		xmlNewProp(xhtml_text(tr, "td", ok ? "通过" : "未通过"), BAD_CAST "class", BAD_CAST "n");
		carried += ok;
	}
	if (unvoted > 0)
		snprintf(b, sizeof(b), "本次会议共表决 %d 份申报，通过 %d 份，未通过 %d 份；"
		    "%d 份未收到任何表决，未作决定，另行安排评审会议。", PQntuples(ag) - unvoted,
		    carried, PQntuples(ag) - unvoted - carried, unvoted);
	else
		snprintf(b, sizeof(b), "本次会议共表决 %d 份申报，通过 %d 份，未通过 %d 份。",
		    PQntuples(ag), carried, PQntuples(ag) - carried);
	xhtml_text(body, "p", b);
	return carried;
}

/* GET /meetings/:id/minutes.xhtml: after the ballot closed. */
enum perr
h_minutes(struct req *r)
{
	PGresult *m = NULL, *roster = NULL, *ag = NULL;
	xmlDocPtr doc;
	xmlNodePtr body, n;
	enum perr e;

	if ((e = committee_office(r)) != PERR_OK || (e = committee_meeting(r, &m)) != PERR_OK)
		return e;
	if (strcmp(db_str(m, 0, 4), "closed") != 0) {
		PQclear(m);
		return req_fail(r, PERR_CONFLICT, NULL, "投票结束后方可生成会议纪要");
	}
	if ((e = committee_roster(r, &roster)) != PERR_OK ||
	    (e = committee_agenda(r, &ag)) != PERR_OK)
		goto out;
	doc = xhtml_new("评审会议纪要", css, &body);
	xhtml_text(body, "h1", "评审会议纪要");
	n = xhtml_text(body, "p", r->s.org_name);
	xmlNewProp(n, BAD_CAST "class", BAD_CAST "org");
	meeting_part(body, m, roster);
	(void)tally_part(body, ag);
	n = xmlNewChild(body, NULL, BAD_CAST "div", NULL);
	xmlNewProp(n, BAD_CAST "class", BAD_CAST "sign");
	xhtml_text(n, "span", "主持人（签字）：");
	xhtml_text(n, "span", "记录人（签字）：");
	xhtml_text(n, "span", "日期：");
	n = xhtml_text(body, "p", "本纪要由职称申报评审管理服务平台根据表决结果生成，打印时请选择 A4 纸张。");
	xmlNewProp(n, BAD_CAST "class", BAD_CAST "footer");
	e = xhtml_reply(r, doc);
out:
	PQclear(m);
	PQclear(roster);
	PQclear(ag);
	return e;
}
