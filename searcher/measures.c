/* measures: the evaluator's pure half (see measures.h). */
#include "searcher/measures.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

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
    if (grow((void **)&q->v, &q->cap, q->n, sizeof *q->v) != 0)
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

/* ---- Answers ---------------------------------------------------------------------------- */

/* Python's _PyUnicode_IsCaseIgnorable: Mn, Me, Cf, Lm, Sk, and the Word_Break classes
 * MidLetter, MidNumLet and Single_Quote. */
static int case_ignorable(utf8proc_int32_t c)
{
    static const utf8proc_int32_t mid[] = {
        '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027,
        0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A,
    };
    utf8proc_category_t k = utf8proc_category(c);

    if (k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME || k == UTF8PROC_CATEGORY_CF ||
        k == UTF8PROC_CATEGORY_LM || k == UTF8PROC_CATEGORY_SK)
        return 1;
    for (size_t i = 0; i < sizeof mid / sizeof *mid; i++)
        if (mid[i] == c)
            return 1;
    return 0;
}

/* Python's _PyUnicode_IsCased (Lowercase, Uppercase or Lt), as utf8proc can tell it. */
static int cased(utf8proc_int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);

    return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL ||
           k == UTF8PROC_CATEGORY_LT || utf8proc_islower(c) || utf8proc_isupper(c);
}

/* The code point before byte offset at (-1 at the start), and where it starts. */
static utf8proc_int32_t cp_before(const char *s, size_t *at)
{
    size_t p = *at;
    utf8proc_int32_t c = -1;

    if (p == 0)
        return -1;
    do
        p--;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80 && *at - p < 4);
    utf8proc_iterate((const utf8proc_uint8_t *)s + p, (utf8proc_ssize_t)(*at - p), &c);
    *at = p;
    return c;
}

/* CPython's handle_capital_sigma: U+03A3 at s[i..next) is final (ς) when a cased letter comes
 * before it and none after it, case-ignorable characters skipped both ways. */
static int final_sigma(const char *s, size_t len, size_t i, size_t next)
{
    utf8proc_int32_t c = -1;
    size_t at = i;
    utf8proc_ssize_t k;

    while ((c = cp_before(s, &at)) >= 0 && case_ignorable(c))
        ;
    if (c < 0 || !cased(c))
        return 0;
    for (at = next; at < len; at += (size_t)k) {
        k = utf8proc_iterate((const utf8proc_uint8_t *)s + at, (utf8proc_ssize_t)(len - at),
                             &c);
        if (k <= 0)
            return 1; /* not UTF-8: Python would not have read it; treat as the end */
        if (!case_ignorable(c))
            return !cased(c);
    }
    return 1;
}

char *eval_lower(const char *s, size_t len, size_t *out_len)
{
    /* Lower-casing grows a code point by at most one byte (U+0130, 2 bytes, becomes 3). */
    char *out = malloc(len + len / 2 + 2);
    size_t o = 0;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) {
            out[o++] = s[i++];
            continue;
        }
        if (c == 0x130) { /* SpecialCasing's one unconditional lower-case expansion */
            out[o++] = 'i';
            c = 0x307;
        } else if (c == 0x3A3) {
            c = final_sigma(s, len, i, i + (size_t)k) ? 0x3C2 : 0x3C3;
        } else {
            c = utf8proc_tolower(c);
        }
        o += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)out + o);
        i += (size_t)k;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

struct question {
    char *qid;
    char **gold;   /* lower-cased answer strings */
    size_t *glen;
    size_t ngold;
    double rr;
    size_t line;
    int dropped;   /* a later line of the same qid took its answers */
};

struct eval_answers {
    struct question *v;
    size_t n, cap;
    size_t *by_qid; /* indexes of the kept questions, sorted by qid */
    size_t nkept;
};

static void question_release(struct question *q)
{
    for (size_t i = 0; i < q->ngold; i++)
        free(q->gold[i]);
    free(q->gold);
    free(q->glen);
    free(q->qid);
}

void eval_answers_free(struct eval_answers *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n; i++)
        question_release(&a->v[i]);
    free(a->v);
    free(a->by_qid);
    free(a);
}

/* One line's object into q; TRAWL_EINPUT naming path:line, or TRAWL_ENOMEM. */
static int question_parse(json_t *o, struct question *q, const char *path, size_t line,
                          struct trawl_error *err)
{
    json_t *id = json_object_get(o, "qid"), *ans = json_object_get(o, "answers"), *v;
    char num[32];
    size_t i;

    if (!json_is_object(o) || id == NULL || !json_is_array(ans))
        return eval_error(err, TRAWL_EINPUT, "%s:%zu: expected {\"qid\": ..., \"answers\": "
                          "[...]}", path, line);
    if (json_is_string(id)) {
        q->qid = strndup(json_string_value(id), json_string_length(id));
    } else if (json_is_integer(id)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(id));
        q->qid = strdup(num);
    } else {
        return eval_error(err, TRAWL_EINPUT, "%s:%zu: the qid is neither a string nor an "
                          "integer", path, line);
    }
    q->gold = calloc(json_array_size(ans) + 1, sizeof *q->gold);
    q->glen = calloc(json_array_size(ans) + 1, sizeof *q->glen);
    if (q->qid == NULL || q->gold == NULL || q->glen == NULL)
        return eval_error(err, TRAWL_ENOMEM, "out of memory");
    json_array_foreach(ans, i, v)
    {
        if (!json_is_string(v))
            return eval_error(err, TRAWL_EINPUT, "%s:%zu: an answer is not a string", path,
                              line);
        q->gold[i] = eval_lower(json_string_value(v), json_string_length(v), &q->glen[i]);
        if (q->gold[i] == NULL)
            return eval_error(err, TRAWL_ENOMEM, "out of memory");
        q->ngold++;
    }
    return TRAWL_OK;
}

static int only_white(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\v' && *s != '\f')
            return 0;
    return 1;
}

static const struct eval_answers *sort_ctx; /* qsort has no context argument */

static int cmp_question(const void *pa, const void *pb)
{
    const struct question *x = &sort_ctx->v[*(const size_t *)pa];
    const struct question *y = &sort_ctx->v[*(const size_t *)pb];
    int c = strcmp(x->qid, y->qid);

    return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

/* Sorts the questions by qid for eval_answers_judge, a repeated qid keeping its first place
 * and taking its last line's answers. */
static int answers_index(struct eval_answers *a)
{
    size_t *ix = malloc((a->n ? a->n : 1) * sizeof *ix);

    if (ix == NULL)
        return -1;
    for (size_t i = 0; i < a->n; i++)
        ix[i] = i;
    sort_ctx = a;
    qsort(ix, a->n, sizeof *ix, cmp_question);
    a->nkept = 0;
    for (size_t i = 0; i < a->n;) {
        size_t j = i + 1;
        while (j < a->n && strcmp(a->v[ix[j]].qid, a->v[ix[i]].qid) == 0)
            j++;
        if (j - i > 1) {
            struct question *first = &a->v[ix[i]], *last = &a->v[ix[j - 1]];
            char **g = first->gold;
            size_t *l = first->glen, n = first->ngold;
            first->gold = last->gold;
            first->glen = last->glen;
            first->ngold = last->ngold;
            last->gold = g;
            last->glen = l;
            last->ngold = n;
            for (size_t k = i + 1; k < j; k++)
                a->v[ix[k]].dropped = 1;
        }
        ix[a->nkept++] = ix[i];
        i = j;
    }
    a->by_qid = ix;
    return 0;
}

int eval_answers_read(const char *path, struct eval_answers **out, struct trawl_error *err)
{
    struct eval_answers *a = calloc(1, sizeof *a);
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = TRAWL_OK;

    *out = NULL;
    if (a == NULL || f == NULL) {
        rc = a == NULL ? eval_error(err, TRAWL_ENOMEM, "out of memory")
                       : eval_error(err, TRAWL_EIO, "cannot open '%s': %s", path,
                                    strerror(errno));
        goto out;
    }
    while (rc == TRAWL_OK && (n = getline(&line, &cap, f)) != -1) {
        json_error_t je;
        json_t *o;
        lineno++;
        if (only_white(line))
            continue;
        if (grow((void **)&a->v, &a->cap, a->n, sizeof *a->v) != 0) {
            rc = eval_error(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        memset(&a->v[a->n], 0, sizeof *a->v);
        a->v[a->n].line = lineno;
        if ((o = json_loadb(line, (size_t)n, 0, &je)) == NULL) {
            rc = eval_error(err, TRAWL_EINPUT, "%s:%zu: %s", path, lineno, je.text);
            break;
        }
        rc = question_parse(o, &a->v[a->n++], path, lineno, err);
        json_decref(o);
    }
    if (rc == TRAWL_OK && ferror(f))
        rc = eval_error(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(errno));
    if (rc == TRAWL_OK && answers_index(a) != 0)
        rc = eval_error(err, TRAWL_ENOMEM, "out of memory");
out:
    free(line);
    if (f != NULL)
        fclose(f);
    if (rc != TRAWL_OK) {
        eval_answers_free(a);
        return rc;
    }
    *out = a;
    return TRAWL_OK;
}

static struct question *question_of(struct eval_answers *a, const char *qid)
{
    size_t lo = 0, hi = a->nkept;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->v[a->by_qid[mid]].qid, qid);
        if (c == 0)
            return &a->v[a->by_qid[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Does hay[0..hn) contain needle[0..nn)? ("" is in every text, as in Python.) */
static int contains(const char *hay, size_t hn, const char *needle, size_t nn)
{
    return nn == 0 || memmem(hay, hn, needle, nn) != NULL;
}

int eval_answers_judge(struct eval_answers *a, const char *qid, const char *const *text,
                       const size_t *lens, size_t n, unsigned depth, struct trawl_error *err)
{
    struct question *q = question_of(a, qid);

    if (q == NULL)
        return TRAWL_OK;
    q->rr = 0;
    for (size_t i = 0; i < n && i < depth; i++) {
        size_t ll;
        char *low = eval_lower(text[i], lens[i], &ll);
        int hit = 0;
        if (low == NULL)
            return eval_error(err, TRAWL_ENOMEM, "out of memory");
        for (size_t g = 0; g < q->ngold && !hit; g++)
            hit = contains(low, ll, q->gold[g], q->glen[g]);
        free(low);
        if (hit) {
            q->rr = 1.0 / (double)(i + 1);
            break;
        }
    }
    return TRAWL_OK;
}

size_t eval_answers_count(const struct eval_answers *a)
{
    return a->nkept;
}

/* The i-th kept question in file order. */
static const struct question *kept(const struct eval_answers *a, size_t i)
{
    for (size_t k = 0, seen = 0; k < a->n; k++)
        if (!a->v[k].dropped && seen++ == i)
            return &a->v[k];
    return NULL;
}

const char *eval_answers_qid(const struct eval_answers *a, size_t i)
{
    const struct question *q = a->nkept == a->n ? &a->v[i] : kept(a, i);
    return q ? q->qid : "";
}

double eval_answers_rr(const struct eval_answers *a, size_t i)
{
    const struct question *q = a->nkept == a->n ? &a->v[i] : kept(a, i);
    return q ? q->rr : 0.0;
}

void eval_answers_mean(const struct eval_answers *a, double *mrr, double *top1)
{
    double sum = 0, ones = 0;

    for (size_t i = 0; i < a->n; i++) {
        if (a->v[i].dropped)
            continue;
        sum += a->v[i].rr;
        ones += a->v[i].rr == 1.0;
    }
    /* answer_mrr.py divides by len(answers) or 1 */
    *mrr = sum / (double)(a->nkept ? a->nkept : 1);
    *top1 = ones / (double)(a->nkept ? a->nkept : 1);
}
