/* xdb: the C face of Xapian, implemented in xdb.cc (the only C++ file in trawl).
 * Knows nothing of trawl's schema (prefixes, slots and data layout live in schema.h and the
 * index modules, index_*.c, the only layer that includes this header: common/LAYERS).
 * Never throws: every Xapian or C++ exception is caught inside and becomes a status code
 * plus message in struct trawl_error. Strings cross the boundary as (const char *s, size_t len);
 * strings handed out are borrowed and valid until the call the function documents. An sbuf
 * passed as `out` is overwritten (reset first), not appended to. */
#ifndef TRAWL_COMMON_XDB_H
#define TRAWL_COMMON_XDB_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/sbuf.h"

TRAWL_BEGIN_DECLS

typedef struct xdb xdb;             /* a database, read-only or writable */
typedef struct xdb_doc xdb_doc;     /* a document being built */
typedef struct xdb_query xdb_query; /* an immutable query tree node */
typedef struct xdb_mset xdb_mset;   /* the results of one search */

typedef uint32_t xdb_docid; /* Xapian's docid; 0 is never a valid document */

/* ---- Opening ------------------------------------------------------------------------- */

enum xdb_mode {
    XDB_READ = 0,      /* read-only; path may be a database directory or a stub file */
    XDB_WRITE = 1,     /* writable, create if missing */
    XDB_OVERWRITE = 2, /* writable, replace any existing database at path */
};

/* Opens the database at path. A second writer gets TRAWL_ELOCKED at once (never waits).
 * A missing database opened for reading gives TRAWL_EINDEX with a message naming path.
 * XDB_NO_SYNC (or'ed into mode) skips fsync at commit: for fresh bulk builds only. */
#define XDB_NO_SYNC 0x100
int xdb_open(const char *path, int mode, xdb **out, struct trawl_error *err);

/* As xdb_open, but a damaged database is called name in messages, for the whole life of the
 * handle: the index the user named, when path is a temporary stub or a folder inside it.
 * Damage (Xapian's DatabaseCorruptError, DatabaseOpeningError and DatabaseVersionError, and a
 * DatabaseError reading bytes that are not there) is TRAWL_EINDEX worded by terr_damaged. */
int xdb_open_as(const char *path, const char *name, int mode, xdb **out, struct trawl_error *err);

/* Opens several databases (read-only) as one, Xapian combining their statistics. */
int xdb_open_many(const char *const *paths, size_t n, xdb **out, struct trawl_error *err);

/* Makes a reader see the latest committed state. */
int xdb_reopen(xdb *db, struct trawl_error *err);

/* NULL-safe; cannot fail. A writable database's uncommitted changes (and any transaction) are
 * dropped, never committed: what is durable is what xdb_commit or xdb_commit_tx said so of,
 * so a writer that stops half-way leaves the database at its last commit. */
void xdb_close(xdb *db);

/* ---- Writing (writable databases only) ---------------------------------------------- */

/* Xapian's transactions: changes between begin and commit_tx are applied all or nothing.
 * With flushed=1 (the right choice for trawl), commit_tx also commits to disk. */
int xdb_begin(xdb *db, int flushed, struct trawl_error *err);
int xdb_commit_tx(xdb *db, struct trawl_error *err);
int xdb_cancel_tx(xdb *db, struct trawl_error *err);
/* Commits pending changes outside a transaction (durable once it returns OK). */
int xdb_commit(xdb *db, struct trawl_error *err);

/* Replaces every document indexed by uid (a unique-id term) with doc, or adds it. */
int xdb_replace(xdb *db, const char *uid, size_t uid_len, const xdb_doc *doc, struct trawl_error *err);
/* Adds doc under a fresh docid (no unique-id check: callers that know it is new). */
int xdb_add(xdb *db, const xdb_doc *doc, xdb_docid *out, struct trawl_error *err);
/* Deletes every document indexed by term. */
int xdb_delete_term(xdb *db, const char *term, size_t len, struct trawl_error *err);

/* User metadata (key up to 200 bytes). An absent key reads as empty with TRAWL_OK. */
int xdb_meta_get(xdb *db, const char *key, struct sbuf *out, struct trawl_error *err);
int xdb_meta_set(xdb *db, const char *key, const char *val, size_t len, struct trawl_error *err);
/* What a callback tells the xdb function calling it: go on, or stop early. A callback that
 * fails keeps its own status in its ctx; the xdb function returns only its own status
 * (TRAWL_OK also when a callback stopped), never a callback's value: a "stop" and an error
 * code must not share one int. */
enum xdb_next { XDB_NEXT = 0, XDB_STOP = 1 };

/* Calls fn for each metadata key starting with prefix, in key order, with its value.
 * key/val are borrowed for the call only. */
typedef enum xdb_next (*xdb_meta_fn)(void *ctx, const char *key, size_t klen, const char *val,
                                     size_t vlen);
int xdb_meta_each(xdb *db, const char *prefix, xdb_meta_fn fn, void *ctx, struct trawl_error *err);

/* Adds freq to word's frequency in the spelling table. */
int xdb_add_spelling(xdb *db, const char *word, size_t len, unsigned freq, struct trawl_error *err);
/* Takes freq off word's frequency (the word goes when it reaches 0). */
int xdb_remove_spelling(xdb *db, const char *word, size_t len, unsigned freq,
                        struct trawl_error *err);

/* ---- Documents ----------------------------------------------------------------------- */

xdb_doc *xdb_doc_new(void); /* NULL on OOM */
void xdb_doc_free(xdb_doc *doc);
void xdb_doc_clear(xdb_doc *doc); /* empties it for reuse */
/* The longest term xdb accepts, in bytes (glass allows 245): the one term limit in trawl. */
#define XDB_MAX_TERM 240
/* A ranking term: wdf += wdfinc. Terms over XDB_MAX_TERM bytes are refused with TRAWL_EINPUT. */
int xdb_doc_add_term(xdb_doc *doc, const char *term, size_t len, unsigned wdfinc,
                     struct trawl_error *err);
/* A ranking term with a position (wdf += wdfinc). */
int xdb_doc_add_posting(xdb_doc *doc, const char *term, size_t len, unsigned pos,
                        unsigned wdfinc, struct trawl_error *err);
/* A boolean (filter) term: wdf 0, no position. */
int xdb_doc_add_boolean(xdb_doc *doc, const char *term, size_t len, struct trawl_error *err);
int xdb_doc_set_value(xdb_doc *doc, unsigned slot, const char *val, size_t len,
                      struct trawl_error *err);
int xdb_doc_set_data(xdb_doc *doc, const char *data, size_t len, struct trawl_error *err);

/* ---- Reading ------------------------------------------------------------------------- */

struct xdb_stats {
    uint64_t doccount;   /* documents */
    uint64_t lastdocid;  /* highest docid used */
    double avlength;     /* average document length (sum of wdf) */
    uint64_t total_length;
    uint64_t revision;   /* Xapian's revision of a single database (0 for several) */
    char uuid[40];       /* its UUID ("" for several, or when it has none) */
    int has_positions;
};
int xdb_stats(xdb *db, struct xdb_stats *out, struct trawl_error *err);

/* Documents containing term (its term frequency), and its collection frequency. */
int xdb_term_freq(xdb *db, const char *term, size_t len, uint64_t *docs, uint64_t *coll,
                  struct trawl_error *err);
/* Calls fn with each docid indexed by term, in ascending order. */
typedef enum xdb_next (*xdb_docid_fn)(void *ctx, xdb_docid id);
int xdb_postings(xdb *db, const char *term, size_t len, xdb_docid_fn fn, void *ctx,
                 struct trawl_error *err);
/* Calls fn with each docid indexed by term and its wdf there (term "": every document, with its
 * length in place of a wdf), in ascending docid order. */
typedef enum xdb_next (*xdb_wdf_fn)(void *ctx, xdb_docid id, uint64_t wdf);
int xdb_postings_wdf(xdb *db, const char *term, size_t len, xdb_wdf_fn fn, void *ctx,
                     struct trawl_error *err);
/* Calls fn with each document's value in slot (documents without one are left out), in
 * ascending docid order: the value stream, no document looked up. */
typedef enum xdb_next (*xdb_value_fn)(void *ctx, xdb_docid id, const char *val, size_t len);
int xdb_values_each(xdb *db, unsigned slot, xdb_value_fn fn, void *ctx, struct trawl_error *err);
/* The same, but fn says where to go on: the next posting at or after the docid it returns
 * (its argument + 1 for the next one; 0 stops), so that runs of postings can be skipped
 * inside Xapian. */
typedef xdb_docid (*xdb_skip_fn)(void *ctx, xdb_docid id);
/* Pseudo-relevance feedback: the best nterms terms to add to a query whose best documents are
 * docs[0..n) (Xapian's ESet, its default expansion weight), best first, each given to fn with
 * its weight. Left out: terms with a capital first letter (trawl's boolean terms) and those
 * for which skip(ctx, term, len) is non-zero (the query's own). */
typedef enum xdb_next (*xdb_eset_fn)(void *ctx, const char *term, size_t len, double weight);
typedef int (*xdb_skip_term_fn)(void *ctx, const char *term, size_t len);
int xdb_eset(xdb *db, const xdb_docid *docs, size_t n, unsigned nterms, xdb_skip_term_fn skip,
             xdb_eset_fn fn, void *ctx, struct trawl_error *err);
int xdb_postings_skip(xdb *db, const char *term, size_t len, xdb_skip_fn fn, void *ctx,
                      struct trawl_error *err);
/* *out = 1 when some document is indexed by both a and b, else 0: their posting lists
 * leapfrogged with skip_to, so the cost follows the rarer list (put it first), not the
 * longer one. */
int xdb_cooccur(xdb *db, const char *a, size_t alen, const char *b, size_t blen, int *out,
                struct trawl_error *err);
/* Calls fn with each term starting with prefix (all terms if "") and its doc frequency. */
typedef enum xdb_next (*xdb_term_fn)(void *ctx, const char *term, size_t len, uint64_t docs);
int xdb_terms_each(xdb *db, const char *prefix, xdb_term_fn fn, void *ctx, struct trawl_error *err);

/* A document's data, one value slot, its length and a term's wdf in it.
 * A docid that does not exist gives TRAWL_ENOTFOUND, but for xdb_doc_value: an empty value
 * (it reads the value without looking the document up, a third of the cost). */
int xdb_doc_data(xdb *db, xdb_docid id, struct sbuf *out, struct trawl_error *err);
int xdb_doc_value(xdb *db, xdb_docid id, unsigned slot, struct sbuf *out, struct trawl_error *err);
int xdb_doc_length(xdb *db, xdb_docid id, uint64_t *len, struct trawl_error *err);
/* Calls fn with each term of document id, in byte order, with its wdf in place of a document
 * count. A docid that does not exist gives TRAWL_ENOTFOUND. */
int xdb_doc_terms(xdb *db, xdb_docid id, xdb_term_fn fn, void *ctx, struct trawl_error *err);
int xdb_doc_wdf(xdb *db, xdb_docid id, const char *term, size_t len, uint64_t *wdf,
                struct trawl_error *err);

/* How many databases db combines (1 for a single one). Xapian numbers the documents of n
 * shards by interleaving: shard s's local docid d is (d - 1) n + s + 1, so documents that are
 * consecutive in one shard are n apart. Cannot fail. */
unsigned xdb_shard_count(xdb *db);
/* For each of the ndocs docids in docs (ascending, existing documents), its length and the
 * wdf of each of the nterms terms: wdf[i * nterms + j] is term j's wdf in docs[i] (0 when
 * absent), len[i] the document's length. One posting-list walk per term with skip_to, so the
 * cost is about nterms x ndocs skips, whatever the terms' document frequencies. */
int xdb_docs_wdf(xdb *db, const char *const *terms, const size_t *lens, size_t nterms,
                 const xdb_docid *docs, size_t ndocs, uint32_t *wdf, uint32_t *len,
                 struct trawl_error *err);
/* The best spelling correction Xapian knows for word (edit distance <= max_edits),
 * or "" when there is none. */
int xdb_spelling(xdb *db, const char *word, size_t len, unsigned max_edits, struct sbuf *out,
                 struct trawl_error *err);
/* How often word occurs in the spelling table (0: not there), summed over shards. */
int xdb_spelling_freq(xdb *db, const char *word, size_t len, uint64_t *freq, struct trawl_error *err);
/* Calls fn with each word of the spelling table starting with prefix[0..len) (every word
 * when len is 0), in byte order, with its frequency in place of a document count. */
int xdb_spellings_each(xdb *db, const char *prefix, size_t len, xdb_term_fn fn, void *ctx,
                       struct trawl_error *err);

/* ---- Queries ------------------------------------------------------------------------ */
/* Query nodes are reference-counted values: constructors copy what they are given (sub
 * queries included), so the caller frees its own nodes with xdb_query_free whenever it likes.
 * Constructors return NULL only on OOM. */

enum xdb_op {
    XDB_OP_AND,
    XDB_OP_OR,
    XDB_OP_AND_NOT,   /* first AND NOT (any of the rest) */
    XDB_OP_FILTER,    /* first, filtered by all of the rest (which do not weigh) */
    XDB_OP_AND_MAYBE, /* first, weighted up by the rest */
    XDB_OP_SYNONYM,   /* the union, weighted as one term */
    XDB_OP_PHRASE,    /* positional; needs positions in the index */
    XDB_OP_MAX,       /* any; weighs as its best-weighing sub query */
};

xdb_query *xdb_query_term(const char *term, size_t len, unsigned wqf);
/* How a wildcard's expansions combine: OR (each weighs), SYNONYM (weighed as one term, with
 * collection statistics Xapian estimates per database: scores then differ between sharded
 * and unsharded databases), MAX (the best expansion weighs; exact statistics). */
enum xdb_wildcard { XDB_WILDCARD_OR = 0, XDB_WILDCARD_SYNONYM = 1, XDB_WILDCARD_MAX = 2 };
/* Every term starting with prefix, combined as `how` says, expanding to at most
 * max_expansion terms (0: no limit); more makes xdb_search() fail with TRAWL_EINPUT. */
xdb_query *xdb_query_wildcard(const char *prefix, size_t len, unsigned max_expansion,
                              int how);
xdb_query *xdb_query_op(enum xdb_op op, xdb_query *const *subs, size_t n);
/* Documents whose value in slot lies in [lo, hi] (string order; NULL = open end). */
xdb_query *xdb_query_value_range(unsigned slot, const char *lo, const char *hi);
xdb_query *xdb_query_scale(const xdb_query *q, double factor);
xdb_query *xdb_query_match_all(void);
xdb_query *xdb_query_match_nothing(void);
void xdb_query_free(xdb_query *q); /* NULL-safe */
/* Xapian's description of the query (for TRAWL_DEBUG_QUERY). */
int xdb_query_describe(const xdb_query *q, struct sbuf *out);

/* ---- Searching ---------------------------------------------------------------------- */

enum xdb_weighting {
    XDB_WEIGHT_BM25 = 0,     /* Xapian's BM25Weight */
    XDB_WEIGHT_BM25PLUS = 1, /* Xapian's BM25PlusWeight (idf log((N+1)/n), plus delta) */
    XDB_WEIGHT_BOOL = 2,     /* every match weighs 0 */
};

/* Called for each candidate document (before it can enter the results) with its data; return
 * non-zero to keep it. Must not longjmp or throw. Unsupported on remote databases: there the
 * search fails with TRAWL_EINPUT. */
typedef int (*xdb_decider_fn)(void *ctx, xdb_docid id, const char *data, size_t len);

struct xdb_search_opts {
    enum xdb_weighting weighting;
    double k1, b, min_normlen, delta; /* BM25 parameters (delta for BM25+) */
    unsigned offset, count;           /* the window of results wanted */
    unsigned check_at_least;          /* as Xapian's get_mset (0: Xapian's default) */
    int collapse_slot;                /* -1: no collapsing */
    unsigned collapse_max;            /* documents kept per collapse key (>= 1) */
    int sort_slot;                    /* -1: relevance then docid; else relevance then this
                                         value ascending (deterministic ties) */
    int order_slot;                   /* -1: by relevance (sort_slot above); else by this
                                         value first (byte order), then relevance, then docid;
                                         sort_slot is ignored */
    int order_desc;                   /* with order_slot: the value descending. Documents
                                         without the value come last either way */
    xdb_decider_fn decider;           /* optional */
    void *decider_ctx;
};
void xdb_search_opts_init(struct xdb_search_opts *o); /* BM25, k1 1.2, b 0.75, count 10 */

int xdb_search(xdb *db, const xdb_query *q, const struct xdb_search_opts *o, xdb_mset **out,
               struct trawl_error *err);
void xdb_mset_free(xdb_mset *m);

size_t xdb_mset_size(const xdb_mset *m);
/* Xapian's estimates of the total number of matches (after collapsing). */
uint64_t xdb_mset_estimated(const xdb_mset *m);
uint64_t xdb_mset_lower_bound(const xdb_mset *m);
uint64_t xdb_mset_upper_bound(const xdb_mset *m);

struct xdb_hit {
    xdb_docid docid;
    double weight;
    uint64_t collapse_count; /* how many more documents shared its collapse key (lower bound) */
    const char *data;        /* borrowed: valid until the mset is freed */
    size_t data_len;
};
/* Fills the i-th hit of the window (0-based). TRAWL_ERETRY when the database changed. */
int xdb_mset_hit(xdb_mset *m, size_t i, struct xdb_hit *out, struct trawl_error *err);
/* The i-th hit's docid, weight and sort key (the value sorted by, xdb_search_opts.sort_slot;
 * "" without one; borrowed until the mset is freed), without reading its document. */
int xdb_mset_rank(xdb_mset *m, size_t i, xdb_docid *docid, double *weight, const char **key,
                  size_t *key_len, struct trawl_error *err);
/* Calls fn with each query term that the i-th hit contains, in query order. */
int xdb_mset_matching_terms(xdb_mset *m, size_t i, xdb_term_fn fn, void *ctx,
                            struct trawl_error *err);

/* Failures no status can report: Xapian 1.4.22 can end the process with std::terminate when
 * a write fails while it is still handling an earlier failed write (seen in commit with a
 * full disk or a file size limit: an exception leaves a destructor). After xdb_on_fatal(fn),
 * such an end calls fn first, from the failing thread, with Xapian's description of the error
 * (or a note that there was none). fn should report and _exit; if it returns, the process
 * aborts as before. Commits are atomic: the database keeps its last commit. */
typedef void (*xdb_fatal_fn)(const char *what);
void xdb_on_fatal(xdb_fatal_fn fn);

/* Versions of the libraries behind xdb ("1.4.22"). */
const char *xdb_xapian_version(void);

/* ---- Compaction --------------------------------------------------------------------- */

/* Compacts (and merges, when n > 1) the databases at srcs into a new database at dst.
 * Metadata keys present in several sources keep the first source's value, except keys that
 * start with sum_prefix (when not NULL): their values are decimal counts, and the merged
 * value is their sum. A malformed count there is TRAWL_EINDEX. On failure dst may hold a
 * partial database: the caller removes it. */
int xdb_compact(const char *const *srcs, size_t n, const char *dst, const char *sum_prefix,
                struct trawl_error *err);

/* ---- For tests: a revision discarded under a reader ---------------------------------- */

/* An indexer committing twice while a reader reads makes Xapian discard the revision being
 * read (DatabaseModifiedError, TRAWL_ERETRY), at whichever read comes next: a race no test
 * can time. From this call on, the reads of read-only databases (each xdb call that reads
 * one, its opening and xdb_reopen, and each step of xdb_spellings_each after a word went
 * out) are counted, process-wide, and the nth fails as that race does, once; the ones after
 * it are still counted. 0 stops counting (the default); ULONG_MAX counts and fails none.
 * Tests only: not thread-safe with respect to which thread's read is the nth. */
void xdb_test_discard(unsigned long nth);
/* The reads counted since the last xdb_test_discard. */
unsigned long xdb_test_reads(void);

TRAWL_END_DECLS

#endif
