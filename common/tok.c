/* tok: the tokenizer (see tok.h for the rules). One pass over the input bytes: a token's
 * characters are gathered into t->pre (ASCII letters already lowercased, apostrophes already
 * "'", thousands separators and acronym dots already gone). A pure-ASCII token is then final;
 * any other token goes once through utf8proc (NFKC + case fold + Latin diacritics removed) into
 * t->cp. Both buffers live in struct tok, so the steady state allocates nothing.
 *
 * Choices the header leaves open:
 *  - Invalid UTF-8: each maximal ill-formed subsequence (Unicode 15, §3.9, "U+FFFD
 *    substitution of maximal subparts") counts once: "ab\xFF\xFEcd" counts 2 (0xFF and 0xFE
 *    can start nothing), a sequence cut short by the end of the input ("\xE6\x9D") counts 1.
 *  - An acronym's [start, end) runs from its first letter through its last dot ("U.S." is
 *    0..4). Every letter needs its dot: "U.S.A" is "us" then "a".
 *  - TOK_NUMERIC: the token has an Nd character, or an ASCII digit after folding ("²" -> "2").
 *  - Latin marks are the nonspacing marks (Mn) whose base is below U+0250 or in Latin Extended
 *    Additional/C/D/E; marks with no base at all are kept.
 *  - Compatibility mappings that produce non-word characters inside a token (the fraction
 *    slash of "½", the space of U+037A) are dropped from it.
 *  - Kana voiced sound marks (combining U+3099/U+309A and the halfwidth U+FF9E/U+FF9F) stay
 *    with the character before them, so "ｶﾞ" is the one token "ガ".
 */
#include "common/tok.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* Bytes of raw token gathered before the rest of the run is only skipped. Generous because
 * folding can shrink text a lot (a letter with many marks folds to one byte). */
#define PRE_CAP 1024

/* Character classes. */
enum {
    C_SEP = 0, /* separator, also U+FFFD for invalid input */
    C_LETTER,  /* L* outside Han/Kana */
    C_DIGIT,   /* Nd */
    C_NUM,     /* Nl, No: word characters, but neither letter nor digit for the rules */
    C_MARK,    /* M*: extends the character before it */
    C_CJK,     /* a Han/Hiragana/Katakana word character: one token each */
    C_APOS,    /* ' U+2019 U+02BC U+2018 */
    C_HYPHEN,  /* - U+2010 U+2011 */
    C_DOT,     /* . */
    C_COMMA,   /* , */
};

struct tok {
    size_t invalid;
    int32_t *cp; /* utf8proc scratch: code points, then the folded UTF-8 in place */
    size_t cp_cap;
    char pre[PRE_CAP];
};

/* Scanning state of one tok_each() call. */
struct scan {
    struct tok *t;
    const unsigned char *s;
    size_t len;
    tok_fn fn;
    void *ctx;
    size_t pos;
};

/* Class of each ASCII byte (the table is spelled out so it is const: no init, no race). */
#define S C_SEP
#define L C_LETTER
#define D C_DIGIT
#define A C_APOS
#define H C_HYPHEN
#define P C_DOT
#define C C_COMMA
/* clang-format off */
static const unsigned char ascii_cls[128] = {
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, A, S, S, S, S, C, H, P, S,
    D, D, D, D, D, D, D, D, D, D, S, S, S, S, S, S,
    S, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, S, S, S, S, S,
    S, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, S, S, S, S, S,
};
/* clang-format on */
#undef S
#undef L
#undef D
#undef A
#undef H
#undef P
#undef C

/* An ASCII letter or digit, lowercased: letters are class 1, and 0x20 is the case bit. */
#define ASCII_LOWER(c, k) ((char)((c) | (((k)&1) << 5)))

static int is_cjk(int32_t c)
{
    return (c >= 0x3005 && c <= 0x3007) || (c >= 0x3021 && c <= 0x3029) ||
           (c >= 0x3031 && c <= 0x3035) || (c >= 0x3038 && c <= 0x303C) ||
           (c >= 0x3040 && c <= 0x30FF) ||                                 /* kana */
           (c >= 0x31F0 && c <= 0x31FF) || (c >= 0x3400 && c <= 0x4DBF) || /* ext. A */
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || /* compat. */
           (c >= 0xFF66 && c <= 0xFF9D) ||                                 /* halfwidth */
           (c >= 0x1AFF0 && c <= 0x1B16F) || (c >= 0x20000 && c <= 0x3134F);
}

static int classify(int32_t c)
{
    if (c == 0x2019 || c == 0x02BC || c == 0x2018)
        return C_APOS;
    if (c == 0x2010 || c == 0x2011)
        return C_HYPHEN;
    if (c == 0xFF9E || c == 0xFF9F) /* halfwidth voiced marks are Lm but act as marks */
        return C_MARK;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return is_cjk(c) ? C_CJK : C_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return is_cjk(c) ? C_CJK : C_NUM;
    default:
        return C_SEP;
    }
}

/* Length of the maximal ill-formed subsequence at s[0..len), len >= 1 (Unicode §3.9 table
 * 3-7: a valid lead byte and the valid continuation bytes that follow it, short of a whole
 * character). */
static size_t bad_len(const unsigned char *s, size_t len)
{
    unsigned char b = s[0], lo = 0x80, hi = 0xBF;
    size_t need, n = 1;

    if (b >= 0xC2 && b <= 0xDF)
        need = 1;
    else if (b >= 0xE0 && b <= 0xEF)
        need = 2;
    else if (b >= 0xF0 && b <= 0xF4)
        need = 3;
    else
        return 1;
    if (b == 0xE0)
        lo = 0xA0;
    else if (b == 0xED)
        hi = 0x9F;
    else if (b == 0xF0)
        lo = 0x90;
    else if (b == 0xF4)
        hi = 0x8F;
    while (n <= need && n < len && s[n] >= lo && s[n] <= hi) {
        n++;
        lo = 0x80;
        hi = 0xBF;
    }
    return n;
}

/* Decodes the character at s[i] (i < len): returns its class and byte length in *n; invalid
 * input is C_SEP with *bad set (and *n the length of the ill-formed subsequence). */
static int peek(const unsigned char *s, size_t len, size_t i, size_t *n, int *bad)
{
    int32_t c;
    utf8proc_ssize_t r;

    *bad = 0;
    if (s[i] < 0x80) {
        *n = 1;
        return ascii_cls[s[i]];
    }
    r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &c);
    if (r < 0) {
        *bad = 1;
        *n = bad_len(s + i, len - i);
        return C_SEP;
    }
    *n = (size_t)r;
    return classify(c);
}

static int cls_at(const struct scan *sc, size_t i, size_t *n)
{
    int bad;
    if (i >= sc->len) {
        *n = 0;
        return C_SEP;
    }
    return peek(sc->s, sc->len, i, n, &bad);
}

static int is_word(int k)
{
    return k == C_LETTER || k == C_DIGIT || k == C_NUM || k == C_MARK || k == C_CJK;
}

static int is_latin(int32_t c)
{
    return (c > 0 && c < 0x250) || (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0x2C60 && c <= 0x2C7F) ||
           (c >= 0xA720 && c <= 0xA7FF) || (c >= 0xAB30 && c <= 0xAB6F);
}

static int grow_cp(struct tok *t, size_t need)
{
    size_t cap = t->cp_cap;
    int32_t *p;

    while (cap < need)
        cap *= 2;
    p = realloc(t->cp, cap * sizeof *p);
    if (p == NULL)
        return -1;
    t->cp = p;
    t->cp_cap = cap;
    return 0;
}

/* Folds a non-ASCII token pre[0..n) (valid UTF-8) into t->cp as UTF-8: NFKD with case
 * folding, Latin marks and non-word characters dropped, then canonical composition (the
 * composition of NFKC). Returns its length (may be 0), or -1 on OOM. */
static utf8proc_ssize_t fold_slow(struct tok *t, const char *pre, size_t n)
{
    const utf8proc_option_t dopt =
        UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE;
    utf8proc_ssize_t m;
    size_t k = 0;
    int32_t base = 0;

    for (;;) {
        m = utf8proc_decompose((const utf8proc_uint8_t *)pre, (utf8proc_ssize_t)n, t->cp,
                               (utf8proc_ssize_t)t->cp_cap, dopt);
        if (m < 0)
            return 0; /* cannot happen for valid UTF-8: treat as no token */
        if ((size_t)m <= t->cp_cap)
            break;
        if (grow_cp(t, (size_t)m) != 0)
            return -1;
    }
    for (utf8proc_ssize_t i = 0; i < m; i++) {
        int32_t c = t->cp[i];
        int cat = utf8proc_category(c);

        if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
            cat == UTF8PROC_CATEGORY_ME) {
            if (cat == UTF8PROC_CATEGORY_MN && is_latin(base))
                continue;
        } else if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                   (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)) {
            base = c;
        } else if (c == '\'' || c == '.') {
            base = 0; /* put there by the scanner: a mark after it has no Latin base */
        } else {
            continue;
        }
        t->cp[k++] = c;
    }
    if (k == 0)
        return 0;
    m = utf8proc_reencode(t->cp, (utf8proc_ssize_t)k, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    return m < 0 ? 0 : m;
}

/* Length of text[0..n) cut to at most TOK_MAX_BYTES at a character boundary. */
static size_t cut(const char *text, size_t n)
{
    if (n <= TOK_MAX_BYTES)
        return n;
    n = TOK_MAX_BYTES;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* What emit and the scanners return besides 0 (go on) and -TRAWL_ENOMEM: the callback said
 * TOK_STOP. tok_each turns both into its status. */
#define SCAN_STOP 1

/* Folds pre[0..n) if needed and hands the token to the callback. Returns 0 (also for a token
 * that folded to nothing), SCAN_STOP or -TRAWL_ENOMEM. */
static int emit(struct scan *sc, size_t n, int ascii, unsigned flags, size_t start, size_t end)
{
    struct tok_token tk;
    const char *text = sc->t->pre;

    if (!ascii) {
        utf8proc_ssize_t m = fold_slow(sc->t, sc->t->pre, n);
        if (m < 0)
            return -TRAWL_ENOMEM;
        text = (const char *)sc->t->cp;
        n = (size_t)m;
        if (!(flags & TOK_NUMERIC))
            for (size_t i = 0; i < n; i++)
                if (text[i] >= '0' && text[i] <= '9') {
                    flags |= TOK_NUMERIC;
                    break;
                }
    }
    if (n > TOK_MAX_BYTES) {
        n = cut(text, n);
        flags |= TOK_LONG;
    }
    if (n == 0)
        return 0;
    tk.text = text;
    tk.len = n;
    tk.start = start;
    tk.end = end;
    tk.pos = sc->pos++;
    tk.flags = flags;
    return sc->fn(sc->ctx, &tk) == TOK_STOP ? SCAN_STOP : 0;
}

/* A hyphen at i between the token just ended and a word character: returns the position
 * after it (the next token starts there, joined), or 0 when there is no such hyphen. */
static size_t joined_after(const struct scan *sc, size_t i)
{
    size_t n, m;

    if (i >= sc->len || cls_at(sc, i, &n) != C_HYPHEN)
        return 0;
    return is_word(cls_at(sc, i + n, &m)) ? i + n : 0;
}

/* One CJK character at i (n bytes) and the marks after it. Sets *next. */
static int scan_cjk(struct scan *sc, size_t i, size_t n, unsigned flags, size_t *next)
{
    size_t j = i + n, p, m;

    while (j < sc->len && cls_at(sc, j, &m) == C_MARK)
        j += m;
    /* A base and its marks fit: only a pathological run of marks reaches the cap. */
    p = j - i <= PRE_CAP ? j - i : PRE_CAP;
    while (p > 0 && i + p < j && (sc->s[i + p] & 0xC0) == 0x80) /* s[j] may be past the end */
        p--;
    memcpy(sc->t->pre, sc->s + i, p);
    *next = j;
    return emit(sc, p, 0, flags | TOK_CJK | (p < j - i ? TOK_LONG : 0), i, j);
}

/* An acronym at i: single letters (with their marks) each followed by ".", at least two.
 * Returns its end (past the last dot) with the letters in pre[0..*pn), or 0. */
static size_t scan_acronym(struct scan *sc, size_t i, size_t *pn, int *ascii, int *truncated)
{
    size_t j = i, end = 0, p = 0, n, nlet = 0;
    int asc = 1, cut_short = 0;

    /* Fast rejection: most words have a second letter, not a dot. */
    if (i + 1 >= sc->len || (sc->s[i + 1] < 0x80 && sc->s[i + 1] != '.'))
        return 0;
    while (j < sc->len && cls_at(sc, j, &n) == C_LETTER) {
        size_t k = j + n, m;
        while (k < sc->len && cls_at(sc, k, &m) == C_MARK)
            k += m;
        if (k >= sc->len || sc->s[k] != '.')
            break;
        if (!cut_short && p + (k - j) <= PRE_CAP) {
            for (size_t x = j; x < k; x++) {
                unsigned char b = sc->s[x];
                sc->t->pre[p++] = (char)(b < 0x80 ? ASCII_LOWER(b, ascii_cls[b]) : b);
                asc &= b < 0x80;
            }
        } else {
            cut_short = 1;
        }
        nlet++;
        end = j = k + 1;
    }
    if (nlet < 2)
        return 0;
    *pn = p;
    *ascii = asc;
    *truncated = cut_short;
    return end;
}

/* Inside a word, after a character of class prev, the character of class k (n bytes) at j:
 * the bytes it takes as a joiner, with *keep the byte it leaves in the folded word (0: none),
 * or 0 when it ends the word. Joiners: an apostrophe between letters ("don't"), a dot between
 * digits ("3.14"), and a comma after a digit before exactly three digits and no fourth (a
 * thousands separator, dropped: "10,000" is "10000"). */
static size_t joiner(struct scan *sc, int k, int prev, size_t j, size_t n, char *keep)
{
    size_t m;

    *keep = 0;
    if (k == C_APOS && prev == C_LETTER && cls_at(sc, j + n, &m) == C_LETTER) {
        *keep = '\'';
        return n;
    }
    if (k == C_DOT && prev == C_DIGIT && cls_at(sc, j + 1, &m) == C_DIGIT) {
        *keep = '.';
        return 1;
    }
    if (k == C_COMMA && prev == C_DIGIT) {
        size_t x = j + 1, d = 0;
        while (d < 4 && cls_at(sc, x, &m) == C_DIGIT) {
            x += m;
            d++;
        }
        return d == 3 ? 1 : 0;
    }
    return 0;
}

/* A word (letters, digits, marks, with the apostrophe and number rules) starting at i.
 * Sets *next to its end. */
static int scan_word(struct scan *sc, size_t i, unsigned flags, size_t *next)
{
    const unsigned char *s = sc->s;
    char *pre = sc->t->pre;
    size_t len = sc->len, j = i, p = 0, lim = PRE_CAP, n;
    int prev = C_SEP, ascii = 1, truncated = 0;
    unsigned char c;

    for (;;) {
        size_t take;
        char keep;
        int k;

        /* The fast path: a run of ASCII letters and digits. */
        while (j < len && (c = s[j]) < 0x80 && (k = ascii_cls[c]) <= C_DIGIT && k != C_SEP) {
            if (p < lim)
                pre[p++] = ASCII_LOWER(c, k);
            else
                truncated = 1;
            prev = k;
            if (k == C_DIGIT)
                flags |= TOK_NUMERIC;
            j++;
        }
        if (j >= len)
            break;
        k = cls_at(sc, j, &n);
        if (k == C_LETTER || k == C_DIGIT || k == C_NUM || k == C_MARK) {
            if (p + n <= lim) {
                memcpy(pre + p, s + j, n);
                p += n;
            } else {
                truncated = 1;
                lim = p;
            }
            ascii = 0;
            if (k == C_DIGIT)
                flags |= TOK_NUMERIC;
            if (k != C_MARK)
                prev = k;
            j += n;
            continue;
        }
        if ((take = joiner(sc, k, prev, j, n, &keep)) == 0)
            break;
        if (keep != 0) {
            if (p < lim)
                pre[p++] = keep;
            else
                truncated = 1;
            prev = C_SEP;
        }
        j += take;
    }
    *next = j;
    return emit(sc, p, ascii, flags | (truncated ? TOK_LONG : 0), i, j);
}

int tok_each(struct tok *t, const char *text, size_t len, tok_fn fn, void *ctx)
{
    struct scan sc = {t, (const unsigned char *)text, len, fn, ctx, 0};
    size_t i = 0, n, next, j;
    unsigned joined = 0;
    int bad, k, rc;

    t->invalid = 0;
    while (i < len) {
        unsigned char b = sc.s[i];

        if (b < 0x80 &&
            (ascii_cls[b] == C_SEP || ascii_cls[b] > C_DIGIT)) { /* ASCII punctuation and spaces */
            i++;
            joined = 0;
            continue;
        }
        k = peek(sc.s, len, i, &n, &bad);
        if (k == C_SEP || k >= C_APOS) {
            t->invalid += (size_t)bad;
            i += n;
            joined = 0;
            continue;
        }
        if (k == C_CJK) {
            rc = scan_cjk(&sc, i, n, joined, &next);
        } else {
            size_t an = 0;
            int ascii = 1, truncated = 0;
            size_t end = k == C_LETTER ? scan_acronym(&sc, i, &an, &ascii, &truncated) : 0;
            if (end != 0) {
                /* An acronym ends in a dot, so no hyphen can join it to the next token. */
                rc = emit(&sc, an, ascii, joined | (truncated ? TOK_LONG : 0), i, end);
                if (rc != 0)
                    return rc < 0 ? -rc : TRAWL_OK; /* a stop is no failure */
                i = end;
                joined = 0;
                continue;
            }
            rc = scan_word(&sc, i, joined, &next);
        }
        if (rc != 0)
            return rc < 0 ? -rc : TRAWL_OK;
        j = joined_after(&sc, next);
        joined = j != 0 ? TOK_JOINED : 0;
        i = j != 0 ? j : next;
    }
    return 0;
}

struct tok *tok_new(void)
{
    struct tok *t = malloc(sizeof *t);

    if (t == NULL)
        return NULL;
    t->invalid = 0;
    t->cp_cap = 256;
    t->cp = malloc(t->cp_cap * sizeof *t->cp);
    if (t->cp == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

void tok_free(struct tok *t)
{
    if (t == NULL)
        return;
    free(t->cp);
    free(t);
}

size_t tok_invalid_count(const struct tok *t)
{
    return t->invalid;
}

struct fold_ctx {
    char *out;
    size_t cap, n;
};

static enum tok_next fold_one(void *ctx, const struct tok_token *tk)
{
    struct fold_ctx *f = ctx;
    size_t n = tk->len;

    if (n > f->cap - f->n) {
        n = f->cap - f->n;
        while (n > 0 && ((unsigned char)tk->text[n] & 0xC0) == 0x80)
            n--;
        memcpy(f->out + f->n, tk->text, n);
        f->n += n;
        return TOK_STOP; /* full */
    }
    memcpy(f->out + f->n, tk->text, n);
    f->n += n;
    return TOK_NEXT;
}

size_t tok_fold_word(struct tok *t, const char *word, size_t len, char *out, size_t cap)
{
    struct fold_ctx f = {out, cap, 0};
    size_t invalid = t->invalid; /* tok_invalid_count() reports tok_each() calls only */
    int rc = tok_each(t, word, len, fold_one, &f);

    t->invalid = invalid;
    if (rc != TRAWL_OK)
        return 0;
    if (f.n < cap)
        out[f.n] = '\0';
    return f.n;
}
