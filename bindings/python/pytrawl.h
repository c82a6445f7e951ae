/* pytrawl: what the files of the `trawl` CPython extension share (the errors, the strings
 * going in and out, the Ctrl-C flag). The module is written against trawl.h alone, like the
 * programs: it must not include anything else of common/. */
#ifndef TRAWL_BINDINGS_PYTHON_PYTRAWL_H
#define TRAWL_BINDINGS_PYTHON_PYTRAWL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <signal.h>

#include "common/trawl.h"

/* The types, ready after the module's init. */
extern PyTypeObject pytrawl_index_type;
extern PyTypeObject pytrawl_writer_type;
extern PyTypeObject pytrawl_results_type;
extern PyTypeObject *pytrawl_hit_type;     /* struct sequences */
extern PyTypeObject *pytrawl_passage_type;

/* Sets the Python exception for a trawl error: the trawl.Error subclass of its status (a
 * query syntax error: QueryError with .column), with .status and .column set. path, when not
 * NULL, tells a missing index from a damaged one. Always returns NULL, for `return`. */
PyObject *pytrawl_raise(const struct trawl_error *err, const char *path);
/* The exception classes by status (module init fills them). */
int pytrawl_errors_init(PyObject *module);

/* A str argument as UTF-8 (borrowed from obj, valid while obj lives): TypeError for anything
 * that is not a str (None, bytes), ValueError for a NUL inside. what names the argument. */
const char *pytrawl_utf8(PyObject *obj, const char *what, Py_ssize_t *len);
/* Like pytrawl_utf8, but None gives NULL without an error (*ok says which). */
const char *pytrawl_utf8_or_none(PyObject *obj, const char *what, int *ok);
/* A path argument (str or os.PathLike giving a str; no bytes paths, as no NULs) as an owned
 * UTF-8 copy (free() it), or NULL with the Python exception set. */
char *pytrawl_path(PyObject *obj);
/* (s, len) as a str, invalid UTF-8 replaced; len 0 gives None when empty_none. */
PyObject *pytrawl_str(const char *s, size_t len, int empty_none);

/* Ctrl-C during a call that released the GIL. pytrawl_cancel_begin (GIL held) returns the flag
 * to hand trawl (NULL off the main thread, where Python delivers no KeyboardInterrupt): while
 * it is set up, SIGINT raises the flag and then runs Python's own handler, so that
 * pytrawl_cancel_end (GIL held) puts the handler back and PyErr_CheckSignals() raises
 * KeyboardInterrupt. Nested and concurrent calls share one flag. */
volatile sig_atomic_t *pytrawl_cancel_begin(void);
/* pytrawl_cancel_begin, and until pytrawl_cancel_end SIGINT raises *own too: the flag of a
 * handle that holds its own pointer for longer than one call (a trawl_writer, whose options
 * are fixed at trawl_writer_open, and whose threads must not see a Ctrl-C meant for another
 * call). NULL off the main thread, own left alone. */
volatile sig_atomic_t *pytrawl_cancel_link(volatile sig_atomic_t *own);
void pytrawl_cancel_end(volatile sig_atomic_t *flag);
/* The thread that gets KeyboardInterrupt (Python's main thread), told once by the module's init. */
void pytrawl_cancel_init(unsigned long main_ident);

#endif
