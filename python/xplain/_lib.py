"""ctypes declarations of libxplain's public C API (include/xplain/*.h).

The shared library sits next to this file (pip install . puts it there);
XPLAIN_LIBRARY names another one (a development build). ctypes releases
the GIL during every call into a CDLL, so C work runs while other Python
threads go on, and a ctypes callback takes the GIL back before it runs
Python code, whatever thread the library calls it from.
"""

import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int,
                    c_size_t, c_uint, c_uint64, c_ubyte, c_void_p)

from . import errors

c_double_p = POINTER(c_double)
c_char_pp = POINTER(c_char_p)


def _library_path():
    path = os.environ.get("XPLAIN_LIBRARY")
    if path:
        return path
    return os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "libxplain.so")


lib = ctypes.CDLL(_library_path())

# Opaque handles: distinct pointer types so that one cannot be passed where
# another is expected.
class _Opaque(Structure):
    pass


class Model(_Opaque):
    pass


class Dataset(_Opaque):
    pass


class Workspace(_Opaque):
    pass


class Explainer(_Opaque):
    pass


class Svg(_Opaque):
    pass


class Importance(_Opaque):
    pass


# enum values (xplain.h, lime.h, render.h)
OUTPUT = {"raw": 0, "probability": 1, "response": 2}
LINK = {"identity": 0, "logit": 1, "softmax": 2, "log": 3}
L1_REG = {None: 0, False: 0, "none": 0, "aic": 1, "bic": 2, "top-k": 3}
KS_SAMPLER = {"xplain": 0, "shap": 1, "leverage": 2}
LIME_DISCRETIZER = {"quartile": 0, "decile": 1, None: 2, "none": 2}
LIME_SELECTION = {"auto": 0, "forward": 1, "highest-weights": 2,
                  "lasso-path": 3, "none": 4}
CHART = {"bar": 0, "waterfall": 1, "beeswarm": 2, "force": 3, "decision": 4,
         "heatmap": 5, "dependence": 6, "stacked": 7}
LIME_AUTO = -1
METHOD = {"auto": 0, "kernel-shap": 1, "tree-shap": 2, "linear-shap": 3,
          "lime": 4}
OUTPUT_AUTO = -1
ALL_OUTPUTS = -1


class KernelShapOptions(Structure):
    _fields_ = [("version", c_uint), ("nsamples", c_size_t),
                ("model_output", c_int), ("link", c_int), ("seed", c_uint64),
                ("tolerance", c_double), ("l1_reg", c_int),
                ("l1_top_k", c_size_t), ("sampler", c_int)]


class LimeOptions(Structure):
    _fields_ = [("version", c_uint), ("num_samples", c_size_t),
                ("num_features", c_size_t), ("kernel_width", c_double),
                ("discretizer", c_int), ("feature_selection", c_int),
                ("categorical", POINTER(c_size_t)),
                ("n_categorical", c_size_t), ("model_output", c_int),
                ("class_index", c_int), ("seed", c_uint64),
                ("repeats", c_uint), ("sample_around_instance", c_int),
                ("label_decimals", c_int)]


class TreeShapOptions(Structure):
    _fields_ = [("interactions", c_int)]


class ExplainerOptions(Structure):
    """xpl_explainer_options (explainer.h), version 1."""
    _fields_ = [("version", c_uint), ("method", c_int), ("output", c_int),
                ("class_index", c_int), ("seed", c_uint64),
                ("kernel_shap", KernelShapOptions),
                ("tree_shap", TreeShapOptions), ("lime", LimeOptions)]


class ExplanationView(Structure):
    _fields_ = [("row", c_size_t), ("output", c_size_t),
                ("n_outputs", c_size_t), ("method", c_char_p),
                ("n_features", c_size_t), ("names", c_char_pp),
                ("values", c_double_p), ("contributions", c_double_p),
                ("std_errors", c_double_p), ("base_value", c_double),
                ("prediction", c_double), ("conditions", c_char_pp),
                ("selected", POINTER(c_ubyte)), ("intercept", c_double),
                ("score", c_double), ("local_prediction", c_double),
                ("interactions", c_double_p), ("value_names", c_char_pp)]


class ExplanationRaw(Structure):
    """xpl_explanation with its pointers as plain addresses: what
    xpl_explainer_explain fills, read by the row loop without building a
    ctypes pointer object per field (same layout as ExplanationView)."""
    _fields_ = [("row", c_size_t), ("output", c_size_t),
                ("n_outputs", c_size_t), ("method", c_void_p),
                ("n_features", c_size_t), ("names", c_void_p),
                ("values", c_void_p), ("contributions", c_void_p),
                ("std_errors", c_void_p), ("base_value", c_double),
                ("prediction", c_double), ("conditions", c_void_p),
                ("selected", c_void_p), ("intercept", c_double),
                ("score", c_double), ("local_prediction", c_double),
                ("interactions", c_void_p), ("value_names", c_void_p)]


class RenderOptions(Structure):
    _fields_ = [("version", c_uint), ("top_k", c_size_t), ("color", c_int),
                ("chart", c_int), ("title", c_char_p),
                # version 2
                ("output_names", c_char_pp), ("n_output_names", c_size_t),
                ("unit", c_char_p), ("feature", c_char_p),
                ("color_by", c_char_p), ("order_by_output", c_int)]


SCRATCH_SIZE_FN = CFUNCTYPE(c_size_t, c_void_p, c_size_t)
PREDICT_BATCH_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, c_double_p, c_size_t,
                             c_size_t, c_double_p)
DESTROY_FN = CFUNCTYPE(None, c_void_p)


class Adapter(Structure):
    _fields_ = [("version", c_uint), ("name", c_char_p),
                ("scratch_size", SCRATCH_SIZE_FN),
                ("predict_batch", PREDICT_BATCH_FN),
                ("destroy", DESTROY_FN)]


class ModelSpec(Structure):
    _fields_ = [("version", c_uint), ("n_features", c_size_t),
                ("n_outputs", c_size_t), ("feature_names", c_char_pp),
                ("link", c_int)]


def _declare(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


P = POINTER
# errors and version
_declare("xpl_version", c_char_p)
_declare("xpl_last_error", c_char_p)
_declare("xpl_strerror", c_char_p, c_int)
_declare("xpl_free", None, c_void_p)
# datasets
_declare("xpl_dataset_new", c_int, P(P(Dataset)), c_size_t, c_size_t,
         c_double_p, c_char_pp, c_double_p)
_declare("xpl_dataset_free", None, P(Dataset))
_declare("xpl_dataset_n_rows", c_size_t, P(Dataset))
_declare("xpl_dataset_n_cols", c_size_t, P(Dataset))
_declare("xpl_dataset_data", c_double_p, P(Dataset))
_declare("xpl_dataset_weights", c_double_p, P(Dataset))
_declare("xpl_dataset_col_name", c_char_p, P(Dataset), c_size_t)
_declare("xpl_dataset_sample", c_int, P(P(Dataset)), P(Dataset), c_size_t,
         c_uint64)
_declare("xpl_dataset_kmeans", c_int, P(P(Dataset)), P(Dataset), c_size_t,
         c_uint64)
# models
_declare("xpl_model_load", c_int, P(P(Model)), c_char_p)
_declare("xpl_model_load_buffer", c_int, P(P(Model)), c_char_p, c_size_t,
         c_char_p)
_declare("xpl_model_save", c_int, P(Model), c_char_p)
_declare("xpl_model_free", None, P(Model))
_declare("xpl_model_kind", c_char_p, P(Model))
_declare("xpl_model_n_features", c_size_t, P(Model))
_declare("xpl_model_n_outputs", c_size_t, P(Model))
_declare("xpl_model_feature_name", c_char_p, P(Model), c_size_t)
_declare("xpl_model_link", c_int, P(Model))
_declare("xpl_model_is_classifier", c_int, P(Model))
_declare("xpl_link_name", c_char_p, c_int)
_declare("xpl_model_n_properties", c_size_t, P(Model))
_declare("xpl_model_property", c_int, P(Model), c_size_t, P(c_char_p),
         P(c_char_p))
_declare("xpl_model_background", P(Dataset), P(Model))
_declare("xpl_model_set_background", c_int, P(Model), P(Dataset))
_declare("xpl_model_predict", c_int, P(Model), P(Workspace), c_double_p,
         c_size_t, c_int, c_double_p)
_declare("xpl_model_wrap", c_int, P(P(Model)), P(Adapter), c_void_p,
         P(ModelSpec))
# workspaces
_declare("xpl_workspace_new", c_int, P(P(Workspace)))
_declare("xpl_workspace_free", None, P(Workspace))

# libc, for the renderers' FILE * argument
_libc = ctypes.CDLL(None)
fopen = _libc.fopen
fopen.restype = c_void_p
fopen.argtypes = [c_char_p, c_char_p]
fclose = _libc.fclose
fclose.restype = c_int
fclose.argtypes = [c_void_p]

# The library checks its preconditions before any GSL call that can raise;
# turning GSL's aborting handler off is the header's advice all the same.
try:
    _gsl_off = lib.gsl_set_error_handler_off
    _gsl_off.restype = c_void_p
    _gsl_off.argtypes = []
    _gsl_off()
except AttributeError:
    pass


def last_error():
    msg = lib.xpl_last_error()
    return msg.decode("utf-8", "replace") if msg else ""


def check(rc):
    """Raise the exception for a failed call (rc < 0) with the message the
    library left for this thread."""
    if rc < 0:
        msg = last_error() or lib.xpl_strerror(rc).decode()
        raise errors.error_for(rc, msg)
    return rc


def as_double_p(a):
    """Pointer to a C-contiguous float64 numpy array's data."""
    return a.ctypes.data_as(c_double_p)


def names_array(names):
    """A C array of UTF-8 names; keep the result alive while C reads it."""
    try:
        enc = [n.encode("utf-8") for n in names]
    except UnicodeError as e:
        raise errors.InvalidArgumentError(
            "names must be valid Unicode text: %s" % e) from None
    if any(b"\0" in n for n in enc):
        raise errors.InvalidArgumentError(
            "names cannot contain NUL characters")
    return (c_char_p * len(enc))(*enc)


def path_bytes(path):
    """A file name for C: os.fsencode, refusing an embedded NUL (C would
    silently read a shorter name, another file)."""
    b = os.fsencode(os.fspath(path))
    if b"\0" in b:
        raise errors.InvalidArgumentError(
            "%r: a file name cannot contain a NUL character" % (path,))
    return b


def version():
    return lib.xpl_version().decode()


# the one explainer API (explainer.h): what the CLI runs
_declare("xpl_explainer_new", c_int, P(P(Explainer)), P(Model), P(Dataset),
         P(ExplainerOptions))
_declare("xpl_explainer_free", None, P(Explainer))
_declare("xpl_explainer_method", c_char_p, P(Explainer))
_declare("xpl_explainer_method_id", c_int, P(Explainer))
_declare("xpl_explainer_n_outputs", c_size_t, P(Explainer))
_declare("xpl_explainer_n_classes", c_size_t, P(Explainer))
_declare("xpl_explainer_n_features", c_size_t, P(Explainer))
_declare("xpl_method_name", c_char_p, c_int)
# addresses, not pointer objects: the row loop passes plain ints
_declare("xpl_explainer_explain", c_int, c_void_p, c_void_p, c_void_p,
         c_void_p)

# rendering (render.h)
_declare("xpl_render_svg_begin", c_int, P(P(Svg)), P(RenderOptions))
_declare("xpl_render_svg_chart", c_int, P(Svg), P(ExplanationView))
_declare("xpl_render_svg_end", c_int, P(Svg), c_void_p)
_declare("xpl_render_svg_free", None, P(Svg))
_declare("xpl_importance_new", c_int, P(P(Importance)), c_size_t, c_size_t,
         c_char_pp)
_declare("xpl_importance_free", None, P(Importance))
_declare("xpl_importance_add", c_int, P(Importance), P(ExplanationView))
_declare("xpl_importance_render_svg", c_int, c_void_p, P(Importance),
         P(RenderOptions))
_declare("xpl_model_serialize", c_int, P(Model), P(c_void_p), P(c_size_t))
