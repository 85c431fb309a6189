#!/usr/bin/env python3
"""Interventional SHAP values of LightGBM models from LightGBM's own
predictions: the fixture of test_tree_interventional's LightGBM test.

    /work/venv/bin/python tools/make_lgb_interventional.py [--out-dir DIR]

Needs numpy and lightgbm (4.x). Reads the models and rows that
tools/make_categorical_models.py wrote (it trains nothing) and writes

    tests/fixtures/categorical/lgb_NAME_interventional.csv
        for every row of rows.csv, the exact Shapley values of the
        interventional game v(S) = mean over the background rows b of
        f(x_S, b_notS), f = LightGBM's predict(raw_score=True): every one of
        the 2^5 coalitions evaluated on a hybrid row by LightGBM itself, then
        phi_j = sum over S without j of |S|! (4-|S|)! / 5! (v(S+j) - v(S)).
        Columns out0_num_a, ..., out0_cat_small, out1_..., per output.
        The background is every fifth row of rows.csv (rows 0, 5, ..., 35:
        missing values, an unseen category code and a missing code among
        them).

The models: lgb_regression (leaf values carry LightGBM's average of the
target in the first tree), lgb_zero_missing (zero_as_missing), lgb_no_missing
(use_missing=false) and lgb_multiclass (3 outputs). rows.csv holds the cases
where routing rules differ: NaN, exact zeros, values below LightGBM's zero
threshold, unseen and negative category codes, fractions. No SHAP library
is involved: the values depend on LightGBM's predict and this enumeration
only. Numbers are written with Python's shortest round-trip repr.
"""

import argparse
import csv
import itertools
import math
import os

import numpy as np

FEATURES = ["num_a", "num_nan", "num_zero", "cat_big", "cat_small"]
MODELS = ["regression", "zero_missing", "no_missing", "multiclass"]
BACKGROUND = list(range(0, 40, 5))
DIR = os.path.join("tests", "fixtures", "categorical")


def read_rows(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        assert header == FEATURES, header
        return np.array([[float(v) if v != "" else np.nan for v in row]
                         for row in r])


def shapley(booster, x, bg):
    """Exact interventional Shapley values, shape (outputs, features)."""
    p = len(x)
    masks = np.array(list(itertools.product([False, True], repeat=p)))
    # coalition index: bit (p-1-j) set when feature j is present
    hybrids = np.concatenate([np.where(masks, x, b) for b in bg])
    raw = booster.predict(hybrids, raw_score=True)
    raw = raw.reshape(len(bg), len(masks), -1)
    v = raw.mean(axis=0)  # (coalitions, outputs)
    size = masks.sum(axis=1)
    weight = [math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p)
              for s in range(p)]
    phi = np.zeros((v.shape[1], p))
    for j in range(p):
        bit = 1 << (p - 1 - j)
        for s_idx in np.nonzero(~masks[:, j])[0]:
            phi[:, j] += weight[size[s_idx]] * (v[s_idx + bit] - v[s_idx])
    return phi


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", default=".")
    args = ap.parse_args()
    import lightgbm as lgb

    src = os.path.join(args.out_dir, DIR)
    rows = read_rows(os.path.join(src, "rows.csv"))
    bg = rows[BACKGROUND]
    for name in MODELS:
        booster = lgb.Booster(model_file=os.path.join(src, "lgb_%s.txt" % name))
        phis = [shapley(booster, x, bg) for x in rows]
        k = phis[0].shape[0]
        header = ["out%d_%s" % (o, f) for o in range(k) for f in FEATURES]
        out = os.path.join(src, "lgb_%s_interventional.csv" % name)
        with open(out, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for phi in phis:
                w.writerow([repr(float(v)) for v in phi.reshape(-1)])
        print("wrote", out)


if __name__ == "__main__":
    main()
