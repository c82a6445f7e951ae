/* suggest: "did you mean" for a query: words the index lacks (trawl_suggest) and words it has
 * far more rarely than a close one (trawl_suggest_rare), the query rewritten with the
 * suggestions, and that query as a command to copy. Depends on the public API only. */
#ifndef TRAWL_SEARCHER_SUGGEST_H
#define TRAWL_SEARCHER_SUGGEST_H

#include <stdint.h>
#include <stdio.h>

#include "common/trawl.h"

struct suggestion {
    const char *word; /* borrowed from the results */
    char *sug;        /* owned */
    int rare;         /* 1: the word is in the index, rarely (freqs below) */
    uint64_t word_freq, sug_freq;
    size_t i;         /* the word's place in the results' unknown (rare: known) words */
};

struct suggestions {
    struct suggestion *v;
    size_t n;
};

/* The suggestions for r's query words into out (released first by the caller's
 * suggest_release, or zeroed). Unknown words first, then rare ones, each in query order.
 * A failed lookup is no suggestion; returns -1 only when out of memory. */
int suggest_collect(trawl_index *ix, const trawl_results *r, struct suggestions *out);
void suggest_release(struct suggestions *s); /* frees what s owns; s may be zeroed */

/* query, the text r's search ran, with every occurrence of each suggested word (where r says
 * the word is: trawl_results_unknown_span, trawl_results_known_span) replaced by its
 * suggestion; the rest of the query, field values and accented neighbours included, as typed.
 * Owned, free(). NULL when no word was found to replace, or out of memory. */
char *suggest_rewrite(const char *query, const trawl_results *r, const struct suggestions *s);

/* Prints "trawl-search [--db DB] 'QUERY'" as a shell would take it: --db when db is not
 * what the program would use without it ($TRAWL_DB, else TRAWL_DEFAULT_PATH). */
void suggest_print_command(FILE *f, const char *db, const char *query);

#endif
