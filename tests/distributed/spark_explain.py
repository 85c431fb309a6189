"""Explain a CSV file with Apache Spark (local mode here; the same job runs
on a cluster), the two ways docs/distributed.md describes:

  pipe            RDD.pipe: each partition's lines go through
                  `explain MODEL - --no-header`, one process per partition
  mapPartitions   each partition starts `explain` itself, writes a header
                  with an identifier column and keeps the "id" joined back

Usage: spark_explain.py EXPLAIN MODEL ROWS.csv OUT_PIPE OUT_MAP PARTITIONS
ROWS.csv has a header; its first column is the identifier. The outputs are
JSON Lines in the input's order (partitions are consecutive ranges and
collect() keeps their order).
"""
import subprocess
import sys

from pyspark.sql import SparkSession


def main():
    explain, model, rows, out_pipe, out_map, parts = sys.argv[1:7]
    parts = int(parts)
    with open(rows) as f:
        header = f.readline().rstrip("\n")
        lines = [line.rstrip("\n") for line in f if line.strip()]

    spark = (SparkSession.builder.master(f"local[{min(parts, 2)}]")
             .appName("xplain-explain")
             .config("spark.ui.enabled", "false")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .getOrCreate())
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    rdd = sc.parallelize(lines, parts)  # consecutive ranges, in order

    # 1. RDD.pipe: the shard's rows on standard input, without a header;
    # --columns names the file's columns (the identifier is skipped)
    cols = header
    piped = rdd.pipe(f"{explain} {model} - --no-header --columns '{cols}'")
    with open(out_pipe, "w") as f:
        for line in piped.collect():
            f.write(line + "\n")

    # 2. mapPartitions: the partition written with its header, the
    # identifier copied into every explanation
    id_col = header.split(",")[0]

    def explain_partition(it):
        text = header + "\n" + "".join(line + "\n" for line in it)
        run = subprocess.run([explain, model, "-", "--id-column", id_col],
                             input=text.encode(), capture_output=True)
        if run.returncode != 0:
            raise RuntimeError(run.stderr.decode())
        return run.stdout.decode().splitlines()

    with open(out_map, "w") as f:
        for line in rdd.mapPartitions(explain_partition).collect():
            f.write(line + "\n")
    spark.stop()


if __name__ == "__main__":
    main()
