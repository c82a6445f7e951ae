/* search: the search session (see search.h). */
#include "searcher/search.h"
#include "searcher/suggest.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG "trawl-search"
#define JSON_VERSION 1
#define QUERY_SHOWN 200 /* code points of a query quoted in an error message */

#define C_MARK "\033[1;31m"
#define C_TITLE "\033[1m"
#define C_DIM "\033[2m"
#define C_ID "\033[35m"
#define C_OFF "\033[0m"

int search_parse_count(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (s == NULL || s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

void search_warn(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int search_query_line(char *line, size_t len, size_t lineno, char qidbuf[32], const char **qid,
                      const char **query)
{
    char *tab;

    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    if (len == 0 || line[0] == '#')
        return 0;
    if ((tab = strchr(line, '\t')) != NULL) {
        *tab = '\0';
        *qid = line;
        *query = tab + 1;
    } else {
        snprintf(qidbuf, 32, "%zu", lineno);
        *qid = qidbuf;
        *query = line;
    }
    return 1;
}

int session_open(struct session *s, const struct session_opts *o, FILE *out,
                 struct trawl_error *err)
{
    struct trawl_open_opts oo = {.allow_partial = o->allow_partial};
    int rc;

    memset(s, 0, sizeof *s);
    s->o = *o;
    s->out = out;
    rc = trawl_open(o->db, &oo, &s->ix, err);
    if (rc == TRAWL_OK && trawl_index_warning(s->ix) != NULL)
        search_warn("warning: %s", trawl_index_warning(s->ix));
    if (rc != TRAWL_OK)
        session_close(s);
    return rc;
}

void session_close(struct session *s)
{
    trawl_results_free(s->last);
    free(s->last_query);
    free(s->suggested);
    trawl_close(s->ix);
    memset(s, 0, sizeof *s);
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Prints text[a, b) with white space runs collapsed to one space; *space carries a pending
 * space from one call to the next, so pieces join as the text did. */
static void put_collapsed(FILE *f, const char *text, size_t a, size_t b, int *space)
{
    for (size_t i = a; i < b; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            *space = 1;
            continue;
        }
        if (*space)
            fputc(' ', f);
        *space = 0;
        fputc(c, f);
    }
}

/* The snippet of a passage with its marks: bold colour on a terminal, plain otherwise. */
static void print_snippet(struct session *s, const struct trawl_passage *p,
                          const struct trawl_snippet *sn, const char *indent)
{
    FILE *f = s->out;
    size_t at = sn->start;
    int space = 0;

    fputs(indent, f);
    if (sn->cut_before)
        fputs("…", f);
    for (size_t m = 0; m < sn->nmarks; m++) {
        size_t a = sn->marks[m].start, b = sn->marks[m].end;
        if (b <= sn->start || a >= sn->end)
            continue;
        if (a < sn->start)
            a = sn->start;
        if (b > sn->end)
            b = sn->end;
        put_collapsed(f, p->text, at, a, &space);
        if (space)
            fputc(' ', f); /* the space before the mark goes outside the colour */
        space = 0;
        if (s->o.color)
            fputs(C_MARK, f);
        put_collapsed(f, p->text, a, b, &space);
        if (s->o.color)
            fputs(C_OFF, f);
        at = b;
    }
    put_collapsed(f, p->text, at, sn->end, &space);
    if (sn->cut_after)
        fputs("…", f);
    fputc('\n', f);
}

/* A neighbouring passage (-C): its ordinal, dimmed, then its snippet like a hit's. */
static void print_context_passage(struct session *s, const trawl_results *r,
                                  const struct trawl_passage *p)
{
    struct trawl_snippet sn;
    char label[32];

    snprintf(label, sizeof label, "%s¶%u%s ", s->o.color ? C_DIM : "", p->ordinal,
             s->o.color ? C_OFF : "");
    fputs("     ", s->out);
    if (trawl_snippet(r, p->text, p->text_len, s->o.width, &sn, NULL) == TRAWL_OK) {
        print_snippet(s, p, &sn, label);
        trawl_snippet_release(&sn);
    }
}

/* -C N: the N passages before (after = 0) or after the hit, where the article has them. */
static void print_context(struct session *s, const trawl_results *r,
                          const struct trawl_hit *h, int after)
{
    const struct trawl_passage *hp = &h->passage;
    char *id = strndup(hp->article, hp->article_len);

    if (id == NULL)
        return;
    for (unsigned k = 0; k < s->o.context; k++) {
        struct trawl_passage *p;
        unsigned d = after ? k + 1 : s->o.context - k;
        if (!after && hp->ordinal < d)
            continue;
        if (trawl_passage_get(s->ix, id, after ? hp->ordinal + d : hp->ordinal - d, &p, NULL) ==
            TRAWL_OK) {
            print_context_passage(s, r, p);
            trawl_passage_free(p);
        }
    }
    free(id);
}

static void print_explain(struct session *s, const struct trawl_explanation *e, double score)
{
    double sum = 0, asum = 0;

    fprintf(s->out, "    explain: BM25 k1=%g b=%g, passage length %llu terms (average %.1f), "
                    "N=%llu passages\n",
            e->k1, e->b, (unsigned long long)e->passage_len, e->avg_len,
            (unsigned long long)e->passages);
    fprintf(s->out, "    passage part (¶%u; tf: own text + title):\n", e->scored_ordinal);
    for (size_t i = 0; i < e->n; i++) {
        const struct trawl_explain_term *t = &e->terms[i];
        char tf[48];
        snprintf(tf, sizeof tf, "%llu+%llu", (unsigned long long)t->tf,
                 (unsigned long long)t->title_tf);
        fprintf(s->out, "      %-20s tf=%-5s df=%-6llu idf=%.4f  weight=%.4f\n", t->term, tf,
                (unsigned long long)t->df, t->idf, t->weight);
        sum += t->weight;
    }
    if (!e->fused) {
        if (e->below > 0)
            fprintf(s->out, "      %-20s sum of weights %.4f x %.4f (past the re-ranked "
                            "articles) = score %.4f\n", "", sum, e->below, score);
        else
            fprintf(s->out, "      %-20s sum of weights %.4f = score %.4f\n", "", sum, score);
        return;
    }
    fprintf(s->out, "      %-20s sum of weights %.4f = passage part\n", "", sum);
    fprintf(s->out, "    article part: BM25 k1=%g b=%g, article length %.0f terms (average "
                    "%.1f), N=%llu articles\n",
            e->art_k1, e->art_b, e->art_len, e->art_avg_len, (unsigned long long)e->articles);
    for (size_t i = 0; i < e->n; i++) {
        const struct trawl_explain_term *t = &e->terms[i];
        fprintf(s->out, "      %-20s tf=%-5.0f df=%-6llu idf=%.4f  weight=%.4f\n", t->term,
                t->art_tf, (unsigned long long)t->art_df, t->art_idf, t->art_weight);
        asum += t->art_weight;
    }
    fprintf(s->out, "      %-20s sum of weights %.4f = article part\n", "", asum);
    if (e->below > 0)
        fprintf(s->out, "    score: article part %.4f x %.4f (past the re-ranked articles) = "
                        "%.4f\n",
                asum, e->below, score);
    else
        fprintf(s->out, "    score: %g x passage part %.4f + %g x article part %.4f = %.4f\n",
                e->alpha, sum, 1 - e->alpha, asum, score);
}

/* A derived title is the first sentence: not worth repeating above the passage it opens. */
static int title_opens_text(const struct trawl_passage *p)
{
    size_t n = p->title_len;
    const char *ell = "…";

    if (n >= 3 && memcmp(p->title + n - 3, ell, 3) == 0)
        n -= 3;
    if (n > p->text_len || n == 0)
        return 0;
    /* The title has its white space collapsed; compare word characters only. */
    for (size_t i = 0, j = 0; i < n; i++, j++) {
        while (j < p->text_len && (p->text[j] == '\n' || p->text[j] == '\t' ||
                                   (p->text[j] == ' ' && p->title[i] != ' ')))
            j++;
        if (j >= p->text_len || (p->text[j] != p->title[i] &&
                                 !(p->title[i] == ' ' && (p->text[j] == '\n' ||
                                                          p->text[j] == '\t'))))
            return 0;
    }
    return 1;
}

/* "(+2 near-duplicates: reuters-13534, reuters-13417)": the articles folded into hit i. */
static void print_duplicates(struct session *s, const trawl_results *r, size_t i)
{
    size_t n = trawl_results_duplicate_count(r, i);

    if (n == 0)
        return;
    fprintf(s->out, "     (+%zu near-duplicate%s: ", n, n == 1 ? "" : "s");
    for (size_t k = 0; k < n; k++) {
        const struct trawl_passage *d = trawl_results_duplicate(r, i, k);
        fprintf(s->out, "%s%.*s", k ? ", " : "", (int)d->article_len, d->article);
    }
    fputs(")\n", s->out);
}

/* A field as given in JSON Lines on one line: control characters (an escape sequence is one)
 * become spaces, runs of them one. */
static void put_field(FILE *f, const char *v, size_t len)
{
    int space = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= ' ' || c == 0x7f) {
            space = 1;
            continue;
        }
        if (space && i > 0)
            fputc(' ', f);
        space = 0;
        fputc(c, f);
    }
}

/* "Example Times · https://…" under the title, when the article has either (JSON Lines). */
static void print_fields(struct session *s, const struct trawl_passage *p)
{
    if (p->source_len == 0 && p->url_len == 0)
        return;
    fputs("     ", s->out);
    if (s->o.color)
        fputs(C_DIM, s->out);
    put_field(s->out, p->source, p->source_len);
    if (p->source_len && p->url_len)
        fputs(" · ", s->out);
    put_field(s->out, p->url, p->url_len);
    if (s->o.color)
        fputs(C_OFF, s->out);
    fputc('\n', s->out);
}

static void print_hit_human(struct session *s, const trawl_results *r, size_t i,
                            unsigned rank)
{
    const struct trawl_hit *h = trawl_results_hit(r, i);
    const struct trawl_passage *p = &h->passage;
    struct trawl_snippet sn;
    struct trawl_error err;
    FILE *f = s->out;

    fprintf(f, "%3u. ", rank);
    if (s->o.color)
        fputs(C_ID, f);
    fprintf(f, "%.*s", (int)p->article_len, p->article);
    if (s->o.color)
        fputs(C_OFF, f);
    fprintf(f, "  %.*s  ¶%u", (int)(p->date_len ? p->date_len : 7),
            p->date_len ? p->date : "no date", p->ordinal);
    if (!s->o.no_scores)
        fprintf(f, "  score %.3f", h->score);
    fputc('\n', f);
    if (p->title_len && !title_opens_text(p)) {
        fputs("     ", f);
        if (s->o.color)
            fputs(C_TITLE, f);
        fprintf(f, "%.*s", (int)p->title_len, p->title);
        if (s->o.color)
            fputs(C_OFF, f);
        fputc('\n', f);
    }
    print_fields(s, p);
    if (s->o.context)
        print_context(s, r, h, 0);
    if (trawl_snippet(r, p->text, p->text_len, s->o.width, &sn, NULL) == TRAWL_OK) {
        print_snippet(s, p, &sn, "     ");
        trawl_snippet_release(&sn);
    }
    if (s->o.context)
        print_context(s, r, h, 1);
    if (h->more > 0 && s->o.so.per_article)
        fprintf(f, "     (+%llu more matching passage%s in this article)\n",
                (unsigned long long)h->more, h->more == 1 ? "" : "s");
    print_duplicates(s, r, i);
    if (s->o.explain) {
        struct trawl_explanation e;
        if (trawl_explain(s->ix, r, i, &e, &err) == TRAWL_OK) {
            print_explain(s, &e, h->score);
            trawl_explanation_release(&e);
        } else {
            search_warn("cannot explain result %u: %s", rank, err.msg);
        }
    }
}

static json_t *json_strn(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    return j ? j : json_null();
}

/* Appends term to the JSON array ctx unless it is there already (trawl_word_fn). */
static int add_term(void *ctx, const char *word, size_t word_len, const char *term, size_t len)
{
    json_t *arr = ctx, *v;
    size_t i;

    (void)word;
    (void)word_len;
    json_array_foreach(arr, i, v)
    {
        if (json_string_length(v) == len && memcmp(json_string_value(v), term, len) == 0)
            return 0;
    }
    if ((v = json_stringn(term, len)) != NULL)
        json_array_append_new(arr, v);
    return 0;
}

static void print_hit_json(struct session *s, const char *qid, const trawl_results *r,
                           size_t i, unsigned rank)
{
    const struct trawl_hit *h = trawl_results_hit(r, i);
    const struct trawl_passage *p = &h->passage;
    json_t *o = json_object(), *marks = json_array(), *terms = json_array();
    struct trawl_snippet sn;
    struct trawl_error err;
    char *txt;

    if (o == NULL || marks == NULL || terms == NULL) {
        json_decref(o);
        json_decref(marks);
        json_decref(terms);
        return;
    }
    json_object_set_new(o, "version", json_integer(JSON_VERSION));
    json_object_set_new(o, "qid", json_string(qid));
    json_object_set_new(o, "rank", json_integer(rank));
    if (!s->o.no_scores)
        json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "article", json_strn(p->article, p->article_len));
    json_object_set_new(o, "title", json_strn(p->title, p->title_len));
    json_object_set_new(o, "date", p->date_len ? json_strn(p->date, p->date_len)
                                               : json_null());
    json_object_set_new(o, "url", p->url_len ? json_strn(p->url, p->url_len) : json_null());
    json_object_set_new(o, "source", p->source_len ? json_strn(p->source, p->source_len)
                                                   : json_null());
    json_object_set_new(o, "passage", json_integer(p->ordinal));
    json_object_set_new(o, "start", json_integer((json_int_t)p->start));
    json_object_set_new(o, "end", json_integer((json_int_t)p->end));
    json_object_set_new(o, "text", json_strn(p->text, p->text_len));
    if (trawl_snippet(r, p->text, p->text_len, 0, &sn, NULL) == TRAWL_OK) {
        for (size_t m = 0; m < sn.nmarks; m++) {
            json_t *pair = json_pack("[II]", (json_int_t)sn.marks[m].start,
                                     (json_int_t)sn.marks[m].end);
            json_array_append_new(marks, pair ? pair : json_null());
            /* The index terms of the marked words: what the query matched, as it was
             * analysed ("likes" matched the term "like"). */
            trawl_words(s->ix, p->text + sn.marks[m].start, sn.marks[m].end - sn.marks[m].start,
                        add_term, terms, NULL);
        }
        trawl_snippet_release(&sn);
    }
    json_object_set_new(o, "highlights", marks);
    json_object_set_new(o, "matched", terms);
    json_object_set_new(o, "more", json_integer((json_int_t)h->more));
    {
        json_t *dups = json_array();
        for (size_t k = 0; dups != NULL && k < trawl_results_duplicate_count(r, i); k++) {
            const struct trawl_passage *d = trawl_results_duplicate(r, i, k);
            json_array_append_new(dups, json_strn(d->article, d->article_len));
        }
        json_object_set_new(o, "duplicates", dups ? dups : json_null());
    }
    if (s->o.explain) {
        struct trawl_explanation e;
        if (trawl_explain(s->ix, r, i, &e, &err) == TRAWL_OK) {
            json_t *arr = json_array();
            for (size_t k = 0; arr && k < e.n; k++) {
                const struct trawl_explain_term *t = &e.terms[k];
                json_array_append_new(
                    arr, json_pack("{s:s,s:I,s:I,s:I,s:f,s:f,s:f,s:I,s:f,s:f}", "term", t->term,
                                   "tf", (json_int_t)t->tf, "title_tf", (json_int_t)t->title_tf,
                                   "df", (json_int_t)t->df, "idf", t->idf, "weight", t->weight,
                                   "art_tf", t->art_tf, "art_df", (json_int_t)t->art_df,
                                   "art_idf", t->art_idf, "art_weight", t->art_weight));
            }
            json_object_set_new(o, "explain", arr ? arr : json_null());
            json_object_set_new(o, "length", json_integer((json_int_t)e.passage_len));
            json_object_set_new(o, "passage_part", json_real(e.passage_score));
            if (e.fused) {
                json_object_set_new(o, "alpha", json_real(e.alpha));
                json_object_set_new(o, "article_part", json_real(e.article_score));
                json_object_set_new(o, "article_length", json_real(e.art_len));
            }
            if (e.below > 0) {
                json_object_set_new(o, "below", json_real(e.below));
            }
            trawl_explanation_release(&e);
        } else {
            search_warn("cannot explain result %u: %s", rank, err.msg);
        }
    }
    txt = json_dumps(o, JSON_COMPACT);
    if (txt != NULL) {
        fputs(txt, s->out);
        fputc('\n', s->out);
        free(txt);
    }
    json_decref(o);
}

/* TREC run format: qid Q0 docid rank score tag. */
static void print_hit_trec(struct session *s, const char *qid, const struct trawl_hit *h,
                           unsigned rank)
{
    fprintf(s->out, "%s Q0 %.*s", qid, (int)h->passage.article_len, h->passage.article);
    if (s->o.trec_passages)
        fprintf(s->out, "#%u", h->passage.ordinal);
    fprintf(s->out, " %u %.6f %s\n", rank, h->score, s->o.trec_tag ? s->o.trec_tag : "trawl");
}

/* The parser's message without its own " at column N" phrases: the report names the column
 * once, in front. */
static void strip_columns(const char *msg, char *out, size_t cap)
{
    static const char at[] = " at column ";
    size_t o = 0;

    while (*msg != '\0' && o + 1 < cap) {
        if (strncmp(msg, at, sizeof at - 1) == 0 && msg[sizeof at - 1] >= '0' &&
            msg[sizeof at - 1] <= '9') {
            msg += sizeof at - 1;
            while (*msg >= '0' && *msg <= '9')
                msg++;
            continue;
        }
        out[o++] = *msg++;
    }
    out[o] = '\0';
}

/* The query as shown in a message: control characters as spaces (so the message stays one
 * line and a caret lines up), at most max code points, then "…". */
static void put_query(FILE *f, const char *q, size_t max)
{
    size_t cps = 0;

    for (; *q != '\0'; q++) {
        unsigned char c = (unsigned char)*q;
        if ((c & 0xC0) != 0x80 && cps++ == max) {
            fputs("…", f);
            return;
        }
        fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
    }
}

/* Prints "PROG: error in query 'Q' at column N: MSG" as one line and, when stderr is a
 * terminal (the prompt, or a one-shot query typed in a shell), the query again with a caret
 * under column N. */
static void report_query_error(const struct session *s, const char *qid, const char *query,
                               size_t col, const struct trawl_error *err)
{
    char where[80] = "";
    char msg[sizeof err->msg];
    /* QUERY_SHOWN code points of at most 4 bytes, and the "…" (3 bytes) after them. */
    char shown[4 * QUERY_SHOWN + 8];
    size_t cps = 0;
    FILE *m;

    for (const char *q = query; *q != '\0'; q++)
        cps += ((unsigned char)*q & 0xC0) != 0x80;
    strip_columns(err->msg, msg, sizeof msg);
    memset(shown, 0, sizeof shown);
    if ((m = fmemopen(shown, sizeof shown - 1, "w")) != NULL) {
        put_query(m, query, QUERY_SHOWN);
        fclose(m);
    }
    /* In a batch, which query of the input: its qid and line. */
    if (s->lineno > 0)
        snprintf(where, sizeof where, "query %.40s (line %zu): ", qid, s->lineno);
    if (col >= 1 && col <= cps + 1)
        search_warn("%serror in query '%s' at column %zu: %s", where, shown, col, msg);
    else
        search_warn("%serror in query '%s': %s", where, shown, msg);
    /* The caret continues the message: under the query, in a terminal only. */
    if (isatty(2) && col >= 1 && col <= cps + 1 && col <= QUERY_SHOWN) {
        fputs("  ", stderr);
        put_query(stderr, query, QUERY_SHOWN);
        fprintf(stderr, "\n  %*s^\n", (int)(col - 1), "");
    }
}

/* The "did you mean" lines above the results (summary NULL), or the summary's "suggestions";
 * and the query rewritten with them, kept in s->suggested for the prompt's :y whether or not
 * the query found something (print_did_you_mean shows it when nothing was found), and in the
 * summary's "did_you_mean" when the query found nothing (none). */
static void suggest(struct session *s, const trawl_results *r, const char *query, int none,
                    json_t *summary)
{
    struct suggestions sg = {NULL, 0};
    json_t *arr = summary ? json_array() : NULL;
    char *fixed;

    free(s->suggested);
    s->suggested = NULL;
    if (suggest_collect(s->ix, r, &sg) != 0)
        search_warn("out of memory");
    for (size_t i = 0; i < sg.n; i++) {
        const struct suggestion *g = &sg.v[i];
        if (arr != NULL && g->rare)
            json_array_append_new(arr, json_pack("{s:s,s:s,s:b,s:I,s:I}", "word", g->word,
                                                 "suggestion", g->sug, "rare", 1, "word_freq",
                                                 (json_int_t)g->word_freq, "suggestion_freq",
                                                 (json_int_t)g->sug_freq));
        else if (arr != NULL)
            json_array_append_new(arr, json_pack("{s:s,s:s}", "word", g->word, "suggestion",
                                                 g->sug));
        else if (g->rare)
            fprintf(s->out, "'%s' is rare in the index (%llu time%s); did you mean '%s' "
                            "(%llu times)?\n",
                    g->word, (unsigned long long)g->word_freq, g->word_freq == 1 ? "" : "s",
                    g->sug, (unsigned long long)g->sug_freq);
        else
            fprintf(s->out, "'%s' is not in the index; did you mean '%s'?\n", g->word, g->sug);
    }
    fixed = sg.n > 0 ? suggest_rewrite(query, r, &sg) : NULL;
    if (fixed != NULL && none && arr != NULL)
        json_object_set_new(summary, "did_you_mean", json_string(fixed));
    s->suggested = fixed;
    suggest_release(&sg);
    if (arr != NULL)
        json_object_set_new(summary, "suggestions", arr);
}

/* After "no passage matches": the rewritten query as a command to copy, or at the prompt as
 * a query that :y runs. */
static void print_did_you_mean(struct session *s)
{
    if (s->suggested == NULL)
        return;
    if (s->interactive) {
        fprintf(s->out, "did you mean: %s   (:y runs it)\n", s->suggested);
    } else {
        fputs("did you mean: ", s->out);
        suggest_print_command(s->out, s->o.db, s->suggested);
        fputc('\n', s->out);
    }
}

/* --timings: the query's wall time so far (parse, search, output), in milliseconds. */
static void record_time(struct session *s, const char *qid, double t0)
{
    if (s->o.timings != NULL) {
        fprintf(s->o.timings, "%s\t%.3f\n", qid, now_ms() - t0);
    }
}

/* What n counts, in the singular when n is 1: "matching article(s)", or passages in the
 * every-passage view (per_article 0). */
static const char *matching(unsigned per_article, uint64_t n)
{
    if (per_article)
        return n == 1 ? "matching article" : "matching articles";
    return n == 1 ? "matching passage" : "matching passages";
}

static int count_word(void *ctx, const char *word, size_t word_len, const char *term,
                      size_t term_len)
{
    (void)word, (void)word_len, (void)term, (void)term_len;
    ++*(size_t *)ctx;
    return 1; /* one is enough */
}

/* 1 when query holds no word at all ("?!..."): nothing to search, rather than no match. */
static int has_no_words(struct session *s, const char *query)
{
    struct trawl_error err;
    size_t words = 0;

    return trawl_words(s->ix, query, strlen(query), count_word, &words, &err) == TRAWL_OK &&
           words == 0;
}

/* Under hits ranked by score, when every weighing term of the query is in more than half of
 * the articles (of the passages, when the score has no article part): BM25 gives such terms
 * an idf near 0, so the scores say next to nothing, and nothing at all when they tie. Returns
 * 1 when it printed the note (a blank line, then the note). */
static int note_common_words(struct session *s, const trawl_results *r)
{
    struct trawl_explanation e;
    struct trawl_error err;
    size_t n = trawl_results_count(r);
    int common, tie = 1;

    if (n == 0 || s->o.so.sort != TRAWL_SORT_SCORE || trawl_explain(s->ix, r, 0, &e, &err) != 0)
        return 0;
    common = e.n > 0;
    for (size_t i = 0; i < e.n && common; i++)
        common = e.fused ? e.terms[i].art_df * 2 > e.articles
                         : e.terms[i].df * 2 > e.passages;
    for (size_t i = 1; i < n && tie; i++)
        tie = trawl_results_hit(r, i)->score == trawl_results_hit(r, 0)->score;
    if (common)
        fprintf(s->out, "\n%snote: every word of the query is in more than half of the %s: %s%s\n",
                s->o.color ? C_DIM : "", e.fused ? "articles" : "passages",
                tie && n > 1 ? "the results tie, and their order means nothing"
                             : "the scores say little, and so does the order",
                s->o.color ? C_OFF : "");
    trawl_explanation_release(&e);
    return common;
}

/* The human-readable page: hits, then what the page was (or why it is empty). */
static void print_human(struct session *s, const trawl_results *r, const char *query,
                        unsigned offset, double took, int past_end)
{
    uint64_t total = trawl_results_estimated(r);
    const char *what = matching(s->o.so.per_article, total);
    size_t n = trawl_results_count(r);

    suggest(s, r, query, n == 0 && !past_end, NULL);
    for (size_t i = 0; i < n; i++) {
        print_hit_human(s, r, i, offset + (unsigned)i + 1);
        if (i + 1 < n)
            fputc('\n', s->out);
    }
    if (past_end) {
        fprintf(s->out, "no more results (%llu %s)\n", (unsigned long long)total, what);
    } else if (n == 0 && has_no_words(s, query)) {
        fprintf(s->out, "the query '%s' has no words to search\n", query);
    } else if (n == 0) {
        fprintf(s->out, "no passage matches '%s'\n", query);
        print_did_you_mean(s);
    } else if (!s->o.no_scores) {
        /* Above the count, which --no-scores leaves out with the scores it is about. */
        char shown[48];
        int noted = note_common_words(s, r);
        if (offset == 0)
            snprintf(shown, sizeof shown, "%zu", n);
        else
            snprintf(shown, sizeof shown, "results %u-%u", offset + 1, offset + (unsigned)n);
        fprintf(s->out, "%s%s%s of %s%llu %s, %.1f ms%s\n", noted ? "" : "\n",
                s->o.color ? C_DIM : "", shown, trawl_results_exact(r) ? "" : "about ",
                (unsigned long long)total, what, took, s->o.color ? C_OFF : "");
    }
}

const char *session_sort_name(enum trawl_sort sort)
{
    switch (sort) {
    case TRAWL_SORT_DATE: return "date";
    case TRAWL_SORT_DATE_ASC: return "-date";
    default: return "score";
    }
}

int session_parse_sort(const char *name, enum trawl_sort *out)
{
    static const enum trawl_sort all[] = {TRAWL_SORT_SCORE, TRAWL_SORT_DATE,
                                          TRAWL_SORT_DATE_ASC};

    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, session_sort_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

int session_query(struct session *s, const char *qid, const char *query, unsigned offset)
{
    struct trawl_search_opts so = s->o.so;
    trawl_results *r = NULL;
    struct trawl_error err;
    double t0 = now_ms(), took;
    int past_end;
    size_t n;
    int rc;

    if (qid == NULL)
        qid = "1";
    so.offset = offset;
    rc = trawl_search(s->ix, query, strlen(query), &so, &r, &err);
    if (rc != TRAWL_OK) {
        if (rc == TRAWL_ECANCELLED)
            search_warn("search cancelled");
        else if (rc == TRAWL_EINPUT)
            report_query_error(s, qid, query, err.column, &err);
        else
            search_warn("%s", err.msg);
        record_time(s, qid, t0);
        return 2;
    }
    took = now_ms() - t0;
    n = trawl_results_count(r);
    /* A page past the last result of a query that matches: not "no match". */
    past_end = n == 0 && offset > 0 && trawl_results_estimated(r) > 0;

    if (s->o.format == FMT_HUMAN) {
        print_human(s, r, query, offset, took, past_end);
    } else if (s->o.format == FMT_JSON) {
        json_t *sum;
        char *txt;
        for (size_t i = 0; i < n; i++)
            print_hit_json(s, qid, r, i, offset + (unsigned)i + 1);
        sum = json_pack("{s:i,s:b,s:s,s:s,s:I,s:I,s:I,s:b}", "version", JSON_VERSION, "summary",
                        1, "qid", qid, "query", query, "offset", (json_int_t)offset, "hits",
                        (json_int_t)n, "estimated", (json_int_t)trawl_results_estimated(r),
                        "exact", trawl_results_exact(r));
        if (sum != NULL) {
            json_object_set_new(sum, "sort", json_string(session_sort_name(so.sort)));
            if (!s->o.no_scores)
                json_object_set_new(sum, "took_ms", json_real(took));
            suggest(s, r, query, n == 0 && !past_end, sum);
            if ((txt = json_dumps(sum, JSON_COMPACT)) != NULL) {
                fputs(txt, s->out);
                fputc('\n', s->out);
                free(txt);
            }
            json_decref(sum);
        }
    } else {
        for (size_t i = 0; i < n; i++)
            print_hit_trec(s, qid, trawl_results_hit(r, i), offset + (unsigned)i + 1);
    }
    fflush(s->out);
    record_time(s, qid, t0);
    rc = n > 0 || past_end ? 0 : 1;
    if (past_end && s->last_query != NULL && strcmp(query, s->last_query) == 0) {
        /* :more past the end: stay on the last page, so that it says so again. */
        trawl_results_free(r);
        return rc;
    }
    if (query != s->last_query) {
        char *copy = strdup(query);
        free(s->last_query);
        s->last_query = copy;
    }
    trawl_results_free(s->last);
    s->last = r;
    s->last_offset = offset;
    s->last_so = so;
    return rc;
}

/* Result rank (1-based, as shown) of the last query: hit *i of *r, which is s->last when the
 * rank is on the last page, else the query run again for that rank alone (owned by the
 * caller: free it when it is not s->last). Reports and returns 2 when there is none. */
static int last_result(struct session *s, unsigned rank, trawl_results **r, size_t *i)
{
    struct trawl_search_opts so;
    struct trawl_error err;
    int rc;

    if (s->last_query == NULL) {
        search_warn("no query yet");
        return 2;
    }
    if (s->last != NULL && rank > s->last_offset &&
        rank <= s->last_offset + trawl_results_count(s->last)) {
        *r = s->last;
        *i = rank - s->last_offset - 1;
        return 0;
    }
    /* The same options as the query that ran, for the one result wanted. */
    so = s->last_so;
    so.offset = rank - 1;
    so.count = 1;
    rc = trawl_search(s->ix, s->last_query, strlen(s->last_query), &so, r, &err);
    if (rc != TRAWL_OK) {
        search_warn("%s", rc == TRAWL_ECANCELLED ? "search cancelled" : err.msg);
        return 2;
    }
    if (trawl_results_count(*r) == 0) {
        search_warn("no result %u: the last query has %llu %s", rank,
                    (unsigned long long)trawl_results_estimated(*r),
                    matching(so.per_article, trawl_results_estimated(*r)));
        trawl_results_free(*r);
        return 2;
    }
    *i = 0;
    return 0;
}

struct show_ctx {
    struct session *s;
    const trawl_results *r; /* for the query's marks */
    unsigned mark;
};

static int show_passage(void *ctx, const struct trawl_passage *p)
{
    struct show_ctx *c = ctx;
    struct session *s = c->s;
    struct trawl_snippet sn;
    char label[48];
    int space = 0, marked = p->ordinal == c->mark;

    snprintf(label, sizeof label, "%s%s¶%u%s ", marked && s->o.color ? C_TITLE : "",
             marked ? "▶ " : "  ", p->ordinal, marked && s->o.color ? C_OFF : "");
    /* The whole passage (width 0), the query's words marked as in a result. */
    if (trawl_snippet(c->r, p->text, p->text_len, 0, &sn, NULL) == TRAWL_OK) {
        print_snippet(s, p, &sn, label);
        trawl_snippet_release(&sn);
    } else {
        fputs(label, s->out);
        put_collapsed(s->out, p->text, 0, p->text_len, &space);
        fputc('\n', s->out);
    }
    fputc('\n', s->out);
    return 0;
}

int session_show(struct session *s, unsigned rank)
{
    const struct trawl_passage *p;
    struct show_ctx c = {s, NULL, 0};
    struct trawl_error err;
    trawl_results *r;
    size_t i;
    char *id;
    int rc;

    if (last_result(s, rank, &r, &i) != 0)
        return 2;
    c.r = r;
    p = &trawl_results_hit(r, i)->passage;
    c.mark = p->ordinal;
    if ((id = strndup(p->article, p->article_len)) == NULL) {
        search_warn("out of memory");
        rc = 2;
        goto out;
    }
    fprintf(s->out, "%s  %.*s\n%.*s\n\n", id, (int)p->date_len, p->date, (int)p->title_len,
            p->title);
    rc = trawl_each_passage(s->ix, id, show_passage, &c, &err);
    free(id);
    if (rc != TRAWL_OK) {
        search_warn("%s", err.msg);
        rc = 2;
    }
out:
    if (r != s->last)
        trawl_results_free(r);
    return rc;
}

int session_explain(struct session *s, unsigned rank)
{
    const struct trawl_hit *h;
    struct trawl_explanation e;
    struct trawl_error err;
    trawl_results *r;
    size_t i;
    int rc = 0;

    if (last_result(s, rank, &r, &i) != 0)
        return 2;
    h = trawl_results_hit(r, i);
    if (trawl_explain(s->ix, r, i, &e, &err) != TRAWL_OK) {
        search_warn("%s", err.msg);
        rc = 2;
    } else {
        fprintf(s->out, "%3u. %.*s ¶%u  score %.4f\n", rank, (int)h->passage.article_len,
                h->passage.article, h->passage.ordinal, h->score);
        print_explain(s, &e, h->score);
        trawl_explanation_release(&e);
    }
    if (r != s->last)
        trawl_results_free(r);
    return rc;
}

int session_stats(struct session *s)
{
    struct trawl_stats st;
    struct trawl_error err;
    char *out = NULL;

    if (trawl_stats(s->ix, &st, &err) != TRAWL_OK) {
        search_warn("%s", err.msg);
        return 2;
    }
    /* The formatter fails only for want of memory, and has no message to give. */
    if ((out = trawl_stats_format(s->o.db, &st)) == NULL) {
        search_warn("out of memory");
        return 2;
    }
    fputs(out, s->out);
    free(out);
    return 0;
}
