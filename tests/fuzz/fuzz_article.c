/* Fuzz target: arbitrary bytes as an article file, parsed by article_from_file() and then
 * prepared for the index (passages, terms, the stored record) as the indexer does, without
 * writing anything. Checks article.h's promises: a body of valid UTF-8 with no control
 * characters but tab and newline, a title of valid UTF-8 and bounded length, and a date that
 * is empty or valid. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "common/analyze.h"
#include "common/article.h"
#include "common/index.h"
#include "common/passage.h"
#include "common/schema.h"
#include "tests/fuzz/fuzz.h"

static struct analyzer *an;

static int clean_utf8(const char *s, size_t len)
{
    utf8proc_int32_t cp;

    while (len > 0) {
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp);
        if (n <= 0)
            return 0;
        if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F)
            return 0;
        s += n;
        len -= (size_t)n;
    }
    return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct trawl_error err;

    (void)argc;
    (void)argv;
    if (analyzer_new("english", &an, &err) != TRAWL_OK)
        fuzz_die("analyzer_new", err.msg);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct article a;
    struct trawl_error err;
    struct trawl_record rec;
    struct passage_opts po;
    struct index_prep *p = NULL;
    int rc;

    article_init(&a);
    rc = article_from_file(&a, "fuzz", (const char *)data, size, &err);
    if (rc != TRAWL_OK) {
        /* Only binary input is refused: a NUL in the first 8 KiB. */
        FUZZ_CHECK(rc == TRAWL_EINPUT);
        FUZZ_CHECK(memchr(data, '\0', size < 8192 ? size : 8192) != NULL);
        FUZZ_CHECK(a.body_len == 0 && strcmp(a.id, "") == 0);
        article_release(&a);
        return 0;
    }
    FUZZ_CHECK(strcmp(a.id, "fuzz") == 0);
    FUZZ_CHECK(a.body[a.body_len] == '\0' && strlen(a.body) == a.body_len);
    FUZZ_CHECK(clean_utf8(a.body, a.body_len));
    FUZZ_CHECK(clean_utf8(a.title, strlen(a.title)));
    FUZZ_CHECK(strlen(a.title) <= ARTICLE_TITLE_MAX); /* "…" included */
    FUZZ_CHECK(a.date[0] == '\0' || article_valid_date(a.date, strlen(a.date)));
    FUZZ_CHECK((a.warnings &
                ~(unsigned)(TRAWL_WARN_BAD_DATE | TRAWL_WARN_UTF8 | TRAWL_WARN_EMPTY)) == 0);

    memset(&rec, 0, sizeof rec);
    rec.source = "fuzz.txt";
    rec.source_len = 8;
    rec.hash = schema_hash(TRAWL_HASH_SEED, data, size);
    rec.size = size;
    passage_opts_init(&po);
    po.min_words = 1 + (size & 31); /* vary the passage rule with the input */
    po.max_words = po.min_words + (size & 255);
    rc = index_prepare(an, &a, &po, 0, &rec, &p, &err);
    FUZZ_CHECK(rc == TRAWL_OK);
    FUZZ_CHECK(strcmp(index_prep_id(p), "fuzz") == 0);
    FUZZ_CHECK((a.warnings & TRAWL_WARN_EMPTY) == 0 || index_prep_passages(p) == 0);
    index_prep_free(p);
    article_release(&a);
    return 0;
}
