"""Errors as Python users expect them, and bad inputs that must raise, never crash."""
import os

import pytest

import trawl


def test_hierarchy():
    for name in ("NoMemoryError", "FileSystemError", "InputError", "QueryError",
                 "IndexMissingError", "IndexDamagedError", "IndexLockedError", "RetryError",
                 "NotFoundError", "InternalError", "CancelledError"):
        assert issubclass(getattr(trawl, name), trawl.Error), name
    assert issubclass(trawl.Error, Exception)
    assert issubclass(trawl.QueryError, trawl.InputError)
    assert issubclass(trawl.InputError, ValueError)
    assert issubclass(trawl.NoMemoryError, MemoryError)


def test_query_syntax_error_carries_its_column(corpus_db):
    with trawl.open(corpus_db) as ix:
        with pytest.raises(trawl.QueryError) as e:
            ix.search('likes "target')
        assert e.value.column == 7 and e.value.status_name == "bad input"
        assert "never closed" in str(e.value)
        with pytest.raises(trawl.QueryError) as e:
            ix.search('él (likes')
        assert e.value.column >= 1


def test_missing_damaged_index(tmp_path):
    with pytest.raises(trawl.IndexMissingError) as e:
        trawl.open(str(tmp_path / "nothing-here"))
    assert "no index at" in str(e.value)
    (tmp_path / "file").write_text("not an index")
    with pytest.raises(trawl.IndexDamagedError):
        trawl.open(str(tmp_path / "file"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(trawl.Error) as e:
        trawl.open(str(tmp_path / "empty"))
    assert not isinstance(e.value, trawl.IndexMissingError)


def test_damaged_database(tmp_path, corpus_db):
    import shutil
    db = tmp_path / "d.db"
    shutil.copytree(corpus_db, db)
    damaged = 0
    for root, _, files in os.walk(db):
        for f in files:
            if f.endswith(".glass"):
                p = os.path.join(root, f)
                with open(p, "r+b") as fh:
                    fh.write(b"\xff" * 64)
                damaged += 1
    assert damaged
    with pytest.raises(trawl.Error) as e:
        with trawl.open(str(db)) as ix:
            ix.search("facebook likes")
            ix.stats()
    assert isinstance(e.value, (trawl.IndexDamagedError, trawl.InternalError))


BAD_QUERIES = [(None, TypeError), (b"facebook", TypeError), (3, TypeError),
               ("face\0book", ValueError), ("\ud800", ValueError)]


@pytest.mark.parametrize("bad,exc", BAD_QUERIES, ids=[repr(b) for b, _ in BAD_QUERIES])
def test_bad_queries(corpus_db, bad, exc):
    with trawl.open(corpus_db) as ix:
        with pytest.raises(exc):
            ix.search(bad)
        with pytest.raises(exc):
            ix.run({"q": bad})


def test_a_megabyte_query(corpus_db):
    big = "facebook likes " * (1 << 16)
    with trawl.open(corpus_db) as ix:
        with pytest.raises(trawl.InputError) as e:
            ix.search(big)
        assert "too long" in str(e.value)
        with pytest.raises(trawl.InputError) as e:
            ix.run({"q": big})
        assert "too long" in str(e.value)
        # plain topics may be longer than a query
        assert "000_251854af372bd607" in ix.run({"q": "facebook likes " * 400}, k=3)["q"]


def test_bad_options(corpus_db):
    with trawl.open(corpus_db) as ix:
        for kw in ({"k": -1}, {"offset": -5}, {"sort": "random"}, {"k": 10**7}):
            with pytest.raises(ValueError):
                ix.search("facebook", **kw)
        for kw in ({"k": "10"}, {"sort": None}, {"passages": []} if False else {"k": None}):
            with pytest.raises(TypeError):
                ix.search("facebook", **kw)
        with pytest.raises(TypeError):
            ix.search("facebook", 10)  # options are keywords only
        with pytest.raises(TypeError):
            ix.run("facebook")
        with pytest.raises(TypeError):
            ix.run([("q1", "a", "b")]) if False else ix.run([(1, "facebook")])
        with pytest.raises(ValueError):
            ix.run([("q1", "a", "b")])
        with pytest.raises(TypeError):
            ix.run([None])
        with pytest.raises(ValueError):
            ix.run({"q": "x"}, k=-1)
        for bad in (None, b"x", 3):
            with pytest.raises(TypeError):
                ix.passages(bad)
            with pytest.raises(TypeError):
                ix.words(bad)
        with pytest.raises(TypeError):
            trawl.open(None)
        with pytest.raises(TypeError):
            trawl.open(b"path")


def test_run_stops_at_a_generator_error(corpus_db):
    def gen():
        yield ("q1", "facebook")
        raise KeyError("from the generator")
    with trawl.open(corpus_db) as ix:
        with pytest.raises(KeyError):
            ix.run(gen())
