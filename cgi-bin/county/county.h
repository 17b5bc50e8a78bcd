/* Handlers of the county program. */
#ifndef COUNTY_H
#define COUNTY_H

#include "portal.h"

/* page-review.c */
enum perr h_worklist(struct req *);
enum perr h_worklist_xlsx(struct req *);
enum perr h_application(struct req *);
enum perr h_move(struct req *);
enum perr h_batch(struct req *);

#endif
