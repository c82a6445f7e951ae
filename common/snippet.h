/* snippet: which words of a passage to highlight, and which part of a long passage to show.
 * Marks every token whose index term is a query term, whose folded form is an exact query
 * word, or whose term starts with a query prefix; merges marks separated only by white space;
 * picks the window of at most `width` bytes holding the most distinct query terms (earlier
 * windows and sentence starts win ties), cut at word boundaries.
 * Depends on analyze, snippet_phrase (struct index_hl) and trawl.h's snippet types. */
#ifndef TRAWL_COMMON_SNIPPET_H
#define TRAWL_COMMON_SNIPPET_H

#include <stddef.h>

#include "common/analyze.h"
#include "common/err.h"
#include "common/snippet_phrase.h"

TRAWL_BEGIN_DECLS

/* Fills out, trawl.h's struct trawl_snippet: the window of text[0..len) shown (width 0: the
 * whole text), and every mark of the whole text in order (malloc'ed). TRAWL_ENOMEM on OOM. */
int snippet_make(struct analyzer *an, const char *text, size_t len, const struct index_hl *hl,
                 size_t width, struct trawl_snippet *out, struct trawl_error *err);
void snippet_release(struct trawl_snippet *s); /* NULL-safe */

TRAWL_END_DECLS

#endif
