#!/usr/bin/python3
"""Generate the benchmark inputs: XGBoost models (JSON) and a CSV of rows.

Usage: bench/make_models.py [OUTDIR]        (default: build/bench-data)

Writes into OUTDIR (created if needed; never committed):
  r1_100x6.json    100 trees, max_depth 6   (reference model R1)
  r2_1000x8.json   1000 trees, max_depth 8  (reference model R2)
  rows.csv         10,000 rows, header f0..f49, float32 values
  models.txt       one line per model: file, trees, leaves, training seconds

The data and parameters follow the measurement recipe in
shared/research/performance.md (appendix), so the figures are comparable:
50 standard-normal features, y = sum(x0..x9 ^ 2) + x10 * x11 + noise,
tree_method hist, eta 0.05. Everything is seeded; re-running gives the same
files with the same XGBoost version (Debian 12: python3-xgboost 1.7.4).
Needs only Debian's python3-xgboost and python3-numpy.
"""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb

N_FEATURES = 50
N_TRAIN = 20000
N_ROWS = 10000
MODELS = [
    # file name, trees, max_depth
    ("r1_100x6.json", 100, 6),
    ("r2_1000x8.json", 1000, 8),
]


def count_leaves(path):
    """Leaves and trees in a saved XGBoost JSON model."""
    with open(path, encoding="utf-8") as f:
        model = json.load(f)
    trees = model["learner"]["gradient_booster"]["model"]["trees"]
    leaves = sum(sum(1 for c in t["left_children"] if c == -1) for t in trees)
    return len(trees), leaves


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "bench-data")
    os.makedirs(out, exist_ok=True)

    rng = np.random.RandomState(0)
    X = rng.randn(N_TRAIN, N_FEATURES).astype(np.float32)
    y = (X[:, :10] ** 2).sum(1) + X[:, 10] * X[:, 11] + 0.5 * rng.randn(N_TRAIN)
    names = [f"f{i}" for i in range(N_FEATURES)]
    dtrain = xgb.DMatrix(X, label=y, feature_names=names)

    info = []
    for fname, n_trees, depth in MODELS:
        path = os.path.join(out, fname)
        if os.path.exists(path):
            print(f"{path}: exists, kept")
        else:
            params = {
                "objective": "reg:squarederror",
                "tree_method": "hist",
                "max_depth": depth,
                "eta": 0.05,
                "seed": 0,
                "nthread": os.cpu_count() or 1,
            }
            t0 = time.perf_counter()
            booster = xgb.train(params, dtrain, n_trees)
            secs = time.perf_counter() - t0
            tmp = path + ".tmp.json"
            booster.save_model(tmp)
            os.replace(tmp, path)
            print(f"{path}: trained in {secs:.1f} s")
        trees, leaves = count_leaves(path)
        info.append(f"{fname} trees={trees} leaves={leaves} "
                    f"leaves_per_tree={leaves / trees:.1f}")

    rows = os.path.join(out, "rows.csv")
    if os.path.exists(rows):
        print(f"{rows}: exists, kept")
    else:
        # A separate stream, so the rows do not depend on the training data.
        Xt = np.random.RandomState(1).randn(N_ROWS, N_FEATURES).astype(np.float32)
        tmp = rows + ".tmp"
        # %.9g round-trips float32: parsing the text as a double and rounding
        # to float32 gives back exactly these values, so both engines see the
        # same inputs.
        np.savetxt(tmp, Xt, fmt="%.9g", delimiter=",", header=",".join(names),
                   comments="")
        os.replace(tmp, rows)
        print(f"{rows}: {N_ROWS} rows x {N_FEATURES} features")

    with open(os.path.join(out, "models.txt"), "w", encoding="utf-8") as f:
        f.write(f"xgboost {xgb.__version__}\n")
        for line in info:
            f.write(line + "\n")
    for line in info:
        print(line)


if __name__ == "__main__":
    main()
