#!/usr/bin/env python3
"""The article impact file derived from the passage database (common/index_derive.c) against
the one written from an article database whose documents hold ranking terms (a sharded
index's shards, and a compacted sharded index; common/index_impact.c): every section the same
bytes, header included. A single local index (schema 8) has none on its article documents:
its own file must be the derived one.

    derive_test.py BUILD_DIR SOURCE_DIR

Each case builds an index with trawl-index and runs derive_check on it (derive the file into
a scratch path, compare it with the index's own). The articles cover what the derivation has
to get right: titles given and derived (the body's first sentence, which is in no passage),
absent, without a single term, repeated words, a given title that is also the first sentence
(the article document's TERM_TITLE tells), a derived one whose words are four times in every
passage (so counts alone could not tell), a derived title cut with "…"; articles of one
passage and of many; incremental runs that replace and delete articles (docids with gaps),
--compact, one writer and two, a single local index; and Reuters-21578 from ../shared when it is there (skipped
without it). With TRAWL_VALGRIND=1, derive_check runs under valgrind on the small indexes."""
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
CHECK = os.path.join(BUILD, "tests", "derive_check")
REUTERS = os.path.join(os.path.dirname(SOURCE), "shared", "data", "reuters21578.jsonl.gz")
VALGRIND = os.environ.get("TRAWL_VALGRIND", "") not in ("", "0")


class Skip(Exception):
    pass


def run(argv, code=0):
    e = dict(os.environ)
    e.pop("TRAWL_DB", None)
    r = subprocess.run(argv, capture_output=True, text=True, timeout=900, env=e)
    if code is not None and r.returncode != code:
        raise AssertionError(f"{' '.join(argv)} exited {r.returncode}, expected {code}\n"
                             f"stdout: {r.stdout[-3000:]}\nstderr: {r.stderr[-3000:]}")
    return r


def index(db, src, *extra):
    """A sharded index unless extra says otherwise: its shards' article documents hold the
    ranking terms the derivation is compared with (a later run keeps the shards)."""
    shards = [] if os.path.exists(db) or "--single" in extra else ["--shards", "2"]
    extra = [x for x in extra if x != "--single"]
    run([INDEX, "--db", db, "-q", "--min-words", "3", "--max-words", "8", *shards, *extra,
         src], code=None)


def databases(db):
    """The local databases of db's newest generation: its shards, or the one database."""
    gens = [g for g in glob.glob(os.path.join(db, "gen-*"))
            if os.path.isdir(os.path.join(g, "articles"))]
    assert gens, f"no generation in {db}"
    last = max(int(os.path.basename(g).split("-")[1]) for g in gens)
    return sorted(g for g in gens if int(os.path.basename(g).split("-")[1]) == last)


def check(tmp, db, small=True):
    """derive_check on each local database of db's current generation, against the file
    written from its article database's own postings (a shard's article documents hold
    ranking terms; so do those of a compacted sharded index); its report as a TAP comment."""
    reports = []
    for g in databases(db):
        ref = os.path.join(tmp, "ref")
        shutil.rmtree(ref, ignore_errors=True)
        os.mkdir(ref)
        out = os.path.join(tmp, "derived-impacts")
        argv = [CHECK, g, ref, out]
        if VALGRIND and small:
            argv = ["valgrind", "--error-exitcode=3", "--leak-check=full",
                    "--errors-for-leak-kinds=definite,indirect", "--quiet"] + argv
        r = run(argv, code=None)
        report = "\n".join("  " + line for line in r.stdout.splitlines())
        assert r.returncode == 0, \
            f"derive_check {g} exited {r.returncode}\n{report}\n{r.stderr[-3000:]}"
        os.remove(out)
        reports.append(os.path.basename(g) + "\n" + report)
    return "\n".join(reports)


def para(*words, times=1):
    return " ".join(list(words) * times)


# Crafted articles: (id, title or None, paragraphs). With --min-words 3 --max-words 8 each
# paragraph of three words or more is a passage of its own (longer ones are cut).
ARTICLES = [
    ("given-many", "Storm over the harbour", [
        para("storm", "waves", "hit", "the", "harbour", "wall"),
        para("boats", "stayed", "in", "port", "all", "day"),
        para("the", "tide", "rose", "past", "the", "marks"),
        para("harbour", "master", "closed", "the", "gates")]),
    ("given-repeated", "Storm storm storm harbour harbour", [
        para("storm", "again", "tonight"), para("calm", "sea", "today"),
        para("more", "storm", "warnings", "issued")]),
    ("given-one", "A single passage", [para("only", "one", "passage", "here")]),
    ("derived-many", None, [
        "Tide rises fast. Then the river floods the marsh",
        para("herons", "leave", "the", "reeds", "early"),
        para("mud", "covers", "the", "lower", "fields")]),
    ("derived-one", None, ["Short news. Nothing else happened"]),
    ("given-is-first", "Tide rises fast.", [
        "Tide rises fast. Then the river floods the marsh",
        para("herons", "leave", "the", "reeds", "early")]),
    ("given-prefix", "Tide rises", [
        "Tide rises fast. Then the river floods the marsh",
        para("herons", "leave", "the", "reeds", "early")]),
    # Derived: "Rain rain rain rain." is four times in every passage of its own words, so
    # the passage counts alone look as if a given title were added to each.
    ("derived-everywhere", None, [
        "Rain rain rain rain. Rain rain rain rain",
        "rain rain rain rain rain rain rain rain",
        "rain rain rain rain wind"]),
    ("given-everywhere", "Rain rain rain rain.", [
        "Rain rain rain rain. Rain rain rain rain",
        "rain rain rain rain rain rain rain rain"]),
    ("given-no-terms", "— … —", [para("dashes", "make", "no", "terms"),
                               para("so", "nothing", "is", "taken")]),
    ("given-not-in-body", "Zebrafish café Zürich 2021 東京", [
        para("a", "story", "about", "something", "else"),
        para("and", "more", "of", "it", "here")]),
    ("derived-cut", None, [
        " ".join(["longword%02d" % i for i in range(30)]) + ". End of it",
        para("second", "passage", "words")]),
    ("given-long", "Markets " * 30, [
        para("markets", "fell", "sharply"), para("markets", "rose", "again"),
        para("no", "change", "later")]),
]


def write_jsonl(path, articles, changed=()):
    with open(path, "w", encoding="utf-8") as f:
        for aid, title, paras in articles:
            text = "\n\n".join(paras)
            if aid in changed:
                text += "\n\nan added paragraph of words"
            rec = {"id": aid, "date": "2021-03-04", "text": text}
            if title is not None:
                rec["title"] = title
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def corpus(tmp, articles=ARTICLES, changed=()):
    c = os.path.join(tmp, "c")
    if not os.path.exists(c):
        shutil.copytree(os.path.join(SOURCE, "corpus"), c)
    write_jsonl(os.path.join(c, "crafted.jsonl"), articles, changed)
    return c


def fresh_build(tmp):
    db = os.path.join(tmp, "db")
    index(db, corpus(tmp))
    return check(tmp, db)


def one_writer(tmp):
    db = os.path.join(tmp, "db")
    index(db, corpus(tmp), "--writers", "1")
    return check(tmp, db)


def incremental(tmp):
    """Articles replaced (new docids at the end) and deleted (gaps), then one added back;
    then --compact."""
    db = os.path.join(tmp, "db")
    c = corpus(tmp)
    index(db, c)
    reports = [check(tmp, db)]
    corpus(tmp, changed={"given-many", "derived-many", "given-one"})
    index(db, c)
    reports.append(check(tmp, db))
    corpus(tmp, [a for a in ARTICLES if a[0] not in ("given-repeated", "derived-everywhere")],
           changed={"given-many", "derived-many", "given-one"})
    os.remove(os.path.join(c, sorted(os.listdir(c))[0]))
    index(db, c)
    reports.append(check(tmp, db))
    corpus(tmp)
    index(db, c)
    reports.append(check(tmp, db))
    run([INDEX, "--db", db, "--compact"])
    reports.append(check(tmp, db))
    return "\n".join(reports)


def reuters(tmp):
    """The whole collection (as one JSON Lines file in a folder), then a second run in which
    every fifth article has changed and every seventh is gone."""
    if not os.path.exists(REUTERS):
        raise Skip("needs ../shared/data/reuters21578.jsonl.gz")
    c, db = os.path.join(tmp, "r"), os.path.join(tmp, "db")
    os.mkdir(c)
    with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    with open(os.path.join(c, "reuters.jsonl"), "w", encoding="utf-8") as out:
        out.writelines(lines)
    argv = [INDEX, "--db", db, "-q", "--min-words", "20", "--max-words", "200", c]
    run(argv + ["--shards", "2"], code=None)
    reports = [check(tmp, db, small=False)]
    with open(os.path.join(c, "reuters.jsonl"), "w", encoding="utf-8") as out:
        for i, line in enumerate(lines):
            if i % 7 == 3:
                continue
            if i % 5 == 1:
                rec = json.loads(line)
                rec["text"] += "\n\nA paragraph added in the second run of the test."
                line = json.dumps(rec) + "\n"
            out.write(line)
    run(argv, code=None)
    reports.append(check(tmp, db, small=False))
    return "\n".join(reports)


def single(tmp):
    """A single local index (schema 8): its article documents hold no ranking terms, so the
    file written from them differs from the derived one; the file trawl-index keeps is the
    derived one, after a fresh build and after an incremental run."""
    db = os.path.join(tmp, "db")
    c = corpus(tmp)
    index(db, c, "--single")
    reports = []
    for step in range(2):
        if step == 1:
            corpus(tmp, changed={"given-many", "derived-many"})
            index(db, c)
        (g,) = databases(db)
        own = os.path.join(g, "articles", "trawl-impacts")
        assert os.path.exists(own), f"no article impact file at {own}"
        out = os.path.join(tmp, "derived-impacts")
        r = run([CHECK, g, own, out], code=None)
        assert r.returncode == 0, f"the index's own file is not the derived one\n{r.stdout}"
        os.remove(out)
        ref = os.path.join(tmp, "ref")
        shutil.rmtree(ref, ignore_errors=True)
        os.mkdir(ref)
        r = run([CHECK, g, ref, out], code=None)
        assert r.returncode == 1, f"article documents with ranking terms?\n{r.stdout}"
        reports.append(f"run {step + 1}: own file derived; none from the article documents")
    return "\n".join(reports)


def main():
    cases = [fresh_build, one_writer, incremental, single, reuters]
    lines, failed = [], False
    for n, fn in enumerate(cases, 1):
        tmp = os.path.realpath(tempfile.mkdtemp(prefix="derive-"))
        try:
            report = fn(tmp)
            line = f"ok {n} - {fn.__name__}\n# " + report.strip().replace("\n", "\n# ")
        except Skip as e:
            line = f"ok {n} - {fn.__name__} # SKIP {e}"
        except AssertionError as e:
            failed = True
            line = f"not ok {n} - {fn.__name__}\n# " + str(e).replace("\n", "\n# ")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(line, flush=True)
        lines.append(line)
    print(f"1..{len(cases)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
