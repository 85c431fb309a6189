#!/bin/sh
# The CLI as a filter for map-style engines: headerless shards (--no-header,
# --columns), identifier columns in every format (--id-column), shards'
# outputs concatenated equal to the whole file's (but the row counter),
# a bad row failing its shard, and importance from the shards' JSON Lines
# (--explanations). GNU parallel --pipe when it is installed. TAP.
# Needs EXPLAIN (the binary) and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/lib.sh"

models=$root/data/models
bc=$models/breast_cancer_xgb.bin
wine=$models/wine_logistic.bin
data=$root/data/breast_cancer.csv
header=$(head -1 "$data")
head -61 "$data" >"$tmp/bc60.csv"
tail -n +2 "$tmp/bc60.csv" >"$tmp/bc60.rows"
# identifiers: a leading id column and a date after the features
awk -F, -v OFS=, 'NR == 1 { print "customer", $0, "day"; next }
    { print "c-" NR - 2, $0, "2024-01-" sprintf("%02d", NR % 28 + 1) }' \
    "$tmp/bc60.csv" >"$tmp/ids.csv"
tail -n +2 "$tmp/ids.csv" >"$tmp/ids.rows"
no_row() { sed 's/"row":[0-9]*,//' "$1"; }

# --- headerless shards
"$explain" "$bc" "$tmp/bc60.csv" >"$tmp/whole.jsonl" 2>"$tmp/err" &&
    cut -d, -f1-30 "$tmp/bc60.rows" | run 0 "$bc" - --no-header &&
    cmp -s "$tmp/out" "$tmp/whole.jsonl" &&
    ok "--no-header takes the model's feature order" || not_ok "--no-header takes the model's feature order"
run 0 "$bc" "$tmp/ids.rows" --no-header --columns "customer,$header,day" &&
    cmp -s "$tmp/out" "$tmp/whole.jsonl" &&
    ok "--columns names a headerless file's columns (extra ones ignored)" || not_ok "--columns names a headerless file's columns (extra ones ignored)"

# --- identifiers
run 0 "$bc" "$tmp/ids.csv" --id-column customer &&
    [ "$(head -c 22 "$tmp/out")" = '{"id":"c-0","row":0,"o' ] &&
    [ "$(sed 's/^{"id":"c-[0-9]*",/{/' "$tmp/out" | cmp - "$tmp/whole.jsonl" && echo y)" = y ] &&
    ok "--id-column: JSON \"id\" first, the rest unchanged" || not_ok "--id-column: JSON \"id\" first, the rest unchanged"
run 0 "$bc" "$tmp/ids.rows" --no-header --columns "customer,$header,day" --id-column customer --id-column day &&
    [ "$(sed -n 3p "$tmp/out" | cut -c1-33)" = '{"id":["c-2","2024-01-05"],"row":' ] &&
    ok "several --id-column: an array, in option order" || not_ok "several --id-column: an array, in option order"
run 0 "$bc" "$tmp/ids.csv" --id-column day --id-column customer --format csv &&
    [ "$(head -1 "$tmp/out" | cut -d, -f1-4)" = "day,customer,row,output" ] &&
    [ "$(sed -n 2p "$tmp/out" | cut -d, -f1-3)" = "2024-01-03,c-0,0" ] &&
    ok "--id-column: CSV leading columns" || not_ok "--id-column: CSV leading columns"
printf 'name,%s\n"Doe, J.",%s\n"say ""hi""",%s\n' "$header" "$(sed -n 2p "$data")" "$(sed -n 3p "$data")" >"$tmp/quoted.csv"
run 0 "$bc" "$tmp/quoted.csv" --id-column name --format csv &&
    [ "$(sed -n 2p "$tmp/out" | cut -c1-12)" = '"Doe, J.",0,' ] &&
    [ "$(sed -n 3p "$tmp/out" | cut -c1-16)" = '"say ""hi""",1,1' ] &&
    run 0 "$bc" "$tmp/quoted.csv" --id-column name &&
    [ "$(sed -n 2p "$tmp/out" | cut -c1-20)" = '{"id":"say \"hi\"","' ] &&
    ok "identifiers are quoted for CSV and escaped for JSON" || not_ok "identifiers are quoted for CSV and escaped for JSON"
head -4 "$tmp/ids.csv" >"$tmp/ids3.csv"
run 0 "$bc" "$tmp/ids3.csv" --id-column customer --format svg && out_has "<title>c-1</title>" &&
    run 0 "$bc" "$tmp/ids3.csv" --id-column customer --format text && out_has "^id: c-2" &&
    mkdir "$tmp/svgs" && run 0 "$bc" "$tmp/ids3.csv" --id-column customer -o "$tmp/svgs/" &&
    grep -q "c-0" "$tmp/svgs/row-0-output-1.svg" &&
    ok "--id-column: SVG chart titles, a text line" || not_ok "--id-column: SVG chart titles, a text line"

# --- errors
run 1 "$bc" "$tmp/ids.csv" --columns a,b && err_has "add --no-header" &&
    run 1 "$bc" "$tmp/ids.rows" --no-header --columns a,,b && err_has "column 2 has no name" &&
    run 1 "$bc" "$tmp/ids.rows" --no-header --columns a,a && err_has "names 'a' twice" &&
    run 1 "$bc" "$tmp/ids.rows" --no-header --columns "customer,day" && err_has "does not name feature 'mean radius'" &&
    run 1 "$bc" "$tmp/ids.rows" --no-header --id-column customer && err_has "needs --columns" &&
    run 1 "$bc" "$tmp/ids.csv" --id-column "mean radius" && err_has "is a feature" &&
    run 1 "$bc" "$tmp/ids.csv" --id-column a --id-column a && err_has "given twice" &&
    run 1 importance "$bc" "$tmp/ids.csv" --id-column a && err_has "not importance" &&
    ok "--columns and --id-column usage errors" || not_ok "--columns and --id-column usage errors"
run 2 "$bc" "$tmp/ids.csv" --id-column nope && err_has 'missing column "nope"' &&
    printf '%s,id\n%s,\377\n' "$header" "$(sed -n 2p "$data")" >"$tmp/bad_utf8.csv" &&
    run 2 "$bc" "$tmp/bad_utf8.csv" --id-column id && err_has "not valid UTF-8" &&
    ok "a missing identifier column or a non-UTF-8 identifier is bad input" || not_ok "a missing identifier column or a non-UTF-8 identifier is bad input"

# --- shards: concatenated outputs equal the whole's, but "row"
split_check() { # name, method args...
    name=$1; shift
    "$explain" "$@" "$tmp/bc60.csv" >"$tmp/w.out" 2>"$tmp/err" || { not_ok "$name: whole run"; return; }
    : >"$tmp/cat.out"
    for range in 1,7 8,29 30,60; do
        sed -n "${range}p" "$tmp/bc60.rows" | "$explain" "$@" - --no-header >>"$tmp/cat.out" 2>"$tmp/err" ||
            { not_ok "$name: shard $range"; return; }
    done
    if [ "$(no_row "$tmp/w.out" | cmp - "$tmp/cat.out" >/dev/null 2>&1; echo $?)" = 1 ] &&
        [ "$(no_row "$tmp/w.out" | md5sum)" = "$(no_row "$tmp/cat.out" | md5sum)" ] &&
        ! cmp -s "$tmp/w.out" "$tmp/cat.out"; then
        ok "$name: 3 shards concatenated = the whole, but the row counter"
    else
        not_ok "$name: 3 shards concatenated = the whole, but the row counter"
    fi
}
cut -d, -f1-30 "$tmp/bc60.rows" >"$tmp/bc60.feat" && mv "$tmp/bc60.feat" "$tmp/bc60.rows"
split_check "TreeSHAP" "$bc"
split_check "Kernel SHAP" --method kernel-shap --nsamples 200 --seed 7 "$bc"
split_check "LIME" --method lime --num-samples 300 --seed 3 "$bc"

run 2 "$bc" - --no-header <<EOF2
$(sed -n 1p "$tmp/bc60.rows")
$(sed -n 2p "$tmp/bc60.rows" | sed 's/^[^,]*,/oops,/')
EOF2
[ $? -eq 0 ] && err_has "<stdin>:2: field 1: expected a number" && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
    ok "a bad row fails the shard with exit 2 (rows before it written)" || not_ok "a bad row fails the shard with exit 2 (rows before it written)"

# --- importance from the shards' explanations
"$explain" "$bc" "$data" >"$tmp/all.jsonl" 2>"$tmp/err"
head -100 "$tmp/all.jsonl" >"$tmp/A.jsonl"
sed -n '101,400p' "$tmp/all.jsonl" >"$tmp/B.jsonl"
tail -n +401 "$tmp/all.jsonl" >"$tmp/C.jsonl"
for f in "text" "json" "csv" "svg --chart bar" "svg --chart beeswarm" "text --top 5"; do
    # shellcheck disable=SC2086
    "$explain" importance "$bc" "$data" --format $f >"$tmp/imp1" 2>"$tmp/err" &&
        run 0 importance "$bc" --explanations "$tmp/A.jsonl" "$tmp/B.jsonl" "$tmp/C.jsonl" --format $f &&
        cmp -s "$tmp/imp1" "$tmp/out" &&
        ok "importance --explanations = importance over the rows ($f)" || not_ok "importance --explanations = importance over the rows ($f)"
done
"$explain" "$wine" "$root/data/wine.csv" >"$tmp/w.jsonl" &&
    "$explain" importance "$wine" "$root/data/wine.csv" >"$tmp/imp1" &&
    run 0 importance "$wine" --explanations - <"$tmp/w.jsonl" && cmp -s "$tmp/imp1" "$tmp/out" &&
    "$explain" --method lime --num-samples 300 "$bc" "$tmp/bc60.csv" >"$tmp/l.jsonl" &&
    "$explain" importance --method lime --num-samples 300 "$bc" "$tmp/bc60.csv" >"$tmp/imp1" &&
    run 0 importance "$bc" --explanations "$tmp/l.jsonl" && cmp -s "$tmp/imp1" "$tmp/out" &&
    ok "importance --explanations: multi-output models, LIME, standard input" || not_ok "importance --explanations: multi-output models, LIME, standard input"
echo '{"x":1}' >"$tmp/bad.jsonl"
run 2 importance "$bc" --explanations "$tmp/A.jsonl" "$tmp/bad.jsonl" && err_has "bad.jsonl:1: expected an explanation" &&
    run 2 importance "$bc" --explanations "$tmp/w.jsonl" && err_has "w.jsonl:1: 13 features, the model has 30" &&
    printf '{"row":0,' >"$tmp/cut.jsonl" && run 2 importance "$bc" --explanations "$tmp/cut.jsonl" && err_has "cut.jsonl:1:" &&
    cat "$tmp/A.jsonl" "$tmp/l.jsonl" >"$tmp/mixed.jsonl" && run 2 importance "$bc" --explanations "$tmp/mixed.jsonl" && err_has "one importance is over one method" &&
    : >"$tmp/empty.jsonl" && run 2 importance "$bc" --explanations "$tmp/empty.jsonl" && err_has "no explanations" &&
    run 2 importance "$bc" --explanations "$tmp/nonexistent.jsonl" && err_has "cannot open" &&
    run 1 importance "$bc" --explanations && err_has "at least one JSON Lines file" &&
    run 1 importance "$bc" --explanations "$tmp/A.jsonl" --method lime && err_has "do not apply" &&
    run 1 "$bc" --explanations "$tmp/A.jsonl" && err_has "option of 'explain importance'" &&
    ok "importance --explanations: bad files and usage errors" || not_ok "importance --explanations: bad files and usage errors"

# --- GNU parallel --pipe: the same rows through 4 jobs, order kept
if command -v parallel >/dev/null 2>&1; then
    parallel --pipe -k -N 13 -j 4 "$explain" "$bc" - --no-header <"$tmp/bc60.rows" >"$tmp/par.jsonl" 2>"$tmp/err" &&
        [ "$(no_row "$tmp/par.jsonl" | md5sum)" = "$(no_row "$tmp/whole.jsonl" | md5sum)" ] &&
        parallel --pipe -k --header : -N 9 -j 3 "$explain" --method kernel-shap --nsamples 200 "$bc" - <"$tmp/bc60.csv" >"$tmp/par2.jsonl" 2>"$tmp/err" &&
        "$explain" --method kernel-shap --nsamples 200 "$bc" "$tmp/bc60.csv" >"$tmp/ks.jsonl" &&
        [ "$(no_row "$tmp/par2.jsonl" | md5sum)" = "$(no_row "$tmp/ks.jsonl" | md5sum)" ] &&
        ok "GNU parallel --pipe (with and without --header) = one process" || not_ok "GNU parallel --pipe (with and without --header) = one process"
else
    ok "# SKIP GNU parallel is not installed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
