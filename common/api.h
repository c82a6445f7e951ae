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
int api_fail(struct trawl_error *out, const struct trawl_error *e);

/* Starts an API call: clears the caller's error (NULL-safe) and returns TRAWL_OK. */
int api_ok(struct trawl_error *out);

/* Hands article records to a caller's trawl_record_fn: the callback of index_each_article
 * with a struct api_records as ctx. fn NULL stops at the first record
 * (does the index hold any?); a stop asked for by fn sets stopped and is not a failure. */
struct api_records {
    trawl_record_fn fn;
    void *ctx;
    int stopped;
};
int api_record_each(void *ctx, const char *key, size_t klen, const struct trawl_record *a);

TRAWL_END_DECLS

#endif
