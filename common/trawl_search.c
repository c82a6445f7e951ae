/* trawl_search: the read half of the public API (trawl.h): opening an index for searching,
 * searches and their results, snippets, words, explanations, passages, statistics, spelling
 * and article records. A thin layer over index.h (the text layer's query.h, snippet.h and
 * analyze.h only through it: common/LAYERS), whose modules work in trawl.h's types: it checks
 * arguments, holds the handles' lifetimes and converts errors, and owns nothing the internals
 * do not already do. */
#include "common/trawl.h"

#include <stdlib.h>
#include <string.h>

#include "common/api.h"
#include "common/index.h"
#include "common/layout.h"
#include "common/rank.h"
#include "common/sbuf.h"

struct trawl_index {
    struct index *ix; /* its analyzer (index_analyzer) serves snippets and trawl_words too */
};

struct trawl_results {
    trawl_index *ix;               /* borrowed: snippets and words need its analyzer */
    struct index_results *res;
    uint64_t estimated;
    int exact;
};

static int nomem(struct trawl_error *err)
{
    return api_fail(err, &(struct trawl_error){TRAWL_ENOMEM, "out of memory", 0});
}

static int pass(int rc, struct trawl_error *out, const struct trawl_error *e)
{
    return rc == TRAWL_OK ? api_ok(out) : api_fail(out, e);
}

/* ---- Opening ---------------------------------------------------------------------------- */

int trawl_open(const char *path, const struct trawl_open_opts *opts, trawl_index **out,
               struct trawl_error *err)
{
    struct index_open_opts oo = {.mode = INDEX_READ};
    struct analyzer *an;
    trawl_index *ix;
    struct trawl_error e;
    int rc;

    *out = NULL;
    if (opts != NULL)
        oo.pub = *opts;
    if ((ix = calloc(1, sizeof *ix)) == NULL)
        return nomem(err);
    rc = index_open(path, &oo, &ix->ix, &e);
    /* Made now, so that an unknown language fails here, not at the first search. */
    if (rc == TRAWL_OK)
        rc = index_analyzer(ix->ix, &an, &e);
    if (rc != TRAWL_OK) {
        trawl_close(ix);
        return api_fail(err, &e);
    }
    *out = ix;
    return api_ok(err);
}

void trawl_close(trawl_index *ix)
{
    if (ix == NULL)
        return;
    index_close(ix->ix);
    free(ix);
}

int trawl_reopen(trawl_index *ix, struct trawl_error *err)
{
    struct trawl_error e;
    int rc = index_reopen(ix->ix, &e);

    return pass(rc, err, &e);
}

const char *trawl_index_path(const trawl_index *ix)
{
    return index_path(ix->ix);
}

const char *trawl_index_lang(const trawl_index *ix)
{
    return index_lang(ix->ix);
}

const char *trawl_index_warning(const trawl_index *ix)
{
    return index_warning(ix->ix);
}

/* ---- Searching -------------------------------------------------------------------------- */

void trawl_search_opts_init(struct trawl_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->count = 10;
    o->per_article = 1;
    o->k1 = RANK_K1;
    o->b = RANK_B;
    o->delta = RANK_DELTA;
    /* Look at 100 matches at least: counts below that are exact, for little time. */
    o->check_at_least = 100;
    o->article_depth = RANK_ART_DEPTH;
    o->article_alpha = RANK_ART_ALPHA;
    o->article_k1 = RANK_ART_K1;
    o->article_b = RANK_ART_B;
    o->article_df = RANK_ART_DF;
    o->passage_k1 = RANK_PASSAGE_K1;
    o->passage_b = RANK_PASSAGE_B;
    o->passage_alpha = RANK_PASSAGE_ALPHA;
}

int trawl_search(trawl_index *ix, const char *query, size_t len,
                 const struct trawl_search_opts *opts, trawl_results **out,
                 struct trawl_error *err)
{
    struct trawl_search_opts defaults;
    struct query_opts qo;
    struct qnode *root = NULL;
    trawl_results *r;
    struct trawl_error e;
    size_t col = 0;
    uint64_t articles, passages, most;
    int rc;

    *out = NULL;
    if (opts == NULL) {
        trawl_search_opts_init(&defaults);
        opts = &defaults;
    }
    qo.default_and = opts->all_words;
    if ((r = calloc(1, sizeof *r)) == NULL)
        return nomem(err);
    r->ix = ix;
    rc = index_parse(query, len, opts->plain, &qo, &root, &col, &e);
    if (rc != TRAWL_OK) {
        trawl_results_free(r);
        rc = api_fail(err, &e);
        if (err != NULL && rc == TRAWL_EINPUT)
            err->column = col;
        return rc;
    }
    /* Plain text without a word finds nothing; it is not an error. */
    if (root == NULL) {
        r->exact = 1;
        *out = r;
        return api_ok(err);
    }
    rc = index_search(ix->ix, root, opts, &r->res, &e);
    index_parse_free(root);
    if (rc != TRAWL_OK) {
        trawl_results_free(r);
        return api_fail(err, &e);
    }
    /* Xapian's estimate of collapsed matches is a guess: never above what the index holds
     * (articles, or passages in the every-passage view; "1 of about 30000" of 19,043
     * articles), and never below what was seen. A page past the end saw nothing: there the
     * count is exact (Xapian went through every match to reach the offset). */
    r->estimated = r->res->estimated;
    r->exact = r->res->exact;
    if (index_counts(ix->ix, &articles, &passages, &e) != TRAWL_OK) {
        trawl_results_free(r);
        return api_fail(err, &e);
    }
    most = opts->per_article ? articles : passages;
    if (most > 0 && r->estimated > most) {
        r->estimated = most;
        r->exact = 0;
    }
    if (r->res->n > 0 && r->estimated < (uint64_t)opts->offset + r->res->n) {
        r->estimated = (uint64_t)opts->offset + r->res->n;
        r->exact = 0;
    }
    *out = r;
    return api_ok(err);
}

void trawl_results_free(trawl_results *r)
{
    if (r == NULL)
        return;
    index_results_free(r->res);
    free(r);
}

size_t trawl_results_count(const trawl_results *r)
{
    return r->res != NULL ? r->res->n : 0;
}

const struct trawl_hit *trawl_results_hit(const trawl_results *r, size_t i)
{
    return i < trawl_results_count(r) ? &r->res->hits[i].pub : NULL;
}

uint64_t trawl_results_estimated(const trawl_results *r)
{
    return r->estimated;
}

int trawl_results_exact(const trawl_results *r)
{
    return r->exact;
}

size_t trawl_results_duplicate_count(const trawl_results *r, size_t i)
{
    return r->res != NULL && r->res->dups != NULL && i < trawl_results_count(r)
               ? r->res->dups[i].n
               : 0;
}

const struct trawl_passage *trawl_results_duplicate(const trawl_results *r, size_t i, size_t k)
{
    return k < trawl_results_duplicate_count(r, i) ? &r->res->dups[i].v[k] : NULL;
}

size_t trawl_results_unknown_count(const trawl_results *r)
{
    return r->res != NULL ? r->res->nunknown : 0;
}

const char *trawl_results_unknown(const trawl_results *r, size_t i)
{
    return i < trawl_results_unknown_count(r) ? r->res->unknown[i] : NULL;
}

size_t trawl_results_known_count(const trawl_results *r)
{
    return r->res != NULL ? r->res->nknown : 0;
}

const char *trawl_results_known(const trawl_results *r, size_t i)
{
    return i < trawl_results_known_count(r) ? r->res->known[i] : NULL;
}

/* The k-th span of word i of a list of the results (n words). */
static int word_span(const struct index_spans *at, size_t n, size_t i, size_t k,
                     size_t *start, size_t *end)
{
    if (at == NULL || i >= n || k >= at[i].n)
        return 0;
    *start = at[i].v[k].start;
    *end = at[i].v[k].end;
    return 1;
}

int trawl_results_unknown_span(const trawl_results *r, size_t i, size_t k, size_t *start,
                               size_t *end)
{
    return r->res != NULL && word_span(r->res->unknown_at, r->res->nunknown, i, k, start, end);
}

int trawl_results_known_span(const trawl_results *r, size_t i, size_t k, size_t *start,
                             size_t *end)
{
    return r->res != NULL && word_span(r->res->known_at, r->res->nknown, i, k, start, end);
}

/* ---- Snippets and words ----------------------------------------------------------------- */

int trawl_snippet(const trawl_results *r, const char *text, size_t len, size_t width,
                  struct trawl_snippet *out, struct trawl_error *err)
{
    struct trawl_error e;

    memset(out, 0, sizeof *out);
    return pass(index_snippet(r->ix->ix, r->res, text, len, width, out, &e), err, &e);
}

void trawl_snippet_release(struct trawl_snippet *s)
{
    if (s == NULL)
        return;
    free(s->marks);
    memset(s, 0, sizeof *s);
}

int trawl_words(trawl_index *ix, const char *text, size_t len, trawl_word_fn fn, void *ctx,
                struct trawl_error *err)
{
    struct trawl_error e;

    return pass(index_words(ix->ix, text, len, fn, ctx, &e), err, &e);
}

int trawl_fold(const char *text, size_t len, char **out, struct trawl_error *err)
{
    struct sbuf folded;
    struct trawl_error e;

    *out = NULL;
    sbuf_init(&folded);
    if (index_fold(text, len, &folded, &e) != TRAWL_OK) {
        sbuf_release(&folded);
        return api_fail(err, &e);
    }
    if ((*out = sbuf_detach(&folded, NULL)) == NULL)
        return nomem(err);
    return api_ok(err);
}

/* ---- Explaining ------------------------------------------------------------------------- */

int trawl_explain(trawl_index *ix, const trawl_results *r, size_t i,
                  struct trawl_explanation *out, struct trawl_error *err)
{
    struct trawl_error e;

    memset(out, 0, sizeof *out);
    if (i >= trawl_results_count(r))
        return api_fail(err, &(struct trawl_error){TRAWL_EINPUT, "no result to explain", 0});
    return pass(index_explain(ix->ix, r->res, i, out, &e), err, &e);
}

void trawl_explanation_release(struct trawl_explanation *e)
{
    index_explanation_release(e);
}

/* ---- Passages --------------------------------------------------------------------------- */

int trawl_passage_get(trawl_index *ix, const char *id, unsigned ordinal,
                      struct trawl_passage **out, struct trawl_error *err)
{
    struct trawl_passage p;
    struct sbuf store;
    struct trawl_passage *tp;
    struct trawl_error e;
    char *s;
    int rc;

    *out = NULL;
    sbuf_init(&store);
    if ((rc = index_passage(ix->ix, id, ordinal, &store, &p, &e)) != TRAWL_OK) {
        sbuf_release(&store);
        return api_fail(err, &e);
    }
    /* One block: the struct, then its strings, so that one free() releases it all. */
    tp = malloc(sizeof *tp + p.article_len + p.title_len + p.date_len + p.text_len + p.url_len +
                p.source_len);
    if (tp == NULL) {
        sbuf_release(&store);
        return nomem(err);
    }
    *tp = p;
    s = (char *)(tp + 1);
    tp->article = memcpy(s, p.article, p.article_len);
    s += p.article_len;
    tp->title = memcpy(s, p.title, p.title_len);
    s += p.title_len;
    tp->date = memcpy(s, p.date, p.date_len);
    s += p.date_len;
    tp->text = memcpy(s, p.text, p.text_len);
    s += p.text_len;
    tp->url = memcpy(s, p.url, p.url_len);
    s += p.url_len;
    tp->source = memcpy(s, p.source, p.source_len);
    sbuf_release(&store);
    *out = tp;
    return api_ok(err);
}

void trawl_passage_free(struct trawl_passage *p)
{
    free(p);
}

int trawl_each_passage(trawl_index *ix, const char *id, trawl_passage_fn fn, void *ctx,
                       struct trawl_error *err)
{
    struct trawl_error e;

    return pass(index_each_passage(ix->ix, id, fn, ctx, &e), err, &e);
}

/* ---- Statistics and spelling ------------------------------------------------------------ */

int trawl_stats(trawl_index *ix, struct trawl_stats *st, struct trawl_error *err)
{
    struct trawl_error e;

    memset(st, 0, sizeof *st);
    return pass(index_stats(ix->ix, st, &e), err, &e);
}

char *trawl_stats_format(const char *path, const struct trawl_stats *st)
{
    struct sbuf out;

    sbuf_init(&out);
    if (index_stats_format(path, st, &out) != TRAWL_OK) {
        sbuf_release(&out);
        return NULL;
    }
    return sbuf_detach(&out, NULL);
}

int trawl_suggest(trawl_index *ix, const char *word, char **out, struct trawl_error *err)
{
    struct sbuf sug;
    struct trawl_error e;

    *out = NULL;
    sbuf_init(&sug);
    if (index_suggest(ix->ix, word, strlen(word), &sug, &e) != TRAWL_OK) {
        sbuf_release(&sug);
        return api_fail(err, &e);
    }
    if ((*out = sbuf_detach(&sug, NULL)) == NULL)
        return nomem(err);
    return api_ok(err);
}

int trawl_suggest_rare(trawl_index *ix, const char *word, char **out, uint64_t *word_freq,
                       uint64_t *sug_freq, struct trawl_error *err)
{
    struct sbuf sug;
    struct trawl_error e;

    *out = NULL;
    sbuf_init(&sug);
    if (index_suggest_rare(ix->ix, word, strlen(word), &sug, word_freq, sug_freq, &e) !=
        TRAWL_OK) {
        sbuf_release(&sug);
        return api_fail(err, &e);
    }
    if ((*out = sbuf_detach(&sug, NULL)) == NULL)
        return nomem(err);
    return api_ok(err);
}

int trawl_complete(trawl_index *ix, const char *prefix, size_t len, trawl_complete_fn fn,
                   void *ctx, struct trawl_error *err)
{
    struct trawl_error e;

    return pass(index_complete(ix->ix, prefix, len, fn, ctx, &e), err, &e);
}

/* ---- Records ---------------------------------------------------------------------------- */

int trawl_each_record(trawl_index *ix, trawl_record_fn fn, void *ctx, struct trawl_error *err)
{
    struct api_records c = {fn, ctx, 0};
    char **paths = NULL;
    size_t n = 0;
    int sharded = 0, rc = TRAWL_OK;
    struct trawl_error e;

    /* The metadata of a stub reads its first shard only: a sharded index is read shard by
     * shard. Remote shards (no local paths) are read as the index is, as index_stats does. */
    if (index_writer_paths(index_path(ix->ix), &paths, &n, &sharded, NULL) != TRAWL_OK ||
        !sharded) {
        layout_free_lines(paths, n);
        rc = index_each_article(ix->ix, api_record_each, &c, &e);
        return c.stopped ? api_ok(err) : pass(rc, err, &e);
    }
    for (size_t i = 0; i < n && rc == TRAWL_OK && !c.stopped; i++) {
        struct index_open_opts oo = {.mode = INDEX_READ, .plain = 1};
        struct index *shard;
        rc = index_open(paths[i], &oo, &shard, &e);
        if (rc == TRAWL_OK) {
            rc = index_each_article(shard, api_record_each, &c, &e);
            index_close(shard);
        }
    }
    layout_free_lines(paths, n);
    return c.stopped ? api_ok(err) : pass(rc, err, &e);
}

int trawl_source_get(trawl_index *ix, const char *path, struct trawl_source *out,
                     struct trawl_error *err)
{
    struct trawl_error e;

    memset(out, 0, sizeof *out);
    return pass(index_source(ix->ix, path, out, &e), err, &e);
}
