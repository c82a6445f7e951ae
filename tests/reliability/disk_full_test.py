#!/usr/bin/env python3
"""A full disk: the indexer fails with a clear message and the committed index stays whole.

    disk_full_test.py BUILD_DIR SOURCE_DIR

Two ways to run out of space: a small tmpfs (needs root, as on the CI machines; skipped with
a note otherwise) gives ENOSPC, and a file size limit (RLIMIT_FSIZE with SIGXFSZ ignored,
available to anyone) gives EFBIG. For each: an index of a few hundred articles fits; adding
thousands more fails with exit status 2 and a message naming the system error and saying the
index keeps its last committed batch; the index then opens, is consistent, still holds every
article it had; --rebuild fails the same way and leaves the index exactly as it was; with
room again, a run completes and equals a clean build. A sweep of file size limits across
the commits checks the same of every place the failing write can fall."""
import os
import resource
import shutil
import signal
import subprocess

import rel
from rel import Fail, INDEX, run
from crash_test import Corpus, check_whole, comparable

BASE, MORE = 300, 2700

# Leaks inside Xapian itself when a write fails in its commit (lsan-xapian.supp says which):
# not trawl's, and not what this test is about. ASan builds only; ignored otherwise.
os.environ["LSAN_OPTIONS"] = "suppressions=%s:print_suppressions=0" % os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "lsan-xapian.supp")


def limited(fsize):
    def pre():
        if fsize:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return pre


def full_disk_case(tmp, where, why, fsize=0):
    pool = {a["id"]: a for a in rel.articles(BASE + MORE)}
    corpus = Corpus(os.path.join(tmp, "corpus"), pool)
    ids = list(pool)
    for aid in ids[:BASE]:
        corpus.put(pool[aid])
    db = os.path.join(where, "db")
    run([INDEX, "--db", db, "-q", corpus.root], 0)
    before = rel.dump(db)
    base = rel.by_article(before)
    for aid in ids[BASE:]:
        corpus.put(pool[aid])

    def fails(extra, stopped=True):
        r = run([INDEX, "--db", db, "-q", "--batch", "100", *extra, corpus.root],
                preexec_fn=limited(fsize))
        lines = r.stderr.splitlines() or [""]
        if (r.returncode != 2 or not any(why in line for line in lines)
                or (stopped and lines[-1] != "trawl-index: stopped: the index keeps its last "
                                             "committed batch; run again to finish")
                or not all(line.startswith("trawl-index: ") for line in lines)):
            raise Fail(f"out of space: exit {r.returncode}, expected 2 and '{why}':\n"
                       f"{r.stderr}")
        return lines[0]

    msg = fails([])
    check_whole(db, corpus)
    after = rel.by_article(rel.dump(db))
    lost = [a for a in base if after.get(a) != base[a]]
    if lost:
        raise Fail(f"{len(lost)} committed articles lost or changed, e.g. {lost[:3]}")
    rel.note(f"{where}: '{msg}'; {len(after)} of {BASE + MORE} articles committed")
    revision = rel.stats(db)["revision"]
    fails(["--rebuild"], stopped=False)  # it may fail before writing anything
    if rel.stats(db)["revision"] != revision or rel.by_article(rel.dump(db)) != after:
        raise Fail("a failed --rebuild changed the index")
    left = [n for n in os.listdir(db) if n.startswith("tmp-")]
    if left:
        raise Fail(f"a failed build left {left} behind")
    return corpus, db


def finish_and_compare(tmp, corpus, db):
    run([INDEX, "--db", db, "-q", corpus.root], 0)
    ref = os.path.join(tmp, "clean.db")
    run([INDEX, "--db", ref, "-q", corpus.root], 0)
    if rel.dump(db) != rel.dump(ref):
        raise Fail("after the disk had room again: passages differ from a clean build")
    qs = rel.queries(100)
    if comparable(rel.search_batch(db, qs)) != comparable(rel.search_batch(ref, qs)):
        raise Fail("after the disk had room again: results differ from a clean build")


def test_file_size_limit(tmp):
    corpus, db = full_disk_case(tmp, tmp, "File too large", fsize=1 << 20)
    finish_and_compare(tmp, corpus, db)


def test_limits_across_the_commit(tmp):
    # Where the limit falls decides which write fails; some of those make Xapian 1.4.22 end the
    # process inside its commit (an exception escaping a destructor while an earlier failed
    # write is handled). trawl-index must still exit 2 with its message, and lose nothing.
    pool = {a["id"]: a for a in rel.articles(BASE + MORE)}
    corpus = Corpus(os.path.join(tmp, "corpus"), pool)
    ids = list(pool)
    for aid in ids[:BASE]:
        corpus.put(pool[aid])
    base = os.path.join(tmp, "base")
    run([INDEX, "--db", base, "-q", corpus.root], 0)
    kept = rel.by_article(rel.dump(base))
    for aid in ids[BASE:]:
        corpus.put(pool[aid])
    db = os.path.join(tmp, "db")
    for fsize in range(600 << 10, 2 << 20, 97 << 10):
        shutil.rmtree(db, ignore_errors=True)
        shutil.copytree(base, db)
        r = run([INDEX, "--db", db, "-q", "--batch", "100", corpus.root],
                preexec_fn=limited(fsize))
        lines = r.stderr.splitlines() or [""]
        if (r.returncode != 2 or not any("File too large" in line for line in lines)
                or lines[-1] != "trawl-index: stopped: the index keeps its last committed "
                                "batch; run again to finish"
                or not all(line.startswith("trawl-index: ") for line in lines)):
            raise Fail(f"limit {fsize}: exit {r.returncode}, expected 2 and 'File too large':"
                       f"\n{r.stderr}")
        check_whole(db, corpus)
        after = rel.by_article(rel.dump(db))
        lost = [a for a in kept if after.get(a) != kept[a]]
        if lost:
            raise Fail(f"limit {fsize}: committed articles lost or changed, e.g. {lost[:3]}")


def test_full_tmpfs(tmp):
    mnt = os.path.join(tmp, "small")
    os.mkdir(mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt],
                       capture_output=True, text=True)
    if r.returncode != 0:
        rel.note(f"SKIP a full tmpfs: cannot mount one here ({r.stderr.strip()})")
        return
    try:
        corpus, db = full_disk_case(tmp, mnt, "No space left on device")
        run(["mount", "-o", "remount,size=256m", mnt], 0)
        finish_and_compare(tmp, corpus, db)
    finally:
        subprocess.run(["umount", "-l", mnt])


if __name__ == "__main__":
    rel.check(test_file_size_limit)
    rel.check(test_limits_across_the_commit)
    rel.check(test_full_tmpfs)
    rel.finish()
