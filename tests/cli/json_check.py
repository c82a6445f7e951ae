#!/usr/bin/env python3
"""Checks trawl-search's machine-readable output by parsing it back.

    json_check.py BUILD_DIR SOURCE_DIR

On an index of corpus/:
- --json: every line is a JSON object; each hit has every field with the right type, ranks
  count from offset+1, scores never rise, equal scores are ordered by article id then passage,
  the text is the article body's bytes [start, end), the highlights are ordered byte ranges of
  query words, "matched" holds the index terms of the query found there, "more" is exactly how
  many other matching passages the article has (counted from --all-passages); the summary
  closes each query with the hit count, and "suggestions" for unknown words;
- --trec: six fields per line, the same docids, ranks and scores as --json;
- --explain (in --json): the contributions add up to the score within 1e-6, and each follows
  Xapian's BM25 (idf = ln(r), r = (N - df + 0.5) / (df + 0.5), or ln(r / 2 + 1) when r < 2;
  weight = idf (k1 + 1) tf / (K + tf));
- paging: pages of 1, 2 and 3 results, concatenated, are the unpaged list (collapsed, two per
  article, and all passages), with the same "more" notes;
- --sort date / -date: articles by date (newest, oldest first), score within a date, the
  same passages as by score (collapsing keeps each article's best), pages that concatenate
  to the unpaged list, filters applied, and "sort" in the summary;
- --timings FILE: one "qid<TAB>ms" line per batch query;
then, on a corpus of identical articles and passages, that ties are broken by article id and
then passage ordinal whatever the order of indexing."""
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILS = []

HIT_FIELDS = {"version": int, "qid": str, "rank": int, "score": float, "article": str,
              "title": str, "date": (str, type(None)), "url": (str, type(None)),
              "source": (str, type(None)), "passage": int, "start": int, "end": int,
              "text": str, "highlights": list, "matched": list, "more": int,
              "duplicates": list}
SUMMARY_FIELDS = {"version": int, "summary": bool, "qid": str, "query": str, "offset": int,
                  "hits": int, "estimated": int, "exact": bool, "sort": str, "took_ms": float,
                  "suggestions": list}

# query -> (the index terms it may match, a regex every highlighted word must match)
QUERIES = {
    "Facebook likes target": ({"facebook", "like", "target"}, r"facebook|likes?|target"),
    "social media": ({"social", "media"}, r"social|media"),
    '"live video call"': ({"live", "video", "call"}, r"live|video|call"),
    "face*": ({"facebook", "face"}, r"facebook|facing"),
    "party date:2019..": ({"parti"}, r"party|parties|party[’']s"),
    "Cambridge Analytica": ({"cambridg"}, r"cambridge"),
    "+facebook likes -target": ({"facebook", "like"}, r"facebook|likes?"),
}
# query -> its excluded word (a regex): shown one or two per article, results leave out every
# article that says it anywhere; with --all-passages, only the passages that say it.
EXCLUDED = {"+facebook likes -target": r"\btarget(s|ed|ing)?\b"}
MODES = {"collapsed": [], "two per article": ["--passages-per-article", "2"],
         "all passages": ["--all-passages"]}


def check(cond, msg):
    if not cond:
        FAILS.append(msg)
    return cond


class Search:
    def __init__(self, exe, db):
        self.exe, self.db = exe, db

    def run(self, args, stdin=None, want_rc=(0, 1)):
        argv = [self.exe, "--db", self.db] + args
        r = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120)
        if r.returncode not in want_rc:
            print(f"FAIL: {argv} exited {r.returncode}: {r.stderr}")
            sys.exit(1)
        return r.stdout

    def json(self, query, args=()):
        lines = self.run(["--json"] + list(args) + ["--", query]).splitlines()
        objs = [json.loads(line) for line in lines]  # every line must parse
        check(objs and objs[-1].get("summary") is True, f"{query}: no summary line last")
        return [o for o in objs if not o.get("summary")], objs[-1]


def check_types(obj, fields, what):
    for k, t in fields.items():
        if check(k in obj, f"{what}: no field {k!r}"):
            ok = isinstance(obj[k], t) and not (t is int and isinstance(obj[k], bool))
            check(ok, f"{what}: field {k!r} is {obj[k]!r}")
    extra = set(obj) - set(fields) - {"explain", "length", "passage_part", "alpha",
                                      "article_part", "article_length", "below"}
    check(not extra, f"{what}: unexpected fields {extra}")


def bodies(corpus):
    """Article id -> body bytes (the file after its ' date YYYY-MM-DD ' header)."""
    out = {}
    for name in os.listdir(corpus):
        if name.endswith(".txt"):
            with open(os.path.join(corpus, name), "rb") as f:
                data = f.read()
            m = re.match(rb" date \d{4}-\d{2}-\d{2} ", data)
            out[name[:-4]] = data[m.end():] if m else data
    return out


def check_hits(query, mode, hits, summary, body, offset=0):
    terms, word_rx = QUERIES[query]
    what = f"{query!r} ({mode})"
    check(summary["hits"] == len(hits), f"{what}: summary says {summary['hits']} hits")
    check(summary["query"] == query and summary["qid"] == "1", f"{what}: summary {summary}")
    check(summary["offset"] == offset, f"{what}: summary offset {summary['offset']}")
    check(summary["estimated"] >= offset + len(hits), f"{what}: estimated below hits")
    check_types(summary, SUMMARY_FIELDS, f"{what} summary")
    prev = None
    for i, h in enumerate(hits):
        hw = f"{what} rank {h.get('rank')}"
        check_types(h, HIT_FIELDS, hw)
        check(h["rank"] == offset + i + 1, f"{hw}: rank should be {offset + i + 1}")
        if prev is not None:
            check(h["score"] <= prev["score"], f"{hw}: score rises")
            if h["score"] == prev["score"]:
                check((prev["article"], prev["passage"]) < (h["article"], h["passage"]),
                      f"{hw}: tie not ordered by article, passage")
        prev = h
        raw = body[h["article"]][h["start"]:h["end"]]
        check(raw.decode("utf-8") == h["text"], f"{hw}: text is not body[start:end]")
        text = h["text"].encode("utf-8")
        last = 0
        for a, b in h["highlights"]:
            check(last <= a < b <= len(text), f"{hw}: highlight [{a}, {b}) out of order")
            last = b
            for w in text[a:b].decode("utf-8").split():
                check(re.fullmatch(word_rx, w.lower().strip(".,’'\"“”")) is not None,
                      f"{hw}: highlighted {w!r} is not a query word")
        # (empty when only the article's title, which every passage carries, matched)
        check(set(h["matched"]) <= terms, f"{hw}: matched {h['matched']} not within {terms}")
        check(bool(h["matched"]) == bool(h["highlights"]), f"{hw}: matched without highlights")
        check(len(h["matched"]) == len(set(h["matched"])), f"{hw}: matched repeats")


def check_json_and_trec(s, body):
    for query in QUERIES:
        every, _ = s.json(query, ["--all-passages", "-n", "1000"])
        per_article = {}
        for h in every:
            per_article[h["article"]] = per_article.get(h["article"], 0) + 1
        for mode, args in MODES.items():
            hits, summary = s.json(query, args + ["-n", "100"])
            check_hits(query, mode, hits, summary, body)
            shown = {"collapsed": 1, "two per article": 2, "all passages": None}[mode]
            for h in hits:
                want = 0 if shown is None else max(0, per_article[h["article"]] - shown)
                check(h["more"] == want, f"{query!r} ({mode}) {h['article']}: more "
                      f"{h['more']}, expected {want}")
            if mode != "all passages" and query in EXCLUDED:
                for a in {h["article"] for h in hits}:
                    check(re.search(EXCLUDED[query], body[a].decode("utf-8"), re.I) is None,
                          f"{query!r} ({mode}): {a} says the excluded word")
            if mode == "collapsed":
                want = {a for a in per_article
                        if query not in EXCLUDED or
                        re.search(EXCLUDED[query], body[a].decode("utf-8"), re.I) is None}
                check(len({h["article"] for h in hits}) == len(hits),
                      f"{query!r}: an article shows twice when collapsed")
                check({h["article"] for h in hits} == want,
                      f"{query!r}: collapsed shows {sorted(h['article'] for h in hits)}, "
                      f"expected {sorted(want)}")
            if mode == "all passages":
                check(len(hits) == len(every), f"{query!r}: --all-passages -n 100 differs")
            # The same query as TREC runs: articles, then passages.
            for passages in (False, True):
                trec = s.run(["--trec", "tag"] + (["--trec-passages"] if passages else [])
                             + args + ["-n", "100", "--", query]).splitlines()
                check(len(trec) == len(hits), f"{query!r} ({mode}): TREC has {len(trec)} "
                      f"lines for {len(hits)} hits")
                for line, h in zip(trec, hits):
                    f = line.split(" ")
                    if not check(len(f) == 6, f"TREC line {line!r} has not 6 fields"):
                        continue
                    doc = h["article"] + (f"#{h['passage']}" if passages else "")
                    check(f[0] == "1" and f[1] == "Q0" and f[2] == doc and
                          f[3] == str(h["rank"]) and f[5] == "tag",
                          f"TREC line {line!r} does not match hit {doc} rank {h['rank']}")
                    check(abs(float(f[4]) - h["score"]) < 1e-6, f"TREC score in {line!r}")


def check_explain(s, n_passages):
    k1, b = 1.2, 0.75
    for query in ("Facebook likes target", "social media", "party date:2019..", "face*"):
        for extra in ([], ["--k1", "2", "--b", "0.3"]):
            if extra:
                k1, b = 2.0, 0.3
            hits, _ = s.json(query, ["--explain", "--all-passages", "-n", "100"] + extra)
            check(hits, f"--explain {query!r}: no hits")
            for h in hits:
                hw = f"--explain {query!r} {extra} {h['article']}#{h['passage']}"
                if not check("explain" in h and "length" in h, f"{hw}: no explain"):
                    continue
                # the passage's own part: its terms' weights; the best art_depth passages
                # fuse it with their article's part, the rest are scaled below them
                total = sum(e["weight"] for e in h["explain"])
                score = total
                if "alpha" in h:
                    check(abs(total - h["passage_part"]) < 1e-6,
                          f"{hw}: passage part {h['passage_part']}, terms {total}")
                    score = h["alpha"] * total + (1 - h["alpha"]) * h["article_part"]
                elif "below" in h:
                    score = total * h["below"]
                check(abs(score - h["score"]) < 1e-6,
                      f"{hw}: contributions make {score}, score {h['score']}")
                for e in h["explain"]:
                    if e["term"].endswith("*"):
                        continue
                    # tf is the passage's own text, title_tf what its title adds
                    e["tf"] += e["title_tf"]
                    # Xapian's BM25Weight keeps the idf of common terms positive: a ratio
                    # under 2 becomes ratio / 2 + 1.
                    ratio = (n_passages - e["df"] + 0.5) / (e["df"] + 0.5)
                    idf = math.log(ratio if ratio >= 2 else ratio / 2 + 1)
                    if e["tf"] == 0:
                        check(e["weight"] == 0, f"{hw}: {e['term']} weighs without tf")
                        continue
                    check(abs(e["idf"] - idf) < 1e-6, f"{hw}: {e['term']} idf {e['idf']}")
                    check(e["tf"] >= 1 and 0 < e["df"] <= n_passages, f"{hw}: {e}")
                # K needs the average length: the same for every hit, so check the ratio of
                # two terms' weights instead of recomputing it, where both occur once.
                ones = [e for e in h["explain"] if e["tf"] == 1 and not e["term"].endswith("*")]
                if len(ones) >= 2:
                    r1 = ones[0]["weight"] / ones[0]["idf"]
                    r2 = ones[1]["weight"] / ones[1]["idf"]
                    check(abs(r1 - r2) < 1e-9, f"{hw}: tf parts differ for equal tf")
                    check(0 < r1 < k1 + 1, f"{hw}: tf part {r1} out of (0, k1 + 1)")


def check_explain_fused(s):
    """In the default view the score fuses the best passage's part and the article's:
    alpha x passage part + (1 - alpha) x article part, each the sum of its terms' weights,
    alpha .3; in the every-passage view the hit's own passage part and its article's, .7."""
    for (query, view) in itertools.product(("Facebook likes target", "social media", "party"),
                                           ([], ["--all-passages"])):
        hits, _ = s.json(query, ["--explain", "-n", "10"] + view)
        check(hits, f"--explain {query!r} {view}: no hits")
        for h in hits:
            hw = f"--explain {query!r} {view} {h['article']}#{h['passage']}"
            check(h.get("alpha") == (0.7 if view else 0.3), f"{hw}: alpha {h.get('alpha')}")
            if not check("alpha" in h and "article_part" in h, f"{hw}: no article part"):
                continue
            p = sum(e["weight"] for e in h["explain"])
            a = sum(e["art_weight"] for e in h["explain"])
            check(abs(p - h["passage_part"]) < 1e-6 and abs(a - h["article_part"]) < 1e-6,
                  f"{hw}: parts {h['passage_part']} {h['article_part']}, terms {p} {a}")
            check(abs(h["alpha"] * p + (1 - h["alpha"]) * a - h["score"]) < 1e-6,
                  f"{hw}: parts do not fuse to the score {h['score']}")
            for e in h["explain"]:
                check(e["df"] == 0 or e["idf"] > 0, f"{hw}: {e['term']} idf 0 with df {e['df']}")


def check_paging(s):
    for query in QUERIES:
        for mode, args in MODES.items():
            whole, _ = s.json(query, args + ["-n", "100"])
            key = [(h["rank"], h["article"], h["passage"], h["score"], h["more"]) for h in whole]
            for size in (1, 2, 3):
                got, offset = [], 0
                while offset <= len(whole):
                    page, summary = s.json(query, args + ["-n", str(size), "--offset",
                                                         str(offset)])
                    check(summary["offset"] == offset, "summary offset")
                    check(len(page) <= size, f"{query!r}: page longer than -n {size}")
                    got += [(h["rank"], h["article"], h["passage"], h["score"], h["more"])
                            for h in page]
                    offset += size
                check(got == key, f"{query!r} ({mode}): pages of {size} give {got}, "
                      f"unpaged {key}")


def check_sort(s):
    for query in list(QUERIES) + ["party"]:
        for mode, args in MODES.items():
            by_score, summary = s.json(query, args + ["-n", "100"])
            check(summary["sort"] == "score", f"{query!r}: summary sort {summary['sort']}")
            for order in ("date", "-date"):
                what = f"{query!r} ({mode}) --sort {order}"
                hits, summary = s.json(query, args + ["-n", "100", "--sort", order])
                check(summary["sort"] == order, f"{what}: summary sort {summary['sort']}")
                check(sorted((h["article"], h["passage"], h["more"]) for h in hits) ==
                      sorted((h["article"], h["passage"], h["more"]) for h in by_score),
                      f"{what}: other passages than by score")
                for a, b in zip(hits, hits[1:]):
                    da, db = a["date"] or "", b["date"] or ""
                    if da == db:
                        check(a["score"] >= b["score"], f"{what}: score rises within a date")
                    else:
                        later = da > db if order == "date" else da < db
                        check(db == "" or (da != "" and later), f"{what}: {da} before {db}")
                got = []
                for offset in range(0, len(hits) + 1, 2):
                    page, _ = s.json(query, args + ["-n", "2", "--offset", str(offset),
                                                    "--sort", order])
                    got += page
                check([(h["article"], h["passage"]) for h in got] ==
                      [(h["article"], h["passage"]) for h in hits], f"{what}: pages differ")


def check_suggestions(s):
    _, summary = s.json("Cambridge Analytica")
    check(summary["suggestions"] == [{"word": "analytica", "suggestion": "analytics"}],
          f"suggestions {summary['suggestions']}")
    _, summary = s.json("Facebook likes")
    check(summary["suggestions"] == [], f"suggestions for known words {summary}")
    hits, summary = s.json("Facebook", ["--no-scores"])
    check(all("score" not in h for h in hits) and "took_ms" not in summary,
          "--no-scores leaves scores and timings out of --json")


def check_timings(s, tmp):
    path = os.path.join(tmp, "timings.tsv")
    with open(path, "w") as f:
        f.write("stale\t99\n")  # written afresh, not appended to
    s.run(["--trec", "t", "--timings", path, "--batch", "-"],
          stdin="q1\tfacebook likes\nq2\tzebrafish\nq3\t(broken\nsocial media\n",
          want_rc=(2,))
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    check([r[0] for r in rows] == ["q1", "q2", "q3", "4"], f"timings qids {rows}")
    check(all(len(r) == 2 and float(r[1]) >= 0 for r in rows), f"timings rows {rows}")


def check_ties(index_exe, s_exe, tmp):
    """Identical articles indexed in the order c, a, b: ties come out a, b, c, and within an
    article by passage ordinal."""
    para = ("The harbour pilots guided the grain ship past the breakwater at dawn while the "
            "gulls circled over the quiet water of the bay")
    path = os.path.join(tmp, "ties.jsonl")
    with open(path, "w") as f:
        for art in ("tie-c", "tie-a", "tie-b"):
            text = "\n\n".join([para, "Second " + para, para])
            f.write(json.dumps({"id": art, "text": text, "date": "2020-01-01"}) + "\n")
    db = os.path.join(tmp, "ties.db")
    r = subprocess.run([index_exe, "--db", db, "-q", path], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL: indexing ties: {r.stderr}")
        sys.exit(1)
    s = Search(s_exe, db)
    hits, _ = s.json("harbour pilots", ["--all-passages"])
    got = [(h["article"], h["passage"]) for h in hits]
    want = [("tie-a", 0), ("tie-a", 2), ("tie-b", 0), ("tie-b", 2), ("tie-c", 0), ("tie-c", 2),
            ("tie-a", 1), ("tie-b", 1), ("tie-c", 1)]
    check(got == want, f"tie order {got}, expected {want}")
    check(len({h["score"] for h in hits[:6]}) == 1, "the identical passages should tie")
    # Identical articles are near-duplicates too: --duplicates shows each, and by default
    # the first of the tie stands for the others.
    hits, _ = s.json("harbour pilots", ["--duplicates"])
    check([(h["article"], h["passage"], h["more"]) for h in hits] ==
          [("tie-a", 0, 2), ("tie-b", 0, 2), ("tie-c", 0, 2)], f"collapsed ties {hits}")
    hits, _ = s.json("harbour pilots")
    check([(h["article"], h["duplicates"]) for h in hits] == [("tie-a", ["tie-b", "tie-c"])],
          f"near-duplicate ties {hits}")
    for size in (1, 2, 4):
        got = []
        for offset in range(0, 9, size):
            page, _ = s.json("harbour pilots", ["--all-passages", "-n", str(size),
                                                "--offset", str(offset)])
            got += [(h["article"], h["passage"]) for h in page]
        check(got == want, f"tie pages of {size}: {got}")


def main():
    build, source = sys.argv[1], sys.argv[2]
    index_exe = os.path.join(build, "indexer", "trawl-index")
    search_exe = os.path.join(build, "searcher", "trawl-search")
    corpus = os.path.join(source, "corpus")
    tmp = tempfile.mkdtemp(prefix="trawl-json-")
    try:
        db = os.path.join(tmp, "index.db")
        r = subprocess.run([index_exe, "--db", db, "-q", corpus], capture_output=True,
                           text=True)
        if r.returncode != 0:
            print(f"FAIL: indexing failed: {r.stderr}")
            sys.exit(1)
        s = Search(search_exe, db)
        stats = s.run(["--stats"], want_rc=(0,))
        n_passages = int(re.search(r"passages\s+(\d+)", stats).group(1))
        check_json_and_trec(s, bodies(corpus))
        check_explain(s, n_passages)
        check_explain_fused(s)
        check_paging(s)
        check_sort(s)
        check_suggestions(s)
        check_timings(s, tmp)
        check_ties(index_exe, search_exe, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        for f in FAILS[:40]:
            print("FAIL:", f)
        print(f"{len(FAILS)} checks failed")
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
