#!/usr/bin/env python3
"""Index a development set with trawl.Writer, run its queries with Index.run, print MAP.

    python3 examples/eval_map.py [SET_DIR [INDEX_DIR]]

SET_DIR holds docs.jsonl ({"id", "text", "title"} a line), queries.tsv (qid<TAB>text) and
qrels.txt (TREC qrels: qid 0 docid grade); default ../shared/eval/med, and the project keeps
copies of these sets in tests/data/. INDEX_DIR (default: a temporary folder) is rebuilt.
MAP is computed below in plain Python with trec_eval's conventions (ties by docid
descending, queries without a relevant document left out, a query without results scoring
0); with pytrec_eval installed, its MAP is printed too."""
import json
import os
import shutil
import sys
import tempfile

import trawl


def read_qrels(path):
    """{qid: {docid: grade}}."""
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                qid, _, docid, grade = line.split()
                qrels.setdefault(qid, {})[docid] = int(grade)
    return qrels


def average_precision(scores, judged):
    """AP of one query's {docid: score} against its {docid: grade}; None: nothing relevant."""
    relevant = sum(1 for g in judged.values() if g >= 1)
    if relevant == 0:
        return None
    ranking = sorted(scores, key=lambda d: (scores[d], d.encode()), reverse=True)
    found = total = 0.0
    for rank, docid in enumerate(ranking, 1):
        if judged.get(docid, 0) >= 1:
            found += 1
            total += found / rank
    return total / relevant


def mean_average_precision(run, qrels):
    aps = [ap for qid, judged in qrels.items()
           if (ap := average_precision(run.get(qid, {}), judged)) is not None]
    return sum(aps) / len(aps) if aps else 0.0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    set_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared",
                                                                  "eval", "med")
    tmp = None
    if len(sys.argv) > 2:
        db = sys.argv[2]
    else:
        tmp = tempfile.mkdtemp(prefix="trawl-eval-")
        db = os.path.join(tmp, "index")
    shutil.rmtree(db, ignore_errors=True)

    with trawl.Writer(db) as w, open(os.path.join(set_dir, "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            w.put(doc["id"], doc["text"], title=doc.get("title") or None)

    with open(os.path.join(set_dir, "queries.tsv"), encoding="utf-8") as f:
        queries = dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)
    with trawl.open(db) as ix:
        run = ix.run(queries, k=1000)

    qrels = read_qrels(os.path.join(set_dir, "qrels.txt"))
    print(f"MAP\t{mean_average_precision(run, qrels):.6f}")
    try:
        import pytrec_eval
    except ImportError:
        pass
    else:
        relevant = {q: j for q, j in qrels.items() if any(g >= 1 for g in j.values())}
        per_query = pytrec_eval.RelevanceEvaluator(relevant, {"map"}).evaluate(run)
        maps = [per_query.get(q, {"map": 0.0})["map"] for q in relevant]
        print(f"MAP (pytrec_eval)\t{sum(maps) / len(maps):.6f}")
    if tmp:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
