#!/usr/bin/env python3
"""Runs one file of the Python module's pytest suite for meson, one meson test per file.

    run_pytest.py BUILD_DIR SOURCE_DIR SANITIZE TEST_FILE

Exits with pytest's status, or 77 (skipped) when every case was skipped or pytest is not
installed (Debian: python3-pytest). In a sanitizer build the interpreter, built without ASan,
can load the module only with the compiler's ASan and UBSan runtimes preloaded: the files of
CHECKED_ASAN then run so (LeakSanitizer off, as the interpreter frees little at exit: valgrind
checks the module's leaks), their cases marked `slow` left out; the others are skipped, as is
everything when the runtimes are not found (TRAWL_CC: the build's compiler). With TRAWL_VALGRIND=1, the files of CHECKED run under valgrind (memcheck;
leaks of kinds definite and indirect are errors), their cases marked `slow` left out, and the
others are skipped: their thousands of searches, timed signals and threads would take many
minutes there."""
import os
import subprocess
import sys


CHECKED = ("test_search.py", "test_writer.py", "test_errors.py")  # under valgrind or ASan
CHECKED_ASAN = CHECKED + ("test_threads.py",)


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


def runtime(name):
    """The path of the build compiler's sanitizer runtime name (libasan.so), or None."""
    cc = os.environ.get("TRAWL_CC", "cc").split()
    try:
        path = subprocess.run(cc + [f"-print-file-name={name}"], capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return None
    return path if os.path.isabs(path) and os.path.exists(path) else None


def run_sanitized(sanitize, test_file):
    """This file again, by an interpreter with the sanitizer runtimes preloaded."""
    if os.path.basename(test_file) not in CHECKED_ASAN:
        print(f"SKIP: not run with -Db_sanitize={sanitize}")
        return 77
    preload = [runtime("libasan.so")]
    if "undefined" in sanitize:
        preload.append(runtime("libubsan.so"))
    if None in preload:
        print(f"SKIP: -Db_sanitize={sanitize}: the compiler's sanitizer runtimes are not found "
              "to preload into the interpreter")
        return 77
    asan = os.environ.get("ASAN_OPTIONS", "")
    env = dict(os.environ, LD_PRELOAD=" ".join(preload), PYTHONMALLOC="malloc",
               TRAWL_UNDER_ASAN="1",
               ASAN_OPTIONS=(asan + ":" if asan else "") + "detect_leaks=0")
    return subprocess.call([sys.executable] + sys.argv + ["-m", "not slow"], env=env)


def main():
    build, source, sanitize, test_file = sys.argv[1:5]
    marks = sys.argv[5:]  # ["-m", EXPR], given by run_sanitized
    if sanitize not in ("", "none") and "TRAWL_UNDER_ASAN" not in os.environ:
        return run_sanitized(sanitize, test_file)
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
        if os.path.basename(test_file) not in CHECKED:
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
    rc = pytest.main(args + marks, plugins=[count])
    if rc == 0 and count.passed == 0 and count.skipped > 0:
        return 77
    if rc == 5:  # no case collected
        return 77
    return int(rc)


if __name__ == "__main__":
    sys.exit(main())
