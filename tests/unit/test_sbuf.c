/* Unit tests of common/sbuf: starts empty and NUL-terminated, appends and grows, holds any
 * bytes, and hands its buffer over on detach. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/sbuf.h"

static void test_starts_empty_and_terminated(void **state)
{
    struct sbuf sb;

    (void)state;
    sbuf_init(&sb);
    assert_non_null(sb.buf);
    assert_string_equal(sb.buf, "");
    assert_int_equal(sb.len, 0);
    sbuf_reset(&sb); /* on the static "" */
    sbuf_release(&sb);
    sbuf_release(NULL);
}

static void test_appends_and_grows(void **state)
{
    struct sbuf sb;
    char big[1000];

    (void)state;
    sbuf_init(&sb);
    assert_int_equal(sbuf_adds(&sb, "abc"), TRAWL_OK);
    assert_int_equal(sbuf_addc(&sb, '-'), TRAWL_OK);
    assert_int_equal(sbuf_printf(&sb, "%d:%s", 42, "x"), TRAWL_OK);
    assert_string_equal(sb.buf, "abc-42:x");
    assert_int_equal(sb.len, 8);
    memset(big, 'z', sizeof big);
    assert_int_equal(sbuf_add(&sb, big, sizeof big), TRAWL_OK);
    assert_int_equal(sb.len, 1008);
    assert_int_equal(sb.buf[1008], '\0');
    sbuf_reset(&sb);
    assert_string_equal(sb.buf, "");
    sbuf_release(&sb);
}

static void test_binary_safe(void **state)
{
    struct sbuf sb;

    (void)state;
    sbuf_init(&sb);
    assert_int_equal(sbuf_add(&sb, "a\0b", 3), TRAWL_OK);
    assert_int_equal(sb.len, 3);
    assert_memory_equal(sb.buf, "a\0b", 3);
    sbuf_release(&sb);
}

static void test_detach_takes_ownership(void **state)
{
    struct sbuf sb;
    size_t len;
    char *s;

    (void)state;
    sbuf_init(&sb);
    s = sbuf_detach(&sb, &len); /* even an empty buffer gives a heap string */
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    sbuf_adds(&sb, "hello");
    s = sbuf_detach(&sb, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_string_equal(sb.buf, "");
    free(s);
    sbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_empty_and_terminated),
        cmocka_unit_test(test_appends_and_grows),
        cmocka_unit_test(test_binary_safe),
        cmocka_unit_test(test_detach_takes_ownership),
    };
    return cmocka_run_group_tests_name("sbuf", tests, NULL, NULL);
}
