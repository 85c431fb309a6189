#!/usr/bin/env python3
"""Why shap's interventional SHAP values of LightGBM models differ from
xplain's by ~3e-7 (docs/tree-shap-interventional.md, "Agreement").

    python bench/lgb_interventional_vs_shap.py DATA_DIR MODEL NROWS NBG \\
        [--xplain build/bench/peers_xplain] [--brute]

DATA_DIR holds bench/make_grid.py's models and rows (MODEL.txt,
rows_fM.csv, bg_fM.csv). For the first NROWS rows against the first NBG
background rows it prints the largest |difference| between

  - xplain (bench/peers_xplain interventional) and shap 0.5x
    (TreeExplainer(data=Independent(bg, max_samples=NBG),
    feature_perturbation="interventional")), on the model as written;
  - the same after subtracting a constant C from every leaf of the first
    tree (LightGBM puts the target's mean there): every prediction moves by
    -C and no Shapley value changes, so any change is rounding;
  - xplain on a copy whose leaf values, or thresholds, are rounded to
    float32 (the precision of shap's interventional kernel), against shap;
  - with --brute (at most 12 features): both against the exact values from
    LightGBM's own predict on all 2^M hybrid rows of every (row, background
    row) pair.

Needs numpy, lightgbm and shap in this interpreter. Writes temporary model
copies only.
"""
import argparse
import itertools
import math
import os
import subprocess
import tempfile

import numpy as np


def read_csv(path):
    return np.genfromtxt(path, delimiter=",", skip_header=1).astype(
        np.float32).astype(np.float64)


def rewrite(src, dst, edit):
    """Copy a LightGBM model text through edit(tree, key, values) (None:
    keep the line). tree_sizes is dropped: LightGBM then reads the trees in
    order."""
    out, tree = [], None
    for line in open(src):
        if line.startswith("Tree="):
            tree = int(line[5:])
        if line.startswith("tree_sizes="):
            continue
        key, _, rest = line.partition("=")
        if tree is not None and rest and key in ("leaf_value", "threshold"):
            vals = edit(tree, key, [float(v) for v in rest.split()])
            if vals is not None:
                line = key + "=" + " ".join(repr(float(v)) for v in vals) + "\n"
        out.append(line)
    with open(dst, "w") as f:
        f.writelines(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir")
    ap.add_argument("model")
    ap.add_argument("nrows", type=int)
    ap.add_argument("nbg", type=int)
    ap.add_argument("--xplain", default="build/bench/peers_xplain")
    ap.add_argument("--shift", type=float, default=10.0)
    ap.add_argument("--brute", action="store_true")
    a = ap.parse_args()
    import lightgbm as lgb
    import shap

    path = os.path.join(a.data_dir, a.model + ".txt")
    m = lgb.Booster(model_file=path).num_feature()
    rows_path = os.path.join(a.data_dir, "rows_f%d.csv" % m)
    bg_path = os.path.join(a.data_dir, "bg_f%d.csv" % m)
    X = read_csv(rows_path)[:a.nrows]
    BG = read_csv(bg_path)[:a.nbg]
    tmp = tempfile.mkdtemp()

    def xplain(model):
        out = os.path.join(tmp, "xp.bin")
        subprocess.run([a.xplain, "interventional", model, rows_path, "--bg",
                        bg_path, "--bg-rows", str(a.nbg), "--rows",
                        str(a.nrows), "--repeat", "1", "--out", out],
                       check=True, capture_output=True)
        return np.fromfile(out, "<f8").reshape(a.nrows, m + 1)[:, :m]

    def shap_values(model):
        ex = shap.TreeExplainer(
            lgb.Booster(model_file=model),
            data=shap.maskers.Independent(BG.astype(np.float32),
                                          max_samples=a.nbg),
            feature_perturbation="interventional")
        return np.asarray(ex.shap_values(X.astype(np.float32),
                                         check_additivity=False))

    shifted = os.path.join(tmp, "shifted.txt")
    rewrite(path, shifted, lambda t, k, v: [x - a.shift for x in v]
            if t == 0 and k == "leaf_value" else None)
    leaves0 = []
    rewrite(path, os.path.join(tmp, "probe.txt"),
            lambda t, k, v: leaves0.extend(v) if t == 0 and k == "leaf_value" else None)
    xp, sh = xplain(path), shap_values(path)
    xps, shs = xplain(shifted), shap_values(shifted)
    print("%s: %d rows x %d background rows; tree 0 leaves %.4g..%.4g"
          % (a.model, a.nrows, a.nbg, min(leaves0), max(leaves0)))
    print("  xplain vs shap, model as written:            %.2g" % np.abs(xp - sh).max())
    print("  tree 0 leaves - %g: xplain moves by          %.2g" % (a.shift, np.abs(xp - xps).max()))
    print("  tree 0 leaves - %g: shap vs xplain           %.2g" % (a.shift, np.abs(shs - xp).max()))
    for what in ("leaf_value", "threshold"):
        rounded = os.path.join(tmp, "f32.txt")
        rewrite(path, rounded, lambda t, k, v: [float(np.float32(x)) for x in v]
                if k == what else None)
        print("  xplain with %-10s as float32 vs shap:    %.2g"
              % (what, np.abs(xplain(rounded) - sh).max()))
    if a.brute:
        b = lgb.Booster(model_file=path)
        masks = np.array(list(itertools.product([False, True], repeat=m)))
        size = masks.sum(1)
        w = np.array([math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m)
                      for s in range(m)])
        bf = np.zeros((a.nrows, m))
        for r in range(a.nrows):
            H = np.concatenate([np.where(masks, X[r], z) for z in BG])
            V = b.predict(H, raw_score=True).reshape(a.nbg, -1).mean(0)
            for j in range(m):
                bit = 1 << (m - 1 - j)
                S = np.nonzero(~masks[:, j])[0]
                bf[r, j] = np.sum(w[size[S]] * (V[S + bit] - V[S]))
        print("  brute force (LightGBM's predict, 2^%d coalitions): xplain %.2g, "
              "shap %.2g, shap with tree 0 shifted %.2g"
              % (m, np.abs(xp - bf).max(), np.abs(sh - bf).max(),
                 np.abs(shs - bf).max()))


if __name__ == "__main__":
    main()
