/* query: trawl's query language, parsed into a tree. Pure syntax: no analysis, no index; the
 * words are kept as typed, and index_query.c analyses them with the same analyzer as the
 * indexer.
 * Depends on libc and err/sbuf only.
 *
 * Syntax (also in the README):
 *   word                 a plain word; several are combined with the default operator
 *                        (OR: every word counts, more matches rank higher; AND with --all)
 *   "some phrase"        the words in this order, unstemmed (a quoted single word is an
 *                        exact word)
 *   +word  +"phrase"     required
 *   -word  -"phrase"     excluded (the query must also have something positive)
 *   a AND b, a OR b, NOT b, a NOT b (= a AND NOT b), ( ... )
 *                        operators in capitals; precedence NOT > AND > OR; juxtaposition
 *                        inside parentheses uses the default operator
 *   face*                every word starting with "face" (at least QUERY_MIN_PREFIX chars)
 *   date:2018-03-26  date:2018-03  date:2018  date:2018-03..2019-01  date:..2018
 *   date:2018..          a date filter, inclusive, open ends allowed
 *   article:ID           only passages of that article
 *   source:NAME  source:"Example Times"
 *                        only articles of that source (JSON Lines "source"): the name's
 *                        words, case-insensitive, all of them and nothing else
 * Filters restrict without weighing; several filters of the same field are ORed, different
 * fields ANDed. A word that is not an operator and contains ':' with an unknown field name
 * is searched as plain text ("re:union" searches "re" "union"); field names are lower-case
 * only ("DATE:2018" is plain text).
 * Errors (TRAWL_EINPUT) are one line naming what is wrong, with the column of the offending
 * character in *col: 1 + the number of UTF-8 code points before it (not bytes, so a caret
 * printed under the query lines up on a terminal; double-width characters such as CJK still
 * count one), e.g. `unbalanced '"': the quote at column 7 is never closed`. */
#ifndef TRAWL_COMMON_QUERY_H
#define TRAWL_COMMON_QUERY_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

/* Queries longer than trawl.h's TRAWL_QUERY_MAX bytes are refused. */
#define QUERY_MAX_DEPTH 32    /* parenthesis nesting */
#define QUERY_MIN_PREFIX 2    /* characters before '*' */

enum qkind {
    QK_WORD,      /* text: the word as typed (may analyse into several tokens) */
    QK_PHRASE,    /* text: the quoted words as typed, without the quotes */
    QK_PREFIX,    /* text: the characters before '*' */
    QK_AND,       /* all kids */
    QK_OR,        /* any kid */
    QK_AND_NOT,   /* kids[0] and none of kids[1..] */
    QK_AND_MAYBE, /* kids[0], ranked up by kids[1..] */
    QK_FILTER,    /* kids[0] restricted by kids[1..] (filter nodes) */
    QK_MATCH_ALL, /* every passage (a query of filters only) */
    QK_DATE,      /* date filter: lo/hi "YYYYMMDD" inclusive, "" for an open end */
    QK_ARTICLE,   /* article filter: text is the id */
    QK_SOURCE,    /* source filter: text is the name as typed */
};

struct qnode {
    enum qkind kind;
    char *text;         /* owned, NUL-terminated; NULL for operators */
    size_t len;
    char lo[9], hi[9];  /* QK_DATE only */
    struct qnode **kids;
    size_t nkids;
    size_t col;         /* 1-based column where this node starts in the query */
    size_t off;         /* leaves with text: the byte offset of text in the query, so that
                         * text[i] is the query's byte off + i (spans of words, tok.h) */
};

struct query_opts {
    int default_and; /* 1: juxtaposed words must all match (--all) */
};

/* Parses q[0..len) into *root (free with query_free). On a syntax error returns TRAWL_EINPUT
 * with the message in err and the 1-based column in *col (col may be NULL). An empty query
 * (nothing but white space) is an error too. TRAWL_ENOMEM on OOM. */
int query_parse(const char *q, size_t len, const struct query_opts *o, struct qnode **root,
                size_t *col, struct trawl_error *err);
void query_free(struct qnode *root); /* NULL-safe */

/* Plain text, no syntax (evaluation topics like "(a) - b" run as written): every white-space
 * separated word of q[0..len) becomes a word node of one OR (AND with o->default_and), so no
 * character is taken for an operator. *root is NULL when the text has no word (not an
 * error). TRAWL_ENOMEM only. */
int query_parse_plain(const char *q, size_t len, const struct query_opts *o,
                      struct qnode **root, struct trawl_error *err);

/* A canonical, fully parenthesised rendering, for tests and TRAWL_DEBUG_QUERY:
 * e.g. (OR word:a (AND word:b phrase:"c d")) ; appends to out (sbuf.h). */
struct sbuf;
int query_describe(const struct qnode *root, struct sbuf *out);

TRAWL_END_DECLS

#endif
