#!/usr/bin/env python3
"""Remote shards served through a program (Xapian's "prog" method), as over ssh.

    prog_test.py BUILD_DIR SOURCE_DIR

A stub line `remote :PROGRAM ARGS...` makes Xapian run PROGRAM and speak its remote protocol
over the program's standard input and output; `remote :ssh -o BatchMode=yes HOST
xapian-progsrv PATH` is the secure way to reach a shard on another machine (README, "Remote
shards"). Here the program is xapian-progsrv itself, run locally, so no ssh is needed. On an
index of corpus/ in two shards this checks that: results through the prog stub equal the
local sharded index's (phrases included, which trawl checks itself on remote shards); a
shard whose program is missing is named in a one-line error with exit status 2, and
--allow-partial searches the rest with a warning; trawl-index refuses to write through the
stub, naming the shard; the article databases are reached through an ARTICLES stub of the
same kind. TAP output; exit 77 without xapian-progsrv."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BUILD, SOURCE = sys.argv[1], sys.argv[2]
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
SEARCH = os.path.join(BUILD, "searcher", "trawl-search")
QUERIES = ["Facebook likes target", '"live video call"', "Gandhi -BJP", "elect*",
           "Congress OR party", "date:2018 Modi", "Facebook -Congress",
           'likes -"Narendra Modi"']


def run(argv, stdin=None):
    return subprocess.run(argv, capture_output=True, text=True, input=stdin, timeout=120)


def hits(db, *flags):
    text = "".join(f"q{i}\t{q}\n" for i, q in enumerate(QUERIES))
    r = run([SEARCH, "--db", db, "--json", "-n", "10", *flags, "--batch", "-"], stdin=text)
    assert r.returncode in (0, 1), f"{db}: exit {r.returncode}: {r.stderr}"
    out = {}
    for line in r.stdout.splitlines():
        o = json.loads(line)
        if not o.get("summary"):
            out.setdefault(o["qid"], []).append((o["article"], o["passage"],
                                                 round(o["score"], 9), o["more"]))
    return out


def write_stub(folder, lines):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "XAPIANDB"), "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))


def one_line(text):
    return len(text.strip().splitlines()) == 1


def main(tmp):
    results = []

    def check(ok, name, detail=""):
        results.append(ok)
        print(("ok - " if ok else "not ok - ") + name)
        if not ok and detail:
            print("# " + detail.replace("\n", "\n# "))

    sharded = os.path.join(tmp, "sharded")
    r = run([INDEX, "-q", "--db", sharded, "--shards", "2", os.path.join(SOURCE, "corpus")])
    assert r.returncode == 0, r.stderr
    with open(os.path.join(sharded, "XAPIANDB"), encoding="utf-8") as f:
        shards = [os.path.join(sharded, line.split()[1]) for line in f if line.strip()]
    assert len(shards) == 2, shards

    prog = os.path.join(tmp, "prog")
    write_stub(prog, [f"remote :xapian-progsrv {s}" for s in shards])
    r = run([SEARCH, "--db", prog, "--stats"])
    check(r.returncode == 0 and "article index    none to read" in r.stdout,
          "without an ARTICLES stub remote shards rank from the passages", r.stdout + r.stderr)
    # the article databases through the same program, named by ARTICLES (README, Index layout)
    with open(os.path.join(prog, "ARTICLES"), "w", encoding="utf-8") as f:
        f.write("".join(f"remote :xapian-progsrv {s}/articles\n" for s in shards))
    r = run([SEARCH, "--db", prog, "--stats"])
    check(r.returncode == 0 and "article index    3 articles" in r.stdout,
          "an ARTICLES stub names the remote article databases", r.stdout + r.stderr)
    local, remote = hits(sharded), hits(prog)
    check(sum(len(v) for v in local.values()) >= 10 and local == remote,
          "a prog stub gives the local index's results", f"local {local}\nprog {remote}")

    broken = os.path.join(tmp, "broken")
    missing = f"remote :trawl-no-such-progsrv {shards[1]}"
    write_stub(broken, [f"remote :xapian-progsrv {shards[0]}", missing])
    r = run([SEARCH, "--db", broken, "Facebook"])
    check(r.returncode == 2 and f"shard '{missing}'" in r.stderr and one_line(r.stderr)
          and r.stderr.startswith("trawl-search: "),
          "a shard whose program is missing is named, exit 2",
          f"exit {r.returncode}: {r.stderr}")
    r = run([SEARCH, "--db", broken, "--allow-partial", "--no-scores", "Facebook"])
    check(r.returncode in (0, 1) and "results are partial" in r.stderr and missing in r.stderr,
          "--allow-partial searches the shards that answer", f"exit {r.returncode}: {r.stderr}")

    r = run([INDEX, "--db", prog, os.path.join(SOURCE, "corpus")])
    check(r.returncode == 2 and "remote :xapian-progsrv" in r.stderr and one_line(r.stderr),
          "trawl-index refuses to write through a prog stub, naming the shard",
          f"exit {r.returncode}: {r.stderr}")
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    if shutil.which("xapian-progsrv") is None:
        print("1..0 # SKIP xapian-progsrv (Debian package xapian-tools) is not installed")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="trawl-prog-")
    try:
        sys.exit(main(tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
