#!/bin/sh
# Run a fuzz harness's replay driver over every file in the given folders
# (seed corpus, past crashes): exit status 0 only if no input crashes it.
# Usage: replay.sh HARNESS DIR...
set -u
exe=$1
shift
files=$(find "$@" -type f ! -name '.*' 2>/dev/null | sort)
[ -n "$files" ] || { echo "no inputs in $*"; exit 1; }
# One process for all inputs is fast; on failure, name the culprit.
# shellcheck disable=SC2086
if ! "$exe" $files; then
    for f in $files; do
        "$exe" "$f" >/dev/null 2>&1 || echo "crashes on: $f"
    done
    exit 1
fi
echo "$(echo "$files" | wc -l) inputs replayed"
