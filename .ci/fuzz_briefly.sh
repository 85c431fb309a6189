#!/bin/sh
# Run every libFuzzer harness of a -Dfuzz=true build for SECONDS each, from
# a copy of its seed corpus with its dictionary. One TAP case per harness;
# a crash, leak or timeout fails it and prints the report and the input.
# Usage: fuzz_briefly.sh BUILDDIR SECONDS
set -u
cd "$(dirname "$0")/.."
build=$1 secs=$2
src=tests/fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0
for exe in "$build"/tests/fuzz/fuzz_*; do
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    name=$(basename "$exe")
    kind=${name#fuzz_}
    n=$((n + 1))
    mkdir -p "$work/$name" "$work/$name.art"
    cp "$src/corpus/$kind"/* "$src/regressions/$kind"/* "$work/$name/" 2>/dev/null
    dict=
    [ -f "$src/dict/$kind.dict" ] && dict=-dict=$src/dict/$kind.dict
    # shellcheck disable=SC2086
    "$exe" "$work/$name" $dict -max_total_time="$secs" -timeout=20 \
        -max_len=16384 -artifact_prefix="$work/$name.art/" \
        >"$work/$name.log" 2>&1
    rc=$?
    stats=$(grep -E '^#[0-9]+' "$work/$name.log" | tail -1 |
            sed 's/^#\([0-9]*\)[^c]*\(cov: [0-9]*\) \(ft: [0-9]*\).*/\1 runs, \2, \3/')
    if [ $rc -eq 0 ]; then
        echo "ok $n - fuzz $name for ${secs} s: $stats"
    else
        failed=$((failed + 1))
        echo "not ok $n - fuzz $name: exit $rc after $stats"
        grep -E 'ERROR|SUMMARY|fuzz:|#[0-9]+ 0x' "$work/$name.log" | head -30 | sed 's/^/# /'
        for f in "$work/$name.art"/*; do
            [ -f "$f" ] && echo "# input $(basename "$f"): $(od -An -c "$f" | head -8 | tr -s ' ')"
        done
    fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
