/* index: trawl's index on top of xdb. Knows the schema (schema.h), builds passage documents
 * from articles, keeps article and source records for incremental runs, turns parsed queries
 * into Xapian queries and results into passages. The API layer (trawl*.c) is built on it;
 * only the index modules include xdb.h, and the API reaches the text layer (queries, analysis,
 * snippets) only through this header. Depends on schema, analyze, passage, article, query and
 * snippet (struct index_hl, the highlighting its results ask for, and struct trawl_snippet). */
#ifndef TRAWL_COMMON_INDEX_H
#define TRAWL_COMMON_INDEX_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/analyze.h"
#include "common/article.h"
#include "common/err.h"
#include "common/passage.h"
#include "common/query.h"
#include "common/sbuf.h"
#include "common/schema.h"
#include "common/snippet.h"

TRAWL_BEGIN_DECLS

struct index;

enum index_mode {
    INDEX_READ = 0,
    INDEX_WRITE = 1,   /* create when missing */
    INDEX_REBUILD = 2, /* start from an empty index */
};

struct index_open_opts {
    struct trawl_open_opts pub; /* trawl_open's (allow_partial: reading a sharded index, open
                                   the shards that are up) */
    enum index_mode mode;
    const char *lang; /* stemmer for a new index (NULL: english); an existing index keeps its
                         own, and a different explicit lang is an error */
    int no_sync;      /* skip fsync (fresh bulk builds) */
    int plain;        /* path is itself a Xapian database (a part or shard), no stub */
    int no_repair;    /* a writer about to replace the index (--rebuild): leave an article
                         database that is a batch ahead as it is (index_repair) */
};

/* Opens the index at path. Reading a missing index, one of another schema version or
 * analyzer version: TRAWL_EINDEX with a message that says what to do. A second writer:
 * TRAWL_ELOCKED. */
int index_open(const char *path, const struct index_open_opts *o, struct index **out,
               struct trawl_error *err);
void index_close(struct index *ix); /* NULL-safe; a writer's uncommitted work is dropped */
int index_reopen(struct index *ix, struct trawl_error *err);
const char *index_lang(const struct index *ix);
const char *index_path(const struct index *ix);
/* The analyzer of the index's language (english when none is recorded), as searches use it:
 * made on first use, owned by ix and valid until index_close. TRAWL_EINPUT when this build
 * has no stemmer for the language, TRAWL_ENOMEM. */
int index_analyzer(struct index *ix, struct analyzer **out, struct trawl_error *err);
/* Why results may be partial (some shards unavailable, with pub.allow_partial), or NULL. */
const char *index_warning(const struct index *ix);

/* ---- Fresh builds ------------------------------------------------------------------- */

/* A build from nothing into nparts scratch databases (written in parallel, one writer thread
 * each), merged at the end by Xapian's compactor into a new generation of the index at path,
 * which then replaces the old one atomically. The caller holds the index lock (layout_lock).
 * Until index_build_finish returns, readers see the previous index, untouched. */
struct index_build;
/* merge != 0: the parts are merged into one database; merge == 0: they become the shards of
 * the index (gen-N-shard-K, in part order), listed in its stub. */
int index_build_start(const char *path, unsigned nparts, const char *lang, int merge,
                      struct index_build **out, struct trawl_error *err);
/* Part i, to write to as to any index (owned by the build). */
struct index *index_build_part(struct index_build *b, unsigned i);
/* Commits the parts, merges them, switches the index to the result; frees b either way.
 * cancel (NULL, or the caller's flag, trawl_writer_opts.cancel) is read between the steps up
 * to the switch: once up, TRAWL_ECANCELLED and the index stays as it was. */
int index_build_finish(struct index_build *b, volatile sig_atomic_t *cancel,
                       struct trawl_error *err);
/* Drops the build: the index stays as it was. NULL-safe. */
void index_build_abort(struct index_build *b);
/* For a process about to end abruptly inside Xapian (xdb_on_fatal says when): such an end
 * first removes the scratch folder of the build started last and not yet finished or dropped,
 * if any, then calls fn (NULL: none) with what failed. */
void index_on_fatal(void (*fn)(const char *msg));

/* The local databases a writer must open for the index at path: one for a single index, one
 * per shard (in stub order) for a sharded one (malloc'ed array of malloc'ed paths: free with
 * layout_free_lines). A new or plain index gives path itself, with *sharded = 0. Remote
 * shards: TRAWL_EINPUT (they are updated on the machine that holds them). */
int index_writer_paths(const char *path, char ***paths, size_t *n, int *sharded,
                       struct trawl_error *err);

/* Compacts the index at path (merging its shards, if any, into one database) into a new
 * generation and switches to it. The caller holds the lock. */
int index_compact(const char *path, struct trawl_error *err);
/* Makes the article impact file (common/impact.h) of the index at path anew unless it matches
 * the index's article database already; nothing for a sharded or remote index. The caller
 * holds the lock (a writer's run or compaction has just ended). TRAWL_EIO, TRAWL_ENOMEM, and
 * index errors. */
int index_impacts_refresh(const char *path, struct trawl_error *err);
/* What index_impacts_derive did: articles, and title terms taken off articles' sums. */
struct index_derive_stats {
    size_t articles, title_terms;
};
/* Writes at file (NULL: the article database's own impact file) the article impact file of
 * the single local index at path (or one local shard's folder) derived from its passage
 * database (index_derive.c), as index_impacts_refresh does after each run. stats may be NULL.
 * TRAWL_ENOTFOUND for a sharded or remote index (no impact files); TRAWL_EINDEX when the
 * two databases disagree; TRAWL_EIO, TRAWL_ENOMEM. */
int index_impacts_derived(const char *path, const char *file, struct index_derive_stats *stats,
                          struct trawl_error *err);
/* Writes into folder the impact file of the article database of the local database at path
 * from that database's own postings (a sharded index's shard has ranking terms on its article
 * documents: what the derivation is checked against). TRAWL_ENOTFOUND when path is not one
 * local database; TRAWL_EIO, TRAWL_ENOMEM, index errors. */
int index_impacts_written(const char *path, const char *folder, struct trawl_error *err);

/* ---- Writing ------------------------------------------------------------------------ */

/* An article analysed into passage documents, ready for index_put. Built by any thread with
 * that thread's own analyzer; owned by the caller until index_put or index_prep_free. */
struct index_prep;
/* article_terms: the article document gets its ranking terms (a sharded index's shards);
 * else only its boolean terms, values and data (a single local index, whose article impact
 * file is derived from the passages). */
int index_prepare(struct analyzer *an, const struct article *a, const struct passage_opts *po,
                  int article_terms, const struct trawl_record *rec, struct index_prep **out,
                  struct trawl_error *err);
void index_prep_free(struct index_prep *p); /* NULL-safe */
size_t index_prep_passages(const struct index_prep *p);
const char *index_prep_id(const struct index_prep *p);

/* Writes an article's passages and record, replacing what the index held for that article
 * (is_new != 0 skips the delete, for articles known to be absent). Consumes nothing: free p
 * afterwards. Changes are durable after index_commit. */
int index_put(struct index *ix, const struct index_prep *p, int is_new, struct trawl_error *err);
/* Rewrites an article's record only (its passages stay as they are). */
int index_set_record(struct index *ix, const char *id, const struct trawl_record *rec,
                     struct trawl_error *err);
/* Deletes an article's passages and record. id may also be an article key as
 * index_each_article reports it (keys of short ids are the ids themselves). */
int index_remove(struct index *ix, const char *id, struct trawl_error *err);

/* Starts a batch (a Xapian transaction); index_commit makes it durable, index_cancel drops it.
 * Outside a batch, index_commit commits what is pending. */
int index_begin(struct index *ix, struct trawl_error *err);
int index_commit(struct index *ix, struct trawl_error *err);
int index_cancel(struct index *ix, struct trawl_error *err);

/* The record of an article (TRAWL_ENOTFOUND when absent). Strings in rec point into store. */
int index_article(struct index *ix, const char *id, struct trawl_record *rec,
                  struct sbuf *store, struct trawl_error *err);
/* Calls fn for every article record (in id-key order); a non-zero value from fn stops, and
 * is what index_each_article returns. */
int index_each_article(struct index *ix, trawl_record_fn fn, void *ctx, struct trawl_error *err);
int index_source(struct index *ix, const char *path, struct trawl_source *s, struct trawl_error *err);
int index_set_source(struct index *ix, const char *path, const struct trawl_source *s,
                     struct trawl_error *err);
int index_forget_source(struct index *ix, const char *path, struct trawl_error *err);

/* ---- Statistics -------------------------------------------------------------------- */

/* The statistics trawl_stats reports (trawl.h). Retries as index_retry does. */
int index_stats(struct index *ix, struct trawl_stats *st, struct trawl_error *err);
/* What the index holds, cheaply (two lookups, where index_stats walks every article): its
 * articles (the passages that end one) and its passages. Retries as index_retry does. */
int index_counts(struct index *ix, uint64_t *articles, uint64_t *passages, struct trawl_error *err);

/* ---- Searching --------------------------------------------------------------------- */

/* A search's options are trawl.h's struct trawl_search_opts (index_search reads every field
 * but all_words, plain and duplicates, which the query's parsing and trawl_search use). */

struct index_hit {
    struct trawl_hit pub;       /* what trawl_results_hit hands out: the passage (borrowed
                                   from the results), the score, and more (a lower bound) */
    uint32_t docid;
    double passage;             /* the best passage's BM25 score (score before article ranking) */
    uint32_t art;               /* 1 + its candidate number in article ranking; 0: not ranked */
    int moved;                  /* docid is another passage than the best scoring one */
    int partial;                /* pub.passage holds the article id alone (article-first, its
                                   sort key): index_hit_full reads the rest */
};

/* Where a query word is in the query text: byte ranges [start, end), in query order. */
struct index_spans {
    struct trawl_span *v;
    size_t n;
};
void index_spans_free(struct index_spans *s, size_t n); /* n entries; NULL-safe */

struct index_results {
    struct index_hit *hits;
    size_t n;
    uint64_t estimated;         /* estimated matches (articles when collapsing) */
    int exact;                  /* estimated is the exact count */
    struct index_hl hl;
    char **unknown; size_t nunknown; /* query words (folded) not in the index */
    char **known; size_t nknown;     /* query words (folded, not excluded) in the index */
    char **rank_terms; size_t nrank;  /* the index terms that weigh (for explain) */
    char **rank_prefixes; size_t nrankp; /* the wildcard prefixes that weigh */
    /* Near-duplicates (trawl_search_opts.duplicates 0, per_article 1): dups[i] holds the
     * articles folded into hit i (ndups entries; NULL when not grouped). */
    struct index_dup_list *dups; size_t ndups;
    void *priv;
    struct index_spans *unknown_at; /* nunknown: where each unknown word is in the query */
    struct index_spans *known_at;   /* nknown: where each known word is */
};

/* The passages of the articles folded into one shown hit, best first (copies whose strings
 * borrow the results' data). */
struct index_dup_list {
    struct trawl_passage *v;
    size_t n;
};

/* Runs a parsed query with o (trawl_search's meaning: the every-passage view ranks with
 * passage_k1 and passage_b; near-duplicates are folded, into dups, unless o->duplicates).
 * Words are analysed with the index's analyzer. A reader whose index changed under it
 * reopens and runs the whole search again (a few times at most: TRAWL_ERETRY when the indexer
 * keeps committing faster). Empty results are TRAWL_OK with n = 0. */
int index_search(struct index *ix, const struct qnode *q, const struct trawl_search_opts *o,
                 struct index_results **out, struct trawl_error *err);
void index_results_free(struct index_results *r); /* NULL-safe */

/* Why a hit scored what it did, as trawl_explain tells it (trawl.h: struct trawl_explanation,
 * one term per weighing term or wildcard of the query). Release out with
 * index_explanation_release (what trawl_explanation_release does). When the indexer has
 * committed since the search, the same passages are explained as the index is now (reopened
 * as index_retry does), or, when one has changed or left, TRAWL_ENOTFOUND: search again. */
int index_explain(struct index *ix, const struct index_results *r, size_t i,
                  struct trawl_explanation *out, struct trawl_error *err);
void index_explanation_release(struct trawl_explanation *e);

/* One passage of an article (TRAWL_ENOTFOUND when there is none). p points into store.
 * Retries as index_retry does, as do index_each_passage (whose fn sees each passage once, all
 * of one revision) and the spelling reads below. */
int index_passage(struct index *ix, const char *id, unsigned ordinal, struct sbuf *store,
                  struct trawl_passage *p, struct trawl_error *err);
/* Calls fn with every passage of an article in ordinal order (none: TRAWL_ENOTFOUND), as
 * trawl_each_passage: non-zero from fn stops (still TRAWL_OK). */
int index_each_passage(struct index *ix, const char *id, trawl_passage_fn fn, void *ctx,
                       struct trawl_error *err);

/* Formats statistics as "name  value" lines (the --stats output of both programs). */
int index_stats_format(const char *path, const struct trawl_stats *st, struct sbuf *out);

/* Xapian's spelling suggestion for a word (folded), "" when none. */
int index_suggest(struct index *ix, const char *word, size_t len, struct sbuf *out,
                  struct trawl_error *err);

/* A far more frequent close spelling of word (folded), a word the index has: "" unless
 * the word has at least INDEX_RARE_MIN_CHARS characters, Xapian's best suggestion is within
 * edit distance 1 (2 from INDEX_RARE_LONG_CHARS characters on), starts with the same letter,
 * has another stem and occurs more than INDEX_RARE_RATIO times as often as the word
 * (index_rare.c says why). *word_freq and
 * *sug_freq (may be NULL) get both frequencies in the spelling table. */
#define INDEX_RARE_RATIO 100
#define INDEX_RARE_MIN_CHARS 5
#define INDEX_RARE_LONG_CHARS 8
#define INDEX_RARE_MAX_FREQ 100      /* a word this frequent is looked at only when it is */
#define INDEX_RARE_MAX_SHARE 3e-6    /* at most this share of the index's words */
int index_suggest_rare(struct index *ix, const char *word, size_t len, struct sbuf *out,
                       uint64_t *word_freq, uint64_t *sug_freq, struct trawl_error *err);

/* Calls fn with each word of the spelling table starting with prefix[0..len) (folded words,
 * so fold the prefix first), in byte order, with its frequency; word is borrowed for the
 * call. Non-zero from fn stops (still TRAWL_OK). A retry goes on after the last word fn had. */
int index_complete(struct index *ix, const char *prefix, size_t len, trawl_complete_fn fn,
                   void *ctx, struct trawl_error *err);

/* ---- Text as the index reads it (index_text.c) ---------------------------------------- */

/* Parses query[0..len) as query_parse does (plain: as query_parse_plain, every word a word);
 * *out is freed with index_parse_free and may be NULL for plain text without a word. On a
 * syntax error TRAWL_EINPUT with the 1-based column in *col. TRAWL_ENOMEM. */
int index_parse(const char *query, size_t len, int plain, const struct query_opts *o,
                struct qnode **out, size_t *col, struct trawl_error *err);
void index_parse_free(struct qnode *root); /* NULL-safe */

/* The highlights of r's query in text[0..len) and the window shown (snippet_make), analysed
 * with ix's analyzer; r NULL: nothing highlighted. Release out with snippet_release. */
int index_snippet(struct index *ix, const struct index_results *r, const char *text,
                  size_t len, size_t width, struct trawl_snippet *out, struct trawl_error *err);

/* Calls fn with each word of text[0..len) as ix analyses it: its folded form and its index
 * term, both borrowed for the call. fn returns 0 to go on, non-zero to stop (still TRAWL_OK).
 * TRAWL_ENOMEM; TRAWL_EINPUT when this build has no stemmer for the index's language. */
int index_words(struct index *ix, const char *text, size_t len, trawl_word_fn fn, void *ctx,
                struct trawl_error *err);

/* text[0..len) folded as tok folds words (any index: folding has no language), the words
 * joined by one space, appended to out. TRAWL_ENOMEM only. */
int index_fold(const char *text, size_t len, struct sbuf *out, struct trawl_error *err);

/* Whether an index can be built in lang, and the languages it can (stem_known and
 * stem_languages: a static, NULL-terminated list). */
int index_language_known(const char *lang);
const char **index_languages(void);

/* The Xapian version in use ("1.4.22"), for the API's version line. */
const char *index_xapian_version(void);

TRAWL_END_DECLS

#endif
