/* index_priv: what the index modules (common/index_*.c) share: struct index, the query
 * builder and phrase checker types, and the helpers more than one of them calls. Not for
 * programs (they use index.h), and only the index modules include it.
 * Depends on index.h, xdb, strmap, analyze. */
#ifndef TRAWL_COMMON_INDEX_PRIV_H
#define TRAWL_COMMON_INDEX_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "common/analyze.h"
#include "common/index.h"
#include "common/strmap.h"
#include "common/xdb.h"

/* Expansions of a wildcard beyond this are refused (the query is too vague to rank). */
#define PREFIX_MAX_EXPANSION 10000

/* An impact file (impact.h) of one local database, as a reader sees it. */
struct index_imp {
    char *folder;        /* the database's folder (NULL: sharded or remote: none) */
    struct impact *imp;  /* its file, mapped while it matches the database (else NULL) */
    int known;           /* looked for at revision rev of the database with uuid, when the
                            file was as below (there: 1, inode, size, modification time) */
    uint64_t rev;
    char uuid[40];
    int there;
    uint64_t ino, size;
    int64_t mtime_ns;
};

struct index {
    xdb *db;
    xdb *adb;            /* the article database(s) (schema.h); a reader's may be NULL:
                            remote shards without an ARTICLES stub, or shards down */
    uint64_t batch;      /* a writer's: batches committed (META_BATCH) */
    struct strmap touched; /* a writer's: article keys put or removed since the last commit */
    char *path;
    char *dbpath;        /* what a writer opened: path itself or path/gen-N */
    char *stub;          /* a reader's view of the stub when it opened (NULL: none) */
    unsigned long switches; /* a reader's: times a reopen followed the stub to another
                               database (whose document ids mean other passages) */
    char *warning;       /* why results may be partial (shards down), or NULL */
    char lang[32];
    int writable;
    int in_tx;
    int remote;          /* the stub names remote shards: match deciders are refused there */
    int art_terms;       /* a reader's: its article documents hold ranking terms, Xapian may
                            rank them (a sharded or remote index); else (a single local
                            index, schema 8, or a writer) only the article impact file
                            knows their words */
    struct analyzer *an; /* the search side's analyzer, made on first use */
    struct strmap spell; /* words waiting for the spelling table */
    struct strmap unspell; /* words of replaced or removed passages, to take off it */
    struct strmap adf_add, adf_sub; /* article df changes waiting for the commit */
    int adf_defer;       /* a fresh build's part: they wait until it is finished */
    struct index_artcache *art; /* article statistics for index_artrank (NULL: none yet) */
    int agree_known;     /* a reader's: `agree` holds index_articles_agree's answer for the
                            revisions it sees (until it reopens) */
    int agree;
    /* A reader's impact files (index_impact.c) of its article and passage databases, when
     * each is one local database (not sharded, not remote). */
    struct index_imp aimp, pimp;
};

struct index_prep {
    char *id;
    struct sbuf key;          /* schema_article_key(id) */
    xdb_doc **docs;
    size_t ndocs;
    struct sbuf record;       /* schema_article_encode() */
    struct strmap words;      /* folded words for the spelling table, with counts */
    struct strmap terms;      /* the article's distinct ranking terms (its article df) */
    xdb_doc *adoc;            /* its document in the article database (NULL: no passages) */
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

/* One token of a query word or phrase, as the analyzer gives it: analysed once per search
 * (index_qwords_init) for the query builder, the phrase checker and the exclusions alike. */
struct qtok {
    char *term, *folded; /* owned, NUL-terminated: the index term and the folded token */
    size_t tlen, flen;
    size_t start, end;   /* its bytes in the query text: [start, end) */
};

/* A word, phrase or prefix node of the query with its tokens, in order, repeats included. A
 * prefix has one token, the folded prefix (as term and folded form). n == 0: nothing
 * searchable ("--", an emoji): the node drops out. */
struct qword {
    const struct qnode *q;
    struct qtok *tok;
    size_t n;
};

/* Every word, phrase and prefix node of one query, sorted by node address (index_qword). */
struct qwords {
    struct qword *v;
    size_t n, cap;
};

struct build {
    struct index *ix;
    struct analyzer *an;
    const struct qwords *words; /* the query analysed (borrowed) */
    struct strlist hl_terms, hl_exact, hl_prefix, unknown, rank_terms, rank_prefix;
    struct strlist hl_phrase; /* quoted phrases, folded words joined by INDEX_HL_SEP */
    struct strlist rank_occ; /* rank terms with repeats, one per query occurrence (wqf) */
    struct strlist known; /* the query's words the index has (not excluded): index_rare.c */
    int needs_check;  /* some node can only be decided on the passage text */
    int not_plain;    /* some node is not a word or OR: the query is not an OR of its
                         rank terms (index_search.c's exact_more) */
    int negated;      /* inside an excluded branch: not highlighted */
    int text_excluded; /* an excluded branch is decided on the text alone (not in the query) */
    struct trawl_error *err;
    int rc;
};

/* A passage's token as the checker keeps it: byte offsets into checker.store. */
struct ptoken {
    size_t folded, flen; /* the folded token */
    size_t blen;         /* its folded length without a possessive "'s" (analyze_base_len) */
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
    struct excluder *ex; /* article-level exclusions index_check_decider checks first (NULL:
                            none); index_phrase.c does not look at them */
    int no_text;         /* 1: nothing to check on the text, only ex */
};

/* An excluded word, phrase or prefix checked on a passage's text, compiled once. */
struct exclude_sub {
    const struct qnode *q;
    struct checker chk;
};

/* Exclusions applied to whole articles (index_exclude.c). */
struct excluder {
    struct index *ix;
    struct analyzer *an;        /* borrowed from ix */
    const struct qwords *words; /* the query analysed (borrowed) */
    const struct qnode **nodes; /* the excluded branches every match must avoid */
    size_t n, cap;
    struct strmap verdict;      /* article id -> kept (1) or excluded (2) */
    struct exclude_sub *subs;   /* the branches' words, phrases and prefixes, compiled */
    size_t nsubs, subcap;
    struct sbuf aterm, data;    /* scratch: the article's term, a passage's data */
    struct docids ids;          /* scratch: the article's passages */
    struct trawl_error *err;           /* where the first failure is told */
    int rc;                     /* and its status */
};

/* ---- index_base.c ---- */
/* A metadata integer: -1 when absent, -2 when not a number. tmp is scratch. */
int index_meta_int(xdb *db, const char *key, long *out, struct sbuf *tmp, struct trawl_error *err);
/* A database's META_BATCH (0 when absent; TRAWL_EINDEX, damaged, when not a number). */
int index_batch(struct index *ix, xdb *db, uint64_t *out, struct trawl_error *err);
/* *agree = 1 when the reader has an article database whose batch is its passages' (the
 * first shard's, for shards: Xapian reads metadata from the first database only). */
int index_articles_agree(struct index *ix, int *agree, struct trawl_error *err);
/* Returns rc, the status of a record decoder (schema.h); when it
 * is TRAWL_EINDEX (the decoders' "corrupt ... data"), first rewords err to say that the index
 * at ix's path is damaged and how to rebuild it. Decided by the status, never the text. */
int index_damaged(const struct index *ix, int rc, struct trawl_error *err);

/* ---- index_open.c ---- */
typedef int (*index_read_fn)(struct index *ix, void *ctx, struct trawl_error *err);
/* Runs fn; while it says TRAWL_ERETRY, reopens ix and runs it again (a few times in all); a
 * reader whose fn says TRAWL_EINDEX gets one more look at the latest revision (a race with a
 * writer can look like damage). */
int index_retry(struct index *ix, index_read_fn fn, void *ctx, struct trawl_error *err);

/* ---- index_write.c ---- */
/* TRAWL_EINTERNAL naming the index when it was opened read-only. */
int index_need_writer(struct index *ix, struct trawl_error *err);
/* A writer whose article database is one batch (abatch) ahead of its passage database: takes
 * that batch's articles out of both and commits them level again (*dropped: how many). */
int index_repair(struct index *ix, uint64_t abatch, size_t *dropped, struct trawl_error *err);

/* ---- index_artdf.c ---- */
/* Counts the article whose distinct ranking terms are terms (at the next flush). */
int index_artdf_add(struct index *ix, const struct strmap *terms, struct trawl_error *err);
/* Before an article's passages (docids ids) go, replaced or removed: the article leaves the
 * counts of the ranking terms they hold (at the next flush). */
int index_artdf_forget(struct index *ix, const struct docids *ids, struct trawl_error *err);
/* Writes the waiting changes into the metadata (inside the caller's transaction). */
int index_artdf_flush(struct index *ix, struct trawl_error *err);
/* Flushes when too many changes wait, to bound the memory. */
int index_artdf_bound(struct index *ix, struct trawl_error *err);
/* A term's stored article df; *found 0 when the index has no count for it (*out 0). */
int index_artdf_get(struct index *ix, const char *term, size_t len, uint64_t *out, int *found,
                    struct trawl_error *err);

/* ---- index_spell.c ---- */
/* Whether a token is a word worth suggesting: the spelling table holds only these. */
int index_spelling_word(const struct tok_token *tk);
/* Sends the words pending in ix->spell and ix->unspell to the spelling table. */
int index_flush_spelling(struct index *ix, struct trawl_error *err);
/* Takes the words of an article's passages (docids ids) off the spelling table (at the next
 * flush). */
int index_forget_words(struct index *ix, const struct docids *ids, struct trawl_error *err);
/* Keeps ix->spell + ix->unspell below SPELL_PENDING_MAX words, flushing when over. */
int index_spell_bound(struct index *ix, struct trawl_error *err);

/* ---- index_passage.c ---- */
/* An xdb_postings callback appending to a struct docids (nomem set and XDB_STOP on OOM). */
enum xdb_next index_collect_docid(void *ctx, xdb_docid id);

/* ---- index_query.c ---- */
/* Append s[0..len) (index_strlist_add: unless present): TRAWL_ENOMEM only. */
int index_strlist_add(struct strlist *l, const char *s, size_t len);
int index_strlist_append(struct strlist *l, const char *s, size_t len);
void index_strlist_release(struct strlist *l);
int index_cmp_str(const void *a, const void *b); /* qsort of char * */
/* Analyses the words, phrases and prefixes of root with an, once: each analyze_each (or,
 * for a prefix, tok_fold_word) of the search. TRAWL_ENOMEM only; release w either way. */
int index_qwords_init(struct qwords *w, struct analyzer *an, const struct qnode *root,
                      struct trawl_error *err);
void index_qwords_release(struct qwords *w); /* w may be zeroed */
/* q's analysis (q a word, phrase or prefix node of the query w was made from). */
const struct qword *index_qword(const struct qwords *w, const struct qnode *q);
/* For each of words[0..n) (folded), where the query says it: the spans of the word and
 * phrase tokens of w with that folded form, in query order (*out: n entries, owned; free
 * with index_spans_free). TRAWL_ENOMEM only. */
int index_word_spans(const struct qwords *w, char *const *words, size_t n,
                     struct index_spans **out);
/* The xdb_query for q (NULL when q drops out, or on error with b->rc set). */
xdb_query *index_query_node(struct build *b, const struct qnode *q);
/* The query as the impact files' matcher takes it (impact_match, impact.h), node for node
 * as index_query_node builds the Xapian query from the same analysis (drops included), so
 * that the files answer it with Xapian's documents and weights: root NULL when it cannot be
 * mirrored (a phrase, exact or many-token word, wildcard, filter or match-all anywhere in
 * it) or drops out whole. leaves: leaf i's term. index_ishape_init: TRAWL_ENOMEM only;
 * release s whatever the result. */
struct impact_node;
struct index_ishape {
    struct impact_node *nodes;
    const struct impact_node **kids;
    size_t nnodes, nkids;
    struct strlist leaves;
    const struct impact_node *root;
    int fail, nomem;
    /* A query of words with filters (QK_FILTER nodes, anywhere: root NULL, as the passage
     * questions cannot take them): froot is its tree, whose IMPACT_FILTER nodes fnodes[i]
     * restrict to what the filters of fq[i] (its kids past the first) leave of the article
     * database, decided by Xapian (its A and S terms and date values) into a set by docid
     * (index_search.c: the sets are s's, freed by index_ishape_release) before the article
     * file answers. */
    const struct impact_node *froot;
    const struct qnode **fq;
    struct impact_node **fnodes;
    size_t nfilters;
    int filtered;
    int decided; /* every fnodes[i]'s set is decided: froot may be walked */
};
int index_ishape_init(struct index_ishape *s, const struct qwords *w, const struct qnode *q,
                      struct trawl_error *err);
void index_ishape_release(struct index_ishape *s); /* NULL-safe fields */
/* Every index term starting with prefix as one synonym (or match-nothing); NULL with *rc set
 * on error: TRAWL_EINPUT past PREFIX_MAX_EXPANSION terms. */
xdb_query *index_expand_prefix(xdb *db, const char *prefix, size_t n, int *rc,
                               struct trawl_error *err);

/* ---- index_search.c ---- */
/* Xapian's options for ranking passages as o says (BM25 or BM25+), ties by article then docid. */
void index_rank_opts(const struct trawl_search_opts *o, struct xdb_search_opts *xo);

/* ---- index_exclude.c ---- */
/* Collects q's exclusions that every match must avoid (q NULL: none; e->n == 0 then, and e
 * need not be used), their text checks compiled once from w (q's analysis; borrowed, it must
 * outlive e), passages analysed with an (ix's, from index_analyzer).
 * Failures during the search reach e->err, with their status in e->rc. TRAWL_ENOMEM only.
 * Release e with index_exclude_release whatever the result. */
int index_exclude_init(struct excluder *e, struct index *ix, struct analyzer *an,
                       const struct qwords *w, const struct qnode *q, struct trawl_error *err);
void index_exclude_release(struct excluder *e); /* NULL-safe */
/* Keep the passage in data? No when its article contains an excluded branch anywhere (or on
 * failure: see e->rc). */
int index_exclude_keep(struct excluder *e, const char *data, size_t len);
/* An xdb_decider_fn over a struct checker: its exclusions (ex, when not NULL) keep the
 * passage's article, and its query matches the passage exactly (index_checker_match). */
int index_check_decider(void *ctx, xdb_docid id, const char *data, size_t len);
/* What index_results.priv holds. */
struct index_results_priv {
    xdb_mset *mset;
    struct index_artrank *art; /* article ranking's details, for explain (NULL: none) */
    struct sbuf *shown;        /* data of the passages shown instead of the best scoring */
    size_t nshown;
    struct sbuf *data;         /* the hits' data when the impact file answered (no mset) */
    size_t ndata;
    int deferred;              /* the shown passages' data is still to be read */
    struct trawl_search_opts opts; /* what ran (the view's BM25 in k1, b), for explain */
    unsigned long switches;    /* the index's switches when it ran: its docids' database */
};

/* ---- index_artrank.c ---- */
/* What article ranking computed for one search, kept with its results for index_explain.
 * Term j is terms[j]; candidate i is the i-th article in passage-score order, before
 * re-ranking (in the every-passage view, the i-th distinct article of the best hits). */
struct index_art_cand {
    size_t hit;              /* the hit it was found by (its best), before re-ranking */
    xdb_docid best;          /* the best scoring passage (its score is `passage`) */
    xdb_docid first;         /* its first passage */
    int past;                /* article-first: past the depth, scored article x below */
    uint32_t best_ordinal;
    uint32_t npass;          /* the article's passages */
    uint32_t matching;       /* those holding a query term (title included), as Xapian sees
                                them: the matches of a query that is an OR of words */
    uint32_t tl;             /* its title's length in terms, when the title is in its passages */
    double passage, article; /* the two scores fused */
    double len;              /* the article's length (title counted once) */
};
struct index_artrank {
    size_t nterms, ncand;
    char **terms;            /* owned copies of the ranking terms */
    double *qf;              /* per term: Xapian's query-term factor 2 wqf / (1 + wqf) */
    uint64_t *df, *df_art;   /* per term: passages and articles containing it */
    uint64_t passages, articles;
    double avg_art;          /* average article length (estimated: index_artrank.c) */
    double alpha, k1, b, title_wdf;
    double below;            /* hits past the depth score their passage score times this */
    int fused;               /* 0: sorted by date, scores left alone (shown passages chosen) */
    int per_passage;         /* every-passage view: each hit fused with its article's score
                                (hit->art), its own passage's score as the passage part */
    struct index_art_cand *cand; /* ncand */
    double *tf;              /* ncand x nterms: the term's count in the article */
    uint32_t *tc;            /* ncand x nterms: its count in the title (0: title not in the
                                passages, or not analysed: single-passage articles) */
    struct index_art_lazy *lazy; /* article-first: what choosing the passages shown and
                                    counting an article later need (else NULL) */
};
void index_artrank_free(struct index_artrank *a); /* NULL-safe */
void index_art_lazy_free(struct index_art_lazy *z); /* NULL-safe */
void index_artcache_free(struct index_artcache *c); /* NULL-safe */
/* The impact files (index_impact.c, impact.h; index_impacts_refresh in index.h).
 * index_impacts_fresh: makes the file of the single local database db in folder anew unless
 * it matches db's revision already. index_impacts: into *out the reader's file of db (ix->adb
 * with &ix->aimp, ix->db with &ix->pimp) when it matches the revision the reader sees, else
 * NULL (Xapian answers); owned by ix; it fails only as reading db's statistics does (a
 * commit's TRAWL_ERETRY: the caller's to retry, never a reason to change matchers). A file
 * that did not fit is looked at again only once the revision or the file changes (a stat per
 * search meanwhile). index_imp_drop: unmaps it
 * (malformed postings), not to be mapped again until it changes; index_imp_release: frees
 * it all. index_impacts_best: the best count documents of db for the OR of the terms occ
 * holds (one per query occurrence), or when shape is not NULL for its tree (impact_match; its
 * leaves in place of occ; TRAWL_ENOTFOUND when it has no root), by Xapian's BM25 with k1 and
 * b, as impact_top, from db's
 * file (ix->adb with &ix->aimp, ix->db with &ix->pimp): *top (owned by the caller; count is
 * cut to the documents there are), *n, *matched (exact), and *out the file (owned by ix: hits'
 * keys point into it; impact_ref to keep it). TRAWL_ENOTFOUND when the file cannot answer
 * (none for this revision, a term it cannot hold, or malformed: then dropped) and the caller
 * asks Xapian; TRAWL_ENOMEM. */
struct impact;
struct impact_hit;
int index_impacts_fresh(xdb *db, const char *folder, struct trawl_error *err);
/* Whether the impact file at path is the one of the database st describes: its revision, UUID,
 * document count and last docid (its header alone read; a missing or unreadable file is not). */
int index_impact_file_matches(const char *path, const struct xdb_stats *st);
/* index_impacts_derive: the article impact file at path, derived from the passage database
 * pdb with adb's docids, keys and identity (index_derive.c; the same bytes index_impacts_fresh
 * writes from adb). an: the index's analyzer. stats may be NULL. */
int index_impacts_derive(xdb *pdb, xdb *adb, struct analyzer *an, const char *path,
                         struct index_derive_stats *stats, struct trawl_error *err);
/* ix's article impact file derived (index_impacts_derive) from pdb, a passage database handle
 * of ix's own (so that it may run beside another thread reading ix->db), unless the file is
 * the article database's state already (revision, UUID, document count, last docid). an: the
 * index's analyzer, got before any thread starts. */
int index_impacts_derive_fresh(struct index *ix, xdb *pdb, struct analyzer *an,
                               struct trawl_error *err);
int index_impacts(struct index *ix, xdb *db, struct index_imp *m, struct impact **out,
                  struct trawl_error *err);
void index_imp_drop(struct index_imp *m);
/* trawl_stats' imp_state (1, 0 or -1) and imp_bytes, of a reader. */
int index_imp_state(struct index *ix, int *state, uint64_t *bytes, struct trawl_error *err);
void index_imp_release(struct index_imp *m);
int index_impacts_best(struct index *ix, xdb *db, struct index_imp *m, const struct strlist *occ,
                       const struct index_ishape *shape, double k1, double b, size_t count,
                       struct impact **out,
                       struct impact_hit **top, size_t *n, uint64_t *matched,
                       struct trawl_error *err);
/* For each i < n, the passages of docs[i]'s article (keys[i][0..klens[i])) in db that match
 * shape's tree, into counts[i], and how many passages the article's run of consecutive
 * docids holds, into runs[i] (the caller checks it against the article's A term: only
 * then are the counts the article's), from db's impact file (impact_match_runs).
 * TRAWL_ENOTFOUND when the file cannot answer (none for this revision, no tree, a term it
 * cannot hold, a docid not of that article, or malformed: then dropped): the caller asks
 * Xapian. */
int index_impacts_runs(struct index *ix, xdb *db, struct index_imp *m,
                       const struct index_ishape *shape, const uint32_t *docs,
                       const char *const *keys, const size_t *klens, size_t n, uint32_t *runs,
                       uint64_t *counts, struct trawl_error *err);
/* xdb_docs_wdf of db, answered from its impact file (ix->db with &ix->pimp, ix->adb with
 * &ix->aimp) when that is current and holds every term, else (or when the file turns out
 * malformed: then dropped) by Xapian. The same counts either way. */
int index_docs_wdf(struct index *ix, xdb *db, struct index_imp *m, const char *const *terms,
                   const size_t *lens, size_t nterms, const xdb_docid *docs, size_t ndocs,
                   uint32_t *wdf, uint32_t *len, struct trawl_error *err);
/* Xapian 1.4's BM25 idf for df of N (never below 0; index_artrank.c), and BM25's tf part. */
double index_bm25_idf(double n_docs, double df);
double index_bm25_tf(double tf, double len, double avg, double k1, double b);
/* Re-ranks r's hits (best passage first on entry, one per article) by fusing the best
 * passage's score with the article's BM25 score computed from its passages' postings, and
 * for each article of more than one passage picks the passage shown by its own text (unless
 * keep_shown: the query has a phrase to check). Sets each hit's score, passage and art
 * fields, and docid (the passage to show: the caller re-reads its data where it changed, see
 * hit->moved), and *out for explain (owned: index_artrank_free). terms: the query's distinct
 * ranking terms; occ: the same with one entry per occurrence in the query. With o->order by
 * date (hits in date order on entry) every hit is a candidate, scores and order are left
 * alone and only the passages shown are chosen (a->fused 0). With o->per_article 0 (every
 * passage, by score) the best o->art_depth hits are re-ranked by o->art_passage_alpha x their
 * own score + the rest x their article's score, and no passage is swapped (a->per_passage). */
int index_artrank(struct index *ix, struct index_results *r, const struct strlist *terms,
                  const struct strlist *occ, const struct trawl_search_opts *o, int keep_shown,
                  struct index_artrank **out, struct trawl_error *err);

/* Article-first ranking (the default view over an article database): the best articles by
 * their BM25 in ix->adb for xq (o: the widened window, ranked by score, one passage per
 * article), each candidate's passages scored from the passage postings, the best art_depth
 * fused as index_artrank fuses them (alpha x best passage + (1 - alpha) x article) and the
 * rest in article order below them (article x below); the passage shown chosen by its own
 * text. Fills r (hits with moved set: the caller reads the passages shown) and *out. dec and
 * dctx: a match decider on the article documents (exclusions), or NULL. plain: xq is the OR of
 * occ's terms and nothing else, so the impact file may answer in Xapian's place
 * (index_impact.c) with the same articles, weights and order; else shape (NULL: none), xq as
 * impact_match's tree, lets it answer so when dec is NULL. */
int index_artfirst(struct index *ix, const xdb_query *xq, const struct strlist *terms,
                   const struct strlist *occ, const struct trawl_search_opts *o, int plain,
                   const struct index_ishape *shape, xdb_decider_fn dec, void *dctx,
                   struct index_results *r, struct index_artrank **out,
                   struct trawl_error *err);
/* Article-first: chooses, for each hit of r (the page, after folding) not chosen yet, the
 * passage shown by its own text (its docid; the caller reads its data), reading the counts of
 * those articles' documents. A no-op for other results. TRAWL_ENOMEM and index errors. */
int index_artfirst_show(struct index *ix, struct index_results *r, struct trawl_error *err);
/* Article-first: reads hit i's article fields (title, date, url, source) where the search
 * left it with its id alone (hit->partial). A no-op for other hits. */
int index_hit_full(struct index *ix, struct index_results *r, size_t i, struct trawl_error *err);
/* Article-first: reads candidate c's own counts (a->tf, tc, cand[c].len, tl) unless read
 * already, for explain. A no-op for other rankings. */
int index_artfirst_count(struct index *ix, struct index_artrank *a, size_t c, struct trawl_error *err);

/* ---- index_phrase.c ---- */
/* Compiles root's words, phrases and prefixes, as w analysed them, into c; candidates are
 * analysed with an. an and w are borrowed: they must outlive c. TRAWL_ENOMEM only; c needs
 * index_checker_release() either way. */
int index_checker_init(struct checker *c, struct analyzer *an, const struct qwords *w,
                       const struct qnode *root, struct trawl_error *err);
void index_checker_release(struct checker *c); /* frees what c owns; c may be zeroed */
/* Does the passage in data satisfy the checker's query exactly? (c->ex is not looked at.) */
int index_checker_match(struct checker *c, const char *data, size_t len);

#endif
