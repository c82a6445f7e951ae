#include "indexer/walk.h"

#include <dirent.h>
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "indexer/warn.h"

struct devino {
    dev_t dev;
    ino_t ino;
};

/* The folders on the current path, outermost first: a loop is a folder met again here. */
struct ancestors {
    struct devino v[WALK_MAX_DEPTH + 1];
    unsigned n;
};

static int cmp_devino(const void *a, const void *b)
{
    const struct devino *x = a, *y = b;

    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void free_nothing(void *p)
{
    (void)p; /* the files tree shares its strings with v[] */
}

void walk_init(struct walk *w)
{
    memset(w, 0, sizeof *w);
}

void walk_release(struct walk *w)
{
    tdestroy(w->files, free_nothing);
    tdestroy(w->folders, free);
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i].path);
    free(w->v);
    for (size_t i = 0; i < w->nroots; i++)
        free(w->roots[i]);
    free(w->roots);
    for (size_t i = 0; i < w->nkept; i++)
        free(w->kept[i]);
    free(w->kept);
    walk_init(w);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* named: the user named the file itself, so any name is an article file. */
static enum walk_kind kind_of(const char *name, int named)
{
    if (ends_with(name, ".jsonl") || ends_with(name, ".jsonl.gz"))
        return WALK_JSONL;
    if (ends_with(name, ".txt") || named)
        return WALK_ARTICLE;
    return WALK_NONE;
}

static void add_file(struct walk *w, const char *path, enum walk_kind kind)
{
    char *copy;
    void *node;

    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        struct walk_entry *v = realloc(w->v, cap * sizeof *v);
        if (v == NULL) {
            w->oom = 1;
            return;
        }
        w->v = v;
        w->cap = cap;
    }
    if ((copy = strdup(path)) == NULL || (node = tsearch(copy, &w->files, cmp_str)) == NULL) {
        free(copy);
        w->oom = 1;
        return;
    }
    w->v[w->n].path = copy;
    w->v[w->n].kind = kind;
    w->n++;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir but hidden ones (".", ".." among them), sorted: a malloc'ed array of
 * malloc'ed names, NULL with *n = 0 when empty or on OOM (w->oom). *read_errno: 0, or why
 * readdir stopped early (the names are then only some of the folder's). */
static char **list_names(struct walk *w, DIR *d, size_t *n, int *read_errno)
{
    struct dirent *de;
    char **names = NULL;
    size_t cap = 0;

    *n = 0;
    for (;;) {
        errno = 0;
        if ((de = readdir(d)) == NULL) {
            *read_errno = errno;
            break;
        }
        if (de->d_name[0] == '.')
            continue;
        if (*n == cap) {
            char **v = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *v);
            if (v == NULL)
                break;
            names = v;
        }
        if ((names[*n] = strdup(de->d_name)) == NULL)
            break;
        ++*n;
    }
    if (de != NULL) {
        w->oom = 1;
        while (*n > 0)
            free(names[--*n]);
        free(names);
        return NULL;
    }
    if (*n > 1)
        qsort(names, *n, sizeof *names, cmp_name);
    return names;
}

static int is_ancestor(const struct ancestors *anc, const struct devino *key)
{
    for (unsigned i = 0; i < anc->n; i++)
        if (cmp_devino(&anc->v[i], key) == 0)
            return 1;
    return 0;
}

/* 1 if the folder is to be scanned now: not a loop (warned about), not scanned before. */
static int first_visit(struct walk *w, const char *dir, const struct devino *key,
                       const struct ancestors *anc)
{
    struct devino *copy;

    if (is_ancestor(anc, key) || anc->n > WALK_MAX_DEPTH) {
        warn_msg("'%s': symbolic link loop: skipped", dir);
        w->skipped++;
        return 0;
    }
    if (tfind(key, &w->folders, cmp_devino) != NULL)
        return 0; /* reached before by another path: its files are in already */
    if ((copy = malloc(sizeof *copy)) == NULL) {
        w->oom = 1;
        return 0;
    }
    *copy = *key;
    if (tsearch(copy, &w->folders, cmp_devino) == NULL) {
        free(copy);
        w->oom = 1;
        return 0;
    }
    return 1;
}

/* Warns that path cannot be read (errno e) and counts it skipped; unless it is really gone
 * (ENOENT), keeps it: its articles stay in the index. */
static void unreadable(struct walk *w, const char *what, const char *path, int e)
{
    if (e == ENOENT)
        warn_msg("%s '%s': %s: skipped", what, path, strerror(e));
    else
        warn_msg("%s '%s': %s: skipped (the index keeps its articles)", what, path,
                 strerror(e));
    w->skipped++;
    if (e != ENOENT)
        walk_keep(w, path);
}

/* Walks a folder in name order, anc holding the folders above it. */
static void walk_dir(struct walk *w, const char *dir, struct ancestors *anc)
{
    DIR *d;
    char **names;
    size_t n;
    struct stat sb;
    struct devino key;
    int read_errno = 0;

    if (stat(dir, &sb) != 0) {
        unreadable(w, "cannot read", dir, errno);
        return;
    }
    key.dev = sb.st_dev;
    key.ino = sb.st_ino;
    if (!first_visit(w, dir, &key, anc))
        return;
    if ((d = opendir(dir)) == NULL) {
        unreadable(w, "cannot open folder", dir, errno);
        return;
    }
    names = list_names(w, d, &n, &read_errno);
    closedir(d);
    if (read_errno != 0)
        unreadable(w, "cannot list folder", dir, read_errno); /* indexes what it did list */
    anc->v[anc->n++] = key;
    for (size_t i = 0; i < n; i++) {
        char *path = NULL;
        if (w->oom || asprintf(&path, "%s/%s", dir, names[i]) < 0) {
            path = NULL;
            w->oom = 1;
        } else if (stat(path, &sb) != 0) {
            /* A dangling link, or a file that vanished since readdir (both gone: ENOENT);
             * or one this user may not look at (kept). */
            unreadable(w, "cannot read", path, errno);
        } else if (S_ISDIR(sb.st_mode)) {
            walk_dir(w, path, anc);
        } else if (S_ISREG(sb.st_mode) && kind_of(names[i], 0) != WALK_NONE) {
            add_file(w, path, kind_of(names[i], 0));
        } else {
            w->ignored++;
            if (w->verbose)
                printf("ignored '%s': %s\n", path,
                       S_ISREG(sb.st_mode) ? "not .txt, .jsonl or .jsonl.gz"
                                           : "not a regular file");
        }
        free(path);
        free(names[i]);
    }
    free(names);
    anc->n--;
}

static void add_root(struct walk *w, const char *real)
{
    char **roots = realloc(w->roots, (w->nroots + 1) * sizeof *roots);

    if (roots == NULL) {
        w->oom = 1;
        return;
    }
    w->roots = roots;
    if ((w->roots[w->nroots] = strdup(real)) == NULL)
        w->oom = 1;
    else
        w->nroots++;
}

void walk_input(struct walk *w, const char *input)
{
    struct stat sb;
    char *real = realpath(input, NULL);

    if (real == NULL || stat(real, &sb) != 0) {
        warn_msg("cannot read '%s': %s: skipped", input, strerror(errno));
        w->skipped++;
    } else if (S_ISDIR(sb.st_mode)) {
        struct ancestors anc;
        anc.n = 0;
        add_root(w, real);
        walk_dir(w, real, &anc);
    } else if (S_ISREG(sb.st_mode)) {
        add_file(w, real, kind_of(real, 1));
    } else {
        warn_msg("'%s' is not a file or folder: skipped", input);
        w->skipped++;
    }
    free(real);
}

void walk_keep(struct walk *w, const char *path)
{
    char **kept = realloc(w->kept, (w->nkept + 1) * sizeof *kept);

    if (kept == NULL) {
        w->oom = 1;
        return;
    }
    w->kept = kept;
    if ((w->kept[w->nkept] = strdup(path)) == NULL)
        w->oom = 1;
    else
        w->nkept++;
}

/* 1 if path is folder or lies under it. */
static int under(const char *path, const char *folder)
{
    size_t n = strlen(folder);

    return strncmp(path, folder, n) == 0 &&
           (path[n] == '\0' || path[n] == '/' || (n == 1 && folder[0] == '/'));
}

int walk_found(const struct walk *w, const char *path)
{
    return tfind(path, &w->files, cmp_str) != NULL;
}

int walk_within(const struct walk *w, const char *source)
{
    for (size_t i = 0; i < w->nkept; i++)
        if (under(source, w->kept[i]))
            return 0;
    if (tfind(source, &w->files, cmp_str) != NULL)
        return 1;
    for (size_t i = 0; i < w->nroots; i++)
        if (under(source, w->roots[i]) && strcmp(source, w->roots[i]) != 0)
            return 1;
    return 0;
}
