/* trawl-index: builds and incrementally updates a trawl index from article files and JSONL. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/article.h"
#include "common/index.h"
#include "common/jsonl.h"
#include "common/layout.h"
#include "common/schema.h"
#include "common/strmap.h"
#include "common/pipeline.h"
#include "trawl_config.h"

#include <utf8proc.h>

#define PROG "trawl-index"
#define DEFAULT_MAX_ARTICLE (32u << 20)
#define DEFAULT_BATCH 5000

static const char usage_text[] =
    "Usage: trawl-index [OPTION]... [PATH]...\n"
    "Index article files and JSON Lines files (PATHs: files or folders; default: corpus/)\n"
    "into a trawl index, updating it incrementally: new articles are added, changed ones\n"
    "re-indexed, and articles whose file is gone are removed.\n"
    "\n"
    "  -d, --db DIR             the index (default: $TRAWL_DB, else ./trawl.db)\n"
    "      --rebuild            start from an empty index\n"
    "  -n, --dry-run            report what would change; write nothing\n"
    "      --lang LANG          stemmer language of a new index (default: english)\n"
    "  -j, --jobs N             analysis threads (default: number of CPUs)\n"
    "      --batch N            articles per committed batch (default: 5000)\n"
    "      --shards N           keep the index as N shards (articles assigned by a hash\n"
    "                           of their id), written in parallel, searched as one\n"
    "      --compact            compact the index (merging its shards into one) and exit\n"
    "      --writers N          parts a fresh build writes in parallel, then merges\n"
    "                           (default: 2 on a machine with several CPUs)\n"
    "      --max-article-size SIZE\n"
    "                           skip articles larger than SIZE bytes (K, M, G suffixes;\n"
    "                           default: 32M)\n"
    "      --min-words N        close a passage once it has N words (default: 20)\n"
    "      --max-words N        split passages longer than N words (default: 200)\n"
    "      --progress           show progress on stderr even when it is not a terminal\n"
    "      --no-progress        never show progress\n"
    "  -q, --quiet              no summary line\n"
    "      --stats              print statistics about the index and exit\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show version information and exit\n"
    "\n"
    "Article files (*.txt) start with \" date YYYY-MM-DD \" followed by the text; paragraphs\n"
    "are separated by blank lines; the article id is the file name without extension.\n"
    "JSON Lines files (*.jsonl, *.jsonl.gz) hold one article per line with \"id\" and \"text\"\n"
    "and optional \"title\", \"date\", \"url\", \"source\".\n"
    "\n"
    "Exit status: 0 all inputs indexed, 1 some inputs skipped (see warnings), 2 error.\n";

struct opts {
    const char *db;
    int rebuild, dry_run, quiet, stats, progress;
    const char *lang;
    unsigned jobs;
    unsigned writers; /* parts written in parallel by a fresh build */
    unsigned shards;  /* --shards N: a sharded index of N databases */
    int compact;
    size_t batch;
    size_t max_article;
    struct passage_opts passages;
};

/* What the index held before this run, by article key. */
struct known {
    char *key;
    char *source;
    uint64_t hash, size;
    int64_t mtime_ns;
    uint32_t passages;
    int seen;
};

/* A JSON Lines file's record, written once all its articles are committed. */
struct source_rec {
    char *path;
    struct schema_source s;
};

struct run {
    struct opts *o;
    struct index *ix;        /* the index as it was (read for records; written incrementally) */
    struct index_build *build; /* a fresh build's parts, when rebuilding everything */
    struct pipeline *pl;
    struct source_rec *sources;
    size_t nsources;
    struct strmap known_map; /* key -> index into known[] + 1 */
    struct known *known;
    size_t nknown, capknown;
    struct strmap seen_ids;  /* ids met this run (duplicates are skipped) */
    char **roots;            /* real paths of folders scanned: removal scope */
    size_t nroots;
    struct strmap files_scanned; /* real paths of files named or found */
    uint64_t added, updated, removed, unchanged, skipped;
    uint64_t total_files, done_files, bytes_read;
    uint64_t input_total, input_done, input_partial; /* input file bytes, for the ETA */
    int fatal;
    struct terr err;
    int progress_on;
    struct timespec t0, last_progress;
};

static void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warnx(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static double since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end != '\0' || v == 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || end == s || *end != '\0' || v == 0 || v > max || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

/* ---- Progress ------------------------------------------------------------------------- */

static void progress(struct run *r, int final)
{
    struct pipeline_counts c;
    double t, mb, frac;
    uint64_t done;

    if (!r->progress_on)
        return;
    if (!final) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((double)(now.tv_sec - r->last_progress.tv_sec) +
                (double)(now.tv_nsec - r->last_progress.tv_nsec) / 1e9 < 0.2)
            return;
        r->last_progress = now;
    }
    if (r->pl != NULL)
        pipeline_counts(r->pl, &c);
    else
        memset(&c, 0, sizeof c);
    t = since(&r->t0);
    mb = (double)r->bytes_read / 1e6;
    done = r->input_done + r->input_partial;
    frac = r->input_total ? (double)done / (double)r->input_total : 0;
    fprintf(stderr, "\r" PROG ": %llu articles read, %llu written, %.1f MB at %.1f MB/s",
            (unsigned long long)(r->added + r->updated + r->unchanged),
            (unsigned long long)c.put, mb, t > 0 ? mb / t : 0.0);
    if (!final && frac > 0.01 && frac < 1 && t > 1)
        fprintf(stderr, ", %.0f%%, ETA %.0f s", frac * 100, t / frac - t);
    fputs(final ? "\n" : "   ", stderr);
}

/* ---- What the index knows -------------------------------------------------------------- */

static int load_known(void *ctx, const char *key, size_t klen, const struct schema_article *rec)
{
    struct run *r = ctx;
    struct known *k;

    if (r->nknown == r->capknown) {
        size_t cap = r->capknown ? r->capknown * 2 : 1024;
        struct known *v = realloc(r->known, cap * sizeof *v);
        if (v == NULL)
            return 1;
        r->known = v;
        r->capknown = cap;
    }
    k = &r->known[r->nknown];
    memset(k, 0, sizeof *k);
    k->key = strndup(key, klen);
    k->source = strndup(rec->source, rec->source_len);
    if (k->key == NULL || k->source == NULL) {
        free(k->key);
        free(k->source);
        return 1;
    }
    k->hash = rec->hash;
    k->size = rec->size;
    k->mtime_ns = rec->mtime_ns;
    k->passages = rec->passages;
    r->nknown++;
    if (strmap_add(&r->known_map, key, klen, r->nknown) != TRAWL_OK)
        return 1;
    return 0;
}

static struct known *find_known(struct run *r, const char *id)
{
    struct sbuf key;
    struct strmap_entry *e;

    sbuf_init(&key);
    if (schema_article_key(id, strlen(id), &key) != TRAWL_OK) {
        sbuf_release(&key);
        return NULL;
    }
    e = strmap_get(&r->known_map, key.buf, key.len);
    sbuf_release(&key);
    return e ? &r->known[e->val - 1] : NULL;
}

/* ---- Articles ------------------------------------------------------------------------- */

static int submit_article(struct run *r, struct article *a, const char *source, uint64_t hash,
                          uint64_t size, int64_t mtime_ns, struct known *k)
{
    struct schema_article rec;

    memset(&rec, 0, sizeof rec);
    rec.source = source;
    rec.source_len = strlen(source);
    rec.hash = hash;
    rec.size = size;
    rec.mtime_ns = mtime_ns;
    if (k != NULL)
        k->seen = 1;
    if (k == NULL)
        r->added++;
    else
        r->updated++;
    if (r->o->dry_run) {
        article_release(a);
        return TRAWL_OK;
    }
    return pipeline_put(r->pl, a, &rec, k == NULL, &r->err);
}

/* An id met twice in one run: the first one wins. */
static int first_time(struct run *r, const char *id, const char *where)
{
    struct strmap_entry *e = strmap_get(&r->seen_ids, id, strlen(id));

    if (e != NULL) {
        warnx("'%s': article id '%s' seen before in this run: skipped", where, id);
        r->skipped++;
        return 0;
    }
    if (strmap_add(&r->seen_ids, id, strlen(id), 1) != TRAWL_OK) {
        r->fatal = terr_set(&r->err, TRAWL_ENOMEM, "out of memory");
        return 0;
    }
    return 1;
}

static void warn_article(const char *where, const struct article *a)
{
    if (a->warnings & ART_WARN_BAD_DATE)
        warnx("'%s': malformed date header: indexed without a date", where);
    if (a->warnings & ART_WARN_UTF8)
        warnx("'%s': invalid UTF-8 replaced by U+FFFD", where);
}

/* Reads a whole file of at most max bytes. */
static int read_file(const char *path, size_t max, char **buf, size_t *len, struct terr *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    size_t got = 0, cap;
    char *p;

    if (fd < 0)
        return terr_set(err, TRAWL_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return terr_set(err, TRAWL_EIO, "cannot stat '%s': %s", path, strerror(e));
    }
    if ((uint64_t)sb.st_size > max) {
        close(fd);
        return terr_set(err, TRAWL_EINPUT,
                        "'%s' is larger than the article size limit (%zu bytes; see "
                        "--max-article-size)",
                        path, max);
    }
    cap = (size_t)sb.st_size + 1;
    p = malloc(cap);
    if (p == NULL) {
        close(fd);
        return terr_set(err, TRAWL_ENOMEM, "out of memory reading '%s'", path);
    }
    for (;;) {
        ssize_t n;
        if (got == cap) {
            char *q;
            if (cap > max) {
                free(p);
                close(fd);
                return terr_set(err, TRAWL_EINPUT,
                                "'%s' is larger than the article size limit (%zu bytes; see "
                                "--max-article-size)",
                                path, max);
            }
            q = realloc(p, cap * 2);
            if (q == NULL) {
                free(p);
                close(fd);
                return terr_set(err, TRAWL_ENOMEM, "out of memory reading '%s'", path);
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
            close(fd);
            return terr_set(err, TRAWL_EIO, "cannot read '%s': %s", path, strerror(e));
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *buf = p;
    *len = got;
    return TRAWL_OK;
}

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

static int64_t mtime_ns(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

static void index_article_file(struct run *r, const char *path, const struct stat *sb)
{
    char *id = article_id_of(path);
    struct known *k;
    char *buf = NULL;
    size_t len = 0;
    struct terr err;
    struct article a;
    uint64_t hash;
    int rc;

    if (id == NULL) {
        r->fatal = terr_set(&r->err, TRAWL_ENOMEM, "out of memory");
        return;
    }
    if (id[0] == '\0') {
        warnx("'%s': no article id in the file name: skipped", path);
        r->skipped++;
        goto out;
    }
    if (!first_time(r, id, path))
        goto out;
    k = find_known(r, id);
    /* Same file, same size and time: unchanged without reading it. */
    if (k != NULL && strcmp(k->source, path) == 0 && k->size == (uint64_t)sb->st_size &&
        k->mtime_ns == mtime_ns(sb) && !r->o->rebuild) {
        k->seen = 1;
        r->unchanged++;
        goto out;
    }
    rc = read_file(path, r->o->max_article, &buf, &len, &err);
    if (rc == TRAWL_ENOMEM) {
        r->fatal = rc;
        r->err = err;
        goto out;
    }
    if (rc != TRAWL_OK) {
        warnx("%s: skipped", err.msg);
        if (k != NULL)
            k->seen = 1; /* unreadable now is not gone: keep what the index has */
        r->skipped++;
        goto out;
    }
    r->bytes_read += len;
    hash = schema_hash(SCHEMA_HASH_SEED, buf, len);
    if (k != NULL && k->hash == hash && !r->o->rebuild) {
        /* Touched or moved but not changed: refresh the record only. */
        k->seen = 1;
        r->unchanged++;
        if (!r->o->dry_run && (strcmp(k->source, path) != 0 || k->mtime_ns != mtime_ns(sb))) {
            struct schema_article rec;
            memset(&rec, 0, sizeof rec);
            rec.source = path;
            rec.source_len = strlen(path);
            rec.hash = hash;
            rec.size = (uint64_t)len;
            rec.mtime_ns = mtime_ns(sb);
            rec.passages = k->passages;
            if (pipeline_record(r->pl, id, &rec, &r->err) != TRAWL_OK)
                r->fatal = r->err.code;
        }
        goto out;
    }
    article_init(&a);
    rc = article_from_file(&a, id, buf, len, &err);
    if (rc == TRAWL_EINPUT) {
        warnx("'%s': %s: skipped", path, err.msg);
        r->skipped++;
        if (k != NULL)
            k->seen = 1;
    } else if (rc != TRAWL_OK) {
        r->fatal = rc;
        r->err = err;
    } else {
        warn_article(path, &a);
        if (a.warnings & ART_WARN_EMPTY)
            warnx("'%s': empty article: indexed with no passages", path);
        rc = submit_article(r, &a, path, hash, (uint64_t)len, mtime_ns(sb), k);
        if (rc != TRAWL_OK)
            r->fatal = rc;
    }
    article_release(&a);
out:
    free(buf);
    free(id);
}

/* ---- JSON Lines ------------------------------------------------------------------------ */

static uint64_t hash_fields(const struct article *a)
{
    uint64_t h = SCHEMA_HASH_SEED;
    const char *f[] = {a->id, a->title, a->date, a->url ? a->url : "",
                       a->source ? a->source : ""};

    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        h = schema_hash(h, f[i], strlen(f[i]) + 1);
    return schema_hash(h, a->body, a->body_len);
}

static void mark_source_seen(struct run *r, const char *path)
{
    for (size_t i = 0; i < r->nknown; i++)
        if (strcmp(r->known[i].source, path) == 0) {
            r->known[i].seen = 1;
            r->unchanged++;
            strmap_add(&r->seen_ids, r->known[i].key, strlen(r->known[i].key), 1);
        }
}

/* old: the file's record as the index had it before this run (NULL: none). */
static void index_jsonl_file(struct run *r, const char *path, const struct stat *sb,
                             const struct schema_source *old)
{
    struct schema_source src;
    struct jsonl *jr = NULL;
    struct terr err;
    struct article a;
    uint64_t articles = 0;
    int rc, got, warned_utf8 = 0;
    char where[PATH_MAX + 32];

    if (old != NULL && !r->o->rebuild && old->size == (uint64_t)sb->st_size &&
        old->mtime_ns == mtime_ns(sb)) {
        mark_source_seen(r, path);
        return;
    }
    rc = jsonl_open(path, r->o->max_article, &jr, &err);
    if (rc != TRAWL_OK) {
        warnx("%s: skipped", err.msg);
        r->skipped++;
        mark_source_seen(r, path);
        return;
    }
    article_init(&a);
    for (;;) {
        struct known *k;
        uint64_t hash;
        rc = jsonl_next(jr, &a, &got, &err);
        if (rc == TRAWL_EINPUT) {
            warnx("'%s': %s: skipped", path, err.msg);
            r->skipped++;
            continue;
        }
        if (rc != TRAWL_OK) {
            warnx("'%s': %s: the rest of the file is skipped", path, err.msg);
            r->skipped++;
            /* Keep the file's other articles: a truncated file is not a deletion. */
            mark_source_seen(r, path);
            break;
        }
        if (!got)
            break;
        articles++;
        snprintf(where, sizeof where, "%s:%zu", path, jsonl_line(jr));
        if (!first_time(r, a.id, where)) {
            article_release(&a);
            if (r->fatal)
                break;
            continue;
        }
        if ((a.warnings & ART_WARN_UTF8) && !warned_utf8) {
            warnx("'%s': invalid UTF-8 replaced by U+FFFD", where);
            warned_utf8 = 1;
        }
        if (a.warnings & ART_WARN_BAD_DATE)
            warnx("'%s': malformed date: indexed without a date", where);
        r->bytes_read += a.body_len;
        r->input_partial = jsonl_file_offset(jr);
        hash = hash_fields(&a);
        k = find_known(r, a.id);
        if (k != NULL && k->hash == hash && strcmp(k->source, path) == 0 && !r->o->rebuild) {
            k->seen = 1;
            r->unchanged++;
            article_release(&a);
            continue;
        }
        rc = submit_article(r, &a, path, hash, a.body_len, 0, k);
        article_release(&a);
        if (rc != TRAWL_OK) {
            r->fatal = rc;
            break;
        }
        progress(r, 0);
    }
    article_release(&a);
    jsonl_close(jr);
    if (r->fatal || r->o->dry_run)
        return;
    memset(&src, 0, sizeof src);
    src.size = (uint64_t)sb->st_size;
    src.mtime_ns = mtime_ns(sb);
    src.articles = articles;
    {
        struct source_rec *v = realloc(r->sources, (r->nsources + 1) * sizeof *v);
        if (v == NULL || (v[r->nsources].path = strdup(path)) == NULL) {
            if (v != NULL)
                r->sources = v;
            r->fatal = terr_set(&r->err, TRAWL_ENOMEM, "out of memory");
            return;
        }
        v[r->nsources].s = src;
        r->sources = v;
        r->nsources++;
    }
}

/* ---- Finding inputs --------------------------------------------------------------------- */

enum kind { K_NONE, K_ARTICLE, K_JSONL };

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum kind kind_of(const char *name, int named)
{
    if (ends_with(name, ".jsonl") || ends_with(name, ".jsonl.gz"))
        return K_JSONL;
    if (ends_with(name, ".txt") || named)
        return K_ARTICLE;
    return K_NONE;
}

struct entry {
    char *path;
    enum kind kind;
    int has_src;              /* a JSON Lines file the index has a record of: */
    struct schema_source src; /* that record */
};

struct entries {
    struct entry *v;
    size_t n, cap;
};

static int entries_add(struct entries *e, const char *path, enum kind kind)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 256;
        struct entry *v = realloc(e->v, cap * sizeof *v);
        if (v == NULL)
            return TRAWL_ENOMEM;
        e->v = v;
        e->cap = cap;
    }
    if ((e->v[e->n].path = strdup(path)) == NULL)
        return TRAWL_ENOMEM;
    e->v[e->n].kind = kind;
    e->v[e->n].has_src = 0;
    e->n++;
    return TRAWL_OK;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks a folder in name order. visited holds "dev:ino" of the folders on the current path,
 * so symlink loops are seen and skipped. */
static void walk(struct run *r, const char *dir, struct entries *out, struct strmap *visited,
                 int depth)
{
    DIR *d;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct stat sb;
    char key[64];

    if (stat(dir, &sb) != 0) {
        warnx("cannot read '%s': %s: skipped", dir, strerror(errno));
        r->skipped++;
        return;
    }
    snprintf(key, sizeof key, "%llu:%llu", (unsigned long long)sb.st_dev,
             (unsigned long long)sb.st_ino);
    if (strmap_get(visited, key, strlen(key)) != NULL || depth > 64) {
        warnx("'%s': symbolic link loop: skipped", dir);
        r->skipped++;
        return;
    }
    if ((d = opendir(dir)) == NULL) {
        warnx("cannot open folder '%s': %s: skipped", dir, strerror(errno));
        r->skipped++;
        return;
    }
    strmap_add(visited, key, strlen(key), 1);
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* hidden files, ".", ".." */
        if (n == cap) {
            char **v = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *v);
            if (v == NULL)
                break;
            names = v;
        }
        if ((names[n] = strdup(de->d_name)) == NULL)
            break;
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; i < n; i++) {
        char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
            path = NULL;
        } else if (stat(path, &sb) != 0) {
            /* A dangling link, or a file that vanished since readdir. */
            warnx("cannot read '%s': %s: skipped", path, strerror(errno));
            r->skipped++;
        } else if (S_ISDIR(sb.st_mode)) {
            walk(r, path, out, visited, depth + 1);
        } else if (S_ISREG(sb.st_mode)) {
            enum kind k = kind_of(names[i], 0);
            if (k != K_NONE && entries_add(out, path, k) != TRAWL_OK)
                r->fatal = terr_set(&r->err, TRAWL_ENOMEM, "out of memory");
        }
        free(path);
        free(names[i]);
    }
    free(names);
    /* Leaving the folder: it may be reached again by another, non-looping path. */
    {
        struct strmap_entry *e = strmap_get(visited, key, strlen(key));
        if (e != NULL)
            e->val = 0;
    }
}

static int within_roots(const struct run *r, const char *source)
{
    if (strmap_get(&r->files_scanned, source, strlen(source)) != NULL)
        return 1;
    for (size_t i = 0; i < r->nroots; i++) {
        size_t n = strlen(r->roots[i]);
        if (strncmp(source, r->roots[i], n) == 0 && (source[n] == '/' || n == 1))
            return 1;
    }
    return 0;
}

/* ---- Stats ---------------------------------------------------------------------------- */

static int print_stats(const char *db)
{
    struct index_open_opts oo = {.mode = INDEX_READ};
    struct index *ix;
    struct index_stats st;
    struct terr err;
    struct sbuf out;

    if (index_open(db, &oo, &ix, &err) != TRAWL_OK) {
        warnx("%s", err.msg);
        return 2;
    }
    sbuf_init(&out);
    if (index_stats(ix, &st, &err) != TRAWL_OK ||
        index_stats_format(db, &st, &out) != TRAWL_OK) {
        warnx("%s", err.msg);
        index_close(ix);
        sbuf_release(&out);
        return 2;
    }
    fputs(out.buf, stdout);
    sbuf_release(&out);
    index_close(ix);
    return 0;
}

/* ---- Main ------------------------------------------------------------------------------ */

static void version(void)
{
    printf("trawl-index %s\n", TRAWL_VERSION);
    printf("Xapian %s, libstemmer %s, utf8proc %s\n", index_xapian_version(),
           TRAWL_LIBSTEMMER_VERSION, utf8proc_version());
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    enum { O_REBUILD = 256, O_LANG, O_BATCH, O_WRITERS, O_SHARDS, O_COMPACT, O_MAXSIZE, O_MINW, O_MAXW, O_PROGRESS,
           O_NOPROGRESS, O_STATS };
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"rebuild", no_argument, NULL, O_REBUILD},
        {"dry-run", no_argument, NULL, 'n'},
        {"lang", required_argument, NULL, O_LANG},
        {"jobs", required_argument, NULL, 'j'},
        {"batch", required_argument, NULL, O_BATCH},
        {"writers", required_argument, NULL, O_WRITERS},
        {"shards", required_argument, NULL, O_SHARDS},
        {"compact", no_argument, NULL, O_COMPACT},
        {"max-article-size", required_argument, NULL, O_MAXSIZE},
        {"min-words", required_argument, NULL, O_MINW},
        {"max-words", required_argument, NULL, O_MAXW},
        {"progress", no_argument, NULL, O_PROGRESS},
        {"no-progress", no_argument, NULL, O_NOPROGRESS},
        {"quiet", no_argument, NULL, 'q'},
        {"stats", no_argument, NULL, O_STATS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    unsigned long v;
    int c;

    while ((c = getopt_long(argc, argv, "d:nj:qhV", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case O_REBUILD: o->rebuild = 1; break;
        case 'n': o->dry_run = 1; break;
        case O_LANG: o->lang = optarg; break;
        case 'j':
            if (parse_uint(optarg, 256, &v) != 0) {
                warnx("invalid --jobs '%s': expected a number from 1 to 256", optarg);
                return 2;
            }
            o->jobs = (unsigned)v;
            break;
        case O_BATCH:
            if (parse_uint(optarg, 10000000, &v) != 0) {
                warnx("invalid --batch '%s': expected a positive number", optarg);
                return 2;
            }
            o->batch = v;
            break;
        case O_SHARDS:
            if (parse_uint(optarg, 64, &v) != 0) {
                warnx("invalid --shards '%s': expected a number from 1 to 64", optarg);
                return 2;
            }
            o->shards = (unsigned)v;
            break;
        case O_COMPACT: o->compact = 1; break;
        case O_WRITERS:
            if (parse_uint(optarg, 64, &v) != 0) {
                warnx("invalid --writers '%s': expected a number from 1 to 64", optarg);
                return 2;
            }
            o->writers = (unsigned)v;
            break;
        case O_MAXSIZE:
            if (parse_size(optarg, &o->max_article) != 0) {
                warnx("invalid --max-article-size '%s': expected a size such as 32M", optarg);
                return 2;
            }
            break;
        case O_MINW:
        case O_MAXW:
            if (parse_uint(optarg, 1000000, &v) != 0) {
                warnx("invalid --%s '%s': expected a positive number",
                      c == O_MINW ? "min-words" : "max-words", optarg);
                return 2;
            }
            if (c == O_MINW)
                o->passages.min_words = v;
            else
                o->passages.max_words = v;
            break;
        case O_PROGRESS: o->progress = 1; break;
        case O_NOPROGRESS: o->progress = -1; break;
        case 'q': o->quiet = 1; break;
        case O_STATS: o->stats = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': version(); return 0;
        default:
            fprintf(stderr, "Try '" PROG " --help' for more information.\n");
            return 2;
        }
    }
    if (o->passages.max_words < o->passages.min_words) {
        warnx("--max-words (%zu) must not be below --min-words (%zu)", o->passages.max_words,
              o->passages.min_words);
        return 2;
    }
    return -1;
}

static void run_release(struct run *r)
{
    for (size_t i = 0; i < r->nknown; i++) {
        free(r->known[i].key);
        free(r->known[i].source);
    }
    free(r->known);
    strmap_release(&r->known_map);
    strmap_release(&r->seen_ids);
    strmap_release(&r->files_scanned);
    for (size_t i = 0; i < r->nroots; i++)
        free(r->roots[i]);
    free(r->roots);
    for (size_t i = 0; i < r->nsources; i++)
        free(r->sources[i].path);
    free(r->sources);
}

/* Writes the JSON Lines source records into ix, once their articles are committed (a run
 * killed before this re-reads those files next time, finding their articles unchanged). */
static int write_sources(struct run *r, struct index *ix)
{
    int rc = TRAWL_OK;

    for (size_t i = 0; i < r->nsources && rc == TRAWL_OK; i++)
        rc = index_set_source(ix, r->sources[i].path, &r->sources[i].s, &r->err);
    if (rc == TRAWL_OK && r->nsources > 0)
        rc = index_commit(ix, &r->err);
    return rc;
}

/* --compact: size before and after, then the same searches on a smaller index. */
static int compact(const struct opts *o, struct run *r)
{
    struct index_open_opts oo = {.mode = INDEX_READ};
    struct index *ix;
    struct index_stats before, after;
    int rc;

    rc = index_open(o->db, &oo, &ix, &r->err);
    if (rc == TRAWL_OK) {
        rc = index_stats(ix, &before, &r->err);
        index_close(ix);
    }
    if (rc == TRAWL_OK)
        rc = index_compact(o->db, &r->err);
    if (rc == TRAWL_OK && (rc = index_open(o->db, &oo, &ix, &r->err)) == TRAWL_OK) {
        rc = index_stats(ix, &after, &r->err);
        index_close(ix);
    }
    if (rc != TRAWL_OK) {
        warnx("%s", r->err.msg);
        return 2;
    }
    if (!o->quiet)
        printf("compacted '%s': %.1f MB -> %.1f MB (%llu passages)\n", o->db,
               (double)before.disk_bytes / 1e6, (double)after.disk_bytes / 1e6,
               (unsigned long long)after.passages);
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct run r;
    struct entries in = {NULL, 0, 0};
    struct strmap visited;
    struct index_open_opts oo;
    const char *def_inputs[] = {"corpus"};
    const char *const *inputs;
    size_t ninputs;
    struct pipeline_counts counts;
    struct index *writers[64], *shards[64];
    unsigned nwriters = 0, nopen = 0;
    char **shard_paths = NULL, **stub_lines = NULL;
    size_t nshards = 0, nstub = 0;
    int sharded = 0;
    int rc, status, fresh, lockfd = -1;
    long ncpu;

    memset(&o, 0, sizeof o);
    memset(&counts, 0, sizeof counts);
    o.db = getenv("TRAWL_DB") && *getenv("TRAWL_DB") ? getenv("TRAWL_DB") : INDEX_DEFAULT_PATH;
    o.batch = DEFAULT_BATCH;
    o.max_article = DEFAULT_MAX_ARTICLE;
    passage_opts_init(&o.passages);
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = ncpu > 0 ? (unsigned)ncpu : 1;
    o.writers = ncpu > 1 ? 2 : 1;
    if ((status = parse_args(argc, argv, &o)) >= 0)
        return status;
    if (o.stats)
        return print_stats(o.db);
    signal(SIGPIPE, SIG_IGN);

    memset(&r, 0, sizeof r);
    r.o = &o;
    strmap_init(&r.known_map);
    strmap_init(&r.seen_ids);
    strmap_init(&r.files_scanned);
    strmap_init(&visited);
    clock_gettime(CLOCK_MONOTONIC, &r.t0);
    r.progress_on = o.progress > 0 || (o.progress == 0 && isatty(2));

    inputs = optind < argc ? (const char *const *)argv + optind : def_inputs;
    ninputs = optind < argc ? (size_t)(argc - optind) : 1;

    /* One indexer at a time: the lock is held until the process ends. */
    if (!o.dry_run && (layout_lock(o.db, &lockfd, &r.err) != TRAWL_OK ||
                       layout_clean(o.db, &r.err) != TRAWL_OK)) {
        warnx("%s", r.err.msg);
        layout_unlock(lockfd);
        run_release(&r);
        return 2;
    }
    if (o.compact) {
        status = compact(&o, &r);
        layout_unlock(lockfd);
        run_release(&r);
        return status;
    }
    /* Open (or, for a dry run, peek at) the index: its single database, or every shard. */
    memset(&oo, 0, sizeof oo);
    oo.mode = o.dry_run ? INDEX_READ : INDEX_WRITE;
    oo.lang = o.rebuild ? NULL : o.lang;
    rc = o.dry_run ? TRAWL_OK : index_writer_paths(o.db, &shard_paths, &nshards, &sharded, &r.err);
    if (rc == TRAWL_OK && !o.dry_run && sharded && o.shards && o.shards != nshards && !o.rebuild)
        rc = terr_set(&r.err, TRAWL_EINPUT,
                      "index '%s' has %zu shards, not %u: use --rebuild to change that",
                      o.db, nshards, o.shards);
    if (rc == TRAWL_OK && !o.dry_run && !sharded && o.shards && !o.rebuild &&
        layout_read_stub(o.db, &stub_lines, &nstub, NULL) == TRAWL_OK)
        rc = terr_set(&r.err, TRAWL_EINPUT,
                      "index '%s' is not sharded: use --rebuild --shards %u to shard it", o.db,
                      o.shards);
    if (rc == TRAWL_OK && o.dry_run) {
        rc = index_open(o.db, &oo, &r.ix, &r.err);
        if (rc == TRAWL_EINDEX) {
            r.ix = NULL; /* a dry run against no index: everything is new */
            rc = TRAWL_OK;
        }
        if (r.ix != NULL)
            shards[nopen++] = r.ix;
    }
    if (rc == TRAWL_OK && !o.dry_run) {
        oo.plain = sharded;
        for (size_t i = 0; i < nshards && rc == TRAWL_OK && i < 64; i++) {
            rc = index_open(shard_paths[i], &oo, &shards[i], &r.err);
            if (rc == TRAWL_OK)
                nopen++;
        }
        if (rc == TRAWL_EINDEX && o.rebuild) {
            /* An index this trawl cannot read (another schema or analyzer version): --rebuild
             * replaces it, as the refusal advises. */
            while (nopen > 0)
                index_close(shards[--nopen]);
            rc = TRAWL_OK;
        }
        r.ix = nopen ? shards[0] : NULL;
    }
    for (unsigned i = 0; rc == TRAWL_OK && i < nopen && !o.rebuild; i++)
        rc = index_each_article(shards[i], load_known, &r, &r.err);
    if (rc != TRAWL_OK) {
        warnx("%s", r.err.msg);
        for (unsigned i = 0; i < nopen; i++)
            index_close(shards[i]);
        layout_free_lines(shard_paths, nshards);
        layout_free_lines(stub_lines, nstub);
        layout_unlock(lockfd);
        run_release(&r);
        return 2;
    }
    layout_free_lines(stub_lines, nstub);
    /* Building from nothing (a new index, or --rebuild): parts written in parallel and
     * merged (or kept as the shards), and the old index stays searchable until the new one
     * replaces it. */
    fresh = !o.dry_run && r.nknown == 0;
    if (fresh) {
        char lang[64];
        unsigned nparts = o.shards ? o.shards : sharded && !o.rebuild ? (unsigned)nshards
                                                                      : o.writers;
        int merge = !(o.shards || (sharded && !o.rebuild));
        snprintf(lang, sizeof lang, "%s",
                 o.lang ? o.lang : r.ix ? index_lang(r.ix) : "english");
        for (unsigned i = 0; i < nopen; i++)
            index_close(shards[i]);
        nopen = 0;
        r.ix = NULL;
        if (index_build_start(o.db, nparts, lang, merge, &r.build, &r.err) != TRAWL_OK) {
            warnx("%s", r.err.msg);
            layout_free_lines(shard_paths, nshards);
            layout_unlock(lockfd);
            run_release(&r);
            return 2;
        }
        nwriters = nparts;
    }
    layout_free_lines(shard_paths, nshards);

    /* Find the inputs. Sources are kept as real paths, so runs from other folders agree. */
    for (size_t i = 0; i < ninputs && !r.fatal; i++) {
        struct stat sb;
        char *real = realpath(inputs[i], NULL);
        if (real == NULL || stat(real, &sb) != 0) {
            warnx("cannot read '%s': %s: skipped", inputs[i], strerror(errno));
            r.skipped++;
            free(real);
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            char **roots = realloc(r.roots, (r.nroots + 1) * sizeof *roots);
            if (roots != NULL) {
                r.roots = roots;
                r.roots[r.nroots++] = strdup(real);
            }
            walk(&r, real, &in, &visited, 0);
        } else if (S_ISREG(sb.st_mode)) {
            strmap_add(&r.files_scanned, real, strlen(real), 1);
            if (entries_add(&in, real, kind_of(real, 1)) != TRAWL_OK)
                r.fatal = terr_set(&r.err, TRAWL_ENOMEM, "out of memory");
        } else {
            warnx("'%s' is not a file or folder: skipped", inputs[i]);
            r.skipped++;
        }
        free(real);
    }
    for (size_t i = 0; i < in.n; i++)
        strmap_add(&r.files_scanned, in.v[i].path, strlen(in.v[i].path), 1);
    r.total_files = in.n;
    /* The JSON Lines files' records are read now: once the pipeline runs, its writer thread
     * alone may use the index (a Xapian database must not be shared between threads). */
    for (size_t i = 0; i < in.n && r.ix != NULL && !o.rebuild; i++)
        if (in.v[i].kind == K_JSONL &&
            index_source(r.ix, in.v[i].path, &in.v[i].src, &r.err) == TRAWL_OK)
            in.v[i].has_src = 1;
    for (size_t i = 0; i < in.n; i++) {
        struct stat sb;
        if (stat(in.v[i].path, &sb) == 0)
            r.input_total += (uint64_t)sb.st_size;
    }

    if (!o.dry_run && !r.fatal) {
        struct pipeline_opts po;
        memset(&po, 0, sizeof po);
        po.workers = o.jobs;
        po.batch_articles = o.batch;
        po.max_pending_bytes = 64u << 20;
        po.passages = o.passages;
        if (fresh) {
            /* Parts are scratch until merged: no batches, Xapian flushes as it sees fit. */
            po.batch_articles = 0;
            for (unsigned i = 0; i < nwriters; i++)
                writers[i] = index_build_part(r.build, i);
        } else {
            for (unsigned i = 0; i < nopen; i++)
                writers[i] = shards[i];
            nwriters = nopen;
        }
        po.lang = index_lang(writers[0]);
        if (pipeline_start(writers, nwriters, &po, &r.pl, &r.err) != TRAWL_OK)
            r.fatal = r.err.code;
    }
    for (size_t i = 0; i < in.n && !r.fatal; i++) {
        struct stat sb = {0};
        if (stat(in.v[i].path, &sb) != 0) {
            warnx("cannot read '%s': %s: skipped", in.v[i].path, strerror(errno));
            r.skipped++;
        } else if (in.v[i].kind == K_JSONL) {
            index_jsonl_file(&r, in.v[i].path, &sb, in.v[i].has_src ? &in.v[i].src : NULL);
        } else {
            index_article_file(&r, in.v[i].path, &sb);
        }
        r.done_files++;
        r.input_done += (uint64_t)sb.st_size;
        r.input_partial = 0;
        progress(&r, 0);
    }
    /* Articles the index has from the scanned places whose files are gone. */
    for (size_t i = 0; i < r.nknown && !r.fatal; i++) {
        struct known *k = &r.known[i];
        if (k->seen || !within_roots(&r, k->source))
            continue;
        r.removed++;
        if (!o.dry_run && pipeline_remove(r.pl, k->key, &r.err) != TRAWL_OK)
            r.fatal = r.err.code;
    }
    if (r.pl != NULL) {
        if (r.fatal) {
            pipeline_abort(r.pl);
        } else {
            rc = pipeline_finish(r.pl, &counts, &r.err);
            if (rc != TRAWL_OK)
                r.fatal = rc;
        }
        r.pl = NULL;
    }
    if (!r.fatal && !o.dry_run && write_sources(&r, writers[0]) != TRAWL_OK)
        r.fatal = r.err.code;
    if (getenv("TRAWL_TIMING") != NULL)
        fprintf(stderr, PROG ": timing: analysed and written in %.2f s\n", since(&r.t0));
    if (r.build != NULL) {
        if (!r.fatal && index_build_finish(r.build, &r.err) != TRAWL_OK)
            r.fatal = r.err.code;
        else if (r.fatal)
            index_build_abort(r.build);
        r.build = NULL;
    }
    progress(&r, 1);
    if (r.fatal) {
        warnx("%s", r.err.msg);
        warnx("stopped: the index keeps its last committed batch; run again to finish");
        status = 2;
    } else {
        if (!o.quiet) {
            printf("%sadded %llu, updated %llu, removed %llu, unchanged %llu, skipped %llu "
                   "(passages %llu) in %.2f s\n",
                   o.dry_run ? "dry run: would have " : "", (unsigned long long)r.added,
                   (unsigned long long)r.updated, (unsigned long long)r.removed,
                   (unsigned long long)r.unchanged, (unsigned long long)r.skipped,
                   (unsigned long long)counts.passages, since(&r.t0));
        }
        status = r.skipped ? 1 : 0;
    }
    for (unsigned i = 0; i < nopen; i++)
        index_close(shards[i]);
    if (nopen == 0)
        index_close(r.ix);
    layout_unlock(lockfd);
    for (size_t i = 0; i < in.n; i++)
        free(in.v[i].path);
    free(in.v);
    strmap_release(&visited);
    run_release(&r);
    return status;
}
