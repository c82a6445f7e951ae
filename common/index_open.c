/* index_open: opening and closing an index: the stub or plain database, shards that are down,
 * the schema check, reopening after a rebuild, and the retry policy for readers. It uses the
 * writer's repair (index_write.c) and frees article ranking's cache (index_artrank.c); what
 * those and the other modules need of an open index is in index_base.c, below them all. */
#include "common/index_priv.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/impact.h"
#include "common/layout.h"
#include "common/stem.h"
#include "common/strmap.h"
#include "common/xdb.h"

/* Attempts at a read whose revision the indexer discards under it (index_retry). */
#define INDEX_READ_TRIES 8

/* The retry policy of readers, after the tries-th attempt at a read or an opening failed with
 * rc: whether to look again. Xapian keeps only the last two revisions for readers: an indexer
 * committing small batches quickly can discard the one being read (TRAWL_ERETRY) more than
 * once, so that is tried INDEX_READ_TRIES times in all. A reader racing a writer's commit can
 * also meet blocks the writer has just reused, which Xapian reports as corruption ("Expected
 * block N to be level 1") rather than as a modified database: one more look at the latest
 * revision tells a race from a damaged index, which fails the same way again. */
static int read_again(int rc, int tries, int *looked_again)
{
    if (tries >= INDEX_READ_TRIES)
        return 0;
    if (rc == TRAWL_EINDEX && !*looked_again) {
        *looked_again = 1;
        return 1;
    }
    return rc == TRAWL_ERETRY;
}

/* Opens the database at path (paths[0..n) as one when path is NULL) for reading, as
 * read_again says: opening reads the newest revision's roots, which an indexer's commits can
 * discard or reuse meanwhile. name: what messages call it (xdb_open_as). remote: a remote
 * database's failure to open is no local writer's reused blocks, and a second look at a
 * shard that is down would wait for it twice. */
static int open_read(const char *path, const char *name, const char *const *paths, size_t n,
                     int remote, xdb **out, struct trawl_error *err)
{
    int rc, tries = 0, looked_again = remote;

    do
        rc = path != NULL ? xdb_open_as(path, name, XDB_READ, out, err)
                          : xdb_open_many(paths, n, out, err);
    while (rc != TRAWL_OK && read_again(rc, ++tries, &looked_again));
    return rc;
}

/* ---- Opening -------------------------------------------------------------------------- */

/* Checks (reader or writer) that db is a trawl index this build can read. A brand-new empty
 * database (no metadata, no documents) is reported through *fresh. */
static int index_check(struct index *ix, int *fresh, struct trawl_error *err)
{
    struct sbuf tmp;
    struct xdb_stats st;
    long schema, analyzer;
    int rc;

    sbuf_init(&tmp);
    *fresh = 0;
    rc = index_meta_int(ix->db, META_SCHEMA, &schema, &tmp, err);
    if (rc == TRAWL_OK)
        rc = index_meta_int(ix->db, META_ANALYZER, &analyzer, &tmp, err);
    if (rc == TRAWL_OK)
        rc = xdb_meta_get(ix->db, META_LANG, &tmp, err);
    if (rc == TRAWL_OK)
        rc = xdb_stats(ix->db, &st, err);
    if (rc != TRAWL_OK)
        goto out;
    if (schema_meta_lang(tmp.buf, tmp.len, ix->lang, err) == TRAWL_EINDEX) {
        rc = terr_damaged(err, ix->path, "its metadata 'trawl.lang' is not a language name", 0);
        goto out;
    }
    if (schema == -1 && st.doccount == 0) {
        *fresh = 1;
    } else if (schema == -2 || analyzer == -2) {
        rc = terr_damaged(err, ix->path,
                          schema == -2 ? "its metadata 'trawl.schema' is not a number"
                                       : "its metadata 'trawl.analyzer' is not a number",
                          0);
    } else if (schema == -1) {
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

static int check_once(struct index *ix, void *fresh, struct trawl_error *err)
{
    return index_check(ix, fresh, err);
}

static int index_set_header(struct index *ix, const char *lang, struct trawl_error *err)
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

/* Opens a temporary stub holding the entries (local ones made absolute). Messages call the
 * database name, never the temporary stub's path, which means nothing to the user. */
static int open_entries(const char *dir, const struct layout_entry *const *v, size_t n,
                        const char *name, xdb **db, struct trawl_error *err)
{
    char tmpl[] = "/tmp/trawl-stub-XXXXXX";
    int fd = mkstemp(tmpl), rc, remote = 0;
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
    for (size_t i = 0; i < n; i++)
        remote |= v[i]->kind != LAYOUT_LOCAL;
    if (rc == TRAWL_OK)
        rc = open_read(tmpl, name, NULL, 0, remote, db, err);
    unlink(tmpl);
    return rc;
}

/* The index at dir is damaged when its stub names a local database that is missing or is not
 * a Xapian database (a half-copied folder, a hand-edited stub): Xapian says only "no index" at
 * the stub, and a writer would create a database there, in a folder that may be someone
 * else's. Remote entries are not checked here: they are down, not damaged. */
static int stub_target_check(const char *dir, const struct layout_entry *e, struct trawl_error *err)
{
    char detail[300];
    struct stat sb;
    char *p;

    if (e->kind != LAYOUT_LOCAL)
        return TRAWL_OK;
    if ((p = layout_entry_path(dir, e)) == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    detail[0] = '\0';
    if (stat(p, &sb) != 0)
        snprintf(detail, sizeof detail, "its stub names '%s', which is missing", e->where);
    else if (!layout_is_database(p))
        snprintf(detail, sizeof detail, "its stub names '%s', which is not a Xapian database",
                 e->where);
    free(p);
    return detail[0] ? terr_damaged(err, dir, detail, 0) : TRAWL_OK;
}

/* The index at path would not open (first says why) and its stub could not be read: say why
 * the stub could not be read when it is there but damaged, else what first says. */
static int stub_unreadable(const char *path, const struct trawl_error *first, struct trawl_error *err)
{
    char **lines;
    size_t n;
    struct trawl_error e;

    if (layout_read_stub(path, &lines, &n, &e) == TRAWL_OK)
        layout_free_lines(lines, n); /* readable now: the first error stands */
    else if (e.code == TRAWL_EINDEX)
        first = &e;
    if (err != NULL)
        *err = *first;
    return (int)first->code;
}

/* The stub would not open (first says why): find which shards are down. With allow_partial,
 * open the others (ix->warning says which are missing); without, name the first that is down.
 * A single (unsharded) index is no shard and --allow-partial cannot help it: its error is
 * first's, or that its stub names nothing usable. */
static int open_shards_one_by_one(struct index *ix, int allow_partial, const struct trawl_error *first,
                                  struct trawl_error *err)
{
    struct layout_entry *ents = NULL;
    const struct layout_entry **up = NULL;
    size_t n = 0, nup = 0;
    struct sbuf missing;
    int rc = layout_read_entries(ix->path, &ents, &n, err);

    if (rc != TRAWL_OK)
        return rc;
    if (!layout_entries_sharded(ents, n)) {
        rc = n == 1 ? stub_target_check(ix->path, &ents[0], err) : TRAWL_OK;
        if (rc == TRAWL_OK && err != NULL)
            *err = *first;
        layout_free_entries(ents, n);
        return rc == TRAWL_OK ? (int)first->code : rc;
    }
    sbuf_init(&missing);
    if ((up = calloc(n ? n : 1, sizeof *up)) == NULL) {
        layout_free_entries(ents, n);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const struct layout_entry *one = &ents[i];
        struct trawl_error e;
        xdb *db;
        char *name = one->kind == LAYOUT_LOCAL ? layout_entry_path(ix->path, one) : NULL;
        int orc = open_entries(ix->path, &one, 1, name ? name : one->line, &db, &e);
        free(name);
        if (orc == TRAWL_OK) {
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
    rc = open_entries(ix->path, up, nup, ix->path, &ix->db, err);
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

/* ---- The article database ------------------------------------------------------------ */

/* A writer's article database, inside its passage database's folder: created with it (fresh),
 * else it must be there. Then the two must agree on their batches: one batch ahead, the
 * article database is repaired (index_repair); anything else is damage. */
static int open_articles_writer(struct index *ix, int mode, int fresh, int no_repair,
                                struct trawl_error *err)
{
    uint64_t pb = 0, ab = 0;
    size_t dropped = 0;
    char *apath = NULL;
    int rc;

    if (asprintf(&apath, "%s/%s", ix->dbpath, LAYOUT_ARTICLES) < 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (!fresh && !layout_is_database(apath)) {
        const char *base = strrchr(ix->dbpath, '/');
        char detail[300];
        snprintf(detail, sizeof detail, "the article database of '%s' is missing",
                 base != NULL ? base + 1 : ix->dbpath);
        free(apath);
        return terr_damaged(err, ix->path, detail, 0);
    }
    rc = xdb_open_as(apath, ix->path, fresh ? (mode & XDB_NO_SYNC) | XDB_OVERWRITE : mode,
                     &ix->adb, err);
    free(apath);
    if (rc == TRAWL_OK && fresh) {
        char num[32];
        snprintf(num, sizeof num, "%d", SCHEMA_VERSION);
        rc = xdb_meta_set(ix->adb, META_SCHEMA, num, strlen(num), err);
    }
    if (rc == TRAWL_OK)
        rc = index_batch(ix, ix->db, &pb, err);
    if (rc == TRAWL_OK)
        rc = index_batch(ix, ix->adb, &ab, err);
    if (rc != TRAWL_OK || fresh)
        return rc;
    ix->batch = pb;
    if (ab == pb || (no_repair && ab == pb + 1))
        return TRAWL_OK;
    if (ab != pb + 1) {
        char detail[160];
        snprintf(detail, sizeof detail,
                 "its article database is at batch %llu and its passages at batch %llu",
                 (unsigned long long)ab, (unsigned long long)pb);
        return terr_damaged(err, ix->path, detail, 0);
    }
    if ((rc = index_repair(ix, ab, &dropped, err)) == TRAWL_OK && dropped > 0 &&
        asprintf(&ix->warning,
                 "%zu article%s of a batch that was interrupted taken out, to be indexed again",
                 dropped, dropped == 1 ? "" : "s") < 0)
        ix->warning = NULL;
    return rc;
}

/* A reader's article databases: path/articles for a plain database, the ARTICLES stub when
 * there is one, else each local database's articles folder. Remote shards without an ARTICLES
 * stub, and an index whose shards are not all up, have none (*adb NULL): searches then rank
 * from the passages alone (index_search.c). A local one missing is damage. *afolder and
 * *pfolder: the folders of the article and passage databases when each is a single local
 * one (else NULL), owned by the caller. */
static int open_articles_reader(struct index *ix, xdb **adb, char **afolder, char **pfolder,
                                struct trawl_error *err)
{
    struct layout_entry *ents = NULL;
    char **paths = NULL, *one = NULL;
    size_t n = 0;
    struct stat sb;
    int rc;

    *adb = NULL;
    *afolder = NULL;
    *pfolder = NULL;
    if (layout_is_database(ix->path)) {
        if (asprintf(&one, "%s/%s", ix->path, LAYOUT_ARTICLES) < 0)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        rc = layout_is_database(one) ? open_read(one, ix->path, NULL, 0, 0, adb, err)
                                     : terr_damaged(err, ix->path,
                                                    "the article database of '.' is missing",
                                                    0);
        if (rc == TRAWL_OK && (*pfolder = strdup(ix->path)) == NULL)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        if (rc == TRAWL_OK)
            *afolder = one;
        else
            free(one);
        return rc;
    }
    if (ix->warning != NULL) /* shards down: no complete article statistics */
        return TRAWL_OK;
    if (asprintf(&one, "%s/%s", ix->path, LAYOUT_ARTICLES_STUB) < 0)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (stat(one, &sb) == 0) {
        rc = open_read(one, ix->path, NULL, 0, 0, adb, err);
        free(one);
        return rc;
    }
    free(one);
    if ((rc = layout_read_entries(ix->path, &ents, &n, err)) != TRAWL_OK)
        return rc;
    if (layout_entries_remote(ents, n)) {
        layout_free_entries(ents, n);
        return TRAWL_OK;
    }
    if ((paths = calloc(n ? n : 1, sizeof *paths)) == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == TRAWL_OK; i++) {
        char *db = layout_entry_path(ix->path, &ents[i]);
        if (db == NULL || asprintf(&paths[i], "%s/%s", db, LAYOUT_ARTICLES) < 0) {
            paths[i] = NULL;
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        } else if (!layout_is_database(paths[i])) {
            char detail[300];
            snprintf(detail, sizeof detail, "the article database of '%s' is missing",
                     ents[i].where);
            rc = terr_damaged(err, ix->path, detail, 0);
        }
        free(db);
    }
    if (rc == TRAWL_OK)
        rc = open_read(n == 1 ? paths[0] : NULL, ix->path, (const char *const *)paths, n, 0, adb,
                       err);
    if (rc == TRAWL_OK && n == 1 && (*pfolder = layout_entry_path(ix->path, &ents[0])) != NULL) {
        *afolder = paths[0];
        paths[0] = NULL;
    }
    if (paths != NULL)
        layout_free_lines(paths, n);
    layout_free_entries(ents, n);
    return rc;
}

/* Where a writer of the index at path writes: the database the stub names, path itself for a
 * plain database, or a new path/gen-N (created empty, with its stub) for a new index. */
static int writer_path(const char *path, int plain, char **out, int *created, struct trawl_error *err)
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
    if ((rc = layout_stub_writable(path, err)) != TRAWL_OK)
        return rc;
    rc = layout_read_entries(path, &ents, &n, err);
    if (rc == TRAWL_OK) {
        /* Never create a database where a damaged stub points. */
        if (n == 1 && (rc = stub_target_check(path, &ents[0], err)) != TRAWL_OK)
            ;
        else if (n != 1 || ents[0].kind != LAYOUT_LOCAL || strchr(ents[0].where, '/') != NULL)
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
               struct trawl_error *err)
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
    /* Xapian would read a file as a stub and call it damaged ("Bad line"), and the advice to
     * rebuild it would then be refused: trawl-index says this same line. */
    if (o->mode == INDEX_READ && !S_ISDIR(sb.st_mode))
        return terr_set(err, TRAWL_EINDEX, "'%s' is not a trawl index: an index is a folder",
                        path);
    ix = calloc(1, sizeof *ix);
    if (ix == NULL || (ix->path = strdup(path)) == NULL) {
        free(ix);
        return terr_set(err, TRAWL_ENOMEM, "cannot open index: out of memory");
    }
    strmap_init(&ix->spell);
    strmap_init(&ix->unspell);
    strmap_init(&ix->adf_add);
    strmap_init(&ix->adf_sub);
    strmap_init(&ix->touched);
    ix->writable = o->mode != INDEX_READ;
    mode = o->mode == INDEX_READ ? XDB_READ : o->mode == INDEX_WRITE ? XDB_WRITE : XDB_OVERWRITE;
    if (o->no_sync)
        mode |= XDB_NO_SYNC;
    if (ix->writable) {
        rc = writer_path(path, o->plain || o->mode == INDEX_REBUILD, &ix->dbpath, &created,
                         err);
        if (rc == TRAWL_OK)
            rc = xdb_open_as(ix->dbpath, path,
                             created ? (mode & XDB_NO_SYNC) | XDB_OVERWRITE : mode, &ix->db, err);
    } else {
        ix->stub = stub_text(path);
        ix->remote = stub_remote(path);
        struct trawl_error first;
        rc = open_read(path, path, NULL, 0, 0, &ix->db, &first);
        if (rc != TRAWL_OK && ix->stub != NULL)
            rc = open_shards_one_by_one(ix, o->pub.allow_partial, &first, err);
        else if (rc != TRAWL_OK)
            rc = stub_unreadable(path, &first, err);
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
    }
    if (rc == TRAWL_OK)
        rc = ix->writable ? open_articles_writer(ix, mode, fresh, o->no_repair, err)
                          : open_articles_reader(ix, &ix->adb, &ix->aimp.folder,
                                                 &ix->pimp.folder, err);
    ix->art_terms = !ix->writable && ix->adb != NULL && ix->aimp.folder == NULL;
    if (rc != TRAWL_OK) {
    } else if (rc == TRAWL_OK && o->lang != NULL && strcmp(o->lang, ix->lang) != 0) {
        rc = terr_set(err, TRAWL_EINPUT,
                      "index '%s' was built for language '%s', not '%s': use "
                      "'trawl-index --rebuild --lang %s' to change it",
                      path, ix->lang, o->lang, o->lang);
    }
    if (rc == TRAWL_OK && created) {
        /* A new index exists (empty, committed) before its stub names it. */
        char *line = NULL;
        rc = xdb_commit(ix->adb, err);
        if (rc == TRAWL_OK)
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
    if (ix->in_tx) {
        xdb_cancel_tx(ix->db, NULL);
        xdb_cancel_tx(ix->adb, NULL);
    }
    xdb_close(ix->db);
    xdb_close(ix->adb);
    index_imp_release(&ix->aimp);
    index_imp_release(&ix->pimp);
    strmap_release(&ix->touched);
    analyzer_free(ix->an);
    strmap_release(&ix->spell);
    strmap_release(&ix->unspell);
    strmap_release(&ix->adf_add);
    strmap_release(&ix->adf_sub);
    index_artcache_free(ix->art);
    free(ix->path);
    free(ix->dbpath);
    free(ix->stub);
    free(ix->warning);
    free(ix);
}

static int reopen_once(struct index *ix, struct trawl_error *err)
{
    char *now;
    xdb *db;
    int rc;

    ix->agree_known = 0; /* asked again of what it sees next */
    /* A rebuild switches the stub to a new database: follow it. */
    now = stub_text(ix->path);
    if ((now == NULL) != (ix->stub == NULL) || (now != NULL && strcmp(now, ix->stub) != 0)) {
        xdb *old = ix->db, *adb = NULL;
        char lang[sizeof ix->lang], *afolder = NULL, *pfolder = NULL;
        int fresh;
        rc = open_read(ix->path, ix->path, NULL, 0, 0, &db, err);
        if (rc != TRAWL_OK) {
            free(now);
            return rc;
        }
        /* Its article database, as at opening (the old one is kept on failure). */
        ix->db = db;
        rc = open_articles_reader(ix, &adb, &afolder, &pfolder, err);
        ix->db = old;
        if (rc != TRAWL_OK) {
            xdb_close(db);
            free(now);
            return rc;
        }
        /* The new database may be of another schema or language (rebuilt by another
         * trawl, or with --lang): checked as at opening; refused, the old one stays. */
        memcpy(lang, ix->lang, sizeof lang);
        ix->db = db;
        if ((rc = index_check(ix, &fresh, err)) != TRAWL_OK) {
            ix->db = old;
            memcpy(ix->lang, lang, sizeof lang);
            xdb_close(db);
            xdb_close(adb);
            free(afolder);
            free(pfolder);
            free(now);
            return rc;
        }
        xdb_close(ix->adb);
        ix->adb = adb;
        /* Other databases: their files, if any, are looked for anew. */
        index_imp_release(&ix->aimp);
        index_imp_release(&ix->pimp);
        ix->aimp.folder = afolder;
        ix->pimp.folder = pfolder;
        ix->art_terms = adb != NULL && afolder == NULL;
        if (strcmp(lang, ix->lang) != 0) { /* made again for the new language when needed */
            analyzer_free(ix->an);
            ix->an = NULL;
        }
        xdb_close(old);
        index_artcache_free(ix->art); /* another database: its statistics are not these */
        ix->art = NULL;
        free(ix->stub);
        ix->stub = now;
        ix->remote = stub_remote(ix->path);
        ix->switches++;
        return TRAWL_OK;
    }
    free(now);
    rc = xdb_reopen(ix->db, err);
    if (rc != TRAWL_OK && open_read(ix->path, ix->path, NULL, 0, 0, &db, NULL) == TRAWL_OK) {
        xdb_close(ix->db);
        ix->db = db;
        rc = TRAWL_OK;
    }
    if (rc == TRAWL_OK && ix->adb != NULL)
        rc = xdb_reopen(ix->adb, err);
    return rc;
}

/* A reader's reopening reads the new revision's roots (and a switched stub's databases), which
 * the indexer can discard as it reads them: looked at again as read_again says. */
int index_reopen(struct index *ix, struct trawl_error *err)
{
    int rc, tries = 0, looked_again = 0;

    if (ix->writable)
        return xdb_reopen(ix->db, err);
    while ((rc = reopen_once(ix, err)) != TRAWL_OK && read_again(rc, ++tries, &looked_again))
        ;
    return rc;
}

/* Runs fn; while it fails as read_again says is worth another look, reopens ix and runs it
 * again. */
int index_retry(struct index *ix, index_read_fn fn, void *ctx, struct trawl_error *err)
{
    /* A writer's own index is not damaged by a race with itself: no second look there. */
    int rc = fn(ix, ctx, err), tries = 1, looked_again = ix->writable;

    while (rc != TRAWL_OK && read_again(rc, tries++, &looked_again))
        if ((rc = index_reopen(ix, err)) == TRAWL_OK)
            rc = fn(ix, ctx, err);
    return rc;
}
