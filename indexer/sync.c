#include "indexer/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "indexer/warn.h"

struct sync_known {
    char *key;
    char *source;
    uint64_t hash, size;
    int64_t mtime_ns;
    uint32_t passages;
    int seen; /* met this run (or kept on purpose): not to be removed */
};

struct sync_later {
    char *path;
    int jsonl;
    void *ids; /* a JSON Lines file's: tsearch tree of the ids put off */
};

static int set_err(struct trawl_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int set_err(struct trawl_error *e, int code, const char *fmt, ...)
{
    va_list ap;

    e->code = code;
    e->column = 0;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

static void oom(struct sync *s)
{
    s->fatal = set_err(&s->err, TRAWL_ENOMEM, "out of memory");
}

int sync_init(struct sync *s)
{
    memset(s, 0, sizeof *s);
    s->art = trawl_article_new();
    return s->art ? TRAWL_OK : TRAWL_ENOMEM;
}

void sync_release(struct sync *s)
{
    for (size_t i = 0; i < s->nknown; i++) {
        free(s->known[i].key);
        free(s->known[i].source);
    }
    free(s->known);
    tdestroy(s->seen_ids, free);
    tdestroy(s->read_jsonl, free);
    tdestroy(s->stale_jsonl, free);
    for (size_t i = 0; i < s->nlater; i++) {
        free(s->later[i].path);
        tdestroy(s->later[i].ids, free);
    }
    free(s->later);
    trawl_article_free(s->art);
    memset(s, 0, sizeof *s);
}

/* ---- What the index knows ----------------------------------------------------------------- */

int sync_known_add(void *ctx, const char *key, size_t key_len, const struct trawl_record *rec)
{
    struct sync *s = ctx;
    struct sync_known *k;

    if (s->nknown == s->capknown) {
        size_t cap = s->capknown ? s->capknown * 2 : 1024;
        struct sync_known *v = realloc(s->known, cap * sizeof *v);
        if (v == NULL) {
            oom(s);
            return 1;
        }
        s->known = v;
        s->capknown = cap;
    }
    k = &s->known[s->nknown];
    memset(k, 0, sizeof *k);
    k->key = strndup(key, key_len);
    k->source = strndup(rec->source, rec->source_len);
    if (k->key == NULL || k->source == NULL) {
        free(k->key);
        free(k->source);
        oom(s);
        return 1;
    }
    k->hash = rec->hash;
    k->size = rec->size;
    k->mtime_ns = rec->mtime_ns;
    k->passages = rec->passages;
    s->nknown++;
    return 0;
}

static int cmp_known(const void *a, const void *b)
{
    return strcmp(((const struct sync_known *)a)->key, ((const struct sync_known *)b)->key);
}

void sync_loaded(struct sync *s)
{
    /* Shards each list their records in key order, but not the index as a whole. */
    if (s->nknown > 1)
        qsort(s->known, s->nknown, sizeof *s->known, cmp_known);
}

static struct sync_known *find_known(struct sync *s, const char *id)
{
    char key[TRAWL_KEY_MAX];
    struct sync_known probe;

    if (s->nknown == 0 || trawl_article_key(id, strlen(id), key) == 0)
        return NULL;
    probe.key = key;
    return bsearch(&probe, s->known, s->nknown, sizeof *s->known, cmp_known);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* 1 if this run met id before: a repeat, warned about (when where is set) and skipped. */
static int seen_before(struct sync *s, const char *id, const char *where)
{
    if (tfind(id, &s->seen_ids, cmp_str) == NULL)
        return 0;
    if (where != NULL) {
        warn_msg("'%s': article id '%s' seen before in this run: skipped", where, id);
        s->skipped++;
    }
    return 1;
}

/* Records that this run met id: 1, or 0 when out of memory (s->fatal set). */
static int remember(struct sync *s, const char *id)
{
    char *copy = strdup(id);
    char **node;

    if (copy == NULL || (node = tsearch(copy, &s->seen_ids, cmp_str)) == NULL) {
        free(copy);
        oom(s);
        return 0;
    }
    if (*node != copy)
        free(copy);
    return 1;
}

/* 1 the first time this run meets id; 0 for a repeat (warned about, skipped) or when out of
 * memory (s->fatal set). */
static int first_time(struct sync *s, const char *id, const char *where)
{
    return !seen_before(s, id, where) && remember(s, id);
}

/* 1 if path is really gone (vanished since the walk): its articles go. Any other reason a
 * file cannot be read leaves them in the index. */
static int gone(const char *path)
{
    struct stat sb;

    return lstat(path, &sb) != 0 && errno == ENOENT;
}

/* Adds a copy of str to the tsearch tree *set: 1 if it was not there yet, else 0 (also when
 * out of memory: s->fatal set). */
static int set_add(struct sync *s, void **set, const char *str)
{
    char *copy = strdup(str);
    char **node;

    if (copy == NULL || (node = tsearch(copy, set, cmp_str)) == NULL) {
        free(copy);
        oom(s);
        return 0;
    }
    if (*node != copy) {
        free(copy);
        return 0;
    }
    return 1;
}

static int is_jsonl_name(const char *path)
{
    size_t n = strlen(path);

    return (n >= 6 && strcmp(path + n - 6, ".jsonl") == 0) ||
           (n >= 9 && strcmp(path + n - 9, ".jsonl.gz") == 0);
}

/* ---- Whose article ----------------------------------------------------------------------- */

/* What a file read in this run may do with an article the index holds (k, or NULL). */
enum claim {
    CLAIM_OURS,    /* new to the index, or recorded from this very file */
    CLAIM_MOVED,   /* recorded from a file that is gone: the article moved here */
    CLAIM_REPLACE, /* recorded from another file that is still there, and --replace */
    CLAIM_LATER,   /* recorded from a JSON Lines file this run reads later: decide then */
    CLAIM_CLASH,   /* recorded from another file that is still there: skipped */
};

static enum claim claim_of(const struct sync *s, const struct sync_known *k, const char *path)
{
    if (k == NULL || strcmp(k->source, path) == 0)
        return CLAIM_OURS;
    /* Only a file really gone gives its articles up (one unreadable now still holds them),
     * or a JSON Lines file read through in this run without this article. */
    if (gone(k->source) ||
        (!k->seen && tfind(k->source, &s->read_jsonl, cmp_str) != NULL))
        return CLAIM_MOVED;
    if (s->replace)
        return CLAIM_REPLACE;
    /* That file may no longer hold it, whatever order the files come in. */
    if (!k->seen && !s->settling && s->walk != NULL && is_jsonl_name(k->source) &&
        walk_found(s->walk, k->source))
        return CLAIM_LATER;
    return CLAIM_CLASH;
}

/* Puts id, met in path (a JSON Lines file with jsonl set), off until every file is read. */
static void later_add(struct sync *s, const char *path, int jsonl, const char *id)
{
    struct sync_later *l = s->nlater ? &s->later[s->nlater - 1] : NULL;

    if (l == NULL || strcmp(l->path, path) != 0) {
        if (s->nlater == s->caplater) {
            size_t cap = s->caplater ? s->caplater * 2 : 16;
            struct sync_later *v = realloc(s->later, cap * sizeof *v);
            if (v == NULL) {
                oom(s);
                return;
            }
            s->later = v;
            s->caplater = cap;
        }
        l = &s->later[s->nlater];
        l->jsonl = jsonl;
        l->ids = NULL;
        if ((l->path = strdup(path)) == NULL) {
            oom(s);
            return;
        }
        s->nlater++;
    }
    if (jsonl)
        set_add(s, &l->ids, id);
}

/* The article of k now comes from where ("file", or "file:line" with jsonl set): -v says so.
 * A JSON Lines file that still holds it (--replace) must be read again by the next run, not
 * passed over as unchanged: its copy of the article is then met (a clash, said) and, should
 * the new file go, taken back. Its source record gets a size no file has. */
static void claimed(struct sync *s, enum claim c, const struct sync_known *k, const char *where,
                    const char *id, int jsonl)
{
    if (c == CLAIM_OURS)
        return;
    if (s->verbose) {
        printf(c == CLAIM_MOVED ? "moved '%s' to '%s'" : "replaced '%s' with '%s'", k->source,
               where);
        if (jsonl)
            printf(" (id %s)", id);
        putchar('\n');
    }
    if (c == CLAIM_REPLACE && s->w != NULL && is_jsonl_name(k->source) &&
        set_add(s, &s->stale_jsonl, k->source)) {
        struct trawl_source stale = {UINT64_MAX, 0, 0, 0};
        if (trawl_writer_set_source(s->w, k->source, &stale, &s->err) != TRAWL_OK)
            s->fatal = s->err.code;
    }
}

/* The index holds id from the file k->source, which is still there: the article there stays
 * as it is (and is not removed, whatever this run finds), and where's is skipped. */
static void clash(struct sync *s, struct sync_known *k, const char *where, const char *id)
{
    k->seen = 1;
    s->skipped++;
    warn_msg("'%s': article id '%s' is already indexed from '%s': skipped (--replace "
             "replaces it)",
             where, id, k->source);
}

/* ---- Submitting ------------------------------------------------------------------------- */

static struct trawl_record record_of(const char *source, uint64_t hash, uint64_t size,
                                     int64_t mtime_ns, uint32_t passages)
{
    struct trawl_record rec = {source, strlen(source), hash, size, mtime_ns, passages};

    return rec;
}

/* Queues s->art (new, or a changed version of k), read from where ("file", or "file:line"
 * with jsonl set). A dry run counts its passages instead. */
static void submit(struct sync *s, const struct trawl_record *rec, struct sync_known *k,
                   const char *where, int jsonl)
{
    size_t n;

    if (k != NULL) {
        k->seen = 1;
        s->updated++;
    } else {
        s->added++;
    }
    if (s->verbose) {
        if (jsonl)
            printf("%s '%s' (id %s)\n", k ? "updated" : "added", where,
                   trawl_article_id(s->art));
        else
            printf("%s '%s'\n", k ? "updated" : "added", where);
    }
    if (s->w == NULL) {
        if (trawl_article_passages(s->art, s->min_words, s->max_words, &n, &s->err) !=
            TRAWL_OK)
            s->fatal = s->err.code;
        s->passages += n;
    } else if (trawl_writer_put(s->w, s->art, rec, k == NULL, &s->err) != TRAWL_OK) {
        s->fatal = s->err.code;
    }
}

static int64_t mtime_ns(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

/* ---- Article files ---------------------------------------------------------------------- */

static int too_large(struct trawl_error *err, const char *path, size_t max)
{
    return set_err(err, TRAWL_EINPUT,
                   "'%s' is larger than the article size limit (%zu bytes; see "
                   "--max-article-size)",
                   path, max);
}

/* Reads fd to its end into *buf (malloc'ed, cap bytes to start with, at most max). */
static int read_all(int fd, const char *path, size_t cap, size_t max, char **buf, size_t *len,
                    struct trawl_error *err)
{
    size_t got = 0;
    char *p = malloc(cap);

    if (p == NULL)
        return set_err(err, TRAWL_ENOMEM, "out of memory reading '%s'", path);
    for (;;) {
        ssize_t n;
        if (got == cap) {
            char *q;
            if (cap > max) {
                free(p);
                return too_large(err, path, max);
            }
            if ((q = realloc(p, cap * 2)) == NULL) {
                free(p);
                return set_err(err, TRAWL_ENOMEM, "out of memory reading '%s'", path);
            }
            p = q;
            cap *= 2;
        }
        n = read(fd, p + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(p);
            return set_err(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(e));
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    *buf = p;
    *len = got;
    return TRAWL_OK;
}

/* Reads a whole file of at most max bytes. */
static int read_file(const char *path, size_t max, char **buf, size_t *len,
                     struct trawl_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    int rc;

    if (fd < 0)
        return set_err(err, TRAWL_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return set_err(err, TRAWL_EIO, "cannot stat '%s': %s", path, strerror(e));
    }
    if ((uint64_t)sb.st_size > max)
        rc = too_large(err, path, max);
    else
        rc = read_all(fd, path, (size_t)sb.st_size + 1, max, buf, len, err);
    close(fd);
    return rc;
}

/* The id of an article file: its name without the extension (malloc'ed; NULL on OOM). */
static char *article_id_of(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        return strdup(base);
    return strndup(base, (size_t)(dot - base));
}

/* The article of k comes from a file touched or moved (path, with modification time mtime;
 * 0 for JSON Lines) but has the same bytes: refresh the record only. */
static void unchanged_article(struct sync *s, const char *id, const char *path, int64_t mtime,
                              uint64_t hash, uint64_t len, struct sync_known *k)
{
    k->seen = 1;
    s->unchanged++;
    if (s->w != NULL && (strcmp(k->source, path) != 0 || k->mtime_ns != mtime)) {
        struct trawl_record rec = record_of(path, hash, len, mtime, k->passages);
        if (trawl_writer_set_record(s->w, id, &rec, &s->err) != TRAWL_OK)
            s->fatal = s->err.code;
    }
}

/* The bytes of an article file, read: parse and submit them unless unchanged. */
static void article_bytes(struct sync *s, const char *id, const char *path,
                          const struct stat *sb, const char *buf, size_t len,
                          struct sync_known *k, enum claim c)
{
    struct trawl_error err;
    struct trawl_record rec;
    uint64_t hash = trawl_hash(TRAWL_HASH_SEED, buf, len);
    int rc;

    s->bytes_read += len;
    if (k != NULL && k->hash == hash && !s->rebuild) {
        claimed(s, c, k, path, id, 0);
        unchanged_article(s, id, path, mtime_ns(sb), hash, (uint64_t)len, k);
        return;
    }
    rc = trawl_article_from_file(s->art, id, buf, len, &err);
    if (rc == TRAWL_EINPUT) {
        warn_msg("'%s': %s: skipped", path, err.msg);
        s->skipped++;
        if (k != NULL)
            k->seen = 1;
        return;
    }
    if (rc != TRAWL_OK) {
        s->fatal = rc;
        s->err = err;
        return;
    }
    if (trawl_article_warnings(s->art) & TRAWL_WARN_BAD_DATE)
        warn_msg("'%s': malformed date header: indexed without a date", path);
    if (trawl_article_warnings(s->art) & TRAWL_WARN_UTF8)
        warn_msg("'%s': invalid UTF-8 replaced by U+FFFD", path);
    if (trawl_article_warnings(s->art) & TRAWL_WARN_EMPTY)
        warn_msg("'%s': empty article: indexed with no passages", path);
    rec = record_of(path, hash, (uint64_t)len, mtime_ns(sb), 0);
    if (k != NULL)
        claimed(s, c, k, path, id, 0);
    submit(s, &rec, k, path, 0);
}

void sync_article_file(struct sync *s, const char *path, const struct stat *sb)
{
    char *id = article_id_of(path);
    struct sync_known *k;
    enum claim c;
    char *buf = NULL;
    size_t len = 0;
    struct trawl_error err;
    int rc;

    if (id == NULL) {
        oom(s);
        return;
    }
    if (id[0] == '\0') {
        warn_msg("'%s': no article id in the file name: skipped", path);
        s->skipped++;
    } else if (!seen_before(s, id, path)) {
        k = find_known(s, id);
        c = claim_of(s, k, path);
        /* A clash leaves id unclaimed in this run: its own file may still come. */
        if (c == CLAIM_CLASH) {
            clash(s, k, path, id);
        } else if (c == CLAIM_LATER) {
            later_add(s, path, 0, id);
        } else if (!remember(s, id)) {
            /* out of memory: s->fatal is set */
        } else if (c == CLAIM_OURS && k != NULL && k->size == (uint64_t)sb->st_size &&
                   k->mtime_ns == mtime_ns(sb) && !s->rebuild) {
            /* Same file, same size and time: unchanged without reading it. */
            k->seen = 1;
            s->unchanged++;
        } else if ((rc = read_file(path, s->max_article, &buf, &len, &err)) == TRAWL_ENOMEM) {
            s->fatal = rc;
            s->err = err;
        } else if (rc != TRAWL_OK) {
            warn_msg("%s: skipped", err.msg);
            if (k != NULL && !gone(path))
                k->seen = 1; /* unreadable now is not gone: keep what the index has */
            s->skipped++;
        } else {
            article_bytes(s, id, path, sb, buf, len, k, c);
        }
    }
    free(buf);
    free(id);
}

/* ---- JSON Lines ------------------------------------------------------------------------- */

/* A JSON Lines file left as it was (or unreadable: not a deletion): its articles stay. */
static void mark_source_seen(struct sync *s, const char *path)
{
    for (size_t i = 0; i < s->nknown && !s->fatal; i++)
        /* One already met in this run (taken by another file with --replace, or kept by a
         * clash) is counted there. */
        if (strcmp(s->known[i].source, path) == 0 && !s->known[i].seen &&
            first_time(s, s->known[i].key, NULL)) {
            s->known[i].seen = 1;
            s->unchanged++;
        }
}

/* What reading one JSON Lines file has met so far. */
struct jsonl_run {
    int warned_utf8;  /* invalid UTF-8 is warned about once a file */
    int truncated;    /* the rest of the file could not be read */
    uint64_t repeats; /* articles whose id this run met before: the first is warned about,
                       * the others summed up at the end of the file (-v lists them) */
    uint64_t others;  /* of those, the ones whose id another file gave */
    uint64_t later;   /* articles put off until every file is read (CLAIM_LATER) */
    void *ids;        /* tsearch tree: the ids this file gave */
    uint64_t clashes; /* articles already indexed from another file: the first is warned
                       * about, the others summed up at the end of the file (-v lists them) */
};

/* An article of a JSON Lines file the index holds from another file, still there. */
static void jsonl_clash(struct sync *s, struct sync_known *k, const char *where, const char *id,
                        struct jsonl_run *jr)
{
    if (jr->clashes++ == 0) {
        clash(s, k, where, id);
        return;
    }
    k->seen = 1;
    s->skipped++;
    if (s->verbose)
        printf("skipped '%s' (id %s): already indexed from '%s'\n", where, id, k->source);
}

/* An article of a JSON Lines file whose id this run met before. */
static void jsonl_repeat(struct sync *s, const char *where, const char *id,
                         struct jsonl_run *jr)
{
    s->skipped++;
    if (tfind(id, &jr->ids, cmp_str) == NULL)
        jr->others++;
    if (jr->repeats++ == 0)
        warn_msg("'%s': article id '%s' seen before in this run: skipped", where, id);
    else if (s->verbose)
        printf("skipped '%s' (id %s): seen before in this run\n", where, id);
}

/* One article read from a JSON Lines file (where: "path:line"). */
static void jsonl_article(struct sync *s, const char *path, const char *where,
                          struct jsonl_run *jr)
{
    const char *id = trawl_article_id(s->art);
    unsigned warnings = trawl_article_warnings(s->art);
    struct sync_known *k;
    enum claim c;
    struct trawl_record rec;
    uint64_t hash;

    if (seen_before(s, id, NULL)) {
        jsonl_repeat(s, where, id, jr);
        return;
    }
    k = find_known(s, id);
    c = claim_of(s, k, path);
    if (c == CLAIM_CLASH) {
        /* Checked before anything is analysed: a copy of a big file is skipped fast. */
        jsonl_clash(s, k, where, id, jr);
        return;
    }
    if (c == CLAIM_LATER) {
        later_add(s, path, 1, id);
        jr->later++;
        return;
    }
    if (!remember(s, id) || !set_add(s, &jr->ids, id))
        return;
    if ((warnings & TRAWL_WARN_UTF8) && !jr->warned_utf8) {
        warn_msg("'%s': invalid UTF-8 replaced by U+FFFD", where);
        jr->warned_utf8 = 1;
    }
    if (warnings & TRAWL_WARN_BAD_DATE)
        warn_msg("'%s': malformed date: indexed without a date", where);
    s->bytes_read += trawl_article_text_len(s->art);
    hash = trawl_article_hash(s->art);
    if (k != NULL && k->hash == hash && !s->rebuild) {
        /* The same text, here or moved here: at most its record changes. */
        claimed(s, c, k, where, id, 1);
        unchanged_article(s, id, path, 0, hash, trawl_article_text_len(s->art), k);
        return;
    }
    rec = record_of(path, hash, trawl_article_text_len(s->art), 0, 0);
    if (k != NULL)
        claimed(s, c, k, where, id, 1);
    submit(s, &rec, k, where, 1);
    if (!s->fatal && s->tick != NULL)
        s->tick(s->tick_ctx);
}

/* Reads the articles of an open JSON Lines file; returns how many lines held one. */
static uint64_t jsonl_articles(struct sync *s, const char *path, trawl_jsonl *jr,
                               struct jsonl_run *run)
{
    struct trawl_error err;
    uint64_t articles = 0;
    int rc, got;
    char where[PATH_MAX + 32];

    while (!s->fatal) {
        rc = trawl_jsonl_next(jr, s->art, &got, &err);
        if (rc == TRAWL_EINPUT) {
            warn_msg("'%s': %s: skipped", path, err.msg);
            s->skipped++;
            continue;
        }
        if (rc != TRAWL_OK) {
            warn_msg("'%s': %s: the rest of the file is skipped", path, err.msg);
            s->skipped++;
            /* Keep the file's other articles: a truncated file is not a deletion. */
            mark_source_seen(s, path);
            run->truncated = 1;
            break;
        }
        if (!got)
            break;
        articles++;
        snprintf(where, sizeof where, "%s:%zu", path, trawl_jsonl_line(jr));
        s->input_partial = trawl_jsonl_file_offset(jr);
        jsonl_article(s, path, where, run);
    }
    return articles;
}

/* The end of a JSON Lines file: the articles skipped after the first of each kind, summed up. */
static void jsonl_sum_up(struct sync *s, const char *path, const struct jsonl_run *run)
{
    if (run->clashes > 1)
        warn_msg("'%s': %llu more article%s already indexed from other files: skipped%s",
                 path, (unsigned long long)(run->clashes - 1), run->clashes == 2 ? "" : "s",
                 s->verbose ? "" : " (-v lists them)");
    if (run->repeats > 1)
        warn_msg("'%s': %llu more article%s seen before in this run: skipped%s", path,
                 (unsigned long long)(run->repeats - 1), run->repeats == 2 ? "" : "s",
                 s->verbose ? "" : " (-v lists them)");
}

void sync_jsonl_file(struct sync *s, const char *path, const struct stat *sb,
                     const struct trawl_source *old)
{
    struct trawl_source src;
    trawl_jsonl *jr = NULL;
    struct jsonl_run run = {.ids = NULL};
    struct trawl_error err;
    uint64_t articles;

    if (old != NULL && !s->rebuild && old->size == (uint64_t)sb->st_size &&
        old->mtime_ns == mtime_ns(sb)) {
        mark_source_seen(s, path);
        return;
    }
    if (trawl_jsonl_open(path, s->max_article, &jr, &err) != TRAWL_OK) {
        warn_msg("%s: skipped", err.msg);
        s->skipped++;
        if (!gone(path))
            mark_source_seen(s, path);
        return;
    }
    articles = jsonl_articles(s, path, jr, &run);
    trawl_jsonl_close(jr);
    tdestroy(run.ids, free);
    /* Read to its end: an article the index holds from here that was not met has left it. */
    if (!s->fatal && !run.truncated)
        set_add(s, &s->read_jsonl, path);
    jsonl_sum_up(s, path, &run);
    /* A file with articles skipped because another file holds their id stays unrecorded (and
     * so does one whose article another file took with --replace): the next run reads it
     * again, says so again, and takes an article over should the other file be gone. Passed
     * over as unchanged, it would lose that article for good once the other file went. */
    if (s->fatal || s->w == NULL || run.clashes > 0 || run.others > 0 || run.later > 0 ||
        tfind(path, &s->stale_jsonl, cmp_str) != NULL)
        return;
    memset(&src, 0, sizeof src);
    src.size = (uint64_t)sb->st_size;
    src.mtime_ns = mtime_ns(sb);
    src.articles = articles;
    if (trawl_writer_set_source(s->w, path, &src, &s->err) != TRAWL_OK)
        s->fatal = s->err.code;
}

/* ---- Articles put off -------------------------------------------------------------------- */

/* Reads path again for the articles in ids only (its other lines, and what was wrong with
 * them, were dealt with on the first reading). The file stays unrecorded this run. */
static void jsonl_later(struct sync *s, const char *path, void *ids)
{
    trawl_jsonl *jr = NULL;
    struct jsonl_run run = {.ids = NULL};
    struct trawl_error err;
    char where[PATH_MAX + 32];
    int rc, got;

    if (trawl_jsonl_open(path, s->max_article, &jr, &err) != TRAWL_OK) {
        warn_msg("%s: skipped", err.msg);
        s->skipped++;
        return;
    }
    while (!s->fatal) {
        rc = trawl_jsonl_next(jr, s->art, &got, &err);
        if (rc == TRAWL_EINPUT)
            continue;
        if (rc != TRAWL_OK || !got)
            break;
        if (tfind(trawl_article_id(s->art), &ids, cmp_str) == NULL)
            continue;
        snprintf(where, sizeof where, "%s:%zu", path, trawl_jsonl_line(jr));
        jsonl_article(s, path, where, &run);
    }
    trawl_jsonl_close(jr);
    tdestroy(run.ids, free);
    jsonl_sum_up(s, path, &run);
}

void sync_later_files(struct sync *s)
{
    s->settling = 1;
    for (size_t i = 0; i < s->nlater && !s->fatal; i++) {
        const struct sync_later *l = &s->later[i];
        struct stat sb;
        if (stat(l->path, &sb) != 0) {
            warn_msg("cannot read '%s': %s: skipped", l->path, strerror(errno));
            s->skipped++;
        } else if (l->jsonl) {
            jsonl_later(s, l->path, l->ids);
        } else {
            sync_article_file(s, l->path, &sb);
        }
    }
    s->settling = 0;
}

/* ---- Removals --------------------------------------------------------------------------- */

void sync_removals(struct sync *s, const struct walk *w)
{
    for (size_t i = 0; i < s->nknown && !s->fatal; i++) {
        struct sync_known *k = &s->known[i];
        if (k->seen || !walk_within(w, k->source))
            continue;
        s->removed++;
        if (s->verbose)
            printf("removed '%s' (id %s)\n", k->source, k->key);
        if (s->w != NULL && trawl_writer_remove(s->w, k->key, &s->err) != TRAWL_OK)
            s->fatal = s->err.code;
    }
}
