#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/strmap.h"

static void test_counts_keys(void **state)
{
    struct strmap m;

    (void)state;
    strmap_init(&m);
    assert_null(strmap_get(&m, "a", 1));
    assert_int_equal(strmap_add(&m, "apple", 5, 1), TRAWL_OK);
    assert_int_equal(strmap_add(&m, "apple", 5, 2), TRAWL_OK);
    assert_int_equal(strmap_add(&m, "app", 3, 7), TRAWL_OK);
    assert_int_equal(m.n, 2);
    assert_int_equal(strmap_get(&m, "apple", 5)->val, 3);
    assert_int_equal(strmap_get(&m, "app", 3)->val, 7);
    assert_string_equal(strmap_get(&m, "app", 3)->key, "app");
    assert_null(strmap_get(&m, "appl", 4));
    strmap_release(&m);
}

static void test_grows_and_clears(void **state)
{
    struct strmap m;
    char key[32];
    uint64_t total = 0;

    (void)state;
    strmap_init(&m);
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "key-%d", i % 5000);
        assert_int_equal(strmap_add(&m, key, (size_t)n, 1), TRAWL_OK);
    }
    assert_int_equal(m.n, 5000);
    for (size_t i = 0; i < m.cap; i++)
        if (m.slots[i].key != NULL)
            total += m.slots[i].val;
    assert_int_equal(total, 20000);
    assert_int_equal(strmap_get(&m, "key-4999", 8)->val, 4);
    strmap_clear(&m);
    assert_int_equal(m.n, 0);
    assert_null(strmap_get(&m, "key-1", 5));
    assert_int_equal(strmap_add(&m, "again", 5, 1), TRAWL_OK);
    assert_int_equal(strmap_get(&m, "again", 5)->val, 1);
    strmap_release(&m);
}

static void test_keys_with_nul_bytes_and_long_keys(void **state)
{
    struct strmap m;
    char big[100000];

    (void)state;
    strmap_init(&m);
    assert_int_equal(strmap_add(&m, "a\0b", 3, 1), TRAWL_OK);
    assert_int_equal(strmap_add(&m, "a\0c", 3, 1), TRAWL_OK);
    assert_int_equal(m.n, 2);
    memset(big, 'x', sizeof big); /* larger than a pool block */
    assert_int_equal(strmap_add(&m, big, sizeof big, 5), TRAWL_OK);
    assert_int_equal(strmap_get(&m, big, sizeof big)->val, 5);
    strmap_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_keys),
        cmocka_unit_test(test_grows_and_clears),
        cmocka_unit_test(test_keys_with_nul_bytes_and_long_keys),
    };
    return cmocka_run_group_tests_name("strmap", tests, NULL, NULL);
}
