#!/usr/bin/env python3
"""Train the model grid of bench/peers.sh with fixed seeds (nothing committed).

    python bench/make_grid.py OUT_DIR [NAME ...]

Needs numpy, xgboost (3.x) and, for the LightGBM models, lightgbm: run it
with the peers' virtual environment. Writes into OUT_DIR:

  <name>.json          XGBoost JSON model (save_model)
  <name>.txt           LightGBM text model
  rows_f<M>.csv        1000 rows to explain, header f0..f<M-1>, float32 values
  bg_f<M>.csv          1000 background rows (another seed)
  rows_f<M>_nan.csv    the same rows with 10% of the values missing (empty)
  grid.txt             one line per model: name, engine, trees, depth or
                       leaves, features, leaves per tree, seconds to train

Data: standard normal features; y = sum of x_j^2 over the first min(M, 10)
features + x_0 x_1 + x_2 (if M > 2) + 0.5 N(0, 1); 4,000 training rows (max_bin 64: training on a shared machine stays in minutes).
Models that exist already are not trained again (delete to retrain).
"""
import os
import sys
import time

import numpy as np

N_TRAIN = 4000
N_ROWS = 1000

# name: (engine, trees, depth (XGBoost) or leaves (LightGBM), features,
#        missing values)
# The corners of trees {10, 100, 1000, 2000} x depth {3, 6, 8, 12} x
# features {5, 10, 50, 500}, the two reference models of the research note
# (t100_d6_f50, t1000_d8_f50), and deep trees over few features (many
# repeated features on a path).
GRID = {
    "t10_d3_f5": ("xgboost", 10, 3, 5, False),
    "t100_d6_f50": ("xgboost", 100, 6, 50, False),
    "t100_d8_f5": ("xgboost", 100, 8, 5, False),
    "t100_d6_f50_nan": ("xgboost", 100, 6, 50, True),
    "t10_d12_f500": ("xgboost", 10, 12, 500, False),
    "t100_d12_f10": ("xgboost", 100, 12, 10, False),
    "t1000_d8_f10": ("xgboost", 1000, 8, 10, False),
    "t1000_d8_f50": ("xgboost", 1000, 8, 50, False),
    "t2000_d3_f500": ("xgboost", 2000, 3, 500, False),
    "t2000_d6_f10": ("xgboost", 2000, 6, 10, False),
    "t1000_d12_f5": ("xgboost", 1000, 12, 5, False),
    "t1000_d6_f500": ("xgboost", 1000, 6, 500, False),
    "t2000_d12_f50": ("xgboost", 2000, 12, 50, False),
    "lgb_t500_l63_f50": ("lightgbm", 500, 63, 50, False),
    "lgb_t500_l255_f10": ("lightgbm", 500, 255, 10, False),
}


def data(m, n, seed):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, m).astype(np.float32)
    k = min(m, 10)
    y = (x[:, :k].astype(np.float64) ** 2).sum(1) + x[:, 0] * x[:, 1]
    if m > 2:
        y += x[:, 2]
    y += 0.5 * rng.randn(n)
    return x, y


def with_missing(x, seed):
    rng = np.random.RandomState(seed)
    x = x.copy()
    x[rng.rand(*x.shape) < 0.1] = np.nan
    return x


def write_csv(path, x):
    header = ",".join("f%d" % j for j in range(x.shape[1]))
    with open(path + ".tmp", "w") as f:
        f.write(header + "\n")
        for row in x:
            f.write(",".join("" if np.isnan(v) else repr(float(v))
                             for v in row) + "\n")
    os.replace(path + ".tmp", path)


def leaves_per_tree(dump_counts):
    return sum(dump_counts) / max(1, len(dump_counts))


def train(out, name, spec):
    engine, trees, size, m, missing = spec
    x, y = data(m, N_TRAIN, 1000 + m)
    if missing:
        x = with_missing(x, 7)
    t0 = time.time()
    if engine == "xgboost":
        import xgboost as xgb
        # Deep trees over many features: XGBoost keeps a histogram per node
        # (GBs at depth 12 x 500 features); a small cache bounds that.
        b = xgb.train({"tree_method": "hist", "max_depth": size, "eta": 0.05,
                       "seed": 0, "nthread": 1,
                       "max_cached_hist_node": 256, "max_bin": 64},
                      xgb.DMatrix(x, label=y, missing=np.nan), trees)
        path = os.path.join(out, name + ".json")
        b.save_model(path + ".tmp.json")
        os.replace(path + ".tmp.json", path)
        df = b.trees_to_dataframe()
        leaves = (df["Feature"] == "Leaf").groupby(df["Tree"]).sum().tolist()
        depth_or_leaves = "depth %d" % size
    else:
        import lightgbm as lgb
        b = lgb.train({"objective": "regression", "num_leaves": size,
                       "learning_rate": 0.05, "seed": 0, "verbose": -1,
                       "min_data_in_leaf": 5, "deterministic": True,
                       "num_threads": 1},
                      lgb.Dataset(x, label=y), trees)
        path = os.path.join(out, name + ".txt")
        b.save_model(path + ".tmp")
        os.replace(path + ".tmp", path)
        info = b.dump_model()["tree_info"]
        leaves = [t["num_leaves"] for t in info]
        depth_or_leaves = "%d leaves" % size
    secs = time.time() - t0
    return "%s %s trees %d %s features %d missing %s leaves/tree %.1f train_s %.1f" % (
        name, engine, trees, depth_or_leaves, m, "yes" if missing else "no",
        leaves_per_tree(leaves), secs)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    names = sys.argv[2:] or list(GRID)
    os.makedirs(out, exist_ok=True)
    for m in sorted({GRID[n][3] for n in names}):
        for stem, seed in (("rows", 1), ("bg", 2)):
            path = os.path.join(out, "%s_f%d.csv" % (stem, m))
            if not os.path.exists(path):
                write_csv(path, data(m, N_ROWS, seed + 10 * m)[0])
        if any(GRID[n][4] and GRID[n][3] == m for n in names):
            path = os.path.join(out, "rows_f%d_nan.csv" % m)
            if not os.path.exists(path):
                write_csv(path, with_missing(data(m, N_ROWS, 1 + 10 * m)[0], 8))
    info_path = os.path.join(out, "grid.txt")
    info = {}
    if os.path.exists(info_path):
        for line in open(info_path):
            info[line.split()[0]] = line.rstrip("\n")
    for name in names:
        engine = GRID[name][0]
        ext = ".json" if engine == "xgboost" else ".txt"
        if name in info and os.path.exists(os.path.join(out, name + ext)):
            continue
        print("training", name, file=sys.stderr, flush=True)
        info[name] = train(out, name, GRID[name])
        print(info[name], file=sys.stderr, flush=True)
        with open(info_path, "w") as f:
            for n in GRID:
                if n in info:
                    f.write(info[n] + "\n")


if __name__ == "__main__":
    main()
