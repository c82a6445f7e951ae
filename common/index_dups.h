/* index_dups: near-duplicate articles (wire stories republished with small edits).
 *
 * At index time each article gets a 64-bit SimHash (Charikar 2002; as Manku, Jain and Das
 * Sarma, "Detecting near-duplicates for web crawling", WWW 2007, use it) of its body's
 * 3-word shingles of folded tokens, in value slot SLOT_SIMHASH of every passage. At search
 * time, in the per-article view, a result is folded into the group of the first better-ranked
 * result whose signature is within INDEX_DUPS_MAX_BITS bits (Hamming distance) of its own,
 * or within INDEX_DUPS_CHECK_BITS bits and whose body shares at least INDEX_DUPS_MIN_JACCARD
 * of its shingles (Jaccard similarity of the two sets, computed then from the passages'
 * stored text). Articles with fewer than INDEX_DUPS_MIN_SHINGLES shingles get no signature:
 * too short to tell a republished story from a template (docs/design.md, "Near-duplicates", has the
 * measurements behind the three numbers). Only the index modules include it. Depends on
 * analyze, schema, xdb and index.h. */
#ifndef TRAWL_COMMON_INDEX_DUPS_H
#define TRAWL_COMMON_INDEX_DUPS_H

#include <stddef.h>
#include <stdint.h>

#include "common/analyze.h"
#include "common/err.h"
#include "common/index.h"

TRAWL_BEGIN_DECLS

#define INDEX_DUPS_MAX_BITS 3
#define INDEX_DUPS_CHECK_BITS 8
#define INDEX_DUPS_MIN_JACCARD 0.9
#define INDEX_DUPS_MIN_SHINGLES 20

/* A SimHash being accumulated over an article's tokens, in text order. */
struct dups_sig {
    uint64_t prev[2];    /* hashes of the last two tokens */
    size_t tokens;       /* seen so far */
    uint64_t planes[40]; /* 64 counters of shingles with each bit set, bit-sliced: plane i
                            holds bit i of every counter (a shingle costs about 2 operations,
                            not 64; an article would need 2^40 shingles to overflow) */
};

void index_dups_init(struct dups_sig *s);
/* Adds the folded token tok[0..len). */
void index_dups_token(struct dups_sig *s, const char *tok, size_t len);
/* The signature as SLOT_SIMHASH holds it (8 bytes, big-endian) into out[8]: 1, or 0 when the
 * article is too short to have one. */
int index_dups_final(const struct dups_sig *s, char out[8]);
/* The signature of the folded token sequence text[0..len) split at spaces (tests). */
int index_dups_of_words(const char *text, size_t len, uint64_t *sig);
/* Bits in which two signatures differ. */
unsigned index_dups_distance(uint64_t a, uint64_t b);

/* An article's 3-word shingles of folded tokens (those its SimHash counts) as a set of
 * 64-bit hashes, for the exact similarity test. */
struct dups_shingles {
    uint64_t prev[2]; /* hashes of the last two tokens */
    size_t tokens;    /* seen so far */
    uint64_t *v;      /* owned; sorted and without repeats after index_dups_shingles_end */
    size_t n, cap;
};
void index_dups_shingles_init(struct dups_shingles *s);
/* Adds the folded token tok[0..len). TRAWL_ENOMEM only. */
int index_dups_shingles_token(struct dups_shingles *s, const char *tok, size_t len);
/* Makes s a set (sorted, repeats dropped), ready for index_dups_jaccard. */
void index_dups_shingles_end(struct dups_shingles *s);
void index_dups_shingles_release(struct dups_shingles *s); /* NULL-safe */
/* |a & b| / |a | b| of two ended sets; 0 when both are empty. */
double index_dups_jaccard(const struct dups_shingles *a, const struct dups_shingles *b);
/* The shingles of the article whose passage p is: every passage's stored text in order,
 * analysed with an. out is initialised here (release it whatever the status); ended.
 * TRAWL_ENOMEM; index errors (TRAWL_ERETRY when the index changed). */
int index_dups_article_shingles(struct index *ix, struct analyzer *an,
                                const struct trawl_passage *p, struct dups_shingles *out,
                                struct trawl_error *err);

/* Groups the hits of r (best first, one per article) into near-duplicate groups, keeps the
 * groups' first hits from group offset on, at most count, in r->hits (in order), and puts
 * into (*dups)[i] the passages of the articles folded into shown hit i, best first (copies
 * whose strings borrow r's data; struct index_dup_list is index.h's). *dups is owned (count
 * entries): index_dups_free(*dups, count). TRAWL_ENOMEM; index errors reading values. */
int index_dups_group(struct index *ix, struct index_results *r, size_t offset, size_t count,
                     struct index_dup_list **dups, struct trawl_error *err);
void index_dups_free(struct index_dup_list *dups, size_t n); /* NULL-safe */

TRAWL_END_DECLS

#endif
