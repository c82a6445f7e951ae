/* index_exclude: exclusions at the level of articles. When results are shown one passage per
 * article, `-word` and `NOT word` mean "articles that do not mention word": a passage of an
 * article that says it elsewhere (its title or another passage) is rejected too. Xapian's
 * AND_NOT has already rejected the passages that contain it; this check rejects the rest, as
 * a match decider (or, on remote shards, as the check run in trawl), so pages stay full.
 *
 * "Does this article contain term t" is a leapfrog of t's postings against the article's
 * A<article> term's (xdb_cooccur): a few skip_to calls. It is not docid arithmetic (an
 * article's passages are consecutive docids in one database, but not in several databases
 * searched as one, whose docids interleave). Excluded phrases, and words that analyse into
 * several tokens, are checked on the text of the article's passages, once every term is known
 * to be in the article. Verdicts are cached per article: a search asks once per article. */
#include "common/index_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common/analyze.h"
#include "common/grow.h"
#include "common/schema.h"
#include "common/xdb.h"

void index_exclude_release(struct excluder *e)
{
    if (e == NULL)
        return;
    free(e->nodes);
    strmap_release(&e->verdict);
    for (size_t i = 0; i < e->nsubs; i++)
        index_checker_release(&e->subs[i].chk);
    free(e->subs);
    sbuf_release(&e->aterm);
    sbuf_release(&e->data);
    free(e->ids.v);
    memset(e, 0, sizeof *e);
}

static int add_node(struct excluder *e, const struct qnode *q)
{
    const struct qnode **v = grow(e->nodes, e->n, &e->cap, sizeof *v, 4);

    if (v == NULL)
        return TRAWL_ENOMEM;
    e->nodes = v;
    e->nodes[e->n++] = q;
    return TRAWL_OK;
}

/* Compiles the words, phrases and prefixes under q that text_has may check, once per search
 * rather than once per article. */
static int compile_subs(struct excluder *e, const struct qnode *q, struct trawl_error *err)
{
    int rc = TRAWL_OK;

    if (q->kind == QK_WORD || q->kind == QK_PHRASE || q->kind == QK_PREFIX) {
        struct exclude_sub *v = grow(e->subs, e->nsubs, &e->subcap, sizeof *v, 4);
        if (v == NULL)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        e->subs = v;
        v[e->nsubs].q = q;
        if ((rc = index_checker_init(&v[e->nsubs].chk, e->an, e->words, q, err)) != TRAWL_OK)
            return rc;
        e->nsubs++;
    }
    for (size_t i = 0; rc == TRAWL_OK && i < q->nkids; i++)
        rc = compile_subs(e, q->kids[i], err);
    return rc;
}

/* The excluded branches every match must avoid: those of AND_NOT nodes reached from the root
 * through AND, FILTER, AND_MAYBE and AND_NOT's first operand. An exclusion inside one
 * alternative of an OR ("a OR (b NOT c)") stays a passage-level one: an article matching
 * "a" is wanted whatever else it says. */
static int collect(struct excluder *e, const struct qnode *q)
{
    int rc = TRAWL_OK;

    switch (q->kind) {
    case QK_AND:
        for (size_t i = 0; rc == TRAWL_OK && i < q->nkids; i++)
            rc = collect(e, q->kids[i]);
        return rc;
    case QK_FILTER:
    case QK_AND_MAYBE: return q->nkids ? collect(e, q->kids[0]) : TRAWL_OK;
    case QK_AND_NOT:
        for (size_t i = 1; rc == TRAWL_OK && i < q->nkids; i++)
            rc = add_node(e, q->kids[i]);
        return rc == TRAWL_OK && q->nkids ? collect(e, q->kids[0]) : rc;
    default: return TRAWL_OK;
    }
}

int index_exclude_init(struct excluder *e, struct index *ix, struct analyzer *an,
                       const struct qwords *w, const struct qnode *q, struct trawl_error *err)
{
    int rc = TRAWL_OK;

    memset(e, 0, sizeof *e);
    e->ix = ix;
    e->an = an;
    e->words = w;
    e->err = err;
    strmap_init(&e->verdict);
    sbuf_init(&e->aterm);
    sbuf_init(&e->data);
    if (q != NULL && collect(e, q) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; rc == TRAWL_OK && i < e->n; i++)
        rc = compile_subs(e, e->nodes[i], err);
    return rc;
}

/* Records the first failure; the candidate is rejected and the search returns e->rc. */
static int fail(struct excluder *e, int rc)
{
    if (e->rc == TRAWL_OK)
        e->rc = rc;
    return 0;
}

/* q's checker, compiled by compile_subs. */
static struct checker *sub_checker(struct excluder *e, const struct qnode *q)
{
    for (size_t i = 0; i < e->nsubs; i++)
        if (e->subs[i].q == q)
            return &e->subs[i].chk;
    TRAWL_BUG("excluded node not compiled");
}

/* Does the text of some passage of the article say q? */
static int text_has(struct excluder *e, const struct qnode *q)
{
    struct checker *sub = sub_checker(e, q);
    struct trawl_error err;
    int rc;

    e->ids.n = 0;
    rc = xdb_postings(e->ix->db, e->aterm.buf, e->aterm.len, index_collect_docid, &e->ids,
                      &err);
    if (rc != TRAWL_OK || e->ids.nomem)
        return fail(e, rc != TRAWL_OK ? terr_set(e->err, err.code, "%s", err.msg)
                                      : terr_set(e->err, TRAWL_ENOMEM, "out of memory"));
    for (size_t i = 0; i < e->ids.n; i++) {
        if ((rc = xdb_doc_data(e->ix->db, e->ids.v[i], &e->data, &err)) != TRAWL_OK)
            return fail(e, terr_set(e->err, err.code, "%s", err.msg));
        if (index_checker_match(sub, e->data.buf, e->data.len))
            return 1;
        if (sub->nomem)
            return fail(e, terr_set(e->err, TRAWL_ENOMEM, "out of memory"));
    }
    return 0;
}

/* Does the article (e->aterm) contain every term of a word or phrase, and, when it has
 * several tokens or must match exactly, their sequence in one passage's text? */
static int words_has(struct excluder *e, const struct qnode *q, int exact)
{
    const struct qword *w = index_qword(e->words, q);
    int has = 1;

    if (w->n == 0)
        return 0; /* nothing searchable: excludes nothing, as in the Xapian query */
    for (size_t i = 0; has && i < w->n; i++) {
        struct trawl_error err;
        int rc = xdb_cooccur(e->ix->db, e->aterm.buf, e->aterm.len, w->tok[i].term,
                             w->tok[i].tlen, &has, &err);
        if (rc != TRAWL_OK)
            has = fail(e, terr_set(e->err, err.code, "%s", err.msg));
    }
    if (has && (exact || w->n > 1))
        has = text_has(e, q);
    return has;
}

/* Does the article say q anywhere? Filters (date:, article:, source:) are not decided per
 * article: they answer no, leaving Xapian's passage-level exclusion. */
static int article_has(struct excluder *e, const struct qnode *q)
{
    switch (q->kind) {
    case QK_WORD: return words_has(e, q, 0);
    case QK_PHRASE: return words_has(e, q, 1);
    case QK_PREFIX: return text_has(e, q);
    case QK_AND:
        for (size_t i = 0; i < q->nkids; i++)
            if (!article_has(e, q->kids[i]))
                return 0;
        return q->nkids > 0;
    case QK_OR:
        for (size_t i = 0; i < q->nkids; i++)
            if (article_has(e, q->kids[i]))
                return 1;
        return 0;
    case QK_AND_NOT:
        if (q->nkids == 0 || !article_has(e, q->kids[0]))
            return 0;
        for (size_t i = 1; i < q->nkids; i++)
            if (article_has(e, q->kids[i]))
                return 0;
        return 1;
    case QK_AND_MAYBE: return q->nkids ? article_has(e, q->kids[0]) : 0;
    case QK_FILTER:
    case QK_MATCH_ALL:
    case QK_DATE:
    case QK_ARTICLE:
    case QK_SOURCE: return 0;
    }
    return 0;
}

#define VERDICT_KEEP 1
#define VERDICT_DROP 2

int index_exclude_keep(struct excluder *e, const char *data, size_t len)
{
    struct trawl_passage p;
    struct strmap_entry *v;
    int drop = 0;

    if (e->rc != TRAWL_OK || schema_passage_decode(data, len, &p, NULL) != TRAWL_OK)
        return 0;
    if ((v = strmap_get(&e->verdict, p.article, p.article_len)) != NULL)
        return v->val == VERDICT_KEEP;
    if (schema_article_term(p.article, p.article_len, &e->aterm) != TRAWL_OK)
        return fail(e, terr_set(e->err, TRAWL_ENOMEM, "out of memory"));
    for (size_t i = 0; !drop && e->rc == TRAWL_OK && i < e->n; i++)
        drop = article_has(e, e->nodes[i]);
    if (e->rc != TRAWL_OK)
        return 0;
    if (strmap_add(&e->verdict, p.article, p.article_len, drop ? VERDICT_DROP : VERDICT_KEEP) !=
        TRAWL_OK)
        return fail(e, terr_set(e->err, TRAWL_ENOMEM, "out of memory"));
    return !drop;
}

/* The decider the search runs on each candidate: the article-level exclusions first (a cached
 * verdict per article), then the phrase checker's text check. Here rather than in
 * index_phrase.c, which this module builds on: the checker knows nothing of exclusions. */
int index_check_decider(void *ctx, xdb_docid id, const char *data, size_t len)
{
    struct checker *c = ctx;

    (void)id;
    if (c->ex != NULL && !index_exclude_keep(c->ex, data, len))
        return 0;
    return index_checker_match(c, data, len);
}
