#!/usr/bin/env python3
"""Searches while the indexer adds and removes articles.

    concurrency_test.py BUILD_DIR SOURCE_DIR

Rounds of changes (articles added, others removed, some of them back later) are indexed in
small batches while four searchers run in a loop: three start a trawl-search per batch of
queries, one keeps a single trawl-search open and feeds it queries through a pipe (it reopens
the index as commits land). Every search must succeed with nothing on stderr, and every hit
must be a whole passage of an article that was in the corpus when some indexer run went.
After the last run, the index equals a clean build of the final corpus: nothing lost.
TRAWL_RELIABILITY_LONG=1 runs more rounds."""
import json
import os
import random
import subprocess
import threading

import rel
from rel import Fail, INDEX, SEARCH, run
from crash_test import Corpus, body, comparable

ROUNDS = 40 if rel.LONG else 8
# Leaks inside Xapian itself when a search meets a commit (lsan-xapian.supp says which): not
# trawl's, and not what this test is about; any other leak still fails a search.
os.environ["LSAN_OPTIONS"] = "suppressions=%s:print_suppressions=0" % os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "lsan-xapian.supp")
rnd = random.Random(rel.SEED)


class Searchers:
    def __init__(self, db, corpus, qs):
        self.db, self.corpus, self.qs = db, corpus, qs
        self.ever = set(corpus.present)  # articles in the corpus at some indexer run
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.indexing = threading.Event()
        self.errors = []
        self.searches = self.during = 0

    def check_output(self, out, n):
        lines = [json.loads(line) for line in out.splitlines()]
        if sum(1 for h in lines if h.get("summary")) != n:
            raise Fail(f"{n} queries, {sum(1 for h in lines if h.get('summary'))} answers")
        with self.lock:
            ever = set(self.ever)
            self.searches += n
            if self.indexing.is_set():
                self.during += n
        for h in lines:
            if h.get("summary"):
                continue
            if h["article"] not in ever:
                raise Fail(f"hit of an article never in the corpus: {h['article']}")
            text = body(self.corpus.pool[h["article"]]["text"]).encode("utf-8")
            if text[h["start"]:h["end"]].decode("utf-8", "replace") != h["text"]:
                raise Fail(f"hit {h['article']}#{h['passage']} is not its article's text")

    def short_lived(self, seed):
        r = random.Random(seed)
        while not self.stop.is_set():
            qs = r.sample(self.qs, 20)
            p = run([SEARCH, "--db", self.db, "--json", "--no-scores", "--width", "0",
                     "--color", "never", "--batch", "-"], input="".join(q + "\n" for q in qs))
            if p.returncode not in (0, 1) or p.stderr:
                raise Fail(f"a search failed ({p.returncode}): {p.stderr[-1000:]}")
            self.check_output(p.stdout, len(qs))

    def long_lived(self, seed):
        r = random.Random(seed)
        p = subprocess.Popen([SEARCH, "--db", self.db, "--json", "--no-scores", "--width", "0",
                              "--color", "never", "--batch", "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            while not self.stop.is_set():
                q = r.choice(self.qs)
                p.stdin.write(q + "\n")
                p.stdin.flush()
                out = []
                while True:
                    line = p.stdout.readline()
                    if not line:
                        raise Fail(f"the long-lived search ended: {p.stderr.read()[-1000:]}")
                    out.append(line)
                    if '"summary":true' in line:
                        break
                self.check_output("".join(out), 1)
        finally:
            p.stdin.close()
            rest = p.stderr.read()
            p.wait()
            if rest:
                raise Fail(f"the long-lived search said: {rest[-1000:]}")

    def guard(self, fn, *args):
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - any failure of a searcher fails the test
            self.errors.append(f"{fn.__name__}: {e}")
            self.stop.set()


def test_search_while_indexing(tmp):
    pool = {a["id"]: a for a in rel.articles(2000)}
    corpus = Corpus(os.path.join(tmp, "corpus"), pool)
    ids = list(pool)
    for aid in ids[:800]:
        corpus.put(pool[aid])
    corpus.feed = {}
    db = os.path.join(tmp, "db")
    run([INDEX, "--db", db, "-q", corpus.root], 0)
    s = Searchers(db, corpus, rel.queries(300))
    threads = [threading.Thread(target=s.guard, args=(s.short_lived, rel.SEED + i))
               for i in range(3)]
    threads.append(threading.Thread(target=s.guard, args=(s.long_lived, rel.SEED + 9)))
    for t in threads:
        t.start()
    try:
        for _ in range(ROUNDS):
            if s.stop.is_set():
                break
            absent = [i for i in ids if i not in corpus.present]
            for aid in rnd.sample(absent, min(100, len(absent))):
                corpus.put(pool[aid])
            for aid in rnd.sample(sorted(corpus.present), 60):
                corpus.delete(aid)
            with s.lock:
                s.ever |= set(corpus.present)
            s.indexing.set()
            r = run([INDEX, "--db", db, "-q", "--batch", "25", corpus.root])
            s.indexing.clear()
            if r.returncode != 0:
                raise Fail(f"indexing failed ({r.returncode}): {r.stderr[-1000:]}")
    finally:
        s.stop.set()
        for t in threads:
            t.join()
    if s.errors:
        raise Fail("\n".join(s.errors))
    if s.during == 0:
        raise Fail("no search ran while the indexer did")
    got = rel.dump(db)
    if set(rel.by_article(got)) != set(corpus.present):
        raise Fail(f"after indexing: {len(rel.by_article(got))} articles in the index, "
                   f"{len(corpus.present)} in the corpus")
    ref = os.path.join(tmp, "clean.db")
    run([INDEX, "--db", ref, "-q", corpus.root], 0)
    if got != rel.dump(ref):
        raise Fail("after indexing: passages differ from a clean build")
    qs = rel.queries(100)
    if comparable(rel.search_batch(db, qs)) != comparable(rel.search_batch(ref, qs)):
        raise Fail("after indexing: results differ from a clean build")
    rel.note(f"{s.searches} searches, {s.during} of them while the indexer ran "
             f"({ROUNDS} runs); final {len(corpus.present)} articles all there (seed {rel.SEED})")


if __name__ == "__main__":
    rel.check(test_search_while_indexing)
    rel.finish()
