/* Unit tests for xdb, the C face of Xapian, against temporary databases under /tmp. */
#define _XOPEN_SOURCE 700

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xdb.h"
#include "tmptree.h"

#define TCPSRV "/usr/bin/xapian-tcpsrv"

/* One temporary directory per test; db is a writer on dir/db. */
struct fix {
    char dir[64];
    char path[128];
    xdb *db;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    struct trawl_error err;

    if (f == NULL)
        return -1;
    strcpy(f->dir, "/tmp/trawl-xdb-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/db", f->dir);
    if (xdb_open(f->path, XDB_WRITE | XDB_NO_SYNC, &f->db, &err) != TRAWL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    xdb_close(f->db);
    tmptree_remove(f->dir);
    free(f);
    return 0;
}

/* "dir/name" in the fixture's directory, in a static buffer (one at a time). */
static const char *sub(struct fix *f, const char *name)
{
    static char buf[192];
    snprintf(buf, sizeof buf, "%s/%s", f->dir, name);
    return buf;
}

/* Adds a document under unique id uid with data, space-separated ranking terms (each occurrence
 * adds 1 to wdf, with positions) and, when val is not NULL, val in value slot `slot`. */
static void put_doc(xdb *db, const char *uid, const char *data, const char *terms, unsigned slot,
                    const char *val)
{
    xdb_doc *doc = xdb_doc_new();
    struct trawl_error err;
    const char *p = terms;
    unsigned pos = 1;
    uint64_t docs = 0;

    assert_non_null(doc);
    while (*p != '\0') {
        size_t n = strcspn(p, " ");
        if (n > 0)
            assert_int_equal(xdb_doc_add_posting(doc, p, n, pos++, 1, &err), TRAWL_OK);
        p += n;
        p += strspn(p, " ");
    }
    assert_int_equal(xdb_doc_add_boolean(doc, uid, strlen(uid), &err), TRAWL_OK);
    assert_int_equal(xdb_doc_set_data(doc, data, strlen(data), &err), TRAWL_OK);
    if (val != NULL)
        assert_int_equal(xdb_doc_set_value(doc, slot, val, strlen(val), &err), TRAWL_OK);
    assert_int_equal(xdb_replace(db, uid, strlen(uid), doc, &err), TRAWL_OK);
    xdb_doc_free(doc);
    assert_int_equal(xdb_term_freq(db, uid, strlen(uid), &docs, NULL, &err), TRAWL_OK);
    assert_int_equal(docs, 1);
}

static xdb_query *term(const char *t)
{
    xdb_query *q = xdb_query_term(t, strlen(t), 1);
    assert_non_null(q);
    return q;
}

/* Runs q with o and returns the hits' data as "d1 d2 ", best first. */
static void run(xdb *db, const xdb_query *q, const struct xdb_search_opts *o, char *got,
                size_t size)
{
    xdb_mset *m = NULL;
    struct trawl_error err;
    struct xdb_hit hit;

    got[0] = '\0';
    if (xdb_search(db, q, o, &m, &err) != TRAWL_OK)
        fail_msg("search: %s", err.msg);
    for (size_t i = 0; i < xdb_mset_size(m); i++) {
        size_t used = strlen(got);
        assert_int_equal(xdb_mset_hit(m, i, &hit, &err), TRAWL_OK);
        snprintf(got + used, size - used, "%.*s ", (int)hit.data_len, hit.data);
    }
    xdb_mset_free(m);
}

/* run() with default options and the query freed after. */
static void run_q(xdb *db, xdb_query *q, char *got, size_t size)
{
    struct xdb_search_opts o;

    xdb_search_opts_init(&o);
    run(db, q, &o, got, size);
    xdb_query_free(q);
}

static void test_create_reopen_read_only(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    struct xdb_stats st;
    struct sbuf sb;
    xdb *rd = NULL;

    assert_int_equal(xdb_stats(f->db, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 0);
    put_doc(f->db, "Qa", "a", "alpha", 0, NULL);
    assert_int_equal(xdb_commit(f->db, &err), TRAWL_OK);
    xdb_close(f->db);
    f->db = NULL;
    xdb_close(NULL);

    assert_int_equal(xdb_open(f->path, XDB_READ, &rd, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(rd, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 1);
    assert_int_equal(xdb_meta_set(rd, "k", "v", 1, &err), TRAWL_EINTERNAL);
    assert_string_equal(err.msg, "index opened read-only");
    assert_int_equal(xdb_commit(rd, &err), TRAWL_EINTERNAL);
    assert_int_equal(xdb_begin(rd, 1, &err), TRAWL_EINTERNAL);
    assert_int_equal(xdb_delete_term(rd, "Qa", 2, &err), TRAWL_EINTERNAL);
    sbuf_init(&sb);
    assert_int_equal(xdb_doc_data(rd, 1, &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "a");
    sbuf_release(&sb);
    xdb_close(rd);

    /* XDB_OVERWRITE starts again from nothing. */
    assert_int_equal(xdb_open(f->path, XDB_OVERWRITE, &f->db, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(f->db, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 0);
    assert_string_equal(xdb_xapian_version(), "1.4.22");
}

static void test_missing_index_is_eindex(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    xdb *rd = (xdb *)&err; /* must be reset to NULL */
    const char *missing = sub(f, "nope");

    assert_int_equal(xdb_open(missing, XDB_READ, &rd, &err), TRAWL_EINDEX);
    assert_null(rd);
    assert_non_null(strstr(err.msg, missing));
}

static void test_second_writer_is_locked(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    xdb *w2 = NULL;
    char want[256];
    pid_t pid;
    int status;

    /* In the same process (Xapian locks per database object, not per process)... */
    assert_int_equal(xdb_open(f->path, XDB_WRITE, &w2, &err), TRAWL_ELOCKED);
    assert_null(w2);
    snprintf(want, sizeof want, "index '%s' is locked by another writer", f->path);
    assert_string_equal(err.msg, want);

    /* ...and from another process, which is what the indexer will meet. */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int rc = xdb_open(f->path, XDB_WRITE, &w2, &err);
        xdb_close(w2);
        _exit(rc);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), TRAWL_ELOCKED);

    /* Readers are never locked out. */
    assert_int_equal(xdb_open(f->path, XDB_READ, &w2, &err), TRAWL_OK);
    xdb_close(w2);
}

static void test_replace_add_delete(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    struct xdb_stats st;
    struct sbuf sb;
    xdb_doc *doc = xdb_doc_new();
    xdb_docid id = 0;

    put_doc(f->db, "Qa", "first", "alpha", 0, NULL);
    put_doc(f->db, "Qa", "second", "beta", 0, NULL); /* replaces by uid */
    put_doc(f->db, "Qb", "other", "beta", 0, NULL);
    assert_int_equal(xdb_stats(f->db, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 2);

    sbuf_init(&sb);
    assert_int_equal(xdb_doc_data(f->db, 1, &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "second");

    assert_non_null(doc);
    assert_int_equal(xdb_doc_add_term(doc, "Agroup", 6, 0, &err), TRAWL_OK);
    assert_int_equal(xdb_doc_set_data(doc, "added", 5, &err), TRAWL_OK);
    assert_int_equal(xdb_add(f->db, doc, &id, &err), TRAWL_OK);
    assert_int_equal(id, 3);
    xdb_doc_clear(doc);
    assert_int_equal(xdb_doc_add_term(doc, "Agroup", 6, 0, &err), TRAWL_OK);
    assert_int_equal(xdb_add(f->db, doc, &id, &err), TRAWL_OK);
    assert_int_equal(id, 4);
    assert_int_equal(xdb_doc_data(f->db, 4, &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, ""); /* cleared: no data carried over */
    xdb_doc_free(doc);
    xdb_doc_free(NULL);

    assert_int_equal(xdb_delete_term(f->db, "Agroup", 6, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(f->db, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 2);
    assert_int_equal(st.lastdocid, 4);
    assert_int_equal(xdb_doc_data(f->db, 3, &sb, &err), TRAWL_ENOTFOUND);
    sbuf_release(&sb);
}

static void test_long_terms_are_refused(void **state)
{
    struct trawl_error err;
    xdb_doc *doc = xdb_doc_new();
    char big[241];

    (void)state;
    memset(big, 'x', sizeof big);
    assert_int_equal(xdb_doc_add_term(doc, big, 240, 1, &err), TRAWL_OK);
    assert_int_equal(xdb_doc_add_term(doc, big, 241, 1, &err), TRAWL_EINPUT);
    assert_int_equal(xdb_doc_add_posting(doc, big, 241, 1, 1, &err), TRAWL_EINPUT);
    assert_int_equal(xdb_doc_add_boolean(doc, big, 241, &err), TRAWL_EINPUT);
    assert_int_equal(xdb_doc_add_term(doc, "", 0, 1, &err), TRAWL_EINPUT);
    xdb_doc_free(doc);
}

static enum xdb_next collect_meta(void *ctx, const char *key, size_t klen, const char *val,
                                  size_t vlen)
{
    char *out = ctx;
    size_t used = strlen(out);
    snprintf(out + used, 128 - used, "%.*s=%.*s ", (int)klen, key, (int)vlen, val);
    return strcmp(key, "stop") == 0 ? XDB_STOP : XDB_NEXT;
}

static void test_metadata(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    struct sbuf sb;
    char got[128] = "";
    char key[202];

    assert_int_equal(xdb_meta_set(f->db, "trawl.schema", "3", 1, &err), TRAWL_OK);
    assert_int_equal(xdb_meta_set(f->db, "trawl.lang", "english", 7, &err), TRAWL_OK);
    assert_int_equal(xdb_meta_set(f->db, "other", "x", 1, &err), TRAWL_OK);
    assert_int_equal(xdb_meta_set(f->db, "stop", "s", 1, &err), TRAWL_OK);
    assert_int_equal(xdb_meta_set(f->db, "zz", "z", 1, &err), TRAWL_OK);
    assert_int_equal(xdb_commit(f->db, &err), TRAWL_OK);

    sbuf_init(&sb);
    assert_int_equal(xdb_meta_get(f->db, "trawl.lang", &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "english");
    assert_int_equal(xdb_meta_get(f->db, "absent", &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "");
    sbuf_release(&sb);

    assert_int_equal(xdb_meta_each(f->db, "trawl.", collect_meta, got, &err), TRAWL_OK);
    assert_string_equal(got, "trawl.lang=english trawl.schema=3 ");
    got[0] = '\0';
    /* a callback's stop is not a status: the call still succeeds */
    assert_int_equal(xdb_meta_each(f->db, "", collect_meta, got, &err), TRAWL_OK);
    assert_string_equal(got, "other=x stop=s ");

    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    assert_int_equal(xdb_meta_set(f->db, key, "v", 1, &err), TRAWL_EINPUT);
    key[200] = '\0';
    assert_int_equal(xdb_meta_set(f->db, key, "v", 1, &err), TRAWL_OK);
}

static void test_transactions(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    struct xdb_stats st;
    xdb *rd = NULL;

    assert_int_equal(xdb_begin(f->db, 1, &err), TRAWL_OK);
    put_doc(f->db, "Qa", "a", "alpha", 0, NULL);
    assert_int_equal(xdb_cancel_tx(f->db, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(f->db, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 0);

    assert_int_equal(xdb_begin(f->db, 1, &err), TRAWL_OK);
    put_doc(f->db, "Qb", "b", "beta", 0, NULL);
    assert_int_equal(xdb_begin(f->db, 1, &err), TRAWL_EINDEX); /* no nesting */
    assert_int_equal(xdb_commit_tx(f->db, &err), TRAWL_OK);
    assert_int_equal(xdb_commit_tx(f->db, &err), TRAWL_EINDEX); /* none open */

    /* Flushed: a reader sees it without xdb_commit(). */
    assert_int_equal(xdb_open(f->path, XDB_READ, &rd, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(rd, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 1);
    xdb_close(rd);
}

static void test_reopen_sees_new_commits(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    struct xdb_stats st;
    xdb *rd = NULL;
    uint64_t rev;

    assert_int_equal(xdb_commit(f->db, &err), TRAWL_OK);
    assert_int_equal(xdb_open(f->path, XDB_READ, &rd, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(rd, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 0);
    rev = st.revision;

    put_doc(f->db, "Qa", "a", "alpha", 0, NULL);
    assert_int_equal(xdb_commit(f->db, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(rd, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 0); /* a snapshot until reopened */
    assert_int_equal(xdb_reopen(rd, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(rd, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 1);
    assert_true(st.revision > rev);
    xdb_close(rd);
}

static void test_stats_and_doc_reading(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    struct xdb_stats st;
    struct sbuf sb;
    uint64_t n = 99, docs = 0, coll = 0;

    put_doc(f->db, "Qa", "a", "red red fish", 0, "v0");
    put_doc(f->db, "Qb", "b", "blue fish", 0, NULL);
    assert_int_equal(xdb_commit(f->db, &err), TRAWL_OK);

    assert_int_equal(xdb_stats(f->db, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 2);
    assert_int_equal(st.lastdocid, 2);
    assert_int_equal(st.total_length, 5); /* boolean uid terms have wdf 0 */
    assert_true(st.avlength > 2.49 && st.avlength < 2.51);
    assert_true(st.revision >= 1);
    assert_int_equal(st.has_positions, 1);

    assert_int_equal(xdb_doc_length(f->db, 1, &n, &err), TRAWL_OK);
    assert_int_equal(n, 3);
    assert_int_equal(xdb_doc_wdf(f->db, 1, "red", 3, &n, &err), TRAWL_OK);
    assert_int_equal(n, 2);
    assert_int_equal(xdb_doc_wdf(f->db, 1, "fish", 4, &n, &err), TRAWL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(xdb_doc_wdf(f->db, 1, "blue", 4, &n, &err), TRAWL_OK);
    assert_int_equal(n, 0);
    assert_int_equal(xdb_doc_wdf(f->db, 1, "zzz", 3, &n, &err), TRAWL_OK); /* past the end */
    assert_int_equal(n, 0);
    assert_int_equal(xdb_doc_length(f->db, 9, &n, &err), TRAWL_ENOTFOUND);
    assert_int_equal(xdb_doc_wdf(f->db, 9, "red", 3, &n, &err), TRAWL_ENOTFOUND);

    assert_int_equal(xdb_term_freq(f->db, "fish", 4, &docs, &coll, &err), TRAWL_OK);
    assert_int_equal(docs, 2);
    assert_int_equal(coll, 2);
    assert_int_equal(xdb_term_freq(f->db, "red", 3, &docs, &coll, &err), TRAWL_OK);
    assert_int_equal(docs, 1);
    assert_int_equal(coll, 2);

    sbuf_init(&sb);
    assert_int_equal(xdb_doc_value(f->db, 1, 0, &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "v0");
    assert_int_equal(xdb_doc_value(f->db, 2, 0, &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "");
    assert_int_equal(xdb_doc_value(f->db, 7, 0, &sb, &err), TRAWL_OK); /* no such document */
    assert_string_equal(sb.buf, "");
    sbuf_release(&sb);
}

static enum xdb_next collect_term(void *ctx, const char *t, size_t len, uint64_t docs)
{
    char *out = ctx;
    size_t used = strlen(out);
    snprintf(out + used, 128 - used, "%.*s:%u ", (int)len, t, (unsigned)docs);
    return XDB_NEXT;
}

static enum xdb_next collect_id(void *ctx, xdb_docid id)
{
    char *out = ctx;
    size_t used = strlen(out);
    snprintf(out + used, 128 - used, "%u ", (unsigned)id);
    return XDB_NEXT;
}

static void test_terms_and_postings(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    char got[128] = "";

    put_doc(f->db, "Qa", "a", "fish fin", 0, NULL);
    put_doc(f->db, "Qb", "b", "fish", 0, NULL);
    put_doc(f->db, "Qc", "c", "fig", 0, NULL);
    assert_int_equal(xdb_terms_each(f->db, "fi", collect_term, got, &err), TRAWL_OK);
    assert_string_equal(got, "fig:1 fin:1 fish:2 ");
    got[0] = '\0';
    assert_int_equal(xdb_postings(f->db, "fish", 4, collect_id, got, &err), TRAWL_OK);
    assert_string_equal(got, "1 2 ");
}

static void test_bm25_ranks_more_occurrences_first(void **state)
{
    struct fix *f = *state;
    char got[128];

    put_doc(f->db, "Qa", "once", "tide sea land sky", 0, NULL);
    put_doc(f->db, "Qb", "thrice", "tide tide tide sky", 0, NULL);
    put_doc(f->db, "Qc", "none", "sea land", 0, NULL);
    run_q(f->db, term("tide"), got, sizeof got);
    assert_string_equal(got, "thrice once ");
}

/* Builds op(a, b[, c]) of single terms. */
static xdb_query *op_of(enum xdb_op op, const char *a, const char *b, const char *c)
{
    xdb_query *subs[3] = { term(a), term(b), c != NULL ? term(c) : NULL };
    xdb_query *q = xdb_query_op(op, subs, c != NULL ? 3 : 2);
    for (int i = 0; i < 3; i++)
        xdb_query_free(subs[i]); /* value semantics: q keeps its own copies */
    assert_non_null(q);
    return q;
}

static void test_boolean_operators(void **state)
{
    struct fix *f = *state;
    struct xdb_search_opts o;
    struct sbuf sb;
    xdb_query *q;
    char got[128];

    put_doc(f->db, "Q1", "ab", "a b", 0, NULL);
    put_doc(f->db, "Q2", "a", "a", 0, NULL);
    put_doc(f->db, "Q3", "b", "b", 0, NULL);
    put_doc(f->db, "Q4", "ac", "a c", 0, NULL);
    put_doc(f->db, "Q5", "abc", "a b c", 0, NULL);

    xdb_search_opts_init(&o);
    o.weighting = XDB_WEIGHT_BOOL; /* every weight 0: docid order, easy to compare */
    q = op_of(XDB_OP_AND, "a", "b", NULL);
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "ab abc ");
    xdb_query_free(q);
    q = op_of(XDB_OP_OR, "b", "c", NULL);
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "ab b ac abc ");
    xdb_query_free(q);
    /* first AND NOT (any of the rest) */
    q = op_of(XDB_OP_AND_NOT, "a", "b", "c");
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "a ");
    xdb_query_free(q);
    /* first, filtered by all of the rest */
    q = op_of(XDB_OP_FILTER, "a", "b", "c");
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "abc ");
    xdb_query_free(q);
    q = op_of(XDB_OP_AND_MAYBE, "b", "a", "c");
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "ab b abc ");
    xdb_query_free(q);
    q = op_of(XDB_OP_PHRASE, "b", "c", NULL);
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "abc ");
    xdb_query_free(q);

    /* A synonym matches the union, weighed as one term. */
    q = op_of(XDB_OP_SYNONYM, "b", "c", NULL);
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "ab b ac abc ");
    sbuf_init(&sb);
    assert_int_equal(xdb_query_describe(q, &sb), TRAWL_OK);
    assert_string_equal(sb.buf, "Query((b SYNONYM c))");
    sbuf_release(&sb);
    xdb_query_free(q);

    run_q(f->db, xdb_query_match_all(), got, sizeof got);
    assert_string_equal(got, "ab a b ac abc ");
    run_q(f->db, xdb_query_match_nothing(), got, sizeof got);
    assert_string_equal(got, "");
    q = term("c");
    run_q(f->db, xdb_query_scale(q, 0.0), got, sizeof got);
    assert_string_equal(got, "ac abc ");
    xdb_query_free(q);
}

static void test_value_range(void **state)
{
    struct fix *f = *state;
    char got[128];

    put_doc(f->db, "Q1", "d1", "x", 2, "2001");
    put_doc(f->db, "Q2", "d2", "x", 2, "2005");
    put_doc(f->db, "Q3", "d3", "x", 2, "2010");
    put_doc(f->db, "Q4", "d4", "x", 0, NULL);
    run_q(f->db, xdb_query_value_range(2, "2002", "2010"), got, sizeof got);
    assert_string_equal(got, "d2 d3 ");
    run_q(f->db, xdb_query_value_range(2, "2005", NULL), got, sizeof got);
    assert_string_equal(got, "d2 d3 ");
    run_q(f->db, xdb_query_value_range(2, NULL, "2005"), got, sizeof got);
    assert_string_equal(got, "d1 d2 ");
    run_q(f->db, xdb_query_value_range(2, NULL, NULL), got, sizeof got);
    assert_string_equal(got, "d1 d2 d3 d4 ");
}

static void test_wildcard(void **state)
{
    struct fix *f = *state;
    struct xdb_search_opts o;
    struct trawl_error err;
    xdb_mset *m = (xdb_mset *)&err;
    xdb_query *q, *subs[3];
    char got[128];

    put_doc(f->db, "Q1", "d1", "runner", 0, NULL);
    put_doc(f->db, "Q2", "d2", "running", 0, NULL);
    put_doc(f->db, "Q3", "d3", "ran", 0, NULL);
    run_q(f->db, xdb_query_wildcard("run", 3, 0, 0), got, sizeof got);
    assert_string_equal(got, "d1 d2 ");
    run_q(f->db, xdb_query_wildcard("run", 3, 2, 1), got, sizeof got);
    assert_string_equal(got, "d1 d2 ");

    /* Over the expansion limit, even deep in a tree: the user's query is too broad. */
    subs[0] = term("ran");
    subs[1] = xdb_query_wildcard("r", 1, 2, 0);
    subs[2] = xdb_query_scale(subs[1], 2.0);
    q = xdb_query_op(XDB_OP_OR, subs + 1, 2);
    for (int i = 1; i < 3; i++)
        xdb_query_free(subs[i]);
    subs[1] = q;
    q = xdb_query_op(XDB_OP_AND, subs, 2);
    xdb_query_free(subs[0]);
    xdb_query_free(subs[1]);
    xdb_search_opts_init(&o);
    assert_int_equal(xdb_search(f->db, q, &o, &m, &err), TRAWL_EINPUT);
    assert_string_equal(err.msg, "wildcard 'r*' expands to more than 2 terms");
    assert_null(m);
    xdb_query_free(q);
    q = xdb_query_wildcard("r", 1, 3, 0); /* exactly at the limit */
    assert_int_equal(xdb_search(f->db, q, &o, &m, &err), TRAWL_OK);
    assert_int_equal(xdb_mset_size(m), 3);
    xdb_mset_free(m);
    xdb_query_free(q);
}

static void test_collapse(void **state)
{
    struct fix *f = *state;
    struct xdb_search_opts o;
    struct trawl_error err;
    struct xdb_hit hit;
    xdb_mset *m = NULL;
    xdb_query *q = term("x");

    put_doc(f->db, "Q1", "k1", "x x x", 1, "k");
    put_doc(f->db, "Q2", "k2", "x x", 1, "k");
    put_doc(f->db, "Q3", "m1", "x", 1, "m");
    put_doc(f->db, "Q4", "k3", "x", 1, "k");
    xdb_search_opts_init(&o);
    o.collapse_slot = 1;
    assert_int_equal(xdb_search(f->db, q, &o, &m, &err), TRAWL_OK);
    assert_int_equal(xdb_mset_size(m), 2);
    assert_int_equal(xdb_mset_estimated(m), 2);
    assert_true(xdb_mset_lower_bound(m) <= 2 && xdb_mset_upper_bound(m) >= 2);
    assert_int_equal(xdb_mset_hit(m, 0, &hit, &err), TRAWL_OK);
    assert_int_equal(hit.data_len, 2);
    assert_memory_equal(hit.data, "k1", 2);
    assert_int_equal(hit.collapse_count, 2);
    assert_int_equal(xdb_mset_hit(m, 1, &hit, &err), TRAWL_OK);
    assert_memory_equal(hit.data, "m1", 2);
    assert_int_equal(hit.collapse_count, 0);
    assert_int_equal(xdb_mset_hit(m, 2, &hit, &err), TRAWL_EINTERNAL);
    xdb_mset_free(m);

    o.collapse_max = 2;
    assert_int_equal(xdb_search(f->db, q, &o, &m, &err), TRAWL_OK);
    assert_int_equal(xdb_mset_size(m), 3);
    xdb_mset_free(m);
    xdb_mset_free(NULL);
    xdb_query_free(q);
}

static void test_sort_slot_breaks_ties_ascending(void **state)
{
    struct fix *f = *state;
    struct xdb_search_opts o;
    xdb_query *q = term("x");
    char got[128];

    /* Identical documents, so identical weights; the larger value has the smaller docid. */
    put_doc(f->db, "Q1", "v9", "x y", 3, "9");
    put_doc(f->db, "Q2", "v1", "x y", 3, "1");
    put_doc(f->db, "Q3", "v5", "x y", 3, "5");
    put_doc(f->db, "Q4", "best", "x x", 3, "7");
    xdb_search_opts_init(&o);
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "best v9 v1 v5 "); /* relevance, then docid */
    o.sort_slot = 3;
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "best v1 v5 v9 "); /* relevance, then value ascending */
    xdb_query_free(q);
}

struct seen {
    char log[128];
};

/* Keeps documents whose data starts with "keep"; records what it saw (asserting here would
 * longjmp through Xapian's frames). */
static int keep_decider(void *ctx, xdb_docid id, const char *data, size_t len)
{
    struct seen *s = ctx;
    size_t used = strlen(s->log);
    snprintf(s->log + used, sizeof s->log - used, "%u ", (unsigned)id);
    return len >= 4 && memcmp(data, "keep", 4) == 0;
}

static void test_decider_filters(void **state)
{
    struct fix *f = *state;
    struct xdb_search_opts o;
    struct seen s = { "" };
    xdb_query *q = term("x");
    char got[128];

    put_doc(f->db, "Q1", "keep1", "x", 0, NULL);
    put_doc(f->db, "Q2", "drop2", "x", 0, NULL);
    put_doc(f->db, "Q3", "keep3", "x", 0, NULL);
    put_doc(f->db, "Q4", "other", "y", 0, NULL);
    xdb_search_opts_init(&o);
    o.decider = keep_decider;
    o.decider_ctx = &s;
    run(f->db, q, &o, got, sizeof got);
    assert_string_equal(got, "keep1 keep3 ");
    assert_string_equal(s.log, "1 2 3 ");
    xdb_query_free(q);
}

static void test_decider_on_remote_is_einput(void **state)
{
    struct fix *f = *state;
    struct xdb_search_opts o;
    struct trawl_error err;
    struct seen s = { "" };
    xdb_mset *m = NULL;
    xdb *rd = NULL;
    xdb_query *q;
    char port[16], line[64];
    const char *stub;
    FILE *fp;
    pid_t pid;
    int rc = -1;

    if (access(TCPSRV, X_OK) != 0)
        skip();
    put_doc(f->db, "Q1", "keep1", "x", 0, NULL);
    assert_int_equal(xdb_commit(f->db, &err), TRAWL_OK);

    snprintf(port, sizeof port, "%d", 20000 + (int)(getpid() % 20000));
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(TCPSRV, TCPSRV, "--quiet", "--one-shot", "--interface", "127.0.0.1", "--port",
              port, f->path, (char *)NULL);
        _exit(127);
    }
    stub = sub(f, "remote.stub");
    snprintf(line, sizeof line, "remote 127.0.0.1:%s\n", port);
    fp = fopen(stub, "w");
    assert_non_null(fp);
    fputs(line, fp);
    fclose(fp);
    for (int i = 0; i < 100 && rc != TRAWL_OK; i++) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        rc = xdb_open(stub, XDB_READ, &rd, &err);
        if (rc != TRAWL_OK)
            nanosleep(&ts, NULL);
    }
    if (rc != TRAWL_OK) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        fail_msg("cannot reach " TCPSRV " on port %s: %s", port, err.msg);
    }

    q = term("x");
    xdb_search_opts_init(&o);
    o.decider = keep_decider;
    o.decider_ctx = &s;
    assert_int_equal(xdb_search(rd, q, &o, &m, &err), TRAWL_EINPUT);
    assert_non_null(strstr(err.msg, "remote"));
    assert_null(m);
    o.decider = NULL; /* the same search without it works */
    assert_int_equal(xdb_search(rd, q, &o, &m, &err), TRAWL_OK);
    assert_int_equal(xdb_mset_size(m), 1);
    xdb_mset_free(m);
    xdb_query_free(q);
    xdb_close(rd);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

static void test_matching_terms(void **state)
{
    struct fix *f = *state;
    struct xdb_search_opts o;
    struct trawl_error err;
    struct xdb_hit hit;
    xdb_mset *m = NULL;
    xdb_query *q = op_of(XDB_OP_OR, "sea", "tide", "zebra");
    char got[128] = "";

    put_doc(f->db, "Q1", "d1", "tide sea sky", 0, NULL);
    put_doc(f->db, "Q2", "d2", "tide", 0, NULL);
    put_doc(f->db, "Q3", "d3", "tide land", 0, NULL);
    xdb_search_opts_init(&o);
    assert_int_equal(xdb_search(f->db, q, &o, &m, &err), TRAWL_OK);
    assert_int_equal(xdb_mset_hit(m, 0, &hit, &err), TRAWL_OK);
    assert_int_equal(hit.docid, 1);
    assert_true(hit.weight > 0);
    assert_int_equal(xdb_mset_matching_terms(m, 0, collect_term, got, &err), TRAWL_OK);
    assert_string_equal(got, "sea:1 tide:3 ");
    xdb_mset_free(m);
    xdb_query_free(q);
}

static void test_spelling(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    struct sbuf sb;

    assert_int_equal(xdb_add_spelling(f->db, "harbour", 7, 3, &err), TRAWL_OK);
    assert_int_equal(xdb_add_spelling(f->db, "harbinger", 9, 1, &err), TRAWL_OK);
    assert_int_equal(xdb_commit(f->db, &err), TRAWL_OK);
    sbuf_init(&sb);
    assert_int_equal(xdb_spelling(f->db, "harbor", 6, 2, &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "harbour");
    assert_int_equal(xdb_spelling(f->db, "zzzzzz", 6, 2, &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "");
    sbuf_release(&sb);
}

static void test_open_many_and_compact(void **state)
{
    struct fix *f = *state;
    struct trawl_error err;
    struct xdb_stats st;
    struct sbuf sb;
    char paths[3][192];
    const char *srcs[3];
    char got[128] = "";
    xdb *w, *rd = NULL;

    for (int i = 0; i < 3; i++) {
        char data[8], uid[8];
        snprintf(paths[i], sizeof paths[i], "%s/src%d", f->dir, i);
        srcs[i] = paths[i];
        assert_int_equal(xdb_open(paths[i], XDB_WRITE, &w, &err), TRAWL_OK);
        snprintf(data, sizeof data, "s%da", i);
        snprintf(uid, sizeof uid, "Q%da", i);
        put_doc(w, uid, data, "common", 0, NULL);
        snprintf(data, sizeof data, "s%db", i);
        snprintf(uid, sizeof uid, "Q%db", i);
        put_doc(w, uid, data, "common", 0, NULL);
        snprintf(data, sizeof data, "%d", i);
        assert_int_equal(xdb_meta_set(w, "who", data, 1, &err), TRAWL_OK);
        /* counts: n:all in every source (1, 11, 21), n:one only in the second */
        snprintf(data, sizeof data, "%d", 10 * i + 1);
        assert_int_equal(xdb_meta_set(w, "n:all", data, strlen(data), &err), TRAWL_OK);
        if (i == 1)
            assert_int_equal(xdb_meta_set(w, "n:one", "7", 1, &err), TRAWL_OK);
        assert_int_equal(xdb_commit(w, &err), TRAWL_OK);
        xdb_close(w);
    }

    assert_int_equal(xdb_open_many(srcs, 3, &rd, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(rd, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 6);
    assert_int_equal(st.revision, 0); /* not a single database */
    xdb_close(rd);

    assert_int_equal(xdb_compact(srcs, 3, sub(f, "merged"), "n:", &err), TRAWL_OK);
    assert_int_equal(xdb_open(sub(f, "merged"), XDB_READ, &rd, &err), TRAWL_OK);
    assert_int_equal(xdb_stats(rd, &st, &err), TRAWL_OK);
    assert_int_equal(st.doccount, 6);
    assert_int_equal(xdb_terms_each(rd, "Q", collect_term, got, &err), TRAWL_OK);
    assert_string_equal(got, "Q0a:1 Q0b:1 Q1a:1 Q1b:1 Q2a:1 Q2b:1 ");
    sbuf_init(&sb);
    assert_int_equal(xdb_meta_get(rd, "who", &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "0"); /* the first source's value */
    assert_int_equal(xdb_meta_get(rd, "n:all", &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "33"); /* summed: 1 + 11 + 21 */
    assert_int_equal(xdb_meta_get(rd, "n:one", &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "7");
    sbuf_release(&sb);
    xdb_close(rd);

    /* Without a sum prefix the counts are like any key: the first source's value. */
    assert_int_equal(xdb_compact(srcs, 2, sub(f, "merged2"), NULL, &err), TRAWL_OK);
    assert_int_equal(xdb_open(sub(f, "merged2"), XDB_READ, &rd, &err), TRAWL_OK);
    sbuf_init(&sb);
    assert_int_equal(xdb_meta_get(rd, "n:all", &sb, &err), TRAWL_OK);
    assert_string_equal(sb.buf, "1");
    sbuf_release(&sb);
    xdb_close(rd);

    /* A malformed count is refused as damage. */
    assert_int_equal(xdb_open(paths[1], XDB_WRITE, &w, &err), TRAWL_OK);
    assert_int_equal(xdb_meta_set(w, "n:all", "1x", 2, &err), TRAWL_OK);
    assert_int_equal(xdb_commit(w, &err), TRAWL_OK);
    xdb_close(w);
    assert_int_equal(xdb_compact(srcs, 2, sub(f, "merged3"), "n:", &err), TRAWL_EINDEX);

    srcs[1] = sub(f, "missing");
    assert_int_equal(xdb_compact(srcs, 2, paths[2], "n:", &err), TRAWL_EINDEX);
    assert_non_null(strstr(err.msg, "missing"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_reopen_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_index_is_eindex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_is_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_add_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_terms_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_sees_new_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_and_doc_reading, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terms_and_postings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bm25_ranks_more_occurrences_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_boolean_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wildcard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collapse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_slot_breaks_ties_ascending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decider_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decider_on_remote_is_einput, setup, teardown),
        cmocka_unit_test_setup_teardown(test_matching_terms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spelling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_many_and_compact, setup, teardown),
    };
    return cmocka_run_group_tests_name("xdb", tests, NULL, NULL);
}
