/* eval: the evaluator as trawl-search runs it (see eval.h). */
#include "searcher/eval.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "searcher/answers.h"
#include "searcher/search.h"

/* ---- Running topics --------------------------------------------------------------------- */

/* What to do with each topic's results: fn gets the topic's qid and results (borrowed for
 * the call) and returns a status. */
typedef int (*topic_fn)(void *ctx, const char *qid, const trawl_results *res,
                        struct trawl_error *err);

/* Runs every topic "qid<TAB>text" of the file path on ix (a line without a tab is the text,
 * its qid its line number; blank and '#' lines are skipped), as plain words, depth results
 * each, one per article (passages 0) or every passage ranked by its own score. */
static int topics_each(trawl_index *ix, const struct trawl_search_opts *so, const char *path,
                       int passages, unsigned depth, topic_fn fn, void *ctx,
                       struct trawl_error *err)
{
    struct trawl_search_opts o = *so;
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = TRAWL_OK;

    if (f == NULL)
        return eval_error(err, TRAWL_EIO, "cannot open '%s': %s", path, strerror(errno));
    o.offset = 0;
    o.count = depth;
    o.per_article = passages ? 0 : 1;
    /* Topics are natural-language text: no character of a topic is taken for syntax. */
    o.plain = 1;
    o.all_words = 0;
    /* Judgements are per document: a near-duplicate folded into its group would be missing
     * from the run and count as not retrieved. */
    o.duplicates = 1;
    while (rc == TRAWL_OK && (n = getline(&line, &cap, f)) != -1) {
        char qidbuf[32];
        const char *qid, *text;
        trawl_results *res = NULL;
        if (!search_query_line(line, (size_t)n, ++lineno, qidbuf, &qid, &text))
            continue;
        rc = trawl_search(ix, text, strlen(text), &o, &res, err);
        if (rc == TRAWL_OK)
            rc = fn(ctx, qid, res, err);
        trawl_results_free(res);
    }
    if (rc == TRAWL_OK && ferror(f))
        rc = eval_error(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(errno));
    free(line);
    fclose(f);
    return rc;
}

struct run_ctx {
    struct eval_run *run;
    int passages;
    char *docid;
    size_t dcap;
};

/* Adds a topic's results to the run. */
static int add_to_run(void *ctx, const char *qid, const trawl_results *res,
                      struct trawl_error *err)
{
    struct run_ctx *c = ctx;

    for (size_t i = 0; i < trawl_results_count(res); i++) {
        const struct trawl_passage *p = &trawl_results_hit(res, i)->passage;
        char num[32];
        /* The docid: the article id, and "#ordinal" for passage ids. */
        if (p->article_len + 32 > c->dcap) {
            char *d = realloc(c->docid, p->article_len + 32);
            if (d == NULL)
                return eval_error(err, TRAWL_ENOMEM, "out of memory");
            c->docid = d;
            c->dcap = p->article_len + 32;
        }
        memcpy(c->docid, p->article, p->article_len);
        c->docid[p->article_len] = '\0';
        if (c->passages)
            snprintf(c->docid + p->article_len, 32, "#%u", p->ordinal);
        /* As the run file will say it, so that a written run scores the same. */
        snprintf(num, sizeof num, "%.6f", trawl_results_hit(res, i)->score);
        if (eval_run_add(c->run, qid, c->docid, strtod(num, NULL)) != TRAWL_OK)
            return eval_error(err, TRAWL_ENOMEM, "out of memory");
    }
    return TRAWL_OK;
}

int eval_run_topics(trawl_index *ix, const struct trawl_search_opts *so, const char *path,
                    int passages, unsigned depth, struct eval_run *run,
                    struct trawl_error *err)
{
    struct run_ctx c = {run, passages, NULL, 0};
    int rc = topics_each(ix, so, path, passages, depth, add_to_run, &c, err);

    free(c.docid);
    return rc;
}

struct answers_ctx {
    struct eval_answers *a;
    unsigned depth;
};

/* Judges a topic's passages by their text. */
static int judge_topic(void *ctx, const char *qid, const trawl_results *res,
                       struct trawl_error *err)
{
    struct answers_ctx *c = ctx;
    size_t n = trawl_results_count(res);
    const char **text = calloc(n ? n : 1, sizeof *text);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    int rc;

    if (text == NULL || lens == NULL) {
        rc = eval_error(err, TRAWL_ENOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < n; i++) {
            text[i] = trawl_results_hit(res, i)->passage.text;
            lens[i] = trawl_results_hit(res, i)->passage.text_len;
        }
        rc = eval_answers_judge(c->a, qid, text, lens, n, c->depth, err);
    }
    free(text);
    free(lens);
    return rc;
}

/* ---- Printing --------------------------------------------------------------------------- */

/* Means are rounded to 6 decimals as treceval.py --json rounds them; 10 significant digits
 * print them (and per-query values) without binary noise. */
#define EVAL_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

/* Prints j as one line and drops it. */
static void put_json(json_t *j, FILE *out)
{
    char *txt = json_dumps(j, EVAL_JSON_FLAGS);

    if (txt != NULL) {
        fprintf(out, "%s\n", txt);
        free(txt);
    }
    json_decref(j);
}

static void print_scores(const struct eval_scores *s, const struct eval_opts *o, FILE *out)
{
    if (o->json) {
        json_t *j = json_object(), *pq = o->per_query ? json_object() : NULL;
        if (j == NULL)
            return;
        json_object_set_new(j, "num_q", json_integer((json_int_t)s->n));
        for (int m = 0; m < EVAL_NMEASURES; m++)
            json_object_set_new(j, eval_measure_name(m),
                                json_real(round(s->mean[m] * 1e6) / 1e6));
        for (size_t i = 0; pq && i < s->n; i++) {
            json_t *row = json_object();
            for (int m = 0; row && m < EVAL_NMEASURES; m++)
                json_object_set_new(row, eval_measure_name(m), json_real(s->v[i][m]));
            json_object_set_new(pq, s->qids[i], row ? row : json_null());
        }
        if (pq != NULL)
            json_object_set_new(j, "per_query", pq);
        put_json(j, out);
        return;
    }
    if (o->per_query)
        for (size_t i = 0; i < s->n; i++)
            for (int m = 0; m < EVAL_NMEASURES; m++)
                fprintf(out, "%-10s\t%s\t%.4f\n", eval_measure_name(m), s->qids[i], s->v[i][m]);
    fprintf(out, "%-10s\tall\t%zu\n", "num_q", s->n);
    for (int m = 0; m < EVAL_NMEASURES; m++)
        fprintf(out, "%-10s\tall\t%.4f\n", eval_measure_name(m), s->mean[m]);
}

/* ---- Comparing two runs ----------------------------------------------------------------- */

#define EVAL_TIE 1e-9 /* differences smaller than this are ties (float noise) */

static int compare_runs(const struct eval_qrels *q, const struct eval_opts *o, FILE *out,
                        struct trawl_error *err)
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
        abort(); /* a bug: both runs are scored on the queries of the same qrels */
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
        if (j == NULL || ms == NULL || pq == NULL) {
            json_decref(j);
            json_decref(ms);
            json_decref(pq);
            rc = eval_error(err, TRAWL_ENOMEM, "out of memory");
            goto out;
        }
        json_object_set_new(j, "a", json_string(o->compare[0]));
        json_object_set_new(j, "b", json_string(o->compare[1]));
        json_object_set_new(j, "num_q", json_integer((json_int_t)a.n));
        for (int m = 0; m < EVAL_NMEASURES; m++)
            json_object_set_new(ms, eval_measure_name(m),
                                json_pack("{s:f,s:f,s:f,s:I,s:I,s:I}", "a", a.mean[m], "b",
                                          b.mean[m], "delta", b.mean[m] - a.mean[m], "wins",
                                          (json_int_t)wins[m], "ties", (json_int_t)ties[m],
                                          "losses", (json_int_t)losses[m]));
        json_object_set_new(j, "measures", ms);
        for (size_t i = 0; o->per_query && i < a.n; i++) {
            json_t *row = json_pack("{s:s}", "qid", a.qids[i]);
            for (int m = 0; row && m < EVAL_NMEASURES; m++)
                json_object_set_new(row, eval_measure_name(m),
                                    json_pack("[ff]", a.v[i][m], b.v[i][m]));
            json_array_append_new(pq, row ? row : json_null());
        }
        json_object_set_new(j, "per_query", pq);
        put_json(j, out);
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
        fprintf(out, "%-10s  %8.4f %8.4f %+8.4f   %zu/%zu/%zu\n", eval_measure_name(m), a.mean[m],
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
static int parse_sweep(const char *spec, struct sweep_axis ax[SW_N], struct trawl_error *err)
{
    char *copy = strdup(spec), *save = NULL;
    int rc = TRAWL_OK;

    if (copy == NULL)
        return eval_error(err, TRAWL_ENOMEM, "out of memory");
    memset(ax, 0, SW_N * sizeof *ax);
    for (char *item = strtok_r(copy, ",", &save); item && rc == TRAWL_OK;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '='), *end;
        double v[3];
        int k, nv = 0;
        if (eq == NULL) {
            rc = eval_error(err, TRAWL_EINPUT, "invalid --sweep item '%s': expected NAME=LO:HI:STEP",
                          item);
            break;
        }
        *eq = '\0';
        for (k = 0; k < SW_N && strcmp(item, sweep_names[k]) != 0; k++)
            ;
        if (k == SW_N) {
            rc = eval_error(err, TRAWL_EINPUT, "invalid --sweep parameter '%s': expected k1, b or "
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
            rc = eval_error(err, TRAWL_EINPUT, "invalid --sweep range for %s: expected LO:HI:STEP "
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
            rc = eval_error(err, TRAWL_EINPUT, "--sweep %s has more than 1000 values",
                          sweep_names[k]);
            break;
        }
    }
    free(copy);
    return rc;
}

static int sweep(trawl_index *ix, const struct trawl_search_opts *so,
                 const struct eval_qrels *q, const struct eval_opts *o, FILE *out,
                 struct trawl_error *err)
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
        struct trawl_search_opts po = *so;
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
        po.k1 = po.passage_k1 = p[SW_K1];
        po.b = po.passage_b = p[SW_B] > 1 ? 1 : p[SW_B];
        po.bm25plus = p[SW_DELTA] >= 0;
        po.delta = po.bm25plus ? p[SW_DELTA] : 0;
        if (run == NULL)
            return eval_error(err, TRAWL_ENOMEM, "out of memory");
        rc = eval_run_topics(ix, &po, o->queries, o->passages, o->depth, run, err);
        if (rc == TRAWL_OK)
            rc = eval_score(q, run, &s, err);
        eval_run_free(run);
        if (rc != TRAWL_OK)
            return rc;
        if (o->json) {
            json_t *j = json_pack("{s:f,s:f}", "k1", po.k1, "b", po.b);
            if (j != NULL) {
                if (po.bm25plus)
                    json_object_set_new(j, "delta", json_real(po.delta));
                for (int m = 0; m < EVAL_NMEASURES; m++)
                    json_object_set_new(j, eval_measure_name(m), json_real(s.mean[m]));
                put_json(j, out);
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

/* ---- Answers ---------------------------------------------------------------------------- */

/* answer_mrr.py's output, line for line (with -q its --per-query lines first); or one JSON
 * object. */
static void print_answers(const struct eval_answers *a, const struct eval_opts *o, FILE *out)
{
    size_t n = eval_answers_count(a);
    double mrr, top1;
    char name[32];

    eval_answers_mean(a, &mrr, &top1);
    snprintf(name, sizeof name, "answer-MRR@%u", o->depth);
    if (o->json) {
        json_t *j = json_object(), *pq = o->per_query ? json_object() : NULL;
        if (j == NULL)
            return;
        json_object_set_new(j, "questions", json_integer((json_int_t)n));
        json_object_set_new(j, name, json_real(round(mrr * 1e6) / 1e6));
        json_object_set_new(j, "top-1", json_real(round(top1 * 1e6) / 1e6));
        for (size_t i = 0; pq && i < n; i++)
            json_object_set_new(pq, eval_answers_qid(a, i), json_real(eval_answers_rr(a, i)));
        if (pq != NULL)
            json_object_set_new(j, "per_query", pq);
        put_json(j, out);
        return;
    }
    for (size_t i = 0; o->per_query && i < n; i++)
        fprintf(out, "%s\t%.4f\n", eval_answers_qid(a, i), eval_answers_rr(a, i));
    fprintf(out, "%s\tall\t%.4f\n", name, mrr);
    fprintf(out, "top-1\tall\t%.4f\n", top1);
    fprintf(out, "questions\tall\t%zu\n", n);
}

static int eval_answers_main(trawl_index *ix, const struct trawl_search_opts *so,
                             const struct eval_opts *o, FILE *out, struct trawl_error *err)
{
    struct answers_ctx c = {NULL, o->depth};
    int rc;

    if ((rc = eval_answers_read(o->answers, &c.a, err)) != TRAWL_OK)
        return rc;
    rc = topics_each(ix, so, o->queries, o->passages, o->depth, judge_topic, &c, err);
    if (rc == TRAWL_OK)
        print_answers(c.a, o, out);
    eval_answers_free(c.a);
    return rc;
}

/* ---- Entry point ------------------------------------------------------------------------ */

int eval_needs_index(const struct eval_opts *o)
{
    return o->queries != NULL && o->run == NULL && o->compare[0] == NULL;
}

int eval_main(trawl_index *ix, const struct trawl_search_opts *so, const struct eval_opts *o,
              FILE *out)
{
    struct eval_qrels *q = NULL;
    struct eval_run *run = NULL;
    struct eval_scores s;
    struct trawl_error err;
    int rc = TRAWL_OK;

    memset(&s, 0, sizeof s);
    if (o->answers != NULL) {
        rc = eval_answers_main(ix, so, o, out, &err);
        goto out;
    }
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
        rc = eval_error(&err, TRAWL_ENOMEM, "out of memory");
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
