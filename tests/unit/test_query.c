/* Unit tests for common/query: one table of queries, each checked against its canonical
 * rendering (query_describe) or against its error (substring of the message and column).
 * Every table row runs as its own named cmocka test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after its prerequisites, above */

#include "common/err.h"
#include "common/query.h"
#include "common/sbuf.h"

struct qcase {
    const char *q;
    int default_and;
    const char *want; /* describe() output, or NULL when an error is expected */
    const char *err;  /* a substring of the error message */
    size_t col;       /* the error's column */
};

#define Y "date:20180101..20181231"

static const struct qcase cases[] = {
    /* Words and the default operator. */
    {"a", 0, "word:a", NULL, 0},
    {"a b", 0, "(OR word:a word:b)", NULL, 0},
    {"a b", 1, "(AND word:a word:b)", NULL, 0},
    {" a\tb\n", 0, "(OR word:a word:b)", NULL, 0},
    {"and or not", 0, "(OR word:and word:or word:not)", NULL, 0},
    {"mandal-level", 0, "word:mandal-level", NULL, 0},
    {"300,000", 0, "word:300,000", NULL, 0},
    {"U.S.", 0, "word:U.S.", NULL, 0},
    {"C++ a+b x-", 0, "(OR word:C++ word:a+b word:x-)", NULL, 0},
    {"re:union", 0, "word:re:union", NULL, 0},
    {"DATE:2018 Article:x", 0, "(OR word:DATE:2018 word:Article:x)", NULL, 0},
    /* Operators and precedence: NOT > AND > OR; juxtaposition is the default operator. */
    {"a b AND c", 0, "(OR word:a (AND word:b word:c))", NULL, 0},
    {"a AND b c", 0, "(OR (AND word:a word:b) word:c)", NULL, 0},
    {"a OR b c", 0, "(OR word:a word:b word:c)", NULL, 0},
    {"a b OR c", 1, "(OR (AND word:a word:b) word:c)", NULL, 0},
    {"a OR b c", 1, "(OR word:a (AND word:b word:c))", NULL, 0},
    {"a NOT b", 0, "(AND_NOT word:a word:b)", NULL, 0},
    {"a AND NOT b", 0, "(AND_NOT word:a word:b)", NULL, 0},
    {"a b NOT c", 0, "(OR word:a (AND_NOT word:b word:c))", NULL, 0},
    {"a AND b NOT c", 0, "(AND_NOT (AND word:a word:b) word:c)", NULL, 0},
    {"NOT b a c", 0, "(AND_NOT (OR word:a word:c) word:b)", NULL, 0},
    {"NOT b a c", 1, "(AND_NOT (AND word:a word:c) word:b)", NULL, 0},
    {"(a OR b) AND c", 1, "(AND (OR word:a word:b) word:c)", NULL, 0},
    {"(a b) c", 0, "(OR (OR word:a word:b) word:c)", NULL, 0},
    {"((((a))))", 0, "word:a", NULL, 0},
    {"AND* ORx", 0, "(OR prefix:AND* word:ORx)", NULL, 0},
    /* Required, excluded, optional. */
    {"+a b -c", 0, "(AND_NOT (AND_MAYBE word:a word:b) word:c)", NULL, 0},
    {"+a +b c d", 0, "(AND_MAYBE (AND word:a word:b) word:c word:d)", NULL, 0},
    {"+a b", 1, "(AND word:a word:b)", NULL, 0},
    {"a -b -c", 1, "(AND_NOT word:a word:b word:c)", NULL, 0},
    {"+\"a b\" -\"c d\" e", 0, "(AND_NOT (AND_MAYBE phrase:\"a b\" word:e) phrase:\"c d\")", NULL,
     0},
    {"-(a b) c", 0, "(AND_NOT word:c (OR word:a word:b))", NULL, 0},
    {"+(a b) c", 0, "(AND_MAYBE (OR word:a word:b) word:c)", NULL, 0},
    {"+AND -NOT x", 0, "(AND_NOT (AND_MAYBE word:AND word:x) word:NOT)", NULL, 0},
    /* Phrases and prefixes. */
    {"\"tide tables\"", 0, "phrase:\"tide tables\"", NULL, 0},
    {"\xE2\x80\x9Ctide tables\xE2\x80\x9D sea", 0, "(OR phrase:\"tide tables\" word:sea)", NULL, 0},
    {"say\"hi there\"", 0, "(OR word:say phrase:\"hi there\")", NULL, 0},
    {"face*", 0, "prefix:face*", NULL, 0},
    {"fa*ce", 0, "word:fa*ce", NULL, 0},
    {"\xC3\xA9t\xC3\xA9*", 0, "prefix:\xC3\xA9t\xC3\xA9*", NULL, 0},
    {"\xC3\xA9\xC3\xA9*", 0, "prefix:\xC3\xA9\xC3\xA9*", NULL, 0},
    /* Filters. */
    {"date:2018", 0, "(FILTER ALL " Y ")", NULL, 0},
    {"date:2016-02", 0, "(FILTER ALL date:20160201..20160229)", NULL, 0},
    {"date:1900-02 date:2000-02", 0,
     "(FILTER ALL (OR date:19000201..19000228 date:20000201..20000229))", NULL, 0},
    {"date:2018-03-26", 0, "(FILTER ALL date:20180326..20180326)", NULL, 0},
    {"date:2018-03..2019-01 a", 0, "(FILTER word:a date:20180301..20190131)", NULL, 0},
    {"date:..2018 date:2018-04..", 0, "(FILTER ALL (OR date:..20181231 date:20180401..))", NULL, 0},
    {"a date:2018 article:x date:2019", 0,
     "(FILTER word:a (OR " Y " date:20190101..20191231) article:x)", NULL, 0},
    {"article:\"my id\" a", 0, "(FILTER word:a article:my id)", NULL, 0},
    {"article:\xE2\x80\x9Cmy id\xE2\x80\x9D", 0, "(FILTER ALL article:my id)", NULL, 0},
    {"a (b date:2018)", 0, "(OR word:a (FILTER word:b " Y "))", NULL, 0},
    {"date:2018 -covid", 0, "(FILTER (AND_NOT ALL word:covid) " Y ")", NULL, 0},
    {"a -date:2018", 0, "(AND_NOT word:a " Y ")", NULL, 0},
    {"a NOT article:x", 0, "(AND_NOT word:a article:x)", NULL, 0},
    /* source: parsed as article: is; the same field ORed, different fields ANDed */
    {"oil source:\"Example Times\"", 0, "(FILTER word:oil source:\"Example Times\")", NULL, 0},
    {"source:Reuters", 0, "(FILTER ALL source:\"Reuters\")", NULL, 0},
    {"a source:x date:2018 source:\"y z\"", 0,
     "(FILTER word:a (OR source:\"x\" source:\"y z\") " Y ")", NULL, 0},
    {"a -source:x", 0, "(AND_NOT word:a source:\"x\")", NULL, 0},
    {"SOURCE:x", 0, "word:SOURCE:x", NULL, 0},
    {"a AND date:2018", 1, "(FILTER word:a " Y ")", NULL, 0},
    {"+date:2018 a b", 0, "(FILTER (OR word:a word:b) " Y ")", NULL, 0},

    /* Errors, with their column (in code points). */
    {"", 0, NULL, "empty query", 1},
    {"  \t ", 0, NULL, "empty query", 1},
    {"a \"b c", 0, NULL, "unbalanced '\"': the quote at column 3 is never closed", 3},
    {"\xC3\xA9t\xC3\xA9 \"b", 0, NULL, "the quote at column 5 is never closed", 5},
    {"\xE2\x80\x9Copen", 0, NULL, "unbalanced '\xE2\x80\x9C': the quote at column 1", 1},
    {"a (b c", 0, NULL, "unbalanced '(': the parenthesis at column 3 is never closed", 3},
    {"(a (b) c", 0, NULL, "the parenthesis at column 1 is never closed", 1},
    {"a b)", 0, NULL, "unexpected ')' at column 4", 4},
    {")", 0, NULL, "unexpected ')' at column 1", 1},
    {"a AND", 0, NULL, "'AND' at column 3 needs a query on both sides", 3},
    {"AND a", 0, NULL, "'AND' at column 1 needs a query on both sides", 1},
    {"\xC3\xA9 AND", 0, NULL, "'AND' at column 3 needs a query on both sides", 3},
    {"a OR", 0, NULL, "'OR' at column 3 needs a query on both sides", 3},
    {"OR a", 0, NULL, "'OR' at column 1 needs a query on both sides", 1},
    {"a OR OR b", 0, NULL, "'OR' at column 3 needs a query on both sides", 3},
    {"a AND OR b", 0, NULL, "'AND' at column 3 needs a query on both sides", 3},
    {"(a AND) b", 0, NULL, "'AND' at column 4 needs a query on both sides", 4},
    {"a NOT", 0, NULL, "'NOT' at column 3 needs a query on both sides", 3},
    {"NOT", 0, NULL, "'NOT' at column 1 needs a query after it", 1},
    {"NOT NOT a", 0, NULL, "'NOT' at column 1 needs a query after it", 1},
    {"a NOT -b", 0, NULL, "'-' at column 7 cannot follow 'NOT'", 7},
    {"-a", 0, NULL, "the query only excludes: add a word to search for", 1},
    {"NOT a", 1, NULL, "the query only excludes", 1},
    {"-a -\"b c\"", 0, NULL, "the query only excludes", 1},
    {"a (-b)", 0, NULL, "the query only excludes", 4},
    {"-date:2018", 0, NULL, "the query only excludes", 1},
    {"()", 0, NULL, "empty parentheses '()' at column 1", 1},
    {"a ( )", 0, NULL, "empty parentheses '()' at column 3", 3},
    {"a - b", 0, NULL, "'-' at column 3 must be followed by a word", 3},
    {"+", 0, NULL, "'+' at column 1 must be followed by a word", 1},
    {"--a", 0, NULL, "'-' at column 1 must be followed by a word", 1},
    {"-)", 0, NULL, "'-' at column 1 must be followed by a word", 1},
    {"f*", 0, NULL, "prefix 'f*' at column 1 is too short", 1},
    {"ab \xC3\xA9*", 0, NULL, "prefix '\xC3\xA9*' at column 4 is too short", 4},
    {"*", 0, NULL, "prefix '*' at column 1 is too short", 1},
    {"\"\"", 0, NULL, "empty phrase '\"\"' at column 1", 1},
    {"a \" \"", 0, NULL, "empty phrase '\" \"' at column 3", 3},
    {"date:2018-13", 0, NULL, "bad date 'date:2018-13' at column 6: month must be 01-12", 6},
    {"date:2018-00-01", 0, NULL, "month must be 01-12", 6},
    {"date:2019-02-29", 0, NULL, "bad date 'date:2019-02-29' at column 6: day must be 01-28", 6},
    {"date:2018-04-31", 0, NULL, "day must be 01-30", 6},
    {"date:2018-3", 0, NULL, "expected YYYY, YYYY-MM or YYYY-MM-DD", 6},
    {"date:abcd", 0, NULL, "bad date 'date:abcd'", 6},
    {"date:0000", 0, NULL, "year must be 0001-9999", 6},
    {"a date:2018..2019-1", 0, NULL, "bad date 'date:2018..2019-1' at column 14", 14},
    {"date:2018..2019..2020", 0, NULL, "at column 12", 12},
    {"date:2019..2018", 0, NULL, "at column 6: the start is after the end", 6},
    {"date:2018-02..2018-01-31", 0, NULL, "the start is after the end", 6},
    {"date:..", 0, NULL, "give a start, an end or both", 6},
    {"x date:", 0, NULL, "'date:' at column 3 needs a value", 3},
    {"article:", 0, NULL, "'article:' at column 1 needs an article id", 1},
    {"article:\"\"", 0, NULL, "'article:' at column 1 needs an article id", 1},
    {"article:\"x", 0, NULL, "the quote at column 9 is never closed", 9},
    {"a source:", 0, NULL, "'source:' at column 3 needs a source name", 3},
    {"source:\"\"", 0, NULL, "'source:' at column 1 needs a source name", 1},
    {"source:\"Example", 0, NULL, "the quote at column 8 is never closed", 8},
    {"\xE6\x97\xA5\xE6\x9C\xAC date:2018-2", 0, NULL, "at column 9", 9},
};

static void run_case(void **state)
{
    const struct qcase *c = *state;
    struct query_opts o = {c->default_and};
    struct qnode *root = (struct qnode *)&o; /* must be reset to NULL on error */
    struct trawl_error err = {TRAWL_OK, "", 0};
    struct sbuf out;
    size_t col = 12345;
    int rc;

    rc = query_parse(c->q, strlen(c->q), &o, &root, &col, &err);
    if (c->want != NULL) {
        if (rc != TRAWL_OK)
            fail_msg("'%s': unexpected error %d at %zu: %s", c->q, rc, col, err.msg);
        sbuf_init(&out);
        assert_int_equal(query_describe(root, &out), TRAWL_OK);
        if (strcmp(out.buf, c->want) != 0)
            fail_msg("'%s':\n   got %s\n  want %s", c->q, out.buf, c->want);
        sbuf_release(&out);
        query_free(root);
        return;
    }
    if (rc == TRAWL_OK) {
        sbuf_init(&out);
        query_describe(root, &out);
        fail_msg("'%s': expected error '%s', got %s", c->q, c->err, out.buf);
    }
    assert_int_equal(rc, TRAWL_EINPUT);
    assert_int_equal(err.code, TRAWL_EINPUT);
    assert_null(root);
    if (strstr(err.msg, c->err) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", c->q, err.msg, c->err);
    if (col != c->col)
        fail_msg("'%s': column %zu, want %zu (%s)", c->q, col, c->col, err.msg);
    assert_null(strchr(err.msg, '\n'));
}

static int parse_len(const char *q, size_t len, struct qnode **root, size_t *col, struct trawl_error *err)
{
    struct query_opts o = {0};

    return query_parse(q, len, &o, root, col, err);
}

static void test_nesting_limit(void **state)
{
    char q[2 * QUERY_MAX_DEPTH + 8];
    struct qnode *root = NULL;
    struct trawl_error err;
    size_t col = 0, n = 0;

    (void)state;
    for (int i = 0; i < QUERY_MAX_DEPTH; i++)
        q[n++] = '(';
    q[n++] = 'a';
    for (int i = 0; i < QUERY_MAX_DEPTH; i++)
        q[n++] = ')';
    assert_int_equal(parse_len(q, n, &root, &col, &err), TRAWL_OK);
    assert_int_equal(root->kind, QK_WORD);
    query_free(root);

    n = 0;
    for (int i = 0; i <= QUERY_MAX_DEPTH; i++)
        q[n++] = '(';
    q[n++] = 'a';
    assert_int_equal(parse_len(q, n, &root, &col, &err), TRAWL_EINPUT);
    assert_non_null(strstr(err.msg, "nested deeper than 32 at column 33"));
    assert_int_equal(col, QUERY_MAX_DEPTH + 1);
}

static void test_too_long(void **state)
{
    char *q = malloc(TRAWL_QUERY_MAX + 1);
    struct qnode *root = NULL;
    struct trawl_error err;
    size_t col = 0;

    (void)state;
    assert_non_null(q);
    for (size_t i = 0; i < TRAWL_QUERY_MAX + 1; i++)
        q[i] = i % 2 ? ' ' : 'a';
    assert_int_equal(parse_len(q, TRAWL_QUERY_MAX, &root, &col, &err), TRAWL_OK);
    query_free(root);
    assert_int_equal(parse_len(q, TRAWL_QUERY_MAX + 1, &root, &col, &err), TRAWL_EINPUT);
    assert_non_null(strstr(err.msg, "query too long"));
    assert_int_equal(col, TRAWL_QUERY_MAX + 1);
    assert_null(root);
    free(q);
}

static void test_nul_byte(void **state)
{
    struct qnode *root = NULL;
    struct trawl_error err;
    size_t col = 0;

    (void)state;
    assert_int_equal(parse_len("\xC3\xA9 a\0b", 6, &root, &col, &err), TRAWL_EINPUT);
    assert_string_equal(err.msg, "NUL byte in the query at column 4");
    assert_int_equal(col, 4);
    assert_null(root);
}

/* Node fields the tree's users (index.c) rely on: text/len, lo/hi, col, NULL col/opts. */
static void test_node_fields(void **state)
{
    const char q[] = "\xC3\xA9 +\"a b\" date:..2018-02";
    struct qnode *root = NULL, *ph, *d;
    struct trawl_error err;

    (void)state;
    assert_int_equal(query_parse(q, sizeof q - 1, NULL, &root, NULL, &err), TRAWL_OK);
    assert_int_equal(root->kind, QK_FILTER);
    assert_int_equal(root->nkids, 2);
    d = root->kids[1];
    assert_int_equal(d->kind, QK_DATE);
    assert_string_equal(d->lo, "");
    assert_string_equal(d->hi, "20180228");
    assert_null(d->text);
    assert_int_equal(d->col, 10);
    assert_int_equal(root->kids[0]->kind, QK_AND_MAYBE);
    ph = root->kids[0]->kids[0];
    assert_int_equal(ph->kind, QK_PHRASE);
    assert_int_equal(ph->len, 3);
    assert_string_equal(ph->text, "a b");
    assert_int_equal(ph->col, 4);
    assert_int_equal(ph->off, 5); /* bytes: after the two of "é", the sign and the quote */
    assert_int_equal(root->kids[0]->kids[1]->col, 1);
    assert_int_equal(root->kids[0]->kids[1]->off, 0);
    query_free(root);
    query_free(NULL);
}

/* Appends "text@off " for each leaf with text, depth first. */
static void leaf_offsets(const struct qnode *n, char *out, size_t cap)
{
    if (n->text != NULL)
        snprintf(out + strlen(out), cap - strlen(out), "%s@%zu ", n->text, n->off);
    for (size_t i = 0; i < n->nkids; i++)
        leaf_offsets(n->kids[i], out, cap);
}

/* off: where a leaf's text is in the query, so that text[i] is the query's byte off + i (the
 * spans of words "did you mean" replaces). */
static void test_offsets(void **state)
{
    const char q[] = " \xC3\xA9t\xC3\xA9 -ab face* source:\"Ex T\" \xE2\x80\x9C" "c d\xE2\x80\x9D";
    const char p[] = "  a	+b ";
    struct qnode *root = NULL;
    struct trawl_error err;
    char got[256] = "";

    (void)state;
    assert_int_equal(query_parse(q, sizeof q - 1, NULL, &root, NULL, &err), TRAWL_OK);
    leaf_offsets(root, got, sizeof got);
    assert_string_equal(got, "\xC3\xA9t\xC3\xA9@1 face@11 c d@34 ab@8 Ex T@25 ");
    query_free(root);
    got[0] = '\0';
    assert_int_equal(query_parse_plain(p, sizeof p - 1, NULL, &root, &err), TRAWL_OK);
    leaf_offsets(root, got, sizeof got);
    assert_string_equal(got, "a@2 +b@4 ");
    query_free(root);
}

/* Random soups of the language's pieces must parse or fail cleanly, never crash or leak. */
static void test_random_queries(void **state)
{
    static const char *const bits[] = {"a",
                                       "bc",
                                       " ",
                                       "(",
                                       ")",
                                       "\"",
                                       "+",
                                       "-",
                                       "*",
                                       "AND",
                                       "OR",
                                       "NOT",
                                       "date:",
                                       "2018",
                                       "..",
                                       "-02",
                                       "article:",
                                       "\xE2\x80\x9C",
                                       "\xE2\x80\x9D",
                                       "\xC3",
                                       "\xA9",
                                       ":"};
    uint32_t seed = 12345;

    (void)state;
    for (int n = 0; n < 20000; n++) {
        char q[128];
        size_t len = 0;
        int parts = (int)(seed % 12) + 1;
        struct qnode *root = NULL;
        struct trawl_error err;
        size_t col = 0;
        int rc;

        for (int i = 0; i < parts; i++) {
            const char *b;
            seed = seed * 1103515245u + 12345u;
            b = bits[(seed >> 16) % (sizeof bits / sizeof bits[0])];
            memcpy(q + len, b, strlen(b));
            len += strlen(b);
        }
        rc = parse_len(q, len, &root, &col, &err);
        if (rc == TRAWL_OK) {
            struct sbuf out;
            sbuf_init(&out);
            assert_non_null(root);
            assert_int_equal(query_describe(root, &out), TRAWL_OK);
            sbuf_release(&out);
            query_free(root);
        } else {
            assert_int_equal(rc, TRAWL_EINPUT);
            assert_null(root);
            assert_true(col >= 1 && col <= len + 1);
        }
    }
}

/* Plain text: every white-space separated word is a word, whatever it looks like. */
static void test_plain(void **state)
{
    static const struct {
        const char *q;
        int default_and;
        const char *want; /* NULL: no word at all */
    } plain[] = {
        {"a", 0, "(OR word:a)"},
        {" (a) - b\t\"c AND d*\n", 0, "(OR word:(a) word:- word:b word:\"c word:AND word:d*)"},
        {"date:2018 +x -y", 0, "(OR word:date:2018 word:+x word:-y)"},
        {"a b", 1, "(AND word:a word:b)"},
        {"", 0, NULL},
        {" \t\r\n ", 0, NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        struct query_opts o = {plain[i].default_and};
        struct qnode *root = (struct qnode *)1;
        struct sbuf out;
        struct trawl_error err;
        assert_int_equal(query_parse_plain(plain[i].q, strlen(plain[i].q), &o, &root, &err),
                         TRAWL_OK);
        if (plain[i].want == NULL) {
            assert_null(root);
            continue;
        }
        assert_non_null(root);
        sbuf_init(&out);
        assert_int_equal(query_describe(root, &out), TRAWL_OK);
        assert_string_equal(out.buf, plain[i].want);
        sbuf_release(&out);
        query_free(root);
    }
}

int main(void)
{
    size_t n = sizeof cases / sizeof cases[0], extra = 7;
    struct CMUnitTest *tests = calloc(n + extra, sizeof *tests);
    char(*names)[64] = calloc(n, sizeof *names);
    int rc;

    if (tests == NULL || names == NULL)
        return 1;
    for (size_t i = 0; i < n; i++) {
        /* Test names go into TAP lines: keep them on one line. */
        snprintf(names[i], sizeof names[i], "%s", cases[i].q[0] ? cases[i].q : "(empty query)");
        for (char *s = names[i]; *s; s++)
            if ((unsigned char)*s < 0x20)
                *s = ' ';
        tests[i].name = names[i];
        tests[i].test_func = run_case;
        tests[i].initial_state = (void *)&cases[i];
    }
    tests[n] = (struct CMUnitTest)cmocka_unit_test(test_nesting_limit);
    tests[n + 1] = (struct CMUnitTest)cmocka_unit_test(test_too_long);
    tests[n + 2] = (struct CMUnitTest)cmocka_unit_test(test_nul_byte);
    tests[n + 3] = (struct CMUnitTest)cmocka_unit_test(test_node_fields);
    tests[n + 4] = (struct CMUnitTest)cmocka_unit_test(test_random_queries);
    tests[n + 5] = (struct CMUnitTest)cmocka_unit_test(test_plain);
    tests[n + 6] = (struct CMUnitTest)cmocka_unit_test(test_offsets);
    rc = _cmocka_run_group_tests("query", tests, n + extra, NULL, NULL);
    free(tests);
    free(names);
    return rc;
}
