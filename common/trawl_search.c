/* trawl_search: the read half of the public API (trawl.h): opening an index for searching,
 * searches and their results, snippets, words, explanations, passages, statistics, spelling
 * and article records. A thin layer over index.h (the text layer's query.h, snippet.h and
 * analyze.h only through it: common/LAYERS): it converts types and errors, and owns nothing
 * the internals do not already do. */
#include "common/trawl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/api.h"
#include "common/index.h"
#include "common/index_dups.h"
#include "common/layout.h"
#include "common/rank.h"
#include "common/sbuf.h"
#include "common/schema.h"

struct trawl_index {
    struct index *ix; /* its analyzer (index_analyzer) serves snippets and trawl_words too */
};

struct trawl_results {
    trawl_index *ix;               /* borrowed: snippets and words need its analyzer */
    struct index_results *res;
    struct trawl_hit *hits;        /* res->n, pointing into res */
    struct index_search_opts so;   /* what ran, for explain */
    uint64_t estimated;
    struct index_dup_list *dups;   /* near-duplicates folded into each hit (NULL: none) */
    size_t ndups;                  /* entries of dups */
    struct trawl_passage **dup_passages; /* dups as trawl_passages, per hit */
};

static int nomem(struct trawl_error *err)
{
    return api_fail(err, &(struct terr){TRAWL_ENOMEM, "out of memory"});
}

static int pass(int rc, struct trawl_error *out, const struct terr *e)
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
    struct terr e;
    int rc;

    *out = NULL;
    if (opts != NULL)
        oo.allow_partial = opts->allow_partial;
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
    struct terr e;
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

static void search_opts(const struct trawl_search_opts *o, struct index_search_opts *so)
{
    index_search_opts_init(so);
    so->k1 = o->per_article == 0 ? o->passage_k1 : o->k1;
    so->b = o->per_article == 0 ? o->passage_b : o->b;
    so->bm25plus = o->bm25plus;
    so->delta = o->delta;
    so->offset = o->offset;
    so->count = o->count;
    so->per_article = o->per_article;
    so->check_at_least = o->check_at_least;
    so->order = o->sort == TRAWL_SORT_DATE       ? INDEX_ORDER_DATE_DESC
                : o->sort == TRAWL_SORT_DATE_ASC ? INDEX_ORDER_DATE_ASC
                                                 : INDEX_ORDER_SCORE;
    so->cancel = o->cancel;
    so->art_depth = o->article_depth;
    so->art_alpha = o->article_alpha;
    so->art_passage_alpha = o->passage_alpha;
    so->art_k1 = o->article_k1;
    so->art_b = o->article_b;
    so->art_df = o->article_df == TRAWL_DF_PASSAGE ? INDEX_DF_PASSAGE
                 : o->article_df == TRAWL_DF_WALK  ? INDEX_DF_WALK
                                                   : INDEX_DF_EXACT;
    so->expand = o->expand;
}

static void passage_out(const struct schema_passage *p, struct trawl_passage *out)
{
    out->article = p->id;
    out->article_len = p->id_len;
    out->title = p->title;
    out->title_len = p->title_len;
    out->date = p->date;
    out->date_len = p->date_len;
    out->ordinal = p->ordinal;
    out->start = p->start;
    out->end = p->end;
    out->text = p->text;
    out->text_len = p->text_len;
    out->url = p->url;
    out->url_len = p->url_len;
    out->source = p->source;
    out->source_len = p->source_len;
}

/* Runs root into r->res: as it is, or (near-duplicates folded) a wider window from the first
 * result, grouped, then cut to the groups of the page asked for. The wider window holds
 * twice the results up to the page's end and 10 more, so that pages stay full unless more
 * than half the results are duplicates. */
static int search_grouped(trawl_index *ix, const struct qnode *root,
                          const struct trawl_search_opts *opts, trawl_results *r,
                          struct terr *e)
{
    struct index_search_opts wide = r->so;
    uint64_t want = ((uint64_t)opts->offset + opts->count) * 2 + 10;
    int rc, group = !(opts->duplicates || opts->per_article != 1 || opts->count == 0);

    if (group) {
        wide.offset = 0;
        wide.count = want > UINT_MAX ? UINT_MAX : (unsigned)want;
    }
    /* The shown passages are read once the hits are cut to the page. */
    wide.defer_shown = 1;
    /* The signatures and the shown passages are read after the search: an indexer's commit
     * in between is TRAWL_ERETRY, and then the whole search runs again on the new revision
     * (as index_search itself retries), a few times at most. */
    for (int tries = 0;; tries++) {
        if ((rc = index_search(ix->ix, root, &wide, &r->res, e)) != TRAWL_OK)
            return rc;
        if (group)
            rc = index_dups_group(ix->ix, r->res, opts->offset, opts->count, &r->dups, e);
        if (rc == TRAWL_OK)
            rc = index_results_load(ix->ix, r->res, e);
        if (rc != TRAWL_ERETRY || tries == 2)
            break;
        index_dups_free(r->dups, opts->count);
        r->dups = NULL;
        index_results_free(r->res);
        r->res = NULL;
        if ((rc = index_reopen(ix->ix, e)) != TRAWL_OK)
            return rc;
    }
    if (rc != TRAWL_OK || !group)
        return rc;
    r->ndups = opts->count;
    if ((r->dup_passages = calloc(opts->count, sizeof *r->dup_passages)) == NULL)
        return terr_set(e, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->res->n; i++) {
        const struct index_dup_list *l = &r->dups[i];
        if (l->n == 0)
            continue;
        if ((r->dup_passages[i] = calloc(l->n, sizeof **r->dup_passages)) == NULL)
            return terr_set(e, TRAWL_ENOMEM, "out of memory");
        for (size_t k = 0; k < l->n; k++)
            passage_out(&l->v[k], &r->dup_passages[i][k]);
    }
    return TRAWL_OK;
}

int trawl_search(trawl_index *ix, const char *query, size_t len,
                 const struct trawl_search_opts *opts, trawl_results **out,
                 struct trawl_error *err)
{
    struct trawl_search_opts defaults;
    struct query_opts qo;
    struct qnode *root = NULL;
    trawl_results *r;
    struct terr e;
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
    search_opts(opts, &r->so);
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
        *out = r;
        return api_ok(err);
    }
    rc = search_grouped(ix, root, opts, r, &e);
    index_parse_free(root);
    if (rc == TRAWL_OK && r->res->n > 0 &&
        (r->hits = calloc(r->res->n, sizeof *r->hits)) == NULL)
        rc = terr_set(&e, TRAWL_ENOMEM, "out of memory");
    if (rc != TRAWL_OK) {
        trawl_results_free(r);
        return api_fail(err, &e);
    }
    for (size_t i = 0; i < r->res->n; i++) {
        passage_out(&r->res->hits[i].p, &r->hits[i].passage);
        r->hits[i].score = r->res->hits[i].score;
        r->hits[i].more = r->res->hits[i].more;
    }
    /* Xapian's estimate of collapsed matches is a guess: never above what the index holds
     * (articles, or passages in the every-passage view; "1 of about 30000" of 19,043
     * articles), and never below what was seen. A page past the end saw nothing: there the
     * count is exact (Xapian went through every match to reach the offset). */
    r->estimated = r->res->estimated;
    if (index_counts(ix->ix, &articles, &passages, &e) != TRAWL_OK) {
        trawl_results_free(r);
        return api_fail(err, &e);
    }
    most = opts->per_article ? articles : passages;
    if (most > 0 && r->estimated > most)
        r->estimated = most;
    if (r->res->n > 0 && r->estimated < (uint64_t)opts->offset + r->res->n)
        r->estimated = (uint64_t)opts->offset + r->res->n;
    *out = r;
    return api_ok(err);
}

void trawl_results_free(trawl_results *r)
{
    if (r == NULL)
        return;
    index_results_free(r->res);
    free(r->hits);
    for (size_t i = 0; r->dup_passages != NULL && i < r->ndups; i++)
        free(r->dup_passages[i]);
    free(r->dup_passages);
    index_dups_free(r->dups, r->ndups);
    free(r);
}

size_t trawl_results_count(const trawl_results *r)
{
    return r->res != NULL ? r->res->n : 0;
}

const struct trawl_hit *trawl_results_hit(const trawl_results *r, size_t i)
{
    return i < trawl_results_count(r) ? &r->hits[i] : NULL;
}

uint64_t trawl_results_estimated(const trawl_results *r)
{
    return r->estimated;
}

size_t trawl_results_duplicate_count(const trawl_results *r, size_t i)
{
    return r->dups != NULL && i < trawl_results_count(r) ? r->dups[i].n : 0;
}

const struct trawl_passage *trawl_results_duplicate(const trawl_results *r, size_t i, size_t k)
{
    return k < trawl_results_duplicate_count(r, i) ? &r->dup_passages[i][k] : NULL;
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
    struct snippet sn;
    struct terr e;

    memset(out, 0, sizeof *out);
    if (index_snippet(r->ix->ix, r->res, text, len, width, &sn, &e) != TRAWL_OK)
        return api_fail(err, &e);
    if (sn.nmarks > 0 && (out->marks = malloc(sn.nmarks * sizeof *out->marks)) == NULL) {
        snippet_release(&sn);
        return nomem(err);
    }
    for (size_t i = 0; i < sn.nmarks; i++) {
        out->marks[i].start = sn.marks[i].start;
        out->marks[i].end = sn.marks[i].end;
    }
    out->nmarks = sn.nmarks;
    out->start = sn.start;
    out->end = sn.end;
    out->cut_before = sn.cut_before;
    out->cut_after = sn.cut_after;
    out->distinct = sn.distinct;
    snippet_release(&sn);
    return api_ok(err);
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
    struct terr e;

    /* trawl_word_fn and index_term_fn are the same callback: 0 goes on, non-zero stops. */
    if (index_words(ix->ix, text, len, fn, ctx, &e) != TRAWL_OK)
        return api_fail(err, &e);
    return api_ok(err);
}

int trawl_fold(const char *text, size_t len, char **out, struct trawl_error *err)
{
    struct sbuf folded;
    struct terr e;

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
    struct index_explanation ie;
    struct terr e;
    int rc;

    memset(out, 0, sizeof *out);
    if (i >= trawl_results_count(r))
        return api_fail(err, &(struct terr){TRAWL_EINPUT, "no result to explain"});
    if ((rc = index_explain(ix->ix, r->res, i, &r->so, &ie, &e)) != TRAWL_OK)
        return api_fail(err, &e);
    if (ie.n > 0 && (out->terms = calloc(ie.n, sizeof *out->terms)) == NULL) {
        index_explanation_release(&ie);
        return nomem(err);
    }
    /* The terms move over: the internal explanation gives them up. */
    for (size_t k = 0; k < ie.n; k++) {
        out->terms[k].term = ie.v[k].term;
        out->terms[k].tf = ie.v[k].tf;
        out->terms[k].df = ie.v[k].df;
        out->terms[k].idf = ie.v[k].idf;
        out->terms[k].weight = ie.v[k].weight;
        out->terms[k].title_tf = ie.v[k].title_tf;
        out->terms[k].art_tf = ie.v[k].art_tf;
        out->terms[k].art_df = ie.v[k].art_df;
        out->terms[k].art_idf = ie.v[k].art_idf;
        out->terms[k].art_weight = ie.v[k].art_weight;
        ie.v[k].term = NULL;
    }
    out->n = ie.n;
    out->passage_len = ie.passage_len;
    out->avg_len = ie.avg_len;
    out->passages = ie.passages;
    out->k1 = ie.k1;
    out->b = ie.b;
    out->scored_ordinal = ie.scored_ordinal;
    out->passage_score = ie.passage_score;
    out->fused = ie.fused;
    out->alpha = ie.alpha;
    out->article_score = ie.article_score;
    out->art_len = ie.art_len;
    out->art_avg_len = ie.art_avg_len;
    out->articles = ie.articles;
    out->art_k1 = ie.art_k1;
    out->art_b = ie.art_b;
    out->below = ie.below;
    index_explanation_release(&ie);
    return api_ok(err);
}

void trawl_explanation_release(struct trawl_explanation *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n; i++)
        free(e->terms[i].term);
    free(e->terms);
    memset(e, 0, sizeof *e);
}

/* ---- Passages --------------------------------------------------------------------------- */

int trawl_passage_get(trawl_index *ix, const char *id, unsigned ordinal,
                      struct trawl_passage **out, struct trawl_error *err)
{
    struct schema_passage p;
    struct sbuf store;
    struct trawl_passage *tp;
    struct terr e;
    char *s;
    int rc;

    *out = NULL;
    sbuf_init(&store);
    if ((rc = index_passage(ix->ix, id, ordinal, &store, &p, &e)) != TRAWL_OK) {
        sbuf_release(&store);
        return api_fail(err, &e);
    }
    /* One block: the struct, then its strings, so that one free() releases it all. */
    tp = malloc(sizeof *tp + p.id_len + p.title_len + p.date_len + p.text_len + p.url_len +
                p.source_len);
    if (tp == NULL) {
        sbuf_release(&store);
        return nomem(err);
    }
    passage_out(&p, tp);
    s = (char *)(tp + 1);
    tp->article = memcpy(s, p.id, p.id_len);
    s += p.id_len;
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

struct passage_ctx {
    trawl_passage_fn fn;
    void *ctx;
    int stopped;
};

static int passage_each(void *ctx, const struct schema_passage *p)
{
    struct passage_ctx *pc = ctx;
    struct trawl_passage tp;

    passage_out(p, &tp);
    if (pc->fn(pc->ctx, &tp) != 0) {
        /* index_each_passage ends on any non-zero value; the flag says it was ours. */
        pc->stopped = 1;
        return TRAWL_EINTERNAL;
    }
    return TRAWL_OK;
}

int trawl_each_passage(trawl_index *ix, const char *id, trawl_passage_fn fn, void *ctx,
                       struct trawl_error *err)
{
    struct passage_ctx pc = {fn, ctx, 0};
    struct terr e;
    int rc = index_each_passage(ix->ix, id, passage_each, &pc, &e);

    return pc.stopped ? api_ok(err) : pass(rc, err, &e);
}

/* ---- Statistics and spelling ------------------------------------------------------------ */

int trawl_stats(trawl_index *ix, struct trawl_stats *st, struct trawl_error *err)
{
    struct index_stats is;
    struct terr e;

    memset(st, 0, sizeof *st);
    if (index_stats(ix->ix, &is, &e) != TRAWL_OK)
        return api_fail(err, &e);
    st->articles = is.articles;
    st->passages = is.passages;
    st->terms = is.terms;
    st->avg_passage_len = is.avg_passage_len;
    st->disk_bytes = is.disk_bytes;
    st->revision = is.revision;
    st->updated = is.updated;
    st->schema = is.schema;
    st->analyzer = is.analyzer;
    _Static_assert(sizeof st->lang == sizeof is.lang, "the language fields agree");
    memcpy(st->lang, is.lang, sizeof st->lang);
    st->art_state = is.art_state;
    st->art_articles = is.art_docs;
    st->avg_article_len = is.avg_article_len;
    return api_ok(err);
}

char *trawl_stats_format(const char *path, const struct trawl_stats *st)
{
    struct index_stats is;
    struct sbuf out;

    memset(&is, 0, sizeof is);
    is.articles = st->articles;
    is.passages = st->passages;
    is.terms = st->terms;
    is.avg_passage_len = st->avg_passage_len;
    is.disk_bytes = st->disk_bytes;
    is.revision = st->revision;
    is.updated = st->updated;
    is.schema = st->schema;
    is.analyzer = st->analyzer;
    memcpy(is.lang, st->lang, sizeof is.lang);
    is.lang[sizeof is.lang - 1] = '\0';
    is.art_state = st->art_state;
    is.art_docs = st->art_articles;
    is.avg_article_len = st->avg_article_len;
    sbuf_init(&out);
    if (index_stats_format(path, &is, &out) != TRAWL_OK) {
        sbuf_release(&out);
        return NULL;
    }
    return sbuf_detach(&out, NULL);
}

int trawl_suggest(trawl_index *ix, const char *word, char **out, struct trawl_error *err)
{
    struct sbuf sug;
    struct terr e;

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
    struct terr e;

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
    struct terr e;

    /* The same signature, so the caller's function is handed down as it is. */
    return pass(index_complete(ix->ix, prefix, len, fn, ctx, &e), err, &e);
}

/* ---- Records ---------------------------------------------------------------------------- */

int trawl_each_record(trawl_index *ix, trawl_record_fn fn, void *ctx, struct trawl_error *err)
{
    struct api_records c = {fn, ctx, 0};
    char **paths = NULL;
    size_t n = 0;
    int sharded = 0, rc = TRAWL_OK;
    struct terr e;

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
    struct schema_source s;
    struct terr e;

    memset(out, 0, sizeof *out);
    if (index_source(ix->ix, path, &s, &e) != TRAWL_OK)
        return api_fail(err, &e);
    api_source(&s, out);
    return api_ok(err);
}
