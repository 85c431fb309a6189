#!/bin/bash
# Batch prediction benchmark: xplain vs XGBoost's C API, one thread.
#
#   bash bench/run.sh
#
# Builds a release tree (build-bench/), generates the models and rows with
# bench/make_models.py if they are absent (build/bench-data/, not committed),
# runs bench_predict on each model and prints a Markdown table. Per-run
# details go to stderr. Runtime on the 2-core machine: about 1 minute the
# first time (training the 1000-tree model: 40 s idle, up to 5 minutes when
# other jobs share the cores), about 20 seconds afterwards.
#
# Environment: BUILD_DIR (build-bench), DATA_DIR (build/bench-data),
# REPEAT (10), PYTHON (/usr/bin/python3), BENCH_CPU (unset: no pinning; a
# CPU number pins the benchmark with taskset).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-bench}
DATA_DIR=${DATA_DIR:-build/bench-data}
REPEAT=${REPEAT:-10}
PYTHON=${PYTHON:-/usr/bin/python3}

# One thread everywhere (XGBoost also gets nthread=1 from bench_predict).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" --buildtype=release >&2
fi
ninja -C "$BUILD_DIR" bench/bench_predict bench/bench_tree_shap >&2
BENCH="$BUILD_DIR/bench/bench_predict"

MODELS="r1_100x6.json r2_1000x8.json"
missing=0
for f in $MODELS rows.csv; do
    [ -f "$DATA_DIR/$f" ] || missing=1
done
if [ "$missing" = 1 ]; then
    echo "generating models in $DATA_DIR (about a minute)" >&2
    # Training may use every core; the timing below uses one.
    timeout 600 "$PYTHON" bench/make_models.py "$DATA_DIR" >&2
fi

PIN=()
if [ -n "${BENCH_CPU:-}" ] && command -v taskset >/dev/null; then
    PIN=(taskset -c "$BENCH_CPU")
fi

# nproc honours OMP_NUM_THREADS: ask for every online CPU instead.
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n 1)
machine="$(getconf _NPROCESSORS_ONLN) CPUs, ${cpu:-unknown CPU}, load average before the runs $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $machine" >&2
[ -f "$DATA_DIR/models.txt" ] && cat "$DATA_DIR/models.txt" >&2

# Value of key=... in a result line.
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# ONLY=tree_shap runs the path-dependent TreeSHAP benchmark alone.
if [ "${ONLY:-}" != tree_shap ]; then
rows_file=()
results=()
for f in $MODELS; do
    echo "--- $f" >&2
    out=$(timeout 300 "${PIN[@]}" "$BENCH" "$DATA_DIR/$f" "$DATA_DIR/rows.csv" --repeat "$REPEAT") || {
        rc=$?
        echo "$out" >&2
        echo "bench_predict failed on $f (exit $rc)" >&2
        exit "$rc"
    }
    echo "$out" >&2
    results+=("$(echo "$out" | grep '^result ')")
    rows_file+=("$f")
done


echo
echo "Machine: $machine; one thread; $REPEAT repetitions per engine, alternating."
echo
echo "| model | rows | xplain µs/row (best / median) | XGBoost µs/row (best / median) | XGBoost time / xplain time (best / median) | max rel diff |"
echo "|---|---:|---:|---:|---:|---:|"
for i in "${!results[@]}"; do
    r=${results[$i]}
    printf '| %s | %s | %.2f / %.2f | %s | %s | %s |\n' \
        "${rows_file[$i]%.json}" "$(field "$r" rows)" \
        "$(field "$r" xplain_us)" "$(field "$r" xplain_median_us)" \
        "$(x=$(field "$r" xgboost_us); [ "$x" = nan ] && echo "n/a" || printf '%.2f / %.2f' "$x" "$(field "$r" xgboost_median_us)")" \
        "$(x=$(field "$r" ratio); [ "$x" = nan ] && echo "n/a" || printf '%.2f / %.2f' "$x" "$(field "$r" ratio_median)")" \
        "$(x=$(field "$r" max_rel_diff); [ "$x" = nan ] && echo "n/a" || echo "$x")"
done
fi

# ---- Path-dependent TreeSHAP: xplain vs XGBoost's pred_contribs, one thread
# (bench_tree_shap; docs/tree-shap.md). TS_ROWS_R1 / TS_ROWS_R2 rows per
# repetition (XGBoost needs ~0.5 ms / ~25-70 ms per row), TS_REPEAT
# repetitions.
TS_REPEAT=${TS_REPEAT:-5}
ts_models=("r1_100x6.json:${TS_ROWS_R1:-200}" "r2_1000x8.json:${TS_ROWS_R2:-20}")
ts_results=()
for spec in "${ts_models[@]}"; do
    f=${spec%%:*}
    n=${spec##*:}
    echo "--- TreeSHAP $f" >&2
    out=$(timeout 1200 "${PIN[@]}" "$BUILD_DIR/bench/bench_tree_shap" "$DATA_DIR/$f" "$DATA_DIR/rows.csv" --rows "$n" --repeat "$TS_REPEAT") || {
        rc=$?
        echo "$out" >&2
        echo "bench_tree_shap failed on $f (exit $rc)" >&2
        exit "$rc"
    }
    echo "$out" >&2
    ts_results+=("$(echo "$out" | grep '^result ')")
done

echo
echo "Path-dependent TreeSHAP. Machine: $machine; one thread; $TS_REPEAT repetitions per engine, alternating."
echo
echo "| model | rows | xplain µs/row (best / median) | XGBoost µs/row (best / median) | XGBoost time / xplain time (best / median) | Algorithm 2 µs/row (best) | max rel diff vs XGBoost | max rel diff vs Algorithm 2 |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for i in "${!ts_results[@]}"; do
    r=${ts_results[$i]}
    spec=${ts_models[$i]}
    x=$(field "$r" xgboost_us)
    printf '| %s | %s | %.1f / %.1f | %s | %s | %.1f | %s | %s |\n' \
        "$(basename "${spec%%:*}" .json)" "$(field "$r" rows)" \
        "$(field "$r" xplain_us)" "$(field "$r" xplain_median_us)" \
        "$([ "$x" = nan ] && echo "n/a" || printf '%.1f / %.1f' "$x" "$(field "$r" xgboost_median_us)")" \
        "$([ "$x" = nan ] && echo "n/a" || printf '%.1f / %.1f' "$(field "$r" ratio)" "$(field "$r" ratio_median)")" \
        "$(field "$r" reference_us)" \
        "$(field "$r" vs_xgboost)" "$(field "$r" vs_reference)"
done
[ "${ONLY:-}" = tree_shap ] && exit 0

# LIME: the library's overhead per row (sampling, kernel, selection, fit)
# without the model's time, one thread (docs/lime.md).
ninja -C "$BUILD_DIR" bench/bench_lime >&2
echo
timeout 600 "${PIN[@]}" "$BUILD_DIR/bench/bench_lime" --repeat "$REPEAT" --root . | grep -v '^result '

# Interventional TreeSHAP: per-pair walk vs background-aggregated tables on
# r1_100x6 (depth 6), background 10/100/1000 rows, one thread, CPU time
# (docs/tree-shap-interventional.md).
ninja -C "$BUILD_DIR" bench/bench_tree_interventional >&2
echo
echo "Interventional TreeSHAP, r1_100x6, thread CPU time, $REPEAT repetitions (best):"
echo
echo "| background rows | reference walk ns/tree/pair | per-pair walk ns/tree/pair | aggregated µs/row | auto µs/row | auto ns/tree/pair | tables MiB | build ms | max rel diff |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
timeout 900 "${PIN[@]}" "$BUILD_DIR/bench/bench_tree_interventional" \
    "$DATA_DIR/r1_100x6.json" "$DATA_DIR/rows.csv" --bg 10,100,1000 \
    --repeat "$REPEAT" | tee /dev/stderr | grep '^result ' | while read -r r; do
    printf '| %s | %.1f | %.1f | %.1f | %.1f | %.2f | %s | %s | %s |\n' \
        "$(field "$r" n_bg)" "$(field "$r" ref_ns)" "$(field "$r" pair_ns)" \
        "$(field "$r" agg_us)" "$(field "$r" auto_us)" \
        "$(echo "$(field "$r" auto_us) $(field "$r" n_bg) $(field "$r" trees)" | awk '{printf "%.2f", $1 * 1000 / ($2 * $3)}')" \
        "$(field "$r" table_mib)" "$(field "$r" agg_build_ms)" "$(field "$r" max_diff)"
done
