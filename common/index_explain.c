/* index_explain: why a hit scored what it did, term by term. */
#include "common/index_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common/rank.h"
#include "common/xdb.h"

void index_explanation_release(struct trawl_explanation *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n; i++)
        free(e->terms[i].term);
    free(e->terms);
    memset(e, 0, sizeof *e);
}

/* The weight one query part alone gives passage `id` (of the article tagged `aterm`): the same
 * collection statistics, so the parts of an OR/AND query add up to its score. */
static int part_weight(struct index *ix, xdb_query *part, const char *aterm, size_t alen,
                       xdb_docid id, const struct trawl_search_opts *o, double *w,
                       struct trawl_error *err)
{
    xdb_query *subs[2];
    xdb_query *q;
    xdb_mset *m = NULL;
    struct xdb_search_opts xo;
    struct xdb_hit h;
    int rc;

    *w = 0;
    subs[0] = part;
    subs[1] = xdb_query_term(aterm, alen, 1);
    q = subs[1] ? xdb_query_op(XDB_OP_FILTER, subs, 2) : NULL;
    xdb_query_free(subs[1]);
    if (q == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    index_rank_opts(o, &xo); /* as the search scored it (BM25+ too) */
    xo.count = 1u << 20; /* every passage of one article */
    rc = xdb_search(ix->db, q, &xo, &m, err);
    for (size_t i = 0; rc == TRAWL_OK && i < xdb_mset_size(m); i++) {
        rc = xdb_mset_hit(m, i, &h, err);
        if (rc == TRAWL_OK && h.docid == id) {
            *w = h.weight;
            break;
        }
    }
    xdb_mset_free(m);
    xdb_query_free(q);
    return rc;
}

static int explain_add(struct trawl_explanation *e, const char *term, size_t len)
{
    struct trawl_explain_term *v = realloc(e->terms, (e->n + 1) * sizeof *v);

    if (v == NULL)
        return TRAWL_ENOMEM;
    e->terms = v;
    memset(&v[e->n], 0, sizeof v[e->n]);
    if ((v[e->n].term = malloc(len + 2)) == NULL)
        return TRAWL_ENOMEM;
    memcpy(v[e->n].term, term, len);
    v[e->n].term[len] = '\0';
    e->n++;
    return TRAWL_OK;
}

/* How often term t is in the title (analysed as the index analyses it). */
struct title_count {
    const char *t;
    size_t len;
    uint64_t n;
};

static enum analyze_next count_in_title(void *ctx, const struct tok_token *tk,
                                        const char *term, size_t len)
{
    struct title_count *c = ctx;

    (void)tk;
    c->n += len == c->len && memcmp(term, c->t, len) == 0;
    return ANALYZE_NEXT;
}

/* The occurrences of t that the title adds to passage id's wdf (the title is in the passages
 * RANK_TITLE_WDF times when it was given, not when derived from the first sentence). */
static uint64_t title_share(struct analyzer *an, const struct index_hit *hit, const char *t,
                            size_t tl, uint64_t wdf)
{
    struct title_count c = {t, tl, 0};

    if (RANK_TITLE_WDF <= 0 || hit->pub.passage.title_len == 0)
        return 0;
    analyze_each(an, hit->pub.passage.title, hit->pub.passage.title_len, count_in_title, &c);
    return wdf >= RANK_TITLE_WDF * c.n ? RANK_TITLE_WDF * c.n : 0;
}

/* The article part of term t for candidate c of a (0s when t is not one of its terms). */
static void article_part(const struct index_artrank *a, size_t c, const char *t,
                         struct trawl_explain_term *x, const struct trawl_explanation *e)
{
    for (size_t j = 0; j < a->nterms; j++) {
        if (strcmp(a->terms[j], t) != 0)
            continue;
        x->art_tf = a->tf[c * a->nterms + j];
        x->art_df = a->df_art[j];
        if (x->art_df > 0) /* as for passages: a term nowhere has no idf */
            x->art_idf = a->qf[j] * index_bm25_idf((double)a->articles, (double)x->art_df);
        x->art_weight = x->art_idf * index_bm25_tf(x->art_tf, e->art_len, e->art_avg_len,
                                                   a->k1, a->b);
        if (a->cand[c].npass > 1) /* else index_artrank did not read the title */
            x->title_tf = (uint64_t)(a->title_wdf * a->tc[c * a->nterms + j]);
        return;
    }
}

/* What the explanation says of the fusion (c: the hit's candidate, SIZE_MAX: none). */
static void article_stats(const struct index_artrank *a, size_t c, struct trawl_explanation *out)
{
    if (c != SIZE_MAX && a->fused) {
        out->fused = 1;
        out->alpha = a->alpha;
        /* Article-first, past the depth: the article part alone, scaled below the rest. */
        if (a->cand[c].past) {
            out->alpha = 0;
            out->below = a->below;
        }
        out->article_score = a->cand[c].article;
        out->art_len = a->cand[c].len;
        out->art_avg_len = a->avg_art;
        out->art_k1 = a->k1;
        out->art_b = a->b;
        out->articles = a->articles;
    } else if (a != NULL) {
        out->below = a->below;
    }
}

static int explain_once(struct index *ix, const struct index_results *r, size_t i,
                        struct trawl_explanation *out, struct trawl_error *err)
{
    const struct index_hit *hit = &r->hits[i];
    const struct index_results_priv *pv = r->priv; /* index_search always makes it */
    const struct trawl_search_opts *o = &pv->opts; /* as the search ran */
    const struct index_artrank *a = pv->art;
    size_t c = hit->art > 0 && a != NULL ? hit->art - 1 : SIZE_MAX;
    /* The passage part is the best passage's (the article views) or the hit's own. */
    int own = c == SIZE_MAX || a->per_passage;
    xdb_docid scored = own ? hit->docid : a->cand[c].best;
    struct analyzer *an = NULL;
    struct xdb_stats st;
    struct sbuf idterm;
    int rc;

    memset(out, 0, sizeof *out);
    sbuf_init(&idterm);
    if (schema_article_term(hit->pub.passage.article, hit->pub.passage.article_len, &idterm) !=
        TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if ((c != SIZE_MAX && (rc = index_artfirst_count(ix, pv->art, c, err)) != TRAWL_OK) ||
        (rc = index_analyzer(ix, &an, err)) != TRAWL_OK ||
        (rc = xdb_stats(ix->db, &st, err)) != TRAWL_OK ||
        (rc = xdb_doc_length(ix->db, scored, &out->passage_len, err)) != TRAWL_OK)
        goto out;
    out->avg_len = st.avlength;
    out->passages = st.doccount;
    out->k1 = o->k1;
    out->b = o->b;
    out->scored_ordinal = own ? hit->pub.passage.ordinal : a->cand[c].best_ordinal;
    article_stats(a, c, out);
    for (size_t k = 0; k < r->nrank + r->nrankp && rc == TRAWL_OK; k++) {
        int is_prefix = k >= r->nrank;
        const char *t = is_prefix ? r->rank_prefixes[k - r->nrank] : r->rank_terms[k];
        size_t tl = strlen(t);
        struct trawl_explain_term *x;
        int prc = TRAWL_OK;
        xdb_query *part = is_prefix ? index_expand_prefix(ix->db, t, tl, &prc, err)
                                    : xdb_query_term(t, tl, 1);
        if (prc != TRAWL_OK) {
            rc = prc;
            break;
        }
        if (part == NULL || explain_add(out, t, tl) != TRAWL_OK) {
            xdb_query_free(part);
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        x = &out->terms[out->n - 1];
        if (is_prefix)
            strcat(x->term, "*");
        rc = part_weight(ix, part, idterm.buf, idterm.len, scored, o, &x->weight, err);
        xdb_query_free(part);
        out->passage_score += x->weight;
        if (rc == TRAWL_OK && !is_prefix) {
            uint64_t coll;
            rc = xdb_doc_wdf(ix->db, scored, t, tl, &x->tf, err);
            if (rc == TRAWL_OK)
                rc = xdb_term_freq(ix->db, t, tl, &x->df, &coll, err);
        }
        if (rc != TRAWL_OK || is_prefix)
            continue;
        /* Xapian's BM25 idf, whether the passage has the term or not. */
        x->idf = x->df > 0 ? index_bm25_idf((double)st.doccount, (double)x->df) : 0;
        if (c != SIZE_MAX)
            article_part(a, c, t, x, out);
        if (c == SIZE_MAX || a->cand[c].npass == 1)
            x->title_tf = title_share(an, hit, t, tl, x->tf);
        x->tf -= x->title_tf;
    }
out:
    sbuf_release(&idterm);
    if (rc != TRAWL_OK)
        index_explanation_release(out);
    return rc;
}

struct explain_ctx {
    const struct index_results *r;
    size_t i;
    struct trawl_explanation *out;
};

static int explain_fn(struct index *ix, void *ctx, struct trawl_error *err)
{
    const struct explain_ctx *c = ctx;
    const struct index_results_priv *pv = c->r->priv;
    int rc;

    /* The hit's documents are named by the search's document ids. Xapian never reuses one in
     * a database, so the same id is the same passage in a later revision, if it is there at
     * all; but after a rebuild (the stub switched) the ids are another database's. */
    if (ix->switches != pv->switches)
        rc = TRAWL_ENOTFOUND;
    else
        rc = explain_once(ix, c->r, c->i, c->out, err);
    if (rc == TRAWL_ENOTFOUND) /* only after a reopen: the search read them */
        rc = terr_set(err, TRAWL_ENOTFOUND,
                      "result %zu has changed in the index since the search: search again",
                      c->i + 1);
    return rc;
}

/* Explained after the search, from the same state unless the indexer committed meanwhile:
 * then the statistics are read again from the index as it is now (index_retry), of the same
 * passages. */
int index_explain(struct index *ix, const struct index_results *r, size_t i,
                  struct trawl_explanation *out, struct trawl_error *err)
{
    struct explain_ctx c = {r, i, out};

    return index_retry(ix, explain_fn, &c, err);
}
