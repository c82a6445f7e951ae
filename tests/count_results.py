#!/usr/bin/env python3
"""Prints 'N passed, N failed[, N skipped]' from meson's JUnit logs (build/meson-logs/
testlog.junit.xml, one per test run given): a cmocka binary (TAP protocol) counts each of its
cases, any other test counts once."""
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for log in sys.argv[1:]:  # one JUnit log per stage of CI; the line sums them all
    for case in ET.parse(log).getroot().iter("testcase"):
        if case.find("skipped") is not None:
            skipped += 1
        elif case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        else:
            passed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
