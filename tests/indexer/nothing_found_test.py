#!/usr/bin/env python3
"""A run that finds no input file says so (issue 23, item 4). With no index yet it creates
none and exits 1: a mistyped path or an empty folder leaves no empty index behind. With an
index it runs on (what was under the paths may be gone) and says that it found nothing.

    nothing_found_test.py BUILD_DIR SOURCE_DIR"""
import os
import subprocess
import sys

import tap

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
HINT = "trawl-index: no article files (*.txt, *.jsonl, *.jsonl.gz) in the paths given\n"


def run(argv, code, cwd=None):
    env = dict(os.environ)
    env.pop("TRAWL_DB", None)
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd, env=env)
    if r.returncode != code:
        raise AssertionError(f"{argv} exited {r.returncode}, expected {code}\n"
                             f"stdout: {r.stdout}\nstderr: {r.stderr}")
    return r




def mistyped_path_creates_no_index(tmp):
    r = run([INDEX, "--db", "x.db", "/nonexistent/path"], 1, cwd=tmp)
    assert r.stderr == ("trawl-index: cannot read '/nonexistent/path': No such file or "
                        "directory: skipped\n"
                        "trawl-index: nothing to index: 'x.db' not created\n"), r.stderr
    assert r.stdout == "", r.stdout
    assert os.listdir(tmp) == [], f"left behind: {os.listdir(tmp)}"


def empty_folder_creates_no_index(tmp):
    os.makedirs(f"{tmp}/empty")
    with open(f"{tmp}/empty/README.md", "w") as f:  # no input either
        f.write("notes\n")
    for argv in (["--db", "x.db"], ["--db", "x.db", "--dry-run"]):
        r = run([INDEX] + argv + ["empty"], 1, cwd=tmp)
        assert r.stderr.startswith(HINT), r.stderr
        assert "nothing to index" in r.stderr, r.stderr
        assert sorted(os.listdir(tmp)) == ["empty"], f"left behind: {os.listdir(tmp)}"


def empty_folder_with_an_index_runs_on(tmp):
    # the articles under a folder now empty are gone: removed, and the hint says why
    os.makedirs(f"{tmp}/c")
    with open(f"{tmp}/c/a.txt", "w") as f:
        f.write(" date 2001-01-01 An article.\n")
    run([INDEX, "--db", f"{tmp}/db", f"{tmp}/c"], 0)
    os.remove(f"{tmp}/c/a.txt")
    r = run([INDEX, "--db", f"{tmp}/db", f"{tmp}/c"], 0)
    assert r.stderr == HINT, r.stderr
    assert r.stdout.startswith("added 0, updated 0, removed 1, unchanged 0, skipped 0"), \
        r.stdout


tap.run_cases([mistyped_path_creates_no_index, empty_folder_creates_no_index,
          empty_folder_with_an_index_runs_on], "trawl-nothing")
