#include "searcher/search.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/snippet.h"

#define PROG "trawl-search"
#define JSON_VERSION 1
#define QUERY_SHOWN 200 /* code points of a query quoted in an error message */

#define C_MARK "\033[1;31m"
#define C_TITLE "\033[1m"
#define C_DIM "\033[2m"
#define C_ID "\033[35m"
#define C_OFF "\033[0m"

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

int session_open(struct session *s, const struct session_opts *o, FILE *out, struct terr *err)
{
    struct index_open_opts oo = {.mode = INDEX_READ, .allow_partial = o->allow_partial};
    int rc;

    memset(s, 0, sizeof *s);
    s->o = *o;
    s->out = out;
    rc = index_open(o->db, &oo, &s->ix, err);
    if (rc == TRAWL_OK && index_warning(s->ix) != NULL)
        search_warn("warning: %s", index_warning(s->ix));
    if (rc == TRAWL_OK)
        rc = analyzer_new(index_lang(s->ix), &s->an, err);
    if (rc != TRAWL_OK)
        session_close(s);
    return rc;
}

void session_close(struct session *s)
{
    index_results_free(s->last);
    free(s->last_query);
    analyzer_free(s->an);
    index_close(s->ix);
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
static void print_snippet(struct session *s, const struct schema_passage *p,
                          const struct snippet *sn, const char *indent)
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
static void print_context_passage(struct session *s, const struct index_results *r,
                                  const struct schema_passage *p)
{
    struct snippet sn;
    struct terr err;
    char label[32];

    snprintf(label, sizeof label, "%s¶%u%s ", s->o.color ? C_DIM : "", p->ordinal,
             s->o.color ? C_OFF : "");
    fputs("     ", s->out);
    if (snippet_make(s->an, p->text, p->text_len, &r->hl, s->o.width, &sn, &err) == TRAWL_OK) {
        print_snippet(s, p, &sn, label);
        snippet_release(&sn);
    }
}

/* -C N: the N passages before (after = 0) or after the hit, where the article has them. */
static void print_context(struct session *s, const struct index_results *r,
                          const struct index_hit *h, int after)
{
    char *id = strndup(h->p.id, h->p.id_len);
    struct sbuf store;
    struct terr err;

    if (id == NULL)
        return;
    sbuf_init(&store);
    for (unsigned k = 0; k < s->o.context; k++) {
        struct schema_passage p;
        unsigned d = after ? k + 1 : s->o.context - k;
        if (!after && h->p.ordinal < d)
            continue;
        if (index_passage(s->ix, id, after ? h->p.ordinal + d : h->p.ordinal - d, &store, &p,
                          &err) == TRAWL_OK)
            print_context_passage(s, r, &p);
    }
    sbuf_release(&store);
    free(id);
}

static void print_explain(struct session *s, const struct index_explanation *e, double score)
{
    double sum = 0;

    fprintf(s->out, "    explain: BM25 k1=%g b=%g, passage length %llu terms (average %.1f), "
                    "N=%llu passages\n",
            e->k1, e->b, (unsigned long long)e->passage_len, e->avg_len,
            (unsigned long long)e->passages);
    for (size_t i = 0; i < e->n; i++) {
        fprintf(s->out, "      %-20s tf=%-3llu df=%-6llu idf=%.4f  weight=%.4f\n", e->v[i].term,
                (unsigned long long)e->v[i].tf, (unsigned long long)e->v[i].df, e->v[i].idf,
                e->v[i].weight);
        sum += e->v[i].weight;
    }
    fprintf(s->out, "      %-20s sum of weights %.4f = score %.4f\n", "", sum, score);
}

/* A derived title is the first sentence: not worth repeating above the passage it opens. */
static int title_opens_text(const struct schema_passage *p)
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

static void print_hit_human(struct session *s, const struct index_results *r, size_t i,
                            unsigned rank)
{
    const struct index_hit *h = &r->hits[i];
    struct snippet sn;
    struct terr err;
    FILE *f = s->out;

    fprintf(f, "%3u. ", rank);
    if (s->o.color)
        fputs(C_ID, f);
    fprintf(f, "%.*s", (int)h->p.id_len, h->p.id);
    if (s->o.color)
        fputs(C_OFF, f);
    fprintf(f, "  %.*s  ¶%u", (int)(h->p.date_len ? h->p.date_len : 7),
            h->p.date_len ? h->p.date : "no date", h->p.ordinal);
    if (!s->o.no_scores)
        fprintf(f, "  score %.3f", h->score);
    fputc('\n', f);
    if (h->p.title_len && !title_opens_text(&h->p)) {
        fputs("     ", f);
        if (s->o.color)
            fputs(C_TITLE, f);
        fprintf(f, "%.*s", (int)h->p.title_len, h->p.title);
        if (s->o.color)
            fputs(C_OFF, f);
        fputc('\n', f);
    }
    if (s->o.context)
        print_context(s, r, h, 0);
    if (snippet_make(s->an, h->p.text, h->p.text_len, &r->hl, s->o.width, &sn, &err) ==
        TRAWL_OK) {
        print_snippet(s, &h->p, &sn, "     ");
        snippet_release(&sn);
    }
    if (s->o.context)
        print_context(s, r, h, 1);
    if (h->more > 0 && s->o.so.per_article)
        fprintf(f, "     (+%llu more matching passage%s in this article)\n",
                (unsigned long long)h->more, h->more == 1 ? "" : "s");
    if (s->o.explain) {
        struct index_explanation e;
        if (index_explain(s->ix, r, i, &s->o.so, &e, &err) == TRAWL_OK) {
            print_explain(s, &e, h->score);
            index_explanation_release(&e);
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

/* Appends term to the JSON array ctx unless it is there already (analyze_fn). */
static int add_term(void *ctx, const struct tok_token *tk, const char *term, size_t len)
{
    json_t *arr = ctx, *v;
    size_t i;

    (void)tk;
    json_array_foreach(arr, i, v)
    {
        if (json_string_length(v) == len && memcmp(json_string_value(v), term, len) == 0)
            return 0;
    }
    if ((v = json_stringn(term, len)) != NULL)
        json_array_append_new(arr, v);
    return 0;
}

static void print_hit_json(struct session *s, const char *qid, const struct index_results *r,
                           size_t i, unsigned rank)
{
    const struct index_hit *h = &r->hits[i];
    json_t *o = json_object(), *marks = json_array(), *terms = json_array();
    struct snippet sn;
    struct terr err;
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
    json_object_set_new(o, "article", json_strn(h->p.id, h->p.id_len));
    json_object_set_new(o, "title", json_strn(h->p.title, h->p.title_len));
    json_object_set_new(o, "date", h->p.date_len ? json_strn(h->p.date, h->p.date_len)
                                                 : json_null());
    json_object_set_new(o, "passage", json_integer(h->p.ordinal));
    json_object_set_new(o, "start", json_integer((json_int_t)h->p.start));
    json_object_set_new(o, "end", json_integer((json_int_t)h->p.end));
    json_object_set_new(o, "text", json_strn(h->p.text, h->p.text_len));
    if (snippet_make(s->an, h->p.text, h->p.text_len, &r->hl, 0, &sn, &err) == TRAWL_OK) {
        for (size_t m = 0; m < sn.nmarks; m++) {
            json_t *pair = json_pack("[II]", (json_int_t)sn.marks[m].start,
                                     (json_int_t)sn.marks[m].end);
            json_array_append_new(marks, pair ? pair : json_null());
            /* The index terms of the marked words: what the query matched, as it was
             * analysed ("likes" matched the term "like"). */
            analyze_each(s->an, h->p.text + sn.marks[m].start,
                         sn.marks[m].end - sn.marks[m].start, add_term, terms);
        }
        snippet_release(&sn);
    }
    json_object_set_new(o, "highlights", marks);
    json_object_set_new(o, "matched", terms);
    json_object_set_new(o, "more", json_integer((json_int_t)h->more));
    if (s->o.explain) {
        struct index_explanation e;
        if (index_explain(s->ix, r, i, &s->o.so, &e, &err) == TRAWL_OK) {
            json_t *arr = json_array();
            for (size_t k = 0; arr && k < e.n; k++)
                json_array_append_new(arr, json_pack("{s:s,s:I,s:I,s:f,s:f}", "term",
                                                     e.v[k].term, "tf", (json_int_t)e.v[k].tf,
                                                     "df", (json_int_t)e.v[k].df, "idf",
                                                     e.v[k].idf, "weight", e.v[k].weight));
            json_object_set_new(o, "explain", arr ? arr : json_null());
            json_object_set_new(o, "length", json_integer((json_int_t)e.passage_len));
            index_explanation_release(&e);
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
static void print_hit_trec(struct session *s, const char *qid, const struct index_hit *h,
                           unsigned rank)
{
    fprintf(s->out, "%s Q0 %.*s", qid, (int)h->p.id_len, h->p.id);
    if (s->o.trec_passages)
        fprintf(s->out, "#%u", h->p.ordinal);
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
static void report_query_error(const char *query, size_t col, const struct terr *err)
{
    char msg[sizeof err->msg];
    size_t cps = 0;

    for (const char *q = query; *q != '\0'; q++)
        cps += ((unsigned char)*q & 0xC0) != 0x80;
    strip_columns(err->msg, msg, sizeof msg);
    fflush(stdout);
    fputs(PROG ": error in query '", stderr);
    put_query(stderr, query, QUERY_SHOWN);
    if (col >= 1 && col <= cps + 1)
        fprintf(stderr, "' at column %zu: %s\n", col, msg);
    else
        fprintf(stderr, "': %s\n", msg);
    if (isatty(2) && col >= 1 && col <= cps + 1 && col <= QUERY_SHOWN) {
        fputs("  ", stderr);
        put_query(stderr, query, QUERY_SHOWN);
        fprintf(stderr, "\n  %*s^\n", (int)(col - 1), "");
    }
}

static void suggest(struct session *s, const struct index_results *r, json_t *summary)
{
    struct sbuf sug;
    struct terr err;
    json_t *arr = summary ? json_array() : NULL;

    sbuf_init(&sug);
    for (size_t i = 0; i < r->nunknown; i++) {
        if (index_suggest(s->ix, r->unknown[i], strlen(r->unknown[i]), &sug, &err) != TRAWL_OK ||
            sug.len == 0)
            continue;
        if (arr != NULL) {
            json_array_append_new(arr, json_pack("{s:s,s:s}", "word", r->unknown[i],
                                                 "suggestion", sug.buf));
        } else {
            fprintf(s->out, "'%s' is not in the index; did you mean '%s'?\n", r->unknown[i],
                    sug.buf);
        }
    }
    if (arr != NULL)
        json_object_set_new(summary, "suggestions", arr);
    sbuf_release(&sug);
}

/* --timings: the query's wall time so far (parse, search, output), in milliseconds. */
static void record_time(struct session *s, const char *qid, double t0)
{
    if (s->o.timings != NULL) {
        fprintf(s->o.timings, "%s\t%.3f\n", qid, now_ms() - t0);
    }
}

int session_query(struct session *s, const char *qid, const char *query, unsigned offset)
{
    struct query_opts qo = {s->o.default_and};
    struct qnode *root = NULL;
    struct index_results *r = NULL;
    struct index_search_opts so = s->o.so;
    struct terr err;
    size_t col = 0;
    double t0 = now_ms(), took;
    int rc;

    if (qid == NULL)
        qid = "1";
    rc = query_parse(query, strlen(query), &qo, &root, &col, &err);
    if (rc != TRAWL_OK) {
        if (rc == TRAWL_EINPUT)
            report_query_error(query, col, &err);
        else
            search_warn("%s", err.msg);
        record_time(s, qid, t0);
        return 2;
    }
    so.offset = offset;
    rc = index_search(s->ix, root, &so, &r, &err);
    query_free(root);
    if (rc != TRAWL_OK) {
        search_warn("%s", err.msg);
        record_time(s, qid, t0);
        return 2;
    }
    took = now_ms() - t0;
    /* Xapian's estimate of collapsed matches is a guess; never below what was seen. */
    if (r->estimated < (uint64_t)offset + r->n)
        r->estimated = (uint64_t)offset + r->n;

    if (s->o.format == FMT_HUMAN) {
        if (r->nunknown)
            suggest(s, r, NULL);
        for (size_t i = 0; i < r->n; i++) {
            print_hit_human(s, r, i, offset + (unsigned)i + 1);
            if (i + 1 < r->n)
                fputc('\n', s->out);
        }
        if (r->n == 0)
            fprintf(s->out, "no passage matches '%s'\n", query);
        else if (!s->o.no_scores) {
            char shown[48];
            if (offset == 0)
                snprintf(shown, sizeof shown, "%zu", r->n);
            else
                snprintf(shown, sizeof shown, "results %u-%u", offset + 1,
                         offset + (unsigned)r->n);
            fprintf(s->out, "\n%s%s of about %llu %s, %.1f ms%s\n", s->o.color ? C_DIM : "",
                    shown, (unsigned long long)r->estimated,
                    s->o.so.per_article ? "matching articles" : "matching passages", took,
                    s->o.color ? C_OFF : "");
        }
    } else if (s->o.format == FMT_JSON) {
        json_t *sum;
        char *txt;
        for (size_t i = 0; i < r->n; i++)
            print_hit_json(s, qid, r, i, offset + (unsigned)i + 1);
        sum = json_pack("{s:i,s:b,s:s,s:s,s:I,s:I,s:I}", "version", JSON_VERSION, "summary", 1,
                        "qid", qid, "query", query, "offset", (json_int_t)offset, "hits",
                        (json_int_t)r->n, "estimated", (json_int_t)r->estimated);
        if (sum != NULL) {
            if (!s->o.no_scores)
                json_object_set_new(sum, "took_ms", json_real(took));
            suggest(s, r, sum);
            if ((txt = json_dumps(sum, JSON_COMPACT)) != NULL) {
                fputs(txt, s->out);
                fputc('\n', s->out);
                free(txt);
            }
            json_decref(sum);
        }
    } else {
        for (size_t i = 0; i < r->n; i++)
            print_hit_trec(s, qid, &r->hits[i], offset + (unsigned)i + 1);
    }
    fflush(s->out);
    record_time(s, qid, t0);
    rc = r->n > 0 ? 0 : 1;
    if (query != s->last_query) {
        char *copy = strdup(query);
        free(s->last_query);
        s->last_query = copy;
    }
    index_results_free(s->last);
    s->last = r;
    s->last_offset = offset;
    return rc;
}

static const struct index_hit *last_hit(struct session *s, unsigned rank)
{
    if (s->last == NULL || rank <= s->last_offset || rank > s->last_offset + s->last->n) {
        search_warn("no result %u on the last page", rank);
        return NULL;
    }
    return &s->last->hits[rank - s->last_offset - 1];
}

struct show_ctx {
    struct session *s;
    unsigned mark;
};

static int show_passage(void *ctx, const struct schema_passage *p)
{
    struct show_ctx *c = ctx;
    struct session *s = c->s;
    int space = 0, marked = p->ordinal == c->mark;

    if (marked && s->o.color)
        fputs(C_TITLE, s->out);
    fprintf(s->out, "%s¶%u ", marked ? "▶ " : "  ", p->ordinal);
    put_collapsed(s->out, p->text, 0, p->text_len, &space);
    if (marked && s->o.color)
        fputs(C_OFF, s->out);
    fputs("\n\n", s->out);
    return 0;
}

int session_show(struct session *s, unsigned rank)
{
    const struct index_hit *h = last_hit(s, rank);
    struct show_ctx c = {s, 0};
    struct terr err;
    char *id;
    int rc;

    if (h == NULL)
        return 2;
    c.mark = h->p.ordinal;
    id = strndup(h->p.id, h->p.id_len);
    if (id == NULL)
        return 2;
    fprintf(s->out, "%s  %.*s\n%.*s\n\n", id, (int)h->p.date_len, h->p.date,
            (int)h->p.title_len, h->p.title);
    rc = index_each_passage(s->ix, id, show_passage, &c, &err);
    free(id);
    if (rc != TRAWL_OK) {
        search_warn("%s", err.msg);
        return 2;
    }
    return 0;
}

int session_explain(struct session *s, unsigned rank)
{
    const struct index_hit *h = last_hit(s, rank);
    struct index_explanation e;
    struct terr err;

    if (h == NULL)
        return 2;
    if (index_explain(s->ix, s->last, (size_t)(h - s->last->hits), &s->o.so, &e, &err) !=
        TRAWL_OK) {
        search_warn("%s", err.msg);
        return 2;
    }
    fprintf(s->out, "%3u. %.*s ¶%u  score %.4f\n", rank, (int)h->p.id_len, h->p.id,
            h->p.ordinal, h->score);
    print_explain(s, &e, h->score);
    index_explanation_release(&e);
    return 0;
}

int session_stats(struct session *s)
{
    struct index_stats st;
    struct terr err;
    struct sbuf out;

    sbuf_init(&out);
    if (index_stats(s->ix, &st, &err) != TRAWL_OK ||
        index_stats_format(s->o.db, &st, &out) != TRAWL_OK) {
        search_warn("%s", err.msg);
        sbuf_release(&out);
        return 2;
    }
    fputs(out.buf, s->out);
    sbuf_release(&out);
    return 0;
}
