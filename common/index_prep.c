/* index_prep: an article analysed into passage documents (pure: any thread, its own analyzer). */
#include "common/index_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common/index_dups.h"
#include "common/index_fields.h"
#include "common/rank.h"
#include "common/strmap.h"
#include "common/xdb.h"

/* ---- Preparing articles ---------------------------------------------------------------- */

void index_prep_free(struct index_prep *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->ndocs; i++)
        xdb_doc_free(p->docs[i]);
    free(p->docs);
    free(p->id);
    sbuf_release(&p->key);
    sbuf_release(&p->record);
    strmap_release(&p->words);
    strmap_release(&p->terms);
    xdb_doc_free(p->adoc);
    free(p);
}

size_t index_prep_passages(const struct index_prep *p)
{
    return p->ndocs;
}

const char *index_prep_id(const struct index_prep *p)
{
    return p->id;
}

struct prep_ctx {
    struct strmap *terms;
    struct strmap *words;
    struct dups_sig *sig; /* the article's SimHash, over all its passages in order */
    int rc;               /* TRAWL_ENOMEM once a count could not be kept */
};

static enum analyze_next prep_token(void *ctx, const struct tok_token *tk, const char *term,
                                    size_t len)
{
    struct prep_ctx *pc = ctx;

    if (strmap_add(pc->terms, term, len, 1) != TRAWL_OK ||
        (index_spelling_word(tk) && strmap_add(pc->words, tk->text, tk->len, 1) != TRAWL_OK)) {
        pc->rc = TRAWL_ENOMEM;
        return ANALYZE_STOP;
    }
    index_dups_token(pc->sig, tk->text, tk->len);
    return ANALYZE_NEXT;
}

static enum analyze_next prep_title_token(void *ctx, const struct tok_token *tk,
                                          const char *term, size_t len)
{
    struct prep_ctx *pc = ctx;

    (void)tk;
    if (strmap_add(pc->terms, term, len, RANK_TITLE_WDF) != TRAWL_OK) {
        pc->rc = TRAWL_ENOMEM;
        return ANALYZE_STOP;
    }
    return ANALYZE_NEXT;
}

/* What a passage's document and the article's carry besides terms: the article and source
 * terms, the values, and the data (for the article's: no passage, ordinal = passages). */
static int prep_fields(struct index_prep *p, struct analyzer *an, const struct article *a,
                       const struct passage *ps, xdb_doc *doc, struct sbuf *tmp,
                       struct trawl_error *err)
{
    struct trawl_passage sp;
    int rc;

    if (schema_article_term(p->key.buf, p->key.len, tmp) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if ((rc = xdb_doc_add_boolean(doc, tmp->buf, tmp->len, err)) != TRAWL_OK)
        return rc;
    if (a->source != NULL && a->source[0] != '\0') {
        if (index_fields_source_term(analyzer_tok(an), a->source, strlen(a->source), tmp) !=
            TRAWL_OK)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        if (tmp->len > strlen(PREFIX_SOURCE) &&
            (rc = xdb_doc_add_boolean(doc, tmp->buf, tmp->len, err)) != TRAWL_OK)
            return rc;
    }

    if ((rc = xdb_doc_set_value(doc, SLOT_ARTICLE, p->key.buf, p->key.len, err)) != TRAWL_OK)
        return rc;
    if (a->date[0]) {
        char ymd[8] = {a->date[0], a->date[1], a->date[2], a->date[3],
                       a->date[5], a->date[6], a->date[8], a->date[9]};
        if ((rc = xdb_doc_set_value(doc, SLOT_DATE, ymd, 8, err)) != TRAWL_OK)
            return rc;
    }
    memset(&sp, 0, sizeof sp);
    sp.article = a->id;
    sp.article_len = strlen(a->id);
    sp.title = a->title;
    sp.title_len = strlen(a->title);
    sp.date = a->date;
    sp.date_len = strlen(a->date);
    sp.ordinal = (uint32_t)p->ndocs;
    sp.text = "";
    if (ps != NULL) {
        sp.ordinal = ps->ordinal;
        sp.start = ps->start;
        sp.end = ps->end;
        sp.text = a->body + ps->start;
        sp.text_len = ps->end - ps->start;
    }
    sp.url = a->url ? a->url : "";
    sp.url_len = strlen(sp.url);
    sp.source = a->source ? a->source : "";
    sp.source_len = strlen(sp.source);
    sbuf_reset(tmp);
    if ((rc = schema_passage_encode(&sp, tmp)) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return xdb_doc_set_data(doc, tmp->buf, tmp->len, err);
}

/* Builds the document of passage ps of article a. terms is scratch space; art gathers the
 * article's own counts. */
static int prep_passage(struct index_prep *p, struct analyzer *an, const struct article *a,
                        const struct passage *ps, struct strmap *terms, struct strmap *art,
                        struct dups_sig *sig, struct sbuf *tmp, struct trawl_error *err)
{
    struct prep_ctx pc = {terms, &p->words, sig, TRAWL_OK};
    xdb_doc *doc = xdb_doc_new();
    int rc;

    if (doc == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    p->docs[p->ndocs++] = doc;
    strmap_clear(terms);
    rc = analyze_each(an, a->body + ps->start, ps->end - ps->start, prep_token, &pc);
    if (rc != TRAWL_OK || pc.rc != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    /* The article's own counts, before the title joins the passage's (art NULL: its
     * document holds no ranking terms). */
    for (size_t i = 0; art != NULL && i < terms->cap; i++) {
        const struct strmap_entry *e = &terms->slots[i];
        if (e->key != NULL && strmap_add(art, e->key, e->len, e->val) != TRAWL_OK)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    /* A given title in every passage, RANK_TITLE_WDF times (as Anserini's MaxP segments carry
     * the title): a passage is read as part of its article. Measured on Cranfield in the
     * docs/relevance.md. Not a derived title: the first sentence is a lede, as long as
     * a passage, and would give every passage the words of the first. Not in the spelling
     * table: the body has the title's words. */
    if (RANK_TITLE_WDF > 0 && !a->title_derived && a->title[0] != '\0') {
        struct prep_ctx tc = {terms, NULL, NULL, TRAWL_OK};
        if (analyze_each(an, a->title, strlen(a->title), prep_title_token, &tc) != TRAWL_OK ||
            tc.rc != TRAWL_OK)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    /* One add per distinct term, with its count: far fewer calls into Xapian's map. */
    for (size_t i = 0; i < terms->cap; i++) {
        const struct strmap_entry *e = &terms->slots[i];
        if (e->key == NULL)
            continue;
        if ((rc = xdb_doc_add_term(doc, e->key, e->len, (unsigned)e->val, err)) != TRAWL_OK)
            return rc;
        if (strmap_add(&p->terms, e->key, e->len, 1) != TRAWL_OK)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }

    return prep_fields(p, an, a, ps, doc, tmp, err);
}

/* The article's document: its passages' own counts (art; NULL: no ranking terms) and its
 * given title once, with the weight a passage gives it; TERM_TITLE when the title was given
 * (what the article impact file's derivation takes off its passages' sums). */
static int prep_article(struct index_prep *p, struct analyzer *an, const struct article *a,
                        struct strmap *art, struct sbuf *tmp, struct trawl_error *err)
{
    int given = RANK_TITLE_WDF > 0 && !a->title_derived && a->title[0] != '\0';
    int rc;

    if ((p->adoc = xdb_doc_new()) == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (given &&
        (rc = xdb_doc_add_boolean(p->adoc, TERM_TITLE, strlen(TERM_TITLE), err)) != TRAWL_OK)
        return rc;
    if (art == NULL)
        return prep_fields(p, an, a, NULL, p->adoc, tmp, err);
    if (given) {
        struct prep_ctx tc = {art, NULL, NULL, TRAWL_OK};
        if (analyze_each(an, a->title, strlen(a->title), prep_title_token, &tc) != TRAWL_OK ||
            tc.rc != TRAWL_OK)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < art->cap; i++) {
        const struct strmap_entry *e = &art->slots[i];
        if (e->key != NULL &&
            (rc = xdb_doc_add_term(p->adoc, e->key, e->len, (unsigned)e->val, err)) != TRAWL_OK)
            return rc;
    }
    return prep_fields(p, an, a, NULL, p->adoc, tmp, err);
}

int index_prepare(struct analyzer *an, const struct article *a, const struct passage_opts *po,
                  int article_terms, const struct trawl_record *rec, struct index_prep **out,
                  struct trawl_error *err)
{
    struct index_prep *p = calloc(1, sizeof *p);
    struct passage *ps = NULL;
    struct trawl_record r = *rec;
    struct strmap terms, art;
    struct dups_sig sig;
    struct sbuf tmp;
    size_t n = 0;
    char simhash[8];
    int rc;

    *out = NULL;
    if (p == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    sbuf_init(&p->key);
    sbuf_init(&p->record);
    strmap_init(&p->words);
    strmap_init(&p->terms);
    strmap_init(&terms);
    strmap_init(&art);
    sbuf_init(&tmp);
    if ((p->id = strdup(a->id)) == NULL ||
        schema_article_key(a->id, strlen(a->id), &p->key) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    rc = passage_split(a->body, a->body_len, po, &ps, &n, err);
    if (rc != TRAWL_OK)
        goto out;
    if (n > 0 && (p->docs = calloc(n, sizeof *p->docs)) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    index_dups_init(&sig);
    for (size_t i = 0; i < n && rc == TRAWL_OK; i++)
        rc = prep_passage(p, an, a, &ps[i], &terms, article_terms ? &art : NULL, &sig, &tmp,
                          err);
    if (rc == TRAWL_OK && n > 0)
        rc = prep_article(p, an, a, article_terms ? &art : NULL, &tmp, err);
    /* Known only now that every passage is analysed: on each of them, as the collapse key. */
    if (rc == TRAWL_OK && index_dups_final(&sig, simhash))
        for (size_t i = 0; i <= n && rc == TRAWL_OK; i++)
            if (i < n || p->adoc != NULL)
                rc = xdb_doc_set_value(i < n ? p->docs[i] : p->adoc, SLOT_SIMHASH, simhash, 8,
                                       err);
    /* The article's last passage: its run of docids ends there (schema.h). */
    if (rc == TRAWL_OK && n > 0)
        rc = xdb_doc_add_boolean(p->docs[n - 1], TERM_LAST, strlen(TERM_LAST), err);
    if (rc != TRAWL_OK)
        goto out;
    r.passages = (uint32_t)n;
    if (schema_article_encode(&r, &p->record) != TRAWL_OK)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
out:
    free(ps);
    strmap_release(&terms);
    strmap_release(&art);
    sbuf_release(&tmp);
    if (rc != TRAWL_OK) {
        index_prep_free(p);
        return rc;
    }
    *out = p;
    return TRAWL_OK;
}
