#!/usr/bin/env python3
"""Regenerate xplain's shipped datasets, linear models and test fixtures.

    /usr/bin/python3 tools/make_data.py [--out-dir DIR]

Writes, under DIR (default: the repository root, found from this file):

    data/diabetes.csv, data/breast_cancer.csv, data/wine.csv
        scikit-learn's copies of the three datasets, features then `target`.
    data/diabetes_missing.csv
        diabetes with 5% of the feature cells (221 of 4420) left empty,
        chosen with numpy.random.default_rng(0).
    data/models/diabetes_linear.json         LinearRegression
    data/models/breast_cancer_logistic.json  binary LogisticRegression
    data/models/wine_logistic.json           multinomial LogisticRegression
    tests/fixtures/*_pred.csv
        scikit-learn's own predictions for every row of each dataset.

Every number is written with Python's shortest round-trip repr, so the files
hold exactly the doubles scikit-learn computed. The output depends only on
the scikit-learn / numpy / BLAS versions: models are fitted on the full data
with fixed settings, and BLAS is held to one thread so sums are done in the
same order on every run. A failed convergence is an error.

After writing, the script reads everything back from disk and recomputes the
predictions from the JSON coefficients with numpy, as a check on the files.
See docs/datasets.md.
"""

import os

# Before numpy loads: one BLAS thread, so reductions are reproducible.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_sklearn  # noqa: E402

MISSING_FRACTION = 0.05
MISSING_SEED = 0
RANDOM_STATE = 0


def _repr(v):
    return repr(float(v))


def write_csv(path, header, rows):
    """RFC 4180 quoting where needed, LF line ends, UTF-8."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        header = next(r)
        rows = list(r)
    return header, rows


def _names(bunch):
    return [str(n) for n in bunch.feature_names]


def load_datasets():
    """name -> (feature names, X, y, target type). Names are made plain str:
    scikit-learn keeps feature_names_in_ only for exact str column names,
    not the numpy.str_ that some loaders return."""
    from sklearn import datasets

    out = {}
    d = datasets.load_diabetes(scaled=False)
    out["diabetes"] = (_names(d), d.data, d.target, float)
    d = datasets.load_breast_cancer()
    out["breast_cancer"] = (_names(d), d.data, d.target, int)
    d = datasets.load_wine()
    out["wine"] = (_names(d), d.data, d.target, int)
    return out


def dataset_rows(x, y, target_type, mask=None):
    rows = []
    for i in range(x.shape[0]):
        cells = ["" if mask is not None and mask[i, j] else _repr(x[i, j])
                 for j in range(x.shape[1])]
        cells.append(repr(target_type(y[i])))
        rows.append(cells)
    return rows


def fit(estimator, x, y):
    """Fit, turning a ConvergenceWarning into an error. x is a DataFrame, so
    the model records feature_names_in_ for the exporter."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        estimator.fit(x, y)
    return estimator


def frame(names, x):
    import pandas as pd

    return pd.DataFrame(x, columns=names)


def build(out_dir):
    from sklearn.linear_model import LinearRegression, LogisticRegression

    data = load_datasets()
    data_dir = os.path.join(out_dir, "data")
    model_dir = os.path.join(data_dir, "models")
    fixture_dir = os.path.join(out_dir, "tests", "fixtures")
    for d in (data_dir, model_dir, fixture_dir):
        os.makedirs(d, exist_ok=True)

    for name, (names, x, y, ttype) in data.items():
        write_csv(os.path.join(data_dir, name + ".csv"), names + ["target"],
                  dataset_rows(x, y, ttype))

    # Missing cells: exactly round(5%) of the feature cells, without
    # replacement, so the count does not depend on luck.
    names, x, y, ttype = data["diabetes"]
    rng = np.random.default_rng(MISSING_SEED)
    k = int(round(MISSING_FRACTION * x.size))
    mask = np.zeros(x.size, dtype=bool)
    mask[rng.choice(x.size, size=k, replace=False)] = True
    mask = mask.reshape(x.shape)
    write_csv(os.path.join(data_dir, "diabetes_missing.csv"),
              names + ["target"], dataset_rows(x, y, ttype, mask))

    summary = {"missing_cells": k, "missing_total": x.size}

    # Diabetes: ordinary least squares.
    names, x, y, _ = data["diabetes"]
    X = frame(names, x)
    m = fit(LinearRegression(), X, y)
    r2 = m.score(X, y)
    export_sklearn.export(m, os.path.join(model_dir, "diabetes_linear.json"),
                          extra_metadata={
                              "dataset": "data/diabetes.csv",
                              "target": "target",
                              "training_r2": repr(float(r2)),
                              "trained_on": "all 442 rows"})
    pred = m.predict(X)
    write_csv(os.path.join(fixture_dir, "diabetes_linear_pred.csv"),
              ["prediction"], [[_repr(v)] for v in pred])
    summary["diabetes_linear"] = {"training_r2": r2}

    # Breast cancer: binary logistic regression on the raw features.
    names, x, y, _ = data["breast_cancer"]
    X = frame(names, x)
    m = fit(LogisticRegression(C=1.0, max_iter=10000,
                               random_state=RANDOM_STATE), X, y)
    acc = m.score(X, y)
    export_sklearn.export(
        m, os.path.join(model_dir, "breast_cancer_logistic.json"),
        extra_metadata={
            "dataset": "data/breast_cancer.csv",
            "target": "target (0 = malignant, 1 = benign)",
            "training_accuracy": repr(float(acc)),
            "trained_on": "all 569 rows"})
    margin = m.decision_function(X)
    proba = m.predict_proba(X)[:, 1]
    write_csv(os.path.join(fixture_dir, "breast_cancer_logistic_pred.csv"),
              ["margin", "probability"],
              [[_repr(a), _repr(b)] for a, b in zip(margin, proba)])
    summary["breast_cancer_logistic"] = {"training_accuracy": acc,
                                         "n_iter": int(m.n_iter_.max())}

    # Wine: multinomial logistic regression on the raw features.
    names, x, y, _ = data["wine"]
    X = frame(names, x)
    m = fit(LogisticRegression(C=1.0, multi_class="multinomial",
                               max_iter=10000, random_state=RANDOM_STATE),
            X, y)
    acc = m.score(X, y)
    export_sklearn.export(
        m, os.path.join(model_dir, "wine_logistic.json"),
        extra_metadata={
            "dataset": "data/wine.csv",
            "target": "target (cultivar 0, 1, 2)",
            "training_accuracy": repr(float(acc)),
            "trained_on": "all 178 rows"})
    margin = m.decision_function(X)
    proba = m.predict_proba(X)
    k = margin.shape[1]
    write_csv(os.path.join(fixture_dir, "wine_logistic_pred.csv"),
              ["margin_%d" % c for c in range(k)] +
              ["proba_%d" % c for c in range(k)],
              [[_repr(v) for v in list(a) + list(b)]
               for a, b in zip(margin, proba)])
    summary["wine_logistic"] = {"training_accuracy": acc,
                                "n_iter": int(m.n_iter_.max())}
    return data, summary


# ---------------------------------------------------------------- checking

def _floats(rows, missing_ok=False):
    return np.array([[float("nan") if (c == "" and missing_ok) else float(c)
                      for c in r] for r in rows], dtype=np.float64)


def _rel(a, b):
    """max |a - b| / |b| (entries with b == 0 compared absolutely)."""
    d = np.abs(a - b)
    s = np.abs(b)
    return float(np.max(np.where(s > 0, d / np.where(s > 0, s, 1.0), d)))


def check(out_dir, data):
    """Read the files back and recompute predictions from the JSON models."""
    data_dir = os.path.join(out_dir, "data")
    fixture_dir = os.path.join(out_dir, "tests", "fixtures")
    report = {}

    tables = {}
    for name, (names, x, y, _) in data.items():
        header, rows = read_csv(os.path.join(data_dir, name + ".csv"))
        assert header == names + ["target"], name
        t = _floats(rows)
        assert t.shape == (x.shape[0], x.shape[1] + 1), name
        assert np.array_equal(t[:, :-1], x), name + ": features differ"
        assert np.array_equal(t[:, -1], y), name + ": target differs"
        tables[name] = t[:, :-1]

    header, rows = read_csv(os.path.join(data_dir, "diabetes_missing.csv"))
    t = _floats(rows, missing_ok=True)
    full = np.column_stack([data["diabetes"][1], data["diabetes"][2]])
    miss = np.isnan(t)
    assert not miss[:, -1].any(), "target has missing cells"
    assert np.array_equal(t[~miss], full[~miss])
    report["diabetes_missing"] = int(miss.sum())

    def load_model(stem):
        with open(os.path.join(data_dir, "models", stem + ".json"),
                  encoding="utf-8") as f:
            doc = json.load(f)
        assert doc["format"] == "xplain-model" and doc["format_version"] == 1
        assert doc["type"] == "linear"
        assert all(isinstance(v, str) for v in doc["metadata"].values())
        coef = np.array(doc["coef"], dtype=np.float64)
        b = np.array(doc["intercept"], dtype=np.float64)
        assert coef.shape == (len(b), len(doc["feature_names"]))
        return doc, coef, b

    def fixture(stem):
        header, rows = read_csv(os.path.join(fixture_dir, stem + "_pred.csv"))
        return header, _floats(rows)

    def compare(stem, dataset, mine, link):
        doc, coef, b = load_model(stem)
        assert doc["link"] == link, stem
        assert doc["feature_names"] == data[dataset][0], stem
        header, fx = fixture(stem)
        assert fx.shape[0] == data[dataset][1].shape[0], stem
        x = tables[dataset]
        raw = x @ coef.T + b
        # A margin near zero is a sum of much larger terms: judge it against
        # the size of its terms, which is what rounding depends on.
        terms = np.abs(x) @ np.abs(coef).T + np.abs(b)
        out = {"rows": fx.shape[0]}
        for label, idx, ours in mine(raw):
            want = fx[:, [header.index(c) for c in idx]]
            out[label] = _rel(ours, want)
            if ours is raw:
                err = float(np.max(np.abs(ours - want) / terms))
                out[label + "_vs_terms"] = err
                assert err < 1e-13, "%s: %s differs by %g" % (stem, label, err)
            else:
                assert out[label] < 1e-12, "%s: %s" % (stem, label)
        report[stem] = out

    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    compare("diabetes_linear", "diabetes",
            lambda raw: [("prediction", ["prediction"], raw)], "identity")
    compare("breast_cancer_logistic", "breast_cancer",
            lambda raw: [("margin", ["margin"], raw),
                         ("probability", ["probability"],
                          1.0 / (1.0 + np.exp(-raw)))], "logit")
    compare("wine_logistic", "wine",
            lambda raw: [("margin", ["margin_%d" % c for c in range(3)], raw),
                         ("proba", ["proba_%d" % c for c in range(3)],
                          softmax(raw))], "softmax")
    return report


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out-dir", default=os.path.dirname(here),
                   help="root to write data/ and tests/fixtures/ under "
                        "(default: the repository root)")
    args = p.parse_args(argv)

    import sklearn

    out_dir = os.path.abspath(args.out_dir)
    try:
        data, summary = build(out_dir)
    except export_sklearn.ExportError as e:
        print("make_data.py: error: %s" % e, file=sys.stderr)
        return 1
    except Warning as e:  # ConvergenceWarning raised as an error
        print("make_data.py: error: %s: %s" % (type(e).__name__, e),
              file=sys.stderr)
        return 1
    report = check(out_dir, data)

    print("scikit-learn %s, numpy %s; wrote under %s"
          % (sklearn.__version__, np.__version__, out_dir))
    print("diabetes_missing.csv: %d of %d feature cells empty"
          % (summary["missing_cells"], summary["missing_total"]))
    for stem in ("diabetes_linear", "breast_cancer_logistic",
                 "wine_logistic"):
        scores = ", ".join("%s %s" % (k, v) for k, v in summary[stem].items())
        checks = ", ".join("%s %s" % (k, v) if k == "rows" else
                           "%s max rel diff %.3g" % (k, v)
                           for k, v in report[stem].items())
        print("%s: %s; check: %s" % (stem, scores, checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
