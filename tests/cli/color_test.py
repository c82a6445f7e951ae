#!/usr/bin/env python3
"""trawl-search's --color on a terminal, where "auto" has something to decide (a golden file's
output is a pipe: tests/cli/color.t covers always, never and auto there).

    color_test.py BUILD_DIR SOURCE_DIR

Indexes corpus/, then runs one query with standard output on a pseudo-terminal: auto colours
the matches, NO_COLOR=1 turns auto off, --color=never colours nothing, and --color=always
still colours with NO_COLOR set. With TRAWL_VALGRIND=1 trawl-search runs under valgrind."""
import os
import pty
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_t import valgrind, valgrind_check  # noqa: E402

MARK = "\x1b[1;31mlikes\x1b[0m"  # a matched word, bold red
FAILS = []


def on_terminal(argv, env, tmp):
    """Runs argv with standard output on a pseudo-terminal; returns (status, what it showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(valgrind(argv, tmp), stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE, env=env, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        out += data
    os.close(master)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=600)
    valgrind_check(tmp)
    return proc.returncode, out.decode("utf-8", "replace"), err


def check(name, ok, shown):
    print(f"{'ok' if ok else 'FAIL'}: {name}")
    if not ok:
        FAILS.append(name)
        print(shown)


def main():
    build, source = sys.argv[1], sys.argv[2]
    search = os.path.join(build, "searcher", "trawl-search")
    tmp = tempfile.mkdtemp(prefix="trawl-color-")
    try:
        db = os.path.join(tmp, "index.db")
        subprocess.run([os.path.join(build, "indexer", "trawl-index"), "--db", db, "-q",
                        os.path.join(source, "corpus")], check=True)
        base = dict(os.environ, TERM="xterm", COLUMNS="200", LINES="50", PAGER="cat")
        for k in ("NO_COLOR", "TRAWL_DB"):
            base.pop(k, None)
        query = ["--db", db, "--no-scores", "--no-pager", "-n", "1", "Facebook", "likes",
                 "target"]
        cases = [  # name, extra flags, extra environment, colour expected
            ("auto on a terminal colours", [], {}, True),
            ("NO_COLOR=1 turns auto off", [], {"NO_COLOR": "1"}, False),
            ("--color=never colours nothing", ["--color=never"], {}, False),
            ("--color=always colours with NO_COLOR=1", ["--color=always"], {"NO_COLOR": "1"},
             True),
        ]
        for name, flags, env, colour in cases:
            status, out, err = on_terminal([search] + flags + query, dict(base, **env), tmp)
            shown = f"--- exit {status}\n--- terminal\n{out!r}\n--- stderr\n{err}"
            check(name, status == 0 and "likes" in out and
                  (MARK in out if colour else "\x1b" not in out), shown)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        print(f"FAIL: {len(FAILS)} of {len(cases)}")
        sys.exit(1)
    print(f"PASS: {len(cases)} cases")


if __name__ == "__main__":
    main()
