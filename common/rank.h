/* rank: trawl's ranking parameters and their defaults, in one place (chosen on purpose and
 * pinned by tests; see docs/relevance.md for how they were measured on Cranfield
 * with `trawl-search --sweep`). Depends on nothing. */
#ifndef TRAWL_COMMON_RANK_H
#define TRAWL_COMMON_RANK_H

/* BM25 (Robertson et al.) as Xapian's BM25Weight computes it: for each query term,
 * idf * (k1 + 1) tf / (k1 ((1 - b) + b L) + tf), L = max(length / average, RANK_MIN_NORMLEN),
 * idf = log of the Robertson/Sparck Jones ratio (never below 0). Xapian's defaults are k1=1,
 * b=0.5; the textbook values are k1=1.2, b=0.75. trawl uses a larger k1 because every passage
 * also holds its article's title RANK_TITLE_WDF times: a title word's tf starts at
 * RANK_TITLE_WDF, and with k1=1.2 it saturates before the passage's own occurrences count
 * (Cranfield, article level, MAP: k1 1.2 0.3020, 2.0 0.3102, 2.5 0.3139, 3.0 0.3142). */
#define RANK_K1 2.5
#define RANK_B 0.75
#define RANK_MIN_NORMLEN 0.5

/* BM25 of the every-passage view (trawl-search --all-passages), which ranks passages as
 * answers on their own: the textbook k1 and b. On squad-dev-odd (answer-MRR@10;
 * docs/relevance.md, "Development sets") k1 2.5 gives .8589, k1 1.2 .8689, and k1 0.8 to 1.2
 * with b .75 to 1 all give .867 to .870: a plateau, so the textbook value rather than its
 * best point. The article views keep RANK_K1: there a passage also stands for its article. */
#define RANK_PASSAGE_K1 1.2
#define RANK_PASSAGE_B 0.75 /* Xapian's: a passage counts as at least half the average */

/* BM25+ (Lv and Zhai 2011), Xapian's BM25PlusWeight: adds delta per matching term and uses
 * idf log((N+1)/n). Not the default: it lost 0.001 to 0.010 MAP on Cranfield (delta 0 to 1).
 * Used by `trawl-search --sweep ...,delta=...` only. */
#define RANK_DELTA 1.0

/* Index time: each passage document holds its article's given title terms (not a title derived
 * from the first sentence) with this wdf per occurrence, besides its own text (0: none).
 * Changing it changes what the index holds: bump SCHEMA_VERSION. */
#define RANK_TITLE_WDF 4

/* Article ranking (index_artrank.c, docs/design.md "Ranking"): the best RANK_ART_DEPTH
 * articles (of the article database's BM25, or of the passage search without one) are ranked
 * by RANK_ART_ALPHA x their best passage's score + (1 - alpha) x a BM25 score of the whole
 * article (k1 RANK_ART_K1, b RANK_ART_B) with the title counted once; article df exact
 * (RANK_ART_DF 0) or the passage df (1). Chosen by the worst gap to the best peer over the
 * five article-level development sets (tests/relevance/devsets.py; docs/relevance.md): with
 * the article database depth 20 / 30 / 50 give +.0061 / +.0061 / +.0057 and alpha .2 / .3 /
 * .4 / .5 give -.0008 / +.0061 / -.0001 / +.0012. */
#define RANK_ART_DEPTH 30
#define RANK_ART_ALPHA 0.3
#define RANK_ART_K1 2.5
#define RANK_ART_B 0.75
#define RANK_ART_DF 0

/* The every-passage view (trawl-search --all-passages) fuses the other way round: its best
 * RANK_ART_DEPTH passages are ranked by RANK_PASSAGE_ALPHA x their own score + (1 - alpha) x
 * their article's BM25 (the same article score), a passage's own evidence first and its
 * article's second, the article view's weights mirrored. squad-dev-odd (answer-MRR@10):
 * alone .8737; article weight .2 / .3 / .5 / .6: .8766 / .8768 / .8767 / .8762 (a plateau);
 * chosen on either half of the questions, the other half gains .0022 and .0030. */
#define RANK_PASSAGE_ALPHA 0.7

/* Pseudo-relevance feedback (trawl-search --expand; off by default, docs/design.md
 * "Ranking"): the RANK_EXPAND_TERMS best terms of the RANK_EXPAND_DOCS best passages
 * (Xapian's ESet) weigh in at RANK_EXPAND_WEIGHT times their BM25 weight, on the passages the
 * query matches. */
#define RANK_EXPAND_DOCS 10
#define RANK_EXPAND_TERMS 20
#define RANK_EXPAND_WEIGHT 0.3

#endif
