#!/usr/bin/env python3
"""An independent numpy implementation of lime's tabular algorithm, and the
LIME test fixtures made with it.

    /usr/bin/python3 tools/lime_reference.py [--out-dir tests/fixtures/lime]

The `lime` package is not installable here, so this follows the algorithm
as docs/lime.md and ../shared/research/lime.md record it (lime 0.2.0.1,
LimeTabularExplainer with Gaussian sampling):

  * statistics: per continuous feature numpy percentiles (25/50/75 or
    10..90) de-duplicated into boundaries; bin of x = boundaries strictly
    below x; per bin the frequency, mean, population std + 1e-11 and range
    (previous boundary, or the training min, to the boundary, or the max);
    categorical features: sorted values and frequencies; not discretized:
    mean and population std (0 -> 1);
  * sampling: per feature a frequency-weighted choice of bin (category),
    then per discretized feature a truncated normal inside the bin
    (scipy.stats.truncnorm); row 0 is the instance; not discretized:
    N(0, 1) * std + mean (or the instance); binary "same bin as the
    instance" or z-scores as the interpretable representation;
  * kernel sqrt(exp(-d^2 / w^2)), d Euclidean, w = 0.75 sqrt(d);
  * feature selection (forward with Ridge(alpha=0), highest weights with
    Ridge(alpha=0.01), LARS-lasso path, none, auto) and the surrogate
    Ridge(alpha=1) with sample_weight from scikit-learn, as lime uses them.

`lime_bugs=True` keeps lime's degenerate-bin bug (a bin whose min equals its
max feeds 0, the z-score, instead of its value) and the noise on constant
columns; the default fixes both, as xplain does.

Fixtures written (JSON):
  fit.json          stored samples (binary and continuous) with scikit-
                    learn's Ridge fits and lime's four selections on them
  discretizer.json  boundaries, bin statistics and labels for the shipped
                    data sets
  agreement.json    weights averaged over 20 seeds for rows of the shipped
                    breast-cancer and diabetes models (fixed and raw lime)
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import scipy.stats
import sklearn
import xgboost
from sklearn.linear_model import Ridge, lars_path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- statistics

class Stats:
    """lime's training statistics for one training matrix."""

    def __init__(self, train, discretizer="quartile", categorical=(),
                 names=None):
        self.train = np.asarray(train, dtype=float)
        n, d = self.train.shape
        self.d = d
        self.names = names or [str(j) for j in range(d)]
        self.discretizer = discretizer
        self.categorical = set(categorical)
        self.mean = self.train.mean(axis=0)
        std = self.train.std(axis=0)
        self.std = std
        self.scale = np.where(std == 0, 1.0, std)
        self.bounds = {}
        self.bins = {}  # j -> list of dicts (freq, mean, std, lo, hi)
        self.values = {}  # categorical j -> (values, freqs)
        pct = {"quartile": [25, 50, 75],
               "decile": [10, 20, 30, 40, 50, 60, 70, 80, 90]}.get(discretizer)
        for j in range(d):
            col = self.train[:, j]
            if j in self.categorical:
                vals, counts = np.unique(col, return_counts=True)
                self.values[j] = (vals, counts / counts.sum())
                continue
            if pct is None:
                continue
            qs = np.unique(np.percentile(col, pct))
            self.bounds[j] = qs
            idx = np.searchsorted(qs, col)
            bins = []
            for b in range(len(qs) + 1):
                sel = col[idx == b]
                lo = col.min() if b == 0 else qs[b - 1]
                hi = col.max() if b == len(qs) else qs[b]
                if len(sel):
                    bins.append(dict(freq=len(sel) / n, mean=sel.mean(),
                                     std=sel.std() + 1e-11, lo=lo, hi=hi))
                else:
                    bins.append(dict(freq=0.0, mean=0.0, std=1e-11, lo=lo,
                                     hi=hi))
            self.bins[j] = bins

    def discretized(self, j):
        return j in self.bins

    def bin_of(self, j, x):
        return int(np.searchsorted(self.bounds[j], x))

    def label(self, j, x, decimals=2):
        name = self.names[j]
        if j in self.values:
            v = float(x)
            return "%s=%s" % (name, repr(v) if v != int(v) else str(int(v)))
        if j not in self.bins:
            return name
        qs = self.bounds[j]
        b = self.bin_of(j, x)
        f = "%%.%df" % decimals
        if b == 0:
            return ("%s <= " + f) % (name, qs[0])
        if b == len(qs):
            return ("%s > " + f) % (name, qs[-1])
        return (f + " < %s <= " + f) % (qs[b - 1], name, qs[b])


# ------------------------------------------------------------------ sampling

def sample(st, row, n, rs, lime_bugs=False, around_instance=False):
    """(inverse, interpretable) matrices of n rows, row 0 the instance."""
    d = st.d
    row = np.asarray(row, dtype=float)
    inverse = np.zeros((n, d))
    data = np.zeros((n, d))
    cat_like = [j for j in range(d) if st.discretized(j) or j in st.values]
    if not st.bins:
        # undiscretized: one normal matrix, row-major
        normal = rs.normal(0, 1, n * d).reshape(n, d)
        centre = row if around_instance else st.mean
        noise = st.scale if lime_bugs else st.std
        inverse = normal * noise + centre
        data = (inverse - st.mean) / st.scale
    for j in cat_like:
        if st.discretized(j):
            freqs = np.array([b["freq"] for b in st.bins[j]])
            vals = np.arange(len(freqs))
            mine = st.bin_of(j, row[j])
        else:
            vals, freqs = st.values[j]
            mine = row[j]
        draw = rs.choice(vals, size=n, replace=True, p=freqs)
        data[:, j] = (draw == mine).astype(float)
        data[0, j] = 1
        inverse[:, j] = draw
    for j in range(d):
        if not st.discretized(j):
            continue
        idx = inverse[1:, j].astype(int)
        out = np.empty(n - 1)
        for b, info in enumerate(st.bins[j]):
            sel = idx == b
            if not sel.any():
                continue
            lo, hi, mu, sd = info["lo"], info["hi"], info["mean"], info["std"]
            if lo == hi:
                out[sel] = 0.0 if lime_bugs else lo
                continue
            a, bb = (lo - mu) / sd, (hi - mu) / sd
            out[sel] = scipy.stats.truncnorm.rvs(
                a, bb, loc=mu, scale=sd, size=int(sel.sum()), random_state=rs)
        inverse[1:, j] = out
    inverse[0] = row
    if not st.bins:
        data[0] = (row - st.mean) / st.scale
        for j in st.values:
            data[0, j] = 1
    return inverse, data


# ------------------------------------------------------------------ the fits

def kernel(dist, width):
    return np.sqrt(np.exp(-(dist ** 2) / width ** 2))


def ridge(X, y, w, alpha):
    r = Ridge(alpha=alpha, fit_intercept=True)
    r.fit(X, y, sample_weight=w)
    return r


def select(data, y, w, k, method):
    d = data.shape[1]
    if method == "auto":
        method = "forward" if k <= 6 else "highest_weights"
    if method == "none":
        return list(range(d))
    if method == "forward":
        used = []
        for _ in range(min(k, d)):
            best, best_score = 0, -100000000
            for f in range(d):
                if f in used:
                    continue
                cols = used + [f]
                r = ridge(data[:, cols], y, w, 0)
                s = r.score(data[:, cols], y, sample_weight=w)
                if s > best_score:
                    best, best_score = f, s
            used.append(best)
        return sorted(used)
    if method == "highest_weights":
        r = ridge(data, y, w, 0.01)
        fw = sorted(zip(range(d), r.coef_ * data[0]), key=lambda t: abs(t[1]),
                    reverse=True)
        return sorted(f for f, _ in fw[:k])
    if method == "lasso_path":
        xd = (data - np.average(data, axis=0, weights=w)) * np.sqrt(w)[:, None]
        yd = (y - np.average(y, weights=w)) * np.sqrt(w)
        _, _, coefs = lars_path(xd, yd, method="lasso", verbose=False)
        if coefs.shape[1] == 1:
            return list(range(d))
        for i in range(coefs.shape[1] - 1, 0, -1):
            nz = coefs.T[i].nonzero()[0]
            if len(nz) <= k:
                break
        return sorted(int(v) for v in nz)
    raise ValueError(method)


def explain(st, row, predict, num_samples=5000, num_features=10,
            selection="auto", seed=0, lime_bugs=False, width=None,
            around_instance=False):
    rs = np.random.RandomState(seed)
    inverse, data = sample(st, row, num_samples, rs, lime_bugs,
                           around_instance)
    y = predict(inverse)
    dist = np.sqrt(((data - data[0]) ** 2).sum(axis=1))
    w = kernel(dist, width or 0.75 * math.sqrt(st.d))
    used = select(data, y, w, num_features, selection)
    r = ridge(data[:, used], y, w, 1.0)
    weights = np.zeros(st.d)
    weights[used] = r.coef_
    score = r.score(data[:, used], y, sample_weight=w)
    local = r.predict(data[0:1, used])[0]
    return dict(intercept=float(r.intercept_), weights=weights,
                score=float(score), local=float(local), used=used)


# -------------------------------------------------------------------- models

def read_csv(rel):
    path = os.path.join(ROOT, rel)
    with open(path) as f:
        names = f.readline().strip().split(",")
    x = np.loadtxt(path, delimiter=",", skiprows=1)
    return names, x


def linear_predict(rel):
    with open(os.path.join(ROOT, rel)) as f:
        m = json.load(f)
    coef = np.array(m["coef"][0])
    icpt = m["intercept"][0]
    if m["link"] == "logit":
        return lambda X: 1 / (1 + np.exp(-(X @ coef + icpt)))
    return lambda X: X @ coef + icpt


def xgb_predict(rel):
    b = xgboost.Booster()
    b.load_model(os.path.join(ROOT, rel))
    names = b.feature_names
    return lambda X: b.predict(xgboost.DMatrix(X, feature_names=names))


# ------------------------------------------------------------------ fixtures

def fit_fixture(rng):
    """Stored samples and scikit-learn's answers on them."""
    sets = []
    names, x = read_csv("data/diabetes.csv")
    feats, target = x[:, :-1], x[:, -1]
    f = linear_predict("data/models/diabetes_linear.json")
    for disc, n in (("quartile", 600), (None, 400)):
        st = Stats(feats, disc or "none", names=names[:-1])
        rs = np.random.RandomState(7)
        inverse, data = sample(st, feats[3], n, rs)
        # a non-linear response so that the selections differ
        y = f(inverse) + 0.002 * (inverse[:, 2] - 26) ** 3
        dist = np.sqrt(((data - data[0]) ** 2).sum(axis=1))
        w = kernel(dist, 0.75 * math.sqrt(st.d))
        entry = dict(kind=disc or "zscore", z=data.tolist(), y=y.tolist(),
                     w=w.tolist(), ridge={}, select={})
        for alpha in (1.0, 0.01, 0.0):
            r = ridge(data, y, w, alpha)
            entry["ridge"]["%g" % alpha] = dict(
                coef=r.coef_.tolist(), intercept=float(r.intercept_),
                score=float(r.score(data, y, sample_weight=w)))
        sub = [1, 4, 7]
        r = ridge(data[:, sub], y, w, 1.0)
        entry["ridge_subset"] = dict(cols=sub, coef=r.coef_.tolist(),
                                     intercept=float(r.intercept_),
                                     score=float(r.score(data[:, sub], y,
                                                         sample_weight=w)))
        for method in ("forward", "highest_weights", "lasso_path", "none"):
            for k in (1, 3, 5):
                entry["select"]["%s:%d" % (method, k)] = select(data, y, w, k,
                                                                method)
        sets.append(entry)
    return dict(sklearn=sklearn.__version__, sets=sets)


def discretizer_fixture():
    out = {}
    for data in ("diabetes", "breast_cancer"):
        names, x = read_csv("data/%s.csv" % data)
        feats = x[:, :-1]
        for disc in ("quartile", "decile"):
            st = Stats(feats, disc, names=names[:-1])
            feats_out = []
            for j in range(st.d):
                feats_out.append(dict(
                    bounds=st.bounds[j].tolist(),
                    bins=[dict(freq=b["freq"], mean=b["mean"], std=b["std"],
                               lo=float(b["lo"]), hi=float(b["hi"]))
                          for b in st.bins[j]]))
            rows = [0, 1, 2, 10, 100]
            labels = [[st.label(j, feats[i, j]) for j in range(st.d)]
                      for i in rows]
            out["%s:%s" % (data, disc)] = dict(features=feats_out, rows=rows,
                                               labels=labels)
    return out


def agreement_fixture(seeds, rows):
    cases = [("breast_cancer", "breast_cancer_xgb",
              xgb_predict("data/models/breast_cancer_xgb.json"), "auto", 10),
             ("breast_cancer", "breast_cancer_logistic",
              linear_predict("data/models/breast_cancer_logistic.json"),
              "auto", 10),
             ("diabetes", "diabetes_linear",
              linear_predict("data/models/diabetes_linear.json"), "auto", 10),
             ("diabetes", "diabetes_linear_forward",
              linear_predict("data/models/diabetes_linear.json"), "auto", 5)]
    out = []
    for data, model, predict, sel, k in cases:
        names, x = read_csv("data/%s.csv" % data)
        feats = x[:, :-1]
        st = Stats(feats, "quartile", names=names[:-1])
        for i in rows:
            res = {}
            for bugs in (False, True):
                ws = np.array([explain(st, feats[i], predict, num_features=k,
                                       selection=sel, seed=s,
                                       lime_bugs=bugs)["weights"]
                               for s in range(seeds)])
                res["lime" if bugs else "fixed"] = dict(
                    mean=ws.mean(axis=0).tolist(), std=ws.std(axis=0).tolist(),
                    freq=(ws != 0).mean(axis=0).tolist())
            out.append(dict(data=data, model=model, row=i, num_features=k,
                            selection=sel, seeds=seeds, **res))
            print("agreement: %s row %d done" % (model, i), file=sys.stderr)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "tests",
                                                      "fixtures", "lime"))
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--only", default="fit,discretizer,agreement")
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    only = a.only.split(",")

    def dump(name, obj):
        with open(os.path.join(a.out_dir, name), "w") as f:
            json.dump(obj, f, separators=(",", ":"))
            f.write("\n")

    if "fit" in only:
        dump("fit.json", fit_fixture(np.random.RandomState(0)))
    if "discretizer" in only:
        dump("discretizer.json", discretizer_fixture())
    if "agreement" in only:
        dump("agreement.json", agreement_fixture(a.seeds, [0, 1, 5]))


if __name__ == "__main__":
    main()
