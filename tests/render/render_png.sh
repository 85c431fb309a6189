#!/bin/sh
# Each chart kind, rendered by headless chromium (when /usr/bin/chromium or
# $CHROMIUM exists), gives a PNG of the SVG's size that is not blank and
# shows shap's red and blue where the chart has both signs. TAP.
set -u
gen=${1:?usage: render_png.sh RENDER_SVGS}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/chromium_env.sh"
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

mkdir "$tmp/svg" "$tmp/profile"
if ! "$gen" --write-svgs "$tmp/svg" >"$tmp/log" 2>&1; then
    sed 's/^/# /' "$tmp/log"
    echo "not ok 1 - write the charts"
    echo "1..1"
    exit 1
fi

# name, then whether red and blue must both show (1) or not (0)
# (each screenshot costs seconds: one per chart kind plus the widest cases)
for spec in bar_typical:1 waterfall_typical:1 bar_lime:1 bar_many:1 \
            waterfall_huge:1 importance_bar:0 beeswarm:1 beeswarm_many:1 \
            force_typical:1 rows_force_p30:1 rows_heatmap_p30:1 \
            rows_decision_p30:1 rows_dependence_p30:1 rows_stacked_p5:1; do
    name=${spec%:*}
    both=${spec#*:}
    svg="$tmp/svg/$name.svg"
    png="$tmp/$name.png"
    height=$(sed -n 's/^<svg [^>]* height="\([0-9]*\)".*/\1/p' "$svg" | head -1)
    if [ -z "$height" ]; then
        not_ok "$name: integer height on the root element"
        continue
    fi
    # --no-sandbox: CI containers run as root, where the sandbox refuses
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
        --hide-scrollbars --no-first-run --user-data-dir="$tmp/profile" \
        --window-size="720,$height" --screenshot="$png" "file://$svg" \
        >"$tmp/chromium.log" 2>&1
    if [ ! -s "$png" ]; then
        not_ok "$name: chromium wrote a PNG"
        tail -3 "$tmp/chromium.log" | sed 's/^/# /'
        continue
    fi
    set -- $("$python" "$here/png_stats.py" "$png")
    w=$1 h=$2 nonwhite=$3 red=$4 blue=$5 total=$6
    if [ "$w" -eq 720 ] && [ "$h" -eq "$height" ]; then
        ok "$name: PNG is 720x$height like the SVG"
    else
        not_ok "$name: PNG is ${w}x$h, expected 720x$height"
    fi
    # at least 1% of the pixels are drawn (text, axes, bars, dots)
    if [ $((nonwhite * 100)) -ge "$total" ]; then
        ok "$name: not blank ($nonwhite of $total pixels drawn)"
    else
        not_ok "$name: nearly blank ($nonwhite of $total pixels drawn)"
    fi
    if [ "$both" = 1 ]; then
        if [ "$red" -gt 50 ] && [ "$blue" -gt 50 ]; then
            ok "$name: red and blue are drawn ($red, $blue pixels)"
        else
            not_ok "$name: red and blue are drawn ($red, $blue pixels)"
        fi
    elif [ $((red + blue)) -gt 50 ]; then
        ok "$name: coloured bars are drawn ($red red, $blue blue pixels)"
    else
        not_ok "$name: coloured bars are drawn ($red red, $blue blue pixels)"
    fi
done
echo "1..$n"
exit $failed
