/*
 * review.c: the reviewer's workspace of the unit and every department.
 *
 * The worklist pages through the organisation's desk (desk rows, kept by
 * chain_move()) by keyset: each page starts after the last row of the one
 * before, on an index of (org, sort key, id), so the first page of 10 000
 * applications costs what the first page of 20 does, and a move elsewhere
 * does not shift the rows under a clerk's feet. Every decision goes through
 * chain_move().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "review.h"

#define PAGE_DEFAULT 20
#define EXPORT_MAX 10000
#define BATCH_MAX 100

/* ---------------------------------------------------------------- worklist */

/*
 * The worklist's statements, one per tab and sort, in two shapes: without
 * filters (the page a clerk opens: prepared once, and its generic plan is
 * the desk's index range, whatever the organisation's size), and with the
 * filters (planned at each call, because which filters are given decides
 * the right plan). Parameters of the filtered shape:
 * $1 org, $2 plan, $3 pipeline code, $4 category, $5 method, $6 step,
 * $7 state, $8 paid, $9 region, $10 name, $11 part of a 身份证号 (four
 * characters or more),
 * $12/$13 head and tail of a masked 身份证号, $14/$15 the cursor (sort key,
 * id) the page starts after, $16 the page size, $17 a 申报编号 (digits
 * that may be one). NULL filters nothing.
 * The plain shape takes $1 org, $2/$3 the cursor, $4 the page size.
 */
#define WL_FROM " FROM desk d JOIN application a ON a.id = d.application_id"
#define WL_ORG " WHERE d.org_id = $1"
#define WL_FILTERS WL_ORG \
	" AND ($2::int IS NULL OR a.plan_id = $2::int)" \
	" AND ($3::text IS NULL OR a.pipeline_id = (SELECT id FROM pipeline WHERE code = $3::text))" \
	" AND ($4::text IS NULL OR a.category = $4::text)" \
	" AND ($5::text IS NULL OR a.method = $5::text)" \
	" AND ($6::int IS NULL OR a.step_seq = $6::int)" \
	" AND ($7::text IS NULL OR a.state = $7::text)" \
	" AND ($8::bool IS NULL OR (a.paid_at IS NOT NULL) = $8::bool)" \
	" AND ($9::int IS NULL OR a.region_id = $9::int)" \
	" AND ($10::text IS NULL OR strpos(d.applicant_name, $10::text) > 0)" \
	/* a 申报编号 on this desk is that application alone; else digits are \
	 * part of a 身份证号 (four or more), a number too short for one none */ \
	" AND CASE WHEN $17::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM desk x" \
	"  WHERE x.org_id = $1 AND x.application_id = $17::bigint)" \
	"  THEN d.application_id = $17::bigint" \
	"  WHEN $11::text IS NOT NULL THEN strpos(d.applicant_idcard, $11::text) > 0" \
	"  ELSE $17::bigint IS NULL END" \
	" AND ($12::text IS NULL OR (left(d.applicant_idcard, length($12::text)) = $12::text" \
	"  AND right(d.applicant_idcard, length($13::text)) = $13::text))"
#define WL_TAB_WAITING " AND d.decided_at IS NULL"
#define WL_TAB_DECIDED " AND d.decided_at IS NOT NULL"
#define WL_TAB_ALL ""
/* a waiting row of the desk opened by someone of the organisation in the last ten minutes,
 * since it arrived (a pass to the next step on the same desk, or a resubmission, is a new
 * arrival: who read it before has nothing open) */
#define VIEWED_RECENTLY "d.decided_at IS NULL AND d.viewed_at > now() - interval '10 minutes'" \
	" AND d.viewed_at >= d.arrived_at"
/* who: their id (0: nobody), name and minutes ago (sql/081) */
#define VIEWER_COLS \
	" CASE WHEN " VIEWED_RECENTLY " THEN d.viewed_by ELSE 0 END," \
	" CASE WHEN " VIEWED_RECENTLY " THEN (SELECT v.name FROM app_user v WHERE v.id = d.viewed_by) END," \
	" CASE WHEN " VIEWED_RECENTLY " THEN floor(extract(epoch FROM now() - d.viewed_at) / 60)::int END"
#define UTC_TEXT(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
/* the sort key, the keyset condition (after cursor k, i) and the order of each sort */
#define BY_ARRIVAL(k, i) UTC_TEXT("d.arrived_at"), \
	" AND (d.arrived_at, d.application_id) > (" k "::timestamptz, " i "::bigint)", \
	" ORDER BY d.arrived_at, d.application_id"
/* by 姓名: pinyin, a surname read as a surname (曾 under Z, sql/067) */
#define BY_NAME(k, i) "d.applicant_name", \
	" AND (name_sort_key(d.applicant_name) COLLATE \"zh-x-icu\", d.application_id) >" \
	"  (name_sort_key(" k "::text) COLLATE \"zh-x-icu\", " i "::bigint)", \
	" ORDER BY name_sort_key(d.applicant_name) COLLATE \"zh-x-icu\", d.application_id"
#define BY_UPDATED(k, i) UTC_TEXT("d.touched_at"), \
	" AND (d.touched_at, d.application_id) < (" k "::timestamptz, " i "::bigint)", \
	" ORDER BY d.touched_at DESC, d.application_id DESC"

/* The plan, pipeline, region, step and unit come as ids and the arrival's
 * working day as its date: the names, the step's actions and the day's
 * ordinal are the programs' (lib/refnames.c), checked against the version the
 * rows come with (wl_run); looked up here they were half of the statement.
 * Today's ordinal and the version are one lookup a page each. The applicant's
 * name and 身份证号 are the desk row's own (sql/034). */
#define WL_SQL_(key, after, order, tab, where, limit) \
	"SELECT a.id, d.applicant_name, d.applicant_idcard, coalesce(a.employer_org_id, a.unit_org_id)," \
	" a.plan_id, a.pipeline_id," \
	" coalesce(a.category, ''), coalesce(a.method, ''), a.step_seq," \
	" a.current_org_id = d.org_id AND a.state = 'in_review', a.state," \
	" to_char(d.arrived_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')," \
	" CASE WHEN d.decided_at IS NULL THEN (SELECT n FROM workday_ordinal" \
	"  WHERE day = current_date) END," \
	" a.paid_at IS NOT NULL," \
	/* the last submission's number (their count) and whether it changed \
	 * anything (kept on the application by a trigger, sql/021) since this \
	 * organisation decided on an earlier one: not for one it never saw */ \
	" a.snapshot_no, coalesce(a.snapshot_changed AND d.decided_snapshot < a.snapshot_no, false)," \
	" coalesce(d.action, '')," \
	" coalesce(to_char(d.decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), '')," \
	" a.region_id, a.unit_org_id," \
	/* who of the organisation has it open (sql/081): opened in the last ten minutes */ \
	VIEWER_COLS "," \
	" (SELECT n FROM ref_version), " key \
	WL_FROM where tab after order " LIMIT " limit "::int"
/* expands the sort into its three parts before WL_SQL_ takes them */
#define WL_EXPAND(m, ...) m(__VA_ARGS__)
#define WL(by, tab) WL_EXPAND(WL_SQL_, by, tab, WL_ORG, "$4")
#define WLF(by, tab) WL_EXPAND(WL_SQL_, by, tab, WL_FILTERS, "$16")
#define PLAIN(k) BY_##k("$2", "$3")
#define FILTERED(k) BY_##k("$14", "$15")

enum { WL_COLS_KEY = 24, WL_COLS_VIEWER = 20 };

enum sort { SORT_ARRIVAL, SORT_NAME, SORT_UPDATED, SORT__MAX };
enum tab { TAB_WAITING, TAB_DECIDED, TAB_ALL, TAB__MAX };

static struct db_stmt wl[TAB__MAX][SORT__MAX] = {
	[TAB_WAITING] = {
		[SORT_ARRIVAL] = { "wl_wait_arrival", WL(PLAIN(ARRIVAL), WL_TAB_WAITING), 0 },
		[SORT_NAME] = { "wl_wait_name", WL(PLAIN(NAME), WL_TAB_WAITING), 0 },
		[SORT_UPDATED] = { "wl_wait_updated", WL(PLAIN(UPDATED), WL_TAB_WAITING), 0 },
	},
	[TAB_DECIDED] = {
		[SORT_ARRIVAL] = { "wl_done_arrival", WL(PLAIN(ARRIVAL), WL_TAB_DECIDED), 0 },
		[SORT_NAME] = { "wl_done_name", WL(PLAIN(NAME), WL_TAB_DECIDED), 0 },
		[SORT_UPDATED] = { "wl_done_updated", WL(PLAIN(UPDATED), WL_TAB_DECIDED), 0 },
	},
	[TAB_ALL] = {
		[SORT_ARRIVAL] = { "wl_all_arrival", WL(PLAIN(ARRIVAL), WL_TAB_ALL), 0 },
		[SORT_NAME] = { "wl_all_name", WL(PLAIN(NAME), WL_TAB_ALL), 0 },
		[SORT_UPDATED] = { "wl_all_updated", WL(PLAIN(UPDATED), WL_TAB_ALL), 0 },
	},
};

/* the same with filters: unnamed, planned at each call */
static struct db_stmt wlf[TAB__MAX][SORT__MAX] = {
	[TAB_WAITING] = {
		[SORT_ARRIVAL] = { NULL, WLF(FILTERED(ARRIVAL), WL_TAB_WAITING), 0 },
		[SORT_NAME] = { NULL, WLF(FILTERED(NAME), WL_TAB_WAITING), 0 },
		[SORT_UPDATED] = { NULL, WLF(FILTERED(UPDATED), WL_TAB_WAITING), 0 },
	},
	[TAB_DECIDED] = {
		[SORT_ARRIVAL] = { NULL, WLF(FILTERED(ARRIVAL), WL_TAB_DECIDED), 0 },
		[SORT_NAME] = { NULL, WLF(FILTERED(NAME), WL_TAB_DECIDED), 0 },
		[SORT_UPDATED] = { NULL, WLF(FILTERED(UPDATED), WL_TAB_DECIDED), 0 },
	},
	[TAB_ALL] = {
		[SORT_ARRIVAL] = { NULL, WLF(FILTERED(ARRIVAL), WL_TAB_ALL), 0 },
		[SORT_NAME] = { NULL, WLF(FILTERED(NAME), WL_TAB_ALL), 0 },
		[SORT_UPDATED] = { NULL, WLF(FILTERED(UPDATED), WL_TAB_ALL), 0 },
	},
};

enum {
	RV_TALLY, RV_COUNTS, RV_DESK, RV_VIEWED, RV_HISTORY, RV_CHANGES, RV_CHECKLIST, RV_OPINIONS,
	RV_OPINION_ADD, RV_OPINION_DEL, RV_EXPORT_MORE, RV_WITHHELD, RV__MAX
};

static struct db_stmt st[RV__MAX] = {
	/* of a page's rows where a result is published, those whose result is not
	 * passed (sql/084, sql/086): asked only when the page has such rows */
	[RV_WITHHELD] = { "review_withheld",
	    "SELECT id FROM unnest($1::bigint[]) AS id WHERE result_withheld(id)", 0 },
	/* the tabs' counts: kept by trigger, or under filters counted (and planned) each time */
	[RV_TALLY] = { "review_tally",
	    "SELECT coalesce(sum(waiting), 0), coalesce(sum(decided), 0),"
	    " coalesce(sum(waiting + decided), 0) FROM desk_tally WHERE org_id = $1", 0 },
	[RV_COUNTS] = { NULL,
	    "SELECT count(*) FILTER (WHERE d.decided_at IS NULL),"
	    " count(*) FILTER (WHERE d.decided_at IS NOT NULL), count(*)"
	    WL_FROM WL_FILTERS " AND $14::text IS NULL AND $15::bigint IS NULL"
	    " AND $16::int IS NULL", 0 },
	/* the days waited and the step's actions as a worklist row has them
	 * (the arrival's and today's working-day ordinals, the step's actions:
	 * the programs', as of the version read with them) */
	[RV_DESK] = { "review_desk",
	    "SELECT to_char(d.arrived_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " d.decided_at IS NULL, coalesce(d.action, ''),"
	    " coalesce(to_char(d.decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),"
	    " to_char(d.arrived_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),"
	    " CASE WHEN d.decided_at IS NULL THEN (SELECT n FROM workday_ordinal"
	    "  WHERE day = current_date) END,"
	    " a.current_org_id = d.org_id AND a.state = 'in_review', a.pipeline_id, a.step_seq,"
	    " (SELECT n FROM ref_version),"
	    /* submitted again since this organisation decided: RV_CHANGES has
	     * something to compare (the application's last submission's number
	     * is kept by a trigger, sql/021) */
	    " coalesce(d.decided_snapshot < a.snapshot_no, false),"
	    /* who of the organisation opened it before this request (sql/081) */
	    VIEWER_COLS
	    " FROM desk d JOIN application a ON a.id = d.application_id"
	    " WHERE d.org_id = $1 AND d.application_id = $2", 0 },
	/* this clerk has it open, unless a colleague does (the first to open it keeps
	 * it for ten minutes: one who glanced at a colleague's, warned, took it over
	 * and sent the next 下一件 into it, the reviewers' walk); the same clerk's at
	 * most once a minute (a page read again and again writes nothing); never
	 * waiting for a move that holds the row (skipped: no page is held up to
	 * note a reader) */
	[RV_VIEWED] = { "review_viewed",
	    "UPDATE desk SET viewed_by = $3, viewed_at = now() WHERE (org_id, application_id) IN"
	    " (SELECT org_id, application_id FROM desk WHERE org_id = $1 AND application_id = $2"
	    "  AND decided_at IS NULL AND (viewed_by IS NULL OR viewed_at < arrived_at"
	    "  OR viewed_at < now() - interval '10 minutes'"
	    "  OR (viewed_by = $3::bigint AND viewed_at < now() - interval '1 minute'))"
	    "  FOR NO KEY UPDATE SKIP LOCKED)", 0 },
	[RV_HISTORY] = { "review_history",
	    /* the steps' and the organisations' names are the programs', as of
	     * the version read with the rows (history_done()); the person's,
	     * where no organisation acted, a subquery (not a join: fewer plan
	     * levels to set up at every call) */
	    "SELECT h.no, h.action, (SELECT l.done FROM action_label l WHERE l.code = h.action),"
	    " h.from_step, coalesce(h.actor_org_id, 0), CASE WHEN h.actor_org_id IS NULL"
	    "  THEN (SELECT u.name FROM app_user u WHERE u.id = h.actor_user_id) END,"
	    " coalesce(h.text, ''), to_char(h.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " coalesce(h.checks::text, ''), (SELECT n FROM ref_version),"
	    /* a pass at a step with a 公示: "starts|last day|objections" of the
	     * publicity it passed on (the county checks the unit's 5 working days) */
	    " CASE WHEN h.action = 'pass' THEN (SELECT to_char(p.starts_on, 'YYYY-MM-DD') || '|'"
	    "  || coalesce(to_char(workday_nth(p.starts_on, " STRINGIFY(PUBLICITY_DAYS) "), 'YYYY-MM-DD'), '')"
	    "  || '|' || (SELECT count(*) FROM objection o WHERE o.application_id = p.application_id"
	    "  AND o.step_seq = p.step_seq AND o.raised_on >= p.starts_on) FROM publicity p"
	    "  WHERE p.application_id = h.application_id AND p.step_seq = h.from_step"
	    "  AND p.created_at <= h.at) END,"
	    /* a pass at a step with an interview: "time|result" of the latest
	     * one recorded there before it (the city reads the county's 评前面试) */
	    " CASE WHEN h.action = 'pass' THEN (SELECT to_char(s.starts_at AT TIME ZONE 'Asia/Shanghai',"
	    "  'YYYY-MM-DD HH24:MI') || '|' || ia.result FROM interview_assignment ia"
	    "  JOIN interview_session s ON s.id = ia.session_id WHERE ia.application_id = h.application_id"
	    "  AND ia.step_seq = h.from_step AND ia.recorded_at <= h.at"
	    "  ORDER BY ia.assigned_at DESC LIMIT 1) END"
	    " FROM chain_history h WHERE h.application_id = $1 ORDER BY h.no", 0 },
	/* the submission this organisation last decided on and the latest, when
	 * it is a later one (no row: nothing to compare) */
	[RV_CHANGES] = { "review_changes",
	    "SELECT o.no, o.data::text, to_char(o.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    " n.no, n.data::text, to_char(n.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
	    " FROM desk d JOIN application_snapshot o ON o.application_id = d.application_id"
	    "  AND o.no = d.decided_snapshot"
	    " CROSS JOIN LATERAL (SELECT x.no, x.data, x.at FROM application_snapshot x"
	    "  WHERE x.application_id = d.application_id ORDER BY x.no DESC LIMIT 1) n"
	    " WHERE d.org_id = $1 AND d.application_id = $2 AND n.no > o.no", 0 },
	[RV_CHECKLIST] = { "review_checklist",
	    "SELECT code, name, hint FROM checklist_item WHERE audience = $1 ORDER BY seq", 0 },
	[RV_OPINIONS] = { "review_opinions",
	    "SELECT id, text, action FROM opinion_template WHERE org_id = $1 ORDER BY id", 0 },
	[RV_OPINION_ADD] = { "review_opinion_add",
	    "INSERT INTO opinion_template (org_id, text, created_by, action) VALUES ($1, $2, $3, $4)"
	    " RETURNING id", 0 },
	[RV_OPINION_DEL] = { "review_opinion_del",
	    "DELETE FROM opinion_template WHERE id = $1 AND org_id = $2 RETURNING id", 0 },
	/* what the list's export adds to the worklist's rows ($2, in their
	 * order): 申报专业 and the applicant's mobile (masked in the file, as
	 * the 身份证号: the detail page has it whole), for those on the desk */
	[RV_EXPORT_MORE] = { "review_export_more",
	    "SELECT coalesce(a.specialty, ''), coalesce(u.mobile, ''),"
	    /* what this organisation last decided, when, with its opinion or reason (a
	     * unit's 资格审查 passed is a decision though the 公示 brings it back) */
	    /* (a 评定 is a pass in the chain: its own result and words, sql/086) */
	    " CASE WHEN s.passed THEN '评定通过' WHEN NOT s.passed THEN '评定不通过' ELSE"
	    " coalesce((SELECT l.done FROM action_label l WHERE l.code = h.action), '') END,"
	    " coalesce(s.opinion, h.text, ''),"
	    " coalesce(to_char(h.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), '')"
	    " FROM unnest($2::bigint[]) WITH ORDINALITY x(id, ord)"
	    " LEFT JOIN LATERAL (SELECT h.action, h.text, h.at, h.from_step FROM chain_history h"
	    "  WHERE h.application_id = x.id AND h.actor_org_id = $1 AND h.action <> 'submit'"
	    "  ORDER BY h.no DESC LIMIT 1) h ON true"
	    " LEFT JOIN desk d ON d.org_id = $1 AND d.application_id = x.id"
	    " LEFT JOIN application a ON a.id = d.application_id"
	    " LEFT JOIN app_user u ON u.id = a.applicant_id"
	    " LEFT JOIN LATERAL (SELECT o.passed, o.opinion FROM assessment_of(x.id, h.from_step, $1) o"
	    "  WHERE h.action = 'pass' AND EXISTS (SELECT 1 FROM step_gate g"
	    "  WHERE g.pipeline_id = a.pipeline_id AND g.seq = h.from_step AND g.gate = 'assess')) s"
	    " ON true ORDER BY x.ord", 0 },
};

static bool
valid_tab(const char *s)
{
	return strcmp(s, "waiting") == 0 || strcmp(s, "decided") == 0 || strcmp(s, "all") == 0;
}

static bool
valid_sort(const char *s)
{
	return strcmp(s, "arrival") == 0 || strcmp(s, "name") == 0 || strcmp(s, "updated") == 0;
}

static bool
valid_state(const char *s)
{
	return strcmp(s, "in_review") == 0 || strcmp(s, "returned") == 0 ||
	    strcmp(s, "rejected") == 0 || strcmp(s, "completed") == 0;
}

static bool
valid_code(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyz_") == strlen(s);
}

/* An opaque cursor as the worklist handed it out: "<sort key>~<id>". */
static bool
valid_cursor(const char *s)
{
	const char *t = strrchr(s, '~');

	return t != NULL && t != s && t[1] != '\0' && strspn(t + 1, "0123456789") == strlen(t + 1) &&
	    strlen(t + 1) <= 18;
}

enum {
	WQ_TAB, WQ_PLAN, WQ_PIPELINE, WQ_CATEGORY, WQ_METHOD, WQ_STEP, WQ_STATE, WQ_PAID,
	WQ_REGION, WQ_Q, WQ_SORT, WQ_AFTER, WQ_SIZE
};

const struct field review_worklist_query[] = {
	[WQ_TAB] = { "tab", "列表", F_STR, false, 1, 10, valid_tab, "列表只能是待审查、已审查或全部" },
	[WQ_PLAN] = { "plan", "评审计划", F_INT, false, 1, 2147483647, NULL, NULL },
	[WQ_PIPELINE] = { "pipeline", "评审程序", F_STR, false, 1, 30, valid_code, "评审程序不正确" },
	[WQ_CATEGORY] = { "category", "申报类型", F_STR, false, 1, 20, valid_category,
	    "申报类型只能是规划与设计类、施工与监理类或技术管理类" },
	[WQ_METHOD] = { "method", "申报方式", F_STR, false, 1, 20, valid_method, "申报方式不正确" },
	[WQ_STEP] = { "step", "环节", F_INT, false, 1, 100, NULL, NULL },
	[WQ_STATE] = { "state", "状态", F_STR, false, 1, 20, valid_state, "状态不正确" },
	[WQ_PAID] = { "paid", "缴费情况", F_BOOL, false, 0, 0, NULL, NULL },
	[WQ_REGION] = { "region", "地区", F_INT, false, 1, 1LL << 30, NULL, NULL },
	[WQ_Q] = { "q", "姓名、身份证号或申报编号", F_STR, false, 0, 30, NULL, NULL },
	[WQ_SORT] = { "sort", "排序", F_STR, false, 1, 10, valid_sort, "排序方式不正确" },
	[WQ_AFTER] = { "after", "翻页位置", F_STR, false, 3, 80, valid_cursor, "翻页位置不正确" },
	[WQ_SIZE] = { "size", "每页条数", F_INT, false, 1, 100, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* The statement parameters of a worklist query. */
struct wl_params {
	const char *v[17];
	char org[24], plan[24], step[24], region[24], size[24];
	char head[24], tail[24], idsub[24], idnum[24], key[64], after_id[24], name[128];
	enum tab tab;
	enum sort sort;
	int page;
	bool filtered;		/* a filter or a search is given */
};

/* The search box: a name, digits of a 身份证号 or a 申报编号, or a masked
 * 身份证号 as the lists show it ("3307**********0015"). */
static void
search(struct wl_params *p, const char *q)
{
	size_t n = strlen(q), digits = strspn(q, "0123456789Xx"), stars;

	if (n == 0)
		return;
	if (digits >= 1 && digits <= 6 && (stars = strspn(q + digits, "*")) > 0 &&
	    strspn(q + digits + stars, "0123456789Xx") == n - digits - stars &&
	    n - digits - stars >= 1 && n - digits - stars <= 4) {
		snprintf(p->head, sizeof(p->head), "%.*s", (int)digits, q);
		snprintf(p->tail, sizeof(p->tail), "%s", q + digits + stars);
		p->v[11] = p->head;
		p->v[12] = p->tail;
	} else if (digits == n) {
		/* a 申报编号 (no leading zero, no X), and four or more digits part
		 * of a 身份证号 too; a short number that is neither finds none */
		if (n >= 4) {
			snprintf(p->idsub, sizeof(p->idsub), "%s", q);
			p->v[10] = p->idsub;
		}
		if (strspn(q, "0123456789") == n && q[0] != '0' && n <= 18) {
			snprintf(p->idnum, sizeof(p->idnum), "%s", q);
			p->v[16] = p->idnum;
		}
		if (p->v[10] == NULL && p->v[16] == NULL)
			p->v[9] = q;
	} else {
		/* a name as it is stored: 阿卜杜•热合曼 finds 阿卜杜·热合曼 */
		snprintf(p->name, sizeof(p->name), "%s", q);
		name_tidy(p->name);
		p->v[9] = p->name;
	}
	/* a final x of a 身份证号 is stored as X */
	if (p->v[11] != NULL || p->v[10] != NULL) {
		char *x;

		for (x = p->tail; (x = strchr(x, 'x')) != NULL; x++)
			*x = 'X';
		for (x = p->idsub; (x = strchr(x, 'x')) != NULL; x++)
			*x = 'X';
	}
}

static void
wl_params(const struct req *r, struct wl_params *p, int page)
{
	const struct fval *f = r->f;
	const char *tab = f[WQ_TAB].present ? f[WQ_TAB].s : "waiting";
	const char *sort = f[WQ_SORT].present ? f[WQ_SORT].s : "arrival";

	memset(p, 0, sizeof(*p));
	p->tab = strcmp(tab, "decided") == 0 ? TAB_DECIDED : strcmp(tab, "all") == 0 ? TAB_ALL :
	    TAB_WAITING;
	p->sort = strcmp(sort, "name") == 0 ? SORT_NAME : strcmp(sort, "updated") == 0 ?
	    SORT_UPDATED : SORT_ARRIVAL;
	p->page = page;
	snprintf(p->org, sizeof(p->org), "%lld", r->s.org_id);
	p->v[0] = p->org;
	if (f[WQ_PLAN].present) {
		snprintf(p->plan, sizeof(p->plan), "%lld", f[WQ_PLAN].i);
		p->v[1] = p->plan;
	}
	p->v[2] = f[WQ_PIPELINE].present ? f[WQ_PIPELINE].s : NULL;
	p->v[3] = f[WQ_CATEGORY].present ? f[WQ_CATEGORY].s : NULL;
	p->v[4] = f[WQ_METHOD].present ? f[WQ_METHOD].s : NULL;
	if (f[WQ_STEP].present) {
		snprintf(p->step, sizeof(p->step), "%lld", f[WQ_STEP].i);
		p->v[5] = p->step;
	}
	p->v[6] = f[WQ_STATE].present ? f[WQ_STATE].s : NULL;
	p->v[7] = f[WQ_PAID].present ? (f[WQ_PAID].b ? "true" : "false") : NULL;
	if (f[WQ_REGION].present) {
		snprintf(p->region, sizeof(p->region), "%lld", f[WQ_REGION].i);
		p->v[8] = p->region;
	}
	if (f[WQ_Q].present)
		search(p, f[WQ_Q].s);
	for (int i = 1; i <= 12; i++)
		p->filtered |= p->v[i] != NULL;
	p->filtered |= p->v[16] != NULL;
	/* the page starts after the cursor, or before the first row of the sort */
	if (f[WQ_AFTER].present) {
		const char *t = strrchr(f[WQ_AFTER].s, '~');

		snprintf(p->key, sizeof(p->key), "%.*s", (int)(t - f[WQ_AFTER].s), f[WQ_AFTER].s);
		snprintf(p->after_id, sizeof(p->after_id), "%s", t + 1);
	} else {
		snprintf(p->key, sizeof(p->key), "%s", p->sort == SORT_NAME ? "" :
		    p->sort == SORT_UPDATED ? "infinity" : "-infinity");
		snprintf(p->after_id, sizeof(p->after_id), "%s",
		    p->sort == SORT_UPDATED ? "9223372036854775807" : "0");
	}
	p->v[13] = p->key;
	p->v[14] = p->after_id;
	snprintf(p->size, sizeof(p->size), "%d", page);
	p->v[15] = p->size;
}

/* What row i owes in 元: nothing before its chain's fee step, nothing paid;
 * else its fee (ref_fee(), kept: read once a plan, chain and region). A plan
 * the department charges nothing for owes nothing, and its rows say 未缴费
 * nowhere (a deadline-day walk found them so, beside a gate saying 已缴纳). */
static enum perr
row_owes(const PGresult *res, int i, int *owed)
{
	int step = ref_fee_step(db_int(res, i, 5));
	const char *items;

	*owed = 0;
	if (step == 0 || db_int(res, i, 8) < step || db_bool(res, i, 13))
		return PERR_OK;
	return ref_fee(db_int(res, i, 4), db_int(res, i, 5), db_int(res, i, 18), db_int(res, i, 19),
	    owed, &items);
}

/* The rows' fees read before row_json() asks (which cannot fail). */
static enum perr
wl_fees(const PGresult *res)
{
	int i, owed;
	enum perr e;

	for (i = 0; i < PQntuples(res); i++)
		if ((e = row_owes(res, i, &owed)) != PERR_OK)
			return e;
	return PERR_OK;
}

/* Runs the page's statement (the plain one when nothing filters) and, when
 * cnt is not NULL, the tabs' counts (the kept tally, or counted under the
 * filters), in one round trip. */
static enum perr
wl_run(struct wl_params *p, PGresult **res, PGresult **cnt)
{
	const char *plain[4] = { p->v[0], p->v[13], p->v[14], p->v[15] };
	struct db_batch b = { 0 };
	enum perr e;

	if (p->filtered)
		db_batch_addv(&b, &wlf[p->tab][p->sort], res, 17, p->v);
	else
		db_batch_addv(&b, &wl[p->tab][p->sort], res, 4, plain);
	if (cnt != NULL && !p->filtered)
		db_batch_addv(&b, &st[RV_TALLY], cnt, 1, p->v);
	else if (cnt != NULL) {
		p->v[13] = p->v[14] = p->v[15] = NULL;
		db_batch_addv(&b, &st[RV_COUNTS], cnt, 17, p->v);
	}
	if ((e = db_batch_run(&b)) != PERR_OK)
		return e;
	/* the names and fees as of the rows' version (no rows, no names) */
	if (PQntuples(*res) == 0 || ((e = ref_sync(db_int(*res, 0, WL_COLS_KEY - 1))) == PERR_OK &&
	    (e = ref_orgs(*res, 3)) == PERR_OK && (e = ref_orgs(*res, 19)) == PERR_OK &&
	    (e = wl_fees(*res)) == PERR_OK))
		return PERR_OK;
	PQclear(*res);
	*res = NULL;
	if (cnt != NULL) {
		PQclear(*cnt);
		*cnt = NULL;
	}
	return e;
}

/* A row's working days waited (open rows only): today's ordinal (column
 * today) less its arrival day's (column day); false when the calendar does
 * not cover both days. */
static bool
days_waited(const PGresult *res, int i, int day, int today, long long *days)
{
	long long arrived;

	if (db_str(res, i, today) == NULL || !ref_workday(db_str(res, i, day), &arrived))
		return false;
	*days = db_int(res, i, today) - arrived;
	return true;
}

static const char *
masked_id(const char *id, char *buf, size_t n)
{
	return mask_id(id ? id : "", buf, n);
}

/* "viewer": {name, minutes} when someone else of the organisation opened it in
 * the last ten minutes (columns c: their id, name and minutes ago; sql/081) */
static void
viewer_json(cJSON *o, const PGresult *res, int i, int c, long long me)
{
	cJSON *v;

	if (db_int(res, i, c) == 0 || db_int(res, i, c) == me || db_str(res, i, c + 1) == NULL)
		return;
	v = cJSON_AddObjectToObject(o, "viewer");
	json_add_str(v, "name", db_str(res, i, c + 1));
	json_add_int(v, "minutes", db_int(res, i, c + 2));
}

static cJSON *
row_json(const PGresult *res, int i, long long me)
{
	cJSON *it = cJSON_CreateObject(), *acts;
	char masked[40];
	const char *actions;
	long long days;
	int fee;

	json_add_int(it, "id", db_int(res, i, 0));
	json_add_str(it, "applicant", db_str(res, i, 1));
	json_add_str(it, "idcard", masked_id(db_str(res, i, 2), masked, sizeof(masked)));
	json_add_str(it, "unit", ref_org(db_int(res, i, 3)));
	json_add_str(it, "plan", ref_plan(db_int(res, i, 4)));
	json_add_str(it, "pipeline", ref_pipeline(db_int(res, i, 5)));
	json_add_str(it, "category", db_str(res, i, 6));
	json_add_str(it, "category_name", app_category_name(db_str(res, i, 6)));
	json_add_str(it, "method", db_str(res, i, 7));
	json_add_str(it, "method_name", app_method_name(db_str(res, i, 7)));
	json_add_int(it, "step", db_int(res, i, 8));
	json_add_str(it, "step_name", ref_step(db_int(res, i, 5), db_int(res, i, 8), &actions));
	json_add_str(it, "state", db_str(res, i, 10));
	json_add_str(it, "arrived_on", db_str(res, i, 11));
	if (days_waited(res, i, 11, 12, &days))
		json_add_int(it, "days_waited", days);
	else
		cJSON_AddNullToObject(it, "days_waited");
	cJSON_AddBoolToObject(it, "paid", db_bool(res, i, 13));
	/* a fee owed and not paid (wl_fees() read it) */
	cJSON_AddBoolToObject(it, "fee_due", row_owes(res, i, &fee) == PERR_OK && fee > 0);
	json_add_int(it, "submissions", db_int(res, i, 14));
	cJSON_AddBoolToObject(it, "changed", db_bool(res, i, 15));
	json_add_str(it, "decision", db_str(res, i, 16));
	json_add_str(it, "decided_at", db_str(res, i, 17));
	/* the step's actions when the row is this desk's to decide: the
	 * database's JSON array of action codes, as it is */
	acts = cJSON_CreateRaw(db_bool(res, i, 9) ? actions : "[]");
	if (acts != NULL && !cJSON_AddItemToObjectCS(it, "actions", acts))
		cJSON_Delete(acts);
	json_add_str(it, "region", ref_region(db_int(res, i, 18)));
	/* a 人才交流中心 that keeps the file (and vouches for it) is not the employer: named
	 * (the chains' walk: the city read 金华宏达 beside the centre's 市本级, the centre nowhere) */
	if (db_int(res, i, 19) != db_int(res, i, 3))
		json_add_str(it, "keeper", ref_org(db_int(res, i, 19)));
	viewer_json(it, res, i, WL_COLS_VIEWER, me);
	return it;
}

/*
 * "withheld" of the n rows of a page: true for one this desk holds where a
 * result is published ('carried', 'assessed') whose result did not pass, so
 * that its row sends the clerk where it is ended, not to the 公示 it is kept
 * out of. One statement, only for a page with rows at such a step.
 */
static enum perr
withheld_json(const PGresult *res, int n, cJSON *items)
{
	char ids[BATCH_MAX * 24 + 4];
	size_t len = 0;
	PGresult *w;
	bool unit;
	int i, k, asked = 0;
	enum perr e;

	for (i = 0; i < n; i++) {
		const char *g = ref_step_gates(db_int(res, i, 5), db_int(res, i, 8), &unit);
		bool maybe = db_bool(res, i, 9) && (gates_has(g, "carried") || gates_has(g, "assessed"));

		cJSON_AddBoolToObject(cJSON_GetArrayItem(items, i), "withheld", false);
		if (maybe && len + 24 < sizeof(ids)) {
			len += (size_t)snprintf(ids + len, sizeof(ids) - len, "%s%lld",
			    asked++ > 0 ? "," : "{", db_int(res, i, 0));
		}
	}
	if (asked == 0)
		return PERR_OK;
	snprintf(ids + len, sizeof(ids) - len, "}");
	if ((e = db_run(&st[RV_WITHHELD], &w, 1, DB_S(ids))) != PERR_OK)
		return e;
	for (k = 0; k < PQntuples(w); k++)
		for (i = 0; i < n; i++)
			if (db_int(res, i, 0) == db_int(w, k, 0))
				cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetArrayItem(items, i),
				    "withheld", cJSON_CreateTrue());
	PQclear(w);
	return PERR_OK;
}

enum perr
review_worklist(struct req *r, const struct desk_conf *dc)
{
	struct wl_params p;
	PGresult *res = NULL, *cnt = NULL;
	cJSON *out = req_out(r), *items, *counts;
	int n, i;
	enum perr e;

	(void)dc;
	wl_params(r, &p, r->f[WQ_SIZE].present ? (int)r->f[WQ_SIZE].i : PAGE_DEFAULT);
	/* one row more than the page tells whether a next page exists */
	snprintf(p.size, sizeof(p.size), "%d", p.page + 1);
	if ((e = wl_run(&p, &res, &cnt)) != PERR_OK)
		return e;
	n = PQntuples(res) > p.page ? p.page : PQntuples(res);
	items = cJSON_AddArrayToObject(out, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(items, row_json(res, i, r->s.user_id));
	if ((e = withheld_json(res, n, items)) != PERR_OK) {
		PQclear(res);
		PQclear(cnt);
		return e;
	}
	if (PQntuples(res) > p.page) {
		char cur[100];

		snprintf(cur, sizeof(cur), "%s~%lld", db_str(res, n - 1, WL_COLS_KEY),
		    db_int(res, n - 1, 0));
		cJSON_AddStringToObject(out, "next", cur);
	} else
		cJSON_AddNullToObject(out, "next");
	counts = cJSON_AddObjectToObject(out, "counts");
	json_add_int(counts, "waiting", db_int(cnt, 0, 0));
	json_add_int(counts, "decided", db_int(cnt, 0, 1));
	json_add_int(counts, "all", db_int(cnt, 0, 2));
	json_add_int(out, "size", p.page);
	PQclear(res);
	PQclear(cnt);
	return PERR_OK;
}

/* A cell of the export: the worklist row's text called key. */
static void
cell(cJSON *row, const cJSON *it, const char *key)
{
	cJSON_AddItemToArray(row, cJSON_CreateString(
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, key))));
}

enum perr
review_export(struct req *r, const struct desk_conf *dc)
{
	/* a record of the day's work as well as a list: the 申报编号 it is found by, and what
	 * this organisation decided, when, and with what opinion or reason */
	const char *const head[] = { "序号", "申报编号", "姓名", "身份证号", "手机号码", "单位",
	    "评审计划", "申报类型", "申报方式", "申报专业", "当前环节", "状态", "到达日期",
	    "已等待（工作日）", "缴费", "提交次数",
	    strcmp(portal_role(), "unit") == 0 ? "本单位审查结果" : "本部门审查结果",
	    "审查时间", "审查意见或理由" };
	static const int widths[] = { 6, 10, 10, 20, 13, 30, 40, 14, 18, 20, 28, 10, 12, 14, 8, 10, 14,
	    17, 40 };
	static const char *const tabs[] = { "待审查", "已审查", "全部" };
	struct wl_params p;
	PGresult *res, *more;
	cJSON *rows;
	char title[400], name[80], *ids;
	size_t len = 0, cap;
	int i;
	enum perr e;

	(void)dc;
	wl_params(r, &p, EXPORT_MAX);
	if ((e = wl_run(&p, &res, NULL)) != PERR_OK)
		return e;
	/* the rows' ids as a PostgreSQL array, for what the worklist does not read */
	cap = 3 + (size_t)PQntuples(res) * 21;
	if ((ids = malloc(cap)) == NULL) {
		PQclear(res);
		return PERR_INTERNAL;
	}
	ids[len++] = '{';
	for (i = 0; i < PQntuples(res); i++)
		len += (size_t)snprintf(ids + len, cap - len, "%s%lld", i > 0 ? "," : "",
		    db_int(res, i, 0));
	snprintf(ids + len, cap - len, "}");
	e = db_run(&st[RV_EXPORT_MORE], &more, 2, DB_I(r->s.org_id), DB_S(ids));
	free(ids);
	if (e != PERR_OK) {
		PQclear(res);
		return e;
	}
	rows = cJSON_CreateArray();
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *row = cJSON_CreateArray(), *it = row_json(res, i, r->s.user_id);
		const cJSON *st_ = cJSON_GetObjectItemCaseSensitive(it, "state");
		const cJSON *waited = cJSON_GetObjectItemCaseSensitive(it, "days_waited");
		char phone[24];

		cJSON_AddItemToArray(row, cJSON_CreateNumber(i + 1));
		cJSON_AddItemToArray(row, cJSON_CreateNumber((double)db_int(res, i, 0)));
		cell(row, it, "applicant");
		cell(row, it, "idcard");
		cJSON_AddItemToArray(row, cJSON_CreateString(mask_mobile(db_str(more, i, 1), phone,
		    sizeof(phone))));
		cell(row, it, "unit");
		cell(row, it, "plan");
		cell(row, it, "category_name");
		cell(row, it, "method_name");
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(more, i, 0)));	/* 申报专业 */
		cell(row, it, "step_name");
		cJSON_AddItemToArray(row, cJSON_CreateString(
		    strcmp(st_->valuestring, "in_review") == 0 ? "审查中" :
		    strcmp(st_->valuestring, "returned") == 0 ? "已退回修改" :
		    strcmp(st_->valuestring, "rejected") == 0 ? "不通过" : "已办结"));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(res, i, 11)));
		cJSON_AddItemToArray(row, cJSON_IsRaw(waited) ?
		    cJSON_CreateNumber(strtod(waited->valuestring, NULL)) : cJSON_CreateString(""));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_bool(res, i, 13) ? "已缴费" : "未缴费"));
		cJSON_AddItemToArray(row, cJSON_CreateNumber((double)db_int(res, i, 14)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(more, i, 2)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(more, i, 4)));
		cJSON_AddItemToArray(row, cJSON_CreateString(db_str(more, i, 3)));
		cJSON_AddItemToArray(rows, row);
		cJSON_Delete(it);
	}
	PQclear(res);
	PQclear(more);
	snprintf(title, sizeof(title), "%s %s（%s）", r->s.org_name, tabs[p.tab], "身份证号、手机号码已隐去中间位");
	snprintf(name, sizeof(name), "%s列表.xlsx", tabs[p.tab]);
	e = xlsx_reply(r, name, tabs[p.tab], title, head, widths, (int)NITEMS(head), rows);
	cJSON_Delete(rows);
	return e;
}

/* ---------------------------------------------------------------- detail */

static const struct {
	const char *key, *label;
} field_labels[] = {
	{ "statement", "本人述职" }, { "category_name", "申报类型" }, { "method_name", "申报方式" },
	{ "specialty", "申报专业" }, { "accept_org", "受理单位" }, { "held_title", "专业技术职务任职资格及取得时间" },
	{ "self_score", "自评分" }, { "photo_id", "证件照" },
}, profile_labels[] = {
	{ "education", "学历" }, { "degree", "学位" }, { "school", "毕业院校" },
	{ "major", "所学专业" }, { "graduation_date", "毕业时间" },
	{ "work_start_date", "参加工作时间" }, { "title", "现有职称" },
	{ "title_date", "现有职称取得时间" }, { "appointed_date", "聘任时间" }, { "specialty", "现从事专业" },
	{ "staffing_name", "编制情况" }, { "employer", "现工作单位" },
};

static cJSON *
value_copy(const cJSON *v)
{
	return v != NULL ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

static void
field_change(cJSON *list, const char *key, const char *label, const cJSON *old, const cJSON *now)
{
	cJSON *it;

	if (old != NULL && now != NULL && cJSON_Compare(old, now, 1))
		return;
	if ((old == NULL || cJSON_IsNull(old)) && (now == NULL || cJSON_IsNull(now)))
		return;
	it = cJSON_CreateObject();
	cJSON_AddStringToObject(it, "field", key);
	cJSON_AddStringToObject(it, "label", label);
	cJSON_AddItemToObject(it, "old", value_copy(old));
	cJSON_AddItemToObject(it, "new", value_copy(now));
	cJSON_AddItemToArray(list, it);
}

static bool
has_id(const cJSON *arr, const char *key, double id)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, arr)
		if (cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(x, key)) == id)
			return true;
	return false;
}

/* Items of a that are not in b (by key), as {id|item_id, name|title}. */
static cJSON *
missing(const cJSON *a, const cJSON *b, const char *key, const char *name)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *x;

	cJSON_ArrayForEach(x, a) {
		double id = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(x, key));

		if (!has_id(b, key, id)) {
			cJSON *it = cJSON_CreateObject();

			cJSON_AddNumberToObject(it, "id", id);
			cJSON_AddStringToObject(it, "name", cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(x, name)) ?: "");
			cJSON_AddItemToArray(out, it);
		}
	}
	return out;
}

/* What changed between two submissions' contents: fields, files per kind,
 * archive items, recommenders. */
static cJSON *
diff(const cJSON *old, const cJSON *now)
{
	cJSON *out = cJSON_CreateObject(), *fields, *files, *arch;
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(old, "profile");
	const cJSON *np = cJSON_GetObjectItemCaseSensitive(now, "profile");
	const cJSON *of = cJSON_GetObjectItemCaseSensitive(old, "files");
	const cJSON *nf = cJSON_GetObjectItemCaseSensitive(now, "files");
	const cJSON *oa = cJSON_GetObjectItemCaseSensitive(old, "archive");
	const cJSON *na = cJSON_GetObjectItemCaseSensitive(now, "archive");
	const struct file_kind *k;
	size_t i;
	bool any;

	fields = cJSON_AddArrayToObject(out, "fields");
	for (i = 0; i < NITEMS(field_labels); i++)
		field_change(fields, field_labels[i].key, field_labels[i].label,
		    cJSON_GetObjectItemCaseSensitive(old, field_labels[i].key),
		    cJSON_GetObjectItemCaseSensitive(now, field_labels[i].key));
	for (i = 0; op != NULL && i < NITEMS(profile_labels); i++) {
		char key[64];

		snprintf(key, sizeof(key), "profile.%s", profile_labels[i].key);
		field_change(fields, key, profile_labels[i].label,
		    cJSON_GetObjectItemCaseSensitive(op, profile_labels[i].key),
		    cJSON_GetObjectItemCaseSensitive(np, profile_labels[i].key));
	}
	if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(old, "recommenders"),
	    cJSON_GetObjectItemCaseSensitive(now, "recommenders"), 1))
		field_change(fields, "recommenders", "推荐人",
		    cJSON_GetObjectItemCaseSensitive(old, "recommenders"),
		    cJSON_GetObjectItemCaseSensitive(now, "recommenders"));
	files = cJSON_AddArrayToObject(out, "files");
	for (k = file_kinds; k->code != NULL; k++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(of, k->code);
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(nf, k->code);
		cJSON *added = missing(n, o, "id", "name"), *removed = missing(o, n, "id", "name");

		if (cJSON_GetArraySize(added) + cJSON_GetArraySize(removed) > 0) {
			cJSON *it = cJSON_CreateObject();

			cJSON_AddStringToObject(it, "kind", k->code);
			cJSON_AddStringToObject(it, "label", k->label);
			cJSON_AddItemToObject(it, "added", added);
			cJSON_AddItemToObject(it, "removed", removed);
			cJSON_AddItemToArray(files, it);
		} else {
			cJSON_Delete(added);
			cJSON_Delete(removed);
		}
	}
	arch = cJSON_AddObjectToObject(out, "archive");
	cJSON_AddItemToObject(arch, "added", missing(na, oa, "item_id", "title"));
	cJSON_AddItemToObject(arch, "removed", missing(oa, na, "item_id", "title"));
	any = cJSON_GetArraySize(fields) > 0 || cJSON_GetArraySize(files) > 0 ||
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(arch, "added")) > 0 ||
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(arch, "removed")) > 0;
	cJSON_AddBoolToObject(out, "none", !any);
	return out;
}

/* The submission this organisation last decided on against the latest one
 * (a row of RV_CHANGES); null when it has not decided on an earlier one. */
static void
changes_json(const PGresult *c, cJSON *out)
{
	cJSON *oj, *nj, *d;

	if (c == NULL || PQntuples(c) != 1) {	/* not read: nothing to compare */
		cJSON_AddNullToObject(out, "changes");
		return;
	}
	oj = cJSON_Parse(db_str(c, 0, 1));
	nj = cJSON_Parse(db_str(c, 0, 4));
	d = diff(oj, nj);
	cJSON_AddNumberToObject(d, "since_no", (double)db_int(c, 0, 0));
	cJSON_AddStringToObject(d, "since_at", db_str(c, 0, 2));
	cJSON_AddNumberToObject(d, "now_no", (double)db_int(c, 0, 3));
	cJSON_AddStringToObject(d, "now_at", db_str(c, 0, 5));
	cJSON_AddItemToObject(out, "changes", d);
	cJSON_Delete(oj);
	cJSON_Delete(nj);
}

/* The history's names, after the batch that read it ran. */
static enum perr
history_done(const PGresult *hist)
{
	enum perr e;

	if (PQntuples(hist) == 0)
		return PERR_OK;
	if ((e = ref_sync(db_int(hist, 0, 9))) != PERR_OK)
		return e;
	return ref_orgs(hist, 4);
}

/* The chain's steps with their holders, and the history. */
static enum perr
history_json(const struct application *a, const PGresult *hist, cJSON *out)
{
	struct chain_owner own[CHAIN_STEPS_MAX];
	cJSON *steps, *history;
	int i, n;
	enum perr e;

	if ((e = chain_owners(a->pipeline_id, a->region_id, a->unit_org_id, own, CHAIN_STEPS_MAX,
	    &n)) != PERR_OK)
		return e;
	steps = cJSON_AddArrayToObject(out, "steps");
	for (i = 0; i < n; i++) {
		cJSON *it = cJSON_CreateObject();
		int seq = own[i].seq;

		cJSON_AddNumberToObject(it, "seq", seq);
		cJSON_AddStringToObject(it, "name", own[i].step);
		cJSON_AddStringToObject(it, "holder", seq == 1 ? a->person.name : own[i].org_name);
		cJSON_AddStringToObject(it, "status", strcmp(a->state, "completed") == 0 ||
		    seq < a->step ? "done" : seq > a->step ? "todo" :
		    strcmp(a->state, "rejected") == 0 ? "rejected" : "current");
		cJSON_AddItemToArray(steps, it);
	}
	history = cJSON_AddArrayToObject(out, "history");
	for (i = 0; i < PQntuples(hist); i++) {
		cJSON *it = cJSON_CreateObject(), *ck = NULL;
		struct history_read h;

		gates_history_read(a->pipeline_id, a->id, (int)db_int(hist, i, 3), db_str(hist, i, 1),
		    db_str(hist, i, 2), db_str(hist, i, 6), &h);
		cJSON_AddNumberToObject(it, "no", (double)db_int(hist, i, 0));
		cJSON_AddStringToObject(it, "action", h.action);
		cJSON_AddStringToObject(it, "action_name", h.name);
		cJSON_AddNumberToObject(it, "step", (double)db_int(hist, i, 3));
		cJSON_AddStringToObject(it, "step_name", ref_step(a->pipeline_id,
		    db_int(hist, i, 3), NULL));
		cJSON_AddStringToObject(it, "org", db_int(hist, i, 4) != 0 ?
		    ref_org(db_int(hist, i, 4)) : db_str(hist, i, 5) ? db_str(hist, i, 5) : "");
		cJSON_AddStringToObject(it, "text", h.text);
		cJSON_AddStringToObject(it, "at", db_str(hist, i, 7));
		if (db_str(hist, i, 8)[0] != '\0')
			ck = cJSON_Parse(db_str(hist, i, 8));
		cJSON_AddItemToObject(it, "checks", ck ? ck : cJSON_CreateNull());
		if (db_str(hist, i, 10) != NULL) {
			char starts[11] = "", ends[11] = "";
			long long objections = 0;
			cJSON *pb = cJSON_AddObjectToObject(it, "publicity");

			(void)sscanf(db_str(hist, i, 10), "%10[^|]|%10[^|]|%lld", starts, ends,
			    &objections);
			if (ends[0] == '\0')	/* the calendar does not cover it: "||n" */
				(void)sscanf(db_str(hist, i, 10), "%10[^|]||%lld", starts, &objections);
			cJSON_AddStringToObject(pb, "starts_on", starts);
			if (ends[0] != '\0')
				cJSON_AddStringToObject(pb, "ends_on", ends);
			else
				cJSON_AddNullToObject(pb, "ends_on");
			json_add_int(pb, "objections", objections);
		}
		if (db_str(hist, i, 11) != NULL) {
			char at[17] = "", result[8] = "";
			cJSON *iv = cJSON_AddObjectToObject(it, "interview");

			(void)sscanf(db_str(hist, i, 11), "%16[^|]|%7s", at, result);
			cJSON_AddStringToObject(iv, "starts_at", at);
			cJSON_AddStringToObject(iv, "result", result);
		}
		cJSON_AddItemToArray(history, it);
	}
	return PERR_OK;
}

enum perr
review_detail(struct req *r, const struct desk_conf *dc)
{
	struct actor who = req_actor(r);
	struct application a;
	struct gate_state gates[GATES_MAX];
	struct db_batch b = { 0 };
	PGresult *desk = NULL, *ch = NULL, *hist = NULL;
	cJSON *out, *d, *acts, *list;
	const char *actions = "[]";
	long long days;
	int ngates = 0;
	enum perr e;

	/* the page's reads in one round trip; what it shows of the desk (and the
	 * rest) only once app_load_done() has found the application theirs; the
	 * changes since this organisation's decision (an application returned
	 * and submitted again: few) in a second, when the desk says there are */
	app_load_add(&b, &who, r->id, &a);
	db_batch_add(&b, &st[RV_DESK], &desk, 2, DB_I(r->s.org_id), DB_I(r->id));
	/* (only a row of this organisation's desk, waiting: one it may open) */
	db_batch_add(&b, &st[RV_VIEWED], NULL, 3, DB_I(r->s.org_id), DB_I(r->id), DB_I(r->s.user_id));
	db_batch_add(&b, &st[RV_HISTORY], &hist, 1, DB_I(r->id));
	if ((e = db_batch_run(&b)) != PERR_OK)
		return e;
	if ((e = app_load_done(&a, r->msg, sizeof(r->msg))) != PERR_OK)
		goto out;
	if (PQntuples(desk) != 1) {
		/* visible to the organisation, yet never on its desk */
		snprintf(r->msg, sizeof(r->msg), "申报不存在");
		e = PERR_NOT_FOUND;
		goto out;
	}
	if ((e = ref_sync(db_int(desk, 0, 9))) != PERR_OK || (e = history_done(hist)) != PERR_OK)
		goto out;
	if (db_bool(desk, 0, 10) && (e = db_run(&st[RV_CHANGES], &ch, 2, DB_I(r->s.org_id),
	    DB_I(r->id))) != PERR_OK)
		goto out;
	out = req_out(r);
	cJSON_AddItemToObject(out, "application", app_detail_json(&a, &who));
	d = cJSON_AddObjectToObject(out, "desk");
	cJSON_AddStringToObject(d, "arrived_at", db_str(desk, 0, 0));
	cJSON_AddBoolToObject(d, "waiting", db_bool(desk, 0, 1));
	cJSON_AddStringToObject(d, "decision", db_str(desk, 0, 2));
	cJSON_AddStringToObject(d, "decided_at", db_str(desk, 0, 3));
	if (days_waited(desk, 0, 4, 5, &days))
		json_add_int(d, "days_waited", days);
	else
		cJSON_AddNullToObject(d, "days_waited");
	viewer_json(d, desk, 0, 11, r->s.user_id);
	/* the step's actions when it is this organisation's to move */
	if (db_bool(desk, 0, 6))
		(void)ref_step(db_int(desk, 0, 7), db_int(desk, 0, 8), &actions);
	acts = cJSON_Parse(actions);
	cJSON_AddItemToObject(out, "actions", acts ? acts : cJSON_CreateArray());
	/* what a pass at the current step waits for (none when it is not ours to
	 * move): its gates as the programs keep them */
	if (cJSON_GetArraySize(acts) > 0) {
		bool unit;
		const char *names = ref_step_gates(a.pipeline_id, a.step, &unit);

		if ((e = gates_eval_names(a.id, a.step, unit, names, gates, GATES_MAX, &ngates))
		    != PERR_OK)
			goto out;
		/* a ballot open or carried, an interview passed, a result not carried
		 * kept for its publication: 通过 is all there is (gates_hold()) */
		if (names != NULL && (strstr(names, "vote") != NULL || strstr(names, "interview") != NULL ||
		    strstr(names, "carried") != NULL || strstr(names, "ballot") != NULL ||
		    strstr(names, "assessment") != NULL)) {
			char why[256];
			int i;

			if ((e = gates_hold(a.id, a.step, names, "退回", why, sizeof(why))) == PERR_GATE) {
				for (i = cJSON_GetArraySize(acts) - 1; i >= 0; i--) {
					const char *v = cJSON_GetStringValue(cJSON_GetArrayItem(acts, i));

					if (v == NULL || strcmp(v, "pass") != 0)
						cJSON_DeleteItemFromArray(acts, i);
				}
			} else if (e != PERR_OK)
				goto out;
		}
	}
	cJSON_AddItemToObject(out, "gates", gates_json(gates, ngates));
	/* and their verdict on a 通过, before the clerk presses it */
	cJSON_AddItemToObject(out, "gate", cJSON_GetArraySize(acts) > 0 ?
	    gates_verdict_json(gates, ngates) : cJSON_CreateNull());
	list = cJSON_Parse(ref_checklist(dc->audience));
	cJSON_AddItemToObject(out, "checklist", list ? list : cJSON_CreateArray());
	changes_json(ch, out);
	e = history_json(&a, hist, out);
out:
	PQclear(desk);
	PQclear(ch);
	PQclear(hist);
	app_free(&a);
	return e;
}

enum perr
review_view(struct req *r)
{
	struct actor who = req_actor(r);
	struct application a;
	struct db_batch b = { 0 };
	PGresult *hist = NULL;
	cJSON *h;
	enum perr e;

	app_load_add(&b, &who, r->id, &a);
	db_batch_add(&b, &st[RV_HISTORY], &hist, 1, DB_I(r->id));
	if ((e = db_batch_run(&b)) != PERR_OK)
		return e;
	if ((e = app_load_done(&a, r->msg, sizeof(r->msg))) == PERR_OK &&
	    (e = history_done(hist)) == PERR_OK) {
		cJSON_AddItemToObject(req_out(r), "application", app_detail_json(&a, &who));
		e = history_json(&a, hist, req_out(r));
		/* the reviewers' own ticks are their working notes, not the applicant's */
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(req_out(r), "history"))
			cJSON_DeleteItemFromObjectCaseSensitive(h, "checks");
	}
	PQclear(hist);
	app_free(&a);
	return e;
}

enum perr
review_file(struct req *r)
{
	struct actor who = req_actor(r);
	char *data, ctype[64], name[1024];	/* a file name of 200 characters */
	size_t len;
	enum perr e;

	e = app_file(&who, r->id, r->id2, &data, &len, ctype, sizeof(ctype), name, sizeof(name));
	if (e == PERR_NOT_FOUND)
		return req_fail(r, e, NULL, "文件不存在或无权查看");
	if (e != PERR_OK)
		return e;
	req_raw(r, data, len, ctype, r->f[0].present && r->f[0].b ? name : NULL);
	return PERR_OK;
}

enum perr
review_form(struct req *r)
{
	struct application a;
	char *doc;
	size_t len;
	enum perr e;

	if ((e = app_open(r, r->id, &a)) != PERR_OK)
		return e;
	e = doc_review_form(&a, &doc, &len);
	app_free(&a);
	if (e != PERR_OK)
		return e;
	req_raw(r, doc, len, "application/xhtml+xml; charset=utf-8", NULL);
	return PERR_OK;
}

/* ---------------------------------------------------------------- decisions */

enum { MV_ACTION, MV_STEP, MV_TEXT, MV_CHECKS };

const struct field review_move_fields[] = {
	[MV_ACTION] = { "action", "操作", F_STR, true, 1, 16, NULL, NULL },
	[MV_STEP] = { "step", "环节", F_INT, true, 1, 100, NULL, NULL },
	[MV_TEXT] = { "text", "意见或理由", F_LINES, false, 0, 1000, NULL, NULL },
	[MV_CHECKS] = { "checks", "审查要点", F_ARRAY, false, 0, 20, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* The ticked items as {"code": true, …} over the audience's checklist: the
 * codes must be its own, each at most once. *json is malloc'd or NULL. */
static enum perr
checks_json(struct req *r, const struct desk_conf *dc, const cJSON *ticked, char **json)
{
	PGresult *cl;
	cJSON *o;
	const cJSON *t;
	int i;
	enum perr e;

	*json = NULL;
	if (ticked == NULL)
		return PERR_OK;
	if ((e = db_run(&st[RV_CHECKLIST], &cl, 1, DB_S(dc->audience))) != PERR_OK)
		return e;
	o = cJSON_CreateObject();
	for (i = 0; i < PQntuples(cl); i++)
		cJSON_AddFalseToObject(o, db_str(cl, i, 0));
	cJSON_ArrayForEach(t, ticked) {
		cJSON *slot = cJSON_IsString(t) ?
		    cJSON_GetObjectItemCaseSensitive(o, t->valuestring) : NULL;

		if (slot == NULL || cJSON_IsTrue(slot)) {
			cJSON_Delete(o);
			PQclear(cl);
			return req_fail(r, PERR_INVALID_FIELD, "checks", "审查要点不正确");
		}
		cJSON_ReplaceItemInObjectCaseSensitive(o, t->valuestring, cJSON_CreateTrue());
	}
	PQclear(cl);
	*json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return PERR_OK;
}

static enum perr
parse_action(struct req *r, const char *s, enum chain_action *act)
{
	*act = chain_action_parse(s);
	if (*act == CHAIN__MAX || *act == CHAIN_SUBMIT)
		return req_fail(r, PERR_INVALID_FIELD, "action", "操作只能是通过、退回修改或不通过");
	return PERR_OK;
}

enum perr
review_move(struct req *r, const struct desk_conf *dc)
{
	struct actor who = req_actor(r);
	struct chain_extra x = { 0 };
	struct chain_result res;
	enum chain_action act;
	char *checks = NULL;
	enum perr e;

	if ((e = parse_action(r, r->f[MV_ACTION].s, &act)) != PERR_OK ||
	    (e = checks_json(r, dc, r->f[MV_CHECKS].present ? r->f[MV_CHECKS].a : NULL,
	    &checks)) != PERR_OK)
		return e;
	x.checks = checks;
	e = chain_move_ex(&who, r->id, (int)r->f[MV_STEP].i, act,
	    r->f[MV_TEXT].present ? r->f[MV_TEXT].s : NULL, &x, &res, r->msg, sizeof(r->msg));
	cJSON_free(checks);
	if (e == PERR_INVALID_FIELD)
		r->bad_field = "text";
	if (e != PERR_OK)
		return e;
	cJSON_AddBoolToObject(req_out(r), "ok", 1);
	cJSON_AddStringToObject(req_out(r), "state", res.state);
	cJSON_AddNumberToObject(req_out(r), "step", res.step);
	return PERR_OK;
}

enum { BT_ACTION, BT_TEXT, BT_ITEMS };

const struct field review_batch_fields[] = {
	[BT_ACTION] = { "action", "操作", F_STR, true, 1, 16, NULL, NULL },
	[BT_TEXT] = { "text", "意见", F_LINES, true, 1, 1000, NULL, NULL },
	[BT_ITEMS] = { "items", "申报", F_ARRAY, true, 1, BATCH_MAX, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static const struct field batch_item[] = {
	{ "id", "申报", F_INT, true, 1, 1LL << 50, NULL, NULL },
	{ "step", "环节", F_INT, true, 1, 100, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

/* Checks every selected row is {id, step} before any is acted on. */
static enum perr
batch_items(struct req *r, const cJSON *items)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, items) {
		struct fval v[FIELDS_MAX];
		const char *bad;
		char msg[256];

		if (!cJSON_IsObject(it) || field_check(it, batch_item, v, &bad, msg, sizeof(msg)) !=
		    PERR_OK)
			return req_fail(r, PERR_INVALID_FIELD, "items", "所选申报的格式不正确");
	}
	return PERR_OK;
}

/* Each selected row through chain_move() on its own: a row that moved
 * meanwhile reports 409 and the others still pass. Only 通过 goes in batch:
 * returns and refusals need a reason of their own. */
enum perr
review_batch(struct req *r, const struct desk_conf *dc)
{
	struct actor who = req_actor(r);
	enum chain_action act;
	const cJSON *it;
	cJSON *results;
	int ok = 0, failed = 0;
	enum perr e;

	(void)dc;
	if ((e = parse_action(r, r->f[BT_ACTION].s, &act)) != PERR_OK)
		return e;
	if (act != CHAIN_PASS)
		return req_fail(r, PERR_INVALID_FIELD, "action", "批量办理只能是通过，退回和不通过须逐件说明理由");
	if ((e = batch_items(r, r->f[BT_ITEMS].a)) != PERR_OK)
		return e;
	results = cJSON_AddArrayToObject(req_out(r), "results");
	cJSON_ArrayForEach(it, r->f[BT_ITEMS].a) {
		long long id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
		int step = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it, "step"));
		struct chain_result res;
		cJSON *o;
		char msg[512];

		e = chain_move(&who, id, step, act, r->f[BT_TEXT].s, &res, msg, sizeof(msg));
		o = review_result(results, id, e, msg);
		cJSON_AddNumberToObject(o, "status", err_status(e));
		if (e != PERR_OK)
			failed++;
		else {
			cJSON_AddStringToObject(o, "state", res.state);
			cJSON_AddNumberToObject(o, "step", res.step);
			ok++;
		}
		/* a database that went away stops the batch: the rest would fail alike */
		if (e == PERR_UNAVAILABLE)
			break;
	}
	cJSON_AddNumberToObject(req_out(r), "passed", ok);
	cJSON_AddNumberToObject(req_out(r), "failed", failed);
	return PERR_OK;
}

/* ---------------------------------------------------------------- opinions */

enum { OP_TEXT, OP_ACTION };

static bool
valid_opinion_action(const char *s)
{
	return strcmp(s, "pass") == 0 || strcmp(s, "return") == 0 || strcmp(s, "reject") == 0;
}

const struct field review_opinion_fields[] = {
	[OP_TEXT] = { "text", "意见", F_LINES, true, 1, 500, NULL, NULL },
	/* the decision it is kept for (通过 by default, 退回 and 不通过 their reasons) */
	[OP_ACTION] = { "action", "用于", F_STR, false, 1, 10, valid_opinion_action,
	    "常用意见只能用于通过、退回或不通过" },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

cJSON *
review_result(cJSON *results, long long id, enum perr e, const char *msg)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "ok", e == PERR_OK);
	if (e != PERR_OK) {
		cJSON_AddStringToObject(o, "code", err_code(e));
		cJSON_AddStringToObject(o, "message", msg[0] ? msg : err_message(e));
	}
	cJSON_AddItemToArray(results, o);
	return o;
}

enum perr
review_opinions(struct req *r)
{
	PGresult *res;
	cJSON *items;
	int i;
	enum perr e;

	if ((e = db_run(&st[RV_OPINIONS], &res, 1, DB_I(r->s.org_id))) != PERR_OK)
		return e;
	items = cJSON_AddArrayToObject(req_out(r), "items");
	for (i = 0; i < PQntuples(res); i++) {
		cJSON *it = cJSON_CreateObject();

		json_add_int(it, "id", db_int(res, i, 0));
		cJSON_AddStringToObject(it, "text", db_str(res, i, 1));
		cJSON_AddStringToObject(it, "action", db_str(res, i, 2));
		cJSON_AddItemToArray(items, it);
	}
	PQclear(res);
	return PERR_OK;
}

enum perr
review_opinion_add(struct req *r)
{
	PGresult *res = NULL;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	e = db_run(&st[RV_OPINION_ADD], &res, 4, DB_I(r->s.org_id), DB_S(r->f[OP_TEXT].s),
	    DB_I(r->s.user_id), DB_S(r->f[OP_ACTION].present ? r->f[OP_ACTION].s : "pass"));
	if (e == PERR_CONFLICT) {
		db_rollback();
		return req_fail(r, PERR_CONFLICT, "text", "已有相同的常用意见");
	}
	if (e != PERR_OK ||
	    (e = req_audit(r, "opinion_add", "opinion_template", db_int(res, 0, 0), NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK) {
		PQclear(res);
		db_rollback();
		return e;
	}
	cJSON_AddNumberToObject(req_out(r), "id", (double)db_int(res, 0, 0));
	PQclear(res);
	r->status = 201;
	return PERR_OK;
}

enum perr
review_opinion_delete(struct req *r)
{
	PGresult *res = NULL;
	enum perr e;

	if ((e = db_begin()) != PERR_OK)
		return e;
	if ((e = db_run(&st[RV_OPINION_DEL], &res, 2, DB_I(r->id), DB_I(r->s.org_id))) != PERR_OK)
		goto fail;
	if (PQntuples(res) != 1) {
		e = req_fail(r, PERR_NOT_FOUND, NULL, "常用意见不存在");
		goto fail;
	}
	if ((e = req_audit(r, "opinion_delete", "opinion_template", r->id, NULL)) != PERR_OK ||
	    (e = db_commit()) != PERR_OK)
		goto fail;
	PQclear(res);
	return PERR_OK;
fail:
	PQclear(res);
	db_rollback();
	return e;
}

/* ---------------------------------------------------------------- pass checks */

/*
 * What a 通过 of each selected row would meet now, before the clerk presses
 * it (the worklist's dialogs): whether the row is still this organisation's
 * to pass at the step the clerk saw, then the gates' verdict from the same
 * checks chain_move() refuses with (gate.c). With action "return" or
 * "reject" (one row's 退回修改 or 不通过): whether a committee's vote or a
 * passed interview holds it (gates_hold()). Nothing is locked or written;
 * the move itself still decides.
 */
enum { GQ_ITEMS, GQ_ACTION };

const struct field review_gates_fields[] = {
	[GQ_ITEMS] = { "items", "申报", F_ARRAY, true, 1, BATCH_MAX, NULL, NULL },
	[GQ_ACTION] = { "action", "操作", F_STR, false, 1, 16, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, NULL, NULL },
};

static struct db_stmt pc[] = {
	/* a row of the organisation's desk: its step, whether the action is ours
	 * to take, the chain, and the reference's version (ref_step_gates()) */
	{ "review_passable",
	    "SELECT a.step_seq, a.state = 'in_review' AND a.current_org_id = d.org_id"
	    " AND $3 = ANY (s.actions), a.pipeline_id, (SELECT n FROM ref_version), a.state,"
	    " a.current_org_id = d.org_id"
	    " FROM desk d JOIN application a ON a.id = d.application_id"
	    " JOIN pipeline_step s ON s.pipeline_id = a.pipeline_id AND s.seq = a.step_seq"
	    " WHERE d.org_id = $1 AND d.application_id = $2", 0 },
};

/* Adds one row's verdict on act to results: review_result()'s {id, ok,
 * code, message} and "gate" (a 通过's gates_verdict_json(), else null);
 * *ok tells whether the move would be taken. */
static enum perr
passable(const struct req *r, long long id, int step, enum chain_action act, cJSON *results,
    bool *ok)
{
	struct gate_state g[GATES_MAX];
	PGresult *res;
	cJSON *o, *v = NULL;
	int n = 0;
	enum perr e;

	*ok = false;
	if ((e = db_run(&pc[0], &res, 3, DB_I(r->s.org_id), DB_I(id),
	    DB_S(chain_action_name(act)))) != PERR_OK)
		return e;
	if (PQntuples(res) == 0)
		o = review_result(results, id, PERR_NOT_FOUND, "申报不存在，或不在您的审查范围内");
	else if (!db_bool(res, 0, 1) || db_int(res, 0, 0) != step) {
		char moved[200];

		if ((e = ref_sync(db_int(res, 0, 3))) != PERR_OK) {
			PQclear(res);
			return e;
		}
		const char *here = ref_step(db_int(res, 0, 2), db_int(res, 0, 0), NULL);

		/* still at the step, and the step has no such action */
		if (db_int(res, 0, 0) == step && strcmp(db_str(res, 0, 4), "in_review") == 0 &&
		    db_bool(res, 0, 5))
			(void)chain_disallowed_msg(here, act, moved, sizeof(moved));
		else
			(void)chain_moved_msg(db_str(res, 0, 4), here, moved, sizeof(moved));
		o = review_result(results, id, PERR_CONFLICT, moved);
	} else if (act != CHAIN_PASS) {
		bool unit;
		const char *names;
		char why[256] = "";

		if ((e = ref_sync(db_int(res, 0, 3))) != PERR_OK) {
			PQclear(res);
			return e;
		}
		names = ref_step_gates(db_int(res, 0, 2), step, &unit);
		e = names == NULL ? PERR_OK : gates_hold(id, step, names,
		    act == CHAIN_RETURN ? "退回" : "作不通过处理", why, sizeof(why));
		if (e != PERR_OK && e != PERR_GATE) {
			PQclear(res);
			return e;
		}
		*ok = e == PERR_OK;
		/* where a 评定 is published, the gate says whose reason a 不通过 publishes (sql/086) */
		if (*ok && act == CHAIN_REJECT && gates_has(names, "assessed")) {
			if ((e = gates_eval(id, g, GATES_MAX, &n)) != PERR_OK) {
				PQclear(res);
				return e;
			}
			v = gates_verdict_json(g, n);
		}
		o = review_result(results, id, *ok ? PERR_OK : PERR_GATE, why);
	} else if ((e = gates_eval(id, g, GATES_MAX, &n)) != PERR_OK) {
		PQclear(res);
		return e;
	} else {
		v = gates_verdict_json(g, n);
		*ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "met"));
		o = review_result(results, id, *ok ? PERR_OK : PERR_GATE,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "message")));
	}
	PQclear(res);
	cJSON_AddItemToObject(o, "gate", v != NULL ? v : cJSON_CreateNull());
	return PERR_OK;
}

/* POST /applications/gates {items: [{id, step}]}: {results, ready, refused}. */
enum perr
review_gates(struct req *r)
{
	const cJSON *it;
	cJSON *results;
	int ready = 0, refused = 0;
	enum chain_action act = CHAIN_PASS;
	bool ok;
	enum perr e;

	if (r->f[GQ_ACTION].present && (e = parse_action(r, r->f[GQ_ACTION].s, &act)) != PERR_OK)
		return e;
	if ((e = batch_items(r, r->f[GQ_ITEMS].a)) != PERR_OK)
		return e;
	results = cJSON_AddArrayToObject(req_out(r), "results");
	cJSON_ArrayForEach(it, r->f[GQ_ITEMS].a) {
		long long id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
		int step = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(it, "step"));

		if ((e = passable(r, id, step, act, results, &ok)) != PERR_OK)
			return e;
		if (ok)
			ready++;
		else
			refused++;
	}
	json_add_int(req_out(r), "ready", ready);
	json_add_int(req_out(r), "refused", refused);
	return PERR_OK;
}
