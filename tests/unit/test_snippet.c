/* Unit tests of common/snippet: which words are marked (stems, exact words, prefixes,
 * phrases only where they occur, across a possessive) and which window is shown (the most
 * query terms; the start when none matches), never cut inside a character. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/snippet.h"

static char *terms_like[] = {"facebook", "like", "target"};
static char *exact_genuine[] = {"genuine"};
static char *prefix_camb[] = {"camb"};

/* Renders the window with marks as [..], cuts as "…". */
static void render(const char *text, const struct trawl_snippet *s, char *out, size_t cap)
{
    size_t at = s->start, n = 0;

    out[0] = '\0';
    if (s->cut_before)
        n += (size_t)snprintf(out + n, cap - n, "…");
    for (size_t m = 0; m < s->nmarks; m++) {
        if (s->marks[m].end <= s->start || s->marks[m].start >= s->end)
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%.*s[%.*s]", (int)(s->marks[m].start - at),
                              text + at, (int)(s->marks[m].end - s->marks[m].start),
                              text + s->marks[m].start);
        at = s->marks[m].end;
    }
    n += (size_t)snprintf(out + n, cap - n, "%.*s", (int)(s->end - at), text + at);
    if (s->cut_after)
        snprintf(out + n, cap - n, "…");
}

static void test_marks_stems_and_merges_neighbours(void **state)
{
    struct index_hl hl = {terms_like, 3, NULL, 0, NULL, 0, NULL, 0};
    const char *text = "MPs got 300,000 Facebook likes, and the target liked them.";
    struct trawl_snippet s;
    struct trawl_error err;
    char got[256];

    assert_int_equal(snippet_make(*state, text, strlen(text), &hl, 0, &s, &err), TRAWL_OK);
    render(text, &s, got, sizeof got);
    assert_string_equal(got, "MPs got 300,000 [Facebook likes], and the [target liked] them.");
    assert_int_equal(s.distinct, 3);
    snippet_release(&s);
}

static void test_exact_words_and_prefixes(void **state)
{
    struct index_hl hl = {NULL, 0, exact_genuine, 1, prefix_camb, 1, NULL, 0};
    const char *text = "‘Genuine’ likes, not genuinely bought, said Cambridge.";
    struct trawl_snippet s;
    struct trawl_error err;
    char got[256];

    assert_int_equal(snippet_make(*state, text, strlen(text), &hl, 0, &s, &err), TRAWL_OK);
    render(text, &s, got, sizeof got);
    assert_string_equal(got, "‘[Genuine]’ likes, not genuinely bought, said [Cambridge].");
    snippet_release(&s);
}

/* A quoted phrase marks its occurrences only: a lone word of it elsewhere stays plain,
 * unless it matches something else of the query on its own (here the prefix "cut"). */
static void test_phrase_marks_only_its_occurrences(void **state)
{
    static char *exact[] = {"interest", "rates"};
    static char *phrases[] = {"interest\x1frates"};
    static char *prefix[] = {"rat"};
    struct index_hl hl = {NULL, 0, exact, 2, NULL, 0, phrases, 1};
    const char *text = "Interest rates rose; interest rate cuts and rates of interest did not.";
    struct trawl_snippet s;
    struct trawl_error err;
    char got[256];

    assert_int_equal(snippet_make(*state, text, strlen(text), &hl, 0, &s, &err), TRAWL_OK);
    render(text, &s, got, sizeof got);
    assert_string_equal(got, "[Interest rates] rose; interest rate cuts and rates of interest "
                             "did not.");
    snippet_release(&s);
    hl.prefixes = prefix;
    hl.nprefixes = 1;
    assert_int_equal(snippet_make(*state, text, strlen(text), &hl, 0, &s, &err), TRAWL_OK);
    render(text, &s, got, sizeof got);
    assert_string_equal(got, "[Interest rates] rose; interest [rate] cuts and [rates] of "
                             "interest did not.");
    snippet_release(&s);
}

/* A possessive ending does not break a phrase (issue 23), with a straight or a curly
 * apostrophe, where the stemmer drops it (English); with no stemmer it is part of the word. */
static void test_phrase_spans_a_possessive(void **state)
{
    static char *exact[] = {"bank", "england", "of"};
    static char *phrases[] = {"bank\x1f" "of\x1f" "england"};
    struct index_hl hl = {NULL, 0, exact, 3, NULL, 0, phrases, 1};
    const char *text = "The Bank of England's rate, the Bank of England\u2019s bills, England's.";
    struct analyzer *none;
    struct trawl_snippet s;
    struct trawl_error err;
    char got[256];

    assert_int_equal(snippet_make(*state, text, strlen(text), &hl, 0, &s, &err), TRAWL_OK);
    render(text, &s, got, sizeof got);
    assert_string_equal(got, "The [Bank of England's] rate, the [Bank of England\u2019s] bills, "
                             "England's.");
    snippet_release(&s);
    assert_int_equal(analyzer_new("none", &none, &err), TRAWL_OK);
    assert_int_equal(snippet_make(none, text, strlen(text), &hl, 0, &s, &err), TRAWL_OK);
    render(text, &s, got, sizeof got);
    assert_string_equal(got, text);
    snippet_release(&s);
    analyzer_free(none);
}

static void test_window_covers_most_terms(void **state)
{
    struct index_hl hl = {terms_like, 3, NULL, 0, NULL, 0, NULL, 0};
    const char *text = "Nothing to see here at all, just filler words. More filler words follow "
                       "here. The target is 300,000 likes on Facebook. Then more filler text "
                       "until the end of this long paragraph.";
    struct trawl_snippet s;
    struct trawl_error err;
    char got[512];

    assert_int_equal(snippet_make(*state, text, strlen(text), &hl, 60, &s, &err), TRAWL_OK);
    render(text, &s, got, sizeof got);
    assert_true(s.end - s.start <= 60);
    assert_true(s.cut_before);
    assert_true(s.cut_after);
    assert_non_null(strstr(got, "[target]"));
    assert_non_null(strstr(got, "[likes]"));
    assert_non_null(strstr(got, "[Facebook]"));
    assert_true(strncmp(got, "…The [target]", strlen("…The [target]")) == 0);
    snippet_release(&s);
}

static void test_no_match_shows_the_start(void **state)
{
    struct index_hl hl = {terms_like, 3, NULL, 0, NULL, 0, NULL, 0};
    const char *text = "Completely unrelated words fill this passage from its start to its end.";
    struct trawl_snippet s;
    struct trawl_error err;

    assert_int_equal(snippet_make(*state, text, strlen(text), &hl, 30, &s, &err), TRAWL_OK);
    assert_int_equal(s.nmarks, 0);
    assert_int_equal(s.start, 0);
    assert_false(s.cut_before);
    assert_true(s.cut_after);
    assert_true(s.end <= 30);
    snippet_release(&s);
}

static void test_never_cuts_inside_a_character(void **state)
{
    struct index_hl hl = {terms_like, 3, NULL, 0, NULL, 0, NULL, 0};
    char text[400];
    struct trawl_snippet s;
    struct trawl_error err;

    /* One huge "word" of two-byte characters: the window must end on a boundary. */
    for (size_t i = 0; i + 2 < sizeof text; i += 2) {
        text[i] = (char)0xC3;
        text[i + 1] = (char)0xA9;
    }
    text[sizeof text - 2] = '\0';
    assert_int_equal(snippet_make(*state, text, strlen(text), &hl, 51, &s, &err), TRAWL_OK);
    assert_true(s.end - s.start <= 51);
    assert_true(((unsigned char)text[s.end] & 0xC0) != 0x80);
    snippet_release(&s);
}

static int setup(void **state)
{
    struct analyzer *an;
    struct trawl_error err;

    if (analyzer_new("english", &an, &err) != TRAWL_OK)
        return -1;
    *state = an;
    return 0;
}

static int teardown(void **state)
{
    analyzer_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks_stems_and_merges_neighbours),
        cmocka_unit_test(test_exact_words_and_prefixes),
        cmocka_unit_test(test_phrase_marks_only_its_occurrences),
        cmocka_unit_test(test_phrase_spans_a_possessive),
        cmocka_unit_test(test_window_covers_most_terms),
        cmocka_unit_test(test_no_match_shows_the_start),
        cmocka_unit_test(test_never_cuts_inside_a_character),
    };
    return cmocka_run_group_tests_name("snippet", tests, setup, teardown);
}
