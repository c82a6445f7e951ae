#!/usr/bin/env python3
"""Drives trawl-search's interactive prompt through a pseudo-terminal.

    prompt_test.py BUILD_DIR SOURCE_DIR

Indexes corpus/ into a temporary folder, starts trawl-search on a pty (its controlling
terminal, so that Ctrl-C sends SIGINT) with a temporary XDG_STATE_HOME and types: commands
that need a query before any (`no query yet`), Ctrl-C on a half-typed and on an empty line
(the line is dropped, the program stays), `:n 2`, a query, `:show 1`, `:show 3` (off the
page: the query runs again), `:show` alone, `:more`, `:explain 3` and `:explain 1`, `:n 3`
(the query again at the new size), `:n` with a bad value, `:all`, `:passages`, `:sort date`,
Tab completion of a command and of index words (an accented prefix too), a malformed query (the error and a caret
show, the prompt stays open), a word that is only in an article indexed while the prompt is
open (the next query sees it), `:stats`, `:help`, and Ctrl-D. Asserts on what the terminal
shows, on exit status 0, and that the history file holds the typed lines. A second session
checks that history is read back; a third that long output goes through $PAGER, and a
fourth that --no-pager does not page and that text is wrapped to $COLUMNS at word
boundaries with a hanging indent."""
import fcntl
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import termios
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

        def controlling_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     close_fds=True, preexec_fn=controlling_terminal)
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
        """Types line and Enter; returns what was shown before the next prompt (and keeps
        it with its colours in self.shown_raw)."""
        start = len(self.raw)
        self.send(line + "\r")
        out = self.expect(PROMPT)
        self.shown_raw = self.raw[start:].decode("utf-8", "replace")
        return out

    def alive(self):
        return self.proc.poll() is None

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
               INPUTRC=os.path.join(tmp, "inputrc"), COLUMNS="200", LINES="50", PAGER="cat")
    with open(env["INPUTRC"], "w") as f:
        f.write("set enable-bracketed-paste off\n")
    history = os.path.join(tmp, "state", "trawl", "history")

    t = Term([search_exe, "--db", db], env)
    banner = t.expect(PROMPT)
    check("Type a query" in banner, "no banner", banner)

    for cmd in (":more", ":show 1", ":explain 2", ":show"):
        out = t.command(cmd)
        check("no query yet" in out, f"{cmd} before any query should say so", out)

    # Ctrl-C drops a half-typed line and keeps the program (as bash and psql do)...
    t.send("zebra crossing")
    t.expect("crossing")
    t.send("\x03")
    out = t.expect(PROMPT)
    check(t.alive(), "Ctrl-C on a half-typed line killed trawl-search", out)
    check("^C" in out, "Ctrl-C should show ^C", out)
    # ...and on an empty line too; the dropped line never ran.
    t.send("\x03")
    out = t.expect(PROMPT)
    check(t.alive(), "Ctrl-C on an empty line killed trawl-search", out)
    out = t.command(":more")
    check("no query yet" in out, "the line cancelled with Ctrl-C should not have run", out)

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

    check("\x1b[1;31m" in t.shown_raw, ":show should highlight the query's words", out)

    # A rank off the page shown: the query runs again for it.
    out = t.command(":show 3")
    check("▶ ¶" in out and "no result" not in out, ":show 3 should work off the page", out)
    out = t.command(":show 999")
    check("no result 999" in out and "matching articles" in out,
          ":show past the last result should say how many there are", out)
    out = t.command(":show")
    check("usage: :show R" in out, ":show alone should say how to use it", out)
    out = t.command(":explain")
    check("usage: :explain R" in out, ":explain alone should say how to use it", out)

    out = t.command(":more")
    check("  3. " in out and "  1. " not in out, ":more should show the next page (3, 4)", out)

    out = t.command(":explain 3")
    check("explain: BM25 k1=" in out and "sum of weights" in out,
          ":explain 3 should break result 3's score down", out)

    out = t.command(":explain 1")
    check("  1. " + first in out and "sum of weights" in out,
          ":explain 1 should explain result 1, off the page shown", out)

    # :n N shows the current page again at its new size (from its first result, 3; the
    # corpus has 3 articles about social media).
    out = t.command(":n 1")
    check("  3. " in out and "  4. " not in out and "results 3-3 of" in out,
          ":n 1 should show result 3 again, alone", out)
    out = t.command(":more")
    check("no more results (3 matching articles)" in out,
          ":more after the last page should say so", out)
    out = t.command(":more")
    check("no more results (3 matching articles)" in out, "and again", out)

    # Options without restarting.
    t.command(":n 10")
    out = t.command(":all on")
    check("all words must match" in out, ":all on should say what it set", out)
    out = t.command("social zebrafish")
    check("no passage matches" in out, ":all on: every word must match", out)
    out = t.command(":all off")
    check("any word may match" in out, ":all off should say what it set", out)
    out = t.command(":passages all")
    check("every passage" in out, ":passages all should say what it set", out)
    out = t.command("social media")
    ids = re.findall(r"  \d+\. (\S+)", out)
    check(len(ids) > len(set(ids)), ":passages all should show passages of one article", out)
    out = t.command(":passages 1")
    check("1 per article" in out, ":passages 1 should say what it set", out)
    out = t.command(":expand on")
    check("query expansion on" in out, ":expand on should say what it set", out)
    out = t.command(":expand perhaps")
    check(":expand takes on or off" in out, "a bad :expand value", out)
    out = t.command(":expand off")
    check("query expansion on" not in out, ":expand off should say what it set", out)
    out = t.command(":sort date")
    check("by date" in out, ":sort date should say what it set", out)
    out = t.command("party")
    dates = re.findall(r"  \d+\. \S+  (\d{4}-\d{2}-\d{2})", out)
    check(len(dates) == 3 and dates == sorted(dates, reverse=True),
          ":sort date should show the newest first", out)
    out = t.command(":sort score")
    check("by score" in out, ":sort score should say what it set", out)
    out = t.command(":sort sideways")
    check(":sort takes score, date or -date" in out, "a bad :sort value", out)

    # Tab completes commands and the index's words (folded: "Soci" gives "social").
    t.send(":sta\t")
    t.expect(":stats")
    out = t.command("")
    check(re.search(r"articles\s+3\b", out) is not None, "Tab should complete :stats", out)
    t.send("Soci\t")
    t.expect("social ")
    t.send("medi\t")
    t.expect("media ")
    out = t.command("")
    check(first in out, "Tab should complete 'Soci' and 'medi' to the query words", out)
    # Folded as the index folds words, accents too (trawl_fold): "Médi" completes as "medi".
    t.send("Médi\t")
    t.expect("media ")
    out = t.command("")
    check("media" in out, "Tab should complete 'Médi' as it completes 'medi'", out)
    out = t.command(":n 2")

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

    # Nothing found, with a suggestion: the prompt offers it, and :y runs it.
    out = t.command(":y")
    check("no suggestion to run" in out, ":y with no suggestion should say so", out)
    out = t.command("+facebok +targat")
    check("did you mean: +facebook +target" in out and ":y" in out,
          "a query that finds nothing should offer the suggestion with :y", out)
    out = t.command(":y")
    check("  1. " in out and "no passage matches" not in out,
          ":y should run the suggested query", out)
    # A misspelled word beside one that matches: results, the suggestion above them, and :y
    # runs the suggestion (issue 23, item 10).
    out = t.command("facebok likes")
    check("did you mean 'facebook'" in out and "  1. " in out,
          "a query that finds something should still print its suggestion", out)
    out = t.command(":y")
    check("  1. " in out and "no suggestion to run" not in out and "facebok" not in out,
          ":y should run the printed suggestion after a query that found something", out)

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
    for want in ("social media", ":more", 'likes "target', "zebrafish", ":sort date"):
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

    # Output taller than the terminal goes through $PAGER.
    env.update(PAGER="sed s/^/PAGED:/", LINES="14")  # :stats is 12 lines
    t = Term([search_exe, "--db", db], env)
    t.expect(PROMPT)
    out = t.command("party")
    check("PAGED:  1. " in out, "a long result list should go through $PAGER", out)
    out = t.command(":stats")
    check("PAGED:" not in out, "output that fits the screen should not be paged", out)
    t.send("\x04")
    check(t.wait() == 0, "Ctrl-D should leave", t.text())

    # --no-pager; text wrapped to $COLUMNS at spaces, continuation lines under the text.
    env.update(COLUMNS="50")
    t = Term([search_exe, "--db", db, "--no-pager"], env)
    t.expect(PROMPT)
    out = t.command("party")
    check("PAGED:" not in out, "--no-pager should not page", out)
    lines = out.split("\n")
    check(all(len(line) <= 50 for line in lines[1:-1]),
          "lines should be wrapped to 50 columns", out)
    check(any(line.startswith("     ") and not line.startswith("      ") for line in lines[2:]),
          "continuation lines should hang under the text", out)
    words = {"of", "about", "matching", "articles", "ms", "score", "more", "passages", "in",
             "this", "article", "passage"}
    # "party" is in every article of corpus/: the note that says so
    words |= set("note every word of the query is in more than half of the articles "
                 "the scores say little and so does the order".split())
    for name in os.listdir(os.path.join(source, "corpus")):
        with open(os.path.join(source, "corpus", name), encoding="utf-8") as f:
            words |= set(re.findall(r"\w+", f.read()))
    for line in lines[1:-1]:
        for w in re.findall(r"\w+", line):
            check(w in words or w.isdigit() or "_" in w, f"{w!r} looks like a broken word", out)
    t.send("\x04")
    check(t.wait() == 0, "Ctrl-D should leave", t.text())

    # A search that does not stop at Ctrl-C: on tests/data/damaged-loop (three bytes flipped in
    # the docdata table of a corpus/ index) Xapian 1.4.22 loops forever reading a passage's
    # data, inside one call that the cancel flag cannot reach. A second Ctrl-C leaves (130).
    # A Xapian that does not loop ends the search with "is damaged", and the prompt is back.
    damaged = os.path.join(tmp, "damaged.db")
    shutil.copytree(os.path.join(source, "tests", "data", "damaged-loop"), damaged)
    t = Term([search_exe, "--db", damaged], env)
    t.expect(PROMPT)
    t.send("Facebook likes target\r")
    end = time.monotonic() + 2
    while time.monotonic() < end and PROMPT not in t.text()[t.mark:]:
        t.read_some(0.1)
    if PROMPT in t.text()[t.mark:]:
        out = t.expect(PROMPT)
        check("is damaged" in out, "the damaged index should be reported", out)
        t.send("\x04")
        check(t.wait() == 0, "Ctrl-D should leave", t.text())
    else:
        t.send("\x03")
        time.sleep(0.5)
        check(t.alive(), "one Ctrl-C should not leave", t.text()[t.mark:])
        t.send("\x03")
        rc = t.wait(10)
        out = t.text()[t.mark:]
        check(rc == 130, f"a second Ctrl-C should leave with status 130, not {rc}", out)
        check("the search did not stop at Ctrl-C: leaving" in out, "no message", out)

    # An index rebuilt for another language while the prompt is open: the next query is
    # analysed in the new one. English stems "targeted" to "target", which corpus/ has;
    # French leaves it whole, which corpus/ has not.
    corpus = os.path.join(source, "corpus")
    ldb = os.path.join(tmp, "lang.db")
    subprocess.run([index_exe, "--db", ldb, "-q", corpus], check=True)
    t = Term([search_exe, "--db", ldb, "--no-pager"], env)
    t.expect(PROMPT)
    out = t.command("targeted")
    check("  1. " in out, "English: 'targeted' should find 'target'", out)
    r = subprocess.run([index_exe, "--db", ldb, "-q", "--rebuild", "--lang", "french", corpus],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"rebuilding in French failed ({r.returncode}): {r.stderr}")
    out = t.command("targeted")
    check("no passage matches 'targeted'" in out, "French: 'targeted' should find nothing", out)
    out = t.command(":stats")
    check(re.search(r"language\s+french", out) is not None, ":stats should say french", out)
    t.send("\x04")
    check(t.wait() == 0, "Ctrl-D should leave", t.text())


if __name__ == "__main__":
    main()
