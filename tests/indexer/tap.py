"""The indexer tests' TAP runner: each case a function of a fresh temporary folder."""
import os
import shutil
import sys
import tempfile


def run_cases(cases, prefix):
    """Runs each case in its own temporary folder (named prefix-...), prints one TAP line per
    case (an AssertionError's message as comments) and the plan, and exits 1 when one failed."""
    results = []
    for fn in cases:
        tmp = tempfile.mkdtemp(prefix=prefix + "-")
        try:
            fn(os.path.realpath(tmp))
            results.append(f"ok {len(results) + 1} - {fn.__name__}")
        except AssertionError as e:
            results.append(f"not ok {len(results) + 1} - {fn.__name__}\n# "
                           + str(e).replace("\n", "\n# "))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(results[-1], flush=True)
    print(f"1..{len(results)}")
    sys.exit(1 if any(r.startswith("not ok") for r in results) else 0)
