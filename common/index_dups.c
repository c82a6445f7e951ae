/* index_dups: SimHash signatures and near-duplicate groups (index_dups.h). */
#include "common/index_dups.h"

#include <stdlib.h>
#include <string.h>

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

void index_dups_init(struct dups_sig *s)
{
    memset(s, 0, sizeof *s);
}

void index_dups_token(struct dups_sig *s, const char *tok, size_t len)
{
    uint64_t h = schema_hash(SCHEMA_HASH_SEED, tok, len);

    if (s->tokens >= 2) {
        /* The shingle (prev[0], prev[1], h), order-sensitive, added to the counters as a
         * ripple-carry add of one bit per counter. */
        uint64_t x = mix(mix(mix(s->prev[0]) ^ s->prev[1]) ^ h);
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
};

static int same_article(const struct schema_passage *a, const struct schema_passage *b)
{
    return a->id_len == b->id_len && memcmp(a->id, b->id, a->id_len) == 0;
}

static int read_sig(struct index *ix, uint32_t docid, struct sbuf *tmp, struct member *m,
                    struct terr *err)
{
    int rc = xdb_doc_value(ix->db, docid, SLOT_SIMHASH, tmp, err);

    /* Gone since the search: an empty value, no signature, its own group. */
    m->sig = 0;
    m->has_sig = rc == TRAWL_OK && tmp->len == 8;
    for (size_t i = 0; m->has_sig && i < 8; i++)
        m->sig = (m->sig << 8) | (unsigned char)tmp->buf[i];
    return rc;
}

/* The representative hit of hit i's group: an earlier hit of the same article (whatever
 * group it is in: not in the one-passage-per-article view this runs in, but cheap to be
 * sure), else the first representative within INDEX_DUPS_MAX_BITS, else i. */
static size_t group_of(const struct index_results *r, const struct member *m, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (same_article(&r->hits[j].p, &r->hits[i].p))
            return m[j].group;
    if (!m[i].has_sig)
        return i;
    for (size_t j = 0; j < i; j++)
        if (m[j].group == j && m[j].has_sig &&
            index_dups_distance(m[j].sig, m[i].sig) <= INDEX_DUPS_MAX_BITS)
            return j;
    return i;
}

int index_dups_group(struct index *ix, struct index_results *r, size_t offset, size_t count,
                     struct index_dup_list **dups, struct terr *err)
{
    struct member *m = calloc(r->n ? r->n : 1, sizeof *m);
    size_t *shown_at = calloc(r->n ? r->n : 1, sizeof *shown_at); /* rep -> shown index + 1 */
    struct index_dup_list *d = NULL;
    struct sbuf tmp;
    size_t groups = 0, kept = 0;
    int rc = TRAWL_OK;

    *dups = NULL;
    sbuf_init(&tmp);
    if (m == NULL || shown_at == NULL)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->n && rc == TRAWL_OK; i++) {
        rc = read_sig(ix, r->hits[i].docid, &tmp, &m[i], err);
        m[i].group = group_of(r, m, i);
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
        struct schema_passage *v;
        int seen = 0;
        if (shown_at[g] == 0 || g == i)
            continue;
        l = &d[shown_at[g] - 1];
        for (k = 0; k < l->n && !seen; k++)
            seen = same_article(&l->v[k], &r->hits[i].p);
        if (seen)
            continue;
        if ((v = realloc(l->v, (l->n + 1) * sizeof *v)) == NULL) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        l->v = v;
        l->v[l->n++] = r->hits[i].p;
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
    free(m);
    free(shown_at);
    sbuf_release(&tmp);
    return rc;
}
