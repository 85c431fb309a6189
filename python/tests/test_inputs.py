"""Bad input from Python: wrong dtypes and shapes, missing and infinite
values, bad options, misbehaving callables, closed models and
explainers. Each must raise an xplain exception that says what is wrong
(or give a documented result); none may crash the interpreter or be
silently wrong."""

import gc
import threading
import time

import numpy as np
import pytest

import xplain
from xplain import errors

from conftest import repo_path

DIAB_XGB = repo_path("data", "models", "diabetes_xgb.json")
DIAB_LIN = repo_path("data", "models", "diabetes_linear.json")


@pytest.fixture(scope="module")
def model():
    return xplain.load_model(DIAB_XGB)


@pytest.fixture(scope="module")
def bg():
    return np.random.default_rng(0).normal(size=(20, 10)) * 0.05


# ------------------------------------------------------------- dtypes
def test_dtypes_that_would_be_silently_wrong_are_refused(model):
    with pytest.raises(errors.InvalidArgumentError, match="complex"):
        model.predict(np.ones((2, 10)) * (1 + 1j))
    with pytest.raises(errors.InvalidArgumentError, match="datetime64"):
        model.predict(np.array([["2020-01-01"] * 10], dtype="datetime64[D]"))
    with pytest.raises(errors.InvalidArgumentError, match="timedelta64"):
        model.predict(np.ones((1, 10), dtype="timedelta64[s]"))
    with pytest.raises(errors.InvalidArgumentError, match="as numbers"):
        model.predict([["a"] * 10])
    with pytest.raises(errors.InvalidArgumentError, match="as numbers"):
        model.predict(np.array([[{}] * 10], dtype=object))


def test_frames_with_odd_columns_are_refused(model):
    pd = pytest.importorskip("pandas")
    names = model.feature_names
    X = pd.DataFrame(np.ones((2, 10)), columns=names)
    Xc = X.astype({"bmi": complex})
    with pytest.raises(errors.InvalidArgumentError, match="bmi"):
        model.predict(Xc)
    Xd = X.copy()
    Xd["age"] = pd.to_datetime(["2020-01-01", "2021-01-01"])
    with pytest.raises(errors.InvalidArgumentError, match="age"):
        model.predict(Xd)
    Xs = X.astype({"sex": str})
    Xs["sex"] = ["m", "f"]
    with pytest.raises(errors.InvalidArgumentError, match="sex"):
        model.predict(Xs)
    # nullable integers with pd.NA: missing values, not an error
    Xn = X.astype({"s1": "Int64"})
    Xn.loc[0, "s1"] = pd.NA
    got = model.predict(Xn)
    want = model.predict(np.where(np.arange(10) == names.index("s1"),
                                  np.nan, 1.0)[None])
    assert got[0] == want[0]


def test_every_numeric_layout_gives_the_same_numbers(model, bg):
    ex = xplain.Explainer(model, background=bg)
    X = np.random.default_rng(1).normal(size=(6, 10)) * 0.05
    want = ex(X)
    wide = np.zeros((6, 20))
    wide[:, ::2] = X
    for other in (np.asfortranarray(X), wide[:, ::2], X.tolist(),
                  X.astype(np.float32).astype(np.float64)):
        assert np.array_equal(ex(other).values, want.values)
    assert np.array_equal(ex(X.astype(np.float32)).values,
                          ex(X.astype(np.float32).astype(np.float64)).values)
    ints = np.arange(60).reshape(6, 10) % 3
    assert np.array_equal(ex(ints).values, ex(ints.astype(float)).values)
    bools = ints > 0
    assert np.array_equal(ex(bools).values, ex(bools.astype(float)).values)
    # one row as a 1-D array
    assert np.array_equal(ex(X[0]).values, want.values[:1])


# ------------------------------------------------------------- shapes
def test_shapes(model, bg):
    ex = xplain.Explainer(model, background=bg)
    for bad, msg in ((np.ones((2, 3)), "3 columns"), (np.ones((2, 0)),
                                                       "0 columns"),
                     (np.ones((2, 2, 10)), "2-D"), (3.0, "2-D"),
                     (np.ones((0, 9)), "9 columns")):
        with pytest.raises(errors.ShapeError, match=msg):
            ex(bad)
        with pytest.raises(errors.ShapeError, match=msg):
            model.predict(bad)
    e = ex(np.zeros((0, 10)))
    assert e.values.shape == (0, 10) and e.base_values.shape == (0,)
    with pytest.raises(errors.ShapeError, match="background"):
        xplain.Explainer(model, background=np.ones((5, 9)))
    with pytest.raises(errors.InvalidArgumentError, match="no rows"):
        xplain.Explainer(model, background=np.ones((0, 10)))
    with pytest.raises(errors.ShapeError, match="weights"):
        xplain.Explainer(model, background=bg, background_weights=[1, 2])
    with pytest.raises(errors.InvalidArgumentError, match="without"):
        xplain.Explainer(model, background_weights=[1, 2])


# ------------------------------------------------ missing and infinite
def test_missing_and_infinite_values(model, bg):
    nan_row = np.full((1, 10), np.nan)
    inf_row = np.full((1, 10), np.inf)
    # trees route missing values (and infinities compare): exact methods
    # and Kernel SHAP explain them, additively
    for kw in ({}, {"background": bg}, {"background": bg,
                                        "method": "kernel-shap"}):
        ex = xplain.Explainer(model, **kw)
        for row in (nan_row, inf_row):
            e = ex(row)
            assert np.all(np.isfinite(e.values))
            np.testing.assert_allclose(e.values.sum() + e.base_values[0],
                                       e.predictions[0], rtol=1e-9,
                                       atol=1e-9)
    # LIME needs every value; linear SHAP finite ones: the row is named
    lime = xplain.Explainer(model, background=bg, method="lime",
                            num_samples=200)
    with pytest.raises(errors.InvalidArgumentError, match="row 2"):
        lime(np.r_[bg[:2], nan_row])
    lin = xplain.Explainer(DIAB_LIN, background=bg)
    with pytest.raises(errors.NumericError, match="row 0: .*inf"):
        lin(inf_row)
    with pytest.raises(errors.NumericError, match="row 1: .*missing"):
        lin(np.r_[bg[:1], nan_row])
    # backgrounds
    with pytest.raises(errors.NumericError, match="missing"):
        xplain.Explainer(DIAB_LIN, background=np.full((3, 10), np.nan))
    with pytest.raises(errors.InvalidArgumentError, match="no observed"):
        xplain.Explainer(model, background=np.full((3, 10), np.nan),
                         method="lime")
    for w in (-np.ones(20), np.full(20, np.nan), np.zeros(20)):
        with pytest.raises(errors.InvalidArgumentError, match="weight"):
            xplain.Explainer(model, background=bg, background_weights=w)


# ------------------------------------------------------------ options
@pytest.mark.parametrize("kw, match", [
    ({"method": "magic"}, "method"),
    ({"seed": -1}, "seed"),
    ({"seed": 2**64}, "seed"),
    ({"seed": "1"}, "seed"),
    ({"seed": 1.5}, "seed"),
    ({"threads": 0}, "threads"),
    ({"threads": "many"}, "threads"),
    ({"class_index": 7}, "out of range"),
    ({"class_index": -2}, "class_index"),
    ({"output": "logits"}, "output"),
    ({"output": "probability"}, "classifier"),
    ({"link": "probit"}, "link"),
    ({"method": "kernel-shap", "nsamples": 1}, "nsamples"),
    ({"method": "kernel-shap", "nsamples": -1}, "nsamples"),
    ({"method": "kernel-shap", "tolerance": float("nan")}, "tolerance"),
    ({"method": "kernel-shap", "tolerance": "small"}, "tolerance"),
    ({"method": "kernel-shap", "sampler": "best"}, "sampler"),
    ({"method": "kernel-shap", "l1_reg": "l2"}, "l1_reg"),
    ({"method": "lime", "num_samples": 1}, "samples"),
    ({"method": "lime", "kernel_width": float("nan")}, "kernel width"),
    ({"method": "lime", "kernel_width": -1}, "kernel width"),
    ({"method": "lime", "repeats": 0}, "repeats"),
    ({"method": "lime", "categorical": [99]}, "no feature 99"),
    ({"method": "lime", "categorical": ["height"]}, "height"),
    ({"method": "lime", "categorical": [1, 1]}, "twice"),
    ({"method": "lime", "discretizer": "octile"}, "discretizer"),
    ({"method": "lime", "feature_selection": "best"}, "feature_selection"),
    ({"method": "lime", "interactions": True}, "TreeSHAP"),
    ({"method": "tree-shap", "output": "response"}, "raw margins"),
    ({"method": "linear-shap"}, "."),
])
def test_bad_options(model, bg, kw, match):
    with pytest.raises(errors.XplainError, match=match):
        xplain.Explainer(model, background=bg, **kw)


def test_explainer_needs_what_its_method_needs(model):
    with pytest.raises(errors.InvalidArgumentError, match="background"):
        xplain.Explainer(model, method="kernel-shap")
    with pytest.raises(errors.InvalidArgumentError, match="training data"):
        xplain.Explainer(model, method="lime")
    with pytest.raises(errors.InvalidArgumentError, match="tree model"):
        xplain.Explainer(DIAB_LIN, interactions=True)


# ---------------------------------------------------------- callables
def test_misbehaving_callables(bg):
    with pytest.raises(errors.CallbackError, match="probe") as ei:
        xplain.Explainer(lambda X: np.array(["a"] * len(X)), background=bg)
    assert isinstance(ei.value.__cause__, ValueError)
    with pytest.raises(errors.ShapeError, match=r"\(1, 1, 1\)"):
        xplain.Explainer(lambda X: np.zeros((len(X), 1, 1)), background=bg)
    wrong = xplain.wrap_model(lambda X: np.zeros((len(X), 2)), 10,
                              n_outputs=1)
    with pytest.raises(errors.CallbackError) as ei:
        wrong.predict(bg)
    assert "expected (20,)" in str(ei.value.__cause__)

    def leave(X):
        raise SystemExit(3)

    with pytest.raises(errors.CallbackError) as ei:
        xplain.wrap_model(leave, 10, n_outputs=1).predict(bg)
    assert isinstance(ei.value.__cause__, SystemExit)
    with pytest.raises(errors.InvalidArgumentError, match="no feature"):
        xplain.wrap_model(lambda X: X[:, 0], [])
    with pytest.raises(errors.InvalidArgumentError, match="duplicate"):
        xplain.wrap_model(lambda X: X[:, 0], ["a", "a"])
    with pytest.raises(errors.InvalidArgumentError, match="Unicode"):
        xplain.wrap_model(lambda X: X[:, 0], ["a\udcff", "b"])
    with pytest.raises(errors.InvalidArgumentError, match="NUL"):
        xplain.wrap_model(lambda X: X[:, 0], ["a\0b", "b"])
    with pytest.raises(errors.InvalidArgumentError, match="n_outputs"):
        xplain.wrap_model(lambda X: X[:, 0], 2, n_outputs=0)
    # a callable that fails on some rows only: the first failing row is
    # named, whichever thread met it
    def picky(X):
        if np.any(X[:, 0] > 10):
            raise ArithmeticError("too big")
        return X.sum(axis=1)

    ex = xplain.Explainer(picky, background=bg, method="kernel-shap",
                          nsamples=50)
    X = bg[:6].copy()
    X[4, 0] = 11
    with pytest.raises(errors.CallbackError, match="row 4") as ei:
        ex(X, threads=3)
    assert isinstance(ei.value.__cause__, ArithmeticError)
    assert np.all(np.isfinite(ex(bg[:4], threads=3).values))


# ------------------------------------------------------------- files
def test_paths(tmp_path, model, bg):
    with pytest.raises(errors.InvalidArgumentError, match="NUL"):
        xplain.load_model(DIAB_XGB + "\0.bin")
    with pytest.raises(errors.FileError, match="cannot read"):
        xplain.load_model(tmp_path)
    with pytest.raises(errors.FormatError, match="empty"):
        xplain.load_model(b"")
    with pytest.raises(errors.UnsupportedError, match="NoneType"):
        xplain.load_model(None)
    with pytest.raises(errors.InvalidArgumentError, match="NUL"):
        model.save(str(tmp_path / "m\0.bin"))
    e = xplain.Explainer(model, background=bg)(bg[:2])
    with pytest.raises(errors.InvalidArgumentError, match="NUL"):
        e.plot("bar", path=str(tmp_path / "a\0.svg"))
    with pytest.raises(errors.InvalidArgumentError, match="output 5"):
        e.plot("bar", output=5)
    with pytest.raises(errors.InvalidArgumentError, match="row 7"):
        e.plot("bar", rows=[7])


# ------------------------------------------------------ closed objects
def test_closed_models_and_explainers(bg):
    m = xplain.load_model(DIAB_XGB)
    ex = xplain.Explainer(m, background=bg)
    want = ex(bg[:3]).values
    m.close()
    assert m.closed
    m.close()                      # twice: harmless
    for use in (lambda: m.predict(bg), lambda: m.n_features,
                lambda: m.feature_names, lambda: m.to_bytes(),
                lambda: m.properties, lambda: m.background,
                lambda: xplain.Explainer(m, background=bg)):
        with pytest.raises(errors.ClosedError, match="model is closed"):
            use()
    assert "closed" in repr(m)
    # the explainer built before the close refuses too; its C model is
    # kept until the explainer goes, then freed
    with pytest.raises(errors.ClosedError):
        ex(bg[:3])
    assert m.handle
    ex.close()
    assert not m.handle
    with pytest.raises(errors.ClosedError, match="explainer is closed"):
        ex(bg[:3])
    ex.close()
    # context managers
    with xplain.load_model(DIAB_XGB) as m2:
        with xplain.Explainer(m2, background=bg) as ex2:
            assert np.array_equal(ex2(bg[:3]).values, want)
        with pytest.raises(errors.ClosedError):
            ex2(bg[:3])
    assert m2.closed and not m2.handle
    # an explainer collected before its model was closed
    m3 = xplain.load_model(DIAB_XGB)
    xplain.Explainer(m3, background=bg)
    gc.collect()
    m3.close()
    assert not m3.handle


def test_close_while_explaining_in_another_thread(bg):
    started = threading.Event()

    def slow(X):
        started.set()
        time.sleep(0.002)
        return X.sum(axis=1)

    m = xplain.wrap_model(slow, 10, n_outputs=1)
    ex = xplain.Explainer(m, background=bg[:5], method="kernel-shap",
                          nsamples=60)
    started.clear()                # the base value called slow already
    box = {}

    def work():
        try:
            box["e"] = ex(bg[:8], threads=2)
        except Exception as e:   # pragma: no cover - reported below
            box["error"] = e

    t = threading.Thread(target=work)
    t.start()
    started.wait(10)
    m.close()                      # the call in flight keeps the C model
    ex.close()
    t.join(60)
    assert "error" not in box, box.get("error")
    assert box["e"].values.shape == (8, 10)
    assert not m.handle
    with pytest.raises(errors.ClosedError):
        ex(bg[:1])
