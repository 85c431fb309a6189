#!/usr/bin/env python3
"""Make the scikit-learn HistGradientBoosting fixtures of the test suite.

    /work/venv/bin/python tools/make_sklearn_hist_models.py [--out-dir DIR]

Needs scikit-learn (1.2+, made with 1.9) and pandas. Writes under DIR
(default: the repository root), in tests/fixtures/sklearn_hist/:

    rows.csv        40 rows to predict and explain, category codes for the
                    categorical features (color, grade): codes seen in
                    training, codes of no category (5, 9, -1, 300) and NaN;
                    numeric features with NaN.
    rows_names.csv  the same rows with the category names where the code
                    names one, and an empty cell where it names none.
    hgb_NAME.json   the estimator exported by tools/export_sklearn_trees.py
    hgb_NAME_pred.csv
                    the estimator's raw output (decision_function for
                    classifiers, _raw_predict for regressors: raw0..) and
                    response (predict_proba, or predict: response0..) for
                    every row, computed from the rows as scikit-learn reads
                    them: a DataFrame (or array) of category values, a code
                    of no category given as a category value never seen in
                    training ("purple", 99), so that scikit-learn's own
                    unknown-category rule is what is compared.

Models: reg (squared error, DataFrame with pandas categoricals, missing
values in training for num_nan and color), binary and multi (3 classes)
classifiers on the same frame, poisson (log link) fitted on a NumPy array
with categorical_features given as indices (numeric categories). Training
data are synthetic and seeded; every number is written with Python's
shortest round-trip repr.
"""

import argparse
import csv
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_sklearn_trees  # noqa: E402

FEATURES = ["num_a", "num_nan", "color", "num_b", "grade"]
COLORS = ["red", "green", "blue", "black", "white"]
GRADES = [10, 20, 30, 40]
N_TRAIN = 800


def make_train(seed=0):
    g = np.random.default_rng(seed)
    n = N_TRAIN
    color = g.integers(0, 5, size=n)
    grade = g.integers(0, 4, size=n)
    a = g.normal(size=n)
    b = g.normal(size=n)
    nan = g.normal(size=n)
    nan_mask = g.random(n) < 0.15
    color_missing = g.random(n) < 0.08
    effect = np.array([1.5, -2.0, 0.5, 3.0, -1.0])
    y = (a + np.where(nan_mask, 1.2, nan) * 0.8 + 0.5 * b
         + np.where(color_missing, -2.5, effect[color])
         + 0.6 * grade + 0.3 * g.normal(size=n))
    frame = pd.DataFrame({
        "num_a": a,
        "num_nan": np.where(nan_mask, np.nan, nan),
        "color": pd.Categorical(
            [None if m else COLORS[c] for c, m in zip(color, color_missing)],
            categories=COLORS),
        "num_b": b,
        "grade": pd.Categorical([GRADES[k] for k in grade],
                                categories=GRADES),
    })
    return frame, y


def make_rows():
    """Codes (float), with the special cases placed on purpose."""
    g = np.random.default_rng(7)
    n = 40
    x = np.empty((n, 5))
    x[:, 0] = g.normal(size=n)
    x[:, 1] = g.normal(size=n)
    x[:, 2] = g.integers(0, 5, size=n)
    x[:, 3] = g.normal(size=n)
    x[:, 4] = g.integers(0, 4, size=n)
    special = [(0, 1, np.nan), (1, 1, np.nan), (2, 0, np.nan),
               (3, 2, np.nan), (4, 2, 5), (5, 2, 9), (6, 2, -1),
               (7, 2, 300), (8, 4, np.nan), (9, 4, 4), (10, 4, -1),
               (11, 2, np.nan), (12, 4, 7), (13, 2, 6), (13, 4, np.nan)]
    for r, c, v in special:
        x[r, c] = v
    return x


def codes_to_frame(x, cats):
    """The rows as scikit-learn reads them: category values; a code that
    names no category becomes a value never seen in training."""
    unseen = {"color": "purple", "grade": 99}
    cols = {}
    for j, name in enumerate(FEATURES):
        if name in cats:
            vals = cats[name]
            cols[name] = [np.nan if v != v else
                          vals[int(v)] if 0 <= v < len(vals)
                          and float(v).is_integer() else unseen[name]
                          for v in x[:, j]]
        else:
            cols[name] = x[:, j]
    return pd.DataFrame(cols)


def _repr(v):
    return repr(float(v))


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)


def cell(v):
    return "" if v != v else _repr(v)


def main(argv=None):
    from sklearn.ensemble import (HistGradientBoostingClassifier,
                                  HistGradientBoostingRegressor)

    p = argparse.ArgumentParser()
    p.add_argument("--out-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), ".."))
    args = p.parse_args(argv)
    out = os.path.join(args.out_dir, "tests", "fixtures", "sklearn_hist")
    os.makedirs(out, exist_ok=True)

    frame, y = make_train()
    # codes of rows.csv: positions in the sorted categories, as
    # scikit-learn's encoder numbers them
    cats = {"color": sorted(COLORS), "grade": GRADES}
    x = make_rows()
    write_csv(os.path.join(out, "rows.csv"), FEATURES,
              [[cell(v) for v in r] for r in x])
    names = []
    for r in x:
        row = []
        for j, name in enumerate(FEATURES):
            v = r[j]
            if name in cats:
                ok = v == v and 0 <= v < len(cats[name]) and \
                    float(v).is_integer()
                row.append(str(cats[name][int(v)]) if ok else "")
            else:
                row.append(cell(v))
        names.append(row)
    write_csv(os.path.join(out, "rows_names.csv"), FEATURES, names)

    common = dict(max_iter=12, max_leaf_nodes=15, learning_rate=0.3,
                  categorical_features="from_dtype", random_state=0,
                  early_stopping=False)
    label3 = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    models = {
        "reg": (HistGradientBoostingRegressor(**common), y, frame),
        "binary": (HistGradientBoostingClassifier(**common),
                   (y > np.median(y)).astype(int), frame),
        "multi": (HistGradientBoostingClassifier(**common), label3, frame),
    }
    # NumPy input with categorical_features as indices: numeric categories
    num = frame.copy()
    num["color"] = num["color"].cat.codes.replace(-1, np.nan).astype(float)
    num["grade"] = num["grade"].astype(float)
    pois = dict(common, categorical_features=[2, 4], loss="poisson")
    models["poisson"] = (HistGradientBoostingRegressor(**pois),
                         np.exp(y / 4), num.to_numpy())

    order = None
    for name, (est, target, train) in models.items():
        est.fit(train, target)
        doc = export_sklearn_trees.export(
            est, os.path.join(out, "hgb_%s.json" % name),
            feature_names=None if hasattr(est, "feature_names_in_")
            else FEATURES)
        # The export's codes are positions in the encoder's sorted
        # categories (not pandas' order): rows.csv holds such codes.
        enc = est._preprocessor.named_transformers_["encoder"]
        pc = {f: [v for v in c if v == v]
              for f, c in zip(["color", "grade"], enc.categories_)}
        if order is None:
            order = pc
        assert {f: [str(v) for v in c] for f, c in pc.items()} == \
            {f: [str(v) for v in c] for f, c in order.items()} or \
            name == "poisson"
        xr = codes_to_frame(x, pc)
        if name == "poisson":
            xr = xr.to_numpy(dtype=object)
            xr[:, 2] = [99.0 if isinstance(v, str) else v for v in xr[:, 2]]
            xr = xr.astype(np.float64)
        if hasattr(est, "decision_function"):
            raw = np.asarray(est.decision_function(xr)).reshape(len(x), -1)
            resp = np.asarray(est.predict_proba(xr))
            if resp.shape[1] == 2:
                resp = resp[:, 1:]
        else:
            raw = np.asarray(est._raw_predict(xr)).reshape(len(x), -1)
            resp = np.asarray(est.predict(xr)).reshape(len(x), -1)
        k = raw.shape[1]
        write_csv(os.path.join(out, "hgb_%s_pred.csv" % name),
                  ["raw%d" % i for i in range(k)] +
                  ["response%d" % i for i in range(k)],
                  [[_repr(v) for v in list(a) + list(b)]
                   for a, b in zip(raw, resp)])
        print("hgb_%s: %d trees, %s" % (name, len(doc["trees"]),
                                         doc["link"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
