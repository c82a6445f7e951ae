/* Unit tests of libtrawl's public API, trawl.h, as a program sees it: linked against the shared
 * library and including nothing else of common/. Every function of trawl.h is called (the last
 * test fails when the header gains one this file does not call), on indexes built here with the
 * writer: normal use, the NULL and ownership rules the header states, and the errors it names.
 * Run it under valgrind or ASan to check the ownership rules: nothing may leak. One file past
 * the usual 800 lines on purpose: it is the map of trawl.h, in the header's order, and the map
 * check reads it whole. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkdtemp, nftw */
#endif
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h> /* after stdarg.h, stddef.h and setjmp.h */

#include "common/trawl.h"
#include "tmptree.h"

#ifndef TRAWL_SOURCE_ROOT
#define TRAWL_SOURCE_ROOT ".." /* a build folder beside the sources */
#endif

/* A call that must succeed; on failure the library's own message says why. */
#define CHECK_OK(call, e)                                                                          \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != TRAWL_OK)                                                                       \
            fail_msg("%s: %s (%d): %s", #call, trawl_status_name(rc_), rc_, (e)->msg);             \
    } while (0)

/* A call that must fail with status want, filling err with it and a message. */
#define CHECK_FAILS(call, want, e)                                                                 \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != (want))                                                                         \
            fail_msg("%s: %s (%d), expected %s: %s", #call, trawl_status_name(rc_), rc_,           \
                     trawl_status_name(want), (e)->msg);                                           \
        assert_int_equal((e)->code, (want));                                                       \
        assert_true((e)->msg[0] != '\0');                                                          \
    } while (0)

/* ---- The fixture: an index of a few articles, built once through the writer --------------- */

static const char MOON[] =
    " date 2018-03-26 The rover landed on the moon on Friday after a journey of three weeks, "
    "and the mission team said its cameras and drills were working well in the cold.\n\n"
    "Engineers will drive the rover across the crater next month to look for ice under the "
    "dust, which could one day supply water to a crewed base near the pole.\n\n"
    "The landing was the first on the far side by any country, and scientists around the "
    "world praised the precision of the final descent onto the rough ground.\n";
static const char HARBOUR[] =
    " date yesterday The harbour authority published new tide tables for the winter, warning "
    "sailors that the spring tides will run higher than usual along the northern coast.\n";
#define TIDE_TEXT                                                                                  \
    "Spring tides will run higher than usual this winter along the northern coast, the "           \
    "harbour master said, and boats moored in the outer basin should be moved before the "         \
    "storms of February. The tables are printed in the almanac and posted at the harbour."
#define GOV_TEXT                                                                                   \
    "The government met the unions. The government said talks went well. The government "          \
    "will meet them again. The government has a plan. The government wants a deal. The "           \
    "government expects a vote. The government is hopeful. The government thanked them. "          \
    "The government left."

struct fixture {
    char dir[64];    /* the scratch folder; everything is made under it */
    char db[128];    /* the fixture index */
    char jsonl[128]; /* its JSON Lines input */
    trawl_index *ix;
    size_t articles; /* put into it */
    int phases;      /* the trawl_writer_opts.phase calls seen, one bit per phase */
};

static struct fixture F;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static long ftell_size(const char *path)
{
    struct stat sb;

    assert_int_equal(stat(path, &sb), 0);
    return (long)sb.st_size;
}

static void on_phase(void *ctx, enum trawl_phase phase)
{
    *(int *)ctx |= 1 << phase;
}

/* A record as a program that read a file of len bytes makes it. */
static struct trawl_record file_record(const char *source, const char *buf, size_t len)
{
    struct trawl_record rec;

    memset(&rec, 0, sizeof rec);
    rec.source = source;
    rec.source_len = strlen(source);
    rec.hash = trawl_hash(TRAWL_HASH_SEED, buf, len);
    rec.size = len;
    rec.mtime_ns = 1000000000;
    return rec;
}

/* Parses an article file's bytes and queues it. */
static void put_file(trawl_writer *w, const char *id, const char *buf)
{
    struct trawl_error err;
    trawl_article *a = trawl_article_new();
    struct trawl_record rec = file_record(id, buf, strlen(buf));

    assert_non_null(a);
    CHECK_OK(trawl_article_from_file(a, id, buf, strlen(buf), &err), &err);
    CHECK_OK(trawl_writer_put(w, a, &rec, 1, &err), &err);
    /* put takes the contents: a is left empty */
    assert_string_equal(trawl_article_id(a), "");
    assert_int_equal(trawl_article_text_len(a), 0);
    trawl_article_free(a);
}

/* Queues every good line of a JSON Lines file; returns how many, and the bad lines in *bad. */
static size_t put_jsonl(trawl_writer *w, const char *path, size_t *bad)
{
    struct trawl_error err;
    struct trawl_source src = {0};
    trawl_jsonl *r = NULL;
    trawl_article *a = trawl_article_new();
    struct stat sb;
    size_t n = 0;
    int got = 0, rc;

    *bad = 0;
    assert_non_null(a);
    assert_int_equal(stat(path, &sb), 0);
    CHECK_OK(trawl_jsonl_open(path, 1 << 20, &r, &err), &err);
    while ((rc = trawl_jsonl_next(r, a, &got, &err)) != TRAWL_OK || got) {
        struct trawl_record rec;
        if (rc == TRAWL_EINPUT) { /* this line is bad: go on with the next */
            assert_non_null(strstr(err.msg, "line "));
            (*bad)++;
            continue;
        }
        CHECK_OK(rc, &err);
        memset(&rec, 0, sizeof rec);
        rec.source = path;
        rec.source_len = strlen(path);
        rec.hash = trawl_article_hash(a);
        rec.size = trawl_article_text_len(a);
        CHECK_OK(trawl_writer_put(w, a, &rec, 1, &err), &err);
        n++;
    }
    src.size = (uint64_t)sb.st_size;
    src.hash = 42;
    src.articles = n;
    assert_int_equal(trawl_jsonl_file_offset(r), (size_t)sb.st_size);
    CHECK_OK(trawl_writer_set_source(w, path, &src, &err), &err);
    trawl_jsonl_close(r);
    trawl_article_free(a);
    return n;
}

static void jsonl_line(FILE *f, const char *id, const char *title, const char *date,
                       const char *url, const char *text)
{
    fprintf(f, "{\"id\": \"%s\", \"text\": \"%s\"", id, text);
    if (title)
        fprintf(f, ", \"title\": \"%s\"", title);
    if (date)
        fprintf(f, ", \"date\": \"%s\"", date);
    if (url)
        fprintf(f, ", \"url\": \"%s\", \"source\": \"Example Times\"", url);
    fputs("}\n", f);
}

/* The fixture's JSON Lines file: two copies of a story (near-duplicates), a bad line, twelve
 * articles saying "government" nine times each and one saying "goverment" (a typo over 100
 * times rarer). */
static void write_fixture_jsonl(const char *path)
{
    FILE *f = fopen(path, "w");
    char id[16];

    assert_non_null(f);
    jsonl_line(f, "tide-a", "Tide tables for the winter", "2020-01-02", "https://example.org/tide",
               TIDE_TEXT);
    jsonl_line(f, "tide-b", "Tide tables for the winter", "2020-01-02", NULL, TIDE_TEXT);
    fputs("{\"id\": 5}\n", f); /* line 3: bad */
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof id, "gov-%02d", i);
        jsonl_line(f, id, NULL, "2019-05-01", NULL, GOV_TEXT);
    }
    jsonl_line(f, "typo", NULL, NULL, NULL,
               "The goverment of the island announced a new fee for visiting ships.");
    assert_int_equal(fclose(f), 0);
}

static int build_fixture(void **state)
{
    struct trawl_writer_opts wo = {0};
    struct trawl_write_counts c = {0};
    struct trawl_error err;
    trawl_writer *w = NULL;
    size_t bad = 0;

    (void)state;
    strcpy(F.dir, "/tmp/trawl-test-api-XXXXXX");
    if (mkdtemp(F.dir) == NULL)
        return -1;
    snprintf(F.db, sizeof F.db, "%s/fixture.db", F.dir);
    snprintf(F.jsonl, sizeof F.jsonl, "%s/news.jsonl", F.dir);
    write_fixture_jsonl(F.jsonl);
    wo.jobs = 2;
    wo.parts = 2;
    wo.phase = on_phase;
    wo.phase_ctx = &F.phases;
    CHECK_OK(trawl_writer_open(F.db, &wo, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_file(w, "moon", MOON);
    put_file(w, "harbour", HARBOUR);
    F.articles = 2 + put_jsonl(w, F.jsonl, &bad);
    assert_int_equal(bad, 1);
    assert_int_equal(F.articles, 2 + 2 + 12 + 1);
    CHECK_OK(trawl_writer_finish(w, &c, &err), &err);
    trawl_writer_close(w);
    assert_int_equal(c.put, F.articles);
    assert_int_equal(c.removed, 0);
    assert_true(c.passages >= F.articles);
    assert_true(c.bytes > 0);
    /* a build from nothing in two parts: written, then merged */
    assert_int_equal(F.phases, 1 << TRAWL_PHASE_WRITING | 1 << TRAWL_PHASE_MERGING);
    CHECK_OK(trawl_open(F.db, NULL, &F.ix, &err), &err);
    return 0;
}

static int remove_fixture(void **state)
{
    (void)state;
    trawl_close(F.ix);
    F.ix = NULL;
    if (F.dir[0] != '\0')
        tmptree_remove(F.dir);
    return 0;
}

/* Runs query with opts (NULL: the defaults) on the fixture; the results are the caller's. */
static trawl_results *search(const char *query, const struct trawl_search_opts *opts)
{
    struct trawl_error err;
    trawl_results *r = NULL;

    CHECK_OK(trawl_search(F.ix, query, strlen(query), opts, &r, &err), &err);
    assert_non_null(r);
    return r;
}

static int id_is(const struct trawl_passage *p, const char *id)
{
    return p->article_len == strlen(id) && memcmp(p->article, id, p->article_len) == 0;
}

/* ---- Status, versions, languages ----------------------------------------------------------- */

static void test_status_names(void **state)
{
    const char *seen[TRAWL_ECANCELLED + 1];

    (void)state;
    assert_string_equal(trawl_status_name(TRAWL_OK), "ok");
    assert_string_equal(trawl_status_name(TRAWL_ENOMEM), "out of memory");
    assert_string_equal(trawl_status_name(TRAWL_ELOCKED), "index locked");
    /* every code has its own name; codes the header does not list have one too */
    for (int c = TRAWL_OK; c <= TRAWL_ECANCELLED; c++) {
        seen[c] = trawl_status_name(c);
        assert_non_null(seen[c]);
        for (int d = TRAWL_OK; d < c; d++)
            assert_string_not_equal(seen[c], seen[d]);
    }
    assert_non_null(trawl_status_name(-1));
    assert_non_null(trawl_status_name(1000));
}

static void test_versions(void **state)
{
    unsigned major, minor, patch;
    char end;

    (void)state;
    /* "0.1.0": three numbers, nothing after */
    assert_int_equal(sscanf(trawl_version(), "%u.%u.%u%c", &major, &minor, &patch, &end), 3);
    /* "Xapian 1.4.22, libstemmer 2.2.0, utf8proc 2.8.0": static, the same pointer each time */
    assert_non_null(strstr(trawl_library_versions(), "Xapian 1."));
    assert_non_null(strstr(trawl_library_versions(), ", libstemmer "));
    assert_non_null(strstr(trawl_library_versions(), ", utf8proc "));
    assert_ptr_equal(trawl_library_versions(), trawl_library_versions());
}

static void test_languages(void **state)
{
    const char *const *l = trawl_languages();
    int english = 0, n = 0;

    (void)state;
    for (; *l != NULL; l++, n++) {
        english |= strcmp(*l, "english") == 0;
        assert_true(trawl_language_known(*l));
    }
    assert_true(english);
    assert_true(n > 10);
    assert_true(trawl_language_known("none"));
    assert_false(trawl_language_known("klingon"));
    assert_false(trawl_language_known(""));
}

/* ---- Articles ------------------------------------------------------------------------------ */

static void test_article_from_file(void **state)
{
    struct trawl_error err;
    trawl_article *a = trawl_article_new();
    static const char bad_utf8[] = " date 2020-02-29 caf\xC3 au lait";
    static const char binary[] = "text\0with a NUL";

    (void)state;
    assert_non_null(a);
    /* a new article is empty */
    assert_string_equal(trawl_article_id(a), "");
    assert_int_equal(trawl_article_text_len(a), 0);

    CHECK_OK(trawl_article_from_file(a, "moon", MOON, strlen(MOON), &err), &err);
    assert_int_equal(err.code, TRAWL_OK);
    assert_string_equal(err.msg, "");
    assert_string_equal(trawl_article_id(a), "moon");
    /* the header " date 2018-03-26 " is not text */
    assert_int_equal(trawl_article_text_len(a), strlen(MOON) - strlen(" date 2018-03-26 "));
    assert_int_equal(trawl_article_warnings(a), 0);

    /* what a held is replaced */
    CHECK_OK(trawl_article_from_file(a, "harbour", HARBOUR, strlen(HARBOUR), NULL), &err);
    assert_string_equal(trawl_article_id(a), "harbour");
    assert_int_equal(trawl_article_warnings(a), TRAWL_WARN_BAD_DATE);

    CHECK_OK(trawl_article_from_file(a, "cafe", bad_utf8, sizeof bad_utf8 - 1, &err), &err);
    assert_int_equal(trawl_article_warnings(a), TRAWL_WARN_UTF8);
    /* the bad byte became U+FFFD (three bytes) */
    assert_int_equal(trawl_article_text_len(a), strlen("caf\xEF\xBF\xBD au lait"));

    CHECK_OK(trawl_article_from_file(a, "blank", " date 2020-01-01 \n\n", 19, &err), &err);
    assert_int_equal(trawl_article_warnings(a), TRAWL_WARN_EMPTY);

    /* errors: a binary file, an empty id; a is left empty, err may be NULL */
    CHECK_FAILS(trawl_article_from_file(a, "bin", binary, sizeof binary - 1, &err), TRAWL_EINPUT,
                &err);
    assert_string_equal(trawl_article_id(a), "");
    assert_int_equal(trawl_article_text_len(a), 0);
    CHECK_FAILS(trawl_article_from_file(a, "", MOON, strlen(MOON), &err), TRAWL_EINPUT, &err);
    assert_int_equal(trawl_article_from_file(a, "", MOON, strlen(MOON), NULL), TRAWL_EINPUT);
    assert_int_equal(err.column, 0);

    trawl_article_free(a);
    trawl_article_free(NULL); /* NULL-safe */
}

static void test_article_from_fields_and_hash(void **state)
{
    struct trawl_error err;
    trawl_article *a = trawl_article_new(), *b = trawl_article_new();
    uint64_t h;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    /* title, date, url and source may be NULL */
    CHECK_OK(trawl_article_from_fields(a, "t", TIDE_TEXT, strlen(TIDE_TEXT), NULL, NULL, NULL, NULL,
                                       &err),
             &err);
    assert_string_equal(trawl_article_id(a), "t");
    assert_int_equal(trawl_article_text_len(a), strlen(TIDE_TEXT));
    assert_int_equal(trawl_article_warnings(a), 0);
    h = trawl_article_hash(a);

    /* equal articles hash alike; a change to any field the index keeps changes the hash */
    CHECK_OK(trawl_article_from_fields(b, "t", TIDE_TEXT, strlen(TIDE_TEXT), NULL, NULL, NULL, NULL,
                                       &err),
             &err);
    assert_true(trawl_article_hash(b) == h);
    CHECK_OK(trawl_article_from_fields(b, "t", TIDE_TEXT, strlen(TIDE_TEXT), "Tides", NULL, NULL,
                                       NULL, &err),
             &err);
    assert_true(trawl_article_hash(b) != h);
    CHECK_OK(trawl_article_from_fields(b, "t", TIDE_TEXT, strlen(TIDE_TEXT), NULL, "2020-01-02",
                                       NULL, NULL, &err),
             &err);
    assert_true(trawl_article_hash(b) != h);
    CHECK_OK(trawl_article_from_fields(b, "t", TIDE_TEXT, strlen(TIDE_TEXT), NULL, NULL, "u", NULL,
                                       &err),
             &err);
    assert_true(trawl_article_hash(b) != h);
    CHECK_OK(trawl_article_from_fields(b, "t", TIDE_TEXT, strlen(TIDE_TEXT), NULL, NULL, NULL, "s",
                                       &err),
             &err);
    assert_true(trawl_article_hash(b) != h);
    CHECK_OK(trawl_article_from_fields(b, "t", TIDE_TEXT, strlen(TIDE_TEXT) - 1, NULL, NULL, NULL,
                                       NULL, &err),
             &err);
    assert_true(trawl_article_hash(b) != h);
    CHECK_OK(trawl_article_from_fields(b, "u", TIDE_TEXT, strlen(TIDE_TEXT), NULL, NULL, NULL, NULL,
                                       &err),
             &err);
    assert_true(trawl_article_hash(b) != h);

    /* a date that is not YYYY-MM-DD is dropped with a warning */
    CHECK_OK(trawl_article_from_fields(b, "t", "x", 1, NULL, "2020-02-30", NULL, NULL, NULL), &err);
    assert_int_equal(trawl_article_warnings(b), TRAWL_WARN_BAD_DATE);
    /* errors: no id; b is left empty */
    CHECK_FAILS(trawl_article_from_fields(b, "", "x", 1, NULL, NULL, NULL, NULL, &err),
                TRAWL_EINPUT, &err);
    assert_string_equal(trawl_article_id(b), "");
    trawl_article_free(a);
    trawl_article_free(b);
}

static void test_hash_and_key(void **state)
{
    char key[TRAWL_KEY_MAX], key2[TRAWL_KEY_MAX], id[400];
    size_t n;

    (void)state;
    /* FNV-1a 64: the offset basis, then the published value of "a" */
    assert_true(trawl_hash(TRAWL_HASH_SEED, "", 0) == TRAWL_HASH_SEED);
    assert_true(trawl_hash(TRAWL_HASH_SEED, "a", 1) == 0xaf63dc4c8601ec8cULL);
    /* it continues from h */
    assert_true(trawl_hash(trawl_hash(TRAWL_HASH_SEED, "ab", 2), "c", 1) ==
                trawl_hash(TRAWL_HASH_SEED, "abc", 3));

    /* a short id is its own key */
    assert_int_equal(trawl_article_key("moon", 4, key), 4);
    assert_string_equal(key, "moon");
    /* ids over 200 bytes: a prefix and a hash, distinct for distinct ids */
    memset(id, 'x', sizeof id);
    n = trawl_article_key(id, sizeof id, key);
    assert_true(n > 100 && n < 300 && n < TRAWL_KEY_MAX);
    assert_int_equal(strlen(key), n);
    assert_memory_equal(key, id, 100);
    id[sizeof id - 1] = 'y';
    assert_int_equal(trawl_article_key(id, sizeof id, key2), n);
    assert_string_not_equal(key, key2);
}

static void test_article_passages(void **state)
{
    struct trawl_error err;
    trawl_article *a = trawl_article_new();
    size_t n = 99, small = 0;

    (void)state;
    assert_non_null(a);
    CHECK_OK(trawl_article_from_file(a, "moon", MOON, strlen(MOON), &err), &err);
    /* the defaults: each ~30-word paragraph its own passage */
    CHECK_OK(trawl_article_passages(a, 0, 0, &n, &err), &err);
    assert_int_equal(n, 3);
    CHECK_OK(trawl_article_passages(a, TRAWL_MIN_WORDS, TRAWL_MAX_WORDS, &n, NULL), &err);
    assert_int_equal(n, 3);
    /* a lower cap splits them */
    CHECK_OK(trawl_article_passages(a, 5, 10, &small, &err), &err);
    assert_true(small > n);
    /* max_words below min_words */
    CHECK_FAILS(trawl_article_passages(a, 50, 10, &n, &err), TRAWL_EINPUT, &err);
    assert_int_equal(n, 0);
    trawl_article_free(a);
}

/* ---- JSON Lines ---------------------------------------------------------------------------- */

static void test_jsonl(void **state)
{
    struct trawl_error err;
    char path[160], missing[160];
    trawl_jsonl *r = (trawl_jsonl *)&err; /* must be set to NULL on failure */
    trawl_article *a = trawl_article_new();
    int got = -1;

    (void)state;
    assert_non_null(a);
    snprintf(path, sizeof path, "%s/small.jsonl", F.dir);
    snprintf(missing, sizeof missing, "%s/nowhere.jsonl", F.dir);
    CHECK_FAILS(trawl_jsonl_open(missing, 1000, &r, &err), TRAWL_EIO, &err);
    assert_null(r);
    assert_non_null(strstr(err.msg, "nowhere.jsonl"));

    /* a good line, one too long for max_line (100), one that is not JSON, a good one */
    write_file(path, "{\"id\": \"a\", \"text\": \"one\"}\n"
                     "{\"id\": \"long\", \"text\": \"" TIDE_TEXT "\"}\n"
                     "not json\n"
                     "{\"id\": \"d\", \"text\": \"four\", \"title\": \"Four\"}\n");
    CHECK_OK(trawl_jsonl_open(path, 100, &r, NULL), &err);
    CHECK_OK(trawl_jsonl_next(r, a, &got, &err), &err);
    assert_int_equal(got, 1);
    assert_string_equal(trawl_article_id(a), "a");
    assert_int_equal(trawl_jsonl_line(r), 1);
    /* bytes read so far (buffered: for progress), never past the file's end */
    assert_true(trawl_jsonl_file_offset(r) >= strlen("{\"id\": \"a\", \"text\": \"one\"}\n"));
    CHECK_FAILS(trawl_jsonl_next(r, a, &got, &err), TRAWL_EINPUT, &err);
    assert_non_null(strstr(err.msg, "line 2"));
    assert_int_equal(trawl_jsonl_line(r), 2);
    CHECK_FAILS(trawl_jsonl_next(r, a, &got, &err), TRAWL_EINPUT, &err);
    assert_non_null(strstr(err.msg, "line 3"));
    CHECK_OK(trawl_jsonl_next(r, a, &got, &err), &err);
    assert_int_equal(got, 1);
    assert_string_equal(trawl_article_id(a), "d");
    assert_int_equal(trawl_jsonl_line(r), 4);
    CHECK_OK(trawl_jsonl_next(r, a, &got, &err), &err);
    assert_int_equal(got, 0);
    assert_true(trawl_jsonl_file_offset(r) == (size_t)ftell_size(path));
    trawl_jsonl_close(r);
    trawl_jsonl_close(NULL); /* NULL-safe */
    trawl_article_free(a);
}

/* ---- Opening ------------------------------------------------------------------------------- */

static void test_open_errors(void **state)
{
    struct trawl_error err;
    char missing[160], notdb[160];
    trawl_index *ix = (trawl_index *)&err; /* must be set to NULL on failure */

    (void)state;
    snprintf(missing, sizeof missing, "%s/nowhere.db", F.dir);
    CHECK_FAILS(trawl_open(missing, NULL, &ix, &err), TRAWL_EINDEX, &err);
    assert_null(ix);
    assert_non_null(strstr(err.msg, "nowhere.db"));
    assert_int_equal(trawl_open(missing, NULL, &ix, NULL), TRAWL_EINDEX);
    assert_null(ix);
    /* an empty folder is not an index either */
    snprintf(notdb, sizeof notdb, "%s/empty.db", F.dir);
    assert_int_equal(mkdir(notdb, 0700), 0);
    CHECK_FAILS(trawl_open(notdb, NULL, &ix, &err), TRAWL_EINDEX, &err);
    assert_null(ix);
    assert_int_equal(rmdir(notdb), 0);
    trawl_close(NULL); /* NULL-safe */
}

static void test_open_and_reopen(void **state)
{
    struct trawl_open_opts oo = {.allow_partial = 1};
    struct trawl_error err;
    trawl_index *ix = NULL;

    (void)state;
    CHECK_OK(trawl_open(F.db, &oo, &ix, &err), &err);
    assert_string_equal(trawl_index_path(ix), F.db);
    assert_string_equal(trawl_index_lang(ix), "english");
    assert_null(trawl_index_warning(ix)); /* no shard is down */
    CHECK_OK(trawl_reopen(ix, &err), &err);
    CHECK_OK(trawl_reopen(ix, NULL), &err);
    trawl_close(ix);
}

/* ---- Searching ----------------------------------------------------------------------------- */

static void test_search_opts_defaults(void **state)
{
    struct trawl_search_opts o;

    (void)state;
    /* every field set, to the defaults trawl.h states (a changed default changes both) */
    memset(&o, 0xff, sizeof o);
    trawl_search_opts_init(&o);
    assert_int_equal(o.offset, 0);
    assert_int_equal(o.count, 10);
    assert_int_equal(o.per_article, 1);
    assert_int_equal(o.all_words, 0);
    assert_int_equal(o.plain, 0);
    assert_int_equal(o.check_at_least, 100);
    assert_int_equal(o.sort, TRAWL_SORT_SCORE);
    assert_null(o.cancel);
    assert_int_equal(o.article_depth, 30);
    assert_int_equal(o.article_df, TRAWL_DF_EXACT);
    assert_int_equal(o.duplicates, 0);
    assert_int_equal(o.expand, 0);
    assert_true(o.passage_k1 == 1.2 && o.passage_b == 0.75);
    assert_true(o.passage_alpha == 0.7);
}

static void test_search_hits(void **state)
{
    trawl_results *r = search("rover landing", NULL);
    const struct trawl_hit *h;

    (void)state;
    assert_int_equal(trawl_results_count(r), 1);
    h = trawl_results_hit(r, 0);
    assert_non_null(h);
    assert_true(id_is(&h->passage, "moon"));
    assert_int_equal(h->passage.date_len, 10);
    assert_memory_equal(h->passage.date, "2018-03-26", 10);
    assert_true(h->score > 0);
    /* its text is the article text's bytes [start, end) */
    assert_int_equal(h->passage.end - h->passage.start, h->passage.text_len);
    assert_memory_equal(h->passage.text, MOON + strlen(" date 2018-03-26 ") + h->passage.start,
                        h->passage.text_len);
    assert_true(h->passage.title_len > 0);
    assert_int_equal(h->passage.url_len, 0); /* not given */
    assert_int_equal(h->passage.source_len, 0);
    /* "rover" is in passages 0 and 1, "land" (landed, landing) in 0 and 2: three match, one is
     * shown, two more are counted */
    assert_int_equal(h->more, 2);
    assert_int_equal(trawl_results_estimated(r), 1);
    assert_int_equal(trawl_results_exact(r), 1); /* every match counted */
    /* past the end: NULL */
    assert_null(trawl_results_hit(r, 1));
    assert_int_equal(trawl_results_duplicate_count(r, 0), 0);
    assert_null(trawl_results_duplicate(r, 0, 0));
    trawl_results_free(r);
    trawl_results_free(NULL); /* NULL-safe */
}

static void test_search_url_and_source(void **state)
{
    trawl_results *r = search("almanac article:tide-a", NULL);
    const struct trawl_hit *h;

    (void)state;
    assert_int_equal(trawl_results_count(r), 1);
    h = trawl_results_hit(r, 0);
    assert_true(id_is(&h->passage, "tide-a"));
    assert_int_equal(h->passage.url_len, strlen("https://example.org/tide"));
    assert_memory_equal(h->passage.url, "https://example.org/tide", h->passage.url_len);
    assert_int_equal(h->passage.source_len, strlen("Example Times"));
    assert_memory_equal(h->passage.source, "Example Times", h->passage.source_len);
    assert_int_equal(h->passage.title_len, strlen("Tide tables for the winter"));
    trawl_results_free(r);
}

static void test_search_known_and_unknown_words(void **state)
{
    trawl_results *r = search("Rover zebrafish -crater", NULL);

    (void)state;
    assert_int_equal(trawl_results_unknown_count(r), 1);
    assert_string_equal(trawl_results_unknown(r, 0), "zebrafish");
    assert_null(trawl_results_unknown(r, 1));
    /* known: case-folded, not excluded */
    assert_int_equal(trawl_results_known_count(r), 1);
    assert_string_equal(trawl_results_known(r, 0), "rover");
    assert_null(trawl_results_known(r, 1));
    /* -crater leaves out the article: nothing matches, which is not an error */
    assert_int_equal(trawl_results_count(r), 0);
    assert_null(trawl_results_hit(r, 0));
    trawl_results_free(r);
}

/* "query[start, end) " for every span of word i, for one string comparison. */
static void spans_of(const trawl_results *r, int known, size_t i, const char *query, char *out,
                     size_t cap)
{
    size_t start = 0, end = 0;

    out[0] = '\0';
    for (size_t k = 0; known ? trawl_results_known_span(r, i, k, &start, &end)
                             : trawl_results_unknown_span(r, i, k, &start, &end);
         k++)
        snprintf(out + strlen(out), cap - strlen(out), "%.*s@%zu ", (int)(end - start),
                 query + start, start);
}

static void test_search_word_spans(void **state)
{
    /* Each word where the query says it, as typed: accented, in a phrase, excluded, glued to
     * its neighbour by a dash; not a filter's value nor a wildcard. */
    static const char q[] = "Z\xc3\xa9" "brafish ROVER \"the zebrafish\" -zebrafish "
                            "rover\xe2\x80\x94Moon source:zebrafish zebrafish*";
    trawl_results *r = search(q, NULL);
    struct trawl_search_opts plain;
    size_t start = 7, end = 7;
    char got[256];

    (void)state;
    assert_int_equal(trawl_results_unknown_count(r), 1);
    assert_string_equal(trawl_results_unknown(r, 0), "zebrafish");
    spans_of(r, 0, 0, q, got, sizeof got);
    assert_string_equal(got, "Z\xc3\xa9" "brafish@0 zebrafish@22 zebrafish@34 ");
    assert_int_equal(trawl_results_known_count(r), 3);
    for (size_t i = 0; i < 3; i++) {
        const char *w = trawl_results_known(r, i);
        spans_of(r, 1, i, q, got, sizeof got);
        if (strcmp(w, "rover") == 0)
            assert_string_equal(got, "ROVER@11 rover@44 ");
        else if (strcmp(w, "moon") == 0)
            assert_string_equal(got, "Moon@52 ");
        else
            assert_string_equal(got, "the@18 ");
    }
    /* past the last occurrence, word or list: 0, start and end untouched */
    assert_false(trawl_results_unknown_span(r, 0, 3, &start, &end));
    assert_false(trawl_results_unknown_span(r, 1, 0, &start, &end));
    assert_false(trawl_results_known_span(r, 3, 0, &start, &end));
    assert_int_equal(start, 7);
    assert_int_equal(end, 7);
    trawl_results_free(r);
    /* plain text: spans too */
    trawl_search_opts_init(&plain);
    plain.plain = 1;
    r = search("Zebrafish  rover", &plain);
    assert_true(trawl_results_unknown_span(r, 0, 0, &start, &end));
    assert_int_equal(start, 0);
    assert_int_equal(end, 9);
    assert_true(trawl_results_known_span(r, 0, 0, &start, &end));
    assert_int_equal(start, 11);
    assert_int_equal(end, 16);
    trawl_results_free(r);
}

static void test_search_views_and_windows(void **state)
{
    struct trawl_search_opts o;
    trawl_results *r;
    unsigned prev = ~0u;

    (void)state;
    /* per_article 0: every passage, ranked on its own */
    trawl_search_opts_init(&o);
    o.per_article = 0;
    r = search("rover", &o);
    assert_int_equal(trawl_results_count(r), 2);
    assert_true(trawl_results_estimated(r) >= 2);
    trawl_results_free(r);

    /* a window: offset 1, count 1 of the 12 government articles (one text: near-duplicates
     * that would fold into one hit without duplicates 1) */
    trawl_search_opts_init(&o);
    o.duplicates = 1;
    o.offset = 1;
    o.count = 1;
    r = search("government", &o);
    assert_int_equal(trawl_results_count(r), 1);
    assert_int_equal(trawl_results_estimated(r), 12);
    assert_int_equal(trawl_results_exact(r), 1);
    trawl_results_free(r);
    o.offset = 100; /* past the end: empty, not an error */
    r = search("government", &o);
    assert_int_equal(trawl_results_count(r), 0);
    trawl_results_free(r);

    /* all_words: juxtaposed words must all match */
    trawl_search_opts_init(&o);
    o.all_words = 1;
    r = search("rover government", &o);
    assert_int_equal(trawl_results_count(r), 0);
    trawl_results_free(r);
    r = search("rover government", NULL);
    assert_true(trawl_results_count(r) > 1);
    trawl_results_free(r);

    /* sorted by date, newest first: 2020 (tide), 2019 (government), 2018 (moon); the undated
     * harbour article last */
    trawl_search_opts_init(&o);
    o.sort = TRAWL_SORT_DATE;
    o.duplicates = 1;
    o.count = 20;
    r = search("tides OR rover OR government", &o);
    assert_int_equal(trawl_results_count(r), 2 + 12 + 1 + 1);
    for (size_t i = 0; i < trawl_results_count(r); i++) {
        const struct trawl_passage *p = &trawl_results_hit(r, i)->passage;
        unsigned year = p->date_len ? (unsigned)atoi(p->date) : 0;
        assert_true(year <= prev);
        prev = year;
    }
    assert_true(id_is(&trawl_results_hit(r, trawl_results_count(r) - 1)->passage, "harbour"));
    trawl_results_free(r);
    o.sort = TRAWL_SORT_DATE_ASC;
    r = search("tides OR rover", &o);
    assert_true(id_is(&trawl_results_hit(r, 0)->passage, "moon"));
    trawl_results_free(r);
}

static void test_search_plain_and_options(void **state)
{
    struct trawl_search_opts o;
    trawl_results *r;

    (void)state;
    /* plain text: no syntax, so what would be an error is words */
    trawl_search_opts_init(&o);
    o.plain = 1;
    r = search("\"rover ((", &o);
    assert_int_equal(trawl_results_count(r), 1);
    trawl_results_free(r);
    /* plain text without a word finds nothing, and is no error; a snippet still works */
    r = search("(( -- ))", &o);
    assert_int_equal(trawl_results_count(r), 0);
    assert_int_equal(trawl_results_unknown_count(r), 0);
    assert_int_equal(trawl_results_known_count(r), 0);
    {
        struct trawl_snippet sn;
        struct trawl_error err;
        CHECK_OK(trawl_snippet(r, "some text", 9, 0, &sn, &err), &err);
        assert_int_equal(sn.nmarks, 0);
        trawl_snippet_release(&sn);
    }
    trawl_results_free(r);

    /* the other ranking options run and find the same article */
    trawl_search_opts_init(&o);
    o.bm25plus = 1;
    o.delta = 0.5;
    o.article_depth = 0;
    o.expand = 1;
    o.article_df = TRAWL_DF_WALK;
    r = search("rover", &o);
    assert_int_equal(trawl_results_count(r), 1);
    assert_true(id_is(&trawl_results_hit(r, 0)->passage, "moon"));
    trawl_results_free(r);
    o.article_df = TRAWL_DF_PASSAGE;
    o.article_depth = 5;
    o.article_alpha = 0.5;
    r = search("rover", &o);
    assert_int_equal(trawl_results_count(r), 1);
    trawl_results_free(r);
}

static void test_search_cancelled(void **state)
{
    volatile sig_atomic_t stop = 1;
    struct trawl_search_opts o;
    struct trawl_error err;
    trawl_results *r = (trawl_results *)&err;

    (void)state;
    trawl_search_opts_init(&o);
    o.cancel = &stop;
    CHECK_FAILS(trawl_search(F.ix, "rover", 5, &o, &r, &err), TRAWL_ECANCELLED, &err);
    assert_null(r);
    assert_string_equal(err.msg, "search cancelled");
    assert_int_equal(stop, 1); /* the caller clears it */
    stop = 0;
    CHECK_OK(trawl_search(F.ix, "rover", 5, &o, &r, &err), &err);
    assert_int_equal(trawl_results_count(r), 1);
    trawl_results_free(r);
}

static void test_search_errors(void **state)
{
    struct trawl_error err;
    trawl_results *r = (trawl_results *)&err; /* must be set to NULL on failure */
    static const char unclosed[] = "likes \"target";
    char *big;

    (void)state;
    /* a syntax error: TRAWL_EINPUT and the column of the offending character */
    CHECK_FAILS(trawl_search(F.ix, unclosed, strlen(unclosed), NULL, &r, &err), TRAWL_EINPUT, &err);
    assert_null(r);
    assert_int_equal(err.column, 7);
    /* columns count code points: "été" is 3 before the quote, not 6 bytes */
    CHECK_FAILS(trawl_search(F.ix, "\xC3\xA9t\xC3\xA9 \"x", 8, NULL, &r, &err), TRAWL_EINPUT, &err);
    assert_int_equal(err.column, 5);
    CHECK_FAILS(trawl_search(F.ix, "rover AND", 9, NULL, &r, &err), TRAWL_EINPUT, &err);
    assert_true(err.column > 0);
    CHECK_FAILS(trawl_search(F.ix, "(rover", 6, NULL, &r, &err), TRAWL_EINPUT, &err);
    assert_int_equal(err.column, 1);
    CHECK_FAILS(trawl_search(F.ix, "date:2018-13-45", 15, NULL, &r, &err), TRAWL_EINPUT, &err);
    /* err may be NULL */
    assert_int_equal(trawl_search(F.ix, unclosed, strlen(unclosed), NULL, &r, NULL), TRAWL_EINPUT);
    assert_null(r);
    /* over TRAWL_QUERY_MAX bytes */
    big = malloc(TRAWL_QUERY_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', TRAWL_QUERY_MAX + 1);
    big[TRAWL_QUERY_MAX + 1] = '\0';
    CHECK_FAILS(trawl_search(F.ix, big, TRAWL_QUERY_MAX + 1, NULL, &r, &err), TRAWL_EINPUT, &err);
    assert_null(r);
    free(big);
    /* a success clears err */
    CHECK_OK(trawl_search(F.ix, "rover", 5, NULL, &r, &err), &err);
    assert_int_equal(err.code, TRAWL_OK);
    assert_string_equal(err.msg, "");
    assert_int_equal(err.column, 0);
    trawl_results_free(r);
}

static void test_near_duplicates(void **state)
{
    struct trawl_search_opts o;
    trawl_results *r = search("almanac", NULL);
    const struct trawl_passage *d;

    (void)state;
    /* tide-a and tide-b are one story: one hit, the other folded into it */
    assert_int_equal(trawl_results_count(r), 1);
    assert_int_equal(trawl_results_duplicate_count(r, 0), 1);
    d = trawl_results_duplicate(r, 0, 0);
    assert_non_null(d);
    assert_true(id_is(d, "tide-a") || id_is(d, "tide-b"));
    assert_false(d->article_len == trawl_results_hit(r, 0)->passage.article_len &&
                 memcmp(d->article, trawl_results_hit(r, 0)->passage.article, d->article_len) == 0);
    assert_null(trawl_results_duplicate(r, 0, 1));
    assert_int_equal(trawl_results_duplicate_count(r, 1), 0); /* no hit 1 */
    trawl_results_free(r);
    /* duplicates 1: every article */
    trawl_search_opts_init(&o);
    o.duplicates = 1;
    r = search("almanac", &o);
    assert_int_equal(trawl_results_count(r), 2);
    assert_int_equal(trawl_results_duplicate_count(r, 0), 0);
    trawl_results_free(r);
}

/* ---- Snippets, words ------------------------------------------------------------------------- */

static void test_snippet(void **state)
{
    trawl_results *r = search("rover drills", NULL);
    const struct trawl_hit *h = trawl_results_hit(r, 0);
    struct trawl_snippet sn;
    struct trawl_error err;
    static const char other[] = "Say what: no rover here, only Drills and drilling and a "
                                "rover and a tale of something else entirely";
    static const char dashes[] = "Words words words words words words words rover -- -- -- -- "
                                 "-- -- -- -- -- -- -- -- -- --";

    (void)state;
    assert_non_null(h);
    CHECK_OK(trawl_snippet(r, h->passage.text, h->passage.text_len, 0, &sn, &err), &err);
    /* the first passage: "rover" and "drills", in order, whole text shown */
    assert_int_equal(sn.nmarks, 2);
    assert_int_equal(sn.distinct, 2);
    assert_memory_equal(h->passage.text + sn.marks[0].start, "rover", 5);
    assert_int_equal(sn.marks[0].end - sn.marks[0].start, 5);
    assert_memory_equal(h->passage.text + sn.marks[1].start, "drills", 6);
    assert_int_equal(sn.start, 0);
    assert_int_equal(sn.end, h->passage.text_len);
    assert_false(sn.cut_before || sn.cut_after);
    trawl_snippet_release(&sn);
    assert_null(sn.marks);
    trawl_snippet_release(&sn); /* released twice: nothing left to free */
    trawl_snippet_release(NULL);

    /* any text: stems match ("drilling" is drill), case aside; a window of at most 20
     * bytes cut at words, here in the middle of the text */
    CHECK_OK(trawl_snippet(r, other, sizeof other - 1, 20, &sn, NULL), &err);
    assert_int_equal(sn.nmarks, 4);
    assert_int_equal(sn.distinct, 2);
    assert_true(sn.end - sn.start <= 20);
    assert_int_equal(sn.end - sn.start, 20); /* both words: "drilling and a rover" */
    assert_memory_equal(other + sn.start, "drilling and a rover", 20);
    assert_true(sn.cut_before && sn.cut_after);
    trawl_snippet_release(&sn);

    /* EXPECTED TO FAIL, a bug in common/snippet.c (cut_window): a window that reaches the
     * text's first or last word is widened to the text's start or end, whatever non-word
     * bytes lie there: 59 bytes for a width of 20 here, where trawl.h promises at most width.
     * Reported, not fixed on this branch (common/ is not the tests' to change). This check
     * fails as an unexpected pass once it is fixed: then make it
     * assert_true(sn.end - sn.start <= 20). */
    CHECK_OK(trawl_snippet(r, dashes, sizeof dashes - 1, 20, &sn, &err), &err);
    if (sn.end - sn.start <= 20)
        fail_msg("unexpected pass: the snippet width bug is fixed; make this check strict");
    fprintf(stderr, "# expected failure: a window of %zu bytes for a width of 20\n",
            sn.end - sn.start);
    trawl_snippet_release(&sn);
    trawl_results_free(r);
}

struct words {
    char got[256];
    int calls, stop_after;
};

static int collect_word(void *ctx, const char *word, size_t word_len, const char *term,
                        size_t term_len)
{
    struct words *w = ctx;
    size_t used = strlen(w->got);

    snprintf(w->got + used, sizeof w->got - used, "%.*s>%.*s ", (int)word_len, word, (int)term_len,
             term);
    return ++w->calls == w->stop_after;
}

static void test_words(void **state)
{
    struct words w = {"", 0, 0};
    struct trawl_error err;
    static const char text[] = "Likes RUNNING, Café's";

    (void)state;
    CHECK_OK(trawl_words(F.ix, text, sizeof text - 1, collect_word, &w, &err), &err);
    /* folded: case and the accent (tok.h), the possessive only from the term */
    assert_string_equal(w.got, "likes>like running>run cafe's>cafe ");
    /* non-zero from fn stops, and is still TRAWL_OK */
    memset(&w, 0, sizeof w);
    w.stop_after = 1;
    CHECK_OK(trawl_words(F.ix, text, sizeof text - 1, collect_word, &w, NULL), &err);
    assert_int_equal(w.calls, 1);
    assert_string_equal(w.got, "likes>like ");
}

static void test_fold(void **state)
{
    static const char text[] = "\xc3\x89" "co  Stra\xc3\x9f" "e, U.S.-made \xef\xbc\xa1";
    struct trawl_error err;
    char *out = (char *)"unset";

    (void)state;
    /* NFKC ("Ａ" is "a"), case-folded, accents off, one space between words */
    CHECK_OK(trawl_fold(text, sizeof text - 1, &out, &err), &err);
    assert_string_equal(out, "eco strasse us made a");
    free(out);
    /* no word: "", owned */
    CHECK_OK(trawl_fold("-- ,", 4, &out, NULL), &err);
    assert_string_equal(out, "");
    free(out);
    /* only len bytes are read */
    CHECK_OK(trawl_fold("Rover", 3, &out, NULL), &err);
    assert_string_equal(out, "rov");
    free(out);
}

/* ---- Explaining ------------------------------------------------------------------------------ */

static void test_explain(void **state)
{
    trawl_results *r = search("rover landing", NULL);
    struct trawl_explanation ex;
    struct trawl_error err;
    double sum = 0;

    (void)state;
    CHECK_OK(trawl_explain(F.ix, r, 0, &ex, &err), &err);
    assert_int_equal(ex.n, 2);
    for (size_t i = 0; i < ex.n; i++) {
        assert_non_null(ex.terms[i].term);
        assert_true(strcmp(ex.terms[i].term, "rover") == 0 ||
                    strcmp(ex.terms[i].term, "land") == 0);
        assert_true(ex.terms[i].df >= 1 && ex.terms[i].tf >= 1);
        sum += ex.terms[i].weight;
    }
    assert_true(ex.passages >= F.articles);
    /* the passage part is the sum of its terms' weights; the score fuses the parts */
    assert_true(ex.passage_score > 0 && sum > ex.passage_score - 1e-9 &&
                sum < ex.passage_score + 1e-9);
    if (ex.fused) {
        double s = ex.alpha * ex.passage_score + (1 - ex.alpha) * ex.article_score;
        assert_true(s > trawl_results_hit(r, 0)->score - 1e-6 &&
                    s < trawl_results_hit(r, 0)->score + 1e-6);
    }
    trawl_explanation_release(&ex);
    assert_null(ex.terms);
    assert_int_equal(ex.n, 0);
    trawl_explanation_release(&ex);
    trawl_explanation_release(NULL);
    /* no such hit */
    CHECK_FAILS(trawl_explain(F.ix, r, 1, &ex, &err), TRAWL_EINPUT, &err);
    assert_int_equal(ex.n, 0);
    trawl_explanation_release(&ex);
    trawl_results_free(r);
}

/* ---- Passages -------------------------------------------------------------------------------- */

struct passages {
    unsigned n, stop_after;
    unsigned ordinals; /* one bit per ordinal seen */
};

static int count_passage(void *ctx, const struct trawl_passage *p)
{
    struct passages *c = ctx;

    assert_true(id_is(p, "moon"));
    c->ordinals |= 1u << p->ordinal;
    return ++c->n == c->stop_after;
}

static void test_passages(void **state)
{
    struct trawl_passage *p = (struct trawl_passage *)state;
    struct passages c = {0, 0, 0};
    struct trawl_error err;
    static const char first[] = "The rover landed on the moon";

    CHECK_OK(trawl_passage_get(F.ix, "moon", 0, &p, &err), &err);
    assert_true(id_is(p, "moon"));
    assert_int_equal(p->ordinal, 0);
    assert_int_equal(p->start, 0);
    assert_memory_equal(p->text, first, sizeof first - 1);
    assert_memory_equal(p->date, "2018-03-26", 10);
    trawl_passage_free(p);
    trawl_passage_free(NULL);
    p = (struct trawl_passage *)state;
    CHECK_FAILS(trawl_passage_get(F.ix, "moon", 3, &p, &err), TRAWL_ENOTFOUND, &err);
    assert_null(p);
    CHECK_FAILS(trawl_passage_get(F.ix, "mars", 0, &p, &err), TRAWL_ENOTFOUND, &err);
    assert_null(p);

    CHECK_OK(trawl_each_passage(F.ix, "moon", count_passage, &c, &err), &err);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.ordinals, 7);
    memset(&c, 0, sizeof c);
    c.stop_after = 2; /* non-zero from fn stops: still OK */
    CHECK_OK(trawl_each_passage(F.ix, "moon", count_passage, &c, NULL), &err);
    assert_int_equal(c.n, 2);
    CHECK_FAILS(trawl_each_passage(F.ix, "mars", count_passage, &c, &err), TRAWL_ENOTFOUND, &err);
}

/* ---- Statistics, spelling, completion ------------------------------------------------------ */

static void test_stats(void **state)
{
    struct trawl_stats st;
    struct trawl_error err;
    char *text;

    (void)state;
    CHECK_OK(trawl_stats(F.ix, &st, &err), &err);
    assert_int_equal(st.articles, F.articles);
    assert_true(st.passages >= st.articles);
    assert_true(st.terms > 10);
    assert_true(st.avg_passage_len > 5);
    assert_true(st.disk_bytes > 0);
    assert_true(st.updated > 0);
    assert_true(st.schema > 0 && st.analyzer > 0);
    assert_string_equal(st.lang, "english");
    assert_int_equal(st.art_state, 1);
    assert_int_equal(st.art_articles, F.articles);
    /* trawl_writer_finish wrote both impact files, counted in the size on disk */
    assert_int_equal(st.imp_state, 1);
    assert_true(st.imp_bytes > 0 && st.imp_bytes < st.disk_bytes);
    text = trawl_stats_format(F.db, &st);
    assert_non_null(text);
    assert_non_null(strstr(text, "impact files"));
    assert_non_null(strstr(text, "english"));
    assert_non_null(strstr(text, F.db));
    free(text); /* owned: free() */
}

static void test_suggest(void **state)
{
    struct trawl_error err;
    char *s = (char *)state;
    uint64_t wf = 99, sf = 99;

    CHECK_OK(trawl_suggest(F.ix, "rovr", &s, &err), &err);
    assert_string_equal(s, "rover");
    free(s);
    CHECK_OK(trawl_suggest(F.ix, "xqzzy", &s, NULL), &err);
    assert_string_equal(s, ""); /* none: "", still owned */
    free(s);

    /* "goverment" once, "government" 108 times */
    CHECK_OK(trawl_suggest_rare(F.ix, "goverment", &s, &wf, &sf, &err), &err);
    assert_string_equal(s, "government");
    assert_true(wf == 1 && sf == 108);
    free(s);
    /* the frequencies may be NULL */
    CHECK_OK(trawl_suggest_rare(F.ix, "goverment", &s, NULL, NULL, &err), &err);
    assert_string_equal(s, "government");
    free(s);
    /* the frequent word itself, and a short word: none, 0 and 0 */
    CHECK_OK(trawl_suggest_rare(F.ix, "government", &s, &wf, &sf, NULL), &err);
    assert_string_equal(s, "");
    assert_true(wf == 0 && sf == 0);
    free(s);
    CHECK_OK(trawl_suggest_rare(F.ix, "moon", &s, &wf, NULL, &err), &err);
    assert_string_equal(s, "");
    free(s);
}

struct completions {
    char got[256];
    int calls, stop_after;
};

static int collect_completion(void *ctx, const char *word, size_t len, uint64_t freq)
{
    struct completions *c = ctx;
    size_t used = strlen(c->got);

    snprintf(c->got + used, sizeof c->got - used, "%.*s:%llu ", (int)len, word,
             (unsigned long long)freq);
    return ++c->calls == c->stop_after;
}

static void test_complete(void **state)
{
    struct completions c = {"", 0, 0};
    struct trawl_error err;

    (void)state;
    CHECK_OK(trawl_complete(F.ix, "gov", 3, collect_completion, &c, &err), &err);
    assert_string_equal(c.got, "goverment:1 government:108 ");
    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    CHECK_OK(trawl_complete(F.ix, "gov", 3, collect_completion, &c, NULL), &err);
    assert_string_equal(c.got, "goverment:1 ");
    memset(&c, 0, sizeof c);
    CHECK_OK(trawl_complete(F.ix, "zzzz", 4, collect_completion, &c, &err), &err);
    assert_int_equal(c.calls, 0);
}

/* ---- Article records ------------------------------------------------------------------------ */

struct records {
    size_t n, from_jsonl, stop_after;
    int moon_ok;
};

static int count_record(void *ctx, const char *key, size_t key_len, const struct trawl_record *rec)
{
    struct records *c = ctx;

    if (key_len == 4 && memcmp(key, "moon", 4) == 0)
        c->moon_ok = rec->source_len == 4 && memcmp(rec->source, "moon", 4) == 0 &&
                     rec->size == strlen(MOON) &&
                     rec->hash == trawl_hash(TRAWL_HASH_SEED, MOON, strlen(MOON)) &&
                     rec->mtime_ns == 1000000000 && rec->passages == 3;
    if (rec->source_len == strlen(F.jsonl) && memcmp(rec->source, F.jsonl, rec->source_len) == 0)
        c->from_jsonl++;
    return ++c->n == c->stop_after;
}

static void test_records(void **state)
{
    struct records c = {0, 0, 0, 0};
    struct trawl_source src;
    struct trawl_error err;
    char other[160];

    (void)state;
    CHECK_OK(trawl_each_record(F.ix, count_record, &c, &err), &err);
    assert_int_equal(c.n, F.articles);
    assert_int_equal(c.from_jsonl, F.articles - 2);
    assert_true(c.moon_ok);
    memset(&c, 0, sizeof c);
    c.stop_after = 3;
    CHECK_OK(trawl_each_record(F.ix, count_record, &c, NULL), &err);
    assert_int_equal(c.n, 3);

    CHECK_OK(trawl_source_get(F.ix, F.jsonl, &src, &err), &err);
    assert_int_equal(src.hash, 42);
    assert_int_equal(src.articles, F.articles - 2);
    assert_true(src.size > 0);
    snprintf(other, sizeof other, "%s/other.jsonl", F.dir);
    CHECK_FAILS(trawl_source_get(F.ix, other, &src, &err), TRAWL_ENOTFOUND, &err);
}

/* ---- Writing -------------------------------------------------------------------------------- */

struct keys {
    char key[8][TRAWL_KEY_MAX];
    size_t n;
};

static int keep_key(void *ctx, const char *key, size_t key_len, const struct trawl_record *rec)
{
    struct keys *k = ctx;

    (void)rec;
    if (k->n < 8)
        snprintf(k->key[k->n++], TRAWL_KEY_MAX, "%.*s", (int)key_len, key);
    return 0;
}

/* Puts an article made from fields, with a record of source "src". */
static void put_fields(trawl_writer *w, const char *id, const char *text)
{
    struct trawl_error err;
    struct trawl_record rec = file_record("src", text, strlen(text));
    trawl_article *a = trawl_article_new();

    assert_non_null(a);
    CHECK_OK(trawl_article_from_fields(a, id, text, strlen(text), NULL, NULL, NULL, NULL, &err),
             &err);
    CHECK_OK(trawl_writer_put(w, a, &rec, 0, &err), &err);
    trawl_article_free(a);
}

static size_t hits(trawl_index *ix, const char *query)
{
    struct trawl_error err;
    trawl_results *r = NULL;
    size_t n;

    CHECK_OK(trawl_search(ix, query, strlen(query), NULL, &r, &err), &err);
    n = trawl_results_count(r);
    trawl_results_free(r);
    return n;
}

static void test_writer_incremental(void **state)
{
    struct trawl_writer_opts wo = {0};
    struct trawl_write_counts c;
    struct trawl_record rec = file_record("moved", "x", 1);
    struct trawl_source src = {10, 20, 30, 1};
    struct trawl_error err;
    struct keys k = {{""}, 0};
    trawl_writer *w = NULL;
    trawl_index *ix = NULL;
    int phases = 0;
    char db[160];

    (void)state;
    snprintf(db, sizeof db, "%s/incremental.db", F.dir);
    /* a new index: no records, no source record */
    CHECK_OK(trawl_writer_open(db, NULL, &w, &err), &err);
    CHECK_OK(trawl_writer_each_record(w, keep_key, &k, &err), &err);
    assert_int_equal(k.n, 0);
    CHECK_FAILS(trawl_writer_source_get(w, "a.jsonl", &src, &err), TRAWL_ENOTFOUND, &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_fields(w, "alpha", "The alpha article talks about zebras in the savanna.");
    put_fields(w, "beta", "The beta article talks about giraffes in the savanna.");
    CHECK_OK(trawl_writer_set_source(w, "a.jsonl", &src, &err), &err);
    CHECK_OK(trawl_writer_finish(w, NULL, &err), &err); /* c may be NULL */
    trawl_writer_counts(w, &c);
    assert_int_equal(c.put, 2);
    trawl_writer_close(w);

    CHECK_OK(trawl_open(db, NULL, &ix, &err), &err);
    assert_int_equal(hits(ix, "savanna"), 2);

    /* a second run: the records, then a change, a removal and a moved file */
    wo.phase = on_phase;
    wo.phase_ctx = &phases;
    CHECK_OK(trawl_writer_open(db, &wo, &w, &err), &err);
    CHECK_OK(trawl_writer_each_record(w, keep_key, &k, &err), &err);
    assert_int_equal(k.n, 2);
    assert_string_equal(k.key[0], "alpha");
    assert_string_equal(k.key[1], "beta");
    memset(&src, 0, sizeof src);
    CHECK_OK(trawl_writer_source_get(w, "a.jsonl", &src, &err), &err);
    assert_true(src.size == 10 && src.mtime_ns == 20 && src.hash == 30 && src.articles == 1);
    CHECK_FAILS(trawl_writer_source_get(w, "b.jsonl", &src, &err), TRAWL_ENOTFOUND, &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_fields(w, "alpha", "The alpha article now talks about lions in the savanna.");
    CHECK_OK(trawl_writer_remove(w, k.key[1], &err), &err);
    CHECK_OK(trawl_writer_set_record(w, "alpha", &rec, &err), &err);
    CHECK_OK(trawl_writer_finish(w, &c, &err), &err);
    assert_int_equal(c.put, 1);
    assert_int_equal(c.removed, 1);
    /* an incremental run writes in place: no merge */
    assert_int_equal(phases, 1 << TRAWL_PHASE_WRITING);
    trawl_writer_close(w);

    /* the reader sees it after trawl_reopen */
    CHECK_OK(trawl_reopen(ix, &err), &err);
    assert_int_equal(hits(ix, "savanna"), 1);
    assert_int_equal(hits(ix, "lions"), 1);
    assert_int_equal(hits(ix, "zebras"), 0);
    assert_int_equal(hits(ix, "giraffes"), 0);
    {
        struct records r = {0, 0, 0, 0};
        CHECK_OK(trawl_each_record(ix, count_record, &r, &err), &err);
        assert_int_equal(r.n, 1);
    }

    /* compaction changes nothing a search sees */
    CHECK_OK(trawl_compact(db, &err), &err);
    CHECK_OK(trawl_reopen(ix, &err), &err);
    assert_int_equal(hits(ix, "lions"), 1);
    trawl_close(ix);
    CHECK_OK(trawl_open(db, NULL, &ix, &err), &err);
    assert_int_equal(hits(ix, "savanna"), 1);
    trawl_close(ix);
}

static void test_writer_lock(void **state)
{
    struct trawl_error err;
    trawl_writer *w = NULL, *w2 = (trawl_writer *)&err;
    trawl_index *ix = NULL;

    (void)state;
    CHECK_OK(trawl_writer_open(F.db, NULL, &w, &err), &err);
    /* a second writer, and compaction, find the lock taken */
    CHECK_FAILS(trawl_writer_open(F.db, NULL, &w2, &err), TRAWL_ELOCKED, &err);
    assert_null(w2);
    assert_non_null(strstr(err.msg, F.db));
    CHECK_FAILS(trawl_compact(F.db, &err), TRAWL_ELOCKED, &err);
    assert_int_equal(trawl_compact(F.db, NULL), TRAWL_ELOCKED);
    /* readers are not locked out */
    CHECK_OK(trawl_open(F.db, NULL, &ix, &err), &err);
    assert_int_equal(hits(ix, "rover"), 1);
    trawl_close(ix);
    /* closing without finishing changes nothing, and releases the lock */
    trawl_writer_close(w);
    CHECK_OK(trawl_writer_open(F.db, NULL, &w2, &err), &err);
    trawl_writer_close(w2);
    trawl_writer_close(NULL); /* NULL-safe */
    assert_int_equal(hits(F.ix, "rover"), 1);
}

static void test_writer_errors(void **state)
{
    struct trawl_writer_opts wo = {0};
    struct trawl_record rec = file_record("x", "x", 1);
    struct trawl_source src = {0};
    struct trawl_error err;
    trawl_writer *w = (trawl_writer *)&err;
    trawl_article *a = trawl_article_new();
    char db[160];

    (void)state;
    assert_non_null(a);
    snprintf(db, sizeof db, "%s/errors.db", F.dir);
    /* bad options: refused before anything is made */
    wo.shards = TRAWL_MAX_SHARDS + 1;
    CHECK_FAILS(trawl_writer_open(db, &wo, &w, &err), TRAWL_EINPUT, &err);
    assert_null(w);
    wo.shards = 0;
    wo.min_words = 50;
    wo.max_words = 10;
    CHECK_FAILS(trawl_writer_open(db, &wo, &w, &err), TRAWL_EINPUT, &err);
    assert_int_equal(trawl_writer_open(db, &wo, &w, NULL), TRAWL_EINPUT);
    /* a language libstemmer does not know */
    memset(&wo, 0, sizeof wo);
    wo.lang = "klingon";
    CHECK_FAILS(trawl_writer_open(db, &wo, &w, &err), TRAWL_EINPUT, &err);
    assert_null(w);
    assert_non_null(strstr(err.msg, "klingon"));
    /* another language for an existing index */
    memset(&wo, 0, sizeof wo);
    wo.lang = "french";
    CHECK_FAILS(trawl_writer_open(F.db, &wo, &w, &err), TRAWL_EINPUT, &err);
    assert_null(w);

    /* calls in the wrong order */
    CHECK_OK(trawl_writer_open(db, NULL, &w, &err), &err);
    CHECK_OK(trawl_article_from_fields(a, "a", "some text", 9, NULL, NULL, NULL, NULL, &err), &err);
    CHECK_FAILS(trawl_writer_put(w, a, &rec, 1, &err), TRAWL_EINPUT, &err);
    assert_string_equal(trawl_article_id(a), "a"); /* not taken */
    CHECK_FAILS(trawl_writer_remove(w, "a", &err), TRAWL_EINPUT, &err);
    CHECK_FAILS(trawl_writer_set_record(w, "a", &rec, &err), TRAWL_EINPUT, &err);
    CHECK_FAILS(trawl_writer_finish(w, NULL, &err), TRAWL_EINPUT, &err);
    CHECK_FAILS(trawl_writer_each_record(w, NULL, NULL, &err), TRAWL_EINPUT, &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    CHECK_FAILS(trawl_writer_start(w, &err), TRAWL_EINPUT, &err);
    CHECK_FAILS(trawl_writer_source_get(w, "a.jsonl", &src, &err), TRAWL_EINPUT, &err);
    /* closed unfinished: the new index holds nothing */
    trawl_writer_close(w);
    trawl_article_free(a);
}

/* Never called: nothing here makes Xapian end the process. */
static void fatal(const char *msg)
{
    fprintf(stderr, "fatal: %s\n", msg);
    _exit(3);
}

static void test_on_fatal(void **state)
{
    struct trawl_error err;
    trawl_writer *w = NULL;
    char db[160];

    (void)state;
    /* set, a writer runs as ever */
    trawl_on_fatal(fatal);
    snprintf(db, sizeof db, "%s/fatal.db", F.dir);
    CHECK_OK(trawl_writer_open(db, NULL, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_fields(w, "one", "One article about harbour cranes.");
    CHECK_OK(trawl_writer_finish(w, NULL, &err), &err);
    trawl_writer_close(w);
}

/* ---- Cancelling a write --------------------------------------------------------------------- */

/* The phase callback of a cancelled run: raises the flag as trawl_writer_finish begins. */
static void cancel_on_writing(void *ctx, enum trawl_phase phase)
{
    if (phase == TRAWL_PHASE_WRITING)
        *(volatile sig_atomic_t *)ctx = 1;
}

/* Raises the flag as the merge of a build from nothing begins. */
static void cancel_on_merging(void *ctx, enum trawl_phase phase)
{
    if (phase == TRAWL_PHASE_MERGING)
        *(volatile sig_atomic_t *)ctx = 1;
}

/* Queues n synthetic articles id-prefix-0.. (a few passages each). */
static void put_many(trawl_writer *w, const char *prefix, size_t n)
{
    char id[64], text[512];

    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%s-%zu", prefix, i);
        snprintf(text, sizeof text,
                 "Article %zu of the %s series reports on harbour tides, storms and boats. "
                 "The almanac lists %zu tables for the northern coast and its %s basin. "
                 "Sailors moved their boats before the winter storms of February.",
                 i, prefix, i % 17, prefix);
        put_fields(w, id, text);
    }
}

static size_t record_count(const char *db)
{
    struct records r = {0, 0, 0, 0};
    struct trawl_error err;
    trawl_index *ix = NULL;

    CHECK_OK(trawl_open(db, NULL, &ix, &err), &err);
    CHECK_OK(trawl_each_record(ix, count_record, &r, &err), &err);
    trawl_close(ix);
    return r.n;
}

/* Whether dir holds a build's scratch folder (tmp-*). */
static int has_scratch(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        found |= strncmp(e->d_name, "tmp-", 4) == 0;
    closedir(d);
    return found;
}

static void test_writer_cancelled(void **state)
{
    volatile sig_atomic_t flag = 0;
    struct trawl_writer_opts wo = {0};
    struct trawl_write_counts c;
    struct trawl_error err;
    trawl_writer *w = NULL;
    trawl_article *a = trawl_article_new();
    struct trawl_record rec = file_record("src", "x", 1);
    char db[160];

    (void)state;
    assert_non_null(a);
    snprintf(db, sizeof db, "%s/cancelled.db", F.dir);
    wo.cancel = &flag;
    wo.jobs = 2;

    /* a build from nothing cancelled as finish begins: nothing written, no scratch left */
    wo.parts = 2;
    wo.phase = cancel_on_writing;
    wo.phase_ctx = (void *)&flag;
    CHECK_OK(trawl_writer_open(db, &wo, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_many(w, "fresh", 500);
    CHECK_FAILS(trawl_writer_finish(w, &c, &err), TRAWL_ECANCELLED, &err);
    assert_string_equal(err.msg, "writing cancelled");
    trawl_writer_close(w);
    assert_false(has_scratch(db));
    assert_int_equal(record_count(db), 0); /* the empty index trawl_writer_open made */

    /* the same, cancelled once the parts are written, as their merge begins */
    flag = 0;
    wo.phase = cancel_on_merging;
    CHECK_OK(trawl_writer_open(db, &wo, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_many(w, "fresh", 500);
    CHECK_FAILS(trawl_writer_finish(w, &c, &err), TRAWL_ECANCELLED, &err);
    assert_int_equal(c.put, 500); /* written to the parts, which are dropped */
    trawl_writer_close(w);
    assert_false(has_scratch(db));
    assert_int_equal(record_count(db), 0);

    /* the lock is free: a build that is not cancelled (the caller cleared the flag) */
    flag = 0;
    wo.parts = 0;
    wo.phase = NULL;
    CHECK_OK(trawl_writer_open(db, &wo, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_many(w, "base", 3);
    CHECK_OK(trawl_writer_finish(w, NULL, &err), &err);
    trawl_writer_close(w);
    assert_int_equal(record_count(db), 3);

    /* an incremental run of one big batch, cancelled as finish begins: nothing of it stays */
    wo.batch = 100000;
    wo.phase = cancel_on_writing;
    CHECK_OK(trawl_writer_open(db, &wo, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_many(w, "big", 2000);
    CHECK_FAILS(trawl_writer_finish(w, &c, &err), TRAWL_ECANCELLED, &err);
    trawl_writer_close(w);
    assert_int_equal(record_count(db), 3);

    /* batches of 10, cancelled between puts: put says so, the committed batches stay */
    flag = 0;
    wo.batch = 10;
    wo.phase = NULL;
    CHECK_OK(trawl_writer_open(db, &wo, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_many(w, "batched", 95);
    flag = 1;
    CHECK_OK(trawl_article_from_fields(a, "late", "Too late.", 9, NULL, NULL, NULL, NULL, &err),
             &err);
    CHECK_FAILS(trawl_writer_put(w, a, &rec, 0, &err), TRAWL_ECANCELLED, &err);
    CHECK_FAILS(trawl_writer_finish(w, &c, &err), TRAWL_ECANCELLED, &err);
    trawl_writer_close(w);
    {
        size_t n = record_count(db);
        /* whole batches only, and never the last 5 (no full batch) nor "late" */
        assert_true(n >= 3 && n <= 93);
        assert_int_equal((n - 3) % 10, 0);
    }

    /* a new writer opens it and goes on from the committed state */
    flag = 0;
    CHECK_OK(trawl_writer_open(db, &wo, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put_many(w, "batched", 95);
    CHECK_OK(trawl_writer_finish(w, NULL, &err), &err);
    trawl_writer_close(w);
    assert_int_equal(record_count(db), 98);
    trawl_article_free(a);
}

/* ---- The map: every function of trawl.h is called above ------------------------------------ */

/* The file at path with its comments and the insides of its string and character literals
 * blanked out, so that a name there is not taken for a call; owned. */
static char *read_code(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s, *p;
    long n;

    if (f == NULL)
        fail_msg("cannot open '%s' (set TRAWL_SOURCE_ROOT to the source tree)", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    for (p = s; *p != '\0';) {
        if (p[0] == '/' && p[1] == '*') {
            char *end = strstr(p + 2, "*/");
            end = end != NULL ? end + 2 : p + strlen(p);
            memset(p, ' ', (size_t)(end - p));
            p = end;
        } else if (p[0] == '/' && p[1] == '/') {
            size_t len = strcspn(p, "\n");
            memset(p, ' ', len);
            p += len;
        } else if (p[0] == '"' || p[0] == '\'') {
            char quote = *p++;
            while (*p != '\0' && *p != quote && *p != '\n') {
                if (p[0] == '\\' && p[1] != '\0')
                    *p++ = ' ';
                *p++ = ' ';
            }
            p += *p == quote;
        } else {
            p++;
        }
    }
    return s;
}

static int is_ident(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether code calls the function name: the name whole, then "(" (spaces allowed). */
static int calls(const char *code, const char *name)
{
    size_t len = strlen(name);

    for (const char *p = code; (p = strstr(p, name)) != NULL; p++) {
        const char *q = p + len;
        if ((p > code && is_ident(p[-1])) || is_ident(*q))
            continue;
        while (*q == ' ' || *q == '\t' || *q == '\n')
            q++;
        if (*q == '(')
            return 1;
    }
    return 0;
}

static void test_every_function_is_called(void **state)
{
    const char *root = getenv("TRAWL_SOURCE_ROOT");
    char hpath[4096], cpath[4096], name[64], missing[2048] = "";
    char *header, *code;
    size_t declared = 0;

    (void)state;
    if (root == NULL)
        root = TRAWL_SOURCE_ROOT; /* where meson built this from */
    snprintf(hpath, sizeof hpath, "%s/common/trawl.h", root);
    snprintf(cpath, sizeof cpath, "%s/tests/unit/test_api.c", root);
    header = read_code(hpath);
    code = read_code(cpath);
    /* Each declaration: TRAWL_API, its return type, then the name that an "(" follows. */
    for (char *p = header; (p = strstr(p, "TRAWL_API")) != NULL; p += 9) {
        char *end = strchr(p, ';'), *q = p + 9;
        if (p[9] != ' ' || end == NULL)
            continue; /* the #define */
        for (; q < end; q++) {
            size_t len;
            if (strncmp(q, "trawl_", 6) != 0 || is_ident(q[-1]))
                continue;
            for (len = 0; is_ident(q[len]); len++)
                ;
            if (q[len] != '(')
                continue; /* a type: struct trawl_passage * */
            declared++;
            snprintf(name, sizeof name, "%.*s", (int)len, q);
            if (!calls(code, name))
                snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " %s", name);
            break;
        }
    }
    free(header);
    free(code);
    /* a parse that found nothing would pass: trawl.h declares some 67 functions */
    assert_true(declared >= 60);
    if (missing[0] != '\0')
        fail_msg("trawl.h declares functions test_api.c never calls:%s", missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_article_from_file),
        cmocka_unit_test(test_article_from_fields_and_hash),
        cmocka_unit_test(test_hash_and_key),
        cmocka_unit_test(test_article_passages),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_open_and_reopen),
        cmocka_unit_test(test_search_opts_defaults),
        cmocka_unit_test(test_search_hits),
        cmocka_unit_test(test_search_url_and_source),
        cmocka_unit_test(test_search_known_and_unknown_words),
        cmocka_unit_test(test_search_word_spans),
        cmocka_unit_test(test_search_views_and_windows),
        cmocka_unit_test(test_search_plain_and_options),
        cmocka_unit_test(test_search_cancelled),
        cmocka_unit_test(test_search_errors),
        cmocka_unit_test(test_near_duplicates),
        cmocka_unit_test(test_snippet),
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_passages),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_writer_incremental),
        cmocka_unit_test(test_writer_lock),
        cmocka_unit_test(test_writer_errors),
        cmocka_unit_test(test_writer_cancelled),
        cmocka_unit_test(test_on_fatal),
        cmocka_unit_test(test_every_function_is_called),
    };
    return cmocka_run_group_tests_name("api", tests, build_fixture, remove_fixture);
}
