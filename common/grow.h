/* grow: room for one more element at the end of a doubling array, the one way the modules
 * append to their arrays (tokens, passages, docids, strings...), overflow checked once here.
 * Depends only on libc. */
#ifndef TRAWL_COMMON_GROW_H
#define TRAWL_COMMON_GROW_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

/* v holds n elements of size bytes in room for *cap (v is NULL while *cap is 0). Returns v
 * itself when n < *cap; otherwise v reallocated with room for twice as many (first at the
 * first allocation), *cap updated. NULL on OOM or size overflow: v is then still valid and
 * still the caller's. Use as: `T *v = grow(a->v, a->n, &a->cap, sizeof *v, 16)`. */
void *grow_more(void *v, size_t *cap, size_t size, size_t first); /* the n == *cap case */
static inline void *grow(void *v, size_t n, size_t *cap, size_t size, size_t first)
{
    /* Inline: appenders run per token, and most calls find room. */
    return n < *cap ? v : grow_more(v, cap, size, first);
}

TRAWL_END_DECLS

#endif
