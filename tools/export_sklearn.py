#!/usr/bin/env python3
"""Write a fitted scikit-learn linear model as an xplain JSON model.

Usage as a program (the model is a pickle or joblib file):

    /usr/bin/python3 tools/export_sklearn.py model.pkl -o model.json
    /usr/bin/python3 tools/export_sklearn.py model.pkl -o model.json \\
        --feature-names age,sex,bmi

Usage as a module:

    from export_sklearn import export
    export(fitted_model, "model.json")    # names from feature_names_in_
    export(fitted_model, "model.json", feature_names=["a", "b"])
    doc = model_to_dict(fitted_model)     # the JSON document as a dict

Supported estimators and what they become:

    LinearRegression, Ridge, RidgeCV, Lasso, LassoCV, ElasticNet,
    ElasticNetCV, MultiTask{Lasso,ElasticNet}[CV]
        link "identity", one output per regression target.
    LogisticRegression, LogisticRegressionCV with two classes
        link "logit", one output: the margin of classes_[1]
        (coef_[0], intercept_[0]), so probability = 1 / (1 + exp(-margin)).
        A binary model fitted with multi_class="multinomial" predicts
        softmax([-d, d]), i.e. a logistic of 2d: its coefficients are
        exported doubled (exact in binary floating point) and the metadata
        says so.
    LogisticRegression, LogisticRegressionCV multinomial (K > 2 classes)
        link "softmax", K outputs, one per row of coef_, in classes_ order.

One-vs-rest multiclass logistic regression is refused: its probabilities are
independent sigmoids renormalised to sum to one, which is not a softmax of
any linear margins.

Numbers are written with Python's shortest round-trip repr, so every double
in the file parses back to exactly the estimator's value. Before writing, the
exported coefficients are checked against the estimator's own predict /
decision_function / predict_proba on a seeded random probe.

Loading a pickle runs code from the file: only export models you trust.
"""

import argparse
import json
import math
import os
import sys
import tempfile
import warnings

import numpy as np

FORMAT = "xplain-model"
FORMAT_VERSION = 1

# Limits mirrored from include/xplain/xplain.h.
MAX_FEATURES = 1 << 20
MAX_OUTPUTS = 1 << 16
MAX_NAME_LENGTH = 4096

_REGRESSOR_NAMES = (
    "LinearRegression",
    "Ridge",
    "RidgeCV",
    "Lasso",
    "LassoCV",
    "ElasticNet",
    "ElasticNetCV",
    "MultiTaskLasso",
    "MultiTaskLassoCV",
    "MultiTaskElasticNet",
    "MultiTaskElasticNetCV",
)
_CLASSIFIER_NAMES = ("LogisticRegression", "LogisticRegressionCV")


class ExportError(ValueError):
    """The estimator cannot be written as an xplain linear model."""


def _supported_classes():
    from sklearn import linear_model

    reg = {getattr(linear_model, n) for n in _REGRESSOR_NAMES}
    clf = {getattr(linear_model, n) for n in _CLASSIFIER_NAMES}
    return reg, clf


def _dense(a):
    """coef_ may be a scipy sparse matrix after .sparsify()."""
    if hasattr(a, "toarray"):
        a = a.toarray()
    return np.asarray(a, dtype=np.float64)


def _check_feature_names(model, feature_names, n_features):
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is not None:
        fitted = [str(n) for n in fitted]
    if feature_names is not None:
        names = list(feature_names)
        if fitted is not None and names != fitted:
            raise ExportError(
                "the feature names given differ from the names the model was "
                "fitted with (feature_names_in_ = %s); omit them to use the "
                "model's own" % json.dumps(fitted, ensure_ascii=False))
    elif fitted is not None:
        names = fitted
    else:
        raise ExportError(
            "the model has no feature_names_in_ (it was fitted on an array, "
            "not a DataFrame): give the %d feature names in column order "
            "(--feature-names or feature_names=)" % n_features)

    if len(names) != n_features:
        raise ExportError(
            "%d feature names given but the model has %d features"
            % (len(names), n_features))
    seen = set()
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise ExportError("feature name %d is not a string: %r"
                              % (i, name))
        if name == "":
            raise ExportError("feature name %d is empty" % i)
        if "\0" in name:
            raise ExportError("feature name %d contains a NUL character" % i)
        try:
            size = len(name.encode("utf-8"))
        except UnicodeEncodeError:
            raise ExportError("feature name %d is not valid Unicode: %r"
                              % (i, name)) from None
        if size > MAX_NAME_LENGTH:
            raise ExportError("feature name %d is %d bytes long (limit %d)"
                              % (i, size, MAX_NAME_LENGTH))
        if name in seen:
            raise ExportError("feature name %r appears more than once" % name)
        seen.add(name)
    return names


def _logistic_is_ovr(model):
    """Mirror LogisticRegression.predict_proba's choice between one-vs-rest
    sigmoids and a softmax (scikit-learn 1.2; 'deprecated' is 1.5+'s default).
    The probe in _verify catches any version where this drifts."""
    mc = getattr(model, "multi_class", "auto")
    solver = getattr(model, "solver", "lbfgs")
    if mc in ("ovr", "warn"):
        return True
    if mc in ("auto", "deprecated"):
        return len(model.classes_) <= 2 or solver in ("liblinear",
                                                      "newton-cholesky")
    return False


def _params_string(model):
    out = {}
    for k, v in sorted(model.get_params(deep=False).items()):
        if v is None or isinstance(v, (bool, int, str)):
            out[k] = v
        elif isinstance(v, float) and math.isfinite(v):
            out[k] = v
        else:
            out[k] = repr(v)
    return json.dumps(out, sort_keys=True, ensure_ascii=False)


def _check_finite(coef, intercept, names):
    for k in range(coef.shape[0]):
        if not math.isfinite(intercept[k]):
            raise ExportError("intercept of output %d is %r: refusing to "
                              "export non-finite coefficients"
                              % (k, float(intercept[k])))
        bad = np.flatnonzero(~np.isfinite(coef[k]))
        if bad.size:
            j = int(bad[0])
            raise ExportError(
                "coefficient of output %d, feature %d (%r) is %r: refusing to "
                "export non-finite coefficients (%d such values in all)"
                % (k, j, names[j], float(coef[k, j]),
                   int(np.count_nonzero(~np.isfinite(coef)))))


def model_to_dict(model, feature_names=None, extra_metadata=None):
    """Return the xplain JSON document (a dict) for a fitted estimator.

    feature_names: column names in the model's feature order; required when
    the model has no feature_names_in_, and must equal it when it has.
    extra_metadata: dict of str -> str merged into "metadata".
    Raises ExportError for unsupported or unusable models.
    """
    import sklearn

    regressors, classifiers = _supported_classes()
    cls = type(model)
    if cls not in regressors and cls not in classifiers:
        hint = ""
        if hasattr(model, "steps"):
            hint = (" (a Pipeline: export its final estimator, "
                    "pipeline[-1], and explain data already transformed "
                    "by the earlier steps)")
        raise ExportError(
            "unsupported estimator %s%s; supported: %s"
            % (cls.__name__, hint,
               ", ".join(_REGRESSOR_NAMES + _CLASSIFIER_NAMES)))
    if not hasattr(model, "coef_"):
        raise ExportError("the %s is not fitted (no coef_)" % cls.__name__)

    coef = _dense(model.coef_)
    meta = {
        "source": "sklearn.linear_model." + cls.__name__,
        "sklearn_version": sklearn.__version__,
        "params": _params_string(model),
    }

    double = False
    if cls in regressors:
        link = "identity"
        coef2 = np.atleast_2d(coef)
        intercept = np.asarray(model.intercept_, dtype=np.float64).reshape(-1)
        if intercept.size == 1 and coef2.shape[0] > 1:
            # fit_intercept=False leaves a scalar 0.0 for every target.
            intercept = np.repeat(intercept, coef2.shape[0])
        meta["outputs"] = ("regression target" if coef2.shape[0] == 1 else
                           "%d regression targets" % coef2.shape[0])
    else:
        classes = [str(c) for c in model.classes_]
        meta["classes"] = json.dumps(classes, ensure_ascii=False)
        intercept = np.asarray(model.intercept_, dtype=np.float64).reshape(-1)
        coef2 = np.atleast_2d(coef)
        ovr = _logistic_is_ovr(model)
        n_iter = np.asarray(getattr(model, "n_iter_", [])).reshape(-1)
        if n_iter.size:
            meta["n_iter"] = str(int(n_iter.max()))
        meta["max_iter"] = str(model.max_iter)
        if len(classes) < 2:
            raise ExportError("the classifier was fitted on a single class")
        if len(classes) == 2:
            link = "logit"
            coef2 = coef2[:1]
            intercept = intercept[:1]
            meta["positive_class"] = classes[1]
            meta["outputs"] = "margin of class %s" % classes[1]
            if ovr:
                meta["multi_class"] = "ovr"
            else:
                # predict_proba = softmax([-d, d]) = logistic(2 d).
                meta["multi_class"] = "multinomial"
                meta["margin_scale"] = ("2 (coefficients are twice "
                                        "decision_function's)")
                double = True
        else:
            if ovr:
                raise ExportError(
                    "one-vs-rest multiclass LogisticRegression (%d classes, "
                    "multi_class=%r, solver=%r) cannot be exported: its "
                    "probabilities are per-class sigmoids normalised to sum "
                    "to one, not a softmax. Refit with "
                    "multi_class='multinomial' (solver lbfgs, newton-cg, sag "
                    "or saga)" % (len(classes),
                                  getattr(model, "multi_class", None),
                                  getattr(model, "solver", None)))
            link = "softmax"
            meta["multi_class"] = "multinomial"
            meta["outputs"] = "margin of each class, in classes order"

    n_outputs, n_features = coef2.shape
    if intercept.shape != (n_outputs,):
        raise ExportError("intercept_ has %d values for %d outputs"
                          % (intercept.size, n_outputs))
    if n_features == 0 or n_features > MAX_FEATURES:
        raise ExportError("%d features (allowed 1..%d)"
                          % (n_features, MAX_FEATURES))
    if n_outputs > MAX_OUTPUTS:
        raise ExportError("%d outputs (limit %d)" % (n_outputs, MAX_OUTPUTS))
    n_in = getattr(model, "n_features_in_", n_features)
    if n_in != n_features:
        raise ExportError("coef_ has %d columns but n_features_in_ is %d"
                          % (n_features, n_in))

    names = _check_feature_names(model, feature_names, n_features)
    _check_finite(coef2, intercept, names)
    if double:
        # Exact: multiplying by 2 only changes the exponent.
        with np.errstate(over="ignore"):
            coef2 = coef2 * 2.0
            intercept = intercept * 2.0
        if not (np.all(np.isfinite(coef2)) and np.all(np.isfinite(intercept))):
            raise ExportError("a coefficient overflows when doubled to turn "
                              "the binary multinomial model into a logit "
                              "margin")

    if extra_metadata:
        for k, v in extra_metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise ExportError("metadata keys and values must be strings: "
                                  "%r: %r" % (k, v))
            meta[k] = v

    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "type": "linear",
        "link": link,
        "feature_names": names,
        "intercept": [float(v) for v in intercept],
        "coef": [[float(v) for v in row] for row in coef2],
        "metadata": meta,
    }
    _verify(model, doc)
    return doc


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _verify(model, doc, n_rows=16, seed=0):
    """Compare the document's outputs with the estimator's on random rows."""
    coef = np.array(doc["coef"], dtype=np.float64)
    intercept = np.array(doc["intercept"], dtype=np.float64)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_rows, coef.shape[1]))
    ours = x @ coef.T + intercept
    scale = np.abs(x) @ np.abs(coef).T + np.abs(intercept)
    link = doc["link"]
    with warnings.catch_warnings():
        # A model fitted on a DataFrame warns about a plain array.
        warnings.simplefilter("ignore", UserWarning)
        if link == "identity":
            theirs = np.asarray(model.predict(x), dtype=np.float64)
            what = "predict"
        elif link == "logit":
            theirs = np.asarray(model.predict_proba(x))[:, 1:2]
            ours = 1.0 / (1.0 + np.exp(-ours))
            scale = np.ones_like(ours)
            what = "predict_proba"
        else:
            theirs = np.asarray(model.predict_proba(x))
            ours = _softmax(ours)
            scale = np.ones_like(ours)
            what = "predict_proba"
    theirs = theirs.reshape(n_rows, -1)
    if theirs.shape != ours.shape:
        raise ExportError("self-check: the estimator's %s gives %d outputs, "
                          "the export %d" % (what, theirs.shape[1],
                                             ours.shape[1]))
    err = np.abs(ours - theirs) / np.maximum(scale, np.finfo(float).tiny)
    if not np.all(err <= 1e-9):
        raise ExportError("self-check failed: the exported coefficients do "
                          "not reproduce the estimator's %s (relative error "
                          "%.3g); this scikit-learn version may compute it "
                          "differently" % (what, float(np.nanmax(err))))


def write_model(doc, path):
    """Write a document from model_to_dict to path ("-": standard output).
    A file is written under a temporary name and renamed into place."""
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
    text += "\n"
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


def _load_estimator(path):
    try:
        import joblib  # also reads plain pickles
        return joblib.load(path)
    except ImportError:
        import pickle
        with open(path, "rb") as f:
            return pickle.load(f)


def _read_names_file(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\r\n") for line in f if line.strip() != ""]


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="export_sklearn.py",
        description="Write a fitted scikit-learn linear model (pickle or "
                    "joblib file) as an xplain JSON model. Loading a pickle "
                    "runs code from it: only use files you trust.")
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
            feature_names = _read_names_file(args.feature_names_file)
        try:
            model = _load_estimator(args.model)
        except OSError:
            raise
        except Exception as e:  # unpickling raises many kinds
            raise ExportError("cannot load the estimator (is this a pickle "
                              "or joblib file?): %s: %s"
                              % (type(e).__name__, e)) from None
        export(model, args.output, feature_names, extra)
    except ExportError as e:
        print("export_sklearn.py: error: %s: %s" % (args.model, e),
              file=sys.stderr)
        return 1
    except OSError as e:
        msg = e.strerror or str(e)
        if e.filename:
            msg = "%s: %s" % (e.filename, msg)
        print("export_sklearn.py: error: %s" % msg, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
