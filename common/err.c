#include "common/err.h"

#include <stdarg.h>
#include <string.h>

int terr_set(struct trawl_error *err, enum trawl_status code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        err->column = 0;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return (int)code;
}

int terr_wrap(struct trawl_error *err, const char *fmt, ...)
{
    char prefix[sizeof err->msg];
    char old[sizeof err->msg];
    va_list ap;

    if (err == NULL)
        return TRAWL_EINTERNAL;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* prefix, ": ", old message; cut to fit (a long message is still a message). */
    {
        size_t cap = sizeof err->msg - 1, n = strnlen(prefix, cap);
        memcpy(err->msg, prefix, n);
        for (const char *s = ": "; *s && n < cap; s++)
            err->msg[n++] = *s;
        for (size_t i = 0; old[i] && n < cap; i++)
            err->msg[n++] = old[i];
        err->msg[n] = '\0';
    }
    return (int)err->code;
}

int terr_damaged(struct trawl_error *err, const char *index, const char *detail, int xapian_check)
{
    char d[sizeof err->msg];

    if (err == NULL)
        return TRAWL_EINDEX;
    /* detail may be err->msg itself (a decoder's message being reworded). */
    snprintf(d, sizeof d, "%s", detail ? detail : "");
    if (index == NULL)
        return terr_set(err, TRAWL_EINDEX, "the index is damaged: %s (%strawl-index --rebuild "
                        "rebuilds it)", d, xapian_check ? "xapian-check can tell more; " : "");
    return terr_set(err, TRAWL_EINDEX,
                    "the index at '%s' is damaged: %s (%strawl-index --rebuild rebuilds it)", index,
                    d, xapian_check ? "xapian-check can tell more; " : "");
}

const char *terr_name(int code)
{
    switch (code) {
    case TRAWL_OK: return "ok";
    case TRAWL_ENOMEM: return "out of memory";
    case TRAWL_EIO: return "i/o error";
    case TRAWL_EINPUT: return "bad input";
    case TRAWL_EINDEX: return "index error";
    case TRAWL_ELOCKED: return "index locked";
    case TRAWL_ERETRY: return "index modified";
    case TRAWL_ENOTFOUND: return "not found";
    case TRAWL_ECANCELLED: return "cancelled";
    default: return "internal error";
    }
}
