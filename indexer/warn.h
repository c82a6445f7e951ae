/* warn: the indexer's one way to tell the user something went wrong: "trawl-index: message"
 * on stderr, after whatever stdout holds. Depends on libc only. */
#ifndef TRAWL_INDEXER_WARN_H
#define TRAWL_INDEXER_WARN_H

#define PROG "trawl-index"

/* Prints PROG ": ", the formatted message and a newline to stderr (stdout flushed first, so
 * the two streams interleave in order). */
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
