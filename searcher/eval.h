/* eval: trawl's relevance evaluator as trawl-search runs it: runs a file of topics against an
 * index (article or passage docids), scores runs with measures.h, compares two runs query by
 * query, sweeps BM25 parameters over a grid, judges passages by the answers they contain
 * (--eval-answers), and prints the results.
 * Depends on the public trawl.h and measures.h; part of trawl-search (it prints). */
#ifndef TRAWL_SEARCHER_EVAL_H
#define TRAWL_SEARCHER_EVAL_H

#include <stdio.h>

#include "common/trawl.h"
#include "searcher/measures.h"

struct eval_opts {
    const char *qrels;      /* --eval QRELS: score against these (NULL: print the run) */
    const char *queries;    /* --queries FILE: topics "qid<TAB>text", run on the index */
    const char *run;        /* --run FILE: score this run instead of searching */
    const char *compare[2]; /* --compare RUN_A RUN_B */
    const char *sweep;      /* --sweep SPEC, e.g. "k1=0.6:1.6:0.1,b=0.3:0.9:0.05" */
    const char *answers;    /* --eval-answers FILE: judge the topics' passages by content */
    int per_query;          /* -q */
    int json;               /* --json */
    int passages;           /* --docids passage: docids are "article#n" */
    unsigned depth;         /* results per query (default 1000; answers: 10, also the
                               depth answer-MRR is computed at) */
    const char *tag;        /* run tag when printing a run (--trec TAG) */
};

/* Whether o asks for the index (topics to run) or works on run files alone. */
int eval_needs_index(const struct eval_opts *o);

/* Runs what o asks for and prints it to out; errors go to stderr. Topics are plain text
 * (trawl_search_opts.plain): each word (split at white space) is analysed as the indexer
 * analyses text and any may match; the query syntax is not interpreted, so topics like
 * "(a) - b" run as written. ix may be NULL when eval_needs_index() is 0; so are the search
 * options (k1, b...) of the topics' runs. Returns the exit status: 0 done, 2 error. */
int eval_main(trawl_index *ix, const struct trawl_search_opts *so, const struct eval_opts *o,
              FILE *out);

/* Runs every topic of the TSV file path on ix and adds the results to run, depth per topic,
 * docids article ids (passages collapsed to the article by the best passage) or passage ids.
 * Scores are rounded as the TREC output prints them (6 decimals) so that a written run scores
 * the same. */
int eval_run_topics(trawl_index *ix, const struct trawl_search_opts *so, const char *path,
                    int passages, unsigned depth, struct eval_run *run,
                    struct trawl_error *err);

#endif
