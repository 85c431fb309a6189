"""Explanation.plot: xplain's SVG charts through the render API
(<xplain/render.h>), the same bytes as `explain --format svg`."""

import ctypes
import os
import tempfile

import numpy as np

from . import _lib, errors

PER_ROW = ("bar", "waterfall", "force")
GLOBAL = ("importance", "beeswarm", "decision", "heatmap", "dependence",
          "stacked")


class _Views:
    """xpl_explanation views of an Explanation's rows for one output; the
    arrays they point into are kept here."""

    def __init__(self, e, output):
        n, P = e.values.shape[0], len(e.feature_names)
        multi = e.values.ndim == 3
        D = e.values.shape[2] if multi else 1
        if not 0 <= output < D:
            raise errors.InvalidArgumentError(
                "output %d out of range (the explanation has %d)"
                % (output, D))
        pick = (lambda a: np.ascontiguousarray(a[:, :, output])) if multi \
            else (lambda a: np.ascontiguousarray(a))
        self.values = pick(e.values)
        self.se = None if e.std_errors is None else pick(e.std_errors)
        self.data = np.ascontiguousarray(e.data, dtype=np.float64)
        bv = np.asarray(e.base_values, dtype=np.float64)
        self.base = bv[:, output] if bv.ndim == 2 else bv
        pr = np.asarray(e.predictions, dtype=np.float64)
        self.pred = pr[:, output] if pr.ndim == 2 else pr
        self.names = _lib.names_array(e.feature_names)
        self.method = e.method.encode()
        self.e, self.n, self.P, self.D, self.output = e, n, P, D, output
        self.lime = e.method == "lime"

    def view(self, i):
        v = _lib.ExplanationView()
        e = self.e
        v.row = i
        v.output = e.outputs[self.output] if e.outputs else self.output
        v.n_outputs = e.n_classes or self.D
        if self.lime:
            v.output = int(e.explained_class[i])
        v.method = self.method
        v.n_features = self.P
        v.names = self.names
        dp = _lib.as_double_p
        v.values = dp(self.data[i])
        v.contributions = dp(self.values[i])
        v.std_errors = dp(self.se[i]) if self.se is not None else None
        v.base_value = self.base[i]
        v.prediction = self.pred[i]
        nan = float("nan")
        v.intercept = v.score = v.local_prediction = nan
        if self.lime:
            e = self.e
            self._cond = _lib.names_array(e.conditions[i])
            self._sel = np.ascontiguousarray(e.selected[i], dtype=np.uint8)
            v.conditions = self._cond
            v.selected = self._sel.ctypes.data_as(
                ctypes.POINTER(ctypes.c_ubyte))
            v.intercept = e.base_values[i]
            v.score = e.score[i]
            v.local_prediction = e.local_prediction[i]
        return v


def _write(path, render):
    fp = _lib.fopen(_lib.path_bytes(path), b"w")
    if not fp:
        err = ctypes.get_errno()
        raise errors.FileError("%s: cannot open for writing%s"
                               % (path, ": " + os.strerror(err) if err
                                  else ""))
    try:
        _lib.check(render(fp))
    finally:
        if _lib.fclose(fp) != 0:
            raise errors.FileError("%s: cannot write" % path)


def plot(e, kind, path, output, rows, top_k, title, unit=None, feature=None,
         color_by=None, order_by_output=False, output_names=None):
    if kind not in PER_ROW + GLOBAL:
        raise errors.InvalidArgumentError(
            "kind must be one of %s, not %r"
            % (", ".join(PER_ROW + GLOBAL), kind))
    if unit is None:
        unit = e.unit
    if top_k is None:   # the CLI's defaults
        top_k = 10 if kind in PER_ROW else 20
    vs = _Views(e, output)
    chart = 0 if kind == "importance" else _lib.CHART[kind]
    enc = (lambda s: s.encode("utf-8") if s is not None else None)
    names = None
    if output_names is not None:
        names = _lib.names_array([str(n) for n in output_names])
    opts = _lib.RenderOptions(2, int(top_k), 0, chart, enc(title), names,
                              len(output_names) if names else 0, enc(unit),
                              enc(feature), enc(color_by),
                              int(bool(order_by_output)))
    lib = _lib.lib
    if rows is None:
        rows = range(vs.n)
    rows = [int(i) for i in np.atleast_1d(rows)] if not isinstance(
        rows, range) else list(rows)
    for i in rows:
        if not 0 <= i < vs.n:
            raise errors.InvalidArgumentError("row %d out of range" % i)
    if not rows:
        raise errors.InvalidArgumentError("no rows to plot")
    if kind in PER_ROW:
        svg = ctypes.POINTER(_lib.Svg)()
        _lib.check(lib.xpl_render_svg_begin(ctypes.byref(svg),
                                            ctypes.byref(opts)))
        try:
            for i in rows:
                _lib.check(lib.xpl_render_svg_chart(svg, ctypes.byref(
                    vs.view(i))))
            text = _emit(path, lambda fp: lib.xpl_render_svg_end(svg, fp))
        finally:
            lib.xpl_render_svg_free(svg)
        return text
    # every output, one chart each, as `explain importance`
    per_output = [vs] + [_Views(e, d) for d in range(vs.D) if d != output]
    imp = ctypes.POINTER(_lib.Importance)()
    _lib.check(lib.xpl_importance_new(ctypes.byref(imp), vs.P,
                                      e.n_classes or vs.D, vs.names))
    try:
        for i in rows:
            for w in sorted(per_output, key=lambda w: w.output):
                _lib.check(lib.xpl_importance_add(imp, ctypes.byref(
                    w.view(i))))
        return _emit(path, lambda fp: lib.xpl_importance_render_svg(
            fp, imp, ctypes.byref(opts)))
    finally:
        lib.xpl_importance_free(imp)


def _emit(path, render):
    if path is not None:
        _write(os.fspath(path), render)
        with open(path, encoding="utf-8") as f:
            return f.read()
    fd, tmp = tempfile.mkstemp(suffix=".svg")
    os.close(fd)
    try:
        _write(tmp, render)
        with open(tmp, encoding="utf-8") as f:
            return f.read()
    finally:
        os.unlink(tmp)
