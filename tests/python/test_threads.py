"""Threads and Ctrl-C: the GIL is released while searching and writing, two threads search one
Index, and SIGINT stops a long search (trawl's cancel flag) or a long write, losing nothing
committed."""
import os
import random
import signal
import threading
import time

import pytest

import trawl

SLOW_QUERY = "w1* w3"  # a wildcard of 111 words over every article
SLOWER_QUERY = "w1* w2* w3* w4* \"w5 w6\" \"w7 w8\""  # wildcards, phrases: the slowest here


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    """2,000 articles of random words from a 300-word vocabulary."""
    db = str(tmp_path_factory.mktemp("threads") / "big.db")
    rnd = random.Random(1)
    vocab = [f"w{i}" for i in range(300)]
    with trawl.Writer(db, jobs=2) as w:
        for i in range(2000):
            w.put(f"a{i}", "\n\n".join(" ".join(rnd.choice(vocab) for _ in range(60))
                                       for _ in range(3)))
    return db


def test_two_threads_search_one_index(big_db):
    ix = trawl.open(big_db)
    want = [(h.article, h.score) for h in ix.search(SLOW_QUERY, k=50)]
    got, errors = [], []

    def search():
        try:
            for _ in range(3):
                got.append([(h.article, h.score) for h in ix.search(SLOW_QUERY, k=50)])
        except Exception as e:  # reported below, in the main thread
            errors.append(e)

    threads = [threading.Thread(target=search) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(got) == 9 and all(g == want for g in got)
    ix.close()


def test_the_gil_is_released_while_searching(big_db):
    ix = trawl.open(big_db)
    ix.search(SLOW_QUERY)  # warm
    done = threading.Event()
    spins = 0

    def search():
        ix.search(SLOW_QUERY, k=1000)
        done.set()

    t = threading.Thread(target=search)
    t.start()
    while not done.is_set():
        spins += 1
        time.sleep(0.001)
    t.join()
    # the main thread ran Python code while the other searched
    assert spins > 5


def interrupt_after(seconds):
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_stops_a_long_search(big_db):
    ix = trawl.open(big_db)
    t0 = time.monotonic()
    full = ix.search(SLOWER_QUERY, k=1000)
    took = time.monotonic() - t0
    if took < 0.1:
        pytest.skip(f"the slow query takes only {took:.3f} s here")
    t0 = time.monotonic()
    timer = interrupt_after(took / 5)
    with pytest.raises(KeyboardInterrupt):
        ix.search(SLOWER_QUERY, k=1000)
        time.sleep(5)  # finished first: the signal comes here, and the check below fails
    stopped = time.monotonic() - t0
    timer.join()
    assert stopped < took * 0.8, (stopped, took)
    # the Index is fine afterwards, and Python's own handler is back
    assert [h.article for h in ix.search(SLOWER_QUERY, k=1000)] == [h.article for h in full]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_stops_a_long_run(big_db):
    ix = trawl.open(big_db)
    topics = {f"q{i}": f"w{i} w{i + 1} w{i + 2}" for i in range(100000)}
    timer = interrupt_after(0.3)
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        ix.run(topics, k=10)
    timer.join()
    assert time.monotonic() - t0 < 5


def test_ctrl_c_stops_a_long_write_keeping_the_commits(tmp_path):
    db = str(tmp_path / "w.db")
    with trawl.Writer(db) as w:
        for i in range(10):
            w.put(f"kept{i}", f"a committed article number {i}")
    timer = interrupt_after(0.3)
    n = 0
    with pytest.raises(KeyboardInterrupt):
        with trawl.Writer(db, batch=1000000) as w:
            while n < 20000:
                w.put(f"lost{n}", f"an article never committed {n}")
                n += 1
            time.sleep(5)
    timer.join()
    assert n > 0
    with trawl.open(db) as ix:
        assert ix.stats()["articles"] == 10
        assert len(ix.search("committed", k=100)) == 10
    # the lock is free again
    trawl.Writer(db).close()


def commit_articles(count, seed):
    """count articles of 2,000 random words in 20 paragraphs: their analysis is slow."""
    rnd = random.Random(seed)
    vocab = [f"v{i}" for i in range(3000)]
    return ["\n\n".join(" ".join(rnd.choices(vocab, k=100)) for _ in range(20))
            for _ in range(count)]


def kept_index(db):
    with trawl.Writer(db) as w:
        for i in range(10):
            w.put(f"kept{i}", f"a committed article number {i}")


@pytest.mark.slow
def test_ctrl_c_stops_a_long_commit_keeping_the_commits(tmp_path):
    texts = commit_articles(250, 3)
    # the same commit left to run, for comparison
    control = str(tmp_path / "control.db")
    kept_index(control)
    with trawl.Writer(control, jobs=2, batch=1000000) as w:
        for i, text in enumerate(texts):
            w.put(f"new{i}", text)
        t0 = time.monotonic()
        w.commit()
        full = time.monotonic() - t0
    assert full > 1.0, "the commit is too fast to be interrupted: make the articles longer"

    db = str(tmp_path / "w.db")
    kept_index(db)
    w = trawl.Writer(db, jobs=2, batch=1000000)
    for i, text in enumerate(texts):
        w.put(f"new{i}", text)
    timer = interrupt_after(0.2)
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        w.commit()
        time.sleep(full + 5)  # finished first: the signal comes here, and the check below fails
    stopped = time.monotonic() - t0
    timer.join()
    assert stopped < full / 2, (stopped, full)
    assert w.closed  # the batch is dropped with the writer
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with trawl.open(db) as ix:
        assert ix.stats()["articles"] == 10
        assert len(ix.search("committed", k=100)) == 10
        assert len(ix.search("v1 v2 v3", k=100)) == 0
    # the lock is free again, and the batch can be written anew
    with trawl.Writer(db, jobs=2) as w:
        w.put("new0", texts[0])
    with trawl.open(db) as ix:
        assert ix.stats()["articles"] == 11
