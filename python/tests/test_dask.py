"""xplain.dask.explain on a LocalCluster of two worker processes equals
explaining the whole frame at once."""

import numpy as np
import pytest

import xplain

from conftest import repo_path

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                       processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_dask_partitions_equal_local(client, breast_cancer):
    import dask.dataframe as dd
    import xplain.dask
    X = breast_cancer.drop(columns=["target"]).head(120)
    ddf = dd.from_pandas(X, npartitions=4)
    path = repo_path("data", "models", "breast_cancer_xgb.bin")
    m = xplain.load_model(path)
    bg = X.tail(10)
    for model, kw in ((m, {}),
                      (path, {"method": "kernel-shap", "nsamples": 100,
                              "seed": 3, "background": bg})):
        got = xplain.dask.explain(ddf, model, **kw).compute()
        want = xplain.Explainer(model, **kw)(X).to_frame()
        assert list(got.columns) == list(want.columns)
        assert got.index.equals(want.index)
        assert np.array_equal(got.to_numpy(), want.to_numpy())
    # the partitions really ran on both workers
    assert len(client.scheduler_info()["workers"]) == 2


def test_dask_callable(client):
    import dask.dataframe as dd
    import pandas as pd
    import xplain.dask
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 4)), columns=list("abcd"))
    bg = X.head(6)

    def f(A):
        return A[:, 0] * A[:, 1] + A[:, 2]

    got = xplain.dask.explain(dd.from_pandas(X, npartitions=3), f,
                              background=bg, method="kernel-shap").compute()
    want = xplain.Explainer(f, background=bg, method="kernel-shap")(X)
    np.testing.assert_array_equal(got[list("abcd")].to_numpy(), want.values)
