/* analyze: the one text pipeline, tok then stem, shared by the indexer (terms), the searcher
 * (query terms), phrase checks and snippets, so the same text always yields the same terms.
 * One analyzer per thread. Depends on tok and stem. */
#ifndef TRAWL_COMMON_ANALYZE_H
#define TRAWL_COMMON_ANALYZE_H

#include <stddef.h>

#include "common/err.h"
#include "common/tok.h"

TRAWL_BEGIN_DECLS

struct analyzer;

/* lang: a Snowball language or "none". TRAWL_EINPUT for an unknown language. */
int analyzer_new(const char *lang, struct analyzer **out, struct trawl_error *err);
void analyzer_free(struct analyzer *an); /* NULL-safe */
const char *analyzer_lang(const struct analyzer *an);

/* What an analyze_fn tells analyze_each: go on, or stop early. A callback that fails keeps its
 * own status in its ctx and stops (the rule of tok.h's enum tok_next and xdb.h's). */
enum analyze_next { ANALYZE_NEXT = 0, ANALYZE_STOP = 1 };

/* Called per token: tk as tok gives it (folded form in tk->text), and the index term for it:
 * the Snowball stem, or the folded token itself for numbers, CJK and over-long tokens.
 * Both are borrowed for the call only. */
typedef enum analyze_next (*analyze_fn)(void *ctx, const struct tok_token *tk, const char *term,
                                        size_t term_len);

/* Returns TRAWL_OK (also when fn stopped early) or TRAWL_ENOMEM, never fn's value. */
int analyze_each(struct analyzer *an, const char *text, size_t len, analyze_fn fn, void *ctx);

/* The index term of one folded token (as analyze_each would give it). Borrowed until the
 * next call on an. NULL only on OOM. */
const char *analyze_term(struct analyzer *an, const struct tok_token *tk, size_t *len);

/* The length of tk's folded form without a possessive ending, into *base_len: tk->len - 2
 * when the token ends in "'s" (a curly apostrophe is folded to "'" already) and the stemmer
 * gives the word without it the same term, else tk->len. English strips the ending
 * ("england's" and "england" are both "england"); languages whose stemmer keeps it, and
 * "none", keep it here too, so the ending is dropped only where the index treats the two as
 * one word. Phrases compare words by folded form: this lets "Bank of England" match "the
 * Bank of England's". term[0..term_len) is tk's term as analyze_each gave it (it may be
 * borrowed from an: it is copied before the stemmer runs again). Returns TRAWL_OK or
 * TRAWL_ENOMEM, and may be called from inside an analyze_each callback. */
int analyze_base_len(struct analyzer *an, const struct tok_token *tk, const char *term,
                     size_t term_len, size_t *base_len);

/* Invalid UTF-8 sequences seen by the last analyze_each. */
size_t analyze_invalid_count(const struct analyzer *an);

/* The analyzer's tokenizer, for callers that fold single words (wildcards). */
struct tok *analyzer_tok(struct analyzer *an);

TRAWL_END_DECLS

#endif
