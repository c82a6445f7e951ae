/* index_passage: reading an article's stored passages back. */
#include "common/index_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "common/xdb.h"

enum xdb_next index_collect_docid(void *ctx, xdb_docid id)
{
    struct docids *ids = ctx;

    xdb_docid *v = grow(ids->v, ids->n, &ids->cap, sizeof *v, 16);

    if (v == NULL) {
        ids->nomem = 1;
        return XDB_STOP;
    }
    ids->v = v;
    ids->v[ids->n++] = id;
    return XDB_NEXT;
}

/* The docids of article id's passages, ascending (ids->v malloc'ed: the caller frees it). */
static int article_docids(struct index *ix, const char *id, struct docids *ids,
                          struct trawl_error *err)
{
    struct sbuf term;
    int rc = TRAWL_OK;

    sbuf_init(&term);
    if (schema_article_term(id, strlen(id), &term) != TRAWL_OK)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    else
        rc = xdb_postings(ix->db, term.buf, term.len, index_collect_docid, ids, err);
    if (rc == TRAWL_OK && ids->nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    sbuf_release(&term);
    return rc;
}

int index_passage(struct index *ix, const char *id, unsigned ordinal, struct sbuf *store,
                  struct trawl_passage *p, struct trawl_error *err)
{
    struct docids ids = {NULL, 0, 0, 0};
    int rc = article_docids(ix, id, &ids, err);

    if (rc != TRAWL_OK)
        goto out;
    /* An article's passages are added together and in order, so the ordinal-th docid is the
     * passage wanted; the stored ordinal confirms it, else look at them all. */
    for (size_t k = 0; k <= ids.n; k++) {
        size_t i = k == 0 ? ordinal : k - 1;
        if (i >= ids.n || (k > 0 && i == ordinal))
            continue;
        rc = xdb_doc_data(ix->db, ids.v[i], store, err);
        if (rc == TRAWL_OK)
            rc = index_damaged(ix, schema_passage_decode(store->buf, store->len, p, err), err);
        if (rc != TRAWL_OK || p->ordinal == ordinal)
            goto out;
    }
    rc = terr_set(err, TRAWL_ENOTFOUND, "no passage %u in article '%s'", ordinal, id);
out:
    free(ids.v);
    return rc;
}

struct stored_passage {
    struct sbuf data;
    struct trawl_passage p;
};

static int cmp_ordinal(const void *a, const void *b)
{
    const struct stored_passage *x = a, *y = b;

    return x->p.ordinal < y->p.ordinal ? -1 : x->p.ordinal > y->p.ordinal;
}

int index_each_passage(struct index *ix, const char *id, trawl_passage_fn fn, void *ctx,
                       struct trawl_error *err)
{
    struct docids ids = {NULL, 0, 0, 0};
    struct stored_passage *v = NULL;
    size_t n = 0;
    int rc = article_docids(ix, id, &ids, err);

    if (rc == TRAWL_OK && ids.n == 0)
        rc = terr_set(err, TRAWL_ENOTFOUND, "no article '%s' in the index", id);
    if (rc == TRAWL_OK && (v = calloc(ids.n, sizeof *v)) == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; rc == TRAWL_OK && i < ids.n; i++, n++) {
        sbuf_init(&v[i].data);
        rc = xdb_doc_data(ix->db, ids.v[i], &v[i].data, err);
        if (rc == TRAWL_OK)
            rc = index_damaged(ix,
                               schema_passage_decode(v[i].data.buf, v[i].data.len, &v[i].p, err),
                               err);
    }
    if (rc == TRAWL_OK) {
        qsort(v, n, sizeof *v, cmp_ordinal);
        for (size_t i = 0; i < n && fn(ctx, &v[i].p) == 0; i++)
            ;
    }
    for (size_t i = 0; i < n; i++)
        sbuf_release(&v[i].data);
    free(v);
    free(ids.v);
    return rc;
}
