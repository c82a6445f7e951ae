/* measures: the evaluator's pure half. Reads TREC qrels and runs and scores runs as
 * trec_eval 9.0.4+ does (and as the independent treceval.py does): MAP, nDCG@10, P@10,
 * MRR@10, Recall@100, Recall@1000 (answers.h scores passages by their content). No index
 * and no printing:
 * reads files, writes a run file when asked, returns a status. The names keep the
 * evaluator's eval_ prefix: eval.c (topics, sweeps, comparisons, output) is its other half.
 * Depends on the public trawl.h (for its status codes and error object). */
#ifndef TRAWL_SEARCHER_MEASURES_H
#define TRAWL_SEARCHER_MEASURES_H

#include <stddef.h>
#include <stdio.h>

#include "common/trawl.h"

enum eval_measure {
    EVAL_MAP,
    EVAL_NDCG10,
    EVAL_P10,
    EVAL_MRR10,
    EVAL_R100,
    EVAL_R1000,
    EVAL_NMEASURES,
};

/* "MAP", "nDCG@10", ... (treceval.py's names). Static storage. */
const char *eval_measure_name(enum eval_measure m);

/* Fills err (may be NULL) with code and a formatted message; returns code. */
int eval_error(struct trawl_error *err, enum trawl_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- Qrels and runs ------------------------------------------------------------------- */

struct eval_qrels; /* qid -> docid -> grade */
struct eval_run;   /* qid -> (docid, score) */

/* Reads TREC qrels: "qid iter docid grade" per line, blank lines ignored. A grade that is not
 * an integer is read as a number and truncated (as treceval.py does). A line of another shape
 * or a duplicate judgement is TRAWL_EINPUT naming the file and line. Owned: eval_qrels_free. */
int eval_qrels_read(const char *path, struct eval_qrels **out, struct trawl_error *err);
void eval_qrels_free(struct eval_qrels *q); /* NULL-safe */

/* Reads a TREC run: "qid Q0 docid rank score tag" per line; the rank column is ignored. A
 * docid listed twice for one query is TRAWL_EINPUT (trec_eval refuses such runs too). */
int eval_run_read(const char *path, struct eval_run **out, struct trawl_error *err);
/* An empty run (NULL on OOM), to fill with eval_run_add. Owned: eval_run_free. */
struct eval_run *eval_run_new(void);
/* Appends one retrieved document (strings are copied). TRAWL_ENOMEM only. */
int eval_run_add(struct eval_run *r, const char *qid, const char *docid, double score);
void eval_run_free(struct eval_run *r); /* NULL-safe */
/* Writes r as a TREC run file (ranks after ordering as trec_eval does), tag in the last
 * column. */
void eval_run_write(struct eval_run *r, const char *tag, FILE *out);

/* ---- Scores --------------------------------------------------------------------------- */

struct eval_scores {
    size_t n;                        /* queries evaluated */
    char **qids;                     /* n, in treceval.py's order (numeric ids first);
                                        borrowed from the qrels */
    double (*v)[EVAL_NMEASURES];     /* n rows of per-query values */
    double mean[EVAL_NMEASURES];
};

/* Scores run against qrels the way trec_eval 9.0.4+ with -c does: each query's documents in
 * score order, ties by docid descending (byte-wise); a document is relevant when its grade is
 * >= 1; nDCG's gain is the grade; queries with no relevant document are left out; a query the
 * run does not answer scores 0; run queries without judgements are ignored. Sorts the run in
 * place. TRAWL_ENOMEM only. Release out with eval_scores_release (q must outlive it). */
int eval_score(const struct eval_qrels *q, struct eval_run *r, struct eval_scores *out,
               struct trawl_error *err);
void eval_scores_release(struct eval_scores *s);

/* Makes room for element n of *v (capacity *cap, elements of size bytes), doubling: 0, or -1
 * on OOM (v untouched). */
int eval_grow(void **v, size_t *cap, size_t n, size_t size);

#endif
