"""Packaging, model loading, prediction and error handling."""

import os
import pickle

import numpy as np
import pytest

import xplain
from xplain import errors

from conftest import repo_path, run_cli


def test_library_inside_package():
    # the shared library comes with the package: no LD_LIBRARY_PATH
    assert os.environ.get("XPLAIN_LIBRARY") is None
    here = os.path.dirname(xplain.__file__)
    assert os.path.exists(os.path.join(here, "libxplain.so"))
    assert xplain.__version__.count(".") == 2


def test_load_and_predict_matches_cli(cli, breast_cancer):
    path = repo_path("data", "models", "breast_cancer_xgb.bin")
    m = xplain.load_model(path)
    assert m.kind == "tree_ensemble" and m.n_outputs == 1
    assert m.link == "logit" and m.is_classifier
    assert m.background.shape == (100, 30)
    X = breast_cancer.head(25)
    for output in ("raw", "probability", "response"):
        got = m.predict(X, output=output)
        assert got.shape == (25,)
        out = run_cli(cli, ["predict", path, "-", "--model-output", output],
                      X.to_csv(index=False))
        want = np.array([float(v) for v in out.splitlines()])
        assert np.array_equal(got, want), output


def test_multiclass_predict_shape():
    m = xplain.load_model(repo_path("data", "models", "wine_xgb.json"))
    x = np.ones((4, m.n_features))
    p = m.predict(x, output="probability")
    assert p.shape == (4, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)


def test_columns_matched_by_name(breast_cancer):
    m = xplain.load_model(repo_path("data", "models", "breast_cancer_xgb.bin"))
    X = breast_cancer.head(5)
    shuffled = X[list(reversed(X.columns))]
    assert np.array_equal(m.predict(X), m.predict(shuffled))
    assert np.array_equal(m.predict(X), m.predict(X[m.feature_names].values))
    with pytest.raises(errors.ShapeError, match="no column 'mean radius'"):
        m.predict(X.drop(columns=["mean radius"]))


def test_bad_inputs():
    m = xplain.load_model(repo_path("data", "models", "diabetes_xgb.json"))
    with pytest.raises(errors.ShapeError, match="10 features"):
        m.predict(np.zeros((2, 3)))
    with pytest.raises(errors.ShapeError, match="2-D"):
        m.predict(np.zeros((2, 2, 10)))
    with pytest.raises(errors.InvalidArgumentError, match="as numbers"):
        m.predict([["a"] * 10])
    with pytest.raises(errors.InvalidArgumentError, match="output"):
        m.predict(np.zeros((1, 10)), output="logits")
    # a regression model has no probabilities: the library's message
    with pytest.raises(errors.InvalidArgumentError):
        m.predict(np.zeros((1, 10)), output="probability")
    assert m.predict(np.zeros((0, 10))).shape == (0,)


def test_load_errors(tmp_path):
    with pytest.raises(errors.FileError, match="nope.bin: cannot open"):
        xplain.load_model(str(tmp_path / "nope.bin"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "xplain-model", "version": 1,\n  "kind": 7}')
    with pytest.raises(errors.FormatError) as ei:
        xplain.load_model(bad)
    assert "bad.json" in str(ei.value)
    assert isinstance(ei.value, ValueError)
    data = open(repo_path("data", "models", "breast_cancer_xgb.bin"),
                "rb").read()
    with pytest.raises(errors.XplainError):
        xplain.load_model(data[: len(data) // 2])
    with pytest.raises(errors.UnsupportedError, match="cannot load"):
        xplain.load_model(object())


def test_bytes_pickle_and_save(tmp_path, breast_cancer):
    m = xplain.load_model(repo_path("data", "models", "breast_cancer_xgb.bin"))
    X = breast_cancer.head(10)
    m2 = xplain.load_model(m.to_bytes())
    m3 = pickle.loads(pickle.dumps(m))
    m.save(tmp_path / "copy.bin")
    m4 = xplain.load_model(tmp_path / "copy.bin")
    for other in (m2, m3, m4):
        assert np.array_equal(m.predict(X), other.predict(X))
        assert np.array_equal(m.background, other.background)


def test_wrapped_callable_predict():
    m = xplain.wrap_model(lambda X: np.c_[X.sum(axis=1), X[:, 0]], 3)
    assert m.n_outputs == 2 and m.feature_names == ["f0", "f1", "f2"]
    np.testing.assert_array_equal(m.predict([[1, 2, 3]]), [[6, 1]])
    with pytest.raises(errors.UnsupportedError):
        m.to_bytes()


def test_callable_errors_carry_python_cause():
    def boom(X):
        raise KeyError("boom")

    m = xplain.wrap_model(boom, ["a", "b"], n_outputs=1)
    with pytest.raises(errors.CallbackError) as ei:
        m.predict(np.zeros((3, 2)))
    assert isinstance(ei.value.__cause__, KeyError)

    m = xplain.wrap_model(lambda X: np.zeros(len(X) + 1), 2, n_outputs=1)
    with pytest.raises(errors.CallbackError) as ei:
        m.predict(np.zeros((3, 2)))
    assert "expected (3,)" in str(ei.value.__cause__)
