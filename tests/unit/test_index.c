/* Unit tests of the index layer (common/index*.c) on a temporary index: ranking, collapsing,
 * phrases, filters, dates, cancel, completion and spelling, records, explanations, article
 * statistics and df, near-duplicate signatures, schema refusals, uncommitted work dropped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/analyze.h"
#include "common/index.h"
#include "common/index_dups.h"
#include "common/index_fields.h"
#include "common/index_priv.h"
#include "common/layout.h"
#include "common/rank.h"
#include "common/xdb.h"

struct fixture {
    char dir[64];
    char path[96];
    struct index *ix;
    struct analyzer *an;
};

static void put_into(struct index *ix, struct analyzer *an, const char *id, const char *date,
                     const char *text)
{
    struct article a;
    struct trawl_record rec;
    struct passage_opts po;
    struct index_prep *p;
    struct trawl_error err;

    article_init(&a);
    assert_int_equal(article_from_fields(&a, id, text, strlen(text), NULL, date, NULL, NULL,
                                         &err),
                     TRAWL_OK);
    memset(&rec, 0, sizeof rec);
    rec.source = "test";
    rec.source_len = 4;
    rec.hash = schema_hash(TRAWL_HASH_SEED, text, strlen(text));
    passage_opts_init(&po);
    po.min_words = 3; /* small passages, so short test texts make several */
    assert_int_equal(index_prepare(an, &a, &po, 0, &rec, &p, &err), TRAWL_OK);
    assert_int_equal(index_put(ix, p, 0, &err), TRAWL_OK);
    index_prep_free(p);
    article_release(&a);
}

static void put(struct fixture *f, const char *id, const char *date, const char *text)
{
    put_into(f->ix, f->an, id, date, text);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct index_open_opts oo = {.mode = INDEX_WRITE};
    struct trawl_error err;

    strcpy(f->dir, "/tmp/trawl-test-index-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/db", f->dir);
    if (index_open(f->path, &oo, &f->ix, &err) != TRAWL_OK)
        return -1;
    if (analyzer_new("english", &f->an, &err) != TRAWL_OK)
        return -1;
    put(f, "fb", "2018-03-26",
        "Modi asked each MP to get 300,000 likes on their Facebook page.\n\n"
        "The target was set on Friday at a dinner meeting of the party.\n\n"
        "Cambridge Analytics is a data firm in the news.");
    put(f, "cricket", "2019-05-01",
        "The cricket team set a target of 300 runs.\n\nThe captain likes the pitch today.");
    put(f, "weather", NULL, "Rain and wind are expected on Friday in the hills.");
    /* two passages that both match "harbour": collapsing must keep one of them */
    put(f, "tides", NULL,
        "The harbour tide rises at dawn.\n\nThe harbour tide falls again at dusk.");
    if (index_commit(f->ix, &err) != TRAWL_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    index_close(f->ix);
    analyzer_free(f->an);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* An trawl_complete_fn appending "word " to the string ctx (256 bytes). */
static int collect_word(void *ctx, const char *word, size_t len, uint64_t freq)
{
    char *out = ctx;
    size_t used = strlen(out);

    (void)freq;
    snprintf(out + used, 256 - used, "%.*s ", (int)len, word);
    return 0;
}

/* Runs q with so and returns "id#ordinal id#ordinal ..." in rank order. */
static void search_with(struct fixture *f, const char *q, const struct trawl_search_opts *so,
                        char *out, size_t cap)
{
    struct qnode *root;
    struct query_opts qo = {0};
    struct index_results *r;
    struct trawl_error err;

    out[0] = '\0';
    assert_int_equal(query_parse(q, strlen(q), &qo, &root, NULL, &err), TRAWL_OK);
    assert_int_equal(index_search(f->ix, root, so, &r, &err), TRAWL_OK);
    for (size_t i = 0; i < r->n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%.*s#%u", i ? " " : "",
                 (int)r->hits[i].pub.passage.article_len, r->hits[i].pub.passage.article,
                 r->hits[i].pub.passage.ordinal);
    }
    index_results_free(r);
    query_free(root);
}

/* index_search's options as these tests have always run it: trawl_search's defaults but for
 * no near-duplicate folding, Xapian's own check_at_least, and one BM25 for both views. */
static void search_opts_init(struct trawl_search_opts *o)
{
    trawl_search_opts_init(o);
    o->duplicates = 1;
    o->check_at_least = 0;
    o->passage_k1 = o->k1;
    o->passage_b = o->b;
}

/* The default options but per_article. */
static void search(struct fixture *f, const char *q, unsigned per_article, char *out,
                   size_t cap)
{
    struct trawl_search_opts so;

    search_opts_init(&so);
    so.per_article = per_article;
    search_with(f, q, &so, out, cap);
}

/* As search(), ordered as order says. */
static void search_ordered(struct fixture *f, const char *q, enum trawl_sort order, char *out,
                           size_t cap)
{
    struct trawl_search_opts so;

    search_opts_init(&so);
    so.sort = order;
    search_with(f, q, &so, out, cap);
}

static void test_orders_by_date_with_undated_last(void **state)
{
    char got[256];

    /* By score with article ranking (#13): weather and cricket each match one word of the
     * same df; the one-passage weather article is shorter than the two-passage cricket one,
     * so its article part lifts it above cricket (whose passage alone scored higher). */
    search_ordered(*state, "target friday", TRAWL_SORT_SCORE, got, sizeof got);
    assert_string_equal(got, "fb#1 weather#0 cricket#0");
    /* the undated weather report scores best, and comes last by date */
    search_ordered(*state, "friday", TRAWL_SORT_SCORE, got, sizeof got);
    assert_string_equal(got, "weather#0 fb#1");
    search_ordered(*state, "friday", TRAWL_SORT_DATE_ASC, got, sizeof got);
    assert_string_equal(got, "fb#1 weather#0");
    /* newest first; fb still shows its best passage (#1 has both words) */
    search_ordered(*state, "target friday", TRAWL_SORT_DATE, got, sizeof got);
    assert_string_equal(got, "cricket#0 fb#1 weather#0");
    search_ordered(*state, "target friday", TRAWL_SORT_DATE_ASC, got, sizeof got);
    assert_string_equal(got, "fb#1 cricket#0 weather#0");
}

static void test_a_raised_cancel_flag_stops_the_search(void **state)
{
    struct fixture *f = *state;
    volatile sig_atomic_t flag = 1;
    const char *queries[] = {"target", "\"target was set\""}; /* plain, phrase-checked */

    for (size_t i = 0; i < 2; i++) {
        struct qnode *root;
        struct query_opts qo = {0};
        struct trawl_search_opts so;
        struct index_results *r = NULL;
        struct trawl_error err;
        search_opts_init(&so);
        so.cancel = &flag;
        assert_int_equal(query_parse(queries[i], strlen(queries[i]), &qo, &root, NULL, &err),
                         TRAWL_OK);
        assert_int_equal(index_search(f->ix, root, &so, &r, &err), TRAWL_ECANCELLED);
        assert_null(r);
        assert_string_equal(err.msg, "search cancelled");
        flag = 0;
        assert_int_equal(index_search(f->ix, root, &so, &r, &err), TRAWL_OK);
        assert_true(r->n > 0);
        index_results_free(r);
        query_free(root);
        flag = 1;
    }
}

static void test_completes_words_of_the_spelling_table(void **state)
{
    struct fixture *f = *state;
    char got[256] = "";
    struct trawl_error err;

    assert_int_equal(index_complete(f->ix, "ta", 2, collect_word, got, &err), TRAWL_OK);
    assert_string_equal(got, "target ");
    got[0] = '\0';
    assert_int_equal(index_complete(f->ix, "zz", 2, collect_word, got, &err), TRAWL_OK);
    assert_string_equal(got, "");
}

static void test_ranks_the_passage_with_all_words_first(void **state)
{
    char got[256];

    search(*state, "Facebook likes target", 0, got, sizeof got);
    assert_true(strncmp(got, "fb#0 ", 5) == 0);
}

static void test_collapses_to_one_passage_per_article(void **state)
{
    char got[256];

    search(*state, "target", 1, got, sizeof got);
    assert_string_equal(got, "cricket#0 fb#1");
    search(*state, "target", 0, got, sizeof got);
    assert_string_equal(got, "cricket#0 fb#1");
    search(*state, "friday", 0, got, sizeof got);
    assert_string_equal(got, "weather#0 fb#1");
    /* an article with two matching passages: one shown when collapsing, both when not */
    search(*state, "harbour", 1, got, sizeof got);
    assert_string_equal(got, "tides#0");
    search(*state, "harbour", 0, got, sizeof got);
    assert_string_equal(got, "tides#0 tides#1");
}

static void test_numbers_with_separators_match_both_forms(void **state)
{
    char a[256], b[256];

    search(*state, "300,000", 0, a, sizeof a);
    search(*state, "300000", 0, b, sizeof b);
    assert_string_equal(a, "fb#0");
    assert_string_equal(a, b);
}

static void test_phrases_match_exact_sequences_only(void **state)
{
    char got[256];

    search(*state, "\"target was set\"", 0, got, sizeof got);
    assert_string_equal(got, "fb#1");
    search(*state, "\"set a target\"", 0, got, sizeof got);
    assert_string_equal(got, "cricket#0");
    search(*state, "\"target set\"", 0, got, sizeof got);
    assert_string_equal(got, "");
    /* a quoted single word is exact: "likes" does not match "like" */
    search(*state, "\"like\"", 0, got, sizeof got);
    assert_string_equal(got, "");
}

static void test_stemming_matches_inflections(void **state)
{
    char got[256];

    search(*state, "like", 0, got, sizeof got);
    assert_non_null(strstr(got, "fb#0"));
    assert_non_null(strstr(got, "cricket#1"));
}

static void test_filters_and_exclusions(void **state)
{
    char got[256];

    search(*state, "friday date:2018", 0, got, sizeof got);
    assert_string_equal(got, "fb#1");
    search(*state, "friday -rain", 0, got, sizeof got);
    assert_string_equal(got, "fb#1");
    search(*state, "target article:cricket", 0, got, sizeof got);
    assert_string_equal(got, "cricket#0");
    search(*state, "date:2019-05-01", 0, got, sizeof got);
    assert_string_equal(got, "cricket#0 cricket#1");
    search(*state, "(rain OR runs) AND NOT wind", 0, got, sizeof got);
    assert_string_equal(got, "cricket#0");
    search(*state, "camb*", 0, got, sizeof got);
    assert_string_equal(got, "fb#2");
}

static void test_removed_articles_are_gone(void **state)
{
    struct fixture *f = *state;
    struct trawl_error err;
    char got[256];

    assert_int_equal(index_remove(f->ix, "cricket", &err), TRAWL_OK);
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    search(f, "target", 0, got, sizeof got);
    assert_string_equal(got, "fb#1");
}

static void test_records_and_passages(void **state)
{
    struct fixture *f = *state;
    struct trawl_record rec;
    struct trawl_passage p;
    struct sbuf store;
    struct trawl_error err;

    sbuf_init(&store);
    assert_int_equal(index_article(f->ix, "fb", &rec, &store, &err), TRAWL_OK);
    assert_int_equal(rec.passages, 3);
    assert_int_equal(index_article(f->ix, "nope", &rec, &store, &err), TRAWL_ENOTFOUND);
    assert_int_equal(index_passage(f->ix, "fb", 2, &store, &p, &err), TRAWL_OK);
    assert_true(p.text_len > 10 && strncmp(p.text, "Cambridge", 9) == 0);
    assert_int_equal(p.date_len, 10);
    assert_int_equal(index_passage(f->ix, "fb", 3, &store, &p, &err), TRAWL_ENOTFOUND);
    sbuf_release(&store);
}

static void test_explain_adds_up_to_the_score(void **state)
{
    struct fixture *f = *state;
    const char *q = "Facebook likes target";
    struct qnode *root;
    struct query_opts qo = {0};
    struct trawl_search_opts so;
    struct index_results *r;
    struct trawl_explanation e;
    struct trawl_error err;
    double sum = 0, art = 0;

    search_opts_init(&so);
    assert_int_equal(query_parse(q, strlen(q), &qo, &root, NULL, &err), TRAWL_OK);
    assert_int_equal(index_search(f->ix, root, &so, &r, &err), TRAWL_OK);
    assert_true(r->n > 0);
    assert_int_equal(index_explain(f->ix, r, 0, &e, &err), TRAWL_OK);
    assert_int_equal(e.n, 3);
    /* fb#0 has "Facebook" and "likes" but not "target": that term weighs nothing there, yet
     * has its idf (other passages have it) */
    for (size_t i = 0; i < e.n; i++) {
        if (strcmp(e.terms[i].term, "target") == 0) {
            assert_int_equal(e.terms[i].tf, 0);
            assert_true(e.terms[i].weight == 0);
        } else {
            assert_int_equal(e.terms[i].tf + e.terms[i].title_tf, 1);
            assert_true(e.terms[i].weight > 0);
        }
        assert_true(e.terms[i].idf > 0);
        sum += e.terms[i].weight;
        art += e.terms[i].art_weight;
    }
    /* The score fuses the best passage's part and the article's (index_artrank.c) */
    assert_true(e.fused);
    assert_true(fabs(sum - r->hits[0].passage) < 1e-9);
    assert_true(fabs(sum - e.passage_score) < 1e-9);
    assert_true(fabs(art - e.article_score) < 1e-9);
    assert_true(fabs(e.alpha * sum + (1 - e.alpha) * art - r->hits[0].pub.score) < 1e-9);
    index_explanation_release(&e);
    index_results_free(r);
    query_free(root);
}

/* The every-passage view: each of the best hits scores its own passage fused with its
 * article (index_artrank.c); both passages of one article share one article score; every
 * hit keeps its own passage; palpha 1 is the passage's score alone. */
static void test_every_passage_view_fuses_each_passage_with_its_article(void **state)
{
    struct fixture *f = *state;
    const char *q = "harbour tide target";
    struct qnode *root;
    struct query_opts qo = {0};
    struct trawl_search_opts so;
    struct index_results *r, *alone;
    struct trawl_error err;
    double tides_article = -1;

    search_opts_init(&so);
    so.per_article = 0;
    assert_int_equal(query_parse(q, strlen(q), &qo, &root, NULL, &err), TRAWL_OK);
    assert_int_equal(index_search(f->ix, root, &so, &r, &err), TRAWL_OK);
    so.passage_alpha = 1;
    assert_int_equal(index_search(f->ix, root, &so, &alone, &err), TRAWL_OK);
    assert_int_equal(r->n, 4); /* tides #0 and #1, fb #1, cricket #0 */
    assert_int_equal(alone->n, 4);
    for (size_t i = 0; i < r->n; i++) {
        struct trawl_explanation e;
        const struct index_hit *h = &r->hits[i];
        int same = 0;
        assert_int_equal(index_explain(f->ix, r, i, &e, &err), TRAWL_OK);
        assert_true(e.fused);
        assert_true(fabs(e.alpha - RANK_PASSAGE_ALPHA) < 1e-12);
        assert_int_equal(e.scored_ordinal, h->pub.passage.ordinal); /* its own passage's part */
        assert_true(fabs(e.passage_score - h->passage) < 1e-9);
        assert_true(fabs(e.alpha * e.passage_score + (1 - e.alpha) * e.article_score -
                         h->pub.score) < 1e-9);
        if (h->pub.passage.article_len == 5 && memcmp(h->pub.passage.article, "tides", 5) == 0) {
            if (tides_article >= 0)
                assert_true(fabs(tides_article - e.article_score) < 1e-12);
            tides_article = e.article_score;
        }
        /* the same passage, alone: its score there is its passage part here */
        for (size_t k = 0; k < alone->n; k++)
            if (alone->hits[k].docid == h->docid) {
                assert_true(fabs(alone->hits[k].pub.score - h->passage) < 1e-9);
                same = 1;
            }
        assert_true(same);
        assert_false(h->moved);
        index_explanation_release(&e);
    }
    assert_true(tides_article > 0);
    index_results_free(alone);
    index_results_free(r);
    query_free(root);
}

/* Explains the first hit of q; returns the explanation of term t in *out (by copy). */
static void explain_term(struct fixture *f, const char *q, const char *t,
                         struct trawl_explain_term *out, uint64_t *articles)
{
    struct qnode *root;
    struct query_opts qo = {0};
    struct trawl_search_opts so;
    struct index_results *r;
    struct trawl_explanation e;
    struct trawl_error err;
    int found = 0;

    search_opts_init(&so);
    assert_int_equal(query_parse(q, strlen(q), &qo, &root, NULL, &err), TRAWL_OK);
    assert_int_equal(index_search(f->ix, root, &so, &r, &err), TRAWL_OK);
    assert_true(r->n > 0);
    assert_int_equal(index_explain(f->ix, r, 0, &e, &err), TRAWL_OK);
    assert_true(e.fused);
    *articles = e.articles;
    for (size_t i = 0; i < e.n; i++)
        if (strcmp(e.terms[i].term, t) == 0) {
            *out = e.terms[i];
            out->term = NULL;
            found = 1;
        }
    assert_true(found);
    index_explanation_release(&e);
    index_results_free(r);
    query_free(root);
}

/* Article ranking counts articles, not passages: N is the number of articles and a term's
 * df the articles holding it, however many of their passages do; both follow updates. */
static void test_article_statistics_count_articles(void **state)
{
    struct fixture *f = *state;
    struct trawl_explain_term t;
    uint64_t articles = 0;
    struct trawl_error err;

    explain_term(f, "harbour", "harbour", &t, &articles); /* tides: both of its passages */
    assert_int_equal(articles, 4);
    assert_int_equal(t.df, 2);
    assert_int_equal(t.art_df, 1);
    explain_term(f, "target", "target", &t, &articles); /* fb ¶1 and cricket ¶0 */
    assert_int_equal(t.df, 2);
    assert_int_equal(t.art_df, 2);
    put(f, "ships", NULL, "Ships leave the harbour early.\n\nThe harbour master waves them off.");
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    explain_term(f, "harbour", "harbour", &t, &articles);
    assert_int_equal(articles, 5);
    assert_int_equal(t.df, 4);
    assert_int_equal(t.art_df, 2);
    assert_int_equal(index_remove(f->ix, "tides", &err), TRAWL_OK);
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    explain_term(f, "harbour", "harbour", &t, &articles);
    assert_int_equal(articles, 4);
    assert_int_equal(t.art_df, 1);
}

/* The oracle for the stored article df: the distinct article ids among a term's postings. */
struct distinct_articles {
    xdb *db;
    char seen[16][64];
    size_t n;
};

static enum xdb_next note_article(void *ctx, xdb_docid id)
{
    struct distinct_articles *d = ctx;
    struct sbuf v;
    struct trawl_error err;
    size_t i;

    sbuf_init(&v);
    assert_int_equal(xdb_doc_value(d->db, id, SLOT_ARTICLE, &v, &err), TRAWL_OK);
    for (i = 0; i < d->n && strcmp(d->seen[i], v.buf) != 0; i++)
        ;
    if (i == d->n) {
        assert_true(d->n < 16 && v.len < 64);
        strcpy(d->seen[d->n++], v.buf);
    }
    sbuf_release(&v);
    return XDB_NEXT;
}

struct check_ctx {
    struct index *ix;
    size_t terms;
};

static enum xdb_next check_term(void *ctx, const char *term, size_t len, uint64_t docs)
{
    struct check_ctx *c = ctx;
    struct distinct_articles d = {.db = c->ix->db, .n = 0};
    uint64_t stored = 0;
    int found = 0;
    struct trawl_error err;

    (void)docs;
    if (!schema_rank_term(term, len))
        return XDB_NEXT;
    assert_int_equal(xdb_postings(c->ix->db, term, len, note_article, &d, &err), TRAWL_OK);
    assert_int_equal(index_artdf_get(c->ix, term, len, &stored, &found, &err), TRAWL_OK);
    if (!found || stored != d.n)
        fail_msg("term '%.*s': stored article df %s%llu, %zu articles hold it", (int)len, term,
                 found ? "" : "(none) ", (unsigned long long)stored, d.n);
    c->terms++;
    return XDB_NEXT;
}

/* Every ranking term's stored article df is the number of articles among its postings. */
static void assert_article_df_exact(struct index *ix)
{
    struct check_ctx c = {ix, 0};
    struct trawl_error err;

    assert_int_equal(xdb_terms_each(ix->db, "", check_term, &c, &err), TRAWL_OK);
    assert_true(c.terms > 10);
}

static uint64_t stored_df(struct index *ix, const char *term, int *found)
{
    uint64_t n = 0;
    struct trawl_error err;

    assert_int_equal(index_artdf_get(ix, term, strlen(term), &n, found, &err), TRAWL_OK);
    return n;
}

/* The indexer keeps each term's article df with the passages: adds, replacements and
 * removals change it in the same commit, a cancelled batch does not, and a term no article
 * holds any more has no count left. */
static void test_article_df_is_kept_by_the_writer(void **state)
{
    struct fixture *f = *state;
    struct trawl_error err;
    int found;

    assert_article_df_exact(f->ix);
    assert_int_equal(stored_df(f->ix, "target", &found), 2); /* fb and cricket */
    assert_int_equal(stored_df(f->ix, "harbour", &found), 1); /* two passages, one article */
    /* replaced: cricket no longer says "target", and says "harbour" */
    put(f, "cricket", "2019-05-01", "The cricket team sailed into the harbour at noon.");
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    assert_int_equal(stored_df(f->ix, "target", &found), 1);
    assert_int_equal(stored_df(f->ix, "harbour", &found), 2);
    assert_article_df_exact(f->ix);
    /* a batch cancelled leaves the counts as they were */
    assert_int_equal(index_begin(f->ix, &err), TRAWL_OK);
    put(f, "draft", NULL, "A target for the harbour, never committed.");
    assert_int_equal(index_remove(f->ix, "fb", &err), TRAWL_OK);
    assert_int_equal(index_cancel(f->ix, &err), TRAWL_OK);
    put(f, "later", NULL, "Wind over the hills again on Saturday.");
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    assert_int_equal(stored_df(f->ix, "target", &found), 1);
    assert_int_equal(stored_df(f->ix, "harbour", &found), 2);
    assert_article_df_exact(f->ix);
    /* removed: the last article with "target" takes its count with it */
    assert_int_equal(index_remove(f->ix, "fb", &err), TRAWL_OK);
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    assert_int_equal(stored_df(f->ix, "target", &found), 0);
    assert_false(found);
    assert_article_df_exact(f->ix);
}

/* A fresh build writes its parts apart; merging them adds up their counts. */
static void test_article_df_of_merged_parts_is_summed(void **state)
{
    struct fixture *f = *state;
    struct index_build *b;
    struct index_open_opts oo = {.mode = INDEX_READ};
    struct index *rd;
    struct trawl_error err;
    int found;

    assert_int_equal(index_build_start(f->path, 2, "english", 1, &b, &err), TRAWL_OK);
    put_into(index_build_part(b, 0), f->an, "a1", NULL, "The harbour tide rises at dawn.");
    put_into(index_build_part(b, 0), f->an, "a2", NULL, "A harbour wall and a tide gauge.");
    put_into(index_build_part(b, 1), f->an, "b1", NULL, "The old harbour is quiet tonight.");
    put_into(index_build_part(b, 1), f->an, "b2", NULL, "Fishing boats leave before dawn.");
    assert_int_equal(index_build_finish(b, NULL, &err), TRAWL_OK);
    assert_int_equal(index_open(f->path, &oo, &rd, &err), TRAWL_OK);
    assert_int_equal(stored_df(rd, "harbour", &found), 3);
    assert_int_equal(stored_df(rd, "dawn", &found), 2);
    assert_int_equal(stored_df(rd, "gaug", &found), 1);
    assert_article_df_exact(rd);
    index_close(rd);
}

/* The passage and article databases are compacted at once (compact_pair): a failure of
 * either fails the compaction, the passages' named first when both fail, as when they ran in
 * turn, and the half-made generation goes while the index stays as it was. */
static void test_a_failed_compaction_names_its_database_and_keeps_the_index(void **state)
{
    struct fixture *f = *state;
    struct index_build *b;
    struct trawl_error err;
    char *name, gen[160], path[200], want[220];
    unsigned g;

    assert_int_equal(index_build_start(f->path, 2, "english", 1, &b, &err), TRAWL_OK);
    put_into(index_build_part(b, 0), f->an, "a1", NULL, "The harbour tide rises at dawn.");
    put_into(index_build_part(b, 1), f->an, "b1", NULL, "The old harbour is quiet tonight.");
    assert_int_equal(index_build_finish(b, NULL, &err), TRAWL_OK);
    g = layout_last_gen(f->path);
    name = layout_gen_name(g);
    assert_non_null(name);
    snprintf(gen, sizeof gen, "%s/%s", f->path, name);
    free(name);

    /* the article database alone cannot be read: the thread's error is the one returned */
    snprintf(path, sizeof path, "%s/%s/iamglass", gen, LAYOUT_ARTICLES);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(index_compact(f->path, &err), TRAWL_EINDEX);
    snprintf(want, sizeof want, "'%s/%s'", gen, LAYOUT_ARTICLES);
    if (strstr(err.msg, want) == NULL)
        fail_msg("message '%s' does not name %s", err.msg, want);
    assert_int_equal(layout_last_gen(f->path), g);

    /* neither can: the passages' error, as before */
    snprintf(path, sizeof path, "%s/iamglass", gen);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(index_compact(f->path, &err), TRAWL_EINDEX);
    snprintf(want, sizeof want, "'%s'", gen);
    if (strstr(err.msg, want) == NULL)
        fail_msg("message '%s' does not name %s", err.msg, want);
    assert_int_equal(layout_last_gen(f->path), g);
}

/* "did you mean" follows what the index holds: words of a removed or rewritten article leave
 * the spelling table, as in a clean build. */
static void test_spelling_follows_removals_and_updates(void **state)
{
    struct fixture *f = *state;
    struct sbuf sug;
    struct trawl_error err;

    sbuf_init(&sug);
    assert_int_equal(index_suggest(f->ix, "analytica", 9, &sug, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "analytics");
    put(f, "fb", "2018-03-26", "Modi asked each MP to get many likes on their Facebook page.");
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    assert_int_equal(index_suggest(f->ix, "analytica", 9, &sug, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "");
    assert_int_equal(index_suggest(f->ix, "cricker", 7, &sug, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "cricket");
    assert_int_equal(index_remove(f->ix, "cricket", &err), TRAWL_OK);
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    assert_int_equal(index_suggest(f->ix, "cricker", 7, &sug, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "");
    /* words still in other articles stay: "friday" is in the weather article */
    assert_int_equal(index_suggest(f->ix, "fridey", 6, &sug, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "friday");
    sbuf_release(&sug);
}

/* Appends count copies of "word " to sb. */
static void repeat(struct sbuf *sb, const char *word, int count)
{
    for (int i = 0; i < count; i++)
        assert_int_equal(sbuf_printf(sb, "%s ", word), TRAWL_OK);
}

static void test_suggests_a_far_more_frequent_close_word(void **state)
{
    struct fixture *f = *state;
    struct sbuf text, sug;
    uint64_t wf, sf;
    struct trawl_error err;

    sbuf_init(&text);
    sbuf_init(&sug);
    repeat(&text, "goverment", 3);
    repeat(&text, "government", 1000);
    repeat(&text, "budgets", 3);     /* an inflection of "budget": the same stem */
    repeat(&text, "budget", 1000);
    repeat(&text, "resident", 3);    /* "president" is not a typo of it: the first letter */
    repeat(&text, "president", 1000);
    repeat(&text, "minster", 20);    /* 50 times rarer only */
    repeat(&text, "minister", 1000);
    repeat(&text, "lone", 1);        /* too short to judge */
    repeat(&text, "line", 1000);
    put(f, "big", NULL, text.buf);
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);

    assert_int_equal(index_suggest_rare(f->ix, "goverment", 9, &sug, &wf, &sf, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "government");
    assert_int_equal(wf, 3);
    assert_int_equal(sf, 1000);
    assert_int_equal(index_suggest_rare(f->ix, "budgets", 7, &sug, &wf, &sf, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "");
    assert_int_equal(wf, 0);
    assert_int_equal(index_suggest_rare(f->ix, "resident", 8, &sug, NULL, NULL, &err),
                     TRAWL_OK);
    assert_string_equal(sug.buf, "");
    assert_int_equal(index_suggest_rare(f->ix, "minster", 7, &sug, NULL, NULL, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "");
    assert_int_equal(index_suggest_rare(f->ix, "lone", 4, &sug, NULL, NULL, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "");
    /* the frequent word itself, and a word the index lacks (index_suggest's business) */
    assert_int_equal(index_suggest_rare(f->ix, "government", 10, &sug, NULL, NULL, &err),
                     TRAWL_OK);
    assert_string_equal(sug.buf, "");
    assert_int_equal(index_suggest_rare(f->ix, "govrnment", 9, &sug, NULL, NULL, &err),
                     TRAWL_OK);
    assert_string_equal(sug.buf, "");
    sbuf_release(&text);
    sbuf_release(&sug);
}

/* A word seen more than INDEX_RARE_MAX_FREQ times and more than INDEX_RARE_MAX_SHARE of the
 * index's words is too common to be a typo: it is not looked at, however much more frequent
 * a close word is; at the limit it still is. */
static void test_a_common_word_is_no_typo(void **state)
{
    struct fixture *f = *state;
    struct sbuf text, sug;
    uint64_t wf, sf;
    struct trawl_error err;

    sbuf_init(&text);
    sbuf_init(&sug);
    repeat(&text, "goverment", INDEX_RARE_MAX_FREQ);
    repeat(&text, "government", 101 * INDEX_RARE_MAX_FREQ * 2);
    repeat(&text, "minster", INDEX_RARE_MAX_FREQ + 1);
    repeat(&text, "minister", 101 * INDEX_RARE_MAX_FREQ * 2);
    put(f, "big", NULL, text.buf);
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    assert_int_equal(index_suggest_rare(f->ix, "goverment", 9, &sug, &wf, &sf, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "government");
    assert_int_equal(wf, INDEX_RARE_MAX_FREQ);
    assert_int_equal(index_suggest_rare(f->ix, "minster", 7, &sug, &wf, &sf, &err), TRAWL_OK);
    assert_string_equal(sug.buf, "");
    sbuf_release(&text);
    sbuf_release(&sug);
}

static void test_source_terms_fold_case_space_and_punctuation(void **state)
{
    struct fixture *f = *state;
    struct sbuf a, b;

    sbuf_init(&a);
    sbuf_init(&b);
    assert_int_equal(index_fields_source_term(analyzer_tok(f->an), "The  Example-TIMES", 18, &a),
                     TRAWL_OK);
    assert_string_equal(a.buf, "Sthe example times");
    assert_int_equal(index_fields_source_term(analyzer_tok(f->an), "the example times", 17, &b),
                     TRAWL_OK);
    assert_string_equal(a.buf, b.buf);
    assert_int_equal(index_fields_source_term(analyzer_tok(f->an), "--", 2, &b), TRAWL_OK);
    assert_string_equal(b.buf, "S");
    sbuf_release(&a);
    sbuf_release(&b);
}

static void test_simhash_of_similar_texts_is_close_of_different_far(void **state)
{
    const char *a = "the central bank raised its main lending rate by half a point on tuesday "
                    "the first increase in two years saying inflation had run above its target "
                    "for six months and the governor said the bank was ready to act again if "
                    "prices kept rising while economists had expected a smaller move of a "
                    "quarter point and the currency rose against the dollar as bond yields "
                    "climbed across the curve and traders said the move surprised the market";
    /* one word changed out of 80 */
    const char *b = "the central bank raised its main lending rate by half a point on tuesday "
                    "the first increase in two years saying inflation had run above its target "
                    "for six months and the governor said the bank was ready to act again if "
                    "prices kept rising while economists had expected a smaller move of a "
                    "quarter point and the currency rose against the euro as bond yields "
                    "climbed across the curve and traders said the move surprised the market";
    const char *c = "farmers in the northern plains planted more wheat than last year after a "
                    "wet spring and the agriculture ministry expects a record harvest of hard "
                    "red wheat although storage is short and rail freight rates have risen so "
                    "that growers may hold grain on farms until prices recover in the autumn "
                    "when exporters usually buy for shipment to asia and the middle east";
    uint64_t sa, sb, sc;

    (void)state;
    assert_true(index_dups_of_words(a, strlen(a), &sa));
    assert_true(index_dups_of_words(b, strlen(b), &sb));
    assert_true(index_dups_of_words(c, strlen(c), &sc));
    assert_int_equal(index_dups_of_words(a, strlen(a), &sb) && sb == sa, 1); /* deterministic */
    assert_true(index_dups_of_words(b, strlen(b), &sb));
    assert_true(index_dups_distance(sa, sb) <= 12);
    assert_true(index_dups_distance(sa, sc) > INDEX_DUPS_MAX_BITS + 10);
    assert_true(index_dups_distance(sb, sc) > INDEX_DUPS_MAX_BITS + 10);
    /* too short to judge */
    assert_false(index_dups_of_words("a few words only", 16, &sa));
}

/* Feeds the words of text (split at spaces) to a shingle set and ends it. */
static void shingles_of_words(const char *text, struct dups_shingles *s)
{
    index_dups_shingles_init(s);
    for (const char *w = text; *w != '\0';) {
        size_t n = strcspn(w, " ");
        if (n > 0)
            assert_int_equal(index_dups_shingles_token(s, w, n), TRAWL_OK);
        w += n + (w[n] == ' ');
    }
    index_dups_shingles_end(s);
}

/* The exact test behind folding past INDEX_DUPS_MAX_BITS: Jaccard similarity of the sets of
 * 3-word shingles (a repeated shingle counts once; order matters). */
static void test_shingle_jaccard(void **state)
{
    struct dups_shingles a, b, c, e;

    (void)state;
    shingles_of_words("a b c d a b c d", &a); /* abc bcd cda dab abc bcd: 4 distinct */
    shingles_of_words("a b c d e", &b);       /* abc bcd cde: 2 of them shared */
    shingles_of_words("d c b a", &c);         /* dcb cba: none */
    shingles_of_words("a b", &e);             /* no shingle */
    assert_int_equal(a.n, 4);
    assert_true(index_dups_jaccard(&a, &a) == 1.0);
    assert_true(index_dups_jaccard(&a, &b) == 2.0 / 5.0);
    assert_true(index_dups_jaccard(&b, &a) == 2.0 / 5.0);
    assert_true(index_dups_jaccard(&a, &c) == 0.0);
    assert_true(index_dups_jaccard(&e, &e) == 0.0);
    index_dups_shingles_release(&a);
    index_dups_shingles_release(&b);
    index_dups_shingles_release(&c);
    index_dups_shingles_release(&e);
    index_dups_shingles_release(NULL);
}

static void test_stats(void **state)
{
    struct fixture *f = *state;
    struct trawl_stats st;
    struct trawl_error err;

    assert_int_equal(index_stats(f->ix, &st, &err), TRAWL_OK);
    assert_int_equal(st.articles, 4);
    assert_int_equal(st.passages, 8);
    assert_true(st.terms > 20);
    assert_string_equal(st.lang, "english");
    assert_int_equal(st.schema, SCHEMA_VERSION);
    assert_true(st.disk_bytes > 0);
}

static void test_refuses_missing_foreign_and_other_schema(void **state)
{
    struct fixture *f = *state;
    struct index_open_opts ro = {.mode = INDEX_READ};
    struct index *ix = NULL;
    struct trawl_error err;
    char path[128];
    xdb *db;

    snprintf(path, sizeof path, "%s/missing", f->dir);
    assert_int_equal(index_open(path, &ro, &ix, &err), TRAWL_EINDEX);
    assert_non_null(strstr(err.msg, "trawl-index"));

    /* another schema version: refused with what to do */
    index_close(f->ix);
    f->ix = NULL;
    assert_int_equal(xdb_open(f->path, XDB_WRITE, &db, &err), TRAWL_OK);
    assert_int_equal(xdb_meta_set(db, META_SCHEMA, "99", 2, &err), TRAWL_OK);
    assert_int_equal(xdb_commit(db, &err), TRAWL_OK);
    xdb_close(db);
    assert_int_equal(index_open(f->path, &ro, &ix, &err), TRAWL_EINDEX);
    assert_non_null(strstr(err.msg, "schema version 99"));
    assert_non_null(strstr(err.msg, "--rebuild"));

    /* schema 7: article documents with ranking terms, and no TERM_TITLE: rebuilt, not read */
    assert_int_equal(xdb_open(f->path, XDB_WRITE, &db, &err), TRAWL_OK);
    assert_int_equal(xdb_meta_set(db, META_SCHEMA, "7", 1, &err), TRAWL_OK);
    assert_int_equal(xdb_commit(db, &err), TRAWL_OK);
    xdb_close(db);
    assert_int_equal(index_open(f->path, &ro, &ix, &err), TRAWL_EINDEX);
    assert_non_null(strstr(err.msg, "schema version 7"));
    assert_non_null(strstr(err.msg, "trawl-index --rebuild"));

    /* a different stemmer language for an existing index */
    assert_int_equal(xdb_open(f->path, XDB_WRITE, &db, &err), TRAWL_OK);
    snprintf(path, sizeof path, "%d", SCHEMA_VERSION);
    assert_int_equal(xdb_meta_set(db, META_SCHEMA, path, strlen(path), &err), TRAWL_OK);
    assert_int_equal(xdb_commit(db, &err), TRAWL_OK);
    xdb_close(db);
    ro.mode = INDEX_WRITE;
    ro.lang = "french";
    assert_int_equal(index_open(f->path, &ro, &ix, &err), TRAWL_EINPUT);
    assert_non_null(strstr(err.msg, "english"));
    ro.lang = "klingon";
    assert_int_equal(index_open(f->path, &ro, &ix, &err), TRAWL_EINPUT);

    /* a second writer is refused at once */
    ro.lang = NULL;
    assert_int_equal(index_open(f->path, &ro, &f->ix, &err), TRAWL_OK);
    assert_int_equal(index_open(f->path, &ro, &ix, &err), TRAWL_ELOCKED);
    assert_null(ix);
}

/* A wildcard with more than PREFIX_MAX_EXPANSION expansions is the user's to fix, with a
 * message saying so (a callback's "stop" once came back as TRAWL_ENOMEM with no message). */
static void test_too_vague_wildcard_is_an_input_error(void **state)
{
    struct fixture *f = *state;
    struct qnode *root;
    struct query_opts qo = {0};
    struct trawl_search_opts so;
    struct index_results *r = NULL;
    struct sbuf text;
    struct trawl_error err;

    sbuf_init(&text);
    /* 12,000 words zqaaaa, zqaaab, ...: over 11,000 distinct terms once stemming has merged
     * the ones that end like a suffix */
    for (unsigned i = 0; i < 12000; i++)
        assert_int_equal(sbuf_printf(&text, "zq%c%c%c%c ", 'a' + i / 17576 % 26,
                                     'a' + i / 676 % 26, 'a' + i / 26 % 26, 'a' + i % 26),
                         TRAWL_OK);
    put(f, "many", NULL, text.buf);
    sbuf_release(&text);
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    search_opts_init(&so);
    assert_int_equal(query_parse("zq*", 3, &qo, &root, NULL, &err), TRAWL_OK);
    memset(&err, 0, sizeof err);
    assert_int_equal(index_search(f->ix, root, &so, &r, &err), TRAWL_EINPUT);
    assert_string_equal(err.msg, "'zq*' matches more than 10000 words: make the prefix longer");
    assert_null(r);
    query_free(root);
}

/* index.h: closing a writer drops its uncommitted work, so an aborted run leaves the index
 * at its last committed batch. */
static void test_close_drops_uncommitted_work(void **state)
{
    struct fixture *f = *state;
    struct index_open_opts oo = {.mode = INDEX_WRITE};
    struct trawl_record rec;
    struct sbuf store;
    struct trawl_error err;
    char got[256];

    put(f, "draft", NULL, "An unfinished harbour draft never committed.");
    index_close(f->ix);
    f->ix = NULL;
    assert_int_equal(index_open(f->path, &oo, &f->ix, &err), TRAWL_OK);
    sbuf_init(&store);
    assert_int_equal(index_article(f->ix, "draft", &rec, &store, &err), TRAWL_ENOTFOUND);
    sbuf_release(&store);
    search(f, "harbour", 0, got, sizeof got);
    assert_string_equal(got, "tides#0 tides#1");
}

/* The article database holds each article once, found by its article term; a single local
 * index's article documents hold no ranking terms (schema 8: its article impact file is
 * derived from the passages), and a writer's searches rank from the passages. */
static void test_article_database_holds_each_article_once(void **state)
{
    struct fixture *f = *state;
    struct xdb_stats st;
    struct trawl_error err;
    uint64_t docs, coll;
    char got[256];

    assert_int_equal(xdb_stats(f->ix->adb, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 4);
    /* "harbour": in both passages of tides, in no article document */
    assert_int_equal(xdb_term_freq(f->ix->db, "harbour", 7, &docs, &coll, &err), TRAWL_OK);
    assert_int_equal(docs, 2);
    assert_int_equal(xdb_term_freq(f->ix->adb, "harbour", 7, &docs, &coll, &err), TRAWL_OK);
    assert_int_equal(docs, 0);
    assert_int_equal(xdb_term_freq(f->ix->adb, "Atides", 6, &docs, &coll, &err), TRAWL_OK);
    assert_int_equal(docs, 1);
    put(f, "tides", NULL, "The river rises at dawn.");
    index_remove(f->ix, "weather", &err);
    assert_int_equal(index_commit(f->ix, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(f->ix->adb, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 3);
    assert_int_equal(xdb_term_freq(f->ix->adb, "harbour", 7, &docs, &coll, &err), TRAWL_OK);
    assert_int_equal(docs, 0);
    search(f, "target likes", 1, got, sizeof got);
    assert_string_equal(got, "cricket#1 fb#0");
}

/* A writer stopped between the article database's commit and the passages': the next writer
 * takes that batch's articles out of both, and the two agree again. */
static void test_a_writer_repairs_an_article_database_a_batch_ahead(void **state)
{
    struct fixture *f = *state;
    struct index_open_opts oo = {.mode = INDEX_WRITE};
    struct trawl_record rec;
    struct sbuf store;
    struct trawl_error err;
    uint64_t docs, coll, ahead, ab = 0, pb = 0;
    char num[32];
    int agree = 0;

    assert_int_equal(index_begin(f->ix, &err), TRAWL_OK);
    put(f, "draft", NULL, "A harbour draft whose passages never reached the disk.");
    ahead = f->ix->batch + 1;
    snprintf(num, sizeof num, "%llu", (unsigned long long)ahead);
    assert_int_equal(xdb_meta_set(f->ix->adb, META_PENDING, "draft\n", 6, &err), TRAWL_OK);
    assert_int_equal(xdb_meta_set(f->ix->adb, META_BATCH, num, strlen(num), &err), TRAWL_OK);
    assert_int_equal(xdb_commit_tx(f->ix->adb, &err), TRAWL_OK);
    index_close(f->ix); /* the passages' batch is dropped */
    f->ix = NULL;
    assert_int_equal(index_open(f->path, &oo, &f->ix, &err), TRAWL_OK);
    assert_non_null(index_warning(f->ix));
    assert_int_equal(index_articles_agree(f->ix, &agree, &err), TRAWL_OK);
    assert_int_equal(agree, 1);
    sbuf_init(&store);
    assert_int_equal(index_article(f->ix, "draft", &rec, &store, &err), TRAWL_ENOTFOUND);
    sbuf_release(&store);
    assert_int_equal(xdb_term_freq(f->ix->adb, "Adraft", 6, &docs, &coll, &err), TRAWL_OK);
    assert_int_equal(docs, 0);
    /* Both at the interrupted batch's number, not one past it: a repair stopped between its
     * own two commits then leaves the article database one batch ahead, which the next
     * writer repairs again, instead of two, which would be damage. */
    assert_int_equal(index_batch(f->ix, f->ix->adb, &ab, &err), TRAWL_OK);
    assert_int_equal(index_batch(f->ix, f->ix->db, &pb, &err), TRAWL_OK);
    assert_int_equal(ab, ahead);
    assert_int_equal(pb, ahead);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ranks_the_passage_with_all_words_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_collapses_to_one_passage_per_article, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_numbers_with_separators_match_both_forms, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_phrases_match_exact_sequences_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stemming_matches_inflections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters_and_exclusions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_removed_articles_are_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records_and_passages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explain_adds_up_to_the_score, setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_database_holds_each_article_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_writer_repairs_an_article_database_a_batch_ahead,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orders_by_date_with_undated_last, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_raised_cancel_flag_stops_the_search, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_completes_words_of_the_spelling_table, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_too_vague_wildcard_is_an_input_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_close_drops_uncommitted_work, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suggests_a_far_more_frequent_close_word, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_common_word_is_no_typo, setup, teardown),
        cmocka_unit_test(test_simhash_of_similar_texts_is_close_of_different_far),
        cmocka_unit_test(test_shingle_jaccard),
        cmocka_unit_test_setup_teardown(test_source_terms_fold_case_space_and_punctuation,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_passage_view_fuses_each_passage_with_its_article,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_statistics_count_articles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spelling_follows_removals_and_updates, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_article_df_is_kept_by_the_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_article_df_of_merged_parts_is_summed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_a_failed_compaction_names_its_database_and_keeps_the_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_missing_foreign_and_other_schema, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("index", tests, NULL, NULL);
}
