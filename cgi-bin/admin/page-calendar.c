/*
 * page-calendar.c: the holiday calendar (法定节假日 and 调休 working days) the
 * working-day counts of publicity and waiting read. The operator enters a
 * year as a list of dates with a note, or imports it from a simple text list
 * ("2027-01-01 休 元旦" / "2027-02-07 班 春节调休上班"); a year not entered is
 * refused by every working-day computation, naming the year, never guessed.
 * The list says when next year is still missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

#define DAYS_MAX 80

enum {
	CL_YEARS, CL_DAYS, CL_LOCK, CL_DEL_DAYS, CL_DEL_YEAR, CL_ADD_DAY, CL_ADD_YEAR, CL_NEXT, CL_PUB_ENDS,
	CL__MAX
};

static struct db_stmt st[CL__MAX] = {
	[CL_YEARS] = { "admin_calendar_years",
	    "SELECT y.year, y.note, (SELECT count(*) FROM calendar_day d"
	    "  WHERE extract(year FROM d.day) = y.year AND NOT d.is_workday),"
	    " (SELECT count(*) FROM calendar_day d WHERE extract(year FROM d.day) = y.year"
	    "  AND d.is_workday) FROM calendar_year y ORDER BY y.year", 0 },
	[CL_DAYS] = { "admin_calendar_days",
	    "SELECT to_char(day, 'YYYY-MM-DD'), is_workday, note FROM calendar_day"
	    " WHERE extract(year FROM day) = $1 ORDER BY day", 0 },
	/* one calendar saved at a time: each save rebuilds the working-day
	 * ordinals of every year (sql/008's trigger), and two rebuilds at once
	 * collided even for different years (the concurrency probe) */
	[CL_LOCK] = { "admin_calendar_lock",
	    "SELECT pg_advisory_xact_lock(hashtext('zcps calendar'))", 0 },
	[CL_DEL_DAYS] = { "admin_calendar_del_days",
	    "DELETE FROM calendar_day WHERE extract(year FROM day) = $1", 0 },
	[CL_DEL_YEAR] = { "admin_calendar_del_year",
	    "DELETE FROM calendar_year WHERE year = $1", 0 },
	/* a day of that year; 休 on a weekend or 班 on a weekday says nothing new */
	[CL_ADD_DAY] = { "admin_calendar_add_day",
	    "INSERT INTO calendar_day (day, is_workday, note)"
	    " SELECT $1::date, $2::bool, $3 WHERE extract(year FROM $1::date) = $4"
	    " RETURNING (extract(isodow FROM day) < 6) <> is_workday", 0 },
	[CL_ADD_YEAR] = { "admin_calendar_add_year",
	    "INSERT INTO calendar_year (year, note) VALUES ($1, $2)", 0 },
	[CL_NEXT] = { "admin_calendar_next",
	    "SELECT extract(year FROM current_date)::int + 1,"
	    " EXISTS (SELECT 1 FROM calendar_year WHERE year = extract(year FROM current_date)::int + 1),"
	    " EXISTS (SELECT 1 FROM calendar_year WHERE year = extract(year FROM current_date)::int)", 0 },
	/* the 公示 still standing (the application at its step), each with its last day by
	 * the calendar as it is ('' past the years entered) and whether that is before
	 * today: read before and after a save, it says which of them the save moved */
	[CL_PUB_ENDS] = { "admin_calendar_pub_ends",
	    "SELECT pb.application_id, pb.step_seq,"
	    " coalesce(to_char(workday_nth(pb.starts_on, $1::int), 'YYYY-MM-DD'), ''),"
	    " coalesce(workday_nth(pb.starts_on, $1::int) < current_date, false)"
	    " FROM publicity pb JOIN application a ON a.id = pb.application_id"
	    "  AND a.step_seq = pb.step_seq AND a.state = 'in_review' ORDER BY 1, 2", 0 },
};

enum perr
h_admin_calendar(struct req *r)
{
	PGresult *res;
	cJSON *out = req_out(r), *years, *w;
	char text[200];
	int i;
	enum perr e;

	if ((e = db_run(&st[CL_YEARS], &res, 0)) != PERR_OK)
		return e;
	years = cJSON_AddArrayToObject(out, "years");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "year", (double)db_int(res, i, 0));
		cJSON_AddStringToObject(it, "note", db_str(res, i, 1));
		cJSON_AddNumberToObject(it, "holidays", (double)db_int(res, i, 2));
		cJSON_AddNumberToObject(it, "workdays", (double)db_int(res, i, 3));
		cJSON_AddItemToArray(years, it);
	}
	PQclear(res);
	if ((e = db_run(&st[CL_NEXT], &res, 0)) != PERR_OK)
		return e;
	if (!db_bool(res, 0, 2) || !db_bool(res, 0, 1)) {
		w = cJSON_AddObjectToObject(out, "warning");
		cJSON_AddNumberToObject(w, "year", (double)(db_bool(res, 0, 2) ? db_int(res, 0, 0) :
		    db_int(res, 0, 0) - 1));
		snprintf(text, sizeof(text), "尚未录入 %lld 年的节假日和调休安排：公示和办理时限将无法计算到 %lld 年，请及时录入",
		    db_bool(res, 0, 2) ? db_int(res, 0, 0) : db_int(res, 0, 0) - 1,
		    db_bool(res, 0, 2) ? db_int(res, 0, 0) : db_int(res, 0, 0) - 1);
		cJSON_AddStringToObject(w, "text", text);
	} else
		cJSON_AddNullToObject(out, "warning");
	PQclear(res);
	return PERR_OK;
}

enum perr
h_admin_calendar_year(struct req *r)
{
	PGresult *res;
	cJSON *days;
	int i;
	enum perr e;

	if (r->id < 2000 || r->id > 2100)
		return req_fail(r, PERR_NOT_FOUND, NULL, "年份不正确");
	if ((e = db_run(&st[CL_DAYS], &res, 1, DB_I(r->id))) != PERR_OK)
		return e;
	cJSON_AddNumberToObject(req_out(r), "year", (double)r->id);
	days = cJSON_AddArrayToObject(req_out(r), "days");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		cJSON_AddStringToObject(it, "day", db_str(res, i, 0));
		cJSON_AddBoolToObject(it, "workday", db_bool(res, i, 1));
		cJSON_AddStringToObject(it, "note", db_str(res, i, 2));
		cJSON_AddItemToArray(days, it);
	}
	PQclear(res);
	return PERR_OK;
}

struct day {
	char day[11];
	bool workday;
	char note[30 * 4 + 1];	/* 30 characters (day_fields, the import's check) */
	int line;		/* its line of an imported text; 0: a row of the editor's list */
};

/*
 * Refuses day i (what says why): 400 on "days", the message naming its row
 * (or the imported text's line), and beside the error which one it was,
 * {"day","index"[,"line"]}, so that the page marks that row and no other.
 */
static enum perr
refuse_day(struct req *r, const struct day *d, int i, const char *what)
{
	cJSON *out = req_out(r);

	json_add_str(out, "day", d->day);
	json_add_int(out, "index", i);
	if (d->line > 0)
		json_add_int(out, "line", d->line);
	return req_fail(r, PERR_INVALID_FIELD, "days", "第 %d 行：%s", d->line > 0 ? d->line : i + 1,
	    what);
}

/* What can be said of the days without the database: each a real date of
 * the year, none twice. */
static enum perr
check_days(struct req *r, long long year, const struct day *d, int n)
{
	char what[160];
	int i, j;

	/* every year has its 元旦 and 春节: an empty list would count each weekday worked */
	if (n == 0)
		return req_fail(r, PERR_INVALID_FIELD, "days",
		    "请录入该年度的节假日和调休安排（国务院办公厅的通知），至少一天");
	for (i = 0; i < n; i++) {
		if (!valid_calendar_date(d[i].day)) {
			snprintf(what, sizeof(what), "%s 不是有效的日期", d[i].day);
			return refuse_day(r, &d[i], i, what);
		}
		if (atoll(d[i].day) != year) {
			snprintf(what, sizeof(what), "日期 %s 不在 %lld 年内", d[i].day, year);
			return refuse_day(r, &d[i], i, what);
		}
		for (j = 0; j < i; j++)
			if (strcmp(d[j].day, d[i].day) == 0) {
				snprintf(what, sizeof(what), "日期 %s 与第 %d 行重复", d[i].day,
				    d[j].line > 0 ? d[j].line : j + 1);
				return refuse_day(r, &d[i], i, what);
			}
	}
	return PERR_OK;
}

/* A day as the audit row says it: "2026-10-01 休（国庆节）". */
static void
day_words(char *buf, size_t n, const char *day, bool workday, const char *note)
{
	snprintf(buf, n, "%s %s（%s）", day, workday ? "班" : "休", note);
}

/* The audit row of a year entered: its source, how many days, and which days
 * it added, took away or changed against old (CL_DAYS before the save): a day
 * moved moves every running 公示's end, and the row says who moved which. */
static enum perr
audit_year(struct req *r, long long year, const char *note, const struct day *d, int n,
    const PGresult *old, int moved)
{
	cJSON *detail = cJSON_CreateObject(), *added, *removed, *changed;
	char a[200], b[512], both[720];
	int i, k, no = PQntuples(old);
	enum perr e;

	cJSON_AddStringToObject(detail, "note", note);
	cJSON_AddNumberToObject(detail, "days", n);
	cJSON_AddNumberToObject(detail, "moved", moved);
	added = cJSON_AddArrayToObject(detail, "added");
	removed = cJSON_AddArrayToObject(detail, "removed");
	changed = cJSON_AddArrayToObject(detail, "changed");
	for (i = 0; i < n; i++) {
		for (k = 0; k < no && strcmp(db_str(old, k, 0), d[i].day) != 0; k++)
			;
		day_words(a, sizeof(a), d[i].day, d[i].workday, d[i].note);
		if (k == no)
			cJSON_AddItemToArray(added, cJSON_CreateString(a));
		else if (db_bool(old, k, 1) != d[i].workday || strcmp(db_str(old, k, 2), d[i].note) != 0) {
			day_words(b, sizeof(b), db_str(old, k, 0), db_bool(old, k, 1), db_str(old, k, 2));
			utf8_cut(b);	/* (a note written by SQL may be longer than the editor's) */
			snprintf(both, sizeof(both), "%s → %s", b, a + 11);
			cJSON_AddItemToArray(changed, cJSON_CreateString(both));
		}
	}
	for (k = 0; k < no; k++) {
		for (i = 0; i < n && strcmp(db_str(old, k, 0), d[i].day) != 0; i++)
			;
		if (i == n) {
			day_words(b, sizeof(b), db_str(old, k, 0), db_bool(old, k, 1), db_str(old, k, 2));
			utf8_cut(b);
			cJSON_AddItemToArray(removed, cJSON_CreateString(b));
		}
	}
	e = req_audit(r, "calendar_year", "calendar", year, detail);
	cJSON_Delete(detail);
	return e;
}

/* How many 公示 still standing (CL_PUB_ENDS before and after a save) end on
 * another day now: those that ended before today by both calendars are
 * history, and a last day known only now (its year entered) moved nothing. */
static int
pub_moved(const PGresult *before, const PGresult *after)
{
	int i, n = 0;

	if (PQntuples(before) != PQntuples(after))	/* (the same rows: a save changes no 公示) */
		return PQntuples(after);
	for (i = 0; i < PQntuples(after); i++)
		n += db_str(before, i, 2)[0] != '\0' && db_str(after, i, 2)[0] != '\0' &&
		    strcmp(db_str(before, i, 2), db_str(after, i, 2)) != 0 &&
		    !(db_bool(before, i, 3) && db_bool(after, i, 3));
	return n;
}

/*
 * Replaces the year's days and marks it entered, in one transaction, and
 * says in "moved" how many 公示 still standing end on another day now. A day
 * moved moves the end of every 公示 across it: when the save would move any,
 * nothing is kept unless the operator has confirmed that many (moves, -1 when
 * not given), else 409 on "moves" with {"moved"} beside it, for the page to ask
 * (a count, not a yes: a 公示 begun since the question is asked about again).
 */
static enum perr
save_year(struct req *r, long long year, const char *note, const struct day *d, int n,
    long long moves)
{
	PGresult *res = NULL, *old = NULL, *before = NULL, *after = NULL;
	char what[160];
	int i, moved;
	enum perr e;

	if ((e = check_days(r, year, d, n)) != PERR_OK)
		return e;
	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[CL_LOCK], NULL, 0)) != PERR_OK ||
	    (e = db_run(&st[CL_PUB_ENDS], &before, 1, DB_I(PUBLICITY_DAYS))) != PERR_OK ||
	    (e = db_run(&st[CL_DAYS], &old, 1, DB_I(year))) != PERR_OK ||
	    (e = db_run(&st[CL_DEL_DAYS], NULL, 1, DB_I(year))) != PERR_OK ||
	    (e = db_run(&st[CL_DEL_YEAR], NULL, 1, DB_I(year))) != PERR_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((e = db_run(&st[CL_ADD_DAY], &res, 4, DB_S(d[i].day),
		    DB_S(d[i].workday ? "true" : "false"), DB_S(d[i].note), DB_I(year))) != PERR_OK)
			goto fail;
		if (PQntuples(res) != 1 || !db_bool(res, 0, 0)) {
			snprintf(what, sizeof(what), PQntuples(res) != 1 ? "日期 %s 不在该年度内" :
			    d[i].workday ? "%s 是工作日，无需登记为调休上班" : "%s 是周末，无需登记为节假日",
			    d[i].day);
			e = refuse_day(r, &d[i], i, what);
			goto fail;
		}
		PQclear(res);
		res = NULL;
	}
	if ((e = db_run(&st[CL_ADD_YEAR], NULL, 2, DB_I(year), DB_S(note))) != PERR_OK ||
	    (e = db_run(&st[CL_PUB_ENDS], &after, 1, DB_I(PUBLICITY_DAYS))) != PERR_OK)
		goto fail;
	moved = pub_moved(before, after);
	if (moved > 0 && moves != moved) {
		json_add_int(req_out(r), "moved", moved);
		e = req_fail(r, PERR_CONFLICT, "moves",
		    "按修改后的日历，%d 项正在进行的公示的截止日期将随之改变，请确认后再保存", moved);
		goto fail;
	}
	if ((e = audit_year(r, year, note, d, n, old, moved)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(old);
	PQclear(before);
	PQclear(after);
	json_add_int(req_out(r), "moved", moved);
	return h_admin_calendar_year(r);
fail:
	PQclear(res);
	PQclear(old);
	PQclear(before);
	PQclear(after);
	db_rollback();
	return e;
}

enum { CY_NOTE, CY_DAYS, CY_MOVES };

const struct field calendar_year_fields[] = {
	[CY_NOTE] = { "note", "依据", F_STR, true, 2, 200, NULL, NULL },
	[CY_DAYS] = { "days", "日期", F_ARRAY, true, 0, DAYS_MAX, NULL, NULL },
	[CY_MOVES] = { "moves", "确认改变截止日期的公示数", F_INT, false, 0, 1000000000, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static const struct field day_fields[] = {
	{ "day", "日期", F_STR, true, 10, 10, valid_calendar_date,
	  "日期应为有效的日期，如 2023-05-08" },
	{ "workday", "是否上班", F_BOOL, true, 0, 0, NULL, NULL },
	{ "note", "说明", F_STR, true, 1, 30, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

enum perr
h_admin_calendar_put(struct req *r)
{
	struct day days[DAYS_MAX];
	const cJSON *it;
	int n = 0;

	if (r->id < 2000 || r->id > 2100)
		return req_fail(r, PERR_NOT_FOUND, NULL, "年份不正确");
	cJSON_ArrayForEach(it, r->f[CY_DAYS].a) {
		struct fval v[FIELDS_MAX];
		const char *bad;
		char msg[sizeof(r->msg)];

		/* a row that is no day is named by its place in the list */
		if (!cJSON_IsObject(it) ||
		    field_check(it, day_fields, v, &bad, msg, sizeof(msg)) != PERR_OK) {
			json_add_int(req_out(r), "index", n);
			return req_fail(r, PERR_INVALID_FIELD, "days", "第 %d 行：%s", n + 1,
			    cJSON_IsObject(it) ? msg : "格式不正确");
		}
		memset(&days[n], 0, sizeof(days[n]));
		snprintf(days[n].day, sizeof(days[n].day), "%s", v[0].s);
		days[n].workday = v[1].b;
		snprintf(days[n].note, sizeof(days[n].note), "%s", v[2].s);
		n++;
	}
	return save_year(r, r->id, r->f[CY_NOTE].s, days, n, r->f[CY_MOVES].present ? r->f[CY_MOVES].i : -1);
}

enum { CI_NOTE, CI_TEXT, CI_MOVES };

const struct field calendar_import_fields[] = {
	[CI_NOTE] = { "note", "依据", F_STR, true, 2, 200, NULL, NULL },
	[CI_TEXT] = { "text", "日期列表", F_LINES, true, 1, 8000, NULL, NULL },
	[CI_MOVES] = { "moves", "确认改变截止日期的公示数", F_INT, false, 0, 1000000000, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* "2027-01-01 休 元旦" or "2027-02-07 班 春节调休上班", one a line; blank lines
 * and lines starting with # are skipped. */
enum perr
h_admin_calendar_import(struct req *r)
{
	struct day days[DAYS_MAX];
	char line[200];
	const char *p = r->f[CI_TEXT].s;
	int n = 0, lineno = 0;

	if (r->id < 2000 || r->id > 2100)
		return req_fail(r, PERR_NOT_FOUND, NULL, "年份不正确");
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		char *s = line, *kind, *note;

		lineno++;
		if (len >= sizeof(line))
			return req_fail(r, PERR_INVALID_FIELD, "text", "第 %d 行过长", lineno);
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (p[len] == '\n');
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		if (n == DAYS_MAX)
			return req_fail(r, PERR_INVALID_FIELD, "text", "一年最多登记 %d 天", DAYS_MAX);
		kind = strchr(s, ' ');
		if (kind == NULL || kind - s != 10)
			return req_fail(r, PERR_INVALID_FIELD, "text",
			    "第 %d 行应为“日期 休/班 说明”，如“2027-01-01 休 元旦”", lineno);
		*kind++ = '\0';
		while (*kind == ' ')
			kind++;
		note = strchr(kind, ' ');
		/* the shape here; whether it is a real date of the year, save_year() */
		if (strspn(s, "0123456789-") != 10 || s[4] != '-' || s[7] != '-' || note == NULL)
			return req_fail(r, PERR_INVALID_FIELD, "text",
			    "第 %d 行应为“日期 休/班 说明”，如“2027-01-01 休 元旦”", lineno);
		*note++ = '\0';
		while (*note == ' ')
			note++;
		if (strcmp(kind, "休") != 0 && strcmp(kind, "班") != 0)
			return req_fail(r, PERR_INVALID_FIELD, "text", "第 %d 行：只能是“休”或“班”", lineno);
		if (*note == '\0' || !valid_text(note, 30))
			return req_fail(r, PERR_INVALID_FIELD, "text", "第 %d 行：请写明说明（不超过 30 字）",
			    lineno);
		memcpy(days[n].day, s, 10);	/* exactly 10 characters, checked above */
		days[n].day[10] = '\0';
		days[n].line = lineno;
		days[n].workday = strcmp(kind, "班") == 0;
		snprintf(days[n].note, sizeof(days[n].note), "%s", note);
		n++;
	}
	return save_year(r, r->id, r->f[CI_NOTE].s, days, n, r->f[CI_MOVES].present ? r->f[CI_MOVES].i : -1);
}
