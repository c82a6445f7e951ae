/* index_rare: suggestions for words the index has, but far more rarely than a close word
 * ("goverment" 3 times in Reuters, "government" thousands of times): a typo that made it into
 * the corpus still finds the few passages with the typo, and the user wants the others.
 *
 * Xapian's get_spelling_suggestion() already returns, for a word in the table, its best
 * candidate (smallest edit distance, then highest frequency) when that is at least as frequent
 * as the word itself: far too eager. On the 1,000 queries of reuters-queries.tsv, a ratio of
 * 100 alone suggested 20 times: 4 right ("contral" -> "central", "pimary" -> "primary",
 * "mananger" -> "manager", "erly" -> "early"), 2 unclear ("shrp", "neer") and 14 wrong, such
 * as "rank" -> "bank", "ware" -> "are", "arose" -> "rose", "resident" -> "president",
 * "declares" -> "declared", "loins" -> "loans". So a suggestion must pass all of:
 *  - ratio: occur more than INDEX_RARE_RATIO (100) times as often as the word. A typo of a
 *    common word is 1/100 of it or rarer ("goverment" 9 : 3,539 in Reuters);
 *  - length: the word has INDEX_RARE_MIN_CHARS (5) characters or more: one edit turns most
 *    short words into another word, and short rare words are mostly names and abbreviations;
 *    at most 1 edit below INDEX_RARE_LONG_CHARS (8) characters, 2 from there;
 *  - the same first letter: typing errors seldom hit the first letter (Pollock and Zamora,
 *    "Automatic spelling correction in scientific and scholarly text", CACM 27(4), 1984),
 *    while "rank"/"bank", "ware"/"are", "resident"/"president" are all real words;
 *  - a different stem: "declares" -> "declared" is an inflection, not a typo.
 * With these, the same 1,000 queries get 5 suggestions: "contral", "pimary", "mananger"
 * right, "boart" (a company's name) -> "board" and "loins" -> "loans" wrong.
 * Looking for a close word is the costly part (Xapian reads the trigram lists of the word:
 * 18% of the time of those 1,000 queries on the 10x Reuters index). A typo is rare in
 * absolute terms too, so the word is only looked at when it occurs at most
 * INDEX_RARE_MAX_FREQ (100) times or is at most INDEX_RARE_MAX_SHARE (3 in 1,000,000) of the
 * index's words: on the 10x index the five words above are 1 in 600,000 at most (8 to 76 of
 * 47 million: the bound keeps twice that), and only the query words it has at most 142 times
 * are looked at. Each look costs 1 to 2 ms there; at 1 in 100,000 (470 times) the 1,000
 * queries needed 290 of them, at this bound 143, with the same suggestions.
 * Distances are Damerau-Levenshtein (adjacent transpositions count one, as Xapian counts
 * them) over code points. */
#include "common/index_priv.h"

#include <string.h>

#include "common/analyze.h"
#include "common/xdb.h"

#define RARE_MAX_CHARS 64 /* spelling words are at most 32 bytes */

/* Code points of s[0..len) into cp (at most RARE_MAX_CHARS); returns their number. Lead bytes
 * start a code point; continuation bytes are folded into it (exact for valid UTF-8). */
static size_t code_points(const char *s, size_t len, unsigned cp[RARE_MAX_CHARS])
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80 && n > 0)
            cp[n - 1] = (cp[n - 1] << 6) | (c & 0x3F);
        else if (n < RARE_MAX_CHARS)
            cp[n++] = c;
        else
            break;
    }
    return n;
}

/* Optimal string alignment distance of a[0..n) and b[0..m) (n, m <= RARE_MAX_CHARS). */
static unsigned edit_distance(const unsigned *a, size_t n, const unsigned *b, size_t m)
{
    unsigned d[RARE_MAX_CHARS + 1][RARE_MAX_CHARS + 1];

    for (size_t i = 0; i <= n; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = a[i - 1] != b[j - 1], best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

struct first_term {
    struct sbuf term; /* the index term of the first token; "" when none */
    int rc;           /* TRAWL_ENOMEM when it could not be kept */
};

/* Keeps the index term of the first token of the text (its stem), then stops. */
static enum analyze_next stem_ctx_fn(void *ctx, const struct tok_token *tk, const char *term,
                                     size_t len)
{
    struct first_term *f = ctx;

    (void)tk;
    if (sbuf_add(&f->term, term, len) != TRAWL_OK)
        f->rc = TRAWL_ENOMEM;
    return ANALYZE_STOP;
}

/* 1 when a and b have the same stem, 0 when not, -1 when out of memory. */
static int same_stem(struct analyzer *an, const char *a, size_t alen, const char *b, size_t blen)
{
    struct first_term fa = {.rc = TRAWL_OK}, fb = {.rc = TRAWL_OK};
    int same = -1;

    sbuf_init(&fa.term);
    sbuf_init(&fb.term);
    if (analyze_each(an, a, alen, stem_ctx_fn, &fa) == TRAWL_OK && fa.rc == TRAWL_OK &&
        analyze_each(an, b, blen, stem_ctx_fn, &fb) == TRAWL_OK && fb.rc == TRAWL_OK)
        same = fa.term.len == fb.term.len && memcmp(fa.term.buf, fb.term.buf, fa.term.len) == 0;
    sbuf_release(&fa.term);
    sbuf_release(&fb.term);
    return same;
}

static int rare_suggestion(struct index *ix, const char *word, size_t len, struct sbuf *out,
                           uint64_t *word_freq, uint64_t *sug_freq, struct trawl_error *err)
{
    unsigned a[RARE_MAX_CHARS], b[RARE_MAX_CHARS];
    uint64_t wf = 0, sf = 0;
    size_t n = code_points(word, len, a), m;
    struct analyzer *an;
    int rc, same;

    sbuf_reset(out);
    if (word_freq != NULL)
        *word_freq = 0;
    if (sug_freq != NULL)
        *sug_freq = 0;
    if (n < INDEX_RARE_MIN_CHARS || len > RARE_MAX_CHARS)
        return TRAWL_OK;
    if ((rc = xdb_spelling_freq(ix->db, word, len, &wf, err)) != TRAWL_OK)
        return rc;
    if (wf == 0)
        return TRAWL_OK; /* not in the table: the unknown-word suggestion's business */
    /* Too common to be a typo: Xapian's search for a close word (the costly part) is skipped. */
    if (wf > INDEX_RARE_MAX_FREQ) {
        struct xdb_stats st;
        if ((rc = xdb_stats(ix->db, &st, err)) != TRAWL_OK)
            return rc;
        if ((double)wf > (double)st.total_length * INDEX_RARE_MAX_SHARE)
            return TRAWL_OK;
    }
    if ((rc = xdb_spelling(ix->db, word, len, n >= INDEX_RARE_LONG_CHARS ? 2 : 1, out, err)) !=
            TRAWL_OK ||
        out->len == 0)
        return rc;
    if ((rc = xdb_spelling_freq(ix->db, out->buf, out->len, &sf, err)) != TRAWL_OK)
        return rc;
    m = code_points(out->buf, out->len, b);
    /* Xapian bounds the distance already; checked again so the rule stands on its own. */
    if (sf <= wf * INDEX_RARE_RATIO || m == 0 || a[0] != b[0] ||
        edit_distance(a, n, b, m) > (n >= INDEX_RARE_LONG_CHARS ? 2u : 1u)) {
        sbuf_reset(out);
        return TRAWL_OK;
    }
    if ((rc = index_analyzer(ix, &an, err)) != TRAWL_OK)
        return rc;
    if ((same = same_stem(an, word, len, out->buf, out->len)) != 0) {
        sbuf_reset(out);
        return same < 0 ? terr_set(err, TRAWL_ENOMEM, "out of memory") : TRAWL_OK;
    }
    if (word_freq != NULL)
        *word_freq = wf;
    if (sug_freq != NULL)
        *sug_freq = sf;
    return TRAWL_OK;
}

struct rare_ctx {
    const char *word;
    size_t len;
    struct sbuf *out;
    uint64_t *word_freq, *sug_freq;
};

static int rare_once(struct index *ix, void *ctx, struct trawl_error *err)
{
    const struct rare_ctx *c = ctx;

    return rare_suggestion(ix, c->word, c->len, c->out, c->word_freq, c->sug_freq, err);
}

/* Asked after the search that found the word: retried as one read when the indexer commits
 * meanwhile (index_retry). */
int index_suggest_rare(struct index *ix, const char *word, size_t len, struct sbuf *out,
                       uint64_t *word_freq, uint64_t *sug_freq, struct trawl_error *err)
{
    struct rare_ctx c = {word, len, out, word_freq, sug_freq};

    return index_retry(ix, rare_once, &c, err);
}
