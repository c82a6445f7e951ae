#!/usr/bin/env python3
"""Samples near-duplicate groups of an index for checking by hand (README "Near-duplicates").

    near_dups.py BUILD_DIR INDEX ARTICLES.jsonl[.gz] [MAX_BITS [SAMPLE [SEED]]]

Runs BUILD_DIR/tests/near_dups for the pairs within MAX_BITS (default 3, as the searcher
groups), joins them into groups (connected components), prints how many, and then SAMPLE
groups (default 50, seed 15) picked at random: each member's id, title and text, with the
3-word-shingle Jaccard similarity of every member to the first, as a guide for the reader,
who decides: the same story with small edits (correct) or different stories (a false
merge)."""
import gzip
import json
import random
import re
import subprocess
import sys


def shingles(text):
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def main():
    build, index, articles = sys.argv[1:4]
    bits = sys.argv[4] if len(sys.argv) > 4 else "3"
    sample = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 15
    out = subprocess.run([f"{build}/tests/near_dups", index, bits], capture_output=True,
                         text=True, check=True).stdout
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    dist = {}
    for line in out.splitlines():
        d, a, b = line.split("\t")
        parent[find(a)] = find(b)
        dist[(a, b)] = int(d)
    groups = {}
    for x in list(parent):
        groups.setdefault(find(x), []).append(x)
    groups = sorted(sorted(g, key=lambda s: int(s.split("-")[-1]) if s.split("-")[-1].isdigit()
                           else 0) for g in groups.values())
    sizes = [len(g) for g in groups]
    print(f"{len(dist)} pairs within {bits} bits, {len(groups)} groups, "
          f"{sum(sizes)} articles, largest group {max(sizes) if sizes else 0}")
    opener = gzip.open if articles.endswith(".gz") else open
    want = set()
    picked = random.Random(seed).sample(groups, min(sample, len(groups)))
    for g in picked:
        want.update(g)
    docs = {}
    with opener(articles, "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            if a["id"] in want:
                docs[a["id"]] = a
    for n, g in enumerate(picked, 1):
        first = shingles(docs[g[0]]["text"])
        print(f"\n=== group {n}: {len(g)} articles")
        for x in g:
            a = docs[x]
            other = shingles(a["text"])
            j = len(first & other) / max(1, len(first | other))
            text = " ".join(a["text"].split())
            print(f"--- {x}  {a.get('date', '')}  jaccard {j:.2f}  {a.get('title', '')}")
            print(f"    {text[:600]}")


if __name__ == "__main__":
    main()
