#!/bin/bash
# Interventional TreeSHAP: rows per second at N = 100 and N = 1000
# background rows, one thread (process CPU time), and peak RSS, for one or
# two builds side by side (docs/performance.md, "Interventional TreeSHAP:
# row cost against N"). Runs of the builds alternate, so that both see the
# same load on a shared machine.
#
#   bash bench/interv_rowcost.sh [BUILD_DIR [BASE_BUILD_DIR]]
#
# BUILD_DIR (default build-bench) and BASE_BUILD_DIR are release builds
# holding bench/peers_xplain. Environment: DATA_DIR (build/peers: the grid
# of bench/make_grid.py, made by bench/peers.sh), MODELS (the four models of
# the interventional table), NS ("100 1000"), ROWS (1000 explained rows),
# RUNS (5 processes per cell, each timing --repeat 3 passes and reporting
# the median). Prints a Markdown table: per build, the median over runs of
# rows/s, the spread (slowest over fastest run), and the peak RSS in MiB
# (GNU time's maximum resident set, explainer build included).
set -euo pipefail
cd "$(dirname "$0")/.."
new=${1:-build-bench}
base=${2:-}
DATA_DIR=${DATA_DIR:-build/peers}
MODELS=${MODELS:-"t100_d8_f5 t2000_d3_f500 t1000_d6_f500 lgb_t500_l63_f50"}
NS=${NS:-"100 1000"}
ROWS=${ROWS:-1000}
RUNS=${RUNS:-5}
builds=("$new")
[ -n "$base" ] && builds=("$base" "$new")
for b in "${builds[@]}"; do
    [ -x "$b/bench/peers_xplain" ] || {
        echo "interv_rowcost.sh: $b/bench/peers_xplain missing (meson setup $b --buildtype=release; ninja -C $b bench/peers_xplain)" >&2
        exit 1
    }
done
[ -x /usr/bin/time ] || { echo "interv_rowcost.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# model file of a grid name: XGBoost JSON or LightGBM text
model_file() {
    if [ -f "$DATA_DIR/$1.json" ]; then echo "$DATA_DIR/$1.json"; else echo "$DATA_DIR/$1.txt"; fi
}

# summary FILE: "median spread" of the rows/s figures in FILE
summary() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.1f %.2f\n", med, v[NR] / v[1] }'
}

header="| model | N |"
rule="|---|---:|"
for b in "${builds[@]}"; do
    header+=" $b rows/s | spread | peak RSS MiB |"
    rule+="---:|---:|---:|"
done
echo "$header"
echo "$rule"
for model in $MODELS; do
    f=${model##*_f}
    file=$(model_file "$model")
    for n in $NS; do
        for b in "${builds[@]}"; do : >"$work/${b//\//_}.rate"; : >"$work/${b//\//_}.rss"; done
        for ((r = 0; r < RUNS; r++)); do
            for b in "${builds[@]}"; do
                key=${b//\//_}
                /usr/bin/time -f "%M" -o "$work/rss" \
                    "$b/bench/peers_xplain" interventional "$file" \
                    "$DATA_DIR/rows_f$f.csv" --bg "$DATA_DIR/bg_f$f.csv" \
                    --bg-rows "$n" --rows "$ROWS" --repeat 3 >"$work/out"
                med=$(sed -n 's/.* median_s=\([0-9.e+-]*\).*/\1/p' "$work/out")
                awk -v s="$med" -v n="$ROWS" 'BEGIN { printf "%.3f\n", n / s }' >>"$work/$key.rate"
                tail -n 1 "$work/rss" >>"$work/$key.rss"
            done
        done
        line="| $model | $n |"
        for b in "${builds[@]}"; do
            key=${b//\//_}
            read -r med spread < <(summary "$work/$key.rate")
            rss=$(sort -n "$work/$key.rss" | tail -n 1)
            line+=" $med | $spread | $((rss / 1024)) |"
        done
        echo "$line"
    done
done
