#include "common/snippet.h"

#include <stdlib.h>
#include <string.h>

#include "common/analyze.h"
#include "common/grow.h"
#include "common/sbuf.h"
#include "common/snippet_phrase.h"

struct stok {
    size_t start, end;
    int match;   /* index of the query item it matches, or -1 */
    int lone;    /* what it matches outside a quoted phrase's occurrence */
};

struct sctx {
    const struct index_hl *hl;
    struct stok *v;
    size_t n, cap;
    struct analyzer *an;
    struct sbuf fold; /* the tokens' folded forms, when the query has phrases */
    size_t *foffs;    /* 3 per token: offset in fold, length, length without a possessive */
    size_t fcap;      /* foffs has room for fcap tokens */
    int nomem;        /* collect could not keep a token */
};

static int find(char *const *v, size_t n, const char *s, size_t len)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(v[mid], s, len);
        if (c == 0 && v[mid][len] != '\0')
            c = 1;
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* blen: tk's folded length without a possessive ending, which a quoted word does without
 * ("england" marks "England's"; analyze_base_len). */
static int match_id(const struct index_hl *hl, const struct tok_token *tk, const char *term,
                    size_t len, size_t blen, int exact)
{
    int i;

    if ((i = find(hl->terms, hl->nterms, term, len)) >= 0)
        return i;
    if (exact && ((i = find(hl->exact, hl->nexact, tk->text, tk->len)) >= 0 ||
                  (blen < tk->len && (i = find(hl->exact, hl->nexact, tk->text, blen)) >= 0)))
        return (int)hl->nterms + i;
    for (size_t k = 0; k < hl->nprefixes; k++) {
        size_t pl = strlen(hl->prefixes[k]);
        if (len >= pl && memcmp(term, hl->prefixes[k], pl) == 0)
            return (int)(hl->nterms + hl->nexact + k);
    }
    return -1;
}

/* Keeps a token and what it matches; on OOM sets c->nomem and stops. */
static enum analyze_next collect(void *ctx, const struct tok_token *tk, const char *term,
                                 size_t len)
{
    struct sctx *c = ctx;
    struct stok *v = grow(c->v, c->n, &c->cap, sizeof *v, 128);
    size_t blen = tk->len;

    if (v == NULL)
        goto nomem;
    c->v = v;
    if (c->hl->nexact && analyze_base_len(c->an, tk, term, len, &blen) != TRAWL_OK)
        goto nomem;
    if (c->hl->nphrases) {
        /* Triples (offset in fold, length, length without a possessive), one per token. */
        size_t *f = grow(c->foffs, c->n, &c->fcap, 3 * sizeof *f, 128);
        if (f == NULL)
            goto nomem;
        c->foffs = f;
    }
    c->v[c->n].start = tk->start;
    c->v[c->n].end = tk->end;
    c->v[c->n].match = match_id(c->hl, tk, term, len, blen, 1);
    c->v[c->n].lone = c->v[c->n].match;
    if (c->hl->nphrases) {
        c->v[c->n].lone = match_id(c->hl, tk, term, len, blen, 0);
        c->foffs[3 * c->n] = c->fold.len;
        c->foffs[3 * c->n + 1] = tk->len;
        c->foffs[3 * c->n + 2] = blen;
        if (sbuf_add(&c->fold, tk->text, tk->len) != TRAWL_OK)
            goto nomem;
    }
    c->n++;
    return ANALYZE_NEXT;
nomem:
    c->nomem = 1;
    return ANALYZE_STOP;
}

/* A word of a quoted phrase marks only inside an occurrence of the phrase: elsewhere it keeps
 * what it matches on its own (a plain query word or a prefix), if anything. */
static int phrases_only(struct sctx *c)
{
    unsigned char *keep = malloc(c->n ? c->n : 1);

    if (keep == NULL)
        return TRAWL_ENOMEM;
    snippet_phrase_cover(c->hl, c->fold.buf, c->foffs, c->n, keep);
    for (size_t i = 0; i < c->n; i++)
        if (!keep[i])
            c->v[i].match = c->v[i].lone;
    free(keep);
    return TRAWL_OK;
}

static int only_space(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
            return 0;
    return 1;
}

/* A token that starts a sentence: the first, or one after ". ", "? ", "! " or a line end. */
static int sentence_start(const char *text, const struct stok *v, size_t i)
{
    size_t p;

    if (i == 0)
        return 1;
    p = v[i].start;
    while (p > v[i - 1].end && (text[p - 1] == ' ' || text[p - 1] == '\t'))
        p--;
    if (p > v[i - 1].end && text[p - 1] == '\n')
        return 1;
    while (p > v[i - 1].end && (text[p - 1] == '"' || text[p - 1] == '\'' ||
                                (unsigned char)text[p - 1] >= 0x80))
        p--; /* closing quotes, ASCII or not */
    return p > v[i - 1].end && (text[p - 1] == '.' || text[p - 1] == '?' || text[p - 1] == '!');
}

/* The matching tokens as marks, adjacent ones merged across white space. TRAWL_ENOMEM only. */
static int add_marks(const char *text, const struct sctx *c, struct trawl_snippet *out)
{
    for (size_t i = 0; i < c->n; i++) {
        struct trawl_span *m;
        if (c->v[i].match < 0)
            continue;
        if (out->nmarks > 0 &&
            only_space(text, out->marks[out->nmarks - 1].end, c->v[i].start)) {
            out->marks[out->nmarks - 1].end = c->v[i].end;
            continue;
        }
        m = realloc(out->marks, (out->nmarks + 1) * sizeof *m);
        if (m == NULL)
            return TRAWL_ENOMEM;
        out->marks = m;
        m[out->nmarks].start = c->v[i].start;
        m[out->nmarks].end = c->v[i].end;
        out->nmarks++;
    }
    return TRAWL_OK;
}

/* Slides a window of tokens [i, j) no wider than width and sets [*bi, *bj) to the one with
 * the most distinct query items, then sentence starts, then the earliest ([0, 0) when no
 * token fits). count: one zeroed counter per query item (and one spare). */
static void best_window(const char *text, const struct sctx *c, size_t width, size_t *count,
                        size_t *bi, size_t *bj)
{
    size_t best_score = 0, distinct = 0;

    *bi = *bj = 0;
    for (size_t i = 0, j = 0; i < c->n; i++) {
        size_t score;
        if (j < i)
            j = i;
        while (j < c->n && c->v[j].end - c->v[i].start <= width) {
            if (c->v[j].match >= 0 && count[c->v[j].match]++ == 0)
                distinct++;
            j++;
        }
        score = distinct * 2 + (size_t)sentence_start(text, c->v, i);
        if (j > i && score > best_score) {
            best_score = score;
            *bi = i;
            *bj = j;
        }
        if (j > i && c->v[i].match >= 0 && --count[c->v[i].match] == 0)
            distinct--;
    }
}

/* Sets out's byte range and cuts to tokens [bi, bj) of text[0..len), trimmed to width. */
static void cut_window(const char *text, size_t len, size_t width, const struct sctx *c,
                       size_t bi, size_t bj, struct trawl_snippet *out)
{
    if (bj == 0) { /* a single token wider than width: show its start */
        bi = 0;
        bj = 1;
    }
    out->start = bi == 0 ? 0 : c->v[bi].start;
    out->end = bj == c->n ? len : c->v[bj - 1].end;
    /* Keep punctuation glued to the last word ("target." not "target"). */
    while (out->end < len && out->end - out->start < width && text[out->end] != ' ' &&
           text[out->end] != '\n' && text[out->end] != '\t')
        out->end++;
    if (out->end - out->start > width && bj - bi == 1)
        out->end = out->start + width;
    while (out->end < len && out->end > out->start &&
           ((unsigned char)text[out->end] & 0xC0) == 0x80)
        out->end--; /* never cut inside a UTF-8 sequence */
    out->cut_before = out->start > 0;
    out->cut_after = out->end < len;
}

int snippet_make(struct analyzer *an, const char *text, size_t len, const struct index_hl *hl,
                 size_t width, struct trawl_snippet *out, struct trawl_error *err)
{
    struct sctx c = {hl, NULL, 0, 0, an, {0}, NULL, 0, 0};
    size_t nitems = hl->nterms + hl->nexact + hl->nprefixes;
    size_t *count = NULL;
    size_t bi, bj;
    int rc = TRAWL_OK;

    memset(out, 0, sizeof *out);
    sbuf_init(&c.fold);
    if (analyze_each(an, text, len, collect, &c) != TRAWL_OK || c.nomem ||
        (hl->nphrases && phrases_only(&c) != TRAWL_OK) || add_marks(text, &c, out) != TRAWL_OK ||
        (count = calloc(nitems + 1, sizeof *count)) == NULL) {
        rc = terr_set(err, TRAWL_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c.n; i++)
        if (c.v[i].match >= 0 && count[c.v[i].match]++ == 0)
            out->distinct++;
    out->start = 0;
    out->end = len;
    if (width == 0 || len <= width || c.n == 0)
        goto out;
    memset(count, 0, (nitems + 1) * sizeof *count);
    best_window(text, &c, width, count, &bi, &bj);
    cut_window(text, len, width, &c, bi, bj, out);
out:
    free(c.v);
    free(c.foffs);
    sbuf_release(&c.fold);
    free(count);
    if (rc != TRAWL_OK)
        snippet_release(out);
    return rc;
}

void snippet_release(struct trawl_snippet *s)
{
    if (s == NULL)
        return;
    free(s->marks);
    memset(s, 0, sizeof *s);
}
