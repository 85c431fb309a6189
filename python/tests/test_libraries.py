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
