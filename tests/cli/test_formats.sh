#!/bin/sh
# CLI output formats: text tables, CSV, SVG charts (one document or one file
# per row), format from -o's extension, colour rules, and explain
# importance in every format. TAP.
# Needs EXPLAIN (the binary) and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/lib.sh"

models=$root/data/models
data=$root/data
bc=$models/breast_cancer_xgb.bin
head -9 "$data/breast_cancer.csv" >"$tmp/bc8.csv"
head -4 "$data/wine.csv" >"$tmp/w3.csv"
head -41 "$data/breast_cancer.csv" >"$tmp/bc40.csv"
xml_ok() { if command -v xmllint >/dev/null; then xmllint --noout "$1" 2>/dev/null; else grep -q '^<svg' "$1"; fi; }

# --- text
run 0 --format text "$bc" "$tmp/bc8.csv" && out_has "base value" && out_has "prediction" &&
    ! grep -q "$(printf '\033')" "$tmp/out" && ok "text: a table per row, no colour when piped" || not_ok "text: a table per row, no colour when piped"
run 0 --format text --top 5 "$bc" "$tmp/bc8.csv" && out_has "other 25 features" &&
    ok "text --top 5 sums the rest" || not_ok "text --top 5 sums the rest"

# --- csv: header, one line per row and output
run 0 --format csv "$models/wine_xgb.json" "$tmp/w3.csv" && [ "$(wc -l <"$tmp/out")" -eq 10 ] &&
    [ "$(head -1 "$tmp/out" | cut -d, -f1-6)" = "row,output,method,base_value,prediction,alcohol" ] &&
    [ "$(sed -n 2p "$tmp/out" | cut -d, -f1-3)" = "0,0,tree-shap" ] &&
    ok "csv: header and one line per (row, output)" || not_ok "csv: header and one line per (row, output)"
run 0 -o "$tmp/r.csv" "$models/wine_xgb.json" "$tmp/w3.csv" && [ "$(head -c 4 "$tmp/r.csv")" = "row," ] &&
    ok "-o x.csv picks csv" || not_ok "-o x.csv picks csv"

# --- svg
run 0 --format svg "$bc" "$tmp/bc8.csv" && head -c 200 "$tmp/out" | grep -q '<svg' && cp "$tmp/out" "$tmp/all.svg" &&
    xml_ok "$tmp/all.svg" && ok "svg: one well-formed document" || not_ok "svg: one well-formed document"
run 0 --chart waterfall --top 8 -o "$tmp/w.svg" "$bc" "$tmp/bc8.csv" && xml_ok "$tmp/w.svg" &&
    ok "-o x.svg: waterfall" || not_ok "-o x.svg: waterfall"
mkdir "$tmp/charts"
run 0 --format svg -o "$tmp/charts/" "$bc" "$tmp/bc8.csv" && [ "$(ls "$tmp/charts" | wc -l)" -eq 8 ] &&
    [ -s "$tmp/charts/row-7-output-1.svg" ] && xml_ok "$tmp/charts/row-0-output-1.svg" &&
    ok "svg -o dir/: one file per row" || not_ok "svg -o dir/: one file per row"
mkdir "$tmp/wine"
run 0 --format svg -o "$tmp/wine/" "$models/wine_xgb.json" "$tmp/w3.csv" && [ -s "$tmp/wine/row-2-output-2.svg" ] &&
    ok "svg -o dir/: one file per row and output" || not_ok "svg -o dir/: one file per row and output"
run 2 --format svg -o "$tmp/nodir/" "$bc" "$tmp/bc8.csv" && err_has "nodir/: directory does not exist" &&
    ok "svg -o dir/ that does not exist" || not_ok "svg -o dir/ that does not exist"
run 1 --chart waterfall "$bc" "$tmp/bc8.csv" && err_has "format svg" && ok "--chart needs svg" || not_ok "--chart needs svg"
run 1 --chart beeswarm --format svg "$bc" "$tmp/bc8.csv" && err_has "importance" &&
    ok "beeswarm is for importance" || not_ok "beeswarm is for importance"
run 1 --top x "$bc" "$tmp/bc8.csv" && err_has "--top" && ok "bad --top" || not_ok "bad --top"

# --- importance
run 0 importance "$bc" "$tmp/bc40.csv" && out_has "worst" &&
    ok "importance: a text table by default" || not_ok "importance: a text table by default"
run 0 importance --format json "$models/wine_xgb.json" "$tmp/w3.csv" && [ "$(wc -l <"$tmp/out")" -eq 3 ] &&
    out_has '"mean_abs_contribution":' && ok "importance json: one line per output" || not_ok "importance json: one line per output"
run 0 importance --format csv "$bc" "$tmp/bc40.csv" && [ "$(wc -l <"$tmp/out")" -eq 31 ] &&
    ok "importance csv: a line per feature" || not_ok "importance csv: a line per feature"
run 0 importance -o "$tmp/imp.svg" "$bc" "$tmp/bc40.csv" && xml_ok "$tmp/imp.svg" &&
    ok "importance svg bar" || not_ok "importance svg bar"
run 0 importance --chart beeswarm -o "$tmp/bee.svg" "$bc" "$tmp/bc40.csv" && xml_ok "$tmp/bee.svg" &&
    [ "$(grep -o '<circle' "$tmp/bee.svg" | wc -l)" -ge 40 ] &&
    ok "importance svg beeswarm: dots" || not_ok "importance svg beeswarm: dots"
run 0 importance --method lime --num-samples 300 "$bc" "$tmp/bc8.csv" && out_has "worst" &&
    ok "importance of LIME weights" || not_ok "importance of LIME weights"
head -1 "$tmp/bc8.csv" >"$tmp/header_only.csv"
run 2 importance "$bc" "$tmp/header_only.csv" && err_has "no data rows" &&
    ok "importance of no rows" || not_ok "importance of no rows"
run 1 importance --chart waterfall --format svg "$bc" "$tmp/bc8.csv" && err_has "per-row" &&
    ok "importance has no waterfall" || not_ok "importance has no waterfall"
run 1 importance "$bc" && err_has "DATA.csv" && err_has "explain importance --help" &&
    ok "importance usage" || not_ok "importance usage"
run 0 importance --help && out_has "Usage: explain importance" && ok "importance --help" || not_ok "importance --help"

# --- what a new user trips on (issue 12)
# extensions in any case
run 0 -o "$tmp/UP.SVG" "$bc" "$tmp/bc8.csv" && head -c 300 "$tmp/UP.SVG" | grep -q '<svg' &&
    ok "-o x.SVG writes SVG" || not_ok "-o x.SVG writes SVG"
run 0 -o "$tmp/UP.Csv" "$models/wine_xgb.json" "$tmp/w3.csv" && [ "$(head -c 4 "$tmp/UP.Csv")" = "row," ] &&
    ok "-o x.Csv writes CSV" || not_ok "-o x.Csv writes CSV"
# --top: text and SVG; refused by the data formats, as --chart is
for f in json csv; do
    run 1 --top 5 --format $f "$bc" "$tmp/bc8.csv" && err_has "--top applies to --format text and svg" &&
        ok "--top with --format $f is a usage error" || not_ok "--top with --format $f is a usage error"
    run 1 importance --top 5 --format $f "$bc" "$tmp/bc8.csv" && err_has "--top applies" &&
        ok "importance --top with --format $f is a usage error" || not_ok "importance --top with --format $f is a usage error"
done
run 1 --top 5 -o "$tmp/top.json" "$bc" "$tmp/bc8.csv" && [ ! -e "$tmp/top.json" ] &&
    ok "--top with -o x.json is refused before writing" || not_ok "--top with -o x.json is refused before writing"
# inf and missing stay apart in every format
{ head -1 "$tmp/bc8.csv"; sed -n 2p "$tmp/bc8.csv" | sed 's/^[^,]*,/,/'; sed -n 3p "$tmp/bc8.csv" | sed 's/^[^,]*,/inf,/';
  sed -n 4p "$tmp/bc8.csv" | sed 's/^[^,]*,/-inf,/'; } >"$tmp/infs.csv"
run 0 "$bc" "$tmp/infs.csv" && [ "$(grep -c '"name":"mean radius","value":null' "$tmp/out")" -eq 1 ] &&
    [ "$(grep -c '"name":"mean radius","value":"inf"' "$tmp/out")" -eq 1 ] &&
    [ "$(grep -c '"name":"mean radius","value":"-inf"' "$tmp/out")" -eq 1 ] &&
    ok "json: missing is null, infinities are \"inf\" / \"-inf\"" || not_ok "json: missing is null, infinities are \"inf\" / \"-inf\""
run 0 --format text "$bc" "$tmp/infs.csv" && [ "$(grep -c 'mean radius  *NA ' "$tmp/out")" -eq 1 ] &&
    [ "$(grep -c 'mean radius  *inf ' "$tmp/out")" -eq 1 ] && [ "$(grep -c 'mean radius  *-inf ' "$tmp/out")" -eq 1 ] &&
    ok "text: NA, inf and -inf" || not_ok "text: NA, inf and -inf"
run 0 "$bc" "$tmp/infs.csv" && cp "$tmp/out" "$tmp/infs.jsonl" &&
    run 0 importance --format csv "$bc" "$tmp/infs.csv" && cp "$tmp/out" "$tmp/imp_rows.csv" &&
    run 0 importance --format csv --explanations "$bc" "$tmp/infs.jsonl" && cmp -s "$tmp/out" "$tmp/imp_rows.csv" &&
    ok "importance --explanations reads \"inf\" values back" || not_ok "importance --explanations reads \"inf\" values back"
run 0 --format svg --top 0 "$bc" "$tmp/infs.csv" && grep -q 'mean radius = NA' "$tmp/out" && grep -q 'mean radius = inf' "$tmp/out" &&
    ok "svg: NA and inf" || not_ok "svg: NA and inf"
# -o naming an input: refused whatever the spelling, input untouched
cp "$tmp/bc8.csv" "$tmp/in.csv"; cp "$tmp/in.csv" "$tmp/in.orig"; ln -s in.csv "$tmp/in_link.csv"
mkdir -p "$tmp/sub"
for o in "$tmp/in.csv" "$tmp/in_link.csv" "$tmp/sub/../in.csv"; do
    run 1 -o "$o" "$bc" "$tmp/in.csv" && err_has "is the input ROWS.csv" && cmp -s "$tmp/in.csv" "$tmp/in.orig" &&
        ok "-o $(basename "$o") naming ROWS.csv is refused, input untouched" ||
        not_ok "-o $(basename "$o") naming ROWS.csv is refused, input untouched"
done
run 1 predict -o "$tmp/in_link.csv" "$bc" "$tmp/in.csv" && cmp -s "$tmp/in.csv" "$tmp/in.orig" &&
    ok "predict: -o through a link to ROWS.csv is refused" || not_ok "predict: -o through a link to ROWS.csv is refused"
run 1 importance --format csv -o "$tmp/in.csv" "$bc" "$tmp/in.csv" && err_has "is the input DATA.csv" &&
    ok "importance: -o DATA.csv is refused" || not_ok "importance: -o DATA.csv is refused"
run 1 --method kernel-shap --background "$tmp/in.csv" -o "$tmp/in.csv" "$bc" "$tmp/bc8.csv" && err_has "is the input --background" &&
    cmp -s "$tmp/in.csv" "$tmp/in.orig" && ok "-o naming --background is refused" || not_ok "-o naming --background is refused"
cp "$bc" "$tmp/m.bin"
run 1 convert "$tmp/m.bin" -o "$tmp/m.bin" && err_has "is the input MODEL" && cmp -s "$tmp/m.bin" "$bc" &&
    ok "convert: -o MODEL is refused" || not_ok "convert: -o MODEL is refused"
# output messages
run 2 -o /dev/full "$bc" "$tmp/bc8.csv" && err_has "/dev/full: cannot write: No space left on device" &&
    ok "-o /dev/full names the file and the cause" || not_ok "-o /dev/full names the file and the cause"
run 2 --format text -o /dev/full "$bc" "$tmp/bc8.csv" && err_has "/dev/full: cannot write: " &&
    ok "text -o /dev/full names the file and the cause" || not_ok "text -o /dev/full names the file and the cause"
run 1 --format csv -o "$tmp/charts/" "$bc" "$tmp/bc8.csv" && err_has "is a directory" &&
    ok "--format csv -o dir/ is a usage error" || not_ok "--format csv -o dir/ is a usage error"
run 1 -o "$tmp/charts" "$bc" "$tmp/bc8.csv" && err_has "is a directory" &&
    ok "-o onto an existing directory is a usage error" || not_ok "-o onto an existing directory is a usage error"
run 1 importance --format svg -o "$tmp/charts/" "$bc" "$tmp/bc8.csv" && err_has "is a directory" &&
    ok "importance -o dir/ is a usage error" || not_ok "importance -o dir/ is a usage error"
run 1 --seed 18446744073709551616 "$bc" "$tmp/bc8.csv" && err_has "is too large" && err_has "18446744073709551615" &&
    ok "--seed too large says so" || not_ok "--seed too large says so"
run 0 --seed 18446744073709551615 --format text "$bc" "$tmp/bc8.csv" && ok "--seed 2^64-1 is accepted" || not_ok "--seed 2^64-1 is accepted"
run 1 convert --seed 99999999999999999999 "$bc" -o "$tmp/s.bin" && err_has "is too large" &&
    ok "convert --seed too large says so" || not_ok "convert --seed too large says so"
run 1 --method lime "$models/diabetes_linear.json" "$data/diabetes.csv" && err_has "--background" &&
    ok "lime without training data names --background" || not_ok "lime without training data names --background"
head -2 "$data/diabetes.csv" >"$tmp/d1.csv"
run 0 convert "$models/diabetes_linear.json" --background "$tmp/d1.csv" -o "$tmp/d1.bin" &&
    run 0 info "$tmp/d1.bin" && out_has "background:  1 row, unweighted" &&
    run 0 importance "$tmp/d1.bin" "$tmp/d1.csv" && out_has "1 row[,)]" && ! grep -q "1 rows" "$tmp/out" &&
    ok "one row is '1 row'" || not_ok "one row is '1 row'"

echo "1..$n"
[ "$failed" -eq 0 ]
