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


STOPPED = "trawl-index: stopped: the index keeps its last committed batch; run again to finish"


def base_and_more(tmp, db):
    """Indexes BASE articles into db, then puts MORE beside them in the corpus (not indexed).
    Returns the corpus and the indexed articles (rel.by_article)."""
    pool = {a["id"]: a for a in rel.articles(BASE + MORE)}
    corpus = Corpus(os.path.join(tmp, "corpus"), pool)
    ids = list(pool)
    for aid in ids[:BASE]:
        corpus.put(pool[aid])
    run([INDEX, "--db", db, "-q", corpus.root], 0)
    base = rel.by_article(rel.dump(db))
    for aid in ids[BASE:]:
        corpus.put(pool[aid])
    return corpus, base


def fails(db, corpus, why, fsize, what, extra=(), stopped=True):
    """Runs the indexer out of space; it must exit 2 with messages naming why (and, stopped,
    ending with STOPPED). Returns its first line."""
    r = run([INDEX, "--db", db, "-q", "--batch", "100", *extra, corpus.root],
            preexec_fn=limited(fsize))
    lines = r.stderr.splitlines() or [""]
    if (r.returncode != 2 or not any(why in line for line in lines)
            or (stopped and lines[-1] != STOPPED)
            or not all(line.startswith("trawl-index: ") for line in lines)):
        raise Fail(f"{what}: exit {r.returncode}, expected 2 and '{why}':\n{r.stderr}")
    return lines[0]


def kept_whole(db, corpus, base, what):
    """db is consistent and still holds every article of base. Returns its articles."""
    check_whole(db, corpus)
    after = rel.by_article(rel.dump(db))
    lost = [a for a in base if after.get(a) != base[a]]
    if lost:
        raise Fail(f"{what}: {len(lost)} committed articles lost or changed, e.g. {lost[:3]}")
    return after


def full_disk_case(tmp, where, why, fsize=0):
    db = os.path.join(where, "db")
    corpus, base = base_and_more(tmp, db)
    msg = fails(db, corpus, why, fsize, "out of space")
    after = kept_whole(db, corpus, base, "out of space")
    rel.note(f"{where}: '{msg}'; {len(after)} of {BASE + MORE} articles committed")
    revision = rel.stats(db)["revision"]
    # it may fail before writing anything
    fails(db, corpus, why, fsize, "out of space", ["--rebuild"], stopped=False)
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
    base_db, db = os.path.join(tmp, "base"), os.path.join(tmp, "db")
    corpus, base = base_and_more(tmp, base_db)
    for fsize in range(600 << 10, 2 << 20, 97 << 10):
        shutil.rmtree(db, ignore_errors=True)
        shutil.copytree(base_db, db)
        fails(db, corpus, "File too large", fsize, f"limit {fsize}")
        kept_whole(db, corpus, base, f"limit {fsize}")


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
