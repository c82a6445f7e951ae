/* index: trawl.Index, the reading side: search, run, explain, passages, stats, words.
 *
 * trawl.h's handles are not thread-safe, and searches run without the GIL, so an Index keeps a
 * small pool of trawl_index handles on the same path: a call takes one (opening another when
 * every one is in use by another thread), and gives it back. The pool is only touched with
 * the GIL held, which is its lock. A search's C results borrow its handle, so they are turned
 * into Python objects, and freed, before the handle goes back. */
#include "bindings/python/pytrawl.h"

#include <stdlib.h>
#include <string.h>
#include <structmember.h>

#define POOL_MAX 8 /* idle handles kept; more threads than that open and close their own */

typedef struct {
    PyObject_HEAD
    char *path;
    int allow_partial;
    trawl_index *idle[POOL_MAX];
    size_t nidle;
    int closed;
    PyObject *lang, *warning;
} IndexObject;

/* ---- Hits, passages, results --------------------------------------------------------------- */

PyTypeObject *pytrawl_hit_type;
PyTypeObject *pytrawl_passage_type;

static PyStructSequence_Field hit_fields[] = {
    {"article", "the article's id"},
    {"title", "the article's title (given, or its first sentence)"},
    {"date", "the article's date, 'YYYY-MM-DD', or None"},
    {"url", "the article's url, or None"},
    {"source", "the article's source (\"Example Times\"), or None"},
    {"passage", "the passage's ordinal in its article (0, 1, ...)"},
    {"text", "the passage's text"},
    {"score", "its score (float)"},
    {"more", "other matching passages of the same article (per-article view)"},
    {"highlights", "the query's matches in text: a tuple of (start, end) str offsets, in order"},
    {"rank", "0-based rank in the query's whole result list"},
    {"duplicates", "ids of the near-duplicate articles folded into this hit"},
    {"view", "(passages, sort, expand) of the search that found it, for Index.explain"},
    {NULL, NULL},
};
#define HIT_VISIBLE 10

static PyStructSequence_Desc hit_desc = {
    "trawl.Hit",
    "One search result: a passage with its article's fields, score and highlights.\n"
    "A tuple of the first ten fields; rank, duplicates and view by name only.",
    hit_fields, HIT_VISIBLE,
};

static PyStructSequence_Field passage_fields[] = {
    {"article", "the article's id"},
    {"ordinal", "the passage's ordinal in its article"},
    {"title", "the article's title"},
    {"date", "'YYYY-MM-DD' or None"},
    {"url", "the article's url, or None"},
    {"source", "the article's source, or None"},
    {"start", "byte offset of the passage in the article's UTF-8 text"},
    {"end", "byte offset of its end"},
    {"text", "the passage's text"},
    {NULL, NULL},
};

static PyStructSequence_Desc passage_desc = {
    "trawl.Passage", "One stored passage of an article.", passage_fields, 9,
};

typedef struct {
    PyListObject list;
    PyObject *query;
    unsigned long long estimated;
    char exact;
    PyObject *suggestions;
} ResultsObject;

static int results_traverse(PyObject *o, visitproc visit, void *arg)
{
    ResultsObject *r = (ResultsObject *)o;
    Py_VISIT(r->query);
    Py_VISIT(r->suggestions);
    return PyList_Type.tp_traverse(o, visit, arg);
}

static int results_clear(PyObject *o)
{
    ResultsObject *r = (ResultsObject *)o;
    Py_CLEAR(r->query);
    Py_CLEAR(r->suggestions);
    return PyList_Type.tp_clear(o);
}

static void results_dealloc(PyObject *o)
{
    ResultsObject *r = (ResultsObject *)o;
    PyObject_GC_UnTrack(o);
    Py_CLEAR(r->query);
    Py_CLEAR(r->suggestions);
    PyList_Type.tp_dealloc(o);
}

static PyObject *results_repr(PyObject *o)
{
    ResultsObject *r = (ResultsObject *)o;
    return PyUnicode_FromFormat("<trawl.Results %R: %zd hits of %s%llu>", r->query,
                                PyList_GET_SIZE(o), r->exact ? "" : "about ", r->estimated);
}

static PyMemberDef results_members[] = {
    {"query", T_OBJECT, offsetof(ResultsObject, query), READONLY, "the query"},
    {"estimated", T_ULONGLONG, offsetof(ResultsObject, estimated), READONLY,
     "matches in all (articles, or passages with passages=True): exact when .exact, else an "
     "estimate"},
    {"exact", T_BOOL, offsetof(ResultsObject, exact), READONLY,
     "True when .estimated is the exact count (a plain query of words), False for Xapian's "
     "estimate"},
    {"suggestions", T_OBJECT, offsetof(ResultsObject, suggestions), READONLY,
     "{word: suggestion}: spellings for query words the index lacks, or has only rarely"},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject pytrawl_results_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "trawl.Results",
    .tp_basicsize = sizeof(ResultsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "A search's hits (a list of trawl.Hit, best first) with .estimated, the\n"
              "total of matches (.exact: whether it is exact), and .suggestions,\n"
              "{word: suggestion}.",
    .tp_traverse = results_traverse,
    .tp_clear = results_clear,
    .tp_dealloc = results_dealloc,
    .tp_repr = results_repr,
    .tp_members = results_members,
};

int pytrawl_types_init(PyObject *m)
{
    pytrawl_results_type.tp_base = &PyList_Type;
    if ((pytrawl_hit_type = PyStructSequence_NewType(&hit_desc)) == NULL ||
        (pytrawl_passage_type = PyStructSequence_NewType(&passage_desc)) == NULL)
        return -1;
    if (PyModule_AddObjectRef(m, "Hit", (PyObject *)pytrawl_hit_type) < 0 ||
        PyModule_AddObjectRef(m, "Passage", (PyObject *)pytrawl_passage_type) < 0)
        return -1;
    return 0;
}

/* ---- The pool of handles ------------------------------------------------------------------- */

static int check_open(IndexObject *self)
{
    if (self->closed) {
        PyErr_SetString(PyExc_ValueError, "operation on a closed trawl.Index");
        return -1;
    }
    return 0;
}

/* A handle for this call (GIL held; released while a new one opens). NULL with the error. */
static trawl_index *take(IndexObject *self)
{
    struct trawl_open_opts oo = {.allow_partial = self->allow_partial};
    struct trawl_error err;
    trawl_index *ix = NULL;
    int rc;

    if (check_open(self) < 0)
        return NULL;
    if (self->nidle > 0)
        return self->idle[--self->nidle];
    Py_BEGIN_ALLOW_THREADS
    rc = trawl_open(self->path, &oo, &ix, &err);
    Py_END_ALLOW_THREADS
    if (rc != TRAWL_OK) {
        pytrawl_raise(&err, self->path);
        return NULL;
    }
    return ix;
}

static void give_back(IndexObject *self, trawl_index *ix)
{
    if (ix == NULL)
        return;
    if (self->closed || self->nidle == POOL_MAX)
        trawl_close(ix);
    else
        self->idle[self->nidle++] = ix;
}

static void close_idle(IndexObject *self)
{
    while (self->nidle > 0)
        trawl_close(self->idle[--self->nidle]);
}

/* ---- Index: opening, closing ---------------------------------------------------------------- */

static int index_init(PyObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"path", "allow_partial", NULL};
    IndexObject *self = (IndexObject *)o;
    PyObject *path_obj;
    int partial = 0;
    trawl_index *ix;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$p:open", kwlist, &path_obj, &partial))
        return -1;
    if (self->path != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "trawl.Index is initialised already");
        return -1;
    }
    if ((self->path = pytrawl_path(path_obj)) == NULL)
        return -1;
    self->allow_partial = partial;
    if ((ix = take(self)) == NULL)
        return -1;
    self->lang = PyUnicode_FromString(trawl_index_lang(ix));
    self->warning = trawl_index_warning(ix) ? PyUnicode_FromString(trawl_index_warning(ix))
                                            : Py_NewRef(Py_None);
    give_back(self, ix);
    return self->lang && self->warning ? 0 : -1;
}

static void index_dealloc(PyObject *o)
{
    IndexObject *self = (IndexObject *)o;

    close_idle(self);
    free(self->path);
    Py_XDECREF(self->lang);
    Py_XDECREF(self->warning);
    Py_TYPE(o)->tp_free(o);
}

static PyObject *index_close(PyObject *o, PyObject *unused)
{
    IndexObject *self = (IndexObject *)o;

    (void)unused;
    self->closed = 1; /* handles busy in other threads close when they come back */
    close_idle(self);
    Py_RETURN_NONE;
}

static PyObject *index_reopen(PyObject *o, PyObject *unused)
{
    IndexObject *self = (IndexObject *)o;

    (void)unused;
    if (check_open(self) < 0)
        return NULL;
    /* New handles open at the index's latest commit (and follow a rebuild). */
    close_idle(self);
    Py_RETURN_NONE;
}

static PyObject *index_enter(PyObject *o, PyObject *unused)
{
    (void)unused;
    if (check_open((IndexObject *)o) < 0)
        return NULL;
    return Py_NewRef(o);
}

static PyObject *index_exit(PyObject *o, PyObject *args)
{
    (void)args;
    return index_close(o, NULL);
}

static PyObject *index_repr(PyObject *o)
{
    IndexObject *self = (IndexObject *)o;
    return PyUnicode_FromFormat("<trawl.Index '%s'%s>", self->path ? self->path : "",
                                self->closed ? " closed" : "");
}

/* ---- Searching ------------------------------------------------------------------------------ */

/* Byte offset b of UTF-8 text as a count of code points (the text is valid UTF-8: trawl
 * sanitises articles), counting on from (*at_b, *at_cp) as marks come in order. */
static size_t to_chars(const char *s, size_t b, size_t *at_b, size_t *at_cp)
{
    size_t i = *at_b, cp = *at_cp;

    if (b < i) {
        i = 0;
        cp = 0;
    }
    for (; i < b; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cp++;
    *at_b = i;
    *at_cp = cp;
    return cp;
}

static PyObject *highlights(const trawl_results *r, const struct trawl_passage *p)
{
    struct trawl_snippet sn;
    struct trawl_error err;
    PyObject *list;
    size_t at_b = 0, at_cp = 0;

    if (trawl_snippet(r, p->text, p->text_len, 0, &sn, &err) != TRAWL_OK)
        return pytrawl_raise(&err, NULL);
    if ((list = PyTuple_New((Py_ssize_t)sn.nmarks)) == NULL)
        goto out;
    for (size_t i = 0; i < sn.nmarks; i++) {
        size_t s = to_chars(p->text, sn.marks[i].start, &at_b, &at_cp);
        size_t e = to_chars(p->text, sn.marks[i].end, &at_b, &at_cp);
        PyObject *t = Py_BuildValue("(nn)", (Py_ssize_t)s, (Py_ssize_t)e);
        if (t == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyTuple_SET_ITEM(list, (Py_ssize_t)i, t);
    }
out:
    trawl_snippet_release(&sn);
    return list;
}

/* Sets item i of a struct sequence, stealing v; -1 when v is NULL (the error is set). */
static int set_field(PyObject *seq, Py_ssize_t i, PyObject *v)
{
    if (v == NULL)
        return -1;
    PyStructSequence_SetItem(seq, i, v);
    return 0;
}

static PyObject *make_hit(const trawl_results *r, size_t i, size_t rank, PyObject *view)
{
    const struct trawl_hit *h = trawl_results_hit(r, i);
    const struct trawl_passage *p = &h->passage;
    PyObject *hit = PyStructSequence_New(pytrawl_hit_type), *dups;
    size_t nd = trawl_results_duplicate_count(r, i);

    if (hit == NULL)
        return NULL;
    if (set_field(hit, 0, pytrawl_str(p->article, p->article_len, 0)) ||
        set_field(hit, 1, pytrawl_str(p->title, p->title_len, 0)) ||
        set_field(hit, 2, pytrawl_str(p->date, p->date_len, 1)) ||
        set_field(hit, 3, pytrawl_str(p->url, p->url_len, 1)) ||
        set_field(hit, 4, pytrawl_str(p->source, p->source_len, 1)) ||
        set_field(hit, 5, PyLong_FromUnsignedLong(p->ordinal)) ||
        set_field(hit, 6, pytrawl_str(p->text, p->text_len, 0)) ||
        set_field(hit, 7, PyFloat_FromDouble(h->score)) ||
        set_field(hit, 8, PyLong_FromUnsignedLongLong(h->more)) ||
        set_field(hit, 9, highlights(r, p)) ||
        set_field(hit, 10, PyLong_FromSize_t(rank)) ||
        set_field(hit, 11, dups = PyTuple_New((Py_ssize_t)nd)) ||
        set_field(hit, 12, Py_NewRef(view)))
        goto fail;
    for (size_t k = 0; k < nd; k++) {
        const struct trawl_passage *d = trawl_results_duplicate(r, i, k);
        PyObject *id = pytrawl_str(d->article, d->article_len, 0);
        if (id == NULL)
            goto fail;
        PyTuple_SET_ITEM(dups, (Py_ssize_t)k, id);
    }
    return hit;
fail:
    Py_DECREF(hit);
    return NULL;
}

static const char *const sort_names[] = {"score", "date", "-date"};

/* The options of search() and explain() from their keywords; view gets (passages, sort,
 * expand) as a new reference. */
static int search_opts(struct trawl_search_opts *o, Py_ssize_t k, Py_ssize_t offset,
                       int passages, PyObject *sort, int expand, PyObject **view)
{
    const char *s = "score";
    size_t i;

    trawl_search_opts_init(o);
    if (k < 0 || k > 1000000) {
        PyErr_Format(PyExc_ValueError, "k must be between 0 and 1000000, not %zd", k);
        return -1;
    }
    if (offset < 0 || offset > 100000000) {
        PyErr_Format(PyExc_ValueError, "offset must be between 0 and 100000000, not %zd", offset);
        return -1;
    }
    if (sort != NULL && (s = pytrawl_utf8(sort, "sort", NULL)) == NULL)
        return -1;
    for (i = 0; i < 3 && strcmp(s, sort_names[i]) != 0; i++)
        ;
    if (i == 3) {
        PyErr_Format(PyExc_ValueError, "sort must be 'score', 'date' or '-date', not '%s'", s);
        return -1;
    }
    o->count = (unsigned)k;
    o->offset = (unsigned)offset;
    o->per_article = passages ? 0 : 1;
    o->sort = (enum trawl_sort)i;
    o->expand = expand;
    *view = Py_BuildValue("(NsN)", PyBool_FromLong(passages), sort_names[i],
                          PyBool_FromLong(expand));
    return *view ? 0 : -1;
}

/* Runs one search without the GIL, Ctrl-C cancelling it, and a reader's retry once. */
static int do_search(trawl_index *ix, const char *q, size_t len, struct trawl_search_opts *o,
                     trawl_results **out, struct trawl_error *err)
{
    int rc;

    o->cancel = pytrawl_cancel_begin();
    Py_BEGIN_ALLOW_THREADS
    rc = trawl_search(ix, q, len, o, out, err);
    if (rc == TRAWL_ERETRY && trawl_reopen(ix, err) == TRAWL_OK)
        rc = trawl_search(ix, q, len, o, out, err);
    Py_END_ALLOW_THREADS
    pytrawl_cancel_end(o->cancel);
    o->cancel = NULL;
    return rc;
}

/* The Python error of a failed search: KeyboardInterrupt when Ctrl-C cancelled it. */
static PyObject *search_failed(int rc, const struct trawl_error *err)
{
    if (rc == TRAWL_ECANCELLED && PyErr_CheckSignals() < 0)
        return NULL;
    return pytrawl_raise(err, NULL);
}

/* {word: suggestion} for the results' unknown words and rare known ones. */
static PyObject *suggestions(trawl_index *ix, const trawl_results *r)
{
    size_t nu = trawl_results_unknown_count(r), nk = trawl_results_known_count(r);
    PyObject *d = PyDict_New();
    struct trawl_error err;

    for (size_t i = 0; d != NULL && i < nu + nk; i++) {
        const char *w = i < nu ? trawl_results_unknown(r, i) : trawl_results_known(r, i - nu);
        char *sug = NULL;
        int rc;
        Py_BEGIN_ALLOW_THREADS
        rc = i < nu ? trawl_suggest(ix, w, &sug, &err)
                    : trawl_suggest_rare(ix, w, &sug, NULL, NULL, &err);
        Py_END_ALLOW_THREADS
        if (rc != TRAWL_OK) {
            Py_CLEAR(d);
            pytrawl_raise(&err, NULL);
        } else if (sug[0] != '\0') {
            PyObject *v = PyUnicode_DecodeUTF8(sug, (Py_ssize_t)strlen(sug), "replace");
            if (v == NULL || PyDict_SetItemString(d, w, v) < 0)
                Py_CLEAR(d);
            Py_XDECREF(v);
        }
        free(sug);
    }
    return d;
}

PyDoc_STRVAR(search_doc,
"search(query, *, k=10, offset=0, passages=False, sort='score', expand=False) -> Results\n"
"\n"
"Runs query (trawl's query syntax: words, \"phrases\", +required, -excluded, AND OR NOT,\n"
"prefix*, date:, article:, source:) and returns hits offset..offset+k, best first: one per\n"
"article with the passage that answers best, or with passages=True every passage ranked on\n"
"its own. sort: 'score', 'date' (newest first) or '-date'. expand: pseudo-relevance\n"
"feedback. A syntax error raises QueryError (a ValueError) with .column. The GIL is\n"
"released while searching; Ctrl-C stops the search with KeyboardInterrupt.");

static PyObject *index_search(PyObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"query", "k", "offset", "passages", "sort", "expand", NULL};
    IndexObject *self = (IndexObject *)o;
    PyObject *qobj, *sort = NULL, *view = NULL, *sugg = NULL;
    Py_ssize_t k = 10, offset = 0, qlen;
    int passages = 0, expand = 0, rc;
    struct trawl_search_opts so;
    struct trawl_error err;
    trawl_results *r = NULL;
    trawl_index *ix;
    ResultsObject *res = NULL;
    const char *q;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$nnpOp:search", kwlist, &qobj, &k, &offset,
                                     &passages, &sort, &expand))
        return NULL;
    if ((q = pytrawl_utf8(qobj, "query", &qlen)) == NULL)
        return NULL;
    if (search_opts(&so, k, offset, passages, sort, expand, &view) < 0)
        return NULL;
    if ((ix = take(self)) == NULL)
        goto out;
    rc = do_search(ix, q, (size_t)qlen, &so, &r, &err);
    if (rc != TRAWL_OK) {
        search_failed(rc, &err);
        goto out;
    }
    if ((sugg = suggestions(ix, r)) == NULL)
        goto out;
    res = (ResultsObject *)PyObject_CallNoArgs((PyObject *)&pytrawl_results_type);
    if (res == NULL)
        goto out;
    res->query = Py_NewRef(qobj);
    res->estimated = trawl_results_estimated(r);
    res->exact = trawl_results_exact(r) != 0;
    res->suggestions = Py_NewRef(sugg);
    for (size_t i = 0; i < trawl_results_count(r); i++) {
        PyObject *hit = make_hit(r, i, (size_t)offset + i, view);
        if (hit == NULL || PyList_Append((PyObject *)res, hit) < 0) {
            Py_XDECREF(hit);
            Py_CLEAR(res);
            break;
        }
        Py_DECREF(hit);
    }
out:
    trawl_results_free(r);
    give_back(self, ix);
    Py_XDECREF(view);
    Py_XDECREF(sugg);
    return (PyObject *)res;
}

/* ---- run: topics into a run, as trawl-search --queries --trec writes it ------------------ */

/* The inner {docid: score} of one topic. Scores are rounded to 6 decimals as the run file
 * prints them (and as --eval scores them), so that ties and MAP agree with the CLI's. */
static PyObject *run_dict(const trawl_results *r, int passages)
{
    PyObject *d = PyDict_New();
    char num[64], *docid = NULL;
    size_t cap = 0;

    for (size_t i = 0; d != NULL && i < trawl_results_count(r); i++) {
        const struct trawl_hit *h = trawl_results_hit(r, i);
        const struct trawl_passage *p = &h->passage;
        PyObject *key, *v;
        size_t n = p->article_len;
        if (n + 32 > cap) {
            char *nd = realloc(docid, n + 32);
            if (nd == NULL) {
                PyErr_NoMemory();
                Py_CLEAR(d);
                break;
            }
            docid = nd;
            cap = n + 32;
        }
        memcpy(docid, p->article, n);
        if (passages)
            n += (size_t)snprintf(docid + n, 32, "#%u", p->ordinal);
        snprintf(num, sizeof num, "%.6f", h->score);
        key = PyUnicode_DecodeUTF8(docid, (Py_ssize_t)n, "replace");
        v = key ? PyFloat_FromDouble(strtod(num, NULL)) : NULL;
        if (v == NULL || PyDict_SetItem(d, key, v) < 0)
            Py_CLEAR(d);
        Py_XDECREF(key);
        Py_XDECREF(v);
    }
    free(docid);
    return d;
}

/* A topic's text is plain words of any length for the library, but its time grows with the
 * square of the words (a 60 KB topic takes seconds, a megabyte many minutes): longer topics
 * are refused. */
#define TOPIC_MAX 65536

static int topic_size_ok(PyObject *qid, Py_ssize_t len)
{
    struct trawl_error err = {.code = TRAWL_EINPUT};

    if (len <= TOPIC_MAX)
        return 1;
    snprintf(err.msg, sizeof err.msg, "topic '%.100s' too long: %zd bytes, at most %d",
             PyUnicode_AsUTF8(qid) ? PyUnicode_AsUTF8(qid) : "?", len, TOPIC_MAX);
    PyErr_Clear();
    pytrawl_raise(&err, NULL);
    return 0;
}

PyDoc_STRVAR(run_doc,
"run(queries, *, k=1000, passages=False) -> dict[str, dict[str, float]]\n"
"\n"
"Runs evaluation topics: queries is a mapping {qid: text} or an iterable of (qid, text)\n"
"pairs. Each text is plain words (no character is syntax), run as trawl-search --queries\n"
"runs topics: k results each, one per article (docids are article ids), or with\n"
"passages=True every passage ranked (docids 'article#ordinal'), near-duplicates not folded.\n"
"Returns {qid: {docid: score}}, the shape pytrec_eval and ir_measures take; scores are\n"
"rounded to 6 decimals as the TREC run file has them, so sorting by score (ties by docid,\n"
"descending) gives the rankings of trawl-search --queries --trec. A text over 64 KiB\n"
"raises InputError.");

static PyObject *index_run(PyObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"queries", "k", "passages", NULL};
    IndexObject *self = (IndexObject *)o;
    PyObject *queries, *items = NULL, *it = NULL, *pair, *out = NULL;
    Py_ssize_t k = 1000;
    int passages = 0;
    struct trawl_search_opts so;
    trawl_index *ix = NULL;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$np:run", kwlist, &queries, &k, &passages))
        return NULL;
    if (k < 0 || k > 1000000)
        return PyErr_Format(PyExc_ValueError, "k must be between 0 and 1000000, not %zd", k);
    if (PyUnicode_Check(queries) || PyBytes_Check(queries))
        return PyErr_Format(PyExc_TypeError,
                            "queries must be a mapping or an iterable of (qid, text) pairs");
    if (PyDict_Check(queries) || PyObject_HasAttrString(queries, "items")) {
        if ((items = PyObject_CallMethod(queries, "items", NULL)) == NULL)
            return NULL;
        it = PyObject_GetIter(items);
    } else {
        it = PyObject_GetIter(queries);
    }
    if (it == NULL)
        goto out;
    trawl_search_opts_init(&so);
    so.count = (unsigned)k;
    so.per_article = passages ? 0 : 1;
    so.plain = 1;      /* topics are text: no character is syntax */
    so.duplicates = 1; /* judgements are per document: every article its own hit */
    if ((out = PyDict_New()) == NULL || (ix = take(self)) == NULL)
        goto fail;
    while ((pair = PyIter_Next(it)) != NULL) {
        PyObject *qid = NULL, *text = NULL, *inner = NULL, *seq;
        const char *t;
        Py_ssize_t tlen;
        trawl_results *r = NULL;
        struct trawl_error err;
        int rc, ok = 0;

        seq = PySequence_Fast(pair, "each query must be a (qid, text) pair");
        Py_DECREF(pair);
        if (seq == NULL)
            goto fail;
        if (PySequence_Fast_GET_SIZE(seq) != 2) {
            PyErr_SetString(PyExc_ValueError, "each query must be a (qid, text) pair");
        } else {
            qid = PySequence_Fast_GET_ITEM(seq, 0);
            text = PySequence_Fast_GET_ITEM(seq, 1);
            if (!PyUnicode_Check(qid))
                PyErr_Format(PyExc_TypeError, "qid must be str, not %.100s",
                             Py_TYPE(qid)->tp_name);
            else if ((t = pytrawl_utf8(text, "query text", &tlen)) != NULL &&
                     topic_size_ok(qid, tlen)) {
                rc = do_search(ix, t, (size_t)tlen, &so, &r, &err);
                if (rc != TRAWL_OK)
                    search_failed(rc, &err);
                else if ((inner = run_dict(r, passages)) != NULL)
                    ok = PyDict_SetItem(out, qid, inner) == 0;
                trawl_results_free(r);
                Py_XDECREF(inner);
            }
        }
        Py_DECREF(seq);
        /* Ctrl-C between two topics, too. */
        if (!ok || PyErr_CheckSignals() < 0)
            goto fail;
    }
    if (PyErr_Occurred())
        goto fail;
    goto out;
fail:
    Py_CLEAR(out);
out:
    give_back(self, ix);
    Py_XDECREF(it);
    Py_XDECREF(items);
    return out;
}

/* ---- explain, passages, stats, words ------------------------------------------------------ */

static PyObject *explanation(const struct trawl_explanation *e, double score)
{
    PyObject *terms = PyList_New((Py_ssize_t)e->n), *d;

    if (terms == NULL)
        return NULL;
    for (size_t i = 0; i < e->n; i++) {
        const struct trawl_explain_term *t = &e->terms[i];
        PyObject *td = Py_BuildValue(
            "{s:N,s:K,s:K,s:K,s:d,s:d,s:d,s:K,s:d,s:d}", "term",
            PyUnicode_DecodeUTF8(t->term, (Py_ssize_t)strlen(t->term), "replace"), "tf",
            (unsigned long long)t->tf, "title_tf", (unsigned long long)t->title_tf, "df",
            (unsigned long long)t->df, "idf", t->idf, "weight", t->weight, "art_tf", t->art_tf,
            "art_df", (unsigned long long)t->art_df, "art_idf", t->art_idf, "art_weight",
            t->art_weight);
        if (td == NULL) {
            Py_DECREF(terms);
            return NULL;
        }
        PyList_SET_ITEM(terms, (Py_ssize_t)i, td);
    }
    d = Py_BuildValue("{s:d,s:N,s:K,s:d,s:K,s:d,s:d,s:I,s:d,s:O,s:d,s:d,s:d,s:d,s:K,s:d,s:d,"
                      "s:d}",
                      "score", score, "terms", terms, "passage_len",
                      (unsigned long long)e->passage_len, "avg_len", e->avg_len, "passages",
                      (unsigned long long)e->passages, "k1", e->k1, "b", e->b,
                      "scored_passage", e->scored_ordinal, "passage_score", e->passage_score,
                      "fused", e->fused ? Py_True : Py_False, "alpha", e->alpha,
                      "article_score", e->article_score, "art_len", e->art_len, "art_avg_len",
                      e->art_avg_len, "articles", (unsigned long long)e->articles, "art_k1",
                      e->art_k1, "art_b", e->art_b, "below", e->below);
    return d;
}

PyDoc_STRVAR(explain_doc,
"explain(query, hit) -> dict\n"
"\n"
"Why hit (a trawl.Hit that query found) scored what it did: the passage part (each term's\n"
"tf, df, idf and weight; BM25's k1, b and lengths), and with article ranking the article\n"
"part and alpha. The query runs again as the hit's search ran it (hit.view). Raises\n"
"NotFoundError when the query no longer finds the hit.");

static PyObject *index_explain(PyObject *o, PyObject *args)
{
    IndexObject *self = (IndexObject *)o;
    PyObject *qobj, *hit, *view = NULL, *out = NULL, *article;
    Py_ssize_t qlen, rank;
    int passages, expand, rc;
    unsigned long ordinal;
    struct trawl_search_opts so;
    struct trawl_error err;
    struct trawl_explanation e;
    trawl_results *r = NULL;
    trawl_index *ix = NULL;
    const char *q, *want;
    size_t found = (size_t)-1;

    if (!PyArg_ParseTuple(args, "OO!:explain", &qobj, pytrawl_hit_type, &hit))
        return NULL;
    if ((q = pytrawl_utf8(qobj, "query", &qlen)) == NULL)
        return NULL;
    article = PyStructSequence_GetItem(hit, 0);
    view = PyStructSequence_GetItem(hit, 12);
    if ((want = pytrawl_utf8(article, "hit.article", NULL)) == NULL)
        return NULL;
    ordinal = PyLong_AsUnsignedLong(PyStructSequence_GetItem(hit, 5));
    rank = PyLong_AsSsize_t(PyStructSequence_GetItem(hit, 10));
    if (PyErr_Occurred())
        return NULL;
    if (!PyTuple_Check(view) || PyTuple_GET_SIZE(view) != 3) {
        PyErr_SetString(PyExc_TypeError, "hit.view must be (passages, sort, expand)");
        return NULL;
    }
    passages = PyObject_IsTrue(PyTuple_GET_ITEM(view, 0));
    expand = PyObject_IsTrue(PyTuple_GET_ITEM(view, 2));
    if (passages < 0 || expand < 0)
        return NULL;
    if (search_opts(&so, rank + 1, 0, passages, PyTuple_GET_ITEM(view, 1), expand, &view) < 0)
        return NULL;
    if ((ix = take(self)) == NULL)
        goto out;
    if ((rc = do_search(ix, q, (size_t)qlen, &so, &r, &err)) != TRAWL_OK) {
        search_failed(rc, &err);
        goto out;
    }
    /* The hit at its rank, else anywhere above it (the index may have changed since). */
    for (size_t i = trawl_results_count(r); i-- > 0;) {
        const struct trawl_passage *p = &trawl_results_hit(r, i)->passage;
        if (p->article_len == strlen(want) && memcmp(p->article, want, p->article_len) == 0 &&
            p->ordinal == ordinal && (found == (size_t)-1 || i == (size_t)rank))
            found = i;
    }
    if (found == (size_t)-1) {
        struct trawl_error nf = {.code = TRAWL_ENOTFOUND};
        snprintf(nf.msg, sizeof nf.msg, "the query does not find article '%s' passage %lu",
                 want, ordinal);
        pytrawl_raise(&nf, NULL);
        goto out;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = trawl_explain(ix, r, found, &e, &err);
    Py_END_ALLOW_THREADS
    if (rc != TRAWL_OK) {
        pytrawl_raise(&err, NULL);
        goto out;
    }
    out = explanation(&e, trawl_results_hit(r, found)->score);
    trawl_explanation_release(&e);
out:
    trawl_results_free(r);
    give_back(self, ix);
    Py_XDECREF(view);
    return out;
}

static PyObject *make_passage(const struct trawl_passage *p)
{
    PyObject *seq = PyStructSequence_New(pytrawl_passage_type);

    if (seq == NULL)
        return NULL;
    if (set_field(seq, 0, pytrawl_str(p->article, p->article_len, 0)) ||
        set_field(seq, 1, PyLong_FromUnsignedLong(p->ordinal)) ||
        set_field(seq, 2, pytrawl_str(p->title, p->title_len, 0)) ||
        set_field(seq, 3, pytrawl_str(p->date, p->date_len, 1)) ||
        set_field(seq, 4, pytrawl_str(p->url, p->url_len, 1)) ||
        set_field(seq, 5, pytrawl_str(p->source, p->source_len, 1)) ||
        set_field(seq, 6, PyLong_FromUnsignedLongLong(p->start)) ||
        set_field(seq, 7, PyLong_FromUnsignedLongLong(p->end)) ||
        set_field(seq, 8, pytrawl_str(p->text, p->text_len, 0))) {
        Py_DECREF(seq);
        return NULL;
    }
    return seq;
}

/* trawl_each_passage's callback, GIL held: appends to the list; non-zero stops on error. */
static int add_passage(void *ctx, const struct trawl_passage *p)
{
    PyObject *seq = make_passage(p);
    int rc = seq == NULL || PyList_Append(ctx, seq) < 0;

    Py_XDECREF(seq);
    return rc;
}

PyDoc_STRVAR(passages_doc,
"passages(article_id) -> list[Passage]\n"
"\n"
"Every passage of the article, in order. NotFoundError when the index has no such article.");

static PyObject *index_passages(PyObject *o, PyObject *arg)
{
    IndexObject *self = (IndexObject *)o;
    struct trawl_error err;
    PyObject *list;
    trawl_index *ix;
    const char *id;
    int rc;

    if ((id = pytrawl_utf8(arg, "article_id", NULL)) == NULL)
        return NULL;
    if ((list = PyList_New(0)) == NULL)
        return NULL;
    if ((ix = take(self)) == NULL) {
        Py_DECREF(list);
        return NULL;
    }
    /* With the GIL: the callback makes Python objects, and an article's passages are few. */
    rc = trawl_each_passage(ix, id, add_passage, list, &err);
    give_back(self, ix);
    if (PyErr_Occurred() || rc != TRAWL_OK) {
        Py_DECREF(list);
        return PyErr_Occurred() ? NULL : pytrawl_raise(&err, NULL);
    }
    return list;
}

PyDoc_STRVAR(stats_doc,
"stats() -> dict\n"
"\n"
"The index's statistics: articles, passages, terms (distinct), avg_passage_len (in terms),\n"
"disk_bytes, revision, updated (seconds since the epoch, 0 if unknown), schema, analyzer,\n"
"lang, art_state (1: the article index is current, 0: behind, -1: none), art_articles,\n"
"avg_article_len, imp_state (1: the impact files match the index, 0: missing or behind,\n"
"searches slower until trawl-index runs, -1: none, sharded or remote), imp_bytes.");

static PyObject *index_stats(PyObject *o, PyObject *unused)
{
    IndexObject *self = (IndexObject *)o;
    struct trawl_stats st;
    struct trawl_error err;
    trawl_index *ix;
    int rc;

    (void)unused;
    if ((ix = take(self)) == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = trawl_stats(ix, &st, &err);
    Py_END_ALLOW_THREADS
    give_back(self, ix);
    if (rc != TRAWL_OK)
        return pytrawl_raise(&err, NULL);
    return Py_BuildValue("{s:K,s:K,s:K,s:d,s:K,s:K,s:L,s:i,s:i,s:s,s:i,s:K,s:d,s:i,s:K}",
                         "articles",
                         (unsigned long long)st.articles, "passages",
                         (unsigned long long)st.passages, "terms", (unsigned long long)st.terms,
                         "avg_passage_len", st.avg_passage_len, "disk_bytes",
                         (unsigned long long)st.disk_bytes, "revision",
                         (unsigned long long)st.revision, "updated", (long long)st.updated,
                         "schema", st.schema, "analyzer", st.analyzer, "lang", st.lang,
                         "art_state", st.art_state, "art_articles",
                         (unsigned long long)st.art_articles, "avg_article_len",
                         st.avg_article_len, "imp_state", st.imp_state, "imp_bytes",
                         (unsigned long long)st.imp_bytes);
}

/* trawl_words's callback: (word, term) pairs into a list. */
static int add_word(void *ctx, const char *word, size_t wlen, const char *term, size_t tlen)
{
    PyObject *t = Py_BuildValue("(NN)", pytrawl_str(word, wlen, 0), pytrawl_str(term, tlen, 0));
    int rc = t == NULL || PyList_Append(ctx, t) < 0;

    Py_XDECREF(t);
    return rc;
}

static PyObject *analyze_list(IndexObject *self, const char *text, Py_ssize_t len)
{
    struct trawl_error err;
    PyObject *list = PyList_New(0);
    trawl_index *ix;
    int rc;

    if (list == NULL)
        return NULL;
    if ((ix = take(self)) == NULL) {
        Py_DECREF(list);
        return NULL;
    }
    rc = trawl_words(ix, text, (size_t)len, add_word, list, &err);
    give_back(self, ix);
    if (PyErr_Occurred() || rc != TRAWL_OK) {
        Py_DECREF(list);
        return PyErr_Occurred() ? NULL : pytrawl_raise(&err, NULL);
    }
    return list;
}

PyDoc_STRVAR(analyze_doc,
"analyze(text) -> list[tuple[str, str]]\n"
"\n"
"The words of text as the index analyses them: (case-folded word, index term) pairs, e.g.\n"
"('likes', 'like').");

static PyObject *index_analyze(PyObject *o, PyObject *arg)
{
    Py_ssize_t len;
    const char *text = pytrawl_utf8(arg, "text", &len);

    return text ? analyze_list((IndexObject *)o, text, len) : NULL;
}

/* trawl_complete's callback: (word, freq) pairs into a list. */
static int add_completion(void *ctx, const char *word, size_t len, uint64_t freq)
{
    PyObject *t = Py_BuildValue("(NK)", pytrawl_str(word, len, 0), (unsigned long long)freq);
    int rc = t == NULL || PyList_Append(ctx, t) < 0;

    Py_XDECREF(t);
    return rc;
}

PyDoc_STRVAR(words_doc,
"words(prefix) -> list[tuple[str, int]]\n"
"\n"
"The index's words (its spelling table: case-folded words of 3 to 32 bytes, no numbers)\n"
"that start with prefix, in byte order, each with how often it occurs. The prefix is\n"
"case-folded as the index folds words.");

static PyObject *index_words(PyObject *o, PyObject *arg)
{
    IndexObject *self = (IndexObject *)o;
    struct trawl_error err;
    PyObject *list, *folded = NULL;
    trawl_index *ix;
    Py_ssize_t len;
    const char *prefix = pytrawl_utf8(arg, "prefix", &len);
    int rc;

    if (prefix == NULL)
        return NULL;
    /* Folded as the index folds: the prefix's one word, when it is one word. */
    if (len > 0) {
        PyObject *w = analyze_list(self, prefix, len);
        if (w == NULL)
            return NULL;
        if (PyList_GET_SIZE(w) == 1) {
            folded = Py_NewRef(PyTuple_GET_ITEM(PyList_GET_ITEM(w, 0), 0));
            prefix = PyUnicode_AsUTF8AndSize(folded, &len);
        }
        Py_DECREF(w);
        if (prefix == NULL) {
            Py_XDECREF(folded);
            return NULL;
        }
    }
    list = PyList_New(0);
    ix = list ? take(self) : NULL;
    if (ix == NULL) {
        Py_XDECREF(list);
        Py_XDECREF(folded);
        return NULL;
    }
    rc = trawl_complete(ix, prefix, (size_t)len, add_completion, list, &err);
    give_back(self, ix);
    Py_XDECREF(folded);
    if (PyErr_Occurred() || rc != TRAWL_OK) {
        Py_DECREF(list);
        return PyErr_Occurred() ? NULL : pytrawl_raise(&err, NULL);
    }
    return list;
}

/* ---- The type ------------------------------------------------------------------------------- */

static PyObject *index_get_path(PyObject *o, void *unused)
{
    (void)unused;
    return PyUnicode_FromString(((IndexObject *)o)->path ? ((IndexObject *)o)->path : "");
}

static PyObject *index_get_closed(PyObject *o, void *unused)
{
    (void)unused;
    return PyBool_FromLong(((IndexObject *)o)->closed);
}

static PyGetSetDef index_getset[] = {
    {"path", index_get_path, NULL, "the index's path", NULL},
    {"closed", index_get_closed, NULL, "True once close() ran", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef index_members[] = {
    {"lang", T_OBJECT, offsetof(IndexObject, lang), READONLY, "the index's stemmer language"},
    {"warning", T_OBJECT, offsetof(IndexObject, warning), READONLY,
     "why results may be partial (shards down), or None"},
    {NULL, 0, 0, 0, NULL},
};

static PyMethodDef index_methods[] = {
    {"search", (PyCFunction)(void (*)(void))index_search, METH_VARARGS | METH_KEYWORDS,
     search_doc},
    {"run", (PyCFunction)(void (*)(void))index_run, METH_VARARGS | METH_KEYWORDS, run_doc},
    {"explain", index_explain, METH_VARARGS, explain_doc},
    {"passages", index_passages, METH_O, passages_doc},
    {"stats", index_stats, METH_NOARGS, stats_doc},
    {"words", index_words, METH_O, words_doc},
    {"analyze", index_analyze, METH_O, analyze_doc},
    {"reopen", index_reopen, METH_NOARGS,
     "reopen()\n\nSee what writers have committed since the index was opened (or reopened)."},
    {"close", index_close, METH_NOARGS,
     "close()\n\nCloses the index (searches running in other threads finish first)."},
    {"__enter__", index_enter, METH_NOARGS, NULL},
    {"__exit__", index_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyTypeObject pytrawl_index_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "trawl.Index",
    .tp_basicsize = sizeof(IndexObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Index(path, *, allow_partial=False): a trawl index opened for searching (as\n"
              "trawl.open). A context manager; close() closes it. Its methods may be called\n"
              "from several threads at once.",
    .tp_new = PyType_GenericNew,
    .tp_init = index_init,
    .tp_dealloc = index_dealloc,
    .tp_repr = index_repr,
    .tp_methods = index_methods,
    .tp_members = index_members,
    .tp_getset = index_getset,
};
