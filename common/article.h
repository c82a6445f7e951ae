/* article: one news article, parsed from the sample file format or built from a JSONL record,
 * and sanitized so that everything after it can trust the bytes.
 * Depends on libc and utf8proc only; knows nothing of the index.
 *
 * File format: the file starts with " date YYYY-MM-DD " and the text follows directly (the
 * first paragraph on the same line); paragraphs are separated by blank lines. A leading UTF-8
 * BOM is skipped. The header is: optional spaces/tabs, "date" (lower case), spaces/tabs, a token
 * (up to the next white space), then any white space (newlines included); the body starts after
 * it. No header: the whole text is the body, the article has no date (no warning). A header
 * whose token is not a valid calendar date (" date yesterday "): no date, TRAWL_WARN_BAD_DATE,
 * and the header, token included, is still dropped from the body.
 *
 * Sanitizing (body and title): invalid UTF-8 sequences become U+FFFD (TRAWL_WARN_UTF8; one per
 * maximal invalid subpart, as Unicode recommends), "\r\n" and lone "\r" become "\n", other C0
 * controls except "\t" and "\n", and DEL, become a space. A file whose first 8 KiB hold a
 * NUL byte is binary: article_from_file() refuses it with TRAWL_EINPUT. */
#ifndef TRAWL_COMMON_ARTICLE_H
#define TRAWL_COMMON_ARTICLE_H

#include <stddef.h>

#include "common/err.h"

TRAWL_BEGIN_DECLS

#define ARTICLE_TITLE_MAX 160 /* bytes of a derived title, cut at a word, "…" appended */

struct article {
    char *id;        /* owned, NUL-terminated, never NULL */
    char *title;     /* owned; the given title, or the body's first sentence; may be "" */
    char date[11];   /* "YYYY-MM-DD", or "" when unknown */
    char *url;       /* owned; NULL when not given */
    char *source;    /* owned; NULL when not given */
    char *body;      /* owned, sanitized UTF-8, NUL-terminated */
    size_t body_len;
    unsigned warnings; /* enum trawl_article_warning bits */
    int title_derived; /* 1 when title is the body's first sentence (none was given) */
};

/* After article_init() id, title and body are "" (static, never NULL), url and source NULL. */
void article_init(struct article *a);
void article_release(struct article *a); /* frees the fields, re-initialises; NULL-safe */

/* Parses file bytes buf[0..len) of the file format above into a, which must be initialised:
 * whatever a held is released first, and on error a is left as after article_init().
 * id is copied. The title is article_first_sentence() of the body. Binary input:
 * TRAWL_EINPUT "binary file". Empty id: TRAWL_EINPUT. OOM: TRAWL_ENOMEM. */
int article_from_file(struct article *a, const char *id, const char *buf, size_t len,
                      struct trawl_error *err);

/* Builds a from separate fields (JSONL), like article_from_file() does (a initialised, old
 * contents released, left empty on error): id (not empty) and text are required (text may be
 * NULL only when text_len is 0); title, date, url, source may be NULL. A title is sanitized,
 * its white space collapsed; a NULL or blank one is derived from the body. A date that is not
 * a valid YYYY-MM-DD sets TRAWL_WARN_BAD_DATE and is dropped ("" is no date, no warning). url
 * and source are copied as they are. Strings need not be NUL-terminated when a length is
 * given. */
int article_from_fields(struct article *a, const char *id, const char *text, size_t text_len,
                        const char *title, const char *date, const char *url,
                        const char *source, struct trawl_error *err);

/* 1 if s[0..len) is a valid calendar date "YYYY-MM-DD" (years 0001-9999). */
int article_valid_date(const char *s, size_t len);

/* The first sentence of text, at most ARTICLE_TITLE_MAX bytes, whitespace collapsed:
 * returns a malloc'ed string (NULL on OOM; "" for a blank text). A sentence ends at ".", "?" or
 * "!" (and any closing quotes after it) followed by white space and then text that does not
 * start with a lower-case ASCII letter; not at the "." of a single capital initial ("J."),
 * of letters with inner dots ("U.S.") or of a few abbreviations ("Mr." "Dr." "St." "vs." ...).
 * It also ends at the first blank line or at the end of text. A longer one is cut at the last
 * word that fits and "…" is appended (a single over-long word is cut between characters). */
char *article_first_sentence(const char *text, size_t len);

TRAWL_END_DECLS

#endif
