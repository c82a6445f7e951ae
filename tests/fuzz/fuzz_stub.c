/* Fuzz target: bytes as an index's stub file (XAPIANDB), parsed with layout_parse_entries(), the
 * parser layout_read_entries() runs on the file every reader and writer reads (in memory, so
 * the fuzzer is not held back by the file system). Checks layout.h's promises:
 * TRAWL_EINDEX (or TRAWL_ENOMEM) with no entries, or at most TRAWL_MAX_SHARDS entries, each a
 * line of the file (no newline, no trailing space or CR, not a comment) whose `where` points
 * into it after the first space, with the kind its first word says; the paths and lines made
 * from an entry are what layout.h says. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/layout.h"
#include "tests/fuzz/fuzz.h"

/* The index folder the messages and paths name: parsing never touches the file system. */
static const char dir[] = "/fuzz/index.db";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* line occurs in data[0..size) as a whole line's start: at the start or after a newline. */
static int is_line_of(const char *line, const uint8_t *data, size_t size)
{
    size_t len = strlen(line);

    for (size_t at = 0; at + len <= size; at++)
        if ((at == 0 || data[at - 1] == '\n') && memcmp(data + at, line, len) == 0)
            return 1;
    return 0;
}

static void check_entry(const struct layout_entry *e, const uint8_t *data, size_t size)
{
    size_t len = strlen(e->line);
    const char *sp = strchr(e->line, ' ');
    char *path, *line;

    FUZZ_CHECK(len > 0 && e->line[0] != '#' && strchr(e->line, '\n') == NULL);
    FUZZ_CHECK(e->line[len - 1] != ' ' && e->line[len - 1] != '\r');
    FUZZ_CHECK(is_line_of(e->line, data, size));
    FUZZ_CHECK(sp != NULL && e->where == sp + 1 && e->where[0] != '\0');
    if (sp - e->line == 6 && memcmp(e->line, "remote", 6) == 0)
        FUZZ_CHECK(e->kind == (strchr(e->where, ' ') ? LAYOUT_PROG : LAYOUT_REMOTE));
    else
        FUZZ_CHECK(e->kind == LAYOUT_LOCAL);

    path = layout_entry_path(dir, e);
    line = layout_entry_line(dir, e);
    FUZZ_CHECK(path != NULL && line != NULL);
    if (e->where[0] == '/') {
        FUZZ_CHECK(strcmp(path, e->where) == 0);
    } else {
        size_t dl = strlen(dir);
        FUZZ_CHECK(strncmp(path, dir, dl) == 0 && path[dl] == '/' &&
                   strcmp(path + dl + 1, e->where) == 0);
    }
    if (e->kind == LAYOUT_LOCAL) {
        /* The first word, a space, then the absolute path. */
        size_t w = (size_t)(sp - e->line);
        FUZZ_CHECK(strncmp(line, e->line, w + 1) == 0 && strcmp(line + w + 1, path) == 0);
    } else {
        FUZZ_CHECK(strcmp(line, e->line) == 0);
    }
    free(path);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct layout_entry *v;
    struct trawl_error err;
    size_t n;
    int rc = layout_parse_entries(dir, (const char *)data, size, &v, &n, &err);

    if (rc != TRAWL_OK) {
        FUZZ_CHECK(rc == TRAWL_EINDEX || rc == TRAWL_ENOMEM);
        FUZZ_CHECK(v == NULL && n == 0);
        FUZZ_CHECK(rc == TRAWL_ENOMEM || strstr(err.msg, dir) != NULL); /* names the index */
        return 0;
    }
    FUZZ_CHECK(n <= TRAWL_MAX_SHARDS && (n == 0 || v != NULL));
    for (size_t i = 0; i < n; i++)
        check_entry(&v[i], data, size);
    FUZZ_CHECK(layout_entries_remote(v, n) == 0 || layout_entries_remote(v, n) == 1);
    rc = layout_entries_sharded(v, n);
    FUZZ_CHECK((rc == 0 || rc == 1) && (n <= 1 || rc == 1) && (n > 0 || rc == 0));
    layout_free_entries(v, n);
    return 0;
}
