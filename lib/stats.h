/*
 * stats.h: the statistics dashboard (统计分析) of the departments (county,
 * city, hrb) and the operator (stats.c): the applications that reached the
 * department (the operator: every submitted one) by current step, county,
 * 申报类型 and 申报方式; the department's decisions (通过 / 退回修改 / 不通过)
 * with their rates; the working days its steps took (median, 90th
 * percentile). Each program's route table lists the two routes with these
 * handlers.
 */
#ifndef STATS_H
#define STATS_H

#include "portal.h"

/* GET /stats and /stats.xlsx: the query both take (plan: one 评审工作计划). */
PORTAL_API extern const struct field stats_query[];
/* The figures as JSON (docs/api.md). */
PORTAL_API enum perr stats_get(struct req *);
/* The same figures as an .xlsx workbook, one sheet per table. */
PORTAL_API enum perr stats_xlsx(struct req *);

#endif
