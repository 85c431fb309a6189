#!/bin/bash
# explain serve: started on a free port, every endpoint and error, answers
# equal to the CLI's output, slow and stalled clients, many requests, and
# a graceful stop (SIGTERM finishes the request in progress). Skipped when
# the build has no serve (no libmicrohttpd) or curl is missing. With
# SERVE_WRAP set (e.g. "valgrind --error-exitcode=99 --leak-check=full"),
# the server runs under it and must exit 0. TAP.
# Needs EXPLAIN (the binary) and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/lib.sh"

if ! "$explain" serve --help >/dev/null 2>&1 || ! command -v curl >/dev/null; then
    echo "ok 1 # SKIP explain serve not built or curl missing"
    echo "1..1"
    exit 0
fi
models=$root/data/models
bc=$models/breast_cancer_xgb.bin
wine=$models/wine_logistic.bin
data=$root/data/breast_cancer.csv
head -6 "$data" >"$tmp/bc5.csv"
head -2 "$data" >"$tmp/bc1.csv"
# the rows as JSON: {"rows":[{name: value}]} (the target column left out)
to_json() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; n = NF - 1; next }
        { printf "%s{", (NR > 2 ? "," : "{\"rows\":[");
          for (i = 1; i <= n; i++) printf "%s\"%s\":%s", (i > 1 ? "," : ""), h[i], ($i == "" ? "null" : $i);
          printf "}" }
        END { print "]}" }' "$1"
}
to_json "$tmp/bc5.csv" >"$tmp/bc5.json"

wrap=${SERVE_WRAP:-}
quick_ms=1000 # "at once", natively; under a wrapper such as valgrind, 20 s
[ -n "$wrap" ] && quick_ms=20000
spid=
port=
# start_server ARGS...: the server on a free port; $port, $spid
start_server() {
    : >"$tmp/serve.err"
    # shellcheck disable=SC2086
    $wrap "$explain" serve --port 0 "$@" 2>"$tmp/serve.err" &
    spid=$!
    port=
    for _ in $(seq 600); do
        port=$(sed -n 's|^explain serve: listening on http://.*:\([0-9]*\)$|\1|p' "$tmp/serve.err")
        [ -n "$port" ] && return 0
        kill -0 "$spid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
# stop_server: SIGTERM, and the server must exit 0
stop_server() {
    kill -TERM "$spid" 2>/dev/null
    wait "$spid"
    local rc=$?
    [ "$rc" -eq 0 ] || { echo "# server exit status $rc"; sed 's/^/# /' "$tmp/serve.err" | tail -20; }
    return $rc
}
# req METHOD PATH [curl args...]: body in $tmp/body, status in $code
req() {
    local m=$1 p=$2
    shift 2
    code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X "$m" "$@" "http://127.0.0.1:$port$p")
}
body_has() { grep -q -- "$1" "$tmp/body" || { echo "# body lacks: $1"; head -c 300 "$tmp/body" | sed 's/^/# /'; return 1; }; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

# --- TreeSHAP service
"$explain" "$bc" "$tmp/bc5.csv" >"$tmp/cli.jsonl"
"$explain" predict "$bc" "$tmp/bc5.csv" >"$tmp/cli.pred"
"$explain" predict "$bc" "$tmp/bc5.csv" --model-output probability >"$tmp/cli.prob"
if ! start_server "$bc" --threads 2 --max-rows 20 --max-body 200000 --timeout 2; then
    not_ok "the server starts"
    echo "1..$n"
    exit 1
fi
ok "the server starts on a free port and says where"

check "GET /healthz" 'req GET /healthz && [ "$code" = 200 ] && body_has "\"status\":\"ok\""'
check "GET /v1/model: what explain info says, as JSON" \
    'req GET /v1/model && [ "$code" = 200 ] && body_has "\"kind\":\"tree_ensemble\"" &&
     body_has "\"link\":\"logit\"" && body_has "\"method\":\"tree-shap\"" &&
     body_has "\"features\":\[\"mean radius\"," && body_has "\"background\":{\"rows\":100"'
check "POST /v1/explain, CSV body: byte for byte the CLI's JSON Lines" \
    'req POST /v1/explain -H "Content-Type: text/csv" --data-binary @"$tmp/bc5.csv" &&
     [ "$code" = 200 ] && cmp -s "$tmp/body" "$tmp/cli.jsonl"'
check "POST /v1/explain, JSON body: the same bytes" \
    'req POST /v1/explain -H "Content-Type: application/json" --data-binary @"$tmp/bc5.json" &&
     [ "$code" = 200 ] && cmp -s "$tmp/body" "$tmp/cli.jsonl"'
check "no Content-Type: told apart by the first character" \
    'req POST /v1/explain --data-binary @"$tmp/bc5.json" -H "Content-Type:" && cmp -s "$tmp/body" "$tmp/cli.jsonl" &&
     req POST /v1/explain --data-binary @"$tmp/bc5.csv" -H "Content-Type:" && cmp -s "$tmp/body" "$tmp/cli.jsonl"'
check "POST /v1/predict: the CLI's predictions as JSON Lines" \
    'req POST /v1/predict --data-binary @"$tmp/bc5.csv" && [ "$code" = 200 ] &&
     [ "$(sed "s/.*\[\(.*\)\]}/\1/" "$tmp/body")" = "$(cat "$tmp/cli.pred")" ] &&
     req POST "/v1/predict?model-output=probability" --data-binary @"$tmp/bc5.json" &&
     [ "$(sed "s/.*\[\(.*\)\]}/\1/" "$tmp/body")" = "$(cat "$tmp/cli.prob")" ] && body_has "^{\"row\":4,"'
# the CSV readers kept between requests: other headers, errors and CRLF
# between bodies with one header still give the CLI's bytes and messages
awk -F, -v OFS=, '{ t = $1; $1 = $2; $2 = t; print }' "$tmp/bc5.csv" >"$tmp/swapped.csv"
sed 's/$/\r/' "$tmp/bc5.csv" >"$tmp/crlf.csv"
sed "3s/^[^,]*,/abc,/" "$tmp/bc5.csv" >"$tmp/bad3.csv"
check "kept CSV readers: any order of headers, line ends and errors" \
    '(for f in bc5 swapped bc5 bad3 bc5 crlf crlf bad3 swapped bc5; do
         req POST /v1/explain -H "Content-Type: text/csv" --data-binary @"$tmp/$f.csv" || exit 1
         if [ "$f" = bad3 ]; then
             [ "$code" = 400 ] && body_has "\"line\":3,\"column\":1}" || exit 1
         else
             [ "$code" = 200 ] && cmp -s "$tmp/body" "$tmp/cli.jsonl" || { echo "# $f differs"; exit 1; }
         fi
     done)'
awk -F, -v OFS=, 'NR == 1 { print "key", $0; next } { print "k" NR, $0 }' "$tmp/bc5.csv" >"$tmp/keyed.csv"
"$explain" "$bc" "$tmp/keyed.csv" --id-column key >"$tmp/cli_ids.jsonl"
check "id-column passthrough: as explain --id-column writes it (CSV and JSON)" \
    'req POST "/v1/explain?id-column=key" --data-binary @"$tmp/keyed.csv" && [ "$code" = 200 ] &&
     cmp -s "$tmp/body" "$tmp/cli_ids.jsonl" &&
     sed "s/{\"mean radius\"/{\"key\":\"k2\",\"mean radius\"/g" "$tmp/bc5.json" >"$tmp/keyed.json" &&
     req POST "/v1/explain?id-column=key" --data-binary @"$tmp/keyed.json" && body_has "^{\"id\":\"k2\",\"row\":0," &&
     req POST "/v1/predict?id-column=key&id-column=target" --data-binary @"$tmp/keyed.csv" &&
     body_has "^{\"id\":\[\"k3\",\"0\"\],\"row\":1,\"prediction\":\["'
check "a header-only body gives no lines" \
    'head -1 "$data" >"$tmp/h.csv" && req POST /v1/explain --data-binary @"$tmp/h.csv" && [ "$code" = 200 ] && [ ! -s "$tmp/body" ]'

# --- errors: 4xx with {"error","line","column"}
err_is() { # status, message part, line, column
    [ "$code" = "$1" ] && body_has "$2" && body_has "\"line\":$3,\"column\":$4}" || { echo "# got $code"; return 1; }
}
check "malformed CSV: 400 at its line and column" \
    'sed "3s/^[^,]*,/abc,/" "$tmp/bc5.csv" >"$tmp/bad.csv" && req POST /v1/explain --data-binary @"$tmp/bad.csv" -H "Content-Type: text/csv" &&
     err_is 400 "expected a number, found \\\\\"abc\\\\\"" 3 1'
check "ragged CSV row: 400" \
    'printf "%s\n1,2\n" "$(head -1 "$data")" >"$tmp/rag.csv" && req POST /v1/explain --data-binary @"$tmp/rag.csv" &&
     err_is 400 "expected 31 fields, found 2" 2 null'
check "missing feature column: 400" \
    'cut -d, -f2- "$tmp/bc5.csv" >"$tmp/miss.csv" && req POST /v1/explain --data-binary @"$tmp/miss.csv" &&
     err_is 400 "missing column \\\\\"mean radius\\\\\"" 1 null'
check "malformed JSON: 400 at its line and column" \
    'printf "{\"rows\": [\n  {\"a\": 1,}\n]}" >"$tmp/bad.json" && req POST /v1/explain -H "Content-Type: application/json" --data-binary @"$tmp/bad.json" &&
     err_is 400 "error" 2 11'
check "JSON: unknown, missing or non-numeric features, wrong shapes" \
    'req POST /v1/explain --data-binary "{\"rows\":[{\"x\":1}]}" -H "Content-Type: application/json" && err_is 400 "rows\[0\]: unknown feature \\\\\"x\\\\\"" null null &&
     sed "s/\"mean radius\":[^,]*,//" "$tmp/bc5.json" >"$tmp/m.json" && req POST /v1/explain --data-binary @"$tmp/m.json" && err_is 400 "missing feature \\\\\"mean radius\\\\\"" null null &&
     sed "s/\"mean radius\":[^,]*,/\"mean radius\":\"big\",/" "$tmp/bc5.json" >"$tmp/s.json" && req POST /v1/explain --data-binary @"$tmp/s.json" && err_is 400 "expected a number or null" null null &&
     req POST /v1/explain --data-binary "{\"rows\":{}}" && err_is 400 "expected {" null null &&
     req POST /v1/explain --data-binary "{\"rows\":[],\"x\":1}" && err_is 400 "beside" null null &&
     req POST /v1/explain --data-binary "{\"rows\":[1]}" && err_is 400 "expected an object" null null &&
     req POST /v1/explain --data-binary "{\"rows\":[{\"a\":1,\"a\":2}]}" && err_is 400 "duplicate" 1 19'
check "JSON null is a missing value" \
    'sed "s/\"mean radius\":[^,]*,/\"mean radius\":null,/" "$tmp/bc5.json" >"$tmp/n.json" && req POST /v1/explain --data-binary @"$tmp/n.json" &&
     [ "$code" = 200 ] && body_has "\"name\":\"mean radius\",\"value\":null"'
check "too large: 413 (declared or streamed), too many rows: 413" \
    'head -c 300000 /dev/zero | tr "\0" "1" >"$tmp/big" && req POST /v1/explain --data-binary @"$tmp/big" && err_is 413 "max-body" null null &&
     req POST /v1/explain -H "Transfer-Encoding: chunked" --data-binary @"$tmp/big" && err_is 413 "max-body" null null &&
     head -30 "$data" >"$tmp/bc29.csv" && req POST /v1/explain --data-binary @"$tmp/bc29.csv" && err_is 413 "more than 20 rows" 22 null &&
     to_json "$tmp/bc29.csv" >"$tmp/bc29.json" && req POST /v1/explain --data-binary @"$tmp/bc29.json" && err_is 413 "29 rows, more than 20" null null'
check "wrong method: 405 with Allow; unknown path: 404; bad query: 400; bad type: 415" \
    'req GET /v1/explain && err_is 405 "use POST" null null &&
     curl -s -i -X DELETE "http://127.0.0.1:$port/healthz" | grep -q "^Allow: GET" &&
     req GET /nope && err_is 404 "no such endpoint" null null &&
     req POST "/v1/explain?color=red" --data-binary @"$tmp/bc5.csv" && err_is 400 "unknown query parameter" null null &&
     req POST "/v1/predict?model-output=odds" --data-binary @"$tmp/bc5.csv" && err_is 400 "model-output must be" null null &&
     req POST "/v1/explain?id-column=" --data-binary @"$tmp/bc5.csv" && err_is 400 "needs a column name" null null &&
     req POST /v1/explain -H "Content-Type: application/xml" --data-binary @"$tmp/bc5.csv" && err_is 415 "Content-Type" null null'
check "identifier errors: missing, not UTF-8, a feature" \
    'req POST "/v1/explain?id-column=nope" --data-binary @"$tmp/bc5.csv" && err_is 400 "missing column \\\\\"nope\\\\\"" 1 null &&
     printf "key,%s\n\377,%s\n" "$(head -1 "$data")" "$(sed -n 2p "$data")" >"$tmp/u.csv" &&
     req POST "/v1/explain?id-column=key" --data-binary @"$tmp/u.csv" && err_is 400 "not valid UTF-8" null null &&
     req POST "/v1/explain?id-column=mean%20radius" --data-binary @"$tmp/bc5.csv" && err_is 400 "is a feature" null null'

# --- many requests on kept-alive and new connections, several at once
"$explain" "$bc" "$tmp/bc1.csv" >"$tmp/one.jsonl"
urls=()
for _ in $(seq 50); do urls+=("http://127.0.0.1:$port/v1/explain"); done
ok_many=1
for j in 1 2 3 4; do
    ( for _ in $(seq 25); do curl -s --data-binary @"$tmp/bc1.csv" "http://127.0.0.1:$port/v1/explain"; done ) >"$tmp/par$j.out" &
done
wait_pids=$(jobs -p | grep -v -x "$spid")
# shellcheck disable=SC2086
wait $wait_pids
for j in 1 2 3 4; do
    [ "$(sort -u "$tmp/par$j.out" | wc -l)" -eq 1 ] && cmp -s <(head -1 "$tmp/par$j.out") "$tmp/one.jsonl" &&
        [ "$(wc -l <"$tmp/par$j.out")" -eq 25 ] || ok_many=0
done
curl -s --data-binary @"$tmp/bc1.csv" "${urls[@]}" >"$tmp/many.out" &&
    [ "$(sort -u "$tmp/many.out" | wc -l)" -eq 1 ] && [ "$(wc -l <"$tmp/many.out")" -eq 50 ] &&
    cmp -s <(head -1 "$tmp/many.out") "$tmp/one.jsonl" || ok_many=0
[ $ok_many = 1 ] && ok "200 requests, 4 clients at once and 50 on one kept-alive connection: all right" ||
    not_ok "200 requests, 4 clients at once and 50 on one kept-alive connection: all right"

# --- a stalled client does not hold the others, and is dropped
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /v1/explain HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nmean' >&3
exec 4<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&4   # headers never finished
t0=$(date +%s%N)
req POST /v1/explain --data-binary @"$tmp/bc1.csv"
t1=$(date +%s%N)
check "two stalled clients: another request still answers at once" \
    '[ "$code" = 200 ] && [ $(( (t1 - t0) / 1000000 )) -lt $quick_ms ]'
sleep 3.5
check "a stalled client is dropped after --timeout" \
    '[ -z "$(timeout 2 cat <&3)" ] && [ -z "$(timeout 2 cat <&4)" ]'
exec 3>&- 4>&-
curl -s --limit-rate 2k --data-binary @"$tmp/bc5.csv" -o "$tmp/slow.out" "http://127.0.0.1:$port/v1/explain" &
slow=$!
sleep 0.3
req POST /v1/explain --data-binary @"$tmp/bc1.csv"
fast=$code
wait $slow
check "a slow upload does not stall another request, and is answered" \
    '[ "$fast" = 200 ] && cmp -s "$tmp/slow.out" "$tmp/cli.jsonl"'
check "SIGTERM: the server stops and exits 0" 'stop_server && grep -q "stopped (SIGTERM)" "$tmp/serve.err"'

# --- Kernel SHAP and LIME services: the CLI's bytes (seeded by the rows)
for m in "kernel-shap --nsamples 300 --seed 5" "lime --num-samples 400 --seed 2"; do
    # shellcheck disable=SC2086
    "$explain" --method $m "$bc" "$tmp/bc5.csv" >"$tmp/cli_m.jsonl"
    # shellcheck disable=SC2086
    if start_server "$bc" --method $m; then
        check "--method ${m%% *}: the CLI's bytes" \
            'req POST /v1/explain --data-binary @"$tmp/bc5.csv" && [ "$code" = 200 ] && cmp -s "$tmp/body" "$tmp/cli_m.jsonl" &&
             req GET /v1/model && body_has "\"method\":\"${m%% *}\""'
        stop_server >/dev/null
    else
        not_ok "--method ${m%% *}: the server starts"
    fi
done
"$explain" "$wine" "$root/data/wine.csv" --class 2 >"$tmp/wine.jsonl"
"$explain" "$wine" "$root/data/wine.csv" --class 2 --background "$root/data/wine.csv" --background-size 20 >"$tmp/wine.jsonl"
if start_server "$wine" --class 2 --background "$root/data/wine.csv" --background-size 20; then
    check "multi-output model, --class, --background: the CLI's bytes" \
        'req POST /v1/explain --data-binary @"$root/data/wine.csv" -H "Content-Type: text/csv" && cmp -s "$tmp/body" "$tmp/wine.jsonl"'
    stop_server >/dev/null
fi

# --- graceful stop: the request in progress is answered in full
# (Kernel SHAP over 30 features: about half a second of CPU for 5 rows)
"$explain" --method kernel-shap --nsamples 1000 "$bc" "$tmp/bc5.csv" >"$tmp/slow_cli.jsonl"
if start_server "$bc" --method kernel-shap --nsamples 1000; then
    curl -s --data-binary @"$tmp/bc5.csv" -o "$tmp/inflight.out" "http://127.0.0.1:$port/v1/explain" &
    cpid=$!
    sleep 0.3
    kill -TERM "$spid"
    wait $cpid
    wait "$spid"
    src=$?
    check "SIGTERM during a request: it is answered in full, then the server exits 0" \
        '[ $src -eq 0 ] && cmp -s "$tmp/inflight.out" "$tmp/slow_cli.jsonl"'
    check "after the stop, new connections are refused" \
        '! curl -s -m 2 "http://127.0.0.1:$port/healthz" >/dev/null'
fi

# --- a second signal stops at once, cutting a long request short
# (not under a wrapper: leaving while threads still hold memory is the
# point, and valgrind would count that memory as lost)
head -101 "$data" >"$tmp/bc100.csv"
if [ -z "$wrap" ] && start_server "$bc" --method kernel-shap; then
    curl -s --data-binary @"$tmp/bc100.csv" -o /dev/null "http://127.0.0.1:$port/v1/explain" &
    cpid=$!
    sleep 0.5
    t0=$(date +%s)
    kill -TERM "$spid"
    sleep 0.3
    kill -TERM "$spid"
    wait "$spid"
    src=$?
    t1=$(date +%s)
    wait $cpid
    check "a second SIGTERM stops at once, cutting the request short" \
        '[ $src -eq 0 ] && [ $((t1 - t0)) -lt 15 ] && grep -q "cut the requests in progress short" "$tmp/serve.err"'
fi

# --- usage
run 1 serve && err_has "expected one MODEL" &&
    run 1 serve "$bc" --port 70000 && err_has "from 0 (any free port) to 65535" &&
    run 1 serve "$bc" --format csv && err_has "do not apply" &&
    run 1 serve "$bc" --max-body 0 && err_has "--max-body must be" &&
    run 1 serve "$bc" --max-rows x && err_has "--max-rows must be" &&
    run 1 serve "$bc" --timeout 0 && err_has "--timeout must be" &&
    run 1 "$bc" "$tmp/bc5.csv" --port 1 && err_has "option of 'explain serve'" &&
    run 1 serve "$bc" --host no.such.host.invalid && err_has "no.such.host.invalid" &&
    run 2 serve "$root/nonexistent.bin" &&
    ok "serve usage errors" || not_ok "serve usage errors"
if start_server "$bc"; then
    busy=$port
    run 2 serve "$bc" --port "$busy" && err_has "cannot listen" &&
        ok "a port in use: exit 2" || not_ok "a port in use: exit 2"
    kill -INT "$spid"; wait "$spid"
    [ $? -eq 0 ] && grep -q "stopped (SIGINT)" "$tmp/serve.err" && ok "SIGINT stops it too" || not_ok "SIGINT stops it too"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
