/* layout: how a trawl index lives on disk. An index is a folder DIR holding
 *   XAPIANDB   a Xapian stub file naming the live database(s), relative to DIR: "auto gen-N"
 *              for a single index, one "auto shard-K" line per shard, or "remote HOST:PORT"
 *              lines for shards served by xapian-tcpsrv
 *   gen-N/     a Xapian (glass) database; a rebuild writes gen-N+1 and switches the stub
 *   gen-N-shard-K/  the shards of a sharded index (generation N)
 *   tmp-PID/   the parts of a build in progress (removed when it ends or by the next run)
 *   .lock      held (flock) by the one indexer at work
 * Readers open DIR and Xapian follows the stub; switching a stub is an atomic rename, so a
 * reader sees either the old or the new database, never a half-built one.
 * Depends on libc and err only; knows nothing of Xapian's API. */
#ifndef TRAWL_COMMON_LAYOUT_H
#define TRAWL_COMMON_LAYOUT_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

#define LAYOUT_STUB "XAPIANDB"
/* Most shards an index may have: a stub listing more is refused when read (TRAWL_EINDEX). */
#define LAYOUT_MAX_SHARDS 64

/* Creates dir if missing and takes its lock without waiting: TRAWL_ELOCKED names the holder
 * when another process has it. *fd is released by layout_unlock (or by the process ending). */
int layout_lock(const char *dir, int *fd, struct terr *err);
void layout_unlock(int fd); /* -1 is ignored */

/* The stub's lines, in order ("auto gen-3", "remote 127.0.0.1:7001", ...): a malloc'ed array
 * of malloc'ed strings; free with layout_free_lines. No stub: TRAWL_ENOTFOUND. */
int layout_read_stub(const char *dir, char ***lines, size_t *n, struct terr *err);
void layout_free_lines(char **lines, size_t n);
/* Replaces the stub atomically (temporary file, fsync, rename, fsync of dir). */
int layout_write_stub(const char *dir, char *const *lines, size_t n, struct terr *err);

/* 1 if path is a folder holding a Xapian database of its own (not a stub). */
int layout_is_database(const char *path);

/* The highest N of the gen-N and gen-N-shard-K folders in dir (0 when none). */
unsigned layout_last_gen(const char *dir);

/* rm -rf path (no error when it is already gone). */
int layout_remove_tree(const char *path, struct terr *err);
/* fsync every file below path and the folders themselves. */
int layout_sync_tree(const char *path, struct terr *err);
/* Removes dir's tmp-* folders and gen-* folders the stub no longer names: leftovers of a run
 * that was killed. Call only with the lock held. */
int layout_clean(const char *dir, struct terr *err);

TRAWL_END_DECLS

#endif
