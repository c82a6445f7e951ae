#!/usr/bin/env python3
"""Runs one libFuzzer target for a bounded time: the fuzz smoke test of CI.

    run_fuzz.py FUZZER SEED_DIR WORK_DIR [SECONDS]

$TRAWL_FUZZ_SECONDS, when set, overrides SECONDS (default 60). New inputs go to WORK_DIR/corpus (the
seed corpus in the source tree is only read), a finding to WORK_DIR/crash-*. Prints the
number of executions; exits non-zero on a finding, naming the input to keep as a seed."""
import glob
import os
import re
import subprocess
import sys


def main():
    fuzzer, seeds, work = sys.argv[1], sys.argv[2], sys.argv[3]
    seconds = int(os.environ.get("TRAWL_FUZZ_SECONDS")
                  or (sys.argv[4] if len(sys.argv) > 4 else 60))
    corpus = os.path.join(work, "corpus")
    os.makedirs(corpus, exist_ok=True)
    for old in glob.glob(os.path.join(work, "crash-*")) + glob.glob(os.path.join(work, "leak-*")):
        os.remove(old)
    env = dict(os.environ)
    # UBSan findings must stop the run like ASan's do; leaks are findings too.
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:abort_on_error=1:print_stacktrace=1")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
    argv = [fuzzer, f"-max_total_time={seconds}", "-timeout=20", "-rss_limit_mb=2048",
            "-max_len=65536", "-print_final_stats=1", f"-artifact_prefix={work}/",
            corpus, seeds]
    log_path = os.path.join(work, "fuzz.log")
    with open(log_path, "w") as log:
        r = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                           timeout=seconds + 300)
    with open(log_path, errors="replace") as f:
        log = f.read()
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    execs = int(m.group(1)) if m else 0
    name = os.path.basename(fuzzer)
    if r.returncode != 0:
        found = glob.glob(os.path.join(work, "crash-*")) + glob.glob(os.path.join(work, "leak-*")) \
            + glob.glob(os.path.join(work, "timeout-*")) + glob.glob(os.path.join(work, "oom-*"))
        print("\n".join(log.splitlines()[-60:]))
        print(f"FAIL: {name} exited {r.returncode} after {execs} executions; input: "
              f"{' '.join(found) or '(none saved)'}; keep it in {seeds}/ once fixed")
        sys.exit(1)
    print(f"{name}: {execs} executions in {seconds} s, no finding ({len(os.listdir(corpus))} "
          f"inputs in the working corpus)")


if __name__ == "__main__":
    main()
