/* Unit tests of common/grow: a doubling array starts at its first size, doubles, returns the
 * same array while there is room, and fails on overflow keeping the old one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/grow.h"

static void test_starts_at_first_then_doubles(void **state)
{
    int *v = NULL, *w;
    size_t n = 0, cap = 0;

    (void)state;
    for (int i = 0; i < 100; i++) {
        w = grow(v, n, &cap, sizeof *w, 4);
        assert_non_null(w);
        v = w;
        v[n++] = i;
        if (n == 1)
            assert_int_equal(cap, 4);
    }
    assert_int_equal(cap, 128); /* 4, 8, ..., 128 */
    for (int i = 0; i < 100; i++)
        assert_int_equal(v[i], i);
    free(v);
}

static void test_returns_v_while_there_is_room(void **state)
{
    size_t cap = 0;
    char *v = grow(NULL, 0, &cap, 1, 8);

    (void)state;
    assert_non_null(v);
    assert_ptr_equal(grow(v, 7, &cap, 1, 8), v);
    assert_int_equal(cap, 8);
    free(v);
}

static void test_overflow_fails_and_keeps_v(void **state)
{
    size_t cap = 4;
    char *v = malloc(4);

    (void)state;
    assert_non_null(v);
    /* Doubling 4 elements of SIZE_MAX / 4 bytes would not fit in a size_t. */
    assert_null(grow(v, 4, &cap, SIZE_MAX / 4, 1));
    assert_int_equal(cap, 4);
    cap = SIZE_MAX / 2 + 1;
    assert_null(grow(v, cap, &cap, 1, 1));
    assert_int_equal(cap, SIZE_MAX / 2 + 1);
    free(v); /* still ours */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_at_first_then_doubles),
        cmocka_unit_test(test_returns_v_while_there_is_room),
        cmocka_unit_test(test_overflow_fails_and_keeps_v),
    };
    return cmocka_run_group_tests_name("grow", tests, NULL, NULL);
}
