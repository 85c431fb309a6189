#!/bin/sh
# Ten million generated rows through `explain` (TreeSHAP, the shipped
# XGBoost model, interventional over its 100-row background; JSON Lines to
# /dev/null) at 1 and 2 threads, with /usr/bin/time -v: rows/s from the
# elapsed time and from CPU time, and the peak resident memory. The rows are
# the breast-cancer rows cycled, each value scaled by a small per-row,
# per-column factor so that no two rows are equal; the file (about 2.4 GB)
# is written to $TMPDIR and removed afterwards, never committed; with
# ROWS_FILE set, that file is made once (if absent) and kept, so that
# runs at other times reuse it.
# THREADS (default "1 2") lists the thread counts to run; THREADS= only
# makes the file.
# Usage: [ROWS_FILE=path] [THREADS=...] bench/ten_million.sh [BUILD_DIR] [ROWS]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
rows=${2:-10000000}
explain=$build/src/cli/explain
model=data/models/breast_cancer_xgb.bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
file=${ROWS_FILE:-$tmp/rows.csv}
[ -s "$file" ] || awk -F, -v OFS=, -v n="$rows" '
    NR == 1 { print; next }
    { row[m++] = $0 }
    END {
        for (i = 0; i < n; i++) {
            k = split(row[i % m], v, ",")
            line = ""
            for (j = 1; j < k; j++)
                line = line sprintf("%.6g,", v[j] * (1 + ((i * 7 + j) % 13 - 6) / 1000))
            print line v[k]
        }
    }' data/breast_cancer.csv >"$file"
echo "rows: $rows, file: $(du -h "$file" | cut -f1)"
for t in ${THREADS-1 2}; do
    echo "== threads $t"
    /usr/bin/time -v "$explain" "$model" "$file" --threads "$t" -q \
        >/dev/null 2>"$tmp/time"
    grep -E "User time|System time|Elapsed|Maximum resident|Percent of CPU" "$tmp/time"
    awk -v n="$rows" -F': ' '
        /User time/ { u = $2 } /System time/ { s = $2 }
        /Elapsed/ { split($2, p, ":"); e = (length(p) == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2] }
        END { printf "rows/s: %.0f (elapsed), %.0f per CPU second\n", n / e, n / (u + s) }' "$tmp/time"
done
