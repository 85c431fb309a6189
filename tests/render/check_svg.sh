#!/bin/sh
# Every chart kind and edge case written by `render_svgs --write-svgs` is a
# well-formed standalone SVG 1.1 document with a viewBox, a title and a
# description (xmllint). TAP.
set -u
gen=${1:?usage: check_svg.sh RENDER_SVGS}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

if ! command -v xmllint >/dev/null 2>&1; then
    echo "1..0 # SKIP xmllint is not installed (Debian: libxml2-utils)"
    exit 0
fi
if ! "$gen" --write-svgs "$tmp" >"$tmp/log" 2>&1; then
    sed 's/^/# /' "$tmp/log"
    echo "not ok 1 - write the charts"
    echo "1..1"
    exit 1
fi
count=0
for f in "$tmp"/*.svg; do
    name=$(basename "$f")
    count=$((count + 1))
    if xmllint --noout "$f" 2>"$tmp/err"; then
        ok "$name is well-formed XML"
    else
        not_ok "$name is well-formed XML"
        head -5 "$tmp/err" | sed 's/^/# /'
    fi
    root=$(xmllint --xpath 'concat(local-name(/*), " ", namespace-uri(/*), " ", /*/@version, " ", boolean(/*/@viewBox))' "$f" 2>/dev/null)
    if [ "$root" = "svg http://www.w3.org/2000/svg 1.1 true" ]; then
        ok "$name: svg root, SVG namespace, version 1.1, viewBox"
    else
        not_ok "$name: svg root, SVG namespace, version 1.1, viewBox (got: $root)"
    fi
    title=$(xmllint --xpath 'string(/*[local-name()="svg"]/*[local-name()="title"])' "$f" 2>/dev/null)
    desc=$(xmllint --xpath 'string(/*[local-name()="svg"]/*[local-name()="desc"])' "$f" 2>/dev/null)
    if [ -n "$title" ] && [ -n "$desc" ]; then
        ok "$name has a title and a description"
    else
        not_ok "$name has a title and a description"
    fi
done
[ "$count" -ge 20 ]
if [ $? -eq 0 ]; then ok "$count charts written"; else not_ok "only $count charts written"; fi
echo "1..$n"
exit $failed
