/* api: what the public API's implementation files (trawl*.c) share: the public article type
 * and the conversion of internal errors into the public struct trawl_error. Internal: not
 * installed, not for programs. Depends on err and article. */
#ifndef TRAWL_COMMON_API_H
#define TRAWL_COMMON_API_H

#include "common/article.h"
#include "common/err.h"
#include "common/trawl.h"

TRAWL_BEGIN_DECLS

/* trawl_article is an article.h article behind an opaque name. */
struct trawl_article {
    struct article a;
};

/* Copies an internal error into the caller's (NULL-safe) and returns its code. */
int api_fail(struct trawl_error *out, const struct terr *e);

/* Starts an API call: clears the caller's error (NULL-safe) and returns TRAWL_OK. */
int api_ok(struct trawl_error *out);

TRAWL_END_DECLS

#endif
