/* Unit tests of common/passage: the benchmark's passage rule, its cuts and its invariants. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/article.h"
#include "common/passage.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static size_t count_words(const char *s, size_t start, size_t end)
{
    size_t n = 0, i;

    for (i = start; i < end; i++)
        n += !is_space(s[i]) && (i == start || is_space(s[i - 1]));
    return n;
}

/* What every split must satisfy: in order, not overlapping, trimmed, numbered, no part over
 * max_bytes, and every non-space byte of the body inside a passage. Word counts are exact
 * unless a byte cut split a word (exact says whether to expect that). */
static void check_invariants(const char *s, size_t len, const struct passage_opts *o,
                             const struct passage *p, size_t n, int exact)
{
    size_t i, k, covered = 0, nonspace = 0;

    for (k = 0; k < len; k++)
        nonspace += !is_space(s[k]);
    for (i = 0; i < n; i++) {
        assert_int_equal(p[i].ordinal, i);
        assert_true(p[i].start < p[i].end);
        assert_true(p[i].end <= len);
        assert_true(p[i].end - p[i].start <= o->max_bytes);
        assert_false(is_space(s[p[i].start]));
        assert_false(is_space(s[p[i].end - 1]));
        if (i > 0)
            assert_true(p[i - 1].end <= p[i].start);
        if (exact)
            assert_int_equal(p[i].words, count_words(s, p[i].start, p[i].end));
        for (k = i > 0 ? p[i - 1].end : 0; k < p[i].start; k++)
            assert_true(is_space(s[k]));
        for (k = p[i].start; k < p[i].end; k++)
            covered += !is_space(s[k]);
    }
    for (k = n ? p[n - 1].end : 0; k < len; k++)
        assert_true(is_space(s[k]));
    assert_int_equal(covered, nonspace);
}

static struct passage *split(const char *s, size_t len, const struct passage_opts *o, size_t *n)
{
    struct passage *p = NULL;
    struct trawl_error err;

    assert_int_equal(passage_split(s, len, o, &p, n, &err), TRAWL_OK);
    check_invariants(s, len, o, p, *n, 1);
    return p;
}

static struct passage_opts opts(size_t min, size_t max, size_t bytes)
{
    struct passage_opts o;

    passage_opts_init(&o);
    if (min)
        o.min_words = min;
    if (max)
        o.max_words = max;
    if (bytes)
        o.max_bytes = bytes;
    return o;
}

/* Appends words w0 w1 ... (numbered from first), a ". " after the word numbered in dots[]. */
static void add_words(char *buf, size_t first, size_t count, const size_t *dots, size_t ndots)
{
    size_t i, d;

    for (i = first; i < first + count; i++) {
        char w[32];
        int dot = 0;
        for (d = 0; d < ndots; d++)
            dot |= dots[d] == i;
        snprintf(w, sizeof w, "%sw%zu%s", i == first && buf[0] == '\0' ? "" : " ", i,
                 dot ? "." : "");
        strcat(buf, w);
    }
}

/* The text of passage p as a string, for comparisons. */
static char *text_of(const char *s, const struct passage *p)
{
    char *t = malloc(p->end - p->start + 1);

    assert_non_null(t);
    memcpy(t, s + p->start, p->end - p->start);
    t[p->end - p->start] = '\0';
    return t;
}

static void assert_passage(const char *s, const struct passage *p, const char *want)
{
    char *t = text_of(s, p);

    assert_string_equal(t, want);
    free(t);
}

/* The word number of the first word of passage p ("w12" -> 12). */
static size_t first_word(const char *s, const struct passage *p)
{
    return strtoul(s + p->start + 1, NULL, 10);
}

static void test_defaults(void **state)
{
    struct passage_opts o;

    (void)state;
    passage_opts_init(&o);
    assert_int_equal(o.min_words, TRAWL_MIN_WORDS);
    assert_int_equal(o.max_words, TRAWL_MAX_WORDS);
    assert_int_equal(o.max_bytes, PASSAGE_MAX_BYTES);
    assert_int_equal(TRAWL_MIN_WORDS, 20);
    assert_int_equal(TRAWL_MAX_WORDS, 300);
}

static void test_bad_opts(void **state)
{
    struct passage_opts o;
    struct passage *p = (struct passage *)&o;
    size_t n = 99;
    struct trawl_error err;

    (void)state;
    o = opts(0, 0, 0);
    o.min_words = 0;
    assert_int_equal(passage_split("a", 1, &o, &p, &n, &err), TRAWL_EINPUT);
    assert_null(p);
    assert_int_equal(n, 0);
    o = opts(10, 5, 0);
    assert_int_equal(passage_split("a", 1, &o, &p, &n, &err), TRAWL_EINPUT);
    o = opts(0, 0, 63);
    assert_int_equal(passage_split("a", 1, &o, &p, &n, &err), TRAWL_EINPUT);
}

static void test_empty_body(void **state)
{
    struct passage_opts o = opts(0, 0, 0);
    struct passage *p = NULL;
    size_t n = 99;
    struct trawl_error err;

    (void)state;
    assert_int_equal(passage_split("", 0, &o, &p, &n, &err), TRAWL_OK);
    assert_int_equal(n, 0);
    assert_null(p);
    assert_int_equal(passage_split(" \n\n\t \n", 6, &o, &p, &n, &err), TRAWL_OK);
    assert_int_equal(n, 0);
    assert_null(p);
    assert_int_equal(passage_split(NULL, 0, NULL, &p, &n, &err), TRAWL_OK);
    assert_int_equal(n, 0);
}

static void test_ranges_exclude_white_space(void **state)
{
    const char s[] = "  \n\n one two three \n\n";
    struct passage_opts o = opts(0, 0, 0);
    struct passage *p;
    size_t n;

    (void)state;
    p = split(s, sizeof s - 1, &o, &n);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].start, 5);
    assert_int_equal(p[0].end, 18);
    assert_int_equal(p[0].words, 3);
    free(p);
}

static void test_short_paragraphs_merge(void **state)
{
    /* min 3: "a b" + "c d" close at 4 words; "e f g" closes at 3; the tail "h" joins it. */
    const char s[] = "a b\n\nc d\n \t\ne f g\n\nh";
    struct passage_opts o = opts(3, 10, 0);
    struct passage *p;
    size_t n;

    (void)state;
    p = split(s, sizeof s - 1, &o, &n);
    assert_int_equal(n, 2);
    assert_passage(s, &p[0], "a b\n\nc d");
    assert_int_equal(p[0].words, 4);
    assert_passage(s, &p[1], "e f g\n\nh");
    assert_int_equal(p[1].words, 4);
    free(p);
}

static void test_single_newline_is_not_a_break(void **state)
{
    const char s[] = "a b\nc d\n\ne f g";
    struct passage_opts o = opts(3, 10, 0);
    struct passage *p;
    size_t n;

    (void)state;
    p = split(s, sizeof s - 1, &o, &n);
    assert_int_equal(n, 2);
    assert_passage(s, &p[0], "a b\nc d");
    assert_passage(s, &p[1], "e f g");
    free(p);
}

static void test_short_article_is_one_passage(void **state)
{
    const char s[] = "Only a few words.\n\nAnd a few more.";
    struct passage *p;
    size_t n;
    struct passage_opts o = opts(0, 0, 0);

    (void)state;
    p = split(s, sizeof s - 1, &o, &n);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].words, 8);
    assert_passage(s, &p[0], s);
    free(p);
}

static void test_long_passage_equal_parts(void **state)
{
    static char s[8192];
    struct passage_opts o = opts(20, 200, 0);
    struct passage *p;
    size_t n;

    (void)state;
    /* 401 words, no sentence ends: ceil(401/200) = 3 parts of 133, 134, 134. */
    s[0] = '\0';
    add_words(s, 0, 401, NULL, 0);
    p = split(s, strlen(s), &o, &n);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].words, 133);
    assert_int_equal(p[1].words, 134);
    assert_int_equal(p[2].words, 134);
    assert_int_equal(first_word(s, &p[1]), 133);
    free(p);

    /* 400 words: exactly two parts of 200, whatever the sentence ends say. */
    {
        const size_t dots[] = {189};
        s[0] = '\0';
        add_words(s, 0, 400, dots, 1);
        p = split(s, strlen(s), &o, &n);
        assert_int_equal(n, 2);
        assert_int_equal(p[0].words, 200);
        assert_int_equal(p[1].words, 200);
        free(p);
    }
}

static void test_long_passage_cuts_at_sentence_ends(void **state)
{
    static char s[8192];
    struct passage_opts o = opts(20, 200, 0);
    struct passage *p;
    size_t n;
    /* 450 words: 3 parts, targets 150 and 300, reach 150/4 = 37 words. "w139." ends a
     * sentence 10 words before 150; for 300 the nearest end is "w309." (10 after), not "w279."
     * (21 before); "w100." is too far from anything. */
    const size_t dots[] = {100, 139, 279, 309};

    (void)state;
    s[0] = '\0';
    add_words(s, 0, 450, dots, 4);
    p = split(s, strlen(s), &o, &n);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].words, 140);
    assert_int_equal(p[1].words, 170);
    assert_int_equal(p[2].words, 140);
    assert_int_equal(first_word(s, &p[1]), 140);
    assert_int_equal(first_word(s, &p[2]), 310);
    assert_memory_equal(s + p[0].end - 5, "w139.", 5);
    assert_memory_equal(s + p[1].end - 5, "w309.", 5);
    free(p);
}

static void test_long_passage_prefers_paragraph_ends(void **state)
{
    static char s[8192];
    struct passage_opts o = opts(300, 400, 0);
    struct passage *p;
    size_t n;

    (void)state;
    /* 320 words, a blank line, 280 words: the short tail joins the first paragraph, and the
     * 600 words are cut in 2; the target 300 moves to the paragraph end at 320 (reach 75). */
    s[0] = '\0';
    add_words(s, 0, 320, NULL, 0);
    strcat(s, "\n\n");
    add_words(s, 320, 280, NULL, 0);
    p = split(s, strlen(s), &o, &n);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].words, 320);
    assert_int_equal(p[1].words, 280);
    assert_int_equal(first_word(s, &p[1]), 320);
    free(p);
}

static void test_tail_merge_then_cut(void **state)
{
    static char s[8192];
    struct passage_opts o = opts(20, 200, 0);
    struct passage *p;
    size_t n;

    (void)state;
    /* A 195-word paragraph, then a 10-word tail: 205 words, cut into 2 parts. */
    s[0] = '\0';
    add_words(s, 0, 195, NULL, 0);
    strcat(s, "\n\n");
    add_words(s, 195, 10, NULL, 0);
    p = split(s, strlen(s), &o, &n);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].words + p[1].words, 205);
    free(p);
}

static void test_max_bytes_without_white_space(void **state)
{
    /* 1000 three-byte characters: pieces of 63 bytes (21 characters), none split. */
    size_t len = 3000, i, n;
    char *s = malloc(len);
    struct passage_opts o = opts(0, 0, 64);
    struct passage *p;

    (void)state;
    assert_non_null(s);
    for (i = 0; i < len; i += 3)
        memcpy(s + i, "\xE2\x82\xAC", 3);
    assert_int_equal(passage_split(s, len, &o, &p, &n, NULL), TRAWL_OK);
    check_invariants(s, len, &o, p, n, 0);
    assert_int_equal(n, (1000 + 20) / 21);
    for (i = 0; i < n; i++) {
        assert_int_equal(p[i].start % 3, 0);
        assert_int_equal(p[i].words, 1);
        if (i + 1 < n)
            assert_int_equal(p[i].end - p[i].start, 63);
    }
    free(p);
    free(s);
}

static void test_max_bytes_at_white_space(void **state)
{
    static char s[4096];
    struct passage_opts o = opts(0, 0, 64);
    struct passage *p;
    size_t n, i, words = 0;

    (void)state;
    /* 300 words of 9 bytes + a space: 6 words per 64-byte piece. */
    for (i = 0; i < 300; i++)
        strcat(s, i ? " abcdefghi" : "abcdefghi");
    p = split(s, strlen(s), &o, &n);
    assert_int_equal(n, 50);
    for (i = 0; i < n; i++) {
        assert_int_equal(p[i].words, 6);
        words += p[i].words;
    }
    assert_int_equal(words, 300);
    free(p);
}

static void test_huge_single_line(void **state)
{
    size_t len = 20u << 20, i, n, words = 0;
    char *s = malloc(len);
    struct passage_opts o = opts(0, 0, 0);
    struct passage *p;

    (void)state;
    assert_non_null(s);
    /* 20 MB of "word ": 4 Mi words in one paragraph, TRAWL_MAX_WORDS words a part. */
    for (i = 0; i < len; i++)
        s[i] = "word "[i % 5];
    assert_int_equal(passage_split(s, len, &o, &p, &n, NULL), TRAWL_OK);
    assert_int_equal(n, (len / 5 + TRAWL_MAX_WORDS - 1) / TRAWL_MAX_WORDS);
    for (i = 0; i < n; i++) {
        assert_true(p[i].words <= TRAWL_MAX_WORDS);
        words += p[i].words;
        if (i > 0)
            assert_true(p[i - 1].end < p[i].start);
    }
    assert_int_equal(words, len / 5);
    free(p);

    /* The same bytes with no white space at all: cut at max_bytes. */
    memset(s, 'x', len);
    assert_int_equal(passage_split(s, len, &o, &p, &n, NULL), TRAWL_OK);
    assert_int_equal(n, len / PASSAGE_MAX_BYTES);
    assert_int_equal(p[n - 1].end, len);
    free(p);
    free(s);
}

/* Random bodies and options: the invariants always hold and no cut window misbehaves. */
static void test_random_bodies(void **state)
{
    static const char *const pieces[] = {"a", "bb", "end.", "why?", "\xE2\x82\xAC", " ", " ",
                                         "\n", "\n\n", "\t", "x\xC3\xA9y", "long-word-here"};
    static char s[20000];
    unsigned seed = 1;
    int iter;

    (void)state;
    for (iter = 0; iter < 1500; iter++) {
        struct passage_opts o;
        struct passage *p;
        size_t len = 0, n, target, i, words = 0;
        seed = seed * 1103515245u + 12345u;
        target = (seed >> 8) % 19000;
        while (len < target) {
            const char *w;
            seed = seed * 1103515245u + 12345u;
            w = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            memcpy(s + len, w, strlen(w));
            len += strlen(w);
        }
        seed = seed * 1103515245u + 12345u;
        o.min_words = 1 + (seed >> 8) % 30;
        o.max_words = o.min_words + (seed >> 16) % 50;
        o.max_bytes = (seed >> 4) % 3 ? 65536 : 64 + (seed >> 20) % 200;
        assert_int_equal(passage_split(s, len, &o, &p, &n, NULL), TRAWL_OK);
        check_invariants(s, len, &o, p, n, 0);
        for (i = 0; i < n; i++) {
            if (o.max_bytes == 65536) {
                assert_true(p[i].words <= o.max_words);
                assert_int_equal(p[i].words, count_words(s, p[i].start, p[i].end));
            }
            words += p[i].words;
        }
        if (o.max_bytes == 65536)
            assert_int_equal(words, count_words(s, 0, len));
        free(p);
    }
}

/* The project's sample articles: every paragraph holds 20 words or more, so each is a
 * passage (checked by hand against the files). */
static char *read_corpus(const char *name, size_t *len)
{
    char path[4096], *buf;
    const char *root = getenv("TRAWL_SOURCE_ROOT");
    FILE *f = NULL;
    long size;
    int up;

    if (root != NULL) {
        snprintf(path, sizeof path, "%s/corpus/%s", root, name);
        f = fopen(path, "rb");
    } else {
        /* __FILE__ names tests/unit/test_passage.c as the compiler was given it: absolute, or
         * relative to the build directory, which may be above or equal to the working one. */
        const char *file = __FILE__;
        const char *cut = strstr(file, "tests/unit/");
        for (up = 0; up < 4 && f == NULL; up++) {
            snprintf(path, sizeof path, "%.*s%.*scorpus/%s", file[0] == '/' ? 0 : 3 * up,
                     "../../../../", cut ? (int)(cut - file) : 0, file, name);
            f = fopen(path, "rb");
        }
    }
    if (f == NULL)
        fail_msg("cannot open the sample article '%s' (set TRAWL_SOURCE_ROOT)", name);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    buf = malloc((size_t)size);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return buf;
}

static void check_corpus(const char *name, size_t want, const char *first_has,
                         const size_t *words)
{
    struct article a;
    struct trawl_error err;
    struct passage_opts o;
    struct passage *p;
    size_t len, n, i;
    char *buf = read_corpus(name, &len), *t;

    passage_opts_init(&o);
    article_init(&a);
    assert_int_equal(article_from_file(&a, name, buf, len, &err), TRAWL_OK);
    p = split(a.body, a.body_len, &o, &n);
    assert_int_equal(n, want);
    for (i = 0; i < n; i++)
        assert_int_equal(p[i].words, words[i]);
    t = text_of(a.body, &p[0]);
    assert_non_null(strstr(t, first_has));
    free(t);
    free(p);
    article_release(&a);
    free(buf);
}

static void test_corpus_articles(void **state)
{
    static const size_t w0[] = {47, 28, 50, 54, 22, 46, 51, 31};
    static const size_t w1[] = {55, 52, 55, 67, 27, 70, 53};
    static const size_t w2[] = {22, 37, 35, 56, 56, 42, 99};

    (void)state;
    check_corpus("000_251854af372bd607.txt", 8, "300,000 likes", w0);
    check_corpus("001_bddc4086102f42a0.txt", 7, "Rahul Gandhi has asked", w1);
    check_corpus("002_1f1585d510dcca08.txt", 7, "Twitter, Facebook and Instagram", w2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bad_opts),
        cmocka_unit_test(test_empty_body),
        cmocka_unit_test(test_ranges_exclude_white_space),
        cmocka_unit_test(test_short_paragraphs_merge),
        cmocka_unit_test(test_single_newline_is_not_a_break),
        cmocka_unit_test(test_short_article_is_one_passage),
        cmocka_unit_test(test_long_passage_equal_parts),
        cmocka_unit_test(test_long_passage_cuts_at_sentence_ends),
        cmocka_unit_test(test_long_passage_prefers_paragraph_ends),
        cmocka_unit_test(test_tail_merge_then_cut),
        cmocka_unit_test(test_max_bytes_without_white_space),
        cmocka_unit_test(test_max_bytes_at_white_space),
        cmocka_unit_test(test_huge_single_line),
        cmocka_unit_test(test_random_bodies),
        cmocka_unit_test(test_corpus_articles),
    };
    return cmocka_run_group_tests_name("passage", tests, NULL, NULL);
}
