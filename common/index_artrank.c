/* index_artrank: articles ranked by article-level evidence fused with their best passage, and
 * the passage shown chosen by its own text (issue #13; docs/design.md, "Ranking").
 *
 * For the best `depth` articles of a collapsed passage search ("MaxP": one hit per article,
 * its best passage) it reads, for every passage of each article (an article's passages are
 * consecutive docids of one shard, schema.h), the query terms' wdf and the passage lengths
 * with one skip_to walk per query term (xdb_docs_wdf), and computes:
 *
 *   BM25 (Robertson et al., TREC-3, 1994) as Xapian 1.4's BM25Weight computes it, so that
 *   the article score is on the passage score's scale:
 *     w(t, d) = idf(t) * (k1 + 1) tf / (k1 ((1 - b) + b max(L / avgL, min_normlen)) + tf)
 *     idf(t)  = qf * log(r), r = (N - n + 0.5) / (n + 0.5), and r := r / 2 + 1 when r < 2
 *               (weight/bm25weight.cc keeps idf positive that way); qf = 2 wqf / (1 + wqf),
 *               Xapian's query-term factor with k3 = 1 (a word repeated in the query).
 *   Article counts from passage counts: every passage of an article with a given title holds
 *   the title's terms W = RANK_TITLE_WDF times each (index_prep.c), so over its n passages,
 *   with the title counted once with the same weight W,
 *     tf_art(t) = sum_p wdf_p(t) - (n - 1) W tc(t)     tc: t's count in the title
 *     L_art     = sum_p len_p    - (n - 1) W tl        tl: the title's length in terms
 *   A single-passage article needs no title: its counts are the passage's. A derived title
 *   (the first sentence) is not in the passages; nothing is subtracted then.
 *   N_art and df_art are exact. N_art is the term frequency of TERM_LAST, which only an
 *   article's last passage has. Its postings, read once per database state (a few ms for
 *   190,000 articles), end the runs of consecutive docids that articles are (per shard).
 *   df_art is the count the indexer keeps in the metadata (index_artdf.c; one lookup). A
 *   sharded index, whose counts are per shard, and TRAWL_DF_WALK count it instead as the
 *   number of runs the term's postings fall in: an O(df) walk that merges them with the run
 *   ends, the same however the index was built, sharded or updated. Either is cached per
 *   term and state. With TRAWL_DF_PASSAGE: the passage df and N_art := N_pass (the passage
 *   idf).
 *   avgL_art = (total length - (N_pass - N_art) W tl_mean f) / N_art, an estimate: tl_mean
 *   and f (the share of titles found in the passages) from the multi-passage candidates.
 *   Fusion (a weighted CombSUM of raw scores, Fox and Shaw, TREC-2, 1994; passage and
 *   document evidence together as in Callan, SIGIR 1994):
 *     score = alpha * best passage score + (1 - alpha) * article score
 *   Articles past the depth keep their order below: their passage score times
 *   min(fused) / (last re-ranked passage score) (1 - 1e-6).
 *   The passage shown: the passage whose own text (title counts and length removed) scores
 *   best with the passage BM25, ties to the first; none with a query word: the best one.
 *   Sorting by date: the passages shown are chosen so for every hit fetched, and the scores
 *   (and so the order) stay the passage search's.
 *   The every-passage view (per_article 0, by score) asks which passage answers: its best
 *   `depth` hits are scored passage_alpha x their own score + (1 - passage_alpha) x their
 *   article's score (each distinct article among them scored as above, once), so a passage
 *   of an article about the query rises above an equal one of an article that is not;
 *   every hit keeps its own passage.
 *
 * Article-first (index_artfirst; schema 7): with an article database (one document per
 * article, schema.h) the default view asks it for the best articles by BM25, so N, df and the
 * average length at article level are its own and exact; each candidate's passages (found by
 * its A term) are scored from the passage postings with the walk above, and its own counts
 * come from its article document, from which the title's share of each passage follows
 * exactly (no analysis, no guess). The every-passage view reads its articles' scores from
 * the article database the same way (passage_view_articles). The passage walk, the choice of
 * the passage shown and the fusion are shared with the ranking from the passages, so both live
 * in this one file (past STYLE's 800 lines): split, they would export a dozen helpers.
 * Depends on xdb, analyze, strmap, schema (the article term prefix and value slot),
 * index_artdf. */
#include "common/index_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/impact.h"
#include "common/rank.h"
#include "common/schema.h"
#include "common/strmap.h"
#include "common/xdb.h"

/* Article statistics kept per index between searches, valid for the database state they were
 * counted on (a reader sees one state until it reopens; sharded indexes have no revision, so
 * their document count and total length stand in for it). */
struct index_artcache {
    uint64_t revision, doccount, total_length, lastdocid;
    uint64_t articles;
    unsigned nshards;
    xdb_docid **ends;  /* per shard: the docids of its articles' last passages, ascending */
    size_t *nends, *cap;
    struct strmap df;  /* term -> article df */
};

static void artcache_clear(struct index_artcache *c)
{
    for (unsigned s = 0; c->ends != NULL && s < c->nshards; s++)
        free(c->ends[s]);
    free(c->ends);
    free(c->nends);
    free(c->cap);
    c->ends = NULL;
    c->nends = c->cap = NULL;
    c->nshards = 0;
    strmap_clear(&c->df);
}

void index_artcache_free(struct index_artcache *c)
{
    if (c == NULL)
        return;
    artcache_clear(c);
    strmap_release(&c->df);
    free(c);
}

void index_artrank_free(struct index_artrank *a)
{
    if (a == NULL)
        return;
    for (size_t j = 0; a->terms != NULL && j < a->nterms; j++)
        free(a->terms[j]);
    free(a->terms);
    free(a->qf);
    free(a->df);
    free(a->df_art);
    free(a->cand);
    free(a->tf);
    free(a->tc);
    index_art_lazy_free(a->lazy);
    free(a);
}

double index_bm25_idf(double n_docs, double df)
{
    double r = (n_docs - df + 0.5) / (df + 0.5);

    if (r < 2)
        r = r * 0.5 + 1;
    return log(r);
}

double index_bm25_tf(double tf, double len, double avg, double k1, double b)
{
    double L = avg > 0 ? len / avg : 1;

    if (tf <= 0)
        return 0;
    if (L < RANK_MIN_NORMLEN)
        L = RANK_MIN_NORMLEN;
    return (k1 + 1) * tf / (k1 * ((1 - b) + b * L) + tf);
}

struct ends_ctx {
    struct index_artcache *c;
    int nomem;
};

static enum xdb_next add_end(void *ctx, xdb_docid d)
{
    struct ends_ctx *x = ctx;
    struct index_artcache *c = x->c;
    unsigned s = (unsigned)((d - 1) % c->nshards);

    if (c->nends[s] == c->cap[s]) {
        size_t cap = c->cap[s] ? c->cap[s] * 2 : 1024;
        xdb_docid *v = cap < SIZE_MAX / sizeof *v ? realloc(c->ends[s], cap * sizeof *v) : NULL;
        if (v == NULL) {
            x->nomem = 1;
            return XDB_STOP;
        }
        c->ends[s] = v;
        c->cap[s] = cap;
    }
    c->ends[s][c->nends[s]++] = d;
    return XDB_NEXT;
}

/* ix->art for the database's current state: N_art and the run ends, read when it changed. */
static int artcache(struct index *ix, const struct xdb_stats *st, struct trawl_error *err)
{
    struct index_artcache *c = ix->art;
    struct ends_ctx x;
    unsigned n = xdb_shard_count(ix->db);
    int rc;

    if (c != NULL && c->ends != NULL && c->revision == st->revision &&
        c->doccount == st->doccount && c->total_length == st->total_length &&
        c->lastdocid == st->lastdocid)
        return TRAWL_OK;
    if (c == NULL) {
        if ((c = calloc(1, sizeof *c)) == NULL)
            return terr_set(err, TRAWL_ENOMEM, "out of memory");
        strmap_init(&c->df);
        ix->art = c;
    }
    artcache_clear(c);
    c->nshards = n ? n : 1;
    c->ends = calloc(c->nshards, sizeof *c->ends);
    c->nends = calloc(c->nshards, sizeof *c->nends);
    c->cap = calloc(c->nshards, sizeof *c->cap);
    if (c->ends == NULL || c->nends == NULL || c->cap == NULL) {
        artcache_clear(c);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    x.c = c;
    x.nomem = 0;
    rc = xdb_postings(ix->db, TERM_LAST, strlen(TERM_LAST), add_end, &x, err);
    if (rc == TRAWL_OK && x.nomem)
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    if (rc != TRAWL_OK) {
        artcache_clear(c);
        return rc;
    }
    c->articles = 0;
    for (unsigned s = 0; s < c->nshards; s++)
        c->articles += c->nends[s];
    if (c->articles == 0)
        c->articles = 1;
    c->revision = st->revision;
    c->doccount = st->doccount;
    c->total_length = st->total_length;
    c->lastdocid = st->lastdocid;
    return TRAWL_OK;
}

/* A walk of a term's postings counting the article runs they fall in. */
struct runs_ctx {
    const struct index_artcache *c;
    size_t *at;           /* per shard: the first run end not yet passed */
    xdb_docid *run_end;   /* per shard: the end of the current run (0: none yet) */
    uint64_t runs;
};

static xdb_docid count_run(void *ctx, xdb_docid d)
{
    struct runs_ctx *x = ctx;
    unsigned s = (unsigned)((d - 1) % x->c->nshards);
    const xdb_docid *e = x->c->ends[s];
    size_t n = x->c->nends[s], i = x->at[s];

    if (x->run_end[s] != 0 && d <= x->run_end[s])
        return d + 1; /* the run of the shard's previous posting goes on */
    x->runs++;
    while (i < n && e[i] < d)
        i++;
    x->at[s] = i;
    /* No end (not where the schema says): a run of one posting. */
    x->run_end[s] = i < n ? e[i] : d;
    /* One database: the rest of the article's postings can be skipped. Shards interleave
     * their docids, so there every posting is looked at. */
    return x->c->nshards == 1 ? x->run_end[s] + 1 : d + 1;
}

/* The article df of term t: cached, else the indexer's count (one database), else counted
 * from the postings (shards, whose counts are per shard, or walk set). */
static int article_df(struct index *ix, const char *t, size_t len, int walk, uint64_t *out,
                      struct trawl_error *err)
{
    struct index_artcache *c = ix->art;
    struct strmap_entry *e = strmap_get(&c->df, t, len);
    struct runs_ctx x = {c, NULL, NULL, 0};
    int rc, found = 0;

    if (e != NULL) {
        *out = e->val;
        return TRAWL_OK;
    }
    if (!walk && c->nshards == 1) {
        if ((rc = index_artdf_get(ix, t, len, out, &found, err)) != TRAWL_OK)
            return rc;
        if (found)
            return strmap_add(&c->df, t, len, *out) == TRAWL_OK
                       ? TRAWL_OK
                       : terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    x.at = calloc(c->nshards, sizeof *x.at);
    x.run_end = calloc(c->nshards, sizeof *x.run_end);
    if (x.at == NULL || x.run_end == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    } else if ((rc = xdb_postings_skip(ix->db, t, len, count_run, &x, err)) == TRAWL_OK) {
        *out = x.runs;
        if (strmap_add(&c->df, t, len, x.runs) != TRAWL_OK)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    free(x.at);
    free(x.run_end);
    return rc;
}

/* A title's analysis: its length, the query terms' counts in it, and its longest term (the
 * likeliest to be rare) with that term's count. */
struct title_ctx {
    const struct strlist *terms;
    uint32_t *tc;
    uint32_t len;
    char longest[64];
    size_t longest_len;
    uint32_t longest_count;
};

static enum analyze_next title_term(void *ctx, const struct tok_token *tk, const char *term,
                                    size_t len)
{
    struct title_ctx *t = ctx;

    (void)tk;
    t->len++;
    for (size_t j = 0; j < t->terms->n; j++)
        if (strlen(t->terms->v[j]) == len && memcmp(t->terms->v[j], term, len) == 0)
            t->tc[j]++;
    if (t->longest_len == len && memcmp(t->longest, term, len) == 0) {
        t->longest_count++;
    } else if (len > t->longest_len && len < sizeof t->longest) {
        memcpy(t->longest, term, len);
        t->longest_len = len;
        t->longest_count = 1;
    }
    return ANALYZE_NEXT;
}

/* Where each passage of the candidates is in the docid-sorted list given to xdb_docs_wdf. */
struct slot {
    xdb_docid id;
    size_t cand, p;
};

static int cmp_slot(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

/* What one search needs besides the results: the passages' counts, by candidate. */
struct scratch {
    size_t *at;       /* candidate i's passages are rows at[i] .. at[i] + npass - 1 */
    xdb_docid *docs;  /* by row: the passage's docid */
    size_t *row;      /* sorted position -> row */
    uint32_t *wdf, *len; /* by sorted position (as xdb_docs_wdf fills them) */
    size_t ndocs;
};

static void scratch_free(struct scratch *s)
{
    free(s->at);
    free(s->docs);
    free(s->row);
    free(s->wdf);
    free(s->len);
}

/* Puts s->wdf and s->len (in docid order, as xdb_docs_wdf filled them) into row order, so that
 * candidate i's passages are rows at[i].. in passage order. TRAWL_ENOMEM only. */
static int to_rows(struct scratch *s, size_t nt)
{
    uint32_t *w2 = malloc(s->ndocs * (nt ? nt : 1) * sizeof *w2);
    uint32_t *l2 = malloc(s->ndocs * sizeof *l2);

    if (w2 == NULL || l2 == NULL) {
        free(w2);
        free(l2);
        return TRAWL_ENOMEM;
    }
    for (size_t k = 0; k < s->ndocs; k++) {
        memcpy(&w2[s->row[k] * nt], &s->wdf[k * nt], nt * sizeof *w2);
        l2[s->row[k]] = s->len[k];
    }
    free(s->wdf);
    free(s->len);
    s->wdf = w2;
    s->len = l2;
    return TRAWL_OK;
}

/* Finds every candidate's passages (from its best hit: its first passage is best - ordinal). */
static int find_passages(struct index *ix, const struct index_results *r,
                         struct index_artrank *a, struct trawl_error *err)
{
    unsigned stride = xdb_shard_count(ix->db);
    struct sbuf term;
    int rc = TRAWL_OK;

    sbuf_init(&term);
    for (size_t i = 0; i < a->ncand && rc == TRAWL_OK; i++) {
        const struct index_hit *h = &r->hits[a->cand[i].hit];
        uint64_t np, coll;
        if (schema_article_term(h->pub.passage.article, h->pub.passage.article_len, &term) !=
            TRAWL_OK) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        if ((rc = xdb_term_freq(ix->db, term.buf, term.len, &np, &coll, err)) != TRAWL_OK)
            break;
        /* Not where the schema says (it cannot happen): the best passage alone. */
        if (np == 0 || h->pub.passage.ordinal >= np ||
            (uint64_t)h->pub.passage.ordinal * stride >= h->docid || np > UINT32_MAX)
            np = 1;
        a->cand[i].best = h->docid;
        a->cand[i].best_ordinal = np > 1 ? h->pub.passage.ordinal : 0;
        a->cand[i].npass = (uint32_t)np;
        a->cand[i].first = h->docid - a->cand[i].best_ordinal * stride;
    }
    sbuf_release(&term);
    return rc;
}

/* Reads the counts of every candidate's passages (cand[i].first onwards, npass of them). */
static int read_counts(struct index *ix, struct index_artrank *a, const struct strlist *terms,
                       struct scratch *s, struct trawl_error *err)
{
    unsigned stride = xdb_shard_count(ix->db);
    struct slot *sl = NULL;
    size_t *lens = NULL, nt = a->nterms;
    xdb_docid *where = NULL;
    int rc = TRAWL_OK;

    if ((s->at = calloc(a->ncand ? a->ncand : 1, sizeof *s->at)) == NULL) {
        rc = TRAWL_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < a->ncand; i++) {
        s->at[i] = s->ndocs;
        s->ndocs += a->cand[i].npass;
    }
    sl = malloc((s->ndocs ? s->ndocs : 1) * sizeof *sl);
    s->docs = malloc((s->ndocs ? s->ndocs : 1) * sizeof *s->docs);
    s->row = malloc((s->ndocs ? s->ndocs : 1) * sizeof *s->row);
    where = malloc((s->ndocs ? s->ndocs : 1) * sizeof *where);
    s->wdf = malloc((s->ndocs ? s->ndocs : 1) * (nt ? nt : 1) * sizeof *s->wdf);
    s->len = malloc((s->ndocs ? s->ndocs : 1) * sizeof *s->len);
    lens = malloc((nt ? nt : 1) * sizeof *lens);
    if (!sl || !s->docs || !s->row || !where || !s->wdf || !s->len || !lens) {
        rc = TRAWL_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < a->ncand; i++) {
        xdb_docid first = a->cand[i].first;
        for (size_t p = 0; p < a->cand[i].npass; p++) {
            sl[s->at[i] + p] = (struct slot){first + (xdb_docid)(p * stride), i, p};
            s->docs[s->at[i] + p] = first + (xdb_docid)(p * stride);
        }
    }
    /* Shards interleave docids: sort them for the walks. */
    qsort(sl, s->ndocs, sizeof *sl, cmp_slot);
    for (size_t k = 0; k < s->ndocs; k++) {
        s->row[k] = s->at[sl[k].cand] + sl[k].p;
        where[k] = sl[k].id;
    }
    for (size_t j = 0; j < nt; j++)
        lens[j] = strlen(terms->v[j]);
    rc = index_docs_wdf(ix, ix->db, &ix->pimp, (const char *const *)terms->v, lens, nt, where,
                        s->ndocs, s->wdf, s->len, err);
    if (rc == TRAWL_OK)
        rc = to_rows(s, nt);
out:
    if (rc == TRAWL_ENOMEM)
        terr_set(err, TRAWL_ENOMEM, "out of memory");
    free(sl);
    free(where);
    free(lens);
    return rc;
}

/* Xapian's query-term factor for term t: 2 wqf / (1 + wqf), wqf its occurrences in occ. */
static double query_factor(const char *t, const struct strlist *occ)
{
    uint64_t wqf = 0;

    for (size_t k = 0; k < occ->n; k++)
        wqf += strcmp(occ->v[k], t) == 0;
    return wqf > 0 ? 2.0 * (double)wqf / (1.0 + (double)wqf) : 1.0;
}

/* Collection statistics: N, df and idf at both levels. */
static int read_stats(struct index *ix, struct index_artrank *a, const struct strlist *terms,
                      const struct strlist *occ, int df_mode, struct xdb_stats *st,
                      struct trawl_error *err)
{
    int rc;

    if ((rc = xdb_stats(ix->db, st, err)) != TRAWL_OK)
        return rc;
    a->passages = st->doccount;
    /* The passage df needs no article statistics: N_art := N_pass (as the prototype did). */
    a->articles = a->passages;
    if (df_mode != TRAWL_DF_PASSAGE) {
        if ((rc = artcache(ix, st, err)) != TRAWL_OK)
            return rc;
        a->articles = ix->art->articles;
    }
    for (size_t j = 0; j < a->nterms; j++) {
        const char *t = terms->v[j];
        uint64_t coll;
        a->qf[j] = query_factor(t, occ);
        if ((rc = xdb_term_freq(ix->db, t, strlen(t), &a->df[j], &coll, err)) != TRAWL_OK)
            return rc;
        a->df_art[j] = a->df[j];
        if (df_mode != TRAWL_DF_PASSAGE && a->df[j] > 0 &&
            (rc = article_df(ix, t, strlen(t), df_mode == TRAWL_DF_WALK, &a->df_art[j],
                             err)) != TRAWL_OK)
            return rc;
    }
    return TRAWL_OK;
}

/* Candidate i's title: is it in its passages, and with which counts (a->tc, cand.tl)? */
static int title_counts(struct index *ix, const struct index_results *r, struct index_artrank *a,
                        const struct strlist *terms, const struct scratch *s, size_t i,
                        int *added, struct trawl_error *err)
{
    const struct trawl_passage *p = &r->hits[a->cand[i].hit].pub.passage;
    struct index_art_cand *c = &a->cand[i];
    uint32_t *tc = &a->tc[i * a->nterms];
    struct title_ctx tx = {terms, tc, 0, "", 0, 0};
    double W = a->title_wdf;
    struct analyzer *an;
    int known = 0, rc;

    *added = 0;
    if (W <= 0 || p->title_len == 0)
        return TRAWL_OK;
    if ((rc = index_analyzer(ix, &an, err)) != TRAWL_OK)
        return rc;
    analyze_each(an, p->title, p->title_len, title_term, &tx);
    if (tx.len == 0)
        return TRAWL_OK;
    /* A derived title (the first sentence) is not in the passages: its words are in one
     * passage, seldom W times. A query term of the title must be in every passage W times;
     * without one, the title's longest term in the first and the last passage (a common
     * word such as "the" may well be W times in one long passage). */
    *added = 1;
    for (size_t j = 0; j < a->nterms; j++) {
        if (tc[j] == 0)
            continue;
        known = 1;
        for (size_t q = 0; q < c->npass; q++)
            if (s->wdf[(s->at[i] + q) * a->nterms + j] < W * tc[j])
                *added = 0;
    }
    for (size_t q = 0; !known && q < 2 && *added; q++) {
        uint64_t w = 0;
        rc = xdb_doc_wdf(ix->db, s->docs[s->at[i] + (q ? c->npass - 1 : 0)], tx.longest,
                         tx.longest_len, &w, err);
        if (rc != TRAWL_OK)
            return rc;
        *added = tx.longest_len > 0 && w >= W * tx.longest_count;
    }
    if (*added)
        c->tl = tx.len;
    else
        memset(tc, 0, a->nterms * sizeof *tc);
    return TRAWL_OK;
}

/* The passage of candidate i whose own text scores best (its row), or the best one's. */
static size_t choose_passage(const struct index_artrank *a, const struct scratch *s, size_t i,
                             const double *idf_pas, double avg, double k1, double b)
{
    const struct index_art_cand *c = &a->cand[i];
    const uint32_t *tc = &a->tc[i * a->nterms];
    size_t best = c->best_ordinal;
    double bests = 0;

    for (size_t q = 0; q < c->npass; q++) {
        size_t row = s->at[i] + q;
        double sc = 0, own_len = (double)s->len[row] - a->title_wdf * c->tl;
        for (size_t j = 0; j < a->nterms; j++) {
            double tfo = (double)s->wdf[row * a->nterms + j] - a->title_wdf * tc[j];
            sc += idf_pas[j] * index_bm25_tf(tfo, own_len, avg, k1, b);
        }
        if (sc > bests) {
            bests = sc;
            best = q;
        }
    }
    return best;
}

static struct index_artrank *artrank_new(const struct strlist *terms, size_t ncand)
{
    struct index_artrank *a = calloc(1, sizeof *a);
    size_t nt = terms->n;

    if (a == NULL)
        return NULL;
    a->nterms = nt;
    a->ncand = ncand;
    a->terms = calloc(nt, sizeof *a->terms);
    a->qf = calloc(nt, sizeof *a->qf);
    a->df = calloc(nt, sizeof *a->df);
    a->df_art = calloc(nt, sizeof *a->df_art);
    a->cand = calloc(ncand, sizeof *a->cand);
    a->tf = calloc(ncand * nt, sizeof *a->tf);
    a->tc = calloc(ncand * nt, sizeof *a->tc);
    if (!a->terms || !a->qf || !a->df || !a->df_art || !a->cand || !a->tf || !a->tc) {
        index_artrank_free(a);
        return NULL;
    }
    for (size_t j = 0; j < nt; j++)
        if ((a->terms[j] = strdup(terms->v[j])) == NULL) {
            index_artrank_free(a);
            return NULL;
        }
    return a;
}

/* Article counts and scores of every candidate, and the passage each shows. */
static int score_articles(struct index *ix, struct index_results *r, struct index_artrank *a,
                          const struct strlist *terms, const struct scratch *s,
                          const struct xdb_stats *st, const struct trawl_search_opts *o,
                          int keep_shown, struct trawl_error *err)
{
    size_t nt = a->nterms, n_multi = 0, n_added = 0;
    double tl_sum = 0, W = a->title_wdf;
    double *idf_pas = malloc(nt * sizeof *idf_pas), *idf_art = malloc(nt * sizeof *idf_art);
    int rc = TRAWL_OK;

    if (idf_pas == NULL || idf_art == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t j = 0; j < nt; j++) {
        idf_pas[j] = a->qf[j] * index_bm25_idf((double)a->passages, (double)a->df[j]);
        idf_art[j] = a->qf[j] * index_bm25_idf((double)a->articles, (double)a->df_art[j]);
    }
    for (size_t i = 0; i < a->ncand; i++) {
        struct index_art_cand *c = &a->cand[i];
        double corr;
        int added = 0;
        if (c->npass > 1) {
            if ((rc = title_counts(ix, r, a, terms, s, i, &added, err)) != TRAWL_OK)
                goto out;
            n_multi++;
            n_added += added != 0;
            tl_sum += c->tl;
        }
        /* The title is in each of the n passages W times; the article counts it once. */
        corr = (double)(c->npass - 1) * W;
        c->len = -corr * c->tl;
        c->matching = 0;
        for (size_t q = 0; q < c->npass; q++) {
            size_t j = 0;
            c->len += s->len[s->at[i] + q];
            while (j < nt && s->wdf[(s->at[i] + q) * nt + j] == 0)
                j++;
            c->matching += j < nt;
        }
        for (size_t j = 0; j < nt; j++) {
            double tf = -corr * a->tc[i * nt + j];
            for (size_t q = 0; q < c->npass; q++)
                tf += s->wdf[(s->at[i] + q) * nt + j];
            a->tf[i * nt + j] = tf;
        }
    }
    a->avg_art = (double)st->total_length;
    if (n_added > 0 && a->articles < a->passages)
        a->avg_art -= (tl_sum / (double)n_added) * ((double)n_added / (double)n_multi) *
                      (double)(a->passages - a->articles) * W;
    a->avg_art /= (double)a->articles;
    if (a->avg_art <= 0)
        a->avg_art = st->avlength;
    for (size_t i = 0; i < a->ncand; i++) {
        struct index_art_cand *c = &a->cand[i];
        struct index_hit *h = &r->hits[c->hit];
        c->article = 0;
        for (size_t j = 0; j < nt; j++)
            c->article += idf_art[j] * index_bm25_tf(a->tf[i * nt + j], c->len, a->avg_art,
                                                     a->k1, a->b);
        if (c->npass > 1 && !keep_shown) {
            size_t q = choose_passage(a, s, i, idf_pas, st->avlength, o->k1, o->b);
            if (q != c->best_ordinal) {
                h->docid = s->docs[s->at[i] + q];
                h->moved = 1;
            }
        }
    }
out:
    free(idf_pas);
    free(idf_art);
    return rc;
}

/* The every-passage view: candidate of each of the first kk hits (cand[k] for hit k), the
 * distinct articles in order of their best hit; their number. */
static size_t distinct_articles(const struct index_results *r, size_t kk, size_t *cand,
                                size_t *first)
{
    size_t n = 0;

    for (size_t i = 0; i < kk; i++) {
        size_t c = 0;
        while (c < n &&
               !schema_same_article(&r->hits[first[c]].pub.passage, &r->hits[i].pub.passage))
            c++;
        if (c == n)
            first[n++] = i;
        cand[i] = c;
    }
    return n;
}

static int passage_view_articles(struct index *ix, const struct index_results *r,
                                 struct index_artrank *a, const struct strlist *terms,
                                 const struct strlist *occ, struct trawl_error *err);

int index_artrank(struct index *ix, struct index_results *r, const struct strlist *terms,
                  const struct strlist *occ, const struct trawl_search_opts *o, int keep_shown,
                  struct index_artrank **out, struct trawl_error *err)
{
    /* By date (--sort date) the articles keep the order the date gives them: nothing is
     * fused or re-ordered, but every hit of the window still shows the passage its own text
     * chooses. */
    int by_date = o->sort != TRAWL_SORT_SCORE, per_passage = o->per_article == 0, agree = 0;
    size_t kk = r->n < o->article_depth || by_date ? r->n : o->article_depth, ncand = kk;
    size_t *hit_cand = NULL, *first = NULL;
    struct scratch s;
    struct xdb_stats st;
    struct index_artrank *a = NULL;
    double minf = INFINITY, sp_last;
    int rc;

    *out = NULL;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < r->n; i++)
        r->hits[i].passage = r->hits[i].pub.score;
    if (kk == 0 || terms->n == 0)
        return TRAWL_OK;
    if ((hit_cand = malloc(kk * sizeof *hit_cand)) == NULL ||
        (first = malloc(kk * sizeof *first)) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < kk; i++)
        hit_cand[i] = first[i] = i;
    if (per_passage)
        ncand = distinct_articles(r, kk, hit_cand, first);
    if ((a = artrank_new(terms, ncand)) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t c = 0; c < ncand; c++)
        a->cand[c].hit = first[c];
    a->per_passage = per_passage;
    a->alpha = per_passage ? o->passage_alpha : o->article_alpha;
    a->k1 = o->article_k1;
    a->b = o->article_b;
    a->title_wdf = RANK_TITLE_WDF;
    a->fused = !by_date;
    /* The every-passage view shows each hit's own passage; its articles' scores come from the
     * article database when it can answer. */
    if (per_passage && o->article_df == TRAWL_DF_EXACT &&
        (rc = index_articles_agree(ix, &agree, err)) != TRAWL_OK)
        goto out;
    if (agree && (rc = passage_view_articles(ix, r, a, terms, occ, err)) != TRAWL_OK) {
        if (rc != TRAWL_ENOTFOUND) /* else no current article file: from the passages */
            goto out;
        agree = 0;
    }
    if (!agree && ((rc = find_passages(ix, r, a, err)) != TRAWL_OK ||
        (rc = read_counts(ix, a, terms, &s, err)) != TRAWL_OK ||
        (rc = read_stats(ix, a, terms, occ, o->article_df, &st, err)) != TRAWL_OK ||
        (rc = score_articles(ix, r, a, terms, &s, &st, o, keep_shown || per_passage,
                             err)) != TRAWL_OK))
        goto out;
    for (size_t c = 0; c < ncand; c++)
        a->cand[c].passage = r->hits[first[c]].passage;
    for (size_t i = 0; i < kk; i++) {
        double f;
        r->hits[i].art = (uint32_t)(hit_cand[i] + 1);
        if (by_date)
            continue;
        f = a->alpha * r->hits[i].passage + (1 - a->alpha) * a->cand[hit_cand[i]].article;
        r->hits[i].pub.score = f;
        if (f < minf)
            minf = f;
    }
    sp_last = r->hits[kk - 1].passage;
    a->below = !by_date && minf > 0 && sp_last > 0 ? minf / sp_last * (1 - 1e-6) : 0;
    for (size_t i = kk; i < r->n; i++)
        r->hits[i].pub.score = r->hits[i].passage * a->below;
    *out = a;
    a = NULL;
out:
    free(hit_cand);
    free(first);
    scratch_free(&s);
    index_artrank_free(a);
    return rc;
}

/* ---- Article-first ranking ------------------------------------------------------------ */

/* What article-first keeps once the candidates are scored: the passage shown is chosen only
 * for the hits a page shows (index_artfirst_show), and an article's own counts are read only
 * for those and for explain (index_artfirst_count), not for every candidate. */
struct index_art_lazy {
    struct scratch s;        /* the candidates' passage counts, by row */
    xdb_docid *adocs;        /* candidate -> its article document */
    double *idf_pas;         /* per term: the passage idf */
    double avlength, k1, b;  /* the passages' average length and BM25 parameters */
    unsigned char *counted;  /* per candidate: tf, tc, len and tl read */
    unsigned char *chosen;   /* per candidate: its hit shows the passage chosen */
    struct impact_hit *top;  /* the impact file's answer, best first (NULL: the mset's) */
    struct impact *imp;      /* that file, held while the hits point into it */
    struct sbuf *data;       /* per candidate: its article document's data (index_hit_full) */
    size_t ndata;
};

void index_art_lazy_free(struct index_art_lazy *z)
{
    if (z == NULL)
        return;
    scratch_free(&z->s);
    free(z->adocs);
    free(z->idf_pas);
    free(z->counted);
    free(z->chosen);
    free(z->top);
    impact_close(z->imp);
    for (size_t i = 0; z->data != NULL && i < z->ndata; i++)
        sbuf_release(&z->data[i]);
    free(z->data);
    free(z);
}

static enum xdb_next first_docid(void *ctx, xdb_docid d)
{
    *(xdb_docid *)ctx = d;
    return XDB_STOP;
}

/* A run of postings: its first docid and its length. */
struct run {
    xdb_docid first;
    uint64_t n;
};

static enum xdb_next add_to_run(void *ctx, xdb_docid d)
{
    struct run *run = ctx;

    if (run->n++ == 0)
        run->first = d;
    return XDB_NEXT;
}

/* The candidates of an article search (the mset's hits, in order of weight then article id),
 * each hit's article id alone from its sort key (SLOT_ARTICLE: the id as terms hold it) with
 * no document read (index_hit_full reads the rest for the few hits that need it), and the
 * passages of each: the run of its A term in the passage database. */
static int article_candidates(struct index *ix, struct index_results *r, struct index_artrank *a,
                              xdb_docid *adocs, struct trawl_error *err)
{
    struct index_results_priv *pv = r->priv;
    struct sbuf term;
    int rc = TRAWL_OK;

    sbuf_init(&term);
    for (size_t i = 0; i < a->ncand && rc == TRAWL_OK; i++) {
        struct index_hit *ih = &r->hits[i];
        struct run run = {0, 0};
        const char *key;
        size_t klen;
        double w;
        if (a->lazy != NULL && a->lazy->top != NULL) {
            const struct impact_hit *t = &a->lazy->top[i];
            adocs[i] = t->docid;
            w = t->weight;
            key = t->key;
            klen = t->klen;
        } else if ((rc = xdb_mset_rank(pv->mset, i, &adocs[i], &w, &key, &klen, err)) !=
                   TRAWL_OK)
            break;
        memset(&ih->pub.passage, 0, sizeof ih->pub.passage);
        ih->pub.passage.article = key;
        ih->pub.passage.article_len = klen;
        ih->partial = 1;
        ih->pub.score = w;
        a->cand[i].hit = i;
        a->cand[i].article = w;
        sbuf_reset(&term);
        if (sbuf_adds(&term, PREFIX_ARTICLE) != TRAWL_OK ||
            sbuf_add(&term, key, klen) != TRAWL_OK) {
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
            break;
        }
        if ((rc = xdb_postings(ix->db, term.buf, term.len, add_to_run, &run, err)) != TRAWL_OK)
            break;
        if (klen == 0 || run.n == 0 || run.n > UINT32_MAX) {
            rc = terr_damaged(err, ix->path, "an article of its article database has no passages",
                              0);
            break;
        }
        a->cand[i].first = run.first;
        a->cand[i].npass = (uint32_t)run.n;
        r->n++;
    }
    sbuf_release(&term);
    return rc;
}

int index_hit_full(struct index *ix, struct index_results *r, size_t i, struct trawl_error *err)
{
    struct index_results_priv *pv = r->priv;
    struct index_hit *h = &r->hits[i];
    struct index_art_lazy *z;
    struct xdb_hit x;
    int rc;

    if (!h->partial || pv == NULL || h->art == 0)
        return TRAWL_OK;
    z = pv->art != NULL ? pv->art->lazy : NULL;
    if (z != NULL && z->top != NULL) {
        /* Answered by the impact file: the article document read now, kept with r. */
        size_t c = h->art - 1;
        if (c >= z->ndata)
            return TRAWL_OK;
        if ((rc = xdb_doc_data(ix->adb, z->adocs[c], &z->data[c], err)) != TRAWL_OK)
            return rc;
        x.data = z->data[c].buf;
        x.data_len = z->data[c].len;
    } else if (pv->mset == NULL) {
        return TRAWL_OK;
    } else if ((rc = xdb_mset_hit(pv->mset, h->art - 1, &x, err)) != TRAWL_OK) {
        /* Article-first: candidate art - 1 is the mset's hit of that rank. */
        return rc;
    }
    rc = schema_passage_decode(x.data, x.data_len, &h->pub.passage, err);
    if ((rc = index_damaged(ix, rc, err)) != TRAWL_OK)
        return rc;
    h->partial = 0;
    return TRAWL_OK;
}

/* The counts of the terms (nt of them) in n article documents (adocs, any order) and their
 * lengths, read with one walk per term: wdf[i * nt + j] and len[i] in adocs' order.
 * TRAWL_ENOMEM and index errors. */
static int article_docs_wdf(struct index *ix, char *const *terms, size_t nt,
                            const xdb_docid *adocs, size_t n, uint32_t *wdf, uint32_t *len,
                            struct trawl_error *err)
{
    struct slot *sl = malloc((n ? n : 1) * sizeof *sl);
    xdb_docid *where = malloc((n ? n : 1) * sizeof *where);
    uint32_t *w = malloc((n ? n : 1) * (nt ? nt : 1) * sizeof *w);
    uint32_t *l = malloc((n ? n : 1) * sizeof *l);
    size_t *lens = malloc((nt ? nt : 1) * sizeof *lens);
    int rc = TRAWL_OK;

    if (!sl || !where || !w || !l || !lens) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        sl[i] = (struct slot){adocs[i], i, 0};
    qsort(sl, n, sizeof *sl, cmp_slot);
    for (size_t k = 0; k < n; k++)
        where[k] = sl[k].id;
    for (size_t j = 0; j < nt; j++)
        lens[j] = strlen(terms[j]);
    if ((rc = index_docs_wdf(ix, ix->adb, &ix->aimp, (const char *const *)terms, lens, nt,
                             where, n, w, l, err)) != TRAWL_OK)
        goto out;
    for (size_t k = 0; k < n; k++) {
        memcpy(&wdf[sl[k].cand * nt], &w[k * nt], nt * sizeof *w);
        len[sl[k].cand] = l[k];
    }
out:
    free(sl);
    free(where);
    free(w);
    free(l);
    free(lens);
    return rc;
}

/* The own counts (tf_art and length, exact) of the candidates ci[0..n) not counted yet, from
 * their article documents, and from them what the title adds to each of their passages: an
 * article of np passages whose title is in them holds it np - 1 times fewer than their sum
 * (W times each term), so tl and tc need no analysis. */
static int count_candidates(struct index *ix, struct index_artrank *a, const size_t *ci,
                            size_t n, struct trawl_error *err)
{
    struct index_art_lazy *z = a->lazy;
    size_t nt = a->nterms, m = 0;
    size_t *todo = malloc((n ? n : 1) * sizeof *todo);
    xdb_docid *ad = malloc((n ? n : 1) * sizeof *ad);
    uint32_t *wdf = malloc((n ? n : 1) * (nt ? nt : 1) * sizeof *wdf);
    uint32_t *len = malloc((n ? n : 1) * sizeof *len);
    int rc = TRAWL_OK;

    if (!todo || !ad || !wdf || !len) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < n; k++)
        if (!z->counted[ci[k]]) {
            todo[m] = ci[k];
            ad[m++] = z->adocs[ci[k]];
        }
    if (m == 0 || (rc = article_docs_wdf(ix, a->terms, nt, ad, m, wdf, len, err)) != TRAWL_OK)
        goto out;
    for (size_t k = 0; k < m; k++) {
        size_t i = todo[k];
        struct index_art_cand *c = &a->cand[i];
        const struct scratch *s = &z->s;
        double sum = 0, per = (double)(c->npass - 1) * a->title_wdf;
        for (size_t q = 0; q < c->npass; q++)
            sum += s->len[s->at[i] + q];
        c->len = len[k];
        c->tl = per > 0 && sum > len[k] ? (uint32_t)llround((sum - len[k]) / per) : 0;
        for (size_t j = 0; j < nt; j++) {
            double ps = 0;
            uint32_t tf = wdf[k * nt + j];
            for (size_t q = 0; q < c->npass; q++)
                ps += s->wdf[(s->at[i] + q) * nt + j];
            a->tf[i * nt + j] = tf;
            a->tc[i * nt + j] =
                c->tl > 0 && ps > tf ? (uint32_t)llround((ps - tf) / per) : 0;
        }
        z->counted[i] = 1;
    }
out:
    free(todo);
    free(ad);
    free(wdf);
    free(len);
    return rc;
}

int index_artfirst_count(struct index *ix, struct index_artrank *a, size_t c, struct trawl_error *err)
{
    if (a == NULL || a->lazy == NULL || c >= a->ncand)
        return TRAWL_OK;
    return count_candidates(ix, a, &c, 1, err);
}

int index_artfirst_show(struct index *ix, struct index_results *r, struct trawl_error *err)
{
    struct index_results_priv *pv = r->priv;
    struct index_artrank *a = pv != NULL ? pv->art : NULL;
    struct index_art_lazy *z = a != NULL ? a->lazy : NULL;
    size_t *ci, n = 0;
    int rc;

    if (z == NULL || r->n == 0)
        return TRAWL_OK;
    if ((ci = malloc(r->n * sizeof *ci)) == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->n; i++) {
        size_t c = r->hits[i].art - 1;
        if (r->hits[i].art > 0 && c < a->ncand && !z->chosen[c] && a->cand[c].npass > 1)
            ci[n++] = c;
    }
    rc = count_candidates(ix, a, ci, n, err);
    for (size_t i = 0; rc == TRAWL_OK && i < r->n; i++) {
        size_t c = r->hits[i].art - 1, q;
        if (r->hits[i].art == 0 || c >= a->ncand || z->chosen[c])
            continue;
        q = a->cand[c].npass > 1
                ? choose_passage(a, &z->s, c, z->idf_pas, z->avlength, z->k1, z->b)
                : 0;
        r->hits[i].docid = z->s.docs[z->s.at[c] + q];
        z->chosen[c] = 1;
    }
    free(ci);
    return rc;
}

/* Statistics at both levels, each from its own database: a single local index's article
 * database holds no ranking terms (schema 8), so its N, df and average length come from its
 * impact file (derived from the passages); TRAWL_ENOTFOUND when that is not current (the
 * caller ranks from the passages). */
static int artfirst_stats(struct index *ix, struct index_artrank *a, const struct strlist *terms,
                          const struct strlist *occ, struct xdb_stats *st, struct trawl_error *err)
{
    struct xdb_stats ast;
    struct impact *im = NULL;
    int rc;

    if ((rc = xdb_stats(ix->db, st, err)) != TRAWL_OK ||
        (rc = xdb_stats(ix->adb, &ast, err)) != TRAWL_OK)
        return rc;
    if (!ix->art_terms) {
        if ((rc = index_impacts(ix, ix->adb, &ix->aimp, &im, err)) != TRAWL_OK)
            return rc;
        if (im == NULL)
            return TRAWL_ENOTFOUND;
        ast.doccount = impact_info(im)->doccount;
        ast.avlength = ast.doccount > 0 ? (double)impact_info(im)->total_length /
                                              (double)ast.doccount
                                        : 0;
    }
    a->passages = st->doccount;
    a->articles = ast.doccount ? ast.doccount : 1;
    a->avg_art = ast.avlength > 0 ? ast.avlength : 1;
    for (size_t j = 0; j < a->nterms; j++) {
        const char *t = terms->v[j];
        uint64_t coll;
        a->qf[j] = query_factor(t, occ);
        if ((rc = xdb_term_freq(ix->db, t, strlen(t), &a->df[j], &coll, err)) != TRAWL_OK)
            return rc;
        if (im != NULL)
            a->df_art[j] = schema_rank_term(t, strlen(t)) ? impact_df(im, t, strlen(t)) : 0;
        else if ((rc = xdb_term_freq(ix->adb, t, strlen(t), &a->df_art[j], &coll, err)) !=
                 TRAWL_OK)
            return rc;
    }
    return TRAWL_OK;
}

/* Candidate i's best passage by the passage BM25 (title included, as Xapian scores it) and its
 * matching passages; the hit shows the best one until index_artfirst_show chooses. */
static void artfirst_score(struct index_results *r, struct index_artrank *a,
                           const struct scratch *s, size_t i, const double *idf_pas,
                           const struct xdb_stats *st, const struct trawl_search_opts *o)
{
    struct index_art_cand *c = &a->cand[i];
    struct index_hit *h = &r->hits[i];
    size_t nt = a->nterms, q;
    double best = -1;

    c->matching = 0;
    for (q = 0; q < c->npass; q++) {
        size_t row = s->at[i] + q;
        double sc = 0;
        int any = 0;
        for (size_t j = 0; j < nt; j++) {
            double w = s->wdf[row * nt + j];
            any |= w > 0;
            if (a->df[j] > 0)
                sc += idf_pas[j] * index_bm25_tf(w, s->len[row], st->avlength, o->k1, o->b);
        }
        c->matching += any;
        if (sc > best) {
            best = sc;
            c->best = s->docs[row];
            c->best_ordinal = (uint32_t)q;
        }
    }
    c->passage = best > 0 ? best : 0;
    h->docid = c->best;
    h->moved = 1; /* the hit holds the article's data: the caller reads the passage's */
    h->passage = c->passage;
    h->art = (uint32_t)(i + 1);
}

int index_artfirst(struct index *ix, const xdb_query *xq, const struct strlist *terms,
                   const struct strlist *occ, const struct trawl_search_opts *o, int plain,
                   const struct index_ishape *shape, xdb_decider_fn dec, void *dctx,
                   struct index_results *r, struct index_artrank **out,
                   struct trawl_error *err)
{
    struct index_results_priv *pv = r->priv;
    struct xdb_search_opts xo;
    struct xdb_stats st;
    struct index_art_lazy *z = NULL;
    struct index_artrank *a = NULL;
    struct impact *im = NULL;
    struct impact_hit *top = NULL;
    struct index_ishape fshape;
    double minf = INFINITY;
    size_t n, kk;
    int rc = TRAWL_ENOTFOUND;

    *out = NULL;
    /* Words with filters: their tree, whose filter nodes hold the articles the filters leave
     * (index_ishape). */
    if (!plain && shape != NULL && shape->root == NULL && shape->froot != NULL &&
        shape->decided) {
        fshape = *shape;
        fshape.root = shape->froot;
        shape = &fshape;
    }
    /* The article question answered by the impact file when it can (a plain OR by
     * impact_top, with its pruning; another tree of words by impact_match), else by Xapian.
     * Exclusions are Xapian's here too: the article documents' own terms, every passage's.
     * A single local index's article documents hold no ranking terms (schema 8): only the
     * file can answer there, else TRAWL_ENOTFOUND (the caller ranks from the passages). */
    if (!ix->art_terms && (dec != NULL || (!plain && (shape == NULL || shape->root == NULL))))
        return TRAWL_ENOTFOUND;
    if (dec == NULL && (plain || shape != NULL)) {
        uint64_t matched;
        rc = index_impacts_best(ix, ix->adb, &ix->aimp, occ, plain ? NULL : shape,
                                o->article_k1, o->article_b, (size_t)o->offset + o->count, &im,
                                &top, &n, &matched, err);
        if (rc == TRAWL_OK) {
            r->estimated = matched;
            r->exact = 1;
            goto ranked;
        }
        if (rc != TRAWL_ENOTFOUND || !ix->art_terms)
            return rc;
    }
    xdb_search_opts_init(&xo);
    xo.k1 = o->article_k1;
    xo.b = o->article_b;
    xo.min_normlen = RANK_MIN_NORMLEN;
    xo.sort_slot = SLOT_ARTICLE; /* ties by article id, however the index is split */
    xo.offset = 0;
    xo.count = o->offset + o->count;
    xo.check_at_least = o->check_at_least;
    xo.decider = dec;
    xo.decider_ctx = dctx;
    if ((rc = xdb_search(ix->adb, xq, &xo, &pv->mset, err)) != TRAWL_OK)
        return rc;
    n = xdb_mset_size(pv->mset);
    r->estimated = xdb_mset_estimated(pv->mset);
    r->exact = xdb_mset_lower_bound(pv->mset) == xdb_mset_upper_bound(pv->mset);
ranked:
    if ((r->hits = calloc(n ? n : 1, sizeof *r->hits)) == NULL ||
        (a = artrank_new(terms, n)) == NULL || (z = calloc(1, sizeof *z)) == NULL ||
        (z->idf_pas = malloc((terms->n ? terms->n : 1) * sizeof *z->idf_pas)) == NULL ||
        (z->adocs = malloc((n ? n : 1) * sizeof *z->adocs)) == NULL ||
        (z->counted = calloc(n ? n : 1, 1)) == NULL || (z->chosen = calloc(n ? n : 1, 1)) == NULL ||
        (top != NULL && (z->data = calloc(n ? n : 1, sizeof *z->data)) == NULL)) {
        index_art_lazy_free(z);
        free(top);
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    if (top != NULL) {
        for (size_t i = 0; i < n; i++)
            sbuf_init(&z->data[i]);
        z->ndata = n;
        z->top = top;
        z->imp = impact_ref(im);
    }
    a->lazy = z;
    a->alpha = o->article_alpha;
    a->k1 = o->article_k1;
    a->b = o->article_b;
    a->title_wdf = RANK_TITLE_WDF;
    a->fused = 1;
    if ((rc = article_candidates(ix, r, a, z->adocs, err)) != TRAWL_OK ||
        (rc = read_counts(ix, a, terms, &z->s, err)) != TRAWL_OK ||
        (rc = artfirst_stats(ix, a, terms, occ, &st, err)) != TRAWL_OK)
        goto out;
    z->avlength = st.avlength;
    z->k1 = o->k1;
    z->b = o->b;
    for (size_t j = 0; j < a->nterms; j++)
        z->idf_pas[j] = a->qf[j] * index_bm25_idf((double)a->passages, (double)a->df[j]);
    for (size_t i = 0; i < n; i++)
        artfirst_score(r, a, &z->s, i, z->idf_pas, &st, o);
    kk = n < o->article_depth ? n : o->article_depth;
    for (size_t i = 0; i < kk; i++) {
        double f = a->alpha * a->cand[i].passage + (1 - a->alpha) * a->cand[i].article;
        r->hits[i].pub.score = f;
        if (f < minf)
            minf = f;
    }
    /* Past the depth, the article order (the same whatever the page): below the fused ones. */
    a->below = kk < n && minf > 0 && a->cand[kk].article > 0
                   ? minf / a->cand[kk].article * (1 - 1e-6)
                   : 0;
    for (size_t i = kk; i < n; i++) {
        a->cand[i].past = 1;
        r->hits[i].pub.score = a->cand[i].article * a->below;
    }
    *out = a;
    a = NULL;
out:
    index_artrank_free(a);
    return rc;
}

/* The every-passage view's article scores from the article database: each distinct article's
 * document (by its A term), its counts and length read with one walk per term, BM25 with the
 * article database's own N, df and average length (as the default view's, index_artfirst). */
static int passage_view_articles(struct index *ix, const struct index_results *r,
                                 struct index_artrank *a, const struct strlist *terms,
                                 const struct strlist *occ, struct trawl_error *err)
{
    size_t n = a->ncand, nt = a->nterms;
    xdb_docid *adocs = malloc((n ? n : 1) * sizeof *adocs);
    uint32_t *wdf = malloc((n ? n : 1) * (nt ? nt : 1) * sizeof *wdf);
    uint32_t *len = malloc((n ? n : 1) * sizeof *len);
    double *idf = malloc((nt ? nt : 1) * sizeof *idf);
    struct xdb_stats st;
    struct sbuf term;
    int rc = TRAWL_OK;

    sbuf_init(&term);
    if (!adocs || !wdf || !len || !idf) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    /* A single local index's article counts are in its impact file alone (schema 8). */
    if (!ix->art_terms) {
        struct impact *im;
        if ((rc = index_impacts(ix, ix->adb, &ix->aimp, &im, err)) == TRAWL_OK && im == NULL)
            rc = TRAWL_ENOTFOUND;
        if (rc != TRAWL_OK)
            goto out;
    }
    for (size_t i = 0; i < n && rc == TRAWL_OK; i++) {
        const struct index_hit *h = &r->hits[a->cand[i].hit];
        adocs[i] = 0;
        a->cand[i].best = h->docid;
        a->cand[i].best_ordinal = h->pub.passage.ordinal;
        a->cand[i].npass = 1; /* explain: the hit's own passage, its title share guessed */
        if (schema_article_term(h->pub.passage.article, h->pub.passage.article_len, &term) !=
            TRAWL_OK)
            rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        else if ((rc = xdb_postings(ix->adb, term.buf, term.len, first_docid, &adocs[i], err)) ==
                     TRAWL_OK &&
                 adocs[i] == 0)
            rc = terr_damaged(err, ix->path, "an article is missing from its article database",
                              0);
    }
    if (rc != TRAWL_OK || (rc = artfirst_stats(ix, a, terms, occ, &st, err)) != TRAWL_OK ||
        (rc = article_docs_wdf(ix, terms->v, terms->n, adocs, n, wdf, len, err)) != TRAWL_OK)
        goto out;
    for (size_t j = 0; j < nt; j++)
        idf[j] = a->qf[j] * index_bm25_idf((double)a->articles, (double)a->df_art[j]);
    for (size_t i = 0; i < n; i++) {
        struct index_art_cand *c = &a->cand[i];
        c->len = len[i];
        c->article = 0;
        for (size_t j = 0; j < nt; j++) {
            a->tf[i * nt + j] = wdf[i * nt + j];
            c->article +=
                idf[j] * index_bm25_tf(wdf[i * nt + j], len[i], a->avg_art, a->k1, a->b);
        }
    }
out:
    sbuf_release(&term);
    free(adocs);
    free(wdf);
    free(len);
    free(idf);
    return rc;
}
