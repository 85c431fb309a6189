"""Count test cases in meson test logs: each TAP "ok"/"not ok" line of a TAP
test, or one case for a plain test. Prints 'N passed, N failed'; exits 1 if
any failed or if no test ran at all."""
import json
import re
import sys

passed = failed = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            t = json.loads(line)
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
