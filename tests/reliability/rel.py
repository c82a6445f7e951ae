"""Shared by the reliability drivers: the programs, corpora, the index read back through
trawl-search, and TAP output. Test data: the Reuters-21578 articles of ../shared/data (next
to the source tree) when present, else generated articles, so no test needs them."""
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
INDEX = os.path.join(BUILD, "indexer", "trawl-index")
SEARCH = os.path.join(BUILD, "searcher", "trawl-search")
REUTERS = os.path.join(SOURCE, "..", "shared", "data", "reuters21578.jsonl.gz")
LONG = os.environ.get("TRAWL_RELIABILITY_LONG", "") not in ("", "0")
SEED = int(os.environ.get("TRAWL_SEED") or random.SystemRandom().randrange(1 << 30))
failures = []
_ncheck = 0


class Fail(AssertionError):
    pass


def run(argv, code=None, **kw):
    """Runs argv, returns the CompletedProcess; code: the exit status it must have (or a
    tuple of allowed ones)."""
    kw.setdefault("timeout", 600)
    r = subprocess.run(argv, capture_output=True, text=True, errors="replace", **kw)
    if code is not None and r.returncode not in (code if isinstance(code, tuple) else (code,)):
        raise Fail(f"{' '.join(argv)} exited {r.returncode}, expected {code}\n"
                   f"stdout: {r.stdout[-2000:]}\nstderr: {r.stderr[-2000:]}")
    return r


def stats(db):
    out = run([INDEX, "--db", db, "--stats"], 0).stdout
    return dict(re.findall(r"^(\w[\w ]*?)\s{2,}(.*)$", out, re.M))


def dump(db):
    """Every passage of the index as (article, passage, date, title, start, end, text), in
    order: a filter that matches every dated article, all passages, paged."""
    rows, offset = [], 0
    while True:
        r = run([SEARCH, "--db", db, "--json", "--no-scores", "--all-passages", "--width", "0",
                 "--color", "never", "-n", "10000", "--offset", str(offset), "date:..9999"],
                (0, 1))
        if r.stderr:
            raise Fail(f"dump: stderr: {r.stderr[-2000:]}")
        page = [json.loads(line) for line in r.stdout.splitlines()]
        hits = [h for h in page if not h.get("summary")]
        rows += [(h["article"], h["passage"], h["date"], h["title"], h["start"], h["end"],
                  h["text"]) for h in hits]
        if len(hits) < 10000:
            return rows
        offset += 10000


def by_article(rows):
    out = {}
    for row in rows:
        out.setdefault(row[0], []).append(row)
    return out


def search_batch(db, queries, extra=()):
    """Runs the queries ("qid<TAB>query" lines) in one trawl-search --batch: its JSON output,
    without timings."""
    r = run([SEARCH, "--db", db, "--json", "--no-scores", "--color", "never", "--batch", "-",
             *extra], (0, 1), input="".join(f"{q}\n" for q in queries))
    if r.stderr:
        raise Fail(f"search: stderr: {r.stderr[-2000:]}")
    return r.stdout


def articles(n, seed=1):
    """n articles as dicts (id, date, text): Reuters when present, else generated."""
    out = []
    if os.path.exists(REUTERS):
        with gzip.open(REUTERS, "rt", encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                if a.get("text", "").strip() and a.get("date"):
                    out.append({"id": a["id"], "date": a["date"], "text": a["text"]})
                    if len(out) == n:
                        return out
    rnd = random.Random(seed)
    vocab = words(2000, seed)
    for i in range(len(out), n):
        paras = []
        for _ in range(rnd.randint(1, 8)):
            sent = [" ".join(rnd.choice(vocab) for _ in range(rnd.randint(4, 20))).capitalize()
                    + "." for _ in range(rnd.randint(1, 5))]
            paras.append(" ".join(sent))
        out.append({"id": f"gen-{i}", "date": f"19{80 + i % 20}-0{1 + i % 9}-1{i % 10}",
                    "text": "\n\n".join(paras)})
    return out


def words(n, seed=1):
    rnd = random.Random(seed)
    syl = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "qu", "fe", "da", "gi"]
    out = set()
    while len(out) < n:
        out.add("".join(rnd.choice(syl) for _ in range(rnd.randint(2, 4))))
    return sorted(out)


def queries(n, seed=1):
    """n "qid<TAB>query" lines: Reuters' query list when present, else generated words."""
    path = os.path.join(SOURCE, "..", "shared", "data", "reuters-queries.tsv")
    if os.path.exists(REUTERS) and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return [line.rstrip("\n") for line in f if "\t" in line][:n]
    rnd = random.Random(seed)
    vocab = words(2000, seed)
    return [f"g{i}\t" + " ".join(rnd.choice(vocab) for _ in range(rnd.randint(1, 3)))
            for i in range(n)]


def write_article(folder, a):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, a["id"] + ".txt"), "w", encoding="utf-8") as f:
        f.write(f" date {a['date']} {a['text']}\n")


def check(fn):
    """Runs fn(tmp) as one TAP case in a scratch folder."""
    global _ncheck
    _ncheck += 1
    tmp = tempfile.mkdtemp(prefix="trawl-rel-")
    try:
        fn(tmp)
        print(f"ok {_ncheck} - {fn.__name__}", flush=True)
    except Fail as e:
        failures.append(fn.__name__)
        print(f"not ok {_ncheck} - {fn.__name__}\n# " + str(e).replace("\n", "\n# "),
              flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def note(msg):
    print("# " + msg, flush=True)


def finish():
    print(f"1..{_ncheck}")
    sys.exit(1 if failures else 0)
