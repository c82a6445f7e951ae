#include "common/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char sbuf_empty[1];

void sbuf_init(struct sbuf *sb)
{
    sb->buf = sbuf_empty;
    sb->len = 0;
    sb->cap = 0;
}

void sbuf_release(struct sbuf *sb)
{
    if (sb == NULL)
        return;
    if (sb->cap)
        free(sb->buf);
    sbuf_init(sb);
}

void sbuf_reset(struct sbuf *sb)
{
    sb->len = 0;
    if (sb->cap)
        sb->buf[0] = '\0';
}

int sbuf_reserve(struct sbuf *sb, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > (size_t)-1 / 2 - sb->len)
        return TRAWL_ENOMEM;
    need = sb->len + extra + 1;
    if (need <= sb->cap)
        return TRAWL_OK;
    cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    p = realloc(sb->cap ? sb->buf : NULL, cap);
    if (p == NULL)
        return TRAWL_ENOMEM;
    if (!sb->cap)
        p[0] = '\0';
    sb->buf = p;
    sb->cap = cap;
    return TRAWL_OK;
}

int sbuf_add(struct sbuf *sb, const char *s, size_t len)
{
    if (sbuf_reserve(sb, len) != TRAWL_OK)
        return TRAWL_ENOMEM;
    if (len)
        memcpy(sb->buf + sb->len, s, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
    return TRAWL_OK;
}

int sbuf_adds(struct sbuf *sb, const char *s)
{
    return sbuf_add(sb, s, strlen(s));
}

int sbuf_addc(struct sbuf *sb, char c)
{
    return sbuf_add(sb, &c, 1);
}

int sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return TRAWL_EINTERNAL;
    if (sbuf_reserve(sb, (size_t)n) != TRAWL_OK)
        return TRAWL_ENOMEM;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return TRAWL_OK;
}

int sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = sbuf_vprintf(sb, fmt, ap);
    va_end(ap);
    return rc;
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
    char *p;

    if (!sb->cap && sbuf_reserve(sb, 0) != TRAWL_OK)
        return NULL;
    p = sb->buf;
    if (len)
        *len = sb->len;
    sbuf_init(sb);
    return p;
}
