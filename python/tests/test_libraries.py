"""Models from the real libraries: xgboost and scikit-learn objects load
and predict as they do, TreeSHAP equals xgboost's pred_contribs and shap's
TreeExplainer where both are exact. Each test needs its optional package."""

import numpy as np
import pytest

import xplain


@pytest.fixture(scope="module")
def regression_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6))
    X[rng.random(X.shape) < 0.05] = np.nan
    y = np.nan_to_num(X[:, 0]) * 2 + np.nan_to_num(X[:, 1] * X[:, 2]) + \
        (np.nan_to_num(X[:, 3]) > 0) + rng.normal(scale=0.1, size=300)
    return X, y


def _names(k):
    return ["x%d" % i for i in range(k)]


def test_xgboost_objects_equal_pred_contribs(regression_data):
    xgb = pytest.importorskip("xgboost")
    X, y = regression_data
    reg = xgb.XGBRegressor(n_estimators=30, max_depth=4)
    reg.fit(X, y)
    for source in (reg, reg.get_booster()):
        m = xplain.load_model(source)
        np.testing.assert_allclose(m.predict(X), reg.predict(X), rtol=1e-5,
                                   atol=1e-5)
        e = xplain.Explainer(m)(X)          # no background: path-dependent
        want = reg.get_booster().predict(xgb.DMatrix(X), pred_contribs=True)
        # XGBoost works in float32: 1e-5 relative to max(1, |value|)
        np.testing.assert_allclose(e.values, want[:, :-1], rtol=1e-5,
                                   atol=1e-5)
        np.testing.assert_allclose(e.base_values, want[:, -1], rtol=1e-5,
                                   atol=1e-5)


def test_xgboost_multiclass_contribs():
    xgb = pytest.importorskip("xgboost")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(240, 5))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    clf = xgb.XGBClassifier(n_estimators=10, max_depth=3).fit(X, y)
    m = xplain.load_model(clf)
    np.testing.assert_allclose(m.predict(X, output="probability"),
                               clf.predict_proba(X), rtol=1e-5, atol=1e-6)
    e = xplain.Explainer(m)(X)
    want = clf.get_booster().predict(xgb.DMatrix(X), pred_contribs=True)
    assert e.values.shape == (240, 5, 3)
    np.testing.assert_allclose(e.values, want[:, :, :-1].transpose(0, 2, 1),
                               rtol=1e-5, atol=1e-5)


def test_interventional_equals_shap_tree_explainer(regression_data):
    xgb = pytest.importorskip("xgboost")
    shap = pytest.importorskip("shap")
    X, y = regression_data
    X = np.nan_to_num(X)     # shap's interventional walk and NaN routing
    reg = xgb.XGBRegressor(n_estimators=20, max_depth=4).fit(X, y)
    bg = X[:50]
    e = xplain.Explainer(reg, background=bg)(X[:40])
    te = shap.TreeExplainer(reg, data=bg,
                            feature_perturbation="interventional")
    want = te.shap_values(X[:40], check_additivity=False)
    np.testing.assert_allclose(e.values, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(e.base_values, te.expected_value, rtol=1e-5,
                               atol=1e-5)


def test_sklearn_estimators(regression_data):
    pytest.importorskip("sklearn")
    from sklearn.ensemble import (GradientBoostingClassifier,
                                  RandomForestRegressor)
    from sklearn.linear_model import LogisticRegression, Ridge
    X, y = regression_data
    X = np.nan_to_num(X)
    yc = (y > np.median(y)).astype(int)
    cases = [
        (RandomForestRegressor(n_estimators=10, max_depth=5,
                               random_state=0).fit(X, y), "response"),
        (GradientBoostingClassifier(n_estimators=20, max_depth=3,
                                    random_state=0).fit(X, yc),
         "probability"),
        (Ridge().fit(X, y), "response"),
        (LogisticRegression().fit(X, yc), "probability"),
    ]
    for est, output in cases:
        m = xplain.load_model(est, feature_names=_names(6))
        got = m.predict(X, output=output)
        want = est.predict_proba(X)[:, 1] if output == "probability" \
            else est.predict(X)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12,
                                   err_msg=type(est).__name__)
        e = xplain.Explainer(m, background=X[:30])(X[:20])
        np.testing.assert_allclose(e.values.sum(1) + e.base_values,
                                   m.predict(X[:20]), rtol=1e-9, atol=1e-9)
    from sklearn.svm import SVR
    with pytest.raises(xplain.errors.UnsupportedError, match="SVR"):
        xplain.load_model(SVR().fit(X[:20], y[:20]))


def test_sklearn_hist_gradient_boosting(regression_data):
    pytest.importorskip("sklearn")
    from sklearn.ensemble import (HistGradientBoostingClassifier,
                                  HistGradientBoostingRegressor)
    X, y = regression_data
    X = X.copy()
    # column 5 a categorical feature with codes 0..4 (values = codes), some
    # missing; rows to predict also hold codes of no category (7, -1)
    rng = np.random.default_rng(1)
    X[:, 5] = rng.integers(0, 5, size=len(X))
    X[rng.random(len(X)) < 0.05, 5] = np.nan
    y = y + np.array([0, 2, -1, 1, 3.0])[np.nan_to_num(X[:, 5]).astype(int)]
    Xp = X.copy()
    Xp[:10, 5] = 7
    Xp[10:20, 5] = -1
    yc = np.digitize(y, np.quantile(y, [0.3, 0.6]))
    kw = dict(max_iter=10, categorical_features=[5], random_state=0)
    for est, target in [(HistGradientBoostingRegressor(**kw), y),
                        (HistGradientBoostingClassifier(**kw), yc > 0),
                        (HistGradientBoostingClassifier(**kw), yc)]:
        est.fit(X, target)
        m = xplain.load_model(est, feature_names=_names(6))
        got = m.predict(Xp, output="raw")
        want = est._raw_predict(np.where(np.isin(Xp, [7, -1]), np.nan, Xp))
        np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-12,
                                   atol=1e-12, err_msg=type(est).__name__)
        e = xplain.Explainer(m, background=X[:30], output="raw")(Xp[:20])
        np.testing.assert_allclose(e.values.sum(1) + e.base_values,
                                   m.predict(Xp[:20], output="raw"),
                                   rtol=1e-9, atol=1e-9)


def test_sklearn_forest_equals_shap_path_dependent(regression_data):
    pytest.importorskip("sklearn")
    shap = pytest.importorskip("shap")
    from sklearn.ensemble import RandomForestRegressor
    X, y = regression_data
    X = np.nan_to_num(X)
    rf = RandomForestRegressor(n_estimators=8, max_depth=6,
                               random_state=0).fit(X, y)
    e = xplain.Explainer(xplain.load_model(rf, _names(6)))(X[:30])
    want = shap.TreeExplainer(rf).shap_values(X[:30])
    np.testing.assert_allclose(e.values, want, rtol=1e-9, atol=1e-9)


def _lgb_contrib_blocks(contrib, n_classes):
    """LightGBM's pred_contrib row: per class, M contributions then the
    expected value: -> values (n, M[, K]) and base values (n[, K])."""
    n = contrib.shape[0]
    c = contrib.reshape(n, n_classes, -1)
    vals, base = c[:, :, :-1], c[:, :, -1]
    if n_classes == 1:
        return vals[:, 0], base[:, 0]
    return vals.transpose(0, 2, 1), base


def test_lightgbm_objects_and_files_equal_pred_contrib(regression_data,
                                                       tmp_path):
    lgb = pytest.importorskip("lightgbm")
    X, y = regression_data          # with missing values
    X = X.copy()
    X[:, 5] = np.floor(np.abs(np.nan_to_num(X[:, 5])) * 3)   # codes 0..
    yc = (y > np.median(y)).astype(int)
    y3 = np.digitize(y, np.quantile(y, [0.33, 0.66]))
    params = dict(n_estimators=25, num_leaves=12, min_child_samples=5,
                  verbose=-1)
    cases = [
        (lgb.LGBMRegressor(**params).fit(X, y, categorical_feature=[5]), 1,
         "response"),
        (lgb.LGBMClassifier(**params).fit(X, yc), 1, "probability"),
        (lgb.LGBMClassifier(**params).fit(X, y3), 3, "probability"),
    ]
    for est, K, output in cases:
        booster = est.booster_
        path = tmp_path / "model.txt"
        booster.save_model(str(path))
        want_raw = booster.predict(X, raw_score=True)
        want = _lgb_contrib_blocks(booster.predict(X, pred_contrib=True), K)
        for source in (est, booster, path, str(path)):
            m = xplain.load_model(source)
            assert m.n_features == 6
            what = "%s from %s" % (type(est).__name__, type(source).__name__)
            np.testing.assert_allclose(m.predict(X), want_raw, rtol=1e-12,
                                       atol=1e-12, err_msg=what)
            got = m.predict(X, output=output)
            ref = est.predict_proba(X) if output == "probability" \
                else est.predict(X)
            if K == 1 and output == "probability":
                ref = ref[:, 1]
            np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12,
                                       err_msg=what)
            # no background: path-dependent TreeSHAP, LightGBM's own
            ex = xplain.Explainer(m)
            assert ex.algorithm == "tree-shap-path-dependent"
            e = ex(X)
            np.testing.assert_allclose(e.values, want[0], rtol=1e-9,
                                       atol=1e-9, err_msg=what)
            np.testing.assert_allclose(e.base_values, want[1], rtol=1e-9,
                                       atol=1e-9, err_msg=what)


def test_lightgbm_fixture_file_equals_cli(cli):
    # the repository's LightGBM fixtures (tools/make_categorical_models.py)
    import os
    from conftest import cli_json, field, repo_path
    path = repo_path("tests", "fixtures", "categorical", "lgb_binary.txt")
    if not os.path.exists(path):
        pytest.skip("no LightGBM fixture")
    m = xplain.load_model(path)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(15, m.n_features)) * 2
    X[rng.random(X.shape) < 0.1] = np.nan
    e = xplain.Explainer(m)(X)
    csv = ",".join(m.feature_names) + "\n" + "\n".join(
        ",".join("" if np.isnan(v) else repr(float(v)) for v in r)
        for r in X) + "\n"
    rows = cli_json(cli, [path, "-"], csv)
    assert np.array_equal(e.values, field(rows, "contribution"))
    assert np.array_equal(e.base_values, [r["base_value"] for r in rows])
    assert e.outputs == [1] and e.n_classes == 2
