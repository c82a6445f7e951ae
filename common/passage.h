/* passage: cuts an article body into passages, the unit trawl indexes and ranks.
 * Depends on libc only.
 *
 * The rule (the same as the benchmark's, so passage counts agree with the peers'):
 *  1. Split the body into paragraphs at blank lines (lines of only white space).
 *  2. Walk the paragraphs, adding each to the open passage; close it as soon as it holds at
 *     least min_words words (white-space separated). A last open passage shorter than
 *     min_words is merged into the previous one (if any).
 *  3. A passage of more than max_words words is cut into ceil(words / max_words) parts of
 *     near-equal word counts (the i-th cut at floor(i * words / parts) words); each cut moves to
 *     the nearest sentence end (". ", "? ", "! ", maybe with closing quotes, followed by a
 *     word; or a paragraph end) within a quarter of a part's length (ties: the earlier), else it
 *     falls between words. A cut never moves so far that a part exceeds max_words.
 *  4. A passage of more than max_bytes bytes is cut further at white space (or, failing that,
 *     at a UTF-8 character boundary) so no passage exceeds max_bytes. A word cut in two counts
 *     in both pieces.
 * White space is ASCII: space, \t, \n, \v, \f, \r. Passages never overlap, keep their order,
 * and cover every word of the body; a passage spans its paragraphs and the blank lines between
 * them. Leading and trailing white space is not part of a passage's range. Linear time. */
#ifndef TRAWL_COMMON_PASSAGE_H
#define TRAWL_COMMON_PASSAGE_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

/* The defaults are trawl.h's TRAWL_MIN_WORDS (20) and TRAWL_MAX_WORDS (300). 300: chosen on
 * the development sets (docs/relevance.md, "Development sets"): 200 cut one
 * paragraph in fifteen of squad-dev-odd in two, and cost time-dev .005 MAP; 400 costs
 * time-dev .014. */
#define PASSAGE_MAX_BYTES 65536

struct passage_opts {
    size_t min_words; /* >= 1 */
    size_t max_words; /* >= min_words */
    size_t max_bytes; /* >= 64 */
};
void passage_opts_init(struct passage_opts *o); /* the defaults above */

struct passage {
    size_t start, end; /* byte range [start, end) in the body */
    size_t words;
    unsigned ordinal;  /* 0, 1, ... in body order */
};

/* Splits body[0..len) (o NULL: the defaults). *out is a malloc'ed array of *n passages
 * (free() it); an empty or all-white-space body gives *n = 0 and *out = NULL.
 * TRAWL_ENOMEM or TRAWL_EINPUT (bad opts). */
int passage_split(const char *body, size_t len, const struct passage_opts *o,
                  struct passage **out, size_t *n, struct trawl_error *err);

TRAWL_END_DECLS

#endif
