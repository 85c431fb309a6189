"""Explain a Dask DataFrame partition by partition.

    import xplain.dask
    contrib = xplain.dask.explain(ddf, model, background=X_bg)
    contrib.compute()      # one row per input row: contributions,
                           # base_value, prediction (Explanation.to_frame)

Each partition is explained on the worker that holds it, by an Explainer
built there from the model's model.bin bytes (or the picklable model or
callable given) and the background; a worker process keeps the last few
explainers it built, so partitions after the first do not rebuild them.
A row's numbers depend only on the seed and its values, so the result
equals explaining the whole frame at once, however it is partitioned.
"""

import hashlib
import threading
from collections import OrderedDict

import cloudpickle   # a dependency of dask: pickles lambdas and closures

from ._data import to_matrix
from .explainer import Explainer
from .model import Model, load_model

_CACHE_SIZE = 4
_cache = OrderedDict()
_cache_lock = threading.Lock()


def _worker_explainer(token, payload):
    with _cache_lock:
        ex = _cache.get(token)
        if ex is not None:
            _cache.move_to_end(token)
            return ex
    model, kwargs = cloudpickle.loads(payload)
    if isinstance(model, bytes):
        model = load_model(model)
    ex = Explainer(model, **kwargs)
    with _cache_lock:
        _cache[token] = ex
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return ex


def _explain_partition(part, token, payload, columns):
    ex = _worker_explainer(token, payload)
    frame = ex(part).to_frame()
    return frame[columns]


def explain(ddf, model, background=None, threads=1, **kwargs):
    """A Dask DataFrame of contributions (see Explanation.to_frame) for the
    rows of ddf, whose columns are matched to the model's features by name.

    model: as for xplain.Explainer (a Model, a path, an xgboost or
    scikit-learn model, or a picklable Python callable). background and
    the other keyword arguments are the Explainer's. threads: threads per
    partition (default 1: Dask already runs partitions in parallel)."""
    local = Explainer(model, background=background, threads=threads,
                      **kwargs)
    feature_names = local.feature_names
    if background is not None:
        background = to_matrix(background, feature_names, "background")
    shipped = model
    if isinstance(model, Model):
        try:
            shipped = model.to_bytes()
        except NotImplementedError:
            shipped = local.model._callback.f
            kwargs.setdefault("feature_names", feature_names)
    elif local.model._callback is not None:
        kwargs.setdefault("feature_names", feature_names)
    payload = cloudpickle.dumps((shipped, dict(kwargs, background=background,
                                          threads=threads)))
    token = hashlib.sha256(payload).hexdigest()
    meta = local(ddf._meta).to_frame()
    columns = list(meta.columns)
    return ddf.map_partitions(_explain_partition, token, payload, columns,
                              meta=meta)
