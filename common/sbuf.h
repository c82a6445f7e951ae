/* sbuf: a growable byte string. buf is never NULL and always NUL-terminated (the NUL is not
 * counted in len), so it can be handed to printf and to (ptr, len) APIs alike.
 * Depends only on libc. Functions that grow it return TRAWL_OK or TRAWL_ENOMEM. */
#ifndef TRAWL_COMMON_SBUF_H
#define TRAWL_COMMON_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

struct sbuf {
    char *buf;  /* never NULL; points at a static "" until the first growth */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated, 0 while buf is the static "" */
};

void sbuf_init(struct sbuf *sb);
void sbuf_release(struct sbuf *sb); /* frees the storage and re-initialises; NULL-safe */
void sbuf_reset(struct sbuf *sb);   /* len = 0, keeps the storage */

/* The byte order of a[0..alen) and b[0..blen), a prefix before what extends it: < 0, 0 or
 * > 0 as memcmp (Xapian's order of terms and of spelling words). */
static inline int sbuf_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    return c != 0 ? c : (alen > blen) - (alen < blen);
}
int sbuf_reserve(struct sbuf *sb, size_t extra);
int sbuf_add(struct sbuf *sb, const char *s, size_t len);
int sbuf_adds(struct sbuf *sb, const char *s);
int sbuf_addc(struct sbuf *sb, char c);
int sbuf_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
/* Takes ownership of the bytes: returns a malloc'ed NUL-terminated string (never the static "")
 * and re-initialises sb. NULL only on OOM. */
char *sbuf_detach(struct sbuf *sb, size_t *len);

TRAWL_END_DECLS

#endif
