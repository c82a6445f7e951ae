/* index: the schema of schema.h, written and read through xdb. */
#include "common/index.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
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

/* Results fetched beyond each end of a page, to settle near-ties (settle_ties). */
#define PAGE_SLACK 4
/* Attempts at a read whose revision the indexer discards under it (index_retry). */
#define INDEX_READ_TRIES 8

/* Words for the spelling table are flushed to Xapian at each commit, or earlier when this
 * many distinct ones are pending, so that memory stays bounded whatever the batch size (a
 * build from nothing commits only at its end). Xapian keeps what it is given in memory until
 * its next commit, with every word's letter fragments. Measured at Reuters 10x (two writers):
 * 200,000 let the final commits lift peak RSS from about 110 to 245 MB; 50,000, to 180 MB
 * at the same CPU time; 20,000 gave 130 MB but 20% more CPU (each flush looks up every word
 * it passes in the table on disk). */
#define SPELL_PENDING_MAX 50000
/* Only words of these lengths are worth suggesting. */
#define SPELL_MIN_BYTES 3
#define SPELL_MAX_BYTES 32

struct index {
    xdb *db;
    char *path;
    char *dbpath;        /* what a writer opened: path itself or path/gen-N */
    char *stub;          /* a reader's view of the stub when it opened (NULL: none) */
    char *warning;       /* why results may be partial (shards down), or NULL */
    char lang[32];
    int writable;
    int in_tx;
    int remote;          /* the stub names remote shards: match deciders are refused there */
    struct analyzer *an; /* the search side's analyzer, made on first use */
    struct strmap spell; /* words waiting for the spelling table */
    struct strmap unspell; /* words of replaced or removed passages, to take off it */
};

static int ensure_analyzer(struct index *ix, struct terr *err);

typedef int (*index_read_fn)(struct index *ix, void *ctx, struct terr *err);
/* Runs fn; while it says TRAWL_ERETRY, reopens ix and runs it again, INDEX_READ_TRIES times in
 * all. Xapian keeps only the last two revisions for readers: an indexer committing small
 * batches quickly can discard the one being read more than once during a search. */
static int index_retry(struct index *ix, index_read_fn fn, void *ctx, struct terr *err)
{
    int rc = fn(ix, ctx, err);

    for (int tries = 1; rc == TRAWL_ERETRY && tries < INDEX_READ_TRIES; tries++)
        if ((rc = index_reopen(ix, err)) == TRAWL_OK)
            rc = fn(ix, ctx, err);
    return rc;
}

/* ---- Opening -------------------------------------------------------------------------- */

static int meta_int(xdb *db, const char *key, long *out, struct sbuf *tmp, struct terr *err)
{
    int rc = xdb_meta_get(db, key, tmp, err);
    char *end;

    if (rc != TRAWL_OK)
        return rc;
    if (tmp->len == 0) {
        *out = -1;
        return TRAWL_OK;
    }
    *out = strtol(tmp->buf, &end, 10);
    if (*end != '\0')
        *out = -2;
    return TRAWL_OK;
}

/* Checks (reader or writer) that db is a trawl index this build can read. A brand-new empty
 * database (no metadata, no documents) is reported through *fresh. */
static int index_check(struct index *ix, int *fresh, struct terr *err)
{
    struct sbuf tmp;
    struct xdb_stats st;
    long schema, analyzer;
    int rc;

    sbuf_init(&tmp);
    *fresh = 0;
    rc = meta_int(ix->db, META_SCHEMA, &schema, &tmp, err);
    if (rc == TRAWL_OK)
        rc = meta_int(ix->db, META_ANALYZER, &analyzer, &tmp, err);
    if (rc == TRAWL_OK)
        rc = xdb_meta_get(ix->db, META_LANG, &tmp, err);
    if (rc == TRAWL_OK)
        rc = xdb_stats(ix->db, &st, err);
    if (rc != TRAWL_OK)
        goto out;
    snprintf(ix->lang, sizeof ix->lang, "%s", tmp.buf);
    if (schema == -1 && st.doccount == 0) {
        *fresh = 1;
    } else if (schema == -1 || schema == -2) {
        rc = terr_set(err, TRAWL_EINDEX, "'%s' is not a trawl index", ix->path);
    } else if (schema != SCHEMA_VERSION) {
        rc = terr_set(err, TRAWL_EINDEX,
                      "index '%s' has schema version %ld but this trawl reads version %d: "
                      "rebuild it with 'trawl-index --rebuild'",
                      ix->path, schema, SCHEMA_VERSION);
    } else if (analyzer != ANALYZER_VERSION) {
        rc = terr_set(err, TRAWL_EINDEX,
                      "index '%s' was built by analyzer version %ld but this trawl uses version "
                      "%d: rebuild it with 'trawl-index --rebuild'",
                      ix->path, analyzer, ANALYZER_VERSION);
    }
out:
    sbuf_release(&tmp);
    return rc;
}

static int check_once(struct index *ix, void *fresh, struct terr *err)
{
    return index_check(ix, fresh, err);
}

static int index_set_header(struct index *ix, const char *lang, struct terr *err)
{
    char num[32];
    int rc;

    snprintf(num, sizeof num, "%d", SCHEMA_VERSION);
    rc = xdb_meta_set(ix->db, META_SCHEMA, num, strlen(num), err);
    snprintf(num, sizeof num, "%d", ANALYZER_VERSION);
    if (rc == TRAWL_OK)
        rc = xdb_meta_set(ix->db, META_ANALYZER, num, strlen(num), err);
    if (rc == TRAWL_OK)
        rc = xdb_meta_set(ix->db, META_LANG, lang, strlen(lang), err);
    if (rc == TRAWL_OK)
        snprintf(ix->lang, sizeof ix->lang, "%s", lang);
    return rc;
}

/* The stub's lines joined, to notice a switch; NULL when there is none (or on OOM). */
static char *stub_text(const char *path)
{
    char **lines;
    size_t n;
    struct sbuf t;

    if (layout_read_stub(path, &lines, &n, NULL) != TRAWL_OK)
        return NULL;
    sbuf_init(&t);
    for (size_t i = 0; i < n; i++)
        if (sbuf_printf(&t, "%s\n", lines[i]) != TRAWL_OK)
            break;
    layout_free_lines(lines, n);
    return sbuf_detach(&t, NULL);
}

/* 1 if the stub at path names a database that is not local. */
static int stub_remote(const char *path)
{
    struct layout_entry *ents;
    size_t n;
    int remote;

    if (layout_read_entries(path, &ents, &n, NULL) != TRAWL_OK)
        return 0;
    remote = layout_entries_remote(ents, n);
    layout_free_entries(ents, n);
    return remote;
}

/* Opens a temporary stub holding the entries (local ones made absolute). */
static int open_entries(const char *dir, const struct layout_entry *const *v, size_t n, xdb **db,
                        struct terr *err)
{
    char tmpl[] = "/tmp/trawl-stub-XXXXXX";
    int fd = mkstemp(tmpl), rc;
    FILE *f;

    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
        if (fd >= 0)
            close(fd);
        return terr_set(err, TRAWL_EIO, "cannot write a temporary stub: %s", strerror(errno));
    }
    rc = TRAWL_OK;
    for (size_t i = 0; i < n && rc == TRAWL_OK; i++) {
        char *line = layout_entry_line(dir, v[i]);
        if (line == NULL)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        else
            fprintf(f, "%s\n", line);
        free(line);
    }
    fclose(f);
    if (rc == TRAWL_OK)
        rc = xdb_open(tmpl, XDB_READ, db, err);
    unlink(tmpl);
    return rc;
}

/* The stub would not open: find which shards are down. With allow_partial, open the others
 * (ix->warning says which are missing); without, name the first that is down. */
static int open_shards_one_by_one(struct index *ix, int allow_partial, struct terr *err)
{
    struct layout_entry *ents = NULL;
    const struct layout_entry **up = NULL;
    size_t n = 0, nup = 0;
    struct sbuf missing;
    int rc = layout_read_entries(ix->path, &ents, &n, err);

    if (rc != TRAWL_OK)
        return rc;
    sbuf_init(&missing);
    if ((up = calloc(n ? n : 1, sizeof *up)) == NULL) {
        layout_free_entries(ents, n);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const struct layout_entry *one = &ents[i];
        struct terr e;
        xdb *db;
        if (open_entries(ix->path, &one, 1, &db, &e) == TRAWL_OK) {
            xdb_close(db);
            up[nup++] = one;
            continue;
        }
        if (!allow_partial) {
            rc = terr_set(err, TRAWL_EINDEX,
                          "shard '%s' of index '%s' is unavailable: %s (--allow-partial "
                          "searches the others)",
                          ents[i].line, ix->path, e.msg);
            goto out;
        }
        if (sbuf_printf(&missing, "%s'%s'", missing.len ? ", " : "", ents[i].line) != TRAWL_OK) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            goto out;
        }
    }
    if (nup == 0) {
        rc = terr_set(err, TRAWL_EINDEX, "no shard of index '%s' is available", ix->path);
        goto out;
    }
    rc = open_entries(ix->path, up, nup, &ix->db, err);
    if (rc == TRAWL_OK && missing.len > 0) {
        ix->warning = NULL;
        if (asprintf(&ix->warning, "shards unavailable, results are partial: %s", missing.buf) <
            0)
            ix->warning = NULL;
    }
out:
    free(up);
    layout_free_entries(ents, n);
    sbuf_release(&missing);
    return rc;
}

/* Where a writer of the index at path writes: the database the stub names, path itself for a
 * plain database, or a new path/gen-N (created empty, with its stub) for a new index. */
static int writer_path(const char *path, int plain, char **out, int *created, struct terr *err)
{
    struct layout_entry *ents = NULL;
    size_t n = 0;
    int rc;
    DIR *d;
    struct dirent *de;
    char *gen;

    *out = NULL;
    *created = 0;
    if (plain || layout_is_database(path)) {
        *out = strdup(path);
        return *out ? TRAWL_OK : terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    rc = layout_read_entries(path, &ents, &n, err);
    if (rc == TRAWL_OK) {
        if (n != 1 || ents[0].kind != LAYOUT_LOCAL || strchr(ents[0].where, '/') != NULL)
            rc = terr_set(err, TRAWL_EINPUT,
                          "index '%s' is sharded or remote: update its shards one by one", path);
        else if ((*out = layout_entry_path(path, &ents[0])) == NULL)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        layout_free_entries(ents, n);
        return rc;
    }
    if (rc != TRAWL_ENOTFOUND)
        return rc;
    /* No stub: a new index. Refuse to take over a folder that holds something else. */
    if ((d = opendir(path)) != NULL) {
        while ((de = readdir(d)) != NULL)
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
                strcmp(de->d_name, ".lock") && strncmp(de->d_name, "tmp-", 4) &&
                strncmp(de->d_name, "gen-", 4))
                break;
        if (de != NULL) {
            closedir(d);
            return terr_set(err, TRAWL_EINDEX, "'%s' exists but is not a trawl index", path);
        }
        closedir(d);
    } else if (errno != ENOENT) {
        return terr_set(err, TRAWL_EINDEX, "'%s' is not a folder: %s", path, strerror(errno));
    } else if (mkdir(path, 0777) != 0) {
        return terr_set(err, TRAWL_EIO, "cannot create index folder '%s': %s", path,
                        strerror(errno));
    }
    gen = layout_gen_name(layout_last_gen(path) + 1);
    if (gen == NULL || asprintf(out, "%s/%s", path, gen) < 0) {
        free(gen);
        *out = NULL;
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    free(gen);
    *created = 1;
    return TRAWL_OK;
}

int index_open(const char *path, const struct index_open_opts *o, struct index **out,
               struct terr *err)
{
    struct index *ix;
    struct stat sb;
    const char *lang = o->lang ? o->lang : "english";
    int rc, fresh, mode, created = 0;

    *out = NULL;
    if (o->lang != NULL && !stem_known(o->lang))
        return terr_set(err, TRAWL_EINPUT, "unknown stemmer language '%s'", o->lang);
    if (o->mode == INDEX_READ && stat(path, &sb) != 0)
        return terr_set(err, TRAWL_EINDEX, "no index at '%s': build one with trawl-index",
                        path);
    ix = calloc(1, sizeof *ix);
    if (ix == NULL || (ix->path = strdup(path)) == NULL) {
        free(ix);
        return terr_set(err, TRAWL_ENOMEM, "cannot open index: out of memory");
    }
    strmap_init(&ix->spell);
    strmap_init(&ix->unspell);
    ix->writable = o->mode != INDEX_READ;
    mode = o->mode == INDEX_READ ? XDB_READ : o->mode == INDEX_WRITE ? XDB_WRITE : XDB_OVERWRITE;
    if (o->no_sync)
        mode |= XDB_NO_SYNC;
    if (ix->writable) {
        rc = writer_path(path, o->plain || o->mode == INDEX_REBUILD, &ix->dbpath, &created,
                         err);
        if (rc == TRAWL_OK)
            rc = xdb_open(ix->dbpath, created ? (mode & XDB_NO_SYNC) | XDB_OVERWRITE : mode,
                          &ix->db, err);
    } else {
        ix->stub = stub_text(path);
        ix->remote = stub_remote(path);
        rc = xdb_open(path, mode, &ix->db, err);
        if (rc != TRAWL_OK && ix->stub != NULL)
            rc = open_shards_one_by_one(ix, o->allow_partial, err);
    }
    /* An indexer committing quickly can discard the revision just opened: look again. */
    if (rc == TRAWL_OK)
        rc = index_retry(ix, check_once, &fresh, err);
    if (rc == TRAWL_OK && fresh) {
        if (!ix->writable)
            rc = terr_set(err, TRAWL_EINDEX, "index '%s' is empty: build it with trawl-index",
                          path);
        else
            rc = index_set_header(ix, lang, err);
    } else if (rc == TRAWL_OK && o->lang != NULL && strcmp(o->lang, ix->lang) != 0) {
        rc = terr_set(err, TRAWL_EINPUT,
                      "index '%s' was built for language '%s', not '%s': use "
                      "'trawl-index --rebuild --lang %s' to change it",
                      path, ix->lang, o->lang, o->lang);
    }
    if (rc == TRAWL_OK && created) {
        /* A new index exists (empty, committed) before its stub names it. */
        char *line = NULL;
        rc = xdb_commit(ix->db, err);
        if (rc == TRAWL_OK && (line = layout_gen_line(layout_last_gen(path))) == NULL)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        if (rc == TRAWL_OK)
            rc = layout_write_stub(path, &line, 1, err);
        free(line);
    }
    if (rc != TRAWL_OK) {
        index_close(ix);
        return rc;
    }
    *out = ix;
    return TRAWL_OK;
}

void index_close(struct index *ix)
{
    if (ix == NULL)
        return;
    if (ix->in_tx)
        xdb_cancel_tx(ix->db, NULL);
    xdb_close(ix->db);
    analyzer_free(ix->an);
    strmap_release(&ix->spell);
    strmap_release(&ix->unspell);
    free(ix->path);
    free(ix->dbpath);
    free(ix->stub);
    free(ix->warning);
    free(ix);
}

int index_reopen(struct index *ix, struct terr *err)
{
    char *now;
    xdb *db;
    int rc;

    if (ix->writable)
        return xdb_reopen(ix->db, err);
    /* A rebuild switches the stub to a new database: follow it. */
    now = stub_text(ix->path);
    if ((now == NULL) != (ix->stub == NULL) || (now != NULL && strcmp(now, ix->stub) != 0)) {
        rc = xdb_open(ix->path, XDB_READ, &db, err);
        if (rc != TRAWL_OK) {
            free(now);
            return rc;
        }
        xdb_close(ix->db);
        ix->db = db;
        free(ix->stub);
        ix->stub = now;
        ix->remote = stub_remote(ix->path);
        return TRAWL_OK;
    }
    free(now);
    rc = xdb_reopen(ix->db, err);
    if (rc != TRAWL_OK && xdb_open(ix->path, XDB_READ, &db, NULL) == TRAWL_OK) {
        xdb_close(ix->db);
        ix->db = db;
        rc = TRAWL_OK;
    }
    return rc;
}

/* ---- Fresh builds --------------------------------------------------------------------- */

struct index_build {
    char *path;
    char *tmp;              /* path/tmp-PID */
    struct index **parts;
    unsigned n;
    int merge;              /* merge the parts, or keep them as shards */
};

void index_build_abort(struct index_build *b)
{
    if (b == NULL)
        return;
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
                      struct index_build **out, struct terr *err)
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
        if (rc == TRAWL_OK)
            b->n++;
    }
    if (rc != TRAWL_OK) {
        index_build_abort(b);
        return rc;
    }
    *out = b;
    return TRAWL_OK;
}

struct index *index_build_part(struct index_build *b, unsigned i)
{
    return i < b->n ? b->parts[i] : NULL;
}

/* Keeps the parts as the shards of generation g: synced, renamed into place, listed. */
static int finish_shards(struct index_build *b, unsigned g, struct terr *err)
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

int index_build_finish(struct index_build *b, struct terr *err)
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
        rc = index_commit(b->parts[i], err);
        if (rc == TRAWL_OK)
            rc = xdb_commit(b->parts[i]->db, err);
    }
    for (unsigned i = 0; i < b->n && rc == TRAWL_OK; i++) {
        /* Closing releases each part's lock so the compactor can read it. */
        xdb_close(b->parts[i]->db);
        b->parts[i]->db = NULL;
    }
    if (rc == TRAWL_OK && !b->merge) {
        rc = finish_shards(b, g, err);
        if (rc == TRAWL_OK)
            rc = layout_clean(b->path, err);
        goto out;
    }
    /* Merge the parts into one compact database (Xapian's recommended bulk path), make it
     * durable, then switch the stub to it in one atomic rename. */
    if (rc == TRAWL_OK)
        rc = xdb_compact((const char *const *)srcs, b->n, gen, err);
    if (rc == TRAWL_OK)
        rc = layout_sync_tree(gen, err);
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
                       struct terr *err)
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

int index_compact(const char *path, struct terr *err)
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
        rc = xdb_compact((const char *const *)srcs, n, gen, err);
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

const char *index_lang(const struct index *ix)
{
    return ix->lang;
}

const char *index_warning(const struct index *ix)
{
    return ix->warning;
}

const char *index_path(const struct index *ix)
{
    return ix->path;
}

/* ---- Preparing articles ---------------------------------------------------------------- */

struct index_prep {
    char *id;
    struct sbuf key;          /* schema_article_key(id) */
    xdb_doc **docs;
    size_t ndocs;
    struct sbuf record;       /* schema_article_encode() */
    struct strmap words;      /* folded words for the spelling table, with counts */
};

void index_prep_free(struct index_prep *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->ndocs; i++)
        xdb_doc_free(p->docs[i]);
    free(p->docs);
    free(p->id);
    sbuf_release(&p->key);
    sbuf_release(&p->record);
    strmap_release(&p->words);
    free(p);
}

size_t index_prep_passages(const struct index_prep *p)
{
    return p->ndocs;
}

const char *index_prep_id(const struct index_prep *p)
{
    return p->id;
}

struct prep_ctx {
    struct strmap *terms;
    struct strmap *words;
};

/* Whether a token is a word worth suggesting: the spelling table holds only these. */
static int spelling_word(const struct tok_token *tk)
{
    return !(tk->flags & (TOK_NUMERIC | TOK_LONG | TOK_CJK)) && tk->len >= SPELL_MIN_BYTES &&
           tk->len <= SPELL_MAX_BYTES;
}

static int prep_token(void *ctx, const struct tok_token *tk, const char *term, size_t len)
{
    struct prep_ctx *pc = ctx;

    if (strmap_add(pc->terms, term, len, 1) != TRAWL_OK)
        return -TRAWL_ENOMEM;
    if (spelling_word(tk) && strmap_add(pc->words, tk->text, tk->len, 1) != TRAWL_OK)
        return -TRAWL_ENOMEM;
    return 0;
}

static int prep_title_token(void *ctx, const struct tok_token *tk, const char *term, size_t len)
{
    struct prep_ctx *pc = ctx;

    (void)tk;
    return strmap_add(pc->terms, term, len, RANK_TITLE_WDF) != TRAWL_OK ? -TRAWL_ENOMEM : 0;
}

/* Builds the document of passage ps of article a. terms is scratch space. */
static int prep_passage(struct index_prep *p, struct analyzer *an, const struct article *a,
                        const struct passage *ps, struct strmap *terms, struct sbuf *tmp,
                        struct terr *err)
{
    struct prep_ctx pc = {terms, &p->words};
    struct schema_passage sp;
    xdb_doc *doc = xdb_doc_new();
    int rc;

    if (doc == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    p->docs[p->ndocs++] = doc;
    strmap_clear(terms);
    rc = analyze_each(an, a->body + ps->start, ps->end - ps->start, prep_token, &pc);
    if (rc != 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    /* A given title in every passage, RANK_TITLE_WDF times (as Anserini's MaxP segments carry
     * the title): a passage is read as part of its article. Measured on Cranfield in the
     * README's Relevance section. Not a derived title: the first sentence is a lede, as long as
     * a passage, and would give every passage the words of the first. Not in the spelling
     * table: the body has the title's words. */
    if (RANK_TITLE_WDF > 0 && !a->title_derived && a->title[0] != '\0') {
        struct prep_ctx tc = {terms, NULL};
        if (analyze_each(an, a->title, strlen(a->title), prep_title_token, &tc) != 0)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    /* One add per distinct term, with its count: far fewer calls into Xapian's map. */
    for (size_t i = 0; i < terms->cap; i++) {
        const struct strmap_entry *e = &terms->slots[i];
        if (e->key != NULL &&
            (rc = xdb_doc_add_term(doc, e->key, e->len, (unsigned)e->val, err)) != TRAWL_OK)
            return rc;
    }

    if (schema_article_term(p->key.buf, p->key.len, tmp) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if ((rc = xdb_doc_add_boolean(doc, tmp->buf, tmp->len, err)) != TRAWL_OK)
        return rc;

    if ((rc = xdb_doc_set_value(doc, SLOT_ARTICLE, p->key.buf, p->key.len, err)) != TRAWL_OK)
        return rc;
    if (a->date[0]) {
        char ymd[8] = {a->date[0], a->date[1], a->date[2], a->date[3],
                       a->date[5], a->date[6], a->date[8], a->date[9]};
        if ((rc = xdb_doc_set_value(doc, SLOT_DATE, ymd, 8, err)) != TRAWL_OK)
            return rc;
    }
    memset(&sp, 0, sizeof sp);
    sp.id = a->id;
    sp.id_len = strlen(a->id);
    sp.title = a->title;
    sp.title_len = strlen(a->title);
    sp.date = a->date;
    sp.date_len = strlen(a->date);
    sp.ordinal = ps->ordinal;
    sp.start = ps->start;
    sp.end = ps->end;
    sp.text = a->body + ps->start;
    sp.text_len = ps->end - ps->start;
    sbuf_reset(tmp);
    if ((rc = schema_passage_encode(&sp, tmp)) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return xdb_doc_set_data(doc, tmp->buf, tmp->len, err);
}

int index_prepare(struct analyzer *an, const struct article *a, const struct passage_opts *po,
                  const struct schema_article *rec, struct index_prep **out, struct terr *err)
{
    struct index_prep *p = calloc(1, sizeof *p);
    struct passage *ps = NULL;
    struct schema_article r = *rec;
    struct strmap terms;
    struct sbuf tmp;
    size_t n = 0;
    int rc;

    *out = NULL;
    if (p == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    sbuf_init(&p->key);
    sbuf_init(&p->record);
    strmap_init(&p->words);
    strmap_init(&terms);
    sbuf_init(&tmp);
    if ((p->id = strdup(a->id)) == NULL ||
        schema_article_key(a->id, strlen(a->id), &p->key) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    rc = passage_split(a->body, a->body_len, po, &ps, &n, err);
    if (rc != TRAWL_OK)
        goto out;
    if (n > 0 && (p->docs = calloc(n, sizeof *p->docs)) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && rc == TRAWL_OK; i++)
        rc = prep_passage(p, an, a, &ps[i], &terms, &tmp, err);
    if (rc != TRAWL_OK)
        goto out;
    r.passages = (uint32_t)n;
    if (schema_article_encode(&r, &p->record) != TRAWL_OK)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
out:
    free(ps);
    strmap_release(&terms);
    sbuf_release(&tmp);
    if (rc != TRAWL_OK) {
        index_prep_free(p);
        return rc;
    }
    *out = p;
    return TRAWL_OK;
}

/* ---- Writing ---------------------------------------------------------------------------- */

static int need_writer(struct index *ix, struct terr *err)
{
    if (!ix->writable)
        return terr_set(err, TRAWL_EINTERNAL, "index '%s' is open read-only", ix->path);
    return TRAWL_OK;
}

/* Additions first, then removals: a word an update both drops and keeps nets out right. */
static int flush_spelling(struct index *ix, struct terr *err)
{
    int rc = TRAWL_OK;

    for (size_t i = 0; i < ix->spell.cap && rc == TRAWL_OK; i++) {
        const struct strmap_entry *e = &ix->spell.slots[i];
        if (e->key != NULL)
            rc = xdb_add_spelling(ix->db, e->key, e->len, (unsigned)e->val, err);
    }
    for (size_t i = 0; i < ix->unspell.cap && rc == TRAWL_OK; i++) {
        const struct strmap_entry *e = &ix->unspell.slots[i];
        if (e->key != NULL)
            rc = xdb_remove_spelling(ix->db, e->key, e->len, (unsigned)e->val, err);
    }
    strmap_clear(&ix->spell);
    strmap_clear(&ix->unspell);
    return rc;
}

static int unspell_token(void *ctx, const struct tok_token *tk, const char *term, size_t len)
{
    struct strmap *words = ctx;

    (void)term;
    (void)len;
    if (spelling_word(tk) && strmap_add(words, tk->text, tk->len, 1) != TRAWL_OK)
        return -TRAWL_ENOMEM;
    return 0;
}

struct docids {
    xdb_docid *v;
    size_t n, cap;
    int nomem;
};

static enum xdb_next collect_docid(void *ctx, xdb_docid id);

/* Before an article's passages go (replaced or removed): their words leave the spelling
 * table, so suggestions match a clean build of what is left. */
static int forget_words(struct index *ix, const char *aterm, size_t alen, struct terr *err)
{
    struct docids ids = {NULL, 0, 0, 0};
    struct sbuf data;
    int rc = ensure_analyzer(ix, err);

    if (rc != TRAWL_OK)
        return rc;
    rc = xdb_postings(ix->db, aterm, alen, collect_docid, &ids, err);
    if (rc == TRAWL_OK && ids.nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    sbuf_init(&data);
    for (size_t i = 0; i < ids.n && rc == TRAWL_OK; i++) {
        struct schema_passage p;
        rc = xdb_doc_data(ix->db, ids.v[i], &data, err);
        if (rc == TRAWL_OK)
            rc = schema_passage_decode(data.buf, data.len, &p, err);
        if (rc == TRAWL_OK &&
            analyze_each(ix->an, p.text, p.text_len, unspell_token, &ix->unspell) != 0)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    sbuf_release(&data);
    free(ids.v);
    return rc;
}

static enum xdb_next collect_docid(void *ctx, xdb_docid id)
{
    struct docids *ids = ctx;

    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? ids->cap * 2 : 16;
        xdb_docid *v = realloc(ids->v, cap * sizeof *v);
        if (v == NULL) {
            ids->nomem = 1;
            return XDB_STOP;
        }
        ids->v = v;
        ids->cap = cap;
    }
    ids->v[ids->n++] = id;
    return XDB_NEXT;
}

int index_put(struct index *ix, const struct index_prep *p, int is_new, struct terr *err)
{
    struct sbuf term;
    int rc = need_writer(ix, err);

    if (rc != TRAWL_OK)
        return rc;
    sbuf_init(&term);
    if (schema_article_term(p->key.buf, p->key.len, &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if (!is_new && ((rc = forget_words(ix, term.buf, term.len, err)) != TRAWL_OK ||
                    (rc = xdb_delete_term(ix->db, term.buf, term.len, err)) != TRAWL_OK))
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
    if (rc == TRAWL_OK && ix->spell.n + ix->unspell.n > SPELL_PENDING_MAX)
        rc = flush_spelling(ix, err);
out:
    sbuf_release(&term);
    return rc;
}

int index_set_record(struct index *ix, const char *id, const struct schema_article *rec,
                     struct terr *err)
{
    struct sbuf key, val;
    int rc = need_writer(ix, err);

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

const char *index_xapian_version(void)
{
    return xdb_xapian_version();
}

int index_remove(struct index *ix, const char *id, struct terr *err)
{
    struct sbuf term;
    int rc = need_writer(ix, err);

    if (rc != TRAWL_OK)
        return rc;
    sbuf_init(&term);
    if (schema_article_term(id, strlen(id), &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    rc = forget_words(ix, term.buf, term.len, err);
    if (rc == TRAWL_OK)
        rc = xdb_delete_term(ix->db, term.buf, term.len, err);
    if (rc == TRAWL_OK && schema_article_record_key(id, strlen(id), &term) != TRAWL_OK)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc == TRAWL_OK)
        rc = xdb_meta_set(ix->db, term.buf, "", 0, err); /* empty value deletes the key */
out:
    sbuf_release(&term);
    return rc;
}

int index_begin(struct index *ix, struct terr *err)
{
    int rc = need_writer(ix, err);

    if (rc == TRAWL_OK && ix->in_tx)
        TRAWL_BUG("index_begin inside a batch");
    if (rc == TRAWL_OK)
        rc = xdb_begin(ix->db, 1, err);
    if (rc == TRAWL_OK)
        ix->in_tx = 1;
    return rc;
}

int index_commit(struct index *ix, struct terr *err)
{
    char num[32];
    int rc = need_writer(ix, err);

    if (rc == TRAWL_OK)
        rc = flush_spelling(ix, err);
    snprintf(num, sizeof num, "%lld", (long long)time(NULL));
    if (rc == TRAWL_OK)
        rc = xdb_meta_set(ix->db, META_UPDATED, num, strlen(num), err);
    if (rc == TRAWL_OK)
        rc = ix->in_tx ? xdb_commit_tx(ix->db, err) : xdb_commit(ix->db, err);
    if (ix->in_tx && rc != TRAWL_OK)
        xdb_cancel_tx(ix->db, NULL);
    ix->in_tx = 0;
    return rc;
}

int index_cancel(struct index *ix, struct terr *err)
{
    int rc = TRAWL_OK;

    strmap_clear(&ix->spell);
    strmap_clear(&ix->unspell);
    if (ix->in_tx)
        rc = xdb_cancel_tx(ix->db, err);
    ix->in_tx = 0;
    return rc;
}

/* ---- Records ---------------------------------------------------------------------------- */

int index_article(struct index *ix, const char *id, struct schema_article *rec,
                  struct sbuf *store, struct terr *err)
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
    return schema_article_decode(store->buf, store->len, rec, err);
}

struct each_article {
    index_article_fn fn;
    void *ctx;
    struct terr *err;
    int rc;       /* a record that would not decode, or what fn returned to stop */
};

static enum xdb_next each_article_meta(void *ctx, const char *key, size_t klen,
                                       const char *val, size_t vlen)
{
    struct each_article *ea = ctx;
    struct schema_article rec;
    size_t plen = strlen(META_ARTICLE);

    ea->rc = schema_article_decode(val, vlen, &rec, ea->err);
    if (ea->rc == TRAWL_OK)
        ea->rc = ea->fn(ea->ctx, key + plen, klen - plen, &rec);
    return ea->rc == TRAWL_OK ? XDB_NEXT : XDB_STOP;
}

int index_each_article(struct index *ix, index_article_fn fn, void *ctx, struct terr *err)
{
    struct each_article ea = {fn, ctx, err, TRAWL_OK};
    int rc = xdb_meta_each(ix->db, META_ARTICLE, each_article_meta, &ea, err);

    return rc != TRAWL_OK ? rc : ea.rc;
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

int index_source(struct index *ix, const char *path, struct schema_source *s, struct terr *err)
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
        rc = schema_source_decode(val.buf, val.len, s, err);
out:
    sbuf_release(&key);
    sbuf_release(&val);
    return rc;
}

int index_set_source(struct index *ix, const char *path, const struct schema_source *s,
                     struct terr *err)
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

int index_forget_source(struct index *ix, const char *path, struct terr *err)
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

/* ---- Statistics ------------------------------------------------------------------------ */

static uint64_t dir_bytes(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *de;
    uint64_t total = 0;
    struct sbuf p;

    if (d == NULL)
        return 0;
    sbuf_init(&p);
    while ((de = readdir(d)) != NULL) {
        struct stat sb;
        if (de->d_name[0] == '.')
            continue;
        sbuf_reset(&p);
        if (sbuf_printf(&p, "%s/%s", path, de->d_name) != TRAWL_OK)
            break;
        if (lstat(p.buf, &sb) == 0)
            total += S_ISDIR(sb.st_mode) ? dir_bytes(p.buf) : (uint64_t)sb.st_size;
    }
    sbuf_release(&p);
    closedir(d);
    return total;
}

struct count_ctx {
    uint64_t n;
};

static enum xdb_next count_term(void *ctx, const char *term, size_t len, uint64_t docs)
{
    struct count_ctx *c = ctx;

    (void)docs;
    /* Ranking terms start with a lower-case letter, a digit or a non-ASCII byte; boolean
     * terms with an upper-case prefix. */
    if (len > 0 && !(term[0] >= 'A' && term[0] <= 'Z'))
        c->n++;
    return XDB_NEXT;
}

static int count_article(void *ctx, const char *key, size_t klen,
                         const struct schema_article *rec)
{
    struct count_ctx *c = ctx;

    (void)key;
    (void)klen;
    (void)rec;
    c->n++;
    return 0;
}

static enum xdb_next count_meta(void *ctx, const char *key, size_t klen, const char *val,
                                size_t vlen)
{
    struct count_ctx *c = ctx;

    (void)key;
    (void)klen;
    (void)val;
    (void)vlen;
    c->n++;
    return XDB_NEXT;
}

/* Articles: their records, in every shard (metadata of a stub reads the first one only). */
static int count_articles(struct index *ix, struct count_ctx *arts, struct terr *err)
{
    char **paths = NULL;
    size_t n = 0;
    int sharded = 0, rc = TRAWL_OK;

    if (ix->writable || index_writer_paths(ix->path, &paths, &n, &sharded, NULL) != TRAWL_OK ||
        !sharded) {
        layout_free_lines(paths, n);
        return index_each_article(ix, count_article, arts, err);
    }
    for (size_t i = 0; i < n && rc == TRAWL_OK; i++) {
        xdb *db;
        rc = xdb_open(paths[i], XDB_READ, &db, err);
        if (rc == TRAWL_OK) {
            rc = xdb_meta_each(db, META_ARTICLE, count_meta, arts, err);
            xdb_close(db);
        }
    }
    layout_free_lines(paths, n);
    return rc;
}

int index_stats(struct index *ix, struct index_stats *st, struct terr *err)
{
    struct xdb_stats xs;
    struct count_ctx terms = {0}, arts = {0};
    struct sbuf tmp;
    long v;
    int rc;

    memset(st, 0, sizeof *st);
    sbuf_init(&tmp);
    rc = xdb_stats(ix->db, &xs, err);
    if (rc == TRAWL_OK)
        rc = xdb_terms_each(ix->db, "", count_term, &terms, err);
    if (rc == TRAWL_OK)
        rc = count_articles(ix, &arts, err);
    if (rc == TRAWL_OK)
        rc = meta_int(ix->db, META_UPDATED, &v, &tmp, err);
    if (rc == TRAWL_OK) {
        st->articles = arts.n;
        st->passages = xs.doccount;
        st->terms = terms.n;
        st->avg_passage_len = xs.avlength;
        st->revision = xs.revision;
        st->updated = v > 0 ? v : 0;
        st->schema = SCHEMA_VERSION;
        st->analyzer = ANALYZER_VERSION;
        snprintf(st->lang, sizeof st->lang, "%s", ix->lang);
        st->disk_bytes = dir_bytes(ix->path);
    }
    sbuf_release(&tmp);
    return rc;
}

/* ---- Searching -------------------------------------------------------------------------- */

void index_search_opts_init(struct index_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k1 = RANK_K1;
    o->b = RANK_B;
    o->delta = RANK_DELTA;
    o->count = 10;
    o->per_article = 1;
}

/* A list of strings being collected for highlighting. */
struct strlist {
    char **v;
    size_t n, cap;
};

static int strlist_append(struct strlist *l, const char *s, size_t len);

/* Appends s unless the list has it already. */
static int strlist_add(struct strlist *l, const char *s, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
            return TRAWL_OK;
    return strlist_append(l, s, len);
}

/* Appends without looking for duplicates (callers that know there are none). */
static int strlist_append(struct strlist *l, const char *s, size_t len)
{
    char *c;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return TRAWL_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    if ((c = malloc(len + 1)) == NULL)
        return TRAWL_ENOMEM;
    memcpy(c, s, len);
    c[len] = '\0';
    l->v[l->n++] = c;
    return TRAWL_OK;
}

static void strlist_release(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One analysed query word or phrase: the terms it ranks by and, for sequence checks, the
 * sequence of tokens a passage must contain. */
struct qseq {
    char **tok;    /* folded tokens (exact) or index terms (stemmed), in order */
    size_t n;
    int exact;     /* compare folded tokens (quoted phrase) rather than terms */
};

struct build {
    struct index *ix;
    struct analyzer *an;
    struct strlist hl_terms, hl_exact, hl_prefix, unknown, rank_terms, rank_prefix;
    int needs_check;  /* some node can only be decided on the passage text */
    int negated;      /* inside an excluded branch: not highlighted */
    struct terr *err;
    int rc;
};

struct collect_ctx {
    struct strlist terms;  /* index terms */
    struct strlist folded; /* folded tokens, same order */
    int nomem;
};

static int collect_token(void *ctx, const struct tok_token *tk, const char *term, size_t len)
{
    struct collect_ctx *c = ctx;

    /* A sequence needs every token, repeats included: append, do not deduplicate. */
    if (strlist_append(&c->terms, term, len) != TRAWL_OK ||
        strlist_append(&c->folded, tk->text, tk->len) != TRAWL_OK)
        return -TRAWL_ENOMEM;
    return 0;
}

static xdb_query *build_node(struct build *b, const struct qnode *q);

static xdb_query *fail_nomem(struct build *b)
{
    if (b->rc == TRAWL_OK)
        b->rc = terr_set(b->err, TRAWL_ENOMEM, "out of memory");
    return NULL;
}

/* A word or phrase: AND of its terms (so BM25 weighs each), verified on the text later when
 * it has several tokens or must match exactly. */
static xdb_query *build_words(struct build *b, const struct qnode *q, int exact)
{
    struct collect_ctx c;
    xdb_query **subs = NULL;
    xdb_query *res = NULL;
    int rc;

    memset(&c, 0, sizeof c);
    rc = analyze_each(b->an, q->text, q->len, collect_token, &c);
    if (rc != 0) {
        fail_nomem(b);
        goto out;
    }
    if (c.terms.n == 0) {
        /* Nothing searchable ("--", emoji): the node drops out of the query. */
        goto out;
    }
    if (c.terms.n > 1 || exact)
        b->needs_check = 1;
    subs = calloc(c.terms.n, sizeof *subs);
    if (subs == NULL) {
        fail_nomem(b);
        goto out;
    }
    for (size_t i = 0; i < c.terms.n; i++) {
        uint64_t docs = 0, coll = 0;
        subs[i] = xdb_query_term(c.terms.v[i], strlen(c.terms.v[i]), 1);
        if (subs[i] == NULL) {
            fail_nomem(b);
            goto out;
        }
        if (!b->negated) {
            struct strlist *l = exact ? &b->hl_exact : &b->hl_terms;
            const char *s = exact ? c.folded.v[i] : c.terms.v[i];
            if (strlist_add(l, s, strlen(s)) != TRAWL_OK ||
                strlist_add(&b->rank_terms, c.terms.v[i], strlen(c.terms.v[i])) != TRAWL_OK) {
                fail_nomem(b);
                goto out;
            }
        }
        if (xdb_term_freq(b->ix->db, c.terms.v[i], strlen(c.terms.v[i]), &docs, &coll,
                          b->err) == TRAWL_OK &&
            docs == 0 && !b->negated &&
            strlist_add(&b->unknown, c.folded.v[i], strlen(c.folded.v[i])) != TRAWL_OK) {
            fail_nomem(b);
            goto out;
        }
    }
    res = xdb_query_op(XDB_OP_AND, subs, c.terms.n);
    if (res == NULL)
        fail_nomem(b);
out:
    if (subs != NULL)
        for (size_t i = 0; i < c.terms.n; i++)
            xdb_query_free(subs[i]);
    free(subs);
    strlist_release(&c.terms);
    strlist_release(&c.folded);
    return res;
}

/* Expansions of a wildcard beyond this are refused (the query is too vague to rank). */
#define PREFIX_MAX_EXPANSION 10000

struct expand_ctx {
    struct strlist terms;
    int nomem;
    int too_many;
};

static enum xdb_next expand_term(void *ctx, const char *term, size_t len, uint64_t docs)
{
    struct expand_ctx *e = ctx;

    (void)docs;
    if (e->terms.n >= PREFIX_MAX_EXPANSION) {
        e->too_many = 1;
        return XDB_STOP;
    }
    if (strlist_append(&e->terms, term, len) != TRAWL_OK) {
        e->nomem = 1;
        return XDB_STOP;
    }
    return XDB_NEXT;
}

/* A wildcard, expanded here over the whole index rather than by Xapian: Xapian expands per
 * database with per-database statistics, so a sharded or remote index would score it
 * differently from one index. The expansions weigh as one term (a synonym), so a short prefix
 * cannot flood the score with dozens of rare words. (OP_MAX, tried instead, makes Xapian
 * 1.4.22 read freed memory when two of them are ORed: a fuzz finding.) NULL with *rc set on
 * error; no expansion gives a query matching nothing. */
static xdb_query *expand_prefix(xdb *db, const char *prefix, size_t n, int *rc,
                                struct terr *err)
{
    char folded[TOK_MAX_BYTES + 1];
    struct expand_ctx e;
    xdb_query **subs = NULL;
    xdb_query *res = NULL;
    size_t made = 0;

    memset(&e, 0, sizeof e);
    *rc = TRAWL_OK;
    memcpy(folded, prefix, n);
    folded[n] = '\0';
    if ((*rc = xdb_terms_each(db, folded, expand_term, &e, err)) != TRAWL_OK)
        goto out;
    if (e.nomem) {
        *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if (e.too_many) {
        *rc = terr_set(err, TRAWL_EINPUT,
                       "'%s*' matches more than %d words: make the prefix longer", folded,
                       PREFIX_MAX_EXPANSION);
        goto out;
    }
    if (e.terms.n == 0) {
        if ((res = xdb_query_match_nothing()) == NULL)
            *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if ((subs = calloc(e.terms.n, sizeof *subs)) == NULL) {
        *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (; made < e.terms.n; made++)
        if ((subs[made] = xdb_query_term(e.terms.v[made], strlen(e.terms.v[made]), 1)) ==
            NULL) {
            *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            goto out;
        }
    if ((res = xdb_query_op(XDB_OP_SYNONYM, subs, made)) == NULL)
        *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
out:
    for (size_t i = 0; i < made; i++)
        xdb_query_free(subs[i]);
    free(subs);
    strlist_release(&e.terms);
    return res;
}

static xdb_query *build_prefix(struct build *b, const struct qnode *q)
{
    char folded[TOK_MAX_BYTES + 1];
    size_t n = tok_fold_word(analyzer_tok(b->an), q->text, q->len, folded, TOK_MAX_BYTES);
    xdb_query *res;
    int rc;

    if (n == 0)
        return NULL;
    if (!b->negated && (strlist_add(&b->hl_prefix, folded, n) != TRAWL_OK ||
                        strlist_add(&b->rank_prefix, folded, n) != TRAWL_OK))
        return fail_nomem(b);
    res = expand_prefix(b->ix->db, folded, n, &rc, b->err);
    if (rc != TRAWL_OK)
        b->rc = rc;
    return res;
}

static xdb_query *build_filter_value(struct build *b, const struct qnode *q)
{
    xdb_query *res = NULL;

    if (q->kind == QK_DATE) {
        res = xdb_query_value_range(SLOT_DATE, q->lo[0] ? q->lo : NULL,
                                    q->hi[0] ? q->hi : NULL);
    } else {
        struct sbuf term;
        sbuf_init(&term);
        if (schema_article_term(q->text, q->len, &term) == TRAWL_OK)
            res = xdb_query_term(term.buf, term.len, 1);
        sbuf_release(&term);
    }
    return res ? res : fail_nomem(b);
}

static xdb_query *build_op(struct build *b, const struct qnode *q, enum xdb_op op)
{
    xdb_query **subs = calloc(q->nkids ? q->nkids : 1, sizeof *subs);
    size_t n = 0;
    xdb_query *res = NULL;
    int saved = b->negated;

    if (subs == NULL)
        return fail_nomem(b);
    for (size_t i = 0; i < q->nkids; i++) {
        xdb_query *s;
        if (op == XDB_OP_AND_NOT && i > 0)
            b->negated = 1;
        s = build_node(b, q->kids[i]);
        b->negated = saved;
        if (b->rc != TRAWL_OK)
            goto out;
        if (s == NULL) {
            /* A dropped first operand of a binary operator leaves nothing to restrict. */
            if (i == 0 && op != XDB_OP_AND && op != XDB_OP_OR)
                goto out;
            continue;
        }
        subs[n++] = s;
    }
    if (n == 0)
        goto out;
    if (n == 1 && op != XDB_OP_FILTER && op != XDB_OP_AND_NOT)
        res = xdb_query_op(XDB_OP_AND, subs, 1);
    else
        res = xdb_query_op(op, subs, n);
    if (res == NULL)
        fail_nomem(b);
out:
    for (size_t i = 0; i < n; i++)
        xdb_query_free(subs[i]);
    free(subs);
    return res;
}

static xdb_query *build_node(struct build *b, const struct qnode *q)
{
    switch (q->kind) {
    case QK_WORD: return build_words(b, q, 0);
    case QK_PHRASE: return build_words(b, q, 1);
    case QK_PREFIX: return build_prefix(b, q);
    case QK_AND: return build_op(b, q, XDB_OP_AND);
    case QK_OR: return build_op(b, q, XDB_OP_OR);
    case QK_AND_NOT: return build_op(b, q, XDB_OP_AND_NOT);
    case QK_AND_MAYBE: return build_op(b, q, XDB_OP_AND_MAYBE);
    case QK_FILTER: return build_op(b, q, XDB_OP_FILTER);
    case QK_MATCH_ALL: {
        xdb_query *res = xdb_query_match_all();
        return res ? res : fail_nomem(b);
    }
    case QK_DATE:
    case QK_ARTICLE: return build_filter_value(b, q);
    }
    TRAWL_BUG("unknown query node");
}

/* ---- Checking a passage against the exact query ----------------------------------------- */

struct ptoken {
    const char *folded;
    size_t flen;
    const char *term;
    size_t tlen;
};

struct checker {
    struct index *ix;
    const struct qnode *root;
    struct analyzer *an;
    struct sbuf store;
    size_t *offs;       /* 4 per token: folded off, len, term off, len */
    size_t n, cap;
    int nomem;
};

static int check_collect(void *ctx, const struct tok_token *tk, const char *term, size_t len)
{
    struct checker *c = ctx;

    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        size_t *o = realloc(c->offs, cap * 4 * sizeof *o);
        if (o == NULL)
            return -TRAWL_ENOMEM;
        c->offs = o;
        c->cap = cap;
    }
    c->offs[c->n * 4 + 0] = c->store.len;
    c->offs[c->n * 4 + 1] = tk->len;
    if (sbuf_add(&c->store, tk->text, tk->len))
        return -TRAWL_ENOMEM;
    c->offs[c->n * 4 + 2] = c->store.len;
    c->offs[c->n * 4 + 3] = len;
    if (sbuf_add(&c->store, term, len))
        return -TRAWL_ENOMEM;
    c->n++;
    return 0;
}

static int tok_eq(const struct checker *c, size_t i, int folded, const char *s)
{
    size_t off = c->offs[i * 4 + (folded ? 0 : 2)], len = c->offs[i * 4 + (folded ? 1 : 3)];

    return strlen(s) == len && memcmp(c->store.buf + off, s, len) == 0;
}

static int tok_has_prefix(const struct checker *c, size_t i, const char *p, size_t plen)
{
    size_t off = c->offs[i * 4 + 2], len = c->offs[i * 4 + 3];

    return len >= plen && memcmp(c->store.buf + off, p, plen) == 0;
}

/* Does the passage contain the word's or phrase's token sequence? */
static int check_words(struct checker *c, const struct qnode *q, int exact)
{
    struct collect_ctx cc;
    int found = 0;

    memset(&cc, 0, sizeof cc);
    /* The query side is analysed with the same analyzer, after the passage: its storage is
     * separate (collect_ctx copies). */
    if (analyze_each(c->an, q->text, q->len, collect_token, &cc) != 0) {
        c->nomem = 1;
    } else if (cc.terms.n == 0) {
        found = 1; /* a dropped node does not constrain */
    } else {
        char **seq = exact ? cc.folded.v : cc.terms.v;
        for (size_t i = 0; i + cc.terms.n <= c->n && !found; i++) {
            size_t k = 0;
            while (k < cc.terms.n && tok_eq(c, i + k, exact, seq[k]))
                k++;
            found = k == cc.terms.n;
        }
    }
    strlist_release(&cc.terms);
    strlist_release(&cc.folded);
    return found;
}

static int check_node(struct checker *c, const struct qnode *q)
{
    switch (q->kind) {
    case QK_WORD: return check_words(c, q, 0);
    case QK_PHRASE: return check_words(c, q, 1);
    case QK_PREFIX: {
        char folded[TOK_MAX_BYTES + 1];
        size_t n = tok_fold_word(analyzer_tok(c->an), q->text, q->len, folded, TOK_MAX_BYTES);
        if (n == 0)
            return 1;
        for (size_t i = 0; i < c->n; i++)
            if (tok_has_prefix(c, i, folded, n))
                return 1;
        return 0;
    }
    case QK_AND:
        for (size_t i = 0; i < q->nkids; i++)
            if (!check_node(c, q->kids[i]))
                return 0;
        return 1;
    case QK_OR:
        for (size_t i = 0; i < q->nkids; i++)
            if (check_node(c, q->kids[i]))
                return 1;
        return 0;
    case QK_AND_NOT:
        if (!check_node(c, q->kids[0]))
            return 0;
        for (size_t i = 1; i < q->nkids; i++)
            if (check_node(c, q->kids[i]))
                return 0;
        return 1;
    case QK_AND_MAYBE:
    case QK_FILTER: return q->nkids ? check_node(c, q->kids[0]) : 1;
    case QK_MATCH_ALL:
    case QK_DATE:
    case QK_ARTICLE: return 1; /* Xapian has already applied these exactly */
    }
    return 1;
}

static int check_decider(void *ctx, xdb_docid id, const char *data, size_t len)
{
    struct checker *c = ctx;
    struct schema_passage p;

    (void)id;
    if (c->nomem || schema_passage_decode(data, len, &p, NULL) != TRAWL_OK)
        return 0;
    sbuf_reset(&c->store);
    c->n = 0;
    if (analyze_each(c->an, p.text, p.text_len, check_collect, c) != 0) {
        c->nomem = 1;
        return 0;
    }
    return check_node(c, c->root);
}

/* ---- Running a search ------------------------------------------------------------------ */

struct results_priv {
    xdb_mset *mset;
};

void index_results_free(struct index_results *r)
{
    struct results_priv *pv;

    if (r == NULL)
        return;
    pv = r->priv;
    if (pv != NULL)
        xdb_mset_free(pv->mset);
    free(pv);
    free(r->hits);
    for (size_t i = 0; i < r->hl.nterms; i++)
        free(r->hl.terms[i]);
    free(r->hl.terms);
    for (size_t i = 0; i < r->hl.nexact; i++)
        free(r->hl.exact[i]);
    free(r->hl.exact);
    for (size_t i = 0; i < r->hl.nprefixes; i++)
        free(r->hl.prefixes[i]);
    free(r->hl.prefixes);
    for (size_t i = 0; i < r->nunknown; i++)
        free(r->unknown[i]);
    free(r->unknown);
    for (size_t i = 0; i < r->nrank; i++)
        free(r->rank_terms[i]);
    free(r->rank_terms);
    for (size_t i = 0; i < r->nrankp; i++)
        free(r->rank_prefixes[i]);
    free(r->rank_prefixes);
    free(r);
}

static int ensure_analyzer(struct index *ix, struct terr *err)
{
    if (ix->an != NULL)
        return TRAWL_OK;
    return analyzer_new(ix->lang[0] ? ix->lang : "english", &ix->an, err);
}

/* *more = the passages of p's article that match xq (and pass chk), beyond the `shown` that
 * the collapsed list keeps of it. On entry *more is a lower bound (Xapian's, or 0). here != 0:
 * chk runs here on the article's passages rather than inside Xapian (remote shards cannot
 * call it). */
static int article_matches(struct index *ix, const xdb_query *xq, struct checker *chk, int here,
                           const struct schema_passage *p, unsigned shown, uint64_t *more,
                           struct terr *err)
{
    struct xdb_search_opts xo;
    struct sbuf term;
    xdb_query *subs[2] = {(xdb_query *)xq, NULL};
    xdb_query *q = NULL;
    xdb_mset *m = NULL;
    uint64_t total, passages, coll;
    int rc;

    sbuf_init(&term);
    if (schema_article_term(p->id, p->id_len, &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    /* The article's passage count bounds the answer: when the lower bound reaches it (an
     * article of one passage, often), no search is needed. */
    if ((rc = xdb_term_freq(ix->db, term.buf, term.len, &passages, &coll, err)) != TRAWL_OK)
        goto out;
    if (passages <= shown || *more >= passages - shown) {
        *more = passages > shown ? passages - shown : 0;
        goto out;
    }
    if ((subs[1] = xdb_query_term(term.buf, term.len, 1)) == NULL ||
        (q = xdb_query_op(XDB_OP_FILTER, subs, 2)) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    xdb_search_opts_init(&xo);
    xo.weighting = XDB_WEIGHT_BOOL;
    xo.count = 0;
    xo.check_at_least = UINT_MAX; /* Xapian caps it at the document count: an exact count */
    if (chk != NULL && here) {
        xo.count = (unsigned)passages; /* fetched and checked below */
    } else if (chk != NULL) {
        xo.decider = check_decider;
        xo.decider_ctx = chk;
    }
    rc = xdb_search(ix->db, q, &xo, &m, err);
    total = 0;
    for (size_t i = 0; rc == TRAWL_OK && chk != NULL && here && i < xdb_mset_size(m); i++) {
        struct xdb_hit h;
        if ((rc = xdb_mset_hit(m, i, &h, err)) == TRAWL_OK &&
            check_decider(chk, h.docid, h.data, h.data_len))
            total++;
    }
    if (rc == TRAWL_OK && chk != NULL && chk->nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc == TRAWL_OK) {
        if (!(chk != NULL && here))
            total = xdb_mset_lower_bound(m);
        *more = total > shown ? total - shown : 0;
    }
out:
    xdb_mset_free(m);
    xdb_query_free(q);
    xdb_query_free(subs[1]);
    sbuf_release(&term);
    return rc;
}

static int same_article(const struct index_hit *x, const struct index_hit *y)
{
    return x->p.id_len == y->p.id_len && memcmp(x->p.id, y->p.id, x->p.id_len) == 0;
}

/* Xapian's collapse counts are lower bounds that depend on the window (a passage that never
 * beat the threshold is not counted), so a page would disagree with the unpaged list. Count
 * each shown article's matching passages exactly: the query filtered to the article's few
 * passages is cheap. Where the count needs the phrase check and the index is remote (Xapian
 * refuses a match decider there), the lower bound stays. */
static int exact_more(struct index *ix, const xdb_query *xq, struct checker *chk,
                      struct index_results *r, unsigned per_article, struct terr *err)
{
    /* Remote shards with a phrase check: run_search_checked_here has counted already. */
    if (chk != NULL && ix->remote)
        return TRAWL_OK;
    for (size_t i = 0; per_article && i < r->n; i++) {
        size_t k = 0;
        int rc;
        while (k < i && !same_article(&r->hits[k], &r->hits[i]))
            k++;
        if (k < i) {
            r->hits[i].more = r->hits[k].more;
            continue;
        }
        rc = article_matches(ix, xq, chk, 0, &r->hits[i].p, per_article, &r->hits[i].more,
                             err);
        if (rc != TRAWL_OK)
            return rc;
    }
    return TRAWL_OK;
}

/* Xapian's options for ranking passages as o says (BM25 or BM25+, rank.h's min_normlen), ties
 * by article id then docid: docids follow the passage order because an article's passages
 * are always added together, in order. */
static void rank_opts(const struct index_search_opts *o, struct xdb_search_opts *xo)
{
    xdb_search_opts_init(xo);
    xo->k1 = o->k1;
    xo->b = o->b;
    xo->min_normlen = RANK_MIN_NORMLEN;
    if (o->bm25plus) {
        xo->weighting = XDB_WEIGHT_BM25PLUS;
        xo->delta = o->delta;
    }
    xo->sort_slot = SLOT_ARTICLE;
}

static int run_search(struct index *ix, const xdb_query *xq, const struct index_search_opts *o,
                      struct checker *chk, struct index_results *r, struct terr *err)
{
    struct xdb_search_opts xo;
    struct results_priv *pv = r->priv;
    size_t n;
    int rc;

    rank_opts(o, &xo);
    xo.offset = o->offset;
    xo.count = o->count;
    xo.check_at_least = o->check_at_least;
    xo.collapse_slot = o->per_article ? SLOT_ARTICLE : -1;
    xo.collapse_max = o->per_article ? o->per_article : 1;
    if (chk != NULL) {
        xo.decider = check_decider;
        xo.decider_ctx = chk;
    }
    rc = xdb_search(ix->db, xq, &xo, &pv->mset, err);
    if (rc != TRAWL_OK)
        return rc;
    if (chk != NULL && chk->nomem)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    n = xdb_mset_size(pv->mset);
    r->estimated = xdb_mset_estimated(pv->mset);
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (r->hits == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct xdb_hit h;
        struct index_hit *ih = &r->hits[i];
        if ((rc = xdb_mset_hit(pv->mset, i, &h, err)) != TRAWL_OK)
            return rc;
        ih->docid = h.docid;
        ih->score = h.weight;
        ih->more = h.collapse_count;
        if ((rc = schema_passage_decode(h.data, h.data_len, &ih->p, err)) != TRAWL_OK)
            return rc;
        r->n++;
    }
    return TRAWL_OK;
}

/* run_search for databases that cannot call a match decider (remote shards): rank passages
 * without collapsing, check each candidate here, collapse here, and widen the window until
 * the page is full or the matches run out. "more" counts the article's other checked
 * passages within the window (a lower bound, as Xapian's own). */
static int run_search_checked_here(struct index *ix, const xdb_query *xq,
                                   const struct index_search_opts *o, struct checker *chk,
                                   struct index_results *r, struct terr *err)
{
    struct results_priv *pv = r->priv;
    size_t want = (size_t)o->offset + o->count;
    unsigned window = (unsigned)(want * 4 + 64);
    struct strmap seen; /* article id -> passages accepted so far */
    int rc = TRAWL_OK;

    strmap_init(&seen);
    for (;;) {
        struct xdb_search_opts xo;
        size_t n, accepted = 0;
        int exhausted;
        rank_opts(o, &xo);
        xo.count = window;
        xdb_mset_free(pv->mset);
        pv->mset = NULL;
        free(r->hits);
        r->hits = NULL;
        r->n = 0;
        strmap_clear(&seen);
        if ((rc = xdb_search(ix->db, xq, &xo, &pv->mset, err)) != TRAWL_OK)
            break;
        n = xdb_mset_size(pv->mset);
        exhausted = n < window;
        r->hits = calloc(o->count ? o->count : 1, sizeof *r->hits);
        if (r->hits == NULL) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        for (size_t i = 0; i < n && rc == TRAWL_OK; i++) {
            struct xdb_hit h;
            struct schema_passage p;
            struct strmap_entry *e;
            if ((rc = xdb_mset_hit(pv->mset, i, &h, err)) != TRAWL_OK)
                break;
            if (!check_decider(chk, h.docid, h.data, h.data_len))
                continue;
            if ((rc = schema_passage_decode(h.data, h.data_len, &p, err)) != TRAWL_OK)
                break;
            e = strmap_get(&seen, p.id, p.id_len);
            if (o->per_article && e != NULL && e->val >= o->per_article) {
                /* a further passage of an article already shown: count it there */
                for (size_t k = 0; k < r->n; k++)
                    if (r->hits[k].p.id_len == p.id_len &&
                        memcmp(r->hits[k].p.id, p.id, p.id_len) == 0)
                        r->hits[k].more++;
                continue;
            }
            if (strmap_add(&seen, p.id, p.id_len, 1) != TRAWL_OK) {
                rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
                break;
            }
            if (accepted++ >= o->offset && r->n < o->count) {
                r->hits[r->n].docid = h.docid;
                r->hits[r->n].score = h.weight;
                r->hits[r->n].p = p;
                r->n++;
            }
        }
        if (chk->nomem)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        if (rc != TRAWL_OK)
            break;
        r->estimated = accepted;
        if (exhausted || accepted >= want + 1 || window >= (1u << 24))
            break;
        window *= 4;
    }
    strmap_release(&seen);
    for (size_t i = 0; rc == TRAWL_OK && o->per_article && i < r->n; i++)
        rc = article_matches(ix, xq, chk, 1, &r->hits[i].p, o->per_article,
                             &r->hits[i].more, err);
    return rc;
}

static void take_list(struct strlist *l, char ***v, size_t *n)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_str);
    *v = l->v;
    *n = l->n;
    memset(l, 0, sizeof *l);
}

/* Scores equal to 1e-9 are ties: the same passage scores a few ulps apart on a sharded and
 * an unsharded index (Xapian sums the terms' weights in an order that depends on each
 * database's statistics), which must not reorder results. Ties go by article id, then passage
 * ordinal. hits[skip, skip + count) is the page wanted. */
static int cmp_hits(const void *a, const void *b)
{
    const struct index_hit *x = a, *y = b;
    long long qx = llround(x->score * 1e9), qy = llround(y->score * 1e9);
    size_t n = x->p.id_len < y->p.id_len ? x->p.id_len : y->p.id_len;
    int c;

    if (qx != qy)
        return qx > qy ? -1 : 1;
    c = memcmp(x->p.id, y->p.id, n);
    if (c != 0 || x->p.id_len != y->p.id_len)
        return c != 0 ? c : x->p.id_len < y->p.id_len ? -1 : 1;
    return x->p.ordinal < y->p.ordinal ? -1 : x->p.ordinal > y->p.ordinal;
}

static void settle_ties(struct index_results *r, size_t skip, size_t count)
{
    if (r->n > 1)
        qsort(r->hits, r->n, sizeof *r->hits, cmp_hits);
    if (skip >= r->n) {
        r->n = 0;
        return;
    }
    if (skip > 0)
        memmove(r->hits, r->hits + skip, (r->n - skip) * sizeof *r->hits);
    r->n -= skip;
    if (r->n > count)
        r->n = count;
}

/* A commit may land at any read: the whole search is redone on the new state (below). */
static int search_once(struct index *ix, const struct qnode *q, const struct index_search_opts *o,
                       struct index_results **out, struct terr *err)
{
    const struct index_search_opts *orig = o;
    struct index_search_opts wide;
    struct build b;
    struct checker chk;
    struct index_results *r = NULL;
    xdb_query *xq = NULL;
    int rc;

    *out = NULL;
    memset(&b, 0, sizeof b);
    memset(&chk, 0, sizeof chk);
    sbuf_init(&chk.store);
    if ((rc = ensure_analyzer(ix, err)) != TRAWL_OK)
        return rc;
    b.ix = ix;
    b.an = ix->an;
    b.err = err;
    xq = build_node(&b, q);
    if (b.rc != TRAWL_OK) {
        rc = b.rc;
        goto out;
    }
    if (xq == NULL && (xq = xdb_query_match_nothing()) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if (getenv("TRAWL_DEBUG_QUERY") != NULL) {
        struct sbuf d;
        sbuf_init(&d);
        xdb_query_describe(xq, &d);
        fprintf(stderr, "trawl: query: %s%s\n", d.buf,
                b.needs_check ? " (passages checked for phrases)" : "");
        sbuf_release(&d);
    }
    r = calloc(1, sizeof *r);
    if (r == NULL || (r->priv = calloc(1, sizeof(struct results_priv))) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    chk.ix = ix;
    chk.root = q;
    chk.an = ix->an;
    /* A few results either side of the page, so near-ties can be settled below. */
    wide = *o;
    wide.offset = o->offset > PAGE_SLACK ? o->offset - PAGE_SLACK : 0;
    wide.count = o->count + (o->offset - wide.offset) + PAGE_SLACK;
    o = &wide;
    /* Remote shards cannot run our phrase check inside Xapian: check here instead. */
    if (b.needs_check && ix->remote)
        rc = run_search_checked_here(ix, xq, o, &chk, r, err);
    else
        rc = run_search(ix, xq, o, b.needs_check ? &chk : NULL, r, err);
    if (rc != TRAWL_OK)
        goto out;
    settle_ties(r, orig->offset - wide.offset, orig->count);
    rc = exact_more(ix, xq, b.needs_check ? &chk : NULL, r, orig->per_article, err);
    if (rc != TRAWL_OK)
        goto out;
    take_list(&b.hl_terms, &r->hl.terms, &r->hl.nterms);
    take_list(&b.hl_exact, &r->hl.exact, &r->hl.nexact);
    take_list(&b.hl_prefix, &r->hl.prefixes, &r->hl.nprefixes);
    take_list(&b.unknown, &r->unknown, &r->nunknown);
    take_list(&b.rank_terms, &r->rank_terms, &r->nrank);
    take_list(&b.rank_prefix, &r->rank_prefixes, &r->nrankp);
    *out = r;
    r = NULL;
out:
    xdb_query_free(xq);
    index_results_free(r);
    strlist_release(&b.hl_terms);
    strlist_release(&b.hl_exact);
    strlist_release(&b.hl_prefix);
    strlist_release(&b.unknown);
    strlist_release(&b.rank_terms);
    strlist_release(&b.rank_prefix);
    sbuf_release(&chk.store);
    free(chk.offs);
    return rc;
}

struct search_args {
    const struct qnode *q;
    const struct index_search_opts *o;
    struct index_results **out;
};

static int search_fn(struct index *ix, void *ctx, struct terr *err)
{
    struct search_args *a = ctx;

    return search_once(ix, a->q, a->o, a->out, err);
}

int index_search(struct index *ix, const struct qnode *q, const struct index_search_opts *o,
                 struct index_results **out, struct terr *err)
{
    struct search_args a = {q, o, out};

    return index_retry(ix, search_fn, &a, err);
}

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
    rank_opts(o, &xo); /* as the search scored it (BM25+ too) */
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
        xdb_query *part = is_prefix ? expand_prefix(ix->db, t, tl, &prc, err)
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



int index_passage(struct index *ix, const char *id, unsigned ordinal, struct sbuf *store,
                  struct schema_passage *p, struct terr *err)
{
    struct sbuf term;
    struct docids ids = {NULL, 0, 0, 0};
    int rc;

    sbuf_init(&term);
    if (schema_article_term(id, strlen(id), &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    rc = xdb_postings(ix->db, term.buf, term.len, collect_docid, &ids, err);
    if (rc == TRAWL_OK && ids.nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
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
            rc = schema_passage_decode(store->buf, store->len, p, err);
        if (rc != TRAWL_OK || p->ordinal == ordinal)
            goto out;
    }
    rc = terr_set(err, TRAWL_ENOTFOUND, "no passage %u in article '%s'", ordinal, id);
out:
    sbuf_release(&term);
    free(ids.v);
    return rc;
}

struct stored_passage {
    struct sbuf data;
    struct schema_passage p;
};

static int cmp_ordinal(const void *a, const void *b)
{
    const struct stored_passage *x = a, *y = b;

    return x->p.ordinal < y->p.ordinal ? -1 : x->p.ordinal > y->p.ordinal;
}

int index_each_passage(struct index *ix, const char *id, index_passage_fn fn, void *ctx,
                       struct terr *err)
{
    struct sbuf term;
    struct docids ids = {NULL, 0, 0, 0};
    struct stored_passage *v = NULL;
    size_t n = 0;
    int rc;

    sbuf_init(&term);
    if (schema_article_term(id, strlen(id), &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    rc = xdb_postings(ix->db, term.buf, term.len, collect_docid, &ids, err);
    if (rc == TRAWL_OK && ids.nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc == TRAWL_OK && ids.n == 0)
        rc = terr_set(err, TRAWL_ENOTFOUND, "no article '%s' in the index", id);
    if (rc == TRAWL_OK && (v = calloc(ids.n, sizeof *v)) == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; rc == TRAWL_OK && i < ids.n; i++, n++) {
        sbuf_init(&v[i].data);
        rc = xdb_doc_data(ix->db, ids.v[i], &v[i].data, err);
        if (rc == TRAWL_OK)
            rc = schema_passage_decode(v[i].data.buf, v[i].data.len, &v[i].p, err);
    }
    if (rc == TRAWL_OK) {
        qsort(v, n, sizeof *v, cmp_ordinal);
        for (size_t i = 0; i < n && rc == TRAWL_OK; i++)
            rc = fn(ctx, &v[i].p);
    }
out:
    for (size_t i = 0; i < n; i++)
        sbuf_release(&v[i].data);
    free(v);
    sbuf_release(&term);
    free(ids.v);
    return rc;
}

int index_stats_format(const char *path, const struct index_stats *st, struct sbuf *out)
{
    char when[64] = "never";

    if (st->updated > 0) {
        time_t t = (time_t)st->updated;
        struct tm tm;
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", localtime_r(&t, &tm));
    }
    return sbuf_printf(out,
                       "index            %s\n"
                       "articles         %llu\n"
                       "passages         %llu\n"
                       "distinct terms   %llu\n"
                       "avg passage len  %.1f terms\n"
                       "language         %s\n"
                       "schema version   %d (analyzer %d)\n"
                       "size on disk     %.1f MB\n"
                       "last update      %s\n"
                       "revision         %llu\n",
                       path, (unsigned long long)st->articles,
                       (unsigned long long)st->passages, (unsigned long long)st->terms,
                       st->avg_passage_len, st->lang, st->schema, st->analyzer,
                       (double)st->disk_bytes / 1e6, when, (unsigned long long)st->revision);
}

int index_suggest(struct index *ix, const char *word, size_t len, struct sbuf *out,
                  struct terr *err)
{
    sbuf_reset(out);
    return xdb_spelling(ix->db, word, len, 2, out, err);
}
