/* stem: libstemmer (Snowball), wrapped once, with a per-instance cache of stems.
 * One struct stem per thread: an sb_stemmer is not thread-safe. Depends on libstemmer only.
 * Tokens flagged TOK_NUMERIC, TOK_LONG or TOK_CJK are not stemmed (the caller passes
 * them through); stem_word() stems whatever it is given. */
#ifndef TRAWL_COMMON_STEM_H
#define TRAWL_COMMON_STEM_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

#define STEM_DEFAULT_LANG "english"

struct stem;

/* lang is a Snowball algorithm name ("english", "french", ...) or "none" (identity).
 * Unknown language: TRAWL_EINPUT naming it and listing none. */
int stem_new(const char *lang, struct stem **out, struct trawl_error *err);
void stem_free(struct stem *st); /* NULL-safe */

/* Stems word[0..len) (folded UTF-8 of at most TOK_MAX_BYTES). The result belongs to st and
 * stays valid until the next stem_word() on st: copy it to keep it. NULL only on OOM.
 * Repeated words are answered from a bounded cache (cheaper than Snowball). For "none", an
 * empty word or a word over 255 bytes, the result is word itself (not stemmed). */
const char *stem_word(struct stem *st, const char *word, size_t len, size_t *out_len);

/* For tests: caps the cache at `entries` words (0 turns caching off) and empties it. The
 * default is 128Ki words; the cache is also emptied when its stored text passes 8 MiB. */
void stem_set_cache_limit(struct stem *st, size_t entries);

/* The language st was made for. */
const char *stem_lang(const struct stem *st);

/* 1 if lang names a Snowball algorithm (or "none"). */
int stem_known(const char *lang);

/* The NULL-terminated list of Snowball algorithm names (libstemmer's own array). */
const char **stem_languages(void);

TRAWL_END_DECLS

#endif
