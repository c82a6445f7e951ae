/* passage: the benchmark's passage rule (see passage.h), in one linear pass over the body.
 * Steps 1-2 (paragraphs, min_words) walk the words once and keep one passage pending, since
 * only the last one can still receive the tail. Steps 3-4 then cut each finished passage. */
#include "common/passage.h"

#include <stdlib.h>

#include "common/grow.h"

void passage_opts_init(struct passage_opts *o)
{
    o->min_words = TRAWL_MIN_WORDS;
    o->max_words = TRAWL_MAX_WORDS;
    o->max_bytes = PASSAGE_MAX_BYTES;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

struct out {
    struct passage *v;
    size_t n, cap;
};

static int emit(struct out *o, size_t start, size_t end, size_t words)
{
    struct passage *v = grow(o->v, o->n, &o->cap, sizeof *v, 16);

    if (v == NULL)
        return TRAWL_ENOMEM;
    o->v = v;
    o->v[o->n].start = start;
    o->v[o->n].end = end;
    o->v[o->n].words = words;
    o->v[o->n].ordinal = (unsigned)o->n;
    o->n++;
    return TRAWL_OK;
}

/* Reads words one at a time from body[pos..end). */
struct scan {
    const char *s;
    size_t pos, end;
    size_t start, stop; /* the word just read: [start, stop) */
    int para;           /* the white space before it held a blank line */
};

static int scan_word(struct scan *sc)
{
    const unsigned char *p = (const unsigned char *)sc->s;
    size_t nl = 0;

    while (sc->pos < sc->end && is_space(p[sc->pos]))
        nl += p[sc->pos++] == '\n';
    if (sc->pos >= sc->end)
        return 0;
    sc->para = nl >= 2;
    sc->start = sc->pos;
    while (sc->pos < sc->end && !is_space(p[sc->pos]))
        sc->pos++;
    sc->stop = sc->pos;
    return 1;
}

/* Words in s[start..end). */
static size_t count_words(const char *s, size_t start, size_t end)
{
    size_t n = 0, i;
    int in = 0;

    for (i = start; i < end; i++) {
        int sp = is_space((unsigned char)s[i]);
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

/* Step 4: emits s[start..end) (a trimmed range of `words` words) cut into pieces of at most
 * max_bytes, each cut at the last white space that fits, else at a character boundary. A word
 * cut in two counts in both pieces. */
static int emit_bytes(struct out *o, const char *s, size_t start, size_t end, size_t words,
                      size_t max_bytes)
{
    if (end - start <= max_bytes)
        return emit(o, start, end, words);
    while (end - start > max_bytes) {
        size_t cut = start + max_bytes, next;
        /* Backing up over a long word is paid back: the next piece starts after it. */
        while (cut > start && !is_space((unsigned char)s[cut]))
            cut--;
        if (cut > start) {
            next = cut;
            while (is_space((unsigned char)s[cut - 1]))
                cut--; /* stops at start at the latest: s[start] is not white space */
            while (is_space((unsigned char)s[next]))
                next++; /* stops before end at the latest: s[end - 1] is not white space */
        } else {
            /* No white space: cut before a UTF-8 lead byte, so no character is split. */
            cut = start + max_bytes;
            while (cut > start && ((unsigned char)s[cut] & 0xC0) == 0x80)
                cut--;
            if (cut == start)
                cut = start + max_bytes; /* not UTF-8 at all: any byte will do */
            next = cut;
        }
        if (emit(o, start, cut, count_words(s, start, cut)) != TRAWL_OK)
            return TRAWL_ENOMEM;
        start = next;
    }
    return emit(o, start, end, count_words(s, start, end));
}

/* 1 if the word s[start..stop) ends a sentence: ". ", "? ", "! ", maybe then closing quotes. */
static int ends_sentence(const char *s, size_t start, size_t stop)
{
    const unsigned char *p = (const unsigned char *)s;

    while (stop > start) {
        unsigned char c = p[stop - 1];
        if (c == '"' || c == '\'' || c == ')') {
            stop--;
        } else if (stop - start >= 3 && p[stop - 3] == 0xE2 && p[stop - 2] == 0x80 &&
                   (c == 0x9D || c == 0x99)) {
            stop -= 3; /* ” or ’ */
        } else {
            return c == '.' || c == '?' || c == '!';
        }
    }
    return 0;
}

/* Step 3 (then 4): emits the passage s[start..end) of w words, cut into near-equal parts of
 * at most max_words words when longer. Reads the words once, front to back: each cut's search
 * window lies wholly after the previous one's (windows are at most half a part wide). */
static int emit_passage(struct out *o, const char *s, size_t start, size_t end, size_t w,
                        const struct passage_opts *op)
{
    const size_t max = op->max_words;
    size_t parts, reach, prev = 0, idx = 0, part_start = start, i;
    size_t prev_start = start, prev_stop = start; /* the last word read */
    struct scan sc = {s, start, end, 0, 0, 0};

    if (w <= max)
        return emit_bytes(o, s, start, end, w, op->max_bytes);
    parts = w / max + (w % max != 0);
    reach = w / parts / 4;
    for (i = 1; i < parts; i++) {
        /* Target: floor(i * w / parts), computed without forming i * w. */
        size_t j = i * (w / parts) + i * (w % parts) / parts;
        /* Keep every part within [1, max] words whatever the earlier cuts did. */
        size_t lo = prev + 1, hi = prev + max, left = parts - i;
        size_t a, b, jc, best = 0, best_d = (size_t)-1;
        size_t best_end = 0, best_next = 0, jc_end = 0, jc_next = 0;

        if (w > left * max && w - left * max > lo)
            lo = w - left * max;
        if (hi > w - left)
            hi = w - left;
        jc = j < lo ? lo : j > hi ? hi : j;
        a = j > reach && j - reach > lo ? j - reach : lo;
        b = j + reach < hi ? j + reach : hi;
        if (a > jc)
            a = jc;
        if (b < jc)
            b = jc;
        if (a < idx)
            TRAWL_BUG("passage cut windows overlap"); /* see the comment above */
        /* A cut at k ends a part after word k-1 and starts the next at word k. */
        while (idx < b + 1) {
            if (!scan_word(&sc))
                TRAWL_BUG("passage has fewer words than counted");
            if (idx >= a) {
                size_t d = idx > j ? idx - j : j - idx;
                /* Ties go to the earlier cut; a paragraph end is a sentence end too. */
                if (d < best_d && (sc.para || ends_sentence(s, prev_start, prev_stop))) {
                    best = idx;
                    best_d = d;
                    best_end = prev_stop;
                    best_next = sc.start;
                }
                if (idx == jc) {
                    jc_end = prev_stop;
                    jc_next = sc.start;
                }
            }
            prev_start = sc.start;
            prev_stop = sc.stop;
            idx++;
        }
        if (best_d == (size_t)-1) {
            best = jc;
            best_end = jc_end;
            best_next = jc_next;
        }
        if (emit_bytes(o, s, part_start, best_end, best - prev, op->max_bytes) != TRAWL_OK)
            return TRAWL_ENOMEM;
        part_start = best_next;
        prev = best;
    }
    return emit_bytes(o, s, part_start, end, w - prev, op->max_bytes);
}

int passage_split(const char *body, size_t len, const struct passage_opts *o, struct passage **out,
                  size_t *n, struct trawl_error *err)
{
    struct passage_opts def;
    struct out res = {NULL, 0, 0};
    struct scan sc = {body, 0, len, 0, 0, 0};
    /* pending: the last closed passage; open: the one being filled. */
    size_t pend_start = 0, pend_end = 0, pend_words = 0;
    size_t open_start = 0, open_end = 0, open_words = 0;
    int have_pending = 0;

    *out = NULL;
    *n = 0;
    if (o == NULL) {
        passage_opts_init(&def);
        o = &def;
    }
    if (o->min_words < 1 || o->max_words < o->min_words || o->max_bytes < 64)
        return terr_set(err, TRAWL_EINPUT,
                        "bad passage options: min_words %zu, max_words %zu, max_bytes %zu",
                        o->min_words, o->max_words, o->max_bytes);
    if (body == NULL)
        sc.end = 0;
    for (;;) {
        int more = scan_word(&sc);
        /* A paragraph ends at a blank line or at the end: close a passage that is full. */
        if ((!more || sc.para) && open_words >= o->min_words) {
            if (have_pending &&
                emit_passage(&res, body, pend_start, pend_end, pend_words, o) != TRAWL_OK)
                goto nomem;
            pend_start = open_start;
            pend_end = open_end;
            pend_words = open_words;
            have_pending = 1;
            open_words = 0;
        }
        if (!more)
            break;
        if (open_words == 0)
            open_start = sc.start;
        open_end = sc.stop;
        open_words++;
    }
    if (open_words > 0) {
        if (have_pending) {
            pend_end = open_end; /* a short tail joins the previous passage */
            pend_words += open_words;
        } else {
            pend_start = open_start;
            pend_end = open_end;
            pend_words = open_words;
            have_pending = 1;
        }
    }
    if (have_pending && emit_passage(&res, body, pend_start, pend_end, pend_words, o) != TRAWL_OK)
        goto nomem;
    *out = res.v;
    *n = res.n;
    return TRAWL_OK;
nomem:
    free(res.v);
    return terr_set(err, TRAWL_ENOMEM, "out of memory");
}
