#!/bin/bash
# Instructions executed by the CLI, two revisions side by side, counted by
# callgrind: a regression check for refactors that does not depend on the
# machine's load (timings on the shared 2-core machine are noisy, counts
# are not). One run per case, release builds, the shipped models and data.
#
#   bash bench/instructions.sh BASE_REV [NEW_REV]     (NEW_REV: the work tree)
#
# Output is JSON unless a case says otherwise (--format csv, text).
# Prints a Markdown table: cases, instructions (millions) of each revision,
# and their ratio. Needs valgrind. Runtime: about 5 minutes (two builds,
# then each case under callgrind, about 50x slower than native).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: instructions.sh BASE_REV [NEW_REV]}
new=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# build REV DIR: a release build of REV (the work tree if REV is empty)
build() {
    local rev=$1 dir=$2 src=$PWD
    if [ -n "$rev" ]; then
        src=$work/src-$rev
        git worktree add -q --detach "$src" "$rev"
    fi
    meson setup "$dir" "$src" --buildtype=release -Dserve=disabled \
        -Draster=disabled >/dev/null
    ninja -j2 -C "$dir" src/cli/explain >/dev/null
    [ -n "$rev" ] && git worktree remove --force "$src"
    return 0
}
build "$base" "$work/a"
build "$new" "$work/b"

head -n 101 data/breast_cancer.csv >"$work/bc100.csv"
head -n 21 data/diabetes.csv >"$work/d20.csv"
head -n 21 data/breast_cancer.csv >"$work/bc20.csv"
head -n 101 data/diabetes.csv >"$work/d100.csv"
head -n 41 data/diabetes.csv >"$work/d40.csv"
M=data/models
cases=(
    "predict, XGBoost, 569 rows|predict $M/breast_cancer_xgb.json data/breast_cancer.csv"
    "TreeSHAP path-dependent, 569 rows, JSON|--method tree-shap $M/breast_cancer_xgb.json data/breast_cancer.csv"
    "TreeSHAP path-dependent, 569 rows, CSV|--method tree-shap --format csv $M/breast_cancer_xgb.json data/breast_cancer.csv"
    "TreeSHAP path-dependent, 569 rows, text|--method tree-shap --format text $M/breast_cancer_xgb.json data/breast_cancer.csv"
    "TreeSHAP interventional, bg 100, 20 rows|--method tree-shap --background $work/bc100.csv $M/breast_cancer_xgb.json $work/bc20.csv"
    "interactions, 100 rows|--interactions $M/diabetes_xgb.json $work/d100.csv"
    "linear SHAP, bg 40, 442 rows, JSON|--background $work/d40.csv $M/diabetes_linear.json data/diabetes.csv"
    "linear SHAP, bg 40, 442 rows, CSV|--background $work/d40.csv --format csv $M/diabetes_linear.json data/diabetes.csv"
    "Kernel SHAP, bg 40, 20 rows|--method kernel-shap --background $work/d40.csv $M/diabetes_xgb.json $work/d20.csv"
    "LIME, 20 rows|--method lime --background $work/d40.csv $M/diabetes_xgb.json $work/d20.csv"
    "Kernel SHAP --l1 aic, bg 40, 20 rows|--method kernel-shap --l1 aic --background $work/d40.csv $M/diabetes_xgb.json $work/d20.csv"
    "Kernel SHAP --l1 top:5, bg 40, 20 rows|--method kernel-shap --l1 top:5 --background $work/d40.csv $M/diabetes_xgb.json $work/d20.csv"
    "LIME lasso path, 20 rows|--method lime --feature-selection lasso-path --background $work/d40.csv $M/diabetes_xgb.json $work/d20.csv"
)
count() { # BIN ARGS...: instructions of one run
    local bin=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" \
        -o /dev/null 2>&1 >/dev/null | sed -n 's/.*Collected : //p'
}
echo "| case | ${base} (M instr.) | ${new:-work tree} (M instr.) | ratio |"
echo "|---|---:|---:|---:|"
for c in "${cases[@]}"; do
    name=${c%%|*}
    # shellcheck disable=SC2206
    args=(${c#*|})
    a=$(count "$work/a/src/cli/explain" "${args[@]}")
    b=$(count "$work/b/src/cli/explain" "${args[@]}")
    awk -v n="$name" -v a="$a" -v b="$b" \
        'BEGIN { printf "| %s | %.1f | %.1f | %.3f |\n", n, a / 1e6, b / 1e6, b / a }'
done
