#!/usr/bin/env python3
"""Sharded, remote and compacted indexes give the same results as one plain index.

    shards_test.py BUILD_DIR SOURCE_DIR [N_QUERIES]

Builds Reuters-21578 (from ../shared beside the project; skipped with 77 when absent) as
one index and as two shards, serves the shards with two xapian-tcpsrv processes on
127.0.0.1, and checks that a batch of queries (the first N of the 1000-query set plus
phrase, filter and exclusion queries) returns the same passages in the same order with
the same scores (1e-9) from all of them, then that a stopped shard gives the documented
error, --allow-partial a warning, and that --compact changes nothing. The servers are
stopped whatever happens."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD, SOURCE = sys.argv[1], sys.argv[2]
NQ = int(sys.argv[3]) if len(sys.argv) > 3 else 250
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
SEARCH = os.path.join(BUILD, "searcher", "trawl-search")
SHARED = os.path.join(os.path.dirname(os.path.abspath(SOURCE)), "shared", "data")
CORPUS = os.path.join(SHARED, "reuters21578.jsonl.gz")
QUERIES = os.path.join(SHARED, "reuters-queries.tsv")
EXTRA = ['"crude oil prices"', 'opec "production quota"', '"oil" -crude', 'wheat date:1987-03',
         '(coffee OR cocoa) AND NOT sugar', '"interest rates" date:1987-04..', 'bank* +rates',
         'export* wheat']
failures = []
servers = []


def run(argv, code=None, stdin=None):
    r = subprocess.run(argv, capture_output=True, text=True, input=stdin, timeout=600)
    if code is not None and r.returncode != code:
        raise AssertionError(f"{argv} exited {r.returncode}, expected {code}\n{r.stderr}")
    return r


def results(db, queries, *flags):
    text = "".join(f"q{i}\t{q}\n" for i, q in enumerate(queries))
    r = run([SEARCH, "--db", db, "--json", "-n", "10", *flags, "--batch", "-"], stdin=text)
    assert r.returncode in (0, 1), r.stderr
    hits = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        if not o.get("summary"):
            hits.setdefault(o["qid"], []).append((o["article"], o["passage"], o["score"],
                                                  o["more"]))
    return hits


def same(a, b, what):
    assert a.keys() == b.keys(), f"{what}: different queries answered"
    for qid in a:
        x, y = a[qid], b[qid]
        assert [h[:2] for h in x] == [h[:2] for h in y], \
            f"{what}: {qid} ranks differ:\n{x}\n{y}"
        for h, k in zip(x, y):
            assert abs(h[2] - k[2]) <= 1e-9, f"{what}: {qid} scores differ: {h} {k}"
            assert h[3] == k[3], f"{what}: {qid} 'more' differs: {h} {k}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(path):
    for _ in range(5):
        port = free_port()
        p = subprocess.Popen(["xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1",
                              "--port", str(port), path],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)  # it signals its whole group on exit
        servers.append(p)
        for _ in range(100):  # wait until it listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return p, port
            except OSError:
                if p.poll() is not None:
                    break
                time.sleep(0.05)
        p.kill()
    raise AssertionError(f"cannot start xapian-tcpsrv for {path}")


def main(tmp):
    queries = []
    with open(QUERIES, encoding="utf-8") as f:
        for line in f:
            queries.append(line.rstrip("\n").split("\t", 1)[1])
    queries = queries[:NQ] + EXTRA
    one, sharded, remote = (os.path.join(tmp, n) for n in ("one", "sharded", "remote"))
    run([INDEX, "-q", "--db", one, CORPUS], 0)
    run([INDEX, "-q", "--db", sharded, "--shards", "2", CORPUS], 0)
    with open(os.path.join(sharded, "XAPIANDB")) as f:
        shard_dirs = [line.split()[1] for line in f if line.strip()]
    assert len(shard_dirs) == 2, shard_dirs
    base = results(one, queries)
    assert sum(len(v) for v in base.values()) > 1000, "too few hits to compare"
    same(base, results(sharded, queries), "local shards")
    # every passage, each fused with its article's score: the articles' passages found per shard
    base_all = results(one, queries, "--all-passages")
    same(base_all, results(sharded, queries, "--all-passages"), "local shards, --all-passages")
    print("ok - sharded equals unsharded")

    ports, machine = [], []
    for d in shard_dirs:
        p, port = serve(os.path.join(sharded, d))
        ports.append(port)
        machine.append([p])
    # the article databases too, named by the ARTICLES stub (README, Index layout), each
    # served beside its shard
    aports = []
    for k, d in enumerate(shard_dirs):
        p, port = serve(os.path.join(sharded, d, "articles"))
        aports.append(port)
        machine[k].append(p)
    os.makedirs(remote)
    with open(os.path.join(remote, "XAPIANDB"), "w") as f:
        for port in ports:
            f.write(f"remote 127.0.0.1:{port}\n")
    with open(os.path.join(remote, "ARTICLES"), "w") as f:
        for port in aports:
            f.write(f"remote 127.0.0.1:{port}\n")
    same(base, results(remote, queries), "remote shards")
    same(base_all, results(remote, queries, "--all-passages"), "remote shards, --all-passages")
    # explain and the whole article work for a remote hit too
    r = run([SEARCH, "--db", remote, "--explain", "-n", "1", "--no-scores", "crude oil"], 0)
    assert "explain: BM25" in r.stdout, r.stdout
    print("ok - remote equals local")

    for p in machine[-1]:  # the last shard's machine goes down: both its servers
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=10)
    r = run([SEARCH, "--db", remote, "crude oil"], 2)
    assert f"shard 'remote 127.0.0.1:{ports[-1]}'" in r.stderr, r.stderr
    assert "is unavailable" in r.stderr, r.stderr
    r = run([SEARCH, "--db", remote, "--allow-partial", "--trec", "t", "crude oil"])
    assert r.returncode == 0, r.stderr
    assert "results are partial" in r.stderr, r.stderr
    print("ok - a stopped shard is named; --allow-partial searches the rest")

    r = run([INDEX, "--db", sharded, "--compact"], 0)
    assert "compacted" in r.stdout, r.stdout
    with open(os.path.join(sharded, "XAPIANDB")) as f:
        assert len([line for line in f if line.strip()]) == 1, "shards not merged"
    same(base, results(sharded, queries), "compacted")
    print("ok - compaction keeps results")


if __name__ == "__main__":
    if not os.path.exists(CORPUS) or shutil.which("xapian-tcpsrv") is None:
        print("1..0 # SKIP needs ../shared/data and xapian-tcpsrv")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="trawl-shards-")
    try:
        main(tmp)
        print("1..4")
    except AssertionError as e:
        print("not ok - " + str(e).replace("\n", "\n# "))
        print("1..4")
        sys.exit(1)
    finally:
        for p in servers:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the server and its connection children
            except ProcessLookupError:
                pass
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
