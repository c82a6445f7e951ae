/* Unit tests for common/stem: Snowball results, the cache (hits, clearing), "none",
 * unknown languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h> /* after stdarg.h, stddef.h and setjmp.h */

#include "common/stem.h"

#define OUT_CAP 1024

/* Stems each space-separated word of words and returns "stem stem ... ". */
static const char *stems(struct stem *st, const char *words)
{
    static char out[OUT_CAP];
    size_t n = 0;

    out[0] = '\0';
    for (const char *w = words; *w != '\0';) {
        size_t len = strcspn(w, " "), slen = 0;
        const char *s = stem_word(st, w, len, &slen);
        assert_non_null(s);
        n += (size_t)snprintf(out + n, OUT_CAP - n, "%.*s ", (int)slen, s);
        assert_true(n < OUT_CAP);
        w += len;
        w += *w == ' ';
    }
    return out;
}

static const char WORDS[] = "likes running party's parties connection connected generously "
                            "caresses ponies";
static const char STEMS[] = "like run parti parti connect connect generous caress poni ";

static int setup_english(void **state)
{
    struct trawl_error err;
    struct stem *st;

    if (stem_new("english", &st, &err) != TRAWL_OK)
        return -1;
    *state = st;
    return 0;
}

static int teardown(void **state)
{
    stem_free(*state);
    return 0;
}

static void test_english(void **state)
{
    assert_string_equal(stem_lang(*state), "english");
    assert_string_equal(stems(*state, WORDS), STEMS);
}

/* Whether st answers a repeated word from its cache, seen from outside: a cached stem lives in
 * the cache's arena, one entry per word, and a hit hands back that same entry; without the cache
 * every stem comes from libstemmer's one buffer, which the next word overwrites. stem.h only
 * promises a result until the next stem_word(), so this reads what stem.c does (its arena is
 * 64 KiB at first: two short words neither grow nor clear it). */
static int answers_from_cache(struct stem *st)
{
    size_t n1 = 0, n2 = 0, n3 = 0;
    /* the longer word first: libstemmer's buffer then holds the second without moving */
    const char *running = stem_word(st, "running", 7, &n1);
    const char *likes = stem_word(st, "likes", 5, &n2);
    const char *again;

    assert_non_null(running);
    assert_non_null(likes);
    if (running == likes) /* one buffer for both: no cache */
        return 0;
    /* the first stem is still there after another word: it was not libstemmer's buffer */
    assert_int_equal(n1, 3);
    assert_memory_equal(running, "run", 3);
    again = stem_word(st, "running", 7, &n3);
    /* a hit returns the entry made the first time; a miss would store a second copy */
    return again == running && n3 == 3;
}

static void test_cache_gives_same_results(void **state)
{
    /* words are cached as they are first stemmed, and a repeat is a hit */
    assert_true(answers_from_cache(*state));
    /* the second and third rounds come from the cache, and give what Snowball gave */
    for (int round = 0; round < 3; round++)
        assert_string_equal(stems(*state, WORDS), STEMS);
    assert_true(answers_from_cache(*state));
}

static void test_cache_off_is_seen(void **state)
{
    /* The observation above can fail: with caching off it sees no cache (libstemmer answers
     * every word in its one buffer), and the stems are still right. */
    stem_set_cache_limit(*state, 0);
    assert_false(answers_from_cache(*state));
    assert_string_equal(stems(*state, WORDS), STEMS);
    stem_set_cache_limit(*state, 100);
    assert_true(answers_from_cache(*state));
}

static void test_cache_survives_clearing(void **state)
{
    /* a limit of 3 words clears the cache several times per round */
    stem_set_cache_limit(*state, 3);
    for (int round = 0; round < 3; round++)
        assert_string_equal(stems(*state, WORDS), STEMS);
    stem_set_cache_limit(*state, 0); /* caching off */
    assert_string_equal(stems(*state, WORDS), STEMS);
    assert_string_equal(stems(*state, WORDS), STEMS);
}

static void test_many_distinct_words(void **state)
{
    struct trawl_error err;
    struct stem *plain = NULL;
    char w[32], want[64];
    size_t slen, wlen;

    /* Compared against a stemmer without a cache, across table growth and several clears. */
    assert_int_equal(stem_new("english", &plain, &err), TRAWL_OK);
    stem_set_cache_limit(plain, 0);
    stem_set_cache_limit(*state, 5000);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 12000; i++) {
            int n = snprintf(w, sizeof w, "%s%dings", i % 2 ? "walk" : "party", i);
            const char *s = stem_word(plain, w, (size_t)n, &wlen);
            assert_non_null(s);
            memcpy(want, s, wlen);
            s = stem_word(*state, w, (size_t)n, &slen);
            assert_non_null(s);
            assert_int_equal(slen, wlen);
            assert_memory_equal(s, want, slen);
        }
    }
    stem_free(plain);
}

static void test_none_is_identity(void **state)
{
    struct trawl_error err;
    struct stem *st = NULL;

    (void)state;
    assert_int_equal(stem_new("none", &st, &err), TRAWL_OK);
    assert_string_equal(stem_lang(st), "none");
    assert_string_equal(stems(st, "likes running party's"), "likes running party's ");
    stem_free(st);
}

static void test_unknown_language(void **state)
{
    struct trawl_error err = {0};
    struct stem *st = (struct stem *)&err; /* must be reset to NULL */

    (void)state;
    assert_int_equal(stem_new("xx", &st, &err), TRAWL_EINPUT);
    assert_null(st);
    assert_int_equal(err.code, TRAWL_EINPUT);
    assert_string_equal(err.msg, "unknown stemmer language 'xx'");
    assert_false(stem_known("xx"));
    assert_false(stem_known(""));
    assert_true(stem_known("none"));
    assert_true(stem_known("english"));
    assert_true(stem_known("french"));
}

static void test_languages_listed(void **state)
{
    int english = 0;

    (void)state;
    for (const char **l = stem_languages(); *l != NULL; l++)
        english |= strcmp(*l, "english") == 0;
    assert_true(english);
}

static void test_french(void **state)
{
    struct trawl_error err;
    struct stem *st = NULL;

    (void)state;
    assert_int_equal(stem_new("french", &st, &err), TRAWL_OK);
    /* "continuellement" -> "continuel", "chevaux" -> "cheval", "mangeront" -> "mang" */
    assert_string_equal(stems(st, "continuellement chevaux mangeront"), "continuel cheval mang ");
    stem_free(st);
}

static void test_long_and_empty_words_pass_through(void **state)
{
    char w[300];
    size_t slen = 99;
    const char *s;

    memset(w, 'x', sizeof w);
    memcpy(w + 290, "ingsingss", 9);
    s = stem_word(*state, w, sizeof w, &slen);
    assert_ptr_equal(s, w);
    assert_int_equal(slen, sizeof w);
    s = stem_word(*state, w, 0, &slen);
    assert_non_null(s);
    assert_int_equal(slen, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_english, setup_english, teardown),
        cmocka_unit_test_setup_teardown(test_cache_gives_same_results, setup_english, teardown),
        cmocka_unit_test_setup_teardown(test_cache_off_is_seen, setup_english, teardown),
        cmocka_unit_test_setup_teardown(test_cache_survives_clearing, setup_english, teardown),
        cmocka_unit_test_setup_teardown(test_many_distinct_words, setup_english, teardown),
        cmocka_unit_test(test_none_is_identity),
        cmocka_unit_test(test_unknown_language),
        cmocka_unit_test(test_languages_listed),
        cmocka_unit_test(test_french),
        cmocka_unit_test_setup_teardown(test_long_and_empty_words_pass_through, setup_english,
                                        teardown),
    };
    return cmocka_run_group_tests_name("stem", tests, NULL, NULL);
}
