#!/bin/sh
# Bad input, golden rules (issue 8), for predict, info, convert and the
# main form (explain MODEL ROWS.csv):
#  - every malformed input gives exit status 2, nothing on standard output
#    and exactly one line on standard error, "explain: FILE:LINE:COL: ..."
#    or "explain: FILE: ..." where no position applies;
#  - usage errors give exit status 1 and a hint ("Try 'explain ... --help'");
#  - nothing is written to -o on failure: an existing target is untouched, a
#    new one is not created, no temporary file is left beside it;
#  - a batch that fails midway on standard output is well-formed up to the
#    row before the bad one, and the message names the bad row's line.
# TAP. Needs EXPLAIN and XPL_SOURCE_ROOT.
. "$(dirname "$0")/lib.sh"

models=$root/data/models
data=$root/data
lin=$models/diabetes_linear.bin
xgb=$models/breast_cancer_xgb.bin
ksopts="--method kernel-shap --nsamples 16 -q"

# one_error FILE: stderr is the single line "explain: FILE[:L[:C]]: text".
one_error() {
    awk -v f="explain: $1" '
        NR == 1 {
            if (index($0, f) != 1) exit 1
            rest = substr($0, length(f) + 1)
            if (rest !~ /^(:[0-9]+(:[0-9]+)?)?: [^ ]/) exit 1
        }
        END { if (NR != 1) exit 1 }' "$tmp/err" ||
        { echo "# expected one line 'explain: $1[:L[:C]]: ...'"; return 1; }
}
no_stdout() { [ ! -s "$tmp/out" ] || { echo "# unexpected output on stdout"; return 1; }; }
hint() { err_has "Try 'explain" ; }
# untouched: the -o target still holds "keep", and no temporary is left.
untouched() {
    [ "$(cat "$tmp/target" 2>/dev/null)" = keep ] || { echo "# -o target changed"; return 1; }
    ! ls "$tmp"/target.tmp-* >/dev/null 2>&1 || { echo "# temporary file left"; return 1; }
}
not_created() {
    [ ! -e "$tmp/new" ] || { echo "# -o target created"; return 1; }
    ! ls "$tmp"/new.tmp-* >/dev/null 2>&1 || { echo "# temporary file left"; return 1; }
}
reset_target() { echo keep >"$tmp/target"; rm -f "$tmp/new"; }

# bad_input NAME FILE ARGS...: exit 2, one error line naming FILE, no output.
bad_input() {
    name=$1 file=$2
    shift 2
    run 2 "$@" && one_error "$file" && no_stdout && ok "$name" || not_ok "$name"
}

# ---------------------------------------------------------------- inputs
head -6 "$data/diabetes.csv" >"$tmp/d5.csv"
head -6 "$data/breast_cancer.csv" >"$tmp/bc5.csv"
d5=$tmp/d5.csv

# Models.
head -c 3 "$lin" >"$tmp/magic_cut.bin"
head -c 40 "$lin" >"$tmp/header_cut.bin"
head -c 5000 "$lin" >"$tmp/truncated.bin"
cp "$lin" "$tmp/flipped.bin"
printf '\125' | dd of="$tmp/flipped.bin" bs=1 seek=3000 conv=notrunc 2>/dev/null
# A valid checksum over a damaged body: the section parser reports it.
cp "$lin" "$tmp/bad_version.bin"
printf '\002' | dd of="$tmp/bad_version.bin" bs=1 seek=8 conv=notrunc 2>/dev/null
printf '{"type": "linear",\n "link": ' >"$tmp/cut.json"
printf '{"type": "linear", "link": "identity", "feature_names": ["a"],\n "intercept": [1], "coef": [[1, 2]]}\n' >"$tmp/shape.json"
printf '{"type": "linear", "link": "identity", "feature_names": ["a"],\n "intercept": [1], "coeff": [[1]]}\n' >"$tmp/unknown_key.json"
printf '{"type": "linear", "link": "identity", "feature_names": ["a", "a"],\n "intercept": [1], "coef": [[1, 2]]}\n' >"$tmp/dup_names.json"
printf '{"type": "linear", "type": "linear"}\n' >"$tmp/dup_key.json"
printf '{"type": "linear", "link": "identity", "feature_names": ["a"],\n "intercept": [1e999], "coef": [[1]]}\n' >"$tmp/overflow.json"
printf '{"type": "tree_ensemble", "link": "identity", "feature_names": ["a"], "n_outputs": 1,
 "aggregation": "sum", "base_score": [0], "threshold_type": "float64", "comparison": "<",
 "trees": [{"output": 0, "feature": [0, -1, -1], "threshold": [0, 0, 0], "left": [1, -1, -1],
 "right": [0, -1, -1], "value": [0, 1, 2], "cover": [1, 1, 1]}]}\n' >"$tmp/cycle.json"
sed 's/"binary:logistic"/"rank:pairwise"/' "$models/breast_cancer_xgb.json" >"$tmp/objective.json"
: >"$tmp/empty_model"
printf 'a,b\n1,2\n' >"$tmp/csv_as_model"
mkdir "$tmp/dir"

for kind in magic_cut.bin header_cut.bin truncated.bin flipped.bin bad_version.bin \
            cut.json shape.json unknown_key.json dup_names.json dup_key.json \
            overflow.json cycle.json objective.json empty_model csv_as_model \
            missing.bin dir; do
    f=$tmp/$kind
    bad_input "predict: bad model $kind" "$f" predict "$f" "$d5"
    bad_input "info: bad model $kind" "$f" info "$f"
    reset_target
    bad_input "convert: bad model $kind" "$f" convert "$f" -o "$tmp/target" &&
        untouched && ok "convert: bad model $kind leaves -o untouched" ||
        not_ok "convert: bad model $kind leaves -o untouched"
    bad_input "explain: bad model $kind" "$f" "$f" "$d5" $ksopts
done
reset_target
run 2 predict -o "$tmp/new" "$tmp/flipped.bin" "$d5" && not_created &&
    ok "predict: bad model creates no -o file" || not_ok "predict: bad model creates no -o file"
run 2 "$tmp/flipped.bin" "$d5" -q -o "$tmp/target" && untouched &&
    ok "explain: bad model leaves -o untouched" || not_ok "explain: bad model leaves -o untouched"

# CSVs for the 10-feature diabetes model. The bad row comes first, so
# nothing is printed before the error (failing midway is tested below).
hdr=$(head -1 "$d5")
row=$(sed -n 2p "$d5")
printf '%s\n' "age,sex,bmi" "1,2,3" >"$tmp/missing_cols.csv"
printf '%s\n' "$hdr" "$(echo "$row" | sed 's/^[^,]*,/abc,/')" "$row" >"$tmp/bad_number.csv"
printf '%s\n' "$hdr" "$(echo "$row" | sed 's/^[^,]*,/1e999,/')" "$row" >"$tmp/overflow.csv"
printf '%s\n' "$hdr" "1,2,3" "$row" >"$tmp/short_row.csv"
printf '%s\n' "$hdr" "$row,5" "$row" >"$tmp/long_row.csv"
printf '%s\n' "$hdr" "\"$row" "$row" >"$tmp/open_quote.csv"
printf '%s\n' "$hdr" "\"1\"x,$(echo "$row" | cut -d, -f2-)" "$row" >"$tmp/after_quote.csv"
printf '%s\n' "$hdr,age" "$row,1" >"$tmp/dup_header.csv"
: >"$tmp/empty.csv"
printf 'age,sex\0,bmi\n1,2,3\n' >"$tmp/nul.csv"
{ printf '%s\n' "$hdr"; head -c 1100000 /dev/zero | tr '\0' 7; echo; } >"$tmp/long_field.csv"

for kind in missing_cols.csv bad_number.csv overflow.csv short_row.csv long_row.csv \
            open_quote.csv after_quote.csv dup_header.csv empty.csv nul.csv \
            long_field.csv missing.csv dir; do
    f=$tmp/$kind
    bad_input "predict: bad rows $kind" "$f" predict "$lin" "$f"
    bad_input "explain: bad rows $kind" "$f" "$lin" "$f" $ksopts
    reset_target
    bad_input "convert: bad background $kind" "$f" convert "$lin" --background "$f" -o "$tmp/target" &&
        untouched && ok "convert: bad background $kind leaves -o untouched" ||
        not_ok "convert: bad background $kind leaves -o untouched"
    bad_input "convert: bad stats $kind" "$f" convert "$lin" --stats "$f" -o "$tmp/new" &&
        not_created && ok "convert: bad stats $kind creates no -o file" ||
        not_ok "convert: bad stats $kind creates no -o file"
done
run 2 predict "$lin" - <"$tmp/bad_number.csv" && one_error "<stdin>" && no_stdout &&
    ok "predict: bad rows on standard input are named <stdin>" ||
    not_ok "predict: bad rows on standard input are named <stdin>"

# ---------------------------------------------------------- usage errors
# usage NAME ARGS...: exit 1, a hint, -o (if any) untouched.
usage() {
    name=$1
    shift
    reset_target
    run 1 "$@" && hint && untouched && not_created && ok "usage: $name" || not_ok "usage: $name"
}
usage "predict: unknown option" predict --frobnicate "$lin" "$d5" -o "$tmp/target"
usage "predict: missing ROWS" predict "$lin" -o "$tmp/target"
usage "predict: extra argument" predict "$lin" "$d5" "$d5" -o "$tmp/target"
usage "predict: -o without a value" predict "$lin" "$d5" -o
usage "predict: bad --model-output" predict --model-output logits "$lin" "$d5" -o "$tmp/new"
usage "info: missing MODEL" info
usage "info: two models" info "$lin" "$lin"
usage "info: unknown option" info --frobnicate "$lin"
usage "convert: no -o" convert "$lin"
usage "convert: bad --background-size" convert "$lin" --background "$d5" --background-size x -o "$tmp/target"
usage "convert: negative --seed" convert "$lin" --seed -1 -o "$tmp/new"
usage "convert: unknown option" convert "$lin" --frobnicate -o "$tmp/target"
usage "explain: unknown option" "$lin" "$d5" --frobnicate -o "$tmp/target"
usage "explain: missing ROWS" "$lin" -o "$tmp/target"
usage "explain: bad --nsamples" "$lin" "$d5" --method kernel-shap --nsamples many -o "$tmp/target"
usage "explain: --threads 0" "$lin" "$d5" --threads 0 -o "$tmp/new"
usage "explain: --batch-rows 0" "$lin" "$d5" --batch-rows 0 -o "$tmp/new"
usage "explain: --batch-rows -1" "$lin" "$d5" --batch-rows -1 -o "$tmp/new"
usage "explain: --batch-rows x" "$lin" "$d5" --batch-rows x -o "$tmp/new"
usage "explain: --batch-rows 65537" "$lin" "$d5" --batch-rows 65537 -o "$tmp/new" && err_has "from 1 to 65536" &&
    ok "--batch-rows: the message names the range" || not_ok "--batch-rows: the message names the range"
usage "explain: --batch-rows without a value" "$lin" "$d5" -o "$tmp/new" --batch-rows
usage "importance: --batch-rows 0" importance "$lin" "$d5" --batch-rows 0 -o "$tmp/new"
if "$explain" serve --help >/dev/null 2>&1; then # built with the service
    usage "serve: --batch-rows" serve "$lin" --batch-rows 8
fi
usage "importance --explanations: --batch-rows" importance "$lin" --explanations "$d5" --batch-rows 8 -o "$tmp/new"
usage "explain: unknown --method" --method magic "$lin" "$d5" -o "$tmp/target"
usage "explain: unknown --format" "$lin" "$d5" --format xml -o "$tmp/target"
usage "unknown command" frobnicate
# Limits: checked while parsing, with the maximum in the message.
usage "explain: --nsamples above the maximum" "$lin" "$d5" --method kernel-shap \
    --nsamples 2000000000 -o "$tmp/target" && err_has "1073741824" &&
    ok "--nsamples: the message names the maximum" || not_ok "--nsamples: the message names the maximum"
usage "explain: --num-samples above the maximum" "$lin" "$d5" --method lime \
    --num-samples 100000000 -o "$tmp/target" && err_has "67108864" &&
    ok "--num-samples: the message names the maximum" || not_ok "--num-samples: the message names the maximum"
usage "explain: --repeats above the maximum" "$lin" "$d5" --method lime \
    --repeats 20000 -o "$tmp/target" && err_has "10000" &&
    ok "--repeats: the message names the maximum" || not_ok "--repeats: the message names the maximum"
usage "importance: --nsamples above the maximum" importance "$lin" "$d5" \
    --method kernel-shap --nsamples 1073741825 -o "$tmp/target"
usage "explain: -o ''" "$lin" "$d5" -q -o ""
usage "importance: -o ''" importance "$lin" "$d5" -q -o ""
usage "predict: -o ''" predict "$lin" "$d5" -o ""
usage "convert: -o ''" convert "$lin" -o ""
usage "explain: --interactions with a linear model" "$lin" "$d5" --interactions -o "$tmp/target" &&
    err_has "needs a tree model" && ok "--interactions: the message asks for a tree model" ||
    not_ok "--interactions: the message asks for a tree model"
usage "explain: --interactions with --model-output probability" "$xgb" "$tmp/bc5.csv" \
    --interactions --model-output probability -o "$tmp/target" &&
    [ "$(wc -l <"$tmp/err")" -eq 2 ] && err_has "needs TreeSHAP" &&
    ok "--interactions with probabilities: the message, no note before it" ||
    not_ok "--interactions with probabilities: the message, no note before it"

# ------------------------------------------------ header only, SVG
# JSON Lines, CSV and text have nothing to write; an SVG document needs a
# chart, so it is an error like importance's.
printf '%s\n' "$(head -1 "$d5")" >"$tmp/header_only.csv"
for fmt in json csv text; do
    run 0 "$lin" "$tmp/header_only.csv" -q --format $fmt && no_stdout && [ ! -s "$tmp/err" ] &&
        ok "explain: header only, --format $fmt: no output" ||
        not_ok "explain: header only, --format $fmt: no output"
done
bad_input "explain: header only, --format svg" "$tmp/header_only.csv" \
    "$lin" "$tmp/header_only.csv" -q --format svg && err_has "header_only.csv: no data rows" &&
    ok "explain: header only, --format svg says 'no data rows'" ||
    not_ok "explain: header only, --format svg says 'no data rows'"
reset_target
run 2 "$lin" "$tmp/header_only.csv" -q --format svg -o "$tmp/target" && untouched &&
    ok "explain: header only, SVG leaves -o untouched" || not_ok "explain: header only, SVG leaves -o untouched"
mkdir "$tmp/svgdir"
bad_input "explain: header only, SVG to a directory" "$tmp/header_only.csv" \
    "$lin" "$tmp/header_only.csv" -q -o "$tmp/svgdir/"

# ------------------------------------------------------- row errors
# A row the explainer refuses: "FILE:LINE: row N: ..." with the 1-based
# line in the file and the 0-based row of the outputs. Linear SHAP refuses
# missing and infinite values as Kernel SHAP and LIME do.
row2=$(sed -n 3p "$d5")
na_row=$(echo "$row" | awk -F, 'BEGIN { OFS = "," } { $3 = "NA"; print }')
inf_row=$(echo "$row" | awk -F, 'BEGIN { OFS = "," } { $4 = "-inf"; print }')
printf '%s\n' "$hdr" "$row" "$na_row" "$row2" >"$tmp/na_row.csv"
printf '%s\n' "$hdr" "$row" "$row2" "$inf_row" >"$tmp/inf_row.csv"
for method in "" "--method linear-shap"; do
    # shellcheck disable=SC2086
    run 2 "$lin" "$tmp/na_row.csv" -q $method && one_error "$tmp/na_row.csv" &&
        err_has "na_row.csv:3: row 1: linear SHAP: feature \"bmi\" is missing" &&
        [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
        ok "explain ${method:-(default)}: a missing value fails its row (line 3, row 1)" ||
        not_ok "explain ${method:-(default)}: a missing value fails its row (line 3, row 1)"
done
run 2 "$lin" "$tmp/inf_row.csv" -q --method linear-shap && one_error "$tmp/inf_row.csv" &&
    err_has "inf_row.csv:4: row 2: linear SHAP: feature \"bp\" is -inf" &&
    [ "$(wc -l <"$tmp/out")" -eq 2 ] &&
    ok "explain linear-shap: an infinite value fails its row (line 4, row 2)" ||
    not_ok "explain linear-shap: an infinite value fails its row (line 4, row 2)"
run 2 "$lin" "$tmp/na_row.csv" -q --method lime --num-samples 100 && one_error "$tmp/na_row.csv" &&
    err_has "na_row.csv:3: row 1: LIME: " &&
    ok "explain lime: a missing value fails its row (line 3, row 1)" ||
    not_ok "explain lime: a missing value fails its row (line 3, row 1)"
run 2 "$lin" "$tmp/na_row.csv" $ksopts && one_error "$tmp/na_row.csv" &&
    err_has "na_row.csv:3: row 1: Kernel SHAP: " &&
    ok "explain kernel-shap: a missing value fails its row (line 3, row 1)" ||
    not_ok "explain kernel-shap: a missing value fails its row (line 3, row 1)"
run 2 importance "$lin" "$tmp/na_row.csv" -q && one_error "$tmp/na_row.csv" &&
    err_has "na_row.csv:3: row 1: linear SHAP" && no_stdout &&
    ok "importance: a missing value fails (line 3, row 1)" ||
    not_ok "importance: a missing value fails (line 3, row 1)"
# Midway through a batch, after a blank line and a quoted line break: the
# line is the file's, not the row's index plus 2.
# (The quoted cell is in "target", a column the model does not read.)
awk -F, 'BEGIN { OFS = "," } NR == 2 { $11 = "\"5\n9\"" } NR == 302 { $3 = "NA" } { print }
         NR == 100 { print "" }' "$data/diabetes.csv" >"$tmp/midway_na.csv"
run 2 "$lin" "$tmp/midway_na.csv" -q && one_error "$tmp/midway_na.csv" &&
    err_has "midway_na.csv:304: row 300: linear SHAP: feature \"bmi\" is missing" &&
    [ "$(wc -l <"$tmp/out")" -eq 300 ] &&
    ok "explain: a row failing midway names its line (304) and row (300)" ||
    not_ok "explain: a row failing midway names its line (304) and row (300)"
run 2 "$lin" - -q <"$tmp/na_row.csv" && err_has "^explain: <stdin>:3: row 1: " &&
    ok "explain: a failing row on standard input is named <stdin>" ||
    not_ok "explain: a failing row on standard input is named <stdin>"

# --------------------------------------------- failing midway, streaming
# 300 good rows, then a bad cell on line 302 (row 300, 0-based).
awk -F, 'BEGIN { OFS = "," } NR == 302 { $3 = "oops" } { print }' \
    "$data/diabetes.csv" >"$tmp/midway.csv"
want_err="midway.csv:302: field 3:"
run 2 predict "$lin" "$tmp/midway.csv" && err_has "$want_err" && one_error "$tmp/midway.csv" &&
    [ "$(wc -l <"$tmp/out")" -eq 300 ] &&
    awk '!/^-?[0-9][0-9.e+-]*$/ { exit 1 }' "$tmp/out" &&
    [ "$(tail -c 1 "$tmp/out" | od -An -c | tr -d ' ')" = '\n' ] &&
    ok "predict: a batch failing midway prints the 300 rows before it" ||
    not_ok "predict: a batch failing midway prints the 300 rows before it"
for method in "" "--method kernel-shap --nsamples 16"; do
    # shellcheck disable=SC2086
    run 2 "$lin" "$tmp/midway.csv" -q $method && err_has "$want_err" &&
        one_error "$tmp/midway.csv" &&
        [ "$(wc -l <"$tmp/out")" -eq 300 ] &&
        awk '!/^\{"row":[0-9]+,.*\}$/ { exit 1 } END { exit !(NR == 300) }' "$tmp/out" &&
        [ "$(tail -n 1 "$tmp/out" | sed 's/^{"row":\([0-9]*\),.*/\1/')" = 299 ] &&
        ok "explain ${method:-(default)}: JSON Lines complete up to row 299" ||
        not_ok "explain ${method:-(default)}: JSON Lines complete up to row 299"
done
run 2 "$lin" "$tmp/midway.csv" -q --format csv && err_has "$want_err" &&
    [ "$(wc -l <"$tmp/out")" -eq 301 ] &&
    awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$tmp/out" &&
    [ "$(tail -n 1 "$tmp/out" | cut -d, -f1)" = 299 ] &&
    ok "explain --format csv: header and rows 0-299, all complete" ||
    not_ok "explain --format csv: header and rows 0-299, all complete"
reset_target
run 2 predict "$lin" "$tmp/midway.csv" -o "$tmp/target" && untouched &&
    ok "predict: failing midway leaves -o untouched" || not_ok "predict: failing midway leaves -o untouched"
run 2 "$lin" "$tmp/midway.csv" -q -o "$tmp/new" && not_created &&
    ok "explain: failing midway creates no -o file" || not_ok "explain: failing midway creates no -o file"

# Names from files and arguments reach error messages: control bytes in
# them are escaped, so the message stays one line and sends no terminal
# escape sequence.
run 1 --method lime --categorical "$(printf 'x\033[31my')" "$lin" "$root/data/diabetes.csv" &&
    [ "$(wc -l <"$tmp/err")" -le 2 ] && err_has 'x\\x1b\[31my' &&
    ! grep -q "$(printf '\033')" "$tmp/err" &&
    ok "an ESC in a name is escaped in the message" ||
    not_ok "an ESC in a name is escaped in the message"
run 2 -o "$(printf '%s/no-such-dir/a\nb' "$tmp")" "$lin" "$root/data/diabetes.csv" &&
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && err_has 'a\\x0ab' &&
    ok "a newline in a path is escaped in the message" ||
    not_ok "a newline in a path is escaped in the message"
run 1 importance "$lin" "$root/data/diabetes.csv" --top x &&
    err_has "Try 'explain importance --help'" &&
    ok "importance: a bad option value hints at importance's --help" ||
    not_ok "importance: a bad option value hints at importance's --help"
run 1 "$lin" "$root/data/diabetes.csv" --delimiter '"' &&
    err_has "cannot be a quote" &&
    ok "explain: a quote as --delimiter is a usage error" ||
    not_ok "explain: a quote as --delimiter is a usage error"

echo "1..$n"
[ "$failed" -eq 0 ]
