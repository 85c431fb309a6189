#!/bin/sh
# CLI behaviour of `explain`: outputs, exit codes and error messages. TAP.
# Needs EXPLAIN (the binary) and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/lib.sh"

models=$root/data/models
data=$root/data
fixtures=$root/tests/fixtures

# max relative difference between two one-column files, scaled by max(1,|b|)
maxrel() {
    paste -d, "$1" "$2" | awk -F, '{d=$1-$2; if(d<0)d=-d; s=$2<0?-$2:$2; if(s<1)s=1; r=d/s; if(r>m)m=r} END{printf "%.3g\n", m+0}'
}

# --- help, version, usage errors
run 0 --help && out_has "Usage: explain" && out_has "predict" && ok "--help" || not_ok "--help"
run 0 --help && out_has "--format json|text|csv|svg" && out_has "--top K" && out_has "--background BG.csv" &&
    out_has "--nsamples" && out_has "--num-samples" && ok "--help shows the main form's options" || not_ok "--help shows the main form's options"
run 0 --version && out_has "explain (xplain) [0-9]" && ok "--version" || not_ok "--version"
run 1 && err_has "Usage" && ok "no arguments is a usage error" || not_ok "no arguments is a usage error"
run 1 frobnicate && err_has "unknown command 'frobnicate'" && err_has "explain --help" && ok "unknown command" || not_ok "unknown command"
run 1 --bogus && err_has "unknown option '--bogus'" && ok "unknown global option" || not_ok "unknown global option"
for cmd in predict info convert; do
    run 0 $cmd --help && out_has "Usage: explain $cmd" && ok "$cmd --help" || not_ok "$cmd --help"
done
run 1 predict --nope "$models/diabetes_linear.json" "$data/diabetes.csv" && err_has "unknown option '--nope'" && err_has "explain predict --help" && ok "predict: unknown option" || not_ok "predict: unknown option"
run 1 predict "$models/diabetes_linear.json" && err_has "expected MODEL and ROWS.csv" && ok "predict: missing argument" || not_ok "predict: missing argument"
run 1 predict --model-output bogus "$models/diabetes_linear.json" "$data/diabetes.csv" && err_has "'raw', 'probability' or 'response'" && ok "predict: bad --model-output" || not_ok "predict: bad --model-output"
run 1 predict --model-output probability "$models/diabetes_linear.json" "$data/diabetes.csv" && err_has "has an identity link" && ok "predict: probability of a regression" || not_ok "predict: probability of a regression"
run 1 predict "$models/diabetes_linear.json" "$data/diabetes.csv" --delimiter ab && err_has "one character" && ok "predict: bad --delimiter" || not_ok "predict: bad --delimiter"
run 1 predict --delimiter '"' "$models/diabetes_linear.json" "$data/diabetes.csv" && err_has "quote or a line end" &&
    err_has "explain predict --help" && ok "predict: quote as --delimiter is a usage error" || not_ok "predict: quote as --delimiter is a usage error"
run 1 predict "$models/diabetes_linear.json" "$data/diabetes.csv" -o && err_has "needs a value" && ok "predict: -o without value" || not_ok "predict: -o without value"
run 1 --method bogus "$models/diabetes_linear.bin" "$data/diabetes.csv" && err_has "not 'bogus'" && ok "main form rejects an unknown method" || not_ok "main form rejects an unknown method"

# --- the man page's OPTIONS describe every option any --help lists
man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$root/docs/explain.1" |
    grep '^\.B' | sed 's/\\-/-/g' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
missing=
cmds='"" "--method shap" predict importance info convert'
"$explain" serve --help >/dev/null 2>&1 && cmds="$cmds serve"   # when built
eval "set -- $cmds"
for cmd in "$@"; do
    # shellcheck disable=SC2086
    for opt in $("$explain" $cmd --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        echo "$man_opts" | grep -q -x -- "$opt" || missing="$missing $opt(${cmd:-explain})"
    done
done
[ -z "$missing" ] && ok "man page OPTIONS list every option of every --help" ||
    { echo "# not in explain.1 OPTIONS:$missing"; not_ok "man page OPTIONS list every option of every --help"; }

# --- predict matches scikit-learn's stored predictions
run 0 predict "$models/diabetes_linear.json" "$data/diabetes.csv" &&
    [ "$(wc -l <"$tmp/out")" -eq 442 ] &&
    tail -n +2 "$fixtures/diabetes_linear_pred.csv" >"$tmp/want" &&
    [ "$(maxrel "$tmp/out" "$tmp/want" | awk '{print ($1 <= 1e-12)}')" = 1 ] &&
    ok "predict: diabetes equals sklearn to 1e-12" || not_ok "predict: diabetes equals sklearn to 1e-12"
run 0 predict --model-output probability "$models/breast_cancer_logistic.bin" "$data/breast_cancer.csv" &&
    [ "$(wc -l <"$tmp/out")" -eq 569 ] &&
    awk -F, 'NR>1{print $2}' "$fixtures/breast_cancer_logistic_pred.csv" >"$tmp/want" &&
    [ "$(maxrel "$tmp/out" "$tmp/want" | awk '{print ($1 <= 1e-12)}')" = 1 ] &&
    ok "predict: breast cancer probabilities equal sklearn" || not_ok "predict: breast cancer probabilities equal sklearn"
run 0 predict --model-output probability "$models/wine_logistic.bin" "$data/wine.csv" &&
    [ "$(wc -l <"$tmp/out")" -eq 178 ] &&
    awk -F, 'NF!=3{bad=1} {s=$1+$2+$3; if(s<0.999999999||s>1.000000001)bad=1} END{exit bad}' "$tmp/out" &&
    ok "predict: wine gives 3 probabilities per row summing to 1" || not_ok "predict: wine gives 3 probabilities per row summing to 1"
head -6 "$data/diabetes.csv" >"$tmp/head.csv"
run 0 predict "$models/diabetes_linear.bin" - <"$tmp/head.csv" && [ "$(wc -l <"$tmp/out")" -eq 5 ] &&
    ok "predict: rows from standard input" || not_ok "predict: rows from standard input"
cp "$tmp/out" "$tmp/five"
# reorder columns: matching is by name
awk -F, 'BEGIN{OFS=","} {t=$1; $1=$10; $10=t; print}' "$tmp/head.csv" >"$tmp/reordered.csv"
run 0 predict "$models/diabetes_linear.bin" "$tmp/reordered.csv" && cmp -s "$tmp/out" "$tmp/five" &&
    ok "predict: columns matched by name in any order" || not_ok "predict: columns matched by name in any order"
tail -n +2 "$tmp/head.csv" | cut -d, -f1-10 >"$tmp/nohead.csv"
run 0 predict --no-header "$models/diabetes_linear.bin" "$tmp/nohead.csv" && cmp -s "$tmp/out" "$tmp/five" &&
    ok "predict: --no-header takes columns by position" || not_ok "predict: --no-header takes columns by position"

# what pandas writes by default (df.to_csv): an unnamed index column first,
# and unused columns that repeat a name
awk -F, 'BEGIN{OFS=","} {print (NR==1 ? "" : NR-2), $0, "note", "note"}' "$tmp/head.csv" >"$tmp/pandas.csv"
run 0 predict "$models/diabetes_linear.bin" "$tmp/pandas.csv" && cmp -s "$tmp/out" "$tmp/five" &&
    ok "predict: pandas' unnamed index and repeated unused names are ignored" || not_ok "predict: pandas' unnamed index and repeated unused names are ignored"
tr , ';' <"$tmp/head.csv" >"$tmp/semicolon.csv"
run 2 predict "$models/diabetes_linear.bin" "$tmp/semicolon.csv" && err_has "explain --delimiter ';'" &&
    run 0 predict --delimiter ';' "$models/diabetes_linear.bin" "$tmp/semicolon.csv" && cmp -s "$tmp/out" "$tmp/five" &&
    ok "predict: a ';' file without --delimiter says which delimiter to pass" || not_ok "predict: a ';' file without --delimiter says which delimiter to pass"

# predict --header names the columns: one per model output
run 0 predict --header --model-output probability "$models/breast_cancer_xgb.bin" "$data/breast_cancer.csv" &&
    [ "$(head -1 "$tmp/out")" = "probability_1" ] && [ "$(wc -l <"$tmp/out")" -eq 570 ] &&
    ok "predict --header: an XGBoost binary model has one column, probability_1" ||
    not_ok "predict --header: an XGBoost binary model has one column, probability_1"
run 0 predict --header --model-output probability "$models/breast_cancer_forest.json" "$data/breast_cancer.csv" &&
    [ "$(head -1 "$tmp/out")" = "probability_0,probability_1" ] &&
    [ "$(sed -n 2p "$tmp/out" | awk -F, '{print NF}')" -eq 2 ] &&
    ok "predict --header: a random forest has one column per class" ||
    not_ok "predict --header: a random forest has one column per class"
run 0 predict --header "$models/diabetes_linear.bin" "$tmp/head.csv" && [ "$(head -1 "$tmp/out")" = "raw" ] &&
    tail -n +2 "$tmp/out" | cmp -s - "$tmp/five" && ok "predict --header: raw, then the same rows" ||
    not_ok "predict --header: raw, then the same rows"
run 0 predict --header --model-output response "$models/wine_logistic.bin" "$data/wine.csv" &&
    [ "$(head -1 "$tmp/out")" = "response_0,response_1,response_2" ] &&
    ok "predict --header: response_K for several outputs" || not_ok "predict --header: response_K for several outputs"

# --- bad input: exit 2, file:line:col, nothing written to -o
cut -d, -f2- "$tmp/head.csv" >"$tmp/noage.csv"
run 2 predict "$models/diabetes_linear.bin" "$tmp/noage.csv" && err_has "noage.csv:1" && err_has '"age"' &&
    ok "predict: missing column is named" || not_ok "predict: missing column is named"
sed '4s/^[^,]*,/59x,/' "$tmp/head.csv" >"$tmp/bad.csv"
run 2 predict "$models/diabetes_linear.bin" "$tmp/bad.csv" && err_has "bad.csv:4: field 1:" && err_has '59x' &&
    ok "predict: bad cell reported as file:line: field N" || not_ok "predict: bad cell reported as file:line: field N"
echo "keep me" >"$tmp/result.txt"
run 2 predict -o "$tmp/result.txt" "$models/diabetes_linear.bin" "$tmp/bad.csv" &&
    [ "$(cat "$tmp/result.txt")" = "keep me" ] && [ -z "$(ls "$tmp" | grep '\.tmp-')" ] &&
    ok "predict: failed run leaves -o untouched and no temp file" || not_ok "predict: failed run leaves -o untouched and no temp file"
run 0 predict -o "$tmp/result.txt" "$models/diabetes_linear.bin" "$tmp/head.csv" && cmp -s "$tmp/result.txt" "$tmp/five" &&
    [ ! -s "$tmp/out" ] && ok "predict: -o writes the file" || not_ok "predict: -o writes the file"
run 2 predict "$tmp/nonexistent.bin" "$tmp/head.csv" && err_has "nonexistent.bin" &&
    ok "predict: missing model file" || not_ok "predict: missing model file"
run 2 predict "$models/diabetes_linear.bin" "$tmp/nonexistent.csv" && err_has "nonexistent.csv" &&
    ok "predict: missing data file" || not_ok "predict: missing data file"
printf 'hello world\n' >"$tmp/garbage"
run 2 info "$tmp/garbage" && err_has "not a model file" && ok "info: garbage is not a model" || not_ok "info: garbage is not a model"
head -c 100 "$models/wine_logistic.bin" >"$tmp/truncated.bin"
run 2 info "$tmp/truncated.bin" && err_has "truncated.bin" && ok "info: truncated model.bin" || not_ok "info: truncated model.bin"

# --- info
run 0 info "$models/wine_logistic.json" && out_has "kind: *linear" && out_has "link: *softmax" &&
    out_has "outputs: *3" && out_has "features: *13" && out_has "alcohol" && out_has "background: *none" &&
    ok "info: JSON model" || not_ok "info: JSON model"
run 0 info "$models/diabetes_linear.bin" && out_has "background: *[0-9]* rows" && out_has "statistics: *10 features" &&
    ok "info: model.bin with background and statistics" || not_ok "info: model.bin with background and statistics"
run 1 info && ok "info: missing MODEL" || not_ok "info: missing MODEL"

# --- convert
run 0 convert "$models/breast_cancer_logistic.json" -o "$tmp/bc.bin" --background "$data/breast_cancer.csv" \
    --background-size 20 --background-method kmeans --stats "$data/breast_cancer.csv" --seed 7 &&
    run 0 info "$tmp/bc.bin" && out_has "background: *20 rows, weighted (total weight 569)" &&
    ok "convert: k-means background of 20 weighted rows" || not_ok "convert: k-means background of 20 weighted rows"
run 0 convert "$models/breast_cancer_logistic.json" -o "$tmp/bc2.bin" --background "$data/breast_cancer.csv" \
    --background-size 20 --background-method kmeans --stats "$data/breast_cancer.csv" --seed 7 &&
    cmp -s "$tmp/bc.bin" "$tmp/bc2.bin" && ok "convert: same seed, same bytes" || not_ok "convert: same seed, same bytes"
run 0 convert "$models/breast_cancer_logistic.json" -o "$tmp/bc3.bin" --background "$data/breast_cancer.csv" \
    --background-size 20 && run 0 info "$tmp/bc3.bin" && out_has "background: *20 rows, unweighted" &&
    ok "convert: sampled background" || not_ok "convert: sampled background"
run 0 predict "$models/breast_cancer_logistic.json" "$data/breast_cancer.csv" && cp "$tmp/out" "$tmp/p_json" &&
    run 0 predict "$tmp/bc.bin" "$data/breast_cancer.csv" && cmp -s "$tmp/out" "$tmp/p_json" &&
    ok "convert: model.bin predicts exactly like the JSON" || not_ok "convert: model.bin predicts exactly like the JSON"
run 0 convert "$tmp/bc.bin" -o "$tmp/bc_again.bin" && cmp -s "$tmp/bc.bin" "$tmp/bc_again.bin" &&
    ok "convert: model.bin to model.bin keeps every byte" || not_ok "convert: model.bin to model.bin keeps every byte"
run 1 convert "$models/wine_logistic.json" && err_has "-o OUT.bin" && ok "convert: -o is required" || not_ok "convert: -o is required"
run 1 convert "$models/wine_logistic.json" -o "$tmp/w.bin" --background-size 0 --background "$data/wine.csv" &&
    err_has "positive integer" && ok "convert: --background-size 0" || not_ok "convert: --background-size 0"
run 1 convert "$models/wine_logistic.json" -o "$tmp/w.bin" --background-size 5 && err_has "need --background" &&
    ok "convert: --background-size without --background" || not_ok "convert: --background-size without --background"
run 1 convert "$models/wine_logistic.json" -o "$tmp/w.bin" --seed -3 && err_has "seed" &&
    ok "convert: negative seed" || not_ok "convert: negative seed"
run 1 convert "$models/wine_logistic.json" -o "$tmp/w.bin" --background "$data/wine.csv" --background-method median &&
    err_has "'sample' or 'kmeans'" && ok "convert: bad --background-method" || not_ok "convert: bad --background-method"
run 2 convert "$models/wine_logistic.json" -o "$tmp/w.bin" --background "$tmp/head.csv" && err_has '"alcohol"' &&
    [ ! -e "$tmp/w.bin" ] && ok "convert: background without the model's columns" || not_ok "convert: background without the model's columns"
run 2 convert "$models/wine_logistic.json" -o "$tmp/no/such/dir/w.bin" && err_has "w.bin" &&
    ok "convert: unwritable output" || not_ok "convert: unwritable output"

# --- outputs that are not regular files, and write errors
# A device or FIFO given to -o is written in place: renaming a temporary over
# it would replace the node (as root: /dev/full, /dev/null themselves).
if mknod "$tmp/full" c 1 7 2>/dev/null; then
    run 2 predict -o "$tmp/full" "$models/diabetes_linear.bin" "$tmp/head.csv" && err_has "No space left" &&
        [ -c "$tmp/full" ] && [ -z "$(ls "$tmp" | grep '\.tmp-')" ] &&
        ok "predict: -o onto a full device fails and keeps the device" || not_ok "predict: -o onto a full device fails and keeps the device"
else
    n=$((n + 1)); echo "ok $n - # SKIP mknod needs root"
fi
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/from_fifo" &
run 0 predict -o "$tmp/fifo" "$models/diabetes_linear.bin" "$tmp/head.csv"; st=$?; wait
[ $st -eq 0 ] && [ -p "$tmp/fifo" ] && cmp -s "$tmp/from_fifo" "$tmp/five" &&
    ok "predict: -o into a FIFO writes through it and keeps it" || not_ok "predict: -o into a FIFO writes through it and keeps it"
run 1 predict -o "$tmp" "$models/diabetes_linear.bin" "$tmp/head.csv" && err_has "is a directory" &&
    ok "predict: -o onto a directory" || not_ok "predict: -o onto a directory"
echo old >"$tmp/real.txt"; chmod 600 "$tmp/real.txt"; ln -s real.txt "$tmp/link.txt"
run 0 predict -o "$tmp/link.txt" "$models/diabetes_linear.bin" "$tmp/head.csv" && [ -L "$tmp/link.txt" ] &&
    cmp -s "$tmp/real.txt" "$tmp/five" && [ "$(stat -c %a "$tmp/real.txt")" = 600 ] &&
    ok "predict: -o through a symlink keeps the link and the file's mode" || not_ok "predict: -o through a symlink keeps the link and the file's mode"
for args in "info $models/diabetes_linear.bin" "--version" "--help" "predict --help"; do
    "$explain" $args >/dev/full 2>"$tmp/err"; st=$?
    [ $st -eq 2 ] && err_has "write error on standard output" &&
        ok "$args >/dev/full fails with 2" || not_ok "$args >/dev/full fails with 2 (got $st)"
done
"$explain" info "$models/diabetes_linear.bin" >&- 2>"$tmp/err"; st=$?
[ $st -eq 2 ] && err_has "write error" && ok "info with stdout closed fails with 2" || not_ok "info with stdout closed fails with 2 (got $st)"
head -1 "$data/wine.csv" >"$tmp/wine_header.csv"
run 2 convert "$models/wine_logistic.json" -o "$tmp/ws.bin" --stats "$tmp/wine_header.csv" && err_has "no data rows" &&
    [ ! -e "$tmp/ws.bin" ] && ok "convert: --stats of a header-only file" || not_ok "convert: --stats of a header-only file"

# --- tree ensembles
run 0 predict --model-output probability "$models/breast_cancer_xgb.json" "$data/breast_cancer.csv" &&
    awk -F, 'NR>1{print $2}' "$fixtures/trees/breast_cancer_xgb_pred.csv" >"$tmp/want" &&
    [ "$(maxrel "$tmp/out" "$tmp/want" | awk '{print ($1 <= 1e-6)}')" = 1 ] &&
    ok "predict: XGBoost JSON probabilities equal XGBoost's to 1e-6" || not_ok "predict: XGBoost JSON probabilities equal XGBoost's to 1e-6"
run 0 predict --model-output response "$models/diabetes_xgb_poisson.json" "$data/diabetes.csv" &&
    [ "$(wc -l <"$tmp/out")" -eq 442 ] && awk '$1<=0{bad=1} END{exit bad}' "$tmp/out" &&
    ok "predict: Poisson response is positive" || not_ok "predict: Poisson response is positive"
run 1 predict --model-output probability "$models/diabetes_xgb_poisson.json" "$data/diabetes.csv" &&
    err_has "response" && ok "predict: probability of a Poisson model points to response" || not_ok "predict: probability of a Poisson model points to response"
run 0 predict --model-output probability "$models/wine_forest.json" "$data/wine.csv" &&
    awk -F, 'NF!=3{bad=1} {s=$1+$2+$3; if(s<0.999999999||s>1.000000001)bad=1} END{exit bad}' "$tmp/out" &&
    ok "predict: forest classifier probabilities" || not_ok "predict: forest classifier probabilities"
run 0 info "$models/wine_xgb.json" && out_has "kind: *tree_ensemble" && out_has "trees: 150" &&
    out_has "max depth: " && out_has "leaves: " && out_has "objective: multi:softprob" &&
    ok "info: XGBoost model shows trees, depth, leaves, objective" || not_ok "info: XGBoost model shows trees, depth, leaves, objective"
run 0 convert "$models/diabetes_missing_xgb.json" -o "$tmp/dm.bin" --background "$data/diabetes_missing.csv" \
    --background-size 30 --background-method kmeans --stats "$data/diabetes_missing.csv" &&
    run 0 predict "$models/diabetes_missing_xgb.json" "$data/diabetes_missing.csv" && cp "$tmp/out" "$tmp/p_json" &&
    run 0 predict "$tmp/dm.bin" "$data/diabetes_missing.csv" && cmp -s "$tmp/out" "$tmp/p_json" &&
    run 0 info "$tmp/dm.bin" && out_has "objective: reg:squarederror" && out_has "background: *30 rows" &&
    ok "convert: XGBoost model with missing values to model.bin predicts the same" || not_ok "convert: XGBoost model with missing values to model.bin predicts the same"
sed 's/"name":"gbtree"/"name":"gblinear"/' "$models/diabetes_xgb.json" >"$tmp/gblinear.json"
run 2 info "$tmp/gblinear.json" && err_has 'booster "gblinear" is not supported' &&
    ok "info: gblinear booster is a clear error" || not_ok "info: gblinear booster is a clear error"

# --- category names (tests/fixtures/categorical: cats.json names the codes
# of cat_big and cat_small; rows_names.csv holds names, rows_names_codes.csv
# the same rows as codes)
cat="$fixtures/categorical"
run 0 convert "$cat/xgb1_reg.json" --categories "$cat/cats.json" -o "$tmp/named.bin" &&
    run 0 info "$tmp/named.bin" && out_has "cat_big: 12 categories" && out_has "10  pink" &&
    run 0 predict "$tmp/named.bin" "$cat/rows_names.csv" && cp "$tmp/out" "$tmp/by_name" &&
    run 0 predict "$cat/xgb1_reg.json" "$cat/rows_names_codes.csv" && cmp -s "$tmp/out" "$tmp/by_name" &&
    ok "convert --categories: names read from rows predict as their codes" ||
    not_ok "convert --categories: names read from rows predict as their codes"
run 0 "$tmp/named.bin" "$cat/rows_names.csv" && out_has '"name":"cat_big","value":"pink"' &&
    run 0 "$tmp/named.bin" "$cat/rows_names_codes.csv" --format text && out_has "cat_big  *pink" &&
    ok "explain: JSON and text show category names" || not_ok "explain: JSON and text show category names"
run 0 "$tmp/named.bin" "$cat/rows_names.csv" --method kernel-shap --background "$cat/rows_names.csv" \
    --nsamples 64 >/dev/null && cp "$tmp/out" "$tmp/ks.jsonl" &&
    run 0 importance "$tmp/named.bin" --explanations "$tmp/ks.jsonl" &&
    ok "importance --explanations reads category names back" ||
    not_ok "importance --explanations reads category names back"
run 2 predict "$tmp/named.bin" "$cat/rows_names_unseen.csv" &&
    err_has 'rows_names_unseen.csv:2: field 4: unknown category "purple" of "cat_big"' &&
    run 0 predict "$tmp/named.bin" "$cat/rows_names_unseen.csv" --unknown-category missing &&
    [ "$(wc -l <"$tmp/out")" -eq 26 ] &&
    run 1 predict "$tmp/named.bin" "$cat/rows_names.csv" --unknown-category skip &&
    run 1 "$tmp/named.bin" "$cat/rows_names.csv" --unknown-category zero &&
    ok "--unknown-category: error by default (file:line:field), missing on request" ||
    not_ok "--unknown-category: error by default (file:line:field), missing on request"
printf '{\n  "cat_big": ["a", "b"],\n  "colour": ["x"]\n}\n' >"$tmp/bad_cats.json"
run 2 convert "$cat/xgb1_reg.json" --categories "$tmp/bad_cats.json" -o "$tmp/bad.bin" &&
    err_has 'bad_cats.json:3:3: the model has no feature "colour"' && [ ! -e "$tmp/bad.bin" ] &&
    printf '{"cat_big": ["a", "b", "a"]}' >"$tmp/bad_cats.json" &&
    run 2 convert "$cat/xgb1_reg.json" --categories "$tmp/bad_cats.json" -o "$tmp/bad.bin" &&
    err_has 'bad_cats.json:1:24: feature "cat_big": category 2 is named "a" like an earlier one' &&
    run 2 convert "$cat/xgb1_reg.json" --categories "$tmp/none.json" -o "$tmp/bad.bin" &&
    ok "convert --categories: bad CATS.json is a file:line:col error, nothing written" ||
    not_ok "convert --categories: bad CATS.json is a file:line:col error, nothing written"
run 0 info "$cat/lgb_pandas.txt" && out_has "cat_small: 3 categories" && out_has "2  high" &&
    run 0 info "$cat/xgb3_pandas.json" && out_has "cat_big: 12 categories" &&
    ok "info: LightGBM pandas_categorical and XGBoost encodings list their categories" ||
    not_ok "info: LightGBM pandas_categorical and XGBoost encodings list their categories"

awk -F, 'NR==1 || ($1!="" && $2!="" && $3!="")' "$cat/rows_names.csv" >"$tmp/full.csv"
run 0 "$cat/lgb_pandas.txt" "$tmp/full.csv" --method lime --background "$tmp/full.csv" \
    --num-samples 500 --format text && out_has "cat_big=[a-z]" && out_has "cat_small=[a-z]" &&
    ! grep -q "cat_big <=" "$tmp/out" &&
    run 0 "$cat/lgb_pandas.txt" "$tmp/full.csv" --method lime --background "$tmp/full.csv" \
        --num-samples 500 --format text --categorical cat_small && out_has "cat_big <=" &&
    ok "LIME: --categorical defaults to the model's categorical features" ||
    not_ok "LIME: --categorical defaults to the model's categorical features"

run 0 predict "$cat/lgb_linear.txt" "$cat/rows.csv" && [ "$(wc -l <"$tmp/out")" -eq 40 ] &&
    run 1 "$cat/lgb_linear.txt" "$cat/rows.csv" --method tree-shap &&
    err_has "TreeSHAP does not explain linear trees" && err_has "kernel-shap" &&
    awk -F, 'NR==1 || ($1!="" && $2!="" && $3!="")' "$cat/rows_names_codes.csv" >"$tmp/codes.csv" &&
    run 0 "$cat/lgb_linear.txt" "$tmp/codes.csv" --background "$tmp/codes.csv" &&
    out_has '"method":"kernel-shap"' &&
    run 0 predict "$cat/lgb_linear.txt" "$cat/rows.csv" && cp "$tmp/out" "$tmp/lin_txt.out" &&
    run 0 convert "$cat/lgb_linear.txt" -o "$tmp/lin.bin" &&
    run 0 predict "$tmp/lin.bin" "$cat/rows.csv" && cmp -s "$tmp/out" "$tmp/lin_txt.out" &&
    ok "LightGBM linear trees: predict, Kernel SHAP by default, TreeSHAP refused naming kernel-shap, model.bin predicts the same" ||
    not_ok "LightGBM linear trees: predict, Kernel SHAP by default, TreeSHAP refused naming kernel-shap, model.bin predicts the same"

echo "1..$n"
[ "$failed" -eq 0 ]
