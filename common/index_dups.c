/* index_dups: SimHash signatures and near-duplicate groups (index_dups.h). */
#include "common/index_dups.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "common/index_priv.h"
#include "common/schema.h"
#include "common/xdb.h"

/* splitmix64's finaliser (Steele, Lea, Flood 2014): spreads a token hash's bits, so that the
 * 64 bit positions of the shingle hashes are independent coin flips, as SimHash needs. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A shingle's hash from its three tokens' hashes: order-sensitive. */
static uint64_t shingle_hash(uint64_t a, uint64_t b, uint64_t c)
{
    return mix(mix(mix(a) ^ b) ^ c);
}

void index_dups_init(struct dups_sig *s)
{
    memset(s, 0, sizeof *s);
}

void index_dups_token(struct dups_sig *s, const char *tok, size_t len)
{
    uint64_t h = schema_hash(TRAWL_HASH_SEED, tok, len);

    if (s->tokens >= 2) {
        /* The shingle (prev[0], prev[1], h), order-sensitive, added to the counters as a
         * ripple-carry add of one bit per counter. */
        uint64_t x = shingle_hash(s->prev[0], s->prev[1], h);
        for (size_t i = 0; x != 0 && i < sizeof s->planes / sizeof s->planes[0]; i++) {
            uint64_t carry = s->planes[i] & x;
            s->planes[i] ^= x;
            x = carry;
        }
    }
    s->prev[0] = s->prev[1];
    s->prev[1] = h;
    s->tokens++;
}

/* Bit b is set when more than half the shingles have it set. */
static uint64_t sig_bits(const struct dups_sig *s)
{
    uint64_t sig = 0, shingles = s->tokens >= 2 ? s->tokens - 2 : 0;

    for (int b = 0; b < 64; b++) {
        uint64_t count = 0;
        for (size_t i = 0; i < sizeof s->planes / sizeof s->planes[0]; i++)
            count |= ((s->planes[i] >> b) & 1) << i;
        if (2 * count > shingles)
            sig |= 1ULL << b;
    }
    return sig;
}

int index_dups_final(const struct dups_sig *s, char out[8])
{
    uint64_t sig = sig_bits(s);

    if (s->tokens < INDEX_DUPS_MIN_SHINGLES + 2)
        return 0;
    for (int i = 0; i < 8; i++)
        out[i] = (char)(sig >> (56 - 8 * i));
    return 1;
}

int index_dups_of_words(const char *text, size_t len, uint64_t *sig)
{
    struct dups_sig s;
    size_t i = 0;

    index_dups_init(&s);
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != ' ')
            j++;
        if (j > i)
            index_dups_token(&s, text + i, j - i);
        i = j + 1;
    }
    *sig = sig_bits(&s);
    return s.tokens >= INDEX_DUPS_MIN_SHINGLES + 2;
}

unsigned index_dups_distance(uint64_t a, uint64_t b)
{
    return (unsigned)__builtin_popcountll(a ^ b);
}

void index_dups_shingles_init(struct dups_shingles *s)
{
    memset(s, 0, sizeof *s);
}

int index_dups_shingles_token(struct dups_shingles *s, const char *tok, size_t len)
{
    uint64_t h = schema_hash(TRAWL_HASH_SEED, tok, len);

    if (s->tokens >= 2) {
        uint64_t *v = grow(s->v, s->n, &s->cap, sizeof *v, 256);
        if (v == NULL)
            return TRAWL_ENOMEM;
        s->v = v;
        s->v[s->n++] = shingle_hash(s->prev[0], s->prev[1], h);
    }
    s->prev[0] = s->prev[1];
    s->prev[1] = h;
    s->tokens++;
    return TRAWL_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

void index_dups_shingles_end(struct dups_shingles *s)
{
    size_t k = 0;

    if (s->n > 0)
        qsort(s->v, s->n, sizeof *s->v, cmp_u64);
    for (size_t i = 0; i < s->n; i++)
        if (i == 0 || s->v[i] != s->v[k - 1])
            s->v[k++] = s->v[i];
    s->n = k;
}

void index_dups_shingles_release(struct dups_shingles *s)
{
    if (s == NULL)
        return;
    free(s->v);
    memset(s, 0, sizeof *s);
}

double index_dups_jaccard(const struct dups_shingles *a, const struct dups_shingles *b)
{
    size_t i = 0, j = 0, common = 0;

    while (i < a->n && j < b->n) {
        if (a->v[i] == b->v[j]) {
            common++;
            i++;
            j++;
        } else if (a->v[i] < b->v[j]) {
            i++;
        } else {
            j++;
        }
    }
    return a->n + b->n > 0 ? (double)common / (double)(a->n + b->n - common) : 0;
}

struct shingling {
    struct dups_shingles *s;
    int rc; /* TRAWL_ENOMEM once a shingle could not be kept */
};

/* Shingles are of the folded tokens as the tokenizer gives them: no stemming needed. */
static enum tok_next shingle_token(void *ctx, const struct tok_token *tk)
{
    struct shingling *sh = ctx;

    if (index_dups_shingles_token(sh->s, tk->text, tk->len) != TRAWL_OK) {
        sh->rc = TRAWL_ENOMEM;
        return TOK_STOP;
    }
    return TOK_NEXT;
}

int index_dups_article_shingles(struct index *ix, struct analyzer *an,
                                const struct trawl_passage *p, struct dups_shingles *out,
                                struct trawl_error *err)
{
    struct docids ids = {NULL, 0, 0, 0};
    struct sbuf term, data;
    int rc;

    index_dups_shingles_init(out);
    sbuf_init(&term);
    sbuf_init(&data);
    if (schema_article_term(p->article, p->article_len, &term) != TRAWL_OK) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    /* Postings come in docid order, which is the passages' order (an article's passages are
     * consecutive documents of one database). */
    rc = xdb_postings(ix->db, term.buf, term.len, index_collect_docid, &ids, err);
    if (rc == TRAWL_OK && ids.nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < ids.n && rc == TRAWL_OK; i++) {
        struct trawl_passage q;
        if ((rc = xdb_doc_data(ix->db, ids.v[i], &data, err)) == TRAWL_ENOTFOUND) {
            rc = TRAWL_OK; /* gone since the search, as in read_sig */
            continue;
        }
        if (rc != TRAWL_OK)
            break;
        rc = index_damaged(ix, schema_passage_decode(data.buf, data.len, &q, err), err);
        if (rc != TRAWL_OK)
            break;
        struct shingling sh = {out, TRAWL_OK};
        if (tok_each(analyzer_tok(an), q.text, q.text_len, shingle_token, &sh) != TRAWL_OK ||
            sh.rc != TRAWL_OK)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    if (rc == TRAWL_OK)
        index_dups_shingles_end(out);
out:
    free(ids.v);
    sbuf_release(&term);
    sbuf_release(&data);
    return rc;
}

void index_dups_free(struct index_dup_list *dups, size_t n)
{
    if (dups == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(dups[i].v);
    free(dups);
}

/* What grouping knows of a hit's article. */
struct member {
    uint64_t sig;
    int has_sig;
    size_t group; /* index of the group's first hit (its representative) */
    int has_sh;   /* sh is loaded (only for hits that needed the exact test) */
    struct dups_shingles sh;
};

/* What grouping works with. */
struct grouping {
    struct index *ix;
    struct analyzer *an; /* made on first need */
    const struct index_results *r;
    struct member *m;
    struct trawl_error *err;
};

static int read_sig(struct index *ix, uint32_t docid, struct sbuf *tmp, struct member *m,
                    struct trawl_error *err)
{
    int rc = xdb_doc_value(ix->db, docid, SLOT_SIMHASH, tmp, err);

    /* Gone since the search: an empty value, no signature, its own group. */
    m->sig = 0;
    m->has_sig = rc == TRAWL_OK && tmp->len == 8;
    for (size_t i = 0; m->has_sig && i < 8; i++)
        m->sig = (m->sig << 8) | (unsigned char)tmp->buf[i];
    return rc;
}

/* Hit i's article's shingles, loaded once. */
static int shingles_of(struct grouping *g, size_t i)
{
    int rc;

    if (g->m[i].has_sh)
        return TRAWL_OK;
    if (g->an == NULL && (rc = index_analyzer(g->ix, &g->an, g->err)) != TRAWL_OK)
        return rc;
    rc = index_dups_article_shingles(g->ix, g->an, &g->r->hits[i].pub.passage, &g->m[i].sh, g->err);
    g->m[i].has_sh = 1; /* to be released, whatever rc */
    return rc;
}

/* Are hits j and i near-duplicates: within INDEX_DUPS_MAX_BITS, or within
 * INDEX_DUPS_CHECK_BITS and their shingle sets INDEX_DUPS_MIN_JACCARD alike? Into *yes. */
static int near(struct grouping *g, size_t j, size_t i, int *yes)
{
    unsigned d = index_dups_distance(g->m[j].sig, g->m[i].sig);
    int rc;

    *yes = d <= INDEX_DUPS_MAX_BITS;
    if (*yes || d > INDEX_DUPS_CHECK_BITS)
        return TRAWL_OK;
    if ((rc = shingles_of(g, j)) != TRAWL_OK || (rc = shingles_of(g, i)) != TRAWL_OK)
        return rc;
    *yes = index_dups_jaccard(&g->m[j].sh, &g->m[i].sh) >= INDEX_DUPS_MIN_JACCARD;
    return TRAWL_OK;
}

/* The representative hit of hit i's group, into m[i].group: an earlier hit of the same
 * article (whatever group it is in: not in the one-passage-per-article view this runs in, but
 * cheap to be sure), else the first representative up to hit `upto` that is a
 * near-duplicate, else i. */
static int group_of(struct grouping *g, size_t i, size_t upto)
{
    const struct index_results *r = g->r;
    struct member *m = g->m;
    int rc, yes;

    m[i].group = i;
    for (size_t j = 0; j < i; j++)
        if (schema_same_article(&r->hits[j].pub.passage, &r->hits[i].pub.passage)) {
            m[i].group = m[j].group;
            return TRAWL_OK;
        }
    if (!m[i].has_sig)
        return TRAWL_OK;
    for (size_t j = 0; j < i && j <= upto; j++) {
        if (m[j].group != j || !m[j].has_sig)
            continue;
        if ((rc = near(g, j, i, &yes)) != TRAWL_OK)
            return rc;
        if (yes) {
            m[i].group = j;
            break;
        }
    }
    return TRAWL_OK;
}

int index_dups_group(struct index *ix, struct index_results *r, size_t offset, size_t count,
                     struct index_dup_list **dups, struct trawl_error *err)
{
    struct member *m = calloc(r->n ? r->n : 1, sizeof *m);
    size_t *shown_at = calloc(r->n ? r->n : 1, sizeof *shown_at); /* rep -> shown index + 1 */
    struct index_dup_list *d = NULL;
    struct grouping g = {ix, NULL, r, m, err};
    struct sbuf tmp;
    size_t groups = 0, kept = 0, nhits = r->n; /* r->n shrinks to the shown hits below */
    int rc = TRAWL_OK;

    *dups = NULL;
    sbuf_init(&tmp);
    if (m == NULL || shown_at == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    /* Once the window's last group has its representative (hit `last`), a later hit matters
     * only if it folds into a group up to there: its first near-duplicate representative is
     * then among those, and the representatives after `last` need no comparing. */
    for (size_t i = 0, reps = 0, last = SIZE_MAX; i < r->n && rc == TRAWL_OK; i++) {
        if ((rc = read_sig(ix, r->hits[i].docid, &tmp, &m[i], err)) != TRAWL_OK ||
            (rc = group_of(&g, i, last)) != TRAWL_OK)
            break;
        if (m[i].group == i && last == SIZE_MAX && ++reps >= offset + count)
            last = i;
    }
    if (rc == TRAWL_OK && (d = calloc(count ? count : 1, sizeof *d)) == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    /* Pass 1: the groups' representatives in the window [offset, offset + count). */
    for (size_t i = 0; i < r->n && rc == TRAWL_OK; i++)
        if (m[i].group == i && groups++ >= offset && kept < count)
            shown_at[i] = ++kept;
    /* Pass 2: the folded articles of each shown group, once each, best first. */
    for (size_t i = 0; i < r->n && rc == TRAWL_OK; i++) {
        size_t g = m[i].group, k;
        struct index_dup_list *l;
        struct trawl_passage *v;
        int seen = 0;
        if (shown_at[g] == 0 || g == i)
            continue;
        l = &d[shown_at[g] - 1];
        for (k = 0; k < l->n && !seen; k++)
            seen = schema_same_article(&l->v[k], &r->hits[i].pub.passage);
        if (seen)
            continue;
        if ((rc = index_hit_full(ix, r, i, err)) != TRAWL_OK)
            break;
        if ((v = realloc(l->v, (l->n + 1) * sizeof *v)) == NULL) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        l->v = v;
        l->v[l->n++] = r->hits[i].pub.passage;
    }
    if (rc == TRAWL_OK) {
        /* Compact: the shown representatives, in order (shown_at is increasing). */
        size_t o = 0;
        for (size_t i = 0; i < r->n; i++)
            if (shown_at[i] != 0)
                r->hits[o++] = r->hits[i];
        r->n = o;
        *dups = d;
        d = NULL;
    }
    index_dups_free(d, count);
    for (size_t i = 0; m != NULL && i < nhits; i++)
        index_dups_shingles_release(&m[i].sh);
    free(m);
    free(shown_at);
    sbuf_release(&tmp);
    return rc;
}
