/* The check file format, one case per line (blank lines and lines starting with '#' are
 * skipped):
 *
 *   QUERY => EXPECTATION, EXPECTATION, ...
 *
 * QUERY is written as for trawl-search (phrases, +, -, AND, date:...). An EXPECTATION is
 *   ARTICLE              a result of that article ranks in the top N
 *   ARTICLE#K            passage K of the article is a result in the top N
 *   "some words"         a result passage in the top N contains these words in this order
 *                        (compared as the analyzer folds them: case, accents, curly quotes and
 *                        thousands separators do not matter)
 * followed by `top N` (default: top 10), or preceded by `not` (must not be among the top N
 * results, default 10), or the single word `nothing` (the query matches no passage).
 * The lines `@all-passages` and `@per-article` switch the following cases between ranking every
 * passage and ranking one passage per article (the default, as trawl-search shows results). */
#include "searcher/check.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>


#define CHECK_TOP 10         /* N when a case does not say */
#define CHECK_MAX_TOP 1000
#define CHECK_LOOK 50        /* results looked at, to report a rank that misses its target */

enum target { T_ID, T_PASSAGE, T_PHRASE, T_NOTHING };

struct expect {
    enum target kind;
    int negated;
    unsigned top;
    char *text;        /* article id, or the phrase */
    unsigned ordinal;  /* T_PASSAGE */
    size_t rank;       /* found at (1-based), 0: not among the results looked at */
};

struct tokens {
    char **v;
    size_t n, cap;
    int nomem;
};

static void expects_free(struct expect *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].text);
    free(e);
}

/* Collects the folded words (trawl_word_fn). */
static int tokens_push(void *ctx, const char *word, size_t word_len, const char *term,
                       size_t term_len)
{
    struct tokens *t = ctx;

    (void)term;
    (void)term_len;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        char **v = realloc(t->v, cap * sizeof *v);
        if (v == NULL)
            return t->nomem = 1;
        t->v = v;
        t->cap = cap;
    }
    if ((t->v[t->n] = strndup(word, word_len)) == NULL)
        return t->nomem = 1;
    t->n++;
    return 0;
}

static void tokens_release(struct tokens *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    memset(t, 0, sizeof *t);
}

/* Whether the folded tokens of text contain those of the phrase, in a row. -1 on OOM. */
static int contains_phrase(trawl_index *ix, const char *text, size_t len,
                           const struct tokens *ph)
{
    struct tokens t = {0};
    int found = 0;

    if (trawl_words(ix, text, len, tokens_push, &t, NULL) != TRAWL_OK || t.nomem) {
        tokens_release(&t);
        return -1;
    }
    for (size_t i = 0; !found && ph->n > 0 && i + ph->n <= t.n; i++) {
        size_t k = 0;
        while (k < ph->n && strcmp(t.v[i + k], ph->v[k]) == 0)
            k++;
        found = k == ph->n;
    }
    tokens_release(&t);
    return found;
}

/* ---- Parsing a case --------------------------------------------------------------------- */

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The next word of p (up to white space or ','), or a "quoted" string (*quoted = 1). */
static const char *next_item(const char *p, const char **start, size_t *len, int *quoted)
{
    p = skip_space(p);
    *quoted = 0;
    if (*p == '"') {
        const char *q = strchr(p + 1, '"');
        if (q == NULL)
            return NULL;
        *start = p + 1;
        *len = (size_t)(q - p - 1);
        *quoted = 1;
        return q + 1;
    }
    *start = p;
    while (*p && *p != ' ' && *p != '\t' && *p != ',')
        p++;
    *len = (size_t)(p - *start);
    return p;
}

static int word_is(const char *s, size_t len, const char *w)
{
    return len == strlen(w) && memcmp(s, w, len) == 0;
}

/* The kind of the item s[0..len) ("a", "a#3", "nothing" or a phrase) into e, with its text
 * (owned by e). On a mistake, writes why to why and returns -1. */
static int parse_target(const char *s, size_t len, int quoted, struct expect *e, char *why,
                        size_t whylen)
{
    if (quoted) {
        e->kind = T_PHRASE;
    } else if (word_is(s, len, "nothing") && !e->negated) {
        e->kind = T_NOTHING;
    } else {
        const char *hash = memchr(s, '#', len);
        e->kind = T_ID;
        if (hash != NULL) {
            char *end;
            unsigned long k;
            errno = 0;
            k = strtoul(hash + 1, &end, 10);
            if (errno || end != s + len || end == hash + 1 || k > 1000000000UL ||
                !isdigit((unsigned char)hash[1])) {
                snprintf(why, whylen, "bad passage number in '%.*s'", (int)len, s);
                return -1;
            }
            e->kind = T_PASSAGE;
            e->ordinal = (unsigned)k;
            len = (size_t)(hash - s);
        }
    }
    if ((e->text = strndup(s, len)) == NULL) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    return 0;
}

/* Parses one expectation ("[not] TARGET [top N]") at *pp into e and moves *pp past it. On a
 * mistake, writes why to why and returns -1 (e then owns nothing). */
static int parse_expect(const char **pp, struct expect *e, char *why, size_t whylen)
{
    const char *p = *pp, *s;
    size_t len;
    int quoted;

    memset(e, 0, sizeof *e);
    e->top = CHECK_TOP;
    if ((p = next_item(p, &s, &len, &quoted)) == NULL)
        goto bad_quote;
    if (!quoted && word_is(s, len, "not")) {
        e->negated = 1;
        if ((p = next_item(p, &s, &len, &quoted)) == NULL)
            goto bad_quote;
    }
    if (len == 0 && !quoted) {
        snprintf(why, whylen, "expected an article id, a \"phrase\" or 'nothing'");
        return -1;
    }
    if (parse_target(s, len, quoted, e, why, whylen) != 0)
        return -1;
    p = skip_space(p);
    if (strncmp(p, "top", 3) == 0 && (p[3] == ' ' || p[3] == '\t')) {
        char *end;
        unsigned long t;
        errno = 0;
        t = strtoul(skip_space(p + 3), &end, 10);
        if (errno || end == skip_space(p + 3) || t == 0 || t > CHECK_MAX_TOP) {
            snprintf(why, whylen, "'top' needs a number from 1 to %d", CHECK_MAX_TOP);
            free(e->text);
            e->text = NULL;
            return -1;
        }
        e->top = (unsigned)t;
        p = skip_space(end);
    }
    *pp = p;
    return 0;
bad_quote:
    snprintf(why, whylen, "unbalanced '\"'");
    return -1;
}

/* Parses the expectations after "=>", separated by commas. On a mistake, writes why to why
 * and returns -1. */
static int parse_expects(const char *p, struct expect **out, size_t *nout, char *why,
                         size_t whylen)
{
    struct expect *v = NULL;
    size_t n = 0;

    for (;;) {
        struct expect e, *nv;

        if (parse_expect(&p, &e, why, whylen) != 0)
            goto fail;
        if ((nv = realloc(v, (n + 1) * sizeof *v)) == NULL) {
            free(e.text);
            snprintf(why, whylen, "out of memory");
            goto fail;
        }
        v = nv;
        v[n++] = e;
        if (*p == '\0')
            break;
        if (*p != ',') {
            snprintf(why, whylen, "expected ',' or the end of the line at '%s'", p);
            goto fail;
        }
        p++;
    }
    *out = v;
    *nout = n;
    return 0;
fail:
    expects_free(v, n);
    return -1;
}

/* ---- Running a case --------------------------------------------------------------------- */

/* Finds each expectation's rank in r. -1 on OOM. */
static int rank_expects(struct session *s, const trawl_results *r, struct expect *e,
                        size_t n)
{
    for (size_t k = 0; k < n; k++) {
        struct tokens ph = {0};
        e[k].rank = 0;
        if (e[k].kind == T_NOTHING)
            continue;
        if (e[k].kind == T_PHRASE &&
            (trawl_words(s->ix, e[k].text, strlen(e[k].text), tokens_push, &ph, NULL) !=
                 TRAWL_OK ||
             ph.nomem)) {
            tokens_release(&ph);
            return -1;
        }
        for (size_t i = 0; i < trawl_results_count(r) && e[k].rank == 0; i++) {
            const struct trawl_passage *p = &trawl_results_hit(r, i)->passage;
            int hit;
            if (e[k].kind == T_PHRASE) {
                hit = contains_phrase(s->ix, p->text, p->text_len, &ph);
                if (hit < 0) {
                    tokens_release(&ph);
                    return -1;
                }
            } else {
                hit = p->article_len == strlen(e[k].text) &&
                      memcmp(p->article, e[k].text, p->article_len) == 0 &&
                      (e[k].kind == T_ID || p->ordinal == e[k].ordinal);
            }
            if (hit)
                e[k].rank = i + 1;
        }
        tokens_release(&ph);
    }
    return 0;
}

static int expect_ok(const struct expect *e, size_t nresults)
{
    switch (e->kind) {
    case T_NOTHING: return nresults == 0;
    default:
        if (e->negated)
            return e->rank == 0 || e->rank > e->top;
        return e->rank != 0 && e->rank <= e->top;
    }
}

/* "3", "12>10" (missed its target), "-" (not found), "!2" (must not be there but is). */
static void format_rank(const struct expect *e, size_t nresults, char *buf, size_t len)
{
    if (e->kind == T_NOTHING)
        snprintf(buf, len, "%s%zu", nresults ? "!" : "", nresults);
    else if (e->negated)
        snprintf(buf, len, e->rank && e->rank <= e->top ? "!%zu" : "-", e->rank);
    else if (e->rank == 0)
        snprintf(buf, len, "-");
    else if (e->rank > e->top)
        snprintf(buf, len, "%zu>%u", e->rank, e->top);
    else
        snprintf(buf, len, "%zu", e->rank);
}

/* Runs one case; returns 0 pass, 1 fail, 2 error (reported). */
static int run_case(struct session *s, const char *path, size_t lineno, char *line,
                    int all_passages)
{
    char *arrow = strstr(line, "=>");
    struct expect *e = NULL;
    size_t ne = 0, nr;
    char why[256], ranks[256] = "";
    struct trawl_search_opts so = s->o.so;
    trawl_results *r = NULL;
    struct trawl_error err;
    unsigned depth = CHECK_LOOK;
    int ok = 1, rc;
    size_t qlen;

    if (arrow == NULL) {
        search_warn("%s:%zu: expected 'QUERY => EXPECTATION, ...'", path, lineno);
        return 2;
    }
    qlen = (size_t)(arrow - line);
    while (qlen > 0 && (line[qlen - 1] == ' ' || line[qlen - 1] == '\t'))
        qlen--;
    if (parse_expects(arrow + 2, &e, &ne, why, sizeof why) != 0) {
        search_warn("%s:%zu: %s", path, lineno, why);
        return 2;
    }
    for (size_t k = 0; k < ne; k++)
        if (e[k].top > depth)
            depth = e[k].top;
    so.offset = 0;
    so.count = depth;
    so.per_article = all_passages ? 0 : 1;
    rc = trawl_search(s->ix, line, qlen, &so, &r, &err);
    if (rc == TRAWL_EINPUT) {
        search_warn("%s:%zu: error in query '%.*s' at column %zu: %s", path, lineno, (int)qlen,
                    line, err.column, err.msg);
        expects_free(e, ne);
        return 2;
    }
    if (rc != TRAWL_OK || rank_expects(s, r, e, ne) != 0) {
        search_warn("%s:%zu: %s", path, lineno, rc != TRAWL_OK ? err.msg : "out of memory");
        trawl_results_free(r);
        expects_free(e, ne);
        return 2;
    }
    nr = trawl_results_count(r);
    for (size_t k = 0; k < ne; k++) {
        size_t used = strlen(ranks);
        ok &= expect_ok(&e[k], nr);
        format_rank(&e[k], nr, ranks + used, sizeof ranks - used);
        if (k + 1 < ne && strlen(ranks) + 1 < sizeof ranks)
            strcat(ranks, " ");
    }
    fprintf(s->out, "%-4s  %-12s  %.*s\n", ok ? "ok" : "FAIL", ranks, (int)qlen, line);
    for (size_t k = 0; !ok && k < ne; k++) {
        const struct expect *x = &e[k];
        char what[300];
        if (expect_ok(x, nr))
            continue;
        if (x->kind == T_PHRASE)
            snprintf(what, sizeof what, "\"%s\"", x->text);
        else if (x->kind == T_PASSAGE)
            snprintf(what, sizeof what, "%s#%u", x->text, x->ordinal);
        else
            snprintf(what, sizeof what, "%s", x->text);
        if (x->kind == T_NOTHING)
            fprintf(s->out, "      %s:%zu: wanted no result, got %zu\n", path, lineno, nr);
        else if (x->negated)
            fprintf(s->out, "      %s:%zu: %s ranks %zu, wanted not in the top %u\n", path,
                    lineno, what, x->rank, x->top);
        else if (x->rank == 0)
            fprintf(s->out, "      %s:%zu: %s is not in the top %u results\n", path, lineno,
                    what, depth);
        else
            fprintf(s->out, "      %s:%zu: %s ranks %zu, wanted top %u\n", path, lineno, what,
                    x->rank, x->top);
    }
    trawl_results_free(r);
    expects_free(e, ne);
    return ok ? 0 : 1;
}

int check_main(struct session *s, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0, pass = 0, fail = 0, errors = 0;
    int all_passages = 0;
    ssize_t n;

    if (f == NULL) {
        search_warn("cannot open '%s': %s", path, strerror(errno));
        return 2;
    }
    while ((n = getline(&line, &cap, f)) != -1) {
        char *p = line;
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                         line[n - 1] == '\t'))
            line[--n] = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        if (*p == '@') {
            if (strcmp(p, "@all-passages") == 0) {
                all_passages = 1;
            } else if (strcmp(p, "@per-article") == 0) {
                all_passages = 0;
            } else {
                search_warn("%s:%zu: unknown directive '%s' (expected @all-passages or "
                            "@per-article)", path, lineno, p);
                errors++;
            }
            continue;
        }
        switch (run_case(s, path, lineno, p, all_passages)) {
        case 0: pass++; break;
        case 1: fail++; break;
        default: errors++; break;
        }
    }
    if (ferror(f)) {
        search_warn("cannot read '%s': %s", path, strerror(errno));
        errors++;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    fprintf(s->out, "%zu cases: %zu passed, %zu failed", pass + fail + errors, pass, fail);
    if (errors)
        fprintf(s->out, ", %zu not run (errors)", errors);
    fputc('\n', s->out);
    return errors ? 2 : fail ? 1 : 0;
}
