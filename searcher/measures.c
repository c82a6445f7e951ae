/* measures: the evaluator's pure half (see measures.h); answers are in answers.c. */
#include "searcher/measures.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int eval_error(struct trawl_error *err, enum trawl_status code, const char *fmt, ...)
{
    va_list ap;

    if (err != NULL) {
        err->code = code;
        err->column = 0;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return (int)code;
}

static const char *const measure_names[EVAL_NMEASURES] = {
    "MAP", "nDCG@10", "P@10", "MRR@10", "R@100", "R@1000",
};

const char *eval_measure_name(enum eval_measure m)
{
    return (unsigned)m < EVAL_NMEASURES ? measure_names[m] : "?";
}

/* ---- Query ids -------------------------------------------------------------------------- */

static int all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* treceval.py's order: numeric ids by value first, then the others; equal values by the
 * string. Equal only for equal strings, so it also serves to group a run by query. */
static int cmp_qid(const char *a, const char *b)
{
    int da = all_digits(a), db = all_digits(b);

    if (da != db)
        return da ? -1 : 1;
    if (da) {
        const char *x = a, *y = b;
        size_t lx, ly;
        int c;
        while (*x == '0' && x[1] != '\0')
            x++;
        while (*y == '0' && y[1] != '\0')
            y++;
        lx = strlen(x);
        ly = strlen(y);
        if (lx != ly)
            return lx < ly ? -1 : 1;
        if ((c = strcmp(x, y)) != 0)
            return c;
    }
    return strcmp(a, b);
}

/* ---- Reading qrels and runs ------------------------------------------------------------- */

struct judgement {
    char *qid, *docid;
    long grade;
    size_t line;
};

struct eval_qrels {
    struct judgement *v;
    size_t n, cap;
};

struct retrieved {
    char *qid, *docid;
    double score;
    size_t line;
};

struct eval_run {
    struct retrieved *v;
    size_t n, cap;
};

/* Splits line (modified) at white space into at most max fields; returns how many. */
static size_t split_fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *save = NULL;

    for (char *t = strtok_r(line, " \t\r\n\v\f", &save); t != NULL;
         t = strtok_r(NULL, " \t\r\n\v\f", &save)) {
        if (n < max)
            f[n] = t;
        n++;
    }
    return n;
}

int eval_grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 256;
    void *p = realloc(*v, c * size);
    if (p == NULL)
        return -1;
    *v = p;
    *cap = c;
    return 0;
}

static int cmp_judgement(const void *pa, const void *pb)
{
    const struct judgement *a = pa, *b = pb;
    int c = cmp_qid(a->qid, b->qid);
    return c ? c : strcmp(a->docid, b->docid);
}

void eval_qrels_free(struct eval_qrels *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].qid);
        free(q->v[i].docid);
    }
    free(q->v);
    free(q);
}

static int parse_grade(const char *s, long *out)
{
    char *end;
    double d;

    errno = 0;
    *out = strtol(s, &end, 10);
    if (errno == 0 && end != s && *end == '\0')
        return 0;
    d = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(d) || fabs(d) > 1e15)
        return -1;
    *out = (long)d; /* truncates towards zero, as Python's int(float(x)) */
    return 0;
}

/* Calls fn for each non-blank line of path split into exactly ncols white-space separated
 * fields (at most 6); a line with another count is an error naming path:line. */
typedef int (*record_fn)(void *ctx, char **fl, const char *path, size_t lineno,
                         struct trawl_error *err);

static int read_records(const char *path, size_t ncols, record_fn fn, void *ctx,
                        struct trawl_error *err)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int rc = TRAWL_OK;

    if (f == NULL)
        return eval_error(err, TRAWL_EIO, "cannot open '%s': %s", path, strerror(errno));
    while (rc == TRAWL_OK && getline(&line, &cap, f) != -1) {
        char *fl[6];
        size_t nf;
        lineno++;
        nf = split_fields(line, fl, ncols);
        if (nf == 0)
            continue;
        if (nf != ncols)
            rc = eval_error(err, TRAWL_EINPUT, "%s:%zu: expected %zu columns, got %zu", path,
                          lineno, ncols, nf);
        else
            rc = fn(ctx, fl, path, lineno, err);
    }
    if (rc == TRAWL_OK && ferror(f))
        rc = eval_error(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(errno));
    free(line);
    fclose(f);
    return rc;
}

static int qrels_line(void *ctx, char **fl, const char *path, size_t lineno, struct trawl_error *err)
{
    struct eval_qrels *q = ctx;
    struct judgement *j;
    long grade;

    if (parse_grade(fl[3], &grade) != 0)
        return eval_error(err, TRAWL_EINPUT, "%s:%zu: bad relevance grade '%s'", path, lineno,
                        fl[3]);
    if (eval_grow((void **)&q->v, &q->cap, q->n, sizeof *q->v) != 0)
        return eval_error(err, TRAWL_ENOMEM, "out of memory");
    j = &q->v[q->n];
    j->qid = strdup(fl[0]);
    j->docid = strdup(fl[2]);
    j->grade = grade;
    j->line = lineno;
    q->n++;
    if (j->qid == NULL || j->docid == NULL)
        return eval_error(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

int eval_qrels_read(const char *path, struct eval_qrels **out, struct trawl_error *err)
{
    struct eval_qrels *q = calloc(1, sizeof *q);
    int rc;

    *out = NULL;
    if (q == NULL)
        return eval_error(err, TRAWL_ENOMEM, "out of memory");
    if ((rc = read_records(path, 4, qrels_line, q, err)) != TRAWL_OK)
        goto out;
    if (q->n > 1)
        qsort(q->v, q->n, sizeof *q->v, cmp_judgement);
    for (size_t i = 1; i < q->n; i++) {
        if (cmp_judgement(&q->v[i - 1], &q->v[i]) == 0) {
            size_t l = q->v[i].line > q->v[i - 1].line ? q->v[i].line : q->v[i - 1].line;
            rc = eval_error(err, TRAWL_EINPUT, "%s:%zu: duplicate judgement for %s %s", path, l,
                          q->v[i].qid, q->v[i].docid);
            goto out;
        }
    }
out:
    if (rc != TRAWL_OK) {
        eval_qrels_free(q);
        return rc;
    }
    *out = q;
    return TRAWL_OK;
}

struct eval_run *eval_run_new(void)
{
    return calloc(1, sizeof(struct eval_run));
}

void eval_run_free(struct eval_run *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].qid);
        free(r->v[i].docid);
    }
    free(r->v);
    free(r);
}

static int run_add_line(struct eval_run *r, const char *qid, const char *docid, double score,
                        size_t line)
{
    struct retrieved *e;

    if (eval_grow((void **)&r->v, &r->cap, r->n, sizeof *r->v) != 0)
        return TRAWL_ENOMEM;
    e = &r->v[r->n];
    e->qid = strdup(qid);
    e->docid = strdup(docid);
    e->score = score;
    e->line = line;
    r->n++;
    return e->qid && e->docid ? TRAWL_OK : TRAWL_ENOMEM;
}

int eval_run_add(struct eval_run *r, const char *qid, const char *docid, double score)
{
    return run_add_line(r, qid, docid, score, 0);
}

static int cmp_run_docid(const void *pa, const void *pb)
{
    const struct retrieved *a = pa, *b = pb;
    int c = cmp_qid(a->qid, b->qid);
    return c ? c : strcmp(a->docid, b->docid);
}

/* trec_eval's order: by query, then score descending, then docid descending (strcmp). */
static int cmp_run_rank(const void *pa, const void *pb)
{
    const struct retrieved *a = pa, *b = pb;
    int c = cmp_qid(a->qid, b->qid);
    if (c)
        return c;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return -strcmp(a->docid, b->docid);
}

static int run_line(void *ctx, char **fl, const char *path, size_t lineno, struct trawl_error *err)
{
    char *end;
    double score = strtod(fl[4], &end);

    if (end == fl[4] || *end != '\0')
        return eval_error(err, TRAWL_EINPUT, "%s:%zu: bad score '%s'", path, lineno, fl[4]);
    if (run_add_line(ctx, fl[0], fl[2], score, lineno) != TRAWL_OK)
        return eval_error(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

int eval_run_read(const char *path, struct eval_run **out, struct trawl_error *err)
{
    struct eval_run *r = eval_run_new();
    int rc;

    *out = NULL;
    if (r == NULL)
        return eval_error(err, TRAWL_ENOMEM, "out of memory");
    if ((rc = read_records(path, 6, run_line, r, err)) != TRAWL_OK)
        goto out;
    if (r->n > 1)
        qsort(r->v, r->n, sizeof *r->v, cmp_run_docid);
    for (size_t i = 1; i < r->n; i++) {
        if (cmp_run_docid(&r->v[i - 1], &r->v[i]) == 0) {
            size_t l = r->v[i].line > r->v[i - 1].line ? r->v[i].line : r->v[i - 1].line;
            rc = eval_error(err, TRAWL_EINPUT, "%s:%zu: duplicate document %s for query %s", path,
                          l, r->v[i].docid, r->v[i].qid);
            goto out;
        }
    }
out:
    if (rc != TRAWL_OK) {
        eval_run_free(r);
        return rc;
    }
    *out = r;
    return TRAWL_OK;
}

void eval_run_write(struct eval_run *r, const char *tag, FILE *out)
{
    size_t rank = 0;

    if (r->n > 1)
        qsort(r->v, r->n, sizeof *r->v, cmp_run_rank);
    for (size_t i = 0; i < r->n; i++) {
        rank = i > 0 && strcmp(r->v[i].qid, r->v[i - 1].qid) == 0 ? rank + 1 : 1;
        fprintf(out, "%s Q0 %s %zu %.6f %s\n", r->v[i].qid, r->v[i].docid, rank, r->v[i].score,
                tag);
    }
}

/* ---- Scoring ---------------------------------------------------------------------------- */

void eval_scores_release(struct eval_scores *s)
{
    if (s == NULL)
        return;
    free(s->qids); /* borrowed strings: they belong to the qrels */
    free(s->v);
    memset(s, 0, sizeof *s);
}

static long grade_of(const struct judgement *j, size_t n, const char *docid)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(j[mid].docid, docid);
        if (c == 0)
            return j[mid].grade;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int cmp_long_desc(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* One query: judgements j[0..nj) (sorted by docid), ranking d[0..nd) in trec_eval order.
 * Returns 0 when the query has no relevant document (not evaluated), -1 on OOM. */
static int score_query(const struct judgement *j, size_t nj, const struct retrieved *d, size_t nd,
                       double v[EVAL_NMEASURES])
{
    size_t num_rel = 0, hits = 0, first = 0, rel10 = 0, rel100 = 0, rel1000 = 0, ng = 0;
    double ap = 0, dcg = 0, idcg = 0;
    long *gains;

    for (size_t i = 0; i < nj; i++)
        num_rel += j[i].grade >= 1;
    if (num_rel == 0)
        return 0;
    for (size_t i = 0; i < nd; i++) {
        size_t rank = i + 1;
        long rel = grade_of(j, nj, d[i].docid);
        if (rel >= 1) {
            hits++;
            ap += (double)hits / (double)rank;
            if (first == 0)
                first = rank;
            rel10 += rank <= 10;
            rel100 += rank <= 100;
            rel1000 += rank <= 1000;
        }
        if (rank <= 10 && rel > 0)
            dcg += (double)rel / log2((double)rank + 1);
    }
    if ((gains = malloc(nj * sizeof *gains)) == NULL)
        return -1;
    for (size_t i = 0; i < nj; i++)
        if (j[i].grade > 0)
            gains[ng++] = j[i].grade;
    qsort(gains, ng, sizeof *gains, cmp_long_desc);
    for (size_t i = 0; i < ng && i < 10; i++)
        idcg += (double)gains[i] / log2((double)i + 2);
    free(gains);
    v[EVAL_MAP] = ap / (double)num_rel;
    v[EVAL_NDCG10] = idcg > 0 ? dcg / idcg : 0.0;
    v[EVAL_P10] = (double)rel10 / 10.0;
    v[EVAL_MRR10] = first != 0 && first <= 10 ? 1.0 / (double)first : 0.0;
    v[EVAL_R100] = (double)rel100 / (double)num_rel;
    v[EVAL_R1000] = (double)rel1000 / (double)num_rel;
    return 1;
}

int eval_score(const struct eval_qrels *q, struct eval_run *r, struct eval_scores *out,
               struct trawl_error *err)
{
    size_t nq = 0, ri = 0;

    memset(out, 0, sizeof *out);
    if (r->n > 1)
        qsort(r->v, r->n, sizeof *r->v, cmp_run_rank);
    for (size_t i = 0; i < q->n; i++)
        nq += i == 0 || strcmp(q->v[i].qid, q->v[i - 1].qid) != 0;
    out->qids = calloc(nq ? nq : 1, sizeof *out->qids);
    out->v = calloc(nq ? nq : 1, sizeof *out->v);
    if (out->qids == NULL || out->v == NULL)
        goto nomem;
    /* Both lists are sorted by cmp_qid: walk them together. */
    for (size_t i = 0; i < q->n;) {
        size_t k = i, rs, re;
        int c;
        while (k < q->n && strcmp(q->v[k].qid, q->v[i].qid) == 0)
            k++;
        while (ri < r->n && cmp_qid(r->v[ri].qid, q->v[i].qid) < 0)
            ri++;
        rs = re = ri;
        while (re < r->n && strcmp(r->v[re].qid, q->v[i].qid) == 0)
            re++;
        c = score_query(&q->v[i], k - i, &r->v[rs], re - rs, out->v[out->n]);
        if (c < 0)
            goto nomem;
        if (c > 0)
            out->qids[out->n++] = q->v[i].qid;
        i = k;
    }
    for (int m = 0; m < EVAL_NMEASURES; m++) {
        double sum = 0;
        for (size_t i = 0; i < out->n; i++)
            sum += out->v[i][m];
        out->mean[m] = out->n ? sum / (double)out->n : 0.0;
    }
    return TRAWL_OK;
nomem:
    eval_scores_release(out);
    return eval_error(err, TRAWL_ENOMEM, "out of memory");
}
