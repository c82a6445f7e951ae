/* trawl-search: ranks passages of a trawl index for a query; one-shot, interactive prompt,
 * or batch (one query per line). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/trawl.h"
#include "searcher/check.h"
#include "searcher/eval.h"
#include "searcher/pager.h"
#include "searcher/prompt.h"
#include "searcher/search.h"

#define PROG "trawl-search"

static const char usage_text[] =
    "Usage: trawl-search [OPTION]... [--] [QUERY]...\n"
    "Rank the passages of a trawl index for QUERY (the rest of the command line, joined\n"
    "with spaces). Without a query: an interactive prompt on a terminal, otherwise one query\n"
    "per line from standard input (\"qid<TAB>query\" or just the query).\n"
    "\n"
    "  -d, --db DIR             the index (default: $TRAWL_DB, else ./trawl.db)\n"
    "  -n, --limit N            results per page (default: 10)\n"
    "      --offset K           skip the first K results\n"
    "  -a, --all                all words must match (default: any word; more rank higher)\n"
    "      --sort ORDER         score (default), date (newest first) or -date (oldest\n"
    "                           first); score within a date, undated articles last\n"
    "      --k1 X               BM25 k1 (default: 2.5; with --all-passages 1.2)\n"
    "      --b X                BM25 b (default: 0.75)\n"
    "      --passages-per-article N\n"
    "                           show up to N passages of each article (default: 1)\n"
    "      --all-passages       show every matching passage, ranked as an answer (its\n"
    "                           own score, and its article's at 0.3)\n"
    "      --duplicates         show near-duplicates too (default: one per group)\n"
    "      --expand             query expansion from the best passages' words (off)\n"
    "  -C, --context N          show N neighbouring passages around each hit\n"
    "      --width N            trim passages to about N bytes around the best window\n"
    "                           (default: 480; 0: whole passages)\n"
    "      --color WHEN         highlight with colour: auto, always, never (default: auto)\n"
    "      --json               one JSON object per hit and a summary object per query\n"
    "      --trec TAG           TREC run format: qid Q0 docid rank score TAG\n"
    "      --trec-passages      TREC docids are passages (article#n), not articles\n"
    "      --explain            show each query term's BM25 contribution\n"
    "      --no-scores          leave scores and timings out (stable output for tests)\n"
    "      --no-pager           do not page long output through $PAGER (else less -R)\n"
    "      --batch FILE         run the queries in FILE, one per line (\"-\": stdin)\n"
    "      --timings FILE       write \"qid<TAB>milliseconds\" to FILE for each query\n"
    "      --stats              print statistics about the index and exit\n"
    "      --check FILE         run the relevance checks in FILE (see the README)\n"
    "      --eval QRELS         score --queries (or --run) against TREC qrels: MAP, nDCG@10,\n"
    "                           P@10, MRR@10, R@100, R@1000 as trec_eval computes them\n"
    "      --queries FILE       topics \"qid<TAB>text\", run as plain words (-n: depth,\n"
    "                           default 1000); without --eval, print their TREC run, or\n"
    "                           with --json their hits as --batch prints them (-n: default\n"
    "                           10); --all-passages ranks passages (docids article#n)\n"
    "      --eval-answers FILE  judge the passages of --queries by their text: answer-MRR@10\n"
    "                           and top-1 as answer_mrr.py computes them (FILE: JSON Lines\n"
    "                           {\"qid\", \"answers\"}; -n: depth, default 10; passages ranked\n"
    "                           as passages unless --docids article)\n"
    "      --run FILE           score this TREC run instead of searching\n"
    "      --docids WHAT        article (passages collapsed by the best) or passage ids\n"
    "  -q                       with --eval or --eval-answers: per-query values too\n"
    "      --compare RUN_A RUN_B\n"
    "                           with --eval: per-query deltas, wins/ties/losses of B over A\n"
    "      --sweep SPEC         with --eval and --queries: score a grid of BM25 parameters,\n"
    "                           e.g. k1=0.6:1.6:0.1,b=0.3:0.9:0.05 (delta=...: BM25+)\n"
    "      --artrank SPEC       article ranking: depth=N (0: off), alpha=X, k1=X, b=X,\n"
    "                           df=exact|walk|passage, palpha=X (--all-passages: the\n"
    "                           passage's weight), e.g. depth=30,alpha=0.3 (README\n"
    "                           \"Ranking\")\n"
    "      --allow-partial      search the shards that are up when some are down (warns)\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show version information and exit\n"
    "\n"
    "Query syntax: words (any may match), \"exact phrase\", +required, -excluded,\n"
    "AND OR NOT ( ), prefix*, date:2018-03-26 date:2018 date:2018-03..2019-01,\n"
    "article:ID, source:NAME source:\"Example Times\". See the README for details.\n"
    "\n"
    "Exit status: 0 something matched, 1 nothing matched, 2 error.\n";

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* --artrank SPEC: "key=value" items separated by commas, over the defaults (README
 * "Ranking"). Warns and returns -1 on a bad item. */
static int parse_artrank(const char *spec, struct trawl_search_opts *so)
{
    char *copy = strdup(spec), *save = NULL;
    int rc = 0;

    if (copy == NULL) {
        search_warn("out of memory");
        return -1;
    }
    for (char *item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
         item = strtok_r(NULL, ",", &save)) {
        char *val = strchr(item, '=');
        unsigned long u;
        double d;
        if (val == NULL) {
            rc = -1;
            break;
        }
        *val++ = '\0';
        if (strcmp(item, "depth") == 0 && search_parse_count(val, 0, 1000000, &u) == 0)
            so->article_depth = (unsigned)u;
        else if (strcmp(item, "alpha") == 0 && parse_double(val, 0, 1, &d) == 0)
            so->article_alpha = d;
        else if (strcmp(item, "palpha") == 0 && parse_double(val, 0, 1, &d) == 0)
            so->passage_alpha = d;
        else if (strcmp(item, "k1") == 0 && parse_double(val, 0, 100, &d) == 0)
            so->article_k1 = d;
        else if (strcmp(item, "b") == 0 && parse_double(val, 0, 1, &d) == 0)
            so->article_b = d;
        else if (strcmp(item, "df") == 0 && strcmp(val, "exact") == 0)
            so->article_df = TRAWL_DF_EXACT;
        else if (strcmp(item, "df") == 0 && strcmp(val, "passage") == 0)
            so->article_df = TRAWL_DF_PASSAGE;
        else if (strcmp(item, "df") == 0 && strcmp(val, "walk") == 0)
            so->article_df = TRAWL_DF_WALK;
        else
            rc = -1;
    }
    free(copy);
    if (rc != 0)
        search_warn("invalid --artrank '%s': expected depth=N, alpha=0..1, palpha=0..1, "
                    "k1=0..100, b=0..1 or df=exact|walk|passage, separated by commas", spec);
    return rc;
}

static void version(void)
{
    printf("trawl-search %s\n", trawl_version());
    printf("%s\n", trawl_library_versions());
}

/* The words joined with single spaces (owned: free()); NULL on OOM. */
static char *join_args(int n, char **words)
{
    size_t len = 1;
    char *q, *at;

    for (int i = 0; i < n; i++)
        len += strlen(words[i]) + 1;
    if ((q = malloc(len)) == NULL)
        return NULL;
    at = q;
    for (int i = 0; i < n; i++) {
        size_t w = strlen(words[i]);
        if (i > 0)
            *at++ = ' ';
        memcpy(at, words[i], w);
        at += w;
    }
    *at = '\0';
    return q;
}

/* ---- Batch mode ------------------------------------------------------------------------ */

static int run_batch(struct session *s, FILE *in)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int any = 0, errors = 0;

    while ((n = getline(&line, &cap, in)) != -1) {
        char qidbuf[32];
        const char *qid, *q;
        int rc;
        if (!search_query_line(line, (size_t)n, ++lineno, qidbuf, &qid, &q))
            continue;
        if (s->o.format == FMT_HUMAN)
            fprintf(s->out, "== %s: %s\n", qid, q);
        s->lineno = lineno; /* query errors name the line */
        rc = session_query(s, qid, q, s->o.so.offset);
        s->lineno = 0;
        if (rc == 0)
            any = 1;
        else if (rc == 2)
            errors++;
        if (s->o.format == FMT_HUMAN)
            fputc('\n', s->out);
    }
    free(line);
    if (ferror(in)) {
        search_warn("cannot read queries: %s", strerror(errno));
        return 2;
    }
    return errors ? 2 : any ? 0 : 1;
}

/* --queries FILE --json: the topics' hits as --batch --json prints them. Topics are plain
 * words, as the evaluator runs them. */
static int run_topics(struct session *s, const char *path)
{
    FILE *in = fopen(path, "r");
    int rc;

    if (in == NULL) {
        search_warn("cannot open '%s': %s", path, strerror(errno));
        return 2;
    }
    s->o.so.plain = 1;
    s->o.so.all_words = 0;
    s->o.so.duplicates = 1; /* as the evaluator runs topics: every document its own hit */
    rc = run_batch(s, in);
    fclose(in);
    return rc;
}

/* ---- Options --------------------------------------------------------------------------- */

enum { O_OFFSET = 256, O_K1, O_B, O_PPA, O_ALLP, O_WIDTH, O_COLOR, O_JSON, O_TREC, O_TRECP,
       O_EXPLAIN, O_NOSCORES, O_BATCH, O_STATS, O_TIMINGS, O_CHECK, O_EVAL, O_QUERIES, O_RUN,
       O_DOCIDS, O_COMPARE, O_SWEEP, O_PARTIAL, O_SORT, O_NOPAGER, O_ANSWERS, O_ARTRANK,
       O_DUPS, O_EXPAND };

static const struct option longs[] = {
    {"db", required_argument, NULL, 'd'},
    {"limit", required_argument, NULL, 'n'},
    {"offset", required_argument, NULL, O_OFFSET},
    {"all", no_argument, NULL, 'a'},
    {"k1", required_argument, NULL, O_K1},
    {"b", required_argument, NULL, O_B},
    {"passages-per-article", required_argument, NULL, O_PPA},
    {"all-passages", no_argument, NULL, O_ALLP},
    {"duplicates", no_argument, NULL, O_DUPS},
    {"expand", no_argument, NULL, O_EXPAND},
    {"context", required_argument, NULL, 'C'},
    {"width", required_argument, NULL, O_WIDTH},
    {"color", required_argument, NULL, O_COLOR},
    {"colour", required_argument, NULL, O_COLOR},
    {"json", no_argument, NULL, O_JSON},
    {"trec", required_argument, NULL, O_TREC},
    {"trec-passages", no_argument, NULL, O_TRECP},
    {"explain", no_argument, NULL, O_EXPLAIN},
    {"no-scores", no_argument, NULL, O_NOSCORES},
    {"batch", required_argument, NULL, O_BATCH},
    {"stats", no_argument, NULL, O_STATS},
    {"check", required_argument, NULL, O_CHECK},
    {"eval", required_argument, NULL, O_EVAL},
    {"queries", required_argument, NULL, O_QUERIES},
    {"eval-answers", required_argument, NULL, O_ANSWERS},
    {"run", required_argument, NULL, O_RUN},
    {"docids", required_argument, NULL, O_DOCIDS},
    {"compare", required_argument, NULL, O_COMPARE},
    {"sweep", required_argument, NULL, O_SWEEP},
    {"artrank", required_argument, NULL, O_ARTRANK},
    {"allow-partial", no_argument, NULL, O_PARTIAL},
    {"sort", required_argument, NULL, O_SORT},
    {"no-pager", no_argument, NULL, O_NOPAGER},
    {"timings", required_argument, NULL, O_TIMINGS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* What the command line asks for. */
struct cli {
    struct session_opts o;
    struct eval_opts eo;
    const char *color, *batch, *timings, *check;
    int stats, limit_set, no_pager;
    int docids_set;   /* --docids given: answers rank what it says */
    int queries_json; /* --queries --json without scoring: print the topics' hits */
};

/* --NAME's count from arg, min to max: 0, or 2 with the message printed. unit names what is
 * counted in the message ("" for plain numbers). */
static int count_arg(const char *name, const char *arg, unsigned long min, unsigned long max,
                     const char *unit, unsigned long *out)
{
    if (search_parse_count(arg, min, max, out) == 0)
        return 0;
    search_warn("invalid --%s '%s': expected a number%s from %lu to %lu", name, arg, unit, min,
                max);
    return 2;
}

static int real_arg(const char *name, const char *arg, double lo, double hi, double *out)
{
    if (parse_double(arg, lo, hi, out) == 0)
        return 0;
    search_warn("invalid --%s '%s': expected a number from %g to %g", name, arg, lo, hi);
    return 2;
}

/* Sets the option c (arg: its argument) in a. Returns 0, 2 for a bad value (message printed),
 * or -1 when c is no option of searching or showing results. */
static int search_option(struct cli *a, int c, const char *arg)
{
    unsigned long v;
    int rc = 0;

    switch (c) {
    case 'd': a->o.db = arg; break;
    case 'n':
        if ((rc = count_arg("limit", arg, 1, 10000, "", &v)) == 0)
            a->o.so.count = (unsigned)v;
        a->limit_set = 1;
        break;
    case O_OFFSET:
        if ((rc = count_arg("offset", arg, 0, 1000000, "", &v)) == 0)
            a->o.so.offset = (unsigned)v;
        break;
    case 'a': a->o.so.all_words = 1; break;
    case O_K1:
        if ((rc = real_arg("k1", arg, 0, 100, &a->o.so.k1)) == 0)
            a->o.so.passage_k1 = a->o.so.k1; /* given: every view */
        break;
    case O_B:
        if ((rc = real_arg("b", arg, 0, 1, &a->o.so.b)) == 0)
            a->o.so.passage_b = a->o.so.b;
        break;
    case O_PPA:
        if ((rc = count_arg("passages-per-article", arg, 1, 10000, "", &v)) == 0)
            a->o.so.per_article = (unsigned)v;
        break;
    case O_ALLP: a->o.so.per_article = 0; break;
    case O_DUPS: a->o.so.duplicates = 1; break;
    case O_EXPAND: a->o.so.expand = 1; break;
    case 'C':
        if ((rc = count_arg("context", arg, 0, 100, "", &v)) == 0)
            a->o.context = (unsigned)v;
        break;
    case O_WIDTH:
        if ((rc = count_arg("width", arg, 0, 1u << 20, " of bytes", &v)) == 0)
            a->o.width = v;
        break;
    case O_COLOR:
        if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never")) {
            search_warn("invalid --color '%s': expected auto, always or never", arg);
            return 2;
        }
        a->color = arg;
        break;
    case O_JSON: a->o.format = FMT_JSON; break;
    case O_TREC:
        a->o.format = FMT_TREC;
        a->o.trec_tag = arg;
        break;
    case O_TRECP: a->o.trec_passages = 1; break;
    case O_EXPLAIN: a->o.explain = 1; break;
    case O_NOSCORES: a->o.no_scores = 1; break;
    case O_PARTIAL: a->o.allow_partial = 1; break;
    case O_SORT:
        if (session_parse_sort(arg, &a->o.so.sort) != 0) {
            search_warn("invalid --sort '%s': expected score, date or -date", arg);
            return 2;
        }
        break;
    case O_ARTRANK: return parse_artrank(arg, &a->o.so) != 0 ? 2 : 0;
    default: return -1;
    }
    return rc;
}

/* How many long options start with the len bytes of name ("--co": --color, --compare and
 * --context): getopt takes an unambiguous prefix, and calls an ambiguous one unknown. */
static int long_matches(const char *name, size_t len)
{
    int n = 0;

    for (const struct option *o = longs; o->name != NULL; o++)
        n += strncmp(o->name, name, len) == 0;
    return n;
}

/* getopt's complaint in trawl-index's words (getopt's own starts with argv[0], a full path).
 * word is the command-line word getopt was reading; c is ':' for a missing value, else '?'.
 * Returns the exit status, 2. */
static int bad_option(int c, const char *word)
{
    /* A long option is the word up to any '=' (optopt is its value when it took one it does
     * not want, 0 when unknown); a short one may sit in a cluster ("-ax"): optopt is the
     * letter. */
    int is_long = strncmp(word, "--", 2) == 0;
    char letter[3] = {'-', (char)optopt, '\0'};
    const char *name = is_long ? word : letter;
    int len = is_long ? (int)strcspn(word, "=") : 2;

    if (c == ':')
        search_warn("option '%.*s' needs a value", len, name);
    else if (is_long && optopt != 0)
        search_warn("option '%.*s' takes no value", len, name);
    else if (is_long && long_matches(name + 2, (size_t)len - 2) > 1)
        search_warn("option '%.*s' is ambiguous", len, name);
    else
        search_warn("unknown option '%.*s'", len, name);
    fprintf(stderr, "Try '" PROG " --help' for more information.\n");
    return 2;
}

/* Parses the options into a (defaults set by the caller); optind is then the first word of
 * the query. Returns -1 to go on, or the exit status: 0 after --help or --version, 2 for a
 * bad option (message printed). */
static int parse_args(int argc, char **argv, struct cli *a)
{
    int c, rc, word = optind;

    /* Our own messages (bad_option): '+' stops at the query's first word, ':' tells a
     * missing value from an unknown option. Options are never permuted, so the word getopt
     * is reading is the one optind pointed at before the call (optind moves past a word
     * only once its last letter is read). */
    opterr = 0;
    for (; (c = getopt_long(argc, argv, "+:d:n:aC:qhV", longs, NULL)) != -1; word = optind) {
        if (c == '?' || c == ':')
            return bad_option(c, argv[word]);
        if ((rc = search_option(a, c, optarg)) >= 0) {
            if (rc != 0)
                return rc;
            continue;
        }
        switch (c) {
        case O_BATCH: a->batch = optarg; break;
        case O_STATS: a->stats = 1; break;
        case O_CHECK: a->check = optarg; break;
        case O_TIMINGS: a->timings = optarg; break;
        case O_EVAL: a->eo.qrels = optarg; break;
        case O_QUERIES: a->eo.queries = optarg; break;
        case O_ANSWERS: a->eo.answers = optarg; break;
        case O_RUN: a->eo.run = optarg; break;
        case 'q': a->eo.per_query = 1; break;
        case O_DOCIDS:
            if (strcmp(optarg, "article") && strcmp(optarg, "passage")) {
                search_warn("invalid --docids '%s': expected article or passage", optarg);
                return 2;
            }
            a->eo.passages = optarg[0] == 'p';
            a->docids_set = 1;
            break;
        case O_COMPARE:
            /* Two operands: the option's argument and the next word. */
            if (optind >= argc) {
                search_warn("--compare needs two run files");
                return 2;
            }
            a->eo.compare[0] = optarg;
            a->eo.compare[1] = argv[optind++];
            break;
        case O_SWEEP: a->eo.sweep = optarg; break;
        case O_NOPAGER: a->no_pager = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': version(); return 0;
        default: return bad_option('?', argv[word]);
        }
    }
    return -1;
}

/* The evaluator's options agree with each other: 0, or 2 with the message printed. Completes
 * a->eo from the search options. */
static int eval_checks(struct cli *a)
{
    struct eval_opts *eo = &a->eo;

    if ((eo->compare[0] || eo->sweep || eo->run) && eo->qrels == NULL) {
        search_warn("--compare, --sweep and --run need --eval QRELS");
        return 2;
    }
    if (eo->answers && (eo->queries == NULL || eo->qrels || eo->run || eo->compare[0] ||
                        eo->sweep)) {
        search_warn("--eval-answers needs --queries FILE, and no --eval, --run, --compare or "
                    "--sweep");
        return 2;
    }
    if ((eo->sweep || eo->qrels) && !eo->run && !eo->compare[0] && !eo->queries) {
        search_warn("--eval needs --queries FILE, --run FILE or --compare RUN_A RUN_B");
        return 2;
    }
    if (eo->sweep && eo->queries == NULL) {
        search_warn("--sweep needs --queries FILE");
        return 2;
    }
    /* --queries --json: the topics' hits, printed as --batch --json prints them. */
    a->queries_json = eo->queries && a->o.format == FMT_JSON && !eo->qrels && !eo->answers;
    eo->json = a->o.format == FMT_JSON;
    /* Every matching passage ranked: passage docids. Answers judge passages, so they rank
     * passages too unless told otherwise. */
    eo->passages = eo->passages || a->o.trec_passages || a->o.so.per_article == 0 ||
                   (eo->answers && !a->docids_set);
    eo->depth = a->limit_set ? a->o.so.count : eo->answers ? 10 : 1000;
    eo->tag = a->o.trec_tag;
    return 0;
}

static int wants_eval(const struct eval_opts *eo)
{
    return eo->qrels || eo->queries || eo->answers || eo->run || eo->compare[0] || eo->sweep;
}

/* ---- Main ------------------------------------------------------------------------------ */

/* Runs what the command line asks of the open session: the exit status. Statistics, checks
 * and evaluation come first; then queries from --batch, from the command line, from the
 * prompt on a terminal, else from standard input. */
static int run_mode(struct session *s, const struct cli *a, int argc, char **argv)
{
    struct pager pg;
    int rc;

    if (a->stats)
        return session_stats(s);
    if (a->check != NULL)
        return check_main(s, a->check);
    if (a->queries_json)
        return run_topics(s, a->eo.queries);
    if (a->eo.queries != NULL)
        return eval_main(s->ix, &a->o.so, &a->eo, stdout);
    if (a->batch != NULL) {
        FILE *in = strcmp(a->batch, "-") == 0 ? stdin : fopen(a->batch, "r");
        if (in == NULL) {
            search_warn("cannot open '%s': %s", a->batch, strerror(errno));
            return 2;
        }
        rc = run_batch(s, in);
        if (in != stdin)
            fclose(in);
        return rc;
    }
    if (optind < argc) {
        /* The query is the rest of the command line, joined with spaces. */
        char *q = join_args(argc - optind, argv + optind);
        if (q == NULL) {
            search_warn("out of memory");
            return 2;
        }
        /* On a terminal, long output is wrapped and paged (pager.h). */
        pager_init(&pg, a->o.format == FMT_HUMAN, a->no_pager);
        s->out = pager_begin(&pg);
        rc = session_query(s, NULL, q, a->o.so.offset);
        pager_end(&pg);
        s->out = stdout;
        free(q);
        return rc;
    }
    return isatty(0) ? prompt_run(s, a->no_pager) : run_batch(s, stdin);
}

int main(int argc, char **argv)
{
    struct cli a;
    struct session s;
    struct trawl_error err;
    int rc;

    memset(&a, 0, sizeof a);
    a.o.db = getenv("TRAWL_DB") && *getenv("TRAWL_DB") ? getenv("TRAWL_DB") : TRAWL_DEFAULT_PATH;
    trawl_search_opts_init(&a.o.so);
    a.o.width = TRAWL_SNIPPET_WIDTH;
    a.o.format = FMT_HUMAN;
    a.color = "auto";
    if ((rc = parse_args(argc, argv, &a)) >= 0)
        return rc;
    if (strcmp(a.color, "always") == 0)
        a.o.color = 1;
    else if (strcmp(a.color, "auto") == 0)
        a.o.color = isatty(1) && getenv("NO_COLOR") == NULL;

    /* Opened before the index, so a bad path fails fast; written afresh each run. */
    if (a.timings != NULL && (a.o.timings = fopen(a.timings, "w")) == NULL) {
        search_warn("cannot open '%s': %s", a.timings, strerror(errno));
        return 2;
    }
    /* The evaluator: topics, runs and qrels rather than one query. Scoring run files needs
     * no index. */
    if (wants_eval(&a.eo) &&
        ((rc = eval_checks(&a)) != 0 || (!eval_needs_index(&a.eo) && !a.eo.sweep))) {
        if (rc == 0)
            rc = eval_main(NULL, &a.o.so, &a.eo, stdout);
        if (a.o.timings != NULL)
            fclose(a.o.timings);
        return rc;
    }
    if (session_open(&s, &a.o, stdout, &err) != TRAWL_OK) {
        search_warn("%s", err.msg);
        if (a.o.timings != NULL)
            fclose(a.o.timings);
        return 2;
    }
    rc = run_mode(&s, &a, argc, argv);
    session_close(&s);
    if (a.o.timings != NULL && fclose(a.o.timings) != 0) {
        search_warn("cannot write '%s': %s", a.timings, strerror(errno));
        rc = 2;
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = 2;
    return rc;
}
