/* index_priv: what the index modules (common/index_*.c) share: struct index, the query
 * builder and phrase checker types, and the helpers more than one of them calls. Not for
 * programs (they use index.h), and only the index modules include it.
 * Depends on index.h, xdb, strmap, analyze. */
#ifndef TRAWL_COMMON_INDEX_PRIV_H
#define TRAWL_COMMON_INDEX_PRIV_H

#include <stddef.h>

#include "common/analyze.h"
#include "common/index.h"
#include "common/strmap.h"
#include "common/xdb.h"

/* Expansions of a wildcard beyond this are refused (the query is too vague to rank). */
#define PREFIX_MAX_EXPANSION 10000

struct index {
    xdb *db;
    char *path;
    char *dbpath;        /* what a writer opened: path itself or path/gen-N */
    char *stub;          /* a reader's view of the stub when it opened (NULL: none) */
    char *warning;       /* why results may be partial (shards down), or NULL */
    char lang[32];
    int writable;
    int in_tx;
    int remote;          /* the stub names remote shards: match deciders are refused there */
    struct analyzer *an; /* the search side's analyzer, made on first use */
    struct strmap spell; /* words waiting for the spelling table */
    struct strmap unspell; /* words of replaced or removed passages, to take off it */
};

struct index_prep {
    char *id;
    struct sbuf key;          /* schema_article_key(id) */
    xdb_doc **docs;
    size_t ndocs;
    struct sbuf record;       /* schema_article_encode() */
    struct strmap words;      /* folded words for the spelling table, with counts */
};

struct docids {
    xdb_docid *v;
    size_t n, cap;
    int nomem;
};

/* A list of strings being collected for highlighting. */
struct strlist {
    char **v;
    size_t n, cap;
};

struct build {
    struct index *ix;
    struct analyzer *an;
    struct strlist hl_terms, hl_exact, hl_prefix, unknown, rank_terms, rank_prefix;
    struct strlist known; /* the query's words the index has (not excluded): index_rare.c */
    int needs_check;  /* some node can only be decided on the passage text */
    int negated;      /* inside an excluded branch: not highlighted */
    struct terr *err;
    int rc;
};

struct collect_ctx {
    struct strlist terms;  /* index terms */
    struct strlist folded; /* folded tokens, same order */
    int nomem;
};

/* A passage's token as the checker keeps it: byte offsets into checker.store. */
struct ptoken {
    size_t folded, flen; /* the folded token */
    size_t term, tlen;   /* its index term */
};

struct qseq; /* a query node compiled for checking (index_phrase.c) */

/* Decides phrases and exact words on the passage text: index_checker_init compiles the query
 * once per search, index_check_decider runs it on each candidate. */
struct checker {
    struct qseq *root;   /* owned */
    struct analyzer *an; /* borrowed */
    struct sbuf store;   /* the candidate passage's tokens */
    struct ptoken *tok;
    size_t n, cap;
    int nomem;           /* a candidate could not be analysed: the search fails */
};

/* ---- index_open.c ---- */
/* A metadata integer: -1 when absent, -2 when not a number. tmp is scratch. */
int index_meta_int(xdb *db, const char *key, long *out, struct sbuf *tmp, struct terr *err);
typedef int (*index_read_fn)(struct index *ix, void *ctx, struct terr *err);
/* Runs fn; while it says TRAWL_ERETRY, reopens ix and runs it again (a few times in all). */
int index_retry(struct index *ix, index_read_fn fn, void *ctx, struct terr *err);
/* Returns rc, the status of a record decoder (schema.h); when it
 * is TRAWL_EINDEX (the decoders' "corrupt ... data"), first rewords err to say that the index
 * at ix's path is damaged and how to rebuild it. Decided by the status, never the text. */
int index_damaged(const struct index *ix, int rc, struct terr *err);

/* ---- index_write.c ---- */
/* TRAWL_EINTERNAL naming the index when it was opened read-only. */
int index_need_writer(struct index *ix, struct terr *err);

/* ---- index_spell.c ---- */
/* Whether a token is a word worth suggesting: the spelling table holds only these. */
int index_spelling_word(const struct tok_token *tk);
/* Sends the words pending in ix->spell and ix->unspell to the spelling table. */
int index_flush_spelling(struct index *ix, struct terr *err);
/* Takes the words of the passages tagged aterm off the spelling table (at the next flush). */
int index_forget_words(struct index *ix, const char *aterm, size_t alen, struct terr *err);
/* Keeps ix->spell + ix->unspell below SPELL_PENDING_MAX words, flushing when over. */
int index_spell_bound(struct index *ix, struct terr *err);

/* ---- index_passage.c ---- */
/* An xdb_postings callback appending to a struct docids (nomem set and XDB_STOP on OOM). */
enum xdb_next index_collect_docid(void *ctx, xdb_docid id);

/* ---- index_query.c ---- */
/* Append s[0..len) (index_strlist_add: unless present): TRAWL_ENOMEM only. */
int index_strlist_add(struct strlist *l, const char *s, size_t len);
int index_strlist_append(struct strlist *l, const char *s, size_t len);
void index_strlist_release(struct strlist *l);
int index_cmp_str(const void *a, const void *b); /* qsort of char * */
/* An analyze_each callback collecting terms and folded tokens into a struct collect_ctx. */
int index_collect_token(void *ctx, const struct tok_token *tk, const char *term, size_t len);
/* The xdb_query for q (NULL when q drops out, or on error with b->rc set). */
xdb_query *index_query_node(struct build *b, const struct qnode *q);
/* Every index term starting with prefix as one synonym (or match-nothing); NULL with *rc set
 * on error: TRAWL_EINPUT past PREFIX_MAX_EXPANSION terms. */
xdb_query *index_expand_prefix(xdb *db, const char *prefix, size_t n, int *rc,
                               struct terr *err);

/* ---- index_search.c ---- */
/* Xapian's options for ranking passages as o says (BM25 or BM25+), ties by article then docid. */
void index_rank_opts(const struct index_search_opts *o, struct xdb_search_opts *xo);

/* ---- index_phrase.c ---- */
/* Compiles root's words, phrases and prefixes with an (borrowed: it must outlive c) into c.
 * TRAWL_ENOMEM only; c needs index_checker_release() either way. */
int index_checker_init(struct checker *c, struct analyzer *an, const struct qnode *root,
                       struct terr *err);
void index_checker_release(struct checker *c); /* frees what c owns; c may be zeroed */
/* An xdb_decider_fn: does the passage in data satisfy the checker's query exactly? */
int index_check_decider(void *ctx, xdb_docid id, const char *data, size_t len);

#endif
