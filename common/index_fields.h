/* index_fields: the article fields that are neither text nor date, as the index keeps them:
 * the source's boolean term (written by index_prep, looked up by the source: filter).
 * Only the index modules include it. Depends on tok, sbuf and schema. */
#ifndef TRAWL_COMMON_INDEX_FIELDS_H
#define TRAWL_COMMON_INDEX_FIELDS_H

#include <stddef.h>

#include "common/err.h"
#include "common/sbuf.h"
#include "common/tok.h"

TRAWL_BEGIN_DECLS

/* The boolean term of a source name src[0..len) into out (reset first): PREFIX_SOURCE and the
 * name's tokens as tok folds them, joined by single spaces ("The  Example-Times" -> "Sthe
 * example times"), so that case, accents and punctuation do not matter but every word does.
 * A folded name longer than SCHEMA_MAX_ID is hashed as an article id is. A name without a
 * word character gives PREFIX_SOURCE alone, which no passage holds. TRAWL_ENOMEM only. */
int index_fields_source_term(struct tok *t, const char *src, size_t len, struct sbuf *out);

TRAWL_END_DECLS

#endif
