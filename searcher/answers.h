/* answers: the evaluator's judge of passages by their content, as
 * ../shared/eval/answer_mrr.py judges them: answer-MRR@10 and top-1 for question-answering
 * sets. Pure: reads the answers file, returns a status, prints nothing.
 * Depends on trawl.h (status and error), measures.h (eval_error, eval_grow), jansson (the
 * answers file) and utf8proc (Python's str.lower()). */
#ifndef TRAWL_SEARCHER_ANSWERS_H
#define TRAWL_SEARCHER_ANSWERS_H

#include <stddef.h>

#include "common/trawl.h"

/* ---- Answers: passages judged by their content ----------------------------------------- */

struct eval_answers; /* question -> gold answer strings (lower-cased), and its score */

/* Reads answer_mrr.py's ANSWERS file: one JSON object a line, {"qid": ..., "answers": [...]}
 * (qid a string or an integer; blank lines skipped). A qid given twice keeps its first place
 * and its last answers, as a Python dict does. A line that is not such an object is
 * TRAWL_EINPUT naming the file and line. Every question starts unanswered (0). Owned:
 * eval_answers_free. */
int eval_answers_read(const char *path, struct eval_answers **out, struct trawl_error *err);
void eval_answers_free(struct eval_answers *a); /* NULL-safe */

/* Judges question qid on its ranking text[0..n) (lens[i] bytes each, best first): the
 * reciprocal rank of the first of the top `depth` that contains a gold answer string, both
 * lower-cased as Python's str.lower() does (answer_mrr.py's test), or 0. A qid that is not a
 * question of a is ignored. TRAWL_ENOMEM only. */
int eval_answers_judge(struct eval_answers *a, const char *qid, const char *const *text,
                       const size_t *lens, size_t n, unsigned depth, struct trawl_error *err);

/* The questions in file order (qid borrowed until eval_answers_free) with their reciprocal
 * ranks; the means over every question (answer-MRR, and top-1: the share answered at rank 1),
 * unjudged questions counting 0 (as answer_mrr.py counts them). */
size_t eval_answers_count(const struct eval_answers *a);
const char *eval_answers_qid(const struct eval_answers *a, size_t i);
double eval_answers_rr(const struct eval_answers *a, size_t i);
void eval_answers_mean(const struct eval_answers *a, double *mrr, double *top1);

/* Python's str.lower() of UTF-8 s[0..len): full lower-case mappings (U+0130 becomes "i"
 * and U+0307) and the final sigma rule, from utf8proc's Unicode data (whose version may lag or
 * lead Python's by one). Bytes that are not UTF-8 are copied as they are. Owned: free();
 * *out_len its length (it is NUL-terminated too). NULL only on OOM. */
char *eval_lower(const char *s, size_t len, size_t *out_len);

#endif
