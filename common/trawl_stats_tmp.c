/* trawl_stats_tmp: TEMPORARY, until the api-search branch (trawl_search.c) is merged: the
 * few read-half functions of trawl.h that trawl-index needs (--stats, --compact's sizes, a
 * dry run's look at the index), as thin wrappers over index.h. Delete this file at the merge:
 * trawl_search.c defines all of these and struct trawl_index. Depends on index and api. */
#include "common/trawl.h"

#include <stdlib.h>
#include <string.h>

#include "common/api.h"
#include "common/index.h"

struct trawl_index {
    struct index *ix;
};

int trawl_open(const char *path, const struct trawl_open_opts *opts, trawl_index **out,
               struct trawl_error *err)
{
    struct index_open_opts oo;
    struct terr e;
    trawl_index *t = calloc(1, sizeof *t);
    int rc;

    *out = NULL;
    if (t == NULL)
        return api_fail(err, &(struct terr){TRAWL_ENOMEM, "out of memory"});
    memset(&oo, 0, sizeof oo);
    oo.mode = INDEX_READ;
    oo.allow_partial = opts != NULL && opts->allow_partial;
    rc = index_open(path, &oo, &t->ix, &e);
    if (rc != TRAWL_OK) {
        free(t);
        return api_fail(err, &e);
    }
    *out = t;
    return api_ok(err);
}

void trawl_close(trawl_index *ix)
{
    if (ix == NULL)
        return;
    index_close(ix->ix);
    free(ix);
}

const char *trawl_index_lang(const trawl_index *ix)
{
    return index_lang(ix->ix);
}

int trawl_stats(trawl_index *ix, struct trawl_stats *st, struct trawl_error *err)
{
    struct index_stats s;
    struct terr e;

    if (index_stats(ix->ix, &s, &e) != TRAWL_OK)
        return api_fail(err, &e);
    memset(st, 0, sizeof *st);
    st->articles = s.articles;
    st->passages = s.passages;
    st->terms = s.terms;
    st->avg_passage_len = s.avg_passage_len;
    st->disk_bytes = s.disk_bytes;
    st->revision = s.revision;
    st->updated = s.updated;
    st->schema = s.schema;
    st->analyzer = s.analyzer;
    memcpy(st->lang, s.lang, sizeof st->lang);
    return api_ok(err);
}

char *trawl_stats_format(const char *path, const struct trawl_stats *st)
{
    struct index_stats s;
    struct sbuf out;

    memset(&s, 0, sizeof s);
    s.articles = st->articles;
    s.passages = st->passages;
    s.terms = st->terms;
    s.avg_passage_len = st->avg_passage_len;
    s.disk_bytes = st->disk_bytes;
    s.revision = st->revision;
    s.updated = st->updated;
    s.schema = st->schema;
    s.analyzer = st->analyzer;
    memcpy(s.lang, st->lang, sizeof s.lang);
    sbuf_init(&out);
    if (index_stats_format(path, &s, &out) != TRAWL_OK) {
        sbuf_release(&out);
        return NULL;
    }
    return sbuf_detach(&out, NULL);
}

struct each_record {
    trawl_record_fn fn;
    void *ctx;
    int stopped;
};

static int each_record_cb(void *ctx, const char *key, size_t klen,
                          const struct schema_article *rec)
{
    struct each_record *er = ctx;
    struct trawl_record r = {rec->source, rec->source_len, rec->hash, rec->size,
                             rec->mtime_ns, rec->passages};

    if (er->fn(er->ctx, key, klen, &r) != 0) {
        er->stopped = 1;
        return 1;
    }
    return 0;
}

int trawl_each_record(trawl_index *ix, trawl_record_fn fn, void *ctx, struct trawl_error *err)
{
    struct each_record er = {fn, ctx, 0};
    struct terr e;

    if (index_each_article(ix->ix, each_record_cb, &er, &e) != TRAWL_OK && !er.stopped)
        return api_fail(err, &e);
    return api_ok(err);
}

int trawl_source_get(trawl_index *ix, const char *path, struct trawl_source *out,
                     struct trawl_error *err)
{
    struct schema_source s;
    struct terr e;

    if (index_source(ix->ix, path, &s, &e) != TRAWL_OK)
        return api_fail(err, &e);
    out->size = s.size;
    out->mtime_ns = s.mtime_ns;
    out->hash = s.hash;
    out->articles = s.articles;
    return api_ok(err);
}
