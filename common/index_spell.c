/* index_spell: the spelling table: words collected and forgotten as passages come and go,
 * flushed in bounded batches. What readers ask of it is in index_suggest.c and index_rare.c,
 * which retry their reads (index_retry): opening reaches this module through the writer's
 * repair, so it could not without a circle. */
#include "common/index_priv.h"

#include <string.h>

#include "common/strmap.h"
#include "common/xdb.h"

/* Words for the spelling table are flushed to Xapian at each commit, or earlier when this
 * many distinct ones are pending, so that memory stays bounded whatever the batch size (a
 * build from nothing commits only at its end). Xapian keeps what it is given in memory until
 * its next commit, with every word's letter fragments. Measured at Reuters 10x (two writers):
 * 200,000 let the final commits lift peak RSS from about 110 to 245 MB; 50,000, to 180 MB
 * at the same CPU time; 20,000 gave 130 MB but 20% more CPU (each flush looks up every word
 * it passes in the table on disk). */
#define SPELL_PENDING_MAX 50000
/* Only words of these lengths are worth suggesting. */
#define SPELL_MIN_BYTES 3
#define SPELL_MAX_BYTES 32

/* Whether a token is a word worth suggesting: the spelling table holds only these. */
int index_spelling_word(const struct tok_token *tk)
{
    return !(tk->flags & (TOK_NUMERIC | TOK_LONG | TOK_CJK)) && tk->len >= SPELL_MIN_BYTES &&
           tk->len <= SPELL_MAX_BYTES;
}

/* Additions first, then removals: a word an update both drops and keeps nets out right. */
int index_flush_spelling(struct index *ix, struct trawl_error *err)
{
    int rc = TRAWL_OK;

    for (size_t i = 0; i < ix->spell.cap && rc == TRAWL_OK; i++) {
        const struct strmap_entry *e = &ix->spell.slots[i];
        if (e->key != NULL)
            rc = xdb_add_spelling(ix->db, e->key, e->len, (unsigned)e->val, err);
    }
    for (size_t i = 0; i < ix->unspell.cap && rc == TRAWL_OK; i++) {
        const struct strmap_entry *e = &ix->unspell.slots[i];
        if (e->key != NULL)
            rc = xdb_remove_spelling(ix->db, e->key, e->len, (unsigned)e->val, err);
    }
    strmap_clear(&ix->spell);
    strmap_clear(&ix->unspell);
    return rc;
}

struct unspell {
    struct strmap *words;
    int rc; /* TRAWL_ENOMEM once a word could not be counted */
};

static enum analyze_next unspell_token(void *ctx, const struct tok_token *tk, const char *term,
                                       size_t len)
{
    struct unspell *u = ctx;

    (void)term;
    (void)len;
    if (index_spelling_word(tk) && strmap_add(u->words, tk->text, tk->len, 1) != TRAWL_OK) {
        u->rc = TRAWL_ENOMEM;
        return ANALYZE_STOP;
    }
    return ANALYZE_NEXT;
}

/* Before an article's passages go (replaced or removed): their words leave the spelling
 * table, so suggestions match a clean build of what is left. */
int index_forget_words(struct index *ix, const struct docids *ids, struct trawl_error *err)
{
    struct sbuf data;
    struct analyzer *an;
    int rc = index_analyzer(ix, &an, err);

    if (rc != TRAWL_OK)
        return rc;
    sbuf_init(&data);
    for (size_t i = 0; i < ids->n && rc == TRAWL_OK; i++) {
        struct trawl_passage p;
        rc = xdb_doc_data(ix->db, ids->v[i], &data, err);
        if (rc == TRAWL_OK)
            rc = index_damaged(ix, schema_passage_decode(data.buf, data.len, &p, err), err);
        struct unspell u = {&ix->unspell, TRAWL_OK};
        if (rc == TRAWL_OK && analyze_each(an, p.text, p.text_len, unspell_token, &u) != TRAWL_OK)
            u.rc = TRAWL_ENOMEM;
        if (u.rc != TRAWL_OK)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    sbuf_release(&data);
    return rc;
}

int index_spell_bound(struct index *ix, struct trawl_error *err)
{
    if (ix->spell.n + ix->unspell.n > SPELL_PENDING_MAX)
        return index_flush_spelling(ix, err);
    return TRAWL_OK;
}
