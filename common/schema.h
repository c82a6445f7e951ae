/* schema: the one place that names trawl's on-disk layout inside a Xapian database: term
 * prefixes, value slots, the layout of document data and metadata keys.
 * Depends on sbuf only. Used by the index modules, layout (shard routing's hash) and the API's
 * implementation (trawl*.c); programs see none of it.
 *
 * One Xapian document per passage:
 *   terms    stem            ranking term (Snowball stem of a folded token, or the folded
 *                            token itself for numbers, CJK and over-long tokens); wdf = count
 *                            in the passage + RANK_TITLE_WDF x count in the article's title
 *                            (rank.h; schema 3); no positions (phrases are verified on the
 *                            stored text)
 *            A<article>      every passage of the article (boolean)
 *            TERM_LAST       an article's last passage only (boolean): its term frequency
 *                            is the number of articles, and its postings end each article's
 *                            run of docids (index_artrank.c; schema 5)
 *            S<source>       every passage of an article with a source (JSON Lines
 *                            "source"), folded by index_fields_source_term(): its tokens
 *                            joined by single spaces ("The Times" -> "the times"); long
 *                            ones hashed as article ids are (schema 4)
 *   values   SLOT_ARTICLE    article id (collapse key)
 *            SLOT_DATE       "YYYYMMDD" (date filters); absent when the article has no date
 *            SLOT_SIMHASH    the article's 64-bit SimHash, 8 bytes big-endian (near-duplicate
 *                            groups, index_dups.h); absent for short articles (schema 4)
 *   data     schema_passage_encode(): article id, title, date, ordinal, byte range, text,
 *            url, source (the last two "" when absent; schema 4)
 * No unique-id term: an article's passages are always added together and in order, so within
 * an article docid order is passage order, and A<article> finds them (Xapian's unique terms
 * cost as much to write as a short passage).
 * Article ids longer than SCHEMA_MAX_ID bytes are replaced in terms, values and keys by
 * their first 180 bytes and a 16-hex-digit hash (as omindex does); the data keeps the id.
 *
 * Metadata:
 *   trawl.schema     SCHEMA_VERSION, as decimal text
 *   trawl.lang       the stemmer language
 *   trawl.analyzer   ANALYZER_VERSION: bumped when tokenizing changes
 *   trawl.updated    seconds since the epoch of the last commit
 *   a:<article>      the article record (schema_article_encode)
 *   s:<source file>  the source record of a JSONL file (schema_source_encode)
 *   d:<term>         the term's article df: how many articles have it in a passage or their
 *                    title, as decimal text; no key for a term no article has (schema 6).
 *                    Kept by the writer with the passages, in the same commits; per
 *                    database, so a compaction of databases with different articles sums
 *                    them (xdb_compact's sum_prefix)
 *   trawl.batch      how many batches were committed, as decimal text; the same in the
 *                    passage database and its article database when they agree (schema 7)
 *
 * The article database (LAYOUT_ARTICLES inside each passage database's folder; schema 7)
 * holds one document per article:
 *   terms    stem            only in a sharded index's shards (schema 8): wdf = the sum of
 *                            its passages' own counts + RANK_TITLE_WDF x the count in the
 *                            given title (the title counted once): what the article's
 *                            passages hold less (n - 1) titles. A single local index's
 *                            article documents have none: its article impact file is
 *                            derived from the passages (index_derive.c), and Xapian asks
 *                            its article database only boolean questions
 *            A<article>, S<source>   as on its passages
 *            TERM_TITLE      the article's title was given, not derived from its first
 *                            sentence (boolean; schema 8): what the derivation subtracts
 *   values   SLOT_ARTICLE, SLOT_DATE, SLOT_SIMHASH   as on its passages
 *   data     schema_passage_encode() with the passage fields empty and ordinal = the number
 *            of its passages
 *   metadata trawl.schema, trawl.batch, trawl.pending (the keys its last batch wrote or
 *            removed, one a line: what a writer repairs when a crash came between the
 *            article database's commit and the passage database's) */
#ifndef TRAWL_COMMON_SCHEMA_H
#define TRAWL_COMMON_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/sbuf.h"

TRAWL_BEGIN_DECLS

#define SCHEMA_VERSION 8
#define ANALYZER_VERSION 1

#define PREFIX_ARTICLE "A"
#define PREFIX_SOURCE "S"
#define TERM_LAST "L" /* no analysed term has a capital letter */
#define TERM_TITLE "T" /* article database: an article whose title was given (schema 8) */

enum schema_slot {
    SLOT_ARTICLE = 0,
    SLOT_DATE = 1,
    SLOT_SIMHASH = 2,
};

#define META_SCHEMA "trawl.schema"
#define META_LANG "trawl.lang"
#define META_ANALYZER "trawl.analyzer"
#define META_UPDATED "trawl.updated"
#define META_ARTICLE "a:"
#define META_SOURCE "s:"
#define META_ARTDF "d:"
#define META_BATCH "trawl.batch"     /* both databases: commits so far (schema 7) */
#define META_PENDING "trawl.pending" /* article database: keys of its last batch */

/* Whether an index term is a ranking term (a stem): the prefixed terms start with a capital. */
static inline int schema_rank_term(const char *t, size_t len)
{
    return len > 0 && !(t[0] >= 'A' && t[0] <= 'Z');
}

#define SCHEMA_MAX_ID 200    /* longer article ids are hashed in terms and keys */

/* The key form of an article id: itself, or its first 180 bytes + "~" + 16 hex digits of a
 * 64-bit FNV-1a hash when longer than SCHEMA_MAX_ID. Appends to out. */
int schema_article_key(const char *id, size_t len, struct sbuf *out);
/* The boolean term on every passage of an article (PREFIX_ARTICLE + key) and the metadata
 * key of its record (META_ARTICLE + key). id may be an id or a key (the key of a key is
 * itself). Both reset out first; TRAWL_ENOMEM is their only failure. */
int schema_article_term(const char *id, size_t len, struct sbuf *out);
int schema_article_record_key(const char *id, size_t len, struct sbuf *out);

/* What a passage's document data holds is a struct trawl_passage (trawl.h): decoded, its
 * strings point into the data (borrowed). */
/* Records are a format-version byte, then LEB128 varints and length-prefixed bytes (layout in
 * schema.c). Encoders append to out (TRAWL_ENOMEM only); decoders check every length against
 * the data and refuse anything else with TRAWL_EINDEX "corrupt <kind> data". */
int schema_passage_encode(const struct trawl_passage *p, struct sbuf *out);
/* TRAWL_EINDEX when data is not a passage of this schema. */
int schema_passage_decode(const char *data, size_t len, struct trawl_passage *p,
                          struct trawl_error *err);
/* Are two passages of the same article (equal ids)? */
int schema_same_article(const struct trawl_passage *a, const struct trawl_passage *b);

/* The record kept per article for incremental runs is a struct trawl_record (trawl.h). */
int schema_article_encode(const struct trawl_record *a, struct sbuf *out);
int schema_article_decode(const char *data, size_t len, struct trawl_record *a,
                          struct trawl_error *err);

/* The record kept per JSONL source file, so an unchanged file is skipped unread: a struct
 * trawl_source (trawl.h). */
int schema_source_encode(const struct trawl_source *s, struct sbuf *out);
int schema_source_decode(const char *data, size_t len, struct trawl_source *s,
                         struct trawl_error *err);

/* Metadata values as a reader checks them (the header: trawl.schema, trawl.analyzer,
 * trawl.updated, trawl.lang). An empty value is an absent key: TRAWL_ENOTFOUND (*out -1, or
 * ""). Anything else malformed: TRAWL_EINDEX "corrupt metadata value". */
#define SCHEMA_META_DIGITS 18 /* a number's most digits: fits int64_t and long on LP64 */
#define SCHEMA_MAX_LANG 31    /* a language name's most bytes */
/* A number: 1 to SCHEMA_META_DIGITS decimal digits and nothing else (no sign, space or NUL). */
int schema_meta_number(const char *val, size_t len, int64_t *out, struct trawl_error *err);
/* A stemmer language name: 1 to SCHEMA_MAX_LANG bytes of a-z and '_', copied NUL-terminated
 * into out (SCHEMA_MAX_LANG + 1 bytes); out is "" on any failure. Whether this build knows
 * the language is stem.h's question, not the schema's. */
int schema_meta_lang(const char *val, size_t len, char *out, struct trawl_error *err);

/* 64-bit FNV-1a, for content hashes and long ids (not cryptographic; collisions of changed
 * content are ~2^-64). hash_update continues a running hash (start from TRAWL_HASH_SEED). */
uint64_t schema_hash(uint64_t h, const void *data, size_t len);

TRAWL_END_DECLS

#endif
