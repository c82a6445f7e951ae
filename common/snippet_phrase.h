/* snippet_phrase: where a query's quoted phrases occur in a text, so that a phrase highlights
 * its occurrences only, never a lone word of it elsewhere ("interest rates" marks nothing in
 * "interest rate cuts"). Pure: works on the text's folded tokens, which the caller collects.
 * Also the home of struct index_hl, what to highlight, which the index layer fills in from a
 * query (index.h) and snippets read: it lives in the lower layer (common/LAYERS). Depends on
 * libc only. */
#ifndef TRAWL_COMMON_SNIPPET_PHRASE_H
#define TRAWL_COMMON_SNIPPET_PHRASE_H

#include <stddef.h>

#include "common/err.h" /* TRAWL_BEGIN_DECLS */

TRAWL_BEGIN_DECLS

/* What to highlight in a passage: the terms a query looks for (not its excluded ones). The
 * index layer's search fills it in (index_results.hl); its name is older than its home. */
struct index_hl {
    char **terms; size_t nterms;       /* index terms (stems), sorted */
    char **exact; size_t nexact;       /* folded words of quoted phrases, sorted */
    char **prefixes; size_t nprefixes; /* folded prefixes of wildcards */
    char **phrases; size_t nphrases;   /* each quoted phrase's folded words joined by
                                          INDEX_HL_SEP: its words mark only inside it */
};
#define INDEX_HL_SEP '\x1f' /* never inside a token: control characters are not words */

/* Sets keep[i] to 1 for each token i of a text that lies inside an occurrence of one of
 * hl->phrases, 0 for the others. Token i's folded form is store[offs[3i], offs[3i] +
 * offs[3i + 1]), and offs[3i + 2] its length without a possessive ending (analyze_base_len:
 * "england's" is an occurrence of the word "england"). Cannot fail. */
void snippet_phrase_cover(const struct index_hl *hl, const char *store, const size_t *offs,
                          size_t n, unsigned char *keep);

TRAWL_END_DECLS

#endif
