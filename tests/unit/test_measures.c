/* Unit tests for searcher/measures: TREC qrels and runs scored on tiny runs whose values are
 * computed by hand below (trec_eval 9.0.4+ -c conventions: ties by docid descending, queries
 * without a relevant document left out, unanswered queries scored 0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after its prerequisites, above */

#include "searcher/answers.h"
#include "searcher/measures.h"

#define EPS 1e-9

/* cmocka 1.1 compares floats only: doubles to EPS, both values shown on failure. */
#define assert_near(got, want)                                                                \
    do {                                                                                       \
        double got_ = (got), want_ = (want);                                                   \
        if (fabs(got_ - want_) > EPS)                                                          \
            fail_msg("%s = %.9f, wanted %.9f", #got, got_, want_);                            \
    } while (0)

/* Writes text to a new temporary file; returns its path (malloc'ed). */
static char *temp_file(const char *text)
{
    char *path = strdup("/tmp/test_measures.XXXXXX");
    int fd;

    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static struct eval_qrels *qrels_of(const char *text)
{
    char *path = temp_file(text);
    struct eval_qrels *q = NULL;
    struct trawl_error err;

    assert_int_equal(eval_qrels_read(path, &q, &err), TRAWL_OK);
    unlink(path);
    free(path);
    return q;
}

/* Query 1: relevant d1 (grade 2), d2 and d4 (grade 1); d3 judged not relevant.
 * Query 2: relevant x, but the run does not answer it: every measure 0.
 * Query 3: nothing relevant (y has grade 0): left out.
 * Query 4: relevant r, retrieved at rank 11 only. */
static const char qrels_text[] =
    "1 0 d1 2\n"
    "1 0 d2 1\n"
    "1 0 d3 0\n"
    "1 0 d4 1\n"
    "\n"
    "2 0 x 1\n"
    "3 0 y 0\n"
    "4 0 r 1\n";

static struct eval_run *the_run(void)
{
    struct eval_run *r = eval_run_new();
    char id[16];

    assert_non_null(r);
    /* Query 1, added out of order: ranked d3 (3.0), d5 and d1 (2.0, tied: d5 first, as the
     * docid is compared descending), d2 (1.0). Relevant at ranks 3 and 4. */
    assert_int_equal(eval_run_add(r, "1", "d2", 1.0), TRAWL_OK);
    assert_int_equal(eval_run_add(r, "1", "d1", 2.0), TRAWL_OK);
    assert_int_equal(eval_run_add(r, "1", "d3", 3.0), TRAWL_OK);
    assert_int_equal(eval_run_add(r, "1", "d5", 2.0), TRAWL_OK);
    /* Query 4: ten irrelevant documents, then r. */
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "n%d", i);
        assert_int_equal(eval_run_add(r, "4", id, 20.0 - i), TRAWL_OK);
    }
    assert_int_equal(eval_run_add(r, "4", "r", 1.0), TRAWL_OK);
    /* Query 9 has no judgements: ignored. */
    assert_int_equal(eval_run_add(r, "9", "d1", 5.0), TRAWL_OK);
    return r;
}

struct scored {
    struct eval_qrels *q;
    struct eval_run *r;
    struct eval_scores s;
};

static int setup(void **state)
{
    struct scored *sc = calloc(1, sizeof *sc);
    struct trawl_error err;

    if (sc == NULL)
        return -1;
    sc->q = qrels_of(qrels_text);
    sc->r = the_run();
    if (eval_score(sc->q, sc->r, &sc->s, &err) != TRAWL_OK)
        return -1;
    *state = sc;
    return 0;
}

static int teardown(void **state)
{
    struct scored *sc = *state;

    eval_scores_release(&sc->s);
    eval_run_free(sc->r);
    eval_qrels_free(sc->q);
    free(sc);
    return 0;
}

/* The row of query qid, failing the test when it was not scored. */
static const double *row(const struct eval_scores *s, const char *qid)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->qids[i], qid) == 0)
            return s->v[i];
    fail_msg("query %s was not scored", qid);
    return NULL;
}

static void test_leaves_out_queries_without_relevant_documents(void **state)
{
    const struct scored *sc = *state;

    assert_int_equal(sc->s.n, 3);
    assert_string_equal(sc->s.qids[0], "1");
    assert_string_equal(sc->s.qids[1], "2");
    assert_string_equal(sc->s.qids[2], "4");
}

static void test_average_precision_orders_ties_by_docid_descending(void **state)
{
    const struct scored *sc = *state;

    /* Relevant at ranks 3 and 4 of 3 relevant: (1/3 + 2/4) / 3. With ties ascending (d1 at
     * rank 2) it would be (1/2 + 2/4) / 3. */
    assert_near(row(&sc->s, "1")[EVAL_MAP], (1.0 / 3 + 2.0 / 4) / 3);
    assert_near(row(&sc->s, "4")[EVAL_MAP], 1.0 / 11);
}

static void test_ndcg_uses_graded_gains(void **state)
{
    const struct scored *sc = *state;
    /* DCG: d1 (gain 2) at rank 3, d2 (gain 1) at rank 4; ideal: gains 2, 1, 1 at ranks 1-3. */
    double dcg = 2 / log2(4) + 1 / log2(5), idcg = 2 / log2(2) + 1 / log2(3) + 1 / log2(4);

    assert_near(row(&sc->s, "1")[EVAL_NDCG10], dcg / idcg);
    assert_near(row(&sc->s, "4")[EVAL_NDCG10], 0.0);
}

static void test_precision_reciprocal_rank_and_recall(void **state)
{
    const struct scored *sc = *state;
    const double *v1 = row(&sc->s, "1"), *v4 = row(&sc->s, "4");

    assert_near(v1[EVAL_P10], 2.0 / 10);
    assert_near(v1[EVAL_MRR10], 1.0 / 3);
    assert_near(v1[EVAL_R100], 2.0 / 3);
    assert_near(v1[EVAL_R1000], 2.0 / 3);
    /* Query 4's only relevant document is at rank 11: outside @10, inside @100. */
    assert_near(v4[EVAL_P10], 0.0);
    assert_near(v4[EVAL_MRR10], 0.0);
    assert_near(v4[EVAL_R100], 1.0);
}

static void test_unanswered_query_scores_zero(void **state)
{
    const struct scored *sc = *state;
    const double *v2 = row(&sc->s, "2");

    for (int m = 0; m < EVAL_NMEASURES; m++)
        assert_near(v2[m], 0.0);
}

static void test_means_are_over_evaluated_queries(void **state)
{
    const struct scored *sc = *state;

    assert_near(sc->s.mean[EVAL_MAP], ((1.0 / 3 + 2.0 / 4) / 3 + 0 + 1.0 / 11) / 3);
    assert_near(sc->s.mean[EVAL_P10], (0.2 + 0 + 0) / 3);
    assert_near(sc->s.mean[EVAL_R100], (2.0 / 3 + 0 + 1) / 3);
}

static void test_refuses_duplicates(void **state)
{
    char *path = temp_file("1 0 a 1\n1 0 b 0\n1 0 a 2\n");
    struct eval_qrels *q = NULL;
    struct eval_run *r = NULL;
    struct trawl_error err;

    (void)state;
    assert_int_equal(eval_qrels_read(path, &q, &err), TRAWL_EINPUT);
    assert_null(q);
    assert_non_null(strstr(err.msg, ":3: duplicate judgement for 1 a"));
    unlink(path);
    free(path);
    path = temp_file("1 Q0 a 1 2.0 t\n1 Q0 a 2 1.0 t\n");
    assert_int_equal(eval_run_read(path, &r, &err), TRAWL_EINPUT);
    assert_null(r);
    assert_non_null(strstr(err.msg, ":2: duplicate document a for query 1"));
    unlink(path);
    free(path);
}

/* ---- Answers (answer_mrr.py's rules) ---------------------------------------------------- */

static void check_lower(const char *in, const char *want)
{
    size_t n;
    char *got = eval_lower(in, strlen(in), &n);

    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(n, strlen(want));
    free(got);
}

/* Expected values are Python 3's str.lower() of the same strings. */
static void test_lower_is_pythons(void **state)
{
    (void)state;
    check_lower("Grand PRIX 2016", "grand prix 2016");
    check_lower("\xC4\xB0stanbul", "i\xCC\x87stanbul");                 /* İ: two code points */
    check_lower("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 \xCE\xA3\xCE\x91",      /* ΟΔΟΣ ΣΑ */
                "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82 \xCF\x83\xCE\xB1");     /* final ς, then σ */
    check_lower("\xCE\x91\xCE\xA3.", "\xCE\xB1\xCF\x82.");                /* ΑΣ. : final */
    check_lower("\xCE\xA3", "\xCF\x83");                                  /* alone: σ */
    check_lower("a\xCE\xA3'b", "a\xCF\x83'b");                            /* ' is ignorable */
    check_lower("\xC7\x85 \xE2\x85\xAB", "\xC7\x86 \xE2\x85\xBB");        /* ǅ Ⅻ */
    check_lower("caf\xC3\x89\xFF", "caf\xC3\xA9\xFF");                    /* bad byte kept */
}

static struct eval_answers *answers_of(const char *text)
{
    char *path = temp_file(text);
    struct eval_answers *a = NULL;
    struct trawl_error err;

    assert_int_equal(eval_answers_read(path, &a, &err), TRAWL_OK);
    unlink(path);
    free(path);
    return a;
}

static void judge(struct eval_answers *a, const char *qid, const char *const *texts, size_t n,
                  unsigned depth)
{
    size_t lens[16];

    for (size_t i = 0; i < n; i++)
        lens[i] = strlen(texts[i]);
    assert_int_equal(eval_answers_judge(a, qid, texts, lens, n, depth, NULL), TRAWL_OK);
}

/* answer_mrr.py's rules: the first passage of the top DEPTH holding a gold string, both
 * lower-cased; every question of the file counts, unjudged ones 0; a repeated qid keeps its
 * first place and its last answers. */
static void test_answer_mrr(void **state)
{
    static const char *const q1[] = {"nothing here", "The Denver BRONCOS won", "broncos"};
    static const char *const q2[] = {"Super Bowl 50 was in Santa Clara"};
    static const char *const q3[] = {"a", "b", "c", "the answer"};
    struct eval_answers *a = answers_of(
        "{\"qid\": \"q1\", \"answers\": [\"Denver Broncos\", \"Broncos\"]}\n"
        "\n"
        "{\"qid\": 7, \"answers\": [\"Santa Clara\"]}\n"
        "{\"qid\": \"q3\", \"answers\": [\"ANSWER\"]}\n"
        "{\"qid\": \"unrun\", \"answers\": [\"x\"]}\n"
        "{\"qid\": \"q3\", \"answers\": [\"the\"]}\n");
    double mrr, top1;

    (void)state;
    assert_int_equal(eval_answers_count(a), 4);
    judge(a, "q1", q1, 3, 10);
    judge(a, "7", q2, 1, 10);
    judge(a, "q3", q3, 4, 3);   /* "the answer" is at rank 4, beyond the depth */
    judge(a, "nobody", q2, 1, 10); /* not a question: ignored */
    assert_string_equal(eval_answers_qid(a, 0), "q1");
    assert_near(eval_answers_rr(a, 0), 0.5);
    assert_string_equal(eval_answers_qid(a, 1), "7");
    assert_near(eval_answers_rr(a, 1), 1.0);
    assert_string_equal(eval_answers_qid(a, 2), "q3");
    assert_near(eval_answers_rr(a, 2), 0.0);
    assert_string_equal(eval_answers_qid(a, 3), "unrun");
    judge(a, "q3", q3, 4, 10);  /* the last answers ("the") count: rank 4 */
    assert_near(eval_answers_rr(a, 2), 0.25);
    eval_answers_mean(a, &mrr, &top1);
    assert_near(mrr, (0.5 + 1.0 + 0.25 + 0.0) / 4);
    assert_near(top1, 1.0 / 4);
    eval_answers_free(a);
}

static void test_answers_refuses_bad_lines(void **state)
{
    char *path = temp_file("{\"qid\": \"a\", \"answers\": [\"x\"]}\n{\"qid\": \"b\"}\n");
    struct eval_answers *a = NULL;
    struct trawl_error err;

    (void)state;
    assert_int_equal(eval_answers_read(path, &a, &err), TRAWL_EINPUT);
    assert_null(a);
    assert_non_null(strstr(err.msg, ":2: expected"));
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_leaves_out_queries_without_relevant_documents,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_average_precision_orders_ties_by_docid_descending,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ndcg_uses_graded_gains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precision_reciprocal_rank_and_recall, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unanswered_query_scores_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_means_are_over_evaluated_queries, setup, teardown),
        cmocka_unit_test(test_refuses_duplicates),
        cmocka_unit_test(test_lower_is_pythons),
        cmocka_unit_test(test_answer_mrr),
        cmocka_unit_test(test_answers_refuses_bad_lines),
    };
    return cmocka_run_group_tests_name("measures", tests, NULL, NULL);
}
