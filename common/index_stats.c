/* index_stats: index statistics and their --stats text. */
#include "common/index_priv.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/impact.h"
#include "common/layout.h"
#include "common/schema.h"
#include "common/xdb.h"

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
    if (schema_rank_term(term, len))
        c->n++;
    return XDB_NEXT;
}

static int count_article(void *ctx, const char *key, size_t klen,
                         const struct trawl_record *rec)
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
static int count_articles(struct index *ix, struct count_ctx *arts, struct trawl_error *err)
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

static int stats_once(struct index *ix, void *ctx, struct trawl_error *err)
{
    struct trawl_stats *st = ctx;
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
        rc = index_meta_int(ix->db, META_UPDATED, &v, &tmp, err);
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
        st->art_state = -1;
    }
    if (rc == TRAWL_OK && ix->adb != NULL) {
        int agree = 0;
        if ((rc = xdb_stats(ix->adb, &xs, err)) == TRAWL_OK &&
            (rc = index_articles_agree(ix, &agree, err)) == TRAWL_OK) {
            st->art_state = agree;
            st->art_articles = xs.doccount;
            st->avg_article_len = xs.avlength;
        }
        /* A single local index's article documents hold no ranking terms (schema 8): their
         * lengths are in the article impact file alone (0 while it is not current). */
        if (rc == TRAWL_OK && !ix->art_terms) {
            struct impact *im = NULL;
            st->avg_article_len = 0;
            if ((rc = index_impacts(ix, ix->adb, &ix->aimp, &im, err)) == TRAWL_OK && im != NULL &&
                impact_info(im)->doccount > 0)
                st->avg_article_len = (double)impact_info(im)->total_length /
                                      (double)impact_info(im)->doccount;
        }
    }
    if (rc == TRAWL_OK)
        rc = index_imp_state(ix, &st->imp_state, &st->imp_bytes, err);
    sbuf_release(&tmp);
    return rc;
}

int index_stats(struct index *ix, struct trawl_stats *st, struct trawl_error *err)
{
    /* Every count of one revision: all read again when the indexer commits meanwhile. */
    return index_retry(ix, stats_once, st, err);
}

struct counts_ctx {
    uint64_t articles, passages;
};

static int read_counts(struct index *ix, void *ctx, struct trawl_error *err)
{
    struct counts_ctx *c = ctx;
    struct xdb_stats xs;
    uint64_t coll;
    int rc;

    rc = xdb_term_freq(ix->db, TERM_LAST, strlen(TERM_LAST), &c->articles, &coll, err);
    if (rc == TRAWL_OK && (rc = xdb_stats(ix->db, &xs, err)) == TRAWL_OK)
        c->passages = xs.doccount;
    return rc;
}

int index_counts(struct index *ix, uint64_t *articles, uint64_t *passages, struct trawl_error *err)
{
    struct counts_ctx c = {0, 0};
    int rc = index_retry(ix, read_counts, &c, err);

    *articles = c.articles;
    *passages = c.passages;
    return rc;
}

int index_stats_format(const char *path, const struct trawl_stats *st, struct sbuf *out)
{
    char when[64] = "never";

    if (st->updated > 0) {
        time_t t = (time_t)st->updated;
        struct tm tm;
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", localtime_r(&t, &tm));
    }
    int rc = sbuf_printf(out,
                         "index            %s\n"
                         "articles         %llu\n"
                         "passages         %llu\n"
                         "distinct terms   %llu\n"
                         "avg passage len  %.1f terms\n",
                         path, (unsigned long long)st->articles,
                         (unsigned long long)st->passages, (unsigned long long)st->terms,
                         st->avg_passage_len);

    if (rc == TRAWL_OK && st->art_state >= 0)
        rc = sbuf_printf(out, "article index    %llu articles, avg %.1f terms%s\n",
                         (unsigned long long)st->art_articles, st->avg_article_len,
                         st->art_state ? ""
                                       : " (not at the passages' batch: run trawl-index; "
                                         "searches rank from the passages)");
    else if (rc == TRAWL_OK)
        rc = sbuf_printf(out, "article index    none to read (searches rank from the "
                              "passages)\n");
    if (rc == TRAWL_OK && st->imp_state > 0)
        rc = sbuf_printf(out, "impact files     %.1f MB\n", (double)st->imp_bytes / 1e6);
    else if (rc == TRAWL_OK && st->imp_state == 0)
        rc = sbuf_printf(out, "impact files     missing or behind (searches go through Xapian, "
                              "slower, until trawl-index runs again)\n");
    else if (rc == TRAWL_OK)
        rc = sbuf_printf(out, "impact files     none (a sharded or remote index: searches go "
                              "through Xapian)\n");
    if (rc == TRAWL_OK)
        rc = sbuf_printf(out,
                         "language         %.*s\n"
                         "schema version   %d (analyzer %d)\n"
                         "size on disk     %.1f MB\n"
                         "last update      %s\n"
                         "revision         %llu\n",
                         /* lang may fill its array without a NUL (a caller's struct) */
                         (int)strnlen(st->lang, sizeof st->lang), st->lang, st->schema,
                         st->analyzer, (double)st->disk_bytes / 1e6, when,
                         (unsigned long long)st->revision);
    return rc;
}
