/* sync: the indexer's incremental diff. What the index knew (its article records), what this
 * run finds (article files, JSON Lines files), and what to do about each article: submit it
 * (new or changed), refresh its record (touched or moved, same content), leave it (same size
 * and time, or same hash), or remove it (its file is gone from a place this run scanned).
 * An article the index holds from another file is taken over only when that file is gone (it
 * moved) or with replace set; otherwise it is skipped with a warning naming both files.
 * Talks to the index only through trawl.h; prints warnings (warn), never exits.
 * Depends on trawl.h, walk and warn. */
#ifndef TRAWL_INDEXER_SYNC_H
#define TRAWL_INDEXER_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "common/trawl.h"
#include "indexer/walk.h"

struct sync_known; /* one article record the index held before this run (sync.c) */
struct sync_later; /* a file with articles to decide on once every file is read (sync.c) */

struct sync {
    int rebuild;              /* everything is new: re-read and submit all */
    int verbose;              /* list each article added, updated, moved or removed on stdout */
    int replace;              /* an article the index holds from another file that is still
                               * there is replaced (not skipped) by the one met here */
    size_t min_words, max_words; /* passage limits: a dry run counts passages with them */
    size_t max_article;       /* bytes: larger article files are skipped */
    trawl_writer *w;          /* where changes go; NULL on a dry run (count only) */
    trawl_article *art;       /* scratch, reused */
    struct sync_known *known; /* sorted by key once loaded */
    size_t nknown, capknown;
    void *seen_ids;           /* tsearch tree: ids met this run (a second one is skipped) */
    void *read_jsonl;         /* tsearch tree: JSON Lines files this run read to their end */
    void *stale_jsonl;        /* tsearch tree: JSON Lines files to read again next run */
    const struct walk *walk;  /* this run's files (set before the first file is read) */
    struct sync_later *later; /* files with articles whose recorded file comes later */
    size_t nlater, caplater;
    int settling;             /* sync_later_files is at work */
    uint64_t added, updated, removed, unchanged, skipped;
    uint64_t passages;        /* a dry run's: those the articles submitted would have */
    uint64_t bytes_read;      /* of article text */
    uint64_t input_partial;   /* bytes of the JSON Lines file being read */
    void (*tick)(void *ctx);  /* called now and then while a file is read (progress) */
    void *tick_ctx;
    int fatal;                /* a status: the run must stop; err says why */
    struct trawl_error err;
};

/* TRAWL_ENOMEM when the scratch article cannot be made. */
int sync_init(struct sync *s);
void sync_release(struct sync *s);

/* A trawl_record_fn (ctx: the struct sync) collecting what the index knows; call
 * sync_loaded once every record is in. Out of memory: stops, with s->fatal set. */
int sync_known_add(void *ctx, const char *key, size_t key_len, const struct trawl_record *rec);
void sync_loaded(struct sync *s);

/* One input file (sb: its stat). old: a JSON Lines file's record in the index, or NULL. */
void sync_article_file(struct sync *s, const char *path, const struct stat *sb);
void sync_jsonl_file(struct sync *s, const char *path, const struct stat *sb,
                     const struct trawl_source *old);

/* Once every input is read: the articles met in a file read before the JSON Lines file the
 * index holds them from. That file has now been read: if it still held them, they are
 * repeats (skipped with a warning), else they moved here and are taken. */
void sync_later_files(struct sync *s);

/* Removes the articles the index holds from places this walk covered but did not meet. */
void sync_removals(struct sync *s, const struct walk *w);

#endif
