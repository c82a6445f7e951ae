#!/usr/bin/env python3
"""Queries with operators answered by the impact files (impact_match) as by Xapian, on Reuters.

    impact_ops_test.py BUILD_DIR SOURCE_DIR [N_QUERIES]

Indexes Reuters-21578 (from ../shared beside the project; skipped with 77 when absent) in a
temporary folder and turns the first N_QUERIES (default 200) Reuters queries into queries
with operators: `q -said`, `+w1 w2 ...`, `w1 AND w2 ...`, `(w1 OR w2) NOT year`,
`+w2 w1 -pct`, and `q` with --all. Their `--trec x -n 10 --batch` output must be the same
byte for byte with the impact files and with TRAWL_IMPACTS=off (Xapian's matcher), in the
default view and with --all-passages, and their --json output too but for timings, the
exact counts and the scores' last bits (each hit's 'more', the article's other matching
passages, now counted from the passage file, included); and the files must have answered (the JSON
'estimated' of some query differs from Xapian's: the files count exactly)."""
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
NQ = int(sys.argv[3]) if len(sys.argv) > 3 else 200
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
SEARCH = os.path.join(BUILD, "searcher", "trawl-search")
SHARED = os.path.join(os.path.dirname(SOURCE), "shared", "data")
CORPUS = os.path.join(SHARED, "reuters21578.jsonl.gz")
QUERIES = os.path.join(SHARED, "reuters-queries.tsv")


def forms(q):
    """The operator queries made of one Reuters query."""
    w = q.split()
    out = [f"{q} -said", "+" + q]
    if len(w) >= 2:
        out.append(" AND ".join(w))
        out.append(f"({w[0]} OR {w[1]}) NOT year")
        out.append(" ".join([f"+{w[1]}", w[0]] + w[2:] + ["-pct"]))
    return out


def run(argv, stdin, env):
    r = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, timeout=1500)
    assert r.returncode in (0, 1), f"{argv}: exit {r.returncode}: {r.stderr}"
    assert r.stderr == "", f"{argv}: {r.stderr}"
    return r.stdout


def json_differs(got, want):
    """Why two --json outputs differ beyond what the files change (None when they do not):
    every field the same ('more', the per-article counts, included) but took_ms, and
    estimated and exact (the files count exactly), and scores within 1e-9 relative (the
    files sum a query's parts in their own order)."""
    a, b = got.splitlines(), want.splitlines()
    if len(a) != len(b):
        return f"{len(a)} lines against {len(b)}"
    for la, lb in zip(a, b):
        x, y = json.loads(la), json.loads(lb)
        for o in (x, y):
            for k in ("took_ms", "estimated", "exact"):
                o.pop(k, None)
        sx, sy = x.pop("score", None), y.pop("score", None)
        if x != y or (sx is None) != (sy is None) or \
                (sx is not None and abs(sx - sy) > 1e-9 * max(abs(sy), 1e-300)):
            return f"{la[:300]}\n  against\n{lb[:300]}"
    return None


def main():
    if not (os.path.isfile(CORPUS) and os.path.isfile(QUERIES)):
        print(f"skipped: no Reuters data in {SHARED}")
        return 77
    with open(QUERIES, encoding="utf-8") as f:
        base = [line.rstrip("\n").split("\t") for line in f if line.strip()][:NQ]
    ops = "".join(f"{qid}.{i}\t{q}\n" for qid, q in base for i, q in enumerate(forms(q)))
    plain = "".join(f"{qid}\t{q}\n" for qid, q in base)
    on = dict(os.environ)
    on.pop("TRAWL_IMPACTS", None)
    on.pop("TRAWL_DB", None)
    off = dict(on, TRAWL_IMPACTS="off")
    tmp = tempfile.mkdtemp(prefix="trawl-impact-ops-")
    try:
        db = os.path.join(tmp, "db")
        subprocess.run([INDEX, "-q", "--db", db, CORPUS], check=True, timeout=1500)
        failed = 0
        for name, text, flags in (("operators", ops, []),
                                  ("operators --all-passages", ops, ["--all-passages"]),
                                  ("--all", plain, ["-a"]),
                                  ("--all --all-passages", plain, ["-a", "--all-passages"])):
            argv = [SEARCH, "--db", db, "--trec", "x", "-n", "10", *flags, "--batch", "-"]
            got, want = run(argv, text, on), run(argv, text, off)
            if got != want:
                failed = 1
                d = difflib.unified_diff(got.splitlines(), want.splitlines(), "file", "xapian",
                                         lineterm="", n=1)
                print(f"not ok - {name}: the files and Xapian differ\n" + "\n".join(list(d)[:30]))
            else:
                print(f"ok - {name}: {len(got.splitlines())} lines the same")
        for name, flags in (("JSON", []), ("JSON --all-passages", ["--all-passages"])):
            argv = [SEARCH, "--db", db, "--json", "-n", "10", *flags, "--batch", "-"]
            why = json_differs(run(argv, ops, on), run(argv, ops, off))
            failed |= why is not None
            print(f"not ok - {name}: {why}" if why else f"ok - {name}: the same")
        argv = [SEARCH, "--db", db, "--json", "-n", "1", "--batch", "-"]
        est = [[line for line in run(argv, ops, env).splitlines() if '"summary"' in line]
               for env in (on, off)]
        if est[0] == est[1]:
            failed = 1
            print("not ok - the impact files did not answer (every 'estimated' is Xapian's)")
        return failed
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


sys.exit(main())
