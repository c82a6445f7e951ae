/* Writes the seed corpus of fuzz_schema: records made by schema.h's encoders (and truncations
 * of each), metadata values a real index holds and a few it must refuse, each behind the
 * first byte that chooses the decoder.
 *     meson compile -C build seeds_schema && build/tests/fuzz/seeds_schema tests/fuzz/corpus/schema */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/schema.h"

static const char *dir;

static void put(const char *name, int kind, const char *data, size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((f = fopen(path, "wb")) == NULL || fputc(kind, f) == EOF ||
        fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* The record, and its truncations to half its length and to all but its last byte. */
static void put_record(const char *name, int kind, const struct sbuf *r)
{
    char cut[256];

    put(name, kind, r->buf, r->len);
    snprintf(cut, sizeof cut, "%s-half", name);
    put(cut, kind, r->buf, r->len / 2);
    snprintf(cut, sizeof cut, "%s-short", name);
    put(cut, kind, r->buf, r->len - 1);
}

int main(int argc, char **argv)
{
    struct sbuf r;
    struct trawl_passage p = {"000_251854af372bd607", 20, "Modi asks BJP MPs", 17,
                               "2018-03-26", 10, 5, 1204, 1480,
                               "Prime Minister Narendra Modi has asked each MP", 46};
    struct trawl_passage empty = {"a", 1, "", 0, "", 0, 0, 0, 0, "", 0};
    struct trawl_passage big = {"x", 1, "t", 1, "", 0, UINT32_MAX, 0, UINT64_MAX, "y", 1};
    struct trawl_record a = {"corpus/000_251854af372bd607.txt", 31, 0x0123456789abcdefULL,
                               4821, 1700000000123456789LL, 12};
    struct trawl_record neg = {"", 0, UINT64_MAX, 0, -1, 0};
    struct trawl_source s = {123456, 1700000000000000000LL, 0xfedcba9876543210ULL, 3};
    static const char *const numbers[] = {"3", "1", "1700000000", "0", "", "3\0junk", "-1",
                                          " 3", "999999999999999999", "1000000000000000000"};
    static const size_t number_len[] = {1, 1, 10, 1, 0, 6, 2, 2, 18, 19};
    static const char *const langs[] = {"english", "none", "porter", "", "English", "eng\0x",
                                        "a_b", "abcdefghijklmnopqrstuvwxyzabcdef"};
    static const size_t lang_len[] = {7, 4, 6, 0, 7, 5, 3, 32};
    char name[64];

    if (argc != 2) {
        fprintf(stderr, "usage: seeds_schema FOLDER\n");
        return 2;
    }
    dir = argv[1];
    sbuf_init(&r);
    if (schema_passage_encode(&p, &r) != TRAWL_OK)
        return 1;
    put_record("passage", 0, &r);
    sbuf_reset(&r);
    if (schema_passage_encode(&empty, &r) != TRAWL_OK)
        return 1;
    put_record("passage-empty", 0, &r);
    sbuf_reset(&r);
    if (schema_passage_encode(&big, &r) != TRAWL_OK)
        return 1;
    put_record("passage-extremes", 0, &r);
    r.buf[0] = 2; /* a record of a format version this trawl does not know */
    put("passage-version-2", 0, r.buf, r.len);
    sbuf_reset(&r);
    if (schema_article_encode(&a, &r) != TRAWL_OK)
        return 1;
    put_record("article", 1, &r);
    sbuf_reset(&r);
    if (schema_article_encode(&neg, &r) != TRAWL_OK)
        return 1;
    put_record("article-extremes", 1, &r);
    sbuf_reset(&r);
    if (schema_source_encode(&s, &r) != TRAWL_OK)
        return 1;
    put_record("source", 2, &r);
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
        snprintf(name, sizeof name, "number-%zu", i);
        put(name, 3, numbers[i], number_len[i]);
    }
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
        snprintf(name, sizeof name, "lang-%zu", i);
        put(name, 4, langs[i], lang_len[i]);
    }
    sbuf_release(&r);
    return 0;
}
