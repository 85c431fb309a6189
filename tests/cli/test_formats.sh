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
run 2 --format svg -o "$tmp/nodir/" "$bc" "$tmp/bc8.csv" && err_has "not a directory" &&
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

echo "1..$n"
[ "$failed" -eq 0 ]
