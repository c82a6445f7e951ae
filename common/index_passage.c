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

static int passage_read(struct index *ix, const char *id, unsigned ordinal, struct sbuf *store,
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

struct passage_ctx {
    const char *id;
    unsigned ordinal;
    struct sbuf *store;
    struct trawl_passage *p;
};

static int passage_once(struct index *ix, void *ctx, struct trawl_error *err)
{
    const struct passage_ctx *c = ctx;

    return passage_read(ix, c->id, c->ordinal, c->store, c->p, err);
}

/* Asked after the search that showed the article (its context, a passage by number): the
 * docids and the data are read as one, again when the indexer commits meanwhile. */
int index_passage(struct index *ix, const char *id, unsigned ordinal, struct sbuf *store,
                  struct trawl_passage *p, struct trawl_error *err)
{
    struct passage_ctx c = {id, ordinal, store, p};

    return index_retry(ix, passage_once, &c, err);
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

/* An article's passages, read (all of them, before fn sees any) by read_passages. */
struct stored_passages {
    const char *id;
    struct stored_passage *v;
    size_t n;
};

static void stored_release(struct stored_passages *s)
{
    for (size_t i = 0; i < s->n; i++)
        sbuf_release(&s->v[i].data);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int read_passages(struct index *ix, void *ctx, struct trawl_error *err)
{
    struct stored_passages *s = ctx;
    struct docids ids = {NULL, 0, 0, 0};
    int rc;

    stored_release(s); /* a try before this one's */
    rc = article_docids(ix, s->id, &ids, err);
    if (rc == TRAWL_OK && ids.n == 0)
        rc = terr_set(err, TRAWL_ENOTFOUND, "no article '%s' in the index", s->id);
    if (rc == TRAWL_OK && (s->v = calloc(ids.n, sizeof *s->v)) == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; rc == TRAWL_OK && i < ids.n; i++, s->n++) {
        struct stored_passage *sp = &s->v[i];
        sbuf_init(&sp->data);
        rc = xdb_doc_data(ix->db, ids.v[i], &sp->data, err);
        if (rc == TRAWL_OK)
            rc = index_damaged(ix, schema_passage_decode(sp->data.buf, sp->data.len, &sp->p, err),
                               err);
    }
    free(ids.v);
    return rc;
}

int index_each_passage(struct index *ix, const char *id, trawl_passage_fn fn, void *ctx,
                       struct trawl_error *err)
{
    struct stored_passages s = {id, NULL, 0};
    /* Read as one, again when the indexer commits meanwhile, and only then handed out: fn
     * sees each passage once, all of one revision. */
    int rc = index_retry(ix, read_passages, &s, err);

    if (rc == TRAWL_OK) {
        qsort(s.v, s.n, sizeof *s.v, cmp_ordinal);
        for (size_t i = 0; i < s.n && fn(ctx, &s.v[i].p) == 0; i++)
            ;
    }
    stored_release(&s);
    return rc;
}
