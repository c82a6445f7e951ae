/* article: parsing the sample file format and JSONL fields into a sanitized struct article.
 * See article.h for the format and the sanitizing rules. */
#include "common/article.h"

#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/sbuf.h"

/* What id, title and body point at after article_init(): never written, never freed. */
static char article_empty[1];

#define BINARY_PROBE 8192 /* bytes searched for a NUL to call a file binary */

void article_init(struct article *a)
{
    a->id = article_empty;
    a->title = article_empty;
    a->date[0] = '\0';
    a->url = NULL;
    a->source = NULL;
    a->body = article_empty;
    a->body_len = 0;
    a->warnings = 0;
    a->title_derived = 0;
}

static void free_field(char *s)
{
    if (s != article_empty)
        free(s);
}

void article_release(struct article *a)
{
    if (a == NULL)
        return;
    free_field(a->id);
    free_field(a->title);
    free_field(a->url);
    free_field(a->source);
    free_field(a->body);
    article_init(a);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Length of the valid UTF-8 sequence at s[0..len) (2-4), or 0 when it is not one; *bad is
 * then the length of its maximal valid prefix (at least 1), the bytes one U+FFFD replaces
 * (Unicode's "maximal subpart" practice, as in WHATWG decoders). */
static size_t utf8_seq(const unsigned char *s, size_t len, size_t *bad)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        *bad = 1;
        return 0;
    }
    for (i = 1; i < need; i++) {
        unsigned char lim_lo = i == 1 ? lo : 0x80, lim_hi = i == 1 ? hi : 0xBF;
        if (i >= len || s[i] < lim_lo || s[i] > lim_hi) {
            *bad = i;
            return 0;
        }
    }
    return need;
}

/* Appends the sanitized form of s[0..len) to out (see article.h); sets TRAWL_WARN_UTF8 in
 * *warn when it replaced anything. */
static int sanitize(const char *s, size_t len, struct sbuf *out, unsigned *warn)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run;

    if (sbuf_reserve(out, len) != TRAWL_OK)
        return TRAWL_ENOMEM;
    while (i < len) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7F) {
            /* Copy a run of printable ASCII at once: the common case. */
            run = i + 1;
            while (run < len && p[run] >= 0x20 && p[run] < 0x7F)
                run++;
            if (sbuf_add(out, s + i, run - i) != TRAWL_OK)
                return TRAWL_ENOMEM;
            i = run;
        } else if (c == '\n' || c == '\t') {
            if (sbuf_addc(out, (char)c) != TRAWL_OK)
                return TRAWL_ENOMEM;
            i++;
        } else if (c == '\r') {
            if (sbuf_addc(out, '\n') != TRAWL_OK)
                return TRAWL_ENOMEM;
            i += (i + 1 < len && p[i + 1] == '\n') ? 2 : 1;
        } else if (c < 0x20 || c == 0x7F) {
            if (sbuf_addc(out, ' ') != TRAWL_OK)
                return TRAWL_ENOMEM;
            i++;
        } else {
            size_t bad = 0, n = utf8_seq(p + i, len - i, &bad);
            if (n) {
                if (sbuf_add(out, s + i, n) != TRAWL_OK)
                    return TRAWL_ENOMEM;
                i += n;
            } else {
                if (sbuf_add(out, "\xEF\xBF\xBD", 3) != TRAWL_OK)
                    return TRAWL_ENOMEM;
                *warn |= TRAWL_WARN_UTF8;
                i += bad;
            }
        }
    }
    return TRAWL_OK;
}

static int all_space(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (!is_space((unsigned char)s[i]))
            return 0;
    return 1;
}

int article_valid_date(const char *s, size_t len)
{
    return date_valid(s, len);
}

/* ---- first sentence ---- */

/* Words that end in "." without ending a sentence (compared case-sensitively, without the
 * dot). A short list on purpose: a wrong guess only makes a title longer or shorter. */
static const char *const abbrevs[] = {
    "Mr",  "Mrs",  "Ms",  "Dr",  "St",   "vs",     "Jr",  "Sr",  "Prof", "Gen", "Sen",
    "Rep", "Gov",  "Lt",  "Col", "Capt", "Sgt",    "Mt",  "No",  "Jan",  "Feb", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec",  "approx", "etc", "e.g", "i.e",
};

/* Bytes of a closing quote or bracket at s[0..len) (ASCII or ” ’ »), else 0. */
static size_t closing_quote(const unsigned char *s, size_t len)
{
    if (len >= 1 && (s[0] == '"' || s[0] == '\'' || s[0] == ')'))
        return 1;
    if (len >= 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x9D || s[2] == 0x99))
        return 3;
    if (len >= 2 && s[0] == 0xC2 && s[1] == 0xBB)
        return 2;
    return 0;
}

/* 1 if the word w[0..len) (ending just before a ".") is an initial, an acronym with inner
 * dots ("U.S") or a listed abbreviation, so that its "." does not end a sentence. */
static int is_abbrev(const char *w, size_t len)
{
    size_t i;

    /* Opening punctuation is not part of the word: "(Mr." */
    while (len > 0 && (w[0] == '(' || w[0] == '"' || w[0] == '\'' || w[0] == '[')) {
        w++;
        len--;
    }
    if (len == 1 && w[0] >= 'A' && w[0] <= 'Z')
        return 1;
    for (i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
        if (strlen(abbrevs[i]) == len && memcmp(abbrevs[i], w, len) == 0)
            return 1;
    /* "U.S", "U.K", "a.m": letters separated by dots. */
    if (len >= 3 && memchr(w, '.', len) != NULL) {
        for (i = 0; i < len; i++)
            if (w[i] != '.' && !((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= 'a' && w[i] <= 'z')))
                return 0;
        return 1;
    }
    return 0;
}

/* Cuts s (a collapsed title longer than ARTICLE_TITLE_MAX) at a word boundary so that it and
 * "…" fit in ARTICLE_TITLE_MAX bytes, and appends the "…". */
static int cap_title(struct sbuf *t)
{
    const size_t room = ARTICLE_TITLE_MAX - 3; /* "…" is 3 bytes */
    size_t cut = room;

    while (cut > 0 && t->buf[cut] != ' ')
        cut--;
    if (cut == 0) {
        /* One word longer than the cap: cut it at a character boundary. */
        cut = room;
        while (cut > 0 && ((unsigned char)t->buf[cut] & 0xC0) == 0x80)
            cut--;
    }
    while (cut > 0 && (t->buf[cut - 1] == ' ' || t->buf[cut - 1] == ',' || t->buf[cut - 1] == ';' ||
                       t->buf[cut - 1] == ':'))
        cut--;
    t->len = cut;
    return sbuf_add(t, "\xE2\x80\xA6", 3);
}

char *article_first_sentence(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    struct sbuf t;
    size_t i = 0, word = 0; /* word: start in t of the current word */
    int done = 0;

    sbuf_init(&t);
    if (text == NULL)
        len = 0;
    while (i < len && !done) {
        if (is_space(p[i])) {
            size_t nl = 0;
            while (i < len && is_space(p[i]))
                nl += p[i++] == '\n';
            if (t.len == 0)
                continue; /* leading white space and blank lines */
            if (nl >= 2 || i == len)
                break; /* paragraph end */
            if (sbuf_addc(&t, ' ') != TRAWL_OK)
                goto nomem;
            word = t.len;
            continue;
        }
        if (sbuf_addc(&t, (char)p[i]) != TRAWL_OK)
            goto nomem;
        if (p[i] == '.' || p[i] == '?' || p[i] == '!') {
            size_t punct = t.len - 1, j = i + 1, q, k;
            while ((q = closing_quote(p + j, len - j)) != 0)
                j += q;
            /* A sentence end: white space, then more text that does not start in lower case
             * ("approx. five" goes on), and for "." no abbreviation before it. */
            k = j;
            while (k < len && is_space(p[k]))
                k++;
            if (k > j && k < len && !(p[k] >= 'a' && p[k] <= 'z') &&
                (p[i] != '.' || !is_abbrev(t.buf + word, punct - word))) {
                if (sbuf_add(&t, text + i + 1, j - i - 1) != TRAWL_OK)
                    goto nomem;
                done = 1;
            }
        }
        i++;
        /* Enough to know the title gets cut: stop reading (bodies can be huge). */
        if (t.len > ARTICLE_TITLE_MAX)
            break;
    }
    while (t.len > 0 && t.buf[t.len - 1] == ' ')
        t.len--;
    if (t.cap) /* never write to sbuf's shared static "", even a NUL */
        t.buf[t.len] = '\0';
    if (t.len > ARTICLE_TITLE_MAX && cap_title(&t) != TRAWL_OK)
        goto nomem;
    return sbuf_detach(&t, NULL);
nomem:
    sbuf_release(&t);
    return NULL;
}

/* ---- building articles ---- */

static char *dup_n(const char *s, size_t len)
{
    char *d = malloc(len + 1);

    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

/* Fills a's body from raw[0..len) and, when title is NULL, its title from the body. */
static int set_body(struct article *a, const char *raw, size_t len, struct trawl_error *err)
{
    struct sbuf b;
    size_t blen;

    sbuf_init(&b);
    if (sanitize(raw, len, &b, &a->warnings) != TRAWL_OK) {
        sbuf_release(&b);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    if ((a->body = sbuf_detach(&b, &blen)) == NULL) {
        a->body = article_empty;
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    a->body_len = blen;
    if (all_space(a->body, a->body_len))
        a->warnings |= TRAWL_WARN_EMPTY;
    return TRAWL_OK;
}

static int derive_title(struct article *a, struct trawl_error *err)
{
    char *t = article_first_sentence(a->body, a->body_len);

    if (t == NULL)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    a->title = t;
    a->title_derived = 1;
    return TRAWL_OK;
}

static int set_id(struct article *a, const char *id, struct trawl_error *err)
{
    if (id == NULL || id[0] == '\0')
        return terr_set(err, TRAWL_EINPUT, "article id is empty");
    if ((a->id = dup_n(id, strlen(id))) == NULL) {
        a->id = article_empty;
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    return TRAWL_OK;
}

/* Parses the " date YYYY-MM-DD " header at buf[0..len): returns the offset where the body
 * starts (0 when there is no header) and fills a->date or sets TRAWL_WARN_BAD_DATE. */
static size_t parse_header(struct article *a, const char *buf, size_t len)
{
    size_t i = 0, tok, tok_end;

    while (i < len && is_blank((unsigned char)buf[i]))
        i++;
    if (len - i < 5 || memcmp(buf + i, "date", 4) != 0 || !is_blank((unsigned char)buf[i + 4]))
        return 0;
    i += 4;
    while (i < len && is_blank((unsigned char)buf[i]))
        i++;
    tok = i;
    while (i < len && !is_space((unsigned char)buf[i]))
        i++;
    tok_end = i;
    if (tok_end == tok)
        return 0; /* "date" then only white space: not a header, just a word */
    while (i < len && is_space((unsigned char)buf[i]))
        i++;
    if (article_valid_date(buf + tok, tok_end - tok)) {
        memcpy(a->date, buf + tok, 10);
        a->date[10] = '\0';
    } else {
        a->warnings |= TRAWL_WARN_BAD_DATE;
    }
    return i;
}

int article_from_file(struct article *a, const char *id, const char *buf, size_t len,
                      struct trawl_error *err)
{
    size_t start;
    int rc;

    article_release(a);
    if (buf == NULL)
        len = 0;
    if (memchr(buf ? buf : "", '\0', len < BINARY_PROBE ? len : BINARY_PROBE) != NULL)
        return terr_set(err, TRAWL_EINPUT, "binary file");
    if ((rc = set_id(a, id, err)) != TRAWL_OK)
        return rc;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    start = parse_header(a, buf, len);
    if ((rc = set_body(a, buf + start, len - start, err)) != TRAWL_OK ||
        (rc = derive_title(a, err)) != TRAWL_OK) {
        article_release(a);
        return rc;
    }
    return TRAWL_OK;
}

/* The given title, sanitized, white space collapsed and trimmed. */
static int set_title(struct article *a, const char *title, struct trawl_error *err)
{
    struct sbuf raw, t;
    size_t i;
    unsigned warn = 0;

    sbuf_init(&raw);
    sbuf_init(&t);
    if (sanitize(title, strlen(title), &raw, &warn) != TRAWL_OK)
        goto nomem;
    for (i = 0; i < raw.len; i++) {
        if (!is_space((unsigned char)raw.buf[i])) {
            if (sbuf_addc(&t, raw.buf[i]) != TRAWL_OK)
                goto nomem;
        } else if (t.len > 0 && t.buf[t.len - 1] != ' ') {
            if (sbuf_addc(&t, ' ') != TRAWL_OK)
                goto nomem;
        }
    }
    while (t.len > 0 && t.buf[t.len - 1] == ' ')
        t.len--;
    if (t.cap) /* never write to sbuf's shared static "", even a NUL */
        t.buf[t.len] = '\0';
    sbuf_release(&raw);
    if (t.len == 0) {
        sbuf_release(&t);
        return TRAWL_OK; /* blank: the caller derives one */
    }
    if ((a->title = sbuf_detach(&t, NULL)) == NULL) {
        a->title = article_empty;
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    a->warnings |= warn;
    return TRAWL_OK;
nomem:
    sbuf_release(&raw);
    sbuf_release(&t);
    return terr_set(err, TRAWL_ENOMEM, "out of memory");
}

int article_from_fields(struct article *a, const char *id, const char *text, size_t text_len,
                        const char *title, const char *date, const char *url, const char *source,
                        struct trawl_error *err)
{
    int rc;

    article_release(a);
    if (text == NULL && text_len > 0)
        return terr_set(err, TRAWL_EINPUT, "article text is missing");
    if ((rc = set_id(a, id, err)) != TRAWL_OK)
        return rc;
    if (date != NULL && date[0] != '\0') {
        if (article_valid_date(date, strlen(date)))
            memcpy(a->date, date, 11);
        else
            a->warnings |= TRAWL_WARN_BAD_DATE;
    }
    if ((url != NULL && (a->url = dup_n(url, strlen(url))) == NULL) ||
        (source != NULL && (a->source = dup_n(source, strlen(source))) == NULL)) {
        article_release(a);
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    }
    if ((rc = set_body(a, text ? text : "", text_len, err)) != TRAWL_OK ||
        (title != NULL && (rc = set_title(a, title, err)) != TRAWL_OK) ||
        (a->title == article_empty && (rc = derive_title(a, err)) != TRAWL_OK)) {
        article_release(a);
        return rc;
    }
    return TRAWL_OK;
}
