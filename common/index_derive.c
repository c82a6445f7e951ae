/* index_derive: the article database's impact file (impact.h) derived from the passage
 * database (docs/design.md, "Impact files"). A single local index's article documents hold
 * no ranking terms (schema 8): this file is the only place their counts are; in a sharded
 * index's shards, whose article documents have them, it is the same bytes index_impacts_fresh
 * writes from the article database (tests/indexer/derive_test.py compares the two).
 *
 * An article's passages are consecutive docids of the passage database, each passage's
 * SLOT_ARTICLE value its key. Every passage of an article with a given title holds the title's
 * terms RANK_TITLE_WDF = W times (index_prep.c), the article document once, so over its n
 * passages, with tc(t) t's count in the title and tl the title's length in terms:
 *     wdf_art(t) = sum_p wdf_p(t) - (n - 1) W tc(t)
 *     len_art    = sum_p len_p    - (n - 1) W tl
 * A derived title (the body's first sentence) is in no passage: nothing is subtracted. The
 * article document says which (TERM_TITLE: given), so only the given titles of articles of
 * more than one passage are analysed (from the first passage's data).
 * The docids, keys and identity stamp are the article database's: the searcher maps its hits
 * through them. Depends on xdb, impact, analyze, schema, rank. */
#include "common/index_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "common/impact.h"
#include "common/rank.h"
#include "common/schema.h"

struct dv_art {
    uint32_t first, n; /* its passages: first .. first + n - 1 */
    uint32_t adoc;     /* its document in the article database */
    uint64_t len;      /* sum of its passages' lengths, less the extra titles */
};

/* One title term's share to take off an article's sum: amount = (n - 1) W tc. Chained per
 * term in article order (next: index + 1 of the next, 0: none). */
struct dv_sub {
    uint32_t art, amount, next;
};

struct dv_post {
    uint32_t key; /* article index while summing, then the article docid */
    uint32_t wdf;
};

struct derive {
    xdb *pdb, *adb;
    struct analyzer *an;
    struct trawl_error *err;
    int rc;
    struct strmap adocs;    /* article key -> its article docid */
    uint32_t alast;         /* the article database's last docid */
    uint8_t *aseen;         /* per article docid: has passages */
    uint32_t plast;         /* the passage database's last docid */
    uint32_t *part;         /* per passage docid: its article's index + 1 (0: none) */
    uint32_t *plen;         /* per passage docid: its length */
    struct dv_art *arts;    /* in the order of their passages */
    size_t nart, artcap;
    struct sbuf prev;       /* the key of the previous passage */
    xdb_docid prev_id;
    struct strmap subterm;  /* title term -> index + 1 into head/tail */
    uint32_t *head, *tail;
    size_t nsubterm, subtermcap;
    struct dv_sub *subs;
    size_t nsub, subcap;
    struct dv_post *posts;  /* the current term's postings */
    size_t npost, postcap;
    struct impact_writer *w;
    uint8_t *given;         /* per article docid: its title was given (TERM_TITLE) */
};

static int nomem(struct derive *d)
{
    return d->rc = terr_set(d->err, TRAWL_ENOMEM, "out of memory");
}

static int mismatch(struct derive *d, const char *what, const char *key, size_t len)
{
    return d->rc = terr_set(d->err, TRAWL_EINDEX,
                            "the article database does not match the passages: %s '%.*s'", what,
                            (int)(len > 100 ? 100 : len), key);
}

static enum xdb_next on_article(void *ctx, xdb_docid id, const char *val, size_t len)
{
    struct derive *d = ctx;

    if (strmap_get(&d->adocs, val, len) != NULL) {
        mismatch(d, "two article documents for", val, len);
        return XDB_STOP;
    }
    if (strmap_add(&d->adocs, val, len, id) != TRAWL_OK) {
        nomem(d);
        return XDB_STOP;
    }
    return XDB_NEXT;
}

/* Passages in docid order: a run of one key is an article. */
static enum xdb_next on_passage(void *ctx, xdb_docid id, const char *val, size_t len)
{
    struct derive *d = ctx;
    struct dv_art *a;
    struct strmap_entry *e;

    if (id > d->plast)
        return XDB_NEXT; /* not in the arrays: the stats said otherwise (cannot happen) */
    if (d->nart > 0 && id == d->prev_id + 1 &&
        sbuf_bytes_cmp(d->prev.buf, d->prev.len, val, len) == 0) {
        d->arts[d->nart - 1].n++;
        d->part[id] = (uint32_t)d->nart;
        d->prev_id = id;
        return XDB_NEXT;
    }
    if ((e = strmap_get(&d->adocs, val, len)) == NULL) {
        mismatch(d, "no article document for", val, len);
        return XDB_STOP;
    }
    if (d->aseen[e->val]) {
        mismatch(d, "passages not consecutive for", val, len);
        return XDB_STOP;
    }
    d->aseen[e->val] = 1;
    if ((a = grow(d->arts, d->nart, &d->artcap, sizeof *a, 1024)) == NULL) {
        nomem(d);
        return XDB_STOP;
    }
    d->arts = a;
    d->arts[d->nart++] = (struct dv_art){(uint32_t)id, 1, (uint32_t)e->val, 0};
    d->part[id] = (uint32_t)d->nart;
    d->prev_id = id;
    sbuf_reset(&d->prev);
    if (sbuf_add(&d->prev, val, len) != TRAWL_OK) {
        nomem(d);
        return XDB_STOP;
    }
    return XDB_NEXT;
}

static enum xdb_next on_plen(void *ctx, xdb_docid id, uint64_t len)
{
    struct derive *d = ctx;

    if (id <= d->plast)
        d->plen[id] = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    return XDB_NEXT;
}

/* ---- Titles ------------------------------------------------------------------------------ */

struct count_ctx {
    struct strmap *terms; /* NULL: count only */
    uint64_t n;
    int rc;
};

static enum analyze_next count_term(void *ctx, const struct tok_token *tk, const char *term,
                                    size_t len)
{
    struct count_ctx *c = ctx;

    (void)tk;
    c->n++;
    if (c->terms != NULL && strmap_add(c->terms, term, len, 1) != TRAWL_OK) {
        c->rc = TRAWL_ENOMEM;
        return ANALYZE_STOP;
    }
    return ANALYZE_NEXT;
}

/* Reads passage id's data into buf, decoded into p. */
static int read_passage(struct derive *d, xdb_docid id, struct sbuf *buf, struct trawl_passage *p)
{
    int rc;

    sbuf_reset(buf);
    if ((rc = xdb_doc_data(d->pdb, id, buf, d->err)) != TRAWL_OK)
        return d->rc = rc;
    return d->rc = schema_passage_decode(buf->buf, buf->len, p, d->err);
}

/* Queues the title's terms of article a (index ai) for subtraction, and takes its extra
 * titles off its length. */
static int subtract_title(struct derive *d, const struct dv_art *a, size_t ai,
                          const struct strmap *tc, uint64_t tl)
{
    uint64_t times = (uint64_t)(a->n - 1) * RANK_TITLE_WDF;

    d->arts[ai].len -= times * tl;
    for (size_t i = 0; i < tc->cap; i++) {
        const struct strmap_entry *e = &tc->slots[i];
        struct strmap_entry *t;
        struct dv_sub *s;
        size_t id;
        if (e->key == NULL)
            continue;
        if ((t = strmap_get(&d->subterm, e->key, e->len)) == NULL) {
            uint32_t *h = grow(d->head, d->nsubterm, &d->subtermcap, sizeof *h, 1024);
            if (h == NULL)
                return nomem(d);
            d->head = h;
            /* tail grows in step with head: same count, same capacity */
            if ((h = realloc(d->tail, d->subtermcap * sizeof *h)) == NULL)
                return nomem(d);
            d->tail = h;
            if (strmap_add(&d->subterm, e->key, e->len, d->nsubterm + 1) != TRAWL_OK)
                return nomem(d);
            d->head[d->nsubterm] = d->tail[d->nsubterm] = 0;
            t = strmap_get(&d->subterm, e->key, e->len);
            d->nsubterm++;
        }
        if ((s = grow(d->subs, d->nsub, &d->subcap, sizeof *s, 4096)) == NULL)
            return nomem(d);
        d->subs = s;
        if (times * e->val > UINT32_MAX)
            return d->rc = terr_set(d->err, TRAWL_EINDEX, "a title term's count is too large");
        d->subs[d->nsub] = (struct dv_sub){(uint32_t)ai, (uint32_t)(times * e->val), 0};
        id = (size_t)t->val - 1;
        if (d->tail[id] == 0)
            d->head[id] = (uint32_t)d->nsub + 1;
        else
            d->subs[d->tail[id] - 1].next = (uint32_t)d->nsub + 1;
        d->tail[id] = (uint32_t)d->nsub + 1;
        d->nsub++;
    }
    return TRAWL_OK;
}

/* An article whose title was given: its passages hold it, W times each. */
static enum xdb_next on_given(void *ctx, xdb_docid id)
{
    struct derive *d = ctx;

    if (id <= d->alast)
        d->given[id] = 1;
    return XDB_NEXT;
}

/* Every article's length, and the title terms to take off its sums. */
static int titles(struct derive *d)
{
    struct strmap tc;
    struct sbuf buf;
    int rc = TRAWL_OK;

    strmap_init(&tc);
    sbuf_init(&buf);
    for (size_t ai = 0; ai < d->nart && rc == TRAWL_OK; ai++) {
        struct dv_art *a = &d->arts[ai];
        struct count_ctx c = {&tc, 0, TRAWL_OK};
        struct trawl_passage p;
        for (uint32_t i = 0; i < a->n; i++)
            a->len += d->plen[a->first + i];
        if (a->n < 2 || RANK_TITLE_WDF <= 0 || !d->given[a->adoc])
            continue; /* one passage: its counts are the article's; a derived title: none */
        if ((rc = read_passage(d, a->first, &buf, &p)) != TRAWL_OK || p.title_len == 0)
            continue;
        strmap_clear(&tc);
        if (analyze_each(d->an, p.title, p.title_len, count_term, &c) != TRAWL_OK ||
            c.rc != TRAWL_OK) {
            rc = nomem(d);
            break;
        }
        if (c.n == 0)
            continue;
        rc = subtract_title(d, a, ai, &tc, c.n);
    }
    strmap_release(&tc);
    sbuf_release(&buf);
    return rc;
}

/* ---- Postings ---------------------------------------------------------------------------- */

static enum xdb_next on_posting(void *ctx, xdb_docid id, uint64_t wdf)
{
    struct derive *d = ctx;
    uint32_t art = id <= d->plast ? d->part[id] : 0;
    struct dv_post *p;

    if (art == 0) {
        d->rc = terr_set(d->err, TRAWL_EINDEX, "passage %u has no article", (unsigned)id);
        return XDB_STOP;
    }
    if (d->npost > 0 && d->posts[d->npost - 1].key == art - 1) {
        p = &d->posts[d->npost - 1];
        p->wdf = wdf > UINT32_MAX - p->wdf ? UINT32_MAX : p->wdf + (uint32_t)wdf;
        return XDB_NEXT;
    }
    if ((p = grow(d->posts, d->npost, &d->postcap, sizeof *p, 4096)) == NULL) {
        nomem(d);
        return XDB_STOP;
    }
    d->posts = p;
    d->posts[d->npost++] = (struct dv_post){art - 1, wdf > UINT32_MAX ? UINT32_MAX : (uint32_t)wdf};
    return XDB_NEXT;
}

static int by_key(const void *a, const void *b)
{
    uint32_t x = ((const struct dv_post *)a)->key, y = ((const struct dv_post *)b)->key;

    return (x > y) - (x < y);
}

/* The term's postings summed per article (in article index order, as its passages come),
 * less the titles, in article docid order. */
static int term_postings(struct derive *d, const char *term, size_t len)
{
    struct strmap_entry *t = strmap_get(&d->subterm, term, len);
    uint32_t s = t != NULL ? d->head[t->val - 1] : 0;
    size_t j = 0;
    int sorted = 1, rc;

    d->npost = 0;
    if ((rc = xdb_postings_wdf(d->pdb, term, len, on_posting, d, d->err)) != TRAWL_OK)
        return rc;
    if (d->rc != TRAWL_OK)
        return d->rc;
    for (; s != 0; s = d->subs[s - 1].next) {
        const struct dv_sub *sub = &d->subs[s - 1];
        while (j < d->npost && d->posts[j].key < sub->art)
            j++;
        if (j == d->npost || d->posts[j].key != sub->art || d->posts[j].wdf <= sub->amount)
            return d->rc = terr_set(d->err, TRAWL_EINDEX,
                                    "a title term's count is not in every passage");
        d->posts[j].wdf -= sub->amount;
    }
    for (size_t i = 0; i < d->npost; i++) {
        d->posts[i].key = d->arts[d->posts[i].key].adoc;
        sorted &= i == 0 || d->posts[i].key > d->posts[i - 1].key;
    }
    /* Articles replaced by incremental runs have docids out of their passages' order. */
    if (!sorted)
        qsort(d->posts, d->npost, sizeof *d->posts, by_key);
    for (size_t i = 0; i < d->npost && rc == TRAWL_OK; i++)
        rc = impact_writer_posting(d->w, d->posts[i].key, d->posts[i].wdf, d->err);
    return rc;
}

static enum xdb_next on_term(void *ctx, const char *term, size_t len, uint64_t docs)
{
    struct derive *d = ctx;

    (void)docs;
    if (!schema_rank_term(term, len))
        return XDB_NEXT;
    if ((d->rc = impact_writer_term(d->w, term, len, d->err)) == TRAWL_OK)
        d->rc = term_postings(d, term, len);
    return d->rc == TRAWL_OK ? XDB_NEXT : XDB_STOP;
}

static enum xdb_next on_key(void *ctx, xdb_docid id, const char *val, size_t len)
{
    struct derive *d = ctx;

    d->rc = impact_writer_key(d->w, id, val, len, d->err);
    return d->rc == TRAWL_OK ? XDB_NEXT : XDB_STOP;
}

/* ---- The file ---------------------------------------------------------------------------- */

/* rc, an xdb walk's status, or else what its callbacks met. */
static int walked(struct derive *d, int rc)
{
    return rc != TRAWL_OK ? rc : d->rc;
}

static int derive_write(struct derive *d, const struct xdb_stats *ast, const char *path)
{
    struct impact_info info;
    int rc;

    memset(&info, 0, sizeof info);
    info.revision = ast->revision;
    memcpy(info.uuid, ast->uuid, sizeof info.uuid);
    info.doccount = ast->doccount;
    info.lastdocid = (uint32_t)ast->lastdocid;
    for (size_t i = 0; i < d->nart; i++)
        info.total_length += d->arts[i].len;
    if ((rc = impact_writer_new(path, &info, &d->w, d->err)) != TRAWL_OK)
        return rc;
    for (size_t i = 0; i < d->nart && rc == TRAWL_OK; i++)
        rc = impact_writer_len(d->w, d->arts[i].adoc,
                               d->arts[i].len > UINT32_MAX ? UINT32_MAX : (uint32_t)d->arts[i].len,
                               d->err);
    if (rc == TRAWL_OK)
        rc = walked(d, xdb_values_each(d->adb, SLOT_ARTICLE, on_key, d, d->err));
    if (rc == TRAWL_OK)
        rc = walked(d, xdb_terms_each(d->pdb, "", on_term, d, d->err));
    if (rc == TRAWL_OK)
        rc = impact_writer_commit(d->w, d->err);
    return rc;
}

int index_impacts_derive(xdb *pdb, xdb *adb, struct analyzer *an, const char *path,
                         struct index_derive_stats *stats, struct trawl_error *err)
{
    struct derive d;
    struct xdb_stats pst, ast;
    int rc;

    memset(&d, 0, sizeof d);
    d.pdb = pdb;
    d.adb = adb;
    d.an = an;
    d.err = err;
    strmap_init(&d.adocs);
    strmap_init(&d.subterm);
    sbuf_init(&d.prev);
    if ((rc = xdb_stats(pdb, &pst, err)) != TRAWL_OK || (rc = xdb_stats(adb, &ast, err)) != TRAWL_OK)
        goto out;
    if (pst.lastdocid > UINT32_MAX - 2 || ast.lastdocid > UINT32_MAX - 2) {
        rc = terr_set(err, TRAWL_EINPUT, "too many documents for an impact file");
        goto out;
    }
    d.plast = (uint32_t)pst.lastdocid;
    d.alast = (uint32_t)ast.lastdocid;
    if ((d.part = calloc((size_t)d.plast + 1, sizeof *d.part)) == NULL ||
        (d.plen = calloc((size_t)d.plast + 1, sizeof *d.plen)) == NULL ||
        (d.aseen = calloc((size_t)d.alast + 1, 1)) == NULL ||
        (d.given = calloc((size_t)d.alast + 1, 1)) == NULL) {
        rc = nomem(&d);
        goto out;
    }
    rc = walked(&d, xdb_values_each(adb, SLOT_ARTICLE, on_article, &d, err));
    if (rc == TRAWL_OK)
        rc = walked(&d, xdb_values_each(pdb, SLOT_ARTICLE, on_passage, &d, err));
    if (rc == TRAWL_OK && d.nart != d.adocs.n)
        rc = terr_set(err, TRAWL_EINDEX,
                      "the article database does not match the passages: %zu articles, %zu "
                      "with passages",
                      d.adocs.n, d.nart);
    if (rc == TRAWL_OK)
        rc = walked(&d, xdb_postings_wdf(pdb, "", 0, on_plen, &d, err));
    if (rc == TRAWL_OK)
        rc = walked(&d, xdb_postings(adb, TERM_TITLE, strlen(TERM_TITLE), on_given, &d, err));
    if (rc == TRAWL_OK)
        rc = titles(&d);
    if (rc == TRAWL_OK)
        rc = derive_write(&d, &ast, path);
    if (stats != NULL) {
        stats->articles = d.nart;
        stats->title_terms = d.nsub;
    }
out:
    impact_writer_free(d.w);
    strmap_release(&d.adocs);
    strmap_release(&d.subterm);
    sbuf_release(&d.prev);
    free(d.part);
    free(d.plen);
    free(d.aseen);
    free(d.given);
    free(d.arts);
    free(d.head);
    free(d.tail);
    free(d.subs);
    free(d.posts);
    return rc;
}

int index_impacts_derived(const char *path, const char *file, struct index_derive_stats *stats,
                          struct trawl_error *err)
{
    struct index_open_opts o;
    struct index *ix = NULL;
    struct analyzer *an;
    char *own = NULL;
    int rc;

    memset(&o, 0, sizeof o);
    o.mode = INDEX_READ;
    if ((rc = index_open(path, &o, &ix, err)) != TRAWL_OK)
        return rc;
    if (ix->aimp.folder == NULL || ix->adb == NULL || ix->pimp.folder == NULL)
        rc = terr_set(err, TRAWL_ENOTFOUND, "'%s' is not a single local index", path);
    else if (file == NULL && asprintf(&own, "%s/%s", ix->aimp.folder, IMPACT_FILE) < 0)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    else if ((rc = index_analyzer(ix, &an, err)) == TRAWL_OK)
        rc = index_impacts_derive(ix->db, ix->adb, an, file != NULL ? file : own, stats, err);
    free(own);
    index_close(ix);
    return rc;
}

int index_impacts_derive_fresh(struct index *ix, xdb *pdb, struct analyzer *an,
                               struct trawl_error *err)
{
    struct xdb_stats st;
    char *file = NULL;
    int rc;

    if ((rc = xdb_stats(ix->adb, &st, err)) != TRAWL_OK)
        return rc;
    if (st.revision == 0 || st.uuid[0] == '\0' || st.lastdocid > UINT32_MAX - 2)
        return TRAWL_OK;
    if (asprintf(&file, "%s/%s", ix->aimp.folder, IMPACT_FILE) < 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (!index_impact_file_matches(file, &st))
        rc = index_impacts_derive(pdb, ix->adb, an, file, NULL, err);
    free(file);
    return rc;
}

int index_impacts_written(const char *path, const char *folder, struct trawl_error *err)
{
    struct index_open_opts o;
    struct index *ix = NULL;
    int rc;

    memset(&o, 0, sizeof o);
    o.mode = INDEX_READ;
    if ((rc = index_open(path, &o, &ix, err)) != TRAWL_OK)
        return rc;
    if (ix->aimp.folder == NULL || ix->adb == NULL)
        rc = terr_set(err, TRAWL_ENOTFOUND, "'%s' is not a single local index", path);
    else
        rc = index_impacts_fresh(ix->adb, folder, err);
    index_close(ix);
    return rc;
}
