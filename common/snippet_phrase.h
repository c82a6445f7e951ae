/* snippet_phrase: where a query's quoted phrases occur in a text, so that a phrase highlights
 * its occurrences only, never a lone word of it elsewhere ("interest rates" marks nothing in
 * "interest rate cuts"). Pure: works on the text's folded tokens, which the caller collects.
 * Depends on index.h (struct index_hl) only. */
#ifndef TRAWL_COMMON_SNIPPET_PHRASE_H
#define TRAWL_COMMON_SNIPPET_PHRASE_H

#include <stddef.h>

#include "common/err.h"
#include "common/index.h"

TRAWL_BEGIN_DECLS

/* Sets keep[i] to 1 for each token i of a text that lies inside an occurrence of one of
 * hl->phrases, 0 for the others. Token i's folded form is store[offs[3i], offs[3i] +
 * offs[3i + 1]), and offs[3i + 2] its length without a possessive ending (analyze_base_len:
 * "england's" is an occurrence of the word "england"). Cannot fail. */
void snippet_phrase_cover(const struct index_hl *hl, const char *store, const size_t *offs,
                          size_t n, unsigned char *keep);

TRAWL_END_DECLS

#endif
