#!/bin/sh
# explain serve's CPU per request as instructions counted by callgrind: a
# figure that other work on the machine does not move, for comparing
# revisions of the server (bench/serve.sh measures latency under load).
# The server (one thread, the shipped XGBoost model, interventional
# TreeSHAP over its 100-row background) runs under callgrind twice per
# route: once answering W = 10 requests, once W + N, on one keep-alive
# connection; the difference over N is the route's instructions per
# request (server side only: libmicrohttpd, reading, explaining, rendering,
# the response; the kernel's TCP work is not counted). The W warm-up
# requests take the one-time costs out of the difference: the dynamic
# linker resolving each library function at its first call (thousands of
# instructions each), the first growth of buffers and pools.
# Routes: one-row CSV POST /v1/explain, the same row POST /v1/predict,
# GET /healthz.
# Usage: bench/serve_instructions.sh [BUILD_DIR] [N] [REPEAT]
# Needs valgrind, python3 (the client). About 1 minute for N=200.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-200}
repeat=${3:-1}
explain=$build/src/cli/explain
model=data/models/breast_cancer_xgb.bin
tmp=$(mktemp -d)
spid=
trap 'if [ -n "$spid" ]; then kill "$spid" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
head -2 data/breast_cancer.csv >"$tmp/row.csv"

# count ROUTE K: instructions of a server run that answers K requests
count() {
    route=$1 k=$2
    rm -f "$tmp/err" "$tmp/cg.out"
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        "$explain" serve "$model" --port 0 --threads 1 --timeout 600 \
        2>"$tmp/err" &
    spid=$!
    port=
    for _ in $(seq 600); do
        port=$(sed -n 's|.*listening on http://.*:\([0-9]*\)$|\1|p' "$tmp/err")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$tmp/err" >&2; exit 1; }
    python3 - "$port" "$route" "$k" "$tmp/row.csv" <<'EOF'
import http.client, sys
port, route, k, row = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
body = open(row, "rb").read()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
for _ in range(k):
    if route == "/healthz":
        c.request("GET", route)
    else:
        c.request("POST", route, body, {"Content-Type": "text/csv"})
    r = c.getresponse()
    answer = r.read()
    if r.status != 200 or not answer:
        sys.exit("%s: status %d: %r" % (route, r.status, answer[:200]))
c.close()
EOF
    kill -TERM "$spid"
    wait "$spid" || true
    spid=
    sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$tmp/cg.out"
}

echo "| route | instructions per request (N = $n) |"
echo "|---|---:|"
for route in /v1/explain /v1/predict /healthz; do
    for _ in $(seq "$repeat"); do
        zero=$(count "$route" 10)
        many=$(count "$route" $((n + 10)))
        echo "| $route | $(( (many - zero) / n )) |"
    done
done
