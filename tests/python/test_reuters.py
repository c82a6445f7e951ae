"""Index.run on the 1,000 Reuters queries returns exactly the rankings of trawl-search
--queries --trec, in both views (the times of both are printed, not asserted: a timed bound
flaked under CI's parallel load). Reuters comes from
../shared/data (not in the repository): skipped without it. Depth 100 keeps the suite short;
`reuters_bench.py` compares the full depth (1000) side by side."""
import os
import subprocess
import time

import pytest

import trawl
from conftest import TRAWL_SEARCH, index_with_cli, shared_dir

pytestmark = pytest.mark.slow
DEPTH = 100


def read_topics(path):
    """As trawl-search reads --queries: qid<TAB>text, blank and '#' lines skipped."""
    topics = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            qid, tab, text = line.partition("\t")
            topics[qid if tab else str(n)] = text if tab else line
    return topics


def as_trec(run):
    """The run as trawl-search writes it: qids in the file's order, trec_eval's order."""
    lines = []
    for qid, scores in run.items():
        ranking = sorted(scores.items(), key=lambda kv: (kv[1], kv[0].encode()), reverse=True)
        lines += [f"{qid} Q0 {d} {r} {s:.6f} t" for r, (d, s) in enumerate(ranking, 1)]
    return lines


@pytest.fixture(scope="module")
def reuters(tmp_path_factory):
    shared = shared_dir()
    data = os.path.join(shared or "", "data")
    if shared is None or not os.path.exists(os.path.join(data, "reuters21578.jsonl.gz")):
        pytest.skip("no ../shared/data/reuters21578.jsonl.gz beside the project")
    db = index_with_cli(tmp_path_factory.mktemp("reuters") / "r.db",
                        os.path.join(data, "reuters21578.jsonl.gz"))
    return db, os.path.join(data, "reuters-queries.tsv")


@pytest.mark.parametrize("passages", [False, True], ids=["articles", "passages"])
def test_run_is_the_cli_trec_run(reuters, passages):
    db, queries = reuters
    cmd = [TRAWL_SEARCH, "--db", db, "--queries", queries, "--trec", "t", "-n", str(DEPTH)]
    if passages:
        cmd.append("--trec-passages")
    t0 = time.monotonic()
    want = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()
    cli = time.monotonic() - t0
    topics = read_topics(queries)
    assert len(topics) == 1000
    t0 = time.monotonic()
    with trawl.open(db) as ix:
        run = ix.run(topics, k=DEPTH, passages=passages)
    py = time.monotonic() - t0
    # the CLI leaves out topics that found nothing
    got = as_trec({q: d for q, d in run.items() if d})
    assert got == want
    print(f"depth {DEPTH}, {'passages' if passages else 'articles'}: CLI {cli:.2f} s, "
          f"Index.run {py:.2f} s ({py / cli:.2f}x)")
