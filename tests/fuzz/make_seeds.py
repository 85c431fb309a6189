#!/usr/bin/python3
"""Write the seed corpora of the fuzz harnesses (tests/fuzz/corpus/).

Seeds are small on purpose (a few KB): libFuzzer mutates faster and
reaches deeper with small inputs. They are cut from the shipped data and
models, plus tiny XGBoost models trained here on the shipped data.
Usage: make_seeds.py EXPLAIN_BINARY  (Debian's python3 with xgboost)
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
explain = sys.argv[1]


def out(kind, name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(CORPUS, kind, name), mode) as f:
        f.write(data)


def read_csv(name, rows):
    with open(os.path.join(ROOT, "data", name)) as f:
        r = list(csv.reader(f))
    return r[0], np.array(r[1:rows + 1], dtype=float)


# --- tiny XGBoost models (XGBoost JSON seeds)
tmp = tempfile.mkdtemp()
names, d = read_csv("diabetes.csv", 120)
X, y = d[:, :4], d[:, -1]
X[::7, 1] = np.nan  # default directions for missing values
cases = {
    "reg": ({"objective": "reg:squarederror", "max_depth": 2}, y, 3),
    "binary": ({"objective": "binary:logistic", "max_depth": 2},
               (y > 140).astype(float), 2),
    "softprob": ({"objective": "multi:softprob", "num_class": 3,
                  "max_depth": 1}, np.digitize(y, [100, 200]), 2),
    "poisson": ({"objective": "count:poisson", "max_depth": 2}, y, 2),
    "logitraw": ({"objective": "binary:logitraw", "max_depth": 1},
                 (y > 140).astype(float), 2),
}
for tag, (params, target, rounds) in cases.items():
    dm = xgb.DMatrix(X, label=target, feature_names=names[:4])
    booster = xgb.train(dict(params, seed=0), dm, num_boost_round=rounds)
    path = os.path.join(CORPUS, "xgboost_json", tag + ".json")
    booster.save_model(path)
# one without feature names (f0, f1, ...)
dm = xgb.DMatrix(X, label=y)
xgb.train({"max_depth": 2}, dm, num_boost_round=2).save_model(
    os.path.join(CORPUS, "xgboost_json", "unnamed.json"))

# --- xplain JSON seeds: the small shipped models and hand-made ones
for f in ["diabetes_linear.json", "wine_logistic.json", "diabetes_tree.json"]:
    with open(os.path.join(ROOT, "data", "models", f)) as src:
        out("xplain_json", f, src.read())
forest = {
    "format": "xplain-model", "format_version": 1, "type": "tree_ensemble",
    "link": "identity", "feature_names": ["a", "b"], "n_outputs": 2,
    "aggregation": "mean", "base_score": [0.0, 0.0],
    "threshold_type": "float64", "comparison": "<=",
    "raw_is_probability": True,
    "trees": [{"output": "all", "feature": [0, -1, -1],
               "threshold": [0.5, 0, 0], "left": [1, -1, -1],
               "right": [2, -1, -1], "default_left": [1, 0, 0],
               "value": [[0.5, 0.5], [1, 0], [0, 1]], "cover": [2, 1, 1]}],
}
out("xplain_json", "forest_all.json", json.dumps(forest))
boost = {
    "type": "tree_ensemble", "link": "logit", "feature_names": ["a", "b"],
    "n_outputs": 1, "aggregation": "sum", "base_score": [0.1],
    "threshold_type": "float32", "comparison": "<",
    "metadata": {"source": "hand-made"},
    "trees": [{"output": 0, "feature": [1, 0, -1, -1, -1],
               "threshold": [1.5, 0.25, 0, 0, 0], "left": [1, 3, -1, -1, -1],
               "right": [2, 4, -1, -1, -1],
               "value": [0, 0, 0.3, -0.2, 0.1], "cover": [4, 3, 1, 2, 1]}],
}
out("xplain_json", "boost.json", json.dumps(boost))
softmax = {
    "type": "linear", "link": "softmax", "feature_names": ["x", "y"],
    "intercept": [0, 1, -1], "coef": [[1, 2], [0, 0], [-1, 0.5]],
}
out("xplain_json", "softmax.json", json.dumps(softmax))
# categorical splits (scikit-learn's rule): one missing-right, one
# missing-left split, and two trees of an exported HistGradientBoosting
categorical = {
    "type": "tree_ensemble", "link": "identity", "feature_names": ["x", "c"],
    "n_outputs": 1, "aggregation": "sum", "base_score": [0.5],
    "threshold_type": "float64", "comparison": "<=",
    "categories": {"c": ["red", "green", "blue", "black"]},
    "trees": [{"output": 0, "feature": [1, 0, -1, 1, -1, -1, -1],
               "threshold": [0, 0.5, 0, 0, 0, 0, 0],
               "left": [1, 3, -1, 5, -1, -1, -1],
               "right": [2, 4, -1, 6, -1, -1, -1],
               "default_left": [0, 1, 0, 1, 0, 0, 0],
               "value": [0, 0, 1, 0, 2, 3, 4], "cover": [6, 4, 2, 3, 1, 2, 1],
               "left_categories": [[0, 2], None, None, [1], None, None,
                                   None]}],
}
out("xplain_json", "categorical.json", json.dumps(categorical))
with open(os.path.join(ROOT, "tests", "fixtures", "sklearn_hist",
                       "hgb_binary.json")) as src:
    hgb = json.load(src)
hgb["trees"] = hgb["trees"][:2]
hgb["metadata"] = {}
out("xplain_json", "hgb_binary.json", json.dumps(hgb))

# --- model.bin seeds: the small shipped ones and conversions with a tiny
# background and statistics
with open(os.path.join(ROOT, "data", "models", "diabetes_linear.bin"), "rb") as f:
    out("model_bin", "diabetes_linear.bin", f.read())
# LightGBM linear trees (model.bin 1.2: family 3, LINEAR_LEAVES)
lin = os.path.join(tmp, "lgb_linear.bin")
subprocess.run([explain, "convert", os.path.join(
    ROOT, "tests", "fixtures", "categorical", "lgb_linear.txt"), "-o", lin],
    check=True)
with open(lin, "rb") as f:
    out("model_bin", "lgb_linear.bin", f.read())
bg = os.path.join(tmp, "bg.csv")
with open(bg, "w") as f:
    w = csv.writer(f)
    w.writerow(names[:4] + ["a", "b", "x", "y"])
    for row in X[:5]:
        w.writerow(["" if np.isnan(v) else repr(v) for v in row]
                   + [0.25, 2, 1, -1])
conversions = [
    (os.path.join(CORPUS, "xgboost_json", "reg.json"), "xgb_reg.bin", True),
    (os.path.join(CORPUS, "xgboost_json", "softprob.json"), "xgb_softprob.bin", True),
    (os.path.join(CORPUS, "xplain_json", "forest_all.json"), "forest_all.bin", True),
    (os.path.join(CORPUS, "xplain_json", "boost.json"), "boost.bin", False),
    (os.path.join(CORPUS, "xplain_json", "softmax.json"), "softmax.bin", True),
]
for src, dst, with_bg in conversions:
    args = [explain, "convert", src, "-o", os.path.join(CORPUS, "model_bin", dst)]
    if with_bg:
        args += ["--background", bg, "--stats", bg]
    subprocess.run(args, check=True)

# --- CSV seeds: one option byte (fuzz_csv.c), then the file
def csv_seed(name, opt, text):
    out("csv", name, bytes([opt]) + text.encode())

with open(os.path.join(ROOT, "data", "diabetes.csv")) as f:
    head = "".join(f.readlines()[:4])
csv_seed("diabetes_head", 0x00, head)
csv_seed("diabetes_head_nohdr", 0x01, "".join(head.splitlines(True)[1:]))
for f in sorted(os.listdir(os.path.join(ROOT, "tests", "data", "csv"))):
    with open(os.path.join(ROOT, "tests", "data", "csv", f)) as src:
        csv_seed(f, 0x30, src.read())
csv_seed("select", 0x08, 'b,c,a\n1,2,3\n"4",,NA\n7,inf,-0\n')
csv_seed("semicolon", 0x12, "a;b\n1;2\r\n3;4\n")
csv_seed("one_column", 0x20, "a\n1\n\n2\n  \n")
csv_seed("quoted_newline", 0x40, 'a,"b\nc"\n"1,5",2\n')
csv_seed("ragged", 0x00, "a,b\n1,2\n3\n")
csv_seed("bad_number", 0x00, "a,b\n1,2x\n")
csv_seed("bom_tab", 0x04, "\ufeffa\tb\n1e5\t-2.5e-3\n")
