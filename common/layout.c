#include "common/layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sbuf.h"
#include "common/schema.h"

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    int rc = 0;

    if (p == NULL)
        return -1;
    for (char *q = p + 1; *q && rc == 0; q++) {
        if (*q != '/')
            continue;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        *q = '/';
    }
    if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

/* A writer refuses a stub that is a symbolic link: it would delete generations (layout_clean)
 * and write databases according to a file that lives somewhere else, perhaps someone else's,
 * and switching generations would silently replace the link by a file. */
static int stub_not_a_link(const char *dir, struct trawl_error *err)
{
    struct sbuf p;
    struct stat sb;
    int link;

    sbuf_init(&p);
    if (sbuf_printf(&p, "%s/" LAYOUT_STUB, dir) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    link = lstat(p.buf, &sb) == 0 && S_ISLNK(sb.st_mode);
    sbuf_release(&p);
    if (link)
        return terr_set(err, TRAWL_EINDEX,
                        "refusing to follow the stub '%s/" LAYOUT_STUB "': it is a symbolic link",
                        dir);
    return TRAWL_OK;
}

int layout_lock(const char *dir, int *fd, struct trawl_error *err)
{
    struct sbuf p;
    int f;

    *fd = -1;
    if (make_dirs(dir) != 0)
        return terr_set(err, TRAWL_EIO, "cannot create index folder '%s': %s", dir,
                        strerror(errno));
    sbuf_init(&p);
    if (sbuf_printf(&p, "%s/.lock", dir) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    /* O_NOFOLLOW: a lock file that is a link would have us create or truncate (and write our
     * pid into) whatever it points at. */
    f = open(p.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (f < 0) {
        int e = errno;
        struct stat sb;
        if (e == ELOOP && lstat(p.buf, &sb) == 0 && S_ISLNK(sb.st_mode)) {
            sbuf_release(&p);
            return terr_set(err, TRAWL_EINDEX,
                            "refusing to follow the lock file '%s/.lock': it is a symbolic link",
                            dir);
        }
        sbuf_release(&p);
        return terr_set(err, e == ENOTDIR ? TRAWL_EINDEX : TRAWL_EIO,
                        "cannot lock index '%s': %s", dir, strerror(e));
    }
    sbuf_release(&p);
    if (stub_not_a_link(dir, err) != TRAWL_OK) {
        close(f);
        return err != NULL ? (int)err->code : TRAWL_EINDEX;
    }
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t n = pread(f, pid, sizeof pid - 1, 0);
        int e = errno;
        close(f);
        if (e == EWOULDBLOCK || e == EAGAIN) {
            pid[n > 0 ? n : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            return terr_set(err, TRAWL_ELOCKED,
                            "index '%s' is being updated by another trawl-index%s%s%s", dir,
                            pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
        }
        return terr_set(err, TRAWL_EIO, "cannot lock index '%s': %s", dir, strerror(e));
    }
    /* Who holds it, for the message another indexer prints. */
    if (ftruncate(f, 0) == 0) {
        char pid[32];
        int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (pwrite(f, pid, (size_t)n, 0) < 0) {
            /* informational only */
        }
    }
    *fd = f;
    return TRAWL_OK;
}

void layout_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing releases the flock */
}

void layout_free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* A stub is a few short lines; anything this large is not one. */
#define STUB_MAX_BYTES (1u << 20)

int layout_parse_stub(const char *dir, const char *buf, size_t len, char ***lines, size_t *n,
                      struct trawl_error *err)
{
    int rc = TRAWL_OK;

    *lines = NULL;
    *n = 0;
    /* A stub is text: a NUL would cut a line where strdup stops, keeping what came before it
     * (trailing spaces included) as if it were the whole line. */
    if (memchr(buf, '\0', len) != NULL)
        return terr_damaged(err, dir, "its stub " LAYOUT_STUB " holds a NUL byte", 0);
    for (size_t at = 0; at < len && rc == TRAWL_OK;) {
        const char *nl = memchr(buf + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - buf) : len, k = end;
        char **v;
        while (k > at && (buf[k - 1] == '\r' || buf[k - 1] == ' '))
            k--;
        if (k == at || buf[at] == '#') {
            at = end + 1;
            continue;
        }
        v = realloc(*lines, (*n + 1) * sizeof *v);
        if (v == NULL || (v[*n] = strndup(buf + at, k - at)) == NULL) {
            if (v != NULL)
                *lines = v;
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        *lines = v;
        at = end + 1;
        if (++*n > TRAWL_MAX_SHARDS)
            rc = terr_set(err, TRAWL_EINDEX,
                          "index '%s' lists more than %d databases in its stub (the most "
                          "shards an index can have)",
                          dir, TRAWL_MAX_SHARDS);
    }
    if (rc != TRAWL_OK) {
        layout_free_lines(*lines, *n);
        *lines = NULL;
        *n = 0;
    }
    return rc;
}

int layout_read_stub(const char *dir, char ***lines, size_t *n, struct trawl_error *err)
{
    struct sbuf p, text;
    FILE *f;
    int rc = TRAWL_OK;

    *lines = NULL;
    *n = 0;
    sbuf_init(&p);
    sbuf_init(&text);
    if (sbuf_printf(&p, "%s/" LAYOUT_STUB, dir) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    /* Reading follows a stub that is a symbolic link, as Xapian does when it opens the index:
     * a reader only reads what the link names, and pointing an index folder at a stub kept
     * elsewhere is a legitimate set-up. Writers refuse such a stub (layout_lock,
     * layout_stub_writable): they would write and delete according to it. */
    f = fopen(p.buf, "r");
    if (f == NULL) {
        int e = errno;
        sbuf_release(&p);
        if (e == ENOENT || e == ENOTDIR)
            return terr_set(err, TRAWL_ENOTFOUND, "no stub in '%s'", dir);
        return terr_set(err, TRAWL_EIO, "cannot read '%s/" LAYOUT_STUB "': %s", dir,
                        strerror(e));
    }
    sbuf_release(&p);
    while (rc == TRAWL_OK && !feof(f)) {
        size_t got;
        if (text.len >= STUB_MAX_BYTES)
            rc = terr_damaged(err, dir, "its stub " LAYOUT_STUB " is larger than 1 MiB", 0);
        else if (sbuf_reserve(&text, 4096) != TRAWL_OK)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        else if ((got = fread(text.buf + text.len, 1, 4096, f)) > 0)
            text.len += got;
        else if (ferror(f))
            rc = terr_set(err, TRAWL_EIO, "cannot read '%s/" LAYOUT_STUB "': %s", dir,
                          strerror(errno));
    }
    fclose(f);
    if (rc == TRAWL_OK)
        rc = layout_parse_stub(dir, text.buf, text.len, lines, n, err);
    sbuf_release(&text);
    return rc;
}

void layout_free_entries(struct layout_entry *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        free(v[i].line);
    free(v);
}

/* Parses line (taking it over) into e. */
static int parse_entry(const char *dir, char *line, struct layout_entry *e, struct trawl_error *err)
{
    const char *sp = strchr(line, ' ');

    e->line = line;
    if (sp == NULL || sp[1] == '\0')
        return terr_set(err, TRAWL_EINDEX, "index '%s' has a stub line without a database: '%s'",
                        dir, line);
    e->where = sp + 1;
    if (sp - line != 6 || strncmp(line, "remote", 6) != 0)
        e->kind = LAYOUT_LOCAL;
    else
        e->kind = strchr(e->where, ' ') != NULL ? LAYOUT_PROG : LAYOUT_REMOTE;
    return TRAWL_OK;
}

/* Entries from the lines of a stub (taken over, freed here whatever happens). */
static int entries_of(const char *dir, char **lines, size_t nl, struct layout_entry **v,
                      size_t *n, struct trawl_error *err)
{
    size_t i;
    int rc = TRAWL_OK;

    if ((*v = calloc(nl ? nl : 1, sizeof **v)) == NULL) {
        layout_free_lines(lines, nl);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    for (i = 0; i < nl && rc == TRAWL_OK; i++)
        rc = parse_entry(dir, lines[i], &(*v)[i], err);
    for (size_t k = i; k < nl; k++)
        free(lines[k]); /* not taken over by an entry */
    free(lines);
    if (rc != TRAWL_OK) {
        layout_free_entries(*v, i);
        *v = NULL;
        return rc;
    }
    *n = nl;
    return TRAWL_OK;
}

int layout_read_entries(const char *dir, struct layout_entry **v, size_t *n, struct trawl_error *err)
{
    char **lines = NULL;
    size_t nl = 0;
    int rc = layout_read_stub(dir, &lines, &nl, err);

    *v = NULL;
    *n = 0;
    return rc != TRAWL_OK ? rc : entries_of(dir, lines, nl, v, n, err);
}

int layout_parse_entries(const char *dir, const char *buf, size_t len, struct layout_entry **v,
                         size_t *n, struct trawl_error *err)
{
    char **lines = NULL;
    size_t nl = 0;
    int rc = layout_parse_stub(dir, buf, len, &lines, &nl, err);

    *v = NULL;
    *n = 0;
    return rc != TRAWL_OK ? rc : entries_of(dir, lines, nl, v, n, err);
}

int layout_entries_remote(const struct layout_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].kind != LAYOUT_LOCAL)
            return 1;
    return 0;
}

int layout_entries_sharded(const struct layout_entry *v, size_t n)
{
    unsigned g, k;
    char c;

    return n > 1 || (n == 1 && (v[0].kind != LAYOUT_LOCAL ||
                                sscanf(v[0].where, "gen-%u-shard-%u%c", &g, &k, &c) == 2));
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}

char *layout_entry_path(const char *dir, const struct layout_entry *e)
{
    return e->where[0] == '/' ? strdup(e->where) : dup_printf("%s/%s", dir, e->where);
}

char *layout_entry_line(const char *dir, const struct layout_entry *e)
{
    if (e->kind != LAYOUT_LOCAL || e->where[0] == '/')
        return strdup(e->line);
    return dup_printf("%.*s %s/%s", (int)(e->where - 1 - e->line), e->line, dir, e->where);
}

char *layout_gen_name(unsigned g)
{
    return dup_printf("gen-%u", g);
}

char *layout_gen_line(unsigned g)
{
    return dup_printf("auto gen-%u", g);
}

char *layout_shard_name(unsigned g, unsigned k)
{
    return dup_printf("gen-%u-shard-%u", g, k);
}

char *layout_shard_line(unsigned g, unsigned k)
{
    return dup_printf("auto gen-%u-shard-%u", g, k);
}

unsigned layout_shard_of(const char *key, size_t len, unsigned n)
{
    return n <= 1 ? 0 : (unsigned)(schema_hash(TRAWL_HASH_SEED, key, len) % n);
}

static int sync_path(const char *path, int dir)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int layout_write_stub(const char *dir, char *const *lines, size_t n, struct trawl_error *err)
{
    struct sbuf tmp, dst, body;
    int fd = -1, rc = TRAWL_OK;

    sbuf_init(&tmp);
    sbuf_init(&dst);
    sbuf_init(&body);
    if (sbuf_printf(&tmp, "%s/" LAYOUT_STUB ".tmp", dir) ||
        sbuf_printf(&dst, "%s/" LAYOUT_STUB, dir)) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (sbuf_printf(&body, "%s\n", lines[i]) != TRAWL_OK) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            goto out;
        }
    /* Never through a link left at the temporary name: write a new file of our own. */
    if (unlink(tmp.buf) != 0 && errno != ENOENT) {
        rc = terr_set(err, TRAWL_EIO, "cannot remove '%s': %s", tmp.buf, strerror(errno));
        goto out;
    }
    fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0 || write(fd, body.buf, body.len) != (ssize_t)body.len || fsync(fd) != 0) {
        rc = terr_set(err, TRAWL_EIO, "cannot write '%s': %s", tmp.buf, strerror(errno));
        goto out;
    }
    close(fd);
    fd = -1;
    if (rename(tmp.buf, dst.buf) != 0) {
        rc = terr_set(err, TRAWL_EIO, "cannot rename '%s': %s", tmp.buf, strerror(errno));
        goto out;
    }
    sync_path(dir, 1);
out:
    if (fd >= 0)
        close(fd);
    sbuf_release(&tmp);
    sbuf_release(&dst);
    sbuf_release(&body);
    return rc;
}

int layout_is_database(const char *path)
{
    struct sbuf p;
    struct stat sb;
    int yes;

    sbuf_init(&p);
    if (sbuf_printf(&p, "%s/iamglass", path) != TRAWL_OK)
        return 0;
    yes = stat(p.buf, &sb) == 0;
    sbuf_release(&p);
    return yes;
}

unsigned layout_last_gen(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    unsigned best = 0;

    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        char *end;
        unsigned long v;
        if (strncmp(de->d_name, "gen-", 4) != 0)
            continue;
        v = strtoul(de->d_name + 4, &end, 10);
        if ((*end == '\0' || *end == '-') && v > best && v < 1000000000)
            best = (unsigned)v;
    }
    closedir(d);
    return best;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_DP || flag == FTW_D)
        return rmdir(path) != 0 && errno != ENOENT ? -1 : 0;
    return unlink(path) != 0 && errno != ENOENT ? -1 : 0;
}

int layout_remove_tree(const char *path, struct trawl_error *err)
{
    struct stat sb;

    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? TRAWL_OK
                               : terr_set(err, TRAWL_EIO, "cannot remove '%s': %s", path,
                                          strerror(errno));
    if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return terr_set(err, TRAWL_EIO, "cannot remove '%s': %s", path, strerror(errno));
    return TRAWL_OK;
}

static int sync_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_F)
        return sync_path(path, 0);
    if (flag == FTW_D || flag == FTW_DP)
        return sync_path(path, 1);
    return 0;
}

int layout_sync_tree(const char *path, struct trawl_error *err)
{
    if (nftw(path, sync_one, 16, FTW_PHYS) != 0)
        return terr_set(err, TRAWL_EIO, "cannot sync '%s': %s", path, strerror(errno));
    return TRAWL_OK;
}

/* 1 if the entry's database is the folder at path: a stub may name dir's own generation by
 * an absolute path ("auto /srv/idx/gen-2"), which is still not a leftover. */
static int same_file(const char *dir, const struct layout_entry *e, const char *path)
{
    struct stat a, b;
    char *p = layout_entry_path(dir, e);
    int same = p != NULL && stat(p, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
               a.st_ino == b.st_ino;

    free(p);
    return same;
}

int layout_stub_writable(const char *dir, struct trawl_error *err)
{
    return stub_not_a_link(dir, err);
}

int layout_clean(const char *dir, struct trawl_error *err)
{
    struct layout_entry *ents = NULL;
    size_t n = 0;
    DIR *d;
    struct dirent *de;
    int rc = stub_not_a_link(dir, err);

    if (rc != TRAWL_OK)
        return rc;
    rc = layout_read_entries(dir, &ents, &n, err);
    int stub_ok = rc == TRAWL_OK;

    if (rc == TRAWL_ENOTFOUND)
        rc = TRAWL_OK;
    if (rc != TRAWL_OK)
        return rc;
    /* A generation is a leftover only next to a stub that works: with no stub, or one naming
     * a database that is not there, the unnamed generations may be the only copy of the
     * index (a stub lost or damaged), and deleting them would make a damaged index worse. */
    for (size_t i = 0; stub_ok && i < n; i++) {
        char *p = ents[i].kind == LAYOUT_LOCAL ? layout_entry_path(dir, &ents[i]) : NULL;
        if (ents[i].kind == LAYOUT_LOCAL && (p == NULL || !layout_is_database(p)))
            stub_ok = 0;
        free(p);
    }
    d = opendir(dir);
    while (d != NULL && rc == TRAWL_OK && (de = readdir(d)) != NULL) {
        int named = 0;
        struct sbuf p;
        if (strncmp(de->d_name, "tmp-", 4) != 0 &&
            (strncmp(de->d_name, "gen-", 4) != 0 || !stub_ok))
            continue;
        sbuf_init(&p);
        if (sbuf_printf(&p, "%s/%s", dir, de->d_name) != TRAWL_OK) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            sbuf_release(&p);
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (ents[i].kind == LAYOUT_LOCAL && (strcmp(ents[i].where, de->d_name) == 0 ||
                                                 same_file(dir, &ents[i], p.buf)))
                named = 1;
        if (!named)
            rc = layout_remove_tree(p.buf, err);
        sbuf_release(&p);
    }
    if (d != NULL)
        closedir(d);
    layout_free_entries(ents, n);
    return rc;
}
