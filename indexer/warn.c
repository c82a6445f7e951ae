#include "indexer/warn.h"

#include <stdarg.h>
#include <stdio.h>

void warn_msg(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
