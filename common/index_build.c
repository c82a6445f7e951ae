/* index_build: fresh builds into scratch parts merged (or kept as shards) into a new generation,
 * the databases a writer opens, and compaction. The stub is written through layout only. */
#include "common/index_priv.h"

#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/layout.h"
#include "common/xdb.h"

/* ---- Fresh builds --------------------------------------------------------------------- */

struct index_build {
    char *path;
    char *tmp;              /* path/tmp-PID */
    struct index **parts;
    unsigned n;
    int merge;              /* merge the parts, or keep them as shards */
};

/* The scratch folder of the build started last and still running, for
 * on_fatal: read without a lock there, since the process ends right after. */
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static char *volatile live_tmp;

static void set_live(struct index_build *b, int on)
{
    pthread_mutex_lock(&live_mu);
    if (on)
        live_tmp = b->tmp;
    else if (live_tmp == b->tmp)
        live_tmp = NULL;
    pthread_mutex_unlock(&live_mu);
}

static void (*user_fatal)(const char *msg);

/* xdb's fatal hook: the scratch folder goes first, then the caller's function. */
static void on_fatal(const char *msg)
{
    char *tmp = live_tmp;

    if (tmp != NULL)
        layout_remove_tree(tmp, NULL);
    if (user_fatal != NULL)
        user_fatal(msg);
}

void index_on_fatal(void (*fn)(const char *msg))
{
    user_fatal = fn;
    xdb_on_fatal(on_fatal);
}

void index_build_abort(struct index_build *b)
{
    if (b == NULL)
        return;
    set_live(b, 0);
    for (unsigned i = 0; i < b->n; i++)
        index_close(b->parts[i]);
    if (b->tmp != NULL)
        layout_remove_tree(b->tmp, NULL);
    free(b->parts);
    free(b->tmp);
    free(b->path);
    free(b);
}

int index_build_start(const char *path, unsigned nparts, const char *lang, int merge,
                      struct index_build **out, struct trawl_error *err)
{
    struct index_build *b = calloc(1, sizeof *b);
    struct index_open_opts oo;
    int rc = TRAWL_OK;

    *out = NULL;
    if (b == NULL || (b->path = strdup(path)) == NULL ||
        (b->parts = calloc(nparts ? nparts : 1, sizeof *b->parts)) == NULL ||
        asprintf(&b->tmp, "%s/tmp-%ld", path, (long)getpid()) < 0) {
        if (b != NULL)
            b->tmp = NULL;
        index_build_abort(b);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    b->merge = merge;
    if (mkdir(b->tmp, 0777) != 0 && errno != EEXIST) {
        rc = terr_set(err, TRAWL_EIO, "cannot create '%s': %s", b->tmp, strerror(errno));
        index_build_abort(b);
        return rc;
    }
    memset(&oo, 0, sizeof oo);
    oo.mode = INDEX_REBUILD;
    oo.lang = lang;
    oo.plain = 1;
    oo.no_sync = 1; /* the parts are scratch: only the merged result is synced */
    for (unsigned i = 0; i < nparts && rc == TRAWL_OK; i++) {
        char *p = NULL;
        if (asprintf(&p, "%s/part-%u", b->tmp, i) < 0)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        else
            rc = index_open(p, &oo, &b->parts[i], err);
        free(p);
        if (rc == TRAWL_OK) {
            b->parts[i]->adf_defer = 1; /* written once, when the part is finished */
            b->n++;
        }
    }
    if (rc != TRAWL_OK) {
        index_build_abort(b);
        return rc;
    }
    set_live(b, 1);
    *out = b;
    return TRAWL_OK;
}

struct index *index_build_part(struct index_build *b, unsigned i)
{
    return i < b->n ? b->parts[i] : NULL;
}

/* Keeps the parts as the shards of generation g: synced, renamed into place, listed. */
static int finish_shards(struct index_build *b, unsigned g, struct trawl_error *err)
{
    char **lines = calloc(b->n, sizeof *lines);
    int rc = TRAWL_OK;

    if (lines == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (unsigned i = 0; i < b->n && rc == TRAWL_OK; i++) {
        char *dst = NULL, *name = layout_shard_name(g, i);
        if (name == NULL || (lines[i] = layout_shard_line(g, i)) == NULL ||
            asprintf(&dst, "%s/%s", b->path, name) < 0) {
            dst = NULL;
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        } else if ((rc = layout_sync_tree(b->parts[i]->dbpath, err)) == TRAWL_OK &&
                   rename(b->parts[i]->dbpath, dst) != 0) {
            rc = terr_set(err, TRAWL_EIO, "cannot move shard to '%s': %s", dst,
                          strerror(errno));
        }
        free(name);
        free(dst);
    }
    if (rc == TRAWL_OK)
        rc = layout_write_stub(b->path, lines, b->n, err);
    layout_free_lines(lines, b->n);
    return rc;
}

/* Sets the database at path's META_BATCH to 1. */
static int level_batch(const char *path, struct trawl_error *err)
{
    xdb *db;
    int rc = xdb_open(path, XDB_WRITE | XDB_NO_SYNC, &db, err);

    if (rc == TRAWL_OK)
        rc = xdb_meta_set(db, META_BATCH, "1", 1, err);
    if (rc == TRAWL_OK)
        rc = xdb_commit(db, err);
    xdb_close(db);
    return rc;
}

/* One call run beside the caller's own work: in a thread of its own when one starts, else
 * after that work and only if it succeeded. It fills its own error, copied over at the join. */
struct beside {
    int (*fn)(void *arg, struct trawl_error *err);
    void *arg;
    struct trawl_error err;
    int rc, started;
    pthread_t t;
};

static void *beside_run(void *p)
{
    struct beside *b = p;

    b->rc = b->fn(b->arg, &b->err);
    return NULL;
}

/* Starts b in a thread when may is true and a thread starts. */
static void beside_start(struct beside *b, int may)
{
    b->started = may && pthread_create(&b->t, NULL, beside_run, b) == 0;
}

/* Ends b after the caller's work, which returned rc: the first failure is the one returned,
 * the caller's, else b's. */
static int beside_join(struct beside *b, int rc, struct trawl_error *err)
{
    if (b->started)
        pthread_join(b->t, NULL);
    else if (rc == TRAWL_OK)
        beside_run(b);
    if (rc == TRAWL_OK && b->rc != TRAWL_OK) {
        *err = b->err;
        rc = b->rc;
    }
    return rc;
}

/* The article databases' compaction, for compact_pair's struct beside. */
struct compact_args {
    const char *const *srcs;
    size_t n;
    const char *dst;
};

static int compact_articles(void *arg, struct trawl_error *err)
{
    struct compact_args *a = arg;

    return xdb_compact(a->srcs, a->n, a->dst, NULL, err);
}

/* Compacts the passage databases at srcs into dst, and their article databases into dst's.
 * On failure the error is the passage compaction's, else the article one's, as when the two
 * ran in turn. */
static int compact_pair(const char *const *srcs, size_t n, const char *dst, struct trawl_error *err)
{
    char **asrcs = calloc(n ? n : 1, sizeof *asrcs), *adst = NULL;
    struct compact_args args;
    struct beside aj;
    int rc = TRAWL_OK;

    if (asrcs == NULL || asprintf(&adst, "%s/%s", dst, LAYOUT_ARTICLES) < 0) {
        adst = NULL;
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n && rc == TRAWL_OK; i++)
        if (asprintf(&asrcs[i], "%s/%s", srcs[i], LAYOUT_ARTICLES) < 0) {
            asrcs[i] = NULL;
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        }
    if (rc == TRAWL_OK) {
        args = (struct compact_args){(const char *const *)asrcs, n, adst};
        memset(&aj, 0, sizeof aj);
        aj.fn = compact_articles;
        aj.arg = &args;
        /* The two compactions share nothing (each has its own sources, Database and
         * Compactor), so they run at once: the articles' in a thread, the passages' (the
         * larger) here. The article database lives inside dst, so dst is made first, as
         * Xapian would make it (mode 0755); when that fails or dst was there already, or no
         * thread starts, they run in turn as before and Xapian says what is wrong. */
        beside_start(&aj, mkdir(dst, 0755) == 0);
        rc = beside_join(&aj, xdb_compact(srcs, n, dst, META_ARTDF, err), err);
    }
    /* Each source pair agreed on its batch, but the merged ones keep some source's value,
     * not necessarily the same source's: start both at one batch again. */
    if (rc == TRAWL_OK)
        rc = level_batch(dst, err);
    if (rc == TRAWL_OK)
        rc = level_batch(adst, err);
    if (asrcs != NULL)
        layout_free_lines(asrcs, n);
    free(adst);
    return rc;
}

/* TRAWL_ECANCELLED once the caller's flag is up (index_build_finish). */
static int check_cancel(volatile sig_atomic_t *cancel, struct trawl_error *err)
{
    if (cancel != NULL && *cancel)
        return terr_set(err, TRAWL_ECANCELLED, "writing cancelled");
    return TRAWL_OK;
}

int index_build_finish(struct index_build *b, volatile sig_atomic_t *cancel,
                       struct trawl_error *err)
{
    char **srcs = calloc(b->n ? b->n : 1, sizeof *srcs);
    unsigned g = layout_last_gen(b->path) + 1;
    char *name = layout_gen_name(g), *gen = NULL, *line = layout_gen_line(g);
    int rc = TRAWL_OK;

    if (srcs == NULL || name == NULL || line == NULL ||
        asprintf(&gen, "%s/%s", b->path, name) < 0) {
        gen = NULL;
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (unsigned i = 0; i < b->n && rc == TRAWL_OK; i++) {
        srcs[i] = b->parts[i]->dbpath;
        b->parts[i]->adf_defer = 0; /* this commit writes the part's article df */
        rc = index_commit(b->parts[i], err);
        if (rc == TRAWL_OK)
            rc = xdb_commit(b->parts[i]->adb, err);
        if (rc == TRAWL_OK)
            rc = xdb_commit(b->parts[i]->db, err);
    }
    for (unsigned i = 0; i < b->n && rc == TRAWL_OK; i++) {
        /* Closing releases each part's lock so the compactor can read it. */
        xdb_close(b->parts[i]->db);
        xdb_close(b->parts[i]->adb);
        b->parts[i]->db = b->parts[i]->adb = NULL;
    }
    /* Cancelled before the switch: the scratch goes (index_build_abort), the index stays. A
     * Xapian commit or compaction, once begun, runs to its end. */
    if (rc == TRAWL_OK)
        rc = check_cancel(cancel, err);
    if (rc == TRAWL_OK && !b->merge) {
        rc = finish_shards(b, g, err);
        if (rc == TRAWL_OK)
            rc = layout_clean(b->path, err);
        goto out;
    }
    /* Merge the parts into one compact database (Xapian's recommended bulk path), make it
     * durable, then switch the stub to it in one atomic rename. */
    if (rc == TRAWL_OK)
        rc = compact_pair((const char *const *)srcs, b->n, gen, err);
    if (rc == TRAWL_OK)
        rc = check_cancel(cancel, err);
    if (rc == TRAWL_OK)
        rc = layout_sync_tree(gen, err);
    if (rc == TRAWL_OK)
        rc = check_cancel(cancel, err);
    if (rc == TRAWL_OK)
        rc = layout_write_stub(b->path, &line, 1, err);
    if (rc == TRAWL_OK)
        rc = layout_clean(b->path, err); /* the old generation and the parts */
    else
        layout_remove_tree(gen, NULL);
out:
    free(srcs);
    free(name);
    free(gen);
    free(line);
    index_build_abort(b);
    return rc;
}

int index_writer_paths(const char *path, char ***paths, size_t *n, int *sharded,
                       struct trawl_error *err)
{
    struct layout_entry *ents = NULL;
    char **lines = NULL;
    size_t nl = 0;
    int rc;

    *paths = NULL;
    *n = 0;
    *sharded = 0;
    rc = layout_read_entries(path, &ents, &nl, err);
    if (rc == TRAWL_ENOTFOUND || (rc == TRAWL_OK && !layout_entries_sharded(ents, nl))) {
        layout_free_entries(ents, nl);
        if ((*paths = calloc(1, sizeof **paths)) == NULL || ((*paths)[0] = strdup(path)) == NULL) {
            free(*paths);
            *paths = NULL;
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        }
        *n = 1;
        return TRAWL_OK;
    }
    if (rc != TRAWL_OK)
        return rc;
    if ((lines = calloc(nl, sizeof *lines)) == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < nl && rc == TRAWL_OK; i++) {
        if (ents[i].kind != LAYOUT_LOCAL)
            rc = terr_set(err, TRAWL_EINPUT,
                          "index '%s' has remote shards ('%s'): update each shard on the "
                          "machine that holds it",
                          path, ents[i].line);
        else if ((lines[i] = layout_entry_path(path, &ents[i])) == NULL)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    layout_free_entries(ents, nl);
    if (rc != TRAWL_OK) {
        layout_free_lines(lines, lines ? nl : 0);
        return rc;
    }
    *paths = lines;
    *n = nl;
    *sharded = 1;
    return TRAWL_OK;
}

int index_compact(const char *path, struct trawl_error *err)
{
    struct layout_entry *ents = NULL;
    char **srcs = NULL;
    size_t n = 0;
    unsigned g = layout_last_gen(path) + 1;
    char *name = layout_gen_name(g), *gen = NULL, *line = layout_gen_line(g);
    int rc = layout_read_entries(path, &ents, &n, err);

    if (rc == TRAWL_ENOTFOUND)
        rc = terr_set(err, TRAWL_EINDEX, "no index at '%s'", path);
    if (rc != TRAWL_OK)
        goto out;
    if ((srcs = calloc(n ? n : 1, sizeof *srcs)) == NULL || name == NULL || line == NULL ||
        asprintf(&gen, "%s/%s", path, name) < 0) {
        gen = NULL;
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && rc == TRAWL_OK; i++) {
        if (ents[i].kind != LAYOUT_LOCAL)
            rc = terr_set(err, TRAWL_EINPUT, "cannot compact remote shard '%s'", ents[i].line);
        else if ((srcs[i] = layout_entry_path(path, &ents[i])) == NULL)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    if (rc == TRAWL_OK)
        rc = compact_pair((const char *const *)srcs, n, gen, err);
    if (rc == TRAWL_OK)
        rc = layout_sync_tree(gen, err);
    if (rc == TRAWL_OK)
        rc = layout_write_stub(path, &line, 1, err);
    if (rc == TRAWL_OK)
        rc = layout_clean(path, err);
    else
        layout_remove_tree(gen, NULL);
out:
    if (srcs != NULL)
        layout_free_lines(srcs, n);
    layout_free_entries(ents, n);
    free(name);
    free(gen);
    free(line);
    return rc;
}

/* The passage database's impact file, for index_impacts_refresh's struct beside. */
static int fresh_passages(void *arg, struct trawl_error *err)
{
    struct index *ix = arg;

    return index_impacts_fresh(ix->db, ix->pimp.folder, err);
}

int index_impacts_refresh(const char *path, struct trawl_error *err)
{
    struct index_open_opts o;
    struct index *ix = NULL;
    struct analyzer *an;
    struct beside pj;
    xdb *pdb = NULL;
    int rc;

    memset(&o, 0, sizeof o);
    o.mode = INDEX_READ;
    if ((rc = index_open(path, &o, &ix, err)) != TRAWL_OK)
        return rc;
    /* A sharded or remote index has no single local database: Xapian answers there. */
    if (ix->aimp.folder == NULL || ix->adb == NULL || ix->pimp.folder == NULL) {
        index_close(ix);
        return TRAWL_OK;
    }
    /* The two files at once, each from its own database handles (one thread per handle, as
     * Xapian allows): the passages' (the larger) in a thread of its own, the articles' derived
     * from the passages (their documents hold no ranking terms) through a second handle on
     * the passage database. The analyzer first: it reads the index's metadata. */
    if ((rc = index_analyzer(ix, &an, err)) != TRAWL_OK ||
        (rc = xdb_open(ix->pimp.folder, XDB_READ, &pdb, err)) != TRAWL_OK) {
        index_close(ix);
        return rc;
    }
    memset(&pj, 0, sizeof pj);
    pj.fn = fresh_passages;
    pj.arg = ix;
    beside_start(&pj, 1);
    rc = beside_join(&pj, index_impacts_derive_fresh(ix, pdb, an, err), err);
    xdb_close(pdb);
    index_close(ix);
    return rc;
}
