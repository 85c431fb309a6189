"""Python callables explained through the adapter table: exact Kernel
SHAP equals brute-force Shapley values, errors come back as exceptions,
callbacks work from several threads."""

import itertools
import math
import threading

import numpy as np
import pytest

import xplain
from xplain import errors


def brute_force_shapley(f, x, bg):
    """Interventional Shapley values by enumerating every coalition:
    v(S) = mean over background rows b of f(x on S, b elsewhere)."""
    M = x.shape[0]

    def v(S):
        rows = bg.copy()
        rows[:, list(S)] = x[list(S)]
        return f(rows).mean()

    phi = np.zeros(M)
    for j in range(M):
        others = [k for k in range(M) if k != j]
        for size in range(M):
            w = math.factorial(size) * math.factorial(M - size - 1) / \
                math.factorial(M)
            for S in itertools.combinations(others, size):
                phi[j] += w * (v(S + (j,)) - v(S))
    return phi


def model_fn(X):
    # non-additive: interactions and a threshold
    return X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + (X[:, 3] > 0.2) * X[:, 4]


def test_kernel_shap_of_callable_is_brute_force_exact():
    rng = np.random.default_rng(0)
    bg = rng.normal(size=(8, 5))
    X = rng.normal(size=(6, 5))
    names = ["a", "b", "c", "d", "e"]
    ex = xplain.Explainer(model_fn, background=bg, feature_names=names,
                          method="kernel-shap", threads=2)
    e = ex(X)
    assert e.method == "kernel-shap" and e.feature_names == names
    for i in range(len(X)):
        np.testing.assert_allclose(e.values[i],
                                   brute_force_shapley(model_fn, X[i], bg),
                                   rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(e.base_values, model_fn(bg).mean())
    np.testing.assert_array_equal(e.predictions, model_fn(X))


def test_callable_defaults_to_kernel_shap_and_takes_frames():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    bg = pd.DataFrame(rng.normal(size=(5, 5)), columns=list("abcde"))
    ex = xplain.Explainer(model_fn, background=bg)
    assert ex.method == "kernel-shap"
    assert ex.feature_names == list("abcde")
    X = bg.iloc[:2][list("edcba")]          # matched by name
    e = ex(X)
    np.testing.assert_allclose(e.values.sum(1) + e.base_values,
                               model_fn(bg.iloc[:2].to_numpy()), rtol=1e-9)


def test_multioutput_callable():
    rng = np.random.default_rng(2)
    bg = rng.normal(size=(6, 4))

    def f(X):
        return np.c_[X.sum(axis=1), X[:, 0] * X[:, 1]]

    e = xplain.Explainer(f, background=bg, method="kernel-shap")(bg[:3])
    assert e.values.shape == (3, 4, 2)
    np.testing.assert_allclose(e.values[:, :, 0], bg[:3] - bg.mean(0),
                               rtol=1e-9, atol=1e-12)


def test_lime_on_callable():
    rng = np.random.default_rng(3)
    train = rng.normal(size=(200, 5))
    ex = xplain.Explainer(model_fn, background=train, method="lime",
                          num_samples=1000, seed=4)
    e = ex(train[:3])
    assert e.values.shape == (3, 5) and e.method == "lime"
    assert all(len(c) == 5 for c in e.conditions)
    assert np.array_equal(e.values, ex(train[:3], threads=3).values)


def test_callable_called_in_batches_from_threads():
    calls = []
    threads = set()

    def f(X):
        calls.append(len(X))
        threads.add(threading.get_ident())
        return X.sum(axis=1)

    rng = np.random.default_rng(5)
    bg = rng.normal(size=(10, 6))
    ex = xplain.Explainer(f, background=bg, method="kernel-shap",
                          nsamples=200, threads=2)
    calls.clear()
    threads.clear()
    X = rng.normal(size=(4, 6))
    e = ex(X)
    # about 200 coalitions x 10 background rows per row, in large batches
    assert max(calls) >= 100 and len(calls) < 4 * 200
    assert np.all(np.isfinite(e.values))
    assert np.array_equal(e.values, ex(X, threads=1).values)


def test_callable_failures_raise_with_cause():
    state = {"n": 0}

    def flaky(X):
        state["n"] += 1
        if state["n"] > 2:   # the probe and the base value succeed
            raise ZeroDivisionError("model broke")
        return X.sum(axis=1)

    bg = np.zeros((3, 3))
    ex = xplain.Explainer(flaky, background=bg, feature_names=["a", "b", "c"],
                          method="kernel-shap", threads=1)
    with pytest.raises(errors.CallbackError) as ei:
        ex(np.ones((2, 3)))
    assert isinstance(ei.value.__cause__, ZeroDivisionError)
    assert "row 0" in str(ei.value)

    def nan_model(X):
        return np.full(len(X), np.nan)

    with pytest.raises(errors.NumericError):
        xplain.Explainer(nan_model, background=bg, method="kernel-shap")
    with pytest.raises(errors.InvalidArgumentError, match="feature_names"):
        xplain.Explainer(model_fn, method="kernel-shap")
