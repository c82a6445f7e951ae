/* jsonl: reads articles from JSON Lines files, plain or gzip-compressed (zlib reads both).
 * One object per line: "id" (a string, or an integer taken as its decimal text) and "text"
 * (a string) are required; "title", "date" (YYYY-MM-DD), "url", "source" are optional strings
 * (null or another type counts as absent, except that a "date" that is not a string is a bad
 * date). Unknown fields are ignored. Blank lines (only spaces, tabs, CR) are skipped.
 * Depends on zlib, jansson and article.h. */
#ifndef TRAWL_COMMON_JSONL_H
#define TRAWL_COMMON_JSONL_H

#include <stddef.h>

#include "common/article.h"
#include "common/err.h"

TRAWL_BEGIN_DECLS

struct jsonl;

/* max_line: longest line accepted, in bytes (longer lines are skipped with an error naming
 * the limit). Cannot open: TRAWL_EIO with strerror. */
int jsonl_open(const char *path, size_t max_line, struct jsonl **out, struct trawl_error *err);
void jsonl_close(struct jsonl *r); /* NULL-safe */

/* Reads the next article into a (initialised; its old contents are released first, and it is
 * left empty unless *got = 1). Returns TRAWL_OK and sets *got = 1 for an article, *got = 0
 * at the end of the file. A malformed line (bad JSON, missing id or text, too long) returns
 * TRAWL_EINPUT with "line N: why"; the next call continues after it. A read error (corrupt
 * or truncated gzip, I/O) returns TRAWL_EIO and the reader is finished (then *got = 0). */
int jsonl_next(struct jsonl *r, struct article *a, int *got, struct trawl_error *err);

/* Line number of the last line read (1-based). */
size_t jsonl_line(const struct jsonl *r);

/* Bytes of (uncompressed) input consumed so far, for progress reports. */
size_t jsonl_bytes(const struct jsonl *r);

/* Bytes of the file itself (compressed, for .gz) read so far: progress against its size. */
size_t jsonl_file_offset(const struct jsonl *r);

TRAWL_END_DECLS

#endif
