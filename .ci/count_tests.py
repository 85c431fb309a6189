"""Count test cases in meson test logs: each TAP "ok"/"not ok" line of a TAP
test, or one case for a plain test. A log that is missing or unreadable
(meson test died before writing it) counts as one failed case. Prints
'N passed, N failed'; exits 1 if any failed or if no test ran at all."""
import json
import re
import sys

passed = failed = 0


def records(path):
    """The test records of one log, or None if it cannot be read."""
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError):
        return None


for path in sys.argv[1:]:
    tests = records(path)
    if tests is None:
        print(f"{path}: missing or unreadable, counted as one failure")
        failed += 1
        continue
    for t in tests:
        out = t.get("stdout") or ""
        # meson 1.0 does not record the protocol: a TAP plan line marks it.
        if re.search(r"^1\.\.\d+", out, re.M):
            p = len(re.findall(r"^ok\b", out, re.M))
            q = len(re.findall(r"^not ok\b", out, re.M))
            # A TAP program that crashed may have printed few lines.
            if t["result"] not in ("OK", "SKIP") and q == 0:
                q = 1
            passed += p
            failed += q
        elif t["result"] == "OK":
            passed += 1
        elif t["result"] != "SKIP":
            failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
