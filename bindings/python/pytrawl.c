/* pytrawl: what the module's files share (pytrawl.h): the exception classes and the mapping of
 * trawl statuses onto them, the strings going in and out, and Ctrl-C. */
#include "bindings/python/pytrawl.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Errors ------------------------------------------------------------------------------ */

static PyObject *error_base;
static PyObject *error_by_status[TRAWL_ECANCELLED + 1];
static PyObject *query_error;   /* TRAWL_EINPUT with a column */
static PyObject *missing_error; /* TRAWL_EINDEX where nothing is at the path */

static PyObject *new_error(PyObject *module, const char *name, PyObject *bases, const char *doc)
{
    char qual[64];
    PyObject *cls;

    snprintf(qual, sizeof qual, "trawl.%s", name);
    cls = PyErr_NewExceptionWithDoc(qual, doc, bases, NULL);
    if (cls == NULL)
        return NULL;
    if (PyModule_AddObjectRef(module, name, cls) < 0) {
        Py_DECREF(cls);
        return NULL;
    }
    return cls; /* one reference, kept by the module's statics for the process's life */
}

/* Error(Exception) and one subclass per status, some also under the builtin a Python caller
 * would catch (ValueError for bad input, MemoryError, LookupError). */
int pytrawl_errors_init(PyObject *module)
{
    static const struct {
        const char *name;
        int status;
        PyObject **extra; /* a second base, or NULL */
        const char *doc;
    } classes[] = {
        {"NoMemoryError", TRAWL_ENOMEM, &PyExc_MemoryError, "trawl ran out of memory."},
        {"FileSystemError", TRAWL_EIO, NULL,
         "The file system refused an operation; the message ends with the system's reason."},
        {"InputError", TRAWL_EINPUT, &PyExc_ValueError,
         "The caller's input is wrong (an option, an article, a query): fix it and retry."},
        {"IndexDamagedError", TRAWL_EINDEX, NULL,
         "The index is damaged, is not a trawl index, or is of another schema version\n"
         "(the message says what to do, e.g. rebuild it with trawl-index --rebuild)."},
        {"IndexLockedError", TRAWL_ELOCKED, NULL,
         "Another writer (a trawl.Writer or trawl-index) holds the index's write lock."},
        {"RetryError", TRAWL_ERETRY, NULL,
         "The index changed under the reader too often: Index.reopen(), then try again."},
        {"NotFoundError", TRAWL_ENOTFOUND, &PyExc_LookupError,
         "The thing asked for (an article, a hit) is not in the index."},
        {"InternalError", TRAWL_EINTERNAL, NULL, "A bug in trawl or a library it uses."},
        {"CancelledError", TRAWL_ECANCELLED, NULL,
         "The call was cancelled (Ctrl-C raises KeyboardInterrupt instead)."},
    };

    error_base = new_error(module, "Error", PyExc_Exception,
                           "Base class of every trawl error. Attributes: status (the C\n"
                           "library's enum trawl_status, an int), status_name, column (a query\n"
                           "syntax error's 1-based column in characters, else 0).");
    if (error_base == NULL)
        return -1;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        PyObject *bases = classes[i].extra
                              ? PyTuple_Pack(2, error_base, *classes[i].extra)
                              : PyTuple_Pack(1, error_base);
        if (bases == NULL)
            return -1;
        error_by_status[classes[i].status] =
            new_error(module, classes[i].name, bases, classes[i].doc);
        Py_DECREF(bases);
        if (error_by_status[classes[i].status] == NULL)
            return -1;
    }
    query_error = new_error(module, "QueryError", error_by_status[TRAWL_EINPUT],
                            "A query syntax error; .column is the 1-based column (in\n"
                            "characters) of the offending character.");
    missing_error = new_error(module, "IndexMissingError", error_base,
                              "There is no index at the path given.");
    return query_error && missing_error ? 0 : -1;
}

PyObject *pytrawl_raise(const struct trawl_error *err, const char *path)
{
    PyObject *cls, *exc, *v;
    int code = err->code;
    struct stat st;

    if (code <= TRAWL_OK || code > TRAWL_ECANCELLED || error_by_status[code] == NULL)
        code = TRAWL_EINTERNAL;
    cls = error_by_status[code];
    if (code == TRAWL_EINPUT && err->column > 0)
        cls = query_error;
    else if (code == TRAWL_EINDEX && path != NULL && stat(path, &st) != 0 && errno == ENOENT)
        cls = missing_error;
    exc = PyObject_CallFunction(cls, "s", err->msg);
    if (exc == NULL)
        return NULL;
    if ((v = PyLong_FromLong(code)) == NULL || PyObject_SetAttrString(exc, "status", v) < 0)
        goto fail;
    Py_DECREF(v);
    if ((v = PyUnicode_FromString(trawl_status_name(code))) == NULL ||
        PyObject_SetAttrString(exc, "status_name", v) < 0)
        goto fail;
    Py_DECREF(v);
    if ((v = PyLong_FromSize_t(err->column)) == NULL ||
        PyObject_SetAttrString(exc, "column", v) < 0)
        goto fail;
    Py_DECREF(v);
    PyErr_SetObject(cls, exc);
    Py_DECREF(exc);
    return NULL;
fail:
    Py_XDECREF(v);
    Py_DECREF(exc);
    return NULL;
}

/* ---- Strings ------------------------------------------------------------------------------ */

const char *pytrawl_utf8(PyObject *obj, const char *what, Py_ssize_t *len)
{
    const char *s;
    Py_ssize_t n;

    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be str, not %.100s", what, Py_TYPE(obj)->tp_name);
        return NULL;
    }
    if ((s = PyUnicode_AsUTF8AndSize(obj, &n)) == NULL)
        return NULL; /* lone surrogates: UnicodeEncodeError, a ValueError */
    if (strlen(s) != (size_t)n) {
        PyErr_Format(PyExc_ValueError, "%s must not contain a NUL character", what);
        return NULL;
    }
    if (len != NULL)
        *len = n;
    return s;
}

const char *pytrawl_utf8_or_none(PyObject *obj, const char *what, int *ok)
{
    const char *s;

    *ok = 1;
    if (obj == NULL || obj == Py_None)
        return NULL;
    if ((s = pytrawl_utf8(obj, what, NULL)) == NULL)
        *ok = 0;
    return s;
}

char *pytrawl_path(PyObject *obj)
{
    PyObject *fs = NULL;
    const char *s;
    char *copy = NULL;

    if (!PyUnicode_Check(obj) && PyObject_HasAttrString(obj, "__fspath__")) {
        if ((fs = PyOS_FSPath(obj)) == NULL)
            return NULL;
        obj = fs;
    }
    if ((s = pytrawl_utf8(obj, "path", NULL)) != NULL && (copy = strdup(s)) == NULL)
        PyErr_NoMemory();
    Py_XDECREF(fs);
    return copy;
}

PyObject *pytrawl_str(const char *s, size_t len, int empty_none)
{
    if (len == 0 && empty_none)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "replace");
}

/* ---- Ctrl-C -------------------------------------------------------------------------------
 * Python's own SIGINT handler only notes the signal for the main thread to act on once it
 * holds the GIL again, which a search that released it would not do until it ends. While a
 * call runs without the GIL, a handler of ours also raises trawl's cancel flag, and then calls
 * Python's, so the KeyboardInterrupt follows as usual. */

static volatile sig_atomic_t cancel_flag;
static int cancel_depth;
static int cancel_installed;
static struct sigaction cancel_old;
static unsigned long main_thread; /* set by pytrawl_cancel_init */
static volatile sig_atomic_t *volatile cancel_linked; /* a writer's own flag, raised too */

static void on_sigint(int sig)
{
    volatile sig_atomic_t *linked = cancel_linked;

    cancel_flag = 1;
    if (linked != NULL)
        *linked = 1;
    if (cancel_old.sa_handler != SIG_DFL && cancel_old.sa_handler != SIG_IGN)
        cancel_old.sa_handler(sig);
}

volatile sig_atomic_t *pytrawl_cancel_begin(void)
{
    struct sigaction cur, sa;

    if (PyThread_get_thread_ident() != main_thread)
        return NULL;
    if (cancel_depth++ > 0)
        return &cancel_flag;
    cancel_flag = 0;
    cancel_installed = 0;
    /* Only over a plain handler (Python's default_int_handler or the caller's own): with
     * SIG_DFL Ctrl-C ends the process anyway, with SIG_IGN it is meant to do nothing. */
    if (sigaction(SIGINT, NULL, &cur) == 0 && !(cur.sa_flags & SA_SIGINFO) &&
        cur.sa_handler != SIG_DFL && cur.sa_handler != SIG_IGN) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;
        sa.sa_flags = cur.sa_flags;
        sigemptyset(&sa.sa_mask);
        cancel_old = cur;
        if (sigaction(SIGINT, &sa, NULL) == 0)
            cancel_installed = 1;
    }
    return &cancel_flag;
}

volatile sig_atomic_t *pytrawl_cancel_link(volatile sig_atomic_t *own)
{
    /* Linked before our handler goes in, so that no Ctrl-C in between is missed. */
    if (PyThread_get_thread_ident() == main_thread && cancel_depth == 0)
        cancel_linked = own;
    return pytrawl_cancel_begin();
}

void pytrawl_cancel_end(volatile sig_atomic_t *flag)
{
    if (flag == NULL)
        return;
    if (--cancel_depth == 0) {
        cancel_linked = NULL;
        if (cancel_installed) {
            sigaction(SIGINT, &cancel_old, NULL);
            cancel_installed = 0;
        }
    }
}

void pytrawl_cancel_init(unsigned long main_ident)
{
    main_thread = main_ident;
}
