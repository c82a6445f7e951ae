/* Fuzz target: arbitrary bytes as a JSON Lines file (plain, or gzip when the bytes say so),
 * read to the end with jsonl_next() as the indexer does. The bytes go to a memory file
 * (memfd) that jsonl_open() opens through /proc/self/fd. The longest line accepted is derived
 * from the first byte, so short limits are exercised too. Checks that every article read
 * satisfies article.h, that errors are the documented ones, and that the reader ends. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <utf8proc.h>

#include "common/article.h"
#include "common/jsonl.h"
#include "tests/fuzz/fuzz.h"

static int memfd = -1;
static char path[64];

static int valid_utf8(const char *s, size_t len)
{
    utf8proc_int32_t cp;

    while (len > 0) {
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp);
        if (n <= 0)
            return 0;
        s += n;
        len -= (size_t)n;
    }
    return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if ((memfd = memfd_create("fuzz-jsonl", MFD_CLOEXEC)) < 0)
        fuzz_die("memfd_create", "failed");
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonl *r;
    struct article a;
    struct trawl_error err;
    size_t max_line = size > 0 ? 16 + (size_t)data[0] * 64 : 1024;
    size_t lines = 0, calls = 0;
    int rc, got;

    if (ftruncate(memfd, 0) != 0 || (size > 0 && pwrite(memfd, data, size, 0) != (ssize_t)size))
        fuzz_die("memfd write", "failed");
    FUZZ_CHECK(jsonl_open(path, max_line, &r, &err) == TRAWL_OK);
    article_init(&a);
    for (;;) {
        rc = jsonl_next(r, &a, &got, &err);
        /* Every call consumes a line or ends: more calls than bytes + 1 is a loop. */
        FUZZ_CHECK(++calls <= jsonl_bytes(r) + 1);
        if (rc == TRAWL_EINPUT) {
            FUZZ_CHECK(strncmp(err.msg, "line ", 5) == 0);
            FUZZ_CHECK(jsonl_line(r) > lines);
            lines = jsonl_line(r);
            continue;
        }
        if (rc == TRAWL_EIO || (rc == TRAWL_OK && !got))
            break;
        FUZZ_CHECK(rc == TRAWL_OK);
        FUZZ_CHECK(a.id[0] != '\0');
        FUZZ_CHECK(a.body[a.body_len] == '\0' && valid_utf8(a.body, a.body_len));
        FUZZ_CHECK(valid_utf8(a.title, strlen(a.title)));
        FUZZ_CHECK(a.date[0] == '\0' || article_valid_date(a.date, strlen(a.date)));
        FUZZ_CHECK(jsonl_line(r) > lines);
        lines = jsonl_line(r);
    }
    /* The end is sticky. */
    FUZZ_CHECK(jsonl_next(r, &a, &got, &err) == TRAWL_OK && !got);
    article_release(&a);
    jsonl_close(r);
    return 0;
}
