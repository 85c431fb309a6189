#!/bin/bash
# Output benchmark: what writing the numbers costs next to computing them,
# and whether --threads 2 speeds up the whole CLI run (issue 19).
#
#   bash bench/output.sh
#
# Builds a release tree (build-bench/), makes the inputs with
# bench/make_output_bench.py if absent (build/bench-data/, not committed):
# a 300-tree depth-4 XGBoost model over 200 features with 1000 rows, and
# 1,000,000 rows for the shipped breast-cancer model. Each command runs
# REPEAT times; the table gives the median wall time, the median CPU time
# (user + system) and the peak RSS. `explain importance` is the
# compute-only reference: it explains every row the same way but writes
# one small table at the end.
#
# Environment: BUILD_DIR (build-bench), DATA_DIR (build/bench-data),
# REPEAT (5), PYTHON (python3; needs numpy and xgboost), BC_ROWS (1000000:
# fewer rows of the breast-cancer batch for a quick run).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-bench}
DATA_DIR=${DATA_DIR:-build/bench-data}
REPEAT=${REPEAT:-5}
PYTHON=${PYTHON:-python3}
BC_ROWS=${BC_ROWS:-1000000}

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" --buildtype=release >&2
fi
ninja -C "$BUILD_DIR" src/cli/explain >&2
EXPLAIN="$BUILD_DIR/src/cli/explain"

for f in wide_300x4.json wide_rows.csv bc_1m.csv; do
    if [ ! -f "$DATA_DIR/$f" ]; then
        timeout 1200 "$PYTHON" bench/make_output_bench.py "$DATA_DIR" >&2
        break
    fi
done
BC="$DATA_DIR/bc_1m.csv"
if [ "$BC_ROWS" != 1000000 ]; then
    head -n $((BC_ROWS + 1)) "$DATA_DIR/bc_1m.csv" > "$DATA_DIR/bc_part.csv"
    BC="$DATA_DIR/bc_part.csv"
fi

echo "machine: $(getconf _NPROCESSORS_ONLN) CPUs, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# measure LABEL CMD...: REPEAT runs, output to /dev/null; prints a table
# row and sets WALL and CPU (medians, seconds) and SPREAD (max/min CPU).
measure() {
    local label=$1; shift
    local walls=() cpus=() rss=0 tf
    tf=$(mktemp)
    for _ in $(seq "$REPEAT"); do
        /usr/bin/time -o "$tf" -f '%e %U %S %M' "$@" > /dev/null 2> /dev/null
        read -r w u s m < "$tf"
        walls+=("$w")
        cpus+=("$(echo "$u + $s" | bc -l)")
        [ "$m" -gt "$rss" ] && rss=$m
    done
    rm -f "$tf"
    WALL=$(printf '%s\n' "${walls[@]}" | median)
    CPU=$(printf '%s\n' "${cpus[@]}" | median)
    local lo hi
    lo=$(printf '%s\n' "${cpus[@]}" | sort -g | head -n 1)
    hi=$(printf '%s\n' "${cpus[@]}" | sort -g | tail -n 1)
    SPREAD=$(echo "$hi / $lo" | bc -l)
    printf '| %s | %.2f | %.2f | %.2f | %d |\n' "$label" "$WALL" "$CPU" "$SPREAD" $((rss / 1024))
}

ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

echo "| run | wall s (median) | CPU s (median) | CPU max/min | peak RSS MiB |"
echo "|---|---|---|---|---|"
W="$DATA_DIR/wide_300x4.json"
R="$DATA_DIR/wide_rows.csv"
measure "wide, tree-shap, importance (compute only), 1 thread" \
    "$EXPLAIN" importance --method tree-shap "$W" "$R" --format csv
c_imp=$CPU w_imp1=$WALL
measure "wide, tree-shap, --format csv, 1 thread" \
    "$EXPLAIN" --method tree-shap "$W" "$R" --format csv
c_csv=$CPU w_csv1=$WALL
measure "wide, tree-shap, --format json, 1 thread" \
    "$EXPLAIN" --method tree-shap "$W" "$R" --format json
c_json=$CPU w_json1=$WALL
measure "wide, tree-shap, --format csv, 2 threads" \
    "$EXPLAIN" --method tree-shap "$W" "$R" --format csv --threads 2
w_csv2=$WALL
measure "wide, tree-shap, --format json, 2 threads" \
    "$EXPLAIN" --method tree-shap "$W" "$R" --format json --threads 2
w_json2=$WALL
measure "breast cancer ${BC_ROWS} rows, interventional, importance, 2 threads" \
    "$EXPLAIN" importance "data/models/breast_cancer_xgb.bin" "$BC" --threads 2 --format csv
w_bc_imp=$WALL c_bc_imp=$CPU
measure "breast cancer ${BC_ROWS} rows, interventional, --format csv, 2 threads" \
    "$EXPLAIN" "data/models/breast_cancer_xgb.bin" "$BC" --threads 2 --format csv
w_bc_csv=$WALL c_bc_csv=$CPU
measure "breast cancer ${BC_ROWS} rows, interventional, --format csv, 1 thread" \
    "$EXPLAIN" "data/models/breast_cancer_xgb.bin" "$BC" --format csv
w_bc_csv1=$WALL
echo
echo "Ratios (targets of issue 19 in brackets):"
echo "- wide CSV / compute-only, CPU, 1 thread: $(ratio "$c_csv" "$c_imp") (<= 1.3)"
echo "- wide JSON / compute-only, CPU, 1 thread: $(ratio "$c_json" "$c_imp") (<= 1.6)"
echo "- wide CSV, wall 1 thread / 2 threads: $(ratio "$w_csv1" "$w_csv2") (>= 1.8)"
echo "- wide JSON, wall 1 thread / 2 threads: $(ratio "$w_json1" "$w_json2") (>= 1.8)"
echo "- breast cancer CSV / compute-only, 2 threads, wall: $(ratio "$w_bc_csv" "$w_bc_imp"), CPU: $(ratio "$c_bc_csv" "$c_bc_imp") (<= 1.4)"
echo "- breast cancer CSV, wall 1 thread / 2 threads: $(ratio "$w_bc_csv1" "$w_bc_csv")"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
