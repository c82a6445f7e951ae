#!/usr/bin/env python3
"""Index.run against trawl-search --queries --trec on the 1,000 Reuters queries at full depth
(1000), side by side, each view ROUNDS times: prints each time and the ratio of the medians.

    PYTHONPATH=build/bindings/python python3 tests/python/reuters_bench.py BUILD_DIR INDEX [ROUNDS]

INDEX: Reuters indexed by trawl-index (../shared/data/reuters21578.jsonl.gz). Not run by
meson test (minutes)."""
import os
import statistics
import subprocess
import sys
import time

import trawl
from test_reuters import as_trec, read_topics


def main():
    build, db = sys.argv[1:3]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    here = os.path.dirname(os.path.abspath(__file__))
    queries = os.path.join(here, "..", "..", "..", "shared", "data", "reuters-queries.tsv")
    search = os.path.join(build, "searcher", "trawl-search")
    topics = read_topics(queries)
    for passages in (False, True):
        cli, py = [], []
        for _ in range(rounds):
            cmd = [search, "--db", db, "--queries", queries, "--trec", "t"]
            cmd += ["--trec-passages"] if passages else []
            t0 = time.monotonic()
            want = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            cli.append(time.monotonic() - t0)
            t0 = time.monotonic()
            with trawl.open(db) as ix:
                run = ix.run(topics, k=1000, passages=passages)
            got = "\n".join(as_trec({q: d for q, d in run.items() if d})) + "\n"
            py.append(time.monotonic() - t0)
            assert got == want, "the rankings differ"
        view = "passages" if passages else "articles"
        print(f"{view}: CLI {' '.join(f'{t:.2f}' for t in cli)} s; Index.run (and the run "
              f"written as text) {' '.join(f'{t:.2f}' for t in py)} s; median ratio "
              f"{statistics.median(py) / statistics.median(cli):.3f}")


if __name__ == "__main__":
    main()
