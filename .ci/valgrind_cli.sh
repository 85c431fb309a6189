#!/bin/sh
# The CLI over the shipped examples under valgrind memcheck: every run must
# have its usual exit status, no memory error and no leak (definite, indirect
# or possible). Error paths are included: they free what they built. TAP.
# Usage: valgrind_cli.sh EXPLAIN_BINARY
set -u
cd "$(dirname "$0")/.."
explain=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
VG_STATUS=99

head -6 data/breast_cancer.csv >"$tmp/bc5.csv"
head -6 data/diabetes.csv >"$tmp/d5.csv"
head -21 data/breast_cancer.csv >"$tmp/bc20.csv"
head -4 data/wine.csv >"$tmp/w3.csv"
printf 'age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n1,2,3,4,5,6,7,8,9,10\n1,2,x,4,5,6,7,8,9,10\n' >"$tmp/bad.csv"
printf 'age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n1,2,3,4,5,6,7,8,9,10\n1,2,NA,4,5,6,7,8,9,10\n' >"$tmp/na.csv"
head -1 data/diabetes.csv >"$tmp/header.csv"

# check NAME EXPECTED_STATUS ARGS...
check() {
    name=$1 want=$2
    shift 2
    n=$((n + 1))
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --show-leak-kinds=definite,indirect,possible --error-exitcode=$VG_STATUS \
        --log-file="$tmp/vg.log" "$explain" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -eq "$want" ] && [ ! -s "$tmp/vg.log" ]; then
        echo "ok $n - valgrind: $name"
    else
        failed=$((failed + 1))
        echo "not ok $n - valgrind: $name (exit $got, expected $want)"
        sed 's/^/# /' "$tmp/vg.log" | head -40
        sed 's/^/# stderr: /' "$tmp/err" | head -5
    fi
}

m=data/models
check "predict linear" 0 predict "$m/diabetes_linear.bin" "$tmp/d5.csv"
check "predict xgboost probabilities" 0 predict --model-output probability "$m/breast_cancer_xgb.bin" "$tmp/bc5.csv"
check "predict xgboost JSON to a file" 0 predict "$m/breast_cancer_xgb.json" "$tmp/bc5.csv" -o "$tmp/pred.txt"
check "predict softmax" 0 predict --model-output probability "$m/wine_logistic.bin" data/wine.csv
check "info tree model" 0 info "$m/breast_cancer_xgb.bin"
check "info linear JSON" 0 info "$m/diabetes_linear.json"
check "info forest JSON" 0 info "$m/wine_forest.json"
check "convert with background and stats" 0 convert "$m/breast_cancer_xgb.json" \
    --background data/breast_cancer.csv --background-size 20 --stats data/breast_cancer.csv -o "$tmp/bc.bin"
check "convert with k-means background" 0 convert "$m/diabetes_linear.json" \
    --background data/diabetes.csv --background-size 5 --background-method kmeans -o "$tmp/d.bin"
check "explain kernel shap, xgboost, 2 threads" 0 --method kernel-shap \
    "$m/breast_cancer_xgb.bin" "$tmp/bc5.csv" --nsamples 64 --threads 2 -q
check "explain kernel shap, linear" 0 --method kernel-shap "$m/diabetes_linear.bin" "$tmp/d5.csv" --nsamples 64 -q
check "explain default method, xgboost" 0 "$m/breast_cancer_xgb.bin" "$tmp/bc5.csv" -q
check "explain tree shap, text to a file" 0 --method tree-shap "$m/breast_cancer_xgb.bin" "$tmp/bc5.csv" \
    --format text -o "$tmp/e.txt" -q
check "explain lime, linear" 0 --method lime "$m/diabetes_linear.bin" "$tmp/d5.csv" --num-samples 200 -q
mkdir "$tmp/svgdir"
check "explain svg, one file per row (-o dir/)" 0 "$m/breast_cancer_xgb.bin" "$tmp/bc5.csv" \
    --format svg -o "$tmp/svgdir/" -q
check "explain svg, one document (-o x.svg)" 0 "$m/breast_cancer_xgb.bin" "$tmp/bc5.csv" \
    -o "$tmp/all.svg" -q
check "explain svg waterfall, multi-output" 0 "$m/wine_xgb.json" "$tmp/w3.csv" \
    --chart waterfall --top 5 -o "$tmp/w.svg" -q
check "explain svg waterfall, lime" 0 --method lime "$m/diabetes_linear.bin" "$tmp/d5.csv" \
    --num-samples 200 --format svg --chart waterfall -q
check "importance csv" 0 importance "$m/breast_cancer_xgb.bin" "$tmp/bc20.csv" --format csv -q
check "importance beeswarm svg" 0 importance "$m/breast_cancer_xgb.bin" "$tmp/bc20.csv" \
    --chart beeswarm -o "$tmp/bee.svg" -q
check "importance text, kernel shap, 2 threads" 0 importance --method kernel-shap \
    "$m/diabetes_linear.bin" "$tmp/d5.csv" --nsamples 32 --threads 2 -q
check "explain lime text, repeats" 0 --method lime "$m/breast_cancer_xgb.bin" "$tmp/bc5.csv" \
    --num-samples 200 --repeats 2 --format text -q
check "explain --interactions" 0 --interactions "$m/breast_cancer_xgb.bin" "$tmp/bc5.csv" -q
check "explain linear shap: missing value (row error path)" 2 "$m/diabetes_linear.bin" "$tmp/na.csv" -q
check "explain svg: header only (error path)" 2 "$m/diabetes_linear.bin" "$tmp/header.csv" --format svg -q
check "explain: --interactions on a linear model (usage error)" 1 --interactions \
    "$m/diabetes_linear.bin" "$tmp/d5.csv" -q
check "predict: bad cell (error path)" 2 predict "$m/diabetes_linear.bin" "$tmp/bad.csv"
check "explain: bad cell (error path)" 2 --method kernel-shap "$m/diabetes_linear.bin" "$tmp/bad.csv" --nsamples 32 -q
check "info: not a model (error path)" 2 info "$tmp/bad.csv"
check "usage error" 1 predict --nope

echo "1..$n"
[ "$failed" -eq 0 ]
