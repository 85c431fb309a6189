#!/usr/bin/env python3
"""Make the LightGBM and categorical-split fixtures of the test suite.

    /work/venv/bin/python tools/make_categorical_models.py [--out-dir DIR]
    /usr/bin/python3 tools/make_categorical_models.py --xgb-only

Needs lightgbm (4.x) and xgboost (3.x) from a virtual environment; run
with Debian's /usr/bin/python3 and --xgb-only it adds XGBoost 1.7.4's
categorical JSON. Writes under DIR (default: the repository root):

    tests/fixtures/categorical/rows.csv
        40 rows to predict and explain: numeric features with NaN, exact
        zeros and values below LightGBM's zero threshold (1e-35); category
        codes seen in training, unseen ones (12, 31, 32, 64, 1000),
        negative ones, fractions (2.7, -0.5) and NaN.
    tests/fixtures/categorical/lgb_NAME.txt
        LightGBM text models (Booster.save_model), one per objective and
        per feature of the format listed in MODELS below.
    tests/fixtures/categorical/lgb_NAME_pred.csv
        LightGBM's predict(raw_score=True) and predict() for every row of
        rows.csv: columns raw0.., response0..
    tests/fixtures/categorical/lgb_NAME_contrib.csv
        LightGBM's predict(pred_contrib=True): per output, one column per
        feature then the expected value (columns out0_f0.., out0_bias, ...).
        Not made for linear trees, which LightGBM refuses.
    tests/fixtures/categorical/xgbVER_NAME.json (+ _pred.csv, _contrib.csv)
        XGBoost boosters with native categorical splits, trained from a
        DMatrix with feature_types "c" (codes are the values), their
        predict(output_margin=True), predict() and pred_contribs.

Training data is synthetic (seeded numpy); training is single-threaded
and deterministic. Every number is written with Python's shortest
round-trip repr (XGBoost's float32 results widened to double first).
The files are small on purpose: 40 rows, few trees.
"""

import argparse
import csv
import os
import sys

import numpy as np

N_TRAIN = 600
FEATURES = ["num_a", "num_nan", "num_zero", "cat_big", "cat_small"]
CAT_COLS = [3, 4]


def make_train(seed=0):
    g = np.random.default_rng(seed)
    n = N_TRAIN
    x = np.empty((n, 5))
    x[:, 0] = g.normal(size=n)
    x[:, 1] = g.normal(size=n)
    x[g.random(n) < 0.15, 1] = np.nan
    x[:, 2] = np.where(g.random(n) < 0.3, 0.0, g.normal(size=n))
    x[:, 3] = g.integers(0, 12, size=n)  # codes 0..11
    x[:, 4] = g.integers(0, 3, size=n)   # codes 0..2 (one-hot splits)
    effect = np.array([1.5, -2, 0.5, 3, -1, 0, 2.5, -3, 1, -0.5, 0.2, 2])
    y = (x[:, 0] + np.nan_to_num(x[:, 1], nan=1.5) * 0.8
         + np.where(x[:, 2] == 0, -1.0, x[:, 2])
         + effect[x[:, 3].astype(int)] + 0.7 * x[:, 4]
         + 0.3 * g.normal(size=n))
    return x, y


def make_rows():
    g = np.random.default_rng(7)
    n = 40
    x = np.empty((n, 5))
    x[:, 0] = g.normal(size=n)
    x[:, 1] = g.normal(size=n)
    x[:, 2] = g.normal(size=n)
    x[:, 3] = g.integers(0, 12, size=n)
    x[:, 4] = g.integers(0, 3, size=n)
    # The cases the routing rules differ on.
    special = [
        (0, 1, np.nan), (1, 1, np.nan), (2, 2, 0.0), (3, 2, 1e-36),
        (4, 2, -1e-36), (5, 2, np.nan), (6, 2, 1e-30),
        (7, 3, 12), (8, 3, 31), (9, 3, 32), (10, 3, 64), (11, 3, 1000),
        (12, 3, -1), (13, 3, 2.7), (14, 3, -0.5), (15, 3, np.nan),
        (16, 4, 5), (17, 4, np.nan), (18, 4, -3), (19, 0, np.nan),
        (20, 3, 1e10), (21, 4, 0.999),
    ]
    for r, c, v in special:
        x[r, c] = v
    return x


def _repr(v):
    return repr(float(v))


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)


def rows_csv(path, x):
    write_csv(path, FEATURES,
              [["" if np.isnan(v) else _repr(v) for v in r] for r in x])


# name: (params, rounds, label kind). Common parameters added in train().
MODELS = {
    "regression": ({"objective": "regression", "num_leaves": 15}, 20,
                   "reg"),
    "regression_l1": ({"objective": "regression_l1"}, 5, "reg"),
    "huber": ({"objective": "huber"}, 5, "reg"),
    "fair": ({"objective": "fair"}, 5, "reg"),
    "quantile": ({"objective": "quantile", "alpha": 0.8}, 5, "reg"),
    "mape": ({"objective": "mape"}, 5, "pos"),
    "sqrt": ({"objective": "regression", "reg_sqrt": True}, 5, "reg"),
    "binary": ({"objective": "binary", "sigmoid": 0.7}, 20, "bin"),
    "multiclass": ({"objective": "multiclass", "num_class": 3}, 6, "cls"),
    "multiclassova": ({"objective": "multiclassova", "num_class": 3,
                       "sigmoid": 1.5}, 5, "cls"),
    "cross_entropy": ({"objective": "cross_entropy"}, 5, "prob"),
    "cross_entropy_lambda": ({"objective": "cross_entropy_lambda"}, 5,
                             "prob"),
    "poisson": ({"objective": "poisson"}, 5, "pos"),
    "gamma": ({"objective": "gamma"}, 5, "pos"),
    "tweedie": ({"objective": "tweedie", "tweedie_variance_power": 1.3},
                5, "pos"),
    "lambdarank": ({"objective": "lambdarank"}, 5, "rank"),
    "rank_xendcg": ({"objective": "rank_xendcg"}, 5, "rank"),
    "rf": ({"objective": "regression", "boosting": "rf",
            "bagging_fraction": 0.7, "bagging_freq": 1,
            "feature_fraction": 0.8}, 15, "reg"),
    "rf_binary": ({"objective": "binary", "boosting": "rf",
                   "bagging_fraction": 0.7, "bagging_freq": 1}, 10, "bin"),
    "zero_missing": ({"objective": "regression", "zero_as_missing": True},
                     20, "reg"),
    "no_missing": ({"objective": "regression", "use_missing": False}, 20,
                   "reg"),
    "single_leaf": ({"objective": "regression", "min_data_in_leaf": 400},
                    5, "reg"),
    "deep": ({"objective": "regression", "num_leaves": 255,
              "min_data_in_leaf": 1, "min_data_per_group": 1,
              "max_depth": -1, "learning_rate": 0.5}, 2, "reg"),
    "linear": ({"objective": "regression", "linear_tree": True,
                "linear_lambda": 0.01}, 5, "reg"),
}


def labels(kind, y):
    if kind == "reg":
        return y
    if kind == "pos":
        return np.exp(y / 4)
    if kind == "bin":
        return (y > np.median(y)).astype(float)
    if kind == "prob":
        return 1 / (1 + np.exp(-y / 2))
    if kind == "cls":
        return np.digitize(y, np.quantile(y, [1 / 3, 2 / 3])).astype(float)
    if kind == "rank":
        return np.digitize(y, np.quantile(y, [0.25, 0.5, 0.75])).astype(float)
    raise ValueError(kind)


def build_lightgbm(out):
    import lightgbm as lgb

    x, y = make_train()
    rows = make_rows()
    for name, (params, rounds, kind) in MODELS.items():
        p = {"num_leaves": 7, "learning_rate": 0.3, "min_data_in_leaf": 5,
             "min_data_per_group": 5, "cat_smooth": 1, "max_cat_to_onehot": 4,
             "num_threads": 1, "deterministic": True, "seed": 0,
             "verbose": -1}
        p.update(params)
        xt, yt = x, labels(kind, y)
        if name == "single_leaf":
            # Few rows and a large min_data_in_leaf: most trees are stumps
            # or single leaves.
            xt, yt = x[:500], yt[:500]
        if name == "deep":
            g = np.random.default_rng(3)
            xt = np.vstack([x, x + g.normal(scale=0.01, size=x.shape)])
            xt[:, 3:] = np.vstack([x[:, 3:], x[:, 3:]])
            yt = np.concatenate([yt, yt + g.normal(scale=0.1, size=len(yt))])
        group = None
        if kind == "rank":
            group = [20] * (len(xt) // 20)
        ds = lgb.Dataset(xt, yt, group=group, feature_name=FEATURES,
                         categorical_feature=CAT_COLS, free_raw_data=False)
        b = lgb.train(p, ds, num_boost_round=rounds)
        path = os.path.join(out, "lgb_%s.txt" % name)
        b.save_model(path)
        b = lgb.Booster(model_file=path)  # predict from the file itself
        raw = np.asarray(b.predict(rows, raw_score=True))
        resp = np.asarray(b.predict(rows))
        raw = raw.reshape(len(rows), -1)
        resp = resp.reshape(len(rows), -1)
        k = raw.shape[1]
        head = ["raw%d" % i for i in range(k)] + \
               ["response%d" % i for i in range(k)]
        write_csv(os.path.join(out, "lgb_%s_pred.csv" % name), head,
                  [[_repr(v) for v in np.concatenate([a, b_])]
                   for a, b_ in zip(raw, resp)])
        if name == "linear":
            continue
        con = np.asarray(b.predict(rows, pred_contrib=True))
        con = con.reshape(len(rows), -1)
        head = ["out%d_%s" % (o, f) for o in range(k)
                for f in FEATURES + ["bias"]]
        write_csv(os.path.join(out, "lgb_%s_contrib.csv" % name), head,
                  [[_repr(v) for v in r] for r in con])
        print("lightgbm %-22s %7d bytes" % (name, os.path.getsize(path)))


XGB_MODELS = {
    # partition-based splits (more categories than max_cat_to_onehot)
    "reg": ({"objective": "reg:squarederror", "max_depth": 4,
             "max_cat_to_onehot": 1}, 10, "reg"),
    # one-hot splits on both categorical features
    "onehot": ({"objective": "reg:squarederror", "max_depth": 3,
                "max_cat_to_onehot": 16}, 10, "reg"),
    "binary": ({"objective": "binary:logistic", "max_depth": 3,
                "max_cat_to_onehot": 1}, 10, "bin"),
    # missing categories in training: default directions vary, which
    # tells the versions' rules for invalid codes apart
    "nan": ({"objective": "reg:squarederror", "max_depth": 3,
             "max_cat_to_onehot": 1}, 10, "reg"),
    "multi": ({"objective": "multi:softprob", "num_class": 3,
               "max_depth": 3, "max_cat_to_onehot": 1}, 5, "cls"),
}


def build_xgboost(out):
    import xgboost as xgb

    ver = xgb.__version__.split(".")[0]
    x, y = make_train()
    rows = make_rows()
    ft = ["q", "q", "q", "c", "c"]
    for name, (params, rounds, kind) in XGB_MODELS.items():
        p = {"tree_method": "hist", "eta": 0.3, "nthread": 1, "seed": 0}
        p.update(params)
        xt = x
        if name == "nan":
            xt = x.copy()
            xt[np.random.default_rng(5).random(len(x)) < 0.2, 3] = np.nan
        d = xgb.DMatrix(xt, labels(kind, y), feature_names=FEATURES,
                        feature_types=ft, enable_categorical=True)
        b = xgb.train(p, d, num_boost_round=rounds)
        stem = "xgb%s_%s" % (ver, name)
        path = os.path.join(out, stem + ".json")
        b.save_model(path)
        b = xgb.Booster(model_file=path)
        dr = xgb.DMatrix(rows, feature_names=FEATURES, feature_types=ft,
                         enable_categorical=True)
        margin = np.asarray(b.predict(dr, output_margin=True))
        pred = np.asarray(b.predict(dr))
        margin = margin.reshape(len(rows), -1)
        pred = pred.reshape(len(rows), -1)
        k = margin.shape[1]
        head = ["raw%d" % i for i in range(k)] + \
               ["response%d" % i for i in range(k)]
        write_csv(os.path.join(out, stem + "_pred.csv"), head,
                  [[_repr(np.float32(v)) for v in np.concatenate([a, c])]
                   for a, c in zip(margin, pred)])
        con = np.asarray(b.predict(dr, pred_contribs=True))
        con = con.reshape(len(rows), k * (len(FEATURES) + 1))
        head = ["out%d_%s" % (o, f) for o in range(k)
                for f in FEATURES + ["bias"]]
        write_csv(os.path.join(out, stem + "_contrib.csv"), head,
                  [[_repr(np.float32(v)) for v in r] for r in con])
        print("xgboost %s %-10s %7d bytes" % (xgb.__version__, name,
                                              os.path.getsize(path)))


BIG_NAMES = ["red", "green", "blue", "cyan", "magenta", "yellow", "black",
             "white", "grey", "orange", "pink", "brown"]
SMALL_NAMES = ["low", "mid", "high"]


def pandas_frames():
    """Training data and the rows with seen categories as pandas
    categoricals named BIG_NAMES / SMALL_NAMES (codes are positions)."""
    import pandas as pd

    x, y = make_train()
    rows = make_rows()
    keep = [i for i in range(len(rows))
            if rows[i, 3] in range(12) and rows[i, 4] in range(3)
            and float(rows[i, 3]).is_integer()
            and float(rows[i, 4]).is_integer()]
    rows = rows[keep]

    def frame(a):
        d = pd.DataFrame(a[:, :3], columns=FEATURES[:3])
        d[FEATURES[3]] = pd.Categorical.from_codes(a[:, 3].astype(int),
                                                   BIG_NAMES)
        d[FEATURES[4]] = pd.Categorical.from_codes(a[:, 4].astype(int),
                                                   SMALL_NAMES)
        return d

    return frame(x), y, frame(rows), rows


def names_csv(path, rows):
    out = []
    for r in rows:
        cells = ["" if np.isnan(v) else _repr(v) for v in r[:3]]
        cells += [BIG_NAMES[int(r[3])], SMALL_NAMES[int(r[4])]]
        out.append(cells)
    write_csv(path, FEATURES, out)


UNSEEN = ["purple", "none"]


def unseen_frame(rf):
    """rf with an unseen cat_big name in every third row (the frame's
    categories gain the unseen names, as a frame read from a CSV would)."""
    import pandas as pd

    u = rf.copy()
    big = [str(v) for v in u["cat_big"]]
    for i in range(0, len(big), 3):
        big[i] = UNSEEN[(i // 3) % 2]
    u["cat_big"] = pd.Categorical(big, categories=BIG_NAMES + UNSEEN)
    return u, big


def build_pandas(out):
    """Models that store their category names: LightGBM's
    pandas_categorical line and XGBoost 3.1+'s category encodings.
    Also cats.json (the same names for `explain convert --categories`)
    and rows_names_unseen.csv, whose unseen names LightGBM reads as
    missing (its predict recodes a DataFrame's categories by name)."""
    import json
    import lightgbm as lgb
    import xgboost as xgb

    xf, y, rf, rows = pandas_frames()
    names_csv(os.path.join(out, "rows_names.csv"), rows)
    rows_csv(os.path.join(out, "rows_names_codes.csv"), rows)
    with open(os.path.join(out, "cats.json"), "w") as f:
        json.dump({FEATURES[3]: BIG_NAMES, FEATURES[4]: SMALL_NAMES}, f,
                  indent=1)
        f.write("\n")
    uf, big = unseen_frame(rf)
    cells = []
    for r, name in zip(rows, big):
        c = ["" if np.isnan(v) else _repr(v) for v in r[:3]]
        cells.append(c + [name, SMALL_NAMES[int(r[4])]])
    write_csv(os.path.join(out, "rows_names_unseen.csv"), FEATURES, cells)
    p = {"objective": "regression", "num_leaves": 7, "learning_rate": 0.3,
         "min_data_in_leaf": 5, "min_data_per_group": 5, "cat_smooth": 1,
         "num_threads": 1, "deterministic": True, "seed": 0, "verbose": -1}
    b = lgb.train(p, lgb.Dataset(xf, y), num_boost_round=5)
    path = os.path.join(out, "lgb_pandas.txt")
    b.save_model(path)
    b = lgb.Booster(model_file=path)
    raw = b.predict(rf, raw_score=True)
    write_csv(os.path.join(out, "lgb_pandas_pred.csv"), ["raw0", "response0"],
              [[_repr(v), _repr(v)] for v in raw])
    raw = b.predict(uf, raw_score=True)
    write_csv(os.path.join(out, "lgb_pandas_unseen_pred.csv"),
              ["raw0", "response0"], [[_repr(v), _repr(v)] for v in raw])
    d = xgb.DMatrix(xf, y, enable_categorical=True)
    b = xgb.train({"tree_method": "hist", "eta": 0.3, "nthread": 1,
                   "seed": 0, "max_depth": 3, "max_cat_to_onehot": 1},
                  d, num_boost_round=5)
    path = os.path.join(out, "xgb3_pandas.json")
    b.save_model(path)
    b = xgb.Booster(model_file=path)
    m = b.predict(xgb.DMatrix(rf, enable_categorical=True),
                  output_margin=True)
    write_csv(os.path.join(out, "xgb3_pandas_pred.csv"),
              ["raw0", "response0"],
              [[_repr(np.float32(v)), _repr(np.float32(v))] for v in m])
    m = b.predict(xgb.DMatrix(uf, enable_categorical=True),
                  output_margin=True)
    write_csv(os.path.join(out, "xgb3_pandas_unseen_pred.csv"),
              ["raw0", "response0"],
              [[_repr(np.float32(v)), _repr(np.float32(v))] for v in m])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--xgb-only", action="store_true")
    a = ap.parse_args()
    out = os.path.join(a.out_dir, "tests", "fixtures", "categorical")
    os.makedirs(out, exist_ok=True)
    rows_csv(os.path.join(out, "rows.csv"), make_rows())
    if not a.xgb_only:
        build_lightgbm(out)
        build_pandas(out)
    build_xgboost(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
