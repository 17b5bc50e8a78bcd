/*
 * xlsx.c: the spreadsheets users download (worklists, 公示表, statistics) as
 * real .xlsx files written by libxlsxwriter: each sheet a title row, a bold
 * header, one row per record. libxlsxwriter writes to a file, so the
 * workbook goes through a private temporary file that is read back and
 * removed at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "portal.h"

static enum perr
slurp(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;

	*data = NULL;
	if (f == NULL || fstat(fileno(f), &sb) != 0 || sb.st_size <= 0 ||
	    (*data = malloc((size_t)sb.st_size)) == NULL ||
	    fread(*data, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		if (f != NULL)
			fclose(f);
		free(*data);
		*data = NULL;
		return PERR_INTERNAL;
	}
	fclose(f);
	*len = (size_t)sb.st_size;
	return PERR_OK;
}

/* Whether header h ends in the words end. */
static bool
ends_in(const char *h, const char *end)
{
	size_t hl = strlen(h), el = strlen(end);

	return hl >= el && strcmp(h + hl - el, end) == 0;
}

/* One sheet into the workbook: the title row, the bold header, the rows;
 * printed on A4 across, as wide as the paper, the header on every page. A
 * column whose header ends in （元） is money: its numbers show two decimals
 * (260.00), as a reconciliation reads them; one whose header ends in 率 or 比例
 * holds fractions shown as 66.7% (numbers a clerk can sort and sum, not text). */
static void
sheet_write(lxw_workbook *wb, const struct xlsx_sheet *sh, lxw_format *bold, lxw_format *big,
    lxw_format *wrap, lxw_format *money, lxw_format *percent)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, sh->name);
	const cJSON *row, *cell;
	int c, n = 0;

	worksheet_write_string(ws, 0, 0, sh->title, big);
	for (c = 0; c < sh->ncols; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, sh->widths[c], NULL);
		worksheet_write_string(ws, 1, (lxw_col_t)c, sh->head[c], bold);
	}
	worksheet_freeze_panes(ws, 2, 0);
	worksheet_set_paper(ws, 9);	/* A4 */
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 1, 1);
	cJSON_ArrayForEach(row, sh->rows) {
		c = 0;
		cJSON_ArrayForEach(cell, row) {
			if (cJSON_IsNumber(cell))
				worksheet_write_number(ws, (lxw_row_t)(n + 2), (lxw_col_t)c,
				    cell->valuedouble, c >= sh->ncols ? NULL :
				    ends_in(sh->head[c], "（元）") ? money :
				    ends_in(sh->head[c], "率") || ends_in(sh->head[c], "比例") ?
				    percent : NULL);
			else if (cJSON_IsString(cell))
				worksheet_write_string(ws, (lxw_row_t)(n + 2), (lxw_col_t)c,
				    cell->valuestring, wrap);
			c++;
		}
		n++;
	}
}

enum perr
xlsx_reply_sheets(struct req *r, const char *filename, const struct xlsx_sheet *sheets,
    int nsheets)
{
	char path[] = "/tmp/zcps-xlsx-XXXXXX";
	lxw_workbook *wb;
	lxw_format *bold, *big, *wrap, *money, *percent;
	char *data = NULL;
	size_t len = 0;
	int fd, i;
	enum perr e;

	if ((fd = mkstemp(path)) < 0) {
		log_err("msg=\"cannot make a temporary file\" errno=%d", errno);
		return PERR_INTERNAL;
	}
	close(fd);
	if ((wb = workbook_new(path)) == NULL) {
		unlink(path);
		return PERR_INTERNAL;
	}
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_bg_color(bold, 0xEEEEEE);
	format_set_border(bold, LXW_BORDER_THIN);
	big = workbook_add_format(wb);
	format_set_bold(big);
	format_set_font_size(big, 14);
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	money = workbook_add_format(wb);
	format_set_num_format(money, "#,##0.00");
	percent = workbook_add_format(wb);
	format_set_num_format(percent, "0.0%");
	for (i = 0; i < nsheets; i++)
		sheet_write(wb, &sheets[i], bold, big, wrap, money, percent);
	if (workbook_close(wb) != LXW_NO_ERROR) {
		unlink(path);
		return PERR_INTERNAL;
	}
	e = slurp(path, &data, &len);
	unlink(path);
	if (e != PERR_OK)
		return e;
	req_raw(r, data, len, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    filename);
	return PERR_OK;
}

enum perr
xlsx_reply(struct req *r, const char *filename, const char *sheet, const char *title,
    const char *const *head, const int *widths, int ncols, const cJSON *rows)
{
	const struct xlsx_sheet one = { sheet, title, head, widths, ncols, rows };

	return xlsx_reply_sheets(r, filename, &one, 1);
}
