#!/usr/bin/env python3
"""Runs one golden CLI test file (*.t) against trawl-index and trawl-search.

    run_t.py BUILD_DIR SOURCE_DIR FILE.t

A .t file is a list of directives, one per line ('#' lines are comments):
    @CORPUS dir            index this folder (relative to the source tree; default corpus/)
    @PROGRAM index|search  which program @ARGS runs (default: search)
    @ARGS ...              its arguments (shell words); @INDEX@ is the index, @CORPUS@ the
                           corpus folder, @TMP@ a scratch folder
    @ENV NAME=VALUE        an environment variable for the run (@INDEX@ is the index)
    @STDIN                 the following lines (up to the next directive) are standard input
    @EXIT n                the expected exit status
    @STDOUT                the following lines are the exact expected standard output
    @COLUMNS 3,1           compare only these whitespace-separated fields (1-based) of each
                           output line with @STDOUT (e.g. the docids of a TREC run, which
                           leaves the scores out)
    @SORTED                sort the output lines before comparing with @STDOUT (what
                           matches, whatever the ranking)
    @STDOUT-HAS text       standard output contains text (may repeat)
    @STDOUT-LACKS text     standard output does not contain text
    @STDERR                the following lines are the exact expected standard error
    @STDERR-HAS text       standard error contains text
    @STDERR-EMPTY          nothing on standard error
    @RUN                   run what was declared so far and check it, then start a new step
                           (a step has one @ARGS: a second before @RUN is an error)
The index is built once per file from the corpus into a temporary folder.
With TRAWL_VALGRIND=1 every run of trawl-index and trawl-search goes through valgrind
(memcheck, leaks included): any error it reports fails the test."""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile


def valgrind(argv, tmp):
    """argv, under valgrind when TRAWL_VALGRIND is set; its reports go to tmp/valgrind-*."""
    if os.environ.get("TRAWL_VALGRIND", "") in ("", "0"):
        return argv
    return ["valgrind", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect", "--quiet",
            f"--log-file={tmp}/valgrind-%p.log"] + argv


def valgrind_check(tmp, shown=""):
    """Fails with valgrind's report if it found anything (its log files are then not empty)."""
    for name in sorted(os.listdir(tmp)):
        if name.startswith("valgrind-"):
            with open(os.path.join(tmp, name), errors="replace") as f:
                report = f.read()
            os.remove(os.path.join(tmp, name))
            if report.strip():
                fail(f"valgrind:\n{report}{shown}")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def main():
    build, source, path = sys.argv[1], sys.argv[2], sys.argv[3]
    progs = {"index": os.path.join(build, "indexer", "trawl-index"),
             "search": os.path.join(build, "searcher", "trawl-search")}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    tmp = tempfile.mkdtemp(prefix="trawl-t-")
    try:
        corpus = os.path.join(source, "corpus")
        index = os.path.join(tmp, "index.db")
        step = new_step()
        block = None
        built = False
        for raw in lines + ["@RUN"]:
            if block is not None and not raw.startswith("@"):
                block.append(raw)
                continue
            block = None
            if raw.startswith("#") or raw.strip() == "":
                continue
            word, _, rest = raw.partition(" ")
            if word == "@CORPUS":
                corpus = os.path.join(source, rest)
            elif word == "@PROGRAM":
                step["prog"] = rest
            elif word == "@ARGS":
                if step["args"] is not None:  # the first would never run
                    fail(f"a second @ARGS before @RUN: {rest!r}")
                step["args"] = rest
            elif word == "@ENV":
                k, _, v = rest.partition("=")
                step["env"][k] = v
            elif word == "@STDIN":
                step["stdin"] = []
                block = step["stdin"]
            elif word == "@EXIT":
                step["exit"] = int(rest)
            elif word == "@STDOUT":
                step["stdout"] = []
                block = step["stdout"]
            elif word == "@STDOUT-HAS":
                step["has"].append(rest)
            elif word == "@STDOUT-LACKS":
                step["lacks"].append(rest)
            elif word == "@COLUMNS":
                step["columns"] = [int(c) - 1 for c in rest.split(",")]
            elif word == "@SORTED":
                step["sorted"] = True
            elif word == "@STDERR":
                step["stderr"] = []
                block = step["stderr"]
            elif word == "@STDERR-HAS":
                step["err_has"].append(rest)
            elif word == "@STDERR-EMPTY":
                step["err_empty"] = True
            elif word == "@RUN":
                if step["args"] is None:
                    continue
                if not built:
                    r = subprocess.run(valgrind([progs["index"], "--db", index, "-q", corpus],
                                                tmp),
                                       capture_output=True, text=True)
                    valgrind_check(tmp)
                    if r.returncode != 0:
                        fail(f"indexing {corpus} failed ({r.returncode}): {r.stderr}")
                    built = True
                run_step(step, progs, index, corpus, tmp)
                step = new_step()
            else:
                fail(f"unknown directive {word!r}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")


def new_step():
    return {"prog": "search", "args": None, "env": {}, "stdin": None, "exit": 0,
            "stdout": None, "stderr": None, "columns": None, "sorted": False, "has": [],
            "lacks": [], "err_has": [], "err_empty": False}


def run_step(step, progs, index, corpus, tmp):
    args = step["args"].replace("@INDEX@", index).replace("@CORPUS@", corpus)
    args = args.replace("@TMP@", tmp)
    argv = [progs[step["prog"]]] + shlex.split(args)
    env = dict(os.environ)
    env.pop("TRAWL_DB", None)
    env.update({k: v.replace("@INDEX@", index) for k, v in step["env"].items()})
    stdin = "\n".join(step["stdin"]) + "\n" if step["stdin"] is not None else ""
    r = subprocess.run(valgrind(argv, tmp), input=stdin, capture_output=True, text=True,
                       env=env, timeout=600)
    shown = (f"$ {' '.join(shlex.quote(a) for a in argv)}\n"
             f"--- stdout\n{r.stdout}--- stderr\n{r.stderr}")
    valgrind_check(tmp, "\n" + shown)
    if r.returncode != step["exit"]:
        fail(f"exit {r.returncode}, expected {step['exit']}\n{shown}")
    if step["stdout"] is not None:
        want = "\n".join(step["stdout"]).rstrip("\n")
        want = want + "\n" if want else ""
        got = r.stdout
        if step["columns"] is not None:
            rows = [line.split() for line in got.split("\n") if line.strip()]
            got = "".join(" ".join(row[c] for c in step["columns"] if c < len(row)) + "\n"
                          for row in rows)
        if step["sorted"]:
            got = "".join(sorted(got.splitlines(keepends=True)))
        if got != want:
            fail(f"stdout differs; expected:\n{want}--- got\n{got}{shown}")
    if step["stderr"] is not None:
        want = "\n".join(step["stderr"]).rstrip("\n")
        want = want + "\n" if want else ""
        if r.stderr != want:
            fail(f"stderr differs; expected:\n{want}\n{shown}")
    for h in step["has"]:
        if h not in r.stdout:
            fail(f"stdout lacks {h!r}\n{shown}")
    for h in step["lacks"]:
        if h in r.stdout:
            fail(f"stdout has {h!r}\n{shown}")
    for h in step["err_has"]:
        if h not in r.stderr:
            fail(f"stderr lacks {h!r}\n{shown}")
    if step["err_empty"] and r.stderr:
        fail(f"stderr not empty\n{shown}")


if __name__ == "__main__":
    main()
