#!/usr/bin/env python3
"""Exact interventional Shapley values of XGBoost models: Kernel SHAP fixtures.

    /usr/bin/python3 tools/exact_shapley.py [--out-dir DIR] [--skip-check]

Kernel SHAP estimates the Shapley values of the interventional (marginal)
game over a weighted background,

    v(S) = sum_b w_b f(x_S, b_notS),

and is exact when it enumerates every coalition. With 30 features that is
2^30 coalitions times the background: too many for brute force. For a tree
ensemble the same values are computed exactly, per (row, reference) pair,
by interventional TreeSHAP:

  * the game of one tree and one reference r is u(S) = leaf reached by the
    row that takes x's values on S and r's elsewhere;
  * walk the tree from the root: where x and r go the same way follow that
    child; where they part on feature j, follow x's child with j marked
    "x-side" (reachable only if j is in S) and r's child with j marked
    "r-side" (only if j is not in S); a feature already marked follows its
    side only;
  * a leaf with value v, reached with the x-side set X and the r-side set R
    (n = |X| + |R|), is the game v [X subset of S, R disjoint from S]; its
    Shapley value is v (|X|-1)! |R|! / n! for every feature of X and
    -v |X|! (|R|-1)! / n! for every feature of R, 0 elsewhere;
  * sum over trees, average over references with the background weights.

Every step is in float64 with XGBoost's split semantics (float32 inputs and
thresholds, "x < threshold" goes left, NaN takes the default child, float32
leaf values), i.e. the model xplain evaluates. The result is the Shapley
value of the margin (raw output) game.

Before writing anything the script checks itself (skip with --skip-check):

  * its own tree evaluator equals XGBoost's output_margin predictions
    (to 1e-5 relative: XGBoost sums in float32) on every row of the data;
  * interventional TreeSHAP equals brute force (all 2^10 coalitions, the
    Shapley formula, each v(S) from the evaluator) on data/models/
    diabetes_xgb.json with a 10-row background, to 1e-9;
  * efficiency: the values of each row sum to f(x) - E_bg f.

Writes, under DIR (default: the repository root), tests/fixtures/kernel_shap/:

    breast_cancer_bg50.csv     50 background rows (a seeded sample of
                               data/breast_cancer.csv, feature columns only)
    breast_cancer_rows20.csv   20 other rows to explain
    breast_cancer_xgb_exact.csv  per row: row, base_value (E_bg f, margin),
                               prediction (f(x), margin), then the 30 exact
                               Shapley values in the model's feature order
    l1_sklearn.csv             shap's L1 selection (l1_reg "num_features(k)",
                               "aic", "bic") with scikit-learn's lars_path
                               and LassoLarsIC, followed by shap's constrained
                               regression, over all 2^10 - 2 coalitions with
                               Shapley-kernel weights: model, l1, k, row, then
                               the 10 values (diabetes XGBoost models, rows
                               200-203 of data/diabetes.csv, background rows
                               20-29); skip with --skip-l1

The sample is numpy's RandomState(0).permutation of the 569 rows: the first
50 are the background, the next 20 the rows. Numbers are written with
Python's shortest round-trip repr. Needs numpy, for the checks xgboost, for
the L1 fixture scikit-learn (Debian: python3-numpy, python3-xgboost 1.7.4,
python3-sklearn 1.2.1).
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def f32(v):
    return float(np.float32(v))


class Tree:
    """One XGBoost tree in flat arrays (float32-rounded thresholds/leaves)."""

    def __init__(self, t):
        self.left = [int(v) for v in t["left_children"]]
        self.right = [int(v) for v in t["right_children"]]
        self.feature = [int(v) for v in t["split_indices"]]
        self.cond = [f32(v) for v in t["split_conditions"]]
        self.default_left = [int(v) for v in t["default_left"]]

    def is_leaf(self, i):
        return self.left[i] == -1

    def child(self, i, row):
        """Child of node i taken by `row` (a list of float32-rounded values)."""
        v = row[self.feature[i]]
        if math.isnan(v):
            return self.left[i] if self.default_left[i] else self.right[i]
        return self.left[i] if v < self.cond[i] else self.right[i]

    def predict(self, row):
        i = 0
        while not self.is_leaf(i):
            i = self.child(i, row)
        return self.cond[i]


class Model:
    def __init__(self, path):
        with open(path) as fh:
            d = json.load(fh)
        learner = d["learner"]
        self.names = learner["feature_names"]
        gb = learner["gradient_booster"]["model"]
        if int(learner["learner_model_param"]["num_class"]) not in (0, 1):
            raise SystemExit("exact_shapley.py: single-output models only")
        self.trees = [Tree(t) for t in gb["trees"]]

    def margin_wo_base(self, row):
        """Sum of leaves in float64 (the base score cancels in every
        difference the Shapley values depend on)."""
        return math.fsum(t.predict(row) for t in self.trees)


def round_row(row):
    return [f32(v) if not math.isnan(v) else math.nan for v in row]


def pair_shapley(model, x, r, phi, weight):
    """Add weight * (Shapley values of the game S -> f(x_S, r_notS)) to phi."""
    fact = math.factorial
    for tree in model.trees:
        stack = [(0, (), ())]
        while stack:
            i, xs, rs = stack.pop()
            if tree.is_leaf(i):
                nx, nr = len(xs), len(rs)
                n = nx + nr
                if n == 0:
                    continue
                v = tree.cond[i] * weight
                if nx:
                    wx = v * fact(nx - 1) * fact(nr) / fact(n)
                    for j in xs:
                        phi[j] += wx
                if nr:
                    wr = v * fact(nx) * fact(nr - 1) / fact(n)
                    for j in rs:
                        phi[j] -= wr
                continue
            j = tree.feature[i]
            cx = tree.child(i, x)
            if j in xs:
                stack.append((cx, xs, rs))
                continue
            cr = tree.child(i, r)
            if j in rs:
                stack.append((cr, xs, rs))
            elif cx == cr:
                stack.append((cx, xs, rs))
            else:
                stack.append((cx, xs + (j,), rs))
                stack.append((cr, xs, rs + (j,)))


def interventional(model, x, bg, w):
    """Exact interventional Shapley values of one row (margin game)."""
    phi = [0.0] * len(x)
    for r, wb in zip(bg, w):
        pair_shapley(model, x, r, phi, wb)
    return phi


def brute_force(model, x, bg, w):
    """All 2^M coalitions and the Shapley formula: v(S) by evaluation."""
    m = len(x)
    v = {}
    for mask in range(1 << m):
        total = 0.0
        for r, wb in zip(bg, w):
            row = [x[j] if mask >> j & 1 else r[j] for j in range(m)]
            total += wb * model.margin_wo_base(row)
        v[mask] = total
    fact = math.factorial
    coef = [fact(s) * fact(m - s - 1) / fact(m) for s in range(m)]
    phi = [0.0] * m
    for mask in range(1 << m):
        s = bin(mask).count("1")
        for j in range(m):
            if not mask >> j & 1:
                phi[j] += coef[s] * (v[mask | 1 << j] - v[mask])
    return phi


def read_csv(path, names):
    with open(path, newline="") as fh:
        rd = csv.reader(fh)
        header = next(rd)
        idx = [header.index(n) for n in names]
        rows = []
        for rec in rd:
            if not rec:
                continue
            rows.append([float(rec[i]) if rec[i] not in ("", "NA") else math.nan
                         for i in idx])
    return rows


def check_predictions(model, path, data):
    import xgboost as xgb
    booster = xgb.Booster()
    booster.load_model(path)
    want = booster.predict(xgb.DMatrix(np.array(data), missing=np.nan,
                                       feature_names=model.names),
                           output_margin=True).astype(np.float64)
    ours = np.array([model.margin_wo_base(round_row(r)) for r in data])
    # The base score is a constant: compare after removing the mean offset.
    offset = float(np.median(want - ours))
    err = np.max(np.abs(ours + offset - want) / np.maximum(1, np.abs(want)))
    if err > 1e-5:
        raise SystemExit(f"exact_shapley.py: {path}: evaluator differs from "
                         f"XGBoost by {err:g}")
    return err


def check(verbose=True):
    path = os.path.join(ROOT, "data/models/diabetes_xgb.json")
    model = Model(path)
    data = read_csv(os.path.join(ROOT, "data/diabetes.csv"), model.names)
    e = check_predictions(model, path, data)
    rng = np.random.RandomState(1)
    perm = rng.permutation(len(data))
    bg = [round_row(data[i]) for i in perm[:10]]
    w = [0.1] * 10
    worst = 0.0
    for i in perm[10:13]:
        x = round_row(data[i])
        exact = interventional(model, x, bg, w)
        brute = brute_force(model, x, bg, w)
        scale = max(1.0, max(abs(v) for v in brute))
        worst = max(worst, max(abs(a - b) for a, b in zip(exact, brute)) / scale)
    if worst > 1e-9:
        raise SystemExit(f"exact_shapley.py: interventional TreeSHAP differs "
                         f"from brute force by {worst:g}")
    bc_path = os.path.join(ROOT, "data/models/breast_cancer_xgb.json")
    bc = Model(bc_path)
    e2 = check_predictions(bc, bc_path,
                           read_csv(os.path.join(ROOT, "data/breast_cancer.csv"),
                                    bc.names))
    if verbose:
        print(f"check: evaluator vs XGBoost {e:.2g} (diabetes), {e2:.2g} "
              f"(breast cancer); TreeSHAP vs brute force {worst:.2g}")


def l1_rows(model, x, bg, l1, k):
    """shap's KernelExplainer solve() with l1_reg on full enumeration."""
    from sklearn.linear_model import LassoLarsIC, lars_path
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    m = len(x)
    w_b = 1.0 / len(bg)

    def v(mask):
        return math.fsum(w_b * model.margin_wo_base(
            [x[j] if mask >> j & 1 else r[j] for j in range(m)]) for r in bg)

    masks = [s for s in range(1, (1 << m) - 1)]
    z = np.array([[s >> j & 1 for j in range(m)] for s in masks], dtype=float)
    size = z.sum(1)
    w = np.array([(m - 1) / (math.comb(m, int(c)) * c * (m - c)) for c in size])
    w /= w.sum()
    v0 = v(0)
    y = np.array([v(s) for s in masks]) - v0
    delta = v((1 << m) - 1) - v0
    w_aug = np.hstack((w * (m - size), w * size))
    ws = np.sqrt(w_aug)
    y_aug = np.hstack((y, y - delta)) * ws
    x_aug = np.transpose(ws * np.transpose(np.vstack((z, z - 1))))
    if l1 == "top":
        nz = list(lars_path(x_aug, y_aug, max_iter=k)[1])
    else:
        pipe = make_pipeline(StandardScaler(with_mean=False),
                             LassoLarsIC(criterion=l1))
        nz = list(np.nonzero(pipe.fit(x_aug, y_aug)[1].coef_)[0])
    last = nz[-1]
    y_adj = y - z[:, last] * delta
    e = z[:, nz[:-1]] - z[:, [last]]
    a = (e * w[:, None]).T @ e
    b = (e * w[:, None]).T @ y_adj
    coef = np.linalg.solve(a, b) if len(nz) > 1 else np.zeros(0)
    phi = np.zeros(m)
    phi[nz[:-1]] = coef
    phi[last] = delta - coef.sum()
    return phi


def write_l1(out):
    data = None
    with open(os.path.join(out, "l1_sklearn.csv"), "w", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["model", "l1", "k", "row"] + [f"phi{j}" for j in range(10)])
        for name, cases in (("diabetes_xgb", (("top", 3), ("top", 6))),
                            ("diabetes_missing_xgb", (("aic", 0), ("bic", 0)))):
            model = Model(os.path.join(ROOT, f"data/models/{name}.json"))
            if data is None:
                data = read_csv(os.path.join(ROOT, "data/diabetes.csv"),
                                model.names)
            bg = [round_row(r) for r in data[20:30]]
            for l1, k in cases:
                for row in range(200, 204):
                    phi = l1_rows(model, round_row(data[row]), bg, l1, k)
                    wr.writerow([name, l1, k, row] + [fmt(v) for v in phi])


def fmt(v):
    return "" if math.isnan(v) else repr(float(v))


def write_rows(path, names, rows):
    with open(path, "w", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(names)
        for r in rows:
            wr.writerow([fmt(v) for v in r])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default=ROOT)
    ap.add_argument("--skip-check", action="store_true")
    ap.add_argument("--skip-l1", action="store_true")
    args = ap.parse_args()
    if not args.skip_check:
        check()

    model = Model(os.path.join(ROOT, "data/models/breast_cancer_xgb.json"))
    data = read_csv(os.path.join(ROOT, "data/breast_cancer.csv"), model.names)
    perm = np.random.RandomState(0).permutation(len(data))
    bg_raw = [data[i] for i in perm[:50]]
    rows_raw = [data[i] for i in perm[50:70]]
    bg = [round_row(r) for r in bg_raw]
    w = [1.0 / len(bg)] * len(bg)
    base = math.fsum(wb * model.margin_wo_base(r) for r, wb in zip(bg, w))

    out = os.path.join(args.out_dir, "tests/fixtures/kernel_shap")
    os.makedirs(out, exist_ok=True)
    write_rows(os.path.join(out, "breast_cancer_bg50.csv"), model.names, bg_raw)
    write_rows(os.path.join(out, "breast_cancer_rows20.csv"), model.names,
               rows_raw)
    worst = 0.0
    with open(os.path.join(out, "breast_cancer_xgb_exact.csv"), "w",
              newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["row", "base_value", "prediction"] + model.names)
        for k, raw in enumerate(rows_raw):
            x = round_row(raw)
            phi = interventional(model, x, bg, w)
            pred = model.margin_wo_base(x)
            worst = max(worst, abs(math.fsum(phi) - (pred - base)))
            # Margins without the base score: only differences are used.
            wr.writerow([k, fmt(base), fmt(pred)] + [fmt(v) for v in phi])
    if worst > 1e-9:
        raise SystemExit(f"exact_shapley.py: efficiency off by {worst:g}")
    print(f"wrote {out}/breast_cancer_*.csv (efficiency error {worst:.2g})")
    if not args.skip_l1:
        write_l1(out)
        print(f"wrote {out}/l1_sklearn.csv")


if __name__ == "__main__":
    sys.exit(main())
