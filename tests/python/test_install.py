"""`python3 -c 'import trawl; help(trawl)'` works from a fresh `meson install` (into a scratch
DESTDIR), with PYTHONPATH set to the prefix's site-packages folder as the README says and no
LD_LIBRARY_PATH: the module finds libtrawl through its relative run path."""
import glob
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD


def test_help_from_an_installed_module(tmp_path):
    meson = os.environ.get("MESON") or shutil.which("meson")
    if meson is None:
        pytest.skip("meson is not on PATH")
    destdir = str(tmp_path / "stage")
    subprocess.run([meson, "install", "-C", BUILD, "--destdir", destdir, "--no-rebuild",
                    "--quiet"], check=True, capture_output=True)
    found = glob.glob(os.path.join(destdir, "**", "trawl.cpython-*.so"), recursive=True)
    assert len(found) == 1, found
    site = os.path.dirname(found[0])
    assert os.path.exists(os.path.join(site, "trawl.pyi"))
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
    env["PYTHONPATH"] = site
    out = subprocess.run([sys.executable, "-c",
                          "import trawl; print(trawl.__file__); help(trawl)"],
                         env=env, capture_output=True, text=True, check=True, cwd=str(tmp_path))
    assert out.stdout.startswith(site)
    for text in ("class Index", "class Writer", "search(query, *, k=10", "run(queries",
                 "class QueryError", "FUNCTIONS", "open(path"):
        assert text in out.stdout, text
