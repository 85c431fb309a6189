#!/bin/sh
# CLI behaviour of the methods: what --method shap picks, the exact
# algorithms against Kernel SHAP's exact mode and XGBoost's own values,
# interaction values, LIME, and the checks that options fit the method. TAP.
# Needs EXPLAIN (the binary) and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/lib.sh"

models=$root/data/models
data=$root/data
fixtures=$root/tests/fixtures

head -6 "$data/diabetes.csv" >"$tmp/d5.csv"
head -9 "$data/breast_cancer.csv" >"$tmp/bc8.csv"
head -4 "$data/wine.csv" >"$tmp/w3.csv"

# contributions FILE: one line per JSON object, its contributions
contributions() {
    awk '{ line = $0; out = ""
        while (match(line, /"contribution":[^,}]*/)) {
            out = out " " substr(line, RSTART + 15, RLENGTH - 15)
            line = substr(line, RSTART + RLENGTH) }
        print out }' "$1"
}
# max_diff A B: largest |a - b| / max(1, |b|) over matching fields
max_diff() {
    paste -d'|' "$1" "$2" | awk -F'|' '{ n = split($1, a, " "); split($2, b, " ")
        for (i = 1; i <= n; i++) { d = a[i] - b[i]; if (d < 0) d = -d
            s = b[i] < 0 ? -b[i] : b[i]; if (s < 1) s = 1
            if (d / s > w) w = d / s } } END { printf "%.3g\n", w + 0 }'
}
method_is() { [ "$(grep -o '"method":"[a-z-]*"' "$tmp/out" | sort -u)" = "\"method\":\"$1\"" ]; }
below() { awk -v x="$1" -v t="$2" 'BEGIN { exit !(x <= t) }'; }

# --- --method shap picks the exact algorithm
run 0 "$models/diabetes_linear.bin" "$tmp/d5.csv" && method_is linear-shap &&
    ! grep -q std_error "$tmp/out" && ok "linear model: linear-shap by default" || not_ok "linear model: linear-shap by default"
contributions "$tmp/out" >"$tmp/lin"
run 0 --method kernel-shap "$models/diabetes_linear.bin" "$tmp/d5.csv" && contributions "$tmp/out" >"$tmp/kern" &&
    below "$(max_diff "$tmp/lin" "$tmp/kern")" 1e-9 &&
    ok "linear-shap equals Kernel SHAP's exact values" || not_ok "linear-shap equals Kernel SHAP's exact values"
run 0 --method shap "$models/breast_cancer_xgb.bin" "$tmp/bc8.csv" && method_is tree-shap &&
    [ "$(wc -l <"$tmp/out")" -eq 8 ] && ok "tree model with embedded background: tree-shap" || not_ok "tree model with embedded background: tree-shap"
run 0 "$models/diabetes_xgb.json" "$tmp/d5.csv" && method_is tree-shap &&
    ok "tree model without background: path-dependent tree-shap" || not_ok "tree model without background: path-dependent tree-shap"

# path-dependent TreeSHAP equals XGBoost's pred_contribs (first rows)
contributions "$tmp/out" >"$tmp/tree"
head -6 "$fixtures/trees/diabetes_xgb_contribs.csv" | tail -5 | cut -d, -f3-12 | tr ',' ' ' >"$tmp/xgb"
below "$(max_diff "$tmp/tree" "$tmp/xgb")" 1e-5 &&
    ok "tree-shap equals XGBoost's pred_contribs" || not_ok "tree-shap equals XGBoost's pred_contribs"

# interventional TreeSHAP equals Kernel SHAP's exact mode on the same background
head -21 "$data/diabetes.csv" >"$tmp/bg20.csv"
run 0 --method tree-shap "$models/diabetes_xgb.json" "$tmp/d5.csv" --background "$tmp/bg20.csv" &&
    contributions "$tmp/out" >"$tmp/iv" &&
    run 0 --method kernel-shap "$models/diabetes_xgb.json" "$tmp/d5.csv" --background "$tmp/bg20.csv" &&
    contributions "$tmp/out" >"$tmp/kern" && below "$(max_diff "$tmp/iv" "$tmp/kern")" 1e-9 &&
    ok "interventional tree-shap equals Kernel SHAP's exact values" || not_ok "interventional tree-shap equals Kernel SHAP's exact values"

# probabilities are not additive in the trees: Kernel SHAP runs, with a note
run 0 --model-output probability --nsamples 200 "$models/breast_cancer_xgb.bin" "$tmp/bc8.csv" && method_is kernel-shap &&
    ok "a Kernel SHAP option picks kernel-shap" || not_ok "a Kernel SHAP option picks kernel-shap"
run 0 --model-output probability "$models/breast_cancer_logistic.bin" "$tmp/bc8.csv" && method_is kernel-shap &&
    err_has "note: exact SHAP explains raw margins" && ok "probabilities: kernel-shap with a note" || not_ok "probabilities: kernel-shap with a note"
run 0 -q --model-output probability "$models/breast_cancer_logistic.bin" "$tmp/bc8.csv" && [ ! -s "$tmp/err" ] &&
    ok "-q silences the note" || not_ok "-q silences the note"

# --- interaction values
run 0 --interactions "$models/wine_xgb.json" "$tmp/w3.csv" && method_is tree-shap && out_has '"interactions":\[\[' &&
    [ "$(wc -l <"$tmp/out")" -eq 9 ] && ok "--interactions: a matrix per row and output" || not_ok "--interactions: a matrix per row and output"
run 1 --interactions --format text "$models/wine_xgb.json" "$tmp/w3.csv" && err_has "format json" &&
    ok "--interactions needs json" || not_ok "--interactions needs json"
run 1 --interactions --method kernel-shap "$models/wine_xgb.json" "$tmp/w3.csv" && err_has "tree-shap" &&
    ok "--interactions needs tree-shap" || not_ok "--interactions needs tree-shap"

# --- forcing a method that does not fit
run 1 --method tree-shap "$models/diabetes_linear.bin" "$tmp/d5.csv" && err_has "tree ensemble" &&
    ok "tree-shap on a linear model" || not_ok "tree-shap on a linear model"
run 1 --method linear-shap "$models/diabetes_xgb.json" "$tmp/d5.csv" && err_has "linear model" &&
    ok "linear-shap on a tree model" || not_ok "linear-shap on a tree model"
run 1 --method linear-shap --model-output probability "$models/breast_cancer_logistic.bin" "$tmp/bc8.csv" &&
    err_has "raw margins" && ok "linear-shap of probabilities" || not_ok "linear-shap of probabilities"
run 1 --method tree-shap --nsamples 100 "$models/diabetes_xgb.json" "$tmp/d5.csv" && err_has "applies to --method kernel-shap" &&
    ok "a Kernel SHAP option with tree-shap" || not_ok "a Kernel SHAP option with tree-shap"
run 1 --num-samples 100 "$models/diabetes_xgb.json" "$tmp/d5.csv" && err_has "applies to --method lime" &&
    ok "a LIME option without lime" || not_ok "a LIME option without lime"

# --- LIME
run 0 --method lime --num-samples 1000 "$models/breast_cancer_xgb.bin" "$tmp/bc8.csv" && method_is lime &&
    [ "$(wc -l <"$tmp/out")" -eq 8 ] && out_has '"intercept":' && out_has '"score":' && out_has '"local_prediction":' &&
    out_has '"condition":"' && out_has '"selected":true' &&
    [ "$(grep -o '"selected":true' "$tmp/out" | wc -l)" -eq 80 ] &&
    ok "lime: one object per row, 10 selected features" || not_ok "lime: one object per row, 10 selected features"
cp "$tmp/out" "$tmp/lime1"
run 0 --method lime --num-samples 1000 --threads 3 "$models/breast_cancer_xgb.bin" "$tmp/bc8.csv" &&
    cmp -s "$tmp/out" "$tmp/lime1" && ok "lime: same bytes on 3 threads" || not_ok "lime: same bytes on 3 threads"
run 0 --method lime --num-samples 1000 --num-features 3 --repeats 4 "$models/breast_cancer_xgb.bin" "$tmp/bc8.csv" &&
    out_has '"std_error":' && ok "lime --repeats: std errors" || not_ok "lime --repeats: std errors"
run 0 --method lime --num-samples 500 --discretizer none --kernel-width 2 --feature-selection forward --num-features 2 \
    "$models/diabetes_linear.bin" "$tmp/d5.csv" && method_is lime &&
    [ "$(grep -o '"selected":true' "$tmp/out" | wc -l)" -eq 10 ] &&
    ok "lime: discretizer none, forward selection" || not_ok "lime: discretizer none, forward selection"
run 0 --method lime --num-samples 500 --categorical sex "$models/diabetes_linear.bin" "$tmp/d5.csv" &&
    out_has '"condition":"sex=' && ok "lime --categorical" || not_ok "lime --categorical"
run 1 --method lime --categorical nosuch "$models/diabetes_linear.bin" "$tmp/d5.csv" && err_has "no feature 'nosuch'" &&
    ok "lime: unknown categorical feature" || not_ok "lime: unknown categorical feature"
run 1 --method lime --num-features 11 "$models/diabetes_linear.bin" "$tmp/d5.csv" && err_has "num_features" &&
    ok "lime: more features than the model has" || not_ok "lime: more features than the model has"
run 1 --method lime --discretizer octile "$models/diabetes_linear.bin" "$tmp/d5.csv" && err_has "quartile" &&
    ok "lime: bad --discretizer" || not_ok "lime: bad --discretizer"

# Missing values, as documented: Kernel SHAP accepts the ones a tree model
# routes (and equals interventional TreeSHAP, exact when every coalition
# fits the budget); a linear model's output with a missing value is NaN,
# and Kernel SHAP, linear SHAP and LIME refuse the row.
head -6 "$root/data/diabetes_missing.csv" >"$tmp/dm.csv"
bgopt="--background $root/data/diabetes_missing.csv --background-size 20 --format csv"
# shellcheck disable=SC2086
run 0 --method tree-shap $bgopt "$models/diabetes_missing_xgb.json" "$tmp/dm.csv" && cp "$tmp/out" "$tmp/dm_tree" &&
    run 0 --method kernel-shap --nsamples 2000 $bgopt "$models/diabetes_missing_xgb.json" "$tmp/dm.csv" &&
    grep -q ',,' "$tmp/dm.csv" &&
    paste -d, "$tmp/dm_tree" "$tmp/out" | awk -F, 'NR>1{h=NF/2; for(i=4;i<=h;i++){d=$i-$(i+h); if(d<0)d=-d; if(d>1e-9)bad=1}} END{exit bad}' &&
    ok "kernel-shap: missing values in a tree model equal interventional TreeSHAP" ||
    not_ok "kernel-shap: missing values in a tree model equal interventional TreeSHAP"
for m in kernel-shap linear-shap lime; do
    run 2 --method $m "$models/diabetes_linear.bin" "$tmp/dm.csv" && err_has "dm.csv:3: row 1: " &&
        ok "$m: a missing value in a linear model's row is refused" ||
        not_ok "$m: a missing value in a linear model's row is refused"
done

echo "1..$n"
[ "$failed" -eq 0 ]
