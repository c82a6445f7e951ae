#include "common/analyze.h"

#include <stdlib.h>
#include <string.h>

#include "common/stem.h"

struct analyzer {
    struct tok *tok;
    struct stem *stem;
    analyze_fn fn; /* the callback of the analyze_each in progress */
    void *ctx;
    int rc;        /* and its own status (a stem that could not be made) */
};

int analyzer_new(const char *lang, struct analyzer **out, struct trawl_error *err)
{
    struct analyzer *an = calloc(1, sizeof *an);
    int rc;

    *out = NULL;
    if (an == NULL)
        return terr_set(err, TRAWL_ENOMEM, "cannot create analyzer: out of memory");
    an->tok = tok_new();
    if (an->tok == NULL) {
        free(an);
        return terr_set(err, TRAWL_ENOMEM, "cannot create tokenizer: out of memory");
    }
    rc = stem_new(lang, &an->stem, err);
    if (rc != TRAWL_OK) {
        tok_free(an->tok);
        free(an);
        return rc;
    }
    *out = an;
    return TRAWL_OK;
}

void analyzer_free(struct analyzer *an)
{
    if (an == NULL)
        return;
    tok_free(an->tok);
    stem_free(an->stem);
    free(an);
}

const char *analyzer_lang(const struct analyzer *an)
{
    return stem_lang(an->stem);
}

struct tok *analyzer_tok(struct analyzer *an)
{
    return an->tok;
}

const char *analyze_term(struct analyzer *an, const struct tok_token *tk, size_t *len)
{
    /* Numbers, single CJK characters and cut-off tokens are not words a stemmer knows. */
    if (tk->flags & (TOK_NUMERIC | TOK_LONG | TOK_CJK)) {
        *len = tk->len;
        return tk->text;
    }
    return stem_word(an->stem, tk->text, tk->len, len);
}

int analyze_base_len(struct analyzer *an, const struct tok_token *tk, const char *term,
                     size_t term_len, size_t *base_len)
{
    char kept[TOK_MAX_BYTES];
    struct tok_token base = *tk;
    const char *bterm;
    size_t blen;

    *base_len = tk->len;
    if (tk->len < 3 || memcmp(tk->text + tk->len - 2, "'s", 2) != 0 ||
        (tk->flags & (TOK_NUMERIC | TOK_LONG | TOK_CJK)) || term_len > sizeof kept)
        return TRAWL_OK;
    /* The next stem_word may overwrite term (stem.h): compare with a copy. */
    memcpy(kept, term, term_len);
    base.len = tk->len - 2;
    if ((bterm = analyze_term(an, &base, &blen)) == NULL)
        return TRAWL_ENOMEM;
    if (blen == term_len && memcmp(bterm, kept, blen) == 0)
        *base_len = base.len;
    return TRAWL_OK;
}

static enum tok_next analyze_one(void *ctx, const struct tok_token *tk)
{
    struct analyzer *an = ctx;
    size_t len;
    const char *term = analyze_term(an, tk, &len);

    if (term == NULL) {
        an->rc = TRAWL_ENOMEM;
        return TOK_STOP;
    }
    if (len == 0)
        return TOK_NEXT;
    return an->fn(an->ctx, tk, term, len) == ANALYZE_STOP ? TOK_STOP : TOK_NEXT;
}

int analyze_each(struct analyzer *an, const char *text, size_t len, analyze_fn fn, void *ctx)
{
    int rc;

    an->fn = fn;
    an->ctx = ctx;
    an->rc = TRAWL_OK;
    rc = tok_each(an->tok, text, len, analyze_one, an);
    return rc != TRAWL_OK ? rc : an->rc;
}

size_t analyze_invalid_count(const struct analyzer *an)
{
    return tok_invalid_count(an->tok);
}
