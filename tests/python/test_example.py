"""examples/eval_map.py, the README's example: its MAP equals trawl-search --eval's on the
index it built."""
import json
import os
import subprocess
import sys

import pytest

from conftest import SOURCE, TRAWL_SEARCH


@pytest.mark.parametrize("name", ["med"])
def test_example_map_equals_the_cli(tmp_path, name):
    set_dir = os.path.join(SOURCE, "tests", "data", name)
    if not os.path.isdir(set_dir):
        pytest.skip(f"no {set_dir}")
    db = str(tmp_path / "index")
    out = subprocess.run([sys.executable, os.path.join(SOURCE, "examples", "eval_map.py"),
                          set_dir, db], capture_output=True, text=True, check=True).stdout
    got = float(out.splitlines()[0].split("\t")[1])
    cli = subprocess.run([TRAWL_SEARCH, "--db", db, "--queries",
                          os.path.join(set_dir, "queries.tsv"), "--eval",
                          os.path.join(set_dir, "qrels.txt"), "--json"],
                         capture_output=True, text=True, check=True).stdout
    want = json.loads(cli)["MAP"]
    assert abs(got - want) < 5e-7, (got, want)
    assert got > 0.1


def test_example_default_is_shared_eval():
    shared = os.path.join(SOURCE, "..", "shared", "eval", "med")
    if not os.path.isdir(shared):
        pytest.skip("no ../shared/eval beside the project")
    out = subprocess.run([sys.executable, os.path.join(SOURCE, "examples", "eval_map.py")],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("MAP\t0.")
