/* impact: trawl's own copy of an article database's postings, laid out for its BM25 matcher.
 *
 * An article database (one Xapian document per article) answers the default view's first
 * question, "which articles". Xapian's matcher spends about 60 instructions a posting on it
 * (a B-tree cursor per list, a virtual call per posting, a document-length look-up through
 * another list). The impact file holds the same facts flat: each word's postings (docid gaps
 * and wdf, varint-coded, docids ascending), each document's length and article id in arrays
 * indexed by docid, and the database's revision and UUID. impact_top scores them with
 * Xapian's BM25 formula, operation for operation, and orders the best k as Xapian's
 * sort by relevance then value does (weight, then article id, then docid); impact_match does
 * the same for a query of words with operators (a tree of OR, AND, AND_NOT and AND_MAYBE).
 *
 * The file is derived: the article database stays the truth. A reader uses it only while its
 * revision and UUID are those of the database it has open (index_impact.c), so a stale,
 * missing or malformed file costs speed (the search goes through Xapian), never a result.
 * The file is written beside the database's own files under a temporary name, synced and
 * renamed into place, so a reader maps either the old file or the new one, whole.
 *
 * Storage layer, for the index modules alone (common/LAYERS); knows no Xapian. */
#ifndef TRAWL_COMMON_IMPACT_H
#define TRAWL_COMMON_IMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

#define IMPACT_FILE "trawl-impacts" /* in the article database's folder */

/* What the file was made from: the database's identity and statistics. */
struct impact_info {
    uint64_t revision;     /* the article database's revision */
    char uuid[40];         /* and its UUID, NUL-terminated */
    uint64_t doccount;     /* documents (Xapian's collection size) */
    uint64_t total_length; /* sum of their lengths */
    uint32_t lastdocid;    /* highest docid: the per-document arrays run 0..lastdocid */
};

/* ---- The file's layout (the one definition: impact.c, and tests that damage files) --------
 * Native byte order (IMPACT_MARK refuses a file from another kind of machine); every section
 * at an 8-byte boundary, at the offsets the header gives:
 *   header (IMPACT_HEADER bytes)
 *   postings   per term: varint(docid - previous docid) varint(wdf), docids ascending
 *   term text  the terms, back to back
 *   terms      struct impact_term per term, in ascending byte order of the term
 *   lengths    uint32 per docid 0..lastdocid (0: no document)
 *   key ends   uint32 per docid 0..lastdocid + 1: docid d's article id is
 *              keys[ends[d] .. ends[d + 1])
 *   keys       the article ids, back to back
 *   skips      struct impact_skip per IMPACT_SKIP_EVERY postings of a term past its first
 *              block, the terms' entries back to back in the terms' order (version 2) */
#define IMPACT_MAGIC "TRAWLIMP"
#define IMPACT_VERSION 2u
#define IMPACT_SKIP_EVERY 64
#define IMPACT_MARK 0x01020304u
#define IMPACT_HEADER 256

struct impact_header {
    char magic[8];
    uint32_t version, mark;
    uint64_t revision;
    char uuid[40];
    uint64_t doccount, total_length;
    uint32_t lastdocid, nterms;
    uint64_t post_off, post_len;
    uint64_t text_off, text_len;
    uint64_t terms_off;
    uint64_t lens_off;
    uint64_t ends_off;
    uint64_t keys_off, keys_len;
    uint64_t size; /* the whole file */
    uint64_t skips_off, nskips;
};

struct impact_term {
    uint64_t post;  /* offset of its postings in the postings section */
    uint32_t bytes; /* their length */
    uint32_t df;    /* how many */
    uint32_t text;  /* offset of the term in the term text */
    uint32_t len;   /* its length */
    uint32_t skip;  /* its first skip entry; it has (df - 1) / IMPACT_SKIP_EVERY of them */
    uint32_t zero;  /* 0 */
};

/* Where a term's block b >= 1 (its postings b x IMPACT_SKIP_EVERY onwards) begins: entry
 * b - 1 of the term's, so that a walk can jump over whole blocks below a docid it seeks. */
struct impact_skip {
    uint32_t docid; /* the docid of the block's previous posting (its first gap's base) */
    uint32_t off;   /* the block's first byte, from the term's first */
};

/* ---- Writing ------------------------------------------------------------------------------ */

struct impact_writer;

/* Starts the file for info at path (written at path.tmp until impact_writer_commit).
 * Owned: impact_writer_free. TRAWL_EIO (cannot create), TRAWL_ENOMEM. */
int impact_writer_new(const char *path, const struct impact_info *info,
                      struct impact_writer **out, struct trawl_error *err);
/* Document id's length (any order, 1..lastdocid) and its article id (key, copied; docids
 * strictly ascending: a document without one has an empty key). TRAWL_EINPUT for a docid out
 * of range or order; TRAWL_ENOMEM. */
int impact_writer_len(struct impact_writer *w, uint32_t id, uint32_t len, struct trawl_error *err);
int impact_writer_key(struct impact_writer *w, uint32_t id, const char *key, size_t klen,
                      struct trawl_error *err);
/* Begins a term's postings: terms in strictly ascending byte order (TRAWL_EINPUT if not). */
int impact_writer_term(struct impact_writer *w, const char *term, size_t len,
                       struct trawl_error *err);
/* One posting of the current term: docids strictly ascending, wdf >= 1. TRAWL_EINPUT out of
 * order or range; TRAWL_EIO. */
int impact_writer_posting(struct impact_writer *w, uint32_t id, uint32_t wdf,
                          struct trawl_error *err);
/* Writes the tables, syncs, and renames path.tmp to path (then syncs its folder). TRAWL_EIO.
 * Whatever the outcome, only impact_writer_free may follow. */
int impact_writer_commit(struct impact_writer *w, struct trawl_error *err);
/* Frees w, removing path.tmp unless committed. NULL-safe. */
void impact_writer_free(struct impact_writer *w);

/* The identity recorded in the file at path, read from its header alone: TRAWL_ENOTFOUND when
 * there is no file, TRAWL_EINDEX when it is not an impact file of this version. */
int impact_peek(const char *path, struct impact_info *out, struct trawl_error *err);

/* ---- Reading ------------------------------------------------------------------------------ */

struct impact;

/* Maps the file at path and checks its tables' bounds. TRAWL_ENOTFOUND: no file; TRAWL_EINDEX:
 * not a well-formed impact file; TRAWL_EIO; TRAWL_ENOMEM. Owned (one reference):
 * impact_close. */
int impact_open(const char *path, struct impact **out, struct trawl_error *err);
/* Another reference to im (for results that point into it); im itself. */
struct impact *impact_ref(struct impact *im);
/* Drops a reference; the last one unmaps. NULL-safe. */
void impact_close(struct impact *im);
const struct impact_info *impact_info(const struct impact *im);
/* Documents indexed by term (0 when it has none). */
uint64_t impact_df(const struct impact *im, const char *term, size_t len);

/* One leaf of an OR query: a term and its Xapian BM25 term weight (idf x query factor x
 * (k1 + 1), as BM25Weight::init computes it). A term given twice is two leaves, as in Xapian. */
struct impact_leaf {
    const char *term;
    size_t len;
    double weight;
};

struct impact_bm25 {
    double k1, b, min_normlen;
};

struct impact_hit {
    uint32_t docid;
    double weight;
    const char *key; /* the article id: points into the mapping (valid while im is) */
    size_t klen;
};

/* Up to this many leaves impact_top walks the postings a document at a time; beyond, a term
 * at a time. Both give the same answer, bit for bit (tests/unit/test_impact.c). */
#define IMPACT_DAAT_LEAVES 16

/* The best k documents for the OR of the leaves, best first, into out[0..*n); *matched: how
 * many documents match at all (exact). Scores as Xapian's BM25Weight (k2 0, k3 1) summed over
 * the leaves in their order. Up to IMPACT_DAAT_LEAVES leaves, the leaves' postings are merged
 * a document at a time, and a document whose leaves' weights (each leaf's bound) sum below
 * the k-th best so far is counted but not scored; with more, a term at a time into
 * per-document accumulators that im keeps between calls (13 bytes a document, mapped at the
 * first such call). One call at a time per im, as trawl.h's handles are used. TRAWL_EINDEX:
 * the file's postings or a leaf's term entry are malformed (the caller drops the file);
 * TRAWL_ENOMEM. */
int impact_top(struct impact *im, const struct impact_leaf *leaves, size_t nleaves,
               const struct impact_bm25 *p, size_t k, struct impact_hit *out, size_t *n,
               uint64_t *matched, struct trawl_error *err);

/* A boolean query over the leaves, as Xapian's matcher runs its query tree (impact_match).
 * IMPACT_LEAF: leaves[leaf]. The others have nkids >= 1 kids: IMPACT_OR matches any kid and
 * weighs the sum of those that match; IMPACT_AND all of them, their sum; IMPACT_AND_NOT
 * kids[0] and none of the rest, kids[0]'s weight alone (Xapian weighs an AND_NOT's right side
 * with factor 0); IMPACT_AND_MAYBE kids[0], its weight plus those of the other kids that match
 * too. Sums run in the kids' order. */
/* IMPACT_FILTER: kids[0] (one kid) at the documents d < nallow with allow[d] non-zero alone,
 * its weight kids[0]'s: Xapian's FILTER, whose filters Xapian decided into allow. With no
 * kid: those documents themselves, weighing 0 (a filter under NOT, AND or OR). */
enum impact_op { IMPACT_LEAF, IMPACT_OR, IMPACT_AND, IMPACT_AND_NOT, IMPACT_AND_MAYBE,
                 IMPACT_FILTER };

struct impact_node {
    enum impact_op op;
    size_t leaf;                           /* IMPACT_LEAF */
    const struct impact_node *const *kids; /* the others */
    size_t nkids;
    const uint8_t *allow;                  /* IMPACT_FILTER */
    size_t nallow;
};

/* Nodes (counted as the tree is walked, a node reached twice counting twice) and depth
 * impact_match takes; a larger tree is TRAWL_EINPUT. */
#define IMPACT_TREE_NODES 4096
#define IMPACT_TREE_DEPTH 128

/* As impact_top, for the tree at root over leaves[0..nleaves): the best k matching documents,
 * best first (weight, then article id, then docid), into out[0..*n); *matched: how many
 * documents match (exact). A document at a time, every match scored (no pruning), each
 * node's postings sought over the skip entries; a leaf whose term the file lacks matches
 * nothing. A leaf's part is BM25Weight's, operation for operation, as impact_top's; the
 * nodes sum their kids' parts as the tree says (Xapian adds along its own tree: at most a
 * last-bit difference). TRAWL_EINPUT: a node of another op, of no kids (but a FILTER, of
 * one at most), a FILTER without its set, a leaf index out of range, or a tree past
 * IMPACT_TREE_NODES or IMPACT_TREE_DEPTH; TRAWL_EINDEX: the file's
 * postings or a leaf's term entry are malformed (the caller drops the file); TRAWL_ENOMEM. */
int impact_match(struct impact *im, const struct impact_node *root,
                 const struct impact_leaf *leaves, size_t nleaves, const struct impact_bm25 *p,
                 size_t k, struct impact_hit *out, size_t *n, uint64_t *matched,
                 struct trawl_error *err);

/* For each i < n: the run of docids around docs[i] whose article id is keys[i][0..klens[i])
 * (an article's passages, consecutive documents of one database), its length into runs[i],
 * and how many of its documents the tree at root matches into counts[i] (the leaves'
 * weights unused). Runs are walked in docid order, each once however often given.
 * TRAWL_ENOTFOUND: docs[i] lacks that article id (the caller asks Xapian); TRAWL_EINPUT,
 * TRAWL_EINDEX and TRAWL_ENOMEM as impact_match. */
int impact_match_runs(struct impact *im, const struct impact_node *root,
                      const struct impact_leaf *leaves, size_t nleaves, const uint32_t *docs,
                      const char *const *keys, const size_t *klens, size_t n, uint32_t *runs,
                      uint64_t *counts, struct trawl_error *err);

/* For each of the ndocs docids in docs (strictly ascending), its length into len[i] and the
 * wdf of each of the nterms terms into wdf[i * nterms + j] (0 when absent), as xdb_docs_wdf
 * answers them from the database: each term's postings sought docid by docid over its skip
 * entries. TRAWL_EINDEX: a term entry, skip entry or postings malformed, or docs not
 * ascending or past the file's last docid (the caller asks Xapian). */
int impact_docs_wdf(struct impact *im, const char *const *terms, const size_t *lens,
                    size_t nterms, const uint32_t *docs, size_t ndocs, uint32_t *wdf,
                    uint32_t *len, struct trawl_error *err);

TRAWL_END_DECLS

#endif
