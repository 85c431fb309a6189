#!/bin/sh
# CLI charts of issue 17: every --chart kind from the command line (force
# per row; stacked, dependence, decision, heatmap and force over rows),
# --feature / --color-by / --order, --output-names and units, PNG and PDF
# output, and the usage errors of each option. TAP.
# Needs EXPLAIN (the binary) and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/lib.sh"

models=$root/data/models
data=$root/data
bc=$models/breast_cancer_xgb.bin
wine=$models/wine_xgb.json
head -2 "$data/breast_cancer.csv" >"$tmp/bc1.csv"
head -61 "$data/breast_cancer.csv" >"$tmp/bc60.csv"
head -31 "$data/wine.csv" >"$tmp/w30.csv"
xml_ok() { if command -v xmllint >/dev/null; then xmllint --noout "$1" 2>/dev/null; else grep -q '^<svg' "$1"; fi; }
check() { if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }

# --- per row: the force plot, with the unit and the class name
desc="force plot of one row, unit and class name"
check eval 'run 0 --chart force --output-names benign,malignant -o "$tmp/f.svg" "$bc" "$tmp/bc1.csv" &&
    xml_ok "$tmp/f.svg" && grep -q "Force plot, row 0, malignant" "$tmp/f.svg" &&
    grep -q "log-odds" "$tmp/f.svg" && grep -q "<polygon" "$tmp/f.svg"'
desc="LIME force plot is in probabilities"
check eval 'run 0 --method lime --chart force -o "$tmp/fl.svg" "$bc" "$tmp/bc1.csv" && xml_ok "$tmp/fl.svg" &&
    grep -q "probability" "$tmp/fl.svg" && grep -q "local prediction" "$tmp/fl.svg"'

# --- over rows: every kind, well-formed, with the unit
for kind in bar beeswarm stacked decision heatmap force; do
    desc="importance --chart $kind"
    check eval 'run 0 importance --chart '$kind' -o "$tmp/'$kind'.svg" "$wine" "$tmp/w30.csv" &&
        xml_ok "$tmp/'$kind'.svg" && grep -q "log-odds" "$tmp/'$kind'.svg"'
done
desc="importance --interactions: the interaction summary per output (-o .svg)"
check eval 'run 0 importance --interactions -o "$tmp/i.svg" "$wine" "$tmp/w30.csv" &&
    xml_ok "$tmp/i.svg" && [ "$(grep -c "<g transform" "$tmp/i.svg")" -eq 3 ] &&
    grep -q "SHAP interaction values" "$tmp/i.svg" && grep -q "main effect" "$tmp/i.svg"'
desc="importance --interactions --format json: the matrix of mean |interaction|"
check eval 'run 0 importance --interactions --format json "$bc" "$tmp/bc60.csv" &&
    grep -q "\"mean_abs_interactions\":\[\[" "$tmp/out"'
desc="importance --interactions refuses text and CSV, other charts, other methods"
check eval 'run 1 importance --interactions --format csv "$bc" "$tmp/bc60.csv" && err_has "json, svg" &&
    run 1 importance --interactions --chart beeswarm --format svg "$bc" "$tmp/bc60.csv" &&
    err_has "draws --chart interactions" &&
    run 1 importance --chart interactions --format svg "$bc" "$tmp/bc60.csv" &&
    err_has "needs --interactions" &&
    run 1 importance --interactions --method kernel-shap --format json "$bc" "$tmp/bc60.csv" &&
    err_has "tree-shap"'
desc="stacked: one chart, outputs named"
check eval 'run 0 importance --chart stacked --output-names a,b,c -o "$tmp/s.svg" "$wine" "$tmp/w30.csv" &&
    [ "$(grep -c "<g transform" "$tmp/s.svg")" -eq 1 ] && grep -q ">b</text>" "$tmp/s.svg"'
desc="heatmap: per output, named"
check eval 'run 0 importance --chart heatmap --output-names a,b,c -o "$tmp/h.svg" "$wine" "$tmp/w30.csv" &&
    [ "$(grep -c "<g transform" "$tmp/h.svg")" -eq 3 ] && grep -q "Heatmap, c" "$tmp/h.svg" &&
    grep -q "rows by similarity" "$tmp/h.svg"'
desc="--order output"
check eval 'run 0 importance --chart force --order output -o "$tmp/fo.svg" "$bc" "$tmp/bc60.csv" &&
    grep -q "rows by prediction" "$tmp/fo.svg"'
desc="dependence with --color-by auto names the estimated partner"
check eval 'run 0 importance --chart dependence --feature "worst radius" --color-by auto -o "$tmp/d.svg" "$bc" "$tmp/bc60.csv" &&
    xml_ok "$tmp/d.svg" && grep -q "Dependence on worst radius" "$tmp/d.svg" &&
    grep -q "strongest interaction, estimated" "$tmp/d.svg"'
# --color-by auto picks what shap.utils.approximate_interactions picks over
# the same SHAP values (tests/fixtures/approx_interactions_bc.tsv, written
# by tools/approx_interactions_reference.py)
agree=0 total=0 report=
while IFS="$(printf '\t')" read -r feat want; do
    case $feat in "#"*) continue ;; esac
    total=$((total + 1))
    "$explain" importance -q --chart dependence --feature "$feat" --color-by auto \
        -o "$tmp/a.svg" "$bc" "$data/breast_cancer.csv" 2>"$tmp/err" &&
        grep -q "colour: $want (strongest" "$tmp/a.svg" && agree=$((agree + 1)) ||
        report="$report $feat"
done <"$root/tests/fixtures/approx_interactions_bc.tsv"
desc="--color-by auto agrees with shap's approximate_interactions ($agree of $total)"
check eval '[ "$total" -ge 8 ] && [ "$agree" -eq "$total" ]'
[ -n "$report" ] && echo "# differs for:$report"
desc="dependence coloured by a named feature"
check eval 'run 0 importance --chart dependence --feature "worst radius" --color-by "mean texture" -o "$tmp/d2.svg" "$bc" "$tmp/bc60.csv" &&
    grep -q "colour: mean texture" "$tmp/d2.svg"'

# --- PNG and PDF
if "$explain" --format png "$bc" "$tmp/bc1.csv" -o "$tmp/probe.png" 2>"$tmp/err"; then
    desc="-o x.png: a PNG twice the SVG's size"
    check eval 'run 0 -o "$tmp/r.png" "$bc" "$tmp/bc1.csv" && [ "$(head -c 4 "$tmp/r.png" | tail -c 3)" = PNG ] &&
        run 0 -o "$tmp/r.svg" "$bc" "$tmp/bc1.csv" &&
        h=$(sed -n "s/^<svg [^>]* height=\"\([0-9]*\)\".*/\1/p" "$tmp/r.svg") &&
        [ "$(od -An -tu1 -j20 -N4 "$tmp/r.png" | awk "{print \$1*16777216+\$2*65536+\$3*256+\$4}")" -eq $((2 * h)) ]'
    desc="--format pdf for importance, same bytes twice"
    check eval 'run 0 importance --format pdf --chart decision -o "$tmp/a.pdf" "$bc" "$tmp/bc60.csv" &&
        run 0 importance --format pdf --chart decision -o "$tmp/b.pdf" "$bc" "$tmp/bc60.csv" &&
        [ "$(head -c 5 "$tmp/a.pdf")" = "%PDF-" ] && cmp -s "$tmp/a.pdf" "$tmp/b.pdf"'
    mkdir "$tmp/pngs"
    desc="png -o dir/: one PNG per row"
    check eval 'run 0 --format png -o "$tmp/pngs/" "$bc" "$tmp/bc1.csv" && [ -s "$(ls "$tmp"/pngs/row-0*.png)" ]'
    # 569 stacked charts are 240,106 px tall: over cairo's 32767 at any
    # scale; the error says so and how to get them, and no file is left
    desc="png of every row past 32767 px: the limit and -o DIR/, no file"
    check eval 'run 2 -o "$tmp/all.png" "$bc" "$data/breast_cancer.csv" -q &&
        err_has "a PNG can have at most 32767 pixels a side" && err_has "with -o DIR/ each row gets a PNG" &&
        [ ! -e "$tmp/all.png" ]'
else
    grep -q "built without librsvg" "$tmp/err" && ok "# SKIP png: built without librsvg" ||
        not_ok "png output or a clear message"
fi

# --- model pictures
desc="info --chart coefficients of a linear model, per output"
check eval 'run 0 info "$models/wine_logistic.bin" --chart coefficients --output-names a,b,c --top 5 -o "$tmp/c.svg" &&
    xml_ok "$tmp/c.svg" && [ "$(grep -c "<g transform" "$tmp/c.svg")" -eq 3 ] && grep -q "Coefficients, c" "$tmp/c.svg" &&
    grep -q "intercept" "$tmp/c.svg"'
desc="info --chart coefficients of a tree model is an error"
check eval 'run 2 info "$bc" --chart coefficients && err_has "linear models"'
desc="info --chart tree: an outline of tree 3"
check eval 'run 0 info "$bc" --chart tree --tree 3 -o "$tmp/t.svg" && xml_ok "$tmp/t.svg" &&
    grep -q "Tree 3 of" "$tmp/t.svg" && grep -q "yes: " "$tmp/t.svg" && grep -q ">no: leaf" "$tmp/t.svg"'
desc="info --tree past the last tree is an error"
check eval 'run 2 info "$bc" --chart tree --tree 100000 && err_has "trees (0 to"'
desc="info --chart tree of a linear model is an error"
check eval 'run 2 info "$models/wine_logistic.bin" --chart tree && err_has "tree models"'
desc="info -o without --chart is a usage error"
check eval 'run 1 info "$bc" -o "$tmp/x.svg" && err_has "add --chart"'
desc="info: plain description unchanged"
check eval 'run 0 info "$bc" && out_has "^kind:"'

# --- usage errors (exit 1) and unknown names (exit 2)
desc="decision is a chart of many rows"
check eval 'run 1 --chart decision --format svg "$bc" "$tmp/bc1.csv" && err_has "explain importance --chart decision"'
desc="waterfall is not an importance chart"
check eval 'run 1 importance --chart waterfall --format svg "$bc" "$tmp/bc60.csv" && err_has "per-row chart"'
desc="dependence needs --feature"
check eval 'run 1 importance --chart dependence --format svg "$bc" "$tmp/bc60.csv" && err_has "needs --feature"'
desc="--color-by belongs to dependence"
check eval 'run 1 importance --chart bar --color-by auto --format svg "$bc" "$tmp/bc60.csv" && err_has "options of --chart dependence"'
desc="--order belongs to heatmap and force"
check eval 'run 1 importance --chart bar --order output --format svg "$bc" "$tmp/bc60.csv" && err_has "--order is an option"'
desc="--order takes similarity or output"
check eval 'run 1 importance --chart heatmap --order size --format svg "$bc" "$tmp/bc60.csv" && err_has "similarity"'
desc="an unknown --feature is named"
check eval 'run 2 importance --chart dependence --feature nope --format svg "$bc" "$tmp/bc60.csv" && err_has "no feature named \"nope\""'
desc="an unknown --color-by is named"
check eval 'run 2 importance --chart dependence --feature "worst radius" --color-by nope --format svg "$bc" "$tmp/bc60.csv" && err_has "nope"'
desc="--output-names must match the outputs"
check eval 'run 1 --output-names a,b "$wine" "$tmp/w30.csv" && err_has "gives 2 names"'
desc="--output-names has no empty name"
check eval 'run 1 --output-names a,,c "$wine" "$tmp/w30.csv" && err_has "is empty"'
desc="--chart needs a chart format"
check eval 'run 1 --chart force --format json "$bc" "$tmp/bc1.csv" && err_has "needs --format svg"'
desc="--format names png and pdf"
check eval 'run 1 --format jpeg "$bc" "$tmp/bc1.csv" && err_has "png"'

echo "1..$n"
[ "$failed" -eq 0 ]
