#!/bin/sh
# Every chart kind and edge case written by `render_svgs --write-svgs`,
# laid out by headless Chromium with its real fonts: no text leaves its
# canvas and no two texts overlap (bbox_check.py measures them in the
# page). TAP; skipped without chromium or python3.
set -u
gen=${1:?usage: browser_layout.sh RENDER_SVGS}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/chromium_env.sh"
mkdir "$tmp/svg" "$tmp/work"
if ! "$gen" --write-svgs "$tmp/svg" >"$tmp/log" 2>&1; then
    sed 's/^/# /' "$tmp/log"
    echo "not ok 1 - write the charts"
    echo "1..1"
    exit 1
fi
exec "$python" "$here/bbox_check.py" "$chromium" "$tmp/svg" "$tmp/work"
