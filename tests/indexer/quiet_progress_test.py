#!/usr/bin/env python3
"""Progress appears only when there is work to show (issue 23, item 11). trawl-index's
standard error is a pseudo-terminal here, as on a user's screen: a run that writes shows its
progress line and closing phases; a run that finds nothing to do prints only its summary.

    quiet_progress_test.py BUILD_DIR SOURCE_DIR"""
import os
import pty
import shutil
import subprocess
import sys
import time

import tap

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
INDEX = os.path.join(BUILD, "indexer", "trawl-index")


def on_terminal(argv):
    """Runs argv with standard error on a pty; returns (status, stdout, what the pty got)."""
    master, slave = pty.openpty()
    env = dict(os.environ)
    env.pop("TRAWL_DB", None)
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                         env=env)
    os.close(slave)
    got = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: every end of the slave is closed
            break
        if not chunk:
            break
        got += chunk
    os.close(master)
    out = p.stdout.read().decode()
    p.stdout.close()
    return p.wait(timeout=120), out, got.decode(errors="replace")




def nothing_to_do_is_quiet(tmp):
    corpus, db = f"{tmp}/corpus", f"{tmp}/db"
    shutil.copytree(os.path.join(SOURCE, "corpus"), corpus)
    code, out, err = on_terminal([INDEX, "--db", db, corpus])
    assert code == 0, (out, err)
    assert "3 articles read, 3 written" in err, f"no progress on a terminal: {err!r}"
    assert "writing the articles still queued" in err, err
    # the second run of ./quickstart: nothing changed, nothing but the summary
    code, out, err = on_terminal([INDEX, "--db", db, corpus])
    assert code == 0, (out, err)
    assert out.startswith("added 0, updated 0, removed 0, unchanged 3"), out
    assert err == "", f"progress with nothing to show: {err!r}"
    # touched (read and compared, same bytes) and --progress off a terminal: still quiet
    for name in os.listdir(corpus):
        os.utime(os.path.join(corpus, name))
    code, out, err = on_terminal([INDEX, "--db", db, corpus])
    assert code == 0 and err == "", f"progress with nothing to show: {err!r}"
    r = subprocess.run([INDEX, "--db", db, "--progress", corpus], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == "", r.stderr


def a_change_shows_progress(tmp):
    corpus, db = f"{tmp}/corpus", f"{tmp}/db"
    shutil.copytree(os.path.join(SOURCE, "corpus"), corpus)
    subprocess.run([INDEX, "--db", db, "-q", corpus], check=True, timeout=120)
    time.sleep(0.01)
    with open(f"{corpus}/new.txt", "w") as f:
        f.write(" date 2001-01-01 A new article about walruses.\n")
    code, out, err = on_terminal([INDEX, "--db", db, corpus])
    assert code == 0, (out, err)
    assert "4 articles read, 1 written" in err, err
    assert "writing the articles still queued" in err, err


tap.run_cases([nothing_to_do_is_quiet, a_change_shows_progress], "trawl-quiet")
