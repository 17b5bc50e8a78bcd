/* Handlers of the unit program. */
#ifndef UNIT_H
#define UNIT_H

#include "portal.h"

/* page-review.c */
enum perr h_worklist(struct req *);
enum perr h_worklist_xlsx(struct req *);
enum perr h_application(struct req *);
enum perr h_move(struct req *);
enum perr h_batch(struct req *);

extern const struct field archive_review_fields[];
extern const struct field archive_query[];
enum perr h_unit_archive(struct req *);
enum perr h_unit_archive_review(struct req *);

/* page-register.c: a unit registers itself, and sees its registration until approved */
extern const struct field unit_register_fields[];
extern const struct field unit_reregister_fields[];
enum perr h_unit_register(struct req *);
enum perr h_unit_regions(struct req *);
enum perr h_unit_registration(struct req *);
enum perr h_unit_reregister(struct req *);

/* page-people.c: 人员 */
extern const struct field people_query[];
extern const struct field people_refuse_fields[];
enum perr h_unit_people(struct req *);
enum perr h_unit_person_confirm(struct req *);
enum perr h_unit_person_refuse(struct req *);

/* page-operators.c: 经办人 */
extern const struct field operator_fields[];
enum perr h_unit_operators(struct req *);
enum perr h_unit_operator_add(struct req *);
enum perr h_unit_operator_disable(struct req *);
enum perr h_unit_operator_enable(struct req *);
enum perr h_unit_operator_reset(struct req *);

#endif
