#!/usr/bin/env python3
"""Check that a regenerated output file differs from its previous version
only in how numbers are spelled: the text between numbers is identical and
every number parses to the same double (Python's float() is correctly
rounded, independent of xplain).

usage: tools/check_number_changes.py [REV] FILE...   (REV default HEAD)
Exit status 0 when every file passes; prints each file's count of changed
numbers."""
import math
import re
import subprocess
import sys

NUMBER = re.compile(r"(?<![\w.])-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def split(text):
    parts, numbers, last = [], [], 0
    for m in NUMBER.finditer(text):
        parts.append(text[last:m.start()])
        numbers.append(m.group())
        last = m.end()
    parts.append(text[last:])
    return parts, numbers


def same(a, b):
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return x == y and math.copysign(1, x) == math.copysign(1, y)


def main(argv):
    rev = "HEAD"
    if argv and not argv[0].startswith(("tests/", "docs/", "examples/", "./")) and "/" not in argv[0]:
        rev, argv = argv[0], argv[1:]
    failed = 0
    for path in argv:
        old = subprocess.run(["git", "show", f"{rev}:{path}"], check=True,
                             capture_output=True, text=True).stdout
        new = open(path, encoding="utf-8").read()
        op, on = split(old)
        np_, nn = split(new)
        if op != np_ or len(on) != len(nn):
            print(f"{path}: text other than numbers changed")
            failed = 1
            continue
        bad = [(a, b) for a, b in zip(on, nn) if not same(a, b)]
        changed = sum(a != b for a, b in zip(on, nn))
        for a, b in bad[:5]:
            print(f"{path}: {a} became {b}, a different double")
        failed |= bool(bad)
        print(f"{path}: {changed} of {len(on)} numbers respelled, "
              f"{len(bad)} changed value")
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
