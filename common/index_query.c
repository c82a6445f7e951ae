/* index_query: a parsed query (struct qnode) turned into an xdb_query: words, wildcards expanded
 * over the whole index, filters; with the terms to highlight and rank by. Its words are
 * analysed here once per search (struct qwords), for this module, index_phrase.c and
 * index_exclude.c alike, with where each is in the query (for "did you mean"). */
#include "common/index_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "common/impact.h"
#include "common/index_fields.h"
#include "common/xdb.h"

/* Appends s unless the list has it already. */
int index_strlist_add(struct strlist *l, const char *s, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
            return TRAWL_OK;
    return index_strlist_append(l, s, len);
}

/* Appends without looking for duplicates (callers that know there are none). */
int index_strlist_append(struct strlist *l, const char *s, size_t len)
{
    char **v = grow(l->v, l->n, &l->cap, sizeof *v, 8);
    char *c;

    if (v == NULL)
        return TRAWL_ENOMEM;
    l->v = v;
    if ((c = malloc(len + 1)) == NULL)
        return TRAWL_ENOMEM;
    memcpy(c, s, len);
    c[len] = '\0';
    l->v[l->n++] = c;
    return TRAWL_OK;
}

void index_strlist_release(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

int index_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- The query analysed once ------------------------------------------------------------ */

struct qword_ctx {
    struct qword *w;
    size_t cap;
    size_t off; /* the node's text in the query */
    int nomem;
};

static enum analyze_next qword_token(void *ctx, const struct tok_token *tk, const char *term,
                                     size_t len)
{
    struct qword_ctx *c = ctx;
    struct qtok *v = grow(c->w->tok, c->w->n, &c->cap, sizeof *v, 4), *t;

    if (v == NULL)
        goto nomem;
    c->w->tok = v;
    t = &v[c->w->n];
    memset(t, 0, sizeof *t);
    if ((t->term = strndup(term, len)) == NULL ||
        (t->folded = strndup(tk->text, tk->len)) == NULL) {
        free(t->term);
        goto nomem;
    }
    t->tlen = len;
    t->flen = tk->len;
    t->start = c->off + tk->start;
    t->end = c->off + tk->end;
    c->w->n++;
    return ANALYZE_NEXT;
nomem:
    c->nomem = 1;
    return ANALYZE_STOP;
}

/* Analyses one leaf into w (zeroed by the caller). */
static int analyse_leaf(struct analyzer *an, const struct qnode *q, struct qword *w)
{
    struct qword_ctx c = {w, 0, q->off, 0};

    w->q = q;
    if (q->kind == QK_PREFIX) {
        char folded[TOK_MAX_BYTES + 1];
        size_t n = tok_fold_word(analyzer_tok(an), q->text, q->len, folded, TOK_MAX_BYTES);
        struct tok_token tk = {folded, n, 0, q->len, 0, 0};
        if (n > 0)
            qword_token(&c, &tk, folded, n);
        return c.nomem ? TRAWL_ENOMEM : TRAWL_OK;
    }
    if (analyze_each(an, q->text, q->len, qword_token, &c) != TRAWL_OK || c.nomem)
        return TRAWL_ENOMEM;
    return TRAWL_OK;
}

static int collect_leaves(struct qwords *w, struct analyzer *an, const struct qnode *q)
{
    int rc = TRAWL_OK;

    if (q->kind == QK_WORD || q->kind == QK_PHRASE || q->kind == QK_PREFIX) {
        struct qword *v = grow(w->v, w->n, &w->cap, sizeof *v, 8);
        if (v == NULL)
            return TRAWL_ENOMEM;
        w->v = v;
        memset(&v[w->n], 0, sizeof v[w->n]);
        rc = analyse_leaf(an, q, &v[w->n]);
        w->n++; /* released with the rest even when it failed half-way */
    }
    for (size_t i = 0; rc == TRAWL_OK && i < q->nkids; i++)
        rc = collect_leaves(w, an, q->kids[i]);
    return rc;
}

static int cmp_qword(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct qword *)a)->q;
    uintptr_t y = (uintptr_t)((const struct qword *)b)->q;

    return x < y ? -1 : x > y;
}

int index_qwords_init(struct qwords *w, struct analyzer *an, const struct qnode *root,
                      struct trawl_error *err)
{
    memset(w, 0, sizeof *w);
    if (root != NULL && collect_leaves(w, an, root) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (w->n > 1) /* w->v is NULL for a query of no word, and qsort's pointer must not be */
        qsort(w->v, w->n, sizeof *w->v, cmp_qword);
    return TRAWL_OK;
}

void index_qwords_release(struct qwords *w)
{
    for (size_t i = 0; i < w->n; i++) {
        for (size_t k = 0; k < w->v[i].n; k++) {
            free(w->v[i].tok[k].term);
            free(w->v[i].tok[k].folded);
        }
        free(w->v[i].tok);
    }
    free(w->v);
    memset(w, 0, sizeof *w);
}

const struct qword *index_qword(const struct qwords *w, const struct qnode *q)
{
    struct qword key = {q, NULL, 0};
    const struct qword *found = w->n ? bsearch(&key, w->v, w->n, sizeof *w->v, cmp_qword) : NULL;

    if (found == NULL)
        TRAWL_BUG("query node not analysed");
    return found;
}

static int cmp_span(const void *a, const void *b)
{
    const struct trawl_span *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

int index_word_spans(const struct qwords *w, char *const *words, size_t n,
                     struct index_spans **out)
{
    struct index_spans *sp = n ? calloc(n, sizeof *sp) : NULL;

    *out = NULL;
    if (n > 0 && sp == NULL)
        return TRAWL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(words[i]), cap = 0;
        for (size_t j = 0; j < w->n; j++) {
            const struct qword *qw = &w->v[j];
            if (qw->q->kind == QK_PREFIX)
                continue; /* a prefix is not a word of the query */
            for (size_t k = 0; k < qw->n; k++) {
                struct trawl_span *v;
                if (qw->tok[k].flen != len || memcmp(qw->tok[k].folded, words[i], len) != 0)
                    continue;
                if ((v = grow(sp[i].v, sp[i].n, &cap, sizeof *v, 2)) == NULL) {
                    index_spans_free(sp, n);
                    return TRAWL_ENOMEM;
                }
                sp[i].v = v;
                v[sp[i].n++] = (struct trawl_span){qw->tok[k].start, qw->tok[k].end};
            }
        }
        qsort(sp[i].v, sp[i].n, sizeof *sp[i].v, cmp_span);
    }
    *out = sp;
    return TRAWL_OK;
}

void index_spans_free(struct index_spans *s, size_t n)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(s[i].v);
    free(s);
}

/* ---- Building the Xapian query ---------------------------------------------------------- */

static xdb_query *fail_nomem(struct build *b)
{
    if (b->rc == TRAWL_OK)
        b->rc = terr_set(b->err, TRAWL_ENOMEM, "out of memory");
    return NULL;
}

/* A quoted phrase's folded words, joined by INDEX_HL_SEP, for highlighting. */
static int add_phrase(struct build *b, const struct qword *w)
{
    struct sbuf p;
    int rc = TRAWL_OK;

    sbuf_init(&p);
    for (size_t i = 0; rc == TRAWL_OK && i < w->n; i++) {
        if (i > 0)
            rc = sbuf_add(&p, "\x1f", 1);
        if (rc == TRAWL_OK)
            rc = sbuf_add(&p, w->tok[i].folded, w->tok[i].flen);
    }
    if (rc == TRAWL_OK)
        rc = index_strlist_add(&b->hl_phrase, p.buf, p.len);
    sbuf_release(&p);
    return rc;
}

/* A word or phrase: AND of its terms (so BM25 weighs each), verified on the text later when
 * it has several tokens or must match exactly. */
static xdb_query *build_words(struct build *b, const struct qnode *q, int exact)
{
    const struct qword *w = index_qword(b->words, q);
    xdb_query **subs = NULL;
    xdb_query *res = NULL;
    int rc;

    if (w->n == 0) {
        /* Nothing searchable ("--", emoji): the node drops out of the query. */
        return NULL;
    }
    if (w->n > 1 || exact)
        b->needs_check = 1;
    subs = calloc(w->n, sizeof *subs);
    if (subs == NULL)
        return fail_nomem(b);
    for (size_t i = 0; i < w->n; i++) {
        const struct qtok *t = &w->tok[i];
        uint64_t docs = 0, coll = 0;
        subs[i] = xdb_query_term(t->term, t->tlen, 1);
        if (subs[i] == NULL) {
            fail_nomem(b);
            goto out;
        }
        if (!b->negated) {
            struct strlist *l = exact ? &b->hl_exact : &b->hl_terms;
            if (index_strlist_add(l, exact ? t->folded : t->term, exact ? t->flen : t->tlen) !=
                    TRAWL_OK ||
                index_strlist_add(&b->rank_terms, t->term, t->tlen) != TRAWL_OK ||
                index_strlist_append(&b->rank_occ, t->term, t->tlen) != TRAWL_OK) {
                fail_nomem(b);
                goto out;
            }
        }
        /* A failed read fails the query: its word would be neither known nor unknown, and
         * "did you mean" would lose it without a word (a commit's TRAWL_ERETRY reruns the
         * search, index_retry). */
        if ((rc = xdb_term_freq(b->ix->db, t->term, t->tlen, &docs, &coll, b->err)) !=
            TRAWL_OK) {
            if (b->rc == TRAWL_OK)
                b->rc = rc;
            goto out;
        }
        if (!b->negated &&
            index_strlist_add(docs == 0 ? &b->unknown : &b->known, t->folded, t->flen) !=
                TRAWL_OK) {
            fail_nomem(b);
            goto out;
        }
    }
    if (exact && !b->negated && add_phrase(b, w) != TRAWL_OK) {
        fail_nomem(b);
        goto out;
    }
    res = xdb_query_op(XDB_OP_AND, subs, w->n);
    if (res == NULL)
        fail_nomem(b);
out:
    for (size_t i = 0; i < w->n; i++)
        xdb_query_free(subs[i]);
    free(subs);
    return res;
}

/* Expansions of a wildcard beyond this are refused (the query is too vague to rank). */
#define PREFIX_MAX_EXPANSION 10000

struct expand_ctx {
    struct strlist terms;
    int nomem;
    int too_many;
};

static enum xdb_next expand_term(void *ctx, const char *term, size_t len, uint64_t docs)
{
    struct expand_ctx *e = ctx;

    (void)docs;
    if (e->terms.n >= PREFIX_MAX_EXPANSION) {
        e->too_many = 1;
        return XDB_STOP;
    }
    if (index_strlist_append(&e->terms, term, len) != TRAWL_OK) {
        e->nomem = 1;
        return XDB_STOP;
    }
    return XDB_NEXT;
}

/* A wildcard, expanded here over the whole index rather than by Xapian: Xapian expands per
 * database with per-database statistics, so a sharded or remote index would score it
 * differently from one index. The expansions weigh as one term (a synonym), so a short prefix
 * cannot flood the score with dozens of rare words. (OP_MAX, tried instead, makes Xapian
 * 1.4.22 read freed memory when two of them are ORed: a fuzz finding.) NULL with *rc set on
 * error; no expansion gives a query matching nothing. */
xdb_query *index_expand_prefix(xdb *db, const char *prefix, size_t n, int *rc,
                                struct trawl_error *err)
{
    char folded[TOK_MAX_BYTES + 1];
    struct expand_ctx e;
    xdb_query **subs = NULL;
    xdb_query *res = NULL;
    size_t made = 0;

    memset(&e, 0, sizeof e);
    *rc = TRAWL_OK;
    memcpy(folded, prefix, n);
    folded[n] = '\0';
    if ((*rc = xdb_terms_each(db, folded, expand_term, &e, err)) != TRAWL_OK)
        goto out;
    if (e.nomem) {
        *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if (e.too_many) {
        *rc = terr_set(err, TRAWL_EINPUT,
                       "'%s*' matches more than %d words: make the prefix longer", folded,
                       PREFIX_MAX_EXPANSION);
        goto out;
    }
    if (e.terms.n == 0) {
        if ((res = xdb_query_match_nothing()) == NULL)
            *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if ((subs = calloc(e.terms.n, sizeof *subs)) == NULL) {
        *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (; made < e.terms.n; made++)
        if ((subs[made] = xdb_query_term(e.terms.v[made], strlen(e.terms.v[made]), 1)) ==
            NULL) {
            *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            goto out;
        }
    if ((res = xdb_query_op(XDB_OP_SYNONYM, subs, made)) == NULL)
        *rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
out:
    for (size_t i = 0; i < made; i++)
        xdb_query_free(subs[i]);
    free(subs);
    index_strlist_release(&e.terms);
    return res;
}

static xdb_query *build_prefix(struct build *b, const struct qnode *q)
{
    const struct qword *w = index_qword(b->words, q);
    const char *folded = w->n ? w->tok[0].folded : NULL;
    size_t n = w->n ? w->tok[0].flen : 0;
    xdb_query *res;
    int rc;

    if (n == 0)
        return NULL;
    if (!b->negated && (index_strlist_add(&b->hl_prefix, folded, n) != TRAWL_OK ||
                        index_strlist_add(&b->rank_prefix, folded, n) != TRAWL_OK))
        return fail_nomem(b);
    res = index_expand_prefix(b->ix->db, folded, n, &rc, b->err);
    if (rc != TRAWL_OK)
        b->rc = rc;
    return res;
}

static xdb_query *build_filter_value(struct build *b, const struct qnode *q)
{
    xdb_query *res = NULL;

    if (q->kind == QK_DATE) {
        res = xdb_query_value_range(SLOT_DATE, q->lo[0] ? q->lo : NULL,
                                    q->hi[0] ? q->hi : NULL);
    } else {
        struct sbuf term;
        int rc;
        sbuf_init(&term);
        rc = q->kind == QK_SOURCE
                 ? index_fields_source_term(analyzer_tok(b->an), q->text, q->len, &term)
                 : schema_article_term(q->text, q->len, &term);
        if (rc == TRAWL_OK)
            res = xdb_query_term(term.buf, term.len, 1);
        sbuf_release(&term);
    }
    return res ? res : fail_nomem(b);
}

static xdb_query *build_op(struct build *b, const struct qnode *q, enum xdb_op op)
{
    xdb_query **subs = calloc(q->nkids ? q->nkids : 1, sizeof *subs);
    size_t n = 0;
    xdb_query *res = NULL;
    int saved = b->negated;

    if (subs == NULL)
        return fail_nomem(b);
    for (size_t i = 0; i < q->nkids; i++) {
        xdb_query *s;
        int checked = b->needs_check, excluded = op == XDB_OP_AND_NOT && i > 0;
        if (excluded) {
            b->negated = 1;
            b->needs_check = 0;
        }
        s = index_query_node(b, q->kids[i]);
        b->negated = saved;
        if (b->rc != TRAWL_OK)
            goto out;
        /* An excluded phrase (or exact or many-token word) is decided on the text alone: as
         * AND of its terms, Xapian would also exclude the passages that have its words
         * apart ("a -\"b c\"" leaving out "c ... b"). */
        if (excluded && b->needs_check) {
            xdb_query_free(s);
            s = NULL;
            b->text_excluded = 1;
        }
        b->needs_check |= checked;
        if (s == NULL) {
            /* A dropped first operand of a binary operator leaves nothing to restrict. */
            if (i == 0 && op != XDB_OP_AND && op != XDB_OP_OR)
                goto out;
            continue;
        }
        subs[n++] = s;
    }
    if (n == 0)
        goto out;
    if (n == 1 && op != XDB_OP_FILTER && op != XDB_OP_AND_NOT)
        res = xdb_query_op(XDB_OP_AND, subs, 1);
    else
        res = xdb_query_op(op, subs, n);
    if (res == NULL)
        fail_nomem(b);
out:
    for (size_t i = 0; i < n; i++)
        xdb_query_free(subs[i]);
    free(subs);
    return res;
}

xdb_query *index_query_node(struct build *b, const struct qnode *q)
{
    if (q->kind != QK_WORD && q->kind != QK_OR)
        b->not_plain = 1;
    switch (q->kind) {
    case QK_WORD: return build_words(b, q, 0);
    case QK_PHRASE: return build_words(b, q, 1);
    case QK_PREFIX: return build_prefix(b, q);
    case QK_AND: return build_op(b, q, XDB_OP_AND);
    case QK_OR: return build_op(b, q, XDB_OP_OR);
    case QK_AND_NOT: return build_op(b, q, XDB_OP_AND_NOT);
    case QK_AND_MAYBE: return build_op(b, q, XDB_OP_AND_MAYBE);
    case QK_FILTER: return build_op(b, q, XDB_OP_FILTER);
    case QK_MATCH_ALL: {
        xdb_query *res = xdb_query_match_all();
        return res ? res : fail_nomem(b);
    }
    case QK_DATE:
    case QK_ARTICLE:
    case QK_SOURCE: return build_filter_value(b, q);
    }
    TRAWL_BUG("unknown query node");
}

/* ---- The query as the impact files' tree ------------------------------------------------- */

static size_t count_nodes(const struct qnode *q)
{
    size_t n = 1;

    for (size_t i = 0; i < q->nkids; i++)
        n += count_nodes(q->kids[i]);
    return n;
}

/* q's node, made as build_words and build_op make q's Xapian query, drop for drop: NULL when
 * q drops out (s->fail 0) or cannot be mirrored (s->fail 1: a phrase, an exact or
 * many-token word, checked on the text; a wildcard, weighed as one synonym; a filter or
 * match-all, which Xapian weighs or restricts in its own way). */
static const struct impact_node *shape_node(struct index_ishape *s, const struct qwords *w,
                                            const struct qnode *q)
{
    struct impact_node *m;
    const struct impact_node **kids;
    enum impact_op op;
    size_t n = 0;

    switch (q->kind) {
    case QK_WORD: {
        const struct qword *qw = index_qword(w, q);
        if (qw->n == 0)
            return NULL; /* nothing searchable: dropped, as by build_words */
        if (qw->n > 1) { /* an AND of its terms, checked on the text (needs_check) */
            s->fail = 1;
            return NULL;
        }
        if (index_strlist_append(&s->leaves, qw->tok[0].term, qw->tok[0].tlen) != TRAWL_OK) {
            s->nomem = s->fail = 1;
            return NULL;
        }
        /* A Xapian term of wqf 1, weighed on its own wherever else its term occurs. */
        m = &s->nodes[s->nnodes++];
        *m = (struct impact_node){IMPACT_LEAF, s->leaves.n - 1, NULL, 0, NULL, 0};
        return m;
    }
    case QK_AND: op = IMPACT_AND; break;
    case QK_OR: op = IMPACT_OR; break;
    case QK_AND_NOT: op = IMPACT_AND_NOT; break;
    case QK_AND_MAYBE: op = IMPACT_AND_MAYBE; break;
    case QK_FILTER: {
        /* As build_op: the first operand dropped drops the node; the filters never drop.
         * Their set is decided later (index_ishape.froot). */
        const struct impact_node *k;
        if (q->nkids < 2) {
            s->fail = 1;
            return NULL;
        }
        k = shape_node(s, w, q->kids[0]);
        if (s->fail || k == NULL)
            return NULL;
        kids = &s->kids[s->nkids++];
        kids[0] = k;
        m = &s->nodes[s->nnodes++];
        *m = (struct impact_node){IMPACT_FILTER, 0, kids, 1, NULL, 0};
        s->fq[s->nfilters] = q;
        s->fnodes[s->nfilters++] = m;
        s->filtered = 1;
        return m;
    }
    case QK_DATE:
    case QK_ARTICLE:
    case QK_SOURCE: /* the set of what it leaves, decided later, weighing 0 */
        m = &s->nodes[s->nnodes++];
        *m = (struct impact_node){IMPACT_FILTER, 0, NULL, 0, NULL, 0};
        s->fq[s->nfilters] = q;
        s->fnodes[s->nfilters++] = m;
        s->filtered = 1;
        return m;
    default: s->fail = 1; return NULL;
    }
    kids = &s->kids[s->nkids];
    s->nkids += q->nkids;
    for (size_t i = 0; i < q->nkids; i++) {
        const struct impact_node *k = shape_node(s, w, q->kids[i]);
        if (s->fail)
            return NULL;
        if (k == NULL) {
            /* As build_op: a dropped first operand of AND_NOT or AND_MAYBE drops the node. */
            if (i == 0 && op != IMPACT_AND && op != IMPACT_OR)
                return NULL;
            continue;
        }
        kids[n++] = k;
    }
    if (n == 0)
        return NULL;
    if (n == 1) /* Xapian's one-operand AND (and AND_NOT of nothing) is that operand */
        return kids[0];
    /* build_op's n-ary AND_NOT and AND_MAYBE are "first OP (OR of the rest)": the same
     * documents and weights as impact.h's n-ary nodes. */
    m = &s->nodes[s->nnodes++];
    *m = (struct impact_node){op, 0, kids, n, NULL, 0};
    return m;
}

int index_ishape_init(struct index_ishape *s, const struct qwords *w, const struct qnode *q,
                      struct trawl_error *err)
{
    size_t n = count_nodes(q);

    memset(s, 0, sizeof *s);
    s->nodes = malloc(n * sizeof *s->nodes);
    s->kids = malloc(n * sizeof *s->kids);
    if (s->nodes == NULL || s->kids == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    s->fq = malloc(n * sizeof *s->fq);
    s->fnodes = malloc(n * sizeof *s->fnodes);
    if (s->fq == NULL || s->fnodes == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    s->root = shape_node(s, w, q);
    if (s->nomem)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (s->fail)
        s->root = NULL;
    if (s->filtered) { /* for the article question alone, once its sets are decided */
        s->froot = s->root;
        s->root = NULL;
    }
    if (s->froot == NULL)
        s->nfilters = 0;
    return TRAWL_OK;
}

void index_ishape_release(struct index_ishape *s)
{
    for (size_t i = 0; s->fnodes != NULL && i < s->nfilters; i++)
        free((void *)s->fnodes[i]->allow);
    free(s->nodes);
    free(s->kids);
    free(s->fq);
    free(s->fnodes);
    index_strlist_release(&s->leaves);
    memset(s, 0, sizeof *s);
}
