#!/usr/bin/env python3
"""Checks that `./quickstart test` sums up every stage alike (issue 23, item 12).

    quickstart_stages.py SOURCE_DIR

Every `meson test` run of quickstart writes its output to a file that a later `stage NAME
FILE` line sums up in one "== NAME: Ok: N Fail: N Timeout: N" line (meson's raw tail is not
printed), and quickstart's stage function, run on a meson log with a failure, prints that line
and then the failed test, once. Prints PASS, or FAIL and why (exit 1); 77 without bash."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The tail of a `meson test --print-errorlogs` log with one failure (meson 1.0's layout).
SAMPLE = """\
1/3 trawl:cli / help            OK               0.27s
2/3 trawl:cli / estimate        FAIL             1.81s   exit status 1
>>> MALLOC_PERTURB_=12 /usr/bin/python3 run_t.py
3/3 trawl:cli / exit-codes      OK               0.35s

Summary of Failures:

2/3 trawl:cli / estimate        FAIL             1.81s   exit status 1

Ok:                 2
Expected Fail:      0
Fail:               1
Unexpected Pass:    0
Skipped:            0
Timeout:            0
"""


def main():
    source = sys.argv[1]
    if shutil.which("bash") is None:
        print("SKIP: bash is not installed")
        return 77
    with open(os.path.join(source, "quickstart"), encoding="utf-8") as f:
        text = f.read()
    # Joined continuation lines, so a command is one line.
    lines = text.replace("\\\n", " ").split("\n")
    outputs = [m.group(1) for l in lines if re.search(r"^\s*(\S+=\S+\s+)*meson test\b", l)
               for m in [re.search(r">\s*(\S+)\s+2>&1", l)] if m]
    runs = sum(1 for l in lines if re.search(r"^\s*(\S+=\S+\s+)*meson test\b", l))
    if runs == 0 or len(outputs) != runs:
        print(f"FAIL: {runs} meson test runs, {len(outputs)} of them to an output file")
        return 1
    staged = re.findall(r'^\s*stage "[^"]+" (\S+)\s*$', text, re.M)
    missing = [o for o in outputs if o not in staged]
    if missing:
        print(f"FAIL: no stage line sums up {missing}")
        return 1
    if re.search(r"^\s*tail\b", text, re.M):
        print("FAIL: quickstart prints a raw tail of a log")
        return 1
    m = re.search(r"^stage\(\) \{.*?^\}\n", text, re.M | re.S)
    if m is None:
        print("FAIL: quickstart has no stage function")
        return 1
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as log:
        log.write(SAMPLE)
        log.flush()
        r = subprocess.run(["bash", "-c", "set -euo pipefail\n" + m.group(0) +
                            'stage "tests" "$1"', "stage", log.name],
                           capture_output=True, text=True, timeout=60)
    want = ["== tests: Ok: 2 Fail: 1 Timeout: 0",
            "   2/3 trawl:cli / estimate        FAIL             1.81s   exit status 1"]
    if r.returncode != 0 or r.stdout.splitlines() != want:
        print(f"FAIL: stage printed (exit {r.returncode}):\n{r.stdout}{r.stderr}\n"
              f"expected:\n" + "\n".join(want))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
