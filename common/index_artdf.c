/* index_artdf: each ranking term's article df, kept by the writer in the index's metadata
 * (schema.h, META_ARTDF) so that article ranking reads it with one lookup instead of walking
 * the term's postings at query time (index_artrank.c).
 *
 * An article added counts once for each distinct ranking term of its passages (titles
 * included); an article replaced or removed first gives back the terms its old passages hold
 * (read from their term lists, so exactly what was counted). The changes wait in
 * ix->adf_add and ix->adf_sub and reach the metadata at the batch's commit, inside its
 * transaction, so the counts and the passages change together. A fresh build's parts keep
 * theirs until the part is finished (one write per term instead of one per term and batch);
 * the compactor sums the parts' counts (xdb_compact's sum_prefix).
 * Depends on xdb, strmap, schema. */
#include "common/index_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/schema.h"
#include "common/strmap.h"
#include "common/xdb.h"

/* Flushed when more terms than this wait: a fresh 10x Reuters part has about 150,000. */
#define ARTDF_PENDING_MAX 1000000

int index_artdf_add(struct index *ix, const struct strmap *terms, struct trawl_error *err)
{
    for (size_t i = 0; i < terms->cap; i++) {
        const struct strmap_entry *e = &terms->slots[i];
        if (e->key != NULL && strmap_add(&ix->adf_add, e->key, e->len, 1) != TRAWL_OK)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    return TRAWL_OK;
}

/* The distinct ranking terms of an article's old passages. */
struct old_terms {
    struct strmap set;
    int nomem;
};

static enum xdb_next add_rank_term(void *ctx, const char *term, size_t len, uint64_t wdf)
{
    struct old_terms *o = ctx;

    (void)wdf;
    if (schema_rank_term(term, len) && strmap_add(&o->set, term, len, 1) != TRAWL_OK) {
        o->nomem = 1;
        return XDB_STOP;
    }
    return XDB_NEXT;
}

int index_artdf_forget(struct index *ix, const struct docids *ids, struct trawl_error *err)
{
    struct old_terms o = {.nomem = 0};
    int rc = TRAWL_OK;

    strmap_init(&o.set);
    for (size_t i = 0; i < ids->n && rc == TRAWL_OK; i++) {
        rc = xdb_doc_terms(ix->db, ids->v[i], add_rank_term, &o, err);
        if (rc == TRAWL_OK && o.nomem)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < o.set.cap && rc == TRAWL_OK; i++) {
        const struct strmap_entry *e = &o.set.slots[i];
        if (e->key != NULL && strmap_add(&ix->adf_sub, e->key, e->len, 1) != TRAWL_OK)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    strmap_release(&o.set);
    return rc;
}

/* key := "d:" + term. */
static int artdf_key(struct sbuf *key, const char *term, size_t len, struct trawl_error *err)
{
    sbuf_reset(key);
    if (sbuf_add(key, META_ARTDF, strlen(META_ARTDF)) != TRAWL_OK ||
        sbuf_add(key, term, len) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

/* The count stored under key (*found 0 and *out 0 when there is none). */
static int stored(struct index *ix, const char *key, struct sbuf *tmp, uint64_t *out,
                  int *found, struct trawl_error *err)
{
    int64_t v;
    int rc = xdb_meta_get(ix->db, key, tmp, err);

    *out = 0;
    *found = 0;
    if (rc != TRAWL_OK)
        return rc;
    rc = schema_meta_number(tmp->buf, tmp->len, &v, err);
    if (rc == TRAWL_ENOTFOUND)
        return TRAWL_OK;
    if (rc != TRAWL_OK)
        return index_damaged(ix, rc, err);
    *out = (uint64_t)v;
    *found = 1;
    return TRAWL_OK;
}

/* Applies one term's change: stored + add - sub (no key when it comes to 0). */
static int apply(struct index *ix, const char *term, size_t len, uint64_t add, uint64_t sub,
                 struct sbuf *key, struct sbuf *tmp, struct trawl_error *err)
{
    char num[24];
    uint64_t have;
    int rc, found;

    if (add == sub)
        return TRAWL_OK;
    if ((rc = artdf_key(key, term, len, err)) != TRAWL_OK ||
        (rc = stored(ix, key->buf, tmp, &have, &found, err)) != TRAWL_OK)
        return rc;
    if (have + add < sub) {
        terr_set(err, TRAWL_EINDEX, "corrupt metadata value: a term's article count is below "
                                    "the articles that leave");
        return index_damaged(ix, TRAWL_EINDEX, err);
    }
    have = have + add - sub;
    if (have == 0)
        return xdb_meta_set(ix->db, key->buf, "", 0, err); /* empty value deletes the key */
    snprintf(num, sizeof num, "%" PRIu64, have);
    return xdb_meta_set(ix->db, key->buf, num, strlen(num), err);
}

int index_artdf_flush(struct index *ix, struct trawl_error *err)
{
    struct sbuf key, tmp;
    int rc = TRAWL_OK;

    sbuf_init(&key);
    sbuf_init(&tmp);
    for (size_t i = 0; i < ix->adf_add.cap && rc == TRAWL_OK; i++) {
        const struct strmap_entry *e = &ix->adf_add.slots[i];
        const struct strmap_entry *s;
        if (e->key == NULL)
            continue;
        s = strmap_get(&ix->adf_sub, e->key, e->len);
        rc = apply(ix, e->key, e->len, e->val, s ? s->val : 0, &key, &tmp, err);
    }
    for (size_t i = 0; i < ix->adf_sub.cap && rc == TRAWL_OK; i++) {
        const struct strmap_entry *e = &ix->adf_sub.slots[i];
        if (e->key != NULL && strmap_get(&ix->adf_add, e->key, e->len) == NULL)
            rc = apply(ix, e->key, e->len, 0, e->val, &key, &tmp, err);
    }
    sbuf_release(&key);
    sbuf_release(&tmp);
    strmap_clear(&ix->adf_add);
    strmap_clear(&ix->adf_sub);
    return rc;
}

int index_artdf_bound(struct index *ix, struct trawl_error *err)
{
    if (ix->adf_add.n + ix->adf_sub.n > ARTDF_PENDING_MAX)
        return index_artdf_flush(ix, err);
    return TRAWL_OK;
}

int index_artdf_get(struct index *ix, const char *term, size_t len, uint64_t *out, int *found,
                    struct trawl_error *err)
{
    struct sbuf key, tmp;
    int rc;

    *out = 0;
    *found = 0;
    sbuf_init(&key);
    sbuf_init(&tmp);
    if ((rc = artdf_key(&key, term, len, err)) == TRAWL_OK)
        rc = stored(ix, key.buf, &tmp, out, found, err);
    sbuf_release(&key);
    sbuf_release(&tmp);
    return rc;
}
