/* trawl_write: the public API's write half (trawl.h "Writing"): a writer holds the index's
 * lock, its open databases (one, or every shard), and, once started, the parallel pipeline
 * writing into them or into the parts of a build from nothing. Compaction too.
 * Depends on index, layout, pipeline and api; never prints. */
#include "common/trawl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/api.h"
#include "common/index.h"
#include "common/layout.h"
#include "common/passage.h"
#include "common/pipeline.h"

#define WRITER_BATCH 5000               /* trawl_writer_opts.batch 0 */
#define WRITER_PENDING_BYTES (64u << 20) /* article text in flight at most */

/* A JSON Lines file's record, written once everything queued before it is committed. */
struct pending_source {
    char *path;
    struct trawl_source s;
};

struct trawl_writer {
    char *path;
    char *lang;                  /* opts->lang, copied (NULL: the index's own, else english) */
    struct trawl_writer_opts o;
    int lockfd;
    int sharded;                 /* the index on disk is sharded */
    size_t nshards;              /* its local databases (1 when not sharded) */
    struct index **open;         /* nopen of them opened for writing (0 after an unreadable
                                    index met with rebuild, or once a fresh build started) */
    unsigned nopen;
    struct index_build *build;   /* a build from nothing, once started */
    struct index **writers;      /* what the pipeline writes to: open[] or build parts */
    unsigned nwriters;
    struct pipeline *pl;
    struct pending_source *sources;
    size_t nsources;
    struct trawl_write_counts counts; /* the final counts, once finished */
    int has_records;             /* the index holds article records: -1 not known yet */
    int merge;                   /* a build from nothing whose parts are merged at the end */
};

static int fail(struct trawl_error *out, int code, const char *msg)
{
    struct trawl_error e;

    terr_set(&e, code, "%s", msg);
    return api_fail(out, &e);
}

/* The shard-count rules of an existing index against opts->shards. */
static int check_shards(trawl_writer *w, struct trawl_error *err)
{
    char **stub = NULL;
    size_t nstub = 0;
    int rc = TRAWL_OK;

    if (w->nshards > TRAWL_MAX_SHARDS)
        return terr_set(err, TRAWL_EINDEX, "index '%s' has %zu shards, more than %d", w->path,
                        w->nshards, TRAWL_MAX_SHARDS);
    if (w->sharded && w->o.shards && w->o.shards != w->nshards && !w->o.rebuild)
        return terr_set(err, TRAWL_EINPUT,
                        "index '%s' has %zu shards, not %u: use --rebuild to change that",
                        w->path, w->nshards, w->o.shards);
    if (!w->sharded && w->o.shards && !w->o.rebuild &&
        layout_read_stub(w->path, &stub, &nstub, NULL) == TRAWL_OK)
        rc = terr_set(err, TRAWL_EINPUT,
                      "index '%s' is not sharded: use --rebuild --shards %u to shard it",
                      w->path, w->o.shards);
    layout_free_lines(stub, nstub);
    return rc;
}

static void close_open(trawl_writer *w)
{
    while (w->nopen > 0)
        index_close(w->open[--w->nopen]);
}

/* Opens the index's single database or every shard (paths from index_writer_paths). */
static int open_databases(trawl_writer *w, char **paths, struct trawl_error *err)
{
    struct index_open_opts oo;
    int rc = TRAWL_OK;

    w->open = calloc(w->nshards ? w->nshards : 1, sizeof *w->open);
    if (w->open == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    memset(&oo, 0, sizeof oo);
    oo.mode = INDEX_WRITE;
    oo.lang = w->o.rebuild ? NULL : w->lang;
    oo.plain = w->sharded;
    oo.no_repair = w->o.rebuild; /* the rebuild replaces it; failed, it leaves it as it was */
    for (size_t i = 0; i < w->nshards && rc == TRAWL_OK; i++)
        if ((rc = index_open(paths[i], &oo, &w->open[i], err)) == TRAWL_OK)
            w->nopen++;
    if (rc == TRAWL_EINDEX && w->o.rebuild) {
        /* An index this trawl cannot read (another schema or analyzer version): a rebuild
         * replaces it, as the refusal advises. */
        close_open(w);
        rc = TRAWL_OK;
    }
    return rc;
}

static int writer_init(trawl_writer *w, const char *path, const struct trawl_writer_opts *o,
                       struct trawl_error *err)
{
    w->lockfd = -1;
    w->has_records = -1;
    if (o != NULL)
        w->o = *o;
    if (w->o.shards > TRAWL_MAX_SHARDS || w->o.parts > TRAWL_MAX_SHARDS)
        return terr_set(err, TRAWL_EINPUT, "at most %d shards or parts", TRAWL_MAX_SHARDS);
    if ((w->o.max_words ? w->o.max_words : TRAWL_MAX_WORDS) <
        (w->o.min_words ? w->o.min_words : TRAWL_MIN_WORDS))
        return terr_set(err, TRAWL_EINPUT, "max_words must not be below min_words");
    w->o.lang = NULL;
    if ((w->path = strdup(path)) == NULL ||
        (o != NULL && o->lang != NULL && (w->lang = strdup(o->lang)) == NULL))
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

int trawl_writer_open(const char *path, const struct trawl_writer_opts *opts,
                      trawl_writer **out, struct trawl_error *err)
{
    trawl_writer *w = calloc(1, sizeof *w);
    char **paths = NULL;
    struct trawl_error e;
    int rc;

    *out = NULL;
    if (w == NULL)
        return fail(err, TRAWL_ENOMEM, "out of memory");
    rc = writer_init(w, path, opts, &e);
    /* One writer at a time: the lock is held until trawl_writer_close. */
    if (rc == TRAWL_OK)
        rc = layout_lock(path, &w->lockfd, &e);
    if (rc == TRAWL_OK)
        rc = layout_clean(path, &e);
    if (rc == TRAWL_OK)
        rc = index_writer_paths(path, &paths, &w->nshards, &w->sharded, &e);
    if (rc == TRAWL_OK)
        rc = check_shards(w, &e);
    if (rc == TRAWL_OK)
        rc = open_databases(w, paths, &e);
    layout_free_lines(paths, w->nshards);
    if (rc != TRAWL_OK) {
        trawl_writer_close(w);
        return api_fail(err, &e);
    }
    *out = w;
    return api_ok(err);
}

/* ---- Records ---------------------------------------------------------------------------- */

/* Every record of every open database, until er asks to stop. */
static int each_record(trawl_writer *w, struct api_records *er, struct trawl_error *err)
{
    if (w->o.rebuild)
        return TRAWL_OK;
    for (unsigned i = 0; i < w->nopen && !er->stopped; i++) {
        int rc = index_each_article(w->open[i], api_record_each, er, err);
        /* A stop asked for by the callback is not a failure, though index_each_article
         * returns the callback's non-zero value for it. */
        if (rc != TRAWL_OK && !er->stopped)
            return rc;
    }
    return TRAWL_OK;
}

/* Whether the index holds any article record (none, or rebuild: a build from nothing). */
static int has_records(trawl_writer *w, int *out, struct trawl_error *err)
{
    struct api_records probe = {NULL, NULL, 0};
    int rc;

    if (w->has_records < 0) {
        if ((rc = each_record(w, &probe, err)) != TRAWL_OK)
            return rc;
        w->has_records = probe.stopped;
    }
    *out = w->has_records;
    return TRAWL_OK;
}

int trawl_writer_each_record(trawl_writer *w, trawl_record_fn fn, void *ctx,
                             struct trawl_error *err)
{
    struct api_records er = {fn, ctx, 0};
    struct trawl_error e;

    if (fn == NULL)
        return fail(err, TRAWL_EINPUT, "no record callback");
    if (each_record(w, &er, &e) != TRAWL_OK)
        return api_fail(err, &e);
    return api_ok(err);
}

int trawl_writer_source_get(trawl_writer *w, const char *path, struct trawl_source *out,
                            struct trawl_error *err)
{
    struct trawl_error e;
    int any;

    /* Records are read before the pipeline starts: after that, its writer threads alone
     * may use the databases (a Xapian database must not be shared between threads). */
    if (w->pl != NULL || w->build != NULL)
        return fail(err, TRAWL_EINPUT, "source records are read before trawl_writer_start");
    if (has_records(w, &any, &e) != TRAWL_OK)
        return api_fail(err, &e);
    /* A build from nothing keeps no old record: every file is read again. */
    if (!any || w->nopen == 0)
        return fail(err, TRAWL_ENOTFOUND, "no source record");
    if (index_source(w->open[0], path, out, &e) != TRAWL_OK)
        return api_fail(err, &e);
    return api_ok(err);
}

/* ---- Counting passages --------------------------------------------------------------------- */

int trawl_article_passages(const trawl_article *a, size_t min_words, size_t max_words,
                           size_t *n, struct trawl_error *err)
{
    struct passage_opts po;
    struct passage *ps = NULL;
    struct trawl_error e;
    int rc;

    *n = 0;
    passage_opts_init(&po);
    if (min_words)
        po.min_words = min_words;
    if (max_words)
        po.max_words = max_words;
    /* passage_split checks the limits, but says nothing of which of them is wrong. */
    if (po.max_words < po.min_words)
        return fail(err, TRAWL_EINPUT, "max_words is below min_words");
    rc = passage_split(a->a.body, a->a.body_len, &po, &ps, n, &e);
    free(ps);
    return rc == TRAWL_OK ? api_ok(err) : api_fail(err, &e);
}

/* ---- Starting ----------------------------------------------------------------------------- */

/* A build from nothing (a new index, or rebuild): parts written in parallel and merged (or
 * kept as the shards), while the old index stays searchable until the new one replaces it. */
static int start_fresh(trawl_writer *w, struct trawl_error *err)
{
    char lang[64];
    unsigned nparts;
    int keep_shards = w->sharded && !w->o.rebuild;
    int merge = !(w->o.shards || keep_shards);
    int rc;

    nparts = w->o.shards      ? w->o.shards
             : keep_shards    ? (unsigned)w->nshards
             : w->o.parts > 0 ? w->o.parts
                              : 1;
    snprintf(lang, sizeof lang, "%s",
             w->lang ? w->lang : w->nopen ? index_lang(w->open[0]) : "english");
    close_open(w);
    rc = index_build_start(w->path, nparts, lang, merge, &w->build, err);
    if (rc != TRAWL_OK)
        return rc;
    w->merge = merge;
    w->writers = calloc(nparts, sizeof *w->writers);
    if (w->writers == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (unsigned i = 0; i < nparts; i++)
        w->writers[i] = index_build_part(w->build, i);
    w->nwriters = nparts;
    return TRAWL_OK;
}

int trawl_writer_start(trawl_writer *w, struct trawl_error *err)
{
    struct pipeline_opts po;
    struct trawl_error e;
    int rc, any = 0;

    if (w->pl != NULL || w->build != NULL)
        return fail(err, TRAWL_EINPUT, "the writer is started already");
    memset(&po, 0, sizeof po);
    po.workers = w->o.jobs ? w->o.jobs : 1;
    po.batch_articles = w->o.batch ? w->o.batch : WRITER_BATCH;
    po.max_pending_bytes = WRITER_PENDING_BYTES;
    po.cancel = w->o.cancel;
    passage_opts_init(&po.passages);
    if (w->o.min_words)
        po.passages.min_words = w->o.min_words;
    if (w->o.max_words)
        po.passages.max_words = w->o.max_words;
    rc = has_records(w, &any, &e);
    if (rc == TRAWL_OK && !any) {
        rc = start_fresh(w, &e);
        /* Parts are scratch until merged: no batches, Xapian flushes as it sees fit. */
        po.batch_articles = 0;
        po.article_terms = !w->merge;
    } else if (rc == TRAWL_OK) {
        w->writers = w->open;
        w->nwriters = w->nopen;
        po.article_terms = w->sharded;
    }
    if (rc == TRAWL_OK) {
        po.lang = index_lang(w->writers[0]);
        rc = pipeline_start(w->writers, w->nwriters, &po, &w->pl, &e);
    }
    return rc == TRAWL_OK ? api_ok(err) : api_fail(err, &e);
}

/* ---- Queueing ----------------------------------------------------------------------------- */

static int not_started(struct trawl_error *err)
{
    return fail(err, TRAWL_EINPUT, "the writer is not started (trawl_writer_start)");
}

int trawl_writer_put(trawl_writer *w, trawl_article *a, const struct trawl_record *rec,
                     int is_new, struct trawl_error *err)
{
    struct trawl_error e;

    if (w->pl == NULL)
        return not_started(err);
    /* pipeline_put checks the cancel flag too (po.cancel), while it waits for room. */
    if (pipeline_put(w->pl, &a->a, rec, is_new, &e) != TRAWL_OK)
        return api_fail(err, &e);
    return api_ok(err);
}

int trawl_writer_remove(trawl_writer *w, const char *key, struct trawl_error *err)
{
    struct trawl_error e;

    if (w->pl == NULL)
        return not_started(err);
    if (pipeline_remove(w->pl, key, &e) != TRAWL_OK)
        return api_fail(err, &e);
    return api_ok(err);
}

int trawl_writer_set_record(trawl_writer *w, const char *id, const struct trawl_record *rec,
                            struct trawl_error *err)
{
    struct trawl_error e;

    if (w->pl == NULL)
        return not_started(err);
    if (pipeline_record(w->pl, id, rec, &e) != TRAWL_OK)
        return api_fail(err, &e);
    return api_ok(err);
}

int trawl_writer_set_source(trawl_writer *w, const char *path, const struct trawl_source *s,
                            struct trawl_error *err)
{
    struct pending_source *v = realloc(w->sources, (w->nsources + 1) * sizeof *v);

    if (v == NULL)
        return fail(err, TRAWL_ENOMEM, "out of memory");
    w->sources = v;
    if ((v[w->nsources].path = strdup(path)) == NULL)
        return fail(err, TRAWL_ENOMEM, "out of memory");
    v[w->nsources].s = *s;
    w->nsources++;
    return api_ok(err);
}

void trawl_writer_counts(trawl_writer *w, struct trawl_write_counts *c)
{
    *c = w->counts;
    if (w->pl != NULL)
        pipeline_counts(w->pl, c);
}

/* ---- Finishing ---------------------------------------------------------------------------- */

/* The JSON Lines source records, once their articles are committed (a run killed before this
 * re-reads those files next time, finding their articles unchanged). */
static int write_sources(trawl_writer *w, struct trawl_error *err)
{
    int rc = TRAWL_OK;

    for (size_t i = 0; i < w->nsources && rc == TRAWL_OK; i++)
        rc = index_set_source(w->writers[0], w->sources[i].path, &w->sources[i].s, err);
    if (rc == TRAWL_OK && w->nsources > 0)
        rc = index_commit(w->writers[0], err);
    return rc;
}

/* TRAWL_ECANCELLED once the caller's cancel flag is up. */
static int check_cancel(const trawl_writer *w, struct trawl_error *err)
{
    if (w->o.cancel != NULL && *w->o.cancel)
        return terr_set(err, TRAWL_ECANCELLED, "writing cancelled");
    return TRAWL_OK;
}

int trawl_writer_finish(trawl_writer *w, struct trawl_write_counts *c, struct trawl_error *err)
{
    struct trawl_error e;
    int rc;

    if (w->pl == NULL)
        return not_started(err);
    if (w->o.phase != NULL)
        w->o.phase(w->o.phase_ctx, TRAWL_PHASE_WRITING);
    rc = pipeline_finish(w->pl, &w->counts, &e);
    w->pl = NULL;
    /* Cancelled between the phases: the source records are not written (the next run reads
     * those files again and finds their articles unchanged), a fresh build not merged. */
    if (rc == TRAWL_OK)
        rc = check_cancel(w, &e);
    if (rc == TRAWL_OK)
        rc = write_sources(w, &e);
    if (w->build != NULL) {
        if (rc == TRAWL_OK)
            rc = check_cancel(w, &e);
        if (rc == TRAWL_OK && w->merge && w->o.phase != NULL)
            w->o.phase(w->o.phase_ctx, TRAWL_PHASE_MERGING);
        if (rc == TRAWL_OK)
            rc = index_build_finish(w->build, w->o.cancel, &e); /* frees the build either way */
        else
            index_build_abort(w->build);
        w->build = NULL;
    }
    /* The article impact file of what is now committed (index_impact.c): derived, so an
     * interrupted or failed write of it leaves the index whole, searched through Xapian. */
    if (rc == TRAWL_OK)
        rc = index_impacts_refresh(w->path, &e);
    if (c != NULL)
        trawl_writer_counts(w, c);
    return rc == TRAWL_OK ? api_ok(err) : api_fail(err, &e);
}

void trawl_writer_close(trawl_writer *w)
{
    if (w == NULL)
        return;
    pipeline_abort(w->pl);
    index_build_abort(w->build);
    if (w->writers != w->open)
        free(w->writers);
    close_open(w);
    free(w->open);
    layout_unlock(w->lockfd);
    for (size_t i = 0; i < w->nsources; i++)
        free(w->sources[i].path);
    free(w->sources);
    free(w->lang);
    free(w->path);
    free(w);
}

/* ---- Fatal ends ---------------------------------------------------------------------------- */

void trawl_on_fatal(void (*fn)(const char *msg))
{
    index_on_fatal(fn);
}

/* ---- Compaction --------------------------------------------------------------------------- */

int trawl_compact(const char *path, struct trawl_error *err)
{
    struct trawl_error e;
    int lockfd = -1;
    int rc = layout_lock(path, &lockfd, &e);

    if (rc == TRAWL_OK)
        rc = layout_clean(path, &e);
    if (rc == TRAWL_OK)
        rc = index_compact(path, &e);
    if (rc == TRAWL_OK)
        rc = index_impacts_refresh(path, &e);
    layout_unlock(lockfd);
    return rc == TRAWL_OK ? api_ok(err) : api_fail(err, &e);
}
