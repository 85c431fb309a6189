"""Turning user data (numpy arrays, pandas DataFrames, lists) into the
row-major float64 matrices libxplain reads, with columns in model order."""

import numpy as np

from . import errors


# complex (the imaginary part would be dropped), dates and durations
# (reinterpreted as counts), raw bytes
_NOT_NUMBERS = ("c", "M", "m", "V")


def _is_frame(X):
    return hasattr(X, "columns") and hasattr(X, "iloc")


def frame_names(X):
    """Column names of a DataFrame as strings, or None for other inputs."""
    if _is_frame(X):
        return [str(c) for c in X.columns]
    return None


def to_matrix(X, feature_names, what="X"):
    """A C-contiguous float64 (n, M) copy or view of X in the order of
    feature_names. A DataFrame's columns are matched by name (extra columns
    are ignored, a missing one is an error naming it); an array must have
    exactly M columns, taken in order. A 1-D input is one row. pandas
    missing values (None, pd.NA, NaT) become NaN."""
    M = len(feature_names)
    if _is_frame(X):
        cols = [str(c) for c in X.columns]
        if cols != list(feature_names):
            index = {}
            for i, c in enumerate(cols):
                index.setdefault(c, i)
            missing = [n for n in feature_names if n not in index]
            if missing:
                raise errors.ShapeError(
                    "%s has no column %s (the model's features: %s)"
                    % (what, ", ".join(repr(m) for m in missing[:5]),
                       _short_list(feature_names)))
            X = X.iloc[:, [index[n] for n in feature_names]]
        odd = [str(c) for c, t in X.dtypes.items()
               if getattr(t, "kind", "O") in _NOT_NUMBERS]
        if odd:
            raise errors.InvalidArgumentError(
                "%s: columns must be real numbers; not: %s"
                % (what, ", ".join(odd[:5])))
        try:
            a = X.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as e:
            from pandas.api.types import is_bool_dtype, is_numeric_dtype
            bad = [str(c) for c, t in X.dtypes.items()
                   if not (is_numeric_dtype(t) or is_bool_dtype(t))]
            raise errors.InvalidArgumentError(
                "%s: columns must be numeric (encode categories as numbers "
                "first); not numeric: %s (%s)"
                % (what, ", ".join(bad[:5]) or "?", e)) from None
    else:
        kind = getattr(getattr(X, "dtype", None), "kind", None)
        if kind in _NOT_NUMBERS:
            raise errors.InvalidArgumentError(
                "%s: expected real numbers, not %s values (numpy would drop "
                "or reinterpret them)" % (what, X.dtype))
        try:
            a = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise errors.InvalidArgumentError(
                "%s: cannot be read as numbers: %s" % (what, e)) from None
        if a.ndim == 1:
            a = a.reshape(1, -1)
        if a.ndim != 2:
            raise errors.ShapeError(
                "%s: expected a 2-D array (rows x features), got %d "
                "dimensions" % (what, a.ndim))
        if a.shape[1] != M:
            raise errors.ShapeError(
                "%s: %d columns, but the model has %d features (%s)"
                % (what, a.shape[1], M, _short_list(feature_names)))
    return np.ascontiguousarray(a, dtype=np.float64)


def _short_list(names, k=6):
    s = ", ".join(names[:k])
    return s + (", ..." if len(names) > k else "")
