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

/* 1 the first time this run meets id; 0 for a repeat (warned about, skipped) or when out of
 * memory (s->fatal set). */
static int first_time(struct sync *s, const char *id, const char *where)
{
    char *copy = strdup(id);
    char **node;

    if (copy == NULL || (node = tsearch(copy, &s->seen_ids, cmp_str)) == NULL) {
        free(copy);
        oom(s);
        return 0;
    }
    if (*node != copy) {
        free(copy);
        if (where != NULL) {
            warn_msg("'%s': article id '%s' seen before in this run: skipped", where, id);
            s->skipped++;
        }
        return 0;
    }
    return 1;
}

/* 1 if path is really gone (vanished since the walk): its articles go. Any other reason a
 * file cannot be read leaves them in the index. */
static int gone(const char *path)
{
    struct stat sb;

    return lstat(path, &sb) != 0 && errno == ENOENT;
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

/* The file of k was touched or moved but holds the same bytes: refresh the record only. */
static void unchanged_file(struct sync *s, const char *id, const char *path,
                           const struct stat *sb, uint64_t hash, size_t len,
                           struct sync_known *k)
{
    k->seen = 1;
    s->unchanged++;
    if (s->w != NULL && (strcmp(k->source, path) != 0 || k->mtime_ns != mtime_ns(sb))) {
        struct trawl_record rec = record_of(path, hash, (uint64_t)len, mtime_ns(sb),
                                            k->passages);
        if (trawl_writer_set_record(s->w, id, &rec, &s->err) != TRAWL_OK)
            s->fatal = s->err.code;
    }
}

/* The bytes of an article file, read: parse and submit them unless unchanged. */
static void article_bytes(struct sync *s, const char *id, const char *path,
                          const struct stat *sb, const char *buf, size_t len,
                          struct sync_known *k)
{
    struct trawl_error err;
    struct trawl_record rec;
    uint64_t hash = trawl_hash(TRAWL_HASH_SEED, buf, len);
    int rc;

    s->bytes_read += len;
    if (k != NULL && k->hash == hash && !s->rebuild) {
        unchanged_file(s, id, path, sb, hash, len, k);
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
    submit(s, &rec, k, path, 0);
}

void sync_article_file(struct sync *s, const char *path, const struct stat *sb)
{
    char *id = article_id_of(path);
    struct sync_known *k;
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
    } else if (first_time(s, id, path)) {
        k = find_known(s, id);
        /* Same file, same size and time: unchanged without reading it. */
        if (k != NULL && strcmp(k->source, path) == 0 && k->size == (uint64_t)sb->st_size &&
            k->mtime_ns == mtime_ns(sb) && !s->rebuild) {
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
            article_bytes(s, id, path, sb, buf, len, k);
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
        if (strcmp(s->known[i].source, path) == 0) {
            s->known[i].seen = 1;
            s->unchanged++;
            first_time(s, s->known[i].key, NULL);
        }
}

/* One article read from a JSON Lines file (where: "path:line"). */
static void jsonl_article(struct sync *s, const char *path, const char *where, int *warned_utf8)
{
    const char *id = trawl_article_id(s->art);
    unsigned warnings = trawl_article_warnings(s->art);
    struct sync_known *k;
    struct trawl_record rec;
    uint64_t hash;

    if (!first_time(s, id, where))
        return;
    if ((warnings & TRAWL_WARN_UTF8) && !*warned_utf8) {
        warn_msg("'%s': invalid UTF-8 replaced by U+FFFD", where);
        *warned_utf8 = 1;
    }
    if (warnings & TRAWL_WARN_BAD_DATE)
        warn_msg("'%s': malformed date: indexed without a date", where);
    s->bytes_read += trawl_article_text_len(s->art);
    hash = trawl_article_hash(s->art);
    k = find_known(s, id);
    if (k != NULL && k->hash == hash && strcmp(k->source, path) == 0 && !s->rebuild) {
        k->seen = 1;
        s->unchanged++;
        return;
    }
    rec = record_of(path, hash, trawl_article_text_len(s->art), 0, 0);
    submit(s, &rec, k, where, 1);
    if (!s->fatal && s->tick != NULL)
        s->tick(s->tick_ctx);
}

/* Reads the articles of an open JSON Lines file; returns how many lines held one. */
static uint64_t jsonl_articles(struct sync *s, const char *path, trawl_jsonl *jr)
{
    struct trawl_error err;
    uint64_t articles = 0;
    int rc, got, warned_utf8 = 0;
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
            break;
        }
        if (!got)
            break;
        articles++;
        snprintf(where, sizeof where, "%s:%zu", path, trawl_jsonl_line(jr));
        s->input_partial = trawl_jsonl_file_offset(jr);
        jsonl_article(s, path, where, &warned_utf8);
    }
    return articles;
}

void sync_jsonl_file(struct sync *s, const char *path, const struct stat *sb,
                     const struct trawl_source *old)
{
    struct trawl_source src;
    trawl_jsonl *jr = NULL;
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
    articles = jsonl_articles(s, path, jr);
    trawl_jsonl_close(jr);
    if (s->fatal || s->w == NULL)
        return;
    memset(&src, 0, sizeof src);
    src.size = (uint64_t)sb->st_size;
    src.mtime_ns = mtime_ns(sb);
    src.articles = articles;
    if (trawl_writer_set_source(s->w, path, &src, &s->err) != TRAWL_OK)
        s->fatal = s->err.code;
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
