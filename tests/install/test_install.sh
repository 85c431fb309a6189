#!/bin/sh
# Install into a temporary prefix as a user would (meson install with
# DESTDIR), then, with nothing from the build tree on the library path:
# run the installed `explain`, and build examples/*.c with nothing but
# `pkg-config --cflags --libs xplain` and run them. TAP.
# Needs BUILD_ROOT, XPL_SOURCE_ROOT, CC and SANITIZE in the environment.
set -u
root=${XPL_SOURCE_ROOT:?}
build=${BUILD_ROOT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# meson test points the loader at the build tree; an installed program
# must not need that.
unset LD_LIBRARY_PATH
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head -8
    return 0
}

dest=$tmp/dest
if ! meson install -C "$build" --destdir "$dest" --no-rebuild --quiet \
        >"$tmp/err" 2>&1; then
    not_ok "meson install"
    echo "1..$n"
    exit 1
fi
ok "meson install into a temporary destination"
explain=$(find "$dest" -path '*/bin/explain' -type f | head -1)
pc=$(find "$dest" -name xplain.pc | head -1)
prefix=${pc%/lib/*}
[ -n "$explain" ] && [ -n "$pc" ] && ok "installed explain and xplain.pc ($(echo "${pc#"$dest"}"))" ||
    not_ok "installed explain and xplain.pc"

# The installed binary finds the installed library, not the build tree's.
"$explain" --version >"$tmp/out" 2>"$tmp/err" && grep -q '^explain (xplain) ' "$tmp/out" &&
    ok "installed explain --version runs without LD_LIBRARY_PATH" ||
    not_ok "installed explain --version runs without LD_LIBRARY_PATH"
ldd "$explain" 2>/dev/null | grep libxplain >"$tmp/ldd"
grep -q "$dest" "$tmp/ldd" && ok "installed explain loads the installed libxplain" ||
    { cat "$tmp/ldd" >"$tmp/err"; not_ok "installed explain loads the installed libxplain"; }
head -3 "$root/data/breast_cancer.csv" >"$tmp/rows.csv"
"$explain" --format text "$root/data/models/breast_cancer_xgb.bin" "$tmp/rows.csv" >"$tmp/out" 2>"$tmp/err" &&
    grep -q 'prediction' "$tmp/out" && ok "installed explain explains rows" || not_ok "installed explain explains rows"
man_page=$(find "$dest" -name explain.1 | head -1)
[ -n "$man_page" ] && ok "man page installed" || not_ok "man page installed"

# Examples against the installed .pc alone (the .pc's prefix is the final
# one; DESTDIR moves it, as --define-prefix would for a relocated tree).
export PKG_CONFIG_PATH=${pc%/*}
flags=$(pkg-config --define-variable=prefix="$prefix" --cflags --libs xplain 2>"$tmp/err") &&
    ok "pkg-config --cflags --libs xplain: $flags" || not_ok "pkg-config --cflags --libs xplain"
libdir=$(pkg-config --define-variable=prefix="$prefix" --variable=libdir xplain)
san=
[ "${SANITIZE:-none}" != none ] && san="-fsanitize=$SANITIZE"
for src in "$root"/examples/*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2086
    if ${CC:-cc} -std=c11 $san "$src" $flags -Wl,-rpath,"$libdir" -o "$tmp/$name" 2>"$tmp/err"; then
        ok "$name builds with pkg-config xplain alone"
    else
        not_ok "$name builds with pkg-config xplain alone"
        continue
    fi
    case $name in
    predict_rows) args="$root/data/models/wine_logistic.bin $root/data/wine.csv" ;;
    explain_rows) args="$root/data/models/breast_cancer_xgb.bin $root/data/breast_cancer.csv" ;;
    *) args= ;;
    esac
    # shellcheck disable=SC2086
    "$tmp/$name" $args >"$tmp/out" 2>"$tmp/err" && [ -s "$tmp/out" ] &&
        ok "$name runs against the installed library" ||
        not_ok "$name runs against the installed library"
done

echo "1..$n"
[ "$failed" -eq 0 ]
