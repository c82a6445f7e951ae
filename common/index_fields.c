/* index_fields: the source term (index_fields.h). */
#include "common/index_fields.h"

#include "common/schema.h"

struct join_ctx {
    struct sbuf *out;
    int rc; /* TRAWL_ENOMEM once an append failed */
};

static enum tok_next join_token(void *ctx, const struct tok_token *tk)
{
    struct join_ctx *j = ctx;

    if ((j->out->len > 0 && sbuf_addc(j->out, ' ') != TRAWL_OK) ||
        sbuf_add(j->out, tk->text, tk->len) != TRAWL_OK) {
        j->rc = TRAWL_ENOMEM;
        return TOK_STOP;
    }
    return TOK_NEXT;
}

int index_fields_source_term(struct tok *t, const char *src, size_t len, struct sbuf *out)
{
    struct sbuf folded;
    struct join_ctx j = {&folded, TRAWL_OK};
    int rc;

    sbuf_reset(out);
    sbuf_init(&folded);
    if ((rc = tok_each(t, src, len, join_token, &j)) == TRAWL_OK)
        rc = j.rc;
    if (rc == TRAWL_OK && sbuf_adds(out, PREFIX_SOURCE) != TRAWL_OK)
        rc = TRAWL_ENOMEM;
    /* The same key rule as article ids: Xapian terms end at 245 bytes. */
    if (rc == TRAWL_OK && folded.len > 0 &&
        schema_article_key(folded.buf, folded.len, out) != TRAWL_OK)
        rc = TRAWL_ENOMEM;
    sbuf_release(&folded);
    return rc;
}
