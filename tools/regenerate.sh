#!/bin/sh
# Rebuild every generated file under data/ and tests/fixtures/: the CSV
# datasets, the scikit-learn linear models as JSON and their predictions, the
# XGBoost and scikit-learn tree models and their libraries' outputs, and the
# model.bin bundles (each with a 100-row background sample and the statistics
# of its training data). Needs Debian's python3-sklearn and python3-xgboost and a built `explain`
# (default build/src/cli/explain, or pass its path).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
explain=${1:-$root/build/src/cli/explain}
[ -x "$explain" ] || { echo "regenerate.sh: build explain first ($explain)" >&2; exit 1; }

/usr/bin/python3 "$root/tools/make_data.py" --out-dir "$root"

/usr/bin/python3 "$root/tools/make_tree_models.py"

for pair in diabetes:diabetes_linear breast_cancer:breast_cancer_logistic wine:wine_logistic \
            breast_cancer:breast_cancer_xgb; do
    data=${pair%%:*}
    model=${pair#*:}
    "$explain" convert "$root/data/models/$model.json" -o "$root/data/models/$model.bin" \
        --background "$root/data/$data.csv" --background-size 100 --seed 0 \
        --stats "$root/data/$data.csv"
done
# LIME reference fixtures (an independent numpy implementation; ~3 min)
/usr/bin/python3 "$root/tools/lime_reference.py" --out-dir "$root/tests/fixtures/lime"
echo "regenerated data/ and tests/fixtures/"
