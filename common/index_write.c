/* index_write: writing: put and remove articles, batches, article and source records. */
#include "common/index_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/strmap.h"
#include "common/xdb.h"

/* ---- Writing ---------------------------------------------------------------------------- */

int index_need_writer(struct index *ix, struct trawl_error *err)
{
    if (!ix->writable)
        return terr_set(err, TRAWL_EINTERNAL, "index '%s' is open read-only", ix->path);
    return TRAWL_OK;
}

/* Notes the article key for the article database's pending list (META_PENDING). */
static int touch(struct index *ix, const char *key, size_t len, struct trawl_error *err)
{
    /* A fresh build's part: a crash leaves the previous index as it was, nothing to repair. */
    if (ix->adf_defer)
        return TRAWL_OK;
    if (strmap_add(&ix->touched, key, len, 1) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

/* Before the passages tagged aterm go (replaced or removed): what they add to the spelling
 * table and the article df is taken back, from one read of the article's docids. */
static int forget_article(struct index *ix, const char *aterm, size_t alen, struct trawl_error *err)
{
    struct docids ids = {NULL, 0, 0, 0};
    int rc = xdb_postings(ix->db, aterm, alen, index_collect_docid, &ids, err);

    if (rc == TRAWL_OK && ids.nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc == TRAWL_OK)
        rc = index_forget_words(ix, &ids, err);
    if (rc == TRAWL_OK)
        rc = index_artdf_forget(ix, &ids, err);
    free(ids.v);
    return rc;
}

int index_put(struct index *ix, const struct index_prep *p, int is_new, struct trawl_error *err)
{
    struct sbuf term;
    int rc = index_need_writer(ix, err);

    if (rc != TRAWL_OK)
        return rc;
    sbuf_init(&term);
    if (schema_article_term(p->key.buf, p->key.len, &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if (!is_new && ((rc = forget_article(ix, term.buf, term.len, err)) != TRAWL_OK ||
                    (rc = xdb_delete_term(ix->db, term.buf, term.len, err)) != TRAWL_OK))
        goto out;
    if ((rc = touch(ix, p->key.buf, p->key.len, err)) != TRAWL_OK)
        goto out;
    /* The article's document replaces its old one (or goes with its passages). */
    if (p->adoc != NULL)
        rc = is_new ? xdb_add(ix->adb, p->adoc, NULL, err)
                    : xdb_replace(ix->adb, term.buf, term.len, p->adoc, err);
    else if (!is_new)
        rc = xdb_delete_term(ix->adb, term.buf, term.len, err);
    if (rc != TRAWL_OK)
        goto out;
    if ((rc = index_artdf_add(ix, &p->terms, err)) != TRAWL_OK)
        goto out;
    for (size_t i = 0; i < p->ndocs && rc == TRAWL_OK; i++)
        rc = xdb_add(ix->db, p->docs[i], NULL, err);
    if (rc != TRAWL_OK)
        goto out;
    if (schema_article_record_key(p->key.buf, p->key.len, &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    rc = xdb_meta_set(ix->db, term.buf, p->record.buf, p->record.len, err);
    for (size_t i = 0; i < p->words.cap && rc == TRAWL_OK; i++) {
        const struct strmap_entry *e = &p->words.slots[i];
        if (e->key != NULL && strmap_add(&ix->spell, e->key, e->len, e->val) != TRAWL_OK)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    if (rc == TRAWL_OK)
        rc = index_spell_bound(ix, err);
    if (rc == TRAWL_OK)
        rc = index_artdf_bound(ix, err);
out:
    sbuf_release(&term);
    return rc;
}

int index_set_record(struct index *ix, const char *id, const struct trawl_record *rec,
                     struct trawl_error *err)
{
    struct sbuf key, val;
    int rc = index_need_writer(ix, err);

    if (rc != TRAWL_OK)
        return rc;
    sbuf_init(&key);
    sbuf_init(&val);
    if (schema_article_record_key(id, strlen(id), &key) || schema_article_encode(rec, &val))
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    else
        rc = xdb_meta_set(ix->db, key.buf, val.buf, val.len, err);
    sbuf_release(&key);
    sbuf_release(&val);
    return rc;
}

int index_remove(struct index *ix, const char *id, struct trawl_error *err)
{
    struct sbuf term;
    int rc = index_need_writer(ix, err);

    if (rc != TRAWL_OK)
        return rc;
    sbuf_init(&term);
    if (schema_article_term(id, strlen(id), &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    rc = forget_article(ix, term.buf, term.len, err);
    if (rc == TRAWL_OK)
        rc = xdb_delete_term(ix->db, term.buf, term.len, err);
    if (rc == TRAWL_OK)
        rc = xdb_delete_term(ix->adb, term.buf, term.len, err);
    if (rc == TRAWL_OK)
        rc = touch(ix, term.buf + strlen(PREFIX_ARTICLE), term.len - strlen(PREFIX_ARTICLE), err);
    if (rc == TRAWL_OK)
        rc = index_artdf_bound(ix, err);
    if (rc == TRAWL_OK && schema_article_record_key(id, strlen(id), &term) != TRAWL_OK)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc == TRAWL_OK)
        rc = xdb_meta_set(ix->db, term.buf, "", 0, err); /* empty value deletes the key */
out:
    sbuf_release(&term);
    return rc;
}

int index_begin(struct index *ix, struct trawl_error *err)
{
    int rc = index_need_writer(ix, err);

    if (rc == TRAWL_OK && ix->in_tx)
        TRAWL_BUG("index_begin inside a batch");
    if (rc == TRAWL_OK)
        rc = xdb_begin(ix->adb, 1, err);
    if (rc == TRAWL_OK && (rc = xdb_begin(ix->db, 1, err)) != TRAWL_OK)
        xdb_cancel_tx(ix->adb, NULL);
    if (rc == TRAWL_OK)
        ix->in_tx = 1;
    return rc;
}

/* The keys touched since the last commit, one a line. TRAWL_ENOMEM only. */
static int pending_list(const struct index *ix, struct sbuf *out)
{
    for (size_t i = 0; i < ix->touched.cap; i++) {
        const struct strmap_entry *e = &ix->touched.slots[i];
        if (e->key != NULL &&
            (sbuf_add(out, e->key, e->len) != TRAWL_OK || sbuf_addc(out, '\n') != TRAWL_OK))
            return TRAWL_ENOMEM;
    }
    return TRAWL_OK;
}

/* Commits one of the two databases (in the batch, or what is pending) with batch number num. */
static int commit_one(struct index *ix, xdb *db, const char *num, struct trawl_error *err)
{
    int rc = xdb_meta_set(db, META_BATCH, num, strlen(num), err);

    if (rc == TRAWL_OK)
        rc = ix->in_tx ? xdb_commit_tx(db, err) : xdb_commit(db, err);
    return rc;
}

/* The article database commits first, with the keys of the batch: a crash before the
 * passage database's commit leaves it one batch ahead, and the next writer takes those
 * articles out of both (index_open's repair), so the two never disagree for long. */
int index_commit(struct index *ix, struct trawl_error *err)
{
    char num[32], bnum[32];
    struct sbuf pend;
    int rc = index_need_writer(ix, err), adone = 0;

    sbuf_init(&pend);
    if (rc == TRAWL_OK)
        rc = index_flush_spelling(ix, err);
    if (rc == TRAWL_OK && !ix->adf_defer)
        rc = index_artdf_flush(ix, err);
    snprintf(num, sizeof num, "%lld", (long long)time(NULL));
    snprintf(bnum, sizeof bnum, "%llu", (unsigned long long)(ix->batch + 1));
    if (rc == TRAWL_OK)
        rc = xdb_meta_set(ix->db, META_UPDATED, num, strlen(num), err);
    if (rc == TRAWL_OK && pending_list(ix, &pend) != TRAWL_OK)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc == TRAWL_OK)
        rc = xdb_meta_set(ix->adb, META_PENDING, pend.buf, pend.len, err);
    if (rc == TRAWL_OK && (rc = commit_one(ix, ix->adb, bnum, err)) == TRAWL_OK)
        adone = 1;
    if (rc == TRAWL_OK)
        rc = commit_one(ix, ix->db, bnum, err);
    if (rc == TRAWL_OK) {
        ix->batch++;
        strmap_clear(&ix->touched);
    }
    if (ix->in_tx && rc != TRAWL_OK) {
        if (!adone)
            xdb_cancel_tx(ix->adb, NULL);
        xdb_cancel_tx(ix->db, NULL);
    }
    ix->in_tx = 0;
    sbuf_release(&pend);
    return rc;
}

int index_cancel(struct index *ix, struct trawl_error *err)
{
    int rc = TRAWL_OK;

    strmap_clear(&ix->spell);
    strmap_clear(&ix->unspell);
    strmap_clear(&ix->adf_add);
    strmap_clear(&ix->adf_sub);
    strmap_clear(&ix->touched);
    if (ix->in_tx) {
        rc = xdb_cancel_tx(ix->db, err);
        xdb_cancel_tx(ix->adb, NULL);
    }
    ix->in_tx = 0;
    return rc;
}

/* ---- Records ---------------------------------------------------------------------------- */

int index_article(struct index *ix, const char *id, struct trawl_record *rec,
                  struct sbuf *store, struct trawl_error *err)
{
    struct sbuf key;
    int rc;

    sbuf_init(&key);
    if (schema_article_record_key(id, strlen(id), &key) != TRAWL_OK) {
        sbuf_release(&key);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    sbuf_reset(store);
    rc = xdb_meta_get(ix->db, key.buf, store, err);
    sbuf_release(&key);
    if (rc != TRAWL_OK)
        return rc;
    if (store->len == 0)
        return terr_set(err, TRAWL_ENOTFOUND, "no article '%s' in the index", id);
    return index_damaged(ix, schema_article_decode(store->buf, store->len, rec, err), err);
}

struct each_article {
    trawl_record_fn fn;
    void *ctx;
    struct trawl_error *err;
    int rc;       /* a record that would not decode, or what fn returned to stop */
    int corrupt;  /* rc is the decoder's: the index is damaged */
};

static enum xdb_next each_article_meta(void *ctx, const char *key, size_t klen,
                                       const char *val, size_t vlen)
{
    struct each_article *ea = ctx;
    struct trawl_record rec;
    size_t plen = strlen(META_ARTICLE);

    ea->rc = schema_article_decode(val, vlen, &rec, ea->err);
    ea->corrupt = ea->rc != TRAWL_OK;
    if (ea->rc == TRAWL_OK)
        ea->rc = ea->fn(ea->ctx, key + plen, klen - plen, &rec);
    return ea->rc == TRAWL_OK ? XDB_NEXT : XDB_STOP;
}

int index_each_article(struct index *ix, trawl_record_fn fn, void *ctx, struct trawl_error *err)
{
    struct each_article ea = {fn, ctx, err, TRAWL_OK, 0};
    int rc = xdb_meta_each(ix->db, META_ARTICLE, each_article_meta, &ea, err);

    if (rc != TRAWL_OK)
        return rc;
    return ea.corrupt ? index_damaged(ix, ea.rc, err) : ea.rc;
}

static int source_key(const char *path, struct sbuf *key)
{
    sbuf_reset(key);
    if (sbuf_adds(key, META_SOURCE))
        return TRAWL_ENOMEM;
    /* Keys are limited in length: long paths are keyed by their hash. */
    if (strlen(path) > SCHEMA_MAX_ID)
        return schema_article_key(path, strlen(path), key);
    return sbuf_adds(key, path);
}

int index_source(struct index *ix, const char *path, struct trawl_source *s, struct trawl_error *err)
{
    struct sbuf key, val;
    int rc;

    sbuf_init(&key);
    sbuf_init(&val);
    if (source_key(path, &key) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    rc = xdb_meta_get(ix->db, key.buf, &val, err);
    if (rc == TRAWL_OK && val.len == 0)
        rc = terr_set(err, TRAWL_ENOTFOUND, "no source '%s' in the index", path);
    else if (rc == TRAWL_OK)
        rc = index_damaged(ix, schema_source_decode(val.buf, val.len, s, err), err);
out:
    sbuf_release(&key);
    sbuf_release(&val);
    return rc;
}

int index_set_source(struct index *ix, const char *path, const struct trawl_source *s,
                     struct trawl_error *err)
{
    struct sbuf key, val;
    int rc;

    sbuf_init(&key);
    sbuf_init(&val);
    if (source_key(path, &key) != TRAWL_OK || schema_source_encode(s, &val) != TRAWL_OK)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    else
        rc = xdb_meta_set(ix->db, key.buf, val.buf, val.len, err);
    sbuf_release(&key);
    sbuf_release(&val);
    return rc;
}

int index_forget_source(struct index *ix, const char *path, struct trawl_error *err)
{
    struct sbuf key;
    int rc;

    sbuf_init(&key);
    if (source_key(path, &key) != TRAWL_OK)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    else
        rc = xdb_meta_set(ix->db, key.buf, "", 0, err);
    sbuf_release(&key);
    return rc;
}

/* ---- Repair ----------------------------------------------------------------------------- */

/* The article database is one batch ahead of the passage database: the writer that committed
 * it stopped before the passages' commit. The articles of that batch (META_PENDING) are taken
 * out of both, with their records and their sources' records, so the next run indexes them
 * again from their files; both databases then commit the article database's batch number
 * again, so that a repair stopped between its own two commits leaves the article database
 * one batch ahead still (its pending keys the same), and the next writer repairs again. */
int index_repair(struct index *ix, uint64_t abatch, size_t *dropped, struct trawl_error *err)
{
    struct sbuf pend, store;
    struct trawl_record rec;
    char *line, *save = NULL;
    int rc;

    *dropped = 0;
    sbuf_init(&pend);
    sbuf_init(&store);
    rc = xdb_meta_get(ix->adb, META_PENDING, &pend, err);
    ix->batch = abatch - 1; /* index_commit writes abatch to both */
    if (rc == TRAWL_OK)
        rc = index_begin(ix, err);
    for (line = strtok_r(pend.buf, "\n", &save); rc == TRAWL_OK && line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *src = NULL;
        rc = index_article(ix, line, &rec, &store, err);
        if (rc == TRAWL_OK && (src = strndup(rec.source, rec.source_len)) == NULL)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        if (rc == TRAWL_OK)
            rc = index_forget_source(ix, src, err);
        free(src);
        if (rc == TRAWL_ENOTFOUND)
            rc = TRAWL_OK;
        if (rc == TRAWL_OK)
            rc = index_remove(ix, line, err);
        (*dropped)++;
    }
    if (rc == TRAWL_OK)
        rc = index_commit(ix, err);
    else if (ix->in_tx)
        index_cancel(ix, NULL);
    sbuf_release(&pend);
    sbuf_release(&store);
    return rc;
}
