#!/bin/sh
# Apache Spark in local mode (PySpark) explains a file in 4 partitions with
# RDD.pipe and with mapPartitions: the output equals one explain process's
# on the same rows (but the row counter, which shards restart), and the
# identifiers come back with their rows. Needs a Python with pyspark and
# Java: XPL_SPARK_PYTHON, else python3 if it imports pyspark; skipped when
# neither has it, unless XPL_REQUIRE_SPARK=1 (CI). TAP.
# Needs EXPLAIN (the binary) and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/lib.sh"

py=${XPL_SPARK_PYTHON:-python3}
if ! "$py" -c "import pyspark" 2>/dev/null || ! command -v java >/dev/null; then
    if [ "${XPL_REQUIRE_SPARK:-0}" = 1 ]; then
        echo "not ok 1 - pyspark or java missing ($py)"; echo "1..1"; exit 1
    fi
    echo "ok 1 # SKIP pyspark or java missing ($py; set XPL_SPARK_PYTHON)"
    echo "1..1"
    exit 0
fi
bc=$root/data/models/breast_cancer_xgb.bin
# identifiers first, then the features (and the target, ignored)
awk -F, -v OFS=, 'NR == 1 { print "customer", $0; next } { print "c" NR - 2, $0 }' \
    "$root/data/breast_cancer.csv" | head -201 >"$tmp/rows.csv"
"$explain" "$bc" "$tmp/rows.csv" >"$tmp/one.jsonl" 2>"$tmp/err"
"$explain" "$bc" "$tmp/rows.csv" --id-column customer >"$tmp/one_ids.jsonl" 2>>"$tmp/err"
no_row() { sed 's/"row":[0-9]*,//' "$1"; }

if "$py" "$root/tests/distributed/spark_explain.py" "$explain" "$bc" "$tmp/rows.csv" \
    "$tmp/pipe.jsonl" "$tmp/map.jsonl" 4 >"$tmp/spark.log" 2>&1; then
    ok "the Spark job runs (local mode, 4 partitions)"
else
    not_ok "the Spark job runs (local mode, 4 partitions)"
    tail -20 "$tmp/spark.log" | sed 's/^/# /'
fi
[ "$(wc -l <"$tmp/pipe.jsonl")" -eq 200 ] &&
    [ "$(no_row "$tmp/pipe.jsonl" | md5sum)" = "$(no_row "$tmp/one.jsonl" | md5sum)" ] &&
    ! cmp -s "$tmp/pipe.jsonl" "$tmp/one.jsonl" &&
    ok "RDD.pipe: the single process's output, but the row counter" ||
    not_ok "RDD.pipe: the single process's output, but the row counter"
[ "$(no_row "$tmp/map.jsonl" | md5sum)" = "$(no_row "$tmp/one_ids.jsonl" | md5sum)" ] &&
    [ "$(sed -n '151s/^{"id":"\([^"]*\)".*/\1/p' "$tmp/map.jsonl")" = c150 ] &&
    ok "mapPartitions with --id-column: same output, identifiers with their rows" ||
    not_ok "mapPartitions with --id-column: same output, identifiers with their rows"
echo "1..$n"
[ "$failed" -eq 0 ]
