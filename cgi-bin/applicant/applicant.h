/* Handlers of the applicant program. */
#ifndef APPLICANT_H
#define APPLICANT_H

#include "portal.h"

extern const struct field register_fields[];
enum perr h_register(struct req *);
enum perr h_applications(struct req *);
enum perr h_submit(struct req *);

#endif
