/* walk: finding the indexer's inputs. Each input is a file (indexed whatever its name) or a
 * folder, walked in name order for *.txt article files and *.jsonl(.gz) JSON Lines files,
 * hidden names skipped (silently), other files ignored (counted). Paths are kept real (realpath), so runs from other folders agree. A
 * folder that is its own ancestor (a symbolic link loop) is skipped with a warning; a folder
 * reached again by another path or from another input is scanned once, silently.
 * What cannot be read for any reason but ENOENT (a folder without permission, an I/O error)
 * is kept: it is not gone, so the index keeps its articles; only what is really gone goes.
 * Depends on libc and warn. */
#ifndef TRAWL_INDEXER_WALK_H
#define TRAWL_INDEXER_WALK_H

#include <stddef.h>
#include <stdint.h>

#define WALK_MAX_DEPTH 64 /* folders deeper than this are treated as a loop */

enum walk_kind { WALK_NONE, WALK_ARTICLE, WALK_JSONL };

struct walk_entry {
    char *path; /* real path (owned) */
    enum walk_kind kind;
};

struct walk {
    struct walk_entry *v;  /* the files to index, in the order found */
    size_t n, cap;
    char **roots;          /* real paths of the folders scanned (the scope of removals) */
    size_t nroots;
    char **kept;           /* files and folders met but unreadable (not ENOENT): out of it */
    size_t nkept;
    void *files;           /* tsearch tree of the real paths in v[] */
    void *folders;         /* tsearch tree of the folders scanned (device and inode) */
    uint64_t skipped;      /* inputs skipped, each with a warning */
    uint64_t ignored;      /* files in folders that are no input (README.md, notes.TXT) */
    int verbose;           /* list each ignored file on stdout */
    int oom;               /* out of memory: the walk stopped, the run must too */
};

void walk_init(struct walk *w);
void walk_release(struct walk *w);

/* Adds the files the input path names (a file, or a folder walked). Warns and counts in
 * w->skipped what it cannot read; sets w->oom on allocation failure. */
void walk_input(struct walk *w, const char *input);

/* Marks path (a file or folder under the walk) as kept: unreadable, but not gone, so the
 * articles from it or under it stay. Sets w->oom on allocation failure. */
void walk_keep(struct walk *w, const char *path);

/* 1 if path (a real path) is a file this walk found or named: one this run reads. */
int walk_found(const struct walk *w, const char *path);

/* 1 if source (a real path) is a file this walk found or named, or lies in a folder it
 * scanned, and is not (in) a kept one: articles from there whose file is gone are deleted,
 * and no others. */
int walk_within(const struct walk *w, const char *source);

#endif
