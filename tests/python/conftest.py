"""Fixtures of the Python module's tests: the build's programs, a corpus index."""
import os
import shutil
import subprocess

import pytest

BUILD = os.environ.get("TRAWL_BUILD_ROOT", "build")
SOURCE = os.environ.get("TRAWL_SOURCE_ROOT", ".")
TRAWL_INDEX = os.path.join(BUILD, "indexer", "trawl-index")
TRAWL_SEARCH = os.path.join(BUILD, "searcher", "trawl-search")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long runs, left out under valgrind")


def index_with_cli(db, *inputs, extra=()):
    """Builds db from inputs with the build's trawl-index."""
    subprocess.run([TRAWL_INDEX, "--db", str(db), "-q", "-j", "2", *extra, *inputs], check=True)
    return str(db)


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory):
    """An index of corpus/ made by trawl-index."""
    return index_with_cli(tmp_path_factory.mktemp("corpus") / "c.db",
                          os.path.join(SOURCE, "corpus"))


def shared_dir():
    """../shared beside the source tree, or None."""
    d = os.path.join(SOURCE, "..", "shared")
    return d if os.path.isdir(d) else None


def have_valgrind_run():
    return "TRAWL_UNDER_VALGRIND" in os.environ


__all__ = ["BUILD", "SOURCE", "TRAWL_INDEX", "TRAWL_SEARCH", "index_with_cli", "shared_dir",
           "shutil"]
