/* index_explain: why a hit scored what it did, term by term. */
#include "common/index_priv.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/layout.h"
#include "common/rank.h"
#include "common/stem.h"
#include "common/strmap.h"
#include "common/xdb.h"

void index_explanation_release(struct index_explanation *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].term);
    free(e->v);
    memset(e, 0, sizeof *e);
}

/* The weight one query part alone gives passage `id` (of the article tagged `aterm`): the same
 * collection statistics, so the parts of an OR/AND query add up to its score. */
static int part_weight(struct index *ix, xdb_query *part, const char *aterm, size_t alen,
                       xdb_docid id, const struct index_search_opts *o, double *w,
                       struct terr *err)
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

static int explain_add(struct index_explanation *e, const char *term, size_t len)
{
    struct index_explain *v = realloc(e->v, (e->n + 1) * sizeof *v);

    if (v == NULL)
        return TRAWL_ENOMEM;
    e->v = v;
    memset(&v[e->n], 0, sizeof v[e->n]);
    if ((v[e->n].term = malloc(len + 2)) == NULL)
        return TRAWL_ENOMEM;
    memcpy(v[e->n].term, term, len);
    v[e->n].term[len] = '\0';
    e->n++;
    return TRAWL_OK;
}

int index_explain(struct index *ix, const struct index_results *r, size_t i,
                  const struct index_search_opts *o, struct index_explanation *out,
                  struct terr *err)
{
    const struct index_hit *hit = &r->hits[i];
    struct xdb_stats st;
    struct sbuf idterm;
    int rc;

    memset(out, 0, sizeof *out);
    sbuf_init(&idterm);
    if (schema_article_term(hit->p.id, hit->p.id_len, &idterm) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = xdb_stats(ix->db, &st, err)) != TRAWL_OK ||
        (rc = xdb_doc_length(ix->db, hit->docid, &out->passage_len, err)) != TRAWL_OK)
        goto out;
    out->avg_len = st.avlength;
    out->passages = st.doccount;
    out->k1 = o->k1;
    out->b = o->b;
    for (size_t k = 0; k < r->nrank + r->nrankp && rc == TRAWL_OK; k++) {
        int is_prefix = k >= r->nrank;
        const char *t = is_prefix ? r->rank_prefixes[k - r->nrank] : r->rank_terms[k];
        size_t tl = strlen(t);
        struct index_explain *x;
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
        x = &out->v[out->n - 1];
        if (is_prefix)
            strcat(x->term, "*");
        rc = part_weight(ix, part, idterm.buf, idterm.len, hit->docid, o, &x->weight, err);
        xdb_query_free(part);
        if (rc == TRAWL_OK && !is_prefix) {
            uint64_t coll;
            rc = xdb_doc_wdf(ix->db, hit->docid, t, tl, &x->tf, err);
            if (rc == TRAWL_OK)
                rc = xdb_term_freq(ix->db, t, tl, &x->df, &coll, err);
        }
        if (rc == TRAWL_OK && x->tf > 0) {
            /* Xapian's BM25: w = idf * (k1 + 1) tf / (K + tf), K = k1 ((1 - b) + b L),
             * L = max(len / avg, min_normlen). */
            double len = out->avg_len > 0 ? (double)out->passage_len / out->avg_len : 1;
            double kk, tfpart;
            if (len < RANK_MIN_NORMLEN)
                len = RANK_MIN_NORMLEN;
            kk = o->k1 * ((1 - o->b) + o->b * len);
            tfpart = (o->k1 + 1) * (double)x->tf / (kk + (double)x->tf);
            x->idf = tfpart > 0 ? x->weight / tfpart : 0;
        }
    }
out:
    sbuf_release(&idterm);
    if (rc != TRAWL_OK)
        index_explanation_release(out);
    return rc;
}
