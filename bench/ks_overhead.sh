#!/bin/bash
# Kernel SHAP's library overhead as a share of the time inside the model's
# predict, from a sampling profile of one process (perf record, CPU-clock
# samples of this process only), one thread.
#
#   bash bench/ks_overhead.sh [EXPLAIN] [MODEL...]
#
# bench_kernel_shap's "speed" table times two passes separately (one over a
# timing wrapper for the time in predict, one over the model for the
# total); on a shared machine the two passes see different contention and
# the difference wanders by +-10 %. Here both figures come from the same
# run: samples in the model's predict (trees_predict, linear_predict and
# the link) against samples everywhere else in libxplain and libc (CSV
# reading and model loading included, which only overstates the overhead).
# Rows: the 20 rows of the accuracy study, 50-row background, default
# budget, each sampler. Needs perf (Debian: linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
EXPLAIN=${1:-build-bench/src/cli/explain}
shift || true
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(breast_cancer_xgb breast_cancer_forest
                                   breast_cancer_gbm wine_xgb wine_forest
                                   wine_gbm wine_extra_trees)
command -v perf >/dev/null || { echo "ks_overhead.sh: perf not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "| model | sampler | samples | in predict | overhead vs predict |"
echo "|---|---|---:|---:|---:|"
for name in "${MODELS[@]}"; do
    model=data/models/$name.json
    case $name in
    breast_cancer*) data=tests/fixtures/kernel_shap/breast_cancer_rows20.csv
                    bg=tests/fixtures/kernel_shap/breast_cancer_bg50.csv ;;
    wine*) data=data/wine.csv; bg= ;;
    *) echo "ks_overhead.sh: no rows for $name" >&2; exit 1 ;;
    esac
    if [ -z "$bg" ]; then
        # bench_kernel_shap's setup: background = the first 50 rows, the
        # explained rows = rows 100 to 119
        head -51 "$data" >"$tmp/bg.csv"
        { head -1 "$data"; sed -n 102,121p "$data"; } >"$tmp/rows.csv"
        bg=$tmp/bg.csv
        data=$tmp/rows.csv
    fi
    for sampler in shap leverage xplain; do
        perf record -q -F 4000 -o "$tmp/perf.data" "$EXPLAIN" \
            --method kernel-shap --sampler "$sampler" --threads 1 -q \
            "$model" "$data" --background "$bg" >/dev/null 2>"$tmp/err" ||
            { cat "$tmp/err" >&2; exit 1; }
        perf report -i "$tmp/perf.data" --no-children --stdio \
            --sort symbol 2>/dev/null |
            awk -v m="$name" -v s="$sampler" '
                /^ +[0-9.]+%/ {
                    p = $1; sub(/%/, "", p); total += p
                    if ($0 ~ /(trees_predict|linear_predict|xpl__apply_link)/)
                        inpred += p
                }
                /^# Samples:/ { n = $3 }
                END {
                    printf "| %s | %s | %s | %.1f%% | %.1f%% |\n", m, s, n,
                           inpred, 100 * (total - inpred) / inpred
                }'
    done
done
