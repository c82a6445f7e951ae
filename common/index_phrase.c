/* index_phrase: phrases and quoted words checked on the stored passage text (the index keeps no
 * positions): the query compiled once, passages matched against it. */
#include "common/index_priv.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/layout.h"
#include "common/rank.h"
#include "common/stem.h"
#include "common/strmap.h"
#include "common/xdb.h"

/* ---- Checking a passage against the exact query ----------------------------------------- */

/* One analysed query word or phrase: the terms it ranks by and, for sequence checks, the
 * sequence of tokens a passage must contain. */
struct qseq {
    char **tok;    /* folded tokens (exact) or index terms (stemmed), in order */
    size_t n;
    int exact;     /* compare folded tokens (quoted phrase) rather than terms */
};

struct ptoken {
    const char *folded;
    size_t flen;
    const char *term;
    size_t tlen;
};

static int check_collect(void *ctx, const struct tok_token *tk, const char *term, size_t len)
{
    struct checker *c = ctx;

    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        size_t *o = realloc(c->offs, cap * 4 * sizeof *o);
        if (o == NULL)
            return -TRAWL_ENOMEM;
        c->offs = o;
        c->cap = cap;
    }
    c->offs[c->n * 4 + 0] = c->store.len;
    c->offs[c->n * 4 + 1] = tk->len;
    if (sbuf_add(&c->store, tk->text, tk->len))
        return -TRAWL_ENOMEM;
    c->offs[c->n * 4 + 2] = c->store.len;
    c->offs[c->n * 4 + 3] = len;
    if (sbuf_add(&c->store, term, len))
        return -TRAWL_ENOMEM;
    c->n++;
    return 0;
}

static int tok_eq(const struct checker *c, size_t i, int folded, const char *s)
{
    size_t off = c->offs[i * 4 + (folded ? 0 : 2)], len = c->offs[i * 4 + (folded ? 1 : 3)];

    return strlen(s) == len && memcmp(c->store.buf + off, s, len) == 0;
}

static int tok_has_prefix(const struct checker *c, size_t i, const char *p, size_t plen)
{
    size_t off = c->offs[i * 4 + 2], len = c->offs[i * 4 + 3];

    return len >= plen && memcmp(c->store.buf + off, p, plen) == 0;
}

/* Does the passage contain the word's or phrase's token sequence? */
static int check_words(struct checker *c, const struct qnode *q, int exact)
{
    struct collect_ctx cc;
    int found = 0;

    memset(&cc, 0, sizeof cc);
    /* The query side is analysed with the same analyzer, after the passage: its storage is
     * separate (collect_ctx copies). */
    if (analyze_each(c->an, q->text, q->len, index_collect_token, &cc) != 0) {
        c->nomem = 1;
    } else if (cc.terms.n == 0) {
        found = 1; /* a dropped node does not constrain */
    } else {
        char **seq = exact ? cc.folded.v : cc.terms.v;
        for (size_t i = 0; i + cc.terms.n <= c->n && !found; i++) {
            size_t k = 0;
            while (k < cc.terms.n && tok_eq(c, i + k, exact, seq[k]))
                k++;
            found = k == cc.terms.n;
        }
    }
    index_strlist_release(&cc.terms);
    index_strlist_release(&cc.folded);
    return found;
}

static int check_node(struct checker *c, const struct qnode *q)
{
    switch (q->kind) {
    case QK_WORD: return check_words(c, q, 0);
    case QK_PHRASE: return check_words(c, q, 1);
    case QK_PREFIX: {
        char folded[TOK_MAX_BYTES + 1];
        size_t n = tok_fold_word(analyzer_tok(c->an), q->text, q->len, folded, TOK_MAX_BYTES);
        if (n == 0)
            return 1;
        for (size_t i = 0; i < c->n; i++)
            if (tok_has_prefix(c, i, folded, n))
                return 1;
        return 0;
    }
    case QK_AND:
        for (size_t i = 0; i < q->nkids; i++)
            if (!check_node(c, q->kids[i]))
                return 0;
        return 1;
    case QK_OR:
        for (size_t i = 0; i < q->nkids; i++)
            if (check_node(c, q->kids[i]))
                return 1;
        return 0;
    case QK_AND_NOT:
        if (!check_node(c, q->kids[0]))
            return 0;
        for (size_t i = 1; i < q->nkids; i++)
            if (check_node(c, q->kids[i]))
                return 0;
        return 1;
    case QK_AND_MAYBE:
    case QK_FILTER: return q->nkids ? check_node(c, q->kids[0]) : 1;
    case QK_MATCH_ALL:
    case QK_DATE:
    case QK_ARTICLE: return 1; /* Xapian has already applied these exactly */
    }
    return 1;
}

int index_check_decider(void *ctx, xdb_docid id, const char *data, size_t len)
{
    struct checker *c = ctx;
    struct schema_passage p;

    (void)id;
    if (c->ex != NULL && !index_exclude_keep(c->ex, data, len))
        return 0;
    if (c->no_text)
        return 1;
    if (c->nomem || schema_passage_decode(data, len, &p, NULL) != TRAWL_OK)
        return 0;
    sbuf_reset(&c->store);
    c->n = 0;
    if (analyze_each(c->an, p.text, p.text_len, check_collect, c) != 0) {
        c->nomem = 1;
        return 0;
    }
    return check_node(c, c->root);
}
