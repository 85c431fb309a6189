#!/usr/bin/env python3
"""xplain side by side with today's tree-explanation libraries (bench/peers.sh).

    python bench/peers.py DATA_DIR --xplain PATH/peers_xplain [options]

DATA_DIR holds the models and rows of bench/make_grid.py. For every model
and measure, xplain (through bench/peers_xplain, a C program) and every peer
present in this interpreter compute the same rows; the values of each peer
are compared with xplain's, and one Markdown table per measure goes to
standard output (progress and raw timings to standard error, every figure
also to --json).

Measures and engines (each through its fastest documented path):
  contribs        path-dependent TreeSHAP: XGBoost Booster.predict(DMatrix,
                  pred_contribs=True); LightGBM predict(pred_contrib=True);
                  shap TreeExplainer(tree_path_dependent).shap_values run by
                  shap's own C++ kernel (for XGBoost and LightGBM models shap
                  hands the job to the model's library unless told the model
                  is "internal", which is what we do: that is the shap row);
                  FastTreeSHAP v1 and v2; Debian's XGBoost 1.7.4 through
                  --xgb17-python (another interpreter, same script)
  interactions    XGBoost pred_interactions; shap shap_interaction_values
                  (its C++ kernel); models with at most 50 features
  interventional  shap TreeExplainer(data=first N background rows,
                  feature_perturbation="interventional"), N = 100 and 1000
  predict         XGBoost inplace_predict (margins); LightGBM predict
                  (raw_score=True)

Timing: --threads 1 (default) gives every engine one thread (nthread=1,
num_threads=1, n_jobs=1, OMP_NUM_THREADS=1) and measures the process's CPU
time; --threads 0 gives every engine all CPUs and measures wall-clock time.
Model loading, DMatrix building and explainer construction are not timed
(shap and FastTreeSHAP build their explainers once; shap's interventional
explainer is built with its background, also untimed). Each engine gets one
untimed warm-up on a few rows that also estimates its speed; an engine
explains min(--rows, --budget / (seconds per row)) rows (at least 5) per
repetition, --repeat times; the table gives the median rows per second.
The values of every engine are compared with xplain's on the rows both
computed: max |difference| over all values (contributions and base value).
"""
import argparse
import json
import re
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

MEASURES = ("contribs", "interactions", "interventional", "predict")
ENGINES = {
    "contribs": ("xgboost", "lightgbm", "shap", "fasttreeshap_v1",
                 "fasttreeshap_v2", "xgboost17"),
    "interactions": ("xgboost", "shap"),
    "interventional": ("shap",),
    "predict": ("xgboost", "lightgbm"),
}
LABEL = {
    "xplain": "xplain",
    "xgboost": "XGBoost %s",
    "lightgbm": "LightGBM %s",
    "shap": "shap %s",
    "fasttreeshap_v1": "FastTreeSHAP v1",
    "fasttreeshap_v2": "FastTreeSHAP v2",
    "xgboost17": "XGBoost %s",
}
MAX_INTERACTION_FEATURES = 50


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def clock(threads):
    return time.process_time if threads == 1 else time.perf_counter


# ------------------------------------------------------------ model files

def model_files(data_dir, name):
    for ext, kind in ((".json", "xgboost"), (".txt", "lightgbm")):
        p = os.path.join(data_dir, name + ext)
        if os.path.exists(p):
            return p, kind
    raise FileNotFoundError(name)


def n_features(name):
    # names end in _f<M> or _f<M>_nan
    for part in reversed(name.split("_")):
        if part.startswith("f") and part[1:].isdigit():
            return int(part[1:])
    raise ValueError(name)


def rows_file(data_dir, name):
    m = n_features(name)
    stem = "rows_f%d_nan.csv" if name.endswith("_nan") else "rows_f%d.csv"
    return os.path.join(data_dir, stem % m), os.path.join(data_dir, "bg_f%d.csv" % m)


def read_csv(path):
    return np.genfromtxt(path, delimiter=",", skip_header=1,
                         dtype=np.float64, missing_values="",
                         filling_values=np.nan).astype(np.float32)


def xgb17_model(path, tmp):
    """XGBoost 1.7 reads base_score "[v]" of a 3.x JSON model as 0.5: give it
    a copy with the plain number (the trees are read correctly)."""
    with open(path) as f:
        j = json.load(f)
    p = j["learner"]["learner_model_param"]
    p["base_score"] = p["base_score"].strip("[]")
    out = os.path.join(tmp, "xgb17_" + os.path.basename(path))
    with open(out, "w") as f:
        json.dump(j, f)
    return out


# ------------------------------------------------------------ peer engines

def versions(skip=()):
    v = {}
    for mod in ("xgboost", "lightgbm", "shap", "fasttreeshap", "numpy"):
        if mod in skip:
            v[mod] = None
            continue
        try:
            v[mod] = __import__(mod).__version__
        except Exception as ex:  # absent or broken: skipped, and said so
            v[mod] = None
            log("peers: %s unavailable (%s)" % (mod, str(ex).splitlines()[0][:120]))
    return v


def fasttreeshap_import():
    import numpy
    # FastTreeSHAP 0.1.6 calls np.obj2sctype (gone in NumPy 2) at import.
    if not hasattr(numpy, "obj2sctype"):
        def obj2sctype(t):
            try:
                return numpy.dtype(t).type
            except TypeError:
                return t
        numpy.obj2sctype = obj2sctype
    import fasttreeshap
    return fasttreeshap


def shap_internal_dict(explainer):
    """The trees shap parsed, as the dictionary model shap and FastTreeSHAP
    accept (their own C++ kernels then run; thresholds keep shap's
    x <= t form)."""
    m = explainer.model
    trees = []
    for t in m.trees:
        trees.append({
            "children_left": t.children_left, "children_right": t.children_right,
            "children_default": t.children_default, "features": t.features,
            "thresholds": t.thresholds, "values": t.values,
            "node_sample_weight": t.node_sample_weight,
        })
    return {"trees": trees, "base_offset": m.base_offset,
            "tree_output": "raw_value", "objective": "squared_error",
            "input_dtype": np.float32, "internal_dtype": np.float64}


class Peer:
    """One engine bound to one model: setup() untimed, run(X) timed."""

    def __init__(self, engine, measure, path, kind, threads, bg=None):
        self.engine, self.measure, self.kind = engine, measure, kind
        nthread = threads if threads > 0 else (os.cpu_count() or 1)
        self.nthread = nthread
        if engine in ("xgboost", "xgboost17"):
            if kind != "xgboost":
                raise NotImplementedError("not an XGBoost model")
            import xgboost as xgb
            self.xgb = xgb
            self.b = xgb.Booster(model_file=path)
            self.b.set_param({"nthread": nthread})
        elif engine == "lightgbm":
            import lightgbm as lgb
            if kind != "lightgbm":
                raise NotImplementedError("not a LightGBM model")
            self.b = lgb.Booster(model_file=path)
        elif engine == "shap":
            import shap
            b = load_native(path, kind)
            if measure == "interventional":
                # shap's default masker keeps 100 sampled background rows:
                # ask for all of them.
                masker = shap.maskers.Independent(bg, max_samples=len(bg))
                self.ex = shap.TreeExplainer(b, data=masker,
                                             feature_perturbation="interventional")
            else:
                ex = shap.TreeExplainer(b, feature_perturbation="tree_path_dependent")
                # Run shap's own kernel, not the model library's.
                self.ex = shap.TreeExplainer(shap_internal_dict(ex),
                                             feature_perturbation="tree_path_dependent")
        elif engine.startswith("fasttreeshap"):
            fts = fasttreeshap_import()
            if path.endswith(".pkl"):  # the trees as shap parsed them
                import pickle
                with open(path, "rb") as f:
                    model = pickle.load(f)
            else:
                import shap
                model = shap_internal_dict(shap.TreeExplainer(load_native(path, kind)))
            self.ex = fts.TreeExplainer(model, algorithm=engine[-2:], n_jobs=nthread)
        else:
            raise ValueError(engine)

    def version(self):
        if self.engine in ("xgboost", "xgboost17"):
            return self.xgb.__version__
        mod = {"lightgbm": "lightgbm", "shap": "shap"}.get(self.engine, "fasttreeshap")
        return __import__(mod).__version__

    def prepare(self, x):
        """Untimed per-call input: XGBoost's DMatrix (a fresh one each time,
        XGBoost caches predictions per DMatrix)."""
        if self.engine in ("xgboost", "xgboost17") and self.measure != "predict":
            return self.xgb.DMatrix(x, missing=np.nan, nthread=self.nthread)
        return x

    def run(self, x):
        """Values in xplain's layout: per row M contributions then the base
        value; interactions (M+1) x (M+1); predictions one margin."""
        e, ms = self.engine, self.measure
        if e in ("xgboost", "xgboost17"):
            if ms == "predict":
                return self.b.inplace_predict(x, predict_type="margin", missing=np.nan)
            if ms == "contribs":
                return self.b.predict(x, pred_contribs=True)
            return self.b.predict(x, pred_interactions=True)
        if e == "lightgbm":
            if ms == "predict":
                return self.b.predict(x, raw_score=True, num_threads=self.nthread)
            return self.b.predict(x, pred_contrib=True, num_threads=self.nthread)
        if ms == "interactions":
            return np.asarray(self.ex.shap_interaction_values(x))
        if e == "shap":
            v = np.asarray(self.ex.shap_values(x, check_additivity=False))
        else:
            # FastTreeSHAP checks additivity itself and raises: we compare
            # its values with xplain's instead, and report the difference.
            v = np.asarray(self.ex.shap_values(x, check_additivity=False))
        base = np.asarray(self.ex.expected_value).reshape(-1)[0]
        return np.hstack([v.reshape(len(x), -1), np.full((len(x), 1), base)])


def load_native(path, kind):
    if kind == "xgboost":
        import xgboost as xgb
        return xgb.Booster(model_file=path)
    import lightgbm as lgb
    return lgb.Booster(model_file=path)


def time_peer(peer, x, threads, rows, budget, repeat):
    """Calibrate on a few rows, then time `repeat` runs on as many rows as
    fit the budget. Returns (rows, [seconds per run], values)."""
    clk = clock(threads)
    n0 = min(5, len(x))
    inp = peer.prepare(x[:n0])
    t0 = clk()
    peer.run(inp)
    per_row = max((clk() - t0) / n0, 1e-9)
    n = int(min(rows, max(5, budget / per_row)))
    n = min(n, len(x))
    times, vals = [], None
    for _ in range(repeat):
        inp = peer.prepare(x[:n])
        t0 = clk()
        vals = peer.run(inp)
        times.append(clk() - t0)
    return n, times, np.asarray(vals, dtype=np.float64)


def worker_main(args):
    """--worker: run one engine in another interpreter (XGBoost 1.7.4 under
    Debian's Python; FastTreeSHAP, built against NumPy 1, in its own
    environment) and write its values and times for the parent process."""
    spec = json.load(open(args.worker))
    x = np.load(spec["rows"])
    peer = Peer(spec["engine"], spec["measure"], spec["model"], spec["kind"],
                spec["threads"])
    n, times, vals = time_peer(peer, x, spec["threads"], spec["rows_max"],
                               spec["budget"], spec["repeat"])
    np.save(spec["out"], vals)
    json.dump({"rows": n, "times": times, "version": peer.version()},
              open(spec["out"] + ".json", "w"))


# ------------------------------------------------------------ xplain

def run_xplain(args, measure, path, rows_path, bg_path, n_bg, threads, tmp):
    out = os.path.join(tmp, "xplain.bin")
    cmd = [args.xplain, measure if measure != "interventional" else "interventional",
           path, rows_path, "--rows", str(args.rows), "--repeat", str(args.repeat),
           "--threads", str(threads if threads > 0 else (os.cpu_count() or 1)),
           "--out", out]
    if measure == "interventional":
        cmd += ["--bg", bg_path, "--bg-rows", str(n_bg)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "exit %d" % r.returncode}
    line = [l for l in r.stdout.splitlines() if l.startswith("result ")][-1]
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    n = int(f["rows"])
    vals = np.fromfile(out, dtype="<f8").reshape(n, -1)
    return {"rows": n, "times": [float(t) for t in f["times"].split(",")],
            "build_s": float(f["build_s"]), "values": vals}


# ------------------------------------------------------------ tables

def max_diff(a, b, measure, m):
    """Largest |a - b| on the rows both have; a is xplain's (rows x width).
    SHAP values and interaction values only: base values are left out
    (shap takes its expected value from XGBoost's internal node weights,
    which are not the cover-weighted means of the leaves: 1e-3 apart)."""
    n = min(len(a), len(b))
    a = a[:n]
    b = np.asarray(b)[:n]
    if measure == "interactions":
        a = a.reshape(n, m + 1, m + 1)[:, :m, :m]
        b = b.reshape(n, b.shape[-2] if b.ndim == 3 else m + 1, -1)[:, :m, :m]
    elif measure == "predict":
        a = a.reshape(n, -1)
        b = b.reshape(n, -1)
    else:
        a = a.reshape(n, -1, m + 1)[:, :, :m]
        b = b.reshape(n, -1, m + 1)[:, :, :m]
    if a.shape != b.shape:
        return float("nan")
    d = np.abs(a - b)
    both_nan = np.isnan(a) & np.isnan(b)
    d[both_nan] = 0
    return float(np.max(d)) if d.size else float("nan")


def fmt_rate(r):
    if r is None:
        return "–"
    if "error" in r:
        return "n/a"
    rate = r["rows"] / float(np.median(r["times"]))
    s = "{:,.0f}".format(rate) if rate >= 100 else "{:.3g}".format(rate)
    if r["rows"] < r.get("asked", r["rows"]):
        s += " (%d rows)" % r["rows"]
    return s


def rate(r):
    if r is None or "error" in r:
        return None
    return r["rows"] / float(np.median(r["times"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", nargs="?")
    ap.add_argument("--xplain")
    ap.add_argument("--models", default="")
    ap.add_argument("--measures", default=",".join(MEASURES))
    ap.add_argument("--engines", default="")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--budget", type=float, default=3.0,
                    help="seconds per timed run of a peer (rows are cut to fit)")
    ap.add_argument("--bg", default="100,1000")
    ap.add_argument("--xgb17-python", default="")
    ap.add_argument("--fts-python", default="",
                    help="interpreter with FastTreeSHAP (else this one)")
    ap.add_argument("--json", default="")
    ap.add_argument("--worker", default="")
    ap.add_argument("--from-json", nargs="*", default=None,
                    help="print the tables of earlier --json files (same threads)")
    ap.add_argument("--from-log", nargs="*", default=None,
                    help="also read the stderr logs of one-thread runs that "
                         "were cut short (no --json was written); a later "
                         "file's result for a measure and model replaces an "
                         "earlier one's")
    args = ap.parse_args()
    if args.worker:
        return worker_main(args)
    if args.from_json is not None or args.from_log is not None:
        return tables_from_json(args)
    if not args.data_dir or not args.xplain:
        ap.error("DATA_DIR and --xplain are required")

    vers = versions(skip=("fasttreeshap",) if args.fts_python else ())
    grid = []
    info_path = os.path.join(args.data_dir, "grid.txt")
    for line in open(info_path):
        grid.append(line.split()[0])
    if args.models:
        want = args.models.split(",")
        grid = [g for g in grid if g in want]
    measures = [m for m in args.measures.split(",") if m]
    only = set(e for e in args.engines.split(",") if e)
    results = []
    tmp = tempfile.mkdtemp(prefix="peers-")
    xgb17_version = None
    fts_version = vers.get("fasttreeshap")

    for measure in measures:
        bgs = [int(b) for b in args.bg.split(",")] if measure == "interventional" else [0]
        for name in grid:
            path, kind = model_files(args.data_dir, name)
            m = n_features(name)
            if measure == "interactions" and m > MAX_INTERACTION_FEATURES:
                continue
            rows_path, bg_path = rows_file(args.data_dir, name)
            x = read_csv(rows_path)[: args.rows]
            for n_bg in bgs:
                label = name if not n_bg else "%s, N=%d" % (name, n_bg)
                log("--- %s: %s" % (measure, label))
                res = {"measure": measure, "model": name, "bg": n_bg, "engines": {}}
                xr = run_xplain(args, measure, path, rows_path, bg_path, n_bg,
                                args.threads, tmp)
                xr["asked"] = args.rows
                res["engines"]["xplain"] = xr
                log("  xplain: %s" % ("error: " + xr["error"] if "error" in xr else
                                      "%d rows, times %s" % (xr["rows"], xr["times"])))
                bg = read_csv(bg_path)[:n_bg] if n_bg else None
                for eng in ENGINES[measure]:
                    if only and eng not in only:
                        continue
                    r = None
                    try:
                        if eng == "xgboost17":
                            if not args.xgb17_python or kind != "xgboost":
                                continue
                            r = run_worker(args, args.xgb17_python, eng, measure,
                                           xgb17_model(path, tmp), kind, x, tmp)
                            xgb17_version = r.get("version", xgb17_version)
                        elif eng.startswith("fasttreeshap") and args.fts_python:
                            r = run_worker(args, args.fts_python, eng, measure,
                                           fts_model(path, kind, tmp), kind, x, tmp)
                            fts_version = r.get("version", fts_version)
                        else:
                            if eng.startswith("fasttreeshap") and not vers.get("fasttreeshap"):
                                continue
                            if vers.get(eng.split("_")[0]) is None and not eng.startswith("fasttreeshap"):
                                continue
                            peer = Peer(eng, measure, path, kind, args.threads, bg)
                            n, times, vals = time_peer(peer, x, args.threads, args.rows,
                                                       args.budget, args.repeat)
                            r = {"rows": n, "times": times, "values": vals}
                    except NotImplementedError:
                        continue
                    except Exception as ex:  # a peer that fails is reported, not fatal
                        r = {"error": "%s: %s" % (type(ex).__name__, str(ex).splitlines()[0][:200] if str(ex) else "")}
                    r["asked"] = args.rows
                    if "values" in r and "values" in xr:
                        r["max_diff"] = max_diff(xr["values"], r["values"], measure, m)
                    res["engines"][eng] = r
                    log("  %s: %s" % (eng, "error: " + r["error"] if "error" in r else
                                      "%d rows, times %s, max |diff| %s" % (
                                          r["rows"], ["%.4f" % t for t in r["times"]],
                                          r.get("max_diff"))))
                results.append(res)

    label = dict(LABEL)
    for k in ("xgboost", "lightgbm", "shap"):
        label[k] = LABEL[k] % (vers.get(k) or "?")
    label["xgboost17"] = LABEL["xgboost17"] % (xgb17_version or "1.7")
    if fts_version:
        for k in ("fasttreeshap_v1", "fasttreeshap_v2"):
            label[k] = LABEL[k] + " (%s)" % fts_version
    print_tables(results, measures, label, args)
    if args.json:
        for res in results:
            for r in res["engines"].values():
                r.pop("values", None)
        json.dump({"versions": vers, "xgboost17": xgb17_version,
                   "fasttreeshap": fts_version, "args": vars(args),
                   "results": results}, open(args.json, "w"), indent=1)


def fts_model(path, kind, tmp):
    """The trees as shap parses them, pickled for FastTreeSHAP's worker."""
    import pickle
    import shap
    out = os.path.join(tmp, "fts_" + os.path.basename(path) + ".pkl")
    if not os.path.exists(out):
        d = shap_internal_dict(shap.TreeExplainer(load_native(path, kind)))
        with open(out, "wb") as f:
            pickle.dump(d, f, protocol=4)
    return out


def results_from_log(path):
    """The results a run printed on stderr, as --json holds them (without
    versions): lines "--- MEASURE: MODEL[, N=n]", then "  ENGINE: R rows,
    times [...][, max |diff| D]" or "  ENGINE: error: ...". A model whose
    peers had not all run when the log ends is still taken."""
    results, res = [], None
    head = re.compile(r"^--- (\w+): ([^,]+)(?:, N=(\d+))?$")
    line_re = re.compile(r"^  (\w+): (\d+) rows, times \[([^\]]*)\]"
                         r"(?:, max \|diff\| (\S+))?$")
    for line in open(path):
        line = line.rstrip("\n")
        m = head.match(line)
        if m:
            res = {"measure": m.group(1), "model": m.group(2),
                   "bg": int(m.group(3) or 0), "engines": {}}
            results.append(res)
            continue
        if res is None or not line.startswith("  "):
            continue
        m = line_re.match(line)
        if m:
            times = [float(t.strip(" '")) for t in m.group(3).split(",")]
            r = {"rows": int(m.group(2)), "times": times}
            if m.group(4) and m.group(4) != "None":
                r["max_diff"] = float(m.group(4))
            res["engines"][m.group(1)] = r
        elif ": error: " in line:
            eng, err = line.strip().split(": error: ", 1)
            res["engines"][eng] = {"error": err}
    return results


def tables_from_json(args):
    results, vers, xgb17, fts = [], {}, None, None
    for path in args.from_log or []:
        results += results_from_log(path)
        vers = versions(skip=("fasttreeshap",))
        args.threads = 1
    for path in args.from_json or []:
        j = json.load(open(path))
        results += j["results"]
        vers = j["versions"]
        xgb17 = j.get("xgboost17") or xgb17
        fts = j.get("fasttreeshap") or fts
        args.threads, args.repeat = j["args"]["threads"], j["args"]["repeat"]
    # a later result for the same measure and model replaces an earlier one
    keep = {}
    for r in results:
        if r["engines"]:  # a log cut off right after the model's line
            keep[(r["measure"], r["model"], r["bg"])] = r
    results = list(keep.values())
    label = dict(LABEL)
    for k in ("xgboost", "lightgbm", "shap"):
        label[k] = LABEL[k] % (vers.get(k) or "?")
    label["xgboost17"] = LABEL["xgboost17"] % (xgb17 or "1.7")
    if fts:
        for k in ("fasttreeshap_v1", "fasttreeshap_v2"):
            label[k] = LABEL[k] + " (%s)" % fts
    measures = [m for m in MEASURES if any(r["measure"] == m for r in results)]
    print_tables(results, measures, label, args)


def run_worker(args, python, engine, measure, model, kind, x, tmp):
    rows = os.path.join(tmp, "rows.npy")
    np.save(rows, x)
    out = os.path.join(tmp, "worker.npy")
    spec = {"rows": rows, "engine": engine, "measure": measure, "model": model,
            "kind": kind, "threads": args.threads, "rows_max": args.rows,
            "budget": args.budget, "repeat": args.repeat, "out": out}
    spec_path = os.path.join(tmp, "worker.json")
    json.dump(spec, open(spec_path, "w"))
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    r = subprocess.run([python, os.path.abspath(__file__), "--worker", spec_path],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed")
    meta = json.load(open(out + ".json"))
    return {"rows": meta["rows"], "times": meta["times"], "values": np.load(out),
            "version": meta["version"]}


def print_tables(results, measures, label, args):
    titles = {
        "contribs": "Path-dependent TreeSHAP",
        "interactions": "SHAP interaction values",
        "interventional": "Interventional TreeSHAP (N background rows)",
        "predict": "Prediction (raw margins)",
    }
    how = ("one thread, process CPU time" if args.threads == 1 else
           "all %d CPUs, wall-clock time" % (os.cpu_count() or 1))
    for measure in measures:
        rs = [r for r in results if r["measure"] == measure]
        if not rs:
            continue
        engines = [e for e in ENGINES[measure]
                   if any(e in r["engines"] for r in rs)]
        print()
        print("### %s: rows per second, %s, median of %d runs" % (
            titles[measure], how, args.repeat))
        print()
        head = ["model", "xplain"] + [label[e] for e in engines] + \
               ["xplain ÷ fastest peer", "max abs difference vs xplain (per peer)"]
        print("| " + " | ".join(head) + " |")
        print("|---|" + "---:|" * (len(head) - 2) + "---|")
        for r in rs:
            name = r["model"] if not r["bg"] else "%s, N=%d" % (r["model"], r["bg"])
            xr = r["engines"].get("xplain")
            cells = [name, fmt_rate(xr)]
            best = None
            diffs = []
            for e in engines:
                pr = r["engines"].get(e)
                cells.append(fmt_rate(pr))
                pv = rate(pr)
                if pv and (best is None or pv > best):
                    best = pv
                if pr is not None and "max_diff" in pr:
                    diffs.append("%.1e" % pr["max_diff"])
                elif pr is not None:
                    diffs.append("–")
            xv = rate(xr)
            cells.append("**%.1f×**" % (xv / best) if xv and best else "–")
            cells.append(" / ".join(diffs) if diffs else "–")
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
