/* eval: trawl's relevance evaluator. Reads TREC qrels and runs, runs a file of topics against
 * an index (article or passage docids), and scores runs as trec_eval 9.0.4+ does (and as the
 * independent tests/…/treceval.py does): MAP, nDCG@10, P@10, MRR@10, Recall@100, Recall@1000.
 * Also compares two runs query by query, and sweeps BM25 parameters over a grid.
 * Depends on common/index and common/query; part of trawl-search (it prints). */
#ifndef TRAWL_SEARCHER_EVAL_H
#define TRAWL_SEARCHER_EVAL_H

#include <stddef.h>
#include <stdio.h>

#include "common/err.h"
#include "common/index.h"

enum eval_measure {
    EVAL_MAP,
    EVAL_NDCG10,
    EVAL_P10,
    EVAL_MRR10,
    EVAL_R100,
    EVAL_R1000,
    EVAL_NMEASURES,
};

/* "MAP", "nDCG@10", ... (treceval.py's names). */
const char *eval_measure_name(enum eval_measure m);

/* ---- Qrels and runs ------------------------------------------------------------------- */

struct eval_qrels; /* qid -> docid -> grade */
struct eval_run;   /* qid -> (docid, score) */

/* Reads TREC qrels: "qid iter docid grade" per line, blank lines ignored. A grade that is not
 * an integer is read as a number and truncated (as treceval.py does). A line of another shape
 * or a duplicate judgement is TRAWL_EINPUT naming the file and line. */
int eval_qrels_read(const char *path, struct eval_qrels **out, struct terr *err);
void eval_qrels_free(struct eval_qrels *q); /* NULL-safe */

/* Reads a TREC run: "qid Q0 docid rank score tag" per line; the rank column is ignored. A
 * docid listed twice for one query is TRAWL_EINPUT (trec_eval refuses such runs too). */
int eval_run_read(const char *path, struct eval_run **out, struct terr *err);
/* An empty run (NULL on OOM), to fill with eval_run_add. */
struct eval_run *eval_run_new(void);
/* Appends one retrieved document (strings are copied). TRAWL_ENOMEM only. */
int eval_run_add(struct eval_run *r, const char *qid, const char *docid, double score);
void eval_run_free(struct eval_run *r); /* NULL-safe */
/* Writes r in TREC format (ranks after ordering as trec_eval does), tag in the last column. */
void eval_run_write(struct eval_run *r, const char *tag, FILE *out);

/* ---- Scores --------------------------------------------------------------------------- */

struct eval_scores {
    size_t n;                        /* queries evaluated */
    char **qids;                     /* n, in treceval.py's order (numeric ids first) */
    double (*v)[EVAL_NMEASURES];     /* n rows of per-query values */
    double mean[EVAL_NMEASURES];
};

/* Scores run against qrels the way trec_eval 9.0.4+ with -c does: each query's documents in
 * score order, ties by docid descending (byte-wise); a document is relevant when its grade is
 * >= 1; nDCG's gain is the grade; queries with no relevant document are left out; a query the
 * run does not answer scores 0; run queries without judgements are ignored. Sorts the run in
 * place. TRAWL_ENOMEM only. */
int eval_score(const struct eval_qrels *q, struct eval_run *r, struct eval_scores *out,
               struct terr *err);
void eval_scores_release(struct eval_scores *s);

/* ---- The evaluator as trawl-search runs it ------------------------------------------- */

struct eval_opts {
    const char *qrels;      /* --eval QRELS: score against these (NULL: print the run) */
    const char *queries;    /* --queries FILE: topics "qid<TAB>text", run on the index */
    const char *run;        /* --run FILE: score this run instead of searching */
    const char *compare[2]; /* --compare RUN_A RUN_B */
    const char *sweep;      /* --sweep SPEC, e.g. "k1=0.6:1.6:0.1,b=0.3:0.9:0.05" */
    int per_query;          /* -q */
    int json;               /* --json */
    int passages;           /* --docids passage: docids are "article#n" */
    unsigned depth;         /* results per query (default 1000) */
    const char *tag;        /* run tag when printing a run (--trec TAG) */
};

/* Whether o asks for the index (topics to run) or works on run files alone. */
int eval_needs_index(const struct eval_opts *o);

/* Runs what o asks for and prints it to out; errors go to stderr. Topics are plain text: each
 * word (split at white space) is analysed as the indexer analyses text and any may match; the
 * query syntax is not interpreted, so topics like "(a) - b" run as written. ix may be NULL when
 * eval_needs_index() is 0; so are the search options (k1, b...) of the topics' runs.
 * Returns the exit status: 0 done, 2 error. */
int eval_main(struct index *ix, const struct index_search_opts *so, const struct eval_opts *o,
              FILE *out);

/* Runs every topic of the TSV file path on ix and adds the results to run, depth per topic,
 * docids article ids (passages collapsed to the article by the best passage) or passage ids.
 * Scores are rounded as the TREC output prints them (6 decimals) so that a written run scores
 * the same. */
int eval_run_topics(struct index *ix, const struct index_search_opts *so, const char *path,
                    int passages, unsigned depth, struct eval_run *run, struct terr *err);

#endif
