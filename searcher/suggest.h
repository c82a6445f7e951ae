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

/* query with every whole-word occurrence of each suggested word (compared case-insensitively
 * in ASCII, as the words are case-folded) replaced by its suggestion: owned, free(). NULL when
 * no word was found to replace, or out of memory. */
char *suggest_rewrite(const char *query, const struct suggestions *s);

/* Prints "trawl-search [--db DB] 'QUERY'" as a shell would take it: --db when db is not
 * what the program would use without it ($TRAWL_DB, else TRAWL_DEFAULT_PATH). */
void suggest_print_command(FILE *f, const char *db, const char *query);

#endif
