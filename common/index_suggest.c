/* index_suggest: what a reader asks of the spelling table for the searcher's "did you mean"
 * and completion: Xapian's suggestion for a word the index lacks, and the words of a prefix
 * (index_rare.c suggests for words it has). Each asks after the search that found the words,
 * so each is retried as one read (index_retry) when the indexer commits meanwhile. */
#include "common/index_priv.h"

#include "common/sbuf.h"
#include "common/xdb.h"

struct suggest_ctx {
    const char *word;
    size_t len;
    struct sbuf *out;
};

static int suggest_once(struct index *ix, void *ctx, struct trawl_error *err)
{
    struct suggest_ctx *c = ctx;

    sbuf_reset(c->out);
    return xdb_spelling(ix->db, c->word, c->len, 2, c->out, err);
}

int index_suggest(struct index *ix, const char *word, size_t len, struct sbuf *out,
                  struct trawl_error *err)
{
    struct suggest_ctx c = {word, len, out};

    return index_retry(ix, suggest_once, &c, err);
}

struct complete_ctx {
    const char *prefix;
    size_t len;
    trawl_complete_fn fn;
    void *ctx;
    struct sbuf last; /* the last word fn was given */
    int any;          /* fn was given one */
    int nomem;
};

static enum xdb_next complete_word(void *ctx, const char *word, size_t len, uint64_t freq)
{
    struct complete_ctx *c = ctx;

    /* A retry walks the words again from the prefix: fn has had those up to the last. */
    if (c->any && sbuf_bytes_cmp(word, len, c->last.buf, c->last.len) <= 0)
        return XDB_NEXT;
    sbuf_reset(&c->last);
    if (sbuf_add(&c->last, word, len) != TRAWL_OK) {
        c->nomem = 1;
        return XDB_STOP;
    }
    c->any = 1;
    return c->fn(c->ctx, word, len, freq) != 0 ? XDB_STOP : XDB_NEXT;
}

static int complete_once(struct index *ix, void *ctx, struct trawl_error *err)
{
    struct complete_ctx *c = ctx;
    int rc = xdb_spellings_each(ix->db, c->prefix, c->len, complete_word, c, err);

    if (rc == TRAWL_OK && c->nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    return rc;
}

int index_complete(struct index *ix, const char *prefix, size_t len, trawl_complete_fn fn,
                   void *ctx, struct trawl_error *err)
{
    struct complete_ctx c = {.prefix = prefix, .len = len, .fn = fn, .ctx = ctx};
    int rc;

    sbuf_init(&c.last);
    rc = index_retry(ix, complete_once, &c, err);
    sbuf_release(&c.last);
    return rc;
}
