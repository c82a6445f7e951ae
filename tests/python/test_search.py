"""Reading: search, its hits and highlights, explain, passages, stats, words, run."""
import os
import subprocess

import pytest

import trawl
from conftest import TRAWL_SEARCH


def test_search_hits_carry_the_article_fields(corpus_db):
    with trawl.open(corpus_db) as ix:
        r = ix.search("Facebook likes target", k=3)
        assert isinstance(r, trawl.Results) and isinstance(r, list)
        assert len(r) == 3 and r.estimated >= 3 and r.query == "Facebook likes target"
        # a plain query of words is counted exactly, by the impact files
        assert r.exact is True and f"of {r.estimated}>" in repr(r)
        assert r.suggestions == {}
        h = r[0]
        assert h.article == "000_251854af372bd607" and h.passage == 0
        assert isinstance(h.score, float) and h.score > r[1].score
        assert h.title and h.date and len(h.date) == 10
        assert h.url is None and h.source is None
        assert h.rank == 0 and r[2].rank == 2 and h.duplicates == ()
        assert {h.text[s:e].lower() for s, e in h.highlights} >= {"facebook", "likes", "target"}
        assert h.more >= 0
        # a tuple of the first ten fields, as documented, and hashable
        assert h[0] == h.article and len(tuple(h)) == 10
        assert len({h, r[0], r[1]}) == 2
    assert ix.closed


def test_search_matches_the_cli(corpus_db):
    with trawl.open(corpus_db) as ix:
        got = [(h.article, h.passage) for h in ix.search("facebook likes", k=5)]
    out = subprocess.run([TRAWL_SEARCH, "--db", corpus_db, "--no-scores", "-n", "5", "--trec",
                          "t", "--trec-passages", "facebook", "likes"],
                         capture_output=True, text=True, check=True).stdout
    want = [tuple(line.split()[2].split("#")) for line in out.splitlines()]
    assert got == [(a, int(p)) for a, p in want]


def test_offset_sort_passages_expand(corpus_db):
    ix = trawl.open(corpus_db)
    all_hits = ix.search("the", k=10)
    page = ix.search("the", k=2, offset=1)
    assert [h.article for h in page] == [h.article for h in all_hits[1:3]]
    assert page[0].rank == 1
    passages = ix.search("facebook", k=50, passages=True)
    assert len({h.article for h in passages}) < len(passages)
    assert passages.estimated >= len(passages)
    dates = [h.date for h in ix.search("the", k=10, sort="date")]
    assert dates == sorted(dates, reverse=True)
    dates = [h.date for h in ix.search("the", k=10, sort="-date")]
    assert dates == sorted(dates)
    assert len(ix.search("facebook likes", expand=True)) > 0
    assert ix.search("facebook", k=0) == [] and ix.search("facebook", k=0).estimated > 0
    ix.close()
    with pytest.raises(ValueError):
        ix.search("facebook")


def test_highlights_are_str_offsets(tmp_path):
    db = str(tmp_path / "u.db")
    with trawl.Writer(db) as w:
        w.put("u1", "Ängel über café — naïve résumé of the café crème, 東京 café.")
    with trawl.open(db) as ix:
        (h,) = ix.search("café")
        assert [h.text[s:e] for s, e in h.highlights] == ["café"] * 3
        (h,) = ix.search('"naïve résumé"')
        assert [h.text[s:e] for s, e in h.highlights] == ["naïve résumé"]


def test_suggestions(corpus_db):
    with trawl.open(corpus_db) as ix:
        r = ix.search("facebok")
        assert len(r) == 0 and r.suggestions == {"facebok": "facebook"}


def test_explain(corpus_db):
    with trawl.open(corpus_db) as ix:
        r = ix.search("facebook likes", k=3)
        e = ix.explain("facebook likes", r[1])
        assert abs(e["score"] - r[1].score) < 1e-9
        assert {t["term"] for t in e["terms"]} <= {"facebook", "like"}
        assert all(t["df"] >= 1 and t["idf"] > 0 for t in e["terms"])
        for key in ("passage_score", "k1", "b", "fused", "alpha", "article_score", "passages"):
            assert key in e
        p = ix.search("facebook likes", k=3, passages=True)
        assert ix.explain("facebook likes", p[2])["scored_passage"] == p[2].passage
        with pytest.raises(trawl.NotFoundError):
            ix.explain("tide", r[0])
        with pytest.raises(TypeError):
            ix.explain("facebook", ("x", 0))


def test_passages_stats_words(corpus_db):
    with trawl.open(corpus_db) as ix:
        ps = ix.passages("000_251854af372bd607")
        assert [p.ordinal for p in ps] == list(range(len(ps))) and len(ps) > 1
        assert ps[0].start == 0 and all(a.end <= b.start for a, b in zip(ps, ps[1:]))
        with pytest.raises(trawl.NotFoundError) as e:
            ix.passages("no-such-article")
        assert isinstance(e.value, LookupError) and e.value.status_name == "not found"
        st = ix.stats()
        assert st["articles"] == 3 and st["passages"] >= 3 and st["lang"] == "english"
        assert st["imp_state"] == 1 and 0 < st["imp_bytes"] < st["disk_bytes"]
        words = ix.words("FAC")
        assert ("facebook", words[0][1]) in words and all(w.startswith("fac") for w, _ in words)
        assert ix.words("zzzzq") == []
        assert ix.analyze("Likes U.S.") == [("likes", "like"), ("us", "us")]
        assert ix.lang == "english" and ix.warning is None and ix.path == corpus_db


def test_run_shape_and_docids(corpus_db):
    with trawl.open(corpus_db) as ix:
        run = ix.run({"q1": "facebook likes", "q2": "tide tables", "q3": "?!"}, k=5)
        assert set(run) == {"q1", "q2", "q3"} and run["q3"] == {}
        assert all(isinstance(s, float) for s in run["q1"].values())
        assert "000_251854af372bd607" in run["q1"] and len(run["q1"]) <= 5
        prun = ix.run([("q1", "facebook likes")], passages=True, k=20)
        assert all("#" in d for d in prun["q1"])
        # plain words: no character is syntax
        assert ix.run([("q", 'facebook "likes')])["q"]
        assert ix.run(iter([])) == {}


def test_run_matches_cli_trec(corpus_db, tmp_path):
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tfacebook likes target\nq2\tthe sea\nq3\tlive video\n")
    queries = {}
    for line in topics.read_text().splitlines():
        qid, text = line.split("\t")
        queries[qid] = text
    with trawl.open(corpus_db) as ix:
        for passages in (False, True):
            cmd = [TRAWL_SEARCH, "--db", corpus_db, "--queries", str(topics), "--trec", "t"]
            if passages:
                cmd.append("--trec-passages")
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            want = {}
            for line in out.splitlines():
                qid, _, docid, _, score, _ = line.split()
                want.setdefault(qid, []).append((docid, float(score)))
            run = ix.run(queries, passages=passages)
            got = {q: sorted(d.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
                   for q, d in run.items() if d}
            assert got == want


def test_index_is_a_path_like(corpus_db):
    import pathlib
    with trawl.Index(pathlib.Path(corpus_db)) as ix:
        assert len(ix.search("facebook")) > 0
        ix.reopen()
        assert len(ix.search("facebook")) > 0


def test_help_and_stubs():
    assert "Writer" in trawl.__doc__ and trawl.Index.search.__doc__.startswith("search(")
    stub = os.path.join(os.environ.get("TRAWL_SOURCE_ROOT", "."), "bindings", "python",
                        "trawl.pyi")
    text = open(stub, encoding="utf-8").read()
    for name in ("search", "run", "explain", "passages", "stats", "words", "put", "remove",
                 "commit", "QueryError", "IndexLockedError", "IndexMissingError"):
        assert name in text
    for name in dir(trawl.Index) + dir(trawl.Writer):
        if not name.startswith("_"):
            assert f"def {name}(" in text or f"    {name}:" in text, name
