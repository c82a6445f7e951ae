/* index_fields: the source term (index_fields.h). */
#include "common/index_fields.h"

#include "common/schema.h"

struct join_ctx {
    struct sbuf *out;
};

static int join_token(void *ctx, const struct tok_token *tk)
{
    struct join_ctx *j = ctx;

    if (j->out->len > 0 && sbuf_addc(j->out, ' ') != TRAWL_OK)
        return -TRAWL_ENOMEM;
    return sbuf_add(j->out, tk->text, tk->len) != TRAWL_OK ? -TRAWL_ENOMEM : 0;
}

int index_fields_source_term(struct tok *t, const char *src, size_t len, struct sbuf *out)
{
    struct sbuf folded;
    struct join_ctx j = {&folded};
    int rc;

    sbuf_reset(out);
    sbuf_init(&folded);
    rc = tok_each(t, src, len, join_token, &j) == 0 ? TRAWL_OK : TRAWL_ENOMEM;
    if (rc == TRAWL_OK && sbuf_adds(out, PREFIX_SOURCE) != TRAWL_OK)
        rc = TRAWL_ENOMEM;
    /* The same key rule as article ids: Xapian terms end at 245 bytes. */
    if (rc == TRAWL_OK && folded.len > 0 &&
        schema_article_key(folded.buf, folded.len, out) != TRAWL_OK)
        rc = TRAWL_ENOMEM;
    sbuf_release(&folded);
    return rc;
}
