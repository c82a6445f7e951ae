#!/usr/bin/env python3
"""Damaged indexes: copies of a small index of corpus/, each damaged one way (bytes flipped in
a Xapian table, a table truncated, an 8 KiB block zeroed, the version file garbled, a stub
naming a missing or a foreign folder or holding a NUL, records of another schema or format
version, a passage's data cut short), and on each: a search, --stats, a search with -C 2
(which reads neighbouring passages as :show does) and an incremental trawl-index.

    damage_test.py BUILD_DIR SOURCE_DIR

Every run must exit 0, 1 or 2 within TIMEOUT seconds (never a signal), a failure must print
exactly one line on stderr starting with the program's name, naming the index (never a
temporary stub, never a "shard" of an unsharded index), and trawl-index must never make a
damaged index worse: when it refuses, the index's files are unchanged; when it writes,
xapian-check finds no more errors than before. Prints, per kind of damage, the copies made
and the exit codes seen. CI: about 60 copies; TRAWL_RELIABILITY_LONG=1: about 1000."""
import collections
import hashlib
import json
import os
import random
import re
import shutil
import subprocess

import rel
from rel import Fail, INDEX, SEARCH, run

TIMEOUT = 20
CORPUS = os.path.join(rel.SOURCE, "corpus")
REWRITE = os.path.join(rel.BUILD, "tests", "rewrite_record")
TABLES = ["docdata", "postlist", "termlist", "spelling"]
SCALE = 16 if rel.LONG else 1
DAMAGED = "is damaged: "
KEEP = os.path.join(rel.BUILD, "damaged-copy")


def gen_dir(db):
    with open(os.path.join(db, "XAPIANDB")) as f:
        return os.path.join(db, f.read().split()[1])


def tree_digest(db):
    """A digest of every file under db but the lock (which a refused run may rewrite)."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(db):
        dirs.sort()
        for name in sorted(files):
            if name == ".lock":
                continue
            p = os.path.join(root, name)
            h.update(p.encode())
            with open(p, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


def xapian_check(db):
    """Errors xapian-check finds in the database the stub names: 0, N, or a large number when
    it cannot check at all (the database does not open)."""
    try:
        r = subprocess.run(["xapian-check", gen_dir(db)], capture_output=True, text=True,
                           errors="replace", timeout=60)
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return 1 << 30
    if r.returncode == 0:
        return 0
    m = re.search(r"(\d+) errors? found", r.stdout)
    return int(m.group(1)) if m else 1 << 30


# ---- the kinds of damage: each takes (db, rnd) and damages the copy at db ----

def flip(table):
    def damage(db, rnd):
        p = os.path.join(gen_dir(db), table + ".glass")
        with open(p, "r+b") as f:
            size = os.path.getsize(p)
            for _ in range(rnd.randint(1, 8)):
                at = rnd.randrange(size)
                f.seek(at)
                b = f.read(1)[0]
                f.seek(at)
                f.write(bytes([b ^ rnd.randint(1, 255)]))
    return damage


def truncate(table):
    def damage(db, rnd):
        p = os.path.join(gen_dir(db), table + ".glass")
        os.truncate(p, rnd.choice([0, 100, rnd.randrange(os.path.getsize(p))]))
    return damage


def zero_block(table):
    def damage(db, rnd):
        p = os.path.join(gen_dir(db), table + ".glass")
        blocks = max(1, os.path.getsize(p) // 8192)
        with open(p, "r+b") as f:
            f.seek(rnd.randrange(blocks) * 8192)
            f.write(bytes(8192))
    return damage


def version_file(db, rnd):
    p = os.path.join(gen_dir(db), "iamglass")
    data = bytearray(open(p, "rb").read())
    for _ in range(rnd.randint(1, 4)):
        data[rnd.randrange(len(data))] ^= rnd.randint(1, 255)
    open(p, "wb").write(bytes(data))


def write_stub(db, text):
    with open(os.path.join(db, "XAPIANDB"), "wb") as f:
        f.write(text)


def stub_missing(db, rnd):
    write_stub(db, rnd.choice([b"auto gen-999\n", b"auto /nonexistent/trawl/gen-1\n"]))


def stub_foreign(db, rnd):
    other = os.path.join(db, "other")
    os.makedirs(other)
    if rnd.random() < 0.5:
        with open(os.path.join(other, "notes.txt"), "w") as f:
            f.write("not a Xapian database\n")
    write_stub(db, b"auto other\n")


def stub_nul(db, rnd):
    write_stub(db, open(os.path.join(db, "XAPIANDB"), "rb").read().rstrip(b"\n") + b"  \0\0\n")


def rewrite(db, *args):
    run([REWRITE, gen_dir(db), *args], 0, timeout=TIMEOUT)


def article_key():
    return "a:" + sorted(os.listdir(CORPUS))[0].rsplit(".", 1)[0]


def schema_record(db, rnd):
    choice = rnd.randrange(6)
    if choice == 0:
        rewrite(db, "meta", "trawl.schema", b"2".hex())        # an older schema
    elif choice == 1:
        rewrite(db, "meta", "trawl.schema", b"3\0junk".hex())  # not a number
    elif choice == 2:
        rewrite(db, "meta", "trawl.lang", b"eng\xfflish".hex())
    elif choice == 3:
        rewrite(db, "meta-byte0", article_key(), "2")          # a record format of the future
    elif choice == 4:
        rewrite(db, "data-byte0", str(rnd.randint(1, 22)), "2")
    else:
        rewrite(db, "data-cut", str(rnd.randint(1, 22)), str(rnd.randint(0, 40)))


def sanitized():
    """1 in an ASan/UBSan build (meson's b_sanitize)."""
    try:
        with open(os.path.join(rel.BUILD, "meson-info", "intro-buildoptions.json")) as f:
            opts = {o["name"]: o["value"] for o in json.load(f)}
    except (OSError, ValueError, KeyError):
        return False
    return opts.get("b_sanitize", "none") not in ("none", "", [])


KINDS = [(f"flip {t}", flip(t), 6) for t in TABLES] + \
        [(f"truncate {t}", truncate(t), 2) for t in TABLES] + \
        [(f"zero block {t}", zero_block(t), 2) for t in TABLES] + \
        [("version file", version_file, 2), ("stub missing", stub_missing, 2),
         ("stub foreign", stub_foreign, 2), ("stub nul", stub_nul, 1),
         ("schema record", schema_record, 6)]


def check_run(prog, argv, db, seen):
    """Runs one command on a damaged copy and checks how it ended; returns its exit code."""
    name = os.path.basename(prog)
    try:
        r = subprocess.run([prog, *argv], capture_output=True, text=True, errors="replace",
                           timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Fail(f"{name} {' '.join(argv)}: still running after {TIMEOUT} s")
    seen[r.returncode] += 1
    if r.returncode not in (0, 1, 2):
        raise Fail(f"{name} {' '.join(argv)} exited {r.returncode}\nstderr: {r.stderr[-3000:]}")
    lines = r.stderr.splitlines()
    bad = [l for l in lines if not l.startswith(name + ": ")]
    if bad:
        raise Fail(f"{name} {' '.join(argv)}: stderr lines not from {name}: {bad[:3]}")
    if r.returncode == 2:
        if len(lines) != 1:
            raise Fail(f"{name} {' '.join(argv)} failed with {len(lines)} lines on stderr:\n"
                       + r.stderr[-3000:])
        msg = lines[0]
        if "trawl-stub-" in msg or "shard" in msg:
            raise Fail(f"{name}: misleading message: {msg}")
        if DAMAGED in msg and f"the index at '{db}' is damaged" not in msg:
            raise Fail(f"{name}: the damage message does not name the index: {msg}")
    return r


def test_damaged_copies(tmp):
    base = os.path.join(tmp, "base")
    run([INDEX, "--db", base, CORPUS], 0, timeout=120)
    if xapian_check(base) != 0:
        raise Fail("the undamaged index does not check clean")
    # CI runs one fixed set of copies (TRAWL_SEED picks another); the long mode a random one.
    seed = int(os.environ.get("TRAWL_SEED") or (rel.SEED if rel.LONG else 16))
    rnd = random.Random(seed)
    rel.note(f"seed {seed} (TRAWL_SEED to repeat), {SCALE}x copies")
    failed = []
    kinds = KINDS
    if sanitized():
        # Xapian 1.4.22 reads out of bounds in some corrupt tables (valgrind shows it in the
        # plain build too, under AllTermsList after flipped postlist bytes): the sanitizers'
        # heap layout turns that read into SIGSEGV inside libxapian. Not trawl's to fix here;
        # the plain build and the long mode still run these kinds.
        kinds = [k for k in KINDS if not k[0].startswith(("flip", "zero block"))]
        rel.note("sanitized build: random flips and zeroed blocks skipped (a Xapian bug)")
    summary = collections.OrderedDict()
    messages = collections.Counter()
    for kind, damage, copies in kinds:
        for i in range(copies * SCALE):
            db = os.path.join(tmp, "copy")
            shutil.rmtree(db, ignore_errors=True)
            shutil.copytree(base, db)
            damage(db, rnd)
            seen = summary.setdefault(kind, {"copies": 0, "search": collections.Counter(),
                                             "index": collections.Counter()})
            seen["copies"] += 1
            try:
                for argv in (["--no-scores", "--color", "never", "Facebook likes target"],
                             ["--stats"],
                             ["--json", "--no-scores", "-C", "2", "-n", "20", "minister"]):
                    r = check_run(SEARCH, ["--db", db, *argv], db, seen["search"])
                    if r.returncode == 2:
                        messages[re.sub(r"\d+", "N", r.stderr.split(": ", 2)[-1])[:70]] += 1
                before, files = xapian_check(db), tree_digest(db)
                r = check_run(INDEX, ["--db", db, CORPUS], db, seen["index"])
                if r.returncode == 2 and tree_digest(db) != files:
                    raise Fail("trawl-index refused but changed the index's files")
                after = xapian_check(db)
                if r.returncode != 2 and after > before:
                    raise Fail(f"trawl-index made the index worse: xapian-check {before} -> "
                               f"{after} errors")
                if kind.startswith("stub") and seen["search"][2] != 3 * seen["copies"]:
                    raise Fail("a search on a damaged stub did not fail")
            except Fail as e:
                # Keep the first failing copy (as the failing command found it) to reproduce,
                # and go on: the summary then counts every failure.
                seen["failed"] = seen.get("failed", 0) + 1
                if not failed:
                    shutil.rmtree(KEEP, ignore_errors=True)
                    shutil.copytree(db, KEEP, symlinks=True)
                failed.append(f"{kind}, copy {i + 1}: {e}")
    total = sum(s["copies"] for s in summary.values())
    rel.note(f"{total} damaged copies")
    for kind, s in summary.items():
        rel.note(f"{kind:20} copies {s['copies']:4}  search exits "
                 f"{dict(sorted(s['search'].items()))}  trawl-index exits "
                 f"{dict(sorted(s['index'].items()))}"
                 + (f"  FAILED {s['failed']}" if s.get("failed") else ""))
    for msg, count in messages.most_common(12):
        rel.note(f"{count:5} x {msg}")
    if failed:
        raise Fail(f"{len(failed)} of {total} copies failed (the first is kept in {KEEP}):\n"
                   + "\n".join(failed[:10]))


def test_truncated_table_message(tmp):
    """The issue's case: a truncated postlist of a single index is damage, said so, naming the
    index (not a temporary stub, not a shard), and --rebuild repairs it."""
    db = os.path.join(tmp, "t")
    run([INDEX, "--db", db, CORPUS], 0, timeout=120)
    os.truncate(os.path.join(gen_dir(db), "postlist.glass"), 100)
    want = re.compile(r"^the index at '" + re.escape(db) + r"' is damaged: EOF reading block "
                      r"\d+ \(xapian-check can tell more; trawl-index --rebuild rebuilds it\)$")
    for prog, argv in ((SEARCH, ["Facebook"]), (SEARCH, ["--stats"]), (INDEX, [CORPUS])):
        r = run([prog, "--db", db, *argv], 2, timeout=TIMEOUT)
        name = os.path.basename(prog) + ": "
        if not r.stderr.startswith(name) or not want.match(r.stderr[len(name):].rstrip("\n")):
            raise Fail(f"message: {r.stderr!r}")
    run([INDEX, "--db", db, "--rebuild", CORPUS], 0, timeout=120)
    run([SEARCH, "--db", db, "Facebook"], 0, timeout=TIMEOUT)


def test_missing_article_database(tmp):
    """An index whose article database is gone (schema 7) is damage, said the same way by both
    programs, naming it, and --rebuild repairs it."""
    db = os.path.join(tmp, "a")
    run([INDEX, "--db", db, CORPUS], 0, timeout=120)
    gen = gen_dir(db)
    shutil.rmtree(os.path.join(gen, "articles"))
    want = (f"the index at '{db}' is damaged: the article database of "
            f"'{os.path.basename(gen)}' is missing (trawl-index --rebuild rebuilds it)")
    for prog, argv in ((SEARCH, ["Facebook"]), (SEARCH, ["--stats"]), (INDEX, [CORPUS])):
        r = run([prog, "--db", db, *argv], 2, timeout=TIMEOUT)
        if r.stderr.rstrip("\n") != os.path.basename(prog) + ": " + want:
            raise Fail(f"message: {r.stderr!r}")
    run([INDEX, "--db", db, "--rebuild", CORPUS], 0, timeout=120)
    run([SEARCH, "--db", db, "Facebook"], 0, timeout=TIMEOUT)


rel.check(test_truncated_table_message)
rel.check(test_missing_article_database)
rel.check(test_damaged_copies)
rel.finish()
