/* Fuzz target: arbitrary bytes as a query, parsed and run against a small index built once at
 * start-up, as trawl-search runs a query: query_parse(), query_describe(), index_search(),
 * then for the hits what the output needs (snippets, explanations, spelling suggestions).
 * A quarter of the inputs run with query expansion (--expand).
 * The default operator (--all or not) follows the input's length, so both are exercised.
 * Checks: a syntax error has a message and a column inside the query (+1 for "at the end");
 * a parsed query runs without error; hits are in the window asked for. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/analyze.h"
#include "common/article.h"
#include "common/index.h"
#include "common/query.h"
#include "common/sbuf.h"
#include "common/snippet.h"
#include "tests/fuzz/fuzz.h"

static char dir[64];
static struct index *ix;
static struct analyzer *an;

static const struct {
    const char *id, *date, *text;
} docs[] = {
    {"fb", "2018-03-26",
     "Modi asked each MP to get 300,000 likes on their Facebook page.\n\n"
     "The target was set on Friday at a dinner meeting of the party. The BJP's "
     "mandal-level workers were told to share the posts.\n\n"
     "Cambridge Analytica is a data firm in the news; U.S. regulators asked questions."},
    {"cricket", "2019-05-01",
     "The cricket team set a target of 300 runs.\n\nThe captain likes the pitch today, "
     "and the 3.5 run rate was \"not good enough\" said the coach."},
    {"weather", NULL, "Rain and wind are expected on Friday in the hills. Café owners worry."},
    {"tokyo", "2020-12-31",
     "東京の天気は晴れです。 Tokyo weather is clear; the Straße was empty. "
     "Ελληνικά κείμενα. \xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9 "
     "text and emoji \xF0\x9F\x98\x80 too."},
    {"long-id-article-with-a-name-that-goes-on", "1999-01-01",
     "Supercalifragilisticexpialidocious-antidisestablishmentarianism-"
     "floccinaucinihilipilification words are long. Face facts, facebook faces facial "
     "recognition."},
};

static void cleanup(void)
{
    char cmd[128];

    index_close(ix);
    analyzer_free(an);
    if (dir[0] != '\0') {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "fuzz: cannot remove %s\n", dir);
    }
}

static void build(const char *path)
{
    struct index_open_opts oo = {.mode = INDEX_WRITE};
    struct index *w;
    struct trawl_error err;

    if (index_open(path, &oo, &w, &err) != TRAWL_OK)
        fuzz_die("index_open", err.msg);
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        struct article a;
        struct trawl_record rec;
        struct passage_opts po;
        struct index_prep *p;

        article_init(&a);
        if (article_from_fields(&a, docs[i].id, docs[i].text, strlen(docs[i].text), NULL,
                                docs[i].date, NULL, NULL, &err) != TRAWL_OK)
            fuzz_die("article_from_fields", err.msg);
        memset(&rec, 0, sizeof rec);
        rec.source = "fuzz";
        rec.source_len = 4;
        passage_opts_init(&po);
        po.min_words = 4; /* several passages per article */
        if (index_prepare(an, &a, &po, 0, &rec, &p, &err) != TRAWL_OK ||
            index_put(w, p, 1, &err) != TRAWL_OK)
            fuzz_die("index_put", err.msg);
        index_prep_free(p);
        article_release(&a);
    }
    if (index_commit(w, &err) != TRAWL_OK)
        fuzz_die("index_commit", err.msg);
    index_close(w);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct index_open_opts oo = {.mode = INDEX_READ};
    const char *tmp = getenv("TMPDIR");
    char path[96];
    struct trawl_error err;

    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "%s/trawl-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        fuzz_die("mkdtemp", dir);
    atexit(cleanup);
    snprintf(path, sizeof path, "%s/db", dir);
    if (analyzer_new("english", &an, &err) != TRAWL_OK)
        fuzz_die("analyzer_new", err.msg);
    build(path);
    if (index_open(path, &oo, &ix, &err) != TRAWL_OK)
        fuzz_die("index_open", err.msg);
    return 0;
}

static void use_results(struct index_results *r, const struct trawl_search_opts *so)
{
    struct trawl_error err;
    struct sbuf sug;

    FUZZ_CHECK(r->n <= so->count);
    for (size_t i = 0; i < r->n; i++) {
        const struct trawl_passage *p = &r->hits[i].pub.passage;
        struct trawl_snippet sn;

        FUZZ_CHECK(snippet_make(an, p->text, p->text_len, &r->hl, TRAWL_SNIPPET_WIDTH, &sn, &err) ==
                   TRAWL_OK);
        FUZZ_CHECK(sn.start <= sn.end && sn.end <= p->text_len);
        for (size_t m = 0; m < sn.nmarks; m++)
            FUZZ_CHECK(sn.marks[m].start < sn.marks[m].end && sn.marks[m].end <= p->text_len);
        snippet_release(&sn);
    }
    if (r->n > 0) {
        struct trawl_explanation ex;
        FUZZ_CHECK(index_explain(ix, r, 0, &ex, &err) == TRAWL_OK);
        index_explanation_release(&ex);
    }
    sbuf_init(&sug);
    for (size_t i = 0; i < r->nunknown && i < 4; i++)
        FUZZ_CHECK(index_suggest(ix, r->unknown[i], strlen(r->unknown[i]), &sug, &err) == TRAWL_OK);
    sbuf_release(&sug);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct query_opts qo = {.default_and = (int)(size & 1)};
    struct trawl_search_opts so;
    struct qnode *q = NULL;
    struct index_results *r = NULL;
    struct trawl_error err;
    struct sbuf d;
    size_t col = 0;
    int rc;

    rc = query_parse((const char *)data, size, &qo, &q, &col, &err);
    if (rc != TRAWL_OK) {
        FUZZ_CHECK(rc == TRAWL_EINPUT);
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(col >= 1 && col <= (size > TRAWL_QUERY_MAX ? TRAWL_QUERY_MAX : size) + 1);
        FUZZ_CHECK(q == NULL);
        return 0;
    }
    FUZZ_CHECK(size <= TRAWL_QUERY_MAX);
    sbuf_init(&d);
    FUZZ_CHECK(query_describe(q, &d) == TRAWL_OK);
    sbuf_release(&d);

    search_opts_init(&so);
    so.count = 1 + (unsigned)(size % 7);
    so.per_article = (unsigned)(size % 3); /* 0: every passage */
    so.expand = (size / 3) % 4 == 0;       /* query expansion on a quarter of the inputs */
    rc = index_search(ix, q, &so, &r, &err);
    if (rc != TRAWL_OK && rc != TRAWL_EINPUT) {
        fprintf(stderr, "index_search: %d: %s\n", rc, err.msg);
        abort();
    }
    if (rc == TRAWL_OK)
        use_results(r, &so);
    index_results_free(r);
    query_free(q);
    return 0;
}
