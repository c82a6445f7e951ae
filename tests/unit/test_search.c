/* Unit tests for the searcher's session (searcher/search.c) where the library cannot be made
 * to fail on demand: this file defines the trawl.h functions it needs to fail, and the
 * executable's own definitions take precedence over libtrawl's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after its prerequisites, above */

#include "searcher/search.h"

/* trawl_stats succeeds (and, as the API does, leaves an empty message)... */
int trawl_stats(trawl_index *ix, struct trawl_stats *st, struct trawl_error *err)
{
    (void)ix;
    memset(st, 0, sizeof *st);
    if (err != NULL) {
        err->code = TRAWL_OK;
        err->msg[0] = '\0';
        err->column = 0;
    }
    return TRAWL_OK;
}

/* ...and the formatter runs out of memory, its only failure. */
char *trawl_stats_format(const char *path, const struct trawl_stats *st)
{
    (void)path;
    (void)st;
    return NULL;
}

/* Runs session_stats with stderr going to a file; returns its status, stderr in got. */
static int stats_stderr(struct session *s, char *got, size_t cap)
{
    FILE *errf = tmpfile();
    int saved = dup(2), rc;
    size_t n;

    assert_non_null(errf);
    fflush(stderr);
    dup2(fileno(errf), 2);
    rc = session_stats(s);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(errf);
    n = fread(got, 1, cap - 1, errf);
    got[n] = '\0';
    fclose(errf);
    return rc;
}

static void test_stats_out_of_memory_says_so(void **state)
{
    struct session s;
    char got[512];

    (void)state;
    memset(&s, 0, sizeof s);
    s.o.db = "some.db";
    s.out = stdout;
    assert_int_equal(stats_stderr(&s, got, sizeof got), 2);
    assert_string_equal(got, "trawl-search: out of memory\n");
}

static void test_query_lines_name_and_skip(void **state)
{
    char named[] = "q7\tcrude oil\twith a tab\r\n", plain[] = "\"crude oil\" prices\n";
    char blank[] = "\r\n", comment[] = "# q1\tnot a query\n", qidbuf[32];
    const char *qid, *q;

    (void)state;
    assert_int_equal(search_query_line(named, strlen(named), 3, qidbuf, &qid, &q), 1);
    assert_string_equal(qid, "q7");
    assert_string_equal(q, "crude oil\twith a tab"); /* only the first tab splits */
    assert_int_equal(search_query_line(plain, strlen(plain), 12, qidbuf, &qid, &q), 1);
    assert_string_equal(qid, "12");
    assert_string_equal(q, "\"crude oil\" prices");
    assert_int_equal(search_query_line(blank, strlen(blank), 1, qidbuf, &qid, &q), 0);
    assert_int_equal(search_query_line(comment, strlen(comment), 1, qidbuf, &qid, &q), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_out_of_memory_says_so),
        cmocka_unit_test(test_query_lines_name_and_skip),
    };
    return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
