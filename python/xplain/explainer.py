"""xplain.Explainer and xplain.Explanation: shap-like objects over
libxplain's explainers."""

import ctypes
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import _lib, errors
from ._data import frame_names, to_matrix
from .model import Dataset, Model, load_model, wrap_model

METHODS = ("auto", "tree-shap", "linear-shap", "kernel-shap", "lime")


def _choice(table, value, what):
    try:
        return table[value]
    except (KeyError, TypeError):
        raise errors.InvalidArgumentError(
            "%s must be one of %s, not %r"
            % (what, ", ".join(repr(k) for k in table if k is not None),
               value)) from None


def _is_library_model(obj):
    mod = type(obj).__module__.split(".")[0]
    return mod in ("xgboost", "sklearn", "lightgbm")


class Explainer:
    """Explain a model's predictions.

    model: a :class:`xplain.Model`, anything :func:`xplain.load_model`
        accepts (a path, an xgboost or scikit-learn model), or a Python
        callable ``f(X) -> predictions`` on 2-D float arrays (explained with
        Kernel SHAP or LIME; give feature_names, and a background).
    background: rows (numpy array or DataFrame, columns matched by name)
        over which SHAP values are computed (interventional), or LIME's
        training data; None uses the background embedded in a model.bin,
        and TreeSHAP then runs path-dependent if there is none.
    background_weights: optional weights of the background rows.
    method: "auto" (exact TreeSHAP or linear SHAP for tree and linear
        models explaining raw margins, else Kernel SHAP), "tree-shap",
        "linear-shap", "kernel-shap" or "lime".
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
    num_samples, num_features, kernel_width, discretizer,
    feature_selection, categorical, class_index, repeats,
    sample_around_instance, label_decimals: LIME options (docs/lime.md).
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
        P, D = m.n_features, m.n_outputs
        if threads is None:
            threads = len(os.sched_getaffinity(0)) if hasattr(
                os, "sched_getaffinity") else (os.cpu_count() or 1)
        if int(threads) < 1:
            raise errors.InvalidArgumentError("threads must be >= 1")
        self.threads = int(threads)
        self.seed = int(seed)
        self.interactions = bool(interactions)
        self._bg = None
        if background is not None:
            X = to_matrix(background, self.feature_names, "background")
            if X.shape[0] == 0:
                raise errors.InvalidArgumentError("background: no rows")
            self._bg = Dataset(X, self.feature_names, background_weights)
        bg_h = self._bg.handle if self._bg is not None else None
        kind = m.kind
        lime_output = output
        if output is None:
            output = "raw"
        margins = output == "raw" and link == "identity"
        kernel_only = nsamples is not None or tolerance or l1_reg or \
            sampler != "xplain"
        if interactions and kind != "tree_ensemble":
            raise errors.InvalidArgumentError(
                "interactions need a tree model; this is a %s model" % kind)
        if method == "auto":
            has_bg = bg_h is not None or bool(
                _lib.lib.xpl_model_background(m.handle))
            if kind == "tree_ensemble" and margins and not kernel_only:
                method = "tree-shap"
            elif kind == "linear" and margins and not kernel_only and (
                    has_bg or _lib.lib.xpl_model_stats(m.handle)):
                method = "linear-shap"
            else:
                method = "kernel-shap"
        if interactions and (method != "tree-shap"):
            raise errors.InvalidArgumentError(
                "interactions need TreeSHAP, which explains raw margins")
        if method in ("tree-shap", "linear-shap") and output != "raw":
            raise errors.InvalidArgumentError(
                "%s explains raw margins; use method=\"kernel-shap\" for "
                "output=%r" % (method, output))
        self.method = method
        # the unit charts show, by the CLI's rule: classifier margins are
        # log-odds, probabilities probabilities, Kernel SHAP's logit link
        # puts them back on the log-odds scale
        kind_out = lime_output if lime_output is not None else (
            "probability" if method == "lime" and m.is_classifier else "raw")
        classes = m.link in ("logit", "softmax")
        if method == "kernel-shap" and link == "logit":
            self.unit = "log-odds"
        elif kind_out == "probability":
            self.unit = "probability"
        elif kind_out == "response":
            self.unit = "probability" if classes else "response"
        elif classes:
            self.unit = "log-odds"
        else:
            self.unit = "log of the response" if m.link == "log" \
                else "response"
        self._ws_needed = method != "linear-shap"
        self._c = None
        lib = _lib.lib
        if method == "tree-shap":
            h = ctypes.POINTER(_lib.TreeShap)()
            embedded = lib.xpl_model_background(m.handle)
            m._call(lib.xpl_tree_shap_new, ctypes.byref(h), m.handle,
                    None if interactions else (bg_h or embedded))
            self._c = h
            self._free = lib.xpl_tree_shap_free
            base = lib.xpl_tree_shap_base_values(h)
        elif method == "linear-shap":
            h = ctypes.POINTER(_lib.LinearShap)()
            m._call(lib.xpl_linear_shap_new, ctypes.byref(h), m.handle, bg_h)
            self._c = h
            self._free = lib.xpl_linear_shap_free
            base = lib.xpl_linear_shap_base_values(h)
        elif method == "kernel-shap":
            o = _lib.KernelShapOptions(
                1, int(nsamples or 0), _choice(_lib.OUTPUT, output, "output"),
                _choice(_lib.LINK, link, "link"), self.seed & (2**64 - 1),
                float(tolerance), _choice(_lib.L1_REG, l1_reg, "l1_reg"),
                int(l1_top_k), _choice(_lib.KS_SAMPLER, sampler, "sampler"))
            h = ctypes.POINTER(_lib.KernelShap)()
            m._call(lib.xpl_kernel_shap_new, ctypes.byref(h), m.handle, bg_h,
                    ctypes.byref(o))
            self._c = h
            self._free = lib.xpl_kernel_shap_free
            base = lib.xpl_kernel_shap_base_values(h)
        else:
            cat = None
            if categorical:
                idx = []
                for c in categorical:
                    if isinstance(c, (int, np.integer)):
                        idx.append(int(c))
                    elif c in self.feature_names:
                        idx.append(self.feature_names.index(c))
                    else:
                        raise errors.InvalidArgumentError(
                            "categorical: no feature %r" % (c,))
                cat = (ctypes.c_size_t * len(idx))(*idx)
            o = _lib.LimeOptions(
                1, int(num_samples), int(num_features or 0),
                float(kernel_width or 0.0),
                _choice(_lib.LIME_DISCRETIZER, discretizer, "discretizer"),
                _choice(_lib.LIME_SELECTION, feature_selection,
                        "feature_selection"),
                cat, len(cat) if cat is not None else 0,
                _lib.LIME_AUTO if lime_output is None else
                _choice(_lib.OUTPUT, lime_output, "output"),
                _lib.LIME_AUTO if class_index is None else int(class_index),
                self.seed & (2**64 - 1), int(repeats),
                int(bool(sample_around_instance)), int(label_decimals))
            h = ctypes.POINTER(_lib.Lime)()
            m._call(lib.xpl_lime_new, ctypes.byref(h), m.handle, bg_h,
                    ctypes.byref(o))
            self._c = h
            self._free = lib.xpl_lime_free
            base = None
            self._lime_repeats = int(repeats) > 1
        self.n_outputs = D
        self.n_features = P
        self.expected_value = None if base is None else \
            np.ctypeslib.as_array(base, shape=(D,)).copy()

    def __del__(self):
        c = getattr(self, "_c", None)
        if c:
            self._free(c)
            self._c = None

    # -------------------------------------------------------- explaining
    def __call__(self, X, threads=None):
        """Explain the rows of X (array or DataFrame): an
        :class:`Explanation`."""
        x = to_matrix(X, self.feature_names, "X")
        n, P, D = x.shape[0], self.n_features, self.n_outputs
        lime = self.method == "lime"
        r = {
            "contrib": np.zeros((n, D, P)),
            "pred": np.zeros((n, D)),
            "se": np.zeros((n, D, P)) if self.method == "kernel-shap" or (
                lime and self._lime_repeats) else None,
            "inter": np.zeros((n, D, P + 1, P + 1)) if self.interactions
            else None,
        }
        if lime:
            r["selected"] = np.zeros((n, P), dtype=np.uint8)
            r["freq"] = np.zeros((n, P)) if self._lime_repeats else None
            r["summary"] = (_lib.LimeSummary * max(n, 1))()
            r["conditions"] = [None] * n
        keys = row_keys(x)
        if self.model._callback is not None:
            self.model._callback.error = None
        threads = self.threads if threads is None else int(threads)
        threads = max(1, min(threads, n))
        bounds = np.linspace(0, n, threads + 1).astype(int)
        chunks = [(bounds[t], bounds[t + 1]) for t in range(threads)
                  if bounds[t + 1] > bounds[t]]
        if len(chunks) <= 1:
            failures = [self._run(x, keys, r, 0, n)]
        else:
            with ThreadPoolExecutor(len(chunks)) as pool:
                failures = list(pool.map(
                    lambda c: self._run(x, keys, r, c[0], c[1]), chunks))
        for fail in failures:
            if fail is not None:
                i, rc, msg, cause = fail
                exc = errors.error_for(rc, "row %d: %s" % (i, msg))
                if cause is not None:
                    raise exc from cause
                raise exc
        return Explanation._build(self, X, x, r)

    def _run(self, x, keys, r, lo, hi):
        """Explain rows lo..hi-1 on the calling thread; returns None or the
        first failure (row, code, message, Python cause)."""
        lib = _lib.lib
        ws = ctypes.POINTER(_lib.Workspace)()
        if self._ws_needed:
            _lib.check(lib.xpl_workspace_new(ctypes.byref(ws)))
        try:
            return self._rows(ws, x, keys, r, lo, hi)
        finally:
            lib.xpl_workspace_free(ws)

    def _rows(self, ws, x, keys, r, lo, hi):
        lib = _lib.lib
        P, D = self.n_features, self.n_outputs
        dp = _lib.as_double_p
        cb = self.model._callback
        contrib, pred = r["contrib"], r["pred"]
        base_c = contrib.ctypes.data
        base_p = pred.ctypes.data
        stride_c = D * P * 8
        cdp = ctypes.cast
        Dp = _lib.c_double_p
        c = self._c
        for i in range(lo, hi):
            xi = cdp(x.ctypes.data + i * P * 8, Dp)
            ci = cdp(base_c + i * stride_c, Dp)
            pi = cdp(base_p + i * D * 8, Dp)
            if self.method == "tree-shap":
                if self.interactions:
                    inter = r["inter"]
                    rc = lib.xpl_tree_shap_interactions(
                        c, ws, xi, dp(inter[i]), pi)
                    if rc == 0:
                        contrib[i] = inter[i][:, :P, :P].sum(axis=2)
                else:
                    rc = lib.xpl_tree_shap_explain(c, ws, xi, ci, pi)
            elif self.method == "linear-shap":
                bad = ~np.isfinite(x[i])
                if bad.any():
                    j = int(np.argmax(bad))
                    return (i, errors.NumericError.code,
                            "linear SHAP: feature \"%s\" is %s; linear "
                            "models need finite values"
                            % (self.feature_names[j],
                               "missing" if np.isnan(x[i, j]) else
                               "infinite"), None)
                rc = lib.xpl_linear_shap_explain(c, xi, ci, pi)
            elif self.method == "kernel-shap":
                rc = lib.xpl_kernel_shap_explain(
                    c, ws, xi, int(keys[i]), ci, dp(r["se"][i]), pi, None)
            else:
                s = r["summary"]
                freq = r["freq"]
                rc = lib.xpl_lime_explain(
                    c, ws, xi, int(keys[i]), ci,
                    r["selected"][i].ctypes.data_as(
                        ctypes.POINTER(ctypes.c_ubyte)),
                    dp(r["se"][i]) if r["se"] is not None else None,
                    dp(freq[i]) if freq is not None else None,
                    ctypes.byref(s[i]))
                if rc == 0:
                    pred[i, 0] = s[i].prediction
                    r["conditions"][i] = [self._condition(x[i], j)
                                          for j in range(P)]
            if rc < 0:
                cause = cb.error if cb is not None else None
                return (i, rc, _lib.last_error(), cause)
        return None

    def _condition(self, xi, j):
        buf = ctypes.create_string_buffer(256)
        n = _lib.lib.xpl_lime_condition(self._c, _lib.as_double_p(xi), j,
                                        buf, 256)
        if n < 0:
            return None
        if n >= 256:
            buf = ctypes.create_string_buffer(n + 1)
            _lib.lib.xpl_lime_condition(self._c, _lib.as_double_p(xi), j,
                                        buf, n + 1)
        return buf.value.decode("utf-8")


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix64(z):
    z = z + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def row_keys(x):
    """Each row's generator key, a hash of its values as the CLI computes
    it (-0 counts as 0, every NaN as one missing value): a row gets the
    same numbers wherever it appears."""
    v = np.where(x == 0, 0.0, x)
    bits = v.view(np.uint64).copy()
    bits[np.isnan(x)] = np.uint64(0x7FF8000000000000)
    h = np.full(x.shape[0], 0x3243F6A8885A308D, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(x.shape[1]):
            h = _mix64(h ^ bits[:, j])
    return h


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
        score, local_prediction, explained_class (n,).
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
        self.selection_frequency = None

    # the library's output rule (docs/output.md): a binary classifier with
    # one model output has classes 0 and 1, and its explanations are of
    # class 1; charts say so
    n_classes = None
    first_class = 0
    unit = None

    @classmethod
    def _build(cls, ex, X, x, r):
        e = cls._build_arrays(ex, X, x, r)
        binary = ex.model.is_classifier and ex.n_outputs == 1
        e.n_classes = 2 if binary else ex.n_outputs
        e.first_class = 1 if binary else 0
        e.unit = ex.unit
        return e

    @classmethod
    def _build_arrays(cls, ex, X, x, r):
        n, P, D = x.shape[0], ex.n_features, ex.n_outputs
        index = X.index if hasattr(X, "index") and hasattr(X, "iloc") \
            else None

        def shaped(a):   # (n, D, P) -> shap's (n, P) or (n, P, D)
            if a is None:
                return None
            return a[:, 0, :].copy() if D == 1 or ex.method == "lime" \
                else np.ascontiguousarray(a.transpose(0, 2, 1))

        if ex.method == "lime":
            s = r["summary"]
            intercept = np.array([s[i].intercept for i in range(n)])
            e = cls(shaped(r["contrib"]), intercept, x, ex.feature_names,
                    ex.method, predictions=r["pred"][:, 0].copy(),
                    std_errors=shaped(r["se"]), index=index)
            e.conditions = r["conditions"]
            e.selected = r["selected"].astype(bool)
            e.score = np.array([s[i].score for i in range(n)])
            e.local_prediction = np.array([s[i].local_prediction
                                           for i in range(n)])
            e.explained_class = np.array([s[i].explained_class
                                          for i in range(n)])
            e.selection_frequency = r["freq"]
            return e
        base = np.broadcast_to(ex.expected_value, (n, D))
        inter = None
        if r["inter"] is not None:
            inter = r["inter"][:, :, :P, :P]
            inter = inter[:, 0].copy() if D == 1 else \
                np.ascontiguousarray(inter.transpose(0, 2, 3, 1))
        return cls(shaped(r["contrib"]),
                   base[:, 0].copy() if D == 1 else base.copy(), x,
                   ex.feature_names, ex.method,
                   predictions=r["pred"][:, 0].copy() if D == 1
                   else r["pred"].copy(),
                   std_errors=shaped(r["se"]),
                   output_names=None if D == 1 else
                   ["output %d" % d for d in range(D)],
                   interaction_values=inter, index=index)

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
