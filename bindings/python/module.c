/* module: the `trawl` extension module itself: its functions, types and init (what its files
 * share is in pytrawl.c). */
#include "bindings/python/pytrawl.h"

/* ---- Module functions ---------------------------------------------------------------------- */

PyDoc_STRVAR(open_doc,
"open(path, *, allow_partial=False) -> Index\n"
"\n"
"Opens the trawl index at path for searching. Raises IndexMissingError when there is no\n"
"index there, IndexDamagedError when it cannot be read. allow_partial: a sharded index with\n"
"shards down opens the others (Index.warning says which are missing).");

static PyObject *trawl_open_fn(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    return PyObject_Call((PyObject *)&pytrawl_index_type, args, kw);
}

PyDoc_STRVAR(languages_doc,
"languages() -> list[str]\n\nThe stemmer languages a Writer accepts (\"none\": no stemming).");

static PyObject *trawl_languages_fn(PyObject *self, PyObject *unused)
{
    const char *const *l = trawl_languages();
    PyObject *list = PyList_New(0);

    (void)self;
    (void)unused;
    for (size_t i = 0; list != NULL && l[i] != NULL; i++) {
        PyObject *s = PyUnicode_FromString(l[i]);
        if (s == NULL || PyList_Append(list, s) < 0) {
            Py_XDECREF(s);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(s);
    }
    return list;
}

static PyMethodDef module_methods[] = {
    {"open", (PyCFunction)(void (*)(void))trawl_open_fn, METH_VARARGS | METH_KEYWORDS,
     open_doc},
    {"languages", trawl_languages_fn, METH_NOARGS, languages_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(module_doc,
"trawl: passage search over Xapian, from Python (libtrawl's binding).\n"
"\n"
"    import trawl\n"
"    with trawl.Writer(\"news.db\") as w:          # commits when the block ends\n"
"        w.put(\"a1\", \"Facebook likes were the target...\", title=\"Likes\")\n"
"    with trawl.open(\"news.db\") as ix:\n"
"        for hit in ix.search(\"facebook likes\", k=5):\n"
"            print(hit.article, hit.score, hit.text[slice(*hit.highlights[0])])\n"
"        run = ix.run({\"q1\": \"facebook likes\"})  # {qid: {docid: score}}\n"
"\n"
"Searches and writes release the GIL: threads can search one Index at once (each\n"
"thread gets a handle of its own). Ctrl-C stops a long search or commit (KeyboardInterrupt;\n"
"a commit keeps what was committed before).\n"
"Errors are trawl.Error subclasses: QueryError (with .column), IndexMissingError,\n"
"IndexLockedError, IndexDamagedError, ...; bad argument types raise TypeError.");

static struct PyModuleDef trawl_module = {
    PyModuleDef_HEAD_INIT, "trawl", module_doc, -1, module_methods, NULL, NULL, NULL, NULL,
};

static int add_type(PyObject *m, const char *name, PyTypeObject *t)
{
    if (PyType_Ready(t) < 0)
        return -1;
    return PyModule_AddObjectRef(m, name, (PyObject *)t);
}

int pytrawl_types_init(PyObject *m); /* index.c: the struct sequences */

PyMODINIT_FUNC PyInit_trawl(void)
{
    PyObject *m = PyModule_Create(&trawl_module);
    PyObject *threading = NULL, *mt = NULL, *ident = NULL;

    if (m == NULL)
        return NULL;
    /* The main thread, the one Python delivers KeyboardInterrupt to (the module may be first
     * imported from another). */
    if ((threading = PyImport_ImportModule("threading")) == NULL ||
        (mt = PyObject_CallMethod(threading, "main_thread", NULL)) == NULL ||
        (ident = PyObject_GetAttrString(mt, "ident")) == NULL)
        goto fail;
    pytrawl_cancel_init(PyLong_AsUnsignedLong(ident));
    if (PyErr_Occurred())
        goto fail;
    if (pytrawl_errors_init(m) < 0 || pytrawl_types_init(m) < 0 ||
        add_type(m, "Index", &pytrawl_index_type) < 0 ||
        add_type(m, "Writer", &pytrawl_writer_type) < 0 ||
        add_type(m, "Results", &pytrawl_results_type) < 0 ||
        PyModule_AddStringConstant(m, "__version__", trawl_version()) < 0 ||
        PyModule_AddStringConstant(m, "library_versions", trawl_library_versions()) < 0 ||
        PyModule_AddIntConstant(m, "QUERY_MAX", TRAWL_QUERY_MAX) < 0)
        goto fail;
    Py_DECREF(threading);
    Py_DECREF(mt);
    Py_DECREF(ident);
    return m;
fail:
    Py_XDECREF(threading);
    Py_XDECREF(mt);
    Py_XDECREF(ident);
    Py_DECREF(m);
    return NULL;
}
