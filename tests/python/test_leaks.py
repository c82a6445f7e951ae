"""Reference-count and memory leaks: 10,000 searches and 1,000 writes with peak RSS flat."""
import gc
import resource

import pytest

import trawl

pytestmark = pytest.mark.slow


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 1024


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def searches(ix, n):
    for i in range(n):
        q = ("facebook likes", "tide tables", "live video call", "facebok", '"likes target"')[i % 5]
        r = ix.search(q, k=10, passages=bool(i & 1))
        for h in r:
            h.highlights, h.text, h.duplicates
        if i % 50 == 0:
            ix.explain(q, r[0]) if len(r) else None
            ix.run({"q": q}, k=20)
            ix.passages("000_251854af372bd607")
            ix.words("fa")
        try:
            ix.search('likes "target')
        except trawl.QueryError:
            pass


def test_10000_searches_keep_memory_flat(corpus_db):
    ix = trawl.open(corpus_db)
    searches(ix, 1000)  # warm: caches, the interpreter's pools
    gc.collect()
    objects, rss, peak = len(gc.get_objects()), rss_kib(), peak_kib()
    searches(ix, 10000)
    gc.collect()
    grown = rss_kib() - rss
    assert len(gc.get_objects()) - objects < 100
    assert grown < 2048, f"RSS grew by {grown} KiB over 10,000 searches"
    assert peak_kib() - peak < 4096


def test_1000_writes_keep_memory_flat(tmp_path):
    db = str(tmp_path / "w.db")
    with trawl.Writer(db) as w:
        w.put("seed", "the first article")

    def writes(n, start):
        with trawl.Writer(db, jobs=1) as w:
            for i in range(start, start + n):
                w.put(f"a{i % 200}", f"article {i} about writing, and more words " * 5,
                      title=f"t{i}", date="2020-01-01", url="https://example.org", source="s")
                if i % 7 == 0:
                    w.remove(f"a{(i + 3) % 200}")
                if i % 100 == 99:
                    w.commit()
        try:
            trawl.Writer(db, lang="klingon")
        except ValueError:
            pass

    writes(200, 0)
    gc.collect()
    objects, rss, peak = len(gc.get_objects()), rss_kib(), peak_kib()
    writes(1000, 200)
    gc.collect()
    grown = rss_kib() - rss
    assert len(gc.get_objects()) - objects < 100
    assert grown < 4096, f"RSS grew by {grown} KiB over 1,000 writes"
    assert peak_kib() - peak < 8192
