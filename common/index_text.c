/* index_text: the text the API hands the index, read as this index reads it: a query parsed
 * (syntax or plain words), snippets and words analysed with the index's own analyzer, words
 * folded (as every index folds them), and the languages an index can be built in. So the API
 * layer (trawl*.c) calls the index layer alone and never the text layer under it
 * (common/LAYERS).
 * Depends on query, analyze, snippet, stem, tok. */
#include "common/index_priv.h"

#include "common/analyze.h"
#include "common/query.h"
#include "common/snippet.h"
#include "common/stem.h"
#include "common/tok.h"

int index_parse(const char *query, size_t len, int plain, const struct query_opts *o,
                struct qnode **out, size_t *col, struct trawl_error *err)
{
    return plain ? query_parse_plain(query, len, o, out, err)
                 : query_parse(query, len, o, out, col, err);
}

void index_parse_free(struct qnode *root)
{
    query_free(root);
}

int index_snippet(struct index *ix, const struct index_results *r, const char *text,
                  size_t len, size_t width, struct trawl_snippet *out, struct trawl_error *err)
{
    static const struct index_hl none;
    struct analyzer *an;
    int rc = index_analyzer(ix, &an, err);

    return rc != TRAWL_OK ? rc : snippet_make(an, text, len, r != NULL ? &r->hl : &none, width,
                                              out, err);
}

struct words {
    trawl_word_fn fn;
    void *ctx;
};

static enum analyze_next word_each(void *ctx, const struct tok_token *tk, const char *term,
                                   size_t term_len)
{
    struct words *w = ctx;

    return w->fn(w->ctx, tk->text, tk->len, term, term_len) != 0 ? ANALYZE_STOP : ANALYZE_NEXT;
}

int index_words(struct index *ix, const char *text, size_t len, trawl_word_fn fn, void *ctx,
                struct trawl_error *err)
{
    struct words w = {fn, ctx};
    struct analyzer *an;
    int rc = index_analyzer(ix, &an, err);

    if (rc != TRAWL_OK)
        return rc;
    if (analyze_each(an, text, len, word_each, &w) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

struct fold {
    struct sbuf *out;
    size_t start; /* where the folded words begin in out */
    int rc;
};

static enum tok_next fold_token(void *ctx, const struct tok_token *tk)
{
    struct fold *f = ctx;

    if ((f->out->len > f->start && (f->rc = sbuf_addc(f->out, ' ')) != TRAWL_OK) ||
        (f->rc = sbuf_add(f->out, tk->text, tk->len)) != TRAWL_OK)
        return TOK_STOP;
    return TOK_NEXT;
}

int index_fold(const char *text, size_t len, struct sbuf *out, struct trawl_error *err)
{
    struct fold f = {out, out->len, TRAWL_OK};
    /* A tokenizer of its own: folding needs no index, and a tok is scratch for one thread. */
    struct tok *t = tok_new();
    int rc;

    if (t == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    rc = tok_each(t, text, len, fold_token, &f);
    tok_free(t);
    if (rc != TRAWL_OK || f.rc != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

int index_language_known(const char *lang)
{
    return stem_known(lang);
}

const char **index_languages(void)
{
    return stem_languages();
}
