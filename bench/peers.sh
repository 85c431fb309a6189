#!/bin/bash
# xplain against today's tree-explanation libraries, side by side in one run:
# path-dependent TreeSHAP, interaction values, interventional TreeSHAP and
# prediction on the model grid of bench/make_grid.py (docs/performance.md).
#
#   bash bench/peers.sh            # both tables: one thread, then all CPUs
#
# Installs nothing. It uses the peers it finds:
#   PYTHON (default /work/venv/bin/python, else python3): numpy, xgboost
#       (3.x), and whichever of lightgbm, shap, fasttreeshap import;
#   XGB17_PYTHON (default /usr/bin/python3 if it has Debian's xgboost 1.7):
#       the old XGBoost's pred_contribs, as in the earlier figures;
#   FTS_PYTHON (default /work/venv-fts/bin/python if it imports
#       fasttreeshap): FastTreeSHAP 0.1.6 is built against NumPy 1 and
#       cannot be imported beside NumPy 2, so it may live in its own
#       environment (python -m venv; pip install "numpy<2" fasttreeshap);
#       it is given the trees as shap parsed them (it reads no XGBoost 3 file).
# Peers that are absent are left out of the tables (say which on stderr).
#
# Environment: BUILD_DIR (build-bench), DATA_DIR (build/peers), MODELS
# (comma-separated subset of the grid), MEASURES (contribs, interactions,
# interventional, predict), THREADS ("1 0": one thread, then all CPUs),
# ROWS (1000), REPEAT (3), BUDGET (3: seconds per timed run of a peer; a slow
# peer explains fewer rows, shown in the table), JSON (file for every figure).
# The first run trains the grid (minutes on a shared 2-core machine).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-bench}
DATA_DIR=${DATA_DIR:-build/peers}
if [ -z "${PYTHON:-}" ]; then
    PYTHON=python3
    [ -x /work/venv/bin/python ] && PYTHON=/work/venv/bin/python
fi
if [ -z "${XGB17_PYTHON+set}" ]; then
    XGB17_PYTHON=
    if /usr/bin/python3 -c 'import xgboost, sys; sys.exit(xgboost.__version__ >= "2")' 2>/dev/null; then
        XGB17_PYTHON=/usr/bin/python3
    fi
fi
if [ -z "${FTS_PYTHON+set}" ]; then
    FTS_PYTHON=
    if /work/venv-fts/bin/python -c 'import fasttreeshap' 2>/dev/null; then
        FTS_PYTHON=/work/venv-fts/bin/python
    fi
fi
THREADS=${THREADS:-"1 0"}

"$PYTHON" -c 'import numpy, xgboost' || {
    echo "peers.sh: $PYTHON lacks numpy or xgboost; set PYTHON to an interpreter with the peers" >&2
    exit 1
}

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" --buildtype=release >&2
fi
ninja -C "$BUILD_DIR" bench/peers_xplain >&2

# Training uses one thread (OpenMP spinning on a crowded machine costs more than it gains).
timeout 3600 "$PYTHON" bench/make_grid.py "$DATA_DIR" >&2

cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n 1)
echo "Machine: $(getconf _NPROCESSORS_ONLN) CPUs, ${cpu:-unknown CPU}; $(uname -sr); load average before the run $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
sed 's/^/    /' "$DATA_DIR/grid.txt"

args=(--xplain "$BUILD_DIR/bench/peers_xplain" --rows "${ROWS:-1000}"
      --repeat "${REPEAT:-3}" --budget "${BUDGET:-3}")
[ -n "${MODELS:-}" ] && args+=(--models "$MODELS")
[ -n "${MEASURES:-}" ] && args+=(--measures "$MEASURES")
[ -n "${ENGINES:-}" ] && args+=(--engines "$ENGINES")
[ -n "$XGB17_PYTHON" ] && args+=(--xgb17-python "$XGB17_PYTHON")
[ -n "$FTS_PYTHON" ] && args+=(--fts-python "$FTS_PYTHON")
for t in $THREADS; do
    json=()
    [ -n "${JSON:-}" ] && json=(--json "${JSON%.json}-threads$t.json")
    if [ "$t" = 1 ]; then
        OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
            "$PYTHON" bench/peers.py "$DATA_DIR" "${args[@]}" --threads 1 "${json[@]}"
    else
        "$PYTHON" bench/peers.py "$DATA_DIR" "${args[@]}" --threads "$t" "${json[@]}"
    fi
done
