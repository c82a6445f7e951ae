#!/usr/bin/env python3
"""Every test file in a folder is listed in tests/meson.build (files are listed, not globbed,
so a new file that nobody listed would never run).

    listed_test.py FOLDER SUFFIX LISTED...

Exit 0 when the files FOLDER/*SUFFIX are exactly LISTED, else 1 naming the difference."""
import os
import sys

folder, suffix, listed = sys.argv[1], sys.argv[2], set(sys.argv[3:])
present = {f for f in os.listdir(folder) if f.endswith(suffix)}
if present != listed:
    print(f"FAIL: in {folder} but not listed: {sorted(present - listed)}; "
          f"listed but missing: {sorted(listed - present)}")
    sys.exit(1)
print(f"PASS: {len(present)} files")
