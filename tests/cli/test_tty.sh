#!/bin/sh
# The CLI on a terminal, through a pseudo-terminal made by script(1)
# (util-linux): the progress line shows on a terminal and only there (not
# with -q, not when standard error is a file); an error or note printed
# while it shows starts on a line of its own; text output is coloured on a
# terminal unless NO_COLOR is set. Skipped where script cannot make a pty.
# TAP. Needs EXPLAIN and XPL_SOURCE_ROOT.
. "$(dirname "$0")/lib.sh"

models=$root/data/models
data=$root/data
lin=$models/diabetes_linear.bin
head -6 "$data/diabetes.csv" >"$tmp/d5.csv"
esc=$(printf '\033')

if ! command -v script >/dev/null 2>&1 ||
    ! SHELL=/bin/sh script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
    echo "1..0 # SKIP script(1) cannot make a pseudo-terminal here"
    exit 0
fi

# on_tty EXPECTED_STATUS COMMAND: run the shell COMMAND on a pseudo-terminal;
# what reached the terminal is in $tmp/tty. COMMAND names the binary, the
# temporary folder and the linear model as "$EXPLAIN_BIN", "$TMP" and
# "$LIN", expanded by the inner shell.
on_tty() {
    want=$1
    EXPLAIN_BIN=$explain TMP=$tmp LIN=$lin SHELL=/bin/sh \
        script -qec "$2" /dev/null >"$tmp/tty" 2>&1 </dev/null
    got=$?
    [ "$got" -eq "$want" ] || { echo "# exit status $got, expected $want: $2"; return 1; }
}
# screen: the terminal's lines as shown, for each line the text after its
# last carriage return ("\r" or "\r\033[K" redraws the line from the start).
screen() { sed "s/\r\$//; s/.*\r\(${esc}\[K\)\{0,1\}//" "$tmp/tty"; }
tty_has() { grep -q -- "$1" "$tmp/tty" || { echo "# terminal lacks: $1"; return 1; }; }
tty_lacks() { ! grep -q -- "$1" "$tmp/tty" || { echo "# terminal has: $1"; return 1; }; }

# ------------------------------------------------------------ progress
on_tty 0 '"$EXPLAIN_BIN" "$LIN" "$TMP/d5.csv" >"$TMP/out"' &&
    tty_has "explain: 5 rows, .* rows/s" && [ -s "$tmp/out" ] &&
    ok "progress: shown on a terminal" || not_ok "progress: shown on a terminal"
on_tty 0 '"$EXPLAIN_BIN" -q "$LIN" "$TMP/d5.csv" >"$TMP/out"' &&
    tty_lacks "rows/s" && [ ! -s "$tmp/tty" ] &&
    ok "progress: none with -q" || not_ok "progress: none with -q"
on_tty 0 '"$EXPLAIN_BIN" "$LIN" "$TMP/d5.csv" >"$TMP/out" 2>"$TMP/errfile"' &&
    tty_lacks "rows/s" && [ ! -s "$tmp/errfile" ] &&
    ok "progress: none when standard error is a file" ||
    not_ok "progress: none when standard error is a file"

# An error while the progress line shows. The rows come through a pipe in
# two parts 0.6 s apart, so the line is drawn (at most 4 times a second)
# after the second batch of 256; the bad cell follows on line 514.
hdr=$(head -1 "$data/diabetes.csv")
{ echo "$hdr"; awk 'NR > 1' "$data/diabetes.csv" | head -256; } >"$tmp/part1.csv"
awk 'NR > 1' "$data/diabetes.csv" | head -256 >"$tmp/part2.csv"
echo "1,2,oops,4,5,6,7,8,9,10,11" >"$tmp/bad_cell.csv"
echo "1,2,NA,4,5,6,7,8,9,10,11" >"$tmp/bad_row.csv"
for kind in bad_cell bad_row; do
    case $kind in
    bad_cell) pat='^explain: <stdin>:514: field 3: expected a number' ;;
    bad_row) pat='^explain: <stdin>:514: row 512: linear SHAP: feature "bmi" is missing' ;;
    esac
    on_tty 2 '(cat "$TMP/part1.csv"; sleep 0.6; cat "$TMP/part2.csv" "$TMP/'$kind'.csv") |
            "$EXPLAIN_BIN" "$LIN" - >"$TMP/out"' &&
        tty_has "explain: 512 rows, .* rows/s" &&
        screen | grep -q -- "$pat" &&
        [ "$(screen | grep -c 'rows/s')" -eq 0 ] &&
        ok "progress: an error ($kind) replaces the progress line" ||
        { not_ok "progress: an error ($kind) replaces the progress line"
          od -c "$tmp/tty" | tail -6 | sed 's/^/# /'; }
done

# Rows written to the same terminal: each starts its own line, even after
# the progress line was drawn (between the second and third batch).
awk 'NR > 1' "$data/diabetes.csv" | head -256 >"$tmp/part3.csv"
on_tty 0 '(cat "$TMP/part1.csv"; sleep 0.6; cat "$TMP/part2.csv"; sleep 0.4
          cat "$TMP/part3.csv") | "$EXPLAIN_BIN" "$LIN" -' &&
    tty_has "explain: 512 rows, .* rows/s" &&
    [ "$(screen | grep -c '^{"row":')" -eq 768 ] &&
    [ "$(screen | grep -c 'rows/s.*{"row"')" -eq 0 ] &&
    screen | tail -1 | grep -q '^explain: 768 rows' &&
    ok "progress: rows on the same terminal start their own lines" ||
    not_ok "progress: rows on the same terminal start their own lines"

# ---------------------------------------------------------------- colour
red=$(printf '\033\\[31m')
on_tty 0 '"$EXPLAIN_BIN" -q --format text "$LIN" "$TMP/d5.csv"' &&
    tty_has "$red" && tty_has "base value" &&
    ok "colour: text on a terminal is coloured" || not_ok "colour: text on a terminal is coloured"
on_tty 0 'NO_COLOR=1 "$EXPLAIN_BIN" -q --format text "$LIN" "$TMP/d5.csv"' &&
    tty_lacks "$esc" && tty_has "base value" &&
    ok "colour: none with NO_COLOR set" || not_ok "colour: none with NO_COLOR set"
on_tty 0 '"$EXPLAIN_BIN" -q --format text "$LIN" "$TMP/d5.csv" >"$TMP/out"' &&
    ! grep -q "$esc" "$tmp/out" && grep -q "base value" "$tmp/out" &&
    ok "colour: none when standard output is a file" ||
    not_ok "colour: none when standard output is a file"

echo "1..$n"
[ "$failed" -eq 0 ]
