#!/usr/bin/env python3
"""xplain's Python package side by side with xgboost, lightgbm and shap:
values, then speed, in one run (docs/python.md shows its output).

    python bench/python_vs_shap.py [--reps 3] [--quick]

Needs the installed package (pip install .) and numpy, xgboost, shap
(0.51 measured), optionally lightgbm. Everything is seeded; the data is a
synthetic regression (6000 x 20, interactions, thresholds) so that
backgrounds of 1000 rows exist.

Timings are wall-clock, median of --reps runs with the spread (min-max)
shown, and the process's CPU time (all its threads; on a shared machine
the steadier figure for one-thread runs). Ratios are of wall medians. "1 thread" runs xplain with threads=1
and gives the Python model function one xgboost thread; "all threads"
uses every core for both (shap's TreeExplainer has no thread setting and
its KernelExplainer runs one row at a time; its model function gets every
core).
"""

import argparse
import itertools
import math
import os
import statistics
import sys
import time
import warnings

import numpy as np

import xplain

warnings.filterwarnings("ignore")


def synthetic(n, m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, m))
    y = (X[:, 0] * X[:, 1] + np.sin(2 * X[:, 2]) + (X[:, 3] > 0.5) * X[:, 4]
         + 0.5 * X[:, 5:].sum(axis=1) / np.sqrt(m - 5)
         + rng.normal(scale=0.2, size=n))
    return X, y


def timed(fn, reps):
    """(median, min, max) wall seconds of reps calls, the median process
    CPU seconds (every thread of the process), and the last result."""
    times, cpu, out = [], [], None
    for _ in range(reps):
        c = time.process_time()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return (statistics.median(times), min(times), max(times),
            statistics.median(cpu)), out


def fmt_t(t):
    med, lo, hi, cpu = t
    return "%.3g s (%.3g-%.3g, CPU %.3g s)" % (med, lo, hi, cpu)


def maxdiff(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)))


def brute_force(predict, x, bg):
    """Interventional Shapley values by every coalition (the oracle)."""
    M = x.shape[0]
    coalitions = list(itertools.product([0, 1], repeat=M))
    rows = []
    for mask in coalitions:
        r = bg.copy()
        on = np.array(mask, bool)
        r[:, on] = x[on]
        rows.append(r)
    v = predict(np.vstack(rows)).reshape(len(coalitions), -1).mean(axis=1)
    value = {mask: v[i] for i, mask in enumerate(coalitions)}
    phi = np.zeros(M)
    for mask in coalitions:
        s = sum(mask)
        for j in range(M):
            if mask[j]:
                continue
            w = math.factorial(s) * math.factorial(M - s - 1) / \
                math.factorial(M)
            with_j = mask[:j] + (1,) + mask[j + 1:]
            phi[j] += w * (value[with_j] - value[mask])
    return phi


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true",
                    help="smaller sizes (a smoke run, not for the docs)")
    ap.add_argument("--only-kernel-l1", action="store_true",
                    help="only shap's KernelExplainer with l1_reg=False")
    args = ap.parse_args()
    import shap
    import xgboost as xgb
    cores = len(os.sched_getaffinity(0))
    q = args.quick
    print("# xplain %s, shap %s, xgboost %s, numpy %s; %d cores; reps %d"
          % (xplain.__version__, shap.__version__, xgb.__version__,
             np.__version__, cores, args.reps))

    X, y = synthetic(6000, 20)
    names = ["x%d" % i for i in range(20)]
    params = dict(n_estimators=60 if q else 200, max_depth=6,
                  learning_rate=0.1, random_state=0)
    reg = xgb.XGBRegressor(n_jobs=1, **params).fit(X, y)
    booster = reg.get_booster()
    booster.feature_names = names
    model = xplain.load_model(booster)
    rows = X[-1000:]

    if args.only_kernel_l1:
        return kernel_part(args, shap, xgb, X, params, rows, model, reg,
                           cores, q)
    print("\n## Values (max |difference|)")
    want = booster.predict(xgb.DMatrix(rows, feature_names=names),
                           pred_contribs=True)
    e = xplain.Explainer(model)(rows)
    print("xgboost pred_contribs vs xplain path-dependent TreeSHAP, 1000 "
          "rows x 20: %.2e (XGBoost sums in float32)"
          % maxdiff(e.values, want[:, :-1]))
    te = shap.TreeExplainer(booster)
    print("shap TreeExplainer (path-dependent) vs xplain: %.2e"
          % maxdiff(e.values, te.shap_values(rows)))
    bg = X[:100]
    ei = xplain.Explainer(model, background=bg)(rows[:200])
    ti = shap.TreeExplainer(booster, data=bg,
                            feature_perturbation="interventional")
    # (shap cuts a background array to 100 rows: see the speed section)
    print("shap TreeExplainer (interventional, bg 100) vs xplain, 200 rows: "
          "%.2e" % maxdiff(ei.values, ti.shap_values(rows[:200],
                                                     check_additivity=False)))
    try:
        import lightgbm as lgb
        lg = lgb.LGBMRegressor(n_estimators=params["n_estimators"],
                               num_leaves=31, random_state=0,
                               verbose=-1).fit(X, y)
        lm = xplain.load_model(lg)
        el = xplain.Explainer(lm)(rows)
        wl = lg.predict(rows, pred_contrib=True)
        print("lightgbm pred_contrib vs xplain path-dependent TreeSHAP: "
              "%.2e" % maxdiff(el.values, wl[:, :-1]))
    except ImportError:
        print("lightgbm: not installed")
    except xplain.XplainError as err:
        print("lightgbm: not loadable by this xplain (%s)" % err)

    # brute force over all 2^10 coalitions on a 10-feature model
    X10 = X[:, :10]
    reg10 = xgb.XGBRegressor(n_jobs=cores, **params).fit(X10, y)
    b10 = reg10.get_booster()
    m10 = xplain.load_model(b10)
    bg10, r10 = X10[:50], X10[-10:]

    def margin10(A):
        return b10.inplace_predict(A, predict_type="margin")

    oracle = np.array([brute_force(margin10, r, bg10) for r in r10])
    tree10 = xplain.Explainer(m10, background=bg10)(r10)
    ks10 = xplain.Explainer(m10, background=bg10, method="kernel-shap")(r10)
    ksf10 = xplain.Explainer(margin10, background=bg10,
                             method="kernel-shap")(r10)
    print("brute-force Shapley (2^10 coalitions, bg 50, 10 rows) vs xplain "
          "interventional TreeSHAP: %.2e, vs Kernel SHAP exact mode: %.2e "
          "(model loaded) / %.2e (Python callable)"
          % (maxdiff(tree10.values, oracle), maxdiff(ks10.values, oracle),
             maxdiff(ksf10.values, oracle)))

    print("\n## Speed: interventional TreeSHAP (%d trees, depth 6, 20 "
          "features)" % params["n_estimators"])
    for nbg, nrows in ((100, 200 if q else 1000), (1000, 50 if q else 200)):
        bg = X[:nbg]
        Xr = rows[:nrows]
        # a plain array as data is cut to 100 rows by shap (its default
        # masker samples them): the masker keeps all nbg
        data = shap.maskers.Independent(bg, max_samples=nbg)
        ts, sv = timed(lambda: shap.TreeExplainer(
            booster, data=data, feature_perturbation="interventional")
            .shap_values(Xr, check_additivity=False), args.reps)
        line = ["bg %d, %d rows: shap %s" % (nbg, nrows, fmt_t(ts))]
        for th in sorted({1, cores}):
            tx, ev = timed(lambda: xplain.Explainer(
                model, background=bg, threads=th)(Xr), args.reps)
            line.append("xplain %d thread%s %s = %.1fx" % (
                th, "" if th == 1 else "s", fmt_t(tx), ts[0] / tx[0]))
        print("; ".join(line) + " (values agree to %.1e)"
              % maxdiff(ev.values, sv))

    kernel_part(args, shap, xgb, X, params, rows, model, reg, cores, q)


def kernel_part(args, shap, xgb, X, params, rows, model, reg, cores, q):
    print("\n## Speed: Kernel SHAP on the same Python function")
    nbg, nrows = 50, 4 if q else 10
    bg, Xr = X[:nbg], rows[:nrows]
    exact = xplain.Explainer(model, background=bg)(Xr).values
    budget = 2 * 20 + 2048

    def f_threads(k):
        b = reg.get_booster().copy()
        b.set_param({"nthread": k})
        return lambda A: b.inplace_predict(A, predict_type="margin")

    f1, fall = f_threads(1), f_threads(cores)

    def rmse(v):
        return float(np.sqrt(np.mean((v - exact) ** 2)))

    for label, f_shap, f_x, th in (("1 thread", f1, f1, 1),
                                   ("all threads", fall, f1, cores)):
        ks = shap.KernelExplainer(f_shap, bg)
        # shap's default l1_reg="num_features(10)" keeps 10 features and
        # gives the others 0; l1_reg=False estimates them all, as xplain
        tf, sf = timed(lambda: ks.shap_values(Xr, nsamples=budget,
                                              l1_reg=False, silent=True),
                       args.reps)
        print("%s, bg %d, %d rows, budget %d: shap (l1_reg=False) %s, "
              "RMSE vs exact %.2e" % (label, nbg, nrows, budget, fmt_t(tf),
                                      rmse(np.asarray(sf))))
        if args.only_kernel_l1:
            continue
        ts, sv = timed(lambda: ks.shap_values(Xr, nsamples=budget,
                                              silent=True), args.reps)
        err_shap = rmse(np.asarray(sv))
        print("%s, bg %d, %d rows, budget %d: shap (default l1_reg) %s, "
              "RMSE vs exact %.2e"
              % (label, nbg, nrows, budget, fmt_t(ts), err_shap))
        for ns in (budget, 1024, 512, 256):
            tx, ev = timed(lambda: xplain.Explainer(
                f_x, background=bg, method="kernel-shap", nsamples=ns,
                threads=th)(Xr), args.reps)
            err = rmse(ev.values)
            print("   xplain budget %4d: %s = %.1fx, RMSE %.2e (%s shap's)"
                  % (ns, fmt_t(tx), ts[0] / tx[0], err,
                     "<=" if err <= err_shap else ">"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
