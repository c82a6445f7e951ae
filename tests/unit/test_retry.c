/* Unit tests of reading while the indexer commits: a search and what the searcher asks after it
 * (its session, searcher/search.c, over the library: opening, the search, "did you mean",
 * explanations, neighbouring passages, an article's passages, statistics, completion,
 * reopening) meet a revision the indexer has discarded (xdb_test_discard) at each of their
 * reads in turn. Each must give the answer it gives without, and report nothing: a commit
 * landing never fails a search or drops a part of its answer. Linked with the library's
 * internals for the test hook (xdb.h), and with the searcher's session. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkdtemp, nftw */
#endif
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after stdarg.h, stddef.h and setjmp.h */

#include "common/trawl.h"
#include "common/xdb.h"
#include "searcher/search.h"
#include "tmptree.h"

#define CHECK_OK(call, e)                                                                          \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != TRAWL_OK)                                                                       \
            fail_msg("%s: %s (%d): %s", #call, trawl_status_name(rc_), rc_, (e)->msg);             \
    } while (0)

/* ---- The index: a few articles, with a typo, near-duplicates and a common word ----------- */

static const char MOON[] =
    " date 2018-03-26 The rover landed on the moon on Friday after a journey of three weeks, "
    "and the mission team said its cameras and drills were working well in the cold.\n\n"
    "Engineers will drive the rover across the crater next month to look for ice under the "
    "dust, which could one day supply water to a crewed base near the pole.\n\n"
    "The landing was the first on the far side by any country, and scientists around the "
    "world praised the precision of the final descent onto the rough ground.\n";
#define TIDE_TEXT                                                                                  \
    " date 2020-01-02 Spring tides will run higher than usual this winter along the northern "     \
    "coast, the harbour master said, and boats moored in the outer basin should be moved "         \
    "before the storms of February. The tables are printed in the almanac and posted at the "     \
    "harbour.\n"
#define GOV_TEXT                                                                                   \
    " date 2019-05-01 The government met the unions. The government said talks went well. The "    \
    "government will meet them again. The government has a plan. The government wants a deal. "   \
    "The government expects a vote. The government is hopeful. The government thanked them. "     \
    "The government left.\n"

static char dir[64], db[128];

static void put(trawl_writer *w, const char *id, const char *buf)
{
    struct trawl_error err;
    struct trawl_record rec;
    trawl_article *a = trawl_article_new();

    assert_non_null(a);
    memset(&rec, 0, sizeof rec);
    rec.source = id;
    rec.source_len = strlen(id);
    rec.hash = trawl_hash(TRAWL_HASH_SEED, buf, strlen(buf));
    rec.size = strlen(buf);
    CHECK_OK(trawl_article_from_file(a, id, buf, strlen(buf), &err), &err);
    CHECK_OK(trawl_writer_put(w, a, &rec, 1, &err), &err);
    trawl_article_free(a);
}

static int build_index(void **state)
{
    struct trawl_error err;
    trawl_writer *w = NULL;
    char id[16];

    (void)state;
    strcpy(dir, "/tmp/trawl-test-retry-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(db, sizeof db, "%s/db", dir);
    CHECK_OK(trawl_writer_open(db, NULL, &w, &err), &err);
    CHECK_OK(trawl_writer_start(w, &err), &err);
    put(w, "moon", MOON);
    put(w, "tide-a", TIDE_TEXT);
    put(w, "tide-b", TIDE_TEXT " The almanac costs two pounds.\n");
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof id, "gov-%02d", i);
        put(w, id, GOV_TEXT);
    }
    put(w, "typo", " date 2019-06-01 The goverment of the island announced a new fee for "
                   "visiting ships.\n");
    CHECK_OK(trawl_writer_finish(w, NULL, &err), &err);
    trawl_writer_close(w);
    return 0;
}

static int remove_index(void **state)
{
    (void)state;
    xdb_test_discard(0);
    if (dir[0] != '\0')
        tmptree_remove(dir);
    return 0;
}

/* ---- Running a session with a revision discarded at its nth read --------------------------- */

/* What one session said: its output, its stderr, and its actions' statuses. */
struct said {
    char out[16384];
    char err[2048];
    int rc;
};

/* What a case does with an open session; returns the statuses of its actions, combined. */
typedef int (*case_fn)(struct session *s);

/* The file's contents (from the start) into buf, the times searches took ("12.5 ms") as "#
 * ms": the only text of a session that differs from one run to the next. */
static void slurp(FILE *f, char *buf, size_t cap)
{
    size_t n;
    char *ms;

    rewind(f);
    n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    for (char *p = buf; (ms = strstr(p, " ms")) != NULL; p = ms + 1) {
        char *num = ms;
        while (num > buf && (num[-1] == '.' || (num[-1] >= '0' && num[-1] <= '9')))
            num--;
        if (num < ms) {
            *num = '#';
            memmove(num + 1, ms, strlen(ms) + 1);
            ms = num + 1;
        }
    }
}

/* Opens a session on the index (so that opening is among its reads), runs fn, closes it. */
static void run_session(const struct session_opts *o, case_fn fn, struct said *got)
{
    FILE *out = tmpfile(), *errf = tmpfile();
    struct trawl_error err;
    struct session s;
    int saved = dup(2);

    assert_non_null(out);
    assert_non_null(errf);
    fflush(stderr);
    dup2(fileno(errf), 2);
    if (session_open(&s, o, out, &err) != TRAWL_OK) {
        fprintf(stderr, "cannot open: %s\n", err.msg);
        got->rc = -1;
    } else {
        got->rc = fn(&s);
        session_close(&s);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    slurp(out, got->out, sizeof got->out);
    slurp(errf, got->err, sizeof got->err);
    fclose(out);
    fclose(errf);
}

/* The first line where a and b differ, for the failure message. */
static const char *first_diff(const char *a, const char *b, char *line, size_t cap)
{
    const char *start = a;

    for (size_t i = 0; a[i] != '\0' && a[i] == b[i]; i++)
        if (a[i] == '\n')
            start = a + i + 1;
    snprintf(line, cap, "%.*s", (int)strcspn(start, "\n"), start);
    return line;
}

/* The case run with no revision discarded, then with one at each of its reads in turn: each
 * run says the same, and nothing on stderr. */
static void same_at_every_read(const char *name, const struct session_opts *o, case_fn fn)
{
    static struct said want, got;
    char line[256];
    unsigned long reads;

    xdb_test_discard(ULONG_MAX); /* counted, none failed */
    run_session(o, fn, &want);
    reads = xdb_test_reads();
    xdb_test_discard(0);
    if (want.err[0] != '\0' || want.rc != 0)
        fail_msg("%s: status %d, stderr: %s", name, want.rc, want.err);
    assert_true(reads > 10);
    for (unsigned long n = 1; n <= reads; n++) {
        xdb_test_discard(n);
        run_session(o, fn, &got);
        if (xdb_test_reads() < n)
            fail_msg("%s: read %lu of %lu never came", name, n, reads);
        xdb_test_discard(0);
        if (got.err[0] != '\0')
            fail_msg("%s: revision discarded at read %lu of %lu: stderr: %s", name, n, reads,
                     got.err);
        if (got.rc != want.rc)
            fail_msg("%s: revision discarded at read %lu of %lu: status %d, not %d", name, n,
                     reads, got.rc, want.rc);
        if (strcmp(got.out, want.out) != 0)
            fail_msg("%s: revision discarded at read %lu of %lu: the output differs at\n  %s\n"
                     "which was\n  %s",
                     name, n, reads, first_diff(got.out, want.out, line, sizeof line),
                     first_diff(want.out, got.out, line + 128, sizeof line - 128));
    }
}

static void opts(struct session_opts *o, enum out_format format)
{
    memset(o, 0, sizeof *o);
    o->db = db;
    trawl_search_opts_init(&o->so);
    o->format = format;
}

/* An unknown word ("did you mean"), a rare one (a typo the corpus has), a phrase with an
 * excluded word, a wildcard, near-duplicates folded, words every article has. */
static int queries(struct session *s)
{
    static const char *const q[] = {"harbuor tables", "goverment fee", "\"spring tides\" -crater",
                                    "gov* moon", "almanac harbour", "the government"};
    int rc = 0;

    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        rc |= session_query(s, NULL, q[i], 0);
    return rc;
}

/* ---- Tests -------------------------------------------------------------------------------- */

static void test_json_with_explanations(void **state)
{
    struct session_opts o;

    (void)state;
    opts(&o, FMT_JSON);
    o.explain = 1;
    o.no_scores = 1;
    same_at_every_read("json --explain", &o, queries);
}

/* Scores on: a page whose words are all common is explained to say so. */
static void test_human_with_context_and_scores(void **state)
{
    struct session_opts o;

    (void)state;
    opts(&o, FMT_HUMAN);
    o.context = 1;
    same_at_every_read("human -C 1", &o, queries);
}

static int add_word(void *ctx, const char *word, size_t len, uint64_t freq)
{
    fprintf(ctx, "%.*s %llu\n", (int)len, word, (unsigned long long)freq);
    return 0;
}

/* What the prompt asks after a search: a result's article and explanation, a hit past the last
 * page (the query run again), statistics, completions, the index reopened. */
static int prompt(struct session *s)
{
    struct trawl_error err;
    int rc = session_query(s, NULL, "the moon", 0);

    rc |= session_show(s, 1);
    rc |= session_explain(s, 1);
    rc |= session_explain(s, 3);
    rc |= session_stats(s);
    rc |= trawl_complete(s->ix, "go", 2, add_word, s->out, &err);
    rc |= trawl_reopen(s->ix, &err);
    return rc | session_query(s, NULL, "moon crater", 0);
}

static void test_prompt_commands(void **state)
{
    struct session_opts o;

    (void)state;
    opts(&o, FMT_HUMAN);
    o.no_scores = 1;
    o.so.count = 2; /* result 3 is off the page */
    same_at_every_read("prompt", &o, prompt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_with_explanations),
        cmocka_unit_test(test_human_with_context_and_scores),
        cmocka_unit_test(test_prompt_commands),
    };
    return cmocka_run_group_tests_name("retry", tests, build_index, remove_index);
}
