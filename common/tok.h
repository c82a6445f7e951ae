/* tok: the one tokenizer, used for indexing and querying alike, so the same text always
 * yields the same tokens. UTF-8 in; tokens out, case-folded and normalized, with their byte
 * offsets in the input. Depends on utf8proc only (no stemming here: see stem.h).
 *
 * Rules (each has a unit test in tests/unit/test_tok.c):
 *  - Word characters are letters, digits and combining marks of every script (Unicode L*, N*,
 *    M*). Everything else separates tokens.
 *  - Tokens are NFKC-normalized and case-folded; diacritics on Latin letters are removed
 *    ("Café" -> "cafe", "Straße" -> "strasse"); marks of other scripts are kept.
 *  - Han, Hiragana and Katakana characters are one token each (no spaces to split on).
 *  - An apostrophe (' U+2019 U+02BC U+2018) between two letters is part of the word and
 *    becomes "'" ("party’s" -> "party's"); elsewhere it is punctuation ("‘genuine’" ->
 *    "genuine").
 *  - Digits: "," between digits followed by exactly three digits is a thousands separator and
 *    is dropped ("300,000" -> "300000"); "." between digits is kept ("3.14" -> "3.14").
 *  - Single letters each followed by "." form an acronym without the dots ("U.S." -> "us",
 *    "U.S.A." -> "usa").
 *  - A hyphen (- U+2010 U+2011) between word characters splits the word, and the token after
 *    it has TOK_JOINED set ("mandal-level" -> "mandal", "level"+JOINED), so a query can make
 *    a phrase of them.
 *  - Invalid UTF-8 bytes are replaced by U+FFFD (a separator) and counted; never fatal.
 *  - A token longer than TOK_MAX_BYTES (after folding) is cut at a character boundary to at
 *    most TOK_MAX_BYTES and has TOK_LONG set.
 */
#ifndef TRAWL_COMMON_TOK_H
#define TRAWL_COMMON_TOK_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

#define TOK_MAX_BYTES 64

enum tok_flags {
    TOK_JOINED = 1,  /* joined to the previous token by a hyphen */
    TOK_LONG = 2,    /* cut to TOK_MAX_BYTES */
    TOK_NUMERIC = 4, /* contains a digit (not to be stemmed) */
    TOK_CJK = 8,     /* a single Han/Kana character */
};

struct tok_token {
    const char *text; /* folded token, NOT NUL-terminated; borrowed for the callback only */
    size_t len;       /* 1..TOK_MAX_BYTES */
    size_t start;     /* byte offsets [start, end) of the token in the input */
    size_t end;
    size_t pos;       /* ordinal of the token in the input, from 0 */
    unsigned flags;   /* enum tok_flags */
};

struct tok; /* scratch buffers; one per thread */

struct tok *tok_new(void); /* NULL on OOM */
void tok_free(struct tok *t);

/* What a tok_fn tells tok_each: go on, or stop early. A callback that fails keeps its own
 * status in its ctx and stops (the rule xdb.h's enum xdb_next follows). */
enum tok_next { TOK_NEXT = 0, TOK_STOP = 1 };

/* Called per token in text order. */
typedef enum tok_next (*tok_fn)(void *ctx, const struct tok_token *tk);

/* Tokenizes text[0..len). Returns TRAWL_OK (also when fn stopped early) or TRAWL_ENOMEM, never
 * fn's value: a stop and an error code must not share one int. */
int tok_each(struct tok *t, const char *text, size_t len, tok_fn fn, void *ctx);

/* Invalid UTF-8 sequences met by the last tok_each() on t. */
size_t tok_invalid_count(const struct tok *t);

/* Folds one word as tok would (for callers that have a single word, e.g. a wildcard prefix):
 * writes at most cap bytes to out, returns the folded length (0 when word has no word
 * characters). */
size_t tok_fold_word(struct tok *t, const char *word, size_t len, char *out, size_t cap);

TRAWL_END_DECLS

#endif
