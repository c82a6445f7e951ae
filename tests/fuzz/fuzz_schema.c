/* Fuzz target: bytes as something trawl reads back from an index, the first byte choosing
 * the decoder: 0 a passage's document data, 1 an article record, 2 a source record (schema.h's
 * record decoders), 3 a number and 4 a language name of the metadata header (as index_check
 * reads trawl.schema, trawl.analyzer, trawl.updated and trawl.lang). Checks schema.h's
 * promises: a decode either fails with TRAWL_EINDEX "corrupt ..." (an empty metadata value:
 * TRAWL_ENOTFOUND) and leaves its output zeroed, or returns fields that lie inside the input
 * and that the encoder writes back into a record decoding to the same fields. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/schema.h"
#include "tests/fuzz/fuzz.h"

static struct sbuf out;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sbuf_init(&out);
    return 0;
}

/* s[0..len) lies inside data[0..size) (an empty string may point anywhere). */
static int inside(const char *s, size_t len, const char *data, size_t size)
{
    if (len == 0)
        return s != NULL;
    return s >= data && len <= size && (size_t)(s - data) <= size - len;
}

static void check_failed(int rc, const struct trawl_error *err, const void *rec, size_t rec_size)
{
    static const unsigned char zero[sizeof(struct trawl_passage) + sizeof(struct trawl_record)];

    FUZZ_CHECK(rc == TRAWL_EINDEX);
    FUZZ_CHECK(strncmp(err->msg, "corrupt ", 8) == 0);
    FUZZ_CHECK(rec_size <= sizeof zero && memcmp(rec, zero, rec_size) == 0);
}

static void passage(const char *d, size_t n)
{
    struct trawl_passage p, q;
    struct trawl_error err;
    int rc = schema_passage_decode(d, n, &p, &err);

    if (rc != TRAWL_OK) {
        check_failed(rc, &err, &p, sizeof p);
        return;
    }
    FUZZ_CHECK(inside(p.article, p.article_len, d, n) && inside(p.title, p.title_len, d, n));
    FUZZ_CHECK(inside(p.date, p.date_len, d, n) && inside(p.text, p.text_len, d, n));
    FUZZ_CHECK(p.start <= p.end);
    sbuf_reset(&out);
    FUZZ_CHECK(schema_passage_encode(&p, &out) == TRAWL_OK);
    FUZZ_CHECK(out.len <= n); /* the encoder writes minimal varints */
    FUZZ_CHECK(schema_passage_decode(out.buf, out.len, &q, &err) == TRAWL_OK);
    FUZZ_CHECK(q.article_len == p.article_len && memcmp(q.article, p.article, p.article_len) == 0);
    FUZZ_CHECK(q.title_len == p.title_len && memcmp(q.title, p.title, p.title_len) == 0);
    FUZZ_CHECK(q.date_len == p.date_len && memcmp(q.date, p.date, p.date_len) == 0);
    FUZZ_CHECK(q.text_len == p.text_len && memcmp(q.text, p.text, p.text_len) == 0);
    FUZZ_CHECK(q.ordinal == p.ordinal && q.start == p.start && q.end == p.end);
}

static void article(const char *d, size_t n)
{
    struct trawl_record a, b;
    struct trawl_error err;
    int rc = schema_article_decode(d, n, &a, &err);

    if (rc != TRAWL_OK) {
        check_failed(rc, &err, &a, sizeof a);
        return;
    }
    FUZZ_CHECK(inside(a.source, a.source_len, d, n));
    sbuf_reset(&out);
    FUZZ_CHECK(schema_article_encode(&a, &out) == TRAWL_OK);
    FUZZ_CHECK(out.len <= n);
    FUZZ_CHECK(schema_article_decode(out.buf, out.len, &b, &err) == TRAWL_OK);
    FUZZ_CHECK(b.source_len == a.source_len && memcmp(b.source, a.source, a.source_len) == 0);
    FUZZ_CHECK(b.hash == a.hash && b.size == a.size && b.mtime_ns == a.mtime_ns &&
               b.passages == a.passages);
}

static void source(const char *d, size_t n)
{
    struct trawl_source s, t;
    struct trawl_error err;
    int rc = schema_source_decode(d, n, &s, &err);

    if (rc != TRAWL_OK) {
        check_failed(rc, &err, &s, sizeof s);
        return;
    }
    sbuf_reset(&out);
    FUZZ_CHECK(schema_source_encode(&s, &out) == TRAWL_OK);
    FUZZ_CHECK(out.len <= n);
    FUZZ_CHECK(schema_source_decode(out.buf, out.len, &t, &err) == TRAWL_OK);
    FUZZ_CHECK(t.size == s.size && t.mtime_ns == s.mtime_ns && t.hash == s.hash &&
               t.articles == s.articles);
}

static void number(const char *d, size_t n)
{
    struct trawl_error err;
    int64_t v;
    char back[32];
    int rc = schema_meta_number(d, n, &v, &err);

    if (rc != TRAWL_OK) {
        FUZZ_CHECK(v == -1);
        FUZZ_CHECK(rc == (n == 0 ? TRAWL_ENOTFOUND : TRAWL_EINDEX));
        FUZZ_CHECK(n == 0 || strncmp(err.msg, "corrupt ", 8) == 0);
        return;
    }
    /* Digits only, so the value printed back is the input without its leading zeros. */
    FUZZ_CHECK(v >= 0 && n >= 1 && n <= SCHEMA_META_DIGITS);
    snprintf(back, sizeof back, "%lld", (long long)v);
    while (n > 1 && d[0] == '0') {
        d++;
        n--;
    }
    FUZZ_CHECK(strlen(back) == n && memcmp(back, d, n) == 0);
}

static void lang(const char *d, size_t n)
{
    char name[SCHEMA_MAX_LANG + 1];
    struct trawl_error err;
    int rc = schema_meta_lang(d, n, name, &err);

    if (rc != TRAWL_OK) {
        FUZZ_CHECK(name[0] == '\0');
        FUZZ_CHECK(rc == (n == 0 ? TRAWL_ENOTFOUND : TRAWL_EINDEX));
        return;
    }
    FUZZ_CHECK(strlen(name) == n && memcmp(name, d, n) == 0);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((name[i] >= 'a' && name[i] <= 'z') || name[i] == '_');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *d = (const char *)data + 1;
    size_t n;

    if (size == 0)
        return 0;
    n = size - 1;
    switch (data[0] % 5) {
    case 0: passage(d, n); break;
    case 1: article(d, n); break;
    case 2: source(d, n); break;
    case 3: number(d, n); break;
    default: lang(d, n); break;
    }
    return 0;
}
