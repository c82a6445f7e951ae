/* Unit tests for the searcher's wrapping of terminal output (searcher/pager.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after its prerequisites, above */

#include "searcher/pager.h"

/* pager_wrap of text to cols columns, as a string (owned: free()); *lines its line count. */
static char *wrap(const char *text, unsigned cols, size_t *lines)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    assert_non_null(f);
    *lines = pager_wrap(text, strlen(text), cols, f);
    fclose(f);
    return out;
}

static void test_breaks_at_spaces_with_a_hanging_indent(void **state)
{
    size_t lines;
    char *got = wrap("  1. alpha beta gamma delta\n     one two three four five six\n", 16,
                     &lines);

    (void)state;
    assert_string_equal(got, "  1. alpha beta\n"
                             "     gamma delta\n"
                             "     one two\n"
                             "     three four\n"
                             "     five six\n");
    assert_int_equal(lines, 5);
    free(got);
}

static void test_never_splits_a_word_and_leaves_short_lines_alone(void **state)
{
    size_t lines;
    char *got = wrap("  ok\n     supercalifragilistic word\n", 10, &lines);

    (void)state;
    assert_string_equal(got, "  ok\n     supercalifragilistic\n     word\n");
    assert_int_equal(lines, 3);
    free(got);
}

static void test_colours_and_utf8_take_their_visible_width(void **state)
{
    size_t lines;
    /* "▶ ¶3" is the marker; "\033[1;31mtarget\033[0m" is 6 columns; "café" 4 */
    char *got = wrap("\033[1m▶ ¶3\033[0m café \033[1;31mtarget\033[0m set", 16, &lines);

    (void)state;
    assert_string_equal(got, "\033[1m▶ ¶3\033[0m café \033[1;31mtarget\033[0m\n     set\n");
    assert_int_equal(lines, 2);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_breaks_at_spaces_with_a_hanging_indent),
        cmocka_unit_test(test_never_splits_a_word_and_leaves_short_lines_alone),
        cmocka_unit_test(test_colours_and_utf8_take_their_visible_width),
    };
    return cmocka_run_group_tests_name("pager", tests, NULL, NULL);
}
