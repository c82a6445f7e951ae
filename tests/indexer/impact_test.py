#!/usr/bin/env python3
"""End-to-end tests of the article impact file (common/impact.c, common/index_impact.c): the
flat copy of the article database's postings that trawl-index writes into the database's
folder (gen-N/articles/trawl-impacts) and trawl-search uses for plain queries while the
file's header matches the revision it sees.

    impact_test.py BUILD_DIR SOURCE_DIR

Each case indexes corpus/ plus 300 generated articles (so that a query matches more articles
than Xapian checks before it estimates) in a temporary folder and checks that:
  - trawl-search's --trec output, exit code and standard error are the same with the files as
    with TRAWL_IMPACTS=off (the passage file ignored: Xapian answers the passage questions; the
    article file has no Xapian twin in a single index, schema 8, and is checked against a
    sharded index of the same articles below): a dozen queries in one --batch (one index handle)
    and a few each in its own process (the file opened afresh), also through the plain
    database (the generation's folder);
  - the file is used while current: the JSON "estimated" of a query that matches 290 articles
    asked for one hit is then exact, where the passages' (without a current file) is not;
  - a run that changes nothing leaves the file alone, one that adds an article rewrites it;
  - a stale file (put back after a run), a truncated one, one overwritten in its term table or
    postings, and a removed one change no result, and are not used (but for the undamaged terms
    of the overwritten one); the next run rewrites a stale or truncated one, and --compact
    writes one for its new generation;
  - a sharded index has none and ranks as the single index does (Xapian ranks its shards'
    article documents, which hold ranking terms): plain queries, operators and filters;
  - a reader that opened the index while the files were missing takes them up once written;
  - the passage database's file answers the every-passage view as Xapian does;
  - queries with operators (-word, +word, AND, NOT, parentheses, --all) are answered by the
    files (impact_match) in both views with Xapian's results, and the file is used for them.

tests/indexer/impact_ops_test.py does the same on Reuters queries."""
import difflib
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import run_cases  # noqa: E402

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
SEARCH = os.path.join(BUILD, "searcher", "trawl-search")

# Words of corpus/ (one, two, a word twice: two leaves), of the generated articles, both, and
# none (no match: exit 1 either way).
QUERIES = [
    "social media", "party", "congress", "leaders", "government", "facebook likes", "minority",
    "training workshops", "prime minister", "twitter", "digital technology", "elections",
    "party party", "river delta", "storm harbour tide", "heron marsh reed", "congress river",
    "media estuary current", "zebrafish",
]
BUSY = "river delta"  # matches about 290 of the 303 articles
VOCAB = ("river delta flow water bank storm harbour tide island coast cliff wave salt marsh "
         "reed heron mud estuary current channel party congress media").split()


def run(argv, env=None, code=None):
    e = dict(os.environ)
    e.pop("TRAWL_DB", None)
    e.pop("TRAWL_IMPACTS", None)
    e.update(env or {})
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=e)
    if code is not None and r.returncode != code:
        raise AssertionError(f"{argv} exited {r.returncode}, expected {code}\n"
                             f"stdout: {r.stdout[-2000:]}\nstderr: {r.stderr[-2000:]}")
    return r


def corpus(tmp):
    """corpus/ and 300 generated articles (seeded: the same every run; one JSON Lines file,
    quicker to write than 300) in tmp/c."""
    c = os.path.join(tmp, "c")
    shutil.copytree(os.path.join(SOURCE, "corpus"), c)
    rng = random.Random(7)
    with open(os.path.join(c, "gen.jsonl"), "w", encoding="utf-8") as f:
        for i in range(300):
            words = VOCAB[:rng.randrange(3, len(VOCAB))]
            text = " ".join(rng.choice(words) for _ in range(rng.randrange(5, 40)))
            f.write(json.dumps({"id": f"gen{i:03d}", "date": f"2020-01-{1 + i % 28:02d}",
                                "text": text.capitalize() + "."}) + "\n")
    return c


def build(tmp, *extra):
    c, db = corpus(tmp), os.path.join(tmp, "db")
    run([INDEX, "--db", db, *extra, c], code=0)
    return c, db


def add_article(c, name, text):
    with open(os.path.join(c, name + ".txt"), "w", encoding="utf-8") as f:
        f.write(f" date 2021-05-06 {text}\n")


def impact_file(db):
    """The one impact file of db's current generation (asserting there is one folder)."""
    gens = [g for g in glob.glob(os.path.join(db, "gen-*")) if os.path.isdir(g)]
    assert len(gens) == 1, f"generations: {gens}"
    return os.path.join(gens[0], "articles", "trawl-impacts")


def identity(path):
    st = os.stat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def search(db, queries, off=False, extra=()):
    """trawl-search --trec for each query, as one process per query: (stdout, stderr, exit)."""
    env = {"TRAWL_IMPACTS": "off"} if off else {}
    out = []
    for q in queries:
        r = run([SEARCH, "--db", db, "--trec", "x", "-n", "20", *extra, q], env)
        out.append((r.stdout, r.stderr, r.returncode))
    return out


def batch(tmp, db, queries, off=False, flags=()):
    """trawl-search --trec --batch over queries: one process, one index handle."""
    qf = os.path.join(tmp, "queries.tsv")
    with open(qf, "w", encoding="utf-8") as f:
        for i, q in enumerate(queries):
            f.write(f"q{i}\t{q}\n")
    r = run([SEARCH, "--db", db, "--trec", "x", "-n", "20", *flags, "--batch", qf],
            {"TRAWL_IMPACTS": "off"} if off else {})
    return r.stdout, r.stderr, r.returncode


def differ(what, a, b, a_name, b_name):
    """An assertion message: what, then a unified diff of the outputs a and b (stdout, stderr,
    exit), cut to 30 lines."""
    la = a[0].splitlines() + [f"stderr: {a[1]!r}", f"exit {a[2]}"]
    lb = b[0].splitlines() + [f"stderr: {b[1]!r}", f"exit {b[2]}"]
    d = list(difflib.unified_diff(la, lb, a_name, b_name, lineterm="", n=1))
    return f"{what}:\n" + "\n".join(d[:30])


def same_as_xapian(tmp, db, queries=QUERIES):
    """With the file as it is and without it: the same --trec output, exit and stderr, in one
    batch (one index handle for every query) and for a few queries each in its own process
    (the file opened afresh); none of them fails or says anything."""
    g, w = batch(tmp, db, queries), batch(tmp, db, queries, off=True)
    assert g == w, differ("batch", g, w, "with the impact file", "TRAWL_IMPACTS=off")
    assert g[1] == "" and g[2] == 0, f"batch: exit {g[2]}, stderr {g[1]!r}"
    alone = [q for q in queries if q in ("party", "congress river", "zebrafish")] + queries[-1:]
    for q, g, w in zip(alone, search(db, alone), search(db, alone, off=True)):
        assert g == w, differ(repr(q), g, w, "with the impact file", "TRAWL_IMPACTS=off")
        assert g[1] == "" and g[2] == (1 if q == "zebrafish" else 0), \
            f"{q!r}: exit {g[2]}, stderr {g[1]!r}"


def estimated(db, query, n, off=False):
    r = run([SEARCH, "--db", db, "--json", "-n", str(n), query],
            {"TRAWL_IMPACTS": "off"} if off else {}, code=0)
    summary = [json.loads(line) for line in r.stdout.splitlines() if '"summary"' in line]
    assert len(summary) == 1, r.stdout
    return summary[0]["estimated"]


def uses_file(db, query=BUSY):
    """Whether trawl-search answered query (BUSY) from the article impact file: its estimate
    for one hit is then the exact count (as asked for every hit). Without a current file a
    single index ranks from the passages (its article documents hold no ranking terms: schema
    8), whose collapsed estimate for one hit is Xapian's guess (asked with the passage file
    ignored, TRAWL_IMPACTS=off, which leaves the article file alone)."""
    exact, got = estimated(db, query, 1000, off=True), estimated(db, query, 1, off=True)
    return got == exact


def every_word(c):
    """Each distinct word of the articles under c: queried one by one, they reach every term
    of the index (and so every entry of a damaged term table)."""
    words = set()
    for path in glob.glob(os.path.join(c, "**", "*.*"), recursive=True):
        with open(path, encoding="utf-8") as f:
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", f.read()))
    return sorted(words - {"id", "date", "text"})


def test_same_results_and_file_used(tmp):
    c, db = build(tmp)
    f = impact_file(db)
    assert os.path.isfile(f), "no impact file after indexing"
    assert not os.path.exists(f + ".tmp")
    assert uses_file(db), "trawl-search did not use a current impact file"
    same_as_xapian(tmp, db)
    # The generation's folder opened as a plain database: the same file, the same answers.
    plain = os.path.dirname(os.path.dirname(f))
    assert uses_file(plain), "trawl-search did not use the plain database's impact file"
    same_as_xapian(tmp, plain)
    assert batch(tmp, plain, QUERIES) == batch(tmp, db, QUERIES)


def test_noop_run_keeps_incremental_run_rewrites(tmp):
    c, db = build(tmp)
    f = impact_file(db)
    before = identity(f)
    run([INDEX, "--db", db, c], code=0)
    assert identity(f) == before, "a run that changed nothing rewrote the impact file"
    add_article(c, "zz-new", "Zyzzyva beetles live along the river delta.")
    run([INDEX, "--db", db, c], code=0)
    assert impact_file(db) == f
    assert identity(f)[0] != before[0], "a run that added an article kept the old impact file"
    assert uses_file(db)
    same_as_xapian(tmp, db, QUERIES + ["zyzzyva", "zyzzyva beetles"])
    out = search(db, ["zyzzyva"])[0][0].split()
    assert out[2] == "zz-new" and len(out) == 6, f"the new article not found alone: {out}"


def test_stale_file_not_used_then_rewritten(tmp):
    c, db = build(tmp)
    f = impact_file(db)
    old = os.path.join(tmp, "old-impacts")
    shutil.copy2(f, old)
    add_article(c, "zz-new", "Zyzzyva beetles live along the river delta.")
    run([INDEX, "--db", db, c], code=0)
    shutil.copy2(old, f + ".put")
    os.replace(f + ".put", f)  # the file of the revision before, whole
    assert not uses_file(db), "trawl-search used an impact file of another revision"
    same_as_xapian(tmp, db, QUERIES + ["zyzzyva", "zyzzyva beetles"])
    assert "zz-new" in search(db, ["zyzzyva"])[0][0], "the new article not found"
    stale = identity(f)
    run([INDEX, "--db", db, c], code=0)  # changes nothing in the index
    assert identity(f)[0] != stale[0], "a run kept a stale impact file"
    assert uses_file(db), "the rewritten file is not used"
    same_as_xapian(tmp, db, QUERIES + ["zyzzyva"])


def test_truncated_file_not_used_then_rewritten(tmp):
    c, db = build(tmp)
    f = impact_file(db)
    size = os.path.getsize(f)
    os.truncate(f, size // 2)
    assert not uses_file(db), "trawl-search used a truncated impact file"
    same_as_xapian(tmp, db)
    run([INDEX, "--db", db, c], code=0)
    assert os.path.getsize(f) == size, "the next run did not rewrite a truncated file"
    assert uses_file(db)
    same_as_xapian(tmp, db)


def overwrite(path, at, n=64):
    with open(path, "r+b") as fh:
        fh.seek(at)
        fh.write(b"\xff" * n)


def test_overwritten_file_changes_nothing(tmp):
    # 64 bytes of 0xff in the middle of the term table (a term's entry pointing nowhere) and in
    # the middle of the postings (continuation bytes). The sections' offsets are the header's
    # 64-bit words (impact.c): postings at 88 (length 96), terms at 120, lengths at 128. Every
    # word of the corpus is asked, so the damaged entries and postings are. (A file whose header
    # still matches is kept until the database changes: the writer reads the header alone.)
    c, db = build(tmp)
    f = impact_file(db)
    pristine = os.path.join(tmp, "pristine")
    shutil.copy2(f, pristine)
    words = every_word(c)
    with open(f, "rb") as fh:
        head = fh.read(256)
    word = [int.from_bytes(head[i:i + 8], sys.byteorder) for i in range(0, 256, 8)]
    post_off, post_len, terms_off, lens_off = word[11], word[12], word[15], word[16]
    assert post_off == 256 and post_len > 128 and lens_off - terms_off > 128, word
    for at in ((terms_off + lens_off) // 2, post_off + post_len // 2):
        shutil.copy2(pristine, f)
        overwrite(f, at)
        same_as_xapian(tmp, db)
        g, w = batch(tmp, db, words), batch(tmp, db, words, off=True)
        assert g == w, differ(f"damage at byte {at}, every word", g, w, "with the impact file",
                              "TRAWL_IMPACTS=off")
        assert g[1] == "" and g[2] == 0, g


def test_removed_file_then_compact(tmp):
    c, db = build(tmp)
    f = impact_file(db)
    before = batch(tmp, db, QUERIES)
    os.remove(f)
    assert not uses_file(db)
    same_as_xapian(tmp, db)
    run([INDEX, "--db", db, "--compact"], code=0)
    g = impact_file(db)
    assert g != f, f"--compact kept the generation {g}"
    assert os.path.isfile(g), "--compact wrote no impact file for its generation"
    assert uses_file(db)
    same_as_xapian(tmp, db)
    after = batch(tmp, db, QUERIES)
    assert after == before, differ("compaction", after, before, "after", "before")


def test_sharded_index_has_none(tmp):
    c, single = build(tmp)
    sharded = os.path.join(tmp, "sharded")
    run([INDEX, "--db", sharded, "--shards", "3", c], code=0)
    found = [os.path.join(d, n) for d, _, names in os.walk(sharded) for n in names
             if n.startswith("trawl-impacts")]
    assert found == [], f"a sharded index has impact files: {found}"
    assert len(glob.glob(os.path.join(sharded, "gen-*-shard-*"))) == 3
    # The article file against Xapian on the shards' article documents: plain queries, the
    # operators, filters (decided by Xapian on the single index's article database, then the
    # words walked over what they leave) and excluded phrases, in both views.
    queries = QUERIES + OPS + FILTERED
    for flags in ((), ("--all-passages",)):
        got = batch(tmp, sharded, queries, flags=flags)
        want = batch(tmp, single, queries, flags=flags)
        assert got == want, differ(f"sharded and single {flags}", got, want, "sharded",
                                   "single")
    same_as_xapian(tmp, sharded)


def ask(p, query, *flags):
    """One query through a running `trawl-search --json --batch -` (p): its summary object."""
    p.stdin.write(f"q\t{query}\n")
    p.stdin.flush()
    while True:
        line = p.stdout.readline()
        assert line, "trawl-search --batch - ended early"
        o = json.loads(line)
        if o.get("summary"):
            return o


def test_reader_finds_file_written_after_it_opened(tmp):
    """A reader that opened the index while its files were missing (a writer still writing
    them, or a run that was killed) uses them once they appear, with no new revision."""
    c, db = build(tmp)
    files = [impact_file(db), os.path.join(os.path.dirname(impact_file(db)), "..",
                                           "trawl-impacts")]
    exact = estimated(db, BUSY, 1000, off=True)
    for f in files:
        os.remove(f)
    e = dict(os.environ)
    e.pop("TRAWL_IMPACTS", None)
    p = subprocess.Popen([SEARCH, "--db", db, "--json", "-n", "1", "--batch", "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=e)
    try:
        before = ask(p, BUSY)["estimated"]
        assert before != exact, f"without the file, Xapian's estimate is exact ({exact})"
        run([INDEX, "--db", db, c], code=0)  # nothing to index: writes the files
        assert all(os.path.exists(f) for f in files), "a run did not write the missing files"
        after = ask(p, BUSY)["estimated"]
        assert after == exact, f"the reader did not take up the new file: {after} != {exact}"
    finally:
        p.stdin.close()
        p.wait(timeout=30)


def test_every_passage_view_same_with_passage_file(tmp):
    """The passage database's file (gen-N/trawl-impacts) answers --all-passages as Xapian."""
    c, db = build(tmp)
    pf = os.path.join(os.path.dirname(impact_file(db)), "..", "trawl-impacts")
    assert os.path.exists(pf), "no impact file for the passage database"
    for flags in (("--all-passages",), ("--all-passages", "--offset", "3")):
        got, want = search(db, QUERIES, extra=flags), search(db, QUERIES, off=True, extra=flags)
        for q, g, w in zip(QUERIES, got, want):
            assert g == w, differ(f"{q!r} {flags}", g, w, "file", "xapian")


# Operators, in the default view and the every-passage view: exclusions (also of a word of
# the query, of a word no article has, of a phrase: that one stays Xapian's), required words,
# AND, NOT, parentheses, a word twice, an operand with nothing to search (a snowman).
OPS = [
    "river delta -tide", "+river delta", "river AND delta", "(river OR delta) NOT storm",
    "river delta -tide -storm", "+river +delta harbour", "heron marsh NOT reed",
    "NOT party river", "congress AND (river OR media) -tide", "party party -congress",
    "party -party", "river -zebrafish", "social media -party", "+party congress",
    "river AND ☃ delta", "☃ -tide river", 'river -"delta flow"', "+zebrafish river",
    "(heron AND marsh) OR (storm AND NOT tide)", "media NOT (party OR congress)",
]
FILTERED = [
    "river delta date:2018", "party date:..2018-03-26", "party -congress date:2018-03",
    "river delta date:1990..", "+river delta date:2000..", "congress article:zz-new",
    "social media -\"prime minister\"", "river -\"delta flow\" date:2000..",
    "(river date:2018) OR party", "river AND (delta date:..2018-03-26)", "river -date:2018",
    "party NOT date:2018-03", "(party NOT article:zz-new) OR (river date:2018..)",
]
BUSY_OPS = "river delta -heron"  # Xapian's estimate for one hit is not exact


def test_operator_queries_same_as_xapian(tmp):
    c, db = build(tmp)
    assert uses_file(db, BUSY_OPS), "the impact file did not answer an exclusion"
    for flags in ((), ("--all-passages",), ("-a",), ("-a", "--all-passages"),
                  ("--all-passages", "--offset", "3")):
        got, want = search(db, OPS, extra=flags), search(db, OPS, off=True, extra=flags)
        for q, g, w in zip(OPS, got, want):
            assert g == w, differ(f"{q!r} {flags}", g, w, "file", "xapian")
    g, w = batch(tmp, db, OPS), batch(tmp, db, OPS, off=True)  # one handle for all
    assert g == w, differ("batch", g, w, "with the impact file", "TRAWL_IMPACTS=off")
    assert g[1] == "" and g[2] == 0, f"batch: exit {g[2]}, stderr {g[1]!r}"
    # --json too: each hit's 'more' (its article's other matching passages, counted from the
    # passage file) and the rest as Xapian's, but the timing, the exact counts and scores'
    # last bits (the files sum a query's parts in their own order).
    text = "".join(f"q{i}\t{q}\n" for i, q in enumerate(OPS))
    clean = {k: v for k, v in os.environ.items() if k != "TRAWL_DB"}
    for flags in ((), ("--all-passages",), ("--passages-per-article", "2")):
        argv = [SEARCH, "--db", db, "--json", "-n", "20", *flags, "--batch", "-"]
        outs = [subprocess.run(argv, input=text, capture_output=True, text=True, timeout=120,
                               env=dict(clean, TRAWL_IMPACTS=e)).stdout
                for e in ("on", "off")]
        a, b = outs[0].splitlines(), outs[1].splitlines()
        assert len(a) == len(b) and len(a) > len(OPS), (flags, len(a), len(b))
        for la, lb in zip(a, b):
            x, y = json.loads(la), json.loads(lb)
            for o in (x, y):
                for k in ("took_ms", "estimated", "exact"):
                    o.pop(k, None)
            sx, sy = x.pop("score", 0), y.pop("score", 0)
            assert x == y and abs(sx - sy) <= 1e-9 * abs(sy), f"{flags}\n{la}\n{lb}"


run_cases([test_same_results_and_file_used, test_operator_queries_same_as_xapian, test_reader_finds_file_written_after_it_opened,
           test_every_passage_view_same_with_passage_file, test_noop_run_keeps_incremental_run_rewrites,
           test_stale_file_not_used_then_rewritten, test_truncated_file_not_used_then_rewritten,
           test_overwritten_file_changes_nothing, test_removed_file_then_compact,
           test_sharded_index_has_none], "trawl-impact")
