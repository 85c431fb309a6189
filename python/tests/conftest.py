"""Shared fixtures: the repository's data, and the `explain` CLI whose
bytes the package must reproduce (XPLAIN_CLI, else build/src/cli/explain
of the checkout; .ci/run sets XPLAIN_CLI so that a missing CLI fails)."""

import json
import os
import subprocess

import numpy as np
import pytest

REPO = os.environ.get("XPLAIN_SOURCE_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))


def repo_path(*parts):
    return os.path.join(REPO, *parts)


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("XPLAIN_CLI")
    if path:
        assert os.access(path, os.X_OK), "XPLAIN_CLI=%s is not there" % path
        return path
    path = repo_path("build", "src", "cli", "explain")
    if not os.access(path, os.X_OK):
        pytest.skip("the explain CLI is not built (meson setup build && "
                    "ninja -C build, or set XPLAIN_CLI)")
    return path


def run_cli(cli, args, stdin=None):
    p = subprocess.run([cli] + list(args), input=stdin, capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


def cli_json(cli, args, stdin=None):
    """The CLI's JSON Lines output as a list of dicts."""
    out = run_cli(cli, ["--format", "json"] + list(args), stdin)
    return [json.loads(line) for line in out.splitlines()]


def field(rows, key):
    """Per-feature field `key` of every CLI row as an (n, M) array (None
    -> NaN)."""
    return np.array([[np.nan if f.get(key) is None else f[key]
                      for f in r["features"]] for r in rows], dtype=float)


@pytest.fixture(scope="session")
def breast_cancer():
    pd = pytest.importorskip("pandas")
    return pd.read_csv(repo_path("data", "breast_cancer.csv"))


@pytest.fixture(scope="session")
def diabetes():
    pd = pytest.importorskip("pandas")
    return pd.read_csv(repo_path("data", "diabetes.csv"))
