#!/usr/bin/env python3
"""Index.run against trawl-search --queries --trec on the 1,000 Reuters queries at full depth
(1000), side by side, each view ROUNDS times: prints the times of the CLI, of Index.run alone
and of Index.run with the run turned into the CLI's text (to compare), the CPU times (user +
sys) of the CLI and of Index.run, less at the mercy of a shared machine's load, and the ratios
of the medians.

    PYTHONPATH=build/bindings/python python3 tests/python/reuters_bench.py BUILD_DIR INDEX [ROUNDS]

INDEX: Reuters indexed by trawl-index (../shared/data/reuters21578.jsonl.gz). Not run by
meson test (minutes)."""
import os
import resource
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
        cli, py, py_text, cli_cpu, py_cpu = [], [], [], [], []
        for _ in range(rounds):
            cmd = [search, "--db", db, "--queries", queries, "--trec", "t"]
            cmd += ["--trec-passages"] if passages else []
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            want = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            cli.append(time.monotonic() - t0)
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cli_cpu.append(c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime)
            p0 = time.process_time()
            t0 = time.monotonic()
            with trawl.open(db) as ix:
                run = ix.run(topics, k=1000, passages=passages)
                py.append(time.monotonic() - t0)
                py_cpu.append(time.process_time() - p0)
            got = "\n".join(as_trec({q: d for q, d in run.items() if d})) + "\n"
            py_text.append(time.monotonic() - t0)
            assert got == want, "the rankings differ"
        view = "passages" if passages else "articles"
        def times(ts):
            return " ".join(f"{t:.2f}" for t in ts)
        med = statistics.median(cli)
        print(f"{view}: CLI {times(cli)} s; Index.run {times(py)} s (median ratio "
              f"{statistics.median(py) / med:.3f}); with the text {times(py_text)} s "
              f"({statistics.median(py_text) / med:.3f}); CPU (user+sys): CLI {times(cli_cpu)} s, "
              f"Index.run {times(py_cpu)} s (median ratio "
              f"{statistics.median(py_cpu) / statistics.median(cli_cpu):.3f})")


if __name__ == "__main__":
    main()
