/* jsonl: JSON Lines reader over zlib's gz* functions, which read plain files as they are.
 * Lines are read in chunks into a growing buffer, so their length is limited only by
 * max_line; a longer line is read to its end (and dropped) so the next one starts cleanly. */
#include "common/jsonl.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/sbuf.h"

#define JSONL_GZBUF (256 * 1024) /* zlib's input and output buffers */
#define JSONL_CHUNK (64 * 1024)  /* bytes taken from gzread() at a time */

struct jsonl {
    gzFile gz;
    char *path; /* gzerror() puts it before its messages; callers name the file themselves */
    size_t max_line;
    size_t line;  /* lines read so far */
    size_t bytes; /* uncompressed bytes consumed */
    int done;     /* end of file or read error: jsonl_next() returns end */
    struct sbuf cur;
    char *chunk;
    size_t pos, len; /* unread bytes: chunk[pos..len) */
};

int jsonl_open(const char *path, size_t max_line, struct jsonl **out, struct trawl_error *err)
{
    struct jsonl *r;

    *out = NULL;
    if ((r = calloc(1, sizeof *r)) == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    sbuf_init(&r->cur);
    if ((r->chunk = malloc(JSONL_CHUNK)) == NULL || (r->path = malloc(strlen(path) + 1)) == NULL) {
        jsonl_close(r);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    memcpy(r->path, path, strlen(path) + 1);
    r->max_line = max_line;
    errno = 0;
    if ((r->gz = gzopen(path, "rb")) == NULL) {
        int e = errno;
        jsonl_close(r);
        if (e == 0)
            return terr_set(err, TRAWL_ENOMEM, "cannot open '%s': out of memory", path);
        return terr_set(err, TRAWL_EIO, "cannot open '%s': %s", path, strerror(e));
    }
    gzbuffer(r->gz, JSONL_GZBUF);
    *out = r;
    return TRAWL_OK;
}

void jsonl_close(struct jsonl *r)
{
    if (r == NULL)
        return;
    if (r->gz != NULL)
        gzclose(r->gz);
    sbuf_release(&r->cur);
    free(r->chunk);
    free(r->path);
    free(r);
}

size_t jsonl_line(const struct jsonl *r)
{
    return r->line;
}

size_t jsonl_bytes(const struct jsonl *r)
{
    return r->bytes;
}

size_t jsonl_file_offset(const struct jsonl *r)
{
    z_off_t off = gzoffset(r->gz);

    return off > 0 ? (size_t)off : 0;
}

/* Refills chunk. Returns TRAWL_OK with r->len > 0, TRAWL_OK with r->len == 0 at the end,
 * or TRAWL_EIO. zlib reports a truncated gzip stream not from gzread() (which returns 0)
 * but through gzerror(), so the end is checked too. */
static int refill(struct jsonl *r, struct trawl_error *err)
{
    int n = gzread(r->gz, r->chunk, JSONL_CHUNK), errnum = Z_OK;
    const char *msg;

    r->pos = 0;
    r->len = 0;
    if (n > 0) {
        r->len = (size_t)n;
        return TRAWL_OK;
    }
    msg = gzerror(r->gz, &errnum);
    if (n < 0 || errnum != Z_OK) {
        size_t plen = strlen(r->path);
        if (errnum == Z_ERRNO)
            msg = strerror(errno);
        else if (msg != NULL && strncmp(msg, r->path, plen) == 0 &&
                 strncmp(msg + plen, ": ", 2) == 0)
            msg += plen + 2;
        if (errnum == Z_MEM_ERROR)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        return terr_set(err, TRAWL_EIO, "read error after line %zu: %s", r->line,
                        msg && *msg ? msg : "unknown error");
    }
    return TRAWL_OK;
}

/* Reads the next line (without its "\n") into r->cur. *got = 0 at the end of the file;
 * *toolong = 1 when the line was longer than max_line (r->cur then holds a prefix). */
static int read_line(struct jsonl *r, int *got, int *toolong, struct trawl_error *err)
{
    size_t total = 0;
    int any = 0, rc;

    sbuf_reset(&r->cur);
    *got = 0;
    *toolong = 0;
    for (;;) {
        const char *nl;
        size_t take;
        if (r->pos == r->len) {
            if ((rc = refill(r, err)) != TRAWL_OK)
                return rc;
            if (r->len == 0)
                break;
        }
        any = 1;
        nl = memchr(r->chunk + r->pos, '\n', r->len - r->pos);
        take = nl ? (size_t)(nl - (r->chunk + r->pos)) : r->len - r->pos;
        if (!*toolong && take > r->max_line - total) {
            *toolong = 1;
            sbuf_reset(&r->cur); /* not kept: the line is skipped */
        }
        if (!*toolong && sbuf_add(&r->cur, r->chunk + r->pos, take) != TRAWL_OK)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        if (!*toolong)
            total += take;
        r->pos += take;
        r->bytes += take;
        if (nl) {
            r->pos++;
            r->bytes++;
            break;
        }
    }
    if (any) {
        r->line++;
        *got = 1;
    }
    return TRAWL_OK;
}

static int is_blank_line(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* The value of an optional string field: NULL when absent, null or not a string. */
static const char *opt_string(json_t *o, const char *name)
{
    return json_string_value(json_object_get(o, name));
}

static int parse_line(struct jsonl *r, struct article *a, struct trawl_error *err)
{
    json_error_t jerr;
    json_t *o, *id, *text, *date;
    char num[32];
    const char *ids, *dates;
    int rc;

    o = json_loadb(r->cur.buf, r->cur.len, 0, &jerr);
    if (o == NULL)
        return terr_set(err, TRAWL_EINPUT, "line %zu: invalid JSON: %s (column %d)", r->line,
                        jerr.text, jerr.column);
    if (!json_is_object(o)) {
        json_decref(o);
        return terr_set(err, TRAWL_EINPUT, "line %zu: not a JSON object", r->line);
    }
    id = json_object_get(o, "id");
    text = json_object_get(o, "text");
    rc = TRAWL_EINPUT;
    if (id == NULL) {
        terr_set(err, rc, "line %zu: missing \"id\"", r->line);
    } else if (!json_is_string(id) && !json_is_integer(id)) {
        terr_set(err, rc, "line %zu: \"id\" is not a string", r->line);
    } else if (text == NULL) {
        terr_set(err, rc, "line %zu: missing \"text\"", r->line);
    } else if (!json_is_string(text)) {
        terr_set(err, rc, "line %zu: \"text\" is not a string", r->line);
    } else {
        if (json_is_integer(id)) {
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
            ids = num;
        } else {
            ids = json_string_value(id);
        }
        /* A date that is there but not a string is as malformed as a bad string. */
        date = json_object_get(o, "date");
        if (date == NULL || json_is_null(date))
            dates = NULL;
        else if (json_is_string(date))
            dates = json_string_value(date);
        else
            dates = "not a date";
        rc = article_from_fields(a, ids, json_string_value(text), json_string_length(text),
                                 opt_string(o, "title"), dates, opt_string(o, "url"),
                                 opt_string(o, "source"), err);
        if (rc == TRAWL_EINPUT)
            terr_wrap(err, "line %zu", r->line);
    }
    json_decref(o);
    return rc;
}

int jsonl_next(struct jsonl *r, struct article *a, int *got, struct trawl_error *err)
{
    int line, toolong, rc;

    *got = 0;
    article_release(a);
    while (!r->done) {
        if ((rc = read_line(r, &line, &toolong, err)) != TRAWL_OK) {
            r->done = 1;
            return rc;
        }
        if (!line) {
            r->done = 1;
            break;
        }
        if (toolong)
            return terr_set(err, TRAWL_EINPUT, "line %zu: longer than the limit of %zu bytes",
                            r->line, r->max_line);
        if (is_blank_line(r->cur.buf, r->cur.len))
            continue;
        if ((rc = parse_line(r, a, err)) != TRAWL_OK)
            return rc;
        *got = 1;
        return TRAWL_OK;
    }
    return TRAWL_OK;
}
