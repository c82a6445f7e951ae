#!/usr/bin/env python3
"""Measures the near-duplicate fold rule on an index (README "Near-duplicates").

    dup_pairs.py BUILD_DIR INDEX

Runs BUILD_DIR/tests/dup_pairs INDEX 0.5 20: every pair of articles whose 3-word-shingle
Jaccard similarity is 0.5 or more, and every pair whose SimHash signatures are within 20
bits. Prints the Hamming distances of the pairs with Jaccard >= 0.9 (the near-duplicates to
fold), then for each distance k the pairs within k bits by Jaccard: those below 0.9 are what
folding by distance alone would wrongly merge."""
import collections
import subprocess
import sys

JACCARD = 0.9


def main():
    build, index = sys.argv[1:3]
    out = subprocess.run([f"{build}/tests/dup_pairs", index, "0.5", "20"],
                         capture_output=True, text=True, check=True)
    sys.stderr.write(out.stderr)
    rows = []
    for line in out.stdout.splitlines():
        bits, j, a, b = line.split("\t")
        rows.append((int(bits), float(j), a, b))
    near = [r for r in rows if r[1] >= JACCARD]
    signed = [r for r in near if r[0] >= 0]
    print(f"pairs with Jaccard >= {JACCARD}: {len(near)}, {len(near) - len(signed)} of them "
          f"with an article too short for a signature")
    dist = collections.Counter(r[0] for r in signed)
    print("their distances (bits: pairs): " +
          ", ".join(f"{k}: {dist[k]}" for k in sorted(dist)))
    print("k  within-k  J>=0.9  recall  0.8-0.9  0.5-0.8  <0.5  lowest-J")
    for k in range(0, 21):
        w = [r for r in rows if 0 <= r[0] <= k]
        hi = sum(r[1] >= JACCARD for r in w)
        print(f"{k:<2} {len(w):>8} {hi:>7} {hi / max(1, len(signed)):>7.3f} "
              f"{sum(0.8 <= r[1] < JACCARD for r in w):>8} "
              f"{sum(0.5 <= r[1] < 0.8 for r in w):>8} {sum(r[1] < 0.5 for r in w):>5} "
              f"{min((r[1] for r in w), default=1):>9.2f}")


if __name__ == "__main__":
    main()
