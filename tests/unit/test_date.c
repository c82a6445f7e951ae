/* Unit tests of common/date: Gregorian leap years, the days of each month, the three date
 * shapes (YYYY, YYYY-MM, YYYY-MM-DD) read and the other shapes refused, valid dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/date.h"

static void test_leap_years_are_gregorian(void **state)
{
    (void)state;
    assert_true(date_leap(2024));
    assert_false(date_leap(2023));
    assert_false(date_leap(1900)); /* a century */
    assert_true(date_leap(2000));  /* a century divisible by 400 */
    assert_true(date_leap(4));
    assert_false(date_leap(1));
}

static void test_days_in_each_month(void **state)
{
    static const int common_year[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    (void)state;
    for (int m = 1; m <= 12; m++) {
        assert_int_equal(date_days_in(2023, m), common_year[m - 1]);
        assert_int_equal(date_days_in(2024, m), m == 2 ? 29 : common_year[m - 1]);
    }
    assert_int_equal(date_days_in(1900, 2), 28);
    assert_int_equal(date_days_in(2000, 2), 29);
}

static void test_split_reads_three_shapes(void **state)
{
    int y, m, d;

    (void)state;
    assert_int_equal(date_split("2018", 4, &y, &m, &d), 1);
    assert_int_equal(y, 2018);
    assert_int_equal(m, 0);
    assert_int_equal(d, 0);
    assert_int_equal(date_split("2018-03", 7, &y, &m, &d), 2);
    assert_int_equal(m, 3);
    assert_int_equal(date_split("2018-03-26", 10, &y, &m, &d), 3);
    assert_int_equal(y * 10000 + m * 100 + d, 20180326);
    /* The shape only: ranges are the caller's. */
    assert_int_equal(date_split("0000-99-99", 10, &y, &m, &d), 3);
    assert_int_equal(m, 99);
}

static void test_split_refuses_other_shapes(void **state)
{
    static const char *const bad[] = {
        "", "201", "20180", "2018-3", "2018/03", "2018-03-2", "2018-03-2x", "2018-03-26X",
        "+018", "2018-03-26T00", "2018 03 26", "-2018-03-2",
    };
    int y, m, d;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(date_split(bad[i], strlen(bad[i]), &y, &m, &d), 0);
        assert_int_equal(y + m + d, 0);
    }
}

static void test_valid_dates(void **state)
{
    (void)state;
    assert_true(date_valid("2018-03-26", 10));
    assert_true(date_valid("2024-02-29", 10));
    assert_true(date_valid("2000-02-29", 10));
    assert_false(date_valid("1900-02-29", 10));
    assert_false(date_valid("2023-02-29", 10));
    assert_false(date_valid("2023-04-31", 10));
    assert_true(date_valid("2023-12-31", 10));
    assert_false(date_valid("2023-13-01", 10));
    assert_false(date_valid("2023-00-10", 10));
    assert_false(date_valid("2023-01-00", 10));
    assert_false(date_valid("2023-01-32", 10));
    assert_false(date_valid("0000-01-01", 10));
    assert_true(date_valid("0001-01-01", 10));
    assert_true(date_valid("9999-12-31", 10));
    /* A year or a month alone is a filter's range, not a date. */
    assert_false(date_valid("2018", 4));
    assert_false(date_valid("2018-03", 7));
    assert_false(date_valid("2018-03-26", 9)); /* the length rules, not the NUL */
    assert_false(date_valid(NULL, 0));
    assert_false(date_valid(NULL, 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leap_years_are_gregorian),
        cmocka_unit_test(test_days_in_each_month),
        cmocka_unit_test(test_split_reads_three_shapes),
        cmocka_unit_test(test_split_refuses_other_shapes),
        cmocka_unit_test(test_valid_dates),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
