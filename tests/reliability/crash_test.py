#!/usr/bin/env python3
"""Crash safety: trawl-index killed with SIGKILL at random moments.

    crash_test.py BUILD_DIR SOURCE_DIR

A corpus of a few thousand articles (Reuters-21578 from ../shared/data when present, else
generated) changes from round to round (articles added, edited, deleted, a JSON Lines file
rewritten); each round runs the indexer with small batches and kills it after a random delay.
After every kill: the index opens, --stats agrees with what a search reads back, every
article in it is one whole version it had (its passages tile that version's text), searches
work, and xapian-check finds no error. Fresh builds and --rebuild are killed too: the index is
then absent or the old one, whole. Finally a completing run must give exactly the passages
and the search results of a clean build of the final corpus.
TRAWL_RELIABILITY_LONG=1 kills many more times; TRAWL_SEED=N replays a run."""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

import rel
from rel import Fail, INDEX, SEARCH, run

KILLS = 100 if rel.LONG else 12          # kills during incremental runs
FRESH_KILLS = 20 if rel.LONG else 4      # kills during fresh builds and --rebuild
rnd = random.Random(rel.SEED)
XCHECK = shutil.which("xapian-check")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def body(text):
    """The article body as the indexer stores it (article.h's sanitizing)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub(" ", text)


class Corpus:
    """The files of the corpus and every version each article has had."""

    def __init__(self, root, pool):
        self.root = root
        self.pool = pool                 # id -> article dict
        self.present = {}                # id -> current text (files)
        self.feed = {}                   # id -> current text (the JSON Lines file)
        self.versions = {}               # id -> set of texts it has had
        self.revision = 0

    def put(self, a, text=None):
        text = a["text"] if text is None else text
        rel.write_article(os.path.join(self.root, a["id"][-1]), dict(a, text=text))
        self.present[a["id"]] = text
        self.versions.setdefault(a["id"], set()).add(body(text))

    def delete(self, aid):
        os.remove(os.path.join(self.root, aid[-1], aid + ".txt"))
        del self.present[aid]

    def write_feed(self, items):
        self.feed = dict(items)
        with open(os.path.join(self.root, "feed.jsonl"), "w", encoding="utf-8") as f:
            for aid, text in items:
                f.write(json.dumps({"id": aid, "date": self.pool[aid]["date"], "text": text})
                        + "\n")
                self.versions.setdefault(aid, set()).add(body(text))

    def churn(self, add, edit, remove):
        """One round of changes: new articles, edited ones, deleted ones, a rewritten feed."""
        self.revision += 1
        absent = [i for i in self.pool if i not in self.present and i not in self.feed]
        for aid in rnd.sample(absent, min(add, len(absent))):
            self.put(self.pool[aid])
        cur = sorted(self.present)
        for aid in rnd.sample(cur, min(edit, len(cur))):
            self.put(self.pool[aid], self.pool[aid]["text"] + f"\n\nRevision {self.revision}.")
        cur = sorted(self.present)
        for aid in rnd.sample(cur, min(remove, len(cur))):
            self.delete(aid)
        items = list(self.feed.items())
        keep = [(i, t) for i, t in items if rnd.random() > 0.1]
        keep = [(i, t + f" Feed {self.revision}.") if rnd.random() < 0.1 else (i, t)
                for i, t in keep]
        absent = [i for i in self.pool if i not in self.present and i not in self.feed]
        keep += [(i, self.pool[i]["text"]) for i in rnd.sample(absent, min(10, len(absent)))]
        self.write_feed(keep)


def check_whole(db, corpus, allowed=None):
    """The index after a kill: opens, --stats agrees with its passages, each article is one
    whole version, searches work, Xapian finds no error. allowed: the article sets the index
    may hold (fresh builds are all or nothing: a first build killed leaves an empty index, a
    killed --rebuild the old one), or None."""
    st = rel.stats(db)
    rows = rel.dump(db)
    arts = rel.by_article(rows)
    if int(st["passages"]) != len(rows) or int(st["articles"]) != len(arts):
        raise Fail(f"--stats says {st['articles']} articles, {st['passages']} passages; "
                   f"the index holds {len(arts)} and {len(rows)}")
    if allowed is not None and set(arts) not in allowed:
        raise Fail(f"a build was seen half done: {len(arts)} articles, not "
                   f"{' or '.join(str(len(a)) for a in allowed)}")
    for aid, ps in arts.items():
        if [p[1] for p in ps] != list(range(len(ps))):
            raise Fail(f"article {aid}: passages {[p[1] for p in ps]}")
        texts = corpus.versions.get(aid)
        if texts is None:
            raise Fail(f"article {aid} was never in the corpus")
        if not any(whole(ps, t) for t in texts):
            raise Fail(f"article {aid}: its passages are not one version of its text:\n"
                       + "\n".join(repr(p[6][:80]) for p in ps))
    out = rel.search_batch(db, rel.queries(40))
    if out.count('"summary":true') != 40:
        raise Fail("not every query was answered")
    if XCHECK:
        stub = open(os.path.join(db, "XAPIANDB")).read().split()
        for i in range(1, len(stub), 2):
            r = run([XCHECK, os.path.join(db, stub[i])])
            if r.returncode != 0 or "No errors found" not in r.stdout:
                raise Fail(f"xapian-check {stub[i]}: {r.stdout[-1500:]}{r.stderr[-500:]}")
    return len(arts)


def whole(ps, text):
    """The passages tile text: each is its byte range, and together they hold every word."""
    b = text.encode("utf-8")
    for p in ps:
        if b[p[4]:p[5]].decode("utf-8", "replace") != p[6]:
            return False
    return " ".join(p[6] for p in ps).split() == text.split()


def comparable(out):
    """Search output without what an updated index may rightly show differently from a clean
    build: Xapian's match estimates (they depend on how documents are laid out) and spelling
    suggestions (the spelling table keeps the words of edited and deleted articles: known,
    reported, and the same without any kill)."""
    out = re.sub(r'"estimated":\d+,"exact":(true|false),', "", out)
    return re.sub(r',"suggestions":\[[^]]*\]', "", out)


def kill_after(argv, delay):
    """Starts argv, SIGKILLs it after delay seconds: True if it was killed, False if it had
    finished (then it must have succeeded)."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return True
    err = p.stderr.read()
    if p.returncode not in (0, 1):
        raise Fail(f"{' '.join(argv)} failed ({p.returncode}): {err[-2000:]}")
    return False


def timed(argv):
    t = time.monotonic()
    run(argv, (0, 1))
    return time.monotonic() - t


STATE = {}


def test_kill_fresh_build(tmp):
    """Kills during a build from nothing and during --rebuild: afterwards there is no index,
    or the old one, or the new one, each whole."""
    pool = {a["id"]: a for a in rel.articles(1500 if not rel.LONG else 3000)}
    corpus = Corpus(os.path.join(tmp, "corpus"), pool)
    for a in list(pool.values())[:1000]:
        corpus.put(a)
    db = os.path.join(tmp, "fresh.db")
    t = timed([INDEX, "--db", db, "-q", corpus.root])
    kills = 0
    rest = [a for a in pool.values() if a["id"] not in corpus.present]
    for i in range(FRESH_KILLS):
        rebuild = i % 2 == 1
        if rebuild:
            # A whole index of the corpus, then a changed corpus rebuilt: old or new, whole.
            run([INDEX, "--db", db, "-q", corpus.root], (0,))
            old = set(corpus.present)
            for aid in rnd.sample(sorted(corpus.present), 50):
                corpus.delete(aid)
            for a in rnd.sample(rest, 50):
                if a["id"] not in corpus.present:
                    corpus.put(a)
            allowed = [old, set(corpus.present)]
        else:
            shutil.rmtree(db, ignore_errors=True)
            allowed = [set(), set(corpus.present)]  # a first build killed: empty index
        argv = [INDEX, "--db", db, "-q"] + (["--rebuild"] if rebuild else []) + [corpus.root]
        if kill_after(argv, rnd.uniform(0.01, t * 1.1)):
            kills += 1
        r = run([INDEX, "--db", db, "--stats"])
        if r.returncode != 0:
            if rebuild or "trawl-index: " not in r.stderr or r.returncode != 2:
                raise Fail(f"after a killed {'rebuild' if rebuild else 'build'}: --stats "
                           f"exited {r.returncode}: {r.stderr}")
            r = run([SEARCH, "--db", db, "anything"], 2)
            if r.stderr.count("\n") != 1:
                raise Fail(f"no index: not a one-line error: {r.stderr!r}")
            continue
        check_whole(db, corpus, allowed)
    run([INDEX, "--db", db, "-q", corpus.root], (0,))
    check_whole(db, corpus, [set(corpus.present)])
    left = [n for n in os.listdir(db) if n.startswith("tmp-")]
    if left:
        raise Fail(f"leftovers of killed builds not cleaned: {left}")
    STATE["fresh_kills"] = kills
    rel.note(f"{kills} kills during fresh builds and rebuilds survived (seed {rel.SEED})")


def test_kill_incremental(tmp):
    """Rounds of changes, each indexed by a run killed at a random moment; then a completing
    run equals a clean build."""
    pool = {a["id"]: a for a in rel.articles(3000)}
    corpus = Corpus(os.path.join(tmp, "corpus"), pool)
    ids = list(pool)
    for aid in ids[:1000]:
        corpus.put(pool[aid])
    corpus.write_feed([(aid, pool[aid]["text"]) for aid in ids[1000:1100]])
    db = os.path.join(tmp, "crash.db")
    run([INDEX, "--db", db, "-q", corpus.root], 0)
    corpus.churn(150, 40, 40)
    t = timed([INDEX, "--db", db, "-q", "--batch", "20", corpus.root])
    kills = rounds = 0
    held = []
    while kills < KILLS and rounds < KILLS * 3:
        rounds += 1
        corpus.churn(150, 40, 40)
        if kill_after([INDEX, "--db", db, "-q", "--batch", "20", corpus.root],
                      rnd.uniform(0.01, t * 1.2)):
            kills += 1
        held.append(check_whole(db, corpus))
    if kills < KILLS:
        raise Fail(f"only {kills} of {rounds} runs were killed before they finished")
    r = run([INDEX, "--db", db, "--batch", "20", corpus.root], 0)
    check_whole(db, corpus)
    present = set(corpus.present) | set(corpus.feed)
    got = rel.dump(db)
    if set(rel.by_article(got)) != present:
        raise Fail(f"after the completing run the index holds "
                   f"{len(rel.by_article(got))} articles, the corpus {len(present)}")
    # The same corpus built cleanly: the same passages, the same results.
    ref = os.path.join(tmp, "clean.db")
    run([INDEX, "--db", ref, "-q", corpus.root], 0)
    want = rel.dump(ref)
    if got != want:
        diff = next(i for i, (a, b) in enumerate(zip(got + [None], want + [None])) if a != b)
        raise Fail(f"passages differ from a clean build at row {diff}: "
                   f"{(got + [None])[diff]} vs {(want + [None])[diff]}")
    qs = rel.queries(300)
    a, b = comparable(rel.search_batch(db, qs)), comparable(rel.search_batch(ref, qs))
    if a != b:
        la, lb = a.splitlines(), b.splitlines()
        i = next(i for i, (x, y) in enumerate(zip(la + [""], lb + [""])) if x != y)
        raise Fail(f"search results differ from a clean build at line {i}:\n{la[i:i+1]}\n"
                   f"{lb[i:i+1]}")
    sa, sb = rel.stats(db), rel.stats(ref)
    for k in ("articles", "passages", "distinct terms"):
        if sa[k] != sb[k]:
            raise Fail(f"--stats {k}: {sa[k]} after the kills, {sb[k]} in a clean build")
    STATE["kills"] = kills
    rel.note(f"{kills} kills in {rounds} rounds survived; index held {min(held)}..{max(held)} "
             f"articles; final {len(present)} articles, {len(got)} passages equal to a clean "
             f"build; {len(qs)} queries agree (seed {rel.SEED})")


if __name__ == "__main__":
    rel.note(f"seed {rel.SEED}{', long mode' if rel.LONG else ''}")
    rel.check(test_kill_fresh_build)
    rel.check(test_kill_incremental)
    rel.finish()
