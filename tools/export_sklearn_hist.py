"""scikit-learn's HistGradientBoostingRegressor / Classifier as an xplain
tree-ensemble JSON document (used by export_sklearn_trees.py, which
writes and checks it; see its docstring for the command line).

What the document holds, read from the fitted estimator's private
attributes (written and checked with scikit-learn 1.9.1; other versions
may lay them out differently, which the self-check before writing
catches):

    trees        model._predictors[iteration][k].nodes, one tree per
                 iteration per output k (output k of the document).
                 Leaves: node value (learning rate already applied).
                 Splits: feature_idx, num_threshold (compared as float64
                 with <=, as _predict_one_from_raw_data does; a threshold
                 of +inf, a "split on NaN", becomes the largest double),
                 missing_go_to_left as default_left. cover = the node's
                 sample count; internal values are the cover-weighted means
                 of their children (scikit-learn leaves the root's at 0).
    categorical  nodes with is_categorical: the codes of
                 raw_left_cat_bitsets[bitset_idx] as left_categories.
    categories   per categorical feature, the categories its OrdinalEncoder
                 learned (model._preprocessor), in code order, as names:
                 strings as they are, integral numbers without ".0", other
                 numbers as Python's repr. The model's input for such a
                 feature is the code (the category's position); a CSV cell
                 may also hold the name.
    base_score   model._baseline_prediction.
    link         from model._loss.link: identity, log (poisson, gamma),
                 logit (binary: decision_function), softmax (multiclass).

scikit-learn's routing at a categorical split (_predictor.pyx): NaN and
negative values go the missing way; a code listed in the split's bitset goes
left; another code known to the feature (the training categories) goes
right; an unknown code goes the missing way. Raw categories never seen in
training are turned into NaN by the encoder, so they go the missing way too.
xplain's JSON categorical splits follow exactly this rule, with the known
codes 0 .. len(categories[feature]) - 1.

When the model has categorical features, scikit-learn reorders its columns
(categorical first, then numeric) before the trees see them; feature
indices are mapped back to the input column order here.
"""

import numpy as np


class HistExportError(Exception):
    pass


def is_hist(model):
    return type(model).__name__ in ("HistGradientBoostingRegressor",
                                     "HistGradientBoostingClassifier")


def category_name(v):
    """A category value as the name the document stores."""
    if isinstance(v, (bool, np.bool_)):
        return "True" if v else "False"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() else repr(f)
    return str(v)


def column_order(model, n_features):
    """tree feature index -> input column index."""
    pre = getattr(model, "_preprocessor", None)
    if pre is None:
        return list(range(n_features))
    is_cat = np.asarray(model.is_categorical_, dtype=bool)
    order = [j for j in range(n_features) if is_cat[j]] + \
        [j for j in range(n_features) if not is_cat[j]]
    enc = pre.output_indices_["encoder"]
    num = pre.output_indices_["numerical"]
    if (enc.start, enc.stop) != (0, int(is_cat.sum())) or \
            (num.start, num.stop) != (int(is_cat.sum()), n_features):
        raise HistExportError("unexpected column layout of the model's "
                              "preprocessor: %r" % (pre.output_indices_,))
    return order


def known_categories(model, n_features):
    """{input column: list of category values in code order}."""
    pre = getattr(model, "_preprocessor", None)
    if pre is None:
        return {}
    enc = pre.named_transformers_["encoder"]
    cols = [j for j in range(n_features) if model.is_categorical_[j]]
    out = {}
    for j, cats in zip(cols, enc.categories_):
        cats = list(cats)
        if cats and isinstance(cats[-1], float) and np.isnan(cats[-1]):
            cats = cats[:-1]  # the encoder lists NaN last; it is missing
        out[j] = cats
    # The predictor's own known-category bitsets must say the same: codes
    # 0 .. n-1 of each categorical feature.
    bits, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
    order = column_order(model, n_features)
    for tree_f, j in enumerate(order):
        if j not in out:
            continue
        row = bits[f_idx_map[tree_f]]
        codes = [c for c in range(32 * len(row))
                 if (int(row[c >> 5]) >> (c & 31)) & 1]
        if codes != list(range(len(out[j]))):
            raise HistExportError("feature %d: the predictor knows codes %r, "
                                  "the encoder %d categories"
                                  % (j, codes, len(out[j])))
    return out


def link_of(model):
    link = type(model._loss.link).__name__
    table = {"IdentityLink": "identity", "LogLink": "log",
             "LogitLink": "logit", "MultinomialLogit": "softmax"}
    if link not in table:
        raise HistExportError("unsupported loss %s (link %s)"
                              % (type(model._loss).__name__, link))
    return table[link]


SPLIT_ON_NAN_THRESHOLD = 1.7976931348623157e308


def _tree(p, order, cats_of, finite, stats):
    nodes = p.nodes
    bitsets = p.raw_left_cat_bitsets
    n = len(nodes)
    feature, threshold, left, right = [], [], [], []
    default_left, cover, left_cats = [], [], []
    for i in range(n):
        nd = nodes[i]
        cover.append(float(nd["count"]))
        if nd["is_leaf"]:
            feature.append(-1)
            threshold.append(0.0)
            left.append(-1)
            right.append(-1)
            default_left.append(0)
            left_cats.append(None)
            continue
        f = order[int(nd["feature_idx"])]
        feature.append(f)
        left.append(int(nd["left"]))
        right.append(int(nd["right"]))
        default_left.append(int(nd["missing_go_to_left"]))
        if nd["is_categorical"]:
            row = bitsets[int(nd["bitset_idx"])]
            codes = [c for c in range(32 * len(row))
                     if (int(row[c >> 5]) >> (c & 31)) & 1]
            if f not in cats_of or (codes and codes[-1] >= len(cats_of[f])):
                raise HistExportError("a categorical split on feature %d "
                                      "lists codes %r beyond its categories"
                                      % (f, codes))
            threshold.append(0.0)
            left_cats.append(codes)
        else:
            thr = float(nd["num_threshold"])
            if thr == float("inf"):
                # scikit-learn's "split on NaN": every number left, NaN
                # right. JSON has no infinity; the largest double keeps
                # every finite number left (only x = +inf differs).
                thr = SPLIT_ON_NAN_THRESHOLD
                stats["split_on_nan"] += 1
            threshold.append(thr)
            left_cats.append(None)
    finite(threshold, "a split threshold")
    # Values: leaves as fitted; internal nodes the cover-weighted mean of
    # their children, children first (scikit-learn numbers a node's
    # children after it).
    value = [float(v) for v in nodes["value"]]
    for i in range(n - 1, -1, -1):
        if not nodes[i]["is_leaf"]:
            a, b = left[i], right[i]
            value[i] = (cover[a] * value[a] + cover[b] * value[b]) / \
                (cover[a] + cover[b])
    finite(value, "a node value")
    t = {"feature": feature, "threshold": threshold, "left": left,
         "right": right, "default_left": default_left, "value": value,
         "cover": cover}
    if any(c is not None for c in left_cats):
        t["left_categories"] = left_cats
    return t


def hist_parts(model, n_features, finite):
    """(link, k, base_score, trees, categories, metadata) of a fitted
    HistGradientBoosting estimator."""
    if not hasattr(model, "_predictors"):
        raise HistExportError("the %s is not fitted" % type(model).__name__)
    link = link_of(model)
    k = int(model.n_trees_per_iteration_)
    base = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1)
    if base.shape != (k,):
        raise HistExportError("baseline prediction has %d values for %d "
                              "outputs" % (base.size, k))
    finite(base, "the baseline prediction")
    order = column_order(model, n_features)
    cats = known_categories(model, n_features)
    trees = []
    stats = {"split_on_nan": 0}
    for iteration in model._predictors:
        if len(iteration) != k:
            raise HistExportError("an iteration has %d trees for %d outputs"
                                  % (len(iteration), k))
        for c, p in enumerate(iteration):
            trees.append(dict([("output", c)] +
                              list(_tree(p, order, cats, finite,
                                        stats).items())))
    meta = {
        "loss": type(model._loss).__name__,
        "n_iter": str(int(model.n_iter_)),
        "leaf_values": "predictor node values (learning rate applied)",
        "internal_values": "cover-weighted mean of the leaves below",
        "cover": "node sample count",
        "base_score": "_baseline_prediction",
    }
    if stats["split_on_nan"]:
        meta["split_on_nan"] = (
            "%d splits send every number left and NaN right (threshold +inf "
            "in scikit-learn, 1.7976931348623157e308 here: an input of +inf "
            "goes right at them, left in scikit-learn)" % stats["split_on_nan"])
    if cats:
        meta["categorical_inputs"] = (
            "category codes (position in the training categories), or "
            "names; unknown codes and NaN go the missing way")
    return link, k, [float(v) for v in base], trees, cats, meta


def codes_to_raw(model, x_codes, n_features, feature_names):
    """Rows in the document's input space (codes for categorical features)
    as the estimator's input: codes become the category values, other
    codes (unknown, negative, fractional, NaN) a missing value, which is
    what scikit-learn's encoder makes of a category it never saw. A
    DataFrame when the model was fitted on one. A fractional code in range
    is truncated, as scikit-learn's predictor and xplain do."""
    cats = known_categories(model, n_features)
    if not cats:
        return x_codes
    cols = []
    for j in range(n_features):
        if j in cats:
            vals = cats[j]
            col = []
            for v in x_codes[:, j]:
                if v == v and 0 <= v < len(vals):
                    col.append(vals[int(v)])
                else:
                    col.append(np.nan)
            cols.append(col)
        else:
            cols.append(list(x_codes[:, j]))
    if hasattr(model, "feature_names_in_"):
        import pandas as pd
        return pd.DataFrame({feature_names[j]: cols[j]
                             for j in range(n_features)})
    try:
        return np.array(cols, dtype=np.float64).T
    except (TypeError, ValueError):
        return np.array(cols, dtype=object).T
