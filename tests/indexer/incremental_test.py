#!/usr/bin/env python3
"""End-to-end tests of trawl-index's incremental runs, JSON Lines input and locking.

    incremental_test.py BUILD_DIR SOURCE_DIR

Each check builds its own corpus and index in a temporary folder and asserts on the
summary line, the index's --stats (revision: a run that changes nothing writes nothing)
and on what trawl-search finds."""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
SEARCH = os.path.join(BUILD, "searcher", "trawl-search")
failures = []


def run(argv, code=None, cwd=None):
    env = dict(os.environ)
    env.pop("TRAWL_DB", None)  # the index is always named, or ./trawl.db on purpose
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
    if code is not None and r.returncode != code:
        raise AssertionError(f"{argv} exited {r.returncode}, expected {code}\n"
                             f"stdout: {r.stdout}\nstderr: {r.stderr}")
    return r


def summary(r):
    m = re.search(r"added (\d+), updated (\d+), removed (\d+), unchanged (\d+), "
                  r"skipped (\d+) \(passages (\d+)\)", r.stdout)
    assert m, f"no summary line in {r.stdout!r}"
    return tuple(int(x) for x in m.groups())


def stats(db):
    out = run([INDEX, "--db", db, "--stats"], 0).stdout
    return dict(re.findall(r"^(\w[\w ]*?)\s{2,}(.*)$", out, re.M))


def found(db, query):
    r = run([SEARCH, "--db", db, "--trec", "t", "-n", "100", query])
    assert r.returncode in (0, 1), r.stderr
    return sorted(line.split()[2] for line in r.stdout.splitlines())


def article(path, date, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f" date {date} {text}\n")


class Skip(Exception):
    """Raised by a check that cannot run here: reported as a TAP skip."""


def check(fn):
    tmp = tempfile.mkdtemp(prefix="trawl-inc-")
    try:
        fn(tmp)
        print(f"ok - {fn.__name__}")
    except Skip as e:
        print(f"ok - {fn.__name__} # SKIP {e}")
    except AssertionError as e:
        failures.append(fn.__name__)
        print(f"not ok - {fn.__name__}\n# " + str(e).replace("\n", "\n# "))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_add_edit_delete(tmp):
    corpus, db = os.path.join(tmp, "c"), os.path.join(tmp, "db")
    shutil.copytree(os.path.join(SOURCE, "corpus"), corpus)
    assert summary(run([INDEX, "--db", db, corpus], 0))[:5] == (3, 0, 0, 0, 0)
    article(os.path.join(corpus, "fish.txt"), "2020-01-02",
            "Zebrafish are small fish used in genetics laboratories.")
    assert summary(run([INDEX, "--db", db, corpus], 0))[:5] == (1, 0, 0, 3, 0)
    assert found(db, "zebrafish") == ["fish"]
    time.sleep(0.01)  # a new modification time even on coarse clocks
    article(os.path.join(corpus, "fish.txt"), "2020-01-02",
            "Goldfish are small fish kept in bowls.")
    assert summary(run([INDEX, "--db", db, corpus], 0))[:5] == (0, 1, 0, 3, 0)
    assert found(db, "zebrafish") == [], "old text still found"
    assert found(db, "goldfish") == ["fish"]
    os.remove(os.path.join(corpus, "fish.txt"))
    assert summary(run([INDEX, "--db", db, corpus], 0))[:5] == (0, 0, 1, 3, 0)
    assert found(db, "goldfish") == []
    assert stats(db)["articles"] == "3"


def test_unchanged_run_writes_nothing(tmp):
    corpus, db = os.path.join(tmp, "c"), os.path.join(tmp, "db")
    shutil.copytree(os.path.join(SOURCE, "corpus"), corpus)
    run([INDEX, "--db", db, corpus], 0)
    before = stats(db)["revision"]
    assert summary(run([INDEX, "--db", db, corpus], 0))[:5] == (0, 0, 0, 3, 0)
    assert stats(db)["revision"] == before, "an unchanged run wrote to the index"
    # touch: new times, same bytes: nothing re-indexed, only the records refreshed
    for name in os.listdir(corpus):
        os.utime(os.path.join(corpus, name))
    assert summary(run([INDEX, "--db", db, corpus], 0))[:5] == (0, 0, 0, 3, 0)
    assert summary(run([INDEX, "--db", db, corpus], 0))[:5] == (0, 0, 0, 3, 0)


def test_dry_run_and_rebuild(tmp):
    corpus, db = os.path.join(tmp, "c"), os.path.join(tmp, "db")
    shutil.copytree(os.path.join(SOURCE, "corpus"), corpus)
    r = run([INDEX, "--db", db, "--dry-run", corpus], 0)
    assert "dry run" in r.stdout and summary(r)[:1] == (3,)
    assert not os.path.exists(os.path.join(db, "XAPIANDB")), "a dry run wrote an index"
    dry_passages = summary(r)[5]
    real = run([INDEX, "--db", db, corpus], 0)
    assert dry_passages == summary(real)[5], f"dry run passages {dry_passages}: {real.stdout}"
    os.remove(os.path.join(corpus, os.listdir(corpus)[0]))
    r = run([INDEX, "--db", db, "--dry-run", corpus], 0)
    assert summary(r)[:5] == (0, 0, 1, 2, 0)
    assert stats(db)["articles"] == "3", "a dry run removed an article"
    r = run([INDEX, "--db", db, "--rebuild", corpus], 0)
    assert summary(r)[:1] == (2,)
    assert stats(db)["articles"] == "2"
    assert found(db, "social") != []


def test_jsonl_and_gzip(tmp):
    db = os.path.join(tmp, "db")
    rows = [{"id": f"doc{i}", "date": "2001-02-03", "title": f"Title {i}",
             "text": f"Paragraph about topic{i} and shared words.\n\nSecond paragraph {i}."}
            for i in range(50)]
    plain = os.path.join(tmp, "a.jsonl")
    with open(plain, "w", encoding="utf-8") as f:
        for row in rows[:25]:
            f.write(json.dumps(row) + "\n")
        f.write("{not json\n")  # a malformed line: reported, the rest still indexed
        f.write(json.dumps({"id": "late", "text": "after the bad line"}) + "\n")
    gz = os.path.join(tmp, "b.jsonl.gz")
    with gzip.open(gz, "wt", encoding="utf-8") as f:
        for row in rows[25:]:
            f.write(json.dumps(row) + "\n")
    r = run([INDEX, "--db", db, plain, gz], 1)
    assert summary(r)[:5] == (51, 0, 0, 0, 1), r.stdout
    assert "line 26" in r.stderr, r.stderr
    assert found(db, "topic7") == ["doc7"]
    assert found(db, "topic42") == ["doc42"]
    assert found(db, "after bad line") == ["late"]
    # unchanged files are skipped unread (their warnings were given when they were read);
    # an edited file re-indexes only what changed
    assert summary(run([INDEX, "--db", db, plain, gz], 0))[:4] == (0, 0, 0, 51)
    time.sleep(0.01)
    with open(plain, "w", encoding="utf-8") as f:
        for row in rows[:24]:
            f.write(json.dumps(row) + "\n")
        f.write(json.dumps(dict(rows[24], text="Rewritten text about walruses.")) + "\n")
    r = run([INDEX, "--db", db, plain, gz], 0)
    # doc24 updated; "late" is gone from its file
    assert summary(r)[:5] == (0, 1, 1, 49, 0), r.stdout
    assert found(db, "walruses") == ["doc24"]
    assert found(db, "after bad line") == []


def test_second_indexer_is_refused(tmp):
    corpus, db = os.path.join(tmp, "c"), os.path.join(tmp, "db")
    os.makedirs(corpus)
    for i in range(3000):
        article(os.path.join(corpus, f"a{i}.txt"), "2010-01-01",
                " ".join(f"word{(i * 7 + k) % 997}" for k in range(60)))
    first = subprocess.Popen([INDEX, "--db", db, "-j", "1", corpus],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while not os.path.exists(os.path.join(db, ".lock")) and time.time() < deadline:
        time.sleep(0.005)
    second = run([INDEX, "--db", db, corpus])
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    if second.returncode == 0:
        # the first finished before the second started: nothing to assert about the lock
        print("# the first indexer finished too fast to overlap")
        return
    assert second.returncode == 2, second.stderr
    assert "being updated by another trawl-index" in second.stderr, second.stderr


def test_folder_that_is_not_an_index(tmp):
    other = os.path.join(tmp, "stuff")
    os.makedirs(other)
    with open(os.path.join(other, "notes.txt"), "w") as f:
        f.write("my notes\n")
    r = run([INDEX, "--db", other, os.path.join(SOURCE, "corpus")], 2)
    assert "not a trawl index" in r.stderr, r.stderr
    assert os.listdir(other) == ["notes.txt"] or sorted(os.listdir(other)) == [".lock", "notes.txt"]


def test_folder_reached_twice_is_not_a_loop(tmp):
    # w/a/shared lies inside w/a: named first, then reached again through w/a. No link
    # anywhere, so no loop: every file is counted once and nothing is skipped.
    w = os.path.join(tmp, "w")
    os.makedirs(os.path.join(w, "a", "shared"))
    article(os.path.join(w, "a", "top.txt"), "2001-01-01", "Top of the tree.")
    article(os.path.join(w, "a", "shared", "deep.txt"), "2001-01-02", "Deep in the tree.")
    db = os.path.join(tmp, "db")
    for inputs in ([os.path.join(w, "a", "shared"), os.path.join(w, "a")],
                   [os.path.join(w, "a"), os.path.join(w, "a")]):
        r = run([INDEX, "--db", db, "--dry-run"] + inputs, 0)
        assert "loop" not in r.stderr, r.stderr
        assert summary(r)[:5] == (2, 0, 0, 0, 0), r.stdout


def test_real_link_loop_is_skipped(tmp):
    # a folder that is its own ancestor through a link: warned about once, exit 1
    w = os.path.join(tmp, "w")
    os.makedirs(os.path.join(w, "b"))
    article(os.path.join(w, "b", "one.txt"), "2001-01-01", "One article.")
    os.symlink("..", os.path.join(w, "b", "up"))
    r = run([INDEX, "--db", os.path.join(tmp, "db"), "--dry-run", w], 1)
    assert r.stderr.count("symbolic link loop: skipped") == 1, r.stderr
    assert summary(r)[:5] == (1, 0, 0, 0, 1), r.stdout


def as_ordinary_user(tmp):
    """A command prefix that runs as a user whom permissions apply to, owning tmp: nothing
    for an ordinary user; as root (CI), setpriv or runuser to nobody. Skip when neither
    can drop privileges here."""
    if os.geteuid() != 0:
        return []
    for prefix in (["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
                   ["runuser", "-u", "nobody", "--"]):
        if shutil.which(prefix[0]) is None:
            continue
        os.chmod(tmp, 0o755)
        for top, dirs, files in os.walk(tmp):
            for name in [top] + [os.path.join(top, n) for n in dirs + files]:
                os.chown(name, 65534, 65534)
        probe = subprocess.run(prefix + [INDEX, "--version"], capture_output=True)
        test = subprocess.run(prefix + ["test", "-w", tmp], capture_output=True)
        if probe.returncode == 0 and test.returncode == 0:
            return prefix
    raise Skip("running as root and cannot drop privileges (setpriv, runuser)")


def test_unreadable_folder_keeps_its_articles(tmp):
    # issue 15 item 1: a folder (or file) that cannot be read now is not gone: its articles
    # stay. Only one that is really gone (ENOENT) is removed.
    top, db = os.path.join(tmp, "top"), os.path.join(tmp, "db")
    os.makedirs(os.path.join(top, "sub"))
    article(os.path.join(top, "one.txt"), "2001-01-01", "Walruses on the beach.")
    article(os.path.join(top, "sub", "two.txt"), "2001-01-02", "Puffins on the cliff.")
    article(os.path.join(top, "sub", "three.txt"), "2001-01-03", "Gannets over the sea.")
    article(os.path.join(top, "four.txt"), "2001-01-04", "Seals in the harbour.")
    user = as_ordinary_user(tmp)
    assert summary(run(user + [INDEX, "--db", db, top], 0))[:5] == (4, 0, 0, 0, 0)
    os.chmod(os.path.join(top, "sub"), 0)
    os.chmod(os.path.join(top, "four.txt"), 0)
    try:
        r = run(user + [INDEX, "--db", db, top], 1)
        assert "Permission denied" in r.stderr, r.stderr
        assert summary(r)[2] == 0, f"articles of unreadable places removed: {r.stdout}"
        assert found(db, "puffins") == ["two"] and found(db, "seals") == ["four"]
    finally:
        os.chmod(os.path.join(top, "sub"), 0o755)
        os.chmod(os.path.join(top, "four.txt"), 0o644)
    # really gone: removed
    shutil.rmtree(os.path.join(top, "sub"))
    assert summary(run(user + [INDEX, "--db", db, top], 0))[:5] == (0, 0, 2, 2, 0)
    assert found(db, "puffins") == []


def test_no_path_and_no_corpus(tmp):
    # issue 15 item 13: say what was expected, and leave no empty ./trawl.db behind
    r = run([INDEX], 2, cwd=tmp)
    assert "no PATH given and no corpus/ here" in r.stderr, r.stderr
    assert os.listdir(tmp) == [], f"left behind: {os.listdir(tmp)}"
    os.makedirs(os.path.join(tmp, "corpus"))
    article(os.path.join(tmp, "corpus", "a.txt"), "2001-01-01", "An article here.")
    assert summary(run([INDEX], 0, cwd=tmp))[:1] == (1,)
    assert os.path.isdir(os.path.join(tmp, "trawl.db"))


def test_help_fits_80_columns(tmp):
    out = run([INDEX, "--help"], 0).stdout
    wide = [line for line in out.splitlines() if len(line) > 79]
    assert wide == [], "wider than 79 columns:\n" + "\n".join(wide)


def test_verbose_and_ignored(tmp):
    # issue 15 item 11: files that are no input are counted (a second summary line) and
    # -v lists every file added, updated, removed or ignored, with why
    c, db = os.path.join(tmp, "c"), os.path.join(tmp, "db")
    os.makedirs(c)
    article(os.path.join(c, "a.txt"), "2001-01-01", "Alpha article text.")
    article(os.path.join(c, "b.txt"), "2001-01-02", "Beta article text.")
    for name in ("README.md", "notes.TXT"):
        with open(os.path.join(c, name), "w") as f:
            f.write("not an article\n")
    r = run([INDEX, "--db", db, c], 0)
    assert r.stdout.splitlines()[1:] == [
        "ignored 2 files: not .txt, .jsonl or .jsonl.gz (-v lists them)"], r.stdout
    time.sleep(0.01)
    article(os.path.join(c, "b.txt"), "2001-01-02", "Beta article, edited.")
    os.remove(os.path.join(c, "a.txt"))
    os.remove(os.path.join(c, "notes.TXT"))
    article(os.path.join(c, "d.txt"), "2001-01-04", "Delta article text.")
    r = run([INDEX, "--db", db, "-v", c], 0)
    lines = sorted(r.stdout.splitlines()[:-2])
    assert lines == sorted([f"ignored '{c}/README.md': not .txt, .jsonl or .jsonl.gz",
                            f"updated '{c}/b.txt'", f"added '{c}/d.txt'",
                            f"removed '{c}/a.txt' (id a)"]), r.stdout
    assert r.stdout.splitlines()[-1] == "ignored 1 file: not .txt, .jsonl or .jsonl.gz", \
        r.stdout
    # JSON Lines articles are named by file, line and id
    j = os.path.join(tmp, "j.jsonl")
    with open(j, "w") as f:
        f.write(json.dumps({"id": "j1", "text": "One line."}) + "\n")
    r = run([INDEX, "--db", db, "-v", j], 0)
    assert r.stdout.splitlines()[0] == f"added '{j}:1' (id j1)", r.stdout


def test_progress_phases_and_plural(tmp):
    # issue 15 item 12: the closing phases have lines of their own; one article is singular
    c, db = os.path.join(tmp, "c"), os.path.join(tmp, "db")
    os.makedirs(c)
    article(os.path.join(c, "a.txt"), "2001-01-01", "Alpha article text.")
    r = run([INDEX, "--db", db, "--progress", c], 0)
    err = r.stderr.replace("\r", "\n")
    assert "trawl-index: writing the articles still queued…" in err, err
    assert "trawl-index: merging parts…" in err, err
    assert "1 article read, 1 written" in err, err
    assert "1 articles" not in err, err
    # an incremental run has nothing to merge
    article(os.path.join(c, "b.txt"), "2001-01-02", "Beta article text.")
    r = run([INDEX, "--db", db, "--progress", c], 0)
    assert "merging" not in r.stderr, r.stderr
    assert "2 articles read" in r.stderr, r.stderr


def ranked(db, queries, extra=()):
    r = subprocess.run([SEARCH, "--db", db, "--json", "--explain", "-n", "100", "--batch", "-",
                        *extra], input="".join(f"q{i}\t{q}\n" for i, q in enumerate(queries)),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    hits = []
    for line in r.stdout.splitlines():
        d = json.loads(line)
        d.pop("took_ms", None)
        hits.append(d)
    return hits


def art_df(hits, term):
    """The article df the explanations give term (the same in every hit whose article has
    it)."""
    seen = {e["art_df"] for h in hits if "explain" in h for e in h["explain"]
            if e["term"] == term and e["art_tf"] > 0}
    assert len(seen) == 1, f"article df of {term!r}: {seen}"
    return seen.pop()


def test_article_df_follows_every_run(tmp):
    # schema 6: the indexer keeps each term's article df; it must stay what counting the
    # postings gives (--artrank df=walk) through fresh builds in parts, batches of updates
    # and removals, shards and their compaction, and so rank exactly alike.
    import random
    rnd = random.Random(6)
    words = ["harbour", "tide", "copper", "wheat", "zebra", "violin", "glacier", "lantern",
             "meadow", "orbit", "pepper", "quartz", "saddle", "tunnel", "walrus"]

    def text():
        paras = [" ".join(rnd.choice(words) for _ in range(rnd.randint(4, 12)))
                 for _ in range(rnd.randint(1, 4))]
        return "\n\n".join(paras)

    rows = {f"a{i}": {"id": f"a{i}", "title": f"{rnd.choice(words)} report", "text": text()}
            for i in range(60)}
    src = os.path.join(tmp, "articles.jsonl")

    def write():
        with open(src, "w", encoding="utf-8") as f:
            for row in rows.values():
                f.write(json.dumps(row) + "\n")

    def holding(word):
        return sum(1 for r in rows.values() if word in (r["title"] + " " + r["text"]).split())

    queries = words + ["harbour tide", "zebra violin glacier", "walrus -tide"]

    def same_as_walk(db, what):
        a, b = ranked(db, queries), ranked(db, queries, ["--artrank", "df=walk"])
        assert a == b, f"{what}: the stored article df ranks differently from the walk"
        for w in ("zebra", "walrus", "harbour"):
            assert art_df(a, w) == holding(w), (what, w, art_df(a, w), holding(w))

    write()
    db = os.path.join(tmp, "db")
    run([INDEX, "--db", db, "-q", "--writers", "2", "--batch", "7", src], 0)
    same_as_walk(db, "fresh build in two parts")
    for i in range(0, 20, 2):
        rows[f"a{i}"]["text"] = text()
    for i in range(1, 17, 2):
        del rows[f"a{i}"]
    for i in range(60, 65):
        rows[f"a{i}"] = {"id": f"a{i}", "title": "walrus news", "text": text()}
    time.sleep(0.01)
    write()
    assert summary(run([INDEX, "--db", db, "--batch", "3", src], 0))[:3] == (5, 10, 8)
    same_as_walk(db, "incremental run")
    sh = os.path.join(tmp, "sharded")
    run([INDEX, "--db", sh, "-q", "--shards", "3", src], 0)
    same_as_walk(sh, "three shards")
    run([INDEX, "--db", sh, "--compact"], 0)
    same_as_walk(sh, "shards compacted into one")


for t in [test_add_edit_delete, test_unchanged_run_writes_nothing, test_dry_run_and_rebuild,
          test_jsonl_and_gzip, test_second_indexer_is_refused,
          test_folder_that_is_not_an_index, test_folder_reached_twice_is_not_a_loop,
          test_real_link_loop_is_skipped, test_unreadable_folder_keeps_its_articles,
          test_no_path_and_no_corpus, test_help_fits_80_columns, test_verbose_and_ignored,
          test_progress_phases_and_plural, test_article_df_follows_every_run]:
    check(t)
print(f"1..{14}")
sys.exit(1 if failures else 0)
