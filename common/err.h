/* err: the error object every fallible function in common/ fills in, with the status codes
 * of trawl.h (enum trawl_status), which the library passes through unchanged (api_fail).
 * Depends on libc and trawl.h only; C and C++ include it alike. */
#ifndef TRAWL_COMMON_ERR_H
#define TRAWL_COMMON_ERR_H

#include <stdio.h>
#include <stdlib.h>

#include "common/trawl.h"

#ifdef __cplusplus
#define TRAWL_BEGIN_DECLS extern "C" {
#define TRAWL_END_DECLS }
#else
#define TRAWL_BEGIN_DECLS
#define TRAWL_END_DECLS
#endif

TRAWL_BEGIN_DECLS

/* The error object is trawl.h's struct trawl_error (fixed size, so that reporting ENOMEM never
 * allocates): the library's functions fill it in and the API passes it through. */

/* Formats msg (err may be NULL), sets column 0, and returns code, so callers can write
 * `return terr_set(...)`. */
int terr_set(struct trawl_error *err, enum trawl_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes err->msg with "what: " (keeping the code); returns err->code. */
int terr_wrap(struct trawl_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one wording of "this index is damaged": TRAWL_EINDEX with "the index at 'INDEX' is
 * damaged: DETAIL (xapian-check can tell more; trawl-index --rebuild rebuilds it)", the
 * xapian-check hint only when xapian_check is non-zero (Xapian's tables are what is damaged,
 * not trawl's own records, which xapian-check does not read). index may be NULL. */
int terr_damaged(struct trawl_error *err, const char *index, const char *detail, int xapian_check);

/* A short name for a status code ("out of memory", "index error", ...). */
const char *terr_name(int code);

/* A broken invariant: a bug, not an error. Prints file:line and aborts. */
#define TRAWL_BUG(what)                                                                        \
    do {                                                                                       \
        fprintf(stderr, "trawl: bug at %s:%d: %s\n", __FILE__, __LINE__, (what));              \
        abort();                                                                               \
    } while (0)

TRAWL_END_DECLS

#endif
