#!/usr/bin/env python3
"""Summarise the guest's JUnit XML reports (legacy format) as one line: "N passed, N failed, N skipped".
Lists each failed test with its message on stderr. Exit 1 when a test failed or there is no report.
usage: junit-summary.py REPORTS_DIR"""
import glob, sys, xml.etree.ElementTree as ET
files = sorted(glob.glob(sys.argv[1] + '/TEST-*.xml'))
if not files:
    print("no JUnit report (the guest JVM did not finish)")
    sys.exit(1)
passed = failed = skipped = 0
for f in files:
    for case in ET.parse(f).getroot().iter('testcase'):
        bad = case.find('failure') if case.find('failure') is not None else case.find('error')
        if bad is not None:
            failed += 1
            msg = (bad.get('message') or bad.get('type') or '').splitlines()
            print("  FAILED %s.%s: %s" % (case.get('classname'), case.get('name'), msg[0] if msg else ''), file=sys.stderr)
        elif case.find('skipped') is not None:
            skipped += 1
        else:
            passed += 1
print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
sys.exit(1 if failed or passed + failed == 0 else 0)
