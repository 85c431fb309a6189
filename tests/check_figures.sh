#!/bin/sh
# The committed figures in docs/figures/ are what tools/make_figures.sh
# makes with this build's explain: a change to the charts (or to what they
# show) must come with the figures it makes. TAP, one case per figure.
# Needs EXPLAIN and XPL_SOURCE_ROOT in the environment.
. "$(dirname "$0")/cli/lib.sh"
if ! sh "$root/tools/make_figures.sh" "$explain" "$tmp" >"$tmp/log" 2>&1; then
    sed 's/^/# /' "$tmp/log"
    echo "not ok 1 - tools/make_figures.sh runs"
    echo "1..1"
    exit 1
fi
for want in "$root"/docs/figures/*.svg; do
    name=$(basename "$want")
    if cmp -s "$want" "$tmp/$name"; then
        ok "docs/figures/$name is what tools/make_figures.sh makes"
    else
        not_ok "docs/figures/$name is what tools/make_figures.sh makes"
        [ -e "$tmp/$name" ] || echo "# the script no longer makes it"
        [ -e "$tmp/$name" ] && cmp "$want" "$tmp/$name" | sed 's/^/# /'
        echo "# regenerate: sh tools/make_figures.sh BUILD/src/cli/explain"
    fi
done
for made in "$tmp"/*.svg; do
    [ -e "$root/docs/figures/$(basename "$made")" ] && continue
    not_ok "docs/figures/$(basename "$made") is committed"
done
echo "1..$n"
[ "$failed" -eq 0 ]
