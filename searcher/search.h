/* search: one search session shared by the one-shot command line, the interactive prompt and
 * batch mode: they all call session_query(), which parses, runs and prints. */
#ifndef TRAWL_SEARCHER_SEARCH_H
#define TRAWL_SEARCHER_SEARCH_H

#include <stdio.h>

#include "common/trawl.h"

enum out_format { FMT_HUMAN, FMT_JSON, FMT_TREC };

struct session_opts {
    const char *db;
    struct trawl_search_opts so; /* --all is so.all_words */
    enum out_format format;
    const char *trec_tag;
    int trec_passages;      /* TREC docids are passage ids (article#n), not article ids */
    int color;              /* ANSI colours on stdout */
    int explain;
    unsigned context;       /* -C N: neighbouring passages shown */
    int no_scores;          /* deterministic output for tests */
    int allow_partial;      /* search the shards that are up */
    size_t width;           /* snippet window in bytes (0: whole passage) */
    FILE *timings;          /* --timings: "qid<TAB>ms" per query (NULL: none); not owned */
};

struct session {
    struct session_opts o;
    trawl_index *ix;
    FILE *out;
    /* The last query, for the prompt's :more, :show and :explain: its text, options (what
     * ran, offset included), and the page of results it showed. */
    char *last_query;
    struct trawl_search_opts last_so;
    trawl_results *last;
    unsigned last_offset;
    /* The last query rewritten with its spelling suggestions, when it had some, whether or
     * not it found something (owned; else NULL): what the prompt's :y runs. */
    char *suggested;
    int interactive; /* the prompt: "did you mean" offers :y rather than a command line */
    size_t lineno;   /* a batch's query: its 1-based line, named in query errors; else 0 */
};

int session_open(struct session *s, const struct session_opts *o, FILE *out,
                 struct trawl_error *err);
void session_close(struct session *s);

/* Runs one query and prints its results to s->out in the session's format. qid names the
 * query in JSON and TREC output (NULL: "1"). Returns 0 when something matched (a page past
 * the end too: it says "no more results (N matching articles)"), 1 when nothing did, 2 on
 * error (message printed to stderr, with the column of a syntax error) or when the search
 * was cancelled. */
int session_query(struct session *s, const char *qid, const char *query, unsigned offset);

/* Prints the whole article of result rank (1-based) of the last query, the passage marked
 * and the query's words highlighted. Any rank: one off the last page runs the query again
 * for it. Reports "no query yet" before any query. */
int session_show(struct session *s, unsigned rank);
/* Prints the --explain breakdown of result rank of the last query (any rank, as above). */
int session_explain(struct session *s, unsigned rank);
/* The name of a result order as --sort and JSON spell it: "score", "date", "-date". */
const char *session_sort_name(enum trawl_sort sort);
/* The order named name (as above) into *out; -1 for any other name. */
int session_parse_sort(const char *name, enum trawl_sort *out);
/* Prints index statistics. */
int session_stats(struct session *s);

/* One line of a query file, as --batch and --queries read them: "qid<TAB>query", or just the
 * query, named by its 1-based line number lineno. Strips the line end and splits at the first
 * tab in place, then points *qid (at qidbuf when the line names none) and *query into line.
 * Returns 0 for a blank line or a "#" comment, to be skipped, else 1. */
int search_query_line(char *line, size_t len, size_t lineno, char qidbuf[32], const char **qid,
                      const char **query);

/* A count: decimal digits only (strtoul alone would take a sign and leading white space),
 * from min to max: 0 with *out set, or -1 (s NULL too). The one rule for every count of the
 * command line and the prompt: callers that refuse 0 pass min 1 and say so in their message. */
int search_parse_count(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* Prints "PROG: message" to stderr. */
void search_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
