/* index_impact: the impact files (impact.h) of an index whose article and passage databases
 * are each one local database: made after every writer's run and compaction (through
 * index_build.c's index_impacts_refresh: the passage file from its database by
 * index_impacts_fresh, the article file derived from the passages), mapped by
 * readers while they are the databases' current revisions (index_impacts), and asked the
 * default view's article question (index_artrank.c) and the every-passage view's passage
 * search (index_search.c) in place of Xapian's matcher (index_impacts_best), with the same
 * weights and order. Sharded and remote indexes go through Xapian as before. The article file
 * is derived from the passages (index_derive.c): the article documents of a single local
 * index hold no ranking terms (schema 8), so without a current article file the default view
 * ranks from the passages (index_artrank). TRAWL_IMPACTS=off in the environment makes readers
 * ignore the passage file (to compare its matcher with Xapian's: tests/relevance and
 * tests/bench); the article file has no Xapian twin to compare with but a sharded index's. */
#include "common/index_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/impact.h"
#include "common/rank.h"
#include "common/schema.h"

/* ---- Building ----------------------------------------------------------------------------- */

struct build_ctx {
    struct impact_writer *w;
    xdb *adb;
    struct trawl_error *err;
    int rc;
};

static enum xdb_next on_len(void *ctx, xdb_docid id, uint64_t len)
{
    struct build_ctx *c = ctx;

    c->rc = impact_writer_len(c->w, id, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len, c->err);
    return c->rc == TRAWL_OK ? XDB_NEXT : XDB_STOP;
}

static enum xdb_next on_key(void *ctx, xdb_docid id, const char *val, size_t len)
{
    struct build_ctx *c = ctx;

    c->rc = impact_writer_key(c->w, id, val, len, c->err);
    return c->rc == TRAWL_OK ? XDB_NEXT : XDB_STOP;
}

static enum xdb_next on_posting(void *ctx, xdb_docid id, uint64_t wdf)
{
    struct build_ctx *c = ctx;

    c->rc = impact_writer_posting(c->w, id, wdf > UINT32_MAX ? UINT32_MAX : (uint32_t)wdf, c->err);
    return c->rc == TRAWL_OK ? XDB_NEXT : XDB_STOP;
}

static enum xdb_next on_term(void *ctx, const char *term, size_t len, uint64_t docs)
{
    struct build_ctx *c = ctx;
    int rc;

    (void)docs;
    if (!schema_rank_term(term, len)) /* ranking terms only */
        return XDB_NEXT;
    if ((c->rc = impact_writer_term(c->w, term, len, c->err)) != TRAWL_OK)
        return XDB_STOP;
    rc = xdb_postings_wdf(c->adb, term, len, on_posting, c, c->err);
    if (c->rc == TRAWL_OK)
        c->rc = rc;
    return c->rc == TRAWL_OK ? XDB_NEXT : XDB_STOP;
}

/* Writes the impact file of db (a single database) into its folder. */
static int build(xdb *adb, const char *folder, const struct xdb_stats *st, struct trawl_error *err)
{
    struct impact_info info;
    struct build_ctx c = {NULL, adb, err, TRAWL_OK};
    char *file = NULL;
    int rc;

    if (st->lastdocid > UINT32_MAX - 2)
        return TRAWL_OK; /* beyond the file's docids: Xapian answers */
    memset(&info, 0, sizeof info);
    info.revision = st->revision;
    memcpy(info.uuid, st->uuid, sizeof info.uuid);
    info.doccount = st->doccount;
    info.total_length = st->total_length;
    info.lastdocid = (uint32_t)st->lastdocid;
    if (asprintf(&file, "%s/%s", folder, IMPACT_FILE) < 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    rc = impact_writer_new(file, &info, &c.w, err);
    if (rc == TRAWL_OK && (rc = xdb_postings_wdf(adb, "", 0, on_len, &c, err)) == TRAWL_OK)
        rc = c.rc;
    if (rc == TRAWL_OK &&
        (rc = xdb_values_each(adb, SLOT_ARTICLE, on_key, &c, err)) == TRAWL_OK)
        rc = c.rc;
    if (rc == TRAWL_OK && (rc = xdb_terms_each(adb, "", on_term, &c, err)) == TRAWL_OK)
        rc = c.rc;
    if (rc == TRAWL_OK)
        rc = impact_writer_commit(c.w, err);
    impact_writer_free(c.w);
    free(file);
    return rc;
}

/* Whether the file's identity is the database's. Not the total length: a derived article
 * file's is its passages' (less the extra titles), its database's 0 (no ranking terms);
 * revision and UUID name the state already. */
static int same(const struct impact_info *f, const struct xdb_stats *st)
{
    return f->revision == st->revision && strcmp(f->uuid, st->uuid) == 0 &&
           f->doccount == st->doccount && f->lastdocid == st->lastdocid;
}

int index_impact_file_matches(const char *path, const struct xdb_stats *st)
{
    struct impact_info have;
    struct trawl_error e;

    return impact_peek(path, &have, &e) == TRAWL_OK && same(&have, st);
}

int index_impacts_fresh(xdb *adb, const char *folder, struct trawl_error *err)
{
    struct xdb_stats st;
    char *file = NULL;
    int rc;

    if ((rc = xdb_stats(adb, &st, err)) != TRAWL_OK)
        return rc;
    if (st.revision == 0 || st.uuid[0] == '\0')
        return TRAWL_OK;
    if (asprintf(&file, "%s/%s", folder, IMPACT_FILE) < 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    /* Up to date: a run that changed nothing costs a header read. */
    if (!index_impact_file_matches(file, &st))
        rc = build(adb, folder, &st, err);
    free(file);
    return rc;
}

/* ---- Reading ------------------------------------------------------------------------------ */

/* Whether m last looked at this revision of the database, with the file as it is now. */
static int looked(const struct index_imp *m, const struct xdb_stats *st, int there,
                  const struct stat *sb)
{
    return m->known && m->rev == st->revision && strcmp(m->uuid, st->uuid) == 0 &&
           m->there == there &&
           (!there || (m->ino == (uint64_t)sb->st_ino && m->size == (uint64_t)sb->st_size &&
                       m->mtime_ns == (int64_t)sb->st_mtim.tv_sec * 1000000000 +
                                          sb->st_mtim.tv_nsec));
}

int index_impacts(struct index *ix, xdb *db, struct index_imp *m, struct impact **out,
                  struct trawl_error *err)
{
    struct xdb_stats st;
    struct trawl_error e;
    struct stat sb;
    const char *env;
    char *file = NULL;
    int there, rc;

    *out = NULL;
    if (m->folder == NULL || db == NULL || ix->writable)
        return TRAWL_OK;
    /* Off: the passage file alone. The article file cannot be: a single local index's article
     * documents hold no ranking terms (schema 8), Xapian has no articles to rank there. */
    if (m == &ix->pimp && (env = getenv("TRAWL_IMPACTS")) != NULL && strcmp(env, "off") == 0)
        return TRAWL_OK;
    /* A failed read is the caller's (a commit's TRAWL_ERETRY reruns the search), not a
     * reason to change matchers. */
    if ((rc = xdb_stats(db, &st, err)) != TRAWL_OK || st.revision == 0)
        return rc;
    if (m->imp != NULL && same(impact_info(m->imp), &st)) {
        *out = m->imp;
        return TRAWL_OK;
    }
    if (asprintf(&file, "%s/%s", m->folder, IMPACT_FILE) < 0)
        return TRAWL_OK; /* out of memory: Xapian answers */
    there = stat(file, &sb) == 0;
    if (!looked(m, &st, there, &sb)) {
        /* A new revision, or the file written since (a reader that opened the revision
         * before its writer had written the file). */
        impact_close(m->imp);
        m->imp = NULL;
        m->known = 1;
        m->rev = st.revision;
        memcpy(m->uuid, st.uuid, sizeof m->uuid);
        m->there = there;
        m->ino = there ? (uint64_t)sb.st_ino : 0;
        m->size = there ? (uint64_t)sb.st_size : 0;
        m->mtime_ns = there ? (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec : 0;
        if (there && impact_open(file, &m->imp, &e) == TRAWL_OK &&
            !same(impact_info(m->imp), &st)) {
            impact_close(m->imp);
            m->imp = NULL;
        }
    }
    free(file);
    *out = m->imp;
    return TRAWL_OK;
}

/* Whether m's file matches db, into *ok: 1, or 0 when missing or behind (and its size into
 * *bytes). */
static int imp_current(xdb *db, const struct index_imp *m, int *ok, uint64_t *bytes,
                       struct trawl_error *err)
{
    struct xdb_stats st;
    struct stat sb;
    char *file = NULL;
    int rc;

    *ok = 0;
    if (asprintf(&file, "%s/%s", m->folder, IMPACT_FILE) < 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (stat(file, &sb) == 0)
        *bytes += (uint64_t)sb.st_size;
    if ((rc = xdb_stats(db, &st, err)) == TRAWL_OK)
        *ok = index_impact_file_matches(file, &st);
    free(file);
    return rc;
}

int index_imp_state(struct index *ix, int *state, uint64_t *bytes, struct trawl_error *err)
{
    int a, p, rc;

    *bytes = 0;
    *state = -1;
    if (ix->aimp.folder == NULL || ix->pimp.folder == NULL || ix->adb == NULL)
        return TRAWL_OK;
    /* Both sizes counted: no short cut. */
    if ((rc = imp_current(ix->adb, &ix->aimp, &a, bytes, err)) == TRAWL_OK &&
        (rc = imp_current(ix->db, &ix->pimp, &p, bytes, err)) == TRAWL_OK)
        *state = a & p;
    return rc;
}

void index_imp_drop(struct index_imp *m)
{
    impact_close(m->imp); /* `known` stays: the same file is not mapped again */
    m->imp = NULL;
}

void index_imp_release(struct index_imp *m)
{
    index_imp_drop(m);
    free(m->folder);
    memset(m, 0, sizeof *m);
}

int index_impacts_best(struct index *ix, xdb *db, struct index_imp *m, const struct strlist *occ,
                       const struct index_ishape *shape, double k1, double b, size_t count,
                       struct impact **out,
                       struct impact_hit **top, size_t *n, uint64_t *matched,
                       struct trawl_error *err)
{
    struct impact *im;
    struct impact_bm25 p = {k1, b, RANK_MIN_NORMLEN};
    struct impact_leaf *lv;
    struct trawl_error e;
    double N;
    int rc;

    *out = NULL;
    *top = NULL;
    *n = 0;
    *matched = 0;
    if (shape != NULL && shape->root == NULL)
        return TRAWL_ENOTFOUND; /* not a tree impact_match takes: Xapian answers */
    if (shape != NULL)
        occ = &shape->leaves; /* each leaf weighed as impact_top's, below */
    if ((rc = index_impacts(ix, db, m, &im, err)) != TRAWL_OK)
        return rc;
    if (im == NULL)
        return TRAWL_ENOTFOUND;
    N = (double)impact_info(im)->doccount;
    if (count > impact_info(im)->doccount) /* a window past the end asks for no more */
        count = (size_t)impact_info(im)->doccount;
    lv = calloc(occ->n ? occ->n : 1, sizeof *lv);
    *top = malloc((count ? count : 1) * sizeof **top);
    if (lv == NULL || *top == NULL) {
        free(lv);
        free(*top);
        *top = NULL;
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    for (size_t j = 0; j < occ->n && rc == TRAWL_OK; j++) {
        const char *t = occ->v[j];
        size_t len = strlen(t);
        uint64_t df = impact_df(im, t, len);
        double tw, w;
        if (!schema_rank_term(t, len)) { /* not in the file: Xapian answers */
            rc = TRAWL_ENOTFOUND;
            break;
        }
        /* Xapian's BM25Weight::init, step for step (k2 0, k3 1, no relevance set). Each leaf
         * is weighed with its own wqf, 1: a word given twice is two leaves, each weighing
         * what it weighs alone. (An excluded leaf is weighed too, and its weight unused: the
         * right side of an AND_NOT has factor 0 in Xapian.) */
        tw = (N - (double)df + 0.5) / ((double)df + 0.5);
        if (tw < 2)
            tw = tw * 0.5 + 1;
        w = log(tw) * 1.0;
        w *= (1.0 + 1) * 1.0 / (1.0 + 1.0);
        w *= k1 + 1;
        lv[j].term = t;
        lv[j].len = len;
        lv[j].weight = w;
    }
    if (rc == TRAWL_OK && shape != NULL)
        rc = impact_match(im, shape->root, lv, occ->n, &p, count, *top, n, matched, &e);
    else if (rc == TRAWL_OK)
        rc = impact_top(im, lv, occ->n, &p, count, *top, n, matched, &e);
    free(lv);
    if (rc == TRAWL_OK) {
        *out = im;
        return TRAWL_OK;
    }
    free(*top);
    *top = NULL;
    *n = 0;
    if (rc == TRAWL_EINDEX) { /* malformed: not mapped again until it changes */
        index_imp_drop(m);
        return TRAWL_ENOTFOUND;
    }
    if (rc == TRAWL_EINPUT)
        return TRAWL_ENOTFOUND; /* a tree past impact_match's size: Xapian answers */
    if (rc != TRAWL_ENOTFOUND)
        *err = e;
    return rc;
}

int index_docs_wdf(struct index *ix, xdb *db, struct index_imp *m, const char *const *terms,
                   const size_t *lens, size_t nterms, const xdb_docid *docs, size_t ndocs,
                   uint32_t *wdf, uint32_t *len, struct trawl_error *err)
{
    struct impact *im;
    struct trawl_error e;
    int rc;

    if ((rc = index_impacts(ix, db, m, &im, err)) != TRAWL_OK)
        return rc;
    for (size_t j = 0; im != NULL && j < nterms; j++)
        if (!schema_rank_term(terms[j], lens[j]))
            im = NULL; /* not in the file */
    if (im != NULL) {
        if (impact_docs_wdf(im, terms, lens, nterms, docs, ndocs, wdf, len, &e) == TRAWL_OK)
            return TRAWL_OK;
        index_imp_drop(m); /* malformed, or not this revision's documents */
    }
    /* A single local index's article documents hold no ranking terms (schema 8): its file
     * alone has their counts, and the searcher asks only while it is current. */
    if (db == ix->adb && !ix->art_terms)
        return terr_set(err, TRAWL_EINDEX,
                        "the article impact file of '%s' is not usable: run trawl-index on it",
                        ix->path);
    return xdb_docs_wdf(db, terms, lens, nterms, docs, ndocs, wdf, len, err);
}

int index_impacts_runs(struct index *ix, xdb *db, struct index_imp *m,
                       const struct index_ishape *shape, const uint32_t *docs,
                       const char *const *keys, const size_t *klens, size_t n, uint32_t *runs,
                       uint64_t *counts, struct trawl_error *err)
{
    struct impact *im;
    struct impact_leaf *lv;
    struct trawl_error e;
    int rc;

    if (shape == NULL || shape->root == NULL)
        return TRAWL_ENOTFOUND;
    if ((rc = index_impacts(ix, db, m, &im, err)) != TRAWL_OK)
        return rc;
    if (im == NULL)
        return TRAWL_ENOTFOUND;
    if ((lv = calloc(shape->leaves.n ? shape->leaves.n : 1, sizeof *lv)) == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t j = 0; j < shape->leaves.n; j++) {
        lv[j].term = shape->leaves.v[j];
        lv[j].len = strlen(lv[j].term);
        if (!schema_rank_term(lv[j].term, lv[j].len)) { /* not in the file: Xapian answers */
            free(lv);
            return TRAWL_ENOTFOUND;
        }
    }
    rc = impact_match_runs(im, shape->root, lv, shape->leaves.n, docs, keys, klens, n, runs,
                           counts, &e);
    free(lv);
    if (rc == TRAWL_EINDEX) /* malformed: not mapped again until it changes */
        index_imp_drop(m);
    if (rc == TRAWL_EINDEX || rc == TRAWL_EINPUT)
        return TRAWL_ENOTFOUND;
    if (rc != TRAWL_OK && rc != TRAWL_ENOTFOUND)
        *err = e;
    return rc;
}
