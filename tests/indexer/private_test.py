#!/usr/bin/env python3
"""Files a user would expect private stay private: an index follows the umask (never wider),
and trawl-index refuses to follow a stub or a lock file that is a symbolic link (exit 2, one
line naming it, the link's target untouched). trawl-search may read through a linked stub.

    private_test.py BUILD_DIR SOURCE_DIR"""
import os
import stat
import subprocess
import sys
import tempfile

BUILD, SOURCE = sys.argv[1], sys.argv[2]
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
SEARCH = os.path.join(BUILD, "searcher", "trawl-search")
CORPUS = os.path.join(SOURCE, "corpus")
results = []


def run(argv, code, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)
    if r.returncode != code:
        raise AssertionError(f"{argv} exited {r.returncode}, expected {code}\n"
                             f"stdout: {r.stdout}\nstderr: {r.stderr}")
    return r


def check(fn):
    with tempfile.TemporaryDirectory(prefix="trawl-private-") as tmp:
        try:
            fn(tmp)
            results.append(f"ok {len(results) + 1} - {fn.__name__}")
        except AssertionError as e:
            results.append(f"not ok {len(results) + 1} - {fn.__name__}\n# "
                           + str(e).replace("\n", "\n# "))
        print(results[-1], flush=True)


def umask_077(tmp):
    db = os.path.join(tmp, "db")
    old = os.umask(0o077)
    try:
        run([INDEX, "--db", db, CORPUS], 0)
        run([INDEX, "--db", db, "--rebuild", CORPUS], 0)       # a second generation
        run([INDEX, "--db", db + "-sharded", "--shards", "2", CORPUS], 0)
    finally:
        os.umask(old)
    wide = []
    for top in (db, db + "-sharded"):
        for root, dirs, files in os.walk(top):
            for name in [root] + [os.path.join(root, f) for f in files]:
                if os.lstat(name).st_mode & 0o077:
                    wide.append(f"{name} {stat.filemode(os.lstat(name).st_mode)}")
    if wide:
        raise AssertionError("wider than the umask 077:\n" + "\n".join(wide))


def one_line_refusal(r, what):
    lines = r.stderr.splitlines()
    if len(lines) != 1 or not lines[0].startswith("trawl-index: refusing to follow the " + what):
        raise AssertionError(f"stderr: {r.stderr!r}")


def stub_symlink_refused(tmp):
    db, elsewhere = os.path.join(tmp, "db"), os.path.join(tmp, "elsewhere")
    run([INDEX, "--db", db, CORPUS], 0)
    os.rename(os.path.join(db, "XAPIANDB"), elsewhere)
    with open(elsewhere) as f:
        before = f.read()
    # Absolute, so a reader through the link finds the database.
    with open(elsewhere, "w") as f:
        f.write(before.replace("auto ", "auto " + db + "/"))
    before = open(elsewhere).read()
    os.symlink(elsewhere, os.path.join(db, "XAPIANDB"))
    for argv in ([CORPUS], ["--rebuild", CORPUS]):
        r = run([INDEX, "--db", db, *argv], 2)
        one_line_refusal(r, f"stub '{db}/XAPIANDB'")
    if open(elsewhere).read() != before or not os.path.islink(os.path.join(db, "XAPIANDB")):
        raise AssertionError("the stub's target or the link changed")
    # Reading through a linked stub stays allowed (see layout_read_stub).
    run([SEARCH, "--db", db, "Facebook"], 0)


def lock_symlink_refused(tmp):
    db, target = os.path.join(tmp, "db"), os.path.join(tmp, "precious")
    run([INDEX, "--db", db, CORPUS], 0)
    with open(target, "w") as f:
        f.write("keep me\n")
    os.remove(os.path.join(db, ".lock"))
    os.symlink(target, os.path.join(db, ".lock"))
    r = run([INDEX, "--db", db, CORPUS], 2)
    one_line_refusal(r, f"lock file '{db}/.lock'")
    if open(target).read() != "keep me\n":
        raise AssertionError("the lock file's target was written")
    # A dangling link is not created through either.
    os.remove(target)
    run([INDEX, "--db", db, CORPUS], 2)
    if os.path.exists(target):
        raise AssertionError("trawl-index created the lock file's target")


for t in (umask_077, stub_symlink_refused, lock_symlink_refused):
    check(t)
print(f"1..{len(results)}")
sys.exit(1 if any(r.startswith("not ok") for r in results) else 0)
