#!/usr/bin/env python3
"""Inputs of the output benchmark (bench/output.sh): is writing the numbers
cheap next to computing them?

Usage: bench/make_output_bench.py [OUTDIR]     (default: build/bench-data)

Writes into OUTDIR (never committed; files that exist are kept):
  wide_300x4.json  XGBoost regression model: 300 trees, max_depth 4,
                   200 features (f0..f199), trained with fixed seeds on
                   synthetic data (y = sum of x0..x19 squared + x20 * x21
                   + noise), tree_method hist, eta 0.1
  wide_rows.csv    1000 rows of the same distribution, header f0..f199,
                   values printed with 6 significant digits
  bc_1m.csv        1,000,000 rows: data/breast_cancer.csv's 569 rows
                   repeated in order, with its header (for the shipped
                   data/models/breast_cancer_xgb.bin)
Needs numpy and xgboost (the /work/venv or Debian's python3-xgboost).
"""
import os
import sys

import numpy as np
import xgboost as xgb

N_FEATURES = 200
N_TRAIN = 20000
N_ROWS = 1000
BC_ROWS = 1_000_000


def write_rows(path, X, names):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(",".join(names) + "\n")
        for row in X:
            f.write(",".join(f"{v:.6g}" for v in row) + "\n")
    os.replace(tmp, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "bench-data")
    os.makedirs(out, exist_ok=True)
    names = [f"f{i}" for i in range(N_FEATURES)]
    rng = np.random.RandomState(19)
    X = rng.randn(N_TRAIN + N_ROWS, N_FEATURES).astype(np.float32)
    y = (X[:, :20] ** 2).sum(1) + X[:, 20] * X[:, 21] + 0.5 * rng.randn(len(X))

    model = os.path.join(out, "wide_300x4.json")
    if not os.path.exists(model):
        params = {"objective": "reg:squarederror", "tree_method": "hist",
                  "max_depth": 4, "eta": 0.1, "seed": 0,
                  "nthread": os.cpu_count() or 1}
        dtrain = xgb.DMatrix(X[:N_TRAIN], label=y[:N_TRAIN], feature_names=names)
        booster = xgb.train(params, dtrain, 300)
        booster.save_model(model + ".tmp.json")
        os.replace(model + ".tmp.json", model)
        print(f"{model}: trained")
    rows = os.path.join(out, "wide_rows.csv")
    if not os.path.exists(rows):
        write_rows(rows, X[N_TRAIN:], names)
        print(f"{rows}: written")

    bc = os.path.join(out, "bc_1m.csv")
    if not os.path.exists(bc):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
        with open(os.path.join(root, "data", "breast_cancer.csv"), encoding="utf-8") as f:
            header, *lines = f.read().splitlines()
        with open(bc + ".tmp", "w", encoding="utf-8") as f:
            f.write(header + "\n")
            full, rest = divmod(BC_ROWS, len(lines))
            block = "\n".join(lines) + "\n"
            for _ in range(full):
                f.write(block)
            f.write("\n".join(lines[:rest]) + ("\n" if rest else ""))
        os.replace(bc + ".tmp", bc)
        print(f"{bc}: written")


if __name__ == "__main__":
    main()
