/* trawl-search: ranks passages of a trawl index for a query; one-shot, interactive prompt,
 * or batch (one query per line). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "common/trawl.h"
#include "searcher/check.h"
#include "searcher/eval.h"
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
    "      --k1 X               BM25 k1 (default: 2.5)\n"
    "      --b X                BM25 b (default: 0.75)\n"
    "      --passages-per-article N\n"
    "                           show up to N passages of each article (default: 1)\n"
    "      --all-passages       show every matching passage\n"
    "  -C, --context N          show N neighbouring passages around each hit\n"
    "      --width N            trim passages to about N bytes around the best window\n"
    "                           (default: 480; 0: whole passages)\n"
    "      --color WHEN         highlight with colour: auto, always, never (default: auto)\n"
    "      --json               one JSON object per hit and a summary object per query\n"
    "      --trec TAG           TREC run format: qid Q0 docid rank score TAG\n"
    "      --trec-passages      TREC docids are passages (article#n), not articles\n"
    "      --explain            show each query term's BM25 contribution\n"
    "      --no-scores          leave scores and timings out (stable output for tests)\n"
    "      --batch FILE         run the queries in FILE, one per line (\"-\": stdin)\n"
    "      --timings FILE       write \"qid<TAB>milliseconds\" to FILE for each query\n"
    "      --stats              print statistics about the index and exit\n"
    "      --check FILE         run the relevance checks in FILE (see the README)\n"
    "      --eval QRELS         score --queries (or --run) against TREC qrels: MAP, nDCG@10,\n"
    "                           P@10, MRR@10, R@100, R@1000 as trec_eval computes them\n"
    "      --queries FILE       topics \"qid<TAB>text\", run as plain words (-n: depth,\n"
    "                           default 1000); without --eval, print their TREC run\n"
    "      --run FILE           score this TREC run instead of searching\n"
    "      --docids WHAT        article (passages collapsed by the best) or passage ids\n"
    "  -q                       with --eval: per-query values too\n"
    "      --compare RUN_A RUN_B\n"
    "                           with --eval: per-query deltas, wins/ties/losses of B over A\n"
    "      --sweep SPEC         with --eval and --queries: score a grid of BM25 parameters,\n"
    "                           e.g. k1=0.6:1.6:0.1,b=0.3:0.9:0.05 (delta=...: BM25+)\n"
    "      --artrank SPEC       article ranking: depth=N (0: off), alpha=X, k1=X, b=X,\n"
    "                           df=exact|passage, e.g. depth=30,alpha=0.3 (README \"Ranking\")\n"
    "      --allow-partial      search the shards that are up when some are down (warns)\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show version information and exit\n"
    "\n"
    "Query syntax: words (any may match), \"exact phrase\", +required, -excluded,\n"
    "AND OR NOT ( ), prefix*, date:2018-03-26 date:2018 date:2018-03..2019-01,\n"
    "article:ID. See the README for details.\n"
    "\n"
    "Exit status: 0 something matched, 1 nothing matched, 2 error.\n";

/* A count: decimal digits only (strtoul alone would take a sign and leading white space),
 * from min to max. The one rule for every count: callers that refuse 0 pass min 1 and say
 * so in their message. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

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
        if (strcmp(item, "depth") == 0 && parse_uint(val, 0, 1000000, &u) == 0)
            so->article_depth = (unsigned)u;
        else if (strcmp(item, "alpha") == 0 && parse_double(val, 0, 1, &d) == 0)
            so->article_alpha = d;
        else if (strcmp(item, "k1") == 0 && parse_double(val, 0, 100, &d) == 0)
            so->article_k1 = d;
        else if (strcmp(item, "b") == 0 && parse_double(val, 0, 1, &d) == 0)
            so->article_b = d;
        else if (strcmp(item, "df") == 0 && strcmp(val, "exact") == 0)
            so->article_df = TRAWL_DF_EXACT;
        else if (strcmp(item, "df") == 0 && strcmp(val, "passage") == 0)
            so->article_df = TRAWL_DF_PASSAGE;
        else
            rc = -1;
    }
    free(copy);
    if (rc != 0)
        search_warn("invalid --artrank '%s': expected depth=N, alpha=0..1, k1=0..100, b=0..1 "
                    "or df=exact|passage, separated by commas", spec);
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
        char *tab;
        int rc;
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        tab = strchr(line, '\t');
        if (tab != NULL) {
            *tab = '\0';
            qid = line;
            q = tab + 1;
        } else {
            snprintf(qidbuf, sizeof qidbuf, "%zu", lineno);
            qid = qidbuf;
            q = line;
        }
        if (s->o.format == FMT_HUMAN)
            fprintf(s->out, "== %s: %s\n", qid, q);
        rc = session_query(s, qid, q, s->o.so.offset);
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

/* ---- Interactive prompt ---------------------------------------------------------------- */

static char *history_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char *dir = NULL, *path = NULL;

    if (state != NULL && state[0] == '/') {
        if (asprintf(&dir, "%s/trawl", state) < 0)
            return NULL;
    } else if (home != NULL && home[0] != '\0') {
        if (asprintf(&dir, "%s/.local/state/trawl", home) < 0)
            return NULL;
    } else {
        return NULL;
    }
    /* mkdir -p, quietly: no history is no reason to refuse to search. */
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    mkdir(dir, 0700);
    if (asprintf(&path, "%s/history", dir) < 0)
        path = NULL;
    free(dir);
    return path;
}

static const char prompt_help[] =
    "Type a query to search. Commands:\n"
    "  :help         this help\n"
    "  :n N          results per page\n"
    "  :more         the next page of the last query\n"
    "  :show R       the whole article of result R, its passage marked\n"
    "  :explain R    why result R scored what it did\n"
    "  :stats        index statistics\n"
    "  :quit         leave (Ctrl-D too)\n";

static int prompt_command(struct session *s, const char *cmd)
{
    unsigned long v;
    const char *arg = strchr(cmd, ' ');

    while (arg && *arg == ' ')
        arg++;
    if (strcmp(cmd, ":quit") == 0 || strcmp(cmd, ":q") == 0)
        return 1;
    if (strcmp(cmd, ":help") == 0 || strcmp(cmd, ":h") == 0 || strcmp(cmd, ":?") == 0) {
        fputs(prompt_help, stdout);
    } else if (strcmp(cmd, ":n") == 0) {
        printf("%u results per page\n", s->o.so.count);
    } else if (strncmp(cmd, ":n ", 3) == 0) {
        if (arg == NULL || parse_uint(arg, 1, 10000, &v) != 0)
            search_warn(":n needs a number from 1 to 10000");
        else
            s->o.so.count = (unsigned)v;
    } else if (strcmp(cmd, ":more") == 0 || strcmp(cmd, ":m") == 0) {
        if (s->last_query == NULL)
            search_warn("no query yet");
        else if (session_query(s, NULL, s->last_query, s->last_offset + s->o.so.count) == 1)
            printf("no more results\n");
    } else if (strncmp(cmd, ":show ", 6) == 0 || strncmp(cmd, ":explain ", 9) == 0) {
        if (arg == NULL || parse_uint(arg, 1, UINT_MAX, &v) != 0)
            search_warn("%s needs a result number (1 or more)",
                        cmd[1] == 's' ? ":show" : ":explain");
        else if (cmd[1] == 's')
            session_show(s, (unsigned)v);
        else
            session_explain(s, (unsigned)v);
    } else if (strcmp(cmd, ":stats") == 0) {
        session_stats(s);
    } else {
        search_warn("unknown command '%s' (try :help)", cmd);
    }
    return 0;
}

static int run_prompt(struct session *s)
{
    char *hist = history_path();
    char *line;

    /* readline appends only to an existing file: create it on the first run. */
    if (hist != NULL && read_history(hist) == ENOENT) {
        int fd = open(hist, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0)
            close(fd);
    }
    printf("trawl %s: searching %s. Type a query, :help for commands, Ctrl-D to leave.\n",
           trawl_version(), s->o.db);
    while ((line = readline("trawl> ")) != NULL) {
        char *q = line;
        size_t n;
        struct trawl_error err;
        while (*q == ' ' || *q == '\t')
            q++;
        n = strlen(q);
        while (n > 0 && (q[n - 1] == ' ' || q[n - 1] == '\t'))
            q[--n] = '\0';
        if (n == 0) {
            free(line);
            continue;
        }
        add_history(q);
        if (hist != NULL)
            append_history(1, hist);
        if (q[0] == ':') {
            int quit = prompt_command(s, q);
            free(line);
            if (quit)
                break;
            continue;
        }
        /* See what the indexer has committed since the last query. */
        if (trawl_reopen(s->ix, &err) != TRAWL_OK)
            search_warn("%s", err.msg);
        session_query(s, NULL, q, 0);
        free(line);
    }
    if (line == NULL)
        putchar('\n');
    if (hist != NULL)
        history_truncate_file(hist, 1000);
    free(hist);
    clear_history();
    return 0;
}

/* ---- Main ------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    enum { O_OFFSET = 256, O_K1, O_B, O_PPA, O_ALLP, O_WIDTH, O_COLOR, O_JSON, O_TREC,
           O_TRECP, O_EXPLAIN, O_NOSCORES, O_BATCH, O_STATS, O_TIMINGS, O_CHECK, O_EVAL,
           O_QUERIES, O_RUN, O_DOCIDS, O_COMPARE, O_SWEEP, O_ARTRANK,
           O_PARTIAL };
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, O_OFFSET},
        {"all", no_argument, NULL, 'a'},
        {"k1", required_argument, NULL, O_K1},
        {"b", required_argument, NULL, O_B},
        {"passages-per-article", required_argument, NULL, O_PPA},
        {"all-passages", no_argument, NULL, O_ALLP},
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
        {"run", required_argument, NULL, O_RUN},
        {"docids", required_argument, NULL, O_DOCIDS},
        {"compare", required_argument, NULL, O_COMPARE},
        {"sweep", required_argument, NULL, O_SWEEP},
        {"artrank", required_argument, NULL, O_ARTRANK},
        {"allow-partial", no_argument, NULL, O_PARTIAL},
        {"timings", required_argument, NULL, O_TIMINGS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct session_opts o;
    struct session s;
    struct trawl_error err;
    const char *color = "auto", *batch = NULL, *timings = NULL;
    int stats = 0, c, rc, limit_set = 0;
    const char *check = NULL;
    struct eval_opts eo;
    unsigned long v;
    double d;

    memset(&o, 0, sizeof o);
    o.db = getenv("TRAWL_DB") && *getenv("TRAWL_DB") ? getenv("TRAWL_DB") : TRAWL_DEFAULT_PATH;
    trawl_search_opts_init(&o.so);
    o.width = TRAWL_SNIPPET_WIDTH;
    o.format = FMT_HUMAN;
    memset(&eo, 0, sizeof eo);

    while ((c = getopt_long(argc, argv, "+d:n:aC:qhV", longs, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'n':
            if (parse_uint(optarg, 1, 10000, &v) != 0) {
                search_warn("invalid --limit '%s': expected a number from 1 to 10000", optarg);
                return 2;
            }
            o.so.count = (unsigned)v;
            limit_set = 1;
            break;
        case O_OFFSET:
            if (parse_uint(optarg, 0, 1000000, &v) != 0) {
                search_warn("invalid --offset '%s': expected a number from 0 to 1000000",
                            optarg);
                return 2;
            }
            o.so.offset = (unsigned)v;
            break;
        case 'a': o.so.all_words = 1; break;
        case O_K1:
            if (parse_double(optarg, 0, 100, &d) != 0) {
                search_warn("invalid --k1 '%s': expected a number from 0 to 100", optarg);
                return 2;
            }
            o.so.k1 = d;
            break;
        case O_B:
            if (parse_double(optarg, 0, 1, &d) != 0) {
                search_warn("invalid --b '%s': expected a number from 0 to 1", optarg);
                return 2;
            }
            o.so.b = d;
            break;
        case O_PPA:
            if (parse_uint(optarg, 1, 10000, &v) != 0) {
                search_warn("invalid --passages-per-article '%s': expected a number from 1 to "
                            "10000", optarg);
                return 2;
            }
            o.so.per_article = (unsigned)v;
            break;
        case O_ALLP: o.so.per_article = 0; break;
        case 'C':
            if (parse_uint(optarg, 0, 100, &v) != 0) {
                search_warn("invalid --context '%s': expected a number from 0 to 100", optarg);
                return 2;
            }
            o.context = (unsigned)v;
            break;
        case O_WIDTH:
            if (parse_uint(optarg, 0, 1u << 20, &v) != 0) {
                search_warn("invalid --width '%s': expected a number of bytes from 0 to %u",
                            optarg, 1u << 20);
                return 2;
            }
            o.width = v;
            break;
        case O_COLOR:
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
                search_warn("invalid --color '%s': expected auto, always or never", optarg);
                return 2;
            }
            color = optarg;
            break;
        case O_JSON: o.format = FMT_JSON; break;
        case O_TREC:
            o.format = FMT_TREC;
            o.trec_tag = optarg;
            break;
        case O_TRECP: o.trec_passages = 1; break;
        case O_EXPLAIN: o.explain = 1; break;
        case O_NOSCORES: o.no_scores = 1; break;
        case O_BATCH: batch = optarg; break;
        case O_STATS: stats = 1; break;
        case O_CHECK: check = optarg; break;
        case O_EVAL: eo.qrels = optarg; break;
        case O_QUERIES: eo.queries = optarg; break;
        case O_RUN: eo.run = optarg; break;
        case 'q': eo.per_query = 1; break;
        case O_DOCIDS:
            if (strcmp(optarg, "article") && strcmp(optarg, "passage")) {
                search_warn("invalid --docids '%s': expected article or passage", optarg);
                return 2;
            }
            eo.passages = optarg[0] == 'p';
            break;
        case O_COMPARE:
            /* Two operands: the option's argument and the next word. */
            if (optind >= argc) {
                search_warn("--compare needs two run files");
                return 2;
            }
            eo.compare[0] = optarg;
            eo.compare[1] = argv[optind++];
            break;
        case O_SWEEP: eo.sweep = optarg; break;
        case O_ARTRANK:
            if (parse_artrank(optarg, &o.so) != 0)
                return 2;
            break;
        case O_PARTIAL: o.allow_partial = 1; break;
        case O_TIMINGS: timings = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': version(); return 0;
        default:
            fprintf(stderr, "Try '" PROG " --help' for more information.\n");
            return 2;
        }
    }
    if (strcmp(color, "always") == 0)
        o.color = 1;
    else if (strcmp(color, "auto") == 0)
        o.color = isatty(1) && getenv("NO_COLOR") == NULL;

    /* Opened before the index, so a bad path fails fast; written afresh each run. */
    if (timings != NULL && (o.timings = fopen(timings, "w")) == NULL) {
        search_warn("cannot open '%s': %s", timings, strerror(errno));
        return 2;
    }
    if (eo.qrels || eo.queries || eo.run || eo.compare[0] || eo.sweep) {
        /* The evaluator: topics, runs and qrels rather than one query. */
        if ((eo.compare[0] || eo.sweep || eo.run) && eo.qrels == NULL) {
            search_warn("--compare, --sweep and --run need --eval QRELS");
            return 2;
        }
        if ((eo.sweep || eo.qrels) && !eo.run && !eo.compare[0] && !eo.queries) {
            search_warn("--eval needs --queries FILE, --run FILE or --compare RUN_A RUN_B");
            return 2;
        }
        if (eo.sweep && eo.queries == NULL) {
            search_warn("--sweep needs --queries FILE");
            return 2;
        }
        eo.json = o.format == FMT_JSON;
        eo.passages = eo.passages || o.trec_passages;
        eo.depth = limit_set ? o.so.count : 1000;
        eo.tag = o.trec_tag;
        if (!eval_needs_index(&eo) && !eo.sweep) {
            rc = eval_main(NULL, &o.so, &eo, stdout);
            if (o.timings != NULL)
                fclose(o.timings);
            return rc;
        }
    }
    if (session_open(&s, &o, stdout, &err) != TRAWL_OK) {
        search_warn("%s", err.msg);
        if (o.timings != NULL)
            fclose(o.timings);
        return 2;
    }
    if (stats) {
        rc = session_stats(&s);
    } else if (check != NULL) {
        rc = check_main(&s, check);
    } else if (eo.queries != NULL) {
        rc = eval_main(s.ix, &o.so, &eo, stdout);
    } else if (batch != NULL) {
        FILE *in = strcmp(batch, "-") == 0 ? stdin : fopen(batch, "r");
        if (in == NULL) {
            search_warn("cannot open '%s': %s", batch, strerror(errno));
            rc = 2;
        } else {
            rc = run_batch(&s, in);
            if (in != stdin)
                fclose(in);
        }
    } else if (optind < argc) {
        /* The query is the rest of the command line, joined with spaces. */
        char *q = join_args(argc - optind, argv + optind);
        if (q == NULL) {
            search_warn("out of memory");
            rc = 2;
        } else {
            rc = session_query(&s, NULL, q, o.so.offset);
            free(q);
        }
    } else if (isatty(0)) {
        rc = run_prompt(&s);
    } else {
        rc = run_batch(&s, stdin);
    }
    session_close(&s);
    if (o.timings != NULL && fclose(o.timings) != 0) {
        search_warn("cannot write '%s': %s", timings, strerror(errno));
        rc = 2;
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = 2;
    return rc;
}
