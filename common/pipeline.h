/* pipeline: overlaps analysis and writing. The producer (the caller's thread) submits jobs in
 * order; worker threads analyse articles into passage documents (each with its own analyzer);
 * one writer thread per index (Xapian allows one writer per database) applies the jobs routed
 * to it, in submission order, committing every batch in a transaction, so an interrupted run
 * leaves each index at its last committed batch. An article goes to index
 * pipeline_route(key) — the parts of a fresh build, or the shards of a sharded index.
 * Memory is bounded by a job count and a byte budget: submitting blocks while either is
 * exceeded. Internal to libtrawl (trawl_write.c drives it); depends on index, article,
 * passage and schema. */
#ifndef TRAWL_COMMON_PIPELINE_H
#define TRAWL_COMMON_PIPELINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/article.h"
#include "common/index.h"
#include "common/passage.h"
#include "common/schema.h"

enum job_kind {
    JOB_PUT,    /* analyse and write an article (replacing any old version) */
    JOB_REMOVE, /* delete an article */
    JOB_RECORD, /* rewrite an unchanged article's record (it was touched or moved) */
};

struct pipeline_opts {
    unsigned workers;          /* analysis threads (>= 1) */
    size_t batch_articles;     /* commit after this many changed articles; 0: no batches
                                  (scratch databases: Xapian flushes by itself) */
    size_t max_pending_bytes;  /* bytes of article text in flight at most */
    const char *lang;
    struct passage_opts passages;
    int article_terms;         /* article documents with ranking terms: a sharded index's
                                  (a single local index derives its article impact file) */
    volatile sig_atomic_t *cancel; /* NULL, or the caller's flag (trawl_writer_opts.cancel):
                                  once up, the threads stop between jobs, committing nothing
                                  more, and submitting and finishing fail TRAWL_ECANCELLED */
};

struct pipeline;

/* Starts the threads: o->workers analysers and one writer for each of ix[0..nix). */
int pipeline_start(struct index **ix, unsigned nix, const struct pipeline_opts *o,
                   struct pipeline **out, struct trawl_error *err);

/* Which of n indexes an article key belongs to (a stable hash: same key, same index). */
unsigned pipeline_route(const char *key, size_t len, unsigned n);

/* Submits an article (taking over a's fields; a is re-initialised) with its record.
 * Returns the writer's error once the writer has failed (the job is dropped). */
int pipeline_put(struct pipeline *p, struct article *a, const struct trawl_record *rec,
                 int is_new, struct trawl_error *err);
int pipeline_remove(struct pipeline *p, const char *id, struct trawl_error *err);
int pipeline_record(struct pipeline *p, const char *id, const struct trawl_record *rec,
                    struct trawl_error *err);

/* Progress so far (safe to call from the producer at any time). */
void pipeline_counts(struct pipeline *p, struct trawl_write_counts *c);

/* Drains the queue, commits, joins the threads and frees p. Returns the first error; the
 * final counts go to *c (may be NULL). */
int pipeline_finish(struct pipeline *p, struct trawl_write_counts *c, struct trawl_error *err);

/* Stops at once: drops queued jobs, cancels the open batch, joins and frees p. */
void pipeline_abort(struct pipeline *p);

#endif
