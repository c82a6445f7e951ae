/* trawl.h: libtrawl, the public C API of trawl — passage search over Xapian.
 *
 * An index is a folder of Xapian databases holding one document per passage of each article.
 * This header is all a program needs: open an index, search it (articles ranked, each with the
 * passage that answers best, or every passage), show passages and snippets with highlight
 * ranges, explain scores, suggest spellings, and write to it (add, replace and remove
 * articles, in batches, or a fresh build over several threads). Everything else in the library
 * is internal.
 *
 * Conventions (the same everywhere below):
 * - A fallible function returns an enum trawl_status (TRAWL_OK is 0) and takes a
 *   struct trawl_error * last, which it fills on failure (it may be NULL). Codes say what the
 *   caller can do; messages are one line, lower-case, without a final period.
 * - Strings go in as NUL-terminated C strings unless a length is given. Strings coming out are
 *   (pointer, length) pairs that are NOT NUL-terminated unless stated, and are borrowed: each
 *   function says until when they stay valid. Pointers the caller owns are said to be owned,
 *   with the function that frees them.
 * - Handles are not thread-safe: use one per thread (a writer runs its own threads inside).
 * - No function prints, exits or installs signal handlers.
 * Depends on libc only (signal.h, stddef.h, stdint.h).
 * Link with `pkg-config --cflags --libs trawl`. */
#ifndef TRAWL_H
#define TRAWL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(TRAWL_STATIC)
#define TRAWL_API __attribute__((visibility("default")))
#else
#define TRAWL_API
#endif

/* ---- Status and errors ------------------------------------------------------------------ */

enum trawl_status {
    TRAWL_OK = 0,
    TRAWL_ENOMEM,    /* allocation failed */
    TRAWL_EIO,       /* the file system said no; the errno text is in the message */
    TRAWL_EINPUT,    /* the caller's input is wrong (query syntax, option, article): fix it */
    TRAWL_EINDEX,    /* index missing, damaged, or of another schema: the message says what */
    TRAWL_ELOCKED,   /* another process holds the index's write lock */
    TRAWL_ERETRY,    /* the index changed under a reader too often: trawl_reopen, try again */
    TRAWL_ENOTFOUND, /* the thing asked for is not there (not always an error) */
    TRAWL_EINTERNAL, /* a bug in trawl or a library it uses: please report it */
    TRAWL_ECANCELLED, /* the caller's cancel flag stopped the call (trawl_search_opts,
                         trawl_writer_opts) */
};

struct trawl_error {
    enum trawl_status code;
    char msg[512];  /* fixed size: reporting TRAWL_ENOMEM never allocates */
    size_t column;  /* query syntax errors: 1-based column (in code points) of the offending
                       character; 0 otherwise */
};

/* A short name for a status ("out of memory", "index error", ...). Static storage. */
TRAWL_API const char *trawl_status_name(int code);

/* The library's version ("0.1.0") and the versions of the libraries behind it
 * ("Xapian 1.4.22, libstemmer 2.2.0, utf8proc 2.8.0"). Static storage. */
TRAWL_API const char *trawl_version(void);
TRAWL_API const char *trawl_library_versions(void);

/* Stemmer languages: 1 if lang is one (or "none": no stemming); the list, NULL-terminated,
 * static storage. */
TRAWL_API int trawl_language_known(const char *lang);
TRAWL_API const char *const *trawl_languages(void);

#define TRAWL_DEFAULT_PATH "trawl.db" /* where the programs look without --db or $TRAWL_DB */

/* ---- Articles ------------------------------------------------------------------------------
 * An article is parsed and sanitised here (invalid UTF-8 becomes U+FFFD, control characters
 * spaces; see the README "Article files"), then handed to a writer. */

typedef struct trawl_article trawl_article;

enum trawl_article_warning {
    TRAWL_WARN_BAD_DATE = 1, /* a date that is not YYYY-MM-DD: the article has no date */
    TRAWL_WARN_UTF8 = 2,     /* invalid UTF-8 replaced by U+FFFD */
    TRAWL_WARN_EMPTY = 4,    /* no text at all: indexed with no passages */
};

/* An empty article (owned: free with trawl_article_free). NULL only on OOM. */
TRAWL_API trawl_article *trawl_article_new(void);
TRAWL_API void trawl_article_free(trawl_article *a); /* NULL-safe */

/* Fills a from the bytes of an article file (" date YYYY-MM-DD " then the text, paragraphs
 * separated by blank lines); whatever a held is replaced, and on error a is left empty. id is
 * copied. TRAWL_EINPUT: binary file, empty id. */
TRAWL_API int trawl_article_from_file(trawl_article *a, const char *id, const char *buf,
                                      size_t len, struct trawl_error *err);
/* Fills a from separate fields (JSON Lines): id and text required; title, date, url and
 * source may be NULL. A missing or blank title is the body's first sentence. */
TRAWL_API int trawl_article_from_fields(trawl_article *a, const char *id, const char *text,
                                        size_t text_len, const char *title, const char *date,
                                        const char *url, const char *source,
                                        struct trawl_error *err);
/* The article's id and text (borrowed until a changes), its trawl_article_warning bits. */
TRAWL_API const char *trawl_article_id(const trawl_article *a);
TRAWL_API size_t trawl_article_text_len(const trawl_article *a);
TRAWL_API unsigned trawl_article_warnings(const trawl_article *a);
/* A 64-bit hash of everything the index keeps of the article (id, title, date, url, source,
 * text): equal hashes mean nothing to re-index. */
TRAWL_API uint64_t trawl_article_hash(const trawl_article *a);

/* A 64-bit content hash (FNV-1a; not cryptographic), continuing from h (start with
 * TRAWL_HASH_SEED): what article records keep for files. */
#define TRAWL_HASH_SEED 0xcbf29ce484222325ULL
TRAWL_API uint64_t trawl_hash(uint64_t h, const void *data, size_t len);

/* The key an article id is stored under: the id itself, or for ids over 200 bytes a prefix and
 * a hash. Writes at most TRAWL_KEY_MAX bytes including the NUL into out; returns its length. */
#define TRAWL_KEY_MAX 256
TRAWL_API size_t trawl_article_key(const char *id, size_t len, char out[TRAWL_KEY_MAX]);

/* JSON Lines files, plain or gzip: one article a line ("id", "text"; optional "title",
 * "date", "url", "source"). */
typedef struct trawl_jsonl trawl_jsonl;
/* Lines longer than max_line bytes are refused one by one. TRAWL_EIO when it cannot open. */
TRAWL_API int trawl_jsonl_open(const char *path, size_t max_line, trawl_jsonl **out,
                               struct trawl_error *err);
TRAWL_API void trawl_jsonl_close(trawl_jsonl *r); /* NULL-safe */
/* The next article into a: *got = 1, or 0 at the end. TRAWL_EINPUT: this line is bad
 * ("line N: why"), call again for the next; TRAWL_EIO: the file is unreadable from here. */
TRAWL_API int trawl_jsonl_next(trawl_jsonl *r, trawl_article *a, int *got,
                               struct trawl_error *err);
TRAWL_API size_t trawl_jsonl_line(const trawl_jsonl *r);        /* of the last line read */
TRAWL_API size_t trawl_jsonl_file_offset(const trawl_jsonl *r); /* bytes of the file read */

/* ---- Opening an index for searching --------------------------------------------------- */

typedef struct trawl_index trawl_index;

struct trawl_open_opts {
    int allow_partial; /* a sharded index with shards down: open the others (see warning) */
};

/* Opens the index at path for reading (opts may be NULL). TRAWL_EINDEX: missing, empty,
 * damaged or of another schema, with a message that says what to do. Owned: trawl_close. */
TRAWL_API int trawl_open(const char *path, const struct trawl_open_opts *opts,
                         trawl_index **out, struct trawl_error *err);
TRAWL_API void trawl_close(trawl_index *ix); /* NULL-safe */
/* Sees what writers have committed since (and follows a rebuild to its new generation). */
TRAWL_API int trawl_reopen(trawl_index *ix, struct trawl_error *err);
/* Borrowed until trawl_close: the path, the stemmer language, and why results may be partial
 * (shards unavailable) or NULL. */
TRAWL_API const char *trawl_index_path(const trawl_index *ix);
TRAWL_API const char *trawl_index_lang(const trawl_index *ix);
TRAWL_API const char *trawl_index_warning(const trawl_index *ix);

/* ---- Searching ---------------------------------------------------------------------------
 * Query syntax (README "Query syntax"): words, "phrases", +required, -excluded, AND OR NOT
 * ( ), prefix*, date:2018-03-26 (and ranges), article:ID, source:"Example Times". At most
 * TRAWL_QUERY_MAX bytes. */

#define TRAWL_QUERY_MAX 4096

/* The order of results. Dates are the articles' own; articles without one come last. */
enum trawl_sort {
    TRAWL_SORT_SCORE = 0,    /* best score first (the default) */
    TRAWL_SORT_DATE = 1,     /* newest article first, then best score */
    TRAWL_SORT_DATE_ASC = 2, /* oldest article first, then best score */
};

struct trawl_search_opts {
    unsigned offset, count;  /* the window of results (default 0, 10) */
    unsigned per_article;    /* passages shown per article (default 1); 0: every passage
                                ranked by its own score */
    int all_words;           /* 1: juxtaposed words must all match (default: any) */
    int plain;               /* 1: the query is plain text, no syntax (evaluation topics);
                                text without a word finds nothing (TRAWL_OK) */
    double k1, b;            /* BM25 of the views by article (defaults: README "Ranking") */
    int bm25plus;            /* Xapian's BM25+ instead, with delta */
    double delta;
    unsigned check_at_least; /* matches looked at for exact counts (default 100) */
    enum trawl_sort sort;    /* default TRAWL_SORT_SCORE; with per_article, each article is
                                still shown by its best passages */
    /* Optional (default NULL): a flag the caller sets, typically from a SIGINT handler, to
     * stop the search. It is read between the search's steps and while passages are checked
     * for phrases (the slow part); once non-zero, trawl_search returns TRAWL_ECANCELLED
     * ("search cancelled") and no results. The caller clears it. Not owned; must outlive
     * the call. */
    volatile sig_atomic_t *cancel;
    /* Article ranking, in the one-passage-per-article view with BM25 (README "Ranking"): the
     * best article_depth articles of the passage search (default 30; 0: off, articles
     * ranked by their best passage alone) are ranked by
     *   article_alpha x their best passage's score + (1 - article_alpha) x the article's BM25
     * (article_k1, article_b; the title counted once), and each shows the passage whose own
     * text matches best (not the title; the best scoring one when the query has a phrase).
     * article_df: TRAWL_DF_EXACT counts articles per term (kept by the indexer; a sharded
     * index counts them from the postings, an O(df) walk cached per index state),
     * TRAWL_DF_WALK always counts them so (the same numbers: a check of the indexer's),
     * TRAWL_DF_PASSAGE uses the passage statistics instead. With TRAWL_SORT_DATE the
     * articles go by date and are not re-ordered by the fused score, but each still shows
     * the passage its own text chooses. */
    unsigned article_depth;
    double article_alpha, article_k1, article_b;
    int article_df;
    /* 0 (the default): with per_article 1, near-duplicate articles (a story republished
     * with small edits; README "Near-duplicates") show as one result, the best ranked,
     * with the others in trawl_results_duplicate; pages count groups. 1: every article. */
    int duplicates;
    /* BM25 of the every-passage view (per_article 0), which ranks passages as answers on their
     * own: defaults 1.2 and .75 (README "Ranking"). */
    double passage_k1, passage_b;
    /* 1: pseudo-relevance feedback (default 0; README "Ranking"): the best terms of the query's
     * 10 best passages weigh in at 0.3, re-ranking the passages the query matches. */
    int expand;
    /* The every-passage view (per_article 0) ranked by score: its best article_depth
     * passages are ranked by passage_alpha x their own score + (1 - passage_alpha) x their
     * article's BM25 (as above); default .7 (README "Ranking"), 1: their own score alone. */
    double passage_alpha;
};
enum trawl_df { TRAWL_DF_EXACT = 0, TRAWL_DF_PASSAGE = 1, TRAWL_DF_WALK = 2 };
TRAWL_API void trawl_search_opts_init(struct trawl_search_opts *o);

/* One passage, as stored. Strings are borrowed from whatever handed the passage out and are
 * not NUL-terminated. */
struct trawl_passage {
    const char *article; size_t article_len; /* the article id */
    const char *title; size_t title_len;     /* given, or the first sentence */
    const char *date; size_t date_len;       /* "YYYY-MM-DD", or empty */
    unsigned ordinal;                        /* 0, 1, ... in the article */
    uint64_t start, end;                     /* its byte range in the article's text */
    const char *text; size_t text_len;
    const char *url; size_t url_len;         /* the article's url as given (JSON Lines), or
                                                empty (url_len 0) */
    const char *source; size_t source_len;   /* its source ("Example Times"), or empty */
};

struct trawl_hit {
    struct trawl_passage passage;
    double score;
    uint64_t more; /* other matching passages of the same article (per-article view) */
};

typedef struct trawl_results trawl_results;

/* Runs query[0..len) on ix (opts NULL: the defaults). Empty results are TRAWL_OK. A syntax
 * error is TRAWL_EINPUT with err->column set. The results (owned: trawl_results_free) borrow
 * ix: free them before closing it. */
TRAWL_API int trawl_search(trawl_index *ix, const char *query, size_t len,
                           const struct trawl_search_opts *opts, trawl_results **out,
                           struct trawl_error *err);
TRAWL_API void trawl_results_free(trawl_results *r); /* NULL-safe */
/* Hits of the window, best first; hit i is borrowed until trawl_results_free. */
TRAWL_API size_t trawl_results_count(const trawl_results *r);
TRAWL_API const struct trawl_hit *trawl_results_hit(const trawl_results *r, size_t i);
/* Matches in all (articles, or passages with per_article 0): an estimate, never below the
 * hits seen up to this window, never above the articles (or passages) the index holds. */
TRAWL_API uint64_t trawl_results_estimated(const trawl_results *r);
/* 1 when trawl_results_estimated is the exact count (every match was counted: always so for
 * a plain query answered from the impact files), 0 when it is Xapian's estimate. */
TRAWL_API int trawl_results_exact(const trawl_results *r);
/* The near-duplicate articles folded into hit i (see trawl_search_opts.duplicates): their
 * count, and the k-th (best first; its best passage), borrowed until trawl_results_free. */
TRAWL_API size_t trawl_results_duplicate_count(const trawl_results *r, size_t i);
TRAWL_API const struct trawl_passage *trawl_results_duplicate(const trawl_results *r, size_t i,
                                                              size_t k);
/* Query words (case-folded) that are nowhere in the index: borrowed, i < the count. */
TRAWL_API size_t trawl_results_unknown_count(const trawl_results *r);
TRAWL_API const char *trawl_results_unknown(const trawl_results *r, size_t i);
/* Query words (case-folded, not excluded) that the index has: borrowed, i < the count. For
 * trawl_suggest_rare. */
TRAWL_API size_t trawl_results_known_count(const trawl_results *r);
TRAWL_API const char *trawl_results_known(const trawl_results *r, size_t i);
/* Where word i of the lists above is in the query text given to trawl_search: the byte range
 * [*start, *end) of its k-th occurrence (k from 0, in query order), the word as typed, before
 * folding ("Éconmy" for "econmy", "U.S." for "us"), so a program can replace it without
 * splitting the query into words itself. Returns 1, or 0 when i or k is past the last (start
 * and end untouched). Every occurrence of the folded word counts, in excluded parts of the
 * query too; filter values (source:"...") and wildcards are not words. */
TRAWL_API int trawl_results_unknown_span(const trawl_results *r, size_t i, size_t k,
                                         size_t *start, size_t *end);
TRAWL_API int trawl_results_known_span(const trawl_results *r, size_t i, size_t k,
                                       size_t *start, size_t *end);

/* ---- Snippets and highlighting --------------------------------------------------------- */

struct trawl_span {
    size_t start, end; /* a byte range of the text */
};

struct trawl_snippet {
    size_t start, end;          /* the window to show */
    int cut_before, cut_after;  /* 1 where text was left out (show "…") */
    struct trawl_span *marks;   /* every match of the query in the whole text, in order */
    size_t nmarks;
    size_t distinct;            /* distinct query terms found */
};

#define TRAWL_SNIPPET_WIDTH 480 /* a good window, in bytes */

/* The marks of r's query in text[0..len) (a hit's passage, or a neighbouring one), and the
 * window of at most width bytes (0: the whole text) holding the most distinct query terms,
 * cut at word boundaries. Phrases mark only their occurrences. out owns its marks: release
 * with trawl_snippet_release. */
TRAWL_API int trawl_snippet(const trawl_results *r, const char *text, size_t len, size_t width,
                            struct trawl_snippet *out, struct trawl_error *err);
TRAWL_API void trawl_snippet_release(struct trawl_snippet *s); /* NULL-safe */

/* Calls fn for each word of text[0..len) as ix analyses it: the case-folded word and the
 * index term it becomes (e.g. "likes" -> "like"), both borrowed for the call. fn returns 0 to
 * go on, non-zero to stop (trawl_words still returns TRAWL_OK). */
typedef int (*trawl_word_fn)(void *ctx, const char *word, size_t word_len, const char *term,
                             size_t term_len);
TRAWL_API int trawl_words(trawl_index *ix, const char *text, size_t len, trawl_word_fn fn,
                          void *ctx, struct trawl_error *err);

/* text[0..len) folded as the index folds words, whatever its language: NFKC, case-folded,
 * diacritics of Latin letters removed ("Éco" -> "eco", "Straße" -> "strasse"), the words
 * joined by one space and everything else dropped ("U.S.-made" -> "us made"). What
 * trawl_complete's prefix and trawl_suggest's word expect. *out is owned (free()), "" when
 * text has no word, NULL on error. TRAWL_ENOMEM only. */
TRAWL_API int trawl_fold(const char *text, size_t len, char **out, struct trawl_error *err);

/* ---- Explaining a score ------------------------------------------------------------------ */

/* The passage part is the score of the article's best scoring passage (scored_ordinal; the hit
 * may show another, see trawl_search_opts.article_depth). With article ranking (fused) the
 * hit's score is alpha x passage_score + (1 - alpha) x article_score, each the sum of its
 * terms' weights; a hit past the re-ranked depth scores passage_score x below. */
struct trawl_explain_term {
    char *term;      /* the index term, or "prefix*" for a wildcard (owned by the explanation) */
    uint64_t tf;     /* occurrences in the passage's own text (wildcards: 0) */
    uint64_t title_tf; /* occurrences the article's title adds to the passage */
    uint64_t df;     /* passages containing it */
    double idf;      /* the term's passage BM25 idf (0 only when no passage has it) */
    double weight;   /* its share of the passage part */
    double art_tf;   /* article part: occurrences in the article, title counted once */
    uint64_t art_df; /* articles containing it */
    double art_idf, art_weight;
};

struct trawl_explanation {
    struct trawl_explain_term *terms;
    size_t n;
    uint64_t passage_len; /* in terms, title included */
    double avg_len;       /* average passage length */
    uint64_t passages;    /* N */
    double k1, b;
    unsigned scored_ordinal;  /* the passage scored for the passage part */
    double passage_score;     /* the passage part */
    int fused;                /* 1: the score fuses the passage and article parts */
    double alpha;             /* the passage part's weight */
    double article_score;     /* the article part */
    double art_len, art_avg_len; /* the article's length and the average, in terms */
    uint64_t articles;        /* N at article level */
    double art_k1, art_b;
    double below;             /* past the re-ranked depth: score = passage_score x below */
};

/* Why hit i of r scored what it did: one entry per weighing term. Release with
 * trawl_explanation_release. When the index has changed since the search (an indexer's
 * commits, trawl_reopen), the hit's passage is explained as the index is now, or, when it has
 * changed or left the index since, TRAWL_ENOTFOUND: search again. */
TRAWL_API int trawl_explain(trawl_index *ix, const trawl_results *r, size_t i,
                            struct trawl_explanation *out, struct trawl_error *err);
TRAWL_API void trawl_explanation_release(struct trawl_explanation *e); /* NULL-safe */

/* ---- Passages, statistics, spelling ---------------------------------------------------- */

/* Passage ordinal of article id (owned: trawl_passage_free; its strings live as long as it).
 * TRAWL_ENOTFOUND when there is none. */
TRAWL_API int trawl_passage_get(trawl_index *ix, const char *id, unsigned ordinal,
                                struct trawl_passage **out, struct trawl_error *err);
TRAWL_API void trawl_passage_free(struct trawl_passage *p); /* NULL-safe */
/* Calls fn with every passage of article id in order (p borrowed for the call); non-zero from
 * fn stops. TRAWL_ENOTFOUND when the article is not in the index. */
typedef int (*trawl_passage_fn)(void *ctx, const struct trawl_passage *p);
TRAWL_API int trawl_each_passage(trawl_index *ix, const char *id, trawl_passage_fn fn,
                                 void *ctx, struct trawl_error *err);

struct trawl_stats {
    uint64_t articles, passages, terms; /* terms: distinct ranking terms */
    double avg_passage_len;             /* in terms */
    uint64_t disk_bytes;
    uint64_t revision;
    int64_t updated;                    /* seconds since the epoch, 0 if unknown */
    int schema, analyzer;               /* format versions */
    char lang[32];
    /* The article index (each article once, asked first by the default view): 1 when it is
     * at the passages' batch, 0 when not (an interrupted indexer: searches rank from the
     * passages until trawl-index runs again), -1 when there is none to read (remote shards
     * without an ARTICLES stub, shards down); its articles and their mean length in terms
     * (of a single local index, from its article impact file: 0 while that is not current). */
    int art_state;
    uint64_t art_articles;
    double avg_article_len;
    /* The impact files (flat copies of the article and passage databases' postings that
     * answer plain queries in Xapian's place, with the same results): 1 when both match
     * their databases, 0 when one is missing or behind (those searches go through Xapian
     * until trawl-index runs again), -1 when the index has none (sharded or remote); their
     * size on disk (part of disk_bytes). */
    int imp_state;
    uint64_t imp_bytes;
};
TRAWL_API int trawl_stats(trawl_index *ix, struct trawl_stats *st, struct trawl_error *err);
/* The statistics as "name  value" lines (owned: free()). NULL only on OOM. */
TRAWL_API char *trawl_stats_format(const char *path, const struct trawl_stats *st);

/* A spelling correction for a case-folded word (owned: free(); "" when there is none). */
TRAWL_API int trawl_suggest(trawl_index *ix, const char *word, char **out,
                            struct trawl_error *err);
/* A far more frequent close spelling of a case-folded word that IS in the index (a typo in
 * the corpus: "goverment" 3 times, "government" thousands): owned, free(); "" when there is
 * none. The word must have 5 characters or more, the suggestion be 1 edit away (2 from 8
 * characters), start with the same letter, have another stem and occur over 100 times as
 * often (README "Query syntax"). *word_freq and
 * *sug_freq (either may be NULL) get how often each occurs (0, 0 with no suggestion). */
TRAWL_API int trawl_suggest_rare(trawl_index *ix, const char *word, char **out,
                                 uint64_t *word_freq, uint64_t *sug_freq,
                                 struct trawl_error *err);
/* Words of the index for completion: calls fn with each word of the spelling table (the
 * case-folded words of the passages, 3 to 32 bytes, numbers left out) that starts with
 * prefix[0..len), in byte order, with how often it occurs. word is borrowed for the call and
 * not NUL-terminated; non-zero from fn stops (still TRAWL_OK). The words are case-folded:
 * fold the prefix first (trawl_fold). */
typedef int (*trawl_complete_fn)(void *ctx, const char *word, size_t len, uint64_t freq);
TRAWL_API int trawl_complete(trawl_index *ix, const char *prefix, size_t len,
                             trawl_complete_fn fn, void *ctx, struct trawl_error *err);

/* ---- Article records -----------------------------------------------------------------------
 * What the index keeps per article and per JSON Lines file so that a later run can tell what
 * changed. */

struct trawl_record {
    const char *source; size_t source_len; /* the file (or JSON Lines file) it came from */
    uint64_t hash;                         /* trawl_hash of the file, trawl_article_hash */
    uint64_t size;                         /* bytes */
    int64_t mtime_ns;                      /* the file's modification time (0 for JSONL) */
    uint32_t passages;                     /* filled in by the writer */
};

struct trawl_source {
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;
    uint64_t articles;
};

/* Calls fn for every article record, with the article's key (trawl_article_key) and record,
 * both borrowed for the call; non-zero from fn stops. Every shard of a sharded index. */
typedef int (*trawl_record_fn)(void *ctx, const char *key, size_t key_len,
                               const struct trawl_record *rec);
TRAWL_API int trawl_each_record(trawl_index *ix, trawl_record_fn fn, void *ctx,
                                struct trawl_error *err);
/* The record of a JSON Lines file (TRAWL_ENOTFOUND: none). */
TRAWL_API int trawl_source_get(trawl_index *ix, const char *path, struct trawl_source *out,
                               struct trawl_error *err);

/* ---- Writing ---------------------------------------------------------------------------------
 * One writer per index at a time (a lock file; a second gets TRAWL_ELOCKED at once). Changes
 * are applied by background threads in submission order and committed in batches: a run that
 * stops early (error, kill) leaves the index at its last committed batch, never half-written.
 * A build from nothing (a new index, or rebuild) writes in parallel parts and switches the
 * index to the result atomically at trawl_writer_finish: readers see the old index until then. */

typedef struct trawl_writer trawl_writer;

/* What trawl_writer_finish is busy with, for a progress display: the articles still queued
 * are analysed and written, then (a build from nothing that is not sharded) the parts are
 * merged into one database, which can take a good share of a fresh build. */
enum trawl_phase {
    TRAWL_PHASE_WRITING = 1,
    TRAWL_PHASE_MERGING = 2,
};

struct trawl_writer_opts {
    const char *lang;        /* stemmer of a new or rebuilt index (NULL: the index's own, else
                                english); a different one for an existing index: TRAWL_EINPUT */
    int rebuild;             /* start from an empty index */
    unsigned shards;         /* a sharded index of this many shards (new or rebuilt); 0: keep;
                                at most TRAWL_MAX_SHARDS */
    unsigned parts;          /* parts a build from nothing writes in parallel (0: 1); at most
                                TRAWL_MAX_SHARDS */
    unsigned jobs;           /* analysis threads (0: 1) */
    size_t batch;            /* articles per committed batch (0: 5000) */
    size_t min_words;        /* passages close at this many words (0: TRAWL_MIN_WORDS) */
    size_t max_words;        /* and are split above this many (0: TRAWL_MAX_WORDS); not
                                below min_words: TRAWL_EINPUT */
    void (*phase)(void *ctx, enum trawl_phase phase); /* NULL, or called by
                                trawl_writer_finish (in its thread) as each phase begins */
    void *phase_ctx;
    /* Optional (default NULL): a flag the caller sets, typically from a SIGINT handler, to
     * stop writing. The writer threads read it between articles, trawl_writer_put and
     * trawl_writer_finish between their steps (a build from nothing: before merging and
     * between the merge's steps, up to the switch; a Xapian commit or compaction, once
     * begun, runs to its end); once non-zero, they return
     * TRAWL_ECANCELLED ("writing cancelled") and commit nothing more: the batches committed
     * before stay (a build from nothing leaves the index as it was). trawl_writer_close then
     * drops the rest and releases the lock, as after any failure. The caller clears it. Not
     * owned; must outlive the writer. */
    volatile sig_atomic_t *cancel;
};
#define TRAWL_MAX_SHARDS 64
#define TRAWL_MIN_WORDS 20
#define TRAWL_MAX_WORDS 300

struct trawl_write_counts {
    uint64_t put, removed, passages, bytes; /* articles written and removed, their passages,
                                               bytes of text analysed */
};

/* How many passages a writer with these word limits (0: the defaults, as in
 * trawl_writer_opts) cuts article a into, into *n: what it would write, found without
 * analysing or writing anything (a dry run's count). TRAWL_EINPUT: max_words below
 * min_words; TRAWL_ENOMEM. */
TRAWL_API int trawl_article_passages(const trawl_article *a, size_t min_words,
                                     size_t max_words, size_t *n, struct trawl_error *err);

/* For a program that writes: Xapian 1.4.22 can end the process (std::terminate) when a write
 * fails while it is still handling an earlier failed write (seen when a commit meets a full
 * disk or a file size limit). After trawl_on_fatal(fn), such an end first removes the scratch
 * folder of a fresh build in progress, then calls fn with Xapian's message, from the failing
 * thread. fn should report it and _exit: other threads may still run, so it must not return
 * to the library or free anything. If it returns, the process aborts. Xapian commits are
 * atomic: the index keeps its last committed batch (a fresh build: the index as it was). */
TRAWL_API void trawl_on_fatal(void (*fn)(const char *msg));

/* Takes the index's lock (creating the folder for a new index), tidies what a killed run left,
 * and opens the index (every shard of a sharded one) for writing. Owned: trawl_writer_close. */
TRAWL_API int trawl_writer_open(const char *path, const struct trawl_writer_opts *opts,
                                trawl_writer **out, struct trawl_error *err);
/* The records the index holds (nothing after rebuild), as trawl_each_record; and a JSON Lines
 * file's record (TRAWL_ENOTFOUND also when the index holds no article: a build from nothing
 * reads every file again). Call before trawl_writer_start. */
TRAWL_API int trawl_writer_each_record(trawl_writer *w, trawl_record_fn fn, void *ctx,
                                       struct trawl_error *err);
TRAWL_API int trawl_writer_source_get(trawl_writer *w, const char *path,
                                      struct trawl_source *out, struct trawl_error *err);
/* Starts the threads. A build from nothing when the index holds no article (or rebuild). */
TRAWL_API int trawl_writer_start(trawl_writer *w, struct trawl_error *err);
/* Queues article a (taking its contents: a is left empty) with its record; is_new: the index
 * is known not to hold it. Returns a writer thread's error once one has failed, and
 * TRAWL_ECANCELLED once the cancel flag is up (trawl_writer_opts). */
TRAWL_API int trawl_writer_put(trawl_writer *w, trawl_article *a, const struct trawl_record *rec,
                               int is_new, struct trawl_error *err);
/* Queues the removal of the article stored under key (as trawl_writer_each_record gave it). */
TRAWL_API int trawl_writer_remove(trawl_writer *w, const char *key, struct trawl_error *err);
/* Queues a new record for an unchanged article (its file was touched or moved). */
TRAWL_API int trawl_writer_set_record(trawl_writer *w, const char *id,
                                      const struct trawl_record *rec, struct trawl_error *err);
/* Records a JSON Lines file, written once everything queued before it is committed. */
TRAWL_API int trawl_writer_set_source(trawl_writer *w, const char *path,
                                      const struct trawl_source *s, struct trawl_error *err);
/* Progress so far (any time after start). */
TRAWL_API void trawl_writer_counts(trawl_writer *w, struct trawl_write_counts *c);
/* Writes what is queued, commits, and (a build from nothing) merges the parts and switches the
 * index to them. The final counts go to *c (may be NULL). TRAWL_ECANCELLED: the cancel flag
 * (trawl_writer_opts) stopped it; what was not committed yet is dropped. */
TRAWL_API int trawl_writer_finish(trawl_writer *w, struct trawl_write_counts *c,
                                  struct trawl_error *err);
/* Drops what is not committed yet (the index keeps its last committed batch), stops the
 * threads, releases the lock. NULL-safe. */
TRAWL_API void trawl_writer_close(trawl_writer *w);

/* Compacts the index at path (merging its shards into one database) into a new generation and
 * switches to it; takes the lock itself. */
TRAWL_API int trawl_compact(const char *path, struct trawl_error *err);

#ifdef __cplusplus
}
#endif

#endif
