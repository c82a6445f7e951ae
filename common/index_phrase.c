/* index_phrase: phrases and quoted words checked on the stored passage text (the index keeps no
 * positions): the query compiled once, passages matched against it. */
#include "common/index_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common/analyze.h"
#include "common/grow.h"
#include "common/query.h"
#include "common/sbuf.h"
#include "common/schema.h"
#include "common/tok.h"
#include "common/xdb.h"

/* ---- The query, compiled once per search ----------------------------------------------- */

/* One query node compiled for checking, parallel to its qnode (kids[i] is q->kids[i]'s): the
 * token sequence a passage must contain, the query's analysis (struct qword) rather than a
 * new one for every candidate. */
struct qseq {
    enum qkind kind;
    const struct qword *w; /* QK_WORD: compared by index term; QK_PHRASE: by folded form;
                            * QK_PREFIX: the folded prefix, compared with index terms. NULL
                            * or no token: the node does not constrain. */
    struct qseq *kids;
    size_t nkids;
};

static void qseq_release(struct qseq *s)
{
    for (size_t i = 0; i < s->nkids; i++)
        qseq_release(&s->kids[i]);
    free(s->kids);
}

static int compile_node(const struct qwords *w, const struct qnode *q, struct qseq *s)
{
    int rc = TRAWL_OK;

    s->kind = q->kind;
    if (q->kind == QK_WORD || q->kind == QK_PHRASE || q->kind == QK_PREFIX)
        s->w = index_qword(w, q);
    if (q->nkids > 0 && (s->kids = calloc(q->nkids, sizeof *s->kids)) == NULL)
        rc = TRAWL_ENOMEM;
    for (size_t i = 0; rc == TRAWL_OK && i < q->nkids; i++) {
        s->nkids = i + 1; /* so that qseq_release frees what was compiled so far */
        rc = compile_node(w, q->kids[i], &s->kids[i]);
    }
    return rc;
}

int index_checker_init(struct checker *c, struct analyzer *an, const struct qwords *w,
                       const struct qnode *root, struct trawl_error *err)
{
    memset(c, 0, sizeof *c);
    sbuf_init(&c->store);
    c->an = an;
    if ((c->root = calloc(1, sizeof *c->root)) == NULL ||
        compile_node(w, root, c->root) != TRAWL_OK) {
        index_checker_release(c);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    return TRAWL_OK;
}

void index_checker_release(struct checker *c)
{
    if (c->root != NULL)
        qseq_release(c->root);
    free(c->root);
    sbuf_release(&c->store);
    free(c->tok);
    memset(c, 0, sizeof *c);
    sbuf_init(&c->store);
}

/* ---- Checking a passage against it ------------------------------------------------------- */

/* Keeps a candidate's token in c; on OOM sets c->nomem (the search fails) and stops. */
static enum analyze_next check_collect(void *ctx, const struct tok_token *tk, const char *term,
                                       size_t len)
{
    struct checker *c = ctx;
    struct ptoken *t, *v = grow(c->tok, c->n, &c->cap, sizeof *v, 256);

    if (v == NULL)
        goto nomem;
    c->tok = v;
    t = &v[c->n];
    t->folded = c->store.len;
    t->flen = tk->len;
    if (sbuf_add(&c->store, tk->text, tk->len))
        goto nomem;
    t->term = c->store.len;
    t->tlen = len;
    if (sbuf_add(&c->store, term, len))
        goto nomem;
    if (analyze_base_len(c->an, tk, term, len, &t->blen) != TRAWL_OK)
        goto nomem;
    c->n++;
    return ANALYZE_NEXT;
nomem:
    c->nomem = 1;
    return ANALYZE_STOP;
}

/* Token i is s: by index term, or (folded) by folded form, where a possessive ending in the
 * text does not count ("england" is "england's", not the other way round). */
static int tok_eq(const struct checker *c, size_t i, int folded, const char *s, size_t len)
{
    const struct ptoken *t = &c->tok[i];

    if (!folded)
        return t->tlen == len && memcmp(c->store.buf + t->term, s, len) == 0;
    return (t->flen == len || t->blen == len) && memcmp(c->store.buf + t->folded, s, len) == 0;
}

static int tok_has_prefix(const struct checker *c, size_t i, const char *p, size_t plen)
{
    const struct ptoken *t = &c->tok[i];

    return t->tlen >= plen && memcmp(c->store.buf + t->term, p, plen) == 0;
}

/* Does the passage contain the word's or phrase's token sequence? */
static int check_words(const struct checker *c, const struct qseq *s)
{
    int exact = s->kind == QK_PHRASE;
    size_t n = s->w != NULL ? s->w->n : 0;
    const struct qtok *t = n ? s->w->tok : NULL;

    if (n == 0)
        return 1; /* a dropped node does not constrain */
    for (size_t i = 0; i + n <= c->n; i++) {
        size_t k = 0;
        while (k < n && tok_eq(c, i + k, exact, exact ? t[k].folded : t[k].term,
                               exact ? t[k].flen : t[k].tlen))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static int check_node(const struct checker *c, const struct qseq *s)
{
    switch (s->kind) {
    case QK_WORD:
    case QK_PHRASE: return check_words(c, s);
    case QK_PREFIX:
        if (s->w == NULL || s->w->n == 0)
            return 1;
        for (size_t i = 0; i < c->n; i++)
            if (tok_has_prefix(c, i, s->w->tok[0].term, s->w->tok[0].tlen))
                return 1;
        return 0;
    case QK_AND:
        for (size_t i = 0; i < s->nkids; i++)
            if (!check_node(c, &s->kids[i]))
                return 0;
        return 1;
    case QK_OR:
        for (size_t i = 0; i < s->nkids; i++)
            if (check_node(c, &s->kids[i]))
                return 1;
        return 0;
    case QK_AND_NOT:
        if (!check_node(c, &s->kids[0]))
            return 0;
        for (size_t i = 1; i < s->nkids; i++)
            if (check_node(c, &s->kids[i]))
                return 0;
        return 1;
    case QK_AND_MAYBE:
    case QK_FILTER: return s->nkids ? check_node(c, &s->kids[0]) : 1;
    case QK_MATCH_ALL:
    case QK_DATE:
    case QK_ARTICLE:
    case QK_SOURCE: return 1; /* Xapian has already applied these exactly */
    }
    return 1;
}

int index_checker_match(struct checker *c, const char *data, size_t len)
{
    struct trawl_passage p;

    if (c->no_text)
        return 1;
    if (c->nomem || schema_passage_decode(data, len, &p, NULL) != TRAWL_OK)
        return 0;
    sbuf_reset(&c->store);
    c->n = 0;
    if (analyze_each(c->an, p.text, p.text_len, check_collect, c) != TRAWL_OK || c->nomem) {
        c->nomem = 1;
        return 0;
    }
    return check_node(c, c->root);
}
