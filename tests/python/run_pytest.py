#!/usr/bin/env python3
"""Runs one file of the Python module's pytest suite for meson, one meson test per file.

    run_pytest.py BUILD_DIR SOURCE_DIR SANITIZE TEST_FILE

Exits with pytest's status, or 77 (skipped) when every case was skipped, when pytest is not
installed (Debian: python3-pytest), or in a sanitizer build: an extension module built with
ASan cannot be loaded into an interpreter that is not (quickstart runs these tests under
valgrind instead). With TRAWL_VALGRIND=1, the files of VALGRIND run under valgrind (memcheck;
leaks of kinds definite and indirect are errors), their cases marked `slow` left out, and the
others are skipped: their thousands of searches, timed signals and threads would take many
minutes there."""
import os
import subprocess
import sys


VALGRIND = ("test_search.py", "test_writer.py", "test_errors.py")


class Count:
    """Counts the outcomes of the cases' calls."""

    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def pytest_runtest_logreport(self, report):
        if report.skipped:
            self.skipped += 1
        elif report.failed:
            self.failed += 1
        elif report.when == "call":
            self.passed += 1


def main():
    build, source, sanitize, test_file = sys.argv[1:5]
    if sanitize not in ("", "none"):
        print(f"SKIP: a module built with -Db_sanitize={sanitize} cannot load into an "
              "uninstrumented python; quickstart runs this suite under valgrind")
        return 77
    try:
        import pytest
    except ImportError:
        print("SKIP: pytest is not installed (Debian: python3-pytest)")
        return 77
    os.environ["TRAWL_BUILD_ROOT"] = build
    os.environ["TRAWL_SOURCE_ROOT"] = source
    module_dir = os.path.join(build, "bindings", "python")
    os.environ["PYTHONPATH"] = module_dir + os.pathsep + os.environ.get("PYTHONPATH", "")
    args = [test_file, "-q", "-rs", "-p", "no:cacheprovider", "--rootdir", os.path.dirname(test_file)]
    if os.environ.get("TRAWL_VALGRIND", "") not in ("", "0") and "TRAWL_UNDER_VALGRIND" not in os.environ:
        if os.path.basename(test_file) not in VALGRIND:
            print("SKIP: not run under valgrind (TRAWL_VALGRIND=1)")
            return 77
        # Again, under valgrind: the interpreter's own allocator off so that memcheck sees
        # every block.
        env = dict(os.environ, PYTHONMALLOC="malloc", TRAWL_UNDER_VALGRIND="1")
        cmd = ["valgrind", "--error-exitcode=99", "--leak-check=full",
               "--errors-for-leak-kinds=definite,indirect",
               "--show-leak-kinds=definite,indirect", "--quiet",
               sys.executable, "-m", "pytest", "-m", "not slow"] + args
        return subprocess.call(cmd, env=env)
    sys.path.insert(0, module_dir)
    count = Count()
    rc = pytest.main(args, plugins=[count])
    if rc == 0 and count.passed == 0 and count.skipped > 0:
        return 77
    if rc == 5:  # no case collected
        return 77
    return int(rc)


if __name__ == "__main__":
    sys.exit(main())
