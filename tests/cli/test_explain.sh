#!/bin/sh
# CLI behaviour of `explain --method kernel-shap MODEL ROWS.csv`:
# JSON Lines and text output, options, determinism across threads and row
# order, exit codes and error messages. TAP.
# Needs EXPLAIN (the binary) and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/lib.sh"

models=$root/data/models
data=$root/data
ks=$root/tests/fixtures/kernel_shap

# Worst |sum of contributions - (prediction - base_value)| over JSON lines,
# relative to max(1, |prediction - base_value|).
efficiency() {
    awk '{
        line = $0
        match(line, /"base_value":[^,]*/); b = substr(line, RSTART + 13, RLENGTH - 13) + 0
        match(line, /"prediction":[^,]*/); p = substr(line, RSTART + 13, RLENGTH - 13) + 0
        s = 0
        while (match(line, /"contribution":[^,}]*/)) {
            s += substr(line, RSTART + 15, RLENGTH - 15) + 0
            line = substr(line, RSTART + RLENGTH)
        }
        d = s - (p - b); if (d < 0) d = -d
        sc = p - b; if (sc < 0) sc = -sc; if (sc < 1) sc = 1
        if (d / sc > worst) worst = d / sc
    } END { printf "%.3g\n", worst + 0 }' "$1"
}
features_per_line() { awk '{ print gsub(/"name":/, "") }' "$1" | sort -u | tr '\n' ' '; }

head -6 "$data/diabetes.csv" >"$tmp/d5.csv"
head -9 "$data/breast_cancer.csv" >"$tmp/bc8.csv"
head -4 "$data/wine.csv" >"$tmp/w3.csv"

# --- help and the main form
run 0 --help && out_has "explain \[--method M\] MODEL ROWS.csv" && ok "--help shows the main form" || not_ok "--help shows the main form"
run 0 --method kernel-shap --help && out_has "Usage: explain \[--method M\]" && out_has "--nsamples" &&
    ok "explain --method kernel-shap --help" || not_ok "explain --method kernel-shap --help"

# --- JSON Lines: one object per row, in input order, exact for 10 features
run 0 --method kernel-shap "$models/diabetes_linear.bin" "$tmp/d5.csv" &&
    [ "$(wc -l <"$tmp/out")" -eq 5 ] &&
    [ "$(cut -c1-60 "$tmp/out" | head -1)" = '{"row":0,"output":0,"method":"kernel-shap","base_value":151.' ] &&
    [ "$(grep -c '"method":"kernel-shap"' "$tmp/out")" -eq 5 ] &&
    [ "$(features_per_line "$tmp/out")" = "10 " ] &&
    out_has '"row":4,' && out_has '{"name":"age","value":59,"contribution":' &&
    ok "json: 5 rows of 10 features in order" || not_ok "json: 5 rows of 10 features in order"
[ "$(efficiency "$tmp/out" | awk '{print ($1 <= 1e-10)}')" = 1 ] &&
    ok "json: contributions sum to prediction - base_value" || not_ok "json: contributions sum to prediction - base_value"
grep -o '"std_error":[^,}]*' "$tmp/out" | sort -u >"$tmp/se"
[ "$(cat "$tmp/se")" = '"std_error":0' ] && ok "json: exact mode has zero std errors" || not_ok "json: exact mode has zero std errors"
cp "$tmp/out" "$tmp/d5.json"
run 0 --method kernel-shap --nsamples 0 "$models/diabetes_linear.bin" "$tmp/d5.csv" && cmp -s "$tmp/out" "$tmp/d5.json" &&
    ok "--nsamples 0 is the default budget" || not_ok "--nsamples 0 is the default budget"
run 0 --method kernel-shap "$models/diabetes_linear.bin" - <"$tmp/d5.csv" && cmp -s "$tmp/out" "$tmp/d5.json" &&
    ok "rows from standard input" || not_ok "rows from standard input"

# --- sampled mode: 30 features, std errors, determinism
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$ks/breast_cancer_bg50.csv" --nsamples 300 &&
    [ "$(wc -l <"$tmp/out")" -eq 8 ] && [ "$(features_per_line "$tmp/out")" = "30 " ] &&
    [ "$(efficiency "$tmp/out" | awk '{print ($1 <= 1e-10)}')" = 1 ] &&
    [ "$(grep -o '"std_error":0[,}]' "$tmp/out" | wc -l)" -eq 0 ] &&
    ok "sampled: 30 features, efficient, non-zero std errors" || not_ok "sampled: 30 features, efficient, non-zero std errors"
cp "$tmp/out" "$tmp/bc1.json"
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$ks/breast_cancer_bg50.csv" --nsamples 300 --threads 2 &&
    cmp -s "$tmp/out" "$tmp/bc1.json" && ok "same output with --threads 2" || not_ok "same output with --threads 2"
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$ks/breast_cancer_bg50.csv" --nsamples 300 --threads 5 &&
    cmp -s "$tmp/out" "$tmp/bc1.json" && ok "same output with --threads 5" || not_ok "same output with --threads 5"
# the rows in reverse order: each row gets the same numbers
{ head -1 "$tmp/bc8.csv"; tail -n +2 "$tmp/bc8.csv" | sed '1!G;h;$!d'; } >"$tmp/bc8r.csv"
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8r.csv" --background "$ks/breast_cancer_bg50.csv" --nsamples 300 &&
    sed 's/^{"row":[0-9]*,//' "$tmp/out" | sed '1!G;h;$!d' >"$tmp/rev" &&
    sed 's/^{"row":[0-9]*,//' "$tmp/bc1.json" | cmp -s - "$tmp/rev" &&
    ok "a row's numbers do not depend on its position" || not_ok "a row's numbers do not depend on its position"
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$ks/breast_cancer_bg50.csv" --nsamples 300 --seed 9 &&
    ! cmp -s "$tmp/out" "$tmp/bc1.json" && ok "another --seed, other numbers" || not_ok "another --seed, other numbers"
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$ks/breast_cancer_bg50.csv" --nsamples 300 --sampler shap &&
    ! cmp -s "$tmp/out" "$tmp/bc1.json" && [ "$(efficiency "$tmp/out" | awk '{print ($1 <= 1e-10)}')" = 1 ] &&
    ok "--sampler shap" || not_ok "--sampler shap"
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$ks/breast_cancer_bg50.csv" --nsamples 300 --l1 top:4 &&
    awk '{ print gsub(/"contribution":0,/, "") }' "$tmp/out" | awk '$1 < 26 { bad = 1 } END { exit bad }' &&
    ok "--l1 top:4 keeps at most 4 features" || not_ok "--l1 top:4 keeps at most 4 features"
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$ks/breast_cancer_bg50.csv" --nsamples 4000 --tolerance 0.05 &&
    [ "$(efficiency "$tmp/out" | awk '{print ($1 <= 1e-10)}')" = 1 ] && ok "--tolerance" || not_ok "--tolerance"

# --- probabilities, logit link, background summaries
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$data/breast_cancer.csv" --background-size 20 \
    --background-method kmeans --model-output probability --link logit --nsamples 200 &&
    [ "$(efficiency "$tmp/out" | awk '{print ($1 <= 1e-10)}')" = 1 ] &&
    ok "probability output, logit link, k-means background" || not_ok "probability output, logit link, k-means background"
run 0 "$models/breast_cancer_xgb.json" "$tmp/bc8.csv" --background "$data/breast_cancer.csv" --background-size 20 \
    --model-output probability --nsamples 200 && ok "probability output, sampled background" || not_ok "probability output, sampled background"

# --- multi-output models and --class
run 0 --method kernel-shap "$models/wine_logistic.bin" "$tmp/w3.csv" && [ "$(wc -l <"$tmp/out")" -eq 9 ] &&
    [ "$(grep -c '"output":2' "$tmp/out")" -eq 3 ] && ok "wine: one line per row and class" || not_ok "wine: one line per row and class"
run 0 --method kernel-shap "$models/wine_logistic.bin" "$tmp/w3.csv" --class 1 && [ "$(wc -l <"$tmp/out")" -eq 3 ] &&
    [ "$(grep -c '"output":1' "$tmp/out")" -eq 3 ] && ok "--class 1" || not_ok "--class 1"
run 1 "$models/wine_logistic.bin" "$tmp/w3.csv" --class 3 && err_has "3 outputs" && ok "--class out of range" || not_ok "--class out of range"

# --- text format
run 0 --method kernel-shap --format text "$models/diabetes_linear.bin" "$tmp/d5.csv" && out_has "^row 0 (kernel-shap, exact, response)" &&
    out_has "base value" && out_has "prediction" && out_has "sum of contributions" &&
    awk '/^row 0/{f=1; next} f && /^  [a-z]/ && $1 != "feature" && $1 != "base" {print $3} /^  base/{exit}' "$tmp/out" |
        sed 's/^[+-]//' | awk 'NR > 1 && $1 > prev { bad = 1 } { prev = $1 } END { exit bad }' &&
    ok "text: table sorted by |contribution|" || not_ok "text: table sorted by |contribution|"

# --- missing values print as null
head -12 "$data/diabetes_missing.csv" >"$tmp/dm.csv"
run 0 --method kernel-shap "$models/diabetes_missing_xgb.json" "$tmp/dm.csv" --background "$data/diabetes_missing.csv" --background-size 10 &&
    out_has '"value":null' && [ "$(efficiency "$tmp/out" | awk '{print ($1 <= 1e-10)}')" = 1 ] &&
    ok "missing values are null" || not_ok "missing values are null"

# --- -o: atomic
run 0 --method kernel-shap -o "$tmp/res.json" "$models/diabetes_linear.bin" "$tmp/d5.csv" && cmp -s "$tmp/res.json" "$tmp/d5.json" &&
    [ ! -s "$tmp/out" ] && ok "-o writes the file" || not_ok "-o writes the file"
sed '4s/^[^,]*,/59x,/' "$tmp/d5.csv" >"$tmp/bad.csv"
echo "keep me" >"$tmp/keep.json"
run 2 -o "$tmp/keep.json" "$models/diabetes_linear.bin" "$tmp/bad.csv" && err_has "bad.csv:4: field 1:" &&
    [ "$(cat "$tmp/keep.json")" = "keep me" ] && [ -z "$(ls "$tmp" | grep '\.tmp-')" ] &&
    ok "bad cell: exit 2, -o untouched" || not_ok "bad cell: exit 2, -o untouched"

# --- usage errors (exit 1)
run 1 "$models/diabetes_linear.bin" && err_has "expected MODEL and ROWS.csv, got 1 argument" && ok "missing ROWS" || not_ok "missing ROWS"
run 1 explian && err_has "unknown command 'explian'" && ok "a lone word is an unknown command" || not_ok "a lone word is an unknown command"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" extra && err_has "expected MODEL and ROWS.csv" && ok "extra argument" || not_ok "extra argument"
run 1 --method kernal-shap "$models/diabetes_linear.bin" "$tmp/d5.csv" && err_has "'linear-shap' or 'lime'" && ok "bad --method" || not_ok "bad --method"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" --nsamples 1 && err_has "nsamples" && err_has "explain --help" && ok "--nsamples 1" || not_ok "--nsamples 1"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" --sampler bogus && err_has "'xplain', 'shap' or 'leverage'" && ok "bad --sampler" || not_ok "bad --sampler"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" --l1 top:0 && err_has "top:K" && ok "bad --l1" || not_ok "bad --l1"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" --tolerance -1 && err_has "tolerance" && ok "bad --tolerance" || not_ok "bad --tolerance"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" --threads 0 && err_has "threads" && ok "bad --threads" || not_ok "bad --threads"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" --format xml && err_has "'svg', 'png' or 'pdf'" && ok "bad --format" || not_ok "bad --format"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" --model-output probability && err_has "classifier" && ok "probability of a regression" || not_ok "probability of a regression"
run 1 "$models/breast_cancer_logistic.bin" "$tmp/bc8.csv" --link logit && err_has "logit link needs probabilities" &&
    ok "logit link on margins" || not_ok "logit link on margins"
run 1 --method kernel-shap "$models/diabetes_xgb.json" "$tmp/d5.csv" && err_has "no embedded background" && err_has "--background" &&
    ok "no background" || not_ok "no background"
run 1 "$models/diabetes_linear.bin" "$tmp/d5.csv" --background-size 5 && err_has "need --background" &&
    ok "--background-size without --background" || not_ok "--background-size without --background"
run 1 --bogus "$models/diabetes_linear.bin" "$tmp/d5.csv" && err_has "unknown option '--bogus'" && ok "unknown option" || not_ok "unknown option"

# --- input errors (exit 2)
cut -d, -f2- "$tmp/d5.csv" >"$tmp/noage.csv"
run 2 "$models/diabetes_xgb.json" "$tmp/d5.csv" --background "$tmp/noage.csv" && err_has '"age"' &&
    ok "background lacking a feature" || not_ok "background lacking a feature"
head -1 "$tmp/d5.csv" >"$tmp/header_only.csv"
run 2 "$models/diabetes_xgb.json" "$tmp/d5.csv" --background "$tmp/header_only.csv" && err_has "no data rows" &&
    ok "empty background" || not_ok "empty background"
run 2 "$tmp/nonexistent.bin" "$tmp/d5.csv" && err_has "nonexistent.bin" && ok "missing model" || not_ok "missing model"
run 2 "$models/diabetes_linear.bin" "$tmp/nonexistent.csv" && err_has "nonexistent.csv" && ok "missing rows file" || not_ok "missing rows file"
run 0 "$models/diabetes_linear.bin" "$tmp/header_only.csv" && [ ! -s "$tmp/out" ] && ok "no rows, no output" || not_ok "no rows, no output"

# --- rows rendered by the threads, written in input order (several batches
# of 256 rows: 569 rows of breast cancer, TreeSHAP on the embedded
# background), the same bytes on any thread count, from a file or a pipe
bcm=$models/breast_cancer_xgb.bin
for fmt in json csv text; do
    run 0 "$bcm" "$data/breast_cancer.csv" --format "$fmt" && cp "$tmp/out" "$tmp/one.$fmt" &&
        run 0 "$bcm" "$data/breast_cancer.csv" --format "$fmt" --threads 2 && cmp -s "$tmp/out" "$tmp/one.$fmt" &&
        run 0 "$bcm" "$data/breast_cancer.csv" --format "$fmt" --threads 5 && cmp -s "$tmp/out" "$tmp/one.$fmt" &&
        run 0 "$bcm" - --format "$fmt" --threads 3 <"$data/breast_cancer.csv" && cmp -s "$tmp/out" "$tmp/one.$fmt" &&
        ok "$fmt: 569 rows, same bytes on 1, 2, 5 threads and from a pipe" ||
        not_ok "$fmt: 569 rows, same bytes on 1, 2, 5 threads and from a pipe"
done
for fmt in json csv text; do
    run 0 "$bcm" "$data/breast_cancer.csv" --format "$fmt" --batch-rows 1 && cmp -s "$tmp/out" "$tmp/one.$fmt" &&
        run 0 "$bcm" "$data/breast_cancer.csv" --format "$fmt" --batch-rows 7 --threads 2 && cmp -s "$tmp/out" "$tmp/one.$fmt" &&
        run 0 "$bcm" "$data/breast_cancer.csv" --format "$fmt" --batch-rows 65536 --threads 3 && cmp -s "$tmp/out" "$tmp/one.$fmt" &&
        run 0 "$bcm" - --format "$fmt" --batch-rows 100 --threads 2 <"$data/breast_cancer.csv" && cmp -s "$tmp/out" "$tmp/one.$fmt" &&
        ok "$fmt: --batch-rows 1, 7, 65536 and 100 from a pipe: the same bytes" ||
        not_ok "$fmt: --batch-rows 1, 7, 65536 and 100 from a pipe: the same bytes"
done
run 0 importance "$bcm" "$data/breast_cancer.csv" && cp "$tmp/out" "$tmp/imp1" &&
    run 0 importance "$bcm" "$data/breast_cancer.csv" --batch-rows 3 --threads 2 && cmp -s "$tmp/out" "$tmp/imp1" &&
    ok "importance: the same table with --batch-rows 3" || not_ok "importance: the same table with --batch-rows 3"
# a bad row in the third batch while the next batches are in the threads'
# hands: the 40 rows before it come out whole and in order, then the error
# names its line; from a file (read ahead) and from a pipe alike
awk -F, -v OFS=, 'NR == 42 { $3 = "oops" } { print }' "$data/breast_cancer.csv" >"$tmp/bad42.csv"
head -40 "$tmp/one.json" >"$tmp/first40.json"
run 2 "$bcm" "$tmp/bad42.csv" --threads 3 --batch-rows 16 && cmp -s "$tmp/out" "$tmp/first40.json" &&
    err_has "bad42.csv:42: field 3: expected a number" &&
    run 2 "$bcm" - --threads 3 --batch-rows 16 <"$tmp/bad42.csv" && cmp -s "$tmp/out" "$tmp/first40.json" &&
    err_has "<stdin>:42: field 3: expected a number" &&
    ok "a bad row mid-stream on 3 threads: the rows before it, then its error" ||
    not_ok "a bad row mid-stream on 3 threads: the rows before it, then its error"
# --batch-rows 1 from a pipe: a row's explanation is out before the next
# row comes (the input stays open until then; at most 20 s)
mkfifo "$tmp/rows.fifo"
"$explain" "$bcm" "$tmp/rows.fifo" --batch-rows 1 >"$tmp/stream.out" 2>"$tmp/err" &
stream_pid=$!
exec 3>"$tmp/rows.fifo"
head -3 "$data/breast_cancer.csv" >&3
waited=0
while [ "$(wc -l <"$tmp/stream.out")" -lt 2 ] && [ $waited -lt 200 ]; do sleep 0.1; waited=$((waited + 1)); done
streamed=$(wc -l <"$tmp/stream.out")
exec 3>&-
wait $stream_pid && [ "$streamed" -eq 2 ] && head -2 "$tmp/one.json" | cmp -s - "$tmp/stream.out" &&
    ok "--batch-rows 1 from a pipe: each row written as it is explained" ||
    not_ok "--batch-rows 1 from a pipe: each row written as it is explained"
[ "$(wc -l <"$tmp/one.csv")" -eq 570 ] && [ "$(wc -l <"$tmp/one.json")" -eq 569 ] &&
    ok "csv: header and 569 rows; json: 569 lines" || not_ok "csv: header and 569 rows; json: 569 lines"
awk -F, 'NR == 1 { print "key," $0; next } { print "k" NR - 2 "," $0 }' "$data/breast_cancer.csv" >"$tmp/keyed.csv"
for fmt in json csv; do
    run 0 "$bcm" "$tmp/keyed.csv" --format "$fmt" --id-column key && cp "$tmp/out" "$tmp/keyed1.$fmt" &&
        run 0 "$bcm" "$tmp/keyed.csv" --format "$fmt" --id-column key --threads 3 && cmp -s "$tmp/out" "$tmp/keyed1.$fmt" &&
        out_has "k568" &&
        ok "$fmt --id-column: same bytes on 3 threads" || not_ok "$fmt --id-column: same bytes on 3 threads"
done
# a bad cell on line 602: the 600 rows before it are written, in order,
# then the error, on any thread count (reading ahead stops at it)
{ cat "$data/breast_cancer.csv"; tail -n +2 "$data/breast_cancer.csv"; } >"$tmp/bc2x.csv"
run 0 "$bcm" "$tmp/bc2x.csv" --format csv && cp "$tmp/out" "$tmp/bc2x.out"
{ head -601 "$tmp/bc2x.csv"; echo "1,2,oops$(printf ',1%.0s' $(seq 28))"; tail -n +2 "$data/breast_cancer.csv"; } >"$tmp/bad602.csv"
for t in 1 2 "2 --batch-rows 7"; do
    # shellcheck disable=SC2086
    run 2 "$bcm" "$tmp/bad602.csv" --format csv --threads $t &&
        [ "$(wc -l <"$tmp/out")" -eq 601 ] && err_has "bad602.csv:602: field 3: expected a number" &&
        head -601 "$tmp/bc2x.out" | cmp -s - "$tmp/out" &&
        ok "bad cell after 600 rows, $t thread(s): rows before it, then the error" ||
        not_ok "bad cell after 600 rows, $t thread(s): rows before it, then the error"
done
run 2 "$bcm" "$tmp/bad602.csv" --format csv --threads 2 -o "$tmp/never.csv" && [ ! -e "$tmp/never.csv" ] &&
    ok "bad cell with -o: no partial file" || not_ok "bad cell with -o: no partial file"
# a row the explainer rejects (a missing value for linear SHAP) in the
# second batch: the rows before it, then its error
{ head -301 "$data/diabetes.csv"; echo "1,2,NA,4,5,6,7,8,9,10,11"; tail -n +2 "$data/diabetes.csv"; } >"$tmp/bad300.csv"
for t in 1 3; do
    run 2 "$models/diabetes_linear.bin" "$tmp/bad300.csv" --format json --threads $t &&
        [ "$(wc -l <"$tmp/out")" -eq 300 ] && err_has 'bad300.csv:302: row 300: linear SHAP' &&
        ok "explainer error at row 300, $t thread(s)" || not_ok "explainer error at row 300, $t thread(s)"
done

echo "1..$n"
[ "$failed" -eq 0 ]
