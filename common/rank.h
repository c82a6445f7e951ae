/* rank: trawl's ranking parameters and their defaults, in one place (chosen on purpose and
 * pinned by tests; see the README's Relevance section for how they were measured).
 * Depends on nothing. */
#ifndef TRAWL_COMMON_RANK_H
#define TRAWL_COMMON_RANK_H

/* BM25 (Robertson et al.) as Xapian's BM25Weight computes it. The textbook k1=1.2, b=0.75;
 * Xapian's own defaults are k1=1, b=0.5. */
#define RANK_K1 1.2
#define RANK_B 0.75
#define RANK_MIN_NORMLEN 0.5 /* Xapian's: a passage counts as at least half the average */

#endif
