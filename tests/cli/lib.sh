# Shared by the CLI test scripts (sourced): a temporary folder, TAP
# counters and helpers to run `explain` and check its exit status and output.
set -u
root=${XPL_SOURCE_ROOT:?}
explain=${EXPLAIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ -s "$tmp/err" ] && sed 's/^/# stderr: /' "$tmp/err" | head -5
    return 0
}
# run EXPECTED_STATUS ARGS...: runs explain, stdout in $tmp/out, stderr in $tmp/err
run() {
    want=$1; shift
    "$explain" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] || { echo "# exit status $got, expected $want: explain $*"; return 1; }
}
err_has() { grep -q -- "$1" "$tmp/err" || { echo "# stderr lacks: $1"; return 1; }; }
out_has() { grep -q -- "$1" "$tmp/out" || { echo "# stdout lacks: $1"; return 1; }; }
