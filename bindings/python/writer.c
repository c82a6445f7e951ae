/* writer: trawl.Writer, the writing side: put, remove, commit, over trawl_writer.
 *
 * A trawl_writer is finished once (trawl_writer_finish): commit() finishes it, closes it and
 * opens a new one on the same index, so a Writer can go on after a commit. Calls release the
 * GIL (a put can wait for room in the writer's queue, a commit for the whole batch); a lock of
 * the Writer's own keeps two threads from using the one handle at once.
 *
 * Ctrl-C: the C writer holds a cancel flag of the Writer's own (trawl_writer_opts.cancel is
 * fixed at trawl_writer_open), which SIGINT raises only while the main thread is in one of
 * these calls (pytrawl_cancel_link): its threads then stop between articles and commit
 * nothing more. A cancelled Writer is closed, dropping what was not committed; the index
 * keeps its last commit. */
#include "bindings/python/pytrawl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    PyObject_HEAD
    trawl_writer *w;
    trawl_article *art; /* reused: trawl_writer_put empties it */
    char *path, *lang;
    unsigned jobs;
    size_t batch;
    PyThread_type_lock lock;
    volatile sig_atomic_t cancel; /* the C writer's cancel flag (pytrawl_cancel_link) */
} WriterObject;

/* Opens and starts the writer (GIL held; released meanwhile). */
static int writer_start(WriterObject *self)
{
    struct trawl_writer_opts o;
    struct trawl_error err;
    trawl_writer *w = NULL;
    int rc;

    memset(&o, 0, sizeof o);
    o.lang = self->lang;
    o.jobs = self->jobs;
    o.batch = self->batch;
    o.cancel = &self->cancel;
    self->cancel = 0;
    Py_BEGIN_ALLOW_THREADS
    rc = trawl_writer_open(self->path, &o, &w, &err);
    if (rc == TRAWL_OK && (rc = trawl_writer_start(w, &err)) != TRAWL_OK) {
        trawl_writer_close(w);
        w = NULL;
    }
    Py_END_ALLOW_THREADS
    if (rc != TRAWL_OK) {
        pytrawl_raise(&err, NULL);
        return -1;
    }
    self->w = w;
    return 0;
}

/* The writer's lock, taken without the GIL when another thread holds it; 0 or -1 (closed). */
static int enter(WriterObject *self)
{
    if (!PyThread_acquire_lock(self->lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(self->lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
    if (self->w == NULL) {
        PyThread_release_lock(self->lock);
        PyErr_SetString(PyExc_ValueError, "operation on a closed trawl.Writer");
        return -1;
    }
    return 0;
}

static void leave(WriterObject *self)
{
    PyThread_release_lock(self->lock);
}

/* A call of the C writer cancelled by Ctrl-C (lock held): closes it, dropping what was not
 * committed, and leaves KeyboardInterrupt set (CancelledError if Python has no pending signal,
 * say a handler of the caller's that does not raise). Returns -1. */
static int cancelled(WriterObject *self, struct trawl_error *err)
{
    if (self->w != NULL) {
        Py_BEGIN_ALLOW_THREADS
        trawl_writer_close(self->w);
        Py_END_ALLOW_THREADS
        self->w = NULL;
    }
    if (PyErr_CheckSignals() == 0)
        pytrawl_raise(err, NULL);
    return -1;
}

/* The end of a call that ran with pytrawl_cancel_link: a Ctrl-C during it counts even when the
 * call was over before the writer's threads saw the flag (they may see it later). */
static int check_cancelled(WriterObject *self, volatile sig_atomic_t *flag, int rc,
                           struct trawl_error *err)
{
    pytrawl_cancel_end(flag);
    if (rc == TRAWL_OK && self->cancel) {
        rc = err->code = TRAWL_ECANCELLED;
        err->column = 0;
        snprintf(err->msg, sizeof err->msg, "writing cancelled");
    }
    return rc == TRAWL_ECANCELLED ? cancelled(self, err) : 0;
}

static int writer_init(PyObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"path", "lang", "jobs", "batch", NULL};
    WriterObject *self = (WriterObject *)o;
    PyObject *path_obj, *lang_obj = NULL;
    Py_ssize_t jobs = 0, batch = 0;
    const char *lang = "english";

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O$nn:Writer", kwlist, &path_obj, &lang_obj,
                                     &jobs, &batch))
        return -1;
    if (self->lock != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "trawl.Writer is initialised already");
        return -1;
    }
    if (jobs < 0 || jobs > 256)
        return PyErr_Format(PyExc_ValueError, "jobs must be between 0 and 256, not %zd", jobs),
               -1;
    if (batch < 0)
        return PyErr_Format(PyExc_ValueError, "batch must not be negative, not %zd", batch), -1;
    if (lang_obj != NULL && (lang = pytrawl_utf8(lang_obj, "lang", NULL)) == NULL)
        return -1;
    if (!trawl_language_known(lang)) {
        PyErr_Format(PyExc_ValueError, "unknown language '%s' (see trawl.languages())", lang);
        return -1;
    }
    if ((self->path = pytrawl_path(path_obj)) == NULL)
        return -1;
    if ((self->lang = strdup(lang)) == NULL ||
        (self->art = trawl_article_new()) == NULL || (self->lock = PyThread_allocate_lock()) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n < 1 ? 1 : n > 8 ? 8 : n;
    }
    self->jobs = (unsigned)jobs;
    self->batch = (size_t)batch;
    return writer_start(self);
}

static void writer_dealloc(PyObject *o)
{
    WriterObject *self = (WriterObject *)o;

    /* Not committed: dropped, as on an exception. */
    if (self->w != NULL) {
        Py_BEGIN_ALLOW_THREADS
        trawl_writer_close(self->w);
        Py_END_ALLOW_THREADS
    }
    trawl_article_free(self->art);
    if (self->lock != NULL)
        PyThread_free_lock(self->lock);
    free(self->path);
    free(self->lang);
    Py_TYPE(o)->tp_free(o);
}

/* A date argument: None, a str 'YYYY-MM-DD', or a datetime.date (anything with isoformat()).
 * *owned gets a reference to drop, if one was made. */
static const char *date_arg(PyObject *d, PyObject **owned, int *ok)
{
    *owned = NULL;
    *ok = 1;
    if (d == NULL || d == Py_None)
        return NULL;
    if (!PyUnicode_Check(d) && PyObject_HasAttrString(d, "isoformat")) {
        if ((*owned = PyObject_CallMethod(d, "isoformat", NULL)) == NULL) {
            *ok = 0;
            return NULL;
        }
        d = *owned;
    }
    return pytrawl_utf8_or_none(d, "date", ok);
}

PyDoc_STRVAR(put_doc,
"put(id, text, *, title=None, date=None, url=None, source=None)\n"
"\n"
"Queues an article (replacing the one of the same id): id and text are str; title defaults to\n"
"the text's first sentence; date is 'YYYY-MM-DD' or a datetime.date. It is analysed on the\n"
"writer's threads and written at the next commit (or batch). InputError (a ValueError) for an\n"
"empty id or a malformed date. Ctrl-C while it waits for room in the queue raises\n"
"KeyboardInterrupt and closes the writer, as in commit().");

static PyObject *writer_put(PyObject *o, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"id", "text", "title", "date", "url", "source", NULL};
    WriterObject *self = (WriterObject *)o;
    PyObject *id_obj, *text_obj, *title_obj = NULL, *date_obj = NULL, *url_obj = NULL,
             *source_obj = NULL, *date_owned = NULL;
    const char *id, *text, *title, *date, *url, *source;
    Py_ssize_t text_len;
    struct trawl_record rec;
    struct trawl_error err;
    volatile sig_atomic_t *flag;
    int ok1, ok2, ok3, ok4, rc;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|$OOOO:put", kwlist, &id_obj, &text_obj,
                                     &title_obj, &date_obj, &url_obj, &source_obj))
        return NULL;
    if ((id = pytrawl_utf8(id_obj, "id", NULL)) == NULL ||
        (text = pytrawl_utf8(text_obj, "text", &text_len)) == NULL)
        return NULL;
    title = pytrawl_utf8_or_none(title_obj, "title", &ok1);
    date = ok1 ? date_arg(date_obj, &date_owned, &ok2) : NULL;
    url = ok1 && ok2 ? pytrawl_utf8_or_none(url_obj, "url", &ok3) : NULL;
    source = ok1 && ok2 && ok3 ? pytrawl_utf8_or_none(source_obj, "source", &ok4) : NULL;
    if (!ok1 || !ok2 || !ok3 || !ok4) {
        Py_XDECREF(date_owned);
        return NULL;
    }
    if (enter(self) < 0) {
        Py_XDECREF(date_owned);
        return NULL;
    }
    rc = trawl_article_from_fields(self->art, id, text, (size_t)text_len, title, date, url,
                                   source, &err);
    if (rc == TRAWL_OK && (trawl_article_warnings(self->art) & TRAWL_WARN_BAD_DATE)) {
        rc = err.code = TRAWL_EINPUT;
        err.column = 0;
        snprintf(err.msg, sizeof err.msg, "article '%s': date '%s' is not YYYY-MM-DD", id, date);
    }
    Py_XDECREF(date_owned);
    if (rc == TRAWL_OK) {
        memset(&rec, 0, sizeof rec);
        rec.source = ""; /* not from a file: an indexer run never takes it for one gone */
        rec.hash = trawl_article_hash(self->art);
        rec.size = (uint64_t)text_len;
        flag = pytrawl_cancel_link(&self->cancel);
        Py_BEGIN_ALLOW_THREADS
        rc = trawl_writer_put(self->w, self->art, &rec, 0, &err);
        Py_END_ALLOW_THREADS
        if (check_cancelled(self, flag, rc, &err) < 0) {
            leave(self);
            return NULL;
        }
    }
    leave(self);
    if (rc != TRAWL_OK)
        return pytrawl_raise(&err, NULL);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(remove_doc,
"remove(id)\n\nQueues the removal of the article id (nothing happens if the index lacks it).");

static PyObject *writer_remove(PyObject *o, PyObject *arg)
{
    WriterObject *self = (WriterObject *)o;
    struct trawl_error err;
    char key[TRAWL_KEY_MAX];
    Py_ssize_t len;
    const char *id = pytrawl_utf8(arg, "id", &len);
    volatile sig_atomic_t *flag;
    int rc;

    if (id == NULL)
        return NULL;
    if (len == 0) {
        PyErr_SetString(PyExc_ValueError, "id must not be empty");
        return NULL;
    }
    trawl_article_key(id, (size_t)len, key);
    if (enter(self) < 0)
        return NULL;
    flag = pytrawl_cancel_link(&self->cancel);
    Py_BEGIN_ALLOW_THREADS
    rc = trawl_writer_remove(self->w, key, &err);
    Py_END_ALLOW_THREADS
    if (check_cancelled(self, flag, rc, &err) < 0) {
        leave(self);
        return NULL;
    }
    leave(self);
    if (rc != TRAWL_OK)
        return pytrawl_raise(&err, NULL);
    Py_RETURN_NONE;
}

/* Finishes the writer (lock held): the counts, or NULL with the error; the writer is closed
 * either way, and started again when again is set and the commit worked. Ctrl-C stops it
 * (KeyboardInterrupt): nothing more is committed. */
static PyObject *finish(WriterObject *self, int again)
{
    struct trawl_write_counts c;
    struct trawl_error err;
    volatile sig_atomic_t *flag = pytrawl_cancel_link(&self->cancel);
    int rc;

    Py_BEGIN_ALLOW_THREADS
    rc = trawl_writer_finish(self->w, &c, &err);
    trawl_writer_close(self->w);
    Py_END_ALLOW_THREADS
    self->w = NULL;
    pytrawl_cancel_end(flag);
    /* A Ctrl-C once the commit was done is raised by Python as usual, after it. */
    if (rc == TRAWL_ECANCELLED) {
        cancelled(self, &err);
        return NULL;
    }
    if (rc != TRAWL_OK)
        return pytrawl_raise(&err, self->path);
    if (again && writer_start(self) < 0)
        return NULL;
    return Py_BuildValue("{s:K,s:K,s:K,s:K}", "put", (unsigned long long)c.put, "removed",
                         (unsigned long long)c.removed, "passages",
                         (unsigned long long)c.passages, "bytes", (unsigned long long)c.bytes);
}

PyDoc_STRVAR(commit_doc,
"commit() -> dict\n"
"\n"
"Writes what is queued and commits it (a first build: switches the index to it). Returns\n"
"the counts: put, removed, passages, bytes. The writer keeps its lock and goes on. A\n"
"commit is all or nothing: Ctrl-C during one stops it with KeyboardInterrupt, dropping\n"
"what was not committed (batches committed before stay) and closing the writer.");

static PyObject *writer_commit(PyObject *o, PyObject *unused)
{
    WriterObject *self = (WriterObject *)o;
    PyObject *r;

    (void)unused;
    if (enter(self) < 0)
        return NULL;
    r = finish(self, 1);
    leave(self);
    return r;
}

PyDoc_STRVAR(close_doc,
"close()\n"
"\n"
"Drops what is not committed yet and releases the index's lock. The index keeps its last\n"
"commit. Closing a closed writer does nothing.");

static PyObject *writer_close(PyObject *o, PyObject *unused)
{
    WriterObject *self = (WriterObject *)o;

    (void)unused;
    if (self->lock == NULL || self->w == NULL)
        Py_RETURN_NONE;
    if (enter(self) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    trawl_writer_close(self->w);
    Py_END_ALLOW_THREADS
    self->w = NULL;
    leave(self);
    Py_RETURN_NONE;
}

static PyObject *writer_enter(PyObject *o, PyObject *unused)
{
    (void)unused;
    if (((WriterObject *)o)->w == NULL) {
        PyErr_SetString(PyExc_ValueError, "operation on a closed trawl.Writer");
        return NULL;
    }
    return Py_NewRef(o);
}

/* The block ended: commit when it ended normally, drop the batch on an exception. */
static PyObject *writer_exit(PyObject *o, PyObject *args)
{
    WriterObject *self = (WriterObject *)o;
    PyObject *type, *value, *tb, *r;

    if (!PyArg_ParseTuple(args, "OOO:__exit__", &type, &value, &tb))
        return NULL;
    if (type != Py_None || self->w == NULL) {
        if ((r = writer_close(o, NULL)) == NULL)
            return NULL;
        Py_DECREF(r);
        Py_RETURN_FALSE;
    }
    if (enter(self) < 0)
        return NULL;
    r = finish(self, 0);
    leave(self);
    if (r == NULL)
        return NULL;
    Py_DECREF(r);
    Py_RETURN_FALSE;
}

static PyObject *writer_counts(PyObject *o, void *unused)
{
    WriterObject *self = (WriterObject *)o;
    struct trawl_write_counts c = {0, 0, 0, 0};

    (void)unused;
    if (self->w != NULL)
        trawl_writer_counts(self->w, &c);
    return Py_BuildValue("{s:K,s:K,s:K,s:K}", "put", (unsigned long long)c.put, "removed",
                         (unsigned long long)c.removed, "passages",
                         (unsigned long long)c.passages, "bytes", (unsigned long long)c.bytes);
}

static PyObject *writer_get_closed(PyObject *o, void *unused)
{
    (void)unused;
    return PyBool_FromLong(((WriterObject *)o)->w == NULL);
}

static PyObject *writer_get_path(PyObject *o, void *unused)
{
    (void)unused;
    return PyUnicode_FromString(((WriterObject *)o)->path ? ((WriterObject *)o)->path : "");
}

static PyGetSetDef writer_getset[] = {
    {"counts", writer_counts, NULL,
     "progress since the last commit: {put, removed, passages, bytes}", NULL},
    {"closed", writer_get_closed, NULL, "True once closed (or after the with block)", NULL},
    {"path", writer_get_path, NULL, "the index's path", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef writer_methods[] = {
    {"put", (PyCFunction)(void (*)(void))writer_put, METH_VARARGS | METH_KEYWORDS, put_doc},
    {"remove", writer_remove, METH_O, remove_doc},
    {"commit", writer_commit, METH_NOARGS, commit_doc},
    {"close", writer_close, METH_NOARGS, close_doc},
    {"__enter__", writer_enter, METH_NOARGS, NULL},
    {"__exit__", writer_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyTypeObject pytrawl_writer_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "trawl.Writer",
    .tp_basicsize = sizeof(WriterObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Writer(path, lang='english', *, jobs=0, batch=0): writes to the index at path\n"
              "(created if needed), holding its write lock: a second writer, here or in\n"
              "trawl-index, gets IndexLockedError. lang: the stemmer of a new index (an\n"
              "existing index of another language: InputError). jobs: analysis threads (0:\n"
              "the CPUs, at most 8). batch: articles per automatic commit (0: 5000).\n"
              "As a context manager it commits when the block ends normally and drops the\n"
              "uncommitted articles on an exception (the index keeps its last commit).",
    .tp_new = PyType_GenericNew,
    .tp_init = writer_init,
    .tp_dealloc = writer_dealloc,
    .tp_methods = writer_methods,
    .tp_getset = writer_getset,
};
