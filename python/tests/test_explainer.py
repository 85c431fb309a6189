"""Explainer results: the CLI's bytes for the same rows and seed, thread
and row-order independence, additivity, charts."""

import numpy as np
import pytest

import xplain
from xplain import errors

from conftest import cli_json, field, repo_path, run_cli

BC_BIN = repo_path("data", "models", "breast_cancer_xgb.bin")
DIAB_XGB = repo_path("data", "models", "diabetes_xgb.json")
DIAB_LIN = repo_path("data", "models", "diabetes_linear.json")
WINE_XGB = repo_path("data", "models", "wine_xgb.json")


def _rows(df, n, drop="target"):
    return df.drop(columns=[drop]).head(n)


def test_tree_shap_equals_cli(cli, breast_cancer):
    X = _rows(breast_cancer, 60)
    e = xplain.Explainer(BC_BIN, threads=2)(X)
    assert e.method == "tree-shap" and e.values.shape == (60, 30)
    rows = cli_json(cli, [BC_BIN, "-"], X.to_csv(index=False))
    assert np.array_equal(e.values, field(rows, "contribution"))
    assert np.array_equal(e.base_values, [r["base_value"] for r in rows])
    assert np.array_equal(e.predictions, [r["prediction"] for r in rows])
    np.testing.assert_allclose(e.values.sum(1) + e.base_values,
                               e.predictions, rtol=1e-9, atol=1e-9)


def test_multioutput_layout_equals_cli(cli, tmp_path):
    pd = pytest.importorskip("pandas")
    X = pd.read_csv(repo_path("data", "wine.csv")).drop(columns=["target"])
    X = X.iloc[::20]
    bg = X.head(5)
    bg.to_csv(tmp_path / "bg.csv", index=False)
    e = xplain.Explainer(WINE_XGB, background=bg)(X)
    n = len(X)
    assert e.values.shape == (n, 13, 3) and e.base_values.shape == (n, 3)
    rows = cli_json(cli, [WINE_XGB, "-", "--background",
                          str(tmp_path / "bg.csv")], X.to_csv(index=False))
    # the CLI writes one object per (row, output)
    got = field(rows, "contribution").reshape(n, 3, 13).transpose(0, 2, 1)
    assert np.array_equal(e.values, got)
    assert e.output_names == ["output 0", "output 1", "output 2"]


def test_kernel_shap_equals_cli(cli, diabetes, tmp_path):
    X = _rows(diabetes, 12)
    bg = _rows(diabetes, 200).tail(15)
    bg.to_csv(tmp_path / "bg.csv", index=False)
    for extra, kw in (([], {}), (["--nsamples", "100"], {"nsamples": 100})):
        e = xplain.Explainer(DIAB_XGB, background=bg, method="kernel-shap",
                             seed=7, threads=2, **kw)(X)
        rows = cli_json(cli, [DIAB_XGB, "-", "--method", "kernel-shap",
                              "--seed", "7", "--background",
                              str(tmp_path / "bg.csv")] + extra,
                        X.to_csv(index=False))
        assert np.array_equal(e.values, field(rows, "contribution"))
        assert np.array_equal(e.std_errors, field(rows, "std_error"))
    # exact mode (1022 coalitions fit the default budget) equals TreeSHAP
    # over the same background: both are the interventional Shapley values
    ex = xplain.Explainer(DIAB_XGB, background=bg, method="kernel-shap")
    exact = ex(X)
    tree = xplain.Explainer(DIAB_XGB, background=bg)(X)
    np.testing.assert_allclose(exact.values, tree.values, rtol=1e-9,
                               atol=1e-9)
    assert np.all(exact.std_errors == 0)


def test_lime_equals_cli(cli, breast_cancer):
    X = _rows(breast_cancer, 8)
    e = xplain.Explainer(BC_BIN, method="lime", seed=5, num_samples=2000,
                         threads=2)(X)
    rows = cli_json(cli, [BC_BIN, "-", "--method", "lime", "--seed", "5",
                          "--num-samples", "2000"], X.to_csv(index=False))
    assert np.array_equal(e.values, field(rows, "contribution"))
    assert np.array_equal(e.score, [r["score"] for r in rows])
    assert np.array_equal(e.base_values, [r["intercept"] for r in rows])
    assert e.conditions[3] == [f["condition"] for f in rows[3]["features"]]
    assert e.selected.sum(axis=1).tolist() == [10] * 8


def test_linear_shap_equals_cli(cli, diabetes):
    X = _rows(diabetes, 30)
    bg = _rows(diabetes, 100)
    e = xplain.Explainer(DIAB_LIN, background=bg)(X)
    assert e.method == "linear-shap"
    mean = bg.to_numpy().mean(axis=0)
    m = xplain.load_model(DIAB_LIN)
    # w_k (x_k - E x_k): the model's slope from two predictions
    for k in range(10):
        x1 = mean.copy()
        x1[k] += 1
        w = m.predict(x1[None])[0] - m.predict(mean[None])[0]
        np.testing.assert_allclose(e.values[:, k],
                                   w * (X.to_numpy()[:, k] - mean[k]),
                                   rtol=1e-7, atol=1e-7)
    with pytest.raises(errors.NumericError, match="row 1: .*missing"):
        xplain.Explainer(DIAB_LIN, background=bg)(
            np.r_[X.to_numpy()[:1], np.full((1, 10), np.nan)])


def test_threads_and_row_order_do_not_change_results(breast_cancer):
    X = _rows(breast_cancer, 30).to_numpy()
    for method, kw in (("kernel-shap", {"nsamples": 300,
                                        "background": X[-8:]}),
                       ("lime", {"num_samples": 500})):
        ex = xplain.Explainer(BC_BIN, method=method, seed=1, **kw)
        a = ex(X, threads=1)
        b = ex(X, threads=3)
        c = ex(X[::-1])
        assert np.array_equal(a.values, b.values), method
        assert np.array_equal(a.values, c.values[::-1]), method


def test_interactions_equal_cli(cli, diabetes):
    X = _rows(diabetes, 5)
    e = xplain.Explainer(DIAB_XGB, interactions=True)(X)
    assert e.interaction_values.shape == (5, 10, 10)
    np.testing.assert_allclose(e.interaction_values.sum(axis=2), e.values,
                               rtol=1e-9, atol=1e-9)
    rows = cli_json(cli, [DIAB_XGB, "-", "--interactions"],
                    X.to_csv(index=False))
    cli_inter = np.array([r["interactions"] for r in rows])[:, :10, :10]
    assert np.array_equal(e.interaction_values, cli_inter)
    with pytest.raises(errors.InvalidArgumentError, match="tree model"):
        xplain.Explainer(DIAB_LIN, background=X, interactions=True)


def test_plots_equal_cli_svg(cli, breast_cancer, tmp_path):
    X = _rows(breast_cancer, 3)
    e = xplain.Explainer(BC_BIN)(X)
    for chart in ("bar", "waterfall"):
        svg = e.plot(chart, path=tmp_path / ("%s.svg" % chart))
        want = run_cli(cli, [BC_BIN, "-", "--format", "svg", "--chart",
                             chart], X.to_csv(index=False))
        assert svg == want
        assert (tmp_path / ("%s.svg" % chart)).read_text() == want
    svg = e.plot("beeswarm")
    want = run_cli(cli, ["importance", BC_BIN, "-", "--chart", "beeswarm",
                         "--format", "svg"], X.to_csv(index=False))
    assert svg == want
    import xml.etree.ElementTree as ET
    for kind, kw in (("force", {}), ("decision", {}), ("heatmap", {}),
                     ("stacked", {}), ("importance", {"unit": "log-odds"}),
                     ("dependence", {"feature": "mean radius",
                                     "color_by": "auto"})):
        root = ET.fromstring(e.plot(kind, **kw).encode())
        assert root.tag.endswith("svg"), kind
    with pytest.raises(errors.InvalidArgumentError):
        e.plot("pie")
    with pytest.raises(errors.FileError):
        e.plot("bar", path=tmp_path / "no" / "such" / "dir.svg")


def test_frames_and_shap(breast_cancer):
    X = _rows(breast_cancer, 4)
    X.index = [10, 11, 12, 13]
    e = xplain.Explainer(BC_BIN)(X)
    f = e.to_frame()
    assert list(f.index) == [10, 11, 12, 13]
    assert list(f.columns[:30]) == e.feature_names
    assert np.array_equal(f["prediction"], e.predictions)
    shap = pytest.importorskip("shap")
    s = e.to_shap()
    assert isinstance(s, shap.Explanation)
    assert np.array_equal(s.values, e.values)
    assert s.feature_names == e.feature_names


def test_explainer_errors(diabetes):
    X = _rows(diabetes, 3)
    with pytest.raises(errors.InvalidArgumentError, match="method"):
        xplain.Explainer(DIAB_XGB, method="magic")
    with pytest.raises(errors.InvalidArgumentError, match="raw margins"):
        xplain.Explainer(DIAB_XGB, method="tree-shap", output="response")
    with pytest.raises(errors.InvalidArgumentError):
        # no background given or embedded
        xplain.Explainer(DIAB_XGB, method="kernel-shap")
    with pytest.raises(errors.ShapeError, match="background"):
        xplain.Explainer(DIAB_XGB, background=np.zeros((3, 4)))
    with pytest.raises(errors.InvalidArgumentError, match="sampler"):
        xplain.Explainer(DIAB_XGB, background=X, sampler="best")
    with pytest.raises(errors.InvalidArgumentError):
        xplain.Explainer(DIAB_XGB, background=X, method="lime",
                         num_samples=1)
    ex = xplain.Explainer(DIAB_XGB, background=X, method="lime")
    with pytest.raises(errors.InvalidArgumentError, match="row 1"):
        ex(np.r_[X.to_numpy()[:1], np.full((1, 10), np.nan)])


LGB_MULTI = repo_path("tests", "fixtures", "categorical",
                      "lgb_multiclass.txt")

# (model, data file, background rows, CLI options, Explainer options): one
# path for both (xpl_explainer_*), so every method and option gives the
# CLI's numbers exactly
CLI_CASES = [
    ("bc-embedded", BC_BIN, "breast_cancer", 0, [], {}),
    ("bc-class-0", BC_BIN, "breast_cancer", 0, ["--class", "0"],
     {"class_index": 0}),
    ("bc-ks-probability", BC_BIN, "breast_cancer", 0,
     ["--method", "kernel-shap", "--model-output", "probability",
      "--nsamples", "200", "--seed", "3"],
     {"method": "kernel-shap", "output": "probability", "nsamples": 200,
      "seed": 3}),
    ("bc-ks-logit", BC_BIN, "breast_cancer", 0,
     ["--model-output", "probability", "--link", "logit", "--nsamples",
      "150"],
     {"output": "probability", "link": "logit", "nsamples": 150}),
    ("wine-class-2", WINE_XGB, "wine", 6, ["--class", "2"],
     {"class_index": 2}),
    ("wine-lime", WINE_XGB, "wine", 40,
     ["--method", "lime", "--num-samples", "800", "--seed", "9"],
     {"method": "lime", "num_samples": 800, "seed": 9}),
    ("diabetes-linear", DIAB_LIN, "diabetes", 50, [], {}),
    ("diabetes-lime-repeats", DIAB_XGB, "diabetes", 60,
     ["--method", "lime", "--num-samples", "400", "--repeats", "3",
      "--discretizer", "decile", "--num-features", "4"],
     {"method": "lime", "num_samples": 400, "repeats": 3,
      "discretizer": "decile", "num_features": 4}),
    ("diabetes-ks-options", DIAB_XGB, "diabetes", 12,
     ["--method", "kernel-shap", "--sampler", "shap", "--tolerance", "0.05",
      "--l1", "top:5", "--nsamples", "300", "--seed", "11"],
     {"method": "kernel-shap", "sampler": "shap", "tolerance": 0.05,
      "l1_reg": "top-k", "l1_top_k": 5, "nsamples": 300, "seed": 11}),
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_every_method_equals_cli(cli, case, tmp_path):
    pd = pytest.importorskip("pandas")
    _, model, data, n_bg, args, kw = case
    df = pd.read_csv(repo_path("data", data + ".csv"))
    X = _rows(df, 10)
    if n_bg:
        bg = df.drop(columns=["target"]).tail(n_bg)
        bg.to_csv(tmp_path / "bg.csv", index=False)
        args = args + ["--background", str(tmp_path / "bg.csv")]
        kw = dict(kw, background=bg)
    e = xplain.Explainer(model, threads=2, **kw)(X)
    rows = cli_json(cli, [model, "-", "-q"] + args, X.to_csv(index=False))
    k = len(rows) // len(X)          # CLI objects per row (outputs)
    assert k * len(X) == len(rows)
    assert e.method == rows[0]["method"]

    def per_row(a):                  # (n*k, M) -> Explanation's layout
        a = a.reshape(len(X), k, -1)
        return a[:, 0] if k == 1 else a.transpose(0, 2, 1)

    assert np.array_equal(e.values, per_row(field(rows, "contribution")))
    if e.std_errors is not None:
        assert np.array_equal(e.std_errors, per_row(field(rows,
                                                          "std_error")))
    else:
        assert "std_error" not in rows[0]["features"][0]
    base = np.array([r["base_value"] for r in rows]).reshape(len(X), k)
    pred = np.array([r["prediction"] for r in rows]).reshape(len(X), k)
    outs = np.array([r["output"] for r in rows]).reshape(len(X), k)
    assert np.array_equal(e.base_values, base[:, 0] if k == 1 else base)
    assert np.array_equal(e.predictions, pred[:, 0] if k == 1 else pred)
    if e.method == "lime":
        assert np.array_equal(e.explained_class, outs[:, 0])
        assert np.array_equal(e.score, [r["score"] for r in rows])
        assert e.conditions == [[f["condition"] for f in r["features"]]
                                for r in rows]
        assert np.array_equal(e.selected, [[f["selected"] for f in
                                            r["features"]] for r in rows])
    else:
        assert e.outputs == outs[0].tolist()
        assert (outs == outs[0]).all()


def test_lightgbm_file_explained_as_cli(cli, tmp_path):
    # a LightGBM text model: interventional TreeSHAP, and interactions
    m = xplain.load_model(LGB_MULTI)
    rng = np.random.default_rng(4)
    X = np.abs(rng.normal(size=(8, m.n_features))) * 3
    bg = np.abs(rng.normal(size=(20, m.n_features))) * 3
    header = ",".join(m.feature_names)
    for name, a in (("x.csv", X), ("bg.csv", bg)):
        np.savetxt(tmp_path / name, a, delimiter=",", header=header,
                   comments="", fmt="%.17g")
    e = xplain.Explainer(m, background=bg)(X)
    rows = cli_json(cli, [LGB_MULTI, str(tmp_path / "x.csv"),
                          "--background", str(tmp_path / "bg.csv")])
    K = m.n_outputs
    want = field(rows, "contribution").reshape(8, K, -1).transpose(0, 2, 1)
    assert e.values.shape == (8, m.n_features, K)
    assert np.array_equal(e.values, want)
    ei = xplain.Explainer(m, interactions=True)(X)
    rows = cli_json(cli, [LGB_MULTI, str(tmp_path / "x.csv"),
                          "--interactions"])
    P = m.n_features
    want = np.array([r["interactions"] for r in rows]).reshape(
        8, K, P + 1, P + 1)[:, :, :P, :P].transpose(0, 2, 3, 1)
    assert np.array_equal(ei.interaction_values, want)


def test_expected_value(diabetes):
    X = _rows(diabetes, 5)
    bg = _rows(diabetes, 40)
    for kw in ({}, {"background": bg}, {"background": bg,
                                        "method": "kernel-shap"}):
        ex = xplain.Explainer(DIAB_XGB, **kw)
        e = ex(X)
        assert np.all(e.base_values == ex.expected_value), kw
    wine = xplain.Explainer(WINE_XGB)
    assert wine.expected_value.shape == (3,)
    assert xplain.Explainer(DIAB_XGB, background=bg,
                            method="lime").expected_value is None
