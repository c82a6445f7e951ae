#!/usr/bin/env python3
"""An article is never replaced by a file other than the one it came from without saying so
(issue 23, item 2). The index records each article's source file; another file with the same
article id is skipped with a warning naming both (exit 1), unless the recorded file is gone
(the article moved: taken over, "moved" under -v) or --replace is given.

    owner_test.py BUILD_DIR SOURCE_DIR"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

import tap

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
SEARCH = os.path.join(BUILD, "searcher", "trawl-search")


def run(argv, code):
    env = dict(os.environ)
    env.pop("TRAWL_DB", None)
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)
    if r.returncode != code:
        raise AssertionError(f"{argv} exited {r.returncode}, expected {code}\n"
                             f"stdout: {r.stdout}\nstderr: {r.stderr}")
    return r


def summary(r):
    m = re.search(r"added (\d+), updated (\d+), removed (\d+), unchanged (\d+), "
                  r"skipped (\d+) \(passages (\d+)\)", r.stdout)
    assert m, f"no summary line in {r.stdout!r}"
    return tuple(int(x) for x in m.groups())[:5]


def found(db, query):
    r = subprocess.run([SEARCH, "--db", db, "--trec", "t", "-n", "100", query],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    return sorted(line.split()[2] for line in r.stdout.splitlines())


def revision(db):
    out = run([INDEX, "--db", db, "--stats"], 0).stdout
    return re.search(r"^revision\s+(\S+)", out, re.M).group(1)


def article(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f" date 2001-01-01 {text}\n")


def jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")




def another_file_same_id_is_skipped(tmp):
    # the issue's own steps: mycorpus/new1.txt indexed, then other/new1.txt, a different story
    db, mine, other = f"{tmp}/db", f"{tmp}/mycorpus/new1.txt", f"{tmp}/other/new1.txt"
    article(mine, "The first story is about walruses.")
    article(other, "A different story about puffins.")
    run([INDEX, "--db", db, mine], 0)
    before = revision(db)
    for argv in ([f"{tmp}/other"], ["-v", f"{tmp}/other"], ["--dry-run", f"{tmp}/other"]):
        r = run([INDEX, "--db", db] + argv, 1)
        assert summary(r) == (0, 0, 0, 0, 1), r.stdout
        assert r.stderr == (f"trawl-index: '{other}': article id 'new1' is already indexed "
                            f"from '{mine}': skipped (--replace replaces it)\n"), r.stderr
        assert "updated '" not in r.stdout, r.stdout
    assert found(db, "walruses") == ["new1"] and found(db, "puffins") == []
    assert revision(db) == before, "a skipped clash wrote to the index"
    # both named in one run, the clashing one first: the article's own file is still read
    # (and its edit indexed), not reported as a repeat
    time.sleep(0.01)
    article(mine, "The first story is about walruses and seals.")
    r = run([INDEX, "--db", db, other, mine], 1)
    assert summary(r) == (0, 1, 0, 0, 1), r.stdout
    assert "seen before" not in r.stderr, r.stderr
    assert found(db, "seals") == ["new1"] and found(db, "puffins") == []


def replace_flag_takes_it_over(tmp):
    db, mine, other = f"{tmp}/db", f"{tmp}/a/new1.txt", f"{tmp}/b/new1.txt"
    article(mine, "The first story is about walruses.")
    article(other, "A different story about puffins.")
    run([INDEX, "--db", db, mine], 0)
    r = run([INDEX, "--db", db, "-v", "--replace", other], 0)
    assert summary(r) == (0, 1, 0, 0, 0), r.stdout
    assert f"replaced '{mine}' with '{other}'" in r.stdout, r.stdout
    assert found(db, "puffins") == ["new1"] and found(db, "walruses") == []
    # other is now the source: the first file clashes in its turn, and is not removed
    r = run([INDEX, "--db", db, f"{tmp}/a"], 1)
    assert f"already indexed from '{other}'" in r.stderr, r.stderr
    assert summary(r) == (0, 0, 0, 0, 1), r.stdout
    # the recorded file's folder scanned: it stays, unchanged
    assert summary(run([INDEX, "--db", db, f"{tmp}/b"], 0)) == (0, 0, 0, 1, 0)


def moved_file_is_followed(tmp):
    db, old, new = f"{tmp}/db", f"{tmp}/c/new1.txt", f"{tmp}/elsewhere/new1.txt"
    article(old, "The first story is about walruses.")
    run([INDEX, "--db", db, f"{tmp}/c"], 0)
    os.makedirs(os.path.dirname(new))
    os.rename(old, new)
    before = revision(db)
    r = run([INDEX, "--db", db, "-v", f"{tmp}/elsewhere"], 0)
    assert summary(r) == (0, 0, 0, 1, 0), r.stdout
    assert f"moved '{old}' to '{new}'" in r.stdout, r.stdout
    assert r.stderr == "", r.stderr
    assert found(db, "walruses") == ["new1"]
    # the record followed: the old folder no longer holds it, so scanning it removes nothing
    os.makedirs(os.path.dirname(old), exist_ok=True)
    article(f"{tmp}/c/keep.txt", "Something to index.")
    assert summary(run([INDEX, "--db", db, f"{tmp}/c"], 0)) == (1, 0, 0, 0, 0)
    assert found(db, "walruses") == ["new1"]
    # moved and edited: re-indexed from its new place
    os.rename(new, f"{tmp}/c/new1.txt")
    time.sleep(0.01)
    article(f"{tmp}/c/new1.txt", "Walruses moved back, with seals.")
    r = run([INDEX, "--db", db, "-v", f"{tmp}/c"], 0)
    assert summary(r) == (0, 1, 0, 1, 0), r.stdout
    assert f"moved '{new}' to '{tmp}/c/new1.txt'" in r.stdout, r.stdout
    assert found(db, "seals") == ["new1"]
    assert revision(db) != before


def jsonl_copy_is_skipped_with_one_summary(tmp):
    # a byte-identical copy of a collection: every article skipped, before any analysis, with
    # two lines on stderr whatever its size; -v lists each one; nothing written
    db, a, b = f"{tmp}/db", f"{tmp}/a/news.jsonl", f"{tmp}/b/news.jsonl"
    rows = [{"id": f"n{i}", "text": f"Story {i} about topic{i} and shared words."}
            for i in range(300)]
    jsonl(a, rows)
    run([INDEX, "--db", db, "-q", f"{tmp}/a"], 0)
    os.makedirs(os.path.dirname(b))
    shutil.copy(a, b)
    before = revision(db)
    r = run([INDEX, "--db", db, f"{tmp}/b"], 1)
    assert summary(r) == (0, 0, 0, 0, 300), r.stdout
    assert r.stderr.splitlines() == [
        f"trawl-index: '{b}:1': article id 'n0' is already indexed from '{a}': skipped "
        f"(--replace replaces it)",
        f"trawl-index: '{b}': 299 more articles already indexed from other files: skipped "
        f"(-v lists them)"], r.stderr
    assert revision(db) == before, "a skipped copy wrote to the index"
    # said again on the next run: the copy is not recorded as done
    r = run([INDEX, "--db", db, "-v", f"{tmp}/b"], 1)
    assert f"skipped '{b}:300' (id n299): already indexed from '{a}'" in r.stdout, r.stdout
    assert len(r.stderr.splitlines()) == 2, r.stderr
    # both named in one run: the copy's articles are repeats, summed up the same way
    r = run([INDEX, "--db", db, f"{tmp}/a", f"{tmp}/b"], 1)
    assert summary(r) == (0, 0, 0, 300, 300), r.stdout
    assert r.stderr.splitlines() == [
        f"trawl-index: '{b}:1': article id 'n0' seen before in this run: skipped",
        f"trawl-index: '{b}': 299 more articles seen before in this run: skipped "
        f"(-v lists them)"], r.stderr
    # --replace with the same bytes: the records follow, nothing is re-indexed
    r = run([INDEX, "--db", db, "--replace", f"{tmp}/b"], 0)
    assert summary(r) == (0, 0, 0, 300, 0), r.stdout
    assert found(db, "topic7") == ["n7"]


def article_moved_between_collections(tmp):
    # n1 leaves a.jsonl (still there) for b.jsonl, read after it: a.jsonl, read to its end
    # without n1, gave it up, so it moved
    db, a, b = f"{tmp}/db", f"{tmp}/c/a.jsonl", f"{tmp}/c/b.jsonl"
    jsonl(a, [{"id": "n0", "text": "About walruses."}, {"id": "n1", "text": "About seals."}])
    run([INDEX, "--db", db, f"{tmp}/c"], 0)
    time.sleep(0.01)
    jsonl(a, [{"id": "n0", "text": "About walruses."}])
    jsonl(b, [{"id": "n1", "text": "About seals and gannets."}])
    r = run([INDEX, "--db", db, "-v", f"{tmp}/c"], 0)
    assert summary(r) == (0, 1, 0, 1, 0), r.stdout
    assert f"moved '{a}' to '{b}:1' (id n1)" in r.stdout, r.stdout
    assert found(db, "gannets") == ["n1"]
    # back again, into a file read before the one that held it: put off until b.jsonl is
    # read, which no longer holds it, so it moved too
    time.sleep(0.01)
    jsonl(a, [{"id": "n0", "text": "About walruses."}, {"id": "n1", "text": "About puffins."}])
    jsonl(b, [])
    r = run([INDEX, "--db", db, "-v", f"{tmp}/c"], 0)
    assert summary(r) == (0, 1, 0, 1, 0), r.stdout
    assert f"moved '{b}' to '{a}:2' (id n1)" in r.stdout, r.stdout
    assert found(db, "puffins") == ["n1"] and found(db, "gannets") == []
    assert summary(run([INDEX, "--db", db, f"{tmp}/c"], 0)) == (0, 0, 0, 2, 0)
    # an article file read before the collection that holds its id: a repeat while the
    # collection still holds it, moved once it does not
    article(f"{tmp}/c/0/n0.txt", "About walruses, as a file.")
    for _ in range(2):
        r = run([INDEX, "--db", db, f"{tmp}/c"], 1)
        assert r.stderr == (f"trawl-index: '{tmp}/c/0/n0.txt': article id 'n0' seen before "
                            f"in this run: skipped\n"), r.stderr
        assert summary(r) == (0, 0, 0, 2, 1), r.stdout
    time.sleep(0.01)
    jsonl(a, [{"id": "n1", "text": "About puffins."}])
    r = run([INDEX, "--db", db, "-v", f"{tmp}/c"], 0)
    assert f"moved '{a}' to '{tmp}/c/0/n0.txt'" in r.stdout, r.stdout
    assert summary(r) == (0, 1, 0, 1, 0), r.stdout
    assert found(db, "file") == ["n0"]
    assert summary(run([INDEX, "--db", db, f"{tmp}/c"], 0)) == (0, 0, 0, 2, 0)


def replaced_collection_is_read_again(tmp):
    # after --replace, the collection that lost its articles still holds them: it is read
    # again (not passed over as unchanged), so they are said to clash, and come back from it
    # when the file that took them goes
    db, a, b = f"{tmp}/db", f"{tmp}/a/news.jsonl", f"{tmp}/b/news.jsonl"
    jsonl(a, [{"id": f"n{i}", "text": f"Story {i} about topic{i}."} for i in range(20)])
    run([INDEX, "--db", db, "-q", f"{tmp}/a"], 0)
    os.makedirs(os.path.dirname(b))
    shutil.copy(a, b)
    run([INDEX, "--db", db, "-q", "--replace", f"{tmp}/b"], 0)
    r = run([INDEX, "--db", db, f"{tmp}/a"], 1)
    assert summary(r) == (0, 0, 0, 0, 20), r.stdout
    assert f"already indexed from '{b}'" in r.stderr, r.stderr
    os.remove(b)
    r = run([INDEX, "--db", db, "-v", f"{tmp}/a", f"{tmp}/b"], 0)
    assert summary(r) == (0, 0, 0, 20, 0), r.stdout
    assert f"moved '{b}' to '{a}:1' (id n0)" in r.stdout, r.stdout
    assert found(db, "topic7") == ["n7"]
    assert summary(run([INDEX, "--db", db, f"{tmp}/a", f"{tmp}/b"], 0)) == (0, 0, 0, 20, 0)


def repeat_in_one_run_is_kept_for_later(tmp):
    # two new collections with one id: the second's is skipped, and that file is read again
    # on every run, so when the first goes, the article comes from the second
    db, a, b = f"{tmp}/db", f"{tmp}/c/a.jsonl", f"{tmp}/c/b.jsonl"
    jsonl(a, [{"id": "n1", "text": "About walruses."}])
    jsonl(b, [{"id": "n1", "text": "About puffins."}, {"id": "n2", "text": "About seals."}])
    for _ in range(2):
        r = run([INDEX, "--db", db, f"{tmp}/c"], 1)
        assert f"'{b}:1': article id 'n1' seen before in this run: skipped" in r.stderr, \
            r.stderr
    os.remove(a)
    r = run([INDEX, "--db", db, f"{tmp}/c"], 0)
    assert summary(r) == (0, 1, 0, 1, 0), r.stdout
    assert found(db, "puffins") == ["n1"] and found(db, "walruses") == []
    assert summary(run([INDEX, "--db", db, f"{tmp}/c"], 0)) == (0, 0, 0, 2, 0)


tap.run_cases([another_file_same_id_is_skipped, replace_flag_takes_it_over, moved_file_is_followed,
               jsonl_copy_is_skipped_with_one_summary, article_moved_between_collections,
               replaced_collection_is_read_again, repeat_in_one_run_is_kept_for_later],
              "trawl-owner")
