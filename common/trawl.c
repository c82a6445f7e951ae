/* trawl: the public API's general part: status names, versions, languages, articles, JSON
 * Lines and hashes. Searching is in trawl_search.c, writing in trawl_write.c. */
#include "common/trawl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "common/api.h"
#include "common/index.h"
#include "common/jsonl.h"
#include "common/schema.h"
#include "trawl_config.h"

int api_fail(struct trawl_error *out, const struct trawl_error *e)
{
    if (out != NULL) {
        *out = *e;
        out->msg[sizeof out->msg - 1] = '\0';
        out->column = 0; /* a query's column is the API's to set */
    }
    return (int)e->code;
}

int api_ok(struct trawl_error *out)
{
    if (out != NULL) {
        out->code = TRAWL_OK;
        out->msg[0] = '\0';
        out->column = 0;
    }
    return TRAWL_OK;
}

/* An internal call's status, its error copied out when it failed. */
static int pass(int rc, struct trawl_error *out, const struct trawl_error *e)
{
    return rc == TRAWL_OK ? api_ok(out) : api_fail(out, e);
}

int api_record_each(void *ctx, const char *key, size_t klen, const struct trawl_record *a)
{
    struct api_records *c = ctx;

    if (c->fn == NULL || c->fn(c->ctx, key, klen, a) != 0) {
        c->stopped = 1;
        return 1;
    }
    return 0;
}

const char *trawl_status_name(int code)
{
    return terr_name(code);
}

const char *trawl_version(void)
{
    return TRAWL_VERSION;
}

const char *trawl_library_versions(void)
{
    static char text[160];

    /* Filled once; the versions do not change while the process runs. */
    if (text[0] == '\0')
        snprintf(text, sizeof text, "Xapian %s, libstemmer %s, utf8proc %s",
                 index_xapian_version(), TRAWL_LIBSTEMMER_VERSION, utf8proc_version());
    return text;
}

int trawl_language_known(const char *lang)
{
    return index_language_known(lang);
}

const char *const *trawl_languages(void)
{
    return (const char *const *)index_languages();
}

/* ---- Articles --------------------------------------------------------------------------- */

trawl_article *trawl_article_new(void)
{
    trawl_article *a = malloc(sizeof *a);

    if (a != NULL)
        article_init(&a->a);
    return a;
}

void trawl_article_free(trawl_article *a)
{
    if (a == NULL)
        return;
    article_release(&a->a);
    free(a);
}

int trawl_article_from_file(trawl_article *a, const char *id, const char *buf, size_t len,
                            struct trawl_error *err)
{
    struct trawl_error e;

    return pass(article_from_file(&a->a, id, buf, len, &e), err, &e);
}

int trawl_article_from_fields(trawl_article *a, const char *id, const char *text,
                              size_t text_len, const char *title, const char *date,
                              const char *url, const char *source, struct trawl_error *err)
{
    struct trawl_error e;

    return pass(article_from_fields(&a->a, id, text, text_len, title, date, url, source, &e),
                err, &e);
}

const char *trawl_article_id(const trawl_article *a)
{
    return a->a.id;
}

size_t trawl_article_text_len(const trawl_article *a)
{
    return a->a.body_len;
}

unsigned trawl_article_warnings(const trawl_article *a)
{
    return a->a.warnings;
}

uint64_t trawl_article_hash(const trawl_article *a)
{
    const struct article *x = &a->a;
    const char *f[] = {x->id, x->title, x->date, x->url ? x->url : "",
                       x->source ? x->source : ""};
    uint64_t h = TRAWL_HASH_SEED;

    /* Each field with its NUL, so that moving bytes between fields changes the hash. */
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        h = schema_hash(h, f[i], strlen(f[i]) + 1);
    return schema_hash(h, x->body, x->body_len);
}

uint64_t trawl_hash(uint64_t h, const void *data, size_t len)
{
    return schema_hash(h, data, len);
}

size_t trawl_article_key(const char *id, size_t len, char out[TRAWL_KEY_MAX])
{
    struct sbuf key;
    size_t n = 0;

    sbuf_init(&key);
    /* Keys are at most SCHEMA_MAX_ID bytes, so only OOM can leave out empty. */
    if (schema_article_key(id, len, &key) == TRAWL_OK && key.len < TRAWL_KEY_MAX) {
        memcpy(out, key.buf, key.len);
        n = key.len;
    }
    out[n] = '\0';
    sbuf_release(&key);
    return n;
}

/* ---- JSON Lines ------------------------------------------------------------------------- */

/* trawl_jsonl is jsonl.h's reader behind an opaque name. */
struct trawl_jsonl {
    struct jsonl *r;
};

int trawl_jsonl_open(const char *path, size_t max_line, trawl_jsonl **out,
                     struct trawl_error *err)
{
    struct trawl_error e;
    trawl_jsonl *j = malloc(sizeof *j);
    int rc;

    *out = NULL;
    if (j == NULL)
        return api_fail(err, &(struct trawl_error){TRAWL_ENOMEM, "out of memory", 0});
    rc = jsonl_open(path, max_line, &j->r, &e);
    if (rc != TRAWL_OK) {
        free(j);
        return api_fail(err, &e);
    }
    *out = j;
    return api_ok(err);
}

void trawl_jsonl_close(trawl_jsonl *r)
{
    if (r == NULL)
        return;
    jsonl_close(r->r);
    free(r);
}

int trawl_jsonl_next(trawl_jsonl *r, trawl_article *a, int *got, struct trawl_error *err)
{
    struct trawl_error e;

    return pass(jsonl_next(r->r, &a->a, got, &e), err, &e);
}

size_t trawl_jsonl_line(const trawl_jsonl *r)
{
    return jsonl_line(r->r);
}

size_t trawl_jsonl_file_offset(const trawl_jsonl *r)
{
    return jsonl_file_offset(r->r);
}
