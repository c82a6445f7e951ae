#!/usr/bin/env python3
"""Index and score trawl on the development sets in tests/data (see its README).

  devsets.py [--build DIR] [--data DIR] [--sets a,b] [--rebuild] [--json]
             [--squad-view all|ppa:N] [--label TEXT] [-- TRAWL-SEARCH ARGS...]

Article-level sets (cranfield, cisi, med, cacm, time-dev): MAP etc. from
`trawl-search --eval qrels.txt --queries queries.tsv --json` (articles, MaxP or
whatever the ranking does, 1000 deep).  squad-dev-odd: every passage ranked
(`--all-passages -n 10 --json`, topics run through `--batch` as plain words:
characters the query language reads as syntax are dropped first), scored by
content (answer-MRR@10, top-1) by answer_mrr() below, which mirrors
../shared/eval/answer_mrr.py.  `--squad-view ppa:N` scores instead the
articles in the default ranking with up to N passages each
(`--passages-per-article N`), in the order trawl lists them.

Prints one table: set, trawl, best peer (the eval README's figures), gap, and
the worst gap.  Arguments after `--` go to every trawl-search run, so a sweep
is a loop in the shell.  Indexes are cached in BUILD/devsets/ and rebuilt when
trawl-index, the data or the indexing arguments change (or with --rebuild).
Exit 77 when the data folder is absent (meson's "skipped"), 2 on errors.
Defaults were chosen with it: see the README's "Relevance" section.
Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# The best peer per set: whole-document BM25 runs (tests/data/README.md).
PEERS = {
    "cranfield": (0.3041, "Lucene-formula BM25"),
    "cisi": (0.2073, "FTS5"),
    "med": (0.5292, "Xapian k1 1.2 b .75"),
    "cacm": (0.3300, "Xapian k1 1.2 b .75"),
    "time-dev": (0.6591, "FTS5"),
    "squad-dev-odd": (0.8654, "FTS5 (goal .875)"),
}
ARTICLE_SETS = ["cranfield", "cisi", "med", "cacm", "time-dev"]
PASSAGE_SETS = ["squad-dev-odd"]
SQUAD_GOAL = 0.875


def file_digest(h, path):
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)


def index_key(indexer, docs, index_args):
    h = hashlib.sha256()
    file_digest(h, indexer)
    st = os.stat(docs)
    h.update(("%s %d %d %r" % (docs, st.st_size, st.st_mtime_ns, index_args)).encode())
    return h.hexdigest()


def ensure_index(args, name, docs):
    """The cached index of one set, rebuilt when its key changed."""
    indexer = os.path.join(args.build, "indexer", "trawl-index")
    db = os.path.join(args.build, "devsets", name + ".db")
    stamp = db + ".key"
    key = index_key(indexer, docs, args.index_args)
    if not args.rebuild and os.path.isdir(db) and os.path.exists(stamp):
        with open(stamp) as f:
            if f.read().strip() == key:
                return db
    shutil.rmtree(db, ignore_errors=True)
    os.makedirs(os.path.dirname(db), exist_ok=True)
    cmd = [indexer, "--db", db] + args.index_args + [docs]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):  # 1: some inputs skipped, still an index
        sys.exit("devsets: %s failed (%d): %s" % (" ".join(cmd), p.returncode,
                                                   p.stderr[-2000:]))
    with open(stamp, "w") as f:
        f.write(key + "\n")
    return db


def search_bin(args):
    return os.path.join(args.build, "searcher", "trawl-search")


def score_articles(args, name, db, folder):
    cmd = [search_bin(args), "--db", db, "--eval", os.path.join(folder, "qrels.txt"),
           "--queries", os.path.join(folder, "queries.tsv"), "--json"] + args.search_args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("devsets: %s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr))
    s = json.loads(p.stdout.strip().splitlines()[-1])
    return {"score": s["MAP"], "measure": "MAP", "nDCG@10": s["nDCG@10"]}


# Characters trawl's query language reads as syntax; a topic is plain words.
SYNTAX = re.compile(r'["()*]')


def plain_words(text):
    words = []
    for w in SYNTAX.sub(" ", text).replace(":", " ").split():
        w = w.lstrip("+-")
        if w in ("AND", "OR", "NOT"):
            w = w.lower()
        if w:
            words.append(w)
    return " ".join(words)


def score_squad(args, name, db, folder):
    with tempfile.TemporaryDirectory() as tmp:
        topics = os.path.join(tmp, "topics.txt")
        hits = os.path.join(tmp, "hits.jsonl")
        with open(os.path.join(folder, "queries.tsv"), encoding="utf-8") as f, \
                open(topics, "w", encoding="utf-8") as out:
            for line in f:
                qid, _, text = line.rstrip("\n").partition("\t")
                q = plain_words(text)
                if q:
                    out.write("%s\t%s\n" % (qid, q))
        view = ["--all-passages"] if args.squad_view == "all" else \
            ["--passages-per-article", args.squad_view.split(":")[1]]
        cmd = [search_bin(args), "--db", db, "--batch", topics, "--json", "-n", "10",
               "--width", "0"] + view + args.search_args
        with open(hits, "w", encoding="utf-8") as out:
            p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
        if p.returncode not in (0, 1):
            sys.exit("devsets: %s failed (%d): %s" % (" ".join(cmd), p.returncode,
                                                       p.stderr[-2000:]))
        mrr, top1 = answer_mrr(os.path.join(folder, "answers.jsonl"), hits)
    return {"score": mrr, "measure": "answer-MRR@10", "top-1": top1}


def answer_mrr(answers_path, hits_path, depth=10):
    """(answer-MRR@depth, top-1) as ../shared/eval/answer_mrr.py computes them: a question
    scores 1/r for its first passage among the top depth (by "rank", else file order) that
    contains a gold answer, case-insensitively; every question of ANSWERS counts."""
    answers, hits = {}, {}
    with open(answers_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                answers[str(o["qid"])] = [s.lower() for s in o["answers"]]
    with open(hits_path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if not isinstance(o, dict) or "text" not in o or "qid" not in o:
                continue
            hits.setdefault(str(o["qid"]), []).append((o.get("rank", n), n, o["text"].lower()))
    mrr = top1 = 0.0
    for qid, golds in answers.items():
        rr = 0.0
        for i, (_r, _n, text) in enumerate(sorted(hits.get(qid, []))[:depth]):
            if any(g in text for g in golds):
                rr = 1.0 / (i + 1)
                break
        mrr += rr
        top1 += rr == 1.0
    n = len(answers) or 1
    return mrr / n, top1 / n


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    search_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, search_args = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--data", default=os.path.join(REPO, "tests", "data"))
    ap.add_argument("--squad-view", default="all",
                    help="all (--all-passages) or ppa:N (--passages-per-article N)")
    ap.add_argument("--sets", default=",".join(ARTICLE_SETS + PASSAGE_SETS))
    ap.add_argument("--rebuild", action="store_true", help="re-index even when cached")
    ap.add_argument("--index-arg", action="append", default=[], dest="index_args",
                    help="an extra trawl-index argument (repeatable)")
    ap.add_argument("--json", action="store_true", help="one JSON object, no table")
    ap.add_argument("--label", default="", help="printed above the table")
    args = ap.parse_args(argv)
    args.search_args = search_args
    args.build = os.path.abspath(args.build)
    if not os.path.isdir(args.data):
        print("devsets: no data folder at %s: skipped" % args.data, file=sys.stderr)
        return 77
    rows = []
    for name in args.sets.split(","):
        folder = os.path.join(args.data, name)
        db = ensure_index(args, name, os.path.join(folder, "docs.jsonl"))
        r = (score_squad if name in PASSAGE_SETS else score_articles)(args, name, db, folder)
        peer = PEERS[name][0]
        r.update(set=name, peer=peer, gap=r["score"] - peer)
        if name in PASSAGE_SETS:
            r["goal_gap"] = r["score"] - SQUAD_GOAL
        rows.append(r)
    worst = min(rows, key=lambda r: r["gap"])
    if args.json:
        print(json.dumps({"label": args.label, "args": search_args, "rows": rows,
                          "worst": worst["set"], "worst_gap": worst["gap"]}))
        return 0
    if args.label or search_args:
        print("# %s %s" % (args.label, " ".join(search_args)))
    print("%-14s %-14s %7s %7s %7s  %s" % ("set", "measure", "trawl", "peer", "gap", "also"))
    for r in rows:
        extra = ("nDCG@10 %.4f" % r["nDCG@10"]) if "nDCG@10" in r else \
            ("top-1 %.4f, goal .875: %+.4f" % (r["top-1"], r["goal_gap"]))
        print("%-14s %-14s %7.4f %7.4f %+7.4f  %s" % (r["set"], r["measure"], r["score"],
                                                    r["peer"], r["gap"], extra))
    print("worst gap: %+.4f (%s)" % (worst["gap"], worst["set"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
