#!/usr/bin/env python3
"""Count hits whose shown passage holds none of the query's words (issue #13, point 3).

  shown_passage.py TRAWL-SEARCH DB QUERIES.tsv [-n QUERIES] [-- TRAWL-SEARCH ARGS...]
  shown_passage.py --test BUILD SRC

--test (meson): indexes ../shared/data/reuters21578.jsonl.gz into BUILD and fails (exit 1)
unless no hit of the first 200 queries of reuters-queries.tsv shows a passage without a query
word while another passage of its article has one; exit 77 when ../shared is absent.

Runs the first N (default 200) queries of QUERIES.tsv (qid<TAB>words), top 10, one passage
per article, as JSON; a hit "shows nothing" when its passage has no highlighted query word.
For each such hit, asks whether another passage of the same article has one (the query
restricted to `article:ID`, every passage). Prints the counts and the first few examples.
Python 3 standard library only.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def run(search, db, lines, extra):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("".join(lines))
        path = f.name
    p = subprocess.run([search, "--db", db, "--batch", path, "--json", "--width", "0"] + extra,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = []
    for line in p.stdout.splitlines():
        o = json.loads(line)
        if "text" in o:
            out.append(o)
    return out


def count(search, db, queries, n, extra):
    """(hits, hits showing no query word, those whose article has a passage with one)."""
    topics = []
    with open(queries, encoding="utf-8") as f:
        for line in f:
            qid, _, text = line.rstrip("\n").partition("\t")
            topics.append((qid, text))
    topics = topics[:n]
    hits = run(search, db, ["%s\t%s\n" % t for t in topics], ["-n", "10"] + extra)
    text_of = dict(topics)
    empty = [h for h in hits if not h["matched"]]
    probe = ["%s|%d\t(%s) article:%s\n" % (h["qid"], i, text_of[h["qid"]], h["article"])
             for i, h in enumerate(empty)]
    better = set()
    for h in run(search, db, probe, ["--all-passages", "-n", "1000"] + extra):
        if h["matched"]:
            better.add(h["qid"])
    fixable = [h for i, h in enumerate(empty) if "%s|%d" % (h["qid"], i) in better]
    return hits, empty, fixable, text_of


def test(build, src):
    data = os.path.join(os.path.dirname(os.path.abspath(src)), "shared", "data")
    corpus = os.path.join(data, "reuters21578.jsonl.gz")
    queries = os.path.join(data, "reuters-queries.tsv")
    if not (os.path.exists(corpus) and os.path.exists(queries)):
        print("no %s: skipped" % corpus)
        return 77
    tmp = tempfile.mkdtemp(prefix="shown-passage-", dir=build)
    try:
        db = os.path.join(tmp, "reuters.db")
        subprocess.run([os.path.join(build, "indexer", "trawl-index"), "--db", db, "-q",
                        corpus], check=True)
        hits, empty, fixable, text_of = count(os.path.join(build, "searcher", "trawl-search"),
                                              db, queries, 200, [])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("hits %d, showing no query word %d, of which the article has a passage with one %d"
          % (len(hits), len(empty), len(fixable)))
    for h in fixable[:10]:
        print("FAIL: %s %r: %s #%d" % (h["qid"], text_of[h["qid"]], h["article"], h["passage"]))
    if len(hits) < 1000:
        print("FAIL: only %d hits" % len(hits))
        return 1
    return 1 if fixable else 0


def main(argv):
    if argv[:1] == ["--test"]:
        return test(argv[1], argv[2])
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    search, db, queries = argv[:3]
    n = int(argv[argv.index("-n") + 1]) if "-n" in argv else 200
    hits, empty, fixable, text_of = count(search, db, queries, n, extra)
    print("hits %d, showing no query word %d (at rank 1: %d), of which the article has a "
          "passage with one: %d (at rank 1: %d)" % (
              len(hits), len(empty), sum(h["rank"] == 1 for h in empty), len(fixable),
              sum(h["rank"] == 1 for h in fixable)))
    for h in fixable[:5]:
        print("  %s %r: %s #%d" % (h["qid"], text_of[h["qid"]], h["article"], h["passage"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
