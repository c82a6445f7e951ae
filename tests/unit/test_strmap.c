/* Unit tests of common/strmap: counting keys, growing and clearing, keys with NUL bytes and
 * long keys, the key pool growing with the map. */
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

/* The i-th key of test_key_blocks_grow_with_the_map into key[600]: short ones, and one longer
 * than the first block. Returns its length. */
static size_t block_test_key(int i, char key[600])
{
    if (i == 777) {
        memset(key, 'k', 600);
        return 600;
    }
    return (size_t)snprintf(key, 600, "w%d", i);
}

/* Keys live in blocks that start small and double: a map of a few words (one per article in
 * flight in the indexer) must not hold a large block, and every key must survive the blocks
 * that follow it, a long key between short ones included. */
static void test_key_blocks_grow_with_the_map(void **state)
{
    struct strmap m;
    char key[600];
    size_t first_cap;

    (void)state;
    strmap_init(&m);
    assert_int_equal(strmap_add(&m, "word", 4, 1), TRAWL_OK);
    assert_int_equal(m.npool, 1);
    first_cap = m.pool_cap;
    assert_true(first_cap < 4096);
    for (int i = 0; i < 30000; i++) {
        size_t n = block_test_key(i, key);
        assert_int_equal(strmap_add(&m, key, n, (uint64_t)i + 1), TRAWL_OK);
    }
    assert_true(m.npool > 2);
    assert_true(m.pool_cap > first_cap);
    assert_true(m.pool_cap <= 65536);
    for (int i = 0; i < 30000; i++) {
        size_t n = block_test_key(i, key);
        const struct strmap_entry *e = strmap_get(&m, key, n);
        assert_non_null(e);
        assert_int_equal(e->val, (uint64_t)i + 1);
        assert_memory_equal(e->key, key, n);
    }
    assert_int_equal(strmap_get(&m, "word", 4)->val, 1);
    strmap_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_keys),
        cmocka_unit_test(test_grows_and_clears),
        cmocka_unit_test(test_keys_with_nul_bytes_and_long_keys),
        cmocka_unit_test(test_key_blocks_grow_with_the_map),
    };
    return cmocka_run_group_tests_name("strmap", tests, NULL, NULL);
}
