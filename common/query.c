/* query: the query language of query.h, in two passes. The lexer turns the bytes into a token
 * array (checking quotes, signs, prefixes and filter values as it goes); a recursive-descent
 * parser, whose recursion is bounded by QUERY_MAX_DEPTH parentheses, builds the tree.
 *
 * How a group (the whole query, or what is inside one pair of parentheses) is built:
 * - An "and-list" is a run of operands joined by AND, by binary NOT (`a NOT b` is `a AND -b`) and,
 *   with default_and, by juxtaposition. Its plain and '+' items are ANDed and its '-' items are
 *   AND_NOT'ed from that. A one-item list passes its item up with its sign; a list with no
 *   positive item passes its excluded items up, so `NOT a b` excludes a from the whole group.
 * - The group's "clause list" is a run of and-lists joined by OR and, without default_and, by
 *   juxtaposition: (AND required) AND_MAYBE optional..., or OR of optional when nothing is
 *   required; then AND_NOT excluded.
 * - Filters (date:, article:, source:) that are not excluded are pulled out of every list of their group
 *   and restrict the group's result: QK_FILTER(result, filter per field). A group of filters
 *   (and exclusions) alone restricts QK_MATCH_ALL. */
#include "common/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/grow.h"
#include "common/sbuf.h"

/* ---- Tokens ------------------------------------------------------------------------------ */

enum ttype {
    T_WORD,
    T_PHRASE,
    T_PREFIX,
    T_DATE,
    T_ARTICLE,
    T_SOURCE,
    T_LPAREN,
    T_RPAREN,
    T_AND,
    T_OR,
    T_NOT,
    T_END
};

enum sign { S_POS, S_REQ, S_EXC };

struct token {
    enum ttype type;
    enum sign sign;
    size_t sign_col; /* column of the '+' or '-', when sign != S_POS */
    size_t col;      /* column of the token proper (after its sign) */
    size_t off, len; /* the text: word as typed, phrase content, prefix stem, filter value */
    char lo[9], hi[9];
};

struct parser {
    const char *q;
    size_t len;
    int default_and;
    struct token *t;
    size_t nt, cap, pos;
    size_t cur_off, cur_col; /* column cache: col_at() is asked for increasing offsets */
    size_t *col;
    struct trawl_error *err;
};

/* The column of byte off: 1 + the number of UTF-8 code points before it. Continuation bytes
 * (10xxxxxx) do not count, so invalid UTF-8 still yields a sensible, monotonic column. */
static size_t col_at(struct parser *p, size_t off)
{
    if (off < p->cur_off) {
        p->cur_off = 0;
        p->cur_col = 1;
    }
    for (; p->cur_off < off && p->cur_off < p->len; p->cur_off++)
        if (((unsigned char)p->q[p->cur_off] & 0xC0) != 0x80)
            p->cur_col++;
    return p->cur_col;
}

static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Copies s[0..len) into a message-safe form: control bytes become '?' (errors are one line)
 * and long text is cut at a character boundary with "...". */
static const char *quoted(char *buf, size_t cap, const char *s, size_t len)
{
    size_t n = len, o = 0;

    if (n > cap - 4) {
        n = cap - 4;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        buf[o++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    if (n < len)
        for (int i = 0; i < 3; i++)
            buf[o++] = '.';
    buf[o] = '\0';
    return buf;
}

static int fail(struct parser *p, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, size_t col, const char *fmt, ...)
{
    va_list ap;

    if (p->col != NULL)
        *p->col = col;
    if (p->err != NULL) {
        p->err->code = TRAWL_EINPUT;
        va_start(ap, fmt);
        vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
        va_end(ap);
    }
    return TRAWL_EINPUT;
}

static int nomem(struct parser *p)
{
    return terr_set(p->err, TRAWL_ENOMEM, "cannot parse query: out of memory");
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Length of the quote character at q[i] ('"', U+201C or U+201D), 0 if there is none. */
static size_t quote_at(const struct parser *p, size_t i)
{
    if (p->q[i] == '"')
        return 1;
    if (i + 2 < p->len && (unsigned char)p->q[i] == 0xE2 && (unsigned char)p->q[i + 1] == 0x80 &&
        ((unsigned char)p->q[i + 2] == 0x9C || (unsigned char)p->q[i + 2] == 0x9D))
        return 3;
    return 0;
}

/* Finds the closing quote of a phrase whose content starts at i; returns its offset or len. */
static size_t find_close(const struct parser *p, size_t i)
{
    for (; i < p->len; i++)
        if (quote_at(p, i))
            return i;
    return p->len;
}

static struct token *push_token(struct parser *p, enum ttype type, size_t col)
{
    struct token *t = grow(p->t, p->nt, &p->cap, sizeof *t, 32);

    if (t == NULL)
        return NULL;
    p->t = t;
    t = &p->t[p->nt++];
    memset(t, 0, sizeof *t);
    t->type = type;
    t->col = col;
    return t;
}

/* ---- Dates ------------------------------------------------------------------------------- */

/* Writes YYYYMMDD; the parser has checked y <= 9999, m <= 12 and d <= 31. */
static void put_ymd(char out[9], int y, int m, int d)
{
    const int v[3] = {y, m, d}, w[3] = {4, 2, 2};
    size_t o = 8;

    out[8] = '\0';
    for (int k = 2; k >= 0; k--)
        for (int i = 0, x = v[k]; i < w[k]; i++, x /= 10)
            out[--o] = (char)('0' + x % 10);
}

/* Parses YYYY, YYYY-MM or YYYY-MM-DD into the first (lo) and last (hi) day it covers.
 * Returns NULL or what is wrong with it (a constant, or why[64]). */
static const char *parse_day(const char *s, size_t n, char lo[9], char hi[9], char why[64])
{
    int y, m, d;

    if (date_split(s, n, &y, &m, &d) == 0)
        return "expected YYYY, YYYY-MM or YYYY-MM-DD";
    if (y == 0)
        return "year must be 0001-9999";
    if (n >= 7 && (m < 1 || m > 12))
        return "month must be 01-12";
    if (n == 10 && (d < 1 || d > date_days_in(y, m))) {
        snprintf(why, 64, "day must be 01-%02d in %04d-%02d", date_days_in(y, m), y, m);
        return why;
    }
    put_ymd(lo, y, n >= 7 ? m : 1, n == 10 ? d : 1);
    put_ymd(hi, y, n >= 7 ? m : 12, n == 10 ? d : date_days_in(y, n >= 7 ? m : 12));
    return NULL;
}

/* Fills t->lo/hi from the value of date:VALUE; raw[0..rawlen) is the token for messages. */
static int lex_date(struct parser *p, struct token *t, const char *raw, size_t rawlen)
{
    const char *v = p->q + t->off, *why = NULL, *dots = NULL;
    char lo[9] = "", hi[9] = "", unused[9], buf[96], whybuf[64];
    size_t n = t->len, bad = t->off;

    for (size_t i = 0; i + 1 < n; i++)
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = v + i;
            break;
        }
    if (dots == NULL) {
        why = parse_day(v, n, lo, hi, whybuf);
    } else {
        size_t ln = (size_t)(dots - v), hn = n - ln - 2;
        if (ln == 0 && hn == 0)
            why = "give a start, an end or both around '..'";
        if (why == NULL && ln > 0)
            why = parse_day(v, ln, lo, unused, whybuf);
        if (why == NULL && hn > 0) {
            bad = t->off + ln + 2;
            why = parse_day(dots + 2, hn, unused, hi, whybuf);
        }
        if (why == NULL && lo[0] && hi[0] && strcmp(lo, hi) > 0) {
            bad = t->off;
            why = "the start is after the end";
        }
    }
    if (why != NULL) {
        size_t c = col_at(p, bad);
        return fail(p, c, "bad date '%s' at column %zu: %s", quoted(buf, sizeof buf, raw, rawlen),
                    c, why);
    }
    memcpy(t->lo, lo, 9);
    memcpy(t->hi, hi, 9);
    return TRAWL_OK;
}

/* ---- Lexer ------------------------------------------------------------------------------- */

/* The field of a "field:value" word (lower-case names only), or T_WORD. */
static enum ttype field_of(const char *w, size_t n, size_t *name_len)
{
    if (n >= 5 && memcmp(w, "date:", 5) == 0) {
        *name_len = 5;
        return T_DATE;
    }
    if (n >= 8 && memcmp(w, "article:", 8) == 0) {
        *name_len = 8;
        return T_ARTICLE;
    }
    if (n >= 7 && memcmp(w, "source:", 7) == 0) {
        *name_len = 7;
        return T_SOURCE;
    }
    return T_WORD;
}

/* Lexes a word, operator, prefix or field starting at i (after any sign); returns the offset
 * after it in *next. */
static int lex_word(struct parser *p, size_t i, enum sign sign, size_t sign_col, size_t *next)
{
    size_t j = i, name_len = 0, col = col_at(p, i);
    enum ttype type;
    struct token *t;
    char buf[96];

    while (j < p->len && !is_space((unsigned char)p->q[j]) && p->q[j] != '(' && p->q[j] != ')' &&
           !quote_at(p, j))
        j++;
    *next = j;
    type = field_of(p->q + i, j - i, &name_len);
    if (type == T_WORD && sign == S_POS) {
        static const struct {
            const char *s;
            enum ttype t;
        } ops[] = {{"AND", T_AND}, {"OR", T_OR}, {"NOT", T_NOT}};
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
            if (j - i == strlen(ops[k].s) && memcmp(p->q + i, ops[k].s, j - i) == 0)
                type = ops[k].t;
    }
    if ((t = push_token(p, type, col)) == NULL)
        return nomem(p);
    t->sign = sign;
    t->sign_col = sign_col;
    t->off = i + name_len;
    t->len = j - i - name_len;
    if (type == T_WORD && p->q[j - 1] == '*') {
        size_t n = t->len;
        while (n > 0 && p->q[t->off + n - 1] == '*')
            n--;
        if (count_chars(p->q + t->off, n) < QUERY_MIN_PREFIX)
            return fail(p, col,
                        "prefix '%s' at column %zu is too short: put at least %d "
                        "characters before '*'",
                        quoted(buf, sizeof buf, p->q + i, j - i), col, QUERY_MIN_PREFIX);
        t->type = T_PREFIX;
        t->len = n;
    }
    if (type == T_DATE || type == T_ARTICLE || type == T_SOURCE) {
        size_t ql = j < p->len && j == t->off ? quote_at(p, j) : 0;
        if (ql) {
            /* field:"quoted value": the value runs to the closing quote. */
            size_t close = find_close(p, j + ql);
            if (close == p->len) {
                size_t c = col_at(p, j);
                return fail(p, c, "unbalanced '%.*s': the quote at column %zu is never closed",
                            (int)ql, p->q + j, c);
            }
            t->off = j + ql;
            t->len = close - t->off;
            *next = j = close + quote_at(p, close);
        }
        if (t->len == 0)
            return type == T_DATE
                       ? fail(p, col, "'date:' at column %zu needs a value, e.g. date:2018-03", col)
                   : type == T_SOURCE
                       ? fail(p, col, "'source:' at column %zu needs a source name, e.g. "
                                      "source:\"Example Times\"", col)
                       : fail(p, col, "'article:' at column %zu needs an article id", col);
        if (type == T_DATE)
            return lex_date(p, t, p->q + i, j - i);
    }
    return TRAWL_OK;
}

static int lex(struct parser *p)
{
    size_t i = 0;
    int rc;

    while (i < p->len) {
        unsigned char c = (unsigned char)p->q[i];
        enum sign sign = S_POS;
        size_t sign_col = 0, ql;
        struct token *t;

        if (is_space(c)) {
            i++;
            continue;
        }
        if (c == '+' || c == '-') {
            /* A sign binds to what follows at once: a word, a phrase or '('. */
            unsigned char d = i + 1 < p->len ? (unsigned char)p->q[i + 1] : ' ';
            sign_col = col_at(p, i);
            if (is_space(d) || d == ')' || d == '+' || d == '-')
                return fail(p, sign_col,
                            "'%c' at column %zu must be followed by a word, a phrase or '('", c,
                            sign_col);
            sign = c == '+' ? S_REQ : S_EXC;
            c = (unsigned char)p->q[++i];
        }
        if (c == '(' || c == ')') {
            if ((t = push_token(p, c == '(' ? T_LPAREN : T_RPAREN, col_at(p, i))) == NULL)
                return nomem(p);
            t->sign = sign;
            t->sign_col = sign_col;
            i++;
        } else if ((ql = quote_at(p, i)) != 0) {
            size_t close = find_close(p, i + ql), col = col_at(p, i), k;
            if (close == p->len)
                return fail(p, col, "unbalanced '%.*s': the quote at column %zu is never closed",
                            (int)ql, p->q + i, col);
            for (k = i + ql; k < close && is_space((unsigned char)p->q[k]); k++)
                ;
            if (k == close) {
                char buf[96];
                return fail(p, col, "empty phrase '%s' at column %zu",
                            quoted(buf, sizeof buf, p->q + i, close + quote_at(p, close) - i), col);
            }
            if ((t = push_token(p, T_PHRASE, col)) == NULL)
                return nomem(p);
            t->sign = sign;
            t->sign_col = sign_col;
            t->off = i + ql;
            t->len = close - t->off;
            i = close + quote_at(p, close);
        } else if ((rc = lex_word(p, i, sign, sign_col, &i)) != TRAWL_OK) {
            return rc;
        }
    }
    return push_token(p, T_END, col_at(p, p->len)) ? TRAWL_OK : nomem(p);
}

/* ---- Nodes ------------------------------------------------------------------------------- */

void query_free(struct qnode *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        query_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

static struct qnode *new_node(enum qkind kind, size_t col)
{
    struct qnode *n = calloc(1, sizeof *n);

    if (n != NULL) {
        n->kind = kind;
        n->col = col;
    }
    return n;
}

static struct qnode *leaf(const struct parser *p, const struct token *t)
{
    static const enum qkind kinds[] = {[T_WORD] = QK_WORD,
                                       [T_PHRASE] = QK_PHRASE,
                                       [T_PREFIX] = QK_PREFIX,
                                       [T_DATE] = QK_DATE,
                                       [T_ARTICLE] = QK_ARTICLE,
                                       [T_SOURCE] = QK_SOURCE};
    struct qnode *n = new_node(kinds[t->type], t->col);

    if (n == NULL)
        return NULL;
    if (t->type == T_DATE) {
        memcpy(n->lo, t->lo, 9);
        memcpy(n->hi, t->hi, 9);
        return n;
    }
    if ((n->text = malloc(t->len + 1)) == NULL) {
        free(n);
        return NULL;
    }
    memcpy(n->text, p->q + t->off, t->len);
    n->text[t->len] = '\0';
    n->len = t->len;
    n->off = t->off;
    return n;
}

/* A list of signed operands; owns its nodes. */
struct item {
    struct qnode *n;
    enum sign sign;
    size_t col; /* where the operand starts, sign included */
};

struct list {
    struct item *v;
    size_t n, cap;
};

static void list_release(struct list *l)
{
    for (size_t i = 0; i < l->n; i++)
        query_free(l->v[i].n);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Appends the item, taking ownership of n even on failure. */
static int list_push(struct list *l, struct qnode *n, enum sign sign, size_t col)
{
    struct item *v = grow(l->v, l->n, &l->cap, sizeof *v, 8);

    if (v == NULL) {
        query_free(n);
        return TRAWL_ENOMEM;
    }
    l->v = v;
    l->v[l->n].n = n;
    l->v[l->n].sign = sign;
    l->v[l->n].col = col;
    l->n++;
    return TRAWL_OK;
}

/* Builds kind(first, the nodes of l's items whose sign is in mask) and empties those items out of
 * l. first may be NULL. A single kid of AND/OR is returned as itself. NULL on OOM, with first
 * freed and l untouched otherwise. */
static struct qnode *combine(enum qkind kind, struct qnode *first, struct list *l, unsigned mask)
{
    size_t k = first ? 1 : 0, o = 0;
    struct qnode *n;

    for (size_t i = 0; i < l->n; i++)
        k += (mask >> l->v[i].sign) & 1;
    if (k == 1 && (kind == QK_AND || kind == QK_OR) && first != NULL)
        return first;
    if ((n = new_node(kind, 0)) == NULL || (n->kids = calloc(k ? k : 1, sizeof *n->kids)) == NULL) {
        free(n);
        query_free(first);
        return NULL;
    }
    if (first != NULL)
        n->kids[n->nkids++] = first;
    for (size_t i = 0; i < l->n; i++) {
        if ((mask >> l->v[i].sign) & 1)
            n->kids[n->nkids++] = l->v[i].n;
        else
            l->v[o++] = l->v[i];
    }
    l->n = o;
    if (n->nkids == 1 && (kind == QK_AND || kind == QK_OR)) {
        struct qnode *only = n->kids[0];
        free(n->kids);
        free(n);
        return only;
    }
    n->col = n->kids[0]->col;
    return n;
}

#define M(s) (1u << (s))

/* ---- Parser ------------------------------------------------------------------------------ */

static const struct token *peek(const struct parser *p)
{
    return &p->t[p->pos];
}

static int starts_primary(enum ttype t)
{
    return t == T_WORD || t == T_PHRASE || t == T_PREFIX || t == T_DATE || t == T_ARTICLE ||
           t == T_SOURCE || t == T_LPAREN;
}

static int parse_group(struct parser *p, int depth, struct qnode **out);

/* Parses one primary (a leaf or a parenthesised group); *sign is its '+'/'-'. */
static int parse_primary(struct parser *p, int depth, struct qnode **out, enum sign *sign,
                         size_t *col)
{
    const struct token *t = &p->t[p->pos++];
    int rc;

    *sign = t->sign;
    *col = t->sign != S_POS ? t->sign_col : t->col;
    if (t->type != T_LPAREN)
        return (*out = leaf(p, t)) ? TRAWL_OK : nomem(p);
    if (depth + 1 > QUERY_MAX_DEPTH)
        return fail(p, t->col, "parentheses nested deeper than %d at column %zu", QUERY_MAX_DEPTH,
                    t->col);
    if ((rc = parse_group(p, depth + 1, out)) != TRAWL_OK)
        return rc;
    if (peek(p)->type != T_RPAREN) {
        query_free(*out);
        return fail(p, t->col, "unbalanced '(': the parenthesis at column %zu is never closed",
                    t->col);
    }
    if (*out == NULL)
        return fail(p, t->col, "empty parentheses '()' at column %zu", t->col);
    p->pos++;
    return TRAWL_OK;
}

/* Parses [NOT] primary into the and-list, or a filter into filters. */
static int parse_unary(struct parser *p, int depth, struct list *and_list, struct list *filters)
{
    const struct token *t = peek(p);
    int negate = 0, rc;
    size_t col, not_col = t->col;
    enum sign sign;
    struct qnode *n;

    if (t->type == T_NOT) {
        /* Binary NOT was consumed by the caller; this is the unary form. */
        negate = 1;
        p->pos++;
        if (!starts_primary(peek(p)->type))
            return fail(p, not_col, "'NOT' at column %zu needs a query after it", not_col);
    }
    if ((rc = parse_primary(p, depth, &n, &sign, &col)) != TRAWL_OK)
        return rc;
    if (negate) {
        if (sign == S_EXC) {
            query_free(n);
            return fail(p, col, "'-' at column %zu cannot follow 'NOT'", col);
        }
        sign = S_EXC;
        col = not_col;
    }
    if (sign != S_EXC && (n->kind == QK_DATE || n->kind == QK_ARTICLE || n->kind == QK_SOURCE))
        rc = list_push(filters, n, S_POS, col);
    else
        rc = list_push(and_list, n, sign, col);
    return rc == TRAWL_OK ? TRAWL_OK : nomem(p);
}

/* Reduces an and-list (see the top of the file) into the clause list. */
static int reduce_and(struct parser *p, struct list *l, struct list *clauses)
{
    size_t pos = 0, col = l->n ? l->v[0].col : 0;
    enum sign sign = S_POS;
    struct qnode *base;

    for (size_t i = 0; i < l->n; i++) {
        pos += l->v[i].sign != S_EXC;
        if (l->v[i].sign == S_REQ)
            sign = S_REQ;
    }
    if (pos == 0 || l->n == 1) {
        for (size_t i = 0; i < l->n; i++) {
            struct qnode *n = l->v[i].n;
            l->v[i].n = NULL; /* list_push owns it now, even when it fails */
            if (list_push(clauses, n, l->v[i].sign, l->v[i].col) != TRAWL_OK)
                return nomem(p);
        }
        l->n = 0;
        return TRAWL_OK;
    }
    if ((base = combine(QK_AND, NULL, l, M(S_POS) | M(S_REQ))) == NULL)
        return nomem(p);
    if (l->n > 0 && (base = combine(QK_AND_NOT, base, l, M(S_EXC))) == NULL)
        return nomem(p);
    return list_push(clauses, base, sign, col) == TRAWL_OK ? TRAWL_OK : nomem(p);
}

/* Parses an and-list into clauses; *count is the number of operands it consumed. */
static int parse_and(struct parser *p, int depth, struct list *clauses, struct list *filters,
                     size_t *count)
{
    struct list l = {0};
    int rc = TRAWL_OK;

    *count = 0;
    for (;;) {
        const struct token *t = peek(p);
        if (t->type == T_AND || (t->type == T_NOT && *count > 0)) {
            const struct token *nx = &p->t[p->pos + 1];
            int ok = starts_primary(nx->type) || (t->type == T_AND && nx->type == T_NOT);
            if (*count == 0 || !ok) {
                rc = fail(p, t->col, "'%s' at column %zu needs a query on both sides",
                          t->type == T_AND ? "AND" : "NOT", t->col);
                break;
            }
            if (t->type == T_AND)
                p->pos++; /* a NOT token is left for parse_unary, which negates */
        } else if (t->type == T_NOT || starts_primary(t->type)) {
            /* Juxtaposition joins this list only with default_and. */
            if (*count > 0 && !p->default_and)
                break;
        } else {
            break;
        }
        if ((rc = parse_unary(p, depth, &l, filters)) != TRAWL_OK)
            break;
        (*count)++;
    }
    if (rc == TRAWL_OK)
        rc = reduce_and(p, &l, clauses);
    list_release(&l);
    return rc;
}

/* Groups filters by field, in order of first appearance: one node per field, ORed if several. */
static int apply_filters(struct parser *p, struct qnode **base, struct list *filters)
{
    struct list by_field = {0};
    struct qnode *res;

    while (filters->n > 0) {
        enum qkind kind = filters->v[0].n->kind;
        struct qnode *f;
        size_t col = filters->v[0].col;
        /* Mark this field's filters with S_REQ so combine() takes exactly them. */
        for (size_t i = 0; i < filters->n; i++)
            filters->v[i].sign = filters->v[i].n->kind == kind ? S_REQ : S_POS;
        if ((f = combine(QK_OR, NULL, filters, M(S_REQ))) == NULL ||
            list_push(&by_field, f, S_POS, col) != TRAWL_OK) {
            list_release(&by_field);
            return nomem(p);
        }
    }
    if (*base == NULL && (*base = new_node(QK_MATCH_ALL, by_field.v[0].col)) == NULL) {
        list_release(&by_field);
        return nomem(p);
    }
    res = combine(QK_FILTER, *base, &by_field, M(S_POS));
    *base = res;
    list_release(&by_field);
    return res ? TRAWL_OK : nomem(p);
}

/* Parses a group up to ')' or the end (not consumed). *out is NULL for an empty group. */
static int parse_group(struct parser *p, int depth, struct qnode **out)
{
    struct list clauses = {0}, filters = {0};
    struct qnode *base = NULL;
    int rc = TRAWL_OK, have_left = 0;
    size_t count, nreq = 0, nopt = 0;

    *out = NULL;
    for (;;) {
        const struct token *t = peek(p);
        if (t->type == T_END || t->type == T_RPAREN)
            break;
        if (t->type == T_OR) {
            if (!have_left) {
                rc = fail(p, t->col, "'OR' at column %zu needs a query on both sides", t->col);
                break;
            }
            p->pos++;
            if ((rc = parse_and(p, depth, &clauses, &filters, &count)) != TRAWL_OK)
                break;
            if (count == 0) {
                rc = fail(p, t->col, "'OR' at column %zu needs a query on both sides", t->col);
                break;
            }
            continue;
        }
        if ((rc = parse_and(p, depth, &clauses, &filters, &count)) != TRAWL_OK)
            break;
        if (count == 0) {
            rc = terr_set(p->err, TRAWL_EINTERNAL, "query parser made no progress");
            break;
        }
        have_left = 1;
    }
    if (rc != TRAWL_OK)
        goto out;
    for (size_t i = 0; i < clauses.n; i++) {
        nreq += clauses.v[i].sign == S_REQ;
        nopt += clauses.v[i].sign == S_POS;
    }
    if (nreq > 0) {
        if ((base = combine(QK_AND, NULL, &clauses, M(S_REQ))) == NULL ||
            (nopt > 0 && (base = combine(QK_AND_MAYBE, base, &clauses, M(S_POS))) == NULL)) {
            rc = nomem(p);
            goto out;
        }
    } else if (nopt > 0 && (base = combine(QK_OR, NULL, &clauses, M(S_POS))) == NULL) {
        rc = nomem(p);
        goto out;
    }
    if (clauses.n > 0) { /* what is left is excluded */
        if (base == NULL && filters.n == 0) {
            rc = fail(p, clauses.v[0].col, "the query only excludes: add a word to search for");
            goto out;
        }
        if (base == NULL && (base = new_node(QK_MATCH_ALL, clauses.v[0].col)) == NULL) {
            rc = nomem(p);
            goto out;
        }
        if ((base = combine(QK_AND_NOT, base, &clauses, M(S_EXC))) == NULL) {
            rc = nomem(p);
            goto out;
        }
    }
    if (filters.n > 0)
        rc = apply_filters(p, &base, &filters);
out:
    list_release(&clauses);
    list_release(&filters);
    if (rc != TRAWL_OK) {
        query_free(base);
        base = NULL;
    }
    *out = base;
    return rc;
}

int query_parse(const char *q, size_t len, const struct query_opts *o, struct qnode **root,
                size_t *col, struct trawl_error *err)
{
    struct parser p;
    const char *nul;
    int rc;

    memset(&p, 0, sizeof p);
    p.q = q;
    p.len = len;
    p.default_and = o != NULL && o->default_and;
    p.cur_col = 1;
    p.col = col;
    p.err = err;
    *root = NULL;
    if (col != NULL)
        *col = 0;
    if (len > TRAWL_QUERY_MAX)
        return fail(&p, TRAWL_QUERY_MAX + 1, "query too long: %zu bytes, at most %d", len,
                    TRAWL_QUERY_MAX);
    if (len > 0 && (nul = memchr(q, '\0', len)) != NULL) {
        size_t c = col_at(&p, (size_t)(nul - q));
        return fail(&p, c, "NUL byte in the query at column %zu", c);
    }
    if ((rc = lex(&p)) == TRAWL_OK && (rc = parse_group(&p, 0, root)) == TRAWL_OK) {
        const struct token *t = peek(&p);
        if (t->type == T_RPAREN)
            rc = fail(&p, t->col, "unexpected ')' at column %zu: no '(' to close", t->col);
        else if (*root == NULL)
            rc = fail(&p, 1, "empty query");
        if (rc != TRAWL_OK) {
            query_free(*root);
            *root = NULL;
        }
    }
    free(p.t);
    return rc;
}

/* ---- Plain text -------------------------------------------------------------------------- */

static int plain_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int query_parse_plain(const char *q, size_t len, const struct query_opts *o,
                      struct qnode **root, struct trawl_error *err)
{
    struct qnode *top = new_node(o != NULL && o->default_and ? QK_AND : QK_OR, 1);
    size_t i = 0;

    *root = NULL;
    if (top == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    for (;;) {
        size_t w;
        struct qnode *kid, **kids;
        while (i < len && plain_space(q[i]))
            i++;
        if (i >= len)
            break;
        w = i;
        while (i < len && !plain_space(q[i]))
            i++;
        kids = realloc(top->kids, (top->nkids + 1) * sizeof *kids);
        if (kids == NULL)
            goto nomem;
        top->kids = kids;
        /* The column counts bytes, as the evaluator's topics did: nothing reports it. */
        if ((kid = new_node(QK_WORD, w + 1)) == NULL)
            goto nomem;
        top->kids[top->nkids++] = kid;
        kid->len = i - w;
        kid->off = w;
        if ((kid->text = strndup(q + w, kid->len)) == NULL)
            goto nomem;
    }
    if (top->nkids == 0) {
        query_free(top);
        return TRAWL_OK;
    }
    *root = top;
    return TRAWL_OK;
nomem:
    query_free(top);
    return terr_set(err, TRAWL_ENOMEM, "out of memory");
}

/* ---- Describe ---------------------------------------------------------------------------- */

int query_describe(const struct qnode *n, struct sbuf *out)
{
    static const char *ops[] = {[QK_AND] = "AND",
                                [QK_OR] = "OR",
                                [QK_AND_NOT] = "AND_NOT",
                                [QK_AND_MAYBE] = "AND_MAYBE",
                                [QK_FILTER] = "FILTER"};
    int rc;

    if (n == NULL)
        return sbuf_adds(out, "NULL");
    switch (n->kind) {
    case QK_WORD:
        return sbuf_printf(out, "word:%.*s", (int)n->len, n->text);
    case QK_PHRASE:
        return sbuf_printf(out, "phrase:\"%.*s\"", (int)n->len, n->text);
    case QK_PREFIX:
        return sbuf_printf(out, "prefix:%.*s*", (int)n->len, n->text);
    case QK_DATE:
        return sbuf_printf(out, "date:%s..%s", n->lo, n->hi);
    case QK_ARTICLE:
        return sbuf_printf(out, "article:%.*s", (int)n->len, n->text);
    case QK_SOURCE:
        return sbuf_printf(out, "source:\"%.*s\"", (int)n->len, n->text);
    case QK_MATCH_ALL:
        return sbuf_adds(out, "ALL");
    case QK_AND:
    case QK_OR:
    case QK_AND_NOT:
    case QK_AND_MAYBE:
    case QK_FILTER:
        if ((rc = sbuf_printf(out, "(%s", ops[n->kind])) != TRAWL_OK)
            return rc;
        for (size_t i = 0; i < n->nkids; i++)
            if ((rc = sbuf_addc(out, ' ')) != TRAWL_OK ||
                (rc = query_describe(n->kids[i], out)) != TRAWL_OK)
                return rc;
        return sbuf_addc(out, ')');
    }
    return sbuf_printf(out, "?%d", (int)n->kind);
}
