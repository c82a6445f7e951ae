/* Unit tests of common/schema: record round trips, corrupt records, key hashing, FNV-1a. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/schema.h"

static int setup(void **state)
{
    struct sbuf *sb = malloc(sizeof *sb);

    if (sb == NULL)
        return -1;
    sbuf_init(sb);
    *state = sb;
    return 0;
}

static int teardown(void **state)
{
    sbuf_release(*state);
    free(*state);
    return 0;
}

/* Decodes a malloc'ed copy of data[0..len), so that ASan sees any read past its end. */
typedef int (*decode_fn)(const char *data, size_t len, void *out, struct trawl_error *err);

static int dec_passage(const char *d, size_t n, void *o, struct trawl_error *e)
{
    return schema_passage_decode(d, n, o, e);
}
static int dec_article(const char *d, size_t n, void *o, struct trawl_error *e)
{
    return schema_article_decode(d, n, o, e);
}
static int dec_source(const char *d, size_t n, void *o, struct trawl_error *e)
{
    return schema_source_decode(d, n, o, e);
}

static int decode_copy(decode_fn fn, const char *data, size_t len, void *out, struct trawl_error *err)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    if (len)
        memcpy(copy, data, len);
    rc = fn(copy, len, out, err);
    free(copy);
    return rc;
}

/* Every strict prefix of an encoding, and the encoding with a byte added, is refused. */
static void check_truncations(decode_fn fn, const struct sbuf *enc, void *out, const char *what)
{
    struct trawl_error err;
    char *longer;
    size_t i;

    for (i = 0; i < enc->len; i++) {
        assert_int_equal(decode_copy(fn, enc->buf, i, out, &err), TRAWL_EINDEX);
        assert_non_null(strstr(err.msg, what));
    }
    longer = malloc(enc->len + 1);
    assert_non_null(longer);
    memcpy(longer, enc->buf, enc->len);
    longer[enc->len] = 0;
    assert_int_equal(decode_copy(fn, longer, enc->len + 1, out, &err), TRAWL_EINDEX);
    /* Another format version. */
    memcpy(longer, enc->buf, enc->len);
    longer[0] = 2;
    assert_int_equal(decode_copy(fn, longer, enc->len, out, &err), TRAWL_EINDEX);
    assert_non_null(strstr(err.msg, "unknown format version 2"));
    free(longer);
}

static void test_passage_round_trip(void **state)
{
    struct sbuf *sb = *state;
    struct trawl_passage in = {"reuters-1", 9, "GRAIN \xE2\x80\xA6", 9, "1987-02-26", 10,
                                7, 1234, 1300, "some text\0with NUL", 18,
                                "https://example.com/a", 21, "Example Times", 13};
    struct trawl_passage out;
    struct trawl_error err;

    assert_int_equal(schema_passage_encode(&in, sb), TRAWL_OK);
    assert_int_equal(sb->buf[0], 1); /* format version */
    assert_int_equal(schema_passage_decode(sb->buf, sb->len, &out, &err), TRAWL_OK);
    assert_int_equal(out.article_len, 9);
    assert_memory_equal(out.article, "reuters-1", 9);
    assert_int_equal(out.title_len, 9);
    assert_memory_equal(out.title, in.title, 9);
    assert_int_equal(out.date_len, 10);
    assert_memory_equal(out.date, "1987-02-26", 10);
    assert_int_equal(out.ordinal, 7);
    assert_int_equal(out.start, 1234);
    assert_int_equal(out.end, 1300);
    assert_int_equal(out.text_len, 18);
    assert_memory_equal(out.text, in.text, 18);
    assert_int_equal(out.url_len, 21);
    assert_memory_equal(out.url, "https://example.com/a", 21);
    assert_int_equal(out.source_len, 13);
    assert_memory_equal(out.source, "Example Times", 13);
    /* Strings are borrowed from the data. */
    assert_true(out.text >= sb->buf && out.text + out.text_len <= sb->buf + sb->len);
    check_truncations(dec_passage, sb, &out, "corrupt passage data");
}

static void test_passage_extremes(void **state)
{
    struct sbuf *sb = *state;
    struct trawl_passage in, out;
    struct trawl_error err;

    memset(&in, 0, sizeof in); /* empty strings (NULL with length 0), zero numbers */
    assert_int_equal(schema_passage_encode(&in, sb), TRAWL_OK);
    assert_int_equal(schema_passage_decode(sb->buf, sb->len, &out, &err), TRAWL_OK);
    assert_int_equal(out.article_len + out.title_len + out.date_len + out.text_len, 0);
    assert_int_equal(out.ordinal, 0);
    check_truncations(dec_passage, sb, &out, "corrupt passage data");

    sbuf_reset(sb);
    in.ordinal = UINT32_MAX;
    in.start = UINT64_MAX - 1;
    in.end = UINT64_MAX;
    assert_int_equal(schema_passage_encode(&in, sb), TRAWL_OK);
    assert_int_equal(schema_passage_decode(sb->buf, sb->len, &out, &err), TRAWL_OK);
    assert_int_equal(out.ordinal, UINT32_MAX);
    assert_true(out.start == UINT64_MAX - 1);
    assert_true(out.end == UINT64_MAX);
    check_truncations(dec_passage, sb, &out, "corrupt passage data");

    /* start after end is not a passage. */
    sbuf_reset(sb);
    in.start = 10;
    in.end = 5;
    assert_int_equal(schema_passage_encode(&in, sb), TRAWL_OK);
    assert_int_equal(schema_passage_decode(sb->buf, sb->len, &out, &err), TRAWL_EINDEX);
}

static void test_garbage_is_refused(void **state)
{
    /* A huge string length, an over-long varint, an empty record, plain text. */
    static const char huge_len[] = "\x01\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x7F" "abc";
    static const char long_varint[] = "\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01";
    static const char text[] = "reuters-1 GRAIN";
    struct trawl_passage p;
    struct trawl_record a;
    struct trawl_source s;
    struct trawl_error err;
    unsigned seed = 7;
    char buf[64];
    int i;

    (void)state;
    assert_int_equal(decode_copy(dec_passage, huge_len, sizeof huge_len - 1, &p, &err),
                     TRAWL_EINDEX);
    assert_string_equal(err.msg, "corrupt passage data");
    assert_int_equal(decode_copy(dec_passage, long_varint, sizeof long_varint - 1, &p, &err),
                     TRAWL_EINDEX);
    assert_int_equal(decode_copy(dec_article, huge_len, sizeof huge_len - 1, &a, &err),
                     TRAWL_EINDEX);
    assert_int_equal(decode_copy(dec_source, long_varint, sizeof long_varint - 1, &s, &err),
                     TRAWL_EINDEX);
    assert_int_equal(schema_passage_decode(NULL, 0, &p, &err), TRAWL_EINDEX);
    assert_int_equal(schema_passage_decode("", 0, &p, &err), TRAWL_EINDEX);
    assert_int_equal(decode_copy(dec_passage, text, sizeof text - 1, &p, &err), TRAWL_EINDEX);
    /* Random records of version 1: refused or decoded, never read out of bounds. */
    for (i = 0; i < 20000; i++) {
        size_t len, k;
        seed = seed * 1103515245u + 12345u;
        len = 1 + (seed >> 8) % sizeof buf;
        buf[0] = 1;
        for (k = 1; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = (char)((seed >> 16) % 4 ? (seed >> 16) % 8 : seed >> 20);
        }
        if (decode_copy(dec_passage, buf, len, &p, &err) == TRAWL_OK)
            assert_true(p.article_len + p.title_len + p.date_len + p.text_len < len);
        decode_copy(dec_article, buf, len, &a, &err);
        decode_copy(dec_source, buf, len, &s, &err);
    }
}

static void test_article_record_round_trip(void **state)
{
    static const int64_t mtimes[] = {0, 1, -1, 1700000000123456789LL, INT64_MIN, INT64_MAX};
    struct sbuf *sb = *state;
    struct trawl_record in = {"corpus/a.txt", 12, 0xDEADBEEFCAFEF00DULL, 2005, 0, 8};
    struct trawl_record out;
    struct trawl_error err;
    size_t i;

    for (i = 0; i < sizeof mtimes / sizeof mtimes[0]; i++) {
        sbuf_reset(sb);
        in.mtime_ns = mtimes[i];
        in.size = i == 5 ? UINT64_MAX : 2005;
        in.passages = i == 5 ? UINT32_MAX : 8;
        assert_int_equal(schema_article_encode(&in, sb), TRAWL_OK);
        assert_int_equal(schema_article_decode(sb->buf, sb->len, &out, &err), TRAWL_OK);
        assert_int_equal(out.source_len, 12);
        assert_memory_equal(out.source, "corpus/a.txt", 12);
        assert_true(out.hash == in.hash);
        assert_true(out.size == in.size);
        assert_true(out.mtime_ns == in.mtime_ns);
        assert_int_equal(out.passages, in.passages);
        check_truncations(dec_article, sb, &out, "corrupt article record data");
    }
}

static void test_source_record_round_trip(void **state)
{
    struct sbuf *sb = *state;
    struct trawl_source in = {17799555, -5, 0x0123456789ABCDEFULL, 19043};
    struct trawl_source out;
    struct trawl_error err;

    assert_int_equal(schema_source_encode(&in, sb), TRAWL_OK);
    assert_int_equal(schema_source_decode(sb->buf, sb->len, &out, &err), TRAWL_OK);
    assert_true(out.size == 17799555);
    assert_true(out.mtime_ns == -5);
    assert_true(out.hash == 0x0123456789ABCDEFULL);
    assert_true(out.articles == 19043);
    check_truncations(dec_source, sb, &out, "corrupt source record data");
}

static void test_article_key(void **state)
{
    struct sbuf *sb = *state;
    char id[300];
    char hex[20];

    memset(id, 'a', sizeof id);
    /* Short and exactly SCHEMA_MAX_ID: the id itself, appended to what is there. */
    assert_int_equal(sbuf_adds(sb, "A"), TRAWL_OK);
    assert_int_equal(schema_article_key("reuters-1", 9, sb), TRAWL_OK);
    assert_string_equal(sb->buf, "Areuters-1");
    sbuf_reset(sb);
    assert_int_equal(schema_article_key(id, SCHEMA_MAX_ID, sb), TRAWL_OK);
    assert_int_equal(sb->len, SCHEMA_MAX_ID);
    assert_memory_equal(sb->buf, id, SCHEMA_MAX_ID);

    /* Longer: 180 bytes, "~", 16 hex digits of the whole id's FNV-1a. */
    sbuf_reset(sb);
    assert_int_equal(schema_article_key(id, sizeof id, sb), TRAWL_OK);
    assert_int_equal(sb->len, 180 + 1 + 16);
    assert_true(sb->len <= SCHEMA_MAX_ID);
    assert_memory_equal(sb->buf, id, 180);
    assert_int_equal(sb->buf[180], '~');
    snprintf(hex, sizeof hex, "%016llx",
             (unsigned long long)schema_hash(TRAWL_HASH_SEED, id, sizeof id));
    assert_string_equal(sb->buf + 181, hex);

    /* Ids that differ only after byte 180 get different keys. */
    {
        struct sbuf other;
        sbuf_init(&other);
        id[299] = 'b';
        assert_int_equal(schema_article_key(id, sizeof id, &other), TRAWL_OK);
        assert_int_equal(other.len, sb->len);
        assert_memory_not_equal(other.buf, sb->buf, sb->len);
        sbuf_release(&other);
    }
}

static uint64_t fnv_reference(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void test_hash(void **state)
{
    char buf[64];
    size_t i;

    (void)state;
    /* Published FNV-1a 64 test vectors. */
    assert_true(schema_hash(TRAWL_HASH_SEED, "", 0) == 0xcbf29ce484222325ULL);
    assert_true(schema_hash(TRAWL_HASH_SEED, "a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(schema_hash(TRAWL_HASH_SEED, "foobar", 6) == 0x85944171f73967e8ULL);
    /* Running hash == one-shot hash. */
    assert_true(schema_hash(schema_hash(TRAWL_HASH_SEED, "foo", 3), "bar", 3) ==
                schema_hash(TRAWL_HASH_SEED, "foobar", 6));
    /* The 8-bytes-a-round loop agrees with byte at a time for every length and tail. */
    for (i = 0; i < sizeof buf; i++)
        buf[i] = (char)(i * 37 + 11);
    for (i = 0; i <= sizeof buf; i++)
        assert_true(schema_hash(TRAWL_HASH_SEED, buf, i) ==
                    fnv_reference(TRAWL_HASH_SEED, buf, i));
}

/* The header's numbers: digits only. strtol took "3\0junk", " 3" and "+3" for 3, and "-1"
 * for an absent key. */
static void test_meta_number(void **state)
{
    struct trawl_error err;
    int64_t v;

    (void)state;
    assert_int_equal(schema_meta_number("3", 1, &v, &err), TRAWL_OK);
    assert_true(v == 3);
    assert_int_equal(schema_meta_number("1700000000", 10, &v, &err), TRAWL_OK);
    assert_true(v == 1700000000);
    assert_int_equal(schema_meta_number("999999999999999999", 18, &v, &err), TRAWL_OK);
    assert_int_equal(schema_meta_number("", 0, &v, &err), TRAWL_ENOTFOUND);
    assert_true(v == -1);
    assert_int_equal(schema_meta_number("3\0junk", 6, &v, &err), TRAWL_EINDEX);
    assert_string_equal(err.msg, "corrupt metadata value: not a number");
    assert_int_equal(schema_meta_number(" 3", 2, &v, &err), TRAWL_EINDEX);
    assert_int_equal(schema_meta_number("+3", 2, &v, &err), TRAWL_EINDEX);
    assert_int_equal(schema_meta_number("-1", 2, &v, &err), TRAWL_EINDEX);
    assert_int_equal(schema_meta_number("1000000000000000000", 19, &v, &err), TRAWL_EINDEX);
    assert_true(v == -1);
}

static void test_meta_lang(void **state)
{
    char out[SCHEMA_MAX_LANG + 1];
    struct trawl_error err;

    (void)state;
    assert_int_equal(schema_meta_lang("english", 7, out, &err), TRAWL_OK);
    assert_string_equal(out, "english");
    assert_int_equal(schema_meta_lang("", 0, out, &err), TRAWL_ENOTFOUND);
    assert_int_equal(schema_meta_lang("eng\0lish", 8, out, &err), TRAWL_EINDEX);
    assert_string_equal(out, "");
    assert_int_equal(schema_meta_lang("English", 7, out, &err), TRAWL_EINDEX);
    assert_int_equal(schema_meta_lang("abcdefghijklmnopqrstuvwxyzabcdef", 32, out, &err),
                     TRAWL_EINDEX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_passage_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passage_extremes, setup, teardown),
        cmocka_unit_test(test_garbage_is_refused),
        cmocka_unit_test_setup_teardown(test_article_record_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_record_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_key, setup, teardown),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_meta_number),
        cmocka_unit_test(test_meta_lang),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
