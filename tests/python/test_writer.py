"""Writing: put, remove, commit; the context manager; the lock shared with trawl-index."""
import datetime
import os
import subprocess

import pytest

import trawl
from conftest import TRAWL_INDEX, SOURCE


def articles(ix, query="fox"):
    ix.reopen()
    return sorted(h.article for h in ix.search(query, k=100))


def test_put_commit_remove(tmp_path):
    db = str(tmp_path / "w.db")
    w = trawl.Writer(db)
    w.put("a1", "The quick brown fox. " * 30, title="Fox one", date="2020-01-02",
          url="https://example.org/a1", source="Example Times")
    w.put("a2", "A second fox, slower.", date=datetime.date(2021, 3, 4))
    counts = w.commit()
    assert counts["put"] == 2 and counts["passages"] >= 2 and counts["bytes"] > 0
    ix = trawl.open(db)
    assert articles(ix) == ["a1", "a2"]
    (h,) = [h for h in ix.search("fox") if h.article == "a1"]
    assert (h.title, h.date, h.url, h.source) == ("Fox one", "2020-01-02",
                                                  "https://example.org/a1", "Example Times")
    # the writer goes on after a commit
    w.put("a2", "Replaced: no animal here.")
    w.remove("a1")
    w.remove("never-there")
    w.commit()
    assert articles(ix) == []
    assert articles(ix, "animal") == ["a2"]
    w.close()
    w.close()
    assert w.closed
    with pytest.raises(ValueError):
        w.put("a3", "x")


def test_context_manager_commits_or_drops(tmp_path):
    db = str(tmp_path / "w.db")
    with trawl.Writer(db, lang="english") as w:
        w.put("kept", "a committed fox")
    assert w.closed
    with pytest.raises(RuntimeError):
        with trawl.Writer(db) as w:
            w.put("dropped", "an uncommitted fox")
            raise RuntimeError("stop")
    with trawl.open(db) as ix:
        assert articles(ix) == ["kept"]
    # the lock went with the block
    with trawl.Writer(db) as w:
        pass


def test_second_writer_is_locked_as_the_cli_says(tmp_path):
    db = str(tmp_path / "w.db")
    with trawl.Writer(db) as w:
        w.put("a", "text of a fox")
        with pytest.raises(trawl.IndexLockedError) as e:
            trawl.Writer(db)
        assert e.value.status_name == "index locked" or "locked" in e.value.status_name
        cli = subprocess.run([TRAWL_INDEX, "--db", db, os.path.join(SOURCE, "corpus")],
                             capture_output=True, text=True)
        assert cli.returncode == 2
        # the same message, the CLI's after its "trawl-index: "
        assert cli.stderr.strip().split(": ", 1)[1] == str(e.value)
    # and the other way round: trawl-index holding the lock is not tested here (it ends
    # quickly); the library's lock is one and the same.


def test_languages_and_bad_arguments(tmp_path):
    assert "english" in trawl.languages()
    db = str(tmp_path / "w.db")
    with pytest.raises(ValueError):
        trawl.Writer(db, lang="klingon")
    with pytest.raises(TypeError):
        trawl.Writer(None)
    with pytest.raises(TypeError):
        trawl.Writer(db.encode())
    with pytest.raises(ValueError):
        trawl.Writer(db + "\0x")
    with trawl.Writer(db, lang="none", jobs=1) as w:
        with pytest.raises(TypeError):
            w.put(None, "text")
        with pytest.raises(TypeError):
            w.put("id", b"bytes")
        with pytest.raises(TypeError):
            w.put("id", "text", title=3)
        with pytest.raises(ValueError):
            w.put("id", "te\0xt")
        with pytest.raises(trawl.InputError):
            w.put("", "text")
        with pytest.raises(trawl.InputError) as e:
            w.put("id", "text", date="March 1987")
        assert isinstance(e.value, ValueError) and "March 1987" in str(e.value)
        with pytest.raises(ValueError):
            w.remove("")
        with pytest.raises(TypeError):
            w.put("id", "text", 3)  # fields are keywords only
        w.put("ok", "running runs")
    with trawl.open(db) as ix:
        assert ix.lang == "none" and ix.analyze("running") == [("running", "running")]
    with pytest.raises(trawl.InputError):
        trawl.Writer(db, lang="english")  # another language than the index's


def test_a_big_article_and_many(tmp_path):
    db = str(tmp_path / "w.db")
    text = "\n\n".join(f"Paragraph {i} tells of fox number {i} and its den." * 3
                       for i in range(2000))
    with trawl.Writer(db) as w:
        w.put("big", text)
        for i in range(300):
            w.put(f"small{i}", f"fox {i} " * 25)
    with trawl.open(db) as ix:
        assert ix.stats()["articles"] == 301
        assert len(ix.passages("big")) > 100
