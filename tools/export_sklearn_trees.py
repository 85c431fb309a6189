#!/usr/bin/env python3
"""Write a fitted scikit-learn tree model as an xplain tree-ensemble JSON model.

Usage as a program (the model is a pickle or joblib file):

    /usr/bin/python3 tools/export_sklearn_trees.py model.pkl -o model.json
    /usr/bin/python3 tools/export_sklearn_trees.py model.pkl -o model.json \\
        --feature-names age,sex,bmi

Usage as a module:

    from export_sklearn_trees import export
    export(fitted_model, "model.json")    # names from feature_names_in_
    doc = model_to_dict(fitted_model)     # the JSON document as a dict

Supported estimators (single-output only) and what they become:

    DecisionTreeRegressor, RandomForestRegressor, ExtraTreesRegressor
        link "identity", 1 output, aggregation "mean" (a single tree is a
        mean of one), base_score [0.0]; node value = tree_.value[node][0][0].
    DecisionTreeClassifier, RandomForestClassifier, ExtraTreesClassifier
        link "identity", K outputs (one per class, classes_ order, also for
        K = 2), aggregation "mean", every tree has "output": "all" and each
        node's value is the class-probability vector of that node:
        tree_.value[node][0] divided by its sum, as predict_proba does per
        tree. The raw output is predict_proba itself.
    GradientBoostingRegressor (any loss)
        link "identity", 1 output, aggregation "sum".
    GradientBoostingClassifier, loss "log_loss" (or the old "deviance")
        two classes: link "logit", 1 output (decision_function, the margin
        of classes_[1]); K > 2 classes: link "softmax", K outputs, one tree
        per class per stage with "output" = class index.
        GradientBoosting leaf values are exported already multiplied by the
        learning rate (value * learning_rate in float64, the product
        sklearn's predict_stages adds), and base_score is the init
        estimator's raw prediction, taken from _raw_predict_init so it is
        bit-for-bit sklearn's. Trees are written stage by stage, classes in
        order within a stage.

    HistGradientBoostingRegressor, HistGradientBoostingClassifier
        numeric splits with missing values (default_left) and native
        categorical splits ("categories", "left_categories"), compared as
        float64; see export_sklearn_hist.py.

All of scikit-learn's other trees send a row left when (float32)x <= threshold,
with threshold a double: the file says threshold_type "float32" and
comparison "<=". scikit-learn 1.2 trees cannot take missing values, so no
"default_left" is written (a NaN reaching a split gives NaN). Node cover is
weighted_n_node_samples (with bootstrap: the weighted in-bag count).

Internal nodes keep their values. For forests and for GradientBoosting
regressors with squared error these are the cover-weighted means of their
children. For GradientBoosting classifiers (and regressors with a loss whose
leaves are re-fitted: absolute_error, huber, quantile) the leaves hold the
loss's updated step while internal nodes still hold the mean
pseudo-residual the tree was grown on, so there internal values are NOT
averages of the leaves below; the metadata entry "internal_values" says
which case applies.

Every float is written with Python's shortest round-trip repr. Before
writing, the document is evaluated on probe rows built around the model's
own thresholds (float32 neighbours on both sides) and compared with the
estimator's predict / predict_proba / decision_function: they must agree to
1e-12 relative.

Loading a pickle runs code from the file: only export models you trust.
"""

import argparse
import json
import os
import sys
import tempfile
import warnings

import numpy as np
from sklearn.base import is_classifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_sklearn as _base  # noqa: E402
import export_sklearn_hist as _hist  # noqa: E402

FORMAT = _base.FORMAT
FORMAT_VERSION = _base.FORMAT_VERSION
ExportError = _base.ExportError

_SINGLE_REG = ("DecisionTreeRegressor",)
_SINGLE_CLF = ("DecisionTreeClassifier",)
_FOREST_REG = ("RandomForestRegressor", "ExtraTreesRegressor")
_FOREST_CLF = ("RandomForestClassifier", "ExtraTreesClassifier")
_GB_REG = ("GradientBoostingRegressor",)
_GB_CLF = ("GradientBoostingClassifier",)
_HIST = ("HistGradientBoostingRegressor", "HistGradientBoostingClassifier")
SUPPORTED = _SINGLE_REG + _SINGLE_CLF + _FOREST_REG + _FOREST_CLF + \
    _GB_REG + _GB_CLF + _HIST


def _kind(model):
    """(family, is_classifier) for a supported estimator, by exact class."""
    from sklearn import ensemble, tree

    table = {}
    for n in _SINGLE_REG:
        table[getattr(tree, n)] = ("tree", False)
    for n in _SINGLE_CLF:
        table[getattr(tree, n)] = ("tree", True)
    for n in _FOREST_REG:
        table[getattr(ensemble, n)] = ("forest", False)
    for n in _FOREST_CLF:
        table[getattr(ensemble, n)] = ("forest", True)
    for n in _GB_REG:
        table[getattr(ensemble, n)] = ("gb", False)
    for n in _GB_CLF:
        table[getattr(ensemble, n)] = ("gb", True)
    table[ensemble.HistGradientBoostingRegressor] = ("hist", False)
    table[ensemble.HistGradientBoostingClassifier] = ("hist", True)
    k = table.get(type(model))
    if k is None:
        hint = ""
        if hasattr(model, "steps"):
            hint = (" (a Pipeline: export its final estimator, pipeline[-1], "
                    "and explain data already transformed by the earlier "
                    "steps)")
        raise ExportError("unsupported estimator %s%s; supported: %s"
                          % (type(model).__name__, hint, ", ".join(SUPPORTED)))
    return k


def _module_name(model):
    mod = type(model).__module__
    # sklearn.ensemble._forest -> sklearn.ensemble
    parts = [p for p in mod.split(".") if not p.startswith("_")]
    return ".".join(parts) + "." + type(model).__name__


def _finite(values, what):
    a = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ExportError("%s holds a non-finite value: refusing to export"
                          % what)


def _tree_arrays(t, value_rows, cover=True):
    """Common per-node arrays of a sklearn Tree object. value_rows is the
    per-node value list (numbers or lists) already computed by the caller."""
    from sklearn.tree._tree import TREE_LEAF

    left = [int(v) for v in t.children_left]
    right = [int(v) for v in t.children_right]
    n = len(left)
    feature, threshold = [], []
    for i in range(n):
        is_leaf = left[i] == TREE_LEAF
        if is_leaf != (right[i] == TREE_LEAF):
            raise ExportError("node %d has exactly one child" % i)
        if is_leaf:
            feature.append(-1)
            threshold.append(0.0)
            left[i] = right[i] = -1
        else:
            feature.append(int(t.feature[i]))
            threshold.append(float(t.threshold[i]))
    _finite(threshold, "a split threshold")
    covers = [float(v) for v in t.weighted_n_node_samples]
    _finite(covers, "a node cover")
    return {"feature": feature, "threshold": threshold, "left": left,
            "right": right, "value": value_rows, "cover": covers}


def _proba_rows(t):
    """Per-node class-probability vectors, normalised exactly like
    DecisionTreeClassifier.predict_proba (division by the row sum, a zero
    sum left as 1)."""
    v = np.asarray(t.value, dtype=np.float64)[:, 0, :]
    s = v.sum(axis=1)[:, np.newaxis]
    s[s == 0.0] = 1.0
    p = v / s
    _finite(p, "a node's class distribution")
    return [[float(x) for x in row] for row in p]


def _check_single_output(model):
    n_out = getattr(model, "n_outputs_", 1)
    if n_out != 1:
        raise ExportError("the %s was fitted on %d targets; only "
                          "single-output models are supported"
                          % (type(model).__name__, n_out))


def model_to_dict(model, feature_names=None, extra_metadata=None):
    """Return the xplain tree-ensemble document (a dict) for a fitted
    estimator. feature_names: required when the model has no
    feature_names_in_, and must equal it when it has. extra_metadata: dict of
    str -> str merged into "metadata". Raises ExportError."""
    import sklearn

    family, is_clf = _kind(model)
    name = type(model).__name__
    if family == "hist":
        return _hist_to_dict(model, feature_names, extra_metadata)
    if family == "tree":
        if not hasattr(model, "tree_"):
            raise ExportError("the %s is not fitted" % name)
        estimators = [model]
    elif family == "forest":
        if not hasattr(model, "estimators_"):
            raise ExportError("the %s is not fitted" % name)
        estimators = list(model.estimators_)
    else:
        if not hasattr(model, "estimators_"):
            raise ExportError("the %s is not fitted" % name)
    if family != "gb":
        _check_single_output(model)

    n_features = int(model.n_features_in_)
    names = _base._check_feature_names(model, feature_names, n_features)

    meta = {
        "source": _module_name(model),
        "sklearn_version": sklearn.__version__,
        "params": _base._params_string(model),
    }
    trees = []

    if family in ("tree", "forest"):
        aggregation = "mean"
        link = "identity"
        if is_clf:
            classes = [str(c) for c in model.classes_]
            k = len(classes)
            if k < 2:
                raise ExportError("the classifier was fitted on one class")
            meta["classes"] = json.dumps(classes, ensure_ascii=False)
            meta["outputs"] = ("probability of each class, in classes order "
                               "(raw output = predict_proba)")
            for est in estimators:
                t = est.tree_
                if t.value.shape[1:] != (1, k):
                    raise ExportError("a tree's value array has shape %s, "
                                      "expected (n, 1, %d)"
                                      % (t.value.shape, k))
                d = _tree_arrays(t, _proba_rows(t))
                trees.append(dict([("output", "all")] + list(d.items())))
            base_score = [0.0] * k
        else:
            k = 1
            meta["outputs"] = "regression target"
            for est in estimators:
                t = est.tree_
                vals = [float(v) for v in t.value[:, 0, 0]]
                _finite(vals, "a node value")
                d = _tree_arrays(t, vals)
                trees.append(dict([("output", 0)] + list(d.items())))
            base_score = [0.0]
        meta["internal_values"] = ("cover-weighted mean of the leaves below "
                                   "(as fitted)")
    else:
        aggregation = "sum"
        if model.init_ != "zero" and model.init is not None:
            raise ExportError(
                "the %s has a custom init estimator (%s): its raw prediction "
                "may depend on the row, which a constant base_score cannot "
                "hold; refit with init=None or init='zero'"
                % (name, type(model.init).__name__))
        loss_name = getattr(model, "loss", "")
        lr = float(model.learning_rate)
        est_grid = model.estimators_
        n_stages, k = est_grid.shape
        if is_clf:
            classes = [str(c) for c in model.classes_]
            meta["classes"] = json.dumps(classes, ensure_ascii=False)
            if loss_name not in ("log_loss", "deviance"):
                raise ExportError(
                    "GradientBoostingClassifier with loss=%r is not supported "
                    "(only 'log_loss'): its probabilities are not a plain "
                    "logistic/softmax of decision_function" % loss_name)
            if len(classes) == 2:
                link = "logit"
                meta["positive_class"] = classes[1]
                meta["outputs"] = ("margin of class %s (decision_function)"
                                   % classes[1])
            else:
                link = "softmax"
                meta["outputs"] = ("margin of each class, in classes order "
                                   "(decision_function)")
            meta["internal_values"] = (
                "learning_rate times the mean pseudo-residual the node was "
                "grown on; leaves hold the Newton step, so internal values "
                "are not averages of their leaves")
        else:
            link = "identity"
            meta["outputs"] = "regression target"
            if loss_name in ("squared_error", "ls"):
                meta["internal_values"] = (
                    "learning_rate times the cover-weighted mean of the "
                    "leaves below (as fitted)")
            else:
                meta["internal_values"] = (
                    "learning_rate times the mean pseudo-residual the node "
                    "was grown on; leaves were re-fitted for loss %r, so "
                    "internal values are not averages of their leaves"
                    % loss_name)
        if n_stages != model.n_estimators_:
            raise ExportError("estimators_ has %d stages but n_estimators_ is "
                              "%d" % (n_stages, model.n_estimators_))
        x0 = np.zeros((1, n_features), dtype=np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            init = np.asarray(model._raw_predict_init(x0),
                              dtype=np.float64).reshape(-1)
        if init.shape != (k,):
            raise ExportError("the init estimator gives %d raw values for %d "
                              "outputs" % (init.size, k))
        _finite(init, "the init estimator's raw prediction")
        base_score = [float(v) for v in init]
        for s in range(n_stages):
            for c in range(k):
                t = est_grid[s, c].tree_
                vals = [lr * float(v) for v in t.value[:, 0, 0]]
                _finite(vals, "a node value")
                d = _tree_arrays(t, vals)
                trees.append(dict([("output", c)] + list(d.items())))
        meta["learning_rate"] = repr(lr)
        meta["n_stages"] = str(n_stages)
        meta["leaf_values"] = "tree_.value * learning_rate (float64)"
        meta["base_score"] = ("init estimator's raw prediction "
                              "(_raw_predict_init)" if model.init_ != "zero"
                              else "init='zero'")

    if not trees:
        raise ExportError("the model has no trees")
    if extra_metadata:
        for key, v in extra_metadata.items():
            if not isinstance(key, str) or not isinstance(v, str):
                raise ExportError("metadata keys and values must be strings: "
                                  "%r: %r" % (key, v))
            meta[key] = v
    meta["n_trees"] = str(len(trees))

    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "type": "tree_ensemble",
        "link": link,
        "feature_names": names,
        "n_outputs": k,
        "aggregation": aggregation,
        "base_score": base_score,
        "threshold_type": "float32",
        "comparison": "<=",
        "metadata": meta,
        "trees": trees,
    }
    if is_classifier(model) and link == "identity":
        # Forest and single-tree classifiers average class probabilities.
        doc["raw_is_probability"] = True
    _verify(model, doc)
    return doc


def _hist_to_dict(model, feature_names, extra_metadata):
    import sklearn

    if not hasattr(model, "_predictors"):
        raise ExportError("the %s is not fitted" % type(model).__name__)
    n_features = int(model.n_features_in_)
    names = _base._check_feature_names(model, feature_names, n_features)
    try:
        link, k, base, trees, cats, hmeta = _hist.hist_parts(model,
                                                            n_features,
                                                            _finite)
    except _hist.HistExportError as e:
        raise ExportError(str(e)) from None
    meta = {
        "source": _module_name(model),
        "sklearn_version": sklearn.__version__,
        "params": _base._params_string(model),
    }
    if is_classifier(model):
        classes = [str(c) for c in model.classes_]
        meta["classes"] = json.dumps(classes, ensure_ascii=False)
        meta["outputs"] = ("margin of class %s (decision_function)"
                           % classes[1] if k == 1 else
                           "margin of each class, in classes order "
                           "(decision_function)")
    else:
        meta["outputs"] = ("regression target" if link == "identity" else
                           "log of the predicted mean")
    meta.update(hmeta)
    for key, v in (extra_metadata or {}).items():
        if not isinstance(key, str) or not isinstance(v, str):
            raise ExportError("metadata keys and values must be strings: "
                              "%r: %r" % (key, v))
        meta[key] = v
    if not trees:
        raise ExportError("the model has no trees")
    meta["n_trees"] = str(len(trees))
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "type": "tree_ensemble",
        "link": link,
        "feature_names": names,
        "n_outputs": k,
        "aggregation": "sum",
        "base_score": base,
        "threshold_type": "float64",
        "comparison": "<=",
        "metadata": meta,
    }
    if cats:
        doc["categories"] = {names[j]: [_hist.category_name(v) for v in c]
                             for j, c in sorted(cats.items())}
    doc["trees"] = trees
    _verify(model, doc)
    return doc


# ---------------------------------------------------------------- checking

def raw_output(doc, x):
    """Evaluate a document on rows x (float64, n x M): the raw output, n x K.
    Sums in file order, so a sklearn "sum" model is reproduced exactly;
    "mean" sums from zero, divides by the tree count, then adds
    base_score, as scikit-learn's forests do."""
    x = np.asarray(x, dtype=np.float64)
    if doc["threshold_type"] == "float32":
        x = x.astype(np.float32).astype(np.float64)
    le = doc["comparison"] == "<="
    k = doc["n_outputs"]
    n = x.shape[0]
    base = np.array(doc["base_score"], dtype=np.float64)
    total = np.zeros((n, k))
    count = np.zeros(k)
    if doc["aggregation"] == "sum":
        total += base
    rows = np.arange(n)
    n_known = [len(doc.get("categories", {}).get(name, []))
               for name in doc["feature_names"]]
    for t in doc["trees"]:
        feat = np.array(t["feature"])
        thr = np.array(t["threshold"], dtype=np.float64)
        left = np.array(t["left"])
        right = np.array(t["right"])
        dl = np.array(t.get("default_left", [0] * len(feat)), dtype=bool)
        cats = t.get("left_categories", [None] * len(feat))
        is_cat = np.array([c is not None for c in cats])
        listed = [set(c or ()) for c in cats]
        node = np.zeros(n, dtype=np.int64)
        while True:
            f = feat[node]
            inner = f >= 0
            if not inner.any():
                break
            v = x[rows, np.where(inner, f, 0)]
            with np.errstate(invalid="ignore"):
                go_left = (v <= thr[node]) if le else (v < thr[node])
            if "default_left" in t:
                go_left = np.where(np.isnan(v), dl[node], go_left)
            for r in np.nonzero(inner & is_cat[node])[0]:
                i, val = node[r], v[r]
                known = val == val and 0 <= val < n_known[feat[i]]
                go_left[r] = (int(val) in listed[i]) if known else dl[i]
            node = np.where(inner, np.where(go_left, left[node], right[node]),
                            node)
        if t["output"] == "all":
            total += np.array(t["value"], dtype=np.float64)[node]
            count += 1
        else:
            total[:, t["output"]] += np.array(t["value"],
                                              dtype=np.float64)[node]
            count[t["output"]] += 1
    if doc["aggregation"] == "mean":
        total = total / np.maximum(count, 1) + base
    return total


def _probe(doc, n_rows, seed):
    """Rows whose cells sit on, just below and just above (in float32) the
    thresholds the model uses, so that both branches and the <= ties are
    exercised, plus a few plain random values."""
    m = len(doc["feature_names"])
    cand = [[] for _ in range(m)]
    for t in doc["trees"]:
        for f, thr in zip(t["feature"], t["threshold"]):
            if f >= 0 and doc["threshold_type"] == "float64":
                with np.errstate(over="ignore"):
                    cand[f].extend([thr, np.nextafter(thr, -np.inf),
                                    np.nextafter(thr, np.inf)])
            elif f >= 0:
                c = np.float32(thr)
                cand[f].extend([float(c), float(np.nextafter(c, np.float32(
                    -np.inf))), float(np.nextafter(c, np.float32(np.inf)))])
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_rows, m)) * 100.0
    for j in range(m):
        if cand[j]:
            c = np.array(cand[j])
            pick = rng.random(n_rows) < 0.9
            x[pick, j] = c[rng.integers(0, len(c), size=int(pick.sum()))]
    cats = doc.get("categories", {})
    for j, name in enumerate(doc["feature_names"]):
        if name in cats:
            # every code, and values that are none: -1, past the last, NaN
            codes = np.array(list(range(len(cats[name]))) +
                             [-1.0, len(cats[name]), 300.0, np.nan])
            x[:, j] = codes[rng.integers(0, len(codes), size=n_rows)]
    if any("default_left" in t for t in doc["trees"]):
        x[rng.random((n_rows, m)) < 0.1] = np.nan
    return x


def _expit(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _verify(model, doc, n_rows=256, seed=0):
    x = _probe(doc, n_rows, seed)
    ours = raw_output(doc, x)
    family, is_clf = _kind(model)
    checks = []
    if family == "hist":
        # the estimator reads category values, not codes
        x = _hist.codes_to_raw(model, x, len(doc["feature_names"]),
                               doc["feature_names"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if family == "hist" and not is_clf:
            checks.append(("_raw_predict", ours,
                           np.asarray(model._raw_predict(x)).reshape(n_rows,
                                                                     -1)))
            pred = np.asarray(model.predict(x)).reshape(n_rows, -1)
            checks.append(("predict", np.exp(ours) if doc["link"] == "log"
                           else ours, pred))
        elif not is_clf:
            checks.append(("predict", ours,
                           np.asarray(model.predict(x)).reshape(n_rows, -1)))
        elif family not in ("gb", "hist"):
            checks.append(("predict_proba", ours,
                           np.asarray(model.predict_proba(x))))
        else:
            checks.append(("decision_function", ours, np.asarray(
                model.decision_function(x)).reshape(n_rows, -1)))
            p = np.asarray(model.predict_proba(x))
            if doc["link"] == "logit":
                checks.append(("predict_proba", _expit(ours), p[:, 1:2]))
            else:
                checks.append(("predict_proba", _softmax(ours), p))
    for what, a, b in checks:
        if a.shape != b.shape:
            raise ExportError("self-check: the estimator's %s has shape %s, "
                              "the export's %s" % (what, b.shape, a.shape))
        err = np.abs(a - b) / np.maximum(np.abs(b), 1.0)
        if not np.all(err <= 1e-12):
            raise ExportError(
                "self-check failed: the exported trees do not reproduce the "
                "estimator's %s (relative error %.3g); this scikit-learn "
                "version may compute it differently"
                % (what, float(np.nanmax(err))))


# ---------------------------------------------------------------- writing

def _dump(v):
    return json.dumps(v, ensure_ascii=False, allow_nan=False)


def to_text(doc):
    """JSON text: one line per top-level key and per tree array, so that the
    file stays readable and diffs stay small."""
    out = ["{"]
    keys = list(doc.keys())
    for i, key in enumerate(keys):
        comma = "," if i + 1 < len(keys) else ""
        v = doc[key]
        if key == "metadata":
            out.append('  "metadata": {')
            items = list(v.items())
            for j, (mk, mv) in enumerate(items):
                out.append("    %s: %s%s" % (_dump(mk), _dump(mv),
                                             "," if j + 1 < len(items) else ""))
            out.append("  }" + comma)
        elif key == "trees":
            out.append('  "trees": [')
            for j, t in enumerate(v):
                out.append("    {")
                tk = list(t.keys())
                for q, name in enumerate(tk):
                    out.append("      %s: %s%s" % (
                        _dump(name), _dump(t[name]),
                        "," if q + 1 < len(tk) else ""))
                out.append("    }" + ("," if j + 1 < len(v) else ""))
            out.append("  ]" + comma)
        else:
            out.append("  %s: %s%s" % (_dump(key), _dump(v), comma))
    out.append("}")
    return "\n".join(out) + "\n"


def write_model(doc, path):
    """Write a document to path ("-": standard output), atomically."""
    text = to_text(doc)
    if path == "-":
        sys.stdout.write(text)
        return
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".json",
                                   dir=folder)
    except OSError as e:
        raise OSError(e.errno, "cannot write %s: %s"
                      % (path, e.strerror)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def export(model, path, feature_names=None, extra_metadata=None):
    """Convert and write in one call; returns the document."""
    doc = model_to_dict(model, feature_names, extra_metadata)
    write_model(doc, path)
    return doc


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="export_sklearn_trees.py",
        description="Write a fitted scikit-learn tree model (pickle or joblib "
                    "file) as an xplain tree-ensemble JSON model. Loading a "
                    "pickle runs code from it: only use files you trust.")
    p.add_argument("model", help="pickled or joblib-dumped fitted estimator")
    p.add_argument("-o", "--output", default="-",
                   help="JSON file to write (default: standard output)")
    names = p.add_mutually_exclusive_group()
    names.add_argument("--feature-names", metavar="A,B,...",
                       help="comma-separated feature names in column order "
                            "(when the model has no feature_names_in_)")
    names.add_argument("--feature-names-file", metavar="FILE",
                       help="file with one feature name per line")
    p.add_argument("--metadata", metavar="KEY=VALUE", action="append",
                   default=[], help="extra metadata entry (repeatable)")
    args = p.parse_args(argv)

    feature_names = None
    if args.feature_names is not None:
        feature_names = args.feature_names.split(",")
    extra = {}
    for item in args.metadata:
        key, sep, value = item.partition("=")
        if not sep or not key:
            p.error("--metadata expects KEY=VALUE, got %r" % item)
        extra[key] = value
    try:
        if args.feature_names_file is not None:
            with open(args.feature_names_file, encoding="utf-8") as f:
                feature_names = [ln.rstrip("\r\n") for ln in f
                                 if ln.strip() != ""]
        try:
            model = _base._load_estimator(args.model)
        except OSError:
            raise
        except Exception as e:  # unpickling raises many kinds
            raise ExportError("cannot load the estimator (is this a pickle "
                              "or joblib file?): %s: %s"
                              % (type(e).__name__, e)) from None
        export(model, args.output, feature_names, extra)
    except ExportError as e:
        print("export_sklearn_trees.py: error: %s: %s" % (args.model, e),
              file=sys.stderr)
        return 1
    except OSError as e:
        msg = e.strerror or str(e)
        if e.filename:
            msg = "%s: %s" % (e.filename, msg)
        print("export_sklearn_trees.py: error: %s" % msg, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
