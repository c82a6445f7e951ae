/* Fuzz target: arbitrary bytes as text through the one analysis pipeline (tok then stem), as
 * the indexer and the searcher run it, plus the passage splitter and the single-word folding
 * of wildcards. Checks the promises of tok.h: offsets inside the text and increasing, tokens
 * of 1..TOK_MAX_BYTES bytes of valid UTF-8, and the same tokens on a second run. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "common/analyze.h"
#include "common/passage.h"
#include "common/tok.h"
#include "tests/fuzz/fuzz.h"

static struct analyzer *an;

struct seen {
    size_t len, n, last_start, last_pos;
    uint64_t sum; /* a digest of the tokens, so a second run can be compared */
};

static int valid_utf8(const char *s, size_t len)
{
    utf8proc_int32_t cp;

    while (len > 0) {
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp);
        if (n <= 0)
            return 0;
        s += n;
        len -= (size_t)n;
    }
    return 1;
}

static enum analyze_next on_token(void *ctx, const struct tok_token *tk, const char *term,
                                  size_t term_len)
{
    struct seen *s = ctx;

    FUZZ_CHECK(tk->len >= 1 && tk->len <= TOK_MAX_BYTES);
    FUZZ_CHECK(tk->start < tk->end && tk->end <= s->len);
    FUZZ_CHECK(s->n == 0 || (tk->start >= s->last_start && tk->pos > s->last_pos));
    FUZZ_CHECK(valid_utf8(tk->text, tk->len));
    FUZZ_CHECK(term != NULL && term_len > 0 && valid_utf8(term, term_len));
    s->last_start = tk->start;
    s->last_pos = tk->pos;
    s->n++;
    for (size_t i = 0; i < term_len; i++)
        s->sum = s->sum * 1099511628211u + (unsigned char)term[i];
    s->sum = s->sum * 31 + tk->start;
    return ANALYZE_NEXT;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct trawl_error err;

    (void)argc;
    (void)argv;
    if (analyzer_new("english", &an, &err) != TRAWL_OK)
        fuzz_die("analyzer_new", err.msg);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct seen a = {.len = size}, b = {.len = size};
    struct passage *ps = NULL;
    size_t n = 0, fold_len;
    char fold[TOK_MAX_BYTES * 4];
    struct trawl_error err;

    FUZZ_CHECK(analyze_each(an, text, size, on_token, &a) == 0);
    FUZZ_CHECK(analyze_each(an, text, size, on_token, &b) == 0);
    FUZZ_CHECK(a.n == b.n && a.sum == b.sum);

    fold_len = tok_fold_word(analyzer_tok(an), text, size, fold, sizeof fold);
    FUZZ_CHECK(fold_len <= sizeof fold && valid_utf8(fold, fold_len));

    FUZZ_CHECK(passage_split(text, size, NULL, &ps, &n, &err) == TRAWL_OK);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(ps[i].start < ps[i].end && ps[i].end <= size);
        FUZZ_CHECK(ps[i].end - ps[i].start <= PASSAGE_MAX_BYTES);
        FUZZ_CHECK(i == 0 || ps[i].start >= ps[i - 1].end);
        FUZZ_CHECK(ps[i].ordinal == i);
    }
    free(ps);
    return 0;
}
