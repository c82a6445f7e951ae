#!/usr/bin/env python3
"""An index of another schema or analyzer version is refused by both programs with one line
that says what to do, and exit status 2; `trawl-index --rebuild` then makes it usable.

    old_schema.py BUILD_DIR SOURCE_DIR

The index's metadata is changed with xapian-metadata (Debian's xapian-tools); exit 77
without it."""
import os
import shutil
import subprocess
import sys
import tempfile


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def run(argv):
    env = dict(os.environ)
    env.pop("TRAWL_DB", None)
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)


def expect_refused(argv, prog, db, key, old, current):
    r = run(argv)
    shown = f"$ {' '.join(argv)}\n--- stdout\n{r.stdout}--- stderr\n{r.stderr}"
    if r.returncode != 2:
        fail(f"exit {r.returncode}, expected 2\n{shown}")
    if r.stdout != "":
        fail(f"stdout not empty\n{shown}")
    what = "has schema version" if key == "trawl.schema" else "was built by analyzer version"
    reads = "reads version" if key == "trawl.schema" else "uses version"
    want = (f"{prog}: index '{db}' {what} {old} but this trawl {reads} {current}: "
            f"rebuild it with 'trawl-index --rebuild'\n")
    if r.stderr != want:
        fail(f"stderr is not the one-line refusal\nexpected: {want}{shown}")


def meta(db, key, value=None):
    argv = ["xapian-metadata", "get", db, key] if value is None else \
           ["xapian-metadata", "set", db, key, value]
    r = run(argv)
    if r.returncode != 0:
        fail(f"{' '.join(argv)} failed: {r.stderr}")
    return r.stdout.strip()


def main():
    build, source = sys.argv[1], sys.argv[2]
    index = os.path.join(build, "indexer", "trawl-index")
    search = os.path.join(build, "searcher", "trawl-search")
    corpus = os.path.join(source, "corpus")
    if shutil.which("xapian-metadata") is None:
        print("SKIP: xapian-metadata (xapian-tools) is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="trawl-schema-")
    try:
        db = os.path.join(tmp, "old.db")
        r = run([index, "--db", db, "-q", corpus])
        if r.returncode != 0:
            fail(f"indexing {corpus} failed ({r.returncode}): {r.stderr}")
        # 3: the schema before url and source were stored.
        for key, old in (("trawl.schema", "0"), ("trawl.schema", "3"), ("trawl.schema", "99"),
                         ("trawl.analyzer", "0")):
            current = meta(db, key)
            if not current.isdigit() or current == old:
                fail(f"{key} is {current!r}: expected a version other than {old}")
            meta(db, key, old)
            for argv, prog in (([search, "--db", db, "likes"], "trawl-search"),
                               ([search, "--db", db, "--stats"], "trawl-search"),
                               ([index, "--db", db, "-q", corpus], "trawl-index"),
                               ([index, "--db", db, "--stats"], "trawl-index")):
                expect_refused(argv, prog, db, key, old, current)
            if meta(db, key) != old:
                fail(f"a refused run changed {key}")
            # The advice works: a rebuild writes the current version and the index searches.
            r = run([index, "--db", db, "--rebuild", "-q", corpus])
            if r.returncode != 0:
                fail(f"trawl-index --rebuild exited {r.returncode}: {r.stderr}")
            if meta(db, key) != current:
                fail(f"--rebuild left {key} at {meta(db, key)!r}, not {current}")
            r = run([search, "--db", db, "--no-scores", "-n", "1", "likes"])
            if r.returncode != 0 or "000_251854af372bd607" not in r.stdout:
                fail(f"search after --rebuild: exit {r.returncode}\n{r.stdout}{r.stderr}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
