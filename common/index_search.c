/* index_search: running a search: ranking, collapsing to passages per article, exact per-article
 * counts, settling near-ties, and the path for remote shards (no match decider there). */
#include "common/index_priv.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/impact.h"
#include "common/index_dups.h"
#include "common/rank.h"
#include "common/schema.h"
#include "common/strmap.h"
#include "common/xdb.h"

/* Results fetched beyond each end of a page, to settle near-ties (settle_ties). */
#define PAGE_SLACK 4

/* ---- Searching -------------------------------------------------------------------------- */

/* ---- Running a search ------------------------------------------------------------------ */

/* TRAWL_ECANCELLED once the caller's cancel flag is up. */
static int check_cancel(const struct trawl_search_opts *o, struct trawl_error *err)
{
    if (o->cancel != NULL && *o->cancel)
        return terr_set(err, TRAWL_ECANCELLED, "search cancelled");
    return TRAWL_OK;
}

/* The phrase check inside Xapian, refusing every candidate once the cancel flag is up: the
 * matcher then runs to its end quickly, and the caller sees the flag. */
struct guard {
    struct checker *chk;
    volatile sig_atomic_t *cancel;
};

static int guarded_check(void *ctx, xdb_docid id, const char *data, size_t len)
{
    struct guard *g = ctx;

    if (g->cancel != NULL && *g->cancel)
        return 0;
    return index_check_decider(g->chk, id, data, len);
}

void index_results_free(struct index_results *r)
{
    struct index_results_priv *pv;

    if (r == NULL)
        return;
    pv = r->priv;
    if (pv != NULL) {
        xdb_mset_free(pv->mset);
        index_artrank_free(pv->art);
        for (size_t i = 0; i < pv->nshown; i++)
            sbuf_release(&pv->shown[i]);
        free(pv->shown);
        for (size_t i = 0; i < pv->ndata; i++)
            sbuf_release(&pv->data[i]);
        free(pv->data);
    }
    free(pv);
    free(r->hits);
    index_dups_free(r->dups, r->ndups);
    for (size_t i = 0; i < r->hl.nterms; i++)
        free(r->hl.terms[i]);
    free(r->hl.terms);
    for (size_t i = 0; i < r->hl.nexact; i++)
        free(r->hl.exact[i]);
    free(r->hl.exact);
    for (size_t i = 0; i < r->hl.nprefixes; i++)
        free(r->hl.prefixes[i]);
    free(r->hl.prefixes);
    for (size_t i = 0; i < r->hl.nphrases; i++)
        free(r->hl.phrases[i]);
    free(r->hl.phrases);
    index_spans_free(r->unknown_at, r->nunknown);
    index_spans_free(r->known_at, r->nknown);
    for (size_t i = 0; i < r->nunknown; i++)
        free(r->unknown[i]);
    free(r->unknown);
    for (size_t i = 0; i < r->nknown; i++)
        free(r->known[i]);
    free(r->known);
    for (size_t i = 0; i < r->nrank; i++)
        free(r->rank_terms[i]);
    free(r->rank_terms);
    for (size_t i = 0; i < r->nrankp; i++)
        free(r->rank_prefixes[i]);
    free(r->rank_prefixes);
    free(r);
}

/* *more = the passages of p's article that match xq (and pass chk), beyond the `shown` that
 * the collapsed list keeps of it. On entry *more is a lower bound (Xapian's, or 0). here != 0:
 * chk runs here on the article's passages rather than inside Xapian (remote shards cannot
 * call it). */
static int article_matches(struct index *ix, const xdb_query *xq, struct checker *chk, int here,
                           const struct trawl_passage *p, unsigned shown, uint64_t *more,
                           struct trawl_error *err)
{
    struct xdb_search_opts xo;
    struct sbuf term;
    xdb_query *subs[2] = {(xdb_query *)xq, NULL};
    xdb_query *q = NULL;
    xdb_mset *m = NULL;
    uint64_t total, passages, coll;
    int rc;

    sbuf_init(&term);
    if (schema_article_term(p->article, p->article_len, &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    /* The article's passage count bounds the answer: when the lower bound reaches it (an
     * article of one passage, often), no search is needed. */
    if ((rc = xdb_term_freq(ix->db, term.buf, term.len, &passages, &coll, err)) != TRAWL_OK)
        goto out;
    if (passages <= shown || *more >= passages - shown) {
        *more = passages > shown ? passages - shown : 0;
        goto out;
    }
    if ((subs[1] = xdb_query_term(term.buf, term.len, 1)) == NULL ||
        (q = xdb_query_op(XDB_OP_FILTER, subs, 2)) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    xdb_search_opts_init(&xo);
    xo.weighting = XDB_WEIGHT_BOOL;
    xo.count = 0;
    xo.check_at_least = UINT_MAX; /* Xapian caps it at the document count: an exact count */
    if (chk != NULL && here) {
        xo.count = (unsigned)passages; /* fetched and checked below */
    } else if (chk != NULL) {
        xo.decider = index_check_decider;
        xo.decider_ctx = chk;
    }
    rc = xdb_search(ix->db, q, &xo, &m, err);
    total = 0;
    for (size_t i = 0; rc == TRAWL_OK && chk != NULL && here && i < xdb_mset_size(m); i++) {
        struct xdb_hit h;
        if ((rc = xdb_mset_hit(m, i, &h, err)) == TRAWL_OK &&
            index_check_decider(chk, h.docid, h.data, h.data_len))
            total++;
    }
    if (rc == TRAWL_OK && chk != NULL && chk->nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc == TRAWL_OK) {
        if (!(chk != NULL && here))
            total = xdb_mset_lower_bound(m);
        *more = total > shown ? total - shown : 0;
    }
out:
    xdb_mset_free(m);
    xdb_query_free(q);
    xdb_query_free(subs[1]);
    sbuf_release(&term);
    return rc;
}

/* Xapian's collapse counts are lower bounds that depend on the window (a passage that never
 * beat the threshold is not counted), so a page would disagree with the unpaged list. Count
 * each shown article's matching passages exactly: the query filtered to the article's few
 * passages is cheap. Where the count needs the phrase check and the index is remote (Xapian
 * refuses a match decider there), the lower bound stays. A query that is an OR of words
 * (plain) matches the passages that hold one of its terms, which article ranking has
 * counted already for its candidates. */
/* exact_more's counts for the hits of r (the first of each article) answered by the passage
 * impact file for shape's tree, as article_matches would count them, with done[i] set for
 * each; the others are left to article_matches (no file, no tree, a run of passages that
 * is not the whole article). */
static int impact_more(struct index *ix, const struct index_ishape *shape,
                       struct index_results *r, unsigned shown, unsigned char *done,
                       struct trawl_error *err)
{
    size_t n = r->n ? r->n : 1;
    uint32_t *docs = malloc(n * sizeof *docs), *runs = malloc(n * sizeof *runs);
    const char **keys = malloc(n * sizeof *keys);
    size_t *klens = malloc(n * sizeof *klens), *at = malloc(n * sizeof *at), m = 0;
    uint64_t *counts = malloc(n * sizeof *counts);
    struct sbuf term;
    int rc = TRAWL_OK;

    sbuf_init(&term);
    if (!docs || !runs || !keys || !klens || !at || !counts) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < r->n; i++) {
        const struct trawl_passage *p = &r->hits[i].pub.passage;
        size_t k = 0;
        while (k < i && !schema_same_article(&r->hits[k].pub.passage, p))
            k++;
        if (k < i || r->hits[i].docid > UINT32_MAX)
            continue;
        docs[m] = (uint32_t)r->hits[i].docid;
        keys[m] = p->article;
        klens[m] = p->article_len;
        at[m++] = i;
    }
    rc = index_impacts_runs(ix, ix->db, &ix->pimp, shape, docs, keys, klens, m, runs, counts,
                            err);
    if (rc == TRAWL_ENOTFOUND)
        rc = TRAWL_OK; /* article_matches answers */
    else
        for (size_t j = 0; rc == TRAWL_OK && j < m; j++) {
            const struct trawl_passage *p = &r->hits[at[j]].pub.passage;
            uint64_t passages = 0, coll;
            /* The run is the article's passages only when its A term has as many. */
            sbuf_reset(&term);
            if (schema_article_term(p->article, p->article_len, &term) != TRAWL_OK)
                rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            else if ((rc = xdb_term_freq(ix->db, term.buf, term.len, &passages, &coll, err)) ==
                         TRAWL_OK &&
                     passages == runs[j]) {
                r->hits[at[j]].pub.more = counts[j] > shown ? counts[j] - shown : 0;
                done[at[j]] = 1;
            }
        }
out:
    sbuf_release(&term);
    free(docs);
    free(runs);
    free(keys);
    free(klens);
    free(at);
    free(counts);
    return rc;
}

static int exact_more(struct index *ix, const xdb_query *xq, struct checker *chk,
                      struct index_results *r, const struct trawl_search_opts *o, int plain,
                      const struct index_ishape *shape, struct trawl_error *err)
{
    unsigned per_article = o->per_article;
    const struct index_artrank *art = ((struct index_results_priv *)r->priv)->art;
    unsigned char *done = NULL;
    int rc;

    /* Remote shards with a phrase check: run_search_checked_here has counted already. */
    if (chk != NULL && ix->remote)
        return TRAWL_OK;
    /* A query of words with operators: the passage impact file counts as Xapian would. */
    if (per_article && !plain && chk == NULL && shape != NULL && r->n > 0) {
        if ((done = calloc(r->n, 1)) == NULL)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        if ((rc = impact_more(ix, shape, r, per_article, done, err)) != TRAWL_OK) {
            free(done);
            return rc;
        }
    }
    for (size_t i = 0; per_article && i < r->n; i++) {
        size_t k = 0;
        if (done != NULL && done[i])
            continue;
        while (k < i && !schema_same_article(&r->hits[k].pub.passage, &r->hits[i].pub.passage))
            k++;
        if (k < i) {
            r->hits[i].pub.more = r->hits[k].pub.more;
            continue;
        }
        if (plain && chk == NULL && art != NULL && r->hits[i].art > 0 &&
            r->hits[i].art <= art->ncand) {
            uint32_t m = art->cand[r->hits[i].art - 1].matching;
            r->hits[i].pub.more = m > per_article ? m - per_article : 0;
            continue;
        }
        if ((rc = check_cancel(o, err)) != TRAWL_OK ||
            (rc = article_matches(ix, xq, chk, 0, &r->hits[i].pub.passage, per_article,
                                  &r->hits[i].pub.more, err)) != TRAWL_OK) {
            free(done);
            return rc;
        }
    }
    free(done);
    return TRAWL_OK;
}

/* Xapian's options for ranking passages as o says (BM25 or BM25+, rank.h's min_normlen), ties
 * by article id then docid: docids follow the passage order because an article's passages
 * are always added together, in order. */
void index_rank_opts(const struct trawl_search_opts *o, struct xdb_search_opts *xo)
{
    xdb_search_opts_init(xo);
    xo->k1 = o->k1;
    xo->b = o->b;
    xo->min_normlen = RANK_MIN_NORMLEN;
    if (o->bm25plus) {
        xo->weighting = XDB_WEIGHT_BM25PLUS;
        xo->delta = o->delta;
    }
    xo->sort_slot = SLOT_ARTICLE;
    /* By date: all passages of an article share its date, so relevance, the second key,
     * also decides which passage stands for the article when collapsing. */
    if (o->sort != TRAWL_SORT_SCORE) {
        xo->order_slot = SLOT_DATE;
        xo->order_desc = o->sort == TRAWL_SORT_DATE;
    }
}

/* The every-passage view's passage search answered by the passage impact file (index_impact.c)
 * as Xapian would answer it (the same passages, weights and order): TRAWL_ENOTFOUND when it
 * cannot (no file for this revision, a term it cannot hold, a query shape it cannot mirror,
 * malformed postings). */
static int impact_passages(struct index *ix, const struct strlist *occ,
                           const struct index_ishape *shape, const struct trawl_search_opts *o,
                           struct index_results *r, struct trawl_error *err)
{
    struct index_results_priv *pv = r->priv;
    size_t n = 0, count;
    struct impact_hit *top;
    struct impact *im; /* not held: the hits' data is copied out of Xapian, not the file */
    uint64_t matched = 0;
    int rc = index_impacts_best(ix, ix->db, &ix->pimp, occ, shape, o->k1, o->b,
                                (size_t)o->offset + o->count, &im, &top, &n, &matched, err);

    if (rc != TRAWL_OK)
        return rc; /* TRAWL_ENOTFOUND: Xapian answers */
    count = n > o->offset ? n - o->offset : 0;
    r->estimated = matched;
    r->exact = 1;
    if ((r->hits = calloc(count ? count : 1, sizeof *r->hits)) == NULL ||
        (pv->data = calloc(count ? count : 1, sizeof *pv->data)) == NULL) {
        free(top);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    pv->ndata = count;
    for (size_t i = 0; i < count; i++)
        sbuf_init(&pv->data[i]);
    for (size_t i = 0; i < count; i++) {
        const struct impact_hit *t = &top[o->offset + i];
        struct index_hit *ih = &r->hits[i];
        if ((rc = xdb_doc_data(ix->db, t->docid, &pv->data[i], err)) != TRAWL_OK)
            break;
        ih->docid = t->docid;
        ih->pub.score = t->weight;
        ih->pub.more = 0;
        rc = index_damaged(ix, schema_passage_decode(pv->data[i].buf, pv->data[i].len,
                                                     &ih->pub.passage, err),
                           err);
        if (rc != TRAWL_OK)
            break;
        r->n++;
    }
    free(top);
    return rc;
}

/* occ: the query's terms, one per occurrence, when it is their plain OR (else NULL); else
 * shape: xq as the impact files' tree (NULL: none). */
static int run_search(struct index *ix, const xdb_query *xq, const struct trawl_search_opts *o,
                      struct checker *chk, const struct strlist *occ,
                      const struct index_ishape *shape, struct index_results *r,
                      struct trawl_error *err)
{
    struct xdb_search_opts xo;
    struct index_results_priv *pv = r->priv;
    struct guard g = {chk, o->cancel};
    size_t n;
    int rc;

    if ((occ != NULL || shape != NULL) && chk == NULL && o->per_article == 0 &&
        o->sort == TRAWL_SORT_SCORE && !o->bm25plus &&
        (rc = impact_passages(ix, occ, occ != NULL ? NULL : shape, o, r, err)) != TRAWL_ENOTFOUND)
        return rc;

    index_rank_opts(o, &xo);
    xo.offset = o->offset;
    xo.count = o->count;
    xo.check_at_least = o->check_at_least;
    xo.collapse_slot = o->per_article ? SLOT_ARTICLE : -1;
    xo.collapse_max = o->per_article ? o->per_article : 1;
    if (chk != NULL) {
        xo.decider = guarded_check;
        xo.decider_ctx = &g;
    }
    rc = xdb_search(ix->db, xq, &xo, &pv->mset, err);
    if (rc == TRAWL_OK)
        rc = check_cancel(o, err);
    if (rc != TRAWL_OK)
        return rc;
    if (chk != NULL && chk->nomem)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    n = xdb_mset_size(pv->mset);
    r->estimated = xdb_mset_estimated(pv->mset);
    r->exact = xdb_mset_lower_bound(pv->mset) == xdb_mset_upper_bound(pv->mset);
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (r->hits == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct xdb_hit h;
        struct index_hit *ih = &r->hits[i];
        if ((rc = xdb_mset_hit(pv->mset, i, &h, err)) != TRAWL_OK)
            return rc;
        ih->docid = h.docid;
        ih->pub.score = h.weight;
        ih->pub.more = h.collapse_count;
        rc = index_damaged(ix, schema_passage_decode(h.data, h.data_len, &ih->pub.passage, err),
                           err);
        if (rc != TRAWL_OK)
            return rc;
        r->n++;
    }
    return TRAWL_OK;
}

/* run_search for databases that cannot call a match decider (remote shards): rank passages
 * without collapsing, check each candidate here, collapse here, and widen the window until
 * the page is full or the matches run out. "more" counts the article's other checked
 * passages within the window (a lower bound, as Xapian's own). */
static int run_search_checked_here(struct index *ix, const xdb_query *xq,
                                   const struct trawl_search_opts *o, struct checker *chk,
                                   struct index_results *r, struct trawl_error *err)
{
    struct index_results_priv *pv = r->priv;
    size_t want = (size_t)o->offset + o->count;
    unsigned window = (unsigned)(want * 4 + 64);
    struct strmap seen; /* article id -> passages accepted so far */
    int rc = TRAWL_OK;

    strmap_init(&seen);
    for (;;) {
        struct xdb_search_opts xo;
        size_t n, accepted = 0;
        int exhausted;
        index_rank_opts(o, &xo);
        xo.count = window;
        xdb_mset_free(pv->mset);
        pv->mset = NULL;
        free(r->hits);
        r->hits = NULL;
        r->n = 0;
        strmap_clear(&seen);
        if ((rc = xdb_search(ix->db, xq, &xo, &pv->mset, err)) != TRAWL_OK)
            break;
        n = xdb_mset_size(pv->mset);
        exhausted = n < window;
        r->hits = calloc(o->count ? o->count : 1, sizeof *r->hits);
        if (r->hits == NULL) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        for (size_t i = 0; i < n && rc == TRAWL_OK; i++) {
            struct xdb_hit h;
            struct trawl_passage p;
            struct strmap_entry *e;
            if ((rc = check_cancel(o, err)) != TRAWL_OK ||
                (rc = xdb_mset_hit(pv->mset, i, &h, err)) != TRAWL_OK)
                break;
            if (!index_check_decider(chk, h.docid, h.data, h.data_len))
                continue;
            rc = index_damaged(ix, schema_passage_decode(h.data, h.data_len, &p, err), err);
            if (rc != TRAWL_OK)
                break;
            e = strmap_get(&seen, p.article, p.article_len);
            if (o->per_article && e != NULL && e->val >= o->per_article) {
                /* a further passage of an article already shown: count it there */
                for (size_t k = 0; k < r->n; k++)
                    if (r->hits[k].pub.passage.article_len == p.article_len &&
                        memcmp(r->hits[k].pub.passage.article, p.article, p.article_len) == 0)
                        r->hits[k].pub.more++;
                continue;
            }
            if (strmap_add(&seen, p.article, p.article_len, 1) != TRAWL_OK) {
                rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
                break;
            }
            if (accepted++ >= o->offset && r->n < o->count) {
                r->hits[r->n].docid = h.docid;
                r->hits[r->n].pub.score = h.weight;
                r->hits[r->n].pub.passage = p;
                r->n++;
            }
        }
        if (chk->nomem)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        if (rc != TRAWL_OK)
            break;
        r->estimated = accepted;
        r->exact = exhausted;
        if (exhausted || accepted >= want + 1 || window >= (1u << 24))
            break;
        window *= 4;
    }
    strmap_release(&seen);
    for (size_t i = 0; rc == TRAWL_OK && o->per_article && i < r->n; i++)
        if ((rc = check_cancel(o, err)) == TRAWL_OK)
            rc = article_matches(ix, xq, chk, 1, &r->hits[i].pub.passage, o->per_article,
                             &r->hits[i].pub.more, err);
    return rc;
}

static void take_list(struct strlist *l, char ***v, size_t *n)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, index_cmp_str);
    *v = l->v;
    *n = l->n;
    memset(l, 0, sizeof *l);
}

/* Scores equal to 1e-9 are ties: the same passage scores a few ulps apart on a sharded and
 * an unsharded index (Xapian sums the terms' weights in an order that depends on each
 * database's statistics), which must not reorder results. Ties go by article id, then passage
 * ordinal. hits[skip, skip + count) is the page wanted. */
static int cmp_dates(const struct trawl_passage *x, const struct trawl_passage *y,
                     enum trawl_sort o)
{
    size_t n = x->date_len < y->date_len ? x->date_len : y->date_len;
    int c;

    if (x->date_len == 0 || y->date_len == 0) /* no date: last in either order */
        return (x->date_len == 0) - (y->date_len == 0);
    c = memcmp(x->date, y->date, n);
    if (c == 0)
        c = (x->date_len > y->date_len) - (x->date_len < y->date_len);
    return o == TRAWL_SORT_DATE ? -c : c;
}

/* The page's order: the date first when sorting by date, then the score as below. */
static int cmp_hits(const void *a, const void *b, void *order)
{
    const struct index_hit *hx = a, *hy = b;
    const struct trawl_passage *x = &hx->pub.passage, *y = &hy->pub.passage;
    long long qx = llround(hx->pub.score * 1e9), qy = llround(hy->pub.score * 1e9);
    size_t n = x->article_len < y->article_len ? x->article_len : y->article_len;
    enum trawl_sort o = *(const enum trawl_sort *)order;
    int c;

    if (o != TRAWL_SORT_SCORE && (c = cmp_dates(x, y, o)) != 0)
        return c;
    if (qx != qy)
        return qx > qy ? -1 : 1;
    c = memcmp(x->article, y->article, n);
    if (c != 0 || x->article_len != y->article_len)
        return c != 0 ? c : x->article_len < y->article_len ? -1 : 1;
    return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

static void settle_ties(struct index_results *r, size_t skip, size_t count,
                        enum trawl_sort order)
{
    if (r->n > 1)
        qsort_r(r->hits, r->n, sizeof *r->hits, cmp_hits, &order);
    if (skip >= r->n) {
        r->n = 0;
        return;
    }
    if (skip > 0)
        memmove(r->hits, r->hits + skip, (r->n - skip) * sizeof *r->hits);
    r->n -= skip;
    if (r->n > count)
        r->n = count;
}

/* Article ranking applies with BM25 to the one-passage-per-article view, and to the
 * every-passage view ranked by score (index_artrank.c). */
static int artrank_on(const struct trawl_search_opts *o)
{
    return o->article_depth > 0 && !o->bm25plus &&
           (o->per_article == 1 || (o->per_article == 0 && o->sort == TRAWL_SORT_SCORE &&
                                    o->passage_alpha < 1));
}

/* Whether the search asks the article question of the article database (index_artfirst): the
 * default view (one passage per article, by BM25 score, article ranking on) of a query with a
 * word to rank by, no phrase or exact word to check on the text, no wildcard (its expansion
 * weighs as one term at passage level) and no expansion, on an index whose article database
 * agrees with its passages (else the passage search, index_artrank, as before). Its operators
 * and filters then apply to whole articles: AND and +word as NOT already did. An excluded
 * phrase is checked on the articles' text, which remote shards cannot do inside Xapian: there
 * such a query ranks from the passages. */
static int artfirst_on(struct index *ix, const struct trawl_search_opts *o, const struct build *b,
                       int *on, struct trawl_error *err)
{
    int agree = 0, rc;

    *on = 0;
    if (ix->adb == NULL || o->per_article != 1 || o->sort != TRAWL_SORT_SCORE ||
        o->article_depth == 0 || o->bm25plus || o->expand || b->needs_check ||
        b->rank_prefix.n > 0 || b->rank_terms.n == 0 ||
        (b->text_excluded && ix->remote))
        return TRAWL_OK;
    if ((rc = index_articles_agree(ix, &agree, err)) != TRAWL_OK)
        return rc;
    *on = agree;
    /* A single local index: only its article impact file knows the articles' words. */
    if (agree && !ix->art_terms) {
        struct impact *im;
        if ((rc = index_impacts(ix, ix->adb, &ix->aimp, &im, err)) != TRAWL_OK)
            return rc;
        *on = im != NULL;
    }
    return TRAWL_OK;
}

/* The articles the filters of q (a QK_FILTER node: its kids past the first; or a filter
 * alone: q itself; as
 * index_query_node builds them: A and S terms, date ranges, which the article database holds)
 * leave, decided by Xapian into a set by docid (*out, owned; *nout entries), for an
 * IMPACT_FILTER node of the article impact file's walk. */
static int filter_set(struct index *ix, struct build *b, const struct qnode *q, uint8_t **out,
                      size_t *nout, struct trawl_error *err)
{
    xdb_query **subs = calloc(q->nkids + 1, sizeof *subs);
    xdb_query *fq = NULL;
    xdb_mset *m = NULL;
    struct xdb_search_opts xo;
    struct xdb_stats st;
    size_t n = 0;
    int rc = TRAWL_OK;

    *out = NULL;
    *nout = 0;
    if (subs == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (q->kind != QK_FILTER && (subs[n] = index_query_node(b, q)) != NULL)
        n++; /* a filter standing alone */
    for (size_t i = 1; q->kind == QK_FILTER && i < q->nkids && b->rc == TRAWL_OK; i++)
        if ((subs[n] = index_query_node(b, q->kids[i])) != NULL)
            n++;
    if (b->rc != TRAWL_OK)
        rc = b->rc;
    else if ((fq = n > 0 ? xdb_query_op(XDB_OP_AND, subs, n) : xdb_query_match_all()) == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc == TRAWL_OK)
        rc = xdb_stats(ix->adb, &st, err);
    if (rc == TRAWL_OK && st.lastdocid >= UINT32_MAX - 2)
        rc = TRAWL_ENOTFOUND; /* beyond the file's docids: no file to walk */
    if (rc == TRAWL_OK) {
        *nout = (size_t)st.lastdocid + 1;
        if ((*out = calloc(*nout, 1)) == NULL)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    if (rc == TRAWL_OK) {
        xdb_search_opts_init(&xo);
        xo.weighting = XDB_WEIGHT_BOOL;
        xo.count = (unsigned)(st.doccount > 0 ? st.doccount : 1);
        rc = xdb_search(ix->adb, fq, &xo, &m, err);
    }
    for (size_t i = 0; rc == TRAWL_OK && i < xdb_mset_size(m); i++) {
        xdb_docid d;
        double w;
        const char *key;
        size_t klen;
        if ((rc = xdb_mset_rank(m, i, &d, &w, &key, &klen, err)) == TRAWL_OK && d < *nout)
            (*out)[d] = 1;
    }
    xdb_mset_free(m);
    xdb_query_free(fq);
    for (size_t i = 0; i < n; i++)
        xdb_query_free(subs[i]);
    free(subs);
    return rc;
}

/* Every filter node's set of shape (index_ishape), so that the article file can walk its
 * froot; shape->decided once all are. */
static int filter_sets(struct index *ix, struct build *b, struct index_ishape *shape,
                       struct trawl_error *err)
{
    for (size_t i = 0; i < shape->nfilters; i++) {
        uint8_t *set;
        size_t n;
        int rc = filter_set(ix, b, shape->fq[i], &set, &n, err);
        if (rc == TRAWL_ENOTFOUND)
            return TRAWL_OK; /* not decided: the passages rank */
        if (rc != TRAWL_OK)
            return rc;
        shape->fnodes[i]->allow = set;
        shape->fnodes[i]->nallow = n;
    }
    shape->decided = 1;
    return TRAWL_OK;
}

/* The window to fetch for the page o asks for: a few results either side of it, so near-ties
 * can be settled; with article ranking by score, the best art_depth articles (passages in
 * the every-passage view) whatever the page, so that every page is cut from the same
 * ranking, and PAGE_SLACK more: over shards, Xapian 1.4's matcher can miss a result near the
 * end of its window (seen: the 28th passage of the top 30 missing there, present in the top
 * 34 and in the unsharded top 30), and the candidates must not depend on how the index is
 * split. By date, fusion re-orders nothing (index_artrank only chooses the passages shown):
 * the page's own window will do. */
static void widen(const struct trawl_search_opts *o, struct trawl_search_opts *wide)
{
    *wide = *o;
    wide->offset = o->offset > PAGE_SLACK ? o->offset - PAGE_SLACK : 0;
    wide->count = o->count + (o->offset - wide->offset) + PAGE_SLACK;
    if (artrank_on(o) && o->sort == TRAWL_SORT_SCORE) {
        wide->offset = 0;
        wide->count = o->offset + o->count + PAGE_SLACK;
        if (wide->count < o->article_depth + PAGE_SLACK)
            wide->count = o->article_depth + PAGE_SLACK;
    }
}

/* Reads the passages article ranking chose to show for the hits on the page (the others keep
 * the best scoring passage's data, from the mset). */
static int read_shown(struct index *ix, struct index_results *r, struct trawl_error *err)
{
    struct index_results_priv *pv = r->priv;
    size_t n = 0;
    int rc;

    if ((rc = index_artfirst_show(ix, r, err)) != TRAWL_OK)
        return rc;
    for (size_t i = 0; i < r->n; i++)
        n += r->hits[i].moved != 0;
    if (n == 0)
        return TRAWL_OK;
    if ((pv->shown = calloc(n, sizeof *pv->shown)) == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->n; i++) {
        struct sbuf *s = &pv->shown[pv->nshown];
        if (!r->hits[i].moved)
            continue;
        sbuf_init(s);
        pv->nshown++;
        if ((rc = xdb_doc_data(ix->db, r->hits[i].docid, s, err)) != TRAWL_OK ||
            (rc = schema_passage_decode(s->buf, s->len, &r->hits[i].pub.passage, err)) != TRAWL_OK)
            return rc;
        r->hits[i].partial = 0;
    }
    return TRAWL_OK;
}

/* Reads the shown passages a search left for later (search_once's defer). */
static int load_shown(struct index *ix, struct index_results *r, struct trawl_error *err)
{
    struct index_results_priv *pv = r->priv;
    int rc;

    if (pv == NULL || !pv->deferred)
        return TRAWL_OK;
    if ((rc = read_shown(ix, r, err)) == TRAWL_OK)
        pv->deferred = 0;
    return rc;
}

/* TRAWL_DEBUG_QUERY=1 prints the final Xapian query to stderr (STYLE.md 6). */
static void debug_query(const xdb_query *xq, int checked)
{
    struct sbuf d;

    if (getenv("TRAWL_DEBUG_QUERY") == NULL)
        return;
    sbuf_init(&d);
    xdb_query_describe(xq, &d);
    fprintf(stderr, "trawl: query: %s%s\n", d.buf,
            checked ? " (passages checked for phrases)" : "");
    sbuf_release(&d);
}

/* The checks run on each candidate, in chk: the phrases and exact words of q on the passage
 * text (when b says some are needed), compiled once, and, one passage per article, the
 * exclusions of whole articles in ex (chk->ex NULL when there are none). TRAWL_ENOMEM only;
 * the caller releases chk and ex whatever the result. */
static int setup_checks(struct index *ix, const struct build *b, const struct qnode *q,
                        unsigned per_article, struct checker *chk, struct excluder *ex,
                        struct trawl_error *err)
{
    int rc;

    if (b->needs_check && (rc = index_checker_init(chk, b->an, b->words, q, err)) != TRAWL_OK)
        return rc;
    /* One passage per article: an excluded word excludes articles that say it anywhere. */
    if ((rc = index_exclude_init(ex, ix, b->an, b->words, per_article ? q : NULL, err)) !=
        TRAWL_OK)
        return rc;
    chk->ex = ex->n ? ex : NULL;
    chk->no_text = !b->needs_check;
    return TRAWL_OK;
}

/* Pseudo-relevance feedback for search_once: *xq becomes xq AND_MAYBE (RANK_EXPAND_WEIGHT x
 * the ESet's terms of its best RANK_EXPAND_DOCS passages, checked as the search checks them):
 * the expansion re-weighs the passages the query matches and matches no others, so the
 * query's syntax (+word, -word, phrases, filters) keeps its meaning. */
struct expand_ctx {
    const struct strlist *own;
    xdb_query **subs;
    size_t n;
    int nomem;
};

static int own_term(void *ctx, const char *t, size_t len)
{
    const struct expand_ctx *x = ctx;

    for (size_t i = 0; i < x->own->n; i++)
        if (strlen(x->own->v[i]) == len && memcmp(x->own->v[i], t, len) == 0)
            return 1;
    return 0;
}

static enum xdb_next add_expansion(void *ctx, const char *t, size_t len, double weight)
{
    struct expand_ctx *x = ctx;

    (void)weight;
    if ((x->subs[x->n] = xdb_query_term(t, len, 1)) == NULL) {
        x->nomem = 1;
        return XDB_STOP;
    }
    x->n++;
    return x->n < RANK_EXPAND_TERMS ? XDB_NEXT : XDB_STOP;
}

static int expand_query(struct index *ix, xdb_query **xq, const struct trawl_search_opts *o,
                        struct checker *chk, const struct strlist *own, struct trawl_error *err)
{
    struct xdb_search_opts xo;
    struct guard g = {chk, o->cancel};
    xdb_query *subs[RANK_EXPAND_TERMS], *ors = NULL, *scaled = NULL, *pair[2], *out = NULL;
    xdb_docid docs[RANK_EXPAND_DOCS];
    struct expand_ctx x = {own, subs, 0, 0};
    xdb_mset *m = NULL;
    size_t n = 0;
    int rc;

    index_rank_opts(o, &xo);
    xo.count = RANK_EXPAND_DOCS;
    xo.sort_slot = -1;
    xo.order_slot = -1;
    if (chk != NULL && !ix->remote) {
        xo.decider = guarded_check;
        xo.decider_ctx = &g;
    }
    if ((rc = xdb_search(ix->db, *xq, &xo, &m, err)) != TRAWL_OK)
        goto out;
    for (size_t i = 0; i < xdb_mset_size(m) && n < RANK_EXPAND_DOCS; i++) {
        struct xdb_hit h;
        if ((rc = xdb_mset_hit(m, i, &h, err)) != TRAWL_OK)
            goto out;
        docs[n++] = h.docid;
    }
    if (n == 0)
        goto out;
    if ((rc = xdb_eset(ix->db, docs, n, RANK_EXPAND_TERMS + (unsigned)own->n, own_term,
                       add_expansion, &x, err)) != TRAWL_OK)
        goto out;
    if (x.nomem) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if (x.n == 0)
        goto out;
    pair[0] = *xq;
    if ((ors = xdb_query_op(XDB_OP_OR, subs, x.n)) == NULL ||
        (scaled = pair[1] = xdb_query_scale(ors, RANK_EXPAND_WEIGHT)) == NULL ||
        (out = xdb_query_op(XDB_OP_AND_MAYBE, pair, 2)) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    xdb_query_free(*xq);
    *xq = out;
out:
    for (size_t i = 0; i < x.n; i++)
        xdb_query_free(subs[i]);
    xdb_query_free(ors);
    xdb_query_free(scaled);
    xdb_mset_free(m);
    return rc;
}

/* A commit may land at any read: the whole search is redone on the new state (below).
 * defer: leave the shown passages' data to load_shown (read for the hits kept only). */
static int search_once(struct index *ix, const struct qnode *q, const struct trawl_search_opts *o,
                       int defer, struct index_results **out, struct trawl_error *err)
{
    const struct trawl_search_opts *orig = o;
    struct trawl_search_opts wide;
    struct build b;
    struct qwords words;
    struct checker chk;
    struct excluder ex;
    struct index_ishape shape;
    struct index_results *r = NULL;
    xdb_query *xq = NULL;
    int rc, checked, use_art = 0;

    *out = NULL;
    memset(&b, 0, sizeof b);
    memset(&words, 0, sizeof words);
    memset(&chk, 0, sizeof chk);
    memset(&ex, 0, sizeof ex);
    memset(&shape, 0, sizeof shape);
    if ((rc = check_cancel(o, err)) != TRAWL_OK ||
        (rc = index_analyzer(ix, &b.an, err)) != TRAWL_OK)
        return rc;
    /* The query's words analysed once, for the query, the phrase check and the exclusions. */
    if ((rc = index_qwords_init(&words, b.an, q, err)) != TRAWL_OK)
        goto out;
    b.words = &words;
    b.ix = ix;
    b.err = err;
    xq = index_query_node(&b, q);
    if (b.rc != TRAWL_OK) {
        rc = b.rc;
        goto out;
    }
    if (xq == NULL && (xq = xdb_query_match_nothing()) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    debug_query(xq, b.needs_check);
    r = calloc(1, sizeof *r);
    if (r == NULL || (r->priv = calloc(1, sizeof(struct index_results_priv))) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = setup_checks(ix, &b, q, o->per_article, &chk, &ex, err)) != TRAWL_OK)
        goto out;
    checked = b.needs_check || chk.ex != NULL;
    if (o->expand && b.rank_terms.n > 0 &&
        (rc = expand_query(ix, &xq, o, checked ? &chk : NULL, &b.rank_terms, err)) != TRAWL_OK)
        goto out;
    if (o->expand)
        debug_query(xq, b.needs_check);
    /* xq as the impact files' tree, for what is not a plain OR: only while xq is what
     * index_query_node built (no expansion) and nothing is left to decide on the text. */
    if (!o->expand && !b.needs_check && !b.text_excluded && (b.not_plain || chk.ex != NULL) &&
        (rc = index_ishape_init(&shape, &words, q, err)) != TRAWL_OK)
        goto out;
    widen(o, &wide);
    o = &wide;
    if ((rc = artfirst_on(ix, o, &b, &use_art, err)) != TRAWL_OK)
        goto out;
    if (use_art && !ix->art_terms && shape.froot != NULL &&
        (rc = filter_sets(ix, &b, &shape, err)) != TRAWL_OK)
        goto out;
    if (use_art) {
        struct guard g = {&chk, o->cancel};
        /* The query's exclusions apply to the article documents as they are; only those
         * decided on the text need the check. */
        rc = index_artfirst(ix, xq, &b.rank_terms, &b.rank_occ, o,
                            !b.not_plain && !b.needs_check && chk.ex == NULL,
                            shape.nodes != NULL ? &shape : NULL,
                            chk.ex != NULL && b.text_excluded ? guarded_check : NULL, &g, r,
                            &((struct index_results_priv *)r->priv)->art, err);
        /* The article file cannot answer (a single local index): from the passages. */
        if (rc == TRAWL_ENOTFOUND)
            use_art = 0;
    }
    if (use_art) {
        /* ranked above */
    } else if (checked && ix->remote) /* our phrase check cannot run inside Xapian there */
        rc = run_search_checked_here(ix, xq, o, &chk, r, err);
    else
        rc = run_search(ix, xq, o, checked ? &chk : NULL,
                        !b.not_plain && !b.needs_check && !checked && !o->expand ? &b.rank_occ
                                                                                 : NULL,
                        shape.nodes != NULL && !checked ? &shape : NULL, r, err);
    if (rc == TRAWL_OK)
        rc = ex.rc;
    if (rc == TRAWL_OK && !use_art && artrank_on(o) && (rc = check_cancel(o, err)) == TRAWL_OK)
        rc = index_artrank(ix, r, &b.rank_terms, &b.rank_occ, o, b.needs_check,
                           &((struct index_results_priv *)r->priv)->art, err);
    if (rc != TRAWL_OK)
        goto out;
    settle_ties(r, orig->offset - wide.offset, orig->count, orig->sort);
    if ((rc = check_cancel(orig, err)) != TRAWL_OK)
        goto out;
    if (defer)
        ((struct index_results_priv *)r->priv)->deferred = 1;
    else if ((rc = read_shown(ix, r, err)) != TRAWL_OK)
        goto out;
    /* The article path has decided the exclusions on whole articles already, but for those
     * checked on the text. */
    rc = exact_more(ix, xq, use_art ? (b.text_excluded ? &chk : NULL) : checked ? &chk : NULL, r,
                    orig, !b.not_plain && !b.needs_check, shape.nodes != NULL ? &shape : NULL,
                    err);
    if (rc == TRAWL_OK)
        rc = ex.rc;
    if (rc != TRAWL_OK)
        goto out;
    take_list(&b.hl_terms, &r->hl.terms, &r->hl.nterms);
    take_list(&b.hl_exact, &r->hl.exact, &r->hl.nexact);
    take_list(&b.hl_prefix, &r->hl.prefixes, &r->hl.nprefixes);
    take_list(&b.hl_phrase, &r->hl.phrases, &r->hl.nphrases);
    take_list(&b.unknown, &r->unknown, &r->nunknown);
    take_list(&b.known, &r->known, &r->nknown);
    take_list(&b.rank_terms, &r->rank_terms, &r->nrank);
    take_list(&b.rank_prefix, &r->rank_prefixes, &r->nrankp);
    if (index_word_spans(&words, r->unknown, r->nunknown, &r->unknown_at) != TRAWL_OK ||
        index_word_spans(&words, r->known, r->nknown, &r->known_at) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    *out = r;
    r = NULL;
out:
    xdb_query_free(xq);
    index_results_free(r);
    index_strlist_release(&b.hl_terms);
    index_strlist_release(&b.hl_exact);
    index_strlist_release(&b.hl_prefix);
    index_strlist_release(&b.hl_phrase);
    index_strlist_release(&b.unknown);
    index_strlist_release(&b.known);
    index_strlist_release(&b.rank_terms);
    index_strlist_release(&b.rank_occ);
    index_strlist_release(&b.rank_prefix);
    index_checker_release(&chk);
    index_exclude_release(&ex);
    index_ishape_release(&shape);
    index_qwords_release(&words);
    return rc;
}

struct search_args {
    const struct qnode *q;
    const struct trawl_search_opts *o;
    struct index_results **out;
};

/* One try of the whole search. Folding near-duplicates runs the search on a wider window from
 * the first result, groups it, then cuts it to the groups of the page asked for: the window
 * holds twice the results up to the page's end and 10 more, so that pages stay full unless
 * more than half the results are duplicates. The signatures and the shown passages are read
 * after the search: a commit in between is TRAWL_ERETRY, and index_retry runs it all again. */
static int search_fn(struct index *ix, void *ctx, struct trawl_error *err)
{
    struct search_args *a = ctx;
    const struct trawl_search_opts *o = a->o;
    struct trawl_search_opts wide = *o;
    uint64_t want = ((uint64_t)o->offset + o->count) * 2 + 10;
    int rc, group = !(o->duplicates || o->per_article != 1 || o->count == 0);
    struct index_results *r;

    if (group) {
        wide.offset = 0;
        wide.count = want > UINT_MAX ? UINT_MAX : (unsigned)want;
    }
    if ((rc = search_once(ix, a->q, &wide, group, &r, err)) != TRAWL_OK)
        return rc;
    ((struct index_results_priv *)r->priv)->opts = *o;
    ((struct index_results_priv *)r->priv)->switches = ix->switches;
    if (group && (rc = index_dups_group(ix, r, o->offset, o->count, &r->dups, err)) == TRAWL_OK) {
        r->ndups = o->count;
        rc = load_shown(ix, r, err);
    }
    if (rc != TRAWL_OK) {
        index_results_free(r);
        return rc;
    }
    *a->out = r;
    return TRAWL_OK;
}

int index_search(struct index *ix, const struct qnode *q, const struct trawl_search_opts *o,
                 struct index_results **out, struct trawl_error *err)
{
    struct trawl_search_opts view = *o;
    struct search_args a = {q, &view, out};
    int agree = 1;

    *out = NULL;
    /* The every-passage view ranks passages as answers on their own, with its own BM25. */
    if (o->per_article == 0) {
        view.k1 = o->passage_k1;
        view.b = o->passage_b;
    }
    /* A reader that opened between the indexer's two commits (the article database's, then
     * the passages') sees them a batch apart: the passages' commit follows at once, so look
     * again before ranking from the passages alone. */
    if (!ix->writable && ix->adb != NULL && index_articles_agree(ix, &agree, NULL) == TRAWL_OK &&
        !agree)
        index_reopen(ix, NULL);

    return index_retry(ix, search_fn, &a, err);
}
