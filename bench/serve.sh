#!/bin/sh
# explain serve under load: wrk on loopback, one-row POST /v1/explain
# requests, concurrency 1, 16 and 64, for TreeSHAP (the shipped XGBoost
# model, interventional over its 100-row background) and Kernel SHAP (the
# same model, default budget). Prints wrk's summary and latency
# distribution for each; then the floor the machine, wrk and libmicrohttpd
# set: GET /healthz (no work) at the same concurrencies. SERVE_THREADS
# (default 2) is the server's --threads; METHODS (default "tree-shap
# kernel-shap") the methods measured.
# Usage: bench/serve.sh [BUILD_DIR] [SECONDS]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${2:-10}
explain=$build/src/cli/explain
model=data/models/breast_cancer_xgb.bin
tmp=$(mktemp -d)
trap 'kill "$spid" 2>/dev/null; rm -rf "$tmp"' EXIT
head -2 data/breast_cancer.csv >"$tmp/row.csv"
spid=
for method in ${METHODS:-tree-shap kernel-shap}; do
    "$explain" serve "$model" --method "$method" --port 0 \
        --threads "${SERVE_THREADS:-2}" \
        --timeout 60 2>"$tmp/err" &
    spid=$!
    port=
    for _ in $(seq 300); do
        [ -n "$port" ] && break
        sleep 0.1
        port=$(sed -n 's|.*listening on http://.*:\([0-9]*\)$|\1|p' "$tmp/err")
    done
    [ -n "$port" ] || { cat "$tmp/err" >&2; exit 1; }
    # the answer must be the CLI's before it is timed
    curl -s --data-binary @"$tmp/row.csv" "http://127.0.0.1:$port/v1/explain" |
        cmp -s - "$("$explain" --method "$method" "$model" "$tmp/row.csv" >"$tmp/cli"; echo "$tmp/cli")"
    for c in 1 16 64; do
        echo "== $method, concurrency $c"
        WRK_BODY=$tmp/row.csv wrk -t 1 -c "$c" -d "${secs}s" --latency --timeout 60s \
            -s bench/serve_wrk.lua "http://127.0.0.1:$port/v1/explain"
    done
    if [ "$method" = tree-shap ]; then
        for c in 1 16 64; do
            echo "== GET /healthz (the floor), concurrency $c"
            wrk -t 1 -c "$c" -d "${secs}s" --latency \
                "http://127.0.0.1:$port/healthz"
        done
    fi
    kill "$spid"
    wait "$spid" || true
done
