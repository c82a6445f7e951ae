#!/usr/bin/env python3
"""The bad input corpus: each nasty file is indexed or skipped with exactly the warning the
README documents, and what is indexed can be found.

    bad_input_test.py BUILD_DIR SOURCE_DIR

tests/data/bad/ holds the small cases; the big and awkwardly named ones are made here: a
20 MB single-line article, one over the 32M default size limit, file names with spaces and
with a newline."""
import json
import os
import shutil

import rel
from rel import Fail, INDEX, SEARCH, run

WARNINGS = [  # '@' is the folder
    "'@/bad-date.txt': malformed date header: indexed without a date",
    "'@/bad-lines.jsonl': line 2: invalid JSON: '[' or '{' expected near 'not' (column 3): "
    "skipped",
    "'@/bad-lines.jsonl': line 3: missing \"text\": skipped",
    "'@/bad-lines.jsonl:4': malformed date: indexed without a date",
    "'@/bad-lines.jsonl': line 5: invalid JSON: invalid Unicode '\\uD800' (column 81): skipped",
    "'@/binary.txt': binary file: skipped",
    "'@/empty.txt': empty article: indexed with no passages",
    "'@/header-only.txt': empty article: indexed with no passages",
    "'@/invalid-utf8.txt': invalid UTF-8 replaced by U+FFFD",
    "'@/nul-bytes.txt': binary file: skipped",
    "'@/over-limit.txt' is larger than the article size limit (33554432 bytes; see "
    "--max-article-size): skipped",
]

# query -> (article, date (None: none), what the passage text must contain, what it must not)
FINDS = {
    "inspectors": ("invalid-utf8", "2021-05-04", "caf\ufffd served", None),
    "windmill": ("crlf", "2021-05-04", "paragraph.\n\nThe second", "\r"),
    "bombazine": ("bom", "2021-05-04", "A byte order mark", "\ufeff"),
    "\u041c\u043e\u0441\u043a\u0432\u0430": ("mixed-scripts", "2021-05-04", "\u6771\u4eac", None),
    "\u0391\u03b8\u03ae\u03bd\u03b1": ("mixed-scripts", "2021-05-04", "Delhi", None),
    "\u0645\u0631\u062d\u0628\u0627": ("right-to-left", "2021-05-04", "\u05e9\u05dc\u05d5\u05dd",
                                       None),
    "quokka": ("emoji", "2021-05-04", "\U0001F680 went well \U0001F44D\U0001F3FD", None),
    "zeppelin": ("control-chars", "2021-05-04", "Bell  escape [31m form feed", "\x1b"),
    "narwhal": ("bad-date", None, "impossible date", None),
    "axolotl": ("no-header", None, "without a date header", None),
    "capybara": ("name with spaces", "2021-05-04", "Spaces in the file name", None),
    "wombat": ("new\nline", "2021-05-04", "A newline in the file name", None),
    "finalword": ("big", "2021-05-04", "amet finalword", None),
    "pangolin": ("json-good", "2021-05-04", "A good line", None),
    "okapi": ("json-bad-date", None, "with a bad date", None),
}


def make(tmp):
    bad = os.path.join(tmp, "bad")
    shutil.copytree(os.path.join(rel.SOURCE, "tests", "data", "bad"), bad)
    with open(os.path.join(bad, "name with spaces.txt"), "w") as f:
        f.write(" date 2021-05-04 Spaces in the file name of the article on the capybara.\n")
    with open(os.path.join(bad, "new\nline.txt"), "w") as f:
        f.write(" date 2021-05-04 A newline in the file name of the article on the wombat.\n")
    with open(os.path.join(bad, "big.txt"), "w") as f:  # 20 MB, one line
        f.write(" date 2021-05-04 " + "lorem ipsum dolor sit amet " * (20 * 1024 * 1024 // 27)
                + "finalword\n")
    with open(os.path.join(bad, "over-limit.txt"), "wb") as f:  # 32M + 1 byte
        f.truncate(32 * 1024 * 1024 + 1)
    return bad


def test_bad_inputs(tmp):
    bad = make(tmp)
    db = os.path.join(tmp, "db")
    r = run([INDEX, "--db", db, bad], 1)
    want = sorted("trawl-index: " + w.replace("@", bad) for w in WARNINGS)
    if sorted(r.stderr.splitlines()) != want:
        raise Fail("warnings differ; expected:\n" + "\n".join(want) + f"\n--- got\n{r.stderr}")
    if not r.stdout.startswith("added 16, updated 0, removed 0, unchanged 0, skipped 6 "):
        raise Fail(f"summary: {r.stdout}")
    st = rel.stats(db)
    if st["articles"] != "16":
        raise Fail(f"--stats articles {st['articles']}, expected 16")
    for q, (article, date, has, lacks) in FINDS.items():
        r = run([SEARCH, "--db", db, "--json", "--no-scores", "--width", "0", "-n", "1", q], 0)
        hit = json.loads(r.stdout.splitlines()[0])
        if hit["article"] != article or hit["date"] != date or has not in hit["text"] \
                or (lacks is not None and lacks in hit["text"]):
            raise Fail(f"query {q!r}: expected {article!r} ({date}) with {has!r}, got "
                       f"{hit['article']!r} ({hit['date']}): {hit['text'][:200]!r}")
    # A second run changes nothing and warns about the same skipped files only.
    r = run([INDEX, "--db", db, bad], 1)
    if "added 0, updated 0, removed 0, unchanged 16, skipped" not in r.stdout:
        raise Fail(f"second run: {r.stdout}")
    rel.note(f"{len(os.listdir(bad))} bad input files, {len(FINDS)} searches")


def test_limits(tmp):
    """Limits are enforced with a clear message: article size, query length, result count."""
    bad = make(tmp)
    db = os.path.join(tmp, "db")
    r = run([INDEX, "--db", db, "-q", "--max-article-size", "1M",
             os.path.join(bad, "big.txt"), os.path.join(bad, "bom.txt")], 1)
    if r.stderr != (f"trawl-index: '{bad}/big.txt' is larger than the article size limit "
                    "(1048576 bytes; see --max-article-size): skipped\n"):
        raise Fail(f"size limit: {r.stderr!r}")
    r = run([SEARCH, "--db", db, "x" * 4097], 2)
    if "query too long: 4097 bytes, at most 4096" not in r.stderr:
        raise Fail(f"query length: {r.stderr!r}")
    run([SEARCH, "--db", db, "y" * 4096], 1)
    r = run([SEARCH, "--db", db, "-n", "10001", "bombazine"], 2)
    if "expected a number from 1 to 10000" not in r.stderr:
        raise Fail(f"result count: {r.stderr!r}")
    run([SEARCH, "--db", db, "-n", "10000", "bombazine"], 0)
    # Tokens are cut at 64 bytes: a 100-letter word is found by its first 64 letters.
    with open(os.path.join(bad, "long-word.txt"), "w") as f:
        f.write(" date 2021-05-04 A " + "q" * 100 + " word.\n")
    run([INDEX, "--db", db, "-q", os.path.join(bad, "long-word.txt")], 0)
    r = run([SEARCH, "--db", db, "--trec", "t", "q" * 64], 0)
    if r.stdout.split()[2] != "long-word":
        raise Fail(f"token cut: {r.stdout}")


if __name__ == "__main__":
    rel.check(test_bad_inputs)
    rel.check(test_limits)
    rel.finish()
