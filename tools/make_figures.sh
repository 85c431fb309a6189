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
# (scikit-learn's breast cancer target: 0 = malignant, 1 = benign)
names=malignant,benign
"$explain" -q --top 12 --output-names $names -o "$out/row0_bar.svg" "$model" "$out/.row0.csv"
"$explain" -q --top 12 --output-names $names --chart waterfall -o "$out/row0_waterfall.svg" "$model" "$out/.row0.csv"
"$explain" -q --top 12 --output-names $names --chart force -o "$out/row0_force.svg" "$model" "$out/.row0.csv"
# the same row explained by LIME
"$explain" -q --method lime --output-names $names --format svg -o "$out/row0_lime.svg" "$model" "$out/.row0.csv"
# every row: global importance and shap's summary plot
"$explain" importance -q --top 15 -o "$out/importance_bar.svg" "$model" "$data"
"$explain" importance -q --top 15 --chart beeswarm -o "$out/importance_beeswarm.svg" "$model" "$data"
# shap's other plots over the rows
"$explain" importance -q --chart dependence --feature "worst radius" --color-by auto \
    -o "$out/importance_dependence.svg" "$model" "$data"
"$explain" importance -q --top 12 --chart decision -o "$out/importance_decision.svg" "$model" "$data"
"$explain" importance -q --top 12 --chart heatmap -o "$out/importance_heatmap.svg" "$model" "$data"
"$explain" importance -q --top 12 --chart force -o "$out/importance_force.svg" "$model" "$data"
"$explain" importance -q --top 12 --interactions -o "$out/importance_interactions.svg" "$model" "$data"
# pictures of the models themselves: a tree, and a linear model's weights
"$explain" info --chart tree --tree 0 -o "$out/model_tree0.svg" "$model"
"$explain" info --chart coefficients --top 10 --output-names class_0,class_1,class_2 \
    -o "$out/model_coefficients.svg" "$root/data/models/wine_logistic.bin"
# a three-class model: importance stacked over the classes
"$explain" importance -q --top 10 --chart stacked --output-names class_0,class_1,class_2 \
    -o "$out/wine_stacked.svg" "$root/data/models/wine_xgb.json" "$root/data/wine.csv"
echo "wrote $out"
