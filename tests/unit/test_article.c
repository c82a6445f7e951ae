/* Unit tests of common/article: the file header, sanitizing, titles and dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/article.h"

/* Parses a file held in a string literal (which may contain NUL bytes). */
#define FROM_FILE(a, lit, err) article_from_file((a), "f.txt", (lit), sizeof(lit) - 1, (err))

static int setup(void **state)
{
    struct article *a = malloc(sizeof *a);

    if (a == NULL)
        return -1;
    article_init(a);
    *state = a;
    return 0;
}

static int teardown(void **state)
{
    article_release(*state);
    free(*state);
    return 0;
}

static void test_header_sample_format(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    assert_int_equal(FROM_FILE(a, " date 2018-03-26 Prime Minister spoke.\n\nSecond one.\n", &err),
                     TRAWL_OK);
    assert_string_equal(a->id, "f.txt");
    assert_string_equal(a->date, "2018-03-26");
    assert_string_equal(a->body, "Prime Minister spoke.\n\nSecond one.\n");
    assert_int_equal(a->body_len, strlen(a->body));
    assert_string_equal(a->title, "Prime Minister spoke.");
    assert_int_equal(a->warnings, 0);
    assert_null(a->url);
    assert_null(a->source);
}

static void test_header_variants(void **state)
{
    static const char *const files[] = {
        "date 2018-03-26 Text here.",   /* no leading space */
        "\t date\t\t2018-03-26  \tText here.",
        "   date 2018-03-26\nText here.",  /* white space after the date includes newlines */
        " date 2018-03-26\n\n\nText here.",
    };
    struct article *a = *state;
    struct trawl_error err;
    size_t i;

    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        assert_int_equal(article_from_file(a, "x", files[i], strlen(files[i]), &err), TRAWL_OK);
        assert_string_equal(a->date, "2018-03-26");
        assert_string_equal(a->body, "Text here.");
        assert_int_equal(a->warnings, 0);
    }
}

static void test_bad_date_header_is_dropped(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    assert_int_equal(FROM_FILE(a, " date 2018-13-45 Body text.", &err), TRAWL_OK);
    assert_string_equal(a->date, "");
    assert_int_equal(a->warnings, TRAWL_WARN_BAD_DATE);
    assert_string_equal(a->body, "Body text.");

    assert_int_equal(FROM_FILE(a, " date yesterday Body text.", &err), TRAWL_OK);
    assert_string_equal(a->date, "");
    assert_int_equal(a->warnings, TRAWL_WARN_BAD_DATE);
    assert_string_equal(a->body, "Body text.");

    assert_int_equal(FROM_FILE(a, " date 2019-02-29 Body text.", &err), TRAWL_OK);
    assert_int_equal(a->warnings, TRAWL_WARN_BAD_DATE);
    assert_string_equal(a->body, "Body text.");
}

static void test_no_header_keeps_all_text(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    assert_int_equal(FROM_FILE(a, "Plain text. More.", &err), TRAWL_OK);
    assert_string_equal(a->date, "");
    assert_int_equal(a->warnings, 0);
    assert_string_equal(a->body, "Plain text. More.");

    /* "date" must be a word of its own, followed by a token. */
    assert_int_equal(FROM_FILE(a, "dates 2018-03-26 are here", &err), TRAWL_OK);
    assert_string_equal(a->body, "dates 2018-03-26 are here");
    assert_int_equal(a->warnings, 0);
    assert_int_equal(FROM_FILE(a, "Date 2018-03-26 case matters", &err), TRAWL_OK);
    assert_string_equal(a->date, "");
    assert_string_equal(a->body, "Date 2018-03-26 case matters");
    assert_int_equal(FROM_FILE(a, "The date 2018-03-26 is not at the start", &err), TRAWL_OK);
    assert_string_equal(a->date, "");
    assert_int_equal(a->warnings, 0);
}

static void test_bom_is_skipped(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    assert_int_equal(FROM_FILE(a, "\xEF\xBB\xBF date 2020-02-29 Leap day.", &err), TRAWL_OK);
    assert_string_equal(a->date, "2020-02-29");
    assert_string_equal(a->body, "Leap day.");
    assert_int_equal(FROM_FILE(a, "\xEF\xBB\xBFNo header.", &err), TRAWL_OK);
    assert_string_equal(a->body, "No header.");
    assert_int_equal(a->warnings, 0);
}

static void test_line_ends_become_lf(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    assert_int_equal(FROM_FILE(a, " date 2018-03-26 a\r\n\r\nb\rc\r", &err), TRAWL_OK);
    assert_string_equal(a->body, "a\n\nb\nc\n");
    assert_int_equal(a->warnings, 0);
}

static void test_invalid_utf8_is_replaced(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    /* Valid: é, €, U+1F600. */
    assert_int_equal(FROM_FILE(a, "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", &err), TRAWL_OK);
    assert_int_equal(a->warnings, 0);
    assert_string_equal(a->body, "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");

    /* Stray byte, broken 2-byte, overlong "/", surrogate, above U+10FFFF, truncated at end:
     * one U+FFFD per maximal valid prefix. */
    assert_int_equal(
        FROM_FILE(a, "a\xFF" "b \xC3( \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 \xE2\x82", &err),
        TRAWL_OK);
    assert_int_equal(a->warnings, TRAWL_WARN_UTF8);
    assert_string_equal(a->body, "a\xEF\xBF\xBD" "b \xEF\xBF\xBD( "
                                 "\xEF\xBF\xBD\xEF\xBF\xBD "
                                 "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
                                 "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
                                 "\xEF\xBF\xBD");
    /* The title is sanitized too: it comes from the body. */
    assert_non_null(strstr(a->title, "\xEF\xBF\xBD"));
}

static void test_nul_means_binary(void **state)
{
    struct article *a = *state;
    struct trawl_error err;
    char *buf;

    assert_int_equal(FROM_FILE(a, " date 2018-03-26 text\0more", &err), TRAWL_EINPUT);
    assert_string_equal(err.msg, "binary file");
    assert_string_equal(a->id, ""); /* left empty, never NULL */
    assert_string_equal(a->body, "");

    /* A NUL after the first 8 KiB is just a control character. */
    buf = malloc(9000);
    assert_non_null(buf);
    memset(buf, 'x', 9000);
    buf[8500] = '\0';
    assert_int_equal(article_from_file(a, "big", buf, 9000, &err), TRAWL_OK);
    assert_int_equal(a->body_len, 9000);
    assert_int_equal(a->body[8500], ' ');
    free(buf);
}

static void test_control_chars_become_spaces(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    assert_int_equal(FROM_FILE(a, "a\x01" "b\x7F" "c\td\fe\x1B" "f\x0B" "g\n", &err), TRAWL_OK);
    assert_string_equal(a->body, "a b c\td e f g\n");
    assert_int_equal(a->warnings, 0);
}

static void test_empty_inputs(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    assert_int_equal(article_from_file(a, "e", "", 0, &err), TRAWL_OK);
    assert_int_equal(a->warnings, TRAWL_WARN_EMPTY);
    assert_string_equal(a->body, "");
    assert_int_equal(a->body_len, 0);
    assert_string_equal(a->title, "");

    assert_int_equal(FROM_FILE(a, " date 2018-03-26 ", &err), TRAWL_OK);
    assert_string_equal(a->date, "2018-03-26");
    assert_int_equal(a->warnings, TRAWL_WARN_EMPTY);
    assert_string_equal(a->body, "");

    assert_int_equal(FROM_FILE(a, " date 2018-03-26", &err), TRAWL_OK);
    assert_string_equal(a->date, "2018-03-26");
    assert_int_equal(a->warnings, TRAWL_WARN_EMPTY);

    assert_int_equal(FROM_FILE(a, "\n \t\n\n", &err), TRAWL_OK);
    assert_int_equal(a->warnings, TRAWL_WARN_EMPTY);
    assert_string_equal(a->title, "");

    assert_int_equal(FROM_FILE(a, "\xEF\xBB\xBF", &err), TRAWL_OK);
    assert_int_equal(a->warnings, TRAWL_WARN_EMPTY);
}

static void test_empty_id_is_refused(void **state)
{
    struct article *a = *state;
    struct trawl_error err;

    assert_int_equal(article_from_file(a, "", "text", 4, &err), TRAWL_EINPUT);
    assert_int_equal(article_from_fields(a, "", "text", 4, NULL, NULL, NULL, NULL, &err),
                     TRAWL_EINPUT);
    assert_int_equal(article_from_fields(a, NULL, "text", 4, NULL, NULL, NULL, NULL, &err),
                     TRAWL_EINPUT);
}

/* article_first_sentence() of a C string, compared, freed. */
static void check_sentence(const char *text, const char *want)
{
    char *got = article_first_sentence(text, strlen(text));

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_first_sentence_rules(void **state)
{
    (void)state;
    check_sentence("One. Two.", "One.");
    check_sentence("Why? Because.", "Why?");
    check_sentence("Stop! Now.", "Stop!");
    check_sentence("No end here", "No end here");
    check_sentence("Ends at the end.", "Ends at the end.");
    check_sentence("  \n\n  Leading space skipped. Next", "Leading space skipped.");
    check_sentence("First para\nstill first\n\nSecond para. X", "First para still first");
    check_sentence("Collapse \t  white\n space. X", "Collapse white space.");
    check_sentence("U.S. officials met on Monday. Later more.", "U.S. officials met on Monday.");
    check_sentence("Talks with the U.K. Government ended. Then",
                   "Talks with the U.K. Government ended.");
    check_sentence("J. Smith said so. Then", "J. Smith said so.");
    check_sentence("Mr. Smith met Dr. Jones at St. Paul's vs. all. Then",
                   "Mr. Smith met Dr. Jones at St. Paul's vs. all.");
    check_sentence("(Mr. Smith) left. Then", "(Mr. Smith) left.");
    check_sentence("He said \"stop.\" Then went.", "He said \"stop.\"");
    check_sentence("He said \xE2\x80\x9Cstop.\xE2\x80\x9D Then went.",
                   "He said \xE2\x80\x9Cstop.\xE2\x80\x9D");
    check_sentence("Prices rose 3.5 pct. Then fell.", "Prices rose 3.5 pct.");
    check_sentence("It costs approx. five dollars. Then", "It costs approx. five dollars.");
    check_sentence("In 1987. The year", "In 1987.");
    check_sentence("Trailing dot.   ", "Trailing dot.");
    check_sentence("", "");
    check_sentence("   \n ", "");
}

static void test_first_sentence_is_capped(void **state)
{
    char text[1100], *got;
    size_t i, len;

    (void)state;
    /* 200 words of "word" (5 bytes each with the space): cut at a word, "…" appended. */
    text[0] = '\0';
    for (i = 0; i < 200; i++)
        strcat(text, "word ");
    got = article_first_sentence(text, strlen(text));
    assert_non_null(got);
    len = strlen(got);
    assert_true(len <= ARTICLE_TITLE_MAX);
    assert_true(len > ARTICLE_TITLE_MAX - 10);
    assert_string_equal(got + len - 3, "\xE2\x80\xA6");
    assert_memory_equal(got + len - 7, "word", 4);
    assert_true(got[len - 8] == ' ');
    free(got);

    /* One word longer than the cap, of 2-byte characters: cut between characters. */
    for (i = 0; i < 300; i += 2)
        memcpy(text + i, "\xC3\xA9", 2);
    text[300] = '\0';
    got = article_first_sentence(text, 300);
    assert_non_null(got);
    len = strlen(got);
    assert_true(len <= ARTICLE_TITLE_MAX);
    assert_string_equal(got + len - 3, "\xE2\x80\xA6");
    assert_int_equal((len - 3) % 2, 0);
    for (i = 0; i < len - 3; i += 2)
        assert_memory_equal(got + i, "\xC3\xA9", 2);
    free(got);

    /* Exactly ARTICLE_TITLE_MAX bytes: kept whole. */
    memset(text, 'a', ARTICLE_TITLE_MAX);
    text[ARTICLE_TITLE_MAX] = '\0';
    got = article_first_sentence(text, ARTICLE_TITLE_MAX);
    assert_non_null(got);
    assert_string_equal(got, text);
    free(got);
}

static void test_first_sentence_of_huge_text(void **state)
{
    size_t len = 20u << 20, i;
    char *text = malloc(len), *got;

    (void)state;
    assert_non_null(text);
    for (i = 0; i < len; i++)
        text[i] = (i % 6 == 5) ? ' ' : 'x';
    got = article_first_sentence(text, len);
    assert_non_null(got);
    assert_true(strlen(got) <= ARTICLE_TITLE_MAX);
    free(got);
    free(text);
}

static void test_valid_dates(void **state)
{
    (void)state;
    assert_true(article_valid_date("2018-03-26", 10));
    assert_true(article_valid_date("2000-02-29", 10));  /* divisible by 400 */
    assert_false(article_valid_date("1900-02-29", 10)); /* century */
    assert_true(article_valid_date("2024-02-29", 10));
    assert_false(article_valid_date("2023-02-29", 10));
    assert_true(article_valid_date("2023-02-28", 10));
    assert_false(article_valid_date("2023-04-31", 10));
    assert_true(article_valid_date("2023-12-31", 10));
    assert_false(article_valid_date("2023-13-01", 10));
    assert_false(article_valid_date("2023-00-10", 10));
    assert_false(article_valid_date("2023-01-00", 10));
    assert_false(article_valid_date("2023-01-32", 10));
    assert_false(article_valid_date("0000-01-01", 10));
    assert_true(article_valid_date("0001-01-01", 10));
    assert_true(article_valid_date("9999-12-31", 10));
    assert_false(article_valid_date("2018-3-26", 9));
    assert_false(article_valid_date("2018/03/26", 10));
    assert_false(article_valid_date("2018-03-2x", 10));
    assert_false(article_valid_date("2018-03-26", 9));
    assert_false(article_valid_date("2018-03-26X", 11));
    assert_false(article_valid_date("+018-03-26", 10));
    assert_false(article_valid_date(NULL, 0));
}

static void test_from_fields(void **state)
{
    struct article *a = *state;
    struct trawl_error err;
    const char text[] = "U.S. grain exports rose. More text.XXXX";

    /* text needs no NUL: only the first text_len bytes count. */
    assert_int_equal(article_from_fields(a, "r-1", text, sizeof text - 5, NULL, "1987-02-26",
                                         "http://x/1", "reuters", &err),
                     TRAWL_OK);
    assert_string_equal(a->id, "r-1");
    assert_string_equal(a->body, "U.S. grain exports rose. More text.");
    assert_string_equal(a->title, "U.S. grain exports rose.");
    assert_string_equal(a->date, "1987-02-26");
    assert_string_equal(a->url, "http://x/1");
    assert_string_equal(a->source, "reuters");
    assert_int_equal(a->warnings, 0);

    /* A given title is sanitized and its white space collapsed. */
    assert_int_equal(article_from_fields(a, "r-2", "Body. Two.", 10, "  GRAIN\r\n EXPORTS\x01 ",
                                         NULL, NULL, NULL, &err),
                     TRAWL_OK);
    assert_string_equal(a->title, "GRAIN EXPORTS");
    assert_string_equal(a->date, "");
    assert_null(a->url);

    /* A blank title: derived from the body instead. */
    assert_int_equal(article_from_fields(a, "r-3", "Body. Two.", 10, " \t", "", NULL, NULL,
                                         &err),
                     TRAWL_OK);
    assert_string_equal(a->title, "Body.");
    assert_int_equal(a->warnings, 0);

    assert_int_equal(article_from_fields(a, "r-4", "x", 1, "T", "1987-02-30", NULL, NULL, &err),
                     TRAWL_OK);
    assert_string_equal(a->date, "");
    assert_int_equal(a->warnings, TRAWL_WARN_BAD_DATE);

    assert_int_equal(article_from_fields(a, "r-5", "a\xFF", 2, "t\xFE", NULL, NULL, NULL, &err),
                     TRAWL_OK);
    assert_int_equal(a->warnings, TRAWL_WARN_UTF8);
    assert_string_equal(a->title, "t\xEF\xBF\xBD");

    assert_int_equal(article_from_fields(a, "r-6", NULL, 0, NULL, NULL, NULL, NULL, &err),
                     TRAWL_OK);
    assert_int_equal(a->warnings, TRAWL_WARN_EMPTY);
    assert_string_equal(a->body, "");
}

static void test_init_and_release(void **state)
{
    struct article a;

    (void)state;
    article_init(&a);
    assert_non_null(a.id);
    assert_non_null(a.title);
    assert_non_null(a.body);
    assert_int_equal(a.body_len, 0);
    article_release(&a);
    article_release(&a);
    article_release(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header_sample_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_date_header_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_header_keeps_all_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bom_is_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_ends_become_lf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_utf8_is_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_means_binary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_chars_become_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_id_is_refused, setup, teardown),
        cmocka_unit_test(test_first_sentence_rules),
        cmocka_unit_test(test_first_sentence_is_capped),
        cmocka_unit_test(test_first_sentence_of_huge_text),
        cmocka_unit_test(test_valid_dates),
        cmocka_unit_test_setup_teardown(test_from_fields, setup, teardown),
        cmocka_unit_test(test_init_and_release),
    };
    return cmocka_run_group_tests_name("article", tests, NULL, NULL);
}
