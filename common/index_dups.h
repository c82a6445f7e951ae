/* index_dups: near-duplicate articles (wire stories republished with small edits).
 *
 * At index time each article gets a 64-bit SimHash (Charikar 2002; as Manku, Jain and Das
 * Sarma, "Detecting near-duplicates for web crawling", WWW 2007, use it) of its body's
 * 3-word shingles of folded tokens, in value slot SLOT_SIMHASH of every passage. At search
 * time, in the per-article view, a result whose signature is within INDEX_DUPS_MAX_BITS
 * bits (Hamming distance) of a better-ranked result's is folded into that result's group.
 * Articles with fewer than INDEX_DUPS_MIN_SHINGLES shingles get no signature: too short to
 * tell a republished story from a template (README "Near-duplicates" has the measurements).
 * Only the index modules include it. Depends on schema, xdb and index.h. */
#ifndef TRAWL_COMMON_INDEX_DUPS_H
#define TRAWL_COMMON_INDEX_DUPS_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/index.h"

TRAWL_BEGIN_DECLS

#define INDEX_DUPS_MAX_BITS 3
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

/* Groups the hits of r (best first, one per article) into near-duplicate groups, keeps the
 * groups' first hits from group offset on, at most count, in r->hits (in order), and puts
 * into (*dups)[i] the passages of the articles folded into shown hit i, best first (copies
 * whose strings borrow r's data). *dups is owned (count entries): index_dups_free(*dups,
 * count). TRAWL_ENOMEM; index errors reading values. */
struct index_dup_list {
    struct schema_passage *v; /* copies of the folded hits' passages (borrowing r's data) */
    size_t n;
};
int index_dups_group(struct index *ix, struct index_results *r, size_t offset, size_t count,
                     struct index_dup_list **dups, struct terr *err);
void index_dups_free(struct index_dup_list *dups, size_t n); /* NULL-safe */

TRAWL_END_DECLS

#endif
