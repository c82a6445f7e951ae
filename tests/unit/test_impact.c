/* Unit tests of common/impact, the article impact file, on small files under /tmp:
 *  - impact_match on random boolean trees (OR, AND, AND_NOT, AND_MAYBE) against a brute force
 *    over every document, its refusals of malformed trees, and malformed postings as below;
 *    impact_match_runs' runs of an article's docids and their counts against the same;
 *  - impact_top against a brute-force BM25 computed here with Xapian's BM25Weight formula
 *    (its ranking, weights, ties by article id then docid, the exact match count, k below
 *    the matches, k 0, an absent term, a term given twice, no leaves), impact_info, impact_df;
 *  - the writer's refusals (TRAWL_EINPUT): terms, postings and keys out of order or range;
 *  - impact_peek on no file, a foreign, truncated or resized file, and a good one;
 *  - impact_open on malformed headers (TRAWL_EINDEX, never a crash) and impact_top on
 *    malformed postings and key tables inside a valid header (TRAWL_EINDEX);
 *  - what an uncommitted and a committed writer leave on disk;
 *  - impact_ref / impact_close reference counting (ASan and valgrind see misuse). */
#define _XOPEN_SOURCE 700

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/impact.h"
#include "tmptree.h"


/* ---- The sample: eight docids, one of them no document, two without an article id ---------- */

#define LAST 8

struct doc {
    uint32_t len;
    const char *key; /* NULL: no article id */
};
/* Docs 1, 2, 3, 4 and 6 have the same length, so one wdf gives them the same weight: their
 * order is the article id's, bytewise ("" first, "\xc3\xa9clair" after every ASCII id), then
 * the docid's (2 and 6 share "alpha"). Doc 7 is short enough for min_normlen to count. */
static const struct doc docs[LAST + 1] = {
    {0, NULL},
    {10, "beta"},
    {10, "alpha"},
    {10, NULL},
    {10, "\xc3\xa9"
         "clair"},
    {0, NULL},
    {10, "alpha"},
    {3, NULL},
    {40, "gamma"},
};
#define DOCCOUNT 7
#define TOTAL_LENGTH 93

struct posting {
    uint32_t id, wdf;
};
struct term {
    const char *t;
    struct posting p[LAST];
    size_t n;
};
/* In ascending byte order, as the writer wants them. "fig" has a wdf of more than one varint
 * byte and a docid gap of more than one; "date" is in every document (Xapian's idf floor). */
static const struct term terms[] = {
    {"apple", {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {6, 1}, {8, 4}}, 6},
    {"banana", {{1, 3}, {7, 2}, {8, 1}}, 3},
    {"cherry", {{4, 1}}, 1},
    {"date", {{1, 1}, {2, 2}, {3, 1}, {4, 3}, {6, 1}, {7, 1}, {8, 5}}, 7},
    {"fig", {{1, 300}, {8, 1}}, 2},
};
#define NTERMS (sizeof terms / sizeof terms[0])

static const struct impact_bm25 params = {1.2, 0.75, 0.5}; /* not Xapian's defaults on purpose */

struct fix {
    char dir[64];
    char path[128];
    char tmp[160];
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    strcpy(f->dir, "/tmp/trawl-impact-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, IMPACT_FILE);
    snprintf(f->tmp, sizeof f->tmp, "%s.tmp", f->path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    tmptree_remove(f->dir);
    free(f);
    return 0;
}

static void sample_info(struct impact_info *info)
{
    memset(info, 0, sizeof *info);
    info->revision = 42;
    strcpy(info->uuid, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    info->doccount = DOCCOUNT;
    info->total_length = TOTAL_LENGTH;
    info->lastdocid = LAST;
}

/* Writes the sample to path (every call must succeed). */
static void write_sample(const char *path)
{
    struct impact_writer *w;
    struct impact_info info;
    struct trawl_error err;

    sample_info(&info);
    assert_int_equal(impact_writer_new(path, &info, &w, &err), TRAWL_OK);
    /* Lengths in any order: backwards here. */
    for (uint32_t d = LAST; d >= 1; d--)
        if (docs[d].len > 0)
            assert_int_equal(impact_writer_len(w, d, docs[d].len, &err), TRAWL_OK);
    for (uint32_t d = 1; d <= LAST; d++)
        if (docs[d].key != NULL)
            assert_int_equal(impact_writer_key(w, d, docs[d].key, strlen(docs[d].key), &err),
                             TRAWL_OK);
    for (size_t t = 0; t < NTERMS; t++) {
        assert_int_equal(impact_writer_term(w, terms[t].t, strlen(terms[t].t), &err), TRAWL_OK);
        for (size_t i = 0; i < terms[t].n; i++)
            assert_int_equal(impact_writer_posting(w, terms[t].p[i].id, terms[t].p[i].wdf, &err),
                             TRAWL_OK);
    }
    assert_int_equal(impact_writer_commit(w, &err), TRAWL_OK);
    impact_writer_free(w);
}

/* ---- The brute force: Xapian's BM25Weight, from the sample's tables ------------------------- */

static uint32_t df_of(const char *t)
{
    for (size_t i = 0; i < NTERMS; i++)
        if (strcmp(terms[i].t, t) == 0)
            return (uint32_t)terms[i].n;
    return 0;
}

static uint32_t wdf_of(const char *t, uint32_t d)
{
    for (size_t i = 0; i < NTERMS; i++)
        for (size_t j = 0; strcmp(terms[i].t, t) == 0 && j < terms[i].n; j++)
            if (terms[i].p[j].id == d)
                return terms[i].p[j].wdf;
    return 0;
}

/* BM25Weight::init (k3 1, wqf 1, factor 1): log(tw) x (k1 + 1), tw raised when below 2. */
static double termweight(const char *t, double k1)
{
    double n = DOCCOUNT, df = df_of(t);
    double tw = (n - df + 0.5) / (df + 0.5);

    if (tw < 2)
        tw = tw * 0.5 + 1;
    return log(tw) * (k1 + 1);
}

/* BM25Weight::get_sweight. */
static double sweight(double tw, uint32_t len, uint32_t wdf)
{
    double normlen = (double)len * ((double)DOCCOUNT / (double)TOTAL_LENGTH);

    if (normlen < params.min_normlen)
        normlen = params.min_normlen;
    return tw * (wdf / (params.k1 * (normlen * params.b + (1 - params.b)) + wdf));
}

static const char *key_of(uint32_t d)
{
    return docs[d].key != NULL ? docs[d].key : "";
}

/* Best first: weight, then article id bytewise (memcmp, then length), then docid. */
static int expect_cmp(const void *pa, const void *pb)
{
    const struct impact_hit *a = pa, *b = pb;
    int c;

    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    c = memcmp(a->key, b->key, a->klen < b->klen ? a->klen : b->klen);
    if (c != 0)
        return c;
    if (a->klen != b->klen)
        return a->klen < b->klen ? -1 : 1;
    return a->docid < b->docid ? -1 : a->docid > b->docid;
}

/* Every matching document's brute-force weight, best first, into out (LAST entries); returns
 * how many match. */
static size_t brute(const char *const *q, size_t nq, struct impact_hit *out)
{
    size_t n = 0;

    for (uint32_t d = 1; d <= LAST; d++) {
        double w = 0;
        int match = 0;
        for (size_t j = 0; j < nq; j++) {
            uint32_t wdf = wdf_of(q[j], d);
            if (wdf == 0)
                continue;
            match = 1;
            w += sweight(termweight(q[j], params.k1), docs[d].len, wdf);
        }
        if (match) {
            out[n].docid = d;
            out[n].weight = w;
            out[n].key = key_of(d);
            out[n].klen = strlen(out[n].key);
            n++;
        }
    }
    qsort(out, n, sizeof *out, expect_cmp);
    return n;
}

/* Asks im for the best k of the OR of q and checks the answer against the brute force: the
 * docids in order, their article ids, their weights (to a few ulps: Xapian's summation order
 * is not ours), how many, and the match count. Returns the match count. */
static size_t check_top(struct impact *im, const char *const *q, size_t nq, size_t k)
{
    struct impact_leaf leaves[8];
    struct impact_hit got[LAST + 1], want[LAST];
    struct trawl_error err;
    size_t n = 99, all = brute(q, nq, want);
    uint64_t matched = 99;

    assert_true(nq <= 8);
    for (size_t j = 0; j < nq; j++) {
        leaves[j].term = q[j];
        leaves[j].len = strlen(q[j]);
        leaves[j].weight = termweight(q[j], params.k1);
    }
    assert_int_equal(impact_top(im, leaves, nq, &params, k, got, &n, &matched, &err), TRAWL_OK);
    assert_int_equal(matched, all);
    assert_int_equal(n, k < all ? k : all);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(got[i].docid, want[i].docid);
        assert_int_equal(got[i].klen, want[i].klen);
        assert_memory_equal(got[i].key, want[i].key, want[i].klen);
        assert_true(fabs(got[i].weight - want[i].weight) <= 1e-12 * fabs(want[i].weight));
    }
    return all;
}

static void test_top_matches_brute_force(void **state)
{
    struct fix *f = *state;
    struct impact *im;
    struct trawl_error err;
    static const char *apple[] = {"apple"};
    static const char *mixed[] = {"banana", "apple", "zzz", "date"};
    static const char *absent[] = {"zzz"};
    static const char *twice[] = {"banana", "fig", "banana"};
    static const char *once[] = {"banana", "fig"};
    static const char *all[] = {"apple", "banana", "cherry", "date", "fig"};

    write_sample(f->path);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);

    /* The tie among docs 1, 2, 3, 4 and 6 on "apple", spelt out as well as brute-forced. */
    {
        struct impact_leaf leaf = {"apple", 5, termweight("apple", params.k1)};
        struct impact_hit got[LAST];
        static const uint32_t order[] = {8, 3, 2, 6, 1, 4};
        size_t n;
        uint64_t matched;
        assert_int_equal(impact_top(im, &leaf, 1, &params, LAST, got, &n, &matched, &err),
                         TRAWL_OK);
        assert_int_equal(n, 6);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(got[i].docid, order[i]);
        assert_true(got[0].weight > got[1].weight);
        for (size_t i = 2; i < n; i++)
            assert_true(got[i].weight == got[1].weight);
    }
    assert_int_equal(check_top(im, apple, 1, LAST), 6);
    /* k below the matches: the best k, the count still of them all (the heap must keep
     * "alpha" docid 2 over docid 6 and "" over both). */
    for (size_t k = 1; k <= 6; k++)
        assert_int_equal(check_top(im, apple, 1, k), 6);
    assert_int_equal(check_top(im, mixed, 4, LAST), 7);
    for (size_t k = 0; k <= 7; k++)
        assert_int_equal(check_top(im, mixed, 4, k), 7);
    assert_int_equal(check_top(im, absent, 1, LAST), 0);
    assert_int_equal(check_top(im, all, 5, 3), 7);
    assert_int_equal(check_top(im, all, 0, LAST), 0);
    /* A term given twice is two leaves, each weighing what it weighs alone. */
    assert_int_equal(check_top(im, twice, 3, LAST), 3);
    {
        struct impact_leaf l2[3], l1[2];
        struct impact_hit g2[LAST], g1[LAST];
        size_t n2, n1;
        uint64_t m2, m1;
        for (size_t j = 0; j < 3; j++)
            l2[j] =
                (struct impact_leaf){twice[j], strlen(twice[j]), termweight(twice[j], params.k1)};
        for (size_t j = 0; j < 2; j++)
            l1[j] = (struct impact_leaf){once[j], strlen(once[j]), termweight(once[j], params.k1)};
        assert_int_equal(impact_top(im, l2, 3, &params, LAST, g2, &n2, &m2, &err), TRAWL_OK);
        assert_int_equal(impact_top(im, l1, 2, &params, LAST, g1, &n1, &m1, &err), TRAWL_OK);
        assert_int_equal(n2, n1);
        assert_int_equal(m2, m1);
        /* Doc 7 has banana alone: its weight counted twice. */
        for (size_t i = 0; i < n1; i++)
            for (size_t j = 0; j < n2; j++)
                if (g1[i].docid == 7 && g2[j].docid == 7)
                    assert_true(fabs(g2[j].weight - 2 * g1[i].weight) < 1e-12);
        assert_int_equal(g2[0].docid, 1); /* banana wdf 3 and fig 300: first either way */
    }
    impact_close(im);
}

static void test_k_zero_counts_only(void **state)
{
    struct fix *f = *state;
    struct impact *im;
    struct trawl_error err;
    struct impact_leaf leaf = {"date", 4, termweight("date", params.k1)};
    struct impact_hit hit = {12345, 0, NULL, 0};
    size_t n = 99;
    uint64_t matched = 0;

    write_sample(f->path);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    assert_int_equal(impact_top(im, &leaf, 1, &params, 0, &hit, &n, &matched, &err), TRAWL_OK);
    assert_int_equal(n, 0);
    assert_int_equal(matched, 7);
    assert_int_equal(hit.docid, 12345); /* nothing written */
    /* "date" is in every document: tw below 2 is raised, so its weight stays positive. */
    assert_true(leaf.weight > 0);
    impact_close(im);
}

static void test_info_and_df(void **state)
{
    struct fix *f = *state;
    struct impact *im;
    struct impact_info want, peeked;
    const struct impact_info *got;
    struct trawl_error err;

    write_sample(f->path);
    sample_info(&want);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    got = impact_info(im);
    assert_int_equal(got->revision, 42);
    assert_string_equal(got->uuid, want.uuid);
    assert_int_equal(got->doccount, DOCCOUNT);
    assert_int_equal(got->total_length, TOTAL_LENGTH);
    assert_int_equal(got->lastdocid, LAST);
    assert_int_equal(impact_peek(f->path, &peeked, &err), TRAWL_OK);
    assert_memory_equal(&peeked, got, sizeof peeked);
    for (size_t t = 0; t < NTERMS; t++)
        assert_int_equal(impact_df(im, terms[t].t, strlen(terms[t].t)), terms[t].n);
    assert_int_equal(impact_df(im, "zzz", 3), 0);
    assert_int_equal(impact_df(im, "appl", 4), 0); /* a prefix of a term is not it */
    assert_int_equal(impact_df(im, "apples", 6), 0);
    assert_int_equal(impact_df(im, "", 0), 0);
    assert_int_equal(impact_df(im, "applex", 5), 6); /* the length is what counts */
    impact_close(im);
}

/* A uuid of the full 39 characters survives; a longer one is cut, never overrun. */
static void test_uuid_full_length(void **state)
{
    struct fix *f = *state;
    struct impact_writer *w;
    struct impact_info info, got;
    struct trawl_error err;

    sample_info(&info);
    memset(info.uuid, 'u', sizeof info.uuid); /* no NUL at all */
    assert_int_equal(impact_writer_new(f->path, &info, &w, &err), TRAWL_OK);
    assert_int_equal(impact_writer_commit(w, &err), TRAWL_OK);
    impact_writer_free(w);
    assert_int_equal(impact_peek(f->path, &got, &err), TRAWL_OK);
    assert_int_equal(strlen(got.uuid), sizeof got.uuid - 1);
}

/* ---- The writer's refusals ------------------------------------------------------------------- */

static struct impact_writer *new_writer(struct fix *f)
{
    struct impact_writer *w;
    struct impact_info info;
    struct trawl_error err;

    sample_info(&info);
    assert_int_equal(impact_writer_new(f->path, &info, &w, &err), TRAWL_OK);
    return w;
}

static void test_writer_refuses_terms_out_of_order(void **state)
{
    struct fix *f = *state;
    struct impact_writer *w = new_writer(f);
    struct trawl_error err;

    assert_int_equal(impact_writer_term(w, "b", 1, &err), TRAWL_OK);
    err.code = TRAWL_OK;
    assert_int_equal(impact_writer_term(w, "a", 1, &err), TRAWL_EINPUT);
    assert_int_equal(err.code, TRAWL_EINPUT);
    assert_int_equal(impact_writer_term(w, "b", 1, &err), TRAWL_EINPUT); /* strictly */
    assert_int_equal(impact_writer_term(w, "ab", 2, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_term(w, "ba", 2, &err), TRAWL_OK);    /* longer is after */
    assert_int_equal(impact_writer_term(w, "b\xff", 2, &err), TRAWL_OK); /* bytes unsigned */
    assert_int_equal(impact_writer_term(w, "c", 1, &err), TRAWL_OK);
    impact_writer_free(w);
    assert_int_equal(access(f->tmp, F_OK), -1);
}

static void test_writer_refuses_postings_out_of_order(void **state)
{
    struct fix *f = *state;
    struct impact_writer *w = new_writer(f);
    struct trawl_error err;

    assert_int_equal(impact_writer_posting(w, 1, 1, &err), TRAWL_EINPUT); /* no term yet */
    assert_int_equal(impact_writer_term(w, "a", 1, &err), TRAWL_OK);
    assert_int_equal(impact_writer_posting(w, 0, 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_posting(w, LAST + 1, 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_posting(w, 3, 0, &err), TRAWL_EINPUT); /* wdf 0 */
    assert_int_equal(impact_writer_posting(w, 3, 1, &err), TRAWL_OK);
    assert_int_equal(impact_writer_posting(w, 3, 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_posting(w, 2, 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_posting(w, LAST, 1, &err), TRAWL_OK);
    /* The next term starts again from docid 1. */
    assert_int_equal(impact_writer_term(w, "b", 1, &err), TRAWL_OK);
    assert_int_equal(impact_writer_posting(w, 1, 1, &err), TRAWL_OK);
    impact_writer_free(w);
}

static void test_writer_refuses_keys_out_of_order(void **state)
{
    struct fix *f = *state;
    struct impact_writer *w = new_writer(f);
    struct trawl_error err;

    assert_int_equal(impact_writer_key(w, 0, "x", 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_key(w, LAST + 1, "x", 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_key(w, 4, "x", 1, &err), TRAWL_OK);
    assert_int_equal(impact_writer_key(w, 4, "y", 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_key(w, 2, "y", 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_key(w, 5, "y", 1, &err), TRAWL_OK);
    assert_int_equal(impact_writer_len(w, 0, 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_len(w, LAST + 1, 1, &err), TRAWL_EINPUT);
    assert_int_equal(impact_writer_len(w, LAST, 1, &err), TRAWL_OK);
    impact_writer_free(w);
}

static void test_writer_new_in_missing_folder_is_eio(void **state)
{
    struct fix *f = *state;
    struct impact_writer *w = (struct impact_writer *)1;
    struct impact_info info;
    struct trawl_error err;
    char path[192];

    sample_info(&info);
    snprintf(path, sizeof path, "%s/none/%s", f->dir, IMPACT_FILE);
    assert_int_equal(impact_writer_new(path, &info, &w, &err), TRAWL_EIO);
    assert_null(w);
    assert_non_null(strstr(err.msg, "No such file or directory"));
}

/* ---- What is left on disk ------------------------------------------------------------------- */

static void test_uncommitted_writer_leaves_nothing(void **state)
{
    struct fix *f = *state;
    struct impact_writer *w = new_writer(f);
    struct trawl_error err;
    struct impact_info info;

    assert_int_equal(access(f->tmp, F_OK), 0); /* written under the temporary name */
    assert_int_equal(access(f->path, F_OK), -1);
    assert_int_equal(impact_writer_term(w, "a", 1, &err), TRAWL_OK);
    assert_int_equal(impact_writer_posting(w, 1, 1, &err), TRAWL_OK);
    impact_writer_free(w);
    assert_int_equal(access(f->tmp, F_OK), -1);
    assert_int_equal(access(f->path, F_OK), -1);

    /* Over an existing file: the old one stays as it was. */
    write_sample(f->path);
    w = new_writer(f);
    impact_writer_free(w);
    assert_int_equal(access(f->tmp, F_OK), -1);
    assert_int_equal(impact_peek(f->path, &info, &err), TRAWL_OK);
    assert_int_equal(info.revision, 42);
    impact_writer_free(NULL);
}

static void test_committed_writer_leaves_the_file(void **state)
{
    struct fix *f = *state;
    struct impact_writer *w;
    struct impact_info info;
    struct trawl_error err;
    struct impact *im;

    write_sample(f->path);
    assert_int_equal(access(f->tmp, F_OK), -1);
    assert_int_equal(access(f->path, F_OK), 0);
    /* A second commit replaces it whole (here with an empty file of another revision). */
    sample_info(&info);
    info.revision = 43;
    assert_int_equal(impact_writer_new(f->path, &info, &w, &err), TRAWL_OK);
    assert_int_equal(impact_writer_commit(w, &err), TRAWL_OK);
    impact_writer_free(w);
    assert_int_equal(access(f->tmp, F_OK), -1);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    assert_int_equal(impact_info(im)->revision, 43);
    assert_int_equal(impact_df(im, "apple", 5), 0);
    impact_close(im);
}

/* ---- Damaged files --------------------------------------------------------------------------- */

static void read_header(const char *path, struct impact_header *h)
{
    struct stat sb;
    int fd = open(path, O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &sb), 0);
    assert_int_equal(pread(fd, h, sizeof *h, 0), (ssize_t)sizeof *h);
    close(fd);
    /* The header as impact.h lays it out. */
    assert_memory_equal(h->magic, IMPACT_MAGIC, 8);
    assert_int_equal(h->size, (uint64_t)sb.st_size);
    assert_int_equal(h->nterms, NTERMS);
    assert_int_equal(h->lastdocid, LAST);
}

static void put_bytes(const char *path, uint64_t at, const void *p, size_t len)
{
    int fd = open(path, O_WRONLY);

    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, p, len, (off_t)at), (ssize_t)len);
    close(fd);
}

static void get_bytes(const char *path, uint64_t at, void *p, size_t len)
{
    int fd = open(path, O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, p, len, (off_t)at), (ssize_t)len);
    close(fd);
}

/* Both readers refuse the file at path with TRAWL_EINDEX; what names the damage. */
static void refused(const char *path, const char *what)
{
    struct impact_info info;
    struct impact *im = (struct impact *)1;
    struct trawl_error err;

    if (impact_peek(path, &info, &err) != TRAWL_EINDEX)
        fail_msg("impact_peek took a file with %s", what);
    if (impact_open(path, &im, &err) != TRAWL_EINDEX)
        fail_msg("impact_open took a file with %s", what);
    assert_null(im);
    assert_non_null(strstr(err.msg, "not an impact file"));
}

static void test_peek_and_open(void **state)
{
    struct fix *f = *state;
    struct impact_info info;
    struct impact *im = (struct impact *)1;
    struct trawl_error err;
    struct impact_header h;
    struct stat sb;

    assert_int_equal(impact_peek(f->path, &info, &err), TRAWL_ENOTFOUND);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_ENOTFOUND);
    assert_null(im);

    write_sample(f->path);
    assert_int_equal(impact_peek(f->path, &info, &err), TRAWL_OK);
    assert_int_equal(info.revision, 42);
    assert_int_equal(info.lastdocid, LAST);
    assert_int_equal(stat(f->path, &sb), 0);
    read_header(f->path, &h);

    /* Another magic. */
    put_bytes(f->path, 0, "TRAWLIMQ", 8);
    refused(f->path, "another magic");
    put_bytes(f->path, 0, "TRAWLIMP", 8);
    assert_int_equal(impact_peek(f->path, &info, &err), TRAWL_OK);
    /* A longer file than the header says. */
    assert_int_equal(truncate(f->path, sb.st_size + 1), 0);
    refused(f->path, "a byte more");
    /* Shorter: by a byte, to half, to less than a header, to nothing. */
    assert_int_equal(truncate(f->path, sb.st_size - 1), 0);
    refused(f->path, "a byte less");
    assert_int_equal(truncate(f->path, sb.st_size / 2), 0);
    refused(f->path, "half its bytes");
    assert_int_equal(truncate(f->path, 100), 0);
    refused(f->path, "less than a header");
    assert_int_equal(truncate(f->path, 0), 0);
    refused(f->path, "no bytes");
}

/* Writes the sample, changes one header field through fn, and expects both readers to refuse
 * it. */
typedef void (*damage_fn)(struct impact_header *h);
static void dmg_keys_past_end(struct impact_header *h)
{
    h->keys_off = h->size + 8;
}
static void dmg_keys_len(struct impact_header *h)
{
    h->keys_len = h->size - h->keys_off + 1;
}
static void dmg_lens_past_end(struct impact_header *h)
{
    h->lens_off = h->size;
}
static void dmg_ends_unaligned(struct impact_header *h)
{
    h->ends_off += 4;
}
static void dmg_text_past_end(struct impact_header *h)
{
    h->text_off = UINT64_MAX - 7;
}
static void dmg_terms_many(struct impact_header *h)
{
    h->nterms = UINT32_MAX;
}
static void dmg_post_len(struct impact_header *h)
{
    h->post_len = UINT64_MAX;
}
static void dmg_post_off(struct impact_header *h)
{
    h->post_off = 264;
}
static void dmg_lastdocid(struct impact_header *h)
{
    h->lastdocid = UINT32_MAX;
}
static void dmg_version(struct impact_header *h)
{
    h->version = IMPACT_VERSION + 1;
}
static void dmg_version_1(struct impact_header *h)
{
    h->version = 1; /* no skip entries */
}
static void dmg_skips_past_end(struct impact_header *h)
{
    h->skips_off = h->size;
    h->nskips = 1;
}
static void dmg_skips_many(struct impact_header *h)
{
    h->nskips = UINT64_MAX / 4; /* times 8 wraps */
}
static void dmg_mark(struct impact_header *h)
{
    h->mark = 0x04030201u;
}
static void dmg_uuid(struct impact_header *h)
{
    memset(h->uuid, 'x', sizeof h->uuid);
}
static void dmg_size(struct impact_header *h)
{
    h->size -= 8;
}

static void test_open_refuses_bad_headers(void **state)
{
    struct fix *f = *state;
    static const damage_fn fns[] = {
        dmg_keys_past_end, dmg_keys_len, dmg_lens_past_end, dmg_ends_unaligned, dmg_text_past_end,
        dmg_terms_many,    dmg_post_len, dmg_post_off,      dmg_lastdocid,      dmg_version,
        dmg_mark,          dmg_uuid,     dmg_size,          dmg_version_1,      dmg_skips_past_end,
        dmg_skips_many,
    };
    static const char *const names[] = {
        "keys past the end",
        "keys running past the end",
        "lengths past the end",
        "unaligned key ends",
        "term text past the end",
        "too many terms",
        "postings running past the end",
        "postings not after the header",
        "lastdocid past the tables",
        "another version",
        "another byte order",
        "no NUL in the uuid",
        "another size",
        "version 1",
        "skip entries past the end",
        "more skip entries than bytes",
    };

    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        struct impact_header h;
        struct impact *im;
        struct trawl_error err;
        write_sample(f->path);
        read_header(f->path, &h);
        fns[i](&h);
        put_bytes(f->path, 0, &h, sizeof h);
        refused(f->path, names[i]);
        /* The writer's own file again is fine: the test changed only what it meant to. */
        write_sample(f->path);
        assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
        impact_close(im);
    }
}

/* The entry of term t in the file at path, and where it lies. */
static uint64_t term_entry(const char *path, const struct impact_header *h, const char *t,
                           struct impact_term *out)
{
    for (uint32_t i = 0; i < h->nterms; i++) {
        char text[64];
        uint64_t at = h->terms_off + (uint64_t)i * sizeof *out;
        get_bytes(path, at, out, sizeof *out);
        assert_true(out->len < sizeof text);
        get_bytes(path, h->text_off + out->text, text, out->len);
        if (out->len == strlen(t) && memcmp(text, t, out->len) == 0)
            return at;
    }
    fail_msg("no term '%s' in the file", t);
    return 0;
}

/* impact_top on the one leaf t for the best k: its status. The walk a term at a time (the
 * leaf padded with absent ones past IMPACT_DAAT_LEAVES) and impact_match must say the same. */
static int top_of(const char *path, const char *t, size_t k)
{
    struct impact *im;
    struct trawl_error err;
    struct impact_leaf leaves[IMPACT_DAAT_LEAVES + 1];
    struct impact_hit hits[LAST];
    size_t n;
    uint64_t matched;
    int rc, rc_taat;
    static const struct impact_node leaf[2] = {{IMPACT_LEAF, 0, NULL, 0, NULL, 0},
                                               {IMPACT_LEAF, 1, NULL, 0, NULL, 0}};
    static const struct impact_node *const kids[2] = {&leaf[0], &leaf[1]};
    static const struct impact_node not_absent = {IMPACT_AND_NOT, 0, kids, 2, NULL, 0};

    leaves[0] = (struct impact_leaf){t, strlen(t), 1.0};
    for (size_t j = 1; j <= IMPACT_DAAT_LEAVES; j++)
        leaves[j] = (struct impact_leaf){"zz", 2, 1.0};
    assert_int_equal(impact_open(path, &im, &err), TRAWL_OK);
    rc = impact_top(im, leaves, 1, &params, k, hits, &n, &matched, &err);
    if (rc != TRAWL_OK)
        assert_non_null(strstr(err.msg, "malformed"));
    rc_taat = impact_top(im, leaves, IMPACT_DAAT_LEAVES + 1, &params, k, hits, &n, &matched, &err);
    assert_int_equal(rc_taat, rc);
    /* And impact_match, over its skip entries, on t AND_NOT an absent term. */
    assert_int_equal(impact_match(im, &not_absent, leaves, 2, &params, k, hits, &n, &matched, &err),
                     rc);
    impact_close(im);
    return rc;
}

static void test_top_refuses_malformed_postings(void **state)
{
    struct fix *f = *state;
    struct impact_header h;
    struct impact_term t;
    unsigned char ff[8], two[2];
    uint64_t at;

    memset(ff, 0xff, sizeof ff);
    write_sample(f->path);
    read_header(f->path, &h);
    assert_int_equal(top_of(f->path, "cherry", LAST), TRAWL_OK);

    /* Continuation bytes to the end of the term's postings ("cherry": docid 4, wdf 1). Each
     * case asks for k 0 too, which reads no article id: the postings alone must tell. */
    term_entry(f->path, &h, "cherry", &t);
    assert_int_equal(t.bytes, 2);
    put_bytes(f->path, h.post_off + t.post, ff, t.bytes);
    assert_int_equal(top_of(f->path, "cherry", LAST), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "cherry", 0), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "apple", LAST), TRAWL_OK); /* the others are fine */

    /* A first gap past lastdocid, then one of 0 (docids must ascend). */
    write_sample(f->path);
    two[0] = LAST + 1;
    two[1] = 1;
    put_bytes(f->path, h.post_off + t.post, two, 2);
    assert_int_equal(top_of(f->path, "cherry", LAST), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "cherry", 0), TRAWL_EINDEX);
    two[0] = 0;
    put_bytes(f->path, h.post_off + t.post, two, 2);
    assert_int_equal(top_of(f->path, "cherry", LAST), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "cherry", 0), TRAWL_EINDEX);

    /* A later gap that runs past lastdocid: "fig" is docid 1 then a gap of 7 (docid 8). */
    write_sample(f->path);
    term_entry(f->path, &h, "fig", &t);
    assert_int_equal(t.bytes, 1 + 2 + 1 + 1); /* gap 1, wdf 300 (two bytes), gap 7, wdf 1 */
    two[0] = LAST;                            /* 1 + 8 = 9 */
    put_bytes(f->path, h.post_off + t.post + 3, two, 1);
    assert_int_equal(top_of(f->path, "fig", LAST), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "fig", 0), TRAWL_EINDEX);

    /* A varint cut by the end of the term's postings: "fig"'s entry one byte shorter. */
    write_sample(f->path);
    at = term_entry(f->path, &h, "fig", &t);
    t.bytes--;
    put_bytes(f->path, at, &t, sizeof t);
    assert_int_equal(top_of(f->path, "fig", LAST), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "fig", 0), TRAWL_EINDEX);

    /* A term entry pointing outside the postings or the term text, or whose df is not its
     * postings' count: malformed, not an absent term (which would answer without its weight). */
    write_sample(f->path);
    at = term_entry(f->path, &h, "fig", &t);
    t.post = h.post_len;
    put_bytes(f->path, at, &t, sizeof t);
    assert_int_equal(top_of(f->path, "fig", LAST), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "fig", 0), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "apple", LAST), TRAWL_OK);
    write_sample(f->path);
    at = term_entry(f->path, &h, "fig", &t);
    t.text = UINT32_MAX;
    put_bytes(f->path, at, &t, sizeof t);
    assert_int_equal(top_of(f->path, "fig", LAST), TRAWL_EINDEX);
    assert_int_equal(top_of(f->path, "zzz", LAST), TRAWL_EINDEX); /* "fig" is on the way */
    for (uint32_t df = 1; df <= 3; df += 2) {
        write_sample(f->path);
        at = term_entry(f->path, &h, "fig", &t);
        t.df = df;
        put_bytes(f->path, at, &t, sizeof t);
        assert_int_equal(top_of(f->path, "fig", LAST), TRAWL_EINDEX);
        assert_int_equal(top_of(f->path, "fig", 0), TRAWL_EINDEX);
    }

    /* An article id table pointing past the ids: TRAWL_EINDEX when a hit needs one. */
    write_sample(f->path);
    {
        uint32_t big = UINT32_MAX;
        /* ends[5]: where doc 4's article id ends. */
        put_bytes(f->path, h.ends_off + 5 * sizeof big, &big, sizeof big);
        assert_int_equal(top_of(f->path, "cherry", LAST), TRAWL_EINDEX);
        assert_int_equal(top_of(f->path, "fig", LAST), TRAWL_OK); /* docs 1 and 8 */
    }
}

/* ---- The two walks, on a larger random file -------------------------------------------- */

#define RAND_DOCS 3000
#define RAND_TERMS 40

static uint64_t rng_state = 88172645463325252u;
static uint16_t rand_wdf[RAND_TERMS][RAND_DOCS + 1]; /* write_random's postings */

static uint32_t rnd(uint32_t below)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % below);
}

/* RAND_DOCS docids (every 97th no document), lengths from a few values (so that weights tie),
 * four passages to an article id (some without one), and RAND_TERMS terms from rare to
 * common, their wdfs mostly 1, some of two varint bytes. */
static void write_random(const char *path)
{
    static const uint32_t lens[] = {3, 10, 10, 20, 60, 200};
    struct impact_writer *w;
    struct impact_info info;
    struct trawl_error err;
    uint64_t total = 0, count = 0;
    char key[16], term[8];

    rng_state = 88172645463325252u;
    for (uint32_t d = 1; d <= RAND_DOCS; d++)
        if (d % 97 != 0) {
            total += lens[d % 6];
            count++;
        }
    memset(&info, 0, sizeof info);
    info.revision = 7;
    strcpy(info.uuid, "11111111-2222-3333-4444-555555555555");
    info.doccount = (uint32_t)count;
    info.total_length = total;
    info.lastdocid = RAND_DOCS;
    assert_int_equal(impact_writer_new(path, &info, &w, &err), TRAWL_OK);
    for (uint32_t d = 1; d <= RAND_DOCS; d++) {
        if (d % 97 == 0)
            continue;
        assert_int_equal(impact_writer_len(w, d, lens[d % 6], &err), TRAWL_OK);
        if (d % 13 != 0) {
            snprintf(key, sizeof key, "a%04u", (d - 1) / 4);
            assert_int_equal(impact_writer_key(w, d, key, strlen(key), &err), TRAWL_OK);
        }
    }
    for (uint32_t t = 0; t < RAND_TERMS; t++) {
        uint32_t per_mille = t < 10 ? 1 + t : t < 30 ? 20 * (t - 9) : 500 + 10 * (t - 30);
        snprintf(term, sizeof term, "t%02u", t);
        assert_int_equal(impact_writer_term(w, term, strlen(term), &err), TRAWL_OK);
        for (uint32_t d = 1; d <= RAND_DOCS; d++) {
            uint32_t r = rnd(1000), wdf = r < 800 ? 1 : r < 990 ? 2 + rnd(5) : 150 + rnd(200);
            rand_wdf[t][d] = 0;
            if (d % 97 != 0 && rnd(1000) < per_mille) {
                assert_int_equal(impact_writer_posting(w, d, wdf, &err), TRAWL_OK);
                rand_wdf[t][d] = (uint16_t)wdf;
            }
        }
    }
    assert_int_equal(impact_writer_commit(w, &err), TRAWL_OK);
    impact_writer_free(w);
}

/* Random queries of 1 to 6 leaves (a term may come twice; some absent), each answered by the
 * walk a document at a time and, padded with absent leaves past IMPACT_DAAT_LEAVES, a term
 * at a time: the same hits, bit for bit, and the same count, for every k. The first walk
 * prunes (leaves left out as candidates, documents left unscored), so this checks that it
 * never loses one the second keeps. */
static void test_walks_agree(void **state)
{
    static const size_t ks[] = {0, 1, 3, 10, 34, 100, RAND_DOCS};
    static const struct impact_bm25 both[] = {{1.2, 0.75, 0.5}, {2.5, 0.75, 0.5}, {1, 0, 0}};
    struct fix *f = *state;
    struct impact *im;
    struct trawl_error err;
    struct impact_hit *a = malloc(RAND_DOCS * sizeof *a), *b = malloc(RAND_DOCS * sizeof *b);
    char names[6][8];
    int pruned_some = 0;

    assert_non_null(a);
    assert_non_null(b);
    write_random(f->path);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    for (int q = 0; q < 300; q++) {
        struct impact_leaf leaves[IMPACT_DAAT_LEAVES + 1];
        size_t nq = 1 + rnd(6);
        const struct impact_bm25 *p = &both[q % 3];
        for (size_t j = 0; j < nq; j++) {
            uint32_t t = rnd(RAND_TERMS + 2); /* two in 42 absent */
            snprintf(names[j], sizeof names[j], t < RAND_TERMS ? "t%02u" : "u%02u", t);
            leaves[j].term = names[j];
            leaves[j].len = strlen(names[j]);
            /* Weights as BM25 gives them, but some equal, one in ten zero. */
            leaves[j].weight = rnd(10) == 0 ? 0 : (double)(1 + rnd(8)) * 0.75;
        }
        for (size_t j = nq; j <= IMPACT_DAAT_LEAVES; j++)
            leaves[j] = (struct impact_leaf){"zz", 2, 1.0};
        for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
            size_t na = 99, nb = 98;
            uint64_t ma = 1, mb = 2;
            assert_int_equal(impact_top(im, leaves, nq, p, ks[i], a, &na, &ma, &err), TRAWL_OK);
            assert_int_equal(
                impact_top(im, leaves, IMPACT_DAAT_LEAVES + 1, p, ks[i], b, &nb, &mb, &err),
                TRAWL_OK);
            assert_int_equal(ma, mb);
            assert_int_equal(na, nb);
            if (na < ma && na > 0)
                pruned_some = 1;
            for (size_t h = 0; h < na; h++) {
                assert_int_equal(a[h].docid, b[h].docid);
                assert_true(a[h].weight == b[h].weight);
                assert_int_equal(a[h].klen, b[h].klen);
                assert_memory_equal(a[h].key, b[h].key, a[h].klen);
            }
        }
    }
    assert_true(pruned_some);
    impact_close(im);
    free(a);
    free(b);
}

/* ---- Boolean trees, against a brute force ------------------------------------------------- */

#define TREE_NODES 256 /* inner nodes begun below 40, at most 4 kids, 5 levels: far fewer */

/* A random tree for test_trees_match_brute_force, in fixed arrays. */
struct rtree {
    struct impact_node node[TREE_NODES];
    const struct impact_node *kid[TREE_NODES];
    struct impact_leaf leaf[TREE_NODES];
    char name[TREE_NODES][8];
    size_t nnode, nkid, nleaf;
};

/* A random node of at most depth levels below it; leaves share terms (a term may come twice)
 * and some are absent from the file. */
static const struct impact_node *rtree_node(struct rtree *t, int depth)
{
    struct impact_node *m = &t->node[t->nnode++];
    static const enum impact_op ops[] = {IMPACT_OR, IMPACT_AND, IMPACT_AND_NOT, IMPACT_AND_MAYBE};

    if (depth == 0 || rnd(3) == 0 || t->nnode > 40) {
        uint32_t term = rnd(RAND_TERMS + 3);
        size_t j = t->nleaf;
        if (j > 0 && rnd(6) == 0) { /* the same leaf again */
            m->op = IMPACT_LEAF;
            m->leaf = rnd((uint32_t)j);
            return m;
        }
        snprintf(t->name[j], sizeof t->name[j], term < RAND_TERMS ? "t%02u" : "u%02u", term);
        t->leaf[j] = (struct impact_leaf){t->name[j], strlen(t->name[j]),
                                          rnd(10) == 0 ? 0 : (double)(1 + rnd(97)) / 7};
        m->op = IMPACT_LEAF;
        m->leaf = t->nleaf++;
        return m;
    }
    m->op = ops[rnd(4)];
    m->nkids = 1 + rnd(4);
    {
        const struct impact_node **kids = &t->kid[t->nkid];
        t->nkid += m->nkids;
        m->kids = kids;
        for (size_t i = 0; i < m->nkids; i++)
            kids[i] = rtree_node(t, depth - 1);
    }
    return m;
}

/* Whether node m matches document d of write_random's file, and its weight there, summed
 * as impact_match documents it (kids in order); K: BM25's length part for d. */
static int brute_match(const struct rtree *t, const struct impact_node *m, uint32_t d, double K,
                       double *w)
{
    double sum = 0, part;
    int any = 0;

    switch (m->op) {
    case IMPACT_LEAF: {
        const struct impact_leaf *l = &t->leaf[m->leaf];
        unsigned term;
        double wd;
        if (l->term[0] != 't' || sscanf(l->term, "t%02u", &term) != 1 || rand_wdf[term][d] == 0)
            return 0;
        wd = (double)rand_wdf[term][d];
        *w = l->weight * (wd / (K + wd));
        return 1;
    }
    case IMPACT_OR:
        for (size_t i = 0; i < m->nkids; i++)
            if (brute_match(t, m->kids[i], d, K, &part)) {
                sum += part;
                any = 1;
            }
        *w = sum;
        return any;
    case IMPACT_AND:
        for (size_t i = 0; i < m->nkids; i++) {
            if (!brute_match(t, m->kids[i], d, K, &part))
                return 0;
            sum += part;
        }
        *w = sum;
        return 1;
    case IMPACT_AND_NOT:
        for (size_t i = 1; i < m->nkids; i++)
            if (brute_match(t, m->kids[i], d, K, &part))
                return 0;
        return brute_match(t, m->kids[0], d, K, w);
    case IMPACT_AND_MAYBE:
        if (!brute_match(t, m->kids[0], d, K, &part))
            return 0;
        sum += part;
        for (size_t i = 1; i < m->nkids; i++)
            if (brute_match(t, m->kids[i], d, K, &part))
                sum += part;
        *w = sum;
        return 1;
    case IMPACT_FILTER:
        if (d >= m->nallow || !m->allow[d])
            return 0;
        if (m->nkids == 0) {
            *w = 0;
            return 1;
        }
        return brute_match(t, m->kids[0], d, K, w);
    }
    fail_msg("unknown op");
    return 0;
}

/* write_random's article id of d ("" for none), as the file keeps it. */
static void rand_key(uint32_t d, char *key, size_t size)
{
    if (d % 13 != 0)
        snprintf(key, size, "a%04u", (d - 1) / 4);
    else
        key[0] = '\0';
}

struct expect_hit {
    uint32_t docid;
    double weight;
    char key[16];
};

static int expect_hit_cmp(const void *pa, const void *pb)
{
    const struct expect_hit *a = pa, *b = pb;
    int c;

    if (a->weight != b->weight)
        return a->weight < b->weight ? 1 : -1;
    if ((c = strcmp(a->key, b->key)) != 0) /* ASCII ids: bytewise */
        return c;
    return (a->docid > b->docid) - (a->docid < b->docid);
}

/* Random trees of up to five levels (every op, one to four kids, repeated and absent leaves),
 * impact_match against brute_match over every document: the same hits in the same order
 * with the same weights bit for bit (the same sums in the same order), the same count, at
 * several k and BM25 parameters. */
static void test_trees_match_brute_force(void **state)
{
    static const size_t ks[] = {0, 1, 3, 10, 57, RAND_DOCS};
    static const struct impact_bm25 both[] = {{1.2, 0.75, 0.5}, {2.5, 0.75, 0.5}, {1, 0, 0}};
    static const uint32_t lens[] = {3, 10, 10, 20, 60, 200};
    struct fix *f = *state;
    struct impact *im;
    struct trawl_error err;
    struct impact_hit *got = malloc(RAND_DOCS * sizeof *got);
    struct expect_hit *want = malloc(RAND_DOCS * sizeof *want);
    struct rtree *t = malloc(sizeof *t);
    uint64_t total = 0, count = 0;
    int some_matched = 0, some_empty = 0;

    assert_non_null(got);
    assert_non_null(want);
    assert_non_null(t);
    write_random(f->path);
    for (uint32_t d = 1; d <= RAND_DOCS; d++)
        if (d % 97 != 0) {
            total += lens[d % 6];
            count++;
        }
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    for (int q = 0; q < 400; q++) {
        const struct impact_bm25 *p = &both[q % 3];
        const struct impact_node *root;
        double len_factor = 1 / ((double)total / (double)count);
        size_t nwant = 0;
        memset(t, 0, sizeof *t);
        root = rtree_node(t, 1 + q % 5);
        for (uint32_t d = 1; d <= RAND_DOCS; d++) {
            double normlen = (double)lens[d % 6] * len_factor, w;
            if (d % 97 == 0)
                continue;
            if (normlen < p->min_normlen)
                normlen = p->min_normlen;
            if (brute_match(t, root, d, p->k1 * (normlen * p->b + (1 - p->b)), &w)) {
                want[nwant].docid = d;
                want[nwant].weight = w;
                rand_key(d, want[nwant].key, sizeof want[nwant].key);
                nwant++;
            }
        }
        qsort(want, nwant, sizeof *want, expect_hit_cmp);
        some_matched |= nwant > 100;
        some_empty |= nwant == 0;
        for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
            size_t n = 99;
            uint64_t matched = 1;
            assert_int_equal(impact_match(im, root, t->leaf, t->nleaf, p, ks[i], got, &n,
                                          &matched, &err),
                             TRAWL_OK);
            assert_int_equal(matched, nwant);
            assert_int_equal(n, ks[i] < nwant ? ks[i] : nwant);
            for (size_t h = 0; h < n; h++) {
                assert_int_equal(got[h].docid, want[h].docid);
                assert_true(got[h].weight == want[h].weight);
                assert_int_equal(got[h].klen, strlen(want[h].key));
                assert_memory_equal(got[h].key, want[h].key, got[h].klen);
            }
        }
    }
    assert_true(some_matched);
    assert_true(some_empty);
    impact_close(im);
    free(got);
    free(want);
    free(t);
}

/* impact_match_runs on random trees: for random documents (unsorted, some twice, several of
 * one article), the run of docids around each with its article id and the count of those
 * the tree matches, against brute_match; a docid of another article id, or of none, is
 * TRAWL_ENOTFOUND. */
static void test_trees_count_runs(void **state)
{
    struct fix *f = *state;
    struct impact *im;
    struct trawl_error err;
    struct rtree *t = malloc(sizeof *t);
    char keybuf[12][16];

    assert_non_null(t);
    write_random(f->path);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    for (int q = 0; q < 200; q++) {
        uint32_t docs[12], runs[12];
        const char *keys[12];
        size_t klens[12], n = 1 + rnd(12);
        uint64_t counts[12];
        const struct impact_node *root;
        memset(t, 0, sizeof *t);
        root = rtree_node(t, 1 + q % 5);
        for (size_t i = 0; i < n; i++) {
            do
                docs[i] = i > 0 && rnd(4) == 0 ? docs[rnd((uint32_t)i)] : 1 + rnd(RAND_DOCS);
            while (docs[i] % 13 == 0 || docs[i] % 97 == 0);
            rand_key(docs[i], keybuf[i], sizeof keybuf[i]);
            keys[i] = keybuf[i];
            klens[i] = strlen(keybuf[i]);
        }
        assert_int_equal(impact_match_runs(im, root, t->leaf, t->nleaf, docs, keys, klens, n,
                                           runs, counts, &err),
                         TRAWL_OK);
        for (size_t i = 0; i < n; i++) {
            char k[16];
            uint32_t lo = docs[i], hi = docs[i];
            uint64_t want = 0;
            double w;
            for (; lo > 1 && (rand_key(lo - 1, k, sizeof k), strcmp(k, keys[i]) == 0) &&
                   (lo - 1) % 97 != 0;
                 lo--)
                ;
            for (; hi < RAND_DOCS && (rand_key(hi + 1, k, sizeof k), strcmp(k, keys[i]) == 0) &&
                   (hi + 1) % 97 != 0;
                 hi++)
                ;
            for (uint32_t d = lo; d <= hi; d++)
                want += brute_match(t, root, d, 1.0, &w);
            assert_int_equal(runs[i], hi - lo + 1);
            assert_int_equal(counts[i], want);
        }
        /* The last one given with another article's id, then with none. */
        keys[n - 1] = "a9999";
        klens[n - 1] = 5;
        assert_int_equal(impact_match_runs(im, root, t->leaf, t->nleaf, docs, keys, klens, n,
                                           runs, counts, &err),
                         TRAWL_ENOTFOUND);
        klens[n - 1] = 0;
        assert_int_equal(impact_match_runs(im, root, t->leaf, t->nleaf, docs, keys, klens, n,
                                           runs, counts, &err),
                         TRAWL_ENOTFOUND);
    }
    impact_close(im);
    free(t);
}

/* A plain OR tree of leaves gives impact_top's answer bit for bit (the same sums in the same
 * order), and trees impact_match cannot take are TRAWL_EINPUT. */
static void test_trees_or_and_refusals(void **state)
{
    struct fix *f = *state;
    struct impact *im;
    struct trawl_error err;
    struct impact_leaf leaves[3] = {{"t35", 3, 1.5}, {"t20", 3, 2.25}, {"t07", 3, 4.0}};
    struct impact_node lv[3] = {{IMPACT_LEAF, 0, NULL, 0, NULL, 0}, {IMPACT_LEAF, 1, NULL, 0, NULL, 0},
                                {IMPACT_LEAF, 2, NULL, 0, NULL, 0}};
    const struct impact_node *kids[3] = {&lv[0], &lv[1], &lv[2]};
    struct impact_node or = {IMPACT_OR, 0, kids, 3, NULL, 0}, bad;
    struct impact_node *deep = calloc(IMPACT_TREE_DEPTH + 1, sizeof *deep);
    const struct impact_node **dk = calloc(IMPACT_TREE_DEPTH + 1, sizeof *dk);
    struct impact_hit a[50], b[50];
    size_t na, nb;
    uint64_t ma, mb;

    assert_non_null(deep);
    assert_non_null(dk);
    write_random(f->path);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    assert_int_equal(impact_top(im, leaves, 3, &params, 50, a, &na, &ma, &err), TRAWL_OK);
    assert_int_equal(impact_match(im, &or, leaves, 3, &params, 50, b, &nb, &mb, &err), TRAWL_OK);
    assert_int_equal(ma, mb);
    assert_int_equal(na, nb);
    assert_true(na == 50);
    for (size_t h = 0; h < na; h++) {
        assert_int_equal(a[h].docid, b[h].docid);
        assert_true(a[h].weight == b[h].weight);
    }
    bad = (struct impact_node){IMPACT_LEAF, 3, NULL, 0, NULL, 0}; /* past the leaves */
    assert_int_equal(impact_match(im, &bad, leaves, 3, &params, 5, b, &nb, &mb, &err),
                     TRAWL_EINPUT);
    bad = (struct impact_node){IMPACT_AND, 0, kids, 0, NULL, 0}; /* no kids */
    assert_int_equal(impact_match(im, &bad, leaves, 3, &params, 5, b, &nb, &mb, &err),
                     TRAWL_EINPUT);
    bad = (struct impact_node){(enum impact_op)99, 0, kids, 3, NULL, 0};
    assert_int_equal(impact_match(im, &bad, leaves, 3, &params, 5, b, &nb, &mb, &err),
                     TRAWL_EINPUT);
    /* A chain of ANDs one past the depth allowed, then at it. */
    for (size_t i = 0; i <= IMPACT_TREE_DEPTH; i++) {
        deep[i] = (struct impact_node){IMPACT_AND, 0, &dk[i], 1, NULL, 0};
        dk[i] = i < IMPACT_TREE_DEPTH ? &deep[i + 1] : &lv[0];
    }
    deep[IMPACT_TREE_DEPTH] = lv[0];
    assert_int_equal(impact_match(im, &deep[0], leaves, 3, &params, 5, b, &nb, &mb, &err),
                     TRAWL_EINPUT);
    assert_int_equal(impact_match(im, &deep[1], leaves, 3, &params, 5, b, &nb, &mb, &err),
                     TRAWL_OK);
    assert_int_equal(nb, 5);
    impact_close(im);
    free(deep);
    free(dk);
}

/* impact_docs_wdf against the postings written: random ascending docids (runs of
 * neighbours, as an article's passages are, and docids of no document), random terms (some
 * absent, some given twice), each answer checked; then the refusals. */
static void test_docs_wdf(void **state)
{
    struct fix *f = *state;
    struct impact *im;
    struct trawl_error err;
    uint32_t docs[300], lenv[300], wdf[300 * 4];
    char names[4][8];
    const char *tv[4];
    size_t lv[4];

    write_random(f->path);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    for (int q = 0; q < 400; q++) {
        size_t nd = 0, nt = 1 + rnd(4);
        uint32_t d = rnd(50);
        while (nd < 1 + rnd(300)) {
            d += rnd(4) == 0 ? 1 + rnd(400) : 1;
            if (d > RAND_DOCS)
                break;
            docs[nd++] = d;
        }
        for (size_t j = 0; j < nt; j++) {
            uint32_t t = rnd(RAND_TERMS + 3);
            snprintf(names[j], sizeof names[j], t < RAND_TERMS ? "t%02u" : "u%02u", t);
            tv[j] = names[j];
            lv[j] = strlen(names[j]);
        }
        assert_int_equal(impact_docs_wdf(im, tv, lv, nt, docs, nd, wdf, lenv, &err), TRAWL_OK);
        for (size_t i = 0; i < nd; i++) {
            static const uint32_t lens[] = {3, 10, 10, 20, 60, 200};
            assert_int_equal(lenv[i], docs[i] % 97 == 0 ? 0 : lens[docs[i] % 6]);
            for (size_t j = 0; j < nt; j++) {
                unsigned t;
                uint32_t want = sscanf(tv[j], "t%u", &t) == 1 ? rand_wdf[t][docs[i]] : 0;
                assert_int_equal(wdf[i * nt + j], want);
            }
        }
    }
    /* Docids out of order, repeated, 0 or past the last: refused, nothing read past. */
    {
        static const uint32_t bad[][2] = {{5, 4}, {5, 5}, {0, 1}, {1, RAND_DOCS + 1}};
        const char *t0 = "t20";
        size_t l0 = 3;
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
            assert_int_equal(impact_docs_wdf(im, &t0, &l0, 1, bad[b], 2, wdf, lenv, &err),
                             TRAWL_EINDEX);
    }
    impact_close(im);
}

/* Skip entries that point back, past the postings or past lastdocid, and a term entry whose
 * skip entries run past the table: each refused where a seek meets it, never a crash. */
static void test_skips_refused(void **state)
{
    struct fix *f = *state;
    struct impact_header h;
    struct impact_term t;
    struct impact_skip sk, bad;
    struct impact *im;
    struct trawl_error err;
    uint32_t docs[1] = {RAND_DOCS}, wdf[1], lenv[1];
    const char *t0 = "t35";
    size_t l0 = 3;
    uint64_t at;

    write_random(f->path);
    get_bytes(f->path, 0, &h, sizeof h);
    at = term_entry(f->path, &h, t0, &t);
    assert_true(t.df > 4 * IMPACT_SKIP_EVERY);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    assert_int_equal(impact_docs_wdf(im, &t0, &l0, 1, docs, 1, wdf, lenv, &err), TRAWL_OK);
    impact_close(im);
    /* The term's last entry: the one a seek for the last docid lands on. */
    for (int k = 0; k < 4; k++) {
        uint32_t nsk = (t.df - 1) / IMPACT_SKIP_EVERY;
        uint64_t where = h.skips_off + (uint64_t)(t.skip + nsk - 1) * sizeof sk;
        write_sample(f->path); /* a new file (a new inode): no reader sees the change */
        write_random(f->path);
        get_bytes(f->path, where, &sk, sizeof sk);
        bad = sk;
        if (k == 0)
            bad.off = t.bytes; /* past the postings */
        else if (k == 1)
            bad.off = 0; /* back to the start */
        else if (k == 2)
            bad.docid = 0; /* below the docids already passed */
        else
            bad.docid = RAND_DOCS + 1; /* past lastdocid: never landed on, the walk reads */
        put_bytes(f->path, where, &bad, sizeof bad);
        assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
        assert_int_equal(impact_docs_wdf(im, &t0, &l0, 1, docs, 1, wdf, lenv, &err),
                         k < 3 ? TRAWL_EINDEX : TRAWL_OK);
        if (k == 3)
            assert_int_equal(wdf[0], rand_wdf[35][RAND_DOCS]);
        impact_close(im);
    }
    write_random(f->path);
    t.skip = (uint32_t)h.nskips; /* its entries would run past the table */
    put_bytes(f->path, at, &t, sizeof t);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    assert_int_equal(impact_docs_wdf(im, &t0, &l0, 1, docs, 1, wdf, lenv, &err), TRAWL_EINDEX);
    {
        struct impact_leaf leaf = {"t35", 3, 1.0};
        struct impact_hit hits[4];
        size_t n;
        uint64_t matched;
        assert_int_equal(impact_top(im, &leaf, 1, &params, 4, hits, &n, &matched, &err),
                         TRAWL_EINDEX);
    }
    impact_close(im);
}

/* ---- References ------------------------------------------------------------------------------ */

static void test_references(void **state)
{
    struct fix *f = *state;
    struct impact *im, *again;
    struct trawl_error err;
    struct impact_leaf leaf = {"cherry", 6, 1.0};
    struct impact_hit hit;
    size_t n;
    uint64_t matched;

    write_sample(f->path);
    assert_int_equal(impact_open(f->path, &im, &err), TRAWL_OK);
    again = impact_ref(im);
    assert_ptr_equal(again, im);
    assert_int_equal(impact_top(im, &leaf, 1, &params, 1, &hit, &n, &matched, &err), TRAWL_OK);
    assert_int_equal(n, 1);
    impact_close(im);
    /* The second reference keeps the mapping: the hit's article id still reads. */
    assert_int_equal(impact_info(again)->revision, 42);
    assert_memory_equal(hit.key,
                        "\xc3\xa9"
                        "clair",
                        hit.klen);
    /* Removing the file does not matter to the mapping either. */
    assert_int_equal(unlink(f->path), 0);
    assert_int_equal(impact_df(again, "apple", 5), 6);
    impact_close(again);
    impact_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_top_matches_brute_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_k_zero_counts_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_info_and_df, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uuid_full_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_refuses_terms_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_refuses_postings_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_refuses_keys_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_new_in_missing_folder_is_eio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uncommitted_writer_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_committed_writer_leaves_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peek_and_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refuses_bad_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_top_refuses_malformed_postings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walks_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trees_match_brute_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trees_or_and_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trees_count_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_docs_wdf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skips_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references, setup, teardown),
    };
    return cmocka_run_group_tests_name("impact", tests, NULL, NULL);
}
