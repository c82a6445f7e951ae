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
int analyzer_new(const char *lang, struct analyzer **out, struct terr *err);
void analyzer_free(struct analyzer *an); /* NULL-safe */
const char *analyzer_lang(const struct analyzer *an);

/* Called per token: tk as tok gives it (folded form in tk->text), and the index term for it:
 * the Snowball stem, or the folded token itself for numbers, CJK and over-long tokens.
 * Both are borrowed for the call only. Non-zero stops analyze_each, which returns it. */
typedef int (*analyze_fn)(void *ctx, const struct tok_token *tk, const char *term,
                          size_t term_len);

/* Returns 0, fn's non-zero value, or -TRAWL_ENOMEM. */
int analyze_each(struct analyzer *an, const char *text, size_t len, analyze_fn fn, void *ctx);

/* The index term of one folded token (as analyze_each would give it). Borrowed until the
 * next call on an. NULL only on OOM. */
const char *analyze_term(struct analyzer *an, const struct tok_token *tk, size_t *len);

/* Invalid UTF-8 sequences seen by the last analyze_each. */
size_t analyze_invalid_count(const struct analyzer *an);

/* The analyzer's tokenizer, for callers that fold single words (wildcards). */
struct tok *analyzer_tok(struct analyzer *an);

TRAWL_END_DECLS

#endif
