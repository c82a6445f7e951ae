#!/usr/bin/env python3
"""Drives trawl-search's interactive prompt through a pseudo-terminal.

    prompt_test.py BUILD_DIR SOURCE_DIR

Indexes corpus/ into a temporary folder, starts trawl-search on a pty with a temporary
XDG_STATE_HOME and types: `:n 2`, a query, `:show 1`, `:more`, `:explain 3`, `:n` with a bad
value, a malformed query (the error and a caret show, the prompt stays open), a word that is
only in an article indexed while the prompt is open (the next query sees it), `:stats`,
`:help`, and Ctrl-D. Asserts on what the terminal shows, on exit status 0, and that the
history file holds the typed lines. A second session checks that history is read back."""
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\r")
PROMPT = "trawl> "


def fail(msg, screen=""):
    print(f"FAIL: {msg}")
    if screen:
        print("--- screen since the last command\n" + screen + "\n---")
    sys.exit(1)


class Term:
    """A child process on a pty; everything it printed is kept (ANSI codes removed)."""

    def __init__(self, argv, env):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     close_fds=True, start_new_session=True)
        os.close(slave)
        self.raw = b""
        self.mark = 0  # start of the output that the current expect() may look at

    def read_some(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the terminal
            return None
        if not data:
            return None
        self.raw += data
        return True

    def text(self):
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def expect(self, what, timeout=20):
        """Waits until `what` shows after the mark; returns the text up to and including it."""
        end = time.monotonic() + timeout
        while True:
            t = self.text()
            i = t.find(what, self.mark)
            if i >= 0:
                seen = t[self.mark:i + len(what)]
                self.mark = i + len(what)
                return seen
            left = end - time.monotonic()
            if left <= 0 or self.read_some(left) is None:
                fail(f"expected {what!r} on the screen", t[self.mark:])

    def send(self, line):
        os.write(self.master, line.encode("utf-8"))

    def command(self, line):
        """Types line and Enter; returns what was shown before the next prompt."""
        self.send(line + "\r")
        return self.expect(PROMPT)

    def wait(self, timeout=20):
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self.read_some(0.1)
        while self.read_some(0.05):
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            fail("trawl-search did not exit", self.text()[self.mark:])
        os.close(self.master)
        return self.proc.returncode


def check(cond, msg, screen):
    if not cond:
        fail(msg, screen)


def main():
    build, source = sys.argv[1], sys.argv[2]
    index_exe = os.path.join(build, "indexer", "trawl-index")
    search_exe = os.path.join(build, "searcher", "trawl-search")
    tmp = tempfile.mkdtemp(prefix="trawl-prompt-")
    try:
        run(index_exe, search_exe, source, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")


def run(index_exe, search_exe, source, tmp):
    db = os.path.join(tmp, "index.db")
    r = subprocess.run([index_exe, "--db", db, "-q", os.path.join(source, "corpus")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"indexing failed ({r.returncode}): {r.stderr}")
    env = dict(os.environ)
    for k in ("TRAWL_DB", "NO_COLOR", "INPUTRC"):
        env.pop(k, None)
    env.update(XDG_STATE_HOME=os.path.join(tmp, "state"), TERM="xterm", HOME=tmp,
               INPUTRC=os.path.join(tmp, "inputrc"), COLUMNS="200", LINES="50")
    with open(env["INPUTRC"], "w") as f:
        f.write("set enable-bracketed-paste off\n")
    history = os.path.join(tmp, "state", "trawl", "history")

    t = Term([search_exe, "--db", db], env)
    banner = t.expect(PROMPT)
    check("Type a query" in banner, "no banner", banner)

    out = t.command(":n 2")
    check("needs" not in out, ":n 2 refused", out)

    out = t.command("social media")
    check("  1. " in out and "  2. " in out and "  3. " not in out,
          "a query with :n 2 should show results 1 and 2 only", out)
    check("001_bddc4086102f42a0" in out, "the social-media article is missing", out)
    first = re.search(r"  1\. (\S+)", out).group(1)

    out = t.command(":show 1")
    check(out.count("¶") >= 3, ":show 1 should print the whole article, passage by passage", out)
    check("▶ ¶" in out, ":show 1 should mark the result's passage", out)
    check(first in out, ":show 1 should name the article of result 1", out)

    out = t.command(":more")
    check("  3. " in out and "  1. " not in out, ":more should show the next page (3, 4)", out)

    out = t.command(":explain 3")
    check("explain: BM25 k1=" in out and "sum of weights" in out,
          ":explain 3 should break result 3's score down", out)

    out = t.command(":explain 1")
    check("no result 1 on the last page" in out, ":explain of a result not shown", out)

    out = t.command(":n zero")
    check(":n needs a number" in out, ":n with a bad value should say so", out)

    out = t.command('likes "target')
    check("error in query 'likes \"target' at column 7: unbalanced '\"'" in out,
          "a malformed query should report its column", out)
    check(re.search(r"\n  likes \"target\n        \^\n", out) is not None,
          "the query and a caret under column 7 should follow the error", out)

    out = t.command(":frobnicate")
    check("unknown command ':frobnicate'" in out, "an unknown command should be named", out)

    # An article indexed while the prompt is open is found by the next query.
    extra = os.path.join(tmp, "extra")
    os.mkdir(extra)
    with open(os.path.join(extra, "zoo.txt"), "w") as f:
        f.write(" date 2020-02-02 The zebrafish of the river aquarium grew a new fin.\n")
    r = subprocess.run([index_exe, "--db", db, "-q", extra], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"indexing while the prompt is open failed ({r.returncode}): {r.stderr}")
    out = t.command("zebrafish")
    check("zoo" in out and "zebrafish" in out, "the prompt should see the index update", out)

    out = t.command(":stats")
    check(re.search(r"articles\s+4\b", out) is not None, ":stats should count 4 articles", out)

    out = t.command(":help")
    check(":more" in out and ":quit" in out, ":help should list the commands", out)

    t.send("\x04")  # Ctrl-D on an empty line
    rc = t.wait()
    check(rc == 0, f"Ctrl-D should exit with status 0, not {rc}", t.text()[t.mark:])

    if not os.path.exists(history):
        fail(f"no history file at {history}")
    # What was searched for is private: the history file is the user's alone.
    mode = os.stat(history).st_mode & 0o777
    check(mode == 0o600, f"the history file has mode {mode:o}, not 600", "")
    with open(history, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for want in ("social media", ":more", 'likes "target', "zebrafish"):
        if want not in lines:
            fail(f"history lacks {want!r}: {lines}")

    # A second session reads the history back: Up recalls the last line typed.
    t = Term([search_exe, "--db", db], env)
    t.expect(PROMPT)
    t.send("\x1b[A")  # Up arrow
    t.expect(":help")
    t.send("\x15:quit\r")  # Ctrl-U clears the line
    rc = t.wait()
    check(rc == 0, f":quit should exit with status 0, not {rc}", t.text())


if __name__ == "__main__":
    main()
