"""xplain.Explainer and xplain.Explanation: shap-like objects over
libxplain's explainers."""

import ctypes
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import _lib, errors
from ._data import frame_names, to_matrix
from .model import Dataset, Model, load_model, wrap_model

METHODS = ("auto", "tree-shap", "linear-shap", "kernel-shap", "lime")


def _is_library_model(obj):
    mod = type(obj).__module__.split(".")[0]
    return mod in ("xgboost", "sklearn", "lightgbm")


class Explainer:
    """Explain a model's predictions.

    Built on libxplain's one explainer API (<xplain/explainer.h>), the
    path the `explain` CLI runs: the same options give the same bytes.

    model: a :class:`xplain.Model`, anything :func:`xplain.load_model`
        accepts (a path, an xgboost, lightgbm or scikit-learn model), or a
        Python
        callable ``f(X) -> predictions`` on 2-D float arrays (explained with
        Kernel SHAP or LIME; give feature_names, and a background).
    background: rows (numpy array or DataFrame, columns matched by name)
        over which SHAP values are computed (interventional), or LIME's
        training data; None uses the background embedded in a model.bin,
        and TreeSHAP then runs path-dependent if there is none.
    background_weights: optional weights of the background rows.
    method: "auto" (the library's choice: exact TreeSHAP or linear SHAP
        for tree and linear models explaining raw margins with Kernel
        SHAP's settings at their defaults, else Kernel SHAP), "tree-shap",
        "linear-shap", "kernel-shap" or "lime"; ``method`` and
        ``algorithm`` (e.g. "tree-shap-interventional") say what runs.
    seed: seed of the sampling methods; a row's numbers depend only on the
        seed and the row's values (not on its position, other rows or
        threads), as in the CLI.
    threads: rows explained in parallel; None uses every core.
    interactions: TreeSHAP interaction values (path-dependent).
    output: the explained output, "raw" (margins), "probability" or
        "response"; None means raw for SHAP and, for LIME, probabilities
        of classifiers and raw outputs of other models.
    link, nsamples, tolerance, l1_reg, l1_top_k, sampler: Kernel SHAP
        options (docs/kernel-shap.md).
    class_index: explain this class (output) only; None: every output
        for the SHAP methods (class 1 of a binary classifier), the
        predicted class for LIME (docs/output.md).
    num_samples, num_features, kernel_width, discretizer,
    feature_selection, categorical, repeats, sample_around_instance,
    label_decimals: LIME options (docs/lime.md).

    Use it as a context manager, or call close(), to release the C
    explainer before garbage collection.
    """

    def __init__(self, model, background=None, method="auto", seed=0,
                 threads=None, feature_names=None, background_weights=None,
                 interactions=False, output=None, link="identity",
                 nsamples=None, tolerance=0.0, l1_reg=None, l1_top_k=0,
                 sampler="xplain", num_samples=5000, num_features=None,
                 kernel_width=None, discretizer="quartile",
                 feature_selection="auto", categorical=None,
                 class_index=None, repeats=1, sample_around_instance=False,
                 label_decimals=2):
        self._c = None
        if method == "shap":
            method = "auto"
        if method not in METHODS:
            raise errors.InvalidArgumentError(
                "method must be one of %s, not %r"
                % (", ".join(METHODS), method))
        if isinstance(model, Model):
            self.model = model
        elif callable(model) and not _is_library_model(model):
            if feature_names is None:
                feature_names = frame_names(background)
            if feature_names is None:
                if background is None:
                    raise errors.InvalidArgumentError(
                        "a Python callable needs feature_names or a "
                        "background")
                feature_names = np.asarray(background).shape[-1]
            probe = None if background is None else background
            if probe is not None and hasattr(probe, "iloc"):
                probe = probe.iloc[:1]
            elif probe is not None:
                probe = np.asarray(probe, dtype=np.float64)[:1]
            self.model = wrap_model(model, feature_names, probe=probe)
        else:
            self.model = load_model(model, feature_names=feature_names)
        m = self.model
        self.feature_names = m.feature_names
        if threads is None:
            threads = len(os.sched_getaffinity(0)) if hasattr(
                os, "sched_getaffinity") else (os.cpu_count() or 1)
        self.threads = _positive_int(threads, "threads")
        self.seed = _int_in(seed, 0, 2**64 - 1, "seed")
        self.interactions = bool(interactions)
        self._bg = None
        if background is not None:
            X = to_matrix(background, self.feature_names, "background")
            if X.shape[0] == 0:
                raise errors.InvalidArgumentError("background: no rows")
            self._bg = Dataset(X, self.feature_names, background_weights)
        elif background_weights is not None:
            raise errors.InvalidArgumentError(
                "background_weights without a background")
        o = _lib.ExplainerOptions()
        o.version = 1
        o.method = _lib.METHOD[method]
        o.output = _lib.OUTPUT_AUTO if output is None else _choice(
            _lib.OUTPUT, output, "output")
        o.class_index = _lib.ALL_OUTPUTS if class_index is None else \
            _int_in(class_index, 0, 2**31 - 1, "class_index")
        o.seed = self.seed
        o.kernel_shap = _lib.KernelShapOptions(
            1, _int_in(nsamples or 0, 0, 2**63, "nsamples"),
            0, _choice(_lib.LINK, link, "link"), 0,
            _float(tolerance, "tolerance"),
            _choice(_lib.L1_REG, l1_reg, "l1_reg"),
            _int_in(l1_top_k, 0, 2**63, "l1_top_k"),
            _choice(_lib.KS_SAMPLER, sampler, "sampler"))
        o.tree_shap.interactions = int(self.interactions)
        cat = self._categorical(categorical)
        o.lime = _lib.LimeOptions(
            1, _int_in(num_samples, 0, 2**63, "num_samples"),
            _int_in(num_features or 0, 0, 2**63, "num_features"),
            _float(kernel_width or 0.0, "kernel_width"),
            _choice(_lib.LIME_DISCRETIZER, discretizer, "discretizer"),
            _choice(_lib.LIME_SELECTION, feature_selection,
                    "feature_selection"),
            cat, len(cat) if cat is not None else 0, 0, 0, 0,
            _int_in(repeats, 0, 2**32 - 1, "repeats"),
            int(bool(sample_around_instance)),
            _int_in(label_decimals, -2**31, 2**31 - 1, "label_decimals"))
        h = ctypes.POINTER(_lib.Explainer)()
        mh = m._acquire()          # the explainer borrows the C model
        try:
            m._call(_lib.lib.xpl_explainer_new, ctypes.byref(h), m,
                    self._bg.handle if self._bg is not None else None,
                    ctypes.byref(o))
        except BaseException:
            m._release()
            raise
        del mh
        self._c = h
        self._lock = threading.Lock()
        self._busy = 0
        self._closed = False
        lib = _lib.lib
        self.method = lib.xpl_method_name(
            lib.xpl_explainer_method_id(h)).decode()
        self.algorithm = lib.xpl_explainer_method(h).decode()
        self.n_features = lib.xpl_explainer_n_features(h)
        self.n_classes = lib.xpl_explainer_n_classes(h)
        # explanations per row (1 for LIME or with a class_index)
        self.n_outputs = lib.xpl_explainer_n_outputs(h)
        self._repeats = int(repeats)
        self._expected = None
        self.unit = self._unit(output, link)

    def _categorical(self, categorical):
        if not categorical:
            return None
        idx = []
        for c in categorical:
            if isinstance(c, (int, np.integer)) and not isinstance(c, bool):
                if not 0 <= int(c) < len(self.feature_names):
                    raise errors.InvalidArgumentError(
                        "categorical: no feature %d (the model has %d)"
                        % (int(c), len(self.feature_names)))
                idx.append(int(c))
            elif c in self.feature_names:
                idx.append(self.feature_names.index(c))
            else:
                raise errors.InvalidArgumentError(
                    "categorical: no feature %r" % (c,))
        self._cat = (ctypes.c_size_t * len(idx))(*idx)   # kept alive
        return self._cat

    def _unit(self, output, link):
        """The unit charts show, by the CLI's rule: classifier margins are
        log-odds, probabilities probabilities, Kernel SHAP's logit link
        puts them back on the log-odds scale."""
        m = self.model
        kind_out = output if output is not None else (
            "probability" if self.method == "lime" and m.is_classifier
            else "raw")
        classes = m.link in ("logit", "softmax")
        if self.method == "kernel-shap" and link == "logit":
            return "log-odds"
        if kind_out == "probability":
            return "probability"
        if kind_out == "response":
            return "probability" if classes else "response"
        if classes:
            return "log-odds"
        return "log of the response" if m.link == "log" else "response"

    # ----------------------------------------------------------- closing
    def close(self):
        """Release the C explainer now (and the model's C object if it was
        closed and this was its last explainer); a call running in another
        thread finishes first. Calls afterwards raise
        :class:`xplain.errors.ClosedError`. Closing twice is harmless."""
        lock = getattr(self, "_lock", None)
        if lock is None:           # __init__ failed before the C explainer
            return
        with lock:
            self._closed = True
            self._free_if_unused()

    def _free_if_unused(self):
        # with self._lock held
        if self._closed and self._busy == 0 and self._c:
            c, self._c = self._c, None
            _lib.lib.xpl_explainer_free(c)
            self.model._release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _acquire(self):
        """The C explainer, borrowed for one call (close() from another
        thread waits for the call to end); give it back with _release()."""
        with self._lock:
            if self._closed:
                raise errors.ClosedError("the explainer is closed")
            self.model._acquire()  # ClosedError if the model was closed
            self._busy += 1
            return self._c

    def _release(self):
        self.model._release()
        with self._lock:
            self._busy -= 1
            self._free_if_unused()

    @property
    def expected_value(self):
        """The SHAP base values (expected model output over the
        background, or the trees' root value when path-dependent): a float,
        or an array per output; None for LIME, whose intercept is per
        row."""
        if self.method == "lime":
            return None
        if self._expected is None:
            # the same for every row: explain one (zeros; linear SHAP
            # needs finite values, and any value does)
            e = self(np.zeros((1, self.n_features)), threads=1)
            self._expected = e.base_values[0]
        return self._expected

    # -------------------------------------------------------- explaining
    def __call__(self, X, threads=None):
        """Explain the rows of X (array or DataFrame): an
        :class:`Explanation`."""
        x = to_matrix(X, self.feature_names, "X")
        threads = self.threads if threads is None else \
            _positive_int(threads, "threads")
        c = self._acquire()
        try:
            return self._explain(c, X, x, threads)
        finally:
            self._release()

    def _explain(self, c, X, x, threads):
        n, P, K = x.shape[0], self.n_features, self.n_outputs
        lime = self.method == "lime"
        se = self.method == "kernel-shap" or (lime and self._repeats > 1)
        r = {
            "contrib": np.zeros((n, K, P)),
            "base": np.zeros((n, K)),
            "pred": np.zeros((n, K)),
            "output": np.zeros((n, K), dtype=np.intp),
            "se": np.full((n, K, P), np.nan) if se else None,
            "inter": np.zeros((n, K, P + 1, P + 1)) if self.interactions
            else None,
        }
        if lime:
            r["selected"] = np.zeros((n, P), dtype=np.uint8)
            r["lime"] = np.zeros((n, 3))   # intercept, score, local pred.
            r["conditions"] = [None] * n
        if self.model._callback is not None:
            self.model._callback.error = None
        threads = max(1, min(threads, n))
        bounds = np.linspace(0, n, threads + 1).astype(int)
        chunks = [(bounds[t], bounds[t + 1]) for t in range(threads)
                  if bounds[t + 1] > bounds[t]]
        if len(chunks) <= 1:
            failures = [self._run(c, x, r, 0, n)]
        else:
            with ThreadPoolExecutor(len(chunks)) as pool:
                failures = list(pool.map(
                    lambda ch: self._run(c, x, r, ch[0], ch[1]), chunks))
        for fail in failures:
            if fail is not None:
                i, rc, msg, cause = fail
                exc = errors.error_for(rc, "row %d: %s" % (i, msg))
                if cause is not None:
                    raise exc from cause
                raise exc
        return Explanation._build(self, X, x, r)

    def _run(self, c, x, r, lo, hi):
        """Explain rows lo..hi-1 on the calling thread with its own
        workspace; returns None or the first failure (row, code, message,
        Python cause)."""
        lib = _lib.lib
        ws = ctypes.POINTER(_lib.Workspace)()
        rc = lib.xpl_workspace_new(ctypes.byref(ws))
        if rc < 0:
            return (lo, rc, _lib.last_error(), None)
        try:
            return self._rows(c, ws, x, r, lo, hi)
        finally:
            lib.xpl_workspace_free(ws)

    def _rows(self, c, ws, x, r, lo, hi):
        """The row loop: one xpl_explainer_explain per row (the CLI's
        call: the library seeds each row from the seed and its values),
        then the explanations' arrays copied out of the workspace."""
        P, K = self.n_features, self.n_outputs
        explain = _lib.lib.xpl_explainer_explain
        memmove = ctypes.memmove
        out = (_lib.ExplanationRaw * K)()
        views = list(out)
        out_p = ctypes.addressof(out)
        c_p = ctypes.cast(c, ctypes.c_void_p).value
        ws_p = ctypes.cast(ws, ctypes.c_void_p).value
        x_p = x.ctypes.data
        contrib = r["contrib"].ctypes.data
        base, pred, outs = r["base"], r["pred"], r["output"]
        se = r["se"].ctypes.data if r["se"] is not None else None
        inter = r["inter"].ctypes.data if r["inter"] is not None else None
        lime = self.method == "lime"
        row_bytes, inter_bytes = P * 8, (P + 1) * (P + 1) * 8
        for i in range(lo, hi):
            rc = explain(c_p, ws_p, x_p + i * row_bytes, out_p)
            if rc < 0:
                cb = self.model._callback
                return (i, rc, _lib.last_error(),
                        cb.error if cb is not None else None)
            for k, e in enumerate(views):
                at = i * K + k
                memmove(contrib + at * row_bytes, e.contributions, row_bytes)
                if se is not None and e.std_errors:
                    memmove(se + at * row_bytes, e.std_errors, row_bytes)
                if inter is not None:
                    memmove(inter + at * inter_bytes, e.interactions,
                            inter_bytes)
                base[i, k] = e.base_value
                pred[i, k] = e.prediction
                outs[i, k] = e.output
            if lime:
                e = views[0]
                memmove(r["selected"][i].ctypes.data, e.selected, P)
                r["lime"][i] = (e.intercept, e.score, e.local_prediction)
                labels = ctypes.cast(e.conditions,
                                     ctypes.POINTER(ctypes.c_char_p))
                r["conditions"][i] = [labels[j].decode("utf-8")
                                      for j in range(P)]
        return None


def _choice(table, value, what):
    try:
        return table[value]
    except (KeyError, TypeError):
        raise errors.InvalidArgumentError(
            "%s must be one of %s, not %r"
            % (what, ", ".join(repr(k) for k in table if k is not None),
               value)) from None


def _int_in(value, lo, hi, what):
    """An integer argument in [lo, hi] (ctypes would wrap it silently)."""
    if isinstance(value, bool) or not isinstance(
            value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and \
                float(value).is_integer():
            value = int(value)
        else:
            raise errors.InvalidArgumentError(
                "%s must be an integer, not %r" % (what, value))
    if not lo <= int(value) <= hi:
        raise errors.InvalidArgumentError(
            "%s must be in [%d, %d], not %d" % (what, lo, hi, int(value)))
    return int(value)


def _positive_int(value, what):
    return _int_in(value, 1, 2**31 - 1, what)


def _float(value, what):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise errors.InvalidArgumentError(
            "%s must be a number, not %r" % (what, value)) from None


class Explanation:
    """The explanation of n rows.

    values: (n, M) contributions, or (n, M, outputs) for a model with more
        than one output (shap's layout); for LIME, the surrogate's weights
        of the explained output (n, M).
    base_values: (n,) or (n, outputs); for LIME the surrogate's intercept.
    data: the explained rows (n, M), in model feature order.
    feature_names, output_names, method.
    predictions: the model's output for each row, in the explained scale.
    std_errors: Kernel SHAP's standard errors (LIME with repeats > 1: the
        weights' standard deviations), same shape as values, else None.
    interaction_values: (n, M, M) [or (n, M, M, outputs)] TreeSHAP
        interaction values when asked for, else None.
    LIME only: conditions (n lists of M labels), selected (n, M) bools,
        score, local_prediction, explained_class (n,): the class (output)
        each row's surrogate explains.
    outputs: the class (output) index of each entry of the last axis of
        values (shap's methods), by the library's rule (docs/output.md):
        [1] for a binary classifier with one model output (class 1; class
        0 is its complement); n_classes: the model's classes.
    """

    def __init__(self, values, base_values, data, feature_names, method,
                 predictions=None, std_errors=None, output_names=None,
                 interaction_values=None, index=None):
        self.values = values
        self.base_values = base_values
        self.data = data
        self.feature_names = list(feature_names)
        self.method = method
        self.predictions = predictions
        self.std_errors = std_errors
        self.output_names = output_names
        self.interaction_values = interaction_values
        self.index = index
        self.conditions = None
        self.selected = None
        self.score = None
        self.local_prediction = None
        self.explained_class = None

    # the library's output rule (docs/output.md): an explanation's output
    # is a class index (a binary classifier with one model output has
    # classes 0 and 1, and its SHAP explanations are of class 1); charts
    # say so. outputs: the class index of each entry of the last axis of
    # values; n_classes: the model's classes (outputs).
    n_classes = None
    outputs = None
    unit = None

    @classmethod
    def _build(cls, ex, X, x, r):
        n, P, K = x.shape[0], ex.n_features, ex.n_outputs
        index = X.index if hasattr(X, "index") and hasattr(X, "iloc") \
            else None
        lime = ex.method == "lime"

        def shaped(a):   # (n, K, P) -> shap's (n, P) or (n, P, K)
            if a is None:
                return None
            return a[:, 0, :].copy() if K == 1 \
                else np.ascontiguousarray(a.transpose(0, 2, 1))

        def per_output(a):   # (n, K) -> (n,) or (n, K)
            return a[:, 0].copy() if K == 1 else a.copy()

        inter = None
        if r["inter"] is not None:
            inter = r["inter"][:, :, :P, :P]
            inter = inter[:, 0].copy() if K == 1 else \
                np.ascontiguousarray(inter.transpose(0, 2, 3, 1))
        outputs = r["output"]
        e = cls(shaped(r["contrib"]),
                r["lime"][:, 0].copy() if lime else per_output(r["base"]),
                x, ex.feature_names, ex.method,
                predictions=per_output(r["pred"]),
                std_errors=shaped(r["se"]),
                output_names=None if K == 1 else
                ["output %d" % d for d in (outputs[0] if n else range(K))],
                interaction_values=inter, index=index)
        e.n_classes = ex.n_classes
        e.outputs = [int(d) for d in outputs[0]] if n and not lime else \
            None
        e.unit = ex.unit
        if lime:
            e.conditions = r["conditions"]
            e.selected = r["selected"].astype(bool)
            e.score = r["lime"][:, 1].copy()
            e.local_prediction = r["lime"][:, 2].copy()
            e.explained_class = outputs[:, 0].copy()
        return e

    def __len__(self):
        return self.values.shape[0]

    def __repr__(self):
        return "<xplain.Explanation %s: values %s>" % (
            self.method, "x".join(map(str, self.values.shape)))

    # ------------------------------------------------------ conversions
    def to_shap(self):
        """A shap.Explanation with the same values (shap.plots.* work on
        it). Needs shap."""
        import shap
        kw = {}
        if self.output_names is not None:
            kw["output_names"] = self.output_names
        return shap.Explanation(values=self.values,
                                base_values=self.base_values,
                                data=self.data,
                                feature_names=self.feature_names, **kw)

    def to_frame(self):
        """A pandas DataFrame, one row per explained row (the input's index
        for a DataFrame input): a column per feature with its contribution,
        then base_value and prediction; with several outputs the columns
        are named "output d:feature", "output d:base_value", ...
        Needs pandas."""
        import pandas as pd
        cols = {}
        if self.values.ndim == 2:
            for j, f in enumerate(self.feature_names):
                cols[f] = self.values[:, j]
            cols["base_value"] = self.base_values
            cols["prediction"] = self.predictions
        else:
            for d, o in enumerate(self.output_names):
                for j, f in enumerate(self.feature_names):
                    cols["%s:%s" % (o, f)] = self.values[:, j, d]
                cols["%s:base_value" % o] = self.base_values[:, d]
                cols["%s:prediction" % o] = self.predictions[:, d]
        return pd.DataFrame(cols, index=self.index)

    # ----------------------------------------------------------- charts
    def plot(self, kind="bar", path=None, output=0, rows=None, top_k=None,
             title=None, unit=None, feature=None, color_by=None,
             order_by_output=False, output_names=None):
        """Write xplain's SVG chart; returns the SVG text.

        kind: "bar", "waterfall" or "force" (one chart per row, stacked:
        `rows` selects them, default all), or over all the rows (every
        output, as `explain importance`): "importance" (mean
        |contribution|), "beeswarm" (shap's summary plot), "decision",
        "heatmap" (order_by_output: rows by prediction), "dependence"
        (feature: the x axis; color_by: a feature name or "auto"),
        "stacked" (outputs stacked per feature). output: which model
        output to chart per row. unit: shown on the axes (None: the
        explanation's, by the CLI's rule: "log-odds", "probability", ...);
        output_names: names of the outputs (classes). top_k: features shown, the rest summed (None: the
        CLI's 10 per row, 20 for importance; 0: all). path: the file to
        write, or None."""
        from . import _render
        return _render.plot(self, kind, path, output, rows, top_k, title,
                            unit, feature, color_by, order_by_output,
                            output_names)
