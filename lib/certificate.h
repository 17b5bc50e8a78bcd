/*
 * certificate.h: between the results documents (results.c) and the
 * certificates (certificate.c), inside the library.
 */
#ifndef CERTIFICATE_H
#define CERTIFICATE_H

#include "portal.h"

/* The certificate of application app, listed in results document *(long
 * long *)doc_id: a chain_move_ex() hook (the pass that completes the
 * application writes it in the same transaction), also called in a
 * transaction of its own for one completed meanwhile. A second call for the
 * same application writes nothing. */
enum perr cert_create(long long app, void *doc_id);

/* Verification codes answered "unknown" per address and hour before /verify/
 * answers 429 (the codes have 128 random bits: this only keeps a walker slow). */
#define VERIFY_MISSES_PER_HOUR 30

#endif
