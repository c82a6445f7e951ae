/* layout: how a trawl index lives on disk. An index is a folder DIR holding
 *   XAPIANDB   a Xapian stub file naming the live database(s), relative to DIR: "auto gen-N"
 *              for a single index, one "auto gen-N-shard-K" line per shard (at most
 *              TRAWL_MAX_SHARDS lines), or "remote HOST:PORT" lines for shards served by
 *              xapian-tcpsrv ("remote HOST PROGRAM ARGS..." runs a program instead)
 *   gen-N/     a Xapian (glass) database; a rebuild writes gen-N+1 and switches the stub
 *   gen-N-shard-K/  the shards of a sharded index (generation N)
 *   tmp-PID/   the parts of a build in progress (removed when it ends or by the next run)
 *   .lock      held (flock) by the one indexer at work
 * Readers open DIR and Xapian follows the stub; switching a stub is an atomic rename, so a
 * reader sees either the old or the new database, never a half-built one.
 * This file is the one place that writes and parses stub lines and routes articles to shards:
 * the rest of trawl uses struct layout_entry and the layout_*_line helpers.
 * Depends on libc, err, sbuf and schema (for the routing hash); knows nothing of Xapian's API. */
#ifndef TRAWL_COMMON_LAYOUT_H
#define TRAWL_COMMON_LAYOUT_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

#define LAYOUT_STUB "XAPIANDB"
/* Inside each passage database's folder: its article database (schema.h). */
#define LAYOUT_ARTICLES "articles"
/* Beside XAPIANDB, optional: a stub naming the article databases of remote shards (for local
 * databases the readers find them by LAYOUT_ARTICLES). */
#define LAYOUT_ARTICLES_STUB "ARTICLES"
/* Most shards an index may have is trawl.h's TRAWL_MAX_SHARDS: a stub listing more is refused
 * when read (TRAWL_EINDEX). */

/* Creates dir if missing and takes its lock without waiting: TRAWL_ELOCKED names the holder
 * when another process has it. *fd is released by layout_unlock (or by the process ending).
 * A lock file or a stub that is a symbolic link: TRAWL_EINDEX, refused (never followed). */
int layout_lock(const char *dir, int *fd, struct trawl_error *err);
void layout_unlock(int fd); /* -1 is ignored */

/* The stub's lines, in order ("auto gen-3", "remote 127.0.0.1:7001", ...): a malloc'ed array
 * of malloc'ed strings; free with layout_free_lines. No stub: TRAWL_ENOTFOUND. More than
 * TRAWL_MAX_SHARDS lines: TRAWL_EINDEX naming dir and the limit; a NUL byte: TRAWL_EINDEX,
 * the index at dir is damaged. */
int layout_read_stub(const char *dir, char ***lines, size_t *n, struct trawl_error *err);
/* The same from a stub's bytes buf[0..len) (dir names the index in messages): what
 * layout_read_stub does once it has read the file, and what the fuzz target exercises. A stub
 * file over 1 MiB is refused unread (TRAWL_EINDEX, damaged). */
int layout_parse_stub(const char *dir, const char *buf, size_t len, char ***lines, size_t *n,
                      struct trawl_error *err);
void layout_free_lines(char **lines, size_t n);
/* TRAWL_OK unless dir's stub is a symbolic link, which writers refuse (TRAWL_EINDEX). */
int layout_stub_writable(const char *dir, struct trawl_error *err);
/* Replaces the stub atomically (temporary file, fsync, rename, fsync of dir). */
int layout_write_stub(const char *dir, char *const *lines, size_t n, struct trawl_error *err);

/* One parsed stub line. */
enum layout_kind {
    LAYOUT_LOCAL = 0,  /* "BACKEND PATH": a database folder, relative to the index folder */
    LAYOUT_REMOTE = 1, /* "remote HOST:PORT": a shard served over TCP */
    LAYOUT_PROG = 2,   /* "remote PROGRAM ARGS...": a shard served by a program's stdio */
};
struct layout_entry {
    enum layout_kind kind;
    char *line;        /* the line as written (owned by the entry) */
    const char *where; /* into line: PATH, HOST:PORT or PROGRAM ARGS */
};
/* The stub's entries, in order: a malloc'ed array; free with layout_free_entries. Errors as
 * layout_read_stub's, and a line of one word only: TRAWL_EINDEX. */
int layout_read_entries(const char *dir, struct layout_entry **v, size_t *n, struct trawl_error *err);
/* The same from a stub's bytes, as layout_parse_stub. */
int layout_parse_entries(const char *dir, const char *buf, size_t len, struct layout_entry **v,
                         size_t *n, struct trawl_error *err);
void layout_free_entries(struct layout_entry *v, size_t n); /* NULL-safe */
/* 1 if some entry is not a local database. */
int layout_entries_remote(const struct layout_entry *v, size_t n);
/* 1 if the entries are the shards of a sharded index (several, or one "gen-N-shard-K"). */
int layout_entries_sharded(const struct layout_entry *v, size_t n);
/* A local entry's database path: where itself when absolute, else dir/where. The line of an
 * entry for a stub outside dir: local paths made absolute, others as written. Both malloc'ed,
 * NULL on OOM. */
char *layout_entry_path(const char *dir, const struct layout_entry *e);
char *layout_entry_line(const char *dir, const struct layout_entry *e);

/* Names and stub lines of generation g and of shard k of generation g: "gen-3", "auto gen-3",
 * "gen-3-shard-1", "auto gen-3-shard-1". malloc'ed; NULL on OOM. */
char *layout_gen_name(unsigned g);
char *layout_gen_line(unsigned g);
char *layout_shard_name(unsigned g, unsigned k);
char *layout_shard_line(unsigned g, unsigned k);

/* Which of n shards (or build parts) the article with key (schema_article_key) goes to: part
 * of the on-disk contract, so it must never change for an existing index. n <= 1 gives 0. */
unsigned layout_shard_of(const char *key, size_t len, unsigned n);

/* 1 if path is a folder holding a Xapian database of its own (not a stub). */
int layout_is_database(const char *path);

/* The highest N of the gen-N and gen-N-shard-K folders in dir (0 when none). */
unsigned layout_last_gen(const char *dir);

/* rm -rf path (no error when it is already gone). */
int layout_remove_tree(const char *path, struct trawl_error *err);
/* fsync every file below path and the folders themselves. */
int layout_sync_tree(const char *path, struct trawl_error *err);
/* Removes dir's tmp-* folders and gen-* folders the stub no longer names: leftovers of a run
 * that was killed. gen-* folders only when the stub exists and every local database it names
 * is there: otherwise they may be all that is left of a damaged index. A stub that is a
 * symbolic link: TRAWL_EINDEX, nothing removed. Call only with the
 * lock held. */
int layout_clean(const char *dir, struct trawl_error *err);

TRAWL_END_DECLS

#endif
