/* Unit tests of common/jsonl: plain and gzip JSON Lines, malformed lines, limits, damage. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkdtemp, unlink, rmdir, truncate */
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "common/jsonl.h"

struct fix {
    char dir[64];
    char path[128];
    struct jsonl *r;
    struct article a;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    strcpy(f->dir, "/tmp/trawl-test-jsonl-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/in.jsonl", f->dir);
    article_init(&f->a);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    jsonl_close(f->r);
    article_release(&f->a);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_plain(struct fix *f, const char *data, size_t len)
{
    FILE *fp = fopen(f->path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void write_gz(struct fix *f, const char *data, size_t len)
{
    gzFile gz = gzopen(f->path, "wb");

    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
}

static void open_reader(struct fix *f, size_t max_line)
{
    struct trawl_error err;

    assert_int_equal(jsonl_open(f->path, max_line, &f->r, &err), TRAWL_OK);
}

/* Reads the next article and checks its id and line number. */
static void expect_article(struct fix *f, const char *id, size_t line)
{
    struct trawl_error err;
    int got = -1;

    assert_int_equal(jsonl_next(f->r, &f->a, &got, &err), TRAWL_OK);
    assert_int_equal(got, 1);
    assert_string_equal(f->a.id, id);
    assert_int_equal(jsonl_line(f->r), line);
}

static void expect_error(struct fix *f, int code, const char *msg)
{
    struct trawl_error err;
    int got = -1;

    assert_int_equal(jsonl_next(f->r, &f->a, &got, &err), code);
    assert_int_equal(got, 0);
    assert_string_equal(err.msg, msg);
}

static void expect_end(struct fix *f)
{
    struct trawl_error err;
    int got = -1;

    assert_int_equal(jsonl_next(f->r, &f->a, &got, &err), TRAWL_OK);
    assert_int_equal(got, 0);
    /* And it stays at the end. */
    assert_int_equal(jsonl_next(f->r, &f->a, &got, &err), TRAWL_OK);
    assert_int_equal(got, 0);
}

static const char two[] =
    "{\"id\": \"r-1\", \"date\": \"1987-02-26\", \"title\": \"GRAIN\", \"text\": \"Wheat rose."
    " More.\", \"url\": \"http://x/1\", \"source\": \"reuters\", \"extra\": [1, 2]}\n"
    "{\"id\": \"r-2\", \"text\": \"Caf\\u00e9 line\\nsecond.\"}\n";

static void test_reads_valid_lines(void **state)
{
    struct fix *f = *state;

    write_plain(f, two, sizeof two - 1);
    open_reader(f, 1 << 20);
    assert_int_equal(jsonl_line(f->r), 0);
    assert_int_equal(jsonl_bytes(f->r), 0);
    expect_article(f, "r-1", 1);
    assert_string_equal(f->a.date, "1987-02-26");
    assert_string_equal(f->a.title, "GRAIN");
    assert_string_equal(f->a.body, "Wheat rose. More.");
    assert_string_equal(f->a.url, "http://x/1");
    assert_string_equal(f->a.source, "reuters");
    assert_int_equal(f->a.warnings, 0);
    expect_article(f, "r-2", 2);
    assert_string_equal(f->a.body, "Caf\xC3\xA9 line\nsecond.");
    assert_string_equal(f->a.title, "Caf\xC3\xA9 line second.");
    assert_string_equal(f->a.date, "");
    assert_null(f->a.url);
    expect_end(f);
    assert_int_equal(jsonl_bytes(f->r), sizeof two - 1);
}

static void test_blank_lines_and_no_final_newline(void **state)
{
    static const char data[] =
        "\n  \t\r\n{\"id\":\"a\",\"text\":\"x\"}\r\n\n{\"id\":\"b\",\"text\":\"y\"}";
    struct fix *f = *state;

    write_plain(f, data, sizeof data - 1);
    open_reader(f, 1 << 20);
    expect_article(f, "a", 3);
    expect_article(f, "b", 5);
    expect_end(f);
    assert_int_equal(jsonl_bytes(f->r), sizeof data - 1);
}

static void test_malformed_lines_are_reported_and_skipped(void **state)
{
    static const char data[] = "{\"id\":\"a\",\"text\":\"x\"}\n"
                               "{\"id\":\"b\",\"text\":\n"
                               "{\"text\":\"no id\"}\n"
                               "{\"id\":\"c\"}\n"
                               "{\"id\":\"d\",\"text\":42}\n"
                               "[1, 2]\n"
                               "{\"id\":true,\"text\":\"x\"}\n"
                               "{\"id\":\"\",\"text\":\"x\"}\n"
                               "{\"id\":\"e\",\"text\":\"x\",\"id\":\"e2\"}\n"
                               "{\"id\":\"f\",\"text\":\"ok\"} trailing\n"
                               "{\"id\":\"g\",\"text\":\"last\"}\n";
    struct fix *f = *state;
    struct trawl_error err;
    int got;

    write_plain(f, data, sizeof data - 1);
    open_reader(f, 1 << 20);
    expect_article(f, "a", 1);
    assert_int_equal(jsonl_next(f->r, &f->a, &got, &err), TRAWL_EINPUT);
    assert_int_equal(got, 0);
    assert_non_null(strstr(err.msg, "line 2: invalid JSON: "));
    assert_non_null(strstr(err.msg, "(column "));
    assert_int_equal(jsonl_line(f->r), 2);
    expect_error(f, TRAWL_EINPUT, "line 3: missing \"id\"");
    expect_error(f, TRAWL_EINPUT, "line 4: missing \"text\"");
    expect_error(f, TRAWL_EINPUT, "line 5: \"text\" is not a string");
    expect_error(f, TRAWL_EINPUT, "line 6: not a JSON object");
    expect_error(f, TRAWL_EINPUT, "line 7: \"id\" is not a string");
    expect_error(f, TRAWL_EINPUT, "line 8: article id is empty");
    expect_article(f, "e2", 9); /* duplicate keys: jansson keeps the last */
    assert_int_equal(jsonl_next(f->r, &f->a, &got, &err), TRAWL_EINPUT);
    assert_non_null(strstr(err.msg, "line 10: invalid JSON: "));
    expect_article(f, "g", 11);
    expect_end(f);
}

static void test_integer_id_and_odd_fields(void **state)
{
    static const char data[] = "{\"id\": 42, \"text\": \"x\"}\n"
                               "{\"id\": -7, \"text\": \"x\", \"title\": null, \"date\": null}\n"
                               "{\"id\": \"d1\", \"text\": \"x\", \"date\": \"1987-02-30\"}\n"
                               "{\"id\": \"d2\", \"text\": \"x\", \"date\": 19870226}\n"
                               "{\"id\": \"d3\", \"text\": \"x\", \"title\": 5, \"url\": 1}\n"
                               "{\"id\": 1.5, \"text\": \"x\"}\n";
    struct fix *f = *state;

    write_plain(f, data, sizeof data - 1);
    open_reader(f, 1 << 20);
    expect_article(f, "42", 1);
    expect_article(f, "-7", 2);
    assert_int_equal(f->a.warnings, 0);
    assert_string_equal(f->a.title, "x");
    expect_article(f, "d1", 3);
    assert_int_equal(f->a.warnings, TRAWL_WARN_BAD_DATE);
    assert_string_equal(f->a.date, "");
    expect_article(f, "d2", 4);
    assert_int_equal(f->a.warnings, TRAWL_WARN_BAD_DATE);
    expect_article(f, "d3", 5);
    assert_string_equal(f->a.title, "x");
    assert_null(f->a.url);
    expect_error(f, TRAWL_EINPUT, "line 6: \"id\" is not a string");
    expect_end(f);
}

static void test_reads_gzip(void **state)
{
    struct fix *f = *state;

    write_gz(f, two, sizeof two - 1);
    open_reader(f, 1 << 20);
    expect_article(f, "r-1", 1);
    expect_article(f, "r-2", 2);
    expect_end(f);
    assert_int_equal(jsonl_bytes(f->r), sizeof two - 1); /* uncompressed bytes */
}

/* A file of: a short line, a line of `big` bytes of text, a short line. */
static char *three_lines(size_t big, size_t *len)
{
    const char *head = "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"big\",\"text\":\"";
    const char *tail = "\"}\n{\"id\":\"c\",\"text\":\"z\"}\n";
    size_t hl = strlen(head), tl = strlen(tail);
    char *s = malloc(hl + big + tl + 1);

    assert_non_null(s);
    memcpy(s, head, hl);
    memset(s + hl, 'y', big);
    memcpy(s + hl + big, tail, tl + 1);
    *len = hl + big + tl;
    return s;
}

static void test_over_long_line_is_skipped(void **state)
{
    struct fix *f = *state;
    size_t len;
    char *s = three_lines(300000, &len); /* spans several read chunks */

    write_plain(f, s, len);
    open_reader(f, 1000);
    expect_article(f, "a", 1);
    expect_error(f, TRAWL_EINPUT, "line 2: longer than the limit of 1000 bytes");
    assert_int_equal(jsonl_line(f->r), 2);
    expect_article(f, "c", 3);
    expect_end(f);
    assert_int_equal(jsonl_bytes(f->r), len);
    free(s);
}

static void test_long_line_within_limit(void **state)
{
    struct fix *f = *state;
    size_t len, line2;
    char *s = three_lines(3 << 20, &len);

    write_gz(f, s, len);
    line2 = strlen("{\"id\":\"big\",\"text\":\"") + (3 << 20) + 2;
    /* Exactly the limit is accepted (the "\n" does not count). */
    open_reader(f, line2);
    expect_article(f, "a", 1);
    expect_article(f, "big", 2);
    assert_int_equal(f->a.body_len, 3 << 20);
    expect_article(f, "c", 3);
    expect_end(f);
    jsonl_close(f->r);
    /* One byte less is too long. */
    open_reader(f, line2 - 1);
    expect_article(f, "a", 1);
    assert_int_equal(jsonl_next(f->r, &f->a, &(int){0}, NULL), TRAWL_EINPUT);
    expect_article(f, "c", 3);
    free(s);
}

static void test_truncated_gzip_is_an_io_error(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    size_t len, n = 0;
    long size;
    char *s = three_lines(200000, &len);
    FILE *fp;
    int got, rc;

    /* Compressible text: make it less so, so the cut lands mid-stream. */
    for (size_t i = 0; i < len; i++)
        if (s[i] == 'y')
            s[i] = (char)('a' + (i * 7919) % 26);
    write_gz(f, s, len);
    fp = fopen(f->path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    fclose(fp);
    assert_int_equal(truncate(f->path, size / 2), 0);

    open_reader(f, 1 << 20);
    while ((rc = jsonl_next(f->r, &f->a, &got, &err)) == TRAWL_OK && got)
        n++;
    assert_int_equal(rc, TRAWL_EIO);
    assert_true(n <= 1);
    assert_non_null(strstr(err.msg, "read error after line"));
    assert_non_null(strstr(err.msg, "unexpected end of file"));
    assert_null(strstr(err.msg, f->path)); /* the caller names the file */
    expect_end(f); /* the reader is finished */
    free(s);
}

static void test_corrupt_gzip_is_an_io_error(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    size_t len;
    char *s = three_lines(100, &len), buf[4096];
    FILE *fp;
    size_t n;
    int got, rc;

    write_gz(f, s, len);
    fp = fopen(f->path, "rb");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    buf[n - 6] ^= 0x55; /* the CRC-32 in the trailer */
    write_plain(f, buf, n);
    open_reader(f, 1 << 20);
    while ((rc = jsonl_next(f->r, &f->a, &got, &err)) == TRAWL_OK && got)
        ;
    assert_int_equal(rc, TRAWL_EIO);
    free(s);
}

static void test_missing_file(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;

    assert_int_equal(jsonl_open(f->path, 100, &f->r, &err), TRAWL_EIO);
    assert_null(f->r);
    assert_non_null(strstr(err.msg, "cannot open '"));
    assert_non_null(strstr(err.msg, "No such file or directory"));
    jsonl_close(NULL);
}

static void test_empty_file(void **state)
{
    struct fix *f = *state;

    write_plain(f, "", 0);
    open_reader(f, 100);
    expect_end(f);
    assert_int_equal(jsonl_line(f->r), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_reads_valid_lines),
        T(test_blank_lines_and_no_final_newline),
        T(test_malformed_lines_are_reported_and_skipped),
        T(test_integer_id_and_odd_fields),
        T(test_reads_gzip),
        T(test_over_long_line_is_skipped),
        T(test_long_line_within_limit),
        T(test_truncated_gzip_is_an_io_error),
        T(test_corrupt_gzip_is_an_io_error),
        T(test_missing_file),
        T(test_empty_file),
    };
#undef T
    return cmocka_run_group_tests_name("jsonl", tests, NULL, NULL);
}
