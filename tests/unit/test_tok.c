/* Unit tests for common/tok: one test per rule in tok.h, plus the edge cases (empty input,
 * invalid UTF-8, very long words, offsets, positions, flags, early stop). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after stdarg.h, stddef.h and setjmp.h */

#include "common/tok.h"

#define OUT_CAP 4096

struct out {
    char s[OUT_CAP];
    size_t n;
    int stop_after; /* > 0: the callback stops once this many tokens were seen */
    int seen;
};

static void add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    o->n += (size_t)vsnprintf(o->s + o->n, OUT_CAP - o->n, fmt, ap);
    va_end(ap);
    if (o->n >= OUT_CAP)
        o->n = OUT_CAP - 1;
}

/* Appends "token@start " per token, so one string comparison checks the whole result. */
static enum tok_next collect(void *ctx, const struct tok_token *tk)
{
    struct out *o = ctx;
    add(o, "%.*s@%zu ", (int)tk->len, tk->text, tk->start);
    return ++o->seen == o->stop_after ? TOK_STOP : TOK_NEXT;
}

/* Appends "token:FLAGS " with J(oined), L(ong), N(umeric), C(JK). */
static enum tok_next collect_flags(void *ctx, const struct tok_token *tk)
{
    struct out *o = ctx;
    add(o, "%.*s:%s%s%s%s ", (int)tk->len, tk->text, tk->flags & TOK_JOINED ? "J" : "",
        tk->flags & TOK_LONG ? "L" : "", tk->flags & TOK_NUMERIC ? "N" : "",
        tk->flags & TOK_CJK ? "C" : "");
    return TOK_NEXT;
}

/* Appends "token[start,end)#pos ". */
static enum tok_next collect_span(void *ctx, const struct tok_token *tk)
{
    struct out *o = ctx;
    add(o, "%.*s[%zu,%zu)#%zu ", (int)tk->len, tk->text, tk->start, tk->end, tk->pos);
    return TOK_NEXT;
}

static const char *run_fn(struct tok *t, const char *text, tok_fn fn)
{
    static struct out o;
    memset(&o, 0, sizeof o);
    assert_int_equal(tok_each(t, text, strlen(text), fn, &o), 0);
    return o.s;
}

#define RUN(text) run_fn(*state, (text), collect)
#define FLAGS(text) run_fn(*state, (text), collect_flags)
#define SPANS(text) run_fn(*state, (text), collect_span)

static void test_folds_case_and_keeps_byte_offsets(void **state)
{
    /* "Ängel  RUNS"; Ä is two bytes (and a Latin letter, so its diaeresis goes) */
    assert_string_equal(RUN("\xC3\x84ngel  RUNS"), "angel@0 runs@8 ");
}

static void test_empty_input(void **state)
{
    struct out o = {0};
    assert_int_equal(tok_each(*state, "", 0, collect, &o), 0);
    assert_int_equal(tok_each(*state, NULL, 0, collect, &o), 0);
    assert_string_equal(o.s, "");
}

static void test_only_punctuation(void **state)
{
    assert_string_equal(RUN("!?, ... -- ; ' \xE2\x80\x94 \xE2\x80\x99 - . ,"), "");
}

static void test_removes_latin_diacritics(void **state)
{
    /* "Café Straße ÉCOLE naïve" and a decomposed "cafe\u0301"; Vietnamese stacks two marks */
    assert_string_equal(RUN("Caf\xC3\xA9 Stra\xC3\x9F"
                            "e \xC3\x89"
                            "COLE na\xC3\xAFve"),
                        "cafe@0 strasse@6 ecole@14 naive@21 ");
    assert_string_equal(RUN("cafe\xCC\x81 Vi\xE1\xBB\x87t"), "cafe@0 viet@7 ");
}

static void test_keeps_marks_of_other_scripts(void **state)
{
    /* "नमस्ते" keeps its virama and vowel sign; Greek "Άθηνα" keeps its tonos */
    assert_string_equal(RUN("\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4"
                            "\xE0\xA5\x87"),
                        "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4"
                        "\xE0\xA5\x87@0 ");
    assert_string_equal(RUN("\xCE\x86\xCE\xB8\xCE\xB7\xCE\xBD\xCE\xB1"),
                        "\xCE\xAC\xCE\xB8\xCE\xB7\xCE\xBD\xCE\xB1@0 ");
}

static void test_nfkc_full_width(void **state)
{
    /* "ＡＢＣ １２３" */
    assert_string_equal(FLAGS("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 "
                              "\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93"),
                        "abc: 123:N ");
}

static void test_nfkc_ligature_and_compatibility(void **state)
{
    /* "ﬁne", Roman numeral twelve "Ⅻ", "x²" */
    assert_string_equal(FLAGS("\xEF\xAC\x81ne \xE2\x85\xAB x\xC2\xB2"), "fine: xii: x2:N ");
}

static void test_cjk_one_token_per_character(void **state)
{
    /* "東京タワーへ" */
    assert_string_equal(RUN("\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x82\xBF\xE3\x83\xAF\xE3\x83\xBC"
                            "\xE3\x81\xB8"),
                        "\xE6\x9D\xB1@0 \xE4\xBA\xAC@3 \xE3\x82\xBF@6 \xE3\x83\xAF@9 "
                        "\xE3\x83\xBC@12 \xE3\x81\xB8@15 ");
    assert_string_equal(FLAGS("\xE6\x9D\xB1x"), "\xE6\x9D\xB1:C x: ");
    /* halfwidth "ｶﾞ" is one token, the composed "ガ" */
    assert_string_equal(RUN("\xEF\xBD\xB6\xEF\xBE\x9E"), "\xE3\x82\xAC@0 ");
}

static void test_mixed_scripts(void **state)
{
    /* "Москва Zürich 東京" */
    assert_string_equal(RUN("\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 Z\xC3\xBCrich "
                            "\xE6\x9D\xB1\xE4\xBA\xAC"),
                        "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0@0 zurich@13 "
                        "\xE6\x9D\xB1@21 \xE4\xBA\xAC@24 ");
}

static void test_rtl_words(void **state)
{
    /* Arabic "مرحبا بالعالم", Hebrew "שלום עולם" */
    assert_string_equal(RUN("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 "
                            "\xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x84\xD9\x85"),
                        "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7@0 "
                        "\xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x84\xD9\x85@11 ");
    assert_string_equal(RUN("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D."),
                        "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D@0 \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D@9 ");
}

static void test_apostrophe_inside_word(void **state)
{
    /* "party’s party's partyʼs" all give "party's" */
    assert_string_equal(RUN("party\xE2\x80\x99s party's party\xCA\xBCs"),
                        "party's@0 party's@10 party's@18 ");
}

static void test_apostrophe_as_quote(void **state)
{
    /* "‘genuine’", "rock 'n' roll", "students’ union", "'tis", "1990's" */
    assert_string_equal(RUN("\xE2\x80\x98genuine\xE2\x80\x99"), "genuine@3 ");
    assert_string_equal(RUN("rock 'n' roll"), "rock@0 n@6 roll@9 ");
    assert_string_equal(RUN("students\xE2\x80\x99 union"), "students@0 union@12 ");
    assert_string_equal(RUN("'tis o''clock"), "tis@1 o@5 clock@8 ");
    assert_string_equal(RUN("1990's"), "1990@0 s@5 ");
}

static void test_thousands_separator(void **state)
{
    assert_string_equal(FLAGS("300,000"), "300000:N ");
    assert_string_equal(RUN("1,2 1,2345 12,34"), "1@0 2@2 1@4 2345@6 12@11 34@14 ");
    assert_string_equal(SPANS("1,234,567.89"), "1234567.89[0,12)#0 ");
}

static void test_decimal_point(void **state)
{
    assert_string_equal(FLAGS("3.14 v1.2.3"), "3.14:N v1.2.3:N ");
    /* a sentence-final dot after a number is not part of it */
    assert_string_equal(SPANS("in 2019."), "in[0,2)#0 2019[3,7)#1 ");
    assert_string_equal(RUN("example.com"), "example@0 com@8 ");
}

static void test_dates_split_on_hyphens(void **state)
{
    assert_string_equal(FLAGS("2018-03-26"), "2018:N 03:JN 26:JN ");
    assert_string_equal(RUN("2018-03-26"), "2018@0 03@5 26@8 ");
}

static void test_acronyms(void **state)
{
    assert_string_equal(SPANS("U.S. e.g. U.S.A. plan B."),
                        "us[0,4)#0 eg[5,9)#1 usa[10,16)#2 plan[17,21)#3 b[22,23)#4 ");
    /* every letter needs its dot; a letter with a mark still counts as single */
    assert_string_equal(RUN("U.S.A Mr. Smith \xC3\x89.U."), "us@0 a@4 mr@6 smith@10 eu@16 ");
}

static void test_hyphen_joins(void **state)
{
    /* "mandal-level", U+2010 and U+2011 hyphens */
    assert_string_equal(FLAGS("mandal-level non\xE2\x80\x90stop x\xE2\x80\x91y"),
                        "mandal: level:J non: stop:J x: y:J ");
    assert_string_equal(SPANS("mandal-level"), "mandal[0,6)#0 level[7,12)#1 ");
}

static void test_dashes_do_not_join(void **state)
{
    /* " – " (en dash), "--", a leading minus, a hanging hyphen */
    assert_string_equal(FLAGS("well \xE2\x80\x93 known a--b -5 x- y U.S.-led"),
                        "well: known: a: b: 5:N x: y: us: led: ");
}

static void test_long_word_is_one_cut_token(void **state)
{
    char *text = malloc(10006);
    struct out o = {0};

    assert_non_null(text);
    memset(text, 'a', 10000);
    memcpy(text + 10000, " next", 6);
    assert_int_equal(tok_each(*state, text, 10005, collect_span, &o), 0);
    assert_string_equal(
        o.s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa[0,10000)#0 "
             "next[10001,10005)#1 ");
    memset(&o, 0, sizeof o);
    text[10000] = '\0';
    assert_int_equal(tok_each(*state, text, 10000, collect_flags, &o), 0);
    assert_string_equal(o.s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:L ");
    free(text);
}

static void test_long_non_ascii_word_cut_at_character_boundary(void **state)
{
    char text[200] = "", want[200] = "";

    /* 30 x "अ" (3 bytes each) = 90 bytes: cut to 21 characters, 63 bytes */
    for (int i = 0; i < 30; i++)
        strcat(text, "\xE0\xA4\x85");
    for (int i = 0; i < 21; i++)
        strcat(want, "\xE0\xA4\x85");
    strcat(want, ":L ");
    assert_string_equal(FLAGS(text), want);
    /* exactly 64 bytes is not long: 32 x "ж" */
    text[0] = want[0] = '\0';
    for (int i = 0; i < 32; i++) {
        strcat(text, "\xD0\xB6");
        strcat(want, "\xD0\xB6");
    }
    strcat(want, ": ");
    assert_string_equal(FLAGS(text), want);
}

static void test_long_word_with_diacritics(void **state)
{
    char *text = malloc(10001);
    struct out o = {0};

    assert_non_null(text);
    for (int i = 0; i < 5000; i++)
        memcpy(text + 2 * i, "\xC3\xA9", 2); /* "é" */
    assert_int_equal(tok_each(*state, text, 10000, collect_flags, &o), 0);
    assert_string_equal(o.s, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee:L ");
    free(text);
}

static void test_invalid_utf8(void **state)
{
    /* 0xFF and 0xFE can start nothing: two ill-formed sequences */
    assert_string_equal(RUN("ab\xFF\xFE"
                            "cd"),
                        "ab@0 cd@4 ");
    assert_int_equal(tok_invalid_count(*state), 2);
    /* a surrogate (ED A0 80) is three, an overlong "/" (C0 AF) two */
    assert_string_equal(RUN("a\xED\xA0\x80"
                            "b\xC0\xAF"
                            "c"),
                        "a@0 b@4 c@7 ");
    assert_int_equal(tok_invalid_count(*state), 5);
    /* the count is per call */
    assert_string_equal(RUN("fine"), "fine@0 ");
    assert_int_equal(tok_invalid_count(*state), 0);
}

static void test_truncated_sequence_at_end(void **state)
{
    /* "ab " then the first two bytes of "東": one ill-formed sequence */
    assert_string_equal(RUN("ab \xE6\x9D"), "ab@0 ");
    assert_int_equal(tok_invalid_count(*state), 1);
    assert_string_equal(RUN("ab\xE6\x9D"), "ab@0 ");
    assert_int_equal(tok_invalid_count(*state), 1);
    assert_string_equal(RUN("ab\xE6\x9D"
                            "cd"),
                        "ab@0 cd@4 ");
    assert_int_equal(tok_invalid_count(*state), 1);
}

static void test_emoji_are_separators(void **state)
{
    /* "hot🔥dog 👍🏽ok" and a ZWJ family */
    assert_string_equal(RUN("hot\xF0\x9F\x94\xA5"
                            "dog \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBDok "
                            "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"),
                        "hot@0 dog@7 ok@19 ");
}

static void test_offsets_of_multibyte_tokens(void **state)
{
    /* "€ Zürich ﬁn" : folding changes lengths, offsets stay in the input */
    assert_string_equal(SPANS("\xE2\x82\xAC Z\xC3\xBCrich \xEF\xAC\x81n"),
                        "zurich[4,11)#0 fin[12,16)#1 ");
}

static void test_positions_restart_per_call(void **state)
{
    assert_string_equal(SPANS("a b, c"), "a[0,1)#0 b[2,3)#1 c[5,6)#2 ");
    assert_string_equal(SPANS("d"), "d[0,1)#0 ");
}

static void test_numeric_flag(void **state)
{
    /* Arabic-Indic digits "٣٤" are Nd */
    assert_string_equal(FLAGS("abc a1 \xD9\xA3\xD9\xA4"), "abc: a1:N \xD9\xA3\xD9\xA4:N ");
}

static void test_early_stop(void **state)
{
    struct out o = {0};
    o.stop_after = 2;
    /* A stop is not a failure, and tok_each returns its own status, never the callback's. */
    assert_int_equal(tok_each(*state, "one two three four", 18, collect, &o), TRAWL_OK);
    assert_string_equal(o.s, "one@0 two@4 ");
}

static void test_fold_word(void **state)
{
    char out[TOK_MAX_BYTES + 1];
    size_t n;

    n = tok_fold_word(*state, "Caf\xC3\xA9", 5, out, TOK_MAX_BYTES);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "cafe", 4);
    n = tok_fold_word(*state, "\xEF\xBC\xA6\xEF\xBC\xA1\xEF\xBC\xA3\xEF\xBC\xA5", 12, out,
                      TOK_MAX_BYTES); /* "ＦＡＣＥ" */
    assert_int_equal(n, 4);
    assert_memory_equal(out, "face", 4);
    n = tok_fold_word(*state, "Party\xE2\x80\x99s", 9, out, TOK_MAX_BYTES);
    assert_int_equal(n, 7);
    assert_memory_equal(out, "party's", 7);
    n = tok_fold_word(*state, "U.S.", 4, out, TOK_MAX_BYTES);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "us", 2);
    assert_int_equal(tok_fold_word(*state, "!!", 2, out, TOK_MAX_BYTES), 0);
    n = tok_fold_word(*state,
                      "Stra\xC3\x9F"
                      "e",
                      7, out, 4); /* cut to cap */
    assert_int_equal(n, 4);
    assert_memory_equal(out, "stra", 4);
    /* does not disturb tok_invalid_count() */
    RUN("a\xFF");
    tok_fold_word(*state, "\xFF\xFF", 2, out, TOK_MAX_BYTES);
    assert_int_equal(tok_invalid_count(*state), 1);
}

static int setup(void **state)
{
    *state = tok_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    tok_free(*state);
    return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_folds_case_and_keeps_byte_offsets),
        T(test_empty_input),
        T(test_only_punctuation),
        T(test_removes_latin_diacritics),
        T(test_keeps_marks_of_other_scripts),
        T(test_nfkc_full_width),
        T(test_nfkc_ligature_and_compatibility),
        T(test_cjk_one_token_per_character),
        T(test_mixed_scripts),
        T(test_rtl_words),
        T(test_apostrophe_inside_word),
        T(test_apostrophe_as_quote),
        T(test_thousands_separator),
        T(test_decimal_point),
        T(test_dates_split_on_hyphens),
        T(test_acronyms),
        T(test_hyphen_joins),
        T(test_dashes_do_not_join),
        T(test_long_word_is_one_cut_token),
        T(test_long_non_ascii_word_cut_at_character_boundary),
        T(test_long_word_with_diacritics),
        T(test_invalid_utf8),
        T(test_truncated_sequence_at_end),
        T(test_emoji_are_separators),
        T(test_offsets_of_multibyte_tokens),
        T(test_positions_restart_per_call),
        T(test_numeric_flag),
        T(test_early_stop),
        T(test_fold_word),
    };
    return cmocka_run_group_tests_name("tok", tests, NULL, NULL);
}
