#!/bin/sh
# The shared library exports exactly the public API: xpl_* functions, and
# every function declared in the public headers. TAP.
set -u
lib=${1:?library}
root=${XPL_SOURCE_ROOT:?}
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sort)
declared=$(cat "$root"/include/xplain/*.h | grep -o 'xpl_[a-z0-9_]*(' | tr -d '(' | sort -u)
n=0; failed=0
check() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
bad=$(printf '%s\n' "$exported" | grep -v '^xpl_[a-z]' || true)
[ -z "$bad" ]; check $? "only xpl_ symbols are exported${bad:+ (found: $bad)}"
missing=$(printf '%s\n' "$declared" | while read -r f; do printf '%s\n' "$exported" | grep -qx "$f" || echo "$f"; done)
[ -z "$missing" ]; check $? "every declared function is exported${missing:+ (missing: $missing)}"
echo "1..$n"
exit $failed
