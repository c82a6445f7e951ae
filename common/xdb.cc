/* xdb: the C face of Xapian 1.4 (see xdb.h). The only C++ file in trawl: every entry point wraps
 * its whole body in try and ends in xdb_fail(), so no exception ever reaches a C frame.
 * Longer than the 800 lines a file should hold, on purpose: it is the one place that speaks
 * C++ and Xapian (STYLE.md: one C++ file, a thin function per Xapian call), and each of its
 * functions is short; splitting it would make a second C++ file and spread the exception
 * mapping and the handle types over both. */
#include "common/xdb.h"

#include <xapian.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

/* Xapian would refuse an over-long term (glass allows 245 bytes) only when the whole document is
 * added; we refuse it at once, so the caller learns which term and can drop just that one. */
#define XDB_MAX_META_KEY 200

struct xdb {
    /* db is always valid and is what readers use; for a writer it shares wdb's internals
     * (Database handles are reference-counted), so both see the same state. */
    Xapian::Database db;
    Xapian::WritableDatabase wdb;
    bool writable = false;
    std::string name; /* what messages about a damaged database call it (xdb_open_as) */
};

struct xdb_doc {
    Xapian::Document doc;
};

struct xdb_query {
    Xapian::Query q;
    /* Every limited wildcard in the tree, (prefix, max_expansion): xdb_search() checks them
     * first, because Xapian 1.4.22 leaks its weight objects when a WildcardError is thrown
     * from inside get_mset(). */
    std::vector<std::pair<std::string, unsigned>> wild;
};

struct xdb_mset {
    Xapian::Database db;
    Xapian::Enquire enq; /* kept alive: get_matching_terms() needs it */
    Xapian::MSet mset;
    std::vector<std::string> data; /* per-hit document data, filled on first xdb_mset_hit */
    std::vector<char> have;
    std::vector<std::string> keys; /* per-hit sort keys, filled on first xdb_mset_rank */
    std::string name; /* the database's xdb name, for messages */
    bool reader;      /* of a read-only database: its reads are discard points */

    xdb_mset(const Xapian::Database &d, const std::string &n, bool r)
        : db(d), enq(d), name(n), reader(r)
    {
    }
};

/* What Xapian said about a damaged database, as one line: its message, and the system's
 * reason when there is one. */
static std::string xdb_said(const Xapian::Error &e)
{
    std::string s = e.get_msg();
    const char *sys = e.get_error_string();

    if (sys != nullptr && *sys != '\0')
        s += std::string(" (") + sys + ")";
    return s;
}

/* Call only inside a catch block: it rethrows the in-flight exception to classify it. path,
 * when given, names the database in messages about opening or locking it; name (path when
 * NULL) is what a message about a damaged database calls it: the index the user named, never
 * a temporary stub. Damage is what a read of bytes on disk found wrong: Xapian's corrupt,
 * version and opening errors, and its plain DatabaseError without a system error ("EOF
 * reading block"); a DatabaseError with one (a full disk, EIO) stays an I/O-ish index error. */
static int xdb_fail(struct trawl_error *err, const char *what, const char *path = nullptr,
                    const char *name = nullptr)
{
    if (name == nullptr || *name == '\0')
        name = path;
    try {
        throw;
    } catch (const Xapian::DatabaseModifiedError &e) {
        return terr_set(err, TRAWL_ERETRY, "%s: %s", what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseLockError &e) {
        if (name != nullptr)
            return terr_set(err, TRAWL_ELOCKED, "index '%s' is locked by another writer", name);
        return terr_set(err, TRAWL_ELOCKED, "%s: %s", what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        if (name != nullptr)
            return terr_set(err, TRAWL_EINDEX, "%s: no index at '%s'", what, name);
        return terr_set(err, TRAWL_EINDEX, "%s: %s", what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return terr_damaged(err, name, xdb_said(e).c_str(), 1);
    } catch (const Xapian::DatabaseOpeningError &e) {
        /* DatabaseVersionError included: a glass database of a version this Xapian cannot
         * read is, to trawl (which only ever writes glass), a damaged version file. */
        return terr_damaged(err, name, xdb_said(e).c_str(), 1);
    } catch (const Xapian::DocNotFoundError &e) {
        return terr_set(err, TRAWL_ENOTFOUND, "%s: %s", what, e.get_msg().c_str());
    } catch (const Xapian::WildcardError &e) {
        /* Too many expansions is the user's query being too broad, not a broken index. */
        return terr_set(err, TRAWL_EINPUT, "%s: %s", what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseError &e) {
        const char *sys = e.get_error_string();
        if (e.get_type() == std::string("DatabaseError") && (sys == nullptr || *sys == '\0'))
            return terr_damaged(err, name, xdb_said(e).c_str(), 1);
        return terr_set(err, TRAWL_EINDEX, "%s: %s", what, e.get_description().c_str());
    } catch (const Xapian::Error &e) {
        return terr_set(err, TRAWL_EINDEX, "%s: %s", what, e.get_description().c_str());
    } catch (const std::bad_alloc &) {
        return terr_set(err, TRAWL_ENOMEM, "%s: out of memory", what);
    } catch (const std::exception &e) {
        return terr_set(err, TRAWL_EINTERNAL, "%s: %s", what, e.what());
    } catch (...) {
        return terr_set(err, TRAWL_EINTERNAL, "%s: unknown C++ exception", what);
    }
}

/* ---- The tests' discarded revision (xdb_test_discard) ---------------------------------- */

static std::atomic<unsigned long> discard_at{0}, reads_seen{0};

/* Called first in every read of a read-only database (and in its opening and reopening): the
 * reads a test's xdb_test_discard counts, the nth failing as Xapian fails a reader whose
 * revision a writer's commits have discarded. One relaxed load when no test asked. */
static void discard_point(bool reader)
{
    if (!reader || discard_at.load(std::memory_order_relaxed) == 0)
        return;
    if (++reads_seen == discard_at.load(std::memory_order_relaxed)) {
        discard_at = ULONG_MAX; /* once: the reads after it are only counted */
        throw Xapian::DatabaseModifiedError("The revision being read has been discarded - you "
                                            "should call Xapian::Database::reopen() and retry "
                                            "the operation (xdb_test_discard)");
    }
}

extern "C" void xdb_test_discard(unsigned long nth)
{
    reads_seen = 0;
    discard_at = nth;
}

extern "C" unsigned long xdb_test_reads(void)
{
    return reads_seen.load();
}

static int xdb_read_only(struct trawl_error *err)
{
    return terr_set(err, TRAWL_EINTERNAL, "index opened read-only");
}

/* Replaces out's contents with s. */
static int xdb_put(struct sbuf *out, const std::string &s, struct trawl_error *err)
{
    sbuf_reset(out);
    if (sbuf_add(out, s.data(), s.size()) != TRAWL_OK)
        return terr_set(err, TRAWL_ENOMEM, "out of memory");
    return TRAWL_OK;
}

static int xdb_check_term(size_t len, struct trawl_error *err)
{
    if (len == 0)
        return terr_set(err, TRAWL_EINPUT, "empty term");
    if (len > XDB_MAX_TERM)
        return terr_set(err, TRAWL_EINPUT, "term of %zu bytes is longer than %d", len,
                        XDB_MAX_TERM);
    return TRAWL_OK;
}

static int xdb_check_key(const char *key, struct trawl_error *err)
{
    size_t len = strlen(key);
    if (len == 0)
        return terr_set(err, TRAWL_EINPUT, "empty metadata key");
    if (len > XDB_MAX_META_KEY)
        return terr_set(err, TRAWL_EINPUT, "metadata key of %zu bytes is longer than %d", len,
                        XDB_MAX_META_KEY);
    return TRAWL_OK;
}

/* ---- Opening ------------------------------------------------------------------------- */

extern "C" int xdb_open(const char *path, int mode, xdb **out, struct trawl_error *err)
{
    return xdb_open_as(path, path, mode, out, err);
}

extern "C" int xdb_open_as(const char *path, const char *name, int mode, xdb **out,
                           struct trawl_error *err)
{
    *out = nullptr;
    try {
        int base = mode & ~XDB_NO_SYNC;
        int flags;
        xdb *db;

        if (base == XDB_READ)
            flags = 0;
        else if (base == XDB_WRITE)
            flags = Xapian::DB_CREATE_OR_OPEN;
        else if (base == XDB_OVERWRITE)
            flags = Xapian::DB_CREATE_OR_OVERWRITE;
        else
            return terr_set(err, TRAWL_EINTERNAL, "bad xdb_open mode %d", mode);
        discard_point(base == XDB_READ);
        /* No DB_RETRY_LOCK: a second writer must fail at once rather than wait. */
        if (base != XDB_READ && (mode & XDB_NO_SYNC))
            flags |= Xapian::DB_NO_SYNC;

        db = new xdb;
        try {
            db->name = name != nullptr ? name : path;
            if (base == XDB_READ) {
                db->db = Xapian::Database(path);
            } else {
                db->wdb = Xapian::WritableDatabase(path, flags);
                db->db = db->wdb;
                db->writable = true;
            }
        } catch (...) {
            delete db;
            throw;
        }
        *out = db;
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot open index", path, name);
    }
}

extern "C" int xdb_open_many(const char *const *paths, size_t n, xdb **out, struct trawl_error *err)
{
    const char *path = nullptr;

    *out = nullptr;
    try {
        discard_point(true);
        xdb *db = new xdb;
        try {
            for (size_t i = 0; i < n; i++) {
                path = paths[i];
                db->db.add_database(Xapian::Database(path));
            }
        } catch (...) {
            delete db;
            throw;
        }
        *out = db;
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot open index", path);
    }
}

extern "C" int xdb_reopen(xdb *db, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        db->db.reopen();
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot reopen index", nullptr, db->name.c_str());
    }
}

extern "C" void xdb_close(xdb *db)
{
    if (db == nullptr)
        return;
    try {
        if (db->writable) {
            /* Xapian's close() and destructor commit pending changes unless a transaction is
             * open, and cancelling a transaction drops everything since the last commit: so
             * open one (unflushed, which commits nothing first) and cancel it. */
            try {
                db->wdb.begin_transaction(false);
            } catch (...) {
                /* one is open already (xdb_begin): cancelling it is enough */
            }
            try {
                db->wdb.cancel_transaction();
            } catch (...) {
            }
        }
        db->db.close();
    } catch (...) {
    }
    try {
        delete db;
    } catch (...) {
    }
}

/* ---- Writing ------------------------------------------------------------------------- */

extern "C" int xdb_begin(xdb *db, int flushed, struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        db->wdb.begin_transaction(flushed != 0);
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot begin transaction", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_commit_tx(xdb *db, struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        db->wdb.commit_transaction();
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot commit transaction", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_cancel_tx(xdb *db, struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        db->wdb.cancel_transaction();
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot cancel transaction", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_commit(xdb *db, struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        db->wdb.commit();
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot commit index", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_replace(xdb *db, const char *uid, size_t uid_len, const xdb_doc *doc,
                           struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        int rc = xdb_check_term(uid_len, err);
        if (rc != TRAWL_OK)
            return rc;
        db->wdb.replace_document(std::string(uid, uid_len), doc->doc);
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot replace document", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_add(xdb *db, const xdb_doc *doc, xdb_docid *out, struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        Xapian::docid id = db->wdb.add_document(doc->doc);
        if (out != nullptr)
            *out = id;
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot add document", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_delete_term(xdb *db, const char *term, size_t len, struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        int rc = xdb_check_term(len, err);
        if (rc != TRAWL_OK)
            return rc;
        db->wdb.delete_document(std::string(term, len));
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot delete documents", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_meta_get(xdb *db, const char *key, struct sbuf *out, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        int rc = xdb_check_key(key, err);
        if (rc != TRAWL_OK)
            return rc;
        return xdb_put(out, db->db.get_metadata(key), err);
    } catch (...) {
        return xdb_fail(err, "cannot read index metadata", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_meta_set(xdb *db, const char *key, const char *val, size_t len,
                            struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        int rc = xdb_check_key(key, err);
        if (rc != TRAWL_OK)
            return rc;
        db->wdb.set_metadata(key, std::string(val, len));
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot write index metadata", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_meta_each(xdb *db, const char *prefix, xdb_meta_fn fn, void *ctx,
                             struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string pfx = prefix != nullptr ? prefix : "";
        for (auto it = db->db.metadata_keys_begin(pfx); it != db->db.metadata_keys_end(pfx);
             ++it) {
            const std::string key = *it;
            const std::string val = db->db.get_metadata(key);
            if (fn(ctx, key.data(), key.size(), val.data(), val.size()) == XDB_STOP)
                break;
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot list index metadata", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_add_spelling(xdb *db, const char *word, size_t len, unsigned freq,
                                struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        int rc = xdb_check_term(len, err);
        if (rc != TRAWL_OK)
            return rc;
        db->wdb.add_spelling(std::string(word, len), freq);
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot add spelling", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_remove_spelling(xdb *db, const char *word, size_t len, unsigned freq,
                                   struct trawl_error *err)
{
    try {
        if (!db->writable)
            return xdb_read_only(err);
        int rc = xdb_check_term(len, err);
        if (rc != TRAWL_OK)
            return rc;
        db->wdb.remove_spelling(std::string(word, len), freq);
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot remove spelling", nullptr, db->name.c_str());
    }
}

/* ---- Documents ----------------------------------------------------------------------- */

extern "C" xdb_doc *xdb_doc_new(void)
{
    try {
        return new xdb_doc;
    } catch (...) {
        return nullptr;
    }
}

extern "C" void xdb_doc_free(xdb_doc *doc)
{
    try {
        delete doc;
    } catch (...) {
    }
}

extern "C" void xdb_doc_clear(xdb_doc *doc)
{
    try {
        /* A fresh Document rather than clear_terms()/clear_values(): it drops data too and
         * never allocates (the default Document's internals are created lazily). */
        doc->doc = Xapian::Document();
    } catch (...) {
    }
}

extern "C" int xdb_doc_add_term(xdb_doc *doc, const char *term, size_t len, unsigned wdfinc,
                                struct trawl_error *err)
{
    try {
        int rc = xdb_check_term(len, err);
        if (rc != TRAWL_OK)
            return rc;
        doc->doc.add_term(std::string(term, len), wdfinc);
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot add term");
    }
}

extern "C" int xdb_doc_add_posting(xdb_doc *doc, const char *term, size_t len, unsigned pos,
                                   unsigned wdfinc, struct trawl_error *err)
{
    try {
        int rc = xdb_check_term(len, err);
        if (rc != TRAWL_OK)
            return rc;
        doc->doc.add_posting(std::string(term, len), pos, wdfinc);
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot add posting");
    }
}

extern "C" int xdb_doc_add_boolean(xdb_doc *doc, const char *term, size_t len, struct trawl_error *err)
{
    try {
        int rc = xdb_check_term(len, err);
        if (rc != TRAWL_OK)
            return rc;
        doc->doc.add_boolean_term(std::string(term, len));
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot add boolean term");
    }
}

extern "C" int xdb_doc_set_value(xdb_doc *doc, unsigned slot, const char *val, size_t len,
                                 struct trawl_error *err)
{
    try {
        doc->doc.add_value(slot, std::string(val, len));
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot set value");
    }
}

extern "C" int xdb_doc_set_data(xdb_doc *doc, const char *data, size_t len, struct trawl_error *err)
{
    try {
        doc->doc.set_data(std::string(data, len));
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot set document data");
    }
}

/* ---- Reading ------------------------------------------------------------------------- */

extern "C" int xdb_stats(xdb *db, struct xdb_stats *out, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        out->doccount = db->db.get_doccount();
        out->lastdocid = db->db.get_lastdocid();
        out->avlength = db->db.get_avlength();
        out->total_length = db->db.get_total_length();
        out->has_positions = db->db.has_positions() ? 1 : 0;
        out->revision = 0;
        memset(out->uuid, 0, sizeof out->uuid); /* whole: it is copied into files */
        /* get_revision() works only on a single local database. */
        if (db->db.size() == 1) {
            try {
                out->revision = db->db.get_revision();
                std::string u = db->db.get_uuid();
                if (u.size() < sizeof out->uuid)
                    memcpy(out->uuid, u.c_str(), u.size() + 1);
            } catch (const Xapian::Error &) {
                out->revision = 0;
            }
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read index statistics", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_term_freq(xdb *db, const char *term, size_t len, uint64_t *docs,
                             uint64_t *coll, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string t(term, len);
        if (docs != nullptr)
            *docs = db->db.get_termfreq(t);
        if (coll != nullptr)
            *coll = db->db.get_collection_freq(t);
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read term frequency", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_postings(xdb *db, const char *term, size_t len, xdb_docid_fn fn, void *ctx,
                            struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string t(term, len);
        for (auto it = db->db.postlist_begin(t); it != db->db.postlist_end(t); ++it) {
            if (fn(ctx, *it) == XDB_STOP)
                break;
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read postings", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_postings_wdf(xdb *db, const char *term, size_t len, xdb_wdf_fn fn,
                                void *ctx, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string t(term, len);
        for (auto it = db->db.postlist_begin(t); it != db->db.postlist_end(t); ++it) {
            uint64_t w = len == 0 ? it.get_doclength() : it.get_wdf();
            if (fn(ctx, *it, w) == XDB_STOP)
                break;
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read postings", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_values_each(xdb *db, unsigned slot, xdb_value_fn fn, void *ctx,
                               struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        Xapian::valueno s = (Xapian::valueno)slot;
        for (auto it = db->db.valuestream_begin(s); it != db->db.valuestream_end(s); ++it) {
            const std::string v = *it;
            if (fn(ctx, it.get_docid(), v.data(), v.size()) == XDB_STOP)
                break;
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read values", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_postings_skip(xdb *db, const char *term, size_t len, xdb_skip_fn fn,
                                 void *ctx, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string t(term, len);
        Xapian::PostingIterator it = db->db.postlist_begin(t), end = db->db.postlist_end(t);
        while (it != end) {
            Xapian::docid d = *it, next = fn(ctx, d);
            if (next == 0)
                break;
            if (next == d + 1)
                ++it;
            else if (next > d)
                it.skip_to(next);
            else
                ++it; /* never backwards */
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read postings", nullptr, db->name.c_str());
    }
}

namespace {
/* The terms xdb_eset may propose. */
class EsetDecider : public Xapian::ExpandDecider {
  public:
    EsetDecider(xdb_skip_term_fn skip, void *ctx) : skip_(skip), ctx_(ctx) {}
    bool operator()(const std::string &t) const override
    {
        if (t.empty() || (t[0] >= 'A' && t[0] <= 'Z'))
            return false;
        return skip_ == nullptr || skip_(ctx_, t.data(), t.size()) == 0;
    }

  private:
    xdb_skip_term_fn skip_;
    void *ctx_;
};
} // namespace

extern "C" int xdb_eset(xdb *db, const xdb_docid *docs, size_t n, unsigned nterms,
                        xdb_skip_term_fn skip, xdb_eset_fn fn, void *ctx, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        Xapian::Enquire enq(db->db);
        Xapian::RSet rset;
        EsetDecider decider(skip, ctx);
        for (size_t i = 0; i < n; i++)
            rset.add_document(docs[i]);
        Xapian::ESet eset = enq.get_eset(nterms, rset, &decider);
        for (Xapian::ESetIterator it = eset.begin(); it != eset.end(); ++it) {
            const std::string &t = *it;
            if (fn(ctx, t.data(), t.size(), it.get_weight()) == XDB_STOP)
                break;
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot expand the query", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_cooccur(xdb *db, const char *a, size_t alen, const char *b, size_t blen,
                           int *out, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string ta(a, alen), tb(b, blen);
        Xapian::PostingIterator ia = db->db.postlist_begin(ta), ea = db->db.postlist_end(ta);
        Xapian::PostingIterator ib = db->db.postlist_begin(tb), eb = db->db.postlist_end(tb);
        *out = 0;
        /* Leapfrog: each list skips to the other's docid until they meet or one ends. */
        while (ia != ea && ib != eb) {
            Xapian::docid da = *ia, dbid = *ib;
            if (da == dbid) {
                *out = 1;
                break;
            }
            if (da < dbid)
                ia.skip_to(dbid);
            else
                ib.skip_to(da);
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read postings", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_terms_each(xdb *db, const char *prefix, xdb_term_fn fn, void *ctx,
                              struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string pfx = prefix != nullptr ? prefix : "";
        for (auto it = db->db.allterms_begin(pfx); it != db->db.allterms_end(pfx); ++it) {
            const std::string term = *it;
            if (fn(ctx, term.data(), term.size(), it.get_termfreq()) == XDB_STOP)
                break;
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot list terms", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_doc_data(xdb *db, xdb_docid id, struct sbuf *out, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        return xdb_put(out, db->db.get_document(id).get_data(), err);
    } catch (...) {
        return xdb_fail(err, "cannot read document data", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_doc_value(xdb *db, xdb_docid id, unsigned slot, struct sbuf *out,
                             struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        /* DOC_ASSUME_VALID: no look-up of the document itself, only of the value. */
        Xapian::Document doc = db->db.get_document(id, Xapian::DOC_ASSUME_VALID);
        return xdb_put(out, doc.get_value(slot), err);
    } catch (...) {
        return xdb_fail(err, "cannot read document value", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_doc_length(xdb *db, xdb_docid id, uint64_t *len, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        *len = db->db.get_doclength(id);
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read document length", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_doc_terms(xdb *db, xdb_docid id, xdb_term_fn fn, void *ctx,
                             struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        for (auto it = db->db.termlist_begin(id); it != db->db.termlist_end(id); ++it) {
            const std::string term = *it;
            if (fn(ctx, term.data(), term.size(), it.get_wdf()) == XDB_STOP)
                break;
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read document terms", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_doc_wdf(xdb *db, xdb_docid id, const char *term, size_t len, uint64_t *wdf,
                           struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string t(term, len);
        auto it = db->db.termlist_begin(id);
        *wdf = 0;
        it.skip_to(t);
        if (it != db->db.termlist_end(id) && *it == t)
            *wdf = it.get_wdf();
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read term wdf", nullptr, db->name.c_str());
    }
}

extern "C" unsigned xdb_shard_count(xdb *db)
{
    try {
        size_t n = db->db.size();
        return n > 0 ? (unsigned)n : 1;
    } catch (...) {
        return 1; /* size() does not throw in 1.4; a single database is the safe answer */
    }
}

extern "C" int xdb_docs_wdf(xdb *db, const char *const *terms, const size_t *lens,
                            size_t nterms, const xdb_docid *docs, size_t ndocs, uint32_t *wdf,
                            uint32_t *len, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        for (size_t i = 0; i < ndocs; i++)
            len[i] = (uint32_t)db->db.get_doclength(docs[i]);
        for (size_t j = 0; j < nterms; j++) {
            std::string t(terms[j], lens[j]);
            Xapian::PostingIterator it = db->db.postlist_begin(t);
            Xapian::PostingIterator end = db->db.postlist_end(t);
            for (size_t i = 0; i < ndocs; i++) {
                wdf[i * nterms + j] = 0;
                if (it == end)
                    continue;
                it.skip_to(docs[i]);
                if (it != end && *it == docs[i])
                    wdf[i * nterms + j] = (uint32_t)it.get_wdf();
            }
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read term counts", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_spelling(xdb *db, const char *word, size_t len, unsigned max_edits,
                            struct sbuf *out, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        return xdb_put(out, db->db.get_spelling_suggestion(std::string(word, len), max_edits),
                       err);
    } catch (...) {
        return xdb_fail(err, "cannot suggest spelling", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_spelling_freq(xdb *db, const char *word, size_t len, uint64_t *freq,
                                 struct trawl_error *err)
{
    *freq = 0;
    try {
        discard_point(!db->writable);
        /* Xapian 1.4 has no public get_spelling_frequency(): the word list gives it. */
        std::string w(word, len);
        Xapian::TermIterator it = db->db.spellings_begin();
        it.skip_to(w);
        if (it != db->db.spellings_end() && *it == w)
            *freq = it.get_termfreq();
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read spelling frequency", nullptr, db->name.c_str());
    }
}

extern "C" int xdb_spellings_each(xdb *db, const char *prefix, size_t len, xdb_term_fn fn,
                                  void *ctx, struct trawl_error *err)
{
    try {
        discard_point(!db->writable);
        std::string pfx(prefix, len);
        Xapian::TermIterator it = db->db.spellings_begin(), end = db->db.spellings_end();
        if (!pfx.empty())
            it.skip_to(pfx);
        for (; it != end; ++it) {
            const std::string word = *it;
            if (word.compare(0, pfx.size(), pfx) != 0)
                break;
            if (fn(ctx, word.data(), word.size(), it.get_termfreq()) == XDB_STOP)
                break;
            /* Each step reads: a walk can meet a discarded revision half-way, after fn has
             * had some words (the only walk whose words go out before it ends). */
            discard_point(!db->writable);
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot list spellings", nullptr, db->name.c_str());
    }
}

/* ---- Queries ------------------------------------------------------------------------- */

static xdb_query *xdb_query_wrap(const Xapian::Query &q)
{
    xdb_query *out = new xdb_query;
    out->q = q;
    return out;
}

/* Adds a's limited wildcards to out's, freeing out if that throws. */
static xdb_query *xdb_query_inherit(xdb_query *out, const xdb_query *a)
{
    try {
        out->wild.insert(out->wild.end(), a->wild.begin(), a->wild.end());
        return out;
    } catch (...) {
        delete out;
        throw;
    }
}

extern "C" xdb_query *xdb_query_term(const char *term, size_t len, unsigned wqf)
{
    try {
        return xdb_query_wrap(Xapian::Query(std::string(term, len), wqf));
    } catch (...) {
        return nullptr;
    }
}

extern "C" xdb_query *xdb_query_wildcard(const char *prefix, size_t len, unsigned max_expansion,
                                         int how)
{
    try {
        std::string pfx(prefix, len);
        xdb_query *out = xdb_query_wrap(Xapian::Query(
            Xapian::Query::OP_WILDCARD, pfx, max_expansion, Xapian::Query::WILDCARD_LIMIT_ERROR,
            how == XDB_WILDCARD_SYNONYM ? Xapian::Query::OP_SYNONYM
            : how == XDB_WILDCARD_MAX   ? Xapian::Query::OP_MAX
                                        : Xapian::Query::OP_OR));
        if (max_expansion > 0) {
            try {
                out->wild.emplace_back(pfx, max_expansion);
            } catch (...) {
                delete out;
                throw;
            }
        }
        return out;
    } catch (...) {
        return nullptr;
    }
}

extern "C" xdb_query *xdb_query_op(enum xdb_op op, xdb_query *const *subs, size_t n)
{
    try {
        std::vector<Xapian::Query> qs;
        Xapian::Query::op xop;

        qs.reserve(n);
        for (size_t i = 0; i < n; i++) {
            if (subs[i] == nullptr)
                TRAWL_BUG("xdb_query_op: NULL subquery");
            qs.push_back(subs[i]->q);
        }
        switch (op) {
        case XDB_OP_AND: xop = Xapian::Query::OP_AND; break;
        case XDB_OP_OR: xop = Xapian::Query::OP_OR; break;
        case XDB_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
        case XDB_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
        case XDB_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
        case XDB_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
        case XDB_OP_PHRASE: xop = Xapian::Query::OP_PHRASE; break;
        case XDB_OP_MAX: xop = Xapian::Query::OP_MAX; break;
        default: TRAWL_BUG("xdb_query_op: unknown operator");
        }
        xdb_query *out;
        if (n > 2 && (op == XDB_OP_AND_NOT || op == XDB_OP_AND_MAYBE)) {
            /* Spelled out as first OP (OR of the rest), the documented meaning, rather than
             * relying on how Xapian reads an n-ary AND_NOT / AND_MAYBE (the same, in 1.4). */
            Xapian::Query rest(Xapian::Query::OP_OR, qs.begin() + 1, qs.end());
            out = xdb_query_wrap(Xapian::Query(xop, qs[0], rest));
        } else {
            out = xdb_query_wrap(Xapian::Query(xop, qs.begin(), qs.end()));
        }
        for (size_t i = 0; i < n; i++)
            xdb_query_inherit(out, subs[i]);
        return out;
    } catch (...) {
        return nullptr;
    }
}

extern "C" xdb_query *xdb_query_value_range(unsigned slot, const char *lo, const char *hi)
{
    try {
        if (lo != nullptr && hi != nullptr)
            return xdb_query_wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
        if (lo != nullptr)
            return xdb_query_wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
        if (hi != nullptr)
            return xdb_query_wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
        return xdb_query_wrap(Xapian::Query::MatchAll);
    } catch (...) {
        return nullptr;
    }
}

extern "C" xdb_query *xdb_query_scale(const xdb_query *q, double factor)
{
    try {
        return xdb_query_inherit(
            xdb_query_wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor)), q);
    } catch (...) {
        return nullptr;
    }
}

extern "C" xdb_query *xdb_query_match_all(void)
{
    try {
        return xdb_query_wrap(Xapian::Query::MatchAll);
    } catch (...) {
        return nullptr;
    }
}

extern "C" xdb_query *xdb_query_match_nothing(void)
{
    try {
        return xdb_query_wrap(Xapian::Query::MatchNothing);
    } catch (...) {
        return nullptr;
    }
}

extern "C" void xdb_query_free(xdb_query *q)
{
    try {
        delete q;
    } catch (...) {
    }
}

extern "C" int xdb_query_describe(const xdb_query *q, struct sbuf *out)
{
    try {
        return xdb_put(out, q->q.get_description(), nullptr);
    } catch (...) {
        return xdb_fail(nullptr, "cannot describe query");
    }
}

/* ---- Searching ----------------------------------------------------------------------- */

namespace {

/* Calls the C decider. Nothing escapes into the matcher's frames from the C side (it must not
 * longjmp); a C++ exception from reading the data is kept and rethrown after get_mset(). */
class CDecider : public Xapian::MatchDecider {
  public:
    CDecider(xdb_decider_fn fn, void *ctx) : fn_(fn), ctx_(ctx) {}

    bool operator()(const Xapian::Document &doc) const override
    {
        if (failed)
            return false;
        try {
            const std::string data = doc.get_data();
            return fn_(ctx_, doc.get_docid(), data.data(), data.size()) != 0;
        } catch (...) {
            failed = std::current_exception();
            return false;
        }
    }

    mutable std::exception_ptr failed;

  private:
    xdb_decider_fn fn_;
    void *ctx_;
};

} // namespace

/* Refuses, as Xapian would (see struct xdb_query), a wildcard expanding past its limit. Xapian
 * expands per database; counting over all of them together is never more lenient. */
static int xdb_check_wildcards(xdb *db, const xdb_query *q, struct trawl_error *err)
{
    for (const auto &w : q->wild) {
        unsigned seen = 0;
        for (auto it = db->db.allterms_begin(w.first); it != db->db.allterms_end(w.first); ++it) {
            if (++seen > w.second)
                return terr_set(err, TRAWL_EINPUT, "wildcard '%s*' expands to more than %u terms",
                                w.first.c_str(), w.second);
        }
    }
    return TRAWL_OK;
}

extern "C" void xdb_search_opts_init(struct xdb_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->weighting = XDB_WEIGHT_BM25;
    o->k1 = 1.2;
    o->b = 0.75;
    o->min_normlen = 0.5;
    o->delta = 1.0;
    o->offset = 0;
    o->count = 10;
    o->check_at_least = 0;
    o->collapse_slot = -1;
    o->collapse_max = 1;
    o->sort_slot = -1;
    o->order_slot = -1;
    o->order_desc = 0;
    o->decider = nullptr;
    o->decider_ctx = nullptr;
}

extern "C" int xdb_search(xdb *db, const xdb_query *q, const struct xdb_search_opts *o,
                          xdb_mset **out, struct trawl_error *err)
{
    *out = nullptr;
    try {
        discard_point(!db->writable);
        if (o->k1 < 0 || o->b < 0 || o->b > 1 || o->min_normlen < 0 || o->delta < 0)
            return terr_set(err, TRAWL_EINPUT,
                            "bad BM25 parameters (k1 %g, b %g, min_normlen %g, delta %g)",
                            o->k1, o->b, o->min_normlen, o->delta);

        int rc = xdb_check_wildcards(db, q, err);
        if (rc != TRAWL_OK)
            return rc;

        xdb_mset *m = new xdb_mset(db->db, db->name, !db->writable);
        try {
            Xapian::Enquire &enq = m->enq;
            enq.set_query(q->q);
            /* k2 = 0: no extra document-length correction; k3 = 1: Xapian's default
             * saturation of query wdf. Both as in Xapian's BM25Weight defaults. */
            switch (o->weighting) {
            case XDB_WEIGHT_BM25PLUS:
                enq.set_weighting_scheme(
                    Xapian::BM25PlusWeight(o->k1, 0, 1, o->b, o->min_normlen, o->delta));
                break;
            case XDB_WEIGHT_BOOL: enq.set_weighting_scheme(Xapian::BoolWeight()); break;
            default:
                enq.set_weighting_scheme(Xapian::BM25Weight(o->k1, 0, 1, o->b, o->min_normlen));
                break;
            }
            if (o->collapse_slot >= 0)
                enq.set_collapse_key((Xapian::valueno)o->collapse_slot,
                                     o->collapse_max > 0 ? o->collapse_max : 1);
            /* reverse = false sorts the value ascending among equal weights (the sense of the
             * flag was fixed in 1.2.17); docid breaks what is left. */
            if (o->order_slot >= 0) {
                /* Keys ascending: a reversed value's key puts an empty value last, and an
                 * ascending one gets "\xff" for empty, so documents without it come last
                 * in both orders. Xapian owns the key maker once released. */
                std::unique_ptr<Xapian::MultiValueKeyMaker> km(new Xapian::MultiValueKeyMaker);
                km->add_value((Xapian::valueno)o->order_slot, o->order_desc != 0,
                              o->order_desc ? std::string() : std::string("\xff"));
                enq.set_sort_by_key_then_relevance(km.release()->release(), false);
            } else if (o->sort_slot >= 0) {
                enq.set_sort_by_relevance_then_value((Xapian::valueno)o->sort_slot, false);
            }
            enq.set_docid_order(Xapian::Enquire::ASCENDING);

            if (o->decider != nullptr) {
                CDecider dec(o->decider, o->decider_ctx);
                try {
                    m->mset = enq.get_mset(o->offset, o->count, o->check_at_least, nullptr,
                                           &dec);
                } catch (const Xapian::UnimplementedError &e) {
                    delete m;
                    return terr_set(err, TRAWL_EINPUT,
                                    "a result filter cannot be used with a remote index: %s",
                                    e.get_msg().c_str());
                }
                if (dec.failed)
                    std::rethrow_exception(dec.failed);
            } else {
                m->mset = enq.get_mset(o->offset, o->count, o->check_at_least);
            }
            m->data.resize(m->mset.size());
            m->have.assign(m->mset.size(), 0);
        } catch (...) {
            delete m;
            throw;
        }
        *out = m;
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "search failed", nullptr, db->name.c_str());
    }
}

extern "C" void xdb_mset_free(xdb_mset *m)
{
    try {
        delete m;
    } catch (...) {
    }
}

extern "C" size_t xdb_mset_size(const xdb_mset *m)
{
    return m->mset.size();
}

extern "C" uint64_t xdb_mset_estimated(const xdb_mset *m)
{
    return m->mset.get_matches_estimated();
}

extern "C" uint64_t xdb_mset_lower_bound(const xdb_mset *m)
{
    return m->mset.get_matches_lower_bound();
}

extern "C" uint64_t xdb_mset_upper_bound(const xdb_mset *m)
{
    return m->mset.get_matches_upper_bound();
}

extern "C" int xdb_mset_hit(xdb_mset *m, size_t i, struct xdb_hit *out, struct trawl_error *err)
{
    try {
        discard_point(m->reader);
        if (i >= m->mset.size())
            return terr_set(err, TRAWL_EINTERNAL, "hit %zu out of range (%zu hits)", i,
                            (size_t)m->mset.size());
        Xapian::MSetIterator it = m->mset[(Xapian::doccount)i];
        if (!m->have[i]) {
            m->data[i] = it.get_document().get_data();
            m->have[i] = 1;
        }
        out->docid = *it;
        out->weight = it.get_weight();
        out->collapse_count = it.get_collapse_count();
        out->data = m->data[i].c_str();
        out->data_len = m->data[i].size();
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read search result", nullptr, m->name.c_str());
    }
}

extern "C" int xdb_mset_rank(xdb_mset *m, size_t i, xdb_docid *docid, double *weight,
                             const char **key, size_t *key_len, struct trawl_error *err)
{
    try {
        discard_point(m->reader);
        if (i >= m->mset.size())
            return terr_set(err, TRAWL_EINTERNAL, "hit %zu out of range (%zu hits)", i,
                            (size_t)m->mset.size());
        Xapian::MSetIterator it = m->mset[(Xapian::doccount)i];
        if (m->keys.size() != m->mset.size())
            m->keys.resize(m->mset.size());
        m->keys[i] = it.get_sort_key();
        *docid = *it;
        *weight = it.get_weight();
        *key = m->keys[i].c_str();
        *key_len = m->keys[i].size();
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot read search result", nullptr, m->name.c_str());
    }
}

extern "C" int xdb_mset_matching_terms(xdb_mset *m, size_t i, xdb_term_fn fn, void *ctx,
                                       struct trawl_error *err)
{
    try {
        discard_point(m->reader);
        if (i >= m->mset.size())
            return terr_set(err, TRAWL_EINTERNAL, "hit %zu out of range (%zu hits)", i,
                            (size_t)m->mset.size());
        Xapian::MSetIterator hit = m->mset[(Xapian::doccount)i];
        Xapian::TermIterator end = m->enq.get_matching_terms_end(hit);
        for (auto it = m->enq.get_matching_terms_begin(hit); it != end; ++it) {
            const std::string term = *it;
            if (fn(ctx, term.data(), term.size(), m->db.get_termfreq(term)) == XDB_STOP)
                break;
        }
        return TRAWL_OK;
    } catch (...) {
        return xdb_fail(err, "cannot list matching terms", nullptr, m->name.c_str());
    }
}

static xdb_fatal_fn fatal_fn;

[[noreturn]] static void on_terminate()
{
    int sys = errno; /* the failed write's, when no exception is left to tell it */
    std::string what = "Xapian ended the program while handling a failed write";
    if (sys != 0)
        what += std::string(" (last system error: ") + std::strerror(sys) + ")";
    try {
        std::exception_ptr e = std::current_exception();
        if (e)
            std::rethrow_exception(e);
    } catch (const Xapian::Error &x) {
        what = x.get_description();
    } catch (const std::exception &x) {
        what = x.what();
    } catch (...) {
        what = "an unknown error";
    }
    if (fatal_fn != nullptr)
        fatal_fn(what.c_str());
    std::abort();
}

extern "C" void xdb_on_fatal(xdb_fatal_fn fn)
{
    fatal_fn = fn;
    std::set_terminate(on_terminate);
}

extern "C" const char *xdb_xapian_version(void)
{
    return Xapian::version_string();
}

/* ---- Compaction ---------------------------------------------------------------------- */

namespace {

/* Merges the metadata of several databases: counts under sum_prefix are added up (each
 * source holds its own articles' counts); any other key keeps the first source's value, as
 * Xapian's own Compactor does. A malformed count is noted in bad, not thrown: Xapian 1.4.22
 * leaks its merge state when the compactor throws. */
class SumCompactor : public Xapian::Compactor {
  public:
    explicit SumCompactor(const char *prefix) : prefix_(prefix != nullptr ? prefix : "") {}

    std::string resolve_duplicate_metadata(const std::string &key, size_t num_tags,
                                           const std::string tags[]) override
    {
        /* Xapian 1.4's glass compactor passes the key as stored, after its "\0\xc0" tag
         * for user metadata. */
        size_t at = key.size() >= 2 && key[0] == '\0' && key[1] == '\xc0' ? 2 : 0;
        if (prefix_.empty() || key.compare(at, prefix_.size(), prefix_) != 0)
            return tags[0];
        unsigned long long sum = 0;
        for (size_t i = 0; i < num_tags; i++) {
            const std::string &t = tags[i];
            unsigned long long v = 0;
            if (t.empty() || t.size() > 18 ||
                t.find_first_not_of("0123456789") != std::string::npos) {
                if (bad.empty())
                    bad = key.substr(at);
                return tags[0];
            }
            for (char c : t)
                v = v * 10 + (unsigned long long)(c - '0');
            sum += v;
        }
        return std::to_string(sum);
    }

    std::string bad; /* the first key whose count was not a number */

  private:
    std::string prefix_;
};

} // namespace

extern "C" int xdb_compact(const char *const *srcs, size_t n, const char *dst,
                           const char *sum_prefix, struct trawl_error *err)
{
    const char *path = nullptr;
    try {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++) {
            path = srcs[i];
            all.add_database(Xapian::Database(path));
        }
        path = nullptr;
        if (n == 0)
            return terr_set(err, TRAWL_EINPUT, "nothing to compact into '%s'", dst);
        /* Multipass merges in pairs, which is faster for several sources. Docids are
         * renumbered to follow one another. */
        SumCompactor c(sum_prefix);
        all.compact(dst, n > 2 ? Xapian::DBCOMPACT_MULTIPASS : 0, 0, c);
        if (!c.bad.empty())
            return terr_set(err, TRAWL_EINDEX,
                            "cannot compact into '%s': metadata '%.100s' is not a count", dst,
                            c.bad.c_str());
        return TRAWL_OK;
    } catch (...) {
        char what[sizeof err->msg / 2];
        if (path != nullptr)
            return xdb_fail(err, "cannot open index to compact", path);
        snprintf(what, sizeof what, "cannot compact into '%s'", dst);
        return xdb_fail(err, what);
    }
}
