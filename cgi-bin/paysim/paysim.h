/* Handlers and configuration of the simulated payment gateway (paysim). */
#ifndef PAYSIM_H
#define PAYSIM_H

#include "portal.h"

extern const struct field sim_order_fields[];
extern const struct field sim_pay_fields[];

/* Its own configuration keys (paysim_secret, paysim_notify_url); see conf_program_keys. */
int sim_conf_key(const char *key, const char *value);

enum perr h_sim_health(struct req *);
enum perr h_sim_open(struct req *);
enum perr h_sim_pay(struct req *);

#endif
