/* err: status codes and the error object every fallible function in common/ fills in.
 * Depends on libc only; C and C++ include it alike. The base layer (common/LAYERS): it does not
 * include trawl.h, whose status codes it repeats. */
#ifndef TRAWL_COMMON_ERR_H
#define TRAWL_COMMON_ERR_H

#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
#define TRAWL_BEGIN_DECLS extern "C" {
#define TRAWL_END_DECLS }
#else
#define TRAWL_BEGIN_DECLS
#define TRAWL_END_DECLS
#endif

TRAWL_BEGIN_DECLS

/* The public status codes, the same in trawl.h, which programs see: the library passes them
 * through unchanged (api_fail). Written twice so that the lowest layer does not include the
 * highest; tests/layers_test.py fails when the two copies differ. Whichever header comes first
 * defines the enum. */
#ifndef TRAWL_STATUS_DEFINED
#define TRAWL_STATUS_DEFINED
enum trawl_status {
    TRAWL_OK = 0,
    TRAWL_ENOMEM,    /* allocation failed */
    TRAWL_EIO,       /* the file system said no; the errno text is in the message */
    TRAWL_EINPUT,    /* the caller's input is wrong (query syntax, option, article): fix it */
    TRAWL_EINDEX,    /* index missing, damaged, or of another schema: the message says what */
    TRAWL_ELOCKED,   /* another process holds the index's write lock */
    TRAWL_ERETRY,    /* the index changed under a reader too often: trawl_reopen, try again */
    TRAWL_ENOTFOUND, /* the thing asked for is not there (not always an error) */
    TRAWL_EINTERNAL, /* a bug in trawl or a library it uses: please report it */
    TRAWL_ECANCELLED, /* the caller's cancel flag stopped the call (trawl_search_opts) */
};
#endif

/* Fixed size so that reporting ENOMEM never allocates. */
struct terr {
    enum trawl_status code;
    char msg[512];
};

/* Formats msg (err may be NULL) and returns code, so callers can write `return terr_set(...)`. */
int terr_set(struct terr *err, enum trawl_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes err->msg with "what: " (keeping the code); returns err->code. */
int terr_wrap(struct terr *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one wording of "this index is damaged": TRAWL_EINDEX with "the index at 'INDEX' is
 * damaged: DETAIL (xapian-check can tell more; trawl-index --rebuild rebuilds it)", the
 * xapian-check hint only when xapian_check is non-zero (Xapian's tables are what is damaged,
 * not trawl's own records, which xapian-check does not read). index may be NULL. */
int terr_damaged(struct terr *err, const char *index, const char *detail, int xapian_check);

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
