#!/usr/bin/env python3
"""Regenerate xplain's shipped tree-ensemble models and their test fixtures.

    /usr/bin/python3 tools/make_tree_models.py [--out-dir DIR] [--skip-shapley]

Reads the shipped datasets (data/*.csv, written by tools/make_data.py) from
the repository and writes, under DIR (default: the repository root):

    data/models/*xgb*.json
        XGBoost boosters in XGBoost's own JSON format (Booster.save_model).
    data/models/{diabetes_tree,*_forest,wine_extra_trees,*_gbm}.json
        scikit-learn trees and ensembles in xplain's tree-ensemble JSON form
        (tools/export_sklearn_trees.py).
    tests/fixtures/trees/NAME_pred.csv
        the training library's own predictions for every row of the
        model's training CSV, row for row: margins and transformed outputs.
    tests/fixtures/trees/NAME_contribs.csv, NAME_interactions.csv
        XGBoost's path-dependent TreeSHAP values (pred_contribs,
        pred_interactions) for the first 20 rows, for four of the models.

XGBoost is trained with nthread=1 and seed 0, scikit-learn with
random_state=0 and n_jobs=None, so the output depends only on the library
versions (XGBoost 1.7.4, scikit-learn 1.2.1, numpy 1.24.2 when the committed
files were made). Every number in the CSV files is written with Python's
shortest round-trip repr; XGBoost's float32 results are first widened to
double, so a fixture cell parses back to exactly XGBoost's float32 value.

After writing, everything is read back from disk and checked without the
training libraries' predict functions:

  * the xplain JSON files are evaluated by a small per-row numpy evaluator
    (float32 input rounding, "<=", mean/sum, base_score) and compared with
    the sklearn fixtures;
  * the XGBoost JSON files are evaluated by a per-row numpy evaluator of
    XGBoost's schema (float32 "x < split_condition", default_left for NaN,
    base_score mapped to a margin per objective, float32 accumulation in tree
    order) and compared with the output_margin fixtures;
  * the SHAP fixtures are checked for additivity and, for the models with
    at most 13 features, against exact Shapley values computed by brute
    force over all feature subsets from the cover-weighted (path-dependent)
    expectation that TreeSHAP defines (skip with --skip-shapley).

See docs/tree-models.md.
"""

import os

# Before numpy loads: one BLAS / OpenMP thread, so sums are reproducible.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_sklearn_trees  # noqa: E402

SEED = 0
SHAP_ROWS = 20
DATASETS = ("diabetes", "diabetes_missing", "breast_cancer", "wine")

# name, dataset, XGBoost parameters, boosting rounds. Common parameters
# (tree_method hist unless given, seed, nthread) are added in train_xgb.
XGB_MODELS = [
    ("diabetes_xgb", "diabetes",
     {"objective": "reg:squarederror", "max_depth": 4, "eta": 0.1,
      "subsample": 0.8, "colsample_bytree": 0.8}, 100),
    ("diabetes_missing_xgb", "diabetes_missing",
     {"objective": "reg:squarederror", "max_depth": 4, "eta": 0.1,
      "subsample": 0.8, "colsample_bytree": 0.8}, 100),
    ("breast_cancer_xgb", "breast_cancer",
     {"objective": "binary:logistic", "max_depth": 4, "eta": 0.1,
      "subsample": 0.8, "colsample_bytree": 0.8}, 100),
    ("breast_cancer_xgb_logitraw", "breast_cancer",
     {"objective": "binary:logitraw", "max_depth": 3, "eta": 0.3}, 20),
    ("breast_cancer_xgb_base_score", "breast_cancer",
     {"objective": "binary:logistic", "base_score": 0.3, "max_depth": 4,
      "eta": 0.1}, 50),
    ("wine_xgb", "wine",
     {"objective": "multi:softprob", "num_class": 3, "max_depth": 4,
      "eta": 0.1, "subsample": 0.8, "colsample_bytree": 0.8}, 50),
    ("wine_xgb_softmax", "wine",
     {"objective": "multi:softmax", "num_class": 3, "max_depth": 3,
      "eta": 0.3}, 10),
    ("diabetes_xgb_poisson", "diabetes",
     {"objective": "count:poisson", "max_depth": 3, "eta": 0.5}, 20),
    ("diabetes_xgb_gamma", "diabetes",
     {"objective": "reg:gamma", "max_depth": 3, "eta": 0.5}, 20),
    ("diabetes_xgb_tweedie", "diabetes",
     {"objective": "reg:tweedie", "tweedie_variance_power": 1.5,
      "max_depth": 3, "eta": 0.5}, 20),
    ("diabetes_xgb_base_score", "diabetes",
     {"objective": "reg:squarederror", "base_score": 100.0, "max_depth": 4,
      "eta": 0.1, "tree_method": "exact"}, 50),
]
XGB_SHAP = ("breast_cancer_xgb", "wine_xgb", "diabetes_xgb",
            "diabetes_missing_xgb")


def SKLEARN_MODELS():
    """name, dataset, estimator (constructed lazily: sklearn imports)."""
    from sklearn import ensemble, tree

    rs = SEED
    return [
        ("diabetes_tree", "diabetes",
         tree.DecisionTreeRegressor(max_depth=5, min_samples_leaf=5,
                                    random_state=rs)),
        ("diabetes_forest", "diabetes",
         ensemble.RandomForestRegressor(n_estimators=30, max_depth=5,
                                        random_state=rs)),
        ("breast_cancer_forest", "breast_cancer",
         ensemble.RandomForestClassifier(n_estimators=30, max_depth=5,
                                         random_state=rs)),
        ("wine_forest", "wine",
         ensemble.RandomForestClassifier(n_estimators=30, max_depth=4,
                                         random_state=rs)),
        ("wine_extra_trees", "wine",
         ensemble.ExtraTreesClassifier(n_estimators=30, max_depth=5,
                                       random_state=rs)),
        ("diabetes_gbm", "diabetes",
         ensemble.GradientBoostingRegressor(n_estimators=50, max_depth=3,
                                            learning_rate=0.1,
                                            random_state=rs)),
        ("breast_cancer_gbm", "breast_cancer",
         ensemble.GradientBoostingClassifier(n_estimators=50, max_depth=3,
                                             learning_rate=0.1,
                                             random_state=rs)),
        ("wine_gbm", "wine",
         ensemble.GradientBoostingClassifier(n_estimators=30, max_depth=3,
                                             learning_rate=0.1,
                                             random_state=rs)),
    ]


# ---------------------------------------------------------------- files

def _repr(v):
    return repr(float(v))


def _r32(v):
    """A float32 result as the repr of the same value held in a double."""
    return repr(float(np.float32(v)))


def write_csv(path, header, rows):
    """RFC 4180 quoting where needed, LF line ends, UTF-8; atomic."""
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


def load_dataset(root, name):
    """(feature names, X float64 with NaN for empty cells, y float64)."""
    header, rows = read_csv(os.path.join(root, "data", name + ".csv"))
    if header[-1] != "target":
        raise SystemExit("%s.csv: last column is %r, not target"
                         % (name, header[-1]))
    t = np.array([[float("nan") if c == "" else float(c) for c in r]
                  for r in rows], dtype=np.float64)
    if np.isnan(t[:, -1]).any():
        raise SystemExit("%s.csv: missing target" % name)
    return header[:-1], t[:, :-1], t[:, -1]


def file_size(path):
    return os.path.getsize(path)


# ---------------------------------------------------------------- XGBoost

def train_xgb(params, dtrain, rounds):
    import xgboost as xgb

    p = {"tree_method": "hist", "seed": SEED, "nthread": 1, "verbosity": 1}
    p.update(params)
    return xgb.train(p, dtrain, num_boost_round=rounds)


def _xgb_columns(objective, k, margin, pred):
    """Fixture header and rows from output_margin and default predict()."""
    n = margin.shape[0]
    margin = margin.reshape(n, -1)
    if k == 1:
        head = ["margin"]
    else:
        head = ["margin_%d" % c for c in range(k)]
    if objective == "multi:softmax":
        head2 = ["class"]
        p = [[str(int(v))] for v in pred.reshape(n)]
    elif objective == "multi:softprob":
        head2 = ["proba_%d" % c for c in range(k)]
        p = [[_r32(v) for v in row] for row in pred.reshape(n, k)]
    elif objective in ("binary:logistic", "reg:logistic"):
        head2 = ["probability"]
        p = [[_r32(v)] for v in pred.reshape(n)]
    else:
        head2 = ["prediction"]
        p = [[_r32(v)] for v in pred.reshape(n)]
    rows = [[_r32(v) for v in margin[i]] + p[i] for i in range(n)]
    return head + head2, rows


def _score(objective, y, margin, pred):
    """Training-set quality: R^2 for regression-like objectives, accuracy
    and log-loss for classifiers."""
    out = {}
    y = np.asarray(y, dtype=np.float64)
    if objective.startswith("multi:"):
        if objective == "multi:softprob":
            p = np.asarray(pred, dtype=np.float64)
            out["accuracy"] = float(np.mean(p.argmax(axis=1) == y))
            out["log_loss"] = float(-np.mean(np.log(
                np.clip(p[np.arange(len(y)), y.astype(int)], 1e-15, 1))))
        else:
            out["accuracy"] = float(np.mean(np.asarray(pred) == y))
    elif objective.startswith("binary:"):
        m = np.asarray(margin, dtype=np.float64).reshape(-1)
        p = 1.0 / (1.0 + np.exp(-m))
        out["accuracy"] = float(np.mean((m > 0) == (y > 0.5)))
        out["log_loss"] = float(-np.mean(
            y * np.log(np.clip(p, 1e-15, 1)) +
            (1 - y) * np.log(np.clip(1 - p, 1e-15, 1))))
    else:
        p = np.asarray(pred, dtype=np.float64).reshape(-1)
        out["r2"] = float(1 - np.sum((y - p) ** 2) /
                          np.sum((y - y.mean()) ** 2))
    return out


def build_xgb(root, out_dir, data, summary):
    import xgboost as xgb

    model_dir = os.path.join(out_dir, "data", "models")
    fx_dir = os.path.join(out_dir, "tests", "fixtures", "trees")
    for name, dsname, params, rounds in XGB_MODELS:
        names, x, y = data[dsname]
        dtrain = xgb.DMatrix(x, label=y, feature_names=names,
                             missing=np.nan)
        bst = train_xgb(params, dtrain, rounds)
        path = os.path.join(model_dir, name + ".json")
        tmp = os.path.join(model_dir, "." + name + ".tmp.json")
        bst.save_model(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)

        dall = xgb.DMatrix(x, feature_names=names, missing=np.nan)
        margin = bst.predict(dall, output_margin=True)
        pred = bst.predict(dall)
        k = int(params.get("num_class", 1))
        head, rows = _xgb_columns(params["objective"], k, margin, pred)
        write_csv(os.path.join(fx_dir, name + "_pred.csv"), head, rows)
        info = {"trees": len(bst.get_dump()), "rows": x.shape[0]}
        info.update(_score(params["objective"], y, margin, pred))
        summary[name] = info

        if name in XGB_SHAP:
            xs = x[:SHAP_ROWS]
            ds = xgb.DMatrix(xs, feature_names=names, missing=np.nan)
            con = bst.predict(ds, pred_contribs=True)
            inter = bst.predict(ds, pred_interactions=True)
            m = len(names)
            con = con.reshape(len(xs), k, m + 1)
            inter = inter.reshape(len(xs), k, m + 1, m + 1)
            rows = []
            for r in range(len(xs)):
                for c in range(k):
                    rows.append([str(r), str(c)] +
                                [_r32(v) for v in con[r, c]])
            write_csv(os.path.join(fx_dir, name + "_contribs.csv"),
                      ["row", "output"] + names + ["bias"], rows)
            rows = []
            for r in range(len(xs)):
                for c in range(k):
                    for i in range(m + 1):
                        for j in range(m + 1):
                            rows.append([str(r), str(c), str(i), str(j),
                                         _r32(inter[r, c, i, j])])
            write_csv(os.path.join(fx_dir, name + "_interactions.csv"),
                      ["row", "output", "i", "j", "value"], rows)


# ---------------------------------------------------------------- sklearn

def build_sklearn(out_dir, data, summary):
    import pandas as pd

    model_dir = os.path.join(out_dir, "data", "models")
    fx_dir = os.path.join(out_dir, "tests", "fixtures", "trees")
    for name, dsname, est in SKLEARN_MODELS():
        names, x, y = data[dsname]
        frame = pd.DataFrame(x, columns=names)
        family, is_clf = export_sklearn_trees._kind(est)
        if is_clf:
            y = y.astype(int)
        est.fit(frame, y)
        score = est.score(frame, y)
        rows = x.shape[0]
        export_sklearn_trees.export(est, os.path.join(model_dir,
                                                      name + ".json"),
                                    extra_metadata={
                                        "dataset": "data/%s.csv" % dsname,
                                        "target": "target",
                                        ("training_accuracy" if is_clf else
                                         "training_r2"): repr(float(score)),
                                        "trained_on": "all %d rows" % rows})
        if not is_clf:
            head = ["prediction"]
            out = est.predict(frame).reshape(rows, 1)
        elif family != "gb":
            p = est.predict_proba(frame)
            head = ["proba_%d" % c for c in range(p.shape[1])]
            out = p
        else:
            d = est.decision_function(frame).reshape(rows, -1)
            p = est.predict_proba(frame)
            if d.shape[1] == 1:
                head = ["margin", "probability"]
                out = np.column_stack([d, p[:, 1]])
            else:
                k = d.shape[1]
                head = (["margin_%d" % c for c in range(k)] +
                        ["proba_%d" % c for c in range(k)])
                out = np.column_stack([d, p])
        write_csv(os.path.join(fx_dir, name + "_pred.csv"), head,
                  [[_repr(v) for v in row] for row in out])
        n_trees = (1 if family == "tree" else
                   int(np.size(est.estimators_)))
        summary[name] = {"trees": n_trees, "rows": rows,
                         ("accuracy" if is_clf else "r2"): float(score)}


# ---------------------------------------------------------------- checking

def _fixture(out_dir, stem, suffix="_pred"):
    header, rows = read_csv(os.path.join(out_dir, "tests", "fixtures",
                                         "trees", stem + suffix + ".csv"))
    return header, np.array([[float(c) for c in r] for r in rows],
                            dtype=np.float64)


def _cols(header, table, cols):
    return table[:, [header.index(c) for c in cols]]


def _rel1(ours, want):
    """max |ours - want| / max(1, |want|)."""
    return float(np.max(np.abs(ours - want) / np.maximum(1.0, np.abs(want))))


def _rel(ours, want):
    """max |ours - want| / |want| (zeros compared absolutely)."""
    d = np.abs(ours - want)
    s = np.abs(want)
    return float(np.max(np.where(s > 0, d / np.where(s > 0, s, 1.0), d)))


def eval_xplain(doc, x):
    """Independent per-row evaluator of an xplain tree-ensemble document.
    Returns the raw (margin-space) output, rows x K, float64."""
    k = doc["n_outputs"]
    f32 = doc["threshold_type"] == "float32"
    strict = doc["comparison"] == "<"
    base = [float(v) for v in doc["base_score"]]
    trees = doc["trees"]
    out = np.empty((x.shape[0], k))
    for r in range(x.shape[0]):
        row = [float(np.float32(v)) if f32 else float(v) for v in x[r]]
        acc = [0.0] * k
        n = [0] * k
        for t in trees:
            node = 0
            feat, thr = t["feature"], t["threshold"]
            while feat[node] >= 0:
                v = row[feat[node]]
                if math.isnan(v):
                    dl = t.get("default_left")
                    if dl is None:
                        raise ValueError("NaN reached a split without "
                                         "default_left")
                    go_left = bool(dl[node])
                else:
                    go_left = v < thr[node] if strict else v <= thr[node]
                node = t["left"][node] if go_left else t["right"][node]
            if t["output"] == "all":
                for c in range(k):
                    acc[c] += t["value"][node][c]
                    n[c] += 1
            else:
                acc[t["output"]] += t["value"][node]
                n[t["output"]] += 1
        for c in range(k):
            if doc["aggregation"] == "sum":
                out[r, c] = base[c] + acc[c]
            else:
                out[r, c] = acc[c] / n[c] + base[c]
    return out


def eval_xplain_sum_from_base(doc, x):
    """As sklearn's GradientBoosting adds: start at base_score, add each
    tree in file order (the order that reproduces it bit for bit)."""
    out = np.tile(np.array(doc["base_score"], dtype=np.float64),
                  (x.shape[0], 1))
    xr = x.astype(np.float32).astype(np.float64)
    for r in range(x.shape[0]):
        for t in doc["trees"]:
            node = 0
            while t["feature"][node] >= 0:
                node = (t["left"][node]
                        if xr[r, t["feature"][node]] <= t["threshold"][node]
                        else t["right"][node])
            out[r, t["output"]] += t["value"][node]
    return out


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def routing_stats(trees, x, f32, strict):
    """How much the fixtures exercise the split semantics: over every (row,
    tree, split visited), the number of ties (float32 x == threshold, where
    "<" and "<=" differ), of splits that float64 inputs would route the
    other way, and of NaN inputs sent by default_left. trees: a list of
    (feature, threshold, left, right, default_left or None), leaves having
    left == -1."""
    ties = rounding = nans = 0
    for r in range(x.shape[0]):
        r64 = [float(v) for v in x[r]]
        r32 = [float(np.float32(v)) for v in x[r]] if f32 else r64
        for feat, thr, left, right, dl in trees:
            node = 0
            while left[node] != -1:
                f = feat[node]
                v, c = r32[f], thr[node]
                if math.isnan(v):
                    nans += 1
                    go = bool(dl[node])
                else:
                    ties += v == c
                    go = v < c if strict else v <= c
                    go64 = r64[f] < c if strict else r64[f] <= c
                    rounding += go != go64
                node = left[node] if go else right[node]
    return {"ties": int(ties), "f32_rounding_matters": int(rounding),
            "nan_routed": int(nans)}


def check_sklearn(out_dir, data, report):
    for name, dsname, est in SKLEARN_MODELS():
        with open(os.path.join(out_dir, "data", "models", name + ".json"),
                  encoding="utf-8") as f:
            doc = json.load(f)
        names, x, _ = data[dsname]
        assert doc["format"] == "xplain-model" and doc["format_version"] == 1
        assert doc["type"] == "tree_ensemble"
        assert doc["feature_names"] == names, name
        assert all(isinstance(v, str) for v in doc["metadata"].values())
        for t in doc["trees"]:
            nn = len(t["feature"])
            for key in ("threshold", "left", "right", "value", "cover"):
                assert len(t[key]) == nn, (name, key)
            assert "default_left" not in t
        header, fx = _fixture(out_dir, name)
        raw = eval_xplain(doc, x)
        res = {"rows": fx.shape[0]}
        k = doc["n_outputs"]
        if doc["link"] == "identity":
            cols = (["prediction"] if "prediction" in header else
                    ["proba_%d" % c for c in range(k)])
            res["raw_vs_fixture"] = _rel(raw, _cols(header, fx, cols))
        else:
            if k == 1:
                mcols, pcols = ["margin"], ["probability"]
                prob = 1.0 / (1.0 + np.exp(-raw))
            else:
                mcols = ["margin_%d" % c for c in range(k)]
                pcols = ["proba_%d" % c for c in range(k)]
                prob = _softmax(raw)
            res["raw_vs_fixture"] = _rel(raw, _cols(header, fx, mcols))
            res["prob_vs_fixture"] = _rel(prob, _cols(header, fx, pcols))
        res.update(routing_stats(
            [(t["feature"], t["threshold"], t["left"], t["right"], None)
             for t in doc["trees"]], x, True, False))
        if doc["aggregation"] == "sum":
            res["sum_from_base_vs_fixture"] = _rel(
                eval_xplain_sum_from_base(doc, x),
                _cols(header, fx, ["prediction"] if "prediction" in header
                      else (["margin"] if k == 1 else
                            ["margin_%d" % c for c in range(k)])))
        report[name] = res


# --- XGBoost JSON

def _f32(v):
    return np.float32(v)


def _libm():
    """The C library's float32 logf/expf, which XGBoost calls; None where
    ctypes cannot find them (then double precision rounded to float32 is
    used, which can differ from glibc's expf by 1 ulp now and then)."""
    try:
        import ctypes
        import ctypes.util

        lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        for fn in (lib.logf, lib.expf):
            fn.restype = ctypes.c_float
            fn.argtypes = [ctypes.c_float]
        return lib
    except (OSError, AttributeError):
        return None


_LIBM = _libm()


def _logf(v):
    """float32 log as XGBoost computes it. (numpy's own float32 log is a
    SIMD approximation that can be 1 ulp off, which is enough to miss
    XGBoost's base margin for base_score 0.3.)"""
    if _LIBM is not None:
        return _f32(_LIBM.logf(float(v)))
    return _f32(math.log(float(v)))


def _expf(v):
    if _LIBM is not None:
        return _f32(_LIBM.expf(float(v)))
    return _f32(math.exp(float(v)))


def xgb_base_margin(objective, base_score):
    """XGBoost 1.7's ObjFunction::ProbToMargin, in float32: -logf(1/b - 1)
    for logistic objectives, logf(b) for the log-link ones, b otherwise."""
    b = _f32(base_score)
    if objective in ("binary:logistic", "reg:logistic"):
        return -_logf(_f32(_f32(1.0) / b) - _f32(1.0))
    if objective in ("count:poisson", "reg:gamma", "reg:tweedie"):
        return _logf(b)
    return b


class XgbModel:
    """XGBoost 1.7 JSON (gbtree, numerical splits only)."""

    def __init__(self, doc):
        ln = doc["learner"]
        gb = ln["gradient_booster"]
        if gb["name"] != "gbtree":
            raise ValueError("booster %s" % gb["name"])
        self.objective = ln["objective"]["name"]
        mp = ln["learner_model_param"]
        self.base_score = float(mp["base_score"])
        self.num_class = int(mp["num_class"])
        self.k = max(1, self.num_class)
        self.feature_names = ln["feature_names"]
        self.tree_info = gb["model"]["tree_info"]
        self.trees = []
        for t in gb["model"]["trees"]:
            if any(s != 0 for s in t["split_type"]):
                raise ValueError("categorical split")
            self.trees.append({
                "feat": t["split_indices"],
                # stored as shortest float32 decimal: round back to float32
                "cond": [float(np.float32(v)) for v in t["split_conditions"]],
                "left": t["left_children"],
                "right": t["right_children"],
                "dl": t["default_left"],
                "cover": [float(np.float32(v)) for v in t["sum_hessian"]],
            })
        self.base_margin = xgb_base_margin(self.objective, self.base_score)

    def leaf(self, t, row):
        node = 0
        while t["left"][node] != -1:
            v = row[t["feat"][node]]
            if math.isnan(v):
                go_left = bool(t["dl"][node])
            else:
                go_left = v < t["cond"][node]
            node = t["left"][node] if go_left else t["right"][node]
        return node

    def margin(self, x):
        """(float32 accumulation in tree order, float64 accumulation)."""
        n = x.shape[0]
        m32 = np.full((n, self.k), self.base_margin, dtype=np.float32)
        m64 = np.full((n, self.k), float(self.base_margin))
        for r in range(n):
            row = [float(np.float32(v)) for v in x[r]]
            for t, g in zip(self.trees, self.tree_info):
                v = t["cond"][self.leaf(t, row)]
                m32[r, g] = np.float32(m32[r, g] + np.float32(v))
                m64[r, g] += v
        return m32, m64


def _transform32(objective, m):
    """XGBoost's PredTransform, element by element in float32 with
    correctly rounded expf."""
    one = _f32(1.0)
    out = []
    for row in m.astype(np.float32):
        if objective in ("binary:logistic", "reg:logistic"):
            out.append([one / (one + _expf(-row[0]))])
        elif objective in ("count:poisson", "reg:gamma", "reg:tweedie"):
            out.append([_expf(row[0])])
        elif objective == "multi:softprob":
            mx = max(row)
            # common::Softmax: float32 exps, summed in a double, each
            # divided by the sum rounded back to float32.
            e = [_expf(_f32(v - mx)) for v in row]
            s = 0.0
            for v in e:
                s += float(v)
            out.append([_f32(v / _f32(s)) for v in e])
        elif objective == "multi:softmax":
            out.append([_f32(int(np.argmax(row)))])
        else:
            out.append(list(row))
    return np.array(out, dtype=np.float32)


def check_xgb(out_dir, data, report, models):
    for name, dsname, params, rounds in XGB_MODELS:
        with open(os.path.join(out_dir, "data", "models", name + ".json"),
                  encoding="utf-8") as f:
            doc = json.load(f)
        mdl = XgbModel(doc)
        models[name] = mdl
        names, x, _ = data[dsname]
        assert mdl.feature_names == names, name
        assert mdl.objective == params["objective"], name
        header, fx = _fixture(out_dir, name)
        k = mdl.k
        mcols = ["margin"] if k == 1 else ["margin_%d" % c for c in range(k)]
        want = _cols(header, fx, mcols)
        m32, m64 = mdl.margin(x)
        res = {"rows": fx.shape[0], "trees": len(mdl.trees),
               "base_score": mdl.base_score,
               "base_margin": float(mdl.base_margin)}
        res["margin_f32_vs_xgb"] = _rel1(m32.astype(np.float64), want)
        res["margin_f32_bit_exact"] = bool(np.array_equal(
            m32.astype(np.float64), want))
        res["margin_f64_vs_xgb"] = _rel1(m64, want)
        tcols = [c for c in header if c not in mcols]
        res["transformed_f32_vs_xgb"] = _rel1(
            _transform32(mdl.objective, m32).astype(np.float64),
            _cols(header, fx, tcols))
        res["single_leaf_trees"] = sum(1 for t in mdl.trees
                                       if t["left"][0] == -1)
        res.update(routing_stats(
            [(t["feat"], t["cond"], t["left"], t["right"], t["dl"])
             for t in mdl.trees], x, True, True))
        report[name] = res


# --- SHAP fixtures

def _subset_values(mdl, row, out):
    """v(S) for every subset S of the features (bitmask index), summed over
    the trees of output `out`: the cover-weighted conditional expectation
    of TreeSHAP's path-dependent algorithm, plus the base margin."""
    m = len(mdl.feature_names)
    masks = np.arange(1 << m, dtype=np.int64)
    has = [(masks >> j) & 1 == 1 for j in range(m)]
    total = np.full(1 << m, float(mdl.base_margin))

    def rec(t, node):
        if t["left"][node] == -1:
            return np.full(1 << m, t["cond"][node])
        f = t["feat"][node]
        v = row[f]
        if math.isnan(v):
            hot_left = bool(t["dl"][node])
        else:
            hot_left = v < t["cond"][node]
        hot, cold = ((t["left"][node], t["right"][node]) if hot_left else
                     (t["right"][node], t["left"][node]))
        a = rec(t, hot)
        b = rec(t, cold)
        c = t["cover"]
        mix = (c[hot] * a + c[cold] * b) / c[node]
        return np.where(has[f], a, mix)

    for t, g in zip(mdl.trees, mdl.tree_info):
        if g == out:
            total += rec(t, 0)
    return total


def _shapley(v, m):
    """Exact Shapley values and interaction indices from v over bitmasks."""
    size = np.array([bin(s).count("1") for s in range(1 << m)])
    fact = [math.factorial(i) for i in range(m + 1)]
    phi = np.zeros(m + 1)
    inter = np.zeros((m + 1, m + 1))
    masks = np.arange(1 << m)
    for i in range(m):
        without = masks[(masks >> i) & 1 == 0]
        w = np.array([fact[s] * fact[m - s - 1] for s in size[without]],
                     dtype=np.float64) / fact[m]
        phi[i] = np.sum(w * (v[without | (1 << i)] - v[without]))
    for i in range(m):
        for j in range(i + 1, m):
            s_ = masks[((masks >> i) & 1 == 0) & ((masks >> j) & 1 == 0)]
            w = np.array([fact[s] * fact[m - s - 2] for s in size[s_]],
                         dtype=np.float64) / (2.0 * fact[m - 1])
            d = (v[s_ | (1 << i) | (1 << j)] - v[s_ | (1 << i)] -
                 v[s_ | (1 << j)] + v[s_])
            inter[i, j] = inter[j, i] = np.sum(w * d)
    phi[m] = v[0]
    for i in range(m):
        inter[i, i] = phi[i] - (inter[i, :m].sum() - inter[i, i])
    inter[m, m] = v[0]
    return phi, inter


def check_shap(out_dir, data, report, models, brute_force):
    for name in XGB_SHAP:
        mdl = models[name]
        dsname = [d for n, d, _, _ in XGB_MODELS if n == name][0]
        names, x, _ = data[dsname]
        m = len(names)
        k = mdl.k
        hc, con = _fixture(out_dir, name, "_contribs")
        assert hc == ["row", "output"] + names + ["bias"], name
        hi, inter = _fixture(out_dir, name, "_interactions")
        assert hi == ["row", "output", "i", "j", "value"], name
        assert con.shape[0] == SHAP_ROWS * k
        assert inter.shape[0] == SHAP_ROWS * k * (m + 1) ** 2
        hp, fx = _fixture(out_dir, name)
        mcols = ["margin"] if k == 1 else ["margin_%d" % c for c in range(k)]
        margin = _cols(hp, fx, mcols)[:SHAP_ROWS]
        phi = con[:, 2:].reshape(SHAP_ROWS, k, m + 1)
        iv = inter[:, 4].reshape(SHAP_ROWS, k, m + 1, m + 1)
        res = {"rows": SHAP_ROWS}
        res["contribs_sum_vs_margin"] = float(np.max(
            np.abs(phi.sum(axis=2) - margin) / np.maximum(1, np.abs(margin))))
        res["interactions_rowsum_vs_contribs"] = float(np.max(
            np.abs(iv.sum(axis=3) - phi) /
            np.maximum(1, np.abs(margin))[:, :, None]))
        res["interactions_asymmetry"] = float(np.max(
            np.abs(iv - iv.transpose(0, 1, 3, 2)) /
            np.maximum(1, np.abs(margin))[:, :, None, None]))
        if brute_force and m <= 13:
            dc = di = 0.0
            for r in range(SHAP_ROWS):
                row = [float(np.float32(v)) for v in x[r]]
                for c in range(k):
                    v = _subset_values(mdl, row, c)
                    p, it = _shapley(v, m)
                    scale = max(1.0, abs(margin[r, c]))
                    dc = max(dc, float(np.max(np.abs(p - phi[r, c]))) / scale)
                    di = max(di, float(np.max(np.abs(it - iv[r, c]))) / scale)
            res["contribs_vs_brute_force"] = dc
            res["interactions_vs_brute_force"] = di
        report[name + " (SHAP)"] = res


# ---------------------------------------------------------------- main

def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out-dir", default=root,
                   help="root to write data/models/ and tests/fixtures/trees/"
                        " under (default: the repository root; the datasets "
                        "are always read from the repository)")
    p.add_argument("--skip-shapley", action="store_true",
                   help="skip the brute-force Shapley check of the SHAP "
                        "fixtures (the slowest part)")
    args = p.parse_args(argv)

    import sklearn
    import xgboost

    out_dir = os.path.abspath(args.out_dir)
    os.makedirs(os.path.join(out_dir, "data", "models"), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "tests", "fixtures", "trees"),
                exist_ok=True)
    data = {d: load_dataset(root, d) for d in DATASETS}

    summary = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", FutureWarning)
            build_xgb(root, out_dir, data, summary)
            build_sklearn(out_dir, data, summary)
    except export_sklearn_trees.ExportError as e:
        print("make_tree_models.py: error: %s" % e, file=sys.stderr)
        return 1

    report = {}
    models = {}
    check_xgb(out_dir, data, report, models)
    check_sklearn(out_dir, data, report)
    check_shap(out_dir, data, report, models, not args.skip_shapley)

    print("XGBoost %s, scikit-learn %s, numpy %s; wrote under %s"
          % (xgboost.__version__, sklearn.__version__, np.__version__,
             out_dir))
    for name in [n for n, _, _, _ in XGB_MODELS] + \
            [n for n, _, _ in SKLEARN_MODELS()]:
        size = file_size(os.path.join(out_dir, "data", "models",
                                      name + ".json"))
        scores = ", ".join("%s %s" % (key, val if isinstance(val, int)
                                      else "%.6g" % val)
                           for key, val in summary[name].items())
        print("%-30s %8d bytes  %s" % (name + ".json", size, scores))
    print()
    print("checks (max |ours - fixture| / max(1, |fixture|) for XGBoost; "
          "max relative difference for scikit-learn):")
    failed = False
    for name, res in report.items():
        parts = []
        for key, val in res.items():
            if isinstance(val, float):
                parts.append("%s %.3g" % (key, val))
            else:
                parts.append("%s %s" % (key, val))
        print("  %s: %s" % (name, ", ".join(parts)))
        for key, val in res.items():
            if key.endswith("vs_fixture") and val > 1e-12:
                failed = True
            if key == "margin_f32_vs_xgb" and val > 1e-6:
                failed = True
            if key.endswith("brute_force") and val > 1e-4:
                failed = True
    if failed:
        print("make_tree_models.py: a check exceeded its tolerance",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
