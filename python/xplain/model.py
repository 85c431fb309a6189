"""Models: loading files and library objects, prediction, and Python
callables wrapped through libxplain's adapter table (<xplain/adapter.h>)."""

import ctypes
import json
import os
import threading

import numpy as np

from . import _lib, errors
from ._data import to_matrix


class Dataset:
    """An owned xpl_dataset handle (rows copied in)."""

    def __init__(self, X, names, weights=None):
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(names):
            raise errors.ShapeError("dataset: expected %d columns"
                                    % len(names))
        w = None
        if weights is not None:
            w = np.ascontiguousarray(weights, dtype=np.float64).ravel()
            if w.shape[0] != X.shape[0]:
                raise errors.ShapeError(
                    "weights: %d values for %d rows" % (w.shape[0], X.shape[0]))
        self._names = _lib.names_array(names)
        h = ctypes.POINTER(_lib.Dataset)()
        _lib.check(_lib.lib.xpl_dataset_new(
            ctypes.byref(h), X.shape[0], X.shape[1],
            _lib.as_double_p(X) if X.size else None, self._names,
            _lib.as_double_p(w) if w is not None and w.size else None))
        self.handle = h

    @property
    def n_rows(self):
        return _lib.lib.xpl_dataset_n_rows(self.handle)

    def to_numpy(self):
        return _rows_of(self.handle)

    def weights(self):
        p = _lib.lib.xpl_dataset_weights(self.handle)
        if not p:
            return None
        return np.ctypeslib.as_array(p, shape=(self.n_rows,)).copy()

    def __del__(self):
        h = getattr(self, "handle", None)
        if h:
            _lib.lib.xpl_dataset_free(h)
            self.handle = None


class Model:
    """A loaded model (immutable, shareable between threads).

    Make one with :func:`load_model` or :func:`wrap_model`."""

    def __init__(self, handle, source=None, keep=None):
        self.handle = handle
        self.source = source
        # Objects the C model points into (a wrapped callable's adapter).
        self._keep = keep
        self._callback = None
        # close(): explainers built on the model borrow its C object, which
        # is freed when the last of them is closed or collected
        self._lock = threading.Lock()
        self._users = 0
        self._closed = False

    # ---------------------------------------------------------- closing
    def close(self):
        """Release the model's C object now rather than at garbage
        collection. Using the model afterwards raises
        :class:`xplain.errors.ClosedError`; explainers built on it stop
        working too (their calls raise the same error) and the C object
        goes once the last of them is closed. Closing twice is harmless."""
        with self._lock:
            self._closed = True
            self._free_if_unused()

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _free_if_unused(self):
        # with self._lock held
        if self._closed and self._users == 0 and self.handle:
            _lib.lib.xpl_model_free(self.handle)
            self.handle = None

    def _h(self):
        """The C handle of a model that is not closed."""
        if self._closed:
            raise errors.ClosedError("the model is closed")
        return self.handle

    def _acquire(self):
        """Borrow the C model (an explainer, or one library call that runs
        it): ClosedError if closed; give it back with _release()."""
        with self._lock:
            if self._closed:
                raise errors.ClosedError("the model is closed")
            self._users += 1
            return self.handle

    def _release(self):
        with self._lock:
            self._users -= 1
            self._free_if_unused()

    # ------------------------------------------------------------ facts
    @property
    def n_features(self):
        return _lib.lib.xpl_model_n_features(self._h())

    @property
    def n_outputs(self):
        return _lib.lib.xpl_model_n_outputs(self._h())

    @property
    def feature_names(self):
        h = self._h()
        return [_lib.lib.xpl_model_feature_name(h, i).decode()
                for i in range(self.n_features)]

    @property
    def kind(self):
        """"tree_ensemble", "linear", or the wrapped model's name."""
        return _lib.lib.xpl_model_kind(self._h()).decode()

    @property
    def link(self):
        return _lib.lib.xpl_link_name(
            _lib.lib.xpl_model_link(self._h())).decode()

    @property
    def is_classifier(self):
        return bool(_lib.lib.xpl_model_is_classifier(self._h()))

    @property
    def properties(self):
        """Descriptive properties, as `explain info` prints them."""
        out = {}
        k, v = ctypes.c_char_p(), ctypes.c_char_p()
        for i in range(_lib.lib.xpl_model_n_properties(self._h())):
            _lib.check(_lib.lib.xpl_model_property(
                self._h(), i, ctypes.byref(k), ctypes.byref(v)))
            out[k.value.decode()] = v.value.decode()
        return out

    @property
    def background(self):
        """The embedded background sample as an (n, M) array, or None."""
        h = _lib.lib.xpl_model_background(self._h())
        if not h:
            return None
        return _rows_of(h)

    def __repr__(self):
        if self._closed:
            return "<xplain.Model (closed)>"
        return "<xplain.Model %s: %d features, %d output%s, link %s>" % (
            self.kind, self.n_features, self.n_outputs,
            "" if self.n_outputs == 1 else "s", self.link)

    # ------------------------------------------------------- prediction
    def predict(self, X, output="raw"):
        """Predictions of the rows of X: an (n,) array for a one-output
        model, else (n, n_outputs). output: "raw" (margins), "probability"
        (classifiers) or "response" (after the link, what the training
        library's predict returns)."""
        kind = _output_code(output)
        x = to_matrix(X, self.feature_names)
        n = x.shape[0]
        out = np.empty((n, self.n_outputs))
        if n:
            self._call(_lib.lib.xpl_model_predict, self, None,
                       _lib.as_double_p(x), n, kind, _lib.as_double_p(out))
        return out[:, 0] if self.n_outputs == 1 else out

    def save(self, path):
        """Write the model (with its embedded background) as model.bin."""
        self._call(_lib.lib.xpl_model_save, self,
                   _lib.path_bytes(path))

    def to_bytes(self):
        """The model (with its embedded background) as model.bin bytes;
        load_model(bytes) reads them back. UnsupportedError for a wrapped
        Python callable."""
        p, n = ctypes.c_void_p(), ctypes.c_size_t()
        self._call(_lib.lib.xpl_model_serialize, self,
                   ctypes.byref(p), ctypes.byref(n))
        try:
            return ctypes.string_at(p, n.value)
        finally:
            _lib.lib.xpl_free(p)

    def __reduce__(self):
        # pickling (Dask, multiprocessing) goes through model.bin bytes
        return (load_model, (self.to_bytes(),))

    def _call(self, fn, *args):
        """Call a library function that may run this model (the model
        itself among args stands for its C handle, borrowed for the call so
        that a close() from another thread waits), turning a failure into
        an exception; a wrapped callable's own exception is chained to
        it."""
        cb = self._callback
        if cb is not None:
            cb.error = None
        h = self._acquire()
        try:
            rc = fn(*[h if a is self else a for a in args])
        finally:
            self._release()
        if rc < 0:
            exc = errors.error_for(rc, _lib.last_error() or
                                   _lib.lib.xpl_strerror(rc).decode())
            cause = cb.error if cb is not None else None
            if cause is not None:
                cb.error = None
                raise exc from cause
            raise exc
        return rc

    def __del__(self):
        h = getattr(self, "handle", None)
        if h:
            _lib.lib.xpl_model_free(h)
            self.handle = None


def _output_code(output):
    try:
        return _lib.OUTPUT[output]
    except (KeyError, TypeError):
        raise errors.InvalidArgumentError(
            "output must be one of %s, not %r"
            % (", ".join(_lib.OUTPUT), output)) from None


def _rows_of(handle):
    """A copy of a dataset's rows (the handle may be borrowed)."""
    n = _lib.lib.xpl_dataset_n_rows(handle)
    m = _lib.lib.xpl_dataset_n_cols(handle)
    if n == 0:
        return np.zeros((0, m))
    p = _lib.lib.xpl_dataset_data(handle)
    return np.ctypeslib.as_array(p, shape=(n, m)).copy()


# ------------------------------------------------------------------ loading
def _from_buffer(data, name):
    h = ctypes.POINTER(_lib.Model)()
    _lib.check(_lib.lib.xpl_model_load_buffer(
        ctypes.byref(h), bytes(data), len(data),
        name.encode("utf-8") if name else None))
    return Model(h, source=name)


def _module_of(obj):
    return type(obj).__module__.split(".")[0]


def _xgboost_booster(obj):
    if _module_of(obj) != "xgboost":
        return None
    if hasattr(obj, "save_raw") and hasattr(obj, "get_dump"):
        return obj
    if hasattr(obj, "get_booster"):
        return obj.get_booster()
    return None


def _from_xgboost(booster):
    # The booster's own JSON, byte for byte what save_model("m.json")
    # writes, read from memory.
    raw = booster.save_raw(raw_format="json")
    return _from_buffer(bytes(raw), "xgboost.Booster")


def _lightgbm_booster(obj):
    if _module_of(obj) != "lightgbm":
        return None
    if hasattr(obj, "model_to_string"):
        return obj
    if not hasattr(type(obj), "booster_"):
        return None
    try:
        return obj.booster_                  # LGBMModel, once fitted
    except Exception as e:  # lightgbm's LGBMNotFittedError
        raise errors.InvalidArgumentError(
            "load_model: the %s is not fitted (%s)"
            % (type(obj).__name__, e)) from None


def _from_lightgbm(booster):
    # The text model save_model("m.txt") writes, read from memory; the
    # library reads LightGBM text models itself (docs/tree-models.md).
    text = booster.model_to_string()
    return _from_buffer(text.encode("utf-8"), "lightgbm.Booster")


def _from_sklearn(est, feature_names):
    from ._exporters import export_sklearn_trees as trees
    linear = trees._base   # the module trees.py itself imported
    try:
        if type(est).__name__ in trees.SUPPORTED:
            text = trees.to_text(trees.model_to_dict(est, feature_names))
        else:
            text = json.dumps(linear.model_to_dict(est, feature_names))
    except linear.ExportError as e:
        raise errors.UnsupportedError("cannot convert %s: %s"
                                      % (type(est).__name__, e)) from None
    return _from_buffer(text.encode("utf-8"), type(est).__name__)


def load_model(source, feature_names=None):
    """Load a model.

    source:
      - a path (str or os.PathLike) to a model.bin, an xplain JSON model,
        an XGBoost JSON model or a LightGBM text model (format recognised
        from the content);
      - bytes of such a file;
      - an ``xgboost.Booster`` or an ``xgboost.XGBModel`` (XGBRegressor,
        XGBClassifier, ...);
      - a ``lightgbm.Booster`` or a fitted ``lightgbm.LGBMModel``
        (LGBMRegressor, LGBMClassifier, ...);
      - a fitted scikit-learn estimator that tools/export_sklearn*.py
        cover (linear and logistic regressions, decision trees, random
        forests, extra trees, gradient boosting); feature_names names its
        columns when it was fitted without a DataFrame;
      - a :class:`Model` (returned as is).
    Errors are :class:`xplain.errors.XplainError` subclasses carrying the
    library's message.
    """
    if isinstance(source, Model):
        return source
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        h = ctypes.POINTER(_lib.Model)()
        _lib.check(_lib.lib.xpl_model_load(ctypes.byref(h),
                                           _lib.path_bytes(path)))
        return Model(h, source=path)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _from_buffer(bytes(source), "<bytes>")
    booster = _xgboost_booster(source)
    if booster is not None:
        return _from_xgboost(booster)
    booster = _lightgbm_booster(source)
    if booster is not None:
        return _from_lightgbm(booster)
    if _module_of(source) == "sklearn":
        return _from_sklearn(source, feature_names)
    raise errors.UnsupportedError(
        "load_model: cannot load a %s.%s (expected a path, bytes, an "
        "xgboost Booster or XGBModel, a lightgbm Booster or LGBMModel, or "
        "a scikit-learn estimator; wrap a Python function with "
        "xplain.wrap_model)"
        % (type(source).__module__, type(source).__name__))


# --------------------------------------------------------- Python callables
class _Callback:
    """The adapter's predict_batch for a Python callable. ctypes takes the
    GIL before running it, whichever C thread calls; an exception is kept
    (the first one) and reported as XPL_EUSER, then re-raised by
    Model._call with the library's message."""

    def __init__(self, f, n_outputs):
        self.f = f
        self.n_outputs = n_outputs
        self.error = None
        self.lock = threading.Lock()
        self.c_predict = _lib.PREDICT_BATCH_FN(self._predict_batch)

    def _predict_batch(self, state, scratch, x, n_rows, n_cols, out):
        try:
            X = np.ctypeslib.as_array(x, shape=(n_rows, n_cols))
            X.setflags(write=False)
            y = np.asarray(self.f(X), dtype=np.float64)
            want = n_rows * self.n_outputs
            if y.size != want or y.ndim > 2 or (
                    y.ndim == 2 and y.shape[0] != n_rows):
                raise errors.ShapeError(
                    "the model function returned shape %s for %d rows; "
                    "expected (%d,)%s" % (
                        y.shape, n_rows, n_rows,
                        "" if self.n_outputs > 1 else " or (%d, 1)" % n_rows)
                    if self.n_outputs == 1 else
                    "the model function returned shape %s for %d rows; "
                    "expected (%d, %d)" % (y.shape, n_rows, n_rows,
                                           self.n_outputs))
            np.ctypeslib.as_array(out, shape=(want,))[:] = y.reshape(-1)
            return 0
        except BaseException as e:  # noqa: B902 - never unwind into C
            with self.lock:
                if self.error is None:
                    self.error = e
            return 1


def wrap_model(f, feature_names, n_outputs=None, probe=None, name="python"):
    """A :class:`Model` over a Python callable ``f(X) -> predictions``.

    f receives a read-only float64 array of shape (rows, n_features),
    usually a large batch (Kernel SHAP and LIME evaluate many perturbed rows
    at once), possibly from several threads in turn, and returns (rows,) or
    (rows, n_outputs) raw outputs. feature_names: one name per column (or
    an int, the number of features: f0, f1, ...). n_outputs: inferred by
    calling f on ``probe`` (rows; by default one row of zeros) when None.
    """
    if isinstance(feature_names, (int, np.integer)):
        feature_names = ["f%d" % i for i in range(int(feature_names))]
    feature_names = [str(n) for n in feature_names]
    if not feature_names:
        raise errors.InvalidArgumentError("wrap_model: no feature names")
    if n_outputs is None:
        if probe is None:
            probe = np.zeros((1, len(feature_names)))
        x = to_matrix(probe, feature_names, "probe")[:1]
        try:
            y = np.asarray(f(x), dtype=np.float64)
        except Exception as e:
            raise errors.CallbackError(
                "the model function failed on a probe row (to count its "
                "outputs; give n_outputs to skip this): %s: %s"
                % (type(e).__name__, e)) from e
        if y.ndim > 2 or (y.ndim == 2 and y.shape[0] != x.shape[0]):
            raise errors.ShapeError(
                "the model function returned shape %s for 1 row; expected "
                "(1,) or (1, outputs)" % (y.shape,))
        n_outputs = 1 if y.ndim <= 1 else int(y.shape[1])
    n_outputs = int(n_outputs)
    if n_outputs < 1:
        raise errors.InvalidArgumentError("wrap_model: n_outputs must be "
                                          ">= 1")
    cb = _Callback(f, int(n_outputs))
    adapter = _lib.Adapter(1, name.encode("utf-8"), _lib.SCRATCH_SIZE_FN(),
                           cb.c_predict, _lib.DESTROY_FN())
    names = _lib.names_array(feature_names)
    spec = _lib.ModelSpec(1, len(feature_names), int(n_outputs), names,
                          _lib.LINK["identity"])
    h = ctypes.POINTER(_lib.Model)()
    _lib.check(_lib.lib.xpl_model_wrap(ctypes.byref(h),
                                       ctypes.byref(adapter), None,
                                       ctypes.byref(spec)))
    m = Model(h, source=name, keep=(adapter, names, cb))
    m._callback = cb
    return m
