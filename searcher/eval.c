#include "searcher/eval.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/query.h"
#include "common/sbuf.h"
#include "searcher/search.h"

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

static int grow(void **v, size_t *cap, size_t n, size_t size)
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
                         struct terr *err);

static int read_records(const char *path, size_t ncols, record_fn fn, void *ctx,
                        struct terr *err)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int rc = TRAWL_OK;

    if (f == NULL)
        return terr_set(err, TRAWL_EIO, "cannot open '%s': %s", path, strerror(errno));
    while (rc == TRAWL_OK && getline(&line, &cap, f) != -1) {
        char *fl[6];
        size_t nf;
        lineno++;
        nf = split_fields(line, fl, ncols);
        if (nf == 0)
            continue;
        if (nf != ncols)
            rc = terr_set(err, TRAWL_EINPUT, "%s:%zu: expected %zu columns, got %zu", path,
                          lineno, ncols, nf);
        else
            rc = fn(ctx, fl, path, lineno, err);
    }
    if (rc == TRAWL_OK && ferror(f))
        rc = terr_set(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(errno));
    free(line);
    fclose(f);
    return rc;
}

static int qrels_line(void *ctx, char **fl, const char *path, size_t lineno, struct terr *err)
{
    struct eval_qrels *q = ctx;
    struct judgement *j;
    long grade;

    if (parse_grade(fl[3], &grade) != 0)
        return terr_set(err, TRAWL_EINPUT, "%s:%zu: bad relevance grade '%s'", path, lineno,
                        fl[3]);
    if (grow((void **)&q->v, &q->cap, q->n, sizeof *q->v) != 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    j = &q->v[q->n];
    j->qid = strdup(fl[0]);
    j->docid = strdup(fl[2]);
    j->grade = grade;
    j->line = lineno;
    q->n++;
    if (j->qid == NULL || j->docid == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

int eval_qrels_read(const char *path, struct eval_qrels **out, struct terr *err)
{
    struct eval_qrels *q = calloc(1, sizeof *q);
    int rc;

    *out = NULL;
    if (q == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if ((rc = read_records(path, 4, qrels_line, q, err)) != TRAWL_OK)
        goto out;
    if (q->n > 1)
        qsort(q->v, q->n, sizeof *q->v, cmp_judgement);
    for (size_t i = 1; i < q->n; i++) {
        if (cmp_judgement(&q->v[i - 1], &q->v[i]) == 0) {
            size_t l = q->v[i].line > q->v[i - 1].line ? q->v[i].line : q->v[i - 1].line;
            rc = terr_set(err, TRAWL_EINPUT, "%s:%zu: duplicate judgement for %s %s", path, l,
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

    if (grow((void **)&r->v, &r->cap, r->n, sizeof *r->v) != 0)
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

static int run_line(void *ctx, char **fl, const char *path, size_t lineno, struct terr *err)
{
    char *end;
    double score = strtod(fl[4], &end);

    if (end == fl[4] || *end != '\0')
        return terr_set(err, TRAWL_EINPUT, "%s:%zu: bad score '%s'", path, lineno, fl[4]);
    if (run_add_line(ctx, fl[0], fl[2], score, lineno) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

int eval_run_read(const char *path, struct eval_run **out, struct terr *err)
{
    struct eval_run *r = eval_run_new();
    int rc;

    *out = NULL;
    if (r == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if ((rc = read_records(path, 6, run_line, r, err)) != TRAWL_OK)
        goto out;
    if (r->n > 1)
        qsort(r->v, r->n, sizeof *r->v, cmp_run_docid);
    for (size_t i = 1; i < r->n; i++) {
        if (cmp_run_docid(&r->v[i - 1], &r->v[i]) == 0) {
            size_t l = r->v[i].line > r->v[i - 1].line ? r->v[i].line : r->v[i - 1].line;
            rc = terr_set(err, TRAWL_EINPUT, "%s:%zu: duplicate document %s for query %s", path,
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
               struct terr *err)
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
    return terr_set(err, TRAWL_ENOMEM, "out of memory");
}

/* ---- Running topics --------------------------------------------------------------------- */

/* Topics are natural-language text: every white-space separated word becomes a word node of
 * one OR, so no character of the topic is taken for query syntax. NULL (and *empty) when the
 * topic has no word; NULL on OOM. */
static struct qnode *plain_query(const char *text, int *empty)
{
    struct qnode *root = calloc(1, sizeof *root);
    const char *p = text;

    *empty = 0;
    if (root == NULL)
        return NULL;
    root->kind = QK_OR;
    for (;;) {
        const char *w;
        struct qnode *kid, **kids;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (*p == '\0')
            break;
        w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
        kids = realloc(root->kids, (root->nkids + 1) * sizeof *kids);
        if (kids == NULL)
            goto nomem;
        root->kids = kids;
        if ((kid = calloc(1, sizeof *kid)) == NULL)
            goto nomem;
        root->kids[root->nkids++] = kid;
        kid->kind = QK_WORD;
        kid->len = (size_t)(p - w);
        kid->col = (size_t)(w - text) + 1;
        if ((kid->text = strndup(w, kid->len)) == NULL)
            goto nomem;
    }
    if (root->nkids == 0) {
        *empty = 1;
        query_free(root);
        return NULL;
    }
    return root;
nomem:
    query_free(root);
    return NULL;
}

int eval_run_topics(struct index *ix, const struct index_search_opts *so, const char *path,
                    int passages, unsigned depth, struct eval_run *run, struct terr *err)
{
    struct index_search_opts o = *so;
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    struct sbuf docid;
    ssize_t n;
    int rc = TRAWL_OK;

    if (f == NULL)
        return terr_set(err, TRAWL_EIO, "cannot open '%s': %s", path, strerror(errno));
    sbuf_init(&docid);
    o.offset = 0;
    o.count = depth;
    o.per_article = passages ? 0 : 1;
    while (rc == TRAWL_OK && (n = getline(&line, &cap, f)) != -1) {
        char qidbuf[32];
        const char *qid, *text;
        char *tab;
        struct qnode *q;
        struct index_results *res = NULL;
        int empty;
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if ((tab = strchr(line, '\t')) != NULL) {
            *tab = '\0';
            qid = line;
            text = tab + 1;
        } else {
            snprintf(qidbuf, sizeof qidbuf, "%zu", lineno);
            qid = qidbuf;
            text = line;
        }
        if ((q = plain_query(text, &empty)) == NULL) {
            if (!empty)
                rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            continue;
        }
        rc = index_search(ix, q, &o, &res, err);
        query_free(q);
        for (size_t i = 0; rc == TRAWL_OK && i < res->n; i++) {
            const struct index_hit *h = &res->hits[i];
            char num[32];
            sbuf_reset(&docid);
            if (sbuf_add(&docid, h->p.id, h->p.id_len) != TRAWL_OK ||
                (passages && (snprintf(num, sizeof num, "#%u", h->p.ordinal) < 0 ||
                              sbuf_adds(&docid, num) != TRAWL_OK))) {
                rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
                break;
            }
            /* As the run file will say it, so that a written run scores the same. */
            snprintf(num, sizeof num, "%.6f", h->score);
            if (eval_run_add(run, qid, docid.buf, strtod(num, NULL)) != TRAWL_OK)
                rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        }
        index_results_free(res);
    }
    if (rc == TRAWL_OK && ferror(f))
        rc = terr_set(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(errno));
    free(line);
    fclose(f);
    sbuf_release(&docid);
    return rc;
}

/* ---- Printing --------------------------------------------------------------------------- */

/* Means are rounded to 6 decimals as treceval.py --json rounds them; 10 significant digits
 * print them (and per-query values) without binary noise. */
#define EVAL_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

static void print_scores(const struct eval_scores *s, const struct eval_opts *o, FILE *out)
{
    if (o->json) {
        json_t *j = json_object(), *pq = o->per_query ? json_object() : NULL;
        char *txt;
        if (j == NULL)
            return;
        json_object_set_new(j, "num_q", json_integer((json_int_t)s->n));
        for (int m = 0; m < EVAL_NMEASURES; m++)
            json_object_set_new(j, measure_names[m],
                                json_real(round(s->mean[m] * 1e6) / 1e6));
        for (size_t i = 0; pq && i < s->n; i++) {
            json_t *row = json_object();
            for (int m = 0; row && m < EVAL_NMEASURES; m++)
                json_object_set_new(row, measure_names[m], json_real(s->v[i][m]));
            json_object_set_new(pq, s->qids[i], row ? row : json_null());
        }
        if (pq != NULL)
            json_object_set_new(j, "per_query", pq);
        if ((txt = json_dumps(j, EVAL_JSON_FLAGS)) != NULL) {
            fprintf(out, "%s\n", txt);
            free(txt);
        }
        json_decref(j);
        return;
    }
    if (o->per_query)
        for (size_t i = 0; i < s->n; i++)
            for (int m = 0; m < EVAL_NMEASURES; m++)
                fprintf(out, "%-10s\t%s\t%.4f\n", measure_names[m], s->qids[i], s->v[i][m]);
    fprintf(out, "%-10s\tall\t%zu\n", "num_q", s->n);
    for (int m = 0; m < EVAL_NMEASURES; m++)
        fprintf(out, "%-10s\tall\t%.4f\n", measure_names[m], s->mean[m]);
}

/* ---- Comparing two runs ----------------------------------------------------------------- */

#define EVAL_TIE 1e-9 /* differences smaller than this are ties (float noise) */

static int compare_runs(const struct eval_qrels *q, const struct eval_opts *o, FILE *out,
                        struct terr *err)
{
    struct eval_run *ra = NULL, *rb = NULL;
    struct eval_scores a, b;
    size_t wins[EVAL_NMEASURES] = {0}, ties[EVAL_NMEASURES] = {0}, losses[EVAL_NMEASURES] = {0};
    int rc;

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if ((rc = eval_run_read(o->compare[0], &ra, err)) != TRAWL_OK ||
        (rc = eval_run_read(o->compare[1], &rb, err)) != TRAWL_OK ||
        (rc = eval_score(q, ra, &a, err)) != TRAWL_OK ||
        (rc = eval_score(q, rb, &b, err)) != TRAWL_OK)
        goto out;
    if (a.n != b.n)
        TRAWL_BUG("both runs are scored on the queries of the same qrels");
    for (size_t i = 0; i < a.n; i++)
        for (int m = 0; m < EVAL_NMEASURES; m++) {
            double d = b.v[i][m] - a.v[i][m];
            if (d > EVAL_TIE)
                wins[m]++;
            else if (d < -EVAL_TIE)
                losses[m]++;
            else
                ties[m]++;
        }
    if (o->json) {
        json_t *j = json_object(), *ms = json_object(), *pq = json_array();
        char *txt;
        if (j == NULL || ms == NULL || pq == NULL) {
            json_decref(j);
            json_decref(ms);
            json_decref(pq);
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            goto out;
        }
        json_object_set_new(j, "a", json_string(o->compare[0]));
        json_object_set_new(j, "b", json_string(o->compare[1]));
        json_object_set_new(j, "num_q", json_integer((json_int_t)a.n));
        for (int m = 0; m < EVAL_NMEASURES; m++)
            json_object_set_new(ms, measure_names[m],
                                json_pack("{s:f,s:f,s:f,s:I,s:I,s:I}", "a", a.mean[m], "b",
                                          b.mean[m], "delta", b.mean[m] - a.mean[m], "wins",
                                          (json_int_t)wins[m], "ties", (json_int_t)ties[m],
                                          "losses", (json_int_t)losses[m]));
        json_object_set_new(j, "measures", ms);
        for (size_t i = 0; o->per_query && i < a.n; i++) {
            json_t *row = json_pack("{s:s}", "qid", a.qids[i]);
            for (int m = 0; row && m < EVAL_NMEASURES; m++)
                json_object_set_new(row, measure_names[m],
                                    json_pack("[ff]", a.v[i][m], b.v[i][m]));
            json_array_append_new(pq, row ? row : json_null());
        }
        json_object_set_new(j, "per_query", pq);
        if ((txt = json_dumps(j, EVAL_JSON_FLAGS)) != NULL) {
            fprintf(out, "%s\n", txt);
            free(txt);
        }
        json_decref(j);
        goto out;
    }
    fprintf(out, "# A = %s\n# B = %s\n", o->compare[0], o->compare[1]);
    fprintf(out, "%-10s  %8s %8s %8s   %10s %10s %8s\n", "qid", "MAP A", "MAP B", "delta",
            "nDCG@10 A", "nDCG@10 B", "delta");
    for (size_t i = 0; i < a.n; i++)
        fprintf(out, "%-10s  %8.4f %8.4f %+8.4f   %10.4f %10.4f %+8.4f\n", a.qids[i],
                a.v[i][EVAL_MAP], b.v[i][EVAL_MAP], b.v[i][EVAL_MAP] - a.v[i][EVAL_MAP],
                a.v[i][EVAL_NDCG10], b.v[i][EVAL_NDCG10],
                b.v[i][EVAL_NDCG10] - a.v[i][EVAL_NDCG10]);
    fprintf(out, "\n%-10s  %8s %8s %8s   %s\n", "measure", "A", "B", "delta",
            "B wins/ties/losses");
    for (int m = 0; m < EVAL_NMEASURES; m++)
        fprintf(out, "%-10s  %8.4f %8.4f %+8.4f   %zu/%zu/%zu\n", measure_names[m], a.mean[m],
                b.mean[m], b.mean[m] - a.mean[m], wins[m], ties[m], losses[m]);
    fprintf(out, "num_q       %zu\n", a.n);
out:
    eval_scores_release(&a);
    eval_scores_release(&b);
    eval_run_free(ra);
    eval_run_free(rb);
    return rc;
}

/* ---- Sweeping parameters ---------------------------------------------------------------- */

enum sweep_param { SW_K1, SW_B, SW_DELTA, SW_N };
static const char *const sweep_names[SW_N] = {"k1", "b", "delta"};

struct sweep_axis {
    int set;
    double lo, hi, step;
    size_t n; /* values on the axis */
};

/* "k1=0.6:1.6:0.1,b=0.3:0.9:0.05,delta=0:1:0.5"; a single value "k1=1.2" is an axis of one.
 * delta switches to BM25+. */
static int parse_sweep(const char *spec, struct sweep_axis ax[SW_N], struct terr *err)
{
    char *copy = strdup(spec), *save = NULL;
    int rc = TRAWL_OK;

    if (copy == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    memset(ax, 0, SW_N * sizeof *ax);
    for (char *item = strtok_r(copy, ",", &save); item && rc == TRAWL_OK;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '='), *end;
        double v[3];
        int k, nv = 0;
        if (eq == NULL) {
            rc = terr_set(err, TRAWL_EINPUT, "invalid --sweep item '%s': expected NAME=LO:HI:STEP",
                          item);
            break;
        }
        *eq = '\0';
        for (k = 0; k < SW_N && strcmp(item, sweep_names[k]) != 0; k++)
            ;
        if (k == SW_N) {
            rc = terr_set(err, TRAWL_EINPUT, "invalid --sweep parameter '%s': expected k1, b or "
                          "delta", item);
            break;
        }
        for (char *p = eq + 1; nv < 3; p = end + 1) {
            errno = 0;
            v[nv] = strtod(p, &end);
            if (errno || end == p || !isfinite(v[nv]) || v[nv] < 0) {
                nv = -1;
                break;
            }
            nv++;
            if (*end != ':')
                break;
        }
        if (nv < 0 || *end != '\0' || nv == 2 || (nv == 3 && (v[2] <= 0 || v[1] < v[0])) ||
            (k == SW_B && (nv == 3 ? v[1] : v[0]) > 1)) {
            rc = terr_set(err, TRAWL_EINPUT, "invalid --sweep range for %s: expected LO:HI:STEP "
                          "with 0 <= LO <= HI%s and STEP > 0", sweep_names[k],
                          k == SW_B ? " <= 1" : "");
            break;
        }
        ax[k].set = 1;
        ax[k].lo = v[0];
        ax[k].hi = nv == 3 ? v[1] : v[0];
        ax[k].step = nv == 3 ? v[2] : 1;
        /* The tolerance keeps HI on the grid despite binary fractions (0.3 + 6 * 0.1). */
        ax[k].n = (size_t)floor((ax[k].hi - ax[k].lo) / ax[k].step + 1e-9) + 1;
        if (ax[k].n > 1000) {
            rc = terr_set(err, TRAWL_EINPUT, "--sweep %s has more than 1000 values",
                          sweep_names[k]);
            break;
        }
    }
    free(copy);
    return rc;
}

static int sweep(struct index *ix, const struct index_search_opts *so,
                 const struct eval_qrels *q, const struct eval_opts *o, FILE *out,
                 struct terr *err)
{
    struct sweep_axis ax[SW_N];
    size_t total = 1;
    double best = -1, bestp[SW_N] = {0};
    int rc;

    if ((rc = parse_sweep(o->sweep, ax, err)) != TRAWL_OK)
        return rc;
    for (int k = 0; k < SW_N; k++)
        total *= ax[k].set ? ax[k].n : 1;
    if (!o->json)
        fprintf(out, "%-6s %-6s %-6s %8s %8s %8s %8s %8s %8s\n", "k1", "b", "delta", "MAP",
                "nDCG@10", "P@10", "MRR@10", "R@100", "R@1000");
    for (size_t i = 0; i < total; i++) {
        struct index_search_opts po = *so;
        struct eval_run *run = eval_run_new();
        struct eval_scores s;
        double p[SW_N] = {so->k1, so->b, so->bm25plus ? so->delta : -1};
        size_t rest = i;
        /* Point i of the grid, the last axis varying fastest. */
        for (int k = SW_N - 1; k >= 0; k--) {
            if (!ax[k].set)
                continue;
            p[k] = ax[k].lo + (double)(rest % ax[k].n) * ax[k].step;
            rest /= ax[k].n;
        }
        po.k1 = p[SW_K1];
        po.b = p[SW_B] > 1 ? 1 : p[SW_B];
        po.bm25plus = p[SW_DELTA] >= 0;
        po.delta = po.bm25plus ? p[SW_DELTA] : 0;
        if (run == NULL)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        rc = eval_run_topics(ix, &po, o->queries, o->passages, o->depth, run, err);
        if (rc == TRAWL_OK)
            rc = eval_score(q, run, &s, err);
        eval_run_free(run);
        if (rc != TRAWL_OK)
            return rc;
        if (o->json) {
            json_t *j = json_pack("{s:f,s:f}", "k1", po.k1, "b", po.b);
            char *txt;
            if (j != NULL) {
                if (po.bm25plus)
                    json_object_set_new(j, "delta", json_real(po.delta));
                for (int m = 0; m < EVAL_NMEASURES; m++)
                    json_object_set_new(j, measure_names[m], json_real(s.mean[m]));
                if ((txt = json_dumps(j, EVAL_JSON_FLAGS)) != NULL) {
                    fprintf(out, "%s\n", txt);
                    free(txt);
                }
                json_decref(j);
            }
        } else {
            char d[16] = "-";
            if (po.bm25plus)
                snprintf(d, sizeof d, "%.3g", po.delta);
            fprintf(out, "%-6.3g %-6.3g %-6s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f\n", po.k1, po.b,
                    d, s.mean[EVAL_MAP], s.mean[EVAL_NDCG10], s.mean[EVAL_P10],
                    s.mean[EVAL_MRR10], s.mean[EVAL_R100], s.mean[EVAL_R1000]);
        }
        fflush(out);
        if (s.mean[EVAL_MAP] > best) {
            best = s.mean[EVAL_MAP];
            bestp[SW_K1] = po.k1;
            bestp[SW_B] = po.b;
            bestp[SW_DELTA] = po.bm25plus ? po.delta : -1;
        }
        eval_scores_release(&s);
    }
    if (!o->json && total > 0) {
        fprintf(out, "best MAP %.4f at k1=%g b=%g", best, bestp[SW_K1], bestp[SW_B]);
        if (bestp[SW_DELTA] >= 0)
            fprintf(out, " delta=%g (BM25+)", bestp[SW_DELTA]);
        fputc('\n', out);
    }
    return TRAWL_OK;
}

/* ---- Entry point ------------------------------------------------------------------------ */

int eval_needs_index(const struct eval_opts *o)
{
    return o->queries != NULL && o->run == NULL && o->compare[0] == NULL;
}

int eval_main(struct index *ix, const struct index_search_opts *so, const struct eval_opts *o,
              FILE *out)
{
    struct eval_qrels *q = NULL;
    struct eval_run *run = NULL;
    struct eval_scores s;
    struct terr err;
    int rc = TRAWL_OK;

    memset(&s, 0, sizeof s);
    if (o->qrels != NULL && (rc = eval_qrels_read(o->qrels, &q, &err)) != TRAWL_OK)
        goto out;
    if (o->compare[0] != NULL) {
        rc = compare_runs(q, o, out, &err);
        goto out;
    }
    if (o->sweep != NULL) {
        rc = sweep(ix, so, q, o, out, &err);
        goto out;
    }
    if (o->run != NULL)
        rc = eval_run_read(o->run, &run, &err);
    else if ((run = eval_run_new()) == NULL)
        rc = terr_set(&err, TRAWL_ENOMEM, "out of memory");
    else
        rc = eval_run_topics(ix, so, o->queries, o->passages, o->depth, run, &err);
    if (rc != TRAWL_OK)
        goto out;
    if (q == NULL) {
        eval_run_write(run, o->tag ? o->tag : "trawl", out);
        goto out;
    }
    if ((rc = eval_score(q, run, &s, &err)) == TRAWL_OK)
        print_scores(&s, o, out);
out:
    if (rc != TRAWL_OK)
        search_warn("%s", err.msg);
    eval_scores_release(&s);
    eval_run_free(run);
    eval_qrels_free(q);
    return rc == TRAWL_OK ? 0 : 2;
}
