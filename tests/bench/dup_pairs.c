/* dup_pairs: the near-duplicate pairs of an index by two measures, for choosing the fold rule
 * (README "Near-duplicates"; tests/bench/dup_pairs.py summarises the output).
 *
 *     dup_pairs INDEX MIN_JACCARD MAX_BITS   ->   "bits<TAB>jaccard<TAB>article<TAB>article"
 *
 * Each article's stored SimHash (SLOT_SIMHASH) is read, and its 3-word shingles of folded
 * tokens (as a set) as the searcher's exact test gets them (index_dups_article_shingles).
 * Prints every pair whose shingle Jaccard similarity is at least MIN_JACCARD (found exactly,
 * with prefix filtering: Bayardo, Ma and Srikant, "Scaling up all pairs similarity search",
 * WWW 2007), and every pair of signed articles within MAX_BITS bits; bits is -1 when an
 * article has no signature (too short).
 * Reads the index's internals, so it links the library's objects. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/index_dups.h"
#include "common/index_priv.h"
#include "common/schema.h"
#include "common/xdb.h"

struct art {
    char *id;
    uint64_t sig;
    int has_sig;
    uint32_t *sh; /* its shingles' ranks (rarest first), ascending */
    size_t n;
    struct dups_shingles hashes; /* until renumbered */
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Shingle hash -> its rank in the global order (rarest first, then by hash). */
struct rank {
    uint64_t h;
    uint32_t df, rank;
};

static int cmp_rank_h(const void *a, const void *b)
{
    return cmp_u64(&((const struct rank *)a)->h, &((const struct rank *)b)->h);
}

static int cmp_rank_df(const void *a, const void *b)
{
    const struct rank *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? -1 : 1;
    return cmp_u64(&x->h, &y->h);
}

static double jaccard(const struct art *a, const struct art *b)
{
    size_t i = 0, j = 0, common = 0;

    while (i < a->n && j < b->n) {
        if (a->sh[i] == b->sh[j]) {
            common++;
            i++;
            j++;
        } else if (a->sh[i] < b->sh[j]) {
            i++;
        } else {
            j++;
        }
    }
    return a->n + b->n - common ? (double)common / (double)(a->n + b->n - common) : 0;
}

static void print_pair(const struct art *a, const struct art *b)
{
    int bits = a->has_sig && b->has_sig ? (int)index_dups_distance(a->sig, b->sig) : -1;
    printf("%d\t%.4f\t%s\t%s\n", bits, jaccard(a, b), a->id, b->id);
}

/* Reads the articles (passages of an article are consecutive documents): their stored
 * signatures and, as the searcher gets them, their shingles. */
static size_t read_articles(struct index *ix, struct art **out)
{
    struct analyzer *an;
    struct xdb_stats st;
    struct trawl_error err;
    struct sbuf key, data, val;
    struct art *v = NULL;
    size_t n = 0, cap = 0;

    if (index_analyzer(ix, &an, &err) != TRAWL_OK || xdb_stats(ix->db, &st, &err) != 0) {
        fprintf(stderr, "dup_pairs: %s\n", err.msg);
        exit(2);
    }
    sbuf_init(&key);
    sbuf_init(&data);
    sbuf_init(&val);
    for (xdb_docid d = 1; d <= st.lastdocid; d++) {
        struct trawl_passage p;
        struct art *a;
        if (xdb_doc_value(ix->db, d, SLOT_ARTICLE, &key, &err) != TRAWL_OK || key.len == 0 ||
            (n > 0 && strcmp(v[n - 1].id, key.buf) == 0))
            continue;
        if (n == cap && (v = realloc(v, (cap = cap ? 2 * cap : 1024) * sizeof *v)) == NULL)
            exit(2);
        a = &v[n++];
        memset(a, 0, sizeof *a);
        a->id = strdup(key.buf);
        if (xdb_doc_value(ix->db, d, SLOT_SIMHASH, &val, &err) != TRAWL_OK)
            exit(2);
        a->has_sig = val.len == 8;
        for (size_t i = 0; a->has_sig && i < 8; i++)
            a->sig = (a->sig << 8) | (unsigned char)val.buf[i];
        if (xdb_doc_data(ix->db, d, &data, &err) != TRAWL_OK ||
            schema_passage_decode(data.buf, data.len, &p, &err) != TRAWL_OK ||
            index_dups_article_shingles(ix, an, &p, &a->hashes, &err) != TRAWL_OK) {
            fprintf(stderr, "dup_pairs: document %u: %s\n", (unsigned)d, err.msg);
            exit(2);
        }
    }
    sbuf_release(&key);
    sbuf_release(&data);
    sbuf_release(&val);
    *out = v;
    return n;
}

/* Replaces each article's shingle hashes by their ranks (rarest first), in ascending order. */
static size_t renumber(struct art *v, size_t n)
{
    size_t total = 0, k = 0, distinct = 0;
    struct rank *r;

    for (size_t i = 0; i < n; i++)
        total += v[i].hashes.n;
    if ((r = malloc((total ? total : 1) * sizeof *r)) == NULL)
        exit(2);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < v[i].hashes.n; j++)
            r[k++].h = v[i].hashes.v[j];
    qsort(r, total, sizeof *r, cmp_rank_h);
    for (size_t i = 0; i < total;) {
        size_t j = i;
        while (j < total && r[j].h == r[i].h)
            j++;
        r[distinct].h = r[i].h;
        r[distinct++].df = (uint32_t)(j - i);
        i = j;
    }
    qsort(r, distinct, sizeof *r, cmp_rank_df);
    for (size_t i = 0; i < distinct; i++)
        r[i].rank = (uint32_t)i;
    qsort(r, distinct, sizeof *r, cmp_rank_h);
    for (size_t i = 0; i < n; i++) {
        const uint64_t *h = v[i].hashes.v;
        uint32_t *s = malloc((v[i].hashes.n ? v[i].hashes.n : 1) * sizeof *s);
        if (s == NULL)
            exit(2);
        v[i].n = v[i].hashes.n;
        for (size_t j = 0; j < v[i].n; j++) {
            struct rank key = {h[j], 0, 0};
            s[j] = ((struct rank *)bsearch(&key, r, distinct, sizeof *r, cmp_rank_h))->rank;
        }
        qsort(s, v[i].n, sizeof *s, cmp_u32);
        index_dups_shingles_release(&v[i].hashes);
        v[i].sh = s;
    }
    free(r);
    return distinct;
}

int main(int argc, char **argv)
{
    struct index_open_opts oo = {.mode = INDEX_READ};
    struct index *ix;
    struct trawl_error err;
    struct art *v;
    size_t n, nsig = 0, distinct, cand = 0;
    uint32_t **post, *plen, *pcap, *stamp;
    double t;
    unsigned max;

    if (argc != 4) {
        fprintf(stderr, "usage: dup_pairs INDEX MIN_JACCARD MAX_BITS\n");
        return 2;
    }
    t = atof(argv[2]);
    max = (unsigned)atoi(argv[3]);
    if (t <= 0 || t > 1 || index_open(argv[1], &oo, &ix, &err) != TRAWL_OK) {
        fprintf(stderr, "dup_pairs: %s\n", t <= 0 || t > 1 ? "MIN_JACCARD: (0, 1]" : err.msg);
        return 2;
    }
    n = read_articles(ix, &v);
    distinct = renumber(v, n);
    for (size_t i = 0; i < n; i++)
        nsig += (size_t)v[i].has_sig;
    fprintf(stderr, "dup_pairs: %zu articles, %zu with a signature, %zu distinct shingles\n", n,
            nsig, distinct);

    /* Pairs at MIN_JACCARD or more: two sets with Jaccard >= t share a shingle among the
     * first |A| - ceil(t |A|) + 1 of each (in the same global order); sizes within t. */
    post = calloc(distinct ? distinct : 1, sizeof *post);
    plen = calloc(distinct ? distinct : 1, sizeof *plen);
    pcap = calloc(distinct ? distinct : 1, sizeof *pcap);
    stamp = calloc(n ? n : 1, sizeof *stamp);
    if (post == NULL || plen == NULL || pcap == NULL || stamp == NULL)
        return 2;
    for (size_t i = 0; i < n; i++) {
        size_t prefix = v[i].n ? v[i].n - (size_t)ceil(t * (double)v[i].n - 1e-9) + 1 : 0;
        if (prefix > v[i].n)
            prefix = v[i].n;
        for (size_t k = 0; k < prefix; k++) {
            uint32_t s = v[i].sh[k];
            for (uint32_t m = 0; m < plen[s]; m++) {
                uint32_t j = post[s][m];
                if (stamp[j] == i + 1)
                    continue;
                stamp[j] = (uint32_t)(i + 1);
                if ((double)v[j].n < t * (double)v[i].n || (double)v[i].n < t * (double)v[j].n)
                    continue;
                cand++;
                if (jaccard(&v[j], &v[i]) >= t)
                    print_pair(&v[j], &v[i]);
            }
            if (plen[s] == pcap[s]) {
                pcap[s] = pcap[s] ? 2 * pcap[s] : 2;
                if ((post[s] = realloc(post[s], pcap[s] * sizeof **post)) == NULL)
                    return 2;
            }
            post[s][plen[s]++] = (uint32_t)i;
        }
    }
    fprintf(stderr, "dup_pairs: %zu candidate pairs verified\n", cand);
    /* Pairs within MAX_BITS (those below MIN_JACCARD: the others are printed above). */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && v[i].has_sig; j++)
            if (v[j].has_sig && index_dups_distance(v[i].sig, v[j].sig) <= max &&
                jaccard(&v[i], &v[j]) < t)
                print_pair(&v[i], &v[j]);
    for (size_t i = 0; i < distinct; i++)
        free(post[i]);
    for (size_t i = 0; i < n; i++) {
        free(v[i].id);
        free(v[i].sh);
    }
    free(post);
    free(plen);
    free(pcap);
    free(stamp);
    free(v);
    index_close(ix);
    return 0;
}
