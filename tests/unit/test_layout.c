/* Unit tests of common/layout, the index folder on disk: the shard routing hash (pinned: it is
 * on-disk contract), stub lines parsed and written, stubs refused, what cleaning keeps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/layout.h"

/* The routing hash is part of the on-disk contract: an existing sharded index keeps its
 * articles where these say. Changing a value here means existing indexes break. */
static void test_shard_of_is_stable(void **state)
{
    (void)state;
    assert_int_equal(layout_shard_of("a.txt", 5, 1), 0);
    assert_int_equal(layout_shard_of("a.txt", 5, 0), 0);
    assert_int_equal(layout_shard_of("a.txt", 5, 4), 2);
    assert_int_equal(layout_shard_of("reuters/0001.sgm#17", 19, 8), 5);
    assert_int_equal(layout_shard_of("x", 1, 64), 7);
    for (unsigned n = 1; n <= TRAWL_MAX_SHARDS; n++)
        assert_true(layout_shard_of("abc", 3, n) < n);
}

static void write_stub(const char *dir, const char *text)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof p, "%s/" LAYOUT_STUB, dir);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_entries_parse_every_kind(void **state)
{
    char dir[] = "/tmp/trawl-test-layout-XXXXXX";
    struct layout_entry *v;
    size_t n;
    struct trawl_error err;
    char *s;

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_stub(dir, "auto gen-2-shard-0\nauto /abs/gen-1\nremote 127.0.0.1:7001\n"
                    "# a comment\nremote host xapian-progsrv db\n");
    assert_int_equal(layout_read_entries(dir, &v, &n, &err), TRAWL_OK);
    assert_int_equal(n, 4);
    assert_int_equal(v[0].kind, LAYOUT_LOCAL);
    assert_string_equal(v[0].where, "gen-2-shard-0");
    assert_int_equal(v[1].kind, LAYOUT_LOCAL);
    assert_int_equal(v[2].kind, LAYOUT_REMOTE);
    assert_string_equal(v[2].where, "127.0.0.1:7001");
    assert_int_equal(v[3].kind, LAYOUT_PROG);
    assert_true(layout_entries_remote(v, n));
    assert_true(layout_entries_sharded(v, n));
    assert_false(layout_entries_sharded(v + 1, 1));
    assert_true(layout_entries_sharded(v, 1));
    s = layout_entry_line(dir, &v[0]);
    assert_true(strncmp(s, "auto /tmp/", 10) == 0 && strstr(s, "/gen-2-shard-0") != NULL);
    free(s);
    s = layout_entry_path(dir, &v[1]);
    assert_string_equal(s, "/abs/gen-1");
    free(s);
    layout_free_entries(v, n);

    write_stub(dir, "lonely\n");
    assert_int_equal(layout_read_entries(dir, &v, &n, &err), TRAWL_EINDEX);
    assert_null(v);
    assert_int_equal(layout_remove_tree(dir, &err), TRAWL_OK);
}

static void test_lines_are_the_documented_format(void **state)
{
    char *s;

    (void)state;
    assert_string_equal((s = layout_gen_line(3)), "auto gen-3");
    free(s);
    assert_string_equal((s = layout_shard_line(3, 1)), "auto gen-3-shard-1");
    free(s);
    assert_string_equal((s = layout_shard_name(3, 1)), "gen-3-shard-1");
    free(s);
    assert_string_equal((s = layout_gen_name(7)), "gen-7");
    free(s);
}

/* A stub listing more databases than an index may have is refused where it is read, so no
 * caller can overrun an array of TRAWL_MAX_SHARDS. */
static void test_stub_over_the_shard_limit_is_refused(void **state)
{
    char dir[] = "/tmp/trawl-test-layout-XXXXXX";
    char **lines;
    struct layout_entry *v;
    size_t n;
    struct trawl_error err;
    FILE *f;
    char p[256];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/" LAYOUT_STUB, dir);
    f = fopen(p, "w");
    for (unsigned i = 0; i < TRAWL_MAX_SHARDS; i++)
        fprintf(f, "auto gen-1-shard-%u\n", i);
    fclose(f);
    assert_int_equal(layout_read_stub(dir, &lines, &n, &err), TRAWL_OK);
    assert_int_equal(n, TRAWL_MAX_SHARDS);
    layout_free_lines(lines, n);
    f = fopen(p, "a");
    fprintf(f, "auto gen-1-shard-%u\n", TRAWL_MAX_SHARDS);
    fclose(f);
    assert_int_equal(layout_read_stub(dir, &lines, &n, &err), TRAWL_EINDEX);
    assert_non_null(strstr(err.msg, dir));
    assert_non_null(strstr(err.msg, "64"));
    assert_int_equal(layout_read_entries(dir, &v, &n, &err), TRAWL_EINDEX);
    assert_int_equal(layout_remove_tree(dir, &err), TRAWL_OK);
}

/* Found by fuzz_stub: "glass gen-2   \0\0" was read as the line "glass gen-2   ", naming a
 * database "gen-2   ". A NUL byte in a stub is damage. */
static void test_stub_with_a_nul_is_damaged(void **state)
{
    char dir[] = "/tmp/trawl-test-layout-XXXXXX";
    struct layout_entry *v;
    size_t n;
    struct trawl_error err;
    FILE *f;
    char p[256];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/" LAYOUT_STUB, dir);
    f = fopen(p, "w");
    fwrite("auto gen-1\nglass gen-2   \0\0\n", 1, 28, f);
    fclose(f);
    assert_int_equal(layout_read_entries(dir, &v, &n, &err), TRAWL_EINDEX);
    assert_null(v);
    assert_non_null(strstr(err.msg, dir));
    assert_non_null(strstr(err.msg, "is damaged: its stub XAPIANDB holds a NUL byte"));
    assert_int_equal(layout_remove_tree(dir, &err), TRAWL_OK);
}

static void touch(const char *dir, const char *name)
{
    char p[1100];
    FILE *f;

    snprintf(p, sizeof p, "%s/%s", dir, name);
    assert_non_null(f = fopen(p, "w"));
    fclose(f);
}

static int exists(const char *dir, const char *name)
{
    char p[512];
    struct stat sb;

    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0;
}

/* layout_clean removes only leftovers: not a generation the stub names by an absolute path
 * (it compared names only, and deleted the live database), and no generation at all when the
 * stub names a database that is missing (it may be the only copy left). */
static void test_clean_keeps_what_the_stub_needs(void **state)
{
    char dir[] = "/tmp/trawl-test-layout-XXXXXX";
    char p[512], line[600]; /* dir is 29 bytes: no path here comes near */
    struct trawl_error err;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    for (int g = 1; g <= 2; g++) {
        snprintf(p, sizeof p, "%s/gen-%d", dir, g);
        assert_int_equal(mkdir(p, 0777), 0);
        snprintf(p, sizeof p, "gen-%d/iamglass", g);
        touch(dir, p);
    }
    snprintf(p, sizeof p, "%s/tmp-1", dir);
    assert_int_equal(mkdir(p, 0777), 0);
    snprintf(p, sizeof p, "%s/" LAYOUT_STUB, dir);
    snprintf(line, sizeof line, "auto %s/gen-2\n", dir);
    assert_non_null(f = fopen(p, "w"));
    fputs(line, f);
    fclose(f);
    assert_int_equal(layout_clean(dir, &err), TRAWL_OK);
    assert_true(exists(dir, "gen-2") && !exists(dir, "gen-1") && !exists(dir, "tmp-1"));

    assert_non_null(f = fopen(p, "w"));
    fputs("auto gen-9\n", f);
    fclose(f);
    assert_int_equal(layout_clean(dir, &err), TRAWL_OK);
    assert_true(exists(dir, "gen-2"));
    assert_int_equal(layout_remove_tree(dir, &err), TRAWL_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_of_is_stable),
        cmocka_unit_test(test_entries_parse_every_kind),
        cmocka_unit_test(test_lines_are_the_documented_format),
        cmocka_unit_test(test_stub_over_the_shard_limit_is_refused),
        cmocka_unit_test(test_stub_with_a_nul_is_damaged),
        cmocka_unit_test(test_clean_keeps_what_the_stub_needs),
    };
    return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
