#!/bin/sh
# Rebuild the example figures in docs/figures/ from the shipped data with a
# built `explain` (default build/src/cli/explain, or pass its path; a second
# argument writes them to another folder). The bytes depend only on the
# inputs, so a rerun reproduces the committed files: the test suite checks
# that it does (tests/check_figures.sh), so a change to the charts must
# come with the figures it makes.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
explain=${1:-$root/build/src/cli/explain}
[ -x "$explain" ] || { echo "make_figures.sh: build explain first ($explain)" >&2; exit 1; }
out=${2:-$root/docs/figures}
model=$root/data/models/breast_cancer_xgb.bin
data=$root/data/breast_cancer.csv
mkdir -p "$out"
head -2 "$data" >"$out/.row0.csv"
trap 'rm -f "$out/.row0.csv"' EXIT

# one row: TreeSHAP over the embedded background, as bars and as a waterfall
"$explain" -q --top 12 -o "$out/row0_bar.svg" "$model" "$out/.row0.csv"
"$explain" -q --top 12 --chart waterfall -o "$out/row0_waterfall.svg" "$model" "$out/.row0.csv"
# the same row explained by LIME
"$explain" -q --method lime --format svg -o "$out/row0_lime.svg" "$model" "$out/.row0.csv"
# every row: global importance and shap's summary plot
"$explain" importance -q --top 15 -o "$out/importance_bar.svg" "$model" "$data"
"$explain" importance -q --top 15 --chart beeswarm -o "$out/importance_beeswarm.svg" "$model" "$data"
echo "wrote $out"
