/* snippet: which words of a passage to highlight, and which part of a long passage to show.
 * Marks every token whose index term is a query term, whose folded form is an exact query
 * word, or whose term starts with a query prefix; merges marks separated only by white space;
 * picks the window of at most `width` bytes holding the most distinct query terms (earlier
 * windows and sentence starts win ties), cut at word boundaries.
 * Depends on analyze and snippet_phrase (struct index_hl). */
#ifndef TRAWL_COMMON_SNIPPET_H
#define TRAWL_COMMON_SNIPPET_H

#include <stddef.h>

#include "common/analyze.h"
#include "common/err.h"
#include "common/snippet_phrase.h"

TRAWL_BEGIN_DECLS

#define SNIPPET_WIDTH 480 /* default window in bytes */

struct snippet_mark {
    size_t start, end; /* byte range in the passage text */
};

struct snippet {
    size_t start, end;          /* the window shown, a byte range of the passage text */
    int cut_before, cut_after;  /* 1 where text was left out (show "…") */
    struct snippet_mark *marks; /* every mark in the whole passage, in order (malloc'ed) */
    size_t nmarks;
    size_t distinct;            /* distinct query terms found in the passage */
};

/* width 0: the whole passage. TRAWL_ENOMEM on OOM. */
int snippet_make(struct analyzer *an, const char *text, size_t len, const struct index_hl *hl,
                 size_t width, struct snippet *out, struct terr *err);
void snippet_release(struct snippet *s); /* NULL-safe */

TRAWL_END_DECLS

#endif
